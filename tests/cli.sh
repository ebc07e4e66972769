#!/bin/sh
# tests/cli.sh REFDEX CASE — the command line as a user runs it: exit codes,
# output, and bad input that must leave the database as it was.
# Each case runs in a fresh temporary folder, removed afterwards.
REFDEX=$1
CASE=$2
. "$(dirname "$0")/lib.sh"

# db_state DB: a fingerprint of every row, to show a database did not change
db_state() { sqlite3 "$1" .dump | md5sum; }

case_help() {
    expect_exit 0 "$REFDEX" --help
    for w in update ingest lint query categories "exit codes" "130" "--db PATH"; do
        expect_in out.txt "$w"
    done
    expect_exit 2 "$REFDEX"
    expect_in err.txt "usage: refdex COMMAND"
    expect_exit 2 "$REFDEX" frobnicate
    expect_in err.txt "unknown command 'frobnicate'"
    for c in update ingest lint query categories; do
        expect_exit 0 "$REFDEX" "$c" --help
        expect_in out.txt "refdex $c"
    done
    expect_exit 2 "$REFDEX" query --bogus
    expect_in err.txt "unknown option '--bogus'"
    expect_exit 2 "$REFDEX" lint
    expect_in err.txt "'lint' needs a catalog FILE"
    expect_exit 2 "$REFDEX" ingest x.md --search y
    expect_in err.txt "'ingest' does not take --search"
    expect_exit 2 "$REFDEX" query --category
    expect_in err.txt "--category needs a value"
    expect_exit 2 "$REFDEX" lint a.md b.md
    expect_in err.txt "unexpected argument 'b.md'"
    expect_exit 2 "$REFDEX" ingest a.md --max-input lots
    expect_in err.txt "--max-input takes a size"
}

case_version() {
    expect_exit 0 "$REFDEX" --version
    for lib in "refdex 0." "cmark 0." "sqlite 3." "libcurl " "libxml2 2."; do
        expect_in out.txt "$lib"
    done
    # the schema version its databases have: what a new one says
    "$REFDEX" ingest "$DATA/../../catalog.md" --db v.db -q
    expect_in out.txt "(database schema $(sqlite3 v.db 'PRAGMA user_version'))"
}

case_update_seed() {
    cp "$DATA/seed.md" catalog.md
    # the seed links to the internet: tests exclude every URL, so nothing is fetched
    expect_exit 0 "$REFDEX" update catalog.md --exclude .
    expect_in err.txt "catalog.md:45:3: warning: missing-scheme: 'github.com/pkg/errors'"
    expect_in err.txt "50 links: 0 ok, 50 excluded in"
    expect_in err.txt "catalog.md: wrote site/index.html, site/index.json and site/c/"
    [ -f site/index.html ] || fail "update wrote no site/index.html"
    expect_in err.txt "57 entries in 13 categories"
    expect_in err.txt "0 errors, 2 warnings, 7 notes"
    expect_in out.txt "CATEGORY"
    expect_in out.txt "  log                                  5       5  ref/log"
    expect_in out.txt "ref                                    2      52  ref"
    [ -f refdex.db ] || fail "update made no refdex.db beside the catalog"
    expect_exit 0 "$REFDEX" update catalog.md --format json --no-check
    expect_in err.txt "unchanged"
    expect_not_in err.txt "links:"
    expect_in out.txt '"name":"ref","slug":"ref","path":"ref","kind":"heading"'
    expect_exit 1 "$REFDEX" update catalog.md --strict -q --no-check
    expect_not_in err.txt "note:"
}

case_ingest() {
    mkdir sub && cp "$DATA/seed.md" sub/list.md
    expect_exit 0 "$REFDEX" ingest sub/list.md
    expect_in out.txt "sub/list.md: 57 entries in 13 categories, 3 notes; 50 URLs in sub/refdex.db (50 new)"
    expect_exit 0 "$REFDEX" ingest sub/list.md
    expect_in out.txt "unchanged"
    expect_exit 0 "$REFDEX" ingest sub/list.md --db other.db -q
    [ ! -s out.txt ] || fail "-q printed: $(cat out.txt)"
    [ -f other.db ] || fail "--db other.db was not made"
    printf '## one\n- [a](https://a.example/)\n' > sub/list.md
    expect_exit 0 "$REFDEX" ingest sub/list.md
    expect_in out.txt "1 entry in 1 category, 0 notes; 51 URLs in sub/refdex.db (1 new)"
}

case_lint() {
    printf '## x\n- [a](javascript:alert(1))\n- [b](github.com/b/c)\n' > bad.md
    expect_exit 1 "$REFDEX" lint bad.md
    expect_in out.txt "bad.md:2:3: error: unsafe-scheme: 'javascript:alert(1)'"
    expect_in err.txt "bad.md: 1 error, 1 warning, 0 notes in 2 entries"
    expect_exit 1 "$REFDEX" lint bad.md --format json
    checks=$((checks + 1))
    [ "$(sqlite3 :memory: "SELECT json_valid(readfile('out.txt')) AND json_array_length(readfile('out.txt')) = 2 AND json_extract(readfile('out.txt'), '\$[0].rule') = 'unsafe-scheme'")" = 1 ] ||
        fail "lint --format json is not the expected JSON: $(cat out.txt)"
    printf '## x\n- [b](github.com/b/c)\n' > warn.md
    expect_exit 0 "$REFDEX" lint warn.md
    expect_exit 1 "$REFDEX" lint warn.md --strict
    expect_exit 2 "$REFDEX" lint warn.md --format xml
    [ ! -e refdex.db ] || fail "lint wrote a database"
    # rules are switched off and on by name
    expect_exit 0 "$REFDEX" lint warn.md --strict --disable missing-scheme
    expect_not_in out.txt "missing-scheme"
    printf '## x\n- [zeta](https://z.example/) - Last.\n- [alpha](https://a.example/) - First.\n' > order.md
    expect_exit 0 "$REFDEX" lint order.md
    expect_not_in out.txt "alphabetical"
    expect_exit 0 "$REFDEX" lint order.md --enable alphabetical,one-h1
    expect_in out.txt "order.md:3:3: note: alphabetical: 'alpha' comes after 'zeta' but sorts before it"
    expect_exit 2 "$REFDEX" lint order.md --disable no-such-rule
    expect_in err.txt "no lint rule is called 'no-such-rule' (see 'refdex lint --rules')"
    expect_exit 0 "$REFDEX" lint --rules
    expect_in out.txt "alphabetical           note     off"
    expect_in out.txt "odd-indent             warning  on"
}

case_query() {
    cp "$DATA/seed.md" catalog.md
    expect_exit 2 "$REFDEX" query --category log
    expect_in err.txt "refdex.db: no database here yet; run 'refdex ingest CATALOG' first"
    "$REFDEX" ingest -q catalog.md || fail "ingest failed"
    expect_exit 0 "$REFDEX" query --category log
    expect_in out.txt "ref/log"
    expect_in out.txt "    go-logr/logr  unchecked  https://github.com/go-logr/logr"
    expect_in out.txt "对性能和内存分配做了极致的优化"
    expect_in err.txt "5 entries"
    # the table names categories as the user wrote them; any spelling finds them
    expect_exit 0 "$REFDEX" query --category ref/u7f51-u7edc
    expect_in out.txt "ref/网络"
    expect_not_in out.txt "u7f51"
    expect_exit 0 "$REFDEX" query --category REF/LOG --format tsv
    expect_in out.txt "category	depth	name	url	status	line	description	title	findings"
    expect_in out.txt "ref/log	1	go-logr/logr	https://github.com/go-logr/logr	unchecked	95	"
    expect_exit 0 "$REFDEX" query --search 日志 --format json
    checks=$((checks + 1))
    [ "$(sqlite3 :memory: "SELECT json_extract(readfile('out.txt'), '\$[0].name') || json_array_length(readfile('out.txt'))")" = negroni1 ] ||
        fail "query --search 日志 --format json: $(cat out.txt)"
    expect_exit 0 "$REFDEX" query --category 数据库
    expect_in out.txt "gorm"
    expect_in out.txt "(no link)"
    expect_exit 2 "$REFDEX" query --category nope
    expect_in err.txt "no category matches 'nope'"
    expect_exit 2 "$REFDEX" query --format xml
    expect_exit 0 "$REFDEX" categories --format tsv
    expect_in out.txt "ref/u7f51-u7edc	1	网络	6	6	71"
    expect_exit 0 "$REFDEX" categories
    expect_in out.txt "  网络                                 6       6  ref/u7f51-u7edc"
}

# Group labels (`- Promises` over linked items) are categories: query,
# categories and lint treat them so, and a heading's query includes them.
case_groups() {
    cp "$TESTS/parse/r1-identifier-label.md" list.md
    cp "$TESTS/parse/r3-label-with-description.md" lunar.md
    "$REFDEX" ingest -q list.md || fail "ingest failed"
    expect_exit 0 "$REFDEX" query --category parsers
    expect_in out.txt "Widgets/Parsers/Streaming"
    expect_in out.txt "  alpha-parse     unchecked  https://example.com/alpha"
    expect_in out.txt "    beta-plugins  unchecked  https://example.org/beta-plugins"
    expect_in out.txt "Widgets/Parsers/Batch"
    expect_not_in out.txt "(no link)"
    expect_in err.txt "4 entries"
    expect_exit 0 "$REFDEX" query --category streaming
    expect_in err.txt "3 entries"
    expect_exit 0 "$REFDEX" query --search gamma --format tsv
    expect_in out.txt "widgets/parsers/batch	0	gamma-parse	https://example.net/gamma"
    expect_exit 0 "$REFDEX" categories --format tsv
    expect_in out.txt "widgets/parsers/streaming	2	Streaming	3	3"
    expect_exit 0 "$REFDEX" lint list.md
    expect_not_in out.txt "no-url"
    "$REFDEX" ingest -q lunar.md --db lunar.db || fail "ingest failed"
    expect_exit 0 "$REFDEX" categories --format json --db lunar.db
    checks=$((checks + 1))
    [ "$(sqlite3 :memory: "SELECT json_extract(readfile('out.txt'), '\$[0].children[0].children[0].description')")" = "A platform whose name has no link." ] ||
        fail "the group's description is not in categories --format json: $(cat out.txt)"
}

# The database: read where the user cannot write, found or said where it was
# looked for, never another file's catalog replaced in silence, and another
# program's SQLite file left as it was.
case_database_place() {
    mkdir docs
    cp "$DATA/seed.md" docs/list.md
    "$REFDEX" ingest -q docs/list.md || fail "ingest failed"
    expect_exit 2 "$REFDEX" query --category log
    expect_in err.txt "looked for refdex.db in this folder"
    expect_in err.txt "give --db PATH"
    expect_exit 0 "$REFDEX" query --category log --db docs/refdex.db
    # at rest the database is one file, readable where it cannot be written
    checks=$((checks + 1))
    [ ! -e docs/refdex.db-wal ] && [ ! -e docs/refdex.db-shm ] || fail "files beside the database: $(ls docs)"
    chmod 755 docs && chmod 644 docs/refdex.db
    if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
        as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
        chmod 755 .
    else
        as_user() { "$@"; }
        chmod 555 docs
    fi
    expect_exit 0 as_user "$REFDEX" query --category log --db docs/refdex.db
    expect_in out.txt "go-logr/logr"
    expect_exit 0 as_user "$REFDEX" categories --db docs/refdex.db
    chmod 755 docs
    checks=$((checks + 1))
    [ "$(ls docs | tr '\n' ' ')" = "list.md refdex.db " ] || fail "a read-only command left files: $(ls docs)"
    # a second catalog in the folder does not replace the first in silence
    cp "$DATA/seed.md" docs/other.md
    expect_exit 2 "$REFDEX" ingest docs/other.md
    expect_in err.txt "docs/refdex.db holds the catalog of docs/list.md, which docs/other.md would replace"
    expect_exit 0 "$REFDEX" ingest docs/other.md --force
    # another program's SQLite file is refused and left as it was
    sqlite3 foreign.db "CREATE TABLE t(x); INSERT INTO t VALUES (1)"
    before=$(cksum < foreign.db)
    expect_exit 2 "$REFDEX" ingest docs/list.md --db foreign.db
    expect_in err.txt "foreign.db: not a refdex database"
    checks=$((checks + 1))
    [ "$(cksum < foreign.db)" = "$before" ] && [ ! -e foreign.db-wal ] || fail "the foreign database was changed"
}

# Smaller things users met: each says what it means.
case_small_things() {
    printf '## x\n- [b](github.com/b/c)\n' > warn.md
    expect_exit 1 "$REFDEX" lint warn.md --strict -q
    expect_in out.txt "warn.md:2:3: warning: missing-scheme"
    expect_in err.txt "1 warning fails with --strict"
    head -c 3000 "$DATA/seed.md" > big.md
    expect_exit 2 "$REFDEX" lint big.md --max-input 1K
    expect_in err.txt "file is 2.9 KiB, larger than the 1.0 KiB limit"
    printf '# Nothing here\n\nJust prose.\n' > empty.md
    expect_exit 0 "$REFDEX" lint empty.md
    expect_in out.txt "empty.md:1:1: warning: no-entries"
    expect_exit 0 "$REFDEX" check --help
    expect_in out.txt "cancelled or blocked, or its page"
    expect_in out.txt "cancelled or blocked, or its page has findings"
    expect_exit 0 "$REFDEX" ingest --help
    expect_in out.txt "--max-input"
}

case_bad_database() {
    head -c 100000 /dev/urandom > refdex.db
    expect_exit 3 "$REFDEX" query
    expect_in err.txt "refdex.db: "
    expect_in err.txt "not a database"
    cp "$DATA/seed.md" catalog.md
    expect_exit 3 "$REFDEX" ingest catalog.md
}

# bad_input NAME: ingest of NAME must exit 2 with a message naming it and leave
# the database exactly as it was; extra arguments are expected message parts.
bad_input() {
    name=$1; shift
    before=$(db_state refdex.db)
    expect_exit 2 "$REFDEX" ingest "$name" --db refdex.db
    expect_in err.txt "refdex: $name"
    for part in "$@"; do expect_in err.txt "$part"; done
    checks=$((checks + 1))
    [ "$(db_state refdex.db)" = "$before" ] || fail "ingest of $name changed the database"
    expect_exit 2 "$REFDEX" lint "$name"
    expect_exit 2 "$REFDEX" update "$name" --db fresh.db
    checks=$((checks + 1))
    [ ! -e fresh.db ] || { fail "update of $name created a database"; rm -f fresh.db; }
}

case_bad_input() {
    "$REFDEX" ingest -q "$DATA/seed.md" --db refdex.db || fail "seed ingest failed"
    bad_input missing.md "No such file"
    mkdir folder.md
    bad_input folder.md "is a directory"
    printf '## x\n- [a](https://a.example/)\n\0\1\2 binary\n' > nul.md
    bad_input nul.md "nul.md:3:1: NUL byte"
    cp "$(command -v sqlite3)" binary.md
    bad_input binary.md "binary.md:1:" "not a text file"
    printf '## x\n- [caf\351](https://a.example/)\n' > latin1.md
    bad_input latin1.md "latin1.md:2:7: invalid UTF-8 (byte 0xE9)"
    { printf '## big\n'; yes '+ [x](https://x.example/) - a line of a catalog that is far too big' | head -c 52428800; } > big.md
    bad_input big.md "MiB limit" "--max-input"
    awk 'BEGIN { for (i = 0; i < 100000; i++) printf "> "; print "deep" }' > deep.md
    bad_input deep.md "deep.md:1:" "nested more than 64 levels"
    awk 'BEGIN { print "## x"; for (i = 0; i < 100000; i++) { for (j = 0; j < i % 80; j++) printf "  "; print "- [e" i "](https://e.example/" i ")" } }' > stairs.md
    expect_exit 2 "$REFDEX" lint stairs.md
    expect_in err.txt "stairs.md:"
    expect_in err.txt "nested more than 64 levels"
}

case_no_final_newline() {
    printf '## x\n- [a](https://a.example/)\n- gorm' > nonl.md
    expect_exit 0 "$REFDEX" ingest nonl.md
    expect_in out.txt "2 entries in 1 category"
    expect_exit 0 "$REFDEX" query --category x --format tsv
    expect_in out.txt "x	0	gorm		"
}

run_case cli
