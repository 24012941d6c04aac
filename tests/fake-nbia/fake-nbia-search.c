/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-nbia-server.h"

/* v4 getSimpleSearch (the portal's search). */

typedef struct
{
  GPtrArray *collections;
  GPtrArray *modalities;
  GPtrArray *body_parts;
  GPtrArray *manufacturers;
  GPtrArray *patients;
  GPtrArray *species;
  GPtrArray *sexes;
} Criteria;

static gboolean
any_ci (GPtrArray  *values,
        const char *value)
{
  if (values->len == 0)
    return TRUE;
  for (guint i = 0; i < values->len; i++)
    if (value != NULL && g_ascii_strcasecmp (values->pdata[i], value) == 0)
      return TRUE;
  return FALSE;
}

typedef struct
{
  guint32 patient;
  guint   n_studies;
  guint   n_series;
  char    id[FAKE_STR_MAX];
} SearchHit;

typedef struct
{
  const char        *field;
  gboolean           descending;
  const FakeArchive *archive;
} SortSpec;

static int
compare_hits (gconstpointer pa,
              gconstpointer pb,
              gpointer      user_data)
{
  const SearchHit *a = *(SearchHit **) pa;
  const SearchHit *b = *(SearchHit **) pb;
  const SortSpec *spec = user_data;
  const FakeArchive *archive = spec->archive;
  int r;

  if (strcmp (spec->field, "collection") == 0)
    r = strcmp (archive->collections[archive->patients[a->patient].collection].name,
                archive->collections[archive->patients[b->patient].collection].name);
  else if (strcmp (spec->field, "study") == 0 ||
           strcmp (spec->field, "totalNumberOfStudies") == 0)
    r = (int) a->n_studies - (int) b->n_studies;
  else if (strcmp (spec->field, "series") == 0 ||
           strcmp (spec->field, "totalNumberOfSeries") == 0)
    r = (int) a->n_series - (int) b->n_series;
  else
    r = 0;
  if (r == 0)
    r = strcmp (a->id, b->id);
  return spec->descending ? -r : r;
}

static void
add_value_counts (JsonBuilder *builder,
                  const char  *member,
                  GHashTable  *counts)
{
  g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (counts), (GCompareFunc) strcmp);

  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, l->data);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, GPOINTER_TO_UINT (g_hash_table_lookup (counts,
                                                                                  l->data)));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
count_once (GHashTable *patient_values,
            const char *value)
{
  if (value != NULL)
    g_hash_table_add (patient_values, (gpointer) value);
}

static void
merge_counts (GHashTable *counts,
              GHashTable *patient_values)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, patient_values);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_insert (counts, key,
                         GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, key))
                                           + 1));
  g_hash_table_remove_all (patient_values);
}

static void
get_simple_search (FakeNbia      *self,
                   const Request *req,
                   Response      *resp)
{
  const FakeArchive *a = self->archive;
  const char *field = fake_req_get (req, "sortField");
  const char *direction = fake_req_get (req, "sortDirection");
  const char *start_text = fake_req_get (req, "start");
  const char *size_text = fake_req_get (req, "size");
  Criteria cr;
  SortSpec spec;
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) modality_counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) body_part_counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) collection_counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) species_counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen_modalities = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen_body_parts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen_other = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *text = NULL;
  g_autofree char *sort = NULL;
  guint64 start, size;

  if (field == NULL || direction == NULL || start_text == NULL || size_text == NULL)
    {
      fake_set_server_error (resp);
      return;
    }
  start = g_ascii_strtoull (start_text, NULL, 10);
  size = g_ascii_strtoull (size_text, NULL, 10);

  cr.collections = g_ptr_array_new ();
  cr.modalities = g_ptr_array_new ();
  cr.body_parts = g_ptr_array_new ();
  cr.manufacturers = g_ptr_array_new ();
  cr.patients = g_ptr_array_new ();
  cr.species = g_ptr_array_new ();
  cr.sexes = g_ptr_array_new ();
  for (guint i = 0; i < req->params->len; i++)
    {
      Param *p = req->params->pdata[i];
      g_autofree char *value_name = NULL;
      const char *value;
      GPtrArray *target = NULL;

      if (!g_str_has_prefix (p->name, "criteriaType"))
        continue;
      value_name = g_strconcat ("value", p->name + strlen ("criteriaType"), NULL);
      value = fake_req_get (req, value_name);
      if (value == NULL)
        continue;
      if (strcmp (p->value, "CollectionCriteria") == 0)
        target = cr.collections;
      else if (strcmp (p->value, "ImageModalityCriteria") == 0)
        target = cr.modalities;
      else if (strcmp (p->value, "AnatomicalSiteCriteria") == 0 ||
               strcmp (p->value, "BodyPartExaminedCriteria") == 0)
        target = cr.body_parts;
      else if (strcmp (p->value, "ManufacturerCriteria") == 0)
        target = cr.manufacturers;
      else if (strcmp (p->value, "PatientCriteria") == 0)
        target = cr.patients;
      else if (strcmp (p->value, "SpeciesCriteria") == 0)
        target = cr.species;
      else if (strcmp (p->value, "PatientSexCriteria") == 0)
        target = cr.sexes;
      if (target != NULL)
        g_ptr_array_add (target, (gpointer) value);
    }

  json_builder_begin_object (builder);
  for (guint32 pi = 0; pi < a->n_patients; pi++)
    {
      const FakePatient *p = &a->patients[pi];
      const FakeCollection *c = &a->collections[p->collection];
      SearchHit *hit = NULL;
      char id[FAKE_STR_MAX];

      fake_archive_patient_id (a, pi, id);
      if (!any_ci (cr.collections, c->name) || !any_ci (cr.patients, id) ||
          !any_ci (cr.species, fake_species_code (c->species)) ||
          !any_ci (cr.sexes, p->sex == FAKE_NONE ? NULL : fake_sexes[p->sex]))
        continue;
      for (guint32 st = p->first_study; st < p->first_study + p->n_studies; st++)
        {
          const FakeStudy *study = &a->studies[st];
          gboolean study_hit = FALSE;

          for (guint32 s = study->first_series; s < study->first_series + study->n_series; s++)
            {
              const FakeSeries *series = &a->series[s];
              const char *body_part = series->body_part == FAKE_NONE ? NULL
                                      : fake_body_parts[series->body_part];

              if (!any_ci (cr.modalities, fake_modalities[series->modality]) ||
                  !any_ci (cr.body_parts, body_part) ||
                  !any_ci (cr.manufacturers, fake_manufacturer_name (series->manufacturer)))
                continue;
              if (hit == NULL)
                {
                  hit = g_new0 (SearchHit, 1);
                  hit->patient = pi;
                  memcpy (hit->id, id, sizeof id);
                  g_ptr_array_add (hits, hit);
                }
              hit->n_series++;
              study_hit = TRUE;
              count_once (seen_modalities, fake_modalities[series->modality]);
              count_once (seen_body_parts, body_part);
            }
          if (study_hit)
            hit->n_studies++;
        }
      if (hit != NULL)
        {
          merge_counts (modality_counts, seen_modalities);
          merge_counts (body_part_counts, seen_body_parts);
          count_once (seen_other, c->name);
          merge_counts (collection_counts, seen_other);
          count_once (seen_other, fake_species_code (c->species));
          merge_counts (species_counts, seen_other);
        }
    }

  spec.field = field;
  spec.descending = g_ascii_strcasecmp (direction, "descending") == 0;
  spec.archive = a;
  g_ptr_array_sort_with_data (hits, compare_hits, &spec);

  json_builder_set_member_name (builder, "resultSet");
  json_builder_begin_array (builder);
  for (guint64 i = start; i < hits->len && i < start + size; i++)
    {
      SearchHit *hit = hits->pdata[i];
      const FakePatient *p = &a->patients[hit->patient];
      const FakeCollection *c = &a->collections[p->collection];
      g_autoptr(GHashTable) mods = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GHashTable) parts = g_hash_table_new (g_str_hash, g_str_equal);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, hit->patient + 1);
      json_builder_set_member_name (builder, "subjectId");
      json_builder_add_string_value (builder, hit->id);
      json_builder_set_member_name (builder, "project");
      json_builder_add_string_value (builder, c->name);
      json_builder_set_member_name (builder, "totalNumberOfStudies");
      json_builder_add_int_value (builder, hit->n_studies);
      json_builder_set_member_name (builder, "totalNumberOfSeries");
      json_builder_add_int_value (builder, hit->n_series);
      json_builder_set_member_name (builder, "studyIdentifiers");
      json_builder_begin_array (builder);
      for (guint32 st = p->first_study; st < p->first_study + p->n_studies; st++)
        {
          const FakeStudy *study = &a->studies[st];

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "studyIdentifier");
          json_builder_add_int_value (builder, st + 1);
          json_builder_set_member_name (builder, "seriesIdentifiers");
          json_builder_begin_array (builder);
          for (guint32 s = study->first_series; s < study->first_series + study->n_series; s++)
            json_builder_add_int_value (builder, s + 1);
          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "seriesAndModality");
          json_builder_begin_array (builder);
          for (guint32 s = study->first_series; s < study->first_series + study->n_series; s++)
            {
              const FakeSeries *series = &a->series[s];

              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "seriesId");
              json_builder_add_int_value (builder, s + 1);
              json_builder_set_member_name (builder, "modality");
              json_builder_add_string_value (builder, fake_modalities[series->modality]);
              json_builder_end_object (builder);
              g_hash_table_add (mods, (gpointer) fake_modalities[series->modality]);
              if (series->body_part != FAKE_NONE)
                g_hash_table_add (parts, (gpointer) fake_body_parts[series->body_part]);
            }
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "modalities");
      json_builder_begin_array (builder);
      {
        g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (mods), (GCompareFunc) strcmp);

        for (GList *l = keys; l != NULL; l = l->next)
          json_builder_add_string_value (builder, l->data);
      }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "bodyParts");
      json_builder_begin_array (builder);
      {
        g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (parts),
                                             (GCompareFunc) strcmp);

        for (GList *l = keys; l != NULL; l = l->next)
          json_builder_add_string_value (builder, l->data);
      }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "species");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, fake_species_code (c->species));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "timepoints");
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "authorized");
      json_builder_add_int_value (builder, 1);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "totalPatients");
  json_builder_add_int_value (builder, hits->len);
  add_value_counts (builder, "bodyParts", body_part_counts);
  add_value_counts (builder, "modalities", modality_counts);
  add_value_counts (builder, "collections", collection_counts);
  add_value_counts (builder, "species", species_counts);
  json_builder_set_member_name (builder, "maxTimepoints");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "minTimepoints");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  sort = g_strdup_printf ("%s-%s", field, direction);
  json_builder_set_member_name (builder, "sort");
  json_builder_add_string_value (builder, sort);
  json_builder_end_object (builder);

  g_ptr_array_unref (cr.collections);
  g_ptr_array_unref (cr.modalities);
  g_ptr_array_unref (cr.body_parts);
  g_ptr_array_unref (cr.manufacturers);
  g_ptr_array_unref (cr.patients);
  g_ptr_array_unref (cr.species);
  g_ptr_array_unref (cr.sexes);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  fake_set_text (resp, SOUP_STATUS_OK, "application/json", text);
  resp->is_json = TRUE;
}

const Endpoint fake_nbia_search_endpoints[] = {
  { "getSimpleSearch", V4, "POST", NULL, FALSE, get_simple_search },
  { NULL }
};
