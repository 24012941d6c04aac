/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tcia-records-private.h"

/* ---- String pool ------------------------------------------------------ */

struct _TciaStringPool
{
  gatomicrefcount  ref_count;
  GStringChunk    *chunk;
};

TciaStringPool *
tcia_string_pool_new (gsize block_size)
{
  TciaStringPool *pool = g_new0 (TciaStringPool, 1);

  g_atomic_ref_count_init (&pool->ref_count);
  pool->chunk = g_string_chunk_new (MAX (block_size, 64));

  return pool;
}

TciaStringPool *
tcia_string_pool_ref (TciaStringPool *pool)
{
  g_return_val_if_fail (pool != NULL, NULL);

  g_atomic_ref_count_inc (&pool->ref_count);

  return pool;
}

void
tcia_string_pool_unref (TciaStringPool *pool)
{
  g_return_if_fail (pool != NULL);

  if (g_atomic_ref_count_dec (&pool->ref_count))
    {
      g_string_chunk_free (pool->chunk);
      g_free (pool);
    }
}

/* ---- Normalisation -------------------------------------------------------- */

static inline gboolean
all_digits (const char *s,
            gsize       len)
{
  gsize i;

  for (i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;

  return TRUE;
}

static inline guint
digits_value (const char *s,
              gsize       len)
{
  guint v = 0;
  gsize i;

  for (i = 0; i < len; i++)
    v = v * 10 + (guint) (s[i] - '0');

  return v;
}

static gboolean
write_iso (guint year,
           guint month,
           guint day,
           char  iso[11])
{
  if (year == 0 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year))
    return FALSE;

  iso[0] = (char) ('0' + year / 1000);
  iso[1] = (char) ('0' + year / 100 % 10);
  iso[2] = (char) ('0' + year / 10 % 10);
  iso[3] = (char) ('0' + year % 10);
  iso[4] = '-';
  iso[5] = (char) ('0' + month / 10);
  iso[6] = (char) ('0' + month % 10);
  iso[7] = '-';
  iso[8] = (char) ('0' + day / 10);
  iso[9] = (char) ('0' + day % 10);
  iso[10] = '\0';

  return TRUE;
}

static int
month_from_name (const char *s,
                 gsize       len)
{
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  guint i;

  if (len != 3)
    return 0;
  for (i = 0; i < 12; i++)
    if (g_ascii_strncasecmp (months + 3 * i, s, 3) == 0)
      return (int) i + 1;

  return 0;
}

/* Recognises the date forms NBIA sends and writes ISO YYYY-MM-DD:
 *   v4              "03-08-2019" (MM-DD-YYYY)
 *   v1 Timestamp    "2015-05-27 17:12:21.0", already ISO "2015-05-27", "2015-05-27T..."
 *   v1 Date         "Mon Nov 04 11:45:52 UTC 2013" (the date as printed in its zone)
 * Anything else, and impossible dates, are not converted. */
gboolean
tcia_records_normalize_date (const char *s,
                             gsize       len,
                             char        iso[11])
{
  if (len == 10 && s[2] == '-' && s[5] == '-' &&
      all_digits (s, 2) && all_digits (s + 3, 2) && all_digits (s + 6, 4))
    return write_iso (digits_value (s + 6, 4), digits_value (s, 2), digits_value (s + 3, 2), iso);

  if (len >= 10 && s[4] == '-' && s[7] == '-' &&
      all_digits (s, 4) && all_digits (s + 5, 2) && all_digits (s + 8, 2) &&
      (len == 10 || s[10] == ' ' || s[10] == 'T'))
    return write_iso (digits_value (s, 4), digits_value (s + 5, 2), digits_value (s + 8, 2), iso);

  /* "Www Mmm dd hh:mm:ss Zone yyyy" */
  if (len >= 24 && len <= 40)
    {
      const char *tokens[6];
      gsize lens[6];
      guint n = 0;
      gsize i = 0;
      int month;

      while (i < len && n < 6)
        {
          gsize start;

          while (i < len && s[i] == ' ')
            i++;
          start = i;
          while (i < len && s[i] != ' ')
            i++;
          if (i > start)
            {
              tokens[n] = s + start;
              lens[n] = i - start;
              n++;
            }
        }
      while (i < len && s[i] == ' ')
        i++;

      if (n == 6 && i == len &&
          (month = month_from_name (tokens[1], lens[1])) != 0 &&
          lens[2] >= 1 && lens[2] <= 2 && all_digits (tokens[2], lens[2]) &&
          lens[5] == 4 && all_digits (tokens[5], 4) &&
          lens[3] == 8 && tokens[3][2] == ':' && tokens[3][5] == ':')
        return write_iso (digits_value (tokens[5], 4), (guint) month,
                          digits_value (tokens[2], lens[2]), iso);
    }

  return FALSE;
}

/* Lenient non-negative integers: 48, "48", " 48 ", "500.000000",
 * "71599388.0", 2.5e7. Negative, fractional, overflowing and other values
 * are refused. */
gboolean
tcia_records_parse_uint64 (const char *s,
                           gsize       len,
                           guint64    *out)
{
  guint64 v = 0;
  gsize i;
  char buf[64];
  char *end;
  double d;

  while (len > 0 && g_ascii_isspace (s[0]))
    s++, len--;
  while (len > 0 && g_ascii_isspace (s[len - 1]))
    len--;
  if (len > 0 && s[0] == '+')
    s++, len--;
  if (len == 0)
    return FALSE;

  for (i = 0; i < len && g_ascii_isdigit (s[i]); i++)
    {
      guint digit = (guint) (s[i] - '0');

      if (v > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      v = v * 10 + digit;
    }

  if (i > 0 && i == len)
    {
      *out = v;
      return TRUE;
    }

  if (i > 0 && s[i] == '.' && i + 1 < len)
    {
      gsize j;

      for (j = i + 1; j < len && s[j] == '0'; j++)
        ;
      if (j == len)
        {
          *out = v;
          return TRUE;
        }
      if (all_digits (s + i + 1, len - i - 1))
        return FALSE;   /* a fraction */
    }

  /* Exponents and the like. */
  if (len >= sizeof buf)
    return FALSE;
  memcpy (buf, s, len);
  buf[len] = '\0';
  if (!g_ascii_isdigit (buf[0]) && buf[0] != '.')
    return FALSE;   /* no sign, "inf", "nan", hex */
  if (strchr (buf, 'x') != NULL || strchr (buf, 'X') != NULL)
    return FALSE;
  d = g_ascii_strtod (buf, &end);
  if (end != buf + len || !isfinite (d) || d < 0 || d != floor (d) || d >= 18446744073709551616.0)
    return FALSE;

  *out = (guint64) d;

  return TRUE;
}

gsize
tcia_records_trim_decimal (const char *s,
                           gsize       len)
{
  gsize start = 0;
  gsize dot;

  if (len > 0 && (s[0] == '-' || s[0] == '+'))
    start = 1;
  for (dot = start; dot < len && g_ascii_isdigit (s[dot]); dot++)
    ;
  if (dot == start || dot >= len || s[dot] != '.' || dot + 1 >= len ||
      !all_digits (s + dot + 1, len - dot - 1))
    return len;

  while (len > dot + 1 && s[len - 1] == '0')
    len--;
  if (len == dot + 1)
    len = dot;

  return len;
}

/* ---- Record classes ------------------------------------------------------- */

static GQuark
record_info_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("tcia-record-info");

  return quark;
}

void
tcia_record_class_setup (GObjectClass   *klass,
                         TciaRecordInfo *info)
{
  guint i;

  g_assert (info->identity < info->n_fields);

  info->type = G_OBJECT_CLASS_TYPE (klass);
  info->keys = g_hash_table_new (g_str_hash, g_str_equal);
  info->pspecs = g_new0 (GParamSpec *, info->n_fields + 1);

  for (i = 0; i < info->n_fields; i++)
    {
      const TciaFieldInfo *field = &info->fields[i];
      GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

      g_assert (field->name != NULL);

      switch (field->type)
        {
        case TCIA_FIELD_STRING:
        case TCIA_FIELD_DATE:
        case TCIA_FIELD_SERIES_NUMBER:
          info->pspecs[i + 1] = g_param_spec_string (field->name, field->nick, NULL, NULL, flags);
          break;
        case TCIA_FIELD_UINT:
          info->pspecs[i + 1] = g_param_spec_uint (field->name, field->nick, NULL,
                                                   0, G_MAXUINT, 0, flags);
          break;
        case TCIA_FIELD_UINT64:
          info->pspecs[i + 1] = g_param_spec_uint64 (field->name, field->nick, NULL,
                                                     0, G_MAXUINT64, 0, flags);
          break;
        case TCIA_FIELD_COUNT:
          info->pspecs[i + 1] = g_param_spec_int (field->name, field->nick, NULL,
                                                  -1, G_MAXINT, -1, flags);
          break;
        case TCIA_FIELD_VALUE_KIND:
          info->pspecs[i + 1] = g_param_spec_enum (field->name, field->nick, NULL,
                                                   TCIA_TYPE_VALUE_KIND, TCIA_VALUE_MODALITY, flags);
          break;
        default:
          g_assert_not_reached ();
        }

      g_hash_table_insert (info->keys, (gpointer) field->name, GUINT_TO_POINTER (i + 1));
    }

  for (i = 0; i < info->n_aliases; i++)
    {
      g_assert (info->aliases[i].field < info->n_fields);
      g_hash_table_insert (info->keys, (gpointer) info->aliases[i].key,
                           GUINT_TO_POINTER (info->aliases[i].field + 1));
    }

  g_object_class_install_properties (klass, info->n_fields + 1, info->pspecs);
  g_type_set_qdata (info->type, record_info_quark (), info);
}

const TciaRecordInfo *
tcia_record_info_get (GType type)
{
  const TciaRecordInfo *info = g_type_get_qdata (type, record_info_quark ());

  /* The table is filled in by class_init: make sure it has run. Record
   * classes are static types and are never finalized, so the reference is
   * kept deliberately. */
  if (info == NULL && g_type_is_a (type, G_TYPE_OBJECT))
    {
      g_type_class_ref (type);
      info = g_type_get_qdata (type, record_info_quark ());
    }

  return info;
}

static inline TciaFieldValue *
record_values (const TciaRecordInfo *info,
               gpointer              object)
{
  return G_STRUCT_MEMBER_P (object, info->values_offset);
}

static inline TciaStringPool **
record_pool (const TciaRecordInfo *info,
             gpointer              object)
{
  return G_STRUCT_MEMBER_P (object, info->pool_offset);
}

int
tcia_record_info_find_field (const TciaRecordInfo *info,
                             const char           *key)
{
  g_return_val_if_fail (info != NULL, -1);
  g_return_val_if_fail (key != NULL, -1);

  return GPOINTER_TO_INT (g_hash_table_lookup (info->keys, key)) - 1;
}

/* Digits from the end of @buffer: printf's parsing of its format is most of
 * the time it would take for a number this small. */
static const char *
format_uint64 (char    *buffer,
               guint64  n)
{
  char *p = buffer + TCIA_CELL_BUFFER_SIZE - 1;

  *p = '\0';
  do
    {
      *--p = (char) ('0' + n % 10);
      n /= 10;
    }
  while (n != 0);

  return p;
}

TciaCellKind
tcia_record_get_cell (const TciaRecordInfo  *info,
                      gpointer               record,
                      guint                  field,
                      char                  *buffer,
                      const char           **text)
{
  const TciaFieldValue *value;

  g_assert (info != NULL && record != NULL && buffer != NULL && text != NULL);
  g_assert (field < info->n_fields);

  value = &record_values (info, record)[field];
  switch (info->fields[field].type)
    {
    case TCIA_FIELD_STRING:
    case TCIA_FIELD_DATE:
    case TCIA_FIELD_SERIES_NUMBER:
      *text = value->s;
      return value->s != NULL ? TCIA_CELL_STRING : TCIA_CELL_ABSENT;
    case TCIA_FIELD_UINT:
      *text = format_uint64 (buffer, (guint) value->u);
      return TCIA_CELL_NUMBER;
    case TCIA_FIELD_UINT64:
      *text = format_uint64 (buffer, value->u);
      return TCIA_CELL_NUMBER;
    case TCIA_FIELD_COUNT:
      if ((int) value->i < 0)
        {
          *text = NULL;
          return TCIA_CELL_ABSENT;
        }
      *text = format_uint64 (buffer, (guint64) (int) value->i);
      return TCIA_CELL_NUMBER;
    case TCIA_FIELD_VALUE_KIND:
      {
        GEnumClass *klass = g_type_class_peek (TCIA_TYPE_VALUE_KIND);
        GEnumValue *nick = g_enum_get_value (klass, (int) value->i);

        *text = nick != NULL ? nick->value_nick : "";
        return TCIA_CELL_STRING;
      }
    default:
      g_assert_not_reached ();
    }
}

void
tcia_record_get_property (const TciaRecordInfo *info,
                          GObject              *object,
                          guint                 prop_id,
                          GValue               *value)
{
  const TciaFieldValue *values = record_values (info, object);
  guint field = prop_id - 1;

  g_assert (prop_id >= 1 && field < info->n_fields);

  switch (info->fields[field].type)
    {
    case TCIA_FIELD_STRING:
    case TCIA_FIELD_DATE:
    case TCIA_FIELD_SERIES_NUMBER:
      g_value_set_string (value, values[field].s);
      break;
    case TCIA_FIELD_UINT:
      g_value_set_uint (value, (guint) values[field].u);
      break;
    case TCIA_FIELD_UINT64:
      g_value_set_uint64 (value, values[field].u);
      break;
    case TCIA_FIELD_COUNT:
      g_value_set_int (value, (int) values[field].i);
      break;
    case TCIA_FIELD_VALUE_KIND:
      g_value_set_enum (value, (int) values[field].i);
      break;
    default:
      g_assert_not_reached ();
    }
}

void
tcia_record_clear (const TciaRecordInfo *info,
                   GObject              *object)
{
  TciaStringPool **pool = record_pool (info, object);

  g_clear_pointer (pool, tcia_string_pool_unref);
}

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

/* ---- Builder -------------------------------------------------------------- */

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

GHashTable *
tcia_record_builder_get_keys (TciaRecordBuilder *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->info->keys;
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
      if (tcia_records_normalize_date (s, slen, normalised))
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
  memcpy (record_values (info, record), self->row, info->n_fields * sizeof (TciaFieldValue));
  *record_pool (info, record) = tcia_string_pool_ref (self->pool);

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
      found = g_hash_table_lookup (self->info->keys, keys[i]);
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
