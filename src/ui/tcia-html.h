/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Turns the HTML of a collection description into Pango markup for a
 * wrapping GtkLabel: paragraphs become blank lines, list items bullets,
 * links <a href>, bold and italics stay; everything else is plain text,
 * escaped. Never NULL; "" for NULL or empty input. */
char *tcia_html_to_pango_markup (const char *html);

G_END_DECLS
