/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "tcia-idc-location.h"

typedef struct
{
  TciaIdcLocation location;
  gatomicrefcount ref_count;
} Location;

G_DEFINE_BOXED_TYPE (TciaIdcLocation, tcia_idc_location,
                     tcia_idc_location_ref, tcia_idc_location_unref)

TciaIdcLocation *
tcia_idc_location_new (const char *series_uid,
                       const char *bucket,
                       const char *crdc_series_uuid,
                       guint       instance_count,
                       guint64     size_bytes)
{
  Location *self;

  g_return_val_if_fail (series_uid != NULL, NULL);
  g_return_val_if_fail (bucket != NULL, NULL);
  g_return_val_if_fail (crdc_series_uuid != NULL, NULL);

  self = g_new0 (Location, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->location.series_uid = g_strdup (series_uid);
  self->location.bucket = g_strdup (bucket);
  self->location.crdc_series_uuid = g_strdup (crdc_series_uuid);
  self->location.instance_count = instance_count;
  self->location.size_bytes = size_bytes;
  return &self->location;
}

TciaIdcLocation *
tcia_idc_location_ref (TciaIdcLocation *self)
{
  Location *l = (Location *) self;

  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&l->ref_count);
  return self;
}

void
tcia_idc_location_unref (TciaIdcLocation *self)
{
  Location *l = (Location *) self;

  if (self == NULL || !g_atomic_ref_count_dec (&l->ref_count))
    return;
  g_free (self->series_uid);
  g_free (self->bucket);
  g_free (self->crdc_series_uuid);
  g_free (l);
}
