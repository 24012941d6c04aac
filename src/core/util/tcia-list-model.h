/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The GListModel of an object whose items are the objects of one of its
 * GPtrArray fields (the basket's series, the queue's jobs): defines
 * prefix##_list_model_init, to pass to G_IMPLEMENT_INTERFACE, and the three
 * functions it installs. CAST is the type's cast macro, ITEM_TYPE the GType
 * of every item; the array is read in the thread the model is used in. */
#define TCIA_DEFINE_ARRAY_LIST_MODEL(prefix, CAST, field, ITEM_TYPE)                     \
  static GType                                                                          \
  prefix##_get_item_type (GListModel *model)                                            \
  {                                                                                     \
    return (ITEM_TYPE);                                                                 \
  }                                                                                     \
                                                                                        \
  static guint                                                                          \
  prefix##_get_n_items (GListModel *model)                                              \
  {                                                                                     \
    return CAST (model)->field->len;                                                    \
  }                                                                                     \
                                                                                        \
  static gpointer                                                                       \
  prefix##_get_item (GListModel *model,                                                 \
                     guint       position)                                              \
  {                                                                                     \
    GPtrArray *items = CAST (model)->field;                                             \
                                                                                        \
    if (position >= items->len)                                                         \
      return NULL;                                                                      \
    return g_object_ref (g_ptr_array_index (items, position));                          \
  }                                                                                     \
                                                                                        \
  static void                                                                           \
  prefix##_list_model_init (GListModelInterface *iface)                                 \
  {                                                                                     \
    iface->get_item_type = prefix##_get_item_type;                                      \
    iface->get_n_items = prefix##_get_n_items;                                          \
    iface->get_item = prefix##_get_item;                                                \
  }

G_END_DECLS
