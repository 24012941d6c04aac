/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tcia-import.h"
#include "tcia-text.h"
#include "tcia-import-private.h"

/* Reading import files.
 *
 * Everything works on the input bytes in place, line by line (or record by
 * record for CSV): no array of lines, no copy of the file, so that a 50 MB
 * file of junk costs one pass and a 100,000-UID manifest a few milliseconds.
 *
 * Junk policy: a line that is neither blank, a comment, a header line nor a
 * series UID makes the whole file fail (TCIA_IMPORT_ERROR_INVALID_LINE) with
 * the line numbers of the first few such lines and what is wrong with them.
 * A file with junk in it is most likely not what the person thinks it is
 * (the wrong file, a damaged download, a hand edit gone wrong), and taking
 * the valid half of it would mean downloading an incomplete data set without
 * noticing. The caller may then offer "import the rest anyway", which is
 * TCIA_IMPORT_FLAGS_SKIP_INVALID_LINES: the valid UIDs, and the junk as
 * warnings. */

/* Characters of a bad line shown in a message. */
#define MAX_SHOWN_CHARS 40
/* Bytes looked at to tell text from binary data. */
#define SNIFF_SIZE 4096
/* Lines looked at for a manifest's ListOfSeriesToDownload=. */
#define SNIFF_LINES 64
G_DEFINE_QUARK (tcia-import-error-quark, tcia_import_error)

/* ---- Small helpers ---------------------------------------------------------- */

void
tcia_import_trim (const char **s,
                  gsize       *len)
{
  while (*len > 0 && is_blank (**s))
    (*s)++, (*len)--;
  while (*len > 0 && is_blank ((*s)[*len - 1]))
    (*len)--;
}

/* @text (valid UTF-8) as it can appear in a message: control characters
 * replaced, cut after MAX_SHOWN_CHARS characters. */
char *
tcia_import_shown_text (const char *text,
                        gsize       len)
{
  GString *out = g_string_sized_new (MIN (len, 4 * MAX_SHOWN_CHARS) + 4);
  const char *end = text + len;
  const char *p = text;
  guint n = 0;

  while (p < end && n < MAX_SHOWN_CHARS)
    {
      const char *next = g_utf8_next_char (p);

      if (next > end)
        break;
      if ((guchar) *p < 0x20 || *p == 0x7f)
        g_string_append_c (out, '?');
      else
        g_string_append_len (out, p, next - p);
      p = next;
      n++;
    }
  if (p < end)
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

/* ^[0-9]+(\.[0-9]+)*$, at most TCIA_IMPORT_MAX_UID_LENGTH characters. */
UidCheck
tcia_import_check_uid (const char *s,
                       gsize       len)
{
  if (!tcia_text_is_uid (s, len))
    return UID_INVALID;

  return len > TCIA_IMPORT_MAX_UID_LENGTH ? UID_TOO_LONG : UID_OK;
}

static gboolean
only_digits_and_dots (const char *s,
                      gsize       len)
{
  gsize i;

  for (i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]) && s[i] != '.')
      return FALSE;

  return len > 0;
}

/* ---- Parser --------------------------------------------------------------------- */

static void
bad_line_clear (gpointer data)
{
  BadLine *bad = data;

  g_free (bad->reason);
}

/* Takes @reason. */
void
tcia_import_parser_bad_line (Parser *p,
                             guint   line,
                             char   *reason)
{
  p->n_bad++;

  if (p->bad->len < MAX_REPORTED_LINES)
    {
      BadLine bad = { line, reason };

      g_array_append_val (p->bad, bad);
    }
  else
    {
      g_free (reason);
    }
}

/* @s is a checked UID. Returns the file's copy, or NULL when it is a duplicate. */
const char *
tcia_import_parser_add_uid (Parser     *p,
                            const char *s,
                            gsize       len)
{
  char key[TCIA_IMPORT_MAX_UID_LENGTH + 1];
  char *copy;

  g_assert (len <= TCIA_IMPORT_MAX_UID_LENGTH);

  memcpy (key, s, len);
  key[len] = '\0';
  if (g_hash_table_contains (p->seen, key))
    {
      p->file->n_duplicates++;
      return NULL;
    }

  copy = g_string_chunk_insert_len (p->file->strings, s, (gssize) len);
  g_hash_table_add (p->seen, copy);
  g_ptr_array_add (p->file->uids, copy);

  return copy;
}

/* Adds @s as a UID, or records the line as bad. */
const char *
tcia_import_parser_take_uid (Parser     *p,
                             guint       line,
                             const char *s,
                             gsize       len)
{
  g_autofree char *shown = NULL;

  switch (tcia_import_check_uid (s, len))
    {
    case UID_OK:
      return tcia_import_parser_add_uid (p, s, len);

    case UID_TOO_LONG:
      shown = tcia_import_shown_text (s, len);
      tcia_import_parser_bad_line (p, line,
                       g_strdup_printf (_("“%s” is longer than a series UID can be "
                                          "(%d characters)"),
                                        shown, TCIA_IMPORT_MAX_UID_LENGTH));
      return NULL;

    case UID_INVALID:
    default:
      shown = tcia_import_shown_text (s, len);
      tcia_import_parser_bad_line (p, line, g_strdup_printf (_("“%s” is not a series UID"), shown));
      return NULL;
    }
}

/* ---- Sniffing ---------------------------------------------------------------------- */

/* NUL bytes, or many control characters or invalid UTF-8 sequences near the
 * start: an image, an archive, a spreadsheet in a binary format, random data.
 * A text file with a few bad bytes (Latin-1 accents) is not binary: it gets
 * the more useful "not UTF-8, line N". */
static gboolean
looks_binary (const char *data,
              gsize       len)
{
  const char *end = data + MIN (len, SNIFF_SIZE);
  const char *p = data;
  guint suspicious = 0;

  if (memchr (data, '\0', len) != NULL)
    return TRUE;

  while (p < end)
    {
      guchar c = (guchar) *p;

      if (c < 0x80)
        {
          if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') ||
              c == 0x7f)
            suspicious++;
          p++;
        }
      else
        {
          gunichar u = g_utf8_get_char_validated (p, end - p);

          if (u == (gunichar) -2)
            break;   /* cut by the end of the sample */
          if (u == (gunichar) -1)
            {
              suspicious++;
              p++;
            }
          else
            {
              p = g_utf8_next_char (p);
            }
        }
    }

  return suspicious >= 4 && suspicious * 8 > (guint) (p - data);
}

static TciaImportFormat
sniff_format (const char *data,
              gsize       len,
              char       *delimiter)
{
  Lines it = { data, len, 0, 0 };
  const char *first = NULL;
  gsize first_len = 0;
  const char *line;
  gsize line_len;
  guint n = 0;

  *delimiter = ',';

  while (n < SNIFF_LINES && tcia_import_lines_next (&it, &line, &line_len))
    {
      tcia_import_trim (&line, &line_len);
      /* An s5cmd manifest whose series IDC all lacks has only comments. */
      if (line_len > 0 && line[0] == '#' && tcia_import_is_s5cmd_comment (line, line_len))
        return TCIA_IMPORT_FORMAT_S5CMD;
      if (line_len == 0 || line[0] == '#')
        continue;
      n++;

      if (first == NULL)
        {
          const char *key, *value;
          gsize key_len, value_len;

          first = line;
          first_len = line_len;
          if (tcia_import_is_s5cmd_line (line, line_len))
            return TCIA_IMPORT_FORMAT_S5CMD;
          if (tcia_import_split_key_value (line, line_len, &key, &key_len, &value, &value_len) &&
              tcia_import_is_manifest_key (key, key_len))
            return TCIA_IMPORT_FORMAT_MANIFEST;
        }
      else if (line_len >= 23 && tcia_import_is_list_key (line, 22))
        {
          const char *rest = line + 22;
          gsize rest_len = line_len - 22;

          tcia_import_trim (&rest, &rest_len);
          if (rest_len > 0 && rest[0] == '=')
            return TCIA_IMPORT_FORMAT_MANIFEST;
        }
    }

  if (first == NULL || only_digits_and_dots (first, first_len))
    return TCIA_IMPORT_FORMAT_UID_LIST;

  if (memchr (first, '\t', first_len) != NULL)
    {
      *delimiter = '\t';
      return TCIA_IMPORT_FORMAT_TSV;
    }
  if (memchr (first, ',', first_len) != NULL)
    return TCIA_IMPORT_FORMAT_CSV;
  if (memchr (first, ';', first_len) != NULL)
    {
      *delimiter = ';';
      return TCIA_IMPORT_FORMAT_CSV;
    }

  /* A spreadsheet with a single column, "SeriesInstanceUID" or "\"Series UID\"". */
  if (first_len >= 2 && first[0] == '"' && first[first_len - 1] == '"')
    first++, first_len -= 2;
  if (tcia_import_is_uid_column_name (first, first_len))
    return TCIA_IMPORT_FORMAT_CSV;

  return TCIA_IMPORT_FORMAT_UID_LIST;
}

/* The 1-based line and byte column of @offset. */
static void
locate (const char *data,
        gsize       offset,
        guint      *line,
        guint      *column)
{
  gsize line_start = 0;
  gsize i;

  *line = 1;
  for (i = 0; i < offset; i++)
    {
      if (data[i] == '\n' || (data[i] == '\r' && (i + 1 >= offset || data[i + 1] != '\n')))
        {
          (*line)++;
          line_start = i + 1;
        }
    }
  *column = (guint) (offset - line_start + 1);
}

static char *
bad_lines_message (Parser *p)
{
  GString *message = g_string_new (NULL);
  guint i;

  for (i = 0; i < p->bad->len; i++)
    {
      BadLine *bad = &g_array_index (p->bad, BadLine, i);

      /* Each line names the file: a command line prints one a line. */
      if (i > 0)
        g_string_append_c (message, '\n');
      g_string_append_printf (message, _("%s, line %u: %s"), p->name, bad->line, bad->reason);
    }

  if (p->n_bad > p->bad->len)
    {
      guint rest = p->n_bad - p->bad->len;

      g_string_append_c (message, '\n');
      if (p->file->format == TCIA_IMPORT_FORMAT_S5CMD)
        g_string_append_printf (message,
                                g_dngettext (GETTEXT_PACKAGE,
                                             "and %u more line that is not understood",
                                             "and %u more lines that are not understood",
                                             rest),
                                rest);
      else
        g_string_append_printf (message,
                                g_dngettext (GETTEXT_PACKAGE,
                                             "and %u more line that is not a series UID",
                                             "and %u more lines that are not series UIDs",
                                             rest),
                                rest);
    }

  return g_string_free (message, FALSE);
}

static TciaImportFile *
parse_text (const char        *data,
            gsize              len,
            const char        *name,
            TciaImportFormat   format,
            TciaImportFlags    flags,
            GError           **error)
{
  g_autoptr(TciaImportFile) file = tcia_import_file_new (name);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) bad = g_array_new (FALSE, FALSE, sizeof (BadLine));
  Parser p = { name, flags, file, seen, bad, 0 };
  const char *invalid = NULL;
  char delimiter = ',';
  guint n_found;

  g_array_set_clear_func (bad, bad_line_clear);

  if (looks_binary (data, len))
    {
      g_set_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_NOT_TEXT,
                   _("“%s” is not a manifest or a CSV file: it holds binary data"), name);
      return NULL;
    }

  if (!g_utf8_validate_len (data, len, &invalid))
    {
      guint line, column;

      locate (data, (gsize) (invalid - data), &line, &column);
      g_set_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_INVALID_UTF8,
                   _("%s, line %u: the text is not UTF-8 (byte %u of the line is 0x%02X). "
                     "Save the file as UTF-8 and try again."),
                   name, line, column, (guint) (guchar) *invalid);
      return NULL;
    }

  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    data += 3, len -= 3;

  if (format == TCIA_IMPORT_FORMAT_AUTO)
    format = sniff_format (data, len, &delimiter);
  else if (format == TCIA_IMPORT_FORMAT_TSV)
    delimiter = '\t';
  else if (format == TCIA_IMPORT_FORMAT_CSV)
    sniff_format (data, len, &delimiter);
  file->format = format;

  switch (format)
    {
    case TCIA_IMPORT_FORMAT_MANIFEST:
    case TCIA_IMPORT_FORMAT_UID_LIST:
      tcia_import_parse_lines (&p, data, len, format == TCIA_IMPORT_FORMAT_MANIFEST);
      break;

    case TCIA_IMPORT_FORMAT_CSV:
    case TCIA_IMPORT_FORMAT_TSV:
      if (!tcia_import_parse_csv (&p, data, len, delimiter, error))
        return NULL;
      break;

    case TCIA_IMPORT_FORMAT_S5CMD:
      tcia_import_parse_s5cmd (&p, data, len);
      break;

    case TCIA_IMPORT_FORMAT_AUTO:
    default:
      g_assert_not_reached ();
    }

  n_found = file->uids->len + (format == TCIA_IMPORT_FORMAT_S5CMD ? file->idc_uuids->len : 0);
  if (p.n_bad > 0 && ((flags & TCIA_IMPORT_FLAGS_SKIP_INVALID_LINES) == 0 || n_found == 0))
    {
      g_autofree char *message = bad_lines_message (&p);

      g_set_error_literal (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_INVALID_LINE, message);
      return NULL;
    }

  if (n_found == 0)
    {
      g_set_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_EMPTY,
                   format == TCIA_IMPORT_FORMAT_S5CMD ? _("“%s” names no IDC series")
                                                      : _("“%s” holds no series UIDs"),
                   name);
      return NULL;
    }

  file->n_skipped = p.n_bad;
  for (guint i = 0; i < bad->len; i++)
    {
      BadLine *b = &g_array_index (bad, BadLine, i);

      g_ptr_array_add (file->warnings,
                       g_strdup_printf (_("%s, line %u: %s"), name, b->line, b->reason));
    }
  g_ptr_array_add (file->warnings, NULL);
  g_ptr_array_add (file->uids, NULL);
  g_ptr_array_add (file->idc_uuids, NULL);
  g_ptr_array_add (file->idc_buckets, NULL);

  return g_steal_pointer (&file);
}

TciaImportFile *
tcia_import_parse_bytes (GBytes            *bytes,
                         const char        *display_name,
                         TciaImportFormat   format,
                         TciaImportFlags    flags,
                         GError           **error)
{
  g_autofree char *converted = NULL;
  g_autofree char *size = NULL;
  g_autofree char *limit = NULL;
  const char *data;
  gsize len;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (display_name == NULL)
    display_name = _("The file");

  data = g_bytes_get_data (bytes, &len);

  if (len > TCIA_IMPORT_MAX_SIZE)
    {
      size = g_format_size (len);
      limit = g_format_size (TCIA_IMPORT_MAX_SIZE);
      g_set_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_TOO_LARGE,
                   _("“%s” is too large to be a list of series (%s, the limit is %s)"),
                   display_name, size, limit);
      return NULL;
    }

  if (len == 0)
    {
      g_set_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_EMPTY,
                   _("“%s” is empty"), display_name);
      return NULL;
    }

  /* What Windows Notepad calls "Unicode". */
  if (len >= 2 && (((guchar) data[0] == 0xff && (guchar) data[1] == 0xfe) ||
                   ((guchar) data[0] == 0xfe && (guchar) data[1] == 0xff)))
    {
      gsize converted_len = 0;

      converted = g_convert (data, (gssize) len, "UTF-8", "UTF-16", NULL, &converted_len, NULL);
      if (converted == NULL)
        {
          g_set_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_INVALID_UTF8,
                       _("“%s” looks like UTF-16 text but is not valid UTF-16. "
                         "Save the file as UTF-8 and try again."),
                       display_name);
          return NULL;
        }
      data = converted;
      len = converted_len;
      if (len == 0)
        {
          g_set_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_EMPTY,
                       _("“%s” is empty"), display_name);
          return NULL;
        }
    }

  return parse_text (data, len, display_name, format, flags, error);
}

static GBytes *
read_capped (GFile         *file,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  guint8 chunk[64 * 1024];

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  /* Read at most one byte more than allowed: enough to know it is too
   * large, whatever the file (a FIFO, /dev/zero) claims its size is. */
  while (buffer->len <= TCIA_IMPORT_MAX_SIZE)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), chunk, sizeof chunk,
                                      cancellable, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_byte_array_append (buffer, chunk, (guint) n);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

TciaImportFile *
tcia_import_parse_file (GFile             *file,
                        TciaImportFormat   format,
                        TciaImportFlags    flags,
                        GCancellable      *cancellable,
                        GError           **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                            G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL)
    return NULL;

  name = g_strdup (g_file_info_get_display_name (info));

  if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR &&
      (guint64) g_file_info_get_size (info) > TCIA_IMPORT_MAX_SIZE)
    {
      g_autofree char *size = g_format_size ((guint64) g_file_info_get_size (info));
      g_autofree char *limit = g_format_size (TCIA_IMPORT_MAX_SIZE);

      g_set_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_TOO_LARGE,
                   _("“%s” is too large to be a list of series (%s, the limit is %s)"),
                   name, size, limit);
      return NULL;
    }

  bytes = read_capped (file, cancellable, error);
  if (bytes == NULL)
    return NULL;

  return tcia_import_parse_bytes (bytes, name, format, flags, error);
}

typedef struct
{
  GFile            *file;
  TciaImportFormat  format;
  TciaImportFlags   flags;
} ParseFileData;

static void
parse_file_data_free (gpointer data)
{
  ParseFileData *parse = data;

  g_object_unref (parse->file);
  g_free (parse);
}

static void
parse_file_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ParseFileData *parse = task_data;
  GError *error = NULL;
  TciaImportFile *file;

  file = tcia_import_parse_file (parse->file, parse->format, parse->flags, cancellable, &error);
  if (file == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, file, (GDestroyNotify) tcia_import_file_unref);
}

void
tcia_import_parse_file_async (GFile               *file,
                              TciaImportFormat     format,
                              TciaImportFlags      flags,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ParseFileData *parse;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  parse = g_new0 (ParseFileData, 1);
  parse->file = g_object_ref (file);
  parse->format = format;
  parse->flags = flags;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tcia_import_parse_file_async);
  g_task_set_task_data (task, parse, parse_file_data_free);
  g_task_run_in_thread (task, parse_file_thread);
}

TciaImportFile *
tcia_import_parse_file_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tcia_import_parse_file_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
