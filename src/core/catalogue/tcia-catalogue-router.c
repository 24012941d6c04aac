/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tcia-collection.h"
#include "tcia-series.h"

#include "tcia-catalogue-impl.h"
#include "tcia-catalogue-router.h"

/* Each call is a GTask of the router that forwards to the backend chosen
 * (tcia-catalogue-router.h says which), so a caller sees one source. */

struct _TciaCatalogueRouter
{
  GObject             parent_instance;

  TciaLocalCatalogue *local;
  TciaCatalogue      *remote;   /* may be NULL: local only */
  gboolean            strict;
};

static void tcia_catalogue_router_iface_init (TciaCatalogueInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TciaCatalogueRouter, tcia_catalogue_router, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TCIA_TYPE_CATALOGUE,
                                                      tcia_catalogue_router_iface_init))

typedef enum
{
  OP_COLLECTIONS,
  OP_VALUES,
  OP_SERIES,
  OP_DESCRIPTIONS,
  OP_DETAILS,
  OP_SHARED_CART,
} Op;

typedef struct
{
  Op             op;
  TciaValueKind  kind;
  TciaQuery     *query;
  char          *name;
  char         **uids;
  GListStore    *into;
  GListModel    *local_rows;   /* a local answer kept while the server is asked */
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_clear_pointer (&call->query, tcia_query_free);
  g_free (call->name);
  g_strfreev (call->uids);
  g_clear_object (&call->into);
  g_clear_object (&call->local_rows);
  g_free (call);
}

static GListModel *
finish_backend (TciaCatalogue  *backend,
                Op              op,
                GAsyncResult   *result,
                GError        **error)
{
  switch (op)
    {
    case OP_COLLECTIONS:
      return tcia_catalogue_list_collections_finish (backend, result, error);
    case OP_VALUES:
      return tcia_catalogue_list_values_finish (backend, result, error);
    case OP_SERIES:
      return tcia_catalogue_list_series_finish (backend, result, error);
    case OP_DESCRIPTIONS:
      return tcia_catalogue_describe_collections_finish (backend, result, error);
    case OP_DETAILS:
      return tcia_catalogue_get_series_details_finish (backend, result, error);
    case OP_SHARED_CART:
      return tcia_catalogue_get_shared_cart_finish (backend, result, error);
    default:
      g_assert_not_reached ();
    }
}

static void start_backend (GTask         *task,
                           TciaCatalogue *backend,
                           GListStore    *into);

static void
put_rows (GListStore *into,
          GListModel *rows)
{
  guint n = g_list_model_get_n_items (rows);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (rows, i);

      g_list_store_append (into, item);
    }
}

/* Whether a local answer to a description or details call lacks what the
 * server may have: the description of a collection not synced, or series
 * it has not listed. */
static gboolean
local_answer_lacks (Call       *call,
                    GListModel *rows)
{
  guint n = g_list_model_get_n_items (rows);

  if (call->op == OP_DETAILS)
    return n < g_strv_length (call->uids);

  if (n == 0)
    return TRUE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaCollection) collection = g_list_model_get_item (rows, i);

      if (tcia_collection_get_description (collection) == NULL)
        return TRUE;
    }

  return FALSE;
}

/* A strict details call that the server could not complete (@error, or
 * NULL when there is no server to ask): what the local catalogue found
 * goes into @into, the rest is said to be not looked up. */
static void
return_incomplete (GTask        *task,
                   GListModel   *local_rows,
                   const GError *error)
{
  Call *call = g_task_get_task_data (task);

  if (call->into != NULL && local_rows != NULL)
    put_rows (call->into, local_rows);
  if (error != NULL)
    g_task_return_new_error (task, TCIA_CATALOGUE_DETAILS_ERROR,
                             TCIA_CATALOGUE_DETAILS_ERROR_INCOMPLETE,
                             _("Not in the local catalogue, and the server could not be "
                               "asked: %s"), error->message);
  else
    g_task_return_new_error (task, TCIA_CATALOGUE_DETAILS_ERROR,
                             TCIA_CATALOGUE_DETAILS_ERROR_INCOMPLETE,
                             "%s", _("Not in the local catalogue, and the server was not "
                                     "asked (offline)"));
}

static void
local_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TciaCatalogueRouter *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GError) error = NULL;

  rows = finish_backend (TCIA_CATALOGUE (source), call->op, result, &error);
  if (rows == NULL && g_task_return_error_if_cancelled (task))
    return;

  /* A listing asked of the local catalogue is its answer, rows in @into. */
  if (call->op != OP_DESCRIPTIONS && call->op != OP_DETAILS)
    {
      if (rows == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, g_steal_pointer (&rows), g_object_unref);
      return;
    }

  if (rows != NULL && self->strict && call->op == OP_DETAILS && self->remote == NULL &&
      local_answer_lacks (call, rows))
    {
      return_incomplete (task, rows, NULL);
      return;
    }
  if (rows != NULL && (self->remote == NULL || !local_answer_lacks (call, rows)))
    {
      if (call->into != NULL)
        put_rows (call->into, rows);
      g_task_return_pointer (task, call->into != NULL ? g_object_ref (G_LIST_MODEL (call->into))
                                                      : g_steal_pointer (&rows),
                             g_object_unref);
      return;
    }
  if (self->remote == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  call->local_rows = g_steal_pointer (&rows);
  start_backend (g_steal_pointer (&task), self->remote, NULL);
}

static void
remote_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TciaCatalogueRouter *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GError) error = NULL;

  rows = finish_backend (TCIA_CATALOGUE (source), call->op, result, &error);

  if (rows == NULL && self->strict && call->op == OP_DETAILS &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      return_incomplete (task, call->local_rows, error);
      return;
    }

  /* A fallback (descriptions, details) asked into a store of its own: the
   * server's rows when it answered, else what the local catalogue had. */
  if (call->op == OP_DESCRIPTIONS || call->op == OP_DETAILS)
    {
      GListModel *answer = rows != NULL ? rows : call->local_rows;

      if (answer == NULL || g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        {
          if (error == NULL)
            g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (call->into != NULL)
        {
          put_rows (call->into, answer);
          answer = G_LIST_MODEL (call->into);
        }
      g_task_return_pointer (task, g_object_ref (answer), g_object_unref);
      return;
    }

  if (rows == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&rows), g_object_unref);
}

static void
start_backend (GTask         *task,
               TciaCatalogue *backend,
               GListStore    *into)
{
  TciaCatalogueRouter *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GAsyncReadyCallback done = backend == TCIA_CATALOGUE (self->local) ? local_done_cb
                                                                      : remote_done_cb;

  switch (call->op)
    {
    case OP_COLLECTIONS:
      tcia_catalogue_list_collections_async (backend, into, cancellable, done, task);
      break;
    case OP_VALUES:
      tcia_catalogue_list_values_async (backend, call->kind, call->query, into, cancellable,
                                        done, task);
      break;
    case OP_SERIES:
      tcia_catalogue_list_series_async (backend, call->query, into, cancellable, done, task);
      break;
    case OP_DESCRIPTIONS:
      tcia_catalogue_describe_collections_async (backend, call->name, into, cancellable,
                                                 done, task);
      break;
    case OP_DETAILS:
      tcia_catalogue_get_series_details_async (backend, (const char * const *) call->uids,
                                               into, cancellable, done, task);
      break;
    case OP_SHARED_CART:
      tcia_catalogue_get_shared_cart_async (backend, call->name, into, cancellable, done, task);
      break;
    default:
      g_assert_not_reached ();
    }
}

static TciaCatalogue *
choose_backend (TciaCatalogueRouter *self,
                Call                *call)
{
  switch (call->op)
    {
    case OP_COLLECTIONS:
      return self->remote == NULL || !tcia_local_catalogue_get_is_empty (self->local)
             ? TCIA_CATALOGUE (self->local) : self->remote;
    case OP_VALUES:
    case OP_SERIES:
      return tcia_catalogue_router_is_local (self, call->query != NULL ? call->query->collection
                                                                        : NULL)
             ? TCIA_CATALOGUE (self->local) : self->remote;
    case OP_SHARED_CART:
      /* Only a server keeps what people shared. */
      return self->remote != NULL ? self->remote : TCIA_CATALOGUE (self->local);
    case OP_DESCRIPTIONS:
    case OP_DETAILS:
    default:
      return TCIA_CATALOGUE (self->local);
    }
}

static void
start_call (TciaCatalogue       *catalogue,
            Call                *call,
            GListStore          *into,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  TciaCatalogueRouter *self = TCIA_CATALOGUE_ROUTER (catalogue);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  TciaCatalogue *backend = choose_backend (self, call);
  gboolean fallback = call->op == OP_DESCRIPTIONS || call->op == OP_DETAILS;

  call->into = into != NULL ? g_object_ref (into) : NULL;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, call_free);
  /* A call that may fall back fills @into itself, once, from one answer. */
  start_backend (task, backend, fallback ? NULL : into);
}

static GListModel *
finish_call (TciaCatalogue  *catalogue,
             GAsyncResult   *result,
             gpointer        source_tag,
             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, catalogue), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
list_collections_async (TciaCatalogue       *catalogue,
                        GListStore          *into,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  Call *call = g_new0 (Call, 1);

  call->op = OP_COLLECTIONS;
  start_call (catalogue, call, into, list_collections_async, cancellable, callback, user_data);
}

TCIA_CATALOGUE_DEFINE_FINISH (list_collections, finish_call)

static void
list_values_async (TciaCatalogue       *catalogue,
                   TciaValueKind        kind,
                   const TciaQuery     *query,
                   GListStore          *into,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  Call *call = g_new0 (Call, 1);

  call->op = OP_VALUES;
  call->kind = kind;
  call->query = query != NULL ? tcia_query_copy (query) : tcia_query_new ();
  start_call (catalogue, call, into, list_values_async, cancellable, callback, user_data);
}

TCIA_CATALOGUE_DEFINE_FINISH (list_values, finish_call)

static void
list_series_async (TciaCatalogue       *catalogue,
                   const TciaQuery     *query,
                   GListStore          *into,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  Call *call = g_new0 (Call, 1);

  call->op = OP_SERIES;
  call->query = query != NULL ? tcia_query_copy (query) : tcia_query_new ();
  start_call (catalogue, call, into, list_series_async, cancellable, callback, user_data);
}

TCIA_CATALOGUE_DEFINE_FINISH (list_series, finish_call)

static void
describe_collections_async (TciaCatalogue       *catalogue,
                            const char          *collection,
                            GListStore          *into,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  Call *call = g_new0 (Call, 1);

  call->op = OP_DESCRIPTIONS;
  call->name = g_strdup (collection);
  start_call (catalogue, call, into, describe_collections_async, cancellable, callback,
              user_data);
}

TCIA_CATALOGUE_DEFINE_FINISH (describe_collections, finish_call)

static void
get_series_details_async (TciaCatalogue       *catalogue,
                          const char * const  *series_uids,
                          GListStore          *into,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  Call *call = g_new0 (Call, 1);

  call->op = OP_DETAILS;
  call->uids = g_strdupv ((char **) series_uids);
  start_call (catalogue, call, into, get_series_details_async, cancellable, callback,
              user_data);
}

TCIA_CATALOGUE_DEFINE_FINISH (get_series_details, finish_call)

static void
get_shared_cart_async (TciaCatalogue       *catalogue,
                       const char          *name_or_url,
                       GListStore          *into,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  Call *call = g_new0 (Call, 1);

  call->op = OP_SHARED_CART;
  call->name = g_strdup (name_or_url);
  start_call (catalogue, call, into, get_shared_cart_async, cancellable, callback, user_data);
}

TCIA_CATALOGUE_DEFINE_FINISH (get_shared_cart, finish_call)

static void
tcia_catalogue_router_iface_init (TciaCatalogueInterface *iface)
{
  TCIA_CATALOGUE_IFACE_SET_METHODS (iface);
  iface->get_shared_cart_async = get_shared_cart_async;
  iface->get_shared_cart_finish = get_shared_cart_finish;
}

static void
tcia_catalogue_router_dispose (GObject *object)
{
  TciaCatalogueRouter *self = TCIA_CATALOGUE_ROUTER (object);

  g_clear_object (&self->local);
  g_clear_object (&self->remote);

  G_OBJECT_CLASS (tcia_catalogue_router_parent_class)->dispose (object);
}

static void
tcia_catalogue_router_class_init (TciaCatalogueRouterClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tcia_catalogue_router_dispose;
}

static void
tcia_catalogue_router_init (TciaCatalogueRouter *self)
{
}

TciaCatalogueRouter *
tcia_catalogue_router_new (TciaLocalCatalogue *local,
                           TciaCatalogue      *remote)
{
  TciaCatalogueRouter *self;

  g_return_val_if_fail (TCIA_IS_LOCAL_CATALOGUE (local), NULL);
  g_return_val_if_fail (remote == NULL || TCIA_IS_CATALOGUE (remote), NULL);

  self = g_object_new (TCIA_TYPE_CATALOGUE_ROUTER, NULL);
  self->local = g_object_ref (local);
  self->remote = remote != NULL ? g_object_ref (remote) : NULL;

  return self;
}

TciaLocalCatalogue *
tcia_catalogue_router_get_local (TciaCatalogueRouter *self)
{
  g_return_val_if_fail (TCIA_IS_CATALOGUE_ROUTER (self), NULL);

  return self->local;
}

TciaCatalogue *
tcia_catalogue_router_get_remote (TciaCatalogueRouter *self)
{
  g_return_val_if_fail (TCIA_IS_CATALOGUE_ROUTER (self), NULL);

  return self->remote;
}

void
tcia_catalogue_router_set_strict (TciaCatalogueRouter *self,
                                  gboolean             strict)
{
  g_return_if_fail (TCIA_IS_CATALOGUE_ROUTER (self));

  self->strict = !!strict;
}

gboolean
tcia_catalogue_router_get_strict (TciaCatalogueRouter *self)
{
  g_return_val_if_fail (TCIA_IS_CATALOGUE_ROUTER (self), FALSE);

  return self->strict;
}

gboolean
tcia_catalogue_router_is_local (TciaCatalogueRouter *self,
                                const char          *collection)
{
  g_return_val_if_fail (TCIA_IS_CATALOGUE_ROUTER (self), FALSE);

  if (self->remote == NULL || collection == NULL || *collection == '\0')
    return TRUE;

  return tcia_local_catalogue_has_collection (self->local, collection);
}
