/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-idc"

#include "config.h"

#include <inttypes.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "tcia-idc-bucket.h"
#include "tcia-idc-client.h"
#include "tcia-idc-private.h"
#include "tcia-text.h"

/* A page of 1000 keys is about 350 KB of XML. */
#define LISTING_MAX_BYTES (16 * 1024 * 1024)
/* A listing that goes on past this many pages is a server gone wrong. */
#define LISTING_MAX_PAGES 1000
#define READ_BUFFER_SIZE  (64 * 1024)

struct _TciaIdcBucket
{
  GObject   parent_instance;

  char     *endpoint;   /* without a trailing "/" */
  char     *host;
  gboolean  gcs;
};

G_DEFINE_FINAL_TYPE (TciaIdcBucket, tcia_idc_bucket, G_TYPE_OBJECT)

const char *
tcia_idc_bucket_gcs_name (const char *aws_bucket)
{
  if (g_strcmp0 (aws_bucket, "idc-open-data-two") == 0)
    return "idc-open-idc1";
  if (g_strcmp0 (aws_bucket, "idc-open-data-cr") == 0)
    return "idc-open-cr";
  return aws_bucket;
}

void
tcia_idc_object_free (TciaIdcObject *object)
{
  if (object == NULL)
    return;
  g_free (object->key);
  g_free (object->etag);
  g_free (object);
}

const char *
tcia_idc_object_get_md5 (const TciaIdcObject *object)
{
  const char *etag = object->etag;

  if (etag == NULL || strlen (etag) != 32)
    return NULL;
  for (guint i = 0; i < 32; i++)
    if (!g_ascii_isxdigit (etag[i]))
      return NULL;
  return etag;
}

/* ---- XML -------------------------------------------------------------------- */

static gboolean
is_element (xmlNode    *node,
            const char *name)
{
  return node->type == XML_ELEMENT_NODE && strcmp ((const char *) node->name, name) == 0;
}

static char *
element_text (xmlNode *node)
{
  xmlChar *content = xmlNodeGetContent (node);
  char *text = g_strdup (content != NULL ? g_strstrip ((char *) content) : "");

  xmlFree (content);
  return text;
}

static xmlDoc *
read_xml (const char *xml,
          gsize       len,
          gboolean    recover)
{
  if (len > G_MAXINT)
    return NULL;
  /* No network, no entities from outside, no noise on stderr. */
  return xmlReadMemory (xml, (int) len, NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                        (recover ? XML_PARSE_RECOVER : 0));
}

static TciaIdcObject *
parse_contents (xmlNode *contents)
{
  g_autoptr(TciaIdcObject) object = g_new0 (TciaIdcObject, 1);
  gboolean has_size = FALSE;

  for (xmlNode *child = contents->children; child != NULL; child = child->next)
    {
      if (is_element (child, "Key"))
        {
          g_free (object->key);
          object->key = element_text (child);
        }
      else if (is_element (child, "Size"))
        {
          g_autofree char *text = element_text (child);

          has_size = g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &object->size, NULL);
        }
      else if (is_element (child, "ETag"))
        {
          g_autofree char *text = element_text (child);
          gsize len = strlen (text);

          /* Quoted, the quotes sent as &quot; (decoded by the parser). */
          if (len >= 2 && text[0] == '"' && text[len - 1] == '"')
            {
              text[len - 1] = '\0';
              memmove (text, text + 1, len - 1);
            }
          g_free (object->etag);
          object->etag = g_ascii_strdown (text, -1);
        }
    }
  if (object->key == NULL || *object->key == '\0' || !has_size)
    return NULL;
  if (object->etag == NULL)
    object->etag = g_strdup ("");
  return g_steal_pointer (&object);
}

gboolean
tcia_idc_parse_listing (const char  *xml,
                        gsize        len,
                        GPtrArray   *objects,
                        gboolean    *truncated,
                        char       **next_token,
                        GError     **error)
{
  xmlDoc *doc = read_xml (xml, len, FALSE);
  xmlNode *root = doc != NULL ? xmlDocGetRootElement (doc) : NULL;
  g_autofree char *token = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *last_key = NULL;
  gboolean more = FALSE;

  *truncated = FALSE;
  *next_token = NULL;
  if (root == NULL || !is_element (root, "ListBucketResult"))
    {
      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_RESPONSE,
                   _("The bucket sent something else than a listing of objects"));
      xmlFreeDoc (doc);
      return FALSE;
    }

  for (xmlNode *child = root->children; child != NULL; child = child->next)
    {
      if (is_element (child, "IsTruncated"))
        {
          g_autofree char *text = element_text (child);

          more = g_ascii_strcasecmp (text, "true") == 0;
        }
      else if (is_element (child, "NextContinuationToken"))
        {
          g_free (token);
          token = element_text (child);
        }
      else if (is_element (child, "NextMarker"))
        {
          g_free (marker);
          marker = element_text (child);
        }
      else if (is_element (child, "Contents"))
        {
          TciaIdcObject *object = parse_contents (child);

          if (object == NULL)
            {
              g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_RESPONSE,
                           _("The bucket listed an object without its key or size"));
              xmlFreeDoc (doc);
              return FALSE;
            }
          g_free (last_key);
          last_key = g_strdup (object->key);
          g_ptr_array_add (objects, object);
        }
    }
  xmlFreeDoc (doc);

  if (more)
    {
      /* ListObjectsV1 (a mirror that ignores list-type=2) pages by marker:
       * the last key when it sends no NextMarker. */
      if (token == NULL || *token == '\0')
        token = g_strdup (marker != NULL && *marker != '\0' ? marker : last_key);
      if (token == NULL || *token == '\0')
        {
          g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_RESPONSE,
                       _("The bucket said its listing goes on but not where"));
          return FALSE;
        }
      *truncated = TRUE;
      *next_token = g_steal_pointer (&token);
    }
  return TRUE;
}

gboolean
tcia_idc_parse_s3_error (const char  *xml,
                         gsize        len,
                         char       **code,
                         char       **message)
{
  xmlDoc *doc = xml != NULL ? read_xml (xml, len, TRUE) : NULL;
  xmlNode *root = doc != NULL ? xmlDocGetRootElement (doc) : NULL;

  *code = NULL;
  *message = NULL;
  if (root != NULL && is_element (root, "Error"))
    for (xmlNode *child = root->children; child != NULL; child = child->next)
      {
        if (is_element (child, "Code") && *code == NULL)
          *code = element_text (child);
        else if (is_element (child, "Message") && *message == NULL)
          *message = element_text (child);
      }
  xmlFreeDoc (doc);
  if (*code == NULL || **code == '\0')
    {
      g_clear_pointer (code, g_free);
      g_clear_pointer (message, g_free);
      return FALSE;
    }
  return TRUE;
}

/* ---- The bucket ------------------------------------------------------------- */

static void
tcia_idc_bucket_finalize (GObject *object)
{
  TciaIdcBucket *self = TCIA_IDC_BUCKET (object);

  g_free (self->endpoint);
  g_free (self->host);

  G_OBJECT_CLASS (tcia_idc_bucket_parent_class)->finalize (object);
}

static void
tcia_idc_bucket_class_init (TciaIdcBucketClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tcia_idc_bucket_finalize;
  /* Once, before threads parse with it. */
  xmlInitParser ();
}

static void
tcia_idc_bucket_init (TciaIdcBucket *self)
{
}

TciaIdcBucket *
tcia_idc_bucket_new (const char  *endpoint,
                     GError     **error)
{
  g_autoptr(TciaIdcBucket) self = g_object_new (TCIA_TYPE_IDC_BUCKET, NULL);
  g_autoptr(GUri) uri = NULL;

  if (!tcia_idc_parse_base_url (endpoint != NULL ? endpoint : TCIA_IDC_DEFAULT_BUCKET_URL,
                                _("IDC bucket"), FALSE, &self->endpoint, &self->host, error))
    return NULL;
  uri = g_uri_parse (self->endpoint, G_URI_FLAGS_NONE, NULL);
  self->gcs = uri != NULL &&
              g_ascii_strcasecmp (g_uri_get_host (uri), "storage.googleapis.com") == 0;
  return g_steal_pointer (&self);
}

const char *
tcia_idc_bucket_get_endpoint (TciaIdcBucket *self)
{
  g_return_val_if_fail (TCIA_IS_IDC_BUCKET (self), NULL);

  return self->endpoint;
}

static const char *
bucket_name (TciaIdcBucket *self,
             const char    *bucket)
{
  return self->gcs ? tcia_idc_bucket_gcs_name (bucket) : bucket;
}

char *
tcia_idc_bucket_object_url (TciaIdcBucket *self,
                            const char    *bucket,
                            const char    *key)
{
  g_autofree char *escaped_bucket = NULL;
  g_autofree char *escaped_key = NULL;

  g_return_val_if_fail (TCIA_IS_IDC_BUCKET (self), NULL);

  escaped_bucket = g_uri_escape_string (bucket_name (self, bucket), NULL, FALSE);
  escaped_key = g_uri_escape_string (key, "/", FALSE);
  return g_strdup_printf ("%s/%s/%s", self->endpoint, escaped_bucket, escaped_key);
}

/* What the last failed attempt of a request said. */
typedef struct
{
  guint     status;
  gboolean  congested;
  char     *code;     /* S3's <Code>, or NULL */
  char     *message;
} Failed;

static void
failed_clear (Failed *failed)
{
  g_clear_pointer (&failed->code, g_free);
  g_clear_pointer (&failed->message, g_free);
}

static void
failed_record (Failed                *failed,
               const TciaHttpFailure *failure)
{
  failed_clear (failed);
  failed->status = failure->status;
  failed->congested = failure->congested;
  if (failure->text != NULL)
    tcia_idc_parse_s3_error (failure->text, strlen (failure->text), &failed->code,
                             &failed->message);
}

/* The words for a request to the bucket that failed for good. */
static void
set_bucket_error (TciaIdcBucket  *self,
                  const Failed   *failed,
                  const char     *bucket,
                  const char     *what,
                  GError        **error)
{
  const char *code = failed->code != NULL ? failed->code : "";
  g_autofree char *said = tcia_text_sanitize (failed->message != NULL ? failed->message : code,
                                              TCIA_TEXT_MESSAGE_MAX);
  g_autofree char *shown = tcia_text_sanitize (what, TCIA_TEXT_MESSAGE_MAX);
  GError *e = *error;

  if (e == NULL || g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      e->domain != TCIA_HTTP_ERROR)
    return;

  if (strcmp (code, "NoSuchBucket") == 0)
    {
      g_clear_error (error);
      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_NO_SUCH_BUCKET,
                   _("There is no bucket “%s” at %s: check the IDC bucket address."),
                   bucket_name (self, bucket), self->endpoint);
    }
  else if (strcmp (code, "NoSuchKey") == 0 || failed->status == SOUP_STATUS_NOT_FOUND)
    {
      g_clear_error (error);
      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_NO_SUCH_KEY,
                   _("The bucket “%s” at %s has no %s."), bucket_name (self, bucket),
                   self->endpoint, shown);
    }
  else if (strcmp (code, "AccessDenied") == 0 || failed->status == SOUP_STATUS_FORBIDDEN)
    {
      g_clear_error (error);
      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_ACCESS_DENIED,
                   _("The bucket “%s” at %s refused access to %s (%s): check the IDC bucket "
                     "address."),
                   bucket_name (self, bucket), self->endpoint, shown,
                   *said != '\0' ? said : "AccessDenied");
    }
  else if (failed->status == SOUP_STATUS_PRECONDITION_FAILED ||
           failed->status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE)
    {
      g_clear_error (error);
      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_CHANGED,
                   _("%s changed while it was being fetched (HTTP %u)."), shown,
                   failed->status);
    }
  else if (failed->status >= 500 || failed->status == TCIA_HTTP_STATUS_TOO_MANY_REQUESTS)
    {
      g_autofree char *was = g_strdup (e->message);

      g_clear_error (error);
      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_SERVER,
                   _("The bucket at %s is busy or failing (%s%s%s): try again later."),
                   self->host, was, *code != '\0' ? ", " : "", code);
    }
  else if (failed->status != 0 && *said != '\0')
    {
      g_clear_error (error);
      g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_REFUSED,
                   _("The bucket at %s refused %s (HTTP %u): %s"), self->host, shown,
                   failed->status, said);
    }
  else
    {
      /* TRANSLATORS: "The bucket at host:port, for <uuid>/<uuid>.dcm" */
      g_autofree char *prefix = g_strdup_printf (_("The bucket at %s, for %s"), self->host,
                                                 shown);

      tcia_idc_set_http_error (error, prefix);
    }
}

/* ---- ListObjectsV2 ---------------------------------------------------------- */

typedef struct
{
  GByteArray *body;
  GPtrArray  *objects;    /* of every page so far */
  gboolean    truncated;
  char       *token;
  Failed      failed;
} Page;

static TciaHttpBodyOutcome
read_all (GInputStream   *stream,
          TciaHttpWatch  *watch,
          GByteArray     *into,
          gsize           max,
          GCancellable   *cancellable,
          GError        **error)
{
  g_autofree guint8 *buffer = g_malloc (READ_BUFFER_SIZE);
  g_autoptr(GError) local_error = NULL;
  gssize n;

  g_byte_array_set_size (into, 0);
  while ((n = g_input_stream_read (stream, buffer, READ_BUFFER_SIZE, cancellable,
                                   &local_error)) > 0)
    {
      tcia_http_watch_body_bytes (watch, n);
      if (into->len + (gsize) n > max)
        {
          g_input_stream_close (stream, NULL, NULL);
          g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_RESPONSE,
                       _("The bucket sent a listing larger than %u MB"),
                       (guint) (max / (1024 * 1024)));
          return TCIA_HTTP_BODY_FATAL;
        }
      g_byte_array_append (into, buffer, n);
    }
  g_input_stream_close (stream, NULL, NULL);
  if (n == 0)
    return TCIA_HTTP_BODY_OK;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? TCIA_HTTP_BODY_FATAL
                                                                   : TCIA_HTTP_BODY_RETRY;
}

static TciaHttpBodyOutcome
page_read_body (SoupMessage   *message,
                GInputStream  *stream,
                TciaHttpWatch *watch,
                gpointer       user_data,
                GCancellable  *cancellable,
                GError       **error)
{
  Page *page = user_data;
  g_autoptr(GPtrArray) objects = NULL;
  TciaHttpBodyOutcome outcome;

  outcome = read_all (stream, watch, page->body, LISTING_MAX_BYTES, cancellable, error);
  if (outcome != TCIA_HTTP_BODY_OK)
    return outcome;

  /* "A 200 OK response can contain valid or invalid XML": the latter is
   * tried again like a broken connection. */
  objects = g_ptr_array_new_with_free_func ((GDestroyNotify) tcia_idc_object_free);
  g_clear_pointer (&page->token, g_free);
  if (!tcia_idc_parse_listing ((const char *) page->body->data, page->body->len, objects,
                               &page->truncated, &page->token, error))
    return TCIA_HTTP_BODY_RETRY;
  g_ptr_array_extend_and_steal (page->objects, g_steal_pointer (&objects));
  return TCIA_HTTP_BODY_OK;
}

static void
page_failed (SoupMessage           *message,
             const TciaHttpFailure *failure,
             gpointer               user_data)
{
  failed_record (&((Page *) user_data)->failed, failure);
}

static void
page_begin_attempt (gpointer user_data)
{
  Page *page = user_data;

  failed_clear (&page->failed);
  page->failed.status = 0;
  page->failed.congested = FALSE;
}

static const TciaHttpBodyFuncs page_funcs = {
  .read_body = page_read_body,
  .begin_attempt = page_begin_attempt,
  .failed = page_failed,
};

GPtrArray *
tcia_idc_bucket_list (TciaIdcBucket         *self,
                      SoupSession           *session,
                      const char            *bucket,
                      const char            *prefix,
                      const TciaHttpLimits  *limits,
                      GRand                 *rand,
                      GCancellable          *cancellable,
                      GError               **error)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) tcia_idc_object_free);
  g_autoptr(GPtrArray) kept = NULL;
  g_autofree char *escaped_bucket = NULL;
  g_autofree char *escaped_prefix = NULL;
  g_autofree char *what = NULL;
  Page page = { g_byte_array_new (), objects, FALSE, NULL, { 0, } };
  gboolean ok = TRUE;

  g_return_val_if_fail (TCIA_IS_IDC_BUCKET (self), NULL);

  escaped_bucket = g_uri_escape_string (bucket_name (self, bucket), NULL, FALSE);
  escaped_prefix = g_uri_escape_string (prefix, NULL, FALSE);
  what = g_strdup_printf (_("the listing of “%s”"), prefix);

  for (guint n_pages = 0; ok; n_pages++)
    {
      g_autofree char *escaped_token = page.token != NULL
                                       ? g_uri_escape_string (page.token, NULL, FALSE) : NULL;
      g_autofree char *url = g_strdup_printf ("%s/%s?list-type=2&prefix=%s&max-keys=1000%s%s",
                                              self->endpoint, escaped_bucket, escaped_prefix,
                                              page.token != NULL ? "&continuation-token=" : "",
                                              page.token != NULL ? escaped_token : "");
      TciaHttpRequest request = { "ListObjectsV2", self->host, url, NULL, NULL,
                                  _("the list of the series’ files") };

      if (n_pages >= LISTING_MAX_PAGES)
        {
          g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_RESPONSE,
                       _("The bucket’s listing of “%s” goes on past %u pages"), prefix,
                       LISTING_MAX_PAGES);
          ok = FALSE;
          break;
        }
      page.truncated = FALSE;
      if (!tcia_http_run (session, &request, limits, &page_funcs, &page, rand, cancellable,
                          error))
        {
          set_bucket_error (self, &page.failed, bucket, what, error);
          ok = FALSE;
        }
      if (!page.truncated)
        break;
    }
  g_byte_array_unref (page.body);
  g_free (page.token);
  failed_clear (&page.failed);
  if (!ok)
    return NULL;

  /* The zero-byte "<uuid>/" folder marker, and anything else that is a
   * folder or outside the prefix, is no image. */
  kept = g_ptr_array_new_with_free_func ((GDestroyNotify) tcia_idc_object_free);
  for (guint i = 0; i < objects->len; i++)
    {
      TciaIdcObject *object = g_ptr_array_index (objects, i);

      if (g_str_has_suffix (object->key, "/") || !g_str_has_prefix (object->key, prefix))
        continue;
      g_ptr_array_add (kept, g_steal_pointer (&objects->pdata[i]));
    }
  return g_steal_pointer (&kept);
}

/* ---- GetObject --------------------------------------------------------------- */

typedef struct
{
  const TciaIdcObject *object;
  const TciaIdcSink   *sink;
  gpointer             sink_data;
  Failed               failed;
  gboolean             resume;   /* Range + If-Match when the sink holds bytes */
} Get;

static void
get_prepare (SoupMessage *message,
             gpointer     user_data)
{
  Get *get = user_data;
  guint64 offset = get->sink->get_offset (get->sink_data);
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);

  if (!get->resume || offset == 0)
    return;
  g_debug ("%s: resuming at byte %" G_GUINT64_FORMAT, get->object->key, offset);
  soup_message_headers_set_range (headers, (goffset) offset, -1);
  /* The rest of the same object, or nothing (412). */
  if (*get->object->etag != '\0')
    {
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", get->object->etag);

      soup_message_headers_replace (headers, "If-Match", quoted);
    }
}

static TciaHttpBodyOutcome
get_read_body (SoupMessage   *message,
               GInputStream  *stream,
               TciaHttpWatch *watch,
               gpointer       user_data,
               GCancellable  *cancellable,
               GError       **error)
{
  Get *get = user_data;
  g_autofree guint8 *buffer = NULL;
  g_autoptr(GError) local_error = NULL;
  guint64 offset = get->sink->get_offset (get->sink_data);
  gssize n;

  if (soup_message_get_status (message) == SOUP_STATUS_PARTIAL_CONTENT)
    {
      goffset start = -1, end = -1, total = -1;

      /* Only the range asked for continues the bytes held. */
      if (!soup_message_headers_get_content_range (soup_message_get_response_headers (message),
                                                   &start, &end, &total) ||
          (guint64) start != offset)
        {
          g_input_stream_close (stream, NULL, NULL);
          get->resume = FALSE;
          if (!get->sink->rewind (get->sink_data, error))
            return TCIA_HTTP_BODY_FATAL;
          g_set_error (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_RESPONSE,
                       _("The bucket sent another part of the object than the one asked for"));
          return TCIA_HTTP_BODY_RETRY;
        }
    }
  else if (offset > 0)
    {
      /* The whole object again: what is held goes. */
      if (!get->sink->rewind (get->sink_data, error))
        {
          g_input_stream_close (stream, NULL, NULL);
          return TCIA_HTTP_BODY_FATAL;
        }
      offset = 0;
    }

  buffer = g_malloc (READ_BUFFER_SIZE);
  while ((n = g_input_stream_read (stream, buffer, READ_BUFFER_SIZE, cancellable,
                                   &local_error)) > 0)
    {
      tcia_http_watch_body_bytes (watch, n);
      if (!get->sink->write (buffer, n, get->sink_data, error))
        {
          g_input_stream_close (stream, NULL, NULL);
          return TCIA_HTTP_BODY_FATAL;
        }
      offset += n;
    }
  g_input_stream_close (stream, NULL, NULL);
  get->resume = TRUE;
  if (n < 0)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? TCIA_HTTP_BODY_FATAL
                                                                       : TCIA_HTTP_BODY_RETRY;
    }
  /* A body delimited by the connection's end that stops early. */
  if (offset < get->object->size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                   _("The object ended after %" PRIu64 " of its %" PRIu64
                     " bytes"),
                   offset, get->object->size);
      return TCIA_HTTP_BODY_RETRY;
    }
  return TCIA_HTTP_BODY_OK;
}

static void
get_failed (SoupMessage           *message,
            const TciaHttpFailure *failure,
            gpointer               user_data)
{
  failed_record (&((Get *) user_data)->failed, failure);
}

static void
get_begin_attempt (gpointer user_data)
{
  Get *get = user_data;

  failed_clear (&get->failed);
  get->failed.status = 0;
  get->failed.congested = FALSE;
}

static const TciaHttpBodyFuncs get_funcs = {
  .read_body = get_read_body,
  .begin_attempt = get_begin_attempt,
  .prepare = get_prepare,
  .failed = get_failed,
};

gboolean
tcia_idc_bucket_get_object (TciaIdcBucket         *self,
                            SoupSession           *session,
                            const char            *bucket,
                            const TciaIdcObject   *object,
                            const TciaIdcSink     *sink,
                            gpointer               sink_data,
                            const TciaHttpLimits  *limits,
                            GRand                 *rand,
                            GCancellable          *cancellable,
                            gboolean              *congested,
                            GError               **error)
{
  g_autofree char *url = NULL;
  Get get = { object, sink, sink_data, { 0, }, TRUE };
  TciaHttpRequest request = { "GetObject", NULL, NULL, NULL, NULL,
                              _("a file of the series") };
  gboolean ok;

  g_return_val_if_fail (TCIA_IS_IDC_BUCKET (self), FALSE);

  url = tcia_idc_bucket_object_url (self, bucket, object->key);
  request.host = self->host;
  request.url = url;
  ok = tcia_http_run (session, &request, limits, &get_funcs, &get, rand, cancellable, error);
  /* An object that changed, or a range past its end: once more, whole. */
  if (!ok && (get.failed.status == SOUP_STATUS_PRECONDITION_FAILED ||
              get.failed.status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE) &&
      sink->get_offset (sink_data) > 0)
    {
      g_clear_error (error);
      failed_clear (&get.failed);
      get.failed.status = 0;
      get.resume = FALSE;
      ok = sink->rewind (sink_data, error) &&
           tcia_http_run (session, &request, limits, &get_funcs, &get, rand, cancellable, error);
    }
  if (!ok)
    set_bucket_error (self, &get.failed, bucket, object->key, error);
  if (congested != NULL)
    *congested = !ok && get.failed.congested;
  failed_clear (&get.failed);
  return ok;
}
