/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tcia-citations.h"
#include "tcia-text.h"

/* The list is formatting only: no file and no network here (the files are
 * tcia-citations-file.c). */

/* The longest value taken from a record into a citation. */
#define FIELD_MAX 500

typedef struct
{
  char *key;
  char *collection;
  char *doi;          /* NULL when the URI is not a DOI */
  char *url;          /* the data description URI, NULL when none */
  char *licence_name;
  char *licence_uri;
} DataSet;

struct _TciaCitations
{
  GObject    parent_instance;

  GPtrArray *data_sets;   /* (element-type DataSet), in the order added */
  gboolean   idc;
};

G_DEFINE_FINAL_TYPE (TciaCitations, tcia_citations, G_TYPE_OBJECT)

/* A paper: the same words in both formats. */
typedef struct
{
  const char *key;
  const char *bibtex;
  const char *text;
  const char *doi;
} Paper;

static const Paper tcia_paper = {
  TCIA_CITATION_TCIA_KEY,
  "@article{" TCIA_CITATION_TCIA_KEY ",\n"
  "  author  = {Clark, Kenneth and others},\n"
  "  title   = {{The Cancer Imaging Archive (TCIA)}: Maintaining and Operating a Public "
  "Information Repository},\n"
  "  journal = {Journal of Digital Imaging},\n"
  "  year    = {2013},\n"
  "  volume  = {26},\n"
  "  number  = {6},\n"
  "  pages   = {1045--1057},\n"
  "  doi     = {10.1007/s10278-013-9622-7},\n"
  "}\n",
  "Clark K, et al. The Cancer Imaging Archive (TCIA): Maintaining and Operating a Public "
  "Information Repository. J Digit Imaging. 2013;26(6):1045-1057. "
  "doi:10.1007/s10278-013-9622-7\n",
  "10.1007/s10278-013-9622-7",
};

static const Paper idc_paper = {
  TCIA_CITATION_IDC_KEY,
  "@article{" TCIA_CITATION_IDC_KEY ",\n"
  "  author  = {Fedorov, Andrey and others},\n"
  "  title   = {{National Cancer Institute Imaging Data Commons}: Toward Transparency, "
  "Reproducibility, and Scalability in Imaging Artificial Intelligence},\n"
  "  journal = {RadioGraphics},\n"
  "  year    = {2023},\n"
  "  volume  = {43},\n"
  "  number  = {12},\n"
  "  pages   = {e230180},\n"
  "  doi     = {10.1148/rg.230180},\n"
  "}\n",
  "Fedorov A, et al. National Cancer Institute Imaging Data Commons: Toward Transparency, "
  "Reproducibility, and Scalability in Imaging Artificial Intelligence. RadioGraphics "
  "2023;43(12):e230180. doi:10.1148/rg.230180\n",
  "10.1148/rg.230180",
};

static void
data_set_free (gpointer data)
{
  DataSet *set = data;

  g_free (set->key);
  g_free (set->collection);
  g_free (set->doi);
  g_free (set->url);
  g_free (set->licence_name);
  g_free (set->licence_uri);
  g_free (set);
}

/* ---- Escaping ---------------------------------------------------------- */

char *
tcia_bibtex_escape (const char *text)
{
  g_autofree char *clean = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  /* One line, valid UTF-8, no control characters. */
  clean = tcia_text_sanitize (text, 0);
  out = g_string_sized_new (strlen (clean) + 8);
  for (const char *p = clean; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\\':
          g_string_append (out, "\\textbackslash{}");
          break;
        case '~':
          g_string_append (out, "\\textasciitilde{}");
          break;
        case '^':
          g_string_append (out, "\\textasciicircum{}");
          break;
        case '{':
        case '}':
        case '$':
        case '&':
        case '%':
        case '#':
        case '_':
          g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
          break;
        default:
          g_string_append_c (out, *p);
          break;
        }
    }
  return g_string_free (out, FALSE);
}

char *
tcia_bibtex_escape_url (const char *url)
{
  g_autofree char *clean = NULL;

  if (url == NULL)
    return g_strdup ("");

  clean = tcia_text_sanitize (url, 0);
  g_strstrip (clean);
  /* What RFC 3986 allows, '%' included so that an escaped URL stays as it
   * is; braces, backslash, quotes, spaces and non-ASCII are not. */
  return g_uri_escape_string (clean, "!#$%&'()*+,/:;=?@[]~-._", FALSE);
}

char *
tcia_bibtex_key (const char *name)
{
  GString *key = g_string_new ("tcia_");
  gboolean gap = FALSE;

  for (const char *p = name != NULL ? name : ""; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p))
        {
          if (gap && key->len > 5)
            g_string_append_c (key, '_');
          g_string_append_c (key, g_ascii_tolower (*p));
          gap = FALSE;
        }
      else
        gap = TRUE;
    }
  if (key->len == 5)
    g_string_append (key, "data");
  return g_string_free (key, FALSE);
}

char *
tcia_citation_doi_from_uri (const char *uri)
{
  static const char * const prefixes[] = {
    "https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:",
  };
  g_autofree char *clean = NULL;

  if (uri == NULL)
    return NULL;
  clean = g_strstrip (tcia_text_sanitize (uri, 0));
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      gsize n = strlen (prefixes[i]);
      g_autofree char *doi = NULL;

      if (g_ascii_strncasecmp (clean, prefixes[i], n) != 0)
        continue;
      doi = g_uri_unescape_string (clean + n, NULL);
      /* A DOI is "10.<registrant>/<suffix>". */
      if (doi != NULL && g_str_has_prefix (doi, "10.") && strchr (doi, '/') != NULL &&
          g_utf8_validate (doi, -1, NULL))
        return g_steal_pointer (&doi);
    }
  return NULL;
}

/* ---- The list ---------------------------------------------------------- */

static char *
clip (const char *value)
{
  if (value == NULL || *value == '\0')
    return NULL;
  return tcia_text_sanitize (value, FIELD_MAX);
}

static gboolean
same_data_set (const DataSet *set,
               const char    *collection,
               const char    *doi,
               const char    *url)
{
  if (set->doi != NULL || doi != NULL)
    return set->doi != NULL && doi != NULL && g_ascii_strcasecmp (set->doi, doi) == 0;
  if (set->url != NULL || url != NULL)
    return g_strcmp0 (set->url, url) == 0;
  return g_strcmp0 (set->collection, collection) == 0;
}

static gboolean
has_key (TciaCitations *self,
         const char    *key)
{
  for (guint i = 0; i < self->data_sets->len; i++)
    if (g_str_equal (((DataSet *) g_ptr_array_index (self->data_sets, i))->key, key))
      return TRUE;
  return g_str_equal (key, TCIA_CITATION_TCIA_KEY) || g_str_equal (key, TCIA_CITATION_IDC_KEY);
}

/* The collection's key, or, when another data set of it (an analysis with
 * a DOI of its own) took that, the key with the DOI's suffix. */
static char *
make_key (const char *collection,
          const char *doi,
          guint       attempt)
{
  g_autofree char *base = tcia_bibtex_key (collection);
  const char *slash;

  if (attempt == 0)
    return g_steal_pointer (&base);
  slash = doi != NULL ? strrchr (doi, '/') : NULL;
  if (attempt == 1 && slash != NULL)
    {
      g_autofree char *suffix = tcia_bibtex_key (slash + 1);

      return g_strconcat (base, suffix + strlen ("tcia"), NULL);
    }
  return g_strdup_printf ("%s_%u", base, attempt);
}

gboolean
tcia_citations_add_series (TciaCitations *self,
                           TciaSeries    *series)
{
  g_autofree char *collection = NULL;
  g_autofree char *url = NULL;
  g_autofree char *doi = NULL;
  DataSet *set;

  g_return_val_if_fail (TCIA_IS_CITATIONS (self), FALSE);
  g_return_val_if_fail (TCIA_IS_SERIES (series), FALSE);

  collection = clip (tcia_series_get_collection (series));
  if (collection == NULL)
    return FALSE;
  url = clip (tcia_series_get_data_description_uri (series));
  doi = tcia_citation_doi_from_uri (url);

  for (guint i = 0; i < self->data_sets->len; i++)
    if (same_data_set (g_ptr_array_index (self->data_sets, i), collection, doi, url))
      return FALSE;

  set = g_new0 (DataSet, 1);
  for (guint attempt = 0; set->key == NULL || has_key (self, set->key); attempt++)
    {
      g_free (set->key);
      set->key = make_key (collection, doi, attempt);
    }
  set->collection = g_steal_pointer (&collection);
  set->doi = g_steal_pointer (&doi);
  set->url = g_steal_pointer (&url);
  set->licence_name = clip (tcia_series_get_license_name (series));
  set->licence_uri = clip (tcia_series_get_license_uri (series));
  g_ptr_array_add (self->data_sets, set);

  return TRUE;
}

gboolean
tcia_citations_add_idc (TciaCitations *self)
{
  g_return_val_if_fail (TCIA_IS_CITATIONS (self), FALSE);

  if (self->idc)
    return FALSE;
  self->idc = TRUE;
  return TRUE;
}

gboolean
tcia_citations_get_idc (TciaCitations *self)
{
  g_return_val_if_fail (TCIA_IS_CITATIONS (self), FALSE);

  return self->idc;
}

guint
tcia_citations_get_n_data_sets (TciaCitations *self)
{
  g_return_val_if_fail (TCIA_IS_CITATIONS (self), 0);

  return self->data_sets->len;
}

/* ---- Formatting -------------------------------------------------------- */

static void
append_bibtex_field (GString    *out,
                     const char *name,
                     const char *value)
{
  g_string_append_printf (out, "  %-12s = {%s},\n", name, value);
}

static void
append_data_set_bibtex (GString       *out,
                        const DataSet *set,
                        const char    *key)
{
  g_autofree char *title = tcia_bibtex_escape (set->collection);

  g_string_append_printf (out, "@misc{%s,\n", key);
  /* Double braces keep the collection's capitals as they are. */
  g_string_append_printf (out, "  %-12s = {{%s}},\n", "title", title);
  append_bibtex_field (out, "howpublished", "The Cancer Imaging Archive");
  append_bibtex_field (out, "publisher", "The Cancer Imaging Archive");
  if (set->doi != NULL)
    {
      g_autofree char *doi = tcia_bibtex_escape_url (set->doi);

      append_bibtex_field (out, "doi", doi);
    }
  if (set->url != NULL)
    {
      g_autofree char *url = tcia_bibtex_escape_url (set->url);

      append_bibtex_field (out, "url", url);
    }
  if (set->licence_name != NULL || set->licence_uri != NULL)
    {
      g_autofree char *name = tcia_bibtex_escape (set->licence_name);
      g_autofree char *uri = tcia_bibtex_escape (set->licence_uri);
      g_autofree char *note = NULL;

      if (set->licence_name != NULL && set->licence_uri != NULL)
        note = g_strdup_printf ("Licence: %s (%s)", name, uri);
      else
        note = g_strdup_printf ("Licence: %s", set->licence_name != NULL ? name : uri);
      append_bibtex_field (out, "note", note);
    }
  g_string_append (out, "}\n");
}

static void
append_data_set_text (GString       *out,
                      const DataSet *set)
{
  /* Translators: a data set's citation; %s is a TCIA collection's name. */
  g_string_append_printf (out, _("%s [Data set]. The Cancer Imaging Archive."), set->collection);
  if (set->doi != NULL)
    g_string_append_printf (out, " https://doi.org/%s", set->doi);
  else if (set->url != NULL)
    g_string_append_printf (out, " %s", set->url);
  if (set->licence_name != NULL || set->licence_uri != NULL)
    {
      g_string_append_c (out, ' ');
      if (set->licence_name != NULL && set->licence_uri != NULL)
        /* Translators: the name of a licence, then its address. */
        g_string_append_printf (out, _("Licence: %s (%s)."), set->licence_name,
                                set->licence_uri);
      else
        g_string_append_printf (out, _("Licence: %s."),
                                set->licence_name != NULL ? set->licence_name
                                                          : set->licence_uri);
    }
  g_string_append_c (out, '\n');
}

/* Whether @haystack (lower case) holds @needle, in any case. */
static gboolean
contains (const char *haystack,
          const char *needle)
{
  g_autofree char *lower = NULL;

  if (haystack == NULL || needle == NULL)
    return FALSE;
  lower = g_ascii_strdown (needle, -1);
  return strstr (haystack, lower) != NULL;
}

/* A file to write: @existing, then a blank line and each of @entries
 * (already formatted). */
static char *
join (const char *existing,
      const char *heading,
      GPtrArray  *entries)
{
  GString *out = g_string_new (existing);

  if (out->len == 0)
    g_string_append (out, heading);
  for (guint i = 0; i < entries->len; i++)
    {
      if (out->len > 0 && out->str[out->len - 1] != '\n')
        g_string_append_c (out, '\n');
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, g_ptr_array_index (entries, i));
    }
  return g_string_free (out, FALSE);
}

char *
tcia_citations_merge_bibtex (TciaCitations *self,
                             const char    *existing)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *lower = g_ascii_strdown (existing != NULL ? existing : "", -1);
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *heading = NULL;

  g_return_val_if_fail (TCIA_IS_CITATIONS (self), NULL);

  if (!contains (lower, tcia_paper.doi))
    g_ptr_array_add (entries, g_strdup (tcia_paper.bibtex));
  if (self->idc && !contains (lower, idc_paper.doi))
    g_ptr_array_add (entries, g_strdup (idc_paper.bibtex));

  for (guint i = 0; i < self->data_sets->len; i++)
    {
      const DataSet *set = g_ptr_array_index (self->data_sets, i);
      g_autoptr(GString) entry = g_string_new (NULL);
      g_autofree char *key = g_strdup (set->key);
      g_autofree char *marker = NULL;

      if (set->doi != NULL ? contains (lower, set->doi)
                           : set->url != NULL ? contains (lower, set->url)
                                              : FALSE)
        continue;
      /* A key the file uses for something else gets a number. */
      for (guint n = 2; ; n++)
        {
          g_free (marker);
          marker = g_strdup_printf ("{%s,", key);
          if (!contains (lower, marker) && !g_hash_table_contains (keys, key))
            break;
          if (set->doi == NULL && set->url == NULL && n == 2)
            {
              /* Without a DOI or a URL the key is the entry's identity. */
              g_clear_pointer (&key, g_free);
              break;
            }
          g_free (key);
          key = g_strdup_printf ("%s_%u", set->key, n);
        }
      if (key == NULL)
        continue;
      append_data_set_bibtex (entry, set, key);
      g_hash_table_add (keys, g_steal_pointer (&key));
      g_ptr_array_add (entries, g_string_free (g_steal_pointer (&entry), FALSE));
    }

  heading = g_strdup_printf ("%% %s\n",
                             _("Written by TCIA Basket: please cite TCIA, and each data set "
                               "you use, as its licence asks."));
  return join (existing, heading, entries);
}

char *
tcia_citations_merge_text (TciaCitations *self,
                           const char    *existing)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *lower = g_ascii_strdown (existing != NULL ? existing : "", -1);
  g_autofree char *heading = NULL;

  g_return_val_if_fail (TCIA_IS_CITATIONS (self), NULL);

  if (!contains (lower, tcia_paper.doi))
    g_ptr_array_add (entries, g_strdup (tcia_paper.text));
  if (self->idc && !contains (lower, idc_paper.doi))
    g_ptr_array_add (entries, g_strdup (idc_paper.text));

  for (guint i = 0; i < self->data_sets->len; i++)
    {
      const DataSet *set = g_ptr_array_index (self->data_sets, i);
      g_autoptr(GString) entry = g_string_new (NULL);

      append_data_set_text (entry, set);
      if (set->doi != NULL ? contains (lower, set->doi)
                           : contains (lower, entry->str))
        continue;
      g_ptr_array_add (entries, g_string_free (g_steal_pointer (&entry), FALSE));
    }

  heading = g_strdup_printf ("%s\n",
                             _("Please cite The Cancer Imaging Archive and each data set you "
                               "use, as its licence asks."));
  return join (existing, heading, entries);
}

char *
tcia_citations_format_bibtex (TciaCitations *self)
{
  return tcia_citations_merge_bibtex (self, NULL);
}

char *
tcia_citations_format_text (TciaCitations *self)
{
  return tcia_citations_merge_text (self, NULL);
}

static void
tcia_citations_finalize (GObject *object)
{
  TciaCitations *self = TCIA_CITATIONS (object);

  g_ptr_array_unref (self->data_sets);

  G_OBJECT_CLASS (tcia_citations_parent_class)->finalize (object);
}

static void
tcia_citations_class_init (TciaCitationsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tcia_citations_finalize;
}

static void
tcia_citations_init (TciaCitations *self)
{
  self->data_sets = g_ptr_array_new_with_free_func (data_set_free);
}

TciaCitations *
tcia_citations_new (void)
{
  return g_object_new (TCIA_TYPE_CITATIONS, NULL);
}
