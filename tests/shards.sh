#!/bin/sh
# tests/shards.sh REFDEX FIXTURE CASE — sharded checks end to end: `check
# --shard`, `merge` and `report` against the fixture server on 127.0.0.1 to
# 127.0.0.8 (started here, stopped here, and stopping by itself after two
# minutes in any case), and the CI manifests of docs/ci/ run as written.
REFDEX=$1
FIXTURE=$2
CASE=$3
. "$(dirname "$0")/lib.sh"
# NO_TIME: sed, the run's time off a text report's summary ("in 41 ms", "in 1 min 5 s")
NO_TIME='s/ in [0-9][0-9.]* [a-z]*\( [0-9]* [a-z]*\)\{0,1\}$//'
DOCS=$TESTS/../docs/ci

# A catalog over eight hosts and no host at all (mailto:, a file): what every
# result looks like, three links a host. Line numbers do not matter here.
write_catalog() {
    {
        echo "# Sharded"
        echo
        for h in 1 2 3 4 5 6 7 8; do
            u="http://127.0.0.$h:$PORT"
            echo "## host $h"
            echo "- [ok$h]($u/ok/$h) - Fine."
            echo "- [gone$h]($u/status/404?$h) - Gone."
            echo "- [moved$h]($u/chain/$((h % 3 + 1))?$h) - Moved."
            echo
        done
        echo "## elsewhere"
        echo "- [also ok1]($BASE/ok/1) - The same URL again."
        echo "- [loop]($BASE/loop/a) - Loops."
        echo "- [found](http://127.0.0.5:$PORT/found) - Moved for a while."
        echo "- [mail](mailto:someone@example.com) - Mail."
        echo "- [here](catalog.md) - This file."
        echo "- [missing](missing.md) - No such file."
    } > catalog.md
}

CHECK_OPTS="--allow-private --retries 0 --timeout 5s"

# hosts DB: the host of every URL the database's latest run checked ("-" for
# none), one a line
hosts() {
    sqlite3 "$1" "SELECT DISTINCT CASE WHEN u.url LIKE 'http%://%' THEN
        substr(substr(u.url, instr(u.url, '//') + 2), 1,
               instr(substr(u.url, instr(u.url, '//') + 2) || '/', ':') - 1) ELSE '-' END
        FROM checks k JOIN urls u ON u.id = k.url_id
        WHERE k.run_id = (SELECT max(id) FROM runs)"
}

# canon JSON: a check report as lines, one per URL in URL order, without what
# differs from one fetch to the next (times, dates)
canon() {
    sqlite3 :memory: "SELECT json_extract(value, '\$.url'), json_extract(value, '\$.result'),
        json_extract(value, '\$.status'), json_extract(value, '\$.final_url'),
        json_extract(value, '\$.redirects'), json_extract(value, '\$.error'),
        json_extract(value, '\$.title'), json_extract(value, '\$.entries')
        FROM json_each(readfile('$1')) ORDER BY 1"
}

# The same catalog checked as one run, and as four shards (a database each)
# merged and reported, gives the same results in every format, and no host
# is checked by two shards.
case_same_as_one_run() {
    start_fixture --hosts 8
    write_catalog
    expect_exit 1 "$REFDEX" check catalog.md $CHECK_OPTS --db one.db --format json -o one.json
    expect_exit 1 "$REFDEX" report catalog.md --db one.db
    mv out.txt one.txt
    for k in 0 1 2 3; do
        checks=$((checks + 1))
        "$REFDEX" check catalog.md $CHECK_OPTS --db s$k.db --shard $k/4 -q > s$k.txt 2>&1
        [ $? -le 1 ] || fail "shard $k/4: $(cat s$k.txt)"
        expect_in s$k.txt "shard $k of 4: "
        hosts s$k.db >> hosts.txt
    done
    # every host in one shard, every link in one, several shards used
    checks=$((checks + 1))
    [ -z "$(sort hosts.txt | uniq -d)" ] || fail "a host is in two shards: $(sort hosts.txt | uniq -d)"
    expect_in hosts.txt "127.0.0.8"
    checks=$((checks + 1))
    [ "$(sort -u hosts.txt | wc -l)" -eq 9 ] || fail "not 8 hosts and no host: $(cat hosts.txt)"
    checks=$((checks + 1))
    n=0
    for k in 0 1 2 3; do n=$((n + $(sqlite3 s$k.db "SELECT count(*) FROM checks"))); done
    links=$(sqlite3 one.db "SELECT count(*) FROM checks")
    [ "$n" -eq "$links" ] || fail "the shards checked $n links, one run $links"
    checks=$((checks + 1))
    used=0
    for k in 0 1 2 3; do [ "$(sqlite3 s$k.db "SELECT count(*) FROM checks")" -gt 0 ] && used=$((used + 1)); done
    [ "$used" -ge 3 ] || fail "only $used shards had links"
    expect_sql_in s0.db "SELECT shard || '/' || shards FROM runs" "0/4"
    # merged: the same report, and the same exit code
    cksum s0.db s1.db s2.db s3.db > before.sum
    expect_exit 0 "$REFDEX" merge merged.db s0.db s1.db s2.db s3.db
    expect_in out.txt "gathers 4 of 4 shards"
    checks=$((checks + 1))
    cksum s0.db s1.db s2.db s3.db | cmp -s before.sum - || fail "merge changed a shard's file"
    checks=$((checks + 1))
    [ ! -e s0.db-wal ] && [ ! -e merged.db-wal ] || fail "a database was left in WAL mode"
    expect_exit 1 "$REFDEX" report catalog.md --db merged.db --format json -o merged.json
    checks=$((checks + 1))
    canon one.json > one.canon
    canon merged.json > merged.canon
    [ "$(wc -l < one.canon)" -eq "$links" ] && cmp -s one.canon merged.canon ||
        fail "merged results differ from one run's: $(diff one.canon merged.canon)"
    expect_exit 1 "$REFDEX" report catalog.md --db merged.db
    expect_in out.txt "merged shards 0,1,2,3 of 4"
    checks=$((checks + 1))
    # the text report, less the time it took and the shards line, is the same
    sed "$NO_TIME" one.txt > a.txt
    grep -v '^merged shards' out.txt | sed "$NO_TIME" > b.txt
    cmp -s a.txt b.txt || fail "text reports differ: $(diff a.txt b.txt)"
    expect_in b.txt "catalog.md:5:3: broken: gone1 http://127.0.0.1:$PORT/status/404?1 — HTTP 404"
    expect_in b.txt "$links links: "
    for f in github junit markdown; do
        "$REFDEX" report catalog.md --db one.db --format $f > one.$f 2>/dev/null
        expect_exit 1 "$REFDEX" report catalog.md --db merged.db --format $f
        checks=$((checks + 1))
        grep -v 'refdex shards\|merged shards\|time=' out.txt | sed 's/checked in [0-9][0-9.]* [a-z]*\( [0-9]* [a-z]*\)\{0,1\}$/checked/' | cat -s > b.$f
        grep -v 'time=' one.$f | sed 's/checked in [0-9][0-9.]* [a-z]*\( [0-9]* [a-z]*\)\{0,1\}$/checked/' | cat -s > a.$f
        cmp -s a.$f b.$f || fail "$f reports differ: $(diff a.$f b.$f)"
    done
    expect_exit 1 "$REFDEX" report catalog.md --db merged.db --format github
    expect_in out.txt "::notice title=refdex shards::merged shards 0,1,2,3 of 4"
    # the merged database is a refdex database like any: statuses, the page
    expect_exit 0 "$REFDEX" query --db merged.db --category "host 3" --format tsv
    expect_in out.txt "$(printf 'gone3\thttp://127.0.0.3:%s/status/404?3\tbroken' "$PORT")"
    expect_sql_in merged.db "PRAGMA integrity_check" "ok"
    expect_sql_in merged.db "SELECT count(*) FROM pragma_foreign_key_check" "0"
    # merging the same shards again adds no run twice
    expect_exit 0 "$REFDEX" merge merged.db s0.db s1.db s2.db s3.db
    expect_in out.txt "0 runs and 0 checks added"
    expect_sql_in merged.db "SELECT count(*) FROM checks" "$links"
}

# expect_sql_in DB QUERY VALUE
expect_sql_in() {
    checks=$((checks + 1))
    got=$(sqlite3 "$1" "$2")
    [ "$got" = "$3" ] || fail "$1: $2 gave '$got', expected '$3'"
}

# More shards than SQLite attaches at once merge in steps: --add joins the
# latest merged run, a shard given again replaces its earlier run, and the
# result is that of merging them all at once.
case_merge_in_steps() {
    start_fixture --hosts 8
    write_catalog
    for k in 0 1 2 3; do "$REFDEX" check catalog.md $CHECK_OPTS --db s$k.db --shard $k/4 -q > /dev/null 2>&1; done
    expect_exit 0 "$REFDEX" merge all.db s0.db s1.db s2.db s3.db
    expect_exit 2 "$REFDEX" merge --add steps.db s0.db
    expect_in err.txt "no merged run of this catalog in 4 shards to add to; merge without --add first"
    checks=$((checks + 1))
    [ ! -e steps.db ] || fail "a refused merge --add made steps.db"
    expect_exit 0 "$REFDEX" merge steps.db s0.db s1.db
    expect_in out.txt "gathers 2 of 4 shards"
    expect_in err.txt "shards 2,3 of 4 are missing"
    expect_exit 0 "$REFDEX" merge --add steps.db s2.db
    expect_in out.txt "gathers 3 of 4 shards"
    # shard 1 checked again: its new run replaces the one merged
    "$REFDEX" check catalog.md $CHECK_OPTS --db s1.db --shard 1/4 -q > /dev/null 2>&1
    expect_exit 0 "$REFDEX" merge --add steps.db s3.db s1.db
    expect_in out.txt "gathers 4 of 4 shards; 2 runs and"
    checks=$((checks + 1))
    [ ! -s err.txt ] || fail "merge --add of every shard still says: $(cat err.txt)"
    # one merged run is left (the emptied ones are gone), with one run a shard
    expect_sql_in steps.db "SELECT count(*) FROM runs WHERE shard IS NULL" 1
    expect_sql_in steps.db "SELECT group_concat(shard) FROM (SELECT shard FROM runs WHERE merged_into IS NOT NULL ORDER BY shard)" "0,1,2,3"
    expect_sql_in steps.db "SELECT count(*) FROM runs" 6
    expect_exit 1 "$REFDEX" report catalog.md --db all.db --format json -o all.json
    expect_exit 1 "$REFDEX" report catalog.md --db steps.db --format json -o steps.json
    checks=$((checks + 1))
    canon all.json > a.canon
    canon steps.json > b.canon
    cmp -s a.canon b.canon || fail "merged in steps differs from at once: $(diff a.canon b.canon)"
    expect_exit 1 "$REFDEX" report catalog.md --db steps.db
    expect_in out.txt "merged shards 0,1,2,3 of 4"
}

# Shards made from copies of one database with a history: the history is
# merged once (a run is known by its uid), and cache hits (--max-age) still
# name the check they reused, so the merged report is the one run's.
case_cached_history() {
    start_fixture --hosts 8
    write_catalog
    expect_exit 1 "$REFDEX" check catalog.md $CHECK_OPTS --db base.db
    cp base.db one.db
    expect_exit 1 "$REFDEX" check catalog.md $CHECK_OPTS --db one.db --max-age 1h
    expect_in out.txt "19 cached"
    mv out.txt one.txt
    for k in 0 1 2 3; do
        cp base.db s$k.db
        "$REFDEX" check catalog.md $CHECK_OPTS --db s$k.db --max-age 1h --shard $k/4 -q > /dev/null 2>&1
    done
    expect_exit 0 "$REFDEX" merge merged.db s0.db s1.db s2.db s3.db
    expect_in out.txt "5 runs and"
    expect_sql_in merged.db "SELECT count(*) FROM runs" 6
    expect_sql_in merged.db "SELECT count(*) FROM checks WHERE result = 'cached' AND cached_from IS NULL" 0
    expect_sql_in merged.db "SELECT count(*) FROM checks k JOIN checks f ON f.id = k.cached_from
        WHERE f.run_id = (SELECT min(id) FROM runs) AND f.url_id = k.url_id" 19
    expect_exit 1 "$REFDEX" report catalog.md --db merged.db
    checks=$((checks + 1))
    sed "$NO_TIME" one.txt > a.txt
    grep -v '^merged shards' out.txt | sed "$NO_TIME" > b.txt
    cmp -s a.txt b.txt || fail "cached reports differ: $(diff a.txt b.txt)"
    expect_in b.txt "redirect (cached): moved1 "
}

# The shard comes from --shard, from REFDEX_SHARD (a CI matrix), or with
# --shards N from JOB_COMPLETION_INDEX (Kubernetes); bad values are refused
# with exit 2 before anything is written.
case_shard_from_environment() {
    start_fixture --hosts 8
    write_catalog
    expect_exit 1 "$REFDEX" check catalog.md $CHECK_OPTS --db a.db --shard 2/4
    expect_exit 1 env JOB_COMPLETION_INDEX=2 "$REFDEX" check catalog.md $CHECK_OPTS --db b.db --shards 4
    expect_exit 1 env REFDEX_SHARD=2/4 "$REFDEX" check catalog.md $CHECK_OPTS --db c.db
    # an option is stronger than the environment
    expect_exit 1 env REFDEX_SHARD=0/4 "$REFDEX" check catalog.md $CHECK_OPTS --db d.db --shard 2/4
    for db in a b c d; do
        expect_sql_in $db.db "SELECT shard || '/' || shards FROM runs" "2/4"
        hosts $db.db | sort > $db.hosts
    done
    checks=$((checks + 1))
    cmp -s a.hosts b.hosts && cmp -s a.hosts c.hosts && cmp -s a.hosts d.hosts ||
        fail "the same shard checked other hosts"
    expect_in a.hosts "127.0.0.1"
    expect_in a.hosts "127.0.0.5"
    for bad in "--shard 4/4" "--shard 1" "--shard -1/4" "--shard 1/0" "--shard a/b" \
               "--shard 1/4 --shards 4" "--shards 0" "--shards 4"; do
        # shellcheck disable=SC2086
        expect_exit 2 "$REFDEX" check catalog.md $bad --db bad.db
    done
    expect_in err.txt "JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job), which is not set"
    expect_exit 2 env JOB_COMPLETION_INDEX=4 "$REFDEX" check catalog.md --shards 4 --db bad.db
    expect_in err.txt "JOB_COMPLETION_INDEX is '4'; with --shards 4 it must be a number from 0 to 3"
    expect_exit 2 env REFDEX_SHARD=1/1x "$REFDEX" check catalog.md --db bad.db
    expect_in err.txt "REFDEX_SHARD '1/1x': takes K/N"
    expect_exit 2 "$REFDEX" check catalog.md --shard 4/4 --db bad.db
    expect_in err.txt "(the first is 0, not 1)"
    checks=$((checks + 1))
    [ ! -e bad.db ] || fail "a refused check wrote bad.db"
    # sharding is check's: update and render do not take it
    expect_exit 2 "$REFDEX" update catalog.md --shard 0/4
}

# Shards of another catalog, of another N, one shard twice, a file refdex
# did not make: exit 2 and nothing changed. A missing shard is said by merge
# and by every report, which exits 3.
case_merge_refusals() {
    start_fixture --hosts 8
    write_catalog
    for k in 0 1 2 3; do "$REFDEX" check catalog.md $CHECK_OPTS --db s$k.db --shard $k/4 -q > /dev/null 2>&1; done
    cp catalog.md other.md
    echo "- [extra]($BASE/ok/extra) - One more." >> other.md
    "$REFDEX" check other.md $CHECK_OPTS --db other.db --shard 1/4 -q > /dev/null 2>&1
    "$REFDEX" check catalog.md $CHECK_OPTS --db three.db --shard 1/3 -q > /dev/null 2>&1
    "$REFDEX" check catalog.md $CHECK_OPTS --db again.db --shard 1/4 -q > /dev/null 2>&1
    "$REFDEX" check catalog.md $CHECK_OPTS --db whole.db -q > /dev/null 2>&1
    sqlite3 foreign.db "CREATE TABLE t(x); INSERT INTO t VALUES (1)"
    cp foreign.db foreign.orig
    expect_exit 2 "$REFDEX" merge new.db s0.db other.db
    expect_in err.txt "other.db holds another catalog than s0.db (source "
    expect_exit 2 "$REFDEX" merge new.db s0.db three.db
    expect_in err.txt "three.db is shard 1/3 and s0.db is shard 0/4"
    expect_exit 2 "$REFDEX" merge new.db s1.db again.db
    expect_in err.txt "again.db and s1.db are both shard 1/4"
    expect_exit 2 "$REFDEX" merge new.db s0.db whole.db
    expect_in err.txt "whole.db: no shard run to merge (it holds no sharded check run)"
    expect_exit 2 "$REFDEX" merge new.db s0.db foreign.db
    expect_in err.txt "foreign.db: not a refdex database"
    expect_exit 2 "$REFDEX" merge new.db s0.db nothere.db
    checks=$((checks + 1))
    [ ! -e new.db ] || fail "a refused merge made new.db"
    expect_exit 2 "$REFDEX" merge foreign.db s0.db s1.db
    checks=$((checks + 1))
    cmp -s foreign.db foreign.orig || fail "a refused merge changed another program's file"
    # into the database of another catalog: refused, and left as it was
    cp other.db other.orig
    expect_exit 2 "$REFDEX" merge other.db s0.db s1.db
    expect_in err.txt "other.db holds another catalog (other.md"
    checks=$((checks + 1))
    cmp -s other.db other.orig || fail "a refused merge changed other.db"
    expect_exit 2 "$REFDEX" merge
    expect_exit 2 "$REFDEX" merge new.db
    expect_in err.txt "'merge' needs OUT.db and at least one SHARD.db"
    # the same run given twice counts once; into the whole run's database
    # (the same catalog, with a history of its own) is fine
    expect_exit 0 "$REFDEX" merge whole.db s0.db s0.db s1.db s3.db
    expect_in err.txt "shards 2 of 4 are missing; their links were not checked"
    expect_exit 3 "$REFDEX" report catalog.md --db whole.db
    expect_in out.txt "merged shards 0,1,3 of 4 (numbered from 0); missing: 2, whose links were not checked"
    expect_in err.txt "missing: 2"
    expect_exit 3 "$REFDEX" report catalog.md --db whole.db --format github
    expect_in out.txt "::warning title=refdex shards::merged shards 0,1,3 of 4"
    expect_exit 3 "$REFDEX" report catalog.md --db whole.db --format junit
    expect_in out.txt '<testcase classname="refdex" name="shard 2 of 4">'
    checks=$((checks + 1))
    [ "$(grep -c '<testcase ' out.txt)" -eq "$(sed -n 's/.*<testsuite [^>]*tests="\([0-9]*\)".*/\1/p' out.txt)" ] ||
        fail "the JUnit report does not count its test cases"
    expect_in out.txt 'skipped="1"'
    expect_exit 3 "$REFDEX" report catalog.md --db whole.db --format markdown
    expect_in out.txt "**Not complete:** merged shards 0,1,3 of 4"
    # the whole run before the merge is still there to report
    expect_exit 1 "$REFDEX" report catalog.md --db whole.db --run 1
    expect_not_in out.txt "shards"
}

# report reads a stored run and fetches nothing: the same report as the
# check's with the servers gone; it refuses a catalog edited since.
case_report_without_fetching() {
    start_fixture --hosts 8
    write_catalog
    expect_exit 1 "$REFDEX" check catalog.md $CHECK_OPTS --format github
    mv out.txt check.github
    kill "$FIX_PID"; wait "$FIX_PID" 2>/dev/null; FIX_PID=
    expect_exit 1 "$REFDEX" report catalog.md --format github
    checks=$((checks + 1))
    cmp -s check.github out.txt || fail "report differs from check: $(diff check.github out.txt)"
    expect_exit 1 "$REFDEX" report catalog.md --format junit -o r.xml
    checks=$((checks + 1))
    xmllint --noout r.xml || fail "r.xml is not well-formed"
    expect_exit 2 "$REFDEX" report catalog.md --format xml
    expect_exit 2 "$REFDEX" report catalog.md --run 99
    expect_in err.txt "no run 99"
    expect_exit 2 "$REFDEX" report catalog.md --db none.db
    # a shard run reported again says it is one
    "$REFDEX" check catalog.md --db one-shard.db --shard 1/4 --exclude . -q > /dev/null
    expect_exit 0 "$REFDEX" report catalog.md --db one-shard.db
    expect_in out.txt "shard 1 of 4: "
    echo "- [new]($BASE/ok/new) - New." >> catalog.md
    expect_exit 2 "$REFDEX" report catalog.md
    expect_in err.txt "catalog.md is not the catalog refdex.db holds"
}

# The GitHub Actions workflow and the Kubernetes manifests of docs/ci/ parse
# as YAML, and their refdex commands, run as written (with --allow-private
# and the like added for the fixture, and the containers' folders made
# local), give the merged report.
case_ci_manifests() {
    checks=$((checks + 1))
    python3 -c 'import sys, yaml
for f in sys.argv[1:]:
    docs = list(yaml.safe_load_all(open(f)))
    assert docs and all(docs), f' "$DOCS/github-shards.yml" "$DOCS/k8s-check.yaml" \
        "$DOCS/k8s-report.yaml" || fail "docs/ci: not YAML"
    start_fixture --hosts 8
    write_catalog
    for_fixture="s#check \([^ ]*catalog.md\)#check \1 $CHECK_OPTS#"
    # GitHub Actions: each job of the matrix in a checkout of its own, the
    # artifacts downloaded as shard-K/shard.db, then the report job
    gh_check=$(sed -n 's/^ *run: \(build\/refdex check .*\)$/\1/p' "$DOCS/github-shards.yml" |
        sed "$for_fixture")
    gh_report=$(sed -n 's/^ *run: \(build\/refdex \(merge\|report\) .*\)$/\1/p' "$DOCS/github-shards.yml")
    checks=$((checks + 1))
    [ -n "$gh_check" ] && [ "$(printf '%s\n' "$gh_report" | wc -l)" -eq 3 ] ||
        fail "not the refdex commands expected in github-shards.yml: $gh_check / $gh_report"
    expect_in "$DOCS/github-shards.yml" 'REFDEX_SHARD: ${{ matrix.shard }}/${{ strategy.job-total }}'
    expect_in "$DOCS/github-shards.yml" 'shard: [0, 1, 2, 3]'
    mkdir build && ln -s "$REFDEX" build/refdex
    for k in 0 1 2 3; do
        mkdir job$k && cp catalog.md job$k/ && ln -s ../build job$k/build
        checks=$((checks + 1))
        (cd job$k && REFDEX_SHARD=$k/4 sh -ec "$gh_check") > job$k.out 2>&1 ||
            fail "shard job $k: $(cat job$k.out)"
        mkdir shard-$k && mv job$k/shard.db shard-$k/
    done
    checks=$((checks + 1))
    printf '%s\n' "$gh_report" > report.sh
    GITHUB_STEP_SUMMARY=summary.md sh -e report.sh > gh.out 2>&1
    rc=$?
    [ "$rc" -eq 1 ] || fail "the report job exited $rc, expected 1 (broken links): $(cat gh.out)"
    expect_in gh.out "::error file=catalog.md,line=5,col=3,title=broken link::gone1: "
    expect_in gh.out "::notice title=refdex shards::merged shards 0,1,2,3 of 4"
    expect_in summary.md "| broken | 9 |"
    # Kubernetes: the Indexed Job's command for each index, then the report
    # Job's; refdex on the PATH, /catalog, /shards and /work here
    mkdir -p k8s/bin k8s/catalog k8s/shards k8s/work && cp catalog.md k8s/catalog/
    ln -s "$REFDEX" k8s/bin/refdex
    local_dirs="s#/\(catalog\|shards\|work\)/#$WORK/k8s/\1/#g"
    k8s_check=$(sed -n 's/^ *- \(refdex .*\)$/\1/p' "$DOCS/k8s-check.yaml" | sed "$local_dirs; $for_fixture")
    k8s_report=$(sed -n 's/^ *- \(refdex .*\)$/\1/p' "$DOCS/k8s-report.yaml" | sed "$local_dirs")
    checks=$((checks + 1))
    [ -n "$k8s_check" ] && [ -n "$k8s_report" ] || fail "no refdex command in docs/ci/k8s-*.yaml"
    expect_in "$DOCS/k8s-check.yaml" "completionMode: Indexed"
    expect_in "$DOCS/k8s-check.yaml" "completions: 4"
    for k in 0 1 2 3; do
        checks=$((checks + 1))
        rm -f k8s/work/*
        JOB_COMPLETION_INDEX=$k PATH="$WORK/k8s/bin:$PATH" sh -c "$k8s_check" > k$k.out 2>&1 ||
            fail "index $k: $(cat k$k.out)"
    done
    rm -f k8s/work/*
    checks=$((checks + 1))
    PATH="$WORK/k8s/bin:$PATH" sh -c "$k8s_report" > k8s.out 2>&1
    rc=$?
    [ "$rc" -eq 1 ] || fail "the report Job exited $rc, expected 1: $(cat k8s.out)"
    expect_in k8s.out "catalog.md:5:3: broken: gone1 "
    expect_in k8s.out "merged shards 0,1,2,3 of 4"
    expect_sql_in k8s/shards/refdex.db "SELECT count(*) FROM runs WHERE merged_into IS NOT NULL" 4
}

run_case shards
