/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-import.h"
#include "tcia-idc-location.h"

G_BEGIN_DECLS

/* What the readers of import files share: tcia-import.c (sniffing, the
 * helpers), tcia-import-file.c (the result), tcia-import-lines.c (manifests
 * and UID lists), tcia-import-csv.c (spreadsheets) and tcia-import-s5cmd.c
 * (IDC's s5cmd manifests). */

struct _TciaImportResult
{
  gatomicrefcount  ref_count;

  guint            n_requested;
  guint            n_already_present;
  guint            n_added;
  GListStore      *series;
  GPtrArray       *unknown;     /* char *, NULL-terminated */
  GPtrArray       *idc_locations; /* TciaIdcLocation */
  GPtrArray       *unknown_idc_uuids; /* char *, NULL-terminated */
  GPtrArray       *not_looked_up; /* char *, NULL-terminated */
  char            *lookup_error;
  char            *warning;
};

/* tcia-import-resolve.c: what the look-ups of tcia-import-resolve.c and
 * tcia-import-idc.c share. */
typedef struct
{
  TciaBasket             *basket;       /* nullable */
  TciaCatalogue          *catalogue;    /* nullable for IDC's own metadata only */
  guint                   chunk_size;
  TciaImportProgressFunc  progress;
  gpointer                progress_data;
  GDestroyNotify          progress_destroy;
} TciaImportJob;

/* A task whose data (@data_size bytes, zeroed, freed with @data_free,
 * which calls tcia_import_job_clear()) starts with a copy of @job holding
 * its own references. Checks @job as the public functions promise. */
GTask            *tcia_import_task_new          (const TciaImportJob     *job,
                                                 gsize                    data_size,
                                                 GDestroyNotify           data_free,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data,
                                                 gpointer                 source_tag);
void              tcia_import_job_clear         (TciaImportJob           *job);
TciaImportResult *tcia_import_task_finish       (GAsyncResult            *result,
                                                 gpointer                 source_tag,
                                                 GError                 **error);

TciaImportResult *tcia_import_result_new        (void);
/* One UID asked for: @found (NULL when nobody knows it) is counted as
 * already in @basket, or added to @to_add; an unknown UID is listed. */
void              tcia_import_result_sort       (TciaImportResult        *self,
                                                 TciaBasket              *basket,
                                                 const char              *uid,
                                                 TciaSeries              *found,
                                                 GPtrArray               *to_add);
/* The end of every import: @series into @basket (when not NULL) in one
 * batch and into the result, the unknown UIDs' list closed. */
void              tcia_import_result_add_series (TciaImportResult        *self,
                                                 TciaBasket              *basket,
                                                 GPtrArray               *series);

/* Bad lines named in a message. */
#define MAX_REPORTED_LINES 5
struct _TciaImportFile
{
  gatomicrefcount   ref_count;

  char             *display_name;
  TciaImportFormat  format;
  GStringChunk     *strings;     /* the UIDs */
  GPtrArray        *uids;        /* const char *, NULL-terminated */
  guint             n_duplicates;
  GHashTable       *header;      /* key -> value */
  char             *uid_column;
  guint             n_skipped;
  GPtrArray        *warnings;    /* char *, NULL-terminated */
  GListStore       *hints;       /* TciaSeries */
  GPtrArray        *idc_uuids;   /* s5cmd: crdc_series_uuid (of strings), NULL-terminated */
  GPtrArray        *idc_buckets; /* s5cmd: the bucket of each, NULL-terminated */
};

typedef struct
{
  guint  line;
  char  *reason;
} BadLine;

typedef struct
{
  const char      *name;
  TciaImportFlags  flags;
  TciaImportFile  *file;
  GHashTable      *seen;         /* UIDs so far (strings of file->strings) */
  GArray          *bad;          /* BadLine, the first MAX_REPORTED_LINES */
  guint            n_bad;
} Parser;

typedef enum
{
  UID_OK,
  UID_INVALID,
  UID_TOO_LONG,
} UidCheck;

/* Iterates over the lines of @data, whatever their ends (LF, CRLF, CR). */
typedef struct
{
  const char *data;
  gsize       len;
  gsize       pos;
  guint       line;
} Lines;

static inline gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* tcia-import-file.c */
TciaImportFile *tcia_import_file_new    (const char  *display_name);

/* tcia-import.c */
void        tcia_import_trim            (const char **s,
                                         gsize       *len);
/* @text (valid UTF-8) as it can appear in a message: control characters
 * replaced, cut short. */
char       *tcia_import_shown_text      (const char  *text,
                                         gsize        len);
/* ^[0-9]+(\.[0-9]+)*$, at most TCIA_IMPORT_MAX_UID_LENGTH characters. */
UidCheck    tcia_import_check_uid       (const char  *s,
                                         gsize        len);
/* Takes @reason. */
void        tcia_import_parser_bad_line (Parser      *p,
                                         guint        line,
                                         char        *reason);
/* @s is a checked UID. Returns the file's copy, or NULL when it is a duplicate. */
const char *tcia_import_parser_add_uid  (Parser      *p,
                                         const char  *s,
                                         gsize        len);
/* A UID of line @line, checked: added, or a bad line. */
const char *tcia_import_parser_take_uid (Parser      *p,
                                         guint        line,
                                         const char  *s,
                                         gsize        len);

/* tcia-import-lines.c */
gboolean    tcia_import_lines_next      (Lines       *it,
                                         const char **start,
                                         gsize       *len);
gboolean    tcia_import_is_manifest_key (const char  *s,
                                         gsize        len);
gboolean    tcia_import_is_list_key     (const char  *s,
                                         gsize        len);
/* The key of a "key=value" line, trimmed; FALSE when there is no '='. */
gboolean    tcia_import_split_key_value (const char  *line,
                                         gsize        len,
                                         const char **key,
                                         gsize       *key_len,
                                         const char **value,
                                         gsize       *value_len);
/* A `.tcia` manifest (@with_header) or a bare UID list. */
void        tcia_import_parse_lines     (Parser      *p,
                                         const char  *data,
                                         gsize        len,
                                         gboolean     with_header);

/* tcia-import-s5cmd.c */
/* Whether @line (trimmed, not a comment) starts an s5cmd manifest. */
gboolean    tcia_import_is_s5cmd_line   (const char  *line,
                                         gsize        len);
/* Whether the comment @line is one only s5cmd manifests have: the
 * portal's "# s5cmd …" command, or our export's TCIA_S5CMD_NOT_IN_IDC. */
gboolean    tcia_import_is_s5cmd_comment (const char *line,
                                          gsize       len);
void        tcia_import_parse_s5cmd     (Parser      *p,
                                         const char  *data,
                                         gsize        len);

/* tcia-import-csv.c */
/* Whether a column named @name holds series UIDs. */
gboolean    tcia_import_is_uid_column_name (const char *name,
                                            gsize       len);
gboolean    tcia_import_parse_csv       (Parser      *p,
                                         const char  *data,
                                         gsize        len,
                                         char         delimiter,
                                         GError     **error);

G_END_DECLS
