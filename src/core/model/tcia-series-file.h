/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-records-private.h"
#include "tcia-series.h"

G_BEGIN_DECLS

/* The one on-disk form of a list of series, shared by the basket file and
 * the saved download queue:
 *
 *   {"version":N, HEADER..., "LIST":[ROW,...]}
 *
 * HEADER members are scalars the file's owner chooses ("destination", ...).
 * A ROW is a series, {nick:value,...} with unset values and zeros left out
 * and numbers as digits; or, in a file whose rows are wrapped, an object
 * {"state":TEXT,"series":SERIES}. Written with yajl_gen, read with yajl as a
 * stream: a list of 100,000 series is a file of ~100 MB, which a DOM would
 * take seconds and hundreds of MB to read (BUILD-NOTES.md). */

typedef struct _TciaSeriesFileWriter TciaSeriesFileWriter;

/* Opens the top object and writes its "version". */
TciaSeriesFileWriter *tcia_series_file_writer_new         (guint                 version);
void                  tcia_series_file_writer_add_string  (TciaSeriesFileWriter *self,
                                                           const char           *key,
                                                           const char           *value);
void                  tcia_series_file_writer_add_integer (TciaSeriesFileWriter *self,
                                                           const char           *key,
                                                           gint64                value);
/* Opens the list of rows; header members come before it. */
void                  tcia_series_file_writer_begin_list  (TciaSeriesFileWriter *self,
                                                           const char           *key);
/* A row: @series itself when @state is NULL, else {"state":@state,"series":@series}. */
void                  tcia_series_file_writer_add_series  (TciaSeriesFileWriter *self,
                                                           TciaSeries           *series,
                                                           const char           *state);
/* (transfer full) The file, ending in a line break; frees @self. */
GBytes               *tcia_series_file_writer_finish      (TciaSeriesFileWriter *self);

typedef struct
{
  GPtrArray  *series;     /* TciaSeries in file order, each series UID once */
  GPtrArray  *states;     /* char *, NULL when absent: the "state" of each row of
                           * @series, when the rows are wrapped; else NULL */
  GHashTable *header;     /* the other top-level scalars, key -> value as text */
  guint       n_skipped;  /* rows that are not a series with a UID */
} TciaSeriesFile;

/* Reads a file of @version whose rows are under @list_key (wrapped rows when
 * @wrapped). NULL with a message (no prefix, G_IO_ERROR_INVALID_DATA) when it
 * is not valid JSON, not an object, of another version, or has no list. */
TciaSeriesFile       *tcia_series_file_parse              (const char           *data,
                                                           gsize                 len,
                                                           guint                 version,
                                                           const char           *list_key,
                                                           gboolean              wrapped,
                                                           GError              **error);
void                  tcia_series_file_free               (TciaSeriesFile       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaSeriesFile, tcia_series_file_free)

/* The field table of TciaSeries, its class kept alive. */
const TciaRecordInfo *tcia_series_file_record_info        (void);

/* Moves (or copies) a file that could not be read to
 * "<name>.corrupt-<date>-<time>[-N]" beside it, never over another file,
 * so that it is never read again and never lost. */
GFile                *tcia_series_file_set_aside          (GFile                *file,
                                                           gboolean              move,
                                                           GError              **error);

G_END_DECLS
