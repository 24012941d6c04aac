/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tcia-series-preview"

#include "config.h"

#include <glib/gi18n.h>

#include "tcia-series-preview.h"

struct _TciaSeriesPreview
{
  AdwBin                  parent_instance;

  /* template widgets */
  GtkStack               *stack;
  GtkSpinner             *spinner;
  GtkPicture             *picture;

  /* owned */
  TciaPreviewCache       *cache;
  TciaSeries             *series;
  GCancellable           *cancellable;   /* the request for `series`, while it runs */
  TciaSeriesPreviewState  state;
  gboolean                pending;       /* `series` waits for the widget to be shown */
};

G_DEFINE_FINAL_TYPE (TciaSeriesPreview, tcia_series_preview, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SERIES,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_state (TciaSeriesPreview      *self,
           TciaSeriesPreviewState  state)
{
  static const char * const pages[] = {
    [TCIA_SERIES_PREVIEW_EMPTY] = "placeholder",
    [TCIA_SERIES_PREVIEW_LOADING] = "loading",
    [TCIA_SERIES_PREVIEW_SHOWN] = "image",
    [TCIA_SERIES_PREVIEW_PLACEHOLDER] = "placeholder",
  };

  gtk_spinner_set_spinning (self->spinner, state == TCIA_SERIES_PREVIEW_LOADING);
  if (state != TCIA_SERIES_PREVIEW_SHOWN)
    gtk_picture_set_paintable (self->picture, NULL);
  gtk_stack_set_visible_child_name (self->stack, pages[state]);
  gtk_widget_set_visible (GTK_WIDGET (self), state != TCIA_SERIES_PREVIEW_EMPTY);

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
cancel_request (TciaSeriesPreview *self)
{
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
}

/* One request: the widget, and the series it was for. */
typedef struct
{
  TciaSeriesPreview *self;
  char              *uid;
} Request;

static void
request_free (Request *request)
{
  g_object_unref (request->self);
  g_free (request->uid);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  TciaSeriesPreview *self = request->self;
  const char *uid = request->uid;
  TciaPreviewCache *cache = TCIA_PREVIEW_CACHE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  bytes = tcia_preview_cache_load_finish (cache, result, NULL, &error);
  /* A request given up belongs to a series no longer shown. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (self->series == NULL ||
      g_strcmp0 (tcia_series_get_series_uid (self->series), uid) != 0)
    return;

  if (bytes != NULL)
    {
      texture = gdk_texture_new_from_bytes (bytes, &error);
      /* Bytes that do not decode are not kept for the next time. */
      if (texture == NULL)
        tcia_preview_cache_discard (cache, uid);
    }
  if (texture == NULL)
    {
      g_debug ("No preview of %s: %s", uid, error != NULL ? error->message : "empty");
      set_state (self, TCIA_SERIES_PREVIEW_PLACEHOLDER);
      return;
    }

  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  set_state (self, TCIA_SERIES_PREVIEW_SHOWN);
}

static void
start_request (TciaSeriesPreview *self)
{
  const char *uid;
  Request *request;

  cancel_request (self);
  self->pending = FALSE;
  uid = self->series != NULL ? tcia_series_get_series_uid (self->series) : NULL;
  if (self->cache == NULL || uid == NULL)
    {
      set_state (self, self->series != NULL ? TCIA_SERIES_PREVIEW_PLACEHOLDER
                                            : TCIA_SERIES_PREVIEW_EMPTY);
      return;
    }

  /* Only what is on screen is asked for. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->pending = TRUE;
      set_state (self, TCIA_SERIES_PREVIEW_LOADING);
      return;
    }

  self->cancellable = g_cancellable_new ();
  set_state (self, TCIA_SERIES_PREVIEW_LOADING);
  request = g_new0 (Request, 1);
  request->self = g_object_ref (self);
  request->uid = g_strdup (uid);
  tcia_preview_cache_load_async (self->cache, uid, self->cancellable, loaded_cb, request);
}

static void
tcia_series_preview_map (GtkWidget *widget)
{
  TciaSeriesPreview *self = TCIA_SERIES_PREVIEW (widget);

  GTK_WIDGET_CLASS (tcia_series_preview_parent_class)->map (widget);

  if (self->pending)
    start_request (self);
}

static void
tcia_series_preview_dispose (GObject *object)
{
  TciaSeriesPreview *self = TCIA_SERIES_PREVIEW (object);

  cancel_request (self);
  g_clear_object (&self->series);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (tcia_series_preview_parent_class)->dispose (object);
}

static void
tcia_series_preview_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TciaSeriesPreview *self = TCIA_SERIES_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_SERIES:
      g_value_set_object (value, self->series);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_series_preview_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TciaSeriesPreview *self = TCIA_SERIES_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_SERIES:
      tcia_series_preview_set_series (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tcia_series_preview_class_init (TciaSeriesPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tcia_series_preview_dispose;
  object_class->get_property = tcia_series_preview_get_property;
  object_class->set_property = tcia_series_preview_set_property;
  widget_class->map = tcia_series_preview_map;

  properties[PROP_SERIES] =
    g_param_spec_object ("series", NULL, NULL,
                         TCIA_TYPE_SERIES,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      TCIA_SERIES_PREVIEW_EMPTY, TCIA_SERIES_PREVIEW_PLACEHOLDER,
                      TCIA_SERIES_PREVIEW_EMPTY,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tciabasket/TciaBasket/tcia-series-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesPreview, stack);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesPreview, spinner);
  gtk_widget_class_bind_template_child (widget_class, TciaSeriesPreview, picture);
}

static void
tcia_series_preview_init (TciaSeriesPreview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  set_state (self, TCIA_SERIES_PREVIEW_EMPTY);
}

GtkWidget *
tcia_series_preview_new (void)
{
  return g_object_new (TCIA_TYPE_SERIES_PREVIEW, NULL);
}

void
tcia_series_preview_set_cache (TciaSeriesPreview *self,
                               TciaPreviewCache  *cache)
{
  g_return_if_fail (TCIA_IS_SERIES_PREVIEW (self));
  g_return_if_fail (cache == NULL || TCIA_IS_PREVIEW_CACHE (cache));

  if (g_set_object (&self->cache, cache))
    start_request (self);
}

void
tcia_series_preview_set_series (TciaSeriesPreview *self,
                                TciaSeries        *series)
{
  g_return_if_fail (TCIA_IS_SERIES_PREVIEW (self));
  g_return_if_fail (series == NULL || TCIA_IS_SERIES (series));

  if (!g_set_object (&self->series, series))
    return;

  start_request (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERIES]);
}

TciaSeriesPreviewState
tcia_series_preview_get_state (TciaSeriesPreview *self)
{
  g_return_val_if_fail (TCIA_IS_SERIES_PREVIEW (self), TCIA_SERIES_PREVIEW_EMPTY);

  return self->state;
}

GdkPaintable *
tcia_series_preview_get_paintable (TciaSeriesPreview *self)
{
  g_return_val_if_fail (TCIA_IS_SERIES_PREVIEW (self), NULL);

  return self->state == TCIA_SERIES_PREVIEW_SHOWN ? gtk_picture_get_paintable (self->picture)
                                                  : NULL;
}
