/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-ui"

#include "config.h"

#include <string.h>

#include "tcia-series.h"

#include "tcia-ui-util.h"

/* "_Download" → "Download"; "__" stands for one underscore. */
static char *
strip_mnemonic (const char *label)
{
  GString *text = g_string_sized_new (strlen (label));

  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '_')
        {
          if (p[1] != '_')
            continue;
          p++;
        }
      g_string_append_c (text, *p);
    }

  return g_string_free (text, FALSE);
}

static void
name_button (GtkButton *button)
{
  const char *label = gtk_button_get_label (button);
  g_autofree char *name = NULL;

  if (label == NULL || !gtk_button_get_use_underline (button))
    return;

  /* GTK 4.8 names a button both by its label child ("_Download", the
   * mnemonic left in) and by the label's text: screen readers said
   * "_Download Download". One plain name replaces both. */
  name = strip_mnemonic (label);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

/* Every button under @root whose label has a mnemonic gets its label,
 * without the underscore, as its one accessible name, now and whenever
 * the label changes. */
void
tcia_widget_name_mnemonic_buttons (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_BUTTON (root) && gtk_button_get_use_underline (GTK_BUTTON (root)))
    {
      name_button (GTK_BUTTON (root));
      g_signal_connect (root, "notify::label", G_CALLBACK (name_button), NULL);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    tcia_widget_name_mnemonic_buttons (child);
}

GtkWidget *
tcia_title_and_count_new (int spacing)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, spacing);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *count = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), count);

  return box;
}

char *
tcia_series_uids_text (GPtrArray *series)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (series != NULL, NULL);

  for (guint i = 0; i < series->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, tcia_series_get_series_uid (g_ptr_array_index (series, i)));
    }

  return g_string_free (text, FALSE);
}

static gboolean
lazy_tooltip_cb (GtkWidget  *widget,
                 int         x,
                 int         y,
                 gboolean    keyboard,
                 GtkTooltip *tooltip,
                 gpointer    user_data)
{
  const char *text = g_object_get_data (G_OBJECT (widget), "tcia-lazy-tooltip");

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

void
tcia_widget_set_tooltip_lazily (GtkWidget  *widget,
                                const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_object_get_data (G_OBJECT (widget), "tcia-lazy-tooltip-handler") == NULL)
    {
      g_signal_connect (widget, "query-tooltip", G_CALLBACK (lazy_tooltip_cb), NULL);
      g_object_set_data (G_OBJECT (widget), "tcia-lazy-tooltip-handler", GINT_TO_POINTER (1));
    }
  g_object_set_data_full (G_OBJECT (widget), "tcia-lazy-tooltip", g_strdup (text), g_free);
  gtk_widget_set_has_tooltip (widget, text != NULL);
  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

TciaTicket *
tcia_ticket_new (gpointer      owner,
                 GCancellable *cancellable,
                 guint         kind)
{
  TciaTicket *ticket = g_new0 (TciaTicket, 1);

  g_return_val_if_fail (G_IS_OBJECT (owner), ticket);
  g_return_val_if_fail (G_IS_CANCELLABLE (cancellable), ticket);

  ticket->owner = g_object_ref (owner);
  ticket->cancellable = g_object_ref (cancellable);
  ticket->kind = kind;

  return ticket;
}

void
tcia_ticket_free (TciaTicket *ticket)
{
  g_clear_object (&ticket->owner);
  g_clear_object (&ticket->cancellable);
  g_free (ticket);
}

gboolean
tcia_ticket_is_stale (TciaTicket   *ticket,
                      GCancellable *current,
                      const GError *error)
{
  return ticket->cancellable != current ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

GCancellable *
tcia_cancellable_restart (GCancellable **cancellable)
{
  g_return_val_if_fail (cancellable != NULL, NULL);

  if (*cancellable != NULL)
    g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
  *cancellable = g_cancellable_new ();

  return *cancellable;
}

char *
tcia_format_count (guint n)
{
  return g_strdup_printf ("%'u", n);
}

static gboolean
nick_get_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    if (g_str_equal (nick, nicks[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
nick_set_mapping (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **) nicks))
    return NULL;
  return g_variant_new_string (nicks[selected]);
}

void
tcia_settings_bind_combo_row (GSettings          *settings,
                              const char         *key,
                              AdwComboRow        *combo,
                              const char * const *nicks)
{
  g_settings_bind_with_mapping (settings, key, combo, "selected", G_SETTINGS_BIND_DEFAULT,
                                nick_get_mapping, nick_set_mapping, (gpointer) nicks, NULL);
}
