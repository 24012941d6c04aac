/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tcia-download-job.h"

G_BEGIN_DECLS

/* How far a series and the whole queue have come, and the words for it:
 * shared by the Downloads page's totals and its rows. */

/* Bytes a second below which a transfer is as good as stalled: no speed
 * or time left is shown for it. */
#define TCIA_SPEED_MIN_SHOWN 1000

/* A moving average of bytes a second. */
typedef struct
{
  double  speed;
  guint64 last_bytes;
  gint64  last_time;
} TciaSpeed;

/* One more sample of a byte count that grows. */
void     tcia_speed_update                (TciaSpeed       *self,
                                           guint64          bytes);
void     tcia_speed_reset                 (TciaSpeed       *self);

/* The bytes a series will take to download (its ZIP), from what the
 * server says it holds unpacked. */
guint64  tcia_download_job_estimate_bytes (TciaDownloadJob *job);
/* 0..1: done and skipped are 1, a running series by its bytes (never 1
 * before the end), the others 0. */
double   tcia_download_job_fraction       (TciaDownloadJob *job);

/* "less than a minute left", "about 3 minutes left", "about 2 hours left" */
char    *tcia_format_time_left            (double           seconds);
/* "4.2 of 15.6 MB", or "900.0 kB of 15.6 MB" when the units differ. */
char    *tcia_format_size_of              (guint64          done,
                                           guint64          total);
/* An estimate without false precision: "360 kB", "4.2 MB", "12 GB". */
char    *tcia_format_size_estimate        (guint64          bytes);

G_END_DECLS
