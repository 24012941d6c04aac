/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-browse-page"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "tcia-column-sizing.h"
#include "tcia-ui-util.h"
#include "tcia-collection.h"
#include "tcia-series.h"
#include "tcia-value.h"

#include "tcia-browse-page-private.h"
#include "tcia-wrap-layout.h"

G_DEFINE_FINAL_TYPE (TciaBrowsePage, tcia_browse_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* How often the count of rows coming in is said. */
#define STATUS_PAUSE_MS 250

static void update_status (TciaBrowsePage *self);

void
_tcia_browse_page_update_status (TciaBrowsePage *self)
{
  update_status (self);
}

static void
set_retry_text (TciaBrowsePage *self,
                const char     *text)
{
  if (g_strcmp0 (self->retry_text, text) == 0)
    return;

  g_free (self->retry_text);
  self->retry_text = g_strdup (text);
  adw_status_page_set_description (self->loading_page, text);
}

static void
set_loading (TciaBrowsePage *self,
             gboolean        loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

void
_tcia_browse_page_set_loading (TciaBrowsePage *self,
                               gboolean        loading)
{
  set_loading (self, loading);
}

void
_tcia_browse_page_show_toast (TciaBrowsePage *self,
                              const char     *title)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

/* Search */

static void
series_search_changed_cb (TciaBrowsePage *self)
{
  tcia_series_view_set_search_text (self->series_view,
                                    gtk_editable_get_text (GTK_EDITABLE (self->series_search)));
  self->patients_dirty = TRUE;
  if (gtk_toggle_button_get_active (self->patients_toggle))
    _tcia_browse_page_rebuild_patients (self);
  update_status (self);
}

/* Status and states */

static guint64
sum_file_sizes (GPtrArray *series)
{
  guint64 bytes = 0;

  for (guint i = 0; i < series->len; i++)
    bytes += tcia_series_get_file_size (g_ptr_array_index (series, i));

  return bytes;
}

static gboolean
status_pause_over_cb (gpointer user_data)
{
  TciaBrowsePage *self = user_data;

  self->status_pause_id = 0;
  update_status (self);
  return G_SOURCE_REMOVE;
}

static void
update_status (TciaBrowsePage *self)
{
  guint n_all = self->series != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->series)) : 0;
  guint n_shown = g_list_model_get_n_items (tcia_series_view_get_shown (self->series_view));
  g_autofree char *all = tcia_format_count (n_all);
  g_autofree char *shown = tcia_format_count (n_shown);
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) selected = NULL;

  if (self->collection == NULL && self->series == NULL)
    {
      gtk_label_set_text (self->status_label, "");
      return;
    }

  /* While rows come in, every batch would change the count, and a label
   * whose text changes has GTK size the whole window again (with round
   * trips to the X server): the count is said four times a second. */
  if (self->loading && self->retry_text == NULL && n_all > 0)
    {
      if (self->status_pause_id != 0)
        return;
      self->status_pause_id = g_timeout_add (STATUS_PAUSE_MS, status_pause_over_cb, self);
    }

  selected = _tcia_browse_page_selected_series (self);
  if (self->archive_text != NULL && !self->loading && selected->len == 0)
    {
      text = _tcia_browse_page_archive_status (self);
    }
  else if (self->loading && self->retry_text != NULL)
    {
      text = g_strdup (self->retry_text);
    }
  else if (self->loading && n_all == 0)
    {
      text = g_strdup (_("Loading series…"));
    }
  else if (self->loading)
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Loading %s series…",
                                           "Loading %s series…", n_all), all);
    }
  else if (self->stopped)
    {
      text = g_strdup (_("Loading stopped"));
    }
  else if (selected->len > 0)
    {
      g_autofree char *n_selected = tcia_format_count (selected->len);

      size = g_format_size (sum_file_sizes (selected));
      /* Translators: "3 of 31 series selected · 1.2 MB", the size of the selected ones */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s of %s series selected · %s",
                                           "%s of %s series selected · %s", n_shown),
                              n_selected, shown, size);
    }
  else
    {
      size = g_format_size (tcia_series_view_get_shown_bytes (self->series_view));
      if (tcia_series_view_get_search_text (self->series_view) != NULL)
        /* Translators: "12 of 1,234 series · 3.4 GB" */
        text = g_strdup_printf (_("%s of %s series · %s"), shown, all, size);
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s series · %s",
                                             "%s series · %s", n_all), all, size);
    }

  gtk_label_set_text (self->status_label, text);
}

void
_tcia_browse_page_update_content (TciaBrowsePage *self)
{
  const char *list_page = gtk_toggle_button_get_active (self->patients_toggle)
                          ? "patients" : "series";
  guint n_all = self->series != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->series)) : 0;

  if (self->collection == NULL && self->series == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "choose");
  else if (self->error_text != NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "error");
  else if (self->stopped)
    gtk_stack_set_visible_child_name (self->content_stack, "stopped");
  else if (n_all > 0)
    gtk_stack_set_visible_child_name (self->content_stack, list_page);
  else if (self->loading)
    gtk_stack_set_visible_child_name (self->content_stack, "loading");
  else
    gtk_stack_set_visible_child_name (self->content_stack, "empty");
}

static void
show_error (TciaBrowsePage *self,
            const GError   *error)
{
  if (self->error_text != NULL)
    return;

  self->error_text = g_strdup (error->message);
  adw_status_page_set_description (self->error_page, self->error_text);
  set_retry_text (self, NULL);
  set_loading (self, FALSE);
  _tcia_browse_page_update_content (self);
  update_status (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->error_page));
}

/* Series list */

static void
series_items_changed_cb (GListModel     *model,
                         guint           position,
                         guint           removed,
                         guint           added,
                         TciaBrowsePage *self)
{
  if (model != G_LIST_MODEL (self->series))
    return;

  /* Rows counted are only ever added to: another change is counted again
   * at the end. */
  if (removed == 0 && position + added == g_list_model_get_n_items (model))
    {
      if (self->licence_count != NULL)
        tcia_licence_count_add (self->licence_count);
    }
  else
    {
      g_clear_pointer (&self->licence_count, tcia_licence_count_free);
    }

  self->patients_dirty = TRUE;
  _tcia_browse_page_update_content (self);
  update_status (self);
}

/* The licences of the rows listed: counted as they came when they all
 * came at the end, else counted now. At the end of a listing of 100,000
 * series, a count of them all held the main loop for tens of ms. */
void
_tcia_browse_page_show_licences (TciaBrowsePage *self)
{
  g_autoptr(GListModel) licences = NULL;

  if (self->series == NULL)
    {
      tcia_collection_pane_set_series (self->collection_pane, NULL);
      return;
    }

  if (tcia_licence_count_covers (self->licence_count, G_LIST_MODEL (self->series)))
    licences = tcia_licence_count_dup_tally (self->licence_count);
  else
    licences = tcia_licence_tally_new (G_LIST_MODEL (self->series));
  tcia_collection_pane_set_licences (self->collection_pane, licences);
}

static void
series_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TciaTicket) query = user_data;
  TciaBrowsePage *self = query->owner;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = tcia_catalogue_list_series_finish (TCIA_CATALOGUE (object), result, &error);
  if (tcia_ticket_is_stale (query, self->series_cancellable, error))
    return;

  if (error != NULL)
    {
      show_error (self, error);
      return;
    }

  set_retry_text (self, NULL);
  set_loading (self, FALSE);
  _tcia_browse_page_show_licences (self);
  self->patients_dirty = TRUE;
  if (gtk_toggle_button_get_active (self->patients_toggle))
    _tcia_browse_page_rebuild_patients (self);
  _tcia_browse_page_update_content (self);
  update_status (self);
}

GCancellable *
_tcia_browse_page_new_series_store (TciaBrowsePage *self)
{
  GCancellable *cancellable = tcia_cancellable_restart (&self->series_cancellable);

  if (self->series != NULL)
    g_signal_handlers_disconnect_by_func (self->series, series_items_changed_cb, self);
  g_clear_object (&self->series);

  /* A new store for every query: rows of an older one can never show. */
  self->series = g_list_store_new (TCIA_TYPE_SERIES);
  g_clear_pointer (&self->licence_count, tcia_licence_count_free);
  self->licence_count = tcia_licence_count_new (G_LIST_MODEL (self->series));
  g_clear_pointer (&self->error_text, g_free);
  self->stopped = FALSE;
  set_retry_text (self, NULL);
  /* The search first, so that the status line counts the new rows. */
  tcia_series_view_set_model (self->series_view, G_LIST_MODEL (self->series));
  g_signal_connect (self->series, "items-changed", G_CALLBACK (series_items_changed_cb), self);
  self->patients_dirty = TRUE;
  if (gtk_toggle_button_get_active (self->patients_toggle))
    _tcia_browse_page_rebuild_patients (self);

  set_loading (self, TRUE);
  _tcia_browse_page_update_content (self);
  update_status (self);
  _tcia_browse_page_update_details (self);

  return cancellable;
}

static void
start_series_query (TciaBrowsePage  *self,
                    const TciaQuery *query)
{
  GCancellable *cancellable = _tcia_browse_page_new_series_store (self);

  tcia_catalogue_list_series_async (self->catalogue, query, self->series, cancellable,
                                    series_listed_cb, tcia_ticket_new (self, cancellable, 0));
}

void
_tcia_browse_page_cancel_loading (TciaBrowsePage *self)
{
  if (!self->loading)
    return;

  /* The client takes back the rows it delivered: no partial list shows. */
  g_cancellable_cancel (self->series_cancellable);
  self->stopped = TRUE;
  set_retry_text (self, NULL);
  set_loading (self, FALSE);
  _tcia_browse_page_update_content (self);
  update_status (self);
}

char *
_tcia_browse_page_format_retrying (const char *reason,
                 guint       attempt,
                 guint       max_attempts)
{
  /* Translators: the %s is why, such as "Server busy (HTTP 503)"; then
   * "trying again (2 of 5)…", the attempt to come and the attempts in all. */
  return g_strdup_printf (_("%s, trying again (%u of %u)…"), reason, attempt, max_attempts);
}

/* The server failed and the client tries again: say so, rather than a
 * spinner that seems to hang for the length of the waits. */
static void
series_retrying_cb (TciaClient     *client,
                    guint           attempt,
                    guint           max_attempts,
                    guint           delay_ms,
                    const char     *reason,
                    TciaBrowsePage *self)
{
  g_autofree char *text = NULL;

  if (!self->loading)
    return;

  text = _tcia_browse_page_format_retrying (reason, attempt, max_attempts);
  set_retry_text (self, text);
  update_status (self);
}
void
_tcia_browse_page_reload_series (TciaBrowsePage *self)
{
  g_autoptr(TciaQuery) query = NULL;

  if (self->archive_text != NULL)
    {
      _tcia_browse_page_search_archive (self);
      return;
    }
  if (self->catalogue == NULL || self->collection == NULL)
    return;

  query = tcia_filter_bar_build_query (self->filter_bar);
  start_series_query (self, query);
}

/* Selection and details */

GPtrArray *
_tcia_browse_page_selected_series (TciaBrowsePage *self)
{
  if (gtk_toggle_button_get_active (self->patients_toggle))
    return tcia_patients_view_dup_selected (self->patients_view);

  return tcia_series_view_dup_selected (self->series_view);
}

void
_tcia_browse_page_update_details (TciaBrowsePage *self)
{
  g_autoptr(GPtrArray) series = _tcia_browse_page_selected_series (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "browse.add-to-basket", series->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "browse.copy-uids", series->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "browse.show-patient", series->len > 0);

  if (series->len == 1)
    {
      tcia_series_details_set_series (self->series_details, g_ptr_array_index (series, 0));
      gtk_stack_set_visible_child_name (self->details_stack, "series");
    }
  else if (series->len > 1)
    {
      g_autofree char *title = NULL;
      g_autofree char *size = g_format_size (sum_file_sizes (series));

      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Series Selected",
                                            "%u Series Selected", series->len), series->len);
      adw_status_page_set_title (self->multiple_page, title);
      adw_status_page_set_description (self->multiple_page, size);
      gtk_stack_set_visible_child_name (self->details_stack, "multiple");
    }
  else
    {
      tcia_series_details_set_series (self->series_details, NULL);
      gtk_stack_set_visible_child_name (self->details_stack, "collection");
    }

  /* The footer counts the selection of the list shown. */
  update_status (self);
}

static void
selection_changed_cb (TciaBrowsePage *self)
{
  _tcia_browse_page_update_details (self);
}

void
_tcia_browse_page_rebuild_patients (TciaBrowsePage *self)
{
  self->patients_dirty = FALSE;
  tcia_patients_view_rebuild (self->patients_view, tcia_series_view_get_shown (self->series_view));
}

/* GObject */

static void
tcia_browse_page_dispose (GObject *object)
{
  TciaBrowsePage *self = TCIA_BROWSE_PAGE (object);
  GCancellable **cancellables[] = {
    &self->collections_cancellable, &self->series_cancellable,
  };

  for (guint i = 0; i < G_N_ELEMENTS (cancellables); i++)
    {
      if (*cancellables[i] != NULL)
        g_cancellable_cancel (*cancellables[i]);
      g_clear_object (cancellables[i]);
    }

  if (self->basket != NULL)
    g_signal_handlers_disconnect_by_data (self->basket, self);
  if (self->series != NULL)
    g_signal_handlers_disconnect_by_data (self->series, self);
  if (self->series_view != NULL)
    g_signal_handlers_disconnect_by_data (tcia_series_view_get_selection (self->series_view), self);
  if (self->filter_bar != NULL)
    g_signal_handlers_disconnect_by_data (self->filter_bar, self);

  g_clear_handle_id (&self->status_pause_id, g_source_remove);
  g_clear_pointer (&self->licence_count, tcia_licence_count_free);
  _tcia_browse_page_dispose_archive (self);
  g_clear_object (&self->client);
  g_clear_object (&self->catalogue);
  g_clear_object (&self->basket);
  g_clear_object (&self->settings);
  g_clear_object (&self->collections);
  g_clear_object (&self->series);

  G_OBJECT_CLASS (tcia_browse_page_parent_class)->dispose (object);
}

static void
tcia_browse_page_finalize (GObject *object)
{
  TciaBrowsePage *self = TCIA_BROWSE_PAGE (object);

  g_clear_pointer (&self->collection, g_free);
  g_clear_pointer (&self->error_text, g_free);
  g_clear_pointer (&self->retry_text, g_free);
  g_clear_pointer (&self->last_added, g_ptr_array_unref);

  G_OBJECT_CLASS (tcia_browse_page_parent_class)->finalize (object);
}

static void
tcia_browse_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TciaBrowsePage *self = TCIA_BROWSE_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_browse_page_class_init (TciaBrowsePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_browse_page_dispose;
  object_class->finalize = tcia_browse_page_finalize;
  object_class->get_property = tcia_browse_page_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TCIA_TYPE_SERIES);
  g_type_ensure (TCIA_TYPE_SERIES_DETAILS);
  g_type_ensure (TCIA_TYPE_SERIES_VIEW);
  g_type_ensure (TCIA_TYPE_COLLECTION_PANE);
  g_type_ensure (TCIA_TYPE_PATIENTS_VIEW);
  g_type_ensure (TCIA_TYPE_FILTER_BAR);
  g_type_ensure (TCIA_TYPE_COLLECTION_SIDEBAR);
  g_type_ensure (TCIA_TYPE_WRAP_LAYOUT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/tcia-browse-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, page_stack);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, connecting_page);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, unreachable_page);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, sidebar);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, patients_toggle);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, details_toggle);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, series_search);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, search_button);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, narrow_search);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, loading_page);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, error_page);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, series_view);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, patients_view);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, details_stack);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, collection_pane);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, series_details);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, multiple_page);
  gtk_widget_class_bind_template_child (widget_class, TciaBrowsePage, status_label);
  gtk_widget_class_bind_template_callback (widget_class, series_search_changed_cb);
  _tcia_browse_page_class_add_archive (widget_class);

  tcia_browse_page_class_add_actions (widget_class);
}

static void
tcia_browse_page_init (TciaBrowsePage *self)
{

  gtk_widget_init_template (GTK_WIDGET (self));
  tcia_tooltip_when_cut (GTK_WIDGET (self->status_label));
  /* The entry in the popover of a narrow window is the same search. */
  g_object_bind_property (self->series_search, "text", self->narrow_search, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  /* Not "connecting" (and its spinner) until there is a server to ask. */
  gtk_stack_set_visible_child_name (self->page_stack, "browser");

  g_signal_connect_swapped (self->sidebar, "collection-activated", G_CALLBACK (_tcia_browse_page_collection_activated_cb),
                            self);
  g_signal_connect_swapped (self->filter_bar, "changed", G_CALLBACK (_tcia_browse_page_reload_series), self);
  g_signal_connect_swapped (self->filter_bar, "failed", G_CALLBACK (show_error), self);

  g_signal_connect_swapped (tcia_series_view_get_selection (self->series_view), "selection-changed",
                            G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_swapped (tcia_series_view_get_selection (self->series_view), "items-changed",
                            G_CALLBACK (selection_changed_cb), self);

  g_signal_connect_swapped (self->patients_view, "selection-changed",
                            G_CALLBACK (selection_changed_cb), self);

  gtk_search_entry_set_key_capture_widget (self->series_search,
                                          GTK_WIDGET (tcia_series_view_get_column_view (self->series_view)));

  _tcia_browse_page_update_details (self);
  _tcia_browse_page_update_content (self);
}

void
tcia_browse_page_setup (TciaBrowsePage *self,
                        TciaClient     *client,
                        TciaBasket     *basket,
                        GSettings      *settings)
{
  g_return_if_fail (TCIA_IS_BROWSE_PAGE (self));
  g_return_if_fail (client == NULL || TCIA_IS_CLIENT (client));
  g_return_if_fail (basket == NULL || TCIA_IS_BASKET (basket));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));
  g_return_if_fail (self->client == NULL);

  g_set_object (&self->client, client);
  if (self->catalogue == NULL && client != NULL)
    self->catalogue = g_object_ref (TCIA_CATALOGUE (client));
  if (client != NULL)
    {
      g_signal_connect_object (client, "retrying::TciaSeries", G_CALLBACK (series_retrying_cb),
                               self, 0);
      g_signal_connect_object (client, "retrying::TciaCollection",
                               G_CALLBACK (_tcia_browse_page_collections_retrying_cb), self, 0);
    }
  tcia_collection_pane_set_catalogue (self->collection_pane, self->catalogue);
  if (client != NULL)
    {
      g_autoptr(TciaPreviewCache) previews = tcia_preview_cache_new (client, NULL);

      tcia_series_details_set_preview_cache (self->series_details, previews);
    }
  tcia_filter_bar_setup (self->filter_bar, self->catalogue, settings);
  g_set_object (&self->settings, settings);
  g_set_object (&self->basket, basket);
  tcia_series_view_set_basket (self->series_view, basket);
  tcia_patients_view_set_basket (self->patients_view, basket);

  if (settings != NULL)
    {
      tcia_series_view_set_settings (self->series_view, settings);
      g_settings_bind (settings, "show-details", self->details_toggle, "active",
                       G_SETTINGS_BIND_DEFAULT);
    }

  self->restore_pending = TRUE;
  if (self->catalogue != NULL)
    _tcia_browse_page_load_collections (self);
}

gboolean
tcia_browse_page_get_loading (TciaBrowsePage *self)
{
  g_return_val_if_fail (TCIA_IS_BROWSE_PAGE (self), FALSE);

  return self->loading;
}

/* Private API */

GtkSelectionModel *
tcia_browse_page_get_selection (TciaBrowsePage *self)
{
  return tcia_series_view_get_selection (self->series_view);
}

GListModel *
tcia_browse_page_get_collections (TciaBrowsePage *self)
{
  return tcia_collection_sidebar_get_selection (self->sidebar);
}

GtkDropDown *
tcia_browse_page_get_dropdown (TciaBrowsePage *self,
                               TciaValueKind   kind)
{
  return tcia_filter_bar_get_dropdown (self->filter_bar, kind);
}

GtkEditable *
tcia_browse_page_get_search_entry (TciaBrowsePage *self)
{
  return GTK_EDITABLE (self->series_search);
}

GtkColumnView *
tcia_browse_page_get_series_view (TciaBrowsePage *self)
{
  return tcia_series_view_get_column_view (self->series_view);
}

const char *
tcia_browse_page_get_state (TciaBrowsePage *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->page_stack);

  if (g_strcmp0 (page, "browser") != 0)
    return page;

  return gtk_stack_get_visible_child_name (self->content_stack);
}

const char *
tcia_browse_page_get_error_text (TciaBrowsePage *self)
{
  return self->error_text;
}

const char *
tcia_browse_page_get_status_text (TciaBrowsePage *self)
{
  return gtk_label_get_text (self->status_label);
}


void
tcia_browse_page_load_query (TciaBrowsePage  *self,
                             const TciaQuery *query)
{
  g_free (self->collection);
  self->collection = g_strdup (query->collection);
  start_series_query (self, query);
}

gboolean
tcia_browse_page_row_is_marked (TciaBrowsePage *self,
                                guint           position)
{
  return tcia_series_view_row_is_marked (self->series_view, position);
}
