/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "tcia-client.h"
#include "tcia-client-private.h"
#include "tcia-client-internal.h"
#include "tcia-client-operation.h"
#include "tcia-collection.h"
#include "tcia-json-rows.h"
#include "tcia-nbia-catalogue.h"
#include "tcia-patient.h"
#include "tcia-records-private.h"
#include "tcia-retry.h"
#include "tcia-series.h"
#include "tcia-study.h"
#include "tcia-text.h"
#include "tcia-value.h"

/* The NBIA client: its settings, its URLs and its endpoints. Each look-up
 * runs as a TciaClientOperation (tcia-client-operation.c). */

#define IO_TIMEOUT_S           60
/* One look-up, retries and waits included, gives up after this long; a
 * Retry-After that would take it past is not waited for. */
#define DEFAULT_DEADLINE_S     (5 * 60)
/* A body that delivers less than this in one window is given up on: a
 * server trickling a listing would otherwise hold the look-up until the
 * deadline. */
#define PROGRESS_WINDOW_MS     (60 * 1000)
#define PROGRESS_MIN_BYTES     1024
/* Browsing runs a few listings at once (filters and series); libsoup's
 * default of 2 would queue them behind a long one. */
#define MAX_CONNS_PER_HOST     4
/* The largest listing expected is about 270 MB (300,000 series); a body
 * much larger than that is a server gone wrong, not data. */
#define MAX_BODY_BYTES         ((guint64) 1024 * 1024 * 1024)


G_DEFINE_FINAL_TYPE_WITH_CODE (TciaClient, tcia_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TCIA_TYPE_CATALOGUE,
                                                      tcia_nbia_catalogue_iface_init))

enum {
  SIGNAL_RETRYING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_API_URL,
  PROP_API_VERSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (tcia-client-error-quark, tcia_client_error)

/* ---- Client --------------------------------------------------------------- */

static void
tcia_client_finalize (GObject *object)
{
  TciaClient *self = TCIA_CLIENT (object);

  g_clear_pointer (&self->api_url, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tcia_client_parent_class)->finalize (object);
}

static void
tcia_client_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TciaClient *self = TCIA_CLIENT (object);

  switch (prop_id)
    {
    case PROP_API_URL:
      g_value_set_string (value, self->api_url);
      break;

    case PROP_API_VERSION:
      g_value_set_int (value, self->version);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_client_class_init (TciaClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tcia_client_finalize;
  object_class->get_property = tcia_client_get_property;

  properties[PROP_API_URL] =
    g_param_spec_string ("api-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  properties[PROP_API_VERSION] =
    g_param_spec_int ("api-version", NULL, NULL,
                      TCIA_API_V1, TCIA_API_V4, TCIA_API_V4,
                      (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TciaClient::retrying:
   * @attempt: the attempt about to be made, 2 for the first retry
   * @max_attempts: the attempts allowed in all
   * @delay_ms: how long the client waits before it
   * @reason: why the last attempt failed, for a person ("Server busy (HTTP 503)")
   *
   * A request failed and will be tried again after @delay_ms. Emitted in
   * the thread-default main context of the caller that started the request,
   * never for a look-up already cancelled. A listing's emission is detailed
   * by the name of its record type, so "retrying::TciaSeries" follows the
   * series listings only.
   */
  signals[SIGNAL_RETRYING] =
    g_signal_new ("retrying", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);
}

static void
tcia_client_init (TciaClient *self)
{
  tcia_retry_policy_init (&self->policy);
  self->max_value_bytes = TCIA_JSON_ROWS_MAX_VALUE_BYTES;
  self->max_body_bytes = MAX_BODY_BYTES;
  self->deadline_s = DEFAULT_DEADLINE_S;
  self->progress_window_ms = PROGRESS_WINDOW_MS;
  self->progress_min_bytes = PROGRESS_MIN_BYTES;
}

static gboolean
invalid_url (GError     **error,
             const char  *url,
             const char  *why)
{
  g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_URL,
               _("“%s” is not an NBIA API address: %s."), url, why);
  return FALSE;
}

static gboolean
parse_api_url (const char      *api_url,
               char           **out_url,
               char           **out_host,
               TciaApiVersion  *out_version,
               GError         **error)
{
  g_autofree char *url = g_strstrip (g_strdup (api_url));
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;
  const char *path;
  gsize len;
  int port;

  if (url[0] == '\0')
    {
      g_set_error_literal (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_URL,
                           _("No NBIA API address was given."));
      return FALSE;
    }

  /* GLib's reason ("URI is not absolute, and no base URI was provided")
   * speaks to programmers: say what a whole address looks like instead. */
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return invalid_url (error, url,
                        _("it is not a whole address, such as "
                          "https://nbia.cancerimagingarchive.net/nbia-api/services/v4/"));

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return invalid_url (error, url, _("only http and https addresses are supported"));

  host = g_uri_get_host (uri);
  if (host == NULL || host[0] == '\0')
    return invalid_url (error, url, _("it names no host"));

  if (g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL)
    return invalid_url (error, url, _("it must not hold a user name, a query or a fragment"));

  path = g_uri_get_path (uri);
  len = strlen (path);
  if (len > 0 && path[len - 1] == '/')
    len--;
  if (len >= 3 && strncmp (path + len - 3, "/v4", 3) == 0)
    *out_version = TCIA_API_V4;
  else if (len >= 3 && strncmp (path + len - 3, "/v1", 3) == 0)
    *out_version = TCIA_API_V1;
  else
    return invalid_url (error, url,
                        _("its path must end in /v4/ or /v1/, as in "
                          "https://nbia.cancerimagingarchive.net/nbia-api/services/v4/"));

  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_ascii_strcasecmp (scheme, "https") == 0 ? 443 : 80;
  *out_host = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%d", host, port)
                                         : g_strdup_printf ("%s:%d", host, port);
  *out_url = g_str_has_suffix (url, "/") ? g_steal_pointer (&url) : g_strconcat (url, "/", NULL);

  return TRUE;
}

TciaClient *
tcia_client_new (const char  *api_url,
                 GError     **error)
{
  g_autoptr(TciaClient) self = NULL;
  g_autofree char *url = NULL;
  g_autofree char *host = NULL;
  TciaApiVersion version = TCIA_API_V4;

  g_return_val_if_fail (api_url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!parse_api_url (api_url, &url, &host, &version, error))
    return NULL;

  self = g_object_new (TCIA_TYPE_CLIENT, NULL);
  self->api_url = g_steal_pointer (&url);
  self->host = g_steal_pointer (&host);
  self->version = version;
  /* TLS verification stays on (the default); no Authorization header is
   * ever set: v4 and v1 are anonymous and a stale token makes v4 answer 401. */
  self->session = tcia_http_session_new (IO_TIMEOUT_S, MAX_CONNS_PER_HOST, FALSE);

  return g_steal_pointer (&self);
}

const char *
tcia_client_get_api_url (TciaClient *self)
{
  g_return_val_if_fail (TCIA_IS_CLIENT (self), NULL);

  return self->api_url;
}

TciaApiVersion
tcia_client_get_api_version (TciaClient *self)
{
  g_return_val_if_fail (TCIA_IS_CLIENT (self), TCIA_API_V4);

  return self->version;
}

void
tcia_client_set_retry_policy (TciaClient *self,
                              guint       max_attempts,
                              guint       base_delay_ms,
                              guint       max_delay_ms)
{
  g_return_if_fail (TCIA_IS_CLIENT (self));

  self->policy.max_attempts = MAX (max_attempts, 1);
  self->policy.base_delay_ms = base_delay_ms;
  self->policy.max_delay_ms = max_delay_ms;
}

void
tcia_client_set_timeout (TciaClient *self,
                         guint       timeout_s)
{
  g_return_if_fail (TCIA_IS_CLIENT (self));

  g_object_set (self->session, "timeout", timeout_s, NULL);
}

void
tcia_client_set_deadline (TciaClient *self,
                          guint       seconds)
{
  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (seconds > 0);

  self->deadline_s = seconds;
}

void
tcia_client_set_min_progress (TciaClient *self,
                              guint       window_ms,
                              gsize       min_bytes)
{
  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (window_ms > 0);

  self->progress_window_ms = window_ms;
  self->progress_min_bytes = min_bytes;
}

void
tcia_client_set_size_limits (TciaClient *self,
                             gsize       max_value_bytes,
                             guint64     max_body_bytes)
{
  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (max_value_bytes > 0 && max_body_bytes > 0);

  self->max_value_bytes = max_value_bytes;
  self->max_body_bytes = max_body_bytes;
}

char *
tcia_client_resolve_api_url (const char *cmdline_url,
                             const char *settings_url)
{
  const char *env = g_getenv ("TCIA_API_URL");

  if (cmdline_url != NULL && cmdline_url[0] != '\0')
    return g_strdup (cmdline_url);
  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (settings_url != NULL && settings_url[0] != '\0')
    return g_strdup (settings_url);

  return g_strdup (TCIA_DEFAULT_API_URL);
}

/* ---- Building requests ---------------------------------------------------- */

/* @base ends in '/'. Empty values are left out; values are percent-encoded
 * (a space is %20; '/', '&', '+' and non-ASCII are escaped too). */
char *
tcia_client_build_url (const char  *base,
           const char  *endpoint,
           const Param *params,
           guint        n_params)
{
  GString *url = g_string_new (base);
  char separator = '?';
  guint i;

  g_string_append (url, endpoint);
  for (i = 0; i < n_params; i++)
    {
      if (params[i].value == NULL || params[i].value[0] == '\0')
        continue;
      g_string_append_c (url, separator);
      g_string_append (url, params[i].name);
      g_string_append_c (url, '=');
      g_string_append_uri_escaped (url, params[i].value, NULL, FALSE);
      separator = '&';
    }

  return g_string_free (url, FALSE);
}

TciaClientOperation *
tcia_client_new_operation (TciaClient           *self,
               TciaClientResultKind  result_kind,
               GType                 record_type,
               GListStore           *into,
               GCancellable         *cancellable)
{
  TciaClientSettings settings = {
    .session = self->session,
    .host = self->host,
    .limits = {
      .policy = self->policy,
      .deadline_s = self->deadline_s,
      .progress_window_ms = self->progress_window_ms,
      .progress_min_bytes = self->progress_min_bytes,
    },
    .max_value_bytes = self->max_value_bytes,
    .max_body_bytes = self->max_body_bytes,
  };

  return tcia_client_operation_new (self, &settings, result_kind, record_type, into, cancellable);
}

/* The common case: one GET of one endpoint. */
void
tcia_client_start_get (TciaClient          *self,
           TciaClientResultKind result_kind,
           GType                record_type,
           GListStore          *into,
           char                *url,
           const char          *endpoint,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  TciaClientOperation *op = tcia_client_new_operation (self, result_kind, record_type, into, cancellable);

  tcia_client_operation_add_request (op, endpoint, url, NULL);
  tcia_client_operation_start (op, source_tag, endpoint, cancellable, callback, user_data);
}

/* A listing of @record_type rows: one GET of @endpoint with @params. */
static void
start_listing (TciaClient          *self,
               GType                record_type,
               GListStore          *into,
               const char          *endpoint,
               const Param         *params,
               guint                n_params,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  tcia_client_start_get (self, TCIA_CLIENT_RESULT_RECORDS, record_type, into,
                         tcia_client_build_url (self->api_url, endpoint, params, n_params),
                         endpoint, source_tag, cancellable, callback, user_data);
}

/* What a listing without a query asks: no filter. */
static const TciaQuery no_query;

/* ---- Listings ------------------------------------------------------------- */

void
tcia_client_list_collections_async (TciaClient          *self,
                                    gboolean             with_counts,
                                    GListStore          *into,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  const char *endpoint;

  CHECK_LISTING (self, cancellable, into, TCIA_TYPE_COLLECTION);

  /* v1 has no *AndCounts: the plain list, with counts left at -1. */
  endpoint = (with_counts && self->version == TCIA_API_V4)
             ? "getCollectionValuesAndCounts" : "getCollectionValues";

  start_listing (self, TCIA_TYPE_COLLECTION, into, endpoint, NULL, 0,
                 tcia_client_list_collections_async, cancellable, callback, user_data);
}

GListModel *
tcia_client_list_collections_finish (TciaClient    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return tcia_client_operation_listing_finish (self, result, tcia_client_list_collections_async, error);
}

void
tcia_client_list_values_async (TciaClient          *self,
                               TciaValueKind        kind,
                               const TciaQuery     *query,
                               gboolean             with_counts,
                               GListStore          *into,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  static const char * const plain[] = {
    [TCIA_VALUE_MODALITY] = "getModalityValues",
    [TCIA_VALUE_BODY_PART] = "getBodyPartValues",
    [TCIA_VALUE_MANUFACTURER] = "getManufacturerValues",
  };
  static const char * const counted[] = {
    [TCIA_VALUE_MODALITY] = "getModalityValuesAndCounts",
    [TCIA_VALUE_BODY_PART] = "getBodyPartValuesAndCounts",
    [TCIA_VALUE_MANUFACTURER] = "getManufacturerValuesAndCounts",
  };
  const char *endpoint;
  Param params[3];
  guint n_params = 0;
  TciaClientOperation *op;

  CHECK_LISTING (self, cancellable, into, TCIA_TYPE_VALUE);
  g_return_if_fail (kind <= TCIA_VALUE_MANUFACTURER);

  if (query == NULL)
    query = &no_query;

  endpoint = (with_counts && self->version == TCIA_API_V4) ? counted[kind] : plain[kind];

  /* Only the parameters each endpoint accepts (v4 answers 400 to others). */
  params[n_params++] = (Param) { "Collection", query->collection };
  if (kind != TCIA_VALUE_MODALITY)
    params[n_params++] = (Param) { "Modality", query->modality };
  if (kind != TCIA_VALUE_BODY_PART)
    params[n_params++] = (Param) { "BodyPartExamined", query->body_part };

  op = tcia_client_new_operation (self, TCIA_CLIENT_RESULT_RECORDS, TCIA_TYPE_VALUE, into, cancellable);
  tcia_client_operation_set_value_kind (op, kind);
  tcia_client_operation_add_request (op, endpoint, tcia_client_build_url (self->api_url, endpoint, params, n_params), NULL);
  tcia_client_operation_start (op, tcia_client_list_values_async, endpoint,
                   cancellable, callback, user_data);
}

GListModel *
tcia_client_list_values_finish (TciaClient    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return tcia_client_operation_listing_finish (self, result, tcia_client_list_values_async, error);
}

void
tcia_client_list_descriptions_async (TciaClient          *self,
                                     const char          *collection,
                                     GListStore          *into,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  const char *endpoint = "getCollectionDescriptions";
  Param params[] = { { "collectionName", collection } };

  CHECK_LISTING (self, cancellable, into, TCIA_TYPE_COLLECTION);

  if (self->version != TCIA_API_V4)
    {
      g_task_report_new_error (self, callback, user_data, tcia_client_list_descriptions_async,
                               TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_UNSUPPORTED,
                               _("Collection descriptions are only available from the v4 API; "
                                 "%s is a v1 address"), self->api_url);
      return;
    }

  start_listing (self, TCIA_TYPE_COLLECTION, into, endpoint, params, G_N_ELEMENTS (params),
                 tcia_client_list_descriptions_async, cancellable, callback, user_data);
}

GListModel *
tcia_client_list_descriptions_finish (TciaClient    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return tcia_client_operation_listing_finish (self, result, tcia_client_list_descriptions_async, error);
}

void
tcia_client_list_patients_async (TciaClient          *self,
                                 const TciaQuery     *query,
                                 GListStore          *into,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  CHECK_LISTING (self, cancellable, into, TCIA_TYPE_PATIENT);

  if (query == NULL)
    query = &no_query;

  {
    /* Note "PatientId" here, "PatientID" everywhere else. */
    Param params[] = {
      { "Collection", query->collection },
      { "PatientId", query->patient_id },
    };

    start_listing (self, TCIA_TYPE_PATIENT, into, "getPatient", params, G_N_ELEMENTS (params),
                   tcia_client_list_patients_async, cancellable, callback, user_data);
  }
}

GListModel *
tcia_client_list_patients_finish (TciaClient    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return tcia_client_operation_listing_finish (self, result, tcia_client_list_patients_async, error);
}

void
tcia_client_list_studies_async (TciaClient          *self,
                                const TciaQuery     *query,
                                GListStore          *into,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  CHECK_LISTING (self, cancellable, into, TCIA_TYPE_STUDY);

  if (query == NULL)
    query = &no_query;

  {
    Param params[] = {
      { "Collection", query->collection },
      { "PatientID", query->patient_id },
      { "StudyInstanceUID", query->study_uid },
    };

    start_listing (self, TCIA_TYPE_STUDY, into, "getPatientStudy", params,
                   G_N_ELEMENTS (params), tcia_client_list_studies_async, cancellable,
                   callback, user_data);
  }
}

GListModel *
tcia_client_list_studies_finish (TciaClient    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return tcia_client_operation_listing_finish (self, result, tcia_client_list_studies_async, error);
}

static char *
series_url (TciaClient      *self,
            const TciaQuery *query)
{
  if (query == NULL)
    query = &no_query;

  {
    Param params[] = {
      { "Collection", query->collection },
      { "PatientID", query->patient_id },
      { "StudyInstanceUID", query->study_uid },
      { "Modality", query->modality },
      { "BodyPartExamined", query->body_part },
      { "ManufacturerModelName", query->manufacturer_model },
      { "Manufacturer", query->manufacturer },
      { "SeriesInstanceUID", query->series_uid },
    };

    return tcia_client_build_url (self->api_url, "getSeries", params, G_N_ELEMENTS (params));
  }
}

void
tcia_client_list_series_async (TciaClient          *self,
                               const TciaQuery     *query,
                               GListStore          *into,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  CHECK_LISTING (self, cancellable, into, TCIA_TYPE_SERIES);

  tcia_client_start_get (self, TCIA_CLIENT_RESULT_RECORDS, TCIA_TYPE_SERIES, into, series_url (self, query),
             "getSeries", tcia_client_list_series_async, cancellable, callback, user_data);
}

GListModel *
tcia_client_list_series_finish (TciaClient    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return tcia_client_operation_listing_finish (self, result, tcia_client_list_series_async, error);
}

static char *
updated_series_url (TciaClient *self,
                    GDateTime  *from_date)
{
  g_autofree char *date = NULL;
  Param params[1];

  /* v4 takes MM-DD-YYYY, v1 DD/MM/YYYY (tcia-api.md §3.16). v4 without a
   * date lists everything; v1 requires one, so "everything" is 1900. */
  if (from_date != NULL)
    date = g_date_time_format (from_date, self->version == TCIA_API_V4 ? "%m-%d-%Y" : "%d/%m/%Y");
  else if (self->version == TCIA_API_V1)
    date = g_strdup ("01/01/1900");
  params[0] = (Param) { "fromDate", date };

  return tcia_client_build_url (self->api_url, "getUpdatedSeries", params, 1);
}

void
tcia_client_list_updated_series_async (TciaClient          *self,
                                       GDateTime           *from_date,
                                       GListStore          *into,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  CHECK_LISTING (self, cancellable, into, TCIA_TYPE_SERIES);

  tcia_client_start_get (self, TCIA_CLIENT_RESULT_RECORDS, TCIA_TYPE_SERIES, into,
             updated_series_url (self, from_date), "getUpdatedSeries",
             tcia_client_list_updated_series_async, cancellable, callback, user_data);
}

GListModel *
tcia_client_list_updated_series_finish (TciaClient    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return tcia_client_operation_listing_finish (self, result, tcia_client_list_updated_series_async, error);
}

static gboolean
stream_series (TciaClient           *self,
               char                 *url,
               const char           *endpoint,
               TciaClientBatchFunc   func,
               gpointer              user_data,
               GCancellable         *cancellable,
               GError              **error)
{
  TciaClientOperation *op = tcia_client_new_operation (self, TCIA_CLIENT_RESULT_RECORDS, TCIA_TYPE_SERIES,
                                           NULL, cancellable);

  tcia_client_operation_add_request (op, endpoint, url, NULL);
  return tcia_client_operation_run_batches (op, func, user_data, cancellable, error);
}

gboolean
tcia_client_stream_series (TciaClient           *self,
                           const TciaQuery      *query,
                           TciaClientBatchFunc   func,
                           gpointer              user_data,
                           GCancellable         *cancellable,
                           GError              **error)
{
  g_return_val_if_fail (TCIA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return stream_series (self, series_url (self, query), "getSeries", func, user_data,
                        cancellable, error);
}

gboolean
tcia_client_stream_updated_series (TciaClient           *self,
                                   GDateTime            *from_date,
                                   TciaClientBatchFunc   func,
                                   gpointer              user_data,
                                   GCancellable         *cancellable,
                                   GError              **error)
{
  g_return_val_if_fail (TCIA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return stream_series (self, updated_series_url (self, from_date), "getUpdatedSeries", func,
                        user_data, cancellable, error);
}
