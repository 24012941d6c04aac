/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-common"

#include <stdio.h>
#include <string.h>

#include <glib-unix.h>

#include "fake-control.h"
#include "fake-main.h"
#include "fake-server.h"

/* Here, the suppressions reach both programs: each calls fake_main_parse. */
#include "fake-sanitizer.h"

static const FakeIntOption archive_defaults[FAKE_N_ARCHIVE_ARGS] = {
  [FAKE_ARG_SERIES] = { "series", 50000000, 40, "Series in the archive (40)", "N" },
  [FAKE_ARG_SEED] = { "seed", G_MAXUINT32, 1, "Seed of the archive (1)", "N" },
  [FAKE_ARG_IMAGES_MAX] = { "images-max", 100000, 6, "Most images in a series (6)", "N" },
  [FAKE_ARG_IMAGE_ROWS] = { "image-rows", 4096, 16, "Image side in pixels (16)", "N" },
  [FAKE_ARG_BIG_SERIES_BYTES] = { "big-series-bytes", G_GINT64_CONSTANT (1) << 40, 0,
                                  "Add a series of about this size in collection Big-Series",
                                  "N" },
  [FAKE_ARG_COLLIDING_PAIRS] = { "colliding-pairs", 1000000, 0,
                                 "Pairs of series in one study with the same folder name (0)",
                                 "N" },
};

void
fake_main_args_init (FakeMainArgs *args,
                     const char   *prog)
{
  memset (args, 0, sizeof *args);
  args->prog = prog;
  memcpy (args->archive, archive_defaults, sizeof archive_defaults);
}

void
fake_main_args_clear (FakeMainArgs *args)
{
  g_clear_pointer (&args->faults, g_strfreev);
}

static void
add_int_entry (GArray        *entries,
               FakeIntOption *option)
{
  GOptionEntry entry = { option->name, 0, 0, G_OPTION_ARG_INT64, &option->value,
                         option->description, option->arg_description };

  g_array_append_val (entries, entry);
}

static gboolean
in_range (const char          *prog,
          const FakeIntOption *option)
{
  if (option->value >= 0 && option->value <= option->max)
    return TRUE;
  fprintf (stderr, "%s: --%s must be between 0 and %" G_GINT64_FORMAT "\n", prog,
           option->name, option->max);
  return FALSE;
}

gboolean
fake_main_parse (FakeMainArgs       *args,
                 const char         *parameter_string,
                 const char         *fault_scope,
                 const char         *summary,
                 FakeIntOption      *own,
                 guint               n_own,
                 const GOptionEntry *extra,
                 int                *argc,
                 char             ***argv)
{
  FakeIntOption latency = { "latency", 3600000, 0, "Delay before every answer", "MS" };
  g_autofree char *fault_arg = g_strdup_printf ("NAME[:TIMES][@%s]", fault_scope);
  g_autoptr(GOptionContext) context = g_option_context_new (parameter_string);
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  g_autoptr(GError) error = NULL;
  GOptionEntry fault = { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &args->faults,
                         "Inject a fault into the next TIMES (1; 0: all) matching requests",
                         fault_arg };

  for (guint i = 0; i < n_own; i++)
    add_int_entry (entries, &own[i]);
  for (guint i = 0; i < FAKE_N_ARCHIVE_ARGS; i++)
    add_int_entry (entries, &args->archive[i]);
  add_int_entry (entries, &latency);
  g_array_append_val (entries, fault);
  for (guint i = 0; extra != NULL && extra[i].long_name != NULL; i++)
    g_array_append_vals (entries, &extra[i], 1);

  g_option_context_add_main_entries (context, (GOptionEntry *) entries->data, NULL);
  g_option_context_set_summary (context, summary);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "%s: %s\n", args->prog, error->message);
      return FALSE;
    }
  if (*argc > 1)
    {
      fprintf (stderr, "%s: unexpected argument '%s'\n", args->prog, (*argv)[1]);
      return FALSE;
    }
  for (guint i = 0; i < n_own; i++)
    if (!in_range (args->prog, &own[i]))
      return FALSE;
  for (guint i = 0; i < FAKE_N_ARCHIVE_ARGS; i++)
    if (!in_range (args->prog, &args->archive[i]))
      return FALSE;
  if (!in_range (args->prog, &latency))
    return FALSE;
  args->latency_ms = latency.value;
  return TRUE;
}

/* NAME[:TIMES][@SCOPE] */
static gboolean
set_fault (const FakeMainArgs *args,
           const char         *spec,
           FakeControl        *control)
{
  g_autofree char *copy = g_strdup (spec);
  char *scope = strchr (copy, '@');
  char *times_text;
  guint64 times = 1;
  guint fault;

  if (scope != NULL)
    *scope++ = '\0';
  times_text = strchr (copy, ':');
  if (times_text != NULL)
    {
      *times_text++ = '\0';
      if (!g_ascii_string_to_unsigned (times_text, 10, 0, G_MAXUINT, &times, NULL))
        {
          fprintf (stderr, "%s: bad count in --fault=%s\n", args->prog, spec);
          return FALSE;
        }
    }
  fault = fake_control_fault_from_name (control, copy);
  if (fault == 0 || (scope != NULL && scope[0] == '\0'))
    {
      fprintf (stderr, "%s: unknown fault in --fault=%s\n", args->prog, spec);
      return FALSE;
    }
  fake_control_set_fault (control, fault, times, scope);
  return TRUE;
}

gboolean
fake_main_set_faults (const FakeMainArgs *args,
                      FakeControl        *control)
{
  for (guint i = 0; args->faults != NULL && args->faults[i] != NULL; i++)
    if (!set_fault (args, args->faults[i], control))
      return FALSE;
  return TRUE;
}

void
fake_main_serve (const char *const *urls)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  for (guint i = 0; urls[i] != NULL; i++)
    printf ("%s\n", urls[i]);
  fflush (stdout);
  /* The loop lives as long as the handlers: a late signal finds it. */
  g_unix_signal_add_full (G_PRIORITY_DEFAULT, SIGINT, fake_quit_loop_cb, g_main_loop_ref (loop),
                          (GDestroyNotify) g_main_loop_unref);
  g_unix_signal_add_full (G_PRIORITY_DEFAULT, SIGTERM, fake_quit_loop_cb, g_main_loop_ref (loop),
                          (GDestroyNotify) g_main_loop_unref);
  g_main_loop_run (loop);
}

void
fake_main_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}
