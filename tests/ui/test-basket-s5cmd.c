/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "fake-idc.h"
#include "fake-nbia.h"
#include "tcia-window.h"

/* Seconds a wait may last before the test fails. */
#define TIMEOUT_S 60
#include "ui-test-util.h"

/* An s5cmd manifest opened in the window (as from the file manager): its
 * IDC folders become series in the basket, and Download fetches them from
 * IDC without asking IDC again. Against the fake NBIA and the fake IDC. */

#define UNKNOWN_UUID "00000000-1111-4222-8333-444444444444"

static void
finished_cb (TciaDownloadQueue *queue,
             gboolean          *finished)
{
  *finished = TRUE;
}

static void
test_open_and_download (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *nbia_url = NULL;
  g_autofree char *api_url = NULL;
  g_autofree char *bucket_url = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-basket-s5cmd-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "cohort.s5cmd", NULL);
  g_autofree char *dest_path = g_build_filename (dir, "out", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autoptr(GString) text = g_string_new ("# s5cmd --no-sign-request run cohort.s5cmd\n");
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(TciaSession) session = NULL;
  FakeNbiaOptions nbia_options;
  FakeIdcOptions idc_options;
  FakeNbia *nbia;
  FakeIdc *idc;
  FakeIdcArchive *archive;
  TciaWindow *window;
  TciaBasket *basket;
  TciaDownloadQueue *queue;
  gboolean finished = FALSE;
  guint n_sql;

  g_assert_no_error (error);
  fake_nbia_options_init (&nbia_options);
  nbia = fake_nbia_new (&nbia_options);
  g_assert_true (fake_nbia_start_in_thread (nbia, 0, &error));
  fake_idc_options_init (&idc_options);
  idc = fake_idc_new (&idc_options);
  g_assert_true (fake_idc_start_in_thread (idc, 0, 0, &error));
  g_assert_no_error (error);
  nbia_url = fake_nbia_get_url (nbia, 4);
  api_url = fake_idc_get_api_url (idc);
  bucket_url = fake_idc_get_bucket_url (idc);

  /* Three small series IDC has, and one folder it never had. */
  archive = fake_idc_get_archive (idc);
  for (guint i = 0; i < fake_idc_archive_get_n_series (archive) && uids->len < 3; i++)
    {
      const FakeIdcSeries *s = fake_idc_archive_get_series (archive, i);

      if (s->n_objects > 4)
        continue;
      g_string_append_printf (text, "cp s3://%s/%s/* .\n", s->bucket, s->series_uuid);
      g_ptr_array_add (uids, (gpointer) s->series_uid);
    }
  g_string_append (text, "cp s3://idc-open-data/" UNKNOWN_UUID "/* .\n");
  g_file_set_contents (path, text->str, -1, &error);
  g_assert_no_error (error);

  client = tcia_client_new (nbia_url, &error);
  g_assert_no_error (error);
  session = tcia_session_new (client, NULL);
  tcia_session_set_idc_urls (session, api_url, bucket_url);
  tcia_session_set_destination (session, dest);
  window = tcia_window_new_for_session (NULL, NULL, session);
  gtk_window_present (GTK_WINDOW (window));

  tcia_window_import_files (window, &file, 1);
  basket = tcia_session_get_basket (session);
  WAIT_FOR (tcia_basket_get_n_series (basket) == uids->len);
  for (guint i = 0; i < uids->len; i++)
    g_assert_true (tcia_basket_contains (basket, g_ptr_array_index (uids, i)));
  /* "index", then prior_versions_index for the folder it lacks. */
  n_sql = fake_idc_get_request_count (idc, "sql");
  g_assert_cmpuint (n_sql, ==, 2);

  g_assert_true (tcia_session_checkout (session, NULL, &error));
  g_assert_no_error (error);
  queue = tcia_session_get_queue (session);
  tcia_download_queue_set_retry_policy (queue, 3, 1, 1);
  g_signal_connect (queue, "finished", G_CALLBACK (finished_cb), &finished);
  WAIT_FOR (finished);
  g_assert_cmpuint (tcia_download_queue_get_n_done (queue), ==, uids->len);
  g_assert_cmpuint (tcia_download_queue_get_n_failed (queue), ==, 0);
  /* The download knew where the series are: IDC was not asked again. */
  g_assert_cmpuint (fake_idc_get_request_count (idc, "sql"), ==, n_sql);
  g_assert_cmpuint (fake_idc_get_request_count (idc, "get"), >, 0);

  g_signal_handlers_disconnect_by_data (queue, &finished);
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&session);
  fake_idc_free (idc);
  fake_nbia_free (nbia);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (!ui_test_init (&argc, &argv))
    return 0;

  g_test_add_func ("/ui/basket-s5cmd/open-and-download", test_open_and_download);

  return g_test_run ();
}
