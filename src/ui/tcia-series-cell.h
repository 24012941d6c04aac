/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tcia-series.h"

G_BEGIN_DECLS

/* A column of a series list. */
typedef enum
{
  TCIA_SERIES_FIELD_COLLECTION,
  TCIA_SERIES_FIELD_PATIENT,
  TCIA_SERIES_FIELD_STUDY_DATE,
  TCIA_SERIES_FIELD_STUDY_DESCRIPTION,
  TCIA_SERIES_FIELD_SERIES_NUMBER,
  TCIA_SERIES_FIELD_SERIES_DESCRIPTION,
  TCIA_SERIES_FIELD_MODALITY,
  TCIA_SERIES_FIELD_BODY_PART,
  TCIA_SERIES_FIELD_MANUFACTURER,
  TCIA_SERIES_FIELD_IMAGES,
  TCIA_SERIES_FIELD_SIZE,
} TciaSeriesField;

/* How an image count is written: "1,234" (the Browse page) or "1234". */
typedef enum
{
  TCIA_COUNT_GROUPED,
  TCIA_COUNT_PLAIN,
} TciaCountStyle;

/* The text of @field for @series (NULL when the series has none); what had
 * to be formatted is also put in *@owned for the caller to free. */
const char *tcia_series_cell_text       (TciaSeries      *series,
                                         TciaSeriesField  field,
                                         TciaCountStyle   count_style,
                                         char           **owned);
/* Whether @field is a number, right-aligned in tabular figures. */
gboolean    tcia_series_field_is_number (TciaSeriesField  field);

G_END_DECLS
