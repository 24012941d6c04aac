/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Browse page at 100,000 series: how long the main loop stalls while
 * the listing loads, when the first rows show, and how long a keystroke in
 * the series search takes until the list on screen shows its result (the
 * next frame painted after the text changed) and until every row widget is
 * settled. The baseline, measured in the same run against the same server,
 * is the same listing into a bare GListStore with no window at all.
 *
 *   xvfb-run -a -s '-screen 0 1280x1024x24' dbus-run-session -- \
 *     env GSK_RENDERER=cairo build/bench/bench-browse [--series=100000]
 *
 * Xvfb has no GPU: GTK's default GL renderer runs on Mesa's software
 * rasteriser there, and painting a frame costs several times what it does
 * on a desktop. The cairo renderer is the closer stand-in; the first line
 * of output names the renderer used. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <adwaita.h>

#include "bench-ui-util.h"
#include "fake-nbia.h"
#include "tcia-browse-page-private.h"
#include "tcia-row-model.h"
#include "tcia-window-private.h"

typedef struct
{
  gint64 last;
  gint64 max_gap;
} Watch;

static gboolean
tick_cb (gpointer user_data)
{
  Watch *watch = user_data;
  gint64 now = g_get_monotonic_time ();

  if (watch->last != 0 && now - watch->last > watch->max_gap)
    watch->max_gap = now - watch->last;
  watch->last = now;

  return G_SOURCE_CONTINUE;
}

static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gint64 last_paint;

static void
after_paint_cb (GdkFrameClock *clock)
{
  last_paint = g_get_monotonic_time ();
}

typedef struct
{
  GArray *shown;    /* ms until the next frame painted */
  GArray *settled;  /* ms until nothing is left to do */
} Keystrokes;

/* One keystroke: a character typed at the end of the entry, or a
 * backspace (@c is 0), as typing changes the text; then the main loop runs
 * until a frame has been painted with the result, and on until the list has
 * no rows held back and nothing else is ready. */
static void
type_key (GtkEditable  *entry,
          TciaRowModel *rows,
          char          c,
          Keystrokes   *keys)
{
  int len = (int) strlen (gtk_editable_get_text (entry));
  gint64 t = g_get_monotonic_time ();
  double ms;

  if (c != '\0')
    {
      char text[2] = { c, '\0' };
      int position = len;

      gtk_editable_insert_text (entry, text, 1, &position);
    }
  else
    {
      gtk_editable_delete_text (entry, len - 1, len);
    }
  while (last_paint < t)
    g_main_context_iteration (NULL, TRUE);
  ms = (last_paint - t) / 1000.0;
  g_array_append_val (keys->shown, ms);

  drain ();
  while (tcia_row_model_get_pending (rows) > 0)
    g_main_context_iteration (NULL, TRUE);
  drain ();
  ms = (g_get_monotonic_time () - t) / 1000.0;
  g_array_append_val (keys->settled, ms);
}

typedef struct
{
  gboolean done;
  gint64   first_rows;
} Listing;

static void
store_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Listing    *listing)
{
  if (listing->first_rows == 0 && g_list_model_get_n_items (model) > 0)
    listing->first_rows = g_get_monotonic_time ();
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Listing *listing = user_data;
  g_autoptr(GListModel) model = tcia_client_list_series_finish (TCIA_CLIENT (object), result, NULL);

  listing->done = TRUE;
}

static void
baseline (TciaClient *client,
          double     *gap_ms,
          double     *first_ms,
          double     *total_ms,
          guint      *n)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(TciaQuery) query = tcia_query_new ();
  Watch watch = { 0 };
  Listing listing = { 0 };
  gint64 start;
  guint id;

  g_signal_connect (store, "items-changed", G_CALLBACK (store_changed_cb), &listing);
  id = g_timeout_add_full (G_PRIORITY_HIGH, 10, tick_cb, &watch, NULL);
  start = g_get_monotonic_time ();
  tcia_client_list_series_async (client, query, store, NULL, listed_cb, &listing);
  while (!listing.done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);

  *gap_ms = watch.max_gap / 1000.0;
  *first_ms = (listing.first_rows - start) / 1000.0;
  *total_ms = (g_get_monotonic_time () - start) / 1000.0;
  *n = g_list_model_get_n_items (G_LIST_MODEL (store));
}

static void
report_target (const char *what,
               double      ms,
               double      target_ms)
{
  printf ("target: %s <= %.0f ms: %.1f ms, %s\n", what, target_ms, ms,
          ms <= target_ms ? "target met" : "target MISSED");
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  guint n_series = 100000;
  GOptionEntry entries[] = {
    { "series", 0, 0, G_OPTION_ARG_INT, &n_series, "Series in the fake archive", "N" },
    { NULL }
  };
  FakeNbia *server = NULL;
  int status;
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(TciaBasket) basket = NULL;
  g_autoptr(TciaQuery) query = tcia_query_new ();
  TciaWindow *window;
  TciaBrowsePage *page;
  GListModel *rows;
  Watch watch = { 0 };
  Listing listing = { 0 };
  double base_gap, base_first, base_total;
  guint base_n;
  gint64 start;
  guint id;
  const char *typed = "syn00";
  Keystrokes keys = {
    g_array_new (FALSE, FALSE, sizeof (double)),
    g_array_new (FALSE, FALSE, sizeof (double)),
  };
  TciaRowModel *view_rows;
  GtkEditable *entry;

  status = bench_ui_start ("bench-browse", entries, &n_series, &argc, &argv, &server, &client);
  if (status != 0)
    return status;

  /* Warm the server's caches so both runs see the same server. */
  baseline (client, &base_gap, &base_first, &base_total, &base_n);
  baseline (client, &base_gap, &base_first, &base_total, &base_n);

  basket = tcia_basket_new (NULL);
  window = tcia_window_new_full (NULL, NULL, client, basket);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  page = tcia_window_get_browse_page (window);
  /* What the column view shows: rows reach it a few per frame at first. */
  view_rows = TCIA_ROW_MODEL (gtk_column_view_get_model (tcia_browse_page_get_series_view (page)));
  rows = G_LIST_MODEL (view_rows);
  entry = tcia_browse_page_get_search_entry (page);
  while (g_strcmp0 (tcia_browse_page_get_state (page), "choose") != 0)
    g_main_context_iteration (NULL, TRUE);
  drain ();

  /* The fake archive spreads series over collections; the page's private
   * entry lists them all at once, as one collection of n_series would. */
  g_signal_connect (rows, "items-changed", G_CALLBACK (store_changed_cb), &listing);
  id = g_timeout_add_full (G_PRIORITY_HIGH, 10, tick_cb, &watch, NULL);
  start = g_get_monotonic_time ();
  tcia_browse_page_load_query (page, query);
  while (tcia_browse_page_get_loading (page) || tcia_row_model_get_pending (view_rows) > 0)
    g_main_context_iteration (NULL, TRUE);
  drain ();
  g_source_remove (id);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), NULL);

  printf ("bench-browse: %u series (fake-nbia, in-process), %s\n", g_list_model_get_n_items (rows),
          G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
  printf ("%-44s %12s %12s\n", "", "window", "baseline");
  printf ("%-44s %10.1f ms %10.1f ms\n", "longest main-loop gap while loading",
          watch.max_gap / 1000.0, base_gap);
  printf ("%-44s %10.1f ms %10.1f ms\n", "first rows",
          (listing.first_rows - start) / 1000.0, base_first);
  printf ("%-44s %10.1f ms %10.1f ms\n", "whole listing",
          (g_get_monotonic_time () - start) / 1000.0, base_total);

  /* Keystrokes: typing a few characters, then backspaces (the filter gets
   * less strict), twice. */
  for (int pass = 0; pass < 2; pass++)
    {
      for (const char *p = typed; *p != '\0'; p++)
        type_key (entry, view_rows, *p, &keys);
      for (const char *p = typed; *p != '\0'; p++)
        type_key (entry, view_rows, '\0', &keys);
    }
  g_array_sort (keys.shown, compare_doubles);
  g_array_sort (keys.settled, compare_doubles);
  printf ("%-44s %10.1f ms %12s\n", "keystroke until shown, median",
          g_array_index (keys.shown, double, keys.shown->len / 2), "-");
  printf ("%-44s %10.1f ms %12s\n", "keystroke until shown, worst",
          g_array_index (keys.shown, double, keys.shown->len - 1), "-");
  printf ("%-44s %10.1f ms %12s\n", "keystroke until settled, median",
          g_array_index (keys.settled, double, keys.settled->len / 2), "-");
  printf ("%-44s %10.1f ms %12s\n", "keystroke until settled, worst",
          g_array_index (keys.settled, double, keys.settled->len - 1), "-");
  report_target ("longest main-loop gap while loading", watch.max_gap / 1000.0, 100);
  report_target ("first rows", (listing.first_rows - start) / 1000.0, 1500);
  report_target ("keystroke until shown, worst",
                 g_array_index (keys.shown, double, keys.shown->len - 1), 50);

  gtk_window_destroy (GTK_WINDOW (window));
  drain ();
  g_array_unref (keys.shown);
  g_array_unref (keys.settled);
  fake_nbia_free (server);

  return 0;
}
