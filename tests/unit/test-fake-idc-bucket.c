/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-fake-idc-bucket"

#include <string.h>

#include <glib/gstdio.h>

#include "fake-idc-test-util.h"
#include "fake-nbia.h"
#include "fake-s3rver.h"
#include "test-util.h"

/* The fake IDC's buckets (idc-api.md §4, §7.2): listings, objects, faults. */

/* ---- buckets ---- */

/* A series in idc-open-data with a marker and at least @min_objects objects. */
static const FakeIdcSeries *
find_series (guint    min_objects,
             gboolean marker)
{
  for (guint i = 0; i < fake_idc_archive_get_n_series (archive); i++)
    {
      const FakeIdcSeries *s = fake_idc_archive_get_series (archive, i);

      if (g_str_equal (s->bucket, FAKE_IDC_BUCKET_OPEN) && s->n_objects >= min_objects &&
          s->has_marker == marker)
        return s;
    }
  g_assert_not_reached ();
}

static Reply *
list (const char *bucket,
      const char *query)
{
  g_autofree char *url = g_strdup_printf ("%s/%s?list-type=2&%s", bucket_url, bucket, query);

  return request ("GET", url, NULL, NULL);
}

static Reply *
get_object (const char *bucket,
            const char *key,
            const char *header,
            const char *value)
{
  g_autofree char *url = g_strdup_printf ("%s/%s/%s", bucket_url, bucket, key);

  return request ("GET", url, header, value);
}

static char *
md5_of (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_MD5, bytes);
}

/* Pages of two keys, walked with percent-encoded tokens, give the marker and
 * every object once, in ascending order; a token sent raw is refused. */
static void
test_bucket_list_pages (void)
{
  const FakeIdcSeries *s = find_series (4, TRUE);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *token = NULL;
  guint pages = 0;

  fake_idc_set_page_size (server, 2);
  do
    {
      g_autofree char *escaped = token ? g_uri_escape_string (token, NULL, FALSE) : NULL;
      g_autofree char *query = g_strdup_printf ("prefix=%s/&max-keys=1000%s%s", s->series_uuid,
                                                escaped ? "&continuation-token=" : "",
                                                escaped ? escaped : "");
      g_autoptr(Reply) r = list (s->bucket, query);
      xmlDoc *doc;
      g_autoptr(GPtrArray) page_keys = NULL;
      g_autoptr(GPtrArray) etags = NULL;
      g_autofree char *count = NULL;
      g_autofree char *truncated = NULL;
      g_autofree char *max_keys = NULL;
      g_autofree char *echoed = NULL;

      g_assert_no_error (r->error);
      g_assert_cmpuint (r->status, ==, 200);
      /* ETags arrive quoted as entities. */
      g_assert_nonnull (g_strstr_len (g_bytes_get_data (r->body, NULL),
                                      g_bytes_get_size (r->body), "<ETag>&quot;"));
      doc = reply_xml (r);
      g_assert_nonnull (doc);
      g_assert_cmpstr ((const char *) xmlDocGetRootElement (doc)->ns->href, ==,
                       "http://s3.amazonaws.com/doc/2006-03-01/");
      page_keys = xml_texts (doc, "Key");
      etags = xml_texts (doc, "ETag");
      count = xml_text (doc, "KeyCount");
      max_keys = xml_text (doc, "MaxKeys");
      truncated = xml_text (doc, "IsTruncated");
      echoed = xml_text (doc, "ContinuationToken");
      g_assert_cmpstr (echoed, ==, token);
      g_assert_cmpuint (g_ascii_strtoull (count, NULL, 10), ==, page_keys->len);
      g_assert_cmpstr (max_keys, ==, "2");
      g_assert_cmpuint (page_keys->len, <=, 2);
      for (guint i = 0; i < page_keys->len; i++)
        {
          const char *etag = etags->pdata[i];

          g_assert_true (etag[0] == '"' && etag[strlen (etag) - 1] == '"');
          g_ptr_array_add (keys, g_strdup (page_keys->pdata[i]));
        }
      g_clear_pointer (&token, g_free);
      if (g_str_equal (truncated, "true"))
        {
          g_autofree char *raw_query = NULL;

          token = xml_text (doc, "NextContinuationToken");
          g_assert_nonnull (token);
          g_assert_nonnull (strpbrk (token, "+"));
          g_assert_nonnull (strpbrk (token, "/"));
          g_assert_nonnull (strpbrk (token, "="));
          raw_query = g_strdup_printf ("prefix=%s/&continuation-token=%s", s->series_uuid, token);
          {
            g_autoptr(Reply) raw = list (s->bucket, raw_query);

            assert_s3_error (raw, 400, "InvalidArgument");
          }
        }
      else
        {
          g_assert_cmpstr (truncated, ==, "false");
        }
      xmlFreeDoc (doc);
      pages++;
    }
  while (token != NULL);
  fake_idc_set_page_size (server, 1000);

  g_assert_cmpuint (pages, >=, 3);
  g_assert_cmpuint (keys->len, ==, s->n_objects + 1);
  g_assert_true (g_str_has_suffix (keys->pdata[0], "/"));
  for (guint k = 0; k < s->n_objects; k++)
    g_assert_cmpstr (keys->pdata[k + 1], ==, fake_idc_archive_get_object (archive, s, k)->key);
  for (guint i = 1; i < keys->len; i++)
    g_assert_cmpint (strcmp (keys->pdata[i - 1], keys->pdata[i]), <, 0);
}

static void
test_bucket_list_limits (void)
{
  const FakeIdcSeries *s = find_series (1, FALSE);
  g_autofree char *query = g_strdup_printf ("prefix=%s/&max-keys=5000", s->series_uuid);
  g_autoptr(Reply) r = list (s->bucket, query);
  g_autoptr(Reply) empty = list (s->bucket, "prefix=00000000-0000-0000-0000-000000000000/");
  g_autoptr(Reply) other = list (FAKE_IDC_BUCKET_CR, query);
  g_autoptr(Reply) nobucket = list ("no-such-bucket", query);
  xmlDoc *doc = reply_xml (r);
  g_autofree char *max_keys = xml_text (doc, "MaxKeys");
  g_autoptr(GPtrArray) keys = xml_texts (doc, "Key");
  xmlDoc *empty_doc = reply_xml (empty);
  g_autofree char *empty_count = xml_text (empty_doc, "KeyCount");
  g_autoptr(GPtrArray) sizes = xml_texts (doc, "Size");

  g_assert_cmpstr (max_keys, ==, "1000");
  /* No marker in this series. */
  g_assert_cmpuint (keys->len, ==, s->n_objects);
  for (guint k = 0; k < s->n_objects; k++)
    g_assert_cmpuint (g_ascii_strtoull (sizes->pdata[k], NULL, 10), ==,
                      fake_idc_archive_get_object (archive, s, k)->size);
  g_assert_cmpuint (empty->status, ==, 200);
  g_assert_cmpstr (empty_count, ==, "0");
  /* The folder is in its own bucket only. */
  {
    xmlDoc *other_doc = reply_xml (other);
    g_autofree char *other_count = xml_text (other_doc, "KeyCount");

    g_assert_cmpstr (other_count, ==, "0");
    xmlFreeDoc (other_doc);
  }
  assert_s3_error (nobucket, 404, "NoSuchBucket");
  xmlFreeDoc (doc);
  xmlFreeDoc (empty_doc);
}

/* A series of more than 1000 objects needs a second page even when the
 * client asks for more; GCS's namespace on request. */
static void
test_bucket_list_big_series (void)
{
  FakeIdcOptions options;
  FakeIdc *big;
  FakeIdcArchive *big_archive;
  const FakeIdcSeries *s = NULL;
  g_autofree char *url = NULL;
  g_autofree char *first_url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *truncated = NULL;
  GError *error = NULL;
  guint n_keys;

  fake_idc_options_init (&options);
  /* Small images, and series of up to 2500 of them. */
  options.archive.n_series = 8;
  options.archive.images_per_series_max = 2500;
  options.gcs_namespace = TRUE;
  big = fake_idc_new (&options);
  g_assert_true (fake_idc_start_in_thread (big, 0, 0, &error));
  g_assert_no_error (error);
  big_archive = fake_idc_get_archive (big);
  for (guint i = 0; i < fake_idc_archive_get_n_series (big_archive); i++)
    if (fake_idc_archive_get_series (big_archive, i)->n_objects > 1000)
      s = fake_idc_archive_get_series (big_archive, i);
  g_assert_nonnull (s);

  url = fake_idc_get_bucket_url (big);
  first_url = g_strdup_printf ("%s/%s?list-type=2&prefix=%s/&max-keys=5000", url, s->bucket,
                               s->series_uuid);
  {
    g_autoptr(Reply) r = request ("GET", first_url, NULL, NULL);
    xmlDoc *doc = reply_xml (r);
    g_autoptr(GPtrArray) keys = xml_texts (doc, "Key");

    g_assert_cmpstr ((const char *) xmlDocGetRootElement (doc)->ns->href, ==,
                     "http://doc.s3.amazonaws.com/2006-03-01");
    g_assert_cmpuint (keys->len, ==, 1000);
    truncated = xml_text (doc, "IsTruncated");
    token = xml_text (doc, "NextContinuationToken");
    xmlFreeDoc (doc);
  }
  g_assert_cmpstr (truncated, ==, "true");
  {
    g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);
    g_autofree char *next_url = g_strdup_printf ("%s&continuation-token=%s", first_url, escaped);
    g_autoptr(Reply) r = request ("GET", next_url, NULL, NULL);
    xmlDoc *doc = reply_xml (r);
    g_autoptr(GPtrArray) keys = xml_texts (doc, "Key");
    g_autofree char *last = xml_text (doc, "IsTruncated");

    n_keys = 1000 + keys->len;
    g_assert_cmpstr (last, ==, "false");
    g_assert_cmpstr (keys->pdata[keys->len - 1], ==,
                     fake_idc_archive_get_object (big_archive, s, s->n_objects - 1)->key);
    xmlFreeDoc (doc);
  }
  g_assert_cmpuint (n_keys, ==, s->n_objects + (s->has_marker ? 1 : 0));
  fake_idc_free (big);
}

static void
test_bucket_get (void)
{
  const FakeIdcSeries *s = find_series (1, TRUE);
  const FakeIdcObject *o = fake_idc_archive_get_object (archive, s, 0);
  const char *md5 = fake_idc_archive_get_md5 (archive, s, o);
  g_autoptr(GBytes) bytes = fake_idc_archive_get_bytes (archive, s, o);
  g_autofree char *etag = g_strdup_printf ("\"%s\"", md5);
  g_autofree char *url = g_strdup_printf ("%s/%s/%s", bucket_url, s->bucket, o->key);
  g_autoptr(Reply) r = get_object (s->bucket, o->key, NULL, NULL);
  g_autoptr(Reply) head = request ("HEAD", url, NULL, NULL);
  g_autofree char *got_md5 = md5_of (r->body);
  g_autofree char *marker = g_strdup_printf ("%s/", s->series_uuid);
  g_autoptr(Reply) marker_reply = get_object (s->bucket, marker, NULL, NULL);

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (got_md5, ==, md5);
  g_assert_true (g_bytes_equal (r->body, bytes));
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "ETag"), ==, etag);
  g_assert_cmpint (soup_message_headers_get_content_length (r->headers), ==, o->size);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Accept-Ranges"), ==, "bytes");
  g_assert_nonnull (soup_message_headers_get_one (r->headers, "Last-Modified"));

  g_assert_cmpuint (head->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (head->body), ==, 0);
  g_assert_cmpstr (soup_message_headers_get_one (head->headers, "ETag"), ==, etag);
  g_assert_cmpint (soup_message_headers_get_content_length (head->headers), ==, o->size);

  g_assert_cmpuint (marker_reply->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (marker_reply->body), ==, 0);

  /* Ranges: from an offset, a span, past the end. */
  {
    g_autoptr(Reply) tail = get_object (s->bucket, o->key, "Range", "bytes=100-");
    g_autoptr(Reply) span = get_object (s->bucket, o->key, "Range", "bytes=10-19");
    g_autofree char *past = g_strdup_printf ("bytes=%" G_GUINT64_FORMAT "-", o->size);
    g_autoptr(Reply) beyond = get_object (s->bucket, o->key, "Range", past);
    g_autoptr(GBytes) tail_bytes = g_bytes_new_from_bytes (bytes, 100, o->size - 100);
    g_autoptr(GBytes) span_bytes = g_bytes_new_from_bytes (bytes, 10, 10);
    g_autofree char *tail_range = g_strdup_printf ("bytes 100-%" G_GUINT64_FORMAT "/%"
                                                   G_GUINT64_FORMAT, o->size - 1, o->size);

    g_assert_cmpuint (tail->status, ==, 206);
    g_assert_true (g_bytes_equal (tail->body, tail_bytes));
    g_assert_cmpstr (soup_message_headers_get_one (tail->headers, "Content-Range"), ==,
                     tail_range);
    g_assert_cmpuint (span->status, ==, 206);
    g_assert_true (g_bytes_equal (span->body, span_bytes));
    assert_s3_error (beyond, 416, "InvalidRange");
  }

  /* If-Match guards a resumed GET. */
  {
    g_autoptr(Reply) match = get_object (s->bucket, o->key, "If-Match", etag);
    g_autoptr(Reply) mismatch = get_object (s->bucket, o->key, "If-Match",
                                            "\"0123456789abcdef0123456789abcdef\"");

    g_assert_cmpuint (match->status, ==, 200);
    assert_s3_error (mismatch, 412, "PreconditionFailed");
  }

  {
    g_autofree char *missing_key = g_strdup_printf ("%s/nope.dcm", s->series_uuid);
    g_autoptr(Reply) missing = get_object (s->bucket, missing_key, NULL, NULL);
    g_autoptr(Reply) wrong_bucket = get_object (FAKE_IDC_BUCKET_CR, o->key, NULL, NULL);
    g_autoptr(Reply) no_bucket = get_object ("no-such-bucket", o->key, NULL, NULL);

    assert_s3_error (missing, 404, "NoSuchKey");
    assert_s3_error (wrong_bucket, 404, "NoSuchKey");
    assert_s3_error (no_bucket, 404, "NoSuchBucket");
  }
}

static void
test_bucket_faults (void)
{
  const FakeIdcSeries *s = find_series (3, FALSE);
  const FakeIdcObject *o = fake_idc_archive_get_object (archive, s, 0);
  const char *md5 = fake_idc_archive_get_md5 (archive, s, o);
  g_autofree char *query = g_strdup_printf ("prefix=%s/", s->series_uuid);

  fake_idc_set_fault (server, FAKE_IDC_FAULT_SLOW_DOWN, 2, s->series_uid);
  {
    g_autoptr(Reply) first = get_object (s->bucket, o->key, NULL, NULL);
    g_autoptr(Reply) second = list (s->bucket, query);
    g_autoptr(Reply) third = get_object (s->bucket, o->key, NULL, NULL);

    assert_s3_error (first, 503, "SlowDown");
    g_assert_cmpstr (soup_message_headers_get_one (first->headers, "Retry-After"), ==, "1");
    assert_s3_error (second, 503, "SlowDown");
    g_assert_cmpuint (third->status, ==, 200);
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_SLOW_DOWN_BARE, 1, o->key);
  fake_idc_set_fault (server, FAKE_IDC_FAULT_INTERNAL_ERROR, 1, o->key);
  {
    g_autoptr(Reply) first = get_object (s->bucket, o->key, NULL, NULL);
    g_autoptr(Reply) second = get_object (s->bucket, o->key, NULL, NULL);

    assert_s3_error (first, 503, "SlowDown");
    g_assert_null (soup_message_headers_get_one (first->headers, "Retry-After"));
    assert_s3_error (second, 500, "InternalError");
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_ACCESS_DENIED, 0, FAKE_IDC_BUCKET_OPEN);
  {
    g_autoptr(Reply) denied = get_object (s->bucket, o->key, NULL, NULL);
    g_autoptr(Reply) listing = list (s->bucket, query);
    g_autoptr(Reply) other = list (FAKE_IDC_BUCKET_CR, "prefix=");

    assert_s3_error (denied, 403, "AccessDenied");
    assert_s3_error (listing, 403, "AccessDenied");
    g_assert_cmpuint (other->status, ==, 200);
  }
  fake_idc_clear_faults (server);

  fake_idc_set_fault (server, FAKE_IDC_FAULT_MISSING_OBJECT, 1, o->key);
  {
    g_autoptr(Reply) missing = get_object (s->bucket, o->key, NULL, NULL);
    g_autoptr(Reply) back = get_object (s->bucket, o->key, NULL, NULL);

    assert_s3_error (missing, 404, "NoSuchKey");
    g_assert_cmpuint (back->status, ==, 200);
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_CORRUPT, 1, s->series_uuid);
  {
    g_autoptr(Reply) r = get_object (s->bucket, o->key, NULL, NULL);
    g_autofree char *got = md5_of (r->body);
    g_autofree char *etag = g_strdup_printf ("\"%s\"", md5);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (r->body), ==, o->size);
    g_assert_cmpstr (got, !=, md5);
    g_assert_cmpstr (soup_message_headers_get_one (r->headers, "ETag"), ==, etag);
  }

  /* A property of the object: the listing and the GET agree, every time. */
  fake_idc_set_fault (server, FAKE_IDC_FAULT_MULTIPART_ETAG, 1, o->key);
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(Reply) r = get_object (s->bucket, o->key, NULL, NULL);
      g_autoptr(Reply) l = list (s->bucket, query);
      xmlDoc *doc = reply_xml (l);
      g_autoptr(GPtrArray) etags = xml_texts (doc, "ETag");
      g_autofree char *multipart = g_strdup_printf ("\"%s-3\"", md5);

      g_assert_cmpstr (soup_message_headers_get_one (r->headers, "ETag"), ==, multipart);
      g_assert_cmpstr (etags->pdata[0], ==, multipart);
      g_assert_true (g_str_has_suffix (etags->pdata[1], "\"") &&
                     !g_str_has_suffix (etags->pdata[1], "-3\""));
      xmlFreeDoc (doc);
    }
  fake_idc_clear_faults (server);

  fake_idc_set_fault (server, FAKE_IDC_FAULT_SHORT_LISTING, 0, s->series_uid);
  {
    g_autoptr(Reply) l = list (s->bucket, query);
    xmlDoc *doc = reply_xml (l);
    g_autoptr(GPtrArray) keys = xml_texts (doc, "Key");

    g_assert_cmpuint (keys->len, ==, s->n_objects - 1);
    xmlFreeDoc (doc);
  }
  fake_idc_clear_faults (server);

  fake_idc_set_fault (server, FAKE_IDC_FAULT_BAD_XML, 1, NULL);
  {
    g_autoptr(Reply) bad = list (s->bucket, query);
    g_autoptr(Reply) good = list (s->bucket, query);
    xmlDoc *bad_doc = reply_xml (bad);
    xmlDoc *good_doc = reply_xml (good);

    g_assert_cmpuint (bad->status, ==, 200);
    g_assert_null (bad_doc);
    g_assert_nonnull (good_doc);
    xmlFreeDoc (good_doc);
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_DROP, 1, o->key);
  {
    g_autoptr(Reply) r = get_object (s->bucket, o->key, NULL, NULL);

    g_assert_true (r->error != NULL || g_bytes_get_size (r->body) < o->size);
  }

  fake_idc_set_fault (server, FAKE_IDC_FAULT_STALL, 1, o->key);
  {
    g_autoptr(SoupSession) impatient = soup_session_new_with_options ("proxy-resolver", NULL,
                                                                      "timeout", 1, NULL);
    g_autofree char *url = g_strdup_printf ("%s/%s/%s", bucket_url, s->bucket, o->key);
    g_autoptr(Reply) r = send_message (impatient, soup_message_new ("GET", url));

    g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  }
  g_assert_cmpuint (fake_idc_get_request_count (server, "get"), >, 0);
  g_assert_cmpuint (fake_idc_get_request_count (server, "list"), >, 0);
}

/* Under a rate limit the bytes are still all there and right. */
static void
test_bucket_rate_limit (void)
{
  const FakeIdcSeries *s = find_series (1, FALSE);
  const FakeIdcObject *o = fake_idc_archive_get_object (archive, s, 0);
  g_autoptr(Reply) r = NULL;
  g_autofree char *md5 = NULL;

  fake_idc_set_rate_limit (server, 64 * 1024);
  r = get_object (s->bucket, o->key, NULL, NULL);
  fake_idc_set_rate_limit (server, 0);
  md5 = md5_of (r->body);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (md5, ==, fake_idc_archive_get_md5 (archive, s, o));
}

/* fake-nbia's --rate-limit (for the IDC vs NBIA bench) paces getImage but
 * sends the same bytes. */
static void
test_nbia_rate_limit (void)
{
  FakeNbiaOptions options;
  FakeNbia *plain, *limited;
  FakeNbiaSeriesInfo info;
  g_autoptr(GBytes) plain_body = NULL;
  g_autoptr(GBytes) limited_body = NULL;
  GError *error = NULL;

  fake_nbia_options_init (&options);
  /* Bodies of several of fake-nbia's 256 KiB chunks, so that pacing comes in. */
  options.images_per_series_max = 8;
  options.image_rows = 256;
  plain = fake_nbia_new (&options);
  options.rate_limit = 4 * 1024 * 1024;
  limited = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (plain, 0, &error));
  g_assert_true (fake_nbia_start_in_thread (limited, 0, &error));
  g_assert_no_error (error);
  for (guint index = 0; index < fake_nbia_get_n_series (plain); index++)
    {
      fake_nbia_get_series (plain, index, &info);
      if (info.file_size > 4 * 256 * 1024)
        break;
    }
  for (guint i = 0; i < 2; i++)
    {
      FakeNbia *nbia = i == 0 ? plain : limited;
      g_autofree char *base = fake_nbia_get_url (nbia, 4);
      g_autofree char *url = g_strdup_printf ("%sgetImage?SeriesInstanceUID=%s", base,
                                              info.series_uid);
      g_autoptr(Reply) r = request ("GET", url, NULL, NULL);

      g_assert_no_error (r->error);
      g_assert_cmpuint (r->status, ==, 200);
      if (i == 0)
        plain_body = g_bytes_ref (r->body);
      else
        limited_body = g_bytes_ref (r->body);
    }
  g_assert_cmpuint (g_bytes_get_size (plain_body), >, 256 * 1024);
  g_assert_true (g_bytes_equal (plain_body, limited_body));
  fake_nbia_free (plain);
  fake_nbia_free (limited);
}

/* What s3rver gets: the objects as files under <bucket>/<key>. */
static void
test_export_objects (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fake-idc-export-XXXXXX", NULL);
  const FakeIdcSeries *s = find_series (2, FALSE);
  const char *uids[] = { s->series_uid, NULL };
  GError *error = NULL;

  g_assert_true (fake_idc_export_objects (archive, dir, uids, &error));
  g_assert_no_error (error);
  for (guint k = 0; k < s->n_objects; k++)
    {
      const FakeIdcObject *o = fake_idc_archive_get_object (archive, s, k);
      g_autofree char *path = g_build_filename (dir, s->bucket, o->key, NULL);
      g_autofree char *contents = NULL;
      g_autofree char *md5 = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5, (const guchar *) contents, length);
      g_assert_cmpstr (md5, ==, fake_idc_archive_get_md5 (archive, s, o));
    }
  remove_tree (dir);
}

/* s3rver serves the same objects: a listing over several pages (its own
 * tokens, percent-encoded) and GETs whose ETag is the MD5 of the bytes. */
static void
test_s3rver_serves_objects (void)
{
  const FakeIdcSeries *s = find_series (4, FALSE);
  const char *uids[] = { s->series_uid, NULL };
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *token = NULL;
  GError *error = NULL;
  FakeS3rver *s3rver;
  const char *url;
  guint pages = 0;

  if (!fake_s3rver_require ())
    return;
  s3rver = fake_s3rver_start (archive, uids, &error);
  g_assert_no_error (error);
  url = fake_s3rver_get_url (s3rver);
  do
    {
      g_autofree char *escaped = token ? g_uri_escape_string (token, NULL, FALSE) : NULL;
      g_autofree char *list_url = g_strdup_printf ("%s/%s?list-type=2&prefix=%s/&max-keys=2%s%s",
                                                   url, s->bucket, s->series_uuid,
                                                   escaped ? "&continuation-token=" : "",
                                                   escaped ? escaped : "");
      g_autoptr(Reply) r = request ("GET", list_url, NULL, NULL);
      xmlDoc *doc;
      g_autoptr(GPtrArray) page_keys = NULL;
      g_autofree char *truncated = NULL;

      g_assert_no_error (r->error);
      g_assert_cmpuint (r->status, ==, 200);
      doc = reply_xml (r);
      g_assert_nonnull (doc);
      page_keys = xml_texts (doc, "Key");
      for (guint i = 0; i < page_keys->len; i++)
        g_ptr_array_add (keys, g_strdup (page_keys->pdata[i]));
      truncated = xml_text (doc, "IsTruncated");
      g_clear_pointer (&token, g_free);
      if (g_str_equal (truncated, "true"))
        token = xml_text (doc, "NextContinuationToken");
      xmlFreeDoc (doc);
      pages++;
    }
  while (token != NULL);

  g_assert_cmpuint (pages, >=, 2);
  g_assert_cmpuint (keys->len, ==, s->n_objects);
  for (guint k = 0; k < s->n_objects; k++)
    {
      const FakeIdcObject *o = fake_idc_archive_get_object (archive, s, k);
      g_autofree char *object_url = g_strdup_printf ("%s/%s/%s", url, s->bucket, o->key);
      g_autoptr(Reply) r = request ("GET", object_url, NULL, NULL);
      g_autofree char *md5 = md5_of (r->body);
      g_autofree char *etag = g_strdup_printf ("\"%s\"", md5);

      g_assert_cmpstr (keys->pdata[k], ==, o->key);
      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpstr (md5, ==, fake_idc_archive_get_md5 (archive, s, o));
      g_assert_cmpstr (soup_message_headers_get_one (r->headers, "ETag"), ==, etag);
    }
  fake_s3rver_stop (s3rver);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fake-idc/bucket/list-pages", test_bucket_list_pages);
  g_test_add_func ("/fake-idc/bucket/list-limits", test_bucket_list_limits);
  g_test_add_func ("/fake-idc/bucket/list-big-series", test_bucket_list_big_series);
  g_test_add_func ("/fake-idc/bucket/get", test_bucket_get);
  g_test_add_func ("/fake-idc/bucket/faults", test_bucket_faults);
  g_test_add_func ("/fake-idc/bucket/rate-limit", test_bucket_rate_limit);
  g_test_add_func ("/fake-idc/nbia-rate-limit", test_nbia_rate_limit);
  g_test_add_func ("/fake-idc/export-objects", test_export_objects);
  g_test_add_func ("/fake-idc/s3rver/serves-objects", test_s3rver_serves_objects);

  fake_idc_test_start ();
  status = g_test_run ();
  fake_idc_test_stop ();
  return status;
}
