/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the tests of the basket share: series to put in it, a basket file in
 * a temporary folder, and comparing what comes back. */

#include <string.h>

#include <glib/gstdio.h>

#include "fake-nbia.h"
#include "tcia-basket.h"
#include "tcia-basket-private.h"
#include "tcia-client.h"
#include "tcia-import.h"
#include "unit-test-util.h"

#define CC_BY "Creative Commons Attribution 3.0 Unported License"

#define CC_BY_URI "http://creativecommons.org/licenses/by/3.0/"

#define CC_BY_NC "Creative Commons Attribution-NonCommercial 4.0 International License"

#define CC_BY_NC_URI "https://creativecommons.org/licenses/by-nc/4.0/"

/* ---- Helpers ---------------------------------------------------------------------- */

static inline TciaSeries *
series_new (const char *uid,
            guint       images,
            guint64     bytes,
            const char *licence,
            const char *licence_uri)
{
  g_autofree char *images_text = g_strdup_printf ("%u", images);
  g_autofree char *bytes_text = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes);
  const char *keys[] = { "SeriesInstanceUID", "Collection", "ImageCount", "FileSize",
                         "LicenseName", "LicenseURI" };
  const char *values[] = { uid, "RIDER Lung CT", images_text, bytes_text, licence, licence_uri };

  return tcia_series_new_from_fields (keys, values, G_N_ELEMENTS (keys));
}

static inline TciaSeries *
simple_series (guint n)
{
  g_autofree char *uid = g_strdup_printf ("1.2.840.113619.2.55.%u", n);

  return series_new (uid, n, (guint64) n * 1000, CC_BY, CC_BY_URI);
}

static inline char *
uids_of (GListModel *model)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (model, i);
      const char *uid = tcia_series_get_series_uid (series);

      /* The last component is enough to tell them apart. */
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, strrchr (uid, '.') + 1);
    }

  return g_string_free (out, FALSE);
}

typedef struct
{
  guint n_calls;
  guint position;
  guint removed;
  guint added;
} Changes;

static inline void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  Changes *changes = user_data;

  changes->n_calls++;
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
}

static inline char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("test-basket-XXXXXX", &error);

  g_assert_no_error (error);

  return dir;
}

static inline char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

/* Drops the last reference on @object, which a worker thread of a finished
 * GTask may hold a moment longer than the task's callback runs. */
static inline void
assert_finalized_soon (gpointer object)
{
  gpointer weak = object;

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);
  for (guint i = 0; i < 1000 && weak != NULL; i++)
    spin (1);
  g_assert_null (weak);
}

/* Every property of @a equals the same of @b. */
static inline void
assert_same_series (TciaSeries *a,
                    TciaSeries *b)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (a), &n);
  for (guint i = 0; i < n; i++)
    {
      g_auto(GValue) va = G_VALUE_INIT;
      g_auto(GValue) vb = G_VALUE_INIT;

      g_value_init (&va, pspecs[i]->value_type);
      g_value_init (&vb, pspecs[i]->value_type);
      g_object_get_property (G_OBJECT (a), pspecs[i]->name, &va);
      g_object_get_property (G_OBJECT (b), pspecs[i]->name, &vb);
      if (g_param_values_cmp (pspecs[i], &va, &vb) != 0)
        {
          g_autofree char *sa = g_strdup_value_contents (&va);
          g_autofree char *sb = g_strdup_value_contents (&vb);

          g_error ("%s differs: %s != %s", pspecs[i]->name, sa, sb);
        }
    }
}

/* ---- The basket file --------------------------------------------------------------------------- */

typedef struct
{
  char  *dir;
  char  *path;
  GFile *file;
} FileFixture;

static inline void
file_setup (FileFixture   *f,
            gconstpointer  data)
{
  f->dir = make_temp_dir ();
  f->path = g_build_filename (f->dir, "tcia-basket", "basket.json", NULL);
  f->file = g_file_new_for_path (f->path);
}

static inline void
file_teardown (FileFixture   *f,
               gconstpointer  data)
{
  g_clear_object (&f->file);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* Adds a test of @func at /core/basket/@path, run in a FileFixture. */
#define BASKET_FILE_TEST(path, func) \
  g_test_add ("/core/basket/" path, FileFixture, NULL, file_setup, func, file_teardown)

static inline char *
file_dir (FileFixture *f)
{
  return g_path_get_dirname (f->path);
}

/* A series with every property the server gives, from the fake's metadata. */
static inline GPtrArray *
rich_series (guint n)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TciaRecordBuilder) builder = tcia_record_builder_new (TCIA_TYPE_SERIES, 64 * 1024);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uid = g_strdup_printf ("1.3.6.1.4.1.14519.5.2.1.6834.5010.%u", i);
      g_autofree char *size = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                               G_GUINT64_CONSTANT (5000000000) + i);
      const char *keys[] = {
        "PatientID", "PatientName", "PatientSex", "EthnicGroup", "Phantom", "SpeciesCode",
        "SpeciesDescription", "StudyInstanceUID", "StudyDate", "StudyDesc",
        "AdmittingDiagnosisDescription", "StudyID", "PatientAge", "SeriesInstanceUID",
        "Collection", "Site", "Modality", "ProtocolName", "SeriesDate", "SeriesDescription",
        "BodyPartExamined", "SeriesNumber", "AnnotationsFlag", "Manufacturer",
        "ManufacturerModelName", "PixelSpacing(mm)-Row", "SliceThickness(mm)",
        "SoftwareVersions", "ImageCount", "MaxSubmissionTimestamp", "LicenseName",
        "LicenseURI", "DataDescriptionURI", "FileSize", "ReleasedStatus", "DateReleased",
        "ThirdPartyAnalysis", "SOPClassUID",
      };
      const char *values[] = {
        "100_HM10395", "P100", "M", "", "NO", "337915000", "Homo sapiens",
        "1.3.6.1.4.1.14519.5.2.1.6834.5010.335014117706890137582032169351", "09-15-1997", "p4",
        "", "", "000Y", uid, "4D-Lung", "VCU", "CT", "5.1 4DCT & ITV FB + 4D + INSP/EXP",
        "09-15-1997", "P4^P100^S100^I0, Gated, 0.0% \"quoted\"\nnext line\t\\ é ✓", "LUNG",
        "500.000000", "", "Varian Imaging Laboratories, Switzerland", "Trilogy Cone Beam CT",
        "0.878906", "3.000000", "LightSpeedverrel", "50", "07-20-2015",
        "Creative Commons Attribution 3.0 Unported License",
        "http://creativecommons.org/licenses/by/3.0/",
        "https://doi.org/10.7937/K9/TCIA.2016.ELN8YGLE", size, "Yes", "10-19-2016", "YES",
        "1.2.840.10008.5.1.4.1.1.2",
      };

      G_STATIC_ASSERT (G_N_ELEMENTS (keys) == G_N_ELEMENTS (values));
      g_ptr_array_add (all, tcia_record_builder_add_fields (builder, keys, values,
                                                            G_N_ELEMENTS (keys)));
    }

  return all;
}
