/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-nbia-server.h"

/* Collections and values: get*Values, get*ValuesAndCounts and
 * getCollectionDescriptions. */

typedef struct
{
  guint64 mask;
} ValueSet;

static void
collect_modality (const FakeArchive *a,
                  guint32            s,
                  gpointer           user_data)
{
  ((ValueSet *) user_data)->mask |= G_GUINT64_CONSTANT (1) << a->series[s].modality;
}

static void
collect_body_part (const FakeArchive *a,
                   guint32            s,
                   gpointer           user_data)
{
  if (a->series[s].body_part != FAKE_NONE)
    ((ValueSet *) user_data)->mask |= G_GUINT64_CONSTANT (1) << a->series[s].body_part;
}

static void
collect_manufacturer (const FakeArchive *a,
                      guint32            s,
                      gpointer           user_data)
{
  if (a->series[s].manufacturer != FAKE_NONE)
    ((ValueSet *) user_data)->mask |= G_GUINT64_CONSTANT (1) << a->series[s].manufacturer;
}

typedef const char *(*NameFunc) (guint8 value);

static const char *
modality_name (guint8 value)
{
  return fake_modalities[value];
}

static const char *
body_part_name (guint8 value)
{
  return fake_body_parts[value];
}

int
fake_compare_strings (gconstpointer a,
                      gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* The names in @mask, sorted byte-wise as the database returns them. */
static GPtrArray *
sorted_names (guint64  mask,
              NameFunc name)
{
  GPtrArray *names = g_ptr_array_new ();

  for (guint i = 0; i < 64; i++)
    if (mask & (G_GUINT64_CONSTANT (1) << i))
      g_ptr_array_add (names, (gpointer) name (i));
  g_ptr_array_sort (names, fake_compare_strings);
  return names;
}

static void
value_listing (FakeNbia      *self,
               const Request *req,
               Response      *resp,
               const char    *column,
               SeriesFunc     collect,
               NameFunc       name)
{
  g_autoptr(FakeTable) table = fake_request_table (req, resp, FORMAT_JSON);
  g_autoptr(GPtrArray) names = NULL;
  ValueSet set = { 0 };
  Filter f = { 0 };

  if (table == NULL)
    return;
  f.collection = fake_req_get (req, "Collection");
  if (collect != collect_modality)
    f.modality = fake_req_get (req, "Modality");
  if (collect != collect_body_part)
    f.body_part = fake_req_get (req, "BodyPartExamined");
  fake_foreach_series (self->archive, &f, collect, &set);
  names = sorted_names (set.mask, name);
  for (guint i = 0; i < names->len; i++)
    {
      fake_table_string (table, column, names->pdata[i]);
      fake_table_end_row (table);
    }
  fake_finish_table (resp, table);
}

static void
get_collection_values (FakeNbia      *self,
                       const Request *req,
                       Response      *resp)
{
  g_autoptr(FakeTable) table = fake_request_table (req, resp, FORMAT_JSON);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  if (table == NULL)
    return;
  for (guint k = 0; k < self->archive->n_collections; k++)
    if (!fake_changes_collection_hidden (self->archive, k))
      g_ptr_array_add (names, self->archive->collections[k].name);
  g_ptr_array_sort (names, fake_compare_strings);
  for (guint i = 0; i < names->len; i++)
    {
      fake_table_string (table, "Collection", names->pdata[i]);
      fake_table_end_row (table);
    }
  fake_finish_table (resp, table);
}

static void
get_modality_values (FakeNbia      *self,
                     const Request *req,
                     Response      *resp)
{
  value_listing (self, req, resp, "Modality", collect_modality, modality_name);
}

static void
get_body_part_values (FakeNbia      *self,
                      const Request *req,
                      Response      *resp)
{
  value_listing (self, req, resp, "BodyPartExamined", collect_body_part, body_part_name);
}

static void
get_manufacturer_values (FakeNbia      *self,
                         const Request *req,
                         Response      *resp)
{
  value_listing (self, req, resp, "Manufacturer", collect_manufacturer,
                 fake_manufacturer_name);
}

/* Patient counts per value: count(distinct patient). */
typedef struct
{
  guint   counts[64];
  guint64 patient_mask;
  gint64  current_patient;
  SeriesFunc collect;
} Counts;

static void
flush_patient (Counts *c)
{
  for (guint i = 0; i < 64; i++)
    if (c->patient_mask & (G_GUINT64_CONSTANT (1) << i))
      c->counts[i]++;
  c->patient_mask = 0;
}

/* Series come patient by patient, so a patient's values are counted once. */
static void
count_value (const FakeArchive *a,
             guint32            s,
             gpointer           user_data)
{
  Counts *c = user_data;
  guint32 patient = fake_series_study (a, s)->patient;
  ValueSet set = { 0 };

  if (patient != c->current_patient)
    {
      flush_patient (c);
      c->current_patient = patient;
    }
  c->collect (a, s, &set);
  c->patient_mask |= set.mask;
}

static void
value_counts (FakeNbia      *self,
              const Request *req,
              Response      *resp,
              const char    *column,
              SeriesFunc     collect,
              NameFunc       name,
              gboolean       upper)
{
  g_autoptr(FakeTable) table = fake_table_new (FAKE_TABLE_JSON);
  g_autoptr(GPtrArray) names = NULL;
  Counts counts = { .current_patient = -1, .collect = collect };
  guint64 mask = 0;
  Filter f = { 0 };

  resp->is_json = TRUE;
  f.collection = fake_req_get (req, "Collection");
  if (collect != collect_modality)
    f.modality = fake_req_get (req, "Modality");
  if (collect != collect_body_part)
    f.body_part = fake_req_get (req, "BodyPartExamined");
  fake_foreach_series (self->archive, &f, count_value, &counts);
  flush_patient (&counts);
  for (guint i = 0; i < 64; i++)
    if (counts.counts[i] > 0)
      mask |= G_GUINT64_CONSTANT (1) << i;
  names = sorted_names (mask, name);
  for (guint i = 0; i < names->len; i++)
    {
      guint count = 0;
      g_autofree char *value = upper ? g_ascii_strup (names->pdata[i], -1)
                                     : g_strdup (names->pdata[i]);

      for (guint v = 0; v < 64; v++)
        if ((mask & (G_GUINT64_CONSTANT (1) << v)) && strcmp (name (v), names->pdata[i]) == 0)
          count = counts.counts[v];
      fake_table_string (table, column, value);
      fake_table_int (table, "Count", count);
      fake_table_int (table, "Authorized", 1);
      fake_table_end_row (table);
    }
  fake_finish_table (resp, table);
}

static int
compare_collections (gconstpointer a,
                     gconstpointer b)
{
  return strcmp ((*(const FakeCollection **) a)->name, (*(const FakeCollection **) b)->name);
}

static void
get_collection_values_and_counts (FakeNbia      *self,
                                  const Request *req,
                                  Response      *resp)
{
  g_autoptr(FakeTable) table = fake_table_new (FAKE_TABLE_JSON);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  resp->is_json = TRUE;
  for (guint k = 0; k < self->archive->n_collections; k++)
    if (!fake_changes_collection_hidden (self->archive, k))
      g_ptr_array_add (order, &self->archive->collections[k]);
  g_ptr_array_sort (order, compare_collections);
  for (guint i = 0; i < order->len; i++)
    {
      const FakeCollection *c = order->pdata[i];

      fake_table_string (table, "Collection", c->name);
      fake_table_int (table, "Count", c->n_patients);
      fake_table_int (table, "Authorized", 1);
      fake_table_end_row (table);
    }
  fake_finish_table (resp, table);
}

static void
get_modality_values_and_counts (FakeNbia      *self,
                                const Request *req,
                                Response      *resp)
{
  value_counts (self, req, resp, "Modality", collect_modality, modality_name, FALSE);
}

static void
get_body_part_values_and_counts (FakeNbia      *self,
                                 const Request *req,
                                 Response      *resp)
{
  value_counts (self, req, resp, "BodyPart", collect_body_part, body_part_name, TRUE);
}

static void
get_manufacturer_values_and_counts (FakeNbia      *self,
                                    const Request *req,
                                    Response      *resp)
{
  value_counts (self, req, resp, "Manufacturer", collect_manufacturer,
                fake_manufacturer_name, FALSE);
}

static void
get_species_values_and_counts (FakeNbia      *self,
                               const Request *req,
                               Response      *resp)
{
  g_autoptr(FakeTable) table = fake_table_new (FAKE_TABLE_JSON);
  guint counts[3] = { 0 };

  resp->is_json = TRUE;
  for (guint k = 0; k < self->archive->n_collections; k++)
    counts[self->archive->collections[k].species] += self->archive->collections[k].n_patients;
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      if (counts[i] == 0)
        continue;
      fake_table_string (table, "Species", fake_species_code (i));
      fake_table_int (table, "Count", counts[i]);
      fake_table_int (table, "Authorized", 1);
      fake_table_end_row (table);
    }
  fake_finish_table (resp, table);
}

static void
get_collection_descriptions (FakeNbia      *self,
                             const Request *req,
                             Response      *resp)
{
  const char *name = fake_req_get (req, "collectionName");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_array (builder);
  for (guint k = 0; k < self->archive->n_collections; k++)
    {
      const FakeCollection *c = &self->archive->collections[k];

      if (!fake_ci_equal (c->name, name) || fake_changes_collection_hidden (self->archive, k))
        continue;
      /* Jackson writes nulls. */
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "description");
      if (c->description != NULL)
        json_builder_add_string_value (builder, c->description);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, k + 1);
      json_builder_set_member_name (builder, "collectionName");
      json_builder_add_string_value (builder, c->name);
      json_builder_set_member_name (builder, "descriptionURI");
      json_builder_add_string_value (builder, c->doi);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  fake_set_text (resp, SOUP_STATUS_OK, "application/json", text);
  resp->is_json = TRUE;
}

const Endpoint fake_nbia_values_endpoints[] = {
  { "getCollectionValues", V1 | V4, "GET", ALLOWED ("format"), FALSE, get_collection_values },
  { "getModalityValues", V1 | V4, "GET", ALLOWED ("Collection", "format", "BodyPartExamined"),
    FALSE, get_modality_values },
  { "getBodyPartValues", V1 | V4, "GET", ALLOWED ("Collection", "format", "Modality"),
    FALSE, get_body_part_values },
  { "getManufacturerValues", V1 | V4, "GET",
    ALLOWED ("Collection", "format", "Modality", "BodyPartExamined"),
    FALSE, get_manufacturer_values },
  { "getCollectionDescriptions", V4, "GET", ALLOWED ("collectionName"),
    FALSE, get_collection_descriptions },
  { "getCollectionValuesAndCounts", V4, "GET", NULL, FALSE, get_collection_values_and_counts },
  { "getModalityValuesAndCounts", V4, "GET", ALLOWED ("Collection", "BodyPartExamined"),
    FALSE, get_modality_values_and_counts },
  { "getBodyPartValuesAndCounts", V4, "GET", ALLOWED ("Collection", "Modality"),
    FALSE, get_body_part_values_and_counts },
  { "getManufacturerValuesAndCounts", V4, "GET",
    ALLOWED ("Collection", "Modality", "BodyPartExamined"),
    FALSE, get_manufacturer_values_and_counts },
  { "getSpeciesValuesAndCounts", V4, "GET", NULL, FALSE, get_species_values_and_counts },
  { NULL }
};
