/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The fixture of the tests of the IDC client against the fake IDC API: a fake
 * IDC in a thread of its own that asks for no wait before a retry, and a
 * client of its API that retries three times. */

#include "fake-idc.h"
#include "tcia-idc-client.h"

typedef struct
{
  FakeIdc       *fake;
  TciaIdcClient *client;
} IdcApiFixture;

static inline void
idc_api_setup (IdcApiFixture *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  FakeIdcOptions options;

  fake_idc_options_init (&options);
  options.retry_after_s = 0;
  f->fake = fake_idc_new (&options);
  g_assert_true (fake_idc_start_in_thread (f->fake, 0, 0, &error));
  g_assert_no_error (error);
  url = fake_idc_get_api_url (f->fake);
  f->client = tcia_idc_client_new (url, &error);
  g_assert_no_error (error);
  tcia_idc_client_set_retry_policy (f->client, 3, 1, 10);
}

static inline void
idc_api_teardown (IdcApiFixture *f,
                  gconstpointer  data)
{
  g_clear_object (&f->client);
  fake_idc_free (f->fake);
}
