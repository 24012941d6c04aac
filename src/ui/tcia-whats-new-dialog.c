/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-whats-new"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-folder-chooser.h"
#include "tcia-local-catalogue.h"
#include "tcia-series.h"
#include "tcia-series-view.h"
#include "tcia-ui-util.h"

#include "tcia-whats-new-dialog.h"

struct _TciaWhatsNewDialog
{
  AdwWindow         parent_instance;

  /* template widgets */
  AdwWindowTitle   *window_title;
  AdwToastOverlay  *toast_overlay;
  GtkStack         *stack;
  AdwStatusPage    *error_page;
  AdwStatusPage    *empty_page;
  GtkWidget        *added_group;
  GtkLabel         *added_label;
  GtkButton        *added_button;
  TciaSeriesView   *added_view;
  GtkWidget        *separator;
  GtkWidget        *changed_group;
  GtkLabel         *changed_label;
  GtkButton        *changed_button;
  TciaSeriesView   *changed_view;
  GtkLabel         *summary_label;
  GtkButton        *add_button;

  /* owned */
  TciaSession      *session;
  char             *folder;
  GListStore       *added;     /* released in the folder's collections since */
  GListStore       *changed;   /* in the folder, changed since */
  GCancellable     *cancellable;
};

G_DEFINE_FINAL_TYPE (TciaWhatsNewDialog, tcia_whats_new_dialog, ADW_TYPE_WINDOW)

static void
show_error (TciaWhatsNewDialog *self,
            const char         *text)
{
  adw_status_page_set_description (self->error_page, text);
  gtk_label_set_text (self->summary_label, text);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static guint64
total_bytes (GListModel *series)
{
  guint n = g_list_model_get_n_items (series);
  guint64 bytes = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaSeries) s = g_list_model_get_item (series, i);

      bytes += tcia_series_get_file_size (s);
    }
  return bytes;
}

/* A group's line under its title, and whether it shows at all. */
static void
show_group (GtkWidget  *group,
            GtkLabel   *label,
            GListStore *series,
            const char *text)
{
  gtk_label_set_text (label, text);
  gtk_widget_set_visible (group, g_list_model_get_n_items (G_LIST_MODEL (series)) > 0);
}

/* Rows a short group shows without scrolling; about a row's height. */
#define SHORT_GROUP_ROWS 8
#define ROW_HEIGHT_PX    26

/* The longer group takes the height; the shorter, when short, only what
 * its rows need (two changed series under a hundred new ones must not get
 * half the dialog). */
static void
share_height (TciaWhatsNewDialog *self)
{
  guint n_added = g_list_model_get_n_items (G_LIST_MODEL (self->added));
  guint n_changed = g_list_model_get_n_items (G_LIST_MODEL (self->changed));
  gboolean added_longer = n_added >= n_changed;
  guint shorter = added_longer ? n_changed : n_added;
  TciaSeriesView *short_view = added_longer ? self->changed_view : self->added_view;
  GtkWidget *short_group = added_longer ? self->changed_group : self->added_group;

  gtk_widget_set_vexpand (self->added_group, TRUE);
  gtk_widget_set_vexpand (self->changed_group, TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->added_view), -1, -1);
  gtk_widget_set_size_request (GTK_WIDGET (self->changed_view), -1, -1);
  if (shorter == 0 || shorter > SHORT_GROUP_ROWS)
    return;
  /* The rows and the column titles. */
  gtk_widget_set_vexpand (short_group, FALSE);
  gtk_widget_set_size_request (GTK_WIDGET (short_view), -1, (int) (shorter + 1) * ROW_HEIGHT_PX);
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TciaTicket) ticket = user_data;
  TciaWhatsNewDialog *self = ticket->owner;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *added = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;
  guint n_added = 0;
  guint n;

  rows = tcia_local_catalogue_list_new_finish (TCIA_LOCAL_CATALOGUE (object), result, &n_added,
                                               &error);
  if (tcia_ticket_is_stale (ticket, self->cancellable, error))
    return;
  if (rows == NULL)
    {
      show_error (self, error->message);
      return;
    }

  n = g_list_model_get_n_items (rows);
  if (n == 0)
    {
      text = g_strdup (_("No series were added to the collections of this folder, and none in "
                         "it changed, since it was downloaded into."));
      adw_status_page_set_description (self->empty_page, text);
      gtk_label_set_text (self->summary_label, text);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (rows, i));
  g_list_store_splice (self->added, 0, 0, items->pdata, n_added);
  g_list_store_splice (self->changed, 0, 0, items->pdata + n_added, n - n_added);

  {
    g_autofree char *count = tcia_format_count (n_added);
    g_autofree char *bytes = g_format_size (total_bytes (G_LIST_MODEL (self->added)));
    /* Translators: under "New in These Collections"; "12 series … · 3.4 GB" */
    g_autofree char *line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "%s series released in these "
                                                          "collections after they were first "
                                                          "downloaded into this folder · %s",
                                                          "%s series released in these "
                                                          "collections after they were first "
                                                          "downloaded into this folder · %s",
                                                          n_added),
                                             count, bytes);

    show_group (self->added_group, self->added_label, self->added, line);
  }
  {
    g_autofree char *count = tcia_format_count (n - n_added);
    g_autofree char *bytes = g_format_size (total_bytes (G_LIST_MODEL (self->changed)));
    /* Translators: under "Changed Since the Download"; "3 series … · 1.2 GB" */
    g_autofree char *line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "%s series of this folder released "
                                                          "again, or now with another image "
                                                          "count or size · %s",
                                                          "%s series of this folder released "
                                                          "again, or now with another image "
                                                          "count or size · %s",
                                                          n - n_added),
                                             count, bytes);

    show_group (self->changed_group, self->changed_label, self->changed, line);
  }
  gtk_widget_set_visible (self->separator, n_added > 0 && n > n_added);
  share_height (self);

  added = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new series", "%u new series",
                                        n_added), n_added);
  changed = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u changed series",
                                          "%u changed series", n - n_added), n - n_added);
  size = g_format_size (total_bytes (G_LIST_MODEL (self->added)) +
                        total_bytes (G_LIST_MODEL (self->changed)));
  /* Translators: "12 new series · 3 changed series · 3.4 GB" */
  text = g_strdup_printf (_("%s · %s · %s"), added, changed, size);
  gtk_label_set_text (self->summary_label, text);
  gtk_stack_set_visible_child_name (self->stack, "list");
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button),
                            tcia_session_get_basket (self->session) != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->added_button),
                            tcia_session_get_basket (self->session) != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->changed_button),
                            tcia_session_get_basket (self->session) != NULL);
}

static void
start (TciaWhatsNewDialog *self)
{
  TciaLocalCatalogue *catalogue = tcia_session_get_catalogue (self->session);
  g_autofree char *name = g_filename_display_name (self->folder);

  adw_window_title_set_subtitle (self->window_title, name);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  if (catalogue == NULL || tcia_local_catalogue_get_is_empty (catalogue))
    {
      show_error (self, _("The local catalogue is still empty: what is new shows once it has "
                          "been filled from the server."));
      return;
    }

  tcia_local_catalogue_list_new_async (catalogue, self->folder, NULL, self->cancellable,
                                       listed_cb, tcia_ticket_new (self, self->cancellable, 0));
}

static guint
add_to_basket (TciaWhatsNewDialog *self,
               GListModel         *first,
               GListModel         *second)
{
  g_autoptr(GPtrArray) series = g_ptr_array_new_with_free_func (g_object_unref);
  TciaBasket *basket = tcia_session_get_basket (self->session);
  GListModel *models[] = { first, second };

  if (basket == NULL)
    return 0;
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    for (guint i = 0; models[m] != NULL && i < g_list_model_get_n_items (models[m]); i++)
      g_ptr_array_add (series, g_list_model_get_item (models[m], i));
  if (series->len == 0)
    return 0;

  return tcia_basket_add_many (basket, (TciaSeries * const *) series->pdata, series->len);
}

static void
toast_added (TciaWhatsNewDialog *self,
             guint               added)
{
  g_autofree char *title = NULL;

  if (added == 0)
    title = g_strdup (_("These series are in the basket already"));
  else
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u series added to the basket",
                                          "%u series added to the basket", added), added);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static void
add_clicked_cb (TciaWhatsNewDialog *self)
{
  toast_added (self, tcia_whats_new_dialog_add_all (self));
}

static void
added_clicked_cb (TciaWhatsNewDialog *self)
{
  toast_added (self, add_to_basket (self, G_LIST_MODEL (self->added), NULL));
}

static void
changed_clicked_cb (TciaWhatsNewDialog *self)
{
  toast_added (self, add_to_basket (self, G_LIST_MODEL (self->changed), NULL));
}

static void
tcia_whats_new_dialog_dispose (GObject *object)
{
  TciaWhatsNewDialog *self = TCIA_WHATS_NEW_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->added);
  g_clear_object (&self->changed);

  G_OBJECT_CLASS (tcia_whats_new_dialog_parent_class)->dispose (object);
}

static void
tcia_whats_new_dialog_finalize (GObject *object)
{
  TciaWhatsNewDialog *self = TCIA_WHATS_NEW_DIALOG (object);

  g_free (self->folder);

  G_OBJECT_CLASS (tcia_whats_new_dialog_parent_class)->finalize (object);
}

static void
tcia_whats_new_dialog_class_init (TciaWhatsNewDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_whats_new_dialog_dispose;
  object_class->finalize = tcia_whats_new_dialog_finalize;

  g_type_ensure (TCIA_TYPE_SERIES_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/tcia-whats-new-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, added_group);
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, added_label);
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, added_button);
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, added_view);
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, separator);
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, changed_group);
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, changed_label);
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, changed_button);
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, changed_view);
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, TciaWhatsNewDialog, add_button);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, added_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, changed_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tcia_whats_new_dialog_init (TciaWhatsNewDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->added = g_list_store_new (TCIA_TYPE_SERIES);
  self->changed = g_list_store_new (TCIA_TYPE_SERIES);
  self->cancellable = g_cancellable_new ();
  tcia_series_view_set_model (self->added_view, G_LIST_MODEL (self->added));
  tcia_series_view_set_model (self->changed_view, G_LIST_MODEL (self->changed));
  /* Two tables of series: each named after its group. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (tcia_series_view_get_column_view (self->added_view)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("New series"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (tcia_series_view_get_column_view (self->changed_view)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Changed series"), -1);
}

TciaWhatsNewDialog *
tcia_whats_new_dialog_new (GtkWindow   *parent,
                           TciaSession *session,
                           const char  *folder)
{
  TciaWhatsNewDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TCIA_IS_SESSION (session), NULL);
  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (TCIA_TYPE_WHATS_NEW_DIALOG,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->session = g_object_ref (session);
  self->folder = g_strdup (folder);
  tcia_series_view_set_basket (self->added_view, tcia_session_get_basket (session));
  tcia_series_view_set_basket (self->changed_view, tcia_session_get_basket (session));
  start (self);

  return self;
}

static void
folder_chosen_cb (GtkNativeDialog *dialog,
                  const char      *path,
                  gpointer         owner)
{
  TciaSession *session = g_object_get_data (G_OBJECT (owner), "tcia-whats-new-session");

  if (path != NULL && session != NULL)
    gtk_window_present (GTK_WINDOW (tcia_whats_new_dialog_new (GTK_WINDOW (owner), session,
                                                               path)));
  g_object_set_data (G_OBJECT (owner), "tcia-whats-new-chooser", NULL);
}

void
tcia_whats_new_dialog_choose (GtkWindow   *parent,
                              TciaSession *session)
{
  GtkNativeDialog *chooser;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (TCIA_IS_SESSION (session));

  /* The chooser calls back while @parent lives, which holds what it needs. */
  g_object_set_data_full (G_OBJECT (parent), "tcia-whats-new-session", g_object_ref (session),
                          g_object_unref);
  chooser = tcia_folder_chooser_show (parent, tcia_session_get_destination (session),
                                      folder_chosen_cb, parent);
  g_object_set_data_full (G_OBJECT (parent), "tcia-whats-new-chooser", chooser, g_object_unref);
}

const char *
tcia_whats_new_dialog_get_state (TciaWhatsNewDialog *self)
{
  g_return_val_if_fail (TCIA_IS_WHATS_NEW_DIALOG (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

GListModel *
tcia_whats_new_dialog_get_added (TciaWhatsNewDialog *self)
{
  g_return_val_if_fail (TCIA_IS_WHATS_NEW_DIALOG (self), NULL);

  return G_LIST_MODEL (self->added);
}

GListModel *
tcia_whats_new_dialog_get_changed (TciaWhatsNewDialog *self)
{
  g_return_val_if_fail (TCIA_IS_WHATS_NEW_DIALOG (self), NULL);

  return G_LIST_MODEL (self->changed);
}

const char *
tcia_whats_new_dialog_get_group_text (TciaWhatsNewDialog *self,
                                      gboolean            changed)
{
  g_return_val_if_fail (TCIA_IS_WHATS_NEW_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (changed ? self->changed_group : self->added_group))
    return NULL;
  return gtk_label_get_text (changed ? self->changed_label : self->added_label);
}

const char *
tcia_whats_new_dialog_get_summary (TciaWhatsNewDialog *self)
{
  g_return_val_if_fail (TCIA_IS_WHATS_NEW_DIALOG (self), NULL);

  return gtk_label_get_text (self->summary_label);
}

guint
tcia_whats_new_dialog_add_all (TciaWhatsNewDialog *self)
{
  g_return_val_if_fail (TCIA_IS_WHATS_NEW_DIALOG (self), 0);

  return add_to_basket (self, G_LIST_MODEL (self->added), G_LIST_MODEL (self->changed));
}
