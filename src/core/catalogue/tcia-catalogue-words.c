/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#ifdef __linux__
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "tcia-catalogue-db-private.h"
#include "tcia-catalogue-words.h"

/* The writer hands rows over a few hundred at a time (a lock a row would
 * cost more than it saves), and waits when this many are queued: the
 * thread may lag behind the writer by about 100,000 rows (some 15 MB of
 * words, see words_thread_lower_priority), not by the whole archive. */
#define CHUNK_ROWS       256
#define QUEUE_MAX_CHUNKS 400

/* The copy keeps the words in memory until they take this many bytes
 * (then writes them as a segment), rather than until they take a MiB, and
 * is not merged as it grows: publishing merges it once. */
#define HASH_SIZE 67108864

/* While a fill runs the catalogue's text index is replaced by what the
 * copy holds at most this often (a copy of the whole index, which the
 * writer waits for if it wants to write meanwhile): a first sync from a
 * slow server takes many minutes, and searches by text find nothing
 * until the index is published. A sync of a second never publishes
 * before its end. Tests shorten it. */
static gint publish_interval_ms = TCIA_CATALOGUE_WORDS_PUBLISH_INTERVAL_MS;

typedef enum
{
  CHUNK_WORDS,
  CHUNK_COMMIT,
  CHUNK_ROLLBACK,
  CHUNK_PREPARE,
  CHUNK_PUBLISH,
  CHUNK_STOP,
} ChunkKind;

typedef struct
{
  gint64   id;
  gsize    offset;   /* in the chunk's text */
  gsize    len;
  gboolean remove;
} Op;

typedef struct
{
  ChunkKind  kind;
  GArray    *ops;    /* of Op */
  GString   *text;
} Chunk;

struct _TciaCatalogueWords
{
  TciaCatalogueDb *db;         /* the thread's connection */
  GThread         *thread;
  Chunk           *filling;    /* the writer's, not handed over yet */

  GMutex           lock;       /* guards what follows */
  GCond            cond;
  GQueue           queue;      /* of Chunk */
  guint            n_queued;   /* CHUNK_WORDS in the queue */
  guint            published;  /* CHUNK_PUBLISH done */
  gint             writing;    /* (atomic) the writer is in a transaction */
  GError          *error;      /* the thread's first failure */
};

static Chunk *
chunk_new (ChunkKind kind)
{
  Chunk *chunk = g_new0 (Chunk, 1);

  chunk->kind = kind;
  if (kind == CHUNK_WORDS)
    {
      chunk->ops = g_array_sized_new (FALSE, FALSE, sizeof (Op), CHUNK_ROWS);
      chunk->text = g_string_sized_new (CHUNK_ROWS * 128);
    }

  return chunk;
}

static void
chunk_free (gpointer data)
{
  Chunk *chunk = data;

  if (chunk->ops != NULL)
    g_array_unref (chunk->ops);
  if (chunk->text != NULL)
    g_string_free (chunk->text, TRUE);
  g_free (chunk);
}

/* ---- The thread ---- */

static gboolean
index_chunk (TciaCatalogueDb  *db,
             Chunk            *chunk,
             GError          **error)
{
  for (guint i = 0; i < chunk->ops->len; i++)
    {
      const Op *op = &g_array_index (chunk->ops, Op, i);
      sqlite3_stmt *stmt = tcia_catalogue_db_statement (db, op->remove
        ? "INSERT INTO fill.search (search, rowid, text) VALUES ('delete', ?1, ?2)"
        : "INSERT INTO fill.search (rowid, text) VALUES (?1, ?2)", error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, op->id);
      sqlite3_bind_text (stmt, 2, chunk->text->str + op->offset, (int) op->len, SQLITE_STATIC);
      if (!tcia_catalogue_db_step_done (db, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/* After a rollback of the writer, the copy holds words of rows that are
 * not stored: it is made again from the rows that are. */
static gboolean
rebuild (TciaCatalogueDb  *db,
         GError          **error)
{
  return tcia_catalogue_db_exec (db,
    "INSERT INTO fill.search (search) VALUES ('delete-all');"
    "INSERT INTO fill.search (rowid, text) SELECT id, text FROM main.series_text;", error);
}

#define PUBLISH_SQL \
  "DELETE FROM main.search_data; DELETE FROM main.search_idx;" \
  "INSERT INTO main.search_data (id, block) SELECT id, block FROM fill.search_data;" \
  "INSERT INTO main.search_idx (segid, term, pgno)" \
  " SELECT segid, term, pgno FROM fill.search_idx;"

/* The catalogue's text index made the copy's: its shadow tables (the
 * segments, their structure and the term index) replaced whole. The
 * other connections see a new data version and read the structure again. */
static gboolean
publish_copy (TciaCatalogueDb  *db,
              GError          **error)
{
  if (!tcia_catalogue_db_begin (db, error))
    return FALSE;
  if (!tcia_catalogue_db_exec (db, PUBLISH_SQL, error))
    {
      tcia_catalogue_db_rollback (db);
      return FALSE;
    }

  return tcia_catalogue_db_commit (db, error);
}

typedef struct
{
  gboolean open;     /* the copy's transaction */
  gboolean pending;  /* words indexed since the writer's last commit */
  gboolean stale;    /* words of rows rolled back indexed */
  gboolean ready;    /* committed and merged, to publish */
  gint64   published_at; /* the last publishing (or attempt) during the fill */
} State;

/* Ends the copy's transaction (the words of the writer's commits in it)
 * and merges its segments, which needs no lock on the catalogue. */
static void
prepare (TciaCatalogueDb  *db,
         State            *state,
         GError          **error)
{
  if (state->ready)
    return;
  if (state->open && (state->stale || *error != NULL))
    tcia_catalogue_db_rollback (db);
  else if (state->open)
    tcia_catalogue_db_commit (db, error);
  state->open = FALSE;
  if (*error == NULL && state->stale)
    rebuild (db, error);
  state->stale = FALSE;
  if (*error == NULL)
    tcia_catalogue_db_exec (db, "INSERT INTO fill.search (search) VALUES ('optimize')", error);
  state->ready = TRUE;
}

/* During the fill, right after a commit of the writer that the thread has
 * caught up with (the copy holds the words of what is committed, no
 * more): the copy's words replace the catalogue's text index, when the
 * writer holds no transaction. A writer in a transaction is not waited
 * for (the lock is tried once): the next commit tries again. */
static void
publish_meanwhile (TciaCatalogueWords *words,
                   State              *state)
{
  TciaCatalogueDb *db = words->db;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_monotonic_time ();
  gboolean caught_up;
  int rc;

  if (state->stale || state->pending || state->ready ||
      now - state->published_at <
        (gint64) g_atomic_int_get (&publish_interval_ms) * 1000 ||
      g_atomic_int_get (&words->writing))
    return;
  g_mutex_lock (&words->lock);
  caught_up = g_queue_is_empty (&words->queue);
  g_mutex_unlock (&words->lock);
  if (!caught_up)
    return;

  /* Tried once an interval, as each try writes the words held in memory
   * as one more segment. */
  state->published_at = now;
  /* The index's words held in memory reach its tables with a commit. */
  if (state->open && !tcia_catalogue_db_exec (db, "COMMIT", &error))
    {
      g_debug ("The fill's words could not be published yet: %s", error->message);
      tcia_catalogue_db_rollback (db);
      state->open = FALSE;
      state->stale = TRUE;
      return;
    }
  state->open = FALSE;
  sqlite3_busy_timeout (db->sqlite, 0);
  rc = sqlite3_exec (db->sqlite, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  sqlite3_busy_timeout (db->sqlite, TCIA_CATALOGUE_DB_BUSY_TIMEOUT_MS);
  if (rc != SQLITE_OK)
    return;  /* the writer is in a transaction */
  if (!tcia_catalogue_db_exec (db, PUBLISH_SQL, &error) ||
      !tcia_catalogue_db_exec (db, "COMMIT", &error))
    {
      /* Not the fill's failure: its end publishes again. */
      g_debug ("The fill's words could not be published yet: %s", error->message);
      tcia_catalogue_db_rollback (db);
      return;
    }
  /* What the writer may have waited for. */
  g_debug ("The fill's words published in %" G_GINT64_FORMAT " ms",
           (g_get_monotonic_time () - now) / 1000);
}

/* The words are wanted at the fill's end, the rows as they come: on a
 * machine with fewer cores than the sync has busy threads (the reader of
 * the bodies, the writer, this one), this one gives way. It catches up
 * when the listing is over, while the writer makes the facet indexes
 * (which take one core): a first sync from a fast server was a tenth
 * shorter on two cores. From a slow server it keeps up anyway. On Linux
 * a thread's niceness is its own. */
static void
words_thread_lower_priority (void)
{
#ifdef __linux__
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10) != 0)
    g_debug ("The words' thread keeps its priority: %s", g_strerror (errno));
#endif
}

/* The copy's transaction is not the writer's: it stays open from the
 * first words to the publishing, as committing (like a savepoint) makes
 * the index write the words it holds as a segment, to merge again later,
 * and the writer commits often when the server is slow (a publishing
 * during the fill commits it, once an interval). A rollback of
 * the writer, rare (a failure), is made good by a rebuild. */
static gpointer
words_thread (gpointer data)
{
  TciaCatalogueWords *words = data;
  TciaCatalogueDb *db = words->db;
  g_autoptr(GError) error = NULL;
  State state = { FALSE, FALSE, FALSE, FALSE, g_get_monotonic_time () };

  words_thread_lower_priority ();

  for (;;)
    {
      Chunk *chunk;

      g_mutex_lock (&words->lock);
      while (g_queue_is_empty (&words->queue))
        g_cond_wait (&words->cond, &words->lock);
      chunk = g_queue_pop_head (&words->queue);
      if (chunk->kind == CHUNK_WORDS)
        words->n_queued--;
      g_cond_broadcast (&words->cond);
      g_mutex_unlock (&words->lock);

      /* After a failure nothing is indexed any more: publishing fails. */
      switch (chunk->kind)
        {
        case CHUNK_WORDS:
          state.ready = FALSE;
          if (error == NULL && !state.stale && !state.open)
            state.open = tcia_catalogue_db_exec (db, "BEGIN", &error);
          if (error == NULL && !state.stale)
            index_chunk (db, chunk, &error);
          state.pending = TRUE;
          break;
        case CHUNK_COMMIT:
          state.pending = FALSE;
          /* What the writer committed, copied into the file and synced
           * while the writer goes on (it does not wait for a checkpoint
           * that does not block it). */
          sqlite3_wal_checkpoint_v2 (db->sqlite, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
          if (error == NULL)
            publish_meanwhile (words, &state);
          break;
        case CHUNK_ROLLBACK:
          state.stale = state.stale || state.pending;
          state.ready = state.ready && !state.stale;
          state.pending = FALSE;
          break;
        case CHUNK_PREPARE:
          prepare (db, &state, &error);
          break;
        case CHUNK_PUBLISH:
          prepare (db, &state, &error);
          if (error == NULL)
            publish_copy (db, &error);
          g_mutex_lock (&words->lock);
          if (error != NULL && words->error == NULL)
            words->error = g_error_copy (error);
          words->published++;
          g_cond_broadcast (&words->cond);
          g_mutex_unlock (&words->lock);
          break;
        case CHUNK_STOP:
        default:
          if (state.open)
            tcia_catalogue_db_rollback (db);
          chunk_free (chunk);
          return NULL;
        }
      chunk_free (chunk);
    }
}

/* ---- The writer's side ---- */

static void
push (TciaCatalogueWords *words,
      Chunk              *chunk)
{
  g_mutex_lock (&words->lock);
  while (chunk->kind == CHUNK_WORDS && words->n_queued >= QUEUE_MAX_CHUNKS)
    g_cond_wait (&words->cond, &words->lock);
  g_queue_push_tail (&words->queue, chunk);
  if (chunk->kind == CHUNK_WORDS)
    words->n_queued++;
  g_cond_broadcast (&words->cond);
  g_mutex_unlock (&words->lock);
}

static void
flush (TciaCatalogueWords *words)
{
  if (words->filling != NULL)
    push (words, g_steal_pointer (&words->filling));
}

void
tcia_catalogue_words_put (TciaCatalogueWords *words,
                          gint64              id,
                          const char         *text,
                          gsize               len,
                          gboolean            remove)
{
  Op op = { id, 0, len, remove };

  if (words->filling == NULL)
    words->filling = chunk_new (CHUNK_WORDS);
  op.offset = words->filling->text->len;
  g_string_append_len (words->filling->text, text, (gssize) len);
  g_array_append_val (words->filling->ops, op);
  if (words->filling->ops->len >= CHUNK_ROWS)
    flush (words);
}

TciaCatalogueWords *
tcia_catalogue_words_start (const char  *path,
                            GError     **error)
{
  g_autoptr(TciaCatalogueDb) db = tcia_catalogue_db_open (path, FALSE, NULL, error);
  TciaCatalogueWords *words;

  if (db == NULL)
    return NULL;
  /* Its checkpoints are its own (see CHUNK_COMMIT), not after its
   * commit, the copy. */
  if (!tcia_catalogue_db_exec (db,
        "PRAGMA wal_autocheckpoint = 0;"
        "ATTACH ':memory:' AS fill;"
        "CREATE VIRTUAL TABLE fill.search USING fts5 " TCIA_CATALOGUE_SEARCH_ARGS ";"
        "INSERT INTO fill.search (search, rank) VALUES ('automerge', 0);"
        "INSERT INTO fill.search (search, rank) VALUES ('hashsize', " G_STRINGIFY (HASH_SIZE) ");",
        error))
    return NULL;

  words = g_new0 (TciaCatalogueWords, 1);
  words->db = g_steal_pointer (&db);
  g_mutex_init (&words->lock);
  g_cond_init (&words->cond);
  g_queue_init (&words->queue);
  words->thread = g_thread_new ("tcia-catalogue-words", words_thread, words);

  return words;
}

void
tcia_catalogue_words_begin (TciaCatalogueWords *words)
{
  g_atomic_int_set (&words->writing, TRUE);
}

void
tcia_catalogue_words_commit (TciaCatalogueWords *words)
{
  g_atomic_int_set (&words->writing, FALSE);
  flush (words);
  push (words, chunk_new (CHUNK_COMMIT));
}

void
tcia_catalogue_words_rollback (TciaCatalogueWords *words)
{
  g_atomic_int_set (&words->writing, FALSE);
  g_clear_pointer (&words->filling, chunk_free);
  push (words, chunk_new (CHUNK_ROLLBACK));
}

void
tcia_catalogue_words_prepare (TciaCatalogueWords *words)
{
  tcia_catalogue_words_rollback (words);
  push (words, chunk_new (CHUNK_PREPARE));
}

gboolean
tcia_catalogue_words_publish (TciaCatalogueWords  *words,
                              GError             **error)
{
  guint target;
  gboolean ok;

  /* Anything not committed is not the writer's any more. */
  tcia_catalogue_words_rollback (words);
  g_mutex_lock (&words->lock);
  target = words->published + 1;
  g_mutex_unlock (&words->lock);
  push (words, chunk_new (CHUNK_PUBLISH));

  g_mutex_lock (&words->lock);
  while (words->published < target)
    g_cond_wait (&words->cond, &words->lock);
  ok = words->error == NULL;
  if (!ok)
    g_propagate_error (error, g_error_copy (words->error));
  g_mutex_unlock (&words->lock);

  return ok;
}

void
tcia_catalogue_words_set_publish_interval (guint interval_ms)
{
  g_atomic_int_set (&publish_interval_ms, (gint) MIN (interval_ms, G_MAXINT));
}

void
tcia_catalogue_words_free (TciaCatalogueWords *words)
{
  if (words == NULL)
    return;

  g_clear_pointer (&words->filling, chunk_free);
  push (words, chunk_new (CHUNK_STOP));
  g_thread_join (words->thread);
  g_queue_clear_full (&words->queue, chunk_free);
  tcia_catalogue_db_free (words->db);
  g_clear_error (&words->error);
  g_mutex_clear (&words->lock);
  g_cond_clear (&words->cond);
  g_free (words);
}
