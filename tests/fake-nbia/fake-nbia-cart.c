/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-nbia-server.h"

/* Shared carts and manifests: getContentsByName and getManifestText. */

/* ---- carts, descriptions, manifests, simple search ---- */

typedef struct
{
  const char *name;
  guint       kind;
} Cart;

static const Cart carts[] = {
  { "nbia-49121659384603347", 0 },   /* the first five series and the last regular one */
  { "nbia-56821341087226601", 1 },   /* every seventh series, at most 20 */
  { "nbia-11001233478812345", 2 },   /* the first series of each collection */
};

GArray *
fake_cart_series (const FakeArchive *a,
                  const char        *name)
{
  GArray *list = NULL;
  guint32 n_regular = a->n_series;

  for (guint i = 0; i < G_N_ELEMENTS (carts); i++)
    {
      if (strcmp (carts[i].name, name) != 0)
        continue;
      list = g_array_new (FALSE, FALSE, sizeof (guint32));
      if (a->n_collections > 0 &&
          g_str_equal (a->collections[a->n_collections - 1].name, "Big-Series"))
        n_regular--;
      switch (carts[i].kind)
        {
        case 0:
          for (guint32 s = 0; s < MIN (5, n_regular); s++)
            g_array_append_val (list, s);
          if (n_regular > 5)
            {
              guint32 last = n_regular - 1;

              g_array_append_val (list, last);
            }
          break;
        case 1:
          for (guint32 s = 0; s < n_regular && list->len < 20; s += 7)
            g_array_append_val (list, s);
          break;
        case 2:
        default:
          for (guint k = 0; k < a->n_collections; k++)
            if (a->collections[k].n_series > 0)
              g_array_append_val (list, a->collections[k].first_series);
          break;
        }
    }
  return list;
}

static void
get_contents_by_name (FakeNbia      *self,
                      const Request *req,
                      Response      *resp)
{
  const char *name = fake_req_get (req, "name");
  g_autoptr(FakeTable) table = fake_table_new (FAKE_TABLE_JSON);
  g_autoptr(GArray) list = NULL;
  SeriesRows rows = { .table = table, .version = 1, .cart = TRUE };

  if (name == NULL)
    {
      fake_set_bad_request (resp, "A parameter, name is required for this API call.");
      return;
    }
  resp->is_json = TRUE;
  list = fake_cart_series (self->archive, name);
  for (guint i = 0; list != NULL && i < list->len; i++)
    fake_series_row (self->archive, g_array_index (list, guint32, i), &rows);
  fake_finish_table (resp, table);
}

static void
get_manifest_text (FakeNbia      *self,
                   const Request *req,
                   Response      *resp)
{
  g_autoptr(GPtrArray) uids = fake_form_list (req, "list", FALSE);
  const char *annotation = fake_req_get (req, "includeAnnotation");
  GString *text;

  if (uids->len == 0)
    {
      fake_set_bad_request (resp, "A form parameter, list, containing at least one "
                                  "SeriesInstanceUID is required.");
      return;
    }
  text = g_string_new (NULL);
  g_string_append_printf (text,
                          "downloadServerUrl=https://public.cancerimagingarchive.net/"
                          "nbia-download/servlet/DownloadServlet\n"
                          "includeAnnotation=%s\n"
                          "noOfrRetry=4\n"
                          "databasketId=manifest-%" G_GINT64_FORMAT ".tcia\n"
                          "manifestVersion=3.0\n"
                          "ListOfSeriesToDownload=\n",
                          annotation != NULL && g_ascii_strcasecmp (annotation, "true") == 0
                          ? "true" : "false",
                          g_get_real_time () / 1000);
  for (guint i = 0; i < uids->len; i++)
    g_string_append_printf (text, "%s\n", (char *) uids->pdata[i]);
  resp->status = SOUP_STATUS_OK;
  resp->content_type = g_strdup ("application/x-nbia-manifest-file");
  resp->body = g_string_free_to_bytes (text);
}

const Endpoint fake_nbia_cart_endpoints[] = {
  { "getContentsByName", V1, "GET", NULL, FALSE, get_contents_by_name },
  { "getManifestText", V4, "POST", ALLOWED ("list", "includeAnnotation"),
    TRUE, get_manifest_text },
  { NULL }
};

GArray *
fake_nbia_get_cart (FakeNbia   *self,
                    const char *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return fake_cart_series (self->archive, name);
}
