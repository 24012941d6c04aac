/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-cli"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "tcia-core.h"
#include "tcia-csv.h"
#include "tcia-manifest.h"
#include "tcia-text.h"

#include "tcia-cli.h"
#include "tcia-cli-private.h"

/* --list: fetch a listing whole, then print it as TSV, CSV, JSON or a manifest. */


typedef enum
{
  LIST_COLLECTIONS,
  LIST_MODALITIES,
  LIST_BODY_PARTS,
  LIST_MANUFACTURERS,
  LIST_PATIENTS,
  LIST_STUDIES,
  LIST_SERIES,
  N_LISTS
} ListKind;

typedef enum
{
  FORMAT_TSV,
  FORMAT_CSV,
  FORMAT_JSON,
  FORMAT_TCIA,
  N_FORMATS
} Format;

typedef enum
{
  FILTER_COLLECTION   = 1 << 0,
  FILTER_MODALITY     = 1 << 1,
  FILTER_BODY_PART    = 1 << 2,
  FILTER_MANUFACTURER = 1 << 3,
  FILTER_PATIENT      = 1 << 4,
  FILTER_STUDY        = 1 << 5,
  FILTER_ALL          = (1 << 6) - 1,
} Filter;

/* What each list is called on the command line, and the filters its endpoint
 * accepts (tcia-api.md §3). A filter the endpoint would drop is refused rather
 * than silently ignored: the user would get rows they did not ask for. */
static const struct
{
  const char *name;
  Filter      filters;
} lists[N_LISTS] = {
  [LIST_COLLECTIONS]   = { "collections",   0 },
  [LIST_MODALITIES]    = { "modalities",    FILTER_COLLECTION | FILTER_BODY_PART },
  [LIST_BODY_PARTS]    = { "body-parts",    FILTER_COLLECTION | FILTER_MODALITY },
  [LIST_MANUFACTURERS] = { "manufacturers", FILTER_COLLECTION | FILTER_MODALITY | FILTER_BODY_PART },
  [LIST_PATIENTS]      = { "patients",      FILTER_COLLECTION | FILTER_PATIENT },
  [LIST_STUDIES]       = { "studies",       FILTER_COLLECTION | FILTER_PATIENT | FILTER_STUDY },
  [LIST_SERIES]        = { "series",        FILTER_ALL },
};

static const char * const formats[N_FORMATS] = {
  [FORMAT_TSV]  = "tsv",
  [FORMAT_CSV]  = "csv",
  [FORMAT_JSON] = "json",
  [FORMAT_TCIA] = "tcia",
};

static const struct
{
  const char *option;
  Filter      filter;
  gsize       field_offset;
} filters[] = {
  { "collection",   FILTER_COLLECTION,   G_STRUCT_OFFSET (TciaQuery, collection) },
  { "modality",     FILTER_MODALITY,     G_STRUCT_OFFSET (TciaQuery, modality) },
  { "body-part",    FILTER_BODY_PART,    G_STRUCT_OFFSET (TciaQuery, body_part) },
  { "manufacturer", FILTER_MANUFACTURER, G_STRUCT_OFFSET (TciaQuery, manufacturer) },
  { "patient",      FILTER_PATIENT,      G_STRUCT_OFFSET (TciaQuery, patient_id) },
  { "study",        FILTER_STUDY,        G_STRUCT_OFFSET (TciaQuery, study_uid) },
};

struct _TciaCliListing
{
  ListKind   list;
  Format     format;
  TciaQuery *query;
};

typedef struct
{
  GParamSpec *pspec;
  const char *header;
} Column;

typedef struct
{
  ListKind    list;
  gboolean    done;
  GListModel *rows;
  GError     *error;
} Fetch;

static gboolean
parse_name (const char         *value,
            const char * const *names,
            guint               n_names,
            guint              *index)
{
  for (guint i = 0; i < n_names; i++)
    {
      if (g_strcmp0 (value, names[i]) == 0)
        {
          *index = i;
          return TRUE;
        }
    }
  return FALSE;
}

TciaCliListing *
tcia_cli_listing_new_from_options (GVariantDict  *options,
                                   GError       **error)
{
  g_autoptr(TciaCliListing) self = NULL;
  const char *list_name = NULL;
  const char *format_name = NULL;
  const char *list_names[N_LISTS];
  guint index;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_variant_dict_lookup (options, "list", "&s", &list_name);
  g_variant_dict_lookup (options, "format", "&s", &format_name);

  if (list_name == NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
        {
          if (g_variant_dict_contains (options, filters[i].option))
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--%s needs --list"), filters[i].option);
              return NULL;
            }
        }
      if (format_name != NULL)
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                               _("--format needs --list"));
          return NULL;
        }
      return NULL;
    }

  self = g_new0 (TciaCliListing, 1);
  self->query = tcia_query_new ();

  for (guint i = 0; i < N_LISTS; i++)
    list_names[i] = lists[i].name;
  if (!parse_name (list_name, list_names, N_LISTS, &index))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("unknown --list “%s”: choose collections, modalities, body-parts, "
                     "manufacturers, patients, studies or series"),
                   list_name);
      return NULL;
    }
  self->list = index;

  self->format = FORMAT_TSV;
  if (format_name != NULL)
    {
      if (!parse_name (format_name, formats, N_FORMATS, &index))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("unknown --format “%s”: choose tsv, csv, json or tcia"),
                       format_name);
          return NULL;
        }
      self->format = index;
    }

  if (self->format == FORMAT_TCIA && self->list != LIST_SERIES)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--format=tcia writes a manifest of series: it needs --list=series"));
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      const char *value = NULL;

      if (!g_variant_dict_lookup (options, filters[i].option, "&s", &value))
        continue;

      /* An empty --collection="$NAME" would otherwise list the whole archive. */
      if (*value == '\0')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--%s needs a value"), filters[i].option);
          return NULL;
        }

      if ((lists[self->list].filters & filters[i].filter) == 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                       _("--list=%s cannot be narrowed by --%s"),
                       lists[self->list].name, filters[i].option);
          return NULL;
        }

      tcia_query_set (self->query,
                      G_STRUCT_MEMBER_P (self->query, filters[i].field_offset),
                      value);
    }

  return g_steal_pointer (&self);
}

void
tcia_cli_listing_free (TciaCliListing *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->query, tcia_query_free);
  g_free (self);
}

static void
fetch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  TciaClient *client = TCIA_CLIENT (source);
  Fetch *fetch = user_data;

  switch (fetch->list)
    {
    case LIST_COLLECTIONS:
      fetch->rows = tcia_client_list_collections_finish (client, result, &fetch->error);
      break;
    case LIST_MODALITIES:
    case LIST_BODY_PARTS:
    case LIST_MANUFACTURERS:
      fetch->rows = tcia_client_list_values_finish (client, result, &fetch->error);
      break;
    case LIST_PATIENTS:
      fetch->rows = tcia_client_list_patients_finish (client, result, &fetch->error);
      break;
    case LIST_STUDIES:
      fetch->rows = tcia_client_list_studies_finish (client, result, &fetch->error);
      break;
    case LIST_SERIES:
      fetch->rows = tcia_client_list_series_finish (client, result, &fetch->error);
      break;
    case N_LISTS:
    default:
      g_assert_not_reached ();
    }

  fetch->done = TRUE;
}

/* The whole listing before a row is printed: a retry restarts the body, and
 * rows already printed could not be taken back. */
static GListModel *
fetch_rows (TciaCliListing  *self,
            TciaClient      *client,
            GError         **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  Fetch fetch = { self->list, FALSE, NULL, NULL };

  g_main_context_push_thread_default (context);

  switch (self->list)
    {
    case LIST_COLLECTIONS:
      tcia_client_list_collections_async (client, TRUE, NULL, NULL, fetch_cb, &fetch);
      break;
    case LIST_MODALITIES:
      tcia_client_list_values_async (client, TCIA_VALUE_MODALITY, self->query, TRUE,
                                     NULL, NULL, fetch_cb, &fetch);
      break;
    case LIST_BODY_PARTS:
      tcia_client_list_values_async (client, TCIA_VALUE_BODY_PART, self->query, TRUE,
                                     NULL, NULL, fetch_cb, &fetch);
      break;
    case LIST_MANUFACTURERS:
      tcia_client_list_values_async (client, TCIA_VALUE_MANUFACTURER, self->query, TRUE,
                                     NULL, NULL, fetch_cb, &fetch);
      break;
    case LIST_PATIENTS:
      tcia_client_list_patients_async (client, self->query, NULL, NULL, fetch_cb, &fetch);
      break;
    case LIST_STUDIES:
      tcia_client_list_studies_async (client, self->query, NULL, NULL, fetch_cb, &fetch);
      break;
    case LIST_SERIES:
      tcia_client_list_series_async (client, self->query, NULL, NULL, fetch_cb, &fetch);
      break;
    case N_LISTS:
    default:
      g_assert_not_reached ();
    }

  while (!fetch.done)
    g_main_context_iteration (context, TRUE);

  g_main_context_pop_thread_default (context);

  if (fetch.rows == NULL)
    {
      g_propagate_error (error, fetch.error);
      return NULL;
    }

  return fetch.rows;
}

static void
add_column (GArray       *columns,
            GObjectClass *klass,
            const char   *property,
            const char   *header)
{
  Column column;

  column.pspec = g_object_class_find_property (klass, property);
  g_assert (column.pspec != NULL);
  column.header = header != NULL ? header : g_param_spec_get_nick (column.pspec);
  g_array_append_val (columns, column);
}

/* Collections and values list the columns of their endpoints; the other
 * records every property in class order, named by its nick. */
static GArray *
list_columns (ListKind      list,
              GObjectClass *klass)
{
  GArray *columns = g_array_new (FALSE, FALSE, sizeof (Column));
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs;

  switch (list)
    {
    case LIST_COLLECTIONS:
      add_column (columns, klass, "name", "Collection");
      add_column (columns, klass, "patient-count", "Count");
      break;
    case LIST_MODALITIES:
      add_column (columns, klass, "value", "Modality");
      add_column (columns, klass, "count", "Count");
      break;
    case LIST_BODY_PARTS:
      add_column (columns, klass, "value", "BodyPartExamined");
      add_column (columns, klass, "count", "Count");
      break;
    case LIST_MANUFACTURERS:
      add_column (columns, klass, "value", "Manufacturer");
      add_column (columns, klass, "count", "Count");
      break;
    case LIST_PATIENTS:
    case LIST_STUDIES:
    case LIST_SERIES:
      pspecs = g_object_class_list_properties (klass, &n_pspecs);
      for (guint i = 0; i < n_pspecs; i++)
        {
          if ((pspecs[i]->flags & G_PARAM_READABLE) != 0)
            add_column (columns, klass, pspecs[i]->name, NULL);
        }
      break;
    case N_LISTS:
    default:
      g_assert_not_reached ();
    }

  return columns;
}

static GType
list_row_type (ListKind list)
{
  switch (list)
    {
    case LIST_COLLECTIONS:
      return TCIA_TYPE_COLLECTION;
    case LIST_MODALITIES:
    case LIST_BODY_PARTS:
    case LIST_MANUFACTURERS:
      return TCIA_TYPE_VALUE;
    case LIST_PATIENTS:
      return TCIA_TYPE_PATIENT;
    case LIST_STUDIES:
      return TCIA_TYPE_STUDY;
    case LIST_SERIES:
      return TCIA_TYPE_SERIES;
    case N_LISTS:
    default:
      g_assert_not_reached ();
    }
}

/* Reads one cell; FALSE when the server left it out: a NULL string or
 * object, a negative count (the records' "unknown"). */
static gboolean
get_cell (GObject    *row,
          GParamSpec *pspec,
          GValue     *value)
{
  g_value_init (value, pspec->value_type);
  g_object_get_property (row, pspec->name, value);

  switch (G_TYPE_FUNDAMENTAL (pspec->value_type))
    {
    case G_TYPE_STRING:
      return g_value_get_string (value) != NULL;
    case G_TYPE_INT:
      return g_value_get_int (value) >= 0;
    case G_TYPE_LONG:
      return g_value_get_long (value) >= 0;
    case G_TYPE_INT64:
      return g_value_get_int64 (value) >= 0;
    case G_TYPE_BOXED:
      return g_value_get_boxed (value) != NULL;
    case G_TYPE_OBJECT:
      return g_value_get_object (value) != NULL;
    default:
      return TRUE;
    }
}

static char *
cell_to_string (const GValue *value)
{
  GType type = G_VALUE_TYPE (value);

  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_STRING:
      return g_value_dup_string (value);
    case G_TYPE_BOOLEAN:
      return g_strdup (g_value_get_boolean (value) ? "true" : "false");
    case G_TYPE_INT:
      return g_strdup_printf ("%d", g_value_get_int (value));
    case G_TYPE_UINT:
      return g_strdup_printf ("%u", g_value_get_uint (value));
    case G_TYPE_LONG:
      return g_strdup_printf ("%ld", g_value_get_long (value));
    case G_TYPE_ULONG:
      return g_strdup_printf ("%lu", g_value_get_ulong (value));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, g_value_get_int64 (value));
    case G_TYPE_UINT64:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, g_value_get_uint64 (value));
    case G_TYPE_DOUBLE:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];
        return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, g_value_get_double (value)));
      }
    case G_TYPE_ENUM:
      {
        g_autoptr(GEnumClass) klass = g_type_class_ref (type);
        GEnumValue *enum_value = g_enum_get_value (klass, g_value_get_enum (value));
        return g_strdup (enum_value != NULL ? enum_value->value_nick : "");
      }
    default:
      if (type == G_TYPE_DATE_TIME)
        return g_date_time_format_iso8601 (g_value_get_boxed (value));
      else if (g_value_type_transformable (type, G_TYPE_STRING))
        {
          g_auto(GValue) string = G_VALUE_INIT;

          g_value_init (&string, G_TYPE_STRING);
          g_value_transform (value, &string);
          return g_value_dup_string (&string);
        }
      return g_strdup ("");
    }
}

static void
add_json_cell (JsonBuilder  *builder,
               const GValue *value)
{
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_BOOLEAN:
      json_builder_add_boolean_value (builder, g_value_get_boolean (value));
      break;
    case G_TYPE_INT:
      json_builder_add_int_value (builder, g_value_get_int (value));
      break;
    case G_TYPE_UINT:
      json_builder_add_int_value (builder, g_value_get_uint (value));
      break;
    case G_TYPE_LONG:
      json_builder_add_int_value (builder, g_value_get_long (value));
      break;
    case G_TYPE_ULONG:
      json_builder_add_int_value (builder, (gint64) g_value_get_ulong (value));
      break;
    case G_TYPE_INT64:
      json_builder_add_int_value (builder, g_value_get_int64 (value));
      break;
    case G_TYPE_UINT64:
      json_builder_add_int_value (builder, (gint64) g_value_get_uint64 (value));
      break;
    case G_TYPE_DOUBLE:
      json_builder_add_double_value (builder, g_value_get_double (value));
      break;
    default:
      {
        g_autofree char *text = cell_to_string (value);
        json_builder_add_string_value (builder, text);
      }
      break;
    }
}

/* One line, in one write: far faster than a character at a time. Values
 * keep their line breaks (quoted) but lose other control characters: ESC
 * must never reach a terminal. */
static void
write_text_line (FILE        *out,
                 GString     *line,
                 Format       format,
                 const char **fields,
                 guint        n_fields)
{
  g_string_truncate (line, 0);
  for (guint i = 0; i < n_fields; i++)
    {
      g_autofree char *text = tcia_text_strip_controls (fields[i]);

      if (i > 0)
        g_string_append_c (line, format == FORMAT_CSV ? ',' : '\t');
      if (format == FORMAT_CSV)
        tcia_csv_append_field (line, text);
      else
        tcia_tsv_append_field (line, text);
    }
  g_string_append_c (line, '\n');
  fwrite (line->str, 1, line->len, out);
}

/* Each writer stops at the first failed write and returns its errno, 0 when
 * every write went through. */
static int
write_text (FILE       *out,
            Format      format,
            GListModel *rows,
            GArray     *columns)
{
  g_autofree const char **fields = g_new0 (const char *, columns->len);
  g_autoptr(GString) line = g_string_sized_new (256);
  guint n_rows = g_list_model_get_n_items (rows);

  for (guint c = 0; c < columns->len; c++)
    fields[c] = g_array_index (columns, Column, c).header;
  write_text_line (out, line, format, fields, columns->len);

  for (guint r = 0; r < n_rows; r++)
    {
      g_autoptr(GObject) row = g_list_model_get_item (rows, r);
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

      for (guint c = 0; c < columns->len; c++)
        {
          g_auto(GValue) value = G_VALUE_INIT;
          char *text;

          if (get_cell (row, g_array_index (columns, Column, c).pspec, &value))
            text = cell_to_string (&value);
          else
            text = g_strdup ("");
          g_ptr_array_add (texts, text);
          fields[c] = text;
        }
      write_text_line (out, line, format, fields, columns->len);
      if (ferror (out))
        return errno;
    }

  return 0;
}

/* Row by row, not one DOM of the whole listing: a listing can hold 100,000
 * series. The layout is that of JsonGenerator's pretty output of the array. */
static int
write_json (FILE       *out,
            GListModel *rows,
            GArray     *columns)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  guint n_rows = g_list_model_get_n_items (rows);

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);

  if (n_rows == 0)
    {
      fputs ("[]\n", out);
      return 0;
    }

  fputs ("[\n", out);
  for (guint r = 0; r < n_rows; r++)
    {
      g_autoptr(GObject) row = g_list_model_get_item (rows, r);
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      json_builder_reset (builder);
      json_builder_begin_object (builder);
      for (guint c = 0; c < columns->len; c++)
        {
          const Column *column = &g_array_index (columns, Column, c);
          g_auto(GValue) value = G_VALUE_INIT;

          if (!get_cell (row, column->pspec, &value))
            continue;
          json_builder_set_member_name (builder, column->header);
          add_json_cell (builder, &value);
        }
      json_builder_end_object (builder);

      node = json_builder_get_root (builder);
      json_generator_set_root (generator, node);
      text = json_generator_to_data (generator, NULL);

      lines = g_strsplit (text, "\n", -1);
      for (guint l = 0; lines[l] != NULL; l++)
        {
          if (l > 0)
            fputc ('\n', out);
          fputs ("  ", out);
          fputs (lines[l], out);
        }
      fputs (r + 1 < n_rows ? ",\n" : "\n", out);
      if (ferror (out))
        return errno;
    }
  fputs ("]\n", out);

  return 0;
}

static gboolean
write_manifest (FILE        *out,
                GListModel  *rows,
                GError     **error)
{
  guint n_rows = g_list_model_get_n_items (rows);
  g_autoptr(GPtrArray) uids = g_ptr_array_new_full (n_rows + 1, g_free);
  g_autofree char *manifest = NULL;

  for (guint r = 0; r < n_rows; r++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (rows, r);

      g_ptr_array_add (uids, g_strdup (tcia_series_get_series_uid (series)));
    }
  g_ptr_array_add (uids, NULL);

  manifest = tcia_manifest_to_string ((const char * const *) uids->pdata, NULL, error);
  if (manifest == NULL)
    return FALSE;

  fputs (manifest, out);
  return TRUE;
}

int
tcia_cli_listing_run (TciaCliListing *self,
                      const char     *api_url,
                      FILE           *out)
{
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) columns = NULL;
  g_autoptr(GTypeClass) klass = NULL;
  g_autofree char *reason = NULL;
  int write_errno = 0;

  g_return_val_if_fail (self != NULL, TCIA_CLI_EXIT_FAILURE);
  g_return_val_if_fail (api_url != NULL, TCIA_CLI_EXIT_FAILURE);
  g_return_val_if_fail (out != NULL, TCIA_CLI_EXIT_FAILURE);

  client = tcia_client_new (api_url, &error);
  if (client == NULL)
    {
      reason = tcia_cli_one_line (error->message);
      tcia_cli_print_error ("%s", reason);
      return TCIA_CLI_EXIT_FAILURE;
    }
  tcia_cli_apply_test_retry_policy (client);

  rows = fetch_rows (self, client, &error);
  if (rows == NULL)
    {
      reason = tcia_cli_one_line (error->message);
      tcia_cli_print_error (_("could not list %s: %s"), lists[self->list].name, reason);
      return TCIA_CLI_EXIT_FAILURE;
    }

  /* A reader that goes away (`| head -1`) is a failed write to report once,
   * not a signal that kills the program halfway through a line. */
  signal (SIGPIPE, SIG_IGN);

  klass = g_type_class_ref (list_row_type (self->list));
  columns = list_columns (self->list, G_OBJECT_CLASS (klass));

  switch (self->format)
    {
    case FORMAT_TSV:
    case FORMAT_CSV:
      write_errno = write_text (out, self->format, rows, columns);
      break;
    case FORMAT_JSON:
      write_errno = write_json (out, rows, columns);
      break;
    case FORMAT_TCIA:
      if (!write_manifest (out, rows, &error))
        {
          reason = tcia_cli_one_line (error->message);
          tcia_cli_print_error (_("could not write a manifest: %s"), reason);
          return TCIA_CLI_EXIT_FAILURE;
        }
      break;
    case N_FORMATS:
    default:
      g_assert_not_reached ();
    }

  if (write_errno == 0 && fflush (out) != 0)
    write_errno = errno;
  if (write_errno != 0 || ferror (out))
    {
      tcia_cli_print_error (_("could not write the listing: %s"),
                            g_strerror (write_errno != 0 ? write_errno : EIO));
      return TCIA_CLI_EXIT_FAILURE;
    }

  return 0;
}
