/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "unit-test-util.h"
#include "tcia-citations-file.h"
#include "tcia-dest.h"
#include "tcia-extract.h"
#include "tcia-records-private.h"
#include "tcia-session.h"

#define TIMEOUT_S 60

static FakeNbia *fake;
static char *url_v4;

static TciaSeries *
make_series (const char *collection,
             const char *uri,
             const char *licence_name,
             const char *licence_uri)
{
  const char *keys[] = { "SeriesInstanceUID", "Collection", "DataDescriptionURI",
                         "LicenseName", "LicenseURI" };
  const char *values[] = { "1.2.3", collection, uri, licence_name, licence_uri };

  return tcia_series_new_from_fields (keys, values, G_N_ELEMENTS (keys));
}

/* ---- Text formatting ---------------------------------------------------- */

static void
test_escape (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "4D-Lung", "4D-Lung" },
    { "A & B", "A \\& B" },
    { "100% of #1_x", "100\\% of \\#1\\_x" },
    { "$5 {x}", "\\$5 \\{x\\}" },
    { "a\\b", "a\\textbackslash{}b" },
    { "~^", "\\textasciitilde{}\\textasciicircum{}" },
    /* A line break or a control character must not end the field's line. */
    { "one\ntwo\r\tthree", "one two three" },
    { "Überprüfung", "Überprüfung" },
    { "}{", "\\}\\{" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = tcia_bibtex_escape (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
  {
    g_autofree char *out = tcia_bibtex_escape (NULL);

    g_assert_cmpstr (out, ==, "");
  }
}

/* Whether @s has as many '{' as '}' (not counting escaped ones) and never
 * closes more than it opened: a field BibTeX reads to its end. */
static gboolean
braces_balanced (const char *s)
{
  int depth = 0;

  for (const char *p = s; *p != '\0'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          continue;
        }
      if (*p == '{')
        depth++;
      else if (*p == '}' && --depth < 0)
        return FALSE;
    }
  return depth == 0;
}

static void
test_escape_balanced (void)
{
  static const char * const nasty[] = {
    "}", "{{{", "\\}", "a}b{c", "\\", "x\\", "}@misc{evil,", "%}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (nasty); i++)
    {
      g_autofree char *text = tcia_bibtex_escape (nasty[i]);
      g_autofree char *url = tcia_bibtex_escape_url (nasty[i]);

      g_assert_true (braces_balanced (text));
      g_assert_null (strpbrk (url, "{}\\ \""));
    }
}

static void
test_escape_url (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "https://doi.org/10.7937/K9/TCIA.2015.PF0M9REI",
      "https://doi.org/10.7937/K9/TCIA.2015.PF0M9REI" },
    { "http://creativecommons.org/licenses/by/3.0/", "http://creativecommons.org/licenses/by/3.0/" },
    { "https://x.org/a b}", "https://x.org/a%20b%7D" },
    { "https://x.org/?q=1&r=%20#frag", "https://x.org/?q=1&r=%20#frag" },
    { "10.1000/{x}\\y\"", "10.1000/%7Bx%7D%5Cy%22" },
    { "https://x.org/é", "https://x.org/%C3%A9" },
    { "  https://x.org/  ", "https://x.org/" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = tcia_bibtex_escape_url (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_key (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "4D-Lung", "tcia_4d_lung" },
    { "NSCLC Radiogenomics", "tcia_nsclc_radiogenomics" },
    { "CPTAC-CCRCC", "tcia_cptac_ccrcc" },
    { "--A__b--", "tcia_a_b" },
    { "Ünï", "tcia_n" },
    { "", "tcia_data" },
    { "{}%", "tcia_data" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = tcia_bibtex_key (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_doi (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "https://doi.org/10.7937/K9/TCIA.2015.PF0M9REI", "10.7937/K9/TCIA.2015.PF0M9REI" },
    { "http://dx.doi.org/10.7937/TCIA.2019.ho23nxaw", "10.7937/TCIA.2019.ho23nxaw" },
    { "HTTPS://DOI.ORG/10.1/x%2Fy", "10.1/x/y" },
    { "doi:10.5/z", "10.5/z" },
    { "https://wiki.cancerimagingarchive.net/x", NULL },
    { "https://doi.org/", NULL },
    { "https://doi.org/11.1/x", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = tcia_citation_doi_from_uri (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
  g_assert_null (tcia_citation_doi_from_uri (NULL));
}

/* ---- The list ----------------------------------------------------------- */

static void
test_format (void)
{
  g_autoptr(TciaCitations) citations = tcia_citations_new ();
  g_autoptr(TciaSeries) lung = make_series ("4D-Lung", "https://doi.org/10.7937/K9/TCIA.2016.ELN8YGLE",
                                            "Creative Commons Attribution 3.0 Unported License",
                                            "http://creativecommons.org/licenses/by/3.0/");
  g_autoptr(TciaSeries) lung_again = make_series ("4D-Lung",
                                                  "https://doi.org/10.7937/K9/TCIA.2016.ELN8YGLE",
                                                  NULL, NULL);
  g_autoptr(TciaSeries) analysis = make_series ("4D-Lung", "https://doi.org/10.7937/TCIA.2019.AB_CD",
                                                NULL, NULL);
  g_autoptr(TciaSeries) odd = make_series ("R&D_100%", NULL, "Licence {x}", NULL);
  g_autoptr(TciaSeries) none = make_series (NULL, "https://doi.org/10.1/x", NULL, NULL);
  g_autofree char *bib = NULL;
  g_autofree char *text = NULL;

  g_assert_true (tcia_citations_add_series (citations, lung));
  g_assert_false (tcia_citations_add_series (citations, lung_again));
  g_assert_true (tcia_citations_add_series (citations, analysis));
  g_assert_true (tcia_citations_add_series (citations, odd));
  g_assert_false (tcia_citations_add_series (citations, none));
  g_assert_cmpuint (tcia_citations_get_n_data_sets (citations), ==, 3);

  bib = tcia_citations_format_bibtex (citations);
  g_assert_true (braces_balanced (bib));
  g_assert_nonnull (strstr (bib, "@article{" TCIA_CITATION_TCIA_KEY ","));
  g_assert_nonnull (strstr (bib, "doi          = {10.7937/K9/TCIA.2016.ELN8YGLE}"));
  g_assert_nonnull (strstr (bib, "@misc{tcia_4d_lung,"));
  /* The analysis of the same collection, with a DOI of its own. */
  g_assert_nonnull (strstr (bib, "@misc{tcia_4d_lung_tcia_2019_ab_cd,"));
  g_assert_nonnull (strstr (bib, "title        = {{R\\&D\\_100\\%}}"));
  g_assert_nonnull (strstr (bib, "note         = {Licence: Licence \\{x\\}}"));
  g_assert_nonnull (strstr (bib, "Creative Commons Attribution 3.0 Unported License "
                                 "(http://creativecommons.org/licenses/by/3.0/)"));
  g_assert_null (strstr (bib, TCIA_CITATION_IDC_KEY));
  /* TCIA's paper comes first. */
  g_assert_true (strstr (bib, TCIA_CITATION_TCIA_KEY) < strstr (bib, "tcia_4d_lung"));

  text = tcia_citations_format_text (citations);
  g_assert_nonnull (strstr (text, "Clark K, et al. The Cancer Imaging Archive (TCIA)"));
  g_assert_nonnull (strstr (text, "4D-Lung [Data set]. The Cancer Imaging Archive. "
                                  "https://doi.org/10.7937/K9/TCIA.2016.ELN8YGLE"));
  g_assert_null (strstr (text, "Fedorov"));

  g_assert_true (tcia_citations_add_idc (citations));
  g_assert_false (tcia_citations_add_idc (citations));
  g_clear_pointer (&bib, g_free);
  g_clear_pointer (&text, g_free);
  bib = tcia_citations_format_bibtex (citations);
  text = tcia_citations_format_text (citations);
  g_assert_nonnull (strstr (bib, "@article{" TCIA_CITATION_IDC_KEY ","));
  g_assert_nonnull (strstr (bib, "10.1148/rg.230180"));
  g_assert_nonnull (strstr (text, "Fedorov A, et al. National Cancer Institute Imaging Data "
                                  "Commons"));
}

static void
test_merge (void)
{
  const char *existing =
    "% my own notes\n"
    "@book{knuth,\n  title = {TeX},\n}\n"
    "@misc{tcia_4d_lung,\n  doi = {10.7937/OTHER.DOI},\n}\n"
    "@article{clark2013tcia,\n  doi = {10.1007/S10278-013-9622-7},\n}\n";
  g_autoptr(TciaCitations) citations = tcia_citations_new ();
  g_autoptr(TciaSeries) lung = make_series ("4D-Lung", "https://doi.org/10.7937/K9/TCIA.2016.ELN8YGLE",
                                            NULL, NULL);
  g_autoptr(TciaSeries) other = make_series ("Other", "https://doi.org/10.7937/other.doi",
                                             NULL, NULL);
  g_autofree char *merged = NULL;
  g_autofree char *again = NULL;

  tcia_citations_add_series (citations, lung);
  tcia_citations_add_series (citations, other);
  merged = tcia_citations_merge_bibtex (citations, existing);

  /* Everything there stays, word for word, at the start. */
  g_assert_true (g_str_has_prefix (merged, existing));
  /* TCIA's paper and "Other" are there already (DOIs match in any case). */
  g_assert_null (strstr (merged + strlen (existing), "clark2013tcia"));
  g_assert_null (strstr (merged + strlen (existing), "Other"));
  /* 4D-Lung is new, but its key is taken by another entry. */
  g_assert_nonnull (strstr (merged, "@misc{tcia_4d_lung_2,"));
  g_assert_nonnull (strstr (merged, "10.7937/K9/TCIA.2016.ELN8YGLE"));

  /* Merging again adds nothing. */
  again = tcia_citations_merge_bibtex (citations, merged);
  g_assert_cmpstr (again, ==, merged);
}

static void
test_merge_text (void)
{
  const char *existing = "My paper.\n\nOther [Data set]. https://doi.org/10.7937/other.doi";
  g_autoptr(TciaCitations) citations = tcia_citations_new ();
  g_autoptr(TciaSeries) other = make_series ("Other", "https://doi.org/10.7937/other.doi",
                                             NULL, NULL);
  g_autoptr(TciaSeries) lung = make_series ("4D-Lung", NULL, NULL, NULL);
  g_autofree char *merged = NULL;
  g_autofree char *again = NULL;

  tcia_citations_add_series (citations, other);
  tcia_citations_add_series (citations, lung);
  merged = tcia_citations_merge_text (citations, existing);
  g_assert_true (g_str_has_prefix (merged, existing));
  g_assert_nonnull (strstr (merged, "Clark K, et al."));
  g_assert_nonnull (strstr (merged, "\n\n4D-Lung [Data set]. The Cancer Imaging Archive.\n"));
  g_assert_null (strstr (merged + strlen (existing), "Other"));
  again = tcia_citations_merge_text (citations, merged);
  g_assert_cmpstr (again, ==, merged);
}

/* ---- The files of a download ------------------------------------------- */

typedef struct
{
  char        *dir;
  char        *dest_path;
  TciaClient  *client;
  TciaSession *session;
  gboolean     finished;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dest = NULL;

  f->dir = g_dir_make_tmp ("test-citation-XXXXXX", &error);
  g_assert_no_error (error);
  f->dest_path = g_build_filename (f->dir, "dest", NULL);
  g_assert_cmpint (g_mkdir (f->dest_path, 0700), ==, 0);
  dest = g_file_new_for_path (f->dest_path);
  f->client = download_test_client (url_v4);
  f->session = tcia_session_new (f->client, NULL);
  g_object_set (f->session, "destination", dest, "layout", TCIA_LAYOUT_FLAT, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->session);
  g_clear_object (&f->client);
  tcia_extract_remove_tree (f->dir, NULL);
  g_free (f->dest_path);
  g_free (f->dir);
}

static void
finished_cb (TciaDownloadQueue *queue,
             Fixture           *f)
{
  f->finished = TRUE;
}

/* The first series of the collection @k (in the fake's order), downloaded. */
static void
download_collection (Fixture *f,
                     guint    k)
{
  const char *collection = fake_nbia_get_collections (fake)[k];
  const char *uids[2] = { NULL, NULL };
  g_autoptr(GListModel) series = NULL;
  g_autoptr(GError) error = NULL;
  TciaDownloadQueue *queue;

  g_assert_nonnull (collection);
  for (guint i = 0; i < fake_nbia_get_n_series (fake) && uids[0] == NULL; i++)
    {
      FakeNbiaSeriesInfo info;

      fake_nbia_get_series (fake, i, &info);
      if (g_str_equal (info.collection, collection))
        uids[0] = info.series_uid;
    }
  g_assert_nonnull (uids[0]);
  series = download_test_fetch_series (f->client, uids);

  g_assert_true (tcia_session_checkout (f->session, series, &error));
  g_assert_no_error (error);
  queue = tcia_session_get_queue (f->session);
  f->finished = FALSE;
  g_signal_connect (queue, "finished", G_CALLBACK (finished_cb), f);
  WAIT_FOR (f->finished);
  g_signal_handlers_disconnect_by_data (queue, f);
  g_assert_cmpuint (tcia_download_queue_get_n_failed (queue), ==, 0);
}

static char *
read_dest_file (Fixture    *f,
                const char *name)
{
  g_autofree char *path = g_build_filename (f->dest_path, name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* The DOI the fake gives collection @k's series. */
static char *
collection_doi (Fixture *f,
                guint    k)
{
  const char *collection = fake_nbia_get_collections (fake)[k];

  for (guint i = 0; i < fake_nbia_get_n_series (fake); i++)
    {
      FakeNbiaSeriesInfo info;
      const char *uids[2] = { NULL, NULL };
      g_autoptr(GListModel) series = NULL;
      g_autoptr(TciaSeries) first = NULL;

      fake_nbia_get_series (fake, i, &info);
      if (!g_str_equal (info.collection, collection))
        continue;
      uids[0] = info.series_uid;
      series = download_test_fetch_series (f->client, uids);
      first = g_list_model_get_item (series, 0);
      return tcia_citation_doi_from_uri (tcia_series_get_data_description_uri (first));
    }
  g_assert_not_reached ();
}

static void
test_download (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *doi_a = collection_doi (f, 0);
  g_autofree char *doi_b = collection_doi (f, 1);
  g_autofree char *key_a = tcia_bibtex_key (fake_nbia_get_collections (fake)[0]);
  g_autofree char *key_b = tcia_bibtex_key (fake_nbia_get_collections (fake)[1]);
  g_autofree char *bib = NULL;
  g_autofree char *txt = NULL;
  g_autofree char *bib2 = NULL;
  g_autofree char *txt2 = NULL;
  g_autofree char *field = NULL;

  g_assert_nonnull (doi_a);
  g_assert_nonnull (doi_b);
  g_assert_cmpstr (doi_a, !=, doi_b);

  download_collection (f, 0);
  bib = read_dest_file (f, TCIA_CITATION_BIB_NAME);
  txt = read_dest_file (f, TCIA_CITATION_TXT_NAME);
  g_assert_nonnull (strstr (bib, "@article{" TCIA_CITATION_TCIA_KEY ","));
  g_assert_nonnull (strstr (bib, doi_a));
  g_assert_nonnull (strstr (bib, key_a));
  g_assert_null (strstr (bib, doi_b));
  g_assert_null (strstr (bib, TCIA_CITATION_IDC_KEY));
  g_assert_nonnull (strstr (txt, doi_a));
  g_assert_nonnull (strstr (txt, "Clark K, et al."));

  /* Another collection into the same folder: added, nothing lost. */
  download_collection (f, 1);
  bib2 = read_dest_file (f, TCIA_CITATION_BIB_NAME);
  txt2 = read_dest_file (f, TCIA_CITATION_TXT_NAME);
  g_assert_true (g_str_has_prefix (bib2, bib));
  g_assert_true (g_str_has_prefix (txt2, txt));
  g_assert_nonnull (strstr (bib2, doi_b));
  g_assert_nonnull (strstr (bib2, key_b));
  g_assert_nonnull (strstr (txt2, doi_b));
  /* Each once. */
  field = g_strdup_printf ("doi          = {%s}", doi_a);
  g_assert_true (strstr (bib2, field) == g_strrstr (bib2, field));
  g_assert_true (strstr (bib2, TCIA_CITATION_TCIA_KEY ",") ==
                 g_strrstr (bib2, TCIA_CITATION_TCIA_KEY ","));
}

static void
test_symlink (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *target = g_build_filename (f->dir, "elsewhere.bib", NULL);
  g_autofree char *link = g_build_filename (f->dest_path, TCIA_CITATION_BIB_NAME, NULL);
  g_autofree char *after = NULL;
  g_autofree char *txt = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_true (g_file_set_contents (target, "not yours\n", -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (symlink (target, link), ==, 0);

  download_collection (f, 0);

  /* The link was neither followed nor replaced; the text file was written. */
  g_file_get_contents (target, &after, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after, ==, "not yours\n");
  g_assert_cmpint (g_lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  txt = read_dest_file (f, TCIA_CITATION_TXT_NAME);
  g_assert_nonnull (strstr (txt, "Clark K, et al."));
}

/* Written straight, the files say why they cannot be: a folder in the way. */
static void
test_in_the_way (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-citation-XXXXXX", &error);
  g_autofree char *bib_dir = g_build_filename (dir, TCIA_CITATION_BIB_NAME, NULL);
  g_autofree char *txt_path = g_build_filename (dir, TCIA_CITATION_TXT_NAME, NULL);
  g_autoptr(TciaCitations) citations = tcia_citations_new ();
  g_autoptr(TciaSeries) lung = make_series ("4D-Lung", NULL, NULL, NULL);
  int fd;

  g_assert_cmpint (g_mkdir (bib_dir, 0700), ==, 0);
  tcia_citations_add_series (citations, lung);
  fd = tcia_dest_open_root (dir, &error);
  g_assert_no_error (error);
  g_assert_false (tcia_citations_write_at (citations, fd, dir, &error));
  g_assert_error (error, TCIA_DOWNLOAD_ERROR, TCIA_DOWNLOAD_ERROR_IN_THE_WAY);
  g_assert_nonnull (strstr (error->message, TCIA_CITATION_BIB_NAME));
  g_assert_true (g_file_test (txt_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (bib_dir, G_FILE_TEST_IS_DIR));
  close (fd);
  tcia_extract_remove_tree (dir, NULL);
}

int
main (int   argc,
      char *argv[])
{

  g_test_init (&argc, &argv, NULL);

  fake = download_test_start_server (&url_v4);

  g_test_add_func ("/core/citation/escape", test_escape);
  g_test_add_func ("/core/citation/escape-balanced", test_escape_balanced);
  g_test_add_func ("/core/citation/escape-url", test_escape_url);
  g_test_add_func ("/core/citation/key", test_key);
  g_test_add_func ("/core/citation/doi", test_doi);
  g_test_add_func ("/core/citation/format", test_format);
  g_test_add_func ("/core/citation/merge", test_merge);
  g_test_add_func ("/core/citation/merge-text", test_merge_text);
  g_test_add_func ("/core/citation/in-the-way", test_in_the_way);
  g_test_add ("/core/citation/download", Fixture, NULL, fixture_setup, test_download,
              fixture_teardown);
  g_test_add ("/core/citation/symlink", Fixture, NULL, fixture_setup, test_symlink,
              fixture_teardown);

  return download_test_run (fake, url_v4);
}
