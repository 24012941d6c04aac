/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <string.h>

#include "fake-nbia-private.h"

/* The names of the synthetic archive's objects (patient IDs, UIDs, instance
 * and acquisition numbers, file names), each derived from indexes, and the
 * way back from a UID to its object (the archive itself: fake-archive.c). */

#define UID_PREFIX "1.3.6.1.4.1.14519.5.2.1."

static guint
n_digits (guint64 n)
{
  guint d = 1;

  while (n >= 10)
    {
      n /= 10;
      d++;
    }
  return d;
}

void
fake_archive_patient_id (const FakeArchive *a,
                         guint32            patient,
                         char               buf[FAKE_STR_MAX])
{
  const FakePatient *p = &a->patients[patient];
  const FakeCollection *c = &a->collections[p->collection];
  guint width = MAX (3, n_digits (c->n_patients));

  g_snprintf (buf, FAKE_STR_MAX, "%s%0*u", c->patient_prefix, (int) width, p->number);
}

/* The index is written scrambled (an invertible affine map modulo 10^8 or 10^6)
 * so that neighbouring UIDs do not look alike. */
#define SCRAMBLE8_MUL G_GUINT64_CONSTANT (73939133)
#define SCRAMBLE8_INV G_GUINT64_CONSTANT (34267797)
#define SCRAMBLE6_MUL G_GUINT64_CONSTANT (7919)
#define SCRAMBLE6_INV G_GUINT64_CONSTANT (17679)

static guint64
scramble8 (guint64 index)
{
  return (index * SCRAMBLE8_MUL + 4711) % 100000000;
}

static guint64
unscramble8 (guint64 code)
{
  return ((code + 100000000 - 4711) % 100000000) * SCRAMBLE8_INV % 100000000;
}

static guint64
scramble6 (guint64 index)
{
  return (index * SCRAMBLE6_MUL + 815) % 1000000;
}

static guint64
unscramble6 (guint64 code)
{
  return ((code + 1000000 - 815) % 1000000) * SCRAMBLE6_INV % 1000000;
}

/* The encoded form of an index: 8 digits for studies and series, 14 (series
 * then image) for SOP instances. */
static guint64
encode_index (guint64 index,
              guint   index_digits)
{
  if (index_digits == 8)
    return scramble8 (index);
  return scramble8 (index / 1000000) * 1000000 + scramble6 (index % 1000000);
}

static guint64
decode_index (guint64 code,
              guint   index_digits)
{
  if (index_digits == 8)
    return unscramble8 (code);
  return unscramble8 (code / 1000000) * 1000000 + unscramble6 (code % 1000000);
}

/* 1.3.6.1.4.1.14519.5.2.1.<root>.<kind><seed>.<30 digits>, where the 30 digits end
 * with the encoded index so a UID can be mapped back to its object. All UIDs
 * are 64 characters long. */
static void
format_uid (const FakeArchive *a,
            guint              root,
            guint              kind,
            guint64            index,
            guint              index_digits,
            char               buf[FAKE_UID_MAX])
{
  guint64 h1 = fake_hash3 (a->seed, kind, index);
  guint64 h2 = fake_hash3 (h1, kind + 7, index);
  guint hash_digits = 30 - index_digits;
  char digits[48];

  g_snprintf (digits, sizeof digits, "%u%018" G_GUINT64_FORMAT "%010" G_GUINT64_FORMAT,
              (guint) (1 + h1 % 9), (guint64) (h2 % G_GUINT64_CONSTANT (1000000000000000000)),
              (guint64) (h1 % G_GUINT64_CONSTANT (10000000000)));
  g_snprintf (buf, FAKE_UID_MAX, UID_PREFIX "%u.%u.%.*s%0*" G_GUINT64_FORMAT,
              root, kind * 1000 + a->seed % 1000, (int) hash_digits, digits,
              (int) index_digits, encode_index (index, index_digits));
}

enum { KIND_STUDY = 2, KIND_SERIES = 3, KIND_SOP = 4 };

void
fake_archive_study_uid (const FakeArchive *a,
                        guint32            study,
                        char               buf[FAKE_UID_MAX])
{
  const FakeCollection *c = &a->collections[a->patients[a->studies[study].patient].collection];

  format_uid (a, c->uid_root, KIND_STUDY, study, 8, buf);
}

#define FOLDER_UID_DIGITS 5

/* The second series of a colliding pair ends its UID with the first's last
 * five digits (tcia-api.md §5.3); the rest of it stays its own. */
void
fake_archive_series_uid (const FakeArchive *a,
                         guint32            series,
                         char               buf[FAKE_UID_MAX])
{
  format_uid (a, fake_series_collection (a, series)->uid_root, KIND_SERIES, series, 8, buf);
  for (guint32 k = 0; k < a->n_colliding; k++)
    if (a->colliding[2 * k + 1] == series)
      {
        guint32 first = a->colliding[2 * k];
        char tail[FAKE_UID_MAX];
        gsize len = strlen (buf);

        format_uid (a, fake_series_collection (a, first)->uid_root, KIND_SERIES, first, 8, tail);
        memcpy (buf + len - FOLDER_UID_DIGITS, tail + strlen (tail) - FOLDER_UID_DIGITS,
                FOLDER_UID_DIGITS);
      }
}

void
fake_archive_sop_uid (const FakeArchive *a,
                      guint32            series,
                      guint32            image,
                      char               buf[FAKE_UID_MAX])
{
  format_uid (a, fake_series_collection (a, series)->uid_root, KIND_SOP,
              (guint64) series * 1000000 + image, 14, buf);
}

/* The index encoded in the last @index_digits digits of @uid, or -1. */
static gint64
uid_index (const char *uid,
           guint       index_digits)
{
  const char *last;
  gint64 index = 0;

  if (uid == NULL || !g_str_has_prefix (uid, UID_PREFIX))
    return -1;
  last = strrchr (uid, '.');
  if (strlen (last + 1) != 30)
    return -1;
  for (const char *p = last + 1 + 30 - index_digits; *p; p++)
    {
      if (!g_ascii_isdigit (*p))
        return -1;
      index = index * 10 + (*p - '0');
    }
  return decode_index (index, index_digits);
}

gint64
fake_archive_find_series (const FakeArchive *a,
                          const char        *uid)
{
  gint64 index = uid_index (uid, 8);
  char buf[FAKE_UID_MAX];

  if (index >= 0 && index < a->n_series)
    {
      fake_archive_series_uid (a, index, buf);
      if (strcmp (buf, uid) == 0)
        return index;
    }
  /* A colliding pair's second series does not end with its own index. */
  for (guint32 k = 0; uid != NULL && k < a->n_colliding; k++)
    {
      fake_archive_series_uid (a, a->colliding[2 * k + 1], buf);
      if (strcmp (buf, uid) == 0)
        return a->colliding[2 * k + 1];
    }
  return -1;
}

gint64
fake_archive_find_study (const FakeArchive *a,
                         const char        *uid)
{
  gint64 index = uid_index (uid, 8);
  char buf[FAKE_UID_MAX];

  if (index < 0 || index >= a->n_studies)
    return -1;
  fake_archive_study_uid (a, index, buf);
  return strcmp (buf, uid) == 0 ? index : -1;
}

gboolean
fake_archive_find_sop (const FakeArchive *a,
                       const char        *uid,
                       guint32           *series,
                       guint32           *image)
{
  gint64 index = uid_index (uid, 14);
  char buf[FAKE_UID_MAX];
  guint64 s, i;

  if (index < 0)
    return FALSE;
  s = index / 1000000;
  i = index % 1000000;
  if (s >= a->n_series || i >= a->series[s].n_images)
    return FALSE;
  fake_archive_sop_uid (a, s, i, buf);
  if (strcmp (buf, uid) != 0)
    return FALSE;
  *series = s;
  *image = i;
  return TRUE;
}

guint32
fake_archive_instance_number (const FakeArchive *a,
                              guint32            series,
                              guint32            image)
{
  return image + 1;
}

/* Images are split into n_acquisitions groups of nearly equal size. */
static void
acquisition_of (const FakeSeries *s,
                guint32           image,
                guint32          *acquisition,
                guint32          *index_in_group,
                guint32          *group_size)
{
  guint32 n = s->n_images;
  guint32 k = MAX (1, s->n_acquisitions);
  guint32 base = n / k;
  guint32 extra = n % k;
  guint32 start = 0;

  for (guint32 g = 0; g < k; g++)
    {
      guint32 size = base + (g < extra ? 1 : 0);

      if (image < start + size || g == k - 1)
        {
          *acquisition = g + 1;
          *index_in_group = image - start;
          *group_size = size;
          return;
        }
      start += size;
    }
  g_assert_not_reached ();
}

guint32
fake_archive_acquisition_number (const FakeArchive *a,
                                 guint32            series,
                                 guint32            image)
{
  guint32 acq, idx, size;

  acquisition_of (&a->series[series], image, &acq, &idx, &size);
  return acq;
}

void
fake_archive_new_file_name (const FakeArchive *a,
                            guint32            series,
                            guint32            image,
                            char               buf[FAKE_STR_MAX])
{
  const FakeSeries *s = &a->series[series];
  guint32 acq, idx, size;

  acquisition_of (s, image, &acq, &idx, &size);
  g_snprintf (buf, FAKE_STR_MAX, "%0*u-%0*u.dcm",
              (int) n_digits (MAX (1, s->n_acquisitions)), acq,
              (int) n_digits (size), idx + 1);
}
