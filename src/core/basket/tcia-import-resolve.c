/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tcia-import.h"
#include "tcia-import-private.h"

/* Turning series UIDs into series: the catalogue's series details, one
 * chunk after the other (NBIA's client parses each answer off the main
 * thread), progress after each, and the basket touched once, at the end,
 * only when everything went through. A chunk a strict catalogue could only
 * partly look up (TCIA_CATALOGUE_DETAILS_ERROR_INCOMPLETE: the server
 * unreachable) is no failure: what was found is kept, the rest is listed
 * as not looked up, and the next chunks are asked (the local catalogue may
 * have them). */

#define DEFAULT_CHUNK_SIZE 1000

G_DEFINE_BOXED_TYPE (TciaImportResult, tcia_import_result,
                     tcia_import_result_ref, tcia_import_result_unref)

typedef struct
{
  TciaImportJob  job;
  char          *cart;         /* the shared cart asked for, or NULL */

  GPtrArray     *todo;         /* char *: the UIDs to look up, in order */
  GHashTable    *requested;    /* every distinct UID given */
  GHashTable    *found;        /* UID (the series' string) -> TciaSeries */
  GHashTable    *not_looked_up; /* UIDs of todo nobody could look up */
  char          *lookup_error; /* why, the first time */
  GListStore    *into;         /* the chunk asked for: what was found */
  guint          next;         /* first UID of todo not asked for yet */
  guint          n_requested;
  guint          n_already_present;
} Resolve;

void
tcia_import_job_clear (TciaImportJob *job)
{
  if (job->progress_destroy != NULL)
    job->progress_destroy (job->progress_data);
  job->progress_destroy = NULL;
  g_clear_object (&job->basket);
  g_clear_object (&job->catalogue);
}

GTask *
tcia_import_task_new (const TciaImportJob *job,
                      gsize                data_size,
                      GDestroyNotify       data_free,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data,
                      gpointer             source_tag)
{
  TciaImportJob *copy;
  GTask *task;

  g_return_val_if_fail (job->basket == NULL || TCIA_IS_BASKET (job->basket), NULL);
  g_return_val_if_fail (job->catalogue == NULL || TCIA_IS_CATALOGUE (job->catalogue), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_assert (data_size >= sizeof (TciaImportJob));

  copy = g_malloc0 (data_size);
  *copy = *job;
  if (copy->basket != NULL)
    g_object_ref (copy->basket);
  if (copy->catalogue != NULL)
    g_object_ref (copy->catalogue);

  task = g_task_new (job->basket, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, copy, data_free);

  return task;
}

TciaImportResult *
tcia_import_task_finish (GAsyncResult  *result,
                         gpointer       source_tag,
                         GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
resolve_free (gpointer data)
{
  Resolve *resolve = data;

  tcia_import_job_clear (&resolve->job);
  g_free (resolve->cart);
  g_clear_pointer (&resolve->todo, g_ptr_array_unref);
  g_clear_pointer (&resolve->requested, g_hash_table_unref);
  g_clear_pointer (&resolve->found, g_hash_table_unref);
  g_clear_pointer (&resolve->not_looked_up, g_hash_table_unref);
  g_free (resolve->lookup_error);
  g_clear_object (&resolve->into);
  g_free (resolve);
}

TciaImportResult *
tcia_import_result_new (void)
{
  TciaImportResult *result = g_new0 (TciaImportResult, 1);

  g_atomic_ref_count_init (&result->ref_count);
  result->series = g_list_store_new (TCIA_TYPE_SERIES);
  result->unknown = g_ptr_array_new_with_free_func (g_free);
  result->idc_locations = g_ptr_array_new_with_free_func ((GDestroyNotify) tcia_idc_location_unref);
  result->unknown_idc_uuids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (result->unknown_idc_uuids, NULL);
  result->not_looked_up = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (result->not_looked_up, NULL);

  return result;
}

void
tcia_import_result_sort (TciaImportResult *self,
                         TciaBasket       *basket,
                         const char       *uid,
                         TciaSeries       *found,
                         GPtrArray        *to_add)
{
  if (found == NULL)
    g_ptr_array_add (self->unknown, g_strdup (uid));
  else if (basket != NULL && tcia_basket_contains (basket, uid))
    self->n_already_present++;   /* added by someone else meanwhile */
  else
    g_ptr_array_add (to_add, found);
}

void
tcia_import_result_add_series (TciaImportResult *self,
                               TciaBasket       *basket,
                               GPtrArray        *series)
{
  g_ptr_array_add (self->unknown, NULL);

  if (basket != NULL)
    self->n_added = tcia_basket_add_many (basket, (TciaSeries * const *) series->pdata,
                                          series->len);
  g_list_store_splice (self->series, 0, 0, series->pdata, series->len);
}

static void
report_progress (Resolve *resolve)
{
  if (resolve->job.progress != NULL)
    resolve->job.progress (resolve->next, resolve->todo->len, resolve->job.progress_data);
}

static void
resolve_complete (GTask *task)
{
  Resolve *resolve = g_task_get_task_data (task);
  g_autoptr(TciaImportResult) result = tcia_import_result_new ();
  g_autoptr(GPtrArray) series = g_ptr_array_new ();

  /* Nothing may change once the import is cancelled. */
  if (g_task_return_error_if_cancelled (task))
    return;

  result->n_requested = resolve->n_requested;
  result->n_already_present = resolve->n_already_present;
  result->lookup_error = g_strdup (resolve->lookup_error);

  for (guint i = 0; i < resolve->todo->len; i++)
    {
      const char *uid = g_ptr_array_index (resolve->todo, i);

      if (g_hash_table_contains (resolve->not_looked_up, uid))
        g_ptr_array_insert (result->not_looked_up, result->not_looked_up->len - 1,
                            g_strdup (uid));
      else
        tcia_import_result_sort (result, resolve->job.basket, uid,
                                 g_hash_table_lookup (resolve->found, uid), series);
    }
  tcia_import_result_add_series (result, resolve->job.basket, series);

  g_task_return_pointer (task, g_steal_pointer (&result),
                         (GDestroyNotify) tcia_import_result_unref);
}

static void resolve_next_chunk (GTask *task);

static void
chunk_done_cb (GObject      *source_object,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Resolve *resolve = g_task_get_task_data (task);
  g_autoptr(GListStore) into = g_steal_pointer (&resolve->into);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  guint end = MIN (resolve->next + resolve->job.chunk_size, resolve->todo->len);
  gboolean incomplete;
  guint n;

  model = tcia_catalogue_get_series_details_finish (TCIA_CATALOGUE (source_object), res, &error);
  incomplete = g_error_matches (error, TCIA_CATALOGUE_DETAILS_ERROR,
                                TCIA_CATALOGUE_DETAILS_ERROR_INCOMPLETE);
  if (incomplete)
    {
      /* What was found is in @into; the rest of the chunk is marked below. */
      model = G_LIST_MODEL (g_object_ref (into));
      if (resolve->lookup_error == NULL)
        resolve->lookup_error = g_strdup (error->message);
    }
  if (model == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, _("Could not look up the series: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (model, i);
      const char *uid = tcia_series_get_series_uid (series);

      /* Only what was asked for, once. */
      if (uid != NULL && g_hash_table_contains (resolve->requested, uid) &&
          !g_hash_table_contains (resolve->found, uid))
        g_hash_table_insert (resolve->found, (gpointer) uid, g_steal_pointer (&series));
    }
  for (guint i = resolve->next; incomplete && i < end; i++)
    {
      const char *uid = g_ptr_array_index (resolve->todo, i);

      if (!g_hash_table_contains (resolve->found, uid))
        g_hash_table_add (resolve->not_looked_up, (gpointer) uid);
    }

  resolve->next = end;
  report_progress (resolve);

  resolve_next_chunk (g_steal_pointer (&task));
}

/* Takes @task. */
static void
resolve_next_chunk (GTask *task)
{
  Resolve *resolve = g_task_get_task_data (task);
  g_autofree const char **chunk = NULL;
  guint n;

  if (resolve->next >= resolve->todo->len)
    {
      resolve_complete (task);
      g_object_unref (task);
      return;
    }

  n = MIN (resolve->job.chunk_size, resolve->todo->len - resolve->next);
  chunk = g_new (const char *, n + 1);
  for (guint i = 0; i < n; i++)
    chunk[i] = g_ptr_array_index (resolve->todo, resolve->next + i);
  chunk[n] = NULL;

  /* A strict catalogue leaves there what it found when it fails part-way. */
  g_clear_object (&resolve->into);
  resolve->into = g_list_store_new (TCIA_TYPE_SERIES);
  /* The catalogue copies the UIDs. */
  tcia_catalogue_get_series_details_async (resolve->job.catalogue, chunk, resolve->into,
                                           g_task_get_cancellable (task), chunk_done_cb, task);
}

/* Takes @task. */
static void
resolve_start (GTask              *task,
               const char * const *uids)
{
  Resolve *resolve = g_task_get_task_data (task);

  for (guint i = 0; uids[i] != NULL; i++)
    {
      char *uid;

      if (uids[i][0] == '\0' || g_hash_table_contains (resolve->requested, uids[i]))
        continue;

      uid = g_strdup (uids[i]);
      g_hash_table_add (resolve->requested, uid);
      resolve->n_requested++;

      if (resolve->job.basket != NULL && tcia_basket_contains (resolve->job.basket, uid))
        {
          resolve->n_already_present++;
          continue;
        }
      g_ptr_array_add (resolve->todo, uid);
    }

  report_progress (resolve);
  resolve_next_chunk (task);
}

static GTask *
resolve_task_new (const TciaImportJob *job,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data,
                  gpointer             source_tag)
{
  GTask *task;
  Resolve *resolve;

  g_return_val_if_fail (TCIA_IS_CATALOGUE (job->catalogue), NULL);

  task = tcia_import_task_new (job, sizeof (Resolve), resolve_free, cancellable, callback,
                               user_data, source_tag);
  if (task == NULL)
    return NULL;
  resolve = g_task_get_task_data (task);
  if (resolve->job.chunk_size == 0)
    resolve->job.chunk_size = DEFAULT_CHUNK_SIZE;
  /* requested owns the strings, todo borrows them. */
  resolve->todo = g_ptr_array_new ();
  resolve->requested = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  resolve->found = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  resolve->not_looked_up = g_hash_table_new (g_str_hash, g_str_equal);

  return task;
}

void
tcia_import_resolve_async (TciaBasket             *basket,
                           gpointer                catalogue,
                           const char * const     *uids,
                           guint                   chunk_size,
                           TciaImportProgressFunc  progress,
                           gpointer                progress_data,
                           GDestroyNotify          progress_destroy,
                           GCancellable           *cancellable,
                           GAsyncReadyCallback     callback,
                           gpointer                user_data)
{
  TciaImportJob job = { basket, catalogue, chunk_size, progress, progress_data, progress_destroy };
  GTask *task;

  g_return_if_fail (uids != NULL);

  task = resolve_task_new (&job, cancellable, callback, user_data, tcia_import_resolve_async);
  g_return_if_fail (task != NULL);
  g_task_set_name (task, "[tcia-import] resolve");
  resolve_start (task, uids);
}

TciaImportResult *
tcia_import_resolve_finish (GAsyncResult  *result,
                            GError       **error)
{
  return tcia_import_task_finish (result, tcia_import_resolve_async, error);
}

static void
cart_done_cb (GObject      *source_object,
              GAsyncResult *res,
              gpointer      user_data)
{
  GTask *task = user_data;
  Resolve *resolve = g_task_get_task_data (task);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GPtrArray) uids = NULL;
  GError *error = NULL;
  guint n;

  model = tcia_catalogue_get_shared_cart_finish (TCIA_CATALOGUE (source_object), res, &error);
  if (model == NULL)
    {
      /* Offline, no catalogue of ours can stand in: only the server keeps
       * what people shared. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, _("The shared cart “%s” could not be opened (only the "
                                  "server has it): "), resolve->cart);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  n = g_list_model_get_n_items (model);
  if (n == 0)
    {
      g_task_return_new_error (task, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_CART_NOT_FOUND,
                               _("There is no shared cart “%s”, or it is empty"),
                               resolve->cart);
      g_object_unref (task);
      return;
    }

  /* The cart lacks sizes and licences: its series are looked up like any
   * other UID. */
  uids = g_ptr_array_new_full (n + 1, g_free);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (model, i);

      if (tcia_series_get_series_uid (series) != NULL)
        g_ptr_array_add (uids, g_strdup (tcia_series_get_series_uid (series)));
    }
  g_ptr_array_add (uids, NULL);

  resolve_start (task, (const char * const *) uids->pdata);
}

void
tcia_import_shared_cart_async (TciaBasket             *basket,
                               gpointer                catalogue,
                               const char             *name_or_url,
                               guint                   chunk_size,
                               TciaImportProgressFunc  progress,
                               gpointer                progress_data,
                               GDestroyNotify          progress_destroy,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  TciaImportJob job = { basket, catalogue, chunk_size, progress, progress_data, progress_destroy };
  GTask *task;
  Resolve *resolve;

  g_return_if_fail (name_or_url != NULL);

  task = resolve_task_new (&job, cancellable, callback, user_data, tcia_import_shared_cart_async);
  g_return_if_fail (task != NULL);
  g_task_set_name (task, "[tcia-import] shared cart");
  resolve = g_task_get_task_data (task);
  resolve->cart = g_strstrip (g_strdup (name_or_url));

  tcia_catalogue_get_shared_cart_async (catalogue, name_or_url, NULL, cancellable,
                                        cart_done_cb, task);
}

TciaImportResult *
tcia_import_shared_cart_finish (GAsyncResult  *result,
                                GError       **error)
{
  return tcia_import_task_finish (result, tcia_import_shared_cart_async, error);
}

/* ---- Result -------------------------------------------------------------------------- */

TciaImportResult *
tcia_import_result_ref (TciaImportResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
tcia_import_result_unref (TciaImportResult *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_object_unref (self->series);
      g_ptr_array_unref (self->unknown);
      g_ptr_array_unref (self->idc_locations);
      g_ptr_array_unref (self->unknown_idc_uuids);
      g_ptr_array_unref (self->not_looked_up);
      g_free (self->lookup_error);
      g_free (self->warning);
      g_free (self);
    }
}

guint
tcia_import_result_get_n_requested (TciaImportResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_requested;
}

guint
tcia_import_result_get_n_already_present (TciaImportResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_already_present;
}

guint
tcia_import_result_get_n_added (TciaImportResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_added;
}

GListModel *
tcia_import_result_get_series (TciaImportResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return G_LIST_MODEL (self->series);
}

const char * const *
tcia_import_result_get_unknown_uids (TciaImportResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->unknown->pdata;
}

guint
tcia_import_result_get_n_unknown (TciaImportResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->unknown->len - 1;
}

GPtrArray *
tcia_import_result_get_idc_locations (TciaImportResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->idc_locations;
}

const char * const *
tcia_import_result_get_unknown_idc_uuids (TciaImportResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->unknown_idc_uuids->pdata;
}

guint
tcia_import_result_get_n_unknown_idc_uuids (TciaImportResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->unknown_idc_uuids->len - 1;
}

const char *
tcia_import_result_get_warning (TciaImportResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->warning;
}

const char * const *
tcia_import_result_get_not_looked_up_uids (TciaImportResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->not_looked_up->pdata;
}

guint
tcia_import_result_get_n_not_looked_up (TciaImportResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->not_looked_up->len - 1;
}

const char *
tcia_import_result_get_lookup_error (TciaImportResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->lookup_error;
}
