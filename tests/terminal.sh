#!/bin/sh
# tests/terminal.sh REFDEX FIXTURE CASE — refdex in a shell: an unknown option
# named as such, counts in words that agree with them ("1 entry"), durations
# as people write them ("3 s"), and colour on a terminal only.
REFDEX=$1
FIXTURE=$2
CASE=$3
. "$(dirname "$0")/lib.sh"

# on_tty CMD...: runs CMD with a terminal as stdout and stderr (script(1)),
# its output, both streams, in tty.txt
on_tty() {
    cmd=""
    for a in "$@"; do cmd="$cmd '$a'"; done
    script -qec "$cmd" /dev/null > tty.txt 2>&1 < /dev/null
}
ESC=$(printf '\033')

# `refdex --bogus`, and an unknown option after a command, say "unknown
# option", name it alone (no value, not the other letters of a cluster),
# exit 2, and write nothing; an ambiguous prefix says which options it could be.
case_unknown_option() {
    printf '# t\n\n- [a](https://a.example/) - A.\n' > catalog.md
    expect_exit 2 "$REFDEX" --bogus
    expect_in err.txt "refdex: unknown option '--bogus'"
    expect_exit 2 "$REFDEX" --bogus=3
    expect_in err.txt "unknown option '--bogus'"
    expect_not_in err.txt "=3"
    expect_exit 2 "$REFDEX" -x
    expect_in err.txt "unknown option '-x'"
    expect_exit 2 "$REFDEX" check --bogus
    expect_in err.txt "unknown option '--bogus'"
    expect_exit 2 "$REFDEX" check catalog.md --bogus=3
    expect_in err.txt "unknown option '--bogus'"
    expect_exit 2 "$REFDEX" check catalog.md -qx
    expect_in err.txt "unknown option '-x'"
    expect_exit 2 "$REFDEX" check catalog.md -xq
    expect_in err.txt "unknown option '-x'"
    expect_exit 2 "$REFDEX" check -xq catalog.md
    expect_in err.txt "unknown option '-x'"
    expect_exit 2 "$REFDEX" query --nope
    expect_in err.txt "unknown option '--nope'"
    # a prefix of several options is named with them; of one, it is that one
    expect_exit 2 "$REFDEX" query --s ok
    expect_in err.txt "option '--s' is ambiguous: --search, --strict, --shard, --shards, --status, --since"
    expect_exit 0 "$REFDEX" config --time 3s
    expect_in out.txt "timeout = 3s  # flag --timeout"
    # a real option before the command is not unknown: it is misplaced
    expect_exit 2 "$REFDEX" --verbose check catalog.md
    expect_in err.txt "'--verbose' comes after a command"
    expect_exit 2 "$REFDEX" check catalog.md --color sometimes
    expect_in err.txt "--color is auto, always or never, not 'sometimes'"
    checks=$((checks + 1))
    [ ! -e refdex.db ] || fail "a refused command made refdex.db"
}

# Counts of one are singular and others plural, in what ingest, lint, check
# (text and Markdown), query, history and fix say.
case_plurals() {
    start_fixture
    printf '# t\n\n## one\n\n- [a](%s/ok/a) - Something\n' "$BASE" > one.md
    expect_exit 0 "$REFDEX" ingest one.md --db one.db
    expect_in out.txt "one.md: 1 entry in 2 categories, 0 notes; 1 URL in one.db (1 new)"
    expect_exit 0 "$REFDEX" lint one.md
    expect_in err.txt "one.md: 0 errors, 1 warning, 1 note in 1 entry"
    expect_exit 0 "$REFDEX" check one.md --db one.db --allow-private
    expect_in out.txt "1 link: 1 ok in"
    expect_exit 0 "$REFDEX" report one.md --db one.db --format markdown
    expect_in out.txt "### refdex: 1 link checked in"
    expect_exit 0 "$REFDEX" query --db one.db
    expect_in err.txt "1 entry"
    expect_not_in err.txt "1 entries"
    expect_exit 0 "$REFDEX" history a --db one.db
    expect_in err.txt "1 check"
    expect_not_in err.txt "1 checks"
    printf '# t\n\n## two\n\n- [a](%s/ok/a) - A.\n- [b](%s/status/404) - B.\n' "$BASE" "$BASE" > two.md
    expect_exit 1 "$REFDEX" check two.md --db two.db --allow-private
    expect_in out.txt "2 links: 1 ok, 1 broken in"
    expect_exit 0 "$REFDEX" ingest two.md --db other.db
    expect_in out.txt "2 entries in 2 categories"
    printf '# t\n\n- [a](%s/perm) - A.\n' "$BASE" > fix.md
    expect_exit 0 "$REFDEX" check fix.md --db fix.db --allow-private
    expect_exit 0 "$REFDEX" fix fix.md --db fix.db --dry-run
    expect_in err.txt "fix.md: 1 link would change"
    expect_exit 0 "$REFDEX" fix fix.md --db fix.db
    expect_in err.txt "fix.md: 1 link fixed"
}

# A timeout is reported as the --timeout given ("1 s", not the 1003 ms the
# clock saw), -v says the run's time and deadline in words, and `refdex
# config` writes durations and sizes as its keys take them back, with
# "none" for no deadline (which the file and the flag then accept).
case_durations() {
    start_fixture
    printf '# t\n\n- [slow](%s/hang) - Slow.\n' "$BASE" > catalog.md
    expect_exit 0 "$REFDEX" check catalog.md --allow-private --timeout 1s -v
    expect_in out.txt "timeout: slow $BASE/hang — no answer within 1 s"
    expect_not_in out.txt " ms" # not "within 1003 ms", nor the run's time in ms
    expect_in out.txt "1 link: 0 ok, 1 timeout in 1" # 1 s, or 1.2 s on a busy machine
    expect_in err.txt "(--deadline none)"
    expect_exit 0 "$REFDEX" check catalog.md --allow-private --timeout 1500ms
    expect_in out.txt "no answer within 1.5 s"
    expect_exit 0 "$REFDEX" config
    expect_in out.txt "deadline = none  # default"
    expect_in out.txt "max-age = none  # default"
    expect_in out.txt "host-interval = 0  # default"
    expect_in out.txt "timeout = 20s  # default"
    expect_in out.txt "max-bytes = 1M  # default"
    expect_exit 0 "$REFDEX" config --deadline 2m --max-age 1d --timeout 1500ms --max-bytes 64K
    expect_in out.txt "deadline = 2m  # flag --deadline"
    expect_in out.txt "max-age = 1d  # flag --max-age"
    expect_in out.txt "timeout = 1500ms  # flag --timeout"
    expect_in out.txt "max-bytes = 64K  # flag --max-bytes"
    # what config prints, the file and the flags read back
    "$REFDEX" config --deadline 2m --max-age 1d --timeout 1500ms --max-bytes 64K |
        sed -n 's/  #.*//; /^\(timeout\|deadline\|max-age\|max-bytes\|host-interval\) = /p' > keys.txt
    { echo '[check]'; cat keys.txt; } > refdex.ini
    expect_exit 0 "$REFDEX" config catalog.md
    expect_in out.txt "deadline = 2m  # refdex.ini:"
    expect_in out.txt "max-bytes = 64K  # refdex.ini:"
    printf '[check]\ndeadline = none\n' > refdex.ini
    expect_exit 0 "$REFDEX" config catalog.md
    expect_in out.txt "deadline = none  # refdex.ini:2"
    expect_exit 0 "$REFDEX" config catalog.md --deadline none --max-age none
    expect_in out.txt "deadline = none  # flag --deadline"
}

# Colour on a terminal: results, the summary's counts and lint's severities;
# none when NO_COLOR is set, when the output is not a terminal, or with
# --color never; --color always colours a file too.
case_colour() {
    need_script=$(command -v script) || { fail "script(1) is not installed (util-linux)"; return; }
    start_fixture
    printf '# t\n\n## s\n\n- [a](%s/ok/a) - A.\n- [b](%s/status/404) - B.\n' "$BASE" "$BASE" > catalog.md
    on_tty "$REFDEX" check catalog.md --allow-private
    expect_in tty.txt "${ESC}[1;31mbroken${ESC}[0m: b $BASE/status/404"
    expect_in tty.txt "${ESC}[32m1 ok${ESC}[0m, ${ESC}[1;31m1 broken${ESC}[0m in"
    expect_in tty.txt "${ESC}[1mt/s${ESC}[0m"
    NO_COLOR=1 on_tty "$REFDEX" check catalog.md --allow-private
    expect_in tty.txt "  catalog.md:6:3: broken: b $BASE/status/404"
    expect_not_in tty.txt "${ESC}[1;31m"
    NO_COLOR='' on_tty "$REFDEX" check catalog.md --allow-private
    expect_in tty.txt "${ESC}[1;31mbroken" # NO_COLOR set but empty does not count
    NO_COLOR=1 on_tty "$REFDEX" check catalog.md --allow-private --color always
    expect_in tty.txt "${ESC}[1;31mbroken"
    on_tty "$REFDEX" check catalog.md --allow-private --color never
    expect_not_in tty.txt "${ESC}[1;31m"
    expect_exit 1 "$REFDEX" check catalog.md --allow-private
    expect_not_in out.txt "$ESC"
    expect_in out.txt "  catalog.md:6:3: broken: b $BASE/status/404 — HTTP 404"
    expect_exit 1 "$REFDEX" report catalog.md --color always -o report.txt
    expect_in report.txt "${ESC}[1;31mbroken${ESC}[0m"
    expect_exit 1 "$REFDEX" report catalog.md --format github --color always
    expect_not_in out.txt "$ESC"
    # lint, as compilers colour diagnostics
    on_tty "$REFDEX" lint catalog.md
    expect_in tty.txt "${ESC}[1mcatalog.md:5:3:${ESC}[0m ${ESC}[1;36mnote${ESC}[0m: http-not-https"
    expect_exit 0 "$REFDEX" lint catalog.md
    expect_not_in out.txt "$ESC"
    expect_in out.txt "catalog.md:5:3: note: http-not-https"
}

run_case terminal
