/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-fake-nbia"

#include "fake-nbia-test-util.h"
#include "fake-sanitizer.h"

/* The fake NBIA server's getImage ZIPs and the colliding folder names of
 * its archive. */

/* ---- getImage ---- */

static void
test_get_image_new_names (void)
{
  guint index = pick_series (server, 4);
  FakeNbiaSeriesInfo info;
  g_autofree char *path = series_path ("getImage", index, "&NewFileNames=Yes&IncludeMD5=Yes");
  g_autoptr(Reply) r = get (v4, path);
  g_autoptr(ZipContents) z = NULL;
  g_autofree char *disposition = NULL;
  guint n;

  fake_nbia_get_series (server, index, &info);
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (content_type (r), ==, "application/octet-stream");
  disposition = g_strdup_printf ("attachment; filename=\"%s.zip\"", info.series_uid);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Content-Disposition"), ==,
                   disposition);
  g_assert_cmpint (soup_message_headers_get_encoding (r->headers), ==, SOUP_ENCODING_CHUNKED);
  g_assert_null (soup_message_headers_get_one (r->headers, "Content-Length"));

  z = read_zip (r->body);
  g_assert_cmpint (z->result, ==, ARCHIVE_EOF);
  n = z->names->len;
  g_assert_cmpuint (n, ==, info.image_count + 2);
  g_assert_cmpstr (z->names->pdata[0], ==, "LICENSE");
  g_assert_cmpstr (z->names->pdata[n - 1], ==, "md5hashes.csv");
  for (guint i = 1; i < n - 1; i++)
    g_assert_true (g_regex_match_simple ("^\\d+-\\d+\\.dcm$", z->names->pdata[i], 0, 0));
  g_assert_true (g_regex_match_simple ("^1-0*1\\.dcm$", z->names->pdata[1], 0, 0));
  g_assert_cmpuint (z->n_dicoms, ==, info.image_count);
  g_assert_cmpuint (z->dicom_bytes, ==, info.file_size);
  g_assert_true (z->all_dicm);
  g_assert_true (md5s_match (z));
}

static void
test_get_image_sequential (void)
{
  guint index = pick_series (server, 2);
  FakeNbiaSeriesInfo info;
  g_autofree char *path = series_path ("getImage", index, NULL);
  g_autoptr(Reply) r1 = get (v1, path);
  g_autofree char *md5_path = series_path ("getImageWithMD5Hash", index, NULL);
  g_autoptr(Reply) r2 = get (v4, md5_path);
  g_autoptr(ZipContents) z1 = read_zip (r1->body);
  g_autoptr(ZipContents) z2 = read_zip (r2->body);

  fake_nbia_get_series (server, index, &info);
  g_assert_cmpuint (z1->names->len, ==, info.image_count + 1);
  g_assert_cmpstr (z1->names->pdata[0], ==, "LICENSE");
  g_assert_cmpstr (z1->names->pdata[1], ==, "00000001.dcm");
  g_assert_cmpstr (z1->names->pdata[2], ==, "00000002.dcm");
  g_assert_cmpuint (g_hash_table_size (z1->listed), ==, 0);
  g_assert_cmpuint (z1->dicom_bytes, ==, info.file_size);

  g_assert_cmpuint (z2->names->len, ==, info.image_count + 1);
  g_assert_cmpstr (z2->names->pdata[0], ==, "00000001.dcm");
  g_assert_cmpstr (z2->names->pdata[info.image_count], ==, "md5hashes.csv");
  g_assert_true (md5s_match (z2));
}

static void
test_get_image_big (void)
{
  FakeNbiaOptions options;
  FakeNbia *big;
  FakeNbiaSeriesInfo info;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(Reply) r = NULL;
  g_autoptr(ZipContents) z = NULL;
  g_autofree char *path = NULL;
  guint index;

  fake_nbia_options_init (&options);
  options.n_series = 3;
  options.big_series_bytes = 12 * 1024 * 1024;
  big = fake_nbia_new (&options);
  fake_nbia_start_in_thread (big, 0, &error);
  g_assert_no_error (error);
  index = fake_nbia_get_n_series (big) - 1;
  fake_nbia_get_series (big, index, &info);
  g_assert_cmpstr (info.collection, ==, "Big-Series");
  g_assert_cmpuint (info.file_size, >, 11 * 1024 * 1024);
  g_assert_cmpuint (info.file_size, <, 13 * 1024 * 1024);

  url = fake_nbia_get_url (big, 4);
  path = g_strdup_printf ("getImage?SeriesInstanceUID=%s&NewFileNames=Yes&IncludeMD5=Yes",
                          info.series_uid);
  r = get (url, path);
  g_assert_no_error (r->error);
  z = read_zip (r->body);
  g_assert_cmpint (z->result, ==, ARCHIVE_EOF);
  g_assert_cmpuint (z->n_dicoms, ==, info.image_count);
  g_assert_cmpuint (z->dicom_bytes, ==, info.file_size);
  g_assert_true (md5s_match (z));
  /* Deflated, roughly as NBIA's are. */
  g_assert_cmpuint (g_bytes_get_size (r->body), <, info.file_size * 8 / 10);
  g_assert_cmpuint (g_bytes_get_size (r->body), >, info.file_size * 2 / 10);
  fake_nbia_free (big);
}

/* ---- colliding folder names ---- */

static gboolean
contains (const guint8 *data,
          gsize         length,
          const char   *text)
{
  gsize n = strlen (text);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (data + i, text, n) == 0)
      return TRUE;
  return FALSE;
}

/* Whether every DICOM file of the getImage ZIP @body has @uid in it. */
static guint
dicoms_with_uid (GBytes     *body,
                 const char *uid)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *entry;
  guint n = 0;

  archive_read_support_format_zip_streamable (a);
  g_assert_cmpint (archive_read_open_memory (a, g_bytes_get_data (body, NULL),
                                             g_bytes_get_size (body)), ==, ARCHIVE_OK);
  while (archive_read_next_header (a, &entry) == ARCHIVE_OK)
    {
      g_autoptr(GByteArray) data = g_byte_array_new ();
      guint8 buf[65536];
      la_ssize_t r;

      while ((r = archive_read_data (a, buf, sizeof buf)) > 0)
        g_byte_array_append (data, buf, r);
      if (g_str_has_suffix (archive_entry_pathname (entry), ".dcm") &&
          contains (data->data, data->len, uid))
        n++;
    }
  archive_read_free (a);
  return n;
}

static void
test_colliding_pairs (void)
{
  FakeNbiaOptions options;
  FakeNbia *plain, *colliding;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GHashTable) paired = g_hash_table_new (NULL, NULL);
  guint first, second;

  fake_nbia_options_init (&options);
  g_assert_cmpuint (options.colliding_pairs, ==, 0);
  plain = fake_nbia_new (&options);
  g_assert_false (fake_nbia_get_colliding_pair (plain, 0, &first, &second));
  options.colliding_pairs = 3;
  colliding = fake_nbia_new (&options);
  fake_nbia_start_in_thread (colliding, 0, &error);
  g_assert_no_error (error);
  url = fake_nbia_get_url (colliding, 4);
  g_assert_false (fake_nbia_get_colliding_pair (colliding, 3, &first, &second));

  for (guint k = 0; fake_nbia_get_colliding_pair (colliding, k, &first, &second); k++)
    {
      FakeNbiaSeriesInfo a, b;
      FakeNbiaSeriesInfo *pair[2] = { &a, &b };
      gsize la, lb;

      fake_nbia_get_series (colliding, first, &a);
      fake_nbia_get_series (colliding, second, &b);
      g_hash_table_add (paired, GUINT_TO_POINTER (first));
      g_hash_table_add (paired, GUINT_TO_POINTER (second));
      g_assert_cmpstr (a.study_uid, ==, b.study_uid);
      g_assert_cmpstr (a.series_number, ==, b.series_number);
      g_assert_cmpstr (a.series_description, ==, b.series_description);
      g_assert_cmpstr (a.series_uid, !=, b.series_uid);
      la = strlen (a.series_uid);
      lb = strlen (b.series_uid);
      g_assert_cmpuint (lb, <=, 64);
      g_assert_true (g_regex_match_simple ("^[1-9][0-9]*(\\.(0|[1-9][0-9]*))+$", b.series_uid,
                                           0, 0));
      g_assert_cmpstr (a.series_uid + la - 5, ==, b.series_uid + lb - 5);
      g_assert_cmpint (fake_nbia_find_series (colliding, a.series_uid), ==, first);
      g_assert_cmpint (fake_nbia_find_series (colliding, b.series_uid), ==, second);

      for (guint i = 0; i < 2; i++)
        {
          g_autofree char *path = NULL;
          g_autofree char *rows_path = NULL;
          g_autoptr(Reply) r = NULL;
          g_autoptr(Reply) rows = NULL;
          g_autoptr(JsonArray) array = NULL;
          g_autoptr(ZipContents) z = NULL;

          path = g_strdup_printf ("getImage?SeriesInstanceUID=%s&IncludeMD5=Yes",
                                  pair[i]->series_uid);
          r = get (url, path);
          g_assert_cmpuint (r->status, ==, 200);
          z = read_zip (r->body);
          g_assert_cmpint (z->result, ==, ARCHIVE_EOF);
          g_assert_cmpuint (z->n_dicoms, ==, pair[i]->image_count);
          g_assert_cmpuint (z->dicom_bytes, ==, pair[i]->file_size);
          g_assert_true (md5s_match (z));
          g_assert_cmpuint (dicoms_with_uid (r->body, pair[i]->series_uid), ==,
                            pair[i]->image_count);
          g_assert_cmpuint (dicoms_with_uid (r->body, pair[1 - i]->series_uid), ==, 0);

          rows_path = g_strdup_printf ("getSeries?SeriesInstanceUID=%s", pair[i]->series_uid);
          rows = get (url, rows_path);
          array = parse_array (rows);
          g_assert_cmpuint (json_array_get_length (array), ==, 1);
          g_assert_cmpstr (string_member (array, 0, "SeriesInstanceUID"), ==,
                           pair[i]->series_uid);
        }
    }
  g_assert_cmpuint (g_hash_table_size (paired), ==, 6);

  /* The other series are as they were. */
  g_assert_cmpuint (fake_nbia_get_n_series (colliding), ==, fake_nbia_get_n_series (plain));
  for (guint i = 0; i < fake_nbia_get_n_series (plain); i++)
    {
      FakeNbiaSeriesInfo p, c;

      if (g_hash_table_contains (paired, GUINT_TO_POINTER (i)))
        continue;
      fake_nbia_get_series (plain, i, &p);
      fake_nbia_get_series (colliding, i, &c);
      g_assert_cmpstr (p.series_uid, ==, c.series_uid);
      g_assert_cmpstr (p.series_number, ==, c.series_number);
      g_assert_cmpstr (p.series_description, ==, c.series_description);
      g_assert_cmpuint (p.file_size, ==, c.file_size);
    }
  fake_nbia_free (colliding);
  fake_nbia_free (plain);

  /* More pairs than studies of two: studies are given a second series. */
  options.colliding_pairs = 1000;
  colliding = fake_nbia_new (&options);
  {
    g_autoptr(GHashTable) uids = g_hash_table_new (g_str_hash, g_str_equal);
    guint k = 0;

    for (; fake_nbia_get_colliding_pair (colliding, k, &first, &second); k++)
      {
        FakeNbiaSeriesInfo a, b;

        fake_nbia_get_series (colliding, first, &a);
        fake_nbia_get_series (colliding, second, &b);
        g_assert_cmpstr (a.study_uid, ==, b.study_uid);
        g_assert_cmpstr (a.series_number, ==, b.series_number);
        g_assert_cmpstr (a.series_uid + strlen (a.series_uid) - 5, ==,
                         b.series_uid + strlen (b.series_uid) - 5);
      }
    g_assert_cmpuint (k, >, 3);
    for (guint i = 0; i < fake_nbia_get_n_series (colliding); i++)
      {
        FakeNbiaSeriesInfo info;

        fake_nbia_get_series (colliding, i, &info);
        g_assert_true (g_hash_table_add (uids, (gpointer) info.series_uid));
        g_assert_cmpint (fake_nbia_find_series (colliding, info.series_uid), ==, i);
      }
  }
  fake_nbia_free (colliding);
}

int
main (int   argc,
      char *argv[])
{
  fake_nbia_test_init (&argc, &argv);

  g_test_add_func ("/fake-nbia/get-image/new-names", test_get_image_new_names);
  g_test_add_func ("/fake-nbia/get-image/sequential", test_get_image_sequential);
  g_test_add_func ("/fake-nbia/get-image/big-series", test_get_image_big);
  g_test_add_func ("/fake-nbia/archive/colliding-pairs", test_colliding_pairs);

  return fake_nbia_test_run ();
}
