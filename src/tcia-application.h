/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TCIA_TYPE_APPLICATION (tcia_application_get_type ())

G_DECLARE_FINAL_TYPE (TciaApplication, tcia_application, TCIA, APPLICATION, AdwApplication)

TciaApplication *tcia_application_new         (void);
/* The server in effect: --api-url, else TCIA_API_URL, else the setting,
 * else TCIA's production v4 URL. */
char            *tcia_application_dup_api_url (TciaApplication *self);

/* IDC's API and bucket endpoint from --idc-api-url/--idc-bucket-url, else
 * TCIA_IDC_API_URL/TCIA_IDC_BUCKET_URL, else Preferences; NULL: IDC's own. */
void             tcia_application_dup_idc_urls (TciaApplication  *self,
                                                char            **api_url,
                                                char            **bucket_url);

G_END_DECLS
