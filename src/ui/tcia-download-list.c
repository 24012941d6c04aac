/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-download-list"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-download-list.h"

/* A list not on screen has no frames: it is sorted after this delay. */
#define RESORT_DELAY_MS 150

/* More jobs changing section at once than this are sorted in one splice. */
#define MAX_MOVES 64

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
  GHashTable         *sections;  /* job in ordered -> its Section + 1 when placed */
  GHashTable         *places;    /* job -> its place in the queue + 1, at the last sort */
  guint               resort_source;
  guint               resort_tick;
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

/* The queue's jobs by where they stand in it (plus one), to place a job
 * among the others without sorting them all. */
static GHashTable *
queue_places (GListModel *queue)
{
  guint n = queue != NULL ? g_list_model_get_n_items (queue) : 0;
  GHashTable *places = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);

  for (guint i = 0; i < n; i++)
    g_hash_table_insert (places, g_list_model_get_item (queue, i), GUINT_TO_POINTER (i + 1));
  return places;
}

static Placed
placed_of (GHashTable      *places,
           TciaDownloadJob *job)
{
  Placed p = { job, job_section (job), GPOINTER_TO_UINT (g_hash_table_lookup (places, job)) };

  return p;
}

/* Where @p goes among the jobs in order: the first that sorts after it. */
static guint
find_place (TciaDownloadList *self,
            GHashTable       *places,
            const Placed     *p)
{
  guint low = 0;
  guint high = g_list_model_get_n_items (G_LIST_MODEL (self->ordered));

  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      g_autoptr(TciaDownloadJob) other = g_list_model_get_item (G_LIST_MODEL (self->ordered),
                                                                middle);
      Placed q = placed_of (places, other);

      if (compare_placed (&q, p) < 0)
        low = middle + 1;
      else
        high = middle;
    }
  return low;
}

/* Where @job stands in the list: found by its place while the list is in
 * order, else looked for. Not the list item's position: GTK 4.8 updates
 * those when the list is next laid out, after the headings must be set. */
static guint
ordered_position (TciaDownloadList *self,
                  TciaDownloadJob  *job)
{
  guint position = G_MAXUINT;

  if (self->places != NULL && g_hash_table_contains (self->places, job))
    {
      Placed p = placed_of (self->places, job);
      g_autoptr(TciaDownloadJob) there = NULL;

      position = find_place (self, self->places, &p);
      there = g_list_model_get_item (G_LIST_MODEL (self->ordered), position);
      if (there == job)
        return position;
    }
  if (!g_list_store_find (self->ordered, job, &position))
    return G_MAXUINT;
  return position;
}

/* A row opens a section when the row above it is of another. With only
 * the failed shown, the row above in the whole list is of another section
 * exactly for the first of them, as in the list shown. */
static void
update_row_section (TciaDownloadList *self,
                    TciaDownloadRow   *row)
{
  TciaDownloadJob *job = tcia_download_row_get_job (row);
  guint position;
  Section section;

  if (job == NULL)
    return;
  position = ordered_position (self, job);
  if (position == G_MAXUINT)
    return;
  section = job_section (job);
  if (position > 0)
    {
      g_autoptr(TciaDownloadJob) above = g_list_model_get_item (G_LIST_MODEL (self->ordered),
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
  gpointer row;

  self->sections_source = 0;
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    update_row_section (self, row);
  return G_SOURCE_REMOVE;
}

/* Before the next frame is drawn, not at the default idle priority: while
 * series finish by the dozen, frames take all the time there is and a
 * default idle waited seconds, the rows moved under headings of before
 * ("Downloading" over finished series). A re-sort sets them at once
 * (resort_now()). */
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
 * in it (the failed series last to run drawn first). */

/* The whole list in one splice: the first fill, or when many jobs move at
 * once. Only the range between the first and the last job out of place is
 * replaced. */
static void
resort_all (TciaDownloadList *self,
            GHashTable       *places)
{
  GListModel *ordered = G_LIST_MODEL (self->ordered);
  guint n = g_hash_table_size (places);
  guint n_old = g_list_model_get_n_items (ordered);
  g_autoptr(GArray) placed = g_array_sized_new (FALSE, FALSE, sizeof (Placed), n);
  GHashTableIter iter;
  gpointer job;
  guint first = 0;
  guint same_at_end = 0;

  g_hash_table_iter_init (&iter, places);
  while (g_hash_table_iter_next (&iter, &job, NULL))
    {
      Placed p = placed_of (places, job);

      g_array_append_val (placed, p);
    }
  g_array_sort (placed, compare_placed);

  g_hash_table_remove_all (self->sections);
  for (guint i = 0; i < n; i++)
    {
      Placed *p = &g_array_index (placed, Placed, i);

      g_hash_table_insert (self->sections, p->job, GUINT_TO_POINTER (p->section + 1));
    }

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
}

/* Only the jobs whose section changed (and those added or removed) move,
 * one splice each run: a series finishing moves one row. Replacing the
 * whole list at each change rebuilt every row while series finished by
 * the dozen, took longer than the interval between two re-sorts, and GTK
 * 4.8 drew the rows where they had been (finished series at the top under
 * "Done", above the running ones). Returns FALSE when it gave up: too
 * many moves, or the queue's own order changed. */
static gboolean
resort_moved (TciaDownloadList *self,
              GHashTable       *places)
{
  GListModel *ordered = G_LIST_MODEL (self->ordered);
  guint n_old = g_list_model_get_n_items (ordered);
  guint n_out = 0;     /* jobs taken out: gone, or in another section */
  guint n_moves;
  guint run_end = 0;   /* one past the last of a run of jobs to take out */
  GHashTableIter iter;
  gpointer job;

  /* Count first: many moves are cheaper as one splice. */
  for (guint i = 0; i < n_old; i++)
    {
      g_autoptr(TciaDownloadJob) old = g_list_model_get_item (ordered, i);
      guint was = GPOINTER_TO_UINT (g_hash_table_lookup (self->sections, old));

      if (!g_hash_table_contains (places, old) || was != (guint) job_section (old) + 1)
        n_out++;
    }
  /* Each taken out, and each put in (those that stay are not). */
  n_moves = n_out + g_hash_table_size (places) - (n_old - n_out);
  if (n_moves == 0)
    return TRUE;
  if (n_moves > MAX_MOVES)
    return FALSE;

  /* Out, from the end so that positions still hold, a run at a time. */
  for (guint i = n_old; i-- > 0;)
    {
      g_autoptr(TciaDownloadJob) old = g_list_model_get_item (ordered, i);
      guint was = GPOINTER_TO_UINT (g_hash_table_lookup (self->sections, old));
      gboolean moves = !g_hash_table_contains (places, old) ||
                       was != (guint) job_section (old) + 1;

      if (moves)
        {
          g_hash_table_remove (self->sections, old);
          if (run_end == 0)
            run_end = i + 1;
        }
      if (run_end != 0 && (!moves || i == 0))
        {
          guint start = moves ? i : i + 1;

          g_list_store_splice (self->ordered, start, run_end - start, NULL, 0);
          run_end = 0;
        }
    }

  /* The jobs that stayed are in order among themselves unless the queue
   * reordered them. */
  for (guint i = 1; i < g_list_model_get_n_items (ordered); i++)
    {
      g_autoptr(TciaDownloadJob) a = g_list_model_get_item (ordered, i - 1);
      g_autoptr(TciaDownloadJob) b = g_list_model_get_item (ordered, i);
      Placed pa = placed_of (places, a);
      Placed pb = placed_of (places, b);

      if (compare_placed (&pa, &pb) > 0)
        return FALSE;
    }

  /* In, each at its place. */
  g_hash_table_iter_init (&iter, places);
  while (g_hash_table_iter_next (&iter, &job, NULL))
    {
      Placed p;

      if (g_hash_table_contains (self->sections, job))
        continue;
      p = placed_of (places, job);
      g_list_store_insert (self->ordered, find_place (self, places, &p), job);
      g_hash_table_insert (self->sections, job, GUINT_TO_POINTER (p.section + 1));
    }
  return TRUE;
}

static void
resort (TciaDownloadList *self)
{
  GHashTable *places = queue_places (self->queue != NULL ? G_LIST_MODEL (self->queue) : NULL);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
  gboolean at_top = adjustment == NULL || gtk_adjustment_get_value (adjustment) < 1;

  g_clear_pointer (&self->places, g_hash_table_unref);
  self->places = places;
  if (!resort_moved (self, places))
    resort_all (self, places);

  /* The list view keeps the row at the top in view as it moves down: a
   * list looked at from its top stays at its top, where the news is. */
  if (at_top && g_list_model_get_n_items (G_LIST_MODEL (self->shown)) > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
}

static void
resort_now (TciaDownloadList *self)
{
  if (self->resort_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->resort_tick);
  self->resort_tick = 0;
  g_clear_handle_id (&self->resort_source, g_source_remove);
  resort (self);
  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);
  /* The headings in the same frame as the order. */
  g_clear_handle_id (&self->sections_source, g_source_remove);
  update_sections_cb (self);
}

static gboolean
resort_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  TciaDownloadList *self = TCIA_DOWNLOAD_LIST (widget);

  self->resort_tick = 0;
  resort_now (self);
  return G_SOURCE_REMOVE;
}

static gboolean
resort_timeout_cb (gpointer user_data)
{
  TciaDownloadList *self = user_data;

  self->resort_source = 0;
  resort_now (self);
  return G_SOURCE_REMOVE;
}

/* In the next frame, before it is laid out and drawn: a series that
 * finished is never drawn at the top, under "Done", above the series still
 * running. (Sorted after a delay, on a busy machine the rows moved seconds
 * after they finished, and the top of the list was always the series just
 * done; sorted in an idle of a higher priority than drawing, a stream of
 * state changes kept the window from drawing at all.) The changes of a
 * frame are sorted once. The timeout is for a list not on screen, which
 * has no frames. */
static void
schedule_resort (TciaDownloadList *self)
{
  if (self->resort_tick == 0)
    self->resort_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), resort_tick_cb,
                                                      NULL, NULL);
  if (self->resort_source == 0)
    self->resort_source = g_timeout_add (RESORT_DELAY_MS, resort_timeout_cb, self);
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
  update_row_section (self, row);
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
  schedule_resort (self);
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
  schedule_resort (self);
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
  if (self->resort_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->resort_tick);
  self->resort_tick = 0;
  g_clear_handle_id (&self->sections_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), TCIA_TYPE_DOWNLOAD_LIST);

  G_OBJECT_CLASS (tcia_download_list_parent_class)->dispose (object);
}

static void
tcia_download_list_finalize (GObject *object)
{
  TciaDownloadList *self = TCIA_DOWNLOAD_LIST (object);

  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->sections, g_hash_table_unref);
  g_clear_pointer (&self->places, g_hash_table_unref);
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
  self->sections = g_hash_table_new (NULL, NULL);
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
