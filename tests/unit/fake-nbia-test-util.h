/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the tests of the fake NBIA server share (test-fake-nbia.c,
 * test-fake-nbia-image.c, test-fake-nbia-faults.c): one server with the
 * default archive in a thread of its own, a plain synchronous SoupSession,
 * and readers of what it answered. */

#include <signal.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fake-nbia.h"
#include "test-soup-util.h"

static FakeNbia *server;          /* default archive, shared */
static SoupSession *session;
static char *v4;
static char *v1;

static inline Reply *
get (const char *base,
     const char *path)
{
  g_autofree char *url = g_strconcat (base, path, NULL);

  return send_message (session, soup_message_new ("GET", url));
}

static inline Reply *
post (const char *base,
      const char *path,
      const char *form)
{
  g_autofree char *url = g_strconcat (base, path, NULL);

  return send_message (session, soup_message_new_from_encoded_form ("POST", url,
                                                                    g_strdup (form)));
}

static inline char *
body_text (Reply *r)
{
  gsize length = 0;
  const char *data = r->body ? g_bytes_get_data (r->body, &length) : NULL;

  return g_strndup (data ? data : "", length);
}

static inline const char *
content_type (Reply *r)
{
  return soup_message_headers_get_content_type (r->headers, NULL);
}

static inline JsonArray *
parse_array (Reply *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data;
  JsonNode *root;

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (content_type (r), ==, "application/json");
  data = g_bytes_get_data (r->body, &length);
  json_parser_load_from_data (parser, data, length, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return json_array_ref (json_node_get_array (root));
}

static inline void
assert_text (Reply      *r,
             guint       status,
             const char *text)
{
  g_autofree char *body = body_text (r);

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, status);
  g_assert_cmpstr (body, ==, text);
}

static inline void
assert_empty (Reply *r)
{
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (r->body), ==, 0);
  g_assert_null (content_type (r));
}

static inline gboolean
has_member (JsonArray  *rows,
            guint       i,
            const char *name)
{
  return json_object_has_member (json_array_get_object_element (rows, i), name);
}

static inline const char *
string_member (JsonArray  *rows,
               guint       i,
               const char *name)
{
  return json_object_get_string_member (json_array_get_object_element (rows, i), name);
}

/* The index of the first series with at least @min_images images and
 * NewFileNames groups, preferring one of several acquisitions. */
static inline guint
pick_series (FakeNbia *s,
             guint     min_images)
{
  for (guint i = 0; i < fake_nbia_get_n_series (s); i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (s, i, &info);
      if (info.image_count >= min_images)
        return i;
    }
  g_assert_not_reached ();
}

static inline char *
series_path (const char *endpoint,
             guint       index,
             const char *extra)
{
  FakeNbiaSeriesInfo info;

  fake_nbia_get_series (server, index, &info);
  return g_strdup_printf ("%s?SeriesInstanceUID=%s%s", endpoint, info.series_uid,
                          extra ? extra : "");
}

typedef struct
{
  GPtrArray *names;
  GPtrArray *md5s;             /* of each entry, computed here */
  GHashTable *listed;          /* md5hashes.csv: name -> hash */
  GArray    *sizes;             /* guint64 of each entry */
  guint64    dicom_bytes;
  guint      n_dicoms;
  gboolean   all_dicm;
  int        result;           /* ARCHIVE_EOF when the archive ended well */
} ZipContents;

static inline void
zip_contents_free (ZipContents *z)
{
  g_ptr_array_unref (z->names);
  g_ptr_array_unref (z->md5s);
  g_array_unref (z->sizes);
  g_hash_table_unref (z->listed);
  g_free (z);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ZipContents, zip_contents_free)

/* Reads a ZIP from memory as a streaming client would; nothing touches the disk. */
static inline ZipContents *
read_zip (GBytes *body)
{
  ZipContents *z = g_new0 (ZipContents, 1);
  struct archive *a = archive_read_new ();
  struct archive_entry *entry;

  z->names = g_ptr_array_new_with_free_func (g_free);
  z->md5s = g_ptr_array_new_with_free_func (g_free);
  z->sizes = g_array_new (FALSE, FALSE, sizeof (guint64));
  z->listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  z->all_dicm = TRUE;
  archive_read_support_format_zip_streamable (a);
  g_assert_cmpint (archive_read_open_memory (a, g_bytes_get_data (body, NULL),
                                             g_bytes_get_size (body)), ==, ARCHIVE_OK);
  while ((z->result = archive_read_next_header (a, &entry)) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname_utf8 (entry);
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
      g_autoptr(GByteArray) data = g_byte_array_new ();
      guint8 buf[65536];
      la_ssize_t n;

      while ((n = archive_read_data (a, buf, sizeof buf)) > 0)
        {
          g_checksum_update (checksum, buf, n);
          g_byte_array_append (data, buf, n);
        }
      g_assert_cmpint (n, ==, 0);
      g_ptr_array_add (z->names, g_strdup (name));
      g_ptr_array_add (z->md5s, g_strdup (g_checksum_get_string (checksum)));
      g_array_append_vals (z->sizes, &(guint64) { data->len }, 1);
      if (g_str_has_suffix (name, ".dcm"))
        {
          z->n_dicoms++;
          z->dicom_bytes += data->len;
          z->all_dicm &= data->len > 132 && memcmp (data->data + 128, "DICM", 4) == 0;
        }
      if (strcmp (name, "md5hashes.csv") == 0 && data->len > 0)
        {
          g_autofree char *text = g_strndup ((char *) data->data, data->len);
          g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

          g_assert_cmpstr (lines[0], ==, "Filename,MD5Hash");
          for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
            {
              g_auto(GStrv) parts = g_strsplit (lines[i], ",", 2);

              g_assert_cmpuint (g_strv_length (parts), ==, 2);
              g_assert_true (g_regex_match_simple ("^[0-9a-f]{32}$", parts[1], 0, 0));
              g_hash_table_insert (z->listed, g_strdup (parts[0]), g_strdup (parts[1]));
            }
        }
    }
  archive_read_free (a);
  return z;
}

static inline gboolean
md5s_match (ZipContents *z)
{
  guint checked = 0;

  for (guint i = 0; i < z->names->len; i++)
    {
      const char *listed = g_hash_table_lookup (z->listed, z->names->pdata[i]);

      if (!g_str_has_suffix (z->names->pdata[i], ".dcm"))
        continue;
      if (g_strcmp0 (listed, z->md5s->pdata[i]) != 0)
        return FALSE;
      checked++;
    }
  return checked == g_hash_table_size (z->listed);
}

/* GTest, and the shared server and session. */
static inline void
fake_nbia_test_init (int    *argc,
                     char ***argv)
{
  g_autoptr(GError) error = NULL;

  g_test_init (argc, argv, NULL);

  server = fake_nbia_new (NULL);
  fake_nbia_start_in_thread (server, 0, &error);
  g_assert_no_error (error);
  v4 = fake_nbia_get_url (server, 4);
  v1 = fake_nbia_get_url (server, 1);
  session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
}

/* Runs the tests, then stops the server. */
static inline int
fake_nbia_test_run (void)
{
  int ret = g_test_run ();

  g_object_unref (session);
  fake_nbia_free (server);
  g_free (v4);
  g_free (v1);
  return ret;
}
