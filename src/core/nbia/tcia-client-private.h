/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-client.h"

G_BEGIN_DECLS

/* The I/O timeout of the client's session in seconds (default 60): how long
 * a connection may stay silent before the request fails (and is retried).
 * Takes effect for connections opened afterwards. For tests. */
void tcia_client_set_timeout (TciaClient *self,
                              guint       timeout_s);

/* The minimum progress of a body: an attempt whose body delivers fewer
 * than @min_bytes in any @window_ms (defaults 1 KiB, 60 s) fails with
 * TCIA_CLIENT_ERROR_TIMED_OUT. For tests. */
void tcia_client_set_min_progress (TciaClient *self,
                                   guint       window_ms,
                                   gsize       min_bytes);

/* The largest value (string, number, key) a listing may hold, default
 * TCIA_JSON_ROWS_MAX_VALUE_BYTES, and the largest body, default 1 GiB;
 * beyond either the request fails with TCIA_CLIENT_ERROR_INVALID_RESPONSE.
 * For tests. */
void tcia_client_set_size_limits (TciaClient *self,
                                  gsize       max_value_bytes,
                                  guint64     max_body_bytes);

G_END_DECLS
