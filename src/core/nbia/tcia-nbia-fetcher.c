/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-nbia-fetcher.h"
#include "tcia-nbia-zip.h"
#include "tcia-text.h"

struct _TciaNbiaFetcher
{
  GObject     parent_instance;

  TciaClient *client;  /* immutable once made: read from worker threads too */
};

static void fetcher_iface_init (TciaFetcherInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TciaNbiaFetcher, tcia_nbia_fetcher, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TCIA_TYPE_FETCHER, fetcher_iface_init))

static const char *
get_name (TciaFetcher *fetcher)
{
  return "NBIA";
}

static gboolean
can_fetch (TciaFetcher *fetcher,
           TciaSeries  *series,
           guint64     *size)
{
  /* NBIA serves every series it lists; the listing says how big. */
  if (size != NULL)
    *size = tcia_series_get_file_size (series);
  return TRUE;
}

/* The HTTP layer's verdict as the download's error, in the words a
 * Downloads row shows. */
static void
set_send_error (SoupMessage      *msg,
                const GError     *sent,
                TciaHttpFailure  *failure,
                GError          **error)
{
  if (g_error_matches (sent, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, sent->message);
  else if (failure->status == 0)
    g_set_error_literal (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NETWORK, sent->message);
  else if (tcia_http_error_is_transient (sent))
    g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_SERVER,
                 failure->status == TCIA_HTTP_STATUS_TOO_MANY_REQUESTS
                 ? _("The server asked to slow down (HTTP %u).")
                 : _("The server failed (HTTP %u)."),
                 failure->status);
  else
    {
      g_autofree char *reason = tcia_text_sanitize (soup_message_get_reason_phrase (msg),
                                                    TCIA_TEXT_MESSAGE_MAX);

      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_REFUSED,
                   _("The server refused the series (HTTP %u): %s"), failure->status,
                   failure->text[0] != '\0' ? failure->text : reason);
    }
}

static gboolean
fetch (TciaFetcher       *fetcher,
       TciaSeries        *series,
       TciaSeriesWriter  *writer,
       SoupSession       *session,
       TciaHttpFailure   *failure,
       GCancellable      *cancellable,
       GError           **error)
{
  TciaNbiaFetcher *self = TCIA_NBIA_FETCHER (fetcher);
  gboolean verify = (tcia_series_writer_get_flags (writer) & TCIA_EXTRACT_VERIFY_MD5) != 0;
  g_autofree char *url = tcia_client_build_image_url (self->client,
                                                      tcia_series_get_series_uid (series),
                                                      verify);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *host = NULL;
  gboolean ok;

  if (msg == NULL)
    {
      g_autofree char *shown = tcia_text_sanitize (url, TCIA_TEXT_MESSAGE_MAX);

      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_REFUSED,
                   _("The download address “%s” is not valid."), shown);
      return FALSE;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "*/*");

  /* Only v4 can be asked for md5hashes.csv (tcia-api.md §3.13). */
  if (verify && tcia_client_get_api_version (self->client) == TCIA_API_V4)
    tcia_series_writer_add_flags (writer, TCIA_EXTRACT_REQUIRE_MD5);

  host = g_strdup (g_uri_get_host (soup_message_get_uri (msg)));
  stream = tcia_http_send (session, msg, _("the images of the series"), host, cancellable,
                           failure, &local);
  if (stream == NULL)
    {
      set_send_error (msg, local, failure, error);
      return FALSE;
    }

  if (tcia_http_is_web_page (msg))
    {
      g_autofree char *text = tcia_http_read_error_text (stream, cancellable);

      g_input_stream_close (stream, NULL, NULL);
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NOT_ARCHIVE,
                   _("The server sent a web page instead of the series’ archive (“%s”). It "
                     "may be down for maintenance: try again later."),
                   text);
      return FALSE;
    }

  ok = tcia_nbia_zip_extract (stream, writer, cancellable, error);
  g_input_stream_close (stream, NULL, NULL);
  if (!ok && error != NULL && *error != NULL &&
      g_error_matches (*error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_NETWORK))
    failure->congested = TRUE;
  return ok;
}

static void
fetcher_iface_init (TciaFetcherInterface *iface)
{
  iface->get_name = get_name;
  iface->can_fetch = can_fetch;
  iface->fetch = fetch;
}

static void
tcia_nbia_fetcher_finalize (GObject *object)
{
  TciaNbiaFetcher *self = TCIA_NBIA_FETCHER (object);

  g_clear_object (&self->client);

  G_OBJECT_CLASS (tcia_nbia_fetcher_parent_class)->finalize (object);
}

static void
tcia_nbia_fetcher_class_init (TciaNbiaFetcherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tcia_nbia_fetcher_finalize;
}

static void
tcia_nbia_fetcher_init (TciaNbiaFetcher *self)
{
}

TciaFetcher *
tcia_nbia_fetcher_new (TciaClient *client)
{
  TciaNbiaFetcher *self;

  g_return_val_if_fail (TCIA_IS_CLIENT (client), NULL);

  self = g_object_new (TCIA_TYPE_NBIA_FETCHER, NULL);
  self->client = g_object_ref (client);
  return TCIA_FETCHER (self);
}
