/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the download tests share: a fake server in a thread of its own, and
 * series with their metadata fetched from it. */

#include "fake-nbia.h"
#include "tcia-core.h"

static inline void
download_test_metadata_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GListModel **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = tcia_client_get_series_metadata_finish (TCIA_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

/* The series @uids with their metadata, as the queue needs them. */
static inline GListModel *
download_test_fetch_series (TciaClient         *client,
                            const char * const *uids)
{
  GListModel *series = NULL;

  tcia_client_get_series_metadata_async (client, uids, 0, NULL, NULL,
                                         download_test_metadata_cb, &series);
  while (series == NULL)
    g_main_context_iteration (NULL, TRUE);
  return series;
}

/* A fake server answering at once (Retry-After 0), in a thread; its v4 URL in @url_v4. */
static inline FakeNbia *
download_test_start_server (char **url_v4)
{
  g_autoptr(GError) error = NULL;
  FakeNbiaOptions options;
  FakeNbia *fake;

  fake_nbia_options_init (&options);
  options.retry_after_s = 0;
  fake = fake_nbia_new (&options);
  g_assert_true (fake_nbia_start_in_thread (fake, 0, &error));
  g_assert_no_error (error);
  *url_v4 = fake_nbia_get_url (fake, 4);
  return fake;
}
