/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-idc"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tcia-idc-client.h"
#include "tcia-idc-resolution-private.h"
#include "tcia-records-private.h"

/* The answer of a resolve, and how an IDC row becomes a TciaSeries with
 * NBIA's field meanings (idc-api.md §3, "NBIA ↔ IDC field mapping"). */

typedef struct
{
  TciaIdcStatus    status;
  TciaIdcLocation *location;
  TciaSeries      *series;
} Entry;

/* A series folder asked for, when resolving by crdc_series_uuid. */
typedef struct
{
  TciaIdcStatus  status;
  char          *series_uid;   /* what IDC says the folder holds, or NULL */
} UuidEntry;

struct _TciaIdcResolution
{
  GObject            parent_instance;

  GPtrArray         *uids;     /* char *, NULL-terminated */
  GHashTable        *entries;  /* uid -> Entry */
  TciaRecordBuilder *builder;  /* the series share one string pool */

  /* Resolving folders: the UIDs are those the rows name. */
  gboolean           by_uuid;
  GPtrArray         *uuids;    /* char *, NULL-terminated: the folders asked for */
  GHashTable        *uuid_entries; /* uuid -> UuidEntry */
};

G_DEFINE_FINAL_TYPE (TciaIdcResolution, tcia_idc_resolution, G_TYPE_OBJECT)

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_clear_pointer (&entry->location, tcia_idc_location_unref);
  g_clear_object (&entry->series);
  g_free (entry);
}

static void
uuid_entry_free (gpointer data)
{
  UuidEntry *entry = data;

  g_free (entry->series_uid);
  g_free (entry);
}

static void
tcia_idc_resolution_finalize (GObject *object)
{
  TciaIdcResolution *self = TCIA_IDC_RESOLUTION (object);

  g_ptr_array_unref (self->uids);
  g_ptr_array_unref (self->uuids);
  g_hash_table_unref (self->uuid_entries);
  g_hash_table_unref (self->entries);
  g_clear_pointer (&self->builder, tcia_record_builder_free);

  G_OBJECT_CLASS (tcia_idc_resolution_parent_class)->finalize (object);
}

static void
tcia_idc_resolution_class_init (TciaIdcResolutionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tcia_idc_resolution_finalize;
}

static void
tcia_idc_resolution_init (TciaIdcResolution *self)
{
  self->uids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->uids, NULL);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  self->uuids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->uuids, NULL);
  self->uuid_entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, uuid_entry_free);
}

TciaIdcResolution *
tcia_idc_resolution_new (const char * const *series_uids)
{
  TciaIdcResolution *self = g_object_new (TCIA_TYPE_IDC_RESOLUTION, NULL);

  for (gsize i = 0; series_uids != NULL && series_uids[i] != NULL; i++)
    {
      Entry *entry;
      char *uid;

      if (g_hash_table_contains (self->entries, series_uids[i]))
        continue;
      uid = g_strdup (series_uids[i]);
      g_ptr_array_insert (self->uids, self->uids->len - 1, uid);
      entry = g_new0 (Entry, 1);
      entry->status = tcia_idc_uid_is_valid (uid) ? TCIA_IDC_STATUS_NOT_IN_IDC
                                                  : TCIA_IDC_STATUS_INVALID_UID;
      g_hash_table_insert (self->entries, uid, entry);
    }
  return self;
}

TciaIdcResolution *
tcia_idc_resolution_new_for_uuids (const char * const *series_uuids)
{
  TciaIdcResolution *self = g_object_new (TCIA_TYPE_IDC_RESOLUTION, NULL);

  self->by_uuid = TRUE;
  for (gsize i = 0; series_uuids != NULL && series_uuids[i] != NULL; i++)
    {
      char *uuid = g_ascii_strdown (series_uuids[i], -1);
      UuidEntry *entry;

      if (g_hash_table_contains (self->uuid_entries, uuid))
        {
          g_free (uuid);
          continue;
        }
      g_ptr_array_insert (self->uuids, self->uuids->len - 1, uuid);
      entry = g_new0 (UuidEntry, 1);
      entry->status = tcia_idc_series_uuid_is_valid (uuid) ? TCIA_IDC_STATUS_NOT_IN_IDC
                                                           : TCIA_IDC_STATUS_INVALID_UID;
      g_hash_table_insert (self->uuid_entries, uuid, entry);
    }
  return self;
}

/* The UIDs in the order of the folders that named them, not of the rows. */
void
tcia_idc_resolution_sort_by_uuids (TciaIdcResolution *self)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) moved = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_if_fail (self->by_uuid);

  for (guint i = 0; i + 1 < self->uuids->len; i++)
    {
      UuidEntry *entry = g_hash_table_lookup (self->uuid_entries, self->uuids->pdata[i]);
      gpointer key;

      /* The table's keys are the array's strings: they move, not copied. */
      if (entry->series_uid != NULL &&
          g_hash_table_lookup_extended (self->entries, entry->series_uid, &key, NULL) &&
          g_hash_table_add (moved, key))
        g_ptr_array_add (sorted, key);
    }
  g_assert (sorted->len + 1 == self->uids->len);
  g_ptr_array_set_free_func (self->uids, NULL);
  g_ptr_array_unref (self->uids);
  g_ptr_array_add (sorted, NULL);
  self->uids = g_steal_pointer (&sorted);
}

GPtrArray *
tcia_idc_resolution_get_missing (TciaIdcResolution *self)
{
  GPtrArray *missing = g_ptr_array_new ();

  if (self->by_uuid)
    {
      for (guint i = 0; i + 1 < self->uuids->len; i++)
        {
          UuidEntry *entry = g_hash_table_lookup (self->uuid_entries, self->uuids->pdata[i]);

          if (entry->status == TCIA_IDC_STATUS_NOT_IN_IDC)
            g_ptr_array_add (missing, self->uuids->pdata[i]);
        }
      return missing;
    }

  for (guint i = 0; i + 1 < self->uids->len; i++)
    {
      const char *uid = g_ptr_array_index (self->uids, i);
      Entry *entry = g_hash_table_lookup (self->entries, uid);

      if (entry->status == TCIA_IDC_STATUS_NOT_IN_IDC)
        g_ptr_array_add (missing, (gpointer) uid);
    }
  return missing;
}

/* A member of a row as text: strings as they are, numbers formatted; NULL
 * for null, absent, or anything else. */
static char *
member_text (JsonObject *row,
             const char *name)
{
  JsonNode *node = json_object_get_member (row, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
      }
    default:
      return NULL;
    }
}

static guint64
member_uint (JsonObject *row,
             const char *name)
{
  JsonNode *node = json_object_get_member (row, name);
  g_autofree char *text = NULL;
  guint64 value = 0;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return MAX (json_node_get_int (node), 0);
  text = member_text (row, name);
  if (text != NULL && tcia_records_parse_uint64 (text, strlen (text), &value))
    return value;
  return 0;
}

/* series_size_MB is decimal megabytes (bytes / 1e6) as a float. */
static guint64
member_megabytes (JsonObject *row,
                  const char *name)
{
  JsonNode *node = json_object_get_member (row, name);
  double mb;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_DOUBLE:
      mb = json_node_get_double (node);
      break;
    case G_TYPE_INT64:
      mb = (double) json_node_get_int (node);
      break;
    case G_TYPE_STRING:
      mb = g_ascii_strtod (json_node_get_string (node), NULL);
      break;
    default:
      return 0;
    }
  if (!isfinite (mb) || mb <= 0 || mb > 1e12)
    return 0;
  return (guint64) llround (mb * 1e6);
}

/* IDC's short licence names, with the URL NBIA gives (idc-api.md §3). */
static const char *
licence_uri (const char *short_name)
{
  static const struct { const char *name; const char *uri; } known[] = {
    { "CC BY 3.0", "https://creativecommons.org/licenses/by/3.0/" },
    { "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/" },
    { "CC BY-NC 3.0", "https://creativecommons.org/licenses/by-nc/3.0/" },
    { "CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/" },
  };

  for (gsize i = 0; short_name != NULL && i < G_N_ELEMENTS (known); i++)
    if (strcmp (short_name, known[i].name) == 0)
      return known[i].uri;
  return NULL;
}

/* The row's fields under the record's property names; the builder
 * normalises them as it does NBIA's (dates to ISO, "3" series numbers). */
static TciaSeries *
build_series (TciaIdcResolution *self,
              JsonObject        *row,
              guint64            size_bytes)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *collection = member_text (row, "collection_name");
  g_autofree char *licence = member_text (row, "license_short_name");
  g_autofree char *doi = member_text (row, "source_DOI");
  g_autofree char *analysis = member_text (row, "analysis_result_id");
  static const struct { const char *key; const char *column; } same[] = {
    { "series-uid", "SeriesInstanceUID" },
    { "study-uid", "StudyInstanceUID" },
    { "patient-id", "PatientID" },
    { "study-date", "StudyDate" },
    { "study-description", "StudyDescription" },
    { "series-number", "SeriesNumber" },
    { "series-description", "SeriesDescription" },
    { "modality", "Modality" },
    { "manufacturer", "Manufacturer" },
    { "sop-class-uid", "SOPClassUID" },
    { "image-count", "instanceCount" },
  };
  GObject *record;

  for (gsize i = 0; i < G_N_ELEMENTS (same); i++)
    {
      char *value = member_text (row, same[i].column);

      if (value == NULL)
        continue;
      g_ptr_array_add (keys, (gpointer) same[i].key);
      g_ptr_array_add (values, value);
    }

  /* The TCIA name ("RIDER Pilot"), not IDC's id ("rider_pilot"). */
  if (collection == NULL || *collection == '\0')
    {
      g_free (collection);
      collection = member_text (row, "collection_id");
    }
  if (collection != NULL)
    {
      g_ptr_array_add (keys, (gpointer) "collection");
      g_ptr_array_add (values, g_steal_pointer (&collection));
    }
  if (size_bytes > 0)
    {
      g_ptr_array_add (keys, (gpointer) "file-size");
      g_ptr_array_add (values, g_strdup_printf ("%" G_GUINT64_FORMAT, size_bytes));
    }
  if (licence != NULL)
    {
      const char *uri = licence_uri (licence);

      if (uri != NULL)
        {
          g_ptr_array_add (keys, (gpointer) "license-uri");
          g_ptr_array_add (values, g_strdup (uri));
        }
      g_ptr_array_add (keys, (gpointer) "license-name");
      g_ptr_array_add (values, g_steal_pointer (&licence));
    }
  if (doi != NULL && *doi != '\0')
    {
      g_ptr_array_add (keys, (gpointer) "data-description-uri");
      g_ptr_array_add (values, g_str_has_prefix (doi, "http")
                               ? g_steal_pointer (&doi)
                               : g_strconcat ("https://doi.org/", doi, NULL));
    }
  if (json_object_has_member (row, "analysis_result_id"))
    {
      g_ptr_array_add (keys, (gpointer) "third-party-analysis");
      g_ptr_array_add (values, g_strdup (analysis != NULL && *analysis != '\0' ? "YES" : "NO"));
    }

  if (self->builder == NULL)
    self->builder = tcia_record_builder_new (TCIA_TYPE_SERIES, 4096);
  record = tcia_record_builder_add_fields (self->builder,
                                           (const char * const *) keys->pdata,
                                           (const char * const *) values->pdata, keys->len);
  return record != NULL ? TCIA_SERIES (g_object_ref (record)) : NULL;
}

/* A row of a look-up by folder: the folder asked for now knows its UID,
 * and the UID is placed at that folder unless another folder of the same
 * series placed it first (a manifest naming two versions of a series). */
static Entry *
place_uuid (TciaIdcResolution *self,
            const char        *uid,
            const char        *uuid,
            gboolean           prior_version)
{
  g_autofree char *key = g_ascii_strdown (uuid, -1);
  UuidEntry *uuid_entry = g_hash_table_lookup (self->uuid_entries, key);
  Entry *entry;
  char *copy;

  if (uuid_entry == NULL || uuid_entry->status != TCIA_IDC_STATUS_NOT_IN_IDC ||
      !tcia_idc_uid_is_valid (uid))
    return NULL;
  uuid_entry->status = prior_version ? TCIA_IDC_STATUS_PRIOR_VERSION : TCIA_IDC_STATUS_CURRENT;
  uuid_entry->series_uid = g_strdup (uid);
  if (g_hash_table_contains (self->entries, uid))
    return NULL;

  copy = g_strdup (uid);
  g_ptr_array_insert (self->uids, self->uids->len - 1, copy);
  entry = g_new0 (Entry, 1);
  entry->status = TCIA_IDC_STATUS_NOT_IN_IDC;
  g_hash_table_insert (self->entries, copy, entry);
  return entry;
}

gboolean
tcia_idc_resolution_add_row (TciaIdcResolution *self,
                             JsonObject        *row,
                             gboolean           prior_version)
{
  g_autofree char *uid = member_text (row, "SeriesInstanceUID");
  g_autofree char *bucket = member_text (row, "aws_bucket");
  g_autofree char *uuid = member_text (row, "crdc_series_uuid");
  Entry *entry;
  TciaIdcLocation *location;
  guint64 size;

  if (uid == NULL || bucket == NULL || uuid == NULL || *bucket == '\0' || *uuid == '\0')
    return FALSE;
  if (self->by_uuid)
    entry = place_uuid (self, uid, uuid, prior_version);
  else
    entry = g_hash_table_lookup (self->entries, uid);
  /* Not asked for, or already placed: "index" has one row per UID, and
   * the prior versions come newest first. */
  if (entry == NULL || entry->status != TCIA_IDC_STATUS_NOT_IN_IDC)
    return FALSE;

  size = member_megabytes (row, "series_size_MB");
  location = tcia_idc_location_new (uid, bucket, uuid,
                                    prior_version ? 0 : (guint) MIN (member_uint (row, "instanceCount"),
                                                                     G_MAXUINT),
                                    size);
  location->prior_version = prior_version;
  location->idc_version = (guint) MIN (member_uint (row, prior_version ? "max_idc_version"
                                                                       : "series_revised_idc_version"),
                                       G_MAXUINT);
  entry->location = location;
  entry->series = build_series (self, row, size);
  entry->status = prior_version ? TCIA_IDC_STATUS_PRIOR_VERSION : TCIA_IDC_STATUS_CURRENT;
  return TRUE;
}

const char * const *
tcia_idc_resolution_get_uids (TciaIdcResolution *self)
{
  g_return_val_if_fail (TCIA_IS_IDC_RESOLUTION (self), NULL);

  return (const char * const *) self->uids->pdata;
}

TciaIdcStatus
tcia_idc_resolution_get_status (TciaIdcResolution *self,
                                const char        *series_uid)
{
  Entry *entry;

  g_return_val_if_fail (TCIA_IS_IDC_RESOLUTION (self), TCIA_IDC_STATUS_NOT_ASKED);

  entry = series_uid != NULL ? g_hash_table_lookup (self->entries, series_uid) : NULL;
  return entry != NULL ? entry->status : TCIA_IDC_STATUS_NOT_ASKED;
}

TciaIdcLocation *
tcia_idc_resolution_get_location (TciaIdcResolution *self,
                                  const char        *series_uid)
{
  Entry *entry;

  g_return_val_if_fail (TCIA_IS_IDC_RESOLUTION (self), NULL);

  entry = series_uid != NULL ? g_hash_table_lookup (self->entries, series_uid) : NULL;
  return entry != NULL ? entry->location : NULL;
}

TciaSeries *
tcia_idc_resolution_get_series (TciaIdcResolution *self,
                                const char        *series_uid)
{
  Entry *entry;

  g_return_val_if_fail (TCIA_IS_IDC_RESOLUTION (self), NULL);

  entry = series_uid != NULL ? g_hash_table_lookup (self->entries, series_uid) : NULL;
  return entry != NULL ? entry->series : NULL;
}

guint
tcia_idc_resolution_count (TciaIdcResolution *self,
                           TciaIdcStatus      status)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (TCIA_IS_IDC_RESOLUTION (self), 0);

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Entry *) value)->status == status)
      n++;
  return n;
}

const char * const *
tcia_idc_resolution_get_series_uuids (TciaIdcResolution *self)
{
  g_return_val_if_fail (TCIA_IS_IDC_RESOLUTION (self), NULL);

  return (const char * const *) self->uuids->pdata;
}

TciaIdcStatus
tcia_idc_resolution_get_uuid_status (TciaIdcResolution *self,
                                     const char        *series_uuid)
{
  g_autofree char *key = NULL;
  UuidEntry *entry;

  g_return_val_if_fail (TCIA_IS_IDC_RESOLUTION (self), TCIA_IDC_STATUS_NOT_ASKED);

  if (series_uuid == NULL)
    return TCIA_IDC_STATUS_NOT_ASKED;
  key = g_ascii_strdown (series_uuid, -1);
  entry = g_hash_table_lookup (self->uuid_entries, key);
  return entry != NULL ? entry->status : TCIA_IDC_STATUS_NOT_ASKED;
}

const char *
tcia_idc_resolution_get_uuid_series_uid (TciaIdcResolution *self,
                                         const char        *series_uuid)
{
  g_autofree char *key = NULL;
  UuidEntry *entry;

  g_return_val_if_fail (TCIA_IS_IDC_RESOLUTION (self), NULL);

  if (series_uuid == NULL)
    return NULL;
  key = g_ascii_strdown (series_uuid, -1);
  entry = g_hash_table_lookup (self->uuid_entries, key);
  return entry != NULL ? entry->series_uid : NULL;
}

guint
tcia_idc_resolution_count_uuids (TciaIdcResolution *self,
                                 TciaIdcStatus      status)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (TCIA_IS_IDC_RESOLUTION (self), 0);

  g_hash_table_iter_init (&iter, self->uuid_entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((UuidEntry *) value)->status == status)
      n++;
  return n;
}
