/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-client.h"
#include "tcia-fetcher.h"

G_BEGIN_DECLS

#define TCIA_TYPE_NBIA_FETCHER (tcia_nbia_fetcher_get_type ())

G_DECLARE_FINAL_TYPE (TciaNbiaFetcher, tcia_nbia_fetcher, TCIA, NBIA_FETCHER, GObject)

/* NBIA's getImage: one ZIP per series, unpacked through libarchive into
 * the series writer as it arrives. */
TciaFetcher *tcia_nbia_fetcher_new (TciaClient *client);

G_END_DECLS
