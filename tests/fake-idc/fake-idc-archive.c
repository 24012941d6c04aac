/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-idc"

#include <stdio.h>
#include <string.h>

#include "fake-idc-archive.h"
#include "fake-nbia-private.h"

/* The mapping from the fake NBIA archive to IDC's folders and objects; the
 * rules are in fake-idc-archive.h. */

#define MISSING_COLLECTION 2
#define TWO_COLLECTION 1
#define SCATTERED_MODULUS 9
#define SCATTERED_REST 4
#define MARKER_MODULUS 3

typedef struct
{
  FakeIdcSeries  series;
  FakeIdcObject *objects;        /* keys ascending */
  char         **md5;            /* lazily, under the lock */
} Folder;

struct _FakeIdcArchive
{
  FakeArchive   *archive;
  GStringChunk  *strings;
  GPtrArray     *current;        /* of Folder */
  GPtrArray     *prior;          /* of Folder */
  GHashTable    *by_uid;         /* series UID → current Folder */
  GHashTable    *by_uuid;        /* crdc_series_uuid → Folder */
  gboolean      *nbia_only;      /* per NBIA series */
  GArray        *collections;    /* of guint: NBIA collection indexes IDC has */
  GArray        *collection_counts;
  const char    *revised_uid;
  const char    *prior_only_uid;
  GMutex         lock;           /* guards md5 and strings after construction */
};

/* Names of the SOP classes of fake_modalities, in that order. */
static const char *const sop_class_names[] = {
  "CT Image Storage",
  "MR Image Storage",
  "Positron Emission Tomography Image Storage",
  "Digital Mammography X-Ray Image Storage - For Presentation",
  "Segmentation Storage",
  "RT Structure Set Storage",
  "Computed Radiography Image Storage",
};

void
fake_idc_uuid (const char *namespace_,
               const char *name,
               char        out[37])
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize length = sizeof digest;

  g_checksum_update (sha1, (const guchar *) namespace_, -1);
  g_checksum_update (sha1, (const guchar *) "\n", 1);
  g_checksum_update (sha1, (const guchar *) name, -1);
  g_checksum_get_digest (sha1, digest, &length);
  digest[6] = (digest[6] & 0x0f) | 0x50;
  digest[8] = (digest[8] & 0x3f) | 0x80;
  g_snprintf (out, 37,
              "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
              digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6],
              digest[7], digest[8], digest[9], digest[10], digest[11], digest[12],
              digest[13], digest[14], digest[15]);
}

static char *
collection_id_for (const char *name)
{
  char *id = g_ascii_strdown (name, -1);

  for (char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p))
      *p = '_';
  return id;
}

static const char *
bucket_for (const FakeArchive *a,
            guint32            collection)
{
  const FakeCollection *c = &a->collections[collection];

  if (collection == TWO_COLLECTION && !g_str_equal (c->name, "Big-Series"))
    return FAKE_IDC_BUCKET_TWO;
  if (!fake_licenses[c->license].commercial)
    return FAKE_IDC_BUCKET_CR;
  return FAKE_IDC_BUCKET_OPEN;
}

static int
compare_objects (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (((const FakeIdcObject *) a)->key, ((const FakeIdcObject *) b)->key);
}

static void
folder_free (gpointer data)
{
  Folder *f = data;

  g_free (f->objects);
  for (guint i = 0; f->md5 != NULL && i < f->series.n_objects; i++)
    g_free (f->md5[i]);
  g_free (f->md5);
  g_free (f);
}

/* A folder of NBIA series @s; @release salts the UUIDs of an older version
 * (0: the current one). */
static Folder *
folder_new (FakeIdcArchive *self,
            guint32         s,
            guint           release)
{
  const FakeArchive *a = self->archive;
  const FakeSeries *fs = &a->series[s];
  const FakeCollection *c = fake_series_collection (a, s);
  guint32 collection = fake_series_patient (a, s)->collection;
  Folder *f = g_new0 (Folder, 1);
  char uid[FAKE_UID_MAX], uuid[37], salt[32];
  g_autofree char *collection_id = collection_id_for (c->name);

  if (release > 0)
    g_snprintf (salt, sizeof salt, "fake-idc-series-v%u", release);
  else
    g_strlcpy (salt, "fake-idc-series", sizeof salt);
  fake_archive_series_uid (a, s, uid);
  fake_idc_uuid (salt, uid, uuid);

  f->series.series_uid = g_string_chunk_insert_const (self->strings, uid);
  f->series.series_uuid = g_string_chunk_insert (self->strings, uuid);
  f->series.bucket = bucket_for (a, collection);
  f->series.collection_id = g_string_chunk_insert_const (self->strings, collection_id);
  f->series.collection_name = c->name;
  f->series.nbia_index = s;
  f->series.n_objects = fs->n_images;
  f->series.current = release == 0;
  f->series.has_marker = s % MARKER_MODULUS == 0;
  f->series.min_version = 1 + s % 7;
  f->series.max_version = FAKE_IDC_VERSION;

  f->objects = g_new0 (FakeIdcObject, MAX (1, fs->n_images));
  f->md5 = g_new0 (char *, MAX (1, fs->n_images));
  if (release > 0)
    g_snprintf (salt, sizeof salt, "fake-idc-instance-v%u", release);
  else
    g_strlcpy (salt, "fake-idc-instance", sizeof salt);
  for (guint32 i = 0; i < fs->n_images; i++)
    {
      FakeIdcObject *o = &f->objects[i];
      char sop[FAKE_UID_MAX], inst[37];
      g_autofree char *key = NULL;

      fake_archive_sop_uid (a, s, i, sop);
      fake_idc_uuid (salt, sop, inst);
      key = g_strdup_printf ("%s/%s.dcm", uuid, inst);
      o->key = g_string_chunk_insert (self->strings, key);
      o->instance_uuid = g_string_chunk_insert (self->strings, inst);
      o->sop_uid = g_string_chunk_insert (self->strings, sop);
      o->image = i;
      o->size = fake_dicom_size (a, s, i);
      f->series.size += o->size;
    }
  qsort (f->objects, fs->n_images, sizeof *f->objects, compare_objects);
  return f;
}

static void
add_prior (FakeIdcArchive *self,
           guint32         s,
           guint           min_version,
           guint           max_version)
{
  Folder *f = folder_new (self, s, max_version);

  f->series.min_version = min_version;
  f->series.max_version = max_version;
  g_ptr_array_add (self->prior, f);
  g_hash_table_insert (self->by_uuid, (gpointer) f->series.series_uuid, f);
}

FakeIdcArchive *
fake_idc_archive_new (const FakeNbiaOptions *options)
{
  FakeIdcArchive *self = g_new0 (FakeIdcArchive, 1);
  FakeNbiaOptions defaults;
  FakeArchive *a;
  guint n_regular;
  gint64 revised = -1, prior_only = -1;

  if (options == NULL)
    {
      fake_nbia_options_init (&defaults);
      options = &defaults;
    }
  /* As fake_nbia_new does, so that the archives are the same. */
  a = self->archive = fake_archive_new (options->n_series, options->seed,
                                        options->images_per_series_max,
                                        MAX (2, options->image_rows) & ~1u,
                                        options->big_series_bytes,
                                        options->colliding_pairs);
  n_regular = a->n_collections - (options->big_series_bytes > 0 ? 1 : 0);

  g_mutex_init (&self->lock);
  self->strings = g_string_chunk_new (4096);
  self->current = g_ptr_array_new_with_free_func (folder_free);
  self->prior = g_ptr_array_new_with_free_func (folder_free);
  self->by_uid = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_uuid = g_hash_table_new (g_str_hash, g_str_equal);
  self->nbia_only = g_new0 (gboolean, MAX (1, a->n_series));
  self->collections = g_array_new (FALSE, FALSE, sizeof (guint));
  self->collection_counts = g_array_new (FALSE, TRUE, sizeof (guint));

  for (guint32 s = 0; s < a->n_series; s++)
    {
      guint32 collection = fake_series_patient (a, s)->collection;
      gboolean big = collection >= n_regular;
      Folder *f;

      if (!big && n_regular > MISSING_COLLECTION && collection == MISSING_COLLECTION)
        {
          self->nbia_only[s] = TRUE;
          continue;
        }
      if (!big && s % SCATTERED_MODULUS == SCATTERED_REST)
        {
          self->nbia_only[s] = TRUE;
          if (prior_only < 0)
            prior_only = s;
          continue;
        }
      f = folder_new (self, s, 0);
      if (revised < 0 && s > 0 && !big)
        {
          revised = s;
          f->series.min_version = 3;
          f->series.max_version = FAKE_IDC_VERSION;
        }
      g_ptr_array_add (self->current, f);
      g_hash_table_insert (self->by_uid, (gpointer) f->series.series_uid, f);
      g_hash_table_insert (self->by_uuid, (gpointer) f->series.series_uuid, f);
    }

  /* Two older versions of one series, and a series only an older release had. */
  if (revised >= 0)
    {
      add_prior (self, revised, 1, 1);
      add_prior (self, revised, 2, 2);
      self->revised_uid = fake_idc_archive_get_prior (self, 0)->series_uid;
    }
  if (prior_only >= 0)
    {
      add_prior (self, prior_only, 4, 20);
      self->prior_only_uid = fake_idc_archive_get_prior (self, self->prior->len - 1)->series_uid;
    }

  for (guint32 k = 0; k < a->n_collections; k++)
    {
      const FakeCollection *c = &a->collections[k];
      guint n = 0;

      for (guint32 s = c->first_series; s < c->first_series + c->n_series; s++)
        n += !self->nbia_only[s];
      if (n == 0)
        continue;
      g_array_append_val (self->collections, k);
      g_array_append_val (self->collection_counts, n);
    }
  return self;
}

void
fake_idc_archive_free (FakeIdcArchive *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->by_uid);
  g_hash_table_unref (self->by_uuid);
  g_ptr_array_unref (self->current);
  g_ptr_array_unref (self->prior);
  g_array_unref (self->collections);
  g_array_unref (self->collection_counts);
  g_free (self->nbia_only);
  g_string_chunk_free (self->strings);
  g_mutex_clear (&self->lock);
  fake_archive_free (self->archive);
  g_free (self);
}

guint
fake_idc_archive_get_n_series (FakeIdcArchive *self)
{
  return self->current->len;
}

const FakeIdcSeries *
fake_idc_archive_get_series (FakeIdcArchive *self,
                             guint           index)
{
  g_return_val_if_fail (index < self->current->len, NULL);

  return &((Folder *) self->current->pdata[index])->series;
}

guint
fake_idc_archive_get_n_prior (FakeIdcArchive *self)
{
  return self->prior->len;
}

const FakeIdcSeries *
fake_idc_archive_get_prior (FakeIdcArchive *self,
                            guint           index)
{
  g_return_val_if_fail (index < self->prior->len, NULL);

  return &((Folder *) self->prior->pdata[index])->series;
}

const FakeIdcSeries *
fake_idc_archive_lookup (FakeIdcArchive *self,
                         const char     *series_uid)
{
  Folder *f = g_hash_table_lookup (self->by_uid, series_uid);

  return f != NULL ? &f->series : NULL;
}

const FakeIdcSeries *
fake_idc_archive_lookup_uuid (FakeIdcArchive *self,
                              const char     *series_uuid)
{
  Folder *f = g_hash_table_lookup (self->by_uuid, series_uuid);

  return f != NULL ? &f->series : NULL;
}

gboolean
fake_idc_archive_is_nbia_only (FakeIdcArchive *self,
                               guint           nbia_index)
{
  g_return_val_if_fail (nbia_index < self->archive->n_series, FALSE);

  return self->nbia_only[nbia_index];
}

const char *
fake_idc_archive_get_missing_collection (FakeIdcArchive *self)
{
  for (guint32 s = 0; s < self->archive->n_series; s++)
    if (self->nbia_only[s] && fake_series_patient (self->archive, s)->collection ==
        MISSING_COLLECTION)
      return self->archive->collections[MISSING_COLLECTION].name;
  return NULL;
}

const char *
fake_idc_archive_get_revised_uid (FakeIdcArchive *self)
{
  return self->revised_uid;
}

const char *
fake_idc_archive_get_prior_only_uid (FakeIdcArchive *self)
{
  return self->prior_only_uid;
}

/* The Folder a FakeIdcSeries is the first member of. */
static Folder *
folder_of (const FakeIdcSeries *series)
{
  return (Folder *) series;
}

const FakeIdcObject *
fake_idc_archive_get_object (FakeIdcArchive      *self,
                             const FakeIdcSeries *series,
                             guint                k)
{
  g_return_val_if_fail (k < series->n_objects, NULL);

  return &folder_of (series)->objects[k];
}

const FakeIdcObject *
fake_idc_archive_find_object (FakeIdcArchive       *self,
                              const char           *bucket,
                              const char           *key,
                              const FakeIdcSeries **series)
{
  const char *slash = key != NULL ? strchr (key, '/') : NULL;
  g_autofree char *uuid = NULL;
  FakeIdcObject probe = { .key = key };
  Folder *f;
  FakeIdcObject *found;

  if (slash == NULL)
    return NULL;
  uuid = g_strndup (key, slash - key);
  f = g_hash_table_lookup (self->by_uuid, uuid);
  if (f == NULL || g_strcmp0 (f->series.bucket, bucket) != 0)
    return NULL;
  found = bsearch (&probe, f->objects, f->series.n_objects, sizeof *f->objects,
                   compare_objects);
  if (found != NULL && series != NULL)
    *series = &f->series;
  return found;
}

GBytes *
fake_idc_archive_get_bytes (FakeIdcArchive      *self,
                            const FakeIdcSeries *series,
                            const FakeIdcObject *object)
{
  GByteArray *file = fake_dicom_build (self->archive, series->nbia_index, object->image);

  return g_byte_array_free_to_bytes (file);
}

const char *
fake_idc_archive_get_md5 (FakeIdcArchive      *self,
                          const FakeIdcSeries *series,
                          const FakeIdcObject *object)
{
  Folder *f = folder_of (series);
  guint k = object - f->objects;
  char *md5;

  g_return_val_if_fail (k < series->n_objects, NULL);

  g_mutex_lock (&self->lock);
  md5 = f->md5[k];
  g_mutex_unlock (&self->lock);
  if (md5 != NULL)
    return md5;

  md5 = fake_dicom_md5 (self->archive, series->nbia_index, object->image);
  g_mutex_lock (&self->lock);
  if (f->md5[k] == NULL)
    f->md5[k] = md5;
  else
    g_free (md5);
  md5 = f->md5[k];
  g_mutex_unlock (&self->lock);
  return md5;
}

static const char *
keep (FakeIdcArchive *self,
      const char     *text)
{
  const char *kept;

  if (text == NULL)
    return NULL;
  g_mutex_lock (&self->lock);
  kept = g_string_chunk_insert_const (self->strings, text);
  g_mutex_unlock (&self->lock);
  return kept;
}

static const char *
bare_doi (const char *doi)
{
  return g_str_has_prefix (doi, "https://doi.org/") ? doi + strlen ("https://doi.org/") : doi;
}

void
fake_idc_archive_get_details (FakeIdcArchive       *self,
                              const FakeIdcSeries  *series,
                              FakeIdcSeriesDetails *d)
{
  const FakeArchive *a = self->archive;
  guint32 s = series->nbia_index;
  const FakeSeries *fs = &a->series[s];
  const FakeStudy *st = fake_series_study (a, s);
  const FakePatient *p = fake_series_patient (a, s);
  const FakeCollection *c = fake_series_collection (a, s);
  char buf[FAKE_STR_MAX];
  int year, month, mday;

  memset (d, 0, sizeof *d);
  fake_archive_patient_id (a, st->patient, buf);
  d->patient_id = keep (self, buf);
  fake_archive_study_uid (a, fs->study, buf);
  d->study_uid = keep (self, buf);
  fake_day_to_date (st->day, &year, &month, &mday);
  g_snprintf (buf, sizeof buf, "%04d-%02d-%02d", year, month, mday);
  d->study_date = keep (self, buf);
  d->study_description = fake_study_description (st->description);
  d->series_description = fake_series_description (fs->description);
  g_snprintf (buf, sizeof buf, "%u", fs->series_number);
  d->series_number = keep (self, buf);
  d->modality = fake_modalities[fs->modality];
  d->sop_class_uid = fake_modality_sop_class (fs->modality);
  d->sop_class_name = sop_class_names[fs->modality];
  d->body_part = fs->body_part == FAKE_NONE ? NULL : fake_body_parts[fs->body_part];
  d->manufacturer = fake_manufacturer_name (fs->manufacturer);
  d->manufacturer_model = fake_manufacturer_model (fs->manufacturer);
  d->patient_sex = p->sex == FAKE_NONE ? NULL : fake_sexes[p->sex];
  if (p->age > 0)
    {
      g_snprintf (buf, sizeof buf, "%03uY", p->age);
      d->patient_age = keep (self, buf);
    }
  d->license_short_name = fake_licenses[c->license].short_name;
  d->source_doi = bare_doi (c->doi);
}

guint
fake_idc_archive_get_n_collections (FakeIdcArchive *self)
{
  return self->collections->len;
}

void
fake_idc_archive_get_collection (FakeIdcArchive *self,
                                 guint           index,
                                 const char    **collection_id,
                                 const char    **collection_name,
                                 const char    **license_short_name,
                                 const char    **source_doi,
                                 guint          *n_series)
{
  const FakeCollection *c;
  g_autofree char *id = NULL;

  g_return_if_fail (index < self->collections->len);

  c = &self->archive->collections[g_array_index (self->collections, guint, index)];
  id = collection_id_for (c->name);
  if (collection_id != NULL)
    *collection_id = keep (self, id);
  if (collection_name != NULL)
    *collection_name = c->name;
  if (license_short_name != NULL)
    *license_short_name = fake_licenses[c->license].short_name;
  if (source_doi != NULL)
    *source_doi = bare_doi (c->doi);
  if (n_series != NULL)
    *n_series = g_array_index (self->collection_counts, guint, index);
}
