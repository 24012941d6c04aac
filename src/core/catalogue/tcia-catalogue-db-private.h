/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "tcia-catalogue-db.h"
#include "tcia-catalogue-words.h"
#include "tcia-records-private.h"

G_BEGIN_DECLS

/* What tcia-catalogue-db.c (schema, writing) and tcia-catalogue-read.c
 * (reading) share. */

typedef enum
{
  TABLE_SERIES,
  TABLE_STUDY,
  TABLE_PATIENT,
} TableKind;

typedef enum
{
  STORE_UID,        /* packed BLOB (see tcia_catalogue_pack_uid), TEXT when not a UID */
  STORE_TEXT,       /* as is */
  STORE_INTERNED,   /* an id of the strings table */
  STORE_DATE,       /* INTEGER yyyymmdd, TEXT when not an ISO date */
  STORE_INT,
  STORE_COLLECTION, /* the collections table */
  STORE_PATIENT_ID, /* patients.patient_id */
  STORE_PATIENT_NAME, /* TEXT, or 1 for "the same as the patient ID" */
} StoreKind;

typedef struct
{
  TableKind  table;
  StoreKind  store;
  char      *column;     /* "series_description" */
} Placement;

/* The placements of TciaSeries' fields, in field order. */
const Placement *tcia_catalogue_placements (void);
guint            tcia_catalogue_n_placements (void);

struct _TciaCatalogueDb
{
  sqlite3      *sqlite;
  GHashTable   *string_ids;    /* interned string -> id, while writing */
  GHashTable   *id_strings;    /* id -> string, while reading */
  GHashTable   *collection_ids; /* name -> id */
  gint64        last_patient;  /* the patient of the last series put */
  gint64        last_patient_collection;
  char         *last_patient_key;
  gint64        last_study;
  char         *last_study_uid;
  char         *last_study_description; /* the study row's, for the text index */
  const char  **last_values;   /* per placement: the value last interned (a key of
                                * string_ids), and its id */
  gint64       *last_ids;      /* (rows in a row share most: a comparison beats a hash) */
  GString      *text;          /* the words of the series being put */
  GHashTable   *statements;    /* SQL -> sqlite3_stmt, prepared once */
  gboolean      has_vocabulary; /* temp.search_vocabulary made */
  TciaCatalogueWords *words;   /* during a first fill: where the words go */
  gboolean      fill_clean;    /* the last fill: from no series, none removed */
};

/* How long a connection waits for another's write transaction. */
#define TCIA_CATALOGUE_DB_BUSY_TIMEOUT_MS 10000

/* A statement prepared once per connection, reset and with no bindings.
 * Known by the address of @sql: a string that lives as long as the
 * program (a literal). */
sqlite3_stmt *tcia_catalogue_db_statement  (TciaCatalogueDb  *db,
                                            const char       *sql,
                                            GError          **error);
/* The same with the last step's bindings kept, for a statement whose
 * every parameter is bound again before each step: the INSERTs of rows,
 * for which clearing them cost a sixth of binding them. */
sqlite3_stmt *tcia_catalogue_db_statement_all_bound (TciaCatalogueDb  *db,
                                            const char       *sql,
                                            GError          **error);
gboolean      tcia_catalogue_db_fail       (TciaCatalogueDb  *db,
                                            GError          **error,
                                            const char       *what);
/* Forgets the ids cached for writing and reading (after a rollback). */
void          tcia_catalogue_db_clear_caches (TciaCatalogueDb *db);
gboolean      tcia_catalogue_db_exec       (TciaCatalogueDb  *db,
                                            const char       *sql,
                                            GError          **error);
/* Steps @stmt and resets it; FALSE (and @error) when it failed. */
gboolean      tcia_catalogue_db_step_done  (TciaCatalogueDb  *db,
                                            sqlite3_stmt     *stmt,
                                            GError          **error);
/* Steps an INSERT: the id it made (RETURNING's, else the last row's), or
 * 0 (and @error). */
gint64        tcia_catalogue_db_step_id    (TciaCatalogueDb  *db,
                                            sqlite3_stmt     *stmt,
                                            GError          **error);
/* Steps the INSERT of a row that is new unless a unique key of it is
 * taken: its id, -1 when the key is taken, or 0 (and @error). */
gint64        tcia_catalogue_db_step_new   (TciaCatalogueDb  *db,
                                            sqlite3_stmt     *stmt,
                                            GError          **error);
/* The id of collection @name, its row made when there is none; 0 on error. */
gint64        tcia_catalogue_db_collection_id (TciaCatalogueDb  *db,
                                               const char       *name,
                                               GError          **error);
/* This boot of the system ("/proc/sys/kernel/random/boot_id"), or NULL
 * when unknown: a fill's mark says in which boot it was left. */
char         *tcia_catalogue_boot_id       (void);
/* CREATE INDEX IF NOT EXISTS of every secondary index. */
const char   *tcia_catalogue_db_index_sql  (void);

/* A UID ("1.2.840...") four bits a character, so that it takes half the
 * room in the table and its index and sorts as the text would: '.' is 1,
 * '0'..'9' are 2..11, 0 pads. NULL when @uid is not digits and dots. */
GBytes       *tcia_catalogue_pack_uid      (const char       *uid,
                                            gsize             len);
char         *tcia_catalogue_unpack_uid    (const guint8     *data,
                                            gsize             len);
/* The BLOB range [*lo, *hi) of the packed UIDs that start with @prefix. */
gboolean      tcia_catalogue_uid_range     (const char       *prefix,
                                            GBytes          **lo,
                                            GBytes          **hi);

void          tcia_catalogue_bind_uid      (sqlite3_stmt     *stmt,
                                            int               index,
                                            const char       *uid);
/* Room for a packed UID. */
typedef struct
{
  guint8 data[64];
} TciaPackedUid;
/* The same without copies, for the rows a sync puts: @uid and @packed
 * must stay as they are until the statement is stepped. */
void          tcia_catalogue_bind_uid_in   (sqlite3_stmt     *stmt,
                                            int               index,
                                            const char       *uid,
                                            TciaPackedUid    *packed);
/* The UID in @column of the row, packed or not. */
char         *tcia_catalogue_column_uid    (sqlite3_stmt     *stmt,
                                            int               column);

/* The text index's columns and options, after "USING fts5" (see
 * create_sql). Contentless and without positions: the smallest index that
 * answers "rows with words starting so". The prefix indexes make the
 * first keystrokes of a search as fast as the last (about 26 bytes a
 * series): without them "s" merges the lists of every word starting
 * with s. */
#define TCIA_CATALOGUE_SEARCH_ARGS \
  "(text, content='', detail=none, columnsize=0," \
  " tokenize=\"unicode61 remove_diacritics 2 tokenchars '.'\", prefix='1 2 3')"

/* U+E000, of the Private Use Area: the text index takes it as a letter,
 * and a search splits typed words at it, so a word of the index that
 * starts with it is never found by what a person types. */
#define TCIA_CATALOGUE_FACET_MARK "\xee\x80\x80"

/* ---- Conditions (tcia-catalogue-query.c) ---- */

typedef enum
{
  BIND_TEXT,
  BIND_BLOB,   /* GBytes */
  BIND_UID,    /* text packed as the column is */
} BindKind;

typedef struct
{
  GString   *where;     /* " AND ..." */
  GPtrArray *texts;     /* bound in order: char * or GBytes * */
  GArray    *is_blob;   /* of BindKind */
  char      *match;     /* the FTS5 query, or NULL */
} Conditions;

/* The filters of @query (but the facet of @skip_kind, or -1) and the words
 * of @text (NULL: none) as conditions on "series s" and an FTS5 query. */
void          tcia_catalogue_conditions_init        (Conditions       *c,
                                                     TciaCatalogueDb  *db,
                                                     const TciaQuery  *query,
                                                     int               skip_kind,
                                                     const char       *text);
/* Binds the FTS query (first, when there is one) then the conditions. */
void          tcia_catalogue_conditions_bind        (Conditions       *c,
                                                     sqlite3_stmt     *stmt);
void          tcia_catalogue_conditions_free_values (Conditions       *c);
void          tcia_catalogue_conditions_clear       (Conditions       *c);

G_END_DECLS
