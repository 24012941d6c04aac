# SPDX-License-Identifier: GPL-3.0-or-later
"""What the AT-SPI tests share: the checks that decide a skip, the fake
server and the app in a throw-away home, reading the accessible tree, and
keys typed as a person types them.

Import it first thing: it exits 77 (skip) when there is no X display, no
session bus or no pyatspi, before a test starts anything."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

SKIP = 77
TIMEOUT_S = 60
PREFIX = os.path.splitext(os.path.basename(sys.argv[0]))[0] or "atspi"


def log(msg):
    print(PREFIX + ": " + msg, flush=True)


def skip(msg):
    log("SKIP: " + msg)
    sys.exit(SKIP)


if not os.environ.get("DISPLAY"):
    skip("no X display")
if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
    skip("no session bus")
try:
    import gi
    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi, GLib
    import pyatspi
except (ImportError, ValueError) as e:
    skip("pyatspi is missing (%s)" % e)

# A name GTK 4.8 makes up when a widget has none: its type name.
TYPE_NAME = re.compile(r"^(Gtk|Adw|Tcia)[A-Za-z]+$")
BUTTON_ROLES = (pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON)


class StepFailed(AssertionError):
    pass


# ---- the accessible tree ----

def walk(obj, depth=0):
    """Every accessible under obj, depth first; objects that vanish mid-walk
    are skipped. GTK 4.8 also lists the pages of a stack that are not shown,
    and sets no "showing" state to tell them apart."""
    if obj is None or depth > 60:
        return
    yield obj
    try:
        n = obj.childCount
    except Exception:
        return
    for i in range(n):
        try:
            child = obj.getChildAtIndex(i)
        except Exception:
            continue
        yield from walk(child, depth + 1)


def has_state(obj, state):
    try:
        return obj.getState().contains(state)
    except Exception:
        return False


def role_of(obj):
    try:
        return obj.getRole()
    except Exception:
        return None


def name_of(obj):
    try:
        return obj.name or ""
    except Exception:
        return ""


def text_of(obj):
    """The object's text (a label's, an entry's), or None."""
    try:
        text = obj.queryText()
        return text.getText(0, text.characterCount)
    except Exception:
        return None


def texts_of(obj):
    out = []
    name = name_of(obj)
    if name:
        out.append(name)
    text = text_of(obj)
    if text is not None:
        out.append(text)
    return out


def all_texts(obj):
    """Names and texts of obj and everything under it, in tree order, without
    the type names GTK makes up and without repeats next to each other."""
    out = []
    for o in walk(obj):
        for t in texts_of(o):
            t = t.strip()
            if t and not TYPE_NAME.match(t) and (not out or out[-1] != t):
                out.append(t)
    return out


def path_of(obj):
    parts = []
    while obj is not None and len(parts) < 8:
        try:
            parts.append("%s '%s'" % (obj.getRoleName(), obj.name))
            obj = obj.parent
        except Exception:
            break
    return " < ".join(parts)


def describe(obj):
    try:
        role = obj.getRoleName()
    except Exception:
        return "(gone)"
    text = text_of(obj)
    name = name_of(obj)
    out = "%s '%s'" % (role, name)
    if text is not None and text != name:
        out += " text '%s'" % text
    return out


def find(root, predicate):
    for o in walk(root):
        try:
            if predicate(o):
                return o
        except Exception:
            continue
    return None


def find_all(root, predicate):
    out = []
    for o in walk(root):
        try:
            if predicate(o):
                out.append(o)
        except Exception:
            continue
    return out


def by_role_name(role, name):
    return lambda o: role_of(o) == role and name_of(o) == name


def focused_by_walking(root):
    """The object with the keyboard focus inside root, found the slow way
    (a walk of the whole tree: about a second for the window of the app)."""
    # The active window first; then any (a dialog is not "active" without
    # a window manager).
    windows = sorted(children(root), key=lambda w: not has_state(w, pyatspi.STATE_ACTIVE))
    for win in windows:
        hit = find(win, lambda o: has_state(o, pyatspi.STATE_FOCUSED))
        if hit is not None:
            return hit
    return None


class FocusTracker:
    """Follows the keyboard focus through the "focused" state changes the
    app announces, as a screen reader does, instead of searching the tree."""

    def __init__(self, root):
        self.root = root
        self.current = None
        pyatspi.Registry.registerEventListener(self._changed, "object:state-changed:focused")

    def _changed(self, event):
        try:
            if event.source.get_process_id() != self.root.get_process_id():
                return
        except Exception:
            return
        if event.detail1:
            self.current = event.source
        elif self.current is not None and event.source == self.current:
            self.current = None

    def get(self):
        """The focused object, or None when nothing in the app has the focus."""
        pump()
        if self.current is not None and has_state(self.current, pyatspi.STATE_FOCUSED):
            return self.current
        # Announcements can be missed (the focus moved before the tracker
        # started): ask the tree.
        self.current = focused_by_walking(self.root)
        return self.current

    def close(self):
        try:
            pyatspi.Registry.deregisterEventListener(self._changed,
                                                     "object:state-changed:focused")
        except Exception:
            pass


def pump():
    """Delivers the AT-SPI events that arrived since the last call."""
    context = GLib.MainContext.default()
    while context.pending():
        context.iteration(False)


def children(obj):
    out = []
    try:
        n = obj.childCount
    except Exception:
        return out
    for i in range(n):
        try:
            out.append(obj.getChildAtIndex(i))
        except Exception:
            pass
    return out


def is_inside(obj, ancestor):
    while obj is not None:
        if obj == ancestor:
            return True
        try:
            obj = obj.parent
        except Exception:
            return False
    return False


def wait_for(what, predicate, timeout=TIMEOUT_S, interval=0.2):
    deadline = time.monotonic() + timeout
    while True:
        pump()
        try:
            result = predicate()
        except Exception:
            result = None
        if result:
            return result
        if time.monotonic() >= deadline:
            raise StepFailed("timed out after %g s waiting for %s" % (timeout, what))
        time.sleep(interval)


def find_app(pid):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        try:
            if app is not None and app.get_process_id() == pid:
                return app
        except Exception:
            continue
    return None


def do_action(obj, name):
    action = obj.queryAction()
    for i in range(action.nActions):
        if action.getName(i) == name:
            return action.doAction(i)
    return False


def registry_reachable():
    """The AT-SPI registry is up (D-Bus activation); without it a test cannot run."""
    try:
        pyatspi.Registry.getDesktop(0).childCount
        return True
    except Exception as e:
        log("the AT-SPI registry is not reachable (%s)" % e)
        return False


# ---- keys, as a person types them ----

KEYSYMS = {
    "Tab": 0xff09, "Return": 0xff0d, "Escape": 0xff1b, "space": 0x20,
    "Home": 0xff50, "Left": 0xff51, "Up": 0xff52, "Right": 0xff53, "Down": 0xff54,
    "End": 0xff57, "Page_Up": 0xff55, "Page_Down": 0xff56, "F10": 0xffc7,
}
MODIFIERS = {
    "shift": 1 << int(Atspi.ModifierType.SHIFT),
    "ctrl": 1 << int(Atspi.ModifierType.CONTROL),
    "alt": 1 << int(Atspi.ModifierType.ALT),
}
# Key events travel from the registry to the X server to the app; one that
# arrives on the heels of the previous one can be lost by a busy machine.
KEY_GAP_S = 0.15


def key(combo):
    """Presses and releases a key: "Tab", "shift+Tab", "ctrl+a", "alt+2"."""
    *mods, name = combo.split("+")
    keysym = KEYSYMS.get(name)
    if keysym is None:
        if len(name) != 1:
            raise ValueError("unknown key " + name)
        keysym = ord(name)
    mask = 0
    for m in mods:
        mask |= MODIFIERS[m.lower()]
    if mask:
        Atspi.generate_keyboard_event(mask, None, Atspi.KeySynthType.LOCKMODIFIERS)
        time.sleep(0.05)
    try:
        Atspi.generate_keyboard_event(keysym, None, Atspi.KeySynthType.SYM)
    finally:
        if mask:
            time.sleep(0.05)
            Atspi.generate_keyboard_event(mask, None, Atspi.KeySynthType.UNLOCKMODIFIERS)
    time.sleep(KEY_GAP_S)


def type_text(text):
    Atspi.generate_keyboard_event(0, text, Atspi.KeySynthType.STRING)
    time.sleep(KEY_GAP_S)


# ---- processes ----

def no_proxy_opener():
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Session:
    """A throw-away home (XDG_*_HOME) with the fake server and the app in it.
    Whatever it started is stopped on exit, pass or fail."""

    def __init__(self, builddir, prefix):
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        self.procs = []
        env = dict(os.environ)
        for k in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                  "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
            env.pop(k, None)
        env.pop("NO_AT_BRIDGE", None)
        env.pop("TCIA_API_URL", None)
        env["GTK_A11Y"] = "atspi"
        env["GSETTINGS_BACKEND"] = "memory"
        env["GSETTINGS_SCHEMA_DIR"] = os.path.join(builddir, "data")
        env["XDG_DATA_HOME"] = os.path.join(self.tmp, "data")
        env["XDG_CONFIG_HOME"] = os.path.join(self.tmp, "config")
        env["XDG_CACHE_HOME"] = os.path.join(self.tmp, "cache")
        env["GIO_USE_PROXY_RESOLVER"] = "dummy"
        # A warning of the app is its own business here, not the test's; a
        # critical one (a programming error, such as the NULL text a cell
        # once handed GTK's screen-reader code) fails the test.
        env["G_DEBUG"] = "fatal-criticals"
        self.env = env

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def use_keyfile_settings(self, schema_path, values):
        """Settings from a keyfile in the home instead of memory: values is
        {key: GVariant text}, e.g. {"download-folder": "'/tmp/x'"}."""
        folder = os.path.join(self.env["XDG_CONFIG_HOME"], "glib-2.0", "settings")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "keyfile"), "w", encoding="utf-8") as f:
            f.write("[%s]\n" % schema_path.strip("/"))
            for k, v in values.items():
                f.write("%s=%s\n" % (k, v))
        self.env["GSETTINGS_BACKEND"] = "keyfile"

    def start_fake(self, fake, *args):
        """Starts fake-nbia on a free port; returns its v4 URL, ending in /."""
        try:
            proc = subprocess.Popen([fake, "--port=0"] + list(args), stdout=subprocess.PIPE,
                                    text=True, env=self.env)
        except OSError as e:
            raise StepFailed("cannot start fake-nbia: %s" % e)
        self.procs.append(proc)
        url = proc.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1"):
            raise StepFailed("fake-nbia printed no local URL (got %r)" % url)
        return url if url.endswith("/") else url + "/"

    def start_app(self, app, *args):
        """Starts the app; returns (process, its AT-SPI application object)."""
        try:
            proc = subprocess.Popen([app] + list(args), env=self.env)
        except OSError as e:
            raise StepFailed("cannot start the app: %s" % e)
        self.procs.append(proc)

        def found():
            if proc.poll() is not None:
                raise StepFailed("the app exited with status %d" % proc.returncode)
            return find_app(proc.pid)

        deadline = time.monotonic() + TIMEOUT_S
        while True:
            root = found()
            if root is not None:
                return proc, root
            if time.monotonic() >= deadline:
                raise StepFailed("the app did not show up in the AT-SPI tree")
            time.sleep(0.2)

    def close(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        self.procs = []
        shutil.rmtree(self.tmp, ignore_errors=True)
