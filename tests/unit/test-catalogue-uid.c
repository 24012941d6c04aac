/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib.h>
#include "tcia-catalogue-db-private.h"

/* UIDs as the local catalogue stores them, four bits a character. */

static void
assert_round_trip (const char *uid)
{
  g_autoptr(GBytes) packed = tcia_catalogue_pack_uid (uid, strlen (uid));
  g_autofree char *unpacked = NULL;
  gsize size;
  const guint8 *data;

  g_assert_nonnull (packed);
  data = g_bytes_get_data (packed, &size);
  g_assert_cmpuint (size, ==, (strlen (uid) + 1) / 2);
  unpacked = tcia_catalogue_unpack_uid (data, size);
  g_assert_cmpstr (unpacked, ==, uid);
}

static void
test_pack (void)
{
  g_autoptr(GBytes) one = tcia_catalogue_pack_uid ("1.2", 3);
  g_autofree char *long_uid = g_strnfill (129, '1');
  const guint8 expected[] = { 0x31, 0x40 };

  /* Odd and even lengths, every digit. */
  assert_round_trip ("1.3.6.1.4.1.14519.5.2.1.7695.1700.123456789012345678901234567890");
  assert_round_trip ("1.2.840.10008.5.1.4.1.1.2");
  assert_round_trip ("0123456789.9876543210");
  assert_round_trip ("7");

  /* '1' is 3, '.' is 1, '2' is 4, padded with 0. */
  g_assert_cmpmem (g_bytes_get_data (one, NULL), g_bytes_get_size (one),
                   expected, sizeof expected);

  /* Not a UID: kept as text by the caller. */
  g_assert_null (tcia_catalogue_pack_uid ("1.2.x", 5));
  g_assert_null (tcia_catalogue_pack_uid ("x.2", 3));
  g_assert_null (tcia_catalogue_pack_uid ("1 2", 3));
  g_assert_null (tcia_catalogue_pack_uid ("12\xc3\xa9", 4));
  g_assert_null (tcia_catalogue_pack_uid ("", 0));
  g_assert_null (tcia_catalogue_pack_uid (long_uid, 129));
  assert_round_trip (long_uid + 1);
}

/* Every packed UID that starts with a prefix sorts inside its range. */
static void
test_range (void)
{
  const char *prefixes[] = { "1.3.6", "1.3.6." };
  const char *inside[] = { "1.3.6", "1.3.6.1", "1.3.69", "1.3.6.9.9" };
  const char *outside[] = { "1.3.5.9", "1.3.7", "1.4", "2" };

  for (guint p = 0; p < G_N_ELEMENTS (prefixes); p++)
    {
      g_autoptr(GBytes) lo = NULL;
      g_autoptr(GBytes) hi = NULL;

      g_assert_true (tcia_catalogue_uid_range (prefixes[p], &lo, &hi));
      for (guint i = 0; i < G_N_ELEMENTS (inside); i++)
        {
          g_autoptr(GBytes) uid = tcia_catalogue_pack_uid (inside[i], strlen (inside[i]));
          gboolean starts = g_str_has_prefix (inside[i], prefixes[p]);

          g_assert_cmpint (g_bytes_compare (uid, lo) >= 0 && g_bytes_compare (uid, hi) < 0, ==,
                           starts);
        }
      for (guint i = 0; i < G_N_ELEMENTS (outside); i++)
        {
          g_autoptr(GBytes) uid = tcia_catalogue_pack_uid (outside[i], strlen (outside[i]));

          g_assert_false (g_bytes_compare (uid, lo) >= 0 && g_bytes_compare (uid, hi) < 0);
        }
    }
  g_assert_false (tcia_catalogue_uid_range ("1.a", NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/catalogue/uid/pack", test_pack);
  g_test_add_func ("/core/catalogue/uid/range", test_range);

  return g_test_run ();
}
