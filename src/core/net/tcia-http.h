/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "tcia-retry.h"

G_BEGIN_DECLS

/* The one HTTP layer of the program: how a session is set up, how one
 * exchange is sent and its failure classified, how an error body is read,
 * and how a request is retried under a deadline and a minimum pace. Every
 * function here blocks: call it in a worker thread with a thread-default
 * GMainContext of its own (libsoup reads a response in the thread that
 * sent it). */

#define TCIA_HTTP_ERROR (tcia_http_error_quark ())

typedef enum
{
  /* The server could not be reached, or the connection broke (transient). */
  TCIA_HTTP_ERROR_NETWORK,
  /* The server answered 429 or 5xx (transient). */
  TCIA_HTTP_ERROR_SERVER,
  /* The server answered 400; the message is its own text when it sent one. */
  TCIA_HTTP_ERROR_BAD_REQUEST,
  /* The server does not know the address (404): a wrong server, or a gone item. */
  TCIA_HTTP_ERROR_NOT_FOUND,
  /* Any other answer that is not a success (3xx, 4xx): trying again won't help. */
  TCIA_HTTP_ERROR_REFUSED,
  /* Past the overall deadline, or a body that stopped making progress. */
  TCIA_HTTP_ERROR_TIMED_OUT,
  /* The server could not be reached in a way trying again won't mend (TLS, ...). */
  TCIA_HTTP_ERROR_UNREACHABLE,
  /* The URL cannot be sent. */
  TCIA_HTTP_ERROR_INVALID_URL,
} TciaHttpError;

GQuark        tcia_http_error_quark               (void);

/* At most this many characters of a server's error text are kept. */
#define TCIA_HTTP_ERROR_TEXT_MAX 300

/* libsoup 3.2 has no name for it. */
#define TCIA_HTTP_STATUS_TOO_MANY_REQUESTS 429

/* A session with the program's user agent, an I/O and idle timeout of
 * @timeout_s (0: none), at most @max_conns_per_host connections to a host
 * (0: libsoup's default). With @no_proxy no proxy resolver is used, so no
 * proxy variable reroutes 127.0.0.1 (tests). */
SoupSession  *tcia_http_session_new               (guint          timeout_s,
                                                   guint          max_conns_per_host,
                                                   gboolean       no_proxy);

/* Whether a failure with @error may go away by trying again: the
 * TCIA_HTTP_ERROR_NETWORK and _SERVER codes, and the transport errors
 * (GIO, resolver, libsoup) they come from. */
gboolean      tcia_http_error_is_transient        (const GError  *error);

/* A transport error in a person's words ("Connection refused"). */
const char   *tcia_http_describe_transport_error  (const GError  *error);

/* The server's words from an error body: at most TCIA_HTTP_ERROR_TEXT_MAX
 * characters of valid UTF-8 on one line, without control characters
 * (tcia_text_sanitize()). */
char         *tcia_http_read_error_text           (GInputStream  *stream,
                                                   GCancellable  *cancellable);

/* Reads what is left of a short body, so that the connection can be
 * reused, and closes @stream. */
void          tcia_http_drain_and_close           (GInputStream  *stream,
                                                   GCancellable  *cancellable);

/* Whether the response of @message is a web page (a maintenance page, a
 * portal's login) rather than data. */
gboolean      tcia_http_is_web_page               (SoupMessage   *message);

/* What went wrong with one exchange, beyond its GError. */
typedef struct
{
  guint     status;        /* 0 for a transport failure */
  char     *retry_after;   /* the header, on 429 and 5xx */
  char     *text;          /* the server's words, sanitized; "" when none */
  gboolean  in_body;       /* the connection broke while reading the body */
  gboolean  congested;     /* the server pushed back: 429, 503, or no connection */
} TciaHttpFailure;

void          tcia_http_failure_clear             (TciaHttpFailure *failure);

/* Sends @message once and classifies the answer. A success (2xx) returns
 * the body stream, to be read and closed in this thread. Otherwise NULL,
 * @failure filled in and @error set: G_IO_ERROR_CANCELLED, or
 * TCIA_HTTP_ERROR with the code that says what a caller may do. @what
 * names what was asked for in a person's words, for messages ("the list
 * of series"; never an API word such as "getSeries"), @host the server.
 * Every message is a sentence that ends with a full stop. */
GInputStream *tcia_http_send                      (SoupSession      *session,
                                                   SoupMessage      *message,
                                                   const char       *what,
                                                   const char       *host,
                                                   GCancellable     *cancellable,
                                                   TciaHttpFailure  *failure,
                                                   GError          **error);

/* ---- Sending with retries, under a deadline ------------------------------- */

typedef struct _TciaHttpWatch TciaHttpWatch;

/* Tells the watch that @n more bytes of the body arrived. */
void          tcia_http_watch_body_bytes          (TciaHttpWatch *watch,
                                                   gsize          n);

typedef enum
{
  TCIA_HTTP_BODY_OK,
  /* A transient failure (the connection broke); @error holds the transport error. */
  TCIA_HTTP_BODY_RETRY,
  TCIA_HTTP_BODY_FATAL,
} TciaHttpBodyOutcome;

/* One attempt of whatever is retried: RETRY for a transient failure (with
 * @failure filled in as far as known), FATAL for a permanent one; @error
 * set either way. */
typedef TciaHttpBodyOutcome (*TciaHttpAttemptFunc) (guint             attempt,
                                                    TciaHttpFailure  *failure,
                                                    GCancellable     *cancellable,
                                                    gpointer          user_data,
                                                    GError          **error);
/* Attempt @attempt follows after @delay_ms, because of @failure and @last. */
typedef void                (*TciaHttpWaitingFunc) (guint                  attempt,
                                                    guint                  delay_ms,
                                                    const TciaHttpFailure *failure,
                                                    const GError          *last,
                                                    gpointer               user_data);

typedef enum
{
  TCIA_HTTP_RETRY_DONE,       /* an attempt succeeded */
  TCIA_HTTP_RETRY_FAILED,     /* a permanent failure, or cancelled */
  TCIA_HTTP_RETRY_EXHAUSTED,  /* every attempt failed; the error is the last one's */
  TCIA_HTTP_RETRY_NO_TIME,    /* the next wait would pass the deadline; the last error */
} TciaHttpRetryResult;

typedef struct
{
  guint            n_attempts;       /* made */
  guint            delay_ms;         /* the last wait decided */
  gint64           server_delay_ms;  /* what Retry-After asked for, -1 when nothing */
  TciaHttpFailure  failure;          /* of the last attempt */
} TciaHttpRetryState;

/* The retry rules every request follows (tcia-retry.h): attempts until
 * one succeeds, one fails for good or @policy's attempts run out; between
 * them the server's Retry-After within the cap, else exponential backoff
 * with full jitter; no wait that would end past @deadline_us (0: none).
 * The caller words the outcome; clear @state after. */
TciaHttpRetryResult tcia_http_retry               (const TciaRetryPolicy    *policy,
                                                   gint64                    deadline_us,
                                                   GRand                    *rand,
                                                   TciaHttpAttemptFunc       attempt_func,
                                                   TciaHttpWaitingFunc       waiting_func,
                                                   gpointer                  user_data,
                                                   GCancellable             *cancellable,
                                                   TciaHttpRetryState       *state,
                                                   GError                  **error);
void          tcia_http_retry_state_clear         (TciaHttpRetryState       *state);

typedef struct
{
  const char *name;      /* for logs: "getSeries" */
  const char *host;      /* "host:port", for messages */
  const char *url;
  GBytes     *form;      /* a form-encoded POST body, or NULL for a GET */
  /* The type of @form when it is not form-encoded ("application/json"). */
  const char *content_type;
  const char *what;      /* for messages, in a person's words: "the list of series";
                          * NULL: @name */
} TciaHttpRequest;

typedef struct
{
  TciaRetryPolicy policy;
  guint           deadline_s;          /* the request, its retries and waits */
  guint           progress_window_ms;  /* fewer than progress_min_bytes of body */
  gsize           progress_min_bytes;  /* in any window is a stall; 0: no rule */
} TciaHttpLimits;

typedef struct
{
  /* Reads a successful body (not a 204) and closes @stream; reports each
   * chunk with tcia_http_watch_body_bytes(). */
  TciaHttpBodyOutcome (*read_body)       (SoupMessage   *message,
                                          GInputStream  *stream,
                                          TciaHttpWatch *watch,
                                          gpointer       user_data,
                                          GCancellable  *cancellable,
                                          GError       **error);
  /* Optional: an attempt starts; an attempt failed and what it delivered goes. */
  void                (*begin_attempt)   (gpointer       user_data);
  void                (*discard_attempt) (gpointer       user_data);
  /* Optional: attempt @attempt follows after @delay_ms, for @reason. */
  void                (*retrying)        (guint          attempt,
                                          guint          max_attempts,
                                          guint          delay_ms,
                                          const char    *reason,
                                          gpointer       user_data);
  /* Optional: adds headers to the request of each attempt (Range, If-Match). */
  void                (*prepare)         (SoupMessage   *message,
                                          gpointer       user_data);
  /* Optional: the request of an attempt failed (not its body), as @failure
   * says; for a caller that words the server's error body itself. */
  void                (*failed)          (SoupMessage           *message,
                                          const TciaHttpFailure *failure,
                                          gpointer               user_data);
} TciaHttpBodyFuncs;

/* Sends @request until it succeeds, fails for good, runs out of attempts
 * or passes the deadline: exponential backoff with jitter between
 * attempts, or the server's Retry-After within the cap (a wait past the
 * deadline is not made). Errors: G_IO_ERROR_CANCELLED, whatever read_body
 * set, or TCIA_HTTP_ERROR. */
gboolean      tcia_http_run                       (SoupSession             *session,
                                                   const TciaHttpRequest   *request,
                                                   const TciaHttpLimits    *limits,
                                                   const TciaHttpBodyFuncs *funcs,
                                                   gpointer                 user_data,
                                                   GRand                   *rand,
                                                   GCancellable            *cancellable,
                                                   GError                 **error);

G_END_DECLS
