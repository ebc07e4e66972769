#!/bin/sh
# tests/history.sh REFDEX FIXTURE CASE — a link's checks over time: `history`,
# against databases filled by real check runs on the fixture server
# (127.0.0.1 only).
REFDEX=$1
FIXTURE=$2
CASE=$3
. "$(dirname "$0")/lib.sh"

# Three runs of one catalog: 403 broken, then accepted (ok), then cached.
three_runs() {
    start_fixture
    printf '## x\n- [Guarded](%s/status/403)\n- [page](%s/ok/a)\n- [also](%s/ok/b)\n' \
        "$BASE" "$BASE" "$BASE" > c.md
    expect_exit 1 "$REFDEX" check c.md --allow-private
    expect_exit 0 "$REFDEX" check c.md --allow-private --accept 200..299,403
    expect_exit 0 "$REFDEX" check c.md --allow-private --max-age 1h --accept 200..299,403
}

case_newest_first() {
    three_runs
    expect_exit 0 "$REFDEX" history "$BASE/status/403"
    checks=$((checks + 1))
    got=$(sed -n '2,$p' out.txt | awk '{ print $2, $3 }' | tr '\n' ' ')
    [ "$got" = "* cached ok 403 broken 403 " ] || fail "history is not newest first: $(cat out.txt)"
    expect_in out.txt "$BASE/status/403"
    expect_in out.txt "HTTP 403"
    # a cache hit says which result it reused, and that it does not count
    expect_in out.txt "reused ok of 20"
    expect_in err.txt "3 checks; * does not count for the link's status"
}

case_by_name() {
    three_runs
    # an entry's name in any case, and the URL as written
    expect_exit 0 "$REFDEX" history guarded
    expect_in out.txt "$BASE/status/403"
    expect_in err.txt "3 checks"
    printf '## x\n- [Guarded](HTTP://127.0.0.1:%s/status/403)\n' "$PORT" > d.md
    expect_exit 0 "$REFDEX" ingest d.md --db d.db
    expect_exit 0 "$REFDEX" history "HTTP://127.0.0.1:$PORT/status/403" --db d.db
    expect_in out.txt "http://127.0.0.1:$PORT/status/403"
    expect_in out.txt "never checked"
    # a name two links share is refused with both, a name nothing has with why
    printf '## x\n- [twin](%s/ok/1)\n- [Twin](%s/ok/2)\n' "$BASE" "$BASE" > t.md
    expect_exit 0 "$REFDEX" ingest t.md --db t.db
    expect_exit 2 "$REFDEX" history twin --db t.db
    expect_in err.txt "'twin' names entries of several URLs: $BASE/ok/1, $BASE/ok/2; give the URL"
    expect_exit 2 "$REFDEX" history nothing-here
    expect_in err.txt "no URL and no entry named 'nothing-here'"
    expect_exit 2 "$REFDEX" history
    expect_exit 2 "$REFDEX" history guarded --format xml
    expect_exit 2 "$REFDEX" history guarded --db missing.db
}

case_kept_after_edit() {
    three_runs
    # the link leaves the catalog; its history stays, found by its URL
    printf '## x\n- [page](%s/ok/a)\n' "$BASE" > c.md
    expect_exit 0 "$REFDEX" ingest c.md
    expect_exit 0 "$REFDEX" history "$BASE/status/403"
    expect_in err.txt "3 checks"
    expect_exit 2 "$REFDEX" history guarded
}

case_formats() {
    three_runs
    expect_exit 0 "$REFDEX" history "$BASE/status/403" --format tsv
    expect_in out.txt "checked_at	result	status	elapsed_ms	conclusive	run	final_url	error"
    checks=$((checks + 1))
    got=$(sed -n '2,$p' out.txt | cut -f 2,3,5,6,8 | tr '\t\n' ' |')
    [ "$got" = "cached 403 0 3 |ok 403 1 2 |broken 403 1 1 HTTP 403|" ] || fail "history --format tsv: $got"
    expect_exit 0 "$REFDEX" history "$BASE/ok/b" --format json
    checks=$((checks + 1))
    got=$(sqlite3 :memory: "SELECT group_concat(json_extract(value, '\$.result') || ':' ||
          json_extract(value, '\$.conclusive') || ':' || coalesce(json_extract(value,
          '\$.cached_result'), '-') || ':' || json_extract(value, '\$.run'), ' ')
          FROM json_each(readfile('out.txt'))")
    [ "$got" = "cached:0:ok:3 ok:1:-:2 ok:1:-:1" ] || fail "history --format json: $got"
}

run_case history
