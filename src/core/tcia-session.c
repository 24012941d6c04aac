/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-session"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-catalogue-router.h"
#include "tcia-download-state.h"
#include "tcia-citations-file.h"
#include "tcia-idc-fetcher.h"
#include "tcia-session-private.h"

G_DEFINE_FINAL_TYPE (TciaSession, tcia_session, G_TYPE_OBJECT)

G_DEFINE_QUARK (tcia-session-error-quark, tcia_session_error)

static GParamSpec *properties[N_PROPS];

void
tcia_session_notify (TciaSession *self,
                     guint        prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* The settings reach a queue however it came: made here or restored. */
static void
configure_queue (TciaSession       *self,
                 TciaDownloadQueue *queue)
{
  g_autoptr(TciaSources) sources = tcia_session_make_sources (self);

  tcia_download_queue_set_sources (queue, sources);
  tcia_download_queue_set_max_jobs (queue, self->jobs);
  tcia_download_queue_set_verify_checksums (queue, self->verify_checksums);
  tcia_download_queue_set_verify_existing (queue, self->verify_existing);
}

static void
set_queue (TciaSession       *self,
           TciaDownloadQueue *queue)
{
  if (!g_set_object (&self->queue, queue))
    return;
  if (queue != NULL && self->state_file != NULL)
    tcia_download_state_track (queue, self->state_file);
  /* The window and the command line both write the destination's CITATION files. */
  if (queue != NULL)
    tcia_citations_track_queue (queue);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUEUE]);
}

static gboolean
folder_from_setting (GValue   *value,
                     GVariant *variant,
                     gpointer  user_data)
{
  const char *path = g_variant_get_string (variant, NULL);

  if (path == NULL || *path == '\0')
    g_value_take_object (value, tcia_session_dup_default_destination ());
  else
    g_value_take_object (value, g_file_new_for_path (path));
  return TRUE;
}

static void
tcia_session_dispose (GObject *object)
{
  TciaSession *self = TCIA_SESSION (object);

  g_clear_object (&self->queue);
  g_clear_object (&self->catalogue_sync);
  g_clear_object (&self->catalogue);

  G_OBJECT_CLASS (tcia_session_parent_class)->dispose (object);
}

static void
tcia_session_finalize (GObject *object)
{
  TciaSession *self = TCIA_SESSION (object);

  g_clear_object (&self->basket);
  g_clear_object (&self->client);
  g_clear_object (&self->destination);
  g_clear_object (&self->state_file);
  g_clear_pointer (&self->source_policy, g_free);
  g_clear_pointer (&self->idc_api_url, g_free);
  g_clear_pointer (&self->idc_bucket_url, g_free);
  g_clear_pointer (&self->idc_locations, g_hash_table_unref);
  g_clear_object (&self->idc_fetcher);

  G_OBJECT_CLASS (tcia_session_parent_class)->finalize (object);
}

static void
tcia_session_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TciaSession *self = TCIA_SESSION (object);

  switch (prop_id)
    {
    case PROP_BASKET:
      g_value_set_object (value, self->basket);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_QUEUE:
      g_value_set_object (value, self->queue);
      break;
    case PROP_JOBS:
      g_value_set_uint (value, self->jobs);
      break;
    case PROP_VERIFY_CHECKSUMS:
      g_value_set_boolean (value, self->verify_checksums);
      break;
    case PROP_VERIFY_EXISTING:
      g_value_set_boolean (value, self->verify_existing);
      break;
    case PROP_LAYOUT:
      g_value_set_enum (value, self->layout);
      break;
    case PROP_DESTINATION:
      g_value_set_object (value, tcia_session_get_destination (self));
      break;
    case PROP_SOURCE_POLICY:
      g_value_set_string (value, self->source_policy);
      break;
    case PROP_IDC_API_URL:
      g_value_set_string (value, self->idc_api_url);
      break;
    case PROP_IDC_BUCKET_URL:
      g_value_set_string (value, self->idc_bucket_url);
      break;
    case PROP_CATALOGUE:
      g_value_set_object (value, self->catalogue);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_session_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  TciaSession *self = TCIA_SESSION (object);

  switch (prop_id)
    {
    case PROP_BASKET:
      self->basket = g_value_dup_object (value);
      break;
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_JOBS:
      tcia_session_set_jobs (self, g_value_get_uint (value));
      break;
    case PROP_VERIFY_CHECKSUMS:
      tcia_session_set_verify_checksums (self, g_value_get_boolean (value));
      break;
    case PROP_VERIFY_EXISTING:
      tcia_session_set_verify_existing (self, g_value_get_boolean (value));
      break;
    case PROP_LAYOUT:
      tcia_session_set_layout (self, g_value_get_enum (value));
      break;
    case PROP_DESTINATION:
      tcia_session_set_destination (self, g_value_get_object (value));
      break;
    case PROP_SOURCE_POLICY:
      tcia_session_set_source_policy (self, g_value_get_string (value));
      break;
    case PROP_IDC_API_URL:
      tcia_session_set_idc_urls (self, g_value_get_string (value), self->idc_bucket_url);
      break;
    case PROP_IDC_BUCKET_URL:
      tcia_session_set_idc_urls (self, self->idc_api_url, g_value_get_string (value));
      break;
    case PROP_CATALOGUE:
      tcia_session_set_catalogue (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_session_constructed (GObject *object)
{
  TciaSession *self = TCIA_SESSION (object);

  G_OBJECT_CLASS (tcia_session_parent_class)->constructed (object);

  if (self->basket == NULL)
    self->basket = tcia_basket_new (NULL);
}

static void
tcia_session_class_init (TciaSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                            G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = tcia_session_constructed;
  object_class->dispose = tcia_session_dispose;
  object_class->finalize = tcia_session_finalize;
  object_class->get_property = tcia_session_get_property;
  object_class->set_property = tcia_session_set_property;

  properties[PROP_BASKET] =
    g_param_spec_object ("basket", NULL, NULL, TCIA_TYPE_BASKET,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, TCIA_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_QUEUE] =
    g_param_spec_object ("queue", NULL, NULL, TCIA_TYPE_DOWNLOAD_QUEUE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_JOBS] =
    g_param_spec_uint ("jobs", NULL, NULL, 1, TCIA_DOWNLOAD_QUEUE_MAX_JOBS,
                       TCIA_DOWNLOAD_QUEUE_DEFAULT_JOBS, flags);
  properties[PROP_VERIFY_CHECKSUMS] =
    g_param_spec_boolean ("verify-checksums", NULL, NULL, TRUE, flags);
  properties[PROP_VERIFY_EXISTING] =
    g_param_spec_boolean ("verify-existing", NULL, NULL, FALSE, flags);
  properties[PROP_LAYOUT] =
    g_param_spec_enum ("layout", NULL, NULL, TCIA_TYPE_LAYOUT, TCIA_LAYOUT_DESCRIPTIVE, flags);
  properties[PROP_DESTINATION] =
    g_param_spec_object ("destination", NULL, NULL, G_TYPE_FILE, flags);
  properties[PROP_SOURCE_POLICY] =
    g_param_spec_string ("source-policy", NULL, NULL, "auto", flags);
  properties[PROP_IDC_API_URL] =
    g_param_spec_string ("idc-api-url", NULL, NULL, NULL, flags);
  properties[PROP_IDC_BUCKET_URL] =
    g_param_spec_string ("idc-bucket-url", NULL, NULL, NULL, flags);
  properties[PROP_CATALOGUE] =
    g_param_spec_object ("catalogue", NULL, NULL, TCIA_TYPE_LOCAL_CATALOGUE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tcia_session_init (TciaSession *self)
{
  self->jobs = TCIA_DOWNLOAD_QUEUE_DEFAULT_JOBS;
  self->verify_checksums = TRUE;
  self->layout = TCIA_LAYOUT_DESCRIPTIVE;
  self->source_policy = g_strdup ("auto");
  self->idc_locations = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                               (GDestroyNotify) tcia_idc_location_unref);
}

TciaSession *
tcia_session_new (TciaClient *client,
                  TciaBasket *basket)
{
  g_return_val_if_fail (client == NULL || TCIA_IS_CLIENT (client), NULL);
  g_return_val_if_fail (basket == NULL || TCIA_IS_BASKET (basket), NULL);

  return g_object_new (TCIA_TYPE_SESSION,
                       "client", client,
                       "basket", basket,
                       NULL);
}

TciaBasket *
tcia_session_get_basket (TciaSession *self)
{
  g_return_val_if_fail (TCIA_IS_SESSION (self), NULL);
  return self->basket;
}

TciaClient *
tcia_session_get_client (TciaSession *self)
{
  g_return_val_if_fail (TCIA_IS_SESSION (self), NULL);
  return self->client;
}

TciaDownloadQueue *
tcia_session_get_queue (TciaSession *self)
{
  g_return_val_if_fail (TCIA_IS_SESSION (self), NULL);
  return self->queue;
}

guint
tcia_session_get_jobs (TciaSession *self)
{
  g_return_val_if_fail (TCIA_IS_SESSION (self), 0);
  return self->jobs;
}

void
tcia_session_set_jobs (TciaSession *self,
                       guint        jobs)
{
  g_return_if_fail (TCIA_IS_SESSION (self));

  jobs = CLAMP (jobs, 1, TCIA_DOWNLOAD_QUEUE_MAX_JOBS);
  if (self->jobs == jobs)
    return;
  self->jobs = jobs;
  if (self->queue != NULL)
    tcia_download_queue_set_max_jobs (self->queue, jobs);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOBS]);
}

gboolean
tcia_session_get_verify_checksums (TciaSession *self)
{
  g_return_val_if_fail (TCIA_IS_SESSION (self), TRUE);
  return self->verify_checksums;
}

void
tcia_session_set_verify_checksums (TciaSession *self,
                                   gboolean     verify)
{
  g_return_if_fail (TCIA_IS_SESSION (self));

  verify = !!verify;
  if (self->verify_checksums == verify)
    return;
  self->verify_checksums = verify;
  if (self->queue != NULL)
    tcia_download_queue_set_verify_checksums (self->queue, verify);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFY_CHECKSUMS]);
}

gboolean
tcia_session_get_verify_existing (TciaSession *self)
{
  g_return_val_if_fail (TCIA_IS_SESSION (self), FALSE);
  return self->verify_existing;
}

void
tcia_session_set_verify_existing (TciaSession *self,
                                  gboolean     verify)
{
  g_return_if_fail (TCIA_IS_SESSION (self));

  verify = !!verify;
  if (self->verify_existing == verify)
    return;
  self->verify_existing = verify;
  if (self->queue != NULL)
    tcia_download_queue_set_verify_existing (self->queue, verify);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFY_EXISTING]);
}

TciaLayout
tcia_session_get_layout (TciaSession *self)
{
  g_return_val_if_fail (TCIA_IS_SESSION (self), TCIA_LAYOUT_DESCRIPTIVE);
  return self->layout;
}

void
tcia_session_set_layout (TciaSession *self,
                         TciaLayout   layout)
{
  g_return_if_fail (TCIA_IS_SESSION (self));
  g_return_if_fail (layout <= TCIA_LAYOUT_FLAT);

  if (self->layout == layout)
    return;
  self->layout = layout;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYOUT]);
}

gboolean
tcia_session_has_downloads_folder (void)
{
  const char *downloads = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) home = NULL;

  if (downloads == NULL || downloads[0] == '\0')
    return FALSE;

  /* xdg-user-dirs sets a folder it was told to drop to the home folder. */
  file = g_file_new_for_path (downloads);
  home = g_file_new_for_path (g_get_home_dir ());
  return !g_file_equal (file, home);
}

GFile *
tcia_session_dup_default_destination (void)
{
  /* Never the home folder itself: a download writes a folder per
   * collection and a metadata.csv, which must not land loose in it. */
  if (!tcia_session_has_downloads_folder ())
    return g_file_new_build_filename (g_get_home_dir (), "TCIA", NULL);

  return g_file_new_for_path (g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD));
}

GFile *
tcia_session_get_destination (TciaSession *self)
{
  g_return_val_if_fail (TCIA_IS_SESSION (self), NULL);

  if (self->destination == NULL)
    self->destination = tcia_session_dup_default_destination ();
  return self->destination;
}

void
tcia_session_set_destination (TciaSession *self,
                              GFile       *destination)
{
  g_return_if_fail (TCIA_IS_SESSION (self));
  g_return_if_fail (destination == NULL || G_IS_FILE (destination));

  if (self->destination == destination ||
      (self->destination != NULL && destination != NULL &&
       g_file_equal (self->destination, destination)))
    return;
  g_set_object (&self->destination, destination);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESTINATION]);
}

void
tcia_session_bind_settings (TciaSession *self,
                            GSettings   *settings)
{
  g_return_if_fail (TCIA_IS_SESSION (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_settings_bind (settings, "parallel-downloads", self, "jobs", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "verify-checksums", self, "verify-checksums",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "layout", self, "layout", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "source-policy", self, "source-policy", G_SETTINGS_BIND_DEFAULT);
  /* Read only: '' (the Downloads folder, wherever it is) stays ''. */
  g_settings_bind_with_mapping (settings, "download-folder", self, "destination",
                                G_SETTINGS_BIND_GET, folder_from_setting, NULL, NULL, NULL);
}

TciaDownloadQueue *
tcia_session_prepare_queue (TciaSession  *self,
                            GError      **error)
{
  GFile *destination;

  g_return_val_if_fail (TCIA_IS_SESSION (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->client == NULL)
    {
      g_set_error_literal (error, TCIA_SESSION_ERROR, TCIA_SESSION_ERROR_NO_SOURCE,
                           _("There is no server to download from. Check its address in "
                             "Preferences."));
      return NULL;
    }

  destination = tcia_session_get_destination (self);
  if (self->queue != NULL &&
      (!g_file_equal (tcia_download_queue_get_destination (self->queue), destination) ||
       tcia_download_queue_get_layout (self->queue) != self->layout))
    {
      if (tcia_download_queue_has_work (self->queue))
        {
          g_autofree char *where =
            g_file_get_parse_name (tcia_download_queue_get_destination (self->queue));

          g_set_error (error, TCIA_SESSION_ERROR, TCIA_SESSION_ERROR_BUSY,
                       _("Series are still being downloaded into “%s” with another layout "
                         "or folder. Let them finish, or cancel them, before downloading "
                         "elsewhere."),
                       where);
          return NULL;
        }
      set_queue (self, NULL);
    }

  if (self->queue == NULL)
    {
      g_autoptr(TciaDownloadQueue) queue = tcia_download_queue_new (self->client, destination,
                                                                    self->layout);

      configure_queue (self, queue);
      set_queue (self, queue);
    }
  return self->queue;
}

gboolean
tcia_session_checkout (TciaSession  *self,
                       GListModel   *series,
                       GError      **error)
{
  TciaDownloadQueue *queue;
  guint n;

  g_return_val_if_fail (TCIA_IS_SESSION (self), FALSE);
  g_return_val_if_fail (series == NULL || G_IS_LIST_MODEL (series), FALSE);

  queue = tcia_session_prepare_queue (self, error);
  if (queue == NULL)
    return FALSE;

  if (series == NULL)
    series = G_LIST_MODEL (self->basket);
  n = g_list_model_get_n_items (series);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaSeries) item = g_list_model_get_item (series, i);
      TciaDownloadJob *job = tcia_download_queue_add (queue, item);

      /* A series downloaded before, or given up on, is tried again. */
      tcia_download_queue_retry (queue, job);
      tcia_download_queue_resume (queue, job);
    }
  tcia_download_queue_start (queue);
  return TRUE;
}

void
tcia_session_set_state_file (TciaSession *self,
                             GFile       *file)
{
  g_return_if_fail (TCIA_IS_SESSION (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  g_set_object (&self->state_file, file);
}

/* Those that were going carry on (the user asked for them and quit knowing
 * so), the paused stay paused; the queue clears their .part folders as they
 * start. */
gboolean
tcia_session_restore (TciaSession  *self,
                      GError      **error)
{
  g_autoptr(TciaDownloadQueue) queue = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (TCIA_IS_SESSION (self), FALSE);

  if (self->state_file == NULL || self->client == NULL || self->queue != NULL)
    return TRUE;

  queue = tcia_download_state_load (self->state_file, self->client, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (queue == NULL)
    return TRUE;

  configure_queue (self, queue);
  set_queue (self, queue);
  /* Only series done: nothing to start, and no "finished" to announce
   * again; a checkout starts the queue. */
  if (tcia_download_queue_has_work (queue))
    tcia_download_queue_start (queue);
  return TRUE;
}

gboolean
tcia_session_save (TciaSession  *self,
                   GError      **error)
{
  g_return_val_if_fail (TCIA_IS_SESSION (self), FALSE);

  if (self->queue == NULL || self->state_file == NULL)
    return TRUE;
  tcia_download_state_flush (self->queue, NULL);
  return tcia_download_state_save (self->queue, self->state_file, error);
}

void
tcia_session_set_catalogue (TciaSession        *self,
                            TciaLocalCatalogue *catalogue)
{
  g_return_if_fail (TCIA_IS_SESSION (self));
  g_return_if_fail (catalogue == NULL || TCIA_IS_LOCAL_CATALOGUE (catalogue));

  if (!g_set_object (&self->catalogue, catalogue))
    return;

  g_clear_object (&self->catalogue_sync);
  if (catalogue != NULL && self->client != NULL)
    self->catalogue_sync = tcia_catalogue_sync_new (catalogue, self->client);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATALOGUE]);
}

TciaLocalCatalogue *
tcia_session_get_catalogue (TciaSession *self)
{
  g_return_val_if_fail (TCIA_IS_SESSION (self), NULL);

  return self->catalogue;
}

TciaCatalogueSync *
tcia_session_get_catalogue_sync (TciaSession *self)
{
  g_return_val_if_fail (TCIA_IS_SESSION (self), NULL);

  return self->catalogue_sync;
}

TciaCatalogue *
tcia_session_dup_browse_catalogue (TciaSession *self)
{
  g_return_val_if_fail (TCIA_IS_SESSION (self), NULL);

  if (self->catalogue != NULL)
    return TCIA_CATALOGUE (tcia_catalogue_router_new (self->catalogue,
                                                      TCIA_CATALOGUE (self->client)));

  return self->client != NULL ? g_object_ref (TCIA_CATALOGUE (self->client)) : NULL;
}


TciaCatalogue *
tcia_session_dup_import_catalogue (TciaSession *self,
                                   gboolean     offline)
{
  TciaCatalogueRouter *router;

  g_return_val_if_fail (TCIA_IS_SESSION (self), NULL);

  if (self->catalogue == NULL)
    return self->client != NULL && !offline ? g_object_ref (TCIA_CATALOGUE (self->client)) : NULL;

  router = tcia_catalogue_router_new (self->catalogue,
                                      offline ? NULL : TCIA_CATALOGUE (self->client));
  tcia_catalogue_router_set_strict (router, TRUE);

  return TCIA_CATALOGUE (router);
}
