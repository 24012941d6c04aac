/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-download-queue.h"
#include "tcia-fetcher.h"

G_BEGIN_DECLS

/* The fetcher every series is asked of (the NBIA one by default); before
 * tcia_download_queue_start(). For tests, until a source policy chooses
 * one per series. */
void tcia_download_queue_set_fetcher (TciaDownloadQueue *self,
                                      TciaFetcher       *fetcher);

G_END_DECLS
