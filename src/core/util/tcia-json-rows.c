/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <yajl/yajl_parse.h>

#include "tcia-json-rows.h"

/* Every NBIA JSON body is an array of flat objects, so one event-driven
 * parser (yajl) serves all of them, small and large: rows are produced while
 * the body is still arriving and no document is ever built (json-glib is not
 * used for parsing; a DOM of a 100,000-row listing costs seconds and
 * hundreds of MB, see BUILD-NOTES.md).
 *
 * A listing repeats a few dozen keys in nearly the same order in every row,
 * so keys are resolved through a small direct-mapped cache: first the slot
 * of the key that followed the previous key last time, then the slot of the
 * key's hash; the caller's hash table is only consulted for a key not seen
 * yet. The common case is one short comparison per field. */

#define KEY_SLOTS      256   /* a power of two, at most 256 (slots are guint8) */
#define ROW_START      KEY_SLOTS
#define KEY_PROBES     4
#define MAX_KEY_LEN    255
/* yajl keeps a token that spans chunks in a buffer and lexes it again from
 * its start on every later chunk, so a huge value costs time quadratic in
 * its length (100 MB: half a minute and most of a GB). Input is handed to
 * yajl in slices of this size, and bytes that produce no event at all count
 * against the value cap: a value longer than that ends the parse before it
 * is rescanned more than a few times. */
#define FEED_SLICE     (64 * 1024)
/* Room for what surrounds a value between two events: quotes, colon,
 * comma, a little white space. */
#define VALUE_SLACK    64

G_STATIC_ASSERT (TCIA_JSON_ROWS_MAX_VALUE_BYTES > FEED_SLICE);

G_STATIC_ASSERT (KEY_SLOTS <= 256);

typedef struct
{
  char    *key;
  guint32  len;
  int      id;          /* -1: not a key we want */
} KeySlot;

struct _TciaJsonRows
{
  yajl_handle              handle;
  GHashTable              *keys;
  const TciaJsonRowsSink  *sink;
  gpointer                 user_data;

  guint                    depth;        /* arrays and objects currently open */
  guint                    row_depth;    /* depth inside the current row, 0 outside */
  int                      key_id;       /* id of the pending key, -1 for none */
  gboolean                 top_is_array;

  guint64                  offset;       /* bytes given before the current chunk */
  guint64                  n_rows;
  char                     first_char;

  GError                  *error;        /* set by a callback that stops the parse */

  gsize                    max_value;
  guint64                  n_events;     /* callbacks so far */
  guint64                  quiet_bytes;  /* fed since the slice of the last event */

  KeySlot                  slots[KEY_SLOTS];
  guint                    prev_slot;                /* of the previous key, or ROW_START */
  guint8                   next_slot[KEY_SLOTS + 1]; /* the slot that came after this one */
};

static void
stop_with_error (TciaJsonRows *self,
                 const char   *what)
{
  if (self->error == NULL)
    self->error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "expected a list of records, found %s", what);
}

/* A scalar outside a row: fine inside the top-level array (skipped) or
 * nested deeper, an error at the top level. */
static gboolean
scalar_outside_row (TciaJsonRows *self,
                    const char   *what)
{
  if (self->depth == 0)
    {
      stop_with_error (self, what);
      return FALSE;
    }

  return TRUE;
}

static inline gboolean
at_row_level (TciaJsonRows *self)
{
  return self->row_depth != 0 && self->depth == self->row_depth;
}

static int
resolve_key (TciaJsonRows *self,
             const char   *key,
             gsize         len)
{
  char buf[MAX_KEY_LEN + 1];
  gpointer found;

  if (len > MAX_KEY_LEN)
    return -1;

  memcpy (buf, key, len);
  buf[len] = '\0';
  found = g_hash_table_lookup (self->keys, buf);

  return found != NULL ? (int) GPOINTER_TO_UINT (found) - 1 : -1;
}

/* Cheap, and good enough to spread a few dozen distinct keys. */
static inline guint
hash_key (const unsigned char *p,
          gsize                len)
{
  guint h = (guint) len * 2654435761u;

  if (len > 0)
    h ^= p[0] * 31u + p[len - 1] * 131u + p[len / 2] * 7u + p[(len * 3) / 4];

  return (h ^ (h >> 9)) & (KEY_SLOTS - 1);
}

static inline gboolean
slot_matches (const KeySlot       *slot,
              const unsigned char *key,
              gsize                len)
{
  return slot->key != NULL && slot->len == len && tcia_bytes_equal (slot->key, key, len);
}

static int
on_map_key (void                *ctx,
            const unsigned char *key,
            size_t               len)
{
  TciaJsonRows *self = ctx;
  guint predicted;
  guint index;
  KeySlot *slot;

  self->n_events++;
  if (!at_row_level (self))
    return 1;

  predicted = self->next_slot[self->prev_slot];
  slot = &self->slots[predicted];
  if (slot_matches (slot, key, len))
    index = predicted;
  else
    {
      guint home = hash_key (key, len);
      guint free_index = G_MAXUINT;
      guint probe;

      /* A few slots from the home one, so that two keys with the same
       * hash do not keep evicting each other. */
      for (probe = 0; probe < KEY_PROBES; probe++)
        {
          index = (home + probe) & (KEY_SLOTS - 1);
          slot = &self->slots[index];
          if (slot_matches (slot, key, len))
            break;
          if (slot->key == NULL && free_index == G_MAXUINT)
            free_index = index;
        }

      if (probe == KEY_PROBES)
        {
          index = free_index != G_MAXUINT ? free_index : home;
          slot = &self->slots[index];
          g_free (slot->key);
          slot->key = g_strndup ((const char *) key, len);
          slot->len = (guint32) len;
          slot->id = resolve_key (self, (const char *) key, len);
        }
      self->next_slot[self->prev_slot] = (guint8) index;
    }

  self->prev_slot = index;
  self->key_id = slot->id;

  return 1;
}

static inline void
emit (TciaJsonRows *self,
      TciaJsonKind  kind,
      const char   *value,
      gsize         len)
{
  if (self->key_id >= 0)
    self->sink->field (self->user_data, (guint) self->key_id, kind, value, len);
  self->key_id = -1;
}

static int
on_null (void *ctx)
{
  TciaJsonRows *self = ctx;

  self->n_events++;
  /* An explicit null is the same as an omitted key. */
  /* A body of just "null" is taken as no rows, like an empty one. */
  if (at_row_level (self))
    self->key_id = -1;

  return 1;
}

static int
on_boolean (void *ctx,
            int   value)
{
  TciaJsonRows *self = ctx;

  self->n_events++;
  if (at_row_level (self))
    {
      emit (self, TCIA_JSON_BOOLEAN, value ? "true" : "false", value ? 4 : 5);
      return 1;
    }

  return scalar_outside_row (self, "a boolean");
}

static int
on_number (void       *ctx,
           const char *value,
           size_t      len)
{
  TciaJsonRows *self = ctx;

  self->n_events++;
  if (at_row_level (self))
    {
      emit (self, TCIA_JSON_NUMBER, value, len);
      return 1;
    }

  return scalar_outside_row (self, "a number");
}

static int
on_string (void                *ctx,
           const unsigned char *value,
           size_t               len)
{
  TciaJsonRows *self = ctx;

  self->n_events++;
  if (at_row_level (self))
    {
      emit (self, TCIA_JSON_STRING, (const char *) value, len);
      return 1;
    }

  return scalar_outside_row (self, "a string");
}

static int
on_start_map (void *ctx)
{
  TciaJsonRows *self = ctx;

  self->n_events++;
  if (self->row_depth == 0 &&
      (self->depth == 0 || (self->depth == 1 && self->top_is_array)))
    {
      self->row_depth = self->depth + 1;
      self->prev_slot = ROW_START;
      self->key_id = -1;
      self->sink->begin_row (self->user_data);
    }
  else if (at_row_level (self))
    {
      /* A nested object as a value: skipped whole. */
      self->key_id = -1;
    }

  self->depth++;

  return 1;
}

static int
on_end_map (void *ctx)
{
  TciaJsonRows *self = ctx;

  self->n_events++;
  self->depth--;
  if (self->row_depth != 0 && self->depth + 1 == self->row_depth)
    {
      self->row_depth = 0;
      self->n_rows++;
      self->sink->end_row (self->user_data);
    }

  return 1;
}

static int
on_start_array (void *ctx)
{
  TciaJsonRows *self = ctx;

  self->n_events++;
  if (self->depth == 0)
    self->top_is_array = TRUE;
  else if (at_row_level (self))
    self->key_id = -1;

  self->depth++;

  return 1;
}

static int
on_end_array (void *ctx)
{
  TciaJsonRows *self = ctx;

  self->n_events++;
  self->depth--;

  return 1;
}

static const yajl_callbacks callbacks = {
  .yajl_null = on_null,
  .yajl_boolean = on_boolean,
  .yajl_number = on_number,
  .yajl_string = on_string,
  .yajl_start_map = on_start_map,
  .yajl_map_key = on_map_key,
  .yajl_end_map = on_end_map,
  .yajl_start_array = on_start_array,
  .yajl_end_array = on_end_array,
};

TciaJsonRows *
tcia_json_rows_new (GHashTable             *keys,
                    const TciaJsonRowsSink *sink,
                    gpointer                user_data)
{
  TciaJsonRows *self;

  g_return_val_if_fail (keys != NULL, NULL);
  g_return_val_if_fail (sink != NULL, NULL);

  self = g_new0 (TciaJsonRows, 1);
  self->keys = keys;
  self->sink = sink;
  self->user_data = user_data;
  self->key_id = -1;
  self->max_value = TCIA_JSON_ROWS_MAX_VALUE_BYTES;
  self->handle = yajl_alloc (&callbacks, NULL, self);
  /* Invalid UTF-8 in a value is repaired by the consumer rather than failing
   * the whole body. */
  yajl_config (self->handle, yajl_dont_validate_strings, 1);

  return self;
}

void
tcia_json_rows_free (TciaJsonRows *self)
{
  guint i;

  if (self == NULL)
    return;

  yajl_free (self->handle);
  for (i = 0; i < KEY_SLOTS; i++)
    g_free (self->slots[i].key);
  g_clear_error (&self->error);
  g_free (self);
}

static gboolean
fail (TciaJsonRows        *self,
      yajl_status          status,
      gint                 code,
      const unsigned char *data,
      gsize                len,
      GError             **error)
{
  guint64 at = self->offset + (data != NULL ? yajl_get_bytes_consumed (self->handle) : 0);

  if (status == yajl_status_client_canceled && self->error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&self->error),
                                  "at byte %" G_GUINT64_FORMAT ": ", at);
    }
  else
    {
      unsigned char *text = yajl_get_error (self->handle, 0, data, len);
      g_autofree char *message = g_strstrip (g_strdup ((const char *) text));

      yajl_free_error (self->handle, text);
      g_set_error (error, G_IO_ERROR, code, "at byte %" G_GUINT64_FORMAT ": %s", at, message);
    }

  return FALSE;
}

void
tcia_json_rows_set_max_value (TciaJsonRows *self,
                              gsize         max_value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (max_value > 0);

  self->max_value = max_value;
}

gboolean
tcia_json_rows_feed (TciaJsonRows  *self,
                     const void    *data,
                     gsize          len,
                     GError       **error)
{
  const guchar *p = data;
  gsize done = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (len == 0)
    return TRUE;

  if (self->first_char == 0)
    {
      gsize i;

      for (i = 0; i < len; i++)
        if (!g_ascii_isspace (p[i]))
          {
            self->first_char = (char) p[i];
            break;
          }
    }

  while (done < len)
    {
      gsize slice = MIN (len - done, FEED_SLICE);
      guint64 events = self->n_events;
      yajl_status status;

      status = yajl_parse (self->handle, p + done, slice);
      if (status != yajl_status_ok)
        return fail (self, status, G_IO_ERROR_INVALID_DATA, p + done, slice, error);

      self->offset += slice;
      done += slice;

      /* Where in the slice the event came is not known: counting from its
       * end errs on the side of letting a value through. */
      if (self->n_events != events)
        self->quiet_bytes = 0;
      else
        self->quiet_bytes += slice;

      if (self->quiet_bytes > (guint64) self->max_value + VALUE_SLACK)
        {
          g_autofree char *size = g_format_size_full (self->max_value, G_FORMAT_SIZE_IEC_UNITS);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       "at byte %" G_GUINT64_FORMAT ": a value larger than %s",
                       self->offset, size);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
tcia_json_rows_finish (TciaJsonRows  *self,
                       GError       **error)
{
  yajl_status status;

  g_return_val_if_fail (self != NULL, FALSE);

  /* An empty body (or only white space) is how NBIA says "no rows". */
  if (self->first_char == 0)
    return TRUE;

  status = yajl_complete_parse (self->handle);
  if (status != yajl_status_ok)
    {
      /* The parser stopped inside a value: the body ended too soon. */
      gint code = (status == yajl_status_error && self->depth > 0)
                  ? G_IO_ERROR_PARTIAL_INPUT : G_IO_ERROR_INVALID_DATA;

      return fail (self, status, code, NULL, 0, error);
    }

  return TRUE;
}

guint64
tcia_json_rows_get_n_rows (TciaJsonRows *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_rows;
}

char
tcia_json_rows_get_first_char (TciaJsonRows *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->first_char;
}
