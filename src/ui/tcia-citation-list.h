/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TCIA_TYPE_CITATION_LIST (tcia_citation_list_get_type ())

G_DECLARE_FINAL_TYPE (TciaCitationList, tcia_citation_list, TCIA, CITATION_LIST, AdwPreferencesGroup)

/* What to cite for the series of a model (the basket), as the download
 * writes it into CITATION.bib and CITATION.txt: an expander each for
 * BibTeX and plain text, with a Copy button. IDC's paper is listed when
 * the settings' source-policy lets IDC serve. Follows the model's changes. */
GtkWidget  *tcia_citation_list_new      (void);
/* @settings may be NULL (then without IDC's paper). */
void        tcia_citation_list_setup    (TciaCitationList *self,
                                         GListModel       *series,
                                         GSettings        *settings);
/* What is shown now. */
const char *tcia_citation_list_get_bibtex (TciaCitationList *self);
const char *tcia_citation_list_get_text   (TciaCitationList *self);

G_END_DECLS
