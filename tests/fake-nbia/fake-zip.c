/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "fake-nbia-private.h"

/* getImage's body: a ZIP written by libarchive into the chunked response a few
 * hundred KiB at a time, more whenever a chunk has gone out, so that a series of
 * any size streams in bounded memory. Entries have no size up front, so
 * libarchive writes data descriptors (general purpose flag bit 3) as Java's
 * ZipOutputStream does. */

#define CHUNK_SIZE (256 * 1024)
#define MAX_QUEUED 4
/* zip-bomb: zeros go to libarchive this much at a time, and at most
 * BOMB_ROUND of them between two chunks, so the server thread stays free. */
#define BOMB_PIECE (64 * 1024)
#define BOMB_ROUND (16 * 1024 * 1024)

static const guint8 zeros[BOMB_PIECE];

typedef struct archive_entry ArchiveEntry;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArchiveEntry, archive_entry_free)

typedef enum
{
  STEP_LICENSE,
  STEP_BOMB,
  STEP_IMAGES,
  STEP_MD5,
  STEP_CLOSE,
  STEP_DONE,
} Step;

typedef struct
{
  const FakeArchive *archive;
  guint32            series;
  FakeZipFlags       flags;
  FakeZipMode        mode;
  SoupServerMessage *msg;          /* not owned: the stream lives as long as @msg */
  struct archive    *zip;
  GByteArray        *pending;
  GString           *md5_csv;
  Step               step;
  guint32            next_image;
  guint              queued;
  guint64            uncompressed;
  guint64            stop_after;   /* drop/stall: uncompressed bytes to send */
  guint64            bomb_left;    /* zip-bomb: zeros still to write */
  gboolean           stopped;
  gboolean           finished;     /* the message is done with, one way or another */
  time_t             mtime;
  guint64            rate;         /* bytes/s; 0: no limit */
  guint64            sent;         /* bytes handed to libsoup */
  gint64             start;
  GSource           *pace;         /* waits until the rate allows more */
} ZipStream;

static la_ssize_t
zip_write_cb (struct archive *a,
              void           *user_data,
              const void     *buffer,
              size_t          length)
{
  ZipStream *z = user_data;

  if (!z->finished)
    g_byte_array_append (z->pending, buffer, length);
  return length;
}

static void
zip_stream_free (gpointer data)
{
  ZipStream *z = data;

  z->finished = TRUE;
  if (z->pace != NULL)
    {
      g_source_destroy (z->pace);
      g_clear_pointer (&z->pace, g_source_unref);
    }
  g_clear_pointer (&z->zip, archive_write_free);
  g_byte_array_unref (z->pending);
  g_string_free (z->md5_csv, TRUE);
  g_free (z);
}

static void
check (ZipStream *z,
       int        r)
{
  if (r < ARCHIVE_WARN)
    g_critical ("libarchive: %s", archive_error_string (z->zip));
}

/* Writes @len bytes of an entry, or only the first @limit of them (drop, stall). */
static gboolean
write_entry (ZipStream    *z,
             const char   *name,
             const guint8 *data,
             gsize         len)
{
  g_autoptr(ArchiveEntry) entry = archive_entry_new ();
  gsize n = len;

  archive_entry_set_pathname_utf8 (entry, name);
  archive_entry_set_filetype (entry, AE_IFREG);
  archive_entry_set_perm (entry, 0644);
  archive_entry_set_mtime (entry, z->mtime, 0);
  check (z, archive_write_header (z->zip, entry));

  if (z->stop_after > 0 && z->uncompressed + len >= z->stop_after)
    {
      n = z->stop_after - z->uncompressed;
      z->stopped = TRUE;
    }
  if (n > 0 && archive_write_data (z->zip, data, n) < 0)
    check (z, ARCHIVE_FATAL);
  z->uncompressed += n;
  if (!z->stopped)
    check (z, archive_write_finish_entry (z->zip));
  return !z->stopped;
}

static void
write_license (ZipStream *z)
{
  const FakeCollection *c = fake_series_collection (z->archive, z->series);
  const FakeLicense *l = &fake_licenses[c->license];
  g_autofree char *text = NULL;

  text = g_strdup_printf ("License Information. The %s collection is distributed under the %s "
                          "at %s By downloading the data, you agree to abide by terms of this "
                          "license.\n", c->name, l->short_name, l->url);
  write_entry (z, "LICENSE", (const guint8 *) text, strlen (text));
}

static void
image_name (ZipStream *z,
            guint32    image,
            char       name[FAKE_STR_MAX])
{
  const FakeArchive *a = z->archive;

  if (image == 0 && z->mode == FAKE_ZIP_ESCAPING_ENTRY)
    g_strlcpy (name, "../escape.dcm", FAKE_STR_MAX);
  else if (image == 0 && z->mode == FAKE_ZIP_ABSOLUTE_ENTRY)
    g_strlcpy (name, "/tmp/absolute.dcm", FAKE_STR_MAX);
  else if (z->flags & FAKE_ZIP_NEW_NAMES)
    fake_archive_new_file_name (a, z->series, image, name);
  else
    g_snprintf (name, FAKE_STR_MAX, "%08u.dcm", image + 1);
}

static void
write_image (ZipStream *z)
{
  guint32 image = z->next_image++;
  g_autoptr(GByteArray) file = fake_dicom_build (z->archive, z->series, image);
  g_autofree char *md5 = NULL;
  char name[FAKE_STR_MAX];

  image_name (z, image, name);
  if (z->mode == FAKE_ZIP_WRONG_MD5 && image == 0)
    md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, name, -1);
  else
    md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5, file->data, file->len);
  g_string_append_printf (z->md5_csv, "%s,%s\n", name, md5);

  write_entry (z, name, file->data, file->len);
}

/* The first image's entry, as zeros written a round at a time: it is never
 * held whole, deflated or not. md5hashes.csv lists the real image's MD5. */
static void
write_bomb (ZipStream *z)
{
  guint64 round = 0;

  if (z->next_image == 0)
    {
      g_autofree char *md5 = fake_dicom_md5 (z->archive, z->series, 0);
      g_autoptr(ArchiveEntry) entry = archive_entry_new ();
      char name[FAKE_STR_MAX];

      image_name (z, 0, name);
      g_string_append_printf (z->md5_csv, "%s,%s\n", name, md5);
      archive_entry_set_pathname_utf8 (entry, name);
      archive_entry_set_filetype (entry, AE_IFREG);
      archive_entry_set_perm (entry, 0644);
      archive_entry_set_mtime (entry, z->mtime, 0);
      check (z, archive_write_header (z->zip, entry));
      z->next_image = 1;
    }
  while (z->bomb_left > 0 && round < BOMB_ROUND)
    {
      gsize n = MIN (z->bomb_left, BOMB_PIECE);

      if (archive_write_data (z->zip, zeros, n) < 0)
        check (z, ARCHIVE_FATAL);
      z->bomb_left -= n;
      round += n;
    }
  if (z->bomb_left == 0)
    {
      check (z, archive_write_finish_entry (z->zip));
      z->step = STEP_IMAGES;
    }
}

/* Runs the archive forward until a chunk's worth is pending or it is over. */
static void
produce (ZipStream *z)
{
  const FakeSeries *s = &z->archive->series[z->series];

  while (z->pending->len < CHUNK_SIZE && z->step != STEP_DONE && !z->stopped)
    {
      switch (z->step)
        {
        case STEP_LICENSE:
          if (z->mode == FAKE_ZIP_EMPTY)
            {
              z->step = STEP_CLOSE;
              break;
            }
          if (z->mode == FAKE_ZIP_MD5_ONLY)
            {
              write_entry (z, "md5hashes.csv", (const guint8 *) "", 0);
              z->step = STEP_CLOSE;
              break;
            }
          if (z->flags & FAKE_ZIP_LICENSE)
            write_license (z);
          z->step = z->mode == FAKE_ZIP_BOMB ? STEP_BOMB : STEP_IMAGES;
          break;

        case STEP_BOMB:
          write_bomb (z);
          /* Zeros deflate to next to nothing: let a chunk out now and then. */
          if (z->pending->len > 0)
            return;
          break;

        case STEP_IMAGES:
          if (z->mode == FAKE_ZIP_TRUNCATED && z->next_image >= s->n_images / 2)
            {
              z->step = STEP_CLOSE;
              break;
            }
          if (z->next_image < s->n_images)
            write_image (z);
          if (z->next_image >= s->n_images)
            z->step = STEP_MD5;
          break;

        case STEP_MD5:
          if (z->flags & FAKE_ZIP_MD5)
            write_entry (z, "md5hashes.csv", (const guint8 *) z->md5_csv->str, z->md5_csv->len);
          z->step = STEP_CLOSE;
          break;

        case STEP_CLOSE:
          check (z, archive_write_close (z->zip));
          z->step = STEP_DONE;
          break;

        case STEP_DONE:
        default:
          g_assert_not_reached ();
        }
    }
}

/* A chunk header announcing more than follows it: what a dropped connection
 * leaves the client with. */
static GBytes *
broken_chunk (ZipStream *z)
{
  GByteArray *tail = g_byte_array_new ();
  char header[32];
  int n = g_snprintf (header, sizeof header, "%x\r\n", z->pending->len + 4096);

  g_byte_array_append (tail, (guint8 *) header, n);
  g_byte_array_append (tail, z->pending->data, z->pending->len);
  return g_byte_array_free_to_bytes (tail);
}

static void
drop_connection (ZipStream *z)
{
  g_autoptr(GBytes) tail = broken_chunk (z);

  fake_close_after_written (z->msg, tail);
}

/* Hands what is pending to libsoup as one chunk; ends the body when done. */
static void
push (ZipStream *z)
{
  SoupMessageBody *body = soup_server_message_get_response_body (z->msg);

  if (z->stopped && z->mode == FAKE_ZIP_DROP)
    {
      /* What is pending goes out raw, in a chunk that never ends. */
      if (z->queued == 0)
        drop_connection (z);
      return;
    }
  if (z->pending->len > 0)
    {
      soup_message_body_append (body, SOUP_MEMORY_COPY, z->pending->data, z->pending->len);
      z->sent += z->pending->len;
      g_byte_array_set_size (z->pending, 0);
      z->queued++;
    }
  if (z->step == STEP_DONE)
    soup_message_body_complete (body);
}

gint64
fake_pace_delay_us (gint64  start_us,
                    guint64 sent,
                    guint64 rate)
{
  if (rate == 0)
    return 0;
  return start_us + (gint64) (sent * G_USEC_PER_SEC / rate) - g_get_monotonic_time ();
}

static gboolean pace_cb (gpointer data);

/* Queues chunks up to MAX_QUEUED, or as many as the rate allows now. */
static void
fill (ZipStream *z)
{
  while (z->queued < MAX_QUEUED && z->step != STEP_DONE && !z->stopped)
    {
      gint64 delay = fake_pace_delay_us (z->start, z->sent, z->rate);

      if (delay > 0)
        {
          if (z->pace == NULL)
            {
              z->pace = g_timeout_source_new (MAX (1, delay / 1000));
              g_source_set_callback (z->pace, pace_cb, z, NULL);
              g_source_attach (z->pace, g_main_context_get_thread_default ());
            }
          return;
        }
      produce (z);
      push (z);
    }
}

static gboolean
pace_cb (gpointer data)
{
  ZipStream *z = data;

  g_clear_pointer (&z->pace, g_source_unref);
  if (!z->finished)
    {
      fill (z);
      soup_server_message_unpause (z->msg);
    }
  return G_SOURCE_REMOVE;
}

static void
wrote_chunk_cb (SoupServerMessage *msg,
                ZipStream         *z)
{
  if (z->queued > 0)
    z->queued--;
  if (z->finished)
    return;
  if (z->stopped)
    {
      if (z->mode == FAKE_ZIP_DROP && z->queued == 0)
        drop_connection (z);
      return;
    }
  if (z->step == STEP_DONE)
    return;
  fill (z);
  soup_server_message_unpause (msg);
}

static void
finished_cb (SoupServerMessage *msg,
             ZipStream         *z)
{
  z->finished = TRUE;
}

static gboolean
zip_refill (gpointer    data,
            GByteArray *out)
{
  ZipStream *z = data;

  produce (z);
  g_byte_array_append (out, z->pending->data, z->pending->len);
  g_byte_array_set_size (z->pending, 0);
  return z->step != STEP_DONE;
}

/* ---- trickle ---- */

typedef struct
{
  SoupServerMessage *msg;          /* not owned: the trickle lives as long as @msg */
  GSource           *source;
  GByteArray        *buf;
  guint              offset;
  gboolean           more;
  gboolean           chunked;
  FakeRefillFunc     refill;
  gpointer           data;
  GDestroyNotify     destroy;
} Trickle;

static void
trickle_stop (Trickle *t)
{
  if (t->source != NULL)
    {
      g_source_destroy (t->source);
      g_clear_pointer (&t->source, g_source_unref);
    }
}

static void
trickle_free (gpointer data)
{
  Trickle *t = data;

  trickle_stop (t);
  g_byte_array_unref (t->buf);
  if (t->destroy != NULL)
    t->destroy (t->data);
  g_free (t);
}

static void
trickle_gone_cb (SoupServerMessage *msg,
                 Trickle           *t)
{
  trickle_stop (t);
}

/* One byte, or the end of the body. */
static gboolean
trickle_step (Trickle *t)
{
  SoupMessageBody *body = soup_server_message_get_response_body (t->msg);

  while (t->offset == t->buf->len && t->more)
    {
      g_byte_array_set_size (t->buf, 0);
      t->offset = 0;
      t->more = t->refill (t->data, t->buf);
    }
  if (t->offset < t->buf->len)
    {
      soup_message_body_append (body, SOUP_MEMORY_COPY, t->buf->data + t->offset++, 1);
      return TRUE;
    }
  if (t->chunked)
    soup_message_body_complete (body);
  return FALSE;
}

static gboolean
trickle_cb (gpointer data)
{
  Trickle *t = data;
  gboolean more = trickle_step (t);

  soup_server_message_unpause (t->msg);
  if (more)
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&t->source, g_source_unref);
  return G_SOURCE_REMOVE;
}

void
fake_trickle_serve (SoupServerMessage *msg,
                    guint              interval_ms,
                    FakeRefillFunc     refill,
                    gpointer           data,
                    GDestroyNotify     destroy)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  Trickle *t = g_new0 (Trickle, 1);

  t->msg = msg;
  t->buf = g_byte_array_new ();
  t->more = TRUE;
  t->chunked = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED;
  t->refill = refill;
  t->data = data;
  t->destroy = destroy;
  g_object_set_data_full (G_OBJECT (msg), "fake-nbia-trickle", t, trickle_free);
  g_signal_connect (msg, "finished", G_CALLBACK (trickle_gone_cb), t);
  g_signal_connect (msg, "disconnected", G_CALLBACK (trickle_gone_cb), t);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);

  /* The first byte goes with the headers; the message is not paused yet. */
  if (!trickle_step (t))
    return;
  t->source = g_timeout_source_new (interval_ms);
  g_source_set_callback (t->source, trickle_cb, t, NULL);
  g_source_attach (t->source, g_main_context_get_thread_default ());
}

void
fake_zip_serve (const FakeArchive *archive,
                guint32            series,
                FakeZipFlags       flags,
                FakeZipMode        mode,
                guint64            bomb_bytes,
                guint              trickle_ms,
                guint64            rate_limit,
                SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  const FakeSeries *s = &archive->series[series];
  ZipStream *z = g_new0 (ZipStream, 1);
  char uid[FAKE_UID_MAX];
  g_autofree char *disposition = NULL;
  char level[8];
  guint64 total = s->file_size;

  z->archive = archive;
  z->series = series;
  z->flags = flags;
  z->mode = mode;
  z->msg = msg;
  z->rate = rate_limit;
  z->start = g_get_monotonic_time ();
  z->pending = g_byte_array_sized_new (CHUNK_SIZE + 64 * 1024);
  z->md5_csv = g_string_new ("Filename,MD5Hash\n");
  z->mtime = (time_t) fake_series_collection (archive, series)->released_day * 86400 + 43200;
  if (mode == FAKE_ZIP_DROP || mode == FAKE_ZIP_STALL)
    z->stop_after = MAX (1, s->file_size / 2);
  if (mode == FAKE_ZIP_BOMB)
    {
      z->bomb_left = bomb_bytes;
      total += bomb_bytes;
    }

  z->zip = archive_write_new ();
  check (z, archive_write_set_format_zip (z->zip));
  check (z, archive_write_zip_set_compression_deflate (z->zip));
  g_snprintf (level, sizeof level, "%u", s->compress_level);
  check (z, archive_write_set_format_option (z->zip, "zip", "compression-level", level));
  /* Java writes Zip64 records only when it must; so do we. */
  if (total < G_GUINT64_CONSTANT (3500000000))
    check (z, archive_write_set_format_option (z->zip, "zip", "zip64", NULL));
  check (z, archive_write_set_bytes_per_block (z->zip, 0));
  check (z, archive_write_set_bytes_in_last_block (z->zip, 1));
  check (z, archive_write_open2 (z->zip, z, NULL, zip_write_cb, NULL, NULL));

  g_object_set_data_full (G_OBJECT (msg), "fake-nbia-zip", z, zip_stream_free);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (wrote_chunk_cb), z);
  g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), z);
  g_signal_connect (msg, "disconnected", G_CALLBACK (finished_cb), z);

  fake_archive_series_uid (archive, series, uid);
  disposition = g_strdup_printf ("attachment; filename=\"%s.zip\"", uid);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_replace (headers, "Content-Type", "application/octet-stream");
  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  soup_message_body_set_accumulate (body, FALSE);

  if (mode == FAKE_ZIP_TRICKLE)
    {
      fake_trickle_serve (msg, trickle_ms, zip_refill, z, NULL);
      return;
    }
  fill (z);
}
