#!/bin/sh
# tests/ci.sh REFDEX FIXTURE CASE — refdex as a CI citizen: bot walls
# (blocked), diff-aware checks (--diff), SARIF, `links`, `check --offline`
# and `hosts`, end to end against the fixture server on 127.0.0.1 (started
# here, stopped here). No other address is ever contacted.
REFDEX=$1
FIXTURE=$2
CASE=$3
. "$(dirname "$0")/lib.sh"

# Bot walls: LinkedIn's 999, Cloudflare's challenge (its header, its page),
# a host the config marks treat = blocked, and the shipped default for
# www.linkedin.com (never fetched: no request leaves 127.0.0.1). blocked is
# a warning: exit 0, and 1 only with --strict.
case_blocked() {
    start_fixture --hosts 2
    B2="http://127.0.0.2:$PORT"
    cat > c.md <<EOC
# Walls

## w
- [ok]($BASE/ok/a) - fine
- [li]($BASE/status/999) - 999
- [cfh]($BASE/cf/header) - header
- [cfp]($BASE/cf/page) - page
- [walled]($B2/ok/walled) - the config's
- [linkedin](https://www.linkedin.com/in/someone) - the default
- [gone]($BASE/status/403) - a plain 403 stays broken
EOC
    printf '[host "127.0.0.2"]\ntreat = blocked\n' > refdex.ini
    expect_exit 1 "$REFDEX" check c.md --allow-private --retries 0
    expect_in out.txt "c.md:5:3: blocked: li $BASE/status/999 — HTTP 999: the host refuses link checkers"
    expect_in out.txt "c.md:6:3: blocked: cfh $BASE/cf/header — HTTP 403: a Cloudflare challenge (cf-mitigated: challenge)"
    expect_in out.txt "c.md:7:3: blocked: cfp $BASE/cf/page — HTTP 503: a bot challenge page (\"Just a moment...\")"
    expect_in out.txt "c.md:8:3: blocked: walled $B2/ok/walled — its host blocks link checkers (treat = blocked)"
    expect_in out.txt "c.md:9:3: blocked: linkedin https://www.linkedin.com/in/someone — its host blocks"
    expect_in out.txt "c.md:10:3: broken: gone $BASE/status/403 — HTTP 403"
    expect_in out.txt "7 links: 1 ok, 1 broken, 5 blocked in"
    checks=$((checks + 1))
    [ "$(requests /cf/page)" -eq 1 ] || fail "a challenge page was asked for again (retried as a 5xx)"
    checks=$((checks + 1))
    ! grep -q "/ok/walled" fixture.log || fail "a host marked treat = blocked was fetched"
    expect_sql "SELECT group_concat(result || ':' || coalesce(status_code, '-') || ':' || conclusive, ' ') FROM (SELECT * FROM checks WHERE result = 'blocked' ORDER BY id)" \
        "blocked:999:0 blocked:403:0 blocked:503:0 blocked:-:0 blocked:-:0"
    # without the 403, a warning; with --strict, a failure
    sed -i '/gone/d' c.md
    expect_exit 0 "$REFDEX" check c.md --allow-private --format github
    expect_in out.txt "::warning file=c.md,line=5,col=3,title=blocked link::li: $BASE/status/999"
    expect_exit 1 "$REFDEX" check c.md --allow-private --strict --format github
    expect_in out.txt "::error file=c.md,line=5,col=3,title=blocked link::li"
    # a blocked link's status stays what it was: unchecked, as nothing was learnt
    expect_exit 0 "$REFDEX" query --format tsv
    expect_in out.txt "	li	$BASE/status/999	unchecked	"
    # JUnit: a skipped case, not a failure
    expect_exit 0 "$REFDEX" check c.md --allow-private --format junit
    expect_in out.txt 'failures="0" errors="0" skipped="5"'
    expect_in out.txt '<skipped message="blocked: HTTP 999: the host refuses link checkers (a bot wall)"/>'
    # --accept 999 takes 999 as an answer
    expect_exit 0 "$REFDEX" check c.md --allow-private --accept 200..299,999
    expect_in out.txt "6 links: 2 ok, 4 blocked in"
    # the default is said, and a config overrides it
    expect_exit 0 "$REFDEX" config c.md
    expect_in out.txt '[host "www.linkedin.com"]  # default: a host known to refuse link checkers'
    printf '[host "www.linkedin.com"]\ntreat = check\n' > refdex.ini
    expect_exit 0 "$REFDEX" config c.md
    expect_in out.txt '[host "www.linkedin.com"]  # refdex.ini:2'
    expect_in out.txt '  treat = check'
    printf '[host "www.linkedin.com"]\ntreat = skip\n' > refdex.ini
    expect_exit 0 "$REFDEX" check c.md --allow-private
    expect_in out.txt "6 links: 2 ok, 1 excluded, 3 blocked in"
}

# --diff REV on a temporary git repository: the entries added, changed (its
# URL, or only its description) and moved since REV are checked; the others
# are 'unchanged', not fetched; a deleted one is simply gone.
case_diff() {
    start_fixture
    git init -q repo && cd repo || return
    cat > catalog.md <<EOC
# Diff

## a
- [keep]($BASE/count/keep) - Stays.
- [change]($BASE/count/old) - Will change.
- [move]($BASE/count/move) - Will move.
- [gone]($BASE/count/gone) - Will go.
- [desc]($BASE/count/desc) - Its description changes

## b
- [other]($BASE/count/other) - Stays.
EOC
    git add catalog.md && git -c user.name=t -c user.email=t@example.org commit -qm one
    cat > catalog.md <<EOC
# Diff

## a
- [keep]($BASE/count/keep) - Stays.
- [change]($BASE/count/new) - Changed.
- [desc]($BASE/count/desc) - Its description changed.
- [added]($BASE/count/added) - New.

## b
- [other]($BASE/count/other) - Stays.
- [move]($BASE/count/move) - Moved here.
EOC
    expect_exit 0 "$REFDEX" check catalog.md --allow-private --diff HEAD --format json
    checks=$((checks + 1))
    got=$(sqlite3 :memory: "SELECT group_concat(json_extract(value, '\$.entries[0].name') || '=' || json_extract(value, '\$.result'), ' ') FROM json_each(readfile('out.txt'))")
    [ "$got" = "keep=unchanged change=ok desc=ok added=ok other=unchanged move=ok" ] ||
        fail "--diff HEAD checked: $got"
    expect_in out.txt '"error":"not changed since HEAD (--diff): not fetched"'
    for id in keep other gone old; do
        checks=$((checks + 1))
        ! grep -q "/count/$id\$" ../fixture.log || fail "/count/$id was fetched"
    done
    for id in new desc added move; do
        checks=$((checks + 1))
        grep -q "/count/$id\$" ../fixture.log || fail "/count/$id was not fetched"
    done
    expect_exit 0 "$REFDEX" check catalog.md --allow-private --diff HEAD
    expect_in out.txt "6 links: 4 ok, 2 unchanged in"
    # an unchanged link keeps its status: unchecked, as it was never fetched
    expect_exit 0 "$REFDEX" query --format tsv
    expect_in out.txt "	keep	$BASE/count/keep	unchecked	"
    # nothing changed since the working tree's own commit after a commit
    git -c user.name=t -c user.email=t@example.org commit -qam two
    expect_exit 0 "$REFDEX" check catalog.md --allow-private --diff HEAD
    expect_in out.txt "6 links: 0 ok, 6 unchanged in"
    # a REV that is not one, or that looks like an option: exit 2, nothing written
    rm -f refdex.db
    expect_exit 2 "$REFDEX" check catalog.md --diff no-such-rev
    expect_in err.txt "refdex: --diff no-such-rev: no such revision in the git repository of catalog.md"
    expect_exit 2 "$REFDEX" check catalog.md --diff --output=x
    expect_in err.txt "--diff takes a git revision"
    checks=$((checks + 1))
    [ ! -e refdex.db ] && [ ! -e x ] || fail "a refused --diff wrote something"
    # a shell's words in REV are only a revision's name
    expect_exit 2 "$REFDEX" check catalog.md --diff 'HEAD;touch pwned'
    checks=$((checks + 1))
    [ ! -e pwned ] || fail "REV went through a shell"
    # not in a git repository; no git at all
    cd .. && cp repo/catalog.md plain.md
    expect_exit 2 "$REFDEX" check plain.md --diff HEAD
    expect_in err.txt "refdex: --diff: plain.md is not in a git repository"
    expect_exit 2 env PATH=/nonexistent "$REFDEX" check plain.md --diff HEAD
    expect_in err.txt "--diff runs git, which is not installed"
    checks=$((checks + 1))
    [ ! -e refdex.db ] || fail "a refused --diff wrote refdex.db"
    # a catalog in a sub-folder of the repository, named by its path
    expect_exit 0 "$REFDEX" check repo/catalog.md --allow-private --diff HEAD~1 --db sub.db
    expect_in out.txt "6 links: 4 ok, 2 unchanged in"
}

# --format sarif: a SARIF 2.1.0 log, valid against the OASIS schema shipped in
# tests/data (sarif-2.1/schema/sarif-schema-2.1.0.json of oasis-tcs/sarif-spec),
# with one result per failing, moved or blocked link at its line and column,
# a rule per result kind, and levels that follow --strict.
case_sarif() {
    start_fixture
    cat > c.md <<EOC
# Sarif

## bad
- [ok]($BASE/ok/a) - Fine.
- [gone]($BASE/status/404) - Gone.
- [moved]($BASE/chain/1) - Moved.
  - [wall]($BASE/status/999) - A wall.
- [slow]($BASE/hang) - Slow.
- [mail](mailto:a@example.org) - Mail.
- [again]($BASE/status/404) - The same link twice.
EOC
    expect_exit 1 "$REFDEX" check c.md --allow-private --timeout 1s --format sarif -o r.sarif
    checks=$((checks + 1))
    validate_sarif r.sarif 2>err.txt || fail "r.sarif is not valid SARIF 2.1.0: $(tail -3 err.txt)"
    checks=$((checks + 1))
    got=$(sarif_results r.sarif)
    [ "$got" = "broken:error:5:3 redirect:warning:6:3 title-mismatch:warning:6:3 blocked:warning:7:5 timeout:warning:8:3 broken:error:10:3" ] ||
        fail "SARIF results: $got"
    expect_in r.sarif '"tool":{"driver":{"name":"refdex","version":"'
    expect_in r.sarif '"artifactLocation":{"uri":"c.md"}'
    expect_in r.sarif '"message":{"text":"gone: '"$BASE"'/status/404 — HTTP 404"}'
    expect_in r.sarif '"executionSuccessful":true'
    # --strict: a timeout and a wall are errors
    expect_exit 1 "$REFDEX" check c.md --allow-private --timeout 1s --format sarif --strict -o s.sarif
    checks=$((checks + 1))
    [ "$(sarif_results s.sarif)" = "broken:error:5:3 redirect:warning:6:3 title-mismatch:error:6:3 blocked:error:7:5 timeout:error:8:3 broken:error:10:3" ] ||
        fail "SARIF results with --strict: $(sarif_results s.sarif)"
    # report --format sarif says the same of the stored run
    expect_exit 1 "$REFDEX" report c.md --format sarif --strict -o t.sarif
    checks=$((checks + 1))
    cmp -s s.sarif t.sarif || fail "report --format sarif differs from check's"
    # the validation can fail: a line 0 is not SARIF
    sed 's/"startLine":5/"startLine":0/' r.sarif > bad.sarif
    checks=$((checks + 1))
    ! validate_sarif bad.sarif 2>/dev/null || fail "a SARIF log with startLine 0 passed the schema"
    # a catalog of good links: a valid log with no results
    printf '# S\n\n## good\n- [ok](%s/ok/b) - Fine.\n' "$BASE" > g.md
    expect_exit 0 "$REFDEX" check g.md --allow-private --format sarif --db g.db -o g.sarif
    checks=$((checks + 1))
    validate_sarif g.sarif 2>err.txt && [ -z "$(sarif_results g.sarif)" ] || fail "g.sarif: $(cat g.sarif)"
}

# links: every link with its entry, category and position, nothing fetched
# and no database written; JSON built by SQLite.
case_links() {
    start_fixture
    cat > c.md <<EOC
# Links

## web
- [page]($BASE/count/page) - A page.
  - [sub]($BASE/count/sub) - Under it.
- no link here
- [bare](example.org/x) - No scheme.

## local
- [readme](README.md) - A file.
- [mail](mailto:a@example.org) - Mail.
EOC
    expect_exit 0 "$REFDEX" links c.md
    checks=$((checks + 1))
    [ "$(cat out.txt)" = "c.md:4:3: $BASE/count/page — page [links/web]
c.md:5:5: $BASE/count/sub — sub [links/web]
c.md:7:3: https://example.org/x — bare [links/web]
c.md:10:3: README.md — readme [links/local]
c.md:11:3: mailto:a@example.org — mail [links/local]" ] || fail "links: $(cat out.txt)"
    expect_in err.txt "c.md: 5 links"
    expect_exit 0 "$REFDEX" links c.md --format json
    checks=$((checks + 1))
    got=$(sqlite3 :memory: "SELECT json_array_length(readfile('out.txt')), (SELECT group_concat(json_extract(value, '\$.kind') || ',' || json_extract(value, '\$.location') || ',' || coalesce(json_extract(value, '\$.parent'), '-'), ' ') FROM json_each(readfile('out.txt')))")
    [ "$got" = "5|web,c.md:4:3,- web,c.md:5:5,page web,c.md:7:3,- relative,c.md:10:3,- mailto,c.md:11:3,-" ] ||
        fail "links --format json: $got"
    expect_in out.txt '"url":"https://example.org/x","url_raw":"example.org/x"'
    checks=$((checks + 1))
    ! grep -q "^GET\|^HEAD" fixture.log || fail "links fetched something"
    checks=$((checks + 1))
    [ ! -e refdex.db ] || fail "links wrote a database"
    expect_exit 2 "$REFDEX" links c.md --format xml
    expect_exit 2 "$REFDEX" links missing.md
}

# check --offline: only the local links are checked and reported; the web
# ones are not fetched, and the summary says how many.
case_offline() {
    start_fixture
    : > README.md
    cat > c.md <<EOC
# Offline

## all
- [page]($BASE/count/page) - A page.
- [gone]($BASE/status/404) - Gone.
- [readme](README.md) - There.
- [missing](MISSING.md) - Not there.
- [mail](mailto:a@example.org) - Mail.
EOC
    expect_exit 1 "$REFDEX" check c.md --allow-private --offline
    expect_in out.txt "c.md:7:3: broken: missing MISSING.md — no such file:"
    expect_in out.txt "3 links: 2 ok, 1 broken in"
    expect_in out.txt "; --offline: 2 web links not fetched"
    expect_not_in out.txt "status/404"
    checks=$((checks + 1))
    ! grep -q "^GET\|^HEAD" fixture.log || fail "--offline fetched: $(cat fixture.log)"
    expect_sql "SELECT count(*) FROM checks" 3
    # every format says it
    expect_exit 1 "$REFDEX" check c.md --allow-private --offline --format github
    expect_in out.txt "::notice title=refdex --offline::2 web links not fetched"
    expect_exit 1 "$REFDEX" check c.md --allow-private --offline --format markdown
    expect_in out.txt "--offline: 2 web links not fetched."
    expect_exit 1 "$REFDEX" check c.md --allow-private --offline --format sarif -o o.sarif
    expect_in o.sarif '"message":{"text":"--offline: 2 web links not fetched"}'
    checks=$((checks + 1))
    validate_sarif o.sarif 2>err.txt || fail "o.sarif: $(cat err.txt)"
    # without the missing file: exit 0, and the 404 is not noticed
    sed -i '/MISSING/d' c.md
    expect_exit 0 "$REFDEX" check c.md --allow-private --offline
    expect_in out.txt "2 links: 2 ok in"
    expect_exit 2 "$REFDEX" update c.md --offline
}

# hosts: per host of the stored checks, requests (a 429 and its retry are
# two), latency, results by kind, 429s and the time they paused the host; for
# the latest run, --run ID or --since DATE.
case_hosts() {
    start_fixture --hosts 2
    B2="http://127.0.0.2:$PORT"
    cat > c.md <<EOC
# Hosts

## a
- [a]($BASE/ok/a) - Fine.
- [slow]($BASE/slow/300) - Slow.
- [limited]($BASE/limited/x?s=1) - A 429 with Retry-After: 1, then fine.
- [gone]($BASE/status/404) - Gone.
- [e]($B2/ok/e) - Another host.
- [mail](mailto:a@example.org) - Not a host.
EOC
    expect_exit 1 "$REFDEX" check c.md --allow-private --retries 1
    expect_exit 0 "$REFDEX" hosts --format tsv
    expect_in out.txt "host	requests	links	fetched	median_ms	p95_ms	http429	paused_ms	results"
    checks=$((checks + 1))
    row=$(grep "^127.0.0.1	" out.txt)
    # host, requests, links, fetched, 429s, paused, results (latency below)
    [ "$(echo "$row" | cut -f1-4,7-9)" = "127.0.0.1	5	4	4	1	1000	3 ok, 1 broken" ] ||
        fail "127.0.0.1: $row"
    checks=$((checks + 1))
    median=$(echo "$row" | cut -f5) p95=$(echo "$row" | cut -f6)
    [ "$p95" -ge 1000 ] && [ "$median" -le "$p95" ] && [ "$median" -ge 0 ] ||
        fail "latency: median $median, p95 $p95 (the 429'd link waited 1 s)"
    expect_in out.txt "127.0.0.2	1	1	1	"
    expect_in out.txt "	0	0	1 ok"
    expect_not_in out.txt "example.org"
    expect_in err.txt "2 hosts, run 1"
    # the table, and JSON built by SQLite
    expect_exit 0 "$REFDEX" hosts
    expect_in out.txt "HOST                         REQUESTS    MEDIAN       P95  429S    PAUSED  RESULTS"
    expect_in out.txt "1000 ms  3 ok, 1 broken"
    expect_exit 0 "$REFDEX" hosts --format json
    checks=$((checks + 1))
    got=$(sqlite3 :memory: "SELECT group_concat(json_extract(value, '\$.host') || ' ' || json_extract(value, '\$.requests') || ' ' || json_extract(value, '\$.http429') || ' ' || json_extract(value, '\$.results.ok'), ', ') FROM json_each(readfile('out.txt'))")
    [ "$got" = "127.0.0.1 5 1 3, 127.0.0.2 1 0 1" ] || fail "hosts --format json: $got"
    # a second run (the 429 is gone: /limited answers 200 once it has said 429):
    # the latest run alone, or both with --since
    expect_exit 1 "$REFDEX" check c.md --allow-private --retries 1 --exclude /ok/
    expect_exit 0 "$REFDEX" hosts --format tsv
    expect_in out.txt "127.0.0.1	3	4	3	"
    expect_in out.txt "127.0.0.2	0	1	0	-1	-1	0	0	1 excluded"
    expect_exit 0 "$REFDEX" hosts --format tsv --since 2000-01-01
    expect_in out.txt "127.0.0.1	8	8	7	"
    expect_exit 0 "$REFDEX" hosts --format tsv --run 1
    expect_in out.txt "127.0.0.1	5	4	4	"
    # shards merged: the merged run's numbers are its shards' together, 429s
    # and pauses included (a new /limited ID says 429 once more)
    mkdir m && printf '# M\n\n## m\n- [l](%s/limited/m?s=1) - L.\n- [e](%s/ok/e) - E.\n' "$BASE" "$B2" > m/c.md
    for k in 0 1; do
        "$REFDEX" check m/c.md --allow-private --retries 1 --shard $k/2 --db m/s$k.db -o /dev/null 2>/dev/null
    done
    expect_exit 0 "$REFDEX" merge m/all.db m/s0.db m/s1.db
    expect_exit 0 "$REFDEX" hosts --db m/all.db --format tsv
    expect_in out.txt "	1	1000	1 ok"
    expect_in out.txt "127.0.0.1	2	1	1	"
    expect_in out.txt "127.0.0.2	1	1	1	"
    expect_exit 2 "$REFDEX" hosts --run 1 --since 7d
    expect_exit 2 "$REFDEX" hosts --format xml
    expect_exit 2 "$REFDEX" hosts --status ok
}

run_case ci
