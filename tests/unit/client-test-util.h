/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the tests of the client against the fake NBIA server share
 * (test-client.c, test-client-faults.c, test-client-wire.c): synchronous calls, the fixture of a
 * fake server with a v4 and a v1 client, and checks of what came back. */

#include <string.h>

#include "fake-nbia.h"
#include "tcia-client-private.h"
#include "tcia-core.h"
#include "unit-test-util.h"

/* ---- Waiting for results --------------------------------------------------- */

#define DEFINE_LISTING(name, args, call_args)                               \
  static inline GListModel *                                                \
  name##_sync (TciaClient *client,                                          \
               args,                                                        \
               GListStore *into,                                            \
               GError    **error)                                           \
  {                                                                         \
    g_autoptr(GAsyncResult) result = NULL;                                  \
    tcia_client_##name##_async (client, call_args, into, NULL,              \
                                store_result_cb, &result);                  \
    wait_for (&result);                                                     \
    return tcia_client_##name##_finish (client, result, error);             \
  }

#define COMMA ,
DEFINE_LISTING (list_collections, gboolean with_counts, with_counts)
DEFINE_LISTING (list_values, TciaValueKind kind COMMA const TciaQuery *query COMMA gboolean with_counts,
                kind COMMA query COMMA with_counts)
DEFINE_LISTING (list_descriptions, const char *collection, collection)
DEFINE_LISTING (list_patients, const TciaQuery *query, query)
DEFINE_LISTING (list_studies, const TciaQuery *query, query)
DEFINE_LISTING (list_series, const TciaQuery *query, query)
DEFINE_LISTING (list_updated_series, GDateTime *from_date, from_date)
DEFINE_LISTING (get_series_metadata, const char * const *uids COMMA guint chunk_size, uids COMMA chunk_size)
DEFINE_LISTING (get_shared_cart, const char *name_or_url, name_or_url)
#undef COMMA

static inline TciaQuery *
query_new (const char *collection,
           const char *patient_id,
           const char *modality,
           const char *body_part)
{
  TciaQuery *query = tcia_query_new ();

  tcia_query_set (query, &query->collection, collection);
  tcia_query_set (query, &query->patient_id, patient_id);
  tcia_query_set (query, &query->modality, modality);
  tcia_query_set (query, &query->body_part, body_part);

  return query;
}

/* ---- The fake server fixture ----------------------------------------------- */

typedef struct
{
  FakeNbia   *fake;
  TciaClient *v4;
  TciaClient *v1;
} Fixture;

static inline void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url4 = NULL;
  g_autofree char *url1 = NULL;
  FakeNbiaOptions options;

  fake_nbia_options_init (&options);
  if (GPOINTER_TO_UINT (data) != 0)
    options.n_series = GPOINTER_TO_UINT (data);
  f->fake = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (f->fake, 0, &error));
  g_assert_no_error (error);

  url4 = fake_nbia_get_url (f->fake, 4);
  url1 = fake_nbia_get_url (f->fake, 1);
  f->v4 = tcia_client_new (url4, &error);
  g_assert_no_error (error);
  f->v1 = tcia_client_new (url1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tcia_client_get_api_version (f->v4), ==, TCIA_API_V4);
  g_assert_cmpint (tcia_client_get_api_version (f->v1), ==, TCIA_API_V1);

  /* Tiny waits so that retries cost nothing. */
  tcia_client_set_retry_policy (f->v4, 4, 1, 5);
  tcia_client_set_retry_policy (f->v1, 4, 1, 5);
}

static inline void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->v4);
  g_clear_object (&f->v1);
  g_clear_pointer (&f->fake, fake_nbia_free);
}

static inline GPtrArray *
fake_series (Fixture *f)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_free);
  guint n = fake_nbia_get_n_series (f->fake);
  guint i;

  for (i = 0; i < n; i++)
    {
      FakeNbiaSeriesInfo *info = g_new0 (FakeNbiaSeriesInfo, 1);

      fake_nbia_get_series (f->fake, i, info);
      g_ptr_array_add (all, info);
    }

  return all;
}

/* A collection of the fake archive whose name has a space and several series. */
static inline const char *
collection_with_spaces (Fixture *f)
{
  const char * const *names = fake_nbia_get_collections (f->fake);
  g_autoptr(GPtrArray) all = fake_series (f);
  guint i, j;

  for (i = 0; names[i] != NULL; i++)
    {
      guint n = 0;

      if (strchr (names[i], ' ') == NULL)
        continue;
      for (j = 0; j < all->len; j++)
        if (g_strcmp0 (((FakeNbiaSeriesInfo *) all->pdata[j])->collection, names[i]) == 0)
          n++;
      if (n >= 2)
        return names[i];
    }

  g_assert_not_reached ();
  return NULL;
}

static inline GHashTable *
string_set (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static inline void
assert_sets_equal (GHashTable *a,
                   GHashTable *b)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (b, key))
      g_error ("“%s” is missing from the other set", (char *) key);
  g_assert_cmpuint (g_hash_table_size (a), ==, g_hash_table_size (b));
}

/* Every row is the fake's series with that UID, each exactly once.
 * v1 getSeriesMetaData turns commas in the manufacturer into spaces. */
static inline void
assert_series_match_full (Fixture    *f,
                          GListModel *model,
                          GHashTable *expected_uids,
                          gboolean    commas_as_spaces)
{
  g_autoptr(GHashTable) seen = string_set ();
  guint n = g_list_model_get_n_items (model);
  guint i;

  g_assert_true (g_list_model_get_item_type (model) == TCIA_TYPE_SERIES ||
                 g_type_is_a (TCIA_TYPE_SERIES, g_list_model_get_item_type (model)));

  for (i = 0; i < n; i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (model, i);
      const char *uid = tcia_series_get_series_uid (series);
      FakeNbiaSeriesInfo info;
      gint index;

      g_assert_nonnull (uid);
      g_assert_false (g_hash_table_contains (seen, uid));
      g_hash_table_add (seen, g_strdup (uid));

      index = fake_nbia_find_series (f->fake, uid);
      g_assert_cmpint (index, >=, 0);
      fake_nbia_get_series (f->fake, (guint) index, &info);
      g_assert_cmpstr (tcia_series_get_collection (series), ==, info.collection);
      g_assert_cmpstr (tcia_series_get_patient_id (series), ==, info.patient_id);
      g_assert_cmpstr (tcia_series_get_study_uid (series), ==, info.study_uid);
      g_assert_cmpstr (tcia_series_get_modality (series), ==, info.modality);
      g_assert_cmpstr (tcia_series_get_body_part (series), ==, info.body_part);
      if (commas_as_spaces && info.manufacturer != NULL)
        {
          g_autofree char *manufacturer = g_strdelimit (g_strdup (info.manufacturer), ",", ' ');

          g_assert_cmpstr (tcia_series_get_manufacturer (series), ==, manufacturer);
        }
      else
        g_assert_cmpstr (tcia_series_get_manufacturer (series), ==, info.manufacturer);
      g_assert_cmpuint (tcia_series_get_image_count (series), ==, info.image_count);
    }

  if (expected_uids != NULL)
    assert_sets_equal (seen, expected_uids);
}

static inline void
assert_series_match (Fixture    *f,
                     GListModel *model,
                     GHashTable *expected_uids)
{
  assert_series_match_full (f, model, expected_uids, FALSE);
}
