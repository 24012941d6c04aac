/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-basket-page"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "tcia-column-sizing.h"
#include "tcia-free-space.h"
#include "tcia-ui-util.h"
#include "tcia-folder-chooser.h"
#include "tcia-import.h"
#include "tcia-licence-list.h"
#include "tcia-series-cell.h"
#include "tcia-session.h"
#include "tcia-basket-page-private.h"

/* Lookups of an import go to the server this many UIDs at a time: progress
 * moves often enough to be seen and a cancel is quick. */
#define IMPORT_CHUNK_SIZE 1000
/* The unknown UIDs listed in a dialog; the rest is copied with Copy. */
#define MAX_UNKNOWN_SHOWN 2000

struct _TciaBasketPage
{
  AdwBin               parent_instance;

  /* template widgets */
  AdwToastOverlay     *toast_overlay;
  GtkInfoBar          *save_bar;
  GtkLabel            *save_label;
  GtkRevealer         *progress_revealer;
  GtkLabel            *progress_label;
  GtkProgressBar      *progress_bar;
  GtkStack            *content_stack;
  GtkLabel            *totals_label;
  GtkColumnView       *series_view;
  GtkLabel            *size_value;
  GtkLabel            *estimate_value;
  AdwActionRow        *estimate_row;
  AdwActionRow        *folder_row;
  AdwActionRow        *space_row;
  GtkImage            *space_icon;
  TciaLicenceList     *licences_group;
  GtkButton           *download_button;

  /* owned */
  TciaClient          *client;
  TciaBasket          *basket;
  GSettings           *settings;
  GtkMultiSelection   *selection;
  TciaColumnSizing    *sizing;
  TciaBasketRemoval   *last_removal;      /* for Undo */
  GQueue               import_queue;      /* GFile to import after the current one */
  GCancellable        *import_cancellable;
  GCancellable        *space_cancellable;
  GtkNativeDialog     *chooser;
  char                *folder_override;   /* without settings */
  char                *estimate_text;
  char                *dialog_text;
  char                *toast_text;
  char                *free_space_text;
  guint64              free_bytes;        /* G_MAXUINT64 while unknown */
  guint                n_progress_updates;
  gboolean             checkout_available;
  gboolean             space_short;

  /* borrowed */
  AdwMessageDialog    *dialog;            /* weak */
};

G_DEFINE_FINAL_TYPE (TciaBasketPage, tcia_basket_page, ADW_TYPE_BIN)

enum {
  SIGNAL_CHECKOUT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void import_next (TciaBasketPage *self);

static GtkWindow *
get_window (TciaBasketPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_toast (TciaBasketPage *self,
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

static AdwMessageDialog *
new_dialog (TciaBasketPage *self,
            const char     *heading,
            const char     *body)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_window (self), heading, body));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  adw_message_dialog_set_body_use_markup (dialog, FALSE);

  forget_dialog (self);
  self->dialog = dialog;
  g_object_weak_ref (G_OBJECT (dialog), dialog_destroyed_cb, self);
  g_free (self->dialog_text);
  self->dialog_text = g_strdup_printf ("%s\n%s", heading, body != NULL ? body : "");

  return dialog;
}

static void
show_message (TciaBasketPage *self,
              const char     *heading,
              const char     *body)
{
  AdwMessageDialog *dialog = new_dialog (self, heading, body);

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The rows */

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  TciaSeriesField column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "tcia-column"));
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  tcia_tooltip_when_cut (label);
  if (tcia_series_field_is_number (column))
    {
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_add_css_class (label, "numeric");
    }
  else
    {
      gtk_label_set_xalign (GTK_LABEL (label), 0);
    }
  gtk_list_item_set_child (item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  TciaSeriesField column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "tcia-column"));
  TciaSeries *series = gtk_list_item_get_item (item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  g_autofree char *owned = NULL;
  const char *text = tcia_series_cell_text (series, column, TCIA_COUNT_PLAIN, &owned);

  gtk_label_set_text (label, text != NULL ? text : "");
}

/* What each column of the .ui shows, by the property its sorter looks up. */
static const struct
{
  const char      *property;
  TciaSeriesField  field;
} basket_columns[] = {
  { "collection", TCIA_SERIES_FIELD_COLLECTION },
  { "patient-id", TCIA_SERIES_FIELD_PATIENT },
  { "study-date", TCIA_SERIES_FIELD_STUDY_DATE },
  { "series-description", TCIA_SERIES_FIELD_SERIES_DESCRIPTION },
  { "modality", TCIA_SERIES_FIELD_MODALITY },
  { "image-count", TCIA_SERIES_FIELD_IMAGES },
  { "file-size", TCIA_SERIES_FIELD_SIZE },
};

static TciaSeriesField
column_field (GtkColumnViewColumn *column)
{
  GtkSorter *sorter = gtk_column_view_column_get_sorter (column);
  GtkExpression *expression = NULL;
  const char *property;

  g_object_get (sorter, "expression", &expression, NULL);
  g_assert (G_TYPE_CHECK_INSTANCE_TYPE (expression, GTK_TYPE_PROPERTY_EXPRESSION));
  property = gtk_property_expression_get_pspec (expression)->name;
  gtk_expression_unref (expression);

  for (guint k = 0; k < G_N_ELEMENTS (basket_columns); k++)
    if (g_str_equal (basket_columns[k].property, property))
      return basket_columns[k].field;

  g_assert_not_reached ();
}

static void
setup_columns (TciaBasketPage *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->series_view);

  self->sizing = tcia_column_sizing_new (self->series_view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      TciaSeriesField field = column_field (column);

      g_object_set_data (G_OBJECT (factory), "tcia-column", GUINT_TO_POINTER (field));
      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), self);
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), self);
      gtk_column_view_column_set_factory (column, factory);
      tcia_column_sizing_add (self->sizing, column, field);
    }
}

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
        /* TRANSLATORS: "2.1 GB free, not enough for 3.4 GB once unpacked" */
        self->free_space_text = g_strdup_printf (_("%s free, not enough for %s once unpacked"),
                                                 free_text, need_text);
      else
        self->free_space_text = g_strdup_printf (_("%s free"), free_text);
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
  g_autofree char *estimate = g_format_size (tcia_basket_get_estimated_download_bytes (self->basket));
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
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.checkout",
                                 self->checkout_available && n_series > 0);
  update_space (self);
}

static void
basket_changed_cb (TciaBasketPage *self)
{
  update_totals (self);
  tcia_column_sizing_fit (self->sizing, G_LIST_MODEL (self->basket));
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
  show_toast (self, toast);
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

static void
set_chooser (TciaBasketPage       *self,
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
  self->chooser = tcia_folder_chooser_show (get_window (self), folder, folder_chosen_cb, self);
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
set_importing (TciaBasketPage *self,
               gboolean        importing)
{
  gtk_revealer_set_reveal_child (self->progress_revealer, importing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.cancel-import", importing);
  if (!importing)
    g_clear_object (&self->import_cancellable);
}

static void
set_progress (TciaBasketPage *self,
              const char     *text,
              double          fraction)
{
  self->n_progress_updates++;
  gtk_label_set_text (self->progress_label, text);
  if (fraction < 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static char *
format_count (guint n)
{
  /* %'u groups the digits as the locale does: "100,000". */
  return g_strdup_printf ("%'u", n);
}

static void
resolve_progress_cb (guint    n_done,
                     guint    n_total,
                     gpointer user_data)
{
  TciaBasketPage *self = user_data;
  g_autofree char *done = format_count (n_done);
  g_autofree char *total = format_count (n_total);
  g_autofree char *text = NULL;

  /* TRANSLATORS: "Looking up 12,000 of 100,000 series…" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Looking up %s of %s series…",
                                       "Looking up %s of %s series…", n_total),
                          done, total);
  set_progress (self, text, n_total > 0 ? (double) n_done / n_total : 0.0);
}

static void
copy_unknown_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 gpointer          user_data)
{
  const char *text = g_object_get_data (G_OBJECT (dialog), "tcia-uids");

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (dialog)), text);
}

static void
show_unknown (TciaBasketPage   *self,
              const char       *source,
              TciaImportResult *result)
{
  const char * const *unknown = tcia_import_result_get_unknown_uids (result);
  guint n = tcia_import_result_get_n_unknown (result);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *all = g_strjoinv ("\n", (char **) unknown);
  g_autoptr(GString) shown = g_string_new (NULL);
  AdwMessageDialog *dialog;
  GtkWidget *scrolled, *view;
  GtkTextBuffer *buffer;
  char *full;

  for (guint i = 0; i < n && i < MAX_UNKNOWN_SHOWN; i++)
    g_string_append_printf (shown, "%s%s", i > 0 ? "\n" : "", unknown[i]);
  if (n > MAX_UNKNOWN_SHOWN)
    g_string_append_printf (shown, "\n%s", _("… (Copy takes them all)"));

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Series Not Found",
                                          "%u Series Not Found", n), n);
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "The server does not know this series UID from %s. "
                                       "It was not added. It may have been withdrawn, or "
                                       "belong to a collection that needs a login.",
                                       "The server does not know these series UIDs from %s. "
                                       "They were not added. They may have been withdrawn, or "
                                       "belong to a collection that needs a login.", n),
                          source);
  dialog = new_dialog (self, heading, body);
  full = g_strdup_printf ("%s\n%s", self->dialog_text, all);
  g_free (self->dialog_text);
  self->dialog_text = full;

  buffer = gtk_text_buffer_new (NULL);
  gtk_text_buffer_set_text (buffer, shown->str, -1);
  view = gtk_text_view_new_with_buffer (buffer);
  g_object_unref (buffer);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Series UIDs not found"), -1);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 160);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 240);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_widget_add_css_class (scrolled, "card");
  adw_message_dialog_set_extra_child (dialog, scrolled);

  g_object_set_data_full (G_OBJECT (dialog), "tcia-uids", g_steal_pointer (&all), g_free);
  adw_message_dialog_add_responses (dialog,
                                    "copy", _("_Copy UIDs"),
                                    "close", _("_Close"),
                                    NULL);
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  g_signal_connect (dialog, "response::copy", G_CALLBACK (copy_unknown_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
report_result (TciaBasketPage   *self,
               const char       *source,
               TciaImportResult *result)
{
  guint added = tcia_import_result_get_n_added (result);
  guint present = tcia_import_result_get_n_already_present (result);
  g_autofree char *added_text = NULL;
  g_autofree char *title = NULL;

  added_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Added %u series",
                                             "Added %u series", added), added);
  if (present > 0)
    /* TRANSLATORS: "Added 3 series; 2 were already in the basket" */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%s; %u was already in the basket",
                                          "%s; %u were already in the basket", present),
                             added_text, present);
  else
    title = g_steal_pointer (&added_text);
  show_toast (self, adw_toast_new (title));

  if (tcia_import_result_get_n_unknown (result) > 0)
    show_unknown (self, source, result);
}

static void
report_error (TciaBasketPage *self,
              const GError   *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      show_toast (self, adw_toast_new (_("Import cancelled; the basket is as it was")));
      return;
    }

  show_message (self, _("Could Not Import"), error->message);
}

/* The end of one import, from a file or a shared cart: report, go on. */
static void
import_finished (TciaBasketPage   *self,
                 TciaImportResult *result,
                 const GError     *error)
{
  if (result == NULL)
    report_error (self, error);
  else
    report_result (self, g_object_get_data (G_OBJECT (self), "tcia-import-name"), result);

  set_importing (self, FALSE);
  import_next (self);
}

static void
resolve_done_cb (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(TciaBasketPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportResult) result = tcia_import_resolve_finish (res, &error);

  import_finished (self, result, error);
}

static void
resolve (TciaBasketPage     *self,
         const char * const *uids)
{
  if (self->client == NULL)
    {
      show_message (self, _("Could Not Import"),
                    _("No server is set, so the series cannot be looked up."));
      set_importing (self, FALSE);
      import_next (self);
      return;
    }

  tcia_import_resolve_async (self->basket, self->client, uids, IMPORT_CHUNK_SIZE,
                             resolve_progress_cb, self, NULL,
                             self->import_cancellable, resolve_done_cb, g_object_ref (self));
}

static void
parse_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(TciaBasketPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;

  file = tcia_import_parse_file_finish (res, &error);
  if (file == NULL)
    {
      report_error (self, error);
      set_importing (self, FALSE);
      import_next (self);
      return;
    }

  g_object_set_data_full (G_OBJECT (self), "tcia-import-name",
                          g_strdup (tcia_import_file_get_display_name (file)), g_free);
  resolve (self, tcia_import_file_get_uids (file));
}

static void
import_next (TciaBasketPage *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (self->import_cancellable != NULL || self->basket == NULL)
    return;
  file = g_queue_pop_head (&self->import_queue);
  if (file == NULL)
    return;

  name = g_file_get_basename (file);
  self->import_cancellable = g_cancellable_new ();
  set_importing (self, TRUE);
  /* TRANSLATORS: %s is a file name */
  text = g_strdup_printf (_("Reading %s…"), name);
  set_progress (self, text, 0.0);
  tcia_import_parse_file_async (file, TCIA_IMPORT_FORMAT_AUTO, TCIA_IMPORT_FLAGS_NONE,
                                self->import_cancellable, parse_done_cb, g_object_ref (self));
}

static void
cancel_import_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TciaBasketPage *self = TCIA_BASKET_PAGE (widget);

  /* Cancel stops the whole batch, not only the file at hand. */
  g_queue_clear_full (&self->import_queue, g_object_unref);
  g_cancellable_cancel (self->import_cancellable);
}

static void
import_chosen_cb (GtkNativeDialog *chooser,
                  int              response,
                  TciaBasketPage  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      tcia_basket_page_import_files (self, (GFile **) array->pdata, array->len);
    }

  if (self->chooser == chooser)
    g_clear_object (&self->chooser);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char * const *patterns,
            const char * const *mime_types)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; patterns != NULL && patterns[i] != NULL; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  for (guint i = 0; mime_types != NULL && mime_types[i] != NULL; i++)
    gtk_file_filter_add_mime_type (filter, mime_types[i]);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
import_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  tcia_basket_page_choose_import (TCIA_BASKET_PAGE (widget));
}

static void
cart_done_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(TciaBasketPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportResult) result = tcia_import_shared_cart_finish (res, &error);

  import_finished (self, result, error);
}

static void
import_cart (TciaBasketPage *self,
             const char     *name_or_url)
{
  g_autofree char *text = NULL;

  if (self->import_cancellable != NULL)
    {
      show_message (self, _("Could Not Import"),
                    _("Another import is running. Wait for it to end or cancel it."));
      return;
    }
  if (self->client == NULL)
    {
      show_message (self, _("Could Not Import"),
                    _("No server is set, so the shared cart cannot be looked up."));
      return;
    }

  self->import_cancellable = g_cancellable_new ();
  set_importing (self, TRUE);
  /* TRANSLATORS: %s is the name of a shared cart */
  text = g_strdup_printf (_("Looking up the shared cart %s…"), name_or_url);
  set_progress (self, text, 0.0);
  g_object_set_data_full (G_OBJECT (self), "tcia-import-name",
                          g_strdup_printf (_("the shared cart %s"), name_or_url), g_free);
  tcia_import_shared_cart_async (self->basket, self->client, name_or_url, IMPORT_CHUNK_SIZE,
                                 resolve_progress_cb, self, NULL, self->import_cancellable,
                                 cart_done_cb, g_object_ref (self));
}

static void
cart_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  TciaBasketPage   *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "tcia-entry");
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (g_strcmp0 (response, "import") == 0 && *text != '\0')
    import_cart (self, text);
}

static void
cart_entry_changed_cb (GtkEditable      *entry,
                       AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "import", *text != '\0');
}

static void
import_cart_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  tcia_basket_page_choose_shared_cart (TCIA_BASKET_PAGE (widget));
}

/* Export */

static void
export_done_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(TciaBasketPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_object_steal_data (G_OBJECT (self), "tcia-export-name");

  if (!tcia_basket_export_finish (TCIA_BASKET (source), res, &error))
    {
      show_message (self, _("Could Not Export"), error->message);
    }
  else
    {
      /* TRANSLATORS: %s is a file name */
      g_autofree char *title = g_strdup_printf (_("Basket exported to %s"), name);

      show_toast (self, adw_toast_new (title));
    }
}

static void
export_chosen_cb (GtkNativeDialog *chooser,
                  int              response,
                  TciaBasketPage  *self)
{
  TciaBasketExportFormat format = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (chooser),
                                                                        "tcia-format"));

  if (response == GTK_RESPONSE_ACCEPT && self->basket != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      g_object_set_data_full (G_OBJECT (self), "tcia-export-name", g_file_get_basename (file),
                              g_free);
      tcia_basket_export_async (self->basket, format, file, NULL, export_done_cb,
                                g_object_ref (self));
    }

  if (self->chooser == chooser)
    g_clear_object (&self->chooser);
}

static void
export_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  TciaBasketPage *self = TCIA_BASKET_PAGE (widget);
  gboolean csv = g_str_equal (action_name, "basket.export-csv");
  static const char * const manifest_patterns[] = { "*.tcia", NULL };
  static const char * const csv_patterns[] = { "*.csv", NULL };

  set_chooser (self, gtk_file_chooser_native_new (csv ? _("Export the Basket as CSV")
                                                      : _("Export the Basket as a Manifest"),
                                                  get_window (self),
                                                  GTK_FILE_CHOOSER_ACTION_SAVE,
                                                  _("_Export"), _("_Cancel")));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser),
                                     csv ? "basket.csv" : "basket.tcia");
  add_filter (GTK_FILE_CHOOSER (self->chooser),
              csv ? _("CSV files") : _("TCIA manifests"),
              csv ? csv_patterns : manifest_patterns, NULL);
  g_object_set_data (G_OBJECT (self->chooser), "tcia-format",
                     GUINT_TO_POINTER (csv ? TCIA_BASKET_EXPORT_CSV : TCIA_BASKET_EXPORT_MANIFEST));
  g_signal_connect (self->chooser, "response", G_CALLBACK (export_chosen_cb), self);
  gtk_native_dialog_show (self->chooser);
}

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
  g_clear_object (&self->basket);
  g_clear_object (&self->settings);
  g_clear_object (&self->sizing);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->last_removal, tcia_basket_removal_unref);
  g_clear_pointer (&self->folder_override, g_free);
  g_clear_pointer (&self->estimate_text, g_free);
  g_clear_pointer (&self->dialog_text, g_free);
  g_clear_pointer (&self->toast_text, g_free);
  g_clear_pointer (&self->free_space_text, g_free);

  G_OBJECT_CLASS (tcia_basket_page_parent_class)->finalize (object);
}

static void
tcia_basket_page_class_init (TciaBasketPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_basket_page_dispose;
  object_class->finalize = tcia_basket_page_finalize;

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

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/tcia-basket-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, save_bar);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, save_label);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, totals_label);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, series_view);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, size_value);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, estimate_value);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, estimate_row);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, folder_row);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, space_row);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, space_icon);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, licences_group);
  gtk_widget_class_bind_template_child (widget_class, TciaBasketPage, download_button);

  gtk_widget_class_install_action (widget_class, "basket.import", NULL, import_cb);
  gtk_widget_class_install_action (widget_class, "basket.import-cart", NULL, import_cart_cb);
  gtk_widget_class_install_action (widget_class, "basket.cancel-import", NULL, cancel_import_cb);
  gtk_widget_class_install_action (widget_class, "basket.export-manifest", NULL, export_cb);
  gtk_widget_class_install_action (widget_class, "basket.export-csv", NULL, export_cb);
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

  setup_columns (self);
  tcia_tooltip_when_cut (GTK_WIDGET (self->totals_label));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.remove-selected", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.clear", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.cancel-import", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.export-manifest", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "basket.export-csv", FALSE);
  update_checkout (self);
}

/* Public */

void
tcia_basket_page_setup (TciaBasketPage *self,
                        TciaClient     *client,
                        TciaBasket     *basket,
                        GSettings      *settings)
{
  GtkSortListModel *sorted;

  g_return_if_fail (TCIA_IS_BASKET_PAGE (self));
  g_return_if_fail (client == NULL || TCIA_IS_CLIENT (client));
  g_return_if_fail (TCIA_IS_BASKET (basket));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));
  g_return_if_fail (self->basket == NULL);

  g_set_object (&self->client, client);
  g_set_object (&self->basket, basket);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    tcia_column_sizing_bind (self->sizing, settings, "basket-column-widths");

  sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (basket)),
                                    g_object_ref (gtk_column_view_get_sorter (self->series_view)));
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (sorted));
  gtk_column_view_set_model (self->series_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (basket, "items-changed", G_CALLBACK (basket_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (basket, "notify::total-bytes", G_CALLBACK (basket_changed_cb), self,
                           G_CONNECT_SWAPPED);
  tcia_licence_list_set_model (self->licences_group, tcia_basket_get_licences (basket));
  g_signal_connect_object (basket, "save-failed", G_CALLBACK (save_failed_cb), self, 0);

  if (settings != NULL)
    g_signal_connect_object (settings, "changed::download-folder",
                             G_CALLBACK (folder_setting_changed_cb), self, G_CONNECT_SWAPPED);

  update_totals (self);
  update_folder (self);
  update_checkout (self);
}

void
tcia_basket_page_import_files (TciaBasketPage *self,
                               GFile         **files,
                               guint           n_files)
{
  g_return_if_fail (TCIA_IS_BASKET_PAGE (self));

  for (guint i = 0; i < n_files; i++)
    g_queue_push_tail (&self->import_queue, g_object_ref (files[i]));
  import_next (self);
}

void
tcia_basket_page_choose_import (TciaBasketPage *self)
{
  static const char * const all_patterns[] = { "*.tcia", "*.csv", "*.tsv", "*.txt", NULL };
  static const char * const all_types[] = { "application/x-nbia-manifest-file", "text/csv",
                                            "text/tab-separated-values", "text/plain", NULL };
  static const char * const manifest_patterns[] = { "*.tcia", NULL };
  static const char * const manifest_types[] = { "application/x-nbia-manifest-file", NULL };
  static const char * const table_patterns[] = { "*.csv", "*.tsv", NULL };
  static const char * const text_patterns[] = { "*.txt", NULL };
  static const char * const any_patterns[] = { "*", NULL };
  GtkFileChooser *chooser;

  g_return_if_fail (TCIA_IS_BASKET_PAGE (self));

  set_chooser (self, gtk_file_chooser_native_new (_("Import Series"), get_window (self),
                                                  GTK_FILE_CHOOSER_ACTION_OPEN,
                                                  _("_Import"), _("_Cancel")));
  chooser = GTK_FILE_CHOOSER (self->chooser);
  gtk_file_chooser_set_select_multiple (chooser, TRUE);
  add_filter (chooser, _("Manifests and lists of series"), all_patterns, all_types);
  add_filter (chooser, _("TCIA manifests (.tcia)"), manifest_patterns, manifest_types);
  add_filter (chooser, _("Spreadsheets (.csv, .tsv)"), table_patterns, NULL);
  add_filter (chooser, _("Lists of series UIDs (.txt)"), text_patterns, NULL);
  add_filter (chooser, _("All files"), any_patterns, NULL);
  g_signal_connect (self->chooser, "response", G_CALLBACK (import_chosen_cb), self);
  gtk_native_dialog_show (self->chooser);
}

void
tcia_basket_page_choose_shared_cart (TciaBasketPage *self)
{
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  g_return_if_fail (TCIA_IS_BASKET_PAGE (self));

  dialog = new_dialog (self, _("Import a Shared Cart"),
                       _("Enter the name of a cart shared from the TCIA portal "
                         "(nbia-…), or the link to it."));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), "nbia-49121659384603347");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Cart name or link"), -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  g_object_set_data (G_OBJECT (dialog), "tcia-entry", entry);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "import", _("_Import"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "import", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "import", FALSE);
  adw_message_dialog_set_default_response (dialog, "import");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (entry, "changed", G_CALLBACK (cart_entry_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (cart_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

void
tcia_basket_page_show_load_error (TciaBasketPage *self,
                                  const GError   *error)
{
  g_return_if_fail (TCIA_IS_BASKET_PAGE (self));
  g_return_if_fail (error != NULL);

  show_message (self, _("The Basket Could Not Be Read"), error->message);
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
