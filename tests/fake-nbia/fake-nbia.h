/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A fake NBIA server that behaves as ../shared/tcia-api.md describes, for v4
 * under /nbia-api/services/v4/ and v1 under /nbia-api/services/v1/, serving a
 * deterministic synthetic archive. Used in-process by tests and by the
 * fake-nbia program (tests, benchmarks, build-aux/dev demo). */

#include <libsoup/soup.h>

#include "fake-main.h"

G_BEGIN_DECLS

typedef enum
{
  FAKE_NBIA_FAULT_NONE,
  FAKE_NBIA_FAULT_HTTP_429,        /* 429 + Retry-After */
  FAKE_NBIA_FAULT_HTTP_503,        /* 503 + Retry-After */
  FAKE_NBIA_FAULT_HTTP_500,        /* 500, plain text */
  FAKE_NBIA_FAULT_HTTP_400,        /* 400, plain text "Simulated bad request: ..." */
  FAKE_NBIA_FAULT_DROP,            /* connection closed half-way through the body */
  FAKE_NBIA_FAULT_ZIP_TRUNCATED,   /* getImage: a 200 whose ZIP ends early */
  FAKE_NBIA_FAULT_WRONG_MD5,       /* getImage: md5hashes.csv has a wrong hash */
  FAKE_NBIA_FAULT_ESCAPING_ENTRY,  /* getImage: an entry named "../escape.dcm" */
  FAKE_NBIA_FAULT_ABSOLUTE_ENTRY,  /* getImage: an entry named "/tmp/absolute.dcm" */
  FAKE_NBIA_FAULT_MALFORMED_JSON,  /* JSON endpoints: a complete 200 body that is not valid JSON */
  FAKE_NBIA_FAULT_STALL,           /* the body stops half-way and the connection stays open */
  FAKE_NBIA_FAULT_HTML_PAGE,       /* a 200 text/html error page instead of data */
  FAKE_NBIA_FAULT_EMPTY_ZIP,       /* getImage: a 200 whose ZIP has no entries at all */
  FAKE_NBIA_FAULT_MD5_ONLY_ZIP,    /* getImage: a ZIP of one empty md5hashes.csv, nothing else */
  FAKE_NBIA_FAULT_ZIP_BOMB,        /* getImage: the first DICOM inflates to bomb_bytes of zeros */
  FAKE_NBIA_FAULT_RETRY_AFTER_LONG,/* 503 + "Retry-After: 3600" */
  FAKE_NBIA_FAULT_NO_COUNTS,       /* series rows without ImageCount and FileSize */
  FAKE_NBIA_FAULT_TRICKLE,         /* a 200 body sent one byte every trickle_ms */
  FAKE_NBIA_FAULT_THUMBNAIL_500,   /* getThumbnail: 500, plain text */
  FAKE_NBIA_FAULT_THUMBNAIL_CORRUPT, /* getThumbnail: a 200 image/jpeg that starts as a JPEG
                                      and cannot be decoded */
  FAKE_NBIA_N_FAULTS
} FakeNbiaFault;

typedef struct
{
  guint   n_series;        /* total series in the archive; default 40 */
  guint32 seed;            /* default 1 */
  guint   images_per_series_max; /* default 6 (each series has 1..max images) */
  guint   image_rows;      /* DICOM image side in pixels; default 16 */
  guint64 big_series_bytes;/* if > 0, one extra series in collection "Big-Series"
                              whose DICOM files add up to about this many bytes */
  guint   latency_ms;      /* added before every answer; default 0 */
  guint   retry_after_s;   /* Retry-After sent with 429/503; default 1 */
  guint64 bomb_bytes;      /* what zip-bomb's entry inflates to; default 256 MiB */
  guint   trickle_ms;      /* trickle: the pause between two bytes; default 1000 */
  guint   colliding_pairs; /* pairs of series in one study whose Data Retriever folder
                              names (tcia-api.md §5.3) are the same; default 0 */
  guint64 rate_limit;      /* bytes/s of a getImage body per connection; 0 (default): none */
  guint   cache_entries;   /* big listings kept made; default 2 */
} FakeNbiaOptions;

typedef struct _FakeNbia FakeNbia;

void        fake_nbia_options_init  (FakeNbiaOptions *options);
/* The archive's options and the latency from a fake program's command line. */
void        fake_nbia_options_set_archive (FakeNbiaOptions    *options,
                                     const FakeMainArgs *args);

FakeNbia   *fake_nbia_new           (const FakeNbiaOptions *options);
void        fake_nbia_free          (FakeNbia        *self);

/* Listens on 127.0.0.1 (port 0 picks a free port). The server runs on the
 * thread-default main context of the caller, or, with _start_in_thread, on a
 * thread of its own so the caller may block. */
gboolean    fake_nbia_listen        (FakeNbia        *self,
                                     guint            port,
                                     GError         **error);
gboolean    fake_nbia_start_in_thread (FakeNbia      *self,
                                     guint            port,
                                     GError         **error);

/* "http://127.0.0.1:PORT/nbia-api/services/v4/" for @version 4, ".../v1/" for 1. */
char       *fake_nbia_get_url       (FakeNbia        *self,
                                     guint            version);

/* The next @times matching requests get @fault (0 = every request from now on).
 * @series_uid limits download faults to one series (NULL: any). Thread-safe.
 * Which requests match: http-*, retry-after-long and html-page (a 200
 * text/html page, getImage included), any NBIA request; drop, stall and
 * trickle, any 200 with a body (trickle: all of it, one byte at a time, the
 * connection open meanwhile, until the client goes away) (a listing gets a Content-Length for all of it and half
 * the body; getImage half its DICOM data, then a chunk that never ends);
 * malformed-json, JSON answers; zip-truncated (a short but well-formed ZIP,
 * without md5hashes.csv), escaping-entry and absolute-entry (the first DICOM
 * renamed), getImage and getImageWithMD5Hash; wrong-md5, ZIPs that carry
 * md5hashes.csv and the MD5 endpoints; empty-zip (no entries), md5-only-zip (one
 * empty md5hashes.csv) and zip-bomb, getImage and getImageWithMD5Hash;
 * thumbnail-500 and thumbnail-corrupt, getThumbnail. zip-bomb
 * replaces the first DICOM with an entry of the same name, deflated as it is
 * written, that inflates to bomb_bytes of zeros; the rest of the series follows
 * and md5hashes.csv (if any) lists the original file's MD5, not the bomb's. With @series_uid, only requests whose
 * SeriesInstanceUID (or SOP instance's series) it is. Setting a fault again for
 * the same series replaces its count. */
void        fake_nbia_set_fault     (FakeNbia        *self,
                                     FakeNbiaFault    fault,
                                     guint            times,
                                     const char      *series_uid);
/* Its faults, latency and counts, for what fake-common does with them. */
FakeControl *fake_nbia_get_control  (FakeNbia        *self);
void        fake_nbia_clear_faults  (FakeNbia        *self);
void        fake_nbia_set_latency   (FakeNbia        *self,
                                     guint            latency_ms);
/* Changes to the archive while the server runs (thread-safe), for clients
 * that keep a copy: a series withdrawn (gone from every listing); a
 * collection hidden (gone from every listing, its series included) or
 * shown again, which to a client is a collection added; a series released
 * again on a later day (its DateReleased and MaxSubmissionTimestamp move
 * on, and getUpdatedSeries?fromDate= before that day lists it). Patient
 * counts stay as generated. FALSE for an unknown UID or name. */
gboolean    fake_nbia_withdraw_series (FakeNbia      *self,
                                     const char      *series_uid);
gboolean    fake_nbia_set_collection_hidden (FakeNbia *self,
                                     const char      *collection,
                                     gboolean         hidden);
gboolean    fake_nbia_release_series_again (FakeNbia *self,
                                     const char      *series_uid,
                                     int              year,
                                     int              month,
                                     int              day);

/* Requests answered so far whose path ends in @endpoint ("getSeries"), or all for NULL. */
guint       fake_nbia_get_request_count (FakeNbia    *self,
                                     const char      *endpoint);
/* Of those, the ones whose Collection parameter was @collection. */
guint       fake_nbia_get_collection_request_count (FakeNbia *self,
                                     const char      *endpoint,
                                     const char      *collection);
/* The most requests the server had in hand at once (arrived, response not
 * yet all sent) since the last call, or since it started. */
guint       fake_nbia_take_peak_requests (FakeNbia   *self);

FakeNbiaFault fake_nbia_fault_from_string (const char *name);
/* "http-429", "drop", ...; the names --fault and /fake-nbia/fault?name= take. */
const char *fake_nbia_fault_to_string (FakeNbiaFault fault);

/* The port listened on (after _listen or _start_in_thread). */
guint       fake_nbia_get_port      (FakeNbia        *self);

/* The archive, for tests that check what the server said. */
typedef struct
{
  const char *collection;
  const char *patient_id;
  const char *study_uid;
  const char *series_uid;
  const char *modality;
  const char *body_part;       /* NULL when the series has none */
  const char *manufacturer;    /* NULL when the series has none */
  const char *series_description;
  guint       image_count;
  guint64     file_size;       /* exact sum of the DICOM files' sizes */
  const char *series_number;   /* "3", as SeriesNumber (0020,0011) has it */
} FakeNbiaSeriesInfo;

guint       fake_nbia_get_n_series  (FakeNbia        *self);
void        fake_nbia_get_series    (FakeNbia        *self,
                                     guint            index,
                                     FakeNbiaSeriesInfo *info);
/* The names of the collections, NULL-terminated, owned by the server. */
const char * const *fake_nbia_get_collections (FakeNbia *self);

/* The index of the series with this SeriesInstanceUID, or -1. */
gint        fake_nbia_find_series   (FakeNbia        *self,
                                     const char      *series_uid);
/* The series indexes of the saved cart @name (v1 getContentsByName), or NULL
 * when there is no such cart. Carts: "nbia-49121659384603347" (the first five
 * series and the last one that is not the big series), "nbia-56821341087226601"
 * (every seventh series, at most 20), "nbia-11001233478812345" (the first
 * series of each collection). */
GArray     *fake_nbia_get_cart      (FakeNbia        *self,
                                     const char      *name);
/* The @k-th pair of colliding_pairs (from 0): series indexes in one study with
 * the same SeriesNumber and SeriesDescription, and SeriesInstanceUIDs that
 * differ but end in the same five digits. The pairs are the first two series of
 * the first studies that have two (if too few, a study is given the first
 * series of the patient's next study). FALSE when there is no such pair. */
gboolean    fake_nbia_get_colliding_pair (FakeNbia   *self,
                                     guint            k,
                                     guint           *first_index,
                                     guint           *second_index);
/* Lower-case hex MD5 of one DICOM file, as md5hashes.csv has it. */
char       *fake_nbia_get_image_md5 (FakeNbia        *self,
                                     guint            series,
                                     guint            image);

G_END_DECLS
