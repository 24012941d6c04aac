/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

/* Sets the gboolean at @user_data: a timeout that only says it fired. */
static inline gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Spins the main loop until @cond holds; fails the test after @seconds. */
#define WAIT_FOR_SECONDS(cond, seconds) \
  G_STMT_START { \
    gboolean timed_out_ = FALSE; \
    guint id_ = g_timeout_add_seconds ((seconds), timeout_cb, &timed_out_); \
    while (!(cond) && !timed_out_) \
      g_main_context_iteration (NULL, TRUE); \
    if (!timed_out_) \
      g_source_remove (id_); \
    if (!(cond)) \
      g_error ("timed out waiting for %s", #cond); \
  } G_STMT_END

/* The same, after the test's own TIMEOUT_S. */
#define WAIT_FOR(cond) WAIT_FOR_SECONDS (cond, TIMEOUT_S)
