/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-browse-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-catalogue-router.h"
#include "tcia-collection.h"
#include "tcia-series.h"
#include "tcia-ui-util.h"

#include "tcia-browse-page-private.h"

/* The Browse page's side of the local catalogue: the search of all
 * collections (the portal's faceted search: every word of the text and every
 * filter of the bar, over the whole archive), and keeping what is shown up
 * to date while a sync fills the catalogue. */

/* Rows of a search shown at most; the status line says how many matched.
 * A list longer than this is not read by a person but narrowed. */
#define ARCHIVE_LIMIT 5000

/* A sync commits a collection at a time: redraw at most this often. */
#define REFRESH_DELAY_MS 500

static void
archive_searched_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(TciaTicket) query = user_data;
  TciaBrowsePage *self = query->owner;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  guint total = 0;
  gboolean more = FALSE;

  model = tcia_local_catalogue_search_capped_finish (TCIA_LOCAL_CATALOGUE (object), result,
                                                     &total, &more, &error);
  if (tcia_ticket_is_stale (query, self->series_cancellable, error))
    return;

  _tcia_browse_page_set_loading (self, FALSE);
  if (error != NULL)
    {
      g_free (self->error_text);
      self->error_text = g_strdup (error->message);
      adw_status_page_set_description (self->error_page, self->error_text);
    }
  self->archive_total = total;
  self->archive_more = more;
  _tcia_browse_page_show_licences (self);
  _tcia_browse_page_update_content (self);
  _tcia_browse_page_update_status (self);
}

void
_tcia_browse_page_search_archive (TciaBrowsePage *self)
{
  g_autoptr(TciaQuery) query = NULL;
  GCancellable *cancellable;

  g_assert (self->archive_text != NULL);

  if (self->local == NULL)
    return;

  /* The bar is in its whole-archive state: the query names no collection. */
  query = tcia_filter_bar_build_query (self->filter_bar);
  cancellable = _tcia_browse_page_new_series_store (self);
  self->archive_total = 0;
  self->archive_more = FALSE;
  tcia_local_catalogue_search_capped_async (self->local, self->archive_text, query,
                                            ARCHIVE_LIMIT, self->series, cancellable,
                                            archive_searched_cb,
                                            tcia_ticket_new (self, cancellable, 0));
}

char *
_tcia_browse_page_archive_status (TciaBrowsePage *self)
{
  guint n_all = self->series != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->series)) : 0;
  g_autofree char *total = tcia_format_count (self->archive_total);
  g_autofree char *all = tcia_format_count (n_all);

  if (self->archive_more)
    /* Translators: "the first 5,000 of more than 10,000 series found in all collections";
     * counting stops there, so that each keystroke answers at once. */
    return g_strdup_printf (_("The first %s of more than %s series found in all collections"),
                            all, total);
  if (self->archive_total > n_all)
    /* Translators: "the first 5,000 of 12,345 series found in all collections" */
    return g_strdup_printf (_("The first %s of %s series found in all collections"), all, total);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s series found in all collections",
                                       "%s series found in all collections",
                                       self->archive_total), total);
}

void
_tcia_browse_page_leave_archive (TciaBrowsePage *self)
{
  if (self->archive_text == NULL)
    return;

  /* The handler then sees an empty entry with no search shown: nothing to do. */
  g_clear_pointer (&self->archive_text, g_free);
  tcia_series_view_set_show_collection (self->series_view, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->archive_search), "");
}

/* The entry emptied: back to the collection chosen before, or to none. */
static void
restore_collection (TciaBrowsePage *self)
{
  if (self->collection != NULL)
    {
      tcia_filter_bar_set_collection (self->filter_bar, self->collection, TRUE);
      _tcia_browse_page_reload_series (self);
      return;
    }

  _tcia_browse_page_new_series_store (self);
  g_signal_handlers_disconnect_by_data (self->series, self);
  g_clear_object (&self->series);
  g_clear_pointer (&self->licence_count, tcia_licence_count_free);
  _tcia_browse_page_set_loading (self, FALSE);
  _tcia_browse_page_update_content (self);
  _tcia_browse_page_update_status (self);
}

static void
archive_search_changed_cb (TciaBrowsePage *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->archive_search))));

  if (*text == '\0')
    {
      if (self->archive_text != NULL)
        {
          g_clear_pointer (&self->archive_text, g_free);
          tcia_series_view_set_show_collection (self->series_view, FALSE);
          restore_collection (self);
        }
      return;
    }
  if (self->local == NULL || g_strcmp0 (text, self->archive_text) == 0)
    return;

  if (self->archive_text == NULL)
    {
      /* The list and the filters' choices become the whole archive's; the
       * filters chosen stay, as the portal's facets do. */
      g_clear_pointer (&self->error_text, g_free);
      self->stopped = FALSE;
      tcia_filter_bar_set_whole_archive (self->filter_bar);
      tcia_series_view_set_show_collection (self->series_view, TRUE);
      gtk_stack_set_visible_child_name (self->page_stack, "browser");
    }
  g_free (self->archive_text);
  self->archive_text = g_steal_pointer (&text);
  _tcia_browse_page_search_archive (self);
}

/* ---- Following the local catalogue ---- */

static gboolean
same_collections (GListModel *a,
                  GListModel *b)
{
  guint n = g_list_model_get_n_items (a);

  if (n != g_list_model_get_n_items (b))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaCollection) x = g_list_model_get_item (a, i);
      g_autoptr(TciaCollection) y = g_list_model_get_item (b, i);

      if (g_strcmp0 (tcia_collection_get_name (x), tcia_collection_get_name (y)) != 0 ||
          tcia_collection_get_patient_count (x) != tcia_collection_get_patient_count (y))
        return FALSE;
    }

  return TRUE;
}

static void
refreshed_collections_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(TciaTicket) query = user_data;
  TciaBrowsePage *self = query->owner;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  model = tcia_catalogue_list_collections_finish (TCIA_CATALOGUE (object), result, &error);
  if (tcia_ticket_is_stale (query, self->refresh_cancellable, error) || model == NULL)
    return;
  if (self->collections == NULL || same_collections (model, G_LIST_MODEL (self->collections)))
    return;

  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (model, i));
  g_list_store_splice (self->collections, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->collections)),
                       items->pdata, items->len);
  if (self->collection != NULL && self->archive_text == NULL)
    tcia_collection_sidebar_select (self->sidebar, self->collection);
}

/* The search again after the catalogue changed: the rows shown are
 * replaced only when the answer differs, so that a sync committing
 * collections does not empty the list under the person reading it. */
static void
archive_refreshed_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(TciaTicket) query = user_data;
  TciaBrowsePage *self = query->owner;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint total = 0;
  gboolean more = FALSE;
  guint n;

  model = tcia_local_catalogue_search_capped_finish (TCIA_LOCAL_CATALOGUE (object), result,
                                                     &total, &more, &error);
  if (tcia_ticket_is_stale (query, self->refresh_cancellable, error) || model == NULL ||
      self->archive_text == NULL || self->loading)
    return;
  n = g_list_model_get_n_items (model);
  if (total == self->archive_total && more == self->archive_more && self->series != NULL &&
      n == g_list_model_get_n_items (G_LIST_MODEL (self->series)))
    return;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (model, i));
  _tcia_browse_page_new_series_store (self);
  g_list_store_splice (self->series, 0, 0, items->pdata, items->len);
  self->archive_total = total;
  self->archive_more = more;
  _tcia_browse_page_set_loading (self, FALSE);
  _tcia_browse_page_update_content (self);
  _tcia_browse_page_update_status (self);
}

static gboolean
refresh_cb (gpointer user_data)
{
  TciaBrowsePage *self = user_data;
  const char *page = gtk_stack_get_visible_child_name (self->page_stack);
  GCancellable *cancellable;

  self->refresh_source = 0;

  /* The server could not list the collections, and the catalogue now can. */
  if (g_strcmp0 (page, "browser") != 0)
    {
      if (!tcia_local_catalogue_get_is_empty (self->local))
        _tcia_browse_page_load_collections (self);
      return G_SOURCE_REMOVE;
    }

  cancellable = tcia_cancellable_restart (&self->refresh_cancellable);
  tcia_catalogue_list_collections_async (self->catalogue, NULL, cancellable,
                                         refreshed_collections_cb,
                                         tcia_ticket_new (self, cancellable, 0));

  /* A search grows as the catalogue fills; a collection the server could
   * not list may now be listed here. A listing shown is left alone: rows
   * do not move under the person reading them. */
  if (self->archive_text != NULL && !self->loading)
    {
      g_autoptr(TciaQuery) query = tcia_filter_bar_build_query (self->filter_bar);

      tcia_local_catalogue_search_capped_async (self->local, self->archive_text, query,
                                                ARCHIVE_LIMIT, NULL, cancellable,
                                                archive_refreshed_cb,
                                                tcia_ticket_new (self, cancellable, 0));
    }
  else if (self->error_text != NULL && self->collection != NULL &&
           TCIA_IS_CATALOGUE_ROUTER (self->catalogue) &&
           tcia_catalogue_router_is_local (TCIA_CATALOGUE_ROUTER (self->catalogue),
                                           self->collection))
    {
      g_clear_pointer (&self->error_text, g_free);
      _tcia_browse_page_reload_series (self);
    }

  return G_SOURCE_REMOVE;
}

static void
local_changed_cb (TciaBrowsePage *self)
{
  if (self->refresh_source != 0 || self->catalogue == NULL)
    return;

  self->refresh_source = g_timeout_add (REFRESH_DELAY_MS, refresh_cb, self);
  g_source_set_name_by_id (self->refresh_source, "[tcia-basket] browse refresh");
}

void
_tcia_browse_page_dispose_archive (TciaBrowsePage *self)
{
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->refresh_cancellable != NULL)
    g_cancellable_cancel (self->refresh_cancellable);
  g_clear_object (&self->refresh_cancellable);
  if (self->local != NULL)
    g_signal_handlers_disconnect_by_data (self->local, self);
  g_clear_object (&self->local);
  g_clear_pointer (&self->archive_text, g_free);
}

void
_tcia_browse_page_class_add_archive (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, archive_search);
  gtk_widget_class_bind_template_callback (widget_class, archive_search_changed_cb);
}

void
tcia_browse_page_set_catalogue (TciaBrowsePage *self,
                                TciaCatalogue  *catalogue)
{
  g_return_if_fail (TCIA_IS_BROWSE_PAGE (self));
  g_return_if_fail (catalogue == NULL || TCIA_IS_CATALOGUE (catalogue));
  g_return_if_fail (self->catalogue == NULL);

  g_set_object (&self->catalogue, catalogue);
  if (TCIA_IS_CATALOGUE_ROUTER (catalogue))
    {
      self->local = g_object_ref (tcia_catalogue_router_get_local (TCIA_CATALOGUE_ROUTER (catalogue)));
      g_signal_connect_swapped (self->local, "changed", G_CALLBACK (local_changed_cb), self);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->archive_search), self->local != NULL);
}

GtkEditable *
tcia_browse_page_get_archive_entry (TciaBrowsePage *self)
{
  return GTK_EDITABLE (self->archive_search);
}

gboolean
tcia_browse_page_get_archive_shown (TciaBrowsePage *self)
{
  return self->archive_text != NULL;
}
