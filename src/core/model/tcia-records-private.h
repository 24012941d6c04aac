/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tcia-collection.h"
#include "tcia-json-rows.h"
#include "tcia-patient.h"
#include "tcia-series.h"
#include "tcia-study.h"
#include "tcia-value.h"

G_BEGIN_DECLS

/* Records (TciaSeries, TciaStudy, ...) are compact: every string of a record
 * points into a string pool shared by all the records built together (one
 * listing), and the record holds a reference on it. A record's fields are a
 * flat array described by a per-type table. The table knows the program's
 * own names of each field only (its property name and its column name);
 * a source that spells fields its own way (NBIA: nbia/tcia-nbia-fields.h)
 * hands a builder its spellings and its date reader, so that every source
 * lands on one normalised field with an ISO date.
 *
 * Files: tcia-record-values.c (the pool, numbers, ISO dates),
 * tcia-record-class.c (tables into properties, cells), tcia-record-builder.c. */

typedef struct _TciaStringPool TciaStringPool;

struct _TciaStringPool
{
  gatomicrefcount  ref_count;
  GStringChunk    *chunk;
};

TciaStringPool *tcia_string_pool_new   (gsize           block_size);
TciaStringPool *tcia_string_pool_ref   (TciaStringPool *pool);
void            tcia_string_pool_unref (TciaStringPool *pool);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaStringPool, tcia_string_pool_unref)

typedef enum
{
  TCIA_FIELD_STRING,
  TCIA_FIELD_DATE,           /* string, normalised to ISO YYYY-MM-DD when recognised */
  TCIA_FIELD_SERIES_NUMBER,  /* string, "500.000000" -> "500" */
  TCIA_FIELD_UINT,           /* guint, 0 when unset */
  TCIA_FIELD_UINT64,         /* guint64, 0 when unset */
  TCIA_FIELD_COUNT,          /* int, -1 when unset */
  TCIA_FIELD_VALUE_KIND,     /* TciaValueKind */
} TciaFieldType;

typedef enum
{
  TCIA_FIELD_FLAGS_NONE = 0,
  /* Values are mostly distinct (UIDs): store them without looking for an
   * equal string first. Other string fields are deduplicated in the pool. */
  TCIA_FIELD_FLAGS_UNIQUE = 1 << 0,
} TciaFieldFlags;

typedef struct
{
  const char     *name;   /* the property name: "series-uid" */
  /* The column name: "SeriesInstanceUID". The program's own name of the
   * field in its files (basket, download state), CSV exports and listings
   * (--list headers, JSON keys), and the property's nick. Chosen as the
   * DICOM keyword, or the column name tcia_utils' DataFrames show, so that
   * scripts and spreadsheets read them as they always have; fixed, as a
   * file format is, whatever a source calls the field. */
  const char     *nick;
  TciaFieldType   type;
  TciaFieldFlags  flags;
} TciaFieldInfo;

typedef union
{
  const char *s;
  guint64     u;
  gint64      i;
} TciaFieldValue;

typedef struct
{
  const TciaFieldInfo  *fields;
  guint                 n_fields;
  /* A row without this field is not a record and is dropped. */
  guint                 identity;
  /* Where the instance struct keeps its TciaStringPool * and its
   * TciaFieldValue[n_fields]. */
  gsize                 pool_offset;
  gsize                 values_offset;

  /* Filled by tcia_record_class_setup(). */
  GType                 type;
  GHashTable           *keys;     /* property and column names -> field + 1 */
  GParamSpec          **pspecs;   /* [field + 1] */
} TciaRecordInfo;

/* For the record types' own files. */
void                  tcia_record_class_setup     (GObjectClass         *klass,
                                                   TciaRecordInfo       *info);
void                  tcia_record_get_property    (const TciaRecordInfo *info,
                                                   GObject              *object,
                                                   guint                 prop_id,
                                                   GValue               *value);
void                  tcia_record_clear           (const TciaRecordInfo *info,
                                                   GObject              *object);
const TciaRecordInfo *tcia_record_info_get        (GType                 type);

static inline TciaFieldValue *
tcia_record_values (const TciaRecordInfo *info,
                    gpointer              object)
{
  return G_STRUCT_MEMBER_P (object, info->values_offset);
}

static inline TciaStringPool **
tcia_record_pool (const TciaRecordInfo *info,
                  gpointer              object)
{
  return G_STRUCT_MEMBER_P (object, info->pool_offset);
}

/* One field of a record read straight from its table, without a GValue:
 * for writers of whole listings, where a property read per cell is most of
 * the time. The kinds follow the properties: a string field the server left
 * out and a negative count are ABSENT; an unsigned number is always there
 * (0 when unset); a value kind is its nick. */
typedef enum
{
  TCIA_CELL_ABSENT,
  TCIA_CELL_STRING,
  TCIA_CELL_NUMBER,   /* *text holds its decimal digits */
} TciaCellKind;

/* Room for any number tcia_record_get_cell() formats. */
#define TCIA_CELL_BUFFER_SIZE 24

/* The field a property name or column name names, or -1. */
int                   tcia_record_info_find_field (const TciaRecordInfo *info,
                                                   const char           *key);
TciaCellKind          tcia_record_get_cell        (const TciaRecordInfo *info,
                                                   gpointer              record,
                                                   guint                 field,
                                                   char                 *buffer,
                                                   const char          **text);

/* Builds records of one type into one pool: from JSON rows (the sink) or from
 * (key, value) lists. Not thread-safe; the records it makes are. */
typedef struct _TciaRecordBuilder TciaRecordBuilder;

TciaRecordBuilder      *tcia_record_builder_new             (GType               type,
                                                             gsize               pool_block_size);
void                    tcia_record_builder_free            (TciaRecordBuilder  *self);
/* A value every record gets unless its row says otherwise (the kind of a TciaValue). */
void                    tcia_record_builder_set_preset      (TciaRecordBuilder  *self,
                                                             guint               field,
                                                             gint64              value);
/* Reads a date as a source sends it into ISO YYYY-MM-DD, or FALSE to keep it as sent. */
typedef gboolean (*TciaDateReader) (const char *value,
                                    gsize       len,
                                    char        iso[11]);

/* A source's own names of the fields (a key -> field + 1 table, borrowed,
 * unchanged while the builder lives) and its date reader, in place of the
 * property and column names and tcia_records_parse_iso_date(). */
void                    tcia_record_builder_set_spellings   (TciaRecordBuilder  *self,
                                                             GHashTable         *keys,
                                                             TciaDateReader      read_date);
/* What field names the builder knows: for tcia_json_rows_new(). */
GHashTable             *tcia_record_builder_get_keys        (TciaRecordBuilder  *self);
/* The sink for tcia_json_rows_new() with the builder as user data: each
 * complete row becomes a record appended to the pending records. */
const TciaJsonRowsSink *tcia_record_builder_get_sink        (void);
GPtrArray              *tcia_record_builder_get_records     (TciaRecordBuilder  *self);
/* The pending records, leaving none pending. */
GPtrArray              *tcia_record_builder_steal_records   (TciaRecordBuilder  *self);
guint                   tcia_record_builder_get_n_dropped   (TciaRecordBuilder  *self);
/* @keys are property names ("series-uid") or column names
 * ("SeriesInstanceUID"), or the source's spellings after
 * tcia_record_builder_set_spellings(); unknown keys and NULL values are
 * ignored. Returns the record, or NULL when its identity field is missing. */
GObject                *tcia_record_builder_add_fields      (TciaRecordBuilder  *self,
                                                             const char * const *keys,
                                                             const char * const *values,
                                                             gsize               n_fields);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaRecordBuilder, tcia_record_builder_free)

/* One record from (key, value) lists, as tcia_record_builder_add_fields().
 * For many records, use one builder so that they share a pool. */
GObject        *tcia_record_new_from_fields     (GType               type,
                                                 const char * const *keys,
                                                 const char * const *values,
                                                 gsize               n_fields);
TciaSeries     *tcia_series_new_from_fields     (const char * const *keys,
                                                 const char * const *values,
                                                 gsize               n_fields);
TciaStudy      *tcia_study_new_from_fields      (const char * const *keys,
                                                 const char * const *values,
                                                 gsize               n_fields);
TciaPatient    *tcia_patient_new_from_fields    (const char * const *keys,
                                                 const char * const *values,
                                                 gsize               n_fields);
TciaCollection *tcia_collection_new_from_fields (const char * const *keys,
                                                 const char * const *values,
                                                 gsize               n_fields);
/* "kind" may be among the keys ("modality", "body-part", "manufacturer"). */
TciaValue      *tcia_value_new_from_fields      (TciaValueKind       kind,
                                                 const char * const *keys,
                                                 const char * const *values,
                                                 gsize               n_fields);

/* The field of TciaValue that holds its kind (for tcia_record_builder_set_preset()). */
guint           tcia_value_get_kind_field       (void);

/* The normalisations, exposed for tests and for sources' date readers. */
gboolean        tcia_records_parse_iso_date     (const char         *value,
                                                 gsize               len,
                                                 char                iso[11]);
/* ISO YYYY-MM-DD of a real day, or FALSE. */
gboolean        tcia_records_write_iso          (guint               year,
                                                 guint               month,
                                                 guint               day,
                                                 char                iso[11]);
/* @len ASCII digits as a number, or FALSE when one is not a digit. */
gboolean        tcia_records_digits_value       (const char         *value,
                                                 gsize               len,
                                                 guint              *number);
gboolean        tcia_records_parse_uint64       (const char         *value,
                                                 gsize               len,
                                                 guint64            *out);
/* Length of @value once trailing fractional zeros are cut ("500.000000" -> 3,
 * "2.50" -> 3); @len when it is not a plain decimal number. */
gsize           tcia_records_trim_decimal       (const char         *value,
                                                 gsize               len);

G_END_DECLS
