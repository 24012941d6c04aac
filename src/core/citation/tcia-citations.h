/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-series.h"

G_BEGIN_DECLS

/* What to cite for data downloaded: TCIA's own paper, IDC's when IDC
 * served a series, and each collection's data set (its DOI, from the
 * series' data description URI, and its licence). Built from the records
 * alone, without the network; written as BibTeX (CITATION.bib) and as
 * plain text (CITATION.txt). */

/* Names of the files in the destination. */
#define TCIA_CITATION_BIB_NAME "CITATION.bib"
#define TCIA_CITATION_TXT_NAME "CITATION.txt"

/* The keys of the two papers. */
#define TCIA_CITATION_TCIA_KEY "clark2013tcia"
#define TCIA_CITATION_IDC_KEY  "fedorov2023idc"

#define TCIA_TYPE_CITATIONS (tcia_citations_get_type ())

G_DECLARE_FINAL_TYPE (TciaCitations, tcia_citations, TCIA, CITATIONS, GObject)

TciaCitations *tcia_citations_new                (void);
/* Adds the data set @series belongs to (one entry per collection and
 * DOI); TRUE when it was not there yet. A series without a collection
 * adds nothing. */
gboolean       tcia_citations_add_series         (TciaCitations  *self,
                                                  TciaSeries     *series);
/* IDC served a series: its acknowledgment is added. TRUE when new. */
gboolean       tcia_citations_add_idc            (TciaCitations  *self);
gboolean       tcia_citations_get_idc            (TciaCitations  *self);
/* The data sets added. */
guint          tcia_citations_get_n_data_sets    (TciaCitations  *self);

/* The whole list, TCIA's paper first: BibTeX, and plain text (one
 * paragraph each). */
char          *tcia_citations_format_bibtex      (TciaCitations  *self);
char          *tcia_citations_format_text        (TciaCitations  *self);

/* The file to write in place of @existing (a CITATION.bib or .txt read
 * from the destination, NULL when there is none): @existing as it is, with
 * every entry it lacks appended. An entry is there when its DOI is (or,
 * without a DOI, its key or its text), so nothing in the file, the user's
 * own entries included, is ever dropped or rewritten. */
char          *tcia_citations_merge_bibtex       (TciaCitations  *self,
                                                  const char     *existing);
char          *tcia_citations_merge_text         (TciaCitations  *self,
                                                  const char     *existing);

/* Text for a BibTeX field: LaTeX's special characters (\ { } $ & % # _ ~ ^)
 * escaped, control characters and line breaks turned into spaces. */
char          *tcia_bibtex_escape                (const char     *text);
/* A URL or DOI for a verbatim field (url, doi): anything that could end
 * the field or is not a URL character (braces, backslash, spaces, quotes,
 * non-ASCII) percent-encoded. */
char          *tcia_bibtex_escape_url            (const char     *url);
/* A citation key from a name: "tcia_" and its letters and digits in lower
 * case, any other run of characters one '_' ("4D-Lung" -> "tcia_4d_lung"). */
char          *tcia_bibtex_key                   (const char     *name);
/* The DOI in a data description URI ("https://doi.org/10.7937/X" ->
 * "10.7937/X"), or NULL when it holds none. */
char          *tcia_citation_doi_from_uri        (const char     *uri);

G_END_DECLS
