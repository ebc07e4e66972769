# tests/lib.sh — what the shell tests share; sourced after they set REFDEX,
# CASE and (for the fixture) FIXTURE. A case is a function case_NAME, written
# once: tests/CMakeLists.txt makes a ctest test of each, and CASE=--list prints
# them. Each case runs in a fresh temporary folder, removed afterwards with any
# fixture server it started.
set -u
# RD_TEST_TIME_SCALE (a number above 0, default 1) multiplies every upper
# bound on wall time, for slow machines and sanitizer builds (see max_ms).
TIME_SCALE=${RD_TEST_TIME_SCALE:-1}
awk -v s="$TIME_SCALE" 'BEGIN { exit !(s ~ /^([0-9]+\.?[0-9]*|\.[0-9]+)$/ && s > 0 && s <= 1000) }' || {
    echo "RD_TEST_TIME_SCALE is a number above 0 (1, 2.5), not '$TIME_SCALE'" >&2
    exit 2
}
TESTS=$(cd "$(dirname "$0")" && pwd)
DATA=$TESTS/data
WORK=$(mktemp -d)
FIX_PID=
trap '[ -n "$FIX_PID" ] && kill "$FIX_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
failures=0 checks=0

fail() { failures=$((failures + 1)); echo "  FAIL: $*" >&2; }

# expect_exit CODE CMD...: runs CMD, keeps its stdout in out.txt, stderr in err.txt
expect_exit() {
    want=$1; shift
    checks=$((checks + 1))
    "$@" >out.txt 2>err.txt
    got=$?
    [ "$got" -eq "$want" ] || { fail "'$*' exited $got, expected $want"; sed 's/^/    /' err.txt out.txt >&2; }
}
# expect_in FILE TEXT: FILE holds the fixed string TEXT
expect_in() {
    checks=$((checks + 1))
    grep -qF -- "$2" "$1" || { fail "$1 lacks '$2'"; sed 's/^/    /' "$1" >&2; }
}
expect_not_in() {
    checks=$((checks + 1))
    ! grep -qF -- "$2" "$1" || fail "$1 has '$2'"
}

# start_fixture [--hosts N]: the fixture server on an ephemeral 127.0.0.1 port
# (with --hosts N, on 127.0.0.1 to 127.0.0.N, the same port; it stops
# by itself after two minutes in any case); sets PORT and BASE
start_fixture() {
    "$FIXTURE" --lifetime 120 "$@" > fixture.log &
    FIX_PID=$!
    for _ in $(seq 100); do [ -s fixture.log ] && break; sleep 0.05; done
    PORT=$(head -n 1 fixture.log)
    [ -n "$PORT" ] || { echo "the fixture server did not start" >&2; exit 1; }
    BASE="http://127.0.0.1:$PORT"
}

# sql QUERY: what QUERY gives on the case's refdex.db; expect_sql QUERY
# WANT: a check that it gives WANT
sql() { sqlite3 refdex.db "$1"; }
expect_sql() {
    checks=$((checks + 1))
    got=$(sql "$1")
    [ "$got" = "$2" ] || fail "$1 gave '$got', expected '$2'"
}

# requests PATH: how many requests the fixture saw for PATH
requests() { grep -c " $1\$" fixture.log; }

# max_ms MS: an upper bound on elapsed wall time, MS times RD_TEST_TIME_SCALE.
# Lower bounds (a deadline must not end a run early) are never scaled.
max_ms() { awk -v ms="$1" -v s="$TIME_SCALE" 'BEGIN { printf "%d\n", ms * s + 0.5 }'; }

# now_ms: milliseconds on the wall clock
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# list_cases: the name of every case_NAME function this script defines, read
# loosely (any indentation, spaces before the parentheses) so that one the
# stricter reader of tests/CMakeLists.txt misses shows up in registered.sh
list_cases() {
    sed -n 's/^[[:space:]]*case_\([A-Za-z0-9_]*\)[[:space:]]*().*/\1/p' "$TESTS/$(basename "$0")" |
        while read -r name; do
            command -v "case_$name" >/dev/null 2>&1 && echo "$name"
        done
}

# run_case NAME: runs case_NAME and prints the verdict ctest and CI read
run_case() {
    [ "$CASE" = --list ] && { list_cases; exit 0; }
    command -v "case_$CASE" >/dev/null 2>&1 || { echo "no case '$CASE'" >&2; exit 2; }
    "case_$CASE"
    if [ "$failures" -eq 0 ]; then
        echo "ok   $1 $CASE ($checks checks)"
        echo "1 passed, 0 failed"
        exit 0
    fi
    echo "FAIL $1 $CASE ($failures of $checks checks failed)"
    echo "0 passed, 1 failed"
    exit 1
}

# validate_sarif FILE: FILE is valid against the OASIS SARIF 2.1.0 schema
# shipped in tests/data (sarif-2.1/schema/sarif-schema-2.1.0.json of
# oasis-tcs/sarif-spec)
validate_sarif() {
    python3 - "$DATA/sarif-schema-2.1.0.json" "$1" <<'EOP'
import json, sys, jsonschema
schema, doc = (json.load(open(p)) for p in sys.argv[1:3])
jsonschema.Draft4Validator.check_schema(schema)
jsonschema.validate(doc, schema, cls=jsonschema.Draft4Validator)
EOP
}
# sarif_results FILE: "ruleId:level:line:col" of each result
sarif_results() {
    python3 -c '
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
print(" ".join("%s:%s:%d:%d" % (r["ruleId"], r["level"],
      r["locations"][0]["physicalLocation"]["region"]["startLine"],
      r["locations"][0]["physicalLocation"]["region"]["startColumn"])
      for r in run["results"] if rules[r["ruleIndex"]] == r["ruleId"]))' "$1"
}
