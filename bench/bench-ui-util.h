/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the benchmarks of the window share: the command line, the display,
 * and a fake NBIA in a thread of its own with a client of it. */

#include <adwaita.h>

#include "fake-nbia.h"
#include "tcia-client.h"

/* Parses @entries, opens the display and starts a fake NBIA of @n_series
 * (read once the command line is parsed); 0, or the exit status (77: no
 * display). */
static inline int
bench_ui_start (const char          *name,
                const GOptionEntry  *entries,
                const guint         *n_series,
                int                 *argc,
                char              ***argv,
                FakeNbia           **server,
                TciaClient         **client)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  FakeNbiaOptions options;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (!gtk_init_check ())
    {
      g_printerr ("%s: no display (run it under xvfb-run)\n", name);
      return 77;
    }
  adw_init ();

  fake_nbia_options_init (&options);
  options.n_series = *n_series;
  *server = fake_nbia_new (&options);
  if (!fake_nbia_start_in_thread (*server, 0, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  url = fake_nbia_get_url (*server, 4);
  *client = tcia_client_new (url, &error);
  g_assert_no_error (error);
  return 0;
}
