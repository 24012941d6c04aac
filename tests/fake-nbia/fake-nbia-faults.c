/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-nbia-server.h"

/* Faults: their names, which request they hit, and what they do to an answer
 * (before it is made, or to its body as it is sent). */

#define SERVE_CHUNK (512 * 1024)
#define CHUNKED_ABOVE (1024 * 1024)

/* ---- faults ---- */

static const char *const fault_names[] = {
  [FAKE_NBIA_FAULT_NONE] = "none",
  [FAKE_NBIA_FAULT_HTTP_429] = "http-429",
  [FAKE_NBIA_FAULT_HTTP_503] = "http-503",
  [FAKE_NBIA_FAULT_HTTP_500] = "http-500",
  [FAKE_NBIA_FAULT_HTTP_400] = "http-400",
  [FAKE_NBIA_FAULT_DROP] = "drop",
  [FAKE_NBIA_FAULT_ZIP_TRUNCATED] = "zip-truncated",
  [FAKE_NBIA_FAULT_WRONG_MD5] = "wrong-md5",
  [FAKE_NBIA_FAULT_ESCAPING_ENTRY] = "escaping-entry",
  [FAKE_NBIA_FAULT_ABSOLUTE_ENTRY] = "absolute-entry",
  [FAKE_NBIA_FAULT_MALFORMED_JSON] = "malformed-json",
  [FAKE_NBIA_FAULT_STALL] = "stall",
  [FAKE_NBIA_FAULT_HTML_PAGE] = "html-page",
  [FAKE_NBIA_FAULT_EMPTY_ZIP] = "empty-zip",
  [FAKE_NBIA_FAULT_MD5_ONLY_ZIP] = "md5-only-zip",
  [FAKE_NBIA_FAULT_ZIP_BOMB] = "zip-bomb",
  [FAKE_NBIA_FAULT_RETRY_AFTER_LONG] = "retry-after-long",
  [FAKE_NBIA_FAULT_NO_COUNTS] = "no-counts",
  [FAKE_NBIA_FAULT_TRICKLE] = "trickle",
  [FAKE_NBIA_FAULT_THUMBNAIL_500] = "thumbnail-500",
  [FAKE_NBIA_FAULT_THUMBNAIL_CORRUPT] = "thumbnail-corrupt",
};

G_STATIC_ASSERT (G_N_ELEMENTS (fault_names) == FAKE_NBIA_N_FAULTS);

FakeNbiaFault
fake_nbia_fault_from_string (const char *name)
{
  g_return_val_if_fail (name != NULL, FAKE_NBIA_FAULT_NONE);

  return fake_fault_from_name (fault_names, FAKE_NBIA_N_FAULTS, name);
}

const char *
fake_nbia_fault_to_string (FakeNbiaFault fault)
{
  g_return_val_if_fail (fault < FAKE_NBIA_N_FAULTS, NULL);

  return fault_names[fault];
}

/* Takes one use of the first fault set whose kind is in @mask and whose series
 * (if any) is @uid. */
FakeNbiaFault
fake_take_fault (FakeNbia   *self,
                 guint64     mask,
                 const char *uid)
{
  const char *subjects[] = { uid };

  return fake_control_take_fault (self->control, mask, subjects, 1);
}

static void
count_series (const FakeArchive *a,
              guint32            series,
              gpointer           user_data)
{
  (*(guint *) user_data)++;
}

/* Whether the answer to @req has a row for the series @uid. */
static gboolean
lists_series (FakeNbia      *self,
              const Request *req,
              const char    *uid)
{
  if (strcmp (req->endpoint, "getSeries") == 0)
    {
      guint n = 0;
      Filter f;

      fake_filter_from_request (req, &f);
      if (f.series_uid != NULL && strcmp (f.series_uid, uid) != 0)
        return FALSE;
      f.series_uid = uid;
      fake_foreach_series (self->archive, &f, count_series, &n);
      return n > 0;
    }
  if (req->version == 4)
    {
      g_autoptr(GPtrArray) uids = fake_form_list (req, "list", TRUE);

      return g_ptr_array_find_with_equal_func (uids, uid, g_str_equal, NULL);
    }
  return g_strcmp0 (fake_req_get (req, "SeriesInstanceUID"), uid) == 0;
}

/* Takes one use of no-counts for a series listing it applies to. */
void
fake_take_no_counts (FakeNbia *self,
                     Request  *req)
{
  g_autofree char *uid = NULL;

  if (strcmp (req->endpoint, "getSeries") != 0 &&
      strcmp (req->endpoint, req->version == 4 ? "getSeriesMetadata" : "getSeriesMetaData") != 0)
    return;
  if (!fake_control_peek_fault (self->control, FAKE_NBIA_FAULT_NO_COUNTS, NULL, 0, &uid) ||
      (uid != NULL && !lists_series (self, req, uid)))
    return;
  if (fake_take_fault (self, FAULT_BIT (FAKE_NBIA_FAULT_NO_COUNTS), uid) == FAKE_NBIA_FAULT_NONE)
    return;
  req->no_counts = TRUE;
  req->no_counts_uid = g_steal_pointer (&uid);
}

/* The series a request is about, for faults limited to one series. */
char *
fake_request_series_uid (FakeNbia      *self,
                         const Request *req)
{
  const char *uid = fake_param_get (req->query, "SeriesInstanceUID");
  const char *thumbnail_uid = fake_param_get (req->query, "seriesUID");
  const char *sop = fake_param_get (req->query, req->version == 4 ? "SOPInstanceUID"
                                                                  : "SOPInstanceUid");
  guint32 series, image;

  if (uid != NULL)
    return g_strdup (uid);
  if (thumbnail_uid != NULL)
    return g_strdup (thumbnail_uid);
  if (sop != NULL && fake_archive_find_sop (self->archive, sop, &series, &image))
    {
      char buf[FAKE_UID_MAX];

      fake_archive_series_uid (self->archive, series, buf);
      return g_strdup (buf);
    }
  return NULL;
}

void
fake_apply_pre_fault (FakeNbia      *self,
                      FakeNbiaFault  fault,
                      const Request *req,
                      Response      *resp,
                      SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *retry = g_strdup_printf ("%u", self->options.retry_after_s);
  g_autofree char *text = NULL;

  switch (fault)
    {
    case FAKE_NBIA_FAULT_HTTP_429:
      fake_set_text (resp, 429 /* Too Many Requests */, "text/plain", "Too Many Requests");
      soup_message_headers_replace (headers, "Retry-After", retry);
      break;
    case FAKE_NBIA_FAULT_HTTP_503:
      fake_set_text (resp, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/plain", "Service Unavailable");
      soup_message_headers_replace (headers, "Retry-After", retry);
      break;
    case FAKE_NBIA_FAULT_RETRY_AFTER_LONG:
      fake_set_text (resp, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/plain", "Service Unavailable");
      soup_message_headers_replace (headers, "Retry-After", "3600");
      break;
    case FAKE_NBIA_FAULT_HTTP_500:
      fake_set_server_error (resp);
      break;
    case FAKE_NBIA_FAULT_HTTP_400:
      text = g_strdup_printf ("Simulated bad request: %s", req->endpoint);
      fake_set_text (resp, SOUP_STATUS_BAD_REQUEST, "text/plain", text);
      break;
    case FAKE_NBIA_FAULT_HTML_PAGE:
      fake_set_text (resp, SOUP_STATUS_OK, "text/html; charset=UTF-8",
                     "<!DOCTYPE html>\n<html><head><title>Scheduled Maintenance</title></head>"
                     "<body><h1>The Cancer Imaging Archive is down for maintenance</h1>"
                     "<p>We&rsquo;ll be back shortly.</p></body></html>\n");
      break;
    case FAKE_NBIA_FAULT_NONE:
    case FAKE_NBIA_FAULT_DROP:
    case FAKE_NBIA_FAULT_ZIP_TRUNCATED:
    case FAKE_NBIA_FAULT_WRONG_MD5:
    case FAKE_NBIA_FAULT_ESCAPING_ENTRY:
    case FAKE_NBIA_FAULT_ABSOLUTE_ENTRY:
    case FAKE_NBIA_FAULT_MALFORMED_JSON:
    case FAKE_NBIA_FAULT_STALL:
    case FAKE_NBIA_FAULT_EMPTY_ZIP:
    case FAKE_NBIA_FAULT_MD5_ONLY_ZIP:
    case FAKE_NBIA_FAULT_ZIP_BOMB:
    case FAKE_NBIA_FAULT_NO_COUNTS:
    case FAKE_NBIA_FAULT_TRICKLE:
    case FAKE_NBIA_N_FAULTS:
    default:
      g_assert_not_reached ();
    }
}

/* ---- sending ---- */

static gboolean
close_connection_cb (gpointer data)
{
  SoupServerMessage *msg = data;
  GSocket *socket = soup_server_message_get_socket (msg);
  g_autoptr(GIOStream) stream = NULL;

  GBytes *tail = g_object_get_data (G_OBJECT (msg), "fake-nbia-tail");

  /* libsoup is idle (paused, nothing queued): what goes on the wire now is the
   * start of a chunk that never ends, so that the client sees the connection
   * close in the middle of a chunk rather than between two (where libsoup 3.2
   * would take it for the end). The terminating chunk libsoup writes when it
   * lets go of the connection then falls inside that chunk. */
  if (socket != NULL && tail != NULL)
    g_socket_send (socket, g_bytes_get_data (tail, NULL), g_bytes_get_size (tail), NULL, NULL);
  stream = soup_server_message_steal_connection (msg);
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
  return G_SOURCE_REMOVE;
}

void
fake_close_after_written (SoupServerMessage *msg,
                          GBytes            *tail)
{
  GSource *source;

  if (g_object_get_data (G_OBJECT (msg), "fake-nbia-closing") != NULL)
    return;
  g_object_set_data (G_OBJECT (msg), "fake-nbia-closing", GINT_TO_POINTER (1));
  if (tail != NULL)
    g_object_set_data_full (G_OBJECT (msg), "fake-nbia-tail", g_bytes_ref (tail),
                            (GDestroyNotify) g_bytes_unref);
  source = g_idle_source_new ();
  g_source_set_callback (source, close_connection_cb, g_object_ref (msg), g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static void
drop_wrote_chunk_cb (SoupServerMessage *msg,
                     gpointer           user_data)
{
  fake_close_after_written (msg, NULL);
}

/* Half the body under a Content-Length for all of it; then the connection is
 * closed (drop) or left open with nothing more coming (stall). */
static void
send_partial (SoupServerMessage *msg,
              Response          *resp,
              gboolean           close)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  gsize length = resp->body ? g_bytes_get_size (resp->body) : 0;

  soup_server_message_set_status (msg, resp->status, NULL);
  if (resp->content_type != NULL)
    soup_message_headers_replace (headers, "Content-Type", resp->content_type);
  if (resp->disposition != NULL)
    soup_message_headers_replace (headers, "Content-Disposition", resp->disposition);
  soup_message_headers_set_content_length (headers, MAX (length, 2));
  soup_message_body_set_accumulate (body, FALSE);
  if (length >= 2)
    {
      g_autoptr(GBytes) half = g_bytes_new_from_bytes (resp->body, 0, length / 2);

      soup_message_body_append_bytes (body, half);
      if (close)
        g_signal_connect (msg, "wrote-chunk", G_CALLBACK (drop_wrote_chunk_cb), NULL);
    }
  else if (close)
    {
      g_signal_connect (msg, "wrote-headers", G_CALLBACK (drop_wrote_chunk_cb), NULL);
    }
}

static gboolean
bytes_refill (gpointer    data,
              GByteArray *out)
{
  gsize length;
  const guint8 *bytes = g_bytes_get_data (data, &length);

  g_byte_array_append (out, bytes, length);
  return FALSE;
}

/* The whole body under its Content-Length, one byte at a time. */
static void
send_trickle (SoupServerMessage *msg,
              Response          *resp,
              guint              interval_ms)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, resp->status, NULL);
  if (resp->content_type != NULL)
    soup_message_headers_replace (headers, "Content-Type", resp->content_type);
  if (resp->disposition != NULL)
    soup_message_headers_replace (headers, "Content-Disposition", resp->disposition);
  soup_message_headers_set_content_length (headers, g_bytes_get_size (resp->body));
  fake_trickle_serve (msg, interval_ms, bytes_refill, g_bytes_ref (resp->body),
                      (GDestroyNotify) g_bytes_unref);
}

void
fake_send_response (SoupServerMessage *msg,
                    Response          *resp)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  gsize length = resp->body ? g_bytes_get_size (resp->body) : 0;

  soup_server_message_set_status (msg, resp->status, NULL);
  if (resp->disposition != NULL)
    soup_message_headers_replace (headers, "Content-Disposition", resp->disposition);
  if (length == 0)
    return;
  if (resp->content_type != NULL)
    soup_message_headers_replace (headers, "Content-Type", resp->content_type);
  if (length <= CHUNKED_ABOVE)
    {
      soup_message_body_append_bytes (body, resp->body);
      return;
    }
  /* Big listings go out in chunks the client can parse as they arrive. */
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_body_set_accumulate (body, FALSE);
  for (gsize offset = 0; offset < length; offset += SERVE_CHUNK)
    {
      g_autoptr(GBytes) chunk = g_bytes_new_from_bytes (resp->body, offset,
                                                        MIN (SERVE_CHUNK, length - offset));

      soup_message_body_append_bytes (body, chunk);
    }
  soup_message_body_complete (body);
}

/* A complete body that is not JSON: the first half of the real one, cut. */
static void
make_malformed (Response *resp)
{
  gsize length = resp->body ? g_bytes_get_size (resp->body) : 0;
  GString *text = g_string_new (NULL);

  if (length > 0)
    g_string_append_len (text, g_bytes_get_data (resp->body, NULL), length / 2);
  else
    g_string_append (text, "[{\"Collection\":");
  g_string_append (text, "\n<!-- truncated by proxy -->");
  g_clear_pointer (&resp->body, g_bytes_unref);
  resp->body = g_string_free_to_bytes (text);
  g_free (resp->content_type);
  resp->content_type = g_strdup ("application/json");
  resp->status = SOUP_STATUS_OK;
}

/* What is left once the response is known: faults on the body, then sending. */
void
fake_finish_answer (FakeNbia          *self,
                    SoupServerMessage *msg,
                    const Request     *req,
                    const char        *uid,
                    Response          *resp)
{
  guint mask;

  if (resp->zip)
    {
      FakeZipMode mode = FAKE_ZIP_OK;

      mask = FAULT_BIT (FAKE_NBIA_FAULT_DROP) | FAULT_BIT (FAKE_NBIA_FAULT_STALL) |
             FAULT_BIT (FAKE_NBIA_FAULT_ZIP_TRUNCATED) |
             FAULT_BIT (FAKE_NBIA_FAULT_ESCAPING_ENTRY) |
             FAULT_BIT (FAKE_NBIA_FAULT_ABSOLUTE_ENTRY) |
             FAULT_BIT (FAKE_NBIA_FAULT_EMPTY_ZIP) |
             FAULT_BIT (FAKE_NBIA_FAULT_MD5_ONLY_ZIP) |
             FAULT_BIT (FAKE_NBIA_FAULT_ZIP_BOMB) | FAULT_BIT (FAKE_NBIA_FAULT_TRICKLE);
      if (resp->zip_flags & FAKE_ZIP_MD5)
        mask |= FAULT_BIT (FAKE_NBIA_FAULT_WRONG_MD5);
      switch (fake_take_fault (self, mask, uid))
        {
        case FAKE_NBIA_FAULT_DROP:
          mode = FAKE_ZIP_DROP;
          break;
        case FAKE_NBIA_FAULT_STALL:
          mode = FAKE_ZIP_STALL;
          break;
        case FAKE_NBIA_FAULT_ZIP_TRUNCATED:
          mode = FAKE_ZIP_TRUNCATED;
          break;
        case FAKE_NBIA_FAULT_ESCAPING_ENTRY:
          mode = FAKE_ZIP_ESCAPING_ENTRY;
          break;
        case FAKE_NBIA_FAULT_ABSOLUTE_ENTRY:
          mode = FAKE_ZIP_ABSOLUTE_ENTRY;
          break;
        case FAKE_NBIA_FAULT_WRONG_MD5:
          mode = FAKE_ZIP_WRONG_MD5;
          break;
        case FAKE_NBIA_FAULT_EMPTY_ZIP:
          mode = FAKE_ZIP_EMPTY;
          break;
        case FAKE_NBIA_FAULT_MD5_ONLY_ZIP:
          mode = FAKE_ZIP_MD5_ONLY;
          break;
        case FAKE_NBIA_FAULT_ZIP_BOMB:
          mode = FAKE_ZIP_BOMB;
          break;
        case FAKE_NBIA_FAULT_TRICKLE:
          mode = FAKE_ZIP_TRICKLE;
          break;
        case FAKE_NBIA_FAULT_NONE:
        case FAKE_NBIA_FAULT_HTTP_429:
        case FAKE_NBIA_FAULT_HTTP_503:
        case FAKE_NBIA_FAULT_HTTP_500:
        case FAKE_NBIA_FAULT_HTTP_400:
        case FAKE_NBIA_FAULT_MALFORMED_JSON:
        case FAKE_NBIA_FAULT_HTML_PAGE:
        case FAKE_NBIA_FAULT_RETRY_AFTER_LONG:
        case FAKE_NBIA_FAULT_NO_COUNTS:
        case FAKE_NBIA_N_FAULTS:
        default:
          break;
        }
      fake_zip_serve (self->archive, resp->zip_series, resp->zip_flags, mode,
                      self->options.bomb_bytes, self->options.trickle_ms,
                      self->options.rate_limit, msg);
      return;
    }

  if (resp->status == SOUP_STATUS_OK)
    {
      gboolean md5_text = strcmp (req->endpoint, "getMD5HashForImage") == 0 ||
                          strcmp (req->endpoint, "getM5HashForImage") == 0;

      mask = FAULT_BIT (FAKE_NBIA_FAULT_DROP) | FAULT_BIT (FAKE_NBIA_FAULT_STALL);
      if (resp->body != NULL && g_bytes_get_size (resp->body) > 0)
        mask |= FAULT_BIT (FAKE_NBIA_FAULT_TRICKLE);
      if (resp->is_json)
        mask |= FAULT_BIT (FAKE_NBIA_FAULT_MALFORMED_JSON);
      if (md5_text && resp->body != NULL)
        mask |= FAULT_BIT (FAKE_NBIA_FAULT_WRONG_MD5);
      switch (fake_take_fault (self, mask, uid))
        {
        case FAKE_NBIA_FAULT_DROP:
          send_partial (msg, resp, TRUE);
          return;
        case FAKE_NBIA_FAULT_STALL:
          send_partial (msg, resp, FALSE);
          return;
        case FAKE_NBIA_FAULT_TRICKLE:
          send_trickle (msg, resp, self->options.trickle_ms);
          return;
        case FAKE_NBIA_FAULT_MALFORMED_JSON:
          make_malformed (resp);
          break;
        case FAKE_NBIA_FAULT_WRONG_MD5:
          fake_set_text (resp, SOUP_STATUS_OK, "text/plain", "0123456789abcdef0123456789abcdef");
          break;
        case FAKE_NBIA_FAULT_NONE:
        case FAKE_NBIA_FAULT_HTTP_429:
        case FAKE_NBIA_FAULT_HTTP_503:
        case FAKE_NBIA_FAULT_HTTP_500:
        case FAKE_NBIA_FAULT_HTTP_400:
        case FAKE_NBIA_FAULT_ZIP_TRUNCATED:
        case FAKE_NBIA_FAULT_ESCAPING_ENTRY:
        case FAKE_NBIA_FAULT_ABSOLUTE_ENTRY:
        case FAKE_NBIA_FAULT_HTML_PAGE:
        case FAKE_NBIA_FAULT_EMPTY_ZIP:
        case FAKE_NBIA_FAULT_MD5_ONLY_ZIP:
        case FAKE_NBIA_FAULT_ZIP_BOMB:
        case FAKE_NBIA_FAULT_RETRY_AFTER_LONG:
        case FAKE_NBIA_FAULT_NO_COUNTS:
        case FAKE_NBIA_N_FAULTS:
        default:
          break;
        }
    }
  fake_send_response (msg, resp);
}

void
fake_nbia_set_fault (FakeNbia      *self,
                     FakeNbiaFault  fault,
                     guint          times,
                     const char    *series_uid)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (fault < FAKE_NBIA_N_FAULTS);

  fake_control_set_fault (self->control, fault, times, series_uid);
}

void
fake_nbia_clear_faults (FakeNbia *self)
{
  g_return_if_fail (self != NULL);

  fake_control_clear_faults (self->control);
}

FakeControl *
fake_nbia_control_new (guint latency_ms)
{
  return fake_control_new (fault_names, FAKE_NBIA_N_FAULTS, latency_ms);
}
