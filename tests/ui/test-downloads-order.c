/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "downloads-test-util.h"

/* The Downloads page shows running and failed series first, in sections;
 * these tests hold its order against the jobs' states. */

static gboolean
shown_is (Fixture           *f,
          TciaDownloadQueue *queue,
          const char        *expected)
{
  g_autofree char *order = shown_order (f, queue);

  return g_str_equal (order, expected);
}

static gboolean
section_is (Fixture    *f,
            guint       position,
            const char *expected)
{
  return g_strcmp0 (tcia_downloads_page_get_row_section (f->page, position), expected) == 0;
}

/* What matters comes first: the running series, then those waiting, the
 * failed, and the done last, each group in queue order and opened by a
 * heading; the done ones compact. The failed toggle shows failures alone. */
static void
test_sort_order (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *bad_uid = ui_fake_uid (f->server, 2);
  GtkToggleButton *failed_button;
  TciaDownloadQueue *queue;

  fake_nbia_set_fault (f->server, FAKE_NBIA_FAULT_WRONG_MD5, 0, bad_uid);
  ui_fill_basket (f->basket, f->client, f->server, 5);
  queue = checkout (f);
  WAIT_FOR (tcia_download_queue_is_finished (queue));
  g_assert_cmpint (tcia_download_job_get_state (job_at (queue, 2)), ==,
                   TCIA_DOWNLOAD_JOB_FAILED);

  WAIT_FOR (shown_is (f, queue, "2,0,1,3,4"));
  WAIT_FOR (section_is (f, 2, "Failed") && section_is (f, 0, "Done"));
  g_assert_null (tcia_downloads_page_get_row_section (f->page, 1));
  g_assert_null (tcia_downloads_page_get_row_section (f->page, 4));
  g_assert_true (tcia_downloads_page_get_row_compact (f->page, 0));
  g_assert_false (tcia_downloads_page_get_row_compact (f->page, 2));

  /* "1 Failed" shows the failed series alone, and the whole list again. */
  failed_button = GTK_TOGGLE_BUTTON (tcia_downloads_page_get_button (f->page, "failed"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (failed_button)));
  gtk_toggle_button_set_active (failed_button, TRUE);
  g_assert_true (shown_is (f, queue, "2"));
  gtk_toggle_button_set_active (failed_button, FALSE);
  g_assert_true (shown_is (f, queue, "2,0,1,3,4"));

  /* Retried slowly, it is at the top while it runs, under its heading. */
  gtk_toggle_button_set_active (failed_button, TRUE);
  fake_nbia_clear_faults (f->server);
  fake_nbia_set_latency (f->server, 1500);
  g_assert_true (tcia_downloads_page_click_row_button (f->page, 2, "retry"));
  WAIT_FOR (tcia_download_job_get_state (job_at (queue, 2)) == TCIA_DOWNLOAD_JOB_RUNNING);
  /* No failure left: the toggle is off, and the whole list shown. */
  g_assert_false (gtk_toggle_button_get_active (failed_button));
  WAIT_FOR (shown_is (f, queue, "2,0,1,3,4") && section_is (f, 2, "Downloading"));
  g_assert_false (tcia_downloads_page_get_row_compact (f->page, 2));
  /* The page fits a phone-wide window, running rows and all: its buttons
   * turn to icons. */
  {
    int minimum = 0;

    gtk_widget_measure (GTK_WIDGET (f->page), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL,
                        NULL, NULL);
    g_assert_cmpint (minimum, <=, 360);
  }
  fake_nbia_set_latency (f->server, 0);
  WAIT_FOR (tcia_download_job_get_state (job_at (queue, 2)) == TCIA_DOWNLOAD_JOB_DONE);
  WAIT_FOR (shown_is (f, queue, "0,1,2,3,4") && section_is (f, 0, "Done"));
  g_assert_null (tcia_downloads_page_get_row_section (f->page, 2));
}

/* Where a state's series stand in the list: the order the page promises. */
static guint
state_rank (TciaDownloadJobState state)
{
  switch (state)
    {
    case TCIA_DOWNLOAD_JOB_RUNNING:
      return 0;
    case TCIA_DOWNLOAD_JOB_QUEUED:
      return 1;
    case TCIA_DOWNLOAD_JOB_PAUSED:
      return 2;
    case TCIA_DOWNLOAD_JOB_FAILED:
      return 3;
    case TCIA_DOWNLOAD_JOB_CANCELLED:
      return 4;
    case TCIA_DOWNLOAD_JOB_DONE:
    case TCIA_DOWNLOAD_JOB_SKIPPED:
    default:
      return 5;
    }
}

/* The order the jobs' states call for now: by rank, ties in queue order. */
static char *
order_of_states (TciaDownloadQueue *queue)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (queue));
  GString *order = g_string_new (NULL);

  for (guint rank = 0; rank <= 5; rank++)
    for (guint i = 0; i < n; i++)
      if (state_rank (tcia_download_job_get_state (job_at (queue, i))) == rank)
        g_string_append_printf (order, "%s%u", order->len > 0 ? "," : "", i);
  return g_string_free (order, FALSE);
}

static void
count_change_cb (GObject    *job,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

typedef struct
{
  TciaDownloadRow *row;
  double           y;
} RowOnScreen;

static void
collect_rows (GtkWidget *widget,
              GtkWidget *origin,
              GArray    *rows)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      graphene_point_t point;

      if (!gtk_widget_get_mapped (child))
        continue;
      if (TCIA_IS_DOWNLOAD_ROW (child) && tcia_download_row_get_job (TCIA_DOWNLOAD_ROW (child)) &&
          gtk_widget_compute_point (child, origin, &GRAPHENE_POINT_INIT (0, 0), &point))
        {
          RowOnScreen shown = { TCIA_DOWNLOAD_ROW (child), point.y };

          g_array_append_val (rows, shown);
        }
      else
        collect_rows (child, origin, rows);
    }
}

static int
compare_y (gconstpointer a,
           gconstpointer b)
{
  double ya = ((const RowOnScreen *) a)->y;
  double yb = ((const RowOnScreen *) b)->y;

  return ya < yb ? -1 : ya > yb ? 1 : 0;
}

/* The rows drawn, top to bottom, are a run of the list's jobs in its order,
 * each opening a section exactly when the one above is of another state. */
static void
assert_rows_drawn_in_order (Fixture *f)
{
  GListModel *shown = tcia_downloads_page_get_shown (f->page);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (RowOnScreen));
  guint start = G_MAXUINT;

  collect_rows (GTK_WIDGET (f->page), GTK_WIDGET (f->page), rows);
  g_assert_cmpuint (rows->len, >, 0);
  g_array_sort (rows, compare_y);
  for (guint i = 0; i < g_list_model_get_n_items (shown) && start == G_MAXUINT; i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (shown, i);

      if (job == tcia_download_row_get_job (g_array_index (rows, RowOnScreen, 0).row))
        start = i;
    }
  g_assert_cmpuint (start, !=, G_MAXUINT);
  for (guint i = 0; i < rows->len; i++)
    {
      TciaDownloadRow *row = g_array_index (rows, RowOnScreen, i).row;
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (shown, start + i);
      g_autoptr(TciaDownloadJob) above = start + i > 0 ? g_list_model_get_item (shown,
                                                                                start + i - 1)
                                                       : NULL;
      gboolean opens = above == NULL ||
                       state_rank (tcia_download_job_get_state (above)) !=
                       state_rank (tcia_download_job_get_state (job));

      g_assert_true (tcia_download_row_get_job (row) == job);
      g_assert_cmpint (tcia_download_row_get_section (row) != NULL, ==, opens);
    }
}

static void
set_true (gboolean *flag)
{
  *flag = TRUE;
}

/* Until the page has been drawn again. */
static void
wait_for_paint (Fixture *f)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->page));
  gboolean painted = FALSE;
  gulong handler = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (set_true),
                                             &painted);

  gtk_widget_queue_draw (GTK_WIDGET (f->page));
  WAIT_FOR (painted);
  g_signal_handler_disconnect (clock, handler);
}

/* After a state change, spins past the list's re-sort delay; when no state
 * changed meanwhile, the list must be in the order of the states. Returns
 * whether it could look (FALSE: a state changed while it waited). */
static gboolean
check_order_settled (Fixture           *f,
                     TciaDownloadQueue *queue,
                     guint             *changes)
{
  guint seen = *changes;
  gboolean waited = FALSE;

  /* Timeouts fire in the order they fall due: the list's, set at the
   * change, before this one. */
  g_timeout_add (400, timeout_cb, &waited);
  WAIT_FOR (waited);
  if (*changes != seen)
    return FALSE;
  /* And what the list now holds drawn once: rows are placed when a frame
   * is laid out. */
  wait_for_paint (f);
  if (*changes != seen)
    return FALSE;
  {
    g_autofree char *expected = order_of_states (queue);
    g_autofree char *shown = shown_order (f, queue);

    g_assert_cmpstr (shown, ==, expected);
  }
  assert_rows_drawn_in_order (f);
  return TRUE;
}

/* A fast checkout of many series, some failing: whenever the states settle
 * the list is in their order, while series run and once all are over. */
static void
test_order_follows_states (Fixture       *f,
                           gconstpointer  data)
{
  const guint n = GPOINTER_TO_UINT (data);
  const guint failing[] = { 7, 40, 41, 99, n - 1 };
  TciaDownloadQueue *queue;
  guint changes = 0;
  guint checked = 0;

  for (guint i = 0; i < G_N_ELEMENTS (failing); i++)
    {
      g_autofree char *uid = ui_fake_uid (f->server, failing[i]);

      fake_nbia_set_fault (f->server, FAKE_NBIA_FAULT_WRONG_MD5, 0, uid);
    }
  g_settings_set_uint (f->settings, "parallel-downloads", 4);
  ui_fill_basket (f->basket, f->client, f->server, n);
  queue = checkout (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, n);
  for (guint i = 0; i < n; i++)
    g_signal_connect (job_at (queue, i), "notify::state", G_CALLBACK (count_change_cb),
                      &changes);

  /* Mid-run: a few looks, each when the states hold still long enough
   * (slowed down for them; the rest goes as fast as it can). */
  fake_nbia_set_latency (f->server, 2000);
  while (!tcia_download_queue_is_finished (queue) && checked < 3)
    {
      guint before = changes;

      WAIT_FOR (changes != before || tcia_download_queue_is_finished (queue));
      if (tcia_download_queue_is_finished (queue))
        break;
      if (check_order_settled (f, queue, &changes))
        checked++;
    }

  g_assert_cmpuint (checked, ==, 3);
  fake_nbia_set_latency (f->server, 0);
  WAIT_FOR (tcia_download_queue_is_finished (queue));
  g_assert_cmpuint (count_state (queue, TCIA_DOWNLOAD_JOB_FAILED), ==, G_N_ELEMENTS (failing));
  /* As soon as all is over, not a re-sort later: the header that says so
   * and the list are drawn in the same frame. */
  wait_for_paint (f);
  {
    g_autofree char *expected = order_of_states (queue);
    g_autofree char *order = shown_order (f, queue);

    g_assert_cmpstr (order, ==, expected);
  }
  g_assert_true (check_order_settled (f, queue, &changes));
  {
    g_autofree char *order = shown_order (f, queue);

    /* The failed first, then the rest, all done, in queue order. */
    g_assert_true (g_str_has_prefix (order, "7,40,41,99,149,0,1,2,3,4,5,6,8,"));
  }
  for (guint i = 0; i < n; i++)
    g_signal_handlers_disconnect_by_func (job_at (queue, i), count_change_cb, &changes);
}

typedef struct
{
  Fixture           *f;
  TciaDownloadQueue *queue;
  guint              n_frames;
  guint              most_replaced;  /* by one change of the list, after the first frame */
} FrameWatch;

/* Every frame drawn shows the list in the order of the states right then,
 * the headings where the sections start. */
static void
check_frame_cb (GdkFrameClock *clock,
                FrameWatch    *watch)
{
  g_autofree char *expected = order_of_states (watch->queue);
  g_autofree char *shown = shown_order (watch->f, watch->queue);

  g_assert_cmpstr (shown, ==, expected);
  assert_rows_drawn_in_order (watch->f);
  watch->n_frames++;
}

static void
count_replaced_cb (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   FrameWatch *watch)
{
  if (watch->n_frames > 0)
    watch->most_replaced = MAX (watch->most_replaced, MAX (removed, added));
}

/* A series that finishes is never drawn at the top under "Done", above
 * the series still running, not even for a frame; and it alone moves:
 * the rows that keep their place are not taken out and put back (which
 * rebuilt every row at each change, and on a busy machine kept the list
 * seconds behind, finished series at the top). */
static void
test_order_each_frame (Fixture       *f,
                       gconstpointer  data)
{
  const guint parallel = 2;
  g_autofree char *bad_uid = ui_fake_uid (f->server, 5);
  FrameWatch watch = { f, NULL, 0, 0 };
  GdkFrameClock *clock;
  gulong frame_handler;

  fake_nbia_set_fault (f->server, FAKE_NBIA_FAULT_WRONG_MD5, 0, bad_uid);
  g_settings_set_uint (f->settings, "parallel-downloads", parallel);
  ui_fill_basket (f->basket, f->client, f->server, 30);
  fake_nbia_set_latency (f->server, 50);
  watch.queue = checkout (f);
  g_signal_connect (tcia_downloads_page_get_shown (f->page), "items-changed",
                    G_CALLBACK (count_replaced_cb), &watch);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->page));
  frame_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (check_frame_cb), &watch);

  WAIT_FOR (tcia_download_queue_is_finished (watch.queue));
  wait_for_paint (f);
  g_signal_handler_disconnect (clock, frame_handler);
  g_signal_handlers_disconnect_by_func (tcia_downloads_page_get_shown (f->page),
                                        count_replaced_cb, &watch);

  g_assert_cmpuint (count_state (watch.queue, TCIA_DOWNLOAD_JOB_FAILED), ==, 1);
  g_assert_cmpuint (watch.n_frames, >, 1);
  /* The series that finished and those that started in one frame, at most. */
  g_assert_cmpuint (watch.most_replaced, <=, 2 * parallel);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = downloads_test_data_home ();

  if (!ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/ui/downloads/sort-order", Fixture, NULL,
              fixture_set_up, test_sort_order, fixture_tear_down);
  g_test_add ("/ui/downloads/order-each-frame", Fixture, GUINT_TO_POINTER (40),
              fixture_set_up, test_order_each_frame, fixture_tear_down);
  g_test_add ("/ui/downloads/order-follows-states", Fixture, GUINT_TO_POINTER (150),
              fixture_set_up, test_order_follows_states, fixture_tear_down);

  {
    int status = g_test_run ();

    tcia_extract_remove_tree (data_home, NULL);
    return status;
  }
}
