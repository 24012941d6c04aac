/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-html"

#include "config.h"

#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "tcia-html.h"

typedef struct
{
  GString  *out;
  gboolean  space_pending;  /* whitespace seen since the last word */
  guint     newlines;       /* trailing newlines already in out */
} Writer;

static void
writer_break (Writer *w,
              guint   wanted)
{
  /* Never start with a break; never add more than wanted. */
  if (w->out->len == 0)
    return;
  while (w->newlines < wanted)
    {
      g_string_append_c (w->out, '\n');
      w->newlines++;
    }
  w->space_pending = FALSE;
}

static void
writer_text (Writer     *w,
             const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* &nbsp; is a space to a reader */
      if (g_unichar_isspace (c) || c == 0xA0)
        {
          w->space_pending = TRUE;
          continue;
        }
      if (w->space_pending && w->newlines == 0 && w->out->len > 0)
        g_string_append_c (w->out, ' ');
      w->space_pending = FALSE;
      w->newlines = 0;

      switch (c)
        {
        case '&': g_string_append (w->out, "&amp;"); break;
        case '<': g_string_append (w->out, "&lt;"); break;
        case '>': g_string_append (w->out, "&gt;"); break;
        case '"': g_string_append (w->out, "&quot;"); break;
        case '\'': g_string_append (w->out, "&apos;"); break;
        default: g_string_append_unichar (w->out, c);
        }
    }
}

static void
writer_tag (Writer     *w,
            const char *tag)
{
  if (w->space_pending && w->newlines == 0 && w->out->len > 0 && tag[1] != '/')
    g_string_append_c (w->out, ' ');
  if (tag[1] != '/')
    w->space_pending = FALSE;
  g_string_append (w->out, tag);
}

static gboolean
is_safe_link (const char *href)
{
  return g_str_has_prefix (href, "http://") || g_str_has_prefix (href, "https://") ||
         g_str_has_prefix (href, "mailto:");
}

static void
walk (Writer  *w,
      xmlNode *node)
{
  for (; node != NULL; node = node->next)
    {
      const char *name = (const char *) node->name;

      if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
        {
          writer_text (w, (const char *) node->content);
          continue;
        }
      if (node->type != XML_ELEMENT_NODE)
        continue;

      if (g_ascii_strcasecmp (name, "script") == 0 || g_ascii_strcasecmp (name, "style") == 0)
        continue;

      if (g_ascii_strcasecmp (name, "br") == 0)
        {
          writer_break (w, 1);
        }
      else if (g_ascii_strcasecmp (name, "li") == 0)
        {
          writer_break (w, 1);
          writer_text (w, "•");
          w->space_pending = TRUE;
          walk (w, node->children);
          writer_break (w, 1);
        }
      else if (g_ascii_strcasecmp (name, "p") == 0 || g_ascii_strcasecmp (name, "div") == 0 ||
               g_ascii_strcasecmp (name, "ul") == 0 || g_ascii_strcasecmp (name, "ol") == 0 ||
               g_ascii_strcasecmp (name, "table") == 0 || g_ascii_strcasecmp (name, "tr") == 0 ||
               (name[0] == 'h' && g_ascii_isdigit (name[1]) && name[2] == '\0'))
        {
          writer_break (w, 2);
          walk (w, node->children);
          writer_break (w, 2);
        }
      else if (g_ascii_strcasecmp (name, "a") == 0)
        {
          g_autofree char *href = (char *) xmlGetProp (node, (const xmlChar *) "href");

          if (href != NULL && is_safe_link (href))
            {
              g_autofree char *escaped = g_markup_escape_text (href, -1);
              g_autofree char *open = g_strdup_printf ("<a href=\"%s\">", escaped);

              writer_tag (w, open);
              walk (w, node->children);
              writer_tag (w, "</a>");
            }
          else
            {
              walk (w, node->children);
            }
        }
      else if (g_ascii_strcasecmp (name, "b") == 0 || g_ascii_strcasecmp (name, "strong") == 0)
        {
          writer_tag (w, "<b>");
          walk (w, node->children);
          writer_tag (w, "</b>");
        }
      else if (g_ascii_strcasecmp (name, "i") == 0 || g_ascii_strcasecmp (name, "em") == 0)
        {
          writer_tag (w, "<i>");
          walk (w, node->children);
          writer_tag (w, "</i>");
        }
      else
        {
          walk (w, node->children);
        }
    }
}

char *
tcia_html_to_pango_markup (const char *html)
{
  Writer w = { 0 };
  htmlDocPtr doc;

  if (html == NULL || *html == '\0')
    return g_strdup ("");

  doc = htmlReadMemory (html, (int) strlen (html), NULL, "UTF-8",
                        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                        HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
  if (doc == NULL)
    return g_markup_escape_text (html, -1);

  w.out = g_string_new (NULL);
  walk (&w, xmlDocGetRootElement (doc));
  xmlFreeDoc (doc);

  /* Drop the trailing breaks. */
  while (w.out->len > 0 && w.out->str[w.out->len - 1] == '\n')
    g_string_truncate (w.out, w.out->len - 1);

  return g_string_free (w.out, FALSE);
}
