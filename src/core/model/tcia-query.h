/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The filters of a browsing request. Each string is NULL or empty for "any".
 * The client passes to each endpoint only the filters that endpoint accepts
 * (v4 answers 400 to any other parameter). */
typedef struct _TciaQuery
{
  char *collection;
  char *patient_id;
  char *study_uid;
  char *series_uid;
  char *modality;
  char *body_part;
  char *manufacturer;
  char *manufacturer_model;
} TciaQuery;

#define TCIA_TYPE_QUERY (tcia_query_get_type ())

GType      tcia_query_get_type (void) G_GNUC_CONST;
TciaQuery *tcia_query_new      (void);
TciaQuery *tcia_query_copy     (const TciaQuery *query);
void       tcia_query_free     (TciaQuery       *query);
gboolean   tcia_query_equal    (const TciaQuery *a,
                                const TciaQuery *b);
/* Sets one field, copying @value; NULL or "" clears it. */
void       tcia_query_set      (TciaQuery       *query,
                                char           **field,
                                const char      *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaQuery, tcia_query_free)

G_END_DECLS
