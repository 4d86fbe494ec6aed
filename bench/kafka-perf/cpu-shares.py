"""Shares of Busbar's broker CPU per produce run, from cpu-shares.sh's collapsed stacks (async-profiler, event=cpu).

    python3 bench/kafka-perf/cpu-shares.py <results dir>

Each sample goes to the first bucket whose frame it holds, in the order below, so the shares add up to 100%: a
fdatasync under the I/O thread counts as fdatasync, not as the I/O thread. The µs/record column is the share of the
broker's measured CPU (samples.tsv: utime + stime around the run) per record.
"""
import csv
import gzip
import os
import sys

BUCKETS = [
    ("fdatasync (the log's fsync)", "FileDispatcherImpl.force0"),
    ("write() of segments (page-cache copy)", "FileDispatcherImpl.write0"),
    ("socket read", "SocketDispatcher.read0"),
    ("socket write", "FileDispatcherImpl.writev0"),
    ("epoll and wake-ups", "EPoll"),
    ("JIT compiler", "CompileBroker"),
    ("CRC32C (batch validation)", "CRC32C"),
    ("thread hand-offs (park, unpark)", "Unsafe.park"),
]
OTHER = "everything else (decoding, handlers, producer state, responses, GC)"


def shares(path):
    counts = {name: 0 for name, _ in BUCKETS}
    counts[OTHER] = 0
    total = 0
    with gzip.open(path, "rt") as f:
        for line in f:
            stack, n = line.rsplit(" ", 1)
            n = int(n)
            total += n
            for name, frame in BUCKETS:
                if frame in stack:
                    counts[name] += n
                    break
            else:
                counts[OTHER] += n
    return {k: v / total for k, v in counts.items()}, total


def main(results):
    samples = {r["run"]: r for r in csv.DictReader(open(os.path.join(results, "samples.tsv")), delimiter="\t")}
    tck = os.sysconf("SC_CLK_TCK")
    runs = list(samples)  # in the order they ran
    table = {}
    for run in runs:
        table[run] = shares(os.path.join(results, "collapsed", run + ".collapsed.gz"))
    names = [name for name, _ in BUCKETS] + [OTHER]
    print("| | " + " | ".join(runs) + " |")
    print("|---|" + "---|" * len(runs))
    rates = [f"{float(samples[r]['rate']) / 1000:.1f}k" for r in runs]
    print("| rate rec/s | " + " | ".join(rates) + " |")
    cpu = [int(samples[r]["cpu_ticks"]) * 1e6 / tck / int(samples[r]["records"]) for r in runs]
    print("| broker CPU µs/record | " + " | ".join(f"{c:.2f}" for c in cpu) + " |")
    for name in names:
        cells = [f"{table[r][0][name] * 100:.1f}% ({table[r][0][name] * c:.2f})" for r, c in zip(runs, cpu)]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(f"\nSamples per run: " + ", ".join(f"{r} {table[r][1]}" for r in runs)
          + ". Cells: share of the broker's CPU samples (µs/record of that share).")


if __name__ == "__main__":
    main(sys.argv[1])
