/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-basket-page.h"
#include "tcia-browse-page.h"
#include "tcia-window.h"

G_BEGIN_DECLS

/* For tests: the pages of the window. */
TciaBrowsePage   *tcia_window_get_browse_page  (TciaWindow *self);
AdwViewStackPage *tcia_window_get_basket_page  (TciaWindow *self);
TciaBasketPage   *tcia_window_get_basket_view  (TciaWindow *self);

G_END_DECLS
