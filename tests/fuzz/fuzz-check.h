/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* A parser's failure: an error of @error_domain, in UTF-8, that names the file
 * @name and is of a length a message can have. */
#define CHECK_ERROR(error, error_domain, name)                              \
  G_STMT_START {                                                      \
    CHECK ((error) != NULL);                                          \
    CHECK ((error)->domain == (error_domain));                              \
    CHECK (g_utf8_validate ((error)->message, -1, NULL));             \
    CHECK (strstr ((error)->message, (name)) != NULL);                \
    CHECK (strlen ((error)->message) < 4096);                         \
  } G_STMT_END

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
