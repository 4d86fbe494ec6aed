import os, time, sys
def run(prealloc, n=2000, size=150):
    fn='/tmp/fsb.%d'%prealloc
    fd=os.open(fn, os.O_CREAT|os.O_TRUNC|os.O_RDWR)
    if prealloc:
        os.write(fd, b'\0'*(n*size+4096)); os.fsync(fd); os.lseek(fd,0,0)
    buf=os.urandom(size); t=[]
    for i in range(n):
        os.write(fd, buf)
        s=time.perf_counter_ns(); os.fdatasync(fd); t.append(time.perf_counter_ns()-s)
    os.close(fd); os.unlink(fn); t.sort()
    q=lambda p: t[int(p*len(t))]/1e3
    print("prealloc" if prealloc else "append  ", "p50 %.0f p90 %.0f p99 %.0f us max %.0f"%(q(.5),q(.9),q(.99),t[-1]/1e3))
for r in range(2):
    run(0); run(1)
