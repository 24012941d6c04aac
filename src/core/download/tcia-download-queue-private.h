/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-download-queue.h"
#include "tcia-fetcher.h"

G_BEGIN_DECLS

/* One fetcher for every series, before tcia_download_queue_start(): for
 * tests with a source of their own. */
void tcia_download_queue_set_fetcher (TciaDownloadQueue *self,
                                      TciaFetcher       *fetcher);

G_END_DECLS
