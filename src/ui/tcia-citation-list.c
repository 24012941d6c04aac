/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-citation-list"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-citation-list.h"
#include "tcia-citations.h"

struct _TciaCitationList
{
  AdwPreferencesGroup  parent_instance;

  /* owned widgets: added to the group */
  GtkLabel            *bibtex_label;
  GtkLabel            *text_label;

  /* owned */
  GListModel          *series;
  GSettings           *settings;
  guint                rebuild_id;
};

G_DEFINE_FINAL_TYPE (TciaCitationList, tcia_citation_list, ADW_TYPE_PREFERENCES_GROUP)

static void
copy_clicked_cb (GtkButton *button,
                 GtkLabel  *label)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)),
                          gtk_label_get_text (label));
  gtk_widget_activate_action (GTK_WIDGET (button), "toast.show", "s", _("Copied"));
}

/* An expander row titled @title holding @text selectable, in a monospace
 * font, with a Copy button named @copy_label. */
static GtkLabel *
add_expander (TciaCitationList *self,
              const char       *title,
              const char       *subtitle,
              const char       *copy_label)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, copy_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, copy_label, -1);
  g_signal_connect (button, "clicked", G_CALLBACK (copy_clicked_cb), label);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
  return GTK_LABEL (label);
}

static gboolean
idc_may_serve (TciaCitationList *self)
{
  g_autofree char *policy = NULL;

  if (self->settings == NULL)
    return FALSE;
  policy = g_settings_get_string (self->settings, "source-policy");
  return g_strcmp0 (policy, "nbia") != 0;
}

static gboolean
rebuild_cb (gpointer user_data)
{
  TciaCitationList *self = user_data;
  g_autoptr(TciaCitations) citations = tcia_citations_new ();
  g_autofree char *bibtex = NULL;
  g_autofree char *text = NULL;
  guint n = self->series != NULL ? g_list_model_get_n_items (self->series) : 0;

  self->rebuild_id = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (self->series, i);

      tcia_citations_add_series (citations, series);
    }
  if (idc_may_serve (self))
    tcia_citations_add_idc (citations);

  bibtex = tcia_citations_format_bibtex (citations);
  text = tcia_citations_format_text (citations);
  gtk_label_set_text (self->bibtex_label, bibtex);
  gtk_label_set_text (self->text_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);

  return G_SOURCE_REMOVE;
}

/* A basket filled by an import changes thousands of times in a row. */
static void
queue_rebuild (TciaCitationList *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add (rebuild_cb, self);
}

static void
tcia_citation_list_dispose (GObject *object)
{
  TciaCitationList *self = TCIA_CITATION_LIST (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  g_clear_object (&self->series);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tcia_citation_list_parent_class)->dispose (object);
}

static void
tcia_citation_list_class_init (TciaCitationListClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tcia_citation_list_dispose;
}

static void
tcia_citation_list_init (TciaCitationList *self)
{
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Citations"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         _("Cite The Cancer Imaging Archive and each data set "
                                           "you use. The download folder gets these as "
                                           "CITATION.bib and CITATION.txt."));
  self->bibtex_label = add_expander (self, _("BibTeX"), _("For LaTeX and reference managers"),
                                     _("Copy BibTeX"));
  self->text_label = add_expander (self, _("Plain Text"), _("For a paper’s references"),
                                   _("Copy Plain Text"));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
tcia_citation_list_new (void)
{
  return g_object_new (TCIA_TYPE_CITATION_LIST, NULL);
}

void
tcia_citation_list_setup (TciaCitationList *self,
                          GListModel       *series,
                          GSettings        *settings)
{
  g_return_if_fail (TCIA_IS_CITATION_LIST (self));
  g_return_if_fail (G_IS_LIST_MODEL (series));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  g_set_object (&self->series, series);
  g_set_object (&self->settings, settings);
  g_signal_connect_object (series, "items-changed", G_CALLBACK (queue_rebuild), self,
                           G_CONNECT_SWAPPED);
  if (settings != NULL)
    g_signal_connect_object (settings, "changed::source-policy", G_CALLBACK (queue_rebuild),
                             self, G_CONNECT_SWAPPED);
  rebuild_cb (self);
}

const char *
tcia_citation_list_get_bibtex (TciaCitationList *self)
{
  g_return_val_if_fail (TCIA_IS_CITATION_LIST (self), NULL);

  return gtk_label_get_text (self->bibtex_label);
}

const char *
tcia_citation_list_get_text (TciaCitationList *self)
{
  g_return_val_if_fail (TCIA_IS_CITATION_LIST (self), NULL);

  return gtk_label_get_text (self->text_label);
}
