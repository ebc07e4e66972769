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

# Three runs: a 403 broken, accepted, broken again (flaky); a 404 always
# broken (a sub-entry); a page always ok; a moved link; a link-less entry.
# Run N's checks are then dated 2026-01-0N.
flipping_runs() {
    start_fixture
    printf '## x\n- [good](%s/ok/a)\n  - [gone sub](%s/status/404)\n- [flip](%s/status/403)\n- [moved](%s/chain/2)\n- [nolink]\n\n## y\n- [later](%s/ok/later)\n' \
        "$BASE" "$BASE" "$BASE" "$BASE" "$BASE" > c.md
    expect_exit 0 "$REFDEX" ingest c.md
    expect_exit 0 "$REFDEX" query --status unchecked --format tsv
    checks=$((checks + 1))
    [ "$(sed 1d out.txt | cut -f 3 | tr '\n' ' ')" = "good gone sub flip moved later " ] ||
        fail "before any check, every link is unchecked: $(cat out.txt)"
    expect_exit 1 "$REFDEX" check c.md --allow-private --exclude /later
    expect_exit 1 "$REFDEX" check c.md --allow-private --exclude /later --accept 200..299,403
    expect_exit 1 "$REFDEX" check c.md --allow-private --exclude /later
    sqlite3 refdex.db "UPDATE checks SET checked_at = '2026-01-0' || run_id || 'T12:00:00.000Z'"
}

# names STATUS [OPTIONS...]: the names query --status STATUS lists, in order
names() {
    s=$1; shift
    "$REFDEX" query --status "$s" --format tsv "$@" 2>err.txt | sed 1d | cut -f 3 | tr '\n' ' '
}

expect_names() {
    checks=$((checks + 1))
    want=$1; shift
    got=$(names "$@")
    [ "$got" = "$want" ] || fail "query --status $*: '$got', expected '$want'"
}

case_query_status() {
    flipping_runs
    expect_names "good " ok
    expect_names "gone sub flip " broken
    expect_names "moved " redirect
    expect_names "flip " flaky
    expect_names "later " unchecked
    expect_names "" timeout
    # with a category, and as JSON: a sub-entry kept without its entry is a result
    expect_names "gone sub " broken --category x --search gone
    expect_exit 0 "$REFDEX" query --status broken --format json
    checks=$((checks + 1))
    got=$(sqlite3 :memory: "SELECT group_concat(json_extract(value, '\$.name') || ':' ||
          json_extract(value, '\$.status'), ' ') FROM json_each(readfile('out.txt'))")
    [ "$got" = "gone sub:broken flip:broken" ] || fail "query --status broken --format json: $got"
    expect_exit 0 "$REFDEX" query --status ok
    expect_in out.txt "  good  ok      $BASE/ok/a"
    expect_in err.txt "1 entries"
    expect_exit 2 "$REFDEX" query --status gone
    expect_in err.txt "--status is ok, redirect, broken, flaky, timeout, ratelimited or unchecked, not 'gone'"
}

case_query_since() {
    flipping_runs
    # flip is broken since run 3, gone sub since run 1
    expect_names "gone sub flip " broken --since 2026-01-01
    expect_names "flip " broken --since 2026-01-02
    expect_names "flip " broken --since 2026-01-03T12:00:00Z
    expect_names "" broken --since 2026-01-03T12:00:01
    expect_names "good " ok --since 2026-01-01
    expect_names "" ok --since 2026-01-02
    # a link never checked: since it joined the catalog (today's ingest)
    expect_names "later " unchecked --since 1h
    expect_names "" unchecked --since 2999-01-01
    # without --status: every entry whose status began then
    expect_exit 0 "$REFDEX" query --since 2026-01-02 --format tsv
    checks=$((checks + 1))
    [ "$(sed 1d out.txt | cut -f 3 | tr '\n' ' ')" = "flip later " ] ||
        fail "query --since 2026-01-02: $(cat out.txt)"
    for bad in 2026-13-01 2026-1-1 yesterday 2026-01-01T25:00:00 2026-01-01T10:00; do
        expect_exit 2 "$REFDEX" query --since "$bad"
        expect_in err.txt "--since takes a date (2026-11-01)"
    done
    expect_exit 2 "$REFDEX" categories --since 7d
}

# keeps COUNT NAME: history shows COUNT checks of NAME
keeps() {
    expect_exit 0 "$REFDEX" history "$2"
    expect_in err.txt "$1 checks"
}

case_prune() {
    start_fixture
    printf '## x\n- [good](%s/ok/a)\n- [gone](%s/status/404)\n' "$BASE" "$BASE" > c.md
    expect_exit 1 "$REFDEX" check c.md --allow-private
    for _ in 1 2 3; do expect_exit 1 "$REFDEX" check c.md --allow-private --max-age 1h; done
    keeps 4 good
    keeps 4 gone
    expect_exit 0 "$REFDEX" prune --keep 2
    expect_in err.txt "refdex.db: removed 3 checks of 2 links; 5 kept"
    # good's two cache hits keep the check they reused: history still says of what
    keeps 3 good
    expect_in out.txt "reused ok of 20"
    expect_in out.txt "    ok "
    keeps 2 gone
    checks=$((checks + 1))
    [ -z "$(sqlite3 refdex.db 'PRAGMA foreign_key_check')" ] || fail "prune left a dangling cached_from"
    # the latest checks are not conclusive: the status stays all the same
    expect_exit 1 "$REFDEX" check c.md --allow-private --exclude /ok/
    expect_exit 0 "$REFDEX" prune --keep 1
    keeps 2 good
    expect_in out.txt "* excluded"
    expect_exit 0 "$REFDEX" query --status ok --format tsv
    expect_in out.txt "	good	$BASE/ok/a	ok	"
    keeps 1 gone
    expect_exit 1 "$REFDEX" report c.md
    expect_in out.txt "2 links: 0 ok, 1 broken, 1 excluded"
    # a kept cache hit whose check is no longer the status keeps it too
    printf '## z\n- [zed](%s/ok/z)\n' "$BASE" > z.md
    expect_exit 0 "$REFDEX" check z.md --allow-private --db z.db
    expect_exit 0 "$REFDEX" check z.md --allow-private --db z.db --max-age 1h
    expect_exit 0 "$REFDEX" check z.md --allow-private --db z.db
    expect_exit 0 "$REFDEX" prune --keep 2 --db z.db
    expect_in err.txt "removed 0 checks of 0 links; 3 kept"
    checks=$((checks + 1))
    [ -z "$(sqlite3 z.db 'PRAGMA foreign_key_check')" ] || fail "prune left a dangling cached_from"
    # bad usage changes nothing and makes no database
    expect_exit 2 "$REFDEX" prune --keep 0
    expect_in err.txt "--keep takes a whole number from 1"
    expect_exit 2 "$REFDEX" prune
    expect_in err.txt "prune needs --keep N"
    expect_exit 2 "$REFDEX" prune --keep 1 --db none.db
    checks=$((checks + 1))
    [ ! -e none.db ] || fail "prune made a database"
}

case_prune_vacuum() {
    start_fixture
    { echo '## x'; for i in $(seq 400); do echo "- [p$i]($BASE/ok/$i) - a page"; done; } > c.md
    for _ in 1 2 3; do expect_exit 0 "$REFDEX" check c.md --allow-private; done
    expect_exit 0 "$REFDEX" prune --keep 1
    expect_in err.txt "removed 800 checks of 400 links; 400 kept"
    free=$(sqlite3 refdex.db 'PRAGMA freelist_count')
    size=$(wc -c < refdex.db)
    checks=$((checks + 1))
    [ "$free" -gt 0 ] || fail "removing 800 checks freed no page"
    expect_exit 0 "$REFDEX" prune --keep 1 --vacuum
    expect_in err.txt "removed 0 checks of 0 links; 400 kept"
    checks=$((checks + 1))
    [ "$(sqlite3 refdex.db 'PRAGMA freelist_count')" -eq 0 ] && [ "$(wc -c < refdex.db)" -lt "$size" ] ||
        fail "--vacuum left $(sqlite3 refdex.db 'PRAGMA freelist_count') free pages, $(wc -c < refdex.db) bytes of $size"
}

case_failing_since() {
    start_fixture
    printf '## x\n- [gone](%s/status/404)\n- [page](%s/ok/a)\n' "$BASE" "$BASE" > c.md
    expect_exit 1 "$REFDEX" check c.md --allow-private
    expect_in out.txt "c.md:2:3: broken: gone $BASE/status/404 — HTTP 404"
    expect_not_in out.txt "failing since"
    expect_exit 0 "$REFDEX" check c.md --allow-private --accept 200..299,404
    expect_exit 1 "$REFDEX" check c.md --allow-private
    expect_exit 1 "$REFDEX" check c.md --allow-private
    sqlite3 refdex.db "UPDATE checks SET checked_at = '2026-01-0' || run_id || 'T12:00:00.000Z'"
    # runs 3 and 4 failed, run 2 passed: every format says since when
    expect_exit 1 "$REFDEX" report c.md
    expect_in out.txt "c.md:2:3: broken: gone $BASE/status/404 — HTTP 404; failing since 2026-01-03 (2 runs)"
    expect_exit 1 "$REFDEX" report c.md --format github
    expect_in out.txt "HTTP 404; failing since 2026-01-03 (2 runs)"
    expect_exit 1 "$REFDEX" report c.md --format markdown
    expect_in out.txt "| HTTP 404; failing since 2026-01-03 (2 runs) |"
    expect_exit 1 "$REFDEX" report c.md --format junit
    expect_in out.txt '<failure type="broken" message="HTTP 404">c.md:2:3: '
    expect_in out.txt "HTTP 404; failing since 2026-01-03 (2 runs)</failure>"
    expect_exit 1 "$REFDEX" report c.md --format json
    checks=$((checks + 1))
    got=$(sqlite3 :memory: "SELECT group_concat(json_extract(value, '\$.failing_runs') || ' ' ||
          coalesce(json_extract(value, '\$.failing_since'), '-'), ', ')
          FROM json_each(readfile('out.txt'))")
    [ "$got" = "2 2026-01-03T12:00:00.000Z, 0 -" ] || fail "report --format json: $got"
    # an earlier run's report counts up to that run
    expect_exit 1 "$REFDEX" report c.md --run 3
    expect_in out.txt "HTTP 404"
    expect_not_in out.txt "failing since"
    # and the page
    expect_exit 0 "$REFDEX" render c.md
    expect_in site/index.html '<span class="since">failing since 2026-01-03 (2 runs)</span>'
    checks=$((checks + 1))
    [ "$(grep -c 'failing since' site/index.html)" -eq 1 ] || fail "the page says it of a link that passes"
}

# A catalog of a link whose answer the test sets between runs (var-down: the
# status of /var/down) and a page always ok.
down_catalog() {
    start_fixture
    printf '## x\n- [down](%s/var/down)\n- [page](%s/ok/a)\n' "$BASE" "$BASE" > c.md
}

# runs_exit K WANT...: a check with --fail-after K for each status of
# /var/down in turn (written before the run) and the exit WANT... after it:
# "404:0 404:1" is a 404 exiting 0, then a 404 exiting 1
runs_exit() {
    k=$1; shift
    for step in "$@"; do
        echo "${step%%:*}" > var-down
        expect_exit "${step#*:}" "$REFDEX" check c.md --allow-private --fail-after "$k" --db "k$k.db"
    done
}

case_fail_after() {
    down_catalog
    # K=1 (the default): a failure fails the run at once, as without the option
    runs_exit 1 404:1 200:0 404:1
    echo 404 > var-down
    expect_exit 1 "$REFDEX" check c.md --allow-private --db default.db
    # K=2: the first failure is flaky (a warning), the second in a row fails,
    # a pass starts the count again
    runs_exit 2 404:0
    expect_in out.txt "c.md:2:3: flaky: down $BASE/var/down — HTTP 404; broken in 1 run in a row; fails the check after 2"
    expect_in out.txt "2 links: 1 ok, 1 broken in "
    expect_in out.txt "; 1 flaky (a warning, not failing the check)"
    runs_exit 2 410:1
    expect_in out.txt "c.md:2:3: broken: down $BASE/var/down — HTTP 410; failing since "
    expect_not_in out.txt "flaky"
    runs_exit 2 200:0 404:0 404:1 404:1
    # K=3: two failing runs are flaky, the third fails; a timeout-free 5xx too
    runs_exit 3 404:0 404:0 404:1 200:0 404:0
    expect_in out.txt "fails the check after 3"
    # the verdict is stored with the run: report says what check said
    expect_exit 0 "$REFDEX" report c.md --db k3.db
    expect_in out.txt "flaky: down"
    expect_exit 1 "$REFDEX" report c.md --db k3.db --run 3
    expect_in out.txt "broken: down"
    # and --strict does not make a flaky link fail (--fail-after is the tolerance asked for)
    expect_exit 0 "$REFDEX" report c.md --db k3.db --strict
    # bad values: exit 2, nothing checked
    expect_exit 2 "$REFDEX" check c.md --allow-private --fail-after 0 --db bad.db
    expect_in err.txt "--fail-after"
    expect_exit 2 "$REFDEX" check c.md --allow-private --fail-after x --db bad.db
    checks=$((checks + 1))
    [ ! -e bad.db ] || fail "a bad --fail-after made a database"
}

# --strict makes a timeout fail; --fail-after still says after how many runs.
case_fail_after_strict() {
    start_fixture
    printf '## x\n- [slow](%s/hang)\n' "$BASE" > c.md
    for k in 1 2; do
        expect_exit 0 "$REFDEX" check c.md --allow-private --timeout 300ms --db "s$k.db"
    done
    expect_exit 1 "$REFDEX" check c.md --allow-private --timeout 300ms --strict --db s1.db
    expect_in out.txt "timeout: slow"
    expect_exit 0 "$REFDEX" check c.md --allow-private --timeout 300ms --strict --fail-after 3 --db s2.db
    expect_in out.txt "flaky: slow $BASE/hang — "
    expect_in out.txt "timeout in 2 runs in a row; fails the check after 3"
    expect_exit 1 "$REFDEX" check c.md --allow-private --timeout 300ms --strict --fail-after 3 --db s2.db
    expect_in out.txt "timeout: slow"
    # without --strict a timeout fails nothing, however long it lasts
    expect_exit 0 "$REFDEX" check c.md --allow-private --timeout 300ms --fail-after 3 --db s2.db
    expect_not_in out.txt "flaky"
}

# report_all DB EXIT: the latest run of DB in every format, each to
# report.FORMAT, each exiting EXIT
report_all() {
    for f in text json junit github markdown; do
        expect_exit "$2" "$REFDEX" report c.md --db "$1" --format "$f" -o "report.$f"
    done
}

case_flaky_every_format() {
    down_catalog
    runs_exit 2 404:0
    report_all k2.db 0
    expect_in report.text "flaky: down $BASE/var/down — HTTP 404; broken in 1 run in a row"
    expect_in report.github "::warning file=c.md,line=2,col=3,title=flaky link::down: $BASE/var/down — HTTP 404; broken in 1 run"
    expect_not_in report.github "::error"
    expect_in report.markdown "| c.md:2:3 | down | $BASE/var/down | flaky | HTTP 404; broken in 1 run in a row; fails the check after 2 |"
    expect_in report.markdown "1 flaky: a warning, not failing the check."
    expect_in report.junit 'failures="0"'
    expect_in report.junit "<system-out>c.md:2:3: flaky: $BASE/var/down HTTP 404; broken in 1 run"
    expect_not_in report.junit "<failure"
    checks=$((checks + 1))
    got=$(sqlite3 :memory: "SELECT group_concat(json_extract(value, '\$.url') || ' ' ||
          coalesce(json_extract(value, '\$.verdict'), '-') || ' ' ||
          json_extract(value, '\$.fail_after'), ', ') FROM json_each(readfile('report.json'))")
    [ "$got" = "$BASE/var/down flaky 2, $BASE/ok/a - 2" ] || fail "report --format json: $got"
    # the second failure: an error in every format, and the exit code agrees
    runs_exit 2 404:1
    report_all k2.db 1
    expect_in report.text "broken: down"
    expect_in report.github "::error file=c.md,line=2,col=3,title=broken link::down"
    expect_in report.junit 'failures="1"'
    expect_in report.junit '<failure type="broken" message="HTTP 404">'
    expect_in report.markdown "| broken | HTTP 404; failing since "
    checks=$((checks + 1))
    got=$(sqlite3 :memory: "SELECT json_extract(value, '\$.verdict') FROM json_each(readfile('report.json'))
          WHERE json_extract(value, '\$.url') LIKE '%/var/down'")
    [ "$got" = "fail" ] || fail "report --format json: the verdict is '$got'"
}

case_alternating() {
    down_catalog
    # ok, broken, ok: K=1 fails the broken run; the ok after it is flaky
    runs_exit 1 200:0 404:1 200:0
    expect_in out.txt "flaky: down $BASE/var/down — ok now; passed and failed in turn over its latest checks"
    expect_in out.txt "; 1 flaky"
    # with K=2 a link that fails every other run never fails the check, and is flaky throughout
    runs_exit 2 200:0 404:0 200:0 500:0 200:0 404:0
    expect_in out.txt "flaky: down"
    # one change is not alternating: ok ok ok, then broken twice
    runs_exit 3 200:0 200:0 200:0
    expect_not_in out.txt "flaky"
    runs_exit 3 404:0
    expect_in out.txt "broken in 1 run in a row"
    # passes after it: flaky while the failure is among the latest 5
    # conclusive checks between passes (two changes), then the window forgets
    runs_exit 3 200:0 200:0 200:0
    expect_in out.txt "flaky: down $BASE/var/down — ok now"
    runs_exit 3 200:0
    expect_not_in out.txt "flaky"
    # query --status flaky names it while it alternates
    runs_exit 1 404:1 200:0
    expect_exit 0 "$REFDEX" query --status flaky --db k1.db --format tsv
    expect_in out.txt "	down	$BASE/var/down"
}

case_fail_after_config() {
    down_catalog
    printf '[check]\nfail-after = 2\nallow-private = true\n' > refdex.ini
    expect_exit 0 "$REFDEX" config c.md
    expect_in out.txt "fail-after = 2"
    expect_in out.txt "refdex.ini:2"
    echo 404 > var-down
    expect_exit 0 "$REFDEX" check c.md
    expect_in out.txt "flaky: down"
    expect_exit 1 "$REFDEX" check c.md
    # the flag wins over the file
    expect_exit 0 "$REFDEX" check c.md --fail-after 5
    expect_exit 0 "$REFDEX" config c.md --fail-after 5
    expect_in out.txt "fail-after = 5"
    expect_in out.txt "flag --fail-after"
    printf '[check]\nfail-after = none\n' > refdex.ini
    expect_exit 2 "$REFDEX" check c.md
    expect_in err.txt "refdex.ini:2: fail-after takes a whole number from 1 to 1000, not 'none'"
}

run_case history
