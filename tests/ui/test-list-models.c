/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The models under the Browse page's series list: TciaSearchModel (the
 * search as you type) and TciaRowModel (stable rows over a selection). */
#include "config.h"

#include <stdio.h>

#include <adwaita.h>

#define TIMEOUT_S 20
#include "test-util.h"
#include "tcia-row-model.h"
#include "tcia-search-model.h"
#include "tcia-records-private.h"
#include "tcia-series.h"
#include "tcia-series-cell.h"
#include "tcia-series-view.h"

static TciaSeries *
series_new (const char *patient,
            const char *description,
            guint64     bytes)
{
  g_autofree char *uid = g_strdup_printf ("1.2.3.%s", patient);
  g_autofree char *bytes_text = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes);
  const char *keys[] = { "PatientID", "SeriesDescription", "SeriesInstanceUID", "FileSize" };
  const char *values[] = { patient, description, uid, bytes_text };

  return tcia_series_new_from_fields (keys, values, G_N_ELEMENTS (keys));
}

static GListStore *
store_new (void)
{
  GListStore *store = g_list_store_new (TCIA_TYPE_SERIES);
  struct { const char *patient, *description; guint64 bytes; } rows[] = {
    { "LUNG-001", "CT Chest", 100 },
    { "LUNG-002", "PET Whole Body", 200 },
    { "Brain-003", "MR T1 Axial", 400 },
    { "brain-004", "MR FLAIR", 800 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(TciaSeries) series = series_new (rows[i].patient, rows[i].description,
                                                 rows[i].bytes);

      g_list_store_append (store, series);
    }

  return store;
}

static const char *
patient_at (GListModel *model,
            guint       position)
{
  g_autoptr(TciaSeries) series = g_list_model_get_item (model, position);

  return tcia_series_get_patient_id (series);
}

typedef struct
{
  guint position, removed, added, count;
} Change;

static void
changed_cb (GListModel *model,
            guint       position,
            guint       removed,
            guint       added,
            Change     *change)
{
  change->position = position;
  change->removed = removed;
  change->added = added;
  change->count++;
}

static void
test_search_substring (void)
{
  g_autoptr(GListStore) store = store_new ();
  g_autoptr(TciaSearchModel) search = tcia_search_model_new ();
  GListModel *model = G_LIST_MODEL (search);

  tcia_search_model_set_model (search, G_LIST_MODEL (store));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);
  g_assert_cmpuint (tcia_search_model_get_total_bytes (search), ==, 1500);
  g_assert_cmpuint (tcia_search_model_get_shown_bytes (search), ==, 1500);

  /* Any case, any field, blanks around ignored. */
  tcia_search_model_set_text (search, "  BRAIN ");
  g_assert_cmpstr (tcia_search_model_get_text (search), ==, "brain");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_cmpstr (patient_at (model, 0), ==, "Brain-003");
  g_assert_cmpstr (patient_at (model, 1), ==, "brain-004");
  g_assert_cmpuint (tcia_search_model_get_shown_bytes (search), ==, 1200);

  tcia_search_model_set_text (search, "flair");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpuint (tcia_search_model_get_shown_bytes (search), ==, 800);

  /* A UID matches too; a text across two fields does not. */
  tcia_search_model_set_text (search, "1.2.3.lung-002");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  tcia_search_model_set_text (search, "chest lung");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_cmpuint (tcia_search_model_get_shown_bytes (search), ==, 0);

  tcia_search_model_set_text (search, "");
  g_assert_null (tcia_search_model_get_text (search));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);
  g_assert_cmpuint (tcia_search_model_get_shown_bytes (search), ==, 1500);

  g_assert_finalize_object (g_steal_pointer (&search));
}

/* Typing on, the rows kept are found two ways: by looking again at each
 * row the shorter text kept, or, when it kept many, by searching every
 * row again. Both must give the rows (in order) and bytes a plain look at
 * every row gives, whichever way each key took. */
static void
test_search_narrowing (void)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(TciaSearchModel) search = tcia_search_model_new ();
  GListModel *model = G_LIST_MODEL (search);
  /* Each keeps fewer: all 400, 100, 10, 1; then a text that is not
   * longer, and typing on from it. */
  const char *typed[] = { "p", "p-1", "p-12", "p-123", "-2", "-23", "-230", "x" };

  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *patient = g_strdup_printf ("P-%03u", i);
      g_autoptr(TciaSeries) series = series_new (patient, "CT", i + 1);

      g_list_store_append (store, series);
    }
  tcia_search_model_set_model (search, G_LIST_MODEL (store));

  for (guint t = 0; t < G_N_ELEMENTS (typed); t++)
    {
      guint n = 0;
      guint64 bytes = 0;

      tcia_search_model_set_text (search, typed[t]);
      for (guint i = 0; i < 400; i++)
        {
          g_autofree char *patient = g_ascii_strdown (patient_at (G_LIST_MODEL (store), i), -1);

          if (strstr (patient, typed[t]) == NULL)
            continue;
          g_assert_cmpuint (n, <, g_list_model_get_n_items (model));
          g_assert_cmpstr (patient_at (model, n), ==, patient_at (G_LIST_MODEL (store), i));
          bytes += i + 1;
          n++;
        }
      g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
      g_assert_cmpuint (tcia_search_model_get_shown_bytes (search), ==, bytes);
    }

  g_assert_finalize_object (g_steal_pointer (&search));
}

static void
test_search_changes (void)
{
  g_autoptr(GListStore) store = store_new ();
  g_autoptr(TciaSearchModel) search = tcia_search_model_new ();
  GListModel *model = G_LIST_MODEL (search);
  g_autoptr(TciaSeries) more = series_new ("LUNG-005", "CT", 1000);
  Change change = { 0 };

  tcia_search_model_set_model (search, G_LIST_MODEL (store));
  g_signal_connect (search, "items-changed", G_CALLBACK (changed_cb), &change);

  /* Only what differs is reported: here the two brain rows at the end go. */
  tcia_search_model_set_text (search, "lung");
  g_assert_cmpuint (change.count, ==, 1);
  g_assert_cmpuint (change.position, ==, 2);
  g_assert_cmpuint (change.removed, ==, 2);
  g_assert_cmpuint (change.added, ==, 0);

  /* A row arriving while searching is searched. */
  g_list_store_append (store, more);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpstr (patient_at (model, 2), ==, "LUNG-005");
  g_assert_cmpuint (tcia_search_model_get_total_bytes (search), ==, 2500);
  g_assert_cmpuint (tcia_search_model_get_shown_bytes (search), ==, 1300);

  /* Rows changing in the middle of the store (a retry starting over). */
  g_list_store_remove (store, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_cmpstr (patient_at (model, 0), ==, "LUNG-002");
  g_assert_cmpuint (tcia_search_model_get_total_bytes (search), ==, 2400);
  g_assert_cmpuint (tcia_search_model_get_shown_bytes (search), ==, 1200);

  /* Another store: nothing of the old one shows. */
  tcia_search_model_set_model (search, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_cmpuint (tcia_search_model_get_total_bytes (search), ==, 0);

  g_signal_handlers_disconnect_by_data (search, &change);
  g_assert_finalize_object (g_steal_pointer (&search));
}

/* Rows inserted or removed in the middle of the store: the rows after them
 * are still found by their own text, and a text never matches across the
 * end of one row and the start of the next. */
static void
test_search_middle (void)
{
  g_autoptr(GListStore) store = store_new ();
  g_autoptr(TciaSearchModel) search = tcia_search_model_new ();
  GListModel *model = G_LIST_MODEL (search);
  g_autoptr(TciaSeries) inserted = series_new ("HEAD-009", "CT Head", 3000);

  tcia_search_model_set_model (search, G_LIST_MODEL (store));

  /* A row's UID ends its text, and the next row's patient ID starts it. */
  tcia_search_model_set_text (search, "lung-001\nlung-002");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  tcia_search_model_set_text (search, "lung-001lung-002");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  g_list_store_insert (store, 1, inserted);
  tcia_search_model_set_text (search, "head");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpstr (patient_at (model, 0), ==, "HEAD-009");
  g_assert_cmpuint (tcia_search_model_get_shown_bytes (search), ==, 3000);
  tcia_search_model_set_text (search, "flair");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpstr (patient_at (model, 0), ==, "brain-004");
  g_assert_cmpuint (tcia_search_model_get_total_bytes (search), ==, 4500);

  g_list_store_remove (store, 2);
  tcia_search_model_set_text (search, "-00");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);
  g_assert_cmpstr (patient_at (model, 0), ==, "LUNG-001");
  g_assert_cmpstr (patient_at (model, 1), ==, "HEAD-009");
  g_assert_cmpstr (patient_at (model, 2), ==, "Brain-003");
  g_assert_cmpstr (patient_at (model, 3), ==, "brain-004");
  g_assert_cmpuint (tcia_search_model_get_shown_bytes (search), ==, 4300);
  tcia_search_model_set_text (search, "whole body");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&search));
}

/* The series of uid_series_new(@i): a real UID for each series and for
 * every third study, a hand-made "UID" with letters (as fixtures have)
 * for every 50th series, and patient IDs with digits that UIDs have too. */
static TciaSeries *
uid_series_new (guint i)
{
  g_autofree char *patient = g_strdup_printf ("P-%u.%u", i % 7, i);
  g_autofree char *series_uid = i % 50 == 0 ? g_strdup_printf ("1.2.3.LUNG-%03u", i)
                                            : g_strdup_printf ("1.3.6.1.4.1.%u.%u", i % 11, i);
  g_autofree char *study_uid = g_strdup_printf ("2.25.%u", i * 37);
  g_autofree char *bytes = g_strdup_printf ("%u", i + 1);
  const char *keys[] = { "PatientID", "SeriesDescription", "SeriesInstanceUID", "FileSize",
                         "StudyInstanceUID" };
  const char *values[] = { patient, "CT", series_uid, bytes, study_uid };

  return tcia_series_new_from_fields (keys, values, i % 3 == 0 ? 5 : 4);
}

/* Whether @needle (lower case) is in one of the fields @series is searched by. */
static gboolean
uid_series_has (TciaSeries *series,
                const char *needle)
{
  const char *fields[] = {
    tcia_series_get_patient_id (series),
    tcia_series_get_series_description (series),
    tcia_series_get_series_uid (series),
    tcia_series_get_study_uid (series),
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *lower = fields[i] != NULL ? g_ascii_strdown (fields[i], -1) : NULL;

      if (lower != NULL && strstr (lower, needle) != NULL)
        return TRUE;
    }

  return FALSE;
}

/* The rows and bytes kept are those a plain look at every field finds. */
static void
assert_search_finds (TciaSearchModel *search,
                     GListModel      *store,
                     const char      *needle)
{
  GListModel *model = G_LIST_MODEL (search);
  guint n = 0;
  guint64 bytes = 0;

  for (guint i = 0; i < g_list_model_get_n_items (store); i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (store, i);
      g_autoptr(TciaSeries) shown = NULL;

      if (!uid_series_has (series, needle))
        continue;
      g_assert_cmpuint (n, <, g_list_model_get_n_items (model));
      shown = g_list_model_get_item (model, n++);
      g_assert_true (shown == series);
      bytes += tcia_series_get_file_size (series);
    }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
  g_assert_cmpuint (tcia_search_model_get_shown_bytes (search), ==, bytes);
}

/* UIDs are searched apart from the other fields, and only for a text of
 * digits and dots: a row is still found once by a text in both its UID
 * and its patient ID, by a text in a UID only, and by a text in a "UID"
 * that is not one in form; also after rows were inserted and removed in
 * the middle, and while typing on narrows the rows kept. */
static void
test_search_uids (void)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(TciaSearchModel) search = tcia_search_model_new ();
  const char *typed[] = {
    "1", "1.", "1.3", "1.3.6.1.4.1.5", "1.3.6.1.4.1.5.16", "2.25.37", "2.25.370",
    "3.1", ".2", "p-3.1", "lung", "3.lung-1", "1.2.3.lung-150", "p-", "x", "0", "00", "1..2",
  };

  for (guint i = 0; i < 300; i++)
    {
      g_autoptr(TciaSeries) series = uid_series_new (i);

      g_list_store_append (store, series);
    }
  tcia_search_model_set_model (search, G_LIST_MODEL (store));

  for (guint round = 0; round < 2; round++)
    {
      for (guint t = 0; t < G_N_ELEMENTS (typed); t++)
        {
          tcia_search_model_set_text (search, typed[t]);
          assert_search_finds (search, G_LIST_MODEL (store), typed[t]);
        }
      /* Rows moved in the middle keep their UIDs with them. */
      {
        g_autoptr(TciaSeries) inserted = uid_series_new (1001 + round);

        g_list_store_insert (store, 120, inserted);
        g_list_store_remove (store, 7);
      }
    }
  tcia_search_model_set_text (search, "1.3.6.1.4.1.0.1001");
  assert_search_finds (search, G_LIST_MODEL (store), "1.3.6.1.4.1.0.1001");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (search)), ==, 1);

  g_assert_finalize_object (g_steal_pointer (&search));
}

/* Typing then backspacing, as people do: each text keeps exactly its rows,
 * also when rows arrived in between and when the text is not ASCII. */
static void
test_search_backspace (void)
{
  g_autoptr(GListStore) store = store_new ();
  g_autoptr(TciaSearchModel) search = tcia_search_model_new ();
  GListModel *model = G_LIST_MODEL (search);
  g_autoptr(TciaSeries) lung = series_new ("LUNG-005", "CT", 1000);
  g_autoptr(TciaSeries) accent = series_new ("KOPF-006", "Ärztliche Übersicht", 10);
  const char *typed[] = { "b", "br", "bra", "brai", "brain", "brain-", "brain-0" };
  guint n_typed[] = { 3, 2, 2, 2, 2, 2, 2 };

  tcia_search_model_set_model (search, G_LIST_MODEL (store));
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
        {
          tcia_search_model_set_text (search, typed[i]);
          g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_typed[i]);
        }
      for (guint i = G_N_ELEMENTS (typed) - 1; i > 0; i--)
        {
          tcia_search_model_set_text (search, typed[i - 1]);
          g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_typed[i - 1]);
        }
      tcia_search_model_set_text (search, "");
      g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);
      g_assert_cmpuint (tcia_search_model_get_shown_bytes (search), ==, 1500);
    }

  /* ("b" is in "PET Whole Body" too.) A row arriving after "lun" was typed
   * is found when backspace comes back to "lu". */
  tcia_search_model_set_text (search, "lu");
  tcia_search_model_set_text (search, "lun");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_list_store_append (store, lung);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  tcia_search_model_set_text (search, "lu");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpstr (patient_at (model, 2), ==, "LUNG-005");
  g_assert_cmpuint (tcia_search_model_get_shown_bytes (search), ==, 1300);

  /* Letters beyond ASCII, in either case. */
  g_list_store_append (store, accent);
  tcia_search_model_set_text (search, "ÄRZT");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpstr (patient_at (model, 0), ==, "KOPF-006");
  tcia_search_model_set_text (search, "übers");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  tcia_search_model_set_text (search, "uber");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&search));
}

static TciaRow *
row_at (GListModel *rows,
        guint       position)
{
  TciaRow *row = g_list_model_get_item (rows, position);

  g_object_unref (row); /* the model keeps it */
  return row;
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_rows_stable (void)
{
  g_autoptr(GListStore) store = store_new ();
  g_autoptr(TciaSearchModel) search = tcia_search_model_new ();
  g_autoptr(GtkMultiSelection) selection = NULL;
  g_autoptr(TciaRowModel) model = NULL;
  GListModel *rows;
  TciaRow *first, *second;
  guint notified = 0;
  Change change = { 0 };

  tcia_search_model_set_model (search, G_LIST_MODEL (store));
  selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (search)));
  model = tcia_row_model_new (GTK_SELECTION_MODEL (selection), 0);
  rows = G_LIST_MODEL (model);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 4);
  g_assert_true (g_list_model_get_item_type (rows) == TCIA_TYPE_ROW);

  first = row_at (rows, 0);
  second = row_at (rows, 1);
  g_assert_true (row_at (rows, 0) == first);
  g_assert_cmpstr (tcia_series_get_patient_id (tcia_row_get_item (first)), ==, "LUNG-001");
  g_signal_connect (first, "notify::item", G_CALLBACK (count_notify_cb), &notified);
  g_signal_connect (rows, "items-changed", G_CALLBACK (changed_cb), &change);

  /* A search keeps the row objects in place and points them elsewhere;
   * the view hears only that the list got shorter. */
  tcia_search_model_set_text (search, "brain");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);
  g_assert_true (row_at (rows, 0) == first);
  g_assert_true (row_at (rows, 1) == second);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (tcia_series_get_patient_id (tcia_row_get_item (first)), ==, "Brain-003");
  g_assert_cmpstr (tcia_series_get_patient_id (tcia_row_get_item (second)), ==, "brain-004");
  g_assert_cmpuint (change.count, ==, 1);
  g_assert_cmpuint (change.position, ==, 2);
  g_assert_cmpuint (change.removed, ==, 2);
  g_assert_cmpuint (change.added, ==, 0);

  /* The selection follows the series, not the position. */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), 1, TRUE);
  g_assert_true (gtk_selection_model_is_selected (GTK_SELECTION_MODEL (selection), 1));
  tcia_search_model_set_text (search, "");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 4);
  g_assert_true (gtk_selection_model_is_selected (GTK_SELECTION_MODEL (model), 3));
  g_assert_false (gtk_selection_model_is_selected (GTK_SELECTION_MODEL (model), 1));
  g_assert_cmpstr (tcia_series_get_patient_id (tcia_row_get_item (row_at (rows, 3))), ==,
                   "brain-004");

  g_signal_handlers_disconnect_by_data (rows, &change);
  g_signal_handlers_disconnect_by_data (first, &notified);
}

static void
test_rows_ramp (void)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  g_autoptr(GtkMultiSelection) selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (store)));
  g_autoptr(TciaRowModel) model = tcia_row_model_new (GTK_SELECTION_MODEL (selection), 10);
  GListModel *rows = G_LIST_MODEL (model);

  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *patient = g_strdup_printf ("P-%02u", i);
      g_autoptr(TciaSeries) series = series_new (patient, "CT", i);

      g_list_store_append (store, series);
    }

  /* Below the limit, new rows wait to be let in. */
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 0);
  g_assert_cmpuint (tcia_row_model_get_pending (model), ==, 25);
  tcia_row_model_catch_up (model, 4);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 4);
  g_assert_cmpuint (tcia_row_model_get_pending (model), ==, 21);

  /* Reaching the limit lets everything in; later rows need no catching up. */
  tcia_row_model_catch_up (model, 6);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 25);
  g_assert_cmpuint (tcia_row_model_get_pending (model), ==, 0);
  {
    g_autoptr(TciaSeries) series = series_new ("P-25", "CT", 25);

    g_list_store_append (store, series);
  }
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 26);
  g_assert_cmpstr (tcia_series_get_patient_id (tcia_row_get_item (row_at (rows, 25))), ==, "P-25");

  /* Emptied, the rows go at once. */
  g_list_store_remove_all (store);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 0);
  g_assert_cmpuint (tcia_row_model_get_pending (model), ==, 0);
}

/* Collects the bound cells of a column view: text cells carry their list
 * item and column. */
static void
collect_cells (GtkWidget *widget,
               GPtrArray *cells)
{
  if (GTK_IS_INSCRIPTION (widget) && g_object_get_data (G_OBJECT (widget), "tcia-list-item") != NULL)
    g_ptr_array_add (cells, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_cells (child, cells);
}

/* Every bound cell shows, and names for screen readers, the field of the
 * row it is in, once the list has settled. */
static void
assert_cells_right (TciaSeriesView *view)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  guint n_checked = 0;

  collect_cells (GTK_WIDGET (tcia_series_view_get_column_view (view)), cells);
  for (guint i = 0; i < cells->len; i++)
    {
      GtkInscription *cell = g_ptr_array_index (cells, i);
      GtkListItem *item = g_object_get_data (G_OBJECT (cell), "tcia-list-item");
      TciaSeriesField field = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (cell), "tcia-column"));
      g_autofree char *owned = NULL;
      const char *text;
      char *error;

      if (gtk_list_item_get_item (item) == NULL)
        continue;
      text = tcia_series_cell_text (tcia_row_get_item (gtk_list_item_get_item (item)), field,
                                    TCIA_COUNT_GROUPED, &owned);
      /* No value shows "", never NULL (GTK's screen-reader code reads it). */
      if (text == NULL)
        text = "";
      g_assert_cmpstr (gtk_inscription_get_text (cell), ==, text);
      error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (cell),
                                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text);
      if (error != NULL)
        g_error ("cell of %s: %s", text, error);
      n_checked++;
    }
  g_assert_cmpuint (n_checked, >, 0);
}

/* Until every row is let in and frames have been drawn with them, and the
 * cells out of sight had their turn. */
static void
settle (TciaSeriesView *view)
{
  TciaRowModel *rows = TCIA_ROW_MODEL (gtk_column_view_get_model (tcia_series_view_get_column_view (view)));

  WAIT_FOR (tcia_row_model_get_pending (rows) == 0);
  spin (200);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Typing moves the rows under the cells the view has: each cell then shows
 * and names its new row's value, also where it had the same value before
 * (the same description on two rows). */
static void
test_view_cells_follow_search (void)
{
  g_autoptr(GListStore) store = g_list_store_new (TCIA_TYPE_SERIES);
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  TciaSeriesView *view = g_object_new (TCIA_TYPE_SERIES_VIEW, NULL);
  const char *texts[] = { "1", "12", "1", "", "ct", "ct chest", "" };

  for (guint i = 0; i < 120; i++)
    {
      g_autofree char *patient = g_strdup_printf ("P-%03u", i);
      g_autoptr(TciaSeries) series = series_new (patient, i % 3 ? "CT Chest" : "MR Head",
                                                 1000 * (i + 1));

      g_list_store_append (store, series);
    }
  gtk_window_set_child (window, GTK_WIDGET (view));
  gtk_window_set_default_size (window, 900, 500);
  gtk_window_present (window);
  tcia_series_view_set_model (view, G_LIST_MODEL (store));
  settle (view);
  assert_cells_right (view);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      tcia_series_view_set_search_text (view, texts[i]);
      settle (view);
      assert_cells_right (view);
    }

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  /* The cells' names are read from GTK's own test context, not a bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  /* The models need no display; the view's cells do. */
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return 0;
    }
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/search-model/substring", test_search_substring);
  g_test_add_func ("/ui/search-model/changes", test_search_changes);
  g_test_add_func ("/ui/search-model/narrowing", test_search_narrowing);
  g_test_add_func ("/ui/search-model/backspace", test_search_backspace);
  g_test_add_func ("/ui/search-model/middle", test_search_middle);
  g_test_add_func ("/ui/search-model/uids", test_search_uids);
  g_test_add_func ("/ui/row-model/stable", test_rows_stable);
  g_test_add_func ("/ui/row-model/ramp", test_rows_ramp);
  g_test_add_func ("/ui/series-view/cells-follow-search", test_view_cells_follow_search);

  return g_test_run ();
}
