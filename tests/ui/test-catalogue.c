/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <adwaita.h>

#include "catalogue-test-util.h"
#include "fake-nbia.h"
#include "tcia-basket-page-private.h"
#include "tcia-browse-page-private.h"
#include "tcia-local-catalogue.h"
#include "tcia-whats-new-dialog.h"
#include "tcia-window-private.h"
#include "ui-test-util.h"

/* The window over a local catalogue filled from the fake server: Browse
 * from it with the server stopped, the search of all collections with the
 * facets, the sync's progress, what is new in a real download folder, and
 * a manifest imported from it with the server stopped. */

#define TIMEOUT_S 60

typedef struct
{
  FakeNbia           *server;
  char               *tmp;
  TciaClient         *client;
  TciaLocalCatalogue *catalogue;
  TciaSession        *session;
  TciaWindow         *window;
  TciaBrowsePage     *page;
} Fixture;

static void
make_client (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = fake_nbia_get_url (f->server, 4);

  f->client = tcia_client_new (url, &error);
  g_assert_no_error (error);
  /* Quick retries: a stopped server is found out at once. */
  tcia_client_set_retry_policy (f->client, 2, 10, 20);
}

static void
sync_catalogue (Fixture *f)
{
  sync_catalogue_from (f->catalogue, f->client);
}

static void
start (Fixture *f,
       guint    latency_ms,
       gboolean synced)
{
  FakeNbiaOptions options;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fake_nbia_options_init (&options);
  options.n_series = 400;
  options.latency_ms = latency_ms;
  f->server = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (f->server, 0, &error));
  g_assert_no_error (error);
  make_client (f);

  f->tmp = g_dir_make_tmp ("test-catalogue-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->tmp, "catalogue.db", NULL);
  f->catalogue = tcia_local_catalogue_new (path, &error);
  g_assert_no_error (error);
  if (synced)
    sync_catalogue (f);
}

static void
open_window (Fixture *f)
{
  f->session = tcia_session_new (f->client, NULL);
  tcia_session_set_catalogue (f->session, f->catalogue);
  f->window = tcia_window_new_for_session (NULL, NULL, f->session);
  f->page = tcia_window_get_browse_page (f->window);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 720);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
finish (Fixture *f)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  /* Let the cancelled calls come back before their objects go. */
  spin (100);
  g_clear_object (&f->session);
  g_clear_object (&f->catalogue);
  g_clear_object (&f->client);
  g_clear_pointer (&f->server, fake_nbia_free);
  remove_tree (f->tmp);
  g_free (f->tmp);
}

static GListModel *
rows (Fixture *f)
{
  return G_LIST_MODEL (tcia_browse_page_get_selection (f->page));
}

/* Series of @query (and @text) in the local catalogue, asked directly. */
static guint
count_in_catalogue (Fixture         *f,
                    const char      *text,
                    const TciaQuery *query)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) found = NULL;
  g_autoptr(GError) error = NULL;
  guint total = 0;

  tcia_local_catalogue_search_async (f->catalogue, text, query, 1, NULL, NULL, store_result_cb,
                                     &result);
  wait_for (&result);
  found = tcia_local_catalogue_search_finish (f->catalogue, result, &total, &error);
  g_assert_no_error (error);

  return total;
}

static gboolean
browse_idle (Fixture    *f,
             const char *state)
{
  return g_strcmp0 (tcia_browse_page_get_state (f->page), state) == 0 &&
         !tcia_browse_page_get_loading (f->page);
}

static void
test_offline_browse (void)
{
  Fixture f = { 0 };
  TciaCatalogueBanner *banner;
  g_autoptr(TciaCollection) first = NULL;
  g_autoptr(TciaQuery) query = tcia_query_new ();
  guint n_collections;

  start (&f, 0, TRUE);
  n_collections = g_strv_length ((char **) fake_nbia_get_collections (f.server));
  /* The network off: nothing answers at the server's address any more. */
  g_clear_pointer (&f.server, fake_nbia_free);

  open_window (&f);
  WAIT_FOR (browse_idle (&f, "choose"));
  g_assert_cmpuint (g_list_model_get_n_items (tcia_browse_page_get_collections (f.page)), ==,
                    n_collections);

  first = g_list_model_get_item (tcia_browse_page_get_collections (f.page), 0);
  tcia_query_set (query, &query->collection, tcia_collection_get_name (first));
  tcia_browse_page_choose_collection (f.page, tcia_collection_get_name (first));
  WAIT_FOR (browse_idle (&f, "series"));
  g_assert_cmpuint (g_list_model_get_n_items (rows (&f)), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (rows (&f)), ==,
                    count_in_catalogue (&f, NULL, query));
  /* The facets come from the catalogue too: "All" and the collection's values. */
  WAIT_FOR (g_list_model_get_n_items (gtk_drop_down_get_model (
              tcia_browse_page_get_dropdown (f.page, TCIA_VALUE_MODALITY))) > 1);

  banner = tcia_window_get_catalogue_banner (f.window);
  WAIT_FOR (g_strcmp0 (tcia_catalogue_banner_get_state (banner), "offline") == 0);
  g_assert_true (tcia_catalogue_banner_get_revealed (banner));
  g_assert_nonnull (strstr (tcia_catalogue_banner_get_text (banner),
                            "the server cannot be reached"));
  g_assert_nonnull (strstr (tcia_catalogue_banner_get_text (banner),
                            "Showing the catalogue from "));

  finish (&f);
}

/* A manifest imported with the network off: the synced series are added,
 * and the one of a collection the sync did not see is said to be not
 * looked up (the import is incomplete), not "not found". */
static void
test_import_offline (void)
{
  Fixture f = { 0 };
  const char *hidden;
  g_autofree char *hidden_uid = NULL;
  g_autoptr(GString) manifest = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  TciaBasketPage *basket_page;
  const char *text;
  guint n_synced = 0;

  start (&f, 0, FALSE);
  hidden = fake_nbia_get_collections (f.server)[2];
  g_assert_true (fake_nbia_set_collection_hidden (f.server, hidden, TRUE));
  sync_catalogue (&f);
  for (guint i = 0; i < fake_nbia_get_n_series (f.server); i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (f.server, i, &info);
      if (!g_str_equal (info.collection, hidden) && n_synced < 3)
        n_synced++;
      else if (g_str_equal (info.collection, hidden) && hidden_uid == NULL)
        hidden_uid = g_strdup (info.series_uid);
      else
        continue;
      g_string_append_printf (manifest, "%s\n", info.series_uid);
    }
  g_assert_nonnull (hidden_uid);
  path = g_build_filename (f.tmp, "series.txt", NULL);
  g_file_set_contents (path, manifest->str, -1, &error);
  g_assert_no_error (error);
  file = g_file_new_for_path (path);
  g_clear_pointer (&f.server, fake_nbia_free);

  open_window (&f);
  basket_page = tcia_window_get_basket_view (f.window);
  tcia_window_import_files (f.window, &file, 1);
  WAIT_FOR (!tcia_basket_page_get_importing (basket_page));

  g_assert_cmpuint (tcia_basket_get_n_series (tcia_session_get_basket (f.session)), ==, 3);
  g_assert_cmpstr (tcia_basket_page_get_toast_text (basket_page), ==, "Added 3 series");
  text = tcia_basket_page_get_dialog_text (basket_page);
  g_assert_nonnull (text);
  g_assert_true (g_str_has_prefix (text, "1 Series Not Looked Up\n"));
  g_assert_nonnull (strstr (text, "series.txt"));
  g_assert_nonnull (strstr (text, "the server could not be asked"));
  g_assert_nonnull (strstr (text, "the import is incomplete"));
  g_assert_null (strstr (text, ".."));
  g_assert_true (g_str_has_suffix (text, hidden_uid));
  g_assert_null (strstr (text, "Not Found"));

  finish (&f);
}

static guint
value_position (GtkDropDown *dropdown,
                const char  *value)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (TCIA_IS_VALUE (item) && g_strcmp0 (tcia_value_get_value (TCIA_VALUE (item)), value) == 0)
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

static guint
count_collections_shown (Fixture *f)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = g_list_model_get_n_items (rows (f));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (rows (f), i);

      g_hash_table_add (names, (char *) g_intern_string (tcia_series_get_collection (series)));
    }

  return g_hash_table_size (names);
}

/* The Collection column of Browse's table, which only a search of every
 * collection shows. */
static GtkColumnViewColumn *
collection_column (Fixture *f)
{
  GListModel *columns = gtk_column_view_get_columns (tcia_browse_page_get_series_view (f->page));

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), "Collection") == 0)
        return column;
    }
  g_error ("Browse's table has no Collection column");
  return NULL;
}

/* Whether a cell on screen under @widget shows @text. */
static gboolean
cell_shows (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_INSCRIPTION (widget) && gtk_widget_get_mapped (widget) &&
      gtk_widget_get_width (widget) > 0 &&
      g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (cell_shows (child, text))
      return TRUE;
  return FALSE;
}

static void
test_search_all (void)
{
  Fixture f = { 0 };
  GtkEditable *entry;
  GtkDropDown *modality;
  g_autoptr(TciaQuery) mr = tcia_query_new ();
  g_autoptr(TciaSeries) first = NULL;
  GtkWidget *focus;
  guint position;
  guint n_mr;
  guint n;

  start (&f, 0, TRUE);
  open_window (&f);
  WAIT_FOR (browse_idle (&f, "choose"));
  entry = tcia_browse_page_get_archive_entry (f.page);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (entry)));

  /* Ctrl+F goes to the search of all collections. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.page), "browse.focus-search", NULL));
  focus = gtk_window_get_focus (GTK_WINDOW (f.window));
  g_assert_true (focus == GTK_WIDGET (entry) || gtk_widget_is_ancestor (focus, GTK_WIDGET (entry)));

  /* Typing: each keystroke a search of its own, the last one shown. */
  gtk_editable_set_text (entry, "b");
  gtk_editable_set_text (entry, "br");
  gtk_editable_set_text (entry, "brain");
  WAIT_FOR (tcia_browse_page_get_archive_shown (f.page) && browse_idle (&f, "series"));
  n = g_list_model_get_n_items (rows (&f));
  g_assert_cmpuint (n, ==, count_in_catalogue (&f, "brain", NULL));
  g_assert_cmpuint (count_collections_shown (&f), >=, 2);
  g_assert_nonnull (strstr (tcia_browse_page_get_status_text (f.page), "found in all collections"));
  /* Rows of several collections say which one each is from. */
  g_assert_true (gtk_column_view_column_get_visible (collection_column (&f)));
  first = g_list_model_get_item (rows (&f), 0);
  WAIT_FOR (cell_shows (GTK_WIDGET (tcia_browse_page_get_series_view (f.page)),
                        tcia_series_get_collection (first)));
  g_clear_object (&first);

  /* A facet narrows the search, over every collection. */
  modality = tcia_browse_page_get_dropdown (f.page, TCIA_VALUE_MODALITY);
  WAIT_FOR (value_position (modality, "MR") != GTK_INVALID_LIST_POSITION);
  position = value_position (modality, "MR");
  gtk_drop_down_set_selected (modality, position);
  tcia_query_set (mr, &mr->modality, "MR");
  n_mr = count_in_catalogue (&f, "brain", mr);
  g_assert_cmpuint (n_mr, >, 0);
  g_assert_cmpuint (n_mr, <, n);
  WAIT_FOR (browse_idle (&f, "series") && g_list_model_get_n_items (rows (&f)) == n_mr);
  for (guint i = 0; i < g_list_model_get_n_items (rows (&f)); i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (rows (&f), i);

      g_assert_cmpstr (tcia_series_get_modality (series), ==, "MR");
    }

  /* Results carry the in-basket mark like any listing. */
  first = g_list_model_get_item (rows (&f), 0);
  g_assert_false (tcia_browse_page_row_is_marked (f.page, 0));
  tcia_basket_add_many (tcia_session_get_basket (f.session), &first, 1);
  WAIT_FOR (tcia_browse_page_row_is_marked (f.page, 0));

  /* Emptied, the search gives the page back to choosing a collection. */
  gtk_editable_set_text (entry, "");
  WAIT_FOR (!tcia_browse_page_get_archive_shown (f.page) && browse_idle (&f, "choose"));
  g_assert_false (gtk_column_view_column_get_visible (collection_column (&f)));

  finish (&f);
}

/* A first sync that fails says so in one sentence after another, the
 * server's reason whole: not "(2 attempts).. Browse asks". */
static void
test_sync_failed (void)
{
  Fixture f = { 0 };
  TciaCatalogueBanner *banner;
  const char *text;

  start (&f, 0, FALSE);
  fake_nbia_set_fault (f.server, FAKE_NBIA_FAULT_HTTP_503, 0, NULL);
  open_window (&f);
  banner = tcia_window_get_catalogue_banner (f.window);

  WAIT_FOR (g_strcmp0 (tcia_catalogue_banner_get_state (banner), "failed") == 0);
  g_assert_true (tcia_catalogue_banner_get_revealed (banner));
  text = tcia_catalogue_banner_get_text (banner);
  g_assert_nonnull (strstr (text, "the catalogue could not be filled"));
  g_assert_nonnull (strstr (text, "503"));
  g_assert_null (strstr (text, ".."));
  g_assert_true (g_str_has_suffix (text, "."));

  finish (&f);
}

static void
test_sync_progress (void)
{
  Fixture f = { 0 };
  TciaCatalogueBanner *banner;
  g_autofree char *expected = NULL;
  guint n_collections;

  /* An empty catalogue, and a slow server: the first sync is watched. */
  start (&f, 150, FALSE);
  n_collections = g_strv_length ((char **) fake_nbia_get_collections (f.server));
  open_window (&f);
  banner = tcia_window_get_catalogue_banner (f.window);

  WAIT_FOR (g_strcmp0 (tcia_catalogue_banner_get_state (banner), "progress") == 0);
  g_assert_true (tcia_catalogue_banner_get_revealed (banner));
  expected = g_strdup_printf ("of %u collections", n_collections);
  g_assert_nonnull (strstr (tcia_catalogue_banner_get_text (banner), "Updating the catalogue: "));
  g_assert_nonnull (strstr (tcia_catalogue_banner_get_text (banner), expected));

  /* The window works meanwhile: the server lists the collections. */
  WAIT_FOR (browse_idle (&f, "choose"));
  g_assert_cmpuint (g_list_model_get_n_items (tcia_browse_page_get_collections (f.page)), ==,
                    n_collections);

  WAIT_FOR (g_strcmp0 (tcia_catalogue_banner_get_state (banner), "") == 0);
  g_assert_false (tcia_catalogue_banner_get_revealed (banner));
  g_assert_nonnull (tcia_local_catalogue_get_synced_at (f.catalogue));
  for (guint i = 0; i < n_collections; i++)
    g_assert_true (tcia_local_catalogue_has_collection (f.catalogue,
                                                        fake_nbia_get_collections (f.server)[i]));

  finish (&f);
}

/* Series of @collection in the catalogue, in its order. */
static GListModel *
series_of (Fixture    *f,
           const char *collection)
{
  g_autoptr(TciaQuery) query = tcia_query_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *found;

  tcia_query_set (query, &query->collection, collection);
  tcia_local_catalogue_search_async (f->catalogue, NULL, query, 0, NULL, NULL, store_result_cb,
                                     &result);
  wait_for (&result);
  found = tcia_local_catalogue_search_finish (f->catalogue, result, NULL, &error);
  g_assert_no_error (error);

  return found;
}

/* Downloads @a and @b through the session into f->tmp/downloads, for
 * real, from the fake; returns the folder. */
static char *
download (Fixture    *f,
          TciaSeries *a,
          TciaSeries *b)
{
  g_autoptr(GListStore) picked = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  char *dest = g_build_filename (f->tmp, "downloads", NULL);

  g_list_store_append (picked, a);
  g_list_store_append (picked, b);
  folder = g_file_new_for_path (dest);
  tcia_session_set_destination (f->session, folder);
  g_assert_true (tcia_session_checkout (f->session, G_LIST_MODEL (picked), &error));
  g_assert_no_error (error);
  WAIT_FOR (tcia_download_queue_is_finished (tcia_session_get_queue (f->session)));
  csv = g_build_filename (dest, "metadata.csv", NULL);
  g_assert_true (g_file_test (csv, G_FILE_TEST_IS_REGULAR));

  return dest;
}

static void
release_later (Fixture    *f,
               TciaSeries *series)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_days (now, 2);

  g_assert_true (fake_nbia_release_series_again (f->server, tcia_series_get_series_uid (series),
                                                 g_date_time_get_year (later),
                                                 g_date_time_get_month (later),
                                                 g_date_time_get_day_of_month (later)));
}

static void
test_whats_new (void)
{
  Fixture f = { 0 };
  g_autoptr(GListModel) listed = NULL;
  g_autoptr(TciaSeries) a = NULL;
  g_autoptr(TciaSeries) b = NULL;
  g_autoptr(TciaSeries) c = NULL;
  g_autofree char *dest = NULL;
  TciaWhatsNewDialog *dialog;
  GListModel *shown;
  const char *collection;

  start (&f, 0, TRUE);
  open_window (&f);
  WAIT_FOR (browse_idle (&f, "choose"));

  /* A real download of two series of a collection, from the fake. */
  collection = fake_nbia_get_collections (f.server)[0];
  listed = series_of (&f, collection);
  g_assert_cmpuint (g_list_model_get_n_items (listed), >=, 3);
  a = g_list_model_get_item (listed, 0);
  b = g_list_model_get_item (listed, 1);
  c = g_list_model_get_item (listed, 2);
  dest = download (&f, a, b);

  /* Since then: a series of the collection released (again) after the
   * download, and one downloaded whose data changed. */
  release_later (&f, c);
  release_later (&f, b);
  sync_catalogue (&f);

  dialog = tcia_whats_new_dialog_new (GTK_WINDOW (f.window), f.session, dest);
  gtk_window_present (GTK_WINDOW (dialog));
  WAIT_FOR (g_strcmp0 (tcia_whats_new_dialog_get_state (dialog), "loading") != 0);
  g_assert_cmpstr (tcia_whats_new_dialog_get_state (dialog), ==, "list");
  /* Two groups: c new to the collection, b changed since its download. */
  shown = tcia_whats_new_dialog_get_added (dialog);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 1);
  {
    g_autoptr(TciaSeries) s = g_list_model_get_item (shown, 0);

    g_assert_cmpstr (tcia_series_get_series_uid (s), ==, tcia_series_get_series_uid (c));
  }
  shown = tcia_whats_new_dialog_get_changed (dialog);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 1);
  {
    g_autoptr(TciaSeries) s = g_list_model_get_item (shown, 0);

    g_assert_cmpstr (tcia_series_get_series_uid (s), ==, tcia_series_get_series_uid (b));
  }
  g_assert_nonnull (strstr (tcia_whats_new_dialog_get_group_text (dialog, FALSE),
                            "1 series released in these collections"));
  g_assert_nonnull (strstr (tcia_whats_new_dialog_get_group_text (dialog, TRUE),
                            "1 series of this folder released again"));
  g_assert_nonnull (strstr (tcia_whats_new_dialog_get_summary (dialog),
                            "1 new series · 1 changed series"));

  /* One click: both in the basket. */
  g_assert_cmpuint (tcia_whats_new_dialog_add_all (dialog), ==, 2);
  g_assert_true (tcia_basket_contains (tcia_session_get_basket (f.session),
                                       tcia_series_get_series_uid (b)));
  g_assert_true (tcia_basket_contains (tcia_session_get_basket (f.session),
                                       tcia_series_get_series_uid (c)));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* A folder nothing was downloaded into says so. */
  dialog = tcia_whats_new_dialog_new (GTK_WINDOW (f.window), f.session, f.tmp);
  WAIT_FOR (g_strcmp0 (tcia_whats_new_dialog_get_state (dialog), "loading") != 0);
  g_assert_cmpstr (tcia_whats_new_dialog_get_state (dialog), ==, "error");
  g_assert_nonnull (strstr (tcia_whats_new_dialog_get_summary (dialog), "metadata.csv"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  finish (&f);
}

/* A refresh in the background that brings series new to the catalogue in
 * a collection downloaded from: a notification says how many. */
static void
test_new_series_notified (void)
{
  Fixture f = { 0 };
  g_autoptr(GListModel) listed = NULL;
  g_autoptr(TciaSeries) a = NULL;
  g_autoptr(TciaSeries) b = NULL;
  g_autoptr(TciaSeries) c = NULL;
  g_autofree char *dest = NULL;
  g_autoptr(GFile) folder = NULL;
  TciaCatalogueBanner *banner;
  const char *collection;

  start (&f, 0, TRUE);
  open_window (&f);
  WAIT_FOR (browse_idle (&f, "choose"));
  collection = fake_nbia_get_collections (f.server)[1];
  listed = series_of (&f, collection);
  a = g_list_model_get_item (listed, 0);
  b = g_list_model_get_item (listed, 1);
  c = g_list_model_get_item (listed, 2);
  dest = download (&f, a, b);
  gtk_window_destroy (GTK_WINDOW (f.window));
  f.window = NULL;
  g_clear_object (&f.session);

  /* The collection leaves the archive and comes back, with one series
   * released again after the download: all its series are new to the
   * catalogue at the next refresh, one of them new to the folder. */
  g_assert_true (fake_nbia_set_collection_hidden (f.server, collection, TRUE));
  sync_catalogue (&f);
  g_assert_false (tcia_local_catalogue_has_collection (f.catalogue, collection));
  g_assert_true (fake_nbia_set_collection_hidden (f.server, collection, FALSE));
  release_later (&f, c);

  open_window (&f);
  folder = g_file_new_for_path (dest);
  tcia_session_set_destination (f.session, folder);
  banner = tcia_window_get_catalogue_banner (f.window);
  WAIT_FOR (tcia_catalogue_banner_get_notification (banner) != NULL);
  g_assert_nonnull (strstr (tcia_catalogue_banner_get_notification (banner), "1 series was added"));
  g_assert_true (tcia_local_catalogue_has_collection (f.catalogue, collection));

  finish (&f);
}

/* A window closed half-way through the first sync: the next one lists
 * only the collections left. */
static void
test_sync_resumes (void)
{
  Fixture f = { 0 };
  TciaCatalogueSync *sync;
  guint n_collections;
  guint listed = 0;

  start (&f, 300, FALSE);
  n_collections = g_strv_length ((char **) fake_nbia_get_collections (f.server));
  open_window (&f);
  sync = tcia_session_get_catalogue_sync (f.session);
  WAIT_FOR (tcia_catalogue_sync_get_collections_done (sync) >= 1);
  gtk_window_destroy (GTK_WINDOW (f.window));
  f.window = NULL;
  WAIT_FOR (!tcia_catalogue_sync_get_running (sync));
  g_clear_object (&f.session);

  /* What the next start finds in the file. */
  {
    g_autoptr(TciaLocalCatalogue) reopened = tcia_local_catalogue_new (
      tcia_local_catalogue_get_path (f.catalogue), NULL);

    for (guint i = 0; i < n_collections; i++)
      listed += tcia_local_catalogue_has_collection (reopened,
                                                     fake_nbia_get_collections (f.server)[i]);
  }
  g_assert_cmpuint (listed, >=, 1);
  g_assert_cmpuint (listed, <, n_collections);
  g_assert_null (tcia_local_catalogue_get_synced_at (f.catalogue));

  fake_nbia_set_latency (f.server, 0);
  open_window (&f);
  WAIT_FOR (tcia_local_catalogue_get_synced_at (f.catalogue) != NULL);
  /* Each collection was listed whole once; the interrupted one perhaps twice. */
  g_assert_cmpuint (fake_nbia_get_request_count (f.server, "getSeries"), <=, n_collections + 1);

  finish (&f);
}

int
main (int   argc,
      char *argv[])
{
  if (!ui_test_init (&argc, &argv))
    return 0;

  g_test_add_func ("/ui/catalogue/offline-browse", test_offline_browse);
  g_test_add_func ("/ui/catalogue/search-all", test_search_all);
  g_test_add_func ("/ui/catalogue/sync-progress", test_sync_progress);
  g_test_add_func ("/ui/catalogue/sync-failed", test_sync_failed);
  g_test_add_func ("/ui/catalogue/whats-new", test_whats_new);
  g_test_add_func ("/ui/catalogue/new-series-notified", test_new_series_notified);
  g_test_add_func ("/ui/catalogue/sync-resumes", test_sync_resumes);
  g_test_add_func ("/ui/catalogue/import-offline", test_import_offline);

  return g_test_run ();
}
