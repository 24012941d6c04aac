/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-cli"

#include "config.h"

#include <stdarg.h>

#include <glib/gi18n.h>

#include "tcia-core.h"
#include "tcia-text.h"

#include "tcia-cli.h"
#include "tcia-cli-private.h"

/* The options of both headless modes: the listing (tcia-cli-list.c) and the
 * download (tcia-cli-download.c). */
static const GOptionEntry main_entries[] = {
  { "list", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Print a listing instead of opening a window: collections, modalities, body-parts, "
       "manufacturers, patients, studies or series; or new, with --output=DIR: the series "
       "released in the collections of DIR since it was downloaded into"),
    N_("WHAT") },
  { "collection", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("List only rows of the collection NAME"), N_("NAME") },
  { "modality", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("List only rows of the modality M (CT, MR, …)"), N_("M") },
  { "body-part", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("List only rows of the body part B (CHEST, …)"), N_("B") },
  { "manufacturer", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("List only rows of the manufacturer X"), N_("X") },
  { "patient", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("List only rows of the patient ID"), N_("ID") },
  { "study", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("List only rows of the study UID"), N_("UID") },
  { "format", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Print the listing as tsv (the default), csv, json, or tcia (a manifest of series)"),
    N_("FORMAT") },
  { "search", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("List the series of the whole archive matching every word of TEXT (the start of a "
       "UID, or of words of IDs, descriptions, collection, modality, body part, manufacturer), "
       "narrowed by the filters, from the local catalogue"),
    N_("TEXT") },
  { "offline", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Answer --list from the local catalogue, without the network (see --sync)"), NULL },
  { "sync", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Fill the local catalogue of the whole archive, or bring it up to date, then exit; "
       "Ctrl-C keeps the collections already listed"),
    NULL },
  { "download", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Download the series of MANIFEST (a .tcia manifest or a list of series UIDs) instead "
       "of opening a window; needs --output. Ctrl-C keeps the series already complete, removes "
       "the others and exits with status 130"),
    N_("MANIFEST") },
  { "output", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Download into the folder DIR (with --list=new: the folder downloaded into)"), N_("DIR") },
  { "jobs", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Download N series at a time, 1 to 16 (default 4)"), N_("N") },
  { "layout", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Name folders as the NBIA Data Retriever does (descriptive, the default), by UIDs "
       "(classic), or one folder per series UID (flat)"),
    N_("LAYOUT") },
  { "no-verify", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Do not check the downloaded files against the server’s MD5 checksums (faster); "
       "the number of images is still checked"),
    NULL },
  { "verify-existing", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Check the series already in the output folder by the MD5 of every file, not only "
       "by their names and sizes, and fetch again what is damaged"),
    NULL },
  { NULL }
};

void
tcia_cli_print_error (const char *format,
                      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* Whatever it quotes (a file name, a manifest line, a server's words),
   * the line reaches the terminal without escapes. */
  {
    g_autofree char *clean = tcia_text_sanitize (message, 2 * CLI_MESSAGE_MAX);

    fprintf (stderr, "tcia-basket: %s\n", clean);
  }
  fflush (stderr);
}

/* A server's words can span lines (an HTML page, a stack trace) and hold
 * terminal escapes: keep the promise of one readable line on stderr. */
char *
tcia_cli_one_line (const char *text)
{
  return tcia_text_sanitize (text, CLI_MESSAGE_MAX);
}

void
tcia_cli_add_main_options (GApplication *application)
{
  g_return_if_fail (G_IS_APPLICATION (application));

  g_application_add_main_option_entries (application, main_entries);
}

/* Set only by the test build's main (see main.c): the installed program
 * must not let its environment turn its retries into a hammering of the
 * server, and it does not even hold the variable's name. */
static gboolean has_test_retry_delay;
static guint64 test_retry_delay_ms;

void
tcia_cli_set_test_retry_delay (guint64 delay_ms)
{
  has_test_retry_delay = TRUE;
  test_retry_delay_ms = delay_ms;
}

gboolean
tcia_cli_get_test_retry_delay (guint64 *delay_ms)
{
  if (has_test_retry_delay)
    *delay_ms = test_retry_delay_ms;
  return has_test_retry_delay;
}

void
tcia_cli_apply_test_retry_policy (TciaClient *client)
{
  guint64 delay_ms;

  if (tcia_cli_get_test_retry_delay (&delay_ms))
    tcia_client_set_retry_policy (client, 5, delay_ms, delay_ms * 2);
}
