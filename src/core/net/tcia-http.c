/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-http"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tcia-http.h"
#include "tcia-text.h"

#define ERROR_BODY_MAX_BYTES 4096
#define DRAIN_MAX_BYTES      (64 * 1024)
/* libsoup 3's own default of "max-conns-per-host". */
#define LIBSOUP_MAX_CONNS_PER_HOST 2
#define LIBSOUP_MAX_CONNS          10

G_DEFINE_QUARK (tcia-http-error-quark, tcia_http_error)

/* ---- Session and classification -------------------------------------------- */

SoupSession *
tcia_http_session_new (guint    timeout_s,
                       guint    max_conns_per_host,
                       gboolean no_proxy)
{
  SoupSession *session;
  guint per_host = max_conns_per_host > 0 ? max_conns_per_host : LIBSOUP_MAX_CONNS_PER_HOST;

  /* TLS verification stays on (the default); no Authorization header is
   * ever set. The total is never below what one host may have. */
  session = soup_session_new_with_options ("user-agent", "tcia-basket/" PACKAGE_VERSION,
                                           "timeout", timeout_s,
                                           "idle-timeout", timeout_s,
                                           "max-conns-per-host", per_host,
                                           "max-conns", MAX (per_host * 2,
                                                             LIBSOUP_MAX_CONNS),
                                           NULL);
  if (no_proxy)
    soup_session_set_proxy_resolver (session, NULL);

  return session;
}

static gboolean
is_transient_transport_error (const GError *error)
{
  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_FAILED:
        case G_IO_ERROR_TIMED_OUT:
        case G_IO_ERROR_CONNECTION_REFUSED:
        case G_IO_ERROR_CONNECTION_CLOSED:   /* also G_IO_ERROR_BROKEN_PIPE */
        case G_IO_ERROR_PARTIAL_INPUT:
        case G_IO_ERROR_HOST_UNREACHABLE:
        case G_IO_ERROR_NETWORK_UNREACHABLE:
        case G_IO_ERROR_NOT_CONNECTED:
        case G_IO_ERROR_CLOSED:
        case G_IO_ERROR_BUSY:
        case G_IO_ERROR_WOULD_BLOCK:
        case G_IO_ERROR_PROXY_FAILED:
          return TRUE;
        default:
          return FALSE;
        }
    }

  if (error->domain == G_RESOLVER_ERROR)
    return error->code == G_RESOLVER_ERROR_TEMPORARY_FAILURE;

  /* A garbled or cut response. */
  if (error->domain == SOUP_SESSION_ERROR)
    return error->code == SOUP_SESSION_ERROR_PARSING || error->code == SOUP_SESSION_ERROR_ENCODING;

  return FALSE;
}

gboolean
tcia_http_error_is_transient (const GError *error)
{
  if (error == NULL)
    return FALSE;
  if (error->domain == TCIA_HTTP_ERROR)
    return error->code == TCIA_HTTP_ERROR_NETWORK || error->code == TCIA_HTTP_ERROR_SERVER;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;

  return is_transient_transport_error (error);
}

const char *
tcia_http_describe_transport_error (const GError *error)
{
  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_CONNECTION_REFUSED:
          return _("Connection refused");
        case G_IO_ERROR_TIMED_OUT:
          return _("The server stopped answering");
        case G_IO_ERROR_CONNECTION_CLOSED:
          return _("The connection was closed");
        case G_IO_ERROR_PARTIAL_INPUT:
          return _("The answer ended too early");
        case G_IO_ERROR_HOST_UNREACHABLE:
          return _("The host is unreachable");
        case G_IO_ERROR_NETWORK_UNREACHABLE:
          return _("The network is unreachable");
        default:
          break;
        }
    }

  return error->message;
}

char *
tcia_http_read_error_text (GInputStream *stream,
                           GCancellable *cancellable)
{
  g_autofree char *buffer = g_malloc (ERROR_BODY_MAX_BYTES + 1);
  gsize n_read = 0;

  g_input_stream_read_all (stream, buffer, ERROR_BODY_MAX_BYTES, &n_read, cancellable, NULL);
  buffer[n_read] = '\0';
  /* One line, no terminal escapes: the server's words may be an HTML page,
   * a stack trace or worse. */
  return tcia_text_sanitize (buffer, TCIA_HTTP_ERROR_TEXT_MAX);
}

void
tcia_http_drain_and_close (GInputStream *stream,
                           GCancellable *cancellable)
{
  char buffer[4096];
  gsize total = 0;
  gssize n;

  while (total < DRAIN_MAX_BYTES &&
         (n = g_input_stream_read (stream, buffer, sizeof buffer, cancellable, NULL)) > 0)
    total += (gsize) n;
  g_input_stream_close (stream, cancellable, NULL);
}

gboolean
tcia_http_is_web_page (SoupMessage *message)
{
  const char *type =
    soup_message_headers_get_content_type (soup_message_get_response_headers (message), NULL);

  return type != NULL && (g_ascii_strcasecmp (type, "text/html") == 0 ||
                          g_ascii_strcasecmp (type, "application/xhtml+xml") == 0);
}

void
tcia_http_failure_clear (TciaHttpFailure *failure)
{
  g_clear_pointer (&failure->retry_after, g_free);
  g_clear_pointer (&failure->text, g_free);
  failure->status = 0;
  failure->in_body = FALSE;
  failure->congested = FALSE;
}

GInputStream *
tcia_http_send (SoupSession      *session,
                SoupMessage      *message,
                const char       *what,
                const char       *host,
                GCancellable     *cancellable,
                TciaHttpFailure  *failure,
                GError          **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  SoupMessageHeaders *headers;
  guint status;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (SOUP_IS_MESSAGE (message), NULL);
  g_return_val_if_fail (failure != NULL, NULL);

  stream = soup_session_send (session, message, cancellable, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      failure->congested = TRUE;
      g_set_error (error, TCIA_HTTP_ERROR,
                   is_transient_transport_error (local_error) ? TCIA_HTTP_ERROR_NETWORK
                                                              : TCIA_HTTP_ERROR_UNREACHABLE,
                   _("Could not reach %s: %s."), host,
                   tcia_http_describe_transport_error (local_error));
      return NULL;
    }

  status = soup_message_get_status (message);
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    return g_steal_pointer (&stream);

  headers = soup_message_get_response_headers (message);
  failure->status = status;
  /* A web page says nothing a person could act on. */
  if (!tcia_http_is_web_page (message))
    failure->text = tcia_http_read_error_text (stream, cancellable);
  else
    failure->text = g_strdup ("");
  tcia_http_drain_and_close (stream, cancellable);

  if (status == TCIA_HTTP_STATUS_TOO_MANY_REQUESTS || SOUP_STATUS_IS_SERVER_ERROR (status))
    {
      failure->retry_after = g_strdup (soup_message_headers_get_one (headers, "Retry-After"));
      failure->congested = status == TCIA_HTTP_STATUS_TOO_MANY_REQUESTS ||
                           status == SOUP_STATUS_SERVICE_UNAVAILABLE;
      g_set_error (error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_SERVER,
                   _("The server answered %u %s when asked for %s."),
                   status, soup_status_get_phrase (status), what);
    }
  else if (status == SOUP_STATUS_BAD_REQUEST && failure->text[0] != '\0')
    g_set_error_literal (error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_BAD_REQUEST, failure->text);
  else if (status == SOUP_STATUS_BAD_REQUEST)
    g_set_error (error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_BAD_REQUEST,
                 _("The server refused the request for %s (400 Bad Request)."), what);
  else
    g_set_error (error, TCIA_HTTP_ERROR,
                 status == SOUP_STATUS_NOT_FOUND ? TCIA_HTTP_ERROR_NOT_FOUND
                                                 : TCIA_HTTP_ERROR_REFUSED,
                 _("The server answered %u %s when asked for %s."),
                 status, soup_status_get_phrase (status), what);

  return NULL;
}

/* ---- The watch: deadline and minimum pace ------------------------------------ */

typedef enum
{
  STOP_NONE,
  STOP_DEADLINE,
  STOP_SLOW_BODY,
} StopReason;

/* Watches one request from a thread of its own, since the caller sits in
 * blocking reads: past the deadline, or when the body of an attempt
 * delivers less than the minimum in a window, it cancels the attempt. */
struct _TciaHttpWatch
{
  GMutex        mutex;
  GCond         cond;
  GThread      *thread;
  gboolean      quit;
  gint64        deadline_us;
  gint64        window_us;
  guint64       min_bytes;

  GCancellable *attempt;          /* of the attempt running, or NULL */
  gboolean      in_body;
  gint64        window_start_us;
  guint64       bytes;            /* of the body so far */
  guint64       window_mark;      /* `bytes` at the start of the window */
  StopReason    reason;
};

static gpointer
watch_thread (gpointer data)
{
  TciaHttpWatch *w = data;

  g_mutex_lock (&w->mutex);
  while (!w->quit)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 wake = w->deadline_us;
      StopReason reason = STOP_NONE;

      if (w->attempt != NULL && w->reason == STOP_NONE)
        {
          if (now >= w->deadline_us)
            reason = STOP_DEADLINE;
          else if (w->in_body && w->min_bytes > 0 && now - w->window_start_us >= w->window_us)
            {
              if (w->bytes - w->window_mark < w->min_bytes)
                reason = STOP_SLOW_BODY;
              w->window_start_us = now;
              w->window_mark = w->bytes;
            }
        }

      if (reason != STOP_NONE)
        {
          g_autoptr(GCancellable) attempt = g_object_ref (w->attempt);

          w->reason = reason;
          /* Its handlers run here: not under our lock. */
          g_mutex_unlock (&w->mutex);
          g_cancellable_cancel (attempt);
          g_mutex_lock (&w->mutex);
          continue;
        }

      if (w->attempt == NULL || w->reason != STOP_NONE)
        g_cond_wait (&w->cond, &w->mutex);
      else
        {
          if (w->in_body && w->min_bytes > 0)
            wake = MIN (wake, w->window_start_us + w->window_us);
          g_cond_wait_until (&w->cond, &w->mutex, wake);
        }
    }
  g_mutex_unlock (&w->mutex);

  return NULL;
}

static void
watch_start (TciaHttpWatch        *w,
             const TciaHttpLimits *limits)
{
  g_mutex_init (&w->mutex);
  g_cond_init (&w->cond);
  w->deadline_us = g_get_monotonic_time () + (gint64) limits->deadline_s * G_TIME_SPAN_SECOND;
  w->window_us = (gint64) limits->progress_window_ms * G_TIME_SPAN_MILLISECOND;
  w->min_bytes = limits->progress_min_bytes;
  w->thread = g_thread_new ("tcia-http-watch", watch_thread, w);
}

static void
watch_stop (TciaHttpWatch *w)
{
  g_mutex_lock (&w->mutex);
  w->quit = TRUE;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->mutex);
  g_thread_join (w->thread);
  g_clear_object (&w->attempt);
  g_mutex_clear (&w->mutex);
  g_cond_clear (&w->cond);
}

static void
watch_begin_attempt (TciaHttpWatch *w,
                     GCancellable  *attempt)
{
  g_mutex_lock (&w->mutex);
  g_set_object (&w->attempt, attempt);
  w->in_body = FALSE;
  w->bytes = 0;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->mutex);
}

static void
watch_end_attempt (TciaHttpWatch *w)
{
  g_mutex_lock (&w->mutex);
  g_clear_object (&w->attempt);
  w->in_body = FALSE;
  g_mutex_unlock (&w->mutex);
}

void
tcia_http_watch_body_bytes (TciaHttpWatch *w,
                            gsize          n)
{
  g_return_if_fail (w != NULL);

  g_mutex_lock (&w->mutex);
  if (!w->in_body)
    {
      w->in_body = TRUE;
      w->window_start_us = g_get_monotonic_time ();
      w->window_mark = 0;
      g_cond_signal (&w->cond);
    }
  w->bytes += n;
  g_mutex_unlock (&w->mutex);
}

static StopReason
watch_get_reason (TciaHttpWatch *w)
{
  StopReason reason;

  g_mutex_lock (&w->mutex);
  reason = w->reason;
  g_mutex_unlock (&w->mutex);

  return reason;
}

static void
cancel_attempt_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* ---- Retries ------------------------------------------------------------------ */

/* The request in a person's words, for messages: its name is an API word. */
static const char *
request_what (const TciaHttpRequest *request)
{
  return request->what != NULL ? request->what : request->name;
}

/* What the caller is told while waiting to try again. */
static char *
describe_failure (const TciaHttpFailure *failure,
                  const GError          *error)
{
  if (failure->status == SOUP_STATUS_SERVICE_UNAVAILABLE ||
      failure->status == TCIA_HTTP_STATUS_TOO_MANY_REQUESTS)
    return g_strdup_printf (_("Server busy (HTTP %u)"), failure->status);
  if (failure->status != 0)
    return g_strdup_printf (_("Server error (HTTP %u)"), failure->status);

  return g_strdup (tcia_http_describe_transport_error (error));
}

/* "60 s", or "0.2 s" for the short windows of tests. */
static char *
format_duration_ms (guint ms)
{
  if (ms % 1000 == 0)
    return g_strdup_printf (_("%u s"), ms / 1000);

  return g_strdup_printf (_("%.1f s"), ms / 1000.0);
}

static void
set_stopped_error (const TciaHttpRequest *request,
                   const TciaHttpLimits  *limits,
                   StopReason             reason,
                   GError               **error)
{
  g_autofree char *deadline = format_duration_ms (limits->deadline_s * 1000);

  if (reason == STOP_SLOW_BODY)
    {
      g_autofree char *size = g_format_size_full (limits->progress_min_bytes,
                                                  G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *window = format_duration_ms (limits->progress_window_ms);

      g_set_error (error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_TIMED_OUT,
                   _("The server did not answer in time: %s slowed to less than %s in %s."),
                   request_what (request), size, window);
    }
  else
    g_set_error (error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_TIMED_OUT,
                 _("The server did not answer in time: %s did not arrive in full within %s."),
                 request_what (request), deadline);
}

/* One attempt: OK, RETRY with @failure and @error filled in, or FATAL. */
static TciaHttpBodyOutcome
attempt_request (SoupSession             *session,
                 const TciaHttpRequest   *request,
                 const TciaHttpBodyFuncs *funcs,
                 gpointer                 user_data,
                 TciaHttpWatch           *watch,
                 GCancellable            *cancellable,
                 TciaHttpFailure         *failure,
                 GError                 **error)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  TciaHttpBodyOutcome outcome;

  message = soup_message_new (request->form != NULL ? SOUP_METHOD_POST : SOUP_METHOD_GET,
                              request->url);
  if (message == NULL)
    {
      g_set_error (error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_INVALID_URL,
                   _("Could not ask for %s: “%s” is not a valid address."),
                   request_what (request), request->url);
      return TCIA_HTTP_BODY_FATAL;
    }

  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "*/*");
  if (request->form != NULL)
    soup_message_set_request_body_from_bytes (message,
                                              request->content_type != NULL
                                              ? request->content_type
                                              : "application/x-www-form-urlencoded",
                                              request->form);
  if (funcs->prepare != NULL)
    funcs->prepare (message, user_data);

  stream = tcia_http_send (session, message, request_what (request), request->host, cancellable,
                           failure, &local_error);
  if (stream == NULL)
    {
      gboolean transient = tcia_http_error_is_transient (local_error);

      if (funcs->failed != NULL)
        funcs->failed (message, failure, user_data);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return transient ? TCIA_HTTP_BODY_RETRY : TCIA_HTTP_BODY_FATAL;
    }

  if (soup_message_get_status (message) == SOUP_STATUS_NO_CONTENT)
    {
      tcia_http_drain_and_close (stream, cancellable);
      return TCIA_HTTP_BODY_OK;
    }

  outcome = funcs->read_body (message, stream, watch, user_data, cancellable, &local_error);
  if (outcome == TCIA_HTTP_BODY_RETRY)
    {
      g_assert (local_error != NULL);
      failure->in_body = TRUE;
    }
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return outcome;
}

/* The error of the last of the attempts. */
static void
set_given_up_error (const TciaHttpRequest *request,
                    const TciaHttpFailure *failure,
                    guint                  attempt,
                    const GError          *last,
                    GError               **error)
{
  if (failure->status != 0)
    g_set_error (error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_SERVER,
                 g_dngettext (GETTEXT_PACKAGE,
                              "The server answered %u %s when asked for %s (%u attempt).",
                              "The server answered %u %s when asked for %s (%u attempts).",
                              attempt),
                 failure->status, soup_status_get_phrase (failure->status),
                 request_what (request), attempt);
  else if (failure->in_body)
    g_set_error (error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_NETWORK,
                 _("The connection to %s broke while receiving %s: %s."),
                 request->host, request_what (request), tcia_http_describe_transport_error (last));
  else
    g_set_error_literal (error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_NETWORK, last->message);
}

TciaHttpRetryResult
tcia_http_retry (const TciaRetryPolicy  *policy,
                 gint64                  deadline_us,
                 GRand                  *rand,
                 TciaHttpAttemptFunc     attempt_func,
                 TciaHttpWaitingFunc     waiting_func,
                 gpointer                user_data,
                 GCancellable           *cancellable,
                 TciaHttpRetryState     *state,
                 GError                **error)
{
  g_return_val_if_fail (policy != NULL && attempt_func != NULL && state != NULL,
                        TCIA_HTTP_RETRY_FAILED);

  memset (state, 0, sizeof *state);
  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      TciaHttpBodyOutcome outcome;

      tcia_http_failure_clear (&state->failure);
      state->n_attempts = attempt;
      outcome = attempt_func (attempt, &state->failure, cancellable, user_data, &local_error);
      if (outcome == TCIA_HTTP_BODY_OK)
        return TCIA_HTTP_RETRY_DONE;

      if (local_error == NULL)
        local_error = g_error_new_literal (TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_REFUSED,
                                           "The attempt failed without saying why");
      if (outcome == TCIA_HTTP_BODY_FATAL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return TCIA_HTTP_RETRY_FAILED;
        }
      if (attempt >= policy->max_attempts)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return TCIA_HTTP_RETRY_EXHAUSTED;
        }

      state->server_delay_ms = tcia_retry_parse_retry_after (state->failure.retry_after, NULL);
      state->delay_ms = tcia_retry_next_delay_ms (policy, attempt, state->failure.retry_after,
                                                  rand);
      /* Waiting past the deadline only to fail then helps nobody. */
      if (deadline_us > 0 &&
          (gint64) state->delay_ms * 1000 >= deadline_us - g_get_monotonic_time ())
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return TCIA_HTTP_RETRY_NO_TIME;
        }

      if (waiting_func != NULL)
        waiting_func (attempt + 1, state->delay_ms, &state->failure, local_error, user_data);
      if (!tcia_retry_sleep (state->delay_ms, cancellable, error))
        return TCIA_HTTP_RETRY_FAILED;
    }
}

void
tcia_http_retry_state_clear (TciaHttpRetryState *state)
{
  tcia_http_failure_clear (&state->failure);
}

/* tcia_http_run()'s attempt: the request under the watch. */
typedef struct
{
  SoupSession             *session;
  const TciaHttpRequest   *request;
  const TciaHttpLimits    *limits;
  const TciaHttpBodyFuncs *funcs;
  gpointer                 user_data;
  TciaHttpWatch           *watch;
  GCancellable            *cancellable;
} Run;

static TciaHttpBodyOutcome
run_attempt_cb (guint             attempt,
                TciaHttpFailure  *failure,
                GCancellable     *cancellable,
                gpointer          user_data,
                GError          **error)
{
  Run *run = user_data;
  g_autoptr(GCancellable) attempt_cancellable = g_cancellable_new ();
  gulong handler = 0;
  TciaHttpBodyOutcome outcome;

  /* The caller's cancellable ends the attempt as before; the watch
   * cancels only the attempt's own. */
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_attempt_cb),
                                     attempt_cancellable, NULL);
  watch_begin_attempt (run->watch, attempt_cancellable);
  if (run->funcs->begin_attempt != NULL)
    run->funcs->begin_attempt (run->user_data);
  outcome = attempt_request (run->session, run->request, run->funcs, run->user_data, run->watch,
                             attempt_cancellable, failure, error);
  watch_end_attempt (run->watch);
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  if (outcome != TCIA_HTTP_BODY_OK && !g_cancellable_is_cancelled (cancellable) &&
      watch_get_reason (run->watch) != STOP_NONE)
    {
      g_clear_error (error);
      set_stopped_error (run->request, run->limits, watch_get_reason (run->watch), error);
      outcome = TCIA_HTTP_BODY_FATAL;
    }
  if (outcome != TCIA_HTTP_BODY_OK && run->funcs->discard_attempt != NULL)
    run->funcs->discard_attempt (run->user_data);

  return outcome;
}

static void
run_waiting_cb (guint                  attempt,
                guint                  delay_ms,
                const TciaHttpFailure *failure,
                const GError          *last,
                gpointer               user_data)
{
  Run *run = user_data;
  g_autofree char *reason = NULL;

  reason = describe_failure (failure, last);
  g_debug ("%s failed (attempt %u of %u: %s); trying again in %u ms",
           run->request->name, attempt - 1, run->limits->policy.max_attempts, reason, delay_ms);
  if (run->funcs->retrying != NULL)
    run->funcs->retrying (attempt, run->limits->policy.max_attempts, delay_ms, reason,
                        run->user_data);
}

/* What a request that ran out of time while waiting to try again says. */
static void
set_no_time_error (const TciaHttpRequest    *request,
                   const TciaHttpLimits     *limits,
                   const TciaHttpRetryState *state,
                   GError                  **error)
{
  g_autofree char *reason = describe_failure (&state->failure, *error);
  g_autofree char *deadline = format_duration_ms (limits->deadline_s * 1000);
  g_autofree char *wait = format_duration_ms ((state->delay_ms + 999) / 1000 * 1000);

  g_clear_error (error);
  if (state->server_delay_ms >= 0)
    g_set_error (error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_TIMED_OUT,
                 _("The server did not answer in time: it asked to wait %s before "
                   "%s is asked for again, and the look-up gives up after %s (%s)."),
                 wait, request_what (request), deadline, reason);
  else
    g_set_error (error, TCIA_HTTP_ERROR, TCIA_HTTP_ERROR_TIMED_OUT,
                 _("The server did not answer in time: asking for %s still failed after %s (%s)."),
                 request_what (request), deadline, reason);
}

gboolean
tcia_http_run (SoupSession             *session,
               const TciaHttpRequest   *request,
               const TciaHttpLimits    *limits,
               const TciaHttpBodyFuncs *funcs,
               gpointer                 user_data,
               GRand                   *rand,
               GCancellable            *cancellable,
               GError                 **error)
{
  TciaHttpWatch watch = { 0, };
  Run run = { session, request, limits, funcs, user_data, &watch, cancellable };
  TciaHttpRetryState state;
  TciaHttpRetryResult result;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SOUP_IS_SESSION (session), FALSE);
  g_return_val_if_fail (request != NULL && limits != NULL && funcs != NULL, FALSE);
  g_return_val_if_fail (funcs->read_body != NULL, FALSE);

  watch_start (&watch, limits);
  result = tcia_http_retry (&limits->policy, watch.deadline_us, rand, run_attempt_cb,
                            run_waiting_cb, &run, cancellable, &state, &local_error);
  watch_stop (&watch);

  switch (result)
    {
    case TCIA_HTTP_RETRY_DONE:
      tcia_http_retry_state_clear (&state);
      return TRUE;
    case TCIA_HTTP_RETRY_EXHAUSTED:
      set_given_up_error (request, &state.failure, state.n_attempts, local_error, error);
      break;
    case TCIA_HTTP_RETRY_NO_TIME:
      set_no_time_error (request, limits, &state, &local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      break;
    case TCIA_HTTP_RETRY_FAILED:
    default:
      g_propagate_error (error, g_steal_pointer (&local_error));
      break;
    }
  tcia_http_retry_state_clear (&state);
  return FALSE;
}
