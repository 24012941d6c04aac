/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the ui tests share; the helpers without GTK are in tests/test-util.h. */

#include <stdio.h>

#include <adwaita.h>

#include "fake-nbia.h"
#include "tcia-basket.h"
#include "tcia-client.h"
#include "tcia-import.h"
#include "test-util.h"

/* GTK, GTest and libadwaita; without a display, FALSE after the TAP plan of
 * a skip (the test then returns 0). */
static inline gboolean
ui_test_init (int    *argc,
              char ***argv)
{
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return FALSE;
    }
  g_test_init (argc, argv, NULL);
  adw_init ();
  return TRUE;
}

/* How long a ui test waits for what the window does by itself (a frame, a
 * transition) before it fails: far longer than it takes on a loaded
 * machine, so that reaching it means it never happens. */
#define UI_LAYOUT_TIMEOUT_S 60

/* Frames in a row that must place every widget the same way. */
#define UI_STILL_FRAMES 3

typedef struct
{
  GtkWidget *window;
  guint64    last;
  guint      n_frames;
  guint      n_still;
} UiLayoutWatch;

/* Mixes where each mapped widget under @widget is (relative to @root) into
 * @hash: a widget moved, resized, shown or hidden changes it. */
static inline void
ui_hash_layout (GtkWidget *widget,
                GtkWidget *root,
                guint64   *hash)
{
  graphene_rect_t bounds;

  if (!gtk_widget_get_mapped (widget))
    return;
  if (gtk_widget_compute_bounds (widget, root, &bounds))
    {
      const float values[] = { bounds.origin.x, bounds.origin.y,
                               bounds.size.width, bounds.size.height };

      for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        *hash = *hash * 1000003u ^ (guint64) (gint64) (values[i] * 64);
    }
  *hash = *hash * 31u + 1;
  /* What moves inside a progress bar (a fraction growing, a pulse) is its
   * value, not the layout. */
  if (GTK_IS_PROGRESS_BAR (widget))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    ui_hash_layout (child, root, hash);
}

/* Runs at the start of each frame, when the previous one has been laid out
 * (and keeps frames coming while the test waits). */
static inline gboolean
ui_layout_tick_cb (GtkWidget     *widget,
                   GdkFrameClock *clock,
                   gpointer       user_data)
{
  UiLayoutWatch *watch = user_data;
  guint64 hash = 17;

  ui_hash_layout (watch->window, watch->window, &hash);
  if (watch->n_frames > 0 && hash == watch->last)
    watch->n_still++;
  else
    watch->n_still = 0;
  watch->last = hash;
  watch->n_frames++;
  return G_SOURCE_CONTINUE;
}

/* Waits until @window's layout has settled: it is mapped and allocated, and
 * UI_STILL_FRAMES frames in a row placed every widget where the one before
 * did, so that no transition (a leaflet or flap folding, a page sliding, a
 * popover growing) is still moving anything. Frames, not time: a loaded
 * machine draws fewer of them, and the animations of libadwaita end by
 * their clock, not by a number of frames. */
static inline void
ui_wait_for_layout (GtkWidget *window)
{
  UiLayoutWatch watch = { window, 0, 0, 0 };
  gboolean timed_out = FALSE;
  guint tick;
  guint id;

  WAIT_FOR_SECONDS (gtk_widget_get_mapped (window) && gtk_widget_get_width (window) > 0,
                    UI_LAYOUT_TIMEOUT_S);
  tick = gtk_widget_add_tick_callback (window, ui_layout_tick_cb, &watch, NULL);
  id = g_timeout_add_seconds (UI_LAYOUT_TIMEOUT_S, timeout_cb, &timed_out);
  while (watch.n_still < UI_STILL_FRAMES && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  gtk_widget_remove_tick_callback (window, tick);
  if (watch.n_still < UI_STILL_FRAMES)
    g_error ("timed out waiting for the layout of %s to settle: in %u frames, never %d in "
             "a row placed every widget the same way", G_OBJECT_TYPE_NAME (window),
             watch.n_frames, UI_STILL_FRAMES + 1);
}

/* The surface of @window is wider than the window's widget by the frame of
 * client-side decorations; once laid out, the difference is the frame. */
static inline int
ui_window_frame_width (GtkWindow *window)
{
  return gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window))) -
         gtk_widget_get_width (GTK_WIDGET (window));
}

/* Whether @window is @width wide, frame included, and laid out at that
 * width: its surface resized by the X server, its widgets allocated. */
static inline gboolean
ui_window_is_width (GtkWindow *window,
                    int        width,
                    int        frame)
{
  return gtk_widget_get_mapped (GTK_WIDGET (window)) &&
         gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window))) == width &&
         gtk_widget_get_width (GTK_WIDGET (window)) == width - frame;
}

/* Makes @window @width × @height and waits until the X server has resized
 * it, GTK has allocated it at the new width, and what that folds or unfolds
 * has finished moving. A window whose minimum is wider than @width ends at
 * its minimum (and the test that asked for less says so). @window must be
 * shown and laid out (ui_present_window()). */
static inline void
ui_resize_window (GtkWindow *window,
                  int        width,
                  int        height)
{
  int frame = ui_window_frame_width (window);
  int minimum = 0;
  int expected;
  gboolean timed_out = FALSE;
  guint id;

  gtk_window_set_default_size (window, width, height);
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL,
                      NULL, NULL);
  /* The minimum counts the window's CSS margin (the frame) too. */
  expected = MAX (width, minimum);
  id = g_timeout_add_seconds (UI_LAYOUT_TIMEOUT_S, timeout_cb, &timed_out);
  while (!ui_window_is_width (window, expected, frame) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  if (!ui_window_is_width (window, expected, frame))
    g_error ("timed out waiting for the window to be %d px wide (%d asked, frame %d): its "
             "surface is %d px, the window %d px", expected, width, frame,
             gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window))),
             gtk_widget_get_width (GTK_WIDGET (window)));
  ui_wait_for_layout (GTK_WIDGET (window));
}

/* Shows @window at @width × @height and waits until it is on screen, at
 * that size, and laid out. */
static inline void
ui_present_window (GtkWindow *window,
                   int        width,
                   int        height)
{
  gtk_window_set_default_size (window, width, height);
  gtk_window_present (window);
  ui_wait_for_layout (GTK_WIDGET (window));
  ui_resize_window (window, width, height);
}

/* Starts @server (@options; NULL: the defaults) in a thread of its own, and
 * returns a client of it that retries quickly: the tests wait for every
 * attempt. */
static inline TciaClient *
ui_start_fake_nbia (const FakeNbiaOptions  *options,
                    FakeNbia              **server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  TciaClient *client;

  *server = fake_nbia_new (options);
  g_assert_true (fake_nbia_start_in_thread (*server, 0, &error));
  g_assert_no_error (error);
  url = fake_nbia_get_url (*server, 4);
  client = tcia_client_new (url, &error);
  g_assert_no_error (error);
  tcia_client_set_retry_policy (client, 2, 10, 20);
  return client;
}

/* The SeriesInstanceUID of the fake's series @index. */
static inline char *
ui_fake_uid (FakeNbia *server,
             guint     index)
{
  FakeNbiaSeriesInfo info;

  fake_nbia_get_series (server, index, &info);
  return g_strdup (info.series_uid);
}

static inline void
ui_resolved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  TciaImportResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = tcia_import_resolve_finish (result, &error);
  g_assert_no_error (error);
}

/* Puts the first @n series of @server in @basket, as the Browse page would. */
static inline void
ui_fill_basket (TciaBasket *basket,
                TciaClient *client,
                FakeNbia   *server,
                guint       n)
{
  g_autoptr(GPtrArray) uids = g_ptr_array_new_with_free_func (g_free);
  TciaImportResult *result = NULL;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (uids, ui_fake_uid (server, i));
  g_ptr_array_add (uids, NULL);

  tcia_import_resolve_async (basket, client, (const char * const *) uids->pdata, 0,
                             NULL, NULL, NULL, NULL, ui_resolved_cb, &result);
  WAIT_FOR_SECONDS (result != NULL, 60);
  g_assert_cmpuint (tcia_import_result_get_n_unknown (result), ==, 0);
  tcia_import_result_unref (result);
  g_assert_cmpuint (tcia_basket_get_n_series (basket), ==, n);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}
