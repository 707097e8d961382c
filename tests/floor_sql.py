"""floor_sql.py - the statements of make bench's floor (tests/floor.c), read
from MariaDB's general log: for each statement a page executed in the
steady state, its text as the worker prepared it (with ?) and the values it
bound, which the log writes into the text of each Execute.  Reads the log
of the warm-up (with the Prepares) and the steady state's Executes; prints,
per statement, its text on one line, then one line per value: "i N",
"s TEXT", "t YYYY-MM-DD HH:MM:SS" or "n", and an empty line.

    floor_sql.py GENERAL-LOG STEADY-EXECUTES > floor.sql"""
import re
import sys


def command(line, name):
    m = re.match(r"^(?:\d{6} [\d:]+)?\t\s*\d+ " + name + "\t(.*)$", line)
    return m and m.group(1)


def values(prepared, executed):
    parts = prepared.split("?")
    assert executed.startswith(parts[0])
    pos, out = len(parts[0]), []
    for part in parts[1:]:
        rest = executed[pos:]
        m = (re.match(r"TIMESTAMP'([^']*)'", rest) or re.match(r"'((?:[^'\\]|\\.|'')*)'", rest)
             or re.match(r"(NULL)", rest) or re.match(r"(-?\d+)", rest))
        assert m, rest[:40]
        if rest.startswith("TIMESTAMP"):
            out.append("t " + m.group(1))
        elif rest.startswith("'"):
            out.append("s " + re.sub(r"\\(.)|''", lambda e: e.group(1) or "'", m.group(1)))
        elif m.group(1) == "NULL":
            out.append("n")
        else:
            out.append("i " + m.group(1))
        pos += m.end()
        assert executed[pos:].startswith(part), executed[pos:pos + 40]
        pos += len(part)
    assert pos == len(executed)
    return out


def main():
    prepared = [command(l.rstrip("\n"), "Prepare") for l in open(sys.argv[1])]
    prepared = [p for p in prepared if p]
    for executed in open(sys.argv[2]):
        executed = executed.rstrip("\n")
        fits = []
        for p in set(prepared):
            try:
                fits.append((p, values(p, executed)))
            except AssertionError:
                pass
        assert len(fits) == 1, "no single Prepare for: " + executed[:80]
        print(fits[0][0])
        print("\n".join(fits[0][1]))
        print()


if __name__ == "__main__":
    main()
