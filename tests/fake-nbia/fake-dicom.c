/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <string.h>

#include "fake-nbia-private.h"

/* A minimal DICOM Part 10 writer: preamble, "DICM", the file meta group and a
 * dataset in explicit VR little endian, elements in ascending tag order. */

#define TRANSFER_SYNTAX "1.2.840.10008.1.2.1"
#define IMPLEMENTATION_CLASS_UID "1.3.6.1.4.1.14519.5.2.1.9999.1.1"
#define IMPLEMENTATION_VERSION "FAKE_NBIA_1"
#define UID_LENGTH 64        /* every UID of the archive has this length */
#define MAX_ELEMENTS 48

typedef struct
{
  guint32     tag;
  char        vr[3];
  const void *value;         /* NULL for PixelData: generated separately */
  gsize       length;        /* unpadded */
} Element;

typedef struct
{
  char    sop_uid[FAKE_UID_MAX];
  char    study_uid[FAKE_UID_MAX];
  char    series_uid[FAKE_UID_MAX];
  char    study_date[16];
  char    patient_id[FAKE_STR_MAX];
  char    study_id[16];
  char    series_number[16];
  char    acquisition[16];
  char    instance[16];
  guint8  meta_version[2];
  guint8  group_length[4];
  guint8  us[7][2];
  Element elements[MAX_ELEMENTS];
  guint   n_elements;
  guint   n_meta;            /* elements[0..n_meta) are group 0002 */
  gsize   pixel_length;
} Header;

static gboolean
vr_is_long (const char *vr)
{
  return strcmp (vr, "OB") == 0 || strcmp (vr, "OW") == 0 || strcmp (vr, "SQ") == 0 ||
         strcmp (vr, "UN") == 0 || strcmp (vr, "UT") == 0 || strcmp (vr, "OF") == 0;
}

static gsize
element_size (const Element *e)
{
  return (vr_is_long (e->vr) ? 12 : 8) + e->length + (e->length & 1);
}

static void
add (Header     *h,
     guint16     group,
     guint16     element,
     const char *vr,
     const void *value,
     gsize       length)
{
  Element *e;

  g_assert (h->n_elements < MAX_ELEMENTS);
  e = &h->elements[h->n_elements++];
  e->tag = ((guint32) group << 16) | element;
  memcpy (e->vr, vr, 3);
  e->value = value;
  e->length = length;
}

static void
add_string (Header     *h,
            guint16     group,
            guint16     element,
            const char *vr,
            const char *value)
{
  if (value != NULL)
    add (h, group, element, vr, value, strlen (value));
}

static void
add_us (Header  *h,
        guint16  element,
        guint    slot,
        guint16  value)
{
  h->us[slot][0] = value & 0xff;
  h->us[slot][1] = value >> 8;
  add (h, 0x0028, element, "US", h->us[slot], 2);
}

static void
format_date (gint32 day,
             char   buf[16])
{
  int y, m, d;

  fake_day_to_date (day, &y, &m, &d);
  g_snprintf (buf, 16, "%04d%02d%02d", y, m, d);
}

/* With @sizing, UIDs are not formatted (they all have the same length). */
static void
header_init (Header            *h,
             const FakeArchive *a,
             guint32            series,
             guint32            image,
             gboolean           sizing)
{
  const FakeSeries *s = &a->series[series];
  const FakeStudy *st = fake_series_study (a, series);
  const FakePatient *p = fake_series_patient (a, series);
  const char *sop_class = fake_modality_sop_class (s->modality);
  gsize meta_length = 0;

  h->n_elements = 0;
  if (sizing)
    {
      memset (h->sop_uid, '1', UID_LENGTH);
      h->sop_uid[UID_LENGTH] = '\0';
      strcpy (h->study_uid, h->sop_uid);
      strcpy (h->series_uid, h->sop_uid);
    }
  else
    {
      fake_archive_sop_uid (a, series, image, h->sop_uid);
      fake_archive_study_uid (a, s->study, h->study_uid);
      fake_archive_series_uid (a, series, h->series_uid);
      g_assert (strlen (h->sop_uid) == UID_LENGTH);
      g_assert (strlen (h->study_uid) == UID_LENGTH);
      g_assert (strlen (h->series_uid) == UID_LENGTH);
    }
  format_date (st->day, h->study_date);
  fake_archive_patient_id (a, st->patient, h->patient_id);
  g_snprintf (h->study_id, sizeof h->study_id, "%u", st->study_id);
  g_snprintf (h->series_number, sizeof h->series_number, "%u", s->series_number);
  g_snprintf (h->acquisition, sizeof h->acquisition, "%u",
              fake_archive_acquisition_number (a, series, image));
  g_snprintf (h->instance, sizeof h->instance, "%u",
              fake_archive_instance_number (a, series, image));

  /* File meta information; the group length is filled in below. */
  add (h, 0x0002, 0x0000, "UL", h->group_length, 4);
  h->meta_version[0] = 0;
  h->meta_version[1] = 1;
  add (h, 0x0002, 0x0001, "OB", h->meta_version, 2);
  add_string (h, 0x0002, 0x0002, "UI", sop_class);
  add_string (h, 0x0002, 0x0003, "UI", h->sop_uid);
  add_string (h, 0x0002, 0x0010, "UI", TRANSFER_SYNTAX);
  add_string (h, 0x0002, 0x0012, "UI", IMPLEMENTATION_CLASS_UID);
  add_string (h, 0x0002, 0x0013, "SH", IMPLEMENTATION_VERSION);
  h->n_meta = h->n_elements;
  for (guint i = 1; i < h->n_meta; i++)
    meta_length += element_size (&h->elements[i]);
  h->group_length[0] = meta_length & 0xff;
  h->group_length[1] = (meta_length >> 8) & 0xff;
  h->group_length[2] = (meta_length >> 16) & 0xff;
  h->group_length[3] = (meta_length >> 24) & 0xff;

  add_string (h, 0x0008, 0x0005, "CS", "ISO_IR 192");
  add_string (h, 0x0008, 0x0008, "CS", "ORIGINAL\\PRIMARY\\AXIAL");
  add_string (h, 0x0008, 0x0016, "UI", sop_class);
  add_string (h, 0x0008, 0x0018, "UI", h->sop_uid);
  add_string (h, 0x0008, 0x0020, "DA", h->study_date);
  add_string (h, 0x0008, 0x0021, "DA", h->study_date);
  add_string (h, 0x0008, 0x0060, "CS", fake_modalities[s->modality]);
  add_string (h, 0x0008, 0x0070, "LO", fake_manufacturer_name (s->manufacturer));
  add_string (h, 0x0008, 0x1030, "LO", fake_study_description (st->description));
  add_string (h, 0x0008, 0x103E, "LO", fake_series_description (s->description));
  add_string (h, 0x0008, 0x1090, "LO", fake_manufacturer_model (s->manufacturer));
  add_string (h, 0x0010, 0x0010, "PN", h->patient_id);
  add_string (h, 0x0010, 0x0020, "LO", h->patient_id);
  if (p->sex != FAKE_NONE)
    add_string (h, 0x0010, 0x0040, "CS", fake_sexes[p->sex]);
  if (s->body_part != FAKE_NONE)
    add_string (h, 0x0018, 0x0015, "CS", fake_body_parts[s->body_part]);
  add_string (h, 0x0018, 0x1020, "LO", fake_manufacturer_software (s->manufacturer));
  add_string (h, 0x0018, 0x1030, "LO", fake_protocol_name (s->protocol));
  add_string (h, 0x0020, 0x000D, "UI", h->study_uid);
  add_string (h, 0x0020, 0x000E, "UI", h->series_uid);
  if (st->study_id != 0)
    add_string (h, 0x0020, 0x0010, "SH", h->study_id);
  add_string (h, 0x0020, 0x0011, "IS", h->series_number);
  add_string (h, 0x0020, 0x0012, "IS", h->acquisition);
  add_string (h, 0x0020, 0x0013, "IS", h->instance);
  add_us (h, 0x0002, 0, 1);
  add_string (h, 0x0028, 0x0004, "CS", "MONOCHROME2");
  add_us (h, 0x0010, 1, s->image_rows);
  add_us (h, 0x0011, 2, s->image_rows);
  add_us (h, 0x0100, 3, 16);
  add_us (h, 0x0101, 4, 12);
  add_us (h, 0x0102, 5, 11);
  add_us (h, 0x0103, 6, 0);
  h->pixel_length = (gsize) s->image_rows * s->image_rows * 2;
  add (h, 0x7FE0, 0x0010, "OW", NULL, h->pixel_length);
}

static gsize
header_file_size (const Header *h)
{
  gsize size = 128 + 4;

  for (guint i = 0; i < h->n_elements; i++)
    size += element_size (&h->elements[i]);
  return size;
}

static inline void
put16 (guint8  *p,
       guint16  v)
{
  p[0] = v & 0xff;
  p[1] = v >> 8;
}

static inline void
put32 (guint8  *p,
       guint32  v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = v >> 24;
}

/* A body-like disc (a smooth dome plus noise) in air that is all zeros: deflate
 * gets it to about 40 %, quickly, as it does real CT. */
static void
write_pixels (guint8  *out,
              guint    rows,
              guint32  seed)
{
  guint32 x32 = seed | 1;
  guint32 quarter = MAX (1u, rows * rows / 4);
  gint64 centre2 = rows;           /* twice the centre */
  gint64 radius2 = (gint64) rows * rows * 81 / 100;   /* (2 * 0.45 * rows)^2 */

  for (guint y = 0; y < rows; y++)
    {
      guint32 dy = (guint64) y * (rows - y) * 900 / quarter;
      gint64 ry = 2 * (gint64) y + 1 - centre2;

      for (guint x = 0; x < rows; x++)
        {
          gint64 rx = 2 * (gint64) x + 1 - centre2;
          guint32 v = 0;

          if (rx * rx + ry * ry <= radius2)
            {
              guint32 dx = (guint64) x * (rows - x) * 900 / quarter;

              /* New noise every other pixel: deflate runs faster. */
              if (x & 1)
                {
                  x32 ^= x32 << 13;
                  x32 ^= x32 >> 17;
                  x32 ^= x32 << 5;
                }
              v = (200 + dx + dy + (x32 & 0x1f)) & 0x0fff;
            }
          out[0] = v & 0xff;
          out[1] = v >> 8;
          out += 2;
        }
    }
}

gsize
fake_dicom_size (const FakeArchive *a,
                 guint32            series,
                 guint32            image)
{
  Header h;

  header_init (&h, a, series, image, TRUE);
  return header_file_size (&h);
}

static gsize
pad2 (gsize n)
{
  return n + (n & 1);
}

guint64
fake_dicom_series_size (const FakeArchive *a,
                        guint32            series)
{
  const FakeSeries *s = &a->series[series];
  guint64 first, total = 0;
  char buf[16];
  gsize first_instance;

  if (s->n_images == 0)
    return 0;
  /* Only InstanceNumber changes length from one image to the next. */
  first = fake_dicom_size (a, series, 0);
  first_instance = pad2 (g_snprintf (buf, sizeof buf, "%u",
                                     fake_archive_instance_number (a, series, 0)));
  for (guint32 i = 0; i < s->n_images; i++)
    {
      gsize len = pad2 (g_snprintf (buf, sizeof buf, "%u",
                                    fake_archive_instance_number (a, series, i)));
      total += first + len - first_instance;
    }
  return total;
}

GByteArray *
fake_dicom_build (const FakeArchive *a,
                  guint32            series,
                  guint32            image)
{
  Header h;
  GByteArray *out;
  gsize size, pos = 132;
  guint8 *p;

  header_init (&h, a, series, image, FALSE);
  size = header_file_size (&h);
  out = g_byte_array_sized_new (size);
  g_byte_array_set_size (out, size);
  p = out->data;
  memset (p, 0, 128);
  memcpy (p + 128, "DICM", 4);

  for (guint i = 0; i < h.n_elements; i++)
    {
      const Element *e = &h.elements[i];
      gsize padded = pad2 (e->length);

      put16 (p + pos, e->tag >> 16);
      put16 (p + pos + 2, e->tag & 0xffff);
      memcpy (p + pos + 4, e->vr, 2);
      if (vr_is_long (e->vr))
        {
          put16 (p + pos + 6, 0);
          put32 (p + pos + 8, padded);
          pos += 12;
        }
      else
        {
          put16 (p + pos + 6, padded);
          pos += 8;
        }
      if (e->value == NULL)
        {
          write_pixels (p + pos, a->series[series].image_rows,
                        (guint32) ((series + 1) * 2654435761u) ^ (image * 40503u) ^ a->seed);
        }
      else
        {
          memcpy (p + pos, e->value, e->length);
          if (e->length & 1)
            p[pos + e->length] = strcmp (e->vr, "UI") == 0 || strcmp (e->vr, "OB") == 0
                                 ? '\0' : ' ';
        }
      pos += padded;
    }
  g_assert (pos == size);
  return out;
}

char *
fake_dicom_md5 (const FakeArchive *a,
                guint32            series,
                guint32            image)
{
  g_autoptr(GByteArray) file = fake_dicom_build (a, series, image);

  return g_compute_checksum_for_data (G_CHECKSUM_MD5, file->data, file->len);
}
