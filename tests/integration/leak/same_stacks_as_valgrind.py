#!/usr/bin/env python3
"""Compares memmon leak's stacks (JSON Lines) with valgrind's loss records (--xml) for the
same program: the set of call chains, as function names from the allocator's caller down
to main, must be the same. Prints the differences and exits 1 if there are any.

usage: same_stacks_as_valgrind.py MEMMON_JSON VALGRIND_XML"""
import json
import sys
import xml.etree.ElementTree as ET


def name(sym):
    # memmon prints the versioned name the symbol table has (__libc_start_main@@GLIBC_2.34)
    return (sym or "?").split("@@")[0]


def to_main(fns):
    return tuple(fns[: fns.index("main") + 1]) if "main" in fns else tuple(fns)


def memmon_chains(path):
    chains = set()
    for line in open(path):
        r = json.loads(line)
        if r["type"] == "leak_stack":
            chains.add(to_main([name(f["symbol"]) for f in r["frames"]]))
    return chains


def valgrind_chains(path):
    chains = set()
    for err in ET.parse(path).getroot().findall("error"):
        frames = err.find("stack").findall("frame")
        # valgrind's own replacement of the allocator comes first
        while frames and "vgpreload" in (frames[0].findtext("obj") or ""):
            frames = frames[1:]
        chains.add(to_main([name(f.findtext("fn")) for f in frames]))
    return chains


def main():
    mm, vg = memmon_chains(sys.argv[1]), valgrind_chains(sys.argv[2])
    print(f"memmon: {len(mm)} call chains, valgrind: {len(vg)}, in common: {len(mm & vg)}")
    for c in sorted(mm - vg)[:10]:
        print("only memmon:  ", " <- ".join(c))
    for c in sorted(vg - mm)[:10]:
        print("only valgrind:", " <- ".join(c))
    return 0 if mm == vg and mm else 1


if __name__ == "__main__":
    sys.exit(main())
