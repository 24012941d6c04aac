/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

/* What a look-up of the NBIA client tells: what it asked for, in words;
 * its failures as TCIA_CLIENT_ERROR codes a caller can act on; and its
 * retries, as TciaClient::retrying emitted in the caller's context. The
 * look-up itself is tcia-client-operation.c's. */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tcia-client-operation.h"
#include "tcia-text.h"

/* What a person asked for, in words: API names such as "getSeries" mean
 * nothing to them. */
const char *
tcia_client_describe_endpoint (const char *endpoint)
{
  static const struct
  {
    const char *endpoint;
    const char *what;
  } words[] = {
    { "getCollectionValues", N_("the list of collections") },
    { "getCollectionValuesAndCounts", N_("the list of collections") },
    { "getModalityValues", N_("the list of modalities") },
    { "getModalityValuesAndCounts", N_("the list of modalities") },
    { "getBodyPartValues", N_("the list of body parts") },
    { "getBodyPartValuesAndCounts", N_("the list of body parts") },
    { "getManufacturerValues", N_("the list of manufacturers") },
    { "getManufacturerValuesAndCounts", N_("the list of manufacturers") },
    { "getCollectionDescriptions", N_("the description of the collection") },
    { "getPatient", N_("the list of patients") },
    { "getPatientStudy", N_("the list of studies") },
    { "getSeries", N_("the list of series") },
    { "getUpdatedSeries", N_("the list of new series") },
    { "getSeriesMetadata", N_("the details of the series") },
    { "getSeriesMetaData", N_("the details of the series") },
    { "getSeriesSize", N_("the size of the series") },
    { "getSOPInstanceUIDs", N_("the list of images of the series") },
    { "getContentsByName", N_("the shared basket") },
    { "getThumbnail", N_("the preview of the series") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      if (g_str_equal (endpoint, words[i].endpoint))
        return _(words[i].what);
    }

  return _("an answer from the server");
}

typedef struct
{
  TciaClient   *client;
  char         *signal;        /* "retrying::TciaSeries" */
  GCancellable *cancellable;   /* the look-up's */
  guint         attempt;
  guint         max_attempts;
  guint         delay_ms;
  char         *reason;
} Retrying;

static void
retrying_free (gpointer data)
{
  Retrying *retrying = data;

  g_object_unref (retrying->client);
  g_clear_object (&retrying->cancellable);
  g_free (retrying->signal);
  g_free (retrying->reason);
  g_free (retrying);
}

static gboolean
emit_retrying_cb (gpointer data)
{
  Retrying *retrying = data;

  /* A look-up given up must not say that it goes on; a newer one may be
   * running for the same listener. */
  if (g_cancellable_is_cancelled (retrying->cancellable))
    return G_SOURCE_REMOVE;

  g_signal_emit_by_name (retrying->client, retrying->signal,
                         retrying->attempt, retrying->max_attempts, retrying->delay_ms,
                         retrying->reason);

  return G_SOURCE_REMOVE;
}

/* Through a source attached to the caller's context rather than
 * g_main_context_invoke(), which would emit right here in the worker
 * whenever it could acquire that context. */
void
tcia_client_post_retrying (TciaClient   *client,
                           GType         record_type,
                           GCancellable *cancellable,
                           GMainContext *context,
                           guint         attempt,
                           guint         max_attempts,
                           guint         delay_ms,
                           const char   *reason)
{
  g_autoptr(GSource) source = g_idle_source_new ();
  Retrying *retrying = g_new0 (Retrying, 1);

  retrying->client = g_object_ref (client);
  /* Detailed by what the look-up lists, so that a page can follow its own. */
  retrying->signal = record_type != G_TYPE_NONE
                     ? g_strconcat ("retrying::", g_type_name (record_type), NULL)
                     : g_strdup ("retrying");
  retrying->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  retrying->attempt = attempt;
  retrying->max_attempts = max_attempts;
  retrying->delay_ms = delay_ms;
  retrying->reason = tcia_text_sanitize (reason, TCIA_TEXT_MESSAGE_MAX);

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_retrying_cb, retrying, retrying_free);
  g_source_set_static_name (source, "[tcia-core] retrying");
  g_source_attach (source, context);
}

void
tcia_client_set_web_page_error (GError     **error,
                                const char  *what)
{
  g_set_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE,
               _("The server sent a web page instead of %s; "
                 "it may be down for maintenance."),
               what);
}

/* The HTTP layer's codes as the client's. */
void
tcia_client_set_error_from_http (GError     **error,
                                 const char  *host)
{
  GError *e = *error;

  if (e == NULL || e->domain != TCIA_HTTP_ERROR)
    return;

  switch (e->code)
    {
    case TCIA_HTTP_ERROR_NETWORK:
    case TCIA_HTTP_ERROR_UNREACHABLE:
      e->code = TCIA_CLIENT_ERROR_NETWORK;
      break;
    case TCIA_HTTP_ERROR_BAD_REQUEST:
      e->code = TCIA_CLIENT_ERROR_BAD_REQUEST;
      break;
    case TCIA_HTTP_ERROR_TIMED_OUT:
      e->code = TCIA_CLIENT_ERROR_TIMED_OUT;
      break;
    case TCIA_HTTP_ERROR_INVALID_URL:
      e->code = TCIA_CLIENT_ERROR_INVALID_URL;
      break;
    case TCIA_HTTP_ERROR_NOT_FOUND:
      {
        g_autofree char *sentence = g_strdup (e->message);
        char *hinted;

        /* Two sentences: what the server said, then the hint. */
        if (g_str_has_suffix (sentence, "."))
          sentence[strlen (sentence) - 1] = '\0';
        hinted = g_strdup_printf (_("%s. Check that %s is an NBIA API address."),
                                  sentence, host);

        g_free (e->message);
        e->message = hinted;
        e->code = TCIA_CLIENT_ERROR_SERVER;
      }
      break;
    case TCIA_HTTP_ERROR_SERVER:
    default:
      e->code = TCIA_CLIENT_ERROR_SERVER;
      break;
    }
  e->domain = TCIA_CLIENT_ERROR;
}
