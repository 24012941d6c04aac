/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-common"

#include <string.h>

#include "fake-control.h"

/* Requests being answered, from their arrival to the end of their
 * response (or of their connection), and the most there were at once. A
 * box of its own: a message may finish after the control is freed. */
typedef struct
{
  GMutex lock;
  guint  now;
  guint  peak;
} Flight;

typedef struct
{
  guint  fault;
  guint  times;              /* 0: until cleared */
  char  *scope;              /* NULL: any request */
} FaultEntry;

struct _FakeControl
{
  const char *const *fault_names;
  guint              n_faults;

  GMutex             lock;   /* guards what follows */
  GPtrArray         *faults;
  guint              latency_ms;
  GHashTable        *counts;
  guint              total_count;
  GPtrArray         *pending;
  Flight            *flight;
};

typedef void (*FakeDelayedFunc) (gpointer           owner,
                                 SoupServerMessage *msg,
                                 gpointer           data);

typedef struct
{
  FakeControl       *control;
  SoupServerMessage *msg;
  FakeDelayedFunc    func;
  gpointer           owner;
  gpointer           data;
  GDestroyNotify     destroy;
  GSource           *source;
} Delayed;

static void
fault_entry_free (gpointer data)
{
  FaultEntry *f = data;

  g_free (f->scope);
  g_free (f);
}

FakeControl *
fake_control_new (const char *const *fault_names,
                  guint              n_faults,
                  guint              latency_ms)
{
  FakeControl *self = g_new0 (FakeControl, 1);

  self->fault_names = fault_names;
  self->n_faults = n_faults;
  g_mutex_init (&self->lock);
  self->faults = g_ptr_array_new_with_free_func (fault_entry_free);
  self->latency_ms = latency_ms;
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending = g_ptr_array_new ();
  self->flight = g_atomic_rc_box_new0 (Flight);
  g_mutex_init (&self->flight->lock);
  return self;
}

static void
flight_clear (gpointer data)
{
  Flight *flight = data;

  g_mutex_clear (&flight->lock);
}

static void
flight_release (gpointer  data,
                GClosure *closure)
{
  g_atomic_rc_box_release_full (data, flight_clear);
}

static void
request_finished_cb (SoupServerMessage *msg,
                     Flight            *flight)
{
  /* Once a message, whatever its end. */
  if (g_object_get_data (G_OBJECT (msg), "fake-control-finished") != NULL)
    return;
  g_object_set_data (G_OBJECT (msg), "fake-control-finished", GINT_TO_POINTER (1));
  g_mutex_lock (&flight->lock);
  flight->now--;
  g_mutex_unlock (&flight->lock);
}

static void
track_flight (FakeControl       *self,
              SoupServerMessage *msg)
{
  Flight *flight = self->flight;

  g_mutex_lock (&flight->lock);
  flight->now++;
  flight->peak = MAX (flight->peak, flight->now);
  g_mutex_unlock (&flight->lock);
  g_signal_connect_data (msg, "finished", G_CALLBACK (request_finished_cb),
                         g_atomic_rc_box_acquire (flight), flight_release, 0);
}

guint
fake_control_take_peak_requests (FakeControl *self)
{
  Flight *flight = self->flight;
  guint peak;

  g_mutex_lock (&flight->lock);
  peak = flight->peak;
  flight->peak = flight->now;
  g_mutex_unlock (&flight->lock);
  return peak;
}

void
fake_control_free (FakeControl *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->pending);
  g_ptr_array_unref (self->faults);
  g_hash_table_unref (self->counts);
  g_atomic_rc_box_release_full (self->flight, flight_clear);
  g_mutex_clear (&self->lock);
  g_free (self);
}

guint
fake_fault_from_name (const char *const *names,
                      guint              n_names,
                      const char        *name)
{
  g_return_val_if_fail (name != NULL, 0);

  for (guint i = 1; i < n_names; i++)
    if (strcmp (names[i], name) == 0)
      return i;
  return 0;
}

guint
fake_control_fault_from_name (FakeControl *self,
                              const char  *name)
{
  return fake_fault_from_name (self->fault_names, self->n_faults, name);
}

void
fake_control_set_fault (FakeControl *self,
                        guint        fault,
                        guint        times,
                        const char  *scope)
{
  FaultEntry *entry;

  g_return_if_fail (fault < self->n_faults);

  if (fault == 0)
    return;
  g_mutex_lock (&self->lock);
  for (guint i = self->faults->len; i > 0; i--)
    {
      FaultEntry *f = self->faults->pdata[i - 1];

      if (f->fault == fault && g_strcmp0 (f->scope, scope) == 0)
        g_ptr_array_remove_index (self->faults, i - 1);
    }
  entry = g_new0 (FaultEntry, 1);
  entry->fault = fault;
  entry->times = times;
  entry->scope = g_strdup (scope);
  g_ptr_array_add (self->faults, entry);
  g_mutex_unlock (&self->lock);
}

void
fake_control_clear_faults (FakeControl *self)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->faults, 0);
  g_mutex_unlock (&self->lock);
}

static gboolean
scope_matches (const FaultEntry  *f,
               const char *const *subjects,
               guint              n_subjects)
{
  if (f->scope == NULL)
    return TRUE;
  for (guint i = 0; i < n_subjects; i++)
    if (g_strcmp0 (subjects[i], f->scope) == 0)
      return TRUE;
  return FALSE;
}

guint
fake_control_take_fault (FakeControl       *self,
                         guint64            mask,
                         const char *const *subjects,
                         guint              n_subjects)
{
  guint fault = 0;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->faults->len; i++)
    {
      FaultEntry *f = self->faults->pdata[i];

      if (!(mask & FAKE_FAULT_BIT (f->fault)) || !scope_matches (f, subjects, n_subjects))
        continue;
      fault = f->fault;
      if (f->times > 0 && --f->times == 0)
        g_ptr_array_remove_index (self->faults, i);
      break;
    }
  g_mutex_unlock (&self->lock);
  return fault;
}

gboolean
fake_control_peek_fault (FakeControl       *self,
                         guint              fault,
                         const char *const *subjects,
                         guint              n_subjects,
                         char             **scope)
{
  gboolean found = FALSE;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->faults->len && !found; i++)
    {
      FaultEntry *f = self->faults->pdata[i];

      found = f->fault == fault && (subjects == NULL || scope_matches (f, subjects, n_subjects));
      if (found && scope != NULL)
        *scope = g_strdup (f->scope);
    }
  g_mutex_unlock (&self->lock);
  return found;
}

void
fake_control_set_latency (FakeControl *self,
                          guint        latency_ms)
{
  g_mutex_lock (&self->lock);
  self->latency_ms = latency_ms;
  g_mutex_unlock (&self->lock);
}

guint
fake_control_get_latency (FakeControl *self)
{
  guint latency;

  g_mutex_lock (&self->lock);
  latency = self->latency_ms;
  g_mutex_unlock (&self->lock);
  return latency;
}

void
fake_control_count_request (FakeControl *self,
                            const char  *what)
{
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->counts, g_strdup (what),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->counts,
                                                                                what)) + 1));
  self->total_count++;
  g_mutex_unlock (&self->lock);
}

void
fake_control_count_detail (FakeControl *self,
                           const char  *what,
                           const char  *detail)
{
  char *key = g_strdup_printf ("%s %s", what, detail);

  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->counts, key,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->counts,
                                                                                key)) + 1));
  g_mutex_unlock (&self->lock);
}

guint
fake_control_get_request_count (FakeControl *self,
                                const char  *what)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = what == NULL ? self->total_count
                   : GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, what));
  g_mutex_unlock (&self->lock);
  return n;
}

void
fake_control_track (FakeControl *self,
                    GSource     *source)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->pending, source);
  g_mutex_unlock (&self->lock);
}

void
fake_control_untrack (FakeControl *self,
                      GSource     *source)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_remove_fast (self->pending, source);
  g_mutex_unlock (&self->lock);
}

void
fake_control_destroy_pending (FakeControl *self)
{
  g_autoptr(GPtrArray) pending = NULL;

  g_mutex_lock (&self->lock);
  pending = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new ();
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < pending->len; i++)
    g_source_destroy (pending->pdata[i]);
}

static void
delayed_free (gpointer data)
{
  Delayed *d = data;

  g_object_unref (d->msg);
  if (d->data != NULL && d->destroy != NULL)
    d->destroy (d->data);
  g_free (d);
}

static gboolean
delayed_cb (gpointer data)
{
  Delayed *d = data;

  fake_control_untrack (d->control, d->source);
  soup_server_message_unpause (d->msg);
  d->func (d->owner, d->msg, g_steal_pointer (&d->data));
  return G_SOURCE_REMOVE;
}

/* With a latency set, pauses @msg and returns TRUE, and after the latency
 * calls @func (@owner, @msg, @data) with @data its own; @destroy frees @data
 * if that never comes. Runs on the server's context. */
static gboolean
delay (FakeControl       *self,
       SoupServerMessage *msg,
       FakeDelayedFunc    func,
       gpointer           owner,
       gpointer           data,
       GDestroyNotify     destroy)
{
  guint latency = fake_control_get_latency (self);
  Delayed *d;

  if (latency == 0)
    return FALSE;
  d = g_new0 (Delayed, 1);
  d->control = self;
  d->msg = g_object_ref (msg);
  d->func = func;
  d->owner = owner;
  d->data = data;
  d->destroy = destroy;
  d->source = g_timeout_source_new (latency);
  g_source_set_callback (d->source, delayed_cb, d, delayed_free);
  fake_control_track (self, d->source);
  soup_server_message_pause (msg);
  g_source_attach (d->source, g_main_context_get_thread_default ());
  g_source_unref (d->source);
  return TRUE;
}

typedef struct
{
  SoupServerCallback  callback;
  SoupServer         *server;
  char               *path;
  GHashTable         *query;
  gpointer            user_data;
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_object_unref (call->server);
  g_free (call->path);
  g_clear_pointer (&call->query, g_hash_table_unref);
  g_free (call);
}

static void
call_later_cb (gpointer           owner,
               SoupServerMessage *msg,
               gpointer           data)
{
  Call *call = data;

  call->callback (call->server, msg, call->path, call->query, call->user_data);
  call_free (call);
}

void
fake_control_dispatch (FakeControl       *self,
                       SoupServerCallback callback,
                       SoupServer        *server,
                       SoupServerMessage *msg,
                       const char        *path,
                       GHashTable        *query,
                       gpointer           user_data)
{
  Call *call;

  track_flight (self, msg);
  if (fake_control_get_latency (self) == 0)
    {
      callback (server, msg, path, query, user_data);
      return;
    }
  call = g_new0 (Call, 1);
  call->callback = callback;
  call->server = g_object_ref (server);
  call->path = g_strdup (path);
  call->query = query != NULL ? g_hash_table_ref (query) : NULL;
  call->user_data = user_data;
  if (!delay (self, msg, call_later_cb, NULL, call, call_free))
    call_later_cb (NULL, msg, call);
}

void
fake_control_reply (SoupServerMessage *msg,
                    guint              status,
                    const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, text, strlen (text));
}

static const char *
query_get (GHashTable *query,
           const char *name,
           const char *alias)
{
  const char *value = NULL;

  if (query != NULL)
    value = g_hash_table_lookup (query, name);
  if (query != NULL && value == NULL)
    value = g_hash_table_lookup (query, alias);
  return value != NULL && value[0] != '\0' ? value : NULL;
}

gboolean
fake_control_answer (FakeControl       *self,
                     SoupServerMessage *msg,
                     const char        *what,
                     GHashTable        *query)
{
  guint64 value = 0;

  if (strcmp (what, "fault") == 0)
    {
      const char *name = query_get (query, "name", "name");
      const char *times = query_get (query, "times", "times");
      guint fault = name != NULL ? fake_control_fault_from_name (self, name) : 0;
      g_autofree char *text = NULL;

      if (fault == 0 ||
          (times != NULL && !g_ascii_string_to_unsigned (times, 10, 0, G_MAXUINT, &value, NULL)))
        {
          text = g_strdup_printf ("Unknown fault '%s' or bad times\n", name ? name : "");
          fake_control_reply (msg, SOUP_STATUS_BAD_REQUEST, text);
          return TRUE;
        }
      fake_control_set_fault (self, fault, times != NULL ? value : 1,
                              query_get (query, "scope", "uid"));
    }
  else if (strcmp (what, "clear") == 0)
    {
      fake_control_clear_faults (self);
    }
  else if (strcmp (what, "latency") == 0)
    {
      const char *ms = query_get (query, "ms", "ms");

      if (ms != NULL && !g_ascii_string_to_unsigned (ms, 10, 0, 3600000, &value, NULL))
        {
          fake_control_reply (msg, SOUP_STATUS_BAD_REQUEST, "Bad latency\n");
          return TRUE;
        }
      fake_control_set_latency (self, value);
    }
  else if (strcmp (what, "stats") == 0)
    {
      g_autofree char *text = NULL;

      text = g_strdup_printf ("%u\n", fake_control_get_request_count (
                              self, query_get (query, "what", "endpoint")));
      fake_control_reply (msg, SOUP_STATUS_OK, text);
      return TRUE;
    }
  else
    {
      return FALSE;
    }
  fake_control_reply (msg, SOUP_STATUS_OK, "ok\n");
  return TRUE;
}
