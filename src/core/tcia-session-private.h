/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What tcia-session.c (settings, queue, checkout, catalogue) and
 * tcia-session-sources.c (source policy, IDC, the queue's sources) share. */

#include "tcia-session.h"
#include "tcia-sources.h"

G_BEGIN_DECLS

struct _TciaSession
{
  GObject            parent_instance;

  /* owned */
  TciaBasket        *basket;
  TciaClient        *client;
  TciaLocalCatalogue *catalogue;
  TciaCatalogueSync *catalogue_sync;
  TciaDownloadQueue *queue;
  GFile             *destination;
  GFile             *state_file;
  char              *source_policy;
  char              *idc_api_url;
  char              *idc_bucket_url;
  GHashTable        *idc_locations; /* series UID -> TciaIdcLocation, from manifests */
  TciaFetcher       *idc_fetcher;   /* IDC's fetcher of the queue's sources, or NULL */

  TciaLayout         layout;
  guint              jobs;
  gboolean           verify_checksums;
  gboolean           verify_existing;
};

enum
{
  PROP_0,
  PROP_BASKET,
  PROP_CLIENT,
  PROP_QUEUE,
  PROP_JOBS,
  PROP_VERIFY_CHECKSUMS,
  PROP_VERIFY_EXISTING,
  PROP_LAYOUT,
  PROP_DESTINATION,
  PROP_SOURCE_POLICY,
  PROP_IDC_API_URL,
  PROP_IDC_BUCKET_URL,
  PROP_CATALOGUE,
  N_PROPS
};

/* tcia-session.c */
void         tcia_session_notify       (TciaSession *self,
                                        guint        prop_id);

/* tcia-session-sources.c */
/* The sources of the policy: NBIA's (through the client) and IDC's. */
TciaSources *tcia_session_make_sources (TciaSession *self);

G_END_DECLS
