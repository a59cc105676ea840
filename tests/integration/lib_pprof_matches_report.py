"""Checks that `go tool pprof -traces` of memmon's --pprof shows the same stacks (function
names, innermost first, inlined frames included) with the same values as memmon's text
report: leak's bytes (read with -unit=B) or faults' faults (minor + major).
Usage: lib_pprof_matches_report.py leak|faults REPORT.txt TRACES.txt"""
import re
import sys


def report_stacks(path, mode):
    indent = "    " if mode == "leak" else "        "
    stacks, cur = [], None
    for line in open(path):
        if mode == "leak":
            m = re.match(r"^(\d+) bytes in \d+ allocations? via ", line)
            value = int(m.group(1)) if m else None
        else:  # "     300        0     1.2 MiB  11014   fault_touch"
            m = re.match(r"^ +(\d+) +(\d+) +[\d.]+ \S+ +\d+ ", line)
            value = int(m.group(1)) + int(m.group(2)) if m else None
        if m:
            cur = (value, [])
            stacks.append(cur)
        elif cur is not None and line.startswith(indent) and not line.startswith(indent + " "):
            frame = line.strip()
            if frame.startswith("(") or frame.startswith("[") or frame == "--":
                continue  # a truncation note, not a frame
            # "func+0x1b file:line [module]", "func file:line [module]" (inlined) or "module+0x12"
            if "[" not in frame:  # unresolved: "libc.so.6+0x262c0", pprof's name too
                cur[1].append(frame.split(" ")[0])
            else:
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
        m = re.match(r"^\s*(\d+)B?\s+(\S.*)$", line)
        if m and not line.strip().endswith(":"):
            cur = (int(m.group(1)), [m.group(2).strip().replace(" (inline)", "")])
            stacks.append(cur)
        elif cur is not None and line.startswith("             ") and line.strip():
            cur[1].append(line.strip().replace(" (inline)", ""))
    return sorted((b, tuple(f)) for b, f in stacks)


r, p = report_stacks(sys.argv[2], sys.argv[1]), pprof_traces(sys.argv[3])
if not r or r != p:
    print("report:", r, "\npprof:", p, sep="\n")
    sys.exit(1)
