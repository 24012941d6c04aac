/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-catalogue.h"

G_BEGIN_DECLS

/* TciaClient as a TciaCatalogue: which NBIA endpoint answers each question. */
void tcia_nbia_catalogue_iface_init (TciaCatalogueInterface *iface);

G_END_DECLS
