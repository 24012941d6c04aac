/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-idc"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tcia-idc-bucket.h"
#include "tcia-idc-client.h"
#include "tcia-idc-fetcher.h"
#include "tcia-retry.h"
#include "tcia-text.h"

/* Each series' objects are fetched by a few threads that send with
 * libsoup 3's sync API through one SoupSession of the fetcher's (libsoup
 * >= 3.2 lets any thread send): its pool keeps the connections to the
 * bucket open from object to object and from series to series, and the
 * HTTP layer's retries, deadline and pace rules, all blocking, apply to
 * each object as they are. Each thread writes its objects into files of
 * their own (TciaSeriesWriterFile), so hashing and writing run in
 * parallel too. */

#define IO_TIMEOUT_S        60
/* idc-api.md §1: keep to about 16 connections in all. The series being
 * fetched share them: one alone takes them all, four take four each. */
#define MAX_CONNS_PER_HOST  16
/* Per request, when the series has no deadline. */
#define NO_DEADLINE_S       (24 * 60 * 60)
/* idc-api.md §4.7: base 250 ms, cap 20 s, at most 6 attempts per request. */
#define RETRY_ATTEMPTS      6
#define RETRY_BASE_MS       250
#define RETRY_CAP_MS        (20 * 1000)

struct _TciaIdcFetcher
{
  GObject          parent_instance;

  /* immutable once made: read from worker threads */
  TciaIdcBucket   *bucket;        /* NULL when the address cannot be used */
  GError          *bucket_error;
  SoupSession     *session;

  TciaIdcClient   *client;        /* asks where series are; NULL: only added locations */

  GMutex           lock;
  GHashTable      *locations;     /* series UID -> TciaIdcLocation */
  guint            parallel;      /* the least each series gets */
  TciaRetryPolicy  policy;

  gint             in_flight;     /* atomic: series being fetched */
};

static void fetcher_iface_init (TciaFetcherInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TciaIdcFetcher, tcia_idc_fetcher, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TCIA_TYPE_FETCHER, fetcher_iface_init))

static const char *
get_name (TciaFetcher *fetcher)
{
  return "IDC";
}

TciaIdcLocation *
tcia_idc_fetcher_get_location (TciaIdcFetcher *self,
                               const char     *series_uid)
{
  TciaIdcLocation *location;

  g_return_val_if_fail (TCIA_IS_IDC_FETCHER (self), NULL);

  g_mutex_lock (&self->lock);
  location = series_uid != NULL ? g_hash_table_lookup (self->locations, series_uid) : NULL;
  if (location != NULL)
    tcia_idc_location_ref (location);
  g_mutex_unlock (&self->lock);
  return location;
}

static gboolean
can_fetch (TciaFetcher *fetcher,
           TciaSeries  *series,
           guint64     *size)
{
  g_autoptr(TciaIdcLocation) location =
    tcia_idc_fetcher_get_location (TCIA_IDC_FETCHER (fetcher), tcia_series_get_series_uid (series));

  if (size != NULL)
    *size = location != NULL ? location->size_bytes : 0;
  return location != NULL;
}

/* ---- One series ---------------------------------------------------------------- */

typedef struct
{
  TciaIdcFetcher   *self;
  TciaIdcLocation  *location;
  TciaSeriesWriter *writer;
  GPtrArray        *objects;      /* TciaIdcObject */
  const char       *prefix;
  TciaHttpLimits    limits;
  GCancellable     *cancellable;  /* the caller's, or a failure elsewhere */
  gint              next;         /* atomic: the next object to take */
  guint             parallel;     /* the fetcher's floor, when the series began */
  gint              workers;      /* atomic: threads fetching, the caller's included */

  GMutex            lock;
  guint64           received;
  GError           *error;        /* the first failure */
  gboolean          congested;
} Series;

/* The bucket's and the HTTP layer's errors as a download's. */
static void
set_download_error (Series  *s,
                    GError **error)
{
  GError *e = *error;
  int code;

  if (e == NULL || e->domain == TCIA_DOWNLOAD_ERROR ||
      g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (e->domain == TCIA_IDC_ERROR)
    switch (e->code)
      {
      case TCIA_IDC_ERROR_NETWORK:
      case TCIA_IDC_ERROR_CHANGED:
        code = TCIA_DOWNLOAD_ERROR_NETWORK;
        break;
      case TCIA_IDC_ERROR_SERVER:
      case TCIA_IDC_ERROR_INVALID_RESPONSE:
        code = TCIA_DOWNLOAD_ERROR_SERVER;
        break;
      case TCIA_IDC_ERROR_TIMED_OUT:
        /* Past the series' deadline, or one object that stalled. */
        code = s->writer != NULL && tcia_series_writer_get_limits (s->writer)->deadline_us > 0 &&
               g_get_monotonic_time () >= tcia_series_writer_get_limits (s->writer)->deadline_us
               ? TCIA_DOWNLOAD_ERROR_TIMEOUT : TCIA_DOWNLOAD_ERROR_NETWORK;
        break;
      case TCIA_IDC_ERROR_NO_SUCH_KEY:
        code = TCIA_DOWNLOAD_ERROR_INCOMPLETE;
        break;
      default:
        code = TCIA_DOWNLOAD_ERROR_REFUSED;
        break;
      }
  else
    code = tcia_http_error_is_transient (e) ? TCIA_DOWNLOAD_ERROR_NETWORK
                                            : TCIA_DOWNLOAD_ERROR_REFUSED;
  e->domain = TCIA_DOWNLOAD_ERROR;
  e->code = code;
}

typedef struct
{
  Series               *series;
  TciaSeriesWriterFile *file;
} Sink;

static gboolean
sink_write (const void  *data,
            gsize        len,
            gpointer     user_data,
            GError     **error)
{
  Sink *sink = user_data;
  Series *s = sink->series;

  if (!tcia_series_writer_file_write (sink->file, data, len, error))
    return FALSE;
  g_mutex_lock (&s->lock);
  s->received += len;
  tcia_series_writer_received (s->writer, s->received);
  g_mutex_unlock (&s->lock);
  return TRUE;
}

static guint64
sink_offset_cb (gpointer user_data)
{
  return tcia_series_writer_file_get_size (((Sink *) user_data)->file);
}

static gboolean
sink_rewind_cb (gpointer   user_data,
                GError   **error)
{
  return tcia_series_writer_file_rewind (((Sink *) user_data)->file, error);
}

static const TciaIdcSink sink_funcs = { sink_offset_cb, sink_rewind_cb, sink_write };

static void
limits_from_writer (TciaIdcFetcher   *self,
                    TciaSeriesWriter *writer,
                    TciaHttpLimits   *limits)
{
  const TciaExtractLimits *w = tcia_series_writer_get_limits (writer);
  gint64 left_us = w->deadline_us > 0 ? w->deadline_us - g_get_monotonic_time () : 0;

  g_mutex_lock (&self->lock);
  limits->policy = self->policy;
  g_mutex_unlock (&self->lock);
  limits->deadline_s = w->deadline_us > 0
                       ? (guint) CLAMP ((left_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 1,
                                        NO_DEADLINE_S)
                       : NO_DEADLINE_S;
  limits->progress_window_ms = w->window_ms;
  limits->progress_min_bytes = w->min_bytes;
}

/* One object into its own file: fetched (retried, resumed by the bucket
 * client), checked on close; fetched once more, whole, when the check
 * fails or a listed object is missing at first. */
static gboolean
fetch_object (Series              *s,
              const TciaIdcObject *object,
              GRand               *rand,
              gboolean            *congested,
              GError             **error)
{
  const char *name = object->key + strlen (s->prefix);
  Sink sink = { s, NULL };
  TciaHttpLimits limits;
  gboolean again = FALSE;

  /* What is left of the series' time, not what was left when it began. */
  limits_from_writer (s->self, s->writer, &limits);

  sink.file = tcia_series_writer_file_new (s->writer, name, TRUE, object->size,
                                           tcia_idc_object_get_md5 (object), error);
  if (sink.file == NULL)
    return FALSE;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;

      if (tcia_idc_bucket_get_object (s->self->bucket, s->self->session, s->location->bucket,
                                      object, &sink_funcs, &sink, &limits, rand,
                                      s->cancellable, congested, &local_error) &&
          tcia_series_writer_file_close (sink.file, &local_error))
        return TRUE;

      /* A damaged or short object, or one the listing showed but the
       * bucket does not have yet: once more, from its start. */
      if (!again &&
          (g_error_matches (local_error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM) ||
           g_error_matches (local_error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE) ||
           g_error_matches (local_error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_NO_SUCH_KEY)))
        {
          g_debug ("%s: fetching it again (%s)", object->key, local_error->message);
          again = TRUE;
          if (g_error_matches (local_error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_NO_SUCH_KEY) &&
              !tcia_retry_sleep (tcia_retry_backoff_ms (&limits.policy, 1, rand),
                                 s->cancellable, NULL))
            {
              tcia_series_writer_file_discard (sink.file);
              return g_cancellable_set_error_if_cancelled (s->cancellable, error), FALSE;
            }
          if (tcia_series_writer_file_rewind (sink.file, error))
            continue;
          tcia_series_writer_file_discard (sink.file);
          return FALSE;
        }

      tcia_series_writer_file_discard (sink.file);
      if (g_error_matches (local_error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_NO_SUCH_KEY))
        {
          g_autofree char *shown = tcia_text_sanitize (name, TCIA_TEXT_MESSAGE_MAX);

          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_INCOMPLETE,
                       _("IDC lists “%s” in the series but does not have it (%s)."),
                       shown, local_error->message);
          return FALSE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      set_download_error (s, error);
      return FALSE;
    }
}

/* How many threads the series may keep fetching now: its share of the
 * connections, so that a series alone (the usual large download) is not
 * held to a few connections, which a server that limits each one would
 * make the bottleneck, and several at once stay near the cap together. */
static guint
series_share (Series *s)
{
  guint in_flight = MAX (g_atomic_int_get (&s->self->in_flight), 1);

  return CLAMP (MAX_CONNS_PER_HOST / in_flight, s->parallel, TCIA_IDC_FETCHER_MAX_PARALLEL);
}

static gboolean
objects_left (Series *s)
{
  return g_atomic_int_get (&s->next) < (gint) s->objects->len;
}

typedef struct
{
  Series *series;
  guint   index;
} Worker;

static gpointer worker_thread (gpointer data);

/* @index: 0 for the caller's thread, which alone starts the others (into
 * @threads, when not NULL) as the series' share grows. A thread whose index
 * is past the share stops after its object: another series began. The
 * threads fetching keep the indexes 0 to workers - 1 that way. */
static void
series_work (Series    *s,
             guint      index,
             GPtrArray *threads)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GRand) rand = g_rand_new ();

  /* Whatever libsoup attaches while this thread sends stays off others'. */
  g_main_context_push_thread_default (context);
  while (!g_cancellable_is_cancelled (s->cancellable) && index < series_share (s))
    {
      gint i;
      g_autoptr(GError) error = NULL;
      gboolean congested = FALSE;

      while (threads != NULL && (guint) g_atomic_int_get (&s->workers) < series_share (s) &&
             objects_left (s))
        {
          Worker *worker = g_new (Worker, 1);

          worker->series = s;
          worker->index = (guint) g_atomic_int_add (&s->workers, 1);
          g_ptr_array_add (threads, g_thread_new ("tcia-idc-object", worker_thread, worker));
        }

      i = g_atomic_int_add (&s->next, 1);
      if (i >= (gint) s->objects->len)
        break;
      if (fetch_object (s, g_ptr_array_index (s->objects, i), rand, &congested, &error))
        continue;

      g_mutex_lock (&s->lock);
      /* The first failure is the series'; the others follow from it. */
      if (s->error == NULL)
        s->error = g_steal_pointer (&error);
      s->congested |= congested;
      g_mutex_unlock (&s->lock);
      g_cancellable_cancel (s->cancellable);
      break;
    }
  g_main_context_pop_thread_default (context);
}

static gpointer
worker_thread (gpointer data)
{
  g_autofree Worker *worker = data;

  series_work (worker->series, worker->index, NULL);
  g_atomic_int_add (&worker->series->workers, -1);
  return NULL;
}

static void
cancel_cb (GCancellable *cancellable,
           gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* The objects of the series, fetched by as many threads as its share. */
static gboolean
fetch_objects (Series        *s,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  gulong handler = 0;

  s->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_cb), s->cancellable, NULL);
  s->workers = 1;
  g_atomic_int_inc (&s->self->in_flight);
  series_work (s, 0, threads);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  g_atomic_int_add (&s->self->in_flight, -1);
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  g_clear_object (&s->cancellable);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (s->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&s->error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
fetch (TciaFetcher       *fetcher,
       TciaSeries        *series,
       TciaSeriesWriter  *writer,
       SoupSession       *session,
       TciaHttpFailure   *failure,
       GCancellable      *cancellable,
       GError           **error)
{
  TciaIdcFetcher *self = TCIA_IDC_FETCHER (fetcher);
  const char *uid = tcia_series_get_series_uid (series);
  g_autoptr(TciaIdcLocation) location = tcia_idc_fetcher_get_location (self, uid);
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(GRand) rand = g_rand_new ();
  g_autofree char *prefix = NULL;
  Series s = { self, location, writer, NULL, NULL, { { 0, }, }, NULL, 0 };
  gboolean ok;

  if (location == NULL)
    {
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_UNKNOWN_SERIES,
                   _("IDC does not have this series."));
      return FALSE;
    }
  if (self->bucket == NULL)
    {
      g_set_error_literal (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_REFUSED,
                           self->bucket_error->message);
      return FALSE;
    }

  limits_from_writer (self, writer, &s.limits);
  prefix = g_strconcat (location->crdc_series_uuid, "/", NULL);
  s.prefix = prefix;
  objects = tcia_idc_bucket_list (self->bucket, self->session, location->bucket, prefix,
                                  &s.limits, rand, cancellable, error);
  if (objects == NULL)
    {
      set_download_error (&s, error);
      failure->congested = error != NULL && *error != NULL &&
                           g_error_matches (*error, TCIA_DOWNLOAD_ERROR,
                                            TCIA_DOWNLOAD_ERROR_SERVER);
      return FALSE;
    }

  /* Checked before a byte is fetched: a folder short of the series' images
   * will not fill up by trying again now. */
  if (objects->len == 0 || objects->len < location->instance_count)
    {
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_SOURCE_INCOMPLETE,
                   _("IDC’s bucket holds %u of the series’ %u images."),
                   objects->len, location->instance_count);
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  s.parallel = self->parallel;
  g_mutex_unlock (&self->lock);
  g_mutex_init (&s.lock);
  s.objects = objects;
  ok = fetch_objects (&s, cancellable, error);
  failure->congested = s.congested;
  g_mutex_clear (&s.lock);

  return ok && tcia_series_writer_finish (writer, error);
}

/* One /v3/sql request (or one per thousand series) for the series of
 * @series whose place is not known yet. */
static gboolean
prepare (TciaFetcher   *fetcher,
         GPtrArray     *series,
         SoupSession   *session,
         GCancellable  *cancellable,
         GError       **error)
{
  TciaIdcFetcher *self = TCIA_IDC_FETCHER (fetcher);
  g_autoptr(GPtrArray) uids = g_ptr_array_new ();
  g_autoptr(TciaIdcResolution) resolution = NULL;

  if (self->client == NULL)
    {
      g_set_error_literal (error, TCIA_IDC_ERROR, TCIA_IDC_ERROR_INVALID_URL,
                           _("IDC’s API address is not set."));
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < series->len; i++)
    {
      const char *uid = tcia_series_get_series_uid (g_ptr_array_index (series, i));

      if (uid != NULL && !g_hash_table_contains (self->locations, uid))
        g_ptr_array_add (uids, (gpointer) uid);
    }
  g_mutex_unlock (&self->lock);
  if (uids->len == 0)
    return TRUE;
  g_ptr_array_add (uids, NULL);

  resolution = tcia_idc_client_resolve (self->client, (const char * const *) uids->pdata,
                                        cancellable, error);
  if (resolution == NULL)
    return FALSE;
  for (guint i = 0; i + 1 < uids->len; i++)
    {
      TciaIdcLocation *location =
        tcia_idc_resolution_get_location (resolution, g_ptr_array_index (uids, i));

      if (location != NULL)
        tcia_idc_fetcher_add_location (self, location);
    }
  return TRUE;
}

/* IDC's own count: a folder's objects, which may differ from NBIA's. */
static guint
get_image_count (TciaFetcher *fetcher,
                 TciaSeries  *series)
{
  g_autoptr(TciaIdcLocation) location =
    tcia_idc_fetcher_get_location (TCIA_IDC_FETCHER (fetcher), tcia_series_get_series_uid (series));

  return location != NULL ? location->instance_count : 0;
}

static void
fetcher_iface_init (TciaFetcherInterface *iface)
{
  iface->get_name = get_name;
  iface->can_fetch = can_fetch;
  iface->fetch = fetch;
  iface->prepare = prepare;
  iface->get_image_count = get_image_count;
}

/* ---- The fetcher ------------------------------------------------------------------ */

static void
tcia_idc_fetcher_finalize (GObject *object)
{
  TciaIdcFetcher *self = TCIA_IDC_FETCHER (object);

  g_clear_object (&self->bucket);
  g_clear_error (&self->bucket_error);
  g_clear_object (&self->session);
  g_clear_object (&self->client);
  g_hash_table_unref (self->locations);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tcia_idc_fetcher_parent_class)->finalize (object);
}

static void
tcia_idc_fetcher_class_init (TciaIdcFetcherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tcia_idc_fetcher_finalize;
}

static void
tcia_idc_fetcher_init (TciaIdcFetcher *self)
{
  g_mutex_init (&self->lock);
  self->locations = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) tcia_idc_location_unref);
  self->parallel = TCIA_IDC_FETCHER_DEFAULT_PARALLEL;
  self->policy.max_attempts = RETRY_ATTEMPTS;
  self->policy.base_delay_ms = RETRY_BASE_MS;
  self->policy.max_delay_ms = RETRY_CAP_MS;
}

TciaFetcher *
tcia_idc_fetcher_new (const char *bucket_url)
{
  TciaIdcFetcher *self = g_object_new (TCIA_TYPE_IDC_FETCHER, NULL);

  self->bucket = tcia_idc_bucket_new (bucket_url, &self->bucket_error);
  /* Configured here, in the thread that made it, before any request: the
   * rule for a session shared by threads. */
  self->session = tcia_http_session_new (IO_TIMEOUT_S, MAX_CONNS_PER_HOST, FALSE);
  return TCIA_FETCHER (self);
}

void
tcia_idc_fetcher_add_location (TciaIdcFetcher  *self,
                               TciaIdcLocation *location)
{
  g_return_if_fail (TCIA_IS_IDC_FETCHER (self));
  g_return_if_fail (location != NULL);

  g_mutex_lock (&self->lock);
  /* The key lives in the location, which the table holds. */
  g_hash_table_replace (self->locations, location->series_uid,
                        tcia_idc_location_ref (location));
  g_mutex_unlock (&self->lock);
}

void
tcia_idc_fetcher_set_parallel (TciaIdcFetcher *self,
                               guint           n)
{
  g_return_if_fail (TCIA_IS_IDC_FETCHER (self));

  g_mutex_lock (&self->lock);
  self->parallel = CLAMP (n, 1, TCIA_IDC_FETCHER_MAX_PARALLEL);
  g_mutex_unlock (&self->lock);
}

void
tcia_idc_fetcher_set_retry_policy (TciaIdcFetcher *self,
                                   guint           max_attempts,
                                   guint           base_delay_ms,
                                   guint           max_delay_ms)
{
  g_return_if_fail (TCIA_IS_IDC_FETCHER (self));

  g_mutex_lock (&self->lock);
  self->policy.max_attempts = MAX (max_attempts, 1);
  self->policy.base_delay_ms = base_delay_ms;
  self->policy.max_delay_ms = max_delay_ms;
  g_mutex_unlock (&self->lock);
}

void
tcia_idc_fetcher_set_timeout (TciaIdcFetcher *self,
                              guint           timeout_s)
{
  g_return_if_fail (TCIA_IS_IDC_FETCHER (self));

  g_object_set (self->session, "timeout", timeout_s, "idle-timeout", timeout_s, NULL);
}

void
tcia_idc_fetcher_set_client (TciaIdcFetcher *self,
                             TciaIdcClient  *client)
{
  g_return_if_fail (TCIA_IS_IDC_FETCHER (self));
  g_return_if_fail (client == NULL || TCIA_IS_IDC_CLIENT (client));

  g_set_object (&self->client, client);
}
