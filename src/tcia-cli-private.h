/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>

#include "tcia-core.h"
#include "tcia-download-queue.h"
#include "tcia-records-private.h"

G_BEGIN_DECLS

/* What the listing and the download share, in tcia-cli.c. */

/* The longest text quoted in one message, in characters. */
#define CLI_MESSAGE_MAX 1000

char     *tcia_cli_one_line                (const char *text);
gboolean  tcia_cli_get_test_retry_delay    (guint64    *delay_ms);
void      tcia_cli_apply_test_retry_policy (TciaClient *client);

/* Of @candidates, the one closest to @word (case-insensitive edit
 * distance), or NULL when none is close enough to be what was meant. */
const char *tcia_cli_closest               (const char         *word,
                                            const char * const *candidates,
                                            guint               n_candidates);

/* Ends the program as a write to a closed pipe (EPIPE) would have, had
 * SIGPIPE not been ignored: quietly, killed by SIGPIPE. */
void      tcia_cli_exit_on_closed_pipe     (void) G_GNUC_NORETURN;

/* The live progress line of a download, in tcia-cli-progress.c. */
char     *tcia_cli_format_time_left        (double      seconds);
/* "12 of 31 series · 4.2 MB of 15.6 MB · 27 % · about 1 minute left";
 * without the time when @seconds_left is negative. */
char     *tcia_cli_format_progress         (guint       n_done,
                                            guint       n_total,
                                            guint64     bytes_done,
                                            guint64     bytes_total,
                                            double      seconds_left);
/* Rewrites the line on stderr, a terminal, with the state of @queue. */
void      tcia_cli_print_progress          (TciaDownloadQueue *queue,
                                            guint              n_total,
                                            gint64             started_us);

/* The formats of a listing (--format). */
typedef enum
{
  TCIA_CLI_FORMAT_TSV,
  TCIA_CLI_FORMAT_CSV,
  TCIA_CLI_FORMAT_JSON,
  TCIA_CLI_FORMAT_TCIA,
  TCIA_CLI_FORMAT_S5CMD,
  TCIA_CLI_N_FORMATS
} TciaCliFormat;

/* One column of a listing: a field of the records' table, and its header;
 * or, when @text is not NULL, what it gives for the row at @index (a
 * column that is no field of the records: --list=new's "Change"). */
typedef struct
{
  guint         field;
  const char   *header;
  const char *(*text) (guint    index,
                       gpointer data);
  gpointer      data;
} TciaCliColumn;

/* The listing's writers, in tcia-cli-list-output.c: @rows are records of
 * @info's type, @columns TciaCliColumns. Each stops at the first failed
 * write and returns its errno, 0 when every write went through. */
int       tcia_cli_write_text              (FILE                 *out,
                                            TciaCliFormat         format,
                                            const TciaRecordInfo *info,
                                            GListModel           *rows,
                                            GArray               *columns);
int       tcia_cli_write_json              (FILE                 *out,
                                            const TciaRecordInfo *info,
                                            GListModel           *rows,
                                            GArray               *columns);

/* What the local catalogue answers for a listing, in tcia-cli-catalogue.c:
 * the default catalogue, which must have been synced (else an error that
 * says to run --sync). */
typedef enum
{
  TCIA_CLI_CATALOGUE_COLLECTIONS,
  TCIA_CLI_CATALOGUE_VALUES,      /* of the TciaValueKind given */
  TCIA_CLI_CATALOGUE_SERIES,      /* under the query, matching the search text */
  TCIA_CLI_CATALOGUE_NEW,         /* new in the download folder given */
} TciaCliCatalogueList;

/* For TCIA_CLI_CATALOGUE_NEW, *@n_added (when not NULL) says how many of
 * the rows are series added to the folder's collections; the others
 * changed (tcia_local_catalogue_list_new_async()). */
GListModel *tcia_cli_catalogue_fetch       (TciaCliCatalogueList   what,
                                            int                    value_kind,
                                            const TciaQuery       *query,
                                            const char            *search,
                                            const char            *dest_dir,
                                            guint                 *n_added,
                                            GError               **error);
/* Drops our reference to @catalogue, and waits (a few seconds at most)
 * for the last ones queued for it, so that its file is closed cleanly.
 * TRUE when it was gone in time. */
gboolean    tcia_cli_release_catalogue     (GMainContext          *context,
                                            TciaLocalCatalogue   **catalogue);
/* Declared here, not included: tcia-basket.h's TCIA_BASKET() would clash
 * with the tests' TCIA_BASKET (the program's path). */
typedef struct _TciaSession      TciaSession;
typedef struct _TciaImportResult TciaImportResult;

/* What --download looks the manifest's UIDs up in: the server, as --list
 * asks it, unless @offline says the local catalogue alone (strict: it
 * names what it lacks; tcia_session_dup_import_catalogue()). *@local gets
 * our reference to the catalogue opened, for tcia_cli_release_catalogue().
 * NULL after a line on stderr. */
TciaCatalogue *tcia_cli_dup_lookup_catalogue (TciaSession          *session,
                                            gboolean              offline,
                                            TciaLocalCatalogue  **local);
/* Names each series of @result nobody could look up, with why once (the
 * download is incomplete, and the same command fetches them once they can
 * be looked up); how many. */
guint       tcia_cli_report_not_looked_up  (TciaImportResult      *result,
                                            gboolean               offline);

G_END_DECLS
