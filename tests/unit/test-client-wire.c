/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The client against a tiny recording server, for what goes over the wire
 * exactly. */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "client-test-util.h"

/* ---- On the wire: a recording server -------------------------------------------- */

typedef struct
{
  SoupServer *server;
  char       *v4_url;
  char       *v1_url;
  TciaClient *v4;
  TciaClient *v1;

  /* What to answer. */
  guint       status;
  const char *content_type;
  GBytes     *body;

  /* What was asked, last request. */
  guint       n_requests;
  char       *method;
  char       *path;
  char       *raw_query;
  GHashTable *params;       /* decoded */
  char       *user_agent;
  char       *accept;
  gboolean    had_authorization;
  char       *request_type;
  char       *request_body;
} Recorder;

static void
recorder_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Recorder *r = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) flat = soup_message_body_flatten (request_body);

  r->n_requests++;
  g_free (r->method);
  r->method = g_strdup (soup_server_message_get_method (msg));
  g_free (r->path);
  r->path = g_strdup (path);
  g_free (r->raw_query);
  r->raw_query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  g_clear_pointer (&r->params, g_hash_table_unref);
  r->params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (query != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (r->params, g_strdup (key), g_strdup (value));
    }
  g_free (r->user_agent);
  r->user_agent = g_strdup (soup_message_headers_get_one (request_headers, "User-Agent"));
  g_free (r->accept);
  r->accept = g_strdup (soup_message_headers_get_one (request_headers, "Accept"));
  r->had_authorization = soup_message_headers_get_one (request_headers, "Authorization") != NULL;
  g_free (r->request_type);
  r->request_type = g_strdup (soup_message_headers_get_content_type (request_headers, NULL));
  g_free (r->request_body);
  r->request_body = g_strndup (g_bytes_get_data (flat, NULL), g_bytes_get_size (flat));

  soup_server_message_set_status (msg, r->status, NULL);
  if (r->body != NULL)
    soup_server_message_set_response (msg, r->content_type, SOUP_MEMORY_COPY,
                                      g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body));
}

static void
recorder_answer (Recorder   *r,
                 guint       status,
                 const char *content_type,
                 const char *body,
                 gssize      len)
{
  r->status = status;
  r->content_type = content_type;
  g_clear_pointer (&r->body, g_bytes_unref);
  if (body != NULL)
    r->body = g_bytes_new (body, len < 0 ? strlen (body) : (gsize) len);
}

static void
recorder_setup (Recorder      *r,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  int port;

  r->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (r->server, NULL, recorder_cb, r, NULL);
  g_assert_true (soup_server_listen_local (r->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (r->server);
  port = g_uri_get_port (uris->data);
  r->v4_url = g_strdup_printf ("http://127.0.0.1:%d/nbia-api/services/v4/", port);
  r->v1_url = g_strdup_printf ("http://127.0.0.1:%d/nbia-api/services/v1/", port);
  r->v4 = tcia_client_new (r->v4_url, &error);
  r->v1 = tcia_client_new (r->v1_url, &error);
  g_assert_no_error (error);
  tcia_client_set_retry_policy (r->v4, 2, 1, 2);
  tcia_client_set_retry_policy (r->v1, 2, 1, 2);
  recorder_answer (r, 200, "application/json", "[]", -1);
}

static void
recorder_teardown (Recorder      *r,
                   gconstpointer  data)
{
  g_clear_object (&r->v4);
  g_clear_object (&r->v1);
  soup_server_disconnect (r->server);
  g_clear_object (&r->server);
  g_clear_pointer (&r->body, g_bytes_unref);
  g_clear_pointer (&r->params, g_hash_table_unref);
  g_free (r->v4_url);
  g_free (r->v1_url);
  g_free (r->method);
  g_free (r->path);
  g_free (r->raw_query);
  g_free (r->user_agent);
  g_free (r->accept);
  g_free (r->request_type);
  g_free (r->request_body);
}

static void
assert_param_names (Recorder   *r,
                    const char *names)
{
  g_auto(GStrv) expected = g_strsplit (names, ",", -1);
  guint n = 0;
  guint i;

  for (i = 0; expected[i] != NULL; i++)
    if (expected[i][0] != '\0')
      {
        if (!g_hash_table_contains (r->params, expected[i]))
          g_error ("%s: parameter %s was not sent (query: %s)", r->path, expected[i], r->raw_query);
        n++;
      }
  if (g_hash_table_size (r->params) != n)
    g_error ("%s: sent %s, expected exactly %s", r->path, r->raw_query, names);
}

static void
test_wire_encoding (Recorder      *r,
                    gconstpointer  data)
{
  const char *collection = "CT COLONOGRAPHY/A & B+C=é?#%";
  g_autoptr(TciaQuery) query = query_new (collection, "p 1", NULL, NULL);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = list_series_sync (r->v4, query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  g_assert_cmpstr (r->method, ==, "GET");
  g_assert_cmpstr (r->path, ==, "/nbia-api/services/v4/getSeries");
  /* Round trip, spaces as %20 (never '+'), everything reserved escaped. */
  g_assert_cmpstr (g_hash_table_lookup (r->params, "Collection"), ==, collection);
  g_assert_cmpstr (g_hash_table_lookup (r->params, "PatientID"), ==, "p 1");
  g_assert_nonnull (strstr (r->raw_query, "CT%20COLONOGRAPHY%2FA%20%26%20B%2BC%3D%C3%A9%3F%23%25"));
  g_assert_null (strchr (r->raw_query, '+'));
  assert_param_names (r, "Collection,PatientID");

  /* Headers: ours, Accept: * / *, and never Authorization. */
  g_assert_cmpstr (r->user_agent, ==, "tcia-basket/" PACKAGE_VERSION);
  g_assert_cmpstr (r->accept, ==, "*/*");
  g_assert_false (r->had_authorization);
}

static void
test_wire_parameters (Recorder      *r,
                      gconstpointer  data)
{
  g_autoptr(TciaQuery) full = query_new ("C", "P", "CT", "CHEST");
  g_autoptr(GError) error = NULL;

  tcia_query_set (full, &full->study_uid, "1.2");
  tcia_query_set (full, &full->series_uid, "1.2.3");
  tcia_query_set (full, &full->manufacturer, "GE");
  tcia_query_set (full, &full->manufacturer_model, "LightSpeed");

#define CHECK(call, where, names)                                   \
  G_STMT_START {                                                    \
    g_autoptr(GListModel) m = call;                                 \
    g_assert_no_error (error);                                      \
    g_assert_nonnull (m);                                           \
    g_assert_cmpstr (r->path, ==, "/nbia-api/services/" where);     \
    assert_param_names (r, names);                                  \
  } G_STMT_END

  /* Only what each v4 whitelist allows (tcia-api.md §3), never `format`. */
  CHECK (list_collections_sync (r->v4, FALSE, NULL, &error), "v4/getCollectionValues", "");
  CHECK (list_collections_sync (r->v4, TRUE, NULL, &error), "v4/getCollectionValuesAndCounts", "");
  CHECK (list_collections_sync (r->v1, TRUE, NULL, &error), "v1/getCollectionValues", "");
  CHECK (list_values_sync (r->v4, TCIA_VALUE_MODALITY, full, FALSE, NULL, &error),
         "v4/getModalityValues", "Collection,BodyPartExamined");
  CHECK (list_values_sync (r->v4, TCIA_VALUE_BODY_PART, full, FALSE, NULL, &error),
         "v4/getBodyPartValues", "Collection,Modality");
  CHECK (list_values_sync (r->v4, TCIA_VALUE_MANUFACTURER, full, FALSE, NULL, &error),
         "v4/getManufacturerValues", "Collection,Modality,BodyPartExamined");
  CHECK (list_values_sync (r->v4, TCIA_VALUE_MODALITY, full, TRUE, NULL, &error),
         "v4/getModalityValuesAndCounts", "Collection,BodyPartExamined");
  CHECK (list_values_sync (r->v4, TCIA_VALUE_BODY_PART, full, TRUE, NULL, &error),
         "v4/getBodyPartValuesAndCounts", "Collection,Modality");
  CHECK (list_values_sync (r->v4, TCIA_VALUE_MANUFACTURER, full, TRUE, NULL, &error),
         "v4/getManufacturerValuesAndCounts", "Collection,Modality,BodyPartExamined");
  CHECK (list_values_sync (r->v1, TCIA_VALUE_MANUFACTURER, full, TRUE, NULL, &error),
         "v1/getManufacturerValues", "Collection,Modality,BodyPartExamined");
  CHECK (list_values_sync (r->v4, TCIA_VALUE_MODALITY, NULL, FALSE, NULL, &error),
         "v4/getModalityValues", "");
  CHECK (list_descriptions_sync (r->v4, "C", NULL, &error), "v4/getCollectionDescriptions", "collectionName");
  CHECK (list_descriptions_sync (r->v4, NULL, NULL, &error), "v4/getCollectionDescriptions", "");
  CHECK (list_patients_sync (r->v4, full, NULL, &error), "v4/getPatient", "Collection,PatientId");
  CHECK (list_studies_sync (r->v4, full, NULL, &error), "v4/getPatientStudy",
         "Collection,PatientID,StudyInstanceUID");
  CHECK (list_series_sync (r->v4, full, NULL, &error), "v4/getSeries",
         "Collection,PatientID,StudyInstanceUID,Modality,BodyPartExamined,ManufacturerModelName,"
         "Manufacturer,SeriesInstanceUID");
  CHECK (list_series_sync (r->v1, full, NULL, &error), "v1/getSeries",
         "Collection,PatientID,StudyInstanceUID,Modality,BodyPartExamined,ManufacturerModelName,"
         "Manufacturer,SeriesInstanceUID");
  CHECK (get_shared_cart_sync (r->v4, "nbia-123", NULL, &error), "v1/getContentsByName", "name");
#undef CHECK
}

static void
test_wire_dates (Recorder      *r,
                 gconstpointer  data)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (-5 * 3600);
  g_autoptr(GDateTime) date = g_date_time_new (zone, 2019, 3, 8, 23, 30, 0);
  g_autoptr(GListModel) a = NULL;
  g_autoptr(GListModel) b = NULL;
  g_autoptr(GError) error = NULL;

  /* The date part as given, in each version's format. */
  a = list_updated_series_sync (r->v4, date, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (r->params, "fromDate"), ==, "03-08-2019");
  b = list_updated_series_sync (r->v1, date, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (r->params, "fromDate"), ==, "08/03/2019");
  g_assert_cmpstr (r->path, ==, "/nbia-api/services/v1/getUpdatedSeries");
}

static void
test_wire_metadata_post (Recorder      *r,
                         gconstpointer  data)
{
  const char *uids[] = { "1.2.3", "1.2.4", "1.2.5", NULL };
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  recorder_answer (r, 200, "application/json",
                   "{\"SeriesInstanceUID\":\"1.2.3\",\"PixelSpacing(mm)-Row\":\"0.5\"}", -1);
  model = get_series_metadata_sync (r->v4, uids, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->method, ==, "POST");
  g_assert_cmpstr (r->path, ==, "/nbia-api/services/v4/getSeriesMetadata");
  g_assert_cmpstr (r->request_type, ==, "application/x-www-form-urlencoded");
  g_assert_cmpstr (r->request_body, ==, "list=1.2.3,1.2.4,1.2.5&format=json");
  g_assert_null (r->raw_query);
  g_assert_cmpuint (r->n_requests, ==, 1);
  /* A single object instead of an array is one row. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
}

static void
test_wire_empty (Recorder      *r,
                 gconstpointer  data)
{
  static const struct {
    guint status;
    const char *body;
  } cases[] = {
    { 200, NULL },
    { 200, "" },
    { 200, "[]" },
    { 200, " \n" },
    { 204, NULL },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_STUDY);
      g_autoptr(GListModel) model = NULL;
      g_autoptr(GError) error = NULL;

      recorder_answer (r, cases[i].status, "application/json", cases[i].body, -1);
      model = list_studies_sync (r->v4, NULL, store, &error);
      g_assert_no_error (error);
      g_assert_true (model == G_LIST_MODEL (store));
      g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
    }
}

static void
test_wire_statuses (Recorder      *r,
                    gconstpointer  data)
{
  GString *long_text = g_string_new ("Invalid query parameter: 'x'. \xff Allowed parameters are: [");
  g_autofree char *text = NULL;

  while (long_text->len < 2000)
    g_string_append (long_text, "Collection, ");
  g_string_append (long_text, "format]\r\n");
  text = g_string_free (long_text, FALSE);

  /* A long 400 with a stray byte: the server's words, trimmed, valid UTF-8. */
  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;

    recorder_answer (r, 400, "application/json", text, -1);
    model = list_series_sync (r->v4, NULL, NULL, &error);
    g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_BAD_REQUEST);
    g_assert_true (g_str_has_prefix (error->message, "Invalid query parameter: 'x'."));
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
    g_assert_cmpuint (g_utf8_strlen (error->message, -1), <=, 301);
    g_assert_null (strchr (error->message, '\n'));
    g_assert_cmpuint (r->n_requests, ==, 1);
  }

  /* 404, 401, 403: a clear error with the status, not retried. */
  {
    guint statuses[] = { 404, 401, 403 };
    guint i;

    for (i = 0; i < G_N_ELEMENTS (statuses); i++)
      {
        g_autoptr(GListModel) model = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *code = g_strdup_printf ("%u", statuses[i]);
        guint before = r->n_requests;

        recorder_answer (r, statuses[i], "text/plain", "no", -1);
        model = list_patients_sync (r->v4, NULL, NULL, &error);
        g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_SERVER);
        g_assert_nonnull (strstr (error->message, code));
        g_assert_nonnull (strstr (error->message, "the list of patients"));
        g_assert_cmpuint (r->n_requests, ==, before + 1);
      }
  }

  /* A body that starts like a web page but is labelled JSON. */
  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;

    recorder_answer (r, 200, "application/json", "<html><body>Maintenance</body></html>", -1);
    model = list_collections_sync (r->v4, FALSE, NULL, &error);
    g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE);
    g_assert_nonnull (strstr (error->message, "web page"));
  }

  /* A 503 every time: retried, then a server error naming the endpoint. */
  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;
    guint before = r->n_requests;

    recorder_answer (r, 503, "text/plain", "down", -1);
    model = list_collections_sync (r->v4, FALSE, NULL, &error);
    g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_SERVER);
    g_assert_cmpstr (error->message, ==,
                     "The server answered 503 Service Unavailable when asked for the list of "
                     "collections (2 attempts).");
    g_assert_cmpuint (r->n_requests, ==, before + 2);
  }
}

/* A value or a body over its cap is an invalid answer, found before it is
 * all in memory; a body under the caps is fine. */
static void
test_wire_size_caps (Recorder      *r,
                     gconstpointer  data)
{
  gsize big = 3 * 1024 * 1024;
  GString *body = g_string_sized_new (big + 100);

  g_string_append (body, "[{\"SeriesInstanceUID\":\"1.2.3\",\"SeriesDescription\":\"");
  while (body->len < big)
    g_string_append (body, "abcdefghijklmnopqrstuvwxyz");
  g_string_append (body, "\"}]");

  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;

    recorder_answer (r, 200, "application/json", body->str, (gssize) body->len);
    model = list_series_sync (r->v4, NULL, NULL, &error);
    g_assert_null (model);
    g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE);
    g_test_message ("%s", error->message);
    g_assert_cmpstr (error->message, ==, "The server sent a value larger than 1.0\302\240MiB in the list of series.");
    g_assert_cmpuint (r->n_requests, ==, 1);
  }

  /* The same body under a body cap smaller than it, and with the value cap
   * raised above the value: the body cap fails it. */
  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;

    tcia_client_set_size_limits (r->v4, 4 * 1024 * 1024, 1024 * 1024);
    model = list_series_sync (r->v4, NULL, NULL, &error);
    g_assert_null (model);
    g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE);
    g_test_message ("%s", error->message);
    g_assert_true (g_str_has_prefix (error->message,
                                     "The server sent more than 1.0\302\240MiB with the list of series"));
  }

  /* Both caps above it: the listing is read. */
  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;

    tcia_client_set_size_limits (r->v4, 4 * 1024 * 1024, 8 * 1024 * 1024);
    model = list_series_sync (r->v4, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  }

  g_string_free (body, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD_WIRE(path, func) \
  g_test_add ("/core/client/wire/" path, Recorder, NULL, recorder_setup, func, recorder_teardown)

  ADD_WIRE ("encoding", test_wire_encoding);
  ADD_WIRE ("parameters", test_wire_parameters);
  ADD_WIRE ("dates", test_wire_dates);
  ADD_WIRE ("metadata-post", test_wire_metadata_post);
  ADD_WIRE ("empty", test_wire_empty);
  ADD_WIRE ("statuses", test_wire_statuses);
  ADD_WIRE ("size-caps", test_wire_size_caps);

#undef ADD_WIRE

  return g_test_run ();
}
