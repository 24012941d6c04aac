/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-core.h"

G_BEGIN_DECLS

/* What the listing and the download share, in tcia-cli.c. */

/* The longest text quoted in one message, in characters. */
#define CLI_MESSAGE_MAX 1000

char     *tcia_cli_one_line                (const char *text);
gboolean  tcia_cli_get_test_retry_delay    (guint64    *delay_ms);
void      tcia_cli_apply_test_retry_policy (TciaClient *client);

G_END_DECLS
