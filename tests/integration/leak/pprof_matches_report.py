"""Checks that `go tool pprof -traces -unit=B` of memmon's --pprof shows the same stacks
(function names, innermost first, inlined frames included) with the same bytes as memmon's
text report. Usage: pprof_matches_report.py REPORT.txt TRACES.txt"""
import re
import sys


def report_stacks(path):
    stacks, cur = [], None
    for line in open(path):
        m = re.match(r"^(\d+) bytes in \d+ allocations? via ", line)
        if m:
            cur = (int(m.group(1)), [])
            stacks.append(cur)
        elif cur is not None and line.startswith("    ") and not line.startswith("     "):
            frame = line.strip()
            if frame.startswith("("):  # a truncation note, not a frame
                continue
            # "func+0x1b file:line [module]", "func file:line [module]" (inlined) or "module+0x12"
            cur[1].append(re.split(r"[+ ]", frame)[0])
        else:
            cur = None
    return sorted((b, tuple(f)) for b, f in stacks)


def pprof_traces(path):
    stacks, cur = [], None
    for line in open(path):
        if line.startswith("-----------+"):
            cur = None
            continue
        m = re.match(r"^\s*(\d+)B\s+(\S.*)$", line)
        if m:
            cur = (int(m.group(1)), [m.group(2).strip()])
            stacks.append(cur)
        elif cur is not None and line.startswith("             ") and line.strip():
            cur[1].append(line.strip())
    return sorted((b, tuple(f)) for b, f in stacks)


r, p = report_stacks(sys.argv[1]), pprof_traces(sys.argv[2])
if not r or r != p:
    print("report:", r, "\npprof:", p, sep="\n")
    sys.exit(1)
