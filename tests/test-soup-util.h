/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A blocking HTTP exchange for tests of the fake servers: what came back,
 * kept after the message is gone. */

#include <libsoup/soup.h>

typedef struct
{
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
  GError             *error;
} Reply;

static inline void
reply_free (Reply *r)
{
  g_clear_pointer (&r->body, g_bytes_unref);
  g_clear_pointer (&r->headers, soup_message_headers_unref);
  g_clear_error (&r->error);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

/* Sends @msg (taking it) on @s and waits for the whole body. */
static inline Reply *
send_message (SoupSession *s,
              SoupMessage *msg)
{
  Reply *r = g_new0 (Reply, 1);

  r->body = soup_session_send_and_read (s, msg, NULL, &r->error);
  r->status = soup_message_get_status (msg);
  r->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  g_object_unref (msg);
  return r;
}
