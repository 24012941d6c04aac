/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include "tcia-collection.h"
#include "tcia-patient.h"
#include "tcia-series.h"
#include "tcia-study.h"
#include "tcia-value.h"

#include "tcia-nbia-fields.h"

/* One NBIA spelling of a field, by the field's property name. Every field
 * is listed by each name NBIA uses, even where that is also the program's
 * column name: the two are free to differ. */
typedef struct
{
  const char *key;
  const char *property;
} Spelling;

/* Every spelling of every field, across v4 and v1 getSeries,
 * getUpdatedSeries, v4 getSeriesMetadata (JSON columns), v1
 * getSeriesMetaData (display names) and v1 getContentsByName. */
static const Spelling series_spellings[] = {
  { "SeriesInstanceUID", "series-uid" },
  { "Series UID", "series-uid" },
  { "Series ID", "series-uid" },
  { "StudyInstanceUID", "study-uid" },
  { "Study UID", "study-uid" },
  { "PatientID", "patient-id" },
  { "PatientId", "patient-id" },
  { "Subject ID", "patient-id" },
  { "PatientName", "patient-name" },
  { "PatientSex", "patient-sex" },
  { "PatientAge", "patient-age" },
  { "EthnicGroup", "ethnic-group" },
  { "Phantom", "phantom" },
  { "SpeciesCode", "species-code" },
  { "SpeciesDescription", "species-description" },
  { "Collection", "collection" },
  { "Collection Name", "collection" },
  { "Site", "site" },
  { "Modality", "modality" },
  { "ProtocolName", "protocol-name" },
  { "Protocol Name", "protocol-name" },
  { "SeriesDate", "series-date" },
  { "Series Date", "series-date" },
  { "SeriesDescription", "series-description" },
  { "Series Description", "series-description" },
  { "SeriesNumber", "series-number" },
  { "Series Number", "series-number" },
  { "BodyPartExamined", "body-part" },
  { "Body Part Examined", "body-part" },
  { "AnnotationsFlag", "annotations-flag" },
  { "Annotations Flag", "annotations-flag" },
  { "Manufacturer", "manufacturer" },
  { "ManufacturerModelName", "manufacturer-model" },
  { "Manufacturer Model Name", "manufacturer-model" },
  { "SoftwareVersions", "software-versions" },
  { "Software Versions", "software-versions" },
  { "ImageCount", "image-count" },
  { "Number of Images", "image-count" },
  { "Number of images", "image-count" },
  { "FileSize", "file-size" },
  { "File Size", "file-size" },
  { "File Size (Bytes)", "file-size" },
  { "MaxSubmissionTimestamp", "submission-date" },
  { "TimeStamp", "submission-date" },
  { "DateReleased", "date-released" },
  { "Date Released", "date-released" },
  { "ReleasedStatus", "released-status" },
  { "LicenseName", "license-name" },
  { "License Name", "license-name" },
  { "LicenseURI", "license-uri" },
  { "License URL", "license-uri" },
  { "DataDescriptionURI", "data-description-uri" },
  { "CollectionURI", "data-description-uri" },
  { "Data Description URI", "data-description-uri" },
  { "StudyDate", "study-date" },
  { "Study Date", "study-date" },
  { "StudyDesc", "study-description" },
  { "StudyDescription", "study-description" },
  { "Study Description", "study-description" },
  { "StudyID", "study-id" },
  /* v1 getSeriesMetaData mislabels the DICOM StudyID (tcia-api.md §3.10). */
  { "File Location", "study-id" },
  { "AdmittingDiagnosisDescription", "admitting-diagnosis" },
  { "AdmittingDiagnosesDescription", "admitting-diagnosis" },
  { "ThirdPartyAnalysis", "third-party-analysis" },
  { "3rd Party Analysis", "third-party-analysis" },
  { "PixelSpacing(mm)-Row", "pixel-spacing" },
  { "SliceThickness(mm)", "slice-thickness" },
  { "SOP Class UID", "sop-class-uid" },
  { "SOPClassUID", "sop-class-uid" },
};

/* getPatientStudy and NewStudiesInPatientCollection, v1 and v4. */
static const Spelling study_spellings[] = {
  { "StudyInstanceUID", "study-uid" },
  { "Study UID", "study-uid" },
  { "StudyDate", "study-date" },
  { "Study Date", "study-date" },
  { "StudyDescription", "study-description" },
  { "StudyDesc", "study-description" },
  { "Study Description", "study-description" },
  { "AdmittingDiagnosesDescription", "admitting-diagnosis" },
  { "AdmittingDiagnosisDescription", "admitting-diagnosis" },
  { "StudyID", "study-id" },
  { "PatientAge", "patient-age" },
  { "PatientID", "patient-id" },
  { "PatientId", "patient-id" },
  { "Subject ID", "patient-id" },
  { "PatientName", "patient-name" },
  { "PatientSex", "patient-sex" },
  { "EthnicGroup", "ethnic-group" },
  { "Collection", "collection" },
  { "SeriesCount", "series-count" },
  { "LongitudinalTemporalEventType", "event-type" },
  { "LongitudinalTemporalOffsetFromEvent", "event-offset" },
};

/* getPatient says "PatientId"; everything else "PatientID". */
static const Spelling patient_spellings[] = {
  { "PatientId", "patient-id" },
  { "PatientID", "patient-id" },
  { "Subject ID", "patient-id" },
  { "PatientName", "patient-name" },
  { "PatientSex", "patient-sex" },
  { "PatientBirthDate", "birth-date" },
  { "EthnicGroup", "ethnic-group" },
  { "Collection", "collection" },
  { "Phantom", "phantom" },
  { "SpeciesCode", "species-code" },
  { "SpeciesDescription", "species-description" },
};

/* getCollectionValues, v4 getCollectionValuesAndCounts ("Count") and v4
 * getCollectionDescriptions (Jackson: explicit nulls, lower-case keys). */
static const Spelling collection_spellings[] = {
  { "Collection", "name" },
  { "collectionName", "name" },
  { "Count", "patient-count" },
  { "description", "description" },
  { "descriptionURI", "description-uri" },
};

/* get{Modality,BodyPart,Manufacturer}Values and their v4 *AndCounts
 * (which say "BodyPart", not "BodyPartExamined"). A row holds one of them. */
static const Spelling value_spellings[] = {
  { "Modality", "value" },
  { "BodyPartExamined", "value" },
  { "BodyPart", "value" },
  { "Manufacturer", "value" },
  { "Count", "count" },
};

typedef struct
{
  GType           (*get_type) (void);
  const Spelling  *spellings;
  gsize            n_spellings;
} Table;

static const Table tables[] = {
  { tcia_series_get_type, series_spellings, G_N_ELEMENTS (series_spellings) },
  { tcia_study_get_type, study_spellings, G_N_ELEMENTS (study_spellings) },
  { tcia_patient_get_type, patient_spellings, G_N_ELEMENTS (patient_spellings) },
  { tcia_collection_get_type, collection_spellings, G_N_ELEMENTS (collection_spellings) },
  { tcia_value_get_type, value_spellings, G_N_ELEMENTS (value_spellings) },
};

static GHashTable *
build_keys (const Table *table)
{
  const TciaRecordInfo *info = tcia_record_info_get (table->get_type ());
  GHashTable *keys = g_hash_table_new (g_str_hash, g_str_equal);

  for (gsize i = 0; i < table->n_spellings; i++)
    {
      int field = tcia_record_info_find_field (info, table->spellings[i].property);

      g_assert (field >= 0);
      g_hash_table_insert (keys, (gpointer) table->spellings[i].key, GINT_TO_POINTER (field + 1));
    }

  return keys;
}

GHashTable *
tcia_nbia_fields_get_keys (GType record_type)
{
  static GHashTable *keys[G_N_ELEMENTS (tables)];
  static gsize initialised;

  if (g_once_init_enter (&initialised))
    {
      for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
        keys[i] = build_keys (&tables[i]);
      g_once_init_leave (&initialised, 1);
    }

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (tables[i].get_type () == record_type)
      return keys[i];

  g_return_val_if_reached (NULL);
}

TciaRecordBuilder *
tcia_nbia_record_builder_new (GType record_type,
                              gsize pool_block_size)
{
  GHashTable *keys = tcia_nbia_fields_get_keys (record_type);
  TciaRecordBuilder *builder;

  g_return_val_if_fail (keys != NULL, NULL);

  builder = tcia_record_builder_new (record_type, pool_block_size);
  tcia_record_builder_set_spellings (builder, keys, tcia_nbia_read_date);

  return builder;
}

static int
month_from_name (const char *s,
                 gsize       len)
{
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  guint i;

  if (len != 3)
    return 0;
  for (i = 0; i < 12; i++)
    if (g_ascii_strncasecmp (months + 3 * i, s, 3) == 0)
      return (int) i + 1;

  return 0;
}

gboolean
tcia_nbia_read_date (const char *s,
                     gsize       len,
                     char        iso[11])
{
  guint month_number, day_number, year_number;

  if (len == 10 && s[2] == '-' && s[5] == '-' &&
      tcia_records_digits_value (s, 2, &month_number) &&
      tcia_records_digits_value (s + 3, 2, &day_number) &&
      tcia_records_digits_value (s + 6, 4, &year_number))
    return tcia_records_write_iso (year_number, month_number, day_number, iso);

  if (tcia_records_parse_iso_date (s, len, iso))
    return TRUE;

  /* "Www Mmm dd hh:mm:ss Zone yyyy" */
  if (len >= 24 && len <= 40)
    {
      const char *tokens[6];
      gsize lens[6];
      guint n = 0;
      gsize i = 0;
      int month;
      guint year, day;

      while (i < len && n < 6)
        {
          gsize start;

          while (i < len && s[i] == ' ')
            i++;
          start = i;
          while (i < len && s[i] != ' ')
            i++;
          if (i > start)
            {
              tokens[n] = s + start;
              lens[n] = i - start;
              n++;
            }
        }
      while (i < len && s[i] == ' ')
        i++;

      if (n == 6 && i == len &&
          (month = month_from_name (tokens[1], lens[1])) != 0 &&
          lens[2] >= 1 && lens[2] <= 2 && tcia_records_digits_value (tokens[2], lens[2], &day) &&
          lens[5] == 4 && tcia_records_digits_value (tokens[5], 4, &year) &&
          lens[3] == 8 && tokens[3][2] == ':' && tokens[3][5] == ':')
        return tcia_records_write_iso (year, (guint) month, day, iso);
    }

  return FALSE;
}

