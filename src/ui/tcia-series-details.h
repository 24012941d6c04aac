/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tcia-preview-cache.h"
#include "tcia-series.h"
#include "tcia-series-preview.h"

G_BEGIN_DECLS

#define TCIA_TYPE_SERIES_DETAILS (tcia_series_details_get_type ())

G_DECLARE_FINAL_TYPE (TciaSeriesDetails, tcia_series_details, TCIA, SERIES_DETAILS, AdwBin)

/* A preview of the series (when given a TciaPreviewCache), then every property of one series, grouped, with copy buttons for the UIDs and
 * links to the licence and the data description. */
GtkWidget  *tcia_series_details_new        (void);
TciaSeries *tcia_series_details_get_series (TciaSeriesDetails *self);
void        tcia_series_details_set_series (TciaSeriesDetails *self,
                                            TciaSeries        *series);
/* Where the preview at the top comes from; NULL: no preview. */
void        tcia_series_details_set_preview_cache (TciaSeriesDetails *self,
                                                   TciaPreviewCache  *cache);
TciaSeriesPreview *tcia_series_details_get_preview (TciaSeriesDetails *self);

G_END_DECLS
