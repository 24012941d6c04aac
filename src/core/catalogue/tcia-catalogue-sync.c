/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tcia-catalogue-db.h"
#include "tcia-catalogue-fetch.h"
#include "tcia-catalogue-pipe.h"
#include "tcia-catalogue-sync.h"
#include "tcia-collection.h"
#include "tcia-series.h"

#define DEFAULT_RELIST_AGE_S (7 * 24 * 3600)
#define NOTIFY_INTERVAL_MS   200

struct _TciaCatalogueSync
{
  GObject             parent_instance;

  TciaLocalCatalogue *catalogue;
  TciaClient         *client;
  GMainContext       *context;
  guint64             relist_age;
  gboolean            rows_changed;  /* in this run, by the worker */

  GMutex              lock;       /* guards the progress below */
  gboolean            running;
  guint               collections_total;
  guint               collections_done;
  guint64             series_done;
  guint64             series_added;
  char               *current;
  GSource            *notify_source;
};

G_DEFINE_FINAL_TYPE (TciaCatalogueSync, tcia_catalogue_sync, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_COLLECTIONS_TOTAL,
  PROP_COLLECTIONS_DONE,
  PROP_SERIES_DONE,
  PROP_SERIES_ADDED,
  PROP_CURRENT_COLLECTION,
  PROP_RELIST_AGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- Progress ---- */

static gboolean
notify_cb (gpointer data)
{
  TciaCatalogueSync *self = data;

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->notify_source, g_source_unref);
  g_mutex_unlock (&self->lock);

  for (guint p = PROP_RUNNING; p <= PROP_CURRENT_COLLECTION; p++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[p]);

  return G_SOURCE_REMOVE;
}

/* Called with the lock held: one notification per interval at most. */
static void
schedule_notify (TciaCatalogueSync *self,
                 gboolean           now)
{
  if (self->notify_source != NULL)
    {
      if (now)
        g_source_set_ready_time (self->notify_source, 0);
      return;
    }
  self->notify_source = now ? g_idle_source_new () : g_timeout_source_new (NOTIFY_INTERVAL_MS);
  g_source_set_priority (self->notify_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->notify_source, notify_cb, g_object_ref (self), g_object_unref);
  g_source_set_static_name (self->notify_source, "[tcia-core] sync progress");
  g_source_attach (self->notify_source, self->context);
}

static void
set_current (TciaCatalogueSync *self,
             const char        *collection,
             gboolean           done)
{
  g_mutex_lock (&self->lock);
  g_free (self->current);
  self->current = g_strdup (collection);
  if (done)
    self->collections_done++;
  /* A finished collection is news at once (a window reloads what it shows). */
  schedule_notify (self, done);
  g_mutex_unlock (&self->lock);
}

static void
add_series (TciaCatalogueSync *self,
            gint64             done,
            gint64             added)
{
  g_mutex_lock (&self->lock);
  self->series_done = (guint64) MAX ((gint64) self->series_done + done, 0);
  self->series_added = (guint64) MAX ((gint64) self->series_added + added, 0);
  schedule_notify (self, FALSE);
  g_mutex_unlock (&self->lock);
}

/* ---- The run ---- */

typedef struct
{
  TciaCatalogueSync *self;
  TciaCatalogueDb   *db;
  const char        *collection;  /* being re-listed, or NULL for updates */
  GHashTable        *before;      /* the UIDs it had, for "series-added" */
  gint64             n_put;
  gint64             n_added;
} Listing;

static gboolean
put_batch_cb (GPtrArray  *records,
              gboolean    restart,
              gpointer    user_data,
              GError    **error)
{
  Listing *listing = user_data;

  if (restart)
    {
      /* A retried body starts again from its first row. */
      add_series (listing->self, -listing->n_put, -listing->n_added);
      listing->n_put = listing->n_added = 0;
      if (listing->collection != NULL)
        return tcia_catalogue_db_clear_collection (listing->db, listing->collection, error);
      return TRUE;
    }

  for (guint i = 0; i < records->len; i++)
    {
      TciaSeries *series = records->pdata[i];
      gboolean replaced = FALSE;

      if (!tcia_catalogue_db_put_series (listing->db, series, &replaced, error))
        return FALSE;
      if (listing->before != NULL
          ? !g_hash_table_contains (listing->before, tcia_series_get_series_uid (series))
          : !replaced)
        listing->n_added++;
    }
  listing->n_put += records->len;
  add_series (listing->self, records->len, 0);
  listing->self->rows_changed = TRUE;

  return TRUE;
}

/* Steps 1: the collections, their counts and descriptions, those gone. */
static gboolean
update_collections (TciaCatalogueSync  *self,
                    TciaCatalogueDb    *db,
                    TciaCatalogueFetch *fetch,
                    GError            **error)
{
  g_autoptr(GListModel) collections = NULL;
  g_autoptr(GListModel) descriptions = NULL;
  g_autoptr(GPtrArray) states = NULL;
  g_autoptr(GHashTable) served = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) local_error = NULL;
  guint n;

  collections = tcia_catalogue_fetch_finish (fetch, &descriptions, &local_error, error);
  if (collections == NULL)
    return FALSE;
  /* Descriptions are a nicety: a server without them still syncs. */
  if (local_error != NULL &&
      !g_error_matches (local_error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_BAD_REQUEST) &&
      !g_error_matches (local_error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_SERVER))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!tcia_catalogue_db_begin (db, error))
    return FALSE;

  n = g_list_model_get_n_items (collections);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaCollection) c = g_list_model_get_item (collections, i);
      const char *name = tcia_collection_get_name (c);

      g_hash_table_add (served, (gpointer) name);
      if (!tcia_catalogue_db_set_patient_count (db, name, tcia_collection_get_patient_count (c),
                                                error))
        goto fail;
    }

  n = descriptions != NULL ? g_list_model_get_n_items (descriptions) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaCollection) c = g_list_model_get_item (descriptions, i);

      if (!tcia_catalogue_db_set_description (db, tcia_collection_get_name (c),
                                              tcia_collection_get_description (c),
                                              tcia_collection_get_description_uri (c), error))
        goto fail;
    }

  states = tcia_catalogue_db_get_collection_states (db, error);
  if (states == NULL)
    goto fail;
  for (guint i = 0; i < states->len; i++)
    {
      TciaCatalogueCollectionState *state = states->pdata[i];

      if (!g_hash_table_contains (served, state->name) &&
          !tcia_catalogue_db_delete_collection (db, state->name, error))
        goto fail;
    }

  return tcia_catalogue_db_commit (db, error);

fail:
  tcia_catalogue_db_rollback (db);
  return FALSE;
}

/* Step 2: what was released since the last run. */
static gboolean
add_updated (TciaCatalogueSync  *self,
             TciaCatalogueDb    *db,
             GDateTime          *since,
             GCancellable       *cancellable,
             GError            **error)
{
  /* Release dates are days, and the last run may have started late in one. */
  g_autoptr(GDateTime) from = g_date_time_add_days (since, -1);
  Listing listing = { self, db, NULL, NULL, 0, 0 };

  if (!tcia_catalogue_db_begin (db, error))
    return FALSE;
  if (!tcia_client_stream_updated_series (self->client, from, put_batch_cb, &listing,
                                          cancellable, error) ||
      !tcia_catalogue_db_commit (db, error))
    {
      tcia_catalogue_db_rollback (db);
      add_series (self, -listing.n_put, 0);
      return FALSE;
    }
  add_series (self, 0, listing.n_added);
  tcia_local_catalogue_notify_changed (self->catalogue);

  return TRUE;
}

/* A listing's transaction ends after a collection when the server has
 * not sent the next one yet (the commit costs no time then: the writer
 * would wait), or when it is past either bound, or after the last one.
 * Against a server faster than the writer, that is a commit every few
 * seconds rather than one a collection, each of which wrote the pages its
 * rows touched in the indexes (UIDs arrive in no order, so nearly all of
 * them) into the log again, and made the text index write its words as
 * one more segment to merge. A kill loses at most the collections of one
 * transaction, which the next run lists again. */
#define COMMIT_INTERVAL_US (2 * G_USEC_PER_SEC)
#define COMMIT_ROWS        100000
/* A first fill commits more often: its text index is not in these
 * transactions (tcia-catalogue-words.h), and the words' thread copies
 * each commit from the log into the file meanwhile (a checkpoint, with
 * its sync), which the fill's end would otherwise wait for, whole. */
#define FILL_COMMIT_ROWS   25000

/* Step 3: the collections to list, whole, stored as the fetcher
 * (tcia-catalogue-pipe.c) hands them over, a few to a transaction. */
static gboolean
store_collections (TciaCatalogueSync  *self,
                   TciaCatalogueDb    *db,
                   Pipe               *pipe,
                   GError            **error)
{
  gboolean open = FALSE;
  gint64 opened_at = 0;
  gint64 pending_put = 0, pending_added = 0;
  gint64 commit_rows = tcia_catalogue_db_is_filling (db) ? FILL_COMMIT_ROWS : COMMIT_ROWS;
  guint pending_done = 0;

  for (guint i = 0; i < pipe->todo->len; i++)
    {
      TciaCatalogueCollectionState *state = pipe->todo->pdata[i];
      g_autoptr(GHashTable) before = NULL;
      Listing listing = { self, db, state->name, NULL, 0, 0 };
      gboolean ok = TRUE;
      Msg *msg;

      set_current (self, state->name, FALSE);
      msg = tcia_catalogue_pipe_pop (pipe);
      g_assert (msg->kind == MSG_BEGIN);
      tcia_catalogue_msg_free (msg);

      /* The transaction waits for the server's first answer, not the
       * other way round: between a commit and the next collection's
       * rows, which a slow server takes seconds to send, the writer
       * holds no lock, and the words' thread can publish a first
       * fill's text index (tcia-catalogue-words.h). */
      msg = tcia_catalogue_pipe_pop (pipe);
      if (!open)
        {
          ok = open = tcia_catalogue_db_begin (db, error);
          opened_at = g_get_monotonic_time ();
        }
      if (ok)
        {
          before = tcia_catalogue_db_get_collection_uids (db, state->name, error);
          listing.before = before;
          ok = before != NULL && tcia_catalogue_db_clear_collection (db, state->name, error);
        }
      while (msg->kind != MSG_END)
        {
          if (ok)
            ok = put_batch_cb (msg->records, msg->kind == MSG_RESTART, &listing, error);
          tcia_catalogue_pipe_done (pipe, msg);
          msg = tcia_catalogue_pipe_pop (pipe);
        }
      if (ok && msg->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&msg->error));
          ok = FALSE;
        }
      tcia_catalogue_msg_free (msg);

      ok = ok && tcia_catalogue_db_set_listed (db, state->name, state->patient_count,
                                               g_get_real_time () / G_USEC_PER_SEC, error);
      pending_put += listing.n_put;
      pending_added += listing.n_added;
      pending_done++;
      if (ok && (i + 1 == pipe->todo->len || pending_put >= commit_rows ||
                 tcia_catalogue_pipe_is_idle (pipe) ||
                 g_get_monotonic_time () - opened_at >= COMMIT_INTERVAL_US))
        {
          ok = tcia_catalogue_db_commit (db, error);
          open = FALSE;
          if (ok)
            {
              add_series (self, 0, pending_added);
              for (; pending_done > 0; pending_done--)
                set_current (self, NULL, TRUE);
              pending_put = pending_added = 0;
              tcia_local_catalogue_notify_changed (self->catalogue);
            }
        }
      if (!ok)
        {
          /* The collections stored since the last commit are gone with it. */
          tcia_catalogue_db_rollback (db);
          add_series (self, -pending_put, 0);
          if (!g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_prefix_error (error, _("Could not list the collection %s: "), state->name);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
needs_listing (TciaCatalogueSync            *self,
               TciaCatalogueCollectionState *state,
               gint64                        now)
{
  return state->listed_count < 0 || state->listed_count != state->patient_count ||
         state->listed_at + (gint64) self->relist_age <= now;
}

static gboolean
run (TciaCatalogueSync  *self,
     GCancellable       *cancellable,
     GError            **error)
{
  g_autoptr(TciaCatalogueDb) db = NULL;
  g_autoptr(GDateTime) started = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) since = NULL;
  g_autoptr(GPtrArray) states = NULL;
  g_autoptr(GPtrArray) todo = g_ptr_array_new ();
  g_autofree char *source = NULL;
  g_autofree char *synced = NULL;
  g_autofree char *started_text = NULL;
  const char *api_url = tcia_client_get_api_url (self->client);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  TciaCatalogueFetch fetch;
  Pipe pipe;
  gboolean fill, ok;

  self->rows_changed = FALSE;
  /* Asked for first: the server answers while the catalogue opens. */
  tcia_catalogue_fetch_start (&fetch, self->client, cancellable);
  db = tcia_catalogue_db_open (tcia_local_catalogue_get_path (self->catalogue), FALSE, NULL, error);
  if (db == NULL)
    {
      tcia_catalogue_fetch_drop (&fetch);
      return FALSE;
    }
  /* A collection's transaction keeps its pages in memory rather than
   * spilling them to the WAL page by page (the indexes are touched all
   * over: UIDs arrive in no order). */
  tcia_catalogue_db_set_cache_size (db, 64 * 1024);

  /* A catalogue of another server is no start for this one. */
  source = tcia_catalogue_db_get_meta (db, "source");
  if (g_strcmp0 (source, api_url) != 0)
    {
      if (!tcia_catalogue_db_begin (db, error))
        {
          tcia_catalogue_fetch_drop (&fetch);
          return FALSE;
        }
      if (!tcia_catalogue_db_clear_all (db, error) ||
          !tcia_catalogue_db_set_meta (db, "source", api_url, error) ||
          !tcia_catalogue_db_commit (db, error))
        {
          tcia_catalogue_db_rollback (db);
          tcia_catalogue_fetch_drop (&fetch);
          return FALSE;
        }
    }

  if (!update_collections (self, db, &fetch, error))
    return FALSE;
  tcia_local_catalogue_notify_changed (self->catalogue);

  synced = tcia_catalogue_db_get_meta (db, "synced-at");
  since = synced != NULL ? g_date_time_new_from_iso8601 (synced, NULL) : NULL;
  if (since != NULL && !add_updated (self, db, since, cancellable, error))
    return FALSE;

  states = tcia_catalogue_db_get_collection_states (db, error);
  if (states == NULL)
    return FALSE;
  for (guint i = 0; i < states->len; i++)
    if (needs_listing (self, states->pdata[i], now))
      g_ptr_array_add (todo, states->pdata[i]);

  g_mutex_lock (&self->lock);
  self->collections_total = todo->len;
  schedule_notify (self, TRUE);
  g_mutex_unlock (&self->lock);

  /* A first fill (or one cut short) writes without its facet indexes and
   * without syncs, and ends (makes them) even when the listing failed. */
  fill = tcia_catalogue_db_is_filling (db) ||
         (todo->len > 0 && tcia_catalogue_db_count_series (db) == 0);
  /* The first collection is asked for while the fill begins. */
  if (todo->len > 0)
    tcia_catalogue_pipe_start (&pipe, self->client, todo, cancellable);
  if (fill && !tcia_catalogue_db_begin_fill (db, error))
    {
      if (todo->len > 0)
        tcia_catalogue_pipe_finish (&pipe);
      return FALSE;
    }
  ok = todo->len == 0 || store_collections (self, db, &pipe, error);
  if (todo->len > 0)
    tcia_catalogue_pipe_finish (&pipe);
  if (fill && !tcia_catalogue_db_end_fill (db, ok ? error : NULL))
    ok = FALSE;
  if (!ok)
    return FALSE;

  started_text = g_date_time_format_iso8601 (started);
  if (!tcia_catalogue_db_begin (db, error))
    return FALSE;
  /* A refresh that changed nothing does not scan the tables, nor does a
   * first fill that removed nothing (a fifth of the end of one). */
  if ((self->rows_changed && !(fill && tcia_catalogue_db_fill_was_clean (db)) &&
       !tcia_catalogue_db_prune (db, error)) ||
      (self->rows_changed && !tcia_catalogue_db_optimize (db, error)) ||
      !tcia_catalogue_db_set_meta (db, "synced-at", started_text, error) ||
      !tcia_catalogue_db_commit (db, error))
    {
      tcia_catalogue_db_rollback (db);
      return FALSE;
    }
  if (self->rows_changed && !tcia_catalogue_db_shrink (db, error))
    return FALSE;
  tcia_local_catalogue_notify_changed (self->catalogue);

  return TRUE;
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  TciaCatalogueSync *self = source_object;
  g_autoptr(GError) error = NULL;
  gboolean ok = run (self, cancellable, &error);

  /* Not running any more by the time the caller hears of the end. */
  g_mutex_lock (&self->lock);
  self->running = FALSE;
  g_clear_pointer (&self->current, g_free);
  schedule_notify (self, TRUE);
  g_mutex_unlock (&self->lock);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/* ---- GObject ---- */

static void
tcia_catalogue_sync_finalize (GObject *object)
{
  TciaCatalogueSync *self = TCIA_CATALOGUE_SYNC (object);

  g_clear_object (&self->catalogue);
  g_clear_object (&self->client);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->current);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tcia_catalogue_sync_parent_class)->finalize (object);
}

static void
tcia_catalogue_sync_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TciaCatalogueSync *self = TCIA_CATALOGUE_SYNC (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, tcia_catalogue_sync_get_running (self));
      break;
    case PROP_COLLECTIONS_TOTAL:
      g_value_set_uint (value, tcia_catalogue_sync_get_collections_total (self));
      break;
    case PROP_COLLECTIONS_DONE:
      g_value_set_uint (value, tcia_catalogue_sync_get_collections_done (self));
      break;
    case PROP_SERIES_DONE:
      g_value_set_uint64 (value, tcia_catalogue_sync_get_series_done (self));
      break;
    case PROP_SERIES_ADDED:
      g_value_set_uint64 (value, tcia_catalogue_sync_get_series_added (self));
      break;
    case PROP_CURRENT_COLLECTION:
      g_value_take_string (value, tcia_catalogue_sync_dup_current_collection (self));
      break;
    case PROP_RELIST_AGE:
      g_value_set_uint64 (value, self->relist_age);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_catalogue_sync_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TciaCatalogueSync *self = TCIA_CATALOGUE_SYNC (object);

  switch (prop_id)
    {
    case PROP_RELIST_AGE:
      tcia_catalogue_sync_set_relist_age (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_catalogue_sync_class_init (TciaCatalogueSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tcia_catalogue_sync_finalize;
  object_class->get_property = tcia_catalogue_sync_get_property;
  object_class->set_property = tcia_catalogue_sync_set_property;

  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_COLLECTIONS_TOTAL] =
    g_param_spec_uint ("collections-total", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_COLLECTIONS_DONE] =
    g_param_spec_uint ("collections-done", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_SERIES_DONE] =
    g_param_spec_uint64 ("series-done", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_SERIES_ADDED] =
    g_param_spec_uint64 ("series-added", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_CURRENT_COLLECTION] =
    g_param_spec_string ("current-collection", NULL, NULL, NULL, ro);
  properties[PROP_RELIST_AGE] =
    g_param_spec_uint64 ("relist-age", NULL, NULL, 0, G_MAXUINT64, DEFAULT_RELIST_AGE_S,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tcia_catalogue_sync_init (TciaCatalogueSync *self)
{
  g_mutex_init (&self->lock);
  self->relist_age = DEFAULT_RELIST_AGE_S;
  self->context = g_main_context_ref_thread_default ();
}

TciaCatalogueSync *
tcia_catalogue_sync_new (TciaLocalCatalogue *catalogue,
                         TciaClient         *client)
{
  TciaCatalogueSync *self;

  g_return_val_if_fail (TCIA_IS_LOCAL_CATALOGUE (catalogue), NULL);
  g_return_val_if_fail (TCIA_IS_CLIENT (client), NULL);

  self = g_object_new (TCIA_TYPE_CATALOGUE_SYNC, NULL);
  self->catalogue = g_object_ref (catalogue);
  self->client = g_object_ref (client);

  return self;
}

#define GETTER(type, name, field)                          \
  type                                                     \
  tcia_catalogue_sync_get_##name (TciaCatalogueSync *self) \
  {                                                        \
    type value;                                            \
                                                           \
    g_return_val_if_fail (TCIA_IS_CATALOGUE_SYNC (self), 0); \
    g_mutex_lock (&self->lock);                            \
    value = self->field;                                   \
    g_mutex_unlock (&self->lock);                          \
    return value;                                          \
  }

GETTER (gboolean, running, running)
GETTER (guint, collections_total, collections_total)
GETTER (guint, collections_done, collections_done)
GETTER (guint64, series_done, series_done)
GETTER (guint64, series_added, series_added)
GETTER (guint64, relist_age, relist_age)

#undef GETTER

char *
tcia_catalogue_sync_dup_current_collection (TciaCatalogueSync *self)
{
  char *name;

  g_return_val_if_fail (TCIA_IS_CATALOGUE_SYNC (self), NULL);

  g_mutex_lock (&self->lock);
  name = g_strdup (self->current);
  g_mutex_unlock (&self->lock);

  return name;
}

void
tcia_catalogue_sync_set_relist_age (TciaCatalogueSync *self,
                                    guint64            seconds)
{
  g_return_if_fail (TCIA_IS_CATALOGUE_SYNC (self));

  g_mutex_lock (&self->lock);
  if (self->relist_age == seconds)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->relist_age = seconds;
  g_mutex_unlock (&self->lock);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RELIST_AGE]);
}

void
tcia_catalogue_sync_run_async (TciaCatalogueSync   *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TCIA_IS_CATALOGUE_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tcia_catalogue_sync_run_async);

  g_mutex_lock (&self->lock);
  if (self->running)
    {
      g_mutex_unlock (&self->lock);
      g_task_return_new_error (task, TCIA_CATALOGUE_ERROR, TCIA_CATALOGUE_ERROR_BUSY,
                               _("The local catalogue is already being brought up to date"));
      return;
    }
  self->running = TRUE;
  self->collections_total = 0;
  self->collections_done = 0;
  self->series_done = 0;
  self->series_added = 0;
  schedule_notify (self, TRUE);
  g_mutex_unlock (&self->lock);

  g_task_run_in_thread (task, run_thread);
}

gboolean
tcia_catalogue_sync_run_finish (TciaCatalogueSync  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (TCIA_IS_CATALOGUE_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
