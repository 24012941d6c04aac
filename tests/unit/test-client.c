/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The client against the in-process fake NBIA server: every endpoint on v4
 * and v1, and its URLs. Faults, retries, deadlines and cancellation are in
 * test-client-faults.c, what goes over the wire in test-client-wire.c. */
#include "config.h"

#include "client-test-util.h"

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, n_series) \
  g_test_add ("/core/client/" path, Fixture, GUINT_TO_POINTER (n_series), \
              fixture_setup, func, fixture_teardown)

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

#undef ADD

  return g_test_run ();
}
