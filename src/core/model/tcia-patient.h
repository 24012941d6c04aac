/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TCIA_TYPE_PATIENT (tcia_patient_get_type ())

G_DECLARE_FINAL_TYPE (TciaPatient, tcia_patient, TCIA, PATIENT, GObject)

/* Properties (string unless said): "patient-id", "patient-name", "patient-sex",
 * "birth-date" (ISO, v1 only), "ethnic-group", "collection", "phantom",
 * "species-code", "species-description". Each property's nick is the v4
 * column name, used as the header of listings. */
const char *tcia_patient_get_patient_id (TciaPatient *self);
const char *tcia_patient_get_collection (TciaPatient *self);

/* Added with the implementation. */
const char *tcia_patient_get_patient_name        (TciaPatient *self);
const char *tcia_patient_get_patient_sex         (TciaPatient *self);
const char *tcia_patient_get_birth_date          (TciaPatient *self);
const char *tcia_patient_get_ethnic_group        (TciaPatient *self);
const char *tcia_patient_get_phantom             (TciaPatient *self);
const char *tcia_patient_get_species_code        (TciaPatient *self);
const char *tcia_patient_get_species_description (TciaPatient *self);

G_END_DECLS
