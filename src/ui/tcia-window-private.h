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

G_END_DECLS
