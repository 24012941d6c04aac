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
#include "tcia-download-private.h"
#include "tcia-download-work.h"
#include "tcia-http.h"
#include "tcia-series-writer.h"
#include "tcia-text.h"

#define MD5_CSV_NAME   "md5hashes.csv"
#define LICENSE_NAME   "LICENSE"

/* A series' overall time limit, unless the queue sets one: half an hour,
 * and a second more for every 64 KiB the source says it holds. */
#define DEADLINE_BASE_S      (30 * 60)
#define DEADLINE_BYTES_PER_S (64 * 1024)

void
tcia_download_work_free (TciaDownloadWork *w)
{
  g_clear_object (&w->job);
  g_clear_object (&w->cancellable);
  if (w->root_fd >= 0)
    close (w->root_fd);
  g_free (w->dest_path);
  g_clear_object (&w->sources);
  g_clear_object (&w->series);
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

static char *
shown_path (const char *dest_path,
            const char *rel)
{
  g_autofree char *path = g_build_filename (dest_path, rel, NULL);

  return tcia_text_sanitize (path, 0);
}

typedef enum
{
  WRITE_LICENSE,
  WRITE_LICENSE_IN_THE_WAY,
  WRITE_OPEN,
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
    }
  return FALSE;
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

/* One try of the series: the fetcher into a fresh ".part" folder. */
typedef struct
{
  TciaDownloadWork *w;
  TciaSeriesWriter *writer;
  SoupSession      *session;
  gboolean          waiting;   /* between a failed attempt and the next */
} Attempt;

static TciaHttpBodyOutcome
attempt_cb (guint             attempt,
            TciaHttpFailure  *failure,
            GCancellable     *cancellable,
            gpointer          user_data,
            GError          **error)
{
  Attempt *a = user_data;
  TciaDownloadWork *w = a->w;

  a->waiting = FALSE;
  w->attempt = attempt;
  tcia_download_job_store_waiting (w->job, 0);
  tcia_download_job_store_progress (w->job, 0, attempt);

  if (!tcia_series_writer_begin (a->writer, error))
    return TCIA_HTTP_BODY_FATAL;
  if (tcia_fetcher_fetch (w->fetcher, w->series, a->writer, a->session, failure, cancellable,
                          error))
    return TCIA_HTTP_BODY_OK;

  tcia_series_writer_abort (a->writer);
  if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      !tcia_download_error_is_transient (*error))
    return TCIA_HTTP_BODY_FATAL;
  return TCIA_HTTP_BODY_RETRY;
}

static void
waiting_cb (guint                  attempt,
            guint                  delay_ms,
            const TciaHttpFailure *failure,
            const GError          *last,
            gpointer               user_data)
{
  Attempt *a = user_data;
  TciaDownloadWork *w = a->w;

  g_debug ("%s, attempt %u: %s", tcia_download_job_get_series_uid (w->job), attempt - 1,
           last->message);
  if (failure->congested && w->congested != NULL)
    w->congested (w->congested_data);
  a->waiting = TRUE;
  tcia_download_job_store_waiting (w->job, delay_ms);
}

/* The attempts, under the series' deadline; TRUE when one succeeded. */
static gboolean
fetch_with_retries (TciaDownloadWork  *w,
                    TciaSeriesWriter  *writer,
                    SoupSession       *session,
                    GError           **error)
{
  g_autoptr(GRand) rand = g_rand_new ();
  Attempt a = { w, writer, session, FALSE };
  TciaHttpRetryState state;
  TciaHttpRetryResult result;

  result = tcia_http_retry (&w->policy, tcia_series_writer_get_limits (writer)->deadline_us,
                            rand, attempt_cb, waiting_cb, &a, w->cancellable, &state, error);
  tcia_download_job_store_waiting (w->job, 0);
  tcia_http_retry_state_clear (&state);

  switch (result)
    {
    case TCIA_HTTP_RETRY_DONE:
      return TRUE;

    case TCIA_HTTP_RETRY_NO_TIME:
      {
        g_autofree char *why = g_strdup ((*error)->message);

        g_clear_error (error);
        g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_TIMEOUT,
                     _("%s Waiting %u s more would pass the series’ time limit: try again "
                       "later."),
                     why, (state.delay_ms + 999) / 1000);
      }
      return FALSE;

    case TCIA_HTTP_RETRY_EXHAUSTED:
      if (state.n_attempts > 1)
        g_prefix_error (error, _("Gave up after %u tries. "), state.n_attempts);
      return FALSE;

    case TCIA_HTTP_RETRY_FAILED:
    default:
      if (a.waiting && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (error);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
        }
      return FALSE;
    }
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

/* The limits of one source's try: the size bound from what it declares,
 * and the deadline, from the series' size unless the queue set one. */
static void
limits_for (TciaDownloadWork  *w,
            guint64            declared,
            TciaExtractLimits *limits)
{
  guint deadline_s = w->deadline_s;

  tcia_extract_limits_init (limits, declared);
  limits->min_bytes = w->limits.min_bytes;
  limits->window_ms = w->limits.window_ms;
  if (deadline_s == 0)
    deadline_s = DEADLINE_BASE_S + (guint) MIN (declared / DEADLINE_BYTES_PER_S, G_MAXUINT / 2);
  limits->deadline_us = g_get_monotonic_time () + (gint64) deadline_s * G_USEC_PER_SEC;
}

/* Each source the policy offers, in turn, until one writes the series
 * whole; a source that fails for good hands over to the next. The writer
 * of the one that succeeded is in @writer_out, committed. */
static gboolean
fetch_from_sources (TciaDownloadWork  *w,
                    int                parent_fd,
                    SoupSession       *session,
                    gboolean           replace,
                    GPtrArray         *old_files,
                    TciaSeriesWriter **writer_out,
                    GError           **error)
{
  const char *uid = tcia_download_job_get_series_uid (w->job);
  g_autofree char *why = NULL;
  g_autoptr(GPtrArray) fetchers = NULL;
  g_autoptr(GError) last = NULL;
  gboolean unreachable = FALSE;

  fetchers = tcia_sources_choose (w->sources, w->series, session, w->cancellable, &why,
                                  &unreachable);
  if (g_cancellable_set_error_if_cancelled (w->cancellable, error))
    return FALSE;
  if (fetchers->len == 0)
    {
      /* A source that could not be asked may answer later (Retry); one
       * that does not have the series will not. */
      g_set_error (error, TCIA_DOWNLOAD_ERROR,
                   unreachable ? TCIA_DOWNLOAD_ERROR_NETWORK : TCIA_DOWNLOAD_ERROR_UNKNOWN_SERIES,
                   /* Translators: %s says why, e.g. "IDC does not have this series". */
                   _("No source can serve this series: %s."),
                   why != NULL ? why : _("no source is set up"));
      return FALSE;
    }

  for (guint i = 0; i < fetchers->len; i++)
    {
      g_autoptr(TciaSeriesWriter) writer = NULL;
      TciaExtractLimits limits;
      guint64 declared = 0;

      w->fetcher = g_ptr_array_index (fetchers, i);
      tcia_download_job_store_source (w->job, tcia_fetcher_get_name (w->fetcher), why);
      tcia_fetcher_can_fetch (w->fetcher, w->series, &declared);
      limits_for (w, declared, &limits);
      writer = tcia_series_writer_new (w->root_fd, parent_fd, w->dest_path, w->rel, uid,
                                       tcia_fetcher_get_image_count (w->fetcher, w->series),
                                       w->extract_flags, &limits);
      tcia_series_writer_set_progress (writer, progress_cb, w);
      g_clear_error (&last);
      if (fetch_with_retries (w, writer, session, &last))
        {
          if (!tcia_series_writer_commit (writer, replace, old_files, error))
            return FALSE;
          *writer_out = g_steal_pointer (&writer);
          return TRUE;
        }
      if (i + 1 == fetchers->len || !tcia_sources_should_fall_back (last))
        break;

      g_debug ("%s: %s failed, trying %s: %s", uid, tcia_fetcher_get_name (w->fetcher),
               tcia_fetcher_get_name (g_ptr_array_index (fetchers, i + 1)), last->message);
      g_free (why);
      /* Translators: the first %s is a source ("IDC"), the second its error. */
      why = g_strdup_printf (_("%s failed: %s"), tcia_fetcher_get_name (w->fetcher),
                             last->message);
    }
  g_propagate_error (error, g_steal_pointer (&last));
  return FALSE;
}

gboolean
tcia_download_work_run (TciaDownloadWork *w,
                        SoupSession      *session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) old_files = NULL;
  g_autofree char *parent_rel = g_path_get_dirname (w->rel);
  g_autofree char *leaf = g_path_get_basename (w->rel);
  g_autofree char *part = g_strconcat (leaf, ".part", NULL);
  g_autoptr(TciaSeriesWriter) writer = NULL;
  const char *uid = tcia_download_job_get_series_uid (w->job);
  gboolean replace = FALSE;
  int parent_fd = -1;

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

  if (!fetch_from_sources (w, parent_fd, session, replace, old_files, &writer, &error))
    goto failed;
  w->n_images = tcia_series_writer_get_n_images (writer);
  w->bytes = tcia_series_writer_get_bytes (writer);
  if (!write_license (w, &error))
    goto failed;
  close (parent_fd);
  return TRUE;

failed:
  if (parent_fd >= 0)
    {
      tcia_dest_remove_tree (parent_fd, part, NULL);
      close (parent_fd);
    }
  w->error = g_steal_pointer (&error);
  return FALSE;
}
