/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Import files that are spreadsheets: CSV or TSV with a column of UIDs. */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tcia-import-private.h"
#include "tcia-records-private.h"

/* More columns than this is not a spreadsheet of series. */
#define MAX_CSV_COLUMNS 4096
/* Columns listed when none of them holds UIDs. */
#define MAX_LISTED_COLUMNS 12

typedef struct
{
  const char *data;
  gsize       len;
  gsize       pos;
  guint       line;        /* of the next record */
  char        delimiter;
  GString    *buffer;      /* the fields of the record, each nul-terminated */
  GArray     *offsets;     /* gsize, where each field starts in buffer */
} CsvReader;

typedef enum
{
  CSV_RECORD,
  CSV_END,
  CSV_UNTERMINATED,
  CSV_TOO_WIDE,
} CsvStatus;

/* One RFC 4180 record: fields separated by the delimiter, quoted fields may
 * hold delimiters, line breaks and "" for a quote. Lenient where Excel is:
 * text after a closing quote is kept. */
static CsvStatus
csv_next (CsvReader *r,
          guint     *quote_line)
{
  const char *data = r->data;
  gsize len = r->len;
  gsize i = r->pos;

  if (i >= len)
    return CSV_END;

  g_string_truncate (r->buffer, 0);
  g_array_set_size (r->offsets, 0);

  for (;;)
    {
      gsize start = r->buffer->len;
      gsize run;

      if (r->offsets->len >= MAX_CSV_COLUMNS)
        return CSV_TOO_WIDE;
      g_array_append_val (r->offsets, start);

      if (i < len && data[i] == '"')
        {
          *quote_line = r->line;
          i++;
          for (;;)
            {
              if (i >= len)
                return CSV_UNTERMINATED;

              run = i;
              while (i < len && data[i] != '"' && data[i] != '\n' && data[i] != '\r')
                i++;
              g_string_append_len (r->buffer, data + run, i - run);
              if (i >= len)
                continue;

              if (data[i] == '"')
                {
                  if (i + 1 < len && data[i + 1] == '"')
                    {
                      g_string_append_c (r->buffer, '"');
                      i += 2;
                      continue;
                    }
                  i++;
                  break;
                }

              /* A line break inside quotes. */
              if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
                {
                  g_string_append (r->buffer, "\r\n");
                  i += 2;
                }
              else
                {
                  g_string_append_c (r->buffer, data[i]);
                  i++;
                }
              r->line++;
            }
        }

      run = i;
      while (i < len && data[i] != r->delimiter && data[i] != '\n' && data[i] != '\r')
        i++;
      g_string_append_len (r->buffer, data + run, i - run);
      g_string_append_c (r->buffer, '\0');

      if (i >= len)
        break;
      if (data[i] == r->delimiter)
        {
          i++;
          continue;
        }

      if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
        i += 2;
      else
        i++;
      r->line++;
      break;
    }

  r->pos = i;

  return CSV_RECORD;
}

/* Field @index of the record, trimmed in place; "" past the end. */
static const char *
csv_field (CsvReader *r,
           guint      index,
           gsize     *len)
{
  char *s;
  gsize l;

  if (index >= r->offsets->len)
    {
      *len = 0;
      return "";
    }

  s = r->buffer->str + g_array_index (r->offsets, gsize, index);
  l = strlen (s);
  while (l > 0 && is_blank (s[l - 1]))
    s[--l] = '\0';
  while (l > 0 && is_blank (*s))
    s++, l--;
  *len = l;

  return s;
}

static gboolean
csv_record_is_blank (CsvReader *r)
{
  for (guint i = 0; i < r->offsets->len; i++)
    {
      gsize len;

      csv_field (r, i, &len);
      if (len > 0)
        return FALSE;
    }

  return TRUE;
}

/* The columns of spreadsheets people bring that the records do not name
 * themselves (they know their property and column names, which our own
 * CSV export and the portal's current cart spreadsheet use): the portal's
 * older cart spreadsheet (tcia-api.md §5.1) and the NBIA Data Retriever's
 * metadata.csv (§5.4). Each, as a property name, for the hints. */
static const char *
spreadsheet_property (const char *name)
{
  static const struct
  {
    const char *column;
    const char *property;
  } columns[] = {
    { "Collection Name", "collection" },
    { "Subject ID", "patient-id" },
    { "Number of images", "image-count" },
    { "Number of Images", "image-count" },
    { "File Size (Bytes)", "file-size" },
    { "File Size", "file-size" },
    { "Study UID", "study-uid" },
    { "Study Date", "study-date" },
    { "Study Description", "study-description" },
    { "Series Description", "series-description" },
    { "3rd Party Analysis", "third-party-analysis" },
    { "Data Description URI", "data-description-uri" },
    { "SOP Class UID", "sop-class-uid" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    if (strcmp (name, columns[i].column) == 0)
      return columns[i].property;

  return name;
}

/* "SeriesInstanceUID", "Series UID", "Series ID", "Series Instance UID",
 * "series_instance_uid": letters and digits only, any case. */
gboolean
tcia_import_is_uid_column_name (const char *name,
                                gsize       len)
{
  static const char * const names[] = { "seriesinstanceuid", "seriesuid", "seriesid" };
  char normal[32];
  gsize n = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isalnum (name[i]))
        continue;
      if (n + 1 >= sizeof normal)
        return FALSE;
      normal[n++] = g_ascii_tolower (name[i]);
    }
  normal[n] = '\0';

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (normal, names[i]) == 0)
      return TRUE;

  return FALSE;
}

static void
set_no_uid_column_error (Parser     *p,
                         CsvReader  *r,
                         GError    **error)
{
  g_autoptr(GString) columns = g_string_new (NULL);
  guint n = 0;

  for (guint i = 0; i < r->offsets->len && n < MAX_LISTED_COLUMNS; i++)
    {
      g_autofree char *shown = NULL;
      const char *name;
      gsize len;

      name = csv_field (r, i, &len);
      if (len == 0)
        continue;
      shown = tcia_import_shown_text (name, len);
      if (n++ > 0)
        g_string_append (columns, ", ");
      g_string_append_printf (columns, "“%s”", shown);
    }
  if (n == MAX_LISTED_COLUMNS && r->offsets->len > MAX_LISTED_COLUMNS)
    g_string_append (columns, ", …");

  g_set_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_NO_UID_COLUMN,
               _("%s, line %u: no column holds series UIDs. A column named "
                 "“SeriesInstanceUID”, “Series UID” or “Series ID” is needed; "
                 "the columns are %s."),
               p->name, r->line == 0 ? 1 : r->line, n > 0 ? columns->str : "—");
}

gboolean
tcia_import_parse_csv (Parser      *p,
                       const char  *data,
                       gsize        len,
                       char         delimiter,
                       GError     **error)
{
  CsvReader r = { data, len, 0, 1, delimiter, NULL, NULL };
  g_autoptr(GPtrArray) header = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autoptr(GPtrArray) hints = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TciaRecordBuilder) builder = NULL;
  gboolean ok = TRUE;
  int uid_column = -1;

  r.buffer = g_string_sized_new (1024);
  r.offsets = g_array_new (FALSE, FALSE, sizeof (gsize));

  for (;;)
    {
      guint line = r.line;
      guint quote_line = line;
      CsvStatus status = csv_next (&r, &quote_line);
      const char *uid;
      const char *copy;
      gsize uid_len;

      if (status == CSV_END)
        break;
      if (status == CSV_UNTERMINATED)
        {
          g_set_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_MALFORMED_CSV,
                       _("%s, line %u: a quoted field starts here and never ends"),
                       p->name, quote_line);
          ok = FALSE;
          break;
        }
      if (status == CSV_TOO_WIDE)
        {
          g_set_error (error, TCIA_IMPORT_ERROR, TCIA_IMPORT_ERROR_MALFORMED_CSV,
                       _("%s, line %u: more than %d columns; this is not a list of series"),
                       p->name, line, MAX_CSV_COLUMNS);
          ok = FALSE;
          break;
        }

      if (csv_record_is_blank (&r))
        continue;

      if (uid_column < 0)
        {
          for (guint i = 0; i < r.offsets->len; i++)
            {
              gsize name_len;
              const char *name = csv_field (&r, i, &name_len);

              if (uid_column < 0 && tcia_import_is_uid_column_name (name, name_len))
                {
                  uid_column = (int) i;
                  p->file->uid_column = g_strndup (name, name_len);
                  /* So that the hint has its identity whatever the spelling. */
                  g_ptr_array_add (header, g_strdup ("series-uid"));
                }
              else
                {
                  g_autofree char *column = g_strndup (name, name_len);

                  g_ptr_array_add (header, g_strdup (spreadsheet_property (column)));
                }
            }
          if (uid_column < 0)
            {
              r.line = line;
              set_no_uid_column_error (p, &r, error);
              ok = FALSE;
              break;
            }
          builder = tcia_record_builder_new (TCIA_TYPE_SERIES, 16 * 1024);
          continue;
        }

      uid = csv_field (&r, (guint) uid_column, &uid_len);
      if (uid_len == 0)
        {
          tcia_import_parser_bad_line (p, line, g_strdup_printf (_("no series UID in column “%s”"),
                                                     p->file->uid_column));
          continue;
        }
      if (tcia_import_check_uid (uid, uid_len) != UID_OK)
        {
          g_autofree char *shown = tcia_import_shown_text (uid, uid_len);

          tcia_import_parser_bad_line (p, line, g_strdup_printf (_("“%s” in column “%s” is not a series UID"),
                                                     shown, p->file->uid_column));
          continue;
        }

      copy = tcia_import_parser_add_uid (p, uid, uid_len);
      if (copy != NULL)
        {
          guint n = MIN (header->len, r.offsets->len);
          GObject *hint;

          g_ptr_array_set_size (values, 0);
          for (guint i = 0; i < n; i++)
            {
              gsize value_len;

              g_ptr_array_add (values, (gpointer) csv_field (&r, i, &value_len));
            }
          hint = tcia_record_builder_add_fields (builder,
                                                 (const char * const *) header->pdata,
                                                 (const char * const *) values->pdata, n);
          if (hint != NULL)
            g_ptr_array_add (hints, hint);
        }
    }

  if (ok && hints->len > 0)
    g_list_store_splice (p->file->hints, 0, 0, hints->pdata, hints->len);

  g_string_free (r.buffer, TRUE);
  g_array_unref (r.offsets);

  return ok;
}
