/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tcia-client-operation.h"

/* Image bodies (getThumbnail) are small and read whole; what makes one
 * "an image" is left to whoever decodes it, since NBIA's Content-Type
 * says image/jpeg whatever it sends. */

#define READ_CHUNK_SIZE (16 * 1024)

TciaHttpBodyOutcome
tcia_client_read_image_body (GInputStream   *stream,
                             TciaHttpWatch  *watch,
                             GByteArray     *into,
                             const char     *what,
                             GCancellable   *cancellable,
                             GError        **error)
{
  guint8 buffer[READ_CHUNK_SIZE];

  g_byte_array_set_size (into, 0);
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n = g_input_stream_read (stream, buffer, sizeof buffer, cancellable, &local_error);

      if (n < 0)
        {
          gboolean transient = tcia_http_error_is_transient (local_error);

          g_propagate_error (error, g_steal_pointer (&local_error));
          g_input_stream_close (stream, NULL, NULL);
          return transient ? TCIA_HTTP_BODY_RETRY : TCIA_HTTP_BODY_FATAL;
        }
      if (n == 0)
        break;

      tcia_http_watch_body_bytes (watch, (gsize) n);
      if (into->len + (guint64) n > TCIA_CLIENT_IMAGE_MAX_BYTES)
        {
          g_autofree char *size = g_format_size_full (TCIA_CLIENT_IMAGE_MAX_BYTES,
                                                      G_FORMAT_SIZE_IEC_UNITS);

          g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE,
                       _("The server sent more than %s with %s; no preview is that large."),
                       size, what);
          g_input_stream_close (stream, NULL, NULL);
          return TCIA_HTTP_BODY_FATAL;
        }
      g_byte_array_append (into, buffer, (guint) n);
    }

  if (into->len == 0)
    {
      g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE,
                   _("The server sent an empty answer for %s."), what);
      g_input_stream_close (stream, NULL, NULL);
      return TCIA_HTTP_BODY_FATAL;
    }

  g_input_stream_close (stream, cancellable, NULL);
  return TCIA_HTTP_BODY_OK;
}
