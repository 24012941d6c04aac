/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-cli"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "tcia-core.h"
#include "tcia-download-queue.h"
#include "tcia-import.h"
#include "tcia-session.h"
#include "tcia-text.h"

#include "tcia-cli.h"
#include "tcia-cli-private.h"

/* --download: a manifest's series into a folder, with progress on stderr. */

struct _TciaCliDownload
{
  char       *manifest;
  char       *output;
  guint       jobs;
  TciaLayout  layout;
  gboolean    verify;
  gboolean    verify_existing;
  gboolean    offline;      /* series looked up in the local catalogue only */
  char       *source;       /* the source policy */
};

typedef struct
{
  TciaDownloadQueue *queue;
  guint              n_total;
  guint              n_skipped;
  gboolean           live;        /* stderr is a terminal: one line, rewritten */
  gint64             started_us;
  gboolean           done;
  TciaImportResult  *resolved;
  GError            *error;
  GCancellable      *cancellable; /* the look-up of the series */
  int                signum;      /* the signal that interrupted the run, or 0 */
  gboolean           retry_shown; /* a "trying again" line is on the terminal */
  GHashTable        *sources;     /* source name → series it served */
  GHashTable        *fallbacks;   /* "source: why" → series */
  guint              n_unknown_folders; /* s5cmd folders IDC does not know */
  guint              n_not_looked_up;   /* UIDs nobody could look up */
} DownloadRun;

/* Ctrl-C, kill and a closed terminal: what a person does to stop a download. */
static const int interrupt_signals[] = { SIGINT, SIGTERM, SIGHUP };

typedef struct
{
  DownloadRun *run;
  int          signum;
} Interrupt;

TciaCliDownload *
tcia_cli_download_new_from_options (GVariantDict  *options,
                                    GError       **error)
{
  g_autoptr(TciaCliDownload) self = NULL;
  const char *layout = NULL;
  gint32 jobs = TCIA_DOWNLOAD_QUEUE_DEFAULT_JOBS;

  g_return_val_if_fail (options != NULL, NULL);

  if (!g_variant_dict_contains (options, "download"))
    {
      static const char * const needs[] = { "output", "jobs", "layout", "no-verify",
                                            "verify-existing", "source" };

      const char *list = NULL;

      g_variant_dict_lookup (options, "list", "&s", &list);
      for (guint i = 0; i < G_N_ELEMENTS (needs); i++)
        {
          /* --list=new --output=DIR names a folder downloaded into. */
          if (i == 0 && g_strcmp0 (list, "new") == 0)
            continue;
          if (g_variant_dict_contains (options, needs[i]))
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--%s needs --download"), needs[i]);
              return NULL;
            }
        }
      return NULL;
    }
  if (g_variant_dict_contains (options, "list"))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--download and --list cannot be used together"));
      return NULL;
    }

  self = g_new0 (TciaCliDownload, 1);
  g_variant_dict_lookup (options, "download", "^ay", &self->manifest);
  g_variant_dict_lookup (options, "output", "^ay", &self->output);
  if (self->manifest == NULL || *self->manifest == '\0')
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--download needs a manifest file"));
      return NULL;
    }
  if (self->output == NULL || *self->output == '\0')
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--download needs --output=DIR, the folder to download into"));
      return NULL;
    }

  g_variant_dict_lookup (options, "jobs", "i", &jobs);
  if (jobs < 1 || jobs > TCIA_DOWNLOAD_QUEUE_MAX_JOBS)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--jobs must be between 1 and %d"), TCIA_DOWNLOAD_QUEUE_MAX_JOBS);
      return NULL;
    }
  self->jobs = jobs;

  self->verify = !g_variant_dict_contains (options, "no-verify");
  self->verify_existing = g_variant_dict_contains (options, "verify-existing");
  self->offline = g_variant_dict_contains (options, "offline");

  self->layout = TCIA_LAYOUT_DESCRIPTIVE;
  if (g_variant_dict_lookup (options, "layout", "&s", &layout) &&
      !tcia_layout_from_string (layout, &self->layout))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("unknown --layout “%s”: choose descriptive, classic or flat"), layout);
      return NULL;
    }

  if (!g_variant_dict_lookup (options, "source", "s", &self->source))
    self->source = g_strdup ("auto");
  if (!tcia_session_source_policy_is_valid (self->source))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("unknown --source “%s”: choose auto, nbia or idc"), self->source);
      return NULL;
    }

  return g_steal_pointer (&self);
}

void
tcia_cli_download_free (TciaCliDownload *self)
{
  if (self == NULL)
    return;
  g_free (self->manifest);
  g_free (self->output);
  g_free (self->source);
  g_free (self);
}

static void
resolve_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  DownloadRun *run = user_data;

  if (g_task_get_source_tag (G_TASK (result)) == tcia_import_resolve_idc_async)
    run->resolved = tcia_import_resolve_idc_finish (result, &run->error);
  else
    run->resolved = tcia_import_resolve_finish (result, &run->error);
  run->done = TRUE;
}

/* An s5cmd manifest names IDC folders: IDC says which series they are and
 * where; the download then fetches them from there without asking again.
 * Folders IDC does not know are named, never silently left out. */
static gboolean
start_idc_lookup (DownloadRun     *run,
                  TciaSession     *session,
                  TciaClient      *client,
                  TciaImportFile  *manifest)
{
  g_autoptr(TciaIdcClient) idc_client = NULL;
  g_autoptr(GError) error = NULL;
  guint64 delay_ms;

  idc_client = tcia_session_dup_idc_client (session, &error);
  if (idc_client == NULL)
    {
      g_autofree char *reason = tcia_cli_one_line (error->message);

      tcia_cli_print_error (_("an s5cmd manifest is looked up in IDC: %s"), reason);
      return FALSE;
    }
  if (tcia_cli_get_test_retry_delay (&delay_ms))
    tcia_idc_client_set_retry_policy (idc_client, 3, delay_ms, delay_ms * 2);
  tcia_import_resolve_idc_async (NULL, client, idc_client, manifest, 0, NULL, NULL, NULL,
                                 run->cancellable, resolve_cb, run);
  return TRUE;
}

static void
report_idc_lookup (DownloadRun     *run,
                   TciaSession     *session,
                   TciaImportFile  *manifest)
{
  const char * const *unknown = tcia_import_result_get_unknown_idc_uuids (run->resolved);
  const char *warning = tcia_import_result_get_warning (run->resolved);
  const char * const *uuids = tcia_import_file_get_idc_series_uuids (manifest);
  const char * const *buckets = tcia_import_file_get_idc_buckets (manifest);

  tcia_session_add_idc_locations (session, tcia_import_result_get_idc_locations (run->resolved));
  if (warning != NULL)
    {
      g_autofree char *line = tcia_cli_one_line (warning);

      tcia_cli_print_error ("%s", line);
    }
  for (guint i = 0; unknown[i] != NULL; i++)
    {
      const char *bucket = "";

      for (guint k = 0; uuids[k] != NULL; k++)
        if (g_str_equal (uuids[k], unknown[i]))
          bucket = buckets[k];
      tcia_cli_print_error (_("IDC does not know the series folder s3://%s/%s of the manifest: "
                              "not downloaded"), bucket, unknown[i]);
      run->n_unknown_folders++;
    }
}

/* The look-up can wait minutes for a busy server: say so rather than
 * look hung. Only on a terminal, on a line that is rewritten. */
static void
lookup_retrying_cb (TciaClient *client,
                    guint       attempt,
                    guint       max_attempts,
                    guint       delay_ms,
                    const char *reason,
                    gpointer    user_data)
{
  DownloadRun *run = user_data;
  g_autofree char *text = tcia_text_sanitize (reason, TCIA_TEXT_MESSAGE_MAX);

  if (!run->live)
    return;

  fprintf (stderr, "\r\033[K");
  /* Translators: the first %s is why, such as "Server busy (HTTP 503)". */
  fprintf (stderr, _("%s, trying again in %u s (%u of %u)…"),
           text, (delay_ms + 999) / 1000, attempt, max_attempts);
  fflush (stderr);
  run->retry_shown = TRUE;
}

/* Progress is for a person at a terminal; a log or a pipe gets the
 * failures and the summary only. */
static void
print_live_line (DownloadRun *run)
{
  if (run->live)
    tcia_cli_print_progress (run->queue, run->n_total, run->started_us);
}

static gboolean
live_tick_cb (gpointer user_data)
{
  print_live_line (user_data);
  return G_SOURCE_CONTINUE;
}

static void
bytes_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  print_live_line (user_data);
}

static void
tally (GHashTable *table,
       const char *key)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (table, key));

  g_hash_table_replace (table, g_strdup (key), GUINT_TO_POINTER (n + 1));
}

/* Which source served the series, and why not the preferred one. */
static void
tally_source (DownloadRun     *run,
              TciaDownloadJob *job)
{
  const char *source = tcia_download_job_get_source (job);
  const char *note = tcia_download_job_get_source_note (job);

  if (source == NULL)
    return;
  tally (run->sources, source);
  if (note != NULL)
    {
      g_autofree char *line = tcia_cli_one_line (note);
      g_autofree char *key = g_strdup_printf ("%s\t%s", source, line);

      tally (run->fallbacks, key);
    }
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

/* Ends the summary line with "; 12 from IDC, 3 from NBIA.", then a line
 * for each reason a series came from another source than the preferred. */
static void
print_sources (DownloadRun *run)
{
  g_autofree gpointer *keys = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  guint n;

  keys = g_hash_table_get_keys_as_array (run->sources, &n);
  if (n == 0)
    {
      fputs (".\n", stderr);
      return;
    }
  qsort (keys, n, sizeof *keys, compare_keys);
  for (guint i = 0; i < n; i++)
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (run->sources, keys[i]));

      if (i > 0)
        g_string_append (line, ", ");
      /* Translators: "12 from IDC"; %s is a source. */
      g_string_append_printf (line, ngettext ("%u from %s", "%u from %s", count), count,
                              (const char *) keys[i]);
    }
  fprintf (stderr, "; %s.\n", line->str);

  g_clear_pointer (&keys, g_free);
  keys = g_hash_table_get_keys_as_array (run->fallbacks, &n);
  qsort (keys, n, sizeof *keys, compare_keys);
  for (guint i = 0; i < n; i++)
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (run->fallbacks, keys[i]));
      g_auto(GStrv) parts = g_strsplit (keys[i], "\t", 2);

      /* Translators: "3 series from NBIA: IDC does not have this series". */
      fprintf (stderr, ngettext ("  %u series from %s: %s\n", "  %u series from %s: %s\n",
                                 count),
               count, parts[0], parts[1]);
    }
}

static void
job_finished_cb (TciaDownloadQueue *queue,
                 TciaDownloadJob   *job,
                 gpointer           user_data)
{
  DownloadRun *run = user_data;
  const GError *error = tcia_download_job_get_error (job);

  switch (tcia_download_job_get_state (job))
    {
    case TCIA_DOWNLOAD_JOB_SKIPPED:
      run->n_skipped++;
      break;
    case TCIA_DOWNLOAD_JOB_FAILED:
      {
        g_autofree char *reason = tcia_cli_one_line (error != NULL ? error->message : "");

        if (run->live)
          fprintf (stderr, "\r\033[K");
        fprintf (stderr, _("tcia-basket: series %s failed: %s\n"),
                 tcia_download_job_get_series_uid (job), reason);
      }
      break;
    case TCIA_DOWNLOAD_JOB_DONE:
      tally_source (run, job);
      break;
    case TCIA_DOWNLOAD_JOB_QUEUED:
    case TCIA_DOWNLOAD_JOB_RUNNING:
    case TCIA_DOWNLOAD_JOB_PAUSED:
    case TCIA_DOWNLOAD_JOB_CANCELLED:
    default:
      break;
    }
  print_live_line (run);
  fflush (stderr);
}

static void
queue_finished_cb (TciaDownloadQueue *queue,
                   gpointer           user_data)
{
  DownloadRun *run = user_data;

  run->done = TRUE;
}

/* The first signal stops the download cleanly: running series are cancelled
 * and their .part folders removed by their workers, series already complete
 * stay, as do their metadata.csv rows. A second one stops at once. */
static gboolean
interrupt_cb (gpointer user_data)
{
  Interrupt *interrupt = user_data;
  DownloadRun *run = interrupt->run;

  if (run->signum != 0)
    {
      signal (interrupt->signum, SIG_DFL);
      raise (interrupt->signum);
      return G_SOURCE_CONTINUE;
    }

  run->signum = interrupt->signum;
  if (run->live)
    fprintf (stderr, "\r\033[K");
  fprintf (stderr, _("Interrupted: stopping the series being downloaded (once more to stop at "
                     "once)…\n"));
  fflush (stderr);
  g_cancellable_cancel (run->cancellable);
  if (run->queue != NULL)
    tcia_download_queue_cancel_all (run->queue);
  return G_SOURCE_CONTINUE;
}

static GPtrArray *
watch_interrupts (DownloadRun  *run,
                  GMainContext *context)
{
  GPtrArray *sources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);

  for (guint i = 0; i < G_N_ELEMENTS (interrupt_signals); i++)
    {
      GSource *source = g_unix_signal_source_new (interrupt_signals[i]);
      Interrupt *interrupt = g_new0 (Interrupt, 1);

      interrupt->run = run;
      interrupt->signum = interrupt_signals[i];
      g_source_set_callback (source, interrupt_cb, interrupt, g_free);
      g_source_attach (source, context);
      g_ptr_array_add (sources, source);
    }
  return sources;
}

static void
unwatch_interrupts (GPtrArray *sources)
{
  for (guint i = 0; i < sources->len; i++)
    g_source_destroy (g_ptr_array_index (sources, i));
  g_ptr_array_unref (sources);
}

static int
interrupted (DownloadRun     *run,
             TciaCliDownload *self)
{
  guint done = 0, failed = 0;

  if (run->queue != NULL)
    {
      done = tcia_download_queue_get_n_done (run->queue);
      failed = tcia_download_queue_get_n_failed (run->queue);
    }
  if (run->live)
    fprintf (stderr, "\r\033[K");
  fprintf (stderr, _("Interrupted: %u of %u series complete in %s (%u already there), %u failed, "
                     "%u not downloaded. Run the same command again to download the rest.\n"),
           done, run->n_total, self->output, run->n_skipped, failed,
           run->n_total - MIN (run->n_total, done + failed));
  fflush (stderr);

  /* As a shell reports a command killed by the signal. */
  return 128 + run->signum;
}

/* Bad lines of a manifest, each on a line of its own with the file and
 * the line (the message has one a line), not run together. */
static void
print_manifest_error (const GError *error)
{
  g_auto(GStrv) lines = NULL;

  if (!g_error_matches (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_INVALID_LINE))
    {
      g_autofree char *reason = tcia_cli_one_line (error->message);

      tcia_cli_print_error (_("could not read the manifest: %s"), reason);
      return;
    }

  lines = g_strsplit (error->message, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = tcia_cli_one_line (lines[i]);

      if (*line != '\0')
        tcia_cli_print_error ("%s", line);
    }
}

int
tcia_cli_download_run (TciaCliDownload *self,
                       const char      *api_url,
                       const char      *idc_api_url,
                       const char      *idc_bucket_url)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(TciaSession) session = NULL;
  g_autoptr(TciaCatalogue) lookup = NULL;
  g_autoptr(TciaLocalCatalogue) local = NULL;
  g_autoptr(TciaImportFile) manifest = NULL;
  g_autoptr(GFile) manifest_file = NULL;
  g_autoptr(GFile) output = NULL;
  gboolean s5cmd;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *reason = NULL;
  g_autofree char *size = NULL;
  DownloadRun run = { 0 };
  GPtrArray *interrupts;
  GListModel *series;
  const char * const *unknown;
  gulong retrying_handler;
  guint64 delay_ms = 0;
  int status;

  g_return_val_if_fail (self != NULL, TCIA_CLI_EXIT_FAILURE);

  /* A file over RLIMIT_FSIZE is a write error to report, not a signal. */
  signal (SIGXFSZ, SIG_IGN);

  client = tcia_client_new (api_url, &error);
  if (client == NULL)
    {
      reason = tcia_cli_one_line (error->message);
      tcia_cli_print_error ("%s", reason);
      return TCIA_CLI_EXIT_FAILURE;
    }
  tcia_cli_apply_test_retry_policy (client);

  manifest_file = g_file_new_for_commandline_arg (self->manifest);
  manifest = tcia_import_parse_file (manifest_file, TCIA_IMPORT_FORMAT_AUTO,
                                     TCIA_IMPORT_FLAGS_NONE, NULL, &error);
  if (manifest == NULL)
    {
      print_manifest_error (error);
      return TCIA_CLI_EXIT_FAILURE;
    }

  if (g_mkdir_with_parents (self->output, 0755) < 0 || access (self->output, W_OK | X_OK) < 0)
    {
      int errsv = errno;

      if (errsv == EROFS || errsv == EACCES || errsv == EPERM)
        tcia_cli_print_error (_("cannot download into “%s”: the folder is read-only (%s); "
                                "choose another folder"),
                              self->output, g_strerror (errsv));
      else
        tcia_cli_print_error (_("cannot download into “%s”: %s"), self->output,
                              g_strerror (errsv));
      return TCIA_CLI_EXIT_FAILURE;
    }
  output = g_file_new_for_commandline_arg (self->output);

  /* The same checkout as the window's, set from the options. */
  session = g_object_new (TCIA_TYPE_SESSION,
                          "client", client,
                          "destination", output,
                          "layout", self->layout,
                          "jobs", self->jobs,
                          "verify-checksums", self->verify,
                          "verify-existing", self->verify_existing,
                          "source-policy", self->source,
                          "idc-api-url", idc_api_url,
                          "idc-bucket-url", idc_bucket_url,
                          NULL);

  s5cmd = tcia_import_file_get_format (manifest) == TCIA_IMPORT_FORMAT_S5CMD;
  if (s5cmd && self->offline)
    {
      tcia_cli_print_error (_("an s5cmd manifest is looked up in IDC: --offline cannot be "
                              "used with it"));
      return TCIA_CLI_EXIT_FAILURE;
    }

  g_main_context_push_thread_default (context);
  lookup = tcia_cli_dup_lookup_catalogue (session, self->offline, &local);
  if (lookup == NULL)
    {
      g_main_context_pop_thread_default (context);
      return TCIA_CLI_EXIT_FAILURE;
    }
  run.cancellable = cancellable;
  run.live = isatty (STDERR_FILENO);

  interrupts = watch_interrupts (&run, context);

  if (run.live)
    {
      fprintf (stderr, _("Looking up %u series…"),
               s5cmd ? tcia_import_file_get_n_idc_series (manifest)
                     : tcia_import_file_get_n_uids (manifest));
      fflush (stderr);
      run.retry_shown = TRUE;
    }
  retrying_handler = g_signal_connect (client, "retrying", G_CALLBACK (lookup_retrying_cb), &run);
  if (!s5cmd)
    tcia_import_resolve_async (NULL, lookup, tcia_import_file_get_uids (manifest), 0,
                               NULL, NULL, NULL, cancellable, resolve_cb, &run);
  else if (!start_idc_lookup (&run, session, client, manifest))
    run.done = TRUE;
  while (!run.done)
    g_main_context_iteration (context, TRUE);
  g_clear_signal_handler (&retrying_handler, client);
  /* The catalogue's part is done: its file is closed before the download. */
  g_clear_object (&lookup);
  tcia_session_set_catalogue (session, NULL);
  if (local != NULL)
    tcia_cli_release_catalogue (context, &local);
  if (run.retry_shown)
    {
      fprintf (stderr, "\r\033[K");
      fflush (stderr);
      run.retry_shown = FALSE;
    }
  if (run.resolved == NULL && run.error == NULL && run.signum == 0)
    {
      /* The IDC look-up could not start; it said why. */
      unwatch_interrupts (interrupts);
      g_main_context_pop_thread_default (context);
      return TCIA_CLI_EXIT_FAILURE;
    }
  if (run.resolved == NULL)
    {
      if (run.signum != 0)
        {
          run.n_total = s5cmd ? tcia_import_file_get_n_idc_series (manifest)
                              : tcia_import_file_get_n_uids (manifest);
          status = interrupted (&run, self);
        }
      else
        {
          reason = tcia_cli_one_line (run.error->message);
          tcia_cli_print_error (_("could not look up the series of the manifest: %s"), reason);
          status = TCIA_CLI_EXIT_FAILURE;
        }
      g_clear_error (&run.error);
      unwatch_interrupts (interrupts);
      g_main_context_pop_thread_default (context);
      return status;
    }

  /* A new session with a client: nothing can be in the way. */
  run.queue = g_object_ref (tcia_session_prepare_queue (session, NULL));
  run.started_us = g_get_monotonic_time ();
  if (tcia_cli_get_test_retry_delay (&delay_ms))
    {
      tcia_download_queue_set_retry_policy (run.queue, 5, delay_ms, delay_ms * 2);
      tcia_download_queue_set_timeout (run.queue, 5);
    }
  run.sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run.fallbacks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect (run.queue, "job-finished", G_CALLBACK (job_finished_cb), &run);
  g_signal_connect (run.queue, "finished", G_CALLBACK (queue_finished_cb), &run);
  g_signal_connect (run.queue, "notify::bytes-received", G_CALLBACK (bytes_notify_cb), &run);

  series = tcia_import_result_get_series (run.resolved);
  unknown = tcia_import_result_get_unknown_uids (run.resolved);
  if (s5cmd)
    report_idc_lookup (&run, session, manifest);
  run.n_not_looked_up = tcia_cli_report_not_looked_up (run.resolved, self->offline);
  run.n_total = g_list_model_get_n_items (series) + tcia_import_result_get_n_unknown (run.resolved) +
                run.n_unknown_folders + run.n_not_looked_up;
  for (guint i = 0; unknown != NULL && unknown[i] != NULL; i++)
    tcia_download_queue_add_unknown (run.queue, unknown[i]);

  /* A signal during the look-up was not seen as one: the look-up had ended. */
  run.done = FALSE;
  if (run.signum == 0 && run.n_total > run.n_unknown_folders + run.n_not_looked_up)
    {
      /* Once a second too, so that a wait for the server counts down. */
      GSource *tick = g_timeout_source_new_seconds (1);

      g_source_set_callback (tick, live_tick_cb, &run, NULL);
      g_source_attach (tick, context);
      tcia_session_checkout (session, series, NULL);
      while (!run.done)
        g_main_context_iteration (context, TRUE);
      g_source_destroy (tick);
      g_source_unref (tick);
    }

  if (run.signum != 0)
    {
      status = interrupted (&run, self);
    }
  else
    {
      if (run.live)
        fprintf (stderr, "\r\033[K");
      size = g_format_size (tcia_download_queue_get_bytes_received (run.queue));
      fprintf (stderr, _("%u of %u series complete in %s (%u already there), %u failed; %s "
                         "received in %.1f s"),
               tcia_download_queue_get_n_done (run.queue), run.n_total, self->output,
               run.n_skipped,
               tcia_download_queue_get_n_failed (run.queue) + run.n_unknown_folders +
               run.n_not_looked_up,
               size,
               (g_get_monotonic_time () - run.started_us) / 1e6);
      print_sources (&run);
      fflush (stderr);
      status = tcia_download_queue_get_n_failed (run.queue) + run.n_unknown_folders +
               run.n_not_looked_up > 0 ? 1 : 0;
    }

  g_signal_handlers_disconnect_by_data (run.queue, &run);
  g_clear_object (&run.queue);
  g_clear_pointer (&run.resolved, tcia_import_result_unref);
  g_clear_pointer (&run.sources, g_hash_table_unref);
  g_clear_pointer (&run.fallbacks, g_hash_table_unref);
  /* Let the workers' last messages land before the context goes. */
  while (g_main_context_iteration (context, FALSE))
    ;
  unwatch_interrupts (interrupts);
  g_main_context_pop_thread_default (context);

  return status;
}
