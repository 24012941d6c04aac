/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fake-nbia"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-nbia-server.h"

/* One series: getSeriesSize, getSOPInstanceUIDs, getSingleImage, getThumbnail,
 * the MD5 endpoints and the getImage ZIP. */

/* ---- endpoints: one series ---- */

gint64
fake_require_series (FakeNbia      *self,
                     const Request *req,
                     Response      *resp)
{
  const char *uid = fake_req_get (req, "SeriesInstanceUID");

  if (uid == NULL)
    {
      fake_set_bad_request (resp, "A parameter, SeriesInstanceUID is required for this API call.");
      return -2;
    }
  return fake_archive_find_series (self->archive, uid);
}

static void
get_series_size (FakeNbia      *self,
                 const Request *req,
                 Response      *resp)
{
  gint64 s = fake_require_series (self, req, resp);
  g_autoptr(FakeTable) table = NULL;

  if (s == -2)
    return;
  table = fake_request_table (req, resp, FORMAT_JSON);
  if (table == NULL)
    return;
  if (s >= 0)
    {
      fake_table_int (table, "TotalSizeInBytes", self->archive->series[s].file_size);
      fake_table_int (table, "ObjectCount", self->archive->series[s].n_images);
      fake_table_end_row (table);
    }
  fake_finish_table (resp, table);
}

static void
get_sop_instance_uids (FakeNbia      *self,
                       const Request *req,
                       Response      *resp)
{
  gint64 s = fake_require_series (self, req, resp);
  g_autoptr(FakeTable) table = NULL;

  if (s == -2)
    return;
  table = fake_request_table (req, resp, FORMAT_JSON);
  if (table == NULL)
    return;
  for (guint32 i = 0; s >= 0 && i < self->archive->series[s].n_images; i++)
    {
      char uid[FAKE_UID_MAX];

      fake_archive_sop_uid (self->archive, s, i, uid);
      fake_table_string (table, "SOPInstanceUID", uid);
      fake_table_end_row (table);
    }
  fake_finish_table (resp, table);
}

static void
get_single_image (FakeNbia      *self,
                  const Request *req,
                  Response      *resp)
{
  const char *series_uid = fake_req_get (req, "SeriesInstanceUID");
  const char *sop_uid = fake_req_get (req, "SOPInstanceUID");
  g_autoptr(GByteArray) file = NULL;
  guint32 series, image;

  if (series_uid == NULL || sop_uid == NULL)
    {
      fake_set_bad_request (resp, "A parameter, SeriesInstanceUID and SOPInstanceUID, are required "
                                  "for this API call.");
      return;
    }
  if (!fake_archive_find_sop (self->archive, sop_uid, &series, &image) ||
      fake_archive_find_series (self->archive, series_uid) != series)
    {
      /* NBIA dereferences null here. */
      fake_set_server_error (resp);
      return;
    }
  file = fake_dicom_build (self->archive, series, image);
  resp->status = SOUP_STATUS_OK;
  resp->content_type = g_strdup ("application/dicom");
  resp->disposition = g_strdup_printf ("attachment; filename=%s.dcm", sop_uid);
  resp->body = g_byte_array_free_to_bytes (g_steal_pointer (&file));
}

/* v4 getThumbnail: NBIA renders the image as a JPEG; an image that is not
 * in the series is a NullPointerException there, so a 500. */
static void
get_thumbnail (FakeNbia      *self,
               const Request *req,
               Response      *resp)
{
  static const guint8 corrupt[] = { 0xff, 0xd8, 0xff, 0xe0, 'n', 'o', 't', ' ', 'a', ' ',
                                    'J', 'P', 'E', 'G' };
  const char *series_uid = fake_req_get (req, "seriesUID");
  const char *sop_uid = fake_req_get (req, "objectUID");
  guint32 series, image;

  if (series_uid == NULL || sop_uid == NULL)
    {
      fake_set_bad_request (resp, "A parameter, seriesUID and objectUID, are required "
                                  "for this API call.");
      return;
    }
  switch (fake_take_fault (self, (1u << FAKE_NBIA_FAULT_THUMBNAIL_500) |
                                 (1u << FAKE_NBIA_FAULT_THUMBNAIL_CORRUPT), series_uid))
    {
    case FAKE_NBIA_FAULT_THUMBNAIL_500:
      fake_set_server_error (resp);
      return;
    case FAKE_NBIA_FAULT_THUMBNAIL_CORRUPT:
      resp->status = SOUP_STATUS_OK;
      resp->content_type = g_strdup ("image/jpeg");
      resp->body = g_bytes_new_static (corrupt, sizeof corrupt);
      return;
    default:
      break;
    }
  if (!fake_archive_find_sop (self->archive, sop_uid, &series, &image) ||
      fake_archive_find_series (self->archive, series_uid) != series)
    {
      fake_set_server_error (resp);
      return;
    }
  resp->status = SOUP_STATUS_OK;
  resp->content_type = g_strdup ("image/jpeg");
  resp->body = fake_thumbnail_build (series, image);
}

static void
md5_for_image (FakeNbia      *self,
               const Request *req,
               Response      *resp,
               const char    *param)
{
  const char *uid = fake_req_get (req, param);
  g_autofree char *md5 = NULL;
  guint32 series, image;

  if (uid == NULL)
    {
      g_autofree char *text = g_strdup_printf ("A parameter, %s is required for this API call.",
                                               param);
      fake_set_bad_request (resp, text);
      return;
    }
  resp->status = SOUP_STATUS_OK;
  if (!fake_archive_find_sop (self->archive, uid, &series, &image))
    return;
  md5 = fake_dicom_md5 (self->archive, series, image);
  fake_set_text (resp, SOUP_STATUS_OK, "text/plain", md5);
}

static void
get_md5_hash_for_image (FakeNbia      *self,
                        const Request *req,
                        Response      *resp)
{
  md5_for_image (self, req, resp, "SOPInstanceUID");
}

static void
get_m5_hash_for_image (FakeNbia      *self,
                       const Request *req,
                       Response      *resp)
{
  md5_for_image (self, req, resp, "SOPInstanceUid");
}

static gboolean
zip_series (FakeNbia      *self,
            const Request *req,
            Response      *resp)
{
  const char *uid = fake_req_get (req, "SeriesInstanceUID");
  gint64 s;

  if (uid == NULL)
    {
      fake_set_bad_request (resp, "A parameter, SeriesInstanceUID, is required for this API call.");
      return FALSE;
    }
  s = fake_archive_find_series (self->archive, uid);
  if (s < 0)
    {
      g_autofree char *text = NULL;

      if (req->version == 4)
        text = g_strdup_printf ("The user has not been granted the access to image with given "
                                "SeriesInstanceUID,%s. Please contact System Admin to resolve "
                                "this issue.", uid);
      else
        text = g_strdup_printf ("Image with given SeriesInstanceUID,%s, is not in public domain.",
                                uid);
      fake_set_bad_request (resp, text);
      return FALSE;
    }
  resp->zip = TRUE;
  resp->zip_series = s;
  resp->status = SOUP_STATUS_OK;
  return TRUE;
}

static void
get_image (FakeNbia      *self,
           const Request *req,
           Response      *resp)
{
  const char *new_names = fake_req_get (req, "NewFileNames");
  const char *md5 = req->version == 4 ? fake_req_get (req, "IncludeMD5") : NULL;

  if (!zip_series (self, req, resp))
    return;
  resp->zip_flags = FAKE_ZIP_LICENSE;
  if (new_names != NULL && g_ascii_strcasecmp (new_names, "Yes") == 0)
    resp->zip_flags |= FAKE_ZIP_NEW_NAMES;
  if (md5 != NULL && g_ascii_strcasecmp (md5, "Yes") == 0)
    resp->zip_flags |= FAKE_ZIP_MD5;
}

static void
get_image_with_md5_hash (FakeNbia      *self,
                         const Request *req,
                         Response      *resp)
{
  if (zip_series (self, req, resp))
    resp->zip_flags = FAKE_ZIP_MD5;
}

const Endpoint fake_nbia_image_endpoints[] = {
  { "getSeriesSize", V1 | V4, "GET", ALLOWED ("SeriesInstanceUID", "format"),
    FALSE, get_series_size },
  { "getSOPInstanceUIDs", V1 | V4, "GET", ALLOWED ("SeriesInstanceUID", "format"),
    FALSE, get_sop_instance_uids },
  { "getSingleImage", V1 | V4, "GET", ALLOWED ("SeriesInstanceUID", "SOPInstanceUID"),
    FALSE, get_single_image },
  { "getImage", V1 | V4, "GET", ALLOWED ("SeriesInstanceUID", "NewFileNames", "IncludeMD5"),
    FALSE, get_image },
  { "getImageWithMD5Hash", V1 | V4, "GET", ALLOWED ("SeriesInstanceUID"),
    FALSE, get_image_with_md5_hash },
  { "getThumbnail", V4, "GET", ALLOWED ("seriesUID", "objectUID"), FALSE, get_thumbnail },
  { "getMD5HashForImage", V4, "GET", ALLOWED ("SOPInstanceUID"), FALSE, get_md5_hash_for_image },
  { "getM5HashForImage", V1, "GET", NULL, FALSE, get_m5_hash_for_image },
  { NULL }
};
