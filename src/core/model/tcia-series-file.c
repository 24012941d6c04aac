/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "tcia-series-file.h"

/* ---- Writing ---------------------------------------------------------------- */

struct _TciaSeriesFileWriter
{
  yajl_gen gen;
  gboolean in_list;
};

const TciaRecordInfo *
tcia_series_file_record_info (void)
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

static void
gen_series (yajl_gen    gen,
            TciaSeries *series)
{
  const TciaRecordInfo *info = tcia_series_file_record_info ();

  yajl_gen_map_open (gen);
  for (guint f = 0; f < info->n_fields; f++)
    {
      const TciaFieldInfo *field = &info->fields[f];
      g_auto(GValue) value = G_VALUE_INIT;
      char digits[32];
      const char *text = NULL;
      guint64 number = 0;

      g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (info->pspecs[f + 1]));
      tcia_record_get_property (info, G_OBJECT (series), f + 1, &value);
      switch (field->type)
        {
        case TCIA_FIELD_STRING:
        case TCIA_FIELD_DATE:
        case TCIA_FIELD_SERIES_NUMBER:
          text = g_value_get_string (&value);
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
          break;   /* no such fields in a series */
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
          /* As digits: a size may exceed what a long long holds. */
          g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, number);
          yajl_gen_number (gen, digits, strlen (digits));
        }
    }
  yajl_gen_map_close (gen);
}

TciaSeriesFileWriter *
tcia_series_file_writer_new (guint version)
{
  TciaSeriesFileWriter *self = g_new0 (TciaSeriesFileWriter, 1);

  self->gen = yajl_gen_alloc (NULL);
  yajl_gen_map_open (self->gen);
  gen_string (self->gen, "version");
  yajl_gen_integer (self->gen, version);

  return self;
}

void
tcia_series_file_writer_add_string (TciaSeriesFileWriter *self,
                                    const char           *key,
                                    const char           *value)
{
  g_return_if_fail (self != NULL && !self->in_list);
  g_return_if_fail (key != NULL && value != NULL);

  gen_string (self->gen, key);
  gen_string (self->gen, value);
}

void
tcia_series_file_writer_add_integer (TciaSeriesFileWriter *self,
                                     const char           *key,
                                     gint64                value)
{
  g_return_if_fail (self != NULL && !self->in_list);
  g_return_if_fail (key != NULL);

  gen_string (self->gen, key);
  yajl_gen_integer (self->gen, value);
}

void
tcia_series_file_writer_begin_list (TciaSeriesFileWriter *self,
                                    const char           *key)
{
  g_return_if_fail (self != NULL && !self->in_list);
  g_return_if_fail (key != NULL);

  gen_string (self->gen, key);
  yajl_gen_array_open (self->gen);
  self->in_list = TRUE;
}

void
tcia_series_file_writer_add_series (TciaSeriesFileWriter *self,
                                    TciaSeries           *series,
                                    const char           *state)
{
  g_return_if_fail (self != NULL && self->in_list);
  g_return_if_fail (TCIA_IS_SERIES (series));

  if (state == NULL)
    {
      gen_series (self->gen, series);
      return;
    }

  yajl_gen_map_open (self->gen);
  gen_string (self->gen, "state");
  gen_string (self->gen, state);
  gen_string (self->gen, "series");
  gen_series (self->gen, series);
  yajl_gen_map_close (self->gen);
}

GBytes *
tcia_series_file_writer_finish (TciaSeriesFileWriter *self)
{
  const unsigned char *buf;
  size_t len;
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->in_list)
    yajl_gen_array_close (self->gen);
  yajl_gen_map_close (self->gen);

  yajl_gen_get_buf (self->gen, &buf, &len);
  out = g_string_sized_new (len + 1);
  g_string_append_len (out, (const char *) buf, len);
  g_string_append_c (out, '\n');
  yajl_gen_free (self->gen);
  g_free (self);

  return g_string_free_to_bytes (out);
}

/* ---- Reading ---------------------------------------------------------------- */

/* Depths, counted in containers open before a value. */
enum
{
  DEPTH_TOP = 1,     /* members of the top object */
  DEPTH_ROWS = 2,    /* rows of the list */
  DEPTH_ROW = 3,     /* members of a row */
  DEPTH_WRAPPED = 4, /* members of a wrapped row's series */
};

typedef enum
{
  TOP_KEY_OTHER,
  TOP_KEY_VERSION,
  TOP_KEY_LIST,
} TopKey;

typedef struct
{
  const char        *list_key;
  gboolean           wrapped;
  guint              field_depth; /* where a series' members are */

  TciaRecordBuilder *builder;
  TciaSeriesFile    *file;
  GHashTable        *seen;        /* UIDs of the series so far */

  guint              depth;       /* containers open */
  guint              skip_from;   /* depth below which a value is skipped, 0 when not */
  TopKey             top_key;
  char              *top_name;    /* of a header member, pending */
  gboolean           has_version;
  gint64             version;
  gboolean           has_list;

  char              *key;         /* of the series' member, pending */
  GPtrArray         *keys;        /* of the series */
  GPtrArray         *values;
  char              *row_key;     /* of a wrapped row's member, pending */
  char              *row_state;
  gboolean           row_has_series;

  const char        *error;       /* why the parse stopped */
} Parser;

static int
parser_fail (Parser     *p,
             const char *what)
{
  p->error = what;

  return 0;
}

static void
parser_begin_row (Parser *p)
{
  g_ptr_array_set_size (p->keys, 0);
  g_ptr_array_set_size (p->values, 0);
  g_clear_pointer (&p->key, g_free);
  g_clear_pointer (&p->row_key, g_free);
  g_clear_pointer (&p->row_state, g_free);
  p->row_has_series = FALSE;
}

static void
parser_end_row (Parser *p)
{
  GObject *record;
  const char *uid;

  if (p->wrapped && !p->row_has_series)
    {
      p->file->n_skipped++;
      return;
    }

  record = tcia_record_builder_add_fields (p->builder,
                                           (const char * const *) p->keys->pdata,
                                           (const char * const *) p->values->pdata,
                                           p->keys->len);
  if (record == NULL)
    {
      p->file->n_skipped++;
      return;
    }

  uid = tcia_series_get_series_uid (TCIA_SERIES (record));
  if (!g_hash_table_add (p->seen, (gpointer) uid))
    {
      /* The same series twice: nothing is lost by keeping one. */
      g_object_unref (record);
      return;
    }

  g_ptr_array_add (p->file->series, record);
  if (p->file->states != NULL)
    g_ptr_array_add (p->file->states, g_steal_pointer (&p->row_state));
}

static int
parser_scalar (Parser     *p,
               const char *value,
               gsize       len,
               gboolean    is_number)
{
  if (p->skip_from != 0)
    return 1;

  if (p->depth == 0)
    return parser_fail (p, N_("it is not a JSON object"));

  if (p->depth == DEPTH_TOP)
    {
      if (p->top_key == TOP_KEY_VERSION)
        {
          g_autofree char *text = g_strndup (value, len);

          if (!is_number || !g_ascii_string_to_signed (text, 10, 0, G_MAXINT, &p->version,
                                                       NULL))
            return parser_fail (p, N_("its version is not a number"));
          p->has_version = TRUE;
        }
      else if (p->top_key == TOP_KEY_LIST)
        {
          return parser_fail (p, N_("its series are not a list"));
        }
      else if (p->top_name != NULL && value != NULL)
        {
          g_hash_table_replace (p->file->header, g_steal_pointer (&p->top_name),
                                g_strndup (value, len));
        }
      g_clear_pointer (&p->top_name, g_free);
      return 1;
    }

  if (p->depth == DEPTH_ROWS)
    {
      /* A row that is not an object. */
      p->file->n_skipped++;
      return 1;
    }

  if (p->depth == p->field_depth)
    {
      if (p->key != NULL && value != NULL)
        {
          g_ptr_array_add (p->keys, g_steal_pointer (&p->key));
          g_ptr_array_add (p->values, g_strndup (value, len));
        }
      g_clear_pointer (&p->key, g_free);
    }
  else if (p->depth == DEPTH_ROW && p->wrapped)
    {
      if (g_strcmp0 (p->row_key, "state") == 0 && value != NULL && !is_number)
        {
          g_free (p->row_state);
          p->row_state = g_strndup (value, len);
        }
      g_clear_pointer (&p->row_key, g_free);
    }

  return 1;
}

static int
on_null (void *ctx)
{
  Parser *p = ctx;

  if (p->skip_from == 0 && p->depth == DEPTH_TOP && p->top_key != TOP_KEY_OTHER)
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
  Parser *p = ctx;

  if (p->skip_from != 0)
    return 1;

  if (p->depth == DEPTH_TOP)
    {
      g_clear_pointer (&p->top_name, g_free);
      if (len == 7 && memcmp (key, "version", 7) == 0)
        p->top_key = TOP_KEY_VERSION;
      else if (len == strlen (p->list_key) && memcmp (key, p->list_key, len) == 0)
        p->top_key = TOP_KEY_LIST;
      else
        {
          p->top_key = TOP_KEY_OTHER;
          p->top_name = g_strndup ((const char *) key, len);
        }
    }
  else if (p->depth == p->field_depth)
    {
      g_free (p->key);
      p->key = g_strndup ((const char *) key, len);
    }
  else if (p->depth == DEPTH_ROW && p->wrapped)
    {
      g_free (p->row_key);
      p->row_key = g_strndup ((const char *) key, len);
    }

  return 1;
}

/* Opens a container; @is_map tells which. */
static int
parser_open (Parser   *p,
             gboolean  is_map)
{
  if (p->skip_from == 0)
    {
      switch (p->depth)
        {
        case 0:
          if (!is_map)
            return parser_fail (p, N_("it is not a JSON object"));
          break;

        case DEPTH_TOP:
          if (p->top_key == TOP_KEY_VERSION)
            return parser_fail (p, N_("its version is not a number"));
          if (p->top_key == TOP_KEY_LIST)
            {
              if (is_map)
                return parser_fail (p, N_("its series are not a list"));
              if (p->has_list)
                return parser_fail (p, N_("it has two lists of series"));
              p->has_list = TRUE;
            }
          else
            {
              g_clear_pointer (&p->top_name, g_free);
              p->skip_from = p->depth + 1;
            }
          break;

        case DEPTH_ROWS:
          if (is_map)
            {
              parser_begin_row (p);
            }
          else
            {
              p->file->n_skipped++;
              p->skip_from = p->depth + 1;
            }
          break;

        case DEPTH_ROW:
          if (p->wrapped && is_map && !p->row_has_series &&
              g_strcmp0 (p->row_key, "series") == 0)
            {
              p->row_has_series = TRUE;
              g_clear_pointer (&p->row_key, g_free);
              break;
            }
          G_GNUC_FALLTHROUGH;

        default:
          /* A nested value inside a row: not ours. */
          g_clear_pointer (&p->key, g_free);
          g_clear_pointer (&p->row_key, g_free);
          p->skip_from = p->depth + 1;
          break;
        }
    }

  p->depth++;

  return 1;
}

static int
parser_close (Parser *p)
{
  p->depth--;

  if (p->skip_from != 0)
    {
      if (p->depth < p->skip_from)
        p->skip_from = 0;
      return 1;
    }

  if (p->depth == DEPTH_ROWS)
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

void
tcia_series_file_free (TciaSeriesFile *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->states, g_ptr_array_unref);
  g_clear_pointer (&self->header, g_hash_table_unref);
  g_free (self);
}

static void
set_parse_error (Parser              *p,
                 yajl_handle          handle,
                 const unsigned char *data,
                 gsize                len,
                 GError             **error)
{
  unsigned char *text;
  g_autofree char *message = NULL;

  if (p->error != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _(p->error));
      return;
    }

  text = yajl_get_error (handle, 0, data, len);
  message = g_strstrip (g_strdup ((const char *) text));
  yajl_free_error (handle, text);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("it is not valid JSON (%s)"), message);
}

TciaSeriesFile *
tcia_series_file_parse (const char  *data,
                        gsize        len,
                        guint        version,
                        const char  *list_key,
                        gboolean     wrapped,
                        GError     **error)
{
  g_autoptr(TciaSeriesFile) file = g_new0 (TciaSeriesFile, 1);
  Parser p = { 0 };
  yajl_handle handle;
  yajl_status status;
  gboolean ok = FALSE;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (list_key != NULL, NULL);

  tcia_series_file_record_info ();

  file->series = g_ptr_array_new_with_free_func (g_object_unref);
  file->states = wrapped ? g_ptr_array_new_with_free_func (g_free) : NULL;
  file->header = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  p.list_key = list_key;
  p.wrapped = wrapped;
  p.field_depth = wrapped ? DEPTH_WRAPPED : DEPTH_ROW;
  p.file = file;
  p.builder = tcia_record_builder_new (TCIA_TYPE_SERIES, MIN (len + 64, 1024 * 1024));
  p.seen = g_hash_table_new (g_str_hash, g_str_equal);
  p.keys = g_ptr_array_new_with_free_func (g_free);
  p.values = g_ptr_array_new_with_free_func (g_free);

  handle = yajl_alloc (&parser_callbacks, NULL, &p);
  status = yajl_parse (handle, (const unsigned char *) data, len);
  if (status == yajl_status_ok)
    status = yajl_complete_parse (handle);

  if (status != yajl_status_ok)
    set_parse_error (&p, handle, (const unsigned char *) data, len, error);
  else if (!p.has_version)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("it has no version"));
  else if (p.version != version)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 _("it is version %d, this program reads version %d"),
                 (int) p.version, (int) version);
  else if (!p.has_list)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("it has no list of series"));
  else
    ok = TRUE;

  yajl_free (handle);
  g_hash_table_unref (p.seen);
  g_ptr_array_unref (p.keys);
  g_ptr_array_unref (p.values);
  g_free (p.key);
  g_free (p.top_name);
  g_free (p.row_key);
  g_free (p.row_state);
  tcia_record_builder_free (p.builder);

  return ok ? g_steal_pointer (&file) : NULL;
}

/* ---- A damaged file --------------------------------------------------------- */

GFile *
tcia_series_file_set_aside (GFile     *file,
                            gboolean   move,
                            GError   **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *base = g_file_get_basename (file);
  g_autoptr(GFile) parent = g_file_get_parent (file);

  g_return_val_if_fail (G_IS_FILE (file), NULL);

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
