/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-preview-cache.h"
#include "tcia-series.h"

G_BEGIN_DECLS

#define TCIA_TYPE_SERIES_PREVIEW (tcia_series_preview_get_type ())

G_DECLARE_FINAL_TYPE (TciaSeriesPreview, tcia_series_preview, TCIA, SERIES_PREVIEW, AdwBin)

typedef enum
{
  TCIA_SERIES_PREVIEW_EMPTY,        /* no series, or nowhere to ask */
  TCIA_SERIES_PREVIEW_LOADING,
  TCIA_SERIES_PREVIEW_SHOWN,
  TCIA_SERIES_PREVIEW_PLACEHOLDER,  /* none to be had: "No preview" */
} TciaSeriesPreviewState;

/* The thumbnail of a middle image of one series, from a TciaPreviewCache,
 * asked for only while the widget is on screen; the request for a series
 * no longer shown is cancelled. Anything that goes wrong shows a
 * placeholder, never an error. Properties "series", "state" (read-only). */
GtkWidget              *tcia_series_preview_new           (void);
void                    tcia_series_preview_set_cache     (TciaSeriesPreview *self,
                                                           TciaPreviewCache  *cache);
void                    tcia_series_preview_set_series    (TciaSeriesPreview *self,
                                                           TciaSeries        *series);
TciaSeriesPreviewState  tcia_series_preview_get_state     (TciaSeriesPreview *self);
/* The image shown (SHOWN), else NULL. */
GdkPaintable           *tcia_series_preview_get_paintable (TciaSeriesPreview *self);

G_END_DECLS
