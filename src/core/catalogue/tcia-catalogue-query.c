/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include "tcia-catalogue-db-private.h"

/* A TciaQuery and search words as SQL conditions on the series table (s)
 * and an FTS5 query on the text index. Filters compare without regard to
 * case, as NBIA's do. */

void
tcia_catalogue_conditions_clear (Conditions *c)
{
  g_string_free (c->where, TRUE);
  g_ptr_array_unref (c->texts);
  g_array_unref (c->is_blob);
  g_free (c->match);
}

static void
add_value (Conditions *c,
           gpointer    value,
           BindKind    kind)
{
  g_ptr_array_add (c->texts, value);
  g_array_append_val (c->is_blob, kind);
}

static void
add_text (Conditions *c,
          const char *text)
{
  add_value (c, g_strdup (text), BIND_TEXT);
}

static void
add_blob (Conditions *c,
          GBytes     *bytes)
{
  add_value (c, bytes, BIND_BLOB);
}

static void
add_filter (Conditions *c,
            const char *value,
            const char *sql)
{
  if (value == NULL || value[0] == '\0')
    return;
  g_string_append (c->where, sql);
  add_text (c, value);
}

/* A word of digits and dots with a dot in it is a UID being typed. */
static gboolean
is_uid_prefix (const char *word)
{
  gboolean dot = FALSE;

  if (!g_ascii_isdigit (word[0]))
    return FALSE;
  for (const char *p = word; *p != '\0'; p++)
    {
      if (*p == '.')
        dot = TRUE;
      else if (!g_ascii_isdigit (*p))
        return FALSE;
    }

  return dot;
}

/* Every word must match: a UID prefix of the series or its study, or else
 * each of its tokens (as the index splits words: letters, digits and dots)
 * the start of a word of the series' patient ID, collection, descriptions,
 * modality, body part, manufacturer, model or protocol. */
/* The token as the index folds it: lower case, without diacritics. */
static char *
fold_token (const char *token,
            gsize       len)
{
  g_autofree char *decomposed = g_utf8_normalize (token, (gssize) len, G_NORMALIZE_NFD);
  GString *folded = g_string_new (NULL);

  for (const char *p = decomposed; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if (g_unichar_ismark (ch))
        continue;
      g_string_append_unichar (folded, g_unichar_tolower (ch));
    }

  return g_string_free (folded, FALSE);
}

#define MAX_EXPANDED_TERMS 64

/* The search expression of one typed token: a prefix query; for a token of
 * more than three characters, the words of the index it starts, when they
 * are few. FTS5 reads a prefix longer than its prefix indexes by merging
 * every word's list into a new one, all of it, even for the first 200
 * rows: a search for "siemens" took 100 ms over a million series, the
 * word "siemens" itself 10 ms. */
static void
append_token (TciaCatalogueDb *db,
              GString         *match,
              const char      *token,
              gsize            len)
{
  g_autofree char *folded = fold_token (token, len);
  g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  if (g_utf8_strlen (folded, -1) > 3 && db != NULL)
    {
      if (!db->has_vocabulary)
        db->has_vocabulary =
          sqlite3_exec (db->sqlite, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocabulary"
                        " USING fts5vocab (main, search, 'row')", NULL, NULL, NULL) == SQLITE_OK;
      if (db->has_vocabulary)
        stmt = tcia_catalogue_db_statement (db,
          "SELECT term FROM temp.search_vocabulary WHERE term >= ?1 AND term < ?1 || char (1114111)"
          " LIMIT 65", NULL);
    }
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, folded, -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (terms, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      sqlite3_reset (stmt);
    }

  /* None (the folding differs from the index's) or too many: the prefix. */
  if (terms->len == 0 || terms->len > MAX_EXPANDED_TERMS)
    {
      g_string_append_c (match, '"');
      g_string_append_len (match, token, (gssize) len);
      g_string_append (match, "\"*");
      return;
    }

  g_string_append_c (match, '(');
  for (guint i = 0; i < terms->len; i++)
    {
      const char *term = terms->pdata[i];

      if (i > 0)
        g_string_append (match, " OR ");
      /* Words are letters, digits and dots: no quote to double. */
      g_string_append_printf (match, "\"%s\"", term);
    }
  g_string_append_c (match, ')');
}

static void
add_words (TciaCatalogueDb *db,
           Conditions      *c,
           const char      *text)
{
  g_auto(GStrv) words = NULL;
  GString *match = g_string_new (NULL);

  if (text == NULL)
    return;
  words = g_strsplit_set (text, " \t\r\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = words[i];
      GBytes *lo = NULL, *hi = NULL;

      if (word[0] == '\0')
        continue;
      if (is_uid_prefix (word) && tcia_catalogue_uid_range (word, &lo, &hi))
        {
          g_string_append (c->where,
                           " AND ((s.uid >= ? AND s.uid < ?) OR s.study IN"
                           " (SELECT id FROM studies WHERE uid >= ? AND uid < ?))");
          add_blob (c, g_bytes_ref (lo));
          add_blob (c, g_bytes_ref (hi));
          add_blob (c, lo);
          add_blob (c, hi);
          continue;
        }

      for (const char *p = word; *p != '\0';)
        {
          const char *start;
          gunichar ch = g_utf8_get_char_validated (p, -1);

          if (ch == (gunichar) -1 || ch == (gunichar) -2)
            break;
          if (!g_unichar_isalnum (ch) && ch != '.')
            {
              p = g_utf8_next_char (p);
              continue;
            }
          start = p;
          while (*p != '\0')
            {
              ch = g_utf8_get_char_validated (p, -1);
              if (ch == (gunichar) -1 || ch == (gunichar) -2 ||
                  (!g_unichar_isalnum (ch) && ch != '.'))
                break;
              p = g_utf8_next_char (p);
            }
          /* A token of dots only is no word at all. */
          if (strspn (start, ".") >= (gsize) (p - start))
            continue;
          if (match->len > 0)
            g_string_append (match, " AND ");
          append_token (db, match, start, (gsize) (p - start));
        }
    }

  if (match->len > 0)
    c->match = g_string_free (match, FALSE);
  else
    g_string_free (match, TRUE);
}

/* With words to match, a facet is matched by the text index too (see
 * create_sql): "AND (<mark><letter><id> OR ...)", one id for each value
 * equal to @value without regard to case. FALSE: a filter on the series. */
static gboolean
add_facet_words (TciaCatalogueDb *db,
                 Conditions      *c,
                 char             letter,
                 const char      *value)
{
  g_autoptr(GString) match = NULL;
  sqlite3_stmt *stmt;
  guint n = 0;

  if (value == NULL || value[0] == '\0')
    return TRUE;
  if (c->match == NULL || db == NULL)
    return FALSE;
  /* Collection names compare without regard to case by their column. */
  stmt = tcia_catalogue_db_statement (db, letter == 'c'
                                      ? "SELECT id FROM collections WHERE name = ?1"
                                      : "SELECT id FROM strings WHERE value = ?1 COLLATE NOCASE",
                                      NULL);
  if (stmt == NULL)
    return FALSE;

  match = g_string_new (c->match);
  g_string_append (match, " AND (");
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (match, "%s\"" TCIA_CATALOGUE_FACET_MARK "%c%" G_GINT64_FORMAT "\"",
                            n++ > 0 ? " OR " : "", letter, (gint64) sqlite3_column_int64 (stmt, 0));
  sqlite3_reset (stmt);
  /* No such value: ids start at 1, so this word is in no row. */
  if (n == 0)
    g_string_append_printf (match, "\"" TCIA_CATALOGUE_FACET_MARK "%c0\"", letter);
  g_string_append_c (match, ')');
  g_free (c->match);
  c->match = g_string_free (g_steal_pointer (&match), FALSE);

  return TRUE;
}

void
tcia_catalogue_conditions_init (Conditions      *c,
                 TciaCatalogueDb *db,
                 const TciaQuery *query,
                 int              skip_kind,
                 const char      *text)
{
  c->where = g_string_new (NULL);
  c->texts = g_ptr_array_new ();
  c->is_blob = g_array_new (FALSE, FALSE, sizeof (BindKind));
  c->match = NULL;

  add_words (db, c, text);
  if (query != NULL)
    {
      if (!add_facet_words (db, c, 'c', query->collection))
        add_filter (c, query->collection,
                    " AND s.collection IN (SELECT id FROM collections WHERE name = ?)");
      add_filter (c, query->patient_id,
                  " AND s.patient IN (SELECT id FROM patients WHERE patient_id = ?)");
      if (query->study_uid != NULL && query->study_uid[0] != '\0')
        {
          g_string_append (c->where, " AND s.study IN (SELECT id FROM studies WHERE uid = ?)");
          add_value (c, g_strdup (query->study_uid), BIND_UID);
        }
      if (query->series_uid != NULL && query->series_uid[0] != '\0')
        {
          g_string_append (c->where, " AND s.uid = ?");
          add_value (c, g_strdup (query->series_uid), BIND_UID);
        }
      if (skip_kind != TCIA_VALUE_MODALITY && !add_facet_words (db, c, 'm', query->modality))
        add_filter (c, query->modality,
                    " AND s.modality IN (SELECT id FROM strings WHERE value = ? COLLATE NOCASE)");
      if (skip_kind != TCIA_VALUE_BODY_PART && !add_facet_words (db, c, 'b', query->body_part))
        add_filter (c, query->body_part,
                    " AND s.body_part IN (SELECT id FROM strings WHERE value = ? COLLATE NOCASE)");
      if (skip_kind != TCIA_VALUE_MANUFACTURER &&
          !add_facet_words (db, c, 'f', query->manufacturer))
        add_filter (c, query->manufacturer,
                    " AND s.manufacturer IN (SELECT id FROM strings WHERE value = ? COLLATE NOCASE)");
      add_filter (c, query->manufacturer_model,
                  " AND s.manufacturer_model IN"
                  " (SELECT id FROM strings WHERE value = ? COLLATE NOCASE)");
    }
}

/* Binds the FTS query (first, when there is one) then the conditions. */
void
tcia_catalogue_conditions_bind (Conditions   *c,
                 sqlite3_stmt *stmt)
{
  int index = 1;

  if (c->match != NULL)
    sqlite3_bind_text (stmt, index++, c->match, -1, SQLITE_TRANSIENT);
  for (guint i = 0; i < c->texts->len; i++, index++)
    {
      gpointer value = g_ptr_array_index (c->texts, i);

      switch (g_array_index (c->is_blob, BindKind, i))
        {
        case BIND_BLOB:
          sqlite3_bind_blob (stmt, index, g_bytes_get_data (value, NULL),
                             (int) g_bytes_get_size (value), SQLITE_TRANSIENT);
          break;
        case BIND_UID:
          tcia_catalogue_bind_uid (stmt, index, value);
          break;
        case BIND_TEXT:
        default:
          sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
          break;
        }
    }
}

void
tcia_catalogue_conditions_free_values (Conditions *c)
{
  for (guint i = 0; i < c->texts->len; i++)
    {
      if (g_array_index (c->is_blob, BindKind, i) == BIND_BLOB)
        g_bytes_unref (g_ptr_array_index (c->texts, i));
      else
        g_free (g_ptr_array_index (c->texts, i));
    }
  g_ptr_array_set_size (c->texts, 0);
}
