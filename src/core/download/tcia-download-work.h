/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "tcia-download-job.h"
#include "tcia-extract.h"
#include "tcia-fetcher.h"
#include "tcia-sources.h"
#include "tcia-retry.h"

G_BEGIN_DECLS

/* One series' download, run in a worker thread of TciaDownloadQueue: what
 * is already in place, the sources to try (TciaSources), the attempts
 * of each into a series writer and the waits between them, falling back to
 * the next source when one fails for good, and the collection's LICENSE. Everything is done relative to directory handles
 * opened below the destination without following links. */
typedef struct
{
  /* set by the queue before the thread starts */
  TciaDownloadJob   *job;           /* a reference */
  GCancellable      *cancellable;
  int                root_fd;       /* the destination, owned */
  char              *dest_path;     /* to name folders in messages */
  TciaSources       *sources;       /* a reference: which fetchers to try */
  TciaSeries        *series;        /* a reference */
  char              *rel;           /* the series' folder, relative */
  char              *license_text;  /* the collection's LICENSE, NULL for none */
  guint              expected_images;
  gboolean           has_row;       /* metadata.csv says the series is complete */
  gboolean           verify_existing;
  gboolean           read_sop_class; /* the server did not say: read it from an image */
  TciaExtractFlags   extract_flags;
  TciaExtractLimits  limits;        /* the pace; the bound and deadline are per source */
  guint              deadline_s;    /* 0: by the size the source declares */
  TciaRetryPolicy    policy;
  guint              timeout_s;
  void             (*congested) (gpointer data);  /* called from the thread */
  gpointer           congested_data;
  guint              attempt;       /* the current one, from 1 */
  TciaFetcher       *fetcher;       /* the source being tried, borrowed */

  /* results, read by the queue after the thread is done */
  gboolean           ok;
  gboolean           skipped;       /* complete and checked: nothing fetched */
  gboolean           in_the_way;    /* a folder the program did not write holds the place */
  guint              n_images;
  guint64            bytes;
  char              *sop_class_uid;
  GError            *error;
} TciaDownloadWork;

void     tcia_download_work_free (TciaDownloadWork *work);

/* Blocking; in a thread with its own thread-default GMainContext. */
gboolean tcia_download_work_run  (TciaDownloadWork *work,
                                  SoupSession      *session);

G_END_DECLS
