/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the tests of the listings and of the options (test-cli.c,
 * test-cli-options.c) share: one fake server for every test, the series it
 * holds, and a reader of the CSV the program writes. */

#include <string.h>

#include "cli-test-util.h"
#include "fake-nbia.h"

/* One fake server for every test; each test leaves it without faults. */
static FakeNbia *fake;
static char *url_v4;
static char *url_v1;
static const char *spaced_collection;

/* RFC 4180 as the CLI writes it: "\n" ends a record, quoted fields may hold
 * commas, quotes (doubled) and line breaks. */
static inline GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      if (*p == '"')
        {
          g_assert_cmpuint (field->len, ==, 0);
          for (p++; ; p++)
            {
              g_assert_true (*p != '\0');
              if (*p == '"' && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p++;
                }
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                g_string_append_c (field, *p);
            }
          g_assert_true (*p == ',' || *p == '\n');
        }
      else if (*p == ',' || *p == '\n')
        {
          g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          if (*p == '\n')
            {
              g_ptr_array_add (fields, NULL);
              g_ptr_array_add (records, g_ptr_array_free (g_steal_pointer (&fields), FALSE));
              fields = g_ptr_array_new_with_free_func (g_free);
            }
          p++;
        }
      else
        {
          g_assert_true (*p != '"' && *p != '\r');
          g_string_append_c (field, *p++);
        }
    }

  /* Every record ends with "\n". */
  g_assert_cmpuint (fields->len, ==, 0);
  g_assert_cmpuint (field->len, ==, 0);

  return records;
}

/* The series of @collection as the fake archive holds them, by UID. */
static inline GHashTable *
expected_series (const char *collection)
{
  GHashTable *expected = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  for (guint i = 0; i < fake_nbia_get_n_series (fake); i++)
    {
      FakeNbiaSeriesInfo *info = g_new0 (FakeNbiaSeriesInfo, 1);

      fake_nbia_get_series (fake, i, info);
      if (collection == NULL || g_strcmp0 (info->collection, collection) == 0)
        g_hash_table_insert (expected, (char *) info->series_uid, info);
      else
        g_free (info);
    }

  return expected;
}

/* GTest, and the shared server: 120 series, one collection with a space in
 * its name. */
static inline void
cli_listing_test_init (int    *argc,
                       char ***argv)
{
  FakeNbiaOptions options;
  g_autoptr(GError) error = NULL;

  g_test_init (argc, argv, NULL);

  fake_nbia_options_init (&options);
  options.n_series = 120;
  fake = fake_nbia_new (&options);
  fake_nbia_start_in_thread (fake, 0, &error);
  g_assert_no_error (error);
  url_v4 = fake_nbia_get_url (fake, 4);
  url_v1 = fake_nbia_get_url (fake, 1);

  for (const char * const *names = fake_nbia_get_collections (fake); *names != NULL; names++)
    {
      if (strchr (*names, ' ') != NULL)
        {
          spaced_collection = *names;
          break;
        }
    }
  g_assert_nonnull (spaced_collection);
}

/* Runs the tests, then stops the server. */
static inline int
cli_listing_test_run (void)
{
  int status = g_test_run ();

  g_clear_pointer (&url_v4, g_free);
  g_clear_pointer (&url_v1, g_free);
  g_clear_pointer (&fake, fake_nbia_free);

  return status;
}
