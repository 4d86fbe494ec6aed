"""The host slowdown that sessions 9 and 14 saw: for minutes, both brokers need several times the CPU per record (and
run at a third of the rate) while an fdatasync takes its usual time, so a repetition caught in it skews its median.
One rule for compare-table.py and ab.sh."""

FACTOR = 3.0


def slowdowns(kind, cpus):
    """For the repetitions of one broker (or build), kind and case, in order: each one's broker CPU per record over the
    best repetition's where that is above FACTOR, else None. Produce runs only: a consume run at 100 B takes a few
    clock ticks of broker CPU, too few to compare."""
    measured = [c for c in cpus if c]
    if kind != "produce" or not measured:
        return [None] * len(cpus)
    best = min(measured)
    return [c / best if c and c > FACTOR * best else None for c in cpus]
