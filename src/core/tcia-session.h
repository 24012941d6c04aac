/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tcia-basket.h"
#include "tcia-catalogue-sync.h"
#include "tcia-client.h"
#include "tcia-download-queue.h"
#include "tcia-idc-client.h"
#include "tcia-layout.h"

G_BEGIN_DECLS

#define TCIA_SESSION_ERROR (tcia_session_error_quark ())

typedef enum
{
  /* No server to download from (its URL was not valid). */
  TCIA_SESSION_ERROR_NO_SOURCE,
  /* The queue still downloads into another folder, or with another layout. */
  TCIA_SESSION_ERROR_BUSY,
} TciaSessionError;

#define TCIA_TYPE_SESSION (tcia_session_get_type ())

G_DECLARE_FINAL_TYPE (TciaSession, tcia_session, TCIA, SESSION, GObject)

/* What the window and the command line work through: the basket, the
 * source (NBIA's client), the download queue and the settings they need.
 *
 * Properties: "basket", "client" (construct-only), "queue" (read-only,
 * NULL until the first checkout or a restore), "jobs" (1..16),
 * "verify-checksums", "verify-existing" (these three reach the live queue
 * at once), "layout" (TCIA_TYPE_LAYOUT), "destination" (a GFile; both are
 * for the next queue), "source-policy" ("auto", "nbia" or "idc"),
 * "idc-api-url" and "idc-bucket-url" (NULL: IDC's own; these two reach
 * the live queue's series not yet started), "catalogue" (the local
 * catalogue, a TciaLocalCatalogue, or NULL: Browse asks the server). */

GQuark             tcia_session_error_quark           (void);

/* @client may be NULL (no checkout then); @basket NULL: one in memory. */
TciaSession       *tcia_session_new                   (TciaClient    *client,
                                                       TciaBasket    *basket);
TciaBasket        *tcia_session_get_basket            (TciaSession   *self);
TciaClient        *tcia_session_get_client            (TciaSession   *self);
TciaDownloadQueue *tcia_session_get_queue             (TciaSession   *self);

guint              tcia_session_get_jobs              (TciaSession   *self);
void               tcia_session_set_jobs              (TciaSession   *self,
                                                       guint          jobs);
gboolean           tcia_session_get_verify_checksums  (TciaSession   *self);
void               tcia_session_set_verify_checksums  (TciaSession   *self,
                                                       gboolean       verify);
gboolean           tcia_session_get_verify_existing   (TciaSession   *self);
void               tcia_session_set_verify_existing   (TciaSession   *self,
                                                       gboolean       verify);
TciaLayout         tcia_session_get_layout            (TciaSession   *self);
void               tcia_session_set_layout            (TciaSession   *self,
                                                       TciaLayout     layout);
/* tcia_session_dup_default_destination() until set. */
GFile             *tcia_session_get_destination       (TciaSession   *self);
void               tcia_session_set_destination       (TciaSession   *self,
                                                       GFile         *destination);
/* The user's Downloads folder; without one (none set, or the home folder
 * itself), a TCIA folder in the home folder. */
GFile             *tcia_session_dup_default_destination (void);
/* Whether the user has a Downloads folder of its own (not the home folder). */
gboolean           tcia_session_has_downloads_folder  (void);
const char        *tcia_session_get_source_policy     (TciaSession   *self);
/* @policy must be one tcia_session_source_policy_is_valid() accepts. */
void               tcia_session_set_source_policy     (TciaSession   *self,
                                                       const char    *policy);
gboolean           tcia_session_source_policy_is_valid (const char   *policy);
/* IDC's API (…/v3/) and bucket endpoint; NULL for IDC's own. */
const char        *tcia_session_get_idc_api_url       (TciaSession   *self);
const char        *tcia_session_get_idc_bucket_url    (TciaSession   *self);
void               tcia_session_set_idc_urls          (TciaSession   *self,
                                                       const char    *api_url,
                                                       const char    *bucket_url);

/* A client of IDC's API at the address set (else TCIA_IDC_API_URL, else
 * IDC's own), for look-ups of the session's own: an s5cmd manifest's. */
TciaIdcClient     *tcia_session_dup_idc_client        (TciaSession   *self,
                                                       GError       **error);
/* Where IDC keeps series (TciaIdcLocation), as an s5cmd manifest's import
 * learned: the IDC source fetches them from there without asking IDC
 * again, this queue and the next ones. Not kept across runs: a series
 * restored from the last run is looked up by its UID. */
void               tcia_session_add_idc_locations     (TciaSession   *self,
                                                       GPtrArray     *locations);

/* What a setting is: the command line's @option, else the environment's
 * @env_var, else the settings' @setting (empty counts as unset); NULL when
 * none says (the default applies). */
char              *tcia_session_resolve_setting       (const char    *option,
                                                       const char    *env_var,
                                                       const char    *setting);

/* Binds the schema's parallel-downloads, verify-checksums, layout,
 * source-policy and download-folder keys ('' for the default) to the properties above. */
void               tcia_session_bind_settings         (TciaSession   *self,
                                                       GSettings     *settings);

/* The queue for the destination and layout set now, not started: the one
 * there is, or a new one when that has no work left (else
 * TCIA_SESSION_ERROR_BUSY). For a caller that adds jobs of its own. */
TciaDownloadQueue *tcia_session_prepare_queue         (TciaSession   *self,
                                                       GError       **error);
/* Queues @series (NULL: the basket's) into the destination with the
 * layout, trying again those downloaded before or given up on, and starts. */
gboolean           tcia_session_checkout              (TciaSession   *self,
                                                       GListModel    *series,
                                                       GError       **error);

/* Where the queue is kept across runs (tcia-download-state.h): every queue
 * the session makes is saved there as it changes. NULL keeps nothing. */
void               tcia_session_set_state_file        (TciaSession   *self,
                                                       GFile         *file);
/* The downloads left from the last run, resumed: TRUE also when there were
 * none. A file that cannot be read is moved aside and @error says so. */
gboolean           tcia_session_restore               (TciaSession   *self,
                                                       GError       **error);
/* Writes the queue to the state file now (series running are kept queued). */
gboolean           tcia_session_save                  (TciaSession   *self,
                                                       GError       **error);

/* The local catalogue, and the sync that fills it from the client (made
 * with it; NULL without a catalogue or a client). Whoever owns the session
 * runs the sync (the application in the background, --sync in the
 * foreground). */
void               tcia_session_set_catalogue         (TciaSession        *self,
                                                       TciaLocalCatalogue *catalogue);
TciaLocalCatalogue *tcia_session_get_catalogue        (TciaSession        *self);
TciaCatalogueSync *tcia_session_get_catalogue_sync    (TciaSession        *self);
/* What Browse asks (full): the local catalogue before the server
 * (tcia-catalogue-router.h) when there is one, else the client; NULL with
 * neither. */
TciaCatalogue     *tcia_session_dup_browse_catalogue  (TciaSession        *self);
/* What an import asks (full): as Browse, but a strict router
 * (tcia_catalogue_router_set_strict()), so that series neither the local
 * catalogue nor the server could give are said to be not looked up, never
 * left out. With @offline the server is not asked: NULL without a local
 * catalogue then. Else the client without a local catalogue; NULL with
 * neither. */
TciaCatalogue     *tcia_session_dup_import_catalogue  (TciaSession        *self,
                                                       gboolean            offline);

G_END_DECLS
