/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TCIA_TYPE_SOURCES_GROUP (tcia_sources_group_get_type ())

G_DECLARE_FINAL_TYPE (TciaSourcesGroup, tcia_sources_group, TCIA, SOURCES_GROUP,
                      AdwPreferencesGroup)

/* The Preferences group of the download sources: the source policy, and
 * IDC's API and bucket endpoints under an expander. Property "settings"
 * (the app's GSettings: source-policy, idc-api-url, idc-bucket-url). */
void tcia_sources_group_set_settings (TciaSourcesGroup *self,
                                      GSettings        *settings);

G_END_DECLS
