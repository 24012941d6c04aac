/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "fake-nbia.h"
#include "tcia-download-state.h"
#include "tcia-download-progress.h"
#include "tcia-download-row.h"
#include "tcia-downloads-page-private.h"
#include "tcia-extract.h"
#include "tcia-import.h"
#include "tcia-records-private.h"
#include "tcia-window-private.h"
#include "queue-test-util.h"
#include "ui-test-util.h"

#define TIMEOUT_S 60

typedef struct
{
  FakeNbia          *server;
  TciaClient        *client;
  char              *dir;
  char              *dest;
  GSettings         *settings;
  TciaBasket        *basket;
  TciaWindow        *window;
  TciaDownloadsPage *page;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  FakeNbiaOptions options;
  g_autoptr(GError) error = NULL;

  fake_nbia_options_init (&options);
  /* @data: a larger archive, for the tests that need many series. */
  options.n_series = data != NULL ? GPOINTER_TO_UINT (data) : 12;
  options.images_per_series_max = 3;
  options.retry_after_s = 0;
  f->client = ui_start_fake_nbia (&options, &f->server);

  f->dir = g_dir_make_tmp ("tcia-downloads-page-XXXXXX", &error);
  g_assert_no_error (error);
  /* The folder does not exist yet: checkout creates it. */
  f->dest = g_build_filename (f->dir, "Downloads", "TCIA", NULL);

  /* The memory backend: never the person's settings. */
  f->settings = g_settings_new (APP_ID);
  g_settings_set_string (f->settings, "download-folder", f->dest);
  g_settings_set_uint (f->settings, "parallel-downloads", 2);
  g_settings_set_string (f->settings, "layout", "descriptive");
  f->basket = tcia_basket_new (NULL);

  f->window = tcia_window_new_full (NULL, f->settings, f->client, f->basket);
  f->page = tcia_window_get_downloads_view (f->window);
  ui_present_window (GTK_WINDOW (f->window), 1280, 1000);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  TciaDownloadQueue *queue = tcia_window_get_download_queue (f->window);
  AdwMessageDialog *dialog = tcia_window_get_dialog (f->window);

  /* Nothing left running behind the test. */
  if (queue != NULL)
    {
      tcia_download_queue_cancel_all (queue);
      WAIT_FOR (tcia_download_queue_get_n_running (queue) == 0);
    }
  if (dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->basket);
  g_clear_object (&f->settings);
  g_clear_object (&f->client);
  g_clear_pointer (&f->server, fake_nbia_free);
  tcia_extract_remove_tree (f->dir, NULL);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->dest, g_free);
}

static TciaDownloadQueue *
checkout (Fixture *f)
{
  TciaBasketPage *basket_page = tcia_window_get_basket_view (f->window);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (basket_page), "basket.checkout", NULL));
  WAIT_FOR (tcia_window_get_download_queue (f->window) != NULL);
  return tcia_window_get_download_queue (f->window);
}

static gboolean
row_says (Fixture    *f,
          guint       position,
          const char *prefix)
{
  const char *status = tcia_downloads_page_get_row_status (f->page, position);

  return status != NULL && g_str_has_prefix (status, prefix);
}

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

  /* Checking out the same basket again adds nothing twice. */
  checkout (f);
  {
    gboolean waited = FALSE;

    g_timeout_add (500, timeout_cb, &waited);
    WAIT_FOR (waited);
  }
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

static guint
queue_index (TciaDownloadQueue *queue,
             TciaDownloadJob   *job)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
    if (job_at (queue, i) == job)
      return i;
  g_assert_not_reached ();
}

/* The jobs shown, as queue positions: "1,0,2,3". */
static char *
shown_order (Fixture           *f,
             TciaDownloadQueue *queue)
{
  GListModel *shown = tcia_downloads_page_get_shown (f->page);
  GString *order = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (shown, i);

      g_string_append_printf (order, "%s%u", i > 0 ? "," : "", queue_index (queue, job));
    }
  return g_string_free (order, FALSE);
}

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

  /* Never the person's files, whatever reads the data dir. */
  data_home = g_dir_make_tmp ("tcia-downloads-data-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

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
  ADD ("sort-order", test_sort_order);
  g_test_add ("/ui/downloads/order-follows-states", Fixture, GUINT_TO_POINTER (150),
              fixture_set_up, test_order_follows_states, fixture_tear_down);
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
