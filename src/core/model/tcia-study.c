/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include "tcia-records-private.h"
#include "tcia-study.h"

typedef enum
{
  STUDY_UID,
  STUDY_DATE,
  STUDY_DESCRIPTION,
  ADMITTING_DIAGNOSIS,
  STUDY_ID,
  PATIENT_AGE,
  PATIENT_ID,
  PATIENT_NAME,
  PATIENT_SEX,
  ETHNIC_GROUP,
  COLLECTION,
  SERIES_COUNT,
  EVENT_TYPE,
  EVENT_OFFSET,
  N_FIELDS
} StudyField;

struct _TciaStudy
{
  GObject          parent_instance;

  TciaStringPool  *pool;
  TciaFieldValue   values[N_FIELDS];
};

G_DEFINE_FINAL_TYPE (TciaStudy, tcia_study, G_TYPE_OBJECT)

#define S TCIA_FIELD_STRING
#define U TCIA_FIELD_FLAGS_UNIQUE
#define _ TCIA_FIELD_FLAGS_NONE

static const TciaFieldInfo fields[N_FIELDS] = {
  [STUDY_UID]           = { "study-uid", "StudyInstanceUID", S, U },
  [STUDY_DATE]          = { "study-date", "StudyDate", TCIA_FIELD_DATE, _ },
  [STUDY_DESCRIPTION]   = { "study-description", "StudyDescription", S, _ },
  [ADMITTING_DIAGNOSIS] = { "admitting-diagnosis", "AdmittingDiagnosesDescription", S, _ },
  [STUDY_ID]            = { "study-id", "StudyID", S, _ },
  [PATIENT_AGE]         = { "patient-age", "PatientAge", S, _ },
  [PATIENT_ID]          = { "patient-id", "PatientID", S, U },
  [PATIENT_NAME]        = { "patient-name", "PatientName", S, U },
  [PATIENT_SEX]         = { "patient-sex", "PatientSex", S, _ },
  [ETHNIC_GROUP]        = { "ethnic-group", "EthnicGroup", S, _ },
  [COLLECTION]          = { "collection", "Collection", S, _ },
  [SERIES_COUNT]        = { "series-count", "SeriesCount", TCIA_FIELD_COUNT, _ },
  [EVENT_TYPE]          = { "event-type", "LongitudinalTemporalEventType", S, _ },
  [EVENT_OFFSET]        = { "event-offset", "LongitudinalTemporalOffsetFromEvent", S, _ },
};

#undef S
#undef U
#undef _

static TciaRecordInfo study_info = {
  .fields = fields,
  .n_fields = N_FIELDS,
  .identity = STUDY_UID,
  .pool_offset = G_STRUCT_OFFSET (TciaStudy, pool),
  .values_offset = G_STRUCT_OFFSET (TciaStudy, values),
};

static void
tcia_study_finalize (GObject *object)
{
  tcia_record_clear (&study_info, object);

  G_OBJECT_CLASS (tcia_study_parent_class)->finalize (object);
}

static void
tcia_study_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  tcia_record_get_property (&study_info, object, prop_id, value);
}

static void
tcia_study_class_init (TciaStudyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tcia_study_finalize;
  object_class->get_property = tcia_study_get_property;

  tcia_record_class_setup (object_class, &study_info);
}

static void
tcia_study_init (TciaStudy *self)
{
}

#define STRING_GETTER(name, FIELD)                     \
  const char *                                         \
  tcia_study_get_##name (TciaStudy *self)              \
  {                                                    \
    g_return_val_if_fail (TCIA_IS_STUDY (self), NULL); \
    return self->values[FIELD].s;                      \
  }

STRING_GETTER (study_uid, STUDY_UID)
STRING_GETTER (study_date, STUDY_DATE)
STRING_GETTER (study_description, STUDY_DESCRIPTION)
STRING_GETTER (admitting_diagnosis, ADMITTING_DIAGNOSIS)
STRING_GETTER (study_id, STUDY_ID)
STRING_GETTER (patient_age, PATIENT_AGE)
STRING_GETTER (patient_id, PATIENT_ID)
STRING_GETTER (patient_name, PATIENT_NAME)
STRING_GETTER (patient_sex, PATIENT_SEX)
STRING_GETTER (ethnic_group, ETHNIC_GROUP)
STRING_GETTER (collection, COLLECTION)
STRING_GETTER (event_type, EVENT_TYPE)
STRING_GETTER (event_offset, EVENT_OFFSET)

#undef STRING_GETTER

int
tcia_study_get_series_count (TciaStudy *self)
{
  g_return_val_if_fail (TCIA_IS_STUDY (self), -1);

  return (int) self->values[SERIES_COUNT].i;
}
