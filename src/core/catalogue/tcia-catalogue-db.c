/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tcia-catalogue-db-private.h"

/* The schema, its checks, and writing. A file is trusted only when SQLite
 * finds it sound (quick_check), it says it is ours (application_id) and its
 * schema is this one (user_version); anything else is moved aside, never
 * deleted, and a new catalogue made: it is a cache of the server, so a
 * rebuild costs a sync, never data. */

/* "TCIA" */
#define APPLICATION_ID 0x54434941

G_DEFINE_QUARK (tcia-catalogue-error-quark, tcia_catalogue_error)

/* Which table each field of TciaSeries lives in; those not named are the
 * series' own. */
static const struct
{
  const char *property;
  TableKind   table;
} table_of[] = {
  { "patient-name", TABLE_PATIENT },
  { "patient-sex", TABLE_PATIENT },
  { "ethnic-group", TABLE_PATIENT },
  { "phantom", TABLE_PATIENT },
  { "species-code", TABLE_PATIENT },
  { "species-description", TABLE_PATIENT },
  { "study-date", TABLE_STUDY },
  { "study-description", TABLE_STUDY },
  { "study-id", TABLE_STUDY },
  { "patient-age", TABLE_STUDY },
  { "admitting-diagnosis", TABLE_STUDY },
};

static Placement *placements;
static guint n_placements;

static void
placements_init (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      const TciaRecordInfo *info = tcia_record_info_get (TCIA_TYPE_SERIES);

      n_placements = info->n_fields;
      placements = g_new0 (Placement, n_placements);
      for (guint i = 0; i < info->n_fields; i++)
        {
          const TciaFieldInfo *field = &info->fields[i];
          Placement *p = &placements[i];

          p->table = TABLE_SERIES;
          for (guint k = 0; k < G_N_ELEMENTS (table_of); k++)
            if (strcmp (table_of[k].property, field->name) == 0)
              p->table = table_of[k].table;

          p->column = g_strdelimit (g_strdup (field->name), "-", '_');
          if (strcmp (field->name, "series-uid") == 0 || strcmp (field->name, "study-uid") == 0)
            {
              p->store = STORE_UID;
              p->table = field->name[1] == 'e' ? TABLE_SERIES : TABLE_STUDY;
              g_free (p->column);
              p->column = g_strdup ("uid");
            }
          else if (strcmp (field->name, "collection") == 0)
            p->store = STORE_COLLECTION;
          else if (strcmp (field->name, "patient-id") == 0)
            {
              p->store = STORE_PATIENT_ID;
              p->table = TABLE_PATIENT;
            }
          else if (strcmp (field->name, "patient-name") == 0)
            p->store = STORE_PATIENT_NAME;
          else if (field->type == TCIA_FIELD_DATE)
            p->store = STORE_DATE;
          else if (field->type == TCIA_FIELD_UINT || field->type == TCIA_FIELD_UINT64)
            p->store = STORE_INT;
          else if (field->flags & TCIA_FIELD_FLAGS_UNIQUE)
            p->store = STORE_TEXT;
          else
            p->store = STORE_INTERNED;
        }
      g_once_init_leave (&done, 1);
    }
}

const Placement *
tcia_catalogue_placements (void)
{
  placements_init ();
  return placements;
}

guint
tcia_catalogue_n_placements (void)
{
  placements_init ();
  return n_placements;
}

/* ---- UIDs ---- */

GBytes *
tcia_catalogue_pack_uid (const char *uid,
                         gsize       len)
{
  guint8 *data;

  if (len == 0 || len > 128)
    return NULL;
  data = g_malloc0 ((len + 1) / 2);
  for (gsize i = 0; i < len; i++)
    {
      guint8 nibble;

      if (uid[i] == '.')
        nibble = 1;
      else if (g_ascii_isdigit (uid[i]))
        nibble = 2 + (uid[i] - '0');
      else
        {
          g_free (data);
          return NULL;
        }
      data[i / 2] |= (i % 2 == 0) ? nibble << 4 : nibble;
    }

  return g_bytes_new_take (data, (len + 1) / 2);
}

char *
tcia_catalogue_unpack_uid (const guint8 *data,
                           gsize         len)
{
  GString *uid = g_string_sized_new (len * 2);

  for (gsize i = 0; i < len * 2; i++)
    {
      guint8 nibble = (i % 2 == 0) ? data[i / 2] >> 4 : data[i / 2] & 0xf;

      if (nibble == 0)
        break;
      g_string_append_c (uid, nibble == 1 ? '.' : (char) ('0' + nibble - 2));
    }

  return g_string_free (uid, FALSE);
}

gboolean
tcia_catalogue_uid_range (const char  *prefix,
                          GBytes     **lo,
                          GBytes     **hi)
{
  gsize len = strlen (prefix);
  g_autofree char *above = NULL;
  g_autoptr(GBytes) packed = tcia_catalogue_pack_uid (prefix, len);
  guint8 *data;
  gsize size;

  if (packed == NULL)
    return FALSE;

  /* Every UID that starts with @prefix is below @prefix followed by a
   * nibble larger than any character's, 15. */
  size = len / 2 + 1;
  data = g_malloc0 (size);
  memcpy (data, g_bytes_get_data (packed, NULL), g_bytes_get_size (packed));
  if (len % 2 == 0)
    data[len / 2] = 0xf0;
  else
    data[len / 2] |= 0x0f;
  *hi = g_bytes_new_take (data, size);
  *lo = g_steal_pointer (&packed);

  return TRUE;
}

void
tcia_catalogue_bind_uid (sqlite3_stmt *stmt,
                         int           index,
                         const char   *uid)
{
  g_autoptr(GBytes) packed = uid != NULL ? tcia_catalogue_pack_uid (uid, strlen (uid)) : NULL;

  if (uid == NULL)
    sqlite3_bind_null (stmt, index);
  else if (packed != NULL)
    sqlite3_bind_blob (stmt, index, g_bytes_get_data (packed, NULL),
                       (int) g_bytes_get_size (packed), SQLITE_TRANSIENT);
  else
    sqlite3_bind_text (stmt, index, uid, -1, SQLITE_TRANSIENT);
}

/* ---- Connection ---- */

gboolean
tcia_catalogue_db_fail (TciaCatalogueDb  *db,
                        GError          **error,
                        const char       *what)
{
  g_set_error (error, TCIA_CATALOGUE_ERROR, TCIA_CATALOGUE_ERROR_DATABASE,
               _("The local catalogue %s could not %s: %s"),
               sqlite3_db_filename (db->sqlite, "main"), what, sqlite3_errmsg (db->sqlite));
  return FALSE;
}

gboolean
tcia_catalogue_db_exec (TciaCatalogueDb  *db,
                        const char       *sql,
                        GError          **error)
{
  if (sqlite3_exec (db->sqlite, sql, NULL, NULL, NULL) != SQLITE_OK)
    return tcia_catalogue_db_fail (db, error, _("be updated"));
  return TRUE;
}

sqlite3_stmt *
tcia_catalogue_db_statement (TciaCatalogueDb  *db,
                             const char       *sql,
                             GError          **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (db->sqlite, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      tcia_catalogue_db_fail (db, error, _("be read"));
      return NULL;
    }
  g_hash_table_insert (db->statements, (gpointer) sql, stmt);

  return stmt;
}

static void
clear_caches (TciaCatalogueDb *db)
{
  g_hash_table_remove_all (db->string_ids);
  g_hash_table_remove_all (db->id_strings);
  g_hash_table_remove_all (db->collection_ids);
  db->last_patient = 0;
  db->last_study = 0;
  g_clear_pointer (&db->last_patient_key, g_free);
  g_clear_pointer (&db->last_study_uid, g_free);
}

void
tcia_catalogue_db_free (TciaCatalogueDb *db)
{
  GHashTableIter iter;
  gpointer stmt;

  if (db == NULL)
    return;

  clear_caches (db);
  if (db->statements != NULL)
    {
      g_hash_table_iter_init (&iter, db->statements);
      while (g_hash_table_iter_next (&iter, NULL, &stmt))
        sqlite3_finalize (stmt);
      g_hash_table_unref (db->statements);
    }
  g_clear_pointer (&db->string_ids, g_hash_table_unref);
  g_clear_pointer (&db->id_strings, g_hash_table_unref);
  g_clear_pointer (&db->collection_ids, g_hash_table_unref);
  sqlite3_close_v2 (db->sqlite);
  g_free (db);
}

static char *
create_sql (void)
{
  GString *sql = g_string_new (NULL);
  GString *columns[3];

  placements_init ();
  for (guint t = 0; t < 3; t++)
    columns[t] = g_string_new (NULL);
  for (guint i = 0; i < n_placements; i++)
    {
      const Placement *p = &placements[i];

      if (p->store == STORE_UID || p->store == STORE_COLLECTION || p->store == STORE_PATIENT_ID)
        continue;
      g_string_append_printf (columns[p->table], ", %s", p->column);
    }

  g_string_append (sql,
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "CREATE TABLE strings (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);"
    "CREATE INDEX strings_nocase ON strings (value COLLATE NOCASE);"
    "CREATE TABLE collections (id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE COLLATE NOCASE, patient_count INTEGER NOT NULL DEFAULT -1,"
    " listed_count INTEGER NOT NULL DEFAULT -1, listed_at INTEGER NOT NULL DEFAULT 0,"
    " description TEXT, description_uri TEXT);");
  g_string_append_printf (sql,
    "CREATE TABLE patients (id INTEGER PRIMARY KEY, collection INTEGER NOT NULL,"
    " patient_id TEXT NOT NULL COLLATE NOCASE%s, UNIQUE (patient_id, collection));",
    columns[TABLE_PATIENT]->str);
  g_string_append_printf (sql,
    "CREATE TABLE studies (id INTEGER PRIMARY KEY, uid NOT NULL UNIQUE,"
    " patient INTEGER NOT NULL%s);", columns[TABLE_STUDY]->str);
  g_string_append_printf (sql,
    "CREATE TABLE series (id INTEGER PRIMARY KEY, uid NOT NULL UNIQUE,"
    " study INTEGER NOT NULL, patient INTEGER NOT NULL, collection INTEGER NOT NULL%s);",
    columns[TABLE_SERIES]->str);
  /* Each facet index carries the patient, so that patient counts under a
   * filter are read from the index alone. */
  g_string_append (sql,
    "CREATE INDEX series_collection ON series (collection, patient);"
    "CREATE INDEX series_modality ON series (modality, patient);"
    "CREATE INDEX series_body_part ON series (body_part, patient);"
    "CREATE INDEX series_manufacturer ON series (manufacturer, patient);"
    "CREATE INDEX series_study ON series (study);"
    "CREATE INDEX studies_patient ON studies (patient);");
  /* Contentless and without positions: the smallest index that answers
   * "rows with words starting so"; the words come from the rows through
   * this view, so that a delete gives back exactly what was indexed. The
   * prefix indexes make the first keystrokes of a search as fast as the
   * last (about 26 bytes a series): without them "s" merges the lists of
   * every word starting with s. */
  g_string_append (sql,
    "CREATE VIRTUAL TABLE search USING fts5 (text, content='', detail=none, columnsize=0,"
    " tokenize=\"unicode61 remove_diacritics 2 tokenchars '.'\", prefix='1 2 3');"
    "CREATE VIEW series_text (id, text) AS SELECT s.id, p.patient_id"
    " || ' ' || c.name"
    " || ' ' || ifnull ((SELECT value FROM strings WHERE id = s.series_description), '')"
    " || ' ' || ifnull ((SELECT value FROM strings WHERE id = st.study_description), '')"
    " || ' ' || ifnull ((SELECT value FROM strings WHERE id = s.modality), '')"
    " || ' ' || ifnull ((SELECT value FROM strings WHERE id = s.body_part), '')"
    " || ' ' || ifnull ((SELECT value FROM strings WHERE id = s.manufacturer), '')"
    " || ' ' || ifnull ((SELECT value FROM strings WHERE id = s.manufacturer_model), '')"
    " || ' ' || ifnull ((SELECT value FROM strings WHERE id = s.protocol_name), '')"
    " FROM series s JOIN studies st ON st.id = s.study JOIN patients p ON p.id = s.patient"
    " JOIN collections c ON c.id = s.collection;"
    "CREATE TRIGGER series_indexed AFTER INSERT ON series BEGIN"
    " INSERT INTO search (rowid, text) SELECT id, text FROM series_text WHERE id = new.id; END;"
    "CREATE TRIGGER series_unindexed BEFORE DELETE ON series BEGIN"
    " INSERT INTO search (search, rowid, text)"
    " SELECT 'delete', id, text FROM series_text WHERE id = old.id; END;");
  g_string_append_printf (sql, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
                          APPLICATION_ID, TCIA_CATALOGUE_SCHEMA_VERSION);

  for (guint t = 0; t < 3; t++)
    g_string_free (columns[t], TRUE);

  return g_string_free (sql, FALSE);
}

/* Why a file cannot be trusted, or NULL when it can. */
static const char *
check_file (sqlite3 *sqlite)
{
  sqlite3_stmt *stmt = NULL;
  const char *why = NULL;
  int version = -1, app = -1;

  if (sqlite3_prepare_v2 (sqlite, "PRAGMA quick_check", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW ||
      g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    why = "damaged";
  sqlite3_finalize (stmt);
  if (why != NULL)
    return why;

  if (sqlite3_prepare_v2 (sqlite, "PRAGMA application_id", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    app = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  if (sqlite3_prepare_v2 (sqlite, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (app == 0 && version == 0)
    return NULL;  /* empty: a new file */
  if (app != APPLICATION_ID)
    return "damaged";
  if (version != TCIA_CATALOGUE_SCHEMA_VERSION)
    return "old";

  return NULL;
}

static gboolean
move_aside (const char  *path,
            const char  *why,
            GError     **error)
{
  g_autofree char *aside = g_strdup_printf ("%s.%s", path, why);
  const char *suffixes[] = { "-wal", "-shm" };

  if (g_rename (path, aside) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, TCIA_CATALOGUE_ERROR, TCIA_CATALOGUE_ERROR_DATABASE,
                   _("The local catalogue %s is unusable and could not be moved aside: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *side = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *side_aside = g_strconcat (aside, suffixes[i], NULL);

      if (g_rename (side, side_aside) != 0 && errno != ENOENT)
        g_unlink (side);
    }
  g_message ("The local catalogue %s was %s; moved to %s and rebuilt", path, why, aside);

  return TRUE;
}

static TciaCatalogueDb *
connect (const char  *path,
         GError     **error)
{
  static gsize configured;
  TciaCatalogueDb *db = g_new0 (TciaCatalogueDb, 1);
  int rc;

  /* Memory statistics take a global lock at every allocation, a tenth of
   * the time of a sync; nothing here reads them. Only possible before
   * SQLite is initialised, which nothing else in the program does. */
  if (g_once_init_enter (&configured))
    {
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      g_once_init_leave (&configured, 1);
    }

  rc = sqlite3_open_v2 (path, &db->sqlite,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  db->statements = g_hash_table_new (g_str_hash, g_str_equal);
  db->string_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  db->id_strings = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  db->collection_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, TCIA_CATALOGUE_ERROR, TCIA_CATALOGUE_ERROR_DATABASE,
                   _("The local catalogue %s could not be opened: %s"),
                   path, sqlite3_errstr (rc));
      tcia_catalogue_db_free (db);
      return NULL;
    }
  sqlite3_busy_timeout (db->sqlite, 10000);
  sqlite3_extended_result_codes (db->sqlite, 1);

  return db;
}

static gboolean
has_schema (TciaCatalogueDb *db)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  if (sqlite3_prepare_v2 (db->sqlite, "SELECT 1 FROM sqlite_schema WHERE name = 'series'",
                          -1, &stmt, NULL) == SQLITE_OK)
    found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);

  return found;
}

TciaCatalogueDb *
tcia_catalogue_db_open (const char  *path,
                        gboolean     check,
                        gboolean    *rebuilt,
                        GError     **error)
{
  g_autoptr(TciaCatalogueDb) db = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  if (rebuilt != NULL)
    *rebuilt = FALSE;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, TCIA_CATALOGUE_ERROR, TCIA_CATALOGUE_ERROR_DATABASE,
                   _("The folder of the local catalogue, %s, could not be made: %s"),
                   dir, g_strerror (saved));
      return NULL;
    }

  db = connect (path, error);
  if (db == NULL)
    return NULL;

  if (check)
    {
      const char *why = check_file (db->sqlite);

      if (why != NULL)
        {
          g_clear_pointer (&db, tcia_catalogue_db_free);
          if (!move_aside (path, why, error))
            return NULL;
          if (rebuilt != NULL)
            *rebuilt = TRUE;
          db = connect (path, error);
          if (db == NULL)
            return NULL;
        }
    }

  if (!has_schema (db))
    {
      g_autofree char *sql = create_sql ();

      /* Pages a sync frees (a collection listed again, the text index
       * merged) go back to the file system afterwards. Only possible on a
       * file without tables, outside a transaction. */
      if (!tcia_catalogue_db_exec (db, "PRAGMA auto_vacuum = INCREMENTAL", error) ||
          !tcia_catalogue_db_exec (db, "BEGIN IMMEDIATE", error))
        return NULL;
      /* Another connection may have made it meanwhile. */
      if (!has_schema (db) && sqlite3_exec (db->sqlite, sql, NULL, NULL, NULL) != SQLITE_OK)
        {
          tcia_catalogue_db_fail (db, error, _("be created"));
          tcia_catalogue_db_rollback (db);
          return NULL;
        }
      if (!tcia_catalogue_db_commit (db, error))
        return NULL;
    }

  /* WAL: readers in other threads see the last commit while the sync
   * writes the next one. */
  /* temp_store: each insert fires the trigger of the text index, so
   * SQLite keeps a statement journal for it; in a file, that is a write
   * system call per page touched. */
  if (!tcia_catalogue_db_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                               "PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY;", error))
    return NULL;

  return g_steal_pointer (&db);
}

/* ---- Writing ---- */

void
tcia_catalogue_db_set_cache_size (TciaCatalogueDb *db,
                                  guint            kib)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA cache_size = -%u", kib);

  sqlite3_exec (db->sqlite, sql, NULL, NULL, NULL);
}

gboolean
tcia_catalogue_db_begin (TciaCatalogueDb  *db,
                         GError          **error)
{
  return tcia_catalogue_db_exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
tcia_catalogue_db_commit (TciaCatalogueDb  *db,
                          GError          **error)
{
  if (!tcia_catalogue_db_exec (db, "COMMIT", error))
    {
      tcia_catalogue_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

void
tcia_catalogue_db_rollback (TciaCatalogueDb *db)
{
  if (!sqlite3_get_autocommit (db->sqlite))
    sqlite3_exec (db->sqlite, "ROLLBACK", NULL, NULL, NULL);
  /* Ids handed out inside the transaction are gone with it. */
  clear_caches (db);
}

static gboolean
step_done (TciaCatalogueDb  *db,
           sqlite3_stmt     *stmt,
           GError          **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return tcia_catalogue_db_fail (db, error, _("be updated"));
  return TRUE;
}

/* The id of the row a "... RETURNING id" statement gives, or 0 on error. */
static gint64
step_id (TciaCatalogueDb  *db,
         sqlite3_stmt     *stmt,
         GError          **error)
{
  gint64 id = 0;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else
    tcia_catalogue_db_fail (db, error, _("be updated"));
  sqlite3_reset (stmt);

  return id;
}

static gint64
intern (TciaCatalogueDb  *db,
        const char       *value,
        GError          **error)
{
  gpointer found = g_hash_table_lookup (db->string_ids, value);
  sqlite3_stmt *stmt;
  gint64 id;

  if (found != NULL)
    return (gint64) GPOINTER_TO_SIZE (found);

  stmt = tcia_catalogue_db_statement (db,
    "INSERT INTO strings (value) VALUES (?1) ON CONFLICT (value) DO UPDATE SET value = value"
    " RETURNING id", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_STATIC);
  id = step_id (db, stmt, error);
  if (id != 0)
    g_hash_table_insert (db->string_ids, g_strdup (value), GSIZE_TO_POINTER ((gsize) id));

  return id;
}

static gint64
collection_id (TciaCatalogueDb  *db,
               const char       *name,
               GError          **error)
{
  gpointer found = g_hash_table_lookup (db->collection_ids, name);
  sqlite3_stmt *stmt;
  gint64 id;

  if (found != NULL)
    return (gint64) GPOINTER_TO_SIZE (found);

  stmt = tcia_catalogue_db_statement (db,
    "INSERT INTO collections (name) VALUES (?1) ON CONFLICT (name) DO UPDATE SET name = name"
    " RETURNING id", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  id = step_id (db, stmt, error);
  if (id != 0)
    g_hash_table_insert (db->collection_ids, g_strdup (name), GSIZE_TO_POINTER ((gsize) id));

  return id;
}

/* Binds the value of field @i of @series for a column of kind @p. */
static gboolean
bind_field (TciaCatalogueDb       *db,
            sqlite3_stmt          *stmt,
            int                    index,
            const TciaRecordInfo  *info,
            TciaSeries            *series,
            guint                  i,
            const Placement       *p,
            const char            *patient_id,
            GError               **error)
{
  char buffer[TCIA_CELL_BUFFER_SIZE];
  const char *text = NULL;
  TciaCellKind kind = tcia_record_get_cell (info, series, i, buffer, &text);

  if (kind == TCIA_CELL_ABSENT || text == NULL)
    {
      sqlite3_bind_null (stmt, index);
      return TRUE;
    }

  switch (p->store)
    {
    case STORE_INTERNED:
      {
        gint64 id = intern (db, text, error);

        if (id == 0)
          return FALSE;
        sqlite3_bind_int64 (stmt, index, id);
      }
      break;
    case STORE_DATE:
      if (strlen (text) == 10 && text[4] == '-' && text[7] == '-')
        sqlite3_bind_int64 (stmt, index, g_ascii_strtoll (text, NULL, 10) * 10000 +
                            g_ascii_strtoll (text + 5, NULL, 10) * 100 +
                            g_ascii_strtoll (text + 8, NULL, 10));
      else
        sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
      break;
    case STORE_INT:
      sqlite3_bind_int64 (stmt, index, (gint64) g_ascii_strtoull (text, NULL, 10));
      break;
    case STORE_PATIENT_NAME:
      if (g_strcmp0 (text, patient_id) == 0)
        sqlite3_bind_int (stmt, index, 1);
      else
        sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
      break;
    case STORE_TEXT:
      sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
      break;
    case STORE_UID:
    case STORE_COLLECTION:
    case STORE_PATIENT_ID:
    default:
      g_assert_not_reached ();
    }

  return TRUE;
}

/* "INSERT INTO <table> (<fixed>, <columns of table>) VALUES (?, ...) RETURNING id". */
static const char *
insert_sql (TableKind  table)
{
  static char *sql[3];
  static gsize done;

  if (g_once_init_enter (&done))
    {
      const char *heads[] = {
        [TABLE_SERIES] = "INSERT INTO series (uid, study, patient, collection",
        [TABLE_STUDY] = "INSERT INTO studies (uid, patient",
        [TABLE_PATIENT] = "INSERT INTO patients (patient_id, collection",
      };
      const guint n_fixed[] = { [TABLE_SERIES] = 4, [TABLE_STUDY] = 2, [TABLE_PATIENT] = 2 };

      placements_init ();
      for (guint t = 0; t < 3; t++)
        {
          GString *s = g_string_new (heads[t]);
          guint n = n_fixed[t];

          for (guint i = 0; i < n_placements; i++)
            if (placements[i].table == t && placements[i].store != STORE_UID &&
                placements[i].store != STORE_PATIENT_ID && placements[i].store != STORE_COLLECTION)
              {
                g_string_append_printf (s, ", %s", placements[i].column);
                n++;
              }
          g_string_append (s, ") VALUES (?");
          for (guint k = 1; k < n; k++)
            g_string_append (s, ", ?");
          g_string_append (s, ") RETURNING id");
          sql[t] = g_string_free (s, FALSE);
        }
      g_once_init_leave (&done, 1);
    }

  return sql[table];
}

static gboolean
bind_table_fields (TciaCatalogueDb  *db,
                   sqlite3_stmt     *stmt,
                   int               first,
                   TableKind         table,
                   TciaSeries       *series,
                   const char       *patient_id,
                   GError          **error)
{
  const TciaRecordInfo *info = tcia_record_info_get (TCIA_TYPE_SERIES);
  int index = first;

  for (guint i = 0; i < n_placements; i++)
    {
      const Placement *p = &placements[i];

      if (p->table != table || p->store == STORE_UID || p->store == STORE_PATIENT_ID ||
          p->store == STORE_COLLECTION)
        continue;
      if (!bind_field (db, stmt, index++, info, series, i, p, patient_id, error))
        return FALSE;
    }

  return TRUE;
}

static gint64
lookup_id (TciaCatalogueDb  *db,
           const char       *sql,
           const char       *text,
           gint64            number,
           gboolean          uid,
           GError          **error)
{
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db, sql, error);
  gint64 id = -1;
  int rc;

  if (stmt == NULL)
    return 0;
  if (uid)
    tcia_catalogue_bind_uid (stmt, 1, text);
  else
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  if (number >= 0)
    sqlite3_bind_int64 (stmt, 2, number);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      tcia_catalogue_db_fail (db, error, _("be read"));
      id = 0;
    }
  sqlite3_reset (stmt);

  return id;
}

static gint64
patient_row (TciaCatalogueDb  *db,
             TciaSeries       *series,
             gint64            collection,
             GError          **error)
{
  const char *patient_id = tcia_series_get_patient_id (series);
  g_autofree char *key = NULL;
  sqlite3_stmt *stmt;
  gint64 id;

  if (patient_id == NULL)
    patient_id = "";
  key = g_strdup_printf ("%" G_GINT64_FORMAT "\t%s", collection, patient_id);
  if (db->last_patient != 0 && g_strcmp0 (key, db->last_patient_key) == 0)
    return db->last_patient;

  id = lookup_id (db, "SELECT id FROM patients WHERE patient_id = ?1 AND collection = ?2",
                  patient_id, collection, FALSE, error);
  if (id < 0)
    {
      stmt = tcia_catalogue_db_statement (db, insert_sql (TABLE_PATIENT), error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, collection);
      if (!bind_table_fields (db, stmt, 3, TABLE_PATIENT, series, patient_id, error))
        return 0;
      id = step_id (db, stmt, error);
    }
  if (id > 0)
    {
      db->last_patient = id;
      g_free (db->last_patient_key);
      db->last_patient_key = g_steal_pointer (&key);
    }

  return id;
}

static gint64
study_row (TciaCatalogueDb  *db,
           TciaSeries       *series,
           gint64            patient,
           GError          **error)
{
  const char *uid = tcia_series_get_study_uid (series);
  sqlite3_stmt *stmt;
  gint64 id;

  if (uid == NULL)
    uid = "";
  if (db->last_study != 0 && g_strcmp0 (uid, db->last_study_uid) == 0)
    return db->last_study;

  id = lookup_id (db, "SELECT id FROM studies WHERE uid = ?1", uid, -1, TRUE, error);
  if (id < 0)
    {
      stmt = tcia_catalogue_db_statement (db, insert_sql (TABLE_STUDY), error);
      if (stmt == NULL)
        return 0;
      tcia_catalogue_bind_uid (stmt, 1, uid);
      sqlite3_bind_int64 (stmt, 2, patient);
      if (!bind_table_fields (db, stmt, 3, TABLE_STUDY, series, NULL, error))
        return 0;
      id = step_id (db, stmt, error);
    }
  if (id > 0)
    {
      db->last_study = id;
      g_free (db->last_study_uid);
      db->last_study_uid = g_strdup (uid);
    }

  return id;
}

gboolean
tcia_catalogue_db_put_series (TciaCatalogueDb  *db,
                              TciaSeries       *series,
                              gboolean         *replaced,
                              GError          **error)
{
  const char *collection_name = tcia_series_get_collection (series);
  sqlite3_stmt *stmt;
  gint64 collection, patient, study;
  int rc;

  placements_init ();
  if (replaced != NULL)
    *replaced = FALSE;

  collection = collection_id (db, collection_name != NULL ? collection_name : "", error);
  if (collection == 0)
    return FALSE;
  patient = patient_row (db, series, collection, error);
  if (patient == 0)
    return FALSE;
  study = study_row (db, series, patient, error);
  if (study == 0)
    return FALSE;

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      stmt = tcia_catalogue_db_statement (db, insert_sql (TABLE_SERIES), error);
      if (stmt == NULL)
        return FALSE;
      tcia_catalogue_bind_uid (stmt, 1, tcia_series_get_series_uid (series));
      sqlite3_bind_int64 (stmt, 2, study);
      sqlite3_bind_int64 (stmt, 3, patient);
      sqlite3_bind_int64 (stmt, 4, collection);
      if (!bind_table_fields (db, stmt, 5, TABLE_SERIES, series,
                              tcia_series_get_patient_id (series), error))
        return FALSE;
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return TRUE;
      if (rc != SQLITE_CONSTRAINT_UNIQUE || attempt > 0)
        break;

      if (replaced != NULL)
        *replaced = TRUE;
      /* Already there (an update, or listed under another collection):
       * the new row replaces it, through the trigger that unindexes it. */
      stmt = tcia_catalogue_db_statement (db, "DELETE FROM series WHERE uid = ?1", error);
      if (stmt == NULL)
        return FALSE;
      tcia_catalogue_bind_uid (stmt, 1, tcia_series_get_series_uid (series));
      if (!step_done (db, stmt, error))
        return FALSE;
    }

  return tcia_catalogue_db_fail (db, error, _("be updated"));
}

static gboolean
run_with_name (TciaCatalogueDb  *db,
               const char       *sql,
               const char       *name,
               GError          **error)
{
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  return step_done (db, stmt, error);
}

gboolean
tcia_catalogue_db_clear_collection (TciaCatalogueDb  *db,
                                    const char       *collection,
                                    GError          **error)
{
  db->last_patient = 0;
  db->last_study = 0;
  return run_with_name (db, "DELETE FROM series WHERE collection IN"
                        " (SELECT id FROM collections WHERE name = ?1)", collection, error) &&
         run_with_name (db, "DELETE FROM studies WHERE patient IN (SELECT p.id FROM patients p"
                        " JOIN collections c ON c.id = p.collection WHERE c.name = ?1)",
                        collection, error) &&
         run_with_name (db, "DELETE FROM patients WHERE collection IN"
                        " (SELECT id FROM collections WHERE name = ?1)", collection, error) &&
         run_with_name (db, "UPDATE collections SET listed_count = -1, listed_at = 0"
                        " WHERE name = ?1", collection, error);
}

gboolean
tcia_catalogue_db_delete_collection (TciaCatalogueDb  *db,
                                     const char       *collection,
                                     GError          **error)
{
  g_hash_table_remove (db->collection_ids, collection);
  return tcia_catalogue_db_clear_collection (db, collection, error) &&
         run_with_name (db, "DELETE FROM collections WHERE name = ?1", collection, error);
}

gboolean
tcia_catalogue_db_set_patient_count (TciaCatalogueDb  *db,
                                     const char       *collection,
                                     int               patient_count,
                                     GError          **error)
{
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db,
    "INSERT INTO collections (name, patient_count) VALUES (?1, ?2)"
    " ON CONFLICT (name) DO UPDATE SET patient_count = excluded.patient_count", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, patient_count);
  return step_done (db, stmt, error);
}

gboolean
tcia_catalogue_db_set_listed (TciaCatalogueDb  *db,
                              const char       *collection,
                              int               patient_count,
                              gint64            listed_at,
                              GError          **error)
{
  sqlite3_stmt *stmt;

  if (collection_id (db, collection, error) == 0)
    return FALSE;
  stmt = tcia_catalogue_db_statement (db,
    "UPDATE collections SET listed_count = ?2, listed_at = ?3 WHERE name = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, patient_count);
  sqlite3_bind_int64 (stmt, 3, listed_at);
  return step_done (db, stmt, error);
}

gboolean
tcia_catalogue_db_set_description (TciaCatalogueDb  *db,
                                   const char       *collection,
                                   const char       *description,
                                   const char       *description_uri,
                                   GError          **error)
{
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db,
    "UPDATE collections SET description = ?2, description_uri = ?3 WHERE name = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, description, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, description_uri, -1, SQLITE_STATIC);
  return step_done (db, stmt, error);
}

gboolean
tcia_catalogue_db_prune (TciaCatalogueDb  *db,
                         GError          **error)
{
  db->last_patient = 0;
  db->last_study = 0;
  return tcia_catalogue_db_exec (db,
    "DELETE FROM studies WHERE NOT EXISTS (SELECT 1 FROM series WHERE study = studies.id);"
    "DELETE FROM patients WHERE NOT EXISTS (SELECT 1 FROM studies WHERE patient = patients.id);",
    error);
}

gboolean
tcia_catalogue_db_optimize (TciaCatalogueDb  *db,
                            GError          **error)
{
  return tcia_catalogue_db_exec (db, "INSERT INTO search (search) VALUES ('optimize')", error);
}

gboolean
tcia_catalogue_db_shrink (TciaCatalogueDb  *db,
                          GError          **error)
{
  return tcia_catalogue_db_exec (db, "PRAGMA incremental_vacuum", error);
}

void
tcia_catalogue_collection_state_free (gpointer data)
{
  TciaCatalogueCollectionState *state = data;

  g_free (state->name);
  g_free (state);
}

GPtrArray *
tcia_catalogue_db_get_collection_states (TciaCatalogueDb  *db,
                                         GError          **error)
{
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (tcia_catalogue_collection_state_free);
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db,
    "SELECT name, patient_count, listed_count, listed_at FROM collections ORDER BY name", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TciaCatalogueCollectionState *state = g_new0 (TciaCatalogueCollectionState, 1);

      state->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      state->patient_count = sqlite3_column_int (stmt, 1);
      state->listed_count = sqlite3_column_int (stmt, 2);
      state->listed_at = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (states, state);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      tcia_catalogue_db_fail (db, error, _("be read"));
      return NULL;
    }

  return g_steal_pointer (&states);
}

char *
tcia_catalogue_db_get_meta (TciaCatalogueDb *db,
                            const char      *key)
{
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db, "SELECT value FROM meta WHERE key = ?1",
                                                    NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  return value;
}

gboolean
tcia_catalogue_db_set_meta (TciaCatalogueDb  *db,
                            const char       *key,
                            const char       *value,
                            GError          **error)
{
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db,
    "INSERT INTO meta (key, value) VALUES (?1, ?2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return step_done (db, stmt, error);
}

gboolean
tcia_catalogue_db_clear_all (TciaCatalogueDb  *db,
                             GError          **error)
{
  clear_caches (db);
  return tcia_catalogue_db_exec (db,
    "DELETE FROM series; DELETE FROM studies; DELETE FROM patients; DELETE FROM collections;"
    "DELETE FROM strings; DELETE FROM meta; INSERT INTO search (search) VALUES ('delete-all');",
    error);
}

guint64
tcia_catalogue_db_count_series (TciaCatalogueDb *db)
{
  sqlite3_stmt *stmt = tcia_catalogue_db_statement (db, "SELECT count(*) FROM series", NULL);
  guint64 n = 0;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint64) sqlite3_column_int64 (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);

  return n;
}
