/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-core.h"

#include "tcia-cli.h"
#include "tcia-cli-private.h"
#include "tcia-cli-list-private.h"

/* --list after an empty listing: does a filter name what the server does not
 * know (a misspelt collection)? Then say so, with the closest name. */

/* The filters whose values the server can list, with the list to ask. */
static const struct
{
  ListKind list;
  gsize    field_offset;
} checked_filters[] = {
  { LIST_COLLECTIONS,   G_STRUCT_OFFSET (TciaQuery, collection) },
  { LIST_MODALITIES,    G_STRUCT_OFFSET (TciaQuery, modality) },
  { LIST_BODY_PARTS,    G_STRUCT_OFFSET (TciaQuery, body_part) },
  { LIST_MANUFACTURERS, G_STRUCT_OFFSET (TciaQuery, manufacturer) },
};

static char *
missing_message (ListKind    list,
                 const char *value)
{
  switch (list)
    {
    case LIST_COLLECTIONS:
      return g_strdup_printf (_("there is no collection named “%s”"), value);
    case LIST_MODALITIES:
      return g_strdup_printf (_("there is no modality “%s”"), value);
    case LIST_BODY_PARTS:
      return g_strdup_printf (_("there is no body part “%s”"), value);
    case LIST_MANUFACTURERS:
      return g_strdup_printf (_("there is no manufacturer “%s”"), value);
    case LIST_PATIENTS:
    case LIST_STUDIES:
    case LIST_SERIES:
    case N_LISTS:
    default:
      g_assert_not_reached ();
    }
}

/* The names the server knows for a filter: the first column of its list. */
static GPtrArray *
fetch_names (TciaClient  *client,
             ListKind     list,
             GError     **error)
{
  TciaCliListing names_listing = { list, TCIA_CLI_FORMAT_TSV, NULL };
  g_autoptr(TciaQuery) query = tcia_query_new ();
  g_autoptr(GListModel) rows = NULL;
  GPtrArray *names;
  guint n_rows;

  names_listing.query = query;
  rows = _tcia_cli_listing_fetch_rows (&names_listing, client, error);
  if (rows == NULL)
    return NULL;

  n_rows = g_list_model_get_n_items (rows);
  names = g_ptr_array_new_full (n_rows, g_free);
  for (guint r = 0; r < n_rows; r++)
    {
      g_autoptr(GObject) row = g_list_model_get_item (rows, r);
      const char *name = list == LIST_COLLECTIONS
                         ? tcia_collection_get_name (TCIA_COLLECTION (row))
                         : tcia_value_get_value (TCIA_VALUE (row));

      if (name != NULL)
        g_ptr_array_add (names, g_strdup (name));
    }
  return names;
}

static gboolean
has_name_ignoring_case (GPtrArray  *names,
                        const char *value)
{
  g_autofree char *folded = g_utf8_casefold (value, -1);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *name = g_utf8_casefold (g_ptr_array_index (names, i), -1);

      if (g_str_equal (name, folded))
        return TRUE;
    }
  return FALSE;
}

/* After an empty listing: FALSE, with one line on stderr, when a filter
 * names a collection, modality, body part or manufacturer the server does
 * not know (NBIA matches them without regard to case). A list that cannot
 * be fetched proves nothing: the empty listing stands. */
gboolean
_tcia_cli_listing_check_filter_values (TciaCliListing *self,
                                       TciaClient     *client)
{
  for (guint i = 0; i < G_N_ELEMENTS (checked_filters); i++)
    {
      const char *value = G_STRUCT_MEMBER (const char *, self->query,
                                           checked_filters[i].field_offset);
      g_autoptr(GPtrArray) names = NULL;
      g_autofree char *missing = NULL;
      g_autofree char *shown = NULL;
      const char *closest;

      if (value == NULL)
        continue;
      names = fetch_names (client, checked_filters[i].list, NULL);
      if (names == NULL || names->len == 0 || has_name_ignoring_case (names, value))
        continue;

      shown = tcia_cli_one_line (value);
      missing = missing_message (checked_filters[i].list, shown);
      closest = tcia_cli_closest (value, (const char * const *) names->pdata, names->len);
      if (closest != NULL)
        {
          g_autofree char *closest_shown = tcia_cli_one_line (closest);

          /* Translators: the first %s says what does not exist, the
           * second is the name meant, as in "did you mean “LIDC-IDRI”?" */
          tcia_cli_print_error (_("%s; did you mean “%s”?"), missing, closest_shown);
        }
      else
        {
          /* Translators: the first %s says what does not exist, the
           * second is the option that lists them: "--list=collections". */
          tcia_cli_print_error (_("%s; see --list=%s"), missing,
                                _tcia_cli_list_name (checked_filters[i].list));
        }
      return FALSE;
    }
  return TRUE;
}
