/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-fake-nbia"

#include "fake-nbia-test-util.h"
#include "fake-sanitizer.h"

/* The fake NBIA server's faults and its /fake-nbia/ control endpoints. */

/* ---- faults ---- */

static void
test_fault_http (void)
{
  g_autoptr(Reply) r429 = NULL;
  g_autoptr(Reply) r503 = NULL;
  g_autoptr(Reply) r500 = NULL;
  g_autoptr(Reply) r400 = NULL;
  g_autoptr(Reply) html = NULL;
  g_autoptr(Reply) ok = NULL;
  g_autofree char *text = NULL;

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTTP_429, 1, NULL);
  r429 = get (v4, "getCollectionValues");
  g_assert_cmpuint (r429->status, ==, 429);
  g_assert_cmpstr (soup_message_headers_get_one (r429->headers, "Retry-After"), ==, "1");

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTTP_503, 1, NULL);
  r503 = get (v4, "getCollectionValues");
  g_assert_cmpuint (r503->status, ==, 503);
  g_assert_nonnull (soup_message_headers_get_one (r503->headers, "Retry-After"));

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTTP_500, 1, NULL);
  r500 = get (v4, "getCollectionValues");
  g_assert_cmpuint (r500->status, ==, 500);

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTTP_400, 1, NULL);
  r400 = get (v4, "getCollectionValues");
  text = body_text (r400);
  g_assert_cmpuint (r400->status, ==, 400);
  g_assert_true (g_str_has_prefix (text, "Simulated bad request: "));

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTML_PAGE, 1, NULL);
  html = get (v4, "getCollectionValues");
  g_assert_cmpuint (html->status, ==, 200);
  g_assert_true (g_str_has_prefix (content_type (html), "text/html"));

  ok = get (v4, "getCollectionValues");
  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_cmpstr (content_type (ok), ==, "application/json");
}

/* An NBIA that needs an hour, and a maintenance page where a ZIP should be. */
static void
test_fault_retry_after_long_and_html (void)
{
  g_autofree char *path = series_path ("getImage", 0, NULL);
  g_autoptr(Reply) busy = NULL;
  g_autoptr(Reply) html = NULL;
  g_autoptr(Reply) ok = NULL;
  g_autofree char *text = NULL;

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_RETRY_AFTER_LONG, 1, NULL);
  busy = get (v4, path);
  g_assert_cmpuint (busy->status, ==, 503);
  g_assert_cmpstr (soup_message_headers_get_one (busy->headers, "Retry-After"), ==, "3600");

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTML_PAGE, 1, NULL);
  html = get (v4, path);
  g_assert_no_error (html->error);
  g_assert_cmpuint (html->status, ==, 200);
  g_assert_true (g_str_has_prefix (content_type (html), "text/html"));
  g_assert_null (soup_message_headers_get_one (html->headers, "Content-Disposition"));
  text = body_text (html);
  g_assert_true (g_str_has_prefix (text, "<!DOCTYPE html>"));

  ok = get (v4, path);
  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_cmpstr (content_type (ok), ==, "application/octet-stream");
}

static void
test_fault_no_counts (void)
{
  FakeNbiaSeriesInfo a, b;
  g_autoptr(Reply) all = NULL;
  g_autoptr(Reply) normal = NULL;
  g_autoptr(Reply) other = NULL;
  g_autoptr(Reply) one = NULL;
  g_autoptr(Reply) metadata = NULL;
  g_autoptr(Reply) v1_rows = NULL;
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(JsonArray) normal_rows = NULL;
  g_autoptr(JsonArray) one_rows = NULL;
  g_autoptr(JsonArray) other_rows = NULL;
  g_autoptr(JsonArray) metadata_rows = NULL;
  g_autoptr(JsonArray) v1_array = NULL;
  g_autofree char *other_path = NULL;
  g_autofree char *form = NULL;

  fake_nbia_get_series (server, 0, &a);
  fake_nbia_get_series (server, 1, &b);
  fake_nbia_clear_faults (server);

  /* Every row, once. */
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_NO_COUNTS, 1, NULL);
  all = get (v4, "getSeries");
  rows = parse_array (all);
  normal = get (v4, "getSeries");
  normal_rows = parse_array (normal);
  g_assert_cmpuint (json_array_get_length (rows), ==, json_array_get_length (normal_rows));
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      JsonObject *full = json_array_get_object_element (normal_rows, i);

      g_assert_false (has_member (rows, i, "ImageCount"));
      g_assert_false (has_member (rows, i, "FileSize"));
      g_assert_true (has_member (normal_rows, i, "ImageCount"));
      g_assert_true (has_member (normal_rows, i, "FileSize"));
      g_assert_cmpuint (json_object_get_size (row) + 2, ==, json_object_get_size (full));
      g_assert_cmpstr (string_member (rows, i, "SeriesInstanceUID"), ==,
                       string_member (normal_rows, i, "SeriesInstanceUID"));
    }

  /* One series: a listing without it does not use the fault up. */
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_NO_COUNTS, 2, b.series_uid);
  other_path = g_strdup_printf ("getSeries?SeriesInstanceUID=%s", a.series_uid);
  other = get (v4, other_path);
  other_rows = parse_array (other);
  g_assert_true (has_member (other_rows, 0, "ImageCount"));
  one = get (v4, "getSeries");
  one_rows = parse_array (one);
  for (guint i = 0; i < json_array_get_length (one_rows); i++)
    {
      gboolean hidden = g_strcmp0 (string_member (one_rows, i, "SeriesInstanceUID"),
                                   b.series_uid) == 0;

      g_assert_cmpint (has_member (one_rows, i, "ImageCount"), ==, !hidden);
      g_assert_cmpint (has_member (one_rows, i, "FileSize"), ==, !hidden);
    }

  form = g_strdup_printf ("list=%s,%s&format=json", a.series_uid, b.series_uid);
  metadata = post (v4, "getSeriesMetadata", form);
  metadata_rows = parse_array (metadata);
  g_assert_cmpuint (json_array_get_length (metadata_rows), ==, 2);
  g_assert_true (has_member (metadata_rows, 0, "ImageCount"));
  g_assert_true (has_member (metadata_rows, 0, "FileSize"));
  g_assert_false (has_member (metadata_rows, 1, "ImageCount"));
  g_assert_false (has_member (metadata_rows, 1, "FileSize"));
  g_assert_true (has_member (metadata_rows, 1, "SeriesNumber"));

  /* Used up. */
  v1_rows = get (v1, "getSeries");
  v1_array = parse_array (v1_rows);
  for (guint i = 0; i < json_array_get_length (v1_array); i++)
    g_assert_true (has_member (v1_array, i, "ImageCount"));
  fake_nbia_clear_faults (server);
}

static void
test_fault_no_counts_v1 (void)
{
  FakeNbiaSeriesInfo info;
  g_autofree char *path = NULL;
  g_autoptr(Reply) r = NULL;
  g_autoptr(Reply) meta = NULL;
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(JsonArray) meta_rows = NULL;

  fake_nbia_get_series (server, 2, &info);
  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_NO_COUNTS, 2, info.series_uid);
  path = g_strdup_printf ("getSeries?Collection=%s", info.collection);
  r = get (v1, path);
  rows = parse_array (r);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      gboolean hidden = g_strcmp0 (string_member (rows, i, "SeriesInstanceUID"),
                                   info.series_uid) == 0;

      g_assert_cmpint (has_member (rows, i, "ImageCount"), ==, !hidden);
      g_assert_cmpint (has_member (rows, i, "FileSize"), ==, !hidden);
      g_assert_true (has_member (rows, i, "Modality"));
    }
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("getSeriesMetaData?SeriesInstanceUID=%s", info.series_uid);
  meta = get (v1, path);
  meta_rows = parse_array (meta);
  g_assert_false (has_member (meta_rows, 0, "Number of Images"));
  g_assert_false (has_member (meta_rows, 0, "File Size"));
  g_assert_true (has_member (meta_rows, 0, "Series Number"));
  fake_nbia_clear_faults (server);
}

static void
test_fault_times (void)
{
  guint before = fake_nbia_get_request_count (server, "getModalityValues");

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTTP_503, 2, NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(Reply) r = get (v4, "getModalityValues");

      g_assert_cmpuint (r->status, ==, i < 2 ? 503 : 200);
    }
  g_assert_cmpuint (fake_nbia_get_request_count (server, "getModalityValues"), ==, before + 3);

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTTP_500, 0, NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(Reply) r = get (v4, "getModalityValues");

      g_assert_cmpuint (r->status, ==, 500);
    }
  fake_nbia_clear_faults (server);
  {
    g_autoptr(Reply) r = get (v4, "getModalityValues");

    g_assert_cmpuint (r->status, ==, 200);
  }
}

static void
test_fault_malformed_json (void)
{
  g_autoptr(Reply) r = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_MALFORMED_JSON, 1, NULL);
  r = get (v4, "getSeries");
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (content_type (r), ==, "application/json");
  g_assert_false (json_parser_load_from_data (parser, g_bytes_get_data (r->body, NULL),
                                              g_bytes_get_size (r->body), &error));
  g_assert_nonnull (error);
}

static void
test_fault_drop (void)
{
  g_autoptr(Reply) listing = NULL;
  g_autoptr(Reply) zip = NULL;
  g_autoptr(Reply) after = NULL;
  g_autofree char *path = series_path ("getImage", pick_series (server, 4), "&IncludeMD5=Yes");

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_DROP, 2, NULL);
  listing = get (v4, "getSeries");
  g_assert_nonnull (listing->error);
  zip = get (v4, path);
  g_assert_nonnull (zip->error);
  after = get (v4, path);
  g_assert_no_error (after->error);
  g_assert_cmpuint (after->status, ==, 200);
}

static void
test_fault_stall (void)
{
  g_autoptr(SoupSession) impatient = soup_session_new_with_options ("proxy-resolver", NULL,
                                                                    "timeout", 1, NULL);
  g_autofree char *url = g_strconcat (v4, "getSeries", NULL);
  g_autoptr(Reply) r = NULL;
  gint64 start = g_get_monotonic_time ();

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_STALL, 1, NULL);
  r = send_message (impatient, soup_message_new ("GET", url));
  g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_fault_zip (void)
{
  guint index = pick_series (server, 4);
  FakeNbiaSeriesInfo info;
  g_autofree char *path = series_path ("getImage", index, "&NewFileNames=Yes&IncludeMD5=Yes");
  g_autoptr(Reply) truncated = NULL;
  g_autoptr(Reply) wrong = NULL;
  g_autoptr(Reply) escaping = NULL;
  g_autoptr(Reply) absolute = NULL;
  g_autoptr(ZipContents) zt = NULL;
  g_autoptr(ZipContents) zw = NULL;
  g_autoptr(ZipContents) ze = NULL;
  g_autoptr(ZipContents) za = NULL;

  fake_nbia_get_series (server, index, &info);
  fake_nbia_clear_faults (server);

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_ZIP_TRUNCATED, 1, NULL);
  truncated = get (v4, path);
  g_assert_no_error (truncated->error);
  g_assert_cmpuint (truncated->status, ==, 200);
  zt = read_zip (truncated->body);
  g_assert_cmpint (zt->result, ==, ARCHIVE_EOF);
  g_assert_cmpuint (zt->n_dicoms, <, info.image_count);
  g_assert_cmpstr (zt->names->pdata[0], ==, "LICENSE");

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_WRONG_MD5, 1, NULL);
  wrong = get (v4, path);
  zw = read_zip (wrong->body);
  g_assert_cmpuint (zw->n_dicoms, ==, info.image_count);
  g_assert_false (md5s_match (zw));

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_ESCAPING_ENTRY, 1, NULL);
  escaping = get (v4, path);
  ze = read_zip (escaping->body);
  g_assert_cmpstr (ze->names->pdata[1], ==, "../escape.dcm");

  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_ABSOLUTE_ENTRY, 1, NULL);
  absolute = get (v4, path);
  za = read_zip (absolute->body);
  g_assert_cmpstr (za->names->pdata[1], ==, "/tmp/absolute.dcm");
}

static void
test_fault_empty_zip (void)
{
  g_autofree char *path = series_path ("getImage", pick_series (server, 2), "&IncludeMD5=Yes");
  g_autofree char *md5_path = series_path ("getImageWithMD5Hash", pick_series (server, 2), NULL);
  g_autoptr(Reply) r = NULL;
  g_autoptr(Reply) r_md5 = NULL;
  g_autoptr(ZipContents) z = NULL;
  g_autoptr(ZipContents) z_md5 = NULL;

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_EMPTY_ZIP, 2, NULL);
  r = get (v4, path);
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (content_type (r), ==, "application/octet-stream");
  /* Only the end of central directory record. */
  g_assert_cmpuint (g_bytes_get_size (r->body), ==, 22);
  g_assert_cmpmem (g_bytes_get_data (r->body, NULL), 4, "PK\005\006", 4);
  z = read_zip (r->body);
  g_assert_cmpint (z->result, ==, ARCHIVE_EOF);
  g_assert_cmpuint (z->names->len, ==, 0);

  r_md5 = get (v4, md5_path);
  g_assert_cmpuint (r_md5->status, ==, 200);
  z_md5 = read_zip (r_md5->body);
  g_assert_cmpint (z_md5->result, ==, ARCHIVE_EOF);
  g_assert_cmpuint (z_md5->names->len, ==, 0);
}

static void
test_fault_md5_only_zip (void)
{
  g_autofree char *path = series_path ("getImage", pick_series (server, 2),
                                       "&NewFileNames=Yes&IncludeMD5=Yes");
  g_autoptr(Reply) r = NULL;
  g_autoptr(Reply) after = NULL;
  g_autoptr(ZipContents) z = NULL;
  g_autoptr(ZipContents) z_after = NULL;

  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_MD5_ONLY_ZIP, 1, NULL);
  r = get (v4, path);
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  z = read_zip (r->body);
  g_assert_cmpint (z->result, ==, ARCHIVE_EOF);
  g_assert_cmpuint (z->names->len, ==, 1);
  g_assert_cmpstr (z->names->pdata[0], ==, "md5hashes.csv");
  g_assert_cmpuint (g_array_index (z->sizes, guint64, 0), ==, 0);

  after = get (v4, path);
  z_after = read_zip (after->body);
  g_assert_cmpuint (z_after->n_dicoms, >, 0);
}

static void
test_fault_zip_bomb (void)
{
  FakeNbiaOptions options;
  FakeNbia *bomb;
  FakeNbiaSeriesInfo info;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *path = NULL;
  g_autofree char *md5 = NULL;
  g_autoptr(Reply) r = NULL;
  g_autoptr(ZipContents) z = NULL;
  guint index;

  fake_nbia_options_init (&options);
  g_assert_cmpuint (options.bomb_bytes, ==, 256 * 1024 * 1024);
  options.bomb_bytes = 40 * 1024 * 1024 + 3;
  bomb = fake_nbia_new (&options);
  fake_nbia_start_in_thread (bomb, 0, &error);
  g_assert_no_error (error);
  index = pick_series (bomb, 3);
  fake_nbia_get_series (bomb, index, &info);
  url = fake_nbia_get_url (bomb, 4);
  path = g_strdup_printf ("getImage?SeriesInstanceUID=%s&NewFileNames=Yes&IncludeMD5=Yes",
                          info.series_uid);

  fake_nbia_set_fault (bomb, FAKE_NBIA_FAULT_ZIP_BOMB, 1, NULL);
  r = get (url, path);
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  /* Deflated zeros: the whole body is a tiny fraction of what it inflates to. */
  g_assert_cmpuint (g_bytes_get_size (r->body), <, options.bomb_bytes / 100);
  z = read_zip (r->body);
  g_assert_cmpint (z->result, ==, ARCHIVE_EOF);
  g_assert_cmpuint (z->names->len, ==, info.image_count + 2);
  g_assert_cmpstr (z->names->pdata[0], ==, "LICENSE");
  g_assert_true (g_regex_match_simple ("^1-0*1\\.dcm$", z->names->pdata[1], 0, 0));
  g_assert_cmpuint (g_array_index (z->sizes, guint64, 1), ==, options.bomb_bytes);
  g_assert_cmpuint (z->n_dicoms, ==, info.image_count);
  /* The rest of the series is as usual; md5hashes.csv lists the real first image. */
  md5 = fake_nbia_get_image_md5 (bomb, index, 0);
  g_assert_cmpstr (g_hash_table_lookup (z->listed, z->names->pdata[1]), ==, md5);
  g_assert_cmpstr (z->md5s->pdata[2], ==, g_hash_table_lookup (z->listed, z->names->pdata[2]));
  g_assert_cmpstr (z->names->pdata[info.image_count + 1], ==, "md5hashes.csv");
  fake_nbia_free (bomb);
}

/* Reads what follows the headers of a raw HTTP/1.1 answer, counting the reads
 * it took, until @max bytes or the end. */
static GByteArray *
read_raw_body (GInputStream *in,
               gsize         max,
               guint        *n_reads)
{
  g_autoptr(GByteArray) head = g_byte_array_new ();
  GByteArray *body = g_byte_array_new ();
  guint8 buf[4096];
  gssize n;

  *n_reads = 0;
  while (body->len < max && (n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
    {
      const guint8 *end;

      if (head != NULL)
        {
          g_byte_array_append (head, buf, n);
          end = (const guint8 *) g_strstr_len ((const char *) head->data, head->len,
                                               "\r\n\r\n");
          if (end == NULL)
            continue;
          end += 4;
          g_byte_array_append (body, end, head->data + head->len - end);
          g_clear_pointer (&head, g_byte_array_unref);
        }
      else
        {
          g_byte_array_append (body, buf, n);
        }
      (*n_reads)++;
    }
  return body;
}

static GIOStream *
raw_request (FakeNbia   *s,
             const char *path)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;
  g_autofree char *request = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", fake_nbia_get_port (s),
                                                NULL, &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("GET /nbia-api/services/v4/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Connection: close\r\n\r\n", path);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  return G_IO_STREAM (connection);
}

static void
test_fault_trickle (void)
{
  FakeNbiaOptions options;
  FakeNbia *slow;
  FakeNbiaSeriesInfo info;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *size_path = NULL;
  g_autofree char *zip_path = NULL;
  g_autoptr(Reply) normal = NULL;
  g_autoptr(Reply) normal_zip = NULL;
  g_autoptr(Reply) zip = NULL;
  g_autoptr(Reply) after = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GIOStream) gone = NULL;
  g_autoptr(GByteArray) body = NULL;
  g_autoptr(GByteArray) start = NULL;
  gint64 begin;
  guint n_reads;

  fake_nbia_options_init (&options);
  g_assert_cmpuint (options.trickle_ms, ==, 1000);
  options.n_series = 6;
  options.trickle_ms = 30;
  slow = fake_nbia_new (&options);
  fake_nbia_start_in_thread (slow, 0, &error);
  g_assert_no_error (error);
  url = fake_nbia_get_url (slow, 4);
  fake_nbia_get_series (slow, 0, &info);
  size_path = g_strdup_printf ("getSeriesSize?SeriesInstanceUID=%s", info.series_uid);
  normal = get (url, size_path);

  /* A listing: the same bytes, one per read, 30 ms apart. */
  fake_nbia_set_fault (slow, FAKE_NBIA_FAULT_TRICKLE, 1, NULL);
  begin = g_get_monotonic_time ();
  stream = raw_request (slow, size_path);
  body = read_raw_body (g_io_stream_get_input_stream (stream), G_MAXSIZE, &n_reads);
  g_assert_cmpmem (body->data, body->len, g_bytes_get_data (normal->body, NULL),
                   g_bytes_get_size (normal->body));
  g_assert_cmpint (g_get_monotonic_time () - begin, >=, (body->len - 1) * 30 * 1000 * 9 / 10);
  /* Reads may merge bytes when the test is slow to run, not often. */
  g_assert_cmpuint (n_reads, >=, body->len / 2);

  /* getImage: a whole, valid ZIP, trickled. */
  fake_nbia_clear_faults (slow);
  zip_path = g_strdup_printf ("getImage?SeriesInstanceUID=%s", info.series_uid);
  normal_zip = get (url, zip_path);
  g_clear_pointer (&slow, fake_nbia_free);
  options.trickle_ms = 1;
  slow = fake_nbia_new (&options);
  fake_nbia_start_in_thread (slow, 0, &error);
  g_assert_no_error (error);
  g_free (url);
  url = fake_nbia_get_url (slow, 4);
  fake_nbia_set_fault (slow, FAKE_NBIA_FAULT_TRICKLE, 1, NULL);
  begin = g_get_monotonic_time ();
  zip = get (url, zip_path);
  g_assert_no_error (zip->error);
  g_assert_cmpuint (zip->status, ==, 200);
  g_assert_true (g_bytes_equal (zip->body, normal_zip->body));
  g_assert_cmpint (g_get_monotonic_time () - begin, >=,
                   (g_bytes_get_size (zip->body) - 1) * 1000 * 9 / 10);

  /* The client goes away: the server stops and goes on answering others. */
  fake_nbia_set_fault (slow, FAKE_NBIA_FAULT_TRICKLE, 1, NULL);
  gone = raw_request (slow, zip_path);
  start = read_raw_body (g_io_stream_get_input_stream (gone), 20, &n_reads);
  g_assert_cmpuint (start->len, >=, 20);
  g_io_stream_close (gone, NULL, NULL);
  g_usleep (50 * 1000);
  after = get (url, zip_path);
  g_assert_cmpuint (after->status, ==, 200);
  g_assert_true (g_bytes_equal (after->body, normal_zip->body));
  fake_nbia_free (slow);
}

static void
test_fault_one_series (void)
{
  FakeNbiaSeriesInfo a, b;
  g_autofree char *path_a = NULL;
  g_autofree char *path_b = NULL;

  fake_nbia_get_series (server, 0, &a);
  fake_nbia_get_series (server, 1, &b);
  path_a = g_strdup_printf ("getImage?SeriesInstanceUID=%s", a.series_uid);
  path_b = g_strdup_printf ("getImage?SeriesInstanceUID=%s", b.series_uid);
  fake_nbia_clear_faults (server);
  fake_nbia_set_fault (server, FAKE_NBIA_FAULT_HTTP_500, 0, b.series_uid);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(Reply) ra = get (v4, path_a);
      g_autoptr(Reply) rb = get (v4, path_b);
      g_autoptr(Reply) listing = get (v4, "getCollectionValues");

      g_assert_cmpuint (ra->status, ==, 200);
      g_assert_cmpuint (rb->status, ==, 500);
      g_assert_cmpuint (listing->status, ==, 200);
    }
  fake_nbia_clear_faults (server);
}

static void
test_control_endpoints (void)
{
  g_autofree char *base = g_strdup (v4);
  g_autoptr(Reply) set = NULL;
  g_autoptr(Reply) bad = NULL;
  g_autoptr(Reply) faulty = NULL;
  g_autoptr(Reply) latency = NULL;
  g_autoptr(Reply) slow = NULL;
  g_autoptr(Reply) zero = NULL;
  g_autoptr(Reply) stats = NULL;
  g_autofree char *count = NULL;
  g_autofree char *expected = NULL;
  gint64 start;

  /* http://127.0.0.1:PORT/ */
  *strstr (base, "/nbia-api/") = '\0';
  fake_nbia_clear_faults (server);
  set = get (base, "/fake-nbia/fault?name=http-429&times=1");
  g_assert_cmpuint (set->status, ==, 200);
  for (FakeNbiaFault f = FAKE_NBIA_FAULT_NONE + 1; f < FAKE_NBIA_N_FAULTS; f++)
    g_assert_cmpint (fake_nbia_fault_from_string (fake_nbia_fault_to_string (f)), ==, f);
  g_assert_cmpint (fake_nbia_fault_from_string ("zip-bomb"), ==, FAKE_NBIA_FAULT_ZIP_BOMB);
  g_assert_cmpint (fake_nbia_fault_from_string ("retry-after-long"), ==,
                   FAKE_NBIA_FAULT_RETRY_AFTER_LONG);
  bad = get (base, "/fake-nbia/fault?name=no-such-fault");
  g_assert_cmpuint (bad->status, ==, 400);
  faulty = get (v4, "getCollectionValues");
  g_assert_cmpuint (faulty->status, ==, 429);

  latency = get (base, "/fake-nbia/latency?ms=300");
  g_assert_cmpuint (latency->status, ==, 200);
  start = g_get_monotonic_time ();
  slow = get (v4, "getCollectionValues");
  g_assert_cmpuint (slow->status, ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 280 * 1000);
  zero = get (base, "/fake-nbia/latency?ms=0");
  g_assert_cmpuint (zero->status, ==, 200);

  stats = get (base, "/fake-nbia/stats?endpoint=getCollectionValues");
  count = body_text (stats);
  expected = g_strdup_printf ("%u\n", fake_nbia_get_request_count (server,
                                                                  "getCollectionValues"));
  g_assert_cmpstr (count, ==, expected);
  {
    g_autoptr(Reply) clear = get (base, "/fake-nbia/clear");

    g_assert_cmpuint (clear->status, ==, 200);
  }
}

int
main (int   argc,
      char *argv[])
{
  fake_nbia_test_init (&argc, &argv);

  g_test_add_func ("/fake-nbia/fault/http", test_fault_http);
  g_test_add_func ("/fake-nbia/fault/retry-after-long-and-html",
                   test_fault_retry_after_long_and_html);
  g_test_add_func ("/fake-nbia/fault/no-counts", test_fault_no_counts);
  g_test_add_func ("/fake-nbia/fault/no-counts-v1", test_fault_no_counts_v1);
  g_test_add_func ("/fake-nbia/fault/times", test_fault_times);
  g_test_add_func ("/fake-nbia/fault/malformed-json", test_fault_malformed_json);
  g_test_add_func ("/fake-nbia/fault/drop", test_fault_drop);
  g_test_add_func ("/fake-nbia/fault/stall", test_fault_stall);
  g_test_add_func ("/fake-nbia/fault/zip", test_fault_zip);
  g_test_add_func ("/fake-nbia/fault/empty-zip", test_fault_empty_zip);
  g_test_add_func ("/fake-nbia/fault/md5-only-zip", test_fault_md5_only_zip);
  g_test_add_func ("/fake-nbia/fault/zip-bomb", test_fault_zip_bomb);
  g_test_add_func ("/fake-nbia/fault/trickle", test_fault_trickle);
  g_test_add_func ("/fake-nbia/fault/one-series", test_fault_one_series);
  g_test_add_func ("/fake-nbia/control", test_control_endpoints);

  return fake_nbia_test_run ();
}
