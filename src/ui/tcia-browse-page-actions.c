/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-browse-page"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-series.h"
#include "tcia-ui-util.h"

#include "tcia-browse-page-private.h"

static void
undo_add_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TciaBrowsePage *self = TCIA_BROWSE_PAGE (widget);
  g_autoptr(TciaBasketRemoval) removal = NULL;

  if (self->last_added == NULL || self->basket == NULL)
    return;

  g_ptr_array_add (self->last_added, NULL);
  removal = tcia_basket_remove_many (self->basket, (const char * const *) self->last_added->pdata);
  g_clear_pointer (&self->last_added, g_ptr_array_unref);
}

guint
_tcia_browse_page_add_series (TciaBrowsePage *self,
                              GPtrArray      *series)
{
  g_autoptr(GPtrArray) new_uids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *title = NULL;
  AdwToast *toast;
  guint added;

  if (self->basket == NULL || series->len == 0)
    return 0;

  for (guint i = 0; i < series->len; i++)
    {
      const char *uid = tcia_series_get_series_uid (g_ptr_array_index (series, i));

      if (!tcia_basket_contains (self->basket, uid))
        g_ptr_array_add (new_uids, g_strdup (uid));
    }

  added = tcia_basket_add_many (self->basket, (TciaSeries * const *) series->pdata, series->len);
  if (added == 0)
    title = g_strdup (series->len == 1 ? _("The series is in the basket already")
                                       : _("These series are in the basket already"));
  else
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u series added to the basket",
                                          "%u series added to the basket", added), added);

  toast = adw_toast_new (title);
  if (added > 0)
    {
      g_clear_pointer (&self->last_added, g_ptr_array_unref);
      self->last_added = g_steal_pointer (&new_uids);
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "browse.undo-add");
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);

  return added;
}

guint
tcia_browse_page_add_uids (TciaBrowsePage     *self,
                           const char * const *uids)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) series = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  g_return_val_if_fail (TCIA_IS_BROWSE_PAGE (self), 0);

  if (uids == NULL || self->series == NULL)
    return 0;

  for (guint i = 0; uids[i] != NULL; i++)
    g_hash_table_add (wanted, (char *) uids[i]);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->series));
  for (guint i = 0; i < n; i++)
    {
      TciaSeries *s = g_list_model_get_item (G_LIST_MODEL (self->series), i);

      if (g_hash_table_contains (wanted, tcia_series_get_series_uid (s)))
        g_ptr_array_add (series, s);
      else
        g_object_unref (s);
    }

  return _tcia_browse_page_add_series (self, series);
}

static void
add_to_basket_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TciaBrowsePage *self = TCIA_BROWSE_PAGE (widget);
  g_autoptr(GPtrArray) series = _tcia_browse_page_selected_series (self);

  _tcia_browse_page_add_series (self, series);
}

static void
copy_uids_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  TciaBrowsePage *self = TCIA_BROWSE_PAGE (widget);
  g_autoptr(GPtrArray) series = _tcia_browse_page_selected_series (self);
  g_autofree char *text = tcia_series_uids_text (series);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  _tcia_browse_page_show_toast (self, _("Series UIDs copied"));
}

static void
show_patient_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  TciaBrowsePage *self = TCIA_BROWSE_PAGE (widget);
  g_autoptr(GPtrArray) series = _tcia_browse_page_selected_series (self);
  const char *patient_id;

  if (series->len == 0)
    return;
  patient_id = tcia_series_get_patient_id (g_ptr_array_index (series, 0));
  if (patient_id != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->series_search), patient_id);
}

static void
focus_search_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  TciaBrowsePage *self = TCIA_BROWSE_PAGE (widget);

  /* Ctrl+F searches everything when there is a local catalogue to search. */
  if (g_strcmp0 (action_name, "browse.focus-search") == 0 &&
      gtk_widget_get_visible (GTK_WIDGET (self->archive_search)))
    {
      adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
      gtk_widget_grab_focus (GTK_WIDGET (self->archive_search));
      return;
    }
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), "browser") != 0)
    return;
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  if (gtk_widget_get_mapped (GTK_WIDGET (self->series_search)))
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->series_search));
      return;
    }
  gtk_menu_button_popup (self->search_button);
  gtk_widget_grab_focus (GTK_WIDGET (self->narrow_search));
}

static void
focus_collections_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  TciaBrowsePage *self = TCIA_BROWSE_PAGE (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), "browser") != 0)
    return;
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  tcia_collection_sidebar_focus_search (self->sidebar);
}

static void
reload_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  TciaBrowsePage *self = TCIA_BROWSE_PAGE (widget);

  if (self->collections == NULL ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), "browser") != 0)
    {
      _tcia_browse_page_load_collections (self);
      return;
    }

  g_clear_pointer (&self->error_text, g_free);
  tcia_filter_bar_reload (self->filter_bar);
  tcia_collection_pane_reload (self->collection_pane);
  _tcia_browse_page_reload_series (self);
}

static void
cancel_loading_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  _tcia_browse_page_cancel_loading (TCIA_BROWSE_PAGE (widget));
}

static void
show_patients_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TciaBrowsePage *self = TCIA_BROWSE_PAGE (widget);
  gboolean active = !gtk_toggle_button_get_active (self->patients_toggle);

  /* The toggle button is the action's widget; it does not toggle itself. */
  gtk_toggle_button_set_active (self->patients_toggle, active);
  if (active && self->patients_dirty)
    _tcia_browse_page_rebuild_patients (self);
  _tcia_browse_page_update_content (self);
  _tcia_browse_page_update_details (self);
}

static void
toggle_details_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TciaBrowsePage *self = TCIA_BROWSE_PAGE (widget);

  gtk_toggle_button_set_active (self->details_toggle,
                                !gtk_toggle_button_get_active (self->details_toggle));
}

static void
context_menu_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  tcia_series_view_popup_menu (TCIA_BROWSE_PAGE (widget)->series_view);
}

static void
show_toast_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  _tcia_browse_page_show_toast (TCIA_BROWSE_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
back_clicked_cb (TciaBrowsePage *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

void
tcia_browse_page_class_add_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);

  gtk_widget_class_install_action (widget_class, "browse.add-to-basket", NULL, add_to_basket_cb);
  gtk_widget_class_install_action (widget_class, "browse.undo-add", NULL, undo_add_cb);
  gtk_widget_class_install_action (widget_class, "browse.copy-uids", NULL, copy_uids_cb);
  gtk_widget_class_install_action (widget_class, "browse.show-patient", NULL, show_patient_cb);
  gtk_widget_class_install_action (widget_class, "browse.focus-search", NULL, focus_search_cb);
  gtk_widget_class_install_action (widget_class, "browse.focus-series-search", NULL,
                                   focus_search_cb);
  gtk_widget_class_install_action (widget_class, "browse.focus-collections", NULL,
                                   focus_collections_cb);
  gtk_widget_class_install_action (widget_class, "browse.reload", NULL, reload_cb);
  gtk_widget_class_install_action (widget_class, "browse.cancel-loading", NULL, cancel_loading_cb);
  gtk_widget_class_install_action (widget_class, "browse.show-patients", NULL, show_patients_cb);
  gtk_widget_class_install_action (widget_class, "browse.context-menu", NULL, context_menu_cb);
  gtk_widget_class_install_action (widget_class, "browse.toggle-details", NULL, toggle_details_cb);
  gtk_widget_class_install_action (widget_class, "browse.show-toast", "s", show_toast_cb);

  /* Menus show the accelerator bound last to an action (GTK 4.8 keeps the
   * last one as its primary accelerator): the alternatives come first. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "browse.add-to-basket", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "browse.add-to-basket", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK,
                                       "browse.add-to-basket", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "browse.copy-uids", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "browse.focus-search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "browse.focus-series-search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK,
                                       "browse.focus-collections", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "browse.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "browse.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK,
                                       "browse.show-patients", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK,
                                       "browse.toggle-details", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "browse.context-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK,
                                       "browse.context-menu", NULL);
}
