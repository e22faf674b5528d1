#!/usr/bin/env bash
# Runs a Windows program under Wine, quietly, with its exit code.
#
#   wine-run.sh [--prefix DIR] PROGRAM.exe [ARGS...]
#
# Used as CMAKE_CROSSCOMPILING_EMULATOR by cmake/mingw-w64-x86_64.cmake (so ctest runs every
# test through it) and by hand, e.g.
#   cmake/wine-run.sh --prefix build/windows-x64/wineprefix build/windows-x64/bin/echo_client.exe
#
# The prefix is DIR, else $WINEPREFIX, else ~/.wine. It is created once, headless and
# quietly (`wineboot -i`, output in DIR.log), under a lock so parallel tests don't race.
#
# Before the program runs, the wine server and Wine's background services are started with
# their output sent to /dev/null: the services inherit the standard output of whatever starts
# them, and a wine server first started inside a pipe (ctest capturing a test's output, or
# $(...)) makes the run hang. After that, piped runs are safe.
set -uo pipefail

prefix=""
if [[ $# -ge 2 && $1 == --prefix ]]; then
    prefix=$2
    shift 2
fi
if [[ $# -lt 1 ]]; then
    echo "usage: ${0##*/} [--prefix DIR] PROGRAM.exe [ARGS...]" >&2
    exit 2
fi
if [[ -z ${HOME:-} ]]; then
    HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
    export HOME=${HOME:-/tmp}
fi
prefix=${prefix:-${WINEPREFIX:-$HOME/.wine}}
[[ $prefix == /* ]] || prefix=$PWD/$prefix

export WINEPREFIX=$prefix
export WINEDEBUG=-all
# No Mono / Gecko install prompts, no desktop menu entries.
export WINEDLLOVERRIDES="mscoree,mshtml,winemenubuilder.exe="
# Never open windows (wineboot's progress dialog): tests are console programs.
unset DISPLAY WAYLAND_DISPLAY

# Debian's /usr/bin/wine picks wine64 when wine32 is missing (fine: our programs are x64).
wine=${PORTSOCK_WINE:-wine}
wineserver=${PORTSOCK_WINESERVER:-wineserver}
if ! command -v "$wine" >/dev/null 2>&1; then
    echo "${0##*/}: '$wine' not found (install Debian's wine and wine64)" >&2
    exit 127
fi

mkdir -p "$(dirname "$prefix")"
exec 9>"$prefix.lock"
if ! flock -w 300 9; then
    echo "${0##*/}: timed out waiting for the lock on $prefix" >&2
    exit 1
fi
# Fd 9 (the lock) is closed for every child: a wine server that inherited it would hold
# the lock for as long as it runs.
if [[ ! -f $prefix/.portsock-ready ]]; then
    if ! "$wine" wineboot -i </dev/null >"$prefix.log" 2>&1 9>&-; then
        echo "${0##*/}: creating the Wine prefix $prefix failed:" >&2
        cat "$prefix.log" >&2
        exit 1
    fi
    # wineboot returns before the prefix is written out; wait for the server to finish.
    "$wineserver" -w >/dev/null 2>&1 9>&-
    touch "$prefix/.portsock-ready"
fi
# Persistent for a minute after the last program: consecutive tests reuse it. A no-op when a
# server already runs for this prefix. Then warm up the services outside any pipe.
"$wineserver" -p60 </dev/null >/dev/null 2>&1 9>&-
"$wine" cmd /c exit </dev/null >/dev/null 2>&1 9>&-
exec 9>&-

exec "$wine" "$@"
