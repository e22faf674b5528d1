#!/usr/bin/env bash
# The test `psnc`: psnc against psnc on loopback, on the target being tested (both sides under
# Wine for the Windows build), checking what arrives and the exit codes a script relies on.
#
#   tests/psnc_test.sh WORKDIR PSNC [EMULATOR...]
#
#   TCP: psnc -l and psnc, one line each way, both exit 0
#   TCP over IPv6 (::1) the same, raw mode (-r) with binary data (skipped without IPv6)
#   UDP: psnc -u -l and psnc -u, one datagram each way, both exit 0 after -w of silence
#   -z: 0 on the listening port, 1 on the same port once closed
#   exit codes: 3 for a listener nobody connects to within -w 1, 2 for a bad option
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

echo
echo "psnc: $((checks - failures)) of $checks checks passed"
[[ $failures -eq 0 ]]
