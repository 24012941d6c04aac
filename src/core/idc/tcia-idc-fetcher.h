/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-fetcher.h"
#include "tcia-idc-client.h"
#include "tcia-idc-location.h"

G_BEGIN_DECLS

/* The IDC source of downloads: a series' objects listed in its bucket
 * folder, then fetched several at a time, each streamed into the series
 * writer, which checks its size against the listing and its MD5 against
 * a plain-MD5 ETag. Files keep the object names, "<crdc_instance_uuid>.dcm",
 * as idc-index and s5cmd name them. */

#define TCIA_TYPE_IDC_FETCHER (tcia_idc_fetcher_get_type ())

G_DECLARE_FINAL_TYPE (TciaIdcFetcher, tcia_idc_fetcher, TCIA, IDC_FETCHER, GObject)

/* Objects fetched at once per series, at least (by default). A series
 * takes more when fewer series share the connections to the bucket: up to
 * TCIA_IDC_FETCHER_MAX_PARALLEL for one alone. */
#define TCIA_IDC_FETCHER_DEFAULT_PARALLEL 4
#define TCIA_IDC_FETCHER_MAX_PARALLEL     16

/* @bucket_url: the S3 endpoint (NULL: TCIA_IDC_DEFAULT_BUCKET_URL). An
 * address that cannot be used makes every fetch fail with its reason. */
TciaFetcher *tcia_idc_fetcher_new              (const char      *bucket_url);
/* Where IDC keeps a series (from tcia_idc_client_resolve()); thread-safe.
 * Only series with a location can be fetched. */
void         tcia_idc_fetcher_add_location     (TciaIdcFetcher  *self,
                                                TciaIdcLocation *location);
/* A new reference to the location of @series_uid, or NULL. Thread-safe. */
TciaIdcLocation *
             tcia_idc_fetcher_get_location     (TciaIdcFetcher  *self,
                                                const char      *series_uid);
/* The API client that learns where series are (tcia_fetcher_prepare(),
 * one request per batch); before the first fetch. Without one, only the
 * locations added are known. */
void         tcia_idc_fetcher_set_client       (TciaIdcFetcher  *self,
                                                TciaIdcClient   *client);
/* The least objects fetched at once per series (1 to
 * TCIA_IDC_FETCHER_MAX_PARALLEL); more when few series are being fetched. */
void         tcia_idc_fetcher_set_parallel     (TciaIdcFetcher  *self,
                                                guint            n);
/* The retries of each request (listing page, object). */
void         tcia_idc_fetcher_set_retry_policy (TciaIdcFetcher  *self,
                                                guint            max_attempts,
                                                guint            base_delay_ms,
                                                guint            max_delay_ms);
/* The I/O timeout of its connections; before the first fetch. */
void         tcia_idc_fetcher_set_timeout      (TciaIdcFetcher  *self,
                                                guint            timeout_s);

G_END_DECLS
