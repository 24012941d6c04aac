/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the tests of the download queue share, with and without a display:
 * its jobs by position and state, and what a download leaves on disk. */

#include <gio/gio.h>

#include "tcia-download-queue.h"

/* Job @i of @queue (the queue keeps it). */
static inline TciaDownloadJob *
job_at (TciaDownloadQueue *queue,
        guint              i)
{
  g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);

  return job;
}

static inline guint
count_state (TciaDownloadQueue    *queue,
             TciaDownloadJobState  state)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
    if (tcia_download_job_get_state (job_at (queue, i)) == state)
      n++;
  return n;
}

/* Whether a .part folder is left anywhere under @path. */
static inline gboolean
has_part_folder (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_str_has_suffix (name, ".part") ||
          (g_file_test (child, G_FILE_TEST_IS_DIR) && has_part_folder (child)))
        return TRUE;
    }
  return FALSE;
}
