/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>

#include "fake-nbia.h"

/* fake-nbia: serves the synthetic archive on 127.0.0.1 until SIGINT/SIGTERM.
 * The first line of stdout is the v4 URL. */

/* libsoup 3.2 (Debian 12) leaks the GSocket of every connection a SoupServer
 * accepted, and its listener's local address, when the server goes away. Not
 * ours: keep LeakSanitizer (sanitizer builds) quiet about exactly those. The
 * suppressions need whole stacks, through GLib's frames. */
const char *__lsan_default_suppressions (void);
const char *__asan_default_options (void);

const char *
__lsan_default_suppressions (void)
{
  return "leak:g_socket_accept\n"
         "leak:g_socket_get_local_address\n";
}

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_uint (const char *name,
            gint64      value,
            gint64      max,
            guint64    *out)
{
  if (value < 0 || value > max)
    {
      fprintf (stderr, "fake-nbia: --%s must be between 0 and %" G_GINT64_FORMAT "\n",
               name, max);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

/* NAME[:TIMES][@SERIESUID] */
static gboolean
add_fault (FakeNbia   *server,
           const char *spec)
{
  g_autofree char *copy = g_strdup (spec);
  char *uid = strchr (copy, '@');
  char *times_text;
  guint64 times = 1;
  FakeNbiaFault fault;

  if (uid != NULL)
    *uid++ = '\0';
  times_text = strchr (copy, ':');
  if (times_text != NULL)
    {
      *times_text++ = '\0';
      if (!g_ascii_string_to_unsigned (times_text, 10, 0, G_MAXUINT, &times, NULL))
        {
          fprintf (stderr, "fake-nbia: bad count in --fault=%s\n", spec);
          return FALSE;
        }
    }
  fault = fake_nbia_fault_from_string (copy);
  if (fault == FAKE_NBIA_FAULT_NONE || (uid != NULL && uid[0] == '\0'))
    {
      fprintf (stderr, "fake-nbia: unknown fault in --fault=%s\n", spec);
      return FALSE;
    }
  fake_nbia_set_fault (server, fault, times, uid);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  FakeNbiaOptions options;
  gint64 port = 0, series = 40, seed = 1, images_max = 6, image_rows = 16;
  gint64 big_series_bytes = 0, latency = 0, retry_after = 1;
  gint64 bomb_bytes = 256 * 1024 * 1024, trickle_ms = 1000, colliding_pairs = 0;
  gint64 rate_limit = 0, cache_entries = 2;
  g_auto(GStrv) faults = NULL;
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT64, &port, "Port (0: a free one)", "N" },
    { "series", 0, 0, G_OPTION_ARG_INT64, &series, "Series in the archive (40)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the archive (1)", "N" },
    { "images-max", 0, 0, G_OPTION_ARG_INT64, &images_max, "Most images in a series (6)", "N" },
    { "image-rows", 0, 0, G_OPTION_ARG_INT64, &image_rows, "Image side in pixels (16)", "N" },
    { "big-series-bytes", 0, 0, G_OPTION_ARG_INT64, &big_series_bytes,
      "Add a series of about this size in collection Big-Series", "N" },
    { "latency", 0, 0, G_OPTION_ARG_INT64, &latency, "Delay before every answer", "MS" },
    { "retry-after", 0, 0, G_OPTION_ARG_INT64, &retry_after, "Retry-After of 429/503 (1)", "S" },
    { "colliding-pairs", 0, 0, G_OPTION_ARG_INT64, &colliding_pairs,
      "Pairs of series in one study with the same folder name (0)", "N" },
    { "bomb-bytes", 0, 0, G_OPTION_ARG_INT64, &bomb_bytes,
      "What zip-bomb's entry inflates to (268435456)", "N" },
    { "trickle-ms", 0, 0, G_OPTION_ARG_INT64, &trickle_ms,
      "Pause between two bytes of the trickle fault (1000)", "MS" },
    { "rate-limit", 0, 0, G_OPTION_ARG_INT64, &rate_limit,
      "Bytes/s of a getImage body per connection (0: no limit)", "N" },
    { "cache-entries", 0, 0, G_OPTION_ARG_INT64, &cache_entries,
      "Big listings kept once made (2)", "N" },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults,
      "Inject a fault into the next TIMES (1; 0: all) matching requests", "NAME[:TIMES][@UID]" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- a fake NBIA server");
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *url = NULL;
  FakeNbia *server;
  guint64 value;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "Faults: http-429 http-503 http-500 http-400 retry-after-long "
                                "(503, Retry-After: 3600)\n"
                                "  html-page drop stall trickle (one byte every --trickle-ms)\n"
                                "  malformed-json no-counts (series rows without ImageCount, "
                                "FileSize)\n"
                                "  zip-truncated wrong-md5 escaping-entry absolute-entry "
                                "empty-zip md5-only-zip\n"
                                "  zip-bomb (the first DICOM inflates to --bomb-bytes of zeros)\n"
                                "Control: /fake-nbia/fault?name=&times=&uid=, "
                                "/fake-nbia/clear, /fake-nbia/latency?ms=,\n"
                                "  /fake-nbia/stats[?endpoint=]");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "fake-nbia: %s\n", error->message);
      return 2;
    }
  if (argc > 1)
    {
      fprintf (stderr, "fake-nbia: unexpected argument '%s'\n", argv[1]);
      return 2;
    }

  fake_nbia_options_init (&options);
  if (!parse_uint ("series", series, 50000000, &value))
    return 2;
  options.n_series = value;
  if (!parse_uint ("seed", seed, G_MAXUINT32, &value))
    return 2;
  options.seed = value;
  if (!parse_uint ("images-max", images_max, 100000, &value))
    return 2;
  options.images_per_series_max = MAX (1, value);
  if (!parse_uint ("image-rows", image_rows, 4096, &value))
    return 2;
  options.image_rows = MAX (2, value);
  if (!parse_uint ("big-series-bytes", big_series_bytes, G_GINT64_CONSTANT (1) << 40, &value))
    return 2;
  options.big_series_bytes = value;
  if (!parse_uint ("latency", latency, 3600000, &value))
    return 2;
  options.latency_ms = value;
  if (!parse_uint ("retry-after", retry_after, 86400, &value))
    return 2;
  options.retry_after_s = value;
  if (!parse_uint ("colliding-pairs", colliding_pairs, 1000000, &value))
    return 2;
  options.colliding_pairs = value;
  if (!parse_uint ("bomb-bytes", bomb_bytes, G_GINT64_CONSTANT (1) << 40, &value))
    return 2;
  options.bomb_bytes = value;
  if (!parse_uint ("trickle-ms", trickle_ms, 3600000, &value))
    return 2;
  options.trickle_ms = value;
  if (!parse_uint ("rate-limit", rate_limit, G_GINT64_CONSTANT (1) << 40, &value))
    return 2;
  options.rate_limit = value;
  if (!parse_uint ("cache-entries", cache_entries, 100000, &value))
    return 2;
  options.cache_entries = value;
  if (!parse_uint ("port", port, 65535, &value))
    return 2;

  server = fake_nbia_new (&options);
  for (guint i = 0; faults != NULL && faults[i] != NULL; i++)
    if (!add_fault (server, faults[i]))
      {
        fake_nbia_free (server);
        return 2;
      }
  if (!fake_nbia_listen (server, value, &error))
    {
      fprintf (stderr, "fake-nbia: %s\n", error->message);
      fake_nbia_free (server);
      return 1;
    }

  url = fake_nbia_get_url (server, 4);
  printf ("%s\n", url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  fake_nbia_free (server);
  /* Let the closed connections go. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return 0;
}
