#!/usr/bin/env bash
# The test `psnc`: psnc against psnc on loopback, on the target being tested (both sides under
# Wine for the Windows build), checking what arrives and the exit codes a script relies on.
#
#   tests/psnc_test.sh WORKDIR PSNC [EMULATOR...]
#
#   TCP: psnc -l and psnc, one line each way, both exit 0
#   TCP over IPv6 (::1) the same, raw mode (-r) with binary data (skipped without IPv6)
#   UDP: psnc -u -l and psnc -u, one datagram each way, both exit 0 after -w of silence
#   -z: 0 on the listening port, 1 on the same port once closed; ranges and lists
#   exit codes: 3 for a listener nobody connects to within -w 1, 2 for a bad option
#   issue 18: the peer's EOF ends reading only (6 of 6 slow lines arrive); the default mode
#   moves binary data unchanged (0x1A, CR, LF; psnc.exe too); ports above 65535 are usage
#   errors; -k, -p, -s, -C, -N, -q, -i, -U; UDP to a closed port (exit 1 natively, 0 after
#   -w on Windows, which reports no refusal)
set -uo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: ${0##*/} WORKDIR PSNC [EMULATOR...]" >&2
    exit 2
fi
work=$1
psnc=$2
shift 2
emulator=("$@")
mkdir -p "$work"
cd "$work" || exit 1

failures=0
checks=0
pids=()
cleanup() {
    local pid
    for pid in ${pids[@]+"${pids[@]}"}; do
        kill "$pid" 2>/dev/null
    done
}
trap cleanup EXIT

ok() {
    checks=$((checks + 1))
    echo "ok: $*"
}
bad() {
    checks=$((checks + 1))
    failures=$((failures + 1))
    echo "FAIL: $*"
}
# run ARGS...: psnc (through the emulator), bounded in time where coreutils' timeout exists.
limit=()
command -v timeout >/dev/null 2>&1 && limit=(timeout 60)
run() {
    # (${a[@]+"${a[@]}"}: an empty array under set -u in macOS's bash 3.2 too.)
    ${limit[@]+"${limit[@]}"} ${emulator[@]+"${emulator[@]}"} "$psnc" "$@"
}
# Output without Windows' CRs.
text() {
    tr -d '\r' <"$1"
}

# start_server NAME ARGS...: psnc in the background with NAME.in as input; waits (bounded) for
# its "listening on ADDRESS" line and sets server_pid and port (empty when it failed).
start_server() {
    local name=$1 i
    shift
    [[ -f $name.in ]] || : >"$name.in"
    # Emptied here, not only by the background redirection: the loop below must never read a
    # port a previous run left in the file before the new server has truncated it.
    : >"$name.err"
    run "$@" <"$name.in" >"$name.out" 2>"$name.err" &
    server_pid=$!
    pids+=("$server_pid")
    port=
    for ((i = 0; i < 600; i++)); do
        port=$(text "$name.err" | sed -n 's/^psnc: listening on .*:\([0-9][0-9]*\) .*/\1/p' |
               head -n 1)
        [[ -n $port ]] && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "the server did not listen: psnc $*"
    text "$name.err"
    return 1
}

# wait_server NAME EXPECTED_RC
wait_server() {
    local rc
    wait "$server_pid"
    rc=$?
    expect_rc "$1: the server" $rc "$2" "$1.err"
}

# expect_rc WHAT GOT EXPECTED [ERRFILE]: an exit code.
expect_rc() {
    if [[ $2 -eq $3 ]]; then
        ok "$1: exit $2"
    else
        bad "$1: exit $2, not $3"
        [[ -n ${4:-} ]] && text "$4"
    fi
}

# expect_output WHAT FILE EXPECTED
expect_output() {
    local got
    got=$(text "$2")
    if [[ $got == "$3" ]]; then
        ok "$1: '$3' arrived"
    else
        bad "$1: expected '$3', got '$got'"
    fi
}

# exchange NAME [OPTIONS...] HOST: one line each way between psnc -l and psnc.
exchange() {
    local name=$1 host=${*: -1} rc
    local opts=("${@:2:$#-2}")
    [[ ${#opts[@]} -gt 0 ]] || opts=(-v)
    echo "== $name: psnc -l ${opts[*]} $host 0 <-> psnc ${opts[*]} $host PORT"
    printf 'hello from the %s server\n' "$name" >"$name-server.in"
    printf 'hello from the %s client\n' "$name" >"$name-client.in"
    if ! start_server "$name-server" -l -v -w 20 "${opts[@]}" "$host" 0; then
        bad "$name: no listener"
        return
    fi
    run -v -w 20 "${opts[@]}" "$host" "$port" <"$name-client.in" >"$name-client.out" \
        2>"$name-client.err"
    rc=$?
    expect_rc "$name: the client" $rc 0 "$name-client.err"
    wait_server "$name-server" 0
    expect_output "$name: client -> server" "$name-server.out" "hello from the $name client"
    expect_output "$name: server -> client" "$name-client.out" "hello from the $name server"
}

exchange tcp 127.0.0.1
# UDP has no end: the idle timeout ends both sides, and must outlast a slow Wine start.
exchange udp -u -w 5 127.0.0.1

echo "== tcp6 raw: psnc -6 -r over ::1 with binary data"
if start_server tcp6-server -l -v -6 -r -w 20 ::1 0; then
    # Every byte value, CR and LF included: raw mode must not translate anything.
    printf "$(printf '\\%03o' $(seq 0 255))" >tcp6-client.in
    run -6 -r -w 20 ::1 "$port" <tcp6-client.in >tcp6-client.out 2>tcp6-client.err
    rc=$?
    expect_rc "tcp6: the client" $rc 0 tcp6-client.err
    wait_server tcp6-server 0
    if cmp -s tcp6-client.in tcp6-server.out; then
        ok "tcp6: 256 byte values arrived unchanged"
    else
        bad "tcp6: the binary data changed on the way ($(wc -c <tcp6-server.out) bytes)"
    fi
elif text tcp6-server.err | grep -q 'EADDRNOTAVAIL\|EAFNOSUPPORT'; then
    echo "skip: no IPv6 loopback here"
else
    bad "tcp6: no listener"
fi

echo "== -z: probe a listening port, then the same port closed"
if start_server probe-server -l -v -w 20 127.0.0.1 0; then
    run -z -v -w 10 127.0.0.1 "$port" </dev/null >probe.out 2>probe.err
    rc=$?
    expect_rc "-z on an open port" $rc 0 probe.err
    wait_server probe-server 0
    run -z -v -w 10 127.0.0.1 "$port" </dev/null >probe.out 2>probe.err
    rc=$?
    expect_rc "-z on a closed port" $rc 1 probe.err
else
    bad "-z: no listener"
fi

echo "== exit codes"
run -l -w 1 127.0.0.1 0 </dev/null >/dev/null 2>timeout.err
rc=$?
expect_rc "a listener alone for -w 1" $rc 3 timeout.err
run -Q 127.0.0.1 1 </dev/null >/dev/null 2>usage.err
rc=$?
expect_rc "an unknown option" $rc 2 usage.err

# ---- issue 18 ----------------------------------------------------------------------------------

windows=0
[[ $psnc == *.exe ]] && windows=1

# slow_lines N: N lines, one every 0.8 s: a producer slower than the peer's EOF, with gaps
# longer than the 0.5 s for which psnc once kept reading its input after that EOF.
slow_lines() {
    local i
    for ((i = 1; i <= $1; i++)); do
        echo "chunk $i"
        sleep 0.8
    done
}

echo "== the peer's EOF ends reading only: a receiver that shuts down its side at once"
# The listener's input is empty: it shuts down its sending side at once and only receives.
if start_server halfclose-server -l -v -w 20 127.0.0.1 0; then
    slow_lines 4 | run -v -w 20 127.0.0.1 "$port" >halfclose-client.out 2>halfclose-client.err
    rc=$?
    expect_rc "half-close: the client" $rc 0 halfclose-client.err
    wait_server halfclose-server 0
    expect_output "half-close: 4 of 4 lines" halfclose-server.out "$(printf 'chunk %s\n' 1 2 3 4)"
else
    bad "half-close: no listener"
fi

echo "== binary data in the default mode (0x1A, CR, LF, every byte value), both ways"
{
    printf "$(printf '\\%03o' $(seq 0 255))"
    yes "$(printf 'ab\032\r\ncd\n\032')" | head -c 1048576
} >bin-client.in
tr 'a-z' 'A-Z' <bin-client.in >bin-server.in
if start_server bin-server -l -v -w 20 127.0.0.1 0; then
    run -w 20 127.0.0.1 "$port" <bin-client.in >bin-client.out 2>bin-client.err
    rc=$?
    expect_rc "binary: the client" $rc 0 bin-client.err
    wait_server bin-server 0
    for dir in client:server server:client; do
        from=${dir%:*} to=${dir#*:}
        if cmp -s "bin-$from.in" "bin-$to.out"; then
            ok "binary: $(wc -c <"bin-$from.in") bytes $from -> $to unchanged"
        else
            bad "binary: $from -> $to changed: $(wc -c <"bin-$from.in") bytes sent, " \
                "$(wc -c <"bin-$to.out") arrived"
        fi
    done
else
    bad "binary: no listener"
fi

echo "== ports above 65535 are usage errors"
run -l 127.0.0.1 131072 </dev/null >/dev/null 2>range.err
expect_rc "-l on port 131072" $? 2 range.err
run -z 127.0.0.1 65537 </dev/null >/dev/null 2>range.err
expect_rc "-z on port 65537" $? 2 range.err
run -z 127.0.0.1 20-65536 </dev/null >/dev/null 2>range.err
expect_rc "-z on ports 20-65536" $? 2 range.err
run -p 70000 127.0.0.1 1 </dev/null >/dev/null 2>range.err
expect_rc "-p 70000" $? 2 range.err
run -l -p 1 127.0.0.1 2 </dev/null >/dev/null 2>range.err
expect_rc "-l with -p PORT and PORT" $? 2 range.err
run -h </dev/null >/dev/null 2>help.err
expect_rc "-h" $? 0 help.err

echo "== -z with a range and a list"
# -k: each probe is a peer of its own; nobody comes within -w 5 after the last: exit 3.
if start_server zr-server -l -k -v -w 5 127.0.0.1 0; then
    open_port=$port
    run -z -v -w 10 127.0.0.1 "$((open_port - 2))-$open_port" </dev/null >zr.out 2>zr.err
    expect_rc "-z on a range holding the open port" $? 0 zr.err
    if [[ $(text zr.err | grep -c ' open$\| closed: ') -eq 3 ]] &&
        text zr.err | grep -q ":$open_port open\$"; then
        ok "-z -v: a line for each of 3 ports, $open_port open"
    else
        bad "-z -v: expected 3 lines, $open_port open: $(text zr.err)"
    fi
    run -z -v -w 10 127.0.0.1 "$open_port,$open_port" </dev/null >zr.out 2>zr.err
    expect_rc "-z on a list" $? 0 zr.err
    wait_server zr-server 3
    run -z -w 10 127.0.0.1 "$open_port,$open_port-$open_port" </dev/null >zr.out 2>zr.err
    expect_rc "-z on a list of closed ports" $? 1 zr.err
else
    bad "-z ranges: no listener"
fi

echo "== UDP to a port nobody listens on"
# open_port is closed now (its listener has ended). Linux reports ICMP port unreachable to a
# connected UDP socket (exit 1); Windows reports none to portsock's UDP sockets: exit 0 after -w.
printf 'anyone?\n' | run -u -v -w 2 127.0.0.1 "$open_port" >udp-closed.out 2>udp-closed.err
rc=$?
if [[ $windows -eq 1 ]]; then
    expect_rc "UDP to a closed port (Windows: no refusal reported)" $rc 0 udp-closed.err
else
    expect_rc "UDP to a closed port (refused)" $rc 1 udp-closed.err
fi

echo "== -k: one peer after another; -p PORT with -l; -N accepted"
if start_server keep-server -l -k -v -w 5 -p 0 127.0.0.1; then
    for i in 1 2; do
        echo "peer $i" | run -N -w 20 127.0.0.1 "$port" >keep-client$i.out 2>keep-client$i.err
        expect_rc "-k: peer $i" $? 0 keep-client$i.err
    done
    # Nobody comes within -w 5 after the second peer: exit 3.
    wait_server keep-server 3
    expect_output "-k: both peers' lines" keep-server.out "$(printf 'peer 1\npeer 2')"
else
    bad "-k: no listener"
fi

echo "== -s and -p: the source address and port"
if start_server src-server -l -v -w 20 127.0.0.1 0; then
    src_port=$((port + 1))
    [[ $src_port -le 65535 ]] || src_port=$((port - 1))
    echo source | run -s 127.0.0.2 -p "$src_port" -w 20 127.0.0.1 "$port" >src.out 2>src.err
    rc=$?
    if [[ $rc -eq 1 ]] && text src.err | grep -q 'EADDRINUSE\|EADDRNOTAVAIL'; then
        echo "skip: source 127.0.0.2:$src_port not available here: $(text src.err)"
        wait "$server_pid"
    else
        expect_rc "-s 127.0.0.2 -p $src_port" $rc 0 src.err
        wait_server src-server 0
        if text src-server.err | grep -q "connection from 127.0.0.2:$src_port\$"; then
            ok "-s/-p: the server saw 127.0.0.2:$src_port"
        else
            bad "-s/-p: the server saw $(text src-server.err | grep 'connection from')"
        fi
    fi
else
    bad "-s: no listener"
fi

echo "== -C: LF goes out as CRLF, a CR already there stays one"
if start_server crlf-server -l -v -w 20 127.0.0.1 0; then
    printf 'one\ntwo\r\nthree' | run -C -w 20 127.0.0.1 "$port" >crlf.out 2>crlf.err
    expect_rc "-C: the client" $? 0 crlf.err
    wait_server crlf-server 0
    if [[ $(od -An -c crlf-server.out | tr -s ' \n' ' ') == \
        "$(printf 'one\r\ntwo\r\nthree' | od -An -c | tr -s ' \n' ' ')" ]]; then
        ok "-C: 'one\\r\\ntwo\\r\\nthree' arrived"
    else
        bad "-C: got $(od -An -c crlf-server.out)"
    fi
else
    bad "-C: no listener"
fi

# A peer that keeps its side open: its input is a FIFO this script holds open on fd 3.
rm -f hold.fifo
if mkfifo hold.fifo 2>/dev/null; then
    echo "== -q: quit after the end of input, though the peer stays"
    : >q-server.err
    run -l -v -w 20 127.0.0.1 0 <hold.fifo >q-server.out 2>q-server.err &
    server_pid=$!
    pids+=("$server_pid")
    exec 3>hold.fifo
    port=
    for ((i = 0; i < 600; i++)); do
        port=$(text q-server.err | sed -n 's/^psnc: listening on .*:\([0-9][0-9]*\) .*/\1/p')
        [[ -n $port ]] && break
        sleep 0.1
    done
    start=$SECONDS
    echo bye | run -q 0.5 -v -w 20 127.0.0.1 "$port" >q-client.out 2>q-client.err
    rc=$?
    expect_rc "-q 0.5: the client" $rc 0 q-client.err
    if [[ $((SECONDS - start)) -lt 15 ]]; then
        ok "-q 0.5: the client ended in $((SECONDS - start)) s, before the server's -w 20"
    else
        bad "-q 0.5: the client took $((SECONDS - start)) s"
    fi

    echo "== -i: a time limit on silence (exit 3)"
    run -i 1 -v 127.0.0.1 "$port" <hold.fifo >i-client.out 2>i-client.err
    rc=$?
    expect_rc "-i 1 with nothing moving" $rc 3 i-client.err
    text i-client.err | grep -q '(-i)' && ok "-i: the message names -i" ||
        bad "-i: $(text i-client.err)"
    exec 3>&- # the server's input ends: it ends too
    wait_server q-server 0
    expect_output "-q: the server got the line" q-server.out "bye"
else
    echo "skip: -q and -i (no mkfifo here)"
fi

echo "== -U: a Unix stream socket"
sock=$PWD/psnc-test.sock
rm -f "$sock"
if [[ $windows -eq 1 ]]; then
    # Windows 10 1803+ has AF_UNIX; Wine 8 has none: either it works, or psnc says so.
    echo x | run -U -w 5 "psnc-test.sock" >unix.out 2>unix.err
    rc=$?
    if [[ $rc -eq 1 ]] && text unix.err | grep -q 'no Unix sockets\|ENOENT\|ECONNREFUSED'; then
        ok "-U on Windows: exit 1, '$(text unix.err)'"
    else
        bad "-U on Windows: exit $rc, $(text unix.err)"
    fi
else
    echo 'over unix' >unix-client.in
    echo 'unix reply' >unix-server.in
    : >unix-server.err
    run -lU -v -w 20 "$sock" <unix-server.in >unix-server.out 2>unix-server.err &
    server_pid=$!
    pids+=("$server_pid")
    for ((i = 0; i < 600; i++)); do
        text unix-server.err | grep -q 'listening on' && break
        sleep 0.1
    done
    run -U -w 20 "$sock" <unix-client.in >unix-client.out 2>unix-client.err
    expect_rc "-U: the client" $? 0 unix-client.err
    wait_server unix-server 0
    expect_output "-U: client -> server" unix-server.out "over unix"
    expect_output "-U: server -> client" unix-client.out "unix reply"
    [[ -e $sock ]] && bad "-U: the socket file was left behind" || ok "-U: socket file removed"
fi

echo
echo "psnc: $((checks - failures)) of $checks checks passed"
[[ $failures -eq 0 ]]
