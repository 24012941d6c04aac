/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Parsing NBIA bodies into records: every shape tcia-api.md documents, fed
 * whole, one byte at a time and in odd-sized chunks, and the malformed
 * bodies a real server (or a broken proxy) can send. */

#include <string.h>

#include "tcia-core.h"
#include "tcia-json-rows.h"
#include "tcia-nbia-fields.h"
#include "tcia-records-private.h"

typedef struct
{
  GPtrArray *records;
  GError    *error;
  guint      n_dropped;
} Parsed;

static void
parsed_clear (Parsed *parsed)
{
  g_clear_pointer (&parsed->records, g_ptr_array_unref);
  g_clear_error (&parsed->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parsed, parsed_clear)

static void
parse_chunked (GType       type,
               int         value_kind,
               const char *body,
               gsize       len,
               gsize       chunk,
               Parsed     *out)
{
  g_autoptr(TciaRecordBuilder) builder = tcia_nbia_record_builder_new (type, 512);
  g_autoptr(TciaJsonRows) rows = NULL;
  gsize offset;
  gboolean ok = TRUE;

  if (value_kind >= 0)
    tcia_record_builder_set_preset (builder, tcia_value_get_kind_field (), value_kind);

  rows = tcia_json_rows_new (tcia_record_builder_get_keys (builder),
                             tcia_record_builder_get_sink (), builder);

  for (offset = 0; offset < len && ok; offset += chunk)
    ok = tcia_json_rows_feed (rows, body + offset, MIN (chunk, len - offset), &out->error);
  if (ok)
    ok = tcia_json_rows_finish (rows, &out->error);

  out->records = tcia_record_builder_steal_records (builder);
  out->n_dropped = tcia_record_builder_get_n_dropped (builder);
  g_assert_true (ok == (out->error == NULL));
}

/* Every property as "name=value" lines, for comparing records. */
static char *
dump_record (GObject *record)
{
  g_autofree GParamSpec **pspecs = NULL;
  GString *out = g_string_new (NULL);
  guint n, i;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (record), &n);
  for (i = 0; i < n; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;
      g_autofree char *text = NULL;

      g_value_init (&value, pspecs[i]->value_type);
      g_object_get_property (record, pspecs[i]->name, &value);
      text = g_strdup_value_contents (&value);
      g_string_append_printf (out, "%s=%s\n", pspecs[i]->name, text);
    }

  return g_string_free (out, FALSE);
}

static char *
dump_records (GPtrArray *records)
{
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; i < records->len; i++)
    {
      g_autofree char *one = dump_record (g_ptr_array_index (records, i));

      g_string_append_printf (out, "--- %u\n%s", i, one);
    }

  return g_string_free (out, FALSE);
}

/* Parses @body whole, byte by byte and in 7-byte chunks; all three must give
 * the same records and the same outcome. Returns the whole parse. */
static void
parse_all_ways (GType       type,
                int         value_kind,
                const char *body,
                Parsed     *out)
{
  static const gsize chunks[] = { 1, 7, 4093 };
  gsize len = strlen (body);
  g_autofree char *reference = NULL;
  guint i;

  parse_chunked (type, value_kind, body, len, MAX (len, 1), out);
  reference = dump_records (out->records);

  for (i = 0; i < G_N_ELEMENTS (chunks); i++)
    {
      g_auto(Parsed) other = { 0, };
      g_autofree char *dump = NULL;

      parse_chunked (type, value_kind, body, len, chunks[i], &other);
      dump = dump_records (other.records);
      g_assert_cmpstr (dump, ==, reference);
      g_assert_cmpint (other.error != NULL, ==, out->error != NULL);
      if (out->error != NULL)
        {
          g_assert_cmpint (other.error->domain, ==, out->error->domain);
          g_assert_cmpint (other.error->code, ==, out->error->code);
        }
    }
}

static GObject *
record_at (Parsed *parsed,
           guint   i)
{
  g_assert_nonnull (parsed->records);
  g_assert_cmpuint (i, <, parsed->records->len);

  return g_ptr_array_index (parsed->records, i);
}

static void
assert_string_prop (gpointer    record,
                    const char *name,
                    const char *expected)
{
  g_autofree char *value = NULL;

  g_object_get (record, name, &value, NULL);
  if (g_strcmp0 (value, expected) != 0)
    g_error ("property %s: expected “%s”, got “%s”", name,
             expected ? expected : "(null)", value ? value : "(null)");
}

/* ---- Record shapes --------------------------------------------------------- */

/* tcia-api.md §3.8: the real v1 getSeries row. */
static const char v1_series_body[] =
  "[{\"SeriesInstanceUID\":\"1.3.6.1.4.1.14519.5.2.1.5168.1900.104193299251798317056218297018\",\n"
  "   \"StudyInstanceUID\":\"1.3.6.1.4.1.14519.5.2.1.5168.1900.154535988064062152660648619556\",\n"
  "   \"Modality\":\"MR\",\"SeriesDate\":\"2003-12-12 00:00:00.0\",\n"
  "   \"SeriesDescription\":\"2. AXIAL T1 BOTH LEGS - RESEARCH\",\"BodyPartExamined\":\"EXTREMITY\",\n"
  "   \"SeriesNumber\":2,\"Collection\":\"Soft-tissue-Sarcoma\",\"PatientID\":\"STS_010\",\n"
  "   \"Manufacturer\":\"GE MEDICAL SYSTEMS\",\"ManufacturerModelName\":\"GENESIS_SIGNA\",\"SoftwareVersions\":\"09\",\n"
  "   \"ImageCount\":48,\"TimeStamp\":\"2015-05-27 17:12:21.0\",\n"
  "   \"LicenseName\":\"Creative Commons Attribution 3.0 Unported License\",\n"
  "   \"LicenseURI\":\"http://creativecommons.org/licenses/by/3.0/\",\n"
  "   \"CollectionURI\":\"https://doi.org/10.7937/K9/TCIA.2015.7GO2GSKS\",\"FileSize\":25273786,\n"
  "   \"DateReleased\":\"2015-05-27 17:12:21.0\",\"StudyDesc\":\"MRI LT LEG +C\",\"StudyDate\":\"2003-12-12 00:00:00.0\"}]";

static void
test_series_v1 (void)
{
  g_auto(Parsed) parsed = { 0, };
  TciaSeries *series;

  parse_all_ways (TCIA_TYPE_SERIES, -1, v1_series_body, &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, 1);

  series = TCIA_SERIES (record_at (&parsed, 0));
  g_assert_cmpstr (tcia_series_get_series_uid (series), ==,
                   "1.3.6.1.4.1.14519.5.2.1.5168.1900.104193299251798317056218297018");
  g_assert_cmpstr (tcia_series_get_study_uid (series), ==,
                   "1.3.6.1.4.1.14519.5.2.1.5168.1900.154535988064062152660648619556");
  g_assert_cmpstr (tcia_series_get_modality (series), ==, "MR");
  g_assert_cmpstr (tcia_series_get_series_date (series), ==, "2003-12-12");
  g_assert_cmpstr (tcia_series_get_series_description (series), ==, "2. AXIAL T1 BOTH LEGS - RESEARCH");
  g_assert_cmpstr (tcia_series_get_body_part (series), ==, "EXTREMITY");
  g_assert_cmpstr (tcia_series_get_series_number (series), ==, "2");
  g_assert_cmpstr (tcia_series_get_collection (series), ==, "Soft-tissue-Sarcoma");
  g_assert_cmpstr (tcia_series_get_patient_id (series), ==, "STS_010");
  g_assert_cmpstr (tcia_series_get_manufacturer (series), ==, "GE MEDICAL SYSTEMS");
  g_assert_cmpstr (tcia_series_get_manufacturer_model (series), ==, "GENESIS_SIGNA");
  g_assert_cmpstr (tcia_series_get_software_versions (series), ==, "09");
  g_assert_cmpuint (tcia_series_get_image_count (series), ==, 48);
  g_assert_cmpstr (tcia_series_get_submission_date (series), ==, "2015-05-27");
  g_assert_cmpstr (tcia_series_get_license_name (series), ==,
                   "Creative Commons Attribution 3.0 Unported License");
  g_assert_cmpstr (tcia_series_get_license_uri (series), ==, "http://creativecommons.org/licenses/by/3.0/");
  g_assert_cmpstr (tcia_series_get_data_description_uri (series), ==,
                   "https://doi.org/10.7937/K9/TCIA.2015.7GO2GSKS");
  g_assert_cmpuint (tcia_series_get_file_size (series), ==, 25273786);
  g_assert_cmpstr (tcia_series_get_date_released (series), ==, "2015-05-27");
  g_assert_cmpstr (tcia_series_get_study_description (series), ==, "MRI LT LEG +C");
  g_assert_cmpstr (tcia_series_get_study_date (series), ==, "2003-12-12");
  /* Omitted by the server = null. */
  g_assert_null (tcia_series_get_protocol_name (series));
  g_assert_null (tcia_series_get_annotations_flag (series));
  g_assert_null (tcia_series_get_third_party_analysis (series));
  g_assert_null (tcia_series_get_site (series));
  /* Property access agrees with the getters. */
  assert_string_prop (series, "submission-date", "2015-05-27");
  assert_string_prop (series, "data-description-uri", "https://doi.org/10.7937/K9/TCIA.2015.7GO2GSKS");
}

/* tcia-api.md §3.8: the v4 example (VICTRE). */
static const char v4_series_body[] =
  "[{\"SeriesInstanceUID\":\"1.3.6.1.4.1.14519.5.2.1.2135.6389.861085683843003228352649673146\",\n"
  "   \"StudyInstanceUID\":\"1.3.6.1.4.1.14519.5.2.1.2135.6389.101337736148606617569659173510\",\n"
  "   \"Modality\":\"MG\",\"SeriesDescription\":\"DBT slices\",\"BodyPartExamined\":\"BREAST\",\n"
  "   \"Collection\":\"VICTRE\",\"Site\":\"FDA\",\"PatientID\":\"1215936303\",\"PatientSex\":\"F\",\n"
  "   \"Manufacturer\":\"VICTRE\",\"ImageCount\":57,\"MaxSubmissionTimestamp\":\"02-25-2019\",\n"
  "   \"LicenseName\":\"Creative Commons Attribution 3.0 Unported License\",\n"
  "   \"LicenseURI\":\"http://creativecommons.org/licenses/by/3.0/\",\n"
  "   \"DataDescriptionURI\":\"https://doi.org/10.7937/TCIA.2019.ho23nxaw\",\"FileSize\":165975906,\n"
  "   \"ReleasedStatus\":\"Yes\",\"DateReleased\":\"03-08-2019\",\"StudyDesc\":\"DBT Reconstructed Volume\",\n"
  "   \"StudyDate\":\"01-06-2018\",\"Authorized\":1},\n"
  " {\"SeriesInstanceUID\":\"1.2.3\",\"SeriesDate\":\"06-19-1990\",\"SeriesNumber\":5,\"ThirdPartyAnalysis\":\"NO\",\n"
  "  \"AnnotationsFlag\":true,\"PatientAge\":\"045Y\",\"AdmittingDiagnosisDescription\":\"Lung cancer\",\"ProtocolName\":\"CHEST\"}]";

static void
test_series_v4 (void)
{
  g_auto(Parsed) parsed = { 0, };
  TciaSeries *series;

  parse_all_ways (TCIA_TYPE_SERIES, -1, v4_series_body, &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, 2);

  series = TCIA_SERIES (record_at (&parsed, 0));
  g_assert_cmpstr (tcia_series_get_series_uid (series), ==,
                   "1.3.6.1.4.1.14519.5.2.1.2135.6389.861085683843003228352649673146");
  g_assert_cmpstr (tcia_series_get_modality (series), ==, "MG");
  g_assert_cmpstr (tcia_series_get_series_description (series), ==, "DBT slices");
  g_assert_cmpstr (tcia_series_get_body_part (series), ==, "BREAST");
  g_assert_cmpstr (tcia_series_get_collection (series), ==, "VICTRE");
  g_assert_cmpstr (tcia_series_get_site (series), ==, "FDA");
  g_assert_cmpstr (tcia_series_get_patient_id (series), ==, "1215936303");
  g_assert_cmpstr (tcia_series_get_patient_sex (series), ==, "F");
  g_assert_cmpstr (tcia_series_get_manufacturer (series), ==, "VICTRE");
  g_assert_cmpuint (tcia_series_get_image_count (series), ==, 57);
  g_assert_cmpstr (tcia_series_get_submission_date (series), ==, "2019-02-25");
  g_assert_cmpstr (tcia_series_get_data_description_uri (series), ==,
                   "https://doi.org/10.7937/TCIA.2019.ho23nxaw");
  g_assert_cmpuint (tcia_series_get_file_size (series), ==, 165975906);
  g_assert_cmpstr (tcia_series_get_released_status (series), ==, "Yes");
  g_assert_cmpstr (tcia_series_get_date_released (series), ==, "2019-03-08");
  g_assert_cmpstr (tcia_series_get_study_description (series), ==, "DBT Reconstructed Volume");
  g_assert_cmpstr (tcia_series_get_study_date (series), ==, "2018-01-06");
  g_assert_null (tcia_series_get_series_number (series));
  g_assert_null (tcia_series_get_series_date (series));

  series = TCIA_SERIES (record_at (&parsed, 1));
  g_assert_cmpstr (tcia_series_get_series_date (series), ==, "1990-06-19");
  g_assert_cmpstr (tcia_series_get_series_number (series), ==, "5");
  g_assert_cmpstr (tcia_series_get_third_party_analysis (series), ==, "NO");
  g_assert_cmpstr (tcia_series_get_annotations_flag (series), ==, "true");
  g_assert_cmpstr (tcia_series_get_patient_age (series), ==, "045Y");
  g_assert_cmpstr (tcia_series_get_admitting_diagnosis (series), ==, "Lung cancer");
  g_assert_cmpstr (tcia_series_get_protocol_name (series), ==, "CHEST");
  /* Absent numbers are unset. */
  g_assert_cmpuint (tcia_series_get_image_count (series), ==, 0);
  g_assert_cmpuint (tcia_series_get_file_size (series), ==, 0);
}

/* tcia-api.md §3.10: the real v4 getSeriesMetadata row, as format=json sends it. */
static const char v4_metadata_body[] =
  "[{\"PatientID\":\"100_HM10395\",\"PatientName\":\"P100\",\"PatientSex\":\"M\",\"EthnicGroup\":\"\","
  "\"Phantom\":\"NO\",\"SpeciesCode\":\"337915000\",\"SpeciesDescription\":\"Homo sapiens\","
  "\"StudyInstanceUID\":\"1.3.6.1.4.1.14519.5.2.1.6834.5010.335014117706890137582032169351\","
  "\"StudyDate\":\"09-15-1997\",\"StudyDesc\":\"p4\",\"AdmittingDiagnosisDescription\":\"\",\"StudyID\":\"\","
  "\"PatientAge\":\"000Y\",\"LongitudinalTemporalEventType\":\"\",\"LongitudinalTemporalOffsetFromEvent\":\"\","
  "\"SeriesInstanceUID\":\"1.3.6.1.4.1.14519.5.2.1.6834.5010.322628904903035357840500590726\","
  "\"Collection\":\"4D-Lung\",\"Site\":\"VCU\",\"Modality\":\"CT\","
  "\"ProtocolName\":\"5.1 4DCT & ITV FB + 4D + INSP/EXP\",\"SeriesDate\":\"09-15-1997\","
  "\"SeriesDescription\":\"P4^P100^S100^I0, Gated, 0.0%\",\"BodyPartExamined\":\"LUNG\","
  "\"SeriesNumber\":\"500.000000\",\"AnnotationsFlag\":\"\","
  "\"Manufacturer\":\"Varian Imaging Laboratories, Switzerland\",\"ManufacturerModelName\":\"Trilogy Cone Beam CT\","
  "\"PixelSpacing(mm)-Row\":\"0.878906\",\"SliceThickness(mm)\":\"3.000000\",\"SoftwareVersions\":\"LightSpeedverrel\","
  "\"ImageCount\":\"50\",\"MaxSubmissionTimestamp\":\"07-20-2015\","
  "\"LicenseName\":\"Creative Commons Attribution 3.0 Unported License\","
  "\"LicenseURI\":\"http://creativecommons.org/licenses/by/3.0/\","
  "\"DataDescriptionURI\":\"https://doi.org/10.7937/K9/TCIA.2016.ELN8YGLE\",\"FileSize\":\"26405888\","
  "\"ReleasedStatus\":\"Yes\",\"DateReleased\":\"10-19-2016\",\"ThirdPartyAnalysis\":\"\",\"Authorized\":\"1\"}]";

static void
test_series_metadata_v4 (void)
{
  g_auto(Parsed) parsed = { 0, };
  TciaSeries *series;

  parse_all_ways (TCIA_TYPE_SERIES, -1, v4_metadata_body, &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, 1);

  series = TCIA_SERIES (record_at (&parsed, 0));
  g_assert_cmpstr (tcia_series_get_patient_id (series), ==, "100_HM10395");
  g_assert_cmpstr (tcia_series_get_patient_name (series), ==, "P100");
  g_assert_cmpstr (tcia_series_get_patient_sex (series), ==, "M");
  assert_string_prop (series, "ethnic-group", NULL);
  assert_string_prop (series, "phantom", "NO");
  assert_string_prop (series, "species-code", "337915000");
  assert_string_prop (series, "species-description", "Homo sapiens");
  g_assert_cmpstr (tcia_series_get_study_uid (series), ==,
                   "1.3.6.1.4.1.14519.5.2.1.6834.5010.335014117706890137582032169351");
  g_assert_cmpstr (tcia_series_get_study_date (series), ==, "1997-09-15");
  g_assert_cmpstr (tcia_series_get_study_description (series), ==, "p4");
  g_assert_null (tcia_series_get_admitting_diagnosis (series));
  g_assert_null (tcia_series_get_study_id (series));
  g_assert_cmpstr (tcia_series_get_patient_age (series), ==, "000Y");
  g_assert_cmpstr (tcia_series_get_series_uid (series), ==,
                   "1.3.6.1.4.1.14519.5.2.1.6834.5010.322628904903035357840500590726");
  g_assert_cmpstr (tcia_series_get_collection (series), ==, "4D-Lung");
  g_assert_cmpstr (tcia_series_get_site (series), ==, "VCU");
  g_assert_cmpstr (tcia_series_get_modality (series), ==, "CT");
  g_assert_cmpstr (tcia_series_get_protocol_name (series), ==, "5.1 4DCT & ITV FB + 4D + INSP/EXP");
  g_assert_cmpstr (tcia_series_get_series_date (series), ==, "1997-09-15");
  g_assert_cmpstr (tcia_series_get_series_description (series), ==, "P4^P100^S100^I0, Gated, 0.0%");
  g_assert_cmpstr (tcia_series_get_body_part (series), ==, "LUNG");
  g_assert_cmpstr (tcia_series_get_series_number (series), ==, "500");
  g_assert_null (tcia_series_get_annotations_flag (series));
  g_assert_cmpstr (tcia_series_get_manufacturer (series), ==, "Varian Imaging Laboratories, Switzerland");
  g_assert_cmpstr (tcia_series_get_manufacturer_model (series), ==, "Trilogy Cone Beam CT");
  g_assert_cmpstr (tcia_series_get_pixel_spacing (series), ==, "0.878906");
  g_assert_cmpstr (tcia_series_get_slice_thickness (series), ==, "3.000000");
  g_assert_cmpstr (tcia_series_get_software_versions (series), ==, "LightSpeedverrel");
  g_assert_cmpuint (tcia_series_get_image_count (series), ==, 50);
  g_assert_cmpstr (tcia_series_get_submission_date (series), ==, "2015-07-20");
  g_assert_cmpstr (tcia_series_get_data_description_uri (series), ==,
                   "https://doi.org/10.7937/K9/TCIA.2016.ELN8YGLE");
  g_assert_cmpuint (tcia_series_get_file_size (series), ==, 26405888);
  g_assert_cmpstr (tcia_series_get_released_status (series), ==, "Yes");
  g_assert_cmpstr (tcia_series_get_date_released (series), ==, "2016-10-19");
  g_assert_null (tcia_series_get_third_party_analysis (series));
}

/* tcia-api.md §3.10: v1 getSeriesMetaData, display names and the observed values. */
static const char v1_metadata_body[] =
  "[{\"Series UID\":\"1.3.6.1.4.1.14519.5.2.1.5168.1900.104193299251798317056218297018\","
  "\"Collection\":\"Soft-tissue-Sarcoma\",\"3rd Party Analysis\":\"\","
  "\"Data Description URI\":\"https://doi.org/10.7937/K9/TCIA.2015.7GO2GSKS\",\"Subject ID\":\"STS_010\","
  "\"Study UID\":\"1.3.6.1.4.1.14519.5.2.1.5168.1900.154535988064062152660648619556\","
  "\"Study Description\":\"MRI LT LEG C\",\"Study Date\":\"06-20-2001\","
  "\"Series Description\":\"2. AXIAL T1 BOTH LEGS - RESEARCH\",\"Manufacturer\":\"GE MEDICAL SYSTEMS\","
  "\"Modality\":\"MR\",\"SOP Class UID\":\"1.2.840.10008.5.1.4.1.1.4\",\"Number of Images\":\"48\","
  "\"File Size\":\"25273786\",\"File Location\":\"3391\",\"Series Number\":\"2\","
  "\"License Name\":\"Creative Commons Attribution 3.0 Unported License\","
  "\"License URL\":\"http://creativecommons.org/licenses/by/3.0/\",\"Annotation Size\":\"0\","
  "\"Date Released\":\"Mon Nov 04 11:45:52 UTC 2013\",\"Series Date\":\"Wed Jun 20 00:00:00 UTC 2001\","
  "\"Protocol Name\":\"\",\"Body Part Examined\":\"EXTREMITY\",\"Annotations Flag\":\"false\","
  "\"Manufacturer Model Name\":\"GENESIS_SIGNA\",\"Software Versions\":\"09\","
  "\"TimeStamp\":\"Mon Nov 04 11:45:52 UTC 2013\"}]";

static void
test_series_metadata_v1 (void)
{
  g_auto(Parsed) parsed = { 0, };
  TciaSeries *series;

  parse_all_ways (TCIA_TYPE_SERIES, -1, v1_metadata_body, &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, 1);

  series = TCIA_SERIES (record_at (&parsed, 0));
  g_assert_cmpstr (tcia_series_get_series_uid (series), ==,
                   "1.3.6.1.4.1.14519.5.2.1.5168.1900.104193299251798317056218297018");
  g_assert_cmpstr (tcia_series_get_collection (series), ==, "Soft-tissue-Sarcoma");
  g_assert_null (tcia_series_get_third_party_analysis (series));
  g_assert_cmpstr (tcia_series_get_data_description_uri (series), ==,
                   "https://doi.org/10.7937/K9/TCIA.2015.7GO2GSKS");
  g_assert_cmpstr (tcia_series_get_patient_id (series), ==, "STS_010");
  g_assert_cmpstr (tcia_series_get_study_uid (series), ==,
                   "1.3.6.1.4.1.14519.5.2.1.5168.1900.154535988064062152660648619556");
  g_assert_cmpstr (tcia_series_get_study_description (series), ==, "MRI LT LEG C");
  g_assert_cmpstr (tcia_series_get_study_date (series), ==, "2001-06-20");
  g_assert_cmpstr (tcia_series_get_series_description (series), ==, "2. AXIAL T1 BOTH LEGS - RESEARCH");
  g_assert_cmpstr (tcia_series_get_manufacturer (series), ==, "GE MEDICAL SYSTEMS");
  g_assert_cmpstr (tcia_series_get_modality (series), ==, "MR");
  g_assert_cmpstr (tcia_series_get_sop_class_uid (series), ==, "1.2.840.10008.5.1.4.1.1.4");
  g_assert_cmpuint (tcia_series_get_image_count (series), ==, 48);
  g_assert_cmpuint (tcia_series_get_file_size (series), ==, 25273786);
  /* "File Location" really carries the StudyID. */
  g_assert_cmpstr (tcia_series_get_study_id (series), ==, "3391");
  g_assert_cmpstr (tcia_series_get_series_number (series), ==, "2");
  g_assert_cmpstr (tcia_series_get_license_name (series), ==,
                   "Creative Commons Attribution 3.0 Unported License");
  g_assert_cmpstr (tcia_series_get_license_uri (series), ==, "http://creativecommons.org/licenses/by/3.0/");
  g_assert_cmpstr (tcia_series_get_date_released (series), ==, "2013-11-04");
  g_assert_cmpstr (tcia_series_get_series_date (series), ==, "2001-06-20");
  g_assert_cmpstr (tcia_series_get_submission_date (series), ==, "2013-11-04");
  g_assert_null (tcia_series_get_protocol_name (series));
  g_assert_cmpstr (tcia_series_get_body_part (series), ==, "EXTREMITY");
  g_assert_cmpstr (tcia_series_get_annotations_flag (series), ==, "false");
  g_assert_cmpstr (tcia_series_get_manufacturer_model (series), ==, "GENESIS_SIGNA");
  g_assert_cmpstr (tcia_series_get_software_versions (series), ==, "09");
}

/* tcia-api.md §3.18: getContentsByName, with its "Date Released". */
static void
test_series_shared_cart (void)
{
  static const char body[] =
    "[{\"SeriesInstanceUID\":\"1.2.840.1\",\"StudyInstanceUID\":\"1.2.840.2\",\"Modality\":\"CT\","
    "\"SeriesDate\":\"2001-06-20 00:00:00.0\",\"SeriesDescription\":\"Chest\",\"BodyPartExamined\":\"CHEST\","
    "\"SeriesNumber\":3,\"AnnotationsFlag\":false,\"Collection\":\"LIDC-IDRI\",\"PatientID\":\"LIDC-IDRI-0001\","
    "\"Manufacturer\":\"GE MEDICAL SYSTEMS\",\"ManufacturerModelName\":\"LightSpeed Plus\","
    "\"SoftwareVersions\":\"LightSpeedApps2.4.2_H2.4M5\",\"ImageCount\":133,"
    "\"Date Released\":\"2015-05-27 17:12:21.0\"}]";
  g_auto(Parsed) parsed = { 0, };
  TciaSeries *series;

  parse_all_ways (TCIA_TYPE_SERIES, -1, body, &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, 1);

  series = TCIA_SERIES (record_at (&parsed, 0));
  g_assert_cmpstr (tcia_series_get_series_uid (series), ==, "1.2.840.1");
  g_assert_cmpstr (tcia_series_get_date_released (series), ==, "2015-05-27");
  g_assert_cmpstr (tcia_series_get_series_date (series), ==, "2001-06-20");
  g_assert_cmpstr (tcia_series_get_series_number (series), ==, "3");
  g_assert_cmpstr (tcia_series_get_annotations_flag (series), ==, "false");
  g_assert_cmpuint (tcia_series_get_image_count (series), ==, 133);
  g_assert_cmpstr (tcia_series_get_manufacturer_model (series), ==, "LightSpeed Plus");
}

static void
test_patients (void)
{
  /* tcia-api.md §3.5: v4 (PatientId, no birth date, Authorized) then v1. */
  static const char v4_body[] =
    "[{\"PatientId\":\"TCGA-BP-4170\",\"PatientName\":\"TCGA-BP-4170\",\"PatientSex\":\"M\","
    "\"Collection\":\"TCGA-KIRC\",\"Phantom\":\"NO\",\"SpeciesCode\":\"337915000\","
    "\"SpeciesDescription\":\"Homo sapiens\",\"Authorized\":1}]";
  static const char v1_body[] =
    "[{\"PatientId\":\"STS_010\",\"PatientName\":\"STS_010\",\"PatientBirthDate\":\"1950-01-01 00:00:00.0\","
    "\"PatientSex\":\"F\",\"EthnicGroup\":\"W\",\"Collection\":\"Soft-tissue-Sarcoma\",\"Phantom\":\"NO\","
    "\"SpeciesCode\":\"337915000\",\"SpeciesDescription\":\"Homo sapiens\"},"
    " {\"PatientID\":\"spelled-differently\"}]";
  g_auto(Parsed) v4 = { 0, };
  g_auto(Parsed) v1 = { 0, };
  TciaPatient *patient;

  parse_all_ways (TCIA_TYPE_PATIENT, -1, v4_body, &v4);
  g_assert_no_error (v4.error);
  g_assert_cmpuint (v4.records->len, ==, 1);
  patient = TCIA_PATIENT (record_at (&v4, 0));
  g_assert_cmpstr (tcia_patient_get_patient_id (patient), ==, "TCGA-BP-4170");
  g_assert_cmpstr (tcia_patient_get_collection (patient), ==, "TCGA-KIRC");
  g_assert_cmpstr (tcia_patient_get_patient_name (patient), ==, "TCGA-BP-4170");
  g_assert_cmpstr (tcia_patient_get_patient_sex (patient), ==, "M");
  g_assert_cmpstr (tcia_patient_get_phantom (patient), ==, "NO");
  g_assert_cmpstr (tcia_patient_get_species_code (patient), ==, "337915000");
  g_assert_cmpstr (tcia_patient_get_species_description (patient), ==, "Homo sapiens");
  g_assert_null (tcia_patient_get_ethnic_group (patient));
  g_assert_null (tcia_patient_get_birth_date (patient));

  parse_all_ways (TCIA_TYPE_PATIENT, -1, v1_body, &v1);
  g_assert_no_error (v1.error);
  g_assert_cmpuint (v1.records->len, ==, 2);
  patient = TCIA_PATIENT (record_at (&v1, 0));
  g_assert_cmpstr (tcia_patient_get_patient_id (patient), ==, "STS_010");
  g_assert_cmpstr (tcia_patient_get_birth_date (patient), ==, "1950-01-01");
  g_assert_cmpstr (tcia_patient_get_ethnic_group (patient), ==, "W");
  assert_string_prop (patient, "birth-date", "1950-01-01");
  patient = TCIA_PATIENT (record_at (&v1, 1));
  g_assert_cmpstr (tcia_patient_get_patient_id (patient), ==, "spelled-differently");
}

static void
test_studies (void)
{
  /* tcia-api.md §3.7: v1 then v4 (no birth date, MM-DD-YYYY, Authorized). */
  static const char v1_body[] =
    "[{\"StudyInstanceUID\":\"1.2.3.4\",\"StudyDate\":\"2003-12-12 00:00:00.0\","
    "\"StudyDescription\":\"MRI LT LEG +C\",\"AdmittingDiagnosesDescription\":\"Sarcoma\","
    "\"StudyID\":\"3391\",\"PatientAge\":\"052Y\",\"PatientID\":\"STS_010\",\"PatientName\":\"STS_010\","
    "\"PatientBirthDate\":\"1950-01-01 00:00:00.0\",\"PatientSex\":\"F\",\"EthnicGroup\":\"W\","
    "\"Collection\":\"Soft-tissue-Sarcoma\",\"SeriesCount\":3,\"LongitudinalTemporalEventType\":\"Diagnosis\","
    "\"LongitudinalTemporalOffsetFromEvent\":12}]";
  static const char v4_body[] =
    "[{\"StudyInstanceUID\":\"1.2.3.5\",\"StudyDate\":\"12-12-2003\",\"StudyDescription\":\"CT CHEST\","
    "\"PatientID\":\"LIDC-IDRI-0001\",\"Collection\":\"LIDC-IDRI\",\"SeriesCount\":\"2\",\"Authorized\":1},"
    " {\"StudyInstanceUID\":\"1.2.3.6\",\"SeriesCount\":-4}]";
  g_auto(Parsed) v1 = { 0, };
  g_auto(Parsed) v4 = { 0, };
  TciaStudy *study;

  parse_all_ways (TCIA_TYPE_STUDY, -1, v1_body, &v1);
  g_assert_no_error (v1.error);
  g_assert_cmpuint (v1.records->len, ==, 1);
  study = TCIA_STUDY (record_at (&v1, 0));
  g_assert_cmpstr (tcia_study_get_study_uid (study), ==, "1.2.3.4");
  g_assert_cmpstr (tcia_study_get_study_date (study), ==, "2003-12-12");
  g_assert_cmpstr (tcia_study_get_study_description (study), ==, "MRI LT LEG +C");
  g_assert_cmpstr (tcia_study_get_admitting_diagnosis (study), ==, "Sarcoma");
  g_assert_cmpstr (tcia_study_get_study_id (study), ==, "3391");
  g_assert_cmpstr (tcia_study_get_patient_age (study), ==, "052Y");
  g_assert_cmpstr (tcia_study_get_patient_id (study), ==, "STS_010");
  g_assert_cmpstr (tcia_study_get_collection (study), ==, "Soft-tissue-Sarcoma");
  g_assert_cmpint (tcia_study_get_series_count (study), ==, 3);
  g_assert_cmpstr (tcia_study_get_event_type (study), ==, "Diagnosis");
  g_assert_cmpstr (tcia_study_get_event_offset (study), ==, "12");

  parse_all_ways (TCIA_TYPE_STUDY, -1, v4_body, &v4);
  g_assert_no_error (v4.error);
  g_assert_cmpuint (v4.records->len, ==, 2);
  study = TCIA_STUDY (record_at (&v4, 0));
  g_assert_cmpstr (tcia_study_get_study_date (study), ==, "2003-12-12");
  g_assert_cmpint (tcia_study_get_series_count (study), ==, 2);
  study = TCIA_STUDY (record_at (&v4, 1));
  g_assert_cmpint (tcia_study_get_series_count (study), ==, -1);
}

static void
assert_value (Parsed        *parsed,
              guint          i,
              TciaValueKind  kind,
              const char    *value,
              int            count)
{
  TciaValue *record = TCIA_VALUE (record_at (parsed, i));

  g_assert_cmpint (tcia_value_get_kind (record), ==, kind);
  g_assert_cmpstr (tcia_value_get_value (record), ==, value);
  g_assert_cmpint (tcia_value_get_count (record), ==, count);
}

static void
test_values (void)
{
  struct {
    TciaValueKind kind;
    const char *body;
    const char *value;
    int count;
  } cases[] = {
    { TCIA_VALUE_MODALITY, "[{\"Modality\":\"CT\"},{\"Modality\":\"MR\"}]", "CT", -1 },
    { TCIA_VALUE_BODY_PART, "[{\"BodyPartExamined\":\"CHEST\"}]", "CHEST", -1 },
    { TCIA_VALUE_MANUFACTURER, "[{\"Manufacturer\":\"GE MEDICAL SYSTEMS\"}]", "GE MEDICAL SYSTEMS", -1 },
    { TCIA_VALUE_MODALITY, "[{\"Modality\":\"CT\",\"Count\":12,\"Authorized\":1}]", "CT", 12 },
    /* *ValuesAndCounts says "BodyPart", and a count as a string is still a count. */
    { TCIA_VALUE_BODY_PART, "[{\"BodyPart\":\"CHEST\",\"Count\":\"7\",\"Authorized\":1}]", "CHEST", 7 },
    { TCIA_VALUE_MANUFACTURER, "[{\"Manufacturer\":\"SIEMENS\",\"Count\":3,\"Authorized\":1}]", "SIEMENS", 3 },
    { TCIA_VALUE_MODALITY, "[{\"Modality\":\"PT\",\"Count\":-2}]", "PT", -1 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Parsed) parsed = { 0, };

      parse_all_ways (TCIA_TYPE_VALUE, cases[i].kind, cases[i].body, &parsed);
      g_assert_no_error (parsed.error);
      g_assert_cmpuint (parsed.records->len, >=, 1);
      assert_value (&parsed, 0, cases[i].kind, cases[i].value, cases[i].count);
    }

  {
    g_auto(Parsed) parsed = { 0, };
    TciaValueKind kind;

    parse_all_ways (TCIA_TYPE_VALUE, TCIA_VALUE_BODY_PART, "[{\"BodyPart\":\"HEAD\",\"Count\":1}]", &parsed);
    g_object_get (record_at (&parsed, 0), "kind", &kind, NULL);
    g_assert_cmpint (kind, ==, TCIA_VALUE_BODY_PART);
  }
}

static void
test_collections (void)
{
  static const char plain[] = "[{\"Collection\":\"4D-Lung\"},{\"Collection\":\"NSCLC Radiogenomics\"}]";
  static const char counted[] = "[{\"Collection\":\"TCGA-GBM\",\"Count\":262,\"Authorized\":1}]";
  /* Jackson: explicit nulls; an id we do not keep. */
  static const char described[] =
    "[{\"description\":\"<p>Four-dimensional <b>lung</b></p>\",\"id\":12,\"collectionName\":\"4D-Lung\","
    "\"descriptionURI\":\"https://doi.org/10.7937/K9/TCIA.2016.ELN8YGLE\"},"
    " {\"description\":null,\"id\":13,\"collectionName\":\"VICTRE\",\"descriptionURI\":null},"
    " {\"description\":\"orphan\",\"id\":14,\"collectionName\":null}]";
  g_auto(Parsed) a = { 0, };
  g_auto(Parsed) b = { 0, };
  g_auto(Parsed) c = { 0, };
  TciaCollection *collection;

  parse_all_ways (TCIA_TYPE_COLLECTION, -1, plain, &a);
  g_assert_no_error (a.error);
  g_assert_cmpuint (a.records->len, ==, 2);
  collection = TCIA_COLLECTION (record_at (&a, 1));
  g_assert_cmpstr (tcia_collection_get_name (collection), ==, "NSCLC Radiogenomics");
  g_assert_cmpint (tcia_collection_get_patient_count (collection), ==, -1);
  g_assert_null (tcia_collection_get_description (collection));

  parse_all_ways (TCIA_TYPE_COLLECTION, -1, counted, &b);
  g_assert_no_error (b.error);
  collection = TCIA_COLLECTION (record_at (&b, 0));
  g_assert_cmpstr (tcia_collection_get_name (collection), ==, "TCGA-GBM");
  g_assert_cmpint (tcia_collection_get_patient_count (collection), ==, 262);

  parse_all_ways (TCIA_TYPE_COLLECTION, -1, described, &c);
  g_assert_no_error (c.error);
  /* The row without a collection name is not a collection. */
  g_assert_cmpuint (c.records->len, ==, 2);
  g_assert_cmpuint (c.n_dropped, ==, 1);
  collection = TCIA_COLLECTION (record_at (&c, 0));
  g_assert_cmpstr (tcia_collection_get_name (collection), ==, "4D-Lung");
  g_assert_cmpstr (tcia_collection_get_description (collection), ==, "<p>Four-dimensional <b>lung</b></p>");
  g_assert_cmpstr (tcia_collection_get_description_uri (collection), ==,
                   "https://doi.org/10.7937/K9/TCIA.2016.ELN8YGLE");
  collection = TCIA_COLLECTION (record_at (&c, 1));
  g_assert_cmpstr (tcia_collection_get_name (collection), ==, "VICTRE");
  g_assert_null (tcia_collection_get_description (collection));
  g_assert_null (tcia_collection_get_description_uri (collection));
}

/* A single object instead of an array (the Go retriever copes with it too). */
static void
test_single_object (void)
{
  g_auto(Parsed) parsed = { 0, };

  parse_all_ways (TCIA_TYPE_SERIES, -1, "{\"SeriesInstanceUID\":\"1.2\",\"Modality\":\"CT\"}", &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, 1);
  g_assert_cmpstr (tcia_series_get_modality (TCIA_SERIES (record_at (&parsed, 0))), ==, "CT");
}

/* ---- Malformed and awkward bodies ------------------------------------------ */

static void
test_empty_bodies (void)
{
  const char *bodies[] = { "", "   \r\n\t ", "[]", " [ ] ", "null", "[{}]" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_auto(Parsed) parsed = { 0, };

      parse_all_ways (TCIA_TYPE_SERIES, -1, bodies[i], &parsed);
      g_assert_no_error (parsed.error);
      g_assert_cmpuint (parsed.records->len, ==, 0);
    }
}

static void
assert_parse_error (const char *body,
                    gint        code,
                    guint       n_rows_before)
{
  g_auto(Parsed) parsed = { 0, };

  parse_all_ways (TCIA_TYPE_SERIES, -1, body, &parsed);
  g_assert_error (parsed.error, G_IO_ERROR, code);
  g_assert_nonnull (strstr (parsed.error->message, "at byte "));
  g_assert_cmpuint (parsed.records->len, ==, n_rows_before);
}

static void
test_malformed (void)
{
  /* Not JSON at all, or an HTML page. */
  assert_parse_error ("hello", G_IO_ERROR_INVALID_DATA, 0);
  assert_parse_error ("<html><body>Service Unavailable</body></html>", G_IO_ERROR_INVALID_DATA, 0);
  /* Cut short. */
  assert_parse_error ("{\"a\":", G_IO_ERROR_PARTIAL_INPUT, 0);
  assert_parse_error ("[{\"SeriesInstanceUID\":\"1.2\"},{\"SeriesInstanceUID\":\"1.", G_IO_ERROR_PARTIAL_INPUT, 1);
  assert_parse_error ("[{\"SeriesInstanceUID\":\"1.2\"}", G_IO_ERROR_PARTIAL_INPUT, 1);
  /* Not a list of records. */
  assert_parse_error ("\"just a string\"", G_IO_ERROR_INVALID_DATA, 0);
  assert_parse_error ("42", G_IO_ERROR_INVALID_DATA, 0);
  assert_parse_error ("-1.5e3", G_IO_ERROR_INVALID_DATA, 0);
  assert_parse_error ("true", G_IO_ERROR_INVALID_DATA, 0);
  /* Broken in the middle, after good rows, and trailing garbage. */
  assert_parse_error ("[{\"SeriesInstanceUID\":\"1\"},{\"SeriesInstanceUID\" \"2\"}]", G_IO_ERROR_INVALID_DATA, 1);
  assert_parse_error ("[{\"SeriesInstanceUID\":\"1\"}] trailing", G_IO_ERROR_INVALID_DATA, 1);
  assert_parse_error ("[{\"SeriesInstanceUID\":\"1\",}]", G_IO_ERROR_INVALID_DATA, 0);
  assert_parse_error ("[{\"SeriesInstanceUID\":\"1\"}][]", G_IO_ERROR_INVALID_DATA, 1);
}

static void
test_error_offset (void)
{
  static const char body[] = "[{\"SeriesInstanceUID\":\"1\"},{\"Modality\":@}]";
  g_auto(Parsed) parsed = { 0, };
  guint64 offset;

  parse_chunked (TCIA_TYPE_SERIES, -1, body, strlen (body), strlen (body), &parsed);
  g_assert_error (parsed.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  /* The '@' is byte 39. */
  g_assert_true (g_str_has_prefix (parsed.error->message, "at byte "));
  offset = g_ascii_strtoull (parsed.error->message + strlen ("at byte "), NULL, 10);
  g_assert_cmpuint (offset, >=, 39);
  g_assert_cmpuint (offset, <=, 40);
}

static void
test_nested (void)
{
  static const char body[] =
    "[\"a stray string\", 7, [ {\"SeriesInstanceUID\":\"nested-row\"} ],"
    " {\"SeriesInstanceUID\":\"1\",\"Tags\":[1,{\"Modality\":\"XX\"},[\"y\"]],"
    "  \"Inner\":{\"Modality\":\"YY\",\"SeriesInstanceUID\":\"bad\",\"Deeper\":{\"a\":[{}]}},"
    "  \"Modality\":\"CT\",\"BodyPartExamined\":{\"not\":\"a string\"}},"
    " {\"SeriesInstanceUID\":\"2\",\"Modality\":\"MR\"}]";
  g_auto(Parsed) parsed = { 0, };
  TciaSeries *series;

  parse_all_ways (TCIA_TYPE_SERIES, -1, body, &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, 2);
  series = TCIA_SERIES (record_at (&parsed, 0));
  g_assert_cmpstr (tcia_series_get_series_uid (series), ==, "1");
  g_assert_cmpstr (tcia_series_get_modality (series), ==, "CT");
  g_assert_null (tcia_series_get_body_part (series));
  series = TCIA_SERIES (record_at (&parsed, 1));
  g_assert_cmpstr (tcia_series_get_series_uid (series), ==, "2");
  g_assert_cmpstr (tcia_series_get_modality (series), ==, "MR");
}

static void
test_numbers (void)
{
  static const char body[] =
    "[{\"SeriesInstanceUID\":\"strings\",\"ImageCount\":\"48\",\"FileSize\":\"71599388.0\",\"SeriesNumber\":\"500.000000\"},"
    " {\"SeriesInstanceUID\":\"exponent\",\"ImageCount\":4.8e1,\"FileSize\":2.5e7,\"SeriesNumber\":2.50},"
    " {\"SeriesInstanceUID\":\"negative\",\"ImageCount\":-5,\"FileSize\":-1,\"SeriesNumber\":\"-3\"},"
    " {\"SeriesInstanceUID\":\"huge\",\"ImageCount\":99999999999,\"FileSize\":18446744073709551616,\"SeriesNumber\":\"2.5\"},"
    " {\"SeriesInstanceUID\":\"max\",\"ImageCount\":4294967295,\"FileSize\":18446744073709551615},"
    " {\"SeriesInstanceUID\":\"garbage\",\"ImageCount\":\"many\",\"FileSize\":true,\"SeriesNumber\":\"n/a\"},"
    " {\"SeriesInstanceUID\":\"fraction\",\"ImageCount\":2.5,\"FileSize\":1e400,\"SeriesNumber\":\"10.000\"},"
    " {\"SeriesInstanceUID\":\"spaces\",\"ImageCount\":\" 12 \",\"FileSize\":\"0x10\",\"SeriesNumber\":\"7\"}]";
  static const struct {
    guint image_count;
    guint64 file_size;
    const char *series_number;
  } expected[] = {
    { 48, 71599388, "500" },
    { 48, 25000000, "2.5" },
    { 0, 0, "-3" },
    { 0, 0, "2.5" },
    { G_MAXUINT, G_MAXUINT64, NULL },
    { 0, 0, "n/a" },
    { 0, 0, "10" },
    { 12, 0, "7" },
  };
  g_auto(Parsed) parsed = { 0, };
  guint i;

  parse_all_ways (TCIA_TYPE_SERIES, -1, body, &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, G_N_ELEMENTS (expected));

  for (i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      TciaSeries *series = TCIA_SERIES (record_at (&parsed, i));

      g_test_message ("row %s", tcia_series_get_series_uid (series));
      g_assert_cmpuint (tcia_series_get_image_count (series), ==, expected[i].image_count);
      g_assert_cmpuint (tcia_series_get_file_size (series), ==, expected[i].file_size);
      g_assert_cmpstr (tcia_series_get_series_number (series), ==, expected[i].series_number);
    }

  {
    g_auto(Parsed) counts = { 0, };

    parse_all_ways (TCIA_TYPE_COLLECTION, -1,
                    "[{\"Collection\":\"a\",\"Count\":2147483648},{\"Collection\":\"b\",\"Count\":2147483647},"
                    " {\"Collection\":\"c\",\"Count\":\"12.0\"},{\"Collection\":\"d\",\"Count\":null}]", &counts);
    g_assert_no_error (counts.error);
    g_assert_cmpint (tcia_collection_get_patient_count (TCIA_COLLECTION (record_at (&counts, 0))), ==, -1);
    g_assert_cmpint (tcia_collection_get_patient_count (TCIA_COLLECTION (record_at (&counts, 1))), ==, G_MAXINT);
    g_assert_cmpint (tcia_collection_get_patient_count (TCIA_COLLECTION (record_at (&counts, 2))), ==, 12);
    g_assert_cmpint (tcia_collection_get_patient_count (TCIA_COLLECTION (record_at (&counts, 3))), ==, -1);
  }
}

static void
test_dates (void)
{
  static const struct {
    const char *sent;
    const char *stored;
  } cases[] = {
    { "03-08-2019", "2019-03-08" },
    { "2003-12-12 00:00:00.0", "2003-12-12" },
    { "2003-12-12", "2003-12-12" },
    { "2003-12-12T10:00:00Z", "2003-12-12" },
    { "Mon Nov 04 11:45:52 UTC 2013", "2013-11-04" },
    { "Wed Jun 20 00:00:00 EDT 2001", "2001-06-20" },
    { "Thu Feb 29 00:00:00 UTC 2024", "2024-02-29" },
    /* Not dates, or impossible ones: kept as sent, never invented. */
    { "13-45-2019", "13-45-2019" },
    { "02-30-2019", "02-30-2019" },
    { "2019-02-29", "2019-02-29" },
    { "00-00-0000", "00-00-0000" },
    { "sometime in 2001", "sometime in 2001" },
    { "Mon Foo 04 11:45:52 UTC 2013", "Mon Foo 04 11:45:52 UTC 2013" },
    { "19970915", "19970915" },
    { "1-2-2003", "1-2-2003" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Parsed) parsed = { 0, };
      g_autofree char *body = g_strdup_printf ("[{\"SeriesInstanceUID\":\"1\",\"StudyDate\":\"%s\"}]",
                                               cases[i].sent);

      parse_all_ways (TCIA_TYPE_SERIES, -1, body, &parsed);
      g_assert_no_error (parsed.error);
      g_assert_cmpstr (tcia_series_get_study_date (TCIA_SERIES (record_at (&parsed, 0))), ==, cases[i].stored);
    }
}

static void
test_strings (void)
{
  /* Escapes, explicit null, duplicate keys (the last one wins), "" as absent,
   * unknown keys, and a key with invalid UTF-8. */
  static const char body[] =
    "[{\"SeriesInstanceUID\":\"1\",\"SeriesDescription\":\"caf\\u00e9 \\\"q\\\" \\\\ \\/ \\n\\t\","
    "\"Modality\":null,\"Collection\":\"A\",\"Collection\":\"B\",\"ProtocolName\":\"\","
    "\"SomethingNew\":\"ignored\",\"Manufactur\xff\":\"x\",\"Authorized\":1}]";
  g_auto(Parsed) parsed = { 0, };
  TciaSeries *series;

  parse_all_ways (TCIA_TYPE_SERIES, -1, body, &parsed);
  g_assert_no_error (parsed.error);
  series = TCIA_SERIES (record_at (&parsed, 0));
  g_assert_cmpstr (tcia_series_get_series_description (series), ==, "café \"q\" \\ / \n\t");
  g_assert_null (tcia_series_get_modality (series));
  g_assert_cmpstr (tcia_series_get_collection (series), ==, "B");
  g_assert_null (tcia_series_get_protocol_name (series));
  g_assert_null (tcia_series_get_manufacturer (series));
}

static void
test_invalid_utf8 (void)
{
  static const char body[] =
    "[{\"SeriesInstanceUID\":\"1\",\"SeriesDescription\":\"ab\xff\xfe" "cd\",\"PatientName\":\"\xc3\","
    "\"Collection\":\"Caf\xc3\xa9\",\"Manufacturer\":\"\xed\xa0\x80\"}]";
  g_auto(Parsed) parsed = { 0, };
  TciaSeries *series;
  g_autofree char *via_property = NULL;

  parse_all_ways (TCIA_TYPE_SERIES, -1, body, &parsed);
  g_assert_no_error (parsed.error);
  series = TCIA_SERIES (record_at (&parsed, 0));

  g_assert_true (g_utf8_validate (tcia_series_get_series_description (series), -1, NULL));
  g_assert_cmpstr (tcia_series_get_series_description (series), ==, "ab\xef\xbf\xbd\xef\xbf\xbd" "cd");
  g_assert_cmpstr (tcia_series_get_patient_name (series), ==, "\xef\xbf\xbd");
  g_assert_cmpstr (tcia_series_get_collection (series), ==, "Café");
  g_assert_true (g_utf8_validate (tcia_series_get_manufacturer (series), -1, NULL));

  /* GObject must never see invalid UTF-8. */
  g_object_get (series, "series-description", &via_property, NULL);
  g_assert_true (g_utf8_validate (via_property, -1, NULL));
}

static void
test_empty_rows (void)
{
  g_auto(Parsed) parsed = { 0, };

  parse_all_ways (TCIA_TYPE_SERIES, -1,
                  "[{}, {\"Authorized\":1}, {\"SeriesInstanceUID\":\"\"}, {\"SeriesInstanceUID\":\"1\"}, {}]",
                  &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, 1);
  g_assert_cmpuint (parsed.n_dropped, ==, 4);
}

static void
test_big_value (void)
{
  gsize big = 1024 * 1024;
  GString *body = g_string_new ("[{\"SeriesInstanceUID\":\"1\",\"SeriesDescription\":\"");
  g_autofree char *text = NULL;
  g_auto(Parsed) whole = { 0, };
  g_auto(Parsed) chunked = { 0, };
  const char *description;
  gsize i;

  for (i = 0; i < big; i++)
    g_string_append_c (body, 'a' + (char) (i % 26));
  g_string_append (body, "\",\"Modality\":\"CT\"}]");
  text = g_string_free (body, FALSE);

  parse_chunked (TCIA_TYPE_SERIES, -1, text, strlen (text), strlen (text), &whole);
  g_assert_no_error (whole.error);
  description = tcia_series_get_series_description (TCIA_SERIES (record_at (&whole, 0)));
  g_assert_cmpuint (strlen (description), ==, big);
  g_assert_cmpstr (tcia_series_get_modality (TCIA_SERIES (record_at (&whole, 0))), ==, "CT");

  /* A value much longer than the chunks it arrives in. */
  parse_chunked (TCIA_TYPE_SERIES, -1, text, strlen (text), 1000, &chunked);
  g_assert_no_error (chunked.error);
  g_assert_cmpstr (tcia_series_get_series_description (TCIA_SERIES (record_at (&chunked, 0))), ==, description);
}

/* `[{"SeriesInstanceUID":"1","<name>":<value of @len bytes>}]`, the value
 * a string of 'a' (@quoted) or a number of '1'; when @as_key, the big text
 * is the key instead. */
static char *
body_with_big_value (gsize     len,
                     gboolean  quoted,
                     gboolean  as_key,
                     gsize    *out_len)
{
  const char *head = as_key ? "[{\"SeriesInstanceUID\":\"1\",\""
                            : "[{\"SeriesInstanceUID\":\"1\",\"SeriesDescription\":";
  const char *tail = as_key ? "\":\"x\"}]" : "}]";
  gsize head_len = strlen (head);
  gsize tail_len = strlen (tail);
  gsize quotes = (quoted && !as_key) ? 1 : 0;
  gsize total = head_len + quotes + len + quotes + tail_len;
  char *body = g_malloc (total + 1);
  char *p = body;

  memcpy (p, head, head_len);
  p += head_len;
  if (quotes)
    *p++ = '"';
  memset (p, quoted || as_key ? 'a' : '1', len);
  p += len;
  if (quotes)
    *p++ = '"';
  memcpy (p, tail, tail_len);
  p += tail_len;
  *p = '\0';
  *out_len = total;

  return body;
}

/* A value over the cap fails at once, however it arrives, and is never
 * buffered whole (before the cap, a 100 MB string took half a minute and
 * most of a GB); one just under the cap still parses. */
static void
test_value_cap (void)
{
  gsize cap = TCIA_JSON_ROWS_MAX_VALUE_BYTES;
  struct {
    gsize    len;
    gboolean quoted;
    gboolean as_key;
  } too_big[] = {
    { 100 * 1000 * 1000, TRUE, FALSE },
    { cap + 256 * 1024, TRUE, FALSE },
    { 2 * cap, FALSE, FALSE },
    { 2 * cap, TRUE, TRUE },
  };
  gsize chunks[] = { 64 * 1024, 1000 * 1000 * 1000 };
  guint i, j;

  for (i = 0; i < G_N_ELEMENTS (too_big); i++)
    {
      gsize len;
      g_autofree char *body = body_with_big_value (too_big[i].len, too_big[i].quoted,
                                                   too_big[i].as_key, &len);

      for (j = 0; j < G_N_ELEMENTS (chunks); j++)
        {
          g_auto(Parsed) parsed = { 0, };

          parse_chunked (TCIA_TYPE_SERIES, -1, body, len, chunks[j], &parsed);
          g_assert_error (parsed.error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
          g_assert_nonnull (strstr (parsed.error->message, "MiB"));
          g_assert_cmpuint (parsed.records->len, ==, 0);
        }
    }

  /* Just under the cap, as a string, a number and a key. */
  for (i = 0; i < 3; i++)
    {
      gsize len;
      g_autofree char *body = body_with_big_value (cap - 1, i != 1, i == 2, &len);

      for (j = 0; j < G_N_ELEMENTS (chunks); j++)
        {
          g_auto(Parsed) parsed = { 0, };

          parse_chunked (TCIA_TYPE_SERIES, -1, body, len, chunks[j], &parsed);
          g_assert_no_error (parsed.error);
          g_assert_cmpuint (parsed.records->len, ==, 1);
          if (i == 0)
            g_assert_cmpuint (strlen (tcia_series_get_series_description (TCIA_SERIES (record_at (&parsed, 0)))),
                              ==, cap - 1);
        }
    }
}

/* Rows with shared values share storage, and distinct rows stay distinct. */
static void
test_many_rows (void)
{
  GString *body = g_string_new ("[");
  g_autofree char *text = NULL;
  g_auto(Parsed) parsed = { 0, };
  guint i;

  for (i = 0; i < 5000; i++)
    g_string_append_printf (body,
                            "%s{\"SeriesInstanceUID\":\"1.2.%u\",\"Collection\":\"C%u\",\"Modality\":\"CT\","
                            "\"ImageCount\":%u,\"FileSize\":%u,\"StudyDate\":\"01-%02u-2020\"}",
                            i > 0 ? "," : "", i, i / 1000, i, i * 3, 1 + i % 28);
  g_string_append (body, "]");
  text = g_string_free (body, FALSE);

  parse_chunked (TCIA_TYPE_SERIES, -1, text, strlen (text), 65536, &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, 5000);
  for (i = 0; i < 5000; i++)
    {
      TciaSeries *series = TCIA_SERIES (record_at (&parsed, i));
      g_autofree char *uid = g_strdup_printf ("1.2.%u", i);
      g_autofree char *collection = g_strdup_printf ("C%u", i / 1000);
      g_autofree char *date = g_strdup_printf ("2020-01-%02u", 1 + i % 28);

      g_assert_cmpstr (tcia_series_get_series_uid (series), ==, uid);
      g_assert_cmpstr (tcia_series_get_collection (series), ==, collection);
      g_assert_cmpstr (tcia_series_get_study_date (series), ==, date);
      g_assert_cmpuint (tcia_series_get_image_count (series), ==, i);
      g_assert_cmpuint (tcia_series_get_file_size (series), ==, i * 3);
    }
  /* Deduplicated: one copy of "CT" for all rows. */
  g_assert_true (tcia_series_get_modality (TCIA_SERIES (record_at (&parsed, 0))) ==
                 tcia_series_get_modality (TCIA_SERIES (record_at (&parsed, 4999))));

  /* Records outlive the builder and each other. */
  {
    g_autoptr(TciaSeries) kept = g_object_ref (TCIA_SERIES (record_at (&parsed, 1234)));

    parsed_clear (&parsed);
    g_assert_cmpstr (tcia_series_get_series_uid (kept), ==, "1.2.1234");
    g_assert_cmpstr (tcia_series_get_collection (kept), ==, "C1");
  }
}

/* Keys in a different order in every row, some missing, and hundreds of
 * keys nobody knows: every field still lands where it belongs. */
static void
test_key_order (void)
{
  static const char *keys[] = {
    "SeriesInstanceUID", "Modality", "Collection", "PatientID", "StudyDesc", "ImageCount",
    "FileSize", "SeriesDescription", "BodyPartExamined", "Manufacturer",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (1234);
  GString *body = g_string_new ("[");
  g_autofree char *text = NULL;
  g_auto(Parsed) parsed = { 0, };
  guint n_rows = 3000;
  guint i, j;

  for (i = 0; i < n_rows; i++)
    {
      guint order[G_N_ELEMENTS (keys)];

      for (j = 0; j < G_N_ELEMENTS (keys); j++)
        order[j] = j;
      for (j = G_N_ELEMENTS (keys) - 1; j > 0; j--)
        {
          guint k = (guint) g_rand_int_range (rand, 0, (gint32) j + 1);
          guint t = order[j];

          order[j] = order[k];
          order[k] = t;
        }

      g_string_append (body, i > 0 ? ",{" : "{");
      for (j = 0; j < G_N_ELEMENTS (keys); j++)
        {
          guint key = order[j];

          /* Keys other than the UID are left out now and then. */
          if (key != 0 && g_rand_int_range (rand, 0, 5) == 0)
            continue;
          if (key == 5 || key == 6)
            g_string_append_printf (body, "\"%s\":%u,", keys[key], i * 10 + key);
          else
            g_string_append_printf (body, "\"%s\":\"%s-%u\",", keys[key], keys[key], i % 37);
          g_string_append_printf (body, "\"Unknown%u\":\"x\",", g_rand_int_range (rand, 0, 400));
        }
      g_string_truncate (body, body->len - 1);
      g_string_append_c (body, '}');
    }
  g_string_append_c (body, ']');
  text = g_string_free (body, FALSE);

  parse_chunked (TCIA_TYPE_SERIES, -1, text, strlen (text), 65536, &parsed);
  g_assert_no_error (parsed.error);
  g_assert_cmpuint (parsed.records->len, ==, n_rows);

  /* Check against the same random choices, replayed. */
  g_rand_set_seed (rand, 1234);
  for (i = 0; i < n_rows; i++)
    {
      TciaSeries *series = TCIA_SERIES (record_at (&parsed, i));
      guint order[G_N_ELEMENTS (keys)];

      for (j = 0; j < G_N_ELEMENTS (keys); j++)
        order[j] = j;
      for (j = G_N_ELEMENTS (keys) - 1; j > 0; j--)
        {
          guint k = (guint) g_rand_int_range (rand, 0, (gint32) j + 1);
          guint t = order[j];

          order[j] = order[k];
          order[k] = t;
        }

      for (j = 0; j < G_N_ELEMENTS (keys); j++)
        {
          guint key = order[j];
          g_autofree char *expected = NULL;
          g_auto(GValue) value = G_VALUE_INIT;
          static const char *props[] = {
            "series-uid", "modality", "collection", "patient-id", "study-description",
            "image-count", "file-size", "series-description", "body-part", "manufacturer",
          };
          gboolean present = key == 0 || g_rand_int_range (rand, 0, 5) != 0;

          if (present)
            g_rand_int_range (rand, 0, 400);

          g_object_get_property (G_OBJECT (series), props[key], &value);
          if (key == 5)
            g_assert_cmpuint (g_value_get_uint (&value), ==, present ? i * 10 + key : 0);
          else if (key == 6)
            g_assert_cmpuint (g_value_get_uint64 (&value), ==, present ? i * 10 + key : 0);
          else
            {
              expected = present ? g_strdup_printf ("%s-%u", keys[key], i % 37) : NULL;
              g_assert_cmpstr (g_value_get_string (&value), ==, expected);
            }
        }
    }
}

/* ---- Properties and constructors ------------------------------------------- */

static void
test_properties (void)
{
  static const struct {
    const char *name;
    const char *nick;
  } series_props[] = {
    { "series-uid", "SeriesInstanceUID" },
    { "study-uid", "StudyInstanceUID" },
    { "submission-date", "MaxSubmissionTimestamp" },
    { "data-description-uri", "DataDescriptionURI" },
    { "study-description", "StudyDesc" },
    { "pixel-spacing", "PixelSpacing(mm)-Row" },
    { "image-count", "ImageCount" },
    { "file-size", "FileSize" },
  };
  g_autoptr(GTypeClass) klass = g_type_class_ref (TCIA_TYPE_SERIES);
  g_autoptr(GTypeClass) patient_class = g_type_class_ref (TCIA_TYPE_PATIENT);
  g_autoptr(GTypeClass) study_class = g_type_class_ref (TCIA_TYPE_STUDY);
  g_autoptr(GTypeClass) value_class = g_type_class_ref (TCIA_TYPE_VALUE);
  g_autoptr(GTypeClass) collection_class = g_type_class_ref (TCIA_TYPE_COLLECTION);
  GParamSpec *pspec;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (series_props); i++)
    {
      pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), series_props[i].name);
      g_assert_nonnull (pspec);
      g_assert_cmpstr (g_param_spec_get_nick (pspec), ==, series_props[i].nick);
      g_assert_true ((pspec->flags & G_PARAM_READABLE) != 0);
      g_assert_true ((pspec->flags & G_PARAM_WRITABLE) == 0);
    }

  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (G_OBJECT_CLASS (klass), "image-count")) == G_TYPE_UINT);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (G_OBJECT_CLASS (klass), "file-size")) == G_TYPE_UINT64);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (G_OBJECT_CLASS (study_class), "series-count")) == G_TYPE_INT);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (G_OBJECT_CLASS (collection_class), "patient-count")) == G_TYPE_INT);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (G_OBJECT_CLASS (value_class), "kind")) == TCIA_TYPE_VALUE_KIND);
  pspec = g_object_class_find_property (G_OBJECT_CLASS (patient_class), "patient-id");
  g_assert_cmpstr (g_param_spec_get_nick (pspec), ==, "PatientId");

  /* Every property named in the public headers exists. */
  {
    const char *names[] = {
      "series-uid", "study-uid", "patient-id", "patient-name", "patient-sex", "patient-age",
      "collection", "site", "modality", "protocol-name", "series-date", "series-description",
      "series-number", "body-part", "annotations-flag", "manufacturer", "manufacturer-model",
      "software-versions", "image-count", "file-size", "submission-date", "date-released",
      "released-status", "license-name", "license-uri", "data-description-uri", "study-date",
      "study-description", "study-id", "admitting-diagnosis", "third-party-analysis",
      "pixel-spacing", "slice-thickness",
    };

    for (i = 0; i < G_N_ELEMENTS (names); i++)
      g_assert_nonnull (g_object_class_find_property (G_OBJECT_CLASS (klass), names[i]));
  }
}

/* What the basket does: save a record's properties, rebuild it later. */
static void
test_new_from_fields (void)
{
  g_auto(Parsed) parsed = { 0, };
  g_autofree GParamSpec **pspecs = NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TciaSeries) rebuilt = NULL;
  g_autoptr(TciaSeries) from_v4 = NULL;
  g_autoptr(TciaValue) value = NULL;
  g_autoptr(TciaCollection) nameless = NULL;
  g_autofree char *original_dump = NULL;
  g_autofree char *rebuilt_dump = NULL;
  GObject *original;
  guint n, i;

  parse_chunked (TCIA_TYPE_SERIES, -1, v4_metadata_body, strlen (v4_metadata_body), 64, &parsed);
  g_assert_no_error (parsed.error);
  original = record_at (&parsed, 0);

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (original), &n);
  for (i = 0; i < n; i++)
    {
      g_auto(GValue) v = G_VALUE_INIT;
      g_auto(GValue) s = G_VALUE_INIT;

      g_value_init (&v, pspecs[i]->value_type);
      g_value_init (&s, G_TYPE_STRING);
      g_object_get_property (original, pspecs[i]->name, &v);
      g_assert_true (g_value_transform (&v, &s));
      if (g_value_get_string (&s) == NULL)
        continue;
      g_ptr_array_add (keys, (gpointer) pspecs[i]->name);
      g_ptr_array_add (values, g_value_dup_string (&s));
    }

  rebuilt = tcia_series_new_from_fields ((const char * const *) keys->pdata,
                                         (const char * const *) values->pdata, keys->len);
  g_assert_nonnull (rebuilt);
  original_dump = dump_record (original);
  rebuilt_dump = dump_record (G_OBJECT (rebuilt));
  g_assert_cmpstr (rebuilt_dump, ==, original_dump);

  /* NBIA's spellings and raw server values, through NBIA's builder. */
  {
    const char *k[] = { "SeriesInstanceUID", "StudyDate", "SeriesNumber", "File Size (Bytes)", "Series UID", "Unknown" };
    const char *v[] = { "1.2", "09-15-1997", "500.000000", "26405888", NULL, "x" };
    g_autoptr(TciaRecordBuilder) nbia = tcia_nbia_record_builder_new (TCIA_TYPE_SERIES, 64);

    from_v4 = TCIA_SERIES (tcia_record_builder_add_fields (nbia, k, v, G_N_ELEMENTS (k)));
    g_assert_cmpstr (tcia_series_get_series_uid (from_v4), ==, "1.2");
    g_assert_cmpstr (tcia_series_get_study_date (from_v4), ==, "1997-09-15");
    g_assert_cmpstr (tcia_series_get_series_number (from_v4), ==, "500");
    g_assert_cmpuint (tcia_series_get_file_size (from_v4), ==, 26405888);
  }

  /* The records' own names know ISO dates only: another form is kept as
   * it came, a date and time is cut to its date, and a source's spelling
   * ("Series UID") is no field of theirs. */
  {
    const char *k[] = { "SeriesInstanceUID", "StudyDate", "series-date", "Series UID" };
    const char *v[] = { "1.3", "09-15-1997", "1997-09-16 10:11:12.0", "1.4" };
    g_autoptr(TciaSeries) plain = tcia_series_new_from_fields (k, v, G_N_ELEMENTS (k));

    g_assert_cmpstr (tcia_series_get_series_uid (plain), ==, "1.3");
    g_assert_cmpstr (tcia_series_get_study_date (plain), ==, "09-15-1997");
    g_assert_cmpstr (tcia_series_get_series_date (plain), ==, "1997-09-16");
  }

  {
    const char *k[] = { "value", "count" };
    const char *v[] = { "CT", "12" };

    value = tcia_value_new_from_fields (TCIA_VALUE_BODY_PART, k, v, 2);
    g_assert_cmpint (tcia_value_get_kind (value), ==, TCIA_VALUE_BODY_PART);
    g_assert_cmpstr (tcia_value_get_value (value), ==, "CT");
    g_assert_cmpint (tcia_value_get_count (value), ==, 12);
  }

  {
    const char *k[] = { "description" };
    const char *v[] = { "no name" };

    /* Without its identity a record is refused. */
    nameless = tcia_collection_new_from_fields (k, v, 1);
    g_assert_null (nameless);
  }

  g_assert_finalize_object (g_steal_pointer (&rebuilt));
}

/* ---- The normalisers on their own ------------------------------------------- */

static void
test_parse_uint64 (void)
{
  static const struct {
    const char *text;
    gboolean ok;
    guint64 value;
  } cases[] = {
    { "0", TRUE, 0 },
    { "48", TRUE, 48 },
    { "+48", TRUE, 48 },
    { " 48\t", TRUE, 48 },
    { "71599388.0", TRUE, 71599388 },
    { "500.000000", TRUE, 500 },
    { "2.5e7", TRUE, 25000000 },
    { "1E3", TRUE, 1000 },
    { "18446744073709551615", TRUE, G_MAXUINT64 },
    { "18446744073709551616", FALSE, 0 },
    { "99999999999999999999999", FALSE, 0 },
    { "1e20", FALSE, 0 },
    { "-1", FALSE, 0 },
    { "-0.0", FALSE, 0 },
    { "2.5", FALSE, 0 },
    { "", FALSE, 0 },
    { "  ", FALSE, 0 },
    { "abc", FALSE, 0 },
    { "12abc", FALSE, 0 },
    { "0x1F", FALSE, 0 },
    { "inf", FALSE, 0 },
    { "nan", FALSE, 0 },
    { "1.", TRUE, 1 },
    { ".5", FALSE, 0 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint64 value = 0;
      gboolean ok = tcia_records_parse_uint64 (cases[i].text, strlen (cases[i].text), &value);

      g_test_message ("\"%s\"", cases[i].text);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpuint (value, ==, cases[i].value);
    }
}

static void
test_trim_decimal (void)
{
  static const struct {
    const char *text;
    const char *trimmed;
  } cases[] = {
    { "500.000000", "500" },
    { "2", "2" },
    { "2.5", "2.5" },
    { "2.50", "2.5" },
    { "-1.000", "-1" },
    { "0.0", "0" },
    { "1.", "1." },
    { ".5", ".5" },
    { "1e3", "1e3" },
    { "abc.00", "abc.00" },
    { "", "" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = tcia_records_trim_decimal (cases[i].text, strlen (cases[i].text));
      g_autofree char *trimmed = g_strndup (cases[i].text, len);

      g_assert_cmpstr (trimmed, ==, cases[i].trimmed);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/records/series-v1", test_series_v1);
  g_test_add_func ("/core/records/series-v4", test_series_v4);
  g_test_add_func ("/core/records/series-metadata-v4", test_series_metadata_v4);
  g_test_add_func ("/core/records/series-metadata-v1", test_series_metadata_v1);
  g_test_add_func ("/core/records/series-shared-cart", test_series_shared_cart);
  g_test_add_func ("/core/records/patients", test_patients);
  g_test_add_func ("/core/records/studies", test_studies);
  g_test_add_func ("/core/records/values", test_values);
  g_test_add_func ("/core/records/collections", test_collections);
  g_test_add_func ("/core/records/single-object", test_single_object);
  g_test_add_func ("/core/records/empty-bodies", test_empty_bodies);
  g_test_add_func ("/core/records/malformed", test_malformed);
  g_test_add_func ("/core/records/error-offset", test_error_offset);
  g_test_add_func ("/core/records/nested", test_nested);
  g_test_add_func ("/core/records/numbers", test_numbers);
  g_test_add_func ("/core/records/dates", test_dates);
  g_test_add_func ("/core/records/strings", test_strings);
  g_test_add_func ("/core/records/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/core/records/empty-rows", test_empty_rows);
  g_test_add_func ("/core/records/big-value", test_big_value);
  g_test_add_func ("/core/records/value-cap", test_value_cap);
  g_test_add_func ("/core/records/many-rows", test_many_rows);
  g_test_add_func ("/core/records/key-order", test_key_order);
  g_test_add_func ("/core/records/properties", test_properties);
  g_test_add_func ("/core/records/new-from-fields", test_new_from_fields);
  g_test_add_func ("/core/records/parse-uint64", test_parse_uint64);
  g_test_add_func ("/core/records/trim-decimal", test_trim_decimal);

  return g_test_run ();
}
