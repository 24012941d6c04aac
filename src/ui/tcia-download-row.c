/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-download-row"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-column-sizing.h"
#include "tcia-download-progress.h"
#include "tcia-download-row.h"
#include "tcia-ui-util.h"

struct _TciaDownloadRow
{
  AdwBin             parent_instance;

  /* template widgets */
  GtkWidget         *section_box;
  GtkLabel          *section_label;
  GtkLabel          *section_count;
  GtkWidget         *main_box;
  GtkLabel          *title_label;
  GtkLabel          *compact_label;
  GtkLabel          *size_label;
  GtkLabel          *subtitle_label;
  GtkProgressBar    *bar;
  GtkWidget         *status_box;
  GtkLabel          *status_label;
  GtkLabel          *source_label;
  GtkLabel          *error_label;
  GtkWidget         *pause_button;
  GtkWidget         *resume_button;
  GtkWidget         *retry_button;
  GtkWidget         *cancel_button;
  GtkWidget         *remove_button;
  GtkWidget         *open_button;

  /* owned while bound */
  TciaDownloadJob   *job;
  TciaSpeed          speed;
  gboolean           compact;

  /* borrowed while bound */
  TciaDownloadQueue *queue;
};

G_DEFINE_FINAL_TYPE (TciaDownloadRow, tcia_download_row, ADW_TYPE_BIN)

/* A series taken out of the list once its worker has let it go: a running
 * one cancelled holds its folder until its .part folder is gone. */
typedef struct
{
  TciaDownloadJob *job;
  gulong           handler;
} PendingRemoval;

static void
pending_removal_free (gpointer  data,
                      GClosure *closure)
{
  PendingRemoval *pending = data;

  g_clear_object (&pending->job);
  g_free (pending);
}

static void
pending_job_finished_cb (TciaDownloadQueue *queue,
                         TciaDownloadJob   *job,
                         PendingRemoval    *pending)
{
  if (job != pending->job || !tcia_download_queue_remove (queue, job))
    return;
  g_signal_handler_disconnect (queue, pending->handler);
}

static void
remove_job (TciaDownloadQueue *queue,
            TciaDownloadJob   *job)
{
  PendingRemoval *pending;

  if (!tcia_download_job_is_finished (job))
    tcia_download_queue_cancel (queue, job);
  if (tcia_download_queue_remove (queue, job))
    return;

  pending = g_new0 (PendingRemoval, 1);
  pending->job = g_object_ref (job);
  pending->handler = g_signal_connect_data (queue, "job-finished",
                                            G_CALLBACK (pending_job_finished_cb), pending,
                                            pending_removal_free, 0);
}

static char *
status_text (TciaDownloadRow      *self,
             TciaDownloadJobState  state)
{
  TciaDownloadJob *job = self->job;
  guint64 bytes = tcia_download_job_get_bytes_received (job);
  guint n_images = tcia_download_job_get_n_images (job);
  g_autofree char *size = NULL;
  char *status;

  switch (state)
    {
    case TCIA_DOWNLOAD_JOB_QUEUED:
      return g_strdup (_("Waiting"));
    case TCIA_DOWNLOAD_JOB_DONE:
      /* TRANSLATORS: "Done · 120 images" */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Done · %u image",
                                           "Done · %u images", n_images), n_images);
    case TCIA_DOWNLOAD_JOB_SKIPPED:
      return g_strdup (_("Done · already in the folder"));
    case TCIA_DOWNLOAD_JOB_FAILED:
      return g_strdup (_("Failed"));
    case TCIA_DOWNLOAD_JOB_PAUSED:
      return g_strdup (_("Paused"));
    case TCIA_DOWNLOAD_JOB_CANCELLED:
      return g_strdup (_("Cancelled"));
    case TCIA_DOWNLOAD_JOB_RUNNING:
    default:
      break;
    }

  tcia_speed_update (&self->speed, bytes);
  size = g_format_size (bytes);
  if (bytes == 0)
    {
      status = g_strdup (_("Waiting for the server…"));
    }
  else if (self->speed.speed >= TCIA_SPEED_MIN_SHOWN)
    {
      g_autofree char *speed = g_format_size ((guint64) self->speed.speed);

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
      char *more = g_strdup_printf (_("%s (try %u)"), status, tcia_download_job_get_attempts (job));

      g_free (status);
      status = more;
    }
  return status;
}

/* The weight as a Pango attribute, not the "heading" style class: GTK 4.8
 * left the title of a row that went from failed back to done drawn bold
 * with the class long removed (its style was not computed again), so a
 * finished series looked unfinished. An attribute is the label's own. */
static void
set_title_bold (TciaDownloadRow *self,
                gboolean         bold)
{
  g_autoptr(PangoAttrList) attributes = pango_attr_list_new ();

  pango_attr_list_insert (attributes,
                          pango_attr_weight_new (bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL));
  gtk_label_set_attributes (self->title_label, attributes);
}

/* Finished series that need nothing more take one line, so that the
 * running and failed ones above them stay in view. */
static void
set_compact (TciaDownloadRow *self,
             gboolean         compact)
{
  self->compact = compact;
  gtk_widget_set_visible (GTK_WIDGET (self->compact_label), compact);
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), !compact);
  gtk_widget_set_visible (self->status_box, !compact);
  gtk_widget_set_margin_top (self->main_box, compact ? 3 : 8);
  gtk_widget_set_margin_bottom (self->main_box, compact ? 3 : 8);
  set_title_bold (self, !compact);
}

static void
update (TciaDownloadRow *self)
{
  TciaDownloadJob *job = self->job;
  TciaDownloadJobState state = tcia_download_job_get_state (job);
  const GError *error = tcia_download_job_get_error (job);
  gboolean failed = state == TCIA_DOWNLOAD_JOB_FAILED;
  gboolean finished = tcia_download_job_is_finished (job);
  gboolean complete = state == TCIA_DOWNLOAD_JOB_DONE || state == TCIA_DOWNLOAD_JOB_SKIPPED;
  gboolean can_retry = (failed || state == TCIA_DOWNLOAD_JOB_CANCELLED) &&
                       !g_error_matches (error, TCIA_DOWNLOAD_ERROR,
                                         TCIA_DOWNLOAD_ERROR_UNKNOWN_SERIES);
  g_autofree char *status = status_text (self, state);

  if (state != TCIA_DOWNLOAD_JOB_RUNNING)
    tcia_speed_reset (&self->speed);

  set_compact (self, complete || state == TCIA_DOWNLOAD_JOB_CANCELLED);
  /* Only a running series has progress: an empty bar says nothing. */
  gtk_widget_set_visible (GTK_WIDGET (self->bar), state == TCIA_DOWNLOAD_JOB_RUNNING);
  gtk_label_set_label (self->status_label, status);
  gtk_label_set_label (self->compact_label, status);
  tcia_widget_set_tooltip_lazily (GTK_WIDGET (self->compact_label), NULL);
  /* One line for a finished series: where it came from joins its status. */
  if (complete && tcia_download_job_get_source (job) != NULL)
    {
      g_autofree char *with_source =
        /* Translators: "Done · 8 images · from IDC"; the second %s is a source. */
        g_strdup_printf (_("%s · from %s"), status, tcia_download_job_get_source (job));

      const char *note = tcia_download_job_get_source_note (job);
      g_autofree char *tip = note != NULL ? g_strdup_printf ("%s\n%s", with_source, note)
                                          : g_strdup (with_source);

      gtk_label_set_label (self->compact_label, with_source);
      tcia_widget_set_tooltip_lazily (GTK_WIDGET (self->compact_label), tip);
    }
  gtk_progress_bar_set_fraction (self->bar, tcia_download_job_fraction (job));
  gtk_label_set_label (self->error_label, failed && error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), failed && error != NULL);

  gtk_widget_set_visible (self->pause_button, state == TCIA_DOWNLOAD_JOB_QUEUED ||
                                              state == TCIA_DOWNLOAD_JOB_RUNNING);
  gtk_widget_set_visible (self->resume_button, state == TCIA_DOWNLOAD_JOB_PAUSED);
  gtk_widget_set_visible (self->retry_button, can_retry);
  gtk_widget_set_visible (self->cancel_button, !finished);
  /* A running series is cancelled first: Remove would hide work going on. */
  gtk_widget_set_visible (self->remove_button, state != TCIA_DOWNLOAD_JOB_RUNNING);
  gtk_widget_set_visible (self->open_button, complete);
}

/* "From IDC", and why not the preferred source in its tooltip. */
static void
sync_source (TciaDownloadRow *self)
{
  const char *source = tcia_download_job_get_source (self->job);
  const char *note = tcia_download_job_get_source_note (self->job);
  g_autofree char *text = NULL;
  g_autofree char *tip = NULL;

  if (source != NULL)
    /* Translators: %s is a source of series, "IDC" or "NBIA". */
    text = g_strdup_printf (_("From %s"), source);
  if (source != NULL && note != NULL)
    /* Translators: "From NBIA: IDC does not have this series". */
    tip = g_strdup_printf (_("From %s: %s"), source, note);
  gtk_label_set_label (self->source_label, text != NULL ? text : "");
  tcia_widget_set_tooltip_lazily (GTK_WIDGET (self->source_label), tip != NULL ? tip : text);
}

static void
job_notify_cb (TciaDownloadJob *job,
               GParamSpec      *pspec,
               TciaDownloadRow *self)
{
  if (pspec->name == g_intern_static_string ("source") ||
      pspec->name == g_intern_static_string ("source-note"))
    sync_source (self);
  update (self);
}

static void
source_label_notify_cb (GtkLabel        *label,
                        GParamSpec      *pspec,
                        TciaDownloadRow *self)
{
  const char *text = gtk_label_get_label (label);

  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}


/* ---- actions ---- */

static void
pause_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  TciaDownloadRow *self = TCIA_DOWNLOAD_ROW (widget);

  if (self->job != NULL)
    tcia_download_queue_pause (self->queue, self->job);
}

static void
resume_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  TciaDownloadRow *self = TCIA_DOWNLOAD_ROW (widget);

  if (self->job != NULL)
    tcia_download_queue_resume (self->queue, self->job);
}

static void
retry_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  TciaDownloadRow *self = TCIA_DOWNLOAD_ROW (widget);

  if (self->job != NULL)
    tcia_download_queue_retry (self->queue, self->job);
}

static void
cancel_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  TciaDownloadRow *self = TCIA_DOWNLOAD_ROW (widget);

  if (self->job != NULL)
    tcia_download_queue_cancel (self->queue, self->job);
}

static void
remove_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  TciaDownloadRow *self = TCIA_DOWNLOAD_ROW (widget);

  /* The row is unbound as its job leaves the list: keep what it needs. */
  if (self->job != NULL)
    {
      g_autoptr(TciaDownloadJob) job = g_object_ref (self->job);

      remove_job (self->queue, job);
    }
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
open_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  TciaDownloadRow *self = TCIA_DOWNLOAD_ROW (widget);
  g_autoptr(GFile) folder = NULL;
  g_autofree char *uri = NULL;

  if (self->job == NULL)
    return;
  folder = g_file_resolve_relative_path (tcia_download_queue_get_destination (self->queue),
                                         tcia_download_job_get_relative_path (self->job));
  uri = g_file_get_uri (folder);
  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, launch_done_cb, NULL);
}

/* ---- object ---- */

static void
tcia_download_row_dispose (GObject *object)
{
  TciaDownloadRow *self = TCIA_DOWNLOAD_ROW (object);

  tcia_download_row_bind (self, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), TCIA_TYPE_DOWNLOAD_ROW);

  G_OBJECT_CLASS (tcia_download_row_parent_class)->dispose (object);
}

static void
tcia_download_row_class_init (TciaDownloadRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_download_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tciabasket/TciaBasket/"
                                               "tcia-download-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, section_box);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, section_label);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, section_count);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, main_box);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, compact_label);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, size_label);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, bar);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, status_box);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, source_label);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, resume_button);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, remove_button);
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadRow, open_button);

  gtk_widget_class_install_action (widget_class, "row.pause", NULL, pause_cb);
  gtk_widget_class_install_action (widget_class, "row.resume", NULL, resume_cb);
  gtk_widget_class_install_action (widget_class, "row.retry", NULL, retry_cb);
  gtk_widget_class_install_action (widget_class, "row.cancel", NULL, cancel_cb);
  gtk_widget_class_install_action (widget_class, "row.remove", NULL, remove_cb);
  gtk_widget_class_install_action (widget_class, "row.open", NULL, open_cb);
}

static void
tcia_download_row_init (TciaDownloadRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  tcia_tooltip_when_cut (GTK_WIDGET (self->subtitle_label));
  tcia_tooltip_when_cut (GTK_WIDGET (self->status_label));
  g_signal_connect (self->source_label, "notify::label", G_CALLBACK (source_label_notify_cb),
                    self);
}

/* ---- public ---- */

GtkWidget *
tcia_download_row_new (void)
{
  return g_object_new (TCIA_TYPE_DOWNLOAD_ROW, NULL);
}

void
tcia_download_row_bind (TciaDownloadRow   *self,
                        TciaDownloadQueue *queue,
                        TciaDownloadJob   *job)
{
  TciaSeries *series;
  const char *description;
  const char *patient;
  const char *collection;
  const char *title;
  g_autofree char *tooltip = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *size = NULL;

  g_return_if_fail (TCIA_IS_DOWNLOAD_ROW (self));
  g_return_if_fail ((queue == NULL) == (job == NULL));

  if (self->job != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->job, job_notify_cb, self);
      g_clear_object (&self->job);
    }
  self->queue = queue;
  tcia_speed_reset (&self->speed);
  if (job == NULL)
    return;

  self->job = g_object_ref (job);
  g_signal_connect (job, "notify", G_CALLBACK (job_notify_cb), self);
  /* Which source serves the series, once the worker has chosen. */
  sync_source (self);

  series = tcia_download_job_get_series (job);
  description = tcia_series_get_series_description (series);
  patient = tcia_series_get_patient_id (series);
  collection = tcia_series_get_collection (series);
  title = description != NULL && *description != '\0' ? description
                                                      : tcia_download_job_get_series_uid (job);
  gtk_label_set_label (self->title_label, title);
  /* The whole title, which a narrow window cuts, and where the files go. */
  tooltip = g_strdup_printf ("%s\n%s", title, tcia_download_job_get_relative_path (job));
  tcia_widget_set_tooltip_lazily (GTK_WIDGET (self->title_label), tooltip);
  /* TRANSLATORS: a series' patient and collection: "LIDC-IDRI-0001 · LIDC-IDRI" */
  subtitle = g_strdup_printf (_("%s · %s"),
                              patient != NULL ? patient : _("Unknown patient"),
                              collection != NULL ? collection : _("Unknown collection"));
  gtk_label_set_label (self->subtitle_label, subtitle);
  if (tcia_series_get_file_size (series) > 0)
    size = g_format_size (tcia_series_get_file_size (series));
  gtk_label_set_label (self->size_label, size != NULL ? size : "");
  update (self);
}

TciaDownloadJob *
tcia_download_row_get_job (TciaDownloadRow *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_ROW (self), NULL);
  return self->job;
}

void
tcia_download_row_set_section (TciaDownloadRow *self,
                               const char      *title,
                               guint            count)
{
  g_autofree char *count_text = NULL;

  g_return_if_fail (TCIA_IS_DOWNLOAD_ROW (self));

  gtk_widget_set_visible (self->section_box, title != NULL);
  if (title == NULL)
    return;
  count_text = g_strdup_printf ("%u", count);
  gtk_label_set_label (self->section_label, title);
  gtk_label_set_label (self->section_count, count_text);
}

const char *
tcia_download_row_get_status (TciaDownloadRow *self)
{
  return gtk_label_get_label (self->status_label);
}

const char *
tcia_download_row_get_error (TciaDownloadRow *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_label (self->error_label);
}

const char *
tcia_download_row_get_section (TciaDownloadRow *self)
{
  if (!gtk_widget_get_visible (self->section_box))
    return NULL;
  return gtk_label_get_label (self->section_label);
}

gboolean
tcia_download_row_get_compact (TciaDownloadRow *self)
{
  return self->compact;
}

gboolean
tcia_download_row_get_title_bold (TciaDownloadRow *self)
{
  /* The font the label draws its text with, its style and attributes
   * applied: what a person sees. */
  PangoLayout *layout = gtk_label_get_layout (self->title_label);
  PangoLayoutIter *iter = pango_layout_get_iter (layout);
  PangoLayoutRun *run = pango_layout_iter_get_run_readonly (iter);
  g_autoptr(PangoFontDescription) font = NULL;

  if (run != NULL)
    font = pango_font_describe (run->item->analysis.font);
  pango_layout_iter_free (iter);

  return font != NULL && pango_font_description_get_weight (font) >= PANGO_WEIGHT_SEMIBOLD;
}

GtkWidget *
tcia_download_row_get_button (TciaDownloadRow *self,
                              const char      *which)
{
  if (g_str_equal (which, "pause"))
    return self->pause_button;
  if (g_str_equal (which, "resume"))
    return self->resume_button;
  if (g_str_equal (which, "retry"))
    return self->retry_button;
  if (g_str_equal (which, "cancel"))
    return self->cancel_button;
  if (g_str_equal (which, "remove"))
    return self->remove_button;
  if (g_str_equal (which, "open"))
    return self->open_button;
  return NULL;
}
