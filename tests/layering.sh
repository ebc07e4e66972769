#!/bin/sh
# tests/layering.sh ROOT — every module includes only what docs/DESIGN.md's
# layering block lets it (data flows one way: a module never reaches "up").
# Prints each include that breaks it, with file and line.
set -u
root=${1:-.}
allowed=$(sed -n '/^```layering/,/^```$/p' "$root/docs/DESIGN.md" | grep -v '^```')
[ -n "$allowed" ] || { echo "FAIL no layering block in docs/DESIGN.md"; echo "0 passed, 1 failed"; exit 1; }
bad=0 seen=0
for dir in $(printf '%s\n' "$allowed" | cut -d: -f1); do
    ok=" $(printf '%s\n' "$allowed" | grep "^$dir:" | cut -d: -f2) $dir "
    for f in "$root/$dir"/*.c "$root/$dir"/*.h; do
        [ -f "$f" ] || continue
        seen=$((seen + 1))
        grep -n '#include "\.\./[a-z]*/' "$f" | while IFS= read -r line; do
            to=$(printf '%s' "$line" | sed 's/.*#include "\.\.\/\([a-z]*\)\/.*/\1/')
            case "$ok" in *" $to "*) ;; *) echo "FAIL $f:${line%%:*}: $dir may not include $to/";; esac
        done
    done
done > layering.out
bad=$(grep -c '^FAIL' layering.out)
cat layering.out
rm -f layering.out
if [ "$bad" -gt 0 ] || [ "$seen" -eq 0 ]; then
    echo "0 passed, 1 failed"
    exit 1
fi
echo "ok   layering: $seen files include only the modules below them"
echo "1 passed, 0 failed"
