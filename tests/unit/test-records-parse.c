/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Parsing odd NBIA bodies into records: a single object, empty and
 * malformed bodies, nesting, numbers, dates, strings, huge values, many
 * rows and keys in any order, as a real server (or a broken proxy) can
 * send them. */

#include "records-test-util.h"

/* A single object instead of an array (the Go retriever copes with it too). */
static void
test_single_object (void)
{
  g_auto(Parsed) parsed = { 0, };

  parse_all_ways (TCIA_TYPE_SERIES, -1, "{\"SeriesInstanceUID\":\"1.2\",\"Modality\":\"CT\"}", &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, 1);
  g_assert_cmpstr (tcia_series_get_modality (TCIA_SERIES (record_at (&parsed, 0))), ==, "CT");
}

/* ---- Malformed and awkward bodies ------------------------------------------ */

static void
test_empty_bodies (void)
{
  const char *bodies[] = { "", "   \r\n\t ", "[]", " [ ] ", "null", "[{}]" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_auto(Parsed) parsed = { 0, };

      parse_all_ways (TCIA_TYPE_SERIES, -1, bodies[i], &parsed);
      g_assert_no_error (parsed.error);
      g_assert_cmpuint (parsed.records->len, ==, 0);
    }
}

static void
assert_parse_error (const char *body,
                    gint        code,
                    guint       n_rows_before)
{
  g_auto(Parsed) parsed = { 0, };

  parse_all_ways (TCIA_TYPE_SERIES, -1, body, &parsed);
  g_assert_error (parsed.error, G_IO_ERROR, code);
  g_assert_nonnull (strstr (parsed.error->message, "at byte "));
  g_assert_cmpuint (parsed.records->len, ==, n_rows_before);
}

static void
test_malformed (void)
{
  /* Not JSON at all, or an HTML page. */
  assert_parse_error ("hello", G_IO_ERROR_INVALID_DATA, 0);
  assert_parse_error ("<html><body>Service Unavailable</body></html>", G_IO_ERROR_INVALID_DATA, 0);
  /* Cut short. */
  assert_parse_error ("{\"a\":", G_IO_ERROR_PARTIAL_INPUT, 0);
  assert_parse_error ("[{\"SeriesInstanceUID\":\"1.2\"},{\"SeriesInstanceUID\":\"1.", G_IO_ERROR_PARTIAL_INPUT, 1);
  assert_parse_error ("[{\"SeriesInstanceUID\":\"1.2\"}", G_IO_ERROR_PARTIAL_INPUT, 1);
  /* Not a list of records. */
  assert_parse_error ("\"just a string\"", G_IO_ERROR_INVALID_DATA, 0);
  assert_parse_error ("42", G_IO_ERROR_INVALID_DATA, 0);
  assert_parse_error ("-1.5e3", G_IO_ERROR_INVALID_DATA, 0);
  assert_parse_error ("true", G_IO_ERROR_INVALID_DATA, 0);
  /* Broken in the middle, after good rows, and trailing garbage. */
  assert_parse_error ("[{\"SeriesInstanceUID\":\"1\"},{\"SeriesInstanceUID\" \"2\"}]", G_IO_ERROR_INVALID_DATA, 1);
  assert_parse_error ("[{\"SeriesInstanceUID\":\"1\"}] trailing", G_IO_ERROR_INVALID_DATA, 1);
  assert_parse_error ("[{\"SeriesInstanceUID\":\"1\",}]", G_IO_ERROR_INVALID_DATA, 0);
  assert_parse_error ("[{\"SeriesInstanceUID\":\"1\"}][]", G_IO_ERROR_INVALID_DATA, 1);
}

static void
test_error_offset (void)
{
  static const char body[] = "[{\"SeriesInstanceUID\":\"1\"},{\"Modality\":@}]";
  g_auto(Parsed) parsed = { 0, };
  guint64 offset;

  parse_chunked (TCIA_TYPE_SERIES, -1, body, strlen (body), strlen (body), &parsed);
  g_assert_error (parsed.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  /* The '@' is byte 39. */
  g_assert_true (g_str_has_prefix (parsed.error->message, "at byte "));
  offset = g_ascii_strtoull (parsed.error->message + strlen ("at byte "), NULL, 10);
  g_assert_cmpuint (offset, >=, 39);
  g_assert_cmpuint (offset, <=, 40);
}

static void
test_nested (void)
{
  static const char body[] =
    "[\"a stray string\", 7, [ {\"SeriesInstanceUID\":\"nested-row\"} ],"
    " {\"SeriesInstanceUID\":\"1\",\"Tags\":[1,{\"Modality\":\"XX\"},[\"y\"]],"
    "  \"Inner\":{\"Modality\":\"YY\",\"SeriesInstanceUID\":\"bad\",\"Deeper\":{\"a\":[{}]}},"
    "  \"Modality\":\"CT\",\"BodyPartExamined\":{\"not\":\"a string\"}},"
    " {\"SeriesInstanceUID\":\"2\",\"Modality\":\"MR\"}]";
  g_auto(Parsed) parsed = { 0, };
  TciaSeries *series;

  parse_all_ways (TCIA_TYPE_SERIES, -1, body, &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, 2);
  series = TCIA_SERIES (record_at (&parsed, 0));
  g_assert_cmpstr (tcia_series_get_series_uid (series), ==, "1");
  g_assert_cmpstr (tcia_series_get_modality (series), ==, "CT");
  g_assert_null (tcia_series_get_body_part (series));
  series = TCIA_SERIES (record_at (&parsed, 1));
  g_assert_cmpstr (tcia_series_get_series_uid (series), ==, "2");
  g_assert_cmpstr (tcia_series_get_modality (series), ==, "MR");
}

static void
test_numbers (void)
{
  static const char body[] =
    "[{\"SeriesInstanceUID\":\"strings\",\"ImageCount\":\"48\",\"FileSize\":\"71599388.0\",\"SeriesNumber\":\"500.000000\"},"
    " {\"SeriesInstanceUID\":\"exponent\",\"ImageCount\":4.8e1,\"FileSize\":2.5e7,\"SeriesNumber\":2.50},"
    " {\"SeriesInstanceUID\":\"negative\",\"ImageCount\":-5,\"FileSize\":-1,\"SeriesNumber\":\"-3\"},"
    " {\"SeriesInstanceUID\":\"huge\",\"ImageCount\":99999999999,\"FileSize\":18446744073709551616,\"SeriesNumber\":\"2.5\"},"
    " {\"SeriesInstanceUID\":\"max\",\"ImageCount\":4294967295,\"FileSize\":18446744073709551615},"
    " {\"SeriesInstanceUID\":\"garbage\",\"ImageCount\":\"many\",\"FileSize\":true,\"SeriesNumber\":\"n/a\"},"
    " {\"SeriesInstanceUID\":\"fraction\",\"ImageCount\":2.5,\"FileSize\":1e400,\"SeriesNumber\":\"10.000\"},"
    " {\"SeriesInstanceUID\":\"spaces\",\"ImageCount\":\" 12 \",\"FileSize\":\"0x10\",\"SeriesNumber\":\"7\"}]";
  static const struct {
    guint image_count;
    guint64 file_size;
    const char *series_number;
  } expected[] = {
    { 48, 71599388, "500" },
    { 48, 25000000, "2.5" },
    { 0, 0, "-3" },
    { 0, 0, "2.5" },
    { G_MAXUINT, G_MAXUINT64, NULL },
    { 0, 0, "n/a" },
    { 0, 0, "10" },
    { 12, 0, "7" },
  };
  g_auto(Parsed) parsed = { 0, };
  guint i;

  parse_all_ways (TCIA_TYPE_SERIES, -1, body, &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, G_N_ELEMENTS (expected));

  for (i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      TciaSeries *series = TCIA_SERIES (record_at (&parsed, i));

      g_test_message ("row %s", tcia_series_get_series_uid (series));
      g_assert_cmpuint (tcia_series_get_image_count (series), ==, expected[i].image_count);
      g_assert_cmpuint (tcia_series_get_file_size (series), ==, expected[i].file_size);
      g_assert_cmpstr (tcia_series_get_series_number (series), ==, expected[i].series_number);
    }

  {
    g_auto(Parsed) counts = { 0, };

    parse_all_ways (TCIA_TYPE_COLLECTION, -1,
                    "[{\"Collection\":\"a\",\"Count\":2147483648},{\"Collection\":\"b\",\"Count\":2147483647},"
                    " {\"Collection\":\"c\",\"Count\":\"12.0\"},{\"Collection\":\"d\",\"Count\":null}]", &counts);
    g_assert_no_error (counts.error);
    g_assert_cmpint (tcia_collection_get_patient_count (TCIA_COLLECTION (record_at (&counts, 0))), ==, -1);
    g_assert_cmpint (tcia_collection_get_patient_count (TCIA_COLLECTION (record_at (&counts, 1))), ==, G_MAXINT);
    g_assert_cmpint (tcia_collection_get_patient_count (TCIA_COLLECTION (record_at (&counts, 2))), ==, 12);
    g_assert_cmpint (tcia_collection_get_patient_count (TCIA_COLLECTION (record_at (&counts, 3))), ==, -1);
  }
}

static void
test_dates (void)
{
  static const struct {
    const char *sent;
    const char *stored;
  } cases[] = {
    { "03-08-2019", "2019-03-08" },
    { "2003-12-12 00:00:00.0", "2003-12-12" },
    { "2003-12-12", "2003-12-12" },
    { "2003-12-12T10:00:00Z", "2003-12-12" },
    { "Mon Nov 04 11:45:52 UTC 2013", "2013-11-04" },
    { "Wed Jun 20 00:00:00 EDT 2001", "2001-06-20" },
    { "Thu Feb 29 00:00:00 UTC 2024", "2024-02-29" },
    /* Not dates, or impossible ones: kept as sent, never invented. */
    { "13-45-2019", "13-45-2019" },
    { "02-30-2019", "02-30-2019" },
    { "2019-02-29", "2019-02-29" },
    { "00-00-0000", "00-00-0000" },
    { "sometime in 2001", "sometime in 2001" },
    { "Mon Foo 04 11:45:52 UTC 2013", "Mon Foo 04 11:45:52 UTC 2013" },
    { "19970915", "19970915" },
    { "1-2-2003", "1-2-2003" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Parsed) parsed = { 0, };
      g_autofree char *body = g_strdup_printf ("[{\"SeriesInstanceUID\":\"1\",\"StudyDate\":\"%s\"}]",
                                               cases[i].sent);

      parse_all_ways (TCIA_TYPE_SERIES, -1, body, &parsed);
      g_assert_no_error (parsed.error);
      g_assert_cmpstr (tcia_series_get_study_date (TCIA_SERIES (record_at (&parsed, 0))), ==, cases[i].stored);
    }
}

static void
test_strings (void)
{
  /* Escapes, explicit null, duplicate keys (the last one wins), "" as absent,
   * unknown keys, and a key with invalid UTF-8. */
  static const char body[] =
    "[{\"SeriesInstanceUID\":\"1\",\"SeriesDescription\":\"caf\\u00e9 \\\"q\\\" \\\\ \\/ \\n\\t\","
    "\"Modality\":null,\"Collection\":\"A\",\"Collection\":\"B\",\"ProtocolName\":\"\","
    "\"SomethingNew\":\"ignored\",\"Manufactur\xff\":\"x\",\"Authorized\":1}]";
  g_auto(Parsed) parsed = { 0, };
  TciaSeries *series;

  parse_all_ways (TCIA_TYPE_SERIES, -1, body, &parsed);
  g_assert_no_error (parsed.error);
  series = TCIA_SERIES (record_at (&parsed, 0));
  g_assert_cmpstr (tcia_series_get_series_description (series), ==, "café \"q\" \\ / \n\t");
  g_assert_null (tcia_series_get_modality (series));
  g_assert_cmpstr (tcia_series_get_collection (series), ==, "B");
  g_assert_null (tcia_series_get_protocol_name (series));
  g_assert_null (tcia_series_get_manufacturer (series));
}

static void
test_invalid_utf8 (void)
{
  static const char body[] =
    "[{\"SeriesInstanceUID\":\"1\",\"SeriesDescription\":\"ab\xff\xfe" "cd\",\"PatientName\":\"\xc3\","
    "\"Collection\":\"Caf\xc3\xa9\",\"Manufacturer\":\"\xed\xa0\x80\"}]";
  g_auto(Parsed) parsed = { 0, };
  TciaSeries *series;
  g_autofree char *via_property = NULL;

  parse_all_ways (TCIA_TYPE_SERIES, -1, body, &parsed);
  g_assert_no_error (parsed.error);
  series = TCIA_SERIES (record_at (&parsed, 0));

  g_assert_true (g_utf8_validate (tcia_series_get_series_description (series), -1, NULL));
  g_assert_cmpstr (tcia_series_get_series_description (series), ==, "ab\xef\xbf\xbd\xef\xbf\xbd" "cd");
  g_assert_cmpstr (tcia_series_get_patient_name (series), ==, "\xef\xbf\xbd");
  g_assert_cmpstr (tcia_series_get_collection (series), ==, "Café");
  g_assert_true (g_utf8_validate (tcia_series_get_manufacturer (series), -1, NULL));

  /* GObject must never see invalid UTF-8. */
  g_object_get (series, "series-description", &via_property, NULL);
  g_assert_true (g_utf8_validate (via_property, -1, NULL));
}

static void
test_empty_rows (void)
{
  g_auto(Parsed) parsed = { 0, };

  parse_all_ways (TCIA_TYPE_SERIES, -1,
                  "[{}, {\"Authorized\":1}, {\"SeriesInstanceUID\":\"\"}, {\"SeriesInstanceUID\":\"1\"}, {}]",
                  &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, 1);
  g_assert_cmpuint (parsed.n_dropped, ==, 4);
}

static void
test_big_value (void)
{
  gsize big = 1024 * 1024;
  GString *body = g_string_new ("[{\"SeriesInstanceUID\":\"1\",\"SeriesDescription\":\"");
  g_autofree char *text = NULL;
  g_auto(Parsed) whole = { 0, };
  g_auto(Parsed) chunked = { 0, };
  const char *description;
  gsize i;

  for (i = 0; i < big; i++)
    g_string_append_c (body, 'a' + (char) (i % 26));
  g_string_append (body, "\",\"Modality\":\"CT\"}]");
  text = g_string_free (body, FALSE);

  parse_chunked (TCIA_TYPE_SERIES, -1, text, strlen (text), strlen (text), &whole);
  g_assert_no_error (whole.error);
  description = tcia_series_get_series_description (TCIA_SERIES (record_at (&whole, 0)));
  g_assert_cmpuint (strlen (description), ==, big);
  g_assert_cmpstr (tcia_series_get_modality (TCIA_SERIES (record_at (&whole, 0))), ==, "CT");

  /* A value much longer than the chunks it arrives in. */
  parse_chunked (TCIA_TYPE_SERIES, -1, text, strlen (text), 1000, &chunked);
  g_assert_no_error (chunked.error);
  g_assert_cmpstr (tcia_series_get_series_description (TCIA_SERIES (record_at (&chunked, 0))), ==, description);
}

/* `[{"SeriesInstanceUID":"1","<name>":<value of @len bytes>}]`, the value
 * a string of 'a' (@quoted) or a number of '1'; when @as_key, the big text
 * is the key instead. */
static char *
body_with_big_value (gsize     len,
                     gboolean  quoted,
                     gboolean  as_key,
                     gsize    *out_len)
{
  const char *head = as_key ? "[{\"SeriesInstanceUID\":\"1\",\""
                            : "[{\"SeriesInstanceUID\":\"1\",\"SeriesDescription\":";
  const char *tail = as_key ? "\":\"x\"}]" : "}]";
  gsize head_len = strlen (head);
  gsize tail_len = strlen (tail);
  gsize quotes = (quoted && !as_key) ? 1 : 0;
  gsize total = head_len + quotes + len + quotes + tail_len;
  char *body = g_malloc (total + 1);
  char *p = body;

  memcpy (p, head, head_len);
  p += head_len;
  if (quotes)
    *p++ = '"';
  memset (p, quoted || as_key ? 'a' : '1', len);
  p += len;
  if (quotes)
    *p++ = '"';
  memcpy (p, tail, tail_len);
  p += tail_len;
  *p = '\0';
  *out_len = total;

  return body;
}

/* A value over the cap fails at once, however it arrives, and is never
 * buffered whole (before the cap, a 100 MB string took half a minute and
 * most of a GB); one just under the cap still parses. */
static void
test_value_cap (void)
{
  gsize cap = TCIA_JSON_ROWS_MAX_VALUE_BYTES;
  struct {
    gsize    len;
    gboolean quoted;
    gboolean as_key;
  } too_big[] = {
    { 100 * 1000 * 1000, TRUE, FALSE },
    { cap + 256 * 1024, TRUE, FALSE },
    { 2 * cap, FALSE, FALSE },
    { 2 * cap, TRUE, TRUE },
  };
  gsize chunks[] = { 64 * 1024, 1000 * 1000 * 1000 };
  guint i, j;

  for (i = 0; i < G_N_ELEMENTS (too_big); i++)
    {
      gsize len;
      g_autofree char *body = body_with_big_value (too_big[i].len, too_big[i].quoted,
                                                   too_big[i].as_key, &len);

      for (j = 0; j < G_N_ELEMENTS (chunks); j++)
        {
          g_auto(Parsed) parsed = { 0, };

          parse_chunked (TCIA_TYPE_SERIES, -1, body, len, chunks[j], &parsed);
          g_assert_error (parsed.error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
          g_assert_nonnull (strstr (parsed.error->message, "MiB"));
          g_assert_cmpuint (parsed.records->len, ==, 0);
        }
    }

  /* Just under the cap, as a string, a number and a key. */
  for (i = 0; i < 3; i++)
    {
      gsize len;
      g_autofree char *body = body_with_big_value (cap - 1, i != 1, i == 2, &len);

      for (j = 0; j < G_N_ELEMENTS (chunks); j++)
        {
          g_auto(Parsed) parsed = { 0, };

          parse_chunked (TCIA_TYPE_SERIES, -1, body, len, chunks[j], &parsed);
          g_assert_no_error (parsed.error);
          g_assert_cmpuint (parsed.records->len, ==, 1);
          if (i == 0)
            g_assert_cmpuint (strlen (tcia_series_get_series_description (TCIA_SERIES (record_at (&parsed, 0)))),
                              ==, cap - 1);
        }
    }
}

/* Rows with shared values share storage, and distinct rows stay distinct. */
static void
test_many_rows (void)
{
  GString *body = g_string_new ("[");
  g_autofree char *text = NULL;
  g_auto(Parsed) parsed = { 0, };
  guint i;

  for (i = 0; i < 5000; i++)
    g_string_append_printf (body,
                            "%s{\"SeriesInstanceUID\":\"1.2.%u\",\"Collection\":\"C%u\",\"Modality\":\"CT\","
                            "\"ImageCount\":%u,\"FileSize\":%u,\"StudyDate\":\"01-%02u-2020\"}",
                            i > 0 ? "," : "", i, i / 1000, i, i * 3, 1 + i % 28);
  g_string_append (body, "]");
  text = g_string_free (body, FALSE);

  parse_chunked (TCIA_TYPE_SERIES, -1, text, strlen (text), 65536, &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, 5000);
  for (i = 0; i < 5000; i++)
    {
      TciaSeries *series = TCIA_SERIES (record_at (&parsed, i));
      g_autofree char *uid = g_strdup_printf ("1.2.%u", i);
      g_autofree char *collection = g_strdup_printf ("C%u", i / 1000);
      g_autofree char *date = g_strdup_printf ("2020-01-%02u", 1 + i % 28);

      g_assert_cmpstr (tcia_series_get_series_uid (series), ==, uid);
      g_assert_cmpstr (tcia_series_get_collection (series), ==, collection);
      g_assert_cmpstr (tcia_series_get_study_date (series), ==, date);
      g_assert_cmpuint (tcia_series_get_image_count (series), ==, i);
      g_assert_cmpuint (tcia_series_get_file_size (series), ==, i * 3);
    }
  /* Deduplicated: one copy of "CT" for all rows. */
  g_assert_true (tcia_series_get_modality (TCIA_SERIES (record_at (&parsed, 0))) ==
                 tcia_series_get_modality (TCIA_SERIES (record_at (&parsed, 4999))));

  /* Records outlive the builder and each other. */
  {
    g_autoptr(TciaSeries) kept = g_object_ref (TCIA_SERIES (record_at (&parsed, 1234)));

    parsed_clear (&parsed);
    g_assert_cmpstr (tcia_series_get_series_uid (kept), ==, "1.2.1234");
    g_assert_cmpstr (tcia_series_get_collection (kept), ==, "C1");
  }
}

/* Keys in a different order in every row, some missing, and hundreds of
 * keys nobody knows: every field still lands where it belongs. */
static void
test_key_order (void)
{
  static const char *keys[] = {
    "SeriesInstanceUID", "Modality", "Collection", "PatientID", "StudyDesc", "ImageCount",
    "FileSize", "SeriesDescription", "BodyPartExamined", "Manufacturer",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (1234);
  GString *body = g_string_new ("[");
  g_autofree char *text = NULL;
  g_auto(Parsed) parsed = { 0, };
  guint n_rows = 3000;
  guint i, j;

  for (i = 0; i < n_rows; i++)
    {
      guint order[G_N_ELEMENTS (keys)];

      for (j = 0; j < G_N_ELEMENTS (keys); j++)
        order[j] = j;
      for (j = G_N_ELEMENTS (keys) - 1; j > 0; j--)
        {
          guint k = (guint) g_rand_int_range (rand, 0, (gint32) j + 1);
          guint t = order[j];

          order[j] = order[k];
          order[k] = t;
        }

      g_string_append (body, i > 0 ? ",{" : "{");
      for (j = 0; j < G_N_ELEMENTS (keys); j++)
        {
          guint key = order[j];

          /* Keys other than the UID are left out now and then. */
          if (key != 0 && g_rand_int_range (rand, 0, 5) == 0)
            continue;
          if (key == 5 || key == 6)
            g_string_append_printf (body, "\"%s\":%u,", keys[key], i * 10 + key);
          else
            g_string_append_printf (body, "\"%s\":\"%s-%u\",", keys[key], keys[key], i % 37);
          g_string_append_printf (body, "\"Unknown%u\":\"x\",", g_rand_int_range (rand, 0, 400));
        }
      g_string_truncate (body, body->len - 1);
      g_string_append_c (body, '}');
    }
  g_string_append_c (body, ']');
  text = g_string_free (body, FALSE);

  parse_chunked (TCIA_TYPE_SERIES, -1, text, strlen (text), 65536, &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, n_rows);

  /* Check against the same random choices, replayed. */
  g_rand_set_seed (rand, 1234);
  for (i = 0; i < n_rows; i++)
    {
      TciaSeries *series = TCIA_SERIES (record_at (&parsed, i));
      guint order[G_N_ELEMENTS (keys)];

      for (j = 0; j < G_N_ELEMENTS (keys); j++)
        order[j] = j;
      for (j = G_N_ELEMENTS (keys) - 1; j > 0; j--)
        {
          guint k = (guint) g_rand_int_range (rand, 0, (gint32) j + 1);
          guint t = order[j];

          order[j] = order[k];
          order[k] = t;
        }

      for (j = 0; j < G_N_ELEMENTS (keys); j++)
        {
          guint key = order[j];
          g_autofree char *expected = NULL;
          g_auto(GValue) value = G_VALUE_INIT;
          static const char *props[] = {
            "series-uid", "modality", "collection", "patient-id", "study-description",
            "image-count", "file-size", "series-description", "body-part", "manufacturer",
          };
          gboolean present = key == 0 || g_rand_int_range (rand, 0, 5) != 0;

          if (present)
            g_rand_int_range (rand, 0, 400);

          g_object_get_property (G_OBJECT (series), props[key], &value);
          if (key == 5)
            g_assert_cmpuint (g_value_get_uint (&value), ==, present ? i * 10 + key : 0);
          else if (key == 6)
            g_assert_cmpuint (g_value_get_uint64 (&value), ==, present ? i * 10 + key : 0);
          else
            {
              expected = present ? g_strdup_printf ("%s-%u", keys[key], i % 37) : NULL;
              g_assert_cmpstr (g_value_get_string (&value), ==, expected);
            }
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/records/single-object", test_single_object);
  g_test_add_func ("/core/records/empty-bodies", test_empty_bodies);
  g_test_add_func ("/core/records/malformed", test_malformed);
  g_test_add_func ("/core/records/error-offset", test_error_offset);
  g_test_add_func ("/core/records/nested", test_nested);
  g_test_add_func ("/core/records/numbers", test_numbers);
  g_test_add_func ("/core/records/dates", test_dates);
  g_test_add_func ("/core/records/strings", test_strings);
  g_test_add_func ("/core/records/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/core/records/empty-rows", test_empty_rows);
  g_test_add_func ("/core/records/big-value", test_big_value);
  g_test_add_func ("/core/records/value-cap", test_value_cap);
  g_test_add_func ("/core/records/many-rows", test_many_rows);
  g_test_add_func ("/core/records/key-order", test_key_order);

  return g_test_run ();
}
