/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-search-model"

#include "config.h"

#include <string.h>

#include "tcia-series.h"

#include "tcia-search-model.h"

/* The series of a listing that a typed text is found in: a substring of the
 * patient ID, the descriptions or the UIDs, in any case.
 *
 * GtkFilterListModel asks for every row as a GObject and calls a filter
 * function per row; at 100,000 rows that alone is more than a keystroke
 * may take. Here the text each row is searched in is made once, when the
 * row arrives, and kept in a flat array, so a keystroke is one strstr per
 * row; a text that only grows looks only at the rows it kept. The bytes of
 * the rows kept are added up on the way, for the status line. */

typedef struct
{
  guint64 bytes;
  char    text[];   /* lower case, one field per line */
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
  GPtrArray  *haystacks;  /* one per row of model */
  GArray     *matches;    /* positions in model of the rows kept, ascending */
  char       *needle;     /* lower case; NULL keeps every row */
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

/* @scratch: a buffer to reuse from row to row */
static Haystack *
haystack_new (TciaSeries *series,
              GString    *scratch)
{
  const char *parts[] = {
    tcia_series_get_patient_id (series),
    tcia_series_get_series_description (series),
    tcia_series_get_study_description (series),
    tcia_series_get_series_uid (series),
    tcia_series_get_study_uid (series),
  };
  Haystack *haystack;

  g_string_truncate (scratch, 0);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      if (parts[i] == NULL)
        continue;
      /* A separator no typed text contains keeps matches inside one field. */
      append_lower (scratch, parts[i]);
      g_string_append_c (scratch, '\n');
    }
  haystack = g_malloc (sizeof (Haystack) + scratch->len + 1);
  haystack->bytes = tcia_series_get_file_size (series);
  memcpy (haystack->text, scratch->str, scratch->len + 1);

  return haystack;
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
  const Haystack *haystack = g_ptr_array_index (self->haystacks, position);

  return self->needle == NULL || strstr (haystack->text, self->needle) != NULL;
}

static void
keep (TciaSearchModel *self,
      GArray          *kept,
      guint            position)
{
  const Haystack *haystack = g_ptr_array_index (self->haystacks, position);

  g_array_append_val (kept, position);
  self->shown_bytes += haystack->bytes;
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
  GArray *kept = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->haystacks->len);

  self->shown_bytes = 0;
  for (guint i = 0; i < self->haystacks->len; i++)
    if (matches (self, i))
      keep (self, kept, i);

  return kept;
}

static void
model_items_changed_cb (GListModel      *model,
                        guint            position,
                        guint            removed,
                        guint            added,
                        TciaSearchModel *self)
{
  guint n_before = self->haystacks->len;
  g_autoptr(GString) scratch = g_string_sized_new (256);

  /* Positions kept before may have moved, and new rows were never searched. */
  g_ptr_array_set_size (self->history, 0);

  for (guint i = position; i < position + removed; i++)
    self->total_bytes -= ((Haystack *) g_ptr_array_index (self->haystacks, i))->bytes;
  g_ptr_array_remove_range (self->haystacks, position, removed);
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (model, i);
      Haystack *haystack = haystack_new (series, scratch);

      self->total_bytes += haystack->bytes;
      g_ptr_array_insert (self->haystacks, i, haystack);
    }

  if (removed == 0 && position == n_before)
    {
      /* Rows arriving at the end, as a listing does: only they are new. */
      guint n_kept = self->matches->len;

      for (guint i = position; i < position + added; i++)
        if (matches (self, i))
          keep (self, self->matches, i);
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

  g_ptr_array_unref (self->haystacks);
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
  self->haystacks = g_ptr_array_new_with_free_func (g_free);
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
  g_ptr_array_set_size (self->haystacks, 0);
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
  kept = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->matches->len);
  self->shown_bytes = 0;
  for (guint i = 0; i < self->matches->len; i++)
    {
      guint position = g_array_index (self->matches, guint, i);

      if (matches (self, position))
        keep (self, kept, position);
    }
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
