/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-idc"

#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "fake-idc-private.h"
#include "fake-nbia-private.h"

/* The fake buckets, path-style (idc-api.md §4, §7.2): ListObjectsV2 with
 * opaque continuation tokens, GET and HEAD of objects with ranges and
 * If-Match, S3's error XML, the bucket faults and a per-connection rate. */

#define AWS_NAMESPACE "http://s3.amazonaws.com/doc/2006-03-01/"
#define GCS_NAMESPACE "http://doc.s3.amazonaws.com/2006-03-01"
#define LAST_MODIFIED_HTTP "Thu, 07 Sep 2023 15:05:44 GMT"
#define LAST_MODIFIED_ISO "2023-09-07T15:05:44.000Z"
#define EMPTY_MD5 "d41d8cd98f00b204e9800998ecf8427e"
#define MAX_KEYS 1000
#define SEND_CHUNK (256 * 1024)
#define PACED_CHUNK (64 * 1024)

#define PRE_FAULTS (FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_SLOW_DOWN) | \
                    FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_SLOW_DOWN_BARE) | \
                    FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_INTERNAL_ERROR) | \
                    FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_ACCESS_DENIED))
#define OBJECT_FAULTS (PRE_FAULTS | FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_MISSING_OBJECT))
#define BODY_FAULTS (FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_DROP) | \
                     FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_STALL) | \
                     FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_CORRUPT))

/* The tokens start with bytes whose base64 is "++++////" and are padded to
 * end in "==", so a client that does not percent-encode them is caught. */
static const guint8 token_magic[] = { 0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff };

typedef struct
{
  const FakeIdcSeries *series;
  const FakeIdcObject *object;   /* NULL: the folder's marker */
} Entry;

/* The subjects a fault's scope may name: bucket, key, folder, series. */
typedef struct
{
  const char *items[4];
} Subjects;

static void
subjects_init (Subjects            *s,
               const char          *bucket,
               const char          *key,
               const FakeIdcSeries *series)
{
  s->items[0] = bucket;
  s->items[1] = key;
  s->items[2] = series != NULL ? series->series_uuid : NULL;
  s->items[3] = series != NULL ? series->series_uid : NULL;
}

static gboolean
is_bucket (const char *name)
{
  return g_str_equal (name, FAKE_IDC_BUCKET_OPEN) || g_str_equal (name, FAKE_IDC_BUCKET_TWO) ||
         g_str_equal (name, FAKE_IDC_BUCKET_CR);
}

static char *
request_id (void)
{
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "X", g_get_monotonic_time ());
}

/* Sends @buf, or only its first @length bytes (-1: all). */
static void
set_xml (SoupServerMessage *msg,
         guint              status,
         xmlBufferPtr       buf,
         int                length)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/xml", SOUP_MEMORY_COPY,
                                    (const char *) xmlBufferContent (buf),
                                    length >= 0 ? length : xmlBufferLength (buf));
}

/* S3's <Error>; HEAD answers carry no body. */
static void
set_error (SoupServerMessage *msg,
           guint              status,
           const char        *code,
           const char        *message,
           const char        *resource_name,
           const char        *resource)
{
  xmlBufferPtr buf;
  xmlTextWriterPtr w;
  g_autofree char *id = request_id ();

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "x-amz-request-id", id);
  if (g_str_equal (soup_server_message_get_method (msg), "HEAD"))
    {
      soup_server_message_set_status (msg, status, NULL);
      return;
    }
  buf = xmlBufferCreate ();
  w = xmlNewTextWriterMemory (buf, 0);
  xmlTextWriterStartDocument (w, NULL, "UTF-8", NULL);
  xmlTextWriterStartElement (w, BAD_CAST "Error");
  xmlTextWriterWriteElement (w, BAD_CAST "Code", BAD_CAST code);
  xmlTextWriterWriteElement (w, BAD_CAST "Message", BAD_CAST message);
  if (resource_name != NULL)
    xmlTextWriterWriteElement (w, BAD_CAST resource_name, BAD_CAST resource);
  xmlTextWriterWriteElement (w, BAD_CAST "RequestId", BAD_CAST id);
  xmlTextWriterWriteElement (w, BAD_CAST "HostId", BAD_CAST "fake-idc");
  xmlTextWriterEndElement (w);
  xmlTextWriterEndDocument (w);
  xmlFreeTextWriter (w);
  set_xml (msg, status, buf, -1);
  xmlBufferFree (buf);
}

/* Pre-body faults: TRUE when one answered. */
static gboolean
apply_pre_fault (FakeIdc           *self,
                 SoupServerMessage *msg,
                 FakeIdcFault       fault,
                 const char        *bucket,
                 const char        *key)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *retry = g_strdup_printf ("%u", self->options.retry_after_s);

  switch (fault)
    {
    case FAKE_IDC_FAULT_SLOW_DOWN:
      soup_message_headers_replace (headers, "Retry-After", retry);
      G_GNUC_FALLTHROUGH;
    case FAKE_IDC_FAULT_SLOW_DOWN_BARE:
      set_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "SlowDown",
                 "Please reduce your request rate.", NULL, NULL);
      return TRUE;
    case FAKE_IDC_FAULT_INTERNAL_ERROR:
      set_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "InternalError",
                 "We encountered an internal error. Please try again.", NULL, NULL);
      return TRUE;
    case FAKE_IDC_FAULT_ACCESS_DENIED:
      set_error (msg, SOUP_STATUS_FORBIDDEN, "AccessDenied", "Access Denied", NULL, NULL);
      return TRUE;
    case FAKE_IDC_FAULT_MISSING_OBJECT:
      set_error (msg, SOUP_STATUS_NOT_FOUND, "NoSuchKey", "The specified key does not exist.",
                 "Key", key);
      return TRUE;
    case FAKE_IDC_FAULT_NONE:
    default:
      return FALSE;
    }
}

/* ---- listing ---- */

static char *
token_encode (const char *key)
{
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  gsize length = strlen (key);

  g_byte_array_append (raw, token_magic, sizeof token_magic);
  g_byte_array_append (raw, (const guint8 *) key, length);
  /* A length of 1 modulo 3 makes base64 end in "==". */
  while (raw->len % 3 != 1)
    g_byte_array_append (raw, (const guint8 *) "", 1);
  return g_base64_encode (raw->data, raw->len);
}

/* The key a token continues after, or NULL if it is not one of ours. */
static char *
token_decode (const char *token)
{
  gsize length = 0;
  g_autofree guint8 *raw = NULL;

  if (strspn (token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") !=
      strlen (token))
    return NULL;
  raw = g_base64_decode (token, &length);
  if (length < sizeof token_magic || memcmp (raw, token_magic, sizeof token_magic) != 0)
    return NULL;
  return g_strndup ((const char *) raw + sizeof token_magic, length - sizeof token_magic);
}

/* The raw (still percent-encoded) value of @name in the query string. */
static char *
raw_param (SoupServerMessage *msg,
           const char        *name)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_auto(GStrv) pairs = query != NULL ? g_strsplit (query, "&", -1) : NULL;
  gsize n = strlen (name);

  for (guint i = 0; pairs != NULL && pairs[i] != NULL; i++)
    if (strncmp (pairs[i], name, n) == 0 && pairs[i][n] == '=')
      return g_strdup (pairs[i] + n + 1);
  return NULL;
}

static const char *
entry_key (const Entry *e,
           char         marker[40])
{
  if (e->object != NULL)
    return e->object->key;
  g_snprintf (marker, 40, "%s/", e->series->series_uuid);
  return marker;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  char ka[40], kb[40];

  return strcmp (entry_key (a, ka), entry_key (b, kb));
}

static void
add_folder (GArray              *entries,
            FakeIdcArchive      *archive,
            const FakeIdcSeries *series,
            const char          *bucket,
            const char          *prefix,
            gboolean             short_listing)
{
  g_autofree char *folder = g_strconcat (series->series_uuid, "/", NULL);
  guint n = series->n_objects;

  if (!g_str_equal (series->bucket, bucket) ||
      (!g_str_has_prefix (folder, prefix) && !g_str_has_prefix (prefix, folder)))
    return;
  if (series->has_marker && g_str_has_prefix (folder, prefix))
    {
      Entry e = { series, NULL };

      g_array_append_val (entries, e);
    }
  if (short_listing && n > 0)
    n--;
  for (guint k = 0; k < n; k++)
    {
      Entry e = { series, fake_idc_archive_get_object (archive, series, k) };

      if (g_str_has_prefix (e.object->key, prefix))
        g_array_append_val (entries, e);
    }
}

static const char *
entry_etag (FakeIdc     *self,
            const Entry *e,
            char         out[48])
{
  Subjects s;
  char marker[40];
  const char *md5 = e->object != NULL
                    ? fake_idc_archive_get_md5 (self->archive, e->series, e->object)
                    : EMPTY_MD5;

  subjects_init (&s, e->series->bucket, entry_key (e, marker), e->series);
  if (e->object != NULL &&
      fake_idc_has_fault (self, FAKE_IDC_FAULT_MULTIPART_ETAG, s.items, G_N_ELEMENTS (s.items)))
    g_snprintf (out, 48, "\"%s-3\"", md5);
  else
    g_snprintf (out, 48, "\"%s\"", md5);
  return out;
}

static void
write_uint (xmlTextWriterPtr w,
            const char      *name,
            guint64          value)
{
  xmlTextWriterWriteFormatElement (w, BAD_CAST name, "%" G_GUINT64_FORMAT, value);
}

static void
list_objects (FakeIdc           *self,
              SoupServerMessage *msg,
              const char        *bucket,
              GHashTable        *query)
{
  const char *prefix = fake_idc_query_get (query, "prefix");
  const char *max_keys_text = fake_idc_query_get (query, "max-keys");
  const char *start_after = fake_idc_query_get (query, "start-after");
  g_autofree char *raw_token = raw_param (msg, "continuation-token");
  g_autofree char *token = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_autofree char *folder_uuid = NULL;
  const FakeIdcSeries *series = NULL;
  gboolean short_listing, bad_xml, truncated = FALSE;
  guint64 max_keys = MAX_KEYS;
  guint page_size, first = 0, count;
  Subjects s;
  xmlBufferPtr buf;
  xmlTextWriterPtr w;
  g_autofree char *next = NULL;

  prefix = prefix != NULL ? prefix : "";
  folder_uuid = g_strndup (prefix, strcspn (prefix, "/"));
  series = fake_idc_archive_lookup_uuid (self->archive, folder_uuid);
  subjects_init (&s, bucket, NULL, series);
  if (apply_pre_fault (self, msg, fake_idc_take_fault (self, PRE_FAULTS, s.items,
                                                       G_N_ELEMENTS (s.items)),
                       bucket, NULL))
    return;

  if (raw_token != NULL)
    {
      /* A raw '+', '/' or '=' means the client did not percent-encode it. */
      token = g_uri_unescape_string (raw_token, NULL);
      after = strpbrk (raw_token, "+/=") == NULL && token != NULL ? token_decode (token) : NULL;
      if (after == NULL)
        {
          set_error (msg, SOUP_STATUS_BAD_REQUEST, "InvalidArgument",
                     "The continuation token provided is incorrect", "ArgumentName",
                     "continuation-token");
          return;
        }
    }
  else if (start_after != NULL)
    {
      after = g_strdup (start_after);
    }
  if (max_keys_text != NULL &&
      !g_ascii_string_to_unsigned (max_keys_text, 10, 0, G_MAXINT, &max_keys, NULL))
    {
      set_error (msg, SOUP_STATUS_BAD_REQUEST, "InvalidArgument",
                 "Provided max-keys not an integer or within integer range", "ArgumentName",
                 "max-keys");
      return;
    }
  g_mutex_lock (&self->lock);
  page_size = self->page_size;
  g_mutex_unlock (&self->lock);

  short_listing = series != NULL &&
                  fake_idc_has_fault (self, FAKE_IDC_FAULT_SHORT_LISTING, s.items,
                                      G_N_ELEMENTS (s.items));
  if (series != NULL)
    {
      add_folder (entries, self->archive, series, bucket, prefix, short_listing);
    }
  else
    {
      for (guint i = 0; i < fake_idc_archive_get_n_series (self->archive); i++)
        add_folder (entries, self->archive, fake_idc_archive_get_series (self->archive, i),
                    bucket, prefix, FALSE);
      for (guint i = 0; i < fake_idc_archive_get_n_prior (self->archive); i++)
        add_folder (entries, self->archive, fake_idc_archive_get_prior (self->archive, i),
                    bucket, prefix, FALSE);
    }
  g_array_sort (entries, compare_entries);
  while (after != NULL && first < entries->len)
    {
      char marker[40];

      if (strcmp (entry_key (&g_array_index (entries, Entry, first), marker), after) > 0)
        break;
      first++;
    }
  max_keys = MIN (max_keys, MIN (MAX_KEYS, page_size));
  count = MIN (entries->len - first, max_keys);
  truncated = first + count < entries->len;

  buf = xmlBufferCreate ();
  w = xmlNewTextWriterMemory (buf, 0);
  xmlTextWriterStartDocument (w, NULL, "UTF-8", NULL);
  xmlTextWriterStartElement (w, BAD_CAST "ListBucketResult");
  xmlTextWriterWriteAttribute (w, BAD_CAST "xmlns",
                               BAD_CAST (self->options.gcs_namespace ? GCS_NAMESPACE
                                                                     : AWS_NAMESPACE));
  xmlTextWriterWriteElement (w, BAD_CAST "Name", BAD_CAST bucket);
  xmlTextWriterWriteElement (w, BAD_CAST "Prefix", BAD_CAST prefix);
  if (token != NULL)
    xmlTextWriterWriteElement (w, BAD_CAST "ContinuationToken", BAD_CAST token);
  if (truncated)
    {
      char marker[40];

      next = token_encode (entry_key (&g_array_index (entries, Entry, first + count - 1),
                                      marker));
      xmlTextWriterWriteElement (w, BAD_CAST "NextContinuationToken", BAD_CAST next);
    }
  write_uint (w, "KeyCount", count);
  write_uint (w, "MaxKeys", max_keys);
  xmlTextWriterWriteElement (w, BAD_CAST "IsTruncated", BAD_CAST (truncated ? "true" : "false"));
  for (guint i = first; i < first + count; i++)
    {
      const Entry *e = &g_array_index (entries, Entry, i);
      char marker[40], etag[48];

      xmlTextWriterStartElement (w, BAD_CAST "Contents");
      xmlTextWriterWriteElement (w, BAD_CAST "Key", BAD_CAST entry_key (e, marker));
      xmlTextWriterWriteElement (w, BAD_CAST "LastModified", BAD_CAST LAST_MODIFIED_ISO);
      xmlTextWriterWriteElement (w, BAD_CAST "ETag", BAD_CAST entry_etag (self, e, etag));
      write_uint (w, "Size", e->object != NULL ? e->object->size : 0);
      xmlTextWriterWriteElement (w, BAD_CAST "StorageClass", BAD_CAST "STANDARD");
      xmlTextWriterEndElement (w);
    }
  xmlTextWriterEndElement (w);
  xmlTextWriterEndDocument (w);
  xmlFreeTextWriter (w);

  bad_xml = fake_idc_take_fault (self, FAKE_IDC_FAULT_BIT (FAKE_IDC_FAULT_BAD_XML), s.items,
                                 G_N_ELEMENTS (s.items)) == FAKE_IDC_FAULT_BAD_XML;
  set_xml (msg, SOUP_STATUS_OK, buf, bad_xml ? xmlBufferLength (buf) / 2 : -1);
  xmlBufferFree (buf);
}

/* ---- objects ---- */

typedef struct
{
  SoupServerMessage *msg;        /* not owned: the sender lives as long as @msg */
  GBytes            *data;
  gsize              offset;
  gsize              stop_at;    /* drop/stall: where the body stops */
  gboolean           close;      /* drop: close the connection at stop_at */
  guint64            rate;       /* bytes/s; 0: no limit */
  gint64             start;
  GSource           *timer;
  gboolean           gone;
} Sender;

static void
sender_stop (Sender *s)
{
  s->gone = TRUE;
  if (s->timer != NULL)
    {
      g_source_destroy (s->timer);
      g_clear_pointer (&s->timer, g_source_unref);
    }
}

static void
sender_free (gpointer data)
{
  Sender *s = data;

  sender_stop (s);
  g_bytes_unref (s->data);
  g_free (s);
}

static void sender_next (Sender *s);

static gboolean
sender_timer_cb (gpointer data)
{
  Sender *s = data;

  g_clear_pointer (&s->timer, g_source_unref);
  sender_next (s);
  soup_server_message_unpause (s->msg);
  return G_SOURCE_REMOVE;
}

/* Queues the next piece of the body, when the rate allows it. */
static void
sender_next (Sender *s)
{
  SoupMessageBody *body = soup_server_message_get_response_body (s->msg);
  gsize chunk = s->rate > 0 ? PACED_CHUNK : SEND_CHUNK;
  gint64 delay;
  g_autoptr(GBytes) piece = NULL;

  if (s->gone || s->timer != NULL)
    return;
  if (s->offset >= s->stop_at)
    {
      if (s->close)
        fake_close_after_written (s->msg, NULL);
      else if (s->stop_at == g_bytes_get_size (s->data))
        soup_message_body_complete (body);
      return;
    }
  delay = fake_pace_delay_us (s->start, s->offset, s->rate);
  if (delay > 0)
    {
      s->timer = g_timeout_source_new (MAX (1, delay / 1000));
      g_source_set_callback (s->timer, sender_timer_cb, s, NULL);
      g_source_attach (s->timer, g_main_context_get_thread_default ());
      return;
    }
  piece = g_bytes_new_from_bytes (s->data, s->offset, MIN (chunk, s->stop_at - s->offset));
  s->offset += g_bytes_get_size (piece);
  soup_message_body_append_bytes (body, piece);
}

static void
sender_wrote_chunk_cb (SoupServerMessage *msg,
                       Sender            *s)
{
  sender_next (s);
}

static void
sender_gone_cb (SoupServerMessage *msg,
                Sender            *s)
{
  sender_stop (s);
}

static void
send_body (FakeIdc           *self,
           SoupServerMessage *msg,
           GBytes            *data,
           FakeIdcFault       fault)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  gsize length = g_bytes_get_size (data);
  Sender *s;
  guint64 rate;

  g_mutex_lock (&self->lock);
  rate = self->rate_limit;
  g_mutex_unlock (&self->lock);

  if (length == 0)
    return;
  if (rate == 0 && fault == FAKE_IDC_FAULT_NONE)
    {
      soup_message_body_append_bytes (body, data);
      return;
    }
  s = g_new0 (Sender, 1);
  s->msg = msg;
  s->data = g_bytes_ref (data);
  s->rate = rate;
  s->start = g_get_monotonic_time ();
  s->stop_at = length;
  if (fault == FAKE_IDC_FAULT_DROP || fault == FAKE_IDC_FAULT_STALL)
    {
      s->stop_at = length / 2;
      if (fault == FAKE_IDC_FAULT_DROP && self->options.drop_after > 0)
        s->stop_at = MIN (self->options.drop_after, length - MIN (length, 1));
      s->close = fault == FAKE_IDC_FAULT_DROP;
    }
  soup_message_headers_set_content_length (soup_server_message_get_response_headers (msg),
                                           length);
  soup_message_body_set_accumulate (body, FALSE);
  g_object_set_data_full (G_OBJECT (msg), "fake-idc-sender", s, sender_free);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (sender_wrote_chunk_cb), s);
  g_signal_connect (msg, "finished", G_CALLBACK (sender_gone_cb), s);
  g_signal_connect (msg, "disconnected", G_CALLBACK (sender_gone_cb), s);
  if (s->stop_at == 0 && s->close)
    g_signal_connect (msg, "wrote-headers", G_CALLBACK (sender_wrote_chunk_cb), s);
  else
    sender_next (s);
}

/* "bytes=N-", "bytes=N-M" or "bytes=-N" → [first, last]; FALSE when the header
 * is not one range of these forms (then the whole object is sent). */
static gboolean
parse_range (const char *value,
             guint64     size,
             guint64    *first,
             guint64    *last,
             gboolean   *satisfiable)
{
  g_auto(GStrv) parts = NULL;
  guint64 a = 0, b = 0;
  gboolean has_a, has_b;

  if (value == NULL || !g_str_has_prefix (value, "bytes=") || strchr (value, ',') != NULL)
    return FALSE;
  parts = g_strsplit (value + strlen ("bytes="), "-", 2);
  if (g_strv_length (parts) != 2)
    return FALSE;
  has_a = parts[0][0] != '\0';
  has_b = parts[1][0] != '\0';
  if ((has_a && !g_ascii_string_to_unsigned (parts[0], 10, 0, G_MAXUINT64, &a, NULL)) ||
      (has_b && !g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXUINT64, &b, NULL)) ||
      (!has_a && !has_b) || (has_a && has_b && b < a))
    return FALSE;
  if (!has_a)
    {
      /* The last b bytes. */
      *satisfiable = b > 0 && size > 0;
      *first = size - MIN (b, size);
      *last = size - 1;
      return TRUE;
    }
  *satisfiable = a < size;
  *first = a;
  *last = has_b ? MIN (b, size - 1) : size - 1;
  return TRUE;
}

static gboolean
etag_matches (const char *if_match,
              const char *etag)
{
  g_auto(GStrv) tags = g_strsplit (if_match, ",", -1);
  gsize n = strlen (etag);

  for (guint i = 0; tags[i] != NULL; i++)
    {
      char *tag = g_strstrip (tags[i]);

      if (g_str_equal (tag, "*") || g_str_equal (tag, etag) ||
          (strlen (tag) == n - 2 && strncmp (tag, etag + 1, n - 2) == 0))
        return TRUE;
    }
  return FALSE;
}

static void
get_object (FakeIdc           *self,
            SoupServerMessage *msg,
            const char        *bucket,
            const char        *key)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gboolean head = g_str_equal (soup_server_message_get_method (msg), "HEAD");
  const FakeIdcSeries *series = NULL;
  const FakeIdcObject *object = fake_idc_archive_find_object (self->archive, bucket, key,
                                                              &series);
  g_autoptr(GBytes) data = NULL;
  g_autofree char *id = request_id ();
  const char *if_match = soup_message_headers_get_one (request, "If-Match");
  guint64 first = 0, last = 0, size;
  gboolean ranged, satisfiable = TRUE;
  FakeIdcFault fault = FAKE_IDC_FAULT_NONE;
  char etag[48];
  Entry e;
  Subjects s;

  if (object == NULL && g_str_has_suffix (key, "/"))
    {
      g_autofree char *uuid = g_strndup (key, strlen (key) - 1);

      series = fake_idc_archive_lookup_uuid (self->archive, uuid);
      if (series != NULL && (!series->has_marker || !g_str_equal (series->bucket, bucket)))
        series = NULL;
    }
  else if (object == NULL)
    {
      series = NULL;
    }
  subjects_init (&s, bucket, key, series);
  if (apply_pre_fault (self, msg, fake_idc_take_fault (self, OBJECT_FAULTS, s.items,
                                                       G_N_ELEMENTS (s.items)),
                       bucket, key))
    return;
  if (series == NULL)
    {
      set_error (msg, SOUP_STATUS_NOT_FOUND, "NoSuchKey", "The specified key does not exist.",
                 "Key", key);
      return;
    }

  e = (Entry) { series, object };
  entry_etag (self, &e, etag);
  if (if_match != NULL && !etag_matches (if_match, etag))
    {
      set_error (msg, SOUP_STATUS_PRECONDITION_FAILED, "PreconditionFailed",
                 "At least one of the pre-conditions you specified did not hold", "Condition",
                 "If-Match");
      return;
    }
  data = object != NULL ? fake_idc_archive_get_bytes (self->archive, series, object)
                        : g_bytes_new (NULL, 0);
  size = g_bytes_get_size (data);
  ranged = parse_range (soup_message_headers_get_one (request, "Range"), size, &first, &last,
                        &satisfiable);
  if (ranged && !satisfiable)
    {
      g_autofree char *range = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT, size);

      soup_message_headers_replace (headers, "Content-Range", range);
      set_error (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, "InvalidRange",
                 "The requested range is not satisfiable", "RangeRequested",
                 soup_message_headers_get_one (request, "Range"));
      return;
    }

  soup_message_headers_replace (headers, "ETag", etag);
  soup_message_headers_replace (headers, "Last-Modified", LAST_MODIFIED_HTTP);
  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  soup_message_headers_replace (headers, "x-amz-request-id", id);
  soup_message_headers_replace (headers, "Content-Type",
                                object != NULL ? "application/dicom" : "binary/octet-stream");
  if (ranged)
    {
      g_autofree char *range = g_strdup_printf ("bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT
                                                "/%" G_GUINT64_FORMAT, first, last, size);
      GBytes *slice = g_bytes_new_from_bytes (data, first, last - first + 1);

      soup_message_headers_replace (headers, "Content-Range", range);
      g_bytes_unref (data);
      data = slice;
    }
  soup_server_message_set_status (msg, ranged ? SOUP_STATUS_PARTIAL_CONTENT : SOUP_STATUS_OK,
                                  NULL);
  if (head)
    {
      soup_message_headers_set_content_length (headers, g_bytes_get_size (data));
      return;
    }

  if (g_bytes_get_size (data) > 0)
    fault = fake_idc_take_fault (self, BODY_FAULTS, s.items, G_N_ELEMENTS (s.items));
  if (fault == FAKE_IDC_FAULT_CORRUPT)
    {
      gsize length;
      guint8 *bytes = g_bytes_unref_to_data (g_steal_pointer (&data), &length);

      bytes[length / 2] ^= 0x5a;
      data = g_bytes_new_take (bytes, length);
      fault = FAKE_IDC_FAULT_NONE;
    }
  send_body (self, msg, data, fault);
}

static void
bucket_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  FakeIdc *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *rest = path[0] == '/' ? path + 1 : path;
  g_autofree char *bucket = g_strndup (rest, strcspn (rest, "/"));
  g_autofree char *key = NULL;
  const char *list_type = fake_idc_query_get (query, "list-type");

  if (rest[strlen (bucket)] == '/')
    key = g_uri_unescape_string (rest + strlen (bucket) + 1, NULL);

  if (!g_str_equal (method, "GET") && !g_str_equal (method, "HEAD"))
    {
      fake_idc_count_request (self, "other");
      set_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "MethodNotAllowed",
                 "The specified method is not allowed against this resource.", "Method",
                 method);
      return;
    }
  if (bucket[0] == '\0')
    {
      fake_idc_count_request (self, "other");
      set_error (msg, SOUP_STATUS_FORBIDDEN, "AccessDenied", "Access Denied", NULL, NULL);
      return;
    }
  if (!is_bucket (bucket))
    {
      fake_idc_count_request (self, "other");
      set_error (msg, SOUP_STATUS_NOT_FOUND, "NoSuchBucket", "The specified bucket does not exist",
                 "BucketName", bucket);
      return;
    }
  if (key == NULL || key[0] == '\0')
    {
      fake_idc_count_request (self, "list");
      if (g_strcmp0 (list_type, "2") != 0)
        set_error (msg, SOUP_STATUS_BAD_REQUEST, "InvalidArgument",
                   "This fake serves ListObjectsV2 only (list-type=2)", "ArgumentName",
                   "list-type");
      else
        list_objects (self, msg, bucket, query);
      return;
    }
  fake_idc_count_request (self, g_str_equal (method, "HEAD") ? "head" : "get");
  get_object (self, msg, bucket, key);
}

void
fake_idc_bucket_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  FakeIdc *self = user_data;

  fake_control_dispatch (self->control, bucket_cb, server, msg, path, query, self);
}
