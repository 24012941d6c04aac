/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-idc"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-idc.h"
#include "fake-main.h"

/* fake-idc: serves IDC's API v3 and buckets for the fake NBIA archive that the
 * same archive options make, on 127.0.0.1, until SIGINT/SIGTERM. The first
 * line of stdout is the API URL, the second the bucket (S3 endpoint) URL.
 * With --export-objects, writes the objects as DIR/<bucket>/<key> and exits. */

int
main (int   argc,
      char *argv[])
{
  enum { API_PORT, BUCKET_PORT, PAGE_SIZE, RATE_LIMIT, RETRY_AFTER, DROP_AFTER };
  FakeIntOption own[] = {
    [API_PORT] = { "api-port", 65535, 0, "API port (0: a free one)", "N" },
    [BUCKET_PORT] = { "bucket-port", 65535, 0, "Bucket port (0: a free one)", "N" },
    [PAGE_SIZE] = { "page-size", 1000, 1000, "Most keys in one listing page (1000)", "N" },
    [RATE_LIMIT] = { "rate-limit", G_GINT64_CONSTANT (1) << 40, 0,
                     "Bytes/s of an object body per connection (0: no limit)", "N" },
    [RETRY_AFTER] = { "retry-after", 86400, 1, "Retry-After of 503s (1)", "S" },
    [DROP_AFTER] = { "drop-after", G_GINT64_CONSTANT (1) << 40, 0,
                     "Bytes the drop fault sends before closing (0: half)", "N" },
  };
  gboolean gcs_namespace = FALSE;
  g_autofree char *export_dir = NULL;
  g_auto(GStrv) uids = NULL;
  const GOptionEntry extra[] = {
    { "gcs-namespace", 0, 0, G_OPTION_ARG_NONE, &gcs_namespace,
      "Listings in GCS's XML namespace", NULL },
    { "export-objects", 0, 0, G_OPTION_ARG_FILENAME, &export_dir,
      "Write the objects as DIR/<bucket>/<key> and exit", "DIR" },
    { "uid", 0, 0, G_OPTION_ARG_STRING_ARRAY, &uids,
      "With --export-objects: only this series (repeatable)", "UID" },
    { NULL }
  };
  FakeIdcOptions options;
  g_auto(FakeMainArgs) args;
  g_autoptr(GError) error = NULL;
  g_autofree char *api_url = NULL;
  g_autofree char *bucket_url = NULL;
  FakeIdc *server;

  fake_main_args_init (&args, "fake-idc");
  if (!fake_main_parse (&args, "- a fake IDC (API v3 and buckets)", "SCOPE",
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
                        "  /fake-idc/latency?ms=, /fake-idc/page-size?n=, "
                        "/fake-idc/rate-limit?bytes=, /fake-idc/stats[?what=]",
                        own, G_N_ELEMENTS (own), extra, &argc, &argv))
    return 2;

  fake_idc_options_init (&options);
  fake_nbia_options_set_archive (&options.archive, &args);
  options.latency_ms = args.latency_ms;
  options.page_size = MAX (1, own[PAGE_SIZE].value);
  options.rate_limit = own[RATE_LIMIT].value;
  options.retry_after_s = own[RETRY_AFTER].value;
  options.drop_after = own[DROP_AFTER].value;
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
  if (!fake_main_set_faults (&args, fake_idc_get_control (server)))
    {
      fake_idc_free (server);
      return 2;
    }
  if (!fake_idc_listen (server, own[API_PORT].value, own[BUCKET_PORT].value, &error))
    {
      fprintf (stderr, "fake-idc: %s\n", error->message);
      fake_idc_free (server);
      return 1;
    }

  api_url = fake_idc_get_api_url (server);
  bucket_url = fake_idc_get_bucket_url (server);
  fake_main_serve ((const char *const[]) { api_url, bucket_url, NULL });
  fake_idc_free (server);
  fake_main_drain ();
  return 0;
}
