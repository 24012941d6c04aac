/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tcia-extract.h"
#include "tcia-md5-list.h"

#define HASH_A "0123456789abcdef0123456789abcdef"
#define HASH_B "fedcba9876543210fedcba9876543210"

static GHashTable *
parse (const char  *text,
       GError     **error)
{
  return tcia_md5_list_parse (text, strlen (text), error);
}

static void
test_parse (void)
{
  static const char * const texts[] = {
    "Filename,MD5Hash\n1-01.dcm," HASH_A "\n1-02.dcm," HASH_B "\n",
    "FILENAME,md5hash\r\n1-02.dcm," HASH_B "\r\n1-01.dcm," HASH_A,
    "1-01.dcm,0123456789ABCDEF0123456789ABCDEF\n\n1-02.dcm, " HASH_B " \n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) table = parse (texts[i], &error);

      g_assert_no_error (error);
      g_assert_cmpuint (g_hash_table_size (table), ==, 2);
      g_assert_cmpstr (g_hash_table_lookup (table, "1-01.dcm"), ==, HASH_A);
      g_assert_cmpstr (g_hash_table_lookup (table, "1-02.dcm"), ==, HASH_B);
    }
}

/* A name may hold commas: the hash is after the last one. */
static void
test_comma_in_name (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) table = parse ("a,b,c.dcm," HASH_A "\r\n", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (table, "a,b,c.dcm"), ==, HASH_A);
}

static void
test_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) none = tcia_md5_list_parse (NULL, 0, &error);
  g_autoptr(GHashTable) header = parse ("Filename,MD5Hash\r\n", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (none), ==, 0);
  g_assert_cmpuint (g_hash_table_size (header), ==, 0);
}

/* The same name twice is fine when the hash is the same. */
static void
test_repeated (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) table = parse ("x.dcm," HASH_A "\nx.dcm,"
                                       "0123456789ABCDEF0123456789ABCDEF\n", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (table), ==, 1);
}

static void
test_malformed (void)
{
  static const char * const texts[] = {
    "x.dcm," HASH_A "0\n",
    "x.dcm,0123456789abcdef0123456789abcdeg\n",
    "x.dcm,\n",
    "x.dcm\n",
    "," HASH_A "\n",
    " ," HASH_A "\n",
    "x.dcm," HASH_A "\nx.dcm," HASH_B "\n",
    "x.dcm," HASH_A "\nFilename,MD5Hash\n",
    "\x1b[2Jx.dcm,\x1b[31m\n",
    "Filename,MD5Hash\r\bx.dcm," HASH_A "\r\n",
    "a\tb.dcm," HASH_A "\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) table = parse (texts[i], &error);

      g_assert_null (table);
      g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_null (strchr (error->message, '\x1b'));
    }

  /* A NUL byte would cut a name short. */
  {
    const char text[] = "x.dcm\0y," HASH_A "\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(GHashTable) table = tcia_md5_list_parse (text, sizeof text - 1, &error);

    g_assert_null (table);
    g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM);
  }
}

static void
test_too_many_lines (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) table = NULL;

  for (guint i = 0; i <= TCIA_MD5_LIST_MAX_LINES; i++)
    g_string_append_c (text, '\n');
  table = tcia_md5_list_parse (text->str, text->len, &error);
  g_assert_null (table);
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/md5-list/parse", test_parse);
  g_test_add_func ("/core/md5-list/comma-in-name", test_comma_in_name);
  g_test_add_func ("/core/md5-list/empty", test_empty);
  g_test_add_func ("/core/md5-list/repeated", test_repeated);
  g_test_add_func ("/core/md5-list/malformed", test_malformed);
  g_test_add_func ("/core/md5-list/too-many-lines", test_too_many_lines);

  return g_test_run ();
}
