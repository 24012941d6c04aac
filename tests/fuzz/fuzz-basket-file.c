/* SPDX-License-Identifier: GPL-3.0-or-later */

/* libFuzzer target for the basket file reader: whatever the bytes, no crash,
 * and a file it accepts writes back to a file that reads back the same
 * (serialize (parse (serialize (x))) == serialize (x)). Built by run-fuzz.sh. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-check.h"
#include "tcia-basket-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GError) error = NULL;
  guint n_skipped = 0;
  gsize len;
  const char *text;

  series = tcia_basket_parse ((const char *) data, size, &n_skipped, &error);
  if (series == NULL)
    {
      CHECK (error != NULL && g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  first = tcia_basket_serialize (series);
  text = g_bytes_get_data (first, &len);
  again = tcia_basket_parse (text, len, &n_skipped, &error);
  CHECK (again != NULL);
  CHECK (n_skipped == 0);
  CHECK (again->len == series->len);
  second = tcia_basket_serialize (again);
  CHECK (g_bytes_equal (first, second));

  return 0;
}
