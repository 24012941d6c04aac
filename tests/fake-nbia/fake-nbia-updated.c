/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-nbia-server.h"

/* What changed since a date: getUpdatedSeries, NewPatientsInCollection,
 * NewStudiesInPatientCollection, and the changes a test makes to the archive
 * (withdrawn, hidden, released again). */

static void
get_updated_series (FakeNbia      *self,
                    const Request *req,
                    Response      *resp)
{
  g_autoptr(FakeTable) table = NULL;
  const char *from = fake_req_get (req, "fromDate");
  SeriesRows rows = { 0 };
  Filter f = { 0 };

  if (from != NULL)
    {
      if (!fake_parse_date (from, req->version == 4 ? "MM-DD-YYYY" : "DD/MM/YYYY", &f.released))
        {
          fake_set_server_error (resp);
          return;
        }
      f.has_released = TRUE;
    }
  else if (req->version == 1)
    {
      fake_set_bad_request (resp, "A parameter, fromDate is required for this API call.");
      return;
    }
  table = fake_request_table (req, resp, FORMAT_JSON);
  if (table == NULL)
    return;
  rows.table = table;
  rows.version = req->version;
  rows.updated = TRUE;
  fake_foreach_series (self->archive, &f, fake_series_row, &rows);
  fake_finish_table (resp, table);
}

/* NewPatientsInCollection & NewStudiesInPatientCollection: v1 Date=YYYY/MM/DD
 * (released after), v4 fromDate=MM-DD-YYYY (released on or after). */
static gboolean
new_things_filter (const Request *req,
                   Response      *resp,
                   Filter        *f)
{
  const char *collection = fake_req_get (req, "Collection");
  const char *date = fake_req_get (req, req->version == 4 ? "fromDate" : "Date");

  memset (f, 0, sizeof *f);
  if (req->version == 1 && (collection == NULL || date == NULL))
    {
      fake_set_bad_request (resp, "A parameter, Collection and Date are required for this "
                                  "API call.");
      return FALSE;
    }
  if (collection == NULL)
    {
      fake_set_bad_request (resp, "A parameter, Collection is required for this API call.");
      return FALSE;
    }
  f->collection = collection;
  if (date != NULL)
    {
      if (!fake_parse_date (date, req->version == 4 ? "MM-DD-YYYY" : "YYYY/MM/DD", &f->released))
        {
          fake_set_server_error (resp);
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
  table = fake_request_table (req, resp, FORMAT_JSON);
  if (table == NULL)
    return;
  for (guint32 p = 0; p < a->n_patients; p++)
    if (fake_ci_equal (a->collections[a->patients[p].collection].name, f.collection) &&
        fake_released_matches (&f, a->patients[p].released_day))
      fake_patient_row (self, table, req->version, p);
  fake_finish_table (resp, table);
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
  f.patient_id = fake_req_get (req, "PatientID");
  table = fake_request_table (req, resp, FORMAT_JSON);
  if (table == NULL)
    return;
  for (guint32 st = 0; st < a->n_studies; st++)
    {
      guint32 p = a->studies[st].patient;

      if (fake_ci_equal (a->collections[a->patients[p].collection].name, f.collection) &&
          fake_patient_matches (a, p, &f) &&
          fake_released_matches (&f, a->patients[p].released_day))
        fake_study_row (self, table, req->version, st);
    }
  fake_finish_table (resp, table);
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

const Endpoint fake_nbia_updated_endpoints[] = {
  { "getUpdatedSeries", V1 | V4, "GET", ALLOWED ("fromDate", "format"),
    FALSE, get_updated_series, TRUE },
  { "NewPatientsInCollection", V1 | V4, "GET", ALLOWED ("Collection", "fromDate", "format"),
    FALSE, new_patients_in_collection },
  { "NewStudiesInPatientCollection", V1 | V4, "GET",
    ALLOWED ("Collection", "PatientID", "fromDate", "format"),
    FALSE, new_studies_in_patient_collection },
  { NULL }
};

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
