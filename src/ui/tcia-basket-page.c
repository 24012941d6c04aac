/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-basket-page"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "tcia-column-sizing.h"
#include "tcia-download-progress.h"
#include "tcia-free-space.h"
#include "tcia-ui-util.h"
#include "tcia-folder-chooser.h"
#include "tcia-citation-list.h"
#include "tcia-session.h"
#include "tcia-basket-page-private.h"



G_DEFINE_FINAL_TYPE (TciaBasketPage, tcia_basket_page, ADW_TYPE_BIN)

enum {
  SIGNAL_CHECKOUT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkWindow *
_tcia_basket_page_get_window (TciaBasketPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

void
_tcia_basket_page_show_toast (TciaBasketPage *self,
                              AdwToast       *toast)
{
  g_free (self->toast_text);
  self->toast_text = g_strdup (adw_toast_get_title (toast));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
dialog_destroyed_cb (gpointer  data,
                     GObject  *where_the_object_was)
{
  TciaBasketPage *self = data;

  if (self->dialog == (AdwMessageDialog *) where_the_object_was)
    self->dialog = NULL;
}

static void
forget_dialog (TciaBasketPage *self)
{
  if (self->dialog != NULL)
    g_object_weak_unref (G_OBJECT (self->dialog), dialog_destroyed_cb, self);
  self->dialog = NULL;
}

AdwMessageDialog *
_tcia_basket_page_new_dialog (TciaBasketPage *self,
                              const char     *heading,
                              const char     *body)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (_tcia_basket_page_get_window (self), heading, body));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  adw_message_dialog_set_body_use_markup (dialog, FALSE);

  forget_dialog (self);
  self->dialog = dialog;
  g_object_weak_ref (G_OBJECT (dialog), dialog_destroyed_cb, self);
  g_free (self->dialog_text);
  self->dialog_text = g_strdup_printf ("%s\n%s", heading, body != NULL ? body : "");

  return dialog;
}

void
_tcia_basket_page_show_message (TciaBasketPage *self,
                                const char     *heading,
                                const char     *body)
{
  AdwMessageDialog *dialog = _tcia_basket_page_new_dialog (self, heading, body);

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The rows */

/* Totals, licences, free space */

static void
update_space (TciaBasketPage *self)
{
  guint64 unpacked = self->basket != NULL ? tcia_basket_get_total_bytes (self->basket) : 0;
  g_autofree char *free_text = NULL;
  g_autofree char *need_text = NULL;

  g_clear_pointer (&self->free_space_text, g_free);
  if (self->free_bytes == G_MAXUINT64)
    {
      self->free_space_text = g_strdup (_("Unknown"));
      self->space_short = FALSE;
    }
  else
    {
      free_text = g_format_size (self->free_bytes);
      need_text = g_format_size (unpacked);
      /* The ZIPs are unpacked as they arrive: what must fit is the unpacked size. */
      self->space_short = unpacked > self->free_bytes;
      if (self->space_short)
        /* TRANSLATORS: the free space: "2.1 GB, not enough for 3.4 GB once unpacked" */
        self->free_space_text = g_strdup_printf (_("%s, not enough for %s once unpacked"),
                                                 free_text, need_text);
      else
        /* The row's title says "Free Space": "83.5 GB", not "83.5 GB free". */
        self->free_space_text = g_strdup (free_text);
    }

  adw_action_row_set_subtitle (self->space_row, self->free_space_text);
  gtk_widget_set_visible (GTK_WIDGET (self->space_icon), self->space_short);
  if (self->space_short)
    gtk_widget_add_css_class (GTK_WIDGET (self->space_row), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->space_row), "warning");
}

static void
query_space_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TciaBasketPage) self = user_data;
  g_autoptr(GError) error = NULL;
  guint64 free_bytes = tcia_free_space_query_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->free_bytes = free_bytes;
  update_space (self);
}

static void
update_folder (TciaBasketPage *self)
{
  g_autoptr(GFile) folder = tcia_basket_page_dup_download_folder (self);
  g_autofree char *path = g_file_get_path (folder);

  adw_action_row_set_subtitle (self->folder_row, path != NULL ? path : "");

  g_cancellable_cancel (self->space_cancellable);
  g_clear_object (&self->space_cancellable);
  self->space_cancellable = g_cancellable_new ();
  self->free_bytes = G_MAXUINT64;
  update_space (self);
  tcia_free_space_query_async (folder, self->space_cancellable, query_space_cb,
                               g_object_ref (self));
}

static void
update_totals (TciaBasketPage *self)
{
  guint n_series = tcia_basket_get_n_series (self->basket);
  guint64 n_images = tcia_basket_get_n_images (self->basket);
  g_autofree char *size = g_format_size (tcia_basket_get_total_bytes (self->basket));
  /* A guess: no tenths ("about 364.0 kB" claims a precision it has not). */
  g_autofree char *estimate =
    tcia_format_size_estimate (tcia_basket_get_estimated_download_bytes (self->basket));
  g_autofree char *series_text = NULL;
  g_autofree char *images_text = NULL;
  g_autofree char *totals = NULL;

  series_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u series", "%u series",
                                              n_series), n_series);
  /* PRIu64, not G_GUINT64_FORMAT: xgettext knows the <inttypes.h> macros. */
  images_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRIu64 " image",
                                              "%" PRIu64 " images",
                                              n_images > G_MAXULONG ? G_MAXULONG : n_images),
                                 (uint64_t) n_images);
  /* TRANSLATORS: the totals of the basket: "3 series · 12 images · 1.2 MB" */
  totals = g_strdup_printf (_("%s · %s · %s"), series_text, images_text, size);
  gtk_label_set_text (self->totals_label, totals);
  gtk_label_set_text (self->size_value, size);

  g_free (self->estimate_text);
  /* TRANSLATORS: %s is a size, "420 MB" */
  self->estimate_text = g_strdup_printf (_("about %s to download (estimate)"), estimate);
  {
    /* TRANSLATORS: %s is a size; the download is an estimate */
    g_autofree char *about = g_strdup_printf (_("about %s"), estimate);

    gtk_label_set_text (self->estimate_value, about);
  }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->estimate_row),
                               _("Series are sent compressed; the real size is known "
                                 "once they arrive."));

  gtk_stack_set_visible_child_name (self->content_stack, n_series > 0 ? "series" : "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.clear", n_series > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.export-manifest", n_series > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.export-csv", n_series > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.export-s5cmd", n_series > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.checkout",
                                 self->checkout_available && n_series > 0);
  update_space (self);
}

static void
basket_changed_cb (TciaBasketPage *self)
{
  update_totals (self);
}

static void
selection_changed_cb (TciaBasketPage *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.remove-selected",
                                 !gtk_bitset_is_empty (selected));
}

static void
save_failed_cb (TciaBasket     *basket,
                GError         *error,
                TciaBasketPage *self)
{
  g_autofree char *text = g_strdup_printf (_("The basket could not be saved: %s"),
                                           error->message);

  gtk_label_set_text (self->save_label, text);
  gtk_info_bar_set_revealed (self->save_bar, TRUE);
}

static void
save_bar_response_cb (GtkInfoBar     *bar,
                      int             response,
                      TciaBasketPage *self)
{
  gtk_info_bar_set_revealed (bar, FALSE);
}

/* Remove, clear, undo */

static void
show_removal_toast (TciaBasketPage    *self,
                    TciaBasketRemoval *removal)
{
  guint n = tcia_basket_removal_get_n_series (removal);
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (n == 0)
    {
      tcia_basket_removal_unref (removal);
      return;
    }

  g_clear_pointer (&self->last_removal, tcia_basket_removal_unref);
  self->last_removal = removal;

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u series removed",
                                        "%u series removed", n), n);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "basket.undo");
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  _tcia_basket_page_show_toast (self, toast);
}

static void
remove_selected_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TciaBasketPage *self = TCIA_BASKET_PAGE (widget);
  g_autoptr(GtkBitset) selected = NULL;
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  GtkBitsetIter iter;
  guint position;

  if (self->basket == NULL)
    return;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position);
       ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (G_LIST_MODEL (self->selection),
                                                            position);

      g_ptr_array_add (uids, (gpointer) tcia_series_get_series_uid (series));
    }
  if (uids->len == 0)
    return;
  g_ptr_array_add (uids, NULL);

  show_removal_toast (self, tcia_basket_remove_many (self->basket,
                                                     (const char * const *) uids->pdata));
}

static void
clear_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  TciaBasketPage *self = TCIA_BASKET_PAGE (widget);

  if (self->basket == NULL || tcia_basket_get_n_series (self->basket) == 0)
    return;

  show_removal_toast (self, tcia_basket_clear (self->basket));
}

static void
undo_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  TciaBasketPage *self = TCIA_BASKET_PAGE (widget);
  g_autoptr(TciaBasketRemoval) removal = g_steal_pointer (&self->last_removal);

  if (removal != NULL && self->basket != NULL)
    tcia_basket_restore (self->basket, removal);
}

/* Download folder */

static void
folder_chosen_cb (GtkNativeDialog *chooser,
                  const char      *path,
                  gpointer         user_data)
{
  TciaBasketPage *self = user_data;

  if (path != NULL)
    {
      if (self->settings != NULL)
        g_settings_set_string (self->settings, "download-folder", path);
      else
        {
          g_free (self->folder_override);
          self->folder_override = g_strdup (path);
        }
      update_folder (self);
    }

  if (self->chooser == chooser)
    g_clear_object (&self->chooser);
}

void
_tcia_basket_page_set_chooser (TciaBasketPage       *self,
                               GtkFileChooserNative *chooser)
{
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_set_modal (self->chooser, TRUE);
}

static void
change_folder_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TciaBasketPage *self = TCIA_BASKET_PAGE (widget);
  g_autoptr(GFile) folder = tcia_basket_page_dup_download_folder (self);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  self->chooser = tcia_folder_chooser_show (_tcia_basket_page_get_window (self), folder, folder_chosen_cb, self);
}

static void
checkout_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TciaBasketPage *self = TCIA_BASKET_PAGE (widget);

  if (self->checkout_available && self->basket != NULL)
    g_signal_emit (self, signals[SIGNAL_CHECKOUT], 0, self->basket);
}

static void
update_checkout (TciaBasketPage *self)
{
  gboolean has_series = self->basket != NULL && tcia_basket_get_n_series (self->basket) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.checkout",
                                 self->checkout_available && has_series);
  /* An insensitive button still shows its tooltip: it says why. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->download_button),
                               self->checkout_available
                               ? _("Download the series into the download folder")
                               : _("Downloads are not available yet"));
}

/* Import */

static void
folder_setting_changed_cb (TciaBasketPage *self)
{
  update_folder (self);
}

/* GObject */

static void
tcia_basket_page_dispose (GObject *object)
{
  TciaBasketPage *self = TCIA_BASKET_PAGE (object);

  g_cancellable_cancel (self->import_cancellable);
  g_cancellable_cancel (self->space_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  forget_dialog (self);
  if (self->basket != NULL)
    g_signal_handlers_disconnect_by_data (self->basket, self);

  gtk_widget_dispose_template (GTK_WIDGET (object), TCIA_TYPE_BASKET_PAGE);

  G_OBJECT_CLASS (tcia_basket_page_parent_class)->dispose (object);
}

static void
tcia_basket_page_finalize (GObject *object)
{
  TciaBasketPage *self = TCIA_BASKET_PAGE (object);

  g_queue_clear_full (&self->import_queue, g_object_unref);
  g_clear_object (&self->import_cancellable);
  g_clear_object (&self->space_cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->catalogue);
  g_clear_object (&self->basket);
  g_clear_object (&self->settings);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->last_removal, tcia_basket_removal_unref);
  g_clear_pointer (&self->folder_override, g_free);
  g_clear_pointer (&self->estimate_text, g_free);
  g_clear_pointer (&self->dialog_text, g_free);
  g_clear_pointer (&self->toast_text, g_free);
  g_clear_pointer (&self->free_space_text, g_free);

  G_OBJECT_CLASS (tcia_basket_page_parent_class)->finalize (object);
}

/* Entered from the view switcher (Alt+2): the table of series, not the
 * first of the toolbar's icon buttons; when empty, the status page's. */
static gboolean
tcia_basket_page_grab_focus (GtkWidget *widget)
{
  TciaBasketPage *self = TCIA_BASKET_PAGE (widget);

  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  if (self->basket != NULL && tcia_basket_get_n_series (self->basket) > 0 &&
      gtk_widget_grab_focus (GTK_WIDGET (self->table)))
    return TRUE;
  /* Into the page's content, never the page itself: its own focus, when
   * nothing inside takes it, would grab the focus again and come back
   * here without end (a stack overflow when the table is not ready). */
  return child != NULL && gtk_widget_child_focus (child, GTK_DIR_TAB_FORWARD);
}

static void
tcia_basket_page_class_init (TciaBasketPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_basket_page_dispose;
  object_class->finalize = tcia_basket_page_finalize;
  widget_class->grab_focus = tcia_basket_page_grab_focus;

  /**
   * TciaBasketPage::checkout:
   * @basket: the basket to download
   *
   * The Download button was pressed (only once checkout is available).
   */
  signals[SIGNAL_CHECKOUT] =
    g_signal_new ("checkout", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TCIA_TYPE_BASKET);

  g_type_ensure (TCIA_TYPE_LICENCE_LIST);
  g_type_ensure (TCIA_TYPE_BASKET_TABLE);
  g_type_ensure (TCIA_TYPE_CITATION_LIST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/tcia-basket-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, save_bar);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, save_label);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, totals_label);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, table);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, size_value);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, estimate_value);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, estimate_row);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, folder_row);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, space_row);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, space_icon);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, licences_group);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, citations_group);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, download_button);

  _tcia_basket_page_class_init_import (widget_class);
  gtk_widget_class_install_action (widget_class, "basket.remove-selected", NULL,
                                   remove_selected_cb);
  gtk_widget_class_install_action (widget_class, "basket.clear", NULL, clear_cb);
  gtk_widget_class_install_action (widget_class, "basket.undo", NULL, undo_cb);
  gtk_widget_class_install_action (widget_class, "basket.change-folder", NULL, change_folder_cb);
  gtk_widget_class_install_action (widget_class, "basket.checkout", NULL, checkout_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0,
                                       "basket.remove-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0,
                                       "basket.remove-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_SHIFT_MASK,
                                       "basket.clear", NULL);
}

/* The Download button's mnemonic (Alt+D in English) works whether or not
 * the button is on screen: GTK's works only while it is mapped, and a
 * narrow window folds the summary that holds it away. Managed by the
 * window, so that it works wherever the focus is while the page is shown;
 * in the bubble phase, after the mnemonics (GTK 4.8 handles those in the
 * capture phase): while the button is mapped its mnemonic is the one match
 * and presses it. Two matches at once would make GTK move the focus
 * between them instead of pressing either. */
static void
add_download_shortcut (TciaBasketPage *self)
{
  GtkWidget *label = gtk_button_get_child (self->download_button);
  guint keyval = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (GTK_LABEL (label)));
  GtkEventController *controller;

  if (keyval == GDK_KEY_VoidSymbol)
    return;

  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller),
                                     GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (keyval,
                                                                                  GDK_ALT_MASK),
                                                          gtk_named_action_new ("basket.checkout")));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
tcia_basket_page_init (TciaBasketPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Not a bound template child: AdwBin unparents its child itself, and
   * gtk_widget_dispose_template() would do it a second time. */
  self->toast_overlay = ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self)));

  self->free_bytes = G_MAXUINT64;
  g_queue_init (&self->import_queue);
  /* A labelled button rather than the info bar's own close button, which
   * has no accessible name in GTK 4.8. */
  gtk_info_bar_add_button (self->save_bar, _("_Dismiss"), GTK_RESPONSE_CLOSE);
  g_signal_connect (self->save_bar, "response", G_CALLBACK (save_bar_response_cb), self);

  tcia_tooltip_when_cut (GTK_WIDGET (self->totals_label));
  add_download_shortcut (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.remove-selected", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.clear", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.cancel-import", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.export-manifest", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.export-csv", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.export-s5cmd", FALSE);
  update_checkout (self);
}

/* Public */

void
tcia_basket_page_setup (TciaBasketPage *self,
                        TciaClient     *client,
                        TciaBasket     *basket,
                        GSettings      *settings)
{
  g_return_if_fail (TCIA_IS_BASKET_PAGE (self));
  g_return_if_fail (client == NULL || TCIA_IS_CLIENT (client));
  g_return_if_fail (TCIA_IS_BASKET (basket));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));
  g_return_if_fail (self->basket == NULL);

  g_set_object (&self->client, client);
  g_set_object (&self->basket, basket);
  g_set_object (&self->settings, settings);

  tcia_basket_table_set_basket (self->table, basket);
  if (settings != NULL)
    tcia_basket_table_remember_widths (self->table, settings);
  self->selection = GTK_MULTI_SELECTION (g_object_ref (tcia_basket_table_get_selection (self->table)));
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (basket, "items-changed", G_CALLBACK (basket_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (basket, "notify::total-bytes", G_CALLBACK (basket_changed_cb), self,
                           G_CONNECT_SWAPPED);
  tcia_licence_list_set_model (self->licences_group, tcia_basket_get_licences (basket));
  tcia_citation_list_setup (self->citations_group, G_LIST_MODEL (basket), settings);
  g_signal_connect_object (basket, "save-failed", G_CALLBACK (save_failed_cb), self, 0);

  if (settings != NULL)
    g_signal_connect_object (settings, "changed::download-folder",
                             G_CALLBACK (folder_setting_changed_cb), self, G_CONNECT_SWAPPED);

  update_totals (self);
  update_folder (self);
  update_checkout (self);
}

void
tcia_basket_page_show_load_error (TciaBasketPage *self,
                                  const GError   *error)
{
  g_return_if_fail (TCIA_IS_BASKET_PAGE (self));
  g_return_if_fail (error != NULL);

  _tcia_basket_page_show_message (self, _("The Basket Could Not Be Read"), error->message);
}

void
tcia_basket_page_set_checkout_available (TciaBasketPage *self,
                                         gboolean        available)
{
  g_return_if_fail (TCIA_IS_BASKET_PAGE (self));

  self->checkout_available = !!available;
  update_checkout (self);
}

GFile *
tcia_basket_page_dup_download_folder (TciaBasketPage *self)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (TCIA_IS_BASKET_PAGE (self), NULL);

  if (self->settings != NULL)
    path = g_settings_get_string (self->settings, "download-folder");
  else
    path = g_strdup (self->folder_override);
  if (path != NULL && *path != '\0')
    return g_file_new_for_path (path);
  return tcia_session_dup_default_destination ();
}

/* Private, for tests */

GtkSelectionModel *
tcia_basket_page_get_selection (TciaBasketPage *self)
{
  return GTK_SELECTION_MODEL (self->selection);
}

const char *
tcia_basket_page_get_state (TciaBasketPage *self)
{
  return gtk_stack_get_visible_child_name (self->content_stack);
}

const char *
tcia_basket_page_get_totals_text (TciaBasketPage *self)
{
  return gtk_label_get_text (self->totals_label);
}

const char *
tcia_basket_page_get_estimate_text (TciaBasketPage *self)
{
  return self->estimate_text;
}

guint
tcia_basket_page_get_n_licence_rows (TciaBasketPage *self)
{
  return tcia_licence_list_get_n_rows (self->licences_group);
}

const char *
tcia_basket_page_get_licence_subtitle (TciaBasketPage *self,
                                       guint           index)
{
  return tcia_licence_list_get_row_subtitle (self->licences_group, index);
}

const char *
tcia_basket_page_get_licence_title (TciaBasketPage *self,
                                    guint           index)
{
  return tcia_licence_list_get_row_title (self->licences_group, index);
}

gboolean
tcia_basket_page_get_licence_is_nc (TciaBasketPage *self,
                                    guint           index)
{
  return tcia_licence_list_get_row_is_nc (self->licences_group, index);
}

gboolean
tcia_basket_page_get_importing (TciaBasketPage *self)
{
  return self->import_cancellable != NULL || !g_queue_is_empty (&self->import_queue);
}

guint
tcia_basket_page_get_n_progress_updates (TciaBasketPage *self)
{
  return self->n_progress_updates;
}

const char *
tcia_basket_page_get_progress_text (TciaBasketPage *self)
{
  return gtk_label_get_text (self->progress_label);
}

AdwMessageDialog *
tcia_basket_page_get_dialog (TciaBasketPage *self)
{
  return self->dialog;
}

const char *
tcia_basket_page_get_dialog_text (TciaBasketPage *self)
{
  return self->dialog_text;
}

const char *
tcia_basket_page_get_toast_text (TciaBasketPage *self)
{
  return self->toast_text;
}

const char *
tcia_basket_page_get_save_error_text (TciaBasketPage *self)
{
  return gtk_info_bar_get_revealed (self->save_bar) ? gtk_label_get_text (self->save_label) : NULL;
}

const char *
tcia_basket_page_get_free_space_text (TciaBasketPage *self)
{
  return self->free_space_text;
}

gboolean
tcia_basket_page_get_space_short (TciaBasketPage *self)
{
  return self->space_short;
}

GtkWidget *
tcia_basket_page_get_download_button (TciaBasketPage *self)
{
  return GTK_WIDGET (self->download_button);
}
