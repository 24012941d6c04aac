/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Part of test-idc.c: the client and the fetcher against the fake IDC. */

static void
add_fake_tests (void)
{
}
