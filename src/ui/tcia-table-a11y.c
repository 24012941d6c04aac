/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-table-a11y"

#include "config.h"

#include "tcia-table-a11y.h"

/* GTK 4.8's lists move the focus row by row on Tab, so that a keyboard user
 * must walk every row to reach the control after a table. Leaving them on
 * Tab is what GtkTreeView did. */
static gboolean
tab_key_pressed_cb (GtkEventControllerKey *controller,
                    guint                  keyval,
                    guint                  keycode,
                    GdkModifierType        state,
                    GtkWidget             *list)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (list));
  GtkDirectionType direction;

  if (keyval == GDK_KEY_ISO_Left_Tab ||
      ((keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab) && (state & GDK_SHIFT_MASK)))
    direction = GTK_DIR_TAB_BACKWARD;
  else if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab)
    direction = GTK_DIR_TAB_FORWARD;
  else
    return FALSE;

  if (root == NULL || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;

  /* A list that cannot take the focus declines the move, and its parent
   * goes on with the control next to it. */
  gtk_widget_set_can_focus (list, FALSE);
  gtk_widget_child_focus (root, direction);
  gtk_widget_set_can_focus (list, TRUE);

  return TRUE;
}

void
tcia_list_make_one_tab_stop (GtkWidget *list)
{
  GtkEventController *controller;

  g_return_if_fail (GTK_IS_WIDGET (list));

  controller = gtk_event_controller_key_new ();
  /* Before the rows see the key. */
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (tab_key_pressed_cb), list);
  gtk_widget_add_controller (list, controller);
}

static GtkWidget *
find_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *label = find_label (child);

      if (label != NULL)
        return label;
    }

  return NULL;
}

static void
name_titles (GtkWidget  *widget,
             const char *untitled_name)
{
  /* GtkColumnViewTitle is private to GTK: known by its name only. */
  if (g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkColumnViewTitle"))
    {
      GtkWidget *label = find_label (widget);
      const char *title = label != NULL ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
      const char *name = title != NULL && title[0] != '\0' ? title : untitled_name;

      gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      name, -1);
      if (label != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        name, -1);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    name_titles (child, untitled_name);
}

void
tcia_column_view_name_headers (GtkColumnView *view,
                               const char    *untitled_name)
{
  GtkWidget *header;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));
  g_return_if_fail (untitled_name != NULL);

  /* The header row comes first; the rows' cells are no titles. */
  header = gtk_widget_get_first_child (GTK_WIDGET (view));
  if (header != NULL)
    name_titles (header, untitled_name);
}
