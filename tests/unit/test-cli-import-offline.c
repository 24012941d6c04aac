/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "unit-test-util.h"
#include "cli-test-util.h"

/* --download --offline: the manifest is looked up in the local catalogue
 * (filled by --sync) without a request to the server; what the catalogue
 * lacks is named as not looked up, never as unknown, and the exit status
 * says the download is incomplete. */

static FakeNbia *fake;
static char *url_v4;
static char *api_url;
static char *hidden_uid;   /* a series of a collection added after the sync */
static char *synced_uids[2];

typedef struct
{
  char *dir;
  char *cache_env;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("test-cli-import-offline-XXXXXX", &error);
  g_assert_no_error (error);
  f->cache_env = g_strdup_printf ("XDG_CACHE_HOME=%s/cache", f->dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->cache_env);
}

#define run_in(f, run, ...) \
  run_cli_env ((run), (const char * const []) { (f)->cache_env, NULL }, \
               (const char * const []) { api_url, __VA_ARGS__, NULL })

/* The catalogue filled by --sync while one collection was hidden. */
static void
sync_without_hidden (Fixture *f)
{
  const char *hidden = fake_nbia_get_collections (fake)[2];
  g_auto(Run) run = { 0 };

  g_assert_true (fake_nbia_set_collection_hidden (fake, hidden, TRUE));
  run_in (f, &run, "--sync");
  g_assert_true (fake_nbia_set_collection_hidden (fake, hidden, FALSE));
  g_assert_cmpint (run.status, ==, 0);
}

/* A manifest of @uids (NULL-terminated) in the fixture's folder. */
static char *
write_manifest (Fixture            *f,
                const char         *name,
                const char * const *uids)
{
  g_autofree char *text = g_strjoinv ("\n", (char **) uids);
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);

  return g_strdup_printf ("--download=%s", path);
}

static void
test_all_synced (Fixture       *f,
                 gconstpointer  data)
{
  const char *uids[] = { synced_uids[0], synced_uids[1], NULL };
  g_autofree char *download = write_manifest (f, "synced.txt", uids);
  g_autofree char *output = g_strdup_printf ("--output=%s/out", f->dir);
  g_autofree char *metadata = g_strdup_printf ("%s/out/metadata.csv", f->dir);
  g_auto(Run) run = { 0 };
  guint before;

  sync_without_hidden (f);
  before = fake_nbia_get_request_count (fake, "getSeriesMetadata");
  run_in (f, &run, download, output, "--offline");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getSeriesMetadata"), ==, before);
  g_assert_nonnull (strstr (run.err, "2 of 2 series complete"));
  g_assert_true (g_file_test (metadata, G_FILE_TEST_IS_REGULAR));
}

static void
test_unsynced_not_looked_up (Fixture       *f,
                             gconstpointer  data)
{
  const char *uids[] = { synced_uids[0], hidden_uid, NULL };
  g_autofree char *download = write_manifest (f, "mixed.txt", uids);
  g_autofree char *output = g_strdup_printf ("--output=%s/out", f->dir);
  g_autofree char *named = g_strdup_printf ("series %s was not looked up", hidden_uid);
  g_auto(Run) run = { 0 };
  guint before, before_lookups;

  sync_without_hidden (f);
  before = fake_nbia_get_request_count (fake, NULL);
  before_lookups = fake_nbia_get_request_count (fake, "getSeriesMetadata");
  run_in (f, &run, download, output, "--offline");
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getSeriesMetadata"), ==, before_lookups);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, named));
  g_assert_nonnull (strstr (run.err, "the server was not asked (offline)"));
  g_assert_nonnull (strstr (run.err, "without --offline"));
  /* Not the words for a series the archive does not know. */
  g_assert_null (strstr (run.err, "does not know this series"));
  g_assert_nonnull (strstr (run.err, "1 of 2 series complete"));
  g_assert_nonnull (strstr (run.err, "1 failed"));
  /* The synced series was downloaded: getImage, and nothing else. */
  g_assert_cmpuint (fake_nbia_get_request_count (fake, NULL), >, before);
}

static void
test_no_catalogue (Fixture       *f,
                   gconstpointer  data)
{
  const char *uids[] = { synced_uids[0], NULL };
  g_autofree char *download = write_manifest (f, "one.txt", uids);
  g_autofree char *output = g_strdup_printf ("--output=%s/out", f->dir);
  g_auto(Run) run = { 0 };
  g_auto(Run) lonely = { 0 };

  /* Before any sync: one line, and the way out. */
  run_in (f, &run, download, output, "--offline");
  assert_one_error_line (&run, "tcia-basket: ");
  g_assert_nonnull (strstr (run.err, "--sync"));

  run_in (f, &lonely, "--offline");
  assert_one_error_line (&lonely, NULL);
  g_assert_nonnull (strstr (lonely.err, "--download"));
}

int
main (int   argc,
      char *argv[])
{
  const char *hidden;
  int status;

  g_test_init (&argc, &argv, NULL);

  fake = download_test_start_server (&url_v4);
  api_url = g_strdup_printf ("--api-url=%s", url_v4);
  hidden = fake_nbia_get_collections (fake)[2];
  for (guint i = 0, k = 0; i < fake_nbia_get_n_series (fake); i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (fake, i, &info);
      if (g_str_equal (info.collection, hidden))
        {
          if (hidden_uid == NULL)
            hidden_uid = g_strdup (info.series_uid);
        }
      else if (k < G_N_ELEMENTS (synced_uids))
        {
          synced_uids[k++] = g_strdup (info.series_uid);
        }
    }
  g_assert_nonnull (hidden_uid);
  g_assert_nonnull (synced_uids[1]);

  g_test_add ("/cli-import-offline/all-synced", Fixture, NULL,
              fixture_set_up, test_all_synced, fixture_tear_down);
  g_test_add ("/cli-import-offline/unsynced-not-looked-up", Fixture, NULL,
              fixture_set_up, test_unsynced_not_looked_up, fixture_tear_down);
  g_test_add ("/cli-import-offline/no-catalogue", Fixture, NULL,
              fixture_set_up, test_no_catalogue, fixture_tear_down);

  status = download_test_run (fake, url_v4);
  g_free (api_url);
  g_free (hidden_uid);
  for (guint i = 0; i < G_N_ELEMENTS (synced_uids); i++)
    g_free (synced_uids[i]);
  return status;
}
