/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include "tcia-basket.h"
#include "tcia-basket-parts-private.h"
#include "tcia-basket-private.h"
#include "tcia-list-model.h"

typedef struct
{
  guint    position;
  TciaSeries *series;
} RemovedEntry;

struct _TciaBasketRemoval
{
  gatomicrefcount  ref_count;
  GArray          *entries;     /* RemovedEntry, by ascending position */
};

TCIA_DEFINE_ARRAY_LIST_MODEL (tcia_basket, TCIA_BASKET, items, TCIA_TYPE_SERIES)

G_DEFINE_FINAL_TYPE_WITH_CODE (TciaBasket, tcia_basket, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      tcia_basket_list_model_init))

G_DEFINE_QUARK (tcia-basket-error-quark, tcia_basket_error)

G_DEFINE_BOXED_TYPE (TciaBasketRemoval, tcia_basket_removal,
                     tcia_basket_removal_ref, tcia_basket_removal_unref)

enum
{
  PROP_0,
  PROP_FILE,
  PROP_N_SERIES,
  PROP_N_IMAGES,
  PROP_TOTAL_BYTES,
  PROP_ESTIMATED_DOWNLOAD_BYTES,
  PROP_LICENCES,
  PROP_HAS_NON_COMMERCIAL,
  N_PROPS
};

enum
{
  SIGNAL_SAVE_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- Totals (tcia-basket-totals.c adds them up) ------------------------------ */

typedef struct
{
  guint    n_series;
  guint64  n_images;
  guint64  total_bytes;
  gboolean has_non_commercial;
} Totals;

static void
totals_get (TciaBasket *self,
            Totals     *totals)
{
  totals->n_series = self->items->len;
  totals->n_images = self->n_images;
  totals->total_bytes = self->total_bytes;
  totals->has_non_commercial = self->n_non_commercial > 0;
}

static void
totals_notify (TciaBasket   *self,
               const Totals *before)
{
  Totals now;

  totals_get (self, &now);

  if (now.n_series != before->n_series)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SERIES]);
  if (now.n_images != before->n_images)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_IMAGES]);
  if (now.total_bytes != before->total_bytes)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_BYTES]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ESTIMATED_DOWNLOAD_BYTES]);
    }
  if (now.has_non_commercial != before->has_non_commercial)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_NON_COMMERCIAL]);
}

static void
changed (TciaBasket   *self,
         guint         position,
         guint         removed,
         guint         added,
         const Totals *before,
         gboolean      save)
{
  tcia_basket_sync_licences (self);
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  totals_notify (self, before);
  if (save)
    tcia_basket_schedule_save (self);
}

/* ---- Removals ------------------------------------------------------------- */

static TciaBasketRemoval *
removal_new (void)
{
  TciaBasketRemoval *removal = g_new0 (TciaBasketRemoval, 1);

  g_atomic_ref_count_init (&removal->ref_count);
  removal->entries = g_array_new (FALSE, FALSE, sizeof (RemovedEntry));

  return removal;
}

TciaBasketRemoval *
tcia_basket_removal_ref (TciaBasketRemoval *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
tcia_basket_removal_unref (TciaBasketRemoval *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      for (guint i = 0; i < self->entries->len; i++)
        g_object_unref (g_array_index (self->entries, RemovedEntry, i).series);
      g_array_unref (self->entries);
      g_free (self);
    }
}

guint
tcia_basket_removal_get_n_series (TciaBasketRemoval *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->entries->len;
}

TciaSeries *
tcia_basket_removal_get_series (TciaBasketRemoval *self,
                                guint              index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->entries->len, NULL);

  return g_array_index (self->entries, RemovedEntry, index).series;
}

/* ---- Contents ------------------------------------------------------------- */

static guint
add_many (TciaBasket         *self,
          TciaSeries * const *series,
          guint               n_series,
          gboolean            save)
{
  guint position = self->items->len;
  Totals before;
  guint i;

  for (i = 0; i < n_series; i++)
    g_return_val_if_fail (TCIA_IS_SERIES (series[i]), 0);

  totals_get (self, &before);

  for (i = 0; i < n_series; i++)
    {
      const char *uid = tcia_series_get_series_uid (series[i]);

      if (uid == NULL || g_hash_table_contains (self->by_uid, uid))
        continue;

      g_ptr_array_add (self->items, g_object_ref (series[i]));
      g_hash_table_insert (self->by_uid, (gpointer) uid, series[i]);
      tcia_basket_account (self, series[i], 1);
    }

  if (self->items->len > position)
    changed (self, position, 0, self->items->len - position, &before, save);

  return self->items->len - position;
}

/* Takes out the series for which @take returns TRUE, in one pass and one items-changed. */
static TciaBasketRemoval *
remove_where (TciaBasket *self,
              gboolean  (*take) (TciaSeries *series,
                                 gpointer    data),
              gpointer    data,
              gboolean    save)
{
  TciaBasketRemoval *removal = removal_new ();
  g_autoptr(GPtrArray) old_items = NULL;
  guint old_len = self->items->len;
  guint first = G_MAXUINT;
  Totals before;
  guint i;

  totals_get (self, &before);

  old_items = g_steal_pointer (&self->items);
  g_ptr_array_set_free_func (old_items, NULL);
  self->items = g_ptr_array_new_full (old_len, g_object_unref);

  for (i = 0; i < old_len; i++)
    {
      TciaSeries *series = g_ptr_array_index (old_items, i);

      if (take (series, data))
        {
          RemovedEntry entry = { i, series };

          g_hash_table_remove (self->by_uid, tcia_series_get_series_uid (series));
          tcia_basket_account (self, series, -1);
          g_array_append_val (removal->entries, entry);
          first = MIN (first, i);
        }
      else
        {
          g_ptr_array_add (self->items, series);
        }
    }

  if (first != G_MAXUINT)
    changed (self, first, old_len - first, self->items->len - first, &before, save);

  return removal;
}

static gboolean
take_all (TciaSeries *series,
          gpointer    data)
{
  return TRUE;
}

static gboolean
take_if_in_set (TciaSeries *series,
                gpointer    data)
{
  return g_hash_table_contains (data, tcia_series_get_series_uid (series));
}

void
tcia_basket_replace_all (TciaBasket *self,
                         GPtrArray  *series)
{
  g_autoptr(TciaBasketRemoval) removal = NULL;

  if (self->items->len > 0)
    removal = remove_where (self, take_all, NULL, FALSE);
  if (series != NULL && series->len > 0)
    add_many (self, (TciaSeries * const *) series->pdata, series->len, FALSE);
}

/* ---- GObject ---------------------------------------------------------------- */

static void
tcia_basket_constructed (GObject *object)
{
  TciaBasket *self = TCIA_BASKET (object);

  G_OBJECT_CLASS (tcia_basket_parent_class)->constructed (object);

  if (self->file != NULL)
    self->save = tcia_basket_save_state_new (self->file);
}

static void
tcia_basket_dispose (GObject *object)
{
  TciaBasket *self = TCIA_BASKET (object);

  if (self->save != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!tcia_basket_flush (self, &error))
        g_warning ("%s", error->message);
    }
  g_clear_handle_id (&self->save_source, g_source_remove);

  G_OBJECT_CLASS (tcia_basket_parent_class)->dispose (object);
}

static void
tcia_basket_finalize (GObject *object)
{
  TciaBasket *self = TCIA_BASKET (object);

  g_clear_pointer (&self->by_uid, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->licence_entries, g_hash_table_unref);
  g_clear_object (&self->licences);
  g_clear_pointer (&self->save, tcia_basket_save_state_unref);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (tcia_basket_parent_class)->finalize (object);
}

static void
tcia_basket_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TciaBasket *self = TCIA_BASKET (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_N_SERIES:
      g_value_set_uint (value, tcia_basket_get_n_series (self));
      break;
    case PROP_N_IMAGES:
      g_value_set_uint64 (value, tcia_basket_get_n_images (self));
      break;
    case PROP_TOTAL_BYTES:
      g_value_set_uint64 (value, tcia_basket_get_total_bytes (self));
      break;
    case PROP_ESTIMATED_DOWNLOAD_BYTES:
      g_value_set_uint64 (value, tcia_basket_get_estimated_download_bytes (self));
      break;
    case PROP_LICENCES:
      g_value_set_object (value, self->licences);
      break;
    case PROP_HAS_NON_COMMERCIAL:
      g_value_set_boolean (value, tcia_basket_get_has_non_commercial (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_basket_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TciaBasket *self = TCIA_BASKET (object);

  switch (prop_id)
    {
    case PROP_FILE:
      self->file = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_basket_class_init (TciaBasketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = tcia_basket_constructed;
  object_class->dispose = tcia_basket_dispose;
  object_class->finalize = tcia_basket_finalize;
  object_class->get_property = tcia_basket_get_property;
  object_class->set_property = tcia_basket_set_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SERIES] =
    g_param_spec_uint ("n-series", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_IMAGES] =
    g_param_spec_uint64 ("n-images", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_TOTAL_BYTES] =
    g_param_spec_uint64 ("total-bytes", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_ESTIMATED_DOWNLOAD_BYTES] =
    g_param_spec_uint64 ("estimated-download-bytes", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_LICENCES] =
    g_param_spec_object ("licences", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_NON_COMMERCIAL] =
    g_param_spec_boolean ("has-non-commercial", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TciaBasket::save-failed:
   * @error: what went wrong, a TCIA_BASKET_ERROR_IO naming the file
   *
   * A change could not be written. It is tried again with the next change
   * and by tcia_basket_flush().
   */
  signals[SIGNAL_SAVE_FAILED] =
    g_signal_new ("save-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tcia_basket_init (TciaBasket *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_uid = g_hash_table_new (g_str_hash, g_str_equal);
  self->licences = g_list_store_new (TCIA_TYPE_BASKET_LICENCE);
  self->licence_entries = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                 g_free, tcia_basket_licence_entry_free);
}

/* ---- Public API ------------------------------------------------------------- */

TciaBasket *
tcia_basket_new (GFile *file)
{
  g_return_val_if_fail (file == NULL || G_IS_FILE (file), NULL);

  return g_object_new (TCIA_TYPE_BASKET, "file", file, NULL);
}

GFile *
tcia_basket_get_file (TciaBasket *self)
{
  g_return_val_if_fail (TCIA_IS_BASKET (self), NULL);

  return self->file;
}

gboolean
tcia_basket_add (TciaBasket *self,
                 TciaSeries *series)
{
  g_return_val_if_fail (TCIA_IS_BASKET (self), FALSE);
  g_return_val_if_fail (TCIA_IS_SERIES (series), FALSE);

  return add_many (self, &series, 1, TRUE) == 1;
}

guint
tcia_basket_add_many (TciaBasket         *self,
                      TciaSeries * const *series,
                      guint               n_series)
{
  g_return_val_if_fail (TCIA_IS_BASKET (self), 0);
  g_return_val_if_fail (series != NULL || n_series == 0, 0);

  return add_many (self, series, n_series, TRUE);
}

guint
tcia_basket_add_model (TciaBasket *self,
                       GListModel *series)
{
  g_autoptr(GPtrArray) array = NULL;
  guint n;

  g_return_val_if_fail (TCIA_IS_BASKET (self), 0);
  g_return_val_if_fail (G_IS_LIST_MODEL (series), 0);
  g_return_val_if_fail (g_type_is_a (g_list_model_get_item_type (series), TCIA_TYPE_SERIES), 0);

  n = g_list_model_get_n_items (series);
  array = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (array, g_list_model_get_item (series, i));

  return add_many (self, (TciaSeries * const *) array->pdata, array->len, TRUE);
}

TciaBasketRemoval *
tcia_basket_remove (TciaBasket *self,
                    const char *series_uid)
{
  const char *uids[] = { series_uid, NULL };
  TciaBasketRemoval *removal;

  g_return_val_if_fail (TCIA_IS_BASKET (self), NULL);
  g_return_val_if_fail (series_uid != NULL, NULL);

  if (!tcia_basket_contains (self, series_uid))
    return NULL;

  removal = tcia_basket_remove_many (self, uids);
  g_assert (removal->entries->len == 1);

  return removal;
}

TciaBasketRemoval *
tcia_basket_remove_many (TciaBasket         *self,
                         const char * const *series_uids)
{
  g_autoptr(GHashTable) set = NULL;

  g_return_val_if_fail (TCIA_IS_BASKET (self), NULL);
  g_return_val_if_fail (series_uids != NULL, NULL);

  set = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; series_uids[i] != NULL; i++)
    if (g_hash_table_contains (self->by_uid, series_uids[i]))
      g_hash_table_add (set, (gpointer) series_uids[i]);

  if (g_hash_table_size (set) == 0)
    return removal_new ();

  return remove_where (self, take_if_in_set, set, TRUE);
}

TciaBasketRemoval *
tcia_basket_clear (TciaBasket *self)
{
  g_return_val_if_fail (TCIA_IS_BASKET (self), NULL);

  if (self->items->len == 0)
    return removal_new ();

  return remove_where (self, take_all, NULL, TRUE);
}

guint
tcia_basket_restore (TciaBasket        *self,
                     TciaBasketRemoval *removal)
{
  g_autoptr(GPtrArray) old_items = NULL;
  guint first = G_MAXUINT;
  guint restored = 0;
  guint next = 0;
  guint old_len;
  Totals before;

  g_return_val_if_fail (TCIA_IS_BASKET (self), 0);
  g_return_val_if_fail (removal != NULL, 0);

  totals_get (self, &before);
  old_len = self->items->len;

  /* A merge, not one insertion per series: undoing a clear of 100,000
   * series must not move the rest 100,000 times. */
  old_items = g_steal_pointer (&self->items);
  g_ptr_array_set_free_func (old_items, NULL);
  self->items = g_ptr_array_new_full (old_len + removal->entries->len, g_object_unref);

  for (guint i = 0; i < removal->entries->len; i++)
    {
      RemovedEntry *entry = &g_array_index (removal->entries, RemovedEntry, i);
      const char *uid = tcia_series_get_series_uid (entry->series);

      if (g_hash_table_contains (self->by_uid, uid))
        continue;

      while (self->items->len < entry->position && next < old_len)
        g_ptr_array_add (self->items, g_ptr_array_index (old_items, next++));

      first = MIN (first, self->items->len);
      g_ptr_array_add (self->items, g_object_ref (entry->series));
      g_hash_table_insert (self->by_uid, (gpointer) uid, entry->series);
      tcia_basket_account (self, entry->series, 1);
      restored++;
    }

  while (next < old_len)
    g_ptr_array_add (self->items, g_ptr_array_index (old_items, next++));

  if (restored > 0)
    changed (self, first, old_len - first, self->items->len - first, &before, TRUE);

  return restored;
}

gboolean
tcia_basket_contains (TciaBasket *self,
                      const char *series_uid)
{
  g_return_val_if_fail (TCIA_IS_BASKET (self), FALSE);

  return series_uid != NULL && g_hash_table_contains (self->by_uid, series_uid);
}

TciaSeries *
tcia_basket_lookup (TciaBasket *self,
                    const char *series_uid)
{
  g_return_val_if_fail (TCIA_IS_BASKET (self), NULL);

  if (series_uid == NULL)
    return NULL;

  return g_hash_table_lookup (self->by_uid, series_uid);
}

char **
tcia_basket_dup_uids (TciaBasket *self)
{
  char **uids;
  guint i;

  g_return_val_if_fail (TCIA_IS_BASKET (self), NULL);

  uids = g_new (char *, self->items->len + 1);
  for (i = 0; i < self->items->len; i++)
    uids[i] = g_strdup (tcia_series_get_series_uid (g_ptr_array_index (self->items, i)));
  uids[i] = NULL;

  return uids;
}

GPtrArray *
tcia_basket_snapshot (TciaBasket *self)
{
  GPtrArray *snapshot;

  g_return_val_if_fail (TCIA_IS_BASKET (self), NULL);

  snapshot = g_ptr_array_new_full (self->items->len, g_object_unref);
  for (guint i = 0; i < self->items->len; i++)
    g_ptr_array_add (snapshot, g_object_ref (g_ptr_array_index (self->items, i)));

  return snapshot;
}

guint
tcia_basket_get_n_series (TciaBasket *self)
{
  g_return_val_if_fail (TCIA_IS_BASKET (self), 0);

  return self->items->len;
}

guint64
tcia_basket_get_n_images (TciaBasket *self)
{
  g_return_val_if_fail (TCIA_IS_BASKET (self), 0);

  return self->n_images;
}

guint64
tcia_basket_get_total_bytes (TciaBasket *self)
{
  g_return_val_if_fail (TCIA_IS_BASKET (self), 0);

  return self->total_bytes;
}

guint64
tcia_basket_get_estimated_download_bytes (TciaBasket *self)
{
  g_return_val_if_fail (TCIA_IS_BASKET (self), 0);

  /* Without overflowing for any total. */
  return self->total_bytes / 100 * TCIA_BASKET_DOWNLOAD_PERCENT +
         self->total_bytes % 100 * TCIA_BASKET_DOWNLOAD_PERCENT / 100;
}

GListModel *
tcia_basket_get_licences (TciaBasket *self)
{
  g_return_val_if_fail (TCIA_IS_BASKET (self), NULL);

  return G_LIST_MODEL (self->licences);
}

gboolean
tcia_basket_get_has_non_commercial (TciaBasket *self)
{
  g_return_val_if_fail (TCIA_IS_BASKET (self), FALSE);

  return self->n_non_commercial > 0;
}
