/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-download-folders"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tcia-dest.h"
#include "tcia-download-folders.h"
#include "tcia-download-private.h"
#include "tcia-metadata-csv.h"

struct _TciaDownloadFolders
{
  char       *dest_path;
  char       *metadata_path;
  int         root_fd;   /* the destination, while the queue works */
  int         lock_fd;   /* its lock, likewise */
  GHashTable *rows;      /* UID -> File Location of metadata.csv's rows */
  GHashTable *claims;    /* folder -> the UID it is for (rows and jobs) */
};

TciaDownloadFolders *
tcia_download_folders_new (const char *dest_path)
{
  TciaDownloadFolders *self = g_new0 (TciaDownloadFolders, 1);

  self->dest_path = g_strdup (dest_path);
  self->metadata_path = g_build_filename (dest_path, TCIA_METADATA_CSV_NAME, NULL);
  self->root_fd = self->lock_fd = -1;
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->claims = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
tcia_download_folders_free (TciaDownloadFolders *self)
{
  tcia_download_folders_release (self);
  g_hash_table_unref (self->rows);
  g_hash_table_unref (self->claims);
  g_free (self->dest_path);
  g_free (self->metadata_path);
  g_free (self);
}

gboolean
tcia_download_folders_is_ready (TciaDownloadFolders *self)
{
  return self->lock_fd >= 0;
}

int
tcia_download_folders_get_root_fd (TciaDownloadFolders *self)
{
  return self->root_fd;
}

const char *
tcia_download_folders_get_row (TciaDownloadFolders *self,
                               const char          *series_uid)
{
  return g_hash_table_lookup (self->rows, series_uid);
}

gboolean
tcia_download_folders_append_row (TciaDownloadFolders  *self,
                                  const char           *series_uid,
                                  const char           *location,
                                  const char           *row,
                                  GError              **error)
{
  if (!tcia_metadata_csv_append_at (self->root_fd, self->metadata_path, row, error))
    return FALSE;
  g_hash_table_replace (self->rows, g_strdup (series_uid), g_strdup (location));
  return TRUE;
}

/* A folder name of its own for a series whose folder would be another's:
 * the same on every run, so that a resumed download finds it again. */
static char *
tie_broken_path (const char *path,
                 const char *series_uid)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, series_uid, -1);

  return g_strdup_printf ("%s-%.8s", path, digest);
}

static gboolean
is_safe_relative_path (const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (path == NULL || *path == '\0' || path[0] == '/' || strchr (path, '\\') != NULL)
    return FALSE;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] == '\0' || strcmp (parts[i], ".") == 0 || strcmp (parts[i], "..") == 0 ||
        g_str_has_suffix (parts[i], ".part"))
      return FALSE;
  return TRUE;
}

void
tcia_download_folders_assign (TciaDownloadFolders *self,
                              TciaDownloadJob     *job,
                              TciaLayout           layout)
{
  const char *uid = tcia_download_job_get_series_uid (job);
  const char *row = g_hash_table_lookup (self->rows, uid);
  g_autofree char *path = NULL;
  const char *owner;

  if (row != NULL && is_safe_relative_path (row))
    path = g_strdup (row);
  else
    {
      path = tcia_layout_build_path (layout, tcia_download_job_get_series (job));
      owner = g_hash_table_lookup (self->claims, path);
      if (owner != NULL && strcmp (owner, uid) != 0)
        {
          char *other = tie_broken_path (path, uid);

          g_free (path);
          path = other;
        }
    }
  owner = g_hash_table_lookup (self->claims, path);
  if (owner == NULL || strcmp (owner, uid) != 0)
    g_hash_table_replace (self->claims, g_strdup (path), g_strdup (uid));
  tcia_download_job_set_relative_path (job, path);
}

gboolean
tcia_download_folders_take_other (TciaDownloadFolders *self,
                                  TciaDownloadJob     *job,
                                  TciaLayout           layout)
{
  const char *uid = tcia_download_job_get_series_uid (job);
  g_autofree char *base = tcia_layout_build_path (layout, tcia_download_job_get_series (job));
  g_autofree char *other = tie_broken_path (base, uid);
  const char *owner = g_hash_table_lookup (self->claims, other);

  if (strcmp (tcia_download_job_get_relative_path (job), other) == 0 ||
      (owner != NULL && strcmp (owner, uid) != 0))
    return FALSE;
  g_hash_table_replace (self->claims, g_strdup (other), g_strdup (uid));
  tcia_download_job_set_relative_path (job, other);
  return TRUE;
}

static int
compare_jobs_by_uid (gconstpointer a,
                     gconstpointer b)
{
  TciaDownloadJob *ja = *(TciaDownloadJob **) a;
  TciaDownloadJob *jb = *(TciaDownloadJob **) b;

  return g_strcmp0 (tcia_download_job_get_series_uid (ja), tcia_download_job_get_series_uid (jb));
}

void
tcia_download_folders_release (TciaDownloadFolders *self)
{
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  if (self->root_fd >= 0)
    close (self->root_fd);
  self->lock_fd = self->root_fd = -1;
}

gboolean
tcia_download_folders_prepare (TciaDownloadFolders  *self,
                               GPtrArray            *jobs,
                               TciaLayout            layout,
                               GError              **error)
{
  g_autoptr(GPtrArray) queued = g_ptr_array_new ();
  g_autoptr(GHashTable) rows = NULL;
  GHashTableIter iter;
  gpointer uid, location;

  if (self->lock_fd >= 0)
    return TRUE;

  /* The folder the user chose may not be there yet (a first download into
   * Downloads/TCIA): making it is making what was asked for. */
  if (g_mkdir_with_parents (self->dest_path, 0755) < 0 && errno != EEXIST)
    g_debug ("Could not create %s: %s", self->dest_path, g_strerror (errno));
  self->root_fd = tcia_dest_open_root (self->dest_path, error);
  if (self->root_fd < 0)
    return FALSE;
  self->lock_fd = tcia_dest_lock (self->root_fd, self->dest_path, error);
  if (self->lock_fd < 0)
    {
      tcia_download_folders_release (self);
      return FALSE;
    }
  rows = tcia_metadata_csv_read_locations (self->root_fd, self->metadata_path, error);
  if (rows == NULL)
    {
      tcia_download_folders_release (self);
      return FALSE;
    }

  g_clear_pointer (&self->rows, g_hash_table_unref);
  self->rows = g_steal_pointer (&rows);
  g_hash_table_remove_all (self->claims);
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &uid, &location))
    if (*(const char *) location != '\0')
      g_hash_table_replace (self->claims, g_strdup (location), g_strdup (uid));

  for (guint i = 0; i < jobs->len; i++)
    {
      TciaDownloadJob *job = g_ptr_array_index (jobs, i);

      if (tcia_download_job_get_state (job) == TCIA_DOWNLOAD_JOB_QUEUED)
        g_ptr_array_add (queued, job);
      else
        g_hash_table_replace (self->claims, g_strdup (tcia_download_job_get_relative_path (job)),
                              g_strdup (tcia_download_job_get_series_uid (job)));
    }
  g_ptr_array_sort (queued, compare_jobs_by_uid);
  for (guint i = 0; i < queued->len; i++)
    tcia_download_folders_assign (self, g_ptr_array_index (queued, i), layout);
  return TRUE;
}

