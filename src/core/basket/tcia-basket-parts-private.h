/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-basket.h"

G_BEGIN_DECLS

/* What the files of TciaBasket share: the object (tcia-basket.c), its file
 * (tcia-basket-file.c) and its totals (tcia-basket-totals.c). */

/* What the basket shares with the writes in flight (tcia-basket-file.c). */
typedef struct _TciaBasketSaveState TciaBasketSaveState;

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

  TciaBasketSaveState *save;             /* NULL for a basket in memory */
  guint64      generation;      /* bumped by every change */
  guint        save_source;
  /* The file could not be read or moved aside: never write over it. */
  gboolean     save_disabled;
};

/* tcia-basket.c */
/* Replaces everything with @series (NULL for nothing) without saving: the
 * contents come from the file. */
void                 tcia_basket_replace_all        (TciaBasket   *self,
                                                     GPtrArray    *series);

/* tcia-basket-file.c */
TciaBasketSaveState *tcia_basket_save_state_new     (GFile        *file);
void                 tcia_basket_save_state_unref   (TciaBasketSaveState *state);
/* Bumps the generation and writes the basket a moment later. */
void                 tcia_basket_schedule_save      (TciaBasket   *self);

/* tcia-basket-totals.c */
void                 tcia_basket_licence_entry_free (gpointer      data);
/* Adds (@sign 1) or removes (-1) @series from the totals and licence counts. */
void                 tcia_basket_account            (TciaBasket   *self,
                                                     TciaSeries   *series,
                                                     int           sign);
/* Brings the licence list up to date with the counts, once per batch. */
void                 tcia_basket_sync_licences      (TciaBasket   *self);

G_END_DECLS
