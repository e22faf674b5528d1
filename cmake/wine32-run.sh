#!/usr/bin/env bash
# Runs a 32-bit Windows program under 32-bit Wine, quietly, with its exit code: wine-run.sh with
# a 32-bit loader.
#
#   wine32-run.sh [--prefix DIR] PROGRAM.exe [ARGS...]
#
# Used as CMAKE_CROSSCOMPILING_EMULATOR by cmake/mingw-w64-i686.cmake. The loader, first found:
#   $PORTSOCK_WINE32        a 32-bit `wine` given by hand
#   the private i386 Wine   $PORTSOCK_WINE32_ROOT, else build/wine32 of this source tree
#                           (scripts/fetch-wine32 makes it: Debian's wine32 and libwine, unpacked,
#                           never installed), with the host's 64-bit wine server; where the
#                           kernel runs no 32-bit code (IA-32 emulation off) it runs under
#                           qemu-i386, which is slow and crashes multi-threaded programs now and
#                           then (docs/platforms.md)
#   the host's `wine`       where it is a 32-bit capable Wine (wine32 installed, e.g. Ubuntu)
# The prefix is a 32-bit one (WINEARCH=win32), made on first use by wine-run.sh.
#
#   wine32-run.sh --mode    prints how 32-bit programs run here and exits: "native" (the
#                           private Wine's loader runs natively), "qemu" (it runs under
#                           qemu-i386), "given" ($PORTSOCK_WINE32), "host" (the host's wine),
#                           "none" (exit 127). scripts/windows-x86-cases reads it.
# PORTSOCK_WINE32_QEMU=1 takes the qemu-i386 path even where the kernel runs i386 code: how that
# path (the one of machines whose kernel has IA-32 emulation off) is tried on a machine that
# has it on (docs/platforms.md).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${PORTSOCK_WINE32_ROOT:-$here/../build/wine32}/root
export WINEARCH=win32
mode=none

if [[ -n ${PORTSOCK_WINE32:-} ]]; then
    mode=given
    export PORTSOCK_WINE=$PORTSOCK_WINE32
elif [[ -x $root/usr/lib/wine/wine ]]; then
    loader=$root/usr/lib/wine/wine
    for s in /usr/lib/wine/wineserver64 /usr/lib/wine/wineserver; do
        if [[ -x $s ]]; then
            export PORTSOCK_WINESERVER=$s WINESERVER=$s
            break
        fi
    done
    if [[ ${PORTSOCK_WINE32_QEMU:-0} != 1 ]] && /lib/ld-linux.so.2 --version >/dev/null 2>&1; then
        mode=native
        export PORTSOCK_WINE=$loader
    else
        # qemu-i386 runs the loader; Wine starts further processes (the test runner's
        # children) through WINELOADER, which must be a program the kernel can run.
        # WINELOADERNOEXEC=1: the loader does not exec itself again at its start (the
        # preloader step), which would leave qemu where the kernel runs i386 code.
        mode=qemu
        wrapper=$root/wine-qemu
        text=$(printf '#!/bin/sh\nWINELOADERNOEXEC=1 exec qemu-i386 -L / "%s" "$@"' "$loader")
        if [[ ! -x $wrapper || $(cat "$wrapper") != "$text" ]]; then
            printf '%s\n' "$text" >"$wrapper.tmp.$$" && chmod +x "$wrapper.tmp.$$" &&
                mv "$wrapper.tmp.$$" "$wrapper"
        fi
        export PORTSOCK_WINE=$wrapper WINELOADER=$wrapper
    fi
elif command -v wine >/dev/null 2>&1; then
    mode=host
    export PORTSOCK_WINE=wine
fi
if [[ ${1:-} == --mode ]]; then
    echo "$mode"
    [[ $mode != none ]]
    exit
fi
if [[ $mode == none ]]; then
    echo "${0##*/}: no 32-bit Wine: run scripts/fetch-wine32 (or set PORTSOCK_WINE32)" >&2
    exit 127
fi
# The private Wine's wineboot ends with status 53 although it wrote the prefix (what fails is
# a part that console programs never use): the prefix is made here, judged by its registry,
# under wine-run.sh's lock and with its marker, so that wine-run.sh finds it ready.
prefix=""
[[ $# -ge 2 && $1 == --prefix ]] && prefix=$2
prefix=${prefix:-${WINEPREFIX:-$HOME/.wine}}
[[ $prefix == /* ]] || prefix=$PWD/$prefix
if [[ ! -f $prefix/.portsock-ready ]]; then
    mkdir -p "$(dirname "$prefix")"
    (
        flock -w 300 9 || exit 1
        [[ -f $prefix/.portsock-ready ]] && exit 0
        export WINEPREFIX=$prefix WINEDEBUG=-all
        export WINEDLLOVERRIDES="mscoree,mshtml,winemenubuilder.exe="
        unset DISPLAY WAYLAND_DISPLAY
        timeout 300 "$PORTSOCK_WINE" wineboot -i </dev/null >"$prefix.log" 2>&1 9>&-
        timeout 120 "${PORTSOCK_WINESERVER:-wineserver}" -w >/dev/null 2>&1 9>&-
        if [[ ! -f $prefix/system.reg ]]; then
            echo "${0##*/}: creating the 32-bit Wine prefix $prefix failed:" >&2
            cat "$prefix.log" >&2
            exit 1
        fi
        touch "$prefix/.portsock-ready"
    ) 9>"$prefix.lock" || exit 1
fi
exec "$here/wine-run.sh" "$@"
