/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-idc"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>

#include "fake-idc.h"

/* fake-idc: serves IDC's API v3 and buckets for the fake NBIA archive that the
 * same archive options make, on 127.0.0.1, until SIGINT/SIGTERM. The first
 * line of stdout is the API URL, the second the bucket (S3 endpoint) URL.
 * With --export-objects, writes the objects as DIR/<bucket>/<key> and exits. */

/* libsoup 3.2 (Debian 12) leaks the GSocket of every connection a SoupServer
 * accepted, and its listener's local address, when the server goes away. */
const char *__lsan_default_suppressions (void);

const char *
__lsan_default_suppressions (void)
{
  return "leak:g_socket_accept\n"
         "leak:g_socket_get_local_address\n";
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gboolean
in_range (const char *name,
          gint64      value,
          gint64      max)
{
  if (value >= 0 && value <= max)
    return TRUE;
  fprintf (stderr, "fake-idc: --%s must be between 0 and %" G_GINT64_FORMAT "\n", name, max);
  return FALSE;
}

/* NAME[:TIMES][@SCOPE] */
static gboolean
add_fault (FakeIdc    *server,
           const char *spec)
{
  g_autofree char *copy = g_strdup (spec);
  char *scope = strchr (copy, '@');
  char *times_text;
  guint64 times = 1;
  FakeIdcFault fault;

  if (scope != NULL)
    *scope++ = '\0';
  times_text = strchr (copy, ':');
  if (times_text != NULL)
    {
      *times_text++ = '\0';
      if (!g_ascii_string_to_unsigned (times_text, 10, 0, G_MAXUINT, &times, NULL))
        {
          fprintf (stderr, "fake-idc: bad count in --fault=%s\n", spec);
          return FALSE;
        }
    }
  fault = fake_idc_fault_from_string (copy);
  if (fault == FAKE_IDC_FAULT_NONE || (scope != NULL && scope[0] == '\0'))
    {
      fprintf (stderr, "fake-idc: unknown fault in --fault=%s\n", spec);
      return FALSE;
    }
  fake_idc_set_fault (server, fault, times, scope);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  FakeIdcOptions options;
  gint64 api_port = 0, bucket_port = 0, series = 40, seed = 1, images_max = 6, image_rows = 16;
  gint64 big_series_bytes = 0, colliding_pairs = 0, page_size = 1000, rate_limit = 0;
  gint64 retry_after = 1, drop_after = 0;
  gboolean gcs_namespace = FALSE;
  g_autofree char *export_dir = NULL;
  g_auto(GStrv) faults = NULL;
  g_auto(GStrv) uids = NULL;
  GOptionEntry entries[] = {
    { "api-port", 0, 0, G_OPTION_ARG_INT64, &api_port, "API port (0: a free one)", "N" },
    { "bucket-port", 0, 0, G_OPTION_ARG_INT64, &bucket_port, "Bucket port (0: a free one)",
      "N" },
    { "series", 0, 0, G_OPTION_ARG_INT64, &series, "Series in the NBIA archive (40)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the archive (1)", "N" },
    { "images-max", 0, 0, G_OPTION_ARG_INT64, &images_max, "Most images in a series (6)", "N" },
    { "image-rows", 0, 0, G_OPTION_ARG_INT64, &image_rows, "Image side in pixels (16)", "N" },
    { "big-series-bytes", 0, 0, G_OPTION_ARG_INT64, &big_series_bytes,
      "Add a series of about this size in collection Big-Series", "N" },
    { "colliding-pairs", 0, 0, G_OPTION_ARG_INT64, &colliding_pairs,
      "Pairs of series in one study with the same folder name (0)", "N" },
    { "page-size", 0, 0, G_OPTION_ARG_INT64, &page_size,
      "Most keys in one listing page (1000)", "N" },
    { "rate-limit", 0, 0, G_OPTION_ARG_INT64, &rate_limit,
      "Bytes/s of an object body per connection (0: no limit)", "N" },
    { "retry-after", 0, 0, G_OPTION_ARG_INT64, &retry_after, "Retry-After of 503s (1)", "S" },
    { "drop-after", 0, 0, G_OPTION_ARG_INT64, &drop_after,
      "Bytes the drop fault sends before closing (0: half)", "N" },
    { "gcs-namespace", 0, 0, G_OPTION_ARG_NONE, &gcs_namespace,
      "Listings in GCS's XML namespace", NULL },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults,
      "Inject a fault into the next TIMES (1; 0: all) matching requests", "NAME[:TIMES][@SCOPE]" },
    { "export-objects", 0, 0, G_OPTION_ARG_FILENAME, &export_dir,
      "Write the objects as DIR/<bucket>/<key> and exit", "DIR" },
    { "uid", 0, 0, G_OPTION_ARG_STRING_ARRAY, &uids,
      "With --export-objects: only this series (repeatable)", "UID" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- a fake IDC (API v3 and buckets)");
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *api_url = NULL;
  g_autofree char *bucket_url = NULL;
  FakeIdc *server;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "API faults (scope: a route, e.g. sql): api-503 api-503-bare "
                                "query-timeout api-500\n"
                                "  api-stall api-close version-change\n"
                                "Bucket faults (scope: a bucket, key, crdc_series_uuid or "
                                "SeriesInstanceUID):\n"
                                "  slow-down slow-down-bare internal-error drop stall corrupt "
                                "multipart-etag\n"
                                "  short-listing missing-object bad-xml access-denied\n"
                                "Control, on the API port: /fake-idc/fault?name=&times=&scope=, "
                                "/fake-idc/clear,\n"
                                "  /fake-idc/page-size?n=, /fake-idc/rate-limit?bytes=, "
                                "/fake-idc/stats[?what=]");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "fake-idc: %s\n", error->message);
      return 2;
    }
  if (argc > 1)
    {
      fprintf (stderr, "fake-idc: unexpected argument '%s'\n", argv[1]);
      return 2;
    }
  if (!in_range ("api-port", api_port, 65535) || !in_range ("bucket-port", bucket_port, 65535) ||
      !in_range ("series", series, 50000000) || !in_range ("seed", seed, G_MAXUINT32) ||
      !in_range ("images-max", images_max, 100000) || !in_range ("image-rows", image_rows, 4096) ||
      !in_range ("big-series-bytes", big_series_bytes, G_GINT64_CONSTANT (1) << 40) ||
      !in_range ("colliding-pairs", colliding_pairs, 1000000) ||
      !in_range ("page-size", page_size, 1000) ||
      !in_range ("rate-limit", rate_limit, G_GINT64_CONSTANT (1) << 40) ||
      !in_range ("retry-after", retry_after, 86400) ||
      !in_range ("drop-after", drop_after, G_GINT64_CONSTANT (1) << 40))
    return 2;

  fake_idc_options_init (&options);
  options.archive.n_series = series;
  options.archive.seed = seed;
  options.archive.images_per_series_max = MAX (1, images_max);
  options.archive.image_rows = MAX (2, image_rows);
  options.archive.big_series_bytes = big_series_bytes;
  options.archive.colliding_pairs = colliding_pairs;
  options.page_size = MAX (1, page_size);
  options.rate_limit = rate_limit;
  options.retry_after_s = retry_after;
  options.drop_after = drop_after;
  options.gcs_namespace = gcs_namespace;

  server = fake_idc_new (&options);
  if (export_dir != NULL)
    {
      gboolean ok = fake_idc_export_objects (fake_idc_get_archive (server), export_dir,
                                             (const char *const *) uids, &error);

      if (!ok)
        fprintf (stderr, "fake-idc: %s\n", error->message);
      fake_idc_free (server);
      return ok ? 0 : 1;
    }
  for (guint i = 0; faults != NULL && faults[i] != NULL; i++)
    if (!add_fault (server, faults[i]))
      {
        fake_idc_free (server);
        return 2;
      }
  if (!fake_idc_listen (server, api_port, bucket_port, &error))
    {
      fprintf (stderr, "fake-idc: %s\n", error->message);
      fake_idc_free (server);
      return 1;
    }

  api_url = fake_idc_get_api_url (server);
  bucket_url = fake_idc_get_bucket_url (server);
  printf ("%s\n%s\n", api_url, bucket_url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  fake_idc_free (server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return 0;
}
