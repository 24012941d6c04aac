/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "tcia-core.h"

static void
test_new (void)
{
  g_autoptr(TciaQuery) query = tcia_query_new ();

  g_assert_null (query->collection);
  g_assert_null (query->patient_id);
  g_assert_null (query->study_uid);
  g_assert_null (query->series_uid);
  g_assert_null (query->modality);
  g_assert_null (query->body_part);
  g_assert_null (query->manufacturer);
  g_assert_null (query->manufacturer_model);
}

static TciaQuery *
full_query (void)
{
  TciaQuery *query = tcia_query_new ();

  tcia_query_set (query, &query->collection, "NSCLC Radiogenomics");
  tcia_query_set (query, &query->patient_id, "R01-001");
  tcia_query_set (query, &query->study_uid, "1.2.3");
  tcia_query_set (query, &query->series_uid, "1.2.3.4");
  tcia_query_set (query, &query->modality, "CT");
  tcia_query_set (query, &query->body_part, "CHEST");
  tcia_query_set (query, &query->manufacturer, "GE MEDICAL SYSTEMS");
  tcia_query_set (query, &query->manufacturer_model, "LightSpeed 16");

  return query;
}

static void
test_set (void)
{
  g_autoptr(TciaQuery) query = tcia_query_new ();
  g_autofree char *outside = NULL;
  const char *before;

  tcia_query_set (query, &query->collection, "4D-Lung");
  g_assert_cmpstr (query->collection, ==, "4D-Lung");

  /* Setting the same value keeps the same string. */
  before = query->collection;
  tcia_query_set (query, &query->collection, "4D-Lung");
  g_assert_true (query->collection == before);

  /* Setting a field from its own value is safe. */
  tcia_query_set (query, &query->modality, "CT");
  tcia_query_set (query, &query->body_part, query->modality);
  g_assert_cmpstr (query->body_part, ==, "CT");

  /* NULL and "" clear. */
  tcia_query_set (query, &query->collection, "");
  g_assert_null (query->collection);
  tcia_query_set (query, &query->modality, NULL);
  g_assert_null (query->modality);

  /* The value is copied. */
  outside = g_strdup ("RIDER Lung CT");
  tcia_query_set (query, &query->collection, outside);
  g_assert_true (query->collection != outside);
  outside[0] = 'X';
  g_assert_cmpstr (query->collection, ==, "RIDER Lung CT");

  /* A field that is not part of the query is refused. */
  if (g_test_undefined ())
    {
      char *stray = NULL;

      g_test_expect_message ("tcia-core", G_LOG_LEVEL_CRITICAL, "*assertion*");
      tcia_query_set (query, &stray, "x");
      g_test_assert_expected_messages ();
      g_assert_null (stray);
    }
}

static void
test_copy (void)
{
  g_autoptr(TciaQuery) query = full_query ();
  g_autoptr(TciaQuery) copy = tcia_query_copy (query);
  g_autoptr(TciaQuery) boxed = g_boxed_copy (TCIA_TYPE_QUERY, query);

  g_assert_true (tcia_query_equal (query, copy));
  g_assert_true (tcia_query_equal (query, boxed));
  g_assert_cmpstr (copy->manufacturer_model, ==, "LightSpeed 16");
  g_assert_true (copy->collection != query->collection);

  /* Changing the copy leaves the original alone. */
  tcia_query_set (copy, &copy->modality, "MR");
  g_assert_cmpstr (query->modality, ==, "CT");
  g_assert_false (tcia_query_equal (query, copy));
}

static void
test_equal (void)
{
  g_autoptr(TciaQuery) a = tcia_query_new ();
  g_autoptr(TciaQuery) b = tcia_query_new ();
  g_autoptr(TciaQuery) full = full_query ();
  g_autoptr(TciaQuery) other = NULL;
  char **fields[8];
  guint i;

  g_assert_true (tcia_query_equal (a, b));
  g_assert_true (tcia_query_equal (NULL, NULL));
  g_assert_false (tcia_query_equal (a, NULL));
  g_assert_false (tcia_query_equal (NULL, a));
  g_assert_true (tcia_query_equal (a, a));

  /* "" and NULL both mean "any". */
  a->collection = g_strdup ("");
  g_assert_true (tcia_query_equal (a, b));
  g_clear_pointer (&a->collection, g_free);

  /* Each field counts; case counts too (the server decides what matches). */
  other = tcia_query_copy (full);
  fields[0] = &other->collection;
  fields[1] = &other->patient_id;
  fields[2] = &other->study_uid;
  fields[3] = &other->series_uid;
  fields[4] = &other->modality;
  fields[5] = &other->body_part;
  fields[6] = &other->manufacturer;
  fields[7] = &other->manufacturer_model;
  for (i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *saved = g_strdup (*fields[i]);

      g_assert_true (tcia_query_equal (full, other));
      tcia_query_set (other, fields[i], "something else");
      g_assert_false (tcia_query_equal (full, other));
      tcia_query_set (other, fields[i], NULL);
      g_assert_false (tcia_query_equal (full, other));
      tcia_query_set (other, fields[i], saved);
    }
  g_assert_true (tcia_query_equal (full, other));

  tcia_query_set (other, &other->modality, "ct");
  g_assert_false (tcia_query_equal (full, other));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/query/new", test_new);
  g_test_add_func ("/core/query/set", test_set);
  g_test_add_func ("/core/query/copy", test_copy);
  g_test_add_func ("/core/query/equal", test_equal);

  return g_test_run ();
}
