/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-cli"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "tcia-core.h"
#include "tcia-csv.h"
#include "tcia-records-private.h"
#include "tcia-text.h"

#include "tcia-cli-private.h"

/* The listing's TSV, CSV and JSON writers. A listing can hold 100,000
 * series: cells are read from the records' field tables (no GValue per
 * cell) and output leaves in large blocks. */

/* Output is gathered and written in blocks of about this size: one fwrite
 * per many lines. */
#define OUTPUT_BLOCK (256 * 1024)

static gboolean
flush_output (FILE    *out,
              GString *buffer)
{
  if (buffer->len > 0)
    fwrite (buffer->str, 1, buffer->len, out);
  g_string_truncate (buffer, 0);
  return !ferror (out);
}

/* Printable ASCII, nearly every value of a listing, needs no copy. */
static gboolean
is_plain_ascii (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (*p < 0x20 || *p >= 0x7f)
        return FALSE;
    }
  return TRUE;
}

/* Values keep their line breaks (quoted) but lose other control
 * characters: ESC must never reach a terminal. */
static void
append_text_field (GString       *buffer,
                   TciaCliFormat  format,
                   const char    *text)
{
  g_autofree char *clean = NULL;

  if (!is_plain_ascii (text))
    text = clean = tcia_text_strip_controls (text);
  if (format == TCIA_CLI_FORMAT_CSV)
    tcia_csv_append_field (buffer, text);
  else
    tcia_tsv_append_field (buffer, text);
}

/* Each writer stops at the first failed write and returns its errno, 0 when
 * every write went through. */
int
tcia_cli_write_text (FILE                 *out,
                     TciaCliFormat         format,
                     const TciaRecordInfo *info,
                     GListModel           *rows,
                     GArray               *columns)
{
  g_autoptr(GString) buffer = g_string_sized_new (OUTPUT_BLOCK + 4096);
  char separator = format == TCIA_CLI_FORMAT_CSV ? ',' : '\t';
  guint n_rows = g_list_model_get_n_items (rows);

  for (guint c = 0; c < columns->len; c++)
    {
      if (c > 0)
        g_string_append_c (buffer, separator);
      append_text_field (buffer, format, g_array_index (columns, TciaCliColumn, c).header);
    }
  g_string_append_c (buffer, '\n');

  for (guint r = 0; r < n_rows; r++)
    {
      g_autoptr(GObject) row = g_list_model_get_item (rows, r);

      for (guint c = 0; c < columns->len; c++)
        {
          const TciaCliColumn *column = &g_array_index (columns, TciaCliColumn, c);
          char number[TCIA_CELL_BUFFER_SIZE];
          const char *text = NULL;

          if (c > 0)
            g_string_append_c (buffer, separator);
          if (column->text != NULL)
            append_text_field (buffer, format, column->text (r, column->data));
          else if (tcia_record_get_cell (info, row, column->field, number,
                                         &text) != TCIA_CELL_ABSENT)
            append_text_field (buffer, format, text);
        }
      g_string_append_c (buffer, '\n');

      if (buffer->len >= OUTPUT_BLOCK && !flush_output (out, buffer))
        return errno;
    }

  return flush_output (out, buffer) ? 0 : errno;
}

/* The JSON goes through yajl_gen, row by row into a buffer, never one DOM
 * of the whole listing (a listing can hold 100,000 series). Its bytes are
 * those the program wrote with json-glib's pretty generator, which scripts
 * may compare: two-space indents, " : " between a key and its value,
 * lower-case \u escapes, U+007F escaped and U+001F not. yajl's compact
 * output is laid out here rather than by its beautifier, which hands over
 * each indent and line break in a call of its own.
 *
 * yajl hands its output over in pieces: outside strings, each bracket,
 * comma and colon alone; a string's quotes alone (a quote inside a string
 * is escaped, so a lone quote is always a delimiter), its escapes alone,
 * its plain runs whole. */
typedef struct
{
  GString  *buffer;
  gboolean  in_string;
  guint     depth;
} JsonOutput;

/* Millions of pieces a listing: copy them in place while the block has
 * room. */
static inline void
append_bytes (GString    *buffer,
              const char *text,
              gsize       len)
{
  if (buffer->len + len < buffer->allocated_len)
    {
      memcpy (buffer->str + buffer->len, text, len);
      buffer->len += len;
      buffer->str[buffer->len] = '\0';
    }
  else
    g_string_append_len (buffer, text, len);
}

static void
append_line_break (JsonOutput *output)
{
  static const char spaces[] = "                                ";

  append_bytes (output->buffer, "\n", 1);
  for (guint left = 2 * output->depth; left > 0; )
    {
      guint n = MIN (left, sizeof spaces - 1);

      append_bytes (output->buffer, spaces, n);
      left -= n;
    }
}

static void
json_print_structure (JsonOutput *output,
                      const char *text,
                      gsize       len)
{
  if (len == 1)
    {
      switch (text[0])
        {
        case '[':
        case '{':
          append_bytes (output->buffer, text, 1);
          output->depth++;
          append_line_break (output);
          return;
        case ']':
        case '}':
          g_assert (output->depth > 0);
          output->depth--;
          append_line_break (output);
          append_bytes (output->buffer, text, 1);
          return;
        case ',':
          append_bytes (output->buffer, ",", 1);
          append_line_break (output);
          return;
        case ':':
          append_bytes (output->buffer, " : ", 3);
          return;
        default:
          break;
        }
    }

  /* A number, or the "{}" of a row without cells. */
  append_bytes (output->buffer, text, len);
}

static void
json_print_string (JsonOutput *output,
                   const char *text,
                   gsize       len)
{
  GString *buffer = output->buffer;

  if (len == 6 && text[0] == '\\' && text[1] == 'u')
    {
      if (memcmp (text, "\\u001F", 6) == 0)
        g_string_append_c (buffer, 0x1f);
      else
        {
          for (gsize i = 0; i < len; i++)
            g_string_append_c (buffer, g_ascii_tolower (text[i]));
        }
    }
  else if (memchr (text, 0x7f, len) != NULL)
    {
      for (gsize i = 0; i < len; i++)
        {
          if (text[i] == 0x7f)
            g_string_append_len (buffer, "\\u007f", 6);
          else
            g_string_append_c (buffer, text[i]);
        }
    }
  else
    append_bytes (buffer, text, len);
}

static void
json_print_cb (void       *user_data,
               const char *text,
               size_t      len)
{
  JsonOutput *output = user_data;

  if (len == 1 && text[0] == '"')
    {
      output->in_string = !output->in_string;
      append_bytes (output->buffer, text, 1);
    }
  else if (output->in_string)
    json_print_string (output, text, len);
  else
    json_print_structure (output, text, len);
}

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (yajl_gen, yajl_gen_free, NULL)

static void
json_string (yajl_gen    generator,
             const char *text)
{
  yajl_gen_string (generator, (const unsigned char *) text, strlen (text));
}

static void
json_row (yajl_gen              generator,
          const TciaRecordInfo *info,
          gpointer              row,
          guint                 index,
          GArray               *columns)
{
  gboolean opened = FALSE;

  for (guint c = 0; c < columns->len; c++)
    {
      const TciaCliColumn *column = &g_array_index (columns, TciaCliColumn, c);
      char number[TCIA_CELL_BUFFER_SIZE];
      const char *text = NULL;
      TciaCellKind kind;

      if (column->text != NULL)
        {
          text = column->text (index, column->data);
          kind = TCIA_CELL_STRING;
        }
      else
        kind = tcia_record_get_cell (info, row, column->field, number, &text);

      if (kind == TCIA_CELL_ABSENT)
        continue;
      if (!opened)
        yajl_gen_map_open (generator);
      opened = TRUE;
      json_string (generator, column->header);
      if (kind == TCIA_CELL_NUMBER)
        yajl_gen_number (generator, text, strlen (text));
      else
        json_string (generator, text);
    }

  /* json-glib wrote an object without members as "{}": as a verbatim
   * value, it escapes the line breaks the layout puts after a brace. */
  if (opened)
    yajl_gen_map_close (generator);
  else
    yajl_gen_number (generator, "{}", 2);
}

int
tcia_cli_write_json (FILE                 *out,
                     const TciaRecordInfo *info,
                     GListModel           *rows,
                     GArray               *columns)
{
  g_autoptr(GString) buffer = g_string_sized_new (OUTPUT_BLOCK + 4096);
  JsonOutput output = { buffer, FALSE, 0 };
  g_auto(yajl_gen) generator = yajl_gen_alloc (NULL);
  guint n_rows = g_list_model_get_n_items (rows);

  if (n_rows == 0)
    {
      fputs ("[]\n", out);
      return ferror (out) ? errno : 0;
    }

  yajl_gen_config (generator, yajl_gen_print_callback, json_print_cb, &output);

  yajl_gen_array_open (generator);
  for (guint r = 0; r < n_rows; r++)
    {
      g_autoptr(GObject) row = g_list_model_get_item (rows, r);

      json_row (generator, info, row, r, columns);
      if (buffer->len >= OUTPUT_BLOCK && !flush_output (out, buffer))
        return errno;
    }
  yajl_gen_array_close (generator);
  g_string_append_c (buffer, '\n');

  return flush_output (out, buffer) ? 0 : errno;
}
