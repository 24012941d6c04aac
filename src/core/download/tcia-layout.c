/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-layout"

#include "config.h"

#include <string.h>

#include "tcia-layout.h"

static const char * const layout_names[] = {
  [TCIA_LAYOUT_DESCRIPTIVE] = "descriptive",
  [TCIA_LAYOUT_CLASSIC] = "classic",
  [TCIA_LAYOUT_FLAT] = "flat",
};

G_DEFINE_ENUM_TYPE (TciaLayout, tcia_layout,
                    G_DEFINE_ENUM_VALUE (TCIA_LAYOUT_DESCRIPTIVE, "descriptive"),
                    G_DEFINE_ENUM_VALUE (TCIA_LAYOUT_CLASSIC, "classic"),
                    G_DEFINE_ENUM_VALUE (TCIA_LAYOUT_FLAT, "flat"))

/* Names the program writes itself: at the top of the destination, and in a
 * collection's folder. A series component that takes one gets a "_". */
static const char * const top_level_names[] = {
  "metadata.csv", ".tcia-basket", "CITATION.bib", "CITATION.txt", NULL
};
static const char * const collection_level_names[] = { "LICENSE", NULL };

/* Java's description size limit in the Data Retriever (substring(0, 53)). */
#define DESC_MAX 53

gboolean
tcia_layout_from_string (const char *name,
                         TciaLayout *layout)
{
  for (guint i = 0; i < G_N_ELEMENTS (layout_names); i++)
    {
      if (g_strcmp0 (name, layout_names[i]) == 0)
        {
          *layout = i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
tcia_layout_to_string (TciaLayout layout)
{
  g_return_val_if_fail (layout <= TCIA_LAYOUT_FLAT, NULL);
  return layout_names[layout];
}

static gboolean
is_null (const char *s)
{
  return s == NULL || *s == '\0' || strcmp (s, "null") == 0;
}

char *
tcia_layout_clean_str (const char *value)
{
  GString *out;

  if (is_null (value))
    return g_strdup ("NA");

  out = g_string_new (NULL);
  for (const char *p = value; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || *p == ' ' || *p == '.' || *p == '-')
        g_string_append_c (out, *p);
    }
  if (out->len == 0)
    g_string_assign (out, "NA");
  return g_string_free (out, FALSE);
}

char *
tcia_layout_sanitize_component (const char *value)
{
  GString *out = g_string_new (NULL);
  gboolean only_dots = TRUE;

  for (const char *p = value != NULL ? value : ""; *p != '\0'; p++)
    {
      char c = *p;

      if (c == '/' || c == '\\')
        c = '-';
      else if ((guchar) c < 0x20 || c == 0x7f)
        c = ' ';
      if (c != '.')
        only_dots = FALSE;
      g_string_append_c (out, c);
    }

  if (out->len == 0)
    g_string_assign (out, "NA");
  else if (only_dots)
    g_string_assign (out, "_");   /* "." and ".." are not names */
  if (!g_utf8_validate (out->str, out->len, NULL))
    {
      char *valid = g_utf8_make_valid (out->str, out->len);

      g_string_assign (out, valid);
      g_free (valid);
    }
  /* A name longer than the file system takes (255 bytes) would fail every
   * series of it; room is left for ".part" and a tie-breaker. */
  if (out->len > TCIA_LAYOUT_COMPONENT_MAX)
    {
      const char *end = out->str + TCIA_LAYOUT_COMPONENT_MAX;

      end = g_utf8_find_prev_char (out->str, end + 1);
      g_string_truncate (out, end - out->str);
    }
  return g_string_free (out, FALSE);
}

static void
append_part (GString    *out,
             const char *s)
{
  if (is_null (s))
    return;
  g_string_append (out, s);
  g_string_append_c (out, '-');
}

/* @s is already cleaned. */
static void
append_desc (GString    *out,
             const char *s)
{
  gsize len;

  if (is_null (s) || strcmp (s, "-") == 0)
    return;
  len = MIN (strlen (s), DESC_MAX);
  for (gsize i = 0; i < len; i++)
    g_string_append_c (out, s[i] == '/' ? '-' : s[i]);
  g_string_append_c (out, '-');
}

static void
append_last5 (GString    *out,
              const char *uid)
{
  gsize len;

  if (uid == NULL)
    return;
  len = strlen (uid);
  g_string_append (out, uid + (len > 5 ? len - 5 : 0));
}

static char *
finish_component (GString *out)
{
  g_autofree char *s = g_string_free (out, FALSE);

  return tcia_layout_sanitize_component (s);
}

static void
reserve (char               **component,
         const char * const  *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      /* Case-blind: macOS and Windows file systems are. */
      if (g_ascii_strcasecmp (*component, names[i]) == 0)
        {
          char *renamed = g_strconcat (*component, "_", NULL);

          g_free (*component);
          *component = renamed;
          return;
        }
    }
}

char *
tcia_layout_study_dir (const char *study_date,
                       const char *study_id,
                       const char *description,
                       const char *study_uid)
{
  GString *out = g_string_new (NULL);
  g_autofree char *date = NULL;
  g_autofree char *id = tcia_layout_clean_str (study_id);
  g_autofree char *desc = tcia_layout_clean_str (description);

  /* The Data Retriever's dates are MM-dd-yyyy; records hold ISO. */
  if (study_date != NULL && strlen (study_date) == 10 &&
      study_date[4] == '-' && study_date[7] == '-')
    date = g_strdup_printf ("%.2s-%.2s-%.4s", study_date + 5, study_date + 8, study_date);
  else
    date = g_strdup (study_date);

  append_part (out, date);
  append_part (out, id);
  append_desc (out, desc);
  append_last5 (out, study_uid);
  return finish_component (out);
}

/* "3000566" -> "3000566.000000", as the server's DB decimal string. */
static char *
format_series_number (const char *number)
{
  char *end = NULL;
  double value;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (is_null (number))
    return NULL;
  value = g_ascii_strtod (number, &end);
  if (end == number || *end != '\0')
    return g_strdup (number);
  g_ascii_formatd (buf, sizeof buf, "%.6f", value);
  return g_strdup (buf);
}

char *
tcia_layout_series_dir (const char *series_number,
                        const char *description,
                        const char *series_uid)
{
  GString *out = g_string_new (NULL);
  g_autofree char *number = format_series_number (series_number);
  g_autofree char *desc = tcia_layout_clean_str (description);

  append_part (out, number);
  append_desc (out, desc);
  append_last5 (out, series_uid);
  return finish_component (out);
}

char *
tcia_layout_build_path (TciaLayout  layout,
                        TciaSeries *series)
{
  g_autofree char *collection = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *study = NULL;
  g_autofree char *series_dir = NULL;

  g_return_val_if_fail (TCIA_IS_SERIES (series), NULL);

  if (layout == TCIA_LAYOUT_FLAT)
    return tcia_layout_sanitize_component (tcia_series_get_series_uid (series));

  collection = tcia_layout_sanitize_component (tcia_series_get_collection (series));
  patient = tcia_layout_sanitize_component (tcia_series_get_patient_id (series));

  if (layout == TCIA_LAYOUT_CLASSIC)
    {
      study = tcia_layout_sanitize_component (tcia_series_get_study_uid (series));
      series_dir = tcia_layout_sanitize_component (tcia_series_get_series_uid (series));
    }
  else
    {
      study = tcia_layout_study_dir (tcia_series_get_study_date (series),
                                     tcia_series_get_study_id (series),
                                     tcia_series_get_study_description (series),
                                     tcia_series_get_study_uid (series));
      series_dir = tcia_layout_series_dir (tcia_series_get_series_number (series),
                                           tcia_series_get_series_description (series),
                                           tcia_series_get_series_uid (series));
    }

  /* The names the program writes beside the series must not be taken by one. */
  reserve (&collection, top_level_names);
  reserve (&patient, collection_level_names);
  return g_build_path ("/", collection, patient, study, series_dir, NULL);
}
