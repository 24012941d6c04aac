/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* When and how long to wait before trying a failed request again:
 * exponential backoff with full jitter, or what the server's Retry-After says. */

typedef struct
{
  guint max_attempts;    /* tries in all, at least 1 */
  guint base_delay_ms;
  guint max_delay_ms;    /* cap of the backoff */
} TciaRetryPolicy;

#define TCIA_RETRY_DEFAULT_MAX_ATTEMPTS  5
#define TCIA_RETRY_DEFAULT_BASE_DELAY_MS 500
#define TCIA_RETRY_DEFAULT_MAX_DELAY_MS  (30 * 1000)
/* A Retry-After longer than this is waited for only this long. */
#define TCIA_RETRY_AFTER_MAX_MS          (300 * 1000)

void     tcia_retry_policy_init          (TciaRetryPolicy       *policy);

/* The ceiling of the wait after @n_failed failed attempts (1 for the first):
 * base * 2^(n_failed - 1), at most max_delay_ms. */
guint    tcia_retry_backoff_ceiling_ms   (const TciaRetryPolicy *policy,
                                          guint                  n_failed);
/* A uniformly random wait in [0, ceiling] ("full jitter"). */
guint    tcia_retry_backoff_ms           (const TciaRetryPolicy *policy,
                                          guint                  n_failed,
                                          GRand                 *rand);

/* A Retry-After header value, as delta-seconds or an HTTP-date (relative to
 * @now, the current time when NULL), in milliseconds, capped at
 * TCIA_RETRY_AFTER_MAX_MS; a date in the past is 0. -1 when @value is NULL
 * or not understood. */
gint64   tcia_retry_parse_retry_after    (const char            *value,
                                          GDateTime             *now);

/* The wait before the next attempt: the Retry-After when there is a valid
 * one, else the jittered backoff. */
guint    tcia_retry_next_delay_ms        (const TciaRetryPolicy *policy,
                                          guint                  n_failed,
                                          const char            *retry_after,
                                          GRand                 *rand);

/* Sleeps @delay_ms, waking at once when @cancellable is cancelled
 * (then FALSE with G_IO_ERROR_CANCELLED). */
gboolean tcia_retry_sleep                (guint                  delay_ms,
                                          GCancellable          *cancellable,
                                          GError               **error);

G_END_DECLS
