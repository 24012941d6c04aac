/* SPDX-License-Identifier: GPL-3.0-or-later */

/* What the basket adds up as series come and go: images, bytes, and the
 * licences with the number of series under each. */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include "tcia-basket.h"
#include "tcia-basket-parts-private.h"
#include "tcia-basket-private.h"

typedef struct
{
  TciaBasketLicence *licence;   /* owned */
  guint              n_series;
} LicenceEntry;

void
tcia_basket_licence_entry_free (gpointer data)
{
  LicenceEntry *entry = data;

  g_object_unref (entry->licence);
  g_free (entry);
}

/* Adds (@sign 1) or removes (-1) @series from the totals and the licence
 * counts. The licence list itself is brought up to date by tcia_basket_sync_licences(),
 * once per batch. */
void
tcia_basket_account (TciaBasket *self,
         TciaSeries *series,
         int         sign)
{
  const char *name = tcia_series_get_license_name (series);
  const char *uri = tcia_series_get_license_uri (series);
  guint64 images = tcia_series_get_image_count (series);
  guint64 bytes = tcia_series_get_file_size (series);

  if (sign > 0)
    {
      self->n_images += images;
      self->total_bytes += bytes;
    }
  else
    {
      self->n_images -= images;
      self->total_bytes -= bytes;
    }

  if (name != NULL || uri != NULL)
    {
      g_autofree char *key = g_strconcat (name != NULL ? name : "", "\x1f",
                                          uri != NULL ? uri : "", NULL);
      LicenceEntry *entry = g_hash_table_lookup (self->licence_entries, key);

      if (entry == NULL)
        {
          g_assert (sign > 0);
          entry = g_new0 (LicenceEntry, 1);
          entry->licence = tcia_basket_licence_new (name, uri);
          g_hash_table_insert (self->licence_entries, g_steal_pointer (&key), entry);
        }

      g_assert (sign > 0 || entry->n_series > 0);
      entry->n_series += sign;
      if (tcia_basket_licence_get_non_commercial (entry->licence))
        self->n_non_commercial += sign;
    }
}

void
tcia_basket_sync_licences (TciaBasket *self)
{
  GHashTableIter iter;
  LicenceEntry *entry;

  g_hash_table_iter_init (&iter, self->licence_entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      guint position;
      gboolean listed = g_list_store_find (self->licences, entry->licence, &position);

      tcia_basket_licence_set_n_series (entry->licence, entry->n_series);

      if (entry->n_series == 0)
        {
          if (listed)
            g_list_store_remove (self->licences, position);
          g_hash_table_iter_remove (&iter);
        }
      else if (!listed)
        {
          g_list_store_insert_sorted (self->licences, entry->licence,
                                      tcia_basket_licence_compare, NULL);
        }
    }
}
