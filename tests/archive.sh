#!/bin/sh
# tests/archive.sh REFDEX FIXTURE CASE — archived copies of dead links:
# check --archive against a fake of the Wayback Machine's availability API
# on the fixture server (127.0.0.1 only; /wayback/KIND, see tests/fixture.h),
# honest and hostile, and fix --archive.
REFDEX=$1
FIXTURE=$2
CASE=$3
. "$(dirname "$0")/lib.sh"

# A catalog of a dead link, a link that answers what var-down says (200
# without it) and a live page.
dead_catalog() {
    start_fixture
    printf '## x\n- [gone](%s/status/404) - Gone.\n- [down](%s/var/down)\n- [page](%s/ok/a)\n' \
        "$BASE" "$BASE" "$BASE" > c.md
}

# lookups KIND: how many requests the fake API got so far
lookups() { grep -c "^GET /wayback/$1\$" fixture.log; }

expect_lookups() {
    checks=$((checks + 1))
    [ "$(lookups "$1")" -eq "$2" ] || fail "the API /wayback/$1 was asked $(lookups "$1") times, not $2"
}

SNAP=

case_found() {
    dead_catalog
    SNAP="$BASE/web/20200102030405/$BASE/status/404"
    expect_exit 1 "$REFDEX" check c.md --allow-private --archive --archive-api "$BASE/wayback/ok" -v
    expect_in out.txt "c.md:2:3: broken: gone $BASE/status/404 — HTTP 404; archived copy: $SNAP (2020-01-02)"
    expect_in err.txt "archived copies: 1 found, 0 with none"
    expect_lookups ok 1 # the dead link only
    # every format says it, from the database (report fetches nothing)
    for f in github markdown junit; do
        expect_exit 1 "$REFDEX" report c.md --format "$f"
        expect_in out.txt "archived copy: $SNAP (2020-01-02)"
    done
    expect_exit 1 "$REFDEX" report c.md --format json
    checks=$((checks + 1))
    got=$(sqlite3 :memory: "SELECT group_concat(coalesce(json_extract(value, '\$.archived.url') || ' ' ||
          json_extract(value, '\$.archived.date'), '-'), ', ') FROM json_each(readfile('out.txt'))")
    [ "$got" = "$SNAP 2020-01-02T03:04:05Z, -, -" ] || fail "report --format json: $got"
    # the answer is kept: the next run does not ask again
    expect_exit 1 "$REFDEX" check c.md --allow-private --archive --archive-api "$BASE/wayback/ok"
    expect_lookups ok 1
    expect_in out.txt "archived copy: $SNAP"
    # the page shows it next to the dead link, index.json has it, and it fits the schema
    expect_exit 0 "$REFDEX" render c.md
    expect_in site/index.html "<a class=\"archived\" href=\"$SNAP\" rel=\"nofollow noopener\">archived copy</a>"
    checks=$((checks + 1))
    [ "$(grep -o 'class="archived"' site/index.html | wc -l)" -eq 1 ] || fail "the page shows archived copies of live links"
    checks=$((checks + 1))
    got=$(sqlite3 :memory: "SELECT group_concat(json_extract(e.value, '\$.name') || ' ' ||
          coalesce(json_extract(e.value, '\$.archived.url'), '-'), ', ') FROM
          json_each(readfile('site/index.json'), '\$.categories') c, json_each(c.value, '\$.entries') e")
    [ "$got" = "gone $SNAP, down -, page -" ] || fail "index.json: $got"
    python3 - "$TESTS/../render/index.schema.json" site/index.json <<'PY' || fail "index.json does not match its schema"
import json, sys, jsonschema
schema, doc = (json.load(open(p)) for p in sys.argv[1:3])
jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
PY
    # once the link works again, the page no longer offers the copy
    expect_exit 0 "$REFDEX" check c.md --allow-private --accept 200..299,404
    expect_exit 0 "$REFDEX" render c.md
    expect_not_in site/index.html 'class="archived"'
}

# Shards checked with --archive, merged: the merged report has the copies.
case_merged_shards() {
    dead_catalog
    SNAP="$BASE/web/20200102030405/$BASE/status/404"
    for k in 0 1; do
        "$REFDEX" check c.md --db "s$k.db" --shard "$k/2" --allow-private --archive \
            --archive-api "$BASE/wayback/ok" > /dev/null 2>&1
    done
    expect_lookups ok 1
    expect_exit 0 "$REFDEX" merge m.db s0.db s1.db
    expect_exit 1 "$REFDEX" report c.md --db m.db
    expect_in out.txt "c.md:2:3: broken: gone $BASE/status/404 — HTTP 404; archived copy: $SNAP (2020-01-02)"
    # merging again changes nothing; the copy is kept once
    expect_exit 0 "$REFDEX" merge m.db s0.db s1.db
    checks=$((checks + 1))
    [ "$(sqlite3 m.db 'SELECT count(*) FROM archives')" -eq 1 ] || fail "archives not kept once"
}

case_none_and_failures() {
    dead_catalog
    # the archive has nothing, or only a copy of an error page: stored, not asked again
    expect_exit 1 "$REFDEX" check c.md --allow-private --archive --archive-api "$BASE/wayback/none" -v
    expect_in err.txt "archived copies: 0 found, 1 with none"
    expect_not_in out.txt "archived copy"
    expect_exit 1 "$REFDEX" check c.md --allow-private --archive --archive-api "$BASE/wayback/none"
    expect_lookups none 1
    printf '## x\n- [gone](%s/status/410)\n' "$BASE" > g.md
    expect_exit 1 "$REFDEX" check g.md --db g.db --allow-private --archive --archive-api "$BASE/wayback/gone" -v
    expect_in err.txt "archived copies: 0 found, 1 with none"
    # an API that fails: said, nothing stored, asked again next run; the exit is the links'
    for kind in error bad; do
        expect_exit 1 "$REFDEX" check g.md --db "$kind.db" --allow-private --archive --archive-api "$BASE/wayback/$kind"
        expect_exit 1 "$REFDEX" check g.md --db "$kind.db" --allow-private --archive --archive-api "$BASE/wayback/$kind"
        expect_lookups "$kind" 2
        checks=$((checks + 1))
        [ "$(sqlite3 "$kind.db" 'SELECT count(*) FROM archives')" -eq 0 ] || fail "a failed lookup ($kind) was stored"
    done
    expect_in err.txt "refdex: 1 archive lookup failed ($BASE/status/410: the archive's answer is refused: not a JSON object); asked again next run"
    expect_exit 1 "$REFDEX" check g.md --db e.db --allow-private --archive --archive-api "$BASE/wayback/error"
    expect_in err.txt "the archive answered HTTP 503"
    # without --archive nothing is asked
    expect_exit 1 "$REFDEX" check g.md --db n.db --allow-private --archive-api "$BASE/wayback/ok"
    expect_lookups ok 0
    # a bad --archive-api: exit 2, nothing made
    expect_exit 2 "$REFDEX" check g.md --db x.db --archive --archive-api "ftp://127.0.0.1/x"
    expect_in err.txt "--archive-api takes an http(s) URL"
    checks=$((checks + 1))
    [ ! -e x.db ] || fail "a bad --archive-api made a database"
}

# The API's address obeys the policy links do: a loopback API needs
# --allow-private (here the links are refused too, and fail).
case_address_policy() {
    dead_catalog
    expect_exit 1 "$REFDEX" check c.md --archive --archive-api "$BASE/wayback/ok" --exclude /var/ --exclude /ok/
    expect_in err.txt "1 archive lookup failed ($BASE/status/404: refused to connect: a loopback address (allow with --allow-private))"
    expect_lookups ok 0
    # the link-local metadata address is refused even with --allow-private
    expect_exit 1 "$REFDEX" check c.md --allow-private --archive --archive-api "http://169.254.169.254/latest" --db m.db
    expect_in err.txt "archive lookup failed ($BASE/status/404: refused to connect: "
    expect_in err.txt "link-local"
}

# A hostile API: a javascript: snapshot is refused; a snapshot URL full of
# Markdown is kept only as an http URL and escaped wherever it goes.
case_hostile() {
    dead_catalog
    expect_exit 1 "$REFDEX" check c.md --allow-private --archive --archive-api "$BASE/wayback/js" --db js.db
    expect_in err.txt "the snapshot's URL is not an http(s) URL of printable ASCII"
    checks=$((checks + 1))
    [ "$(sqlite3 js.db 'SELECT count(*) FROM archives')" -eq 0 ] || fail "a javascript: snapshot was stored"
    expect_exit 1 "$REFDEX" check c.md --allow-private --archive --archive-api "$BASE/wayback/md" --format markdown
    expect_in out.txt 'archived copy: http://127.0.0.1:'"$PORT"'/web/1/x)+!\[p\](http://127.0.0.2/pixel)+\[evil\](javascript:alert(46))\<b\> (2020-01-02)'
    expect_exit 0 "$REFDEX" render c.md
    checks=$((checks + 1))
    xmllint --html --xpath 'string(//a[@class="archived"]/@href)' site/index.html > href.txt 2>/dev/null
    # (libxml2 writes [ and ] of an href as %5B and %5D: the same URL)
    [ "$(cat href.txt)" = "http://127.0.0.1:$PORT/web/1/x)+!%5Bp%5D(http://127.0.0.2/pixel)+%5Bevil%5D(javascript:alert(46))<b>" ] ||
        fail "the page's archived link: $(cat href.txt)"
    expect_not_in site/index.html '<b>'
    checks=$((checks + 1))
    ! xmllint --html --xpath '//a[starts-with(@href, "javascript")]' site/index.html >/dev/null 2>&1 ||
        fail "the page has a javascript: link"
    # fix --archive writes it escaped, as one link that reads back as the copy
    cp c.md before.md
    expect_exit 0 "$REFDEX" fix c.md --archive
    expect_in c.md "- [gone](http://127.0.0.1:$PORT/web/1/x%29+![p]%28http://127.0.0.2/pixel%29+[evil]%28javascript:alert%2846%29%29%3Cb%3E) - Gone."
    expect_exit 0 "$REFDEX" ingest c.md --db fixed.db
    checks=$((checks + 1))
    [ "$(sqlite3 fixed.db 'SELECT count(*) FROM entries')" -eq 3 ] || fail "the fixed catalog has other entries"
    checks=$((checks + 1))
    [ "$(sqlite3 fixed.db "SELECT count(*) FROM urls WHERE url NOT LIKE 'http://127.0.0.1:$PORT/%'")" -eq 0 ] ||
        fail "fix --archive let a link be injected: $(sqlite3 fixed.db 'SELECT url FROM urls')"
}

# An API that never answers, or whose answer never ends: the run still ends
# by its deadline, and a huge answer is cut.
case_slow_and_huge() {
    dead_catalog
    expect_exit 1 "$REFDEX" check c.md --allow-private --archive --archive-api "$BASE/wayback/huge" --db huge.db
    expect_in err.txt "the answer is larger than 65536 bytes"
    t0=$(now_ms)
    expect_exit 1 "$REFDEX" check c.md --allow-private --archive --archive-api "$BASE/wayback/hang" --deadline 3s
    took=$(($(now_ms) - t0))
    checks=$((checks + 1))
    [ "$took" -lt "$(max_ms 4500)" ] || fail "a hanging API held the run $took ms past a 3 s deadline"
    expect_in err.txt "1 archive lookup failed ($BASE/status/404: no answer in time"
    expect_lookups hang 1
}

# At most 50 lookups a run: the others wait for the next run.
case_bounded() {
    start_fixture
    { echo '## x'; for i in $(seq 60); do echo "- [d$i]($BASE/status/404?n=$i)"; done; } > c.md
    expect_exit 1 "$REFDEX" check c.md --allow-private --archive --archive-api "$BASE/wayback/ok"
    expect_lookups ok 50
    expect_in err.txt "refdex: 10 dead links not looked up in the archive (at most 50 a run, 60 s in all, within --deadline); asked next run"
    expect_exit 1 "$REFDEX" check c.md --allow-private --archive --archive-api "$BASE/wayback/ok"
    expect_lookups ok 60
    expect_not_in err.txt "not looked up"
    checks=$((checks + 1))
    [ "$(sqlite3 refdex.db 'SELECT count(*) FROM archives WHERE snapshot_url IS NOT NULL')" -eq 60 ] ||
        fail "not every dead link has its copy"
}

# With --fail-after K a link is looked up once it fails the run, not while flaky.
case_fail_after() {
    dead_catalog
    echo 404 > var-down
    expect_exit 0 "$REFDEX" check c.md --allow-private --archive --archive-api "$BASE/wayback/ok" --fail-after 2 --exclude /status/
    expect_in out.txt "flaky: down"
    expect_lookups ok 0
    expect_exit 1 "$REFDEX" check c.md --allow-private --archive --archive-api "$BASE/wayback/ok" --fail-after 2 --exclude /status/
    expect_lookups ok 1
    expect_in out.txt "broken: down $BASE/var/down — HTTP 404; failing since "
    expect_in out.txt "archived copy: $BASE/web/20200102030405/$BASE/var/down (2020-01-02)"
}

# The copy asked for is the one closest to when the link last worked: its
# latest passing check, else when it joined the catalog.
case_asked_when() {
    dead_catalog
    expect_exit 0 "$REFDEX" check c.md --allow-private --exclude /status/
    ok_at=$(sqlite3 refdex.db "SELECT substr(replace(replace(replace(max(checked_at), '-', ''),
            'T', ''), ':', ''), 1, 14) FROM checks WHERE result = 'ok' AND url_id =
            (SELECT id FROM urls WHERE url LIKE '%/var/down')")
    seen=$(sqlite3 refdex.db "SELECT substr(replace(replace(replace(first_seen, '-', ''),
           'T', ''), ':', ''), 1, 14) FROM urls WHERE url LIKE '%/status/404'")
    echo 404 > var-down
    expect_exit 1 "$REFDEX" check c.md --allow-private --archive --archive-api "$BASE/wayback/echo"
    expect_in out.txt "archived copy: $BASE/web/$ok_at/$BASE/var/down (2020-01-02)"
    expect_in out.txt "archived copy: $BASE/web/$seen/$BASE/status/404 (2020-01-02)"
    checks=$((checks + 1))
    [ "${#ok_at}" -eq 14 ] && [ "${#seen}" -eq 14 ] || fail "timestamps '$ok_at', '$seen'"
}

case_fix_archive() {
    dead_catalog
    expect_exit 1 "$REFDEX" check c.md --allow-private --archive --archive-api "$BASE/wayback/ok"
    cp c.md before.md
    # without --archive fix leaves dead links alone
    expect_exit 0 "$REFDEX" fix c.md
    expect_in err.txt "nothing to fix"
    expect_exit 0 "$REFDEX" fix c.md --archive --dry-run
    expect_in out.txt "c.md:2:3: $BASE/status/404 -> $BASE/web/20200102030405/$BASE/status/404 (dead link: its archived copy)"
    expect_in err.txt "1 link would change (--dry-run: not written)"
    checks=$((checks + 1))
    cmp -s c.md before.md || fail "fix --dry-run changed the file"
    expect_exit 0 "$REFDEX" fix c.md --archive
    checks=$((checks + 1))
    [ "$(diff before.md c.md | grep -c '^[<>]')" -eq 2 ] || fail "fix changed more than one line: $(diff before.md c.md)"
    expect_in c.md "- [gone]($BASE/web/20200102030405/$BASE/status/404) - Gone."
    expect_exit 0 "$REFDEX" fix c.md --archive
    expect_in err.txt "nothing to fix"
}

case_config() {
    dead_catalog
    printf '[check]\nallow-private = true\narchive = true\narchive-api = %s/wayback/ok\n' "$BASE" > refdex.ini
    expect_exit 0 "$REFDEX" config c.md
    expect_in out.txt "archive = true"
    expect_in out.txt "archive-api = $BASE/wayback/ok"
    expect_in out.txt "refdex.ini:4"
    expect_exit 1 "$REFDEX" check c.md
    expect_lookups ok 1
    expect_in out.txt "archived copy: "
    printf '[check]\narchive = false\n' > refdex.ini
    expect_exit 0 "$REFDEX" config c.md
    expect_in out.txt "archive = false"
    rm refdex.ini
    expect_exit 0 "$REFDEX" config c.md
    expect_in out.txt "archive-api = https://archive.org/wayback/available"
    printf '[check]\narchive-api = javascript:alert(1)\n' > refdex.ini
    expect_exit 2 "$REFDEX" check c.md
    expect_in err.txt "refdex.ini:2: --archive-api takes an http(s) URL"
    printf '[check]\narchive = maybe\n' > refdex.ini
    expect_exit 2 "$REFDEX" check c.md
    expect_in err.txt "refdex.ini:2: archive takes true or false"
}

run_case archive
