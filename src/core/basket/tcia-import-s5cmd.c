/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Import files that are IDC's s5cmd manifests (idc-api.md §5.1): the
 * portal's `cp s3://BUCKET/UUID/(star) .` lines under a `#` header, the
 * BigQuery export's `study_manifest_cp_command` column header, the API's
 * bare `s3://BUCKET/UUID/(star)` lines, idc-index's `cp`/`sync … "DIR"` lines
 * and per-instance `cp s3://BUCKET/UUID/OBJECT.dcm .` lines.
 *
 * They name IDC series folders (crdc_series_uuid), not SeriesInstanceUIDs:
 * the file yields UUIDs with their buckets, which IDC's API turns into
 * series. Unlike idc-index, which logs lines it does not recognise and
 * downloads the rest "successfully", every line that is not understood is
 * a bad line with its number and why: a manifest that silently downloads
 * nothing is what users of IDC's own tools report. */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tcia-import-private.h"

#define UUID_LENGTH 36
/* S3 allows 63; GCS up to 222 when the name has dots. */
#define MAX_BUCKET_LENGTH 222
/* Arguments of one line looked at; more is not a line IDC writes. */
#define MAX_TOKENS 16

/* The column header a BigQuery export of IDC's manifest query puts first. */
static const char * const column_headers[] = {
  "study_manifest_cp_command",
  "series_manifest_cp_command",
  "manifest_cp_command",
  "cp_command",
  "series_aws_url",
  "series_gcs_url",
};

typedef struct
{
  const char *s;
  gsize       len;
} Token;

static gboolean
is_column_header (const char *line,
                  gsize       len)
{
  for (guint i = 0; i < G_N_ELEMENTS (column_headers); i++)
    if (strlen (column_headers[i]) == len && g_ascii_strncasecmp (line, column_headers[i], len) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
has_word_prefix (const char *line,
                 gsize       len,
                 const char *word)
{
  gsize n = strlen (word);

  return len > n && memcmp (line, word, n) == 0 && is_blank (line[n]);
}

gboolean
tcia_import_is_s5cmd_line (const char *line,
                           gsize       len)
{
  return has_word_prefix (line, len, "cp") || has_word_prefix (line, len, "sync") ||
         (len > 5 && memcmp (line, "s3://", 5) == 0) || is_column_header (line, len);
}

gboolean
tcia_import_is_s5cmd_comment (const char *line,
                              gsize       len)
{
  gsize n = strlen (TCIA_S5CMD_NOT_IN_IDC);

  return (len >= n && memcmp (line, TCIA_S5CMD_NOT_IN_IDC, n) == 0) ||
         (len > 8 && memcmp (line, "# s5cmd ", 8) == 0);
}

/* Splits @line on blanks; "…" and '…' hold blanks (idc-index quotes the
 * destination). FALSE when a quote is not closed or there are too many. */
static gboolean
tokenize (const char *line,
          gsize       len,
          Token      *tokens,
          guint      *n_tokens)
{
  gsize i = 0;

  *n_tokens = 0;
  while (i < len)
    {
      gsize start;

      while (i < len && is_blank (line[i]))
        i++;
      if (i >= len)
        break;
      if (*n_tokens == MAX_TOKENS)
        return FALSE;
      if (line[i] == '"' || line[i] == '\'')
        {
          const char *close = memchr (line + i + 1, line[i], len - i - 1);

          if (close == NULL)
            return FALSE;
          start = i + 1;
          i = (gsize) (close - line) + 1;
          tokens[(*n_tokens)++] = (Token) { line + start, (gsize) (close - line) - start };
          continue;
        }
      start = i;
      while (i < len && !is_blank (line[i]))
        i++;
      tokens[(*n_tokens)++] = (Token) { line + start, i - start };
    }
  return TRUE;
}

/* S3's rules for bucket names, with GCS's longer dotted names and
 * underscores: a bucket IDC could use, and nothing that could be a path. */
static gboolean
is_bucket_name (const char *s,
                gsize       len)
{
  gboolean dotted = memchr (s, '.', len) != NULL;
  gboolean all_digits_and_dots = TRUE;

  if (len < 3 || len > (dotted ? MAX_BUCKET_LENGTH : 63))
    return FALSE;
  if (!g_ascii_isalnum (s[0]) || !g_ascii_isalnum (s[len - 1]))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = s[i];

      if (!(g_ascii_islower (c) || g_ascii_isdigit (c) || c == '-' || c == '.' || c == '_'))
        return FALSE;
      if (c == '.' && (s[i - 1] == '.' || s[i - 1] == '-' || s[i + 1] == '-'))
        return FALSE;
      if (!g_ascii_isdigit (c) && c != '.')
        all_digits_and_dots = FALSE;
    }
  /* "192.168.5.4" is an address, not a bucket. */
  return !all_digits_and_dots;
}

/* 8-4-4-4-12 hexadecimal digits, as crdc_series_uuid is. */
static gboolean
is_uuid (const char *s,
         gsize       len)
{
  if (len != UUID_LENGTH)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (s[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isxdigit (s[i]))
        {
          return FALSE;
        }
    }
  return TRUE;
}

/* Line @line is bad: @format says why, with %s for @text as a message
 * shows it. A macro so that the format stays a literal the compiler checks. */
#define bad(p, line, format, text, len)                                          \
  G_STMT_START {                                                                \
    g_autofree char *shown_ = tcia_import_shown_text ((text), (len));           \
    tcia_import_parser_bad_line ((p), (line), g_strdup_printf ((format), shown_)); \
  } G_STMT_END

/* The series folder @uuid of @bucket; @object is the instance of a
 * per-instance line, else NULL. */
static void
add_series (Parser     *p,
            const char *uuid,
            const char *bucket,
            gsize       bucket_len,
            const char *object,
            gsize       object_len)
{
  TciaImportFile *file = p->file;
  char key[UUID_LENGTH + 1];
  char *copy;

  for (guint i = 0; i < UUID_LENGTH; i++)
    key[i] = g_ascii_tolower (uuid[i]);
  key[UUID_LENGTH] = '\0';

  if (object != NULL)
    {
      /* Each instance of a series once; the series itself once. */
      g_autofree char *instance = g_strdup_printf ("%s/%.*s", key, (int) object_len, object);

      if (g_hash_table_contains (p->seen, instance))
        {
          file->n_duplicates++;
          return;
        }
      g_hash_table_add (p->seen, g_string_chunk_insert (file->strings, instance));
      if (g_hash_table_contains (p->seen, key))
        return;
    }
  else if (g_hash_table_contains (p->seen, key))
    {
      file->n_duplicates++;
      return;
    }

  copy = g_string_chunk_insert_len (file->strings, key, UUID_LENGTH);
  g_hash_table_add (p->seen, copy);
  g_ptr_array_add (file->idc_uuids, copy);
  g_ptr_array_add (file->idc_buckets,
                   g_string_chunk_insert_len (file->strings, bucket, (gssize) bucket_len));
}

/* s3://BUCKET/UUID/(star) or s3://BUCKET/UUID/OBJECT. */
static void
take_url (Parser     *p,
          guint       line,
          const char *url,
          gsize       len)
{
  const char *bucket = url + 5;
  const char *end = url + len;
  const char *slash;
  const char *uuid;
  const char *rest;
  gsize uuid_len;
  gsize rest_len;

  slash = memchr (bucket, '/', (gsize) (end - bucket));
  if (slash == NULL || !is_bucket_name (bucket, (gsize) (slash - bucket)))
    {
      gsize bucket_len = slash != NULL ? (gsize) (slash - bucket) : (gsize) (end - bucket);

      bad (p, line, _("“%s” is not a valid bucket name"), bucket, bucket_len);
      return;
    }

  uuid = slash + 1;
  slash = memchr (uuid, '/', (gsize) (end - uuid));
  uuid_len = slash != NULL ? (gsize) (slash - uuid) : (gsize) (end - uuid);
  if (!is_uuid (uuid, uuid_len))
    {
      bad (p, line, _("“%s” is not an IDC series folder (a UUID such as "
                      "6079cc3b-4b0f-41ec-bdbb-c6e754e88229)"), uuid, uuid_len);
      return;
    }

  rest = slash != NULL ? slash + 1 : end;
  rest_len = (gsize) (end - rest);
  if (rest_len == 0)
    {
      /* s5cmd copies nothing for "s3://b/uuid/" or "s3://b/uuid". */
      bad (p, line, _("the series folder “%s” is named without “/*”: s5cmd would copy nothing"),
           uuid, uuid_len);
      return;
    }
  if ((rest_len == 1 && rest[0] == '*') ||
      (rest_len == 5 && memcmp (rest, "*.dcm", 5) == 0))
    {
      add_series (p, uuid, bucket, (gsize) (uuid - 1 - bucket), NULL, 0);
      return;
    }
  /* One object of the folder: IDC keeps them flat, named by UUID. */
  if (memchr (rest, '/', rest_len) != NULL || memchr (rest, '*', rest_len) != NULL ||
      memchr (rest, '?', rest_len) != NULL || memchr (rest, '[', rest_len) != NULL)
    {
      bad (p, line, _("“%s” is neither a whole series folder nor one of its objects"),
           url, len);
      return;
    }
  add_series (p, uuid, bucket, (gsize) (uuid - 1 - bucket), rest, rest_len);
}

/* The portal's header says how to run s5cmd: keep the endpoint it names.
 * Our own export lists the series IDC lacks in comments: they are series
 * of the file too, for NBIA to serve. */
static void
read_comment (Parser     *p,
              guint       number,
              const char *line,
              gsize       len)
{
  static const char option[] = "--endpoint-url";
  Token tokens[MAX_TOKENS];
  guint n = 0;

  if (len > strlen (TCIA_S5CMD_NOT_IN_IDC) &&
      memcmp (line, TCIA_S5CMD_NOT_IN_IDC, strlen (TCIA_S5CMD_NOT_IN_IDC)) == 0)
    {
      const char *uid = line + strlen (TCIA_S5CMD_NOT_IN_IDC);
      gsize uid_len = len - strlen (TCIA_S5CMD_NOT_IN_IDC);

      tcia_import_trim (&uid, &uid_len);
      tcia_import_parser_take_uid (p, number, uid, uid_len);
      return;
    }
  if (len < 2 || !tokenize (line + 1, len - 1, tokens, &n))
    return;
  for (guint i = 0; i + 1 < n; i++)
    if (tokens[i].len == sizeof option - 1 && memcmp (tokens[i].s, option, tokens[i].len) == 0 &&
        !g_hash_table_contains (p->file->header, "endpoint-url"))
      g_hash_table_insert (p->file->header, g_strdup ("endpoint-url"),
                           g_strndup (tokens[i + 1].s, tokens[i + 1].len));
}

static void
parse_line (Parser     *p,
            guint       number,
            const char *line,
            gsize       len)
{
  Token tokens[MAX_TOKENS];
  guint n = 0;
  guint i;

  if (!tokenize (line, len, tokens, &n))
    {
      bad (p, number, _("“%s” is not understood: a quote is not closed, or there are too many "
                        "words"), line, len);
      return;
    }

  /* The API's manifest.txt: the address alone. */
  if (n == 1 && tokens[0].len > 5 && memcmp (tokens[0].s, "s3://", 5) == 0)
    {
      take_url (p, number, tokens[0].s, tokens[0].len);
      return;
    }

  if (!((tokens[0].len == 2 && memcmp (tokens[0].s, "cp", 2) == 0) ||
        (tokens[0].len == 4 && memcmp (tokens[0].s, "sync", 4) == 0)))
    {
      bad (p, number, _("“%s” is not an s5cmd line that copies a series from IDC "
                        "(cp s3://BUCKET/UUID/* DEST)"), line, len);
      return;
    }

  /* Options such as --show-progress come before the source. */
  for (i = 1; i < n && tokens[i].len > 0 && tokens[i].s[0] == '-'; i++)
    ;
  if (i >= n || tokens[i].len <= 5 || memcmp (tokens[i].s, "s3://", 5) != 0)
    {
      bad (p, number, _("“%s” does not copy from an s3:// address"), line, len);
      return;
    }
  /* The destination is rebuilt from the layout, as idc-index does; more
   * than one is not something s5cmd runs. */
  if (i + 2 < n)
    {
      bad (p, number, _("“%s” has more words than a source and a destination"), line, len);
      return;
    }
  take_url (p, number, tokens[i].s, tokens[i].len);
}

void
tcia_import_parse_s5cmd (Parser     *p,
                         const char *data,
                         gsize       len)
{
  Lines it = { data, len, 0, 0 };
  gboolean first = TRUE;
  const char *line;
  gsize line_len;

  while (tcia_import_lines_next (&it, &line, &line_len))
    {
      tcia_import_trim (&line, &line_len);
      if (line_len == 0)
        continue;
      if (line[0] == '#')
        {
          read_comment (p, it.line, line, line_len);
          continue;
        }
      /* The BigQuery export's column name, before the first command. */
      if (first && is_column_header (line, line_len))
        {
          first = FALSE;
          continue;
        }
      first = FALSE;
      parse_line (p, it.line, line, line_len);
    }
}
