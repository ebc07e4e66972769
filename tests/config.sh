#!/bin/sh
# tests/config.sh REFDEX FIXTURE CASE — the config file (refdex.ini) and
# `refdex config`, against the fixture server on 127.0.0.1.
REFDEX=$1
FIXTURE=$2
CASE=$3
. "$(dirname "$0")/lib.sh"

# refdex.ini beside the catalog sets check's options; flags override it.
case_file_applies() {
    start_fixture
    printf '## x\n- [a](%s/ok/a)\n- [b](%s/status/403)\n' "$BASE" "$BASE" > c.md
    expect_exit 1 "$REFDEX" check c.md --allow-private
    printf '; checks of the fixture\n[check]\naccept = 200..299,403\nallow-private = true\n' > refdex.ini
    expect_exit 0 "$REFDEX" check c.md
    expect_in out.txt "2 links: 2 ok"
    expect_exit 1 "$REFDEX" check c.md --accept 200..299
    mkdir other
    printf '[check]\nallow-private = true\n' > other/x.ini
    expect_exit 1 "$REFDEX" check c.md --config other/x.ini
    expect_in out.txt "broken: b $BASE/status/403 — HTTP 403"
}

# A header in the file names an environment variable; its value reaches the
# server and is in no file and no output of the run, `refdex config` included.
case_header_from_env() {
    TOKEN="rdx-ini-$$-77aa"
    export RD_FIXTURE_AUTH="Bearer $TOKEN"
    start_fixture
    printf '## x\n- [auth](%s/auth)\n' "$BASE" > c.md
    printf '[check]\nallow-private = true\nheader = Authorization: Bearer ${RD_TEST_TOKEN}\n' > refdex.ini
    expect_exit 2 env -u RD_TEST_TOKEN "$REFDEX" check c.md -v
    expect_in err.txt "refdex.ini:3: header names \${RD_TEST_TOKEN}, which is not set"
    export RD_TEST_TOKEN="$TOKEN"
    expect_exit 0 "$REFDEX" check c.md -v
    cp out.txt run-out.txt; cp err.txt run-err.txt
    expect_in run-out.txt "1 link: 1 ok"
    expect_exit 0 "$REFDEX" config c.md
    cp out.txt config.txt
    expect_in config.txt "header = Authorization: (not shown)  # refdex.ini:3"
    checks=$((checks + 1))
    leaks=$(grep -rlaF -- "$TOKEN" .)
    [ -z "$leaks" ] || fail "the token is in: $leaks"
}

# `refdex config` says each setting and where it comes from.
case_provenance() {
    printf '## x\n' > c.md
    printf '[check]\n# a comment\ntimeout = 5s\nper-host = 2\nexclude = ^https://a\\.example/\n' > refdex.ini
    expect_exit 0 "$REFDEX" config c.md --per-host 3 --exclude x --user-agent "ci bot"
    expect_in out.txt "# config file: refdex.ini"
    expect_in out.txt "timeout = 5s  # refdex.ini:3"
    expect_in out.txt "per-host = 3  # flag --per-host"
    expect_in out.txt "concurrency = 128  # default"
    expect_in out.txt "user-agent = ci bot  # flag --user-agent"
    expect_in out.txt 'exclude = ^https://a\.example/  # refdex.ini:5'
    expect_in out.txt "exclude = x  # flag --exclude"
    rm refdex.ini
    expect_exit 0 "$REFDEX" config c.md
    expect_in out.txt "# config file: none"
    expect_in out.txt "timeout = 20s  # default"
}

# What is wrong in the file is said as FILE:LINE, exits 2, and writes nothing.
case_bad_file() {
    printf '## x\n- [a](http://127.0.0.1:9/a)\n' > c.md
    bad() { # bad TEXT MESSAGE
        printf "$1" > refdex.ini
        expect_exit 2 "$REFDEX" check c.md
        expect_in err.txt "$2"
        checks=$((checks + 1))
        [ ! -e refdex.db ] || fail "refdex.db written for: $2"
    }
    bad '[check]\ntimeout = 1s\nx = 1\n' "refdex: refdex.ini:3: unknown key 'x' in [check]"
    bad '[check]\n\ntimeout = soon\n' "refdex.ini:3: timeout takes a duration such as 500ms"
    bad '[check]\nconcurrency = 0\n' "refdex.ini:2: concurrency takes a whole number from 1 to 65536, not '0'"
    bad '[check]\nallow-private = maybe\n' "refdex.ini:2: allow-private takes true or false"
    bad '[check]\nthis is not a key\n' "refdex.ini:2: not a [section], a 'key = value' or a comment"
    bad 'timeout = 1s\n' "refdex.ini:1: key 'timeout' outside a section; put it under [check]"
    bad '[checks]\ntimeout = 1s\n' "refdex.ini:2: unknown section [checks]"
    bad '[check]\nheader = Authorization Bearer abc\n' "refdex.ini:2: --header takes 'Name: value'"
    expect_not_in err.txt "Bearer abc"
    long=$(head -c 300 /dev/zero | tr '\0' a)
    bad "[check]\nheader = X: $long\n" "refdex.ini:2: a line longer than"
    rm refdex.ini
    expect_exit 2 "$REFDEX" check c.md --config missing.ini
    expect_in err.txt "cannot read the config file missing.ini"
}

# .refdexignore beside the catalog: a regex a line; matching URLs are excluded.
case_ignore_file() {
    start_fixture
    printf '## x\n- [a](%s/ok/a)\n- [b](%s/status/404)\n- [c](%s/status/500)\n' "$BASE" "$BASE" "$BASE" > c.md
    expect_exit 1 "$REFDEX" check c.md --allow-private --retries 0
    printf '# links that are down on purpose\n\n/status/404$\n  /status/5[0-9]{2}$  \n' > .refdexignore
    expect_exit 0 "$REFDEX" check c.md --allow-private --retries 0
    expect_in out.txt "3 links: 1 ok, 2 excluded"
    expect_exit 0 "$REFDEX" config c.md
    expect_in out.txt 'ignore = /status/5[0-9]{2}$  # .refdexignore:4'
    printf '/status/404$\n\n[z-a\n' > .refdexignore
    rm refdex.db
    expect_exit 2 "$REFDEX" check c.md --allow-private
    expect_in err.txt ".refdexignore:3: not a regular expression (POSIX extended): "
    checks=$((checks + 1))
    [ ! -e refdex.db ] || fail "refdex.db written despite a bad .refdexignore"
}

# [host "NAME"] sections: a header with ${ENV} read at request time and sent
# to that host only, its accepted statuses and method, treat = skip/blocked.
case_host_sections() {
    TOKEN="rdx-host-$$-c0ffee"
    export RD_FIXTURE_AUTH="Bearer $TOKEN"
    start_fixture --hosts 3
    B2="http://127.0.0.2:$PORT" B3="http://127.0.0.3:$PORT"
    printf '## x\n- [auth](%s/auth)\n- [away](%s/auth-elsewhere)\n- [gone](%s/status/410)\n- [skipped](%s/status/404)\n' \
        "$BASE" "$BASE" "$B2" "$B3" > c.md
    cat > refdex.ini <<'EOI'
[check]
allow-private = true
retries = 0

[host "127.0.0.1"]
header = Authorization: Bearer ${RD_TEST_TOKEN}
concurrency = 2
interval = 10ms

[host "127.0.0.2"]
accept = 200..299,410
method = head

[host "127.0.0.3"]
treat = skip
EOI
    expect_exit 1 env -u RD_TEST_TOKEN "$REFDEX" check c.md
    expect_in out.txt "error: auth $BASE/auth — a header for 127.0.0.1 names \${RD_TEST_TOKEN}, which is not set"
    export RD_TEST_TOKEN="$TOKEN"
    expect_exit 1 "$REFDEX" check c.md -v
    cp out.txt run-out.txt; cp err.txt run-err.txt
    # the token reached 127.0.0.1, not 127.0.0.2 after a redirect there
    expect_in run-out.txt "c.md:3:3: broken: away $BASE/auth-elsewhere — HTTP 401"
    expect_in run-out.txt "4 links: 2 ok, 1 broken, 1 excluded"
    checks=$((checks + 1))
    grep -q "^HEAD /status/410" fixture.log && ! grep -q "^GET /status/410" fixture.log ||
        fail "method = head not used for 127.0.0.2"
    checks=$((checks + 1))
    ! grep -q "/status/404" fixture.log || fail "a skipped host was fetched"
    expect_exit 1 "$REFDEX" report c.md --format json -o report.json
    expect_in report.json "its host's treat = skip"
    expect_exit 0 "$REFDEX" config c.md
    cp out.txt config.txt
    expect_in config.txt '[host "127.0.0.1"]  # refdex.ini:6'
    expect_in config.txt "  header = Authorization: (not shown)"
    expect_in config.txt "  accept = 200..299,410"
    expect_in config.txt "  treat = skip"
    checks=$((checks + 1))
    leaks=$(grep -rlaF -- "$TOKEN" .)
    [ -z "$leaks" ] || fail "the token is in: $leaks"
    printf '[host "a.example"]\nsize = 3\n' > refdex.ini
    expect_exit 2 "$REFDEX" check c.md
    expect_in err.txt "refdex.ini:2: unknown key 'size' in [host \"a.example\"]"
    printf '[host "a.example"]\ntreat = never\n' > refdex.ini
    expect_exit 2 "$REFDEX" check c.md
    expect_in err.txt "refdex.ini:2: treat in [host \"a.example\"] takes check, skip or blocked, not 'never'"
    printf '[host a.example]\ntreat = skip\n' > refdex.ini
    expect_exit 2 "$REFDEX" check c.md
    expect_in err.txt "refdex.ini:2: unknown section [host a.example]"
}

run_case config
