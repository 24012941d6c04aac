/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "tcia-idc-bucket.h"
#include "tcia-idc-client.h"
#include "tcia-idc-fetcher.h"
#include "tcia-idc-resolution-private.h"
#include "fake-idc.h"
#include "idc-api-test-util.h"
#include "tcia-series-writer.h"
#include "test-util.h"

/* IDC as a source: the parsers of the API's and the buckets' answers, the
 * series writer's files written at once, and (test-idc-fake.c's part,
 * below) the client and fetcher against the fake IDC. */

/* ---- UIDs and names ------------------------------------------------------------ */

static void
test_uid_validation (void)
{
  const char *valid[] = { "1", "1.2.840.10008.5.1.4.1.1.2", "0.0", "12345678901234567890" };
  const char *invalid[] = { "", ".1", "1.", "1..2", "1.2a", "1.2'); DROP TABLE x; --",
                            "1 2", "1.2\n", "-1",
                            "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25" };

  for (gsize i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (tcia_idc_uid_is_valid (valid[i]));
  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    g_assert_false (tcia_idc_uid_is_valid (invalid[i]));
  g_assert_false (tcia_idc_uid_is_valid (NULL));
}

static void
test_bucket_names (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaIdcBucket) aws = tcia_idc_bucket_new (NULL, &error);
  g_autoptr(TciaIdcBucket) gcs = NULL;
  g_autofree char *url = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (tcia_idc_bucket_gcs_name ("idc-open-data"), ==, "idc-open-data");
  g_assert_cmpstr (tcia_idc_bucket_gcs_name ("idc-open-data-two"), ==, "idc-open-idc1");
  g_assert_cmpstr (tcia_idc_bucket_gcs_name ("idc-open-data-cr"), ==, "idc-open-cr");

  url = tcia_idc_bucket_object_url (aws, "idc-open-data-two", "a-b/c.dcm");
  g_assert_cmpstr (url, ==, "https://s3.amazonaws.com/idc-open-data-two/a-b/c.dcm");
  g_clear_pointer (&url, g_free);

  /* The mirror names the same objects in its own buckets. */
  gcs = tcia_idc_bucket_new (TCIA_IDC_GCS_BUCKET_URL "/", &error);
  g_assert_no_error (error);
  url = tcia_idc_bucket_object_url (gcs, "idc-open-data-two", "a-b/c.dcm");
  g_assert_cmpstr (url, ==, "https://storage.googleapis.com/idc-open-idc1/a-b/c.dcm");

  g_assert_null (tcia_idc_bucket_new ("ftp://example.org", &error));
  g_assert_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_URL);
}

static void
test_api_url (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaIdcClient) client = tcia_idc_client_new (NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (tcia_idc_client_get_api_url (client), ==, TCIA_IDC_DEFAULT_API_URL);
  g_clear_object (&client);

  client = tcia_idc_client_new ("http://127.0.0.1:8080/v3", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tcia_idc_client_get_api_url (client), ==, "http://127.0.0.1:8080/v3/");
  g_clear_object (&client);

  /* Without /v3 the host's legacy service would answer. */
  g_assert_null (tcia_idc_client_new ("https://api.imaging.datacommons.cancer.gov/", &error));
  g_assert_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_URL);
  g_assert_nonnull (strstr (error->message, "/v3/"));
}

/* ---- Listings and S3 errors ------------------------------------------------------ */

#define UUID "28dfda52-b261-4505-bb06-824d5a9b1f90"

static const char aws_page[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
  "<Name>idc-open-data</Name><Prefix>" UUID "/</Prefix><KeyCount>3</KeyCount>"
  "<MaxKeys>3</MaxKeys><IsTruncated>true</IsTruncated>"
  "<NextContinuationToken>1x+/Tok=en</NextContinuationToken>"
  "<Contents><Key>" UUID "/</Key><Size>0</Size>"
  "<ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag></Contents>"
  "<Contents><Key>" UUID "/a.dcm</Key><LastModified>2023-09-07T15:05:44.000Z</LastModified>"
  "<ETag>&quot;9B2CF535F27731C974343645A3985328&quot;</ETag><Size>526936</Size>"
  "<StorageClass>STANDARD</StorageClass><ChecksumAlgorithm>CRC32</ChecksumAlgorithm></Contents>"
  "<Contents><Key>" UUID "/b.dcm</Key><Size>10</Size>"
  "<ETag>\"669fdad9e309b552f1e9cf7b489c1f73-2\"</ETag><Owner><ID>x</ID></Owner></Contents>"
  "</ListBucketResult>";

static void
test_parse_listing (void)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) tcia_idc_object_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gboolean truncated;
  TciaIdcObject *object;

  g_assert_true (tcia_idc_parse_listing (aws_page, strlen (aws_page), objects, &truncated,
                                         &token, &error));
  g_assert_no_error (error);
  g_assert_true (truncated);
  g_assert_cmpstr (token, ==, "1x+/Tok=en");
  /* The parser keeps the marker; the listing drops it. */
  g_assert_cmpuint (objects->len, ==, 3);
  object = g_ptr_array_index (objects, 1);
  g_assert_cmpstr (object->key, ==, UUID "/a.dcm");
  g_assert_cmpuint (object->size, ==, 526936);
  g_assert_cmpstr (object->etag, ==, "9b2cf535f27731c974343645a3985328");
  g_assert_cmpstr (tcia_idc_object_get_md5 (object), ==, "9b2cf535f27731c974343645a3985328");
  /* A multipart ETag is no MD5: size only. */
  object = g_ptr_array_index (objects, 2);
  g_assert_cmpstr (object->etag, ==, "669fdad9e309b552f1e9cf7b489c1f73-2");
  g_assert_null (tcia_idc_object_get_md5 (object));
}

static void
test_parse_listing_namespaces (void)
{
  /* GCS, s3rver, and a ListObjectsV1 answer paged by marker. */
  const char *pages[] = {
    "<ListBucketResult xmlns=\"http://doc.s3.amazonaws.com/2006-03-01\">"
    "<IsTruncated>false</IsTruncated><Contents><Key>k/1</Key><Size>5</Size>"
    "<ETag>\"00000000000000000000000000000001\"</ETag></Contents></ListBucketResult>",
    "<?xml version=\"1.0\"?><ListBucketResult xmlns=\"http://doc.s3.amazonaws.com/2006-03-01/\">"
    "<Contents><Size>5</Size><Key>k/1</Key></Contents><IsTruncated>false</IsTruncated>"
    "</ListBucketResult>",
    "<ListBucketResult><IsTruncated>true</IsTruncated>"
    "<Contents><Key>k/1</Key><Size>5</Size></Contents></ListBucketResult>",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) tcia_idc_object_free);
      g_autoptr(GError) error = NULL;
      g_autofree char *token = NULL;
      gboolean truncated;

      g_assert_true (tcia_idc_parse_listing (pages[i], strlen (pages[i]), objects, &truncated,
                                             &token, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (objects->len, ==, 1);
      g_assert_cmpstr (((TciaIdcObject *) objects->pdata[0])->key, ==, "k/1");
      g_assert_cmpuint (((TciaIdcObject *) objects->pdata[0])->size, ==, 5);
      /* V1: the last key is where the next page starts. */
      g_assert_cmpint (truncated, ==, i == 2);
      g_assert_cmpstr (token, ==, i == 2 ? "k/1" : NULL);
    }
}

static void
test_parse_listing_bad (void)
{
  const char *bodies[] = {
    /* Cut short: S3 says a 200 may hold invalid XML. */
    "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k/1</Ke",
    "<Error><Code>InternalError</Code></Error>",
    "<html><body>maintenance</body></html>",
    /* Goes on, but not where. */
    "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
    "<ListBucketResult><Contents><Key>k/1</Key><Size>-5</Size></Contents></ListBucketResult>",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) tcia_idc_object_free);
      g_autoptr(GError) error = NULL;
      g_autofree char *token = NULL;
      gboolean truncated;

      g_assert_false (tcia_idc_parse_listing (bodies[i], strlen (bodies[i]), objects,
                                              &truncated, &token, &error));
      g_assert_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_RESPONSE);
      g_assert_true (tcia_idc_error_is_transient (error));
    }
}

static void
test_parse_s3_error (void)
{
  const char *body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?> <Error><Code>NoSuchKey</Code>"
                     "<Message>The specified key does not exist.</Message><Key>a/b</Key>"
                     "<RequestId>1</RequestId><HostId>cut sh";
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;

  /* Error text arrives cut to a few hundred characters: read what is there. */
  g_assert_true (tcia_idc_parse_s3_error (body, strlen (body), &code, &message));
  g_assert_cmpstr (code, ==, "NoSuchKey");
  g_assert_cmpstr (message, ==, "The specified key does not exist.");
  g_clear_pointer (&code, g_free);
  g_clear_pointer (&message, g_free);

  g_assert_false (tcia_idc_parse_s3_error ("Service Unavailable", 19, &code, &message));
  g_assert_null (code);
  g_assert_false (tcia_idc_parse_s3_error ("<Error><Message>x</Message></Error>", 35, &code,
                                           &message));
}

/* ---- The resolution's records ------------------------------------------------------- */

static JsonObject *
parse_row (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_resolution_rows (void)
{
  const char *uids[] = { "1.2.3", "1.2.4", "1.2.5", "1.2.x", "1.2.3", NULL };
  g_autoptr(TciaIdcResolution) resolution = tcia_idc_resolution_new (uids);
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(JsonObject) prior = NULL;
  g_autoptr(JsonObject) older = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  TciaIdcLocation *location;
  TciaSeries *series;

  g_assert_cmpuint (g_strv_length ((char **) tcia_idc_resolution_get_uids (resolution)), ==, 4);
  g_assert_cmpint (tcia_idc_resolution_get_status (resolution, "1.2.x"), ==,
                   TCIA_IDC_STATUS_INVALID_UID);
  g_assert_cmpint (tcia_idc_resolution_get_status (resolution, "9.9"), ==,
                   TCIA_IDC_STATUS_NOT_ASKED);
  missing = tcia_idc_resolution_get_missing (resolution);
  g_assert_cmpuint (missing->len, ==, 3);

  /* idc-api.md §3's row, with a member the beta may add. */
  row = parse_row ("{\"SeriesInstanceUID\":\"1.2.3\",\"collection_id\":\"rider_pilot\","
                   "\"collection_name\":\"RIDER Pilot\",\"PatientID\":\"RIDER-1\","
                   "\"StudyInstanceUID\":\"1.2.9\",\"StudyDate\":\"2006-09-20\","
                   "\"StudyDescription\":null,\"SeriesNumber\":\"4\",\"SeriesDescription\":null,"
                   "\"Modality\":\"CT\",\"SOPClassUID\":\"1.2.840.10008.5.1.4.1.1.2\","
                   "\"sop_class_name\":\"CT Image Storage\",\"Manufacturer\":\"GE\","
                   "\"instanceCount\":37,\"series_size_MB\":19.41,\"aws_bucket\":\"idc-open-data\","
                   "\"crdc_series_uuid\":\"7a6b2389-53c6-4c5b-b07f-6d1ed4a3eed9\","
                   "\"license_short_name\":\"CC BY 3.0\",\"source_DOI\":\"10.7937/K9/TCIA.2015.U1X8A5NR\","
                   "\"analysis_result_id\":null,\"series_revised_idc_version\":3,"
                   "\"new_in_b9\":{\"x\":[1]}}");
  g_assert_true (tcia_idc_resolution_add_row (resolution, row, FALSE));
  /* "index" has one row per UID: a second does not replace it. */
  g_assert_false (tcia_idc_resolution_add_row (resolution, row, TRUE));

  location = tcia_idc_resolution_get_location (resolution, "1.2.3");
  g_assert_nonnull (location);
  g_assert_cmpstr (location->bucket, ==, "idc-open-data");
  g_assert_cmpstr (location->crdc_series_uuid, ==, "7a6b2389-53c6-4c5b-b07f-6d1ed4a3eed9");
  g_assert_cmpuint (location->instance_count, ==, 37);
  g_assert_cmpuint (location->size_bytes, ==, 19410000);
  g_assert_false (location->prior_version);
  g_assert_cmpuint (location->idc_version, ==, 3);

  series = tcia_idc_resolution_get_series (resolution, "1.2.3");
  g_assert_nonnull (series);
  g_assert_cmpstr (tcia_series_get_series_uid (series), ==, "1.2.3");
  g_assert_cmpstr (tcia_series_get_collection (series), ==, "RIDER Pilot");
  g_assert_cmpstr (tcia_series_get_patient_id (series), ==, "RIDER-1");
  g_assert_cmpstr (tcia_series_get_study_date (series), ==, "2006-09-20");
  g_assert_null (tcia_series_get_study_description (series));
  g_assert_cmpstr (tcia_series_get_series_number (series), ==, "4");
  g_assert_cmpstr (tcia_series_get_license_name (series), ==, "CC BY 3.0");
  g_assert_cmpstr (tcia_series_get_license_uri (series), ==,
                   "https://creativecommons.org/licenses/by/3.0/");
  g_assert_cmpstr (tcia_series_get_data_description_uri (series), ==,
                   "https://doi.org/10.7937/K9/TCIA.2015.U1X8A5NR");
  g_assert_cmpuint (tcia_series_get_image_count (series), ==, 37);
  g_assert_cmpuint (tcia_series_get_file_size (series), ==, 19410000);
  g_assert_cmpstr (tcia_series_get_sop_class_uid (series), ==, "1.2.840.10008.5.1.4.1.1.2");
  g_assert_cmpstr (tcia_series_get_third_party_analysis (series), ==, "NO");

  /* Prior versions, newest first: the first row is the one kept. */
  prior = parse_row ("{\"SeriesInstanceUID\":\"1.2.4\",\"crdc_series_uuid\":\"new-uuid\","
                     "\"aws_bucket\":\"idc-open-data-cr\",\"series_size_MB\":1.5,"
                     "\"min_idc_version\":2,\"max_idc_version\":7,\"collection_id\":\"c_x\","
                     "\"collection_name\":null}");
  older = parse_row ("{\"SeriesInstanceUID\":\"1.2.4\",\"crdc_series_uuid\":\"old-uuid\","
                     "\"aws_bucket\":\"idc-open-data\",\"series_size_MB\":1.4,"
                     "\"max_idc_version\":3}");
  g_assert_true (tcia_idc_resolution_add_row (resolution, prior, TRUE));
  g_assert_false (tcia_idc_resolution_add_row (resolution, older, TRUE));
  g_assert_cmpint (tcia_idc_resolution_get_status (resolution, "1.2.4"), ==,
                   TCIA_IDC_STATUS_PRIOR_VERSION);
  location = tcia_idc_resolution_get_location (resolution, "1.2.4");
  g_assert_cmpstr (location->crdc_series_uuid, ==, "new-uuid");
  g_assert_true (location->prior_version);
  g_assert_cmpuint (location->instance_count, ==, 0);
  g_assert_cmpuint (location->idc_version, ==, 7);
  /* Without a name, IDC's id. */
  g_assert_cmpstr (tcia_series_get_collection (tcia_idc_resolution_get_series (resolution, "1.2.4")),
                   ==, "c_x");

  g_assert_cmpint (tcia_idc_resolution_get_status (resolution, "1.2.5"), ==,
                   TCIA_IDC_STATUS_NOT_IN_IDC);
  g_assert_null (tcia_idc_resolution_get_location (resolution, "1.2.5"));
  g_assert_cmpuint (tcia_idc_resolution_count (resolution, TCIA_IDC_STATUS_CURRENT), ==, 1);
}

/* ---- The writer's files ------------------------------------------------------------ */

typedef struct
{
  char             *dest;
  int               root_fd;
  TciaSeriesWriter *writer;
} WriterFixture;

static void
writer_setup (WriterFixture *f,
              guint          expected)
{
  TciaExtractLimits limits;

  f->dest = g_dir_make_tmp ("test-idc-XXXXXX", NULL);
  f->root_fd = open (f->dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  g_assert_cmpint (f->root_fd, >=, 0);
  tcia_extract_limits_init (&limits, 0);
  f->writer = tcia_series_writer_new (f->root_fd, f->root_fd, f->dest, "1.2.3", "1.2.3",
                                      expected, TCIA_EXTRACT_VERIFY_MD5, &limits);
  g_assert_true (tcia_series_writer_begin (f->writer, NULL));
}

static void
writer_teardown (WriterFixture *f)
{
  tcia_series_writer_free (f->writer);
  close (f->root_fd);
  remove_tree (f->dest);
  g_free (f->dest);
}

typedef struct
{
  TciaSeriesWriter *writer;
  guint             index;
} WriteJob;

static gpointer
write_file_thread (gpointer data)
{
  WriteJob *job = data;
  g_autofree char *name = g_strdup_printf ("%u.dcm", job->index);
  g_autofree char *text = g_strdup_printf ("object %u", job->index);
  g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);
  g_autoptr(GError) error = NULL;
  TciaSeriesWriterFile *file;

  file = tcia_series_writer_file_new (job->writer, name, TRUE, strlen (text), md5, &error);
  g_assert_no_error (error);
  for (const char *p = text; *p != '\0'; p++)
    g_assert_true (tcia_series_writer_file_write (file, p, 1, NULL));
  g_assert_true (tcia_series_writer_file_close (file, &error));
  g_assert_no_error (error);
  return NULL;
}

static void
test_writer_files (void)
{
  WriterFixture f;
  WriteJob jobs[8];
  GThread *threads[8];
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  TciaSeriesWriterFile *file;

  writer_setup (&f, 10);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      jobs[i] = (WriteJob) { f.writer, i };
      threads[i] = g_thread_new ("write", write_file_thread, &jobs[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (tcia_series_writer_get_n_images (f.writer), ==, 8);

  /* Short of the listed size: not closed into the series; written again, it is. */
  file = tcia_series_writer_file_new (f.writer, "short.dcm", TRUE, 5, NULL, &error);
  g_assert_true (tcia_series_writer_file_write (file, "abc", 3, NULL));
  g_assert_false (tcia_series_writer_file_close (file, &error));
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE);
  g_clear_error (&error);
  g_assert_true (tcia_series_writer_file_rewind (file, NULL));
  g_assert_cmpuint (tcia_series_writer_file_get_size (file), ==, 0);
  g_assert_true (tcia_series_writer_file_write (file, "abcde", 5, NULL));
  g_assert_true (tcia_series_writer_file_close (file, &error));
  g_assert_no_error (error);

  /* Damaged: CHECKSUM, then given up, leaving nothing. */
  file = tcia_series_writer_file_new (f.writer, "bad.dcm", TRUE, 3,
                                      "900150983cd24fb0d6963f7d28e17f72", &error);
  g_assert_true (tcia_series_writer_file_write (file, "abd", 3, NULL));
  g_assert_false (tcia_series_writer_file_close (file, &error));
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM);
  g_clear_error (&error);
  tcia_series_writer_file_discard (file);

  /* Two names alike are refused, as in an archive. */
  g_assert_null (tcia_series_writer_file_new (f.writer, "1.dcm", TRUE, 1, NULL, &error));
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_UNSAFE_ENTRY);
  g_clear_error (&error);
  g_assert_null (tcia_series_writer_file_new (f.writer, "../x.dcm", TRUE, 1, NULL, &error));
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_UNSAFE_ENTRY);
  g_clear_error (&error);

  /* 9 of 10: incomplete. */
  g_assert_cmpuint (tcia_series_writer_get_n_images (f.writer), ==, 9);
  g_assert_cmpuint (tcia_series_writer_get_bytes (f.writer), ==, 8 * strlen ("object 0") + 5);
  g_assert_false (tcia_series_writer_finish (f.writer, &error));
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE);
  g_clear_error (&error);

  g_assert_true (tcia_series_writer_commit (f.writer, FALSE, NULL, &error));
  g_assert_no_error (error);
  path = g_build_filename (f.dest, "1.2.3", "7.dcm", NULL);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "object 7");
  g_free (path);
  path = g_build_filename (f.dest, "1.2.3", "bad.dcm", NULL);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  writer_teardown (&f);
}

/* ---- The client against the fake IDC API ------------------------------------------ */

static TciaIdcResolution *
resolve (TciaIdcClient       *client,
         const char * const  *uids,
         GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tcia_idc_client_resolve_async (client, uids, NULL, store_result_cb, &result);
  wait_for (&result);
  return tcia_idc_client_resolve_finish (client, result, error);
}

/* Every series of the fake NBIA archive, plus what is not a UID. */
static GPtrArray *
all_uids (FakeIdc *fake)
{
  FakeIdcArchive *archive = fake_idc_get_archive (fake);
  GPtrArray *uids = g_ptr_array_new ();

  for (guint i = 0; i < fake_idc_archive_get_n_series (archive); i++)
    g_ptr_array_add (uids, (gpointer) fake_idc_archive_get_series (archive, i)->series_uid);
  for (guint i = 0; i < fake_idc_archive_get_n_prior (archive); i++)
    g_ptr_array_add (uids, (gpointer) fake_idc_archive_get_prior (archive, i)->series_uid);
  g_ptr_array_add (uids, (gpointer) "1.2.3.4.5.6.7.8.999");  /* never in IDC */
  g_ptr_array_add (uids, (gpointer) "1.2.3') OR 1=1 --");
  g_ptr_array_add (uids, NULL);
  return uids;
}

static void
test_resolve (IdcApiFixture *f,
              gconstpointer  data)
{
  FakeIdcArchive *archive = fake_idc_get_archive (f->fake);
  g_autoptr(GPtrArray) uids = all_uids (f->fake);
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaIdcResolution) resolution = NULL;
  const char *prior_only = fake_idc_archive_get_prior_only_uid (archive);
  const char *revised = fake_idc_archive_get_revised_uid (archive);
  guint n_current = fake_idc_archive_get_n_series (archive);

  resolution = resolve (f->client, (const char * const *) uids->pdata, &error);
  g_assert_no_error (error);
  g_assert_nonnull (prior_only);
  g_assert_nonnull (revised);

  /* One query for "index", one for what it lacks. */
  g_assert_cmpuint (fake_idc_get_request_count (f->fake, "sql"), ==, 2);
  g_assert_cmpuint (tcia_idc_resolution_count (resolution, TCIA_IDC_STATUS_CURRENT), ==,
                    n_current);
  g_assert_cmpuint (tcia_idc_resolution_count (resolution, TCIA_IDC_STATUS_PRIOR_VERSION), ==,
                    1);
  g_assert_cmpuint (tcia_idc_resolution_count (resolution, TCIA_IDC_STATUS_NOT_IN_IDC), ==, 1);
  g_assert_cmpuint (tcia_idc_resolution_count (resolution, TCIA_IDC_STATUS_INVALID_UID), ==, 1);

  for (guint i = 0; i < n_current; i++)
    {
      const FakeIdcSeries *want = fake_idc_archive_get_series (archive, i);
      TciaIdcLocation *location = tcia_idc_resolution_get_location (resolution,
                                                                    want->series_uid);
      TciaSeries *series = tcia_idc_resolution_get_series (resolution, want->series_uid);

      g_assert_nonnull (location);
      g_assert_cmpstr (location->crdc_series_uuid, ==, want->series_uuid);
      g_assert_cmpstr (location->bucket, ==, want->bucket);
      g_assert_cmpuint (location->instance_count, ==, want->n_objects);
      g_assert_false (location->prior_version);
      /* series_size_MB is bytes / 1e6, rounded by the float. */
      g_assert_cmpint (ABS ((gint64) location->size_bytes - (gint64) want->size), <=, 1);
      g_assert_cmpstr (tcia_series_get_collection (series), ==, want->collection_name);
      g_assert_cmpuint (tcia_series_get_image_count (series), ==, want->n_objects);
    }

  /* The revised series is its current folder, not an older one. */
  g_assert_cmpstr (tcia_idc_resolution_get_location (resolution, revised)->crdc_series_uuid, ==,
                   fake_idc_archive_lookup (archive, revised)->series_uuid);
  g_assert_cmpint (tcia_idc_resolution_get_status (resolution, prior_only), ==,
                   TCIA_IDC_STATUS_PRIOR_VERSION);
  g_assert_true (tcia_idc_resolution_get_location (resolution, prior_only)->prior_version);
}

static void
test_resolve_batches (IdcApiFixture *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) uids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaIdcResolution) resolution = NULL;

  for (guint i = 0; i < 1500; i++)
    g_ptr_array_add (uids, g_strdup_printf ("1.2.826.0.1.%u", i));
  g_ptr_array_add (uids, NULL);
  resolution = resolve (f->client, (const char * const *) uids->pdata, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_idc_resolution_count (resolution, TCIA_IDC_STATUS_NOT_IN_IDC), ==,
                    1500);
  /* 1000 + 500 for "index", the same for prior versions. */
  g_assert_cmpuint (fake_idc_get_request_count (f->fake, "sql"), ==, 4);
}

static void
test_resolve_invalid_only (IdcApiFixture *f,
                           gconstpointer  data)
{
  const char *uids[] = { "x", "1..2", "1.2'; SELECT 1", NULL };
  const char *none[] = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaIdcResolution) resolution = NULL;

  /* Nothing valid to ask: nothing sent, never an empty list. */
  resolution = resolve (f->client, uids, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tcia_idc_resolution_count (resolution, TCIA_IDC_STATUS_INVALID_UID), ==, 3);
  g_clear_object (&resolution);
  resolution = resolve (f->client, none, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_idc_get_request_count (f->fake, "sql"), ==, 0);
}

static void
test_resolve_busy_once (IdcApiFixture *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) uids = all_uids (f->fake);
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaIdcResolution) resolution = NULL;

  /* A cold start's 503 page, then the answer. */
  fake_idc_set_fault (f->fake, FAKE_IDC_FAULT_API_503, 1, "sql");
  resolution = resolve (f->client, (const char * const *) uids->pdata, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_idc_get_request_count (f->fake, "sql"), ==, 3);
  g_assert_cmpuint (tcia_idc_resolution_count (resolution, TCIA_IDC_STATUS_PRIOR_VERSION), ==,
                    1);
}

static void
test_resolve_api_down (IdcApiFixture *f,
                       gconstpointer  data)
{
  const FakeIdcFault faults[] = { FAKE_IDC_FAULT_API_503, FAKE_IDC_FAULT_QUERY_TIMEOUT,
                                  FAKE_IDC_FAULT_API_500, FAKE_IDC_FAULT_API_CLOSE };
  const char *words[] = { "busy or down", "took too long", "busy or down", "" };
  g_autoptr(GPtrArray) uids = all_uids (f->fake);

  for (gsize i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TciaIdcResolution) resolution = NULL;

      fake_idc_clear_faults (f->fake);
      fake_idc_set_fault (f->fake, faults[i], 0, "sql");
      resolution = resolve (f->client, (const char * const *) uids->pdata, &error);
      g_assert_null (resolution);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_true (error->domain == TCIA_IDC_ERROR);
      /* Worth trying later; a person reads what happened and where. */
      g_assert_true (tcia_idc_error_is_transient (error));
      g_assert_nonnull (strstr (error->message, words[i]));
      g_assert_nonnull (strstr (error->message, "127.0.0.1"));
    }
}

/* A server answering /v3/sql with what idc-api.md §2.0 lists. */
typedef struct
{
  guint       status;
  const char *type;
  const char *body;
} Answer;

static void
answer_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  const Answer *answer = user_data;

  soup_server_message_set_status (msg, answer->status, NULL);
  soup_server_message_set_response (msg, answer->type, SOUP_MEMORY_STATIC, answer->body,
                                    strlen (answer->body));
}

static void
test_resolve_refused (void)
{
  const Answer answers[] = {
    { 400, "application/json",
      "{\"error\":{\"code\":\"invalid_query\",\"message\":\"Binder Error: no_such_column\"}}" },
    { 422, "application/json",
      "{\"detail\":[{\"type\":\"value_error\",\"loc\":[\"body\"],\"msg\":\"Value error, "
      "the filter object goes under filters\"}]}" },
    { 404, "application/json", "{\"detail\":\"Not Found\"}" },
    { 503, "text/html", "<html><body><h1>Service Unavailable</h1>\x1b[31m</body></html>" },
  };
  const char *words[] = { "Binder Error: no_such_column (invalid_query)",
                          "the filter object goes under filters", "/v3/", "web page" };
  const int codes[] = { TCIA_IDC_ERROR_BAD_REQUEST, TCIA_IDC_ERROR_BAD_REQUEST,
                        TCIA_IDC_ERROR_REFUSED, TCIA_IDC_ERROR_SERVER };
  const char *uids[] = { "1.2.3", NULL };

  for (gsize i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(TciaIdcClient) client = NULL;
      g_autoptr(TciaIdcResolution) resolution = NULL;
      g_autoptr(GSList) uris = NULL;
      g_autofree char *base = NULL;
      g_autofree char *url = NULL;

      soup_server_add_handler (server, "/v3/sql", answer_cb, (gpointer) &answers[i], NULL);
      g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
      uris = soup_server_get_uris (server);
      base = g_uri_to_string (uris->data);
      g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
      url = g_strconcat (base, "v3/", NULL);
      client = tcia_idc_client_new (url, &error);
      g_assert_no_error (error);
      tcia_idc_client_set_retry_policy (client, 2, 1, 1);

      resolution = resolve (client, uids, &error);
      g_assert_null (resolution);
      g_test_message ("%s", error->message);
      g_assert_error (error, TCIA_IDC_ERROR, codes[i]);
      g_assert_nonnull (strstr (error->message, words[i]));
      /* Server text is shown without control characters. */
      g_assert_null (strchr (error->message, '\x1b'));
    }
}

static void
test_resolve_unreachable (void)
{
  const char *uids[] = { "1.2.3", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaIdcClient) client = tcia_idc_client_new ("http://127.0.0.1:9/v3/", &error);
  g_autoptr(TciaIdcResolution) resolution = NULL;

  tcia_idc_client_set_retry_policy (client, 2, 1, 1);
  resolution = resolve (client, uids, &error);
  g_assert_null (resolution);
  g_assert_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "127.0.0.1:9"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/idc/uid-validation", test_uid_validation);
  g_test_add_func ("/idc/bucket-names", test_bucket_names);
  g_test_add_func ("/idc/api-url", test_api_url);
  g_test_add_func ("/idc/parse-listing", test_parse_listing);
  g_test_add_func ("/idc/parse-listing-namespaces", test_parse_listing_namespaces);
  g_test_add_func ("/idc/parse-listing-bad", test_parse_listing_bad);
  g_test_add_func ("/idc/parse-s3-error", test_parse_s3_error);
  g_test_add_func ("/idc/resolution-rows", test_resolution_rows);
  g_test_add_func ("/idc/writer-files", test_writer_files);
  g_test_add_func ("/idc/resolve-unreachable", test_resolve_unreachable);
  g_test_add_func ("/idc/resolve-refused", test_resolve_refused);
#define ADD(path, func) \
  g_test_add ("/idc/" path, IdcApiFixture, NULL, idc_api_setup, func, idc_api_teardown)
  ADD ("resolve", test_resolve);
  ADD ("resolve-batches", test_resolve_batches);
  ADD ("resolve-invalid-only", test_resolve_invalid_only);
  ADD ("resolve-busy-once", test_resolve_busy_once);
  ADD ("resolve-api-down", test_resolve_api_down);
#undef ADD

  return g_test_run ();
}
