#!/usr/bin/env python3
"""The benchmark's scenarios with CPython's socket module, to put CPython beside portsock.

    bench_python.py [--scenario NAME]... [--rounds R] [--quick] [--no-pin] [--cpu N]
                    [--idle N] [--tsv FILE] [--bench EXE]

The same work as bench/ (bench/main.c and its scenario files), the same sizes by default:

  pingpong  1-byte round trips over loopback TCP (TCP_NODELAY), timeout=None and timeout=5.0
  bulk      1 GiB in 64 KiB pieces: sendall() / recv_into()
  connect   socket + connect + accept + SO_LINGER 0 + close + close, one thread
  readline  2,000,000 lines of 40-80 bytes through makefile('rb').readline()
            (the same text as bench/readline.c; lines and bytes are checked)
  selector  one wait returning the 100 ready among 10,100 registered loopback TCP
            connections: selectors.DefaultSelector (epoll on Linux) and PollSelector

Every thread is pinned to one CPU (os.sched_setaffinity: the least busy one, as the C
benchmark chooses) unless --no-pin. R rounds (default 7) after a warm-up; min / median / max.
With --bench EXE (the C benchmark program), each CPython round is followed by one round of the
C benchmark's scenario in its own process on the same CPU, and the end table gives the
median of the per-round ratios portsock / CPython: the two alternate as raw and portsock do
inside the C benchmark, so a machine that gets busier or quieter affects both alike.
"""

import argparse
import os
import platform
import resource
import selectors
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

PIECE = 65536


def mix(x):
    """The integer hash of bench/readline.c (rl_mix): the same text on both sides."""
    x &= 0xFFFFFFFF
    x ^= x >> 16
    x = (x * 0x7FEB352D) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x846CA68B) & 0xFFFFFFFF
    x ^= x >> 16
    return x


def loopback_pair():
    """A connected loopback TCP pair (blocking)."""
    with socket.socket() as lst:
        lst.bind(("127.0.0.1", 0))
        lst.listen()
        a = socket.create_connection(lst.getsockname())
        b, _ = lst.accept()
    return a, b


# ---- pingpong ----


def pingpong(n, timeout):
    a, b = loopback_pair()
    for s in (a, b):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.settimeout(timeout)

    def echo():
        recv, send = b.recv, b.send
        for _ in range(n):
            send(recv(1))

    t0 = time.perf_counter()
    t = threading.Thread(target=echo)
    t.start()
    recv, send, ping = a.recv, a.send, b"x"
    for _ in range(n):
        send(ping)
        if len(recv(1)) != 1:
            raise RuntimeError("pingpong: EOF")
    t1 = time.perf_counter()
    t.join()
    a.close()
    b.close()
    return n / (t1 - t0)


# ---- bulk ----


def bulk(total):
    a, b = loopback_pair()
    piece = b"b" * PIECE

    def sender():
        left = total
        while left > 0:
            k = min(left, PIECE)
            a.sendall(piece if k == PIECE else piece[:k])
            left -= k

    buf = bytearray(PIECE)
    got = 0
    t0 = time.perf_counter()
    t = threading.Thread(target=sender)
    t.start()
    recv_into = b.recv_into
    while got < total:
        n = recv_into(buf)
        if n == 0:
            raise RuntimeError("bulk: EOF")
        got += n
    t1 = time.perf_counter()
    t.join()
    a.close()
    b.close()
    return got / (t1 - t0) / 1e6


# ---- connect ----

LINGER0 = struct.pack("ii", 1, 0)


def connect_cycles(n):
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(128)
    addr = lst.getsockname()
    t0 = time.perf_counter()
    for _ in range(n):
        c = socket.socket()
        c.connect(addr)
        s, _ = lst.accept()
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
        c.close()
        s.close()
    t1 = time.perf_counter()
    lst.close()
    return n / (t1 - t0)


# ---- readline ----


def make_text(lines):
    base = bytes(33 + (k * 7) % 94 for k in range(256))
    parts = []
    for i in range(lines):
        h = mix(i)
        length = 40 + h % 41
        off = (h >> 8) % 128
        parts.append(base[off : off + length - 1] + b"\n")
    return b"".join(parts)


def readline(text, lines):
    a, b = loopback_pair()

    def writer():
        view = memoryview(text)
        for off in range(0, len(view), PIECE):
            a.sendall(view[off : off + PIECE])
        a.close()

    t0 = time.perf_counter()
    t = threading.Thread(target=writer)
    t.start()
    f = b.makefile("rb")
    readl = f.readline
    count = 0
    nbytes = 0
    while True:
        line = readl()
        if not line:
            break
        count += 1
        nbytes += len(line)
    t1 = time.perf_counter()
    t.join()
    f.close()
    b.close()
    if count != lines or nbytes != len(text):
        raise RuntimeError(f"readline: read {count} lines, {nbytes} bytes; sent {lines}, {len(text)}")
    return lines / (t1 - t0)


# ---- selector ----


class SelectorSet:
    """Idle connections held by a helper process (so that 10,000 fit the descriptor
    limit, as in bench/selector.c) and active loopback pairs in this process."""

    def __init__(self, idle, active):
        need = idle + 2 * active + 256
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < need:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))
            except (ValueError, OSError):
                pass
            soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
            if soft < need:
                idle = soft - 2 * active - 256
                print(f"(selector: the descriptor limit is {soft}: {idle} idle connections)")
        self.idle, self.active_n = idle, active
        lst = socket.socket()
        lst.bind(("127.0.0.1", 0))
        lst.listen(4096)
        addr = lst.getsockname()
        rfd, wfd = os.pipe()
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(wfd)
                held = [socket.create_connection(addr) for _ in range(idle)]
                os.read(rfd, 1)
                del held
            finally:
                os._exit(0)
        os.close(rfd)
        self.pid, self.hold = pid, wfd
        idles = [lst.accept()[0] for _ in range(idle)]
        lst.close()
        n = idle + active
        stride = n // active
        self.mine, self.active, self.peers = [], [], []
        it = iter(idles)
        for i in range(n):
            if i % stride == 0 and i // stride < active:
                a, b = loopback_pair()
                self.mine.append(a)
                self.active.append(a)
                self.peers.append(b)
            else:
                self.mine.append(next(it))

    def close(self):
        for s in self.mine + self.peers:
            s.close()
        os.close(self.hold)
        os.waitpid(self.pid, 0)


def selector_wait(sset, cls, waits):
    sel = cls()
    for s in sset.mine:
        sel.register(s, selectors.EVENT_READ)
    spent = 0.0
    want = len(sset.active)
    for _ in range(waits):
        for p in sset.peers:
            p.send(b"k")
        t0 = time.perf_counter()
        ready = sel.select(5.0)
        t1 = time.perf_counter()
        if len(ready) != want:
            raise RuntimeError(f"selector: {len(ready)} ready, want {want}")
        spent += t1 - t0
        for s in sset.active:
            s.recv(1)
    sel.close()
    return spent / waits * 1e6


# ---- CPUs ----


def cpu_times():
    """{cpu: (busy, total)} jiffies from /proc/stat (Linux), {} elsewhere."""
    out = {}
    try:
        with open("/proc/stat") as f:
            for line in f:
                parts = line.split()
                if parts[0].startswith("cpu") and parts[0] != "cpu":
                    v = [int(x) for x in parts[1:9]]
                    busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
                    out[int(parts[0][3:])] = (busy, busy + v[3] + v[4])
    except OSError:
        pass
    return out


def least_busy_cpu(allowed):
    """As bench/main.c: the allowed CPU least busy over half a second (ties: the highest)."""
    t0 = cpu_times()
    time.sleep(0.5)
    t1 = cpu_times()
    best, best_load = max(allowed), None
    for cpu in sorted(allowed, reverse=True):
        if cpu in t0 and cpu in t1 and t1[cpu][1] > t0[cpu][1]:
            load = (t1[cpu][0] - t0[cpu][0]) / (t1[cpu][1] - t0[cpu][1])
            if best_load is None or load < best_load - 0.05:
                best, best_load = cpu, load
    return best, best_load


# ---- rounds and the table ----

# (scenario, CPython variant, portsock variant, the raw C reference, higher is better)
PAIRS = [
    ("pingpong", "python timeout=None", "portsock blocking", "raw blocking", True),
    ("pingpong", "python timeout=5.0", "portsock timeout 5.0 (data ready)", "raw blocking", True),
    ("bulk", "python sendall / recv_into", "portsock ps_sendall / ps_recv", "raw send / recv", True),
    ("connect", "python socket/connect/accept/close", "portsock", "raw socket/connect/accept/close",
     True),
    ("readline", "python makefile('rb').readline()", "portsock ps_file_readline",
     "raw fgets on fdopen", True),
    # The most any line reader could reach: the same bytes received with no line work.
    ("readline", "python makefile('rb').readline()", "raw recv, no line work (the floor)",
     "raw fgets on fdopen", True),
    ("selector", "python DefaultSelector (epoll)", "portsock epoll backend", "raw epoll_wait", False),
    ("selector", "python PollSelector", "portsock poll backend", "raw poll + scan", False),
]

COMPARISONS = []  # lines of the final CPython-beside-portsock table


def c_round(bench, scenario, cpu, extra):
    """One round of the C benchmark's scenario in a process of its own, pinned to the
    same CPU: {variant: value}."""
    with tempfile.NamedTemporaryFile("r", suffix=".tsv") as t:
        cmd = [bench, "--scenario", scenario, "--rounds", "1", "--tsv", t.name] + extra
        cmd += ["--cpu", str(cpu)] if cpu is not None else ["--no-pin"]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        out = {}
        for line in t:
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "result":
                out[parts[2]] = float(parts[5])
        return out


def rounds(scenario, title, variants, r, warmup, tsv, bench=None, cpu=None, extra=()):
    """variants: (name, unit, fn(scale) -> value). Runs them in turn, round after round; with
    `bench` (the C benchmark), one round of its scenario follows each round, so that CPython
    and portsock alternate as raw and portsock do inside the C benchmark."""
    print(f"\n== {scenario}: {title}", flush=True)
    for _, _, fn in variants:
        fn(warmup)
    values = [[] for _ in variants]
    cvals = []
    for _ in range(r):
        for i, (_, _, fn) in enumerate(variants):
            values[i].append(fn(1.0))
        if bench:
            cvals.append(c_round(bench, scenario, cpu, list(extra)))
    print(f"  {'variant':<40} {'unit':<7} {'min':>11} {'median':>11} {'max':>11}")
    for (name, unit, _), vals in zip(variants, values):
        med = statistics.median(vals)
        print(f"  {name:<40} {unit:<7} {fmt(min(vals))} {fmt(med)} {fmt(max(vals))}")
        if tsv:
            tsv.write(f"result\t{scenario}\t{name}\t{unit}\t{min(vals):.6g}\t{med:.6g}\t{max(vals):.6g}\t\t0\n")
            tsv.flush()
    if not cvals:
        sys.stdout.flush()
        return
    for (name, unit, _), vals in zip(variants, values):
        for scen, pyname, psname, raw, higher in PAIRS:
            if scen != scenario or pyname != name or psname not in cvals[0]:
                continue
            ps = [c[psname] for c in cvals]
            speed = [(p / v if higher else v / p) for p, v in zip(ps, vals)]
            # The floor's row (raw C in the portsock column) says so in its name.
            shown = pyname if psname.startswith("portsock") else "  the floor: recv, no line work"
            line = (f"  {scen:<9} {shown:<36} {fmt(statistics.median(vals))} "
                    f"{fmt(statistics.median(ps))} {statistics.median(speed):7.2f}x")
            if raw in cvals[0]:
                rel = [(v / c[raw] if higher else c[raw] / v) for v, c in zip(vals, cvals)]
                line += f"  {statistics.median(rel):.3f} of {raw}"
            COMPARISONS.append(line + f" ({unit})")
            if tsv:
                tsv.write(f"ratio\t{scen}\t{psname}\t{pyname}\t{statistics.median(speed):.4f}\n")
    sys.stdout.flush()


def fmt(v):
    if v >= 1000:
        s = f"{v:.0f}"
    elif v >= 100:
        s = f"{v:.1f}"
    elif v >= 10:
        s = f"{v:.2f}"
    else:
        s = f"{v:.3f}"
    return f"{s:>11}"


def print_comparisons():
    print("\n== CPython beside portsock: one C-benchmark round after each CPython round, same CPU;")
    print("   speedup = median of the per-round ratios (how many times faster portsock is);")
    print("   CPython vs raw = speed ratio to the raw C reference of the same rounds")
    print(f"  {'scenario':<9} {'CPython variant':<36} {'CPython':>11} {'portsock':>11} {'speedup':>8}"
          f"  CPython vs raw")
    for line in COMPARISONS:
        print(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", action="append",
                    choices=["pingpong", "bulk", "connect", "readline", "selector"])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    ap.add_argument("--no-pin", action="store_true")
    ap.add_argument("--cpu", type=int, default=None, help="default: the least busy CPU allowed")
    ap.add_argument("--idle", type=int, default=None, help="selector: idle connections (10000)")
    ap.add_argument("--tsv", help="also write the results as tab-separated lines")
    ap.add_argument("--bench", metavar="EXE",
                    help="the C benchmark: alternate its rounds with CPython's, to compare")
    args = ap.parse_args()
    want = args.scenario or ["pingpong", "bulk", "connect", "readline", "selector"]
    r, q = args.rounds, args.quick
    tsv = open(args.tsv, "w") if args.tsv else None

    cpu, busy = None, None
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        if args.cpu is not None:
            cpu = args.cpu
        else:
            cpu, busy = least_busy_cpu(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})  # threads started later inherit it
    print(f"CPython {platform.python_version()} ({sys.executable}) benchmark - "
          f"{platform.system()} {platform.release()} {platform.machine()}")
    where = f" (the least busy: {100 * busy:.0f}% in the half second before)" if busy is not None else ""
    print((f"pinned: every thread on CPU {cpu}{where}" if cpu is not None else "not pinned")
          + f"; {r} rounds after a warm-up" + ("; --quick sizes" if q else ""))

    # The C benchmark takes the same sizes.
    cextra = (["--quick"] if q else []) + (["--idle", str(args.idle)] if args.idle is not None else [])
    if "pingpong" in want:
        n = 2000 if q else 30000
        rounds("pingpong", f"1-byte round trips over loopback TCP, TCP_NODELAY, {n} per sample", [
            ("python timeout=None", "rt/s", lambda s: pingpong(int(n * s), None)),
            ("python timeout=5.0", "rt/s", lambda s: pingpong(int(n * s), 5.0)),
        ], r, 0.25, tsv, args.bench, cpu, cextra)
    if "bulk" in want:
        total = (64 << 20) if q else (1 << 30)
        rounds("bulk", f"{total >> 20} MiB per sample over loopback TCP in 64 KiB pieces", [
            ("python sendall / recv_into", "MB/s", lambda s: bulk(int(total * s))),
        ], r, 0.125, tsv, args.bench, cpu, cextra)
    if "connect" in want:
        n = 500 if q else 5000
        rounds("connect", f"connect + accept + close cycles, one thread, {n} per sample", [
            ("python socket/connect/accept/close", "cyc/s", lambda s: connect_cycles(int(n * s))),
        ], r, 0.25, tsv, args.bench, cpu, cextra)
    if "readline" in want:
        lines = 200000 if q else 2000000
        text = make_text(lines)
        quarter = make_text(lines // 4)
        rounds("readline", f"{lines} lines of 40-80 bytes ({len(text) / 1e6:.1f} MB), read line by line", [
            ("python makefile('rb').readline()", "lines/s",
             lambda s: readline(text, lines) if s == 1.0 else readline(quarter, lines // 4)),
        ], r, 0.25, tsv, args.bench, cpu, cextra)
    if "selector" in want and hasattr(os, "fork"):
        idle = args.idle if args.idle is not None else (1000 if q else 10000)
        waits = 100 if q else 1000
        sset = SelectorSet(idle, 100)
        rounds("selector", f"one wait returning the 100 ready among {sset.idle + 100} registered "
               f"loopback TCP connections, {waits} waits per sample", [
                   ("python DefaultSelector (epoll)", "us/wait",
                    lambda s: selector_wait(sset, selectors.DefaultSelector, max(1, int(waits * s)))),
                   ("python PollSelector", "us/wait",
                    lambda s: selector_wait(sset, selectors.PollSelector, max(1, int(waits * s)))),
               ], r, 0.1, tsv, args.bench, cpu, cextra)
        sset.close()
    if tsv:
        tsv.close()
    if COMPARISONS:
        print_comparisons()


if __name__ == "__main__":
    main()
