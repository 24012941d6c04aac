/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-nbia-server.h"

/* Requests and the answers every endpoint shares: parsing a query string
 * or form, plain-text answers, the `format` parameter, NBIA's dates, and the
 * filter the listings apply. */

#define TEXT_SERVER_ERROR "Server was not able to process your request"

static void
param_free (gpointer data)
{
  Param *p = data;

  g_free (p->name);
  g_free (p->value);
  g_free (p);
}

void
fake_request_free (Request *req)
{
  g_free (req->endpoint);
  g_free (req->no_counts_uid);
  g_clear_pointer (&req->params, g_ptr_array_unref);
  g_clear_pointer (&req->query, g_ptr_array_unref);
  g_free (req);
}

void
fake_response_clear (Response *resp)
{
  g_clear_pointer (&resp->content_type, g_free);
  g_clear_pointer (&resp->disposition, g_free);
  g_clear_pointer (&resp->body, g_bytes_unref);
}

/* application/x-www-form-urlencoded, keeping order and repeats; '+' is a space. */
GPtrArray *
fake_parse_form (const char *text,
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

const char *
fake_param_get (GPtrArray  *params,
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
const char *
fake_req_get (const Request *req,
              const char    *name)
{
  const char *value = fake_param_get (req->params, name);

  return value != NULL && value[0] != '\0' ? value : NULL;
}

void
fake_set_text (Response   *resp,
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
void
fake_set_bad_request (Response   *resp,
                      const char *text)
{
  fake_set_text (resp, SOUP_STATUS_BAD_REQUEST, "application/json", text);
}

void
fake_set_server_error (Response *resp)
{
  fake_set_text (resp, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain", TEXT_SERVER_ERROR);
}

/* ---- formats and dates ---- */

Format
fake_parse_format (const char *value,
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

/* The table for the request's `format` (is_json set to match), or NULL after
 * answering 500. */
FakeTable *
fake_request_table (const Request *req,
                    Response      *resp,
                    Format         fallback)
{
  Format format = fake_parse_format (fake_param_get (req->params, "format"), fallback);

  switch (format)
    {
    case FORMAT_JSON:
      resp->is_json = TRUE;
      return fake_table_new (FAKE_TABLE_JSON);
    case FORMAT_CSV_DOWNLOAD:
      resp->disposition = g_strdup ("attachment; filename=\"SeriesMetaData.csv\"");
      return fake_table_new (FAKE_TABLE_CSV);
    case FORMAT_CSV:
      return fake_table_new (FAKE_TABLE_CSV);
    case FORMAT_BAD:
    default:
      fake_set_server_error (resp);
      return NULL;
    }
}

/* Rows, or 200 with an empty body and no Content-Type when there are none. */
void
fake_finish_table (Response  *resp,
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
void
fake_date_v4 (gint32  day,
              char   *buf)
{
  int y, m, d;

  fake_day_to_date (day, &y, &m, &d);
  g_snprintf (buf, 16, "%02d-%02d-%04d", m, d, y);
}

/* v1: java.sql.Timestamp.toString(), "2003-12-12 00:00:00.0" */
void
fake_timestamp_v1 (gint32   day,
                   guint32  secs,
                   char    *buf)
{
  int y, m, d;

  fake_day_to_date (day, &y, &m, &d);
  g_snprintf (buf, 32, "%04d-%02d-%02d %02u:%02u:%02u.0", y, m, d,
              secs / 3600, secs / 60 % 60, secs % 60);
}

/* java.util.Date.toString(), "Mon Nov 04 11:45:52 UTC 2013" */
void
fake_java_date (gint32   day,
                guint32  secs,
                char    *buf)
{
  int y, m, d;

  fake_day_to_date (day, &y, &m, &d);
  g_snprintf (buf, 40, "%s %s %02d %02u:%02u:%02u UTC %04d",
              weekdays[((day % 7) + 11) % 7], months[m - 1], d,
              secs / 3600, secs / 60 % 60, secs % 60, y);
}

gboolean
fake_parse_date (const char *text,
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

gboolean
fake_ci_equal (const char *value,
               const char *wanted)
{
  return wanted == NULL || (value != NULL && g_ascii_strcasecmp (value, wanted) == 0);
}

gboolean
fake_released_matches (const Filter *f,
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

  return fake_ci_equal (fake_modalities[s->modality], f->modality) &&
         fake_ci_equal (s->body_part == FAKE_NONE ? NULL : fake_body_parts[s->body_part],
                        f->body_part) &&
         fake_ci_equal (fake_manufacturer_name (s->manufacturer), f->manufacturer) &&
         fake_ci_equal (fake_manufacturer_model (s->manufacturer), f->model) &&
         !fake_changes_series_hidden (a, index) &&
         fake_released_matches (f, fake_changes_released_day (a, index));
}

gboolean
fake_patient_matches (const FakeArchive *a,
                      guint32            patient,
                      const Filter      *f)
{
  char id[FAKE_STR_MAX];

  if (f->patient_id == NULL)
    return TRUE;
  fake_archive_patient_id (a, patient, id);
  return g_ascii_strcasecmp (id, f->patient_id) == 0;
}

/* Calls @func on every series that passes @f, in archive order. */
void
fake_foreach_series (const FakeArchive *a,
                     const Filter      *f,
                     SeriesFunc         func,
                     gpointer           user_data)
{
  if (f->series_uid != NULL)
    {
      gint64 s = fake_archive_find_series (a, f->series_uid);

      if (s >= 0 && (f->study_uid == NULL || fake_archive_find_study (a, f->study_uid) ==
                     a->series[s].study) &&
          fake_ci_equal (fake_series_collection (a, s)->name, f->collection) &&
          fake_patient_matches (a, fake_series_study (a, s)->patient, f) &&
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
      if (!fake_ci_equal (a->collections[a->patients[study->patient].collection].name,
                          f->collection) ||
          !fake_patient_matches (a, study->patient, f))
        return;
      for (guint32 s = study->first_series; s < study->first_series + study->n_series; s++)
        if (series_matches (a, s, f))
          func (a, s, user_data);
      return;
    }
  for (guint32 k = 0; k < a->n_collections; k++)
    {
      const FakeCollection *c = &a->collections[k];

      if (!fake_ci_equal (c->name, f->collection) || fake_changes_collection_hidden (a, k))
        continue;
      for (guint32 p = c->first_patient; p < c->first_patient + c->n_patients; p++)
        {
          const FakePatient *patient = &a->patients[p];

          if (!fake_patient_matches (a, p, f))
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

void
fake_filter_from_request (const Request *req,
                          Filter        *f)
{
  memset (f, 0, sizeof *f);
  f->collection = fake_req_get (req, "Collection");
  f->patient_id = fake_req_get (req, "PatientID");
  f->study_uid = fake_req_get (req, "StudyInstanceUID");
  f->series_uid = fake_req_get (req, "SeriesInstanceUID");
  f->modality = fake_req_get (req, "Modality");
  f->body_part = fake_req_get (req, "BodyPartExamined");
  f->manufacturer = fake_req_get (req, "Manufacturer");
  f->model = fake_req_get (req, "ManufacturerModelName");
}

Request *
fake_parse_request (SoupServerMessage *msg,
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
  req->query = fake_parse_form (query, query ? strlen (query) : 0);
  if (strcmp (req->method, "POST") == 0)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      gsize length;
      const char *data = g_bytes_get_data (bytes, &length);

      req->params = fake_parse_form (data, length);
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
