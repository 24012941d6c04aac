/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "downloads-test-util.h"

static void
test_checkout_complete (Fixture       *f,
                        gconstpointer  data)
{
  TciaDownloadQueue *queue;
  g_autofree char *csv = NULL;

  g_assert_cmpstr (tcia_downloads_page_get_state (f->page), ==, "empty");
  ui_fill_basket (f->basket, f->client, f->server, 3);
  queue = checkout (f);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 3);
  g_assert_cmpstr (tcia_window_get_toast_text (f->window), ==, "Downloading 3 series");
  g_assert_cmpstr (tcia_downloads_page_get_state (f->page), ==, "jobs");
  /* The basket stays as it was. */
  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 3);

  WAIT_FOR (count_state (queue, TCIA_DOWNLOAD_JOB_DONE) == 3);
  for (guint i = 0; i < 3; i++)
    {
      WAIT_FOR (row_says (f, i, "Done"));
      g_assert_true (tcia_downloads_page_get_row_button (f->page, i, "open"));
      g_assert_false (tcia_downloads_page_get_row_button (f->page, i, "retry"));
      g_assert_false (tcia_downloads_page_get_row_button (f->page, i, "pause"));
      g_assert_null (tcia_downloads_page_get_row_error (f->page, i));
    }
  g_assert_cmpstr (tcia_downloads_page_get_overall_title (f->page), ==,
                   "3 of 3 series downloaded");
  g_assert_cmpuint (tcia_downloads_page_get_n_active (f->page), ==, 0);

  csv = g_build_filename (f->dest, "metadata.csv", NULL);
  g_assert_true (g_file_test (csv, G_FILE_TEST_IS_REGULAR));

  /* Checking out the same basket again adds nothing twice: looked at once
   * the window has checked it out, and gone back to Downloads. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "basket");
  checkout (f);
  WAIT_FOR (g_strcmp0 (adw_view_stack_get_visible_child_name (f->window->stack),
                       "downloads") == 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 3);
}

static void
test_failure_retry (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *bad_uid = ui_fake_uid (f->server, 1);
  AdwViewStackPage *stack_page = tcia_window_get_downloads_page (f->window);
  TciaDownloadQueue *queue;
  const char *error;

  fake_nbia_set_fault (f->server, FAKE_NBIA_FAULT_WRONG_MD5, 0, bad_uid);
  ui_fill_basket (f->basket, f->client, f->server, 3);
  queue = checkout (f);

  WAIT_FOR (tcia_download_queue_is_finished (queue));
  g_assert_cmpint (tcia_download_job_get_state (job_at (queue, 1)), ==,
                   TCIA_DOWNLOAD_JOB_FAILED);
  WAIT_FOR (row_says (f, 1, "Failed"));
  error = tcia_downloads_page_get_row_error (f->page, 1);
  g_assert_nonnull (error);
  g_assert_cmpstr (error, ==, tcia_download_job_get_error (job_at (queue, 1))->message);
  g_assert_true (tcia_downloads_page_get_row_button (f->page, 1, "retry"));
  g_assert_false (tcia_downloads_page_get_row_button (f->page, 1, "open"));
  g_assert_cmpuint (tcia_downloads_page_get_n_failed (f->page), ==, 1);
  /* The count of failures is a button that shows them. */
  g_assert_true (gtk_widget_get_visible (tcia_downloads_page_get_button (f->page, "failed")));

  /* Shown on the switcher while another page is open. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "browse");
  g_assert_true (adw_view_stack_page_get_needs_attention (stack_page));

  fake_nbia_clear_faults (f->server);
  g_assert_true (tcia_downloads_page_click_row_button (f->page, 1, "retry"));
  WAIT_FOR (tcia_download_job_get_state (job_at (queue, 1)) == TCIA_DOWNLOAD_JOB_DONE);
  WAIT_FOR (row_says (f, 1, "Done"));
  g_assert_null (tcia_downloads_page_get_row_error (f->page, 1));
  g_assert_true (tcia_downloads_page_get_row_button (f->page, 1, "open"));
  g_assert_cmpuint (tcia_downloads_page_get_n_failed (f->page), ==, 0);
  g_assert_false (adw_view_stack_page_get_needs_attention (stack_page));
  g_assert_false (gtk_widget_get_visible (tcia_downloads_page_get_button (f->page, "failed")));
}

static void
test_pause_resume_all (Fixture       *f,
                       gconstpointer  data)
{
  AdwViewStackPage *stack_page = tcia_window_get_downloads_page (f->window);
  TciaDownloadQueue *queue;
  guint n;

  fake_nbia_set_latency (f->server, 150);
  ui_fill_basket (f->basket, f->client, f->server, 5);
  queue = checkout (f);
  n = g_list_model_get_n_items (G_LIST_MODEL (queue));
  g_assert_cmpuint (n, ==, 5);

  /* While another page is open, the header bar and switcher show progress. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "basket");
  WAIT_FOR (tcia_download_queue_get_n_running (queue) > 0);
  g_assert_true (tcia_window_get_downloads_button_visible (f->window));
  g_assert_cmpuint (adw_view_stack_page_get_badge_number (stack_page), >, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "downloads.pause-all", NULL));
  g_assert_cmpuint (count_state (queue, TCIA_DOWNLOAD_JOB_PAUSED) +
                    count_state (queue, TCIA_DOWNLOAD_JOB_DONE), ==, n);
  g_assert_cmpuint (count_state (queue, TCIA_DOWNLOAD_JOB_PAUSED), >, 0);
  WAIT_FOR (tcia_download_queue_get_n_running (queue) == 0);
  g_assert_false (tcia_window_get_downloads_button_visible (f->window));
  g_assert_cmpuint (adw_view_stack_page_get_badge_number (stack_page), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "downloads");
  for (guint i = 0; i < n; i++)
    if (tcia_download_job_get_state (job_at (queue, i)) == TCIA_DOWNLOAD_JOB_PAUSED)
      {
        WAIT_FOR (row_says (f, i, "Paused"));
        g_assert_true (tcia_downloads_page_get_row_button (f->page, i, "resume"));
      }

  fake_nbia_set_latency (f->server, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "downloads.resume-all", NULL));
  g_assert_cmpuint (count_state (queue, TCIA_DOWNLOAD_JOB_PAUSED), ==, 0);
  WAIT_FOR (count_state (queue, TCIA_DOWNLOAD_JOB_DONE) == n);
  g_assert_cmpstr (tcia_downloads_page_get_overall_title (f->page), ==,
                   "5 of 5 series downloaded");
}

static void
test_not_enough_space (Fixture       *f,
                       gconstpointer  data)
{
  const char *keys[] = { "SeriesInstanceUID", "Collection", "PatientID", "StudyInstanceUID",
                         "ImageCount", "FileSize" };
  /* More than any disk this runs on: 8 EB. */
  const char *values[] = { "1.2.3.4.5", "Huge", "HUGE-1", "1.2.3.4", "1",
                           "9000000000000000000" };
  g_autoptr(TciaSeries) huge = tcia_series_new_from_fields (keys, values, G_N_ELEMENTS (keys));
  TciaBasketPage *basket_page = tcia_window_get_basket_view (f->window);
  AdwMessageDialog *dialog;

  g_assert_true (tcia_basket_add (f->basket, huge));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (basket_page), "basket.checkout", NULL));
  WAIT_FOR (tcia_window_get_dialog (f->window) != NULL);
  dialog = tcia_window_get_dialog (f->window);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Not Enough Space?");
  g_assert_true (adw_message_dialog_has_response (dialog, "download"));

  /* Cancel: nothing is queued, the basket stays. */
  /* As the button does: the response, then the dialog goes. */
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  WAIT_FOR (tcia_window_get_dialog (f->window) == NULL);
  g_assert_null (tcia_window_get_download_queue (f->window));
  g_assert_cmpuint (tcia_basket_get_n_series (f->basket), ==, 1);
  g_assert_cmpstr (tcia_downloads_page_get_state (f->page), ==, "empty");
}

/* Quitting while series download asks first; nothing running, it does not. */
static void
test_quit_asks (Fixture       *f,
                gconstpointer  data)
{
  TciaDownloadQueue *queue;
  AdwMessageDialog *dialog;

  g_assert_false (tcia_window_confirm_quit (f->window));
  fake_nbia_set_latency (f->server, 300);
  ui_fill_basket (f->basket, f->client, f->server, 3);
  queue = checkout (f);
  WAIT_FOR (tcia_download_queue_get_n_running (queue) > 0);

  g_assert_true (tcia_window_confirm_quit (f->window));
  dialog = tcia_window_get_dialog (f->window);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Stop Downloads?");
  g_assert_true (adw_message_dialog_has_response (dialog, "stop"));
  /* As the button does: the response, then the dialog goes. */
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  WAIT_FOR (tcia_window_get_dialog (f->window) == NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));

  fake_nbia_set_latency (f->server, 0);
  WAIT_FOR (count_state (queue, TCIA_DOWNLOAD_JOB_DONE) == 3);
  g_assert_false (tcia_window_confirm_quit (f->window));
}

/* The button shows its action's state: insensitive while it is disabled. */
static gboolean
action_enabled (Fixture    *f,
                const char *which)
{
  GtkWidget *button = tcia_downloads_page_get_button (f->page, which);

  g_assert_nonnull (button);
  return gtk_widget_get_sensitive (button);
}

/* Clear Finished takes the completed series out of the list (and so out of
 * the saved queue), leaves failed ones, and never touches a file. */
static void
test_clear_finished (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *bad_uid = ui_fake_uid (f->server, 2);
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *csv = NULL;
  g_autofree char *csv_before = NULL;
  g_autofree char *csv_after = NULL;
  g_autoptr(GBytes) state = NULL;
  TciaDownloadQueue *queue;
  TciaDownloadJob *failed;

  fake_nbia_set_fault (f->server, FAKE_NBIA_FAULT_WRONG_MD5, 0, bad_uid);
  ui_fill_basket (f->basket, f->client, f->server, 4);
  queue = checkout (f);
  WAIT_FOR (tcia_download_queue_is_finished (queue));
  g_assert_cmpuint (count_state (queue, TCIA_DOWNLOAD_JOB_DONE), ==, 3);
  failed = job_at (queue, 2);
  g_assert_cmpint (tcia_download_job_get_state (failed), ==, TCIA_DOWNLOAD_JOB_FAILED);
  g_assert_true (action_enabled (f, "clear-finished"));
  g_assert_false (action_enabled (f, "cancel-all"));

  for (guint i = 0; i < 4; i++)
    if (i != 2)
      g_ptr_array_add (folders, g_build_filename (f->dest,
                                                  tcia_download_job_get_relative_path (
                                                    job_at (queue, i)),
                                                  NULL));
  csv = g_build_filename (f->dest, "metadata.csv", NULL);
  g_assert_true (g_file_get_contents (csv, &csv_before, NULL, NULL));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "downloads.clear-finished",
                                             NULL));

  /* Only the failed series is left, shown as it was. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 1);
  g_assert_true (job_at (queue, 0) == failed);
  g_assert_cmpuint (tcia_download_queue_get_n_done (queue), ==, 0);
  g_assert_cmpuint (tcia_download_queue_get_n_failed (queue), ==, 1);
  WAIT_FOR (row_says (f, 0, "Failed"));
  g_assert_true (tcia_downloads_page_get_row_button (f->page, 0, "retry"));
  g_assert_cmpstr (tcia_downloads_page_get_overall_title (f->page), ==,
                   "0 of 1 series downloaded");
  g_assert_cmpstr (tcia_downloads_page_get_state (f->page), ==, "jobs");
  g_assert_false (action_enabled (f, "clear-finished"));

  /* The saved queue holds what is left; the files are all still there. */
  state = tcia_download_state_serialize (queue);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (state, NULL), g_bytes_get_size (state),
                                  bad_uid));
  for (guint i = 0; i < folders->len; i++)
    g_assert_true (g_file_test (folders->pdata[i], G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_get_contents (csv, &csv_after, NULL, NULL));
  g_assert_cmpstr (csv_after, ==, csv_before);

  /* The failed one, retried and done, can be cleared too: the list is empty. */
  fake_nbia_clear_faults (f->server);
  g_assert_true (tcia_downloads_page_click_row_button (f->page, 0, "retry"));
  WAIT_FOR (tcia_download_job_get_state (failed) == TCIA_DOWNLOAD_JOB_DONE);
  WAIT_FOR (action_enabled (f, "clear-finished"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "downloads.clear-finished",
                                             NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 0);
  g_assert_cmpstr (tcia_downloads_page_get_state (f->page), ==, "empty");
  for (guint i = 0; i < folders->len; i++)
    g_assert_true (g_file_test (folders->pdata[i], G_FILE_TEST_IS_DIR));
}

/* Cancel All asks first; "Keep Downloading" changes nothing; confirmed, it
 * cancels every series not complete and leaves no .part folder. */
static void
test_cancel_all_asks (Fixture       *f,
                      gconstpointer  data)
{
  TciaDownloadQueue *queue;
  AdwMessageDialog *dialog;
  guint n;

  fake_nbia_set_latency (f->server, 300);
  ui_fill_basket (f->basket, f->client, f->server, 5);
  queue = checkout (f);
  n = g_list_model_get_n_items (G_LIST_MODEL (queue));
  WAIT_FOR (tcia_download_queue_get_n_running (queue) > 0);
  g_assert_true (action_enabled (f, "cancel-all"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "downloads.cancel-all", NULL));
  dialog = tcia_downloads_page_get_dialog (f->page);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Cancel All Downloads?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "stay in the folder"));
  g_assert_true (adw_message_dialog_has_response (dialog, "keep"));
  g_assert_true (adw_message_dialog_has_response (dialog, "cancel-all"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "keep"), ==,
                   "_Keep Downloading");
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "keep");
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "keep");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "cancel-all"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  /* Asking cancels nothing. */
  g_assert_cmpuint (count_state (queue, TCIA_DOWNLOAD_JOB_CANCELLED), ==, 0);
  g_assert_cmpuint (tcia_download_queue_get_n_running (queue), >, 0);

  /* As the button does: the response, then the dialog goes. */
  adw_message_dialog_response (dialog, "keep");
  gtk_window_destroy (GTK_WINDOW (dialog));
  WAIT_FOR (tcia_downloads_page_get_dialog (f->page) == NULL);
  g_assert_cmpuint (count_state (queue, TCIA_DOWNLOAD_JOB_CANCELLED), ==, 0);
  g_assert_cmpuint (count_state (queue, TCIA_DOWNLOAD_JOB_QUEUED) +
                    count_state (queue, TCIA_DOWNLOAD_JOB_RUNNING) +
                    count_state (queue, TCIA_DOWNLOAD_JOB_DONE), ==, n);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "downloads.cancel-all", NULL));
  dialog = tcia_downloads_page_get_dialog (f->page);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "cancel-all");
  gtk_window_destroy (GTK_WINDOW (dialog));
  WAIT_FOR (tcia_downloads_page_get_dialog (f->page) == NULL);
  WAIT_FOR (tcia_download_queue_get_n_running (queue) == 0);
  g_assert_cmpuint (count_state (queue, TCIA_DOWNLOAD_JOB_CANCELLED), >, 0);
  g_assert_cmpuint (count_state (queue, TCIA_DOWNLOAD_JOB_CANCELLED) +
                    count_state (queue, TCIA_DOWNLOAD_JOB_DONE), ==, n);
  g_assert_false (has_part_folder (f->dest));
  g_assert_false (action_enabled (f, "cancel-all"));
  fake_nbia_set_latency (f->server, 0);
}

/* Every finished series takes the compact look, its title no longer bold:
 * those done at once, one done after failing and being retried, one done
 * after being cancelled and retried, and rows the list reuses for other
 * series as they move between sections. */
static void
test_finished_look (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *bad_uid = ui_fake_uid (f->server, 3);
  TciaDownloadQueue *queue;
  guint n = 12;

  fake_nbia_set_fault (f->server, FAKE_NBIA_FAULT_WRONG_MD5, 0, bad_uid);
  ui_fill_basket (f->basket, f->client, f->server, n);
  queue = checkout (f);
  WAIT_FOR (tcia_download_queue_is_finished (queue));
  g_assert_cmpint (tcia_download_job_get_state (job_at (queue, 3)), ==,
                   TCIA_DOWNLOAD_JOB_FAILED);
  WAIT_FOR (row_says (f, 3, "Failed"));
  g_assert_false (tcia_downloads_page_get_row_compact (f->page, 3));
  g_assert_true (tcia_downloads_page_get_row_title_bold (f->page, 3));

  fake_nbia_clear_faults (f->server);
  g_assert_true (tcia_downloads_page_click_row_button (f->page, 3, "retry"));
  WAIT_FOR (tcia_download_queue_is_finished (queue) &&
            tcia_download_job_get_state (job_at (queue, 3)) == TCIA_DOWNLOAD_JOB_DONE);

  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (tcia_download_job_get_state (job_at (queue, i)), ==,
                       TCIA_DOWNLOAD_JOB_DONE);
      WAIT_FOR (row_says (f, i, "Done"));
      g_assert_true (tcia_downloads_page_get_row_compact (f->page, i));
      g_assert_false (tcia_downloads_page_get_row_title_bold (f->page, i));
    }
}

static TciaDownloadJob *
job_in_state (TciaDownloadQueue    *queue,
              TciaDownloadJobState  state)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
    if (tcia_download_job_get_state (job_at (queue, i)) == state)
      return job_at (queue, i);
  return NULL;
}

/* One series can be cancelled (running or waiting) and taken out of the
 * list (any but a running one); the others go on. */
static void
test_cancel_remove_one (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(TciaDownloadJob) running = NULL;
  g_autoptr(TciaDownloadJob) waiting = NULL;
  TciaDownloadQueue *queue;
  guint i;

  fake_nbia_set_latency (f->server, 800);
  ui_fill_basket (f->basket, f->client, f->server, 5);
  queue = checkout (f);
  WAIT_FOR (job_in_state (queue, TCIA_DOWNLOAD_JOB_RUNNING) != NULL);
  running = g_object_ref (job_in_state (queue, TCIA_DOWNLOAD_JOB_RUNNING));

  /* A running series offers Cancel, not Remove. */
  i = queue_index (queue, running);
  WAIT_FOR (tcia_downloads_page_get_row_button (f->page, i, "cancel"));
  g_assert_false (tcia_downloads_page_get_row_button (f->page, i, "remove"));
  g_assert_true (tcia_downloads_page_click_row_button (f->page, i, "cancel"));
  WAIT_FOR (tcia_download_job_get_state (running) == TCIA_DOWNLOAD_JOB_CANCELLED);
  WAIT_FOR (tcia_downloads_page_get_row_button (f->page, queue_index (queue, running), "remove"));
  g_assert_false (tcia_downloads_page_get_row_button (f->page, queue_index (queue, running),
                                                      "cancel"));
  g_assert_true (tcia_downloads_page_click_row_button (f->page, queue_index (queue, running),
                                                       "remove"));
  /* Gone once its worker has let go of its folder. */
  WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (queue)) == 4);

  /* A waiting one goes at once, never fetched. */
  waiting = g_object_ref (job_in_state (queue, TCIA_DOWNLOAD_JOB_QUEUED));
  i = queue_index (queue, waiting);
  /* Its row is on screen already: asked at once, before it could start. */
  g_assert_true (tcia_downloads_page_get_row_button (f->page, i, "remove"));
  g_assert_true (tcia_downloads_page_click_row_button (f->page, i, "remove"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 3);
  g_assert_cmpint (tcia_download_job_get_state (waiting), ==, TCIA_DOWNLOAD_JOB_CANCELLED);

  fake_nbia_set_latency (f->server, 0);
  WAIT_FOR (tcia_download_queue_is_finished (queue));
  g_assert_cmpuint (tcia_download_queue_get_n_done (queue), ==, 3);
  g_assert_cmpstr (tcia_downloads_page_get_overall_title (f->page), ==,
                   "3 of 3 series downloaded");
  g_assert_false (has_part_folder (f->dest));
}

/* Series done before a restart still count after it, and the totals say
 * the whole size. */
static void
test_counts_after_restart (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *state_path = g_build_filename (f->dir, "downloads.json", NULL);
  g_autoptr(GFile) state_file = g_file_new_for_path (state_path);
  g_autoptr(TciaDownloadQueue) restored = NULL;
  g_autoptr(TciaSeries) more = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *total = NULL;
  g_autofree char *whole = NULL;
  TciaDownloadQueue *queue;

  ui_fill_basket (f->basket, f->client, f->server, 4);
  queue = checkout (f);
  WAIT_FOR (tcia_download_queue_is_finished (queue));
  g_assert_cmpuint (tcia_download_queue_get_n_done (queue), ==, 4);
  g_assert_true (g_str_has_prefix (tcia_downloads_page_get_overall_detail (f->page),
                                   "100 %") ||
                 strstr (tcia_downloads_page_get_overall_detail (f->page), "· 100 %") != NULL);
  /* The last series is taken out, to be checked out again after the restart. */
  more = g_object_ref (tcia_download_job_get_series (job_at (queue, 3)));
  g_assert_true (tcia_download_queue_remove (queue, job_at (queue, 3)));

  /* The restart: the saved queue, read back, shown. */
  g_assert_true (tcia_download_state_save (queue, state_file, &error));
  g_assert_no_error (error);
  restored = tcia_download_state_load (state_file, f->client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (restored);
  tcia_downloads_page_set_queue (f->page, restored);
  g_assert_cmpstr (tcia_downloads_page_get_state (f->page), ==, "jobs");
  g_assert_cmpstr (tcia_downloads_page_get_overall_title (f->page), ==,
                   "3 of 3 series downloaded");
  WAIT_FOR (row_says (f, 0, "Done"));

  /* One more: the three count, and the total is the whole size. */
  tcia_download_queue_add (restored, more);
  tcia_download_queue_start (restored);
  g_assert_cmpstr (tcia_downloads_page_get_overall_title (f->page), ==,
                   "3 of 4 series downloaded");
  whole = g_format_size (tcia_download_queue_get_bytes_total (restored));
  total = g_strdup_printf (" of %s", whole);
  g_assert_nonnull (strstr (tcia_downloads_page_get_overall_detail (f->page), total));
  WAIT_FOR (tcia_download_queue_is_finished (restored));
  g_assert_cmpstr (tcia_downloads_page_get_overall_title (f->page), ==,
                   "4 of 4 series downloaded");
  tcia_downloads_page_set_queue (f->page, NULL);
}

/* The words for sizes: a guess without tenths it does not know, progress
 * with the unit once when both sides share it. */
static void
test_size_words (void)
{
  const struct { guint64 bytes; const char *text; } estimates[] = {
    { 512, "512 bytes" },
    { 4200000, "4.2\u00a0MB" },
    { 36400000, "36\u00a0MB" },
    { 364000, "360\u00a0kB" },
    { 12345678901, "12\u00a0GB" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (estimates); i++)
    {
      g_autofree char *text = tcia_format_size_estimate (estimates[i].bytes);

      g_assert_cmpstr (text, ==, estimates[i].text);
    }
  {
    g_autofree char *same = tcia_format_size_of (4200000, 15600000);
    g_autofree char *other = tcia_format_size_of (900000, 15600000);

    g_assert_cmpstr (same, ==, "4.2 of 15.6\u00a0MB");
    g_assert_cmpstr (other, ==, "900.0\u00a0kB of 15.6\u00a0MB");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;

  data_home = downloads_test_data_home ();

  if (!ui_test_init (&argc, &argv))
    return 0;

#define ADD(path, func) \
  g_test_add ("/ui/downloads/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("checkout-complete", test_checkout_complete);
  ADD ("failure-retry", test_failure_retry);
  ADD ("pause-resume-all", test_pause_resume_all);
  ADD ("not-enough-space", test_not_enough_space);
  ADD ("quit-asks", test_quit_asks);
  ADD ("clear-finished", test_clear_finished);
  ADD ("cancel-all-asks", test_cancel_all_asks);
  ADD ("finished-look", test_finished_look);
  ADD ("cancel-remove-one", test_cancel_remove_one);
  ADD ("counts-after-restart", test_counts_after_restart);
  g_test_add_func ("/ui/downloads/size-words", test_size_words);

  {
    int status = g_test_run ();

    tcia_extract_remove_tree (data_home, NULL);
    return status;
  }
}
