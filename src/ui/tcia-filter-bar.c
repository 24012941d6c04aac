/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-filter-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-column-sizing.h"
#include "tcia-ui-util.h"
#include "tcia-value.h"

#include "tcia-filter-bar.h"

#define N_KINDS 3
/* The width a choice in the list wraps at: room for most values on one
 * line, and with its count still within a 360 px screen. */
#define CHOICE_WIDTH_CHARS 20

struct _TciaFilterBar
{
  AdwBin        parent_instance;

  /* template widgets */
  GtkDropDown  *modality_dropdown;
  GtkDropDown  *body_part_dropdown;
  GtkDropDown  *manufacturer_dropdown;
  GtkSpinner   *filters_spinner;

  /* owned */
  TciaCatalogue *catalogue;
  GSettings    *settings;
  char         *collection;
  gboolean      whole_archive;                /* no collection: the facets of all */
  GListStore   *values[N_KINDS];              /* "All" then TciaValue, shown by the dropdowns */
  char         *wanted[N_KINDS];              /* the filter values in effect; NULL for all */
  GCancellable *values_cancellable[N_KINDS];
  gboolean      syncing_filters;
};

G_DEFINE_FINAL_TYPE (TciaFilterBar, tcia_filter_bar, ADW_TYPE_BIN)

enum {
  SIGNAL_CHANGED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *setting_keys[N_KINDS] = {
  "last-modality", "last-body-part", "last-manufacturer",
};

static void reload_values (TciaFilterBar *self,
                           guint          kind);

static TciaQuery *
build_query (TciaFilterBar *self,
             int            except_kind)
{
  TciaQuery *query = tcia_query_new ();

  tcia_query_set (query, &query->collection, self->collection);
  if (except_kind != TCIA_VALUE_MODALITY)
    tcia_query_set (query, &query->modality, self->wanted[TCIA_VALUE_MODALITY]);
  if (except_kind != TCIA_VALUE_BODY_PART)
    tcia_query_set (query, &query->body_part, self->wanted[TCIA_VALUE_BODY_PART]);
  if (except_kind != TCIA_VALUE_MANUFACTURER)
    tcia_query_set (query, &query->manufacturer, self->wanted[TCIA_VALUE_MANUFACTURER]);

  return query;
}

static GtkDropDown *
dropdown_for_kind (TciaFilterBar *self,
                   guint           kind)
{
  GtkDropDown *dropdowns[N_KINDS] = {
    self->modality_dropdown, self->body_part_dropdown, self->manufacturer_dropdown,
  };

  return dropdowns[kind];
}

static const char *
all_label (guint kind)
{
  switch (kind)
    {
    case TCIA_VALUE_MODALITY:
      return _("All Modalities");
    case TCIA_VALUE_BODY_PART:
      return _("All Body Parts");
    default:
      return _("All Manufacturers");
    }
}

static void
update_filters_spinner (TciaFilterBar *self)
{
  gboolean busy = FALSE;

  for (guint k = 0; k < N_KINDS; k++)
    busy |= self->values_cancellable[k] != NULL;
  gtk_spinner_set_spinning (self->filters_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->filters_spinner), busy);
}

/* Shows @kind's choices, with the value in effect selected. */
static void
sync_dropdown (TciaFilterBar *self,
               guint           kind)
{
  GListModel *model = G_LIST_MODEL (self->values[kind]);
  guint n = g_list_model_get_n_items (model);
  guint selected = 0;

  for (guint i = 1; i < n && self->wanted[kind] != NULL; i++)
    {
      g_autoptr(TciaValue) value = g_list_model_get_item (model, i);

      if (g_strcmp0 (tcia_value_get_value (value), self->wanted[kind]) == 0)
        {
          selected = i;
          break;
        }
    }

  self->syncing_filters = TRUE;
  gtk_drop_down_set_selected (dropdown_for_kind (self, kind), selected);
  self->syncing_filters = FALSE;
}

static void
set_wanted (TciaFilterBar *self,
            guint           kind,
            const char     *value)
{
  g_free (self->wanted[kind]);
  self->wanted[kind] = value != NULL && *value != '\0' ? g_strdup (value) : NULL;
  if (self->settings != NULL)
    g_settings_set_string (self->settings, setting_keys[kind],
                           self->wanted[kind] != NULL ? self->wanted[kind] : "");
}

/* The filters narrow each other: a change of one reloads the choices of
 * the others that depend on it, and the series. */
static void
filter_changed (TciaFilterBar *self,
                guint           kind)
{
  if (kind != TCIA_VALUE_MODALITY)
    reload_values (self, TCIA_VALUE_MODALITY);
  if (kind != TCIA_VALUE_BODY_PART)
    reload_values (self, TCIA_VALUE_BODY_PART);
  if (kind != TCIA_VALUE_MANUFACTURER)
    reload_values (self, TCIA_VALUE_MANUFACTURER);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
values_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TciaTicket) query = user_data;
  TciaFilterBar *self = query->owner;
  guint kind = query->kind;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;
  gboolean found = self->wanted[kind] == NULL;

  model = tcia_catalogue_list_values_finish (TCIA_CATALOGUE (object), result, &error);
  if (tcia_ticket_is_stale (query, self->values_cancellable[kind], error))
    return;

  g_clear_object (&self->values_cancellable[kind]);
  update_filters_spinner (self);

  if (error != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_FAILED], 0, error);
      return;
    }

  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      TciaValue *value = g_list_model_get_item (model, i);

      if (tcia_value_get_value (value) == NULL || *tcia_value_get_value (value) == '\0')
        {
          g_object_unref (value);
          continue;
        }
      found |= g_strcmp0 (tcia_value_get_value (value), self->wanted[kind]) == 0;
      g_ptr_array_add (items, value);
    }

  self->syncing_filters = TRUE;
  g_list_store_splice (self->values[kind], 1,
                       g_list_model_get_n_items (G_LIST_MODEL (self->values[kind])) - 1,
                       items->pdata, items->len);
  self->syncing_filters = FALSE;

  /* The value in effect is no longer a choice (the other filters changed
   * under it): back to all rather than an empty list nobody asked for. */
  if (!found)
    {
      set_wanted (self, kind, NULL);
      sync_dropdown (self, kind);
      filter_changed (self, kind);
      return;
    }

  sync_dropdown (self, kind);
}

static void
reload_values (TciaFilterBar *self,
               guint           kind)
{
  g_autoptr(TciaQuery) query = NULL;
  GCancellable *cancellable;

  if (self->catalogue == NULL || (self->collection == NULL && !self->whole_archive))
    return;

  cancellable = tcia_cancellable_restart (&self->values_cancellable[kind]);
  query = build_query (self, kind);
  update_filters_spinner (self);
  tcia_catalogue_list_values_async (self->catalogue, kind, query, NULL, cancellable,
                                    values_listed_cb, tcia_ticket_new (self, cancellable, kind));
}

static void
dropdown_selected_cb (GtkDropDown    *dropdown,
                      GParamSpec     *pspec,
                      TciaFilterBar *self)
{
  guint kind;
  g_autoptr(GObject) item = NULL;
  const char *value = NULL;

  if (self->syncing_filters)
    return;

  for (kind = 0; kind < N_KINDS; kind++)
    if (dropdown_for_kind (self, kind) == dropdown)
      break;
  g_assert (kind < N_KINDS);

  item = g_list_model_get_item (G_LIST_MODEL (self->values[kind]),
                                gtk_drop_down_get_selected (dropdown));
  if (TCIA_IS_VALUE (item))
    value = tcia_value_get_value (TCIA_VALUE (item));

  if (g_strcmp0 (value, self->wanted[kind]) == 0)
    return;

  set_wanted (self, kind, value);
  filter_changed (self, kind);
}

static void
value_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* A long value chosen ("Varian Imaging Laboratories") must not
   * hold the window wide: in a narrow one it is cut, with a tooltip. */
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), 6);
  tcia_tooltip_when_cut (label);
  gtk_list_item_set_child (item, label);
}

/* The list of choices: each value with the number of patients that have
 * it, in words, since the server counts patients and not series. A long
 * value ("Varian Imaging Laboratories, Switzerland") is read whole: the
 * list asks room for a fair line, wider than the button when need be, and
 * what is longer wraps rather than being cut. */
static void
choice_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *box = tcia_title_and_count_new (12);
  GtkLabel *title = GTK_LABEL (gtk_widget_get_first_child (box));

  gtk_label_set_ellipsize (title, PANGO_ELLIPSIZE_NONE);
  gtk_label_set_wrap (title, TRUE);
  gtk_label_set_wrap_mode (title, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_width_chars (title, CHOICE_WIDTH_CHARS);
  gtk_label_set_max_width_chars (title, CHOICE_WIDTH_CHARS);
  gtk_list_item_set_child (item, box);
}

/* The button shows the value chosen; the list, each with its count. */
static void
value_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GObject *object = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  GtkLabel *title = GTK_IS_LABEL (child) ? GTK_LABEL (child)
                                         : GTK_LABEL (gtk_widget_get_first_child (child));
  GtkLabel *count = GTK_IS_LABEL (child) ? NULL : GTK_LABEL (gtk_widget_get_last_child (child));
  g_autofree char *patients = NULL;

  if (TCIA_IS_VALUE (object))
    {
      TciaValue *value = TCIA_VALUE (object);
      int n = tcia_value_get_count (value);

      gtk_label_set_text (title, tcia_value_get_value (value));
      if (n >= 0)
        {
          g_autofree char *number = tcia_format_count ((guint) n);

          /* Translators: how many patients have this modality, body part or manufacturer */
          patients = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s patient", "%s patients",
                                                   (gulong) n),
                                      number);
        }
    }
  else
    {
      gtk_label_set_text (title, gtk_string_object_get_string (GTK_STRING_OBJECT (object)));
    }

  if (count != NULL)
    gtk_label_set_text (count, patients != NULL ? patients : "");
}

/* GTK 4.8 leaves the button inside a GtkDropDown without a name, so a
 * screen reader announces a bare "button": give it the dropdown's label. */
static void
label_dropdown_button (GtkDropDown *dropdown)
{
  GtkWidget *button = gtk_widget_get_first_child (GTK_WIDGET (dropdown));
  const char *label = NULL;

  switch (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dropdown), "tcia-kind")))
    {
    case TCIA_VALUE_MODALITY:
      label = _("Modality filter");
      break;
    case TCIA_VALUE_BODY_PART:
      label = _("Body part filter");
      break;
    default:
      label = _("Manufacturer filter");
      break;
    }

  if (GTK_IS_TOGGLE_BUTTON (button))
    gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                    -1);
}

static void
reset_values (TciaFilterBar *self)
{
  for (guint k = 0; k < N_KINDS; k++)
    {
      g_autoptr(GtkStringObject) all = gtk_string_object_new (all_label (k));

      if (self->values_cancellable[k] != NULL)
        g_cancellable_cancel (self->values_cancellable[k]);
      g_clear_object (&self->values_cancellable[k]);

      self->syncing_filters = TRUE;
      g_list_store_remove_all (self->values[k]);
      g_list_store_append (self->values[k], all);
      gtk_drop_down_set_selected (dropdown_for_kind (self, k), 0);
      self->syncing_filters = FALSE;
    }
  update_filters_spinner (self);
}

static void
tcia_filter_bar_dispose (GObject *object)
{
  TciaFilterBar *self = TCIA_FILTER_BAR (object);

  for (guint k = 0; k < N_KINDS; k++)
    {
      if (self->values_cancellable[k] != NULL)
        g_cancellable_cancel (self->values_cancellable[k]);
      g_clear_object (&self->values_cancellable[k]);
      if (dropdown_for_kind (self, k) != NULL)
        g_signal_handlers_disconnect_by_data (dropdown_for_kind (self, k), self);
    }

  g_clear_object (&self->catalogue);
  g_clear_object (&self->settings);
  for (guint k = 0; k < N_KINDS; k++)
    g_clear_object (&self->values[k]);

  G_OBJECT_CLASS (tcia_filter_bar_parent_class)->dispose (object);
}

static void
tcia_filter_bar_finalize (GObject *object)
{
  TciaFilterBar *self = TCIA_FILTER_BAR (object);

  g_clear_pointer (&self->collection, g_free);
  for (guint k = 0; k < N_KINDS; k++)
    g_clear_pointer (&self->wanted[k], g_free);

  G_OBJECT_CLASS (tcia_filter_bar_parent_class)->finalize (object);
}

static void
tcia_filter_bar_class_init (TciaFilterBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_filter_bar_dispose;
  object_class->finalize = tcia_filter_bar_finalize;

  /* A filter was changed, by the user or because its value is no longer a
   * choice: the series must be listed again. */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /* The choices of a filter could not be listed. */
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/tcia-filter-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaFilterBar, modality_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TciaFilterBar, body_part_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TciaFilterBar, manufacturer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TciaFilterBar, filters_spinner);
}

static void
tcia_filter_bar_init (TciaFilterBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Tab goes from one filter to the next, not through the flow box's
   * cells around them. */
  for (guint kind = 0; kind < N_KINDS; kind++)
    gtk_widget_set_focusable (gtk_widget_get_parent (GTK_WIDGET (dropdown_for_kind (self, kind))),
                              FALSE);

  /* "All" first, then the values with their patient counts. */
  for (guint k = 0; k < N_KINDS; k++)
    {
      GtkDropDown *dropdown = dropdown_for_kind (self, k);
      GtkListItemFactory *factory;

      g_object_set_data (G_OBJECT (dropdown), "tcia-kind", GUINT_TO_POINTER (k));

      self->values[k] = g_list_store_new (G_TYPE_OBJECT);
      factory = gtk_signal_list_item_factory_new ();
      g_signal_connect (factory, "setup", G_CALLBACK (value_setup_cb), self);
      g_signal_connect (factory, "bind", G_CALLBACK (value_bind_cb), self);
      gtk_drop_down_set_factory (dropdown, factory);
      g_object_unref (factory);
      factory = gtk_signal_list_item_factory_new ();
      g_signal_connect (factory, "setup", G_CALLBACK (choice_setup_cb), self);
      g_signal_connect (factory, "bind", G_CALLBACK (value_bind_cb), self);
      gtk_drop_down_set_list_factory (dropdown, factory);
      g_object_unref (factory);
      gtk_drop_down_set_model (dropdown, G_LIST_MODEL (self->values[k]));
      g_signal_connect (dropdown, "notify::selected", G_CALLBACK (dropdown_selected_cb), self);
      label_dropdown_button (dropdown);
    }
  reset_values (self);
}

void
tcia_filter_bar_setup (TciaFilterBar *self,
                       TciaCatalogue *catalogue,
                       GSettings     *settings)
{
  g_return_if_fail (TCIA_IS_FILTER_BAR (self));
  g_return_if_fail (catalogue == NULL || TCIA_IS_CATALOGUE (catalogue));

  g_set_object (&self->catalogue, catalogue);
  g_set_object (&self->settings, settings);
}

void
tcia_filter_bar_set_collection (TciaFilterBar *self,
                                const char    *collection,
                                gboolean       keep_filters)
{
  g_return_if_fail (TCIA_IS_FILTER_BAR (self));

  if (!keep_filters)
    for (guint k = 0; k < N_KINDS; k++)
      set_wanted (self, k, NULL);

  g_free (self->collection);
  self->collection = g_strdup (collection);
  self->whole_archive = FALSE;
  reset_values (self);
  tcia_filter_bar_reload (self);
}

void
tcia_filter_bar_set_whole_archive (TciaFilterBar *self)
{
  g_return_if_fail (TCIA_IS_FILTER_BAR (self));

  if (self->whole_archive)
    return;

  /* The filters chosen stay: a search narrows what the person was looking at. */
  g_clear_pointer (&self->collection, g_free);
  self->whole_archive = TRUE;
  reset_values (self);
  tcia_filter_bar_reload (self);
}

void
tcia_filter_bar_restore (TciaFilterBar *self)
{
  g_return_if_fail (TCIA_IS_FILTER_BAR (self));

  if (self->settings == NULL)
    return;

  for (guint k = 0; k < N_KINDS; k++)
    {
      g_autofree char *value = g_settings_get_string (self->settings, setting_keys[k]);

      g_free (self->wanted[k]);
      self->wanted[k] = *value != '\0' ? g_steal_pointer (&value) : NULL;
    }
}

void
tcia_filter_bar_reload (TciaFilterBar *self)
{
  g_return_if_fail (TCIA_IS_FILTER_BAR (self));

  for (guint k = 0; k < N_KINDS; k++)
    reload_values (self, k);
}

TciaQuery *
tcia_filter_bar_build_query (TciaFilterBar *self)
{
  g_return_val_if_fail (TCIA_IS_FILTER_BAR (self), NULL);

  return build_query (self, -1);
}

GtkDropDown *
tcia_filter_bar_get_dropdown (TciaFilterBar *self,
                              TciaValueKind  kind)
{
  g_return_val_if_fail (TCIA_IS_FILTER_BAR (self), NULL);
  g_return_val_if_fail (kind < N_KINDS, NULL);

  return dropdown_for_kind (self, kind);
}
