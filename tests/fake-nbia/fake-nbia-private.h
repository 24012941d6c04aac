/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the files of the fake server share: the synthetic archive (fake-archive.c),
 * the DICOM writer (fake-dicom.c) and the streamed ZIP (fake-zip.c). */

#include <glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define FAKE_UID_MAX 65      /* a UID is at most 64 characters */
#define FAKE_STR_MAX 128

#define FAKE_NONE 0xff       /* an absent optional attribute */

typedef struct
{
  const char *long_name;     /* "Creative Commons Attribution 3.0 Unported License" */
  const char *short_name;    /* "CC BY 3.0" */
  const char *url;
  gboolean    commercial;
} FakeLicense;

typedef struct
{
  char       *name;
  char       *patient_prefix;
  const char *site;          /* NULL: none */
  char       *description;   /* HTML; NULL: none */
  char       *doi;
  guint16     uid_root;      /* the collection's component in UIDs, 1000..9999 */
  guint8      license;
  guint8      species;
  guint8      modalities[4];
  guint8      n_modalities;
  guint8      body_parts[3];
  guint8      n_body_parts;
  guint8      phantom;
  gint32      released_day;  /* days since 1970-01-01 */
  guint32     released_secs; /* time of day */
  guint32     first_patient;
  guint32     n_patients;
  guint32     first_series;
  guint32     n_series;
} FakeCollection;

typedef struct
{
  guint32 collection;
  guint32 number;            /* within the collection, from 1 */
  guint32 first_study;
  guint16 n_studies;
  guint8  sex;               /* FAKE_NONE or an index into "MFO" */
  guint8  age;               /* years; 0: none */
  guint8  ethnic;            /* FAKE_NONE or an index */
  gint32  released_day;
} FakePatient;

typedef struct
{
  guint32 patient;
  guint32 first_series;
  guint16 n_series;
  guint16 study_id;          /* 0: none */
  guint8  description;       /* FAKE_NONE or an index */
  guint8  event_type;        /* FAKE_NONE or an index */
  gint16  event_offset;
  gint32  day;               /* study date */
} FakeStudy;

typedef struct
{
  guint32 study;
  guint32 n_images;
  guint64 file_size;
  guint16 image_rows;
  guint16 series_number;
  guint8  modality;
  guint8  body_part;         /* FAKE_NONE: none */
  guint8  manufacturer;      /* FAKE_NONE: none */
  guint8  description;       /* FAKE_NONE: none */
  guint8  protocol;          /* FAKE_NONE: none */
  guint8  third_party;       /* FAKE_NONE, 0 "NO", 1 "YES" */
  guint8  annotations;       /* FAKE_NONE, 0 false, 1 true */
  guint8  n_acquisitions;
  guint8  compress_level;
  gint16  submitted_before;  /* days between submission and release */
} FakeSeries;

typedef struct _FakeChanges FakeChanges;

typedef struct
{
  guint32         n_collections;
  FakeCollection *collections;
  guint32         n_patients;
  FakePatient    *patients;
  guint32         n_studies;
  FakeStudy      *studies;
  guint32         n_series;  /* including the big series */
  FakeSeries     *series;
  guint32         seed;
  const char    **collection_names;  /* NULL-terminated */
  guint32         n_colliding;  /* pairs of series with the same folder name */
  guint32        *colliding;    /* first, second, first, second, ... */
  FakeChanges    *changes;      /* what changed since (fake-changes.c) */
} FakeArchive;

/* fake-archive.c */
FakeArchive *fake_archive_new          (guint              n_series,
                                        guint32            seed,
                                        guint              images_max,
                                        guint              image_rows,
                                        guint64            big_series_bytes,
                                        guint              colliding_pairs);
void         fake_archive_free         (FakeArchive       *archive);

/* The hashes every derived value of the archive comes from (fake-archive.c,
 * fake-archive-uids.c). */
static inline guint64
fake_splitmix64 (guint64 *state)
{
  guint64 z = (*state += 0x9E3779B97F4A7C15ull);

  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static inline guint64
fake_hash3 (guint64 a,
            guint64 b,
            guint64 c)
{
  guint64 s = a * 0x100000001B3ull ^ (b << 21) ^ (c * 0xC2B2AE3D27D4EB4Full);

  fake_splitmix64 (&s);
  return fake_splitmix64 (&s);
}

extern const FakeLicense fake_licenses[];
extern const char *const fake_modalities[];
extern const char *const fake_body_parts[];
extern const char *const fake_sexes[];

const char  *fake_modality_sop_class   (guint8             modality);
const char  *fake_manufacturer_name    (guint8             manufacturer);
const char  *fake_manufacturer_model   (guint8             manufacturer);
const char  *fake_manufacturer_software (guint8            manufacturer);
const char  *fake_series_description   (guint8             description);
const char  *fake_study_description    (guint8             description);
const char  *fake_protocol_name        (guint8             protocol);
const char  *fake_ethnic_group         (guint8             ethnic);
const char  *fake_event_type           (guint8             event_type);
const char  *fake_species_code         (guint8             species);
const char  *fake_species_description  (guint8             species);

static inline const FakeStudy *
fake_series_study (const FakeArchive *a,
                   guint32            series)
{
  return &a->studies[a->series[series].study];
}

static inline const FakePatient *
fake_series_patient (const FakeArchive *a,
                     guint32            series)
{
  return &a->patients[fake_series_study (a, series)->patient];
}

static inline const FakeCollection *
fake_series_collection (const FakeArchive *a,
                        guint32            series)
{
  return &a->collections[fake_series_patient (a, series)->collection];
}

/* fake-archive-uids.c */
void         fake_archive_patient_id   (const FakeArchive *a,
                                        guint32            patient,
                                        char               buf[FAKE_STR_MAX]);
void         fake_archive_study_uid    (const FakeArchive *a,
                                        guint32            study,
                                        char               buf[FAKE_UID_MAX]);
void         fake_archive_series_uid   (const FakeArchive *a,
                                        guint32            series,
                                        char               buf[FAKE_UID_MAX]);
void         fake_archive_sop_uid      (const FakeArchive *a,
                                        guint32            series,
                                        guint32            image,
                                        char               buf[FAKE_UID_MAX]);
/* The index of the series/study with this UID, or -1. */
gint64       fake_archive_find_series  (const FakeArchive *a,
                                        const char        *uid);
gint64       fake_archive_find_study   (const FakeArchive *a,
                                        const char        *uid);
gboolean     fake_archive_find_sop     (const FakeArchive *a,
                                        const char        *uid,
                                        guint32           *series,
                                        guint32           *image);
/* InstanceNumber and AcquisitionNumber of an image (images are stored in
 * InstanceNumber order, split into n_acquisitions groups). */
guint32      fake_archive_instance_number (const FakeArchive *a,
                                        guint32            series,
                                        guint32            image);
guint32      fake_archive_acquisition_number (const FakeArchive *a,
                                        guint32            series,
                                        guint32            image);
/* "1-01.dcm" style name of an image (NewFileNames=Yes). */
void         fake_archive_new_file_name (const FakeArchive *a,
                                        guint32            series,
                                        guint32            image,
                                        char               buf[FAKE_STR_MAX]);

/* fake-archive.c */
/* Civil date of @day (days since 1970-01-01). */
void         fake_day_to_date          (gint32             day,
                                        int               *year,
                                        int               *month,
                                        int               *mday);
gint32       fake_date_to_day          (int                year,
                                        int                month,
                                        int                mday);

/* fake-changes.c: withdrawn series, hidden collections, series released
 * again. Readers may run in any thread. */
FakeChanges *fake_changes_new          (void);
void         fake_changes_free         (FakeChanges       *changes);
guint        fake_changes_generation   (const FakeArchive *a);
/* Withdrawn, or in a hidden collection. */
gboolean     fake_changes_series_hidden (const FakeArchive *a,
                                        guint32            series);
gboolean     fake_changes_collection_hidden (const FakeArchive *a,
                                        guint32            collection);
/* The day the series was (last) released. */
gint32       fake_changes_released_day (const FakeArchive *a,
                                        guint32            series);
void         fake_changes_withdraw     (FakeArchive       *a,
                                        guint32            series);
void         fake_changes_set_hidden   (FakeArchive       *a,
                                        guint32            collection,
                                        gboolean           hidden);
void         fake_changes_release      (FakeArchive       *a,
                                        guint32            series,
                                        gint32             day);

/* fake-dicom.c */
gsize        fake_dicom_size           (const FakeArchive *a,
                                        guint32            series,
                                        guint32            image);
/* The whole file (returned array owned by the caller). */
GByteArray  *fake_dicom_build          (const FakeArchive *a,
                                        guint32            series,
                                        guint32            image);
/* Exact sum of the sizes of all the images of @series. */
guint64      fake_dicom_series_size    (const FakeArchive *a,
                                        guint32            series);
/* Lower-case hex MD5 of an image file. */
char        *fake_dicom_md5            (const FakeArchive *a,
                                        guint32            series,
                                        guint32            image);

/* fake-zip.c */
typedef enum
{
  FAKE_ZIP_LICENSE      = 1 << 0,
  FAKE_ZIP_NEW_NAMES    = 1 << 1,
  FAKE_ZIP_MD5          = 1 << 2,
} FakeZipFlags;

typedef enum
{
  FAKE_ZIP_OK,
  FAKE_ZIP_TRUNCATED,        /* a short but well-formed archive */
  FAKE_ZIP_WRONG_MD5,
  FAKE_ZIP_ESCAPING_ENTRY,
  FAKE_ZIP_ABSOLUTE_ENTRY,
  FAKE_ZIP_DROP,             /* stop half-way and close the connection */
  FAKE_ZIP_STALL,            /* stop half-way and keep the connection */
  FAKE_ZIP_EMPTY,            /* no entries at all */
  FAKE_ZIP_MD5_ONLY,         /* one empty md5hashes.csv */
  FAKE_ZIP_BOMB,             /* the first DICOM replaced by bomb_bytes of zeros */
  FAKE_ZIP_TRICKLE,          /* one byte every trickle_ms */
} FakeZipMode;

/* Streams the ZIP of @series as the chunked body of @msg. */
void         fake_zip_serve            (const FakeArchive *archive,
                                        guint32            series,
                                        FakeZipFlags       flags,
                                        FakeZipMode        mode,
                                        guint64            bomb_bytes,
                                        guint              trickle_ms,
                                        guint64            rate_limit,
                                        SoupServerMessage *msg);

/* How long to wait before sending more, when @sent bytes went out since
 * @start_us (g_get_monotonic_time) and at most @rate bytes/s may (0: no
 * limit): microseconds, <= 0 for now. */
gint64       fake_pace_delay_us        (gint64             start_us,
                                        guint64            sent,
                                        guint64            rate);

/* Appends what comes next of a body to @out; FALSE once nothing more will. */
typedef gboolean (*FakeRefillFunc) (gpointer    data,
                                    GByteArray *out);

/* Sends the body of @msg (whose headers are set) one byte every @interval_ms,
 * from a GSource on the thread-default context, taking the bytes from
 * @refill; stops when the client goes away. @msg owns @data. */
void         fake_trickle_serve        (SoupServerMessage *msg,
                                        guint              interval_ms,
                                        FakeRefillFunc     refill,
                                        gpointer           data,
                                        GDestroyNotify     destroy);
/* Closes the connection of @msg (soon: call it once what was queued has been
 * written), after writing @tail (if not NULL) to the socket as raw bytes. */
void         fake_close_after_written  (SoupServerMessage *msg,
                                        GBytes            *tail);

/* getThumbnail's answer for one image: a small JPEG (tcia-api.md §3.22)
 * that differs by series and image (fake-thumbnail.c). */
GBytes      *fake_thumbnail_build      (guint32            series,
                                        guint32            image);

G_END_DECLS
