/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-text"

#include "config.h"

#include <string.h>

#include "tcia-text.h"

static gboolean
is_control (gunichar c)
{
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ||
         c == 0x2028 || c == 0x2029 ||             /* line and paragraph separators */
         (c >= 0x202a && c <= 0x202e) ||           /* bidi embeddings and overrides */
         (c >= 0x2066 && c <= 0x2069);             /* bidi isolates */
}

char *
tcia_text_sanitize (const char *text,
                    gsize       max_chars)
{
  g_autofree char *valid = NULL;
  GString *out;
  gsize n_chars = 0;
  gboolean space = FALSE;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (MIN (strlen (valid), max_chars > 0 ? max_chars * 4 + 4 : G_MAXSIZE));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_control (c) || g_unichar_isspace (c))
        {
          space = out->len > 0;
          continue;
        }
      if (max_chars > 0 && n_chars + (space ? 1 : 0) >= max_chars)
        {
          g_string_append (out, "…");
          return g_string_free (out, FALSE);
        }
      if (space)
        {
          g_string_append_c (out, ' ');
          n_chars++;
          space = FALSE;
        }
      g_string_append_unichar (out, c);
      n_chars++;
    }
  return g_string_free (out, FALSE);
}

/* Whether valid UTF-8 @text holds a C0 control but TAB, CR and LF, DEL or
 * a C1 control (U+0080 to U+009F: 0xC2 0x80 to 0xC2 0x9F). */
static gboolean
has_terminal_control (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if ((*p < 0x20 && *p != '\t' && *p != '\r' && *p != '\n') || *p == 0x7f ||
          (*p == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0))
        return TRUE;
    }
  return FALSE;
}

char *
tcia_text_strip_controls (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");
  /* Listings have many values, nearly all clean. */
  if (g_utf8_validate (text, -1, NULL) && !has_terminal_control (text))
    return g_strdup (text);

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f ||
          (c >= 0x80 && c < 0xa0))
        continue;
      g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  return g_string_free (out, FALSE);
}

gboolean
tcia_text_is_uid (const char *s,
                  gssize      len)
{
  gboolean after_digit = FALSE;

  if (s == NULL)
    return FALSE;
  if (len < 0)
    len = strlen (s);

  for (gssize i = 0; i < len; i++)
    {
      if (g_ascii_isdigit (s[i]))
        after_digit = TRUE;
      else if (s[i] == '.' && after_digit)
        after_digit = FALSE;
      else
        return FALSE;
    }

  return after_digit;
}
