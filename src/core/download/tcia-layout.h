/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tcia-series.h"

G_BEGIN_DECLS

/* Where a downloaded series goes, relative to the destination folder
 * (tcia-api.md §5.3, §5.5). Paths use '/'; every component is a plain name:
 * never empty, ".", ".." and never holding '/' or '\\'. */

typedef enum
{
  /* The NBIA Data Retriever's default: Collection/PatientID/StudyDir/SeriesDir. */
  TCIA_LAYOUT_DESCRIPTIVE,
  /* Collection/PatientID/StudyInstanceUID/SeriesInstanceUID. */
  TCIA_LAYOUT_CLASSIC,
  /* One folder per series, named by its SeriesInstanceUID. */
  TCIA_LAYOUT_FLAT,
} TciaLayout;

/* A GEnum whose nicks are the names below, so that a property of this type
 * binds to the settings' "layout" key as it is. */
#define TCIA_TYPE_LAYOUT (tcia_layout_get_type ())
GType       tcia_layout_get_type         (void) G_GNUC_CONST;

gboolean    tcia_layout_from_string      (const char  *name,
                                          TciaLayout  *layout);
const char *tcia_layout_to_string        (TciaLayout   layout);

/* The Data Retriever's cleanStr: drops every character not in
 * [A-Za-z0-9 .-]; NULL, empty or "null" give "NA". */
char       *tcia_layout_clean_str        (const char  *value);
/* The longest component, in bytes: NAME_MAX less room for ".part" and a
 * tie-breaker between series that would share a folder. */
#define TCIA_LAYOUT_COMPONENT_MAX 200

/* A Collection or PatientID made safe as one path component, at most
 * TCIA_LAYOUT_COMPONENT_MAX bytes. */
char       *tcia_layout_sanitize_component (const char *value);

/* part(StudyDate MM-dd-yyyy) part(StudyID) desc(StudyDescription) last5(StudyUID).
 * @study_date is ISO YYYY-MM-DD (as records hold it) or already MM-dd-yyyy;
 * @study_id and @description are raw (cleanStr is applied here). */
char       *tcia_layout_study_dir        (const char  *study_date,
                                          const char  *study_id,
                                          const char  *description,
                                          const char  *study_uid);
/* part(SeriesNumber as %.6f) desc(SeriesDescription) last5(SeriesUID). */
char       *tcia_layout_series_dir       (const char  *series_number,
                                          const char  *description,
                                          const char  *series_uid);

/* The folder of @series relative to the destination, '/'-separated. A
 * collection named like a file the program writes at the top of the
 * destination (metadata.csv, CITATION.bib …), or a patient named LICENSE,
 * gets a "_" after its name. */
char       *tcia_layout_build_path       (TciaLayout   layout,
                                          TciaSeries  *series);

G_END_DECLS
