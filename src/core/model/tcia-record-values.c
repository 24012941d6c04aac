/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "tcia-core"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tcia-records-private.h"

/* What every record's values rest on: the string pool they point into, and
 * the readers of numbers and ISO dates the builder normalises with. */

/* ---- String pool ------------------------------------------------------ */

TciaStringPool *
tcia_string_pool_new (gsize block_size)
{
  TciaStringPool *pool = g_new0 (TciaStringPool, 1);

  g_atomic_ref_count_init (&pool->ref_count);
  pool->chunk = g_string_chunk_new (MAX (block_size, 64));

  return pool;
}

TciaStringPool *
tcia_string_pool_ref (TciaStringPool *pool)
{
  g_return_val_if_fail (pool != NULL, NULL);

  g_atomic_ref_count_inc (&pool->ref_count);

  return pool;
}

void
tcia_string_pool_unref (TciaStringPool *pool)
{
  g_return_if_fail (pool != NULL);

  if (g_atomic_ref_count_dec (&pool->ref_count))
    {
      g_string_chunk_free (pool->chunk);
      g_free (pool);
    }
}

/* ---- Numbers and dates ------------------------------------------------------ */

gboolean
tcia_records_digits_value (const char *s,
                           gsize       len,
                           guint      *value)
{
  guint v = 0;
  gsize i;

  for (i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      v = v * 10 + (guint) (s[i] - '0');
    }
  *value = v;

  return TRUE;
}

static inline gboolean
all_digits (const char *s,
            gsize       len)
{
  guint ignored;

  return tcia_records_digits_value (s, len, &ignored);
}

gboolean
tcia_records_write_iso (guint year,
                        guint month,
                        guint day,
                        char  iso[11])
{
  if (year == 0 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year))
    return FALSE;

  iso[0] = (char) ('0' + year / 1000);
  iso[1] = (char) ('0' + year / 100 % 10);
  iso[2] = (char) ('0' + year / 10 % 10);
  iso[3] = (char) ('0' + year % 10);
  iso[4] = '-';
  iso[5] = (char) ('0' + month / 10);
  iso[6] = (char) ('0' + month % 10);
  iso[7] = '-';
  iso[8] = (char) ('0' + day / 10);
  iso[9] = (char) ('0' + day % 10);
  iso[10] = '\0';

  return TRUE;
}

/* An ISO 8601 date, "2015-05-27", alone or opening a date and time
 * ("2015-05-27T17:12:21", "2015-05-27 17:12:21.0"): the date, checked.
 * What a source sends in other forms is its own reader's business. */
gboolean
tcia_records_parse_iso_date (const char *s,
                             gsize       len,
                             char        iso[11])
{
  guint year, month, day;

  if (len >= 10 && s[4] == '-' && s[7] == '-' &&
      tcia_records_digits_value (s, 4, &year) && tcia_records_digits_value (s + 5, 2, &month) &&
      tcia_records_digits_value (s + 8, 2, &day) &&
      (len == 10 || s[10] == ' ' || s[10] == 'T'))
    return tcia_records_write_iso (year, month, day, iso);

  return FALSE;
}

/* Lenient non-negative integers: 48, "48", " 48 ", "500.000000",
 * "71599388.0", 2.5e7. Negative, fractional, overflowing and other values
 * are refused. */
gboolean
tcia_records_parse_uint64 (const char *s,
                           gsize       len,
                           guint64    *out)
{
  guint64 v = 0;
  gsize i;
  char buf[64];
  char *end;
  double d;

  while (len > 0 && g_ascii_isspace (s[0]))
    s++, len--;
  while (len > 0 && g_ascii_isspace (s[len - 1]))
    len--;
  if (len > 0 && s[0] == '+')
    s++, len--;
  if (len == 0)
    return FALSE;

  for (i = 0; i < len && g_ascii_isdigit (s[i]); i++)
    {
      guint digit = (guint) (s[i] - '0');

      if (v > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      v = v * 10 + digit;
    }

  if (i > 0 && i == len)
    {
      *out = v;
      return TRUE;
    }

  if (i > 0 && s[i] == '.' && i + 1 < len)
    {
      gsize j;

      for (j = i + 1; j < len && s[j] == '0'; j++)
        ;
      if (j == len)
        {
          *out = v;
          return TRUE;
        }
      if (all_digits (s + i + 1, len - i - 1))
        return FALSE;   /* a fraction */
    }

  /* Exponents and the like. */
  if (len >= sizeof buf)
    return FALSE;
  memcpy (buf, s, len);
  buf[len] = '\0';
  if (!g_ascii_isdigit (buf[0]) && buf[0] != '.')
    return FALSE;   /* no sign, "inf", "nan", hex */
  if (strchr (buf, 'x') != NULL || strchr (buf, 'X') != NULL)
    return FALSE;
  d = g_ascii_strtod (buf, &end);
  if (end != buf + len || !isfinite (d) || d < 0 || d != floor (d) || d >= 18446744073709551616.0)
    return FALSE;

  *out = (guint64) d;

  return TRUE;
}

gsize
tcia_records_trim_decimal (const char *s,
                           gsize       len)
{
  gsize start = 0;
  gsize dot;

  if (len > 0 && (s[0] == '-' || s[0] == '+'))
    start = 1;
  for (dot = start; dot < len && g_ascii_isdigit (s[dot]); dot++)
    ;
  if (dot == start || dot >= len || s[dot] != '.' || dot + 1 >= len ||
      !all_digits (s + dot + 1, len - dot - 1))
    return len;

  while (len > dot + 1 && s[len - 1] == '0')
    len--;
  if (len == dot + 1)
    len = dot;

  return len;
}
