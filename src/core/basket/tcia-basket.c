/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "tcia-basket.h"
#include "tcia-basket-private.h"
#include "tcia-records-private.h"

/* Changes are written this long after the last one, so that a burst of
 * changes (a selection added row by row) is one write. */
#define SAVE_DELAY_MS 100

/* What the basket shares with the writes in flight, which may outlive it.
 * Writes are serialised by the mutex and numbered by generation, so that an
 * older snapshot never overwrites a newer one whatever order the worker
 * threads run in. */
typedef struct
{
  gatomicrefcount  ref_count;
  GMutex           mutex;
  GFile           *file;
  guint64          written;     /* generation of the last successful write */
} SaveState;

typedef struct
{
  TciaBasketLicence *licence;   /* owned */
  guint              n_series;
} LicenceEntry;

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

struct _TciaBasket
{
  GObject      parent_instance;

  GFile       *file;
  GPtrArray   *items;           /* TciaSeries */
  GHashTable  *by_uid;          /* series UID (the series' own string) -> TciaSeries */

  guint64      n_images;
  guint64      total_bytes;
  guint        n_non_commercial;
  GListStore  *licences;        /* TciaBasketLicence, sorted */
  GHashTable  *licence_entries; /* "name\x1furi" -> LicenceEntry */

  SaveState   *save;            /* NULL for a basket in memory */
  guint64      generation;      /* bumped by every change */
  guint        save_source;
  /* The file could not be read or moved aside: never write over it. */
  gboolean     save_disabled;
};

static void tcia_basket_list_model_init (GListModelInterface *iface);

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

/* ---- Save state ---------------------------------------------------------- */

static SaveState *
save_state_new (GFile *file)
{
  SaveState *state = g_new0 (SaveState, 1);

  g_atomic_ref_count_init (&state->ref_count);
  g_mutex_init (&state->mutex);
  state->file = g_object_ref (file);

  return state;
}

static SaveState *
save_state_ref (SaveState *state)
{
  g_atomic_ref_count_inc (&state->ref_count);

  return state;
}

static void
save_state_unref (SaveState *state)
{
  if (g_atomic_ref_count_dec (&state->ref_count))
    {
      g_mutex_clear (&state->mutex);
      g_object_unref (state->file);
      g_free (state);
    }
}

static char *
file_display_name (GFile *file)
{
  return g_file_get_parse_name (file);
}

/* A temporary file beside @file, written, synced and renamed over it: the
 * file is always the old or the new contents, even on the first write (which
 * g_file_replace_contents() does in place) and across a crash. */
gboolean
tcia_basket_write_file (GFile         *file,
                        const char    *data,
                        gsize          len,
                        int            mode,
                        GCancellable  *cancellable,
                        GError       **error)
{
  const char *path = g_file_peek_path (file);

  if (path == NULL)
    return g_file_replace_contents (file, data, len, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                    cancellable, error);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  return g_file_set_contents_full (path, data, (gssize) len,
                                   G_FILE_SET_CONTENTS_CONSISTENT |
                                   G_FILE_SET_CONTENTS_DURABLE,
                                   mode, error);
}

/* More than any sane chain of links; the kernel's own limit is 40. */
#define MAX_LINK_HOPS 32

/* The file a save of @path must replace so that a basket file that is a
 * symbolic link (to a dotfiles repository, a synced folder) stays one: the
 * final target of the chain of links, relative targets taken from the
 * folder of the link that names them. @path itself when it is not a link
 * or does not exist yet. A dangling link or a loop is an error: writing
 * anywhere else would leave the basket where nobody looks for it. */
static char *
resolve_links (const char  *path,
               GError     **error)
{
  g_autofree char *current = g_strdup (path);
  guint hops;

  for (hops = 0; hops <= MAX_LINK_HOPS; hops++)
    {
      g_autofree char *target = NULL;
      g_autofree char *folder = NULL;
      GStatBuf st;

      if (g_lstat (current, &st) != 0)
        {
          int saved_errno = errno;
          g_autofree char *missing = g_filename_display_name (current);

          if (saved_errno == ENOENT && hops == 0)
            return g_steal_pointer (&current);

          if (saved_errno == ENOENT)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                         _("it is a link to “%s”, which does not exist"), missing);
          else
            g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                         "%s: %s", missing, g_strerror (saved_errno));
          return NULL;
        }

      if (!S_ISLNK (st.st_mode))
        return g_steal_pointer (&current);

      target = g_file_read_link (current, error);
      if (target == NULL)
        return NULL;

      if (g_path_is_absolute (target))
        {
          g_free (current);
          current = g_steal_pointer (&target);
        }
      else
        {
          folder = g_path_get_dirname (current);
          g_free (current);
          current = g_build_filename (folder, target, NULL);
        }
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_LINKS,
               _("it is a link that leads back to itself or through more than %u links"),
               MAX_LINK_HOPS);

  return NULL;
}

/* Writes @series as generation @generation unless something newer has been
 * written already. */
static gboolean
write_locked (SaveState  *state,
              GPtrArray  *series,
              guint64     generation,
              GError    **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autoptr(GFile) target_file = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;

  if (generation <= state->written)
    return TRUE;

  bytes = tcia_basket_serialize (series);

  parent = g_file_get_parent (state->file);
  if (parent != NULL &&
      !g_file_make_directory_with_parents (parent, NULL, &local_error) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    goto failed;
  g_clear_error (&local_error);

  /* The new contents go next to the link's target, renamed over it there,
   * rather than over the link itself. */
  if (g_file_peek_path (state->file) != NULL)
    {
      g_autofree char *target = resolve_links (g_file_peek_path (state->file), &local_error);

      if (target == NULL)
        goto failed;
      target_file = g_file_new_for_path (target);
    }
  else
    target_file = g_object_ref (state->file);

  if (!tcia_basket_write_file (target_file, g_bytes_get_data (bytes, NULL),
                               g_bytes_get_size (bytes), 0600, NULL, &local_error))
    goto failed;

  state->written = generation;

  return TRUE;

failed:
  name = file_display_name (state->file);
  g_set_error (error, TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_IO,
               _("Could not save the basket to “%s”: %s"), name, local_error->message);

  return FALSE;
}

static gboolean
save_state_write (SaveState  *state,
                  GPtrArray  *series,
                  guint64     generation,
                  GError    **error)
{
  gboolean ok;

  g_mutex_lock (&state->mutex);
  ok = write_locked (state, series, generation, error);
  g_mutex_unlock (&state->mutex);

  return ok;
}

typedef struct
{
  SaveState *state;
  GPtrArray *series;
  guint64    generation;
  GWeakRef   basket;
} SaveJob;

static void
save_job_free (gpointer data)
{
  SaveJob *job = data;

  save_state_unref (job->state);
  g_ptr_array_unref (job->series);
  g_weak_ref_clear (&job->basket);
  g_free (job);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveJob *job = task_data;
  GError *error = NULL;

  if (save_state_write (job->state, job->series, job->generation, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
save_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SaveJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(TciaBasket) self = g_weak_ref_get (&job->basket);
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    return;

  if (self != NULL)
    g_signal_emit (self, signals[SIGNAL_SAVE_FAILED], 0, error);
  else
    g_warning ("%s", error->message);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  TciaBasket *self = user_data;
  g_autoptr(GTask) task = NULL;
  SaveJob *job;

  self->save_source = 0;

  job = g_new0 (SaveJob, 1);
  job->state = save_state_ref (self->save);
  job->series = tcia_basket_snapshot (self);
  job->generation = self->generation;
  g_weak_ref_init (&job->basket, self);

  task = g_task_new (NULL, NULL, save_done_cb, NULL);
  g_task_set_source_tag (task, save_timeout_cb);
  g_task_set_name (task, "[tcia-basket] save");
  g_task_set_task_data (task, job, save_job_free);
  g_task_run_in_thread (task, save_thread);

  return G_SOURCE_REMOVE;
}

static void
schedule_save (TciaBasket *self)
{
  self->generation++;

  if (self->save == NULL || self->save_disabled || self->save_source != 0)
    return;

  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
  g_source_set_name_by_id (self->save_source, "[tcia-basket] save");
}

/* ---- Totals and licences --------------------------------------------------- */

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
licence_entry_free (gpointer data)
{
  LicenceEntry *entry = data;

  g_object_unref (entry->licence);
  g_free (entry);
}

/* Adds (@sign 1) or removes (-1) @series from the totals and the licence
 * counts. The licence list itself is brought up to date by sync_licences(),
 * once per batch. */
static void
account (TciaBasket *self,
         TciaSeries *series,
         int         sign)
{
  const char *name = tcia_series_get_license_name (series);
  const char *uri = tcia_series_get_license_uri (series);
  guint64 images = tcia_series_get_image_count (series);
  guint64 bytes = tcia_series_get_file_size (series);

  if (sign > 0)
    {
      self->n_images += images;
      self->total_bytes += bytes;
    }
  else
    {
      self->n_images -= images;
      self->total_bytes -= bytes;
    }

  if (name != NULL || uri != NULL)
    {
      g_autofree char *key = g_strconcat (name != NULL ? name : "", "\x1f",
                                          uri != NULL ? uri : "", NULL);
      LicenceEntry *entry = g_hash_table_lookup (self->licence_entries, key);

      if (entry == NULL)
        {
          g_assert (sign > 0);
          entry = g_new0 (LicenceEntry, 1);
          entry->licence = tcia_basket_licence_new (name, uri);
          g_hash_table_insert (self->licence_entries, g_steal_pointer (&key), entry);
        }

      g_assert (sign > 0 || entry->n_series > 0);
      entry->n_series += sign;
      if (tcia_basket_licence_get_non_commercial (entry->licence))
        self->n_non_commercial += sign;
    }
}

static void
sync_licences (TciaBasket *self)
{
  GHashTableIter iter;
  LicenceEntry *entry;

  g_hash_table_iter_init (&iter, self->licence_entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      guint position;
      gboolean listed = g_list_store_find (self->licences, entry->licence, &position);

      tcia_basket_licence_set_n_series (entry->licence, entry->n_series);

      if (entry->n_series == 0)
        {
          if (listed)
            g_list_store_remove (self->licences, position);
          g_hash_table_iter_remove (&iter);
        }
      else if (!listed)
        {
          g_list_store_insert_sorted (self->licences, entry->licence,
                                      tcia_basket_licence_compare, NULL);
        }
    }
}

static void
changed (TciaBasket   *self,
         guint         position,
         guint         removed,
         guint         added,
         const Totals *before,
         gboolean      save)
{
  sync_licences (self);
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  totals_notify (self, before);
  if (save)
    schedule_save (self);
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
      account (self, series[i], 1);
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
          account (self, series, -1);
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

/* Replaces everything with @series (NULL for nothing) without saving: the
 * contents come from the file. */
static void
replace_all (TciaBasket *self,
             GPtrArray  *series)
{
  g_autoptr(TciaBasketRemoval) removal = NULL;

  if (self->items->len > 0)
    removal = remove_where (self, take_all, NULL, FALSE);
  if (series != NULL && series->len > 0)
    add_many (self, (TciaSeries * const *) series->pdata, series->len, FALSE);
}

/* ---- The basket file ------------------------------------------------------- */

const TciaRecordInfo *
tcia_basket_series_info (void)
{
  static gsize initialised;

  /* The table is filled in by the class: keep it alive for good. */
  if (g_once_init_enter (&initialised))
    {
      g_type_class_ref (TCIA_TYPE_SERIES);
      g_once_init_leave (&initialised, 1);
    }

  return tcia_record_info_get (TCIA_TYPE_SERIES);
}

static void
gen_string (yajl_gen    gen,
            const char *s)
{
  yajl_gen_string (gen, (const unsigned char *) s, strlen (s));
}

GBytes *
tcia_basket_serialize (GPtrArray *series)
{
  const TciaRecordInfo *info = tcia_basket_series_info ();
  yajl_gen gen;
  const unsigned char *buf;
  size_t len;
  GString *out;
  guint i, f;

  g_return_val_if_fail (series != NULL, NULL);

  gen = yajl_gen_alloc (NULL);
  yajl_gen_map_open (gen);
  gen_string (gen, "version");
  yajl_gen_integer (gen, TCIA_BASKET_FILE_VERSION);
  gen_string (gen, "series");
  yajl_gen_array_open (gen);

  for (i = 0; i < series->len; i++)
    {
      GObject *object = g_ptr_array_index (series, i);

      yajl_gen_map_open (gen);

      for (f = 0; f < info->n_fields; f++)
        {
          const TciaFieldInfo *field = &info->fields[f];
          g_auto(GValue) value = G_VALUE_INIT;
          guint64 number = 0;
          const char *text = NULL;

          g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (info->pspecs[f + 1]));
          tcia_record_get_property (info, object, f + 1, &value);

          switch (field->type)
            {
            case TCIA_FIELD_STRING:
            case TCIA_FIELD_DATE:
            case TCIA_FIELD_SERIES_NUMBER:
              text = g_value_get_string (&value);
              if (text == NULL)
                continue;
              break;
            case TCIA_FIELD_UINT:
              number = g_value_get_uint (&value);
              break;
            case TCIA_FIELD_UINT64:
              number = g_value_get_uint64 (&value);
              break;
            case TCIA_FIELD_COUNT:
            case TCIA_FIELD_VALUE_KIND:
            default:
              continue;   /* no such fields in a series */
            }
          if (text == NULL && number == 0)
            continue;

          gen_string (gen, field->nick);
          if (text != NULL)
            {
              gen_string (gen, text);
            }
          else
            {
              char digits[G_ASCII_DTOSTR_BUF_SIZE];

              /* As digits: a size may exceed what a long long holds. */
              g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, number);
              yajl_gen_number (gen, digits, strlen (digits));
            }
        }

      yajl_gen_map_close (gen);
    }

  yajl_gen_array_close (gen);
  yajl_gen_map_close (gen);

  yajl_gen_get_buf (gen, &buf, &len);
  out = g_string_sized_new (len + 1);
  g_string_append_len (out, (const char *) buf, len);
  g_string_append_c (out, '\n');
  yajl_gen_free (gen);

  return g_string_free_to_bytes (out);
}

typedef enum
{
  TOP_KEY_OTHER,
  TOP_KEY_VERSION,
  TOP_KEY_SERIES,
} TopKey;

typedef struct
{
  TciaRecordBuilder *builder;
  GPtrArray         *series;
  GHashTable        *seen;        /* UIDs of the series so far */
  guint              n_skipped;

  guint              depth;       /* containers open */
  guint              skip_from;   /* depth below which a value is skipped, 0 when not */
  TopKey             top_key;
  gboolean           has_version;
  gint64             version;
  gboolean           has_series;

  char              *key;         /* of the row, pending */
  GPtrArray         *keys;        /* of the row */
  GPtrArray         *values;

  const char        *error;       /* why the parse stopped */
} BasketParser;

static int
parser_fail (BasketParser *p,
             const char   *what)
{
  p->error = what;

  return 0;
}

static void
parser_begin_row (BasketParser *p)
{
  g_ptr_array_set_size (p->keys, 0);
  g_ptr_array_set_size (p->values, 0);
  g_clear_pointer (&p->key, g_free);
}

static void
parser_end_row (BasketParser *p)
{
  GObject *record;
  const char *uid;

  record = tcia_record_builder_add_fields (p->builder,
                                           (const char * const *) p->keys->pdata,
                                           (const char * const *) p->values->pdata,
                                           p->keys->len);
  if (record == NULL)
    {
      p->n_skipped++;
      return;
    }

  uid = tcia_series_get_series_uid (TCIA_SERIES (record));
  if (!g_hash_table_add (p->seen, (gpointer) uid))
    {
      /* The same series twice: nothing is lost by keeping one. */
      g_object_unref (record);
      return;
    }

  g_ptr_array_add (p->series, record);
}

static int
parser_scalar (BasketParser *p,
               const char   *value,
               gsize         len,
               gboolean      is_number)
{
  if (p->skip_from != 0)
    return 1;

  switch (p->depth)
    {
    case 0:
      return parser_fail (p, N_("it is not a JSON object"));

    case 1:
      if (p->top_key == TOP_KEY_VERSION)
        {
          g_autofree char *text = g_strndup (value, len);

          if (!is_number || !g_ascii_string_to_signed (text, 10, 0, G_MAXINT, &p->version,
                                                       NULL))
            return parser_fail (p, N_("its version is not a number"));
          p->has_version = TRUE;
        }
      else if (p->top_key == TOP_KEY_SERIES)
        {
          return parser_fail (p, N_("its series are not a list"));
        }
      return 1;

    case 2:
      /* A row that is not an object. */
      p->n_skipped++;
      return 1;

    default:
      if (p->key != NULL && value != NULL)
        {
          g_ptr_array_add (p->keys, g_steal_pointer (&p->key));
          g_ptr_array_add (p->values, g_strndup (value, len));
        }
      g_clear_pointer (&p->key, g_free);
      return 1;
    }
}

static int
on_null (void *ctx)
{
  BasketParser *p = ctx;

  if (p->skip_from == 0 && p->depth == 1 && p->top_key != TOP_KEY_OTHER)
    return parser_fail (p, N_("its version or series are missing"));

  return parser_scalar (p, NULL, 0, FALSE);
}

static int
on_boolean (void *ctx,
            int   value)
{
  return parser_scalar (ctx, value ? "true" : "false", value ? 4 : 5, FALSE);
}

static int
on_number (void       *ctx,
           const char *value,
           size_t      len)
{
  return parser_scalar (ctx, value, len, TRUE);
}

static int
on_string (void                *ctx,
           const unsigned char *value,
           size_t               len)
{
  return parser_scalar (ctx, (const char *) value, len, FALSE);
}

static int
on_map_key (void                *ctx,
            const unsigned char *key,
            size_t               len)
{
  BasketParser *p = ctx;

  if (p->skip_from != 0)
    return 1;

  if (p->depth == 1)
    {
      if (len == 7 && memcmp (key, "version", 7) == 0)
        p->top_key = TOP_KEY_VERSION;
      else if (len == 6 && memcmp (key, "series", 6) == 0)
        p->top_key = TOP_KEY_SERIES;
      else
        p->top_key = TOP_KEY_OTHER;
    }
  else if (p->depth == 3)
    {
      g_free (p->key);
      p->key = g_strndup ((const char *) key, len);
    }

  return 1;
}

/* Opens a container; @is_map tells which. */
static int
parser_open (BasketParser *p,
             gboolean      is_map)
{
  if (p->skip_from == 0)
    {
      switch (p->depth)
        {
        case 0:
          if (!is_map)
            return parser_fail (p, N_("it is not a JSON object"));
          break;

        case 1:
          if (p->top_key == TOP_KEY_VERSION)
            return parser_fail (p, N_("its version is not a number"));
          if (p->top_key == TOP_KEY_SERIES)
            {
              if (is_map)
                return parser_fail (p, N_("its series are not a list"));
              if (p->has_series)
                return parser_fail (p, N_("it has two lists of series"));
              p->has_series = TRUE;
            }
          else
            {
              p->skip_from = p->depth + 1;
            }
          break;

        case 2:
          if (is_map)
            {
              parser_begin_row (p);
            }
          else
            {
              p->n_skipped++;
              p->skip_from = p->depth + 1;
            }
          break;

        default:
          /* A nested value inside a row: not ours. */
          g_clear_pointer (&p->key, g_free);
          p->skip_from = p->depth + 1;
          break;
        }
    }

  p->depth++;

  return 1;
}

static int
parser_close (BasketParser *p)
{
  p->depth--;

  if (p->skip_from != 0)
    {
      if (p->depth < p->skip_from)
        p->skip_from = 0;
      return 1;
    }

  if (p->depth == 2)
    parser_end_row (p);

  return 1;
}

static int
on_start_map (void *ctx)
{
  return parser_open (ctx, TRUE);
}

static int
on_start_array (void *ctx)
{
  return parser_open (ctx, FALSE);
}

static int
on_end (void *ctx)
{
  return parser_close (ctx);
}

static const yajl_callbacks parser_callbacks = {
  .yajl_null = on_null,
  .yajl_boolean = on_boolean,
  .yajl_number = on_number,
  .yajl_string = on_string,
  .yajl_start_map = on_start_map,
  .yajl_map_key = on_map_key,
  .yajl_end_map = on_end,
  .yajl_start_array = on_start_array,
  .yajl_end_array = on_end,
};

/* The file is read with yajl rather than json-glib: a basket of 100,000
 * series is a file of ~100 MB, which a DOM would take seconds and hundreds
 * of MB to read (BUILD-NOTES.md). Rows go straight into one record builder. */
GPtrArray *
tcia_basket_parse (const char  *data,
                   gsize        len,
                   guint       *n_skipped,
                   GError     **error)
{
  BasketParser p = { 0 };
  yajl_handle handle;
  yajl_status status;
  GPtrArray *result = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  tcia_basket_series_info ();

  p.builder = tcia_record_builder_new (TCIA_TYPE_SERIES, MIN (len + 64, 1024 * 1024));
  p.series = g_ptr_array_new_with_free_func (g_object_unref);
  p.seen = g_hash_table_new (g_str_hash, g_str_equal);
  p.keys = g_ptr_array_new_with_free_func (g_free);
  p.values = g_ptr_array_new_with_free_func (g_free);

  handle = yajl_alloc (&parser_callbacks, NULL, &p);
  status = yajl_parse (handle, (const unsigned char *) data, len);
  if (status == yajl_status_ok)
    status = yajl_complete_parse (handle);

  if (status != yajl_status_ok)
    {
      if (p.error != NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _(p.error));
        }
      else
        {
          unsigned char *text = yajl_get_error (handle, 0, (const unsigned char *) data, len);
          g_autofree char *message = g_strstrip (g_strdup ((const char *) text));

          yajl_free_error (handle, text);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("it is not valid JSON (%s)"), message);
        }
    }
  else if (!p.has_version)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("it has no version"));
    }
  else if (p.version != TCIA_BASKET_FILE_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("it is version %d, this program reads version %d"),
                   (int) p.version, TCIA_BASKET_FILE_VERSION);
    }
  else if (!p.has_series)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("it has no list of series"));
    }
  else
    {
      result = g_steal_pointer (&p.series);
      if (n_skipped != NULL)
        *n_skipped = p.n_skipped;
    }

  yajl_free (handle);
  g_clear_pointer (&p.series, g_ptr_array_unref);
  g_hash_table_unref (p.seen);
  g_ptr_array_unref (p.keys);
  g_ptr_array_unref (p.values);
  g_free (p.key);
  tcia_record_builder_free (p.builder);

  return result;
}

/* Moves (or copies) @file to "<name>.corrupt-<date>-<time>[-N]" beside it,
 * never over an existing file. */
static GFile *
set_aside (GFile     *file,
           gboolean   move,
           GError   **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *base = g_file_get_basename (file);
  g_autoptr(GFile) parent = g_file_get_parent (file);

  for (guint i = 1; i <= 100; i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GFile) aside = NULL;
      g_autoptr(GError) local_error = NULL;
      gboolean ok;

      if (i == 1)
        name = g_strdup_printf ("%s.corrupt-%s", base, stamp);
      else
        name = g_strdup_printf ("%s.corrupt-%s-%u", base, stamp, i);
      aside = g_file_get_child (parent, name);

      if (move)
        ok = g_file_move (file, aside, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL,
                          &local_error);
      else
        ok = g_file_copy (file, aside, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL,
                          &local_error);
      if (ok)
        return g_steal_pointer (&aside);
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("Too many copies already"));

  return NULL;
}

/* The file now holds what the basket holds: nothing to write. */
static void
mark_saved (TciaBasket *self)
{
  g_clear_handle_id (&self->save_source, g_source_remove);

  g_mutex_lock (&self->save->mutex);
  self->save->written = self->generation;
  g_mutex_unlock (&self->save->mutex);
}

/* ---- GObject ---------------------------------------------------------------- */

static GType
tcia_basket_get_item_type (GListModel *model)
{
  return TCIA_TYPE_SERIES;
}

static guint
tcia_basket_get_n_items (GListModel *model)
{
  return TCIA_BASKET (model)->items->len;
}

static gpointer
tcia_basket_get_item (GListModel *model,
                      guint       position)
{
  TciaBasket *self = TCIA_BASKET (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
tcia_basket_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tcia_basket_get_item_type;
  iface->get_n_items = tcia_basket_get_n_items;
  iface->get_item = tcia_basket_get_item;
}

static void
tcia_basket_constructed (GObject *object)
{
  TciaBasket *self = TCIA_BASKET (object);

  G_OBJECT_CLASS (tcia_basket_parent_class)->constructed (object);

  if (self->file != NULL)
    self->save = save_state_new (self->file);
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
  g_clear_pointer (&self->save, save_state_unref);
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
                                                 g_free, licence_entry_free);
}

/* ---- Public API ------------------------------------------------------------- */

GFile *
tcia_basket_get_default_file (void)
{
  return g_file_new_build_filename (g_get_user_data_dir (), "tcia-basket", "basket.json", NULL);
}

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
tcia_basket_load (TciaBasket  *self,
                  GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(GFile) aside = NULL;
  g_autofree char *aside_name = NULL;
  gsize len = 0;
  guint n_skipped = 0;

  g_return_val_if_fail (TCIA_IS_BASKET (self), FALSE);
  g_return_val_if_fail (self->file != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = file_display_name (self->file);

  if (!g_file_load_contents (self->file, NULL, &contents, &len, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          replace_all (self, NULL);
          self->save_disabled = FALSE;
          mark_saved (self);
          return TRUE;
        }

      replace_all (self, NULL);
      self->save_disabled = TRUE;
      g_set_error (error, TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_IO,
                   _("Could not read the basket “%s”: %s. It is left as it is, and changes "
                     "to the basket will not be saved."),
                   name, local_error->message);
      return FALSE;
    }

  series = tcia_basket_parse (contents, len, &n_skipped, &local_error);
  if (series == NULL)
    {
      g_autoptr(GError) aside_error = NULL;

      replace_all (self, NULL);
      aside = set_aside (self->file, TRUE, &aside_error);
      if (aside == NULL)
        {
          self->save_disabled = TRUE;
          g_set_error (error, TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_CORRUPT,
                       _("The basket “%s” is damaged: %s. It could not be moved aside (%s), "
                         "so it is left as it is and changes to the basket will not be saved."),
                       name, local_error->message, aside_error->message);
          return FALSE;
        }

      self->save_disabled = FALSE;
      mark_saved (self);
      aside_name = file_display_name (aside);
      g_set_error (error, TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_CORRUPT,
                   _("The basket “%s” was damaged: %s. It was moved to “%s” and the basket "
                     "starts empty."),
                   name, local_error->message, aside_name);
      return FALSE;
    }

  replace_all (self, series);
  self->save_disabled = FALSE;
  mark_saved (self);

  if (n_skipped == 0)
    return TRUE;

  aside = set_aside (self->file, FALSE, &local_error);
  if (aside == NULL)
    {
      self->save_disabled = TRUE;
      g_set_error (error, TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_PARTIAL,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%u entry of the basket “%s” has no series UID and was left "
                                "out. The file could not be copied aside (%s), so it is left "
                                "as it is and changes to the basket will not be saved.",
                                "%u entries of the basket “%s” have no series UID and were left "
                                "out. The file could not be copied aside (%s), so it is left "
                                "as it is and changes to the basket will not be saved.",
                                n_skipped),
                   n_skipped, name, local_error->message);
      return FALSE;
    }

  aside_name = file_display_name (aside);
  g_set_error (error, TCIA_BASKET_ERROR, TCIA_BASKET_ERROR_PARTIAL,
               g_dngettext (GETTEXT_PACKAGE,
                            "%u entry of the basket “%s” has no series UID and was left out. "
                            "The original file was saved as “%s”.",
                            "%u entries of the basket “%s” have no series UID and were left "
                            "out. The original file was saved as “%s”.",
                            n_skipped),
               n_skipped, name, aside_name);

  return FALSE;
}

gboolean
tcia_basket_flush (TciaBasket  *self,
                   GError     **error)
{
  g_autoptr(GPtrArray) snapshot = NULL;

  g_return_val_if_fail (TCIA_IS_BASKET (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_clear_handle_id (&self->save_source, g_source_remove);

  if (self->save == NULL || self->save_disabled)
    return TRUE;

  snapshot = tcia_basket_snapshot (self);

  return save_state_write (self->save, snapshot, self->generation, error);
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
      account (self, entry->series, 1);
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
