/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-query.h"
#include "tcia-value.h"

G_BEGIN_DECLS

#define TCIA_CLIENT_ERROR (tcia_client_error_quark ())

typedef enum
{
  /* The server refused the request (HTTP 400); the message is the server's own text. */
  TCIA_CLIENT_ERROR_BAD_REQUEST,
  /* The server kept failing (5xx, 429) after every retry. */
  TCIA_CLIENT_ERROR_SERVER,
  /* The server could not be reached, or the connection broke, after every retry. */
  TCIA_CLIENT_ERROR_NETWORK,
  /* The body was not what the endpoint sends (malformed JSON, an HTML page, ...). */
  TCIA_CLIENT_ERROR_INVALID_RESPONSE,
  /* The endpoint does not exist on this API version. */
  TCIA_CLIENT_ERROR_UNSUPPORTED,
  /* The URL given is not an NBIA API URL. */
  TCIA_CLIENT_ERROR_INVALID_URL,
  /* The look-up ran out of time: past its deadline, a Retry-After longer
   * than what was left of it, or a body that stopped making progress. */
  TCIA_CLIENT_ERROR_TIMED_OUT,
} TciaClientError;

typedef enum
{
  TCIA_API_V1 = 1,
  TCIA_API_V4 = 4,
} TciaApiVersion;

#define TCIA_TYPE_CLIENT (tcia_client_get_type ())

G_DECLARE_FINAL_TYPE (TciaClient, tcia_client, TCIA, CLIENT, GObject)

GQuark          tcia_client_error_quark        (void);

/* @api_url is the base of the service, ending in ".../services/v4/" or ".../v1/"
 * (a missing trailing slash is added). Any other version segment is an error. */
TciaClient     *tcia_client_new                (const char  *api_url,
                                                GError     **error);
const char     *tcia_client_get_api_url        (TciaClient  *self);
TciaApiVersion  tcia_client_get_api_version    (TciaClient  *self);

/* Retry policy: at most @max_attempts tries of one request, waiting
 * base_delay_ms * 2^n (with full jitter, capped at max_delay_ms) between
 * them, or what Retry-After says. Defaults: 5, 500 ms, 30 s. Tests shorten them. */
void            tcia_client_set_retry_policy   (TciaClient  *self,
                                                guint        max_attempts,
                                                guint        base_delay_ms,
                                                guint        max_delay_ms);

/* Every request, its retries and the waits between them included, fails
 * with TCIA_CLIENT_ERROR_TIMED_OUT after @seconds (default 300); a
 * Retry-After that would take it past that is not waited for. Takes effect
 * for requests started afterwards. */
void            tcia_client_set_deadline       (TciaClient  *self,
                                                guint        seconds);

/* The URL the effective API URL comes from: @cmdline_url, else the environment
 * variable TCIA_API_URL, else @settings_url, else the v4 production URL. */
char           *tcia_client_resolve_api_url    (const char  *cmdline_url,
                                                const char  *settings_url);

/* Every listing below delivers a GListModel of records (TciaCollection,
 * TciaValue, TciaPatient, TciaStudy, TciaSeries). When @into is not NULL the
 * rows are appended to it while the body is still arriving, in batches, on
 * the thread-default main context of the caller (a retry that restarts the
 * body empties it first); _finish then returns @into. Rows of a cancelled
 * request never reach @into. Empty body, 204 and [] all give an empty model.
 *
 * Added with the implementation: when a request fails or is cancelled after
 * some of its rows were delivered, _finish takes exactly those rows out of
 * @into again, so a partial listing is never left looking complete. Rows
 * already in @into before the call are left alone. Without @into, all rows
 * arrive at once in a new GListStore of the record type. */

/* getCollectionValues; with @with_counts, v4 getCollectionValuesAndCounts
 * (patient counts), which v1 lacks: there counts are -1. */
void        tcia_client_list_collections_async         (TciaClient           *self,
                                                        gboolean              with_counts,
                                                        GListStore           *into,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
GListModel *tcia_client_list_collections_finish        (TciaClient           *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* get{Modality,BodyPart,Manufacturer}Values, narrowed by the filters of @query
 * that the endpoint accepts; with @with_counts the v4 *ValuesAndCounts. */
void        tcia_client_list_values_async              (TciaClient           *self,
                                                        TciaValueKind         kind,
                                                        const TciaQuery      *query,
                                                        gboolean              with_counts,
                                                        GListStore           *into,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
GListModel *tcia_client_list_values_finish             (TciaClient           *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* getCollectionDescriptions (v4 only): TciaCollection records with a
 * description and a description URI. @collection NULL for all. */
void        tcia_client_list_descriptions_async        (TciaClient           *self,
                                                        const char           *collection,
                                                        GListStore           *into,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
GListModel *tcia_client_list_descriptions_finish       (TciaClient           *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* getPatient: Collection, PatientId. */
void        tcia_client_list_patients_async            (TciaClient           *self,
                                                        const TciaQuery      *query,
                                                        GListStore           *into,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
GListModel *tcia_client_list_patients_finish           (TciaClient           *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* getPatientStudy: Collection, PatientID, StudyInstanceUID. */
void        tcia_client_list_studies_async             (TciaClient           *self,
                                                        const TciaQuery      *query,
                                                        GListStore           *into,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
GListModel *tcia_client_list_studies_finish            (TciaClient           *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* getSeries with every filter of @query. */
void        tcia_client_list_series_async              (TciaClient           *self,
                                                        const TciaQuery      *query,
                                                        GListStore           *into,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
GListModel *tcia_client_list_series_finish             (TciaClient           *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* getUpdatedSeries: series released after @from_date (any time zone; the
 * date part is sent in the version's format). NULL for everything (v1,
 * which requires a date, is sent 01/01/1900). */
void        tcia_client_list_updated_series_async      (TciaClient           *self,
                                                        GDateTime            *from_date,
                                                        GListStore           *into,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
GListModel *tcia_client_list_updated_series_finish     (TciaClient           *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* For a caller that runs in a worker thread of its own (the local
 * catalogue's sync): getSeries with every filter of @query, and
 * getUpdatedSeries as above, run synchronously in the calling thread. Each
 * batch of TciaSeries (a few thousand, or what arrived in 50 ms) is handed
 * to @func in this thread while the body is still arriving; @func may take
 * references. When an attempt fails after batches were handed on and will
 * be retried, @func is called with @restart TRUE and NULL @records: forget
 * what this call handed on so far. When @func returns FALSE (setting
 * @error) the request stops and fails with that error. */
typedef gboolean (*TciaClientBatchFunc) (GPtrArray  *records,
                                         gboolean    restart,
                                         gpointer    user_data,
                                         GError    **error);

gboolean    tcia_client_stream_series                  (TciaClient           *self,
                                                        const TciaQuery      *query,
                                                        TciaClientBatchFunc   func,
                                                        gpointer              user_data,
                                                        GCancellable         *cancellable,
                                                        GError              **error);
gboolean    tcia_client_stream_updated_series          (TciaClient           *self,
                                                        GDateTime            *from_date,
                                                        TciaClientBatchFunc   func,
                                                        gpointer              user_data,
                                                        GCancellable         *cancellable,
                                                        GError              **error);

/* Full metadata of the series named by @series_uids: v4 POST getSeriesMetadata
 * (format=json, in chunks of at most @chunk_size UIDs, 0 for the default 1000),
 * or one v1 getSeriesMetaData per UID. UIDs the server does not know are
 * simply absent from the result. */
void        tcia_client_get_series_metadata_async      (TciaClient           *self,
                                                        const char * const   *series_uids,
                                                        guint                 chunk_size,
                                                        GListStore           *into,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
GListModel *tcia_client_get_series_metadata_finish     (TciaClient           *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* v1 getContentsByName (also from a v4 client: it derives the v1 URL).
 * @name_or_url is "nbia-49121659384603347" or a portal URL with ?saved-cart=. */
void        tcia_client_get_shared_cart_async          (TciaClient           *self,
                                                        const char           *name_or_url,
                                                        GListStore           *into,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
GListModel *tcia_client_get_shared_cart_finish         (TciaClient           *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* getSeriesSize. */
void        tcia_client_get_series_size_async          (TciaClient           *self,
                                                        const char           *series_uid,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean    tcia_client_get_series_size_finish         (TciaClient           *self,
                                                        GAsyncResult         *result,
                                                        guint64              *total_bytes,
                                                        guint                *object_count,
                                                        GError              **error);

/* getSOPInstanceUIDs: a NULL-terminated array (empty, never NULL, on success). */
void        tcia_client_list_sop_instance_uids_async   (TciaClient           *self,
                                                        const char           *series_uid,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
char      **tcia_client_list_sop_instance_uids_finish  (TciaClient           *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* The largest preview taken from the server. */
#define TCIA_CLIENT_IMAGE_MAX_BYTES (8 * 1024 * 1024)

/* v4 getThumbnail: the server's preview of one image of a series (JPEG,
 * tcia-api.md §3.22), whole, at most TCIA_CLIENT_IMAGE_MAX_BYTES; never checked to be an image
 * (the caller decodes it). v1 has none: TCIA_CLIENT_ERROR_UNSUPPORTED. */
void        tcia_client_get_thumbnail_async            (TciaClient           *self,
                                                        const char           *series_uid,
                                                        const char           *sop_uid,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
GBytes     *tcia_client_get_thumbnail_finish           (TciaClient           *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* The URL of v4/v1 getImage for one series, with NewFileNames=Yes and, on v4,
 * IncludeMD5=Yes|No. For the download queue, which sends it from its own
 * worker threads and sessions. */
char       *tcia_client_build_image_url                (TciaClient           *self,
                                                        const char           *series_uid,
                                                        gboolean              include_md5);

G_END_DECLS
