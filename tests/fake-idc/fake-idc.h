/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A fake IDC (idc-api.md §7): the API v3 on one port
 * (http://127.0.0.1:PORT/v3/) and the buckets, path-style, on another
 * (http://127.0.0.1:PORT/<bucket>/<key>), both serving what IDC holds of the
 * fake NBIA archive (fake-idc-archive.h). Used in-process by tests and by the
 * fake-idc program (tests, benchmarks, build-aux/dev demo). */

#include <libsoup/soup.h>

#include "fake-control.h"
#include "fake-idc-archive.h"
#include "fake-nbia.h"

G_BEGIN_DECLS

typedef enum
{
  FAKE_IDC_FAULT_NONE,
  /* The API (any route; a scope is a path such as "/v3/sql" or "sql"). */
  FAKE_IDC_FAULT_API_503,          /* 503, an HTML page, Retry-After */
  FAKE_IDC_FAULT_API_503_BARE,     /* 503, an HTML page, no Retry-After */
  FAKE_IDC_FAULT_QUERY_TIMEOUT,    /* 504 {"error":{"code":"query_timeout",…}} */
  FAKE_IDC_FAULT_API_500,          /* 500 text/plain "Internal Server Error" */
  FAKE_IDC_FAULT_API_STALL,        /* no answer at all, the connection kept open */
  FAKE_IDC_FAULT_API_CLOSE,        /* the connection closed before any header */
  FAKE_IDC_FAULT_VERSION_CHANGE,   /* the server moves on to a new api_version and
                                      index build (idc_index_data_version 25.0.N),
                                      then answers as usual */
  /* The buckets (a scope is a bucket, a key, a crdc_series_uuid or a
   * SeriesInstanceUID). */
  FAKE_IDC_FAULT_SLOW_DOWN,        /* 503 SlowDown, Retry-After */
  FAKE_IDC_FAULT_SLOW_DOWN_BARE,   /* 503 SlowDown, no Retry-After */
  FAKE_IDC_FAULT_INTERNAL_ERROR,   /* 500 InternalError */
  FAKE_IDC_FAULT_DROP,             /* GET: the connection closes after drop_after
                                      bytes (default half) of a longer Content-Length */
  FAKE_IDC_FAULT_STALL,            /* GET: half the body, then nothing, the
                                      connection kept open */
  FAKE_IDC_FAULT_CORRUPT,          /* GET: one byte of the body changed, ETag and
                                      size as listed */
  FAKE_IDC_FAULT_MULTIPART_ETAG,   /* listing, GET, HEAD: ETag "<md5>-3"; a property
                                      of the object: never used up */
  FAKE_IDC_FAULT_SHORT_LISTING,    /* listing: the series' last object left out (one
                                      fewer than instanceCount); never used up */
  FAKE_IDC_FAULT_MISSING_OBJECT,   /* GET, HEAD: 404 NoSuchKey for a listed object */
  FAKE_IDC_FAULT_BAD_XML,          /* listing: a 200 whose XML is cut short */
  FAKE_IDC_FAULT_ACCESS_DENIED,    /* listing, GET, HEAD: 403 AccessDenied */
  FAKE_IDC_N_FAULTS
} FakeIdcFault;

typedef struct
{
  FakeNbiaOptions archive;    /* the fake NBIA archive these options make */
  guint           page_size;  /* most keys in one listing page; default 1000 */
  guint64         rate_limit; /* bytes/s of an object body per connection; 0: none */
  guint           retry_after_s; /* Retry-After of 503s; default 1 */
  guint64         drop_after; /* drop: bytes sent before closing; 0: half */
  gboolean        gcs_namespace; /* listings in GCS's XML namespace */
  guint           latency_ms; /* added before every answer of both servers; default 0 */
} FakeIdcOptions;

typedef struct _FakeIdc FakeIdc;

void        fake_idc_options_init   (FakeIdcOptions *options);

FakeIdc    *fake_idc_new            (const FakeIdcOptions *options);
void        fake_idc_free           (FakeIdc        *self);

/* Listens on 127.0.0.1 (port 0: a free one) for the API and the buckets, on
 * the thread-default main context of the caller, or, with _start_in_thread,
 * on a thread of its own so the caller may block. */
gboolean    fake_idc_listen         (FakeIdc        *self,
                                     guint           api_port,
                                     guint           bucket_port,
                                     GError        **error);
gboolean    fake_idc_start_in_thread (FakeIdc       *self,
                                     guint           api_port,
                                     guint           bucket_port,
                                     GError        **error);

/* "http://127.0.0.1:PORT/v3/" */
char       *fake_idc_get_api_url    (FakeIdc        *self);
/* "http://127.0.0.1:PORT": objects are <URL>/<bucket>/<key>. */
char       *fake_idc_get_bucket_url (FakeIdc        *self);

FakeIdcArchive *fake_idc_get_archive (FakeIdc       *self);

/* The next @times matching requests get @fault (0: every one from now on;
 * multipart-etag and short-listing are properties and stay until cleared).
 * @scope limits it (NULL: any request of its server): for the API a route
 * ("/v3/sql", or its last part "sql"), for the buckets a bucket name, an
 * object key, a crdc_series_uuid or a SeriesInstanceUID. Setting a fault
 * again for the same scope replaces its count. Thread-safe. */
void        fake_idc_set_fault      (FakeIdc        *self,
                                     FakeIdcFault    fault,
                                     guint           times,
                                     const char     *scope);
/* Its faults, latency and counts, for what fake-common does with them. */
FakeControl *fake_idc_get_control   (FakeIdc        *self);
void        fake_idc_clear_faults   (FakeIdc        *self);
/* A delay before every answer of both servers. Thread-safe. */
void        fake_idc_set_latency    (FakeIdc        *self,
                                     guint           latency_ms);
/* Most keys in one listing page (capped at 1000). Thread-safe. */
void        fake_idc_set_page_size  (FakeIdc        *self,
                                     guint           page_size);
/* Bytes/s of an object body per connection (0: none). Thread-safe. */
void        fake_idc_set_rate_limit (FakeIdc        *self,
                                     guint64         rate_limit);

/* Requests answered so far: @what is an API route's last part ("sql",
 * "version"), or "list", "get", "head" for the buckets; NULL: all. */
guint       fake_idc_get_request_count (FakeIdc     *self,
                                     const char     *what);

FakeIdcFault fake_idc_fault_from_string (const char *name);
/* "api-503", "slow-down", ...: the names --fault takes. */
const char *fake_idc_fault_to_string (FakeIdcFault fault);

/* Writes every object of the series @uids (NULL: all current series) as
 * DIR/<bucket>/<key> files, for loading another S3 server (s3rver). */
gboolean    fake_idc_export_objects (FakeIdcArchive *archive,
                                     const char     *dir,
                                     const char *const *uids,
                                     GError        **error);

G_END_DECLS
