#!/bin/sh
# tests/golden.sh REFDEX COMMAND FILE.md EXPECTED — runs `refdex COMMAND` (lint,
# parse, fmt) on FILE.md (from its folder, so names in the output are as a user
# sees them) and compares the output and exit code with EXPECTED, whose last
# line is "exit N". When refdex refuses (exit 2 or more), what it says on
# stderr is kept too, as lines starting "2> ", before that last line. With
# RD_BLESS=1 in the environment it writes EXPECTED instead (read the diff
# before committing it).
set -u
refdex=$1 command=$2 md=$3 expected=$4
err=$(mktemp)
trap 'rm -f "$err"' EXIT
actual=$(
    cd "$(dirname "$md")" && "$refdex" "$command" "$(basename "$md")" 2>"$err"
    rc=$?
    [ "$rc" -lt 2 ] || sed 's/^/2> /' "$err"
    echo "exit $rc"
)
if [ "${RD_BLESS:-}" = 1 ]; then
    printf '%s\n' "$actual" > "$expected"
    echo "wrote $expected"
fi
if [ "$actual" = "$(cat "$expected")" ]; then
    echo "ok   $command $md matches $expected"
    echo "1 passed, 0 failed"
    exit 0
fi
echo "FAIL $command $md differs from $expected:"
printf '%s\n' "$actual" | diff -u "$expected" - || true
echo "0 passed, 1 failed"
exit 1
