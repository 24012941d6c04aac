/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the tests of the fake IDC share: one fake IDC in a thread of its own,
 * a synchronous SoupSession, and readers of S3's XML. */

#include <string.h>

#include <libsoup/soup.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "fake-idc.h"
#include "test-soup-util.h"

static FakeIdc *server;
static FakeIdcArchive *archive;
static SoupSession *session;
static char *api;
static char *bucket_url;

/* @method on @url, with one optional request header. */
static inline Reply *
request (const char *method,
         const char *url,
         const char *header,
         const char *value)
{
  SoupMessage *msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  if (header != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), header, value);
  return send_message (session, msg);
}

static inline xmlDoc *
reply_xml (const Reply *r)
{
  xmlDoc *doc;

  g_assert_nonnull (r->body);
  doc = xmlReadMemory (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body), NULL,
                       NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  return doc;
}

/* The texts of every element named @name, whatever its namespace. */
static inline GPtrArray *
xml_texts (xmlDoc     *doc,
           const char *name)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  xmlXPathContext *ctx = xmlXPathNewContext (doc);
  g_autofree char *expr = g_strdup_printf ("//*[local-name()='%s']", name);
  xmlXPathObject *result = xmlXPathEvalExpression (BAD_CAST expr, ctx);

  for (int i = 0; result->nodesetval != NULL && i < result->nodesetval->nodeNr; i++)
    {
      xmlChar *text = xmlNodeGetContent (result->nodesetval->nodeTab[i]);

      g_ptr_array_add (texts, g_strdup ((const char *) text));
      xmlFree (text);
    }
  xmlXPathFreeObject (result);
  xmlXPathFreeContext (ctx);
  return texts;
}

/* The text of the only element named @name, or NULL when there is none. */
static inline char *
xml_text (xmlDoc     *doc,
          const char *name)
{
  g_autoptr(GPtrArray) texts = xml_texts (doc, name);

  g_assert_cmpuint (texts->len, <=, 1);
  return texts->len > 0 ? g_strdup (texts->pdata[0]) : NULL;
}

/* Asserts an S3 <Error> with @status and @code. */
static inline void
assert_s3_error (const Reply *r,
                 guint        status,
                 const char  *code)
{
  xmlDoc *doc;
  g_autofree char *text = NULL;

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, status);
  doc = reply_xml (r);
  g_assert_nonnull (doc);
  text = xml_text (doc, "Code");
  g_assert_cmpstr (text, ==, code);
  xmlFreeDoc (doc);
}

static inline void
fake_idc_test_start (void)
{
  g_autoptr(GError) error = NULL;

  server = fake_idc_new (NULL);
  if (!fake_idc_start_in_thread (server, 0, 0, &error))
    g_error ("fake IDC: %s", error->message);
  archive = fake_idc_get_archive (server);
  api = fake_idc_get_api_url (server);
  bucket_url = fake_idc_get_bucket_url (server);
  session = soup_session_new_with_options ("proxy-resolver", NULL, "timeout", 60, NULL);
}

static inline void
fake_idc_test_stop (void)
{
  g_clear_object (&session);
  g_clear_pointer (&server, fake_idc_free);
  g_clear_pointer (&api, g_free);
  g_clear_pointer (&bucket_url, g_free);
}
