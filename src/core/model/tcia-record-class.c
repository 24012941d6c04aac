/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include "tcia-records-private.h"

/* A record type's table turned into GObject properties, and a record's
 * fields read back from it. */

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
      g_hash_table_insert (info->keys, (gpointer) field->nick, GUINT_TO_POINTER (i + 1));
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

  value = &tcia_record_values (info, record)[field];
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
  const TciaFieldValue *values = tcia_record_values (info, object);
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
  TciaStringPool **pool = tcia_record_pool (info, object);

  g_clear_pointer (pool, tcia_string_pool_unref);
}
