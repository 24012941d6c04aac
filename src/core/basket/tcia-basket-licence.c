/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include "tcia-basket-licence.h"
#include "tcia-basket-private.h"

struct _TciaBasketLicence
{
  GObject   parent_instance;

  char     *name;
  char     *uri;
  gboolean  non_commercial;
  guint     n_series;
};

G_DEFINE_FINAL_TYPE (TciaBasketLicence, tcia_basket_licence, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_NAME,
  PROP_URI,
  PROP_NON_COMMERCIAL,
  PROP_N_SERIES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Whether @text has "nc" or "noncommercial" as a word, or "non" followed by
 * "commercial" (words are runs of ASCII letters and digits). */
static gboolean
text_says_non_commercial (const char *text)
{
  gboolean previous_was_non = FALSE;
  const char *p = text;

  if (text == NULL)
    return FALSE;

  while (*p != '\0')
    {
      const char *start;
      gsize len;

      while (*p != '\0' && !g_ascii_isalnum (*p))
        p++;
      start = p;
      while (g_ascii_isalnum (*p))
        p++;
      len = (gsize) (p - start);
      if (len == 0)
        break;

      if ((len == 2 && g_ascii_strncasecmp (start, "nc", 2) == 0) ||
          (len == 13 && g_ascii_strncasecmp (start, "noncommercial", 13) == 0) ||
          (previous_was_non && len == 10 && g_ascii_strncasecmp (start, "commercial", 10) == 0))
        return TRUE;

      previous_was_non = len == 3 && g_ascii_strncasecmp (start, "non", 3) == 0;
    }

  return FALSE;
}

gboolean
tcia_licence_is_non_commercial (const char *name,
                                const char *uri)
{
  return text_says_non_commercial (name) || text_says_non_commercial (uri);
}

static void
tcia_basket_licence_finalize (GObject *object)
{
  TciaBasketLicence *self = TCIA_BASKET_LICENCE (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->uri, g_free);

  G_OBJECT_CLASS (tcia_basket_licence_parent_class)->finalize (object);
}

static void
tcia_basket_licence_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TciaBasketLicence *self = TCIA_BASKET_LICENCE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_NON_COMMERCIAL:
      g_value_set_boolean (value, self->non_commercial);
      break;
    case PROP_N_SERIES:
      g_value_set_uint (value, self->n_series);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_basket_licence_class_init (TciaBasketLicenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tcia_basket_licence_finalize;
  object_class->get_property = tcia_basket_licence_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_URI] = g_param_spec_string ("uri", NULL, NULL, NULL, flags);
  properties[PROP_NON_COMMERCIAL] = g_param_spec_boolean ("non-commercial", NULL, NULL,
                                                          FALSE, flags);
  properties[PROP_N_SERIES] = g_param_spec_uint ("n-series", NULL, NULL,
                                                 0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tcia_basket_licence_init (TciaBasketLicence *self)
{
}

TciaBasketLicence *
tcia_basket_licence_new (const char *name,
                         const char *uri)
{
  TciaBasketLicence *self = g_object_new (TCIA_TYPE_BASKET_LICENCE, NULL);

  self->name = g_strdup (name);
  self->uri = g_strdup (uri);
  self->non_commercial = tcia_licence_is_non_commercial (name, uri);

  return self;
}

void
tcia_basket_licence_set_n_series (TciaBasketLicence *self,
                                  guint              n_series)
{
  g_return_if_fail (TCIA_IS_BASKET_LICENCE (self));

  if (self->n_series == n_series)
    return;

  self->n_series = n_series;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SERIES]);
}

const char *
tcia_basket_licence_get_name (TciaBasketLicence *self)
{
  g_return_val_if_fail (TCIA_IS_BASKET_LICENCE (self), NULL);

  return self->name;
}

const char *
tcia_basket_licence_get_uri (TciaBasketLicence *self)
{
  g_return_val_if_fail (TCIA_IS_BASKET_LICENCE (self), NULL);

  return self->uri;
}

gboolean
tcia_basket_licence_get_non_commercial (TciaBasketLicence *self)
{
  g_return_val_if_fail (TCIA_IS_BASKET_LICENCE (self), FALSE);

  return self->non_commercial;
}

guint
tcia_basket_licence_get_n_series (TciaBasketLicence *self)
{
  g_return_val_if_fail (TCIA_IS_BASKET_LICENCE (self), 0);

  return self->n_series;
}

/* A listing keeps one copy of each string, so 100,000 series are counted
 * by pointer first and only the few distinct pointers by text. */
typedef struct
{
  const char *name;
  const char *uri;
} LicenceKey;

static guint
licence_key_hash (gconstpointer data)
{
  const LicenceKey *key = data;

  return g_direct_hash (key->name) * 31 + g_direct_hash (key->uri);
}

static gboolean
licence_key_equal (gconstpointer a,
                   gconstpointer b)
{
  const LicenceKey *ka = a, *kb = b;

  return ka->name == kb->name && ka->uri == kb->uri;
}

int
tcia_basket_licence_compare (gconstpointer a,
                             gconstpointer b,
                             gpointer      user_data)
{
  TciaBasketLicence *la = (TciaBasketLicence *) a;
  TciaBasketLicence *lb = (TciaBasketLicence *) b;
  int cmp = g_strcmp0 (la->name, lb->name);

  return cmp != 0 ? cmp : g_strcmp0 (la->uri, lb->uri);
}

/* Licences counted by pointer while the rows of one model come in. */
struct _TciaLicenceCount
{
  GListModel *series;      /* the rows counted, kept alive: the keys point into them */
  guint       n_counted;   /* rows 0 to n_counted - 1 of series */
  GHashTable *by_pointer;  /* LicenceKey → guint count */
  LicenceKey *last;
  guint      *last_count;
};

TciaLicenceCount *
tcia_licence_count_new (GListModel *series)
{
  TciaLicenceCount *self = g_new0 (TciaLicenceCount, 1);

  g_return_val_if_fail (G_IS_LIST_MODEL (series), self);

  self->series = g_object_ref (series);
  self->by_pointer = g_hash_table_new_full (licence_key_hash, licence_key_equal, g_free, g_free);

  return self;
}

void
tcia_licence_count_free (TciaLicenceCount *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->series);
  g_hash_table_unref (self->by_pointer);
  g_free (self);
}

/* Counts the rows from the last counted to the end of the model: called as
 * rows arrive, each while it is fresh in the cache, rather than in one pass
 * over 100,000 series at the end of a listing. */
void
tcia_licence_count_add (TciaLicenceCount *self)
{
  guint n;

  g_return_if_fail (self != NULL);

  n = g_list_model_get_n_items (self->series);
  for (; self->n_counted < n; self->n_counted++)
    {
      g_autoptr(TciaSeries) s = g_list_model_get_item (self->series, self->n_counted);
      LicenceKey lookup = { tcia_series_get_license_name (s), tcia_series_get_license_uri (s) };

      if (lookup.name == NULL && lookup.uri == NULL)
        continue;
      /* Rows of a collection come together: most rows have the key of the
       * row before, and only a new key is looked up. */
      if (self->last == NULL || !licence_key_equal (self->last, &lookup))
        {
          LicenceKey *stored = NULL;

          if (!g_hash_table_lookup_extended (self->by_pointer, &lookup, (gpointer *) &stored, NULL))
            {
              stored = g_new0 (LicenceKey, 1);
              *stored = lookup;
              g_hash_table_insert (self->by_pointer, stored, g_new0 (guint, 1));
            }
          self->last = stored;
          self->last_count = g_hash_table_lookup (self->by_pointer, stored);
        }
      (*self->last_count)++;
    }
}

/* Whether the count is of @series as it is now: the same model, and no
 * row counted has been removed or moved since (the caller says so). */
gboolean
tcia_licence_count_covers (TciaLicenceCount *self,
                           GListModel       *series)
{
  return self != NULL && self->series == series &&
         self->n_counted == g_list_model_get_n_items (series);
}

/* The licences counted: a new GListModel of TciaBasketLicence sorted by name. */
GListModel *
tcia_licence_count_dup_tally (TciaLicenceCount *self)
{
  g_autoptr(GHashTable) by_text = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                         g_free, g_object_unref);
  GListStore *store = g_list_store_new (TCIA_TYPE_BASKET_LICENCE);
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (self != NULL, G_LIST_MODEL (store));

  g_hash_table_iter_init (&iter, self->by_pointer);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      LicenceKey *k = key;
      guint count = *(guint *) value;
      g_autofree char *text = g_strconcat (k->name != NULL ? k->name : "", "\x1f",
                                           k->uri != NULL ? k->uri : "", NULL);
      TciaBasketLicence *licence = g_hash_table_lookup (by_text, text);

      if (licence == NULL)
        {
          licence = tcia_basket_licence_new (k->name, k->uri);
          g_hash_table_insert (by_text, g_steal_pointer (&text), licence);
        }
      licence->n_series += count;
    }

  g_hash_table_iter_init (&iter, by_text);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_list_store_insert_sorted (store, value, tcia_basket_licence_compare, NULL);

  return G_LIST_MODEL (store);
}

GListModel *
tcia_licence_tally_new (GListModel *series)
{
  g_autoptr(TciaLicenceCount) count = NULL;

  g_return_val_if_fail (series == NULL || G_IS_LIST_MODEL (series),
                        G_LIST_MODEL (g_list_store_new (TCIA_TYPE_BASKET_LICENCE)));

  if (series == NULL)
    return G_LIST_MODEL (g_list_store_new (TCIA_TYPE_BASKET_LICENCE));

  count = tcia_licence_count_new (series);
  tcia_licence_count_add (count);

  return tcia_licence_count_dup_tally (count);
}
