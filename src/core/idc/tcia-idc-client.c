/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-idc"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "tcia-http.h"
#include "tcia-idc-client.h"
#include "tcia-idc-private.h"
#include "tcia-idc-resolution-private.h"
#include "tcia-retry.h"
#include "tcia-text.h"

/* At most this many UIDs in one query (idc-api.md §3: ≈70 KB of SQL, an
 * answer far below the API's 10,000 rows). */
#define BATCH_MAX           1000
#define MAX_ROWS            10000
#define UID_MAX_LEN         64
/* The API scales to zero: the first call may wait for a cold start. */
#define IO_TIMEOUT_S        60
#define DEFAULT_DEADLINE_S  (5 * 60)
#define PROGRESS_WINDOW_MS  (60 * 1000)
#define PROGRESS_MIN_BYTES  1024
/* An answer of 1000 rows is well under 2 MB. */
#define MAX_BODY_BYTES      (64 * 1024 * 1024)

G_DEFINE_QUARK (tcia-idc-error-quark, tcia_idc_error)

struct _TciaIdcClient
{
  GObject          parent_instance;

  char            *api_url;   /* ends in "/" */
  char            *host;
  SoupSession     *session;
  TciaRetryPolicy  policy;
  guint            deadline_s;
};

G_DEFINE_FINAL_TYPE (TciaIdcClient, tcia_idc_client, G_TYPE_OBJECT)

gboolean
tcia_idc_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != TCIA_IDC_ERROR)
    return FALSE;
  return error->code == TCIA_IDC_ERROR_NETWORK || error->code == TCIA_IDC_ERROR_SERVER ||
         error->code == TCIA_IDC_ERROR_INVALID_RESPONSE;
}

gboolean
tcia_idc_uid_is_valid (const char *uid)
{
  return uid != NULL && strlen (uid) <= UID_MAX_LEN && tcia_text_is_uid (uid, -1);
}

gboolean
tcia_idc_series_uuid_is_valid (const char *uuid)
{
  if (uuid == NULL || strlen (uuid) != 36)
    return FALSE;
  for (guint i = 0; i < 36; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (uuid[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isdigit (uuid[i]) && !(uuid[i] >= 'a' && uuid[i] <= 'f'))
        {
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- Addresses and errors (shared with the bucket client) -------------------- */

gboolean
tcia_idc_parse_base_url (const char  *url,
                         const char  *what,
                         gboolean     trailing_slash,
                         char       **out_url,
                         char       **out_host,
                         GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (url));
  g_autofree char *shown = tcia_text_sanitize (stripped, TCIA_TEXT_MESSAGE_MAX);
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host = NULL;
  const char *reason = NULL;
  gsize len;
  int port;

  uri = g_uri_parse (stripped, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    reason = _("it is not an address");
  else if (g_ascii_strcasecmp ((scheme = g_uri_get_scheme (uri)), "http") != 0 &&
           g_ascii_strcasecmp (scheme, "https") != 0)
    reason = _("only http and https addresses are supported");
  else if ((host = g_uri_get_host (uri)) == NULL || *host == '\0')
    reason = _("it names no host");
  else if (g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL ||
           g_uri_get_fragment (uri) != NULL)
    reason = _("it must not hold a user name, a query or a fragment");
  if (reason != NULL)
    {
      /* TRANSLATORS: "The IDC API address “x” cannot be used: it names no host" */
      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_URL,
                   _("The %s address “%s” cannot be used: %s"), what, shown, reason);
      return FALSE;
    }

  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
  *out_host = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%d", host, port)
                                         : g_strdup_printf ("%s:%d", host, port);
  len = strlen (stripped);
  while (len > 0 && stripped[len - 1] == '/')
    stripped[--len] = '\0';
  *out_url = trailing_slash ? g_strconcat (stripped, "/", NULL) : g_steal_pointer (&stripped);
  return TRUE;
}

void
tcia_idc_set_http_error (GError     **error,
                         const char  *what)
{
  GError *e = *error;

  if (e == NULL || e->domain != TCIA_HTTP_ERROR)
    return;
  switch (e->code)
    {
    case TCIA_HTTP_ERROR_NETWORK:
      e->code = TCIA_IDC_ERROR_NETWORK;
      break;
    case TCIA_HTTP_ERROR_SERVER:
      e->code = TCIA_IDC_ERROR_SERVER;
      break;
    case TCIA_HTTP_ERROR_BAD_REQUEST:
      e->code = TCIA_IDC_ERROR_BAD_REQUEST;
      break;
    case TCIA_HTTP_ERROR_TIMED_OUT:
      e->code = TCIA_IDC_ERROR_TIMED_OUT;
      break;
    case TCIA_HTTP_ERROR_INVALID_URL:
      e->code = TCIA_IDC_ERROR_INVALID_URL;
      break;
    case TCIA_HTTP_ERROR_UNREACHABLE:
    case TCIA_HTTP_ERROR_NOT_FOUND:
    case TCIA_HTTP_ERROR_REFUSED:
    default:
      e->code = TCIA_IDC_ERROR_REFUSED;
      break;
    }
  e->domain = TCIA_IDC_ERROR;
  if (what != NULL)
    {
      char *prefixed = g_strdup_printf ("%s: %s", what, e->message);

      g_free (e->message);
      e->message = prefixed;
    }
}

/* ---- The client ------------------------------------------------------------ */

static void
tcia_idc_client_finalize (GObject *object)
{
  TciaIdcClient *self = TCIA_IDC_CLIENT (object);

  g_free (self->api_url);
  g_free (self->host);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tcia_idc_client_parent_class)->finalize (object);
}

static void
tcia_idc_client_class_init (TciaIdcClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tcia_idc_client_finalize;
}

static void
tcia_idc_client_init (TciaIdcClient *self)
{
  tcia_retry_policy_init (&self->policy);
  self->deadline_s = DEFAULT_DEADLINE_S;
}

TciaIdcClient *
tcia_idc_client_new (const char  *api_url,
                     GError     **error)
{
  g_autoptr(TciaIdcClient) self = g_object_new (TCIA_TYPE_IDC_CLIENT, NULL);

  if (!tcia_idc_parse_base_url (api_url != NULL ? api_url : TCIA_IDC_DEFAULT_API_URL,
                                _("IDC API"), TRUE, &self->api_url, &self->host, error))
    return NULL;
  /* A base without /v3 reaches IDC's legacy service, whose answers mean
   * nothing here (idc-api.md §6.16). */
  if (!g_str_has_suffix (self->api_url, "/v3/"))
    {
      g_autofree char *shown = tcia_text_sanitize (self->api_url, TCIA_TEXT_MESSAGE_MAX);

      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_URL,
                   _("The IDC API address “%s” cannot be used: its path must end in /v3/, "
                     "as in %s"),
                   shown, TCIA_IDC_DEFAULT_API_URL);
      return NULL;
    }
  self->session = tcia_http_session_new (IO_TIMEOUT_S, 0, FALSE);
  return g_steal_pointer (&self);
}

const char *
tcia_idc_client_get_api_url (TciaIdcClient *self)
{
  g_return_val_if_fail (TCIA_IS_IDC_CLIENT (self), NULL);

  return self->api_url;
}

void
tcia_idc_client_set_retry_policy (TciaIdcClient *self,
                                  guint          max_attempts,
                                  guint          base_delay_ms,
                                  guint          max_delay_ms)
{
  g_return_if_fail (TCIA_IS_IDC_CLIENT (self));

  self->policy.max_attempts = MAX (max_attempts, 1);
  self->policy.base_delay_ms = base_delay_ms;
  self->policy.max_delay_ms = max_delay_ms;
}

void
tcia_idc_client_set_timeout (TciaIdcClient *self,
                             guint          timeout_s)
{
  g_return_if_fail (TCIA_IS_IDC_CLIENT (self));

  g_object_set (self->session, "timeout", timeout_s, "idle-timeout", timeout_s, NULL);
}

void
tcia_idc_client_set_deadline (TciaIdcClient *self,
                              guint          seconds)
{
  g_return_if_fail (TCIA_IS_IDC_CLIENT (self));

  self->deadline_s = MAX (seconds, 1);
}

/* ---- One POST /v3/sql ------------------------------------------------------- */

typedef struct
{
  GByteArray *body;
  JsonNode   *root;
  guint       status;     /* of the last failed attempt */
  gboolean    web_page;
  char       *text;       /* the server's words of the last failed attempt */
} SqlCall;

static TciaHttpBodyOutcome
sql_read_body (SoupMessage   *message,
               GInputStream  *stream,
               TciaHttpWatch *watch,
               gpointer       user_data,
               GCancellable  *cancellable,
               GError       **error)
{
  SqlCall *call = user_data;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  guint8 buffer[16384];
  gssize n;

  g_byte_array_set_size (call->body, 0);
  while ((n = g_input_stream_read (stream, buffer, sizeof buffer, cancellable,
                                   &local_error)) > 0)
    {
      tcia_http_watch_body_bytes (watch, n);
      if (call->body->len + (gsize) n > MAX_BODY_BYTES)
        {
          g_input_stream_close (stream, NULL, NULL);
          g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_RESPONSE,
                       _("IDC’s API sent an answer larger than %u MB"),
                       MAX_BODY_BYTES / (1024 * 1024));
          return TCIA_HTTP_BODY_FATAL;
        }
      g_byte_array_append (call->body, buffer, n);
    }
  g_input_stream_close (stream, NULL, NULL);
  if (n < 0)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return TCIA_HTTP_BODY_FATAL;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return TCIA_HTTP_BODY_RETRY;
    }

  if (tcia_http_is_web_page (message) ||
      !json_parser_load_from_data (parser, (const char *) call->body->data,
                                   call->body->len, &local_error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      /* A front end's page in place of JSON is an outage, not an answer. */
      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_RESPONSE,
                   _("IDC’s API sent something else than the JSON it answers with%s%s"),
                   local_error != NULL ? ": " : "",
                   local_error != NULL ? local_error->message : "");
      return TCIA_HTTP_BODY_RETRY;
    }
  g_clear_pointer (&call->root, json_node_unref);
  call->root = json_node_ref (json_parser_get_root (parser));
  return TCIA_HTTP_BODY_OK;
}

static void
sql_failed (SoupMessage           *message,
            const TciaHttpFailure *failure,
            gpointer               user_data)
{
  SqlCall *call = user_data;

  call->status = failure->status;
  call->web_page = failure->status != 0 && tcia_http_is_web_page (message);
  g_free (call->text);
  call->text = g_strdup (failure->text != NULL ? failure->text : "");
}

static const TciaHttpBodyFuncs sql_funcs = {
  .read_body = sql_read_body,
  .failed = sql_failed,
};

/* The words of the API's error body (idc-api.md §2.0): the message of an
 * {"error": {"code", "message"}} envelope, or the msg (and where) of the
 * first {"detail": [...]} item of a 422; NULL when there are none. */
static char *
api_error_words (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *root;
  JsonObject *inner;
  JsonNode *detail;

  if (text == NULL || *text != '{' ||
      !json_parser_load_from_data (parser, text, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));

  if (json_object_has_member (root, "error") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "error")))
    {
      const char *message;
      const char *code;

      inner = json_object_get_object_member (root, "error");
      message = json_object_get_string_member_with_default (inner, "message", NULL);
      code = json_object_get_string_member_with_default (inner, "code", NULL);
      if (message != NULL && code != NULL)
        return g_strdup_printf ("%s (%s)", message, code);
      if (message != NULL)
        return g_strdup (message);
      return NULL;
    }

  detail = json_object_get_member (root, "detail");
  if (detail != NULL && JSON_NODE_HOLDS_VALUE (detail) &&
      json_node_get_value_type (detail) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (detail));
  if (detail != NULL && JSON_NODE_HOLDS_ARRAY (detail) &&
      json_array_get_length (json_node_get_array (detail)) > 0 &&
      JSON_NODE_HOLDS_OBJECT (json_array_get_element (json_node_get_array (detail), 0)))
    {
      const char *msg;

      inner = json_array_get_object_element (json_node_get_array (detail), 0);
      msg = json_object_get_string_member_with_default (inner, "msg", NULL);
      return msg != NULL ? g_strdup (msg) : NULL;
    }
  return NULL;
}

/* Words a person can act on, for a look-up IDC did not answer. */
static void
set_sql_error (TciaIdcClient  *self,
               SqlCall        *call,
               GError        **error)
{
  GError *e = *error;
  g_autofree char *words = NULL;
  g_autofree char *shown = NULL;

  if (e == NULL || g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      e->domain == TCIA_IDC_ERROR)
    return;

  words = api_error_words (call->text);
  shown = tcia_text_sanitize (words != NULL ? words : call->text, TCIA_TEXT_MESSAGE_MAX);
  if (call->status == SOUP_STATUS_BAD_REQUEST || call->status == 422)
    {
      g_clear_error (error);
      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_BAD_REQUEST,
                   _("IDC’s API at %s refused the look-up of series (HTTP %u): %s. The API is "
                     "a beta and may have changed: look for a newer TCIA Basket, or choose "
                     "“NBIA” as the source meanwhile."),
                   self->host, call->status,
                   *shown != '\0' ? shown : soup_status_get_phrase (call->status));
    }
  else if (call->status == SOUP_STATUS_NOT_FOUND || call->status == 405)
    {
      g_clear_error (error);
      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_REFUSED,
                   _("IDC’s API at %s has no /v3/sql (HTTP %u): check the IDC API address "
                     "(%s); it should end in /v3/, as in %s."),
                   self->host, call->status, self->api_url, TCIA_IDC_DEFAULT_API_URL);
    }
  else if (call->status == SOUP_STATUS_GATEWAY_TIMEOUT)
    {
      g_clear_error (error);
      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_SERVER,
                   _("IDC’s API at %s took too long to look the series up (HTTP 504%s%s): "
                     "try again later."),
                   self->host, *shown != '\0' ? ": " : "", shown);
    }
  else if (call->status >= 500 || call->status == TCIA_HTTP_STATUS_TOO_MANY_REQUESTS)
    {
      g_autofree char *was = g_strdup (e->message);

      g_clear_error (error);
      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_SERVER,
                   call->web_page
                   ? _("IDC’s API at %s is busy or down (%s; it answered with a web page): "
                       "try again later. NBIA can serve the series meanwhile.")
                   : _("IDC’s API at %s is busy or down (%s): try again later. NBIA can serve "
                       "the series meanwhile."),
                   self->host, was);
    }
  else
    {
      g_autofree char *what = g_strdup_printf (_("IDC’s API at %s"), self->host);

      tcia_idc_set_http_error (error, what);
    }
}

static JsonArray *
sql_rows (JsonNode  *root,
          GError   **error)
{
  JsonObject *object = json_node_get_object (root);
  JsonNode *rows = json_object_get_member (object, "rows");

  if (rows == NULL || !JSON_NODE_HOLDS_ARRAY (rows))
    {
      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_RESPONSE,
                   _("IDC’s API answered the look-up of series without rows"));
      return NULL;
    }
  /* A cut answer would make series look absent from IDC. */
  if (json_object_get_boolean_member_with_default (object, "truncated", FALSE))
    {
      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_RESPONSE,
                   _("IDC’s API cut its answer to the look-up of series short"));
      return NULL;
    }
  return json_node_get_array (rows);
}

/* One query with its retries; its rows placed into @resolution. */
static gboolean
run_sql (TciaIdcClient     *self,
         const char        *sql,
         TciaIdcResolution *resolution,
         gboolean           prior_version,
         GRand             *rand,
         GCancellable      *cancellable,
         GError           **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) request_root = NULL;
  g_autofree char *url = g_strconcat (self->api_url, "sql", NULL);
  g_autoptr(GBytes) body = NULL;
  TciaHttpLimits limits = { self->policy, self->deadline_s, PROGRESS_WINDOW_MS,
                            PROGRESS_MIN_BYTES };
  SqlCall call = { g_byte_array_new (), NULL, 0, FALSE, NULL };
  TciaHttpRequest request = { "/v3/sql", self->host, url, NULL, "application/json",
                              _("where IDC keeps the series") };
  JsonArray *rows;
  gboolean ok;
  gsize len;
  char *text;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sql");
  json_builder_add_string_value (builder, sql);
  json_builder_set_member_name (builder, "max_rows");
  json_builder_add_int_value (builder, MAX_ROWS);
  json_builder_end_object (builder);
  request_root = json_builder_get_root (builder);
  json_generator_set_root (generator, request_root);
  text = json_generator_to_data (generator, &len);
  body = g_bytes_new_take (text, len);
  request.form = body;

  ok = tcia_http_run (self->session, &request, &limits, &sql_funcs, &call, rand, cancellable,
                      error);
  if (!ok)
    set_sql_error (self, &call, error);
  else if ((rows = sql_rows (call.root, error)) == NULL)
    ok = FALSE;
  else
    for (guint i = 0; i < json_array_get_length (rows); i++)
      {
        JsonNode *row = json_array_get_element (rows, i);

        /* Rows of another shape are the beta's business, not ours. */
        if (JSON_NODE_HOLDS_OBJECT (row))
          tcia_idc_resolution_add_row (resolution, json_node_get_object (row), prior_version);
      }

  g_byte_array_unref (call.body);
  g_clear_pointer (&call.root, json_node_unref);
  g_free (call.text);
  return ok;
}

/* 'uid1', 'uid2', ... of valid UIDs or folder UUIDs only (they hold
 * digits, dots, a-f and dashes: nothing that ends a literal). */
static char *
uid_list (GPtrArray *uids,
          guint      from,
          guint      to)
{
  GString *list = g_string_new (NULL);

  for (guint i = from; i < to; i++)
    {
      const char *uid = g_ptr_array_index (uids, i);

      g_assert (tcia_idc_uid_is_valid (uid) || tcia_idc_series_uuid_is_valid (uid));
      g_string_append_printf (list, "%s'%s'", i > from ? ", " : "", uid);
    }
  return g_string_free (list, FALSE);
}

/* idc-api.md §3, Option A, to the letter. */
static char *
index_query (const char *column,
             const char *list)
{
  return g_strdup_printf (
    "SELECT i.SeriesInstanceUID, i.collection_id, c.collection_name, i.PatientID, "
    "i.StudyInstanceUID, i.StudyDate, i.StudyDescription, i.SeriesNumber, "
    "i.SeriesDescription, i.Modality, i.SOPClassUID, i.sop_class_name, i.Manufacturer, "
    "i.instanceCount, i.series_size_MB, i.aws_bucket, i.crdc_series_uuid, "
    "i.license_short_name, i.source_DOI, i.analysis_result_id, i.series_revised_idc_version "
    "FROM \"index\" AS i LEFT JOIN collections_index AS c ON c.collection_id = i.collection_id "
    "WHERE i.%s IN (%s) ORDER BY i.SeriesInstanceUID", column, list);
}

static char *
prior_query (const char *column,
             const char *list)
{
  return g_strdup_printf (
    "SELECT p.SeriesInstanceUID, p.crdc_series_uuid, p.aws_bucket, p.series_size_MB, "
    "p.min_idc_version, p.max_idc_version, p.collection_id, c.collection_name, p.PatientID, "
    "p.StudyInstanceUID, p.Modality "
    "FROM prior_versions_index AS p "
    "LEFT JOIN collections_index AS c ON c.collection_id = p.collection_id "
    "WHERE p.%s IN (%s) ORDER BY p.SeriesInstanceUID, p.max_idc_version DESC",
    column, list);
}

/* One query per batch of @uids; never one with an empty list. */
static gboolean
run_batches (TciaIdcClient     *self,
             GPtrArray         *uids,
             gboolean           prior_version,
             gboolean           by_uuid,
             TciaIdcResolution *resolution,
             GRand             *rand,
             GCancellable      *cancellable,
             GError           **error)
{
  for (guint from = 0; from < uids->len; from += BATCH_MAX)
    {
      guint to = MIN (from + BATCH_MAX, uids->len);
      g_autofree char *list = uid_list (uids, from, to);
      const char *column = by_uuid ? "crdc_series_uuid" : "SeriesInstanceUID";
      g_autofree char *sql = prior_version ? prior_query (column, list)
                                           : index_query (column, list);

      if (!run_sql (self, sql, resolution, prior_version, rand, cancellable, error))
        return FALSE;
    }
  return TRUE;
}

/* Asks "index" for what @resolution still misses, then prior_versions_index
 * for what "index" lacks: only in an older release, or never in IDC. A
 * manifest naming an older version's folder (@by_uuid) has it fetched as
 * named, not replaced by the current one. */
static TciaIdcResolution *
resolve (TciaIdcClient      *self,
         TciaIdcResolution  *resolution,
         gboolean            by_uuid,
         GCancellable       *cancellable,
         GError            **error)
{
  g_autoptr(TciaIdcResolution) owned = resolution;
  g_autoptr(GRand) rand = g_rand_new ();

  for (guint pass = 0; pass < 2; pass++)
    {
      g_autoptr(GPtrArray) missing = tcia_idc_resolution_get_missing (resolution);

      if (!run_batches (self, missing, pass == 1, by_uuid, resolution, rand, cancellable,
                        error))
        return NULL;
    }
  return g_steal_pointer (&owned);
}

TciaIdcResolution *
tcia_idc_client_resolve (TciaIdcClient       *self,
                         const char * const  *series_uids,
                         GCancellable        *cancellable,
                         GError             **error)
{
  g_return_val_if_fail (TCIA_IS_IDC_CLIENT (self), NULL);

  return resolve (self, tcia_idc_resolution_new (series_uids), FALSE, cancellable, error);
}

TciaIdcResolution *
tcia_idc_client_resolve_uuids (TciaIdcClient       *self,
                               const char * const  *series_uuids,
                               GCancellable        *cancellable,
                               GError             **error)
{
  TciaIdcResolution *resolution;

  g_return_val_if_fail (TCIA_IS_IDC_CLIENT (self), NULL);

  resolution = resolve (self, tcia_idc_resolution_new_for_uuids (series_uuids), TRUE,
                        cancellable, error);
  if (resolution != NULL)
    tcia_idc_resolution_sort_by_uuids (resolution);
  return resolution;
}

static void
resolve_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  TciaIdcResolution *resolution;
  GError *error = NULL;

  /* libsoup attaches its per-connection sources to the thread-default
   * context of the thread that uses the connection. */
  g_main_context_push_thread_default (context);
  if (g_task_get_source_tag (task) == tcia_idc_client_resolve_uuids_async)
    resolution = tcia_idc_client_resolve_uuids (source_object, task_data, cancellable, &error);
  else
    resolution = tcia_idc_client_resolve (source_object, task_data, cancellable, &error);
  g_main_context_pop_thread_default (context);

  if (resolution == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, resolution, g_object_unref);
}

/* A resolve of @names (UIDs or folders, by @source_tag) in a worker thread. */
static void
resolve_in_thread (TciaIdcClient       *self,
                   const char * const  *names,
                   gpointer             source_tag,
                   const char          *task_name,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, task_name);
  g_task_set_task_data (task, g_strdupv ((char **) names), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, resolve_thread);
}

void
tcia_idc_client_resolve_async (TciaIdcClient       *self,
                               const char * const  *series_uids,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (TCIA_IS_IDC_CLIENT (self));

  resolve_in_thread (self, series_uids, tcia_idc_client_resolve_async,
                     "[tcia-basket] IDC resolve", cancellable, callback, user_data);
}

TciaIdcResolution *
tcia_idc_client_resolve_finish (TciaIdcClient  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tcia_idc_client_resolve_uuids_async (TciaIdcClient       *self,
                                     const char * const  *series_uuids,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (TCIA_IS_IDC_CLIENT (self));

  resolve_in_thread (self, series_uuids, tcia_idc_client_resolve_uuids_async,
                     "[tcia-basket] IDC resolve folders", cancellable, callback, user_data);
}

TciaIdcResolution *
tcia_idc_client_resolve_uuids_finish (TciaIdcClient  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
