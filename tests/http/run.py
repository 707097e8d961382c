"""run.py - runs every test_* function of tests/http/test_*.py against the
stack named by KAQUAN_URL, and prints "N passed, N failed".

Usage: python3 tests/http/run.py [NAME-SUBSTRING ...]
"""
import glob
import importlib.util
import os
import sys
import time
import traceback

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)


def main():
    only = sys.argv[1:]
    passed = failed = 0
    # KAQUAN_TESTS: another directory of test_*.py (tests/cluster), with
    # this one's helpers importable
    tests = os.environ.get("KAQUAN_TESTS", here)
    sys.path.insert(0, tests)
    for path in sorted(glob.glob(os.path.join(tests, "test_*.py"))):
        name = os.path.basename(path)[:-3]
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for fname in [f for f in vars(mod) if f.startswith("test_")]:
            full = "%s.%s" % (name, fname)
            if only and not any(o in full for o in only):
                continue
            t0 = time.time()
            try:
                getattr(mod, fname)()
                passed += 1
                print("ok    %-60s %5.2fs" % (full, time.time() - t0), flush=True)
            except Exception as e:  # noqa: BLE001 - report every failure
                failed += 1
                print("FAIL  %s: %s" % (full, e), flush=True)
                traceback.print_exc(limit=3)
    print("http: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
