#!/bin/sh
# tests/pages.sh REFDEX FIXTURE CASE — what `refdex check` reads of the pages
# it fetches (title, description, canonical URL) and what it finds wrong with
# them (fragment-missing, title-mismatch, soft-404, canonical-differs), end to
# end against the fixture server on 127.0.0.1: stored, in every report format,
# in query and on the rendered page. No other address is ever contacted.
REFDEX=$1
FIXTURE=$2
CASE=$3
. "$(dirname "$0")/lib.sh"

# A catalog of the fixture's pages: line numbers matter to the expectations.
write_catalog() {
    cat > catalog.md <<EOC
# Pages

## fragments
- [Fragments install]($BASE/page/fragments.html#install) - an id.
- [Fragments usage]($BASE/page/fragments.html#usage) - a name.
- [Fragments configuration]($BASE/page/fragments.html#configuration) - GitHub's user-content- id.
- [Fragments faq]($BASE/page/fragments.html#user-content-faq) - written with the prefix.
- [Fragments nowhere]($BASE/page/fragments.html#nowhere) - no such id.
- [A big page, its end]($BASE/big#the-end) - past --max-bytes.

## soft
- [not found]($BASE/page/not-found.html) - English.
- [zh title]($BASE/page/not-found-zh-title.html) - Chinese title.
- [zh heading]($BASE/page/not-found-zh-heading.html) - Chinese heading.
- [single sign-on]($BASE/sso) - to a login page.
- [old home]($BASE/old-home) - to the front page.

## meta
- [meta page]($BASE/page/meta.html) - canonical elsewhere.
- [canonical here]($BASE/page/canonical-here.html) - canonical here.
- [real title]($BASE/page/comment-title.html) - a title in a comment first.
- [fyne]($BASE/page/gbk.html) - GBK.
- [big page]($BASE/big) - cut at --max-bytes.
EOC
}

CHECK_OPTS="--allow-private --retries 0 --timeout 10s"

# Each finding once, at its entry's line and column; nothing for the pages
# that are fine; warnings: the run passes, and fails with --strict.
case_findings_text() {
    start_fixture
    write_catalog
    expect_exit 0 "$REFDEX" check catalog.md $CHECK_OPTS
    expect_in out.txt 'catalog.md:8:3: fragment-missing (warning): Fragments nowhere '"$BASE"'/page/fragments.html#nowhere — no element of the page has the id or name "nowhere"'
    expect_in out.txt 'catalog.md:12:3: soft-404 (warning): not found '"$BASE"'/page/not-found.html — answered 200, but its title says "Page not found · Fixture"'
    expect_in out.txt 'catalog.md:13:3: soft-404 (warning): zh title '"$BASE"'/page/not-found-zh-title.html — answered 200, but its title says "抱歉，找不到该页面 - 示例站"'
    expect_in out.txt 'catalog.md:14:3: soft-404 (warning): zh heading '"$BASE"'/page/not-found-zh-heading.html — answered 200, but its heading says "页面不存在"'
    expect_in out.txt "catalog.md:15:3: soft-404 (warning): single sign-on $BASE/sso — /sso redirects to a login page $BASE/login?next=/sso"
    expect_in out.txt "catalog.md:16:3: soft-404 (warning): old home $BASE/old-home — /old-home redirects to the site's front page $BASE/"
    expect_in out.txt "catalog.md:19:3: canonical-differs (warning): meta page $BASE/page/meta.html — the page names its canonical URL on elsewhere.example: https://elsewhere.example/meta"
    expect_in out.txt "7 pages with findings (warnings; --strict fails them)"
    checks=$((checks + 1))
    n=$(grep -c '(warning)' out.txt)
    [ "$n" -eq 7 ] || fail "$n findings, expected 7: $(cat out.txt)"
    for fine in "fragments.html#install" "#usage" "#configuration" "#user-content-faq" \
        "big#the-end" canonical-here comment-title gbk.html "big "; do
        expect_not_in out.txt "$fine"
    done
    expect_exit 1 "$REFDEX" check catalog.md $CHECK_OPTS --strict
    expect_in out.txt 'catalog.md:8:3: fragment-missing (error): '
    expect_in out.txt "7 pages with findings (errors: --strict)"
    # the stored run, reported again: the same exit codes
    expect_exit 0 "$REFDEX" report catalog.md
    expect_in out.txt 'catalog.md:12:3: soft-404 (warning): '
    expect_exit 1 "$REFDEX" report catalog.md --strict
}

# Every other report format says each finding with file:line:col.
case_findings_formats() {
    start_fixture
    write_catalog
    expect_exit 0 "$REFDEX" check catalog.md $CHECK_OPTS --format json -o report.json
    checks=$((checks + 1))
    got=$(sqlite3 :memory: "SELECT group_concat(f.value ->> 'location' || ' ' || (f.value ->> 'kind'), ', ') FROM json_each(readfile('report.json')) r, json_each(r.value, '\$.findings') f")
    [ "$got" = "catalog.md:8:3 fragment-missing, catalog.md:12:3 soft-404, catalog.md:13:3 soft-404, catalog.md:14:3 soft-404, catalog.md:15:3 soft-404, catalog.md:16:3 soft-404, catalog.md:19:3 canonical-differs" ] ||
        fail "JSON findings: $got"
    checks=$((checks + 1))
    got=$(sqlite3 :memory: "SELECT r.value ->> 'description' || ' | ' || (r.value ->> 'canonical') || ' | ' || (r.value ->> 'title') FROM json_each(readfile('report.json')) r WHERE r.value ->> 'url' LIKE '%meta.html'")
    [ "$got" = "What the meta page is about. | https://elsewhere.example/meta | Meta page of the fixture" ] ||
        fail "JSON page metadata: $got"
    expect_exit 0 "$REFDEX" report catalog.md --format github
    expect_in out.txt "::warning file=catalog.md,line=8,col=3,title=fragment-missing::Fragments nowhere: $BASE/page/fragments.html#nowhere — no element"
    expect_in out.txt "::warning file=catalog.md,line=19,col=3,title=canonical-differs::meta page: "
    expect_exit 1 "$REFDEX" report catalog.md --format github --strict
    expect_in out.txt "::error file=catalog.md,line=12,col=3,title=soft-404::not found: "
    expect_exit 0 "$REFDEX" report catalog.md --format markdown
    expect_in out.txt "| with findings | 7 |"
    expect_in out.txt '| catalog.md:14:3 | zh heading | '"$BASE"'/page/not-found-zh-heading.html | soft-404 (warning) | answered 200, but its heading says "页面不存在" |'
    expect_exit 0 "$REFDEX" report catalog.md --format junit
    expect_in out.txt '<system-out>catalog.md:8:3: fragment-missing (warning): no element of the page has the id or name &quot;nowhere&quot;</system-out>'
    expect_in out.txt 'failures="0"'
    expect_exit 1 "$REFDEX" report catalog.md --format junit --strict
    expect_in out.txt 'failures="7"'
    expect_in out.txt '<failure type="findings" message="the page has findings">catalog.md:19:3: canonical-differs (error): '
    # SARIF: a result per finding, a rule per kind, a warning (an error with --strict)
    expect_exit 0 "$REFDEX" report catalog.md --format sarif -o r.sarif
    checks=$((checks + 1))
    validate_sarif r.sarif 2>err.txt || fail "r.sarif is not valid SARIF 2.1.0: $(tail -3 err.txt)"
    checks=$((checks + 1))
    got=$(sarif_results r.sarif)
    [ "$got" = "fragment-missing:warning:8:3 soft-404:warning:12:3 soft-404:warning:13:3 soft-404:warning:14:3 redirect:warning:15:3 soft-404:warning:15:3 redirect:warning:16:3 soft-404:warning:16:3 canonical-differs:warning:19:3" ] ||
        fail "SARIF findings: $got"
    expect_in r.sarif '"message":{"text":"Fragments nowhere: '"$BASE"'/page/fragments.html#nowhere — no element'
    expect_exit 1 "$REFDEX" report catalog.md --format sarif --strict -o s.sarif
    expect_in s.sarif '"ruleId":"soft-404","ruleIndex":9,"level":"error"'
}

# What the page says of itself is stored with the check, and shown: query
# (table, TSV, JSON), the rendered page (the link's tooltip, a line per
# finding) and index.json (against its schema).
case_metadata_shown() {
    start_fixture
    write_catalog
    expect_exit 0 "$REFDEX" check catalog.md $CHECK_OPTS
    expect_sql "SELECT k.title || ' | ' || k.description || ' | ' || k.canonical FROM checks k JOIN urls u ON u.id = k.url_id WHERE u.url LIKE '%meta.html'" \
        "Meta page of the fixture | What the meta page is about. | https://elsewhere.example/meta"
    expect_sql "SELECT k.title FROM checks k JOIN urls u ON u.id = k.url_id WHERE u.url LIKE '%gbk.html'" \
        "Go 每日一库之 fyne - 大俊的博客"
    expect_sql "SELECT k.title FROM checks k JOIN urls u ON u.id = k.url_id WHERE u.url LIKE '%comment-title.html'" \
        "The real title"
    expect_sql "SELECT json_extract(k.findings, '\$[0].kind') FROM checks k JOIN urls u ON u.id = k.url_id WHERE u.url LIKE '%nowhere'" \
        "fragment-missing"
    expect_exit 0 "$REFDEX" query --category meta
    expect_in out.txt "page: Go 每日一库之 fyne - 大俊的博客"
    expect_in out.txt "findings: canonical-differs"
    expect_exit 0 "$REFDEX" query --category soft --format tsv
    expect_in out.txt "	Page not found · Fixture	soft-404"
    expect_exit 0 "$REFDEX" query --category fragments --format json
    checks=$((checks + 1))
    got=$(sqlite3 :memory: "SELECT group_concat((value ->> 'title') || ':' || json_array_length(value, '\$.findings'), ',') FROM json_each(readfile('out.txt'))")
    [ "$got" = "Fragments - fixture:0,Fragments - fixture:0,Fragments - fixture:0,Fragments - fixture:0,Fragments - fixture:1,A big page:0" ] ||
        fail "query JSON: $got"
    expect_exit 0 "$REFDEX" render catalog.md --out site
    checks=$((checks + 1))
    xmllint --html --xpath "string(//a[@class='name'][.='fyne']/@title)" site/index.html > tip.txt 2>/dev/null
    [ "$(cat tip.txt)" = "Go 每日一库之 fyne - 大俊的博客" ] || fail "the link's tooltip: $(cat tip.txt)"
    checks=$((checks + 1))
    xmllint --html --xpath "string(//li[a[.='zh heading']]/span[@class='finding'])" site/index.html > f.txt 2>/dev/null
    [ "$(cat f.txt)" = 'soft-404: answered 200, but its heading says "页面不存在"' ] || fail "the page's finding: $(cat f.txt)"
    checks=$((checks + 1))
    got=$(sqlite3 :memory: "SELECT (e.value ->> '\$.check.title') || ' ' || (e.value ->> '\$.check.findings[0].kind') FROM json_each(readfile('site/index.json'), '\$.categories') c, json_each(c.value, '\$.entries') e WHERE e.value ->> 'name' = 'meta page'")
    [ "$got" = "Meta page of the fixture canonical-differs" ] || fail "index.json: $got"
    checks=$((checks + 1))
    python3 - "$TESTS/../render/index.schema.json" site/index.json <<'PY' || fail "index.json does not match its schema"
import json, sys, jsonschema
schema, doc = (json.load(open(p)) for p in sys.argv[1:3])
jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
PY
}

# A 5 MB page cut by --max-bytes: its title is still read, and an id past
# the cut is not called missing.
case_big_page() {
    start_fixture
    printf '# Big\n\n- [big page](%s/big) - 5 MB.\n- [big page end](%s/big#the-end) - the last element.\n- [big page nowhere](%s/big#nowhere) - none.\n' \
        "$BASE" "$BASE" "$BASE" > catalog.md
    expect_exit 0 "$REFDEX" check catalog.md $CHECK_OPTS --max-bytes 1MB
    expect_sql "SELECT group_concat(k.title || ' ' || k.bytes, ',') FROM checks k" \
        "A big page 1048576,A big page 1048576,A big page 1048576"
    expect_sql "SELECT count(*) FROM checks WHERE findings IS NOT NULL" 0
    expect_not_in out.txt "fragment-missing"
    # read whole (under 4 MiB kept): an id that is not there is missing
    printf '# Small\n\n- [fragments: install](%s/page/fragments.html#install) - yes.\n- [fragments: nowhere](%s/page/fragments.html#nowhere) - no.\n' \
        "$BASE" "$BASE" > small.md
    expect_exit 0 "$REFDEX" check small.md $CHECK_OPTS --db small.db
    expect_in out.txt "small.md:4:3: fragment-missing (warning): fragments: nowhere"
    expect_not_in out.txt "small.md:3:3"
}

# The seed catalog against a fixture copy of each page it links (fetched
# there with --remap): only `[casbin](…/godailylib/fyne/)`, a page about
# fyne, is a title mismatch, and base64's #example_… fragment is found.
case_seed_title_mismatch() {
    start_fixture
    cp "$DATA/seed.md" catalog.md
    remap="^https?://([^#]*)(#.*)?\$ $BASE/seed/\$1\$2"
    expect_exit 0 "$REFDEX" check catalog.md $CHECK_OPTS --remap "$remap"
    expect_in out.txt 'catalog.md:120:3: title-mismatch (warning): casbin https://darjun.github.io/2020/06/15/godailylib/fyne/ — the link says "casbin" but the page is "Go 每日一库之 fyne - 大俊的博客"'
    expect_in out.txt "1 page with findings (warnings; --strict fails them)"
    checks=$((checks + 1))
    n=$(grep -c '(warning)' out.txt)
    [ "$n" -eq 1 ] || fail "$n findings, expected the casbin one: $(grep '(warning)' out.txt)"
    expect_not_in out.txt "fragment-missing"
    expect_sql "SELECT count(*) FROM checks k JOIN urls u ON u.id = k.url_id WHERE u.kind = 'web' AND k.result = 'ok' AND k.title IS NOT NULL" \
        "$(sql "SELECT count(*) FROM urls WHERE kind = 'web'")"
    expect_sql "SELECT json_extract(findings, '\$[0].entry') FROM checks WHERE findings IS NOT NULL" casbin
    # a warning: it fails the run with --strict
    expect_exit 1 "$REFDEX" check catalog.md $CHECK_OPTS --remap "$remap" --strict
    expect_in out.txt 'catalog.md:120:3: title-mismatch (error): casbin '
}

# Two entries link one page, and only the second one's name is not the
# page's: JUnit's one testcase for the link (at its first entry) carries the
# second entry's finding at the second entry's line, a warning, or with
# --strict a failure, as the other formats say it.
case_shared_link_findings() {
    start_fixture
    cat > catalog.md <<EOC
# Pages

## meta
- [meta page]($BASE/page/meta.html) - the page's own name.
- [rocket engine]($BASE/page/meta.html) - another name for it.
EOC
    expect_exit 0 "$REFDEX" check catalog.md $CHECK_OPTS
    expect_in out.txt 'catalog.md:5:3: title-mismatch (warning): rocket engine '
    expect_exit 0 "$REFDEX" report catalog.md --format junit
    expect_in out.txt 'tests="1" failures="0"'
    expect_in out.txt 'catalog.md:5:3: title-mismatch (warning): the link says'
    expect_not_in out.txt 'catalog.md:4:3: title-mismatch'
    expect_exit 1 "$REFDEX" report catalog.md --format junit --strict
    expect_in out.txt 'failures="1"'
    expect_in out.txt 'catalog.md:5:3: title-mismatch (error): the link says'
}

run_case pages
