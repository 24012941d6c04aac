/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TCIA_TYPE_STUDY (tcia_study_get_type ())

G_DECLARE_FINAL_TYPE (TciaStudy, tcia_study, TCIA, STUDY, GObject)

/* Properties (string unless said): "study-uid", "study-date" (ISO YYYY-MM-DD),
 * "study-description", "admitting-diagnosis", "study-id", "patient-age",
 * "patient-id", "patient-name", "patient-sex", "ethnic-group", "collection",
 * "series-count" (int, -1 unknown), "event-type", "event-offset". */
const char *tcia_study_get_study_uid         (TciaStudy *self);
const char *tcia_study_get_study_date        (TciaStudy *self);
const char *tcia_study_get_study_description (TciaStudy *self);
const char *tcia_study_get_patient_id        (TciaStudy *self);
const char *tcia_study_get_collection        (TciaStudy *self);
int         tcia_study_get_series_count      (TciaStudy *self);

/* Added with the implementation. */
const char *tcia_study_get_admitting_diagnosis (TciaStudy *self);
const char *tcia_study_get_study_id            (TciaStudy *self);
const char *tcia_study_get_patient_age         (TciaStudy *self);
const char *tcia_study_get_patient_name        (TciaStudy *self);
const char *tcia_study_get_patient_sex         (TciaStudy *self);
const char *tcia_study_get_ethnic_group        (TciaStudy *self);
const char *tcia_study_get_event_type          (TciaStudy *self);
const char *tcia_study_get_event_offset        (TciaStudy *self);

G_END_DECLS
