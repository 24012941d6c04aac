/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>
#include <stdlib.h>

#include <glib.h>

/* A check that stays on in every build and stops libFuzzer where it fails. */
#define CHECK(cond)                                                   \
  G_STMT_START {                                                      \
    if (!(cond))                                                      \
      {                                                               \
        g_printerr ("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        abort ();                                                     \
      }                                                               \
  } G_STMT_END

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
