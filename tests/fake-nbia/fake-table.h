/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FAKE_TABLE_MAX_FIELDS 48

typedef enum
{
  FAKE_TABLE_JSON,
  FAKE_TABLE_CSV,
} FakeTableFormat;

typedef enum
{
  FAKE_FIELD_NULL,
  FAKE_FIELD_STRING,
  FAKE_FIELD_INT,
  FAKE_FIELD_DECIMAL,        /* a JSON number; "N.000000" in CSV, as the DB's decimal(22,6) */
  FAKE_FIELD_BOOL,
} FakeTableFieldType;

typedef struct
{
  const char         *name;
  FakeTableFieldType  type;
  const char         *s;
  gint64              i;
} FakeTableField;

typedef struct _FakeTable FakeTable;

FakeTable *fake_table_new        (FakeTableFormat  format);
void       fake_table_free       (FakeTable       *t);

/* Field values are borrowed until fake_table_end_row(). A NULL string is a null. */
void       fake_table_string     (FakeTable       *t,
                                  const char      *name,
                                  const char      *value);
void       fake_table_int        (FakeTable       *t,
                                  const char      *name,
                                  gint64           value);
void       fake_table_decimal    (FakeTable       *t,
                                  const char      *name,
                                  gint64           value);
/* @value < 0 is a null. */
void       fake_table_bool       (FakeTable       *t,
                                  const char      *name,
                                  int              value);
void       fake_table_end_row    (FakeTable       *t);
guint      fake_table_get_n_rows (FakeTable       *t);
/* The body, or NULL when there were no rows. Once only. */
GBytes    *fake_table_finish     (FakeTable       *t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeTable, fake_table_free)

G_END_DECLS
