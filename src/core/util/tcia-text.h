/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Text from outside (a server's error page, a listing value, a file name
 * from a manifest) made fit to show a person: valid UTF-8, no control
 * characters (C0, DEL, C1: no terminal escape, no carriage return), runs of
 * white space as one space; with @max_chars > 0,
 * cut after @max_chars characters and marked "…". Never NULL; NULL gives "". */
char *tcia_text_sanitize (const char *text,
                          gsize       max_chars);

/* @text (NULL is "") as valid UTF-8 without the control characters a
 * terminal acts on (C0 but TAB, CR and LF; DEL; C1), for listings written
 * as CSV or TSV: the value is otherwise kept as it is. */
char *tcia_text_strip_controls (const char *text);

/* Whether the @len bytes of @s (-1: up to its NUL) have the syntax of a
 * DICOM UID: digits in groups separated by single dots, with no dot first
 * or last. Length limits are the caller's. */
gboolean tcia_text_is_uid (const char *s,
                           gssize      len);

/* The length messages cut names and server text to. */
#define TCIA_TEXT_MESSAGE_MAX 200

G_END_DECLS
