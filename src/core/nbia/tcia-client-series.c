/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Look-ups of given series: their metadata (getSeriesMetaData in chunks),
 * shared carts (getContentsByName), sizes, SOP instances, thumbnails and
 * the image URL. The client and its listings are tcia-client.c's. */

#define G_LOG_DOMAIN "tcia-core"
#include "config.h"
#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include "tcia-client.h"
#include "tcia-client-private.h"
#include "tcia-client-internal.h"
#include "tcia-client-operation.h"
#include "tcia-collection.h"
#include "tcia-json-rows.h"
#include "tcia-nbia-catalogue.h"
#include "tcia-patient.h"
#include "tcia-records-private.h"
#include "tcia-retry.h"
#include "tcia-series.h"
#include "tcia-study.h"
#include "tcia-text.h"
#include "tcia-value.h"

#define DEFAULT_METADATA_CHUNK 1000

void
tcia_client_get_series_metadata_async (TciaClient          *self,
                                       const char * const  *series_uids,
                                       guint                chunk_size,
                                       GListStore          *into,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GPtrArray) uids = NULL;
  TciaClientOperation *op;
  guint i;

  CHECK_LISTING (self, cancellable, into, TCIA_TYPE_SERIES);
  g_return_if_fail (series_uids != NULL);

  if (chunk_size == 0)
    chunk_size = DEFAULT_METADATA_CHUNK;

  uids = g_ptr_array_new ();
  for (i = 0; series_uids[i] != NULL; i++)
    if (series_uids[i][0] != '\0')
      g_ptr_array_add (uids, (gpointer) series_uids[i]);

  op = tcia_client_new_operation (self, TCIA_CLIENT_RESULT_RECORDS, TCIA_TYPE_SERIES, into, cancellable);

  if (self->version == TCIA_API_V4)
    {
      const char *endpoint = "getSeriesMetadata";

      /* POST list=<uid>,<uid>,...&format=json (the default is CSV). */
      for (i = 0; i < uids->len; i += chunk_size)
        {
          GString *form = g_string_new ("list=");
          guint j;

          for (j = i; j < uids->len && j < i + chunk_size; j++)
            {
              if (j > i)
                g_string_append_c (form, ',');
              g_string_append_uri_escaped (form, g_ptr_array_index (uids, j), NULL, FALSE);
            }
          g_string_append (form, "&format=json");

          tcia_client_operation_add_request (op, endpoint, tcia_client_build_url (self->api_url, endpoint, NULL, 0),
                       g_string_free_to_bytes (form));
        }
    }
  else
    {
      const char *endpoint = "getSeriesMetaData";

      /* One GET per series; 204 for a UID the server does not know. */
      for (i = 0; i < uids->len; i++)
        {
          Param params[] = { { "SeriesInstanceUID", g_ptr_array_index (uids, i) } };

          tcia_client_operation_add_request (op, endpoint,
                       tcia_client_build_url (self->api_url, endpoint, params, 1), NULL);
        }
    }

  tcia_client_operation_start (op, tcia_client_get_series_metadata_async, "getSeriesMetadata",
                   cancellable, callback, user_data);
}

GListModel *
tcia_client_get_series_metadata_finish (TciaClient    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return tcia_client_operation_listing_finish (self, result, tcia_client_get_series_metadata_async, error);
}

static gboolean
is_cart_name (const char *name)
{
  const char *p;

  if (name == NULL || name[0] == '\0' || strlen (name) > 200)
    return FALSE;

  for (p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;

  return TRUE;
}

/* "nbia-49121659384603347", or a portal link
 * "https://nbia.cancerimagingarchive.net/nbia-search/?saved-cart=nbia-49121659384603347". */
static char *
parse_cart_name (const char  *name_or_url,
                 GError     **error)
{
  g_autofree char *text = g_strstrip (g_strdup (name_or_url));
  g_autofree char *name = NULL;

  if (g_uri_peek_scheme (text) != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
      const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
      const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;

      if (scheme != NULL && query != NULL &&
          (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0))
        {
          g_autoptr(GHashTable) params = NULL;

          params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);

          if (params != NULL)
            name = g_strdup (g_hash_table_lookup (params, "saved-cart"));
        }
    }
  else
    name = g_strdup (text);

  if (!is_cart_name (name))
    {
      g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_URL,
                   _("“%s” is not a shared cart: give its name (such as nbia-49121659384603347) "
                     "or its link, which ends in ?saved-cart= and the name"), text);
      return NULL;
    }

  return g_steal_pointer (&name);
}

void
tcia_client_get_shared_cart_async (TciaClient          *self,
                                   const char          *name_or_url,
                                   GListStore          *into,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  const char *endpoint = "getContentsByName";
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *v1_url = NULL;
  Param params[1];

  CHECK_LISTING (self, cancellable, into, TCIA_TYPE_SERIES);
  g_return_if_fail (name_or_url != NULL);

  name = parse_cart_name (name_or_url, &error);
  if (name == NULL)
    {
      g_task_report_error (self, callback, user_data, tcia_client_get_shared_cart_async,
                           g_steal_pointer (&error));
      return;
    }

  /* Never ported to v4: ".../services/v4/" -> ".../services/v1/". */
  if (self->version == TCIA_API_V4)
    {
      gsize len = strlen (self->api_url);

      g_assert (len >= 4 && g_str_has_suffix (self->api_url, "v4/"));
      v1_url = g_strdup (self->api_url);
      v1_url[len - 2] = '1';
    }
  else
    v1_url = g_strdup (self->api_url);

  params[0] = (Param) { "name", name };
  tcia_client_start_get (self, TCIA_CLIENT_RESULT_RECORDS, TCIA_TYPE_SERIES, into,
             tcia_client_build_url (v1_url, endpoint, params, 1),
             endpoint, tcia_client_get_shared_cart_async, cancellable, callback, user_data);
}

GListModel *
tcia_client_get_shared_cart_finish (TciaClient    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return tcia_client_operation_listing_finish (self, result, tcia_client_get_shared_cart_async, error);
}

void
tcia_client_get_series_size_async (TciaClient          *self,
                                   const char          *series_uid,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  const char *endpoint = "getSeriesSize";
  Param params[] = { { "SeriesInstanceUID", series_uid } };

  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (series_uid != NULL && series_uid[0] != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  tcia_client_start_get (self, TCIA_CLIENT_RESULT_SERIES_SIZE, G_TYPE_NONE, NULL,
             tcia_client_build_url (self->api_url, endpoint, params, 1),
             endpoint, tcia_client_get_series_size_async, cancellable, callback, user_data);
}

gboolean
tcia_client_get_series_size_finish (TciaClient    *self,
                                    GAsyncResult  *result,
                                    guint64       *total_bytes,
                                    guint         *object_count,
                                    GError       **error)
{
  TciaClientOperation *op;

  g_return_val_if_fail (TCIA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        tcia_client_get_series_size_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  op = g_task_get_task_data (G_TASK (result));
  tcia_client_operation_get_size (op, total_bytes, object_count);

  return TRUE;
}

void
tcia_client_list_sop_instance_uids_async (TciaClient          *self,
                                          const char          *series_uid,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  const char *endpoint = "getSOPInstanceUIDs";
  Param params[] = { { "SeriesInstanceUID", series_uid } };

  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (series_uid != NULL && series_uid[0] != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  tcia_client_start_get (self, TCIA_CLIENT_RESULT_SOP_UIDS, G_TYPE_NONE, NULL,
             tcia_client_build_url (self->api_url, endpoint, params, 1),
             endpoint, tcia_client_list_sop_instance_uids_async, cancellable, callback, user_data);
}

char **
tcia_client_list_sop_instance_uids_finish (TciaClient    *self,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  g_return_val_if_fail (TCIA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        tcia_client_list_sop_instance_uids_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tcia_client_get_thumbnail_async (TciaClient          *self,
                                 const char          *series_uid,
                                 const char          *sop_uid,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  const char *endpoint = "getThumbnail";
  Param params[] = { { "seriesUID", series_uid }, { "objectUID", sop_uid } };

  g_return_if_fail (TCIA_IS_CLIENT (self));
  g_return_if_fail (series_uid != NULL && series_uid[0] != '\0');
  g_return_if_fail (sop_uid != NULL && sop_uid[0] != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (self->version != TCIA_API_V4)
    {
      g_task_report_new_error (self, callback, user_data, tcia_client_get_thumbnail_async,
                               TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_UNSUPPORTED,
                               _("Previews are only available from the v4 API; "
                                 "%s is a v1 address"), self->api_url);
      return;
    }

  tcia_client_start_get (self, TCIA_CLIENT_RESULT_IMAGE, G_TYPE_NONE, NULL,
             tcia_client_build_url (self->api_url, endpoint, params, G_N_ELEMENTS (params)),
             endpoint, tcia_client_get_thumbnail_async, cancellable, callback, user_data);
}

GBytes *
tcia_client_get_thumbnail_finish (TciaClient    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (TCIA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        tcia_client_get_thumbnail_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
tcia_client_build_image_url (TciaClient *self,
                             const char *series_uid,
                             gboolean    include_md5)
{
  Param params[] = {
    { "SeriesInstanceUID", series_uid },
    { "NewFileNames", "Yes" },
    { "IncludeMD5", include_md5 ? "Yes" : "No" },
  };

  g_return_val_if_fail (TCIA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (series_uid != NULL && series_uid[0] != '\0', NULL);

  /* IncludeMD5 is v4 only (and v4 trips over its absence, tcia-api.md §3.13). */
  return tcia_client_build_url (self->api_url, "getImage", params,
                    self->version == TCIA_API_V4 ? 3 : 2);
}
