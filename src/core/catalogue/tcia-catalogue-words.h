/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The text index of a first fill, built in a thread of its own.
 *
 * Indexing a row's words is a quarter of what the writer of a sync does,
 * and the writer is what a first sync waits for. During a fill the words
 * go to this thread instead, which indexes them in an in-memory copy of
 * the table `search` on a connection of its own; publishing copies that
 * index over the catalogue's (its shadow tables, whole), at the fill's
 * end and, so that a long fill can be searched as it goes, every so
 * often while it runs. The copy follows
 * the writer's transactions: what the writer commits it commits, what the
 * writer rolls back it drops. While a fill runs (its mark in meta), the
 * catalogue's own index is not kept up to date (its trigger waits for the
 * mark to go) and a fill that resumes indexes the rows already stored
 * again, so a kill at any point leaves nothing to trust that is wrong. */

typedef struct _TciaCatalogueWords TciaCatalogueWords;

/* While the fill runs, what is committed is published at most this often
 * (and only between the writer's transactions), so that a first sync of
 * many minutes can be searched by text as it goes. Against a slow server
 * that is about once per collection; a quit (which does not wait for the
 * fill) loses at most this much of the index until the fill resumes. A
 * publish copies the whole index, 30-50 ms at 100,000 series, in the
 * words' thread; a first sync from a fast server is over before one. */
#define TCIA_CATALOGUE_WORDS_PUBLISH_INTERVAL_MS 2000

/* Opens a connection to the catalogue at @path and starts the thread. */
TciaCatalogueWords *tcia_catalogue_words_start    (const char          *path,
                                                   GError             **error);
/* Row @id has the words @text (of @len bytes), or had them (@remove). */
void                tcia_catalogue_words_put      (TciaCatalogueWords  *words,
                                                   gint64               id,
                                                   const char          *text,
                                                   gsize                len,
                                                   gboolean             remove);
/* The writer is about to begin a transaction (nothing is published
 * until it ends), then committed (or rolled back) what it handed over
 * since the last of these. */
void                tcia_catalogue_words_begin    (TciaCatalogueWords  *words);
void                tcia_catalogue_words_commit   (TciaCatalogueWords  *words);
void                tcia_catalogue_words_rollback (TciaCatalogueWords  *words);
/* Has the words committed so far indexed and merged, without waiting:
 * what the catalogue's connections may do meanwhile. Anything not
 * committed is dropped, as by a rollback. */
void                tcia_catalogue_words_prepare  (TciaCatalogueWords  *words);
/* Waits for the words committed so far to be indexed, then replaces the
 * catalogue's text index with them, in one transaction of the thread's
 * connection: the caller must hold no transaction open. */
gboolean            tcia_catalogue_words_publish  (TciaCatalogueWords  *words,
                                                   GError             **error);
/* For tests: the fills started after this publish at most every
 * @interval_ms (TCIA_CATALOGUE_WORDS_PUBLISH_INTERVAL_MS otherwise). */
void                tcia_catalogue_words_set_publish_interval (guint interval_ms);
/* Stops the thread (dropping what was not published) and frees @words. */
void                tcia_catalogue_words_free     (TciaCatalogueWords  *words);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaCatalogueWords, tcia_catalogue_words_free)

G_END_DECLS
