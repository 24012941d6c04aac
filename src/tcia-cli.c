/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-cli"

#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

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
    N_("Print the listing as tsv (the default), csv, json, tcia (a manifest of series) or s5cmd (a manifest of IDC folders)"),
    N_("FORMAT") },
  { "search", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("List the series of the whole archive matching every word of TEXT (the start of a "
       "UID, or of words of IDs, descriptions, collection, modality, body part, manufacturer), "
       "narrowed by the filters, from the local catalogue"),
    N_("TEXT") },
  { "offline", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Answer --list, and look up the series of --download, from the local catalogue, "
       "without asking the server (see --sync)"), NULL },
  { "sync", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Fill the local catalogue of the whole archive, or bring it up to date, then exit; "
       "Ctrl-C keeps the collections already listed"),
    NULL },
  { "download", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Download the series of MANIFEST (a .tcia or .s5cmd manifest, or a list of series UIDs) instead "
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
  { "source", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Download from auto (the default: IDC for the series it has, NBIA for the rest, each "
       "falling back to the other), nbia or idc"),
    N_("SOURCE") },
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

/* The long names of the options, for suggestions: GApplication does not
 * say which options it parses. */
#define OPTION_NAMES_KEY "tcia-cli-option-names"

void
tcia_cli_add_option_entries (GApplication       *application,
                             const GOptionEntry *entries)
{
  GPtrArray *names;

  g_return_if_fail (G_IS_APPLICATION (application));

  names = g_object_get_data (G_OBJECT (application), OPTION_NAMES_KEY);
  if (names == NULL)
    {
      static const char * const builtin[] = { "help", "help-all", "help-gapplication" };

      names = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < G_N_ELEMENTS (builtin); i++)
        g_ptr_array_add (names, g_strdup (builtin[i]));
      g_object_set_data_full (G_OBJECT (application), OPTION_NAMES_KEY, names,
                              (GDestroyNotify) g_ptr_array_unref);
    }
  for (const GOptionEntry *entry = entries; entry->long_name != NULL; entry++)
    g_ptr_array_add (names, g_strdup (entry->long_name));

  g_application_add_main_option_entries (application, entries);
}

void
tcia_cli_add_main_options (GApplication *application)
{
  g_return_if_fail (G_IS_APPLICATION (application));

  tcia_cli_add_option_entries (application, main_entries);
}

/* Optimal string alignment distance (a swap of two neighbours costs one,
 * as in "IRDI" for "IDRI") between two casefolded strings, in characters. */
static guint
edit_distance (const char *a,
               const char *b)
{
  g_autofree char *fold_a = g_utf8_casefold (a, -1);
  g_autofree char *fold_b = g_utf8_casefold (b, -1);
  glong n = 0, m = 0;
  g_autofree gunichar *s = g_utf8_to_ucs4_fast (fold_a, -1, &n);
  g_autofree gunichar *t = g_utf8_to_ucs4_fast (fold_b, -1, &m);
  g_autofree guint *d = g_new (guint, (n + 1) * (m + 1));
  guint result;

#define D(i, j) d[(i) * (m + 1) + (j)]
  for (glong i = 0; i <= n; i++)
    D (i, 0) = i;
  for (glong j = 0; j <= m; j++)
    D (0, j) = j;
  for (glong i = 1; i <= n; i++)
    {
      for (glong j = 1; j <= m; j++)
        {
          guint cost = s[i - 1] == t[j - 1] ? 0 : 1;
          guint best = MIN (MIN (D (i - 1, j) + 1, D (i, j - 1) + 1), D (i - 1, j - 1) + cost);

          if (i > 1 && j > 1 && s[i - 1] == t[j - 2] && s[i - 2] == t[j - 1])
            best = MIN (best, D (i - 2, j - 2) + 1);
          D (i, j) = best;
        }
    }
  result = D (n, m);
#undef D

  return result;
}

const char *
tcia_cli_closest (const char         *word,
                  const char * const *candidates,
                  guint               n_candidates)
{
  const char *closest = NULL;
  guint best = G_MAXUINT;
  /* Two slips in a short word, a third of a long one: beyond that the
   * "closest" is a guess that misleads more than it helps. */
  guint limit = MAX (2, g_utf8_strlen (word, -1) / 3);

  g_return_val_if_fail (word != NULL, NULL);

  for (guint i = 0; i < n_candidates; i++)
    {
      guint distance = edit_distance (word, candidates[i]);

      if (distance < best)
        {
          best = distance;
          closest = candidates[i];
        }
    }

  return best <= limit ? closest : NULL;
}

/* ---- GOption's own errors ------------------------------------------------------ */

/* GApplication prints why it could not parse the command line with
 * g_printerr() and returns; the message is caught instead, and said as the
 * program's other errors are, with a hint. */
static GString    *parse_errors;
static GPrintFunc  saved_printerr;

static void
capture_printerr (const char *text)
{
  g_string_append (parse_errors, text);
}

void
tcia_cli_options_begin (void)
{
  g_return_if_fail (parse_errors == NULL);

  parse_errors = g_string_new (NULL);
  saved_printerr = g_set_printerr_handler (capture_printerr);
}

/* The first long option of @argv that is not one of @names, or NULL. */
static char *
find_unknown_option (const char * const *argv,
                     GPtrArray          *names)
{
  for (guint i = 1; argv != NULL && argv[i] != NULL; i++)
    {
      const char *arg = argv[i];
      g_autofree char *name = NULL;
      gboolean known = FALSE;

      if (g_str_equal (arg, "--"))
        break;
      if (!g_str_has_prefix (arg, "--"))
        continue;
      name = g_strndup (arg + 2, strcspn (arg + 2, "="));
      for (guint n = 0; names != NULL && n < names->len && !known; n++)
        known = g_str_equal (name, g_ptr_array_index (names, n));
      if (!known)
        return g_steal_pointer (&name);
    }
  return NULL;
}

void
tcia_cli_options_end (GApplication       *application,
                      const char * const *argv,
                      gboolean            parsed)
{
  g_autoptr(GString) errors = NULL;
  g_autofree char *unknown = NULL;
  const char *closest = NULL;
  GPtrArray *names;

  if (parse_errors == NULL)
    return;

  g_set_printerr_handler (saved_printerr);
  errors = g_steal_pointer (&parse_errors);
  if (parsed)
    {
      /* Nothing went wrong: let through whatever was said. */
      if (errors->len > 0)
        g_printerr ("%s", errors->str);
      return;
    }

  names = g_object_get_data (G_OBJECT (application), OPTION_NAMES_KEY);
  unknown = find_unknown_option (argv, names);
  if (unknown != NULL && names != NULL)
    closest = tcia_cli_closest (unknown, (const char * const *) names->pdata, names->len);

  g_strchomp (errors->str);
  if (errors->len == 0)
    g_string_assign (errors, _("the command line could not be parsed"));
  if (closest != NULL)
    {
      /* Translators: after GLib's "Unknown option --colection=X". */
      tcia_cli_print_error (_("%s; did you mean --%s?"), errors->str, closest);
    }
  else
    tcia_cli_print_error ("%s", errors->str);
  fprintf (stderr, _("Try “%s --help” for more information.\n"), "tcia-basket");
  fflush (stderr);
}

/* ---- A reader that went away ---------------------------------------------------- */

void
tcia_cli_exit_on_closed_pipe (void)
{
  sigset_t set;

  /* As `seq 1 100000 | head -1` ends: killed by SIGPIPE, without a word
   * (the shell sees 141). The signal was ignored so that the write could
   * fail rather than kill halfway through a line. */
  fflush (stderr);
  signal (SIGPIPE, SIG_DFL);
  sigemptyset (&set);
  sigaddset (&set, SIGPIPE);
  sigprocmask (SIG_UNBLOCK, &set, NULL);
  raise (SIGPIPE);
  _exit (128 + SIGPIPE);
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
