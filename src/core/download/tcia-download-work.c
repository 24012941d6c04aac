/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-download-work"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "tcia-dest.h"
#include "tcia-http.h"
#include "tcia-download-private.h"
#include "tcia-download-work.h"
#include "tcia-text.h"

#define MD5_CSV_NAME   "md5hashes.csv"
#define LICENSE_NAME   "LICENSE"

void
tcia_download_work_free (TciaDownloadWork *w)
{
  g_clear_object (&w->job);
  g_clear_object (&w->cancellable);
  if (w->root_fd >= 0)
    close (w->root_fd);
  g_free (w->dest_path);
  g_free (w->url);
  g_free (w->rel);
  g_free (w->license_text);
  g_free (w->sop_class_uid);
  g_clear_error (&w->error);
  g_free (w);
}

static void
progress_cb (guint64  bytes,
             gpointer user_data)
{
  TciaDownloadWork *w = user_data;

  tcia_download_job_store_progress (w->job, bytes, w->attempt);
}

/* One request and its archive into @part_fd. @congested when the server pushed back. */
static gboolean
fetch_once (TciaDownloadWork   *w,
            SoupSession        *session,
            int                 part_fd,
            TciaExtractResult  *result,
            char              **retry_after,
            gboolean           *congested,
            GError            **error)
{
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, w->url);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *host = NULL;
  TciaHttpFailure failure = { 0, };
  gboolean ok;

  if (msg == NULL)
    {
      g_autofree char *shown = tcia_text_sanitize (w->url, TCIA_TEXT_MESSAGE_MAX);

      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_REFUSED,
                   _("The download address “%s” is not valid."), shown);
      return FALSE;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "*/*");

  host = g_strdup (g_uri_get_host (soup_message_get_uri (msg)));
  stream = tcia_http_send (session, msg, "getImage", host, w->cancellable, &failure, &local);
  if (stream == NULL)
    {
      *congested = failure.congested;
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local));
      else if (failure.status == 0)
        g_set_error_literal (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NETWORK,
                             local->message);
      else if (tcia_http_error_is_transient (local))
        {
          *retry_after = g_steal_pointer (&failure.retry_after);
          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_SERVER,
                       failure.status == TCIA_HTTP_STATUS_TOO_MANY_REQUESTS
                       ? _("The server asked to slow down (HTTP %u).")
                       : _("The server failed (HTTP %u)."),
                       failure.status);
        }
      else
        {
          g_autofree char *reason = tcia_text_sanitize (soup_message_get_reason_phrase (msg),
                                                        TCIA_TEXT_MESSAGE_MAX);

          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_REFUSED,
                       _("The server refused the series (HTTP %u): %s"), failure.status,
                       failure.text[0] != '\0' ? failure.text : reason);
        }
      tcia_http_failure_clear (&failure);
      return FALSE;
    }

  if (tcia_http_is_web_page (msg))
    {
      g_autofree char *text = tcia_http_read_error_text (stream, w->cancellable);

      g_input_stream_close (stream, NULL, NULL);
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NOT_ARCHIVE,
                   _("The server sent a web page instead of the series’ archive (“%s”). It "
                     "may be down for maintenance: try again later."),
                   text);
      return FALSE;
    }

  ok = tcia_extract_zip (stream, part_fd, w->expected_images, w->extract_flags, &w->limits,
                         progress_cb, w, result, w->cancellable, error);
  g_input_stream_close (stream, NULL, NULL);
  if (!ok && error != NULL && *error != NULL &&
      g_error_matches (*error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NETWORK))
    *congested = TRUE;
  return ok;
}

static char *
shown_path (const char *dest_path,
            const char *rel)
{
  g_autofree char *path = g_build_filename (dest_path, rel, NULL);

  return tcia_text_sanitize (path, 0);
}

typedef enum
{
  WRITE_MOVE,
  WRITE_LICENSE,
  WRITE_LICENSE_IN_THE_WAY,
  WRITE_OPEN,
  WRITE_CREATE,
} WriteStep;

/* Says which step failed where; FALSE, for the caller to return. */
static gboolean
set_write_error (GError     **error,
                 int          errsv,
                 WriteStep    step,
                 const char  *dest_path,
                 const char  *rel)
{
  g_autofree char *shown = shown_path (dest_path, rel);
  const char *why = g_strerror (errsv);

  switch (step)
    {
    case WRITE_MOVE:
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                   _("Could not move the series into “%s”: %s."), shown, why);
      break;
    case WRITE_LICENSE:
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                   _("Could not write the collection’s licence “%s”: %s."), shown, why);
      break;
    case WRITE_LICENSE_IN_THE_WAY:
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_IN_THE_WAY,
                   _("Could not write the collection’s licence “%s”: something else is in its "
                     "place. Move it away and try again."),
                   shown);
      break;
    case WRITE_OPEN:
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                   _("Could not open the folder “%s”: %s."), shown, why);
      break;
    case WRITE_CREATE:
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_WRITE,
                   _("Could not create the folder “%s”: %s."), shown, why);
      break;
    }
  return FALSE;
}

/* Removes from the old folder of a damaged series the files the program
 * wrote there (by the old list, else the old md5hashes.csv, and the names
 * of the new download), then the folder when nothing else is left in it. */
static void
remove_written (int         folder_fd,
                GPtrArray  *old_files,
                GPtrArray  *new_files)
{
  GPtrArray *lists[] = { old_files, new_files };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++)
      {
        TciaDestFile *file = g_ptr_array_index (lists[l], i);

        if (strchr (file->name, '/') == NULL)
          unlinkat (folder_fd, file->name, 0);
      }
  unlinkat (folder_fd, MD5_CSV_NAME, 0);
}

/* Puts the checked files of @part into @leaf: a rename of the whole folder,
 * or, when @leaf is still there (it holds files the program did not write,
 * which stay), a rename of each file into it. */
static gboolean
install (TciaDownloadWork  *w,
         int                parent_fd,
         const char        *part,
         const char        *leaf,
         GPtrArray         *files,
         GError           **error)
{
  int part_fd;
  int leaf_fd;

  if (renameat (parent_fd, part, parent_fd, leaf) == 0)
    return TRUE;
  if (errno != ENOTEMPTY && errno != EEXIST)
    return set_write_error (error, errno, WRITE_MOVE, w->dest_path, w->rel);

  part_fd = openat (parent_fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  leaf_fd = openat (parent_fd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  for (guint i = 0; part_fd >= 0 && leaf_fd >= 0 && i < files->len; i++)
    {
      TciaDestFile *file = g_ptr_array_index (files, i);
      g_autofree char *folder = g_path_get_dirname (file->name);
      int to_fd = strcmp (folder, ".") == 0
                  ? fcntl (leaf_fd, F_DUPFD_CLOEXEC, 3)
                  : tcia_dest_open_dir (leaf_fd, folder, TRUE, w->dest_path, error);
      int from_fd = strcmp (folder, ".") == 0
                    ? fcntl (part_fd, F_DUPFD_CLOEXEC, 3)
                    : tcia_dest_open_dir (part_fd, folder, FALSE, w->dest_path, NULL);
      g_autofree char *base = g_path_get_basename (file->name);
      int errsv = 0;

      if (to_fd < 0 || from_fd < 0 || renameat (from_fd, base, to_fd, base) < 0)
        errsv = errno != 0 ? errno : EIO;
      if (to_fd >= 0)
        close (to_fd);
      if (from_fd >= 0)
        close (from_fd);
      if (errsv != 0)
        {
          close (part_fd);
          close (leaf_fd);
          if (error != NULL && *error != NULL)
            return FALSE;
          return set_write_error (error, errsv, WRITE_MOVE, w->dest_path, w->rel);
        }
    }
  if (part_fd >= 0)
    close (part_fd);
  if (leaf_fd >= 0)
    close (leaf_fd);
  return tcia_dest_remove_tree (parent_fd, part, error);
}

/* The collection's LICENSE, once, beside its patients' folders. */
static gboolean
write_license (TciaDownloadWork  *w,
               GError           **error)
{
  const char *slash = strchr (w->rel, '/');
  g_autofree char *collection = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *rel = NULL;
  struct stat st;
  gsize len;
  int dir_fd;
  int fd;

  if (w->license_text == NULL || slash == NULL)
    return TRUE;
  collection = g_strndup (w->rel, slash - w->rel);
  rel = g_build_filename (collection, LICENSE_NAME, NULL);
  dir_fd = tcia_dest_open_dir (w->root_fd, collection, FALSE, w->dest_path, error);
  if (dir_fd < 0)
    return FALSE;
  if (fstatat (dir_fd, LICENSE_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      close (dir_fd);
      if (S_ISREG (st.st_mode))
        return TRUE;
      return set_write_error (error, EEXIST, WRITE_LICENSE_IN_THE_WAY, w->dest_path, rel);
    }

  tmp = g_strdup_printf (".%s.%s.tmp", LICENSE_NAME, tcia_download_job_get_series_uid (w->job));
  fd = openat (dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  len = strlen (w->license_text);
  if (fd < 0 || write (fd, w->license_text, len) != (ssize_t) len || fsync (fd) < 0 ||
      close (fd) < 0 || renameat (dir_fd, tmp, dir_fd, LICENSE_NAME) < 0)
    {
      int errsv = errno != 0 ? errno : ENOSPC;

      unlinkat (dir_fd, tmp, 0);
      close (dir_fd);
      return set_write_error (error, errsv, WRITE_LICENSE, w->dest_path, rel);
    }
  close (dir_fd);
  return TRUE;
}

/* Waits before the next try, within the series' deadline. */
static gboolean
wait_to_retry (TciaDownloadWork  *w,
               guint              attempt,
               const char        *retry_after,
               GRand             *rand,
               GError           **error)
{
  guint delay = tcia_retry_next_delay_ms (&w->policy, attempt, retry_after, rand);
  gint64 now = g_get_monotonic_time ();

  if (w->limits.deadline_us > 0 && now + (gint64) delay * 1000 > w->limits.deadline_us)
    {
      g_autofree char *why = g_strdup ((*error)->message);

      g_clear_error (error);
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_TIMEOUT,
                   _("%s Waiting %u s more would pass the series’ time limit: try again "
                     "later."),
                   why, (delay + 999) / 1000);
      return FALSE;
    }

  tcia_download_job_store_waiting (w->job, delay);
  if (!tcia_retry_sleep (delay, w->cancellable, NULL))
    {
      tcia_download_job_store_waiting (w->job, 0);
      g_clear_error (error);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
      return FALSE;
    }
  tcia_download_job_store_waiting (w->job, 0);
  return TRUE;
}

/* What is already at the series' place. TRUE when the series is complete
 * there (skipped) or was written by the program and is whole (adopted). */
static gboolean
look_at_place (TciaDownloadWork  *w,
               int                parent_fd,
               const char        *leaf,
               GPtrArray         *old_files,
               gboolean          *replace,
               GError           **error)
{
  g_autoptr(GError) damage = NULL;
  gboolean ours;
  int leaf_fd;

  *replace = FALSE;
  if (!tcia_dest_exists (parent_fd, leaf))
    return FALSE;

  leaf_fd = openat (parent_fd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (leaf_fd < 0)
    {
      g_autofree char *path = g_build_filename (w->dest_path, w->rel, NULL);
      g_autofree char *shown = tcia_text_sanitize (path, 0);

      w->in_the_way = TRUE;
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_IN_THE_WAY,
                   _("“%s” is in the way of the series: it is a link or a file. Move it away "
                     "or choose another folder."),
                   shown);
      return FALSE;
    }

  /* A folder with a row is the program's; one without is the program's
   * only when the list it writes before the move matches it to the byte
   * (a stop between the move and the row). */
  ours = w->has_row || old_files != NULL;
  if (ours && tcia_extract_check_dir (leaf_fd, old_files, w->expected_images,
                                      w->verify_existing || !w->has_row, w->cancellable,
                                      &damage))
    {
      close (leaf_fd);
      if (w->has_row)
        w->skipped = TRUE;
      return TRUE;
    }
  close (leaf_fd);
  if (g_cancellable_set_error_if_cancelled (w->cancellable, error))
    return FALSE;

  if (w->has_row)
    {
      g_debug ("%s is damaged, fetching it again: %s", w->rel, damage->message);
      *replace = TRUE;
      return FALSE;
    }

  {
    g_autofree char *path = g_build_filename (w->dest_path, w->rel, NULL);
    g_autofree char *shown = tcia_text_sanitize (path, 0);

    w->in_the_way = TRUE;
    g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_IN_THE_WAY,
                 _("A folder “%s” is already there, and TCIA Basket did not write it (it has "
                   "no row in metadata.csv). It was left as it is: move it away, or choose "
                   "another folder."),
                 shown);
  }
  return FALSE;
}

gboolean
tcia_download_work_run (TciaDownloadWork *w,
                        SoupSession      *session)
{
  g_autoptr(GRand) rand = g_rand_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) old_files = NULL;
  g_autofree char *parent_rel = g_path_get_dirname (w->rel);
  g_autofree char *leaf = g_path_get_basename (w->rel);
  g_autofree char *part = g_strconcat (leaf, ".part", NULL);
  const char *uid = tcia_download_job_get_series_uid (w->job);
  gboolean replace = FALSE;
  int parent_fd = -1;
  guint attempt;

  if (w->deadline_s > 0)
    w->limits.deadline_us = g_get_monotonic_time () + (gint64) w->deadline_s * G_USEC_PER_SEC;

  parent_fd = strcmp (parent_rel, ".") == 0
              ? fcntl (w->root_fd, F_DUPFD_CLOEXEC, 3)
              : tcia_dest_open_dir (w->root_fd, parent_rel, TRUE, w->dest_path, &error);
  if (parent_fd < 0)
    {
      if (error == NULL)
        set_write_error (&error, errno, WRITE_OPEN, w->dest_path, "");
      goto failed;
    }

  old_files = tcia_dest_read_file_list (w->root_fd, uid);
  if (look_at_place (w, parent_fd, leaf, old_files, &replace, &error))
    {
      w->n_images = w->expected_images;
      for (guint i = 0; old_files != NULL && i < old_files->len; i++)
        {
          TciaDestFile *file = g_ptr_array_index (old_files, i);

          if (i == 0)
            w->n_images = 0;
          if (strcmp (file->name, MD5_CSV_NAME) != 0)
            {
              w->n_images++;
              w->bytes += file->size;
            }
        }
      if (!w->skipped && !write_license (w, &error))
        goto failed;
      close (parent_fd);
      return TRUE;
    }
  if (error != NULL)
    goto failed;

  for (attempt = 1; ; attempt++)
    {
      g_autofree char *retry_after = NULL;
      TciaExtractResult result = { 0 };
      gboolean congested = FALSE;
      int part_fd;

      g_clear_error (&error);
      w->attempt = attempt;
      tcia_download_job_store_progress (w->job, 0, attempt);

      /* A ".part" folder is the program's own, left by a stop. */
      if (!tcia_dest_remove_tree (parent_fd, part, &error))
        goto failed;
      if (mkdirat (parent_fd, part, 0755) < 0 ||
          (part_fd = openat (parent_fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                             O_CLOEXEC)) < 0)
        {
          g_autofree char *rel = g_strconcat (w->rel, ".part", NULL);

          set_write_error (&error, errno, WRITE_CREATE, w->dest_path, rel);
          goto failed;
        }

      if (fetch_once (w, session, part_fd, &result, &retry_after, &congested, &error))
        {
          gboolean installed;

          close (part_fd);
          if (!tcia_dest_uid_is_safe (uid) ||
              !tcia_dest_write_file_list (w->root_fd, uid, result.files, &error))
            {
              if (error == NULL)
                g_set_error (&error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_UNKNOWN_SERIES,
                             _("The series’ UID is not a DICOM UID."));
              tcia_extract_result_clear (&result);
              goto failed;
            }
          if (replace)
            {
              int leaf_fd = openat (parent_fd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                    O_CLOEXEC);

              if (leaf_fd >= 0)
                {
                  remove_written (leaf_fd, old_files, result.files);
                  close (leaf_fd);
                  unlinkat (parent_fd, leaf, AT_REMOVEDIR);
                }
            }
          installed = install (w, parent_fd, part, leaf, result.files, &error);
          w->n_images = result.n_images;
          w->bytes = result.bytes_written;
          tcia_extract_result_clear (&result);
          if (!installed || !write_license (w, &error))
            goto failed;
          close (parent_fd);
          return TRUE;
        }
      close (part_fd);
      tcia_extract_result_clear (&result);

      tcia_dest_remove_tree (parent_fd, part, NULL);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          !tcia_download_error_is_transient (error) ||
          attempt >= w->policy.max_attempts)
        break;

      g_debug ("%s, attempt %u: %s", uid, attempt, error->message);
      if (congested && w->congested != NULL)
        w->congested (w->congested_data);
      if (!wait_to_retry (w, attempt, retry_after, rand, &error))
        break;
    }

  if (attempt > 1 && tcia_download_error_is_transient (error))
    g_prefix_error (&error, _("Gave up after %u tries. "), attempt);

failed:
  if (parent_fd >= 0)
    {
      tcia_dest_remove_tree (parent_fd, part, NULL);
      close (parent_fd);
    }
  w->error = g_steal_pointer (&error);
  return FALSE;
}
