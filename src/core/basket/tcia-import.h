/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-basket.h"
#include "tcia-catalogue.h"
#include "tcia-idc-client.h"

G_BEGIN_DECLS

/* Reading lists of series from files people bring: `.tcia` manifests of the
 * portal and the NBIA Data Retriever (tcia-api.md §5.1), bare lists of series
 * UIDs, and CSV/TSV spreadsheets with a series UID column (the portal's cart
 * spreadsheet, pandas exports, our own CSV export). Then resolving the UIDs
 * into series with the server's metadata, and adding them to a basket. */

#define TCIA_IMPORT_ERROR (tcia_import_error_quark ())

typedef enum
{
  /* Larger than TCIA_IMPORT_MAX_SIZE. */
  TCIA_IMPORT_ERROR_TOO_LARGE,
  /* Empty, or holds no series UID at all. */
  TCIA_IMPORT_ERROR_EMPTY,
  /* Binary data (NUL bytes, mostly non-text): not a manifest or a spreadsheet. */
  TCIA_IMPORT_ERROR_NOT_TEXT,
  /* Text that is not UTF-8; the message names the line. */
  TCIA_IMPORT_ERROR_INVALID_UTF8,
  /* Lines (or CSV rows) that are not series UIDs; the message names the
   * file, the first few lines and what is wrong with them. */
  TCIA_IMPORT_ERROR_INVALID_LINE,
  /* A CSV/TSV file without a SeriesInstanceUID / Series UID / Series ID
   * column; the message lists the columns found. */
  TCIA_IMPORT_ERROR_NO_UID_COLUMN,
  /* A CSV quoted field that never ends; the message names the line where it starts. */
  TCIA_IMPORT_ERROR_MALFORMED_CSV,
  /* getContentsByName knows no cart of that name (or it is empty). */
  TCIA_IMPORT_ERROR_CART_NOT_FOUND,
} TciaImportError;

typedef enum
{
  TCIA_IMPORT_FORMAT_AUTO,
  /* Java-properties header (downloadServerUrl=, ...) then one UID a line. */
  TCIA_IMPORT_FORMAT_MANIFEST,
  /* One UID a line, no header. */
  TCIA_IMPORT_FORMAT_UID_LIST,
  /* RFC 4180, comma (or semicolon) separated, with a header row. */
  TCIA_IMPORT_FORMAT_CSV,
  /* Tab separated, with a header row. */
  TCIA_IMPORT_FORMAT_TSV,
  /* IDC's s5cmd manifest (idc-api.md §5.1): `cp s3://BUCKET/UUID/(star) .` and
   * its other line forms. It names IDC series folders, not UIDs. */
  TCIA_IMPORT_FORMAT_S5CMD,
} TciaImportFormat;

typedef enum
{
  TCIA_IMPORT_FLAGS_NONE = 0,
  /* Accept the valid UIDs of a file that also has junk lines: the junk is
   * reported by tcia_import_file_get_warnings() instead of failing with
   * TCIA_IMPORT_ERROR_INVALID_LINE. For "import the rest anyway" after the
   * person has seen the error. */
  TCIA_IMPORT_FLAGS_SKIP_INVALID_LINES = 1 << 0,
} TciaImportFlags;

/* Larger files are refused before they are read. */
#define TCIA_IMPORT_MAX_SIZE ((gsize) 64 * 1024 * 1024)
/* The DICOM limit on the length of a UID (VR UI). */
#define TCIA_IMPORT_MAX_UID_LENGTH 64

#define TCIA_TYPE_IMPORT_FILE (tcia_import_file_get_type ())
#define TCIA_TYPE_IMPORT_RESULT (tcia_import_result_get_type ())

/* A parsed import file: its series UIDs in file order, without duplicates. */
typedef struct _TciaImportFile TciaImportFile;
/* What resolving UIDs into series did. */
typedef struct _TciaImportResult TciaImportResult;

/* Called on the thread-default main context of the caller of the _async
 * function, once before the first request and after each chunk. */
typedef void (*TciaImportProgressFunc) (guint    n_done,
                                        guint    n_total,
                                        gpointer user_data);

GQuark              tcia_import_error_quark              (void);
GType               tcia_import_file_get_type            (void) G_GNUC_CONST;
GType               tcia_import_result_get_type          (void) G_GNUC_CONST;

/* Parses @bytes; @display_name is the file name used in messages. Fast and
 * without copies of the input: a 100,000-UID manifest takes milliseconds. */
TciaImportFile     *tcia_import_parse_bytes              (GBytes                 *bytes,
                                                          const char             *display_name,
                                                          TciaImportFormat        format,
                                                          TciaImportFlags         flags,
                                                          GError                **error);
/* Reads @file (refusing it unread when it is larger than TCIA_IMPORT_MAX_SIZE)
 * and parses it. Errors about reading are G_IO_ERROR, prefixed with the name. */
TciaImportFile     *tcia_import_parse_file               (GFile                  *file,
                                                          TciaImportFormat        format,
                                                          TciaImportFlags         flags,
                                                          GCancellable           *cancellable,
                                                          GError                **error);
/* The same in a worker thread. */
void                tcia_import_parse_file_async         (GFile                  *file,
                                                          TciaImportFormat        format,
                                                          TciaImportFlags         flags,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
TciaImportFile     *tcia_import_parse_file_finish        (GAsyncResult           *result,
                                                          GError                **error);

TciaImportFile     *tcia_import_file_ref                 (TciaImportFile         *self);
void                tcia_import_file_unref               (TciaImportFile         *self);
const char         *tcia_import_file_get_display_name    (TciaImportFile         *self);
/* The format found (never _AUTO). */
TciaImportFormat    tcia_import_file_get_format          (TciaImportFile         *self);
/* The comment TCIA Basket's s5cmd export writes before each series IDC
 * lacks; its import reads them back as UIDs. */
#define TCIA_S5CMD_NOT_IN_IDC "# Not in IDC (download these from TCIA):"

/* NULL-terminated, in file order, each UID once; owned by @self. For
 * TCIA_IMPORT_FORMAT_S5CMD only the UIDs of TCIA_S5CMD_NOT_IN_IDC comments:
 * its other series are known by their IDC folder until IDC's API says
 * which UIDs they hold (see below). */
const char * const *tcia_import_file_get_uids            (TciaImportFile         *self);
guint               tcia_import_file_get_n_uids          (TciaImportFile         *self);
/* TCIA_IMPORT_FORMAT_S5CMD: the IDC series folders (crdc_series_uuid, lower
 * case) in file order, each once (a per-instance manifest names a series
 * on many lines), and the bucket of each as the file names it (parallel,
 * NULL-terminated); empty for other formats. */
const char * const *tcia_import_file_get_idc_series_uuids (TciaImportFile        *self);
const char * const *tcia_import_file_get_idc_buckets     (TciaImportFile         *self);
guint               tcia_import_file_get_n_idc_series    (TciaImportFile         *self);
/* UIDs (for s5cmd: series lines, or the same object of a series) that
 * appeared more than once, counted from their second appearance. */
guint               tcia_import_file_get_n_duplicates    (TciaImportFile         *self);
/* A manifest header value ("downloadServerUrl", "includeAnnotation",
 * "noOfrRetry", "databasketId", "manifestVersion", ...), NULL when absent.
 * For s5cmd, "endpoint-url" is the one the header comment's s5cmd command
 * names (https://s3.amazonaws.com, https://storage.googleapis.com). */
const char         *tcia_import_file_get_header          (TciaImportFile         *self,
                                                          const char             *key);
/* The name of the UID column of a CSV/TSV file; NULL for manifests. */
const char         *tcia_import_file_get_uid_column      (TciaImportFile         *self);
/* With TCIA_IMPORT_FLAGS_SKIP_INVALID_LINES: the number of lines skipped and
 * messages for the first few ("series.tcia, line 12: “hello” is not a series
 * UID"), NULL-terminated. Empty otherwise. */
guint               tcia_import_file_get_n_skipped_lines (TciaImportFile         *self);
const char * const *tcia_import_file_get_warnings        (TciaImportFile         *self);
/* For CSV/TSV: one TciaSeries per UID with what the other columns say
 * (Collection, PatientID/Subject ID, ImageCount/Number of images,
 * FileSize/File Size (Bytes), ...). Hints to show before the server has
 * answered, never a substitute for its metadata. Empty for manifests. */
GListModel         *tcia_import_file_get_hints           (TciaImportFile         *self);

/* Looks up @uids (NULL-terminated) as @catalogue's series details (a
 * TciaCatalogue: NBIA's client, or the router that asks the local
 * catalogue first; a gpointer so that a caller holding a concrete source
 * needs no cast) in sequential chunks of @chunk_size (0 for 1000),
 * reporting progress after each, and,
 * when @basket is not NULL, skips the UIDs it already holds and adds the
 * series found to it in one batch at the end. A cancelled or failed import
 * leaves @basket as it was. UIDs the server does not return are listed in
 * the result, never dropped; those nobody could look up too, apart
 * (tcia_import_result_get_not_looked_up_uids()). */
void                tcia_import_resolve_async            (TciaBasket             *basket,
                                                          gpointer                catalogue,
                                                          const char * const     *uids,
                                                          guint                   chunk_size,
                                                          TciaImportProgressFunc  progress,
                                                          gpointer                progress_data,
                                                          GDestroyNotify          progress_destroy,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
TciaImportResult   *tcia_import_resolve_finish           (GAsyncResult           *result,
                                                          GError                **error);

/* The series of a shared cart (by name or portal URL, as
 * tcia_catalogue_get_shared_cart_async()), then looked up as above so
 * that sizes and licences are known. An unknown or empty cart is
 * TCIA_IMPORT_ERROR_CART_NOT_FOUND. */
void                tcia_import_shared_cart_async        (TciaBasket             *basket,
                                                          gpointer                catalogue,
                                                          const char             *name_or_url,
                                                          guint                   chunk_size,
                                                          TciaImportProgressFunc  progress,
                                                          gpointer                progress_data,
                                                          GDestroyNotify          progress_destroy,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
TciaImportResult   *tcia_import_shared_cart_finish       (GAsyncResult           *result,
                                                          GError                **error);

/* The series of an s5cmd manifest (@file, TCIA_IMPORT_FORMAT_S5CMD): IDC's
 * API says which series its folders hold and where (one /v3/sql per 1000
 * folders), then @catalogue's series details (when it is not NULL) give
 * their metadata, so that they are named as any other download.
 * Series the catalogue does not know keep IDC's metadata; when it cannot
 * be asked, every series keeps IDC's, and the result's warning says so.
 * The file's own UIDs (TCIA_S5CMD_NOT_IN_IDC comments) go to the
 * catalogue only; those it does not know are the result's unknown UIDs.
 * With @basket as tcia_import_resolve_async(). The result also holds
 * where IDC keeps each series found (for the IDC fetcher) and the folders
 * IDC does not know. */
void                tcia_import_resolve_idc_async        (TciaBasket             *basket,
                                                          gpointer                catalogue,
                                                          TciaIdcClient          *idc_client,
                                                          TciaImportFile         *file,
                                                          guint                   chunk_size,
                                                          TciaImportProgressFunc  progress,
                                                          gpointer                progress_data,
                                                          GDestroyNotify          progress_destroy,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
TciaImportResult   *tcia_import_resolve_idc_finish       (GAsyncResult           *result,
                                                          GError                **error);

TciaImportResult   *tcia_import_result_ref               (TciaImportResult       *self);
void                tcia_import_result_unref             (TciaImportResult       *self);
/* Distinct UIDs asked for. */
guint               tcia_import_result_get_n_requested   (TciaImportResult       *self);
/* Already in the basket: not looked up, not added again. */
guint               tcia_import_result_get_n_already_present (TciaImportResult   *self);
/* Added to the basket (0 without a basket). */
guint               tcia_import_result_get_n_added       (TciaImportResult       *self);
/* The series found, in the order asked (with a basket: those added). */
GListModel         *tcia_import_result_get_series        (TciaImportResult       *self);
/* The UIDs the server does not know, in the order asked; NULL-terminated. */
const char * const *tcia_import_result_get_unknown_uids  (TciaImportResult       *self);
guint               tcia_import_result_get_n_unknown     (TciaImportResult       *self);
/* The UIDs nobody could look up, in the order asked; NULL-terminated: a
 * strict catalogue (tcia_session_dup_import_catalogue()) lacked them and
 * the server failed or was not asked (TCIA_CATALOGUE_DETAILS_ERROR_INCOMPLETE).
 * Not "unknown": the import is incomplete, and importing again when the
 * server answers may find them. Why: the first such error's message. */
const char * const *tcia_import_result_get_not_looked_up_uids (TciaImportResult  *self);
guint               tcia_import_result_get_n_not_looked_up (TciaImportResult     *self);
const char         *tcia_import_result_get_lookup_error  (TciaImportResult       *self);
/* After tcia_import_resolve_idc_async(): where IDC keeps each series found
 * (TciaIdcLocation; those already in the basket too), in the order of the
 * file; the folders IDC does not know (NULL-terminated); and a sentence
 * when something was only partly possible (NULL otherwise). Empty for
 * other imports. */
GPtrArray          *tcia_import_result_get_idc_locations (TciaImportResult       *self);
const char * const *tcia_import_result_get_unknown_idc_uuids (TciaImportResult   *self);
guint               tcia_import_result_get_n_unknown_idc_uuids (TciaImportResult *self);
const char         *tcia_import_result_get_warning       (TciaImportResult       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaImportFile, tcia_import_file_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaImportResult, tcia_import_result_unref)

G_END_DECLS
