/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-cli"

#include "config.h"

#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "tcia-core.h"
#include "tcia-download-queue.h"

#include "tcia-cli-private.h"

/* The live line of a download on a terminal:
 *   12 of 31 series · 4.2 MB of 15.6 MB · 27 % · about 1 minute left
 * rewritten in place. Sizes are the server's (unpacked) sizes of the
 * series; a running series counts by the share of its ZIP received. */

/* What a series' ZIP weighs against its unpacked size: DICOM compresses
 * to roughly a third. Only for the share of a running series. */
#define ZIP_SHARE 0.35

/* No time left is guessed from the first seconds of a run. */
#define MIN_SECONDS_FOR_ESTIMATE 3.0

typedef struct
{
  guint64 done;      /* of the series complete or running */
  guint64 total;
  guint64 skipped;   /* complete before this run: not a measure of speed */
  guint   waiting;   /* series that wait for the server to try again */
  guint   retry_in;  /* the soonest next try, in seconds */
} Measure;

static void
measure_queue (TciaDownloadQueue *queue,
               Measure           *m)
{
  GListModel *jobs = G_LIST_MODEL (queue);
  guint n = g_list_model_get_n_items (jobs);

  *m = (Measure) { 0, 0, 0, 0, G_MAXUINT };
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaDownloadJob) job = g_list_model_get_item (jobs, i);
      guint64 size = tcia_series_get_file_size (tcia_download_job_get_series (job));
      guint retry_in = tcia_download_job_get_retry_in (job);

      switch (tcia_download_job_get_state (job))
        {
        case TCIA_DOWNLOAD_JOB_DONE:
          m->done += size;
          break;
        case TCIA_DOWNLOAD_JOB_SKIPPED:
          m->done += size;
          m->skipped += size;
          break;
        case TCIA_DOWNLOAD_JOB_RUNNING:
          {
            double share = size > 0 ? tcia_download_job_get_bytes_received (job) /
                                      (size * ZIP_SHARE) : 0;

            m->done += (guint64) (MIN (share, 0.99) * size);
          }
          break;
        case TCIA_DOWNLOAD_JOB_CANCELLED:
          continue;
        case TCIA_DOWNLOAD_JOB_QUEUED:
        case TCIA_DOWNLOAD_JOB_FAILED:
        case TCIA_DOWNLOAD_JOB_PAUSED:
        default:
          break;
        }
      m->total += size;
      if (retry_in > 0)
        {
          m->waiting++;
          m->retry_in = MIN (m->retry_in, retry_in);
        }
    }
}

char *
tcia_cli_format_time_left (double seconds)
{
  guint minutes, hours;

  if (seconds < 60)
    return g_strdup (_("less than a minute left"));
  minutes = (guint) MIN ((seconds + 30) / 60, G_MAXUINT / 2);
  if (minutes < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u minute left",
                                         "about %u minutes left", minutes),
                            minutes);
  hours = (minutes + 30) / 60;
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u hour left",
                                       "about %u hours left", hours),
                          hours);
}

char *
tcia_cli_format_progress (guint   n_done,
                          guint   n_total,
                          guint64 bytes_done,
                          guint64 bytes_total,
                          double  seconds_left)
{
  GString *line = g_string_new (NULL);
  g_autofree char *done = g_format_size (bytes_done);
  g_autofree char *total = g_format_size (bytes_total);
  guint percent;

  /* Translators: "12 of 31 series", the start of a download's progress. */
  g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "%u of %u series",
                                             "%u of %u series", n_total),
                          n_done, n_total);
  if (bytes_total > 0)
    {
      percent = (guint) (MIN (bytes_done, bytes_total) * 100 / bytes_total);
      g_string_append (line, " · ");
      /* Translators: sizes downloaded and to download, "4.2 MB of 15.6 MB". */
      g_string_append_printf (line, C_("download progress", "%s of %s"), done, total);
    }
  else
    percent = n_total > 0 ? n_done * 100 / n_total : 0;
  g_string_append (line, " · ");
  /* Translators: a percentage done, "27 %"; write it as your language does. */
  g_string_append_printf (line, C_("download progress", "%u %%"), percent);
  if (seconds_left >= 0)
    {
      g_autofree char *left = tcia_cli_format_time_left (seconds_left);

      g_string_append (line, " · ");
      g_string_append (line, left);
    }

  return g_string_free (line, FALSE);
}

/* A line wider than the terminal wraps, and "\r" then rewrites only its
 * last part: cut it to the width. */
static void
fit_to_terminal (GString *line)
{
  struct winsize size = { 0 };
  glong length = g_utf8_strlen (line->str, -1);

  if (ioctl (STDERR_FILENO, TIOCGWINSZ, &size) < 0 || size.ws_col < 2)
    return;
  if (length >= size.ws_col)
    {
      char *end = g_utf8_offset_to_pointer (line->str, size.ws_col - 2);

      g_string_truncate (line, end - line->str);
      g_string_append (line, "…");
    }
}

void
tcia_cli_print_progress (TciaDownloadQueue *queue,
                         guint              n_total,
                         gint64             started_us)
{
  guint n_done = tcia_download_queue_get_n_done (queue);
  guint n_failed = tcia_download_queue_get_n_failed (queue);
  double seconds = (g_get_monotonic_time () - started_us) / (double) G_USEC_PER_SEC;
  double seconds_left = -1;
  g_autofree char *text = NULL;
  g_autoptr(GString) line = NULL;
  Measure m;

  measure_queue (queue, &m);
  if (seconds >= MIN_SECONDS_FOR_ESTIMATE && m.done > m.skipped && m.done < m.total &&
      tcia_download_queue_get_n_active (queue) > 0)
    seconds_left = (m.total - m.done) / ((m.done - m.skipped) / seconds);

  text = tcia_cli_format_progress (n_done, n_total, m.done, m.total, seconds_left);
  line = g_string_new (text);
  if (n_failed > 0)
    {
      g_string_append (line, " · ");
      g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "%u failed", "%u failed",
                                                 n_failed),
                              n_failed);
    }
  /* A slot that waits for the server is said, not left to look stuck. */
  if (m.waiting > 0)
    g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE,
                                               " · %u waits for the server, next try in %u s",
                                               " · %u wait for the server, next try in %u s",
                                               m.waiting),
                            m.waiting, m.retry_in);
  fit_to_terminal (line);

  fprintf (stderr, "\r\033[K%s", line->str);
  fflush (stderr);
}
