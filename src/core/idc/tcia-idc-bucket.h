/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "tcia-http.h"

G_BEGIN_DECLS

/* IDC's public buckets over S3's REST API, anonymous and path-style
 * (idc-api.md §4): "<endpoint>/<bucket>/<key>". ListObjectsV2 of a
 * series' folder and GET of one object, streamed, with the HTTP layer's
 * retries. Errors are TCIA_IDC_ERROR (tcia-idc-client.h). Blocking: call
 * in a worker thread. */

#define TCIA_IDC_DEFAULT_BUCKET_URL "https://s3.amazonaws.com"
/* Google Cloud Storage's S3-compatible endpoint, IDC's mirror. */
#define TCIA_IDC_GCS_BUCKET_URL     "https://storage.googleapis.com"

/* The GCS name of an AWS bucket of IDC (idc-api.md §1):
 * idc-open-data-two -> idc-open-idc1, idc-open-data-cr -> idc-open-cr,
 * others unchanged. */
const char *tcia_idc_bucket_gcs_name (const char *aws_bucket);

/* One object of a listing. */
typedef struct
{
  char    *key;
  guint64  size;
  char    *etag;   /* without its quotes; "" when none */
} TciaIdcObject;

void        tcia_idc_object_free      (TciaIdcObject *object);
/* The MD5 the ETag is (32 lower-case hex digits), or NULL when the ETag
 * is not an MD5 (a multipart "…-N" one, a GCS composite). */
const char *tcia_idc_object_get_md5   (const TciaIdcObject *object);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaIdcObject, tcia_idc_object_free)

/* One page of ListObjectsV2: its objects (TciaIdcObject) appended to
 * @objects, whether more follow and the token for them. Elements are
 * matched by local name whatever the namespace (AWS, GCS, s3rver). */
gboolean    tcia_idc_parse_listing    (const char          *xml,
                                       gsize                len,
                                       GPtrArray           *objects,
                                       gboolean            *truncated,
                                       char               **next_token,
                                       GError             **error);
/* The <Code> and <Message> of an S3 error body; FALSE when it is none. */
gboolean    tcia_idc_parse_s3_error   (const char          *xml,
                                       gsize                len,
                                       char               **code,
                                       char               **message);

#define TCIA_TYPE_IDC_BUCKET (tcia_idc_bucket_get_type ())

G_DECLARE_FINAL_TYPE (TciaIdcBucket, tcia_idc_bucket, TCIA, IDC_BUCKET, GObject)

/* @endpoint: NULL for TCIA_IDC_DEFAULT_BUCKET_URL. Bucket names are
 * remapped when it is GCS's. */
TciaIdcBucket *tcia_idc_bucket_new         (const char             *endpoint,
                                            GError                **error);
const char    *tcia_idc_bucket_get_endpoint (TciaIdcBucket         *self);
/* "<endpoint>/<bucket>/<key>", the bucket remapped for GCS. */
char          *tcia_idc_bucket_object_url  (TciaIdcBucket          *self,
                                            const char             *bucket,
                                            const char             *key);

/* The objects below "<prefix>" (a series' "<uuid>/"), over as many pages
 * as it takes, without the zero-byte folder marker or other keys ending in
 * "/": a GPtrArray of TciaIdcObject in key order. */
GPtrArray     *tcia_idc_bucket_list        (TciaIdcBucket          *self,
                                            SoupSession            *session,
                                            const char             *bucket,
                                            const char             *prefix,
                                            const TciaHttpLimits   *limits,
                                            GRand                  *rand,
                                            GCancellable           *cancellable,
                                            GError                **error);

/* Where an object's bytes go. A transfer cut short is resumed where the
 * sink is (Range, If-Match the ETag), or restarted after @rewind when the
 * server will not resume. */
typedef struct
{
  guint64  (*get_offset) (gpointer      user_data);
  gboolean (*rewind)     (gpointer      user_data,
                          GError      **error);
  gboolean (*write)      (const void   *data,
                          gsize         len,
                          gpointer      user_data,
                          GError      **error);
} TciaIdcSink;

/* GET of @object into @sink, retried and resumed under @limits. On
 * failure, @congested tells whether the server pushed back (503 SlowDown,
 * 429, no connection). A sink error ends it with that error. */
gboolean       tcia_idc_bucket_get_object  (TciaIdcBucket          *self,
                                            SoupSession            *session,
                                            const char             *bucket,
                                            const TciaIdcObject    *object,
                                            const TciaIdcSink      *sink,
                                            gpointer                sink_data,
                                            const TciaHttpLimits   *limits,
                                            GRand                  *rand,
                                            GCancellable           *cancellable,
                                            gboolean               *congested,
                                            GError                **error);

G_END_DECLS
