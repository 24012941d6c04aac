/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-download-progress"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-download-progress.h"

/* What a series' ZIP weighs against its unpacked size, for progress before
 * the end: DICOM compresses to roughly a third. */
#define ZIP_RATIO 0.35
/* Weight of the newest sample in the speed's moving average. */
#define SPEED_SMOOTHING 0.3

void
tcia_speed_update (TciaSpeed *self,
                   guint64    bytes)
{
  gint64 now = g_get_monotonic_time ();

  if (self->last_time != 0 && now > self->last_time && bytes >= self->last_bytes)
    {
      double sample = (bytes - self->last_bytes) * (double) G_USEC_PER_SEC /
                      (now - self->last_time);

      self->speed = self->speed == 0 ? sample
                                     : self->speed * (1 - SPEED_SMOOTHING) +
                                       sample * SPEED_SMOOTHING;
    }
  self->last_bytes = bytes;
  self->last_time = now;
}

void
tcia_speed_reset (TciaSpeed *self)
{
  self->speed = 0;
  self->last_time = 0;
}

guint64
tcia_download_job_estimate_bytes (TciaDownloadJob *job)
{
  return (guint64) (tcia_series_get_file_size (tcia_download_job_get_series (job)) * ZIP_RATIO);
}

double
tcia_download_job_fraction (TciaDownloadJob *job)
{
  guint64 estimate;

  switch (tcia_download_job_get_state (job))
    {
    case TCIA_DOWNLOAD_JOB_DONE:
    case TCIA_DOWNLOAD_JOB_SKIPPED:
      return 1.0;
    case TCIA_DOWNLOAD_JOB_RUNNING:
      estimate = tcia_download_job_estimate_bytes (job);
      if (estimate == 0)
        return 0.0;
      return MIN (0.99, (double) tcia_download_job_get_bytes_received (job) / estimate);
    case TCIA_DOWNLOAD_JOB_QUEUED:
    case TCIA_DOWNLOAD_JOB_FAILED:
    case TCIA_DOWNLOAD_JOB_PAUSED:
    case TCIA_DOWNLOAD_JOB_CANCELLED:
    default:
      return 0.0;
    }
}

char *
tcia_format_time_left (double seconds)
{
  guint s = (guint) MIN (seconds, G_MAXUINT / 2);

  if (s < 60)
    return g_strdup (_("less than a minute left"));
  if (s < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u minute left",
                                         "about %u minutes left", (s + 30) / 60),
                            (s + 30) / 60);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u hour left",
                                       "about %u hours left", (s + 1800) / 3600),
                          (s + 1800) / 3600);
}

char *
tcia_format_size_of (guint64 done,
                     guint64 total)
{
  g_autofree char *done_unit = g_format_size_full (done, G_FORMAT_SIZE_ONLY_UNIT);
  g_autofree char *total_unit = g_format_size_full (total, G_FORMAT_SIZE_ONLY_UNIT);
  g_autofree char *total_text = g_format_size (total);
  g_autofree char *done_text = NULL;

  /* "4.2 of 15.6 MB" reads faster than "4.2 MB of 15.6 MB". */
  if (g_strcmp0 (done_unit, total_unit) == 0)
    done_text = g_format_size_full (done, G_FORMAT_SIZE_ONLY_VALUE);
  else
    done_text = g_format_size (done);
  /* TRANSLATORS: progress by size: "4.2 of 15.6 MB" or "900.0 kB of 15.6 MB" */
  return g_strdup_printf (_("%s of %s"), done_text, total_text);
}

char *
tcia_format_size_estimate (guint64 bytes)
{
  g_autofree char *unit = NULL;
  double value = bytes;
  guint steps = 0;

  /* g_format_size() always gives a tenth ("364.0 kB"): right for a size
   * measured, misleading for a guess. Its unit, with two significant
   * figures at most. */
  if (bytes < 1000)
    return g_format_size (bytes);
  while (value >= 1000 && steps < 6)
    {
      value /= 1000;
      steps++;
    }
  unit = g_format_size_full (bytes, G_FORMAT_SIZE_ONLY_UNIT);
  if (value >= 10)
    {
      guint step = value >= 100 ? 10 : 1;
      guint rounded = (guint) (value / step + 0.5) * step;

      /* TRANSLATORS: a size and its unit, kept together by a no-break
       * space as GLib's own sizes are: "360 kB" */
      return g_strdup_printf (_("%u\u00a0%s"), rounded, unit);
    }
  /* TRANSLATORS: a size and its unit, kept together by a no-break space: "4.2 MB" */
  return g_strdup_printf (_("%.1f\u00a0%s"), value, unit);
}
