/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The basket's file: written a moment after each change in a worker thread,
 * read back at start, set aside when damaged. */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <errno.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tcia-basket.h"
#include "tcia-basket-parts-private.h"
#include "tcia-basket-private.h"
#include "tcia-series-file.h"

/* Changes are written this long after the last one, so that a burst of
 * changes (a selection added row by row) is one write. */
#define SAVE_DELAY_MS 100

/* What the basket shares with the writes in flight, which may outlive it.
 * Writes are serialised by the mutex and numbered by generation, so that an
 * older snapshot never overwrites a newer one whatever order the worker
 * threads run in. */
struct _TciaBasketSaveState
{
  gatomicrefcount  ref_count;
  GMutex           mutex;
  GFile           *file;
  guint64          written;     /* generation of the last successful write */
};

TciaBasketSaveState *
tcia_basket_save_state_new (GFile *file)
{
  TciaBasketSaveState *state = g_new0 (TciaBasketSaveState, 1);

  g_atomic_ref_count_init (&state->ref_count);
  g_mutex_init (&state->mutex);
  state->file = g_object_ref (file);

  return state;
}

static TciaBasketSaveState *
save_state_ref (TciaBasketSaveState *state)
{
  g_atomic_ref_count_inc (&state->ref_count);

  return state;
}

void
tcia_basket_save_state_unref (TciaBasketSaveState *state)
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
write_locked (TciaBasketSaveState  *state,
              GPtrArray            *series,
              guint64               generation,
              GError              **error)
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
save_state_write (TciaBasketSaveState  *state,
                  GPtrArray            *series,
                  guint64               generation,
                  GError              **error)
{
  gboolean ok;

  g_mutex_lock (&state->mutex);
  ok = write_locked (state, series, generation, error);
  g_mutex_unlock (&state->mutex);

  return ok;
}

typedef struct
{
  TciaBasketSaveState *state;
  GPtrArray           *series;
  guint64              generation;
  GWeakRef             basket;
} SaveJob;

static void
save_job_free (gpointer data)
{
  SaveJob *job = data;

  tcia_basket_save_state_unref (job->state);
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
    g_signal_emit_by_name (self, "save-failed", error);
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

void
tcia_basket_schedule_save (TciaBasket *self)
{
  self->generation++;

  if (self->save == NULL || self->save_disabled || self->save_source != 0)
    return;

  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
  g_source_set_name_by_id (self->save_source, "[tcia-basket] save");
}

/* ---- The basket file ------------------------------------------------------- */

GBytes *
tcia_basket_serialize (GPtrArray *series)
{
  TciaSeriesFileWriter *writer;

  g_return_val_if_fail (series != NULL, NULL);

  writer = tcia_series_file_writer_new (TCIA_BASKET_FILE_VERSION);
  tcia_series_file_writer_begin_list (writer, "series");
  for (guint i = 0; i < series->len; i++)
    tcia_series_file_writer_add_series (writer, g_ptr_array_index (series, i), NULL);

  return tcia_series_file_writer_finish (writer);
}

GPtrArray *
tcia_basket_parse (const char  *data,
                   gsize        len,
                   guint       *n_skipped,
                   GError     **error)
{
  g_autoptr(TciaSeriesFile) file = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  file = tcia_series_file_parse (data, len, TCIA_BASKET_FILE_VERSION, "series", FALSE, error);
  if (file == NULL)
    return NULL;
  if (n_skipped != NULL)
    *n_skipped = file->n_skipped;

  return g_steal_pointer (&file->series);
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

GFile *
tcia_basket_get_default_file (void)
{
  return g_file_new_build_filename (g_get_user_data_dir (), "tcia-basket", "basket.json", NULL);
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
          tcia_basket_replace_all (self, NULL);
          self->save_disabled = FALSE;
          mark_saved (self);
          return TRUE;
        }

      tcia_basket_replace_all (self, NULL);
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

      tcia_basket_replace_all (self, NULL);
      aside = tcia_series_file_set_aside (self->file, TRUE, &aside_error);
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

  tcia_basket_replace_all (self, series);
  self->save_disabled = FALSE;
  mark_saved (self);

  if (n_skipped == 0)
    return TRUE;

  aside = tcia_series_file_set_aside (self->file, FALSE, &local_error);
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
