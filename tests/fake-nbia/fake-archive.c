/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <stdio.h>
#include <string.h>

#include "fake-nbia-private.h"

/* The synthetic archive: compact structs made from (n_series, seed, images_max,
 * image_rows); every string is derived on demand from indexes and tables
 * (UIDs and other names: fake-archive-uids.c). */

const FakeLicense fake_licenses[] = {
  { "Creative Commons Attribution 3.0 Unported License", "CC BY 3.0",
    "http://creativecommons.org/licenses/by/3.0/", TRUE },
  { "Creative Commons Attribution 4.0 International License", "CC BY 4.0",
    "https://creativecommons.org/licenses/by/4.0/", TRUE },
  { "Creative Commons Attribution-NonCommercial 3.0 Unported License", "CC BY-NC 3.0",
    "https://creativecommons.org/licenses/by-nc/3.0/", FALSE },
  { "Creative Commons Attribution-NonCommercial 4.0 International License", "CC BY-NC 4.0",
    "https://creativecommons.org/licenses/by-nc/4.0/", FALSE },
};

enum { MOD_CT, MOD_MR, MOD_PT, MOD_MG, MOD_SEG, MOD_RTSTRUCT, MOD_CR, N_MODALITIES };

const char *const fake_modalities[] = {
  "CT", "MR", "PT", "MG", "SEG", "RTSTRUCT", "CR", NULL
};

static const char *const sop_classes[] = {
  "1.2.840.10008.5.1.4.1.1.2",       /* CT Image Storage */
  "1.2.840.10008.5.1.4.1.1.4",       /* MR Image Storage */
  "1.2.840.10008.5.1.4.1.1.128",     /* Positron Emission Tomography Image Storage */
  "1.2.840.10008.5.1.4.1.1.1.2",     /* Digital Mammography X-Ray Image Storage - For Presentation */
  "1.2.840.10008.5.1.4.1.1.66.4",    /* Segmentation Storage */
  "1.2.840.10008.5.1.4.1.1.481.3",   /* RT Structure Set Storage */
  "1.2.840.10008.5.1.4.1.1.1",       /* Computed Radiography Image Storage */
};

/* "Extremity" is mixed case on purpose: getBodyPartValuesAndCounts upper-cases. */
enum { BP_CHEST, BP_LUNG, BP_BREAST, BP_ABDOMEN, BP_HEAD, BP_EXTREMITY, BP_COLON, BP_BRAIN,
       BP_PELVIS };

const char *const fake_body_parts[] = {
  "CHEST", "LUNG", "BREAST", "ABDOMEN", "HEAD", "Extremity", "COLON", "BRAIN", "PELVIS", NULL
};

const char *const fake_sexes[] = { "M", "F", "O" };

static const struct
{
  const char *name;
  const char *model;
  const char *software;
} manufacturers[] = {
  { "GE MEDICAL SYSTEMS", "LightSpeed VCT", "LightSpeedverrel" },
  { "SIEMENS", "Biograph 40", "VG50A" },
  { "Philips Medical Systems", "Ingenuity TF PET/CT", "3.2.1" },
  { "Varian Imaging Laboratories, Switzerland", "Trilogy Cone Beam CT", "1.4.16" },
  { "TOSHIBA", "Aquilion", "V4.74ER003" },
  { "HOLOGIC, Inc.", "Selenia Dimensions", "1.7.4.4" },
};
#define MANUFACTURER_VARIAN 3

static const char *const series_descriptions[] = {
  "AX T1/T2, post^contrast",
  "Thorax für Lungenherde",
  "Ré-évaluation PET",
  "CHEST 1.25MM",
  "5.1 4DCT & ITV FB + 4D + INSP/EXP",
  "P4^P100^S100^I0, Gated, 0.0%",
  "Segmentation",
  "RTstructCT",
  "2. AXIAL T1 BOTH LEGS - RESEARCH",
  "T2 FLAIR",
  "PET AC",
  "L CC",
  "locator",
  "Recon 2: LUNG",
};

/* Which series descriptions suit which modality. */
static const guint8 descriptions_by_modality[N_MODALITIES][6] = {
  [MOD_CT] = { 3, 4, 5, 1, 12, 13 },
  [MOD_MR] = { 0, 8, 9, 0, 8, 9 },
  [MOD_PT] = { 2, 10, 2, 10, 2, 10 },
  [MOD_MG] = { 11, 11, 11, 11, 11, 11 },
  [MOD_SEG] = { 6, 6, 6, 6, 6, 6 },
  [MOD_RTSTRUCT] = { 7, 7, 7, 7, 7, 7 },
  [MOD_CR] = { 12, 1, 12, 1, 12, 1 },
};

static const char *const protocols[] = {
  "CHEST ROUTINE",
  "3.4 LUNG STANDARD/AC",
  "BRAIN^ROUTINE",
  "Mammo, bilateral",
  "PET-CT WB",
};

static const char *const study_descriptions[] = {
  "CT CHEST W/O CONTRAST",
  "MRI LT LEG +C",
  "PET CT",
  "Thorax^01_Routine (Erw)",
  "Ré-évaluation",
  "CT COLON, SCREENING",
  "MAMMO SCREENING BILAT",
  "BRAIN W/WO",
};

static const char *const ethnic_groups[] = {
  "White", "Black or African American", "Asian",
};

static const char *const event_types[] = {
  "Diagnosis", "Treatment",
};

static const struct
{
  const char *code;
  const char *description;
} species[] = {
  { "337915000", "Homo sapiens" },
  { "447612001", "Mus musculus" },
  { "448771007", "Canis lupus familiaris" },
};

typedef struct
{
  const char *name;
  const char *patient_prefix;
  const char *site;
  guint8      license;
  guint8      species;
  guint8      modalities[4];
  guint8      n_modalities;
  guint8      body_parts[3];
  guint8      n_body_parts;
} BaseCollection;

/* The first four are what a small archive has: spaces, several modalities
 * and every kind of licence. */
static const BaseCollection base_collections[] = {
  { "RIDER Lung CT", "RIDER-", "MSKCC", 0, 0, { MOD_CT, MOD_CR }, 2, { BP_CHEST, BP_LUNG }, 2 },
  { "Soft-tissue-Sarcoma", "STS_", "MUHC", 0, 0, { MOD_MR, MOD_PT, MOD_CT, MOD_RTSTRUCT }, 4,
    { BP_EXTREMITY }, 1 },
  { "NSCLC Radiogenomics", "R01-", "Stanford", 1, 0, { MOD_CT, MOD_PT, MOD_SEG }, 3,
    { BP_CHEST, BP_LUNG }, 2 },
  { "Breast-Diagnosis", "BreastDx-01-", NULL, 2, 0, { MOD_MG, MOD_MR }, 2, { BP_BREAST }, 1 },
  { "CT COLONOGRAPHY", "1.3.6.1.4.1.9328.50.4.", NULL, 0, 0, { MOD_CT }, 1,
    { BP_COLON, BP_ABDOMEN }, 2 },
  { "4D-Lung", "100_HM", "VCU", 0, 0, { MOD_CT }, 1, { BP_LUNG }, 1 },
  { "QIN LUNG CT", "QIN-LSC-", "MSKCC", 0, 0, { MOD_CT }, 1, { BP_CHEST }, 1 },
  { "TCGA-GBM", "TCGA-06-", NULL, 0, 0, { MOD_MR }, 1, { BP_BRAIN, BP_HEAD }, 2 },
  { "ACRIN-6698", "ACRIN-6698-", "ACRIN", 1, 0, { MOD_MR }, 1, { BP_BREAST }, 1 },
  { "Pediatric-CT-SEG", "Pediatric-CT-SEG-", NULL, 3, 0, { MOD_CT, MOD_SEG }, 2,
    { BP_CHEST, BP_ABDOMEN, BP_PELVIS }, 3 },
  { "COVID-19-AR", "COVID-19-AR-", NULL, 1, 0, { MOD_CR, MOD_CT }, 2, { BP_CHEST }, 1 },
  { "LIDC-IDRI", "LIDC-IDRI-", NULL, 0, 0, { MOD_CT, MOD_CR }, 2, { BP_CHEST }, 1 },
  { "Mouse-Astrocytoma", "MA-", "NCI", 2, 1, { MOD_MR }, 1, { BP_HEAD, BP_BRAIN }, 2 },
  { "CT Lymph Nodes", "ABD_LYMPH_", NULL, 0, 0, { MOD_CT }, 1, { BP_ABDOMEN, BP_CHEST }, 2 },
};

static const char *const html_descriptions[] = {
  "<p>This collection contains <b>@NAME@</b> images acquired for the study of lung nodules &amp; "
  "their change over time. See <a href=\"https://doi.org/10.7937/K9/TCIA.2015.U1X8A5NR\">the "
  "data description</a>.</p>",
  "<p>Patients with soft-tissue sarcoma of the extremities (@NAME@):</p><ul><li>FDG-PET/CT</li>"
  "<li>anatomical MR (T1 &amp; T2)</li><li>RT structures</li></ul><p>Données fournies par le "
  "Centre universitaire de santé McGill.</p>",
  "<p>@NAME@: a radiogenomic dataset of non-small cell lung cancer &mdash; CT, PET/CT and "
  "segmentations, with gene-expression data available from "
  "<a href=\"https://www.ncbi.nlm.nih.gov/geo/\">GEO</a>.</p>",
  NULL,
  "<p>The <i>@NAME@</i> collection: images &lt;de-identified&gt; by the TCIA team, "
  "Zürich &amp; São Paulo sites.</p><ul><li>CT</li><li>MR</li></ul>",
};

/* Uniform in [0, n). */
static inline guint32
rnd (guint64 *state,
     guint32  n)
{
  return n ? (guint32) (fake_splitmix64 (state) % n) : 0;
}

const char *
fake_modality_sop_class (guint8 modality)
{
  return sop_classes[modality];
}

const char *
fake_manufacturer_name (guint8 manufacturer)
{
  return manufacturer == FAKE_NONE ? NULL : manufacturers[manufacturer].name;
}

const char *
fake_manufacturer_model (guint8 manufacturer)
{
  return manufacturer == FAKE_NONE ? NULL : manufacturers[manufacturer].model;
}

const char *
fake_manufacturer_software (guint8 manufacturer)
{
  return manufacturer == FAKE_NONE ? NULL : manufacturers[manufacturer].software;
}

const char *
fake_series_description (guint8 description)
{
  return description == FAKE_NONE ? NULL : series_descriptions[description];
}

const char *
fake_study_description (guint8 description)
{
  return description == FAKE_NONE ? NULL : study_descriptions[description];
}

const char *
fake_protocol_name (guint8 protocol)
{
  return protocol == FAKE_NONE ? NULL : protocols[protocol];
}

const char *
fake_ethnic_group (guint8 ethnic)
{
  return ethnic == FAKE_NONE ? NULL : ethnic_groups[ethnic];
}

const char *
fake_event_type (guint8 event_type)
{
  return event_type == FAKE_NONE ? NULL : event_types[event_type];
}

const char *
fake_species_code (guint8 sp)
{
  return species[sp].code;
}

const char *
fake_species_description (guint8 sp)
{
  return species[sp].description;
}

/* Days from civil, after Howard Hinnant's algorithm. */
gint32
fake_date_to_day (int year,
                  int month,
                  int mday)
{
  int y = year - (month <= 2);
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + mday - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

void
fake_day_to_date (gint32  day,
                  int    *year,
                  int    *month,
                  int    *mday)
{
  int z = day + 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = yoe + era * 400;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  int d = doy - (153 * mp + 2) / 5 + 1;
  int m = mp + (mp < 10 ? 3 : -9);

  *year = y + (m <= 2);
  *month = m;
  *mday = d;
}

static guint
n_collections_for (guint n_series)
{
  if (n_series <= 4)
    return n_series;
  return MIN (n_series, 4 + n_series / 5000);
}

static void
init_collection (FakeArchive    *a,
                 guint           k,
                 guint64        *state)
{
  FakeCollection *c = &a->collections[k];
  guint n_base = G_N_ELEMENTS (base_collections);

  if (k < n_base)
    {
      const BaseCollection *b = &base_collections[k];

      c->name = g_strdup (b->name);
      c->patient_prefix = g_strdup (b->patient_prefix);
      c->site = b->site;
      c->license = b->license;
      c->species = b->species;
      memcpy (c->modalities, b->modalities, sizeof c->modalities);
      c->n_modalities = b->n_modalities;
      memcpy (c->body_parts, b->body_parts, sizeof c->body_parts);
      c->n_body_parts = b->n_body_parts;
    }
  else
    {
      guint n = k - n_base + 1;

      /* Every other one has spaces and mixed case. */
      if (n % 2)
        c->name = g_strdup_printf ("Synthetic Cohort %03u", n);
      else
        c->name = g_strdup_printf ("SYNTH-%03u", n);
      c->patient_prefix = g_strdup_printf ("SYN%03u-", n);
      c->site = n % 3 ? "Site B" : NULL;
      c->license = rnd (state, G_N_ELEMENTS (fake_licenses));
      c->species = rnd (state, 10) == 0 ? 1 + rnd (state, 2) : 0;
      c->n_modalities = 1 + rnd (state, 3);
      for (guint i = 0; i < c->n_modalities; i++)
        c->modalities[i] = rnd (state, N_MODALITIES);
      c->n_body_parts = 1 + rnd (state, 3);
      for (guint i = 0; i < c->n_body_parts; i++)
        c->body_parts[i] = rnd (state, G_N_ELEMENTS (fake_body_parts) - 1);
    }

  /* One collection has no description at all. */
  if (k != 3)
    {
      const char *html = html_descriptions[k % G_N_ELEMENTS (html_descriptions)];
      GString *text = g_string_new (html != NULL ? html : html_descriptions[0]);

      g_string_replace (text, "@NAME@", c->name, 0);
      c->description = g_string_free (text, FALSE);
    }
  c->doi = g_strdup_printf ("https://doi.org/10.7937/K9/TCIA.%u.%08X",
                            2012 + k % 12, (guint) fake_hash3 (a->seed, 11, k));
  c->uid_root = 1000 + (k * 617 + a->seed) % 9000;
  c->phantom = FALSE;
  c->released_day = fake_date_to_day (2012, 1, 1) + rnd (state, 12 * 365);
  c->released_secs = rnd (state, 86400);
}

static void
add_series (FakeArchive *a,
            guint32      series,
            guint32      study,
            guint        images_max,
            guint        image_rows,
            guint64     *state)
{
  FakeSeries *s = &a->series[series];
  const FakeCollection *c = &a->collections[a->patients[a->studies[study].patient].collection];
  guint8 modality = c->modalities[rnd (state, c->n_modalities)];

  s->study = study;
  s->modality = modality;
  s->image_rows = image_rows;
  s->compress_level = 6;
  s->n_images = (modality == MOD_SEG || modality == MOD_RTSTRUCT)
                ? 1 : 1 + rnd (state, MAX (1, images_max));
  s->n_acquisitions = (s->n_images >= 4 && series % 5 == 1) ? 2 : 1;
  s->series_number = 1 + rnd (state, 10) + (rnd (state, 8) == 0 ? 300000 : 0);

  /* Optional attributes go missing by rules on the index, so that even a small
   * archive has every case. */
  s->body_part = series % 13 == 5 ? FAKE_NONE : c->body_parts[rnd (state, c->n_body_parts)];
  if (series % 11 == 3)
    s->manufacturer = FAKE_NONE;
  else if (g_str_equal (c->name, "4D-Lung") || series % 17 == 4)
    s->manufacturer = MANUFACTURER_VARIAN;
  else if (modality == MOD_MG)
    s->manufacturer = 5;
  else
    s->manufacturer = rnd (state, 5);
  s->description = series % 7 == 2
                   ? FAKE_NONE : descriptions_by_modality[modality][rnd (state, 6)];
  s->protocol = series % 3 == 0 ? FAKE_NONE : rnd (state, G_N_ELEMENTS (protocols));
  s->third_party = series % 4 == 1 ? FAKE_NONE : (series % 9 == 0 ? 1 : 0);
  s->annotations = (modality == MOD_SEG || modality == MOD_RTSTRUCT) ? 1
                   : (series % 6 == 0 ? 0 : FAKE_NONE);
  s->submitted_before = 1 + rnd (state, 120);
}

static void
build_big_series (FakeArchive *a,
                  guint64      big_series_bytes)
{
  guint32 k = a->n_collections - 1;
  FakeCollection *c = &a->collections[k];
  FakePatient *p = &a->patients[a->n_patients - 1];
  FakeStudy *st = &a->studies[a->n_studies - 1];
  FakeSeries *s = &a->series[a->n_series - 1];
  guint rows = 512;
  guint64 per_image;

  c->name = g_strdup ("Big-Series");
  c->patient_prefix = g_strdup ("BIG-");
  c->site = NULL;
  c->description = g_strdup ("<p>One very large series, for benchmarks.</p>");
  c->doi = g_strdup ("https://doi.org/10.7937/TCIA.BIG.SERIES");
  c->uid_root = 9999;
  c->license = 1;
  c->species = 0;
  c->modalities[0] = MOD_CT;
  c->n_modalities = 1;
  c->body_parts[0] = BP_CHEST;
  c->n_body_parts = 1;
  c->released_day = fake_date_to_day (2020, 6, 1);
  c->released_secs = 12 * 3600;
  c->first_patient = a->n_patients - 1;
  c->n_patients = 1;
  c->first_series = a->n_series - 1;
  c->n_series = 1;

  *p = (FakePatient) { k, 1, a->n_studies - 1, 1, 0, 60, FAKE_NONE, c->released_day };
  *st = (FakeStudy) { a->n_patients - 1, a->n_series - 1, 1, 1, 0, FAKE_NONE, 0,
                      fake_date_to_day (2010, 3, 14) };

  while (rows > 8 && (guint64) rows * rows * 2 * 4 > big_series_bytes)
    rows /= 2;
  per_image = (guint64) rows * rows * 2 + 1200;
  *s = (FakeSeries) {
    .study = a->n_studies - 1,
    .n_images = MAX (1, (big_series_bytes + per_image / 2) / per_image),
    .image_rows = rows,
    .series_number = 2,
    .modality = MOD_CT,
    .body_part = BP_CHEST,
    .manufacturer = 0,
    .description = 3,
    .protocol = 0,
    .third_party = 0,
    .annotations = FAKE_NONE,
    .n_acquisitions = 1,
    .compress_level = 1,
    .submitted_before = 10,
  };
}

static void
add_pair (FakeArchive *a,
          guint32      first)
{
  FakeSeries *s1 = &a->series[first];
  FakeSeries *s2 = &a->series[first + 1];

  s2->series_number = s1->series_number;
  s2->description = s1->description;
  a->colliding[2 * a->n_colliding] = first;
  a->colliding[2 * a->n_colliding + 1] = first + 1;
  a->n_colliding++;
}

/* The first two series of the first @n_pairs studies that have two, or failing
 * that, of studies given the first series of the next study of the same
 * patient, get the same SeriesNumber, SeriesDescription and UID tail. */
static void
make_collisions (FakeArchive *a,
                 guint        n_pairs,
                 guint32      n_studies)
{
  g_autofree gboolean *used = g_new0 (gboolean, MAX (1, n_studies));

  a->colliding = g_new0 (guint32, 2 * MAX (1, n_pairs));
  for (guint32 st = 0; st < n_studies && a->n_colliding < n_pairs; st++)
    if (a->studies[st].n_series >= 2)
      {
        used[st] = TRUE;
        add_pair (a, a->studies[st].first_series);
      }
  for (guint32 st = 0; st + 1 < n_studies && a->n_colliding < n_pairs; st++)
    {
      FakeStudy *study = &a->studies[st];
      FakeStudy *next = &a->studies[st + 1];

      if (used[st] || used[st + 1] || study->n_series != 1 || next->n_series < 2 ||
          next->patient != study->patient)
        continue;
      a->series[next->first_series].study = st;
      study->n_series++;
      next->first_series++;
      next->n_series--;
      used[st] = used[st + 1] = TRUE;
      add_pair (a, study->first_series);
    }
}

FakeArchive *
fake_archive_new (guint   n_series,
                  guint32 seed,
                  guint   images_max,
                  guint   image_rows,
                  guint64 big_series_bytes,
                  guint   colliding_pairs)
{
  FakeArchive *a = g_new0 (FakeArchive, 1);
  guint n_regular = n_collections_for (n_series);
  gboolean big = big_series_bytes > 0;
  guint64 state = seed * 0x9E3779B97F4A7C15ull + 12345;
  g_autofree double *weights = NULL;
  g_autofree guint32 *counts = NULL;
  double total_weight = 0;
  guint32 assigned = 0;
  guint32 series = 0, study = 0, patient = 0;
  guint32 cap_patients, cap_studies;

  a->seed = seed;
  a->changes = fake_changes_new ();
  a->n_collections = n_regular + (big ? 1 : 0);
  a->collections = g_new0 (FakeCollection, a->n_collections);
  a->n_series = n_series + (big ? 1 : 0);
  a->series = g_new0 (FakeSeries, MAX (1, a->n_series));
  /* At most one patient and one study per series. */
  cap_patients = n_series + 1;
  cap_studies = n_series + 1;
  a->patients = g_new0 (FakePatient, cap_patients);
  a->studies = g_new0 (FakeStudy, cap_studies);

  weights = g_new0 (double, MAX (1, n_regular));
  counts = g_new0 (guint32, MAX (1, n_regular));
  for (guint k = 0; k < n_regular; k++)
    {
      init_collection (a, k, &state);
      weights[k] = k < 4 ? 1.0 : 0.5 + rnd (&state, 1000) / 666.0;
      total_weight += weights[k];
    }
  for (guint k = 0; k < n_regular; k++)
    {
      counts[k] = MAX (1, (guint32) (n_series * weights[k] / total_weight));
      assigned += counts[k];
    }
  /* Fix the rounding on the first collections. */
  for (guint k = 0; assigned != n_series; k = (k + 1) % n_regular)
    {
      if (assigned < n_series)
        {
          counts[k]++;
          assigned++;
        }
      else if (counts[k] > 1)
        {
          counts[k]--;
          assigned--;
        }
    }

  for (guint k = 0; k < n_regular; k++)
    {
      FakeCollection *c = &a->collections[k];
      guint32 left = counts[k];

      c->first_patient = patient;
      c->first_series = series;
      c->n_series = counts[k];
      while (left > 0)
        {
          FakePatient *p = &a->patients[patient];
          guint n_studies = 1 + rnd (&state, 3);

          p->collection = k;
          p->number = patient - c->first_patient + 1;
          p->first_study = study;
          p->sex = (patient % 19 == 7) ? FAKE_NONE : (rnd (&state, 40) == 0 ? 2 : rnd (&state, 2));
          p->age = rnd (&state, 8) == 0 ? 0 : 18 + rnd (&state, 70);
          p->ethnic = rnd (&state, 6) == 0 ? rnd (&state, G_N_ELEMENTS (ethnic_groups)) : FAKE_NONE;
          p->released_day = c->released_day + (p->number % 4 == 0 ? 200 : 0);

          for (guint j = 0; j < n_studies && left > 0; j++)
            {
              FakeStudy *st = &a->studies[study];
              guint wanted = 1 + rnd (&state, 4);
              guint n = MIN (left, wanted);

              st->patient = patient;
              st->first_series = series;
              st->n_series = n;
              st->study_id = rnd (&state, 5) == 0 ? 0 : 1 + rnd (&state, 9999);
              st->description = study % 10 == 6 ? FAKE_NONE
                                : rnd (&state, G_N_ELEMENTS (study_descriptions));
              st->day = fake_date_to_day (1995, 1, 1) + rnd (&state, 21 * 365);
              if (rnd (&state, 5) == 0)
                {
                  st->event_type = rnd (&state, G_N_ELEMENTS (event_types));
                  st->event_offset = rnd (&state, 400);
                }
              else
                {
                  st->event_type = FAKE_NONE;
                }
              for (guint i = 0; i < n; i++)
                add_series (a, series++, study, images_max, image_rows, &state);
              left -= n;
              p->n_studies++;
              study++;
            }
          patient++;
        }
      c->n_patients = patient - c->first_patient;
    }

  a->n_patients = patient + (big ? 1 : 0);
  a->n_studies = study + (big ? 1 : 0);
  if (big)
    build_big_series (a, big_series_bytes);
  if (colliding_pairs > 0)
    make_collisions (a, colliding_pairs, study);

  for (guint32 i = 0; i < a->n_series; i++)
    a->series[i].file_size = fake_dicom_series_size (a, i);

  a->collection_names = g_new0 (const char *, a->n_collections + 1);
  for (guint k = 0; k < a->n_collections; k++)
    a->collection_names[k] = a->collections[k].name;

  return a;
}

void
fake_archive_free (FakeArchive *a)
{
  if (a == NULL)
    return;
  fake_changes_free (a->changes);
  for (guint k = 0; k < a->n_collections; k++)
    {
      g_free (a->collections[k].name);
      g_free (a->collections[k].patient_prefix);
      g_free (a->collections[k].description);
      g_free (a->collections[k].doi);
    }
  g_free (a->collections);
  g_free (a->patients);
  g_free (a->studies);
  g_free (a->series);
  g_free (a->colliding);
  g_free (a->collection_names);
  g_free (a);
}
