/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "tcia-http.h"

/* The HTTP layer against servers on 127.0.0.1: a SoupServer for answers
 * with a status, and a bare socket service for a server that goes silent
 * before or in the middle of its answer. */

typedef struct
{
  SoupServer       *server;
  GSocketService   *silent;
  GPtrArray        *held;          /* connections the silent server keeps open */
  char             *base;          /* http://127.0.0.1:PORT/ of the SoupServer */
  char             *silent_base;
  guint             n_requests;
  guint             n_busy;        /* how many 503s /busy sends before its 200 */
  guint             n_retrying;
  guint             last_delay_ms;
} Fixture;

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  f->n_requests++;
  if (strcmp (path, "/busy") == 0 && f->n_requests <= f->n_busy)
    {
      soup_message_headers_replace (headers, "Retry-After", "1");
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "busy", 4);
    }
  else if (strcmp (path, "/busy") == 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
    }
  else if (strcmp (path, "/long-wait") == 0)
    {
      soup_message_headers_replace (headers, "Retry-After", "120");
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
    }
  else if (strcmp (path, "/bad") == 0)
    {
      static const char text[] = "Invalid\x1b[31m parameter:\r\n  'x'\x07";

      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, text,
                                        sizeof text - 1);
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

/* Reads the request, then answers nothing (/silent) or the start of a
 * large body (/stall), keeping the connection open. */
static gboolean
silent_incoming_cb (GSocketService    *service,
                    GSocketConnection *connection,
                    GObject           *source,
                    gpointer           user_data)
{
  Fixture *f = user_data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  char request[1024] = { 0 };

  f->n_requests++;
  g_input_stream_read (in, request, sizeof request - 1, NULL, NULL);
  if (g_str_has_prefix (request, "GET /stall"))
    {
      static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                                 "Content-Length: 1000000\r\n\r\n0123456789";

      g_output_stream_write_all (out, head, sizeof head - 1, NULL, NULL, NULL);
      g_output_stream_flush (out, NULL, NULL);
    }
  g_ptr_array_add (f->held, g_object_ref (connection));
  return TRUE;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  guint16 port;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handler_cb, f, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->base = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  f->held = g_ptr_array_new_with_free_func (g_object_unref);
  f->silent = g_socket_service_new ();
  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (f->silent), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (f->silent, "incoming", G_CALLBACK (silent_incoming_cb), f);
  g_socket_service_start (f->silent);
  f->silent_base = g_strdup_printf ("http://127.0.0.1:%u/", port);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_socket_service_stop (f->silent);
  g_socket_listener_close (G_SOCKET_LISTENER (f->silent));
  g_clear_object (&f->silent);
  g_clear_pointer (&f->held, g_ptr_array_unref);
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_free (f->base);
  g_free (f->silent_base);
}

/* ---- Running a request in a worker thread while the servers run here ---- */

typedef struct
{
  Fixture        *f;
  char           *url;
  TciaHttpLimits  limits;
  GString        *body;
  GError         *error;
  gboolean        ok;
  gboolean        done;
} Run;

static TciaHttpBodyOutcome
read_body_cb (SoupMessage   *message,
              GInputStream  *stream,
              TciaHttpWatch *watch,
              gpointer       user_data,
              GCancellable  *cancellable,
              GError       **error)
{
  Run *run = user_data;
  char buffer[4096];
  gssize n;

  while ((n = g_input_stream_read (stream, buffer, sizeof buffer, cancellable, error)) > 0)
    {
      tcia_http_watch_body_bytes (watch, (gsize) n);
      g_string_append_len (run->body, buffer, n);
    }
  g_input_stream_close (stream, NULL, NULL);
  if (n < 0)
    return tcia_http_error_is_transient (*error) ? TCIA_HTTP_BODY_RETRY : TCIA_HTTP_BODY_FATAL;
  return TCIA_HTTP_BODY_OK;
}

static void
retrying_cb (guint       attempt,
             guint       max_attempts,
             guint       delay_ms,
             const char *reason,
             gpointer    user_data)
{
  Run *run = user_data;

  g_atomic_int_inc (&run->f->n_retrying);
  run->f->last_delay_ms = delay_ms;
}

static const TciaHttpBodyFuncs funcs = { read_body_cb, NULL, NULL, retrying_cb };

static gpointer
run_thread (gpointer data)
{
  Run *run = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  TciaHttpRequest request = { "getThing", "127.0.0.1", run->url, NULL };

  g_main_context_push_thread_default (context);
  session = tcia_http_session_new (5, 0, TRUE);
  run->ok = tcia_http_run (session, &request, &run->limits, &funcs, run, rand, NULL,
                           &run->error);
  g_clear_object (&session);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_atomic_int_set (&run->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
run_request (Run        *run,
             Fixture    *f,
             const char *base,
             const char *path)
{
  GThread *thread;

  run->f = f;
  run->url = g_strconcat (base, path, NULL);
  run->body = g_string_new (NULL);
  if (run->limits.policy.max_attempts == 0)
    {
      tcia_retry_policy_init (&run->limits.policy);
      run->limits.policy.base_delay_ms = 1;
      run->limits.policy.max_delay_ms = 5;
    }
  if (run->limits.deadline_s == 0)
    run->limits.deadline_s = 30;
  if (run->limits.progress_window_ms == 0)
    run->limits.progress_window_ms = 60 * 1000;

  thread = g_thread_new ("test-http", run_thread, run);
  while (!g_atomic_int_get (&run->done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
}

static void
run_clear (Run *run)
{
  g_free (run->url);
  g_string_free (run->body, TRUE);
  g_clear_error (&run->error);
}

/* ---- Tests ------------------------------------------------------------------ */

static void
test_retry_after (Fixture       *f,
                  gconstpointer  data)
{
  Run run = { 0, };

  /* The backoff would be a few milliseconds: the wait is the server's. */
  f->n_busy = 1;
  run_request (&run, f, f->base, "busy");
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpstr (run.body->str, ==, "ok");
  g_assert_cmpuint (f->n_requests, ==, 2);
  g_assert_cmpuint (f->n_retrying, ==, 1);
  g_assert_cmpuint (f->last_delay_ms, ==, 1000);
  run_clear (&run);
}

static void
test_gives_up (Fixture       *f,
               gconstpointer  data)
{
  Run run = { 0, };

  f->n_busy = G_MAXUINT;
  tcia_retry_policy_init (&run.limits.policy);
  run.limits.policy.max_attempts = 2;
  run_request (&run, f, f->base, "busy");
  g_assert_false (run.ok);
  g_assert_error (run.error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_SERVER);
  g_assert_true (tcia_http_error_is_transient (run.error));
  g_assert_nonnull (strstr (run.error->message, "(2 attempts)."));
  g_assert_cmpuint (f->n_requests, ==, 2);
  run_clear (&run);
}

static void
test_bad_request (Fixture       *f,
                  gconstpointer  data)
{
  Run run = { 0, };

  run_request (&run, f, f->base, "bad");
  g_assert_false (run.ok);
  g_assert_error (run.error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_BAD_REQUEST);
  g_assert_false (tcia_http_error_is_transient (run.error));
  /* The server's words, without a terminal escape or a line break. */
  g_assert_cmpstr (run.error->message, ==, "Invalid [31m parameter: 'x'");
  g_assert_cmpuint (f->n_requests, ==, 1);
  g_assert_cmpuint (f->n_retrying, ==, 0);
  run_clear (&run);
}

static void
test_not_found (Fixture       *f,
                gconstpointer  data)
{
  Run run = { 0, };

  run_request (&run, f, f->base, "nothing-here");
  g_assert_error (run.error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_NOT_FOUND);
  g_assert_false (tcia_http_error_is_transient (run.error));
  g_assert_cmpuint (f->n_requests, ==, 1);
  run_clear (&run);
}

static void
test_retry_after_past_deadline (Fixture       *f,
                                gconstpointer  data)
{
  Run run = { 0, };
  gint64 start = g_get_monotonic_time ();

  run.limits.deadline_s = 5;
  run_request (&run, f, f->base, "long-wait");
  g_assert_error (run.error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (run.error->message, "asked to wait 120 s"));
  /* Given up at once rather than after a wait that could not help. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpuint (f->n_requests, ==, 1);
  run_clear (&run);
}

static void
test_deadline (Fixture       *f,
               gconstpointer  data)
{
  Run run = { 0, };

  run.limits.deadline_s = 1;
  run_request (&run, f, f->silent_base, "silent");
  g_assert_error (run.error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_TIMED_OUT);
  g_assert_cmpstr (run.error->message, ==,
                   "The server did not answer in time: getThing did not arrive in full "
                   "within 1 s.");
  run_clear (&run);
}

static void
test_stalled_body (Fixture       *f,
                   gconstpointer  data)
{
  Run run = { 0, };

  run.limits.progress_window_ms = 300;
  run.limits.progress_min_bytes = 1024;
  run_request (&run, f, f->silent_base, "stall");
  g_assert_error (run.error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (run.error->message, "slowed to less than 1.0"));
  g_assert_true (g_str_has_suffix (run.error->message, "KiB in 0.3 s."));
  g_assert_cmpstr (run.body->str, ==, "0123456789");
  run_clear (&run);
}

static void
test_classify (void)
{
  g_autoptr(GError) refused = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                                                   "x");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  g_autoptr(GError) tls = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, "x");

  g_assert_true (tcia_http_error_is_transient (refused));
  g_assert_false (tcia_http_error_is_transient (cancelled));
  g_assert_false (tcia_http_error_is_transient (tls));
  g_assert_false (tcia_http_error_is_transient (NULL));
  g_assert_cmpstr (tcia_http_describe_transport_error (refused), ==, "Connection refused");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/http/classify", test_classify);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/http/retry-after", test_retry_after);
  ADD ("/core/http/gives-up", test_gives_up);
  ADD ("/core/http/bad-request", test_bad_request);
  ADD ("/core/http/not-found", test_not_found);
  ADD ("/core/http/retry-after-past-deadline", test_retry_after_past_deadline);
  ADD ("/core/http/deadline", test_deadline);
  ADD ("/core/http/stalled-body", test_stalled_body);
#undef ADD

  return g_test_run ();
}
