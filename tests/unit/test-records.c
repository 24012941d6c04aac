/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Parsing NBIA bodies into records: every shape tcia-api.md documents, fed
 * whole, one byte at a time and in odd-sized chunks. The malformed and odd
 * bodies are in test-records-parse.c, properties and number forms in
 * test-records-fields.c. */

#include "records-test-util.h"

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
  g_test_add_func ("/core/records/new-from-fields", test_new_from_fields);

  return g_test_run ();
}
