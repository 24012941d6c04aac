/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-catalogue-banner"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-client.h"
#include "tcia-http.h"
#include "tcia-local-catalogue.h"
#include "tcia-ui-util.h"

#include "tcia-catalogue-banner.h"

struct _TciaCatalogueBanner
{
  AdwBin             parent_instance;

  /* template widgets */
  GtkInfoBar        *info_bar;
  GtkLabel          *label;
  GtkProgressBar    *progress;
  GtkButton         *retry_button;

  /* owned */
  TciaSession       *session;
  TciaCatalogueSync *sync;
  GCancellable      *cancellable;      /* the run, and the look for what is new after it */
  const char        *state;
  char              *notification;     /* the body of the last notification sent */
  gboolean           refreshing;       /* this run refreshes a catalogue synced before */
};

G_DEFINE_FINAL_TYPE (TciaCatalogueBanner, tcia_catalogue_banner, ADW_TYPE_BIN)

static void
show (TciaCatalogueBanner *self,
      const char          *state,
      const char          *text)
{
  gboolean progress = g_strcmp0 (state, "progress") == 0;

  self->state = state;
  gtk_label_set_text (self->label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->progress), progress);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), !progress && *state != '\0');
  gtk_info_bar_set_message_type (self->info_bar, progress ? GTK_MESSAGE_INFO : GTK_MESSAGE_WARNING);
  gtk_info_bar_set_revealed (self->info_bar, *state != '\0');
}

static void
progress_cb (TciaCatalogueBanner *self)
{
  guint done = tcia_catalogue_sync_get_collections_done (self->sync);
  guint total = tcia_catalogue_sync_get_collections_total (self->sync);
  g_autofree char *text = NULL;

  /* A refresh with no collection to list comes and goes unseen; the bar
   * stays as it was (the offline message) until a run lists something. */
  if (!tcia_catalogue_sync_get_running (self->sync) || total == 0)
    return;

  /* Translators: "Updating the catalogue: 12 of 180 collections" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Updating the catalogue: %u of %u collection",
                                       "Updating the catalogue: %u of %u collections", total),
                          done, total);
  show (self, "progress", text);
  gtk_progress_bar_set_fraction (self->progress, (double) done / total);
}

static gboolean
is_unreachable (const GError *error)
{
  return g_error_matches (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_NETWORK) ||
         g_error_matches (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_TIMED_OUT) ||
         error->domain == TCIA_HTTP_ERROR || error->domain == G_RESOLVER_ERROR;
}

static char *
format_synced_at (TciaLocalCatalogue *catalogue)
{
  GDateTime *when = tcia_local_catalogue_get_synced_at (catalogue);
  g_autoptr(GDateTime) local = when != NULL ? g_date_time_to_local (when) : NULL;

  /* Translators: a date, as strftime() writes it: "3 May 2026" */
  return local != NULL ? g_date_time_format (local, _("%-d %B %Y")) : NULL;
}

static void
show_failure (TciaCatalogueBanner *self,
              const GError        *error)
{
  TciaLocalCatalogue *catalogue = tcia_session_get_catalogue (self->session);
  g_autofree char *date = format_synced_at (catalogue);
  g_autofree char *text = NULL;

  if (tcia_local_catalogue_get_is_empty (catalogue))
    {
      /* The reason last: it is a sentence, with its own full stop. */
      text = g_strdup_printf (_("Browse asks the server for each collection, as the catalogue "
                                "could not be filled: %s"), error->message);
      show (self, "failed", text);
      return;
    }

  if (is_unreachable (error))
    text = date != NULL
           ? g_strdup_printf (_("Showing the catalogue from %s; the server cannot be reached."),
                              date)
           : g_strdup (_("Showing the collections listed so far; the server cannot be "
                         "reached."));
  else
    text = date != NULL
           ? g_strdup_printf (_("Showing the catalogue from %s; it could not be brought up to "
                                "date: %s"), date, error->message)
           : g_strdup_printf (_("Showing the collections listed so far; the others could not "
                                "be listed: %s"), error->message);
  show (self, "offline", text);
}

static void
notify_new (TciaCatalogueBanner *self,
            const char          *folder,
            guint                n_added,
            guint                n_changed)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root))
                                             : NULL;
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *name = g_filename_display_basename (folder);
  g_autofree char *added = NULL;
  g_autofree char *changed = NULL;

  g_free (self->notification);
  /* Translators: "12 series were added to the collections downloaded into TCIA" */
  added = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%u series was added to the collections downloaded "
                                        "into %s",
                                        "%u series were added to the collections downloaded "
                                        "into %s", n_added),
                           n_added, name);
  /* Translators: "3 series downloaded into TCIA changed since" */
  changed = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u series downloaded into %s changed since",
                                          "%u series downloaded into %s changed since",
                                          n_changed),
                             n_changed, name);
  if (n_added > 0 && n_changed > 0)
    /* Translators: the two sentences above, one after the other */
    self->notification = g_strdup_printf (_("%s; %s."), added, changed);
  else
    self->notification = g_strdup_printf (_("%s."), n_added > 0 ? added : changed);
  if (app == NULL)
    return;

  notification = g_notification_new (n_added > 0 ? _("New Series in Your Collections")
                                                 : _("Downloaded Series Changed"));
  g_notification_set_body (notification, self->notification);
  g_notification_set_default_action_and_target (notification, "app.whats-new", "s", folder);
  g_notification_add_button_with_target (notification, _("Show What’s New"), "app.whats-new",
                                         "s", folder);
  g_application_send_notification (G_APPLICATION (app), "whats-new", notification);
}

static void
new_listed_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TciaTicket) ticket = user_data;
  TciaCatalogueBanner *self = ticket->owner;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  guint n_added = 0;

  rows = tcia_local_catalogue_list_new_finish (TCIA_LOCAL_CATALOGUE (object), result, &n_added,
                                               &error);
  if (tcia_ticket_is_stale (ticket, self->cancellable, error) || rows == NULL)
    return;   /* no download there yet, or the window went: nothing to tell */

  folder = g_file_get_path (tcia_session_get_destination (self->session));
  if (folder != NULL && g_list_model_get_n_items (rows) > 0)
    notify_new (self, folder, n_added, g_list_model_get_n_items (rows) - n_added);
}

static void
sync_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TciaTicket) ticket = user_data;
  TciaCatalogueBanner *self = ticket->owner;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  gboolean ok;

  ok = tcia_catalogue_sync_run_finish (TCIA_CATALOGUE_SYNC (object), result, &error);
  if (tcia_ticket_is_stale (ticket, self->cancellable, error))
    return;
  if (!ok)
    {
      show_failure (self, error);
      return;
    }

  show (self, "", NULL);

  /* After a refresh that brought series the catalogue did not have: are
   * some in the collections downloaded into the session's folder? */
  if (!self->refreshing || tcia_catalogue_sync_get_series_added (self->sync) == 0)
    return;
  folder = g_file_get_path (tcia_session_get_destination (self->session));
  if (folder != NULL)
    tcia_local_catalogue_list_new_async (tcia_session_get_catalogue (self->session), folder,
                                         NULL, self->cancellable, new_listed_cb,
                                         tcia_ticket_new (self, self->cancellable, 0));
}

static void
retry_clicked_cb (TciaCatalogueBanner *self)
{
  tcia_catalogue_banner_sync (self);
}

/* A quit (the window going) stops the run: what it finished stays, and
 * the next start resumes. */
static void
stop (TciaCatalogueBanner *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

static void
tcia_catalogue_banner_unroot (GtkWidget *widget)
{
  stop (TCIA_CATALOGUE_BANNER (widget));

  GTK_WIDGET_CLASS (tcia_catalogue_banner_parent_class)->unroot (widget);
}

static void
tcia_catalogue_banner_dispose (GObject *object)
{
  TciaCatalogueBanner *self = TCIA_CATALOGUE_BANNER (object);

  stop (self);
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->sync);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tcia_catalogue_banner_parent_class)->dispose (object);
}

static void
tcia_catalogue_banner_finalize (GObject *object)
{
  TciaCatalogueBanner *self = TCIA_CATALOGUE_BANNER (object);

  g_free (self->notification);

  G_OBJECT_CLASS (tcia_catalogue_banner_parent_class)->finalize (object);
}

static void
tcia_catalogue_banner_class_init (TciaCatalogueBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_catalogue_banner_dispose;
  object_class->finalize = tcia_catalogue_banner_finalize;
  widget_class->unroot = tcia_catalogue_banner_unroot;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/tcia-catalogue-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaCatalogueBanner, info_bar);
  gtk_widget_class_bind_template_child (widget_class, TciaCatalogueBanner, label);
  gtk_widget_class_bind_template_child (widget_class, TciaCatalogueBanner, progress);
  gtk_widget_class_bind_template_child (widget_class, TciaCatalogueBanner, retry_button);
  gtk_widget_class_bind_template_callback (widget_class, retry_clicked_cb);
}

static void
tcia_catalogue_banner_init (TciaCatalogueBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->state = "";
}

void
tcia_catalogue_banner_set_session (TciaCatalogueBanner *self,
                                   TciaSession         *session)
{
  const char *props[] = { "notify::running", "notify::collections-done",
                          "notify::collections-total" };

  g_return_if_fail (TCIA_IS_CATALOGUE_BANNER (self));
  g_return_if_fail (TCIA_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  if (tcia_session_get_catalogue_sync (session) == NULL)
    return;

  self->sync = g_object_ref (tcia_session_get_catalogue_sync (session));
  for (guint i = 0; i < G_N_ELEMENTS (props); i++)
    g_signal_connect_swapped (self->sync, props[i], G_CALLBACK (progress_cb), self);
  tcia_catalogue_banner_sync (self);
}

void
tcia_catalogue_banner_sync (TciaCatalogueBanner *self)
{
  g_return_if_fail (TCIA_IS_CATALOGUE_BANNER (self));

  if (self->sync == NULL || tcia_catalogue_sync_get_running (self->sync))
    return;

  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  self->refreshing = tcia_local_catalogue_get_synced_at (tcia_session_get_catalogue (self->session))
                     != NULL;
  tcia_catalogue_sync_run_async (self->sync, self->cancellable, sync_done_cb,
                                 tcia_ticket_new (self, self->cancellable, 0));
}

const char *
tcia_catalogue_banner_get_text (TciaCatalogueBanner *self)
{
  g_return_val_if_fail (TCIA_IS_CATALOGUE_BANNER (self), NULL);

  return gtk_label_get_text (self->label);
}

gboolean
tcia_catalogue_banner_get_revealed (TciaCatalogueBanner *self)
{
  g_return_val_if_fail (TCIA_IS_CATALOGUE_BANNER (self), FALSE);

  return gtk_info_bar_get_revealed (self->info_bar);
}

const char *
tcia_catalogue_banner_get_state (TciaCatalogueBanner *self)
{
  g_return_val_if_fail (TCIA_IS_CATALOGUE_BANNER (self), NULL);

  return self->state;
}

const char *
tcia_catalogue_banner_get_notification (TciaCatalogueBanner *self)
{
  g_return_val_if_fail (TCIA_IS_CATALOGUE_BANNER (self), NULL);

  return self->notification;
}
