/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-series-details"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-series-details.h"
#include "tcia-series-preview.h"

struct _TciaSeriesDetails
{
  AdwBin                parent_instance;

  /* template widgets */
  AdwPreferencesPage   *page;
  AdwPreferencesGroup  *preview_group;
  TciaSeriesPreview    *preview;
  AdwPreferencesGroup  *series_group;
  AdwPreferencesGroup  *study_group;
  AdwPreferencesGroup  *licence_group;

  /* owned */
  TciaSeries           *series;
  GPtrArray            *rows;     /* (element-type GtkWidget): rows added, with their group */
};

G_DEFINE_FINAL_TYPE (TciaSeriesDetails, tcia_series_details, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SERIES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum
{
  ROW_PLAIN = 0,
  ROW_COPY  = 1 << 0,   /* a copy button; the accessible label names the value */
  ROW_LINK  = 1 << 1,   /* the value is a URL (or @link is) opened in the browser */
} RowFlags;

static void
copy_clicked_cb (GtkButton *button,
                 gpointer   user_data)
{
  const char *text = g_object_get_data (G_OBJECT (button), "tcia-copy-text");
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (button));

  gdk_clipboard_set_text (clipboard, text);
  gtk_widget_activate_action (GTK_WIDGET (button), "toast.show", "s", _("Copied"));
}

static void
link_clicked_cb (GtkButton *button,
                 gpointer   user_data)
{
  const char *uri = g_object_get_data (G_OBJECT (button), "tcia-link");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));

  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

static void
add_row (TciaSeriesDetails   *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *value,
         const char          *link,
         const char          *copy_label,
         RowFlags             flags)
{
  GtkWidget *row;
  g_autofree char *escaped = NULL;

  if (value == NULL || *value == '\0')
    return;

  escaped = g_markup_escape_text (value, -1);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "property");

  if (flags & ROW_COPY)
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, copy_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, copy_label,
                                      -1);
      g_object_set_data_full (G_OBJECT (button), "tcia-copy-text", g_strdup (value), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (copy_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  if ((flags & ROW_LINK) && (link != NULL || value != NULL))
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("adw-external-link-symbolic");
      g_autofree char *label = g_strdup_printf (_("Open %s in the Browser"), title);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      g_object_set_data_full (G_OBJECT (button), "tcia-link",
                              g_strdup (link != NULL ? link : value), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (link_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  adw_preferences_group_add (group, row);
  g_object_set_data (G_OBJECT (row), "tcia-group", group);
  g_ptr_array_add (self->rows, row);
}

static void
clear_rows (TciaSeriesDetails *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      adw_preferences_group_remove (g_object_get_data (G_OBJECT (row), "tcia-group"), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static void
rebuild (TciaSeriesDetails *self)
{
  TciaSeries *s = self->series;
  g_autofree char *images = NULL;
  g_autofree char *size = NULL;

  clear_rows (self);
  if (s == NULL)
    return;

  images = g_strdup_printf ("%u", tcia_series_get_image_count (s));
  size = g_format_size (tcia_series_get_file_size (s));

  adw_preferences_group_set_title (self->series_group,
                                   tcia_series_get_series_description (s) != NULL
                                   ? tcia_series_get_series_description (s)
                                   : _("Series"));
  add_row (self, self->series_group, _("Modality"), tcia_series_get_modality (s), NULL, NULL, 0);
  add_row (self, self->series_group, _("Body Part"), tcia_series_get_body_part (s), NULL, NULL, 0);
  add_row (self, self->series_group, _("Series Number"), tcia_series_get_series_number (s),
           NULL, NULL, 0);
  add_row (self, self->series_group, _("Series Date"), tcia_series_get_series_date (s),
           NULL, NULL, 0);
  add_row (self, self->series_group, _("Images"), images, NULL, NULL, 0);
  add_row (self, self->series_group, _("Size"), size, NULL, NULL, 0);
  add_row (self, self->series_group, _("Manufacturer"), tcia_series_get_manufacturer (s),
           NULL, NULL, 0);
  add_row (self, self->series_group, _("Model"), tcia_series_get_manufacturer_model (s),
           NULL, NULL, 0);
  add_row (self, self->series_group, _("Software Versions"),
           tcia_series_get_software_versions (s), NULL, NULL, 0);
  add_row (self, self->series_group, _("Protocol"), tcia_series_get_protocol_name (s),
           NULL, NULL, 0);
  add_row (self, self->series_group, _("Pixel Spacing"), tcia_series_get_pixel_spacing (s),
           NULL, NULL, 0);
  add_row (self, self->series_group, _("Slice Thickness"), tcia_series_get_slice_thickness (s),
           NULL, NULL, 0);
  add_row (self, self->series_group, _("Annotations"), tcia_series_get_annotations_flag (s),
           NULL, NULL, 0);
  add_row (self, self->series_group, _("Series UID"), tcia_series_get_series_uid (s),
           NULL, _("Copy Series UID"), ROW_COPY);
  add_row (self, self->series_group, _("SOP Class UID"), tcia_series_get_sop_class_uid (s),
           NULL, _("Copy SOP Class UID"), ROW_COPY);

  add_row (self, self->study_group, _("Collection"), tcia_series_get_collection (s),
           NULL, NULL, 0);
  add_row (self, self->study_group, _("Site"), tcia_series_get_site (s), NULL, NULL, 0);
  add_row (self, self->study_group, _("Patient ID"), tcia_series_get_patient_id (s),
           NULL, _("Copy Patient ID"), ROW_COPY);
  add_row (self, self->study_group, _("Patient Name"), tcia_series_get_patient_name (s),
           NULL, NULL, 0);
  add_row (self, self->study_group, _("Sex"), tcia_series_get_patient_sex (s), NULL, NULL, 0);
  add_row (self, self->study_group, _("Age"), tcia_series_get_patient_age (s), NULL, NULL, 0);
  add_row (self, self->study_group, _("Study Description"),
           tcia_series_get_study_description (s), NULL, NULL, 0);
  add_row (self, self->study_group, _("Study Date"), tcia_series_get_study_date (s),
           NULL, NULL, 0);
  add_row (self, self->study_group, _("Study ID"), tcia_series_get_study_id (s), NULL, NULL, 0);
  add_row (self, self->study_group, _("Admitting Diagnosis"),
           tcia_series_get_admitting_diagnosis (s), NULL, NULL, 0);
  add_row (self, self->study_group, _("Study UID"), tcia_series_get_study_uid (s),
           NULL, _("Copy Study UID"), ROW_COPY);

  add_row (self, self->licence_group, _("Licence"), tcia_series_get_license_name (s),
           tcia_series_get_license_uri (s), NULL,
           tcia_series_get_license_uri (s) != NULL ? ROW_LINK : 0);
  add_row (self, self->licence_group, _("Data Description"),
           tcia_series_get_data_description_uri (s), NULL, NULL, ROW_LINK);
  add_row (self, self->licence_group, _("Released"), tcia_series_get_date_released (s),
           NULL, NULL, 0);
  add_row (self, self->licence_group, _("Submitted"), tcia_series_get_submission_date (s),
           NULL, NULL, 0);
  add_row (self, self->licence_group, _("Third-Party Analysis"),
           tcia_series_get_third_party_analysis (s), NULL, NULL, 0);
}

static void
tcia_series_details_dispose (GObject *object)
{
  TciaSeriesDetails *self = TCIA_SERIES_DETAILS (object);

  g_clear_object (&self->series);

  G_OBJECT_CLASS (tcia_series_details_parent_class)->dispose (object);
}

static void
tcia_series_details_finalize (GObject *object)
{
  TciaSeriesDetails *self = TCIA_SERIES_DETAILS (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (tcia_series_details_parent_class)->finalize (object);
}

static void
tcia_series_details_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TciaSeriesDetails *self = TCIA_SERIES_DETAILS (object);

  switch (prop_id)
    {
    case PROP_SERIES:
      g_value_set_object (value, self->series);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_series_details_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TciaSeriesDetails *self = TCIA_SERIES_DETAILS (object);

  switch (prop_id)
    {
    case PROP_SERIES:
      tcia_series_details_set_series (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_series_details_class_init (TciaSeriesDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_series_details_dispose;
  object_class->finalize = tcia_series_details_finalize;
  object_class->get_property = tcia_series_details_get_property;
  object_class->set_property = tcia_series_details_set_property;

  properties[PROP_SERIES] =
    g_param_spec_object ("series", NULL, NULL,
                         TCIA_TYPE_SERIES,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TCIA_TYPE_SERIES_PREVIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/tcia-series-details.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesDetails, page);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesDetails, preview_group);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesDetails, preview);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesDetails, series_group);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesDetails, study_group);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesDetails, licence_group);
}

static void
tcia_series_details_init (TciaSeriesDetails *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tcia_series_details_new (void)
{
  return g_object_new (TCIA_TYPE_SERIES_DETAILS, NULL);
}

TciaSeries *
tcia_series_details_get_series (TciaSeriesDetails *self)
{
  g_return_val_if_fail (TCIA_IS_SERIES_DETAILS (self), NULL);

  return self->series;
}

void
tcia_series_details_set_series (TciaSeriesDetails *self,
                                TciaSeries        *series)
{
  g_return_if_fail (TCIA_IS_SERIES_DETAILS (self));
  g_return_if_fail (series == NULL || TCIA_IS_SERIES (series));

  if (!g_set_object (&self->series, series))
    return;

  rebuild (self);
  tcia_series_preview_set_series (self->preview, series);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERIES]);
}

void
tcia_series_details_set_preview_cache (TciaSeriesDetails *self,
                                       TciaPreviewCache  *cache)
{
  g_return_if_fail (TCIA_IS_SERIES_DETAILS (self));

  tcia_series_preview_set_cache (self->preview, cache);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_group), cache != NULL);
}

TciaSeriesPreview *
tcia_series_details_get_preview (TciaSeriesDetails *self)
{
  g_return_val_if_fail (TCIA_IS_SERIES_DETAILS (self), NULL);

  return self->preview;
}
