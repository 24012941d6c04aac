/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "tcia-citations-file.h"
#include "tcia-dest.h"
#include "tcia-series-writer.h"
#include "tcia-text.h"

#define TRACKER_KEY  "tcia-citations-tracker"
/* The most of an existing citation file read: more is not ours. */
#define CITATION_MAX (4 * 1024 * 1024)

typedef char *(*MergeFunc) (TciaCitations *self,
                            const char    *existing);

static gboolean
write_one (TciaCitations  *self,
           int             dest_fd,
           const char     *display_path,
           const char     *name,
           MergeFunc       merge,
           GError        **error)
{
  g_autofree char *shown = NULL;
  g_autofree char *existing = NULL;
  g_autofree char *text = NULL;
  struct stat st;
  int errsv = 0;

  if (fstatat (dest_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      if (!S_ISREG (st.st_mode) || (guint64) st.st_size > CITATION_MAX)
        {
          shown = tcia_text_sanitize (display_path, 0);
          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_IN_THE_WAY,
                       _("Could not write the citations “%s” in “%s”: something else is in "
                         "its place. Move it away and download again."),
                       name, shown);
          return FALSE;
        }
      existing = tcia_dest_read_small_file (dest_fd, name, CITATION_MAX);
      if (existing == NULL || !g_utf8_validate (existing, -1, NULL))
        {
          /* Not text we can add to without spoiling it. */
          shown = tcia_text_sanitize (display_path, 0);
          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_IN_THE_WAY,
                       _("Could not add to the citations “%s” in “%s”: it could not be read "
                         "as text."),
                       name, shown);
          return FALSE;
        }
    }

  text = merge (self, existing);
  if (existing != NULL && g_str_equal (existing, text))
    return TRUE;
  if (!tcia_dest_replace_file (dest_fd, name, text, strlen (text), &errsv))
    {
      shown = tcia_text_sanitize (display_path, 0);
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                   _("Could not write the citations “%s” in “%s”: %s."),
                   name, shown, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

gboolean
tcia_citations_write_at (TciaCitations  *self,
                         int             dest_fd,
                         const char     *display_path,
                         GError        **error)
{
  g_autoptr(GError) bib_error = NULL;
  gboolean ok;

  g_return_val_if_fail (TCIA_IS_CITATIONS (self), FALSE);
  g_return_val_if_fail (dest_fd >= 0, FALSE);

  /* One file in the way does not keep the other from being written. */
  write_one (self, dest_fd, display_path, TCIA_CITATION_BIB_NAME,
             tcia_citations_merge_bibtex, &bib_error);
  ok = write_one (self, dest_fd, display_path, TCIA_CITATION_TXT_NAME,
                  tcia_citations_merge_text, error);
  if (bib_error != NULL)
    {
      g_clear_error (error);
      g_propagate_error (error, g_steal_pointer (&bib_error));
      return FALSE;
    }
  return ok;
}

/* ---- Following a queue ------------------------------------------------- */

typedef struct
{
  TciaCitations *citations;
  char          *dest_path;
} Tracker;

static void
tracker_free (gpointer data)
{
  Tracker *tracker = data;

  g_object_unref (tracker->citations);
  g_free (tracker->dest_path);
  g_free (tracker);
}

static void
write_tracked (Tracker *tracker)
{
  g_autoptr(GError) error = NULL;
  int fd = tcia_dest_open_root (tracker->dest_path, &error);

  if (fd >= 0)
    {
      tcia_citations_write_at (tracker->citations, fd, tracker->dest_path, &error);
      close (fd);
    }
  if (error != NULL)
    g_message ("%s", error->message);
}

static void
job_finished_cb (TciaDownloadQueue *queue,
                 TciaDownloadJob   *job,
                 gpointer           user_data)
{
  Tracker *tracker = user_data;
  TciaDownloadJobState state = tcia_download_job_get_state (job);
  gboolean added;

  if (state != TCIA_DOWNLOAD_JOB_DONE && state != TCIA_DOWNLOAD_JOB_SKIPPED)
    return;

  added = tcia_citations_add_series (tracker->citations, tcia_download_job_get_series (job));
  if (g_strcmp0 (tcia_download_job_get_source (job), "IDC") == 0)
    added |= tcia_citations_add_idc (tracker->citations);
  /* Written as soon as a data set is new, not at the end: a download
   * interrupted keeps the citations of what it brought. */
  if (added)
    write_tracked (tracker);
}

void
tcia_citations_track_queue (TciaDownloadQueue *queue)
{
  GFile *destination;
  Tracker *tracker;

  g_return_if_fail (TCIA_IS_DOWNLOAD_QUEUE (queue));

  destination = tcia_download_queue_get_destination (queue);
  if (g_object_get_data (G_OBJECT (queue), TRACKER_KEY) != NULL ||
      g_file_peek_path (destination) == NULL)
    return;

  tracker = g_new0 (Tracker, 1);
  tracker->citations = tcia_citations_new ();
  tracker->dest_path = g_file_get_path (destination);
  g_object_set_data_full (G_OBJECT (queue), TRACKER_KEY, tracker, tracker_free);
  g_signal_connect (queue, "job-finished", G_CALLBACK (job_finished_cb), tracker);
}

TciaCitations *
tcia_citations_for_queue (TciaDownloadQueue *queue)
{
  Tracker *tracker;

  g_return_val_if_fail (TCIA_IS_DOWNLOAD_QUEUE (queue), NULL);

  tracker = g_object_get_data (G_OBJECT (queue), TRACKER_KEY);
  return tracker != NULL ? tracker->citations : NULL;
}
