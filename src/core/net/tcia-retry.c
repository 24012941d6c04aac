/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "tcia-retry.h"

void
tcia_retry_policy_init (TciaRetryPolicy *policy)
{
  g_return_if_fail (policy != NULL);

  policy->max_attempts = TCIA_RETRY_DEFAULT_MAX_ATTEMPTS;
  policy->base_delay_ms = TCIA_RETRY_DEFAULT_BASE_DELAY_MS;
  policy->max_delay_ms = TCIA_RETRY_DEFAULT_MAX_DELAY_MS;
}

guint
tcia_retry_backoff_ceiling_ms (const TciaRetryPolicy *policy,
                               guint                  n_failed)
{
  guint64 delay;
  guint shift;

  g_return_val_if_fail (policy != NULL, 0);

  shift = n_failed > 0 ? n_failed - 1 : 0;
  if (shift >= 32)
    return policy->max_delay_ms;

  delay = (guint64) policy->base_delay_ms << shift;

  return (guint) MIN (delay, (guint64) policy->max_delay_ms);
}

guint
tcia_retry_backoff_ms (const TciaRetryPolicy *policy,
                       guint                  n_failed,
                       GRand                 *rand)
{
  guint ceiling;

  g_return_val_if_fail (policy != NULL, 0);
  g_return_val_if_fail (rand != NULL, 0);

  ceiling = tcia_retry_backoff_ceiling_ms (policy, n_failed);
  if (ceiling == 0)
    return 0;
  if (ceiling == G_MAXUINT)
    return (guint) g_rand_int (rand);

  /* [0, ceiling], both ends included. */
  return (guint) g_rand_int_range (rand, 0, (gint32) MIN ((guint64) ceiling + 1, G_MAXINT32));
}

gint64
tcia_retry_parse_retry_after (const char *value,
                              GDateTime  *now)
{
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) current = NULL;
  g_autofree char *text = NULL;
  gint64 delta_us;

  if (value == NULL)
    return -1;

  text = g_strstrip (g_strdup (value));
  if (text[0] == '\0')
    return -1;

  if (g_ascii_isdigit (text[0]))
    {
      guint64 seconds;
      const char *p;

      for (p = text; *p != '\0'; p++)
        if (!g_ascii_isdigit (*p))
          return -1;

      /* Longer than the cap, or more digits than fit: the cap. */
      if (strlen (text) > 9)
        return TCIA_RETRY_AFTER_MAX_MS;
      seconds = g_ascii_strtoull (text, NULL, 10);

      return MIN ((gint64) seconds * 1000, TCIA_RETRY_AFTER_MAX_MS);
    }

  date = soup_date_time_new_from_http_string (text);
  if (date == NULL)
    return -1;

  current = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  delta_us = g_date_time_difference (date, current);
  if (delta_us <= 0)
    return 0;

  return MIN (delta_us / 1000, TCIA_RETRY_AFTER_MAX_MS);
}

guint
tcia_retry_next_delay_ms (const TciaRetryPolicy *policy,
                          guint                  n_failed,
                          const char            *retry_after,
                          GRand                 *rand)
{
  gint64 server_ms = tcia_retry_parse_retry_after (retry_after, NULL);

  if (server_ms >= 0)
    return (guint) server_ms;

  return tcia_retry_backoff_ms (policy, n_failed, rand);
}

gboolean
tcia_retry_sleep (guint          delay_ms,
                  GCancellable  *cancellable,
                  GError       **error)
{
  GPollFD pollfd;
  gint64 deadline;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (delay_ms == 0)
    return TRUE;

  if (cancellable == NULL || !g_cancellable_make_pollfd (cancellable, &pollfd))
    {
      g_usleep ((gulong) delay_ms * 1000);
      return TRUE;
    }

  deadline = g_get_monotonic_time () + (gint64) delay_ms * 1000;
  for (;;)
    {
      gint64 remaining_ms = (deadline - g_get_monotonic_time () + 999) / 1000;

      if (remaining_ms <= 0 || g_cancellable_is_cancelled (cancellable))
        break;
      /* Wakes up early when the cancellable fires (or on EINTR: loop). */
      g_poll (&pollfd, 1, (gint) MIN (remaining_ms, G_MAXINT));
    }
  g_cancellable_release_fd (cancellable);

  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}
