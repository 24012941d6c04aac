/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-md5-list"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tcia-extract.h"
#include "tcia-md5-list.h"
#include "tcia-text.h"

#define MD5_HEX_LENGTH 32

static gboolean
is_md5 (const char *hash)
{
  return strlen (hash) == MD5_HEX_LENGTH &&
         strspn (hash, "0123456789abcdefABCDEF") == MD5_HEX_LENGTH;
}

/* No file NBIA sends has one in its name; a lone CR is a broken line. */
static gboolean
has_control (const char *name)
{
  for (const char *p = name; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return TRUE;
  return FALSE;
}

/* Adds the line "name,hash" (white space around it taken off) to @table. */
static gboolean
add_line (GHashTable  *table,
          char        *line,
          guint        number,
          GError     **error)
{
  char *comma = strrchr (line, ',');
  const char *known;
  char *hash;

  if (comma == NULL)
    {
      g_autofree char *shown = tcia_text_sanitize (line, TCIA_TEXT_MESSAGE_MAX);

      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM,
                   _("md5hashes.csv, line %u: “%s” is not a file name and a checksum."),
                   number, shown);
      return FALSE;
    }
  *comma = '\0';
  hash = g_strstrip (comma + 1);
  if (!is_md5 (hash))
    {
      g_autofree char *shown = tcia_text_sanitize (hash, TCIA_TEXT_MESSAGE_MAX);

      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM,
                   _("md5hashes.csv, line %u: “%s” is not an MD5 checksum."), number, shown);
      return FALSE;
    }
  g_strchomp (line);
  if (*line == '\0')
    {
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM,
                   _("md5hashes.csv, line %u: the file name is empty."), number);
      return FALSE;
    }
  if (has_control (line))
    {
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM,
                   _("md5hashes.csv, line %u: the file name holds control characters."), number);
      return FALSE;
    }
  hash = g_ascii_strdown (hash, -1);
  known = g_hash_table_lookup (table, line);
  if (known != NULL && strcmp (known, hash) != 0)
    {
      g_autofree char *shown = tcia_text_sanitize (line, TCIA_TEXT_MESSAGE_MAX);

      g_free (hash);
      g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM,
                   _("md5hashes.csv gives “%s” two different checksums."), shown);
      return FALSE;
    }
  g_hash_table_replace (table, g_strdup (line), hash);
  return TRUE;
}

GHashTable *
tcia_md5_list_parse (const char  *text,
                     gsize        len,
                     GError     **error)
{
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *end;
  guint number = 0;

  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  end = text + len;
  for (const char *p = text; p < end; number++)
    {
      const char *eol = memchr (p, '\n', end - p);
      g_autofree char *line = NULL;

      if (eol == NULL)
        eol = end;
      if (number >= TCIA_MD5_LIST_MAX_LINES)
        {
          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM,
                       _("md5hashes.csv has more than %u lines."), TCIA_MD5_LIST_MAX_LINES);
          return NULL;
        }
      if (memchr (p, '\0', eol - p) != NULL)
        {
          g_set_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_CHECKSUM,
                       _("md5hashes.csv, line %u: not text."), number + 1);
          return NULL;
        }
      line = g_strstrip (g_strndup (p, eol - p));
      p = eol + 1;

      if (*line == '\0' ||
          (number == 0 && g_ascii_strcasecmp (line, "Filename,MD5Hash") == 0))
        continue;
      if (!add_line (table, line, number + 1, error))
        return NULL;
    }
  return g_steal_pointer (&table);
}
