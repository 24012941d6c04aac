/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-series-cell"

#include "config.h"

#include "tcia-series-cell.h"

const char *
tcia_series_cell_text (TciaSeries      *series,
                       TciaSeriesField  field,
                       TciaCountStyle   count_style,
                       char           **owned)
{
  g_return_val_if_fail (TCIA_IS_SERIES (series), NULL);
  g_return_val_if_fail (owned != NULL && *owned == NULL, NULL);

  switch (field)
    {
    case TCIA_SERIES_FIELD_COLLECTION:
      return tcia_series_get_collection (series);
    case TCIA_SERIES_FIELD_PATIENT:
      return tcia_series_get_patient_id (series);
    case TCIA_SERIES_FIELD_STUDY_DATE:
      return tcia_series_get_study_date (series);
    case TCIA_SERIES_FIELD_STUDY_DESCRIPTION:
      return tcia_series_get_study_description (series);
    case TCIA_SERIES_FIELD_SERIES_NUMBER:
      return tcia_series_get_series_number (series);
    case TCIA_SERIES_FIELD_SERIES_DESCRIPTION:
      return tcia_series_get_series_description (series);
    case TCIA_SERIES_FIELD_MODALITY:
      return tcia_series_get_modality (series);
    case TCIA_SERIES_FIELD_BODY_PART:
      return tcia_series_get_body_part (series);
    case TCIA_SERIES_FIELD_MANUFACTURER:
      return tcia_series_get_manufacturer (series);
    case TCIA_SERIES_FIELD_IMAGES:
      *owned = g_strdup_printf (count_style == TCIA_COUNT_GROUPED ? "%'u" : "%u",
                                tcia_series_get_image_count (series));
      return *owned;
    case TCIA_SERIES_FIELD_SIZE:
      *owned = g_format_size (tcia_series_get_file_size (series));
      return *owned;
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
tcia_series_field_is_number (TciaSeriesField field)
{
  return field == TCIA_SERIES_FIELD_IMAGES || field == TCIA_SERIES_FIELD_SIZE ||
         field == TCIA_SERIES_FIELD_SERIES_NUMBER;
}
