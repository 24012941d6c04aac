/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>

#include <gio/gio.h>

G_BEGIN_DECLS

/* The headless listing: tcia-basket --list=WHAT [filters] [--format=F].
 *
 * Output goes to stdout, exactly the server's rows in the server's order:
 *   tsv   a header line of column names, then one line per row; a tab, CR or
 *         LF inside a value becomes a space.
 *   csv   RFC 4180 with "\n" line ends: a field holding a comma, a quote, CR,
 *         LF or a leading or trailing space is quoted, quotes doubled.
 *   json  an array of objects keyed by column name; numbers are numbers;
 *         a field the server left out is absent.
 *   tcia  (series only) a .tcia manifest of the series listed.
 * Columns are named as NBIA v4 names them ("SeriesInstanceUID", ...). */

/* The exit status of bad usage, bad input, or a listing the server could not
 * answer (see DESIGN.md, "Command line"). */
#define TCIA_CLI_EXIT_FAILURE 2

/* For tests only: the base delay of the client's retries, in milliseconds,
 * so that a failing server is given up on quickly. Read only by the test
 * build of the program (tcia-basket-test, whose main.c is compiled with
 * TCIA_TEST_HOOKS), which passes it to tcia_cli_set_test_retry_delay(); the
 * installed tcia-basket never reads it. */
#define TCIA_CLI_TEST_RETRY_DELAY_ENV "TCIA_TEST_RETRY_DELAY_MS"

void            tcia_cli_set_test_retry_delay     (guint64          delay_ms);

typedef struct _TciaCliListing TciaCliListing;

/* Adds --list, its filters and --format to the main options of @application. */
void            tcia_cli_add_main_options         (GApplication    *application);
/* Adds @entries to the main options of @application, and remembers their
 * names so that a mistyped option can be told the closest. */
void            tcia_cli_add_option_entries       (GApplication       *application,
                                                   const GOptionEntry *entries);

/* Around GApplication's parsing of the command line: between the two, what
 * GLib would print about a command line it cannot parse is held back. When
 * @parsed is FALSE, _end() says it as "tcia-basket: <why>", with the option
 * meant when one was mistyped, and a line that points to --help. @argv is
 * the command line as given. */
void            tcia_cli_options_begin            (void);
void            tcia_cli_options_end              (GApplication       *application,
                                                   const char * const *argv,
                                                   gboolean            parsed);

/* The listing that the parsed main @options ask for. NULL without an error
 * when they ask for none; NULL with @error (G_OPTION_ERROR) when they are bad
 * usage: an unknown list or format, a filter or --format without --list, a
 * filter the list cannot be narrowed by. */
TciaCliListing *tcia_cli_listing_new_from_options (GVariantDict    *options,
                                                   GError         **error);
void            tcia_cli_listing_free             (TciaCliListing  *self);

/* Fetches the listing from @api_url and writes it to @out. Returns the exit
 * status: 0, or TCIA_CLI_EXIT_FAILURE after one line on stderr that says
 * what went wrong (a bad URL, the server's own words, a failed write). */
int             tcia_cli_listing_run              (TciaCliListing  *self,
                                                   const char      *api_url,
                                                   FILE            *out);

/* IDC's API for --format=s5cmd (NULL: TCIA_IDC_API_URL, else IDC's own). */
void            tcia_cli_listing_set_idc_api_url  (TciaCliListing  *self,
                                                   const char      *idc_api_url);

/* Prints "tcia-basket: <message>" as one line on stderr. */
void            tcia_cli_print_error              (const char      *format,
                                                   ...) G_GNUC_PRINTF (1, 2);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaCliListing, tcia_cli_listing_free)

/* The headless download: tcia-basket --download=MANIFEST --output=DIR
 * [--jobs=N] [--layout=descriptive|classic|flat] [--no-verify]. Progress on
 * stderr (one live line on a terminal, a line per series otherwise), then a
 * summary. Exit status: 0 every series complete, 1 some failed (each named on
 * stderr), 2 bad usage, a bad manifest, an unusable DIR, or a server that
 * could not say what the series are; 128 + the signal (130 for Ctrl-C) when
 * SIGINT, SIGTERM or SIGHUP stopped it: series complete by then stay, with
 * their metadata.csv rows; the others leave nothing behind but their empty
 * parent folders. A second signal stops at once. */
typedef struct _TciaCliDownload TciaCliDownload;

/* NULL without an error when the options ask for no download; NULL with
 * @error (G_OPTION_ERROR) for bad usage. */
TciaCliDownload *tcia_cli_download_new_from_options (GVariantDict     *options,
                                                     GError          **error);
void             tcia_cli_download_free             (TciaCliDownload  *self);
/* @idc_api_url and @idc_bucket_url NULL: IDC's own. */
int              tcia_cli_download_run              (TciaCliDownload  *self,
                                                     const char       *api_url,
                                                     const char       *idc_api_url,
                                                     const char       *idc_bucket_url);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaCliDownload, tcia_cli_download_free)

/* The headless sync of the local catalogue: tcia-basket --sync. Progress on
 * stderr (one live line on a terminal, a line per collection otherwise),
 * then a summary. Exit status: 0 done, 2 the server failed (the collections
 * listed by then stay; the next --sync resumes), 128 + the signal for SIGINT
 * or SIGTERM. Listings with --offline, --search or --list=new are answered
 * from the catalogue by TciaCliListing. */
typedef struct _TciaCliSync TciaCliSync;

/* NULL without an error when the options ask for no sync. */
TciaCliSync     *tcia_cli_sync_new_from_options     (GVariantDict     *options,
                                                     GError          **error);
void             tcia_cli_sync_free                 (TciaCliSync      *self);
int              tcia_cli_sync_run                  (TciaCliSync      *self,
                                                     const char       *api_url);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TciaCliSync, tcia_cli_sync_free)

G_END_DECLS
