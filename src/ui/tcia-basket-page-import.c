/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-basket-page"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tcia-import.h"

#include "tcia-basket-page-private.h"
#include "tcia-basket-page-s5cmd.h"

/* Importing lists of series into the basket and exporting it: the Basket
 * page's file chooser, progress, reports and shared-cart dialog. */

/* Lookups of an import go to the server this many UIDs at a time: progress
 * moves often enough to be seen and a cancel is quick. */
#define IMPORT_CHUNK_SIZE 1000
/* The unknown UIDs listed in a dialog; the rest is copied with Copy. */
#define MAX_UNKNOWN_SHOWN 2000

static void import_next (TciaBasketPage *self);

/* Where series are looked up: the import catalogue the window gave (the
 * local catalogue before the server), else the server itself. */
static gpointer
lookup_catalogue (TciaBasketPage *self)
{
  return self->catalogue != NULL ? (gpointer) self->catalogue : (gpointer) self->client;
}

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

/* A dialog listing @uids (@n of them), with a button to copy them all. */
static void
show_uids (TciaBasketPage     *self,
           const char         *heading,
           const char         *body,
           const char * const *uids,
           guint               n,
           const char         *list_name)
{
  g_autofree char *all = g_strjoinv ("\n", (char **) uids);
  g_autoptr(GString) shown = g_string_new (NULL);
  AdwMessageDialog *dialog;
  GtkWidget *scrolled, *view;
  GtkTextBuffer *buffer;
  char *full;

  for (guint i = 0; i < n && i < MAX_UNKNOWN_SHOWN; i++)
    g_string_append_printf (shown, "%s%s", i > 0 ? "\n" : "", uids[i]);
  if (n > MAX_UNKNOWN_SHOWN)
    g_string_append_printf (shown, "\n%s", _("… (Copy takes them all)"));

  dialog = _tcia_basket_page_new_dialog (self, heading, body);
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
                                  list_name, -1);
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
show_unknown (TciaBasketPage   *self,
              const char       *source,
              TciaImportResult *result)
{
  guint n = tcia_import_result_get_n_unknown (result);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

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
  show_uids (self, heading, body, tcia_import_result_get_unknown_uids (result), n,
             _("Series UIDs not found"));
}

/* Series nobody could look up are not "not found": the import is
 * incomplete, and doing it again once the server answers finishes it
 * (what was added is skipped then). Series the server said it does not
 * know will be listed by that import, so here they are only counted. */
static void
show_not_looked_up (TciaBasketPage   *self,
                    const char       *source,
                    TciaImportResult *result)
{
  guint n = tcia_import_result_get_n_not_looked_up (result);
  guint n_unknown = tcia_import_result_get_n_unknown (result);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *why = NULL;
  const char *error = tcia_import_result_get_lookup_error (result);
  g_autofree char *reason = g_strdup (error != NULL ? error : "");
  gsize len = strlen (reason);

  /* The sentence ends here, not in the server's words. */
  while (len > 0 && reason[len - 1] == '.')
    reason[--len] = '\0';
  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Series Not Looked Up",
                                          "%u Series Not Looked Up", n), n);
  /* TRANSLATORS: the first %s is a file name, the second why, such as
   * "Not in the local catalogue, and the server could not be asked: …" */
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "This series UID from %s could not be looked up. %s. "
                                       "It was not added, so the import is incomplete: import "
                                       "again when the server can be reached.",
                                       "These series UIDs from %s could not be looked up. %s. "
                                       "They were not added, so the import is incomplete: "
                                       "import again when the server can be reached.", n),
                          source, reason);
  if (n_unknown > 0)
    {
      /* TRANSLATORS: follows the sentences above */
      why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%s Besides, the server does not know %u other "
                                          "series UID; it was not added either.",
                                          "%s Besides, the server does not know %u other "
                                          "series UIDs; they were not added either.", n_unknown),
                             body, n_unknown);
      g_free (body);
      body = g_steal_pointer (&why);
    }
  show_uids (self, heading, body, tcia_import_result_get_not_looked_up_uids (result), n,
             _("Series UIDs not looked up"));
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
  _tcia_basket_page_show_toast (self, adw_toast_new (title));

  if (tcia_import_result_get_n_not_looked_up (result) > 0)
    show_not_looked_up (self, source, result);
  else if (tcia_import_result_get_n_unknown (result) > 0)
    show_unknown (self, source, result);
}

static void
report_error (TciaBasketPage *self,
              const GError   *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      _tcia_basket_page_show_toast (self, adw_toast_new (_("Import cancelled; the basket is as it was")));
      return;
    }

  _tcia_basket_page_show_message (self, _("Could Not Import"), error->message);
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
  g_autoptr(TciaImportResult) result = NULL;

  if (_tcia_basket_page_s5cmd_is_import (res))
    result = _tcia_basket_page_s5cmd_import_finish (self, res, &error);
  else
    result = tcia_import_resolve_finish (res, &error);
  import_finished (self, result, error);
}

static void
resolve (TciaBasketPage     *self,
         const char * const *uids)
{
  if (lookup_catalogue (self) == NULL)
    {
      _tcia_basket_page_show_message (self, _("Could Not Import"),
                    _("No server is set, so the series cannot be looked up."));
      set_importing (self, FALSE);
      import_next (self);
      return;
    }

  tcia_import_resolve_async (self->basket, lookup_catalogue (self), uids, IMPORT_CHUNK_SIZE,
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
  /* An s5cmd manifest names IDC folders, which IDC's API turns into series. */
  if (tcia_import_file_get_format (file) == TCIA_IMPORT_FORMAT_S5CMD && self->client != NULL)
    _tcia_basket_page_s5cmd_import (self, file, IMPORT_CHUNK_SIZE, resolve_progress_cb,
                                    resolve_done_cb);
  else
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
      _tcia_basket_page_show_message (self, _("Could Not Import"),
                    _("Another import is running. Wait for it to end or cancel it."));
      return;
    }
  if (lookup_catalogue (self) == NULL)
    {
      _tcia_basket_page_show_message (self, _("Could Not Import"),
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
  tcia_import_shared_cart_async (self->basket, lookup_catalogue (self), name_or_url,
                                 IMPORT_CHUNK_SIZE,
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
      _tcia_basket_page_show_message (self, _("Could Not Export"), error->message);
    }
  else
    {
      /* TRANSLATORS: %s is a file name */
      g_autofree char *title = g_strdup_printf (_("Basket exported to %s"), name);

      _tcia_basket_page_show_toast (self, adw_toast_new (title));
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

  _tcia_basket_page_set_chooser (self, gtk_file_chooser_native_new (csv ? _("Export the Basket as CSV")
                                                      : _("Export the Basket as a Manifest"),
                                                  _tcia_basket_page_get_window (self),
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

void
_tcia_basket_page_class_init_import (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "basket.import", NULL, import_cb);
  gtk_widget_class_install_action (widget_class, "basket.import-cart", NULL, import_cart_cb);
  gtk_widget_class_install_action (widget_class, "basket.cancel-import", NULL, cancel_import_cb);
  gtk_widget_class_install_action (widget_class, "basket.export-manifest", NULL, export_cb);
  gtk_widget_class_install_action (widget_class, "basket.export-csv", NULL, export_cb);
  gtk_widget_class_install_action (widget_class, "basket.export-s5cmd", NULL,
                                   _tcia_basket_page_s5cmd_export_cb);
}

void
tcia_basket_page_set_import_catalogue (TciaBasketPage *self,
                                       TciaCatalogue  *catalogue)
{
  g_return_if_fail (TCIA_IS_BASKET_PAGE (self));
  g_return_if_fail (catalogue == NULL || TCIA_IS_CATALOGUE (catalogue));

  g_set_object (&self->catalogue, catalogue);
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
  static const char * const all_patterns[] = { "*.tcia", "*.s5cmd", "*.csv", "*.tsv", "*.txt",
                                               NULL };
  static const char * const all_types[] = { "application/x-nbia-manifest-file", "text/csv",
                                            "text/tab-separated-values", "text/plain", NULL };
  static const char * const manifest_patterns[] = { "*.tcia", NULL };
  static const char * const manifest_types[] = { "application/x-nbia-manifest-file", NULL };
  static const char * const table_patterns[] = { "*.csv", "*.tsv", NULL };
  static const char * const text_patterns[] = { "*.txt", NULL };
  static const char * const any_patterns[] = { "*", NULL };
  GtkFileChooser *chooser;

  g_return_if_fail (TCIA_IS_BASKET_PAGE (self));

  _tcia_basket_page_set_chooser (self, gtk_file_chooser_native_new (_("Import Series"), _tcia_basket_page_get_window (self),
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

  dialog = _tcia_basket_page_new_dialog (self, _("Import a Shared Cart"),
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
