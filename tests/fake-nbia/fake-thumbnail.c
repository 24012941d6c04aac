/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <math.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "fake-nbia-private.h"

#define SIDE 64

/* Something like a slice of a scan: a grey disc on black, its size and
 * brightness following the image, its tint the series, so that a test
 * (or a person looking at a screenshot) can tell two previews apart. */
GBytes *
fake_thumbnail_build (guint32 series,
                      guint32 image)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, SIDE, SIDE);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  double radius = SIDE * (0.25 + 0.04 * (image % 5));
  guint8 tint = (guint8) (series * 37 % 64);
  char *buffer = NULL;
  gsize len = 0;

  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < SIDE; x++)
      {
        double d = hypot (x - SIDE / 2.0, y - SIDE / 2.0);
        guint8 v = d < radius ? (guint8) (160 + 90 * (1.0 - d / radius)) : 8;
        guint8 *p = pixels + y * stride + x * 3;

        p[0] = v;
        p[1] = v;
        p[2] = (guint8) MIN (255, v + tint);
      }

  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "jpeg", &error, "quality", "85", NULL))
    g_error ("Could not make a thumbnail: %s", error->message);

  return g_bytes_new_take (buffer, len);
}
