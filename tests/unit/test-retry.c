/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <libsoup/soup.h>

#include "tcia-retry.h"

static void
test_defaults (void)
{
  TciaRetryPolicy policy;

  tcia_retry_policy_init (&policy);
  g_assert_cmpuint (policy.max_attempts, ==, 5);
  g_assert_cmpuint (policy.base_delay_ms, ==, 500);
  g_assert_cmpuint (policy.max_delay_ms, ==, 30000);
}

static void
test_backoff_growth (void)
{
  TciaRetryPolicy policy = { 10, 100, 100000 };

  /* Doubling from the base. */
  g_assert_cmpuint (tcia_retry_backoff_ceiling_ms (&policy, 1), ==, 100);
  g_assert_cmpuint (tcia_retry_backoff_ceiling_ms (&policy, 2), ==, 200);
  g_assert_cmpuint (tcia_retry_backoff_ceiling_ms (&policy, 3), ==, 400);
  g_assert_cmpuint (tcia_retry_backoff_ceiling_ms (&policy, 4), ==, 800);
  g_assert_cmpuint (tcia_retry_backoff_ceiling_ms (&policy, 10), ==, 51200);
}

static void
test_backoff_cap (void)
{
  TciaRetryPolicy policy = { 50, 500, 30000 };
  guint n;

  g_assert_cmpuint (tcia_retry_backoff_ceiling_ms (&policy, 6), ==, 16000);
  g_assert_cmpuint (tcia_retry_backoff_ceiling_ms (&policy, 7), ==, 30000);
  /* Far past the cap, no overflow. */
  for (n = 7; n < 200; n++)
    g_assert_cmpuint (tcia_retry_backoff_ceiling_ms (&policy, n), ==, 30000);

  policy.base_delay_ms = G_MAXUINT;
  policy.max_delay_ms = G_MAXUINT;
  g_assert_cmpuint (tcia_retry_backoff_ceiling_ms (&policy, 40), ==, G_MAXUINT);

  /* A zero base means no wait at all. */
  policy.base_delay_ms = 0;
  policy.max_delay_ms = 1000;
  g_assert_cmpuint (tcia_retry_backoff_ceiling_ms (&policy, 3), ==, 0);
}

static void
test_jitter_bounds (void)
{
  TciaRetryPolicy policy = { 10, 100, 1000 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  guint n;

  for (n = 1; n <= 8; n++)
    {
      guint ceiling = tcia_retry_backoff_ceiling_ms (&policy, n);
      guint low = G_MAXUINT, high = 0;
      guint i;

      for (i = 0; i < 2000; i++)
        {
          guint delay = tcia_retry_backoff_ms (&policy, n, rand);

          g_assert_cmpuint (delay, <=, ceiling);
          low = MIN (low, delay);
          high = MAX (high, delay);
        }

      /* Full jitter: spread over the whole range, not around the ceiling. */
      g_assert_cmpuint (low, <, ceiling / 10 + 1);
      g_assert_cmpuint (high, >, ceiling - ceiling / 10 - 1);
    }

  policy.base_delay_ms = 0;
  g_assert_cmpuint (tcia_retry_backoff_ms (&policy, 3, rand), ==, 0);
}

static void
test_retry_after_seconds (void)
{
  g_assert_cmpint (tcia_retry_parse_retry_after ("0", NULL), ==, 0);
  g_assert_cmpint (tcia_retry_parse_retry_after ("1", NULL), ==, 1000);
  g_assert_cmpint (tcia_retry_parse_retry_after (" 120 ", NULL), ==, 120000);
  g_assert_cmpint (tcia_retry_parse_retry_after ("300", NULL), ==, TCIA_RETRY_AFTER_MAX_MS);
  /* Longer than the cap: the cap. */
  g_assert_cmpint (tcia_retry_parse_retry_after ("301", NULL), ==, TCIA_RETRY_AFTER_MAX_MS);
  g_assert_cmpint (tcia_retry_parse_retry_after ("86400", NULL), ==, TCIA_RETRY_AFTER_MAX_MS);
  g_assert_cmpint (tcia_retry_parse_retry_after ("99999999999999999999999", NULL), ==,
                   TCIA_RETRY_AFTER_MAX_MS);
}

static void
test_retry_after_date (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2015, 10, 21, 7, 28, 0);

  g_assert_cmpint (tcia_retry_parse_retry_after ("Wed, 21 Oct 2015 07:28:30 GMT", now), ==, 30000);
  g_assert_cmpint (tcia_retry_parse_retry_after ("Wed, 21 Oct 2015 07:30:00 GMT", now), ==, 120000);
  /* In the past: no wait. */
  g_assert_cmpint (tcia_retry_parse_retry_after ("Wed, 21 Oct 2015 07:00:00 GMT", now), ==, 0);
  /* A day away: the cap. */
  g_assert_cmpint (tcia_retry_parse_retry_after ("Thu, 22 Oct 2015 07:28:00 GMT", now), ==,
                   TCIA_RETRY_AFTER_MAX_MS);
  /* The other HTTP date forms. */
  g_assert_cmpint (tcia_retry_parse_retry_after ("Wednesday, 21-Oct-15 07:28:10 GMT", now), ==, 10000);
  g_assert_cmpint (tcia_retry_parse_retry_after ("Wed Oct 21 07:28:05 2015", now), ==, 5000);
}

static void
test_retry_after_garbage (void)
{
  const char *garbage[] = {
    "", "   ", "soon", "-5", "1.5", "12abc", "0x10", "Wed, 32 Foo 2015 99:99:99 GMT", "+3",
  };
  guint i;

  g_assert_cmpint (tcia_retry_parse_retry_after (NULL, NULL), ==, -1);
  for (i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_test_message ("\"%s\"", garbage[i]);
      g_assert_cmpint (tcia_retry_parse_retry_after (garbage[i], NULL), ==, -1);
    }
}

static void
test_next_delay (void)
{
  TciaRetryPolicy policy = { 5, 10, 40 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint i;

  /* The server's word wins over the backoff, even past max_delay_ms... */
  g_assert_cmpuint (tcia_retry_next_delay_ms (&policy, 1, "2", rand), ==, 2000);
  /* ...up to the Retry-After cap. */
  g_assert_cmpuint (tcia_retry_next_delay_ms (&policy, 1, "100000", rand), ==, TCIA_RETRY_AFTER_MAX_MS);
  /* Without one, or with garbage, the jittered backoff. */
  for (i = 0; i < 100; i++)
    {
      g_assert_cmpuint (tcia_retry_next_delay_ms (&policy, 3, NULL, rand), <=, 40);
      g_assert_cmpuint (tcia_retry_next_delay_ms (&policy, 1, "later", rand), <=, 10);
    }
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gpointer
sleep_thread (gpointer data)
{
  GError *error = NULL;

  /* An hour: only cancellation can end it within the test's time. */
  if (tcia_retry_sleep (3600 * 1000, data, &error))
    return NULL;

  return error;
}

static void
test_sleep (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GThread *thread;

  /* Zero and short sleeps return TRUE. */
  g_assert_true (tcia_retry_sleep (0, NULL, NULL));
  g_assert_true (tcia_retry_sleep (1, cancellable, &error));
  g_assert_no_error (error);

  /* A cancelled sleep ends early with G_IO_ERROR_CANCELLED. */
  thread = g_thread_new ("sleeper", sleep_thread, cancellable);
  g_timeout_add (20, cancel_cb, cancellable);
  while (!g_cancellable_is_cancelled (cancellable))
    g_main_context_iteration (NULL, TRUE);
  error = g_thread_join (thread);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Already cancelled: no sleep at all. */
  g_assert_false (tcia_retry_sleep (3600 * 1000, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/retry/defaults", test_defaults);
  g_test_add_func ("/core/retry/backoff-growth", test_backoff_growth);
  g_test_add_func ("/core/retry/backoff-cap", test_backoff_cap);
  g_test_add_func ("/core/retry/jitter-bounds", test_jitter_bounds);
  g_test_add_func ("/core/retry/retry-after-seconds", test_retry_after_seconds);
  g_test_add_func ("/core/retry/retry-after-date", test_retry_after_date);
  g_test_add_func ("/core/retry/retry-after-garbage", test_retry_after_garbage);
  g_test_add_func ("/core/retry/next-delay", test_next_delay);
  g_test_add_func ("/core/retry/sleep", test_sleep);

  return g_test_run ();
}
