#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The main flow with the keyboard alone, read back through AT-SPI.

  test-atspi-flow.py FAKE_NBIA TCIA_BASKET BUILDDIR

Starts the fake NBIA server (40 series) and the app against it, with a
download folder preset in a keyfile. Then, with generated key events only
(no pointer, no AT-SPI actions) and reading the window only through AT-SPI,
as a screen reader user would: chooses a collection (Ctrl+K, type, Enter),
narrows it with the modality filter (Tab to the dropdown, Space, arrows,
Enter) and checks the rows shown against the server, selects them (Tab into
the list, Ctrl+A), adds them to the basket (Ctrl+D), opens the Basket page
(Alt+2), tabs to Download and presses it, confirms a dialog if one comes up,
and waits until the Downloads page says every series is done. Last, checks
the folder: metadata.csv with a row for each series and no *.part folder.
Exit 77 (skip) when pyatspi, a display or a session bus is missing.
"""

import collections
import contextlib
import csv
import json
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import atspi_util as u  # noqa: E402  (exits 77 without a display, a bus or pyatspi)
from atspi_util import pyatspi  # noqa: E402

SCHEMA_PATH = "/io/github/tciabasket/TciaBasket/"
N_SERIES = 40          # 10 series a collection: every row fits on screen
DOWNLOAD_TIMEOUT_S = 90

# Columns both series tables (Browse and Basket) have, by title.
KEY_COLUMNS = ("Patient ID", "Series Description", "Modality")


class Flow:
    """The app's window as the keyboard and AT-SPI see it."""

    def __init__(self, root):
        self.root = root
        self.focus = u.FocusTracker(root)
        self.context = None     # an accessible whose texts a failure shows
        self.answered_dialog = False

    # ---- steps and failures ----

    @contextlib.contextmanager
    def step(self, title, context=None):
        self.context = context
        u.log("step: " + title)
        try:
            yield
        except u.StepFailed as e:
            raise u.StepFailed("step '%s' failed: %s\n%s" % (title, e, self.what_atspi_shows()))

    def what_atspi_shows(self):
        lines = ["AT-SPI showed:"]
        try:
            focus = self.focus.get()
        except Exception:
            focus = None
        lines.append("  focus: " + (u.path_of(focus) if focus is not None
                                    else "nothing in the app has the keyboard focus"))
        try:
            lines.append("  windows: " + ", ".join(u.describe(w) for w in u.children(self.root)))
            tabs = [u.name_of(t) for t in self.page_tabs()
                    if u.has_state(t, pyatspi.STATE_SELECTED)]
            lines.append("  page shown: " + ", ".join(sorted(set(tabs))))
        except Exception:
            pass
        if self.context is not None:
            texts = u.all_texts(self.context)
            lines.append("  in %s: %s%s" % (u.describe(self.context), " | ".join(texts[:60]),
                                             " | …" if len(texts) > 60 else ""))
        return "\n".join(lines)

    # ---- finding things ----

    def find(self, what, predicate, timeout=u.TIMEOUT_S):
        return u.wait_for(what, lambda: u.find(self.root, predicate), timeout=timeout)

    def page_tabs(self):
        # The switcher is there twice in the header (wide and narrow) and
        # once at the bottom; they agree.
        if not hasattr(self, "_page_tabs"):
            self._page_tabs = u.find_all(self.root, lambda o: u.role_of(o) == pyatspi.ROLE_PAGE_TAB)
        return self._page_tabs

    def page_shown(self, name):
        return any(u.name_of(t) == name and u.has_state(t, pyatspi.STATE_SELECTED)
                   for t in self.page_tabs())

    def badge(self, name):
        """The number on a page's switcher button ("3" series in the basket), or None."""
        for t in self.page_tabs():
            if u.name_of(t) == name:
                for text in u.all_texts(t):
                    if text.isdigit():
                        return int(text)
        return None

    # ---- the keyboard ----

    def focused(self):
        return self.focus.get()

    def wait_focus(self, what, predicate, timeout=10):
        def accepted():
            focus = self.focused()
            return focus if focus is not None and predicate(focus) else None
        return u.wait_for("the keyboard focus on " + what, accepted, timeout=timeout)

    def press(self, combo, wait_change=True):
        """Presses a key; with wait_change, waits (a little) for the focus to move."""
        before = self.focused()
        u.key(combo)
        if not wait_change:
            return self.focused()

        def moved():
            focus = self.focused()
            return focus if focus is not None and focus != before else None
        try:
            return u.wait_for("the focus to move", moved, timeout=3, interval=0.05)
        except u.StepFailed:
            return self.focused()

    def tab_to(self, what, predicate, max_presses=40):
        """Presses Tab until the focus is on what predicate accepts, as a
        keyboard user moves through the controls."""
        focus = self.focused()
        if focus is not None and predicate(focus):
            return focus
        seen = []
        for _ in range(max_presses):
            focus = self.press("Tab")
            if focus is not None and predicate(focus):
                return focus
            seen.append(u.describe(focus) if focus is not None else "(no focus)")
        raise u.StepFailed("%s is not reachable with Tab: %d presses went through %s"
                           % (what, max_presses, " → ".join(seen)))


# ---- reading tables ----

def plain_label(name):
    """A button's name as a person reads it. GTK 4.8 names a button with a
    mnemonic "_Download Download" (its label property, then the label)."""
    name = name.replace("_", "")
    half = len(name) // 2
    if len(name) % 2 == 1 and name[half] == " " and name[:half] == name[half + 1:]:
        return name[:half]
    return name


def cell_text(cell):
    out = []
    for o in u.walk(cell):
        if o == cell:
            continue
        text = u.text_of(o)
        if text is None:
            name = u.name_of(o)
            text = "" if u.TYPE_NAME.match(name) else name
        if text:
            out.append(text)
    return " ".join(out)


def read_table(table):
    """(column titles, rows of cell texts, row accessibles) of a GtkColumnView."""
    titles, rows, row_objs = [], [], []
    for child in u.children(table):
        role = u.role_of(child)
        if role == pyatspi.ROLE_TABLE_ROW:
            titles = [cell_text(c) for c in u.children(child)]
        elif role == pyatspi.ROLE_LIST:
            for row in u.children(child):
                if u.role_of(row) == pyatspi.ROLE_TABLE_ROW:
                    rows.append([cell_text(c) for c in u.children(row)
                                 if u.role_of(c) == pyatspi.ROLE_TABLE_CELL])
                    row_objs.append(row)
    return titles, rows, row_objs


def key_rows(table):
    """The rows of a series table as (patient, description, modality), sorted."""
    titles, rows, _ = read_table(table)
    try:
        idx = [titles.index(t) for t in KEY_COLUMNS]
    except ValueError:
        raise u.StepFailed("the table %s has columns %s, not all of %s"
                           % (u.describe(table), titles, KEY_COLUMNS))
    return sorted(tuple(r[i] if i < len(r) else None for i in idx) for r in rows)


def sidebar_names(sidebar):
    """The collections the sidebar lists (each row: its name, its patient count)."""
    return [next((t for t in u.all_texts(item) if not t.isdigit()), "")
            for item in u.children(sidebar) if u.role_of(item) == pyatspi.ROLE_LIST_ITEM]


def server_key(series):
    return (series.get("PatientID", ""), series.get("SeriesDescription", ""),
            series.get("Modality", ""))


def column(table, title):
    titles, rows, _ = read_table(table)
    i = titles.index(title)
    return [r[i] for r in rows]


# ---- the server side ----

def plan(url):
    """A collection and a modality of it that narrows its list to a few series
    (fast to download, every row on screen), from what the server lists."""
    opener = u.no_proxy_opener()

    def get(endpoint, **params):
        query = ("?" + urllib.parse.urlencode(params)) if params else ""
        return json.load(opener.open(url + endpoint + query, timeout=30))

    for c in sorted(x["Collection"] for x in get("getCollectionValues")):
        series = get("getSeries", Collection=c)
        counts = collections.Counter(s.get("Modality") for s in series)
        for modality in sorted(m for m in counts if m):
            if 2 <= counts[modality] <= 4 and counts[modality] < len(series):
                chosen = [s for s in series if s.get("Modality") == modality]
                return c, modality, series, chosen
    raise u.StepFailed("the fake server has no collection with a modality of 2 to 4 series")


def gvariant_string(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


# ---- the flow ----

def run(flow, collection, modality, all_series, chosen, downloads):
    root = flow.root
    want_all = sorted(server_key(s) for s in all_series)
    want_chosen = sorted(server_key(s) for s in chosen)
    browse = flow.find("the Browse page", lambda o: u.name_of(o) == "TciaBrowsePage")

    with flow.step("the collections in the sidebar", browse):
        sidebar = flow.find("the list of collections",
                            u.by_role_name(pyatspi.ROLE_LIST, "Collections"))
        u.wait_for("collection %r in the sidebar" % collection,
                   lambda: collection in sidebar_names(sidebar))

    with flow.step("choose %r: Ctrl+K, type its name, Enter" % collection, browse):
        flow.press("ctrl+k", wait_change=False)
        entry = flow.wait_focus("the collection search (Ctrl+K)",
                                lambda f: u.role_of(f) in (pyatspi.ROLE_ENTRY, pyatspi.ROLE_TEXT)
                                and u.name_of(f) == "Search collections")
        flow.press("ctrl+a", wait_change=False)     # whatever was typed before goes
        u.type_text(collection)
        u.wait_for("the search to read %r" % collection, lambda: u.text_of(entry) == collection,
                   timeout=10)
        # Enter picks the first collection the list shows; the list narrows
        # a moment after the typing (the search entry's delay). A person
        # sees it narrow first; so does this test (see the report on
        # collection_search_activate_cb).
        u.wait_for("the sidebar to list only %r" % collection,
                   lambda: sidebar_names(sidebar) == [collection],
                   timeout=10)
        flow.press("Return", wait_change=False)
        table = flow.find("the series table", u.by_role_name(pyatspi.ROLE_TREE_TABLE, "Series"))
        flow.context = table
        u.wait_for("the %d series of %r in the table" % (len(want_all), collection),
                   lambda: key_rows(table) == want_all)
        u.log("the table shows the %d series of %r" % (len(want_all), collection))

    with flow.step("filter by modality %s: Tab to the dropdown, Space, arrows, Enter" % modality,
                   browse):
        dropdown = flow.tab_to("the modality filter", lambda f: (
            u.role_of(f) == pyatspi.ROLE_PUSH_BUTTON and u.name_of(f) == "Modality filter"))
        combo = dropdown.parent
        flow.context = combo
        flow.press("space")
        flow.wait_focus("a choice in the open modality list",
                        lambda f: u.role_of(f) == pyatspi.ROLE_LIST_ITEM and u.is_inside(f, combo))

        # A choice reads as its value and the patients that have it: "CT 2 patients".
        def is_choice(f):
            text = " ".join(u.all_texts(f))
            return text == modality or re.match(r"^%s [\d,.]+ patients?$" % re.escape(modality),
                                                text) is not None

        choices = []
        for _ in range(30):
            focus = flow.focused()
            if focus is not None and is_choice(focus):
                break
            choices.append(" ".join(u.all_texts(focus)) if focus is not None else "(no focus)")
            flow.press("Down")
        else:
            raise u.StepFailed("no choice %r in the modality list; Down went through %s"
                               % (modality, " → ".join(choices)))
        flow.press("Return")
        flow.context = table
        u.wait_for("the dropdown to show %s" % modality,
                   lambda: any(t.startswith(modality) for t in u.all_texts(dropdown)), timeout=10)
        u.wait_for("only the %d %s series in the table" % (len(want_chosen), modality),
                   lambda: key_rows(table) == want_chosen)
        shown = column(table, "Modality")
        if any(m != modality for m in shown):
            raise u.StepFailed("rows of another modality are shown: %s" % shown)
        u.log("the table narrowed from %d to %d rows, all %s"
              % (len(want_all), len(shown), modality))

    with flow.step("select the series: Tab into the list, Ctrl+A", table):
        flow.tab_to("a row of the series list", lambda f: (
            u.role_of(f) in (pyatspi.ROLE_TABLE_ROW, pyatspi.ROLE_LIST_ITEM)
            and u.is_inside(f, table)))
        flow.press("ctrl+a", wait_change=False)

        def all_selected():
            _, rows, objs = read_table(table)
            return len(objs) == len(want_chosen) and all(
                u.has_state(o, pyatspi.STATE_SELECTED) for o in objs)
        u.wait_for("every row selected", all_selected, timeout=10)

    with flow.step("add them to the basket: Ctrl+D", table):
        flow.press("ctrl+d", wait_change=False)
        u.wait_for("the mark “In the basket” on every row",
                   lambda: all(r[0] == "In the basket" for r in read_table(table)[1]), timeout=10)
        u.wait_for("%d on the Basket page's switcher" % len(want_chosen),
                   lambda: flow.badge("Basket") == len(want_chosen), timeout=10)

    basket_page = flow.find("the Basket page", lambda o: u.name_of(o) == "TciaBasketPage")
    with flow.step("open the Basket page: Alt+2", basket_page):
        flow.press("alt+2")
        u.wait_for("the Basket page to be shown", lambda: flow.page_shown("Basket"), timeout=10)
        basket_table = flow.find("the basket's table",
                                 u.by_role_name(pyatspi.ROLE_TREE_TABLE, "Series in the Basket"))
        u.wait_for("the %d series in the basket's table" % len(want_chosen),
                   lambda: key_rows(basket_table) == want_chosen, timeout=10)

    with flow.step("check out: Tab to Download, Space", basket_page):
        flow.tab_to("the Download button", lambda f: (
            u.role_of(f) == pyatspi.ROLE_PUSH_BUTTON and plain_label(u.name_of(f)) == "Download"
            and u.is_inside(f, basket_page)))
        flow.press("space")
        dialog_or_page = u.wait_for("the Downloads page, or a dialog", lambda: (
            "page" if flow.page_shown("Downloads") else dialog_of(root)), timeout=30)
        if dialog_or_page != "page":
            confirm_dialog(flow, dialog_or_page)
            u.wait_for("the Downloads page", lambda: flow.page_shown("Downloads"), timeout=30)

    downloads_page = flow.find("the Downloads page", lambda o: u.name_of(o) == "TciaDownloadsPage")
    with flow.step("wait until the Downloads page shows every series done", downloads_page):
        n = len(want_chosen)
        done_title = "%d of %d series downloaded" % (n, n)
        jobs = flow.find("the list of downloads", u.by_role_name(pyatspi.ROLE_LIST, "Downloads"))

        def statuses():
            out = []
            for item in u.children(jobs):
                if u.role_of(item) == pyatspi.ROLE_LIST_ITEM:
                    texts = u.all_texts(item)
                    out.append(next((t for t in texts if t.startswith(
                        ("Done", "Failed", "Waiting", "Downloading", "Paused", "Cancelled"))),
                        " | ".join(texts)))
            return out

        def complete():
            if done_title not in u.all_texts(downloads_page):
                return False
            s = statuses()
            return len(s) == n and all(t.startswith("Done") for t in s)

        try:
            u.wait_for("“%s” and every row “Done”" % done_title, complete,
                       timeout=DOWNLOAD_TIMEOUT_S)
        except u.StepFailed as e:
            raise u.StepFailed("%s; the rows say: %s" % (e, statuses()))
        u.log("the Downloads page says “%s”: %s" % (done_title, statuses()))

    with flow.step("the keyboard focus is still in the window after the download", downloads_page):
        # A keyboard user who pressed Download must not be left with the
        # focus nowhere (the button that had it went away or got disabled).
        window = next(w for w in u.children(root) if u.role_of(w) == pyatspi.ROLE_FRAME)
        if flow.answered_dialog and not u.has_state(window, pyatspi.STATE_ACTIVE):
            # Xvfb has no window manager to give the window the focus back
            # when a dialog closes: nothing in the app can have it then.
            u.log("not checked: the window did not get the focus back from the dialog "
                  "(no window manager)")
        else:
            focus = flow.wait_focus("a control of the Downloads page",
                                    lambda f: u.is_inside(f, downloads_page), timeout=10)
            u.log("the focus is on " + u.path_of(focus))

    with flow.step("the download folder"):
        check_folder(downloads, chosen)


def dialog_of(root):
    """A dialog of the app's, if one is open."""
    for w in u.children(root):
        if u.role_of(w) in (pyatspi.ROLE_DIALOG, pyatspi.ROLE_ALERT) or (
                u.role_of(w) == pyatspi.ROLE_FRAME and u.has_state(w, pyatspi.STATE_MODAL)):
            return w
    return None


# The dialogs checkout may bring up, and the answer that goes on with it.
DIALOG_ANSWERS = {
    "Not Enough Space?": "Download Anyway",
}


def confirm_dialog(flow, dialog):
    texts = u.all_texts(dialog)
    answer = next((DIALOG_ANSWERS[t] for t in texts if t in DIALOG_ANSWERS), None)
    if answer is None:
        raise u.StepFailed("a dialog came up instead of the downloads: %s" % " | ".join(texts))
    u.log("the dialog %r came up; answering %r with the keyboard" % (texts[0], answer))
    flow.context = dialog
    flow.tab_to("the dialog's button %r" % answer, lambda f: (
        u.role_of(f) == pyatspi.ROLE_PUSH_BUTTON and plain_label(u.name_of(f)) == answer
        and u.is_inside(f, dialog)), max_presses=10)
    flow.press("space")
    flow.answered_dialog = True


def check_folder(downloads, chosen):
    path = os.path.join(downloads, "metadata.csv")
    if not os.path.isfile(path):
        raise u.StepFailed("no metadata.csv in the download folder: %s" % os.listdir(downloads))
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    uids = sorted(r.get("Series UID", "") for r in rows)
    want = sorted(s["SeriesInstanceUID"] for s in chosen)
    if uids != want:
        raise u.StepFailed("metadata.csv lists %s, not the %d series added %s"
                           % (uids, len(want), want))
    parts = []
    dicoms = 0
    for where, dirs, files in os.walk(downloads):
        parts += [os.path.join(where, d) for d in dirs if d.endswith(".part")]
        dicoms += sum(1 for f in files if f.endswith(".dcm"))
    if parts:
        raise u.StepFailed("half-written folders are left: %s" % parts)
    images = sum(int(s.get("ImageCount", 0)) for s in chosen)
    if dicoms != images:
        raise u.StepFailed("%d DICOM files in the folder, the series have %d images"
                           % (dicoms, images))
    u.log("metadata.csv has a row for each of the %d series, %d images on disk, no .part folder"
          % (len(want), dicoms))


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    fake, app, builddir = sys.argv[1:4]

    with u.Session(builddir, "test-atspi-flow-") as session:
        downloads = session.path("downloads")
        os.makedirs(downloads)
        session.use_keyfile_settings(SCHEMA_PATH, {"download-folder": gvariant_string(downloads)})
        url = session.start_fake(fake, "--series=%d" % N_SERIES)
        u.log("fake-nbia at " + url)
        collection, modality, all_series, chosen = plan(url)
        u.log("plan: collection %r (%d series), modality %s (%d series)"
              % (collection, len(all_series), modality, len(chosen)))

        if not u.registry_reachable():
            u.skip("no AT-SPI registry")
        proc, root = session.start_app(app, "--api-url=" + url)
        u.log("found %s (pid %d)" % (root.name, proc.pid))
        flow = Flow(root)
        try:
            run(flow, collection, modality, all_series, chosen, downloads)
        finally:
            flow.focus.close()
    u.log("PASS: the whole flow works with the keyboard alone")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        u.log("FAIL: %s" % e)
        sys.exit(1)
