/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-nbia-server.h"

/* Series metadata: v1 getSeriesMetaData and v4 getSeriesMetadata. */

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
  gint64 s = fake_require_series (self, req, resp);
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
  table = fake_request_table (req, resp, FORMAT_JSON);
  if (table == NULL)
    return;
  series = &a->series[s];
  st = fake_series_study (a, s);
  p = fake_series_patient (a, s);
  c = fake_series_collection (a, s);
  fake_archive_series_uid (a, s, series_uid);
  fake_archive_study_uid (a, series->study, study_uid);
  fake_archive_patient_id (a, st->patient, patient_id);
  fake_date_v4 (st->day, study_date);
  fake_java_date (p->released_day, c->released_secs, released);
  fake_java_date (st->day, 0, series_date);
  fake_java_date (p->released_day - series->submitted_before, c->released_secs, stamp);
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
  if (!fake_counts_hidden (req, series_uid))
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
  fake_finish_table (resp, table);
}

/* Every value of the repeated and/or comma-separated form parameter @name. */
GPtrArray *
fake_form_list (const Request *req,
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
  g_autoptr(GPtrArray) uids = fake_form_list (req, "list", TRUE);
  g_autoptr(FakeTable) table = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  Format format = fake_parse_format (fake_param_get (req->params, "format"), FORMAT_CSV_DOWNLOAD);

  if (uids->len == 0)
    {
      fake_set_bad_request (resp, "A form parameter, list, containing at least one "
                                  "SeriesInstanceUID is required.");
      return;
    }
  if (format == FORMAT_CSV)
    format = FORMAT_CSV_DOWNLOAD;
  if (format == FORMAT_BAD)
    {
      fake_set_server_error (resp);
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
      fake_date_v4 (st->day, study_date);
      fake_date_v4 (p->released_day, released);
      fake_date_v4 (p->released_day - series->submitted_before, submitted);
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
      if (!fake_counts_hidden (req, uids->pdata[i]))
        fake_table_int (table, "ImageCount", series->n_images);
      fake_table_string (table, "MaxSubmissionTimestamp", submitted);
      fake_table_string (table, "LicenseName", l->long_name);
      fake_table_string (table, "LicenseURI", l->url);
      fake_table_string (table, "DataDescriptionURI", c->doi);
      if (!fake_counts_hidden (req, uids->pdata[i]))
        fake_table_int (table, "FileSize", series->file_size);
      fake_table_string (table, "ReleasedStatus", "Yes");
      fake_table_string (table, "DateReleased", released);
      fake_table_string (table, "ThirdPartyAnalysis",
                         series->third_party == FAKE_NONE ? NULL
                         : (series->third_party ? "YES" : "NO"));
      fake_table_int (table, "Authorized", 1);
      fake_table_end_row (table);
    }
  fake_finish_table (resp, table);
}

const Endpoint fake_nbia_metadata_endpoints[] = {
  { "getSeriesMetaData", V1, "GET", NULL, FALSE, get_series_meta_data_v1 },
  { "getSeriesMetadata", V4, "POST", ALLOWED ("list", "format"), TRUE, get_series_metadata_v4 },
  { NULL }
};
