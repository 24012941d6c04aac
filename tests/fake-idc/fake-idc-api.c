/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-idc"

#include <string.h>

#include "fake-idc-private.h"
#include "fake-nbia-private.h"

/* The fake API v3 (idc-api.md §2, §7.1): version, health, collections,
 * /v3/sql and cohort/manifest.txt, with IDC's error bodies and headers, and
 * the API faults. */

#define PREFIX "/v3"
#define CONTROL_PREFIX "/fake-idc/"
#define API_VERSION_MINOR 5   /* "3.0.0b5" */

#define API_FAULTS (FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_API_503) | \
                    FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_API_503_BARE) | \
                    FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_QUERY_TIMEOUT) | \
                    FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_API_500) | \
                    FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_API_STALL) | \
                    FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_API_CLOSE) | \
                    FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_VERSION_CHANGE))

#define SQL_DEFAULT_ROWS 5000
#define SQL_MAX_ROWS 10000

void
fake_idc_reply_text (SoupServerMessage *msg,
                     guint              status,
                     const char        *content_type,
                     char              *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, body, strlen (body));
}

void
fake_idc_reply_json (SoupServerMessage *msg,
                     guint              status,
                     JsonNode          *node)
{
  fake_idc_reply_text (msg, status, "application/json", json_to_string (node, FALSE));
}

/* {"error":{"code":…,"message":…}} */
void
fake_idc_reply_error (SoupServerMessage *msg,
                      guint              status,
                      const char        *code,
                      const char        *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  fake_idc_reply_json (msg, status, root);
}

/* FastAPI's own {"detail": "Not Found"}. */
static void
set_detail (SoupServerMessage *msg,
            guint              status,
            const char        *detail)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "detail");
  json_builder_add_string_value (b, detail);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  fake_idc_reply_json (msg, status, root);
}

/* pydantic's 422: {"detail":[{"type","loc":["body",…],"msg","input"}]}. */
void
fake_idc_reply_422 (SoupServerMessage *msg,
                    const char        *type,
                    const char        *member,
                    const char        *text)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "detail");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "loc");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "body");
  if (member != NULL)
    json_builder_add_string_value (b, member);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "msg");
  json_builder_add_string_value (b, text);
  json_builder_set_member_name (b, "input");
  json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  fake_idc_reply_json (msg, 422, root);
}

static void
version (FakeIdc           *self,
         SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *api_version = NULL;
  g_autofree char *index_version = NULL;
  g_autofree char *idc_version = g_strdup_printf ("v%u", FAKE_IDC_VERSION);
  guint generation;

  g_mutex_lock (&self->lock);
  generation = self->generation;
  g_mutex_unlock (&self->lock);
  api_version = g_strdup_printf ("3.0.0b%u", API_VERSION_MINOR + generation);
  index_version = g_strdup_printf ("%u.0.%u", FAKE_IDC_VERSION, generation);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "idc_version");
  json_builder_add_string_value (b, idc_version);
  json_builder_set_member_name (b, "idc_index_data_version");
  json_builder_add_string_value (b, index_version);
  json_builder_set_member_name (b, "api_version");
  json_builder_add_string_value (b, api_version);
  json_builder_set_member_name (b, "build");
  json_builder_add_string_value (b, "a7abd9e");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  fake_idc_reply_json (msg, SOUP_STATUS_OK, root);
}

static void
health (SoupServerMessage *msg)
{
  fake_idc_reply_text (msg, SOUP_STATUS_OK, "application/json", g_strdup ("{\"status\":\"ok\"}"));
}

#define COLLECTION_COLUMNS \
  "collection_id, collection_name, cancer_types, tumor_locations, species, subjects, " \
  "supporting_data, description"

static void
collections (FakeIdc           *self,
             SoupServerMessage *msg)
{
  g_autoptr(JsonNode) rows = fake_idc_db_rows (self->db, "SELECT " COLLECTION_COLUMNS
                                               " FROM collections_index ORDER BY collection_id");

  fake_idc_reply_json (msg, SOUP_STATUS_OK, rows);
}

static gboolean
is_collection_id (const char *id)
{
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return id[0] != '\0';
}

static void
collection_detail (FakeIdc           *self,
                   SoupServerMessage *msg,
                   const char        *id)
{
  g_autofree char *sql = NULL;
  g_autoptr(JsonNode) rows = NULL;
  g_autofree char *message = NULL;
  JsonArray *array;

  /* The id goes into the text only once it is known to be harmless. */
  if (is_collection_id (id))
    {
      sql = g_strdup_printf ("SELECT " COLLECTION_COLUMNS ", "
                             " (SELECT COUNT (DISTINCT PatientID) FROM \"index\" i"
                             "   WHERE i.collection_id = c.collection_id) AS patients,"
                             " (SELECT COUNT (DISTINCT StudyInstanceUID) FROM \"index\" i"
                             "   WHERE i.collection_id = c.collection_id) AS studies,"
                             " (SELECT COUNT (*) FROM \"index\" i"
                             "   WHERE i.collection_id = c.collection_id) AS series,"
                             " (SELECT SUM (instanceCount) FROM \"index\" i"
                             "   WHERE i.collection_id = c.collection_id) AS instances,"
                             " (SELECT ROUND (SUM (series_size_MB) / 1e6, 3) FROM \"index\" i"
                             "   WHERE i.collection_id = c.collection_id) AS size_TB"
                             " FROM collections_index c WHERE collection_id = '%s'", id);
      rows = fake_idc_db_rows (self->db, sql);
    }
  array = rows != NULL ? json_node_get_array (rows) : NULL;
  if (array == NULL || json_array_get_length (array) == 0)
    {
      message = g_strdup_printf ("Collection not found: '%s'", id);
      fake_idc_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", message);
      return;
    }
  fake_idc_reply_json (msg, SOUP_STATUS_OK, json_array_get_element (array, 0));
}

/* The body of a POST as a JSON object, or NULL with the 422 set. */
JsonObject *
fake_idc_parse_body (SoupServerMessage *msg,
                     JsonParser        *parser)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  JsonNode *root;

  if (g_strcmp0 (type, "application/json") != 0 ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), NULL))
    {
      fake_idc_reply_422 (msg, "model_attributes_type", NULL,
                          "Input should be a valid dictionary or object to extract fields from");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      fake_idc_reply_422 (msg, "model_attributes_type", NULL,
                          "Input should be a valid dictionary or object to extract fields from");
      return NULL;
    }
  return json_node_get_object (root);
}

/* b3+: extra="forbid" on every body. */
gboolean
fake_idc_only_members (SoupServerMessage  *msg,
                       JsonObject         *object,
                       const char *const  *allowed)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        fake_idc_reply_422 (msg, "extra_forbidden", l->data, "Extra inputs are not permitted");
        return FALSE;
      }
  return TRUE;
}

gboolean
fake_idc_get_int_member (SoupServerMessage *msg,
                         JsonObject        *object,
                         const char        *name,
                         gint64             fallback,
                         gint64            *value)
{
  JsonNode *node = json_object_get_member (object, name);

  *value = fallback;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      fake_idc_reply_422 (msg, "int_type", name, "Input should be a valid integer");
      return FALSE;
    }
  *value = json_node_get_int (node);
  return TRUE;
}

static void
sql (FakeIdc           *self,
     SoupServerMessage *msg)
{
  static const char *const allowed[] = { "sql", "max_rows", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *body = fake_idc_parse_body (msg, parser);
  JsonNode *text;
  gint64 max_rows;
  g_autofree char *error_message = NULL;
  char *result;

  if (body == NULL || !fake_idc_only_members (msg, body, allowed))
    return;
  text = json_object_get_member (body, "sql");
  if (text == NULL || !JSON_NODE_HOLDS_VALUE (text) ||
      json_node_get_value_type (text) != G_TYPE_STRING)
    {
      fake_idc_reply_422 (msg, text == NULL ? "missing" : "string_type", "sql",
                          text == NULL ? "Field required" : "Input should be a valid string");
      return;
    }
  if (!fake_idc_get_int_member (msg, body, "max_rows", SQL_DEFAULT_ROWS, &max_rows))
    return;
  max_rows = MAX (1, MIN (max_rows, SQL_MAX_ROWS));

  result = fake_idc_sql_run (self->db, json_node_get_string (text), max_rows, &error_message);
  if (result == NULL)
    {
      fake_idc_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_query", error_message);
      return;
    }
  fake_idc_reply_text (msg, SOUP_STATUS_OK, "application/json", result);
}

static gboolean
apply_fault (FakeIdc           *self,
             SoupServerMessage *msg,
             FakeIdcFault       fault)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *retry = g_strdup_printf ("%u", self->options.retry_after_s);

  switch (fault)
    {
    case FAKE_IDC_FAULT_API_503:
    case FAKE_IDC_FAULT_API_503_BARE:
      fake_idc_reply_text (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/html; charset=UTF-8",
                           g_strdup ("<!DOCTYPE html>\n<html lang=en><meta charset=utf-8>"
                           "<title>Error 503 (Service Unavailable)!!1</title>"
                           "<p><b>503.</b> <ins>That's an error.</ins>"
                           "<p>The service you requested is not available yet. Please try again "
                           "in 30 seconds. <ins>That's all we know.</ins>\n"));
      if (fault == FAKE_IDC_FAULT_API_503)
        soup_message_headers_replace (headers, "Retry-After", retry);
      return TRUE;
    case FAKE_IDC_FAULT_QUERY_TIMEOUT:
      fake_idc_reply_error (msg, SOUP_STATUS_GATEWAY_TIMEOUT, "query_timeout",
                            "Query exceeded the 30s statement timeout and was cancelled.");
      return TRUE;
    case FAKE_IDC_FAULT_API_500:
      fake_idc_reply_text (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain",
                           g_strdup ("Internal Server Error"));
      return TRUE;
    case FAKE_IDC_FAULT_API_STALL:
      /* Never unpaused: the client's timeout has to end it. */
      soup_server_message_pause (msg);
      return TRUE;
    case FAKE_IDC_FAULT_API_CLOSE:
      soup_server_message_pause (msg);
      fake_close_after_written (msg, NULL);
      return TRUE;
    case FAKE_IDC_FAULT_VERSION_CHANGE:
      g_mutex_lock (&self->lock);
      self->generation++;
      g_mutex_unlock (&self->lock);
      return FALSE;
    case FAKE_IDC_FAULT_NONE:
    default:
      return FALSE;
    }
}

static void
route (FakeIdc           *self,
       SoupServerMessage *msg,
       const char        *route,
       const char        *method)
{
  gboolean get = g_str_equal (method, "GET");
  gboolean post = g_str_equal (method, "POST");

  if (g_str_equal (route, "version") || g_str_equal (route, "health") ||
      g_str_equal (route, "collections") || g_str_has_prefix (route, "collections/"))
    {
      if (!get)
        set_detail (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method Not Allowed");
      else if (g_str_equal (route, "version"))
        version (self, msg);
      else if (g_str_equal (route, "health"))
        health (msg);
      else if (g_str_equal (route, "collections"))
        collections (self, msg);
      else
        collection_detail (self, msg, route + strlen ("collections/"));
    }
  else if (g_str_equal (route, "sql") || g_str_equal (route, "cohort/counts") ||
           g_str_equal (route, "cohort/manifest") || g_str_equal (route, "cohort/manifest.txt"))
    {
      if (!post)
        set_detail (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method Not Allowed");
      else if (g_str_equal (route, "sql"))
        sql (self, msg);
      else
        fake_idc_cohort (self, msg, route);
    }
  else
    {
      set_detail (msg, SOUP_STATUS_NOT_FOUND, "Not Found");
    }
}

/* /fake-idc/page-size?n=, /fake-idc/rate-limit?bytes=, and the controls every
 * fake has (fake-control.h): for tests and benchmarks that run the fake-idc
 * program. */
static void
control (FakeIdc           *self,
         SoupServerMessage *msg,
         const char        *what,
         GHashTable        *query)
{
  const char *number = fake_idc_query_get (query, "n");
  const char *bytes = fake_idc_query_get (query, "bytes");
  guint64 value = 0;

  if (g_str_equal (what, "page-size") && number != NULL &&
      g_ascii_string_to_unsigned (number, 10, 1, 1000, &value, NULL))
    {
      fake_idc_set_page_size (self, value);
      fake_control_reply (msg, SOUP_STATUS_OK, "ok\n");
    }
  else if (g_str_equal (what, "rate-limit") && bytes != NULL &&
           g_ascii_string_to_unsigned (bytes, 10, 0, G_MAXUINT64, &value, NULL))
    {
      fake_idc_set_rate_limit (self, value);
      fake_control_reply (msg, SOUP_STATUS_OK, "ok\n");
    }
  else if (!fake_control_answer (self->control, msg, what, query))
    {
      set_detail (msg, SOUP_STATUS_NOT_FOUND, "Not Found");
    }
}

static void
api_cb (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  FakeIdc *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *route_name = g_str_has_prefix (path, PREFIX "/") ? path + strlen (PREFIX "/") : "";
  const char *last = strrchr (path, '/') != NULL ? strrchr (path, '/') + 1 : path;
  const char *subjects[] = { path, route_name, last };
  FakeIdcFault fault;

  fake_idc_count_request (self, *last ? last : path);
  soup_message_headers_replace (headers, "Strict-Transport-Security",
                                "max-age=31536000; includeSubDomains");
  soup_message_headers_replace (headers, "Access-Control-Allow-Origin", "*");

  fault = fake_idc_take_fault (self, API_FAULTS, subjects, G_N_ELEMENTS (subjects));
  if (apply_fault (self, msg, fault))
    return;

  if (g_str_equal (path, "/"))
    {
      soup_server_message_set_redirect (msg, SOUP_STATUS_TEMPORARY_REDIRECT, PREFIX "/docs");
      return;
    }
  if (g_str_equal (path, PREFIX) || g_str_equal (path, PREFIX "/"))
    {
      fake_idc_reply_text (msg, SOUP_STATUS_OK, "application/json",
                           g_strdup ("{\"name\":\"IDC API\",\"server_version\":\"3.0.0b5\","
                                     "\"docs\":\"/v3/docs\",\"openapi\":\"/v3/openapi.json\","
                                     "\"version_endpoint\":\"/v3/version\"}"));
      return;
    }
  if (!g_str_has_prefix (path, PREFIX "/"))
    {
      set_detail (msg, SOUP_STATUS_NOT_FOUND, "Not Found");
      return;
    }
  route (self, msg, route_name, method);
}

void
fake_idc_api_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  FakeIdc *self = user_data;

  if (g_str_has_prefix (path, CONTROL_PREFIX))
    control (self, msg, path + strlen (CONTROL_PREFIX), query);
  else
    fake_control_dispatch (self->control, api_cb, server, msg, path, query, self);
}
