#!/usr/bin/env python3
"""The test `examples`: the example servers under hostile peers (issue 18).

    examples_test.py CHAT_SERVER ECHO_SERVER [EMULATOR...]

  nul_lines     chat_server relays a line holding NUL bytes whole, then the next line, and
                ends a last line without a newline with one (every target)
  chat_starved  chat_server under a descriptor limit of 16 with 100 clients waiting: over 2 s
                its CPU time stays under 0.2 s and its log grows by at most 3 lines, an
                existing client still gets messages, and once clients leave it accepts again
                (POSIX: setrlimit in the child; skipped on Windows, which has no such limit)
  echo_starved  echo_server under a limit of 4 (not one client can be taken): the same bounds

Loopback only; every wait is bounded. Exit 0 when all ran and passed, 77 when all skipped.
"""
import os
import socket
import subprocess
import sys
import time

SCALE = float(os.environ.get("PS_TEST_TIME_SCALE", "1") or 1)
WAIT = 60 * SCALE  # the bound on any wait for something that should come at once

checks = failures = skipped = ran = 0


def ok(what):
    global checks
    checks += 1
    print("ok: " + what, flush=True)


def bad(what):
    global checks, failures
    checks += 1
    failures += 1
    print("FAIL: " + what, flush=True)


def expect(cond, what, detail=""):
    if cond:
        ok(what)
    else:
        bad(what + (": " + detail if detail else ""))
    return cond


class Server:
    """A server process writing to log files; its "listening on ADDRESS" line gives the port."""

    def __init__(self, name, argv, nofile=None):
        self.name = name
        self.out = open(name + ".out", "w+b")
        self.err = open(name + ".err", "w+b")
        pre = None
        if nofile is not None:
            import resource

            def pre():
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=self.err, preexec_fn=pre)
        line = self.wait_for(b"listening on ", WAIT)
        if line is None:
            raise RuntimeError("%s did not listen: %r" % (name, self.text(self.err)))
        self.port = int(line.rsplit(b":", 1)[1])

    @staticmethod
    def text(f):
        f.flush()
        with open(f.name, "rb") as g:
            return g.read().replace(b"\r", b"")

    def wait_for(self, prefix, seconds, f=None):
        """The first line of f (stdout) starting with prefix, waiting up to seconds."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for line in self.text(f or self.out).splitlines():
                if line.startswith(prefix):
                    return line
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            return self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def cpu_seconds(self):
        """User + system CPU time so far (Linux /proc), or None."""
        try:
            with open("/proc/%d/stat" % self.proc.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None


class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        self.name = "%s:%d" % self.sock.getsockname()[:2]
        self.buf = b""

    def line(self, seconds=WAIT):
        """The next line received (bytes, with its newline), or None."""
        end = time.monotonic() + seconds
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not data:
                return None
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line + b"\n"

    def line_starting(self, prefix, seconds=WAIT):
        """Skips other lines (joins, leaves) until one starts with prefix."""
        end = time.monotonic() + seconds
        while True:
            line = self.line(max(0.0, end - time.monotonic()))
            if line is None or line.startswith(prefix):
                return line

    def close(self):
        self.sock.close()


def nul_lines(chat, emulator):
    srv = Server("nul", emulator + [chat, "--count", "2", "127.0.0.1:0"])
    a = Client(srv.port)
    expect(a.line() is not None, "nul: the first client is welcomed")
    b = Client(srv.port)
    expect(b.line() is not None, "nul: the second client is welcomed")
    expect(a.line_starting(b"* " + b.name.encode() + b" joined") is not None,
           "nul: the first hears that the second joined")
    a.sock.sendall(b"ab\x00cd\n" + b"next\n" + b"no newline")
    a.sock.shutdown(socket.SHUT_WR)
    tag = b"[" + a.name.encode() + b"] "
    want = [tag + b"ab\x00cd\n", tag + b"next\n", tag + b"no newline\n"]
    got = [b.line() for _ in want]
    expect(got == want, "nul: the lines arrive whole, NUL included, each ending in a newline",
           "got %r" % got)
    expect(b.line_starting(b"* " + a.name.encode() + b" left") is not None,
           "nul: the second hears that the first left")
    a.close()
    b.close()
    try:
        rc = srv.proc.wait(WAIT)
    except subprocess.TimeoutExpired:
        rc = srv.stop()
    expect(rc == 0, "nul: the server ends by itself (--count 2) with status 0",
           "status %r, %r" % (rc, srv.text(srv.err)))


def accept_lines(srv):
    return [l for l in srv.text(srv.err).splitlines() if b"accept" in l]


def starved_window(srv, label):
    """Over 2 s of clients it cannot take: its CPU time and its log."""
    cpu0, log0 = srv.cpu_seconds(), len(srv.text(srv.err).splitlines())
    time.sleep(2.0)  # the measuring window itself, not a wait for something
    cpu1, log1 = srv.cpu_seconds(), len(srv.text(srv.err).splitlines())
    if cpu0 is None or cpu1 is None:
        print("note: no /proc here: the CPU time is not measured", flush=True)
    else:
        expect(cpu1 - cpu0 < 0.2, "%s: CPU time over 2 s is %.3f s (< 0.2 s)"
               % (label, cpu1 - cpu0))
    expect(log1 - log0 <= 3, "%s: the log grew by %d lines over 2 s (<= 3)"
           % (label, log1 - log0), repr(srv.text(srv.err)[-400:]))


def chat_starved(chat, emulator):
    srv = Server("chat-starved", emulator + [chat, "127.0.0.1:0"], nofile=16)
    try:
        a = Client(srv.port)
        a.line()
        b = Client(srv.port)
        b.line()
        extra = []
        for _ in range(100):
            extra.append(Client(srv.port))  # the listen queue holds those the server cannot take
        said = srv.wait_for(b"chat_server: accept:", WAIT, srv.err)
        expect(said is not None, "chat-starved: the server says it is out of descriptors",
               repr(srv.text(srv.err)[-300:]))
        starved_window(srv, "chat-starved")
        a.sock.sendall(b"still here\n")
        got = b.line_starting(b"[" + a.name.encode() + b"]")
        expect(got == b"[" + a.name.encode() + b"] still here\n",
               "chat-starved: an existing client still gets messages", repr(got))
        for c in extra:
            c.close()
        expect(srv.wait_for(b"accepting again", WAIT) is not None,
               "chat-starved: once clients leave, the server accepts again")
        c = Client(srv.port)
        expect(c.line_starting(b"* welcome") is not None, "chat-starved: a new client is welcomed")
        c.close()
        a.close()
        b.close()
    finally:
        rc = srv.stop()
    expect(rc == 0, "chat-starved: SIGTERM ends it with status 0", "status %r" % rc)


def echo_starved(echo, emulator):
    srv = Server("echo-starved", emulator + [echo, "127.0.0.1:0"], nofile=4)
    try:
        c = Client(srv.port)
        said = srv.wait_for(b"echo_server: accept:", WAIT, srv.err)
        expect(said is not None, "echo-starved: the server says it is out of descriptors",
               repr(srv.text(srv.err)[-300:]))
        starved_window(srv, "echo-starved")
        c.close()
        starved_window(srv, "echo-starved, the client gone")
    finally:
        rc = srv.stop()
    expect(rc == 0, "echo-starved: SIGTERM ends it with status 0", "status %r" % rc)


def main():
    global skipped, ran
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    chat, echo, emulator = sys.argv[1], sys.argv[2], sys.argv[3:]
    windows = chat.endswith(".exe")
    ran += 1
    print("== nul_lines", flush=True)
    nul_lines(chat, emulator)
    for name, fn, prog in (("chat_starved", chat_starved, chat),
                           ("echo_starved", echo_starved, echo)):
        print("== " + name, flush=True)
        if windows or os.name != "posix":
            print("skip: Windows has no per-process descriptor limit to set (sockets are "
                  "handles, limited by memory)", flush=True)
            skipped += 1
            continue
        ran += 1
        fn(prog, emulator)
    print("\nexamples: %d of %d checks passed (%d skipped)" % (checks - failures, checks,
                                                               skipped), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
