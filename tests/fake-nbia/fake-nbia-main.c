/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-main.h"
#include "fake-nbia.h"

/* fake-nbia: serves the synthetic archive on 127.0.0.1 until SIGINT/SIGTERM.
 * The first line of stdout is the v4 URL. */

int
main (int   argc,
      char *argv[])
{
  enum { PORT, RETRY_AFTER, BOMB_BYTES, TRICKLE_MS, RATE_LIMIT, CACHE_ENTRIES };
  FakeIntOption own[] = {
    [PORT] = { "port", 65535, 0, "Port (0: a free one)", "N" },
    [RETRY_AFTER] = { "retry-after", 86400, 1, "Retry-After of 429/503 (1)", "S" },
    [BOMB_BYTES] = { "bomb-bytes", G_GINT64_CONSTANT (1) << 40, 256 * 1024 * 1024,
                     "What zip-bomb's entry inflates to (268435456)", "N" },
    [TRICKLE_MS] = { "trickle-ms", 3600000, 1000,
                     "Pause between two bytes of the trickle fault (1000)", "MS" },
    [RATE_LIMIT] = { "rate-limit", G_GINT64_CONSTANT (1) << 40, 0,
                     "Bytes/s of a getImage body per connection (0: no limit)", "N" },
    [CACHE_ENTRIES] = { "cache-entries", 100000, 2, "Big listings kept once made (2)", "N" },
  };
  FakeNbiaOptions options;
  g_auto(FakeMainArgs) args;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  FakeNbia *server;

  fake_main_args_init (&args, "fake-nbia");
  if (!fake_main_parse (&args, "- a fake NBIA server", "UID",
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
                        "  /fake-nbia/stats[?endpoint=]",
                        own, G_N_ELEMENTS (own), NULL, &argc, &argv))
    return 2;

  fake_nbia_options_init (&options);
  fake_nbia_options_set_archive (&options, &args);
  options.retry_after_s = own[RETRY_AFTER].value;
  options.bomb_bytes = own[BOMB_BYTES].value;
  options.trickle_ms = own[TRICKLE_MS].value;
  options.rate_limit = own[RATE_LIMIT].value;
  options.cache_entries = own[CACHE_ENTRIES].value;

  server = fake_nbia_new (&options);
  if (!fake_main_set_faults (&args, fake_nbia_get_control (server)))
    {
      fake_nbia_free (server);
      return 2;
    }
  if (!fake_nbia_listen (server, own[PORT].value, &error))
    {
      fprintf (stderr, "fake-nbia: %s\n", error->message);
      fake_nbia_free (server);
      return 1;
    }

  url = fake_nbia_get_url (server, 4);
  fake_main_serve ((const char *const[]) { url, NULL });
  fake_nbia_free (server);
  fake_main_drain ();
  return 0;
}
