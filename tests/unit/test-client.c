/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The client against the in-process fake NBIA server (every endpoint on v4
 * and v1, faults, retries, cancellation, progressive delivery), and against
 * a tiny recording server for what goes over the wire exactly. */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "fake-nbia.h"
#include "tcia-client-private.h"
#include "tcia-core.h"
#include "unit-test-util.h"

/* ---- Waiting for results --------------------------------------------------- */

#define DEFINE_LISTING(name, args, call_args)                               \
  static GListModel *                                                       \
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

static TciaQuery *
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

static void
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

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->v4);
  g_clear_object (&f->v1);
  g_clear_pointer (&f->fake, fake_nbia_free);
}

static GPtrArray *
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
static const char *
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

static GHashTable *
string_set (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
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
static void
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

static void
assert_series_match (Fixture    *f,
                     GListModel *model,
                     GHashTable *expected_uids)
{
  assert_series_match_full (f, model, expected_uids, FALSE);
}

/* ---- Endpoints ---------------------------------------------------------------- */

static void
test_collections (Fixture       *f,
                  gconstpointer  data)
{
  const char * const *names = fake_nbia_get_collections (f->fake);
  TciaClient *clients[] = { f->v4, f->v1 };
  guint c, i;

  for (c = 0; c < G_N_ELEMENTS (clients); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GListModel) plain = NULL;
      g_autoptr(GListModel) counted = NULL;
      g_autoptr(GHashTable) expected = string_set ();
      g_autoptr(GHashTable) got = string_set ();

      for (i = 0; names[i] != NULL; i++)
        g_hash_table_add (expected, g_strdup (names[i]));

      plain = list_collections_sync (clients[c], FALSE, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_list_model_get_item_type (plain) == TCIA_TYPE_COLLECTION);
      for (i = 0; i < g_list_model_get_n_items (plain); i++)
        {
          g_autoptr(TciaCollection) collection = g_list_model_get_item (plain, i);

          g_hash_table_add (got, g_strdup (tcia_collection_get_name (collection)));
          g_assert_cmpint (tcia_collection_get_patient_count (collection), ==, -1);
        }
      assert_sets_equal (got, expected);

      counted = list_collections_sync (clients[c], TRUE, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (counted), ==, g_hash_table_size (expected));
      for (i = 0; i < g_list_model_get_n_items (counted); i++)
        {
          g_autoptr(TciaCollection) collection = g_list_model_get_item (counted, i);

          if (clients[c] == f->v4)
            g_assert_cmpint (tcia_collection_get_patient_count (collection), >, 0);
          else
            g_assert_cmpint (tcia_collection_get_patient_count (collection), ==, -1);
        }
    }

  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getCollectionValuesAndCounts"), ==, 1);
  /* v1 has no counts: the plain list twice, plus the plain v4 one. */
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getCollectionValues"), ==, 3);
}

typedef struct
{
  const char *(*get) (const FakeNbiaSeriesInfo *info);
} Getter;

static const char *
info_modality (const FakeNbiaSeriesInfo *info)
{
  return info->modality;
}

static const char *
info_body_part (const FakeNbiaSeriesInfo *info)
{
  return info->body_part;
}

static const char *
info_manufacturer (const FakeNbiaSeriesInfo *info)
{
  return info->manufacturer;
}

static void
check_values (Fixture         *f,
              TciaClient      *client,
              TciaValueKind    kind,
              const TciaQuery *query,
              gboolean         with_counts)
{
  const char *(*value_of) (const FakeNbiaSeriesInfo *) =
    kind == TCIA_VALUE_MODALITY ? info_modality :
    kind == TCIA_VALUE_BODY_PART ? info_body_part : info_manufacturer;
  g_autoptr(GPtrArray) all = fake_series (f);
  /* value -> set of patients */
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_hash_table_unref);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  guint i;

  for (i = 0; i < all->len; i++)
    {
      const FakeNbiaSeriesInfo *info = all->pdata[i];
      const char *value = value_of (info);
      GHashTable *patients;

      if (value == NULL)
        continue;
      if (query->collection != NULL && g_ascii_strcasecmp (query->collection, info->collection) != 0)
        continue;
      if (kind != TCIA_VALUE_MODALITY && query->modality != NULL &&
          g_strcmp0 (query->modality, info->modality) != 0)
        continue;
      if (kind != TCIA_VALUE_BODY_PART && query->body_part != NULL &&
          g_strcmp0 (query->body_part, info->body_part) != 0)
        continue;

      patients = g_hash_table_lookup (expected, value);
      if (patients == NULL)
        {
          patients = string_set ();
          g_hash_table_insert (expected, g_strdup (value), patients);
        }
      g_hash_table_add (patients, g_strdup (info->patient_id));
    }
  g_assert_cmpuint (g_hash_table_size (expected), >, 0);

  model = list_values_sync (client, kind, query, with_counts, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, g_hash_table_size (expected));
  for (i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TciaValue) value = g_list_model_get_item (model, i);
      GHashTable *patients = g_hash_table_lookup (expected, tcia_value_get_value (value));

      g_assert_nonnull (patients);
      g_assert_cmpint (tcia_value_get_kind (value), ==, kind);
      if (with_counts && client == f->v4)
        g_assert_cmpint (tcia_value_get_count (value), ==, g_hash_table_size (patients));
      else
        g_assert_cmpint (tcia_value_get_count (value), ==, -1);
    }
}

static void
test_values (Fixture       *f,
             gconstpointer  data)
{
  const char *collection = collection_with_spaces (f);
  g_autoptr(GPtrArray) all = fake_series (f);
  g_autoptr(TciaQuery) none = tcia_query_new ();
  g_autoptr(TciaQuery) in_collection = query_new (collection, NULL, NULL, NULL);
  g_autoptr(TciaQuery) narrow = NULL;
  TciaClient *clients[] = { f->v4, f->v1 };
  const FakeNbiaSeriesInfo *sample = NULL;
  guint c, i;

  for (i = 0; i < all->len && sample == NULL; i++)
    {
      const FakeNbiaSeriesInfo *info = all->pdata[i];

      if (info->body_part != NULL && info->manufacturer != NULL)
        sample = info;
    }
  if (sample == NULL)
    g_error ("no series with a body part and a manufacturer");
  /* Every filter set: each endpoint must be sent only those it accepts, or
   * v4 would answer 400. */
  narrow = query_new (sample->collection, sample->patient_id, sample->modality, sample->body_part);
  tcia_query_set (narrow, &narrow->manufacturer, sample->manufacturer);
  tcia_query_set (narrow, &narrow->study_uid, sample->study_uid);

  for (c = 0; c < G_N_ELEMENTS (clients); c++)
    for (i = 0; i < 2; i++)
      {
        gboolean with_counts = i == 1;

        check_values (f, clients[c], TCIA_VALUE_MODALITY, none, with_counts);
        check_values (f, clients[c], TCIA_VALUE_MODALITY, in_collection, with_counts);
        check_values (f, clients[c], TCIA_VALUE_BODY_PART, in_collection, with_counts);
        check_values (f, clients[c], TCIA_VALUE_MANUFACTURER, in_collection, with_counts);
        check_values (f, clients[c], TCIA_VALUE_MODALITY, narrow, with_counts);
        check_values (f, clients[c], TCIA_VALUE_BODY_PART, narrow, with_counts);
        check_values (f, clients[c], TCIA_VALUE_MANUFACTURER, narrow, with_counts);
      }

  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getModalityValuesAndCounts"), ==, 3);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getBodyPartValuesAndCounts"), ==, 2);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getManufacturerValuesAndCounts"), ==, 2);
}

static void
test_descriptions (Fixture       *f,
                   gconstpointer  data)
{
  const char *collection = collection_with_spaces (f);
  g_autoptr(GListModel) all = NULL;
  g_autoptr(GListModel) one = NULL;
  g_autoptr(GListModel) v1 = NULL;
  g_autoptr(GListStore) into = g_list_store_new (TCIA_TYPE_COLLECTION);
  g_autoptr(TciaCollection) item = NULL;
  g_autoptr(GError) error = NULL;

  all = list_descriptions_sync (f->v4, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (all), >, 1);

  one = list_descriptions_sync (f->v4, collection, into, &error);
  g_assert_no_error (error);
  g_assert_true (one == G_LIST_MODEL (into));
  g_assert_cmpuint (g_list_model_get_n_items (one), ==, 1);
  item = g_list_model_get_item (one, 0);
  g_assert_cmpstr (tcia_collection_get_name (item), ==, collection);
  g_assert_nonnull (tcia_collection_get_description (item));
  g_assert_true (g_utf8_validate (tcia_collection_get_description (item), -1, NULL));

  /* Not on v1, and nothing is sent. */
  v1 = list_descriptions_sync (f->v1, NULL, NULL, &error);
  g_assert_null (v1);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_UNSUPPORTED);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getCollectionDescriptions"), ==, 2);
}

static void
test_patients (Fixture       *f,
               gconstpointer  data)
{
  const char *collection = collection_with_spaces (f);
  g_autoptr(GPtrArray) all = fake_series (f);
  TciaClient *clients[] = { f->v4, f->v1 };
  g_autoptr(GHashTable) expected = string_set ();
  const char *some_patient = NULL;
  guint c, i;

  for (i = 0; i < all->len; i++)
    {
      const FakeNbiaSeriesInfo *info = all->pdata[i];

      if (g_strcmp0 (info->collection, collection) == 0)
        {
          g_hash_table_add (expected, g_strdup (info->patient_id));
          some_patient = info->patient_id;
        }
    }

  for (c = 0; c < G_N_ELEMENTS (clients); c++)
    {
      g_autoptr(TciaQuery) query = query_new (collection, NULL, NULL, NULL);
      g_autoptr(TciaQuery) one_query = query_new (collection, some_patient, NULL, NULL);
      g_autoptr(GListModel) model = NULL;
      g_autoptr(GListModel) one = NULL;
      g_autoptr(GHashTable) got = string_set ();
      g_autoptr(TciaPatient) patient = NULL;
      g_autoptr(GError) error = NULL;

      model = list_patients_sync (clients[c], query, NULL, &error);
      g_assert_no_error (error);
      for (i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(TciaPatient) item = g_list_model_get_item (model, i);

          g_assert_cmpstr (tcia_patient_get_collection (item), ==, collection);
          g_hash_table_add (got, g_strdup (tcia_patient_get_patient_id (item)));
        }
      assert_sets_equal (got, expected);

      one = list_patients_sync (clients[c], one_query, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (one), ==, 1);
      patient = g_list_model_get_item (one, 0);
      g_assert_cmpstr (tcia_patient_get_patient_id (patient), ==, some_patient);
    }
}

static void
test_studies (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) all = fake_series (f);
  const FakeNbiaSeriesInfo *first = all->pdata[0];
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  TciaClient *clients[] = { f->v4, f->v1 };
  guint c, i;

  /* study -> number of series */
  for (i = 0; i < all->len; i++)
    {
      const FakeNbiaSeriesInfo *info = all->pdata[i];

      if (g_strcmp0 (info->patient_id, first->patient_id) == 0)
        g_hash_table_insert (expected, g_strdup (info->study_uid),
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (expected,
                                                                                      info->study_uid)) + 1));
    }

  for (c = 0; c < G_N_ELEMENTS (clients); c++)
    {
      g_autoptr(TciaQuery) query = query_new (first->collection, first->patient_id, NULL, NULL);
      g_autoptr(GListModel) model = NULL;
      g_autoptr(GError) error = NULL;

      model = list_studies_sync (clients[c], query, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (model), ==, g_hash_table_size (expected));
      for (i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(TciaStudy) study = g_list_model_get_item (model, i);
          const char *date = tcia_study_get_study_date (study);

          g_assert_true (g_hash_table_contains (expected, tcia_study_get_study_uid (study)));
          g_assert_cmpstr (tcia_study_get_patient_id (study), ==, first->patient_id);
          g_assert_cmpstr (tcia_study_get_collection (study), ==, first->collection);
          g_assert_cmpint (tcia_study_get_series_count (study), ==,
                           GPOINTER_TO_UINT (g_hash_table_lookup (expected,
                                                                  tcia_study_get_study_uid (study))));
          /* v4 "MM-DD-YYYY" and v1 "YYYY-MM-DD hh:mm:ss.f" both arrive as ISO. */
          g_assert_nonnull (date);
          g_assert_cmpuint (strlen (date), ==, 10);
          g_assert_true (date[4] == '-' && date[7] == '-');
        }
    }
}

static void
test_series (Fixture       *f,
             gconstpointer  data)
{
  const char *collection = collection_with_spaces (f);
  g_autoptr(GPtrArray) all = fake_series (f);
  g_autoptr(GHashTable) expected = string_set ();
  g_autoptr(GHashTable) expected_ct = string_set ();
  TciaClient *clients[] = { f->v4, f->v1 };
  guint c, i;

  for (i = 0; i < all->len; i++)
    {
      const FakeNbiaSeriesInfo *info = all->pdata[i];

      if (g_strcmp0 (info->collection, collection) != 0)
        continue;
      g_hash_table_add (expected, g_strdup (info->series_uid));
      if (g_strcmp0 (info->modality, "CT") == 0)
        g_hash_table_add (expected_ct, g_strdup (info->series_uid));
    }

  for (c = 0; c < G_N_ELEMENTS (clients); c++)
    {
      g_autoptr(TciaQuery) query = query_new (collection, NULL, NULL, NULL);
      g_autoptr(TciaQuery) ct = query_new (collection, NULL, "CT", NULL);
      g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
      g_autoptr(GListModel) model = NULL;
      g_autoptr(GListModel) filtered = NULL;
      g_autoptr(GError) error = NULL;

      model = list_series_sync (clients[c], query, store, &error);
      g_assert_no_error (error);
      g_assert_true (model == G_LIST_MODEL (store));
      assert_series_match (f, model, expected);

      filtered = list_series_sync (clients[c], ct, NULL, &error);
      g_assert_no_error (error);
      assert_series_match (f, filtered, expected_ct);

      /* The v1 and v4 spellings land on the same fields. */
      for (i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(TciaSeries) series = g_list_model_get_item (model, i);

          g_assert_nonnull (tcia_series_get_license_name (series));
          g_assert_nonnull (tcia_series_get_data_description_uri (series));
          g_assert_nonnull (tcia_series_get_submission_date (series));
          g_assert_nonnull (tcia_series_get_date_released (series));
          g_assert_cmpuint (tcia_series_get_file_size (series), >, 0);
        }
    }
}

static void
test_series_into_null (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = list_series_sync (f->v4, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (G_IS_LIST_STORE (model));
  g_assert_true (g_list_model_get_item_type (model) == TCIA_TYPE_SERIES);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, fake_nbia_get_n_series (f->fake));
  assert_series_match (f, model, NULL);
}

static void
test_metadata (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) all = fake_series (f);
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  g_autoptr(GHashTable) expected = string_set ();
  TciaClient *clients[] = { f->v4, f->v1 };
  guint c, i;

  /* Ten UIDs, two of them unknown. */
  for (i = 0; i < 8; i++)
    {
      const FakeNbiaSeriesInfo *info = all->pdata[i * 3];

      g_ptr_array_add (uids, (gpointer) info->series_uid);
      g_hash_table_add (expected, g_strdup (info->series_uid));
    }
  g_ptr_array_insert (uids, 3, (gpointer) "1.2.3.4.5.999999.1");
  g_ptr_array_add (uids, (gpointer) "1.2.3.4.5.999999.2");
  g_ptr_array_add (uids, NULL);
  g_assert_cmpuint (uids->len, ==, 11);

  for (c = 0; c < G_N_ELEMENTS (clients); c++)
    {
      g_autoptr(GListModel) model = NULL;
      g_autoptr(GError) error = NULL;

      model = get_series_metadata_sync (clients[c], (const char * const *) uids->pdata, 3, NULL, &error);
      g_assert_no_error (error);
      assert_series_match_full (f, model, expected, clients[c] == f->v1);
      for (i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(TciaSeries) series = g_list_model_get_item (model, i);
          g_autoptr(GListModel) listed = NULL;
          g_autoptr(TciaQuery) by_uid = tcia_query_new ();
          g_autoptr(TciaSeries) same = NULL;

          g_assert_nonnull (tcia_series_get_study_date (series));
          g_assert_cmpuint (tcia_series_get_file_size (series), >, 0);

          /* Metadata and getSeries agree on what they both have. */
          tcia_query_set (by_uid, &by_uid->series_uid, tcia_series_get_series_uid (series));
          listed = list_series_sync (clients[c], by_uid, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (g_list_model_get_n_items (listed), ==, 1);
          same = g_list_model_get_item (listed, 0);
          g_assert_cmpuint (tcia_series_get_file_size (series), ==, tcia_series_get_file_size (same));
          g_assert_cmpstr (tcia_series_get_study_date (series), ==, tcia_series_get_study_date (same));
          g_assert_cmpstr (tcia_series_get_series_number (series), ==, tcia_series_get_series_number (same));
          g_assert_cmpstr (tcia_series_get_license_uri (series), ==, tcia_series_get_license_uri (same));
        }
    }

  /* v4: ceil (10 / 3) POSTs; v1: one GET per UID. */
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeriesMetadata"), ==, 4);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeriesMetaData"), ==, 10);

  {
    const char *none[] = { NULL };
    g_autoptr(GListModel) empty = NULL;
    g_autoptr(GError) error = NULL;

    empty = get_series_metadata_sync (f->v4, none, 0, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (empty), ==, 0);
    g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeriesMetadata"), ==, 4);
  }
}

static void
check_cart (Fixture    *f,
            TciaClient *client,
            const char *name,
            const char *name_or_url)
{
  g_autoptr(GArray) indexes = fake_nbia_get_cart (f->fake, name);
  g_autoptr(GHashTable) expected = string_set ();
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  guint i;

  g_assert_nonnull (indexes);
  for (i = 0; i < indexes->len; i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (f->fake, g_array_index (indexes, guint, i), &info);
      g_hash_table_add (expected, g_strdup (info.series_uid));
    }
  g_assert_cmpuint (g_hash_table_size (expected), >, 0);

  model = get_shared_cart_sync (client, name_or_url, NULL, &error);
  g_assert_no_error (error);
  assert_series_match (f, model, expected);
  for (i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (model, i);

      /* "Date Released", with its space. */
      g_assert_nonnull (tcia_series_get_date_released (series));
    }
}

static void
test_shared_cart (Fixture       *f,
                  gconstpointer  data)
{
  const char *bad[] = {
    "",
    "not a cart!",
    "https://nbia.cancerimagingarchive.net/nbia-search/?other=1",
    "https://nbia.cancerimagingarchive.net/nbia-search/",
    "ftp://example.org/?saved-cart=nbia-1",
    "https://nbia.cancerimagingarchive.net/nbia-search/?saved-cart=a%20b",
  };
  guint i;

  /* A v4 client derives the v1 URL; a v1 client uses its own. */
  check_cart (f, f->v4, "nbia-49121659384603347", "nbia-49121659384603347");
  check_cart (f, f->v4, "nbia-56821341087226601",
              "https://nbia.cancerimagingarchive.net/nbia-search/?saved-cart=nbia-56821341087226601");
  check_cart (f, f->v1, "nbia-11001233478812345", "  nbia-11001233478812345\n");
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getContentsByName"), ==, 3);

  /* An unknown cart is empty, not an error. */
  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;

    model = get_shared_cart_sync (f->v4, "nbia-00000000000000000", NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  }

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GListModel) model = NULL;
      g_autoptr(GError) error = NULL;

      model = get_shared_cart_sync (f->v4, bad[i], NULL, &error);
      g_assert_null (model);
      g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_URL);
      g_assert_nonnull (strstr (error->message, "saved-cart"));
    }
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getContentsByName"), ==, 4);
}

static void
test_series_size (Fixture       *f,
                  gconstpointer  data)
{
  TciaClient *clients[] = { f->v4, f->v1 };
  guint c, i;

  for (c = 0; c < G_N_ELEMENTS (clients); c++)
    for (i = 0; i < 3; i++)
      {
        g_autoptr(GAsyncResult) result = NULL;
        g_autoptr(GError) error = NULL;
        FakeNbiaSeriesInfo info;
        guint64 bytes = 0;
        guint count = 0;

        fake_nbia_get_series (f->fake, i * 5, &info);
        tcia_client_get_series_size_async (clients[c], info.series_uid, NULL, store_result_cb, &result);
        wait_for (&result);
        g_assert_true (tcia_client_get_series_size_finish (clients[c], result, &bytes, &count, &error));
        g_assert_no_error (error);
        g_assert_cmpuint (bytes, ==, info.file_size);
        g_assert_cmpuint (count, ==, info.image_count);
      }
}

static void
test_sop_uids (Fixture       *f,
               gconstpointer  data)
{
  TciaClient *clients[] = { f->v4, f->v1 };
  guint c, i;

  for (c = 0; c < G_N_ELEMENTS (clients); c++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) seen = string_set ();
      g_auto(GStrv) uids = NULL;
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (f->fake, 7, &info);
      tcia_client_list_sop_instance_uids_async (clients[c], info.series_uid, NULL, store_result_cb, &result);
      wait_for (&result);
      uids = tcia_client_list_sop_instance_uids_finish (clients[c], result, &error);
      g_assert_no_error (error);
      g_assert_nonnull (uids);
      g_assert_cmpuint (g_strv_length (uids), ==, info.image_count);
      for (i = 0; uids[i] != NULL; i++)
        {
          g_assert_true (g_str_has_prefix (uids[i], "1."));
          g_assert_true (g_hash_table_add (seen, g_strdup (uids[i])));
        }
    }

  /* An unknown series: empty, never NULL. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) uids = NULL;

    tcia_client_list_sop_instance_uids_async (f->v4, "1.2.3.999", NULL, store_result_cb, &result);
    wait_for (&result);
    uids = tcia_client_list_sop_instance_uids_finish (f->v4, result, &error);
    g_assert_no_error (error);
    g_assert_nonnull (uids);
    g_assert_cmpuint (g_strv_length (uids), ==, 0);
  }
}

static void
test_updated_series (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GDateTime) long_ago = g_date_time_new_utc (2000, 1, 31, 12, 0, 0);
  g_autoptr(GDateTime) future = g_date_time_new_utc (2099, 12, 31, 0, 0, 0);
  TciaClient *clients[] = { f->v4, f->v1 };
  guint n = fake_nbia_get_n_series (f->fake);
  guint c;

  for (c = 0; c < G_N_ELEMENTS (clients); c++)
    {
      g_autoptr(GListModel) all = NULL;
      g_autoptr(GListModel) none = NULL;
      g_autoptr(GError) error = NULL;

      /* The date goes in the version's own format, or the server fails. */
      all = list_updated_series_sync (clients[c], long_ago, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (all), ==, n);
      assert_series_match (f, all, NULL);

      none = list_updated_series_sync (clients[c], future, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (none), ==, 0);
    }

  /* No date: everything (v1 insists on a date; the client sends an old one). */
  for (c = 0; c < G_N_ELEMENTS (clients); c++)
    {
      g_autoptr(GListModel) everything = NULL;
      g_autoptr(GError) error = NULL;

      everything = list_updated_series_sync (clients[c], NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (everything), ==, n);
    }
}

/* ---- Faults and retries -------------------------------------------------------- */

static void
test_retry_429 (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTTP_429, 2, NULL);
  model = list_series_sync (f->v4, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, fake_nbia_get_n_series (f->fake));
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 3);
}

static void
test_retry_503 (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  /* With Retry-After: 1, which is honoured. */
  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTTP_503, 1, NULL);
  model = list_collections_sync (f->v1, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 0);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getCollectionValues"), ==, 2);
}

static void
test_retry_exhausted (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTTP_500, 0, NULL);
  model = list_series_sync (f->v4, NULL, store, &error);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_SERVER);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "500"));
  /* In a person's words, as a sentence: no API word such as getSeries. */
  g_assert_nonnull (strstr (error->message, "the list of series"));
  g_assert_null (strstr (error->message, "getSeries"));
  g_assert_true (g_str_has_suffix (error->message, "(4 attempts)."));
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
}

typedef struct
{
  guint added;
  guint removed;
  guint batches;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  Changes *changes = user_data;

  changes->added += added;
  changes->removed += removed;
  if (added > 0)
    changes->batches++;
}

static void
test_drop_mid_body (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GHashTable) expected = string_set ();
  g_autoptr(GPtrArray) all = fake_series (f);
  g_autoptr(GObject) before = g_object_new (TCIA_TYPE_SERIES, NULL);
  g_autoptr(GError) error = NULL;
  Changes changes = { 0, };
  guint i;

  for (i = 0; i < all->len; i++)
    g_hash_table_add (expected, g_strdup (((FakeNbiaSeriesInfo *) all->pdata[i])->series_uid));

  /* Something of the caller's already in the store stays put. */
  g_list_store_append (store, before);
  g_signal_connect (store, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_DROP, 1, NULL);
  model = list_series_sync (f->v4, NULL, store, &error);
  g_assert_no_error (error);

  /* Half the body (more than one batch) arrived, then the connection broke:
   * those rows were taken back and the retry delivered each row once. */
  g_assert_cmpuint (changes.removed, >, 0);
  g_assert_cmpuint (changes.added - changes.removed, ==, all->len);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, all->len + 1);
  {
    g_autoptr(GObject) first = g_list_model_get_item (model, 0);

    g_assert_true (first == before);
  }
  g_list_store_remove (store, 0);
  assert_series_match (f, model, expected);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 2);
}

static void
test_drop_exhausted (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = fake_nbia_get_url (f->fake, 4);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uri));

  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_DROP, 0, NULL);
  model = list_series_sync (f->v4, NULL, store, &error);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_NETWORK);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, host));
  g_assert_nonnull (strstr (error->message, "the list of series"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 4);
}

static void
test_bad_request (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTTP_400, 0, NULL);
  model = list_series_sync (f->v4, NULL, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_BAD_REQUEST);
  /* The server's own words, and no retry. */
  g_assert_cmpstr (error->message, ==, "Simulated bad request: getSeries");
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 1);
}

static void
test_html_page (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTML_PAGE, 0, NULL);
  model = list_patients_sync (f->v4, NULL, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "web page"));
  g_assert_nonnull (strstr (error->message, "the list of patients"));
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getPatient"), ==, 1);
}

static void
test_malformed_json (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  Changes changes = { 0, };

  g_signal_connect (store, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_MALFORMED_JSON, 0, NULL);
  model = list_series_sync (f->v4, NULL, store, &error);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "the list of series"));
  g_assert_nonnull (strstr (error->message, "byte"));
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 1);
  /* Rows that arrived before the bad byte are not left behind as if complete. */
  g_assert_cmpuint (changes.added, >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
}

static void
test_dead_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) any = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;
  guint port;

  /* A port that was free a moment ago and has nobody listening. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  any = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, any, TRUE, &error));
  bound = g_socket_get_local_address (socket, &error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  url = g_strdup_printf ("http://127.0.0.1:%u/nbia-api/services/v4", port);
  client = tcia_client_new (url, &error);
  g_assert_no_error (error);
  tcia_client_set_retry_policy (client, 2, 1, 2);

  model = list_collections_sync (client, FALSE, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_NETWORK);
  expected = g_strdup_printf ("Could not reach 127.0.0.1:%u: Connection refused.", port);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_stall (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  tcia_client_set_timeout (f->v4, 1);
  tcia_client_set_retry_policy (f->v4, 2, 1, 2);

  /* Stalls once: the timeout ends the attempt and the retry succeeds. */
  {
    g_autoptr(GListModel) model = NULL;

    fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_STALL, 1, NULL);
    model = list_series_sync (f->v4, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, fake_nbia_get_n_series (f->fake));
    g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 2);
  }

  /* Stalls every time: a network error, not a hang. */
  {
    g_autoptr(GListModel) model = NULL;

    fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_STALL, 0, NULL);
    model = list_series_sync (f->v4, NULL, NULL, &error);
    g_assert_null (model);
    g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_NETWORK);
    g_test_message ("%s", error->message);
    g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 4);
    fake_nbia_clear_faults (f->fake);
  }
}

/* ---- Deadlines and telling the caller ------------------------------------------ */

typedef struct
{
  GArray    *attempts;      /* of guint */
  guint      max_attempts;
  guint      last_delay_ms;
  char      *last_reason;
  GThread   *thread;        /* where the signal came, NULL before */
} Retries;

static void
retrying_cb (TciaClient *client,
             guint       attempt,
             guint       max_attempts,
             guint       delay_ms,
             const char *reason,
             gpointer    user_data)
{
  Retries *retries = user_data;

  g_array_append_val (retries->attempts, attempt);
  retries->max_attempts = max_attempts;
  retries->last_delay_ms = delay_ms;
  g_free (retries->last_reason);
  retries->last_reason = g_strdup (reason);
  retries->thread = g_thread_self ();
}

static void
drain_main_context (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* Each wait before a retry is announced, in the caller's thread, with the
 * number of the attempt to come and why. */
static void
test_retrying_signal (Fixture       *f,
                      gconstpointer  data)
{
  Retries retries = { g_array_new (FALSE, FALSE, sizeof (guint)), };
  Retries series_retries = { g_array_new (FALSE, FALSE, sizeof (guint)), };
  gulong handler, series_handler;

  handler = g_signal_connect (f->v4, "retrying", G_CALLBACK (retrying_cb), &retries);
  /* What a page that lists series follows: its listings' retries only. */
  series_handler = g_signal_connect (f->v4, "retrying::TciaSeries", G_CALLBACK (retrying_cb),
                                     &series_retries);

  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;

    fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTTP_500, 2, NULL);
    model = list_series_sync (f->v4, NULL, NULL, &error);
    g_assert_no_error (error);
    drain_main_context ();
    g_assert_cmpuint (retries.attempts->len, ==, 2);
    g_assert_cmpuint (g_array_index (retries.attempts, guint, 0), ==, 2);
    g_assert_cmpuint (g_array_index (retries.attempts, guint, 1), ==, 3);
    g_assert_cmpuint (retries.max_attempts, ==, 4);
    g_assert_cmpuint (retries.last_delay_ms, <=, 5);
    g_assert_cmpstr (retries.last_reason, ==, "Server error (HTTP 500)");
    g_assert_true (retries.thread == g_thread_self ());
    g_assert_cmpuint (series_retries.attempts->len, ==, 2);
  }

  /* A Retry-After is what the wait is, and a 429 is the server being busy. */
  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;

    g_array_set_size (retries.attempts, 0);
    fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTTP_429, 1, NULL);
    model = list_collections_sync (f->v4, FALSE, NULL, &error);
    g_assert_no_error (error);
    drain_main_context ();
    g_assert_cmpuint (retries.attempts->len, ==, 1);
    g_assert_cmpuint (g_array_index (retries.attempts, guint, 0), ==, 2);
    g_assert_cmpuint (retries.last_delay_ms, ==, 1000);
    g_assert_cmpstr (retries.last_reason, ==, "Server busy (HTTP 429)");
    /* A collections listing is not a series listing. */
    g_assert_cmpuint (series_retries.attempts->len, ==, 2);
  }

  g_signal_handler_disconnect (f->v4, handler);
  g_signal_handler_disconnect (f->v4, series_handler);
  g_array_unref (retries.attempts);
  g_array_unref (series_retries.attempts);
  g_free (retries.last_reason);
  g_free (series_retries.last_reason);
}

/* A Retry-After longer than what is left of the look-up's deadline is not
 * waited for: the look-up fails at once and says why. */
static void
test_retry_after_past_deadline (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autofree char *url = NULL;
  Retries retries = { g_array_new (FALSE, FALSE, sizeof (guint)), };
  FakeNbiaOptions options;
  FakeNbia *fake;

  fake_nbia_options_init (&options);
  options.retry_after_s = 30;
  fake = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (fake, 0, &error));
  url = fake_nbia_get_url (fake, 4);
  client = tcia_client_new (url, &error);
  g_assert_no_error (error);
  tcia_client_set_deadline (client, 5);
  g_signal_connect (client, "retrying", G_CALLBACK (retrying_cb), &retries);

  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_HTTP_503, 0, NULL);
  model = list_series_sync (client, NULL, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_TIMED_OUT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "The server did not answer in time: "));
  g_assert_nonnull (strstr (error->message, "asked to wait 30 s"));
  g_assert_nonnull (strstr (error->message, "the list of series"));
  g_assert_nonnull (strstr (error->message, "HTTP 503"));
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getSeries"), ==, 1);
  drain_main_context ();
  g_assert_cmpuint (retries.attempts->len, ==, 0);

  /* Not g_assert_finalize_object(): the worker thread may still be letting
   * go of the task, which holds the client. */
  g_clear_object (&client);
  fake_nbia_free (fake);
  g_array_unref (retries.attempts);
  g_free (retries.last_reason);
}

/* A server slower than the deadline: the attempt is ended there, not
 * when the server finally answers. */
static void
test_deadline_during_attempt (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  tcia_client_set_deadline (f->v4, 1);
  fake_nbia_set_latency (f->fake, 3000);
  model = list_patients_sync (f->v4, NULL, NULL, &error);
  fake_nbia_set_latency (f->fake, 0);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_TIMED_OUT);
  g_test_message ("%s", error->message);
  g_assert_cmpstr (error->message, ==,
                   "The server did not answer in time: the list of patients did not arrive in full "
                   "within 1 s.");
}

/* A body that stops coming fails by the minimum-progress rule, well before
 * the connection's own silence timeout would end it. */
static void
test_slow_body (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  tcia_client_set_timeout (f->v4, 5);
  tcia_client_set_min_progress (f->v4, 300, 1024);
  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_STALL, 0, NULL);
  model = list_series_sync (f->v4, NULL, store, &error);
  fake_nbia_clear_faults (f->fake);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_TIMED_OUT);
  g_test_message ("%s", error->message);
  g_assert_cmpstr (error->message, ==,
                   "The server did not answer in time: the list of series slowed to "
                   "less than 1.0\302\240KiB in 0.3 s.");
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
}

/* ---- Cancellation and delivery ------------------------------------------------- */

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_during_latency (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  Changes changes = { 0, };

  g_signal_connect (store, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  fake_nbia_set_latency (f->fake, 300);

  tcia_client_list_series_async (f->v4, NULL, store, cancellable, store_result_cb, &result);
  g_timeout_add (30, cancel_cb, cancellable);
  wait_for (&result);
  model = tcia_client_list_series_finish (f->v4, result, &error);
  g_assert_null (model);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Even once the server has answered, nothing arrives. */
  while (fake_nbia_get_request_count (f->fake, "getSeries") == 0)
    spin (20);
  spin (100);
  g_assert_cmpuint (changes.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);

  /* Already cancelled: nothing is sent at all. */
  {
    g_autoptr(GAsyncResult) again = NULL;
    g_autoptr(GListModel) none = NULL;
    g_autoptr(GError) cancelled = NULL;
    guint sent = fake_nbia_get_request_count (f->fake, NULL);

    tcia_client_list_collections_async (f->v4, FALSE, NULL, cancellable, store_result_cb, &again);
    wait_for (&again);
    none = tcia_client_list_collections_finish (f->v4, again, &cancelled);
    g_assert_error (cancelled, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    spin (50);
    g_assert_cmpuint (fake_nbia_get_request_count (f->fake, NULL), ==, sent);
  }
}

typedef struct
{
  Changes       changes;
  GCancellable *cancellable;
  gboolean      finished;
  guint         n_at_first_batch;
} Progress;

static void
progress_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     gpointer    user_data)
{
  Progress *progress = user_data;

  g_assert_false (progress->finished);
  items_changed_cb (model, position, removed, added, &progress->changes);
  if (progress->changes.batches == 1 && added > 0)
    progress->n_at_first_batch = g_list_model_get_n_items (model);
  if (progress->cancellable != NULL && progress->changes.batches == 2)
    g_cancellable_cancel (progress->cancellable);
}

static void
test_progressive (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  guint n = fake_nbia_get_n_series (f->fake);
  Progress progress = { { 0, }, };

  g_assert_cmpuint (n, >=, 20000);
  g_signal_connect (store, "items-changed", G_CALLBACK (progress_changed_cb), &progress);
  tcia_client_list_series_async (f->v4, NULL, store, NULL, store_result_cb, &result);
  wait_for (&result);
  progress.finished = TRUE;

  /* Rows were in the store, in several batches, before the listing finished. */
  g_assert_cmpuint (progress.changes.batches, >, 1);
  g_assert_cmpuint (progress.n_at_first_batch, >, 0);
  g_assert_cmpuint (progress.n_at_first_batch, <, n);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n);

  model = tcia_client_list_series_finish (f->v4, result, &error);
  g_assert_no_error (error);
  g_assert_true (model == G_LIST_MODEL (store));
  assert_series_match (f, model, NULL);
}

static void
test_cancel_mid_stream (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { { 0, }, };

  progress.cancellable = cancellable;
  g_signal_connect (store, "items-changed", G_CALLBACK (progress_changed_cb), &progress);
  tcia_client_list_series_async (f->v4, NULL, store, cancellable, store_result_cb, &result);
  wait_for (&result);

  model = tcia_client_list_series_finish (f->v4, result, &error);
  g_assert_null (model);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* What had arrived is taken back, and nothing more comes. */
  g_assert_cmpuint (progress.changes.batches, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  progress.finished = TRUE;
  spin (100);
}

/* ---- URLs ------------------------------------------------------------------------ */

static void
test_urls (void)
{
  static const struct {
    const char *given;
    const char *api_url;
    TciaApiVersion version;
  } good[] = {
    { "https://nbia.cancerimagingarchive.net/nbia-api/services/v4/",
      "https://nbia.cancerimagingarchive.net/nbia-api/services/v4/", TCIA_API_V4 },
    { "https://nbia.cancerimagingarchive.net/nbia-api/services/v4",
      "https://nbia.cancerimagingarchive.net/nbia-api/services/v4/", TCIA_API_V4 },
    { "  http://127.0.0.1:8080/nbia-api/services/v1 \n",
      "http://127.0.0.1:8080/nbia-api/services/v1/", TCIA_API_V1 },
    { "HTTPS://services.cancerimagingarchive.net/nbia-api/services/v1/",
      "HTTPS://services.cancerimagingarchive.net/nbia-api/services/v1/", TCIA_API_V1 },
  };
  const char *bad[] = {
    "",
    "not a url",
    "ftp://nbia.cancerimagingarchive.net/nbia-api/services/v4/",
    "file:///nbia-api/services/v4/",
    "https://nbia.cancerimagingarchive.net/nbia-api/services/v2/",
    "https://nbia.cancerimagingarchive.net/nbia-api/services/",
    "https://nbia.cancerimagingarchive.net/nbia-api/services/v4/getSeries",
    "https://nbia.cancerimagingarchive.net/nbia-api/services/xv4/",
    "https://nbia.cancerimagingarchive.net/nbia-api/services/v4/?x=1",
    "https://user:pass@nbia.cancerimagingarchive.net/nbia-api/services/v4/",
    "https:///nbia-api/services/v4/",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TciaClient) client = tcia_client_new (good[i].given, &error);
      g_autofree char *property = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (tcia_client_get_api_url (client), ==, good[i].api_url);
      g_assert_cmpint (tcia_client_get_api_version (client), ==, good[i].version);
      g_object_get (client, "api-url", &property, NULL);
      g_assert_cmpstr (property, ==, good[i].api_url);
    }

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TciaClient) client = tcia_client_new (bad[i], &error);
      g_autofree char *trimmed = g_strstrip (g_strdup (bad[i]));

      g_test_message ("%s", bad[i]);
      g_assert_null (client);
      g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_URL);
      g_assert_nonnull (strstr (error->message, trimmed));
      /* A sentence of ours, never GLib's words to programmers. */
      g_assert_true (g_str_has_suffix (error->message, "."));
      g_assert_null (strstr (error->message, "URI"));
    }
}

static void
test_resolve_url (void)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;
  g_autofree char *e = NULL;

  g_unsetenv ("TCIA_API_URL");
  a = tcia_client_resolve_api_url ("http://cmdline/v4/", "http://settings/v4/");
  b = tcia_client_resolve_api_url (NULL, "http://settings/v4/");
  c = tcia_client_resolve_api_url ("", "");
  g_setenv ("TCIA_API_URL", "http://env/v1/", TRUE);
  d = tcia_client_resolve_api_url (NULL, "http://settings/v4/");
  e = tcia_client_resolve_api_url ("http://cmdline/v4/", "http://settings/v4/");
  g_unsetenv ("TCIA_API_URL");

  g_assert_cmpstr (a, ==, "http://cmdline/v4/");
  g_assert_cmpstr (b, ==, "http://settings/v4/");
  g_assert_cmpstr (c, ==, "https://nbia.cancerimagingarchive.net/nbia-api/services/v4/");
  g_assert_cmpstr (d, ==, "http://env/v1/");
  g_assert_cmpstr (e, ==, "http://cmdline/v4/");
}

static void
test_image_url (void)
{
  g_autoptr(TciaClient) v4 = tcia_client_new ("https://host/nbia-api/services/v4", NULL);
  g_autoptr(TciaClient) v1 = tcia_client_new ("https://host/nbia-api/services/v1/", NULL);
  g_autofree char *a = tcia_client_build_image_url (v4, "1.2.3", TRUE);
  g_autofree char *b = tcia_client_build_image_url (v4, "1.2.3", FALSE);
  g_autofree char *c = tcia_client_build_image_url (v1, "1.2.3", TRUE);
  g_autofree char *d = tcia_client_build_image_url (v4, "odd uid&x", FALSE);

  g_assert_cmpstr (a, ==, "https://host/nbia-api/services/v4/getImage?SeriesInstanceUID=1.2.3&NewFileNames=Yes&IncludeMD5=Yes");
  g_assert_cmpstr (b, ==, "https://host/nbia-api/services/v4/getImage?SeriesInstanceUID=1.2.3&NewFileNames=Yes&IncludeMD5=No");
  g_assert_cmpstr (c, ==, "https://host/nbia-api/services/v1/getImage?SeriesInstanceUID=1.2.3&NewFileNames=Yes");
  g_assert_cmpstr (d, ==, "https://host/nbia-api/services/v4/getImage?SeriesInstanceUID=odd%20uid%26x&NewFileNames=Yes&IncludeMD5=No");
}

/* ---- On the wire: a recording server -------------------------------------------- */

typedef struct
{
  SoupServer *server;
  char       *v4_url;
  char       *v1_url;
  TciaClient *v4;
  TciaClient *v1;

  /* What to answer. */
  guint       status;
  const char *content_type;
  GBytes     *body;

  /* What was asked, last request. */
  guint       n_requests;
  char       *method;
  char       *path;
  char       *raw_query;
  GHashTable *params;       /* decoded */
  char       *user_agent;
  char       *accept;
  gboolean    had_authorization;
  char       *request_type;
  char       *request_body;
} Recorder;

static void
recorder_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Recorder *r = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) flat = soup_message_body_flatten (request_body);

  r->n_requests++;
  g_free (r->method);
  r->method = g_strdup (soup_server_message_get_method (msg));
  g_free (r->path);
  r->path = g_strdup (path);
  g_free (r->raw_query);
  r->raw_query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  g_clear_pointer (&r->params, g_hash_table_unref);
  r->params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (query != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (r->params, g_strdup (key), g_strdup (value));
    }
  g_free (r->user_agent);
  r->user_agent = g_strdup (soup_message_headers_get_one (request_headers, "User-Agent"));
  g_free (r->accept);
  r->accept = g_strdup (soup_message_headers_get_one (request_headers, "Accept"));
  r->had_authorization = soup_message_headers_get_one (request_headers, "Authorization") != NULL;
  g_free (r->request_type);
  r->request_type = g_strdup (soup_message_headers_get_content_type (request_headers, NULL));
  g_free (r->request_body);
  r->request_body = g_strndup (g_bytes_get_data (flat, NULL), g_bytes_get_size (flat));

  soup_server_message_set_status (msg, r->status, NULL);
  if (r->body != NULL)
    soup_server_message_set_response (msg, r->content_type, SOUP_MEMORY_COPY,
                                      g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body));
}

static void
recorder_answer (Recorder   *r,
                 guint       status,
                 const char *content_type,
                 const char *body,
                 gssize      len)
{
  r->status = status;
  r->content_type = content_type;
  g_clear_pointer (&r->body, g_bytes_unref);
  if (body != NULL)
    r->body = g_bytes_new (body, len < 0 ? strlen (body) : (gsize) len);
}

static void
recorder_setup (Recorder      *r,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  int port;

  r->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (r->server, NULL, recorder_cb, r, NULL);
  g_assert_true (soup_server_listen_local (r->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (r->server);
  port = g_uri_get_port (uris->data);
  r->v4_url = g_strdup_printf ("http://127.0.0.1:%d/nbia-api/services/v4/", port);
  r->v1_url = g_strdup_printf ("http://127.0.0.1:%d/nbia-api/services/v1/", port);
  r->v4 = tcia_client_new (r->v4_url, &error);
  r->v1 = tcia_client_new (r->v1_url, &error);
  g_assert_no_error (error);
  tcia_client_set_retry_policy (r->v4, 2, 1, 2);
  tcia_client_set_retry_policy (r->v1, 2, 1, 2);
  recorder_answer (r, 200, "application/json", "[]", -1);
}

static void
recorder_teardown (Recorder      *r,
                   gconstpointer  data)
{
  g_clear_object (&r->v4);
  g_clear_object (&r->v1);
  soup_server_disconnect (r->server);
  g_clear_object (&r->server);
  g_clear_pointer (&r->body, g_bytes_unref);
  g_clear_pointer (&r->params, g_hash_table_unref);
  g_free (r->v4_url);
  g_free (r->v1_url);
  g_free (r->method);
  g_free (r->path);
  g_free (r->raw_query);
  g_free (r->user_agent);
  g_free (r->accept);
  g_free (r->request_type);
  g_free (r->request_body);
}

static void
assert_param_names (Recorder   *r,
                    const char *names)
{
  g_auto(GStrv) expected = g_strsplit (names, ",", -1);
  guint n = 0;
  guint i;

  for (i = 0; expected[i] != NULL; i++)
    if (expected[i][0] != '\0')
      {
        if (!g_hash_table_contains (r->params, expected[i]))
          g_error ("%s: parameter %s was not sent (query: %s)", r->path, expected[i], r->raw_query);
        n++;
      }
  if (g_hash_table_size (r->params) != n)
    g_error ("%s: sent %s, expected exactly %s", r->path, r->raw_query, names);
}

static void
test_wire_encoding (Recorder      *r,
                    gconstpointer  data)
{
  const char *collection = "CT COLONOGRAPHY/A & B+C=é?#%";
  g_autoptr(TciaQuery) query = query_new (collection, "p 1", NULL, NULL);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = list_series_sync (r->v4, query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  g_assert_cmpstr (r->method, ==, "GET");
  g_assert_cmpstr (r->path, ==, "/nbia-api/services/v4/getSeries");
  /* Round trip, spaces as %20 (never '+'), everything reserved escaped. */
  g_assert_cmpstr (g_hash_table_lookup (r->params, "Collection"), ==, collection);
  g_assert_cmpstr (g_hash_table_lookup (r->params, "PatientID"), ==, "p 1");
  g_assert_nonnull (strstr (r->raw_query, "CT%20COLONOGRAPHY%2FA%20%26%20B%2BC%3D%C3%A9%3F%23%25"));
  g_assert_null (strchr (r->raw_query, '+'));
  assert_param_names (r, "Collection,PatientID");

  /* Headers: ours, Accept: * / *, and never Authorization. */
  g_assert_cmpstr (r->user_agent, ==, "tcia-basket/" PACKAGE_VERSION);
  g_assert_cmpstr (r->accept, ==, "*/*");
  g_assert_false (r->had_authorization);
}

static void
test_wire_parameters (Recorder      *r,
                      gconstpointer  data)
{
  g_autoptr(TciaQuery) full = query_new ("C", "P", "CT", "CHEST");
  g_autoptr(GError) error = NULL;

  tcia_query_set (full, &full->study_uid, "1.2");
  tcia_query_set (full, &full->series_uid, "1.2.3");
  tcia_query_set (full, &full->manufacturer, "GE");
  tcia_query_set (full, &full->manufacturer_model, "LightSpeed");

#define CHECK(call, where, names)                                   \
  G_STMT_START {                                                    \
    g_autoptr(GListModel) m = call;                                 \
    g_assert_no_error (error);                                      \
    g_assert_nonnull (m);                                           \
    g_assert_cmpstr (r->path, ==, "/nbia-api/services/" where);     \
    assert_param_names (r, names);                                  \
  } G_STMT_END

  /* Only what each v4 whitelist allows (tcia-api.md §3), never `format`. */
  CHECK (list_collections_sync (r->v4, FALSE, NULL, &error), "v4/getCollectionValues", "");
  CHECK (list_collections_sync (r->v4, TRUE, NULL, &error), "v4/getCollectionValuesAndCounts", "");
  CHECK (list_collections_sync (r->v1, TRUE, NULL, &error), "v1/getCollectionValues", "");
  CHECK (list_values_sync (r->v4, TCIA_VALUE_MODALITY, full, FALSE, NULL, &error),
         "v4/getModalityValues", "Collection,BodyPartExamined");
  CHECK (list_values_sync (r->v4, TCIA_VALUE_BODY_PART, full, FALSE, NULL, &error),
         "v4/getBodyPartValues", "Collection,Modality");
  CHECK (list_values_sync (r->v4, TCIA_VALUE_MANUFACTURER, full, FALSE, NULL, &error),
         "v4/getManufacturerValues", "Collection,Modality,BodyPartExamined");
  CHECK (list_values_sync (r->v4, TCIA_VALUE_MODALITY, full, TRUE, NULL, &error),
         "v4/getModalityValuesAndCounts", "Collection,BodyPartExamined");
  CHECK (list_values_sync (r->v4, TCIA_VALUE_BODY_PART, full, TRUE, NULL, &error),
         "v4/getBodyPartValuesAndCounts", "Collection,Modality");
  CHECK (list_values_sync (r->v4, TCIA_VALUE_MANUFACTURER, full, TRUE, NULL, &error),
         "v4/getManufacturerValuesAndCounts", "Collection,Modality,BodyPartExamined");
  CHECK (list_values_sync (r->v1, TCIA_VALUE_MANUFACTURER, full, TRUE, NULL, &error),
         "v1/getManufacturerValues", "Collection,Modality,BodyPartExamined");
  CHECK (list_values_sync (r->v4, TCIA_VALUE_MODALITY, NULL, FALSE, NULL, &error),
         "v4/getModalityValues", "");
  CHECK (list_descriptions_sync (r->v4, "C", NULL, &error), "v4/getCollectionDescriptions", "collectionName");
  CHECK (list_descriptions_sync (r->v4, NULL, NULL, &error), "v4/getCollectionDescriptions", "");
  CHECK (list_patients_sync (r->v4, full, NULL, &error), "v4/getPatient", "Collection,PatientId");
  CHECK (list_studies_sync (r->v4, full, NULL, &error), "v4/getPatientStudy",
         "Collection,PatientID,StudyInstanceUID");
  CHECK (list_series_sync (r->v4, full, NULL, &error), "v4/getSeries",
         "Collection,PatientID,StudyInstanceUID,Modality,BodyPartExamined,ManufacturerModelName,"
         "Manufacturer,SeriesInstanceUID");
  CHECK (list_series_sync (r->v1, full, NULL, &error), "v1/getSeries",
         "Collection,PatientID,StudyInstanceUID,Modality,BodyPartExamined,ManufacturerModelName,"
         "Manufacturer,SeriesInstanceUID");
  CHECK (get_shared_cart_sync (r->v4, "nbia-123", NULL, &error), "v1/getContentsByName", "name");
#undef CHECK
}

static void
test_wire_dates (Recorder      *r,
                 gconstpointer  data)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (-5 * 3600);
  g_autoptr(GDateTime) date = g_date_time_new (zone, 2019, 3, 8, 23, 30, 0);
  g_autoptr(GListModel) a = NULL;
  g_autoptr(GListModel) b = NULL;
  g_autoptr(GError) error = NULL;

  /* The date part as given, in each version's format. */
  a = list_updated_series_sync (r->v4, date, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (r->params, "fromDate"), ==, "03-08-2019");
  b = list_updated_series_sync (r->v1, date, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (r->params, "fromDate"), ==, "08/03/2019");
  g_assert_cmpstr (r->path, ==, "/nbia-api/services/v1/getUpdatedSeries");
}

static void
test_wire_metadata_post (Recorder      *r,
                         gconstpointer  data)
{
  const char *uids[] = { "1.2.3", "1.2.4", "1.2.5", NULL };
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  recorder_answer (r, 200, "application/json",
                   "{\"SeriesInstanceUID\":\"1.2.3\",\"PixelSpacing(mm)-Row\":\"0.5\"}", -1);
  model = get_series_metadata_sync (r->v4, uids, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->method, ==, "POST");
  g_assert_cmpstr (r->path, ==, "/nbia-api/services/v4/getSeriesMetadata");
  g_assert_cmpstr (r->request_type, ==, "application/x-www-form-urlencoded");
  g_assert_cmpstr (r->request_body, ==, "list=1.2.3,1.2.4,1.2.5&format=json");
  g_assert_null (r->raw_query);
  g_assert_cmpuint (r->n_requests, ==, 1);
  /* A single object instead of an array is one row. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
}

static void
test_wire_empty (Recorder      *r,
                 gconstpointer  data)
{
  static const struct {
    guint status;
    const char *body;
  } cases[] = {
    { 200, NULL },
    { 200, "" },
    { 200, "[]" },
    { 200, " \n" },
    { 204, NULL },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_STUDY);
      g_autoptr(GListModel) model = NULL;
      g_autoptr(GError) error = NULL;

      recorder_answer (r, cases[i].status, "application/json", cases[i].body, -1);
      model = list_studies_sync (r->v4, NULL, store, &error);
      g_assert_no_error (error);
      g_assert_true (model == G_LIST_MODEL (store));
      g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
    }
}

static void
test_wire_statuses (Recorder      *r,
                    gconstpointer  data)
{
  GString *long_text = g_string_new ("Invalid query parameter: 'x'. \xff Allowed parameters are: [");
  g_autofree char *text = NULL;

  while (long_text->len < 2000)
    g_string_append (long_text, "Collection, ");
  g_string_append (long_text, "format]\r\n");
  text = g_string_free (long_text, FALSE);

  /* A long 400 with a stray byte: the server's words, trimmed, valid UTF-8. */
  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;

    recorder_answer (r, 400, "application/json", text, -1);
    model = list_series_sync (r->v4, NULL, NULL, &error);
    g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_BAD_REQUEST);
    g_assert_true (g_str_has_prefix (error->message, "Invalid query parameter: 'x'."));
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
    g_assert_cmpuint (g_utf8_strlen (error->message, -1), <=, 301);
    g_assert_null (strchr (error->message, '\n'));
    g_assert_cmpuint (r->n_requests, ==, 1);
  }

  /* 404, 401, 403: a clear error with the status, not retried. */
  {
    guint statuses[] = { 404, 401, 403 };
    guint i;

    for (i = 0; i < G_N_ELEMENTS (statuses); i++)
      {
        g_autoptr(GListModel) model = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *code = g_strdup_printf ("%u", statuses[i]);
        guint before = r->n_requests;

        recorder_answer (r, statuses[i], "text/plain", "no", -1);
        model = list_patients_sync (r->v4, NULL, NULL, &error);
        g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_SERVER);
        g_assert_nonnull (strstr (error->message, code));
        g_assert_nonnull (strstr (error->message, "the list of patients"));
        g_assert_cmpuint (r->n_requests, ==, before + 1);
      }
  }

  /* A body that starts like a web page but is labelled JSON. */
  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;

    recorder_answer (r, 200, "application/json", "<html><body>Maintenance</body></html>", -1);
    model = list_collections_sync (r->v4, FALSE, NULL, &error);
    g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE);
    g_assert_nonnull (strstr (error->message, "web page"));
  }

  /* A 503 every time: retried, then a server error naming the endpoint. */
  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;
    guint before = r->n_requests;

    recorder_answer (r, 503, "text/plain", "down", -1);
    model = list_collections_sync (r->v4, FALSE, NULL, &error);
    g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_SERVER);
    g_assert_cmpstr (error->message, ==,
                     "The server answered 503 Service Unavailable when asked for the list of "
                     "collections (2 attempts).");
    g_assert_cmpuint (r->n_requests, ==, before + 2);
  }
}

/* A value or a body over its cap is an invalid answer, found before it is
 * all in memory; a body under the caps is fine. */
static void
test_wire_size_caps (Recorder      *r,
                     gconstpointer  data)
{
  gsize big = 3 * 1024 * 1024;
  GString *body = g_string_sized_new (big + 100);

  g_string_append (body, "[{\"SeriesInstanceUID\":\"1.2.3\",\"SeriesDescription\":\"");
  while (body->len < big)
    g_string_append (body, "abcdefghijklmnopqrstuvwxyz");
  g_string_append (body, "\"}]");

  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;

    recorder_answer (r, 200, "application/json", body->str, (gssize) body->len);
    model = list_series_sync (r->v4, NULL, NULL, &error);
    g_assert_null (model);
    g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE);
    g_test_message ("%s", error->message);
    g_assert_cmpstr (error->message, ==, "The server sent a value larger than 1.0\302\240MiB in the list of series.");
    g_assert_cmpuint (r->n_requests, ==, 1);
  }

  /* The same body under a body cap smaller than it, and with the value cap
   * raised above the value: the body cap fails it. */
  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;

    tcia_client_set_size_limits (r->v4, 4 * 1024 * 1024, 1024 * 1024);
    model = list_series_sync (r->v4, NULL, NULL, &error);
    g_assert_null (model);
    g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE);
    g_test_message ("%s", error->message);
    g_assert_true (g_str_has_prefix (error->message,
                                     "The server sent more than 1.0\302\240MiB with the list of series"));
  }

  /* Both caps above it: the listing is read. */
  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;

    tcia_client_set_size_limits (r->v4, 4 * 1024 * 1024, 8 * 1024 * 1024);
    model = list_series_sync (r->v4, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  }

  g_string_free (body, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, n_series) \
  g_test_add ("/core/client/" path, Fixture, GUINT_TO_POINTER (n_series), \
              fixture_setup, func, fixture_teardown)
#define ADD_WIRE(path, func) \
  g_test_add ("/core/client/wire/" path, Recorder, NULL, recorder_setup, func, recorder_teardown)

  g_test_add_func ("/core/client/urls", test_urls);
  g_test_add_func ("/core/client/resolve-url", test_resolve_url);
  g_test_add_func ("/core/client/image-url", test_image_url);
  ADD ("collections", test_collections, 0);
  ADD ("values", test_values, 0);
  ADD ("descriptions", test_descriptions, 0);
  ADD ("patients", test_patients, 0);
  ADD ("studies", test_studies, 0);
  ADD ("series", test_series, 0);
  ADD ("series-into-null", test_series_into_null, 0);
  ADD ("metadata", test_metadata, 0);
  ADD ("shared-cart", test_shared_cart, 0);
  ADD ("series-size", test_series_size, 0);
  ADD ("sop-uids", test_sop_uids, 0);
  ADD ("updated-series", test_updated_series, 0);
  ADD ("retry-429", test_retry_429, 0);
  ADD ("retry-503", test_retry_503, 0);
  ADD ("retry-exhausted", test_retry_exhausted, 0);
  ADD ("drop-mid-body", test_drop_mid_body, 5000);
  ADD ("drop-exhausted", test_drop_exhausted, 0);
  ADD ("bad-request", test_bad_request, 0);
  ADD ("html-page", test_html_page, 0);
  ADD ("malformed-json", test_malformed_json, 5000);
  g_test_add_func ("/core/client/dead-port", test_dead_port);
  ADD ("stall", test_stall, 0);
  ADD ("retrying-signal", test_retrying_signal, 0);
  g_test_add_func ("/core/client/retry-after-past-deadline", test_retry_after_past_deadline);
  ADD ("deadline-during-attempt", test_deadline_during_attempt, 0);
  ADD ("slow-body", test_slow_body, 0);
  ADD ("cancel-during-latency", test_cancel_during_latency, 0);
  ADD ("progressive", test_progressive, 20000);
  ADD ("cancel-mid-stream", test_cancel_mid_stream, 20000);
  ADD_WIRE ("encoding", test_wire_encoding);
  ADD_WIRE ("parameters", test_wire_parameters);
  ADD_WIRE ("dates", test_wire_dates);
  ADD_WIRE ("metadata-post", test_wire_metadata_post);
  ADD_WIRE ("empty", test_wire_empty);
  ADD_WIRE ("statuses", test_wire_statuses);
  ADD_WIRE ("size-caps", test_wire_size_caps);

#undef ADD
#undef ADD_WIRE

  return g_test_run ();
}
