/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The `.tcia` manifest of TCIA's web portal and NBIA Data Retriever
 * (tcia-api.md §5.1): a Java properties header, then one series UID a line. */

#define TCIA_MANIFEST_ERROR (tcia_manifest_error_quark ())

typedef enum
{
  /* A series UID that a manifest line cannot hold (not digits and dots). */
  TCIA_MANIFEST_ERROR_INVALID_UID,
} TciaManifestError;

#define TCIA_MANIFEST_DEFAULT_SERVER_URL \
  "https://public.cancerimagingarchive.net/nbia-download/servlet/DownloadServlet"
#define TCIA_MANIFEST_DEFAULT_RETRIES 4
#define TCIA_MANIFEST_VERSION "3.0"

typedef struct
{
  /* downloadServerUrl; NULL for TCIA_MANIFEST_DEFAULT_SERVER_URL. */
  const char *download_server_url;
  /* includeAnnotation. */
  gboolean    include_annotation;
  /* noOfrRetry. */
  guint       retries;
  /* The epoch milliseconds of databasketId ("manifest-<ms>.tcia"); 0 for now. */
  gint64      timestamp_ms;
} TciaManifestOptions;

GQuark    tcia_manifest_error_quark    (void);

/* The defaults TCIA's portal writes: its download servlet, no annotations,
 * 4 retries, the current time. */
void      tcia_manifest_options_init   (TciaManifestOptions *options);

/* Whether @uid can stand on a manifest line: ^[0-9]+(\.[0-9]+)*$. */
gboolean  tcia_manifest_is_series_uid  (const char          *uid);

/* The manifest of @series_uids (NULL-terminated; NULL or empty for a
 * manifest with no series), "\n" line ends, every line ended. @options NULL
 * for the defaults. Fails with TCIA_MANIFEST_ERROR_INVALID_UID, naming the
 * UID, when a UID is not digits and dots. */
char     *tcia_manifest_to_string      (const char * const        *series_uids,
                                        const TciaManifestOptions *options,
                                        GError                   **error);

G_END_DECLS
