/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TCIA_TYPE_SERIES (tcia_series_get_type ())

G_DECLARE_FINAL_TYPE (TciaSeries, tcia_series, TCIA, SERIES, GObject)

/* A series, normalised whatever source described it. Read-only
 * properties; strings are NULL when the source omitted them; dates are ISO
 * "YYYY-MM-DD"; every property's nick is its column name
 * ("SeriesInstanceUID", ...: the DICOM keyword or NBIA v4's column), the
 * program's name of the field in its files, exports and listings.
 *
 *   "series-uid" "study-uid" "patient-id" "patient-name" "patient-sex"
 *   "patient-age" "collection" "site" "modality" "protocol-name"
 *   "series-date" "series-description" "series-number" (as sent, "2" or
 *   "500.000000" normalised to "2"/"500") "body-part" "annotations-flag"
 *   "manufacturer" "manufacturer-model" "software-versions"
 *   "image-count" (uint) "file-size" (uint64, bytes) "submission-date"
 *   "date-released" "released-status" "license-name" "license-uri"
 *   "data-description-uri" "study-date" "study-description" "study-id"
 *   "admitting-diagnosis" "third-party-analysis" "pixel-spacing"
 *   "slice-thickness"
 * and, from getSeriesMetadata/getSeriesMetaData: "ethnic-group" "phantom"
 * "species-code" "species-description" "sop-class-uid".
 */
const char *tcia_series_get_series_uid           (TciaSeries *self);
const char *tcia_series_get_study_uid            (TciaSeries *self);
const char *tcia_series_get_patient_id           (TciaSeries *self);
const char *tcia_series_get_collection           (TciaSeries *self);
const char *tcia_series_get_modality             (TciaSeries *self);
const char *tcia_series_get_body_part            (TciaSeries *self);
const char *tcia_series_get_manufacturer         (TciaSeries *self);
const char *tcia_series_get_series_description   (TciaSeries *self);
const char *tcia_series_get_series_number        (TciaSeries *self);
const char *tcia_series_get_series_date          (TciaSeries *self);
const char *tcia_series_get_study_date           (TciaSeries *self);
const char *tcia_series_get_study_description    (TciaSeries *self);
const char *tcia_series_get_study_id             (TciaSeries *self);
const char *tcia_series_get_license_name         (TciaSeries *self);
const char *tcia_series_get_license_uri          (TciaSeries *self);
const char *tcia_series_get_data_description_uri (TciaSeries *self);
guint       tcia_series_get_image_count          (TciaSeries *self);
guint64     tcia_series_get_file_size            (TciaSeries *self);

/* Added with the implementation: the remaining string properties. */
const char *tcia_series_get_patient_name         (TciaSeries *self);
const char *tcia_series_get_patient_sex          (TciaSeries *self);
const char *tcia_series_get_patient_age          (TciaSeries *self);
const char *tcia_series_get_site                 (TciaSeries *self);
const char *tcia_series_get_protocol_name        (TciaSeries *self);
const char *tcia_series_get_annotations_flag     (TciaSeries *self);
const char *tcia_series_get_manufacturer_model   (TciaSeries *self);
const char *tcia_series_get_software_versions    (TciaSeries *self);
const char *tcia_series_get_submission_date      (TciaSeries *self);
const char *tcia_series_get_date_released        (TciaSeries *self);
const char *tcia_series_get_released_status      (TciaSeries *self);
const char *tcia_series_get_admitting_diagnosis  (TciaSeries *self);
const char *tcia_series_get_third_party_analysis (TciaSeries *self);
const char *tcia_series_get_pixel_spacing        (TciaSeries *self);
const char *tcia_series_get_slice_thickness      (TciaSeries *self);
/* v1 getSeriesMetaData only ("SOP Class UID"). */
const char *tcia_series_get_sop_class_uid        (TciaSeries *self);

G_END_DECLS
