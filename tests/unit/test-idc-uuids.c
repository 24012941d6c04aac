/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "fake-idc.h"
#include "idc-api-test-util.h"
#include "tcia-export-s5cmd.h"
#include "tcia-idc-client.h"
#include "tcia-import.h"
#include "test-util.h"

/* Resolving the series folders an s5cmd manifest names (crdc_series_uuid)
 * through IDC's API, against the fake IDC: its SQLite runs the client's
 * query text as IDC's DuckDB would. */

#define UNKNOWN_UUID "00000000-1111-4222-8333-444444444444"

static TciaIdcResolution *
resolve (TciaIdcClient       *client,
         const char * const  *uuids,
         GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tcia_idc_client_resolve_uuids_async (client, uuids, NULL, store_result_cb, &result);
  wait_for (&result);
  return tcia_idc_client_resolve_uuids_finish (client, result, error);
}

/* The older folders of @uid in prior_versions_index. */
static const FakeIdcSeries *
prior_folder (FakeIdcArchive *archive,
              const char     *uid)
{
  for (guint i = 0; i < fake_idc_archive_get_n_prior (archive); i++)
    if (g_str_equal (fake_idc_archive_get_prior (archive, i)->series_uid, uid))
      return fake_idc_archive_get_prior (archive, i);
  return NULL;
}

static void
test_uuid_validation (void)
{
  g_assert_true (tcia_idc_series_uuid_is_valid ("6079cc3b-4b0f-41ec-bdbb-c6e754e88229"));
  g_assert_false (tcia_idc_series_uuid_is_valid ("6079CC3B-4B0F-41EC-BDBB-C6E754E88229"));
  g_assert_false (tcia_idc_series_uuid_is_valid ("6079cc3b-4b0f-41ec-bdbb-c6e754e8822"));
  g_assert_false (tcia_idc_series_uuid_is_valid ("6079cc3b-4b0f-41ec-bdbb-c6e754e8822'"));
  g_assert_false (tcia_idc_series_uuid_is_valid ("6079cc3b4b0f-41ec-bdbb-c6e754e88229-"));
  g_assert_false (tcia_idc_series_uuid_is_valid (NULL));
}

/* Every current folder, the folder only an older release has, one IDC
 * never had and a name that is no UUID: one query for "index", one for
 * the older releases; UIDs in the order of the folders; nothing dropped. */
static void
test_resolve_uuids (IdcApiFixture *f,
                    gconstpointer  data)
{
  FakeIdcArchive *archive = fake_idc_get_archive (f->fake);
  g_autoptr(GPtrArray) uuids = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaIdcResolution) resolution = NULL;
  const char *prior_only = fake_idc_archive_get_prior_only_uid (archive);
  const FakeIdcSeries *prior = prior_folder (archive, prior_only);
  guint n = fake_idc_archive_get_n_series (archive);
  const char * const *uids;

  g_assert_nonnull (prior);
  /* Newest first, as a manifest lists them, and in upper case once. */
  for (guint i = n; i > 0; i--)
    g_ptr_array_add (uuids, (gpointer) fake_idc_archive_get_series (archive, i - 1)->series_uuid);
  g_ptr_array_add (uuids, (gpointer) prior->series_uuid);
  g_ptr_array_add (uuids, (gpointer) UNKNOWN_UUID);
  g_ptr_array_add (uuids, (gpointer) "x') OR 1=1 --");
  g_ptr_array_add (uuids, NULL);

  resolution = resolve (f->client, (const char * const *) uuids->pdata, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_idc_get_request_count (f->fake, "sql"), ==, 2);

  g_assert_cmpuint (tcia_idc_resolution_count_uuids (resolution, TCIA_IDC_STATUS_CURRENT), ==, n);
  g_assert_cmpuint (tcia_idc_resolution_count_uuids (resolution, TCIA_IDC_STATUS_PRIOR_VERSION),
                    ==, 1);
  g_assert_cmpuint (tcia_idc_resolution_count_uuids (resolution, TCIA_IDC_STATUS_NOT_IN_IDC), ==,
                    1);
  g_assert_cmpuint (tcia_idc_resolution_count_uuids (resolution, TCIA_IDC_STATUS_INVALID_UID),
                    ==, 1);
  g_assert_cmpint (tcia_idc_resolution_get_uuid_status (resolution, UNKNOWN_UUID), ==,
                   TCIA_IDC_STATUS_NOT_IN_IDC);
  g_assert_null (tcia_idc_resolution_get_uuid_series_uid (resolution, UNKNOWN_UUID));

  uids = tcia_idc_resolution_get_uids (resolution);
  g_assert_cmpuint (g_strv_length ((char **) uids), ==, n + 1);
  for (guint i = 0; i < n; i++)
    {
      const FakeIdcSeries *want = fake_idc_archive_get_series (archive, n - 1 - i);
      TciaIdcLocation *location = tcia_idc_resolution_get_location (resolution, uids[i]);
      TciaSeries *series = tcia_idc_resolution_get_series (resolution, uids[i]);

      g_assert_cmpstr (uids[i], ==, want->series_uid);
      g_assert_cmpstr (tcia_idc_resolution_get_uuid_series_uid (resolution, want->series_uuid),
                       ==, want->series_uid);
      g_assert_cmpint (tcia_idc_resolution_get_status (resolution, uids[i]), ==,
                       TCIA_IDC_STATUS_CURRENT);
      g_assert_cmpstr (location->crdc_series_uuid, ==, want->series_uuid);
      g_assert_cmpstr (location->bucket, ==, want->bucket);
      g_assert_cmpuint (location->instance_count, ==, want->n_objects);
      g_assert_cmpstr (tcia_series_get_collection (series), ==, want->collection_name);
    }
  g_assert_cmpstr (uids[n], ==, prior_only);
  g_assert_cmpint (tcia_idc_resolution_get_status (resolution, prior_only), ==,
                   TCIA_IDC_STATUS_PRIOR_VERSION);
  g_assert_true (tcia_idc_resolution_get_location (resolution, prior_only)->prior_version);
}

/* A manifest naming an older folder of a revised series gets that folder,
 * not the current one; in upper case, it is the same folder. */
static void
test_resolve_older_folder (IdcApiFixture *f,
                           gconstpointer  data)
{
  FakeIdcArchive *archive = fake_idc_get_archive (f->fake);
  const char *revised = fake_idc_archive_get_revised_uid (archive);
  const FakeIdcSeries *older = prior_folder (archive, revised);
  g_autofree char *upper = g_ascii_strup (older->series_uuid, -1);
  const char *uuids[] = { upper, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaIdcResolution) resolution = resolve (f->client, uuids, &error);
  TciaIdcLocation *location;

  g_assert_no_error (error);
  g_assert_cmpint (tcia_idc_resolution_get_uuid_status (resolution, older->series_uuid), ==,
                   TCIA_IDC_STATUS_PRIOR_VERSION);
  location = tcia_idc_resolution_get_location (resolution, revised);
  g_assert_nonnull (location);
  g_assert_cmpstr (location->crdc_series_uuid, ==, older->series_uuid);
  g_assert_true (location->prior_version);
  g_assert_cmpstr (tcia_idc_resolution_get_series_uuids (resolution)[0], ==, older->series_uuid);
}

/* 1500 folders: 1000 + 500 for "index", the same for older releases. */
static void
test_resolve_batches (IdcApiFixture *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaIdcResolution) resolution = NULL;

  for (guint i = 0; i < 1500; i++)
    g_ptr_array_add (uuids, g_strdup_printf ("00000000-0000-4000-8000-%012u", i));
  g_ptr_array_add (uuids, NULL);
  resolution = resolve (f->client, (const char * const *) uuids->pdata, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_idc_resolution_count_uuids (resolution, TCIA_IDC_STATUS_NOT_IN_IDC),
                    ==, 1500);
  g_assert_null (tcia_idc_resolution_get_uids (resolution)[0]);
  g_assert_cmpuint (fake_idc_get_request_count (f->fake, "sql"), ==, 4);
}

/* The basket's export: every UID either a cp line of its folder (an older
 * release's for the series only that has) or a "Not in IDC" comment; read
 * back, the folders resolve to the same series. */
static void
test_export_file (IdcApiFixture *f,
                  gconstpointer  data)
{
  FakeIdcArchive *archive = fake_idc_get_archive (f->fake);
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-idc-uuids-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "my basket.s5cmd", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(TciaImportFile) parsed = NULL;
  g_autoptr(TciaIdcResolution) resolution = NULL;
  g_autofree char *text = NULL;
  const char *prior_only = fake_idc_archive_get_prior_only_uid (archive);
  guint n = fake_idc_archive_get_n_series (archive);
  guint n_series = 0, n_missing = 0;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (uids, (gpointer) fake_idc_archive_get_series (archive, i)->series_uid);
  g_ptr_array_add (uids, (gpointer) prior_only);
  g_ptr_array_add (uids, (gpointer) "1.2.3.4.5.6.7.8.999");
  g_ptr_array_add (uids, NULL);

  tcia_export_s5cmd_async (f->client, (const char * const *) uids->pdata, file, NULL,
                           store_result_cb, &result);
  wait_for (&result);
  g_assert_true (tcia_export_s5cmd_finish (result, &n_series, &n_missing, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_series, ==, n + 1);
  g_assert_cmpuint (n_missing, ==, 1);

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "# To download the files in this manifest"));
  g_assert_nonnull (strstr (text, "--endpoint-url https://s3.amazonaws.com run my basket.s5cmd\n"));
  g_assert_true (g_str_has_suffix (text, "\n#\n# Not in IDC (download these from TCIA): "
                                         "1.2.3.4.5.6.7.8.999\n"));

  parsed = tcia_import_parse_file (file, TCIA_IMPORT_FORMAT_AUTO, TCIA_IMPORT_FLAGS_NONE, NULL,
                                   &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_import_file_get_n_idc_series (parsed), ==, n + 1);
  g_assert_cmpuint (tcia_import_file_get_n_uids (parsed), ==, 1);
  resolution = resolve (f->client, tcia_import_file_get_idc_series_uuids (parsed), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n + 1; i++)
    g_assert_cmpstr (tcia_idc_resolution_get_uids (resolution)[i], ==, uids->pdata[i]);
  g_assert_true (tcia_idc_resolution_get_location (resolution, prior_only)->prior_version);

  g_unlink (path);
  g_rmdir (dir);
}

/* IDC down: an error that says so, not an empty answer. */
static void
test_resolve_api_down (IdcApiFixture *f,
                       gconstpointer  data)
{
  const char *uuids[] = { UNKNOWN_UUID, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaIdcResolution) resolution = NULL;

  fake_idc_set_fault (f->fake, FAKE_IDC_FAULT_API_503, 0, "sql");
  resolution = resolve (f->client, uuids, &error);
  g_assert_null (resolution);
  g_assert_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_SERVER);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/idc/uuids/validation", test_uuid_validation);
#define ADD(path, func) \
  g_test_add ("/idc/uuids/" path, IdcApiFixture, NULL, idc_api_setup, func, idc_api_teardown)
  ADD ("resolve", test_resolve_uuids);
  ADD ("older-folder", test_resolve_older_folder);
  ADD ("batches", test_resolve_batches);
  ADD ("api-down", test_resolve_api_down);
  ADD ("export-file", test_export_file);
#undef ADD

  return g_test_run ();
}
