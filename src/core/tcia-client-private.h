/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-client.h"

G_BEGIN_DECLS

/* The I/O timeout of the client's session in seconds (default 60): how long
 * a connection may stay silent before the request fails (and is retried).
 * Takes effect for connections opened afterwards. For tests. */
void tcia_client_set_timeout (TciaClient *self,
                              guint       timeout_s);

G_END_DECLS
