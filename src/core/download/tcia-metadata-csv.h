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
/* One row, ending in "\r\n", its values quoted as RFC 4180 says and
 * formulas neutralised (tcia-csv.h): descriptions come from the contributing
 * sites. @location is relative, without "./". The SOP
 * Class UID is the series' own (v1 getSeriesMetaData has it), else
 * @sop_class_uid (NULL for none); the SOP Class Name is its DICOM name. */
char       *tcia_metadata_csv_format_row    (TciaSeries  *series,
                                             guint        n_images,
                                             guint64      bytes,
                                             const char  *location,
                                             const char  *sop_class_uid,
                                             GDateTime   *timestamp);
/* The name DICOM PS3.6 gives a Storage SOP Class UID ("CT Image Storage"),
 * as the Data Retriever writes it; NULL for a UID it does not list. */
const char *tcia_metadata_csv_sop_class_name (const char *sop_class_uid);
/* The SOP Class UID of the images in @dir_path, from the DICOM file meta
 * information (Media Storage SOP Class UID, 0002,0002) of one of them: v4
 * gives no SOP Class UID. NULL when no file there says. */
char       *tcia_metadata_csv_read_sop_class_uid (const char *dir_path);
/* The most of metadata.csv the program reads. */
#define TCIA_METADATA_CSV_MAX (256 * 1024 * 1024)

/* metadata.csv in the folder open as @dest_fd, as a table of Series UID →
 * File Location (without "./"; "" when the file has no such column). Only
 * rows a line break ends count: a crash can leave half a row. Empty when
 * the file does not exist; NULL with a TCIA_DOWNLOAD_ERROR_WRITE error naming
 * @display_path when it is not a regular file (a FIFO, a link, a device)
 * or is larger than TCIA_METADATA_CSV_MAX. */
GHashTable *tcia_metadata_csv_read_locations (int          dest_fd,
                                              const char  *display_path,
                                              GError     **error);
/* Every complete row of metadata.csv in the folder open as @dest_fd, in
 * file order, as a GStrv of the values of @columns (header names, such as
 * "Series UID"; "" for a column the file lacks). Empty when the file does
 * not exist; errors as tcia_metadata_csv_read_locations(). */
GPtrArray  *tcia_metadata_csv_read_columns  (int                 dest_fd,
                                             const char         *display_path,
                                             const char * const *columns,
                                             GError            **error);

/* Appends @row to metadata.csv in the folder open as @dest_fd with one
 * write(2), creating it with its header first; a short write is taken back.
 * Refuses what is not a regular file, as tcia_metadata_csv_read_locations(). */
gboolean    tcia_metadata_csv_append_at     (int          dest_fd,
                                             const char  *display_path,
                                             const char  *row,
                                             GError     **error);
/* The same, for the file at @path. */
gboolean    tcia_metadata_csv_append        (const char  *path,
                                             const char  *row,
                                             GError     **error);

G_END_DECLS
