/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-basket"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "tcia-application.h"
#include "tcia-cli.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TciaApplication) app = NULL;

  /* GTK would do this, but the headless modes never initialise GTK. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

#ifdef TCIA_TEST_HOOKS
  /* Translations from the build tree (build/po), for screenshots and tests
   * in another language without installing. */
  if (g_getenv ("TCIA_TEST_LOCALEDIR") != NULL)
    bindtextdomain (GETTEXT_PACKAGE, g_getenv ("TCIA_TEST_LOCALEDIR"));

  {
    const char *delay = g_getenv (TCIA_CLI_TEST_RETRY_DELAY_ENV);
    guint64 delay_ms;

    if (delay != NULL &&
        g_ascii_string_to_unsigned (delay, 10, 0, G_MAXUINT / 2, &delay_ms, NULL))
      tcia_cli_set_test_retry_delay (delay_ms);
  }
#endif

  app = tcia_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
