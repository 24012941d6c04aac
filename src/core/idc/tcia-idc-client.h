/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-idc-location.h"
#include "tcia-series.h"

G_BEGIN_DECLS

/* The client of IDC's API v3 (idc-api.md §2, §3): resolves
 * SeriesInstanceUIDs to where IDC keeps each series and what it knows
 * about it, in one POST /v3/sql per 1000 series (and one more for those
 * only in an older IDC release). */

#define TCIA_IDC_DEFAULT_API_URL "https://api.imaging.datacommons.cancer.gov/v3/"

#define TCIA_IDC_ERROR (tcia_idc_error_quark ())

typedef enum
{
  /* The API or bucket address cannot be used. */
  TCIA_IDC_ERROR_INVALID_URL,
  /* IDC could not be reached, or the connection broke (transient). */
  TCIA_IDC_ERROR_NETWORK,
  /* IDC answered 5xx or asked to slow down, after the retries (transient). */
  TCIA_IDC_ERROR_SERVER,
  /* The API refused the request (400, 422): its words are in the message. */
  TCIA_IDC_ERROR_BAD_REQUEST,
  /* No answer within the deadline, or a body that stalled. */
  TCIA_IDC_ERROR_TIMED_OUT,
  /* The answer is not what the API or S3 sends (malformed JSON or XML). */
  TCIA_IDC_ERROR_INVALID_RESPONSE,
  /* Any other refusal (404 on a route, 403 ...): the address is wrong. */
  TCIA_IDC_ERROR_REFUSED,
  /* Bucket: no such bucket (the endpoint or bucket name is wrong). */
  TCIA_IDC_ERROR_NO_SUCH_BUCKET,
  /* Bucket: a listed object is not there. */
  TCIA_IDC_ERROR_NO_SUCH_KEY,
  /* Bucket: access denied. */
  TCIA_IDC_ERROR_ACCESS_DENIED,
  /* Bucket: the object changed while it was resumed (412), or the range
   * asked for is past its end (416): fetch it again from the start. */
  TCIA_IDC_ERROR_CHANGED,
} TciaIdcError;

GQuark   tcia_idc_error_quark       (void);
/* Whether trying again later may help: NETWORK, SERVER, INVALID_RESPONSE. */
gboolean tcia_idc_error_is_transient (const GError *error);

/* A DICOM UID as IDC's SQL may hold it: ^[0-9]+(\.[0-9]+)*$, at most 64
 * characters. Only such UIDs are ever put into a query's text. */
gboolean tcia_idc_uid_is_valid      (const char   *uid);
/* A series folder name (crdc_series_uuid) as IDC writes it: 8-4-4-4-12
 * lower-case hexadecimal digits. Only such names go into a query's text. */
gboolean tcia_idc_series_uuid_is_valid (const char *uuid);

/* ---- The answer of a resolve ----------------------------------------------- */

typedef enum
{
  TCIA_IDC_STATUS_NOT_ASKED,      /* not among the UIDs resolved */
  TCIA_IDC_STATUS_CURRENT,        /* in IDC's current release ("index") */
  TCIA_IDC_STATUS_PRIOR_VERSION,  /* only in an older release (prior_versions_index) */
  TCIA_IDC_STATUS_NOT_IN_IDC,     /* IDC does not have it */
  TCIA_IDC_STATUS_INVALID_UID,    /* not a DICOM UID: never sent */
} TciaIdcStatus;

#define TCIA_TYPE_IDC_RESOLUTION (tcia_idc_resolution_get_type ())

G_DECLARE_FINAL_TYPE (TciaIdcResolution, tcia_idc_resolution, TCIA, IDC_RESOLUTION, GObject)

/* The UIDs asked for, each once, in the order given (NULL-terminated). */
const char * const *tcia_idc_resolution_get_uids     (TciaIdcResolution *self);
TciaIdcStatus       tcia_idc_resolution_get_status   (TciaIdcResolution *self,
                                                      const char        *series_uid);
/* Where IDC keeps the series (CURRENT and PRIOR_VERSION), else NULL. */
TciaIdcLocation    *tcia_idc_resolution_get_location (TciaIdcResolution *self,
                                                      const char        *series_uid);
/* The series as IDC describes it, with NBIA's field meanings (collection
 * name, ISO dates, licence, DOI URL, image count, size), else NULL. A
 * prior version has fewer fields (no dates, descriptions or count). */
TciaSeries         *tcia_idc_resolution_get_series   (TciaIdcResolution *self,
                                                      const char        *series_uid);
/* How many UIDs have @status. */
guint               tcia_idc_resolution_count        (TciaIdcResolution *self,
                                                      TciaIdcStatus      status);

/* After tcia_idc_client_resolve_uuids(): the folders asked for, each once,
 * lower case, in the order given (NULL-terminated); then get_uids() are
 * the SeriesInstanceUIDs they hold, in the same order. */
const char * const *tcia_idc_resolution_get_series_uuids   (TciaIdcResolution *self);
/* CURRENT ("index"), PRIOR_VERSION (an older release's folder),
 * NOT_IN_IDC, or INVALID_UID for a name that is not a UUID (never sent). */
TciaIdcStatus       tcia_idc_resolution_get_uuid_status    (TciaIdcResolution *self,
                                                            const char        *series_uuid);
/* The SeriesInstanceUID the folder holds, or NULL. Two folders of one
 * series give the same UID; its location is the first one found
 * (a current folder before an older one). */
const char         *tcia_idc_resolution_get_uuid_series_uid (TciaIdcResolution *self,
                                                            const char        *series_uuid);
guint               tcia_idc_resolution_count_uuids        (TciaIdcResolution *self,
                                                            TciaIdcStatus      status);

/* ---- The client ----------------------------------------------------------- */

#define TCIA_TYPE_IDC_CLIENT (tcia_idc_client_get_type ())

G_DECLARE_FINAL_TYPE (TciaIdcClient, tcia_idc_client, TCIA, IDC_CLIENT, GObject)

/* @api_url: the API's base, ending in /v3 (NULL: TCIA_IDC_DEFAULT_API_URL). */
TciaIdcClient     *tcia_idc_client_new              (const char          *api_url,
                                                     GError             **error);
const char        *tcia_idc_client_get_api_url      (TciaIdcClient       *self);
/* Tests and settings: attempts per request and the backoff between them. */
void               tcia_idc_client_set_retry_policy (TciaIdcClient       *self,
                                                     guint                max_attempts,
                                                     guint                base_delay_ms,
                                                     guint                max_delay_ms);
/* The I/O timeout (default 60 s, for the API's cold starts). Before any request. */
void               tcia_idc_client_set_timeout      (TciaIdcClient       *self,
                                                     guint                timeout_s);
/* One request with its retries and waits gives up after @seconds (default 300). */
void               tcia_idc_client_set_deadline     (TciaIdcClient       *self,
                                                     guint                seconds);

/* Resolves @series_uids (NULL-terminated; duplicates count once) in a
 * worker thread. An error only when IDC could not answer: a UID IDC lacks
 * or that is invalid is in the result, not an error. */
void               tcia_idc_client_resolve_async    (TciaIdcClient       *self,
                                                     const char * const  *series_uids,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
TciaIdcResolution *tcia_idc_client_resolve_finish   (TciaIdcClient       *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
/* The same, blocking: in a thread that may wait. */
TciaIdcResolution *tcia_idc_client_resolve          (TciaIdcClient       *self,
                                                     const char * const  *series_uids,
                                                     GCancellable        *cancellable,
                                                     GError             **error);

/* Resolves series folders (crdc_series_uuid, as s5cmd manifests name
 * them): "index" first, then prior_versions_index for the rest, one
 * /v3/sql per 1000 folders. A folder of an older release is located as
 * named (PRIOR_VERSION), not replaced by the current one. Folders IDC does
 * not know are NOT_IN_IDC in the result, never dropped. */
void               tcia_idc_client_resolve_uuids_async  (TciaIdcClient       *self,
                                                         const char * const  *series_uuids,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
TciaIdcResolution *tcia_idc_client_resolve_uuids_finish (TciaIdcClient       *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
TciaIdcResolution *tcia_idc_client_resolve_uuids        (TciaIdcClient       *self,
                                                         const char * const  *series_uuids,
                                                         GCancellable        *cancellable,
                                                         GError             **error);

G_END_DECLS
