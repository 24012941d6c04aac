/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Where IDC keeps one series (idc-api.md §3, §4.1): what the IDC API's
 * resolve answers (TciaIdcClient) and what the IDC fetcher reads from
 * (TciaIdcFetcher). Objects are "<bucket>/<crdc_series_uuid>/<instance>.dcm"
 * below the bucket endpoint. Immutable once made; reference counted. */

typedef struct
{
  char    *series_uid;        /* SeriesInstanceUID */
  char    *bucket;            /* aws_bucket: "idc-open-data", "-two", "-cr" */
  char    *crdc_series_uuid;  /* the series' folder in the bucket */
  guint    instance_count;    /* instanceCount; 0 when not known (prior versions) */
  guint64  size_bytes;        /* llround (series_size_MB * 1e6); 0 when not known */
  gboolean prior_version;     /* only in prior_versions_index (an older IDC release) */
  guint    idc_version;       /* series_revised_idc_version, or max_idc_version; 0 unknown */
} TciaIdcLocation;

#define TCIA_TYPE_IDC_LOCATION (tcia_idc_location_get_type ())

GType            tcia_idc_location_get_type (void) G_GNUC_CONST;
TciaIdcLocation *tcia_idc_location_new      (const char      *series_uid,
                                             const char      *bucket,
                                             const char      *crdc_series_uuid,
                                             guint            instance_count,
                                             guint64          size_bytes);
TciaIdcLocation *tcia_idc_location_ref      (TciaIdcLocation *self);
void             tcia_idc_location_unref    (TciaIdcLocation *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaIdcLocation, tcia_idc_location_unref)

G_END_DECLS
