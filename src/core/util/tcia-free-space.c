/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-free-space"

#include "config.h"

#include "tcia-free-space.h"

static void query_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data);

static void
query (GTask *task,
       GFile *folder)
{
  g_file_query_filesystem_info_async (folder, G_FILE_ATTRIBUTE_FILESYSTEM_FREE,
                                      G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                      query_cb, task);
}

static void
query_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  GFile *file = G_FILE (source);

  info = g_file_query_filesystem_info_finish (file, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_autoptr(GFile) parent = g_file_get_parent (file);

      if (parent != NULL)
        {
          query (g_steal_pointer (&task), parent);
          return;
        }
    }

  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE))
    g_task_return_int (task, (gssize) MIN (g_file_info_get_attribute_uint64 (info,
                                                     G_FILE_ATTRIBUTE_FILESYSTEM_FREE),
                                           (guint64) G_MAXSSIZE));
  else
    g_task_return_int (task, -1);
}

void
tcia_free_space_query_async (GFile               *folder,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (G_IS_FILE (folder));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (folder, cancellable, callback, user_data);
  g_task_set_source_tag (task, tcia_free_space_query_async);
  query (task, folder);
}

guint64
tcia_free_space_query_finish (GAsyncResult  *result,
                              GError       **error)
{
  gssize free_bytes;

  g_return_val_if_fail (G_IS_TASK (result), G_MAXUINT64);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tcia_free_space_query_async,
                        G_MAXUINT64);

  free_bytes = g_task_propagate_int (G_TASK (result), error);
  return free_bytes < 0 ? G_MAXUINT64 : (guint64) free_bytes;
}
