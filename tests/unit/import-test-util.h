/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the tests of import files share: parsing text as a named file and
 * checking the UIDs or the error that come out. */

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tcia-basket.h"
#include "tcia-import.h"
#include "tcia-manifest.h"
#include "test-util.h"

#define UID_A "1.3.6.1.4.1.14519.5.2.1.2932.1975.258485580179562855968279889580"

#define UID_B "1.3.6.1.4.1.14519.5.2.1.2932.1975.828151202600553380765273057255"

#define UID_C "1.3.6.1.4.1.9328.50.4.0001.3.1"

/* ---- Helpers ------------------------------------------------------------------ */

static inline TciaImportFile *
parse_len (const char        *text,
           gsize              len,
           const char        *name,
           TciaImportFormat   format,
           TciaImportFlags    flags,
           GError           **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, len);

  return tcia_import_parse_bytes (bytes, name, format, flags, error);
}

static inline TciaImportFile *
parse (const char  *text,
       const char  *name,
       GError     **error)
{
  return parse_len (text, strlen (text), name, TCIA_IMPORT_FORMAT_AUTO,
                    TCIA_IMPORT_FLAGS_NONE, error);
}

static inline void
assert_uids (TciaImportFile *file,
             ...)
{
  const char * const *uids = tcia_import_file_get_uids (file);
  const char *expected;
  guint i = 0;
  va_list args;

  va_start (args, file);
  while ((expected = va_arg (args, const char *)) != NULL)
    {
      g_assert_nonnull (uids[i]);
      g_assert_cmpstr (uids[i], ==, expected);
      i++;
    }
  va_end (args);

  g_assert_null (uids[i]);
  g_assert_cmpuint (tcia_import_file_get_n_uids (file), ==, i);
}

/* The error is @code, names the file and contains each of the NULL-terminated strings. */
static inline void
assert_error (GError     *error,
              int         code,
              const char *name,
              ...)
{
  const char *part;
  va_list args;

  g_assert_error (error, TCIA_IMPORT_ERROR, code);
  g_assert_nonnull (strstr (error->message, name));

  va_start (args, name);
  while ((part = va_arg (args, const char *)) != NULL)
    if (strstr (error->message, part) == NULL)
      g_error ("“%s” is not in the message “%s”", part, error->message);
  va_end (args);
}

static inline char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "import", name, NULL);
}
