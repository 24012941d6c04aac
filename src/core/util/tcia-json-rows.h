/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

/* A streaming reader for the one JSON shape NBIA sends: an array of flat
 * objects (or a single object). Each object is reported as a row of
 * (key, value) fields as the bytes arrive, without building a document.
 * Keys are resolved through a table given once, so unknown keys cost nothing. */

typedef enum
{
  TCIA_JSON_STRING,
  TCIA_JSON_NUMBER,   /* the number's text as sent: "48", "2.5e7" */
  TCIA_JSON_BOOLEAN,  /* "true" or "false" */
} TciaJsonKind;

typedef struct
{
  void (*begin_row) (gpointer      user_data);
  /* @value is not nul-terminated, may hold invalid UTF-8 (strings are not
   * validated by the parser) and is only valid during the call. */
  void (*field)     (gpointer      user_data,
                     guint         id,
                     TciaJsonKind  kind,
                     const char   *value,
                     gsize         len);
  void (*end_row)   (gpointer      user_data);
} TciaJsonRowsSink;

typedef struct _TciaJsonRows TciaJsonRows;

/* The default cap of one value (string, number or key). */
#define TCIA_JSON_ROWS_MAX_VALUE_BYTES (1024 * 1024)

/* @keys maps a key (nul-terminated UTF-8) to GUINT_TO_POINTER (id + 1); it is
 * borrowed and must stay unchanged while the reader lives. Fields whose key is
 * not in it, null values, and nested arrays and objects are skipped. */
TciaJsonRows *tcia_json_rows_new          (GHashTable              *keys,
                                           const TciaJsonRowsSink  *sink,
                                           gpointer                 user_data);
void          tcia_json_rows_free         (TciaJsonRows            *self);

/* A value longer than @max_value bytes (TCIA_JSON_ROWS_MAX_VALUE_BYTES by
 * default) fails the parse; it is never buffered whole. The check works on
 * slices of the input, so a value up to 128 KiB over the cap may still get
 * through; one at most the cap always does. For tests. */
void          tcia_json_rows_set_max_value (TciaJsonRows           *self,
                                           gsize                    max_value);

/* Errors are in G_IO_ERROR: G_IO_ERROR_INVALID_DATA for malformed JSON or a
 * body that is not a list of objects, G_IO_ERROR_PARTIAL_INPUT from _finish
 * when the body ends in the middle of a value, G_IO_ERROR_MESSAGE_TOO_LARGE
 * from _feed for a value over the cap. The message names the byte offset. */
gboolean      tcia_json_rows_feed         (TciaJsonRows            *self,
                                           const void              *data,
                                           gsize                    len,
                                           GError                 **error);
gboolean      tcia_json_rows_finish       (TciaJsonRows            *self,
                                           GError                 **error);

guint64       tcia_json_rows_get_n_rows   (TciaJsonRows            *self);
/* The first byte that is not white space, or 0 when there has been none yet. */
char          tcia_json_rows_get_first_char (TciaJsonRows          *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaJsonRows, tcia_json_rows_free)

/* memcmp () == 0 for the short strings of a listing, without a call. */
static inline gboolean
tcia_bytes_equal (const void *a,
                  const void *b,
                  gsize       len)
{
  const guchar *p = a;
  const guchar *q = b;
  guint64 x, y;
  gsize i;

  if (len >= 8)
    {
      for (i = 0; i + 8 < len; i += 8)
        {
          memcpy (&x, p + i, 8);
          memcpy (&y, q + i, 8);
          if (x != y)
            return FALSE;
        }
      memcpy (&x, p + len - 8, 8);
      memcpy (&y, q + len - 8, 8);
      return x == y;
    }

  if (len >= 4)
    {
      guint32 x1, y1, x2, y2;

      memcpy (&x1, p, 4);
      memcpy (&y1, q, 4);
      memcpy (&x2, p + len - 4, 4);
      memcpy (&y2, q + len - 4, 4);
      return x1 == y1 && x2 == y2;
    }

  for (i = 0; i < len; i++)
    if (p[i] != q[i])
      return FALSE;

  return TRUE;
}

G_END_DECLS
