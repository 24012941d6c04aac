/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the tests of records share: parsing a body whole, a byte at a time
 * and in odd-sized chunks, and comparing the records that come out. */

#include <string.h>

#include "tcia-core.h"
#include "tcia-json-rows.h"
#include "tcia-nbia-fields.h"
#include "tcia-records-private.h"

typedef struct
{
  GPtrArray *records;
  GError    *error;
  guint      n_dropped;
} Parsed;

static inline void
parsed_clear (Parsed *parsed)
{
  g_clear_pointer (&parsed->records, g_ptr_array_unref);
  g_clear_error (&parsed->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parsed, parsed_clear)

static inline void
parse_chunked (GType       type,
               int         value_kind,
               const char *body,
               gsize       len,
               gsize       chunk,
               Parsed     *out)
{
  g_autoptr(TciaRecordBuilder) builder = tcia_nbia_record_builder_new (type, 512);
  g_autoptr(TciaJsonRows) rows = NULL;
  gsize offset;
  gboolean ok = TRUE;

  if (value_kind >= 0)
    tcia_record_builder_set_preset (builder, tcia_value_get_kind_field (), value_kind);

  rows = tcia_json_rows_new (tcia_record_builder_get_keys (builder),
                             tcia_record_builder_get_sink (), builder);

  for (offset = 0; offset < len && ok; offset += chunk)
    ok = tcia_json_rows_feed (rows, body + offset, MIN (chunk, len - offset), &out->error);
  if (ok)
    ok = tcia_json_rows_finish (rows, &out->error);

  out->records = tcia_record_builder_steal_records (builder);
  out->n_dropped = tcia_record_builder_get_n_dropped (builder);
  g_assert_true (ok == (out->error == NULL));
}

/* Every property as "name=value" lines, for comparing records. */
static inline char *
dump_record (GObject *record)
{
  g_autofree GParamSpec **pspecs = NULL;
  GString *out = g_string_new (NULL);
  guint n, i;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (record), &n);
  for (i = 0; i < n; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;
      g_autofree char *text = NULL;

      g_value_init (&value, pspecs[i]->value_type);
      g_object_get_property (record, pspecs[i]->name, &value);
      text = g_strdup_value_contents (&value);
      g_string_append_printf (out, "%s=%s\n", pspecs[i]->name, text);
    }

  return g_string_free (out, FALSE);
}

static inline char *
dump_records (GPtrArray *records)
{
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; i < records->len; i++)
    {
      g_autofree char *one = dump_record (g_ptr_array_index (records, i));

      g_string_append_printf (out, "--- %u\n%s", i, one);
    }

  return g_string_free (out, FALSE);
}

/* Parses @body whole, byte by byte and in 7-byte chunks; all three must give
 * the same records and the same outcome. Returns the whole parse. */
static inline void
parse_all_ways (GType       type,
                int         value_kind,
                const char *body,
                Parsed     *out)
{
  static const gsize chunks[] = { 1, 7, 4093 };
  gsize len = strlen (body);
  g_autofree char *reference = NULL;
  guint i;

  parse_chunked (type, value_kind, body, len, MAX (len, 1), out);
  reference = dump_records (out->records);

  for (i = 0; i < G_N_ELEMENTS (chunks); i++)
    {
      g_auto(Parsed) other = { 0, };
      g_autofree char *dump = NULL;

      parse_chunked (type, value_kind, body, len, chunks[i], &other);
      dump = dump_records (other.records);
      g_assert_cmpstr (dump, ==, reference);
      g_assert_cmpint (other.error != NULL, ==, out->error != NULL);
      if (out->error != NULL)
        {
          g_assert_cmpint (other.error->domain, ==, out->error->domain);
          g_assert_cmpint (other.error->code, ==, out->error->code);
        }
    }
}

static inline GObject *
record_at (Parsed *parsed,
           guint   i)
{
  g_assert_nonnull (parsed->records);
  g_assert_cmpuint (i, <, parsed->records->len);

  return g_ptr_array_index (parsed->records, i);
}

static inline void
assert_string_prop (gpointer    record,
                    const char *name,
                    const char *expected)
{
  g_autofree char *value = NULL;

  g_object_get (record, name, &value, NULL);
  if (g_strcmp0 (value, expected) != 0)
    g_error ("property %s: expected “%s”, got “%s”", name,
             expected ? expected : "(null)", value ? value : "(null)");
}
