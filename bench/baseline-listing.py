#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""baseline-listing.py URL [--expect=ROWS]

The baseline of the listing benchmark: what tcia_utils does with a getSeries
body (fetch, json.load, pandas.DataFrame), on the same URL the client asks
for. Prints one JSON object with the same fields as bench-listing:
rows, seconds, peak_rss_kb (ru_maxrss), rss_before_kb (VmRSS just before the
request, i.e. the interpreter with pandas imported), rss_after_kb,
file_size_sum, cpu_seconds (user + system), the split of the time
(read_seconds: urllib reading the body; json_seconds; frame_seconds: the
DataFrame), and which variant ran. Falls back to json.load alone when
pandas cannot be imported. Run with /usr/bin/python3 (Debian's pandas).
"""

import json
import resource
import sys
import time
import urllib.request

try:
    import pandas
    VARIANT = "json.load + pandas.DataFrame (pandas %s, Python %s)" % (
        pandas.__version__, sys.version.split()[0])
except ImportError:
    pandas = None
    VARIANT = "json.load only (pandas not importable; Python %s)" % sys.version.split()[0]


def status_kb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def cpu_seconds():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    expect = None
    for a in argv[1:]:
        if a.startswith("--expect="):
            expect = int(a.split("=", 1)[1])
    if len(args) != 1:
        print("usage: baseline-listing.py URL [--expect=ROWS]", file=sys.stderr)
        return 2
    url = args[0]

    # No proxy: the server is on 127.0.0.1, whatever the environment says.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    rss_before = status_kb("VmRSS")
    cpu0 = cpu_seconds()
    t0 = time.monotonic()
    # json.load(response) is json.loads(response.read()): the same work, split
    # so that the transfer, the parse and the DataFrame can be shown apart.
    with opener.open(url) as response:
        body = response.read()
    t_read = time.monotonic()
    rows = json.loads(body) if body.strip() else []
    del body
    t_json = time.monotonic()
    if pandas is not None:
        table = pandas.DataFrame(rows)
        n_rows = len(table)
    else:
        table = rows
        n_rows = len(rows)
    t1 = time.monotonic()
    cpu1 = cpu_seconds()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux

    # Outside the timed span: the same checksum bench-listing computes.
    file_size_sum = sum(int(r.get("FileSize") or 0) for r in rows)

    print(json.dumps({
        "impl": "baseline",
        "variant": VARIANT,
        "rows": n_rows,
        "seconds": round(t1 - t0, 4),
        "cpu_seconds": round(cpu1 - cpu0, 4),
        "read_seconds": round(t_read - t0, 4),
        "json_seconds": round(t_json - t_read, 4),
        "frame_seconds": round(t1 - t_json, 4),
        "peak_rss_kb": peak,
        "rss_before_kb": rss_before,
        "rss_after_kb": status_kb("VmRSS"),
        "file_size_sum": file_size_sum,
    }), flush=True)
    del table

    if expect is not None and n_rows != expect:
        print("baseline-listing: %d rows, expected %d" % (n_rows, expect), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
