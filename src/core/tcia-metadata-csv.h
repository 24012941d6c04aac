/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-series.h"

G_BEGIN_DECLS

/* <dest>/metadata.csv as the NBIA Data Retriever writes it (tcia-api.md §5.4). */

#define TCIA_METADATA_CSV_NAME   "metadata.csv"
#define TCIA_METADATA_CSV_HEADER "Series UID,Collection,3rd Party Analysis,Data Description URI," \
                                 "Subject ID,Study UID,Study Description,Study Date," \
                                 "Series Description,Manufacturer,Modality,SOP Class Name," \
                                 "SOP Class UID,Number of Images,File Size,File Location," \
                                 "Download Timestamp"

/* "812 B", "1.50 KB", "25.27 MB": decimal units, as the Data Retriever. */
char       *tcia_metadata_csv_format_size   (guint64      bytes);
/* One row, ending in "\r\n". Commas, CR and LF inside values become spaces
 * (the format has no quoting). @location is relative, without "./". */
char       *tcia_metadata_csv_format_row    (TciaSeries  *series,
                                             guint        n_images,
                                             guint64      bytes,
                                             const char  *location,
                                             GDateTime   *timestamp);
/* The Series UIDs of the rows of @path; empty when it does not exist. */
GHashTable *tcia_metadata_csv_read_uids     (const char  *path);
/* Appends @row with one write(2), creating the file with its header first. */
gboolean    tcia_metadata_csv_append        (const char  *path,
                                             const char  *row,
                                             GError     **error);

G_END_DECLS
