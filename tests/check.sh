#!/bin/sh
# tests/check.sh REFDEX FIXTURE CASE — `refdex check` end to end against the
# fixture server on 127.0.0.1 (started here, stopped here, and stopping by
# itself after two minutes in any case). No other address is ever contacted.
REFDEX=$1
FIXTURE=$2
CASE=$3
. "$(dirname "$0")/lib.sh"

# A catalog over the fixture: line numbers matter to the expectations below.
write_catalog() {
    cat > catalog.md <<EOC
# Fixture

## good
- [page]($BASE/ok/page) - fine
- [moved for a while]($BASE/found)

## bad
- [gone]($BASE/status/404)
- [moved]($BASE/chain/2)
- [loop]($BASE/loop/a)
- [slow]($BASE/hang)
EOC
}

case_results() {
    start_fixture
    write_catalog
    expect_exit 1 "$REFDEX" check catalog.md --allow-private --timeout 1s
    expect_in out.txt "fixture/bad"
    expect_in out.txt "  catalog.md:8:3: broken: gone $BASE/status/404 — HTTP 404"
    expect_in out.txt "  catalog.md:9:3: redirect: moved $BASE/chain/2 — moved permanently to $BASE/chain/0"
    expect_in out.txt "  catalog.md:10:3: error: loop $BASE/loop/a — redirect loop"
    expect_in out.txt "  catalog.md:11:3: timeout: slow $BASE/hang — no answer within"
    expect_in out.txt "6 links: 2 ok, 1 redirect, 1 broken, 1 timeout, 1 error in"
    checks=$((checks + 1))
    [ ! -s err.txt ] || fail "stderr is not a terminal, yet: $(cat err.txt)"
    expect_sql "SELECT count(*) FROM runs WHERE outcome = 'completed'" 1
    expect_sql "SELECT result || ' ' || status_code || ' ' || redirects FROM checks k JOIN urls u ON u.id = k.url_id WHERE u.url LIKE '%/chain/2'" "redirect 200 2"
    expect_sql "SELECT title FROM checks k JOIN urls u ON u.id = k.url_id WHERE u.url LIKE '%/ok/page'" "Fixture page"
    # the health shows in queries
    expect_exit 0 "$REFDEX" query --category bad --format tsv
    expect_in out.txt "fixture/bad	0	gone	$BASE/status/404	broken	8	"
    # the page shows the health: broken with its code, the new URL of a move
    expect_exit 0 "$REFDEX" render catalog.md
    expect_in site/index.html '<span class="badge broken">broken 404</span>'
    expect_in site/index.html "<a class=\"moved\" href=\"$BASE/chain/0\">→ $BASE/chain/0</a>"
    expect_in site/index.html "6 links, 6 checked, 2 failing · last check 20"
    # without --allow-private, loopback is refused, and says how to allow it
    expect_exit 1 "$REFDEX" check catalog.md --timeout 1s
    expect_in out.txt "refused to connect to 127.0.0.1: a loopback address (allow with --allow-private)"
}

case_exit_codes() {
    start_fixture
    printf '## x\n- [a](%s/ok/a)\n- [b](%s/status/403)\n' "$BASE" "$BASE" > c.md
    expect_exit 1 "$REFDEX" check c.md --allow-private
    expect_exit 0 "$REFDEX" check c.md --allow-private --accept 200..299,403
    printf '## x\n- [a](%s/ok/a)\n- [slow](%s/hang)\n' "$BASE" "$BASE" > t.md
    expect_exit 0 "$REFDEX" check t.md --allow-private --timeout 500ms --db t.db
    expect_in out.txt "1 timeout"
    expect_exit 1 "$REFDEX" check t.md --allow-private --timeout 500ms --strict --db t.db
    for bad in "--timeout 5x" "--timeout 0" "--deadline soon" "--accept 99" "--concurrency 0" \
               "--method post" "--format xml" "--exclude (" "--max-bytes lots"; do
        # shellcheck disable=SC2086
        expect_exit 2 "$REFDEX" check t.md $bad
    done
    expect_in err.txt "--max-bytes takes a size"
    expect_exit 2 "$REFDEX" check missing.md
    # a bad pattern is refused before the catalog is read: no database made
    mkdir fresh
    cp c.md fresh/
    expect_exit 2 "$REFDEX" check fresh/c.md --include '(['
    expect_in err.txt "--include '([': not a regular expression"
    printf '[check]\nexclude = a(\n' > fresh/refdex.ini
    expect_exit 2 "$REFDEX" check fresh/c.md
    expect_in err.txt "refdex.ini:2: --exclude 'a(': not a regular expression"
    checks=$((checks + 1))
    [ ! -e fresh/refdex.db ] || fail "a refused pattern left a database behind"
}

case_formats() {
    start_fixture
    write_catalog
    expect_exit 1 "$REFDEX" check catalog.md --allow-private --timeout 1s --format json
    checks=$((checks + 1))
    [ "$(sqlite3 :memory: "SELECT json_array_length(readfile('out.txt')) || ' ' || (SELECT json_extract(value, '\$.entries[0].location') || ' ' || json_extract(value, '\$.status') FROM json_each(readfile('out.txt')) WHERE json_extract(value, '\$.result') = 'broken')")" = "6 catalog.md:8:3 404" ] ||
        fail "check --format json: $(cat out.txt)"
    expect_exit 1 "$REFDEX" check catalog.md --allow-private --timeout 1s --format junit -o report.xml
    checks=$((checks + 1))
    xmllint --noout report.xml || fail "report.xml is not well-formed XML"
    expect_in report.xml '<testsuite name="refdex links" tests="6" failures="2" errors="0" skipped="0"'
    expect_in report.xml '<failure type="broken" message="HTTP 404">catalog.md:8:3: '
    checks=$((checks + 1))
    [ "$(grep -c '<testcase ' report.xml)" -eq 6 ] || fail "not one testcase per link"
    expect_exit 1 "$REFDEX" check catalog.md --allow-private --timeout 1s --format github
    expect_in out.txt "::error file=catalog.md,line=8,col=3,title=broken link::gone: $BASE/status/404 — HTTP 404"
    expect_in out.txt "::warning file=catalog.md,line=11,col=3,title=timeout link::slow: "
    expect_exit 1 "$REFDEX" check catalog.md --allow-private --timeout 1s --format markdown
    expect_in out.txt "| result | links |"
    expect_in out.txt "| catalog.md:8:3 | gone | $BASE/status/404 | broken | HTTP 404; failing since 20"
}

case_cache_and_filters() {
    start_fixture
    printf '## x\n- [a](%s/count/a)\n- [b](%s/count/b)\n- [c](%s/ok/c)\n' "$BASE" "$BASE" "$BASE" > c.md
    expect_exit 0 "$REFDEX" check c.md --allow-private
    expect_exit 0 "$REFDEX" check c.md --allow-private --max-age 1h
    expect_in out.txt "3 links: 0 ok, 3 cached in"
    checks=$((checks + 1))
    [ "$(requests /count/a)" -eq 1 ] || fail "a cached URL was fetched again"
    expect_exit 0 "$REFDEX" check c.md --allow-private --max-age 1h --exclude '/count/' 
    expect_in out.txt "2 excluded"
    expect_exit 0 "$REFDEX" check c.md --allow-private --include '/count/b$'
    expect_in out.txt "1 ok, 2 excluded"
    checks=$((checks + 1))
    [ "$(requests /count/b)" -eq 2 ] && [ "$(requests /count/a)" -eq 1 ] ||
        fail "filters fetched what they should not: $(cat fixture.log)"
    # the same URL in two entries is fetched once, reported for both
    printf '## x\n- [a](%s/count/d)\n- [again](%s/count/d)\n' "$BASE" "$BASE" > d.md
    expect_exit 0 "$REFDEX" check d.md --allow-private --db d.db
    checks=$((checks + 1))
    [ "$(requests /count/d)" -eq 1 ] || fail "a URL used twice was fetched twice"
}

case_files_and_mail() {
    mkdir docs && echo hi > docs/there.md
    printf '## x\n- [there](docs/there.md#top)\n- [missing](docs/missing.md)\n- [mail](mailto:a@b.example)\n' > f.md
    expect_exit 1 "$REFDEX" check f.md
    expect_in out.txt "f.md:3:3: broken: missing docs/missing.md — no such file: docs/missing.md"
    expect_in out.txt "3 links: 2 ok, 1 broken in"
}

case_deadline() {
    start_fixture
    { echo '## x'; for i in $(seq 1 20); do echo "- [h$i]($BASE/hang?$i)"; done; } > h.md
    start=$(now_ms)
    expect_exit 0 "$REFDEX" check h.md --allow-private --deadline 1s --per-host 5
    took=$(($(now_ms) - start))
    checks=$((checks + 1))
    [ "$took" -ge 1000 ] && [ "$took" -lt "$(max_ms 2500)" ] || fail "--deadline 1s took $took ms"
    expect_in out.txt "20 links: 0 ok, 20 cancelled in"
    expect_sql "SELECT outcome FROM runs" "deadline"
    # five in flight at the deadline, fifteen that never started: one check
    # each, all cancelled, and the run one outcome
    expect_sql "SELECT count(*) FROM checks WHERE result = 'cancelled' AND error = 'the run''s deadline passed'" 5
    expect_sql "SELECT count(*) FROM checks WHERE result = 'cancelled' AND error = 'the run ended before this link was checked'" 15
    expect_sql "SELECT count(DISTINCT url_id) || ' ' || count(*) FROM checks" "20 20"
    # ten of the links the run ended before are listed, the rest counted in
    # one line (a million-link run would write a line for each)
    expect_exit 0 "$REFDEX" report h.md
    checks=$((checks + 1))
    [ "$(grep -c ': cancelled: h' out.txt)" -eq 10 ] || fail "not ten cancelled links listed"
    expect_in out.txt "… and 10 more entries whose links were not checked before the run ended (cancelled): raise --deadline, or split the run with --shard"
    expect_exit 0 "$REFDEX" report h.md --format github
    checks=$((checks + 1))
    [ "$(grep -c 'title=cancelled link::' out.txt)" -eq 10 ] || fail "not ten cancelled annotations"
    expect_in out.txt "::warning title=refdex links not checked::10 more entries whose links were not checked"
    expect_exit 0 "$REFDEX" report h.md --format markdown
    checks=$((checks + 1))
    [ "$(grep -c '| cancelled |' out.txt)" -eq 11 ] || fail "not ten cancelled rows (and the count)"
    expect_in out.txt "… and 10 more entries whose links were not checked"
    # JSON lists every link
    expect_exit 0 "$REFDEX" report h.md --format json
    expect_sql "SELECT 20" "$(grep -o '"result":"cancelled"' out.txt | wc -l)"
    expect_exit 1 "$REFDEX" check h.md --allow-private --deadline 1s --strict
}

# A Markdown report (a GitHub step summary, which takes 1 MiB at most) stops
# its table at 768 KiB and says how many rows it left out.
case_markdown_cap() {
    long=$(printf '%0300d' 0)
    { echo '## x'; for i in $(seq 1 3000); do echo "- [m$i](docs/missing-$i-$long.md)"; done; } > m.md
    expect_exit 1 "$REFDEX" check m.md --format markdown
    checks=$((checks + 1))
    size=$(wc -c < out.txt)
    [ "$size" -lt 1048576 ] && [ "$size" -gt 700000 ] || fail "a Markdown report of $size bytes"
    shown=$(grep -c '^| m.md:' out.txt)
    unshown=$(sed -n 's/^\([0-9]*\) more rows not shown: GitHub takes a step summary of 1 MiB at most\. The text or JSON report lists them all\.$/\1/p' out.txt)
    [ -n "$unshown" ] && [ $((shown + unshown)) -eq 3000 ] || fail "$shown rows shown and '$unshown' not, of 3000"
    expect_in out.txt "| broken | 3000 |"
}

# A host that answers 429 is paused as a whole, and the summary says how
# often a host was: the other host's links go through meanwhile.
case_rate_limited() {
    start_fixture
    { echo '## x'; for i in $(seq 1 10); do echo "- [t$i]($BASE/throttle/t?$i&s=1)"; done
      for i in $(seq 1 10); do echo "- [o$i](http://localhost:$PORT/ok/$i)"; done; } > t.md
    expect_exit 0 "$REFDEX" check t.md --allow-private --deadline 1500ms --per-host 2
    # two asked at 0 s (429: the host pauses 1 s), asked again at 1 s (429:
    # another second does not fit the run: rate limited); the other eight wait
    expect_in out.txt "20 links: 10 ok, 8 cancelled, 2 ratelimited in"
    expect_in out.txt "; rate-limited hosts paused 2 times"
    checks=$((checks + 1))
    hits=$(grep -c "^GET /throttle/t" fixture.log)
    [ "$hits" -le 4 ] || fail "the rate-limited host got $hits requests in 1.5 s"
}

# start_slow_check: refdex check in the background on 40 links of 300 ms, two
# at a time (6 s in all); sets pid
start_slow_check() {
    start_fixture
    { echo '## x'; for i in $(seq 1 40); do echo "- [s$i]($BASE/slow/300?$i)"; done; } > s.md
    "$REFDEX" check s.md --allow-private --per-host 2 > out.txt 2> err.txt &
    pid=$!
}

case_interrupt() {
    start_slow_check
    sleep 1.5
    kill -INT "$pid"
    wait "$pid"
    rc=$?
    checks=$((checks + 1))
    [ "$rc" -eq 130 ] || fail "SIGINT: exit $rc, expected 130"
    expect_in err.txt "interrupted; the results so far are saved in refdex.db"
    expect_sql "SELECT outcome FROM runs" "interrupted"
    # how many of the 2-at-a-time 300 ms links end by 1.5 s depends on the
    # machine (about 10); what must hold is that some did and not all
    expect_sql "SELECT count(*) >= 2 AND count(*) < 40 FROM checks WHERE result = 'ok'" 1
    expect_sql "SELECT count(*) FROM checks" 40
}

case_kill() {
    start_slow_check
    sleep 1.6
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    expect_sql "PRAGMA integrity_check" "ok"
    # 2 at a time, 300 ms each: by 1.6 s, about 10 were done and stored
    # (at least 4 even on a loaded machine)
    expect_sql "SELECT count(*) >= 4 FROM checks WHERE result = 'ok'" 1
    expect_sql "SELECT count(*) FROM runs WHERE finished_at IS NULL" 1
    # every link of the killed run has its check: those it never finished say so
    expect_sql "SELECT count(DISTINCT url_id) || ' ' || count(*) FROM checks" "40 40"
    expect_sql "SELECT count(*) = 40 - (SELECT count(*) FROM checks WHERE result = 'ok') FROM checks WHERE result = 'cancelled' AND error = 'the run ended before this link was checked'" 1
    # and the next run works on the same database
    expect_exit 0 "$REFDEX" check s.md --allow-private --per-host 20 --max-age 1h
    expect_in out.txt "40 links:"
}

case_network_down() {
    printf '## x\n- [a](http://127.0.0.1:1/a)\n- [b](http://127.0.0.2:1/b)\n' > n.md
    expect_exit 3 "$REFDEX" check n.md --allow-private --retries 0
    expect_in err.txt "the network looks unavailable: no server could be reached for any of the 2 web links (2 hosts); nothing was checked"
    expect_in out.txt "2 links: 0 ok, 2 error in"
    expect_not_in out.txt "127.0.0.1:1/a"
    printf '## x\n- [a](http://127.0.0.1:1/a)\n' > one.md
    expect_exit 1 "$REFDEX" check one.md --allow-private --retries 0 --db one.db
    expect_in out.txt "one.md:2:3: error: a http://127.0.0.1:1/a"
}

# A link's status is its latest conclusive check: a cache hit, an excluded
# link and a run that found no network never replace it, and every view
# (query, fix, the reports) says the same.
case_status_kept() {
    start_fixture
    printf '## x\n- [a](%s/ok/a)\n- [b](http://localhost:%s/ok/b)\n- [gone](%s/status/404)\n- [moved](%s/perm)\n' \
        "$BASE" "$PORT" "$BASE" "$BASE" > s.md
    expect_exit 1 "$REFDEX" check s.md --allow-private --retries 0
    # a cache hit reports what it reused, and fix still sees the redirect
    expect_exit 1 "$REFDEX" check s.md --allow-private --retries 0 --max-age 1d
    expect_in out.txt "s.md:5:3: redirect (cached): moved $BASE/perm — moved permanently to $BASE/ok/moved (as checked"
    expect_in out.txt "1 broken, 3 cached"
    expect_exit 0 "$REFDEX" query --format tsv
    expect_in out.txt "$(printf 'moved\t%s/perm\tredirect' "$BASE")"
    expect_exit 0 "$REFDEX" fix s.md --dry-run
    expect_in out.txt "s.md:5:3: $BASE/perm -> $BASE/ok/moved (moved permanently)"
    # excluded: the broken link stays broken
    expect_exit 0 "$REFDEX" check s.md --allow-private --exclude 'status/404|perm'
    expect_exit 0 "$REFDEX" query --format tsv
    expect_in out.txt "$(printf 'gone\t%s/status/404\tbroken' "$BASE")"
    # the servers stop: the run finds no network, says so in every format,
    # and the links keep what they were
    kill "$FIX_PID"; wait "$FIX_PID" 2>/dev/null; FIX_PID=
    expect_exit 3 "$REFDEX" check s.md --allow-private --retries 0 --format github
    expect_in out.txt "::warning title=refdex::the network looked unavailable"
    expect_not_in out.txt "::error"
    expect_exit 3 "$REFDEX" check s.md --allow-private --retries 0 --format json
    expect_in out.txt "[]"
    expect_exit 0 "$REFDEX" query --format tsv
    expect_in out.txt "$(printf 'a\t%s/ok/a\tok' "$BASE")"
    expect_in out.txt "$(printf 'gone\t%s/status/404\tbroken' "$BASE")"
    expect_not_in out.txt "	error	"
    checks=$((checks + 1))
    [ "$(sqlite3 refdex.db "SELECT outcome FROM runs ORDER BY id DESC LIMIT 1")" = offline ] ||
        fail "the last run is not marked offline"
}

# A run reports against the catalog it checked, even when the file is edited
# and ingested again while it runs.
case_report_snapshot() {
    start_fixture
    printf '## x\n- [gone](%s/status/404)\n- [slow](%s/slow/1500)\n' "$BASE" "$BASE" > r.md
    "$REFDEX" check r.md --allow-private > report.txt 2> report.err &
    pid=$!
    sleep 0.6
    printf '## x\n\n\n\n- [slow](%s/slow/1500)\n' "$BASE" > r.md
    "$REFDEX" ingest -q r.md || fail "ingest during the run failed"
    wait "$pid"
    rc=$?
    checks=$((checks + 1))
    [ "$rc" -eq 1 ] || fail "the run exited $rc, expected 1 (a broken link): $(cat report.err)"
    expect_in report.txt "r.md:2:3: broken: gone $BASE/status/404"
    expect_not_in report.txt ":0:0:"
}

# The address policy holds whatever the environment says: a proxy from
# http_proxy and the like is not used (it would hide the target's address), and
# AWS's IPv6 metadata address is refused even with --allow-private, tried in a
# network namespace of the test's own with that address on its loopback.
case_ssrf() {
    start_fixture
    printf '## x\n- [meta](http://169.254.169.254/latest/meta-data/)\n- [fine](%s/ok/fine)\n' "$BASE" > p.md
    expect_exit 1 env http_proxy="$BASE" HTTP_PROXY="$BASE" https_proxy="$BASE" ALL_PROXY="$BASE" \
        "$REFDEX" check p.md --allow-private --retries 0 --timeout 3s
    expect_in out.txt "169.254.169.254: a link-local address"
    expect_in out.txt "2 links: 1 ok, 1 error"
    printf '## x\n- [v6meta](http://[fd00:ec2::254]:9/latest/meta-data/)\n' > v6.md
    checks=$((checks + 1))
    unshare -n sh -c 'ip link set lo up && ip -6 addr add fd00:ec2::254/128 dev lo &&
        "$0" check v6.md --allow-private --retries 0 --timeout 3s --db v6.db' "$REFDEX" > v6.txt 2>&1
    grep -q "fd00:ec2::254: a cloud metadata" v6.txt ||
        fail "fd00:ec2::254 was not refused as cloud metadata: $(cat v6.txt)"
}

# Few open files allowed: concurrency is cut to fit and said, and no healthy
# link fails for want of a descriptor.
case_descriptors() {
    start_fixture
    { echo '## x'; for i in $(seq 1 300); do echo "- [l$i]($BASE/ok/$i)"; done; } > fd.md
    expect_exit 0 sh -c "ulimit -n 128 && ulimit -Hn 128 && exec '$REFDEX' check fd.md --allow-private --concurrency 4096"
    expect_in err.txt "would need more open files than the limit (128) allows; using 21"
    expect_in out.txt "300 links: 300 ok"
}

# Links the address policy refuses, on several hosts, are refusals, not a
# network that is down: reported as errors with the reason, exit 1.
case_refused_not_offline() {
    start_fixture
    printf '## x\n- [a](http://127.0.0.2:%s/ok/a)\n- [b](http://127.0.0.3:%s/ok/b)\n' "$PORT" "$PORT" > r.md
    expect_exit 1 "$REFDEX" check r.md --retries 0
    expect_in out.txt "refused to connect to 127.0.0.2: a loopback address (allow with --allow-private)"
    expect_not_in err.txt "network looks unavailable"
}

case_progress() {
    start_fixture
    { echo '## x'; for i in $(seq 1 6); do echo "- [s$i]($BASE/slow/200?$i)"; done; } > p.md
    # on a terminal (script(1) gives it one) a progress line is drawn on stderr
    checks=$((checks + 1))
    script -qec "'$REFDEX' check p.md --allow-private --per-host 1 -o report.txt" /dev/null > tty.txt 2>&1 ||
        fail "check under a terminal failed: $(cat tty.txt)"
    expect_in tty.txt "checked, 0 failing"
    expect_in tty.txt "/6 checked"
    expect_in report.txt "6 links: 6 ok"
}

# --header and --user-agent reach the server, a header goes to the link's own
# host only (not to another one it redirects to), and the header's value, a
# token, is in no file of the run: database, reports, site, -v output, errors.
case_headers_secret() {
    TOKEN="rdx-s3cret-$$-9f2c"
    export RD_FIXTURE_AUTH="Bearer $TOKEN"
    start_fixture --hosts 2
    printf '## x\n- [auth](%s/auth)\n- [here](%s/auth-here)\n- [away](%s/auth-elsewhere)\n- [agent](%s/ua/refdex-ci)\n' \
        "$BASE" "$BASE" "$BASE" "$BASE" > h.md
    expect_exit 1 "$REFDEX" check h.md --allow-private --retries 0 --timeout 3s
    expect_in out.txt "h.md:2:3: broken: auth $BASE/auth — HTTP 401"
    expect_in out.txt "h.md:5:3: broken: agent $BASE/ua/refdex-ci — HTTP 403"
    expect_exit 1 "$REFDEX" check h.md --allow-private --retries 0 --timeout 3s -v \
        --header "Authorization: Bearer $TOKEN" --user-agent refdex-ci --header "X-Extra: 1"
    cp out.txt run-out.txt; cp err.txt run-err.txt
    expect_in run-out.txt "4 links: 3 ok, 1 broken"
    expect_in run-out.txt "h.md:4:3: broken: away $BASE/auth-elsewhere — HTTP 401"
    for f in text json junit github markdown; do
        expect_exit 1 "$REFDEX" report h.md --format "$f" -o "report.$f"
    done
    expect_exit 0 "$REFDEX" render h.md
    expect_exit 0 "$REFDEX" query --format json
    cp out.txt query.json
    # what does not parse is refused without showing its text
    expect_exit 2 "$REFDEX" check h.md --header "Authorization Bearer $TOKEN"
    cp err.txt bad1.txt
    expect_in bad1.txt "--header takes 'Name: value'"
    expect_exit 2 "$REFDEX" check h.md --header "Authorization: Bearer $TOKEN
X-Injected: 1"
    cp err.txt bad2.txt
    expect_in bad2.txt "--header 'Authorization': its value holds a line break"
    checks=$((checks + 1))
    leaks=$(grep -rlaF -- "$TOKEN" . | grep -v '^\./h\.md$')
    [ -z "$leaks" ] || fail "the token is in: $leaks"
    checks=$((checks + 1))
    [ -n "$(ls report.* site/index.html refdex.db run-err.txt)" ] || fail "artifacts missing"
}

# --remap fetches a URL elsewhere (a mirror): the result is the catalog URL's,
# says where it was checked, and a move on the mirror is not the link's.
case_remap() {
    start_fixture
    printf '## x\n- [page](http://docs.invalid/ok/page)\n- [moved](http://docs.invalid/chain/1)\n- [gone](http://docs.invalid/status/404)\n' > m.md
    expect_exit 1 "$REFDEX" check m.md --allow-private --retries 0 --timeout 3s \
        --remap "^http://docs\.invalid/(.*)\$ $BASE/\$1"
    expect_in out.txt "m.md:3:3: redirect: moved http://docs.invalid/chain/1 — checked as $BASE/chain/1: moved permanently to $BASE/chain/0"
    expect_in out.txt "m.md:4:3: broken: gone http://docs.invalid/status/404 — checked as $BASE/status/404: HTTP 404"
    expect_in out.txt "3 links: 1 ok, 1 redirect, 1 broken"
    expect_sql "SELECT count(*) FROM checks WHERE final_url IS NOT NULL" 0
    expect_in fixture.log "GET /ok/page"
    # fix does not point the catalog at the mirror
    expect_exit 0 "$REFDEX" fix m.md --dry-run
    expect_not_in out.txt "$BASE"
    for bad in "nospace" "( $BASE/" "a b c"; do
        expect_exit 2 "$REFDEX" check m.md --remap "$bad"
        expect_in err.txt "--remap '$bad'"
    done
}

run_case check
