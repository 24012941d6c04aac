/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-browse-page"

/* The Browse page's list of collections: loading it (the connecting and
 * unreachable pages, its retries), and choosing one, by a click in the
 * sidebar or as the last one chosen, restored at start. The series of the
 * collection chosen are tcia-browse-page.c's. */

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-collection.h"
#include "tcia-ui-util.h"

#include "tcia-browse-page-private.h"


/* The same while the first listing, of the collections, is retried. */
void
_tcia_browse_page_collections_retrying_cb (TciaClient     *client,
                         guint           attempt,
                         guint           max_attempts,
                         guint           delay_ms,
                         const char     *reason,
                         TciaBrowsePage *self)
{
  g_autofree char *text = NULL;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), "connecting") != 0)
    return;

  text = _tcia_browse_page_format_retrying (reason, attempt, max_attempts);
  adw_status_page_set_description (self->connecting_page, text);
}

static void
choose (TciaBrowsePage *self,
        TciaCollection *collection,
        gboolean        keep_filters)
{
  const char *name = tcia_collection_get_name (collection);

  if (!keep_filters && self->archive_text == NULL)
    {
      if (g_strcmp0 (name, self->collection) == 0 && self->error_text == NULL)
        return;
    }
  _tcia_browse_page_leave_archive (self);

  g_free (self->collection);
  self->collection = g_strdup (name);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "last-collection", name);

  tcia_collection_pane_set_collection (self->collection_pane, collection);

  tcia_filter_bar_set_collection (self->filter_bar, name, keep_filters);
  _tcia_browse_page_reload_series (self);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

void
_tcia_browse_page_collection_activated_cb (TciaBrowsePage *self,
                         TciaCollection *collection)
{
  choose (self, collection, FALSE);
}

static TciaCollection *
find_collection (TciaBrowsePage *self,
                 const char     *name,
                 guint          *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->collections));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaCollection) collection = g_list_model_get_item (G_LIST_MODEL (self->collections), i);

      if (g_strcmp0 (tcia_collection_get_name (collection), name) == 0)
        {
          if (position != NULL)
            *position = i;
          return collection;
        }
    }

  return NULL;
}

static void
collections_listed_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(TciaTicket) query = user_data;
  TciaBrowsePage *self = query->owner;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = tcia_catalogue_list_collections_finish (TCIA_CATALOGUE (object), result, &error);
  if (tcia_ticket_is_stale (query, self->collections_cancellable, error))
    return;

  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%s\n\nServer: %s"), error->message,
                                               self->client != NULL
                                               ? tcia_client_get_api_url (self->client) : "");

      g_free (self->error_text);
      self->error_text = g_strdup (error->message);
      adw_status_page_set_description (self->unreachable_page, text);
      gtk_stack_set_visible_child_name (self->page_stack, "unreachable");
      return;
    }

  g_clear_pointer (&self->error_text, g_free);
  gtk_stack_set_visible_child_name (self->page_stack, "browser");

  if (self->restore_pending && self->settings != NULL)
    {
      g_autofree char *last = g_settings_get_string (self->settings, "last-collection");
      TciaCollection *collection;

      self->restore_pending = FALSE;
      collection = find_collection (self, last, NULL);
      if (collection != NULL)
        {
          tcia_filter_bar_restore (self->filter_bar);
          tcia_collection_sidebar_select (self->sidebar, last);
          choose (self, collection, TRUE);
          return;
        }
    }

  tcia_collection_sidebar_focus_search (self->sidebar);
}

void
_tcia_browse_page_load_collections (TciaBrowsePage *self)
{
  GCancellable *cancellable;
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_COLLECTION);

  if (self->catalogue == NULL)
    return;

  cancellable = tcia_cancellable_restart (&self->collections_cancellable);
  g_set_object (&self->collections, store);
  tcia_collection_sidebar_set_model (self->sidebar, G_LIST_MODEL (store));
  adw_status_page_set_description (self->connecting_page, NULL);
  gtk_stack_set_visible_child_name (self->page_stack, "connecting");
  tcia_catalogue_list_collections_async (self->catalogue, self->collections, cancellable,
                                         collections_listed_cb,
                                         tcia_ticket_new (self, cancellable, 0));
}

void
tcia_browse_page_choose_collection (TciaBrowsePage *self,
                                    const char     *collection)
{
  TciaCollection *found = find_collection (self, collection, NULL);

  g_return_if_fail (found != NULL);

  tcia_collection_sidebar_select (self->sidebar, collection);
  choose (self, found, FALSE);
}
