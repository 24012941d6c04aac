/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the fake-nbia and fake-idc programs share: their options (the
 * synthetic archive's, --fault, --latency, ranges checked), printing the URLs
 * and serving until SIGINT/SIGTERM. */

#include "fake-control.h"

G_BEGIN_DECLS

/* An integer option --@name in 0..@max, @value holding its default. */
typedef struct
{
  const char *name;
  gint64      max;
  gint64      value;
  const char *description;
  const char *arg_description;
} FakeIntOption;

/* The options of the synthetic archive (FakeNbiaOptions), in this order. */
enum
{
  FAKE_ARG_SERIES,
  FAKE_ARG_SEED,
  FAKE_ARG_IMAGES_MAX,
  FAKE_ARG_IMAGE_ROWS,
  FAKE_ARG_BIG_SERIES_BYTES,
  FAKE_ARG_COLLIDING_PAIRS,
  FAKE_N_ARCHIVE_ARGS
};

typedef struct
{
  const char      *prog;           /* "fake-nbia": the start of every message */
  FakeIntOption    archive[FAKE_N_ARCHIVE_ARGS];
  gint64           latency_ms;
  char           **faults;         /* NAME[:TIMES][@SCOPE] */
} FakeMainArgs;

/* Sets @args to the defaults. */
void         fake_main_args_init    (FakeMainArgs      *args,
                                     const char        *prog);
void         fake_main_args_clear   (FakeMainArgs      *args);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FakeMainArgs, fake_main_args_clear)

/* Parses the command line: the archive options, --fault and --latency, then
 * @own (@n_own integer options of the program, checked against their range)
 * and @extra (other options, NULL-terminated). An error is printed; FALSE
 * means exit status 2. */
gboolean     fake_main_parse        (FakeMainArgs      *args,
                                     const char        *parameter_string,
                                     const char        *fault_scope,
                                     const char        *summary,
                                     FakeIntOption     *own,
                                     guint              n_own,
                                     const GOptionEntry *extra,
                                     int               *argc,
                                     char            ***argv);

/* Sets every --fault of @args on @control (a server's); prints what is
 * wrong and returns FALSE (exit status 2) for a bad one. */
gboolean     fake_main_set_faults   (const FakeMainArgs *args,
                                     FakeControl       *control);

/* Prints @urls, one a line, on stdout (the first lines the tests read), then
 * serves until SIGINT or SIGTERM. */
void         fake_main_serve        (const char *const *urls);
/* Lets the connections closed by freeing a server go. */
void         fake_main_drain        (void);

G_END_DECLS
