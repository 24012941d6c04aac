/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the ui tests share; the helpers without GTK are in tests/test-util.h. */

#include "test-util.h"
