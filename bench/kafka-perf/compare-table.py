#!/usr/bin/env python3
"""Prints compare.sh's tables (markdown) from a results directory: samples.tsv plus the raw tool outputs it names.

    python3 bench/kafka-perf/compare-table.py bench/kafka-perf/results/<date-time>

Medians over the repetitions (rep 0, the warm-up, is left out); ratio = Busbar / Kafka.
"""
import csv
import os
import re
import statistics
import sys

from slowdown import slowdowns

RESULTS = sys.argv[1]

PRODUCE_ROWS = [
    ("p1-100", "1 partition, 100 B"),
    ("p4-100", "4 partitions, 100 B"),
    ("p1-1k", "1 partition, 1 KiB"),
    ("p4-1k", "4 partitions, 1 KiB"),
    ("p4-100-linger", "4 partitions, 100 B, linger.ms=5, batch.size=65536"),
    ("p4-100-fsync", "Kafka with fsync on every append (flush.messages=1) vs Busbar default (4 partitions, 100 B)"),
]
CONSUME_ROWS = [(c, "consume rec/s, " + label) for c, label in PRODUCE_ROWS[:4]]


def read(path):
    try:
        with open(os.path.join(RESULTS, path), errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def parse_produce(text):
    """ProducerPerformance's summary: 'N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency,
    P ms 50th, P ms 95th, P ms 99th, P ms 99.9th.'"""
    lines = [l for l in text.splitlines() if "records sent" in l and "99th" in l]
    if not lines:
        return {}
    line = lines[-1]
    out = {}
    m = re.search(r"(\d+) records sent, ([\d.]+) records/sec", line)
    if m:
        out["sent"], out["rate"] = int(m.group(1)), float(m.group(2))
    for key, pat in (("avg", r"([\d.]+) ms avg latency"), ("p50", r"([\d.]+) ms 50th"), ("p99", r"([\d.]+) ms 99th")):
        m = re.search(pat, line)
        if m:
            out[key] = float(m.group(1))
    return out


def parse_consume(text):
    """ConsumerPerformance: a header 'start.time, end.time, ..., nMsg.sec, ..., fetch.nMsg.sec' and one line of values;
    the warm client (src/WarmConsumerPerformance.java) prints one per run, and only the one after '# measured' counts."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    if "# measured" in lines:
        lines = lines[lines.index("# measured") + 1:]
    header = None
    for i, l in enumerate(lines):
        if l.startswith("start.time"):
            header = [h.strip() for h in l.split(",")]
            if i + 1 < len(lines):
                values = [v.strip() for v in lines[i + 1].split(", ")]
                if len(values) == len(header):
                    row = dict(zip(header, values))
                    try:
                        return {"rate": float(row["nMsg.sec"]), "fetch_rate": float(row["fetch.nMsg.sec"]),
                                "consumed": int(float(row["data.consumed.in.nMsg"]))}
                    except (KeyError, ValueError):
                        return {}
    return {}


def parse_e2e(text):
    """EndToEndMicros (same format as Kafka's EndToEndLatency): 'Avg latency: X ms', 'Percentiles: 50th = a, 99th = b, 99.9th = c' (ms, 3 decimals)."""
    out = {}
    m = re.search(r"Avg latency: ([\d.]+) ms", text)
    if m:
        out["avg"] = float(m.group(1))
    m = re.search(r"Percentiles: 50th = ([\d.]+), 99th = ([\d.]+), 99\.9th = ([\d.]+)", text)
    if m:
        out["p50"], out["p99"], out["p999"] = (float(g) for g in m.groups())
    return out


samples = {}  # (kind, case, broker) -> list of dicts
with open(os.path.join(RESULTS, "samples.tsv")) as f:
    for s in csv.DictReader(f, delimiter="\t"):
        if s["rep"] == "0":
            continue
        text = read(s["raw"])
        parsed = {"produce": parse_produce, "p99": parse_produce, "consume": parse_consume, "e2e": parse_e2e}[s["kind"]](text)
        records = int(s["records"])
        parsed["cpu_us"] = int(s["cpu_ticks"]) / int(s["clk_tck"]) * 1e6 / records if records else None
        if s.get("machine_ticks") and s.get("client_ticks") and records:  # runs before 2026-12-05 13:20 lack them
            parsed["machine_us"] = (int(s["machine_ticks"]) - int(s["client_ticks"])) / int(s["clk_tck"]) * 1e6 / records
        parsed["rep"], parsed["records"] = s["rep"], records
        samples.setdefault((s["kind"], s["case"], s["broker"]), []).append(parsed)

reps = max((len(v) for v in samples.values()), default=0)


def med(kind, case, broker, key):
    vals = [p[key] for p in samples.get((kind, case, broker), []) if p.get(key) is not None]
    return (statistics.median(vals), len(vals)) if vals else (None, 0)


def rate(x):
    if x is None:
        return "n/a"
    if x >= 1e6:
        return f"{x / 1e6:.3g}M"
    if x >= 1e3:
        return f"{x / 1e3:.3g}k"
    return f"{x:.3g}"


def num(x, digits=2):
    return "n/a" if x is None else f"{x:.{digits}f}"


def ratio(b, k):
    return "" if b is None or not k else f" ({b / k:.2f}×)"


def short(n):
    return "" if n >= reps else f" [n={n}]"


def cell_pair(kind, case, key, fmt):
    (k, nk), (b, nb) = med(kind, case, "kafka", key), med(kind, case, "busbar", key)
    return f"{fmt(k)}{short(nk)}", f"{fmt(b)}{ratio(b, k)}{short(nb)}"


def cpu_cell(kind, case, key="cpu_us"):
    (k, nk), (b, nb) = med(kind, case, "kafka", key), med(kind, case, "busbar", key)
    return f"{num(k)} → {num(b)}{ratio(b, k)}"


out = []
env = read("environment.txt").strip().splitlines()
out.append(f"Busbar's Kafka listener against Apache Kafka 4.1.2 (bench/kafka-perf/compare.sh): medians of {reps} "
           "repetitions; ratio = Busbar / Kafka.")
out.append("")
for line in env:
    out.append(f"* {line}")
out.append(f"* load average at start: {read('uptime-start.txt').strip()}")
out.append(f"* load average at end: {read('uptime-end.txt').strip()}")
for line in read("idle.txt").strip().splitlines():
    out.append(f"* {line} (after the warm-up, no client)")
forced = read("forced.txt").strip()
if forced:
    out.append(f"* **{forced}: not a quiet machine, the figures are noise**")
m = re.search(r"load average: ([\d.]+)", read("uptime-end.txt"))
max_load = float(read("max-load.txt").strip() or "1.0")
if m and float(m.group(1)) > max_load:
    out.append(f"* **load average {m.group(1)} > {max_load:g} at the end: the machine got busy during the run**")
out.append("")
warm = re.search(r"^warm client: (\d+)$", read("environment.txt"), re.M)
warm_runs = int(warm.group(1)) if warm else 0
out.append("Produce: ProducerPerformance, acks=all, idempotent (client defaults), --throughput -1"
           + (f"; each run is the last of {warm_runs + 1} in one client JVM (src/WarmProducerPerformance.java), the "
              f"first {warm_runs} not counted, and every figure covers the last run only" if warm_runs
              else "; one cold client JVM per run") +
           ". Kafka: default configuration (no fsync); Busbar: --durability fsync (fsync before acknowledging).")
out.append("")
out.append("| row | Kafka rec/s | Busbar rec/s (ratio) | broker CPU µs/record Kafka → Busbar (ratio) "
           "| machine CPU µs/record less the client, write-back included, Kafka → Busbar (ratio) |")
out.append("|---|---|---|---|---|")
for case, label in PRODUCE_ROWS:
    k, b = cell_pair("produce", case, "rate", rate)
    out.append(f"| {label} | {k} | {b} | {cpu_cell('produce', case)} | {cpu_cell('produce', case, 'machine_us')} |")
out.append("")
warm_consumer = re.search(r"^warm consumer: (\d+)$", read("environment.txt"), re.M)
warm_consumer_runs = int(warm_consumer.group(1)) if warm_consumer else 0
out.append("Consume (ConsumerPerformance on the topics just produced; rec/s includes joining the group, fetch-only "
           "excludes it"
           + (f"; each run is the last of {warm_consumer_runs + 1} in one client JVM (src/WarmConsumerPerformance.java), "
              f"the first {warm_consumer_runs} reading TOPIC-warm and not counted" if warm_consumer_runs
              else "; one cold client JVM per run") +
           "), producer latency at a fixed rate and end-to-end latency (bench/kafka-perf/src/EndToEndMicros.java: one record in "
           "flight, acks=all, 100 B, the consumer long-polling with fetch.min.bytes=1; microsecond clocks).")
out.append("")
out.append("| row | Kafka | Busbar (ratio) | broker CPU µs/record Kafka → Busbar (ratio) | fetch-only rec/s Kafka → Busbar (ratio) |")
out.append("|---|---|---|---|---|")
for case, label in CONSUME_ROWS:
    k, b = cell_pair("consume", case, "rate", rate)
    (fk, _), (fb, _) = med("consume", case, "kafka", "fetch_rate"), med("consume", case, "busbar", "fetch_rate")
    out.append(f"| {label} | {k} | {b} | {cpu_cell('consume', case)} | {rate(fk)} → {rate(fb)}{ratio(fb, fk)} |")
(pk, _), (pb, _) = med("p99", "p1-100", "kafka", "rate"), med("p99", "p1-100", "busbar", "rate")
k, b = cell_pair("p99", "p1-100", "p99", lambda x: "n/a" if x is None else f"{x:g} ms")
m = re.search(r"p99: \d+ at (\d+)/s", read("environment.txt"))
target = f"{int(m.group(1)):,} rec/s" if m else "a fixed rate"
out.append(f"| producer p99 at {target} (achieved: Kafka {rate(pk)}, Busbar {rate(pb)} rec/s), 1 partition, 100 B | {k} | {b} "
           f"| {cpu_cell('p99', 'p1-100')} | — |")
for key, label in (("p50", "end-to-end p50"), ("p99", "end-to-end p99"), ("avg", "end-to-end average")):
    fmt = (lambda x: "n/a" if x is None else f"{x:.3f} ms") if key == "avg" else (lambda x: "n/a" if x is None else f"{x:.3f} ms")
    k, b = cell_pair("e2e", "p1-100", key, fmt)
    out.append(f"| {label}, 1 partition, 100 B | {k} | {b} | — | — |")

# the goals of issue #21, judged from the medians above
def ratios(kind, cases, key):
    out_r = []
    for case in cases:
        (k, _), (b, _) = med(kind, case, "kafka", key), med(kind, case, "busbar", key)
        if k and b is not None:
            out_r.append((case, b / k))
    return out_r


def verdict(pairs, ok, complete):
    if not pairs or len(pairs) < complete:
        return "n/a (rows missing)"
    bad = [f"{c} {r:.2f}×" for c, r in pairs if not ok(r)]
    lo, hi = min(r for _, r in pairs), max(r for _, r in pairs)
    span = f"{lo:.2f}×" if lo == hi else f"{lo:.2f}-{hi:.2f}×"
    return f"**met** ({span})" if not bad else f"not met ({span}; " + ", ".join(bad) + ")"


SIZED = [c for c, _ in PRODUCE_ROWS[:4]]
goals = [
    ("every produce row ≥ 1.0× Kafka's rate", ratios("produce", [c for c, _ in PRODUCE_ROWS[:5]], "rate"),
     lambda r: r >= 1.0, 5),
    ("broker CPU per record ≤ 0.5× Kafka's, produce (100 B and 1 KiB rows)", ratios("produce", SIZED, "cpu_us"),
     lambda r: r <= 0.5, 4),
    ("broker CPU per record ≤ 0.5× Kafka's, consume", ratios("consume", SIZED, "cpu_us"), lambda r: r <= 0.5, 4),
    ("consumers ≥ 1.0× at both sizes", ratios("consume", SIZED, "rate"), lambda r: r >= 1.0, 4),
    ("producer p99 at the fixed rate ≤ 0.5× Kafka's", ratios("p99", ["p1-100"], "p99"), lambda r: r <= 0.5, 1),
    ("≥ 3× Kafka with fsync on every append", ratios("produce", ["p4-100-fsync"], "rate"), lambda r: r >= 3.0, 1),
    ("end-to-end p99 ≤ Kafka's", ratios("e2e", ["p1-100"], "p99"), lambda r: r <= 1.0, 1),
]
out.append("")
out.append("Goals of issue #21, from the medians above:")
out.append("")
out.append("| goal | result |")
out.append("|---|---|")
for label, pairs, ok, complete in goals:
    out.append(f"| {label} | {verdict(pairs, ok, complete)} |")

# spread: every repetition's value, so the noise behind a median shows
out.append("")
out.append("Every repetition (rec/s; latency rows in ms), Kafka | Busbar:")
out.append("")
out.append("| kind | case | Kafka | Busbar |")
out.append("|---|---|---|---|")
for kind, case, key, fmt in ([("produce", c, "rate", rate) for c, _ in PRODUCE_ROWS]
                             + [("consume", c, "rate", rate) for c, _ in CONSUME_ROWS]
                             + [("p99", "p1-100", "p99", lambda x: f"{x:g}"), ("e2e", "p1-100", "p99", lambda x: f"{x:g}"),
                                ("e2e", "p1-100", "avg", lambda x: f"{x:.3f}")]):
    cells = []
    for broker in ("kafka", "busbar"):
        vals = [fmt(p[key]) if p.get(key) is not None else "n/a" for p in samples.get((kind, case, broker), [])]
        cells.append(" / ".join(vals) or "n/a")
    label = kind if kind != "e2e" else f"e2e {key}"
    out.append(f"| {label} | {case} | {cells[0]} | {cells[1]} |")

# sanity: short counts
warnings = []
for (kind, case, broker), lst in sorted(samples.items()):
    for p in lst:
        if kind in ("produce", "p99") and "rate" not in p:
            warnings.append(f"{broker} {kind} {case} rep {p['rep']}: no summary line (failed run?)")
        elif kind in ("produce", "p99") and p["sent"] < p["records"]:
            warnings.append(f"{broker} {kind} {case} rep {p['rep']}: {p['sent']} of {p['records']} records sent")
        if kind == "consume" and "consumed" not in p:
            warnings.append(f"{broker} consume {case} rep {p['rep']}: no result line (failed run?)")
        elif kind == "consume" and p["consumed"] < p["records"]:
            warnings.append(f"{broker} consume {case} rep {p['rep']}: {p['consumed']} of {p['records']} records read")
        if kind == "e2e" and "p99" not in p:
            warnings.append(f"{broker} e2e rep {p['rep']}: no percentiles (failed run?)")
for (kind, case, broker), lst in sorted(samples.items()):
    for p, slower in zip(lst, slowdowns(kind, [p.get("cpu_us") for p in lst])):
        if slower:
            warnings.append(f"{broker} {kind} {case} rep {p['rep']}: broker CPU per record {slower:.1f}× its best "
                            f"repetition's: the host slowed down (see docs/performance.md); rerun when quiet")
if warnings:
    out.append("")
    out.append("Warnings:")
    out.extend(f"* {w}" for w in warnings)
print("\n".join(out))
