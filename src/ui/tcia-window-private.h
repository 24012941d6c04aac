/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-basket-page.h"
#include "tcia-browse-page.h"
#include "tcia-catalogue-banner.h"
#include "tcia-downloads-page.h"
#include "tcia-window.h"

G_BEGIN_DECLS

/* For tests: the pages of the window. */
TciaBrowsePage   *tcia_window_get_browse_page  (TciaWindow *self);
AdwViewStackPage *tcia_window_get_basket_page  (TciaWindow *self);
TciaBasketPage   *tcia_window_get_basket_view  (TciaWindow *self);

TciaDownloadsPage *tcia_window_get_downloads_view (TciaWindow *self);
AdwViewStackPage  *tcia_window_get_downloads_page (TciaWindow *self);
/* The dialog shown last (NULL once closed), the title of the toast shown last. */
AdwMessageDialog  *tcia_window_get_dialog         (TciaWindow *self);
const char        *tcia_window_get_toast_text     (TciaWindow *self);
gboolean           tcia_window_get_downloads_button_visible (TciaWindow *self);
TciaCatalogueBanner *tcia_window_get_catalogue_banner (TciaWindow *self);

/* For tcia-window.c and tcia-window-checkout.c. */

struct _TciaWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwViewStack         *stack;
  TciaBrowsePage       *browse_page;
  AdwViewStackPage     *basket_page;
  TciaBasketPage       *basket_view;
  AdwViewStackPage     *downloads_page;
  TciaDownloadsPage    *downloads_view;
  GtkWidget            *content_box;
  AdwToastOverlay      *toast_overlay;
  GtkWidget            *downloads_button;
  GtkLabel             *downloads_label;
  GtkProgressBar       *downloads_progress;
  TciaCatalogueBanner  *catalogue_banner;

  /* owned */
  GSettings            *settings;
  TciaClient           *client;
  TciaBasket           *basket;
  TciaSession          *session;
  GCancellable         *space_cancellable;
  AdwMessageDialog     *dialog;
  char                 *toast_text;
  guint                 refocus_id;
  gboolean              quit_confirmed;
};

void     _tcia_window_show_toast  (TciaWindow       *self,
                                   const char       *text);
/* The dialog shown (tests look at it); NULL once it is closed. */
void     _tcia_window_set_dialog  (TciaWindow       *self,
                                   AdwMessageDialog *dialog);
/* Download pressed on the Basket page. */
void     _tcia_window_checkout_cb (TciaBasketPage   *page,
                                   TciaBasket       *basket,
                                   TciaWindow       *self);

G_END_DECLS
