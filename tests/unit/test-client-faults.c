/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The client against the in-process fake NBIA server when things go wrong:
 * faults and retries, deadlines, cancellation and progressive delivery. */
#include "config.h"

#include "client-test-util.h"

/* ---- Faults and retries -------------------------------------------------------- */

static void
test_retry_429 (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTTP_429, 2, NULL);
  model = list_series_sync (f->v4, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, fake_nbia_get_n_series (f->fake));
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 3);
}

static void
test_retry_503 (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  /* With Retry-After: 1, which is honoured. */
  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTTP_503, 1, NULL);
  model = list_collections_sync (f->v1, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 0);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getCollectionValues"), ==, 2);
}

static void
test_retry_exhausted (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTTP_500, 0, NULL);
  model = list_series_sync (f->v4, NULL, store, &error);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_SERVER);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "500"));
  /* In a person's words, as a sentence: no API word such as getSeries. */
  g_assert_nonnull (strstr (error->message, "the list of series"));
  g_assert_null (strstr (error->message, "getSeries"));
  g_assert_true (g_str_has_suffix (error->message, "(4 attempts)."));
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
}

typedef struct
{
  guint added;
  guint removed;
  guint batches;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  Changes *changes = user_data;

  changes->added += added;
  changes->removed += removed;
  if (added > 0)
    changes->batches++;
}

static void
test_drop_mid_body (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GHashTable) expected = string_set ();
  g_autoptr(GPtrArray) all = fake_series (f);
  g_autoptr(GObject) before = g_object_new (TCIA_TYPE_SERIES, NULL);
  g_autoptr(GError) error = NULL;
  Changes changes = { 0, };
  guint i;

  for (i = 0; i < all->len; i++)
    g_hash_table_add (expected, g_strdup (((FakeNbiaSeriesInfo *) all->pdata[i])->series_uid));

  /* Something of the caller's already in the store stays put. */
  g_list_store_append (store, before);
  g_signal_connect (store, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_DROP, 1, NULL);
  model = list_series_sync (f->v4, NULL, store, &error);
  g_assert_no_error (error);

  /* Half the body (more than one batch) arrived, then the connection broke:
   * those rows were taken back and the retry delivered each row once. */
  g_assert_cmpuint (changes.removed, >, 0);
  g_assert_cmpuint (changes.added - changes.removed, ==, all->len);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, all->len + 1);
  {
    g_autoptr(GObject) first = g_list_model_get_item (model, 0);

    g_assert_true (first == before);
  }
  g_list_store_remove (store, 0);
  assert_series_match (f, model, expected);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 2);
}

static void
test_drop_exhausted (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = fake_nbia_get_url (f->fake, 4);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uri));

  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_DROP, 0, NULL);
  model = list_series_sync (f->v4, NULL, store, &error);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_NETWORK);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, host));
  g_assert_nonnull (strstr (error->message, "the list of series"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 4);
}

static void
test_bad_request (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTTP_400, 0, NULL);
  model = list_series_sync (f->v4, NULL, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_BAD_REQUEST);
  /* The server's own words, and no retry. */
  g_assert_cmpstr (error->message, ==, "Simulated bad request: getSeries");
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 1);
}

static void
test_html_page (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTML_PAGE, 0, NULL);
  model = list_patients_sync (f->v4, NULL, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "web page"));
  g_assert_nonnull (strstr (error->message, "the list of patients"));
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getPatient"), ==, 1);
}

static void
test_malformed_json (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  Changes changes = { 0, };

  g_signal_connect (store, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_MALFORMED_JSON, 0, NULL);
  model = list_series_sync (f->v4, NULL, store, &error);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_INVALID_RESPONSE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "the list of series"));
  g_assert_nonnull (strstr (error->message, "byte"));
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 1);
  /* Rows that arrived before the bad byte are not left behind as if complete. */
  g_assert_cmpuint (changes.added, >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
}

static void
test_dead_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) any = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;
  guint port;

  /* A port that was free a moment ago and has nobody listening. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  any = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, any, TRUE, &error));
  bound = g_socket_get_local_address (socket, &error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  url = g_strdup_printf ("http://127.0.0.1:%u/nbia-api/services/v4", port);
  client = tcia_client_new (url, &error);
  g_assert_no_error (error);
  tcia_client_set_retry_policy (client, 2, 1, 2);

  model = list_collections_sync (client, FALSE, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_NETWORK);
  expected = g_strdup_printf ("Could not reach 127.0.0.1:%u: Connection refused.", port);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_stall (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  tcia_client_set_timeout (f->v4, 1);
  tcia_client_set_retry_policy (f->v4, 2, 1, 2);

  /* Stalls once: the timeout ends the attempt and the retry succeeds. */
  {
    g_autoptr(GListModel) model = NULL;

    fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_STALL, 1, NULL);
    model = list_series_sync (f->v4, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, fake_nbia_get_n_series (f->fake));
    g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 2);
  }

  /* Stalls every time: a network error, not a hang. */
  {
    g_autoptr(GListModel) model = NULL;

    fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_STALL, 0, NULL);
    model = list_series_sync (f->v4, NULL, NULL, &error);
    g_assert_null (model);
    g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_NETWORK);
    g_test_message ("%s", error->message);
    g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 4);
    fake_nbia_clear_faults (f->fake);
  }
}

/* ---- Deadlines and telling the caller ------------------------------------------ */

typedef struct
{
  GArray    *attempts;      /* of guint */
  guint      max_attempts;
  guint      last_delay_ms;
  char      *last_reason;
  GThread   *thread;        /* where the signal came, NULL before */
} Retries;

static void
retrying_cb (TciaClient *client,
             guint       attempt,
             guint       max_attempts,
             guint       delay_ms,
             const char *reason,
             gpointer    user_data)
{
  Retries *retries = user_data;

  g_array_append_val (retries->attempts, attempt);
  retries->max_attempts = max_attempts;
  retries->last_delay_ms = delay_ms;
  g_free (retries->last_reason);
  retries->last_reason = g_strdup (reason);
  retries->thread = g_thread_self ();
}

static void
drain_main_context (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* Each wait before a retry is announced, in the caller's thread, with the
 * number of the attempt to come and why. */
static void
test_retrying_signal (Fixture       *f,
                      gconstpointer  data)
{
  Retries retries = { g_array_new (FALSE, FALSE, sizeof (guint)), };
  Retries series_retries = { g_array_new (FALSE, FALSE, sizeof (guint)), };
  gulong handler, series_handler;

  handler = g_signal_connect (f->v4, "retrying", G_CALLBACK (retrying_cb), &retries);
  /* What a page that lists series follows: its listings' retries only. */
  series_handler = g_signal_connect (f->v4, "retrying::TciaSeries", G_CALLBACK (retrying_cb),
                                     &series_retries);

  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;

    fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTTP_500, 2, NULL);
    model = list_series_sync (f->v4, NULL, NULL, &error);
    g_assert_no_error (error);
    drain_main_context ();
    g_assert_cmpuint (retries.attempts->len, ==, 2);
    g_assert_cmpuint (g_array_index (retries.attempts, guint, 0), ==, 2);
    g_assert_cmpuint (g_array_index (retries.attempts, guint, 1), ==, 3);
    g_assert_cmpuint (retries.max_attempts, ==, 4);
    g_assert_cmpuint (retries.last_delay_ms, <=, 5);
    g_assert_cmpstr (retries.last_reason, ==, "Server error (HTTP 500)");
    g_assert_true (retries.thread == g_thread_self ());
    g_assert_cmpuint (series_retries.attempts->len, ==, 2);
  }

  /* A Retry-After is what the wait is, and a 429 is the server being busy. */
  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(GError) error = NULL;

    g_array_set_size (retries.attempts, 0);
    fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_HTTP_429, 1, NULL);
    model = list_collections_sync (f->v4, FALSE, NULL, &error);
    g_assert_no_error (error);
    drain_main_context ();
    g_assert_cmpuint (retries.attempts->len, ==, 1);
    g_assert_cmpuint (g_array_index (retries.attempts, guint, 0), ==, 2);
    g_assert_cmpuint (retries.last_delay_ms, ==, 1000);
    g_assert_cmpstr (retries.last_reason, ==, "Server busy (HTTP 429)");
    /* A collections listing is not a series listing. */
    g_assert_cmpuint (series_retries.attempts->len, ==, 2);
  }

  g_signal_handler_disconnect (f->v4, handler);
  g_signal_handler_disconnect (f->v4, series_handler);
  g_array_unref (retries.attempts);
  g_array_unref (series_retries.attempts);
  g_free (retries.last_reason);
  g_free (series_retries.last_reason);
}

/* A Retry-After longer than what is left of the look-up's deadline is not
 * waited for: the look-up fails at once and says why. */
static void
test_retry_after_past_deadline (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autofree char *url = NULL;
  Retries retries = { g_array_new (FALSE, FALSE, sizeof (guint)), };
  FakeNbiaOptions options;
  FakeNbia *fake;

  fake_nbia_options_init (&options);
  options.retry_after_s = 30;
  fake = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (fake, 0, &error));
  url = fake_nbia_get_url (fake, 4);
  client = tcia_client_new (url, &error);
  g_assert_no_error (error);
  tcia_client_set_deadline (client, 5);
  g_signal_connect (client, "retrying", G_CALLBACK (retrying_cb), &retries);

  fake_nbia_set_fault (fake, FAKE_NBIA_FAULT_HTTP_503, 0, NULL);
  model = list_series_sync (client, NULL, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_TIMED_OUT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "The server did not answer in time: "));
  g_assert_nonnull (strstr (error->message, "asked to wait 30 s"));
  g_assert_nonnull (strstr (error->message, "the list of series"));
  g_assert_nonnull (strstr (error->message, "HTTP 503"));
  g_assert_cmpuint (fake_nbia_get_request_count (fake, "getSeries"), ==, 1);
  drain_main_context ();
  g_assert_cmpuint (retries.attempts->len, ==, 0);

  /* Not g_assert_finalize_object(): the worker thread may still be letting
   * go of the task, which holds the client. */
  g_clear_object (&client);
  fake_nbia_free (fake);
  g_array_unref (retries.attempts);
  g_free (retries.last_reason);
}

/* A server slower than the deadline: the attempt is ended there, not
 * when the server finally answers. */
static void
test_deadline_during_attempt (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  tcia_client_set_deadline (f->v4, 1);
  fake_nbia_set_latency (f->fake, 3000);
  model = list_patients_sync (f->v4, NULL, NULL, &error);
  fake_nbia_set_latency (f->fake, 0);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_TIMED_OUT);
  g_test_message ("%s", error->message);
  g_assert_cmpstr (error->message, ==,
                   "The server did not answer in time: the list of patients did not arrive in full "
                   "within 1 s.");
}

/* A body that stops coming fails by the minimum-progress rule, well before
 * the connection's own silence timeout would end it. */
static void
test_slow_body (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  tcia_client_set_timeout (f->v4, 5);
  tcia_client_set_min_progress (f->v4, 300, 1024);
  fake_nbia_set_fault (f->fake, FAKE_NBIA_FAULT_STALL, 0, NULL);
  model = list_series_sync (f->v4, NULL, store, &error);
  fake_nbia_clear_faults (f->fake);
  g_assert_null (model);
  g_assert_error (error, TCIA_CLIENT_ERROR, TCIA_CLIENT_ERROR_TIMED_OUT);
  g_test_message ("%s", error->message);
  g_assert_cmpstr (error->message, ==,
                   "The server did not answer in time: the list of series slowed to "
                   "less than 1.0\302\240KiB in 0.3 s.");
  g_assert_cmpuint (fake_nbia_get_request_count (f->fake, "getSeries"), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
}

/* ---- Cancellation and delivery ------------------------------------------------- */

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_during_latency (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  Changes changes = { 0, };

  g_signal_connect (store, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  fake_nbia_set_latency (f->fake, 300);

  tcia_client_list_series_async (f->v4, NULL, store, cancellable, store_result_cb, &result);
  g_timeout_add (30, cancel_cb, cancellable);
  wait_for (&result);
  model = tcia_client_list_series_finish (f->v4, result, &error);
  g_assert_null (model);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Even once the server has answered, nothing arrives. (A loaded
   * machine may cancel before the request left: 2 s at most.) */
  for (guint i = 0; i < 100 && fake_nbia_get_request_count (f->fake, "getSeries") == 0; i++)
    spin (20);
  spin (100);
  g_assert_cmpuint (changes.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);

  /* Already cancelled: nothing is sent at all. */
  {
    g_autoptr(GAsyncResult) again = NULL;
    g_autoptr(GListModel) none = NULL;
    g_autoptr(GError) cancelled = NULL;
    guint sent = fake_nbia_get_request_count (f->fake, NULL);

    tcia_client_list_collections_async (f->v4, FALSE, NULL, cancellable, store_result_cb, &again);
    wait_for (&again);
    none = tcia_client_list_collections_finish (f->v4, again, &cancelled);
    g_assert_error (cancelled, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    spin (50);
    g_assert_cmpuint (fake_nbia_get_request_count (f->fake, NULL), ==, sent);
  }
}

typedef struct
{
  Changes       changes;
  GCancellable *cancellable;
  gboolean      finished;
  guint         n_at_first_batch;
} Progress;

static void
progress_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     gpointer    user_data)
{
  Progress *progress = user_data;

  g_assert_false (progress->finished);
  items_changed_cb (model, position, removed, added, &progress->changes);
  if (progress->changes.batches == 1 && added > 0)
    progress->n_at_first_batch = g_list_model_get_n_items (model);
  if (progress->cancellable != NULL && progress->changes.batches == 2)
    g_cancellable_cancel (progress->cancellable);
}

static void
test_progressive (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  guint n = fake_nbia_get_n_series (f->fake);
  Progress progress = { { 0, }, };

  g_assert_cmpuint (n, >=, 20000);
  g_signal_connect (store, "items-changed", G_CALLBACK (progress_changed_cb), &progress);
  tcia_client_list_series_async (f->v4, NULL, store, NULL, store_result_cb, &result);
  wait_for (&result);
  progress.finished = TRUE;

  /* Rows were in the store, in several batches, before the listing finished. */
  g_assert_cmpuint (progress.changes.batches, >, 1);
  g_assert_cmpuint (progress.n_at_first_batch, >, 0);
  g_assert_cmpuint (progress.n_at_first_batch, <, n);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n);

  model = tcia_client_list_series_finish (f->v4, result, &error);
  g_assert_no_error (error);
  g_assert_true (model == G_LIST_MODEL (store));
  assert_series_match (f, model, NULL);
}

static void
test_cancel_mid_stream (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { { 0, }, };

  progress.cancellable = cancellable;
  g_signal_connect (store, "items-changed", G_CALLBACK (progress_changed_cb), &progress);
  tcia_client_list_series_async (f->v4, NULL, store, cancellable, store_result_cb, &result);
  wait_for (&result);

  model = tcia_client_list_series_finish (f->v4, result, &error);
  g_assert_null (model);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* What had arrived is taken back, and nothing more comes. */
  g_assert_cmpuint (progress.changes.batches, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  progress.finished = TRUE;
  spin (100);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, n_series) \
  g_test_add ("/core/client/" path, Fixture, GUINT_TO_POINTER (n_series), \
              fixture_setup, func, fixture_teardown)

  ADD ("retry-429", test_retry_429, 0);
  ADD ("retry-503", test_retry_503, 0);
  ADD ("retry-exhausted", test_retry_exhausted, 0);
  ADD ("drop-mid-body", test_drop_mid_body, 5000);
  ADD ("drop-exhausted", test_drop_exhausted, 0);
  ADD ("bad-request", test_bad_request, 0);
  ADD ("html-page", test_html_page, 0);
  ADD ("malformed-json", test_malformed_json, 5000);
  g_test_add_func ("/core/client/dead-port", test_dead_port);
  ADD ("stall", test_stall, 0);
  ADD ("retrying-signal", test_retrying_signal, 0);
  g_test_add_func ("/core/client/retry-after-past-deadline", test_retry_after_past_deadline);
  ADD ("deadline-during-attempt", test_deadline_during_attempt, 0);
  ADD ("slow-body", test_slow_body, 0);
  ADD ("cancel-during-latency", test_cancel_during_latency, 0);
  ADD ("progressive", test_progressive, 20000);
  ADD ("cancel-mid-stream", test_cancel_mid_stream, 20000);

#undef ADD

  return g_test_run ();
}
