/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include "tcia-records-private.h"
#include "tcia-series.h"

typedef enum
{
  SERIES_UID,
  STUDY_UID,
  PATIENT_ID,
  PATIENT_NAME,
  PATIENT_SEX,
  PATIENT_AGE,
  ETHNIC_GROUP,
  PHANTOM,
  SPECIES_CODE,
  SPECIES_DESCRIPTION,
  COLLECTION,
  SITE,
  MODALITY,
  PROTOCOL_NAME,
  SERIES_DATE,
  SERIES_DESCRIPTION,
  SERIES_NUMBER,
  BODY_PART,
  ANNOTATIONS_FLAG,
  MANUFACTURER,
  MANUFACTURER_MODEL,
  SOFTWARE_VERSIONS,
  IMAGE_COUNT,
  FILE_SIZE,
  SUBMISSION_DATE,
  DATE_RELEASED,
  RELEASED_STATUS,
  LICENSE_NAME,
  LICENSE_URI,
  DATA_DESCRIPTION_URI,
  STUDY_DATE,
  STUDY_DESCRIPTION,
  STUDY_ID,
  ADMITTING_DIAGNOSIS,
  THIRD_PARTY_ANALYSIS,
  PIXEL_SPACING,
  SLICE_THICKNESS,
  SOP_CLASS_UID,
  N_FIELDS
} SeriesField;

struct _TciaSeries
{
  GObject          parent_instance;

  TciaStringPool  *pool;
  TciaFieldValue   values[N_FIELDS];
};

G_DEFINE_FINAL_TYPE (TciaSeries, tcia_series, G_TYPE_OBJECT)

#define S TCIA_FIELD_STRING
#define U TCIA_FIELD_FLAGS_UNIQUE
#define _ TCIA_FIELD_FLAGS_NONE

static const TciaFieldInfo fields[N_FIELDS] = {
  [SERIES_UID]           = { "series-uid", "SeriesInstanceUID", S, U },
  [STUDY_UID]            = { "study-uid", "StudyInstanceUID", S, U },
  [PATIENT_ID]           = { "patient-id", "PatientID", S, U },
  [PATIENT_NAME]         = { "patient-name", "PatientName", S, U },
  [PATIENT_SEX]          = { "patient-sex", "PatientSex", S, _ },
  [PATIENT_AGE]          = { "patient-age", "PatientAge", S, _ },
  [ETHNIC_GROUP]         = { "ethnic-group", "EthnicGroup", S, _ },
  [PHANTOM]              = { "phantom", "Phantom", S, _ },
  [SPECIES_CODE]         = { "species-code", "SpeciesCode", S, _ },
  [SPECIES_DESCRIPTION]  = { "species-description", "SpeciesDescription", S, _ },
  [COLLECTION]           = { "collection", "Collection", S, _ },
  [SITE]                 = { "site", "Site", S, _ },
  [MODALITY]             = { "modality", "Modality", S, _ },
  [PROTOCOL_NAME]        = { "protocol-name", "ProtocolName", S, _ },
  [SERIES_DATE]          = { "series-date", "SeriesDate", TCIA_FIELD_DATE, _ },
  [SERIES_DESCRIPTION]   = { "series-description", "SeriesDescription", S, _ },
  [SERIES_NUMBER]        = { "series-number", "SeriesNumber", TCIA_FIELD_SERIES_NUMBER, _ },
  [BODY_PART]            = { "body-part", "BodyPartExamined", S, _ },
  [ANNOTATIONS_FLAG]     = { "annotations-flag", "AnnotationsFlag", S, _ },
  [MANUFACTURER]         = { "manufacturer", "Manufacturer", S, _ },
  [MANUFACTURER_MODEL]   = { "manufacturer-model", "ManufacturerModelName", S, _ },
  [SOFTWARE_VERSIONS]    = { "software-versions", "SoftwareVersions", S, _ },
  [IMAGE_COUNT]          = { "image-count", "ImageCount", TCIA_FIELD_UINT, _ },
  [FILE_SIZE]            = { "file-size", "FileSize", TCIA_FIELD_UINT64, _ },
  [SUBMISSION_DATE]      = { "submission-date", "MaxSubmissionTimestamp", TCIA_FIELD_DATE, _ },
  [DATE_RELEASED]        = { "date-released", "DateReleased", TCIA_FIELD_DATE, _ },
  [RELEASED_STATUS]      = { "released-status", "ReleasedStatus", S, _ },
  [LICENSE_NAME]         = { "license-name", "LicenseName", S, _ },
  [LICENSE_URI]          = { "license-uri", "LicenseURI", S, _ },
  [DATA_DESCRIPTION_URI] = { "data-description-uri", "DataDescriptionURI", S, _ },
  [STUDY_DATE]           = { "study-date", "StudyDate", TCIA_FIELD_DATE, _ },
  [STUDY_DESCRIPTION]    = { "study-description", "StudyDesc", S, _ },
  [STUDY_ID]             = { "study-id", "StudyID", S, _ },
  [ADMITTING_DIAGNOSIS]  = { "admitting-diagnosis", "AdmittingDiagnosisDescription", S, _ },
  [THIRD_PARTY_ANALYSIS] = { "third-party-analysis", "ThirdPartyAnalysis", S, _ },
  [PIXEL_SPACING]        = { "pixel-spacing", "PixelSpacing(mm)-Row", S, _ },
  [SLICE_THICKNESS]      = { "slice-thickness", "SliceThickness(mm)", S, _ },
  [SOP_CLASS_UID]        = { "sop-class-uid", "SOPClassUID", S, _ },
};

#undef S
#undef U
#undef _

static TciaRecordInfo series_info = {
  .fields = fields,
  .n_fields = N_FIELDS,
  .identity = SERIES_UID,
  .pool_offset = G_STRUCT_OFFSET (TciaSeries, pool),
  .values_offset = G_STRUCT_OFFSET (TciaSeries, values),
};

static void
tcia_series_finalize (GObject *object)
{
  tcia_record_clear (&series_info, object);

  G_OBJECT_CLASS (tcia_series_parent_class)->finalize (object);
}

static void
tcia_series_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  tcia_record_get_property (&series_info, object, prop_id, value);
}

static void
tcia_series_class_init (TciaSeriesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tcia_series_finalize;
  object_class->get_property = tcia_series_get_property;

  tcia_record_class_setup (object_class, &series_info);
}

static void
tcia_series_init (TciaSeries *self)
{
}

#define STRING_GETTER(name, FIELD)                      \
  const char *                                          \
  tcia_series_get_##name (TciaSeries *self)             \
  {                                                     \
    g_return_val_if_fail (TCIA_IS_SERIES (self), NULL); \
    return self->values[FIELD].s;                       \
  }

STRING_GETTER (series_uid, SERIES_UID)
STRING_GETTER (study_uid, STUDY_UID)
STRING_GETTER (patient_id, PATIENT_ID)
STRING_GETTER (patient_name, PATIENT_NAME)
STRING_GETTER (patient_sex, PATIENT_SEX)
STRING_GETTER (patient_age, PATIENT_AGE)
STRING_GETTER (collection, COLLECTION)
STRING_GETTER (site, SITE)
STRING_GETTER (modality, MODALITY)
STRING_GETTER (protocol_name, PROTOCOL_NAME)
STRING_GETTER (series_date, SERIES_DATE)
STRING_GETTER (series_description, SERIES_DESCRIPTION)
STRING_GETTER (series_number, SERIES_NUMBER)
STRING_GETTER (body_part, BODY_PART)
STRING_GETTER (annotations_flag, ANNOTATIONS_FLAG)
STRING_GETTER (manufacturer, MANUFACTURER)
STRING_GETTER (manufacturer_model, MANUFACTURER_MODEL)
STRING_GETTER (software_versions, SOFTWARE_VERSIONS)
STRING_GETTER (submission_date, SUBMISSION_DATE)
STRING_GETTER (date_released, DATE_RELEASED)
STRING_GETTER (released_status, RELEASED_STATUS)
STRING_GETTER (license_name, LICENSE_NAME)
STRING_GETTER (license_uri, LICENSE_URI)
STRING_GETTER (data_description_uri, DATA_DESCRIPTION_URI)
STRING_GETTER (study_date, STUDY_DATE)
STRING_GETTER (study_description, STUDY_DESCRIPTION)
STRING_GETTER (study_id, STUDY_ID)
STRING_GETTER (admitting_diagnosis, ADMITTING_DIAGNOSIS)
STRING_GETTER (third_party_analysis, THIRD_PARTY_ANALYSIS)
STRING_GETTER (pixel_spacing, PIXEL_SPACING)
STRING_GETTER (slice_thickness, SLICE_THICKNESS)
STRING_GETTER (sop_class_uid, SOP_CLASS_UID)

#undef STRING_GETTER

guint
tcia_series_get_image_count (TciaSeries *self)
{
  g_return_val_if_fail (TCIA_IS_SERIES (self), 0);

  return (guint) self->values[IMAGE_COUNT].u;
}

guint64
tcia_series_get_file_size (TciaSeries *self)
{
  g_return_val_if_fail (TCIA_IS_SERIES (self), 0);

  return self->values[FILE_SIZE].u;
}
