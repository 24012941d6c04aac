/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Include in one file of a program that runs a fake server.
 *
 * libsoup 3.2 (Debian 12) leaks the GSocket of every connection a SoupServer
 * accepted, and its listener's local address, when the server goes away. Not
 * ours: keep LeakSanitizer (sanitizer builds) quiet about exactly those. The
 * suppressions need whole stacks, through GLib's frames. */

const char *__lsan_default_suppressions (void);
const char *__asan_default_options (void);

const char *
__lsan_default_suppressions (void)
{
  return "leak:g_socket_accept\n"
         "leak:g_socket_get_local_address\n";
}

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}
