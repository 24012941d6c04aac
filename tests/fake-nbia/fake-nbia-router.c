/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-nbia-server.h"

/* The router: the endpoint tables, v4 parameter whitelists, a small cache of
 * big listings, listings made in worker threads, latency, and the /fake-nbia/
 * control endpoints. */

#define CACHE_MIN_BYTES (256 * 1024)

void
fake_cache_entry_free (gpointer data)
{
  CacheEntry *e = data;

  g_free (e->key);
  g_bytes_unref (e->body);
  g_free (e->content_type);
  g_free (e->disposition);
  g_free (e);
}

static const Endpoint *const groups[] = {
  fake_nbia_values_endpoints,
  fake_nbia_series_endpoints,
  fake_nbia_updated_endpoints,
  fake_nbia_image_endpoints,
  fake_nbia_metadata_endpoints,
  fake_nbia_cart_endpoints,
  fake_nbia_search_endpoints,
};

static const Endpoint *
find_endpoint (const char *name,
               guint       version)
{
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    for (const Endpoint *ep = groups[g]; ep->name != NULL; ep++)
      if (strcmp (ep->name, name) == 0 && (ep->versions & (version == 4 ? V4 : V1)))
        return ep;
  return NULL;
}

/* v4's check: "Invalid query parameter: 'x'. Allowed parameters are: [a, b]". */
static gboolean
check_whitelist (const Endpoint *ep,
                 GPtrArray      *params,
                 Response       *resp)
{
  for (guint i = 0; i < params->len; i++)
    {
      Param *p = params->pdata[i];
      gboolean ok = FALSE;
      g_autoptr(GString) text = NULL;

      for (guint j = 0; ep->allowed[j] != NULL && !ok; j++)
        ok = strcmp (ep->allowed[j], p->name) == 0;
      if (ok)
        continue;
      text = g_string_new (NULL);
      g_string_append_printf (text, "Invalid %s parameter: '%s'. Allowed parameters are: [",
                              ep->form ? "form" : "query", p->name);
      for (guint j = 0; ep->allowed[j] != NULL; j++)
        g_string_append_printf (text, "%s%s", j > 0 ? ", " : "", ep->allowed[j]);
      g_string_append_c (text, ']');
      fake_set_text (resp, SOUP_STATUS_BAD_REQUEST, "text/plain", text->str);
      return FALSE;
    }
  return TRUE;
}

/* ---- the cache of big listings ---- */

static char *
cache_key (FakeNbia      *self,
           const Request *req)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  GString *key = g_string_new (NULL);

  for (guint i = 0; i < req->params->len; i++)
    {
      Param *p = req->params->pdata[i];

      g_ptr_array_add (parts, g_strdup_printf ("%s=%s", p->name, p->value));
    }
  g_ptr_array_sort (parts, fake_compare_strings);
  g_string_append_printf (key, "v%u/%s#%u", req->version, req->endpoint,
                          fake_changes_generation (self->archive));
  for (guint i = 0; i < parts->len; i++)
    g_string_append_printf (key, "\n%s", (char *) parts->pdata[i]);
  return g_string_free (key, FALSE);
}

static gboolean
cache_lookup (FakeNbia   *self,
              const char *key,
              Response   *resp)
{
  for (GList *l = self->cache.head; l != NULL; l = l->next)
    {
      CacheEntry *e = l->data;

      if (strcmp (e->key, key) != 0)
        continue;
      g_queue_unlink (&self->cache, l);
      g_queue_push_head_link (&self->cache, l);
      resp->status = SOUP_STATUS_OK;
      resp->body = g_bytes_ref (e->body);
      resp->content_type = g_strdup (e->content_type);
      resp->disposition = g_strdup (e->disposition);
      resp->is_json = g_strcmp0 (e->content_type, "application/json") == 0;
      return TRUE;
    }
  return FALSE;
}

static void
cache_store (FakeNbia   *self,
             const char *key,
             Response   *resp)
{
  CacheEntry *e;

  if (resp->status != SOUP_STATUS_OK || resp->body == NULL ||
      g_bytes_get_size (resp->body) < CACHE_MIN_BYTES)
    return;
  e = g_new0 (CacheEntry, 1);
  e->key = g_strdup (key);
  e->body = g_bytes_ref (resp->body);
  e->content_type = g_strdup (resp->content_type);
  e->disposition = g_strdup (resp->disposition);
  g_queue_push_head (&self->cache, e);
  while (self->cache.length > MAX (self->options.cache_entries, 1))
    fake_cache_entry_free (g_queue_pop_tail (&self->cache));
}

/* ---- requests ---- */

/* A listing of a big archive, made in a worker thread so the server keeps
 * answering meanwhile. */
typedef struct
{
  FakeNbia          *self;
  SoupServerMessage *msg;
  Request           *req;
  const Endpoint    *ep;
  char              *key;
  char              *uid;
  Response           resp;
  GSource           *source;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_object_unref (job->msg);
  fake_request_free (job->req);
  g_free (job->key);
  g_free (job->uid);
  fake_response_clear (&job->resp);
  g_free (job);
}

static gboolean
job_done_cb (gpointer data)
{
  Job *job = data;

  fake_control_untrack (job->self->control, job->source);
  cache_store (job->self, job->key, &job->resp);
  fake_finish_answer (job->self, job->msg, job->req, job->uid, &job->resp);
  soup_server_message_unpause (job->msg);
  return G_SOURCE_REMOVE;
}

void
fake_job_run (gpointer data,
              gpointer user_data)
{
  Job *job = data;
  GSource *source;

  job->ep->func (job->self, job->req, &job->resp);
  source = job->source = g_idle_source_new ();
  g_source_set_callback (source, job_done_cb, job, job_free);
  fake_control_track (job->self->control, source);
  /* Once attached, the server's thread may run job_done_cb and free @job
   * before this thread returns: touch only locals from here on. */
  g_source_attach (source, job->self->context);
  g_source_unref (source);
}

#define JOB_MIN_SERIES 5000

static void
answer (FakeNbia          *self,
        SoupServerMessage *msg,
        Request           *req)
{
  const Endpoint *ep = find_endpoint (req->endpoint, req->version);
  Response resp = { 0 };
  g_autofree char *uid = fake_request_series_uid (self, req);
  g_autofree char *key = NULL;
  FakeNbiaFault fault;

  fake_control_count_request (self->control, req->endpoint);
  if (fake_param_get (req->params, "Collection") != NULL)
    fake_control_count_detail (self->control, req->endpoint,
                               fake_param_get (req->params, "Collection"));

  if (ep == NULL)
    {
      fake_set_text (&resp, SOUP_STATUS_NOT_FOUND, "text/plain", "Not Found");
      goto send;
    }
  if (strcmp (ep->method, req->method) != 0)
    {
      fake_set_text (&resp, SOUP_STATUS_METHOD_NOT_ALLOWED, "text/plain", "Method Not Allowed");
      goto send;
    }

  fault = fake_take_fault (self, PRE_FAULTS, uid);
  if (fault != FAKE_NBIA_FAULT_NONE)
    {
      fake_apply_pre_fault (self, fault, req, &resp, msg);
      goto send;
    }

  if (req->version == 4 && ep->allowed != NULL &&
      !check_whitelist (ep, ep->form ? req->params : req->query, &resp))
    goto send;

  /* A listing without counts is made afresh and not kept. */
  fake_take_no_counts (self, req);
  if (strcmp (ep->method, "GET") == 0 && !req->no_counts)
    {
      key = cache_key (self, req);
      if (cache_lookup (self, key, &resp))
        goto finish;
    }
  if (ep->listing && self->archive->n_series >= JOB_MIN_SERIES && self->pool != NULL)
    {
      Job *job = g_new0 (Job, 1);

      job->self = self;
      job->msg = g_object_ref (msg);
      job->req = req;
      job->ep = ep;
      job->key = g_steal_pointer (&key);
      job->uid = g_steal_pointer (&uid);
      soup_server_message_pause (msg);
      g_thread_pool_push (self->pool, job, NULL);
      return;
    }
  ep->func (self, req, &resp);
  if (key != NULL)
    cache_store (self, key, &resp);

finish:
  fake_finish_answer (self, msg, req, uid, &resp);
  fake_response_clear (&resp);
  fake_request_free (req);
  return;

send:
  fake_send_response (msg, &resp);
  fake_response_clear (&resp);
  fake_request_free (req);
}

/* ---- control endpoints and dispatch ---- */

static void
api_cb (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  answer (user_data, msg, fake_parse_request (msg, path));
}

void
fake_server_cb (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  FakeNbia *self = user_data;

  if (g_str_has_prefix (path, CONTROL_PREFIX))
    {
      if (!fake_control_answer (self->control, msg, path + strlen (CONTROL_PREFIX), query))
        fake_control_reply (msg, SOUP_STATUS_NOT_FOUND, "Not Found\n");
      return;
    }
  if (!g_str_has_prefix (path, V4_PREFIX) && !g_str_has_prefix (path, V1_PREFIX))
    {
      fake_control_reply (msg, SOUP_STATUS_NOT_FOUND, "Not Found");
      return;
    }
  fake_control_dispatch (self->control, api_cb, server, msg, path, query, self);
}
