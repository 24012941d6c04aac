#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""tcia-utils-getseries.py URL [--expect=ROWS]

The contender of the command-line listing benchmark (bench/listing-cli):
what tcia_utils.nbia.getSeries(format="df") does with the getSeries URL it
is given. tcia_utils itself is not installable here (no PyPI), so its steps
are reproduced with Debian's python3-requests and python3-pandas, in its
order: queryData() logs the call, requests.get(url, params=options),
raise_for_status(), checks that response.text is not empty, then
response.json() and pandas.DataFrame(). Nothing is written out: the
DataFrame is what the user gets, as the listing is what tcia-basket gives.

Prints one JSON object: rows, seconds (the call alone, after the imports, as
a script calling getSeries() pays it), cpu_seconds, variant.
"""

import json
import logging
import resource
import sys
import time

import pandas as pd
import requests

_log = logging.getLogger("tcia_utils.nbia")
logging.basicConfig(format="%(asctime)s:%(levelname)s:%(message)s", level=logging.WARNING)


def cpu_seconds():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def get_series(url, options):
    """tcia_utils.nbia.queryData("getSeries", options, api_url, format="df")."""
    _log.info(f"Calling... {url} with parameters {options}")
    data = requests.get(url, params=options)
    data.raise_for_status()
    if data.text != "":
        data = data.json()
        return pd.DataFrame(data)
    _log.info("No results found.")
    return None


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    expect = None
    for a in argv[1:]:
        if a.startswith("--expect="):
            expect = int(a.split("=", 1)[1])
    if len(args) != 1:
        print("usage: tcia-utils-getseries.py URL [--expect=ROWS]", file=sys.stderr)
        return 2

    cpu0 = cpu_seconds()
    t0 = time.monotonic()
    df = get_series(args[0], {})
    seconds = time.monotonic() - t0
    cpu = cpu_seconds() - cpu0
    rows = 0 if df is None else len(df)

    print(json.dumps({
        "rows": rows,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "variant": "requests %s + response.json() + pandas %s DataFrame, Python %s" % (
            requests.__version__, pd.__version__, sys.version.split()[0]),
    }))
    if expect is not None and rows != expect:
        print("expected %d rows, got %d" % (expect, rows), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
