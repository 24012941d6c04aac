/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <string.h>

#include "fake-nbia.h"
#include "fake-nbia-private.h"

/* What changes in the archive while the server runs, for tests of a client
 * that keeps a copy: series withdrawn, collections hidden (and so "added"
 * when shown again), series released again on a later day. The archive
 * itself stays as generated; listings consult these. */

struct _FakeChanges
{
  GRWLock     lock;
  gint        any;         /* atomic: whether any change was made */
  guint       generation;  /* atomic: bumped at each change (for the body cache) */
  GHashTable *withdrawn;   /* series index + 1 */
  GHashTable *hidden;      /* collection index + 1 */
  GHashTable *released;    /* series index + 1 -> day + 1 */
};

FakeChanges *
fake_changes_new (void)
{
  FakeChanges *changes = g_new0 (FakeChanges, 1);

  g_rw_lock_init (&changes->lock);
  changes->withdrawn = g_hash_table_new (NULL, NULL);
  changes->hidden = g_hash_table_new (NULL, NULL);
  changes->released = g_hash_table_new (NULL, NULL);
  return changes;
}

void
fake_changes_free (FakeChanges *changes)
{
  if (changes == NULL)
    return;
  g_hash_table_unref (changes->withdrawn);
  g_hash_table_unref (changes->hidden);
  g_hash_table_unref (changes->released);
  g_rw_lock_clear (&changes->lock);
  g_free (changes);
}

guint
fake_changes_generation (const FakeArchive *a)
{
  return a->changes != NULL ? (guint) g_atomic_int_get (&a->changes->generation) : 0;
}

static gboolean
lookup (FakeChanges *changes,
        GHashTable  *table,
        guint32      index,
        gpointer    *value)
{
  gboolean found;

  if (changes == NULL || !g_atomic_int_get (&changes->any))
    return FALSE;
  g_rw_lock_reader_lock (&changes->lock);
  found = g_hash_table_lookup_extended (table, GUINT_TO_POINTER (index + 1), NULL, value);
  g_rw_lock_reader_unlock (&changes->lock);
  return found;
}

gboolean
fake_changes_collection_hidden (const FakeArchive *a,
                                guint32            collection)
{
  return a->changes != NULL && lookup (a->changes, a->changes->hidden, collection, NULL);
}

gboolean
fake_changes_series_hidden (const FakeArchive *a,
                            guint32            series)
{
  const FakeStudy *study = fake_series_study (a, series);

  return a->changes != NULL &&
         (lookup (a->changes, a->changes->withdrawn, series, NULL) ||
          fake_changes_collection_hidden (a, a->patients[study->patient].collection));
}

gint32
fake_changes_released_day (const FakeArchive *a,
                           guint32            series)
{
  gpointer day;

  if (a->changes != NULL && lookup (a->changes, a->changes->released, series, &day))
    return GPOINTER_TO_INT (day) - 1;
  return fake_series_patient (a, series)->released_day;
}

static void
change (FakeChanges *changes,
        GHashTable  *table,
        guint32      index,
        gboolean     add,
        gint         value)
{
  g_rw_lock_writer_lock (&changes->lock);
  if (add)
    g_hash_table_insert (table, GUINT_TO_POINTER (index + 1), GINT_TO_POINTER (value));
  else
    g_hash_table_remove (table, GUINT_TO_POINTER (index + 1));
  g_atomic_int_set (&changes->any, 1);
  g_atomic_int_inc (&changes->generation);
  g_rw_lock_writer_unlock (&changes->lock);
}

void
fake_changes_withdraw (FakeArchive *a,
                       guint32      series)
{
  change (a->changes, a->changes->withdrawn, series, TRUE, 1);
}

void
fake_changes_set_hidden (FakeArchive *a,
                         guint32      collection,
                         gboolean     hidden)
{
  change (a->changes, a->changes->hidden, collection, hidden, 1);
}

void
fake_changes_release (FakeArchive *a,
                      guint32      series,
                      gint32       day)
{
  change (a->changes, a->changes->released, series, TRUE, day + 1);
}
