/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include "tcia-records-private.h"

/* Records built in bulk: rows of (field, raw value) into compact records
 * that share one string pool, each value normalised once however often it
 * repeats. */

static void
set_defaults (const TciaRecordInfo *info,
              TciaFieldValue       *values)
{
  guint i;

  for (i = 0; i < info->n_fields; i++)
    {
      if (info->fields[i].type == TCIA_FIELD_COUNT)
        values[i].i = -1;
      else
        values[i].u = 0;   /* also NULL strings and TCIA_VALUE_MODALITY */
    }
}

/* A raw value as sent and what it became in the pool. */
typedef struct
{
  char       *raw;
  guint32     len;
  guint32     size;     /* allocated for raw */
  const char *value;
} ValueSlot;

/* Per string field: the last value, and for fields whose values repeat, a
 * small direct-mapped cache of recent ones. Most values of a listing are
 * found here without touching the pool's own (slower) table. */
#define VALUE_SLOTS 256

typedef struct
{
  ValueSlot *last;      /* the slot of the last value */
  ValueSlot *recent;    /* VALUE_SLOTS; just one for UNIQUE fields */
} FieldCache;

struct _TciaRecordBuilder
{
  const TciaRecordInfo  *info;
  GTypeClass            *klass;
  TciaStringPool        *pool;
  GHashTable            *keys;       /* borrowed: the info's, or a source's spellings */
  TciaDateReader         read_date;

  TciaFieldValue        *presets;
  TciaFieldValue        *row;
  FieldCache            *caches;

  GPtrArray             *records;
  guint                  n_dropped;
};

TciaRecordBuilder *
tcia_record_builder_new (GType type,
                         gsize pool_block_size)
{
  TciaRecordBuilder *self;
  guint n;

  self = g_new0 (TciaRecordBuilder, 1);
  self->klass = g_type_class_ref (type);
  self->info = tcia_record_info_get (type);
  g_assert (self->info != NULL);

  n = self->info->n_fields;
  self->keys = self->info->keys;
  self->read_date = tcia_records_parse_iso_date;
  self->pool = tcia_string_pool_new (pool_block_size);
  self->presets = g_new (TciaFieldValue, n);
  self->row = g_new (TciaFieldValue, n);
  self->caches = g_new0 (FieldCache, n);
  self->records = g_ptr_array_new_with_free_func (g_object_unref);
  set_defaults (self->info, self->presets);
  memcpy (self->row, self->presets, n * sizeof (TciaFieldValue));

  return self;
}

void
tcia_record_builder_free (TciaRecordBuilder *self)
{
  guint i;

  if (self == NULL)
    return;

  for (i = 0; i < self->info->n_fields; i++)
    {
      FieldCache *cache = &self->caches[i];
      guint n_slots = (self->info->fields[i].flags & TCIA_FIELD_FLAGS_UNIQUE) != 0 ? 1 : VALUE_SLOTS;
      guint j;

      if (cache->recent == NULL)
        continue;
      for (j = 0; j < n_slots; j++)
        g_free (cache->recent[j].raw);
      g_free (cache->recent);
    }
  g_free (self->caches);
  g_free (self->presets);
  g_free (self->row);
  g_ptr_array_unref (self->records);
  tcia_string_pool_unref (self->pool);
  g_type_class_unref (self->klass);
  g_free (self);
}

void
tcia_record_builder_set_preset (TciaRecordBuilder *self,
                                guint              field,
                                gint64             value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (field < self->info->n_fields);
  g_return_if_fail (self->info->fields[field].type == TCIA_FIELD_VALUE_KIND ||
                    self->info->fields[field].type == TCIA_FIELD_COUNT);

  self->presets[field].i = value;
  self->row[field].i = value;
}

void
tcia_record_builder_set_spellings (TciaRecordBuilder *self,
                                   GHashTable        *keys,
                                   TciaDateReader     read_date)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (keys != NULL && read_date != NULL);

  self->keys = keys;
  self->read_date = read_date;
}

GHashTable *
tcia_record_builder_get_keys (TciaRecordBuilder *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->keys;
}

GPtrArray *
tcia_record_builder_get_records (TciaRecordBuilder *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->records;
}

GPtrArray *
tcia_record_builder_steal_records (TciaRecordBuilder *self)
{
  GPtrArray *records;

  g_return_val_if_fail (self != NULL, NULL);

  records = g_steal_pointer (&self->records);
  self->records = g_ptr_array_new_with_free_func (g_object_unref);

  return records;
}

guint
tcia_record_builder_get_n_dropped (TciaRecordBuilder *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_dropped;
}

static inline gboolean
value_slot_matches (const ValueSlot *slot,
                    const char      *value,
                    gsize            len)
{
  return slot->value != NULL && slot->len == len && tcia_bytes_equal (slot->raw, value, len);
}

static void
value_slot_set (ValueSlot  *slot,
                const char *value,
                gsize       len,
                const char *result)
{
  if (slot->size < len + 1)
    {
      slot->size = (guint32) MAX (len + 1, 32);
      slot->raw = g_realloc (slot->raw, slot->size);
    }
  memcpy (slot->raw, value, len);
  slot->raw[len] = '\0';
  slot->len = (guint32) len;
  slot->value = result;
}

/* Cheap: the length and a few bytes spread over the value (len > 0).
 * A collision only costs a miss. */
static inline guint
hash_value (const char *value,
            gsize       len)
{
  const guchar *p = (const guchar *) value;
  guint h = (guint) len * 2654435761u;

  h ^= p[0] + p[len - 1] * 257u + p[len / 2] * 65537u + p[len / 3] * 16777259u;
  h ^= p[(len * 2) / 3] * 769u + p[len > 1 ? len - 2 : 0] * 1031u;

  return ((h ^ (h >> 15)) * 2246822519u) >> 20;
}

/* Normalises, validates and stores a new value in the pool. */
static const char *
store_string (TciaRecordBuilder *self,
              guint              field,
              TciaJsonKind       kind,
              const char        *value,
              gsize              len)
{
  const TciaFieldInfo *info = &self->info->fields[field];
  g_autofree char *valid = NULL;
  g_autofree char *copy = NULL;
  const char *s = value;
  gsize slen = len;
  char normalised[16];
  char buf[128];

  if (kind == TCIA_JSON_STRING && !g_utf8_validate_len (s, slen, NULL))
    {
      valid = g_utf8_make_valid (s, (gssize) slen);
      s = valid;
      slen = strlen (valid);
    }

  if (info->type == TCIA_FIELD_DATE)
    {
      if (self->read_date (s, slen, normalised))
        {
          s = normalised;
          slen = 10;
        }
    }
  else if (info->type == TCIA_FIELD_SERIES_NUMBER)
    slen = tcia_records_trim_decimal (s, slen);

  if ((info->flags & TCIA_FIELD_FLAGS_UNIQUE) != 0 || memchr (s, '\0', slen) != NULL)
    return g_string_chunk_insert_len (self->pool->chunk, s, (gssize) slen);

  /* Deduplicated through the pool's table, which wants a C string. */
  if (slen < sizeof buf)
    {
      memcpy (buf, s, slen);
      buf[slen] = '\0';
      s = buf;
    }
  else
    s = copy = g_strndup (s, slen);

  return g_string_chunk_insert_const (self->pool->chunk, s);
}

static const char *
intern_string (TciaRecordBuilder *self,
               guint              field,
               TciaJsonKind       kind,
               const char        *value,
               gsize              len)
{
  FieldCache *cache = &self->caches[field];
  ValueSlot *slot;

  /* "" is how v1 metadata says null. */
  if (len == 0)
    return NULL;

  if (cache->last != NULL && value_slot_matches (cache->last, value, len))
    return cache->last->value;

  if ((self->info->fields[field].flags & TCIA_FIELD_FLAGS_UNIQUE) == 0)
    {
      if (cache->recent == NULL)
        cache->recent = g_new0 (ValueSlot, VALUE_SLOTS);
      slot = &cache->recent[hash_value (value, len) % VALUE_SLOTS];
    }
  else
    {
      /* Mostly distinct values: only a repeat of the last one is worth catching. */
      if (cache->recent == NULL)
        cache->recent = g_new0 (ValueSlot, 1);
      slot = &cache->recent[0];
    }

  if (!value_slot_matches (slot, value, len))
    value_slot_set (slot, value, len, store_string (self, field, kind, value, len));
  cache->last = slot;

  return slot->value;
}

static gboolean
parse_value_kind (const char *value,
                  gsize       len,
                  gint64     *out)
{
  static const char * const nicks[] = { "modality", "body-part", "manufacturer" };
  guint64 number;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (nicks); i++)
    if (strlen (nicks[i]) == len && g_ascii_strncasecmp (nicks[i], value, len) == 0)
      {
        *out = i;
        return TRUE;
      }

  if (tcia_records_parse_uint64 (value, len, &number) && number <= TCIA_VALUE_MANUFACTURER)
    {
      *out = (gint64) number;
      return TRUE;
    }

  return FALSE;
}

static void
builder_set (TciaRecordBuilder *self,
             guint              field,
             TciaJsonKind       kind,
             const char        *value,
             gsize              len)
{
  TciaFieldValue *slot = &self->row[field];
  guint64 number;
  gboolean ok;

  switch (self->info->fields[field].type)
    {
    case TCIA_FIELD_STRING:
    case TCIA_FIELD_DATE:
    case TCIA_FIELD_SERIES_NUMBER:
      slot->s = intern_string (self, field, kind, value, len);
      break;

    case TCIA_FIELD_UINT:
      ok = kind != TCIA_JSON_BOOLEAN && tcia_records_parse_uint64 (value, len, &number);
      slot->u = (ok && number <= G_MAXUINT) ? number : 0;
      break;

    case TCIA_FIELD_UINT64:
      ok = kind != TCIA_JSON_BOOLEAN && tcia_records_parse_uint64 (value, len, &number);
      slot->u = ok ? number : 0;
      break;

    case TCIA_FIELD_COUNT:
      ok = kind != TCIA_JSON_BOOLEAN && tcia_records_parse_uint64 (value, len, &number);
      slot->i = (ok && number <= G_MAXINT) ? (gint64) number : -1;
      break;

    case TCIA_FIELD_VALUE_KIND:
      if (!parse_value_kind (value, len, &slot->i))
        slot->i = self->presets[field].i;
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
builder_begin_row (gpointer user_data)
{
  TciaRecordBuilder *self = user_data;

  memcpy (self->row, self->presets, self->info->n_fields * sizeof (TciaFieldValue));
}

static void
builder_field (gpointer      user_data,
               guint         id,
               TciaJsonKind  kind,
               const char   *value,
               gsize         len)
{
  TciaRecordBuilder *self = user_data;

  g_assert (id < self->info->n_fields);

  builder_set (self, id, kind, value, len);
}

static GObject *
builder_end_row (TciaRecordBuilder *self)
{
  const TciaRecordInfo *info = self->info;
  GObject *record;

  if (self->row[info->identity].u == 0)
    {
      self->n_dropped++;
      return NULL;
    }

  record = g_object_new (info->type, NULL);
  memcpy (tcia_record_values (info, record), self->row, info->n_fields * sizeof (TciaFieldValue));
  *tcia_record_pool (info, record) = tcia_string_pool_ref (self->pool);

  return record;
}

static void
builder_end_row_cb (gpointer user_data)
{
  TciaRecordBuilder *self = user_data;
  GObject *record = builder_end_row (self);

  if (record != NULL)
    g_ptr_array_add (self->records, record);
}

static const TciaJsonRowsSink builder_sink = {
  .begin_row = builder_begin_row,
  .field = builder_field,
  .end_row = builder_end_row_cb,
};

const TciaJsonRowsSink *
tcia_record_builder_get_sink (void)
{
  return &builder_sink;
}

GObject *
tcia_record_builder_add_fields (TciaRecordBuilder  *self,
                                const char * const *keys,
                                const char * const *values,
                                gsize               n_fields)
{
  gsize i;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_fields == 0 || (keys != NULL && values != NULL), NULL);

  builder_begin_row (self);
  for (i = 0; i < n_fields; i++)
    {
      gpointer found;

      if (keys[i] == NULL || values[i] == NULL)
        continue;
      found = g_hash_table_lookup (self->keys, keys[i]);
      if (found == NULL)
        continue;
      builder_set (self, GPOINTER_TO_UINT (found) - 1, TCIA_JSON_STRING,
                   values[i], strlen (values[i]));
    }

  return builder_end_row (self);
}

GObject *
tcia_record_new_from_fields (GType               type,
                             const char * const *keys,
                             const char * const *values,
                             gsize               n_fields)
{
  g_autoptr(TciaRecordBuilder) builder = NULL;
  gsize size = 0;
  gsize i;

  for (i = 0; i < n_fields; i++)
    if (values != NULL && values[i] != NULL)
      size += strlen (values[i]) + 1;

  builder = tcia_record_builder_new (type, size);

  return tcia_record_builder_add_fields (builder, keys, values, n_fields);
}

TciaSeries *
tcia_series_new_from_fields (const char * const *keys,
                             const char * const *values,
                             gsize               n_fields)
{
  return (TciaSeries *) tcia_record_new_from_fields (TCIA_TYPE_SERIES, keys, values, n_fields);
}

TciaStudy *
tcia_study_new_from_fields (const char * const *keys,
                            const char * const *values,
                            gsize               n_fields)
{
  return (TciaStudy *) tcia_record_new_from_fields (TCIA_TYPE_STUDY, keys, values, n_fields);
}

TciaPatient *
tcia_patient_new_from_fields (const char * const *keys,
                              const char * const *values,
                              gsize               n_fields)
{
  return (TciaPatient *) tcia_record_new_from_fields (TCIA_TYPE_PATIENT, keys, values, n_fields);
}

TciaCollection *
tcia_collection_new_from_fields (const char * const *keys,
                                 const char * const *values,
                                 gsize               n_fields)
{
  return (TciaCollection *) tcia_record_new_from_fields (TCIA_TYPE_COLLECTION,
                                                         keys, values, n_fields);
}
