/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-series-writer.h"
#include "tcia-sources.h"

/* How many series one prepare asks about at most (idc-api.md §3: ≤1000 UIDs
 * keep a /v3/sql body small and its answer quick). */
#define PREPARE_BATCH_MAX 1000

typedef enum
{
  PREP_RUNNING = 1,
  PREP_DONE,
  PREP_FAILED,
} PrepState;

struct _TciaSources
{
  GObject           parent_instance;

  TciaFetcher      *nbia;
  TciaFetcher      *idc;
  TciaSourcePolicy  policy;

  GMutex            lock;
  GCond             cond;
  GHashTable       *pending;   /* uid → TciaSeries, wanted and not yet asked about */
  GHashTable       *prepared;  /* uid → PrepState */
  GHashTable       *failures;  /* uid → why the source could not be asked */
};

G_DEFINE_FINAL_TYPE (TciaSources, tcia_sources, G_TYPE_OBJECT)

static const char *const policy_names[] = { "auto", "nbia", "idc" };

gboolean
tcia_source_policy_from_string (const char       *text,
                                TciaSourcePolicy *policy)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (policy_names); i++)
    if (g_strcmp0 (text, policy_names[i]) == 0)
      {
        if (policy != NULL)
          *policy = (TciaSourcePolicy) i;
        return TRUE;
      }
  return FALSE;
}

const char *
tcia_source_policy_to_string (TciaSourcePolicy policy)
{
  g_return_val_if_fail ((guint) policy < G_N_ELEMENTS (policy_names), NULL);

  return policy_names[policy];
}

static void
tcia_sources_finalize (GObject *object)
{
  TciaSources *self = TCIA_SOURCES (object);

  g_clear_object (&self->nbia);
  g_clear_object (&self->idc);
  g_hash_table_unref (self->pending);
  g_hash_table_unref (self->prepared);
  g_hash_table_unref (self->failures);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (tcia_sources_parent_class)->finalize (object);
}

static void
tcia_sources_class_init (TciaSourcesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tcia_sources_finalize;
}

static void
tcia_sources_init (TciaSources *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

TciaSources *
tcia_sources_new (TciaFetcher      *nbia,
                  TciaFetcher      *idc,
                  TciaSourcePolicy  policy)
{
  TciaSources *self;

  g_return_val_if_fail (nbia == NULL || TCIA_IS_FETCHER (nbia), NULL);
  g_return_val_if_fail (idc == NULL || TCIA_IS_FETCHER (idc), NULL);
  g_return_val_if_fail (nbia != NULL || idc != NULL, NULL);

  self = g_object_new (TCIA_TYPE_SOURCES, NULL);
  self->nbia = nbia != NULL ? g_object_ref (nbia) : NULL;
  self->idc = idc != NULL ? g_object_ref (idc) : NULL;
  self->policy = policy;
  return self;
}

TciaSources *
tcia_sources_new_single (TciaFetcher *fetcher)
{
  return tcia_sources_new (fetcher, NULL, TCIA_SOURCE_POLICY_NBIA);
}

TciaSourcePolicy
tcia_sources_get_policy (TciaSources *self)
{
  g_return_val_if_fail (TCIA_IS_SOURCES (self), TCIA_SOURCE_POLICY_AUTO);

  return self->policy;
}

/* Whether the policy asks IDC at all. */
static gboolean
uses_idc (TciaSources *self)
{
  return self->idc != NULL && self->policy != TCIA_SOURCE_POLICY_NBIA;
}

void
tcia_sources_want (TciaSources *self,
                   TciaSeries  *series)
{
  const char *uid;

  g_return_if_fail (TCIA_IS_SOURCES (self));
  g_return_if_fail (TCIA_IS_SERIES (series));

  uid = tcia_series_get_series_uid (series);
  if (!uses_idc (self) || uid == NULL)
    return;
  g_mutex_lock (&self->lock);
  /* Asked again (Retry Failed): a source that could not be asked may answer now. */
  if (GPOINTER_TO_INT (g_hash_table_lookup (self->prepared, uid)) == PREP_FAILED)
    {
      g_hash_table_remove (self->prepared, uid);
      g_hash_table_remove (self->failures, uid);
    }
  if (!g_hash_table_contains (self->prepared, uid))
    g_hash_table_replace (self->pending, g_strdup (uid), g_object_ref (series));
  g_mutex_unlock (&self->lock);
}

/* With the lock held: @series and up to a batch of the others wanted,
 * marked as being asked about. */
static GPtrArray *
take_batch (TciaSources *self,
            TciaSeries  *series)
{
  GPtrArray *batch = g_ptr_array_new_with_free_func (g_object_unref);
  const char *uid = tcia_series_get_series_uid (series);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_remove (self->pending, uid);
  g_hash_table_insert (self->prepared, g_strdup (uid), GINT_TO_POINTER (PREP_RUNNING));
  g_ptr_array_add (batch, g_object_ref (series));

  g_hash_table_iter_init (&iter, self->pending);
  while (batch->len < PREPARE_BATCH_MAX && g_hash_table_iter_next (&iter, &key, &value))
    {
      g_hash_table_insert (self->prepared, g_strdup (key), GINT_TO_POINTER (PREP_RUNNING));
      g_ptr_array_add (batch, g_object_ref (value));
      g_hash_table_iter_remove (&iter);
    }
  return batch;
}

/* Blocking: IDC has been asked about @series (by this thread or another),
 * or could not be: then the reason is in self->failures. */
static void
ensure_prepared (TciaSources  *self,
                 TciaSeries   *series,
                 SoupSession  *session,
                 GCancellable *cancellable)
{
  const char *uid = tcia_series_get_series_uid (series);

  g_mutex_lock (&self->lock);
  for (;;)
    {
      PrepState state = GPOINTER_TO_INT (g_hash_table_lookup (self->prepared, uid));
      g_autoptr(GPtrArray) batch = NULL;
      g_autoptr(GError) error = NULL;
      gboolean ok;

      if (state == PREP_DONE || state == PREP_FAILED)
        break;
      if (state == PREP_RUNNING)
        {
          g_cond_wait (&self->cond, &self->lock);
          continue;
        }

      batch = take_batch (self, series);
      g_mutex_unlock (&self->lock);
      ok = tcia_fetcher_prepare (self->idc, batch, session, cancellable, &error);
      g_mutex_lock (&self->lock);

      for (guint i = 0; i < batch->len; i++)
        {
          const char *id = tcia_series_get_series_uid (g_ptr_array_index (batch, i));

          if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              /* Not this batch's answer: whoever needs them next asks. */
              g_hash_table_remove (self->prepared, id);
              if (i > 0)
                g_hash_table_replace (self->pending, g_strdup (id),
                                      g_object_ref (g_ptr_array_index (batch, i)));
              continue;
            }
          g_hash_table_replace (self->prepared, g_strdup (id),
                                GINT_TO_POINTER (ok ? PREP_DONE : PREP_FAILED));
          if (!ok)
            g_hash_table_replace (self->failures, g_strdup (id), g_strdup (error->message));
        }
      g_cond_broadcast (&self->cond);
      if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        break;
    }
  g_mutex_unlock (&self->lock);
}

GPtrArray *
tcia_sources_choose (TciaSources   *self,
                     TciaSeries    *series,
                     SoupSession   *session,
                     GCancellable  *cancellable,
                     char         **why,
                     gboolean      *unreachable)
{
  GPtrArray *fetchers = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean idc_has = FALSE;

  g_return_val_if_fail (TCIA_IS_SOURCES (self), fetchers);
  g_return_val_if_fail (TCIA_IS_SERIES (series), fetchers);
  g_return_val_if_fail (why != NULL && *why == NULL, fetchers);
  g_return_val_if_fail (unreachable != NULL, fetchers);

  *unreachable = FALSE;
  if (uses_idc (self))
    {
      g_autofree char *failure = NULL;

      ensure_prepared (self, series, session, cancellable);
      if (g_cancellable_is_cancelled (cancellable))
        return fetchers;
      idc_has = tcia_fetcher_can_fetch (self->idc, series, NULL);
      if (idc_has)
        g_ptr_array_add (fetchers, g_object_ref (self->idc));

      g_mutex_lock (&self->lock);
      failure = g_strdup (g_hash_table_lookup (self->failures, tcia_series_get_series_uid (series)));
      g_mutex_unlock (&self->lock);
      *unreachable = failure != NULL;
      if (failure != NULL)
        /* Translators: %s says why, e.g. the server's error. */
        *why = g_strdup_printf (_("IDC could not be asked: %s"), failure);
      else if (!idc_has)
        *why = g_strdup (_("IDC does not have this series"));
    }

  if (self->nbia != NULL && self->policy != TCIA_SOURCE_POLICY_IDC &&
      tcia_fetcher_can_fetch (self->nbia, series, NULL))
    g_ptr_array_add (fetchers, g_object_ref (self->nbia));
  return fetchers;
}

gboolean
tcia_sources_should_fall_back (const GError *error)
{
  if (error == NULL || error->domain != TCIA_DOWNLOAD_ERROR)
    return FALSE;
  switch ((TciaDownloadError) error->code)
    {
    /* The destination's trouble: another source would meet it too. */
    case TCIA_DOWNLOAD_ERROR_WRITE:
    case TCIA_DOWNLOAD_ERROR_IN_THE_WAY:
    case TCIA_DOWNLOAD_ERROR_BUSY:
      return FALSE;
    default:
      return TRUE;
    }
}
