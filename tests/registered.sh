#!/bin/sh
# tests/registered.sh "NAMES" COMMAND... — fails unless COMMAND (a test
# program or script with --list) lists exactly NAMES, the cases ctest runs
# (tests/CMakeLists.txt reads them from the source). A case the list reader
# misses would otherwise never run, and say nothing.
set -u
want=$(printf '%s\n' $1 | sort)
shift
have=$("$@" --list | sort) || { echo "FAIL '$*' --list failed"; exit 1; }
missing=$(printf '%s\n' "$have" | grep -vxF -e "$want" -e '')
extra=$(printf '%s\n' "$want" | grep -vxF -e "$have" -e '')
if [ -z "$missing$extra" ] && [ -n "$have" ]; then
    echo "ok   '$*' lists $(printf '%s\n' "$have" | wc -l) cases, each a ctest test"
    exit 0
fi
[ -z "$missing" ] || printf 'FAIL defined, but not run by ctest (write the case as the others are):\n%s\n' "$missing"
[ -z "$extra" ] || printf 'FAIL run by ctest, but not defined:\n%s\n' "$extra"
[ -n "$have" ] || echo "FAIL '$*' --list printed no case"
exit 1
