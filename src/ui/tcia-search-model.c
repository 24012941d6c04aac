/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-search-model"
/* memmem() */
#define _GNU_SOURCE

#include "config.h"

#include <string.h>

#include "tcia-series.h"
#include "tcia-text.h"

#include "tcia-search-model.h"

/* The series of a listing that a typed text is found in: a substring of the
 * patient ID, the descriptions or the UIDs, in any case.
 *
 * GtkFilterListModel asks for every row as a GObject and calls a filter
 * function per row; at 100,000 rows that alone is more than a keystroke
 * may take. Here the text each row is searched in is made once, when the
 * row arrives, and kept in one buffer, row after row, each ended by a NUL
 * that no typed text contains. A search of every row is then one memmem
 * pass over the buffer, which skips the rows without a hit at memory
 * speed, instead of a call and a cache miss per row; a text that only
 * grows looks only at the rows it kept. The bytes of the rows kept are
 * added up on the way, for the status line.
 *
 * Two thirds of those bytes are the series and study UIDs, which are
 * digits and dots only: a text with anything else in it (a letter, a
 * dash, a blank) cannot be in one. So the UIDs are kept in a text of
 * their own, searched only for a text of digits and dots, and most texts
 * typed read a third of the bytes. A "UID" that is not one in form (as a
 * hand-made fixture may have) goes in the main text, which every search
 * reads, so it is found as before. */

/* Rows of text, one after another, each ended by a NUL. */
typedef struct
{
  GString *text;
  GArray  *starts;  /* gsize: where each row starts in text */
} Haystack;

/* What a shorter text kept, for when backspace comes back to it. */
typedef struct
{
  char    *needle;
  GArray  *matches;
  guint64  shown_bytes;
} Kept;

/* Typing a long text keeps one Kept per key; more is rarely backspaced to. */
#define MAX_HISTORY 16

struct _TciaSearchModel
{
  GObject     parent_instance;

  GListModel *model;      /* of TciaSeries */
  Haystack    main;       /* each row's lower-case fields but its UIDs, one per line */
  Haystack    uids;       /* each row's UIDs, one per line */
  GArray     *bytes;      /* guint64: each row's file size */
  GArray     *matches;    /* positions in model of the rows kept, ascending */
  char       *needle;     /* lower case; NULL keeps every row */
  gboolean    in_uids;    /* whether needle could be in a UID: search uids too */
  guint64     total_bytes;
  guint64     shown_bytes;
  GPtrArray  *history;    /* of Kept: each a shorter text typed before needle */
};

static void tcia_search_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TciaSearchModel, tcia_search_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      tcia_search_model_list_model_init))

/* Appends @text in lower case: ASCII by table, other characters one by
 * one. g_utf8_strdown() looks every character up in Unicode's tables,
 * which was most of what a batch of 2,000 arriving rows cost. The rows and
 * the typed text are lowered by this one function, so a match is the same
 * whichever way a character is written. */
static void
append_lower (GString    *out,
              const char *text)
{
  for (const char *p = text; *p != '\0';)
    {
      if ((guchar) *p < 0x80)
        {
          g_string_append_c (out, *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
          p++;
        }
      else
        {
          g_string_append_unichar (out, g_unichar_tolower (g_utf8_get_char (p)));
          p = g_utf8_next_char (p);
        }
    }
}

/* Narrowing looks at each row kept only when fewer than one row in this
 * many was kept; more, and it searches the whole text again. */
#define NARROW_ALL_FRACTION 8

static void
haystack_init (Haystack *h,
               gsize     text_size,
               guint     n_rows)
{
  h->text = g_string_sized_new (text_size);
  h->starts = g_array_sized_new (FALSE, FALSE, sizeof (gsize), n_rows);
}

static void
haystack_clear (Haystack *h)
{
  g_string_free (h->text, TRUE);
  g_array_unref (h->starts);
}

static void
haystack_truncate (Haystack *h)
{
  g_string_truncate (h->text, 0);
  g_array_set_size (h->starts, 0);
}

static gsize
haystack_start (Haystack *h,
                guint     row)
{
  return g_array_index (h->starts, gsize, row);
}

static const char *
haystack_row (Haystack *h,
              guint     row)
{
  return h->text->str + haystack_start (h, row);
}

/* Begins a row at the end of @h; the caller ends it with haystack_end_row(). */
static void
haystack_begin_row (Haystack *h)
{
  gsize start = h->text->len;

  g_array_append_val (h->starts, start);
}

static void
haystack_end_row (Haystack *h)
{
  g_string_append_c (h->text, '\0');
}

/* Appends rows @first to @last (excluded) of @from to @h, as they are. */
static void
haystack_copy_rows (Haystack *h,
                    Haystack *from,
                    guint     first,
                    guint     last)
{
  gsize begin, end;
  gssize shift;

  if (first >= last)
    return;

  begin = haystack_start (from, first);
  end = last < from->starts->len ? haystack_start (from, last) : from->text->len;
  shift = (gssize) h->text->len - (gssize) begin;
  g_string_append_len (h->text, from->text->str + begin, end - begin);
  for (guint i = first; i < last; i++)
    {
      gsize start = haystack_start (from, i) + shift;

      g_array_append_val (h->starts, start);
    }
}

/* Appends to @rows, ascending, the rows from @first on whose text in @h
 * has @needle (@len bytes): one memmem pass over the text. */
static void
haystack_find (Haystack   *h,
               const char *needle,
               gsize       len,
               guint       first,
               GArray     *rows)
{
  const char *text = h->text->str;
  const char *end = text + h->text->len;
  guint n = h->starts->len;
  guint row = first;
  guint n_found = rows->len;

  if (first >= n)
    return;
  /* Grown beforehand to hold every row and cut afterwards: an append per
   * row was a fifth of a search. */
  g_array_set_size (rows, n_found + n - first);
  for (const char *p = haystack_row (h, first);
       (p = memmem (p, end - p, needle, len)) != NULL;
       p = haystack_row (h, row))
    {
      gsize offset = p - text;

      /* Hits come in order, so the row a hit is in is at or after the
       * last one: one walk over the starts for the whole pass. */
      while (row + 1 < n && haystack_start (h, row + 1) <= offset)
        row++;
      g_array_index (rows, guint, n_found++) = row;
      if (++row == n)
        break;
    }
  g_array_set_size (rows, n_found);
}

/* Whether @text could be part of a UID: digits and dots only. */
static gboolean
could_be_in_uid (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && *p != '.')
      return FALSE;

  return TRUE;
}

static guint
n_rows (TciaSearchModel *self)
{
  return self->main.starts->len;
}

static guint64
row_bytes (TciaSearchModel *self,
           guint            row)
{
  return g_array_index (self->bytes, guint64, row);
}

/* Adds the text @series is searched in after the last row. */
static void
append_row (TciaSearchModel *self,
            TciaSeries      *series)
{
  const char *parts[] = {
    tcia_series_get_patient_id (series),
    tcia_series_get_series_description (series),
    tcia_series_get_study_description (series),
    tcia_series_get_series_uid (series),
    tcia_series_get_study_uid (series),
  };
  guint64 bytes = tcia_series_get_file_size (series);

  g_array_append_val (self->bytes, bytes);
  self->total_bytes += bytes;
  haystack_begin_row (&self->main);
  haystack_begin_row (&self->uids);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      if (parts[i] == NULL)
        continue;
      /* A separator no typed text contains keeps matches inside one
       * field. A UID has no upper case to lower. */
      if (tcia_text_is_uid (parts[i], -1))
        {
          g_string_append (self->uids.text, parts[i]);
          g_string_append_c (self->uids.text, '\n');
        }
      else
        {
          append_lower (self->main.text, parts[i]);
          g_string_append_c (self->main.text, '\n');
        }
    }
  haystack_end_row (&self->main);
  haystack_end_row (&self->uids);
}

static void
kept_free (gpointer data)
{
  Kept *kept = data;

  g_free (kept->needle);
  g_array_unref (kept->matches);
  g_free (kept);
}

/* Before a longer text narrows the rows: what the shorter one kept. */
static void
remember (TciaSearchModel *self,
          const char      *needle)
{
  Kept *kept = g_new0 (Kept, 1);

  if (self->history->len == MAX_HISTORY)
    g_ptr_array_remove_index (self->history, 0);
  kept->needle = g_strdup (needle);
  kept->matches = g_array_ref (self->matches);
  kept->shown_bytes = self->shown_bytes;
  g_ptr_array_add (self->history, kept);
}

/* The rows the current text kept when it was typed before, and only
 * shorter texts since; NULL when it was not. Texts typed after it are
 * forgotten: they were longer. */
static GArray *
recall (TciaSearchModel *self)
{
  for (guint i = self->history->len; i > 0; i--)
    {
      Kept *kept = g_ptr_array_index (self->history, i - 1);
      GArray *matches;

      if (g_strcmp0 (kept->needle, self->needle) != 0)
        continue;
      matches = g_array_ref (kept->matches);
      self->shown_bytes = kept->shown_bytes;
      g_ptr_array_set_size (self->history, i - 1);

      return matches;
    }

  return NULL;
}

static gboolean
matches (TciaSearchModel *self,
         guint            position)
{
  return self->needle == NULL ||
         strstr (haystack_row (&self->main, position), self->needle) != NULL ||
         (self->in_uids && strstr (haystack_row (&self->uids, position), self->needle) != NULL);
}

/* Puts @position at @n_kept in @kept, which the caller grew beforehand to
 * hold every row it may keep and cuts to what it kept afterwards: an
 * append per row was a fifth of a search. Returns the count now kept. */
static guint
keep (TciaSearchModel *self,
      GArray          *kept,
      guint            n_kept,
      guint            position)
{
  g_array_index (kept, guint, n_kept) = position;
  self->shown_bytes += row_bytes (self, position);

  return n_kept + 1;
}

/* Appends to @rows the rows in @a or @b (each ascending), ascending, once. */
static void
merge_rows (GArray *rows,
            GArray *a,
            GArray *b)
{
  guint i = 0, j = 0;
  guint n = rows->len;

  g_array_set_size (rows, n + a->len + b->len);
  while (i < a->len || j < b->len)
    {
      guint x = i < a->len ? g_array_index (a, guint, i) : G_MAXUINT;
      guint y = j < b->len ? g_array_index (b, guint, j) : G_MAXUINT;

      g_array_index (rows, guint, n++) = MIN (x, y);
      i += x <= y;
      j += y <= x;
    }
  g_array_set_size (rows, n);
}

/* Keeps, in @kept, the rows from @first on that the needle is found in. */
static void
search_from (TciaSearchModel *self,
             guint            first,
             GArray          *kept)
{
  guint n = n_rows (self);
  guint n_kept = kept->len;
  gsize len;

  if (first >= n)
    return;
  if (self->needle == NULL)
    {
      g_array_set_size (kept, n_kept + n - first);
      for (guint row = first; row < n; row++)
        n_kept = keep (self, kept, n_kept, row);
      return;
    }

  len = strlen (self->needle);
  if (self->in_uids)
    {
      g_autoptr(GArray) in_main = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr(GArray) in_uids = g_array_new (FALSE, FALSE, sizeof (guint));

      haystack_find (&self->main, self->needle, len, first, in_main);
      haystack_find (&self->uids, self->needle, len, first, in_uids);
      merge_rows (kept, in_main, in_uids);
    }
  else
    {
      haystack_find (&self->main, self->needle, len, first, kept);
    }
  for (guint i = n_kept; i < kept->len; i++)
    self->shown_bytes += row_bytes (self, g_array_index (kept, guint, i));
}

/* Replaces the rows kept and tells the view only what differs: the rows
 * between the common beginning and the common end. */
static void
replace_matches (TciaSearchModel *self,
                 GArray          *kept)
{
  GArray *old = self->matches;
  guint n_old = old->len, n_new = kept->len;
  guint prefix = 0, suffix = 0;

  while (prefix < n_old && prefix < n_new &&
         g_array_index (old, guint, prefix) == g_array_index (kept, guint, prefix))
    prefix++;
  while (suffix < n_old - prefix && suffix < n_new - prefix &&
         g_array_index (old, guint, n_old - 1 - suffix) ==
         g_array_index (kept, guint, n_new - 1 - suffix))
    suffix++;

  self->matches = kept;
  g_array_unref (old);

  if (n_old - prefix - suffix > 0 || n_new - prefix - suffix > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix,
                                n_old - prefix - suffix, n_new - prefix - suffix);
}

/* Every row again. */
static GArray *
search_all (TciaSearchModel *self)
{
  GArray *kept = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_rows (self));

  self->shown_bytes = 0;
  search_from (self, 0, kept);

  return kept;
}

/* Appends rows @first to @last (excluded) of the rows before a change. */
static void
copy_rows (TciaSearchModel *self,
           Haystack        *main,
           Haystack        *uids,
           GArray          *bytes,
           guint            first,
           guint            last)
{
  haystack_copy_rows (&self->main, main, first, last);
  haystack_copy_rows (&self->uids, uids, first, last);
  for (guint i = first; i < last; i++)
    {
      guint64 size = g_array_index (bytes, guint64, i);

      g_array_append_val (self->bytes, size);
      self->total_bytes += size;
    }
}

static void
model_items_changed_cb (GListModel      *model,
                        guint            position,
                        guint            removed,
                        guint            added,
                        TciaSearchModel *self)
{
  guint n_before = n_rows (self);

  /* Positions kept before may have moved, and new rows were never searched. */
  g_ptr_array_set_size (self->history, 0);

  if (removed == 0 && position == n_before)
    {
      for (guint i = position; i < position + added; i++)
        {
          g_autoptr(TciaSeries) series = g_list_model_get_item (model, i);

          append_row (self, series);
        }
    }
  else
    {
      /* Rows the change leaves move up or down in the text, as a whole. */
      Haystack main = self->main;
      Haystack uids = self->uids;
      g_autoptr(GArray) bytes = g_steal_pointer (&self->bytes);
      guint n_after = n_before - removed + added;

      haystack_init (&self->main, main.text->len, n_after);
      haystack_init (&self->uids, uids.text->len, n_after);
      self->bytes = g_array_sized_new (FALSE, FALSE, sizeof (guint64), n_after);
      self->total_bytes = 0;
      copy_rows (self, &main, &uids, bytes, 0, position);
      for (guint i = position; i < position + added; i++)
        {
          g_autoptr(TciaSeries) series = g_list_model_get_item (model, i);

          append_row (self, series);
        }
      copy_rows (self, &main, &uids, bytes, position + removed, n_before);
      haystack_clear (&main);
      haystack_clear (&uids);
    }

  if (removed == 0 && position == n_before)
    {
      /* Rows arriving at the end, as a listing does: only they are new. */
      guint n_kept = self->matches->len;

      search_from (self, position, self->matches);
      if (self->matches->len > n_kept)
        g_list_model_items_changed (G_LIST_MODEL (self), n_kept, 0, self->matches->len - n_kept);
      return;
    }

  /* Rows changed in the middle (a retry starting over): positions moved,
   * so nothing kept can be told apart by position. */
  {
    guint n_old = self->matches->len;

    g_array_unref (self->matches);
    self->matches = search_all (self);
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n_old, self->matches->len);
  }
}

static GType
tcia_search_model_get_item_type (GListModel *list)
{
  return TCIA_TYPE_SERIES;
}

static guint
tcia_search_model_get_n_items (GListModel *list)
{
  return TCIA_SEARCH_MODEL (list)->matches->len;
}

static gpointer
tcia_search_model_get_item (GListModel *list,
                            guint       position)
{
  TciaSearchModel *self = TCIA_SEARCH_MODEL (list);

  if (position >= self->matches->len)
    return NULL;

  return g_list_model_get_item (self->model, g_array_index (self->matches, guint, position));
}

static void
tcia_search_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tcia_search_model_get_item_type;
  iface->get_n_items = tcia_search_model_get_n_items;
  iface->get_item = tcia_search_model_get_item;
}

static void
tcia_search_model_dispose (GObject *object)
{
  TciaSearchModel *self = TCIA_SEARCH_MODEL (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, model_items_changed_cb, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (tcia_search_model_parent_class)->dispose (object);
}

static void
tcia_search_model_finalize (GObject *object)
{
  TciaSearchModel *self = TCIA_SEARCH_MODEL (object);

  haystack_clear (&self->main);
  haystack_clear (&self->uids);
  g_array_unref (self->bytes);
  g_array_unref (self->matches);
  g_ptr_array_unref (self->history);
  g_free (self->needle);

  G_OBJECT_CLASS (tcia_search_model_parent_class)->finalize (object);
}

static void
tcia_search_model_class_init (TciaSearchModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tcia_search_model_dispose;
  object_class->finalize = tcia_search_model_finalize;
}

static void
tcia_search_model_init (TciaSearchModel *self)
{
  haystack_init (&self->main, 0, 0);
  haystack_init (&self->uids, 0, 0);
  self->bytes = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->matches = g_array_new (FALSE, FALSE, sizeof (guint));
  self->history = g_ptr_array_new_with_free_func (kept_free);
}

TciaSearchModel *
tcia_search_model_new (void)
{
  return g_object_new (TCIA_TYPE_SEARCH_MODEL, NULL);
}

/* Searches the rows of @model (TciaSeries) from now on; NULL for none. */
void
tcia_search_model_set_model (TciaSearchModel *self,
                             GListModel      *model)
{
  guint n_old;

  g_return_if_fail (TCIA_IS_SEARCH_MODEL (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, model_items_changed_cb, self);
  g_set_object (&self->model, model);

  n_old = self->matches->len;
  g_ptr_array_set_size (self->history, 0);
  haystack_truncate (&self->main);
  haystack_truncate (&self->uids);
  g_array_set_size (self->bytes, 0);
  g_array_set_size (self->matches, 0);
  self->total_bytes = 0;
  self->shown_bytes = 0;
  if (n_old > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n_old, 0);

  if (model != NULL)
    {
      g_signal_connect (model, "items-changed", G_CALLBACK (model_items_changed_cb), self);
      model_items_changed_cb (model, 0, 0, g_list_model_get_n_items (model), self);
    }
}

/* Keeps the rows @text is found in; NULL, empty or blank keeps all. */
void
tcia_search_model_set_text (TciaSearchModel *self,
                            const char      *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *needle = NULL;
  g_autofree char *old = NULL;
  GArray *kept;
  guint n_kept = 0;

  g_return_if_fail (TCIA_IS_SEARCH_MODEL (self));

  if (*stripped != '\0')
    {
      GString *lower = g_string_new (NULL);

      append_lower (lower, stripped);
      needle = g_string_free (lower, FALSE);
    }

  if (g_strcmp0 (needle, self->needle) == 0)
    return;

  old = g_steal_pointer (&self->needle);
  self->needle = g_steal_pointer (&needle);
  self->in_uids = self->needle != NULL && could_be_in_uid (self->needle);

  /* Backspace: the rows this text kept when it was typed, unless the
   * rows changed since. */
  if ((kept = recall (self)) != NULL)
    {
      replace_matches (self, kept);
      return;
    }

  /* A longer text keeps a subset of what the shorter one kept. */
  if (self->needle == NULL || (old != NULL && strstr (self->needle, old) == NULL))
    {
      g_ptr_array_set_size (self->history, 0);
      replace_matches (self, search_all (self));
      return;
    }

  remember (self, old);
  /* Every row the longer text is in, the shorter one is in too: when the
   * shorter one kept most rows (the first key kept all), one pass over the
   * whole text finds them sooner than a look at each row kept, which cost
   * the first key 20 ms at 100,000 rows. */
  if (self->matches->len > n_rows (self) / NARROW_ALL_FRACTION)
    {
      replace_matches (self, search_all (self));
      return;
    }
  kept = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->matches->len);
  g_array_set_size (kept, self->matches->len);
  self->shown_bytes = 0;
  for (guint i = 0; i < self->matches->len; i++)
    {
      guint position = g_array_index (self->matches, guint, i);

      if (matches (self, position))
        n_kept = keep (self, kept, n_kept, position);
    }
  g_array_set_size (kept, n_kept);
  replace_matches (self, kept);
}

/* The lower-case text searched for, or NULL when every row is kept. */
const char *
tcia_search_model_get_text (TciaSearchModel *self)
{
  g_return_val_if_fail (TCIA_IS_SEARCH_MODEL (self), NULL);

  return self->needle;
}

guint64
tcia_search_model_get_total_bytes (TciaSearchModel *self)
{
  g_return_val_if_fail (TCIA_IS_SEARCH_MODEL (self), 0);

  return self->total_bytes;
}

/* The bytes of the rows kept. */
guint64
tcia_search_model_get_shown_bytes (TciaSearchModel *self)
{
  g_return_val_if_fail (TCIA_IS_SEARCH_MODEL (self), 0);

  return self->shown_bytes;
}
