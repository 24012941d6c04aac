/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-idc"

#include <signal.h>
#include <string.h>

#include "fake-idc.h"
#include "fake-s3rver.h"
#include "test-util.h"

/* Runs tests/fake-idc/s3rver-seed.mjs under node, which starts s3rver and
 * uploads the objects fake_idc_export_objects() wrote, then says READY. */

struct _FakeS3rver
{
  GSubprocess *process;
  char        *objects;      /* the exported objects, removed on stop */
  char        *url;
};

static char *
modules_dir (void)
{
  const char *env = g_getenv ("TCIA_NPM_PEERS");

  if (env != NULL && env[0] != '\0')
    return g_build_filename (env, "node_modules", NULL);
  return g_build_filename (FAKE_IDC_SOURCE_ROOT, ".npm-peers", "node_modules", NULL);
}

gboolean
fake_s3rver_available (char **why)
{
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *modules = modules_dir ();
  g_autofree char *s3rver = g_build_filename (modules, "s3rver", "package.json", NULL);

  if (node == NULL)
    {
      if (why != NULL)
        *why = g_strdup ("node is not installed (Debian package nodejs)");
      return FALSE;
    }
  if (!g_file_test (s3rver, G_FILE_TEST_EXISTS))
    {
      if (why != NULL)
        *why = g_strdup_printf ("s3rver is not installed in %s (build-aux/dev test installs "
                                "it)", modules);
      return FALSE;
    }
  return TRUE;
}

gboolean
fake_s3rver_require (void)
{
  g_autofree char *why = NULL;

  if (fake_s3rver_available (&why))
    return TRUE;
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    {
      g_test_message ("CI needs s3rver: %s", why);
      g_test_fail ();
    }
  else
    {
      g_test_skip (why);
    }
  return FALSE;
}

FakeS3rver *
fake_s3rver_start (FakeIdcArchive     *archive,
                   const char *const  *uids,
                   GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *modules = modules_dir ();
  g_autofree char *line = NULL;
  g_autofree char *why = NULL;
  FakeS3rver *self;

  g_return_val_if_fail (archive != NULL, NULL);

  if (!fake_s3rver_available (&why))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, why);
      return NULL;
    }
  self = g_new0 (FakeS3rver, 1);
  self->objects = g_dir_make_tmp ("fake-s3rver-XXXXXX", error);
  if (self->objects == NULL || !fake_idc_export_objects (archive, self->objects, uids, error))
    {
      fake_s3rver_stop (self);
      return NULL;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* No proxy may reroute the uploads to 127.0.0.1. */
  g_subprocess_launcher_unsetenv (launcher, "http_proxy");
  g_subprocess_launcher_unsetenv (launcher, "HTTP_PROXY");
  self->process = g_subprocess_launcher_spawn (launcher, error, "node",
                                               "--openssl-legacy-provider",
                                               FAKE_IDC_SOURCE_ROOT
                                               "/tests/fake-idc/s3rver-seed.mjs",
                                               "--modules", modules,
                                               "--objects", self->objects, NULL);
  if (self->process == NULL)
    {
      fake_s3rver_stop (self);
      return NULL;
    }
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, error);
  if (line == NULL || !g_str_has_prefix (line, "READY "))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "s3rver did not start (%s)", line ? line : "no output");
      fake_s3rver_stop (self);
      return NULL;
    }
  self->url = g_strndup (line + strlen ("READY "), strcspn (line + strlen ("READY "), " "));
  return self;
}

const char *
fake_s3rver_get_url (FakeS3rver *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->url;
}

void
fake_s3rver_stop (FakeS3rver *self)
{
  if (self == NULL)
    return;

  if (self->process != NULL)
    {
      g_subprocess_send_signal (self->process, SIGTERM);
      g_subprocess_wait (self->process, NULL, NULL);
      g_clear_object (&self->process);
    }
  if (self->objects != NULL)
    remove_tree (self->objects);
  g_free (self->objects);
  g_free (self->url);
  g_free (self);
}
