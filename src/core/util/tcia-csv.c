/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-csv"

#include "config.h"

#include <string.h>

#include "tcia-csv.h"

struct _TciaCsvReader
{
  const char *text;
  gsize       len;
  gsize       pos;
  char        separator;
};

/* What makes Excel, LibreOffice and Google Sheets read a cell as a formula
 * (OWASP, "CSV Injection"). */
static gboolean
is_formula_start (char c)
{
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* "-1.5", "+3", "-2e5": a spreadsheet reads these as numbers, never as
 * formulas. Only digits, signs, points and exponents: strtod would also
 * take "-inf", hex and leading white space. */
static gboolean
is_plain_number (const char *value)
{
  char *end = NULL;

  if (value[strspn (value, "0123456789.eE+-")] != '\0')
    return FALSE;
  g_ascii_strtod (value, &end);
  return end != value && *end == '\0';
}

/* A formula, or "'" before a formula (which must come back with its "'"). */
static gboolean
needs_prefix (const char *value)
{
  const char *p = value;

  while (*p == '\'')
    p++;
  if (!is_formula_start (*p))
    return FALSE;
  return p > value || !is_plain_number (value);
}

void
tcia_csv_unneutralize (char *value)
{
  const char *p = value;

  if (value == NULL || *value != '\'')
    return;
  while (*p == '\'')
    p++;
  if (is_formula_start (*p))
    memmove (value, value + 1, strlen (value));
}

void
tcia_csv_append_field (GString    *out,
                       const char *value)
{
  gboolean prefix;
  gsize len;

  g_return_if_fail (out != NULL);

  if (value == NULL)
    value = "";
  len = strlen (value);
  prefix = needs_prefix (value);

  if (strpbrk (value, ",\"\r\n") == NULL &&
      (len == 0 || (value[0] != ' ' && value[len - 1] != ' ')))
    {
      if (prefix)
        g_string_append_c (out, '\'');
      g_string_append_len (out, value, len);
      return;
    }

  g_string_append_c (out, '"');
  if (prefix)
    g_string_append_c (out, '\'');
  for (const char *p = value; *p != '\0';)
    {
      gsize n = strcspn (p, "\"");

      g_string_append_len (out, p, n);
      p += n;
      if (*p == '"')
        {
          g_string_append (out, "\"\"");
          p++;
        }
    }
  g_string_append_c (out, '"');
}

void
tcia_tsv_append_field (GString    *out,
                       const char *value)
{
  g_return_if_fail (out != NULL);

  if (value == NULL)
    value = "";
  if (needs_prefix (value))
    g_string_append_c (out, '\'');
  for (const char *p = value; *p != '\0';)
    {
      gsize n = strcspn (p, "\t\r\n");

      g_string_append_len (out, p, n);
      p += n;
      if (*p != '\0')
        {
          g_string_append_c (out, ' ');
          p++;
        }
    }
}

TciaCsvReader *
tcia_csv_reader_new (const char *text,
                     gsize       len,
                     char        separator)
{
  TciaCsvReader *self;

  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (separator != '"' && separator != '\r' && separator != '\n', NULL);

  self = g_new0 (TciaCsvReader, 1);
  self->text = text;
  self->len = len;
  self->separator = separator;
  return self;
}

/* Whether a line ends at @pos: LF or CRLF. A lone CR is part of a value. */
static gboolean
at_line_end (TciaCsvReader *self,
             gsize          pos)
{
  return self->text[pos] == '\n' ||
         (self->text[pos] == '\r' && pos + 1 < self->len && self->text[pos + 1] == '\n');
}

/* One field from self->pos, up to (not past) the separator or line end. */
static char *
read_field (TciaCsvReader *self,
            GString       *field)
{
  const char *text = self->text;
  gsize pos = self->pos;

  g_string_truncate (field, 0);
  if (pos < self->len && text[pos] == '"')
    {
      pos++;
      for (;;)
        {
          const char *quote = memchr (text + pos, '"', self->len - pos);

          /* Unclosed: the rest of the text is the value. */
          if (quote == NULL)
            {
              g_string_append_len (field, text + pos, self->len - pos);
              pos = self->len;
              break;
            }
          g_string_append_len (field, text + pos, quote - (text + pos));
          pos = quote - text + 1;
          if (pos < self->len && text[pos] == '"')
            {
              g_string_append_c (field, '"');
              pos++;
              continue;
            }
          break;
        }
    }

  /* An unquoted value, or what follows a closing quote: taken as it is. */
  while (pos < self->len && text[pos] != self->separator && !at_line_end (self, pos))
    g_string_append_c (field, text[pos++]);

  self->pos = pos;
  return g_strdup (field->str);
}

gboolean
tcia_csv_reader_next (TciaCsvReader  *self,
                      GPtrArray     **fields,
                      gboolean       *terminated)
{
  g_autoptr(GPtrArray) record = NULL;
  g_autoptr(GString) field = NULL;
  gboolean ended = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);

  if (self->pos >= self->len)
    return FALSE;

  record = g_ptr_array_new_with_free_func (g_free);
  field = g_string_new (NULL);
  for (;;)
    {
      char *value = read_field (self, field);

      tcia_csv_unneutralize (value);
      g_ptr_array_add (record, value);
      if (self->pos >= self->len)
        break;
      if (self->text[self->pos] == self->separator)
        {
          self->pos++;
          continue;
        }
      self->pos += self->text[self->pos] == '\r' ? 2 : 1;
      ended = TRUE;
      break;
    }

  *fields = g_steal_pointer (&record);
  if (terminated != NULL)
    *terminated = ended;
  return TRUE;
}

void
tcia_csv_reader_free (TciaCsvReader *self)
{
  g_free (self);
}
