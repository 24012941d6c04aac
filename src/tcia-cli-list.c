/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-cli"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <glib/gi18n.h>

#include "tcia-core.h"
#include "tcia-csv.h"
#include "tcia-export-s5cmd.h"
#include "tcia-manifest.h"
#include "tcia-records-private.h"
#include "tcia-text.h"

#include "tcia-cli.h"
#include "tcia-cli-private.h"
#include "tcia-cli-list-private.h"

/* --list: fetch a listing whole, then print it as TSV, CSV, JSON or a manifest. */

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
  [LIST_NEW]           = { "new",           0 },
};

const char *
_tcia_cli_list_name (ListKind list)
{
  return lists[list].name;
}

static const char * const formats[TCIA_CLI_N_FORMATS] = {
  [TCIA_CLI_FORMAT_TSV]  = "tsv",
  [TCIA_CLI_FORMAT_CSV]  = "csv",
  [TCIA_CLI_FORMAT_JSON] = "json",
  [TCIA_CLI_FORMAT_TCIA] = "tcia",
  [TCIA_CLI_FORMAT_S5CMD] = "s5cmd",
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

/* --offline, --search and --list=new: listings the local catalogue answers. */
static gboolean
parse_catalogue_options (TciaCliListing  *self,
                         GVariantDict    *options,
                         GError         **error)
{
  const char *search = NULL;

  self->offline = g_variant_dict_contains (options, "offline");
  if (g_variant_dict_lookup (options, "search", "&s", &search))
    {
      if (self->list != LIST_SERIES)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                       _("--search finds series: it cannot be used with --list=%s"),
                       lists[self->list].name);
          return FALSE;
        }
      self->search = g_strdup (search);
      self->offline = TRUE;
    }
  if (self->list == LIST_NEW)
    {
      if (!g_variant_dict_lookup (options, "output", "^ay", &self->output) ||
          self->output[0] == '\0')
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                               _("--list=new needs --output=DIR, a folder downloaded into"));
          return FALSE;
        }
      self->offline = TRUE;
    }
  if (self->offline && (self->list == LIST_PATIENTS || self->list == LIST_STUDIES))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("--list=%s needs the server: the local catalogue lists collections, "
                     "modalities, body-parts, manufacturers and series"),
                   lists[self->list].name);
      return FALSE;
    }

  return TRUE;
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

  /* --search alone lists series, across the archive. */
  if (list_name == NULL && g_variant_dict_contains (options, "search"))
    list_name = "series";

  if (list_name == NULL)
    {
      /* --download --offline looks its series up in the local catalogue. */
      if (g_variant_dict_contains (options, "offline") &&
          !g_variant_dict_contains (options, "download"))
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                               _("--offline needs --list, --search or --download"));
          return NULL;
        }
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
                     "manufacturers, patients, studies, series or new"),
                   list_name);
      return NULL;
    }
  self->list = index;

  self->format = TCIA_CLI_FORMAT_TSV;
  if (format_name != NULL)
    {
      if (!parse_name (format_name, formats, TCIA_CLI_N_FORMATS, &index))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("unknown --format “%s”: choose tsv, csv, json, tcia or s5cmd"),
                       format_name);
          return NULL;
        }
      self->format = index;
    }

  if (!parse_catalogue_options (self, options, error))
    return NULL;

  if (self->format == TCIA_CLI_FORMAT_S5CMD && self->list != LIST_SERIES && self->list != LIST_NEW)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--format=s5cmd writes a manifest of series: it needs --list=series"));
      return NULL;
    }
  if (self->format == TCIA_CLI_FORMAT_TCIA && self->list != LIST_SERIES && self->list != LIST_NEW)
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
  g_free (self->idc_api_url);
  g_free (self->search);
  g_free (self->output);
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
    case LIST_NEW:
    case N_LISTS:
    default:
      g_assert_not_reached ();
    }

  fetch->done = TRUE;
}

/* The whole listing before a row is printed: a retry restarts the body, and
 * rows already printed could not be taken back. */
GListModel *
_tcia_cli_listing_fetch_rows (TciaCliListing  *self,
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
    case LIST_NEW:
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
add_column (GArray               *columns,
            const TciaRecordInfo *info,
            const char           *property,
            const char           *header)
{
  TciaCliColumn column;
  int field = tcia_record_info_find_field (info, property);

  g_assert (field >= 0);
  column.field = field;
  column.header = header != NULL ? header : info->fields[field].nick;
  column.text = NULL;
  column.data = NULL;
  g_array_append_val (columns, column);
}

/* --list=new's last column: the added rows come first. */
static const char *
change_text (guint    index,
             gpointer data)
{
  return index < GPOINTER_TO_UINT (data) ? "new" : "changed";
}

/* Collections and values list the columns of their endpoints; the other
 * records every field in table order, named as NBIA v4 names it. */
static GArray *
list_columns (ListKind              list,
              const TciaRecordInfo *info)
{
  GArray *columns = g_array_new (FALSE, FALSE, sizeof (TciaCliColumn));

  switch (list)
    {
    case LIST_COLLECTIONS:
      add_column (columns, info, "name", "Collection");
      add_column (columns, info, "patient-count", "Count");
      break;
    case LIST_MODALITIES:
      add_column (columns, info, "value", "Modality");
      add_column (columns, info, "count", "Count");
      break;
    case LIST_BODY_PARTS:
      add_column (columns, info, "value", "BodyPartExamined");
      add_column (columns, info, "count", "Count");
      break;
    case LIST_MANUFACTURERS:
      add_column (columns, info, "value", "Manufacturer");
      add_column (columns, info, "count", "Count");
      break;
    case LIST_PATIENTS:
    case LIST_STUDIES:
    case LIST_SERIES:
    case LIST_NEW:
      for (guint i = 0; i < info->n_fields; i++)
        add_column (columns, info, info->fields[i].name, NULL);
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
    case LIST_NEW:
      return TCIA_TYPE_SERIES;
    case N_LISTS:
    default:
      g_assert_not_reached ();
    }
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

void
tcia_cli_listing_set_idc_api_url (TciaCliListing *self,
                                  const char     *idc_api_url)
{
  g_return_if_fail (self != NULL);

  g_free (self->idc_api_url);
  self->idc_api_url = g_strdup (idc_api_url);
}

/* The series through IDC's API, then as an s5cmd manifest; the series IDC
 * lacks are in its last comment block and counted on stderr. */
static gboolean
write_s5cmd (TciaCliListing  *self,
             FILE            *out,
             GListModel      *rows,
             GError         **error)
{
  guint n_rows = g_list_model_get_n_items (rows);
  g_autoptr(GPtrArray) uids = g_ptr_array_new_full (n_rows + 1, g_free);
  g_autoptr(TciaIdcClient) idc = NULL;
  g_autoptr(TciaIdcResolution) resolution = NULL;
  g_autofree char *manifest = NULL;
  const char *api_url = self->idc_api_url;
  guint64 delay_ms;
  guint missing = 0;

  for (guint r = 0; r < n_rows; r++)
    {
      g_autoptr(TciaSeries) series = g_list_model_get_item (rows, r);

      g_ptr_array_add (uids, g_strdup (tcia_series_get_series_uid (series)));
    }
  g_ptr_array_add (uids, NULL);

  if (api_url == NULL || *api_url == '\0')
    api_url = g_getenv ("TCIA_IDC_API_URL");
  idc = tcia_idc_client_new (api_url != NULL && *api_url != '\0' ? api_url : NULL, error);
  if (idc == NULL)
    return FALSE;
  if (tcia_cli_get_test_retry_delay (&delay_ms))
    tcia_idc_client_set_retry_policy (idc, 3, delay_ms, delay_ms * 2);
  resolution = tcia_idc_client_resolve (idc, (const char * const *) uids->pdata, NULL, error);
  if (resolution == NULL)
    return FALSE;

  manifest = tcia_export_s5cmd_to_string (resolution, NULL, &missing);
  fputs (manifest, out);
  if (missing > 0)
    tcia_cli_print_error (g_dngettext (GETTEXT_PACKAGE,
                                       "%u series is not in IDC: listed at the end of the "
                                       "manifest, to download from TCIA",
                                       "%u series are not in IDC: listed at the end of the "
                                       "manifest, to download from TCIA", missing),
                          missing);
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
  const TciaRecordInfo *info;
  g_autofree char *reason = NULL;
  guint n_added = 0;
  int write_errno = 0;

  g_return_val_if_fail (self != NULL, TCIA_CLI_EXIT_FAILURE);
  g_return_val_if_fail (api_url != NULL, TCIA_CLI_EXIT_FAILURE);
  g_return_val_if_fail (out != NULL, TCIA_CLI_EXIT_FAILURE);

  if (self->offline)
    {
      int kind = self->list == LIST_MODALITIES ? TCIA_VALUE_MODALITY
                 : self->list == LIST_BODY_PARTS ? TCIA_VALUE_BODY_PART
                 : self->list == LIST_MANUFACTURERS ? TCIA_VALUE_MANUFACTURER : -1;
      TciaCliCatalogueList what = self->list == LIST_COLLECTIONS ? TCIA_CLI_CATALOGUE_COLLECTIONS
                                  : self->list == LIST_NEW ? TCIA_CLI_CATALOGUE_NEW
                                  : kind >= 0 ? TCIA_CLI_CATALOGUE_VALUES
                                  : TCIA_CLI_CATALOGUE_SERIES;

      rows = tcia_cli_catalogue_fetch (what, kind, self->query, self->search, self->output,
                                       &n_added, &error);
    }
  else
    {
      client = tcia_client_new (api_url, &error);
      if (client == NULL)
        {
          reason = tcia_cli_one_line (error->message);
          tcia_cli_print_error ("%s", reason);
          return TCIA_CLI_EXIT_FAILURE;
        }
      tcia_cli_apply_test_retry_policy (client);
      rows = _tcia_cli_listing_fetch_rows (self, client, &error);
    }
  if (rows == NULL)
    {
      reason = tcia_cli_one_line (error->message);
      tcia_cli_print_error (_("could not list %s: %s"), lists[self->list].name, reason);
      return TCIA_CLI_EXIT_FAILURE;
    }

  /* A filter nothing matches is either a listing that is empty, or a
   * misspelt value: tell the two apart before printing a bare header. */
  if (g_list_model_get_n_items (rows) == 0 &&
      !_tcia_cli_listing_check_filter_values (self, client))
    return TCIA_CLI_EXIT_FAILURE;

  /* A reader that goes away (`| head -1`) is a failed write, seen once and
   * ended on quietly, not a signal that kills the program halfway through a
   * line. */
  signal (SIGPIPE, SIG_IGN);

  info = tcia_record_info_get (list_row_type (self->list));
  columns = list_columns (self->list, info);
  if (self->list == LIST_NEW)
    {
      /* Added at the end, so that scripts reading --list=series' columns
       * read these the same. */
      TciaCliColumn change = { 0, "Change", change_text, GUINT_TO_POINTER (n_added) };

      g_array_append_val (columns, change);
    }

  switch (self->format)
    {
    case TCIA_CLI_FORMAT_TSV:
    case TCIA_CLI_FORMAT_CSV:
      write_errno = tcia_cli_write_text (out, self->format, info, rows, columns);
      break;
    case TCIA_CLI_FORMAT_JSON:
      write_errno = tcia_cli_write_json (out, info, rows, columns);
      break;
    case TCIA_CLI_FORMAT_TCIA:
      if (!write_manifest (out, rows, &error))
        {
          reason = tcia_cli_one_line (error->message);
          tcia_cli_print_error (_("could not write a manifest: %s"), reason);
          return TCIA_CLI_EXIT_FAILURE;
        }
      break;
    case TCIA_CLI_FORMAT_S5CMD:
      if (!write_s5cmd (self, out, rows, &error))
        {
          reason = tcia_cli_one_line (error->message);
          tcia_cli_print_error (_("could not write an s5cmd manifest: %s"), reason);
          return TCIA_CLI_EXIT_FAILURE;
        }
      break;
    case TCIA_CLI_N_FORMATS:
    default:
      g_assert_not_reached ();
    }

  if (write_errno == 0 && fflush (out) != 0)
    write_errno = errno;
  if (write_errno == EPIPE)
    tcia_cli_exit_on_closed_pipe ();
  if (write_errno != 0 || ferror (out))
    {
      tcia_cli_print_error (_("could not write the listing: %s"),
                            g_strerror (write_errno != 0 ? write_errno : EIO));
      return TCIA_CLI_EXIT_FAILURE;
    }

  return 0;
}
