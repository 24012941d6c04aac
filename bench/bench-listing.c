/* SPDX-License-Identifier: GPL-3.0-or-later */

/* bench-listing URL [--repeat=N] [--expect=ROWS]
 *
 * Times one getSeries listing through the real client: from just before
 * tcia_client_list_series_async() to its callback, with a GListStore as
 * `into`, on this process's main loop. Prints one JSON object per repetition
 * on stdout (bench/run reads them):
 *
 *   rows, seconds, cpu_seconds (user + system, all threads, same span),
 *   first_rows_seconds, peak_rss_kb (getrusage ru_maxrss, the
 *   whole process so far), rss_before_kb (VmRSS just before the request),
 *   rss_after_kb, batches (items-changed emissions), max_stall_ms (the longest
 *   the main loop was kept from a 10 ms tick while the listing ran),
 *   file_size_sum (a checksum bench/run compares with the baseline's).
 *
 * Exit status 1 when the listing fails, when an item is not a TciaSeries, or
 * when the row count differs from --expect. */

#define G_LOG_DOMAIN "bench-listing"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "tcia-core.h"

typedef struct
{
  gboolean    done;
  GListModel *result;
  GError     *error;

  gint64      start_us;
  gint64      first_rows_us;
  guint       batches;

  gint64      last_tick_us;
  gint64      max_stall_us;
} Run;

static long
read_status_kb (const char *key)
{
  g_autofree char *contents = NULL;
  const char *line;
  size_t key_len = strlen (key);

  if (!g_file_get_contents ("/proc/self/status", &contents, NULL, NULL))
    return -1;

  for (line = contents; line != NULL && *line != '\0'; )
    {
      const char *next = strchr (line, '\n');

      if (strncmp (line, key, key_len) == 0 && line[key_len] == ':')
        return strtol (line + key_len + 1, NULL, 10);
      line = next != NULL ? next + 1 : NULL;
    }

  return -1;
}

static long
peak_rss_kb (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return -1;

  return usage.ru_maxrss; /* kilobytes on Linux */
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;

  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  Run *run = user_data;

  run->batches++;
  if (run->first_rows_us == 0 && g_list_model_get_n_items (model) > 0)
    run->first_rows_us = g_get_monotonic_time ();
}

static gboolean
tick_cb (gpointer user_data)
{
  Run *run = user_data;
  gint64 now = g_get_monotonic_time ();

  if (run->last_tick_us != 0 && now - run->last_tick_us > run->max_stall_us)
    run->max_stall_us = now - run->last_tick_us;
  run->last_tick_us = now;

  return G_SOURCE_CONTINUE;
}

static void
list_series_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;

  run->result = tcia_client_list_series_finish (TCIA_CLIENT (source), result, &run->error);
  run->done = TRUE;
}

static gboolean
run_once (TciaClient *client,
          guint       iteration,
          gint64      expect)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(TciaQuery) query = tcia_query_new ();
  Run run = { 0, };
  long rss_before;
  gint64 end_us;
  double cpu_start, cpu_end;
  guint n_items, i;
  guint64 file_size_sum = 0;
  guint n_bad = 0;
  guint tick_id;
  gboolean ok = TRUE;

  g_signal_connect (store, "items-changed", G_CALLBACK (items_changed_cb), &run);

  rss_before = read_status_kb ("VmRSS");

  tick_id = g_timeout_add (10, tick_cb, &run);
  cpu_start = cpu_seconds ();
  run.start_us = g_get_monotonic_time ();
  run.last_tick_us = run.start_us;
  tcia_client_list_series_async (client, query, store, NULL, list_series_cb, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  end_us = g_get_monotonic_time ();
  cpu_end = cpu_seconds ();
  g_source_remove (tick_id);

  if (run.error != NULL)
    {
      g_printerr ("bench-listing: the listing failed: %s\n", run.error->message);
      g_clear_error (&run.error);
      return FALSE;
    }

  /* Everything below is outside the timed span: check that the store really
   * holds the rows, as typed records with their fields filled. */
  if (run.result != G_LIST_MODEL (store))
    {
      g_printerr ("bench-listing: _finish did not return the store given as `into`\n");
      ok = FALSE;
    }

  n_items = g_list_model_get_n_items (G_LIST_MODEL (store));
  for (i = 0; i < n_items; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (!TCIA_IS_SERIES (item) ||
          tcia_series_get_series_uid (TCIA_SERIES (item)) == NULL)
        {
          n_bad++;
          continue;
        }
      file_size_sum += tcia_series_get_file_size (TCIA_SERIES (item));
    }

  if (n_bad > 0)
    {
      g_printerr ("bench-listing: %u of %u items are not series with a UID\n", n_bad, n_items);
      ok = FALSE;
    }
  if (expect >= 0 && (gint64) n_items != expect)
    {
      g_printerr ("bench-listing: the store holds %u rows, expected %" G_GINT64_FORMAT "\n",
                  n_items, expect);
      ok = FALSE;
    }

  printf ("{\"impl\": \"tcia-basket\", \"iteration\": %u, \"rows\": %u, "
          "\"seconds\": %.4f, \"cpu_seconds\": %.4f, \"first_rows_seconds\": %.4f, "
          "\"peak_rss_kb\": %ld, \"rss_before_kb\": %ld, \"rss_after_kb\": %ld, "
          "\"batches\": %u, \"max_stall_ms\": %.1f, \"file_size_sum\": %" G_GUINT64_FORMAT "}\n",
          iteration, n_items,
          (end_us - run.start_us) / 1e6, cpu_end - cpu_start,
          run.first_rows_us != 0 ? (run.first_rows_us - run.start_us) / 1e6 : -1.0,
          peak_rss_kb (), rss_before, read_status_kb ("VmRSS"),
          run.batches, run.max_stall_us / 1e3, file_size_sum);
  fflush (stdout);

  g_clear_object (&run.result);

  return ok;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaClient) client = NULL;
  int repeat = 1;
  gint64 expect = -1;
  const GOptionEntry entries[] = {
    { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "Requests in this process (default 1)", "N" },
    { "expect", 0, 0, G_OPTION_ARG_INT64, &expect, "Fail unless the store holds ROWS rows", "ROWS" },
    { NULL }
  };
  gboolean ok = TRUE;

  setlocale (LC_ALL, "");
  /* The figures are parsed by bench/run: keep '.' as the decimal point. */
  setlocale (LC_NUMERIC, "C");

  context = g_option_context_new ("URL — time a getSeries listing into a GListStore");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || repeat < 1)
    {
      g_printerr ("usage: bench-listing URL [--repeat=N] [--expect=ROWS]%s%s\n",
                  error != NULL ? ": " : "", error != NULL ? error->message : "");
      return 2;
    }

  client = tcia_client_new (argv[1], &error);
  if (client == NULL)
    {
      g_printerr ("bench-listing: %s\n", error->message);
      return 2;
    }
  /* A benchmark run must not hide a failure behind retries. */
  tcia_client_set_retry_policy (client, 1, 100, 100);

  for (int i = 0; i < repeat && ok; i++)
    ok = run_once (client, i, expect);

  return ok ? 0 : 1;
}
