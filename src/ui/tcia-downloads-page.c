/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-downloads-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-column-sizing.h"
#include "tcia-downloads-page-private.h"

/* What a series' ZIP weighs against its unpacked size, for progress before
 * the end: DICOM compresses to roughly a third. */
#define ZIP_RATIO 0.35
/* Weight of the newest sample in the speed's moving average. */
#define SPEED_SMOOTHING 0.3

typedef struct
{
  TciaDownloadsPage *page;      /* borrowed */
  GtkWidget         *root;
  GtkLabel          *title;
  GtkLabel          *subtitle;
  GtkProgressBar    *bar;
  GtkLabel          *status;
  GtkLabel          *error;
  GtkWidget         *pause;
  GtkWidget         *resume;
  GtkWidget         *retry;
  GtkWidget         *open;

  TciaDownloadJob   *job;       /* a reference while bound */
  guint64            last_bytes;
  gint64             last_time;
  double             speed;
} Row;

struct _TciaDownloadsPage
{
  AdwBin             parent_instance;

  /* template widgets */
  GtkStack          *stack;     /* the child */
  GtkLabel          *overall_title;
  GtkLabel          *overall_detail;
  GtkProgressBar    *overall_bar;
  GtkListView       *list_view;
  GtkWidget         *pause_all_button;
  GtkWidget         *resume_all_button;
  GtkWidget         *retry_failed_button;
  GtkWidget         *clear_finished_button;
  GtkWidget         *check_files_button;
  GtkWidget         *cancel_all_button;

  /* owned */
  TciaDownloadQueue *queue;
  GHashTable        *rows;      /* job -> Row, while bound */
  AdwMessageDialog  *dialog;    /* a weak pointer: "Cancel All?" while it is open */
  char              *summary;
  guint64            last_bytes;
  gint64             last_time;
  double             speed;
  double             fraction;
  guint              n_active;
  guint              n_paused;
  guint              n_failed;
};

G_DEFINE_FINAL_TYPE (TciaDownloadsPage, tcia_downloads_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_FRACTION,
  PROP_SUMMARY,
  PROP_N_ACTIVE,
  PROP_N_FAILED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint64
job_estimate (TciaDownloadJob *job)
{
  return (guint64) (tcia_series_get_file_size (tcia_download_job_get_series (job)) * ZIP_RATIO);
}

static double
job_fraction (TciaDownloadJob *job)
{
  guint64 estimate;

  switch (tcia_download_job_get_state (job))
    {
    case TCIA_DOWNLOAD_JOB_DONE:
    case TCIA_DOWNLOAD_JOB_SKIPPED:
      return 1.0;
    case TCIA_DOWNLOAD_JOB_RUNNING:
      estimate = job_estimate (job);
      if (estimate == 0)
        return 0.0;
      return MIN (0.99, (double) tcia_download_job_get_bytes_received (job) / estimate);
    case TCIA_DOWNLOAD_JOB_QUEUED:
    case TCIA_DOWNLOAD_JOB_FAILED:
    case TCIA_DOWNLOAD_JOB_PAUSED:
    case TCIA_DOWNLOAD_JOB_CANCELLED:
    default:
      return 0.0;
    }
}

/* A moving average of bytes a second, from one more sample. */
static void
update_speed (double  *speed,
              guint64 *last_bytes,
              gint64  *last_time,
              guint64  bytes)
{
  gint64 now = g_get_monotonic_time ();

  if (*last_time != 0 && now > *last_time && bytes >= *last_bytes)
    {
      double sample = (bytes - *last_bytes) * (double) G_USEC_PER_SEC / (now - *last_time);

      *speed = *speed == 0 ? sample : *speed * (1 - SPEED_SMOOTHING) + sample * SPEED_SMOOTHING;
    }
  *last_bytes = bytes;
  *last_time = now;
}

static char *
format_time_left (double seconds)
{
  guint s = (guint) MIN (seconds, G_MAXUINT / 2);

  if (s < 60)
    return g_strdup (_("less than a minute left"));
  if (s < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u minute left",
                                         "about %u minutes left", (s + 30) / 60),
                            (s + 30) / 60);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u hour left",
                                       "about %u hours left", (s + 1800) / 3600),
                          (s + 1800) / 3600);
}

/* ---- rows ---- */

static void
row_update (Row *row)
{
  TciaDownloadJob *job = row->job;
  TciaDownloadJobState state = tcia_download_job_get_state (job);
  guint64 bytes = tcia_download_job_get_bytes_received (job);
  g_autofree char *size = g_format_size (bytes);
  g_autofree char *status = NULL;
  const GError *error = tcia_download_job_get_error (job);

  switch (state)
    {
    case TCIA_DOWNLOAD_JOB_QUEUED:
      status = g_strdup (_("Waiting"));
      break;
    case TCIA_DOWNLOAD_JOB_RUNNING:
      update_speed (&row->speed, &row->last_bytes, &row->last_time, bytes);
      if (bytes == 0)
        {
          status = g_strdup (_("Waiting for the server…"));
        }
      else if (row->speed > 0)
        {
          g_autofree char *speed = g_format_size ((guint64) row->speed);

          /* TRANSLATORS: "Downloading · 12.1 MB · 1.2 MB/s" */
          status = g_strdup_printf (_("Downloading · %s · %s/s"), size, speed);
        }
      else
        {
          /* TRANSLATORS: "Downloading · 12.1 MB" */
          status = g_strdup_printf (_("Downloading · %s"), size);
        }
      if (tcia_download_job_get_attempts (job) > 1)
        {
          char *more = g_strdup_printf (_("%s (try %u)"), status,
                                        tcia_download_job_get_attempts (job));
          g_free (status);
          status = more;
        }
      break;
    case TCIA_DOWNLOAD_JOB_DONE:
      /* TRANSLATORS: "Done · 120 images" */
      status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Done · %u image",
                                             "Done · %u images",
                                             tcia_download_job_get_n_images (job)),
                                tcia_download_job_get_n_images (job));
      break;
    case TCIA_DOWNLOAD_JOB_SKIPPED:
      status = g_strdup (_("Done · already in the folder"));
      break;
    case TCIA_DOWNLOAD_JOB_FAILED:
      status = g_strdup (_("Failed"));
      break;
    case TCIA_DOWNLOAD_JOB_PAUSED:
      status = g_strdup (_("Paused"));
      break;
    case TCIA_DOWNLOAD_JOB_CANCELLED:
    default:
      status = g_strdup (_("Cancelled"));
      break;
    }
  if (state != TCIA_DOWNLOAD_JOB_RUNNING)
    {
      row->speed = 0;
      row->last_time = 0;
    }

  gtk_label_set_label (row->status, status);
  gtk_progress_bar_set_fraction (row->bar, job_fraction (job));
  gtk_label_set_label (row->error, error != NULL && state == TCIA_DOWNLOAD_JOB_FAILED
                                   ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (row->error), state == TCIA_DOWNLOAD_JOB_FAILED &&
                                                   error != NULL);
  gtk_widget_set_visible (row->pause, state == TCIA_DOWNLOAD_JOB_QUEUED ||
                                      state == TCIA_DOWNLOAD_JOB_RUNNING);
  gtk_widget_set_visible (row->resume, state == TCIA_DOWNLOAD_JOB_PAUSED);
  gtk_widget_set_visible (row->retry, (state == TCIA_DOWNLOAD_JOB_FAILED ||
                                       state == TCIA_DOWNLOAD_JOB_CANCELLED) &&
                                      !g_error_matches (error, TCIA_DOWNLOAD_ERROR,
                                                        TCIA_DOWNLOAD_ERROR_UNKNOWN_SERIES));
  gtk_widget_set_visible (row->open, state == TCIA_DOWNLOAD_JOB_DONE ||
                                     state == TCIA_DOWNLOAD_JOB_SKIPPED);
}

static void
row_job_notify_cb (TciaDownloadJob *job,
                   GParamSpec      *pspec,
                   Row             *row)
{
  row_update (row);
}

static void
row_pause_cb (GtkButton *button,
              Row       *row)
{
  if (row->job != NULL && row->page->queue != NULL)
    tcia_download_queue_pause (row->page->queue, row->job);
}

static void
row_resume_cb (GtkButton *button,
               Row       *row)
{
  if (row->job != NULL && row->page->queue != NULL)
    tcia_download_queue_resume (row->page->queue, row->job);
}

static void
row_retry_cb (GtkButton *button,
              Row       *row)
{
  if (row->job != NULL && row->page->queue != NULL)
    tcia_download_queue_retry (row->page->queue, row->job);
}

static void
launch_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    g_message ("Could not open the folder: %s", error->message);
}

static void
row_open_cb (GtkButton *button,
             Row       *row)
{
  g_autoptr(GFile) folder = NULL;
  g_autofree char *uri = NULL;

  if (row->job == NULL || row->page->queue == NULL)
    return;
  folder = g_file_resolve_relative_path (tcia_download_queue_get_destination (row->page->queue),
                                         tcia_download_job_get_relative_path (row->job));
  uri = g_file_get_uri (folder);
  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, launch_done_cb, NULL);
}

static void
row_free (Row *row)
{
  if (row->job != NULL)
    {
      g_signal_handlers_disconnect_by_func (row->job, row_job_notify_cb, row);
      if (g_hash_table_lookup (row->page->rows, row->job) == row)
        g_hash_table_remove (row->page->rows, row->job);
      g_clear_object (&row->job);
    }
  g_free (row);
}

static GtkWidget *
row_button (const char *icon_name,
            const char *label,
            GCallback   callback,
            Row        *row)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");
  g_signal_connect (button, "clicked", callback, row);
  return button;
}

static GtkLabel *
row_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return GTK_LABEL (label);
}

static void
factory_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  TciaDownloadsPage        *self)
{
  Row *row = g_new0 (Row, 1);
  GtkWidget *text;
  GtkWidget *buttons;

  row->page = self;
  row->root = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (row->root, 12);
  gtk_widget_set_margin_end (row->root, 12);
  gtk_widget_set_margin_top (row->root, 8);
  gtk_widget_set_margin_bottom (row->root, 8);

  text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  gtk_widget_set_hexpand (text, TRUE);
  row->title = row_label ("heading");
  row->subtitle = row_label ("dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (row->subtitle), "caption");
  row->bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_margin_top (GTK_WIDGET (row->bar), 3);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row->bar), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  row->title, NULL, -1);
  row->status = row_label ("caption");
  gtk_widget_add_css_class (GTK_WIDGET (row->status), "numeric");
  row->error = row_label ("error");
  gtk_label_set_ellipsize (row->error, PANGO_ELLIPSIZE_NONE);
  gtk_label_set_wrap (row->error, TRUE);
  gtk_label_set_selectable (row->error, TRUE);
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (row->title));
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (row->subtitle));
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (row->bar));
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (row->status));
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (row->error));

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  row->pause = row_button ("media-playback-pause-symbolic", _("Pause"),
                           G_CALLBACK (row_pause_cb), row);
  row->resume = row_button ("media-playback-start-symbolic", _("Resume"),
                            G_CALLBACK (row_resume_cb), row);
  row->retry = row_button ("view-refresh-symbolic", _("Retry"), G_CALLBACK (row_retry_cb), row);
  row->open = row_button ("folder-open-symbolic", _("Open Folder"), G_CALLBACK (row_open_cb), row);
  gtk_box_append (GTK_BOX (buttons), row->pause);
  gtk_box_append (GTK_BOX (buttons), row->resume);
  gtk_box_append (GTK_BOX (buttons), row->retry);
  gtk_box_append (GTK_BOX (buttons), row->open);

  gtk_box_append (GTK_BOX (row->root), text);
  gtk_box_append (GTK_BOX (row->root), buttons);
  g_object_set_data_full (G_OBJECT (row->root), "tcia-row", row, (GDestroyNotify) row_free);
  gtk_list_item_set_child (item, row->root);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
factory_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 TciaDownloadsPage        *self)
{
  Row *row = g_object_get_data (G_OBJECT (gtk_list_item_get_child (item)), "tcia-row");
  TciaDownloadJob *job = gtk_list_item_get_item (item);
  TciaSeries *series = tcia_download_job_get_series (job);
  const char *description = tcia_series_get_series_description (series);
  g_autofree char *subtitle = NULL;

  row->job = g_object_ref (job);
  row->speed = 0;
  row->last_time = 0;
  g_hash_table_insert (self->rows, job, row);
  g_signal_connect (job, "notify", G_CALLBACK (row_job_notify_cb), row);

  gtk_label_set_label (row->title, description != NULL && *description != '\0'
                                   ? description : tcia_download_job_get_series_uid (job));
  /* TRANSLATORS: a series' patient and collection: "LIDC-IDRI-0001 · LIDC-IDRI" */
  subtitle = g_strdup_printf (_("%s · %s"),
                              tcia_series_get_patient_id (series) != NULL
                              ? tcia_series_get_patient_id (series) : _("Unknown patient"),
                              tcia_series_get_collection (series) != NULL
                              ? tcia_series_get_collection (series) : _("Unknown collection"));
  gtk_label_set_label (row->subtitle, subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row->title), tcia_download_job_get_relative_path (job));
  row_update (row);
}

static void
factory_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   TciaDownloadsPage        *self)
{
  Row *row = g_object_get_data (G_OBJECT (gtk_list_item_get_child (item)), "tcia-row");

  if (row->job == NULL)
    return;
  g_signal_handlers_disconnect_by_func (row->job, row_job_notify_cb, row);
  if (g_hash_table_lookup (self->rows, row->job) == row)
    g_hash_table_remove (self->rows, row->job);
  g_clear_object (&row->job);
}

/* ---- the whole queue ---- */

static void
update_overall (TciaDownloadsPage *self)
{
  TciaDownloadQueue *queue = self->queue;
  guint n = queue != NULL ? tcia_download_queue_get_n_total (queue) : 0;
  guint n_done = queue != NULL ? tcia_download_queue_get_n_done (queue) : 0;
  guint n_failed = queue != NULL ? tcia_download_queue_get_n_failed (queue) : 0;
  guint n_active = queue != NULL ? tcia_download_queue_get_n_active (queue) : 0;
  guint n_paused = queue != NULL ? tcia_download_queue_get_n_paused (queue) : 0;
  guint n_counted = n - (queue != NULL ? tcia_download_queue_get_n_cancelled (queue) : 0);
  guint n_running = 0;
  guint64 remaining = 0;
  double progress = 0;
  g_autofree char *title = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);
  guint64 bytes = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (self->queue), i);
      TciaDownloadJobState state = tcia_download_job_get_state (job);

      /* The tallies come from the queue; progress is per job. */
      if (state == TCIA_DOWNLOAD_JOB_CANCELLED)
        continue;
      progress += job_fraction (job);
      if (state == TCIA_DOWNLOAD_JOB_RUNNING)
        {
          n_running++;
          remaining += job_estimate (job) -
                       MIN (job_estimate (job), tcia_download_job_get_bytes_received (job));
        }
      else if (state == TCIA_DOWNLOAD_JOB_QUEUED || state == TCIA_DOWNLOAD_JOB_PAUSED)
        {
          remaining += job_estimate (job);
        }
    }

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "jobs" : "empty");

  if (self->queue != NULL)
    bytes = tcia_download_queue_get_bytes_received (self->queue);
  if (n_running > 0)
    update_speed (&self->speed, &self->last_bytes, &self->last_time, bytes);
  else
    {
      self->speed = 0;
      self->last_time = 0;
    }

  /* TRANSLATORS: "3 of 10 series downloaded" */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u series downloaded",
                                        "%u of %u series downloaded", n_counted),
                           n_done, n_counted);
  gtk_label_set_label (self->overall_title, title);

  {
    g_autofree char *size = g_format_size (bytes);
    g_string_append (detail, size);
  }
  if (self->speed > 0)
    {
      g_autofree char *speed = g_format_size ((guint64) self->speed);

      g_string_append (detail, " · ");
      /* TRANSLATORS: a download speed, "1.2 MB/s" */
      g_string_append_printf (detail, _("%s/s"), speed);
      if (remaining > 0 && n_active > 0)
        {
          g_autofree char *left = format_time_left (remaining / self->speed);

          g_string_append_printf (detail, " · %s", left);
        }
    }
  if (n_paused > 0)
    {
      g_string_append (detail, " · ");
      g_string_append_printf (detail, g_dngettext (GETTEXT_PACKAGE, "%u paused", "%u paused",
                                                   n_paused), n_paused);
    }
  if (n_failed > 0)
    {
      g_string_append (detail, " · ");
      g_string_append_printf (detail, g_dngettext (GETTEXT_PACKAGE, "%u failed", "%u failed",
                                                   n_failed), n_failed);
    }
  gtk_label_set_label (self->overall_detail, detail->str);

  self->fraction = n_counted > 0 ? progress / n_counted : 0;
  gtk_progress_bar_set_fraction (self->overall_bar, self->fraction);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);

  g_free (self->summary);
  /* TRANSLATORS: shown outside the Downloads page: "Downloading 3 of 10 series" */
  self->summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Downloading %u of %u series",
                                                "Downloading %u of %u series", n_counted),
                                   MIN (n_done + 1, n_counted), n_counted);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);

  if (self->n_active != n_active)
    {
      self->n_active = n_active;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ACTIVE]);
    }
  self->n_paused = n_paused;
  if (self->n_failed != n_failed)
    {
      self->n_failed = n_failed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FAILED]);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "downloads.pause-all", n_active > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "downloads.resume-all", n_paused > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "downloads.retry-failed", n_failed > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "downloads.cancel-all",
                                 n_active + n_paused > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "downloads.clear-finished", n_done > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "downloads.check-files", n_done > 0);
}

static void
queue_changed_cb (TciaDownloadsPage *self)
{
  update_overall (self);
}

static void
queue_items_changed_cb (GListModel        *model,
                        guint              position,
                        guint              removed,
                        guint              added,
                        TciaDownloadsPage *self)
{
  update_overall (self);
}

static void
pause_all_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  TciaDownloadsPage *self = TCIA_DOWNLOADS_PAGE (widget);

  if (self->queue != NULL)
    tcia_download_queue_pause_all (self->queue);
  update_overall (self);
}

static void
resume_all_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TciaDownloadsPage *self = TCIA_DOWNLOADS_PAGE (widget);

  if (self->queue != NULL)
    tcia_download_queue_resume_all (self->queue);
  update_overall (self);
}

static void
retry_failed_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  TciaDownloadsPage *self = TCIA_DOWNLOADS_PAGE (widget);

  if (self->queue != NULL)
    tcia_download_queue_retry_failed (self->queue);
  update_overall (self);
}

static void
check_files_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TciaDownloadsPage *self = TCIA_DOWNLOADS_PAGE (widget);

  if (self->queue != NULL)
    tcia_download_queue_check_completed (self->queue);
  update_overall (self);
}

static void
set_dialog (TciaDownloadsPage *self,
            AdwMessageDialog  *dialog)
{
  if (self->dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->dialog), (gpointer *) &self->dialog);
  self->dialog = dialog;
  if (dialog != NULL)
    g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->dialog);
}

static void
cancel_all_response_cb (AdwMessageDialog  *dialog,
                        const char        *response,
                        TciaDownloadsPage *self)
{
  if (g_strcmp0 (response, "cancel-all") == 0 && self->queue != NULL)
    tcia_download_queue_cancel_all (self->queue);
  update_overall (self);
}

/* Cancelling throws away what the series being fetched have received so
 * far, and there is no undo: ask first. */
static void
cancel_all_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TciaDownloadsPage *self = TCIA_DOWNLOADS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;

  if (self->queue == NULL || self->dialog != NULL)
    return;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                            : NULL,
                                                       _("Cancel All Downloads?"), NULL));
  adw_message_dialog_format_body (dialog,
                                  g_dngettext (GETTEXT_PACKAGE,
                                               "%u series waiting, paused or downloading will "
                                               "not be downloaded. Series already downloaded "
                                               "stay in the folder.",
                                               "%u series waiting, paused or downloading will "
                                               "not be downloaded. Series already downloaded "
                                               "stay in the folder.",
                                               self->n_active + self->n_paused),
                                  self->n_active + self->n_paused);
  adw_message_dialog_add_responses (dialog,
                                    "keep", _("_Keep Downloading"),
                                    "cancel-all", _("_Cancel All"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "cancel-all", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (cancel_all_response_cb), self, 0);
  set_dialog (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
clear_finished_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TciaDownloadsPage *self = TCIA_DOWNLOADS_PAGE (widget);

  if (self->queue != NULL)
    tcia_download_queue_remove_completed (self->queue);
  update_overall (self);
}

static void
tcia_downloads_page_dispose (GObject *object)
{
  TciaDownloadsPage *self = TCIA_DOWNLOADS_PAGE (object);

  if (self->dialog != NULL)
    {
      AdwMessageDialog *dialog = self->dialog;

      set_dialog (self, NULL);
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
  tcia_downloads_page_set_queue (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), TCIA_TYPE_DOWNLOADS_PAGE);

  G_OBJECT_CLASS (tcia_downloads_page_parent_class)->dispose (object);
}

static void
tcia_downloads_page_finalize (GObject *object)
{
  TciaDownloadsPage *self = TCIA_DOWNLOADS_PAGE (object);

  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (tcia_downloads_page_parent_class)->finalize (object);
}

static void
tcia_downloads_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TciaDownloadsPage *self = TCIA_DOWNLOADS_PAGE (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;
    case PROP_N_ACTIVE:
      g_value_set_uint (value, self->n_active);
      break;
    case PROP_N_FAILED:
      g_value_set_uint (value, self->n_failed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_downloads_page_class_init (TciaDownloadsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tcia_downloads_page_dispose;
  object_class->finalize = tcia_downloads_page_finalize;
  object_class->get_property = tcia_downloads_page_get_property;

  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL, flags);
  properties[PROP_N_ACTIVE] = g_param_spec_uint ("n-active", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_FAILED] = g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tciabasket/TciaBasket/"
                                               "tcia-downloads-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadsPage, overall_title);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadsPage, overall_detail);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadsPage, overall_bar);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadsPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadsPage, pause_all_button);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadsPage, resume_all_button);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadsPage, retry_failed_button);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadsPage, clear_finished_button);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadsPage, check_files_button);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadsPage, cancel_all_button);

  gtk_widget_class_install_action (widget_class, "downloads.pause-all", NULL, pause_all_cb);
  gtk_widget_class_install_action (widget_class, "downloads.resume-all", NULL, resume_all_cb);
  gtk_widget_class_install_action (widget_class, "downloads.retry-failed", NULL,
                                   retry_failed_cb);
  gtk_widget_class_install_action (widget_class, "downloads.cancel-all", NULL, cancel_all_cb);
  gtk_widget_class_install_action (widget_class, "downloads.check-files", NULL, check_files_cb);
  gtk_widget_class_install_action (widget_class, "downloads.clear-finished", NULL,
                                   clear_finished_cb);
}

static void
tcia_downloads_page_init (TciaDownloadsPage *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* AdwBin unparents its child itself: bound as a template child,
   * gtk_widget_dispose_template() would do it a second time. */
  self->stack = GTK_STACK (adw_bin_get_child (ADW_BIN (self)));
  tcia_tooltip_when_cut (GTK_WIDGET (self->overall_title));
  tcia_tooltip_when_cut (GTK_WIDGET (self->overall_detail));

  self->rows = g_hash_table_new (NULL, NULL);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (factory_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (factory_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (factory_unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  update_overall (self);
}

void
tcia_downloads_page_set_queue (TciaDownloadsPage *self,
                               TciaDownloadQueue *queue)
{
  g_return_if_fail (TCIA_IS_DOWNLOADS_PAGE (self));
  g_return_if_fail (queue == NULL || TCIA_IS_DOWNLOAD_QUEUE (queue));

  if (self->queue == queue)
    return;
  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_set_object (&self->queue, queue);
  if (self->list_view != NULL)
    {
      GtkSelectionModel *selection = NULL;

      if (queue != NULL)
        {
          GListModel *model = g_object_ref (G_LIST_MODEL (queue));

          selection = GTK_SELECTION_MODEL (gtk_no_selection_new (model));
        }
      gtk_list_view_set_model (self->list_view, selection);
      g_clear_object (&selection);
    }
  if (queue != NULL)
    {
      g_signal_connect_swapped (queue, "notify::bytes-received", G_CALLBACK (queue_changed_cb),
                                self);
      g_signal_connect_swapped (queue, "notify::n-done", G_CALLBACK (queue_changed_cb), self);
      g_signal_connect_swapped (queue, "notify::n-failed", G_CALLBACK (queue_changed_cb), self);
      g_signal_connect_swapped (queue, "notify::n-running", G_CALLBACK (queue_changed_cb), self);
      g_signal_connect_swapped (queue, "notify::n-active", G_CALLBACK (queue_changed_cb), self);
      g_signal_connect_swapped (queue, "notify::n-paused", G_CALLBACK (queue_changed_cb), self);
      g_signal_connect_swapped (queue, "notify::n-cancelled", G_CALLBACK (queue_changed_cb), self);
      g_signal_connect_swapped (queue, "job-finished", G_CALLBACK (queue_changed_cb), self);
      g_signal_connect_swapped (queue, "finished", G_CALLBACK (queue_changed_cb), self);
      g_signal_connect (queue, "items-changed", G_CALLBACK (queue_items_changed_cb), self);
    }
  update_overall (self);
}

TciaDownloadQueue *
tcia_downloads_page_get_queue (TciaDownloadsPage *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOADS_PAGE (self), NULL);
  return self->queue;
}

double
tcia_downloads_page_get_fraction (TciaDownloadsPage *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOADS_PAGE (self), 0);
  return self->fraction;
}

const char *
tcia_downloads_page_get_summary (TciaDownloadsPage *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOADS_PAGE (self), NULL);
  return self->summary;
}

guint
tcia_downloads_page_get_n_active (TciaDownloadsPage *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOADS_PAGE (self), 0);
  return self->n_active;
}

guint
tcia_downloads_page_get_n_failed (TciaDownloadsPage *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOADS_PAGE (self), 0);
  return self->n_failed;
}

/* ---- for tests ---- */

static Row *
row_at (TciaDownloadsPage *self,
        guint              position)
{
  g_autoptr(TciaDownloadJob) job = NULL;

  if (self->queue == NULL)
    return NULL;
  job = g_list_model_get_item (G_LIST_MODEL (self->queue), position);
  return job != NULL ? g_hash_table_lookup (self->rows, job) : NULL;
}

const char *
tcia_downloads_page_get_state (TciaDownloadsPage *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

AdwMessageDialog *
tcia_downloads_page_get_dialog (TciaDownloadsPage *self)
{
  return self->dialog;
}

GtkWidget *
tcia_downloads_page_get_button (TciaDownloadsPage *self,
                                const char        *which)
{
  if (g_str_equal (which, "pause-all"))
    return self->pause_all_button;
  if (g_str_equal (which, "resume-all"))
    return self->resume_all_button;
  if (g_str_equal (which, "retry-failed"))
    return self->retry_failed_button;
  if (g_str_equal (which, "clear-finished"))
    return self->clear_finished_button;
  if (g_str_equal (which, "check-files"))
    return self->check_files_button;
  if (g_str_equal (which, "cancel-all"))
    return self->cancel_all_button;
  return NULL;
}

const char *
tcia_downloads_page_get_overall_title (TciaDownloadsPage *self)
{
  return gtk_label_get_label (self->overall_title);
}

const char *
tcia_downloads_page_get_overall_detail (TciaDownloadsPage *self)
{
  return gtk_label_get_label (self->overall_detail);
}

const char *
tcia_downloads_page_get_row_status (TciaDownloadsPage *self,
                                    guint              position)
{
  Row *row = row_at (self, position);

  return row != NULL ? gtk_label_get_label (row->status) : NULL;
}

const char *
tcia_downloads_page_get_row_error (TciaDownloadsPage *self,
                                   guint              position)
{
  Row *row = row_at (self, position);

  if (row == NULL || !gtk_widget_get_visible (GTK_WIDGET (row->error)))
    return NULL;
  return gtk_label_get_label (row->error);
}

static GtkWidget *
row_button_named (Row        *row,
                  const char *which)
{
  if (row == NULL)
    return NULL;
  if (g_str_equal (which, "pause"))
    return row->pause;
  if (g_str_equal (which, "resume"))
    return row->resume;
  if (g_str_equal (which, "retry"))
    return row->retry;
  if (g_str_equal (which, "open"))
    return row->open;
  return NULL;
}

gboolean
tcia_downloads_page_get_row_button (TciaDownloadsPage *self,
                                    guint              position,
                                    const char        *which)
{
  GtkWidget *button = row_button_named (row_at (self, position), which);

  return button != NULL && gtk_widget_get_visible (button);
}

gboolean
tcia_downloads_page_click_row_button (TciaDownloadsPage *self,
                                      guint              position,
                                      const char        *which)
{
  GtkWidget *button = row_button_named (row_at (self, position), which);

  if (button == NULL || !gtk_widget_get_visible (button))
    return FALSE;
  g_signal_emit_by_name (button, "clicked");
  return TRUE;
}
