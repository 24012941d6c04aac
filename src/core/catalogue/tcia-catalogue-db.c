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

/* Twice DICOM's 64 characters; a longer UID is kept as text. */
#define MAX_UID_LEN 128
G_STATIC_ASSERT (sizeof (((TciaPackedUid *) NULL)->data) == (MAX_UID_LEN + 1) / 2);

/* Packs @uid into @data, all its (len + 1) / 2 bytes; FALSE when it is
 * not digits and dots. */
static gboolean
pack_uid_into (const char *uid,
               gsize       len,
               guint8     *data)
{
  /* By table: this runs twice for every row a sync puts. */
  static const guint8 nibbles[256] = {
    ['.'] = 1, ['0'] = 2, ['1'] = 3, ['2'] = 4, ['3'] = 5, ['4'] = 6,
    ['5'] = 7, ['6'] = 8, ['7'] = 9, ['8'] = 10, ['9'] = 11,
  };
  gsize i;

  for (i = 0; i + 1 < len; i += 2)
    {
      guint8 high = nibbles[(guint8) uid[i]], low = nibbles[(guint8) uid[i + 1]];

      if (high == 0 || low == 0)
        return FALSE;
      data[i / 2] = (guint8) (high << 4 | low);
    }
  if (i < len)
    {
      guint8 high = nibbles[(guint8) uid[i]];

      if (high == 0)
        return FALSE;
      data[i / 2] = (guint8) (high << 4);
    }

  return TRUE;
}

GBytes *
tcia_catalogue_pack_uid (const char *uid,
                         gsize       len)
{
  guint8 *data;

  if (len == 0 || len > MAX_UID_LEN)
    return NULL;
  data = g_malloc0 ((len + 1) / 2);
  if (!pack_uid_into (uid, len, data))
    {
      g_free (data);
      return NULL;
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

/* Binds @uid packed into @data, or as text when it is not a UID. */
static void
bind_uid (sqlite3_stmt     *stmt,
          int               index,
          const char       *uid,
          guint8           *data,
          sqlite3_destructor_type destructor)
{
  gsize len = uid != NULL ? strlen (uid) : 0;

  if (uid == NULL)
    sqlite3_bind_null (stmt, index);
  else if (len > 0 && len <= MAX_UID_LEN && pack_uid_into (uid, len, data))
    sqlite3_bind_blob (stmt, index, data, (int) (len + 1) / 2, destructor);
  else
    sqlite3_bind_text (stmt, index, uid, -1, destructor);
}

void
tcia_catalogue_bind_uid_in (sqlite3_stmt   *stmt,
                            int             index,
                            const char     *uid,
                            TciaPackedUid  *packed)
{
  bind_uid (stmt, index, uid, packed->data, SQLITE_STATIC);
}

void
tcia_catalogue_bind_uid (sqlite3_stmt *stmt,
                         int           index,
                         const char   *uid)
{
  TciaPackedUid packed;

  bind_uid (stmt, index, uid, packed.data, SQLITE_TRANSIENT);
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

static sqlite3_stmt *
statement (TciaCatalogueDb  *db,
           const char       *sql,
           gboolean          clear,
           GError          **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      if (clear)
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

sqlite3_stmt *
tcia_catalogue_db_statement (TciaCatalogueDb  *db,
                             const char       *sql,
                             GError          **error)
{
  return statement (db, sql, TRUE, error);
}

sqlite3_stmt *
tcia_catalogue_db_statement_all_bound (TciaCatalogueDb  *db,
                                       const char       *sql,
                                       GError          **error)
{
  return statement (db, sql, FALSE, error);
}

void
tcia_catalogue_db_clear_caches (TciaCatalogueDb *db)
{
  g_hash_table_remove_all (db->string_ids);
  g_hash_table_remove_all (db->id_strings);
  g_hash_table_remove_all (db->collection_ids);
  db->last_patient = 0;
  db->last_study = 0;
  g_clear_pointer (&db->last_patient_key, g_free);
  g_clear_pointer (&db->last_study_uid, g_free);
  g_clear_pointer (&db->last_study_description, g_free);
  /* Keys of string_ids, gone with them. */
  for (guint i = 0; db->last_values != NULL && i < n_placements; i++)
    db->last_values[i] = NULL;
}

void
tcia_catalogue_db_free (TciaCatalogueDb *db)
{
  GHashTableIter iter;
  gpointer stmt;

  if (db == NULL)
    return;

  tcia_catalogue_db_clear_caches (db);
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
  g_clear_pointer (&db->words, tcia_catalogue_words_free);
  g_free ((gpointer) db->last_values);
  g_free (db->last_ids);
  if (db->text != NULL)
    g_string_free (db->text, TRUE);
  sqlite3_close_v2 (db->sqlite);
  g_free (db);
}

/* The secondary indexes, which a first fill makes after its rows
 * (tcia_catalogue_db_end_fill). Each facet index carries the patient, so
 * that patient counts under a filter are read from the index alone. */
const char *
tcia_catalogue_db_index_sql (void)
{
  return
    "CREATE INDEX IF NOT EXISTS series_collection ON series (collection, patient);"
    "CREATE INDEX IF NOT EXISTS series_modality ON series (modality, patient);"
    "CREATE INDEX IF NOT EXISTS series_body_part ON series (body_part, patient);"
    "CREATE INDEX IF NOT EXISTS series_manufacturer ON series (manufacturer, patient);"
    "CREATE INDEX IF NOT EXISTS series_study ON series (study);"
    "CREATE INDEX IF NOT EXISTS studies_patient ON studies (patient);"
    /* A collection listed again clears its patients (and their studies):
     * without it, two scans of every patient per collection. */
    "CREATE INDEX IF NOT EXISTS patients_collection ON patients (collection);";
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
  g_string_append (sql, tcia_catalogue_db_index_sql ());
  /* The facets of a series are words of its text too, its collection's
   * and its strings' ids after a character no typed word holds (see
   * TCIA_CATALOGUE_FACET_MARK): a search with a facet is then answered,
   * and counted, by the text index alone, not by reading every series
   * that has the words to see whether it has the facet. */
  /* The words come from the rows through this view, so that a delete
   * gives back exactly what was indexed. A row's words are made and
   * indexed as it is put (index_series in tcia-catalogue-put.c), not read
   * back through the view: its seven lookups a row were a third of a
   * first sync. A delete reads the view; not during a first fill, whose
   * words are indexed apart (tcia-catalogue-words.h) and whose deletes go
   * there too (see begin_fill). */
  g_string_append (sql,
    "CREATE VIRTUAL TABLE search USING fts5 " TCIA_CATALOGUE_SEARCH_ARGS ";"
    "CREATE VIEW series_text (id, text) AS SELECT s.id, p.patient_id"
    " || ' ' || c.name"
    " || ' ' || ifnull ((SELECT value FROM strings WHERE id = s.series_description), '')"
    " || ' ' || ifnull ((SELECT value FROM strings WHERE id = st.study_description), '')"
    " || ' ' || ifnull ((SELECT value FROM strings WHERE id = s.modality), '')"
    " || ' ' || ifnull ((SELECT value FROM strings WHERE id = s.body_part), '')"
    " || ' ' || ifnull ((SELECT value FROM strings WHERE id = s.manufacturer), '')"
    " || ' ' || ifnull ((SELECT value FROM strings WHERE id = s.manufacturer_model), '')"
    " || ' ' || ifnull ((SELECT value FROM strings WHERE id = s.protocol_name), '')"
    " || ' " TCIA_CATALOGUE_FACET_MARK "c' || s.collection"
    " || ifnull (' " TCIA_CATALOGUE_FACET_MARK "m' || s.modality, '')"
    " || ifnull (' " TCIA_CATALOGUE_FACET_MARK "b' || s.body_part, '')"
    " || ifnull (' " TCIA_CATALOGUE_FACET_MARK "f' || s.manufacturer, '')"
    " FROM series s JOIN studies st ON st.id = s.study JOIN patients p ON p.id = s.patient"
    " JOIN collections c ON c.id = s.collection;"
    "CREATE TRIGGER series_unindexed BEFORE DELETE ON series"
    " WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'filling') BEGIN INSERT INTO search (search, rowid, text)"
    " SELECT 'delete', id, text FROM series_text WHERE id = old.id; END;");
  g_string_append_printf (sql, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
                          APPLICATION_ID, TCIA_CATALOGUE_SCHEMA_VERSION);

  for (guint t = 0; t < 3; t++)
    g_string_free (columns[t], TRUE);

  return g_string_free (sql, FALSE);
}

char *
tcia_catalogue_boot_id (void)
{
  char *id = NULL;

  if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &id, NULL, NULL))
    return NULL;
  return g_strstrip (id);
}

/* Whether a first fill left its mark in another boot (or one that cannot
 * be told): the system stopped while writes were not synced. */
static gboolean
fill_cut_short (sqlite3 *sqlite)
{
  g_autofree char *boot = tcia_catalogue_boot_id ();
  sqlite3_stmt *stmt = NULL;
  gboolean cut = FALSE;

  if (sqlite3_prepare_v2 (sqlite, "SELECT value FROM meta WHERE key = 'filling'", -1, &stmt,
                          NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    cut = boot == NULL || g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), boot) != 0;
  sqlite3_finalize (stmt);

  return cut;
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
  if (fill_cut_short (sqlite))
    return "incomplete";

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
  /* By address: hashing the text of a long INSERT at every row was a
   * twentieth of a sync. */
  db->statements = g_hash_table_new (NULL, NULL);
  db->string_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  db->id_strings = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  db->collection_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  placements_init ();
  db->last_values = g_new0 (const char *, n_placements);
  db->last_ids = g_new0 (gint64, n_placements);
  db->text = g_string_sized_new (256);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, TCIA_CATALOGUE_ERROR, TCIA_CATALOGUE_ERROR_DATABASE,
                   _("The local catalogue %s could not be opened: %s"),
                   path, sqlite3_errstr (rc));
      tcia_catalogue_db_free (db);
      return NULL;
    }
  sqlite3_busy_timeout (db->sqlite, TCIA_CATALOGUE_DB_BUSY_TIMEOUT_MS);
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
       * merged) go back to the file system afterwards. Pages of 16 KiB:
       * a first sync writes a quarter as many (each a frame of the log
       * and a page of the checkpoint), a tenth less work, searches as
       * fast. Both only possible on a file without tables, outside a
       * transaction. Then the log, before the schema: it goes in with
       * one commit to the log, not three to a rollback journal. None of
       * it synced: a new file has nothing to lose, one cut short is
       * rebuilt when next opened (check_file), and the first sync of a
       * new file cost up to 40 ms (the file system's journal committing
       * the new files) before a sync asked for anything; what is written
       * next is synced as ever. */
      if (!tcia_catalogue_db_exec (db, "PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY;"
                                   " PRAGMA page_size = 16384;"
                                   " PRAGMA auto_vacuum = INCREMENTAL;"
                                   " PRAGMA journal_mode = WAL",
                                   error) ||
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
  /* temp_store: a delete fires the trigger of the text index, so SQLite
   * keeps a statement journal for it; in a file, that is a write system
   * call per page touched. */
  if (!tcia_catalogue_db_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                               "PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY;", error))
    return NULL;

  return g_steal_pointer (&db);
}
