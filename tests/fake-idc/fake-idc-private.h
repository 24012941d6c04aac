/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the files of the fake IDC share: the server object (fake-idc.c), the
 * API (fake-idc-api.c, fake-idc-sql.c) and the buckets (fake-idc-bucket.c). */

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "fake-control.h"
#include "fake-idc.h"
#include "fake-server.h"

G_BEGIN_DECLS

#define FAKE_IDC_FAULT_BIT(f) FAKE_FAULT_BIT (f)

struct _FakeIdc
{
  FakeIdcOptions   options;
  FakeIdcArchive  *archive;
  sqlite3         *db;        /* server thread only */
  FakeControl     *control;   /* faults, latency, counts, delayed requests */

  GMutex           lock;      /* guards what follows, up to the servers */
  guint            page_size;
  guint64          rate_limit;
  guint            generation; /* bumped by version-change */

  SoupServer      *api;
  SoupServer      *bucket;
  guint            api_port;
  guint            bucket_port;
  GMainContext    *context;   /* where the servers run */
  FakeRunner       runner;    /* with fake_idc_start_in_thread() */
};

/* A parameter of a request's query string (decoded), or NULL. */
static inline const char *
fake_idc_query_get (GHashTable *query,
                    const char *name)
{
  return query != NULL ? g_hash_table_lookup (query, name) : NULL;
}

/* fake-idc.c */
/* Takes one use of the first fault whose kind is in @mask and whose scope
 * is NULL or one of @subjects (NULL-terminated; NULL members are skipped up
 * to @n_subjects). */
FakeIdcFault fake_idc_take_fault    (FakeIdc        *self,
                                     guint64         mask,
                                     const char    **subjects,
                                     guint           n_subjects);
/* Whether a fault of kind @fault applies to @subjects, without using it. */
gboolean     fake_idc_has_fault     (FakeIdc        *self,
                                     FakeIdcFault    fault,
                                     const char    **subjects,
                                     guint           n_subjects);
void         fake_idc_count_request (FakeIdc        *self,
                                     const char     *what);

/* fake-idc-sql.c: the in-memory database of "index", collections_index and
 * prior_versions_index, and /v3/sql's guards. */
sqlite3     *fake_idc_db_new        (FakeIdcArchive *archive,
                                     GError        **error);
/* Runs @sql as /v3/sql does; on success a SqlResult JSON object, else NULL
 * and @error_message (for the 400 invalid_query envelope). */
char        *fake_idc_sql_run       (sqlite3        *db,
                                     const char     *sql,
                                     gint64          max_rows,
                                     char          **error_message);

/* The rows of @sql as a JSON array of objects (a fixed query of the fake). */
JsonNode    *fake_idc_db_rows       (sqlite3        *db,
                                     const char     *sql);

/* fake-idc-api.c: answers in IDC's shapes (idc-api.md §2.0). */
void         fake_idc_reply_text    (SoupServerMessage *msg,
                                     guint              status,
                                     const char        *content_type,
                                     char              *body);
void         fake_idc_reply_json    (SoupServerMessage *msg,
                                     guint              status,
                                     JsonNode          *node);
/* {"error":{"code":@code,"message":@message}} */
void         fake_idc_reply_error   (SoupServerMessage *msg,
                                     guint              status,
                                     const char        *code,
                                     const char        *message);
/* pydantic's 422 {"detail":[{"type":@type,"loc":["body",@member],…}]} */
void         fake_idc_reply_422     (SoupServerMessage *msg,
                                     const char        *type,
                                     const char        *member,
                                     const char        *text);
/* The body of a POST as a JSON object of @parser, or NULL with the 422 set. */
JsonObject  *fake_idc_parse_body    (SoupServerMessage *msg,
                                     JsonParser        *parser);
/* b3+: extra="forbid"; FALSE with the 422 set. */
gboolean     fake_idc_only_members  (SoupServerMessage  *msg,
                                     JsonObject         *object,
                                     const char *const  *allowed);
gboolean     fake_idc_get_int_member (SoupServerMessage *msg,
                                     JsonObject        *object,
                                     const char        *name,
                                     gint64             fallback,
                                     gint64            *value);
void         fake_idc_api_cb        (SoupServer        *server,
                                     SoupServerMessage *msg,
                                     const char        *path,
                                     GHashTable        *query,
                                     gpointer           user_data);

/* fake-idc-cohort.c: POST /v3/cohort/counts, /v3/cohort/manifest and
 * /v3/cohort/manifest.txt with the b3+ filter rules (idc-api.md §2.1). */
void         fake_idc_cohort        (FakeIdc           *self,
                                     SoupServerMessage *msg,
                                     const char        *route);

/* fake-idc-bucket.c */
void         fake_idc_bucket_cb     (SoupServer        *server,
                                     SoupServerMessage *msg,
                                     const char        *path,
                                     GHashTable        *query,
                                     gpointer           user_data);

G_END_DECLS
