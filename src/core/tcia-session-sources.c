/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-session"

/* The session's sources: the source policy, IDC's addresses and the
 * locations manifests gave, and the TciaSources (NBIA's fetcher and IDC's)
 * they make for the queue. The session's other parts (its settings, the
 * queue, checkout, the catalogue) are tcia-session.c's. */

#include "config.h"

#include "tcia-idc-fetcher.h"
#include "tcia-nbia-fetcher.h"
#include "tcia-session-private.h"

/* IDC's fetcher for the endpoints set. An address that cannot be used
 * leaves IDC out, saying why once: NBIA still serves. */
static TciaFetcher *
make_idc_fetcher (TciaSession *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaIdcClient) client = NULL;
  TciaFetcher *fetcher;
  GHashTableIter iter;
  gpointer location;

  client = tcia_session_dup_idc_client (self, &error);
  if (client == NULL)
    {
      g_message ("IDC cannot be used: %s", error->message);
      return NULL;
    }
  /* Where IDC keeps a series is asked before each batch starts: when the
   * API does not answer within a few seconds, NBIA serves meanwhile. */
  tcia_idc_client_set_retry_policy (client, 3, 500, 4000);
  {
    const char *bucket_url = self->idc_bucket_url;

    if (bucket_url == NULL)
      bucket_url = g_getenv ("TCIA_IDC_BUCKET_URL");
    fetcher = tcia_idc_fetcher_new (bucket_url != NULL && *bucket_url != '\0' ? bucket_url
                                                                               : NULL);
  }
  tcia_idc_fetcher_set_client (TCIA_IDC_FETCHER (fetcher), client);
  /* Where manifests said series are: not asked again, and an older
   * release's folder a manifest names stays the one fetched. */
  g_hash_table_iter_init (&iter, self->idc_locations);
  while (g_hash_table_iter_next (&iter, NULL, &location))
    tcia_idc_fetcher_add_location (TCIA_IDC_FETCHER (fetcher), location);
  return fetcher;
}

TciaSources *
tcia_session_make_sources (TciaSession *self)
{
  g_autoptr(TciaFetcher) nbia = tcia_nbia_fetcher_new (self->client);
  g_autoptr(TciaFetcher) idc = NULL;
  TciaSourcePolicy policy = TCIA_SOURCE_POLICY_AUTO;

  tcia_source_policy_from_string (self->source_policy, &policy);
  if (policy != TCIA_SOURCE_POLICY_NBIA)
    idc = make_idc_fetcher (self);
  g_set_object (&self->idc_fetcher, idc);
  return tcia_sources_new (nbia, idc, policy);
}

gboolean
tcia_session_source_policy_is_valid (const char *policy)
{
  return tcia_source_policy_from_string (policy, NULL);
}

const char *
tcia_session_get_source_policy (TciaSession *self)
{
  g_return_val_if_fail (TCIA_IS_SESSION (self), NULL);
  return self->source_policy;
}

/* The queue's series not yet started follow the new sources. */
static void
sources_changed (TciaSession *self)
{
  g_autoptr(TciaSources) sources = NULL;

  if (self->queue == NULL)
    return;
  sources = tcia_session_make_sources (self);
  tcia_download_queue_set_sources (self->queue, sources);
}

void
tcia_session_set_source_policy (TciaSession *self,
                                const char  *policy)
{
  g_return_if_fail (TCIA_IS_SESSION (self));
  g_return_if_fail (tcia_session_source_policy_is_valid (policy));

  if (g_strcmp0 (self->source_policy, policy) == 0)
    return;
  g_free (self->source_policy);
  self->source_policy = g_strdup (policy);
  sources_changed (self);
  tcia_session_notify (self, PROP_SOURCE_POLICY);
}

const char *
tcia_session_get_idc_api_url (TciaSession *self)
{
  g_return_val_if_fail (TCIA_IS_SESSION (self), NULL);
  return self->idc_api_url;
}

const char *
tcia_session_get_idc_bucket_url (TciaSession *self)
{
  g_return_val_if_fail (TCIA_IS_SESSION (self), NULL);
  return self->idc_bucket_url;
}

void
tcia_session_set_idc_urls (TciaSession *self,
                           const char  *api_url,
                           const char  *bucket_url)
{
  gboolean api_changed, bucket_changed;

  g_return_if_fail (TCIA_IS_SESSION (self));

  if (api_url != NULL && *api_url == '\0')
    api_url = NULL;
  if (bucket_url != NULL && *bucket_url == '\0')
    bucket_url = NULL;
  api_changed = g_strcmp0 (self->idc_api_url, api_url) != 0;
  bucket_changed = g_strcmp0 (self->idc_bucket_url, bucket_url) != 0;
  if (!api_changed && !bucket_changed)
    return;
  if (api_changed)
    {
      char *copy = g_strdup (api_url);

      g_free (self->idc_api_url);
      self->idc_api_url = copy;
    }
  if (bucket_changed)
    {
      char *copy = g_strdup (bucket_url);

      g_free (self->idc_bucket_url);
      self->idc_bucket_url = copy;
    }
  sources_changed (self);
  if (api_changed)
    tcia_session_notify (self, PROP_IDC_API_URL);
  if (bucket_changed)
    tcia_session_notify (self, PROP_IDC_BUCKET_URL);
}

char *
tcia_session_resolve_setting (const char *option,
                              const char *env_var,
                              const char *setting)
{
  const char *env = env_var != NULL ? g_getenv (env_var) : NULL;

  if (option != NULL && *option != '\0')
    return g_strdup (option);
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (setting != NULL && *setting != '\0')
    return g_strdup (setting);
  return NULL;
}

TciaIdcClient *
tcia_session_dup_idc_client (TciaSession  *self,
                             GError      **error)
{
  const char *api_url;

  g_return_val_if_fail (TCIA_IS_SESSION (self), NULL);

  /* A session made without the application's settings still honours the
   * environment (tests point it at their fakes). */
  api_url = self->idc_api_url;
  if (api_url == NULL)
    api_url = g_getenv ("TCIA_IDC_API_URL");
  return tcia_idc_client_new (api_url != NULL && *api_url != '\0' ? api_url : NULL, error);
}

void
tcia_session_add_idc_locations (TciaSession *self,
                                GPtrArray   *locations)
{
  g_return_if_fail (TCIA_IS_SESSION (self));
  g_return_if_fail (locations != NULL);

  for (guint i = 0; i < locations->len; i++)
    {
      TciaIdcLocation *location = g_ptr_array_index (locations, i);

      /* The key lives in the location, which the table holds. */
      g_hash_table_replace (self->idc_locations, location->series_uid,
                            tcia_idc_location_ref (location));
      if (self->idc_fetcher != NULL)
        tcia_idc_fetcher_add_location (TCIA_IDC_FETCHER (self->idc_fetcher), location);
    }
}
