/* SPDX-License-Identifier: GPL-3.0-or-later */

/* libFuzzer target for the s5cmd manifest reader (tcia-import-s5cmd.c).
 * The first byte's high bit picks TCIA_IMPORT_FLAGS_SKIP_INVALID_LINES,
 * its low bit AUTO (the sniffer) instead of S5CMD; the rest is the file.
 * Besides the sanitizers, it checks what callers rely on: every folder is
 * a lower-case UUID that can go into IDC's SQL, with a bucket name that
 * cannot break a line or a path, each folder once; the file's UIDs are
 * valid; written back as an s5cmd manifest, it reads back the same; a
 * failure is a TCIA_IMPORT_ERROR whose message is UTF-8 and names the
 * file. Built by run-fuzz.sh. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-check.h"
#include "tcia-import.h"
#include "tcia-manifest.h"

#define NAME "fuzz.s5cmd"

static gboolean
is_lower_uuid (const char *s)
{
  if (strlen (s) != 36)
    return FALSE;
  for (guint i = 0; i < 36; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (s[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isdigit (s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
        {
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
is_safe_bucket (const char *s)
{
  gsize len = strlen (s);

  if (len < 3 || len > 222)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!(g_ascii_islower (s[i]) || g_ascii_isdigit (s[i]) || strchr ("-._", s[i]) != NULL))
      return FALSE;
  return TRUE;
}

static void
check_result (TciaImportFile *file)
{
  const char * const *uuids = tcia_import_file_get_idc_series_uuids (file);
  const char * const *buckets = tcia_import_file_get_idc_buckets (file);
  const char * const *uids = tcia_import_file_get_uids (file);
  guint n = tcia_import_file_get_n_idc_series (file);
  guint n_uids = tcia_import_file_get_n_uids (file);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) text = g_string_new ("# s5cmd --no-sign-request run x.s5cmd\n");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TciaImportFile) again = NULL;
  g_autoptr(GError) error = NULL;

  CHECK (n + n_uids > 0);
  CHECK (uuids[n] == NULL && buckets[n] == NULL && uids[n_uids] == NULL);
  if (n > 0)
    CHECK (tcia_import_file_get_format (file) == TCIA_IMPORT_FORMAT_S5CMD);
  for (guint i = 0; i < n; i++)
    {
      CHECK (is_lower_uuid (uuids[i]));
      CHECK (is_safe_bucket (buckets[i]));
      CHECK (g_hash_table_add (seen, (gpointer) uuids[i]));
      g_string_append_printf (text, "cp s3://%s/%s/* .\n", buckets[i], uuids[i]);
    }
  for (guint i = 0; i < n_uids; i++)
    {
      CHECK (tcia_manifest_is_series_uid (uids[i]));
      g_string_append_printf (text, TCIA_S5CMD_NOT_IN_IDC " %s\n", uids[i]);
    }
  for (const char * const *w = tcia_import_file_get_warnings (file); *w != NULL; w++)
    CHECK (g_utf8_validate (*w, -1, NULL) && strstr (*w, NAME) != NULL);
  if (tcia_import_file_get_format (file) != TCIA_IMPORT_FORMAT_S5CMD)
    return;

  /* Written as the export writes it, read back the same. */
  bytes = g_bytes_new (text->str, text->len);
  again = tcia_import_parse_bytes (bytes, NAME, TCIA_IMPORT_FORMAT_AUTO,
                                   TCIA_IMPORT_FLAGS_NONE, &error);
  CHECK (again != NULL);
  CHECK (tcia_import_file_get_n_idc_series (again) == n);
  CHECK (tcia_import_file_get_n_uids (again) == n_uids);
  for (guint i = 0; i < n; i++)
    {
      CHECK (strcmp (tcia_import_file_get_idc_series_uuids (again)[i], uuids[i]) == 0);
      CHECK (strcmp (tcia_import_file_get_idc_buckets (again)[i], buckets[i]) == 0);
    }
  for (guint i = 0; i < n_uids; i++)
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

  format = (data[0] & 1) != 0 ? TCIA_IMPORT_FORMAT_AUTO : TCIA_IMPORT_FORMAT_S5CMD;
  flags = (data[0] & 0x80) != 0 ? TCIA_IMPORT_FLAGS_SKIP_INVALID_LINES : TCIA_IMPORT_FLAGS_NONE;
  bytes = g_bytes_new_static (data + 1, size - 1);

  file = tcia_import_parse_bytes (bytes, NAME, format, flags, &error);
  if (file != NULL)
    {
      CHECK (error == NULL);
      if (tcia_import_file_get_format (file) == TCIA_IMPORT_FORMAT_S5CMD)
        check_result (file);
    }
  else
    {
      CHECK_ERROR (error, TCIA_IMPORT_ERROR, NAME);
    }

  return 0;
}
