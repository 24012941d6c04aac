/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the files of the fake NBIA server share (not the archive, which is
 * fake-nbia-private.h): the server object, a parsed request and the response
 * an endpoint fills in, the endpoint tables, and the helpers the endpoint
 * groups have in common. One file per group of endpoints:
 *   fake-nbia-values.c    collections and values (get*Values, *AndCounts)
 *   fake-nbia-series.c    series, patients and studies
 *   fake-nbia-updated.c   what changed since a date; withdrawn/hidden series
 *   fake-nbia-image.c     one series: sizes, SOP UIDs, images, thumbnails, getImage
 *   fake-nbia-metadata.c  v1 getSeriesMetaData, v4 getSeriesMetadata
 *   fake-nbia-cart.c      shared carts and manifests
 *   fake-nbia-search.c    getSimpleSearch
 * and around them fake-nbia-request.c (parsing, formats, dates, filters),
 * fake-nbia-router.c (dispatch, cache, workers, latency, control endpoints),
 * fake-nbia-faults.c (fault injection and sending) and fake-nbia.c (the
 * object and its public API). */

#include <json-glib/json-glib.h>

#include "fake-control.h"
#include "fake-nbia.h"
#include "fake-nbia-private.h"
#include "fake-server.h"
#include "fake-table.h"

G_BEGIN_DECLS

#define V4_PREFIX "/nbia-api/services/v4/"
#define V1_PREFIX "/nbia-api/services/v1/"
#define CONTROL_PREFIX "/fake-nbia/"

typedef struct
{
  char   *key;
  GBytes *body;
  char   *content_type;
  char   *disposition;
} CacheEntry;

struct _FakeNbia
{
  FakeNbiaOptions  options;
  FakeArchive     *archive;
  FakeControl     *control;  /* faults, latency, counts, pending requests */

  GMutex           lock;     /* guards strings */
  GStringChunk    *strings;

  SoupServer      *server;
  guint            port;
  GMainContext    *context;  /* where the server runs */
  GQueue           cache;    /* of CacheEntry, most recent first; server thread only */
  GThreadPool     *pool;
  FakeRunner       runner;   /* with fake_nbia_start_in_thread() */
};

typedef struct
{
  char *name;
  char *value;
} Param;

typedef struct
{
  guint      version;        /* 1 or 4 */
  char      *endpoint;
  const char *method;
  GPtrArray *params;         /* Param: the query string, or the form of a POST */
  GPtrArray *query;          /* Param: the query string */
  gboolean   no_counts;      /* the no-counts fault applies */
  char      *no_counts_uid;  /* to this series' row only; NULL: every row */
} Request;

typedef struct
{
  guint    status;
  char    *content_type;
  char    *disposition;
  GBytes  *body;
  gboolean is_json;
  /* getImage & co */
  gboolean zip;
  guint32  zip_series;
  FakeZipFlags zip_flags;
} Response;

typedef struct _Endpoint Endpoint;
typedef void (*EndpointFunc) (FakeNbia       *self,
                              const Request  *req,
                              Response       *resp);

enum
{
  V1 = 1 << 0,
  V4 = 1 << 1,
};

struct _Endpoint
{
  const char         *name;
  guint               versions;
  const char         *method;
  /* v4's whitelist; NULL: nothing is checked */
  const char *const  *allowed;
  gboolean            form;  /* the whitelist applies to the form of a POST */
  EndpointFunc        func;
  gboolean            listing;  /* can be big: made in a worker, cached */
};

typedef enum
{
  FORMAT_JSON,
  FORMAT_CSV,
  FORMAT_CSV_DOWNLOAD,
  FORMAT_BAD,
} Format;

typedef struct
{
  const char *collection;
  const char *patient_id;
  const char *study_uid;
  const char *series_uid;
  const char *modality;
  const char *body_part;
  const char *manufacturer;
  const char *model;
  gboolean    has_released;
  gint32      released;      /* series released after (or on, with inclusive) this day */
  gboolean    inclusive;
} Filter;

typedef void (*SeriesFunc) (const FakeArchive *a,
                            guint32            series,
                            gpointer           user_data);

typedef struct
{
  FakeTable *table;
  guint      version;
  gboolean   updated;        /* v1 getUpdatedSeries' shorter row */
  gboolean   cart;           /* v1 getContentsByName */
  const Request *req;        /* for the no-counts fault */
} SeriesRows;

#define ALLOWED(...) ((const char *const[]) { __VA_ARGS__, NULL })

#define FAULT_BIT(f) FAKE_FAULT_BIT (f)
#define PRE_FAULTS (FAULT_BIT (FAKE_NBIA_FAULT_HTTP_429) | FAULT_BIT (FAKE_NBIA_FAULT_HTTP_503) | \
                    FAULT_BIT (FAKE_NBIA_FAULT_HTTP_500) | FAULT_BIT (FAKE_NBIA_FAULT_HTTP_400) | \
                    FAULT_BIT (FAKE_NBIA_FAULT_HTML_PAGE) | \
                    FAULT_BIT (FAKE_NBIA_FAULT_RETRY_AFTER_LONG))

/* The endpoints of each group, each list ending with { NULL }: add an endpoint
 * to the file of its group and to its list there. */
extern const Endpoint fake_nbia_values_endpoints[];    /* fake-nbia-values.c */
extern const Endpoint fake_nbia_series_endpoints[];    /* fake-nbia-series.c */
extern const Endpoint fake_nbia_updated_endpoints[];   /* fake-nbia-updated.c */
extern const Endpoint fake_nbia_image_endpoints[];     /* fake-nbia-image.c */
extern const Endpoint fake_nbia_metadata_endpoints[];  /* fake-nbia-metadata.c */
extern const Endpoint fake_nbia_cart_endpoints[];      /* fake-nbia-cart.c */
extern const Endpoint fake_nbia_search_endpoints[];    /* fake-nbia-search.c */

/* fake-nbia-request.c */
void fake_request_free (Request *req);
void fake_response_clear (Response *resp);
GPtrArray *fake_parse_form (const char *text,
                            gsize       length);
const char *fake_param_get (GPtrArray  *params,
                            const char *name);
const char *fake_req_get (const Request *req,
                          const char    *name);
void fake_set_text (Response   *resp,
                    guint       status,
                    const char *content_type,
                    const char *text);
void fake_set_bad_request (Response   *resp,
                           const char *text);
void fake_set_server_error (Response *resp);
Format fake_parse_format (const char *value,
                          Format      fallback);
FakeTable *fake_request_table (const Request *req,
                               Response      *resp,
                               Format         fallback);
void fake_finish_table (Response  *resp,
                        FakeTable *table);
void fake_date_v4 (gint32  day,
                   char   *buf);
void fake_timestamp_v1 (gint32   day,
                        guint32  secs,
                        char    *buf);
void fake_java_date (gint32   day,
                     guint32  secs,
                     char    *buf);
gboolean fake_parse_date (const char *text,
                          const char *layout,
                          gint32     *day);
gboolean fake_ci_equal (const char *value,
                        const char *wanted);
gboolean fake_released_matches (const Filter *f,
                                gint32        day);
gboolean fake_patient_matches (const FakeArchive *a,
                               guint32            patient,
                               const Filter      *f);
void fake_foreach_series (const FakeArchive *a,
                          const Filter      *f,
                          SeriesFunc         func,
                          gpointer           user_data);
void fake_filter_from_request (const Request *req,
                               Filter        *f);
Request *fake_parse_request (SoupServerMessage *msg,
                             const char        *path);

/* fake-nbia-series.c */
gboolean fake_counts_hidden (const Request *req,
                             const char    *series_uid);
void fake_series_row (const FakeArchive *a,
                      guint32            index,
                      gpointer           user_data);
void fake_patient_row (FakeNbia  *self,
                       FakeTable *t,
                       guint      version,
                       guint32    index);
void fake_study_row (FakeNbia  *self,
                     FakeTable *t,
                     guint      version,
                     guint32    index);

/* fake-nbia-values.c */
int fake_compare_strings (gconstpointer a,
                          gconstpointer b);

/* fake-nbia-image.c */
gint64 fake_require_series (FakeNbia      *self,
                            const Request *req,
                            Response      *resp);

/* fake-nbia-metadata.c */
GPtrArray *fake_form_list (const Request *req,
                           const char    *name,
                           gboolean       split);

/* fake-nbia-cart.c */
GArray *fake_cart_series (const FakeArchive *a,
                          const char        *name);

/* fake-nbia-router.c */
void fake_cache_entry_free (gpointer data);
/* Makes a big listing in a worker of the pool. */
void fake_job_run (gpointer data,
                   gpointer user_data);
void fake_server_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data);

/* fake-nbia-faults.c */
/* The control of the server's faults, by their names. */
FakeControl *fake_nbia_control_new (guint latency_ms);
FakeNbiaFault fake_take_fault (FakeNbia   *self,
                               guint64     mask,
                               const char *uid);
void fake_take_no_counts (FakeNbia *self,
                          Request  *req);
char *fake_request_series_uid (FakeNbia      *self,
                               const Request *req);
void fake_apply_pre_fault (FakeNbia      *self,
                           FakeNbiaFault  fault,
                           const Request *req,
                           Response      *resp,
                           SoupServerMessage *msg);
void fake_send_response (SoupServerMessage *msg,
                         Response          *resp);
void fake_finish_answer (FakeNbia          *self,
                         SoupServerMessage *msg,
                         const Request     *req,
                         const char        *uid,
                         Response          *resp);

G_END_DECLS
