/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TCIA_TYPE_COLLECTION (tcia_collection_get_type ())

G_DECLARE_FINAL_TYPE (TciaCollection, tcia_collection, TCIA, COLLECTION, GObject)

/* Properties: "name", "patient-count" (int, -1 when unknown),
 * "description" (the server's HTML), "description-uri" (the DOI link). */
const char *tcia_collection_get_name            (TciaCollection *self);
int         tcia_collection_get_patient_count   (TciaCollection *self);
const char *tcia_collection_get_description     (TciaCollection *self);
const char *tcia_collection_get_description_uri (TciaCollection *self);

G_END_DECLS
