/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What IDC holds of the fake NBIA archive (tests/fake-nbia/): the same series,
 * with the same SeriesInstanceUIDs and the same DICOM bytes, as one object per
 * instance in IDC's buckets (idc-api.md §4.1). Both fake IDC servers and the
 * tests read it, so that what the API says and what the bucket serves agree.
 *
 * The mapping, deterministic for given FakeNbiaOptions:
 * - IDC lacks every series of the collection at index 2 of the archive (with
 *   the default options, "NSCLC Radiogenomics"), the big series excepted, and
 *   every series whose index is 4 modulo 9 (scattered ones); the first of the
 *   scattered ones is in prior_versions_index only (an older release had it).
 * - The first series IDC has after index 0 was revised: prior_versions_index
 *   also lists two older folders (other UUIDs) of it.
 * - Buckets: the collection at index 1 → "idc-open-data-two"; a non-commercial
 *   licence (CC BY-NC) → "idc-open-data-cr"; anything else "idc-open-data".
 * - crdc_series_uuid and crdc_instance_uuid: name-based UUIDs (RFC 4122 form,
 *   version 5 bits) from the SHA-1 of the UIDs; prior folders salt them with
 *   their release.
 * - An object's bytes are the DICOM file the fake NBIA puts in its ZIP for
 *   that instance, so sizes and MD5s are real. instanceCount is the number of
 *   objects; series_size_MB their total size / 1e6.
 * - Every third series' folder also has a zero-byte "<uuid>/" marker key. */

#include <glib.h>

#include "fake-nbia.h"

G_BEGIN_DECLS

#define FAKE_IDC_BUCKET_OPEN "idc-open-data"
#define FAKE_IDC_BUCKET_TWO  "idc-open-data-two"
#define FAKE_IDC_BUCKET_CR   "idc-open-data-cr"

/* The data release the fake serves (GET /v3/version). */
#define FAKE_IDC_VERSION 25

typedef struct _FakeIdcArchive FakeIdcArchive;

/* One folder of a bucket: a series as IDC has it now (a row of "index") or
 * an older version of it (a row of prior_versions_index). */
typedef struct
{
  const char *series_uid;
  const char *series_uuid;       /* crdc_series_uuid: the folder name */
  const char *bucket;
  const char *collection_id;     /* IDC's id: "rider_lung_ct" */
  const char *collection_name;   /* NBIA's name: "RIDER Lung CT" */
  guint       nbia_index;        /* the series' index in the fake NBIA archive */
  guint       n_objects;         /* instanceCount */
  guint64     size;              /* bytes of all the objects */
  gboolean    current;           /* in "index"; FALSE: prior_versions_index */
  gboolean    has_marker;        /* the listing also has a zero-byte "<uuid>/" key */
  guint       min_version;       /* series_init_idc_version / min_idc_version */
  guint       max_version;       /* series_revised_idc_version / max_idc_version */
} FakeIdcSeries;

typedef struct
{
  const char *key;               /* "<crdc_series_uuid>/<crdc_instance_uuid>.dcm" */
  const char *instance_uuid;
  const char *sop_uid;
  guint       image;             /* the instance's index in the NBIA series */
  guint64     size;
} FakeIdcObject;

FakeIdcArchive *fake_idc_archive_new        (const FakeNbiaOptions *options);
void            fake_idc_archive_free       (FakeIdcArchive        *self);

/* The rows of "index", in the fake NBIA archive's order. */
guint                fake_idc_archive_get_n_series (FakeIdcArchive *self);
const FakeIdcSeries *fake_idc_archive_get_series   (FakeIdcArchive *self,
                                                    guint           index);
/* The rows of prior_versions_index. */
guint                fake_idc_archive_get_n_prior  (FakeIdcArchive *self);
const FakeIdcSeries *fake_idc_archive_get_prior    (FakeIdcArchive *self,
                                                    guint           index);

/* The current version of @series_uid, or NULL when "index" lacks it. */
const FakeIdcSeries *fake_idc_archive_lookup       (FakeIdcArchive *self,
                                                    const char     *series_uid);
/* The folder (current or prior) named @series_uuid, or NULL. */
const FakeIdcSeries *fake_idc_archive_lookup_uuid  (FakeIdcArchive *self,
                                                    const char     *series_uuid);
/* Whether IDC lacks the NBIA series @nbia_index altogether in "index" (it
 * may still be in prior_versions_index). */
gboolean             fake_idc_archive_is_nbia_only (FakeIdcArchive *self,
                                                    guint           nbia_index);
/* The NBIA collection IDC lacks, or NULL. */
const char          *fake_idc_archive_get_missing_collection (FakeIdcArchive *self);
/* The UID in "index" with two older folders, and the UID only in
 * prior_versions_index (NULL when the archive is too small for them). */
const char          *fake_idc_archive_get_revised_uid    (FakeIdcArchive *self);
const char          *fake_idc_archive_get_prior_only_uid (FakeIdcArchive *self);

/* The objects of a folder, their keys ascending, the marker not included. */
const FakeIdcObject *fake_idc_archive_get_object   (FakeIdcArchive      *self,
                                                    const FakeIdcSeries *series,
                                                    guint                k);
/* The object at @bucket/@key (and its folder), or NULL. */
const FakeIdcObject *fake_idc_archive_find_object  (FakeIdcArchive      *self,
                                                    const char          *bucket,
                                                    const char          *key,
                                                    const FakeIdcSeries **series);
/* Lower-case hex MD5 of an object (computed once, then kept). Thread-safe. */
const char          *fake_idc_archive_get_md5      (FakeIdcArchive      *self,
                                                    const FakeIdcSeries *series,
                                                    const FakeIdcObject *object);
GBytes              *fake_idc_archive_get_bytes    (FakeIdcArchive      *self,
                                                    const FakeIdcSeries *series,
                                                    const FakeIdcObject *object);

/* What the "index" table needs beyond the folder (strings owned by the
 * archive; NULL where the series has none). */
typedef struct
{
  const char *patient_id;
  const char *study_uid;
  const char *study_date;        /* "YYYY-MM-DD" */
  const char *study_description;
  const char *series_description;
  const char *series_number;     /* "3" */
  const char *modality;
  const char *sop_class_uid;
  const char *sop_class_name;
  const char *body_part;
  const char *manufacturer;
  const char *manufacturer_model;
  const char *patient_sex;
  const char *patient_age;       /* "045Y" */
  const char *license_short_name;
  const char *source_doi;        /* bare DOI */
} FakeIdcSeriesDetails;

void                 fake_idc_archive_get_details  (FakeIdcArchive       *self,
                                                    const FakeIdcSeries  *series,
                                                    FakeIdcSeriesDetails *details);

/* The collections IDC has, NBIA's order: id and name. */
guint                fake_idc_archive_get_n_collections (FakeIdcArchive *self);
void                 fake_idc_archive_get_collection (FakeIdcArchive *self,
                                                    guint           index,
                                                    const char    **collection_id,
                                                    const char    **collection_name,
                                                    const char    **license_short_name,
                                                    const char    **source_doi,
                                                    guint          *n_series);

/* A name-based UUID (RFC 4122 form, version 5 bits) from the SHA-1 of
 * @namespace_ and @name: 36 characters and a NUL. */
void                 fake_idc_uuid                 (const char     *namespace_,
                                                    const char     *name,
                                                    char            out[37]);

G_END_DECLS
