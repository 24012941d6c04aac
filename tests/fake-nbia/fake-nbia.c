/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "fake-nbia.h"
#include "fake-nbia-private.h"
#include "fake-table.h"

/* The server: request parsing, v4 parameter whitelists, faults and latency,
 * the endpoints of tcia-api.md for v1 and v4, a small cache of big listings,
 * and the /fake-nbia/ control endpoints. */

#define V4_PREFIX "/nbia-api/services/v4/"
#define V1_PREFIX "/nbia-api/services/v1/"
#define CONTROL_PREFIX "/fake-nbia/"

#define CACHE_MIN_BYTES (256 * 1024)
#define CACHE_SIZE 2
#define SERVE_CHUNK (512 * 1024)
#define CHUNKED_ABOVE (1024 * 1024)

#define TEXT_SERVER_ERROR "Server was not able to process your request"

typedef struct
{
  FakeNbiaFault  fault;
  guint          times;      /* 0: until cleared */
  char          *uid;
} FaultEntry;

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

  GMutex           lock;     /* guards what follows, up to the server */
  GPtrArray       *faults;
  guint            latency_ms;
  GHashTable      *counts;
  guint            total_count;
  GStringChunk    *strings;

  SoupServer      *server;
  guint            port;
  GMainContext    *context;  /* where the server runs */
  GQueue           cache;    /* of CacheEntry, most recent first; server thread only */
  GPtrArray       *pending;  /* GSources of requests waiting for latency or a job */
  GThreadPool     *pool;

  GThread         *thread;
  GMainLoop       *loop;
  GMutex           start_lock;
  GCond            start_cond;
  gboolean         start_done;
  GError          *start_error;
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

static void
param_free (gpointer data)
{
  Param *p = data;

  g_free (p->name);
  g_free (p->value);
  g_free (p);
}

static void
request_free (Request *req)
{
  g_free (req->endpoint);
  g_free (req->no_counts_uid);
  g_clear_pointer (&req->params, g_ptr_array_unref);
  g_clear_pointer (&req->query, g_ptr_array_unref);
  g_free (req);
}

static void
response_clear (Response *resp)
{
  g_clear_pointer (&resp->content_type, g_free);
  g_clear_pointer (&resp->disposition, g_free);
  g_clear_pointer (&resp->body, g_bytes_unref);
}

static void
cache_entry_free (gpointer data)
{
  CacheEntry *e = data;

  g_free (e->key);
  g_bytes_unref (e->body);
  g_free (e->content_type);
  g_free (e->disposition);
  g_free (e);
}

static void
fault_entry_free (gpointer data)
{
  FaultEntry *f = data;

  g_free (f->uid);
  g_free (f);
}

/* application/x-www-form-urlencoded, keeping order and repeats; '+' is a space. */
static GPtrArray *
parse_form (const char *text,
            gsize       length)
{
  GPtrArray *params = g_ptr_array_new_with_free_func (param_free);
  g_autofree char *copy = NULL;
  g_auto(GStrv) pairs = NULL;

  if (text == NULL || length == 0)
    return params;
  copy = g_strndup (text, length);
  pairs = g_strsplit (copy, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      char *eq;
      Param *p;

      if (pairs[i][0] == '\0')
        continue;
      for (char *c = pairs[i]; *c; c++)
        if (*c == '+')
          *c = ' ';
      eq = strchr (pairs[i], '=');
      if (eq != NULL)
        *eq = '\0';
      p = g_new0 (Param, 1);
      p->name = g_uri_unescape_string (pairs[i], NULL);
      if (p->name == NULL)
        p->name = g_strdup (pairs[i]);
      p->value = eq ? g_uri_unescape_string (eq + 1, NULL) : g_strdup ("");
      if (p->value == NULL)
        p->value = g_strdup (eq + 1);
      g_ptr_array_add (params, p);
    }
  return params;
}

static const char *
param_get (GPtrArray  *params,
           const char *name)
{
  for (guint i = 0; i < params->len; i++)
    {
      Param *p = params->pdata[i];

      if (strcmp (p->name, name) == 0)
        return p->value;
    }
  return NULL;
}

/* A parameter's value, NULL when absent or empty (as the server's checks do). */
static const char *
req_get (const Request *req,
         const char    *name)
{
  const char *value = param_get (req->params, name);

  return value != NULL && value[0] != '\0' ? value : NULL;
}

static void
set_text (Response   *resp,
          guint       status,
          const char *content_type,
          const char *text)
{
  resp->status = status;
  g_free (resp->content_type);
  resp->content_type = g_strdup (content_type);
  g_clear_pointer (&resp->body, g_bytes_unref);
  resp->body = g_bytes_new (text, strlen (text));
}

/* NBIA labels its plain-text 400s application/json. */
static void
set_bad_request (Response   *resp,
                 const char *text)
{
  set_text (resp, SOUP_STATUS_BAD_REQUEST, "application/json", text);
}

static void
set_server_error (Response *resp)
{
  set_text (resp, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain", TEXT_SERVER_ERROR);
}

/* ---- formats and dates ---- */

typedef enum
{
  FORMAT_JSON,
  FORMAT_CSV,
  FORMAT_CSV_DOWNLOAD,
  FORMAT_BAD,
} Format;

static Format
parse_format (const char *value,
              Format      fallback)
{
  if (value == NULL)
    return fallback;
  if (g_ascii_strcasecmp (value, "json") == 0)
    return FORMAT_JSON;
  if (g_ascii_strcasecmp (value, "csv") == 0 || g_ascii_strcasecmp (value, "csvquoted") == 0)
    return FORMAT_CSV;
  if (g_ascii_strcasecmp (value, "csv-download") == 0)
    return FORMAT_CSV_DOWNLOAD;
  return FORMAT_BAD;
}

/* The table for the request's `format`, or NULL after answering 500. */
static FakeTable *
table_for (const Request *req,
           Response      *resp,
           Format         fallback)
{
  Format format = parse_format (param_get (req->params, "format"), fallback);

  switch (format)
    {
    case FORMAT_JSON:
      return fake_table_new (FAKE_TABLE_JSON);
    case FORMAT_CSV_DOWNLOAD:
      resp->disposition = g_strdup ("attachment; filename=\"SeriesMetaData.csv\"");
      return fake_table_new (FAKE_TABLE_CSV);
    case FORMAT_CSV:
      return fake_table_new (FAKE_TABLE_CSV);
    case FORMAT_BAD:
    default:
      set_server_error (resp);
      return NULL;
    }
}

static gboolean
table_is_json (const Request *req,
               Format         fallback)
{
  return parse_format (param_get (req->params, "format"), fallback) == FORMAT_JSON;
}

/* Rows, or 200 with an empty body and no Content-Type when there are none. */
static void
finish_table (Response  *resp,
              FakeTable *table)
{
  gboolean json = FALSE;
  GBytes *body;

  /* fake_table_finish() leaves the format alone: ask before. */
  json = resp->disposition == NULL && resp->is_json;
  body = fake_table_finish (table);
  resp->status = SOUP_STATUS_OK;
  if (body == NULL)
    {
      g_clear_pointer (&resp->disposition, g_free);
      resp->is_json = FALSE;
      return;
    }
  resp->body = body;
  resp->content_type = g_strdup (json ? "application/json" : "text/csv");
}

static const char *const weekdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* v4: MM-DD-YYYY */
static void
date_v4 (gint32  day,
         char   *buf)
{
  int y, m, d;

  fake_day_to_date (day, &y, &m, &d);
  g_snprintf (buf, 16, "%02d-%02d-%04d", m, d, y);
}

/* v1: java.sql.Timestamp.toString(), "2003-12-12 00:00:00.0" */
static void
timestamp_v1 (gint32   day,
              guint32  secs,
              char    *buf)
{
  int y, m, d;

  fake_day_to_date (day, &y, &m, &d);
  g_snprintf (buf, 32, "%04d-%02d-%02d %02u:%02u:%02u.0", y, m, d,
              secs / 3600, secs / 60 % 60, secs % 60);
}

/* java.util.Date.toString(), "Mon Nov 04 11:45:52 UTC 2013" */
static void
java_date (gint32   day,
           guint32  secs,
           char    *buf)
{
  int y, m, d;

  fake_day_to_date (day, &y, &m, &d);
  g_snprintf (buf, 40, "%s %s %02d %02u:%02u:%02u UTC %04d",
              weekdays[((day % 7) + 11) % 7], months[m - 1], d,
              secs / 3600, secs / 60 % 60, secs % 60, y);
}

static gboolean
parse_date (const char *text,
            const char *layout,
            gint32     *day)
{
  int a, b, c;
  char s1, s2;
  int y, m, d;

  if (text == NULL || sscanf (text, "%d%c%d%c%d", &a, &s1, &b, &s2, &c) != 5)
    return FALSE;
  if (strcmp (layout, "MM-DD-YYYY") == 0 && s1 == '-' && s2 == '-')
    m = a, d = b, y = c;
  else if (strcmp (layout, "DD/MM/YYYY") == 0 && s1 == '/' && s2 == '/')
    d = a, m = b, y = c;
  else if (strcmp (layout, "YYYY/MM/DD") == 0 && s1 == '/' && s2 == '/')
    y = a, m = b, d = c;
  else
    return FALSE;
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1000 || y > 9999)
    return FALSE;
  *day = fake_date_to_day (y, m, d);
  return TRUE;
}

/* ---- filters ---- */

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

static gboolean
ci_equal (const char *value,
          const char *wanted)
{
  return wanted == NULL || (value != NULL && g_ascii_strcasecmp (value, wanted) == 0);
}

static gboolean
released_matches (const Filter *f,
                  gint32        day)
{
  if (!f->has_released)
    return TRUE;
  return f->inclusive ? day >= f->released : day > f->released;
}

static gboolean
series_matches (const FakeArchive *a,
                guint32            index,
                const Filter      *f)
{
  const FakeSeries *s = &a->series[index];

  return ci_equal (fake_modalities[s->modality], f->modality) &&
         ci_equal (s->body_part == FAKE_NONE ? NULL : fake_body_parts[s->body_part],
                   f->body_part) &&
         ci_equal (fake_manufacturer_name (s->manufacturer), f->manufacturer) &&
         ci_equal (fake_manufacturer_model (s->manufacturer), f->model) &&
         !fake_changes_series_hidden (a, index) &&
         released_matches (f, fake_changes_released_day (a, index));
}

static gboolean
patient_matches (const FakeArchive *a,
                 guint32            patient,
                 const Filter      *f)
{
  char id[FAKE_STR_MAX];

  if (f->patient_id == NULL)
    return TRUE;
  fake_archive_patient_id (a, patient, id);
  return g_ascii_strcasecmp (id, f->patient_id) == 0;
}

typedef void (*SeriesFunc) (const FakeArchive *a,
                            guint32            series,
                            gpointer           user_data);

/* Calls @func on every series that passes @f, in archive order. */
static void
foreach_series (const FakeArchive *a,
                const Filter      *f,
                SeriesFunc         func,
                gpointer           user_data)
{
  if (f->series_uid != NULL)
    {
      gint64 s = fake_archive_find_series (a, f->series_uid);

      if (s >= 0 && (f->study_uid == NULL || fake_archive_find_study (a, f->study_uid) ==
                     a->series[s].study) &&
          ci_equal (fake_series_collection (a, s)->name, f->collection) &&
          patient_matches (a, fake_series_study (a, s)->patient, f) &&
          series_matches (a, s, f))
        func (a, s, user_data);
      return;
    }
  if (f->study_uid != NULL)
    {
      gint64 st = fake_archive_find_study (a, f->study_uid);
      const FakeStudy *study;

      if (st < 0)
        return;
      study = &a->studies[st];
      if (!ci_equal (a->collections[a->patients[study->patient].collection].name,
                     f->collection) ||
          !patient_matches (a, study->patient, f))
        return;
      for (guint32 s = study->first_series; s < study->first_series + study->n_series; s++)
        if (series_matches (a, s, f))
          func (a, s, user_data);
      return;
    }
  for (guint32 k = 0; k < a->n_collections; k++)
    {
      const FakeCollection *c = &a->collections[k];

      if (!ci_equal (c->name, f->collection) || fake_changes_collection_hidden (a, k))
        continue;
      for (guint32 p = c->first_patient; p < c->first_patient + c->n_patients; p++)
        {
          const FakePatient *patient = &a->patients[p];

          if (!patient_matches (a, p, f))
            continue;
          for (guint32 st = patient->first_study;
               st < patient->first_study + patient->n_studies; st++)
            {
              const FakeStudy *study = &a->studies[st];

              for (guint32 s = study->first_series;
                   s < study->first_series + study->n_series; s++)
                if (series_matches (a, s, f))
                  func (a, s, user_data);
            }
        }
    }
}

/* ---- row writers ---- */

typedef struct
{
  FakeTable *table;
  guint      version;
  gboolean   updated;        /* v1 getUpdatedSeries' shorter row */
  gboolean   cart;           /* v1 getContentsByName */
  const Request *req;        /* for the no-counts fault */
} SeriesRows;

/* Whether the no-counts fault takes ImageCount and FileSize out of this row. */
static gboolean
counts_hidden (const Request *req,
               const char    *series_uid)
{
  return req != NULL && req->no_counts &&
         (req->no_counts_uid == NULL || strcmp (req->no_counts_uid, series_uid) == 0);
}

static void
series_row (const FakeArchive *a,
            guint32            index,
            gpointer           user_data)
{
  SeriesRows *rows = user_data;
  FakeTable *t = rows->table;
  const FakeSeries *s = &a->series[index];
  const FakeStudy *st = fake_series_study (a, index);
  const FakePatient *p = fake_series_patient (a, index);
  const FakeCollection *c = fake_series_collection (a, index);
  const FakeLicense *l = &fake_licenses[c->license];
  gboolean v4 = rows->version == 4;
  char series_uid[FAKE_UID_MAX], study_uid[FAKE_UID_MAX], patient_id[FAKE_STR_MAX];
  char series_date[32], released[32], submitted[32], study_date[32], age[16];
  gboolean counts;
  const char *body_part = s->body_part == FAKE_NONE ? NULL : fake_body_parts[s->body_part];
  const char *third_party = s->third_party == FAKE_NONE ? NULL
                            : (s->third_party ? "YES" : "NO");

  fake_archive_series_uid (a, index, series_uid);
  fake_archive_study_uid (a, s->study, study_uid);
  fake_archive_patient_id (a, st->patient, patient_id);
  counts = !counts_hidden (rows->req, series_uid);
  gint32 released_day = fake_changes_released_day (a, index);

  if (v4)
    {
      date_v4 (st->day, series_date);
      date_v4 (st->day, study_date);
      date_v4 (released_day, released);
      date_v4 (released_day - s->submitted_before, submitted);
    }
  else
    {
      timestamp_v1 (st->day, 0, series_date);
      timestamp_v1 (st->day, 0, study_date);
      timestamp_v1 (released_day, c->released_secs, released);
      timestamp_v1 (released_day - s->submitted_before, c->released_secs, submitted);
    }
  g_snprintf (age, sizeof age, "%03uY", p->age);

  fake_table_string (t, "SeriesInstanceUID", series_uid);
  fake_table_string (t, "StudyInstanceUID", study_uid);
  fake_table_string (t, "Modality", fake_modalities[s->modality]);
  fake_table_string (t, "ProtocolName", fake_protocol_name (s->protocol));
  fake_table_string (t, "SeriesDate", series_date);
  fake_table_string (t, "SeriesDescription", fake_series_description (s->description));
  fake_table_string (t, "BodyPartExamined", body_part);
  fake_table_decimal (t, "SeriesNumber", s->series_number);
  fake_table_bool (t, "AnnotationsFlag", s->annotations == FAKE_NONE ? -1 : s->annotations);
  fake_table_string (t, "Collection", c->name);
  if (v4)
    fake_table_string (t, "Site", c->site);
  fake_table_string (t, "PatientID", patient_id);
  if (v4)
    {
      fake_table_string (t, "PatientSex", p->sex == FAKE_NONE ? NULL : fake_sexes[p->sex]);
      fake_table_string (t, "PatientAge", p->age ? age : NULL);
      fake_table_string (t, "AdmittingDiagnosisDescription", NULL);
    }
  fake_table_string (t, "Manufacturer", fake_manufacturer_name (s->manufacturer));
  fake_table_string (t, "ManufacturerModelName", fake_manufacturer_model (s->manufacturer));
  fake_table_string (t, "SoftwareVersions", fake_manufacturer_software (s->manufacturer));
  if (counts)
    fake_table_int (t, "ImageCount", s->n_images);
  if (rows->cart)
    {
      fake_table_string (t, "Date Released", released);
      fake_table_end_row (t);
      return;
    }
  if (!v4 && rows->updated)
    {
      fake_table_string (t, "DateReleased", released);
      fake_table_end_row (t);
      return;
    }
  fake_table_string (t, v4 ? "MaxSubmissionTimestamp" : "TimeStamp", submitted);
  fake_table_string (t, "LicenseName", l->long_name);
  fake_table_string (t, "LicenseURI", l->url);
  fake_table_string (t, v4 ? "DataDescriptionURI" : "CollectionURI", c->doi);
  if (counts)
    fake_table_int (t, "FileSize", s->file_size);
  if (v4)
    fake_table_string (t, "ReleasedStatus", "Yes");
  fake_table_string (t, "DateReleased", released);
  fake_table_string (t, "StudyDesc", fake_study_description (st->description));
  fake_table_string (t, "StudyDate", study_date);
  fake_table_string (t, "ThirdPartyAnalysis", third_party);
  if (v4)
    fake_table_int (t, "Authorized", 1);
  fake_table_end_row (t);
}

static void
patient_row (FakeNbia  *self,
             FakeTable *t,
             guint      version,
             guint32    index)
{
  const FakePatient *p = &self->archive->patients[index];
  const FakeCollection *c = &self->archive->collections[p->collection];
  char id[FAKE_STR_MAX];

  fake_archive_patient_id (self->archive, index, id);
  fake_table_string (t, "PatientId", id);
  fake_table_string (t, "PatientName", id);
  if (version == 1)
    fake_table_string (t, "PatientBirthDate", NULL);
  fake_table_string (t, "PatientSex", p->sex == FAKE_NONE ? NULL : fake_sexes[p->sex]);
  fake_table_string (t, "EthnicGroup", fake_ethnic_group (p->ethnic));
  fake_table_string (t, "Collection", c->name);
  fake_table_string (t, "Phantom", "NO");
  fake_table_string (t, "SpeciesCode", fake_species_code (c->species));
  fake_table_string (t, "SpeciesDescription", fake_species_description (c->species));
  if (version == 4)
    fake_table_int (t, "Authorized", 1);
  fake_table_end_row (t);
}

static void
study_row (FakeNbia  *self,
           FakeTable *t,
           guint      version,
           guint32    index)
{
  const FakeArchive *a = self->archive;
  const FakeStudy *st = &a->studies[index];
  const FakePatient *p = &a->patients[st->patient];
  const FakeCollection *c = &a->collections[p->collection];
  char uid[FAKE_UID_MAX], id[FAKE_STR_MAX], date[32], study_id[16], age[16];

  fake_archive_study_uid (a, index, uid);
  fake_archive_patient_id (a, st->patient, id);
  if (version == 4)
    date_v4 (st->day, date);
  else
    timestamp_v1 (st->day, 0, date);
  g_snprintf (study_id, sizeof study_id, "%u", st->study_id);
  g_snprintf (age, sizeof age, "%03uY", p->age);

  fake_table_string (t, "StudyInstanceUID", uid);
  fake_table_string (t, "StudyDate", date);
  fake_table_string (t, "StudyDescription", fake_study_description (st->description));
  fake_table_string (t, "AdmittingDiagnosesDescription", NULL);
  fake_table_string (t, "StudyID", st->study_id ? study_id : NULL);
  fake_table_string (t, "PatientAge", p->age ? age : NULL);
  fake_table_string (t, "PatientID", id);
  fake_table_string (t, "PatientName", id);
  if (version == 1)
    fake_table_string (t, "PatientBirthDate", NULL);
  fake_table_string (t, "PatientSex", p->sex == FAKE_NONE ? NULL : fake_sexes[p->sex]);
  fake_table_string (t, "EthnicGroup", fake_ethnic_group (p->ethnic));
  fake_table_string (t, "Collection", c->name);
  fake_table_int (t, "SeriesCount", st->n_series);
  fake_table_string (t, "LongitudinalTemporalEventType", fake_event_type (st->event_type));
  if (st->event_type != FAKE_NONE)
    fake_table_int (t, "LongitudinalTemporalOffsetFromEvent", st->event_offset);
  else
    fake_table_string (t, "LongitudinalTemporalOffsetFromEvent", NULL);
  if (version == 4)
    fake_table_int (t, "Authorized", 1);
  fake_table_end_row (t);
}

/* ---- endpoints: listings ---- */

static void
filter_from_request (const Request *req,
                     Filter        *f)
{
  memset (f, 0, sizeof *f);
  f->collection = req_get (req, "Collection");
  f->patient_id = req_get (req, "PatientID");
  f->study_uid = req_get (req, "StudyInstanceUID");
  f->series_uid = req_get (req, "SeriesInstanceUID");
  f->modality = req_get (req, "Modality");
  f->body_part = req_get (req, "BodyPartExamined");
  f->manufacturer = req_get (req, "Manufacturer");
  f->model = req_get (req, "ManufacturerModelName");
}

static void
get_series (FakeNbia      *self,
            const Request *req,
            Response      *resp)
{
  g_autoptr(FakeTable) table = table_for (req, resp, FORMAT_JSON);
  SeriesRows rows = { 0 };
  Filter f;

  if (table == NULL)
    return;
  resp->is_json = table_is_json (req, FORMAT_JSON);
  filter_from_request (req, &f);
  rows.table = table;
  rows.version = req->version;
  rows.req = req;
  foreach_series (self->archive, &f, series_row, &rows);
  finish_table (resp, table);
}

static void
get_updated_series (FakeNbia      *self,
                    const Request *req,
                    Response      *resp)
{
  g_autoptr(FakeTable) table = NULL;
  const char *from = req_get (req, "fromDate");
  SeriesRows rows = { 0 };
  Filter f = { 0 };

  if (from != NULL)
    {
      if (!parse_date (from, req->version == 4 ? "MM-DD-YYYY" : "DD/MM/YYYY", &f.released))
        {
          set_server_error (resp);
          return;
        }
      f.has_released = TRUE;
    }
  else if (req->version == 1)
    {
      set_bad_request (resp, "A parameter, fromDate is required for this API call.");
      return;
    }
  table = table_for (req, resp, FORMAT_JSON);
  if (table == NULL)
    return;
  resp->is_json = table_is_json (req, FORMAT_JSON);
  rows.table = table;
  rows.version = req->version;
  rows.updated = TRUE;
  foreach_series (self->archive, &f, series_row, &rows);
  finish_table (resp, table);
}

typedef struct
{
  guint64 mask;
} ValueSet;

static void
collect_modality (const FakeArchive *a,
                  guint32            s,
                  gpointer           user_data)
{
  ((ValueSet *) user_data)->mask |= G_GUINT64_CONSTANT (1) << a->series[s].modality;
}

static void
collect_body_part (const FakeArchive *a,
                   guint32            s,
                   gpointer           user_data)
{
  if (a->series[s].body_part != FAKE_NONE)
    ((ValueSet *) user_data)->mask |= G_GUINT64_CONSTANT (1) << a->series[s].body_part;
}

static void
collect_manufacturer (const FakeArchive *a,
                      guint32            s,
                      gpointer           user_data)
{
  if (a->series[s].manufacturer != FAKE_NONE)
    ((ValueSet *) user_data)->mask |= G_GUINT64_CONSTANT (1) << a->series[s].manufacturer;
}

typedef const char *(*NameFunc) (guint8 value);

static const char *
modality_name (guint8 value)
{
  return fake_modalities[value];
}

static const char *
body_part_name (guint8 value)
{
  return fake_body_parts[value];
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* The names in @mask, sorted byte-wise as the database returns them. */
static GPtrArray *
sorted_names (guint64  mask,
              NameFunc name)
{
  GPtrArray *names = g_ptr_array_new ();

  for (guint i = 0; i < 64; i++)
    if (mask & (G_GUINT64_CONSTANT (1) << i))
      g_ptr_array_add (names, (gpointer) name (i));
  g_ptr_array_sort (names, compare_strings);
  return names;
}

static void
value_listing (FakeNbia      *self,
               const Request *req,
               Response      *resp,
               const char    *column,
               SeriesFunc     collect,
               NameFunc       name)
{
  g_autoptr(FakeTable) table = table_for (req, resp, FORMAT_JSON);
  g_autoptr(GPtrArray) names = NULL;
  ValueSet set = { 0 };
  Filter f = { 0 };

  if (table == NULL)
    return;
  resp->is_json = table_is_json (req, FORMAT_JSON);
  f.collection = req_get (req, "Collection");
  if (collect != collect_modality)
    f.modality = req_get (req, "Modality");
  if (collect != collect_body_part)
    f.body_part = req_get (req, "BodyPartExamined");
  foreach_series (self->archive, &f, collect, &set);
  names = sorted_names (set.mask, name);
  for (guint i = 0; i < names->len; i++)
    {
      fake_table_string (table, column, names->pdata[i]);
      fake_table_end_row (table);
    }
  finish_table (resp, table);
}

static void
get_collection_values (FakeNbia      *self,
                       const Request *req,
                       Response      *resp)
{
  g_autoptr(FakeTable) table = table_for (req, resp, FORMAT_JSON);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  if (table == NULL)
    return;
  resp->is_json = table_is_json (req, FORMAT_JSON);
  for (guint k = 0; k < self->archive->n_collections; k++)
    if (!fake_changes_collection_hidden (self->archive, k))
      g_ptr_array_add (names, self->archive->collections[k].name);
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    {
      fake_table_string (table, "Collection", names->pdata[i]);
      fake_table_end_row (table);
    }
  finish_table (resp, table);
}

static void
get_modality_values (FakeNbia      *self,
                     const Request *req,
                     Response      *resp)
{
  value_listing (self, req, resp, "Modality", collect_modality, modality_name);
}

static void
get_body_part_values (FakeNbia      *self,
                      const Request *req,
                      Response      *resp)
{
  value_listing (self, req, resp, "BodyPartExamined", collect_body_part, body_part_name);
}

static void
get_manufacturer_values (FakeNbia      *self,
                         const Request *req,
                         Response      *resp)
{
  value_listing (self, req, resp, "Manufacturer", collect_manufacturer,
                 fake_manufacturer_name);
}

/* Patient counts per value: count(distinct patient). */
typedef struct
{
  guint   counts[64];
  guint64 patient_mask;
  gint64  current_patient;
  SeriesFunc collect;
} Counts;

static void
flush_patient (Counts *c)
{
  for (guint i = 0; i < 64; i++)
    if (c->patient_mask & (G_GUINT64_CONSTANT (1) << i))
      c->counts[i]++;
  c->patient_mask = 0;
}

/* Series come patient by patient, so a patient's values are counted once. */
static void
count_value (const FakeArchive *a,
             guint32            s,
             gpointer           user_data)
{
  Counts *c = user_data;
  guint32 patient = fake_series_study (a, s)->patient;
  ValueSet set = { 0 };

  if (patient != c->current_patient)
    {
      flush_patient (c);
      c->current_patient = patient;
    }
  c->collect (a, s, &set);
  c->patient_mask |= set.mask;
}

static void
value_counts (FakeNbia      *self,
              const Request *req,
              Response      *resp,
              const char    *column,
              SeriesFunc     collect,
              NameFunc       name,
              gboolean       upper)
{
  g_autoptr(FakeTable) table = fake_table_new (FAKE_TABLE_JSON);
  g_autoptr(GPtrArray) names = NULL;
  Counts counts = { .current_patient = -1, .collect = collect };
  guint64 mask = 0;
  Filter f = { 0 };

  resp->is_json = TRUE;
  f.collection = req_get (req, "Collection");
  if (collect != collect_modality)
    f.modality = req_get (req, "Modality");
  if (collect != collect_body_part)
    f.body_part = req_get (req, "BodyPartExamined");
  foreach_series (self->archive, &f, count_value, &counts);
  flush_patient (&counts);
  for (guint i = 0; i < 64; i++)
    if (counts.counts[i] > 0)
      mask |= G_GUINT64_CONSTANT (1) << i;
  names = sorted_names (mask, name);
  for (guint i = 0; i < names->len; i++)
    {
      guint count = 0;
      g_autofree char *value = upper ? g_ascii_strup (names->pdata[i], -1)
                                     : g_strdup (names->pdata[i]);

      for (guint v = 0; v < 64; v++)
        if ((mask & (G_GUINT64_CONSTANT (1) << v)) && strcmp (name (v), names->pdata[i]) == 0)
          count = counts.counts[v];
      fake_table_string (table, column, value);
      fake_table_int (table, "Count", count);
      fake_table_int (table, "Authorized", 1);
      fake_table_end_row (table);
    }
  finish_table (resp, table);
}

static int
compare_collections (gconstpointer a,
                     gconstpointer b)
{
  return strcmp ((*(const FakeCollection **) a)->name, (*(const FakeCollection **) b)->name);
}

static void
get_collection_values_and_counts (FakeNbia      *self,
                                  const Request *req,
                                  Response      *resp)
{
  g_autoptr(FakeTable) table = fake_table_new (FAKE_TABLE_JSON);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  resp->is_json = TRUE;
  for (guint k = 0; k < self->archive->n_collections; k++)
    if (!fake_changes_collection_hidden (self->archive, k))
      g_ptr_array_add (order, &self->archive->collections[k]);
  g_ptr_array_sort (order, compare_collections);
  for (guint i = 0; i < order->len; i++)
    {
      const FakeCollection *c = order->pdata[i];

      fake_table_string (table, "Collection", c->name);
      fake_table_int (table, "Count", c->n_patients);
      fake_table_int (table, "Authorized", 1);
      fake_table_end_row (table);
    }
  finish_table (resp, table);
}

static void
get_modality_values_and_counts (FakeNbia      *self,
                                const Request *req,
                                Response      *resp)
{
  value_counts (self, req, resp, "Modality", collect_modality, modality_name, FALSE);
}

static void
get_body_part_values_and_counts (FakeNbia      *self,
                                 const Request *req,
                                 Response      *resp)
{
  value_counts (self, req, resp, "BodyPart", collect_body_part, body_part_name, TRUE);
}

static void
get_manufacturer_values_and_counts (FakeNbia      *self,
                                    const Request *req,
                                    Response      *resp)
{
  value_counts (self, req, resp, "Manufacturer", collect_manufacturer,
                fake_manufacturer_name, FALSE);
}

static void
get_species_values_and_counts (FakeNbia      *self,
                               const Request *req,
                               Response      *resp)
{
  g_autoptr(FakeTable) table = fake_table_new (FAKE_TABLE_JSON);
  guint counts[3] = { 0 };

  resp->is_json = TRUE;
  for (guint k = 0; k < self->archive->n_collections; k++)
    counts[self->archive->collections[k].species] += self->archive->collections[k].n_patients;
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      if (counts[i] == 0)
        continue;
      fake_table_string (table, "Species", fake_species_code (i));
      fake_table_int (table, "Count", counts[i]);
      fake_table_int (table, "Authorized", 1);
      fake_table_end_row (table);
    }
  finish_table (resp, table);
}

static void
get_patient (FakeNbia      *self,
             const Request *req,
             Response      *resp)
{
  const FakeArchive *a = self->archive;
  g_autoptr(FakeTable) table = table_for (req, resp, FORMAT_JSON);
  const char *collection = req_get (req, "Collection");
  Filter f = { .patient_id = req_get (req, "PatientId") };

  if (table == NULL)
    return;
  resp->is_json = table_is_json (req, FORMAT_JSON);
  for (guint32 p = 0; p < a->n_patients; p++)
    if (ci_equal (a->collections[a->patients[p].collection].name, collection) &&
        patient_matches (a, p, &f))
      patient_row (self, table, req->version, p);
  finish_table (resp, table);
}

static gboolean
patient_has_modality (const FakeArchive *a,
                      guint32            patient,
                      const char        *modality)
{
  const FakePatient *p = &a->patients[patient];

  for (guint32 st = p->first_study; st < p->first_study + p->n_studies; st++)
    {
      const FakeStudy *study = &a->studies[st];

      for (guint32 s = study->first_series; s < study->first_series + study->n_series; s++)
        if (g_ascii_strcasecmp (fake_modalities[a->series[s].modality], modality) == 0)
          return TRUE;
    }
  return FALSE;
}

static void
get_patient_by_collection_and_modality (FakeNbia      *self,
                                        const Request *req,
                                        Response      *resp)
{
  const FakeArchive *a = self->archive;
  g_autoptr(FakeTable) table = NULL;
  const char *collection = req_get (req, "Collection");
  const char *modality = req_get (req, "Modality");

  if (collection == NULL || modality == NULL)
    {
      set_bad_request (resp, "A parameter, Collection and Modality, are required for this "
                             "API call.");
      return;
    }
  table = table_for (req, resp, FORMAT_JSON);
  if (table == NULL)
    return;
  resp->is_json = table_is_json (req, FORMAT_JSON);
  for (guint32 p = 0; p < a->n_patients; p++)
    {
      char id[FAKE_STR_MAX];

      if (!ci_equal (a->collections[a->patients[p].collection].name, collection) ||
          !patient_has_modality (a, p, modality))
        continue;
      fake_archive_patient_id (a, p, id);
      fake_table_string (table, "PatientId", id);
      if (req->version == 4)
        fake_table_int (table, "Authorized", 1);
      fake_table_end_row (table);
    }
  finish_table (resp, table);
}

static void
get_patient_study (FakeNbia      *self,
                   const Request *req,
                   Response      *resp)
{
  const FakeArchive *a = self->archive;
  g_autoptr(FakeTable) table = table_for (req, resp, FORMAT_JSON);
  const char *collection = req_get (req, "Collection");
  const char *study_uid = req_get (req, "StudyInstanceUID");
  Filter f = { .patient_id = req_get (req, "PatientID") };

  if (table == NULL)
    return;
  resp->is_json = table_is_json (req, FORMAT_JSON);
  if (study_uid != NULL)
    {
      gint64 st = fake_archive_find_study (a, study_uid);

      if (st >= 0 &&
          ci_equal (a->collections[a->patients[a->studies[st].patient].collection].name,
                    collection) &&
          patient_matches (a, a->studies[st].patient, &f))
        study_row (self, table, req->version, st);
    }
  else
    {
      for (guint32 st = 0; st < a->n_studies; st++)
        {
          guint32 p = a->studies[st].patient;

          if (ci_equal (a->collections[a->patients[p].collection].name, collection) &&
              patient_matches (a, p, &f))
            study_row (self, table, req->version, st);
        }
    }
  finish_table (resp, table);
}

/* NewPatientsInCollection & NewStudiesInPatientCollection: v1 Date=YYYY/MM/DD
 * (released after), v4 fromDate=MM-DD-YYYY (released on or after). */
static gboolean
new_things_filter (const Request *req,
                   Response      *resp,
                   Filter        *f)
{
  const char *collection = req_get (req, "Collection");
  const char *date = req_get (req, req->version == 4 ? "fromDate" : "Date");

  memset (f, 0, sizeof *f);
  if (req->version == 1 && (collection == NULL || date == NULL))
    {
      set_bad_request (resp, "A parameter, Collection and Date are required for this API call.");
      return FALSE;
    }
  if (collection == NULL)
    {
      set_bad_request (resp, "A parameter, Collection is required for this API call.");
      return FALSE;
    }
  f->collection = collection;
  if (date != NULL)
    {
      if (!parse_date (date, req->version == 4 ? "MM-DD-YYYY" : "YYYY/MM/DD", &f->released))
        {
          set_server_error (resp);
          return FALSE;
        }
      f->has_released = TRUE;
      f->inclusive = req->version == 4;
    }
  return TRUE;
}

static void
new_patients_in_collection (FakeNbia      *self,
                            const Request *req,
                            Response      *resp)
{
  const FakeArchive *a = self->archive;
  g_autoptr(FakeTable) table = NULL;
  Filter f;

  if (!new_things_filter (req, resp, &f))
    return;
  table = table_for (req, resp, FORMAT_JSON);
  if (table == NULL)
    return;
  resp->is_json = table_is_json (req, FORMAT_JSON);
  for (guint32 p = 0; p < a->n_patients; p++)
    if (ci_equal (a->collections[a->patients[p].collection].name, f.collection) &&
        released_matches (&f, a->patients[p].released_day))
      patient_row (self, table, req->version, p);
  finish_table (resp, table);
}

static void
new_studies_in_patient_collection (FakeNbia      *self,
                                   const Request *req,
                                   Response      *resp)
{
  const FakeArchive *a = self->archive;
  g_autoptr(FakeTable) table = NULL;
  Filter f;

  if (!new_things_filter (req, resp, &f))
    return;
  f.patient_id = req_get (req, "PatientID");
  table = table_for (req, resp, FORMAT_JSON);
  if (table == NULL)
    return;
  resp->is_json = table_is_json (req, FORMAT_JSON);
  for (guint32 st = 0; st < a->n_studies; st++)
    {
      guint32 p = a->studies[st].patient;

      if (ci_equal (a->collections[a->patients[p].collection].name, f.collection) &&
          patient_matches (a, p, &f) && released_matches (&f, a->patients[p].released_day))
        study_row (self, table, req->version, st);
    }
  finish_table (resp, table);
}

/* ---- endpoints: one series ---- */

static gint64
require_series (FakeNbia      *self,
                const Request *req,
                Response      *resp)
{
  const char *uid = req_get (req, "SeriesInstanceUID");

  if (uid == NULL)
    {
      set_bad_request (resp, "A parameter, SeriesInstanceUID is required for this API call.");
      return -2;
    }
  return fake_archive_find_series (self->archive, uid);
}

static void
get_series_size (FakeNbia      *self,
                 const Request *req,
                 Response      *resp)
{
  gint64 s = require_series (self, req, resp);
  g_autoptr(FakeTable) table = NULL;

  if (s == -2)
    return;
  table = table_for (req, resp, FORMAT_JSON);
  if (table == NULL)
    return;
  resp->is_json = table_is_json (req, FORMAT_JSON);
  if (s >= 0)
    {
      fake_table_int (table, "TotalSizeInBytes", self->archive->series[s].file_size);
      fake_table_int (table, "ObjectCount", self->archive->series[s].n_images);
      fake_table_end_row (table);
    }
  finish_table (resp, table);
}

static void
get_sop_instance_uids (FakeNbia      *self,
                       const Request *req,
                       Response      *resp)
{
  gint64 s = require_series (self, req, resp);
  g_autoptr(FakeTable) table = NULL;

  if (s == -2)
    return;
  table = table_for (req, resp, FORMAT_JSON);
  if (table == NULL)
    return;
  resp->is_json = table_is_json (req, FORMAT_JSON);
  for (guint32 i = 0; s >= 0 && i < self->archive->series[s].n_images; i++)
    {
      char uid[FAKE_UID_MAX];

      fake_archive_sop_uid (self->archive, s, i, uid);
      fake_table_string (table, "SOPInstanceUID", uid);
      fake_table_end_row (table);
    }
  finish_table (resp, table);
}

static void
get_single_image (FakeNbia      *self,
                  const Request *req,
                  Response      *resp)
{
  const char *series_uid = req_get (req, "SeriesInstanceUID");
  const char *sop_uid = req_get (req, "SOPInstanceUID");
  g_autoptr(GByteArray) file = NULL;
  guint32 series, image;

  if (series_uid == NULL || sop_uid == NULL)
    {
      set_bad_request (resp, "A parameter, SeriesInstanceUID and SOPInstanceUID, are required "
                             "for this API call.");
      return;
    }
  if (!fake_archive_find_sop (self->archive, sop_uid, &series, &image) ||
      fake_archive_find_series (self->archive, series_uid) != series)
    {
      /* NBIA dereferences null here. */
      set_server_error (resp);
      return;
    }
  file = fake_dicom_build (self->archive, series, image);
  resp->status = SOUP_STATUS_OK;
  resp->content_type = g_strdup ("application/dicom");
  resp->disposition = g_strdup_printf ("attachment; filename=%s.dcm", sop_uid);
  resp->body = g_byte_array_free_to_bytes (g_steal_pointer (&file));
}

static FakeNbiaFault take_fault (FakeNbia   *self,
                                 guint       mask,
                                 const char *uid);

/* v4 getThumbnail: NBIA renders the image as a JPEG; an image that is not
 * in the series is a NullPointerException there, so a 500. */
static void
get_thumbnail (FakeNbia      *self,
               const Request *req,
               Response      *resp)
{
  static const guint8 corrupt[] = { 0xff, 0xd8, 0xff, 0xe0, 'n', 'o', 't', ' ', 'a', ' ',
                                    'J', 'P', 'E', 'G' };
  const char *series_uid = req_get (req, "seriesUID");
  const char *sop_uid = req_get (req, "objectUID");
  guint32 series, image;

  if (series_uid == NULL || sop_uid == NULL)
    {
      set_bad_request (resp, "A parameter, seriesUID and objectUID, are required "
                             "for this API call.");
      return;
    }
  switch (take_fault (self, (1u << FAKE_NBIA_FAULT_THUMBNAIL_500) |
                            (1u << FAKE_NBIA_FAULT_THUMBNAIL_CORRUPT), series_uid))
    {
    case FAKE_NBIA_FAULT_THUMBNAIL_500:
      set_server_error (resp);
      return;
    case FAKE_NBIA_FAULT_THUMBNAIL_CORRUPT:
      resp->status = SOUP_STATUS_OK;
      resp->content_type = g_strdup ("image/jpeg");
      resp->body = g_bytes_new_static (corrupt, sizeof corrupt);
      return;
    default:
      break;
    }
  if (!fake_archive_find_sop (self->archive, sop_uid, &series, &image) ||
      fake_archive_find_series (self->archive, series_uid) != series)
    {
      set_server_error (resp);
      return;
    }
  resp->status = SOUP_STATUS_OK;
  resp->content_type = g_strdup ("image/jpeg");
  resp->body = fake_thumbnail_build (series, image);
}

static void
md5_for_image (FakeNbia      *self,
               const Request *req,
               Response      *resp,
               const char    *param)
{
  const char *uid = req_get (req, param);
  g_autofree char *md5 = NULL;
  guint32 series, image;

  if (uid == NULL)
    {
      g_autofree char *text = g_strdup_printf ("A parameter, %s is required for this API call.",
                                               param);
      set_bad_request (resp, text);
      return;
    }
  resp->status = SOUP_STATUS_OK;
  if (!fake_archive_find_sop (self->archive, uid, &series, &image))
    return;
  md5 = fake_dicom_md5 (self->archive, series, image);
  set_text (resp, SOUP_STATUS_OK, "text/plain", md5);
}

static void
get_md5_hash_for_image (FakeNbia      *self,
                        const Request *req,
                        Response      *resp)
{
  md5_for_image (self, req, resp, "SOPInstanceUID");
}

static void
get_m5_hash_for_image (FakeNbia      *self,
                       const Request *req,
                       Response      *resp)
{
  md5_for_image (self, req, resp, "SOPInstanceUid");
}

static gboolean
zip_series (FakeNbia      *self,
            const Request *req,
            Response      *resp)
{
  const char *uid = req_get (req, "SeriesInstanceUID");
  gint64 s;

  if (uid == NULL)
    {
      set_bad_request (resp, "A parameter, SeriesInstanceUID, is required for this API call.");
      return FALSE;
    }
  s = fake_archive_find_series (self->archive, uid);
  if (s < 0)
    {
      g_autofree char *text = NULL;

      if (req->version == 4)
        text = g_strdup_printf ("The user has not been granted the access to image with given "
                                "SeriesInstanceUID,%s. Please contact System Admin to resolve "
                                "this issue.", uid);
      else
        text = g_strdup_printf ("Image with given SeriesInstanceUID,%s, is not in public domain.",
                                uid);
      set_bad_request (resp, text);
      return FALSE;
    }
  resp->zip = TRUE;
  resp->zip_series = s;
  resp->status = SOUP_STATUS_OK;
  return TRUE;
}

static void
get_image (FakeNbia      *self,
           const Request *req,
           Response      *resp)
{
  const char *new_names = req_get (req, "NewFileNames");
  const char *md5 = req->version == 4 ? req_get (req, "IncludeMD5") : NULL;

  if (!zip_series (self, req, resp))
    return;
  resp->zip_flags = FAKE_ZIP_LICENSE;
  if (new_names != NULL && g_ascii_strcasecmp (new_names, "Yes") == 0)
    resp->zip_flags |= FAKE_ZIP_NEW_NAMES;
  if (md5 != NULL && g_ascii_strcasecmp (md5, "Yes") == 0)
    resp->zip_flags |= FAKE_ZIP_MD5;
}

static void
get_image_with_md5_hash (FakeNbia      *self,
                         const Request *req,
                         Response      *resp)
{
  if (zip_series (self, req, resp))
    resp->zip_flags = FAKE_ZIP_MD5;
}

/* Keeps [A-Za-z0-9 .-], as V1_getSeriesMetaData does to descriptions. */
static char *
sanitize (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text ? text : ""; *p; p++)
    if (g_ascii_isalnum (*p) || *p == ' ' || *p == '.' || *p == '-')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

static void
get_series_meta_data_v1 (FakeNbia      *self,
                         const Request *req,
                         Response      *resp)
{
  const FakeArchive *a = self->archive;
  gint64 s = require_series (self, req, resp);
  g_autoptr(FakeTable) table = NULL;
  const FakeSeries *series;
  const FakeStudy *st;
  const FakePatient *p;
  const FakeCollection *c;
  char series_uid[FAKE_UID_MAX], study_uid[FAKE_UID_MAX], patient_id[FAKE_STR_MAX];
  char study_date[16], released[40], series_date[40], stamp[40];
  char images[16], size[32], number[32], study_id[16];
  g_autofree char *study_desc = NULL;
  g_autofree char *series_desc = NULL;
  g_autofree char *manufacturer = NULL;

  if (s == -2)
    return;
  if (s < 0)
    {
      resp->status = SOUP_STATUS_NO_CONTENT;
      return;
    }
  table = table_for (req, resp, FORMAT_JSON);
  if (table == NULL)
    return;
  resp->is_json = table_is_json (req, FORMAT_JSON);
  series = &a->series[s];
  st = fake_series_study (a, s);
  p = fake_series_patient (a, s);
  c = fake_series_collection (a, s);
  fake_archive_series_uid (a, s, series_uid);
  fake_archive_study_uid (a, series->study, study_uid);
  fake_archive_patient_id (a, st->patient, patient_id);
  date_v4 (st->day, study_date);
  java_date (p->released_day, c->released_secs, released);
  java_date (st->day, 0, series_date);
  java_date (p->released_day - series->submitted_before, c->released_secs, stamp);
  g_snprintf (images, sizeof images, "%u", series->n_images);
  g_snprintf (size, sizeof size, "%" G_GUINT64_FORMAT, series->file_size);
  g_snprintf (number, sizeof number, "%u.000000", series->series_number);
  g_snprintf (study_id, sizeof study_id, "%u", st->study_id);
  study_desc = sanitize (fake_study_description (st->description));
  series_desc = sanitize (fake_series_description (series->description));
  manufacturer = g_strdup (fake_manufacturer_name (series->manufacturer));
  if (manufacturer == NULL)
    manufacturer = g_strdup ("");
  g_strdelimit (manufacturer, ",", ' ');

#define NS(x) ((x) ? (x) : "")
  fake_table_string (table, "Series UID", series_uid);
  fake_table_string (table, "Collection", c->name);
  fake_table_string (table, "3rd Party Analysis",
                     series->third_party == FAKE_NONE ? "" : (series->third_party ? "YES" : "NO"));
  fake_table_string (table, "Data Description URI", c->doi);
  fake_table_string (table, "Subject ID", patient_id);
  fake_table_string (table, "Study UID", study_uid);
  fake_table_string (table, "Study Description", study_desc);
  fake_table_string (table, "Study Date", study_date);
  fake_table_string (table, "Series Description", series_desc);
  fake_table_string (table, "Manufacturer", manufacturer);
  fake_table_string (table, "Modality", fake_modalities[series->modality]);
  fake_table_string (table, "SOP Class UID", fake_modality_sop_class (series->modality));
  if (!counts_hidden (req, series_uid))
    {
      fake_table_string (table, "Number of Images", images);
      fake_table_string (table, "File Size", size);
    }
  fake_table_string (table, "File Location", st->study_id ? study_id : "");
  fake_table_string (table, "Series Number", number);
  fake_table_string (table, "License Name", fake_licenses[c->license].long_name);
  fake_table_string (table, "License URL", fake_licenses[c->license].url);
  fake_table_string (table, "Annotation Size", "0");
  fake_table_string (table, "Date Released", released);
  fake_table_string (table, "Series Date", series_date);
  fake_table_string (table, "Protocol Name", NS (fake_protocol_name (series->protocol)));
  fake_table_string (table, "Body Part Examined",
                     series->body_part == FAKE_NONE ? "" : fake_body_parts[series->body_part]);
  fake_table_string (table, "Annotations Flag", series->annotations == 1 ? "true" : "false");
  fake_table_string (table, "Manufacturer Model Name",
                     NS (fake_manufacturer_model (series->manufacturer)));
  fake_table_string (table, "Software Versions",
                     NS (fake_manufacturer_software (series->manufacturer)));
  fake_table_string (table, "TimeStamp", stamp);
#undef NS
  fake_table_end_row (table);
  finish_table (resp, table);
}

/* Every value of the repeated and/or comma-separated form parameter @name. */
static GPtrArray *
form_list (const Request *req,
           const char    *name,
           gboolean       split)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < req->params->len; i++)
    {
      Param *p = req->params->pdata[i];
      g_auto(GStrv) parts = NULL;

      if (strcmp (p->name, name) != 0)
        continue;
      if (!split)
        {
          if (p->value[0] != '\0')
            g_ptr_array_add (list, g_strdup (p->value));
          continue;
        }
      parts = g_strsplit (p->value, ",", -1);
      for (guint j = 0; parts[j] != NULL; j++)
        {
          char *uid = g_strstrip (parts[j]);

          if (uid[0] != '\0')
            g_ptr_array_add (list, g_strdup (uid));
        }
    }
  return list;
}

static void
get_series_metadata_v4 (FakeNbia      *self,
                        const Request *req,
                        Response      *resp)
{
  const FakeArchive *a = self->archive;
  g_autoptr(GPtrArray) uids = form_list (req, "list", TRUE);
  g_autoptr(FakeTable) table = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  Format format = parse_format (param_get (req->params, "format"), FORMAT_CSV_DOWNLOAD);

  if (uids->len == 0)
    {
      set_bad_request (resp, "A form parameter, list, containing at least one "
                             "SeriesInstanceUID is required.");
      return;
    }
  if (format == FORMAT_CSV)
    format = FORMAT_CSV_DOWNLOAD;
  if (format == FORMAT_BAD)
    {
      set_server_error (resp);
      return;
    }
  resp->is_json = format == FORMAT_JSON;
  if (format == FORMAT_CSV_DOWNLOAD)
    resp->disposition = g_strdup ("attachment; filename=\"SeriesMetaData.csv\"");
  table = fake_table_new (resp->is_json ? FAKE_TABLE_JSON : FAKE_TABLE_CSV);

  for (guint i = 0; i < uids->len; i++)
    {
      gint64 s = fake_archive_find_series (a, uids->pdata[i]);
      const FakeSeries *series;
      const FakeStudy *st;
      const FakePatient *p;
      const FakeCollection *c;
      const FakeLicense *l;
      char patient_id[FAKE_STR_MAX], study_uid[FAKE_UID_MAX], study_date[16], age[16];
      char study_id[16], released[16], submitted[16];

      if (s < 0 || g_hash_table_contains (seen, GINT_TO_POINTER (s + 1)))
        continue;
      g_hash_table_add (seen, GINT_TO_POINTER (s + 1));
      series = &a->series[s];
      st = fake_series_study (a, s);
      p = fake_series_patient (a, s);
      c = fake_series_collection (a, s);
      l = &fake_licenses[c->license];
      fake_archive_patient_id (a, st->patient, patient_id);
      fake_archive_study_uid (a, series->study, study_uid);
      date_v4 (st->day, study_date);
      date_v4 (p->released_day, released);
      date_v4 (p->released_day - series->submitted_before, submitted);
      g_snprintf (age, sizeof age, "%03uY", p->age);
      g_snprintf (study_id, sizeof study_id, "%u", st->study_id);

      fake_table_string (table, "PatientID", patient_id);
      fake_table_string (table, "PatientName", patient_id);
      fake_table_string (table, "PatientSex", p->sex == FAKE_NONE ? NULL : fake_sexes[p->sex]);
      fake_table_string (table, "EthnicGroup", fake_ethnic_group (p->ethnic));
      fake_table_string (table, "Phantom", "NO");
      fake_table_string (table, "SpeciesCode", fake_species_code (c->species));
      fake_table_string (table, "SpeciesDescription", fake_species_description (c->species));
      fake_table_string (table, "StudyInstanceUID", study_uid);
      fake_table_string (table, "StudyDate", study_date);
      fake_table_string (table, "StudyDesc", fake_study_description (st->description));
      fake_table_string (table, "AdmittingDiagnosisDescription", NULL);
      fake_table_string (table, "StudyID", st->study_id ? study_id : NULL);
      fake_table_string (table, "PatientAge", p->age ? age : NULL);
      fake_table_string (table, "LongitudinalTemporalEventType",
                         fake_event_type (st->event_type));
      if (st->event_type != FAKE_NONE)
        fake_table_int (table, "LongitudinalTemporalOffsetFromEvent", st->event_offset);
      else
        fake_table_string (table, "LongitudinalTemporalOffsetFromEvent", NULL);
      fake_table_string (table, "SeriesInstanceUID", uids->pdata[i]);
      fake_table_string (table, "Collection", c->name);
      fake_table_string (table, "Site", c->site);
      fake_table_string (table, "Modality", fake_modalities[series->modality]);
      fake_table_string (table, "ProtocolName", fake_protocol_name (series->protocol));
      fake_table_string (table, "SeriesDate", study_date);
      fake_table_string (table, "SeriesDescription",
                         fake_series_description (series->description));
      fake_table_string (table, "BodyPartExamined",
                         series->body_part == FAKE_NONE ? NULL
                         : fake_body_parts[series->body_part]);
      fake_table_decimal (table, "SeriesNumber", series->series_number);
      fake_table_bool (table, "AnnotationsFlag",
                       series->annotations == FAKE_NONE ? -1 : series->annotations);
      fake_table_string (table, "Manufacturer", fake_manufacturer_name (series->manufacturer));
      fake_table_string (table, "ManufacturerModelName",
                         fake_manufacturer_model (series->manufacturer));
      fake_table_string (table, "PixelSpacing(mm)-Row", "0.878906");
      fake_table_string (table, "SliceThickness(mm)", "3.000000");
      fake_table_string (table, "SoftwareVersions",
                         fake_manufacturer_software (series->manufacturer));
      if (!counts_hidden (req, uids->pdata[i]))
        fake_table_int (table, "ImageCount", series->n_images);
      fake_table_string (table, "MaxSubmissionTimestamp", submitted);
      fake_table_string (table, "LicenseName", l->long_name);
      fake_table_string (table, "LicenseURI", l->url);
      fake_table_string (table, "DataDescriptionURI", c->doi);
      if (!counts_hidden (req, uids->pdata[i]))
        fake_table_int (table, "FileSize", series->file_size);
      fake_table_string (table, "ReleasedStatus", "Yes");
      fake_table_string (table, "DateReleased", released);
      fake_table_string (table, "ThirdPartyAnalysis",
                         series->third_party == FAKE_NONE ? NULL
                         : (series->third_party ? "YES" : "NO"));
      fake_table_int (table, "Authorized", 1);
      fake_table_end_row (table);
    }
  finish_table (resp, table);
}

/* ---- carts, descriptions, manifests, simple search ---- */

typedef struct
{
  const char *name;
  guint       kind;
} Cart;

static const Cart carts[] = {
  { "nbia-49121659384603347", 0 },   /* the first five series and the last regular one */
  { "nbia-56821341087226601", 1 },   /* every seventh series, at most 20 */
  { "nbia-11001233478812345", 2 },   /* the first series of each collection */
};

static GArray *
cart_series (const FakeArchive *a,
             const char        *name)
{
  GArray *list = NULL;
  guint32 n_regular = a->n_series;

  for (guint i = 0; i < G_N_ELEMENTS (carts); i++)
    {
      if (strcmp (carts[i].name, name) != 0)
        continue;
      list = g_array_new (FALSE, FALSE, sizeof (guint32));
      if (a->n_collections > 0 &&
          g_str_equal (a->collections[a->n_collections - 1].name, "Big-Series"))
        n_regular--;
      switch (carts[i].kind)
        {
        case 0:
          for (guint32 s = 0; s < MIN (5, n_regular); s++)
            g_array_append_val (list, s);
          if (n_regular > 5)
            {
              guint32 last = n_regular - 1;

              g_array_append_val (list, last);
            }
          break;
        case 1:
          for (guint32 s = 0; s < n_regular && list->len < 20; s += 7)
            g_array_append_val (list, s);
          break;
        case 2:
        default:
          for (guint k = 0; k < a->n_collections; k++)
            if (a->collections[k].n_series > 0)
              g_array_append_val (list, a->collections[k].first_series);
          break;
        }
    }
  return list;
}

static void
get_contents_by_name (FakeNbia      *self,
                      const Request *req,
                      Response      *resp)
{
  const char *name = req_get (req, "name");
  g_autoptr(FakeTable) table = fake_table_new (FAKE_TABLE_JSON);
  g_autoptr(GArray) list = NULL;
  SeriesRows rows = { .table = table, .version = 1, .cart = TRUE };

  if (name == NULL)
    {
      set_bad_request (resp, "A parameter, name is required for this API call.");
      return;
    }
  resp->is_json = TRUE;
  list = cart_series (self->archive, name);
  for (guint i = 0; list != NULL && i < list->len; i++)
    series_row (self->archive, g_array_index (list, guint32, i), &rows);
  finish_table (resp, table);
}

static void
get_collection_descriptions (FakeNbia      *self,
                             const Request *req,
                             Response      *resp)
{
  const char *name = req_get (req, "collectionName");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_array (builder);
  for (guint k = 0; k < self->archive->n_collections; k++)
    {
      const FakeCollection *c = &self->archive->collections[k];

      if (!ci_equal (c->name, name) || fake_changes_collection_hidden (self->archive, k))
        continue;
      /* Jackson writes nulls. */
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "description");
      if (c->description != NULL)
        json_builder_add_string_value (builder, c->description);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, k + 1);
      json_builder_set_member_name (builder, "collectionName");
      json_builder_add_string_value (builder, c->name);
      json_builder_set_member_name (builder, "descriptionURI");
      json_builder_add_string_value (builder, c->doi);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  set_text (resp, SOUP_STATUS_OK, "application/json", text);
  resp->is_json = TRUE;
}

static void
get_manifest_text (FakeNbia      *self,
                   const Request *req,
                   Response      *resp)
{
  g_autoptr(GPtrArray) uids = form_list (req, "list", FALSE);
  const char *annotation = req_get (req, "includeAnnotation");
  GString *text;

  if (uids->len == 0)
    {
      set_bad_request (resp, "A form parameter, list, containing at least one "
                             "SeriesInstanceUID is required.");
      return;
    }
  text = g_string_new (NULL);
  g_string_append_printf (text,
                          "downloadServerUrl=https://public.cancerimagingarchive.net/"
                          "nbia-download/servlet/DownloadServlet\n"
                          "includeAnnotation=%s\n"
                          "noOfrRetry=4\n"
                          "databasketId=manifest-%" G_GINT64_FORMAT ".tcia\n"
                          "manifestVersion=3.0\n"
                          "ListOfSeriesToDownload=\n",
                          annotation != NULL && g_ascii_strcasecmp (annotation, "true") == 0
                          ? "true" : "false",
                          g_get_real_time () / 1000);
  for (guint i = 0; i < uids->len; i++)
    g_string_append_printf (text, "%s\n", (char *) uids->pdata[i]);
  resp->status = SOUP_STATUS_OK;
  resp->content_type = g_strdup ("application/x-nbia-manifest-file");
  resp->body = g_string_free_to_bytes (text);
}

typedef struct
{
  GPtrArray *collections;
  GPtrArray *modalities;
  GPtrArray *body_parts;
  GPtrArray *manufacturers;
  GPtrArray *patients;
  GPtrArray *species;
  GPtrArray *sexes;
} Criteria;

static gboolean
any_ci (GPtrArray  *values,
        const char *value)
{
  if (values->len == 0)
    return TRUE;
  for (guint i = 0; i < values->len; i++)
    if (value != NULL && g_ascii_strcasecmp (values->pdata[i], value) == 0)
      return TRUE;
  return FALSE;
}

typedef struct
{
  guint32 patient;
  guint   n_studies;
  guint   n_series;
  char    id[FAKE_STR_MAX];
} SearchHit;

typedef struct
{
  const char        *field;
  gboolean           descending;
  const FakeArchive *archive;
} SortSpec;

static int
compare_hits (gconstpointer pa,
              gconstpointer pb,
              gpointer      user_data)
{
  const SearchHit *a = *(SearchHit **) pa;
  const SearchHit *b = *(SearchHit **) pb;
  const SortSpec *spec = user_data;
  const FakeArchive *archive = spec->archive;
  int r;

  if (strcmp (spec->field, "collection") == 0)
    r = strcmp (archive->collections[archive->patients[a->patient].collection].name,
                archive->collections[archive->patients[b->patient].collection].name);
  else if (strcmp (spec->field, "study") == 0 ||
           strcmp (spec->field, "totalNumberOfStudies") == 0)
    r = (int) a->n_studies - (int) b->n_studies;
  else if (strcmp (spec->field, "series") == 0 ||
           strcmp (spec->field, "totalNumberOfSeries") == 0)
    r = (int) a->n_series - (int) b->n_series;
  else
    r = 0;
  if (r == 0)
    r = strcmp (a->id, b->id);
  return spec->descending ? -r : r;
}

static void
add_value_counts (JsonBuilder *builder,
                  const char  *member,
                  GHashTable  *counts)
{
  g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (counts), (GCompareFunc) strcmp);

  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, l->data);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, GPOINTER_TO_UINT (g_hash_table_lookup (counts,
                                                                                  l->data)));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
count_once (GHashTable *patient_values,
            const char *value)
{
  if (value != NULL)
    g_hash_table_add (patient_values, (gpointer) value);
}

static void
merge_counts (GHashTable *counts,
              GHashTable *patient_values)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, patient_values);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_insert (counts, key,
                         GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, key))
                                           + 1));
  g_hash_table_remove_all (patient_values);
}

static void
get_simple_search (FakeNbia      *self,
                   const Request *req,
                   Response      *resp)
{
  const FakeArchive *a = self->archive;
  const char *field = req_get (req, "sortField");
  const char *direction = req_get (req, "sortDirection");
  const char *start_text = req_get (req, "start");
  const char *size_text = req_get (req, "size");
  Criteria cr;
  SortSpec spec;
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) modality_counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) body_part_counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) collection_counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) species_counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen_modalities = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen_body_parts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen_other = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *text = NULL;
  g_autofree char *sort = NULL;
  guint64 start, size;

  if (field == NULL || direction == NULL || start_text == NULL || size_text == NULL)
    {
      set_server_error (resp);
      return;
    }
  start = g_ascii_strtoull (start_text, NULL, 10);
  size = g_ascii_strtoull (size_text, NULL, 10);

  cr.collections = g_ptr_array_new ();
  cr.modalities = g_ptr_array_new ();
  cr.body_parts = g_ptr_array_new ();
  cr.manufacturers = g_ptr_array_new ();
  cr.patients = g_ptr_array_new ();
  cr.species = g_ptr_array_new ();
  cr.sexes = g_ptr_array_new ();
  for (guint i = 0; i < req->params->len; i++)
    {
      Param *p = req->params->pdata[i];
      g_autofree char *value_name = NULL;
      const char *value;
      GPtrArray *target = NULL;

      if (!g_str_has_prefix (p->name, "criteriaType"))
        continue;
      value_name = g_strconcat ("value", p->name + strlen ("criteriaType"), NULL);
      value = req_get (req, value_name);
      if (value == NULL)
        continue;
      if (strcmp (p->value, "CollectionCriteria") == 0)
        target = cr.collections;
      else if (strcmp (p->value, "ImageModalityCriteria") == 0)
        target = cr.modalities;
      else if (strcmp (p->value, "AnatomicalSiteCriteria") == 0 ||
               strcmp (p->value, "BodyPartExaminedCriteria") == 0)
        target = cr.body_parts;
      else if (strcmp (p->value, "ManufacturerCriteria") == 0)
        target = cr.manufacturers;
      else if (strcmp (p->value, "PatientCriteria") == 0)
        target = cr.patients;
      else if (strcmp (p->value, "SpeciesCriteria") == 0)
        target = cr.species;
      else if (strcmp (p->value, "PatientSexCriteria") == 0)
        target = cr.sexes;
      if (target != NULL)
        g_ptr_array_add (target, (gpointer) value);
    }

  json_builder_begin_object (builder);
  for (guint32 pi = 0; pi < a->n_patients; pi++)
    {
      const FakePatient *p = &a->patients[pi];
      const FakeCollection *c = &a->collections[p->collection];
      SearchHit *hit = NULL;
      char id[FAKE_STR_MAX];

      fake_archive_patient_id (a, pi, id);
      if (!any_ci (cr.collections, c->name) || !any_ci (cr.patients, id) ||
          !any_ci (cr.species, fake_species_code (c->species)) ||
          !any_ci (cr.sexes, p->sex == FAKE_NONE ? NULL : fake_sexes[p->sex]))
        continue;
      for (guint32 st = p->first_study; st < p->first_study + p->n_studies; st++)
        {
          const FakeStudy *study = &a->studies[st];
          gboolean study_hit = FALSE;

          for (guint32 s = study->first_series; s < study->first_series + study->n_series; s++)
            {
              const FakeSeries *series = &a->series[s];
              const char *body_part = series->body_part == FAKE_NONE ? NULL
                                      : fake_body_parts[series->body_part];

              if (!any_ci (cr.modalities, fake_modalities[series->modality]) ||
                  !any_ci (cr.body_parts, body_part) ||
                  !any_ci (cr.manufacturers, fake_manufacturer_name (series->manufacturer)))
                continue;
              if (hit == NULL)
                {
                  hit = g_new0 (SearchHit, 1);
                  hit->patient = pi;
                  memcpy (hit->id, id, sizeof id);
                  g_ptr_array_add (hits, hit);
                }
              hit->n_series++;
              study_hit = TRUE;
              count_once (seen_modalities, fake_modalities[series->modality]);
              count_once (seen_body_parts, body_part);
            }
          if (study_hit)
            hit->n_studies++;
        }
      if (hit != NULL)
        {
          merge_counts (modality_counts, seen_modalities);
          merge_counts (body_part_counts, seen_body_parts);
          count_once (seen_other, c->name);
          merge_counts (collection_counts, seen_other);
          count_once (seen_other, fake_species_code (c->species));
          merge_counts (species_counts, seen_other);
        }
    }

  spec.field = field;
  spec.descending = g_ascii_strcasecmp (direction, "descending") == 0;
  spec.archive = a;
  g_ptr_array_sort_with_data (hits, compare_hits, &spec);

  json_builder_set_member_name (builder, "resultSet");
  json_builder_begin_array (builder);
  for (guint64 i = start; i < hits->len && i < start + size; i++)
    {
      SearchHit *hit = hits->pdata[i];
      const FakePatient *p = &a->patients[hit->patient];
      const FakeCollection *c = &a->collections[p->collection];
      g_autoptr(GHashTable) mods = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GHashTable) parts = g_hash_table_new (g_str_hash, g_str_equal);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, hit->patient + 1);
      json_builder_set_member_name (builder, "subjectId");
      json_builder_add_string_value (builder, hit->id);
      json_builder_set_member_name (builder, "project");
      json_builder_add_string_value (builder, c->name);
      json_builder_set_member_name (builder, "totalNumberOfStudies");
      json_builder_add_int_value (builder, hit->n_studies);
      json_builder_set_member_name (builder, "totalNumberOfSeries");
      json_builder_add_int_value (builder, hit->n_series);
      json_builder_set_member_name (builder, "studyIdentifiers");
      json_builder_begin_array (builder);
      for (guint32 st = p->first_study; st < p->first_study + p->n_studies; st++)
        {
          const FakeStudy *study = &a->studies[st];

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "studyIdentifier");
          json_builder_add_int_value (builder, st + 1);
          json_builder_set_member_name (builder, "seriesIdentifiers");
          json_builder_begin_array (builder);
          for (guint32 s = study->first_series; s < study->first_series + study->n_series; s++)
            json_builder_add_int_value (builder, s + 1);
          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "seriesAndModality");
          json_builder_begin_array (builder);
          for (guint32 s = study->first_series; s < study->first_series + study->n_series; s++)
            {
              const FakeSeries *series = &a->series[s];

              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "seriesId");
              json_builder_add_int_value (builder, s + 1);
              json_builder_set_member_name (builder, "modality");
              json_builder_add_string_value (builder, fake_modalities[series->modality]);
              json_builder_end_object (builder);
              g_hash_table_add (mods, (gpointer) fake_modalities[series->modality]);
              if (series->body_part != FAKE_NONE)
                g_hash_table_add (parts, (gpointer) fake_body_parts[series->body_part]);
            }
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "modalities");
      json_builder_begin_array (builder);
      {
        g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (mods), (GCompareFunc) strcmp);

        for (GList *l = keys; l != NULL; l = l->next)
          json_builder_add_string_value (builder, l->data);
      }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "bodyParts");
      json_builder_begin_array (builder);
      {
        g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (parts),
                                             (GCompareFunc) strcmp);

        for (GList *l = keys; l != NULL; l = l->next)
          json_builder_add_string_value (builder, l->data);
      }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "species");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, fake_species_code (c->species));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "timepoints");
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "authorized");
      json_builder_add_int_value (builder, 1);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "totalPatients");
  json_builder_add_int_value (builder, hits->len);
  add_value_counts (builder, "bodyParts", body_part_counts);
  add_value_counts (builder, "modalities", modality_counts);
  add_value_counts (builder, "collections", collection_counts);
  add_value_counts (builder, "species", species_counts);
  json_builder_set_member_name (builder, "maxTimepoints");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "minTimepoints");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  sort = g_strdup_printf ("%s-%s", field, direction);
  json_builder_set_member_name (builder, "sort");
  json_builder_add_string_value (builder, sort);
  json_builder_end_object (builder);

  g_ptr_array_unref (cr.collections);
  g_ptr_array_unref (cr.modalities);
  g_ptr_array_unref (cr.body_parts);
  g_ptr_array_unref (cr.manufacturers);
  g_ptr_array_unref (cr.patients);
  g_ptr_array_unref (cr.species);
  g_ptr_array_unref (cr.sexes);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  set_text (resp, SOUP_STATUS_OK, "application/json", text);
  resp->is_json = TRUE;
}

/* ---- the endpoint table ---- */

#define ALLOWED(...) ((const char *const[]) { __VA_ARGS__, NULL })

static const Endpoint endpoints[] = {
  { "getCollectionValues", V1 | V4, "GET", ALLOWED ("format"), FALSE, get_collection_values },
  { "getModalityValues", V1 | V4, "GET", ALLOWED ("Collection", "format", "BodyPartExamined"),
    FALSE, get_modality_values },
  { "getBodyPartValues", V1 | V4, "GET", ALLOWED ("Collection", "format", "Modality"),
    FALSE, get_body_part_values },
  { "getManufacturerValues", V1 | V4, "GET",
    ALLOWED ("Collection", "format", "Modality", "BodyPartExamined"),
    FALSE, get_manufacturer_values },
  { "getPatient", V1 | V4, "GET", ALLOWED ("Collection", "PatientId", "format"),
    FALSE, get_patient, TRUE },
  { "getPatientByCollectionAndModality", V1 | V4, "GET",
    ALLOWED ("Collection", "Modality", "format"), FALSE, get_patient_by_collection_and_modality },
  { "getPatientStudy", V1 | V4, "GET",
    ALLOWED ("Collection", "PatientID", "StudyInstanceUID", "format"), FALSE, get_patient_study, TRUE },
  { "getSeries", V1 | V4, "GET",
    ALLOWED ("Collection", "PatientID", "StudyInstanceUID", "Modality", "BodyPartExamined",
             "ManufacturerModelName", "Manufacturer", "SeriesInstanceUID", "format"),
    FALSE, get_series, TRUE },
  { "getSeriesSize", V1 | V4, "GET", ALLOWED ("SeriesInstanceUID", "format"),
    FALSE, get_series_size },
  { "getSOPInstanceUIDs", V1 | V4, "GET", ALLOWED ("SeriesInstanceUID", "format"),
    FALSE, get_sop_instance_uids },
  { "getSingleImage", V1 | V4, "GET", ALLOWED ("SeriesInstanceUID", "SOPInstanceUID"),
    FALSE, get_single_image },
  { "getImage", V1 | V4, "GET", ALLOWED ("SeriesInstanceUID", "NewFileNames", "IncludeMD5"),
    FALSE, get_image },
  { "getImageWithMD5Hash", V1 | V4, "GET", ALLOWED ("SeriesInstanceUID"),
    FALSE, get_image_with_md5_hash },
  { "getThumbnail", V4, "GET", ALLOWED ("seriesUID", "objectUID"), FALSE, get_thumbnail },
  { "getMD5HashForImage", V4, "GET", ALLOWED ("SOPInstanceUID"), FALSE, get_md5_hash_for_image },
  { "getM5HashForImage", V1, "GET", NULL, FALSE, get_m5_hash_for_image },
  { "getUpdatedSeries", V1 | V4, "GET", ALLOWED ("fromDate", "format"),
    FALSE, get_updated_series, TRUE },
  { "NewPatientsInCollection", V1 | V4, "GET", ALLOWED ("Collection", "fromDate", "format"),
    FALSE, new_patients_in_collection },
  { "NewStudiesInPatientCollection", V1 | V4, "GET",
    ALLOWED ("Collection", "PatientID", "fromDate", "format"),
    FALSE, new_studies_in_patient_collection },
  { "getSeriesMetaData", V1, "GET", NULL, FALSE, get_series_meta_data_v1 },
  { "getSeriesMetadata", V4, "POST", ALLOWED ("list", "format"), TRUE, get_series_metadata_v4 },
  { "getContentsByName", V1, "GET", NULL, FALSE, get_contents_by_name },
  { "getCollectionDescriptions", V4, "GET", ALLOWED ("collectionName"),
    FALSE, get_collection_descriptions },
  { "getCollectionValuesAndCounts", V4, "GET", NULL, FALSE, get_collection_values_and_counts },
  { "getModalityValuesAndCounts", V4, "GET", ALLOWED ("Collection", "BodyPartExamined"),
    FALSE, get_modality_values_and_counts },
  { "getBodyPartValuesAndCounts", V4, "GET", ALLOWED ("Collection", "Modality"),
    FALSE, get_body_part_values_and_counts },
  { "getManufacturerValuesAndCounts", V4, "GET",
    ALLOWED ("Collection", "Modality", "BodyPartExamined"),
    FALSE, get_manufacturer_values_and_counts },
  { "getSpeciesValuesAndCounts", V4, "GET", NULL, FALSE, get_species_values_and_counts },
  { "getManifestText", V4, "POST", ALLOWED ("list", "includeAnnotation"),
    TRUE, get_manifest_text },
  { "getSimpleSearch", V4, "POST", NULL, FALSE, get_simple_search },
};

static const Endpoint *
find_endpoint (const char *name,
               guint       version)
{
  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    if (strcmp (endpoints[i].name, name) == 0 &&
        (endpoints[i].versions & (version == 4 ? V4 : V1)))
      return &endpoints[i];
  return NULL;
}

/* v4's check: "Invalid query parameter: 'x'. Allowed parameters are: [a, b]". */
static gboolean
check_whitelist (const Endpoint *ep,
                 GPtrArray      *params,
                 Response       *resp)
{
  for (guint i = 0; i < params->len; i++)
    {
      Param *p = params->pdata[i];
      gboolean ok = FALSE;
      g_autoptr(GString) text = NULL;

      for (guint j = 0; ep->allowed[j] != NULL && !ok; j++)
        ok = strcmp (ep->allowed[j], p->name) == 0;
      if (ok)
        continue;
      text = g_string_new (NULL);
      g_string_append_printf (text, "Invalid %s parameter: '%s'. Allowed parameters are: [",
                              ep->form ? "form" : "query", p->name);
      for (guint j = 0; ep->allowed[j] != NULL; j++)
        g_string_append_printf (text, "%s%s", j > 0 ? ", " : "", ep->allowed[j]);
      g_string_append_c (text, ']');
      set_text (resp, SOUP_STATUS_BAD_REQUEST, "text/plain", text->str);
      return FALSE;
    }
  return TRUE;
}

/* ---- faults ---- */

#define FAULT_BIT(f) (1u << (f))
#define PRE_FAULTS (FAULT_BIT (FAKE_NBIA_FAULT_HTTP_429) | FAULT_BIT (FAKE_NBIA_FAULT_HTTP_503) | \
                    FAULT_BIT (FAKE_NBIA_FAULT_HTTP_500) | FAULT_BIT (FAKE_NBIA_FAULT_HTTP_400) | \
                    FAULT_BIT (FAKE_NBIA_FAULT_HTML_PAGE) | \
                    FAULT_BIT (FAKE_NBIA_FAULT_RETRY_AFTER_LONG))

static const char *const fault_names[] = {
  [FAKE_NBIA_FAULT_NONE] = "none",
  [FAKE_NBIA_FAULT_HTTP_429] = "http-429",
  [FAKE_NBIA_FAULT_HTTP_503] = "http-503",
  [FAKE_NBIA_FAULT_HTTP_500] = "http-500",
  [FAKE_NBIA_FAULT_HTTP_400] = "http-400",
  [FAKE_NBIA_FAULT_DROP] = "drop",
  [FAKE_NBIA_FAULT_ZIP_TRUNCATED] = "zip-truncated",
  [FAKE_NBIA_FAULT_WRONG_MD5] = "wrong-md5",
  [FAKE_NBIA_FAULT_ESCAPING_ENTRY] = "escaping-entry",
  [FAKE_NBIA_FAULT_ABSOLUTE_ENTRY] = "absolute-entry",
  [FAKE_NBIA_FAULT_MALFORMED_JSON] = "malformed-json",
  [FAKE_NBIA_FAULT_STALL] = "stall",
  [FAKE_NBIA_FAULT_HTML_PAGE] = "html-page",
  [FAKE_NBIA_FAULT_EMPTY_ZIP] = "empty-zip",
  [FAKE_NBIA_FAULT_MD5_ONLY_ZIP] = "md5-only-zip",
  [FAKE_NBIA_FAULT_ZIP_BOMB] = "zip-bomb",
  [FAKE_NBIA_FAULT_RETRY_AFTER_LONG] = "retry-after-long",
  [FAKE_NBIA_FAULT_NO_COUNTS] = "no-counts",
  [FAKE_NBIA_FAULT_TRICKLE] = "trickle",
  [FAKE_NBIA_FAULT_THUMBNAIL_500] = "thumbnail-500",
  [FAKE_NBIA_FAULT_THUMBNAIL_CORRUPT] = "thumbnail-corrupt",
};

G_STATIC_ASSERT (G_N_ELEMENTS (fault_names) == FAKE_NBIA_N_FAULTS);

FakeNbiaFault
fake_nbia_fault_from_string (const char *name)
{
  g_return_val_if_fail (name != NULL, FAKE_NBIA_FAULT_NONE);

  for (guint i = 1; i < FAKE_NBIA_N_FAULTS; i++)
    if (strcmp (fault_names[i], name) == 0)
      return i;
  return FAKE_NBIA_FAULT_NONE;
}

const char *
fake_nbia_fault_to_string (FakeNbiaFault fault)
{
  g_return_val_if_fail (fault < FAKE_NBIA_N_FAULTS, NULL);

  return fault_names[fault];
}

/* Takes one use of the first fault set whose kind is in @mask and whose series
 * (if any) is @uid. */
static FakeNbiaFault
take_fault (FakeNbia   *self,
            guint       mask,
            const char *uid)
{
  FakeNbiaFault fault = FAKE_NBIA_FAULT_NONE;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->faults->len; i++)
    {
      FaultEntry *f = self->faults->pdata[i];

      if (!(mask & FAULT_BIT (f->fault)))
        continue;
      if (f->uid != NULL && g_strcmp0 (f->uid, uid) != 0)
        continue;
      fault = f->fault;
      if (f->times > 0 && --f->times == 0)
        g_ptr_array_remove_index (self->faults, i);
      break;
    }
  g_mutex_unlock (&self->lock);
  return fault;
}

static void
count_series (const FakeArchive *a,
              guint32            series,
              gpointer           user_data)
{
  (*(guint *) user_data)++;
}

/* Whether the answer to @req has a row for the series @uid. */
static gboolean
lists_series (FakeNbia      *self,
              const Request *req,
              const char    *uid)
{
  if (strcmp (req->endpoint, "getSeries") == 0)
    {
      guint n = 0;
      Filter f;

      filter_from_request (req, &f);
      if (f.series_uid != NULL && strcmp (f.series_uid, uid) != 0)
        return FALSE;
      f.series_uid = uid;
      foreach_series (self->archive, &f, count_series, &n);
      return n > 0;
    }
  if (req->version == 4)
    {
      g_autoptr(GPtrArray) uids = form_list (req, "list", TRUE);

      return g_ptr_array_find_with_equal_func (uids, uid, g_str_equal, NULL);
    }
  return g_strcmp0 (req_get (req, "SeriesInstanceUID"), uid) == 0;
}

/* Takes one use of no-counts for a series listing it applies to. */
static void
take_no_counts (FakeNbia *self,
                Request  *req)
{
  g_autofree char *uid = NULL;
  gboolean found = FALSE;

  if (strcmp (req->endpoint, "getSeries") != 0 &&
      strcmp (req->endpoint, req->version == 4 ? "getSeriesMetadata" : "getSeriesMetaData") != 0)
    return;
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->faults->len && !found; i++)
    {
      FaultEntry *f = self->faults->pdata[i];

      found = f->fault == FAKE_NBIA_FAULT_NO_COUNTS;
      if (found)
        uid = g_strdup (f->uid);
    }
  g_mutex_unlock (&self->lock);
  if (!found || (uid != NULL && !lists_series (self, req, uid)))
    return;
  if (take_fault (self, FAULT_BIT (FAKE_NBIA_FAULT_NO_COUNTS), uid) == FAKE_NBIA_FAULT_NONE)
    return;
  req->no_counts = TRUE;
  req->no_counts_uid = g_steal_pointer (&uid);
}

/* The series a request is about, for faults limited to one series. */
static char *
request_series_uid (FakeNbia      *self,
                    const Request *req)
{
  const char *uid = param_get (req->query, "SeriesInstanceUID");
  const char *thumbnail_uid = param_get (req->query, "seriesUID");
  const char *sop = param_get (req->query, req->version == 4 ? "SOPInstanceUID"
                                                             : "SOPInstanceUid");
  guint32 series, image;

  if (uid != NULL)
    return g_strdup (uid);
  if (thumbnail_uid != NULL)
    return g_strdup (thumbnail_uid);
  if (sop != NULL && fake_archive_find_sop (self->archive, sop, &series, &image))
    {
      char buf[FAKE_UID_MAX];

      fake_archive_series_uid (self->archive, series, buf);
      return g_strdup (buf);
    }
  return NULL;
}

static void
apply_pre_fault (FakeNbia      *self,
                 FakeNbiaFault  fault,
                 const Request *req,
                 Response      *resp,
                 SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *retry = g_strdup_printf ("%u", self->options.retry_after_s);
  g_autofree char *text = NULL;

  switch (fault)
    {
    case FAKE_NBIA_FAULT_HTTP_429:
      set_text (resp, 429 /* Too Many Requests */, "text/plain", "Too Many Requests");
      soup_message_headers_replace (headers, "Retry-After", retry);
      break;
    case FAKE_NBIA_FAULT_HTTP_503:
      set_text (resp, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/plain", "Service Unavailable");
      soup_message_headers_replace (headers, "Retry-After", retry);
      break;
    case FAKE_NBIA_FAULT_RETRY_AFTER_LONG:
      set_text (resp, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/plain", "Service Unavailable");
      soup_message_headers_replace (headers, "Retry-After", "3600");
      break;
    case FAKE_NBIA_FAULT_HTTP_500:
      set_server_error (resp);
      break;
    case FAKE_NBIA_FAULT_HTTP_400:
      text = g_strdup_printf ("Simulated bad request: %s", req->endpoint);
      set_text (resp, SOUP_STATUS_BAD_REQUEST, "text/plain", text);
      break;
    case FAKE_NBIA_FAULT_HTML_PAGE:
      set_text (resp, SOUP_STATUS_OK, "text/html; charset=UTF-8",
                "<!DOCTYPE html>\n<html><head><title>Scheduled Maintenance</title></head>"
                "<body><h1>The Cancer Imaging Archive is down for maintenance</h1>"
                "<p>We&rsquo;ll be back shortly.</p></body></html>\n");
      break;
    case FAKE_NBIA_FAULT_NONE:
    case FAKE_NBIA_FAULT_DROP:
    case FAKE_NBIA_FAULT_ZIP_TRUNCATED:
    case FAKE_NBIA_FAULT_WRONG_MD5:
    case FAKE_NBIA_FAULT_ESCAPING_ENTRY:
    case FAKE_NBIA_FAULT_ABSOLUTE_ENTRY:
    case FAKE_NBIA_FAULT_MALFORMED_JSON:
    case FAKE_NBIA_FAULT_STALL:
    case FAKE_NBIA_FAULT_EMPTY_ZIP:
    case FAKE_NBIA_FAULT_MD5_ONLY_ZIP:
    case FAKE_NBIA_FAULT_ZIP_BOMB:
    case FAKE_NBIA_FAULT_NO_COUNTS:
    case FAKE_NBIA_FAULT_TRICKLE:
    case FAKE_NBIA_N_FAULTS:
    default:
      g_assert_not_reached ();
    }
}

/* ---- sending ---- */

static gboolean
close_connection_cb (gpointer data)
{
  SoupServerMessage *msg = data;
  GSocket *socket = soup_server_message_get_socket (msg);
  g_autoptr(GIOStream) stream = NULL;

  GBytes *tail = g_object_get_data (G_OBJECT (msg), "fake-nbia-tail");

  /* libsoup is idle (paused, nothing queued): what goes on the wire now is the
   * start of a chunk that never ends, so that the client sees the connection
   * close in the middle of a chunk rather than between two (where libsoup 3.2
   * would take it for the end). The terminating chunk libsoup writes when it
   * lets go of the connection then falls inside that chunk. */
  if (socket != NULL && tail != NULL)
    g_socket_send (socket, g_bytes_get_data (tail, NULL), g_bytes_get_size (tail), NULL, NULL);
  stream = soup_server_message_steal_connection (msg);
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
  return G_SOURCE_REMOVE;
}

void
fake_close_after_written (SoupServerMessage *msg,
                          GBytes            *tail)
{
  GSource *source;

  if (g_object_get_data (G_OBJECT (msg), "fake-nbia-closing") != NULL)
    return;
  g_object_set_data (G_OBJECT (msg), "fake-nbia-closing", GINT_TO_POINTER (1));
  if (tail != NULL)
    g_object_set_data_full (G_OBJECT (msg), "fake-nbia-tail", g_bytes_ref (tail),
                            (GDestroyNotify) g_bytes_unref);
  source = g_idle_source_new ();
  g_source_set_callback (source, close_connection_cb, g_object_ref (msg), g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static void
drop_wrote_chunk_cb (SoupServerMessage *msg,
                     gpointer           user_data)
{
  fake_close_after_written (msg, NULL);
}

/* Half the body under a Content-Length for all of it; then the connection is
 * closed (drop) or left open with nothing more coming (stall). */
static void
send_partial (SoupServerMessage *msg,
              Response          *resp,
              gboolean           close)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  gsize length = resp->body ? g_bytes_get_size (resp->body) : 0;

  soup_server_message_set_status (msg, resp->status, NULL);
  if (resp->content_type != NULL)
    soup_message_headers_replace (headers, "Content-Type", resp->content_type);
  if (resp->disposition != NULL)
    soup_message_headers_replace (headers, "Content-Disposition", resp->disposition);
  soup_message_headers_set_content_length (headers, MAX (length, 2));
  soup_message_body_set_accumulate (body, FALSE);
  if (length >= 2)
    {
      g_autoptr(GBytes) half = g_bytes_new_from_bytes (resp->body, 0, length / 2);

      soup_message_body_append_bytes (body, half);
      if (close)
        g_signal_connect (msg, "wrote-chunk", G_CALLBACK (drop_wrote_chunk_cb), NULL);
    }
  else if (close)
    {
      g_signal_connect (msg, "wrote-headers", G_CALLBACK (drop_wrote_chunk_cb), NULL);
    }
}

static gboolean
bytes_refill (gpointer    data,
              GByteArray *out)
{
  gsize length;
  const guint8 *bytes = g_bytes_get_data (data, &length);

  g_byte_array_append (out, bytes, length);
  return FALSE;
}

/* The whole body under its Content-Length, one byte at a time. */
static void
send_trickle (SoupServerMessage *msg,
              Response          *resp,
              guint              interval_ms)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, resp->status, NULL);
  if (resp->content_type != NULL)
    soup_message_headers_replace (headers, "Content-Type", resp->content_type);
  if (resp->disposition != NULL)
    soup_message_headers_replace (headers, "Content-Disposition", resp->disposition);
  soup_message_headers_set_content_length (headers, g_bytes_get_size (resp->body));
  fake_trickle_serve (msg, interval_ms, bytes_refill, g_bytes_ref (resp->body),
                      (GDestroyNotify) g_bytes_unref);
}

static void
send_response (SoupServerMessage *msg,
               Response          *resp)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  gsize length = resp->body ? g_bytes_get_size (resp->body) : 0;

  soup_server_message_set_status (msg, resp->status, NULL);
  if (resp->disposition != NULL)
    soup_message_headers_replace (headers, "Content-Disposition", resp->disposition);
  if (length == 0)
    return;
  if (resp->content_type != NULL)
    soup_message_headers_replace (headers, "Content-Type", resp->content_type);
  if (length <= CHUNKED_ABOVE)
    {
      soup_message_body_append_bytes (body, resp->body);
      return;
    }
  /* Big listings go out in chunks the client can parse as they arrive. */
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_body_set_accumulate (body, FALSE);
  for (gsize offset = 0; offset < length; offset += SERVE_CHUNK)
    {
      g_autoptr(GBytes) chunk = g_bytes_new_from_bytes (resp->body, offset,
                                                        MIN (SERVE_CHUNK, length - offset));

      soup_message_body_append_bytes (body, chunk);
    }
  soup_message_body_complete (body);
}

/* A complete body that is not JSON: the first half of the real one, cut. */
static void
make_malformed (Response *resp)
{
  gsize length = resp->body ? g_bytes_get_size (resp->body) : 0;
  GString *text = g_string_new (NULL);

  if (length > 0)
    g_string_append_len (text, g_bytes_get_data (resp->body, NULL), length / 2);
  else
    g_string_append (text, "[{\"Collection\":");
  g_string_append (text, "\n<!-- truncated by proxy -->");
  g_clear_pointer (&resp->body, g_bytes_unref);
  resp->body = g_string_free_to_bytes (text);
  g_free (resp->content_type);
  resp->content_type = g_strdup ("application/json");
  resp->status = SOUP_STATUS_OK;
}

/* ---- the cache of big listings ---- */

static char *
cache_key (FakeNbia      *self,
           const Request *req)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  GString *key = g_string_new (NULL);

  for (guint i = 0; i < req->params->len; i++)
    {
      Param *p = req->params->pdata[i];

      g_ptr_array_add (parts, g_strdup_printf ("%s=%s", p->name, p->value));
    }
  g_ptr_array_sort (parts, compare_strings);
  g_string_append_printf (key, "v%u/%s#%u", req->version, req->endpoint,
                          fake_changes_generation (self->archive));
  for (guint i = 0; i < parts->len; i++)
    g_string_append_printf (key, "\n%s", (char *) parts->pdata[i]);
  return g_string_free (key, FALSE);
}

static gboolean
cache_lookup (FakeNbia   *self,
              const char *key,
              Response   *resp)
{
  for (GList *l = self->cache.head; l != NULL; l = l->next)
    {
      CacheEntry *e = l->data;

      if (strcmp (e->key, key) != 0)
        continue;
      g_queue_unlink (&self->cache, l);
      g_queue_push_head_link (&self->cache, l);
      resp->status = SOUP_STATUS_OK;
      resp->body = g_bytes_ref (e->body);
      resp->content_type = g_strdup (e->content_type);
      resp->disposition = g_strdup (e->disposition);
      resp->is_json = g_strcmp0 (e->content_type, "application/json") == 0;
      return TRUE;
    }
  return FALSE;
}

static void
cache_store (FakeNbia   *self,
             const char *key,
             Response   *resp)
{
  CacheEntry *e;

  if (resp->status != SOUP_STATUS_OK || resp->body == NULL ||
      g_bytes_get_size (resp->body) < CACHE_MIN_BYTES)
    return;
  e = g_new0 (CacheEntry, 1);
  e->key = g_strdup (key);
  e->body = g_bytes_ref (resp->body);
  e->content_type = g_strdup (resp->content_type);
  e->disposition = g_strdup (resp->disposition);
  g_queue_push_head (&self->cache, e);
  while (self->cache.length > CACHE_SIZE)
    cache_entry_free (g_queue_pop_tail (&self->cache));
}

/* ---- requests ---- */

static void
count_request (FakeNbia   *self,
               const char *endpoint)
{
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->counts, g_strdup (endpoint),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->counts,
                                                                                endpoint)) + 1));
  self->total_count++;
  g_mutex_unlock (&self->lock);
}

/* What is left once the response is known: faults on the body, then sending. */
static void
finish_answer (FakeNbia          *self,
               SoupServerMessage *msg,
               const Request     *req,
               const char        *uid,
               Response          *resp)
{
  guint mask;

  if (resp->zip)
    {
      FakeZipMode mode = FAKE_ZIP_OK;

      mask = FAULT_BIT (FAKE_NBIA_FAULT_DROP) | FAULT_BIT (FAKE_NBIA_FAULT_STALL) |
             FAULT_BIT (FAKE_NBIA_FAULT_ZIP_TRUNCATED) |
             FAULT_BIT (FAKE_NBIA_FAULT_ESCAPING_ENTRY) |
             FAULT_BIT (FAKE_NBIA_FAULT_ABSOLUTE_ENTRY) |
             FAULT_BIT (FAKE_NBIA_FAULT_EMPTY_ZIP) |
             FAULT_BIT (FAKE_NBIA_FAULT_MD5_ONLY_ZIP) |
             FAULT_BIT (FAKE_NBIA_FAULT_ZIP_BOMB) | FAULT_BIT (FAKE_NBIA_FAULT_TRICKLE);
      if (resp->zip_flags & FAKE_ZIP_MD5)
        mask |= FAULT_BIT (FAKE_NBIA_FAULT_WRONG_MD5);
      switch (take_fault (self, mask, uid))
        {
        case FAKE_NBIA_FAULT_DROP:
          mode = FAKE_ZIP_DROP;
          break;
        case FAKE_NBIA_FAULT_STALL:
          mode = FAKE_ZIP_STALL;
          break;
        case FAKE_NBIA_FAULT_ZIP_TRUNCATED:
          mode = FAKE_ZIP_TRUNCATED;
          break;
        case FAKE_NBIA_FAULT_ESCAPING_ENTRY:
          mode = FAKE_ZIP_ESCAPING_ENTRY;
          break;
        case FAKE_NBIA_FAULT_ABSOLUTE_ENTRY:
          mode = FAKE_ZIP_ABSOLUTE_ENTRY;
          break;
        case FAKE_NBIA_FAULT_WRONG_MD5:
          mode = FAKE_ZIP_WRONG_MD5;
          break;
        case FAKE_NBIA_FAULT_EMPTY_ZIP:
          mode = FAKE_ZIP_EMPTY;
          break;
        case FAKE_NBIA_FAULT_MD5_ONLY_ZIP:
          mode = FAKE_ZIP_MD5_ONLY;
          break;
        case FAKE_NBIA_FAULT_ZIP_BOMB:
          mode = FAKE_ZIP_BOMB;
          break;
        case FAKE_NBIA_FAULT_TRICKLE:
          mode = FAKE_ZIP_TRICKLE;
          break;
        case FAKE_NBIA_FAULT_NONE:
        case FAKE_NBIA_FAULT_HTTP_429:
        case FAKE_NBIA_FAULT_HTTP_503:
        case FAKE_NBIA_FAULT_HTTP_500:
        case FAKE_NBIA_FAULT_HTTP_400:
        case FAKE_NBIA_FAULT_MALFORMED_JSON:
        case FAKE_NBIA_FAULT_HTML_PAGE:
        case FAKE_NBIA_FAULT_RETRY_AFTER_LONG:
        case FAKE_NBIA_FAULT_NO_COUNTS:
        case FAKE_NBIA_N_FAULTS:
        default:
          break;
        }
      fake_zip_serve (self->archive, resp->zip_series, resp->zip_flags, mode,
                      self->options.bomb_bytes, self->options.trickle_ms,
                      self->options.rate_limit, msg);
      return;
    }

  if (resp->status == SOUP_STATUS_OK)
    {
      gboolean md5_text = strcmp (req->endpoint, "getMD5HashForImage") == 0 ||
                          strcmp (req->endpoint, "getM5HashForImage") == 0;

      mask = FAULT_BIT (FAKE_NBIA_FAULT_DROP) | FAULT_BIT (FAKE_NBIA_FAULT_STALL);
      if (resp->body != NULL && g_bytes_get_size (resp->body) > 0)
        mask |= FAULT_BIT (FAKE_NBIA_FAULT_TRICKLE);
      if (resp->is_json)
        mask |= FAULT_BIT (FAKE_NBIA_FAULT_MALFORMED_JSON);
      if (md5_text && resp->body != NULL)
        mask |= FAULT_BIT (FAKE_NBIA_FAULT_WRONG_MD5);
      switch (take_fault (self, mask, uid))
        {
        case FAKE_NBIA_FAULT_DROP:
          send_partial (msg, resp, TRUE);
          return;
        case FAKE_NBIA_FAULT_STALL:
          send_partial (msg, resp, FALSE);
          return;
        case FAKE_NBIA_FAULT_TRICKLE:
          send_trickle (msg, resp, self->options.trickle_ms);
          return;
        case FAKE_NBIA_FAULT_MALFORMED_JSON:
          make_malformed (resp);
          break;
        case FAKE_NBIA_FAULT_WRONG_MD5:
          set_text (resp, SOUP_STATUS_OK, "text/plain", "0123456789abcdef0123456789abcdef");
          break;
        case FAKE_NBIA_FAULT_NONE:
        case FAKE_NBIA_FAULT_HTTP_429:
        case FAKE_NBIA_FAULT_HTTP_503:
        case FAKE_NBIA_FAULT_HTTP_500:
        case FAKE_NBIA_FAULT_HTTP_400:
        case FAKE_NBIA_FAULT_ZIP_TRUNCATED:
        case FAKE_NBIA_FAULT_ESCAPING_ENTRY:
        case FAKE_NBIA_FAULT_ABSOLUTE_ENTRY:
        case FAKE_NBIA_FAULT_HTML_PAGE:
        case FAKE_NBIA_FAULT_EMPTY_ZIP:
        case FAKE_NBIA_FAULT_MD5_ONLY_ZIP:
        case FAKE_NBIA_FAULT_ZIP_BOMB:
        case FAKE_NBIA_FAULT_RETRY_AFTER_LONG:
        case FAKE_NBIA_FAULT_NO_COUNTS:
        case FAKE_NBIA_N_FAULTS:
        default:
          break;
        }
    }
  send_response (msg, resp);
}

/* A listing of a big archive, made in a worker thread so the server keeps
 * answering meanwhile. */
typedef struct
{
  FakeNbia          *self;
  SoupServerMessage *msg;
  Request           *req;
  const Endpoint    *ep;
  char              *key;
  char              *uid;
  Response           resp;
  GSource           *source;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_object_unref (job->msg);
  request_free (job->req);
  g_free (job->key);
  g_free (job->uid);
  response_clear (&job->resp);
  g_free (job);
}

static void
track_source (FakeNbia *self,
              GSource  *source)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->pending, source);
  g_mutex_unlock (&self->lock);
}

static void
untrack_source (FakeNbia *self,
                GSource  *source)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_remove_fast (self->pending, source);
  g_mutex_unlock (&self->lock);
}

static gboolean
job_done_cb (gpointer data)
{
  Job *job = data;

  untrack_source (job->self, job->source);
  cache_store (job->self, job->key, &job->resp);
  finish_answer (job->self, job->msg, job->req, job->uid, &job->resp);
  soup_server_message_unpause (job->msg);
  return G_SOURCE_REMOVE;
}

static void
job_run (gpointer data,
         gpointer user_data)
{
  Job *job = data;
  GSource *source;

  job->ep->func (job->self, job->req, &job->resp);
  source = job->source = g_idle_source_new ();
  g_source_set_callback (source, job_done_cb, job, job_free);
  track_source (job->self, source);
  /* Once attached, the server's thread may run job_done_cb and free @job
   * before this thread returns: touch only locals from here on. */
  g_source_attach (source, job->self->context);
  g_source_unref (source);
}

#define JOB_MIN_SERIES 5000

static void
answer (FakeNbia          *self,
        SoupServerMessage *msg,
        Request           *req)
{
  const Endpoint *ep = find_endpoint (req->endpoint, req->version);
  Response resp = { 0 };
  g_autofree char *uid = request_series_uid (self, req);
  g_autofree char *key = NULL;
  FakeNbiaFault fault;

  count_request (self, req->endpoint);

  if (ep == NULL)
    {
      set_text (&resp, SOUP_STATUS_NOT_FOUND, "text/plain", "Not Found");
      goto send;
    }
  if (strcmp (ep->method, req->method) != 0)
    {
      set_text (&resp, SOUP_STATUS_METHOD_NOT_ALLOWED, "text/plain", "Method Not Allowed");
      goto send;
    }

  fault = take_fault (self, PRE_FAULTS, uid);
  if (fault != FAKE_NBIA_FAULT_NONE)
    {
      apply_pre_fault (self, fault, req, &resp, msg);
      goto send;
    }

  if (req->version == 4 && ep->allowed != NULL &&
      !check_whitelist (ep, ep->form ? req->params : req->query, &resp))
    goto send;

  /* A listing without counts is made afresh and not kept. */
  take_no_counts (self, req);
  if (strcmp (ep->method, "GET") == 0 && !req->no_counts)
    {
      key = cache_key (self, req);
      if (cache_lookup (self, key, &resp))
        goto finish;
    }
  if (ep->listing && self->archive->n_series >= JOB_MIN_SERIES && self->pool != NULL)
    {
      Job *job = g_new0 (Job, 1);

      job->self = self;
      job->msg = g_object_ref (msg);
      job->req = req;
      job->ep = ep;
      job->key = g_steal_pointer (&key);
      job->uid = g_steal_pointer (&uid);
      soup_server_message_pause (msg);
      g_thread_pool_push (self->pool, job, NULL);
      return;
    }
  ep->func (self, req, &resp);
  if (key != NULL)
    cache_store (self, key, &resp);

finish:
  finish_answer (self, msg, req, uid, &resp);
  response_clear (&resp);
  request_free (req);
  return;

send:
  send_response (msg, &resp);
  response_clear (&resp);
  request_free (req);
}

typedef struct
{
  FakeNbia          *self;
  SoupServerMessage *msg;
  Request           *req;
  GSource           *source;
} Delayed;

static void
delayed_free (gpointer data)
{
  Delayed *d = data;

  g_object_unref (d->msg);
  g_clear_pointer (&d->req, request_free);
  g_free (d);
}

static gboolean
delayed_cb (gpointer data)
{
  Delayed *d = data;

  untrack_source (d->self, d->source);
  soup_server_message_unpause (d->msg);
  answer (d->self, d->msg, g_steal_pointer (&d->req));
  return G_SOURCE_REMOVE;
}

static Request *
parse_request (SoupServerMessage *msg,
               const char        *path)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);
  Request *req = g_new0 (Request, 1);

  if (g_str_has_prefix (path, V4_PREFIX))
    {
      req->version = 4;
      req->endpoint = g_strdup (path + strlen (V4_PREFIX));
    }
  else
    {
      req->version = 1;
      req->endpoint = g_strdup (path + strlen (V1_PREFIX));
    }
  req->method = soup_server_message_get_method (msg);
  req->query = parse_form (query, query ? strlen (query) : 0);
  if (strcmp (req->method, "POST") == 0)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      gsize length;
      const char *data = g_bytes_get_data (bytes, &length);

      req->params = parse_form (data, length);
      /* Query parameters count too (JAX-RS @FormParam does not see them, but
       * the criteria-style endpoints read both). */
      for (guint i = 0; i < req->query->len; i++)
        {
          Param *q = req->query->pdata[i];
          Param *p = g_new0 (Param, 1);

          p->name = g_strdup (q->name);
          p->value = g_strdup (q->value);
          g_ptr_array_add (req->params, p);
        }
    }
  else
    {
      req->params = g_ptr_array_ref (req->query);
    }
  return req;
}

/* ---- control endpoints ---- */

static void
control (FakeNbia          *self,
         SoupServerMessage *msg,
         const char        *path)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);
  g_autoptr(GPtrArray) params = parse_form (query, query ? strlen (query) : 0);
  const char *what = path + strlen (CONTROL_PREFIX);
  g_autofree char *text = NULL;
  guint status = SOUP_STATUS_OK;

  if (strcmp (what, "fault") == 0)
    {
      const char *name = param_get (params, "name");
      const char *times = param_get (params, "times");
      const char *uid = param_get (params, "uid");
      FakeNbiaFault fault = name ? fake_nbia_fault_from_string (name) : FAKE_NBIA_FAULT_NONE;

      if (fault == FAKE_NBIA_FAULT_NONE)
        {
          status = SOUP_STATUS_BAD_REQUEST;
          text = g_strdup_printf ("Unknown fault '%s'\n", name ? name : "");
        }
      else
        {
          fake_nbia_set_fault (self, fault, times ? atoi (times) : 1,
                               uid && uid[0] ? uid : NULL);
          text = g_strdup ("ok\n");
        }
    }
  else if (strcmp (what, "clear") == 0)
    {
      fake_nbia_clear_faults (self);
      text = g_strdup ("ok\n");
    }
  else if (strcmp (what, "latency") == 0)
    {
      const char *ms = param_get (params, "ms");

      fake_nbia_set_latency (self, ms ? atoi (ms) : 0);
      text = g_strdup ("ok\n");
    }
  else if (strcmp (what, "stats") == 0)
    {
      const char *endpoint = param_get (params, "endpoint");

      text = g_strdup_printf ("%u\n", fake_nbia_get_request_count (self, endpoint && endpoint[0]
                                                                         ? endpoint : NULL));
    }
  else
    {
      status = SOUP_STATUS_NOT_FOUND;
      text = g_strdup ("Not Found\n");
    }
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  FakeNbia *self = user_data;
  Request *req;
  guint latency;

  if (g_str_has_prefix (path, CONTROL_PREFIX))
    {
      control (self, msg, path);
      return;
    }
  if (!g_str_has_prefix (path, V4_PREFIX) && !g_str_has_prefix (path, V1_PREFIX))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "Not Found", 9);
      return;
    }

  req = parse_request (msg, path);
  g_mutex_lock (&self->lock);
  latency = self->latency_ms;
  g_mutex_unlock (&self->lock);

  if (latency == 0)
    {
      answer (self, msg, req);
    }
  else
    {
      Delayed *d = g_new0 (Delayed, 1);

      d->self = self;
      d->msg = g_object_ref (msg);
      d->req = req;
      d->source = g_timeout_source_new (latency);
      g_source_set_callback (d->source, delayed_cb, d, delayed_free);
      track_source (self, d->source);
      soup_server_message_pause (msg);
      g_source_attach (d->source, g_main_context_get_thread_default ());
      g_source_unref (d->source);
    }
}

/* ---- public API ---- */

void
fake_nbia_options_init (FakeNbiaOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->n_series = 40;
  options->seed = 1;
  options->images_per_series_max = 6;
  options->image_rows = 16;
  options->big_series_bytes = 0;
  options->latency_ms = 0;
  options->retry_after_s = 1;
  options->bomb_bytes = 256 * 1024 * 1024;
  options->trickle_ms = 1000;
}

FakeNbia *
fake_nbia_new (const FakeNbiaOptions *options)
{
  FakeNbia *self = g_new0 (FakeNbia, 1);

  if (options != NULL)
    self->options = *options;
  else
    fake_nbia_options_init (&self->options);
  if (self->options.image_rows < 2)
    self->options.image_rows = 2;
  self->options.image_rows &= ~1u;

  self->archive = fake_archive_new (self->options.n_series, self->options.seed,
                                    self->options.images_per_series_max,
                                    self->options.image_rows,
                                    self->options.big_series_bytes,
                                    self->options.colliding_pairs);
  g_mutex_init (&self->lock);
  g_mutex_init (&self->start_lock);
  g_cond_init (&self->start_cond);
  self->faults = g_ptr_array_new_with_free_func (fault_entry_free);
  self->latency_ms = self->options.latency_ms;
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->strings = g_string_chunk_new (4096);
  self->pending = g_ptr_array_new ();
  self->pool = g_thread_pool_new (job_run, NULL, 2, FALSE, NULL);
  g_queue_init (&self->cache);
  return self;
}

static SoupServer *
create_server (FakeNbia  *self,
               guint      port,
               GError   **error)
{
  g_autoptr(SoupServer) server = soup_server_new ("server-header", "fake-nbia ", NULL);
  g_autoptr(GSList) uris = NULL;

  soup_server_add_handler (server, NULL, server_cb, self, NULL);
  if (!soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return NULL;
  uris = soup_server_get_uris (server);
  if (uris == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The server has no address");
      return NULL;
    }
  self->port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  return g_steal_pointer (&server);
}

/* Runs on the server's context. */
static void
stop_server (FakeNbia *self)
{
  g_autoptr(GPtrArray) pending = NULL;

  /* Wait for the jobs, then drop what waits to be answered. */
  if (self->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->pool), TRUE, TRUE);
  g_mutex_lock (&self->lock);
  pending = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new ();
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < pending->len; i++)
    g_source_destroy (pending->pdata[i]);
  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
}

gboolean
fake_nbia_listen (FakeNbia  *self,
                  guint      port,
                  GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  self->server = create_server (self, port, error);
  if (self->server == NULL)
    return FALSE;
  self->context = g_main_context_ref_thread_default ();
  return TRUE;
}

static gpointer
server_thread (gpointer data)
{
  FakeNbia *self = data;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (self->context);
  self->server = create_server (self, self->port, &error);

  g_mutex_lock (&self->start_lock);
  self->start_error = g_steal_pointer (&error);
  self->start_done = TRUE;
  g_cond_signal (&self->start_cond);
  g_mutex_unlock (&self->start_lock);

  if (self->server != NULL)
    {
      g_main_loop_run (self->loop);
      stop_server (self);
      /* Let the connections wind down. */
      while (g_main_context_iteration (self->context, FALSE))
        ;
    }
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

gboolean
fake_nbia_start_in_thread (FakeNbia  *self,
                           guint      port,
                           GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->server == NULL && self->thread == NULL, FALSE);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->port = port;
  self->thread = g_thread_new ("fake-nbia", server_thread, self);

  g_mutex_lock (&self->start_lock);
  while (!self->start_done)
    g_cond_wait (&self->start_cond, &self->start_lock);
  g_mutex_unlock (&self->start_lock);

  if (self->start_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->start_error));
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->loop, g_main_loop_unref);
      g_clear_pointer (&self->context, g_main_context_unref);
      return FALSE;
    }
  return TRUE;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
fake_nbia_free (FakeNbia *self)
{
  if (self == NULL)
    return;

  if (self->thread != NULL)
    {
      g_main_context_invoke (self->context, quit_cb, self->loop);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  else
    {
      stop_server (self);
    }
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);

  g_queue_clear_full (&self->cache, cache_entry_free);
  g_ptr_array_unref (self->pending);
  g_ptr_array_unref (self->faults);
  g_hash_table_unref (self->counts);
  g_string_chunk_free (self->strings);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->start_lock);
  g_cond_clear (&self->start_cond);
  fake_archive_free (self->archive);
  g_free (self);
}

char *
fake_nbia_get_url (FakeNbia *self,
                   guint     version)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (version == 1 || version == 4, NULL);

  return g_strdup_printf ("http://127.0.0.1:%u/nbia-api/services/v%u/", self->port, version);
}

guint
fake_nbia_get_port (FakeNbia *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->port;
}

void
fake_nbia_set_fault (FakeNbia      *self,
                     FakeNbiaFault  fault,
                     guint          times,
                     const char    *series_uid)
{
  FaultEntry *entry;

  g_return_if_fail (self != NULL);
  g_return_if_fail (fault < FAKE_NBIA_N_FAULTS);

  if (fault == FAKE_NBIA_FAULT_NONE)
    return;
  g_mutex_lock (&self->lock);
  for (guint i = self->faults->len; i > 0; i--)
    {
      FaultEntry *f = self->faults->pdata[i - 1];

      if (f->fault == fault && g_strcmp0 (f->uid, series_uid) == 0)
        g_ptr_array_remove_index (self->faults, i - 1);
    }
  entry = g_new0 (FaultEntry, 1);
  entry->fault = fault;
  entry->times = times;
  entry->uid = g_strdup (series_uid);
  g_ptr_array_add (self->faults, entry);
  g_mutex_unlock (&self->lock);
}

void
fake_nbia_clear_faults (FakeNbia *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->faults, 0);
  g_mutex_unlock (&self->lock);
}

static gint64
find_collection (FakeNbia   *self,
                 const char *name)
{
  for (guint k = 0; k < self->archive->n_collections; k++)
    if (g_strcmp0 (self->archive->collections[k].name, name) == 0)
      return k;
  return -1;
}

gboolean
fake_nbia_withdraw_series (FakeNbia   *self,
                           const char *series_uid)
{
  gint64 s = fake_archive_find_series (self->archive, series_uid);

  if (s < 0)
    return FALSE;
  fake_changes_withdraw (self->archive, (guint32) s);
  return TRUE;
}

gboolean
fake_nbia_set_collection_hidden (FakeNbia   *self,
                                 const char *collection,
                                 gboolean    hidden)
{
  gint64 k = find_collection (self, collection);

  if (k < 0)
    return FALSE;
  fake_changes_set_hidden (self->archive, (guint32) k, hidden);
  return TRUE;
}

gboolean
fake_nbia_release_series_again (FakeNbia   *self,
                                const char *series_uid,
                                int         year,
                                int         month,
                                int         day)
{
  gint64 s = fake_archive_find_series (self->archive, series_uid);

  if (s < 0)
    return FALSE;
  fake_changes_release (self->archive, (guint32) s, fake_date_to_day (year, month, day));
  return TRUE;
}

void
fake_nbia_set_latency (FakeNbia *self,
                       guint     latency_ms)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  self->latency_ms = latency_ms;
  g_mutex_unlock (&self->lock);
}

guint
fake_nbia_get_request_count (FakeNbia   *self,
                             const char *endpoint)
{
  guint count;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->lock);
  if (endpoint == NULL)
    count = self->total_count;
  else
    count = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, endpoint));
  g_mutex_unlock (&self->lock);
  return count;
}

guint
fake_nbia_get_n_series (FakeNbia *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->archive->n_series;
}

void
fake_nbia_get_series (FakeNbia           *self,
                      guint               index,
                      FakeNbiaSeriesInfo *info)
{
  const FakeArchive *a;
  const FakeSeries *s;
  const FakeStudy *st;
  char series_uid[FAKE_UID_MAX], study_uid[FAKE_UID_MAX], patient_id[FAKE_STR_MAX];
  char number[16];

  g_return_if_fail (self != NULL);
  g_return_if_fail (info != NULL);
  g_return_if_fail (index < self->archive->n_series);

  a = self->archive;
  s = &a->series[index];
  st = fake_series_study (a, index);
  fake_archive_series_uid (a, index, series_uid);
  fake_archive_study_uid (a, s->study, study_uid);
  fake_archive_patient_id (a, st->patient, patient_id);
  g_snprintf (number, sizeof number, "%u", s->series_number);

  info->collection = fake_series_collection (a, index)->name;
  info->modality = fake_modalities[s->modality];
  info->body_part = s->body_part == FAKE_NONE ? NULL : fake_body_parts[s->body_part];
  info->manufacturer = fake_manufacturer_name (s->manufacturer);
  info->series_description = fake_series_description (s->description);
  info->image_count = s->n_images;
  info->file_size = s->file_size;
  g_mutex_lock (&self->lock);
  info->patient_id = g_string_chunk_insert_const (self->strings, patient_id);
  info->study_uid = g_string_chunk_insert_const (self->strings, study_uid);
  info->series_uid = g_string_chunk_insert_const (self->strings, series_uid);
  info->series_number = g_string_chunk_insert_const (self->strings, number);
  g_mutex_unlock (&self->lock);
}

const char * const *
fake_nbia_get_collections (FakeNbia *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->archive->collection_names;
}

gint
fake_nbia_find_series (FakeNbia   *self,
                       const char *series_uid)
{
  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (series_uid != NULL, -1);

  return fake_archive_find_series (self->archive, series_uid);
}

GArray *
fake_nbia_get_cart (FakeNbia   *self,
                    const char *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return cart_series (self->archive, name);
}

gboolean
fake_nbia_get_colliding_pair (FakeNbia *self,
                              guint     k,
                              guint    *first_index,
                              guint    *second_index)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (k >= self->archive->n_colliding)
    return FALSE;
  if (first_index != NULL)
    *first_index = self->archive->colliding[2 * k];
  if (second_index != NULL)
    *second_index = self->archive->colliding[2 * k + 1];
  return TRUE;
}

char *
fake_nbia_get_image_md5 (FakeNbia *self,
                         guint     series,
                         guint     image)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (series < self->archive->n_series, NULL);
  g_return_val_if_fail (image < self->archive->series[series].n_images, NULL);

  return fake_dicom_md5 (self->archive, series, image);
}
