/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <string.h>

#include <json-glib/json-glib.h>

#include "fake-table.h"

/* Rows of flat fields written as NBIA does: a JSON array of objects whose null
 * members are left out (Jettison), or CSV, fully quoted with "" escaping and \n
 * line ends, unquoted when there is a single column. */

struct _FakeTable
{
  FakeTableFormat  format;
  GString         *out;
  JsonGenerator   *generator;
  guint            n_rows;
  guint            n_fields;
  FakeTableField   fields[FAKE_TABLE_MAX_FIELDS];
};

FakeTable *
fake_table_new (FakeTableFormat format)
{
  FakeTable *t = g_new0 (FakeTable, 1);

  t->format = format;
  t->out = g_string_new (NULL);
  if (format == FAKE_TABLE_JSON)
    t->generator = json_generator_new ();
  return t;
}

void
fake_table_free (FakeTable *t)
{
  if (t == NULL)
    return;
  g_clear_object (&t->generator);
  if (t->out != NULL)
    g_string_free (t->out, TRUE);
  g_free (t);
}

static FakeTableField *
next_field (FakeTable  *t,
            const char *name)
{
  FakeTableField *f;

  g_assert (t->n_fields < FAKE_TABLE_MAX_FIELDS);
  f = &t->fields[t->n_fields++];
  f->name = name;
  return f;
}

void
fake_table_string (FakeTable  *t,
                   const char *name,
                   const char *value)
{
  FakeTableField *f = next_field (t, name);

  f->type = value ? FAKE_FIELD_STRING : FAKE_FIELD_NULL;
  f->s = value;
}

void
fake_table_int (FakeTable  *t,
                const char *name,
                gint64      value)
{
  FakeTableField *f = next_field (t, name);

  f->type = FAKE_FIELD_INT;
  f->i = value;
}

void
fake_table_decimal (FakeTable  *t,
                    const char *name,
                    gint64      value)
{
  FakeTableField *f = next_field (t, name);

  f->type = FAKE_FIELD_DECIMAL;
  f->i = value;
}

void
fake_table_bool (FakeTable  *t,
                 const char *name,
                 int         value)
{
  FakeTableField *f = next_field (t, name);

  f->type = value < 0 ? FAKE_FIELD_NULL : FAKE_FIELD_BOOL;
  f->i = value > 0;
}

static void
csv_quoted (GString    *out,
            const char *value)
{
  g_string_append_c (out, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
csv_value (FakeTable            *t,
           const FakeTableField *f,
           gboolean              quote)
{
  char buf[64];
  const char *value = "";

  switch (f->type)
    {
    case FAKE_FIELD_NULL:
      break;
    case FAKE_FIELD_STRING:
      value = f->s;
      break;
    case FAKE_FIELD_INT:
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, f->i);
      value = buf;
      break;
    case FAKE_FIELD_DECIMAL:
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT ".000000", f->i);
      value = buf;
      break;
    case FAKE_FIELD_BOOL:
      value = f->i ? "true" : "false";
      break;
    default:
      g_assert_not_reached ();
    }
  if (quote)
    csv_quoted (t->out, value);
  else
    g_string_append (t->out, value);
}

static void
end_row_csv (FakeTable *t)
{
  gboolean quote = t->n_fields > 1;

  if (t->n_rows == 0)
    {
      for (guint i = 0; i < t->n_fields; i++)
        {
          if (i > 0)
            g_string_append_c (t->out, ',');
          if (quote)
            csv_quoted (t->out, t->fields[i].name);
          else
            g_string_append (t->out, t->fields[i].name);
        }
      g_string_append_c (t->out, '\n');
    }
  for (guint i = 0; i < t->n_fields; i++)
    {
      if (i > 0)
        g_string_append_c (t->out, ',');
      csv_value (t, &t->fields[i], quote);
    }
  g_string_append_c (t->out, '\n');
}

static void
end_row_json (FakeTable *t)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  for (guint i = 0; i < t->n_fields; i++)
    {
      const FakeTableField *f = &t->fields[i];

      switch (f->type)
        {
        case FAKE_FIELD_NULL:
          break;
        case FAKE_FIELD_STRING:
          json_object_set_string_member (object, f->name, f->s);
          break;
        case FAKE_FIELD_INT:
        case FAKE_FIELD_DECIMAL:
          json_object_set_int_member (object, f->name, f->i);
          break;
        case FAKE_FIELD_BOOL:
          json_object_set_boolean_member (object, f->name, f->i != 0);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  json_node_set_object (node, object);
  json_generator_set_root (t->generator, node);
  g_string_append_c (t->out, t->n_rows == 0 ? '[' : ',');
  json_generator_to_gstring (t->generator, t->out);
}

void
fake_table_end_row (FakeTable *t)
{
  if (t->format == FAKE_TABLE_JSON)
    end_row_json (t);
  else
    end_row_csv (t);
  t->n_rows++;
  t->n_fields = 0;
}

guint
fake_table_get_n_rows (FakeTable *t)
{
  return t->n_rows;
}

GBytes *
fake_table_finish (FakeTable *t)
{
  GString *out;

  if (t->n_rows == 0)
    return NULL;
  if (t->format == FAKE_TABLE_JSON)
    g_string_append_c (t->out, ']');
  out = g_steal_pointer (&t->out);
  return g_string_free_to_bytes (out);
}
