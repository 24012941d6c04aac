/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tcia-text.h"

static void
test_controls (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "plain", "plain" },
    { "\033[2Jclear", "[2Jclear" },
    { "title\033]0;owned\007!", "title ]0;owned !" },
    { "line one\r\nline two", "line one line two" },
    { "tab\there", "tab here" },
    { "  spaced  ", "spaced" },
    { "c1\xc2\x9b" "31m", "c1 31m" },
    { "bidi \xe2\x80\xae" "evil", "bidi evil" },
    { "bad \xff utf8", "bad \xef\xbf\xbd utf8" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = tcia_text_sanitize (cases[i].in, 0);

      g_assert_cmpstr (got, ==, cases[i].out);
    }
  {
    g_autofree char *got = tcia_text_sanitize (NULL, 0);

    g_assert_cmpstr (got, ==, "");
  }
}

static void
test_cut (void)
{
  g_autofree char *long_name = g_strnfill (5000, 'x');
  g_autofree char *cut = tcia_text_sanitize (long_name, 100);
  g_autofree char *umlauts = tcia_text_sanitize ("äääää", 3);
  g_autofree char *fits = tcia_text_sanitize ("abc", 3);

  g_assert_cmpuint (g_utf8_strlen (cut, -1), ==, 101);
  g_assert_true (g_str_has_suffix (cut, "…"));
  g_assert_cmpstr (umlauts, ==, "äää…");
  g_assert_cmpstr (fits, ==, "abc");
}

/* The one check of a UID's syntax that manifests, imports and IDC use. */
static void
test_uid (void)
{
  const char *good[] = { "1", "1.2.840.10008.1", "0.0" };
  const char *bad[] = { "", ".1", "1.", "1..2", "1.2a", "1.2 ", "-1.2" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (tcia_text_is_uid (good[i], -1));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (tcia_text_is_uid (bad[i], -1));
  g_assert_false (tcia_text_is_uid (NULL, -1));
  /* A length: the first part of a longer text. */
  g_assert_true (tcia_text_is_uid ("1.2.3,more", 5));
  g_assert_false (tcia_text_is_uid ("1.2.3,more", 6));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/text/controls", test_controls);
  g_test_add_func ("/core/text/cut", test_cut);
  g_test_add_func ("/core/text/uid", test_uid);
  return g_test_run ();
}
