"""bench.py - make bench-volume's measurements on a stack already loaded
(tests/bench_volume.sh makes it): the pages of pages.py (time and rows
read), the exports (first byte, whole), a 100,000-card batch into a table
of a million cards, and redemptions while the sweep works through its
backlog.  Usage: bench.py pages|volume|sweep OUT.json (sweep: that part
alone).  Prints what it measures; OUT.json keeps it for bench_volume.sh's
comparison."""
import http.client
import json
import os
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, ".."))
sys.path.insert(0, os.path.join(here, "..", "http"))
import pages  # noqa: E402
from kq import BUILD, CONF, HOST, PORT, VAR, Client, sql  # noqa: E402

LOG = os.path.join(VAR, "log", "kaquan.log")
EXPORTS = ["/admin/vouchers.csv?status=available", "/admin/vouchers.csv?uin=70000000001",
           "/admin/vouchers.csv", "/admin/pickup/usage.csv", "/admin/audit.csv"]


def page_figures(clients):
    res = pages.run(clients, LOG, pages.ids(), times=5)
    for name, (ms, rows, status, path) in res.items():
        print("  %-26s %4d %8.1f ms %8d rows  %s" % (name, status, ms, rows, path), flush=True)
    return {name: [ms, rows, status] for name, (ms, rows, status, _) in res.items()}


def export(c, path):
    """(ms to the first byte of the body, ms to the end, lines, whole)."""
    conn = http.client.HTTPConnection(HOST, PORT, timeout=600)
    t = time.monotonic()
    conn.request("GET", path, headers={
        "Cookie": "; ".join("%s=%s" % kv for kv in c.cookies.items())})
    r = conn.getresponse()
    first = r.read(1)
    t1 = time.monotonic()
    lines, whole = first.count(b"\n"), True
    try:
        while True:
            chunk = r.read(1 << 16)
            if not chunk:
                break
            lines += chunk.count(b"\n")
    except http.client.IncompleteRead:
        whole = False
    conn.close()
    return (t1 - t) * 1000, (time.monotonic() - t) * 1000, lines, whole and r.status == 200


def wrk(bench, seconds, codes):
    """Redemptions of the codes in bench/FILE for seconds: (per s, not 303)."""
    before = int(sql("SELECT COUNT(*) FROM voucher_ledger WHERE kind = 'activate'")[0][0])
    out = subprocess.run(["wrk", "-t2", "-c16", "-d%ds" % seconds, "-s",
                          os.path.join(here, "..", "post.lua"), "http://%s:%d" % (HOST, PORT),
                          "--", bench, "2", codes, "/user/redeem/confirm", "code"],
                         capture_output=True, text=True).stdout
    after = int(sql("SELECT COUNT(*) FROM voucher_ledger WHERE kind = 'activate'")[0][0])
    secs = float(out.split(" requests in ")[1].split("s", 1)[0])
    bad = 0
    for line in out.splitlines():
        if "Non-2xx or 3xx responses:" in line:
            bad = int(line.split(":")[1])
    return (after - before) / secs, bad


def volume(clients, out):
    a = clients["admin"]
    fig = {"pages": page_figures(clients)}
    print("exports (first byte, whole)", flush=True)
    fig["exports"] = {}
    for path in EXPORTS:
        first, total, lines, whole = export(a, path)
        fig["exports"][path] = [first, total, lines, whole]
        print("  %-40s first byte %6.1f ms, %8.0f ms, %8d lines, %s" % (
            path, first, total, lines, "whole" if whole else "CUT"), flush=True)
    import bench_setup
    cards = int(sql("SELECT COUNT(*) FROM pickup_cards")[0][0])
    # the first finds the cards' code index out of the buffer pool (after
    # the load and the pages, it reads the index whole: ~2,800 pages at a
    # million cards); the next two find it there, as a box making batches
    # and taking pick-ups does
    times = [bench_setup.create(a, 100000)[1] for _ in range(3)]
    fig["batch_100k_s"], fig["batch_100k_warm_s"] = times[0], min(times[1:])
    print("a 100,000-card batch into %d cards: %.3f s cold, then %s s" % (
        cards, times[0], ", ".join("%.3f" % t for t in times[1:])), flush=True)
    sweep(clients, fig)
    json.dump(fig, open(out, "w"))


def sweep(clients, fig):
    """Redemptions alone, then while the sweep works through its backlog."""
    a = clients["admin"]
    bench = os.path.join(VAR, "bench")
    os.makedirs(bench, exist_ok=True)
    tok = a.csrf_of("/admin/vouchers/templates/new")
    r = a.post("/admin/vouchers/templates", {
        "csrf": tok, "name": "bench", "face": "100", "balance_mode": "carry_over",
        "scope": "all", "billing": "prepaid", "valid_days": "365"})
    tpl = r.header("Location")
    for name in ("codes1.txt", "codes2.txt"):
        r = a.post(tpl + "/issue", {"csrf": tok, "mode": "codes", "count": "60000"})
        assert r.status == 303, r
        codes = a.get(r.header("Location") + "/codes.txt").text.splitlines()
        with open(os.path.join(bench, name), "w") as f:
            f.write("\n".join(c.replace(" ", "") for c in codes) + "\n")
    m = clients["member"]
    with open(os.path.join(bench, "member.env"), "w") as f:
        f.write("kq_member=%s\n%s\n" % (m.cookies["kq_member"], m.csrf_of("/user/pickup")))
    backlog = int(sql("SELECT COUNT(*) FROM vouchers WHERE status IN ('available', 'unactivated')"
                      " AND valid_to < UTC_TIMESTAMP()")[0][0])
    alone, bad_alone = wrk(bench, 10, "codes1.txt")
    t = time.monotonic()
    sweep = subprocess.Popen([os.path.join(BUILD, "kaquanctl"), "--config", CONF, "sweep"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    during, bad_during = wrk(bench, 10, "codes2.txt")
    sweep_out, sweep_err = sweep.communicate()
    swept_s = time.monotonic() - t
    fig.update(redeem_alone=alone, redeem_during=during, sweep_s=swept_s, backlog=backlog,
               redeem_bad=bad_alone + bad_during, sweep_rc=sweep.returncode)
    print("redemptions alone %.0f /s, during the sweep of %d vouchers %.0f /s (%.0f %%),"
          " not 303: %d; the sweep took %.1f s (rc %d) %s" % (
              alone, backlog, during, 100 * during / alone, bad_alone + bad_during, swept_s,
              sweep.returncode, sweep_err.strip()), flush=True)


def compare(demo_json, vol_json):
    """The bench lines: each page's time at volume over its time on the
    demo-sized data, the most rows a page read, the slowest first byte,
    and the redemptions' rate during the sweep over their rate alone."""
    demo, vol = json.load(open(demo_json))["pages"], json.load(open(vol_json))
    print("page                        demo ms   volume ms   ratio   rows read")
    worst, worst_rows = 0, 0
    for name, (ms, rows, status) in vol["pages"].items():
        d = demo[name][0]
        worst, worst_rows = max(worst, ms / d), max(worst_rows, rows)
        print("  %-26s %7.1f %11.1f %7.1f %11d%s" % (name, d, ms, ms / d, rows,
                                                  "" if status == 200 else "  status %d" % status))
    first = max(e[0] for e in vol["exports"].values())
    whole = all(e[3] for e in vol["exports"].values())
    print("bench: volume_worst_ratio %.1f" % worst)
    print("bench: volume_worst_rows %d" % worst_rows)
    print("bench: volume_export_first_byte_ms %.1f" % first)
    print("bench: volume_exports_whole %d" % whole)
    print("bench: volume_batch_100k_s %.3f" % vol["batch_100k_s"])
    print("bench: volume_batch_100k_warm_s %.3f" % vol["batch_100k_warm_s"])
    print("bench: volume_sweep_redeem_ratio %.2f" % (vol["redeem_during"] / vol["redeem_alone"]))
    print("bench: volume_sweep_s %.1f" % vol["sweep_s"])
    print("bench: volume_redeem_not_303 %d" % vol["redeem_bad"])


def main():
    if sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
        return
    what, out = sys.argv[1], sys.argv[2]
    clients = pages.logins()
    if what == "pages":
        json.dump({"pages": page_figures(clients)}, open(out, "w"))
    elif what == "sweep":	# a quick look at the sweep alone
        fig = {}
        sweep(clients, fig)
        json.dump(fig, open(out, "w"))
    else:
        volume(clients, out)


main()
