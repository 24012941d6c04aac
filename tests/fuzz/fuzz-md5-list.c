/* SPDX-License-Identifier: GPL-3.0-or-later */

/* libFuzzer target for the md5hashes.csv parser. Besides the sanitizers, it
 * checks what the extractor relies on: every name is a non-empty string
 * without line breaks, every hash 32 lower-case hex digits; a failure is a
 * TCIA_DOWNLOAD_ERROR_CHECKSUM whose message is short UTF-8 without control
 * characters. Built by run-fuzz.sh. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-check.h"
#include "tcia-extract.h"
#include "tcia-md5-list.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) table = NULL;
  GHashTableIter iter;
  gpointer name, hash;

  table = tcia_md5_list_parse ((const char *) data, size, &error);
  if (table == NULL)
    {
      CHECK (error != NULL);
      CHECK (g_error_matches (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM));
      CHECK (g_utf8_validate (error->message, -1, NULL));
      CHECK (strlen (error->message) < 4096);
      for (const char *p = error->message; *p != '\0'; p++)
        CHECK ((guchar) *p >= 0x20 && *p != 0x7f);
      return 0;
    }

  CHECK (error == NULL);
  CHECK (g_hash_table_size (table) <= size / 34);
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &name, &hash))
    {
      CHECK (*(const char *) name != '\0');
      CHECK (strpbrk (name, "\r\n") == NULL);
      CHECK (strlen (hash) == 32);
      CHECK (strspn (hash, "0123456789abcdef") == 32);
    }
  return 0;
}
