/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Import files made of lines: `.tcia` manifests and bare lists of UIDs. */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include "tcia-import-private.h"

static const char * const manifest_keys[] = {
  "downloadServerUrl",
  "includeAnnotation",
  "noOfrRetry",
  "databasketId",
  "manifestVersion",
  "ListOfSeriesToDownload",
  "dataType",
};

gboolean
tcia_import_lines_next (Lines       *it,
                        const char **start,
                        gsize       *len)
{
  const char *p;
  const char *end;

  if (it->pos >= it->len)
    return FALSE;

  p = it->data + it->pos;
  end = it->data + it->len;
  *start = p;
  while (p < end && *p != '\n' && *p != '\r')
    p++;
  *len = (gsize) (p - *start);

  if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n')
    p += 2;
  else if (p < end)
    p++;

  it->pos = (gsize) (p - it->data);
  it->line++;

  return TRUE;
}

gboolean
tcia_import_is_manifest_key (const char *s,
                             gsize       len)
{
  for (guint i = 0; i < G_N_ELEMENTS (manifest_keys); i++)
    if (strlen (manifest_keys[i]) == len && g_ascii_strncasecmp (manifest_keys[i], s, len) == 0)
      return TRUE;

  return FALSE;
}

gboolean
tcia_import_is_list_key (const char *s,
                         gsize       len)
{
  return len == 22 && g_ascii_strncasecmp (s, "ListOfSeriesToDownload", 22) == 0;
}

/* The key of a "key=value" line, trimmed; FALSE when there is no '='. */
gboolean
tcia_import_split_key_value (const char  *line,
                             gsize        len,
                             const char **key,
                             gsize       *key_len,
                             const char **value,
                             gsize       *value_len)
{
  const char *eq = memchr (line, '=', len);

  if (eq == NULL)
    return FALSE;

  *key = line;
  *key_len = (gsize) (eq - line);
  tcia_import_trim (key, key_len);
  *value = eq + 1;
  *value_len = (gsize) (line + len - (eq + 1));
  tcia_import_trim (value, value_len);

  return TRUE;
}

/* A `.tcia` manifest (with a header) or a bare UID list (without). A known
 * header key after the list starts another header: two manifests joined
 * with cat read as one (the first value of each key is kept). */
void
tcia_import_parse_lines (Parser     *p,
                         const char *data,
                         gsize       len,
                         gboolean    with_header)
{
  Lines it = { data, len, 0, 0 };
  gboolean in_list = !with_header;
  const char *line;
  gsize line_len;

  while (tcia_import_lines_next (&it, &line, &line_len))
    {
      const char *key, *value;
      gsize key_len, value_len;

      tcia_import_trim (&line, &line_len);
      if (line_len == 0 || line[0] == '#' || (!in_list && line[0] == '!'))
        continue;

      if (tcia_import_split_key_value (line, line_len, &key, &key_len, &value, &value_len) &&
          (!in_list || tcia_import_is_manifest_key (key, key_len)))
        {
          if (tcia_import_is_list_key (key, key_len))
            {
              in_list = TRUE;
              /* Some writers put the UIDs on the same line, comma separated. */
              while (value_len > 0)
                {
                  const char *comma = memchr (value, ',', value_len);
                  const char *item = value;
                  gsize item_len = comma != NULL ? (gsize) (comma - value) : value_len;

                  value_len -= comma != NULL ? item_len + 1 : item_len;
                  value = comma != NULL ? comma + 1 : value + item_len;
                  tcia_import_trim (&item, &item_len);
                  if (item_len > 0)
                    tcia_import_parser_take_uid (p, it.line, item, item_len);
                }
            }
          else
            {
              g_autofree char *name = g_strndup (key, key_len);

              in_list = FALSE;
              if (!g_hash_table_contains (p->file->header, name))
                g_hash_table_insert (p->file->header, g_steal_pointer (&name),
                                     g_strndup (value, value_len));
            }
          continue;
        }

      /* "1.2.3", as a one-column spreadsheet without a header has it. */
      if (line_len >= 2 && line[0] == '"' && line[line_len - 1] == '"')
        {
          line++;
          line_len -= 2;
        }

      tcia_import_parser_take_uid (p, it.line, line, line_len);
    }
}
