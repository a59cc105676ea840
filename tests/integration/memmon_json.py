"""memmon's JSON Lines for the tests' Python: addresses come as "0x.." strings (README's
JSON rule); loads() turns those of the address fields back into ints for arithmetic."""
import json

ADDRESS_KEYS = {"addr", "ip", "sp", "vm_start", "vm_end", "address", "end", "start",
                "block_addr", "site_addr", "stack_top", "ret", "old_address", "new_address",
                "shmaddr", "buf"}


def _ints(o):
    for k, v in o.items():
        if k in ADDRESS_KEYS and isinstance(v, str) and v.startswith("0x"):
            o[k] = int(v, 16)
        elif isinstance(v, dict):
            _ints(v)
    return o


def loads(line):
    return _ints(json.loads(line))


def records(path):
    return [loads(l) for l in open(path)]
