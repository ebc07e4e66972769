#!/bin/sh
# tests/golden.sh REFDEX FILE.md EXPECTED — runs `refdex lint` on FILE.md (from
# its folder, so names in the output are as a user sees them) and compares the
# output and exit code with EXPECTED, whose last line is "exit N".
set -u
refdex=$1 md=$2 expected=$3
actual=$(cd "$(dirname "$md")" && "$refdex" lint "$(basename "$md")" 2>/dev/null; echo "exit $?")
if [ "$actual" = "$(cat "$expected")" ]; then
    echo "ok   lint $md matches $expected"
    echo "1 passed, 0 failed"
    exit 0
fi
echo "FAIL lint $md differs from $expected:"
printf '%s\n' "$actual" | diff -u "$expected" - || true
echo "0 passed, 1 failed"
exit 1
