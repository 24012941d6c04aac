/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "tcia-fetcher.h"
#include "tcia-series.h"

G_BEGIN_DECLS

/* Which source serves a series (issue #13): "auto" tries IDC first for the
 * series IDC has, NBIA for the rest, and falls back to the other source on
 * a permanent failure; "nbia" and "idc" use one source only. */
typedef enum
{
  TCIA_SOURCE_POLICY_AUTO,
  TCIA_SOURCE_POLICY_NBIA,
  TCIA_SOURCE_POLICY_IDC,
} TciaSourcePolicy;

/* "auto", "nbia", "idc"; FALSE for anything else. */
gboolean    tcia_source_policy_from_string (const char       *text,
                                            TciaSourcePolicy *policy);
const char *tcia_source_policy_to_string   (TciaSourcePolicy  policy);

#define TCIA_TYPE_SOURCES (tcia_sources_get_type ())

G_DECLARE_FINAL_TYPE (TciaSources, tcia_sources, TCIA, SOURCES, GObject)

/* The sources a download queue asks, in the order of the policy: @nbia
 * (may be NULL with the "idc" policy) and @idc (NULL when there is none:
 * then only NBIA serves). Thread-safe: the workers of a queue choose at
 * once. */
TciaSources      *tcia_sources_new          (TciaFetcher      *nbia,
                                             TciaFetcher      *idc,
                                             TciaSourcePolicy  policy);
/* One source for every series (tests, a caller with a source of its own). */
TciaSources      *tcia_sources_new_single   (TciaFetcher      *fetcher);
TciaSourcePolicy  tcia_sources_get_policy   (TciaSources      *self);

/* @series will be asked for: a source that learns what it has by asking
 * (IDC) asks for all the series wanted so far at once, when the first of
 * them is chosen. */
void              tcia_sources_want         (TciaSources      *self,
                                             TciaSeries       *series);

/* Blocking, in a worker thread: the fetchers to try for @series, best
 * first (a new array of references; empty when no source has it, and then
 * @why says so). @why may also be set when the array is not empty: why
 * the preferred source was passed over ("IDC does not have this series").
 * @unreachable is TRUE when that is because a source could not be asked
 * (worth trying again later), FALSE when it does not have the series. */
GPtrArray        *tcia_sources_choose       (TciaSources      *self,
                                             TciaSeries       *series,
                                             SoupSession      *session,
                                             GCancellable     *cancellable,
                                             char            **why,
                                             gboolean         *unreachable);

/* Whether a failure with @error of one source is worth trying the next
 * for: the source's fault, not the destination's or the user's. */
gboolean          tcia_sources_should_fall_back (const GError *error);

G_END_DECLS
