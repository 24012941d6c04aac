/* SPDX-License-Identifier: GPL-3.0-or-later */

/* libFuzzer target for the import parser (manifests, UID lists, CSV/TSV).
 * The first byte picks the format (AUTO, MANIFEST, UID_LIST, CSV, TSV) and,
 * with its high bit, TCIA_IMPORT_FLAGS_SKIP_INVALID_LINES; the rest is the
 * file. Besides the sanitizers, it checks what callers rely on: a result
 * holds only valid, distinct UIDs that the manifest writer accepts and that
 * read back the same; a failure is a TCIA_IMPORT_ERROR whose message is
 * UTF-8 and names the file. Built by run-fuzz.sh. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-check.h"
#include "tcia-import.h"
#include "tcia-manifest.h"

#define NAME "fuzz.tcia"

static void
check_result (TciaImportFile  *file,
              TciaImportFlags  flags)
{
  const char * const *uids = tcia_import_file_get_uids (file);
  guint n = tcia_import_file_get_n_uids (file);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TciaImportFile) again = NULL;
  GListModel *hints = tcia_import_file_get_hints (file);
  gsize len;

  /* An s5cmd manifest may name IDC folders only: fuzz-import-s5cmd checks those. */
  if (tcia_import_file_get_format (file) == TCIA_IMPORT_FORMAT_S5CMD)
    {
      CHECK (n + tcia_import_file_get_n_idc_series (file) > 0);
      if (n == 0)
        return;
    }
  CHECK (n > 0);
  CHECK (uids[n] == NULL);
  CHECK (tcia_import_file_get_format (file) != TCIA_IMPORT_FORMAT_AUTO);
  for (guint i = 0; i < n; i++)
    {
      CHECK (strlen (uids[i]) <= TCIA_IMPORT_MAX_UID_LENGTH);
      CHECK (tcia_manifest_is_series_uid (uids[i]));
      CHECK (g_hash_table_add (seen, (gpointer) uids[i]));
    }
  CHECK (g_list_model_get_n_items (hints) <= n);

  if ((flags & TCIA_IMPORT_FLAGS_SKIP_INVALID_LINES) == 0)
    CHECK (tcia_import_file_get_n_skipped_lines (file) == 0);
  for (const char * const *w = tcia_import_file_get_warnings (file); *w != NULL; w++)
    CHECK (g_utf8_validate (*w, -1, NULL) && strstr (*w, NAME) != NULL);

  /* Written as a manifest, read back the same. */
  text = tcia_manifest_to_string (uids, NULL, &error);
  CHECK (text != NULL);
  len = strlen (text);
  bytes = g_bytes_new_take (g_steal_pointer (&text), len);
  again = tcia_import_parse_bytes (bytes, NAME, TCIA_IMPORT_FORMAT_AUTO,
                                   TCIA_IMPORT_FLAGS_NONE, &error);
  CHECK (again != NULL);
  CHECK (tcia_import_file_get_n_uids (again) == n);
  for (guint i = 0; i < n; i++)
    CHECK (strcmp (tcia_import_file_get_uids (again)[i], uids[i]) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TciaImportFile) file = NULL;
  TciaImportFormat format;
  TciaImportFlags flags;

  if (size < 1)
    return 0;

  format = (TciaImportFormat) ((data[0] & 0x7f) % 5);
  flags = (data[0] & 0x80) != 0 ? TCIA_IMPORT_FLAGS_SKIP_INVALID_LINES : TCIA_IMPORT_FLAGS_NONE;
  bytes = g_bytes_new_static (data + 1, size - 1);

  file = tcia_import_parse_bytes (bytes, NAME, format, flags, &error);
  if (file != NULL)
    {
      CHECK (error == NULL);
      check_result (file, flags);
    }
  else
    {
      CHECK_ERROR (error, TCIA_IMPORT_ERROR, NAME);
    }

  return 0;
}
