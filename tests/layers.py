"""layers.py - the tree's structure, checked (make check, make test): the
includes run one way (no circle among core/, fcgi/ and cli/, and the
layers of core/ as README's Layout says), and no file of core/ or fcgi/
is over 700 lines but the template compiler.  Prints one line and exits
non-zero on a breach."""
import glob
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
MAX_LINES = 700
LONG_OK = {"core/web/tmpl.c"}       # the template compiler
# what each layer of core/ may include besides itself
MAY = {"base": set(), "process": {"base"}, "db": {"base", "process"},
       "web": {"base"}, "domain": {"base", "process", "db"}}


def module(path):
    return os.path.splitext(path)[0]


def layer(mod):
    parts = mod.split("/")
    if parts[0] != "core":
        return parts[0]
    return parts[1] if len(parts) == 3 else "domain"


def graph():
    g = {}
    files = [f for pat in ("core/*.[ch]", "core/*/*.[ch]", "fcgi/*.[ch]", "cli/*.c")
             for f in glob.glob(os.path.join(ROOT, pat))]
    for f in files:
        rel = os.path.relpath(f, ROOT)
        for inc in re.findall(r'^#include "([^"]+)"', open(f).read(), re.M):
            if "/" in inc:
                to = "core/" + module(inc)
            elif os.path.exists(os.path.join(os.path.dirname(f), inc)):
                to = os.path.join(os.path.dirname(rel), module(inc))
            else:
                to = "core/" + module(inc)
            if to != module(rel):
                g.setdefault(module(rel), set()).add(to)
    return g, files


def main():
    g, files = graph()
    bad = []
    state = {}

    def visit(u, path):
        state[u] = 1
        for v in sorted(g.get(u, ())):
            if state.get(v) == 1:
                bad.append("include circle: " + " -> ".join(path[path.index(v):] + [v]))
            elif v not in state:
                visit(v, path + [v])
        state[u] = 2
    for u in sorted(g):
        if u not in state:
            visit(u, [u])
    for u, vs in g.items():
        for v in vs:
            a, b = layer(u), layer(v)
            if u.startswith("core/") and not v.startswith("core/"):
                bad.append("%s includes %s: core knows no FastCGI" % (u, v))
            if a in MAY and b in MAY and a != b and b not in MAY[a]:
                bad.append("%s (%s) includes %s (%s)" % (u, a, v, b))
    for f in files:
        rel = os.path.relpath(f, ROOT)
        n = sum(1 for _ in open(f))
        if n > MAX_LINES and rel not in LONG_OK and not rel.startswith("cli/"):
            bad.append("%s: %d lines (at most %d)" % (rel, n, MAX_LINES))
    for b in bad:
        print("layers: " + b)
    print("layers: %d files, %s" % (len(files), "ok" if not bad else "%d breaches" % len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
