/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <adwaita.h>

#include "fake-nbia.h"
#include "tcia-extract.h"
#include "tcia-series-details.h"
#include "tcia-series-preview.h"
#include "ui-test-util.h"

#define TIMEOUT_S 60
#define N_SERIES  6

typedef struct
{
  FakeNbia          *server;
  TciaClient        *client;
  char              *dir;
  TciaPreviewCache  *cache;
  GListModel        *series;   /* the first N_SERIES of the fake, with metadata */
  GtkWindow         *window;
  TciaSeriesDetails *details;
  TciaSeriesPreview *preview;
} Fixture;

static void
metadata_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GListModel **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = tcia_client_get_series_metadata_finish (TCIA_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *uids[N_SERIES + 1] = { NULL };
  FakeNbiaSeriesInfo info[N_SERIES];
  g_autoptr(GError) error = NULL;
  g_autofree char *cache_dir = NULL;
  FakeNbiaOptions options;

  fake_nbia_options_init (&options);
  options.retry_after_s = 0;
  f->client = ui_start_fake_nbia (&options, &f->server);

  f->dir = g_dir_make_tmp ("test-series-preview-XXXXXX", &error);
  g_assert_no_error (error);
  cache_dir = g_build_filename (f->dir, "thumbnails", NULL);
  f->cache = tcia_preview_cache_new (f->client, cache_dir);

  for (guint i = 0; i < N_SERIES; i++)
    {
      fake_nbia_get_series (f->server, i, &info[i]);
      uids[i] = info[i].series_uid;
    }
  tcia_client_get_series_metadata_async (f->client, uids, 0, NULL, NULL, metadata_cb, &f->series);
  WAIT_FOR (f->series != NULL);
  g_assert_cmpuint (g_list_model_get_n_items (f->series), ==, N_SERIES);

  /* The details pane as Browse shows it. */
  f->window = GTK_WINDOW (gtk_window_new ());
  f->details = TCIA_SERIES_DETAILS (tcia_series_details_new ());
  f->preview = tcia_series_details_get_preview (f->details);
  tcia_series_details_set_preview_cache (f->details, f->cache);
  gtk_window_set_child (f->window, GTK_WIDGET (f->details));
  gtk_window_set_default_size (f->window, 420, 800);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  TciaPreviewCache *cache = g_steal_pointer (&f->cache);

  gtk_window_destroy (f->window);
  g_clear_object (&f->series);
  g_clear_object (&f->client);
  /* Requests cancelled come back before the cache goes; worker threads
   * let go of it without waking this one, so look now and then (for up to
   * a minute: a loaded machine may take its time). */
  g_object_add_weak_pointer (G_OBJECT (cache), (gpointer *) &cache);
  g_object_unref (cache);
  for (guint i = 0; i < 6000 && cache != NULL; i++)
    spin (10);
  if (cache != NULL)
    g_error ("the preview cache was still referenced a minute after its series' window went");
  g_clear_pointer (&f->server, fake_nbia_free);
  tcia_extract_remove_tree (f->dir, NULL);
  g_free (f->dir);
}

static TciaSeries *
nth (Fixture *f,
     guint    i)
{
  g_autoptr(TciaSeries) series = g_list_model_get_item (f->series, i);

  return series;   /* the model keeps it */
}

static gboolean
stored (Fixture *f,
        guint    i)
{
  g_autofree char *name = g_strconcat (tcia_series_get_series_uid (nth (f, i)), ".jpg", NULL);
  g_autofree char *path = g_build_filename (tcia_preview_cache_get_dir (f->cache), name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static guint
thumbnails_asked (Fixture *f)
{
  return fake_nbia_get_request_count (f->server, "getThumbnail");
}

static void
test_preview_shown_and_cached (Fixture       *f,
                               gconstpointer  data)
{
  GdkPaintable *paintable;
  guint before = thumbnails_asked (f);

  gtk_window_present (f->window);
  tcia_series_details_set_series (f->details, nth (f, 0));
  WAIT_FOR (tcia_series_preview_get_state (f->preview) != TCIA_SERIES_PREVIEW_LOADING);
  g_assert_cmpint (tcia_series_preview_get_state (f->preview), ==, TCIA_SERIES_PREVIEW_SHOWN);
  paintable = tcia_series_preview_get_paintable (f->preview);
  g_assert_nonnull (paintable);
  /* The fake's thumbnails are 64 pixels square. */
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 64);
  g_assert_cmpuint (thumbnails_asked (f), ==, before + 1);
  g_assert_true (stored (f, 0));

  /* Another series, then back: the first comes from the disk. */
  tcia_series_details_set_series (f->details, nth (f, 1));
  WAIT_FOR (tcia_series_preview_get_state (f->preview) == TCIA_SERIES_PREVIEW_SHOWN);
  g_assert_cmpuint (thumbnails_asked (f), ==, before + 2);
  tcia_series_details_set_series (f->details, nth (f, 0));
  WAIT_FOR (tcia_series_preview_get_state (f->preview) == TCIA_SERIES_PREVIEW_SHOWN);
  g_assert_cmpuint (thumbnails_asked (f), ==, before + 2);
}

static void
test_preview_server_error (Fixture       *f,
                           gconstpointer  data)
{
  GListModel *toplevels;

  gtk_window_present (f->window);
  fake_nbia_set_fault (f->server, FAKE_NBIA_FAULT_THUMBNAIL_500, 0,
                       tcia_series_get_series_uid (nth (f, 2)));
  tcia_series_details_set_series (f->details, nth (f, 2));
  WAIT_FOR (tcia_series_preview_get_state (f->preview) != TCIA_SERIES_PREVIEW_LOADING);
  g_assert_cmpint (tcia_series_preview_get_state (f->preview), ==,
                   TCIA_SERIES_PREVIEW_PLACEHOLDER);
  g_assert_null (tcia_series_preview_get_paintable (f->preview));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->preview)));
  g_assert_false (stored (f, 2));
  /* A placeholder, no dialog. */
  toplevels = gtk_window_get_toplevels ();
  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, 1);
}

static void
test_preview_undecodable (Fixture       *f,
                          gconstpointer  data)
{
  gtk_window_present (f->window);
  fake_nbia_set_fault (f->server, FAKE_NBIA_FAULT_THUMBNAIL_CORRUPT, 1,
                       tcia_series_get_series_uid (nth (f, 3)));
  tcia_series_details_set_series (f->details, nth (f, 3));
  WAIT_FOR (tcia_series_preview_get_state (f->preview) != TCIA_SERIES_PREVIEW_LOADING);
  g_assert_cmpint (tcia_series_preview_get_state (f->preview), ==,
                   TCIA_SERIES_PREVIEW_PLACEHOLDER);
  /* It started like a JPEG, so it was stored; it did not decode, so it went. */
  g_assert_false (stored (f, 3));

  /* Shown again later, it is asked for again and shown. */
  tcia_series_details_set_series (f->details, nth (f, 0));
  tcia_series_details_set_series (f->details, nth (f, 3));
  WAIT_FOR (tcia_series_preview_get_state (f->preview) != TCIA_SERIES_PREVIEW_LOADING);
  g_assert_cmpint (tcia_series_preview_get_state (f->preview), ==, TCIA_SERIES_PREVIEW_SHOWN);
}

static void
state_cb (TciaSeriesPreview *preview,
          GParamSpec        *pspec,
          GPtrArray         *shown)
{
  TciaSeries *series = NULL;

  if (tcia_series_preview_get_state (preview) != TCIA_SERIES_PREVIEW_SHOWN)
    return;
  g_object_get (preview, "series", &series, NULL);
  g_ptr_array_add (shown, series);
}

static void
test_preview_selection_moves_on (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_object_unref);
  guint before = thumbnails_asked (f);

  gtk_window_present (f->window);
  g_signal_connect (f->preview, "notify::state", G_CALLBACK (state_cb), shown);
  /* A slow server: the first request is still out when the second comes. */
  fake_nbia_set_latency (f->server, 300);
  tcia_series_details_set_series (f->details, nth (f, 4));
  tcia_series_details_set_series (f->details, nth (f, 5));
  WAIT_FOR (tcia_series_preview_get_state (f->preview) != TCIA_SERIES_PREVIEW_LOADING);
  fake_nbia_set_latency (f->server, 0);
  g_signal_handlers_disconnect_by_data (f->preview, shown);

  g_assert_cmpint (tcia_series_preview_get_state (f->preview), ==, TCIA_SERIES_PREVIEW_SHOWN);
  /* Only the last series was ever shown, and the first was never fetched. */
  g_assert_cmpuint (shown->len, ==, 1);
  g_assert_true (g_ptr_array_index (shown, 0) == nth (f, 5));
  g_assert_cmpuint (thumbnails_asked (f), ==, before + 1);
  g_assert_false (stored (f, 4));
  g_assert_true (stored (f, 5));
}

static void
test_preview_only_when_shown (Fixture       *f,
                              gconstpointer  data)
{
  guint sops = fake_nbia_get_request_count (f->server, "getSOPInstanceUIDs");

  /* The window is not shown: nothing is asked. */
  tcia_series_details_set_series (f->details, nth (f, 1));
  spin (100);
  g_assert_cmpuint (fake_nbia_get_request_count (f->server, "getSOPInstanceUIDs"), ==, sops);

  gtk_window_present (f->window);
  WAIT_FOR (tcia_series_preview_get_state (f->preview) == TCIA_SERIES_PREVIEW_SHOWN);
  g_assert_cmpuint (fake_nbia_get_request_count (f->server, "getSOPInstanceUIDs"), ==, sops + 1);
}

static void
test_preview_no_source (void)
{
  GtkWidget *details = tcia_series_details_new ();
  TciaSeriesPreview *preview = tcia_series_details_get_preview (TCIA_SERIES_DETAILS (details));

  g_object_ref_sink (details);
  /* Without a server there is no preview at all, not an empty box. */
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_ancestor (GTK_WIDGET (preview),
                                                                   ADW_TYPE_PREFERENCES_GROUP)));
  g_assert_cmpint (tcia_series_preview_get_state (preview), ==, TCIA_SERIES_PREVIEW_EMPTY);
  g_object_unref (details);
}

int
main (int   argc,
      char *argv[])
{
  if (!ui_test_init (&argc, &argv))
    return 0;

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/ui/preview/shown-and-cached", test_preview_shown_and_cached);
  ADD ("/ui/preview/server-error", test_preview_server_error);
  ADD ("/ui/preview/undecodable", test_preview_undecodable);
  ADD ("/ui/preview/selection-moves-on", test_preview_selection_moves_on);
  ADD ("/ui/preview/only-when-shown", test_preview_only_when_shown);
#undef ADD
  g_test_add_func ("/ui/preview/no-source", test_preview_no_source);

  return g_test_run ();
}
