/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include "tcia-patient.h"
#include "tcia-records-private.h"

typedef enum
{
  PATIENT_ID,
  PATIENT_NAME,
  PATIENT_SEX,
  BIRTH_DATE,
  ETHNIC_GROUP,
  COLLECTION,
  PHANTOM,
  SPECIES_CODE,
  SPECIES_DESCRIPTION,
  N_FIELDS
} PatientField;

struct _TciaPatient
{
  GObject          parent_instance;

  TciaStringPool  *pool;
  TciaFieldValue   values[N_FIELDS];
};

G_DEFINE_FINAL_TYPE (TciaPatient, tcia_patient, G_TYPE_OBJECT)

#define S TCIA_FIELD_STRING
#define U TCIA_FIELD_FLAGS_UNIQUE
#define _ TCIA_FIELD_FLAGS_NONE

static const TciaFieldInfo fields[N_FIELDS] = {
  [PATIENT_ID]          = { "patient-id", "PatientId", S, U },
  [PATIENT_NAME]        = { "patient-name", "PatientName", S, U },
  [PATIENT_SEX]         = { "patient-sex", "PatientSex", S, _ },
  [BIRTH_DATE]          = { "birth-date", "PatientBirthDate", TCIA_FIELD_DATE, _ },
  [ETHNIC_GROUP]        = { "ethnic-group", "EthnicGroup", S, _ },
  [COLLECTION]          = { "collection", "Collection", S, _ },
  [PHANTOM]             = { "phantom", "Phantom", S, _ },
  [SPECIES_CODE]        = { "species-code", "SpeciesCode", S, _ },
  [SPECIES_DESCRIPTION] = { "species-description", "SpeciesDescription", S, _ },
};

#undef S
#undef U
#undef _

static TciaRecordInfo patient_info = {
  .fields = fields,
  .n_fields = N_FIELDS,
  .identity = PATIENT_ID,
  .pool_offset = G_STRUCT_OFFSET (TciaPatient, pool),
  .values_offset = G_STRUCT_OFFSET (TciaPatient, values),
};

static void
tcia_patient_finalize (GObject *object)
{
  tcia_record_clear (&patient_info, object);

  G_OBJECT_CLASS (tcia_patient_parent_class)->finalize (object);
}

static void
tcia_patient_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  tcia_record_get_property (&patient_info, object, prop_id, value);
}

static void
tcia_patient_class_init (TciaPatientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tcia_patient_finalize;
  object_class->get_property = tcia_patient_get_property;

  tcia_record_class_setup (object_class, &patient_info);
}

static void
tcia_patient_init (TciaPatient *self)
{
}

#define STRING_GETTER(name, FIELD)                       \
  const char *                                           \
  tcia_patient_get_##name (TciaPatient *self)            \
  {                                                      \
    g_return_val_if_fail (TCIA_IS_PATIENT (self), NULL); \
    return self->values[FIELD].s;                        \
  }

STRING_GETTER (patient_id, PATIENT_ID)
STRING_GETTER (patient_name, PATIENT_NAME)
STRING_GETTER (patient_sex, PATIENT_SEX)
STRING_GETTER (birth_date, BIRTH_DATE)
STRING_GETTER (ethnic_group, ETHNIC_GROUP)
STRING_GETTER (collection, COLLECTION)
STRING_GETTER (phantom, PHANTOM)
STRING_GETTER (species_code, SPECIES_CODE)
STRING_GETTER (species_description, SPECIES_DESCRIPTION)

#undef STRING_GETTER
