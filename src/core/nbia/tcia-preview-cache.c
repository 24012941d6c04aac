/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <utime.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tcia-dest.h"
#include "tcia-preview-cache.h"

/* The folder is read and written in GTask worker threads: a preview asked
 * for on every change of selection must not wait on the disk. */

struct _TciaPreviewCache
{
  GObject     parent_instance;

  TciaClient *client;
  char       *dir;
  guint64     max_bytes;   /* read in workers: set it before loading */
};

G_DEFINE_FINAL_TYPE (TciaPreviewCache, tcia_preview_cache, G_TYPE_OBJECT)

static const char * const extensions[] = { "jpg", "png", "gif" };

typedef struct
{
  char     *series_uid;
  char     *dir;
  guint64   max_bytes;
  GBytes   *bytes;       /* what to store */
  gboolean  from_cache;
} Load;

static void
load_free (gpointer data)
{
  Load *load = data;

  g_free (load->series_uid);
  g_free (load->dir);
  g_clear_pointer (&load->bytes, g_bytes_unref);
  g_free (load);
}

const char *
tcia_preview_cache_sniff (const guint8 *data,
                          gsize         len)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (data == NULL)
    return NULL;
  if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return "jpg";
  if (len >= sizeof png && memcmp (data, png, sizeof png) == 0)
    return "png";
  if (len >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return "gif";
  return NULL;
}

static const char *
sniff_bytes (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return tcia_preview_cache_sniff (data, len);
}

static void
remove_stored (const char *dir,
               const char *series_uid)
{
  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    {
      g_autofree char *name = g_strconcat (series_uid, ".", extensions[i], NULL);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_unlink (path) < 0 && errno != ENOENT)
        g_debug ("Could not remove the preview %s: %s", path, g_strerror (errno));
    }
}

/* The stored image, or NULL. One that is not what its name says goes. */
static GBytes *
read_stored (const char *dir,
             const char *series_uid)
{
  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    {
      g_autofree char *name = g_strconcat (series_uid, ".", extensions[i], NULL);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;
      GStatBuf st;

      if (g_lstat (path, &st) < 0)
        continue;
      if (!S_ISREG (st.st_mode) || st.st_size > TCIA_CLIENT_IMAGE_MAX_BYTES ||
          !g_file_get_contents (path, &contents, &len, NULL) ||
          g_strcmp0 (tcia_preview_cache_sniff ((const guint8 *) contents, len),
                     extensions[i]) != 0)
        {
          g_debug ("Dropping the preview %s: not an image", path);
          g_unlink (path);
          continue;
        }
      /* Used now: the last to go when the folder is pruned. */
      g_utime (path, NULL);
      return g_bytes_new_take (g_steal_pointer (&contents), len);
    }
  return NULL;
}

typedef struct
{
  char   *path;
  gint64  mtime;
  goffset size;
} Stored;

static void
stored_free (gpointer data)
{
  Stored *stored = data;

  g_free (stored->path);
  g_free (stored);
}

static int
compare_oldest_first (gconstpointer a,
                      gconstpointer b)
{
  const Stored *x = *(Stored * const *) a;
  const Stored *y = *(Stored * const *) b;

  return (x->mtime > y->mtime) - (x->mtime < y->mtime);
}

/* Removes the least recently used previews until the folder holds at most
 * @max_bytes, never @keep. Only files named as the cache names them count:
 * anything else in the folder is not ours to remove. */
static void
prune (const char *dir,
       const char *keep,
       guint64     max_bytes)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (stored_free);
  guint64 total = 0;
  const char *name;

  if (handle == NULL)
    return;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      const char *dot = strrchr (name, '.');
      g_autofree char *uid = NULL;
      Stored *stored;
      GStatBuf st;

      if (dot == NULL || !g_strv_contains (extensions, dot + 1))
        continue;
      uid = g_strndup (name, dot - name);
      if (!tcia_dest_uid_is_safe (uid))
        continue;
      stored = g_new0 (Stored, 1);
      stored->path = g_build_filename (dir, name, NULL);
      if (g_lstat (stored->path, &st) < 0 || !S_ISREG (st.st_mode))
        {
          stored_free (stored);
          continue;
        }
      stored->mtime = st.st_mtime;
      stored->size = st.st_size;
      total += (guint64) st.st_size;
      g_ptr_array_add (files, stored);
    }

  g_ptr_array_sort (files, compare_oldest_first);
  for (guint i = 0; i < files->len && total > max_bytes; i++)
    {
      Stored *stored = g_ptr_array_index (files, i);

      if (g_strcmp0 (stored->path, keep) == 0)
        continue;
      if (g_unlink (stored->path) == 0)
        total -= (guint64) stored->size;
    }
}

static void
lookup_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Load *load = task_data;
  GBytes *bytes = read_stored (load->dir, load->series_uid);

  g_task_return_pointer (task, bytes, bytes != NULL ? (GDestroyNotify) g_bytes_unref : NULL);
}

/* A failure to store is no failure to show: the preview was fetched. */
static void
store_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Load *load = task_data;
  g_autofree char *name = g_strconcat (load->series_uid, ".", sniff_bytes (load->bytes), NULL);
  g_autofree char *path = g_build_filename (load->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (load->bytes, &len);

  if (g_mkdir_with_parents (load->dir, 0700) < 0)
    g_debug ("Could not make the preview folder %s: %s", load->dir, g_strerror (errno));
  else if (!g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                      &error))
    g_debug ("Could not store the preview: %s", error->message);
  else
    prune (load->dir, path, load->max_bytes);

  g_task_return_pointer (task, g_bytes_ref (load->bytes), (GDestroyNotify) g_bytes_unref);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GBytes *bytes = g_task_propagate_pointer (G_TASK (result), NULL);

  if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
  else
    g_bytes_unref (bytes);
}

static void
thumbnail_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Load *load = g_task_get_task_data (task);
  g_autoptr(GTask) store = NULL;
  GError *error = NULL;

  load->bytes = tcia_client_get_thumbnail_finish (TCIA_CLIENT (object), result, &error);
  if (load->bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (sniff_bytes (load->bytes) == NULL)
    {
      g_task_return_new_error (task, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE,
                               _("The server’s preview of series %s is not an image."),
                               load->series_uid);
      return;
    }

  store = g_task_new (g_task_get_source_object (task), g_task_get_cancellable (task),
                      stored_cb, g_object_ref (task));
  g_task_set_source_tag (store, store_thread);
  g_task_set_task_data (store, load, NULL);
  /* Stored whatever happens: the outer task says whether it was cancelled. */
  g_task_set_check_cancellable (store, FALSE);
  g_task_run_in_thread (store, store_thread);
}

static int
compare_uids (const void *a,
              const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static void
sop_uids_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Load *load = g_task_get_task_data (task);
  g_auto(GStrv) uids = NULL;
  GError *error = NULL;
  guint n;

  uids = tcia_client_list_sop_instance_uids_finish (TCIA_CLIENT (object), result, &error);
  if (uids == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  n = g_strv_length (uids);
  if (n == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("The server lists no images for series %s."),
                               load->series_uid);
      return;
    }

  /* The server's order is not the images' order, but sorted the choice is
   * the same at every asking (and the stored preview stays right). */
  qsort (uids, n, sizeof (char *), compare_uids);
  tcia_client_get_thumbnail_async (TCIA_CLIENT (object), load->series_uid, uids[n / 2],
                                   g_task_get_cancellable (task), thumbnail_cb,
                                   g_object_ref (task));
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TciaPreviewCache *self = g_task_get_source_object (task);
  Load *load = g_task_get_task_data (task);
  GBytes *bytes = g_task_propagate_pointer (G_TASK (result), NULL);

  if (bytes != NULL)
    {
      load->from_cache = TRUE;
      g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->client == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("No server to ask for the preview of series %s."),
                               load->series_uid);
      return;
    }

  tcia_client_list_sop_instance_uids_async (self->client, load->series_uid,
                                            g_task_get_cancellable (task), sop_uids_cb,
                                            g_object_ref (task));
}

static void
tcia_preview_cache_finalize (GObject *object)
{
  TciaPreviewCache *self = TCIA_PREVIEW_CACHE (object);

  g_clear_object (&self->client);
  g_free (self->dir);

  G_OBJECT_CLASS (tcia_preview_cache_parent_class)->finalize (object);
}

static void
tcia_preview_cache_class_init (TciaPreviewCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tcia_preview_cache_finalize;
}

static void
tcia_preview_cache_init (TciaPreviewCache *self)
{
  self->max_bytes = TCIA_PREVIEW_CACHE_DEFAULT_MAX_BYTES;
}

TciaPreviewCache *
tcia_preview_cache_new (TciaClient *client,
                        const char *dir)
{
  TciaPreviewCache *self;

  g_return_val_if_fail (client == NULL || TCIA_IS_CLIENT (client), NULL);

  self = g_object_new (TCIA_TYPE_PREVIEW_CACHE, NULL);
  self->client = client != NULL ? g_object_ref (client) : NULL;
  self->dir = dir != NULL ? g_strdup (dir)
                          : g_build_filename (g_get_user_cache_dir (), "tcia-basket",
                                              "thumbnails", NULL);
  return self;
}

const char *
tcia_preview_cache_get_dir (TciaPreviewCache *self)
{
  g_return_val_if_fail (TCIA_IS_PREVIEW_CACHE (self), NULL);

  return self->dir;
}

void
tcia_preview_cache_set_max_bytes (TciaPreviewCache *self,
                                  guint64           max_bytes)
{
  g_return_if_fail (TCIA_IS_PREVIEW_CACHE (self));

  self->max_bytes = max_bytes;
}

void
tcia_preview_cache_load_async (TciaPreviewCache    *self,
                               const char          *series_uid,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) lookup = NULL;
  Load *load;

  g_return_if_fail (TCIA_IS_PREVIEW_CACHE (self));
  g_return_if_fail (series_uid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tcia_preview_cache_load_async);
  g_task_set_name (task, "[tcia-core] load preview");

  /* The UID names a file: a server's odd value must not name another. */
  if (!tcia_dest_uid_is_safe (series_uid))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a series UID."), series_uid);
      return;
    }

  load = g_new0 (Load, 1);
  load->series_uid = g_strdup (series_uid);
  load->dir = g_strdup (self->dir);
  load->max_bytes = self->max_bytes;
  g_task_set_task_data (task, load, load_free);

  lookup = g_task_new (self, cancellable, lookup_cb, g_object_ref (task));
  g_task_set_source_tag (lookup, lookup_thread);
  g_task_set_task_data (lookup, load, NULL);
  g_task_run_in_thread (lookup, lookup_thread);
}

GBytes *
tcia_preview_cache_load_finish (TciaPreviewCache  *self,
                                GAsyncResult      *result,
                                gboolean          *from_cache,
                                GError           **error)
{
  Load *load;

  g_return_val_if_fail (TCIA_IS_PREVIEW_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        tcia_preview_cache_load_async, NULL);

  load = g_task_get_task_data (G_TASK (result));
  if (from_cache != NULL)
    *from_cache = load != NULL && load->from_cache;

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tcia_preview_cache_discard (TciaPreviewCache *self,
                            const char       *series_uid)
{
  g_return_if_fail (TCIA_IS_PREVIEW_CACHE (self));

  if (series_uid != NULL && tcia_dest_uid_is_safe (series_uid))
    remove_stored (self->dir, series_uid);
}
