/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-nbia-server.h"

/* Listings of series, patients and studies: getSeries, getPatient,
 * getPatientByCollectionAndModality, getPatientStudy, and the row writers
 * other listings reuse. */

/* ---- row writers ---- */

/* Whether the no-counts fault takes ImageCount and FileSize out of this row. */
gboolean
fake_counts_hidden (const Request *req,
                    const char    *series_uid)
{
  return req != NULL && req->no_counts &&
         (req->no_counts_uid == NULL || strcmp (req->no_counts_uid, series_uid) == 0);
}

void
fake_series_row (const FakeArchive *a,
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
  counts = !fake_counts_hidden (rows->req, series_uid);
  gint32 released_day = fake_changes_released_day (a, index);

  if (v4)
    {
      fake_date_v4 (st->day, series_date);
      fake_date_v4 (st->day, study_date);
      fake_date_v4 (released_day, released);
      fake_date_v4 (released_day - s->submitted_before, submitted);
    }
  else
    {
      fake_timestamp_v1 (st->day, 0, series_date);
      fake_timestamp_v1 (st->day, 0, study_date);
      fake_timestamp_v1 (released_day, c->released_secs, released);
      fake_timestamp_v1 (released_day - s->submitted_before, c->released_secs, submitted);
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

void
fake_patient_row (FakeNbia  *self,
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

void
fake_study_row (FakeNbia  *self,
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
    fake_date_v4 (st->day, date);
  else
    fake_timestamp_v1 (st->day, 0, date);
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
get_series (FakeNbia      *self,
            const Request *req,
            Response      *resp)
{
  g_autoptr(FakeTable) table = fake_request_table (req, resp, FORMAT_JSON);
  SeriesRows rows = { 0 };
  Filter f;

  if (table == NULL)
    return;
  fake_filter_from_request (req, &f);
  rows.table = table;
  rows.version = req->version;
  rows.req = req;
  fake_foreach_series (self->archive, &f, fake_series_row, &rows);
  fake_finish_table (resp, table);
}

static void
get_patient (FakeNbia      *self,
             const Request *req,
             Response      *resp)
{
  const FakeArchive *a = self->archive;
  g_autoptr(FakeTable) table = fake_request_table (req, resp, FORMAT_JSON);
  const char *collection = fake_req_get (req, "Collection");
  Filter f = { .patient_id = fake_req_get (req, "PatientId") };

  if (table == NULL)
    return;
  for (guint32 p = 0; p < a->n_patients; p++)
    if (fake_ci_equal (a->collections[a->patients[p].collection].name, collection) &&
        fake_patient_matches (a, p, &f))
      fake_patient_row (self, table, req->version, p);
  fake_finish_table (resp, table);
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
  const char *collection = fake_req_get (req, "Collection");
  const char *modality = fake_req_get (req, "Modality");

  if (collection == NULL || modality == NULL)
    {
      fake_set_bad_request (resp, "A parameter, Collection and Modality, are required for this "
                                  "API call.");
      return;
    }
  table = fake_request_table (req, resp, FORMAT_JSON);
  if (table == NULL)
    return;
  for (guint32 p = 0; p < a->n_patients; p++)
    {
      char id[FAKE_STR_MAX];

      if (!fake_ci_equal (a->collections[a->patients[p].collection].name, collection) ||
          !patient_has_modality (a, p, modality))
        continue;
      fake_archive_patient_id (a, p, id);
      fake_table_string (table, "PatientId", id);
      if (req->version == 4)
        fake_table_int (table, "Authorized", 1);
      fake_table_end_row (table);
    }
  fake_finish_table (resp, table);
}

static void
get_patient_study (FakeNbia      *self,
                   const Request *req,
                   Response      *resp)
{
  const FakeArchive *a = self->archive;
  g_autoptr(FakeTable) table = fake_request_table (req, resp, FORMAT_JSON);
  const char *collection = fake_req_get (req, "Collection");
  const char *study_uid = fake_req_get (req, "StudyInstanceUID");
  Filter f = { .patient_id = fake_req_get (req, "PatientID") };

  if (table == NULL)
    return;
  if (study_uid != NULL)
    {
      gint64 st = fake_archive_find_study (a, study_uid);

      if (st >= 0 &&
          fake_ci_equal (a->collections[a->patients[a->studies[st].patient].collection].name,
                         collection) &&
          fake_patient_matches (a, a->studies[st].patient, &f))
        fake_study_row (self, table, req->version, st);
    }
  else
    {
      for (guint32 st = 0; st < a->n_studies; st++)
        {
          guint32 p = a->studies[st].patient;

          if (fake_ci_equal (a->collections[a->patients[p].collection].name, collection) &&
              fake_patient_matches (a, p, &f))
            fake_study_row (self, table, req->version, st);
        }
    }
  fake_finish_table (resp, table);
}

const Endpoint fake_nbia_series_endpoints[] = {
  { "getPatient", V1 | V4, "GET", ALLOWED ("Collection", "PatientId", "format"),
    FALSE, get_patient, TRUE },
  { "getPatientByCollectionAndModality", V1 | V4, "GET",
    ALLOWED ("Collection", "Modality", "format"), FALSE, get_patient_by_collection_and_modality },
  { "getPatientStudy", V1 | V4, "GET",
    ALLOWED ("Collection", "PatientID", "StudyInstanceUID", "format"),
    FALSE, get_patient_study, TRUE },
  { "getSeries", V1 | V4, "GET",
    ALLOWED ("Collection", "PatientID", "StudyInstanceUID", "Modality", "BodyPartExamined",
             "ManufacturerModelName", "Manufacturer", "SeriesInstanceUID", "format"),
    FALSE, get_series, TRUE },
  { NULL }
};
