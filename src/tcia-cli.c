/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-cli"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include "tcia-core.h"
#include "tcia-csv.h"
#include "tcia-download-queue.h"
#include "tcia-import.h"
#include "tcia-manifest.h"
#include "tcia-session.h"
#include "tcia-text.h"

#include "tcia-cli.h"

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

static const GOptionEntry main_entries[] = {
  { "list", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Print a listing instead of opening a window: collections, modalities, body-parts, "
       "manufacturers, patients, studies or series"),
    N_("WHAT") },
  { "collection", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("List only rows of the collection NAME"), N_("NAME") },
  { "modality", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("List only rows of the modality M (CT, MR, …)"), N_("M") },
  { "body-part", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("List only rows of the body part B (CHEST, …)"), N_("B") },
  { "manufacturer", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("List only rows of the manufacturer X"), N_("X") },
  { "patient", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("List only rows of the patient ID"), N_("ID") },
  { "study", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("List only rows of the study UID"), N_("UID") },
  { "format", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Print the listing as tsv (the default), csv, json, or tcia (a manifest of series)"),
    N_("FORMAT") },
  { "download", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Download the series of MANIFEST (a .tcia manifest or a list of series UIDs) instead "
       "of opening a window; needs --output. Ctrl-C keeps the series already complete, removes "
       "the others and exits with status 130"),
    N_("MANIFEST") },
  { "output", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Download into the folder DIR"), N_("DIR") },
  { "jobs", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Download N series at a time, 1 to 16 (default 4)"), N_("N") },
  { "layout", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Name folders as the NBIA Data Retriever does (descriptive, the default), by UIDs "
       "(classic), or one folder per series UID (flat)"),
    N_("LAYOUT") },
  { "no-verify", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Do not check the downloaded files against the server’s MD5 checksums (faster); "
       "the number of images is still checked"),
    NULL },
  { "verify-existing", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Check the series already in the output folder by the MD5 of every file, not only "
       "by their names and sizes, and fetch again what is damaged"),
    NULL },
  { NULL }
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

/* The longest text quoted in one message, in characters. */
#define CLI_MESSAGE_MAX 1000

void
tcia_cli_print_error (const char *format,
                      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* Whatever it quotes (a file name, a manifest line, a server's words),
   * the line reaches the terminal without escapes. */
  {
    g_autofree char *clean = tcia_text_sanitize (message, 2 * CLI_MESSAGE_MAX);

    fprintf (stderr, "tcia-basket: %s\n", clean);
  }
  fflush (stderr);
}

/* A server's words can span lines (an HTML page, a stack trace) and hold
 * terminal escapes: keep the promise of one readable line on stderr. */
static char *
one_line (const char *text)
{
  return tcia_text_sanitize (text, CLI_MESSAGE_MAX);
}

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

void
tcia_cli_add_main_options (GApplication *application)
{
  g_return_if_fail (G_IS_APPLICATION (application));

  g_application_add_main_option_entries (application, main_entries);
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

/* The base delay of retries that TCIA_CLI_TEST_RETRY_DELAY_ENV asks for,
 * in the test build only: the installed program must not let the
 * environment turn its retries into a hammering of the server. */
static gboolean
get_test_retry_delay (guint64 *delay_ms)
{
#ifdef TCIA_TEST_HOOKS
  const char *delay = g_getenv (TCIA_CLI_TEST_RETRY_DELAY_ENV);

  return delay != NULL &&
         g_ascii_string_to_unsigned (delay, 10, 0, G_MAXUINT / 2, delay_ms, NULL);
#else
  return FALSE;
#endif
}

static void
apply_test_retry_policy (TciaClient *client)
{
  guint64 delay_ms;

  if (get_test_retry_delay (&delay_ms))
    tcia_client_set_retry_policy (client, 5, delay_ms, delay_ms * 2);
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
      reason = one_line (error->message);
      tcia_cli_print_error ("%s", reason);
      return TCIA_CLI_EXIT_FAILURE;
    }
  apply_test_retry_policy (client);

  rows = fetch_rows (self, client, &error);
  if (rows == NULL)
    {
      reason = one_line (error->message);
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
          reason = one_line (error->message);
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

/* ---- --download ---- */

struct _TciaCliDownload
{
  char       *manifest;
  char       *output;
  guint       jobs;
  TciaLayout  layout;
  gboolean    verify;
  gboolean    verify_existing;
};

typedef struct
{
  TciaDownloadQueue *queue;
  guint              n_total;
  guint              n_skipped;
  gboolean           live;        /* stderr is a terminal: one line, rewritten */
  gint64             started_us;
  gboolean           done;
  TciaImportResult  *resolved;
  GError            *error;
  GCancellable      *cancellable; /* the look-up of the series */
  int                signum;      /* the signal that interrupted the run, or 0 */
  gboolean           retry_shown; /* a "trying again" line is on the terminal */
} DownloadRun;

/* Ctrl-C, kill and a closed terminal: what a person does to stop a download. */
static const int interrupt_signals[] = { SIGINT, SIGTERM, SIGHUP };

typedef struct
{
  DownloadRun *run;
  int          signum;
} Interrupt;

TciaCliDownload *
tcia_cli_download_new_from_options (GVariantDict  *options,
                                    GError       **error)
{
  g_autoptr(TciaCliDownload) self = NULL;
  const char *layout = NULL;
  gint32 jobs = TCIA_DOWNLOAD_QUEUE_DEFAULT_JOBS;

  g_return_val_if_fail (options != NULL, NULL);

  if (!g_variant_dict_contains (options, "download"))
    {
      static const char * const needs[] = { "output", "jobs", "layout", "no-verify",
                                            "verify-existing" };

      for (guint i = 0; i < G_N_ELEMENTS (needs); i++)
        {
          if (g_variant_dict_contains (options, needs[i]))
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--%s needs --download"), needs[i]);
              return NULL;
            }
        }
      return NULL;
    }
  if (g_variant_dict_contains (options, "list"))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--download and --list cannot be used together"));
      return NULL;
    }

  self = g_new0 (TciaCliDownload, 1);
  g_variant_dict_lookup (options, "download", "^ay", &self->manifest);
  g_variant_dict_lookup (options, "output", "^ay", &self->output);
  if (self->manifest == NULL || *self->manifest == '\0')
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--download needs a manifest file"));
      return NULL;
    }
  if (self->output == NULL || *self->output == '\0')
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("--download needs --output=DIR, the folder to download into"));
      return NULL;
    }

  g_variant_dict_lookup (options, "jobs", "i", &jobs);
  if (jobs < 1 || jobs > TCIA_DOWNLOAD_QUEUE_MAX_JOBS)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--jobs must be between 1 and %d"), TCIA_DOWNLOAD_QUEUE_MAX_JOBS);
      return NULL;
    }
  self->jobs = jobs;

  self->verify = !g_variant_dict_contains (options, "no-verify");
  self->verify_existing = g_variant_dict_contains (options, "verify-existing");

  self->layout = TCIA_LAYOUT_DESCRIPTIVE;
  if (g_variant_dict_lookup (options, "layout", "&s", &layout) &&
      !tcia_layout_from_string (layout, &self->layout))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("unknown --layout “%s”: choose descriptive, classic or flat"), layout);
      return NULL;
    }

  return g_steal_pointer (&self);
}

void
tcia_cli_download_free (TciaCliDownload *self)
{
  if (self == NULL)
    return;
  g_free (self->manifest);
  g_free (self->output);
  g_free (self);
}

static void
resolve_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  DownloadRun *run = user_data;

  run->resolved = tcia_import_resolve_finish (result, &run->error);
  run->done = TRUE;
}

/* The look-up can wait minutes for a busy server: say so rather than
 * look hung. Only on a terminal, on a line that is rewritten. */
static void
lookup_retrying_cb (TciaClient *client,
                    guint       attempt,
                    guint       max_attempts,
                    guint       delay_ms,
                    const char *reason,
                    gpointer    user_data)
{
  DownloadRun *run = user_data;
  g_autofree char *text = tcia_text_sanitize (reason, TCIA_TEXT_MESSAGE_MAX);

  if (!run->live)
    return;

  fprintf (stderr, "\r\033[K");
  /* Translators: the first %s is why, such as "Server busy (HTTP 503)". */
  fprintf (stderr, _("%s, trying again in %u s (%u of %u)…"),
           text, (delay_ms + 999) / 1000, attempt, max_attempts);
  fflush (stderr);
  run->retry_shown = TRUE;
}

static void
print_live_line (DownloadRun *run)
{
  guint done = tcia_download_queue_get_n_done (run->queue);
  guint failed = tcia_download_queue_get_n_failed (run->queue);
  guint64 bytes = tcia_download_queue_get_bytes_received (run->queue);
  double seconds = (g_get_monotonic_time () - run->started_us) / 1e6;
  g_autofree char *size = g_format_size (bytes);
  g_autofree char *speed = g_format_size (seconds > 0.5 ? (guint64) (bytes / seconds) : 0);

  if (!run->live)
    return;
  fprintf (stderr, "\r\033[K");
  fprintf (stderr, _("%u of %u series done, %u failed, %u running · %s received · %s/s"),
           done, run->n_total, failed, tcia_download_queue_get_n_running (run->queue),
           size, speed);
  {
    guint waiting = 0;
    guint retry_in = G_MAXUINT;

    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (run->queue)); i++)
      {
        g_autoptr(TciaDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (run->queue), i);
        guint in = tcia_download_job_get_retry_in (job);

        if (in > 0)
          {
            waiting++;
            retry_in = MIN (retry_in, in);
          }
      }
    /* A slot that waits for the server is said, not left to look stuck. */
    if (waiting > 0)
      fprintf (stderr, g_dngettext (GETTEXT_PACKAGE,
                                    " · %u waits for the server, next try in %u s",
                                    " · %u wait for the server, next try in %u s", waiting),
               waiting, retry_in);
  }
  fflush (stderr);
}

static gboolean
live_tick_cb (gpointer user_data)
{
  print_live_line (user_data);
  return G_SOURCE_CONTINUE;
}

static void
bytes_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  print_live_line (user_data);
}

static void
job_finished_cb (TciaDownloadQueue *queue,
                 TciaDownloadJob   *job,
                 gpointer           user_data)
{
  DownloadRun *run = user_data;
  guint n = tcia_download_queue_get_n_done (queue) + tcia_download_queue_get_n_failed (queue);
  const GError *error = tcia_download_job_get_error (job);

  if (run->live)
    fprintf (stderr, "\r\033[K");

  switch (tcia_download_job_get_state (job))
    {
    case TCIA_DOWNLOAD_JOB_DONE:
      if (!run->live)
        fprintf (stderr, _("[%u/%u] done %s → %s\n"), n, run->n_total,
                 tcia_download_job_get_series_uid (job), tcia_download_job_get_relative_path (job));
      break;
    case TCIA_DOWNLOAD_JOB_SKIPPED:
      run->n_skipped++;
      if (!run->live)
        fprintf (stderr, _("[%u/%u] already complete %s\n"), n, run->n_total,
                 tcia_download_job_get_series_uid (job));
      break;
    case TCIA_DOWNLOAD_JOB_FAILED:
      {
        g_autofree char *reason = one_line (error != NULL ? error->message : "");

        fprintf (stderr, _("tcia-basket: series %s failed: %s\n"),
                 tcia_download_job_get_series_uid (job), reason);
      }
      break;
    case TCIA_DOWNLOAD_JOB_QUEUED:
    case TCIA_DOWNLOAD_JOB_RUNNING:
    case TCIA_DOWNLOAD_JOB_PAUSED:
    case TCIA_DOWNLOAD_JOB_CANCELLED:
    default:
      break;
    }
  print_live_line (run);
  fflush (stderr);
}

static void
queue_finished_cb (TciaDownloadQueue *queue,
                   gpointer           user_data)
{
  DownloadRun *run = user_data;

  run->done = TRUE;
}

/* The first signal stops the download cleanly: running series are cancelled
 * and their .part folders removed by their workers, series already complete
 * stay, as do their metadata.csv rows. A second one stops at once. */
static gboolean
interrupt_cb (gpointer user_data)
{
  Interrupt *interrupt = user_data;
  DownloadRun *run = interrupt->run;

  if (run->signum != 0)
    {
      signal (interrupt->signum, SIG_DFL);
      raise (interrupt->signum);
      return G_SOURCE_CONTINUE;
    }

  run->signum = interrupt->signum;
  if (run->live)
    fprintf (stderr, "\r\033[K");
  fprintf (stderr, _("Interrupted: stopping the series being downloaded (once more to stop at "
                     "once)…\n"));
  fflush (stderr);
  g_cancellable_cancel (run->cancellable);
  if (run->queue != NULL)
    tcia_download_queue_cancel_all (run->queue);
  return G_SOURCE_CONTINUE;
}

static GPtrArray *
watch_interrupts (DownloadRun  *run,
                  GMainContext *context)
{
  GPtrArray *sources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);

  for (guint i = 0; i < G_N_ELEMENTS (interrupt_signals); i++)
    {
      GSource *source = g_unix_signal_source_new (interrupt_signals[i]);
      Interrupt *interrupt = g_new0 (Interrupt, 1);

      interrupt->run = run;
      interrupt->signum = interrupt_signals[i];
      g_source_set_callback (source, interrupt_cb, interrupt, g_free);
      g_source_attach (source, context);
      g_ptr_array_add (sources, source);
    }
  return sources;
}

static void
unwatch_interrupts (GPtrArray *sources)
{
  for (guint i = 0; i < sources->len; i++)
    g_source_destroy (g_ptr_array_index (sources, i));
  g_ptr_array_unref (sources);
}

static int
interrupted (DownloadRun     *run,
             TciaCliDownload *self)
{
  guint done = 0, failed = 0;

  if (run->queue != NULL)
    {
      done = tcia_download_queue_get_n_done (run->queue);
      failed = tcia_download_queue_get_n_failed (run->queue);
    }
  if (run->live)
    fprintf (stderr, "\r\033[K");
  fprintf (stderr, _("Interrupted: %u of %u series complete in %s (%u already there), %u failed, "
                     "%u not downloaded. Run the same command again to download the rest.\n"),
           done, run->n_total, self->output, run->n_skipped, failed,
           run->n_total - MIN (run->n_total, done + failed));
  fflush (stderr);

  /* As a shell reports a command killed by the signal. */
  return 128 + run->signum;
}

int
tcia_cli_download_run (TciaCliDownload *self,
                       const char      *api_url)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(TciaClient) client = NULL;
  g_autoptr(TciaSession) session = NULL;
  g_autoptr(TciaImportFile) manifest = NULL;
  g_autoptr(GFile) manifest_file = NULL;
  g_autoptr(GFile) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *reason = NULL;
  g_autofree char *size = NULL;
  DownloadRun run = { 0 };
  GPtrArray *interrupts;
  GListModel *series;
  const char * const *unknown;
  gulong retrying_handler;
  guint64 delay_ms = 0;
  int status;

  g_return_val_if_fail (self != NULL, TCIA_CLI_EXIT_FAILURE);

  /* A file over RLIMIT_FSIZE is a write error to report, not a signal. */
  signal (SIGXFSZ, SIG_IGN);

  client = tcia_client_new (api_url, &error);
  if (client == NULL)
    {
      reason = one_line (error->message);
      tcia_cli_print_error ("%s", reason);
      return TCIA_CLI_EXIT_FAILURE;
    }
  apply_test_retry_policy (client);

  manifest_file = g_file_new_for_commandline_arg (self->manifest);
  manifest = tcia_import_parse_file (manifest_file, TCIA_IMPORT_FORMAT_AUTO,
                                     TCIA_IMPORT_FLAGS_NONE, NULL, &error);
  if (manifest == NULL)
    {
      reason = one_line (error->message);
      tcia_cli_print_error (_("could not read the manifest: %s"), reason);
      return TCIA_CLI_EXIT_FAILURE;
    }

  if (g_mkdir_with_parents (self->output, 0755) < 0 || access (self->output, W_OK | X_OK) < 0)
    {
      int errsv = errno;

      if (errsv == EROFS || errsv == EACCES || errsv == EPERM)
        tcia_cli_print_error (_("cannot download into “%s”: the folder is read-only (%s); "
                                "choose another folder"),
                              self->output, g_strerror (errsv));
      else
        tcia_cli_print_error (_("cannot download into “%s”: %s"), self->output,
                              g_strerror (errsv));
      return TCIA_CLI_EXIT_FAILURE;
    }
  output = g_file_new_for_commandline_arg (self->output);

  g_main_context_push_thread_default (context);
  run.cancellable = cancellable;
  run.live = isatty (STDERR_FILENO);
  interrupts = watch_interrupts (&run, context);

  fprintf (stderr, _("Looking up %u series…\n"),
           tcia_import_file_get_n_uids (manifest));
  retrying_handler = g_signal_connect (client, "retrying", G_CALLBACK (lookup_retrying_cb), &run);
  tcia_import_resolve_async (NULL, client, tcia_import_file_get_uids (manifest), 0,
                             NULL, NULL, NULL, cancellable, resolve_cb, &run);
  while (!run.done)
    g_main_context_iteration (context, TRUE);
  g_clear_signal_handler (&retrying_handler, client);
  if (run.retry_shown)
    {
      fprintf (stderr, "\r\033[K");
      fflush (stderr);
      run.retry_shown = FALSE;
    }
  if (run.resolved == NULL)
    {
      if (run.signum != 0)
        {
          run.n_total = tcia_import_file_get_n_uids (manifest);
          status = interrupted (&run, self);
        }
      else
        {
          reason = one_line (run.error->message);
          tcia_cli_print_error (_("could not look up the series of the manifest: %s"), reason);
          status = TCIA_CLI_EXIT_FAILURE;
        }
      g_clear_error (&run.error);
      unwatch_interrupts (interrupts);
      g_main_context_pop_thread_default (context);
      return status;
    }

  /* The same checkout as the window's, set from the options. */
  session = g_object_new (TCIA_TYPE_SESSION,
                          "client", client,
                          "destination", output,
                          "layout", self->layout,
                          "jobs", self->jobs,
                          "verify-checksums", self->verify,
                          "verify-existing", self->verify_existing,
                          NULL);
  /* A new session with a client: nothing can be in the way. */
  run.queue = g_object_ref (tcia_session_prepare_queue (session, NULL));
  run.started_us = g_get_monotonic_time ();
  if (get_test_retry_delay (&delay_ms))
    {
      tcia_download_queue_set_retry_policy (run.queue, 5, delay_ms, delay_ms * 2);
      tcia_download_queue_set_timeout (run.queue, 5);
    }
  g_signal_connect (run.queue, "job-finished", G_CALLBACK (job_finished_cb), &run);
  g_signal_connect (run.queue, "finished", G_CALLBACK (queue_finished_cb), &run);
  g_signal_connect (run.queue, "notify::bytes-received", G_CALLBACK (bytes_notify_cb), &run);

  series = tcia_import_result_get_series (run.resolved);
  unknown = tcia_import_result_get_unknown_uids (run.resolved);
  run.n_total = g_list_model_get_n_items (series) + tcia_import_result_get_n_unknown (run.resolved);
  for (guint i = 0; unknown != NULL && unknown[i] != NULL; i++)
    tcia_download_queue_add_unknown (run.queue, unknown[i]);

  /* A signal during the look-up was not seen as one: the look-up had ended. */
  run.done = FALSE;
  if (run.signum == 0)
    {
      /* Once a second too, so that a wait for the server counts down. */
      GSource *tick = g_timeout_source_new_seconds (1);

      g_source_set_callback (tick, live_tick_cb, &run, NULL);
      g_source_attach (tick, context);
      tcia_session_checkout (session, series, NULL);
      while (!run.done)
        g_main_context_iteration (context, TRUE);
      g_source_destroy (tick);
      g_source_unref (tick);
    }

  if (run.signum != 0)
    {
      status = interrupted (&run, self);
    }
  else
    {
      if (run.live)
        fprintf (stderr, "\r\033[K");
      size = g_format_size (tcia_download_queue_get_bytes_received (run.queue));
      fprintf (stderr, _("%u of %u series complete in %s (%u already there), %u failed; %s "
                         "received in %.1f s.\n"),
               tcia_download_queue_get_n_done (run.queue), run.n_total, self->output,
               run.n_skipped, tcia_download_queue_get_n_failed (run.queue), size,
               (g_get_monotonic_time () - run.started_us) / 1e6);
      fflush (stderr);
      status = tcia_download_queue_get_n_failed (run.queue) > 0 ? 1 : 0;
    }

  g_signal_handlers_disconnect_by_data (run.queue, &run);
  g_clear_object (&run.queue);
  g_clear_pointer (&run.resolved, tcia_import_result_unref);
  /* Let the workers' last messages land before the context goes. */
  while (g_main_context_iteration (context, FALSE))
    ;
  unwatch_interrupts (interrupts);
  g_main_context_pop_thread_default (context);

  return status;
}
