#!/bin/sh
# tests/repos.sh REFDEX FAKE_FORGE FIXTURE CASE — repositories' metadata from
# the forges' APIs (refdex repos, check --repos, stale, query --sort), against
# tests/fake_forge.c on 127.0.0.1: no other address is ever contacted (every
# API base URL points at the fake, and without --allow-private even that is
# refused).
REFDEX=$1
FAKE=$2
FIXTURE=$3
CASE=$4
. "$(dirname "$0")/lib.sh"

# start_fake [OPTIONS]: the fake API; sets API (its base URL) and FAKE_PID
start_fake() {
    rm -f fake.log
    "$FAKE" --lifetime 110 "$@" > fake.log &
    FAKE_PID=$!
    for _ in $(seq 100); do [ -s fake.log ] && break; sleep 0.05; done
    API="http://127.0.0.1:$(head -n 1 fake.log)"
    [ "$API" != "http://127.0.0.1:" ] || { echo "the fake API did not start" >&2; exit 1; }
}
stop_fake() { kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null; }
trap 'stop_fake; [ -n "$FIX_PID" ] && kill "$FIX_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

# fake_requests PATTERN: requests the fake saw whose line matches PATTERN
fake_requests() { tail -n +2 fake.log | grep -c -- "$1"; }

# the API options every run here takes
apis() { echo "--allow-private --github-api $API --gitlab-api $API/api/v4 --gitea-api $API/api/v1"; }

# gen_catalog N: a catalog of N github.com repositories a/lib-1 .. a/lib-N
gen_catalog() {
    { echo "# Gen"; echo; echo "## libs"; echo
      seq "$1" | while read -r i; do echo "- [lib $i](https://github.com/a/lib-$i) - Lib $i."; done
    } > catalog.md
}

mixed_catalog() {
    cat > catalog.md <<'EOC'
# Mixed

## libs

- [ok](https://github.com/a/fine) - Alive.
- [deep](https://github.com/a/fine/tree/main/docs) - The same repository, deeper.
- [renamed](https://github.com/a/old-thing) - Moved since.
- [archived](https://github.com/a/arch-box) - Read-only.
- [gone](https://github.com/gone-owner/lost) - Deleted.
- [topic](https://github.com/topics/go) - Not a repository.
- [owner](https://github.com/a) - Not a repository either.
- [site](https://example.org/x) - Not a forge.
- [lab](https://gitlab.com/grp/sub/proj/-/tree/main) - GitLab, nested group.
- [berg](https://codeberg.org/o/arch-berg) - Codeberg.
EOC
}

case_recognise() {
    start_fake --token t0k
    mixed_catalog
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md $(apis)
    # a/fine (twice), a/old-thing, a/arch-box, gone-owner/lost, grp/sub/proj, o/arch-berg
    expect_in out.txt "6 repositories linked"
    expect_sql "SELECT group_concat(key, ' ') FROM (SELECT key FROM repo_links ORDER BY key)" \
        "codeberg:o/arch-berg github:a/arch-box github:a/fine github:a/old-thing github:gone-owner/lost gitlab:grp/sub/proj"
    expect_sql "SELECT stars, forks, archived, pushed_at, default_branch, license, language, description FROM repos WHERE name = 'a/fine'" \
        "$(printf 'fine' | od -An -tu1 | awk '{for(i=1;i<=NF;i++)s+=$i} END {printf "%d|%d", s, s/10}')|0|2026-10-01T00:00:00Z|main|MIT|Go|The fine library"
    # GitHub's four in one GraphQL request, with the token; GitLab and Codeberg by REST
    checks=$((checks + 1))
    [ "$(fake_requests 'POST /graphql repos=4 auth=yes')" -eq 1 ] || fail "not one GraphQL request of 4"
    checks=$((checks + 1))
    [ "$(fake_requests '^GET /api/v4/projects/grp/sub/proj')" -eq 1 ] || fail "no GitLab request"
    checks=$((checks + 1))
    [ "$(fake_requests '^GET /api/v1/repos/o/arch-berg')" -eq 1 ] || fail "no Gitea request"
    # the GitLab token is not GitHub's: the fake saw no Authorization there
    expect_not_in fake.log "/api/v4/projects/grp/sub/proj repos=1 auth=yes"
}

case_graphql_batches() {
    start_fake --token t0k
    gen_catalog 250
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md $(apis)
    checks=$((checks + 1))
    [ "$(fake_requests '^POST /graphql')" -eq 3 ] || fail "250 repositories took $(fake_requests '^POST /graphql') GraphQL requests, not 3"
    expect_in fake.log "repos=100 auth=yes"
    expect_in fake.log "repos=50 auth=yes"
    expect_sql "SELECT count(*) FROM repos WHERE NOT gone AND stars IS NOT NULL" 250
    expect_in out.txt "250 stored"
}

case_rest_ratelimit_stop() {
    start_fake --rest-limit 5
    gen_catalog 12
    env -u GITHUB_TOKEN "$REFDEX" repos catalog.md $(apis) > out.txt 2> err.txt
    checks=$((checks + 1))
    [ $? -eq 0 ] || fail "a spent rate limit is not a failure"
    # 5 answered, the 5th with X-RateLimit-Remaining: 0: no 6th request
    checks=$((checks + 1))
    [ "$(fake_requests '^GET /repos/')" -eq 5 ] || fail "made $(fake_requests '^GET /repos/') REST requests, not 5"
    expect_in err.txt "GitHub's API rate limit is spent until"
    expect_in err.txt "7 repositories left unfetched"
    expect_in err.txt "GITHUB_TOKEN"
    expect_sql "SELECT count(*) FROM repo_links" 5
    # the next run asks only for the 7 left (the 5 are fresh), is refused
    # (403, X-RateLimit-Remaining: 0) and stops at once
    env -u GITHUB_TOKEN "$REFDEX" repos catalog.md $(apis) > out.txt 2> err.txt
    checks=$((checks + 1))
    [ "$(fake_requests '^GET /repos/')" -eq 6 ] || fail "the second run made $(($(fake_requests '^GET /repos/') - 5)) requests, not 1"
    expect_in fake.log "GET /repos/a/lib-6 repos=0 auth=no"
    expect_in err.txt "7 repositories left"
}

case_renamed_archived_gone() {
    for how in graphql rest; do
        rm -f refdex.db
        start_fake --token t0k
        mixed_catalog
        if [ $how = graphql ]; then
            GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md $(apis)
        else
            env -u GITHUB_TOKEN "$REFDEX" repos catalog.md $(apis) >out.txt 2>err.txt
        fi
        expect_sql "SELECT r.name FROM repo_links l JOIN repos r ON r.id = l.repo_id WHERE l.key = 'github:a/old-thing'" "moved/thing"
        expect_sql "SELECT archived, pushed_at FROM repos WHERE name = 'a/arch-box'" "1|2019-05-01T10:00:00Z"
        expect_sql "SELECT gone FROM repos WHERE name = 'gone-owner/lost'" 1
        expect_sql "SELECT archived FROM repos WHERE forge = 'codeberg'" 1
        expect_sql "SELECT name FROM repos WHERE forge = 'gitlab'" "grp/sub/proj"
        expect_in out.txt "(1 renamed, 2 archived, 1 gone)"
        stop_fake
    done
}

case_cache_fresh() {
    start_fake --token t0k
    mixed_catalog
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md $(apis)
    n=$(tail -n +2 fake.log | wc -l)
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md $(apis)
    checks=$((checks + 1))
    [ "$(tail -n +2 fake.log | wc -l)" -eq "$n" ] || fail "a second run within 7 days asked the API again"
    expect_in out.txt "6 fresh in the cache, 0 asked in 0 API requests"
    # older than --repo-max-age: asked again
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md $(apis) --repo-max-age 1ms
    checks=$((checks + 1))
    [ "$(tail -n +2 fake.log | wc -l)" -gt "$n" ] || fail "--repo-max-age 1ms did not ask again"
}

case_secondary_limit() {
    start_fake --token t0k --secondary 1 --retry-after 1
    gen_catalog 3
    t0=$(now_ms)
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md $(apis)
    t1=$(now_ms)
    # refused once with Retry-After: 1, waited a second, asked again
    checks=$((checks + 1))
    [ "$(fake_requests '^POST /graphql')" -eq 2 ] || fail "not asked again after Retry-After"
    checks=$((checks + 1))
    [ $((t1 - t0)) -ge 1000 ] || fail "did not wait for Retry-After (took $((t1 - t0)) ms)"
    expect_sql "SELECT count(*) FROM repos" 3
    stop_fake
    # a wait longer than a minute is not waited: the run stops and says so
    rm -f refdex.db
    start_fake --token t0k --secondary 5 --retry-after 3600
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md $(apis)
    expect_in err.txt "asked to wait 3600 s"
    expect_in err.txt "3 repositories left"
    checks=$((checks + 1))
    [ "$(fake_requests '^POST /graphql')" -eq 1 ] || fail "asked again despite a long Retry-After"
}

case_token_secret() {
    secret="ghp_s3cr3tT0k3nNeverShown"
    start_fake --token "$secret"
    mixed_catalog
    GITHUB_TOKEN=$secret expect_exit 0 "$REFDEX" repos catalog.md $(apis) -v
    expect_in fake.log "auth=yes"
    # a wrong token: refused, and said without the token
    GITHUB_TOKEN="${secret}x" expect_exit 0 "$REFDEX" repos catalog.md $(apis) -v --repo-max-age 1ms
    expect_in err.txt "HTTP 401"
    # every command that asks the API, verbose, with every report format
    for fmt in text json markdown github; do
        GITHUB_TOKEN=$secret "$REFDEX" stale catalog.md $(apis) -v --repo-max-age 1ms \
            --format $fmt -o stale-$fmt.out >>out.txt 2>>err.txt
    done
    GITHUB_TOKEN=$secret "$REFDEX" check catalog.md --repos $(apis) -v --repo-max-age 1ms \
        --exclude '.' --format json -o check.json >>out.txt 2>>err.txt
    GITHUB_TOKEN=$secret "$REFDEX" query --format json --sort stars >>out.txt 2>>err.txt
    GITHUB_TOKEN=$secret "$REFDEX" render catalog.md --out site >>out.txt 2>>err.txt
    # the token from refdex.ini, as ${NAME}: used, and not shown by refdex config
    printf '[check]\ngithub-token = ${MY_PAT}\n' > refdex.ini
    n=$(fake_requests "auth=yes")
    env -u GITHUB_TOKEN MY_PAT=$secret "$REFDEX" repos catalog.md $(apis) -v --repo-max-age 1ms \
        >>out.txt 2>>err.txt
    checks=$((checks + 1))
    [ "$(fake_requests "auth=yes")" -gt "$n" ] || fail "github-token in refdex.ini was not sent"
    env -u GITHUB_TOKEN MY_PAT=$secret "$REFDEX" config catalog.md > config.txt 2>>err.txt
    expect_in config.txt "github-token = (not shown)  # refdex.ini:2"
    expect_in config.txt "gitlab-token =   # default"
    checks=$((checks + 1))
    if grep -rla -- "$secret" . ; then fail "the token is in a file of the run"; fi
    expect_in out.txt "repositories linked"
}

case_address_policy() {
    start_fake --token t0k
    gen_catalog 2
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md --github-api "$API"
    expect_in err.txt "refused to connect to 127.0.0.1"
    expect_in err.txt "2 repositories left"
    checks=$((checks + 1))
    [ "$(tail -n +2 fake.log | wc -l)" -eq 0 ] || fail "a loopback API was reached without --allow-private"
    expect_exit 2 "$REFDEX" repos catalog.md --github-api "ftp://$API"
    expect_in err.txt "http(s)://HOST"
}

case_hostile_answers() {
    # malformed JSON: nothing stored, said
    start_fake --token t0k --mode malformed
    gen_catalog 3
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md $(apis)
    expect_in err.txt "3 repositories were answered with what the forge does not send"
    expect_sql "SELECT count(*) FROM repos" 0
    stop_fake
    # an answer over 8 MiB is cut off, not read whole
    start_fake --token t0k --mode huge
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md $(apis)
    expect_in err.txt "larger than 8 MiB"
    expect_sql "SELECT count(*) FROM repos" 0
    stop_fake
    # a slow API does not outlive the run's deadline
    start_fake --token t0k --mode slow
    t0=$(now_ms)
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md $(apis) --deadline 1500ms
    t1=$(now_ms)
    checks=$((checks + 1))
    [ $((t1 - t0)) -le "$(max_ms 4000)" ] || fail "a slow API held the run $((t1 - t0)) ms past --deadline 1500ms"
    expect_in err.txt "3 repositories left"
    stop_fake
    # an answer whose canonical name is Markdown is not stored
    start_fake --token t0k
    printf '# E\n\n## x\n\n- [e](https://github.com/a/evil-one) - Evil.\n- [f](https://github.com/a/fine) - Fine.\n' > catalog.md
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md $(apis)
    expect_in err.txt "1 repository was answered with what the forge does not send"
    expect_sql "SELECT count(*) FROM repos WHERE name LIKE '%javascript%' OR name LIKE '%]%'" 0
    expect_sql "SELECT count(*) FROM repos" 1
    env -u GITHUB_TOKEN "$REFDEX" repos catalog.md $(apis) --repo-max-age 1ms >out.txt 2>err.txt
    expect_in err.txt "1 repository was answered with what the forge does not send"
    expect_sql "SELECT count(*) FROM repos WHERE name LIKE '%javascript%'" 0
}

case_check_repos() {
    start_fixture
    start_fake --token t0k
    cat > catalog.md <<EOC
# C

## libs

- [fine](https://github.com/a/fine) - Alive.
- [fine readme](https://github.com/a/fine/blob/main/README.md) - A page of it: fetched.
- [renamed](https://github.com/a/old-thing#readme) - Moved since.
- [gone](https://github.com/gone-owner/lost) - Deleted.
- [evil](https://github.com/a/evil-one) - Its API answer is Markdown.
- [page]($BASE/ok/page) - Not a forge.
EOC
    cp catalog.md before.md
    # github.com pages (not answered by the API) go to the fixture, never out
    remap="^https://github\\.com/(.*)\$ $BASE/ok/\$1"
    GITHUB_TOKEN=t0k expect_exit 1 "$REFDEX" check catalog.md --repos $(apis) --remap "$remap"
    expect_in out.txt "catalog.md:8:3: broken: gone https://github.com/gone-owner/lost — the repository is gone (GitHub's API does not know it)"
    expect_in out.txt "catalog.md:7:3: redirect: renamed https://github.com/a/old-thing#readme — moved permanently to https://github.com/moved/thing#readme"
    checks=$((checks + 1))
    [ "$(fake_requests 'POST /graphql repos=4 auth=yes')" -eq 1 ] || fail "not one GraphQL request"
    # fetched: the page of a repository, the evil one (no answer stored), the fixture's
    expect_in fixture.log "GET /ok/a/fine/blob/main/README.md"
    expect_in fixture.log "GET /ok/a/evil-one"
    expect_in fixture.log "GET /ok/page"
    checks=$((checks + 1))
    [ "$(grep -cx 'GET /ok/a/fine' fixture.log)" -eq 0 ] || fail "a repository answered by the API was fetched"
    expect_not_in fixture.log "old-thing"
    expect_not_in fixture.log "lost"
    checks=$((checks + 1))
    [ "$(tail -n +2 fixture.log | wc -l)" -eq 3 ] || fail "the fixture saw $(tail -n +2 fixture.log | wc -l) requests, not 3"
    expect_sql "SELECT result || ' ' || coalesce(final_url, '') FROM checks k JOIN urls u ON u.id = k.url_id WHERE u.url = 'https://github.com/a/old-thing#readme'" \
        "redirect https://github.com/moved/thing#readme"
    # fix rewrites the renamed one to its canonical URL, and nothing else
    expect_exit 0 "$REFDEX" fix catalog.md
    expect_in catalog.md "- [renamed](https://github.com/moved/thing#readme) - Moved since."
    checks=$((checks + 1))
    [ "$(diff before.md catalog.md | grep -c '^>')" -eq 1 ] || fail "fix changed more than the renamed link"
    expect_not_in catalog.md "javascript"
    # without --repos every link is fetched
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" check catalog.md $(apis) --remap "$remap"
    checks=$((checks + 1))
    [ "$(grep -cx 'GET /ok/a/fine' fixture.log)" -eq 1 ] || fail "without --repos, the repository was not fetched"
}

# How many requests a full check of awesome-go's list makes, without and with
# --repos: every web link goes to the fixture (--remap), the APIs to the fake.
case_awesome_go_requests() {
    start_fixture
    start_fake --token t0k
    cp "$DATA/awesome-go.md" list.md
    remap="^https?://(.*)\$ $BASE/ok/\$1"
    "$REFDEX" check list.md --db before.db --allow-private --remap "$remap" >out.txt 2>err.txt
    before=$(($(wc -l < fixture.log) - 1))
    GITHUB_TOKEN=t0k "$REFDEX" check list.md --db after.db --repos $(apis) --remap "$remap" \
        >out.txt 2>err.txt
    pages=$(($(wc -l < fixture.log) - 1 - before))
    api=$(($(wc -l < fake.log) - 1))
    graphql=$(fake_requests '^POST /graphql')
    echo "awesome-go: $before requests without --repos; with it $((pages + api)): $graphql GraphQL, $((api - graphql)) REST, $pages pages"
    links=$(sqlite3 before.db "SELECT count(*) FROM urls WHERE kind = 'web'")
    checks=$((checks + 1))
    [ "$before" -ge "$links" ] || fail "without --repos, $before requests for $links web links"
    github=$(sqlite3 after.db "SELECT count(*) FROM repo_links WHERE key LIKE 'github:%'")
    checks=$((checks + 1))
    [ "$graphql" -eq $(((github + 99) / 100)) ] || fail "$graphql GraphQL requests for $github repositories"
    checks=$((checks + 1))
    [ $((pages + api)) -le $((before / 5)) ] || fail "with --repos, $((pages + api)) requests: not a fifth of $before"
    expect_in out.txt "3033 links"
}

stale_catalog() {
    cat > catalog.md <<'EOC'
# S

## libs

- [fine](https://github.com/a/fine) - Alive.
- [renamed](https://github.com/a/old-thing/tree/main#readme) - Moved since.
- [archived](https://github.com/a/arch-box) - Read-only.
- [gone](https://github.com/gone-owner/lost) - Deleted.
- [quiet](https://github.com/a/stale-one) - No push since 2020.
- [quiet | too](https://gitlab.com/g/stale-two) - GitLab, no push since 2020.
EOC
}

case_stale_formats() {
    start_fake --token t0k
    stale_catalog
    GITHUB_TOKEN=t0k expect_exit 1 "$REFDEX" stale catalog.md $(apis)
    expect_in out.txt "catalog.md:6:3: renamed: renamed https://github.com/a/old-thing/tree/main#readme — renamed to moved/thing: https://github.com/moved/thing/tree/main#readme"
    expect_in out.txt "catalog.md:7:3: archived: archived https://github.com/a/arch-box — archived (read-only); last push 2019-05-01 ("
    expect_in out.txt "catalog.md:8:3: gone: gone https://github.com/gone-owner/lost — the repository is gone"
    expect_in out.txt "catalog.md:9:3: stale: quiet https://github.com/a/stale-one — no push since 2020-01-01 ("
    expect_in out.txt "catalog.md:10:3: stale: quiet | too https://gitlab.com/g/stale-two"
    expect_in out.txt "5 findings: 1 gone, 1 renamed, 1 archived, 2 with no push for 2y"
    expect_not_in out.txt "a/fine"
    # the cache holds: the formats ask nothing more
    n=$(tail -n +2 fake.log | wc -l)
    expect_exit 1 "$REFDEX" stale catalog.md $(apis) --format json
    python3 -c '
import json, sys
rows = json.load(open("out.txt"))
kinds = [(r["line"], r["kind"]) for r in rows]
assert kinds == [(6, "renamed"), (7, "archived"), (8, "gone"), (9, "stale"), (10, "stale")], kinds
assert rows[0]["moved_to"] == "https://github.com/moved/thing/tree/main#readme", rows[0]
assert rows[1]["archived"] is True and rows[1]["pushed_at"] == "2019-05-01T10:00:00Z", rows[1]
assert rows[0]["file"] == "catalog.md" and rows[0]["col"] == 3
' || fail "stale --format json is not what the text says"
    checks=$((checks + 1))
    expect_exit 1 "$REFDEX" stale catalog.md $(apis) --format github
    expect_in out.txt "::error file=catalog.md,line=8,col=3,title=gone repository::gone: https://github.com/gone-owner/lost"
    expect_in out.txt "::warning file=catalog.md,line=7,col=3,title=archived repository::"
    expect_exit 1 "$REFDEX" stale catalog.md $(apis) --format markdown
    expect_in out.txt "| 10:3 | quiet \\| too |"
    expect_in out.txt "5 findings"
    checks=$((checks + 1))
    [ "$(tail -n +2 fake.log | wc -l)" -eq "$n" ] || fail "stale asked the API again within --repo-max-age"
    # --older: a longer span leaves the 2020 pushes alone; no findings is exit 0 without them
    expect_exit 1 "$REFDEX" stale catalog.md $(apis) --older 20y
    expect_in out.txt "3 findings: 1 gone, 1 renamed, 1 archived, 0 with no push for 20y"
    expect_exit 2 "$REFDEX" stale catalog.md --older 2q
    expect_exit 2 "$REFDEX" stale catalog.md --format junit
    printf '# F\n\n## x\n\n- [fine](https://github.com/a/fine) - Alive.\n' > catalog.md
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" stale catalog.md $(apis)
    expect_in out.txt "0 findings"
}

# fix rewrites a renamed repository's links to its canonical name from the
# API's answer alone (refdex repos, no check), a deeper path kept; a name
# that is Markdown never gets that far
case_fix_renamed() {
    start_fake --token t0k
    stale_catalog
    printf -- '- [evil](https://github.com/a/evil-one) - Its API answer is Markdown.\n' >> catalog.md
    cp catalog.md before.md
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md $(apis)
    expect_exit 0 "$REFDEX" fix catalog.md --dry-run
    expect_in out.txt "catalog.md:6:3: https://github.com/a/old-thing/tree/main#readme -> https://github.com/moved/thing/tree/main#readme"
    expect_exit 0 "$REFDEX" fix catalog.md
    expect_in catalog.md "- [renamed](https://github.com/moved/thing/tree/main#readme) - Moved since."
    checks=$((checks + 1))
    [ "$(diff before.md catalog.md | grep -c '^>')" -eq 1 ] || fail "fix changed more than the renamed link"
    expect_not_in catalog.md "javascript"
    # stale no longer reports it
    GITHUB_TOKEN=t0k expect_exit 1 "$REFDEX" stale catalog.md $(apis)
    expect_not_in out.txt "renamed:"
}

case_query_sort() {
    start_fake --token t0k
    cat > catalog.md <<'EOC'
# Q

## one

- [Beta](https://github.com/a/bb) - 196 stars.
  - [beta sub](https://example.org/sub) - Stays under Beta.
- [alpha](https://github.com/a/a) - 97 stars.
- [Gamma](https://github.com/a/ccc) - 297 stars.
- [none](https://example.org/none) - No repository: last.

## two

- [old](https://github.com/a/arch-x) - Pushed 2019, 579 stars.
- [quiet](https://github.com/a/stale-y) - Pushed 2020, 703 stars.
- [new](https://github.com/a/zz) - Pushed 2026, 244 stars.
EOC
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md $(apis)
    expect_exit 0 "$REFDEX" query --sort stars --format json
    python3 -c '
import json
rows = json.load(open("out.txt"))
names = [r["name"] for r in rows]
assert names == ["Gamma", "Beta", "alpha", "none", "quiet", "old", "new"], names
beta = rows[1]
assert [s["name"] for s in beta["sub_entries"]] == ["beta sub"], beta
assert beta["repo"]["stars"] == 196 and beta["repo"]["name"] == "a/bb", beta["repo"]
assert beta["repo"]["archived"] is False and beta["repo"]["license"] == "MIT"
assert rows[3]["repo"] is None
old = rows[5]["repo"]
assert old["archived"] is True and old["pushed_at"] == "2019-05-01T10:00:00Z" and old["stars"] == 579, old
' || fail "query --sort stars --format json"
    checks=$((checks + 1))
    expect_exit 0 "$REFDEX" query --sort pushed --format tsv
    checks=$((checks + 1))
    [ "$(cut -f3 out.txt | tail -n +2 | tr '\n' ' ')" = "Beta beta sub alpha Gamma none new quiet old " ] ||
        fail "query --sort pushed: $(cut -f3 out.txt | tail -n +2 | tr '\n' ' ')"
    expect_exit 0 "$REFDEX" query --sort name --format tsv
    checks=$((checks + 1))
    [ "$(cut -f3 out.txt | tail -n +2 | tr '\n' ' ')" = "alpha Beta beta sub Gamma none new old quiet " ] ||
        fail "query --sort name: $(cut -f3 out.txt | tail -n +2 | tr '\n' ' ')"
    # the table shows stars and the last push
    expect_exit 0 "$REFDEX" query --sort stars --category one
    expect_in out.txt "    297  2026-10-01"
    expect_exit 0 "$REFDEX" query --sort stars --category two
    expect_in out.txt "2019-05-01 archived"
    # without --sort: catalog order, as before
    expect_exit 0 "$REFDEX" query --format tsv
    checks=$((checks + 1))
    [ "$(cut -f3 out.txt | tail -n +2 | tr '\n' ' ')" = "Beta beta sub alpha Gamma none old quiet new " ] ||
        fail "query without --sort: $(cut -f3 out.txt | tail -n +2 | tr '\n' ' ')"
    expect_exit 2 "$REFDEX" query --sort forks
}

xpath() { xmllint --html --xpath "$2" "$1" 2>/dev/null; }
expect_xpath() {
    checks=$((checks + 1))
    got=$(xpath "$1" "$2")
    [ "$got" = "$3" ] || fail "$1: $2 is '$got', expected '$3'"
}
browser() {
    timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic \
        --disable-background-networking --disable-component-update --disable-sync \
        --no-first-run --user-data-dir="$WORK/profile" "$@" 2>/dev/null
}

# The page: stars and last push beside each repository entry (the date as a
# tooltip), an archived badge, index.json's "repo" against its schema, and
# sorting within a category in the browser (the page as served keeps the
# catalog's order)
case_page() {
    start_fake --token t0k
    cat > catalog.md <<'EOC'
# P

## one

- [Beta](https://github.com/a/bb) - 196 stars.
  - [beta sub](https://example.org/sub) - Stays under Beta.
- [alpha](https://github.com/a/a) - 97 stars.
- [Gamma](https://github.com/a/ccc) - 297 stars.
- [none](https://example.org/none) - No repository.
- [old](https://github.com/a/arch-x) - Archived.
EOC
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md $(apis)
    expect_exit 0 "$REFDEX" render catalog.md --out site
    h=site/index.html
    expect_xpath $h 'string(//li[a="Gamma"]/span[@class="repo"]/span[@class="stars"])' "★ 297"
    expect_xpath $h 'string(//li[a="Gamma"]/@data-stars)' 297
    expect_xpath $h 'string(//li[a="Gamma"]//time/@datetime)' 2026-10-01T00:00:00Z
    expect_xpath $h 'string(//li[a="Gamma"]//time/@title)' "last push 2026-10-01"
    expect_xpath $h 'string(//li[a="old"]//time)' "$(python3 -c '
import datetime
d = (datetime.date.today() - datetime.date(2019, 5, 1)).days
print("%d years ago" % int(d / 365.25))')"
    expect_xpath $h 'count(//li[a="old"]/span[@class="badge archived"])' 1
    expect_xpath $h 'count(//li[a="Gamma"]/span[@class="badge archived"])' 0
    expect_xpath $h 'count(//li[a="none"]/span[@class="repo"])' 0
    # served in the catalog's order
    expect_xpath $h 'string(//section[@id="one"]/ul/li[1]/a)' Beta
    checks=$((checks + 1))
    python3 - "$TESTS/../render/index.schema.json" site/index.json <<'PY' || fail "index.json does not match its schema"
import json, sys, jsonschema
schema, doc = (json.load(open(p)) for p in sys.argv[1:3])
jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
entries = doc["categories"][-1]["entries"]
by = {e["name"]: e for e in entries}
assert by["Gamma"]["repo"]["stars"] == 297 and by["old"]["repo"]["archived"] is True
assert by["none"]["repo"] is None and by["Beta"]["sub_entries"][0]["repo"] is None
assert doc["schema_version"] == 3
PY
    command -v chromium >/dev/null || { fail "no chromium"; return; }
    browser --dump-dom "file://$WORK/site/index.html#sort=stars" > stars.html
    checks=$((checks + 1))
    [ -s stars.html ] || fail "chromium printed no DOM"
    # old (579 stars) first; the one without a repository last; a sub-entry stays
    expect_xpath stars.html 'string(//section[@id="one"]/ul/li[1]/a)' old
    expect_xpath stars.html 'string(//section[@id="one"]/ul/li[2]/a)' Gamma
    expect_xpath stars.html 'string(//section[@id="one"]/ul/li[5]/a)' none
    expect_xpath stars.html 'string(//section[@id="one"]/ul/li[a="Beta"]/ul/li/a)' "beta sub"
    browser --dump-dom "file://$WORK/site/index.html#sort=name" > name.html
    expect_xpath name.html 'string(//section[@id="one"]/ul/li[1]/a)' alpha
    expect_xpath name.html 'string(//section[@id="one"]/ul/li[2]/a)' Beta
    browser --dump-dom "file://$WORK/site/index.html#sort=pushed" > pushed.html
    expect_xpath pushed.html 'string(//section[@id="one"]/ul/li[4]/a)' old
    expect_xpath pushed.html 'string(//section[@id="one"]/ul/li[5]/a)' none
    browser --dump-dom "file://$WORK/site/index.html" > plain.html
    expect_xpath plain.html 'string(//section[@id="one"]/ul/li[1]/a)' Beta
}

case_config_keys() {
    start_fake --token t0k
    gen_catalog 2
    printf '[check]\nallow-private = true\ngithub-api = %s/\nrepo-max-age = 2d\n' "$API" > refdex.ini
    expect_exit 0 "$REFDEX" config catalog.md
    expect_in out.txt "github-api = $API  # refdex.ini:3"
    expect_in out.txt "repo-max-age = 2d  # refdex.ini:4"
    expect_in out.txt "gitlab-api = https://gitlab.com/api/v4  # default"
    GITHUB_TOKEN=t0k expect_exit 0 "$REFDEX" repos catalog.md
    expect_in fake.log "POST /graphql repos=2 auth=yes"
    printf '[check]\ngithub-api = ftp://x\n' > refdex.ini
    expect_exit 2 "$REFDEX" repos catalog.md
    expect_in err.txt "refdex.ini:2: "
}

run_case "$(basename "$0" .sh)"
