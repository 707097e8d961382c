"""soak.py - `make soak`: a mixed load (redemptions, pick-ups, payments,
page views) for SOAK_SECONDS (1200) against the stack in KAQUAN_URL.
Reports worker RSS and open descriptors over time, fails on any 5xx, a
growth of either, or books that do not check (test_crash's checks)."""
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "http"))
from kq import VAR  # noqa: E402
from test_crash import _check, _prepare, _run  # noqa: E402

SECONDS = int(os.environ.get("SOAK_SECONDS", "1200"))


def workers():
    master = open(os.path.join(VAR, "run", "kaquan.pid")).read().strip()
    out = subprocess.run(["pgrep", "-P", master], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def sample():
    """(sum of worker RSS in KiB, open fds of all workers, workers)."""
    rss = fds = 0
    ws = workers()
    for p in ws:
        try:
            with open("/proc/%d/status" % p) as f:
                rss += int(next(l for l in f if l.startswith("VmRSS")).split()[1])
            fds += len(os.listdir("/proc/%d/fd" % p))
        except (OSError, StopIteration):
            pass
    return rss, fds, len(ws)


def browse(m, stop, out):
    while not stop.is_set():
        for path in ("/user", "/user/vouchers", "/user/orders", "/user/pickup"):
            out.append((m.uin, "view", path, m.get(path).status))


def main():
    t0 = time.time()
    samples = []
    statuses = {}
    rounds = 0
    while time.time() - t0 < SECONDS:
        work = _prepare(4)
        out, stop = [], threading.Event()
        viewers = [threading.Thread(target=browse, args=(m, stop, out)) for m, _ in work[:2]]
        doers = [threading.Thread(target=_run, args=(m, items, out)) for m, items in work]
        for t in viewers + doers:
            t.start()
        for t in doers:
            t.join()
        stop.set()
        for t in viewers:
            t.join()
        views = [o for o in out if o[1] == "view"]
        bad = [o for o in views if o[3] != 200]
        assert not bad, bad[:5]
        _check([o for o in out if o[1] != "view"], work)
        for o in out:
            statuses[o[3]] = statuses.get(o[3], 0) + 1
        rounds += 1
        samples.append((time.time() - t0,) + sample())
        s = samples[-1]
        print("soak: %5.0f s  round %3d  workers %d  RSS %6.1f MiB  fds %3d  %s"
              % (s[0], rounds, s[3], s[1] / 1024, s[2], statuses), flush=True)
    first, last = samples[min(2, len(samples) - 1)], samples[-1]
    peak = max(s[1] for s in samples)
    print("soak: %d rounds in %.0f s, %s" % (rounds, time.time() - t0, statuses))
    print("soak: worker RSS %.1f MiB after warm-up, %.1f MiB at the end, %.1f MiB peak;"
          " fds %d then %d" % (first[1] / 1024, last[1] / 1024, peak / 1024, first[2], last[2]))
    assert all(k < 500 for k in statuses), statuses
    assert last[1] <= first[1] * 1.10 + 2048, "worker RSS grew"
    assert last[2] <= first[2] + 2, "open descriptors grew"
    print("soak: ok")


if __name__ == "__main__":
    main()
