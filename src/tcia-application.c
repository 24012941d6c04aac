/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-application"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-cli.h"
#include "tcia-core.h"
#include "tcia-download-state.h"
#include "tcia-preferences-window.h"
#include "tcia-session.h"
#include "tcia-window.h"

#include "tcia-application.h"

#define TCIA_WEBSITE "https://github.com/tciabasket/tcia-basket"

struct _TciaApplication
{
  AdwApplication  parent_instance;

  /* owned */
  GSettings      *settings;         /* NULL until needed, or when the schema is missing */
  TciaSession    *session;          /* basket, server and downloads; NULL until needed */
  TciaDownloadQueue *queue;         /* the session's, watched for sleep and notifications */
  GError         *queue_error;      /* why the saved downloads could not be read, until shown */
  guint           inhibit_cookie;   /* suspend is inhibited while downloading */
  GError         *basket_error;     /* why the basket file could not be read, until shown */
  char           *api_url_option;   /* --api-url */
  char           *idc_api_url_option;    /* --idc-api-url */
  char           *idc_bucket_url_option; /* --idc-bucket-url */
  TciaCliListing *listing;          /* what --list asked for */
  TciaCliDownload *download;        /* what --download asked for */
  TciaCliSync    *sync;             /* --sync */
  gboolean        settings_loaded;
  gboolean        options_handled;
};

G_DEFINE_FINAL_TYPE (TciaApplication, tcia_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "api-url", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Use the NBIA server at URL, ending in /v4/ or /v1/"), N_("URL") },
  { "idc-api-url", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Use IDC’s API at URL, ending in /v3/"), N_("URL") },
  { "idc-bucket-url", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Read IDC’s buckets from the S3 endpoint URL (objects are URL/BUCKET/KEY)"), N_("URL") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

/* Running from a build tree or a broken install must not abort: without the
 * schema the program works, it only forgets. */
static GSettings *
tcia_application_get_settings (TciaApplication *self)
{
  GSettingsSchemaSource *source;
  g_autoptr(GSettingsSchema) schema = NULL;

  if (self->settings_loaded)
    return self->settings;
  self->settings_loaded = TRUE;

  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);

  return self->settings;
}

static int
tcia_application_run_listing (TciaApplication *self,
                              TciaCliListing  *listing)
{
  g_autofree char *api_url = tcia_application_dup_api_url (self);
  g_autofree char *idc_api_url = NULL;
  g_autofree char *idc_bucket_url = NULL;

  tcia_application_dup_idc_urls (self, &idc_api_url, &idc_bucket_url);
  tcia_cli_listing_set_idc_api_url (listing, idc_api_url);
  return tcia_cli_listing_run (listing, api_url, stdout);
}

static void
tcia_application_quit_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  /* With series downloading, the window asks first (and quits if told to). */
  if (TCIA_IS_WINDOW (window) && tcia_window_confirm_quit (TCIA_WINDOW (window)))
    return;
  g_application_quit (G_APPLICATION (user_data));
}

/* ---- downloads ---- */

static void
queue_running_cb (TciaApplication *self)
{
  if (self->queue == NULL || self->inhibit_cookie != 0 ||
      tcia_download_queue_get_n_running (self->queue) == 0)
    return;
  self->inhibit_cookie =
    gtk_application_inhibit (GTK_APPLICATION (self),
                             gtk_application_get_active_window (GTK_APPLICATION (self)),
                             GTK_APPLICATION_INHIBIT_SUSPEND, _("Downloading series"));
}

/* Everything queued has been tried: say how it went, let the computer sleep. */
static void
queue_finished_cb (TciaApplication *self)
{
  g_autoptr(GNotification) notification = NULL;
  guint n_done = tcia_download_queue_get_n_done (self->queue);
  guint n_failed = tcia_download_queue_get_n_failed (self->queue);

  if (self->inhibit_cookie != 0)
    {
      gtk_application_uninhibit (GTK_APPLICATION (self), self->inhibit_cookie);
      self->inhibit_cookie = 0;
    }

  /* Stopped by the user (paused): nothing to announce. */
  if (tcia_download_queue_get_n_paused (self->queue) > 0 || n_done + n_failed == 0)
    return;

  if (n_failed > 0)
    {
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "%u Series Failed",
                                                             "%u Series Failed", n_failed),
                                                n_failed);
      notification = g_notification_new (title);
      g_notification_set_body (notification, _("Open Downloads to see why, and retry."));
    }
  else
    {
      g_autofree char *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u series downloaded.",
                                                            "%u series downloaded.", n_done),
                                               n_done);
      notification = g_notification_new (_("Downloads Finished"));
      g_notification_set_body (notification, body);
    }
  g_notification_set_default_action_and_target (notification, "app.show-downloads", NULL);
  g_application_send_notification (G_APPLICATION (self), "downloads", notification);
}

/* One queue at a time, the session's: it made it at a checkout, or brought
 * it back from the last run, and saves it as it changes. */
static void
session_queue_cb (TciaApplication *self)
{
  TciaDownloadQueue *queue = tcia_session_get_queue (self->session);

  if (self->queue == queue)
    return;
  if (self->queue != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->queue, self);
      g_clear_object (&self->queue);
    }
  if (queue == NULL)
    return;

  self->queue = g_object_ref (queue);
  g_signal_connect_swapped (queue, "notify::n-running", G_CALLBACK (queue_running_cb), self);
  g_signal_connect_swapped (queue, "finished", G_CALLBACK (queue_finished_cb), self);
  queue_running_cb (self);
}

static void
tcia_application_show_downloads_action (GSimpleAction *action,
                                        GVariant      *parameter,
                                        gpointer       user_data)
{
  GtkWindow *window;

  g_application_activate (G_APPLICATION (user_data));
  window = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "downloads");
}

/* Pause All, Resume All and Retry Failed from any page: the queue is the
 * session's, and the Downloads page follows it. */
static void
tcia_application_pause_downloads_action (GSimpleAction *action,
                                         GVariant      *parameter,
                                         gpointer       user_data)
{
  TciaApplication *self = user_data;

  if (self->queue != NULL)
    tcia_download_queue_pause_all (self->queue);
}

static void
tcia_application_resume_downloads_action (GSimpleAction *action,
                                          GVariant      *parameter,
                                          gpointer       user_data)
{
  TciaApplication *self = user_data;

  if (self->queue != NULL)
    tcia_download_queue_resume_all (self->queue);
}

static void
tcia_application_retry_failed_action (GSimpleAction *action,
                                      GVariant      *parameter,
                                      gpointer       user_data)
{
  TciaApplication *self = user_data;

  if (self->queue != NULL)
    tcia_download_queue_retry_failed (self->queue);
}

static void
tcia_application_about_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  TciaApplication *self = user_data;
  GtkWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "modal", TRUE,
                        "application-name", _("TCIA Basket"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", "TCIA Basket developers",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", TCIA_WEBSITE,
                        "issue-url", TCIA_WEBSITE "/issues",
                        "comments", _("Browse The Cancer Imaging Archive and download its "
                                      "imaging series.\n\nThe data comes from The Cancer "
                                      "Imaging Archive (TCIA) through its NBIA service; each "
                                      "collection has its own licence and terms of use."),
                        "translator-credits", _("translator-credits"),
                        NULL);
  adw_about_window_add_legal_section (ADW_ABOUT_WINDOW (about),
                                      _("Citing TCIA Data"),
                                      NULL,
                                      GTK_LICENSE_CUSTOM,
                                      _("Publications that use data from TCIA cite the "
                                        "collection’s data citation (its Data Description "
                                        "link, shown with each collection and series) and "
                                        "TCIA itself:\n\nClark K, Vendt B, Smith K, et al. "
                                        "The Cancer Imaging Archive (TCIA): Maintaining and "
                                        "Operating a Public Information Repository. Journal "
                                        "of Digital Imaging 26(6):1045–1057, 2013. "
                                        "https://doi.org/10.1007/s10278-013-9622-7"));
  gtk_window_present (about);
}

/* The window keeps the client it was made with: a new server from here is
 * used from the next start, and the preferences say so. */
static void
tcia_application_preferences_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  TciaApplication *self = user_data;
  GSettings *settings = tcia_application_get_settings (self);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  TciaPreferencesWindow *preferences;
  TciaClient *client;

  if (settings == NULL)
    return;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (TCIA_IS_PREFERENCES_WINDOW (l->data))
        {
          gtk_window_present (GTK_WINDOW (l->data));
          return;
        }
    }

  client = self->session != NULL ? tcia_session_get_client (self->session) : NULL;
  preferences = tcia_preferences_window_new (parent, settings,
                                             client != NULL ? tcia_client_get_api_url (client)
                                                            : NULL);
  gtk_window_present (GTK_WINDOW (preferences));
}

/* A notification's "what is new" in a download folder (the folder given). */
static void
tcia_application_whats_new_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  TciaApplication *self = user_data;
  GtkWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (TCIA_IS_WINDOW (window))
    gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.whats-new-in", parameter);
}

static const GActionEntry app_actions[] = {
  { "whats-new", tcia_application_whats_new_action, "s" },
  { "quit", tcia_application_quit_action },
  { "show-downloads", tcia_application_show_downloads_action },
  { "about", tcia_application_about_action },
  { "preferences", tcia_application_preferences_action },
  { "pause-downloads", tcia_application_pause_downloads_action },
  { "resume-downloads", tcia_application_resume_downloads_action },
  { "retry-failed-downloads", tcia_application_retry_failed_action },
};

static gboolean
tcia_application_local_command_line (GApplication   *app,
                                     char         ***arguments,
                                     int            *exit_status)
{
  TciaApplication *self = TCIA_APPLICATION (app);
  g_autoptr(TciaCliListing) listing = NULL;
  g_autoptr(TciaCliDownload) download = NULL;
  g_auto(GStrv) given = g_strdupv (*arguments);
  gboolean handled;
  g_autoptr(TciaCliSync) sync = NULL;

  self->options_handled = FALSE;

  tcia_cli_options_begin ();
  handled = G_APPLICATION_CLASS (tcia_application_parent_class)->local_command_line (app,
                                                                                   arguments,
                                                                                   exit_status);
  tcia_cli_options_end (app, (const char * const *) given, self->options_handled);
  if (!handled)
    return FALSE;

  /* GLib has printed why it could not parse the command line; bad usage
   * exits with 2 here, as everywhere else in this program. */
  if (!self->options_handled)
    {
      *exit_status = TCIA_CLI_EXIT_FAILURE;
      return TRUE;
    }

  /* The listing runs here rather than in handle-local-options, which cannot
   * see the FILE arguments left over. */
  download = g_steal_pointer (&self->download);
  if (download != NULL && *exit_status == 0)
    {
      g_autofree char *api_url = NULL;

      if (g_strv_length (*arguments) > 1)
        {
          tcia_cli_print_error (_("--download takes no FILE arguments"));
          *exit_status = TCIA_CLI_EXIT_FAILURE;
          return TRUE;
        }
      g_autofree char *idc_api_url = NULL;
      g_autofree char *idc_bucket_url = NULL;

      api_url = tcia_application_dup_api_url (self);
      tcia_application_dup_idc_urls (self, &idc_api_url, &idc_bucket_url);
      *exit_status = tcia_cli_download_run (download, api_url, idc_api_url, idc_bucket_url);
      return TRUE;
    }

  sync = g_steal_pointer (&self->sync);
  if (sync != NULL && *exit_status == 0)
    {
      g_autofree char *api_url = NULL;

      if (g_strv_length (*arguments) > 1)
        {
          tcia_cli_print_error (_("--sync takes no FILE arguments"));
          *exit_status = TCIA_CLI_EXIT_FAILURE;
          return TRUE;
        }
      api_url = tcia_application_dup_api_url (self);
      *exit_status = tcia_cli_sync_run (sync, api_url);
      return TRUE;
    }

  listing = g_steal_pointer (&self->listing);
  if (listing != NULL && *exit_status == 0)
    {
      if (g_strv_length (*arguments) > 1)
        {
          tcia_cli_print_error (_("--list takes no FILE arguments"));
          *exit_status = TCIA_CLI_EXIT_FAILURE;
        }
      else
        {
          *exit_status = tcia_application_run_listing (self, listing);
        }
    }

  return TRUE;
}

static int
tcia_application_handle_local_options (GApplication *app,
                                       GVariantDict *options)
{
  TciaApplication *self = TCIA_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  self->options_handled = TRUE;
  /* Parsed: what GLib says from here on (a window's start-up) is its own. */
  tcia_cli_options_end (app, NULL, TRUE);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("tcia-basket %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_clear_pointer (&self->api_url_option, g_free);
  g_variant_dict_lookup (options, "api-url", "s", &self->api_url_option);
  g_clear_pointer (&self->idc_api_url_option, g_free);
  g_variant_dict_lookup (options, "idc-api-url", "s", &self->idc_api_url_option);
  g_clear_pointer (&self->idc_bucket_url_option, g_free);
  g_variant_dict_lookup (options, "idc-bucket-url", "s", &self->idc_bucket_url_option);

  g_clear_pointer (&self->download, tcia_cli_download_free);
  self->download = tcia_cli_download_new_from_options (options, &error);
  if (error != NULL)
    {
      tcia_cli_print_error ("%s", error->message);
      return TCIA_CLI_EXIT_FAILURE;
    }
  if (self->download != NULL)
    return 0;

  g_clear_pointer (&self->sync, tcia_cli_sync_free);
  self->sync = tcia_cli_sync_new_from_options (options, &error);
  if (error != NULL)
    {
      tcia_cli_print_error ("%s", error->message);
      return TCIA_CLI_EXIT_FAILURE;
    }
  if (self->sync != NULL)
    return 0;

  g_clear_pointer (&self->listing, tcia_cli_listing_free);
  self->listing = tcia_cli_listing_new_from_options (options, &error);
  if (error != NULL)
    {
      tcia_cli_print_error ("%s", error->message);
      return TCIA_CLI_EXIT_FAILURE;
    }
  if (self->listing != NULL)
    return 0;

  /* Before a window opens, as the listing does: a mistyped URL on the
   * command line is bad usage, not a server that does not answer. */
  if (self->api_url_option != NULL)
    {
      g_autoptr(TciaClient) client = tcia_client_new (self->api_url_option, &error);

      if (client == NULL)
        {
          tcia_cli_print_error ("%s", error->message);
          return TCIA_CLI_EXIT_FAILURE;
        }
    }

  return -1;
}

static void
tcia_application_startup (GApplication *app)
{
  TciaApplication *self = TCIA_APPLICATION (app);
  static const char *quit_accels[] = { "<primary>q", NULL };
  static const char *preferences_accels[] = { "<primary>comma", NULL };
  static const char *pause_accels[] = { "<primary><shift>p", NULL };
  static const char *resume_accels[] = { "<primary><shift>r", NULL };
  static const char *retry_accels[] = { "<primary><shift>f", NULL };

  G_APPLICATION_CLASS (tcia_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.pause-downloads",
                                         pause_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.resume-downloads",
                                         resume_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.retry-failed-downloads",
                                         retry_accels);

  if (tcia_application_get_settings (self) == NULL)
    {
      GAction *preferences = g_action_map_lookup_action (G_ACTION_MAP (self), "preferences");

      g_simple_action_set_enabled (G_SIMPLE_ACTION (preferences), FALSE);
      g_message ("The settings schema %s is not installed: window size and server will not be "
                 "remembered", APP_ID);
    }
}

/* The command line and the environment win over Preferences. */
static void
idc_urls_changed_cb (TciaApplication *self)
{
  g_autofree char *api_url = NULL;
  g_autofree char *bucket_url = NULL;

  tcia_application_dup_idc_urls (self, &api_url, &bucket_url);
  tcia_session_set_idc_urls (self->session, api_url, bucket_url);
}

static void
tcia_application_ensure_session (TciaApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) basket_file = NULL;
  g_autoptr(GFile) state_file = NULL;
  g_autoptr(TciaBasket) basket = NULL;
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(TciaLocalCatalogue) catalogue = NULL;
  g_autofree char *api_url = NULL;
  GSettings *settings;

  if (self->session != NULL)
    return;

  basket_file = tcia_basket_get_default_file ();
  basket = tcia_basket_new (basket_file);
  /* The window says why (and where the old file went) once it is up. */
  if (!tcia_basket_load (basket, &error))
    {
      g_message ("The basket could not be read: %s", error->message);
      g_clear_error (&self->basket_error);
      self->basket_error = g_steal_pointer (&error);
    }

  api_url = tcia_application_dup_api_url (self);
  client = tcia_client_new (api_url, &error);
  if (client == NULL)
    g_warning ("%s", error->message);
  g_clear_error (&error);

  self->session = tcia_session_new (client, basket);

  /* The local catalogue Browse answers from (the window runs its sync). A
   * file that cannot be opened leaves Browse asking the server, as before. */
  catalogue = tcia_local_catalogue_new (NULL, &error);
  if (catalogue == NULL)
    g_message ("The local catalogue cannot be used: %s", error->message);
  else
    tcia_session_set_catalogue (self->session, catalogue);
  g_clear_error (&error);
  settings = tcia_application_get_settings (self);
  if (settings != NULL)
    {
      tcia_session_bind_settings (self->session, settings);
      g_signal_connect_object (settings, "changed::idc-api-url",
                               G_CALLBACK (idc_urls_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (settings, "changed::idc-bucket-url",
                               G_CALLBACK (idc_urls_changed_cb), self, G_CONNECT_SWAPPED);
    }
  idc_urls_changed_cb (self);
  g_signal_connect_object (self->session, "notify::queue", G_CALLBACK (session_queue_cb), self,
                           G_CONNECT_SWAPPED);

  /* Downloads left from the last run resume. */
  state_file = tcia_download_state_get_default_file ();
  tcia_session_set_state_file (self->session, state_file);
  if (!tcia_session_restore (self->session, &error))
    {
      g_message ("%s", error->message);
      g_clear_error (&self->queue_error);
      self->queue_error = g_steal_pointer (&error);
    }
}

static void
tcia_application_activate (GApplication *app)
{
  TciaApplication *self = TCIA_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    {
      tcia_application_ensure_session (self);
      window = GTK_WINDOW (tcia_window_new_for_session (GTK_APPLICATION (self),
                                                        tcia_application_get_settings (self),
                                                        self->session));
    }

  gtk_window_present (window);

  if (self->queue_error != NULL)
    {
      g_autoptr(GError) error = g_steal_pointer (&self->queue_error);
      AdwMessageDialog *dialog;

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window,
                                                           _("Downloads Could Not Be Resumed"),
                                                           error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }

  if (self->basket_error != NULL && TCIA_IS_WINDOW (window))
    {
      g_autoptr(GError) error = g_steal_pointer (&self->basket_error);

      tcia_window_show_basket_load_error (TCIA_WINDOW (window), error);
    }
}

/* `tcia-basket FILE…` and the file manager's Open: the window comes up and
 * the series of each file go into the basket. */
static void
tcia_application_open (GApplication  *app,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  GtkWindow *window;

  g_application_activate (app);

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (TCIA_IS_WINDOW (window) && n_files > 0)
    tcia_window_import_files (TCIA_WINDOW (window), files, (guint) n_files);
}

static void
tcia_application_shutdown (GApplication *app)
{
  TciaApplication *self = TCIA_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  if (self->settings != NULL)
    g_settings_sync ();
  if (self->session != NULL &&
      !tcia_basket_flush (tcia_session_get_basket (self->session), &error))
    g_warning ("The basket could not be saved: %s", error->message);
  g_clear_error (&error);
  /* Series still running are saved as queued: the next start resumes them. */
  if (self->session != NULL && !tcia_session_save (self->session, &error))
    g_warning ("The downloads could not be saved: %s", error->message);

  G_APPLICATION_CLASS (tcia_application_parent_class)->shutdown (app);
}

static void
tcia_application_finalize (GObject *object)
{
  TciaApplication *self = TCIA_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->session);
  g_clear_error (&self->basket_error);
  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_clear_object (&self->queue);
  g_clear_error (&self->queue_error);
  g_clear_pointer (&self->api_url_option, g_free);
  g_clear_pointer (&self->idc_api_url_option, g_free);
  g_clear_pointer (&self->idc_bucket_url_option, g_free);
  g_clear_pointer (&self->listing, tcia_cli_listing_free);
  g_clear_pointer (&self->download, tcia_cli_download_free);
  g_clear_pointer (&self->sync, tcia_cli_sync_free);

  G_OBJECT_CLASS (tcia_application_parent_class)->finalize (object);
}

static void
tcia_application_class_init (TciaApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = tcia_application_finalize;

  app_class->local_command_line = tcia_application_local_command_line;
  app_class->handle_local_options = tcia_application_handle_local_options;
  app_class->startup = tcia_application_startup;
  app_class->activate = tcia_application_activate;
  app_class->open = tcia_application_open;
  app_class->shutdown = tcia_application_shutdown;
}

static void
tcia_application_init (TciaApplication *self)
{
  GApplication *app = G_APPLICATION (self);

  tcia_cli_add_option_entries (app, main_entries);
  tcia_cli_add_main_options (app);

  g_application_set_option_context_parameter_string (app, _("[FILE…]"));
  g_application_set_option_context_summary (app,
                                            _("Browse The Cancer Imaging Archive and download "
                                              "imaging series. FILE… are .tcia manifests."));
  g_application_set_option_context_description (app,
                                                _("With --list, prints a listing from the server "
                                                  "on standard output; with --download, downloads "
                                                  "the series of a manifest into --output. No "
                                                  "display is needed for either. Exit status: 0 "
                                                  "done, 1 some series failed, 2 bad usage, bad "
                                                  "input or a listing the server could not answer."));
}

TciaApplication *
tcia_application_new (void)
{
  return g_object_new (TCIA_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

char *
tcia_application_dup_api_url (TciaApplication *self)
{
  GSettings *settings;
  g_autofree char *settings_url = NULL;

  g_return_val_if_fail (TCIA_IS_APPLICATION (self), NULL);

  settings = tcia_application_get_settings (self);
  if (settings != NULL)
    settings_url = g_settings_get_string (settings, "api-url");
  if (settings_url != NULL && *settings_url == '\0')
    g_clear_pointer (&settings_url, g_free);

  return tcia_client_resolve_api_url (self->api_url_option, settings_url);
}

void
tcia_application_dup_idc_urls (TciaApplication  *self,
                               char            **api_url,
                               char            **bucket_url)
{
  GSettings *settings;
  g_autofree char *settings_api = NULL;
  g_autofree char *settings_bucket = NULL;

  g_return_if_fail (TCIA_IS_APPLICATION (self));

  settings = tcia_application_get_settings (self);
  if (settings != NULL)
    {
      settings_api = g_settings_get_string (settings, "idc-api-url");
      settings_bucket = g_settings_get_string (settings, "idc-bucket-url");
    }
  *api_url = tcia_session_resolve_setting (self->idc_api_url_option, "TCIA_IDC_API_URL",
                                           settings_api);
  *bucket_url = tcia_session_resolve_setting (self->idc_bucket_url_option,
                                              "TCIA_IDC_BUCKET_URL", settings_bucket);
}
