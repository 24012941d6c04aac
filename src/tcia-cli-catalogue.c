/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-cli"

#include "config.h"

#include <inttypes.h>

#include <signal.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "tcia-core.h"
#include "tcia-import.h"
#include "tcia-session.h"

#include "tcia-cli.h"
#include "tcia-cli-private.h"

/* The local catalogue on the command line: --sync fills or refreshes it,
 * with progress on stderr; listings with --offline, --search or --list=new
 * are answered from it (tcia-cli-list.c prints them), and so are the
 * look-ups of --download --offline. */

/* --sync takes no other option (the server comes from --api-url). */
struct _TciaCliSync
{
  gboolean requested;
};

typedef struct
{
  TciaCliCatalogueList  what;
  gboolean              done;
  GListModel           *rows;
  guint                 n_total;
  GError               *error;
} Wait;

static void
catalogue_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;
  TciaLocalCatalogue *catalogue = TCIA_LOCAL_CATALOGUE (source);

  /* Collections and values through the interface the window uses. */
  switch (wait->what)
    {
    case TCIA_CLI_CATALOGUE_COLLECTIONS:
      wait->rows = tcia_catalogue_list_collections_finish (TCIA_CATALOGUE (source), result,
                                                           &wait->error);
      break;
    case TCIA_CLI_CATALOGUE_VALUES:
      wait->rows = tcia_catalogue_list_values_finish (TCIA_CATALOGUE (source), result,
                                                      &wait->error);
      break;
    case TCIA_CLI_CATALOGUE_SERIES:
      wait->rows = tcia_local_catalogue_search_finish (catalogue, result, &wait->n_total,
                                                       &wait->error);
      break;
    case TCIA_CLI_CATALOGUE_NEW:
      wait->rows = tcia_local_catalogue_list_new_finish (catalogue, result, &wait->n_total,
                                                         &wait->error);
      break;
    default:
      g_assert_not_reached ();
    }
  wait->done = TRUE;
}

static gboolean
expired_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Whether the catalogue is gone, told by whichever thread drops it last,
 * and the context to wake then. Shared by the waiting side and the weak
 * reference: the last of the two to let go frees it. */
typedef struct
{
  GMainContext *context;
  gint          gone;
} Release;

static void
release_clear (gpointer data)
{
  g_main_context_unref (((Release *) data)->context);
}

static void
released_cb (gpointer  data,
             GObject  *where_the_object_was)
{
  Release *release = data;

  g_atomic_int_set (&release->gone, TRUE);
  g_main_context_wakeup (release->context);
  g_atomic_rc_box_release_full (release, release_clear);
}

/* Takes our reference to @catalogue and lets what is still queued for it
 * run (its notifications and the sync's hold it) until it is gone: its
 * connections close then, which checkpoints and removes the write-ahead
 * log. A few seconds at most, whatever happens.
 *
 * The sync's last reference may go in one of its threads, not here, with
 * nothing left for this context to dispatch: the weak reference wakes it,
 * or the --sync that was done waited the whole 5 s, one run in four. */
gboolean
tcia_cli_release_catalogue (GMainContext        *context,
                            TciaLocalCatalogue **catalogue)
{
  Release *release;
  gboolean expired = FALSE;
  gboolean gone;
  GSource *timeout;

  if (*catalogue == NULL)
    return TRUE;
  release = g_atomic_rc_box_new0 (Release);
  release->context = g_main_context_ref (context);
  g_object_weak_ref (G_OBJECT (*catalogue), released_cb, g_atomic_rc_box_acquire (release));
  g_clear_object (catalogue);
  timeout = g_timeout_source_new_seconds (5);
  g_source_set_callback (timeout, expired_cb, &expired, NULL);
  g_source_attach (timeout, context);
  while (!g_atomic_int_get (&release->gone) && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  gone = g_atomic_int_get (&release->gone) && !expired;
  /* Still there: the weak reference keeps its share of @release, for
   * whenever the catalogue goes. */
  g_atomic_rc_box_release_full (release, release_clear);

  return gone;
}

GListModel *
tcia_cli_catalogue_fetch (TciaCliCatalogueList   what,
                          int                    value_kind,
                          const TciaQuery       *query,
                          const char            *search,
                          const char            *dest_dir,
                          guint                 *n_added,
                          GError               **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(TciaLocalCatalogue) catalogue = NULL;
  Wait wait = { what, FALSE, NULL, 0, NULL };

  g_main_context_push_thread_default (context);
  catalogue = tcia_local_catalogue_open_existing (NULL, error);
  if (catalogue == NULL)
    {
      g_main_context_pop_thread_default (context);
      return NULL;
    }

  switch (what)
    {
    case TCIA_CLI_CATALOGUE_COLLECTIONS:
      tcia_catalogue_list_collections_async (TCIA_CATALOGUE (catalogue), NULL, NULL,
                                             catalogue_cb, &wait);
      break;
    case TCIA_CLI_CATALOGUE_VALUES:
      tcia_catalogue_list_values_async (TCIA_CATALOGUE (catalogue), value_kind, query, NULL,
                                        NULL, catalogue_cb, &wait);
      break;
    case TCIA_CLI_CATALOGUE_SERIES:
      tcia_local_catalogue_search_async (catalogue, search, query, 0, NULL, NULL,
                                         catalogue_cb, &wait);
      break;
    case TCIA_CLI_CATALOGUE_NEW:
      tcia_local_catalogue_list_new_async (catalogue, dest_dir, NULL, NULL, catalogue_cb, &wait);
      break;
    default:
      g_assert_not_reached ();
    }

  while (!wait.done)
    g_main_context_iteration (context, TRUE);
  tcia_cli_release_catalogue (context, &catalogue);
  g_main_context_pop_thread_default (context);

  if (wait.rows == NULL)
    g_propagate_error (error, wait.error);
  else if (n_added != NULL)
    *n_added = wait.n_total;

  return wait.rows;
}

/* ---- --sync ---- */

typedef struct
{
  TciaCatalogueSync *sync;
  GCancellable      *cancellable;
  gboolean           live;       /* stderr is a terminal: one line, rewritten */
  gboolean           done;
  gboolean           ok;
  GError            *error;
  int                signum;
  guint              printed;    /* collections reported, off a terminal */
} SyncRun;

static void
print_progress (SyncRun *run)
{
  guint done = tcia_catalogue_sync_get_collections_done (run->sync);
  guint total = tcia_catalogue_sync_get_collections_total (run->sync);
  guint64 series = tcia_catalogue_sync_get_series_done (run->sync);
  g_autofree char *current = tcia_catalogue_sync_dup_current_collection (run->sync);
  g_autofree char *clean = current != NULL ? tcia_cli_one_line (current) : NULL;

  if (run->live)
    {
      fprintf (stderr, "\r\033[K");
      fprintf (stderr, _("%u of %u collections listed · %" PRIu64 " series"),
               done, total, series);
      if (clean != NULL)
        fprintf (stderr, " · %s", clean);
    }
  else if (done > run->printed)
    {
      /* Off a terminal, a line per finished collection. */
      run->printed = done;
      fprintf (stderr, _("%u of %u collections listed · %" PRIu64 " series\n"),
               done, total, series);
    }
  fflush (stderr);
}

static void
progress_cb (GObject    *object,
             GParamSpec *pspec,
             gpointer    user_data)
{
  print_progress (user_data);
}

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SyncRun *run = user_data;

  run->ok = tcia_catalogue_sync_run_finish (TCIA_CATALOGUE_SYNC (source), result, &run->error);
  run->done = TRUE;
}

static gboolean
sync_interrupt_cb (gpointer user_data)
{
  SyncRun *run = user_data;

  if (run->signum == 0)
    run->signum = SIGINT;
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
sync_term_cb (gpointer user_data)
{
  SyncRun *run = user_data;

  if (run->signum == 0)
    run->signum = SIGTERM;
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

TciaCliSync *
tcia_cli_sync_new_from_options (GVariantDict  *options,
                                GError       **error)
{
  g_return_val_if_fail (options != NULL, NULL);

  if (!g_variant_dict_contains (options, "sync"))
    return NULL;
  if (g_variant_dict_contains (options, "list") || g_variant_dict_contains (options, "search") ||
      g_variant_dict_contains (options, "download") ||
      g_variant_dict_contains (options, "offline"))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--sync cannot be used with --list, --search, --offline or "
                             "--download"));
      return NULL;
    }

  {
    TciaCliSync *self = g_new0 (TciaCliSync, 1);

    self->requested = TRUE;
    return self;
  }
}

void
tcia_cli_sync_free (TciaCliSync *self)
{
  g_free (self);
}

int
tcia_cli_sync_run (TciaCliSync *self,
                   const char  *api_url)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(TciaLocalCatalogue) catalogue = NULL;
  g_autoptr(TciaCatalogueSync) sync = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  SyncRun run = { 0 };
  guint sources[2];

  g_return_val_if_fail (self != NULL, TCIA_CLI_EXIT_FAILURE);

  g_main_context_push_thread_default (context);

  client = tcia_client_new (api_url, &error);
  if (client != NULL)
    catalogue = tcia_local_catalogue_new (NULL, &error);
  if (catalogue == NULL)
    {
      reason = tcia_cli_one_line (error->message);
      tcia_cli_print_error ("%s", reason);
      g_main_context_pop_thread_default (context);
      return TCIA_CLI_EXIT_FAILURE;
    }
  tcia_cli_apply_test_retry_policy (client);

  sync = tcia_catalogue_sync_new (catalogue, client);
  run.sync = sync;
  run.cancellable = cancellable;
  run.live = isatty (STDERR_FILENO);
  g_signal_connect (sync, "notify::series-done", G_CALLBACK (progress_cb), &run);
  g_signal_connect (sync, "notify::collections-done", G_CALLBACK (progress_cb), &run);

  /* Ctrl-C and kill stop it cleanly: the collections finished stay. */
  {
    GSource *source = g_unix_signal_source_new (SIGINT);

    g_source_set_callback (source, sync_interrupt_cb, &run, NULL);
    sources[0] = g_source_attach (source, context);
    g_source_unref (source);
    source = g_unix_signal_source_new (SIGTERM);
    g_source_set_callback (source, sync_term_cb, &run, NULL);
    sources[1] = g_source_attach (source, context);
    g_source_unref (source);
  }

  tcia_catalogue_sync_run_async (sync, cancellable, sync_done_cb, &run);
  while (!run.done)
    g_main_context_iteration (context, TRUE);
  g_signal_handlers_disconnect_by_data (sync, &run);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    g_source_destroy (g_main_context_find_source_by_id (context, sources[i]));

  if (run.live)
    fprintf (stderr, "\r\033[K");

  if (run.signum != 0)
    {
      fprintf (stderr, _("Interrupted: %u of %u collections listed. Run tcia-basket --sync "
                         "again to list the rest.\n"),
               tcia_catalogue_sync_get_collections_done (sync),
               tcia_catalogue_sync_get_collections_total (sync));
      g_clear_error (&run.error);
      g_main_context_pop_thread_default (context);
      return 128 + run.signum;
    }
  if (!run.ok)
    {
      reason = tcia_cli_one_line (run.error->message);
      tcia_cli_print_error (_("could not bring the local catalogue up to date: %s (what was "
                              "listed stays; run --sync again)"), reason);
      g_clear_error (&run.error);
      g_main_context_pop_thread_default (context);
      return TCIA_CLI_EXIT_FAILURE;
    }

  fprintf (stderr,
           g_dngettext (NULL, "The local catalogue is up to date: %u collection listed, "
                              "%" PRIu64 " new series.\n",
                        "The local catalogue is up to date: %u collections listed, "
                        "%" PRIu64 " new series.\n",
                        tcia_catalogue_sync_get_collections_done (sync)),
           tcia_catalogue_sync_get_collections_done (sync),
           tcia_catalogue_sync_get_series_added (sync));
  fflush (stderr);
  g_clear_object (&sync);
  tcia_cli_release_catalogue (context, &catalogue);
  g_main_context_pop_thread_default (context);

  return 0;
}

TciaCatalogue *
tcia_cli_dup_lookup_catalogue (TciaSession         *session,
                               gboolean             offline,
                               TciaLocalCatalogue **local)
{
  g_autoptr(GError) error = NULL;

  if (!offline)
    return tcia_session_dup_import_catalogue (session, FALSE);

  *local = tcia_local_catalogue_open_existing (NULL, &error);
  if (*local == NULL)
    {
      g_autofree char *reason = tcia_cli_one_line (error->message);

      tcia_cli_print_error (_("--offline looks the series up in the local catalogue: %s"),
                            reason);
      return NULL;
    }
  tcia_session_set_catalogue (session, *local);

  return tcia_session_dup_import_catalogue (session, TRUE);
}

guint
tcia_cli_report_not_looked_up (TciaImportResult *result,
                               gboolean          offline)
{
  const char * const *uids = tcia_import_result_get_not_looked_up_uids (result);
  guint n = tcia_import_result_get_n_not_looked_up (result);
  g_autofree char *reason = NULL;

  if (n == 0)
    return 0;

  reason = tcia_cli_one_line (tcia_import_result_get_lookup_error (result));
  tcia_cli_print_error (g_dngettext (GETTEXT_PACKAGE,
                                     "%u series could not be looked up, so it is not "
                                     "downloaded: %s",
                                     "%u series could not be looked up, so they are not "
                                     "downloaded: %s", n),
                        n, reason);
  for (guint i = 0; uids[i] != NULL; i++)
    tcia_cli_print_error (_("series %s was not looked up: not downloaded"), uids[i]);
  tcia_cli_print_error ("%s", offline ? _("run the same command without --offline, or after "
                                          "--sync, to download them")
                                      : _("run the same command again when the server can be "
                                          "reached, to download them"));

  return n;
}
