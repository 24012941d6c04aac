/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include "tcia-records-private.h"
#include "tcia-value.h"

typedef enum
{
  KIND,
  VALUE,
  COUNT,
  N_FIELDS
} ValueField;

struct _TciaValue
{
  GObject          parent_instance;

  TciaStringPool  *pool;
  TciaFieldValue   values[N_FIELDS];
};

G_DEFINE_FINAL_TYPE (TciaValue, tcia_value, G_TYPE_OBJECT)

GType
tcia_value_kind_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { TCIA_VALUE_MODALITY, "TCIA_VALUE_MODALITY", "modality" },
        { TCIA_VALUE_BODY_PART, "TCIA_VALUE_BODY_PART", "body-part" },
        { TCIA_VALUE_MANUFACTURER, "TCIA_VALUE_MANUFACTURER", "manufacturer" },
        { 0, NULL, NULL }
      };
      GType type = g_enum_register_static (g_intern_static_string ("TciaValueKind"), values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

static const TciaFieldInfo fields[N_FIELDS] = {
  [KIND]  = { "kind", "Kind", TCIA_FIELD_VALUE_KIND, TCIA_FIELD_FLAGS_NONE },
  [VALUE] = { "value", "Value", TCIA_FIELD_STRING, TCIA_FIELD_FLAGS_NONE },
  [COUNT] = { "count", "Count", TCIA_FIELD_COUNT, TCIA_FIELD_FLAGS_NONE },
};

static TciaRecordInfo value_info = {
  .fields = fields,
  .n_fields = N_FIELDS,
  .identity = VALUE,
  .pool_offset = G_STRUCT_OFFSET (TciaValue, pool),
  .values_offset = G_STRUCT_OFFSET (TciaValue, values),
};

static void
tcia_value_finalize (GObject *object)
{
  tcia_record_clear (&value_info, object);

  G_OBJECT_CLASS (tcia_value_parent_class)->finalize (object);
}

static void
tcia_value_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  tcia_record_get_property (&value_info, object, prop_id, value);
}

static void
tcia_value_class_init (TciaValueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tcia_value_finalize;
  object_class->get_property = tcia_value_get_property;

  tcia_record_class_setup (object_class, &value_info);
}

static void
tcia_value_init (TciaValue *self)
{
}

TciaValueKind
tcia_value_get_kind (TciaValue *self)
{
  g_return_val_if_fail (TCIA_IS_VALUE (self), TCIA_VALUE_MODALITY);

  return (TciaValueKind) self->values[KIND].i;
}

const char *
tcia_value_get_value (TciaValue *self)
{
  g_return_val_if_fail (TCIA_IS_VALUE (self), NULL);

  return self->values[VALUE].s;
}

int
tcia_value_get_count (TciaValue *self)
{
  g_return_val_if_fail (TCIA_IS_VALUE (self), -1);

  return (int) self->values[COUNT].i;
}

/* For the client: the field that holds the kind, to preset in a builder. */
guint
tcia_value_get_kind_field (void)
{
  return KIND;
}

TciaValue *
tcia_value_new_from_fields (TciaValueKind       kind,
                            const char * const *keys,
                            const char * const *values,
                            gsize               n_fields)
{
  g_autoptr(TciaRecordBuilder) builder = NULL;

  builder = tcia_record_builder_new (TCIA_TYPE_VALUE, 64);
  tcia_record_builder_set_preset (builder, KIND, kind);

  return (TciaValue *) tcia_record_builder_add_fields (builder, keys, values, n_fields);
}
