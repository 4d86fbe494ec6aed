import sys, collections
def load(f):
    rows=[]
    for line in open(f):
        stack, n = line.rsplit(' ', 1); rows.append((stack, int(n)))
    return rows
keys = ["ext4_sync_file", "ext4_buffered_write_iter", "ext4_da_write_begin", "ext4_dirty_inode", "jbd2", "ext4_da_write_end", "copy_user\|copyin", "tcp_sendmsg", "tcp_recvmsg", "SegmentPreallocation", "ProduceHandler", "LogFlusher", "SegmentedLog.append", "KafkaRequestDecoder", "KafkaResponseEncoder", "CompileBroker", "G1\|GC", "futex", "epoll_wait", "schedule"]
files = sys.argv[1:]
data = {f: load(f) for f in files}
print("%-28s" % "frame", *["%14s" % f.split('prof-')[1][:14] for f in files])
tot = {f: sum(n for _, n in data[f]) for f in files}
print("%-28s" % "samples", *["%14d" % tot[f] for f in files])
import re
for k in keys:
    pat = re.compile(k)
    print("%-28s" % k[:28], *["%13.1f%%" % (100.0*sum(n for s, n in data[f] if pat.search(s))/tot[f]) for f in files])
