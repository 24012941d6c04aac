/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tcia-manifest.h"

#define UID_A "1.3.6.1.4.1.14519.5.2.1.2932.1975.258485580179562855968279889580"
#define UID_B "1.3.6.1.4.1.14519.5.2.1.2932.1975.828151202600553380765273057255"

typedef struct
{
  GPtrArray *keys;    /* "key=value" of the header, in order */
  GPtrArray *uids;
} Parsed;

static void
parsed_clear (Parsed *parsed)
{
  g_clear_pointer (&parsed->keys, g_ptr_array_unref);
  g_clear_pointer (&parsed->uids, g_ptr_array_unref);
}

/* The reading rules of tcia-api.md §5.1, as the official tools apply them:
 * key=value lines up to ListOfSeriesToDownload=, then each non-empty line
 * matching ^[0-9]+(\.[0-9]+)*$ is a series UID. */
static void
parse_like_the_retriever (const char *text,
                          Parsed     *parsed)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GRegex) uid_regex = g_regex_new ("^[0-9]+(\\.[0-9]+)*$", 0, 0, NULL);
  gboolean in_list = FALSE;

  parsed->keys = g_ptr_array_new_with_free_func (g_free);
  parsed->uids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);

      if (len > 0 && line[len - 1] == '\r')
        line[len - 1] = '\0';
      if (i == 0 && g_str_has_prefix (line, "\xef\xbb\xbf"))
        line += 3;

      if (in_list)
        {
          if (*line != '\0' && g_regex_match (uid_regex, line, 0, NULL))
            g_ptr_array_add (parsed->uids, g_strdup (line));
          continue;
        }

      if (g_ascii_strcasecmp (line, "ListOfSeriesToDownload=") == 0)
        in_list = TRUE;
      else if (strchr (line, '=') != NULL)
        g_ptr_array_add (parsed->keys, g_strdup (line));
    }

  g_assert_true (in_list);
}

static void
test_manifest_exact (void)
{
  const char *uids[] = { UID_A, UID_B, NULL };
  TciaManifestOptions options;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  tcia_manifest_options_init (&options);
  options.timestamp_ms = 1561766528292;

  text = tcia_manifest_to_string (uids, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==,
                   "downloadServerUrl=https://public.cancerimagingarchive.net/nbia-download/servlet/DownloadServlet\n"
                   "includeAnnotation=false\n"
                   "noOfrRetry=4\n"
                   "databasketId=manifest-1561766528292.tcia\n"
                   "manifestVersion=3.0\n"
                   "ListOfSeriesToDownload=\n"
                   UID_A "\n"
                   UID_B "\n");
}

static void
test_manifest_options (void)
{
  const char *uids[] = { UID_A, NULL };
  TciaManifestOptions options;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  tcia_manifest_options_init (&options);
  options.download_server_url =
    "https://nlst.cancerimagingarchive.net/nbia-download/servlet/DownloadServlet";
  options.include_annotation = TRUE;
  options.retries = 10;
  options.timestamp_ms = 1700000000000;

  text = tcia_manifest_to_string (uids, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==,
                   "downloadServerUrl=https://nlst.cancerimagingarchive.net/nbia-download/servlet/DownloadServlet\n"
                   "includeAnnotation=true\n"
                   "noOfrRetry=10\n"
                   "databasketId=manifest-1700000000000.tcia\n"
                   "manifestVersion=3.0\n"
                   "ListOfSeriesToDownload=\n"
                   UID_A "\n");
}

static void
test_manifest_empty (void)
{
  const char *none[] = { NULL };
  TciaManifestOptions options;
  g_autoptr(GError) error = NULL;
  g_autofree char *from_null = NULL;
  g_autofree char *from_empty = NULL;
  Parsed parsed = { NULL, NULL };

  tcia_manifest_options_init (&options);
  options.timestamp_ms = 1;

  from_null = tcia_manifest_to_string (NULL, &options, &error);
  g_assert_no_error (error);
  from_empty = tcia_manifest_to_string (none, &options, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (from_null, ==, from_empty);
  g_assert_true (g_str_has_suffix (from_null, "\nListOfSeriesToDownload=\n"));

  parse_like_the_retriever (from_null, &parsed);
  g_assert_cmpuint (parsed.keys->len, ==, 5);
  g_assert_cmpuint (parsed.uids->len, ==, 0);
  parsed_clear (&parsed);
}

/* Without a timestamp the basket id is the time of writing, in milliseconds
 * since the epoch, as the portal names its manifests. */
static void
test_manifest_default_timestamp (void)
{
  const char *uids[] = { UID_A, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 before = g_get_real_time () / 1000;
  gint64 after;
  gint64 stamp;
  const char *id;

  text = tcia_manifest_to_string (uids, NULL, &error);
  after = g_get_real_time () / 1000;
  g_assert_no_error (error);

  id = strstr (text, "\ndatabasketId=manifest-");
  g_assert_nonnull (id);
  stamp = g_ascii_strtoll (id + strlen ("\ndatabasketId=manifest-"), NULL, 10);
  g_assert_cmpint (stamp, >=, before);
  g_assert_cmpint (stamp, <=, after);
  g_assert_nonnull (strstr (text, "\nnoOfrRetry=4\n"));
  g_assert_nonnull (strstr (text, "\nincludeAnnotation=false\n"));
}

static void
test_manifest_round_trip (void)
{
  const char *uids[] = { UID_A, UID_B, "1.2.840.10008.5.1.4.1.1.2", "7", NULL };
  TciaManifestOptions options;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *crlf = NULL;
  Parsed parsed = { NULL, NULL };

  tcia_manifest_options_init (&options);
  options.timestamp_ms = 1561766528292;
  text = tcia_manifest_to_string (uids, &options, &error);
  g_assert_no_error (error);

  parse_like_the_retriever (text, &parsed);
  g_assert_cmpuint (parsed.keys->len, ==, 5);
  g_assert_cmpstr (parsed.keys->pdata[0], ==,
                   "downloadServerUrl=" TCIA_MANIFEST_DEFAULT_SERVER_URL);
  g_assert_cmpstr (parsed.keys->pdata[1], ==, "includeAnnotation=false");
  g_assert_cmpstr (parsed.keys->pdata[2], ==, "noOfrRetry=4");
  g_assert_cmpstr (parsed.keys->pdata[3], ==, "databasketId=manifest-1561766528292.tcia");
  g_assert_cmpstr (parsed.keys->pdata[4], ==, "manifestVersion=3.0");
  g_assert_cmpuint (parsed.uids->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpstr (parsed.uids->pdata[i], ==, uids[i]);
  parsed_clear (&parsed);

  /* The same after a trip through an editor that writes CRLF and a BOM. */
  {
    g_autoptr(GRegex) eol = g_regex_new ("\n", 0, 0, NULL);
    g_autofree char *with_cr = g_regex_replace_literal (eol, text, -1, 0, "\r\n", 0, NULL);

    crlf = g_strconcat ("\xef\xbb\xbf", with_cr, NULL);
  }
  parse_like_the_retriever (crlf, &parsed);
  g_assert_cmpuint (parsed.keys->len, ==, 5);
  g_assert_cmpuint (parsed.uids->len, ==, 4);
  g_assert_cmpstr (parsed.uids->pdata[3], ==, "7");
  parsed_clear (&parsed);
}

/* A UID the writer let through with a newline or a letter would turn into a
 * different list of series for whoever reads the manifest. */
static void
test_manifest_invalid_uid (void)
{
  const char *bad[] = {
    "", "1..2", "1.2.", ".1", "1.2.abc", "1.2\n3.4", "1.2 ", " 1.2", "1,2", "-1",
    "1.2\r", "１.２",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const char *uids[] = { UID_A, bad[i], NULL };
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      g_assert_false (tcia_manifest_is_series_uid (bad[i]));
      text = tcia_manifest_to_string (uids, NULL, &error);
      g_assert_error (error, TCIA_MANIFEST_ERROR, TCIA_MANIFEST_ERROR_INVALID_UID);
      g_assert_null (text);
    }

  g_assert_false (tcia_manifest_is_series_uid (NULL));
  g_assert_true (tcia_manifest_is_series_uid ("0"));
  g_assert_true (tcia_manifest_is_series_uid ("1.2.3"));
  g_assert_true (tcia_manifest_is_series_uid (UID_A));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/manifest/exact", test_manifest_exact);
  g_test_add_func ("/core/manifest/options", test_manifest_options);
  g_test_add_func ("/core/manifest/empty", test_manifest_empty);
  g_test_add_func ("/core/manifest/default-timestamp", test_manifest_default_timestamp);
  g_test_add_func ("/core/manifest/round-trip", test_manifest_round_trip);
  g_test_add_func ("/core/manifest/invalid-uid", test_manifest_invalid_uid);

  return g_test_run ();
}
