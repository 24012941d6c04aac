/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-download-list"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-download-list.h"

/* State changes come in bursts (a batch queued, many series done): the
 * list is put in order again once they settle, not at each. */
#define RESORT_DELAY_MS 150

/* The order of the list: what needs the user or is moving comes first. */
typedef enum
{
  SECTION_RUNNING,
  SECTION_WAITING,
  SECTION_PAUSED,
  SECTION_FAILED,
  SECTION_CANCELLED,
  SECTION_DONE,
} Section;

struct _TciaDownloadList
{
  AdwBin              parent_instance;

  /* template widgets */
  GtkListView        *list_view;

  /* owned */
  TciaDownloadQueue  *queue;
  GListStore         *ordered;   /* the queue's jobs, in the order shown */
  GtkFilterListModel *shown;
  GtkFilter          *filter;
  GHashTable         *rows;      /* TciaDownloadRow -> GtkListItem, while bound */
  guint               resort_source;
  gboolean            resort_soon;  /* resort_source runs before the next frame */
  guint               sections_source;
};

G_DEFINE_FINAL_TYPE (TciaDownloadList, tcia_download_list, ADW_TYPE_BIN)

/* ---- order and sections ---- */

static Section
job_section (TciaDownloadJob *job)
{
  switch (tcia_download_job_get_state (job))
    {
    case TCIA_DOWNLOAD_JOB_RUNNING:
      return SECTION_RUNNING;
    case TCIA_DOWNLOAD_JOB_QUEUED:
      return SECTION_WAITING;
    case TCIA_DOWNLOAD_JOB_PAUSED:
      return SECTION_PAUSED;
    case TCIA_DOWNLOAD_JOB_FAILED:
      return SECTION_FAILED;
    case TCIA_DOWNLOAD_JOB_CANCELLED:
      return SECTION_CANCELLED;
    case TCIA_DOWNLOAD_JOB_DONE:
    case TCIA_DOWNLOAD_JOB_SKIPPED:
    default:
      return SECTION_DONE;
    }
}

typedef struct
{
  TciaDownloadJob *job;
  Section          section;
  guint            index;   /* in the queue: ties keep the queue's order */
} Placed;

static int
compare_placed (gconstpointer a,
                gconstpointer b)
{
  const Placed *pa = a;
  const Placed *pb = b;

  if (pa->section != pb->section)
    return pa->section < pb->section ? -1 : 1;
  return pa->index < pb->index ? -1 : pa->index > pb->index ? 1 : 0;
}

static gboolean
job_failed (gpointer item,
            gpointer user_data)
{
  return tcia_download_job_get_state (item) == TCIA_DOWNLOAD_JOB_FAILED;
}

static const char *
section_title (Section section)
{
  switch (section)
    {
    case SECTION_RUNNING:
      return _("Downloading");
    case SECTION_WAITING:
      return _("Waiting");
    case SECTION_PAUSED:
      return _("Paused");
    case SECTION_FAILED:
      return _("Failed");
    case SECTION_CANCELLED:
      return _("Cancelled");
    case SECTION_DONE:
    default:
      return _("Done");
    }
}

static guint
section_count (TciaDownloadList *self,
               Section            section)
{
  TciaDownloadQueue *queue = self->queue;

  switch (section)
    {
    case SECTION_RUNNING:
      return tcia_download_queue_get_n_active (queue) - tcia_download_queue_get_n_queued (queue);
    case SECTION_WAITING:
      return tcia_download_queue_get_n_queued (queue);
    case SECTION_PAUSED:
      return tcia_download_queue_get_n_paused (queue);
    case SECTION_FAILED:
      return tcia_download_queue_get_n_failed (queue);
    case SECTION_CANCELLED:
      return tcia_download_queue_get_n_cancelled (queue);
    case SECTION_DONE:
    default:
      return tcia_download_queue_get_n_done (queue);
    }
}

/* A row opens a section when the row above it is of another. */
static void
update_row_section (TciaDownloadList *self,
                    TciaDownloadRow   *row,
                    GtkListItem       *item)
{
  guint position = gtk_list_item_get_position (item);
  TciaDownloadJob *job = tcia_download_row_get_job (row);
  Section section;

  if (job == NULL || position == GTK_INVALID_LIST_POSITION)
    return;
  section = job_section (job);
  if (position > 0)
    {
      g_autoptr(TciaDownloadJob) above = g_list_model_get_item (G_LIST_MODEL (self->shown),
                                                                position - 1);

      if (above != NULL && job_section (above) == section)
        {
          tcia_download_row_set_section (row, NULL, 0);
          return;
        }
    }
  tcia_download_row_set_section (row, section_title (section), section_count (self, section));
}

/* A row whose neighbour moved is not bound again: every row shown looks. */
static gboolean
update_sections_cb (gpointer user_data)
{
  TciaDownloadList *self = user_data;
  GHashTableIter iter;
  gpointer row, item;

  self->sections_source = 0;
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &row, &item))
    update_row_section (self, row, item);
  return G_SOURCE_REMOVE;
}

/* Before the next frame is drawn, not at the default idle priority: while
 * series finish by the dozen, frames take all the time there is and a
 * default idle waited seconds, the rows moved under headings of before
 * ("Downloading" over finished series). The list view binds rows as its
 * model changes, so the positions are current here. */
static void
schedule_sections (TciaDownloadList *self)
{
  if (self->sections_source == 0)
    self->sections_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_sections_cb, self,
                                             NULL);
}

/* The list is put in order here, not by a GtkSortListModel re-sorted with
 * gtk_sorter_changed(): GTK 4.8's keeps the order it had among equals, not
 * the queue's, so a section's order depended on when its series arrived
 * in it (the failed series last to run drawn first). Only the range
 * between the first and the last job out of place is replaced. */
static void
resort (TciaDownloadList *self)
{
  GListModel *queue = self->queue != NULL ? G_LIST_MODEL (self->queue) : NULL;
  GListModel *ordered = G_LIST_MODEL (self->ordered);
  guint n = queue != NULL ? g_list_model_get_n_items (queue) : 0;
  guint n_old = g_list_model_get_n_items (ordered);
  g_autoptr(GArray) placed = g_array_sized_new (FALSE, FALSE, sizeof (Placed), n);
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_full (n, g_object_unref);
  guint first = 0;
  guint same_at_end = 0;
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
  gboolean at_top = adjustment == NULL || gtk_adjustment_get_value (adjustment) < 1;

  for (guint i = 0; i < n; i++)
    {
      TciaDownloadJob *job = g_list_model_get_item (queue, i);
      Placed p = { job, job_section (job), i };

      g_array_append_val (placed, p);
      g_ptr_array_add (jobs, job);
    }
  g_array_sort (placed, compare_placed);

  /* Only what lies between the first and the last job out of place. */
  while (first < n && first < n_old)
    {
      g_autoptr(TciaDownloadJob) old = g_list_model_get_item (ordered, first);

      if (old != g_array_index (placed, Placed, first).job)
        break;
      first++;
    }
  while (same_at_end < n - first && same_at_end < n_old - first)
    {
      g_autoptr(TciaDownloadJob) old = g_list_model_get_item (ordered, n_old - 1 - same_at_end);

      if (old != g_array_index (placed, Placed, n - 1 - same_at_end).job)
        break;
      same_at_end++;
    }
  if (first == n && first == n_old)
    return;
  {
    guint n_added = n - first - same_at_end;
    g_autofree gpointer *added = g_new (gpointer, MAX (n_added, 1));

    for (guint i = 0; i < n_added; i++)
      added[i] = g_array_index (placed, Placed, first + i).job;
    g_list_store_splice (self->ordered, first, n_old - first - same_at_end, added, n_added);
  }
  /* The list view keeps the row at the top in view as it moves down: a
   * list looked at from its top stays at its top, where the news is. */
  if (at_top && g_list_model_get_n_items (G_LIST_MODEL (self->shown)) > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
}

static gboolean
resort_cb (gpointer user_data)
{
  TciaDownloadList *self = user_data;

  self->resort_source = 0;
  resort (self);
  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);
  schedule_sections (self);
  return G_SOURCE_REMOVE;
}

/* @soon: before the next frame rather than after the delay. Once nothing
 * runs or waits, the header says "150 of 150" at once: a list still in
 * the order of a re-sort before, the last series under "Downloading",
 * was drawn beside it until the delay passed. Coalesced all the same, so
 * a burst (Cancel All on paused series) is sorted once. */
static void
schedule_resort (TciaDownloadList *self,
                 gboolean          soon)
{
  if (soon && self->resort_source != 0 && !self->resort_soon)
    g_clear_handle_id (&self->resort_source, g_source_remove);
  if (self->resort_source != 0)
    return;
  self->resort_soon = soon;
  if (soon)
    self->resort_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, resort_cb, self, NULL);
  else
    self->resort_source = g_timeout_add (RESORT_DELAY_MS, resort_cb, self);
}

/* ---- rows ---- */

static void
factory_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  TciaDownloadList         *self)
{
  gtk_list_item_set_child (item, tcia_download_row_new ());
  gtk_list_item_set_activatable (item, FALSE);
}

static void
factory_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 TciaDownloadList         *self)
{
  TciaDownloadRow *row = TCIA_DOWNLOAD_ROW (gtk_list_item_get_child (item));

  tcia_download_row_bind (row, self->queue, gtk_list_item_get_item (item));
  g_hash_table_insert (self->rows, row, item);
  update_row_section (self, row, item);
}

static void
factory_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   TciaDownloadList         *self)
{
  TciaDownloadRow *row = TCIA_DOWNLOAD_ROW (gtk_list_item_get_child (item));

  g_hash_table_remove (self->rows, row);
  tcia_download_row_bind (row, NULL, NULL);
}

static void
tally_changed_cb (TciaDownloadList *self)
{
  schedule_resort (self, tcia_download_queue_get_n_active (self->queue) == 0);
}

/* Series added or removed show in the next frame, each in its place. A
 * checkout adds its series one at a time: sorted once for all of them,
 * not once for each. */
static void
queue_changed_cb (GListModel       *model,
                  guint             position,
                  guint             removed,
                  guint             added,
                  TciaDownloadList *self)
{
  schedule_resort (self, TRUE);
}

static void
shown_changed_cb (GListModel       *model,
                  guint             position,
                  guint             removed,
                  guint             added,
                  TciaDownloadList *self)
{
  schedule_sections (self);
}

static void
tcia_download_list_dispose (GObject *object)
{
  TciaDownloadList *self = TCIA_DOWNLOAD_LIST (object);

  tcia_download_list_set_queue (self, NULL);
  g_clear_handle_id (&self->resort_source, g_source_remove);
  g_clear_handle_id (&self->sections_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), TCIA_TYPE_DOWNLOAD_LIST);

  G_OBJECT_CLASS (tcia_download_list_parent_class)->dispose (object);
}

static void
tcia_download_list_finalize (GObject *object)
{
  TciaDownloadList *self = TCIA_DOWNLOAD_LIST (object);

  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_object (&self->shown);
  g_clear_object (&self->ordered);
  g_clear_object (&self->filter);

  G_OBJECT_CLASS (tcia_download_list_parent_class)->finalize (object);
}

/* The focus goes to the rows, where the work is. */
static gboolean
tcia_download_list_grab_focus (GtkWidget *widget)
{
  TciaDownloadList *self = TCIA_DOWNLOAD_LIST (widget);

  return gtk_widget_child_focus (GTK_WIDGET (self->list_view), GTK_DIR_TAB_FORWARD);
}

static void
tcia_download_list_class_init (TciaDownloadListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_download_list_dispose;
  object_class->finalize = tcia_download_list_finalize;
  widget_class->grab_focus = tcia_download_list_grab_focus;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tciabasket/TciaBasket/"
                                               "tcia-download-list.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaDownloadList, list_view);
}

static void
tcia_download_list_init (TciaDownloadList *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkSelectionModel) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_hash_table_new (NULL, NULL);
  self->filter = GTK_FILTER (gtk_custom_filter_new (job_failed, NULL, NULL));
  self->ordered = g_list_store_new (TCIA_TYPE_DOWNLOAD_JOB);
  self->shown = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->ordered)), NULL);
  g_signal_connect (self->shown, "items-changed", G_CALLBACK (shown_changed_cb), self);
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->shown))));
  gtk_list_view_set_model (self->list_view, selection);

  g_signal_connect (factory, "setup", G_CALLBACK (factory_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (factory_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (factory_unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
}

void
tcia_download_list_set_queue (TciaDownloadList  *self,
                              TciaDownloadQueue *queue)
{
  /* Every change of a job's state changes one of these. */
  static const char * const tallies[] = {
    "notify::n-done", "notify::n-failed", "notify::n-active", "notify::n-paused",
    "notify::n-cancelled", "notify::n-queued",
  };

  g_return_if_fail (TCIA_IS_DOWNLOAD_LIST (self));
  g_return_if_fail (queue == NULL || TCIA_IS_DOWNLOAD_QUEUE (queue));

  if (self->queue == queue)
    return;
  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_set_object (&self->queue, queue);
  resort (self);
  if (queue != NULL)
    g_signal_connect (queue, "items-changed", G_CALLBACK (queue_changed_cb), self);
  for (guint i = 0; queue != NULL && i < G_N_ELEMENTS (tallies); i++)
    g_signal_connect_swapped (queue, tallies[i], G_CALLBACK (tally_changed_cb), self);
}

void
tcia_download_list_set_failed_only (TciaDownloadList *self,
                                    gboolean          failed_only)
{
  g_return_if_fail (TCIA_IS_DOWNLOAD_LIST (self));

  if (tcia_download_list_get_failed_only (self) == !!failed_only)
    return;
  gtk_filter_list_model_set_filter (self->shown, failed_only ? self->filter : NULL);
  schedule_sections (self);
}

gboolean
tcia_download_list_get_failed_only (TciaDownloadList *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_LIST (self), FALSE);
  return gtk_filter_list_model_get_filter (self->shown) != NULL;
}

GListModel *
tcia_download_list_get_shown (TciaDownloadList *self)
{
  g_return_val_if_fail (TCIA_IS_DOWNLOAD_LIST (self), NULL);
  return G_LIST_MODEL (self->shown);
}

TciaDownloadRow *
tcia_download_list_find_row (TciaDownloadList *self,
                             TciaDownloadJob  *job)
{
  GHashTableIter iter;
  gpointer row;

  g_return_val_if_fail (TCIA_IS_DOWNLOAD_LIST (self), NULL);

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    if (tcia_download_row_get_job (row) == job)
      return row;
  return NULL;
}
