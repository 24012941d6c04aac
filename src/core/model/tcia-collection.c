/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include "tcia-collection.h"
#include "tcia-records-private.h"

typedef enum
{
  NAME,
  PATIENT_COUNT,
  DESCRIPTION,
  DESCRIPTION_URI,
  N_FIELDS
} CollectionField;

struct _TciaCollection
{
  GObject          parent_instance;

  TciaStringPool  *pool;
  TciaFieldValue   values[N_FIELDS];
};

G_DEFINE_FINAL_TYPE (TciaCollection, tcia_collection, G_TYPE_OBJECT)

static const TciaFieldInfo fields[N_FIELDS] = {
  [NAME]            = { "name", "Collection", TCIA_FIELD_STRING, TCIA_FIELD_FLAGS_NONE },
  [PATIENT_COUNT]   = { "patient-count", "Count", TCIA_FIELD_COUNT, TCIA_FIELD_FLAGS_NONE },
  [DESCRIPTION]     = { "description", "description", TCIA_FIELD_STRING, TCIA_FIELD_FLAGS_UNIQUE },
  [DESCRIPTION_URI] = { "description-uri", "descriptionURI", TCIA_FIELD_STRING, TCIA_FIELD_FLAGS_NONE },
};

static TciaRecordInfo collection_info = {
  .fields = fields,
  .n_fields = N_FIELDS,
  .identity = NAME,
  .pool_offset = G_STRUCT_OFFSET (TciaCollection, pool),
  .values_offset = G_STRUCT_OFFSET (TciaCollection, values),
};

static void
tcia_collection_finalize (GObject *object)
{
  tcia_record_clear (&collection_info, object);

  G_OBJECT_CLASS (tcia_collection_parent_class)->finalize (object);
}

static void
tcia_collection_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  tcia_record_get_property (&collection_info, object, prop_id, value);
}

static void
tcia_collection_class_init (TciaCollectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tcia_collection_finalize;
  object_class->get_property = tcia_collection_get_property;

  tcia_record_class_setup (object_class, &collection_info);
}

static void
tcia_collection_init (TciaCollection *self)
{
}

const char *
tcia_collection_get_name (TciaCollection *self)
{
  g_return_val_if_fail (TCIA_IS_COLLECTION (self), NULL);

  return self->values[NAME].s;
}

int
tcia_collection_get_patient_count (TciaCollection *self)
{
  g_return_val_if_fail (TCIA_IS_COLLECTION (self), -1);

  return (int) self->values[PATIENT_COUNT].i;
}

const char *
tcia_collection_get_description (TciaCollection *self)
{
  g_return_val_if_fail (TCIA_IS_COLLECTION (self), NULL);

  return self->values[DESCRIPTION].s;
}

const char *
tcia_collection_get_description_uri (TciaCollection *self)
{
  g_return_val_if_fail (TCIA_IS_COLLECTION (self), NULL);

  return self->values[DESCRIPTION_URI].s;
}
