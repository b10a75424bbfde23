#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn msbench logs (one per kernel) into results JSON, a table and plot data.

usage: report.py OUT_DIR LOG...
Writes OUT_DIR/results.json, OUT_DIR/ratios.dat (for gnuplot) and prints an
reStructuredText table of every ratio against its target.
"""
import json
import sys

# (name, how to compute it from one kernel's results, target, "max"|"min")
def _lookup(r, ids, n, op="ioctl_read"):
    for entry in r["lookup"]:
        if entry["ids"] == ids and entry["channels"] == n:
            return entry
    return None


def ratios(r):
    ops = {k: v["median_ns"] for k, v in r["ops"].items()}
    zero = ops["read_zero_128"]
    big = max(e["channels"] for e in r["lookup"])
    out = [
        ("hot read / read(/dev/zero,128)", ops["ms_read_hot_128"] / zero, 1.15, "max"),
        ("128 B write / read(/dev/zero,128)", ops["ms_write_128"] / zero, 2.0, "max"),
        ("write+read / pipe pair", ops["ms_write_read_pair"] / ops["pipe_pair"], 1.0, "max"),
        ("write+read / POSIX mq pair", ops["ms_write_read_pair"] / ops["mq_pair"], 0.8, "max"),
    ]
    for ids in ("dense", "random"):
        many = _lookup(r, ids, big)
        if many:
            # Against the one-channel slot measured in the same trials.
            one = many["one_channel"]["ioctl_read"]["median_ns"]
            out.append((f"ioctl+read {ids} 2^{big.bit_length() - 1} / 1 channel",
                        many["ioctl_read"]["median_ns"] / one, 1.5, "max"))
    s = r["scaling"]
    # The median of each round's ratio (msbench measures them in rounds).
    out.append(("2 readers, different channels / getppid scaling",
                s["different_channels_vs_getppid"], 0.9, "min"))
    out.append(("2 readers, same channel / getppid scaling",
                s["same_channel_vs_getppid"], 0.8, "min"))
    for m in r["memory"]:
        out.append((f"bytes/channel overhead, {m['ids']} ids, {m['size']} B, "
                    f"2^{m['channels'].bit_length() - 1}",
                    m["overhead_bytes_per_channel"], 64, "max"))
    return out


def lookup_rows(results):
    """Lookup scaling per kernel: each cost over the one-channel slot's."""
    rows = []
    for r in results:
        for e in r["lookup"]:
            one = e["one_channel"]
            few = e.get("few_channels")
            rows.append([r["kernel"], e["ids"], f"2^{e['channels'].bit_length() - 1}",
                         f"{e['ioctl_read']['median_ns'] / one['ioctl_read']['median_ns']:.2f}",
                         f"{e['ioctl_write']['median_ns'] / one['ioctl_write']['median_ns']:.2f}",
                         f"{few['ioctl_read']['median_ns'] / one['ioctl_read']['median_ns']:.2f}"
                         if few else "-"])
    return rows


def print_table(head, rows):
    widths = [max(len(x[i]) for x in rows + [head]) for i in range(len(head))]
    rule = "  ".join("=" * w for w in widths)
    print(rule)
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip())
    print(rule)
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    print(rule)


def parse(path):
    r = {"lookup": [], "memory": [], "emulation": "QEMU TCG (software emulation)"}
    for line in open(path, errors="replace"):
        line = line.strip()
        if line.startswith("BENCH-INFO: "):
            info = line[len("BENCH-INFO: "):]
            r["kernel"] = info.split(",")[0].replace("kernel ", "")
            r["vcpus"] = int(info.split(",")[1].split()[0])
        elif line.startswith("BENCH-JSON: "):
            d = json.loads(line[len("BENCH-JSON: "):])
            for key in ("lookup", "memory"):
                if key in d:
                    r[key].append(d.pop(key))
            r.update(d)
    return r


def main():
    out_dir, logs = sys.argv[1], sys.argv[2:]
    results = [parse(p) for p in logs]
    table = {}
    for r in results:
        r["ratios"] = [{"name": n, "value": round(v, 3), "target": t,
                        "kind": k, "met": v <= t if k == "max" else v >= t}
                       for n, v, t, k in ratios(r)]
        for e in r["ratios"]:
            table.setdefault(e["name"], (e["target"], e["kind"], {}))[2][r["kernel"]] = e
    with open(f"{out_dir}/results.json", "w") as f:
        json.dump(results, f, indent=1)
    kernels = [r["kernel"] for r in results]
    with open(f"{out_dir}/ratios.dat", "w") as f:
        f.write("name target " + " ".join(f'"{k}"' for k in kernels) + "\n")
        for name, (target, kind, per) in table.items():
            if "bytes" in name:
                continue
            vals = " ".join(str(per[k]["value"]) for k in kernels)
            f.write(f'"{name}" {target} {vals}\n')
    head = ["measure", "target"] + kernels
    rows = []
    for name, (target, kind, per) in table.items():
        sign = "<=" if kind == "max" else ">="
        rows.append([name, f"{sign} {target}"] +
                    [f"{per[k]['value']:.2f}{'' if per[k]['met'] else ' (missed)'}"
                     for k in kernels])
    print_table(head, rows)
    print()
    print("Lookup scaling, medians over the one-channel slot's in the same trials")
    print("(random picks among the channels; the last column switches among 16 of them):")
    print()
    print_table(["kernel", "ids", "channels", "ioctl+read", "ioctl+write",
                 "ioctl+read, 16 picks"], lookup_rows(results))
    missed = sum(not e["met"] for r in results for e in r["ratios"])
    print(f"# {missed} target(s) missed; emulation: {results[0]['emulation']}, "
          f"{results[0].get('vcpus')} vCPUs")


if __name__ == "__main__":
    main()
