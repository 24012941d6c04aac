/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the parts of --list share: which list, and the listing itself. */

#include "tcia-core.h"
#include "tcia-cli.h"

G_BEGIN_DECLS

typedef enum
{
  LIST_COLLECTIONS,
  LIST_MODALITIES,
  LIST_BODY_PARTS,
  LIST_MANUFACTURERS,
  LIST_PATIENTS,
  LIST_STUDIES,
  LIST_SERIES,
  LIST_NEW,
  N_LISTS
} ListKind;

struct _TciaCliListing
{
  ListKind       list;
  TciaCliFormat  format;
  char          *idc_api_url;
  TciaQuery     *query;
  gboolean       offline;   /* from the local catalogue */
  char          *search;    /* --search=TEXT, or NULL */
  char          *output;    /* --list=new: the destination folder */
};

const char *_tcia_cli_list_name                    (ListKind         list);
GListModel *_tcia_cli_listing_fetch_rows           (TciaCliListing  *self,
                                                    TciaClient      *client,
                                                    GError         **error);
gboolean    _tcia_cli_listing_check_filter_values  (TciaCliListing  *self,
                                                    TciaClient      *client);

G_END_DECLS
