/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tcia-catalogue-db.h"
#include "tcia-catalogue-impl.h"
#include "tcia-catalogue-new.h"
#include "tcia-collection.h"
#include "tcia-local-catalogue.h"
#include "tcia-series.h"
#include "tcia-value.h"

/* The catalogue object: its connections (one per reading thread at a
 * time, kept for reuse), and the TciaCatalogue calls as GTasks. */

struct _TciaLocalCatalogue
{
  GObject       parent_instance;

  char         *path;
  GMainContext *context;
  gboolean      rebuilt;

  GMutex        lock;     /* guards what follows */
  GPtrArray    *idle;     /* of TciaCatalogueDb */
  GDateTime    *synced_at;
  gboolean      is_empty;
  GHashTable   *listed;   /* names of the collections listed whole */
};

static void tcia_local_catalogue_iface_init (TciaCatalogueInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TciaLocalCatalogue, tcia_local_catalogue, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TCIA_TYPE_CATALOGUE,
                                                      tcia_local_catalogue_iface_init))

enum {
  PROP_0,
  PROP_PATH,
  PROP_SYNCED_AT,
  PROP_IS_EMPTY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- Connections ---- */

static TciaCatalogueDb *
take_db (TciaLocalCatalogue  *self,
         GError             **error)
{
  TciaCatalogueDb *db = NULL;

  g_mutex_lock (&self->lock);
  if (self->idle->len > 0)
    db = g_ptr_array_steal_index (self->idle, self->idle->len - 1);
  g_mutex_unlock (&self->lock);

  if (db == NULL)
    {
      db = tcia_catalogue_db_open (self->path, FALSE, NULL, error);
      /* A search with a facet looks up every matching row: keep the
       * series table's pages parsed rather than read again each time. */
      if (db != NULL)
        tcia_catalogue_db_set_cache_size (db, 32 * 1024);
    }

  return db;
}

static void
give_db (TciaLocalCatalogue *self,
         TciaCatalogueDb    *db)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->idle, db);
  g_mutex_unlock (&self->lock);
}

/* Reads the state the properties show; returns whether it changed. */
static gboolean
read_state (TciaLocalCatalogue *self,
            TciaCatalogueDb    *db)
{
  g_autofree char *synced = tcia_catalogue_db_get_meta (db, "synced-at");
  g_autoptr(GPtrArray) states = tcia_catalogue_db_get_collection_states (db, NULL);
  g_autoptr(GDateTime) when = synced != NULL ? g_date_time_new_from_iso8601 (synced, NULL) : NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean empty = TRUE;
  gboolean changed;

  for (guint i = 0; states != NULL && i < states->len; i++)
    {
      TciaCatalogueCollectionState *state = states->pdata[i];

      if (state->listed_count >= 0)
        {
          empty = FALSE;
          g_hash_table_add (listed, g_strdup (state->name));
        }
    }

  g_mutex_lock (&self->lock);
  changed = empty != self->is_empty ||
            (when == NULL) != (self->synced_at == NULL) ||
            (when != NULL && !g_date_time_equal (when, self->synced_at));
  self->is_empty = empty;
  g_clear_pointer (&self->synced_at, g_date_time_unref);
  self->synced_at = g_steal_pointer (&when);
  g_clear_pointer (&self->listed, g_hash_table_unref);
  self->listed = g_steal_pointer (&listed);
  g_mutex_unlock (&self->lock);

  return changed;
}

/* ---- GObject ---- */

static void
tcia_local_catalogue_finalize (GObject *object)
{
  TciaLocalCatalogue *self = TCIA_LOCAL_CATALOGUE (object);

  g_ptr_array_unref (self->idle);
  g_clear_pointer (&self->synced_at, g_date_time_unref);
  g_clear_pointer (&self->listed, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->path);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tcia_local_catalogue_parent_class)->finalize (object);
}

static void
tcia_local_catalogue_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TciaLocalCatalogue *self = TCIA_LOCAL_CATALOGUE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_SYNCED_AT:
      g_value_set_boxed (value, tcia_local_catalogue_get_synced_at (self));
      break;
    case PROP_IS_EMPTY:
      g_value_set_boolean (value, tcia_local_catalogue_get_is_empty (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_local_catalogue_class_init (TciaLocalCatalogueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tcia_local_catalogue_finalize;
  object_class->get_property = tcia_local_catalogue_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SYNCED_AT] =
    g_param_spec_boxed ("synced-at", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_IS_EMPTY] =
    g_param_spec_boolean ("is-empty", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tcia_local_catalogue_init (TciaLocalCatalogue *self)
{
  g_mutex_init (&self->lock);
  self->idle = g_ptr_array_new_with_free_func ((GDestroyNotify) tcia_catalogue_db_free);
  self->is_empty = TRUE;
  self->context = g_main_context_ref_thread_default ();
}

char *
tcia_local_catalogue_default_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "tcia-basket", "catalogue.db", NULL);
}

TciaLocalCatalogue *
tcia_local_catalogue_new (const char  *path,
                          GError     **error)
{
  g_autoptr(TciaLocalCatalogue) self = g_object_new (TCIA_TYPE_LOCAL_CATALOGUE, NULL);
  TciaCatalogueDb *db;

  self->path = path != NULL ? g_strdup (path) : tcia_local_catalogue_default_path ();
  db = tcia_catalogue_db_open (self->path, TRUE, &self->rebuilt, error);
  if (db == NULL)
    return NULL;
  read_state (self, db);
  give_db (self, db);

  return g_steal_pointer (&self);
}

TciaLocalCatalogue *
tcia_local_catalogue_open_existing (const char  *path,
                                    GError     **error)
{
  g_autofree char *file = path != NULL ? g_strdup (path) : tcia_local_catalogue_default_path ();
  g_autoptr(TciaLocalCatalogue) self = NULL;

  if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, TCIA_CATALOGUE_ERROR, TCIA_CATALOGUE_ERROR_EMPTY,
                   _("There is no local catalogue at %s yet: fill it once with the network "
                     "(tcia-basket --sync)"), file);
      return NULL;
    }
  self = tcia_local_catalogue_new (file, error);
  if (self == NULL)
    return NULL;
  if (self->is_empty)
    {
      g_set_error (error, TCIA_CATALOGUE_ERROR, TCIA_CATALOGUE_ERROR_EMPTY,
                   self->rebuilt
                   ? _("The local catalogue at %s was damaged or out of date and had to be "
                       "emptied: fill it again with the network (tcia-basket --sync)")
                   : _("The local catalogue at %s is still empty: fill it once with the "
                       "network (tcia-basket --sync)"), file);
      return NULL;
    }

  return g_steal_pointer (&self);
}

const char *
tcia_local_catalogue_get_path (TciaLocalCatalogue *self)
{
  g_return_val_if_fail (TCIA_IS_LOCAL_CATALOGUE (self), NULL);

  return self->path;
}

GDateTime *
tcia_local_catalogue_get_synced_at (TciaLocalCatalogue *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (TCIA_IS_LOCAL_CATALOGUE (self), NULL);

  /* Replaced only on the main context (changed_cb), where it is read. */
  locker = g_mutex_locker_new (&self->lock);
  return self->synced_at;
}

gboolean
tcia_local_catalogue_get_is_empty (TciaLocalCatalogue *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (TCIA_IS_LOCAL_CATALOGUE (self), TRUE);

  locker = g_mutex_locker_new (&self->lock);
  return self->is_empty;
}

gboolean
tcia_local_catalogue_has_collection (TciaLocalCatalogue *self,
                                     const char         *collection)
{
  gboolean listed;

  g_return_val_if_fail (TCIA_IS_LOCAL_CATALOGUE (self), FALSE);

  if (collection == NULL)
    return FALSE;

  g_mutex_lock (&self->lock);
  listed = self->listed != NULL && g_hash_table_contains (self->listed, collection);
  g_mutex_unlock (&self->lock);

  return listed;
}

gboolean
tcia_local_catalogue_was_rebuilt (TciaLocalCatalogue *self)
{
  g_return_val_if_fail (TCIA_IS_LOCAL_CATALOGUE (self), FALSE);

  return self->rebuilt;
}

static gboolean
changed_cb (gpointer data)
{
  TciaLocalCatalogue *self = data;
  g_autoptr(GError) error = NULL;
  TciaCatalogueDb *db = take_db (self, &error);

  if (db != NULL)
    {
      if (read_state (self, db))
        {
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCED_AT]);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_EMPTY]);
        }
      give_db (self, db);
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);

  return G_SOURCE_REMOVE;
}

void
tcia_local_catalogue_notify_changed (TciaLocalCatalogue *self)
{

  g_autoptr(GSource) source = NULL;

  g_return_if_fail (TCIA_IS_LOCAL_CATALOGUE (self));

  source = g_idle_source_new ();
  /* A source rather than g_main_context_invoke(), which would run it right
   * here in the sync's thread whenever it could acquire the context. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, changed_cb, g_object_ref (self), g_object_unref);
  g_source_set_static_name (source, "[tcia-core] catalogue changed");
  g_source_attach (source, self->context);
}

/* ---- Tasks ---- */

typedef enum
{
  JOB_COLLECTIONS,
  JOB_DESCRIPTIONS,
  JOB_VALUES,
  JOB_SERIES,
  JOB_DETAILS,
  JOB_NEW,
} JobKind;

typedef struct
{
  JobKind        kind;
  TciaValueKind  value_kind;
  TciaQuery     *query;
  char          *text;
  char          *name;    /* a collection; the destination folder */
  char         **uids;
  guint          limit;
  guint          count_cap;
  guint          n_total;
  GListStore    *into;
  GType          item_type;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_pointer (&job->query, tcia_query_free);
  g_free (job->text);
  g_free (job->name);
  g_strfreev (job->uids);
  g_clear_object (&job->into);
  g_free (job);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  TciaLocalCatalogue *self = source_object;
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = NULL;
  TciaCatalogueDb *db;

  db = take_db (self, &error);
  if (db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (job->kind)
    {
    case JOB_COLLECTIONS:
    case JOB_DESCRIPTIONS:
      rows = tcia_catalogue_db_list_collections (db, job->kind == JOB_DESCRIPTIONS, job->name,
                                                 &error);
      break;
    case JOB_VALUES:
      rows = tcia_catalogue_db_list_values (db, job->value_kind, job->query, &error);
      break;
    case JOB_SERIES:
      rows = tcia_catalogue_db_find_series (db, job->query, job->text, job->limit,
                                            job->count_cap, &job->n_total, cancellable, &error);
      break;
    case JOB_DETAILS:
      rows = tcia_catalogue_db_get_series (db, (const char * const *) job->uids, &error);
      break;
    case JOB_NEW:
      rows = tcia_catalogue_find_new (db, job->name, &job->n_total, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  give_db (self, db);

  if (rows == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, rows, (GDestroyNotify) g_ptr_array_unref);
}

static void
start_job (TciaLocalCatalogue  *self,
           Job                 *job,
           GType                item_type,
           GListStore          *into,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  job->item_type = item_type;
  job->into = into != NULL ? g_object_ref (into) : NULL;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, job_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, job_thread);
}

static GListModel *
finish_job (TciaLocalCatalogue  *self,
            GAsyncResult        *result,
            gpointer             source_tag,
            guint               *n_total,
            GError             **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  GListStore *store;
  Job *job;

  g_return_val_if_fail (TCIA_IS_LOCAL_CATALOGUE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  job = g_task_get_task_data (G_TASK (result));
  rows = g_task_propagate_pointer (G_TASK (result), error);
  if (rows == NULL)
    return NULL;

  if (n_total != NULL)
    *n_total = job->kind == JOB_SERIES || job->kind == JOB_NEW ? job->n_total : rows->len;
  store = job->into != NULL ? g_object_ref (job->into) : g_list_store_new (job->item_type);
  g_list_store_splice (store, g_list_model_get_n_items (G_LIST_MODEL (store)), 0,
                       rows->pdata, rows->len);

  return G_LIST_MODEL (store);
}

static GListModel *
finish_method (TciaCatalogue  *catalogue,
               GAsyncResult   *result,
               gpointer        source_tag,
               GError        **error)
{
  return finish_job (TCIA_LOCAL_CATALOGUE (catalogue), result, source_tag, NULL, error);
}

static void
list_collections_async (TciaCatalogue       *catalogue,
                        GListStore          *into,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->kind = JOB_COLLECTIONS;
  start_job (TCIA_LOCAL_CATALOGUE (catalogue), job, TCIA_TYPE_COLLECTION, into,
             list_collections_async, cancellable, callback, user_data);
}

TCIA_CATALOGUE_DEFINE_FINISH (list_collections, finish_method)

static void
list_values_async (TciaCatalogue       *catalogue,
                   TciaValueKind        kind,
                   const TciaQuery     *query,
                   GListStore          *into,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->kind = JOB_VALUES;
  job->value_kind = kind;
  job->query = query != NULL ? tcia_query_copy (query) : NULL;
  start_job (TCIA_LOCAL_CATALOGUE (catalogue), job, TCIA_TYPE_VALUE, into,
             list_values_async, cancellable, callback, user_data);
}

TCIA_CATALOGUE_DEFINE_FINISH (list_values, finish_method)

static void
start_search (TciaLocalCatalogue  *self,
              const char          *text,
              const TciaQuery     *query,
              guint                limit,
              guint                count_cap,
              GListStore          *into,
              gpointer             source_tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  Job *job;

  g_return_if_fail (TCIA_IS_LOCAL_CATALOGUE (self));
  g_return_if_fail (into == NULL || G_IS_LIST_STORE (into));

  job = g_new0 (Job, 1);
  job->kind = JOB_SERIES;
  job->query = query != NULL ? tcia_query_copy (query) : NULL;
  job->text = g_strdup (text);
  job->limit = limit;
  job->count_cap = count_cap;
  start_job (self, job, TCIA_TYPE_SERIES, into, source_tag, cancellable, callback, user_data);
}

void
tcia_local_catalogue_search_async (TciaLocalCatalogue  *self,
                                   const char          *text,
                                   const TciaQuery     *query,
                                   guint                limit,
                                   GListStore          *into,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  start_search (self, text, query, limit, 0, into, tcia_local_catalogue_search_async,
                cancellable, callback, user_data);
}

GListModel *
tcia_local_catalogue_search_finish (TciaLocalCatalogue  *self,
                                    GAsyncResult        *result,
                                    guint               *n_total,
                                    GError             **error)
{
  return finish_job (self, result, tcia_local_catalogue_search_async, n_total, error);
}

void
tcia_local_catalogue_search_capped_async (TciaLocalCatalogue  *self,
                                          const char          *text,
                                          const TciaQuery     *query,
                                          guint                limit,
                                          GListStore          *into,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  start_search (self, text, query, limit, TCIA_LOCAL_CATALOGUE_COUNT_CAP, into,
                tcia_local_catalogue_search_capped_async, cancellable, callback, user_data);
}

GListModel *
tcia_local_catalogue_search_capped_finish (TciaLocalCatalogue  *self,
                                           GAsyncResult        *result,
                                           guint               *n_total,
                                           gboolean            *more,
                                           GError             **error)
{
  guint n = 0;
  GListModel *rows = finish_job (self, result, tcia_local_catalogue_search_capped_async, &n,
                                 error);

  if (more != NULL)
    *more = n > TCIA_LOCAL_CATALOGUE_COUNT_CAP;
  if (n_total != NULL)
    *n_total = MIN (n, TCIA_LOCAL_CATALOGUE_COUNT_CAP);

  return rows;
}

static void
list_series_async (TciaCatalogue       *catalogue,
                   const TciaQuery     *query,
                   GListStore          *into,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  tcia_local_catalogue_search_async (TCIA_LOCAL_CATALOGUE (catalogue), NULL, query, 0, into,
                                     cancellable, callback, user_data);
}

static GListModel *
list_series_finish (TciaCatalogue  *catalogue,
                    GAsyncResult   *result,
                    GError        **error)
{
  return tcia_local_catalogue_search_finish (TCIA_LOCAL_CATALOGUE (catalogue), result, NULL,
                                             error);
}

static void
describe_collections_async (TciaCatalogue       *catalogue,
                            const char          *collection,
                            GListStore          *into,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->kind = JOB_DESCRIPTIONS;
  job->name = g_strdup (collection);
  start_job (TCIA_LOCAL_CATALOGUE (catalogue), job, TCIA_TYPE_COLLECTION, into,
             describe_collections_async, cancellable, callback, user_data);
}

TCIA_CATALOGUE_DEFINE_FINISH (describe_collections, finish_method)

static void
get_series_details_async (TciaCatalogue       *catalogue,
                          const char * const  *series_uids,
                          GListStore          *into,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->kind = JOB_DETAILS;
  job->uids = g_strdupv ((char **) series_uids);
  start_job (TCIA_LOCAL_CATALOGUE (catalogue), job, TCIA_TYPE_SERIES, into,
             get_series_details_async, cancellable, callback, user_data);
}

TCIA_CATALOGUE_DEFINE_FINISH (get_series_details, finish_method)

void
tcia_local_catalogue_list_new_async (TciaLocalCatalogue  *self,
                                     const char          *dest_dir,
                                     GListStore          *into,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  Job *job;

  g_return_if_fail (TCIA_IS_LOCAL_CATALOGUE (self));
  g_return_if_fail (dest_dir != NULL);

  job = g_new0 (Job, 1);
  job->kind = JOB_NEW;
  job->name = g_strdup (dest_dir);
  start_job (self, job, TCIA_TYPE_SERIES, into, tcia_local_catalogue_list_new_async,
             cancellable, callback, user_data);
}

GListModel *
tcia_local_catalogue_list_new_finish (TciaLocalCatalogue  *self,
                                      GAsyncResult        *result,
                                      guint               *n_added,
                                      GError             **error)
{
  return finish_job (self, result, tcia_local_catalogue_list_new_async, n_added, error);
}

static void
tcia_local_catalogue_iface_init (TciaCatalogueInterface *iface)
{
  TCIA_CATALOGUE_IFACE_SET_METHODS (iface);
}
