/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include "tcia-query.h"

G_DEFINE_BOXED_TYPE (TciaQuery, tcia_query, tcia_query_copy, tcia_query_free)

/* The fields in declaration order, so that copy, equal and free cannot miss one. */
static const gsize field_offsets[] = {
  G_STRUCT_OFFSET (TciaQuery, collection),
  G_STRUCT_OFFSET (TciaQuery, patient_id),
  G_STRUCT_OFFSET (TciaQuery, study_uid),
  G_STRUCT_OFFSET (TciaQuery, series_uid),
  G_STRUCT_OFFSET (TciaQuery, modality),
  G_STRUCT_OFFSET (TciaQuery, body_part),
  G_STRUCT_OFFSET (TciaQuery, manufacturer),
  G_STRUCT_OFFSET (TciaQuery, manufacturer_model),
};

G_STATIC_ASSERT (sizeof (TciaQuery) == G_N_ELEMENTS (field_offsets) * sizeof (char *));

#define QUERY_FIELD(query, i) (*(char **) G_STRUCT_MEMBER_P ((query), field_offsets[i]))

static inline const char *
nonempty (const char *value)
{
  return (value != NULL && value[0] != '\0') ? value : NULL;
}

TciaQuery *
tcia_query_new (void)
{
  return g_new0 (TciaQuery, 1);
}

TciaQuery *
tcia_query_copy (const TciaQuery *query)
{
  TciaQuery *copy;
  guint i;

  g_return_val_if_fail (query != NULL, NULL);

  copy = tcia_query_new ();
  for (i = 0; i < G_N_ELEMENTS (field_offsets); i++)
    QUERY_FIELD (copy, i) = g_strdup (nonempty (QUERY_FIELD (query, i)));

  return copy;
}

void
tcia_query_free (TciaQuery *query)
{
  guint i;

  if (query == NULL)
    return;

  for (i = 0; i < G_N_ELEMENTS (field_offsets); i++)
    g_free (QUERY_FIELD (query, i));
  g_free (query);
}

/* NULL and "" both mean "any". */
gboolean
tcia_query_equal (const TciaQuery *a,
                  const TciaQuery *b)
{
  guint i;

  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  for (i = 0; i < G_N_ELEMENTS (field_offsets); i++)
    if (g_strcmp0 (nonempty (QUERY_FIELD (a, i)), nonempty (QUERY_FIELD (b, i))) != 0)
      return FALSE;

  return TRUE;
}

void
tcia_query_set (TciaQuery   *query,
                char       **field,
                const char  *value)
{
  char *copy;

  g_return_if_fail (query != NULL);
  g_return_if_fail (field != NULL);
  g_return_if_fail ((gpointer) field >= (gpointer) query &&
                    (gpointer) field < (gpointer) (query + 1));

  if (g_strcmp0 (*field, nonempty (value)) == 0)
    return;

  copy = g_strdup (nonempty (value));
  g_free (*field);
  *field = copy;
}
