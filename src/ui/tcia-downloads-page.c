/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-downloads-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-download-progress.h"
#include "tcia-download-list.h"
#include "tcia-downloads-page-private.h"

struct _TciaDownloadsPage
{
  AdwBin             parent_instance;

  /* template widgets */
  GtkStack          *stack;     /* the child */
  GtkLabel          *overall_title;
  GtkLabel          *overall_detail;
  GtkProgressBar    *overall_bar;
  GtkToggleButton   *failed_button;
  AdwButtonContent  *failed_content;
  TciaDownloadList  *download_list;
  GtkWidget         *pause_all_button;
  GtkWidget         *resume_all_button;
  GtkWidget         *retry_failed_button;
  GtkWidget         *clear_finished_button;
  GtkWidget         *check_files_button;
  GtkWidget         *cancel_all_button;

  /* owned */
  TciaDownloadQueue *queue;
  AdwMessageDialog  *dialog;    /* a weak pointer: "Cancel All?" while it is open */
  char              *summary;
  TciaSpeed          speed;
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

/* ---- the whole queue ---- */

static void
failed_toggled_cb (TciaDownloadsPage *self)
{
  tcia_download_list_set_failed_only (self->download_list,
                                      gtk_toggle_button_get_active (self->failed_button));
}

static void
update_failed_button (TciaDownloadsPage *self,
                      guint              n_failed)
{
  g_autofree char *label = NULL;

  /* Nothing left to show: back to the whole list. */
  if (n_failed == 0)
    gtk_toggle_button_set_active (self->failed_button, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->failed_button), n_failed > 0);
  /* TRANSLATORS: a button that shows only the failed series: "2 Failed" */
  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Failed", "%u Failed", n_failed),
                           n_failed);
  adw_button_content_set_label (self->failed_content, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->failed_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* "4.2 of 15.6 MB · 27 % · 1.2 MB/s · about 2 minutes left · 3 paused" */
static char *
detail_text (TciaDownloadsPage *self,
             guint64            done_bytes,
             guint64            total_bytes,
             double             fraction,
             guint64            remaining,
             guint              n_paused)
{
  GString *detail = g_string_new (NULL);

  if (total_bytes > 0)
    {
      g_autofree char *size = tcia_format_size_of (done_bytes, total_bytes);

      g_string_append (detail, size);
      g_string_append (detail, " · ");
    }
  /* TRANSLATORS: how much is done, "27 %"; use your language's percent format */
  g_string_append_printf (detail, _("%u %%"), (guint) (fraction * 100));
  /* Below this the transfer is stalled or waiting for the server: a speed
   * and time left would say "0 bytes/s · about 596523 hours left". */
  if (self->speed.speed >= TCIA_SPEED_MIN_SHOWN)
    {
      g_autofree char *speed = g_format_size ((guint64) self->speed.speed);

      /* TRANSLATORS: a download speed, "1.2 MB/s" */
      g_string_append (detail, " · ");
      g_string_append_printf (detail, _("%s/s"), speed);
      if (remaining > 0 && self->n_active > 0)
        {
          g_autofree char *left = tcia_format_time_left (remaining / self->speed.speed);

          g_string_append_printf (detail, " · %s", left);
        }
    }
  if (n_paused > 0)
    {
      g_string_append (detail, " · ");
      g_string_append_printf (detail, g_dngettext (GETTEXT_PACKAGE, "%u paused", "%u paused",
                                                   n_paused), n_paused);
    }
  return g_string_free (detail, FALSE);
}

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
  guint64 total_bytes = 0;
  double done_bytes = 0;
  double progress = 0;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);
      TciaDownloadJobState state = tcia_download_job_get_state (job);
      guint64 size = tcia_series_get_file_size (tcia_download_job_get_series (job));
      double fraction = tcia_download_job_fraction (job);

      /* The tallies come from the queue; progress is per job. */
      if (state == TCIA_DOWNLOAD_JOB_CANCELLED)
        continue;
      progress += fraction;
      total_bytes += size;
      done_bytes += fraction * size;
      if (state == TCIA_DOWNLOAD_JOB_RUNNING)
        {
          guint64 estimate = tcia_download_job_estimate_bytes (job);

          n_running++;
          remaining += estimate - MIN (estimate, tcia_download_job_get_bytes_received (job));
        }
      else if (state == TCIA_DOWNLOAD_JOB_QUEUED || state == TCIA_DOWNLOAD_JOB_PAUSED)
        {
          remaining += tcia_download_job_estimate_bytes (job);
        }
    }

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "jobs" : "empty");

  if (n_running > 0)
    tcia_speed_update (&self->speed, tcia_download_queue_get_bytes_received (queue));
  else
    tcia_speed_reset (&self->speed);

  /* By size when the server said it, else by series. */
  self->fraction = total_bytes > 0 ? done_bytes / total_bytes
                 : n_counted > 0 ? progress / n_counted : 0;
  if (n_counted > 0 && n_done == n_counted)
    self->fraction = 1;
  if (self->n_active != n_active)
    {
      self->n_active = n_active;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ACTIVE]);
    }
  self->n_paused = n_paused;

  /* TRANSLATORS: "3 of 10 series downloaded" */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u series downloaded",
                                        "%u of %u series downloaded", n_counted),
                           n_done, n_counted);
  gtk_label_set_label (self->overall_title, title);
  detail = detail_text (self, (guint64) done_bytes, total_bytes, self->fraction, remaining,
                        n_paused);
  gtk_label_set_label (self->overall_detail, detail);
  gtk_progress_bar_set_fraction (self->overall_bar, self->fraction);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);

  g_free (self->summary);
  /* TRANSLATORS: shown outside the Downloads page: "Downloading 3 of 10 series" */
  self->summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Downloading %u of %u series",
                                                "Downloading %u of %u series", n_counted),
                                   MIN (n_done + 1, n_counted), n_counted);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);

  if (self->n_failed != n_failed)
    {
      self->n_failed = n_failed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FAILED]);
    }
  update_failed_button (self, n_failed);

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

/* Entered from the view switcher (Alt+3): the list, not the first button. */
static gboolean
tcia_downloads_page_grab_focus (GtkWidget *widget)
{
  TciaDownloadsPage *self = TCIA_DOWNLOADS_PAGE (widget);

  GtkWidget *child = gtk_widget_get_first_child (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "jobs") == 0 &&
      gtk_widget_grab_focus (GTK_WIDGET (self->download_list)))
    return TRUE;
  /* Into the page's content, never the page itself (see the Basket page's). */
  return child != NULL && gtk_widget_child_focus (child, GTK_DIR_TAB_FORWARD);
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
  widget_class->grab_focus = tcia_downloads_page_grab_focus;

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
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadsPage, failed_button);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadsPage, failed_content);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadsPage, download_list);
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

  g_type_ensure (TCIA_TYPE_DOWNLOAD_LIST);
}

static void
tcia_downloads_page_init (TciaDownloadsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* AdwBin unparents its child itself: bound as a template child,
   * gtk_widget_dispose_template() would do it a second time. */
  self->stack = GTK_STACK (adw_bin_get_child (ADW_BIN (self)));

  g_signal_connect_object (tcia_download_list_get_shown (self->download_list), "items-changed",
                           G_CALLBACK (queue_items_changed_cb), self, 0);
  g_signal_connect_swapped (self->failed_button, "toggled", G_CALLBACK (failed_toggled_cb), self);
  update_overall (self);
}

void
tcia_downloads_page_set_queue (TciaDownloadsPage *self,
                               TciaDownloadQueue *queue)
{
  static const char * const tallies[] = {
    "notify::n-done", "notify::n-failed", "notify::n-running", "notify::n-active",
    "notify::n-paused", "notify::n-cancelled", "notify::n-queued",
  };

  g_return_if_fail (TCIA_IS_DOWNLOADS_PAGE (self));
  g_return_if_fail (queue == NULL || TCIA_IS_DOWNLOAD_QUEUE (queue));

  if (self->queue == queue)
    return;
  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_set_object (&self->queue, queue);
  if (self->download_list != NULL)
    tcia_download_list_set_queue (self->download_list, queue);
  if (queue != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (tallies); i++)
        g_signal_connect_swapped (queue, tallies[i], G_CALLBACK (queue_changed_cb), self);
      g_signal_connect_swapped (queue, "notify::bytes-received", G_CALLBACK (queue_changed_cb),
                                self);
      g_signal_connect_swapped (queue, "job-finished", G_CALLBACK (queue_changed_cb), self);
      g_signal_connect_swapped (queue, "finished", G_CALLBACK (queue_changed_cb), self);
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

/* The row of the job at @position of the queue, when it is bound. */
static TciaDownloadRow *
row_at (TciaDownloadsPage *self,
        guint              position)
{
  g_autoptr(TciaDownloadJob) job = NULL;

  if (self->queue == NULL)
    return NULL;
  job = g_list_model_get_item (G_LIST_MODEL (self->queue), position);
  return job != NULL ? tcia_download_list_find_row (self->download_list, job) : NULL;
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
  if (g_str_equal (which, "failed"))
    return GTK_WIDGET (self->failed_button);
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

GListModel *
tcia_downloads_page_get_shown (TciaDownloadsPage *self)
{
  return tcia_download_list_get_shown (self->download_list);
}

const char *
tcia_downloads_page_get_row_status (TciaDownloadsPage *self,
                                    guint              position)
{
  TciaDownloadRow *row = row_at (self, position);

  return row != NULL ? tcia_download_row_get_status (row) : NULL;
}

const char *
tcia_downloads_page_get_row_error (TciaDownloadsPage *self,
                                   guint              position)
{
  TciaDownloadRow *row = row_at (self, position);

  return row != NULL ? tcia_download_row_get_error (row) : NULL;
}

const char *
tcia_downloads_page_get_row_section (TciaDownloadsPage *self,
                                     guint              position)
{
  TciaDownloadRow *row = row_at (self, position);

  return row != NULL ? tcia_download_row_get_section (row) : NULL;
}

gboolean
tcia_downloads_page_get_row_compact (TciaDownloadsPage *self,
                                     guint              position)
{
  TciaDownloadRow *row = row_at (self, position);

  return row != NULL && tcia_download_row_get_compact (row);
}

gboolean
tcia_downloads_page_get_row_title_bold (TciaDownloadsPage *self,
                                        guint              position)
{
  TciaDownloadRow *row = row_at (self, position);

  return row != NULL && tcia_download_row_get_title_bold (row);
}

gboolean
tcia_downloads_page_get_row_button (TciaDownloadsPage *self,
                                    guint              position,
                                    const char        *which)
{
  TciaDownloadRow *row = row_at (self, position);
  GtkWidget *button = row != NULL ? tcia_download_row_get_button (row, which) : NULL;

  return button != NULL && gtk_widget_get_visible (button);
}

gboolean
tcia_downloads_page_click_row_button (TciaDownloadsPage *self,
                                      guint              position,
                                      const char        *which)
{
  TciaDownloadRow *row = row_at (self, position);
  GtkWidget *button = row != NULL ? tcia_download_row_get_button (row, which) : NULL;

  if (button == NULL || !gtk_widget_get_visible (button))
    return FALSE;
  g_signal_emit_by_name (button, "clicked");
  return TRUE;
}
