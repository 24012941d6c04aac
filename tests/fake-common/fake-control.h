/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What a test controls in a fake server and reads back from it, shared by the
 * fake NBIA and the fake IDC: faults with a count and a scope, a latency
 * before every answer, request counts, and the /fake-…/ control endpoints
 * that set them over HTTP. Thread-safe unless said otherwise. */

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define FAKE_FAULT_BIT(f) (G_GUINT64_CONSTANT (1) << (f))

typedef struct _FakeControl FakeControl;

/* @fault_names: the fault names of the server, index 0 being "none". */
FakeControl *fake_control_new       (const char *const *fault_names,
                                     guint              n_faults,
                                     guint              latency_ms);
void         fake_control_free      (FakeControl       *self);

/* The fault of @self called @name, or 0. */
guint        fake_control_fault_from_name (FakeControl *self,
                                     const char        *name);
/* The fault called @name in @names (index 0 is no fault), or 0. */
guint        fake_fault_from_name   (const char *const *names,
                                     guint              n_names,
                                     const char        *name);

/* The next @times requests that @scope covers (NULL: any) get @fault (0:
 * every one until cleared); setting a fault again for the same scope
 * replaces its count. */
void         fake_control_set_fault (FakeControl       *self,
                                     guint              fault,
                                     guint              times,
                                     const char        *scope);
void         fake_control_clear_faults (FakeControl    *self);
/* Takes one use of the first fault whose kind is in @mask and whose scope is
 * NULL or one of the @n_subjects @subjects (NULL members match no scope). */
guint        fake_control_take_fault (FakeControl      *self,
                                     guint64            mask,
                                     const char *const *subjects,
                                     guint              n_subjects);
/* Whether a fault of kind @fault is set for one of @subjects (@subjects NULL:
 * for any scope), without using it; its scope in @scope. */
gboolean     fake_control_peek_fault (FakeControl      *self,
                                     guint              fault,
                                     const char *const *subjects,
                                     guint              n_subjects,
                                     char             **scope);

void         fake_control_set_latency (FakeControl     *self,
                                     guint              latency_ms);
guint        fake_control_get_latency (FakeControl     *self);

void         fake_control_count_request (FakeControl   *self,
                                     const char        *what);
/* Counts one request under "@what @detail" too, apart from the total. */
void         fake_control_count_detail (FakeControl    *self,
                                     const char        *what,
                                     const char        *detail);
/* Requests counted under @what ("getSeries", or "getSeries Coll" for a
 * detail); NULL: all. */
guint        fake_control_get_request_count (FakeControl *self,
                                     const char        *what);
/* The most requests that were being answered at once (from their arrival
 * to the end of their response) since the last call, or since the start. */
guint        fake_control_take_peak_requests (FakeControl *self);

/* Sources of requests a server answers later: destroyed when it stops. */
void         fake_control_track     (FakeControl       *self,
                                     GSource           *source);
void         fake_control_untrack   (FakeControl       *self,
                                     GSource           *source);
void         fake_control_destroy_pending (FakeControl *self);

/* Calls @callback (@server, @msg, @path, @query, @user_data) now, or after the
 * latency when one is set. */
void         fake_control_dispatch  (FakeControl       *self,
                                     SoupServerCallback callback,
                                     SoupServer        *server,
                                     SoupServerMessage *msg,
                                     const char        *path,
                                     GHashTable        *query,
                                     gpointer           user_data);

/* The control endpoints, @what being the path after /fake-nbia/ or /fake-idc/:
 * fault?name=&times=&scope= (uid= too), clear, latency?ms=,
 * stats[?what=] (endpoint= too). FALSE when @what is none of them. */
gboolean     fake_control_answer    (FakeControl       *self,
                                     SoupServerMessage *msg,
                                     const char        *what,
                                     GHashTable        *query);
/* A text/plain answer of @text. */
void         fake_control_reply     (SoupServerMessage *msg,
                                     guint              status,
                                     const char        *text);

G_END_DECLS
