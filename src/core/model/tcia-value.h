/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  TCIA_VALUE_MODALITY,
  TCIA_VALUE_BODY_PART,
  TCIA_VALUE_MANUFACTURER,
} TciaValueKind;

#define TCIA_TYPE_VALUE_KIND (tcia_value_kind_get_type ())

GType tcia_value_kind_get_type (void) G_GNUC_CONST;

#define TCIA_TYPE_VALUE (tcia_value_get_type ())

G_DECLARE_FINAL_TYPE (TciaValue, tcia_value, TCIA, VALUE, GObject)

/* One choice of a filter (a modality, a body part, a manufacturer) with the
 * number of patients that have it. Properties: "kind", "value", "count"
 * (int, -1 when the server did not say). */
TciaValueKind tcia_value_get_kind  (TciaValue *self);
const char   *tcia_value_get_value (TciaValue *self);
int           tcia_value_get_count (TciaValue *self);

G_END_DECLS
