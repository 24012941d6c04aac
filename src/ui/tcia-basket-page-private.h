/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-basket-page.h"
#include "tcia-citation-list.h"
#include "tcia-basket-table.h"
#include "tcia-licence-list.h"

G_BEGIN_DECLS

/* For tests: what the page shows, and ways to drive it. */

/* The rows shown, in the order shown (a GtkSelectionModel of TciaSeries). */
GtkSelectionModel *tcia_basket_page_get_selection          (TciaBasketPage *self);
/* "empty" or "series". */
const char        *tcia_basket_page_get_state              (TciaBasketPage *self);
/* "3 series · 12 images · 1.2 MB" */
const char        *tcia_basket_page_get_totals_text        (TciaBasketPage *self);
/* "about 420 kB to download (estimate)" */
const char        *tcia_basket_page_get_estimate_text      (TciaBasketPage *self);
/* The licence rows, in order: their titles, and whether each has the
 * "Non-commercial" tag shown. */
guint              tcia_basket_page_get_n_licence_rows     (TciaBasketPage *self);
const char        *tcia_basket_page_get_licence_title      (TciaBasketPage *self,
                                                            guint           index);
gboolean           tcia_basket_page_get_licence_is_nc      (TciaBasketPage *self,
                                                            guint           index);
/* Whether an import is running (parsing or looking series up). */
gboolean           tcia_basket_page_get_importing          (TciaBasketPage *self);
/* How many progress updates the page has shown since it was created. */
guint              tcia_basket_page_get_n_progress_updates (TciaBasketPage *self);
const char        *tcia_basket_page_get_progress_text      (TciaBasketPage *self);
/* The dialog shown last (NULL once closed) and its heading and body; for the
 * unknown-UID dialog the body is followed by the UIDs listed, one a line. */
AdwMessageDialog  *tcia_basket_page_get_dialog             (TciaBasketPage *self);
const char        *tcia_basket_page_get_dialog_text        (TciaBasketPage *self);
/* The title of the toast shown last. */
const char        *tcia_basket_page_get_toast_text         (TciaBasketPage *self);
const char        *tcia_basket_page_get_save_error_text    (TciaBasketPage *self);
const char        *tcia_basket_page_get_free_space_text    (TciaBasketPage *self);
gboolean           tcia_basket_page_get_space_short        (TciaBasketPage *self);
GtkWidget         *tcia_basket_page_get_download_button    (TciaBasketPage *self);
/* "9 series" */
const char        *tcia_basket_page_get_licence_subtitle   (TciaBasketPage *self,
                                                            guint           index);

/* For tcia-basket-page.c and tcia-basket-page-import.c: the page's parts
 * and state, and what both ask of it. */

struct _TciaBasketPage
{
  AdwBin               parent_instance;

  /* template widgets */
  AdwToastOverlay     *toast_overlay;
  GtkInfoBar          *save_bar;
  GtkLabel            *save_label;
  GtkRevealer         *progress_revealer;
  GtkLabel            *progress_label;
  GtkProgressBar      *progress_bar;
  GtkStack            *content_stack;
  GtkLabel            *totals_label;
  TciaBasketTable     *table;
  GtkLabel            *size_value;
  GtkLabel            *estimate_value;
  AdwActionRow        *estimate_row;
  AdwActionRow        *folder_row;
  AdwActionRow        *space_row;
  GtkImage            *space_icon;
  TciaLicenceList     *licences_group;
  TciaCitationList    *citations_group;
  GtkButton           *download_button;

  /* owned */
  TciaClient          *client;
  TciaCatalogue       *catalogue;         /* what imports ask, or NULL: the client */
  TciaBasket          *basket;
  GSettings           *settings;
  GtkMultiSelection   *selection;
  TciaBasketRemoval   *last_removal;      /* for Undo */
  GQueue               import_queue;      /* GFile to import after the current one */
  GCancellable        *import_cancellable;
  GCancellable        *space_cancellable;
  GtkNativeDialog     *chooser;
  char                *folder_override;   /* without settings */
  char                *estimate_text;
  char                *dialog_text;
  char                *toast_text;
  char                *free_space_text;
  guint64              free_bytes;        /* G_MAXUINT64 while unknown */
  guint                n_progress_updates;
  gboolean             checkout_available;
  gboolean             space_short;

  /* borrowed */
  AdwMessageDialog    *dialog;            /* weak */
};

GtkWindow         *_tcia_basket_page_get_window            (TciaBasketPage *self);
void               _tcia_basket_page_show_toast            (TciaBasketPage *self,
                                                            AdwToast       *toast);
AdwMessageDialog  *_tcia_basket_page_new_dialog            (TciaBasketPage *self,
                                                            const char     *heading,
                                                            const char     *body);
void               _tcia_basket_page_show_message          (TciaBasketPage *self,
                                                            const char     *heading,
                                                            const char     *body);
void               _tcia_basket_page_set_chooser           (TciaBasketPage       *self,
                                                            GtkFileChooserNative *chooser);
/* Installs the import and export actions ("basket.import", ...). */
void               _tcia_basket_page_class_init_import     (GtkWidgetClass *widget_class);

G_END_DECLS
