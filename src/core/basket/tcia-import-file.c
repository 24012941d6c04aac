/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include "tcia-import.h"
#include "tcia-import-private.h"

/* A parsed import file: what the readers fill in, and what callers read. */

G_DEFINE_BOXED_TYPE (TciaImportFile, tcia_import_file,
                     tcia_import_file_ref, tcia_import_file_unref)

/* ---- The result --------------------------------------------------------------- */

TciaImportFile *
tcia_import_file_new (const char *display_name)
{
  TciaImportFile *self = g_new0 (TciaImportFile, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->display_name = g_strdup (display_name);
  self->strings = g_string_chunk_new (4096);
  self->uids = g_ptr_array_new ();
  self->header = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  self->hints = g_list_store_new (TCIA_TYPE_SERIES);
  self->idc_uuids = g_ptr_array_new ();
  self->idc_buckets = g_ptr_array_new ();

  return self;
}

TciaImportFile *
tcia_import_file_ref (TciaImportFile *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
tcia_import_file_unref (TciaImportFile *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->display_name);
  g_string_chunk_free (self->strings);
  g_ptr_array_unref (self->uids);
  g_hash_table_unref (self->header);
  g_free (self->uid_column);
  g_ptr_array_unref (self->warnings);
  g_object_unref (self->hints);
  g_ptr_array_unref (self->idc_uuids);
  g_ptr_array_unref (self->idc_buckets);
  g_free (self);
}

/* ---- Accessors ------------------------------------------------------------------- */

const char *
tcia_import_file_get_display_name (TciaImportFile *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->display_name;
}

TciaImportFormat
tcia_import_file_get_format (TciaImportFile *self)
{
  g_return_val_if_fail (self != NULL, TCIA_IMPORT_FORMAT_AUTO);

  return self->format;
}

const char * const *
tcia_import_file_get_uids (TciaImportFile *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->uids->pdata;
}

guint
tcia_import_file_get_n_uids (TciaImportFile *self)
{
  g_return_val_if_fail (self != NULL, 0);

  /* Without the terminating NULL. */
  return self->uids->len - 1;
}

guint
tcia_import_file_get_n_duplicates (TciaImportFile *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_duplicates;
}

const char *
tcia_import_file_get_header (TciaImportFile *self,
                             const char     *key)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return g_hash_table_lookup (self->header, key);
}

const char *
tcia_import_file_get_uid_column (TciaImportFile *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->uid_column;
}

guint
tcia_import_file_get_n_skipped_lines (TciaImportFile *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_skipped;
}

const char * const *
tcia_import_file_get_warnings (TciaImportFile *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->warnings->pdata;
}

GListModel *
tcia_import_file_get_hints (TciaImportFile *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return G_LIST_MODEL (self->hints);
}

const char * const *
tcia_import_file_get_idc_series_uuids (TciaImportFile *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->idc_uuids->pdata;
}

const char * const *
tcia_import_file_get_idc_buckets (TciaImportFile *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->idc_buckets->pdata;
}

guint
tcia_import_file_get_n_idc_series (TciaImportFile *self)
{
  g_return_val_if_fail (self != NULL, 0);

  /* Without the terminating NULL. */
  return self->idc_uuids->len - 1;
}
