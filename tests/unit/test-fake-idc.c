/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-fake-idc"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fake-idc-archive.h"
#include "fake-nbia.h"

/* The fake IDC's contract (idc-api.md §7): the same archive as the fake NBIA
 * server, its API v3 and its buckets. */

static gboolean
is_uuid (const char *text)
{
  static GRegex *re;

  if (re == NULL)
    re = g_regex_new ("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                      0, 0, NULL);
  return g_regex_match (re, text, 0, NULL);
}

/* Every IDC series is a fake NBIA series with the same UID, and the objects
 * are its DICOM files: same count, sizes and MD5s as the NBIA server has. */
static void
test_archive_same_uids (void)
{
  FakeNbia *nbia = fake_nbia_new (NULL);
  FakeIdcArchive *idc = fake_idc_archive_new (NULL);
  guint n_nbia = fake_nbia_get_n_series (nbia);
  guint n_only = 0, n_current = 0;
  GHashTable *buckets = g_hash_table_new (g_str_hash, g_str_equal);
  const char *missing = fake_idc_archive_get_missing_collection (idc);

  g_assert_nonnull (missing);
  for (guint i = 0; i < n_nbia; i++)
    {
      FakeNbiaSeriesInfo info;
      const FakeIdcSeries *s;
      guint64 size = 0;

      fake_nbia_get_series (nbia, i, &info);
      s = fake_idc_archive_lookup (idc, info.series_uid);
      if (fake_idc_archive_is_nbia_only (idc, i))
        {
          g_assert_null (s);
          n_only++;
          continue;
        }
      g_assert_nonnull (s);
      g_assert_cmpstr (info.collection, !=, missing);
      n_current++;
      g_assert_cmpuint (s->nbia_index, ==, i);
      g_assert_cmpstr (s->collection_name, ==, info.collection);
      g_assert_cmpuint (s->n_objects, ==, info.image_count);
      g_assert_cmpuint (s->size, ==, info.file_size);
      g_assert_true (is_uuid (s->series_uuid));
      g_assert_true (fake_idc_archive_lookup_uuid (idc, s->series_uuid) == s);
      g_hash_table_add (buckets, (gpointer) s->bucket);
      for (guint k = 0; k < s->n_objects; k++)
        {
          const FakeIdcObject *o = fake_idc_archive_get_object (idc, s, k);
          g_autofree char *md5 = fake_nbia_get_image_md5 (nbia, i, o->image);
          g_autoptr(GBytes) bytes = fake_idc_archive_get_bytes (idc, s, o);
          g_autofree char *key = g_strdup_printf ("%s/%s.dcm", s->series_uuid,
                                                  o->instance_uuid);
          const FakeIdcSeries *found_series = NULL;

          g_assert_true (is_uuid (o->instance_uuid));
          g_assert_cmpstr (o->key, ==, key);
          if (k > 0)
            g_assert_cmpint (strcmp (fake_idc_archive_get_object (idc, s, k - 1)->key,
                                     o->key), <, 0);
          g_assert_cmpstr (fake_idc_archive_get_md5 (idc, s, o), ==, md5);
          g_assert_cmpuint (g_bytes_get_size (bytes), ==, o->size);
          g_assert_true (fake_idc_archive_find_object (idc, s->bucket, o->key,
                                                       &found_series) == o);
          g_assert_true (found_series == s);
          g_assert_null (fake_idc_archive_find_object (idc, "idc-open-data-nope", o->key, NULL));
          size += o->size;
        }
      g_assert_cmpuint (size, ==, s->size);
    }
  g_assert_cmpuint (n_current, ==, fake_idc_archive_get_n_series (idc));
  g_assert_cmpuint (n_only, >=, 3);
  g_assert_cmpuint (n_current, >, n_only);
  /* All three buckets. */
  g_assert_true (g_hash_table_contains (buckets, FAKE_IDC_BUCKET_OPEN));
  g_assert_true (g_hash_table_contains (buckets, FAKE_IDC_BUCKET_TWO));
  g_assert_true (g_hash_table_contains (buckets, FAKE_IDC_BUCKET_CR));

  g_hash_table_unref (buckets);
  fake_idc_archive_free (idc);
  fake_nbia_free (nbia);
}

static void
test_archive_prior_versions (void)
{
  FakeIdcArchive *idc = fake_idc_archive_new (NULL);
  const char *revised = fake_idc_archive_get_revised_uid (idc);
  const char *prior_only = fake_idc_archive_get_prior_only_uid (idc);
  guint n_revised = 0, n_prior_only = 0;

  g_assert_nonnull (revised);
  g_assert_nonnull (prior_only);
  g_assert_nonnull (fake_idc_archive_lookup (idc, revised));
  g_assert_null (fake_idc_archive_lookup (idc, prior_only));
  for (guint i = 0; i < fake_idc_archive_get_n_prior (idc); i++)
    {
      const FakeIdcSeries *p = fake_idc_archive_get_prior (idc, i);

      g_assert_false (p->current);
      g_assert_true (is_uuid (p->series_uuid));
      g_assert_true (fake_idc_archive_lookup_uuid (idc, p->series_uuid) == p);
      if (g_str_equal (p->series_uid, revised))
        {
          g_assert_cmpstr (p->series_uuid, !=,
                           fake_idc_archive_lookup (idc, revised)->series_uuid);
          n_revised++;
        }
      else if (g_str_equal (p->series_uid, prior_only))
        {
          g_assert_true (fake_idc_archive_is_nbia_only (idc, p->nbia_index));
          n_prior_only++;
        }
      g_assert_cmpuint (p->max_version, <, FAKE_IDC_VERSION);
      /* Old folders stay in the buckets. */
      g_assert_true (fake_idc_archive_find_object (idc, p->bucket,
                                                   fake_idc_archive_get_object (idc, p, 0)->key,
                                                   NULL) != NULL);
    }
  g_assert_cmpuint (n_revised, ==, 2);
  g_assert_cmpuint (n_prior_only, ==, 1);
  fake_idc_archive_free (idc);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fake-idc/archive/same-uids", test_archive_same_uids);
  g_test_add_func ("/fake-idc/archive/prior-versions", test_archive_prior_versions);

  return g_test_run ();
}
