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

GListModel *
tcia_licence_tally_new (GListModel *series)
{
  g_autoptr(GHashTable) by_pointer = g_hash_table_new_full (licence_key_hash, licence_key_equal,
                                                            g_free, g_free);
  g_autoptr(GHashTable) by_text = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                         g_free, g_object_unref);
  GListStore *store = g_list_store_new (TCIA_TYPE_BASKET_LICENCE);
  GHashTableIter iter;
  gpointer key, value;
  const LicenceKey *last = NULL;
  guint *last_count = NULL;
  guint n;

  g_return_val_if_fail (series == NULL || G_IS_LIST_MODEL (series), G_LIST_MODEL (store));

  n = series != NULL ? g_list_model_get_n_items (series) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TciaSeries) s = g_list_model_get_item (series, i);
      LicenceKey lookup = { tcia_series_get_license_name (s), tcia_series_get_license_uri (s) };

      if (lookup.name == NULL && lookup.uri == NULL)
        continue;
      /* Rows of a collection come together: most rows have the key of the
       * row before, and only a new key is looked up. At the end of a
       * listing of 100,000 series this runs on the main loop. */
      if (last == NULL || !licence_key_equal (last, &lookup))
        {
          LicenceKey *stored = NULL;

          if (!g_hash_table_lookup_extended (by_pointer, &lookup, (gpointer *) &stored, NULL))
            {
              stored = g_new0 (LicenceKey, 1);
              *stored = lookup;
              g_hash_table_insert (by_pointer, stored, g_new0 (guint, 1));
            }
          last = stored;
          last_count = g_hash_table_lookup (by_pointer, stored);
        }
      (*last_count)++;
    }

  g_hash_table_iter_init (&iter, by_pointer);
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
