/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-basket-licence.h"
#include "tcia-browse-page.h"
#include "tcia-collection-pane.h"
#include "tcia-collection-sidebar.h"
#include "tcia-filter-bar.h"
#include "tcia-local-catalogue.h"
#include "tcia-patients-view.h"
#include "tcia-series-details.h"
#include "tcia-series-view.h"

G_BEGIN_DECLS

/* For tests and benchmarks: what the page shows, and ways to drive it. */

/* The rows shown, in the order shown (a GtkSelectionModel of TciaSeries). */
GtkSelectionModel *tcia_browse_page_get_selection       (TciaBrowsePage *self);
/* The models of the sidebar and of the filter dropdowns. */
GListModel        *tcia_browse_page_get_collections     (TciaBrowsePage *self);
GtkDropDown       *tcia_browse_page_get_dropdown        (TciaBrowsePage *self,
                                                         TciaValueKind   kind);
GtkEditable       *tcia_browse_page_get_search_entry    (TciaBrowsePage *self);
GtkColumnView     *tcia_browse_page_get_series_view     (TciaBrowsePage *self);
/* "choose", "loading", "stopped", "empty", "error", "series" or "patients"; or the
 * whole page's "connecting" / "unreachable". */
const char        *tcia_browse_page_get_state           (TciaBrowsePage *self);
const char        *tcia_browse_page_get_error_text      (TciaBrowsePage *self);
const char        *tcia_browse_page_get_status_text     (TciaBrowsePage *self);
/* Chooses @collection as a click in the sidebar does. */
void               tcia_browse_page_choose_collection   (TciaBrowsePage *self,
                                                         const char     *collection);
/* Benchmarks only: lists the series of @query (any filters, even none). */
void               tcia_browse_page_load_query          (TciaBrowsePage  *self,
                                                         const TciaQuery *query);
/* The search of all collections. */
GtkEditable       *tcia_browse_page_get_archive_entry   (TciaBrowsePage *self);
/* Whether the series shown are the search of all collections'. */
gboolean           tcia_browse_page_get_archive_shown   (TciaBrowsePage *self);
/* Whether the given row of the series list shows the in-basket mark. */
gboolean           tcia_browse_page_row_is_marked       (TciaBrowsePage *self,
                                                         guint           position);

/* For tcia-browse-page.c and its parts (-actions.c, -archive.c,
 * -collections.c): the page's parts and state, and what they ask of it. */

struct _TciaBrowsePage
{
  AdwBin                 parent_instance;

  /* template widgets */
  AdwToastOverlay       *toast_overlay;
  GtkStack              *page_stack;
  AdwStatusPage         *connecting_page;
  AdwStatusPage         *unreachable_page;
  AdwLeaflet            *leaflet;
  TciaCollectionSidebar *sidebar;
  TciaFilterBar         *filter_bar;
  GtkToggleButton       *patients_toggle;
  GtkToggleButton       *details_toggle;
  GtkSearchEntry        *series_search;
  GtkMenuButton         *search_button;     /* instead of the entry, when narrow */
  GtkSearchEntry        *narrow_search;     /* in its popover */
  GtkStack              *content_stack;
  AdwStatusPage         *loading_page;
  AdwStatusPage         *empty_page;
  AdwStatusPage         *error_page;
  TciaSeriesView        *series_view;
  TciaPatientsView      *patients_view;
  GtkStack              *details_stack;
  TciaCollectionPane    *collection_pane;
  TciaSeriesDetails     *series_details;
  AdwStatusPage         *multiple_page;
  GtkLabel              *status_label;
  GtkSearchEntry        *archive_search;

  /* owned */
  TciaClient            *client;            /* for its retries; may be NULL */
  TciaCatalogue         *catalogue;         /* what is asked: the local catalogue first, or NBIA */
  TciaLocalCatalogue    *local;             /* the search of all collections; NULL without */
  char                  *archive_text;      /* that search, while its results are shown */
  guint                  archive_total;     /* all its matches (more than are shown) */
  gboolean               archive_more;      /* counting stopped at the cap: more than that */
  guint                  refresh_source;    /* coalesces the local catalogue's ::changed */
  GCancellable          *refresh_cancellable;
  TciaBasket            *basket;
  GSettings             *settings;
  GListStore            *collections;
  GListStore            *series;            /* the store of the current query, never a stale one */
  TciaLicenceCount      *licence_count;     /* of series' rows while they arrive at its end */
  char                  *collection;
  GCancellable          *collections_cancellable;
  GCancellable          *series_cancellable;
  char                  *error_text;
  char                  *retry_text;        /* while the series listing is retried */
  guint                  status_pause_id;   /* the count while loading, said at a pace */
  GPtrArray             *last_added;        /* UIDs of the last add, for undo */
  gboolean              patients_dirty;
  gboolean              loading;
  gboolean              stopped;           /* the person cancelled the series listing */
  gboolean              restore_pending;   /* choose the last collection once the list is in */
};

void       tcia_browse_page_class_add_actions   (GtkWidgetClass *widget_class);
void       _tcia_browse_page_update_status      (TciaBrowsePage *self);
void       _tcia_browse_page_set_loading        (TciaBrowsePage *self,
                                                 gboolean        loading);
/* A new empty store for the series list, shown; returns the cancellable
 * of its query (the previous one's cancelled). */
GCancellable *_tcia_browse_page_new_series_store (TciaBrowsePage *self);
void          _tcia_browse_page_show_licences   (TciaBrowsePage *self);

/* "%s, trying again (2 of 5)…" for a listing's TciaClient::retrying. */
char      *_tcia_browse_page_format_retrying    (const char     *reason,
                                                 guint           attempt,
                                                 guint           max_attempts);

/* tcia-browse-page-collections.c: the list of collections, and choosing one. */
void       _tcia_browse_page_collection_activated_cb (TciaBrowsePage *self,
                                                      TciaCollection *collection);
void       _tcia_browse_page_collections_retrying_cb (TciaClient     *client,
                                                      guint           attempt,
                                                      guint           max_attempts,
                                                      guint           delay_ms,
                                                      const char     *reason,
                                                      TciaBrowsePage *self);

/* tcia-browse-page-archive.c: the search of all collections, and what
 * follows the local catalogue's changes. */
void       _tcia_browse_page_class_add_archive  (GtkWidgetClass *widget_class);
void       _tcia_browse_page_watch_local        (TciaBrowsePage *self);
void       _tcia_browse_page_search_archive     (TciaBrowsePage *self);
/* Back from the search's results (the entry emptied) to a collection's. */
void       _tcia_browse_page_leave_archive      (TciaBrowsePage *self);
char      *_tcia_browse_page_archive_status     (TciaBrowsePage *self);
void       _tcia_browse_page_dispose_archive    (TciaBrowsePage *self);
void       _tcia_browse_page_show_toast         (TciaBrowsePage *self,
                                                 const char     *title);
void       _tcia_browse_page_update_content     (TciaBrowsePage *self);
void       _tcia_browse_page_update_details     (TciaBrowsePage *self);
void       _tcia_browse_page_reload_series      (TciaBrowsePage *self);
void       _tcia_browse_page_cancel_loading     (TciaBrowsePage *self);
void       _tcia_browse_page_load_collections   (TciaBrowsePage *self);
void       _tcia_browse_page_rebuild_patients   (TciaBrowsePage *self);
/* The series selected in the list or the patients tree shown. */
GPtrArray *_tcia_browse_page_selected_series    (TciaBrowsePage *self);
/* Adds @series, with a toast that can undo it; returns how many were new. */
guint      _tcia_browse_page_add_series         (TciaBrowsePage *self,
                                                 GPtrArray      *series);

G_END_DECLS
