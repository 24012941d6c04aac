/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tcia-http.h"

G_BEGIN_DECLS

/* What the IDC client and the bucket client share. */

/* @url as a base (http or https, a host, no query), with a trailing "/"
 * when @trailing_slash, else without; @host "host:port" for messages.
 * @what names the address in the error ("IDC API"). */
gboolean tcia_idc_parse_base_url       (const char     *url,
                                        const char     *what,
                                        gboolean        trailing_slash,
                                        char          **out_url,
                                        char          **out_host,
                                        GError        **error);

/* The HTTP layer's error after a request's retries as TCIA_IDC_ERROR,
 * with @failure (the last attempt's, may be NULL) and @what ("IDC's API at
 * host") for the words. */
void     tcia_idc_set_http_error       (GError        **error,
                                        const char     *what);

G_END_DECLS
