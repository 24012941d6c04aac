/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* s3rver (an S3 server from the npm registry, installed by build-aux/dev into
 * .npm-peers/) loaded with objects of the fake IDC archive, for tests that
 * check the bucket client against a real S3 implementation, not only
 * against our own fake. */

#include <gio/gio.h>

#include "fake-idc-archive.h"

G_BEGIN_DECLS

typedef struct _FakeS3rver FakeS3rver;

/* Whether node and s3rver are there; if not, @why says what is missing. */
gboolean    fake_s3rver_available   (char              **why);

/* Exports the objects of @uids (NULL: every current series) of @archive,
 * starts s3rver on 127.0.0.1 (a free port) with them in IDC's three buckets
 * and waits until it serves them all. Blocks. */
FakeS3rver *fake_s3rver_start       (FakeIdcArchive     *archive,
                                     const char *const  *uids,
                                     GError            **error);
/* "http://127.0.0.1:PORT": objects are <URL>/<bucket>/<key>. */
const char *fake_s3rver_get_url     (FakeS3rver         *self);
/* Stops the server and removes its files. */
void        fake_s3rver_stop        (FakeS3rver         *self);

/* For a test that needs s3rver: TRUE when it may go on; otherwise it has
 * been skipped (a developer machine without node or s3rver) or, with CI=true
 * in the environment, failed. */
gboolean    fake_s3rver_require     (void);

G_END_DECLS
