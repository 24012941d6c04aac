/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-manifest"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-manifest.h"
#include "tcia-text.h"

G_DEFINE_QUARK (tcia-manifest-error-quark, tcia_manifest_error)

void
tcia_manifest_options_init (TciaManifestOptions *options)
{
  g_return_if_fail (options != NULL);

  options->download_server_url = NULL;
  options->include_annotation = FALSE;
  options->retries = TCIA_MANIFEST_DEFAULT_RETRIES;
  options->timestamp_ms = 0;
}

gboolean
tcia_manifest_is_series_uid (const char *uid)
{
  return tcia_text_is_uid (uid, -1);
}

char *
tcia_manifest_to_string (const char * const        *series_uids,
                         const TciaManifestOptions *options,
                         GError                   **error)
{
  TciaManifestOptions defaults;
  g_autoptr(GString) out = NULL;
  gint64 timestamp_ms;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    {
      tcia_manifest_options_init (&defaults);
      options = &defaults;
    }

  for (guint i = 0; series_uids != NULL && series_uids[i] != NULL; i++)
    {
      if (!tcia_manifest_is_series_uid (series_uids[i]))
        {
          g_set_error (error, TCIA_MANIFEST_ERROR, TCIA_MANIFEST_ERROR_INVALID_UID,
                       _("“%s” is not a series UID: a manifest holds only digits and dots"),
                       series_uids[i]);
          return NULL;
        }
    }

  timestamp_ms = options->timestamp_ms;
  if (timestamp_ms == 0)
    timestamp_ms = g_get_real_time () / 1000;

  out = g_string_new (NULL);
  g_string_append_printf (out,
                          "downloadServerUrl=%s\n"
                          "includeAnnotation=%s\n"
                          "noOfrRetry=%u\n"
                          "databasketId=manifest-%" G_GINT64_FORMAT ".tcia\n"
                          "manifestVersion=" TCIA_MANIFEST_VERSION "\n"
                          "ListOfSeriesToDownload=\n",
                          options->download_server_url != NULL
                            ? options->download_server_url
                            : TCIA_MANIFEST_DEFAULT_SERVER_URL,
                          options->include_annotation ? "true" : "false",
                          options->retries,
                          timestamp_ms);

  for (guint i = 0; series_uids != NULL && series_uids[i] != NULL; i++)
    {
      g_string_append (out, series_uids[i]);
      g_string_append_c (out, '\n');
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}
