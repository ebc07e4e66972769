#!/bin/sh
# tests/render.sh REFDEX FIXTURE CASE — `refdex render` end to end: the HTML
# read back with libxml2's HTML parser (xmllint), the JSON against its schema,
# the same bytes twice, hostile input, the files it writes and leaves alone,
# and a real browser (Debian's chromium, headless). Link health comes from
# `refdex check` against the fixture server on 127.0.0.1.
REFDEX=$1
FIXTURE=$2
CASE=$3
ARTIFACTS=${RD_ARTIFACTS:-$PWD}
. "$(dirname "$0")/lib.sh"
HERE=$TESTS

# xpath FILE EXPR: the value of an XPath 1.0 expression over an HTML file
xpath() { xmllint --html --xpath "$2" "$1" 2>/dev/null; }
expect_xpath() {
    checks=$((checks + 1))
    got=$(xpath "$1" "$2")
    [ "$got" = "$3" ] || fail "$1: $2 is '$got', expected '$3'"
}

case_html() {
    cp "$DATA/seed.md" catalog.md
    expect_exit 0 "$REFDEX" render catalog.md
    expect_exit 0 test -f site/index.html -a -f site/index.json -a -f site/c/ref.html
    h=site/index.html
    expect_xpath $h 'count(//section[@class="category"])' 13
    expect_xpath $h 'count(//li[@class="entry"])' 57
    expect_xpath $h 'count(//nav//li)' 13
    expect_xpath $h 'string(//nav//li[a="ref"]/span[@class="count"])' 52
    # a list whose first heading is not a `#` title is named after its file
    expect_xpath $h 'string(//title)' catalog.md
    expect_xpath $h 'string(//h1)' catalog.md
    # glog, its sub-entry nested under it, and the scheme-less link made https
    expect_xpath $h 'string(//section[@id="log"]//li[a="glog"]/a/@href)' https://github.com/golang/glog
    expect_xpath $h 'string(//section[@id="log"]//li[a="glog"]/ul/li/a)' go-logr/logr
    expect_xpath $h 'string(//li[a="zap"]/span[@class="desc"])' 对性能和内存分配做了极致的优化
    expect_xpath $h 'string(//li[a="zap"]/span[contains(@class,"badge")])' unchecked
    # link-less entries are text, not links
    expect_xpath $h 'count(//section[@id="imports"]//li//a)' 0
    expect_xpath $h 'string(//section[@id="imports"]//li[1]/span[@class="name"])' io
    # notes are rendered Markdown: the code block and the prose items
    expect_xpath $h 'count(//section[@id="tips"]//pre/code)' 1
    expect_xpath $h 'count(//section[@id="context"]//div[@class="notes"]//li)' 5
    # a page per top-level section, with the sections below it: it links
    # back, has the same entries, and its numbers are its own
    checks=$((checks + 1))
    [ "$(ls site/c | tr '\n' ' ')" = "context.html imports.html ref.html tips.html " ] ||
        fail "pages: $(ls site/c | tr '\n' ' ')"
    expect_in site/c/tips.html '1 entry · 0 links, 0 checked, 0 failing'
    expect_in site/c/ref.html '52 entries, 50 of them in sub-categories · 50 links, 0 checked'
    expect_xpath site/c/ref.html 'count(//li[@class="entry"])' 52
    expect_xpath site/c/ref.html 'count(//section[@id="log"]//li[@class="entry"])' 5
    expect_xpath site/c/ref.html 'string(//section[@id="u7f51-u7edc"]/h2/a)' 网络
    expect_xpath site/c/ref.html 'string(//nav[@class="subs"]//a[.="网络"]/@href)' 'c/ref.html#u7f51-u7edc'
    # a heading links to its section on its page: the old page of a
    # sub-category is an anchor there
    expect_xpath $h 'string(//section[@id="u7f51-u7edc"]/h2/a/@href)' 'c/ref.html#u7f51-u7edc'
    expect_xpath $h 'string(//section[@id="ref"]/h2/a/@href)' c/ref.html
    # an --out that cannot be made is the user's to fix: exit 2, said plainly
    expect_exit 2 "$REFDEX" render catalog.md --out /nonexistent/site
    expect_in err.txt "/nonexistent/site: cannot create: No such file or directory"
    # no CDN, no external script or style
    expect_xpath $h 'count(//script[@src] | //link[@rel="stylesheet"])' 0
}

case_json() {
    cp "$DATA/seed.md" catalog.md
    expect_exit 0 "$REFDEX" render catalog.md --out out
    checks=$((checks + 1))
    python3 - "$HERE/../render/index.schema.json" out/index.json <<'PY' || fail "index.json does not match its schema"
import json, sys, jsonschema
schema, doc = (json.load(open(p)) for p in sys.argv[1:3])
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
PY
    # round trip: the JSON holds what the database holds
    checks=$((checks + 1))
    counts=$(sqlite3 refdex.db "SELECT (SELECT json_array_length(readfile('out/index.json'), '\$.categories')) || ' ' || (SELECT count(*) FROM categories) || ' ' || (SELECT sum(json_array_length(value, '\$.entries')) FROM json_each(readfile('out/index.json'), '\$.categories')) || ' ' || (SELECT count(*) FROM entries WHERE parent_id IS NULL)")
    [ "$counts" = "13 13 56 56" ] || fail "JSON vs database counts: $counts"
    checks=$((checks + 1))
    [ "$(sqlite3 :memory: "SELECT json_extract(value, '\$.entries[1].sub_entries[0].name') FROM json_each(readfile('out/index.json'), '\$.categories') WHERE json_extract(value, '\$.path') = 'ref/log'")" = go-logr/logr ] || fail "sub-entry not nested in JSON"
    # a file that breaks the schema is caught (the check can fail)
    sed 's/"schema_version":3/"schema_version":"3"/' out/index.json > bad.json
    checks=$((checks + 1))
    ! python3 -c "import json,sys,jsonschema; jsonschema.validate(json.load(open('bad.json')), json.load(open(sys.argv[1])))" "$HERE/../render/index.schema.json" 2>/dev/null || fail "the schema accepts a broken file"
}

# A link planted where render writes is replaced, never written through: a
# pull request cannot make CI overwrite a file outside the site.
case_symlinks() {
    cp "$DATA/seed.md" catalog.md
    expect_exit 0 "$REFDEX" render catalog.md # a site refdex made, with its manifest
    echo precious > victim.txt
    rm site/index.json site/c/ref.html
    ln -s ../victim.txt site/index.json
    ln -s ../../victim.txt site/c/ref.html
    for t in index.html index.json; do ln -s ../victim.txt "site/$t.tmp"; done
    expect_exit 0 "$REFDEX" render catalog.md
    checks=$((checks + 1))
    [ "$(cat victim.txt)" = precious ] || fail "render wrote through a link: victim.txt is now $(head -c 80 victim.txt)"
    checks=$((checks + 1))
    [ -f site/index.json ] && [ ! -L site/index.json ] && [ ! -L site/c/ref.html ] ||
        fail "the links in site/ were not replaced by files"
    expect_in site/index.json '"generator":"refdex"'
    checks=$((checks + 1))
    [ -z "$(find site -name '.*.??????')" ] || fail "temporary files were left: $(find site -name '.*')"
    # a manifest planted in the folder names nothing outside it
    printf '%s\n' '0000000000000000 ../victim.txt' '0000000000000000 c/../../victim.txt' \
        '0000000000000000 /work/victim.txt' "0000000000000000 $WORK/victim.txt" >> site/.refdex-manifest
    expect_exit 0 "$REFDEX" render catalog.md
    checks=$((checks + 1))
    [ "$(cat victim.txt)" = precious ] || fail "a planted manifest removed or changed victim.txt"
    # a `c` that is a link to elsewhere is refused, and nothing goes there
    mkdir elsewhere
    rm -r site/c
    ln -s ../elsewhere site/c
    expect_exit 2 "$REFDEX" render catalog.md
    expect_in err.txt "site/c: not a folder"
    checks=$((checks + 1))
    [ -z "$(ls elsewhere)" ] || fail "render wrote through a linked c/: $(ls elsewhere)"
}

# Render removes the pages it wrote and no longer writes (a category renamed),
# and never a file it did not write, nor one edited since.
case_stale_pages() {
    cp "$DATA/seed.md" catalog.md
    expect_exit 0 "$REFDEX" render catalog.md
    expect_in site/.refdex-manifest " c/tips.html"
    echo mine > site/notes.txt
    echo mine > site/c/mine.html
    sed -i 's/^## tips$/## hints/' catalog.md
    expect_exit 0 "$REFDEX" render catalog.md
    checks=$((checks + 1))
    [ ! -e site/c/tips.html ] && [ -f site/c/hints.html ] ||
        fail "after a rename: $(ls site/c | tr '\n' ' ')"
    checks=$((checks + 1))
    [ "$(cat site/notes.txt site/c/mine.html)" = "mine
mine" ] || fail "render touched files it did not write"
    expect_not_in site/.refdex-manifest "c/tips.html"
    expect_not_in site/.refdex-manifest "mine"
    # a page edited by hand is no longer refdex's: left alone when it goes
    echo "<!-- kept -->" >> site/c/hints.html
    sed -i 's/^## hints$/## tips/' catalog.md
    expect_exit 0 "$REFDEX" render catalog.md
    expect_in site/c/hints.html "<!-- kept -->"
    expect_not_in site/.refdex-manifest "c/hints.html"
    checks=$((checks + 1))
    [ -f site/c/tips.html ] || fail "c/tips.html was not written again"
    # a sub-category is a section of its top-level page: renaming it
    # changes that page and makes none
    sed -i 's/<!-- log -->/<!-- logging -->/' catalog.md
    expect_exit 0 "$REFDEX" render catalog.md
    expect_xpath site/c/ref.html 'count(//section[@id="logging"])' 1
    checks=$((checks + 1))
    [ "$(ls site/c | tr '\n' ' ')" = "context.html hints.html imports.html mine.html ref.html tips.html " ] ||
        fail "after renaming a sub-category: $(ls site/c | tr '\n' ' ')"
}

# A catalog of more entries than --index-max: index.html is the category
# tree, each category linked to its section on its page, and the pages hold
# the entries; the filter is on the pages.
case_index_max() {
    cp "$DATA/seed.md" catalog.md
    expect_exit 0 "$REFDEX" render catalog.md --index-max 10
    h=site/index.html
    expect_xpath $h 'count(//li[@class="entry"])' 0
    expect_xpath $h 'count(//section)' 0
    expect_xpath $h 'count(//input[@id="q"])' 0
    expect_xpath $h 'count(//nav//li)' 13
    expect_xpath $h 'string(//nav//li[a="ref"]/a/@href)' c/ref.html
    expect_xpath $h 'string(//nav//li[a="log"]/a/@href)' c/ref.html#log
    expect_xpath $h 'contains(string(//p[@class="summary"]), "each section'"'"'s entries are on its page")' true
    expect_xpath site/c/ref.html 'count(//li[@class="entry"])' 52
    expect_xpath site/c/ref.html 'count(//input[@id="q"])' 1
    checks=$((checks + 1))
    [ "$(ls site/c | wc -l)" -eq 4 ] || fail "pages: $(ls site/c | tr '\n' ' ')"
    # at the bound the index holds everything, as by default
    expect_exit 0 "$REFDEX" render catalog.md --index-max 57
    expect_xpath $h 'count(//li[@class="entry"])' 57
    expect_xpath $h 'string(//nav//li[a="log"]/a/@href)' '#log'
    expect_exit 2 "$REFDEX" render catalog.md --index-max 0
    expect_in err.txt "--index-max takes a whole number from 1"
}

# A page whose bytes would not change is left as it is (same file, same
# time), so a sync or an upload of the site moves only what changed; the
# pages that change are replaced whole, and no temporary file is left.
case_unchanged() {
    cp "$DATA/seed.md" catalog.md
    expect_exit 0 "$REFDEX" render catalog.md
    ids() { stat -c '%n %i' site/index.html site/index.json site/c/ref.html site/c/tips.html; }
    ids > first.txt
    expect_exit 0 "$REFDEX" render catalog.md
    ids > second.txt
    checks=$((checks + 1))
    diff first.txt second.txt >/dev/null || fail "an unchanged render replaced files: $(diff first.txt second.txt)"
    sed -i 's|^    + func类型都为nil时相等，其他不相等$|    + func类型都为nil时相等|' catalog.md
    expect_exit 0 "$REFDEX" render catalog.md
    ids > third.txt
    checks=$((checks + 1))
    [ "$(diff first.txt third.txt | grep -c '^>')" = 3 ] && grep -q "c/ref.html" third.txt &&
        [ "$(grep c/ref.html first.txt)" = "$(grep c/ref.html third.txt)" ] ||
        fail "after an edit under tips, expected index.html, index.json and c/tips.html replaced: $(diff first.txt third.txt | tr '\n' ' ')"
    expect_xpath site/c/tips.html 'count(//li[contains(., "其他不相等")])' 0
    checks=$((checks + 1))
    [ -z "$(find site -name '.*.??????')" ] || fail "temporary files were left: $(find site -name '.*')"
}

# --out into a folder of the user's: refused unless --force, and even then
# only refdex's own names are written.
case_out_folder() {
    cp "$DATA/seed.md" catalog.md
    mkdir docs
    echo '<p>my page</p>' > docs/index.html
    echo mine > docs/readme.txt
    expect_exit 2 "$REFDEX" render catalog.md --out docs
    expect_in err.txt "refdex: docs: the folder has files that refdex did not write"
    expect_in err.txt "--force"
    checks=$((checks + 1))
    [ "$(ls -A docs | tr '\n' ' ')" = "index.html readme.txt " ] && grep -q "my page" docs/index.html ||
        fail "a refused render wrote into docs: $(ls -A docs | tr '\n' ' ')"
    # an empty folder is fine, and so is the one refdex made
    mkdir empty
    expect_exit 0 "$REFDEX" render catalog.md --out empty
    expect_exit 0 "$REFDEX" render catalog.md --out empty
    # --force: written, the user's other files kept, and from then on it is refdex's
    expect_exit 0 "$REFDEX" render catalog.md --out docs --force
    expect_in docs/index.html '<section class="category"'
    expect_in docs/readme.txt mine
    expect_exit 0 "$REFDEX" render catalog.md --out docs
    # in refdex's folder, a file of the user's where a new page would go is not replaced
    printf '\n## brand new\n- [x](https://x.example/)\n' >> catalog.md
    echo mine > docs/c/brand-new.html
    expect_exit 2 "$REFDEX" render catalog.md --out docs
    expect_in err.txt "docs/c/brand-new.html: a file that refdex did not write is in the way"
    expect_in docs/c/brand-new.html mine
}

# A disk that fills up while the site is written (a tmpfs of a few hundred
# kilobytes, in a mount namespace of the test's own): the render ends with
# the disk's error and exit 3, never hangs (index.json and the pages are
# written by two threads), and the site that was there is left as it was,
# with no temporary file beside it. Twice: with the pages on the full disk,
# and with only index.html and index.json there (the pages on a disk of
# their own), where index.json fills it.
case_disk_full() {
    cp "$DATA/seed.md" seed.md
    cp "$DATA/awesome-go.md" catalog.md
    for where in pages json; do
        rm -rf site before && mkdir site
        checks=$((checks + 1))
        unshare -m sh -c '
            mount -t tmpfs -o size=400k tmpfs site || exit 9
            "$0" render seed.md --out site --db seed.db >/dev/null || exit 8
            cp -r site before
            if [ "$1" = json ]; then
                mount -t tmpfs -o size=16m tmpfs site/c && cp before/c/* site/c/ || exit 9
            fi
            timeout 60 "$0" render catalog.md --out site --db go.db --index-max 1 >out.txt 2>err.txt
            echo $? >rc.txt
            ls -A site site/c >files.txt
            for f in $(cd before && find . -type f ! -name .refdex-manifest); do
                cmp -s "before/$f" "site/$f" || echo "$f" >>changed.txt
            done' "$REFDEX" "$where"
        got=$(cat rc.txt 2>/dev/null)
        [ "$got" = 3 ] || { fail "$where: a render onto a full disk exited '$got', expected 3"; cat err.txt >&2; }
        expect_in err.txt "No space left on device"
        checks=$((checks + 1))
        [ ! -s changed.txt ] || fail "$where: the render that failed changed $(cat changed.txt)"
        checks=$((checks + 1))
        left=$(grep '^\.' files.txt | grep -v '^\.refdex-manifest$')
        [ -z "$left" ] || fail "$where: temporary files were left: $left"
        rm -f changed.txt rc.txt
    done
}

# Memory running out at every point of a render, and of fmt (cmark's tree
# whole: cmark cannot take a failed allocation, so refdex ends the process
# there, with exit 3, rather than cmark's abort): the address space capped
# with ulimit -v, from the least the program loads in upwards, 2.5 MB at a
# time, on a list of 20,000 entries. Each capped render ends with "out of
# memory" and exit 3, or writes the same site as one with no cap; never a
# crash, and no temporary file is left. (libxml2 out of memory used to crash
# it: a NULL node dereferenced, an empty serialisation searched.) Not under
# AddressSanitizer, which needs more address space than any cap here.
case_out_of_memory() {
    if [ "${RD_SANITIZED:-OFF}" = ON ]; then
        echo "  (not under AddressSanitizer: ulimit -v leaves it no room)"
        return
    fi
    awk 'BEGIN { print "# Big list\n"
        for (c = 0; c < 200; c++) {
            printf "## Category %d\n\nWhat category %d holds, in a note.\n\n", c, c
            for (i = 0; i < 100; i++)
                printf "- [entry %d-%d](https://host%d.example/p/%d/%d) - About entry %d.\n", c, i, (c * 100 + i) % 997, c, i, i
            print ""
        } }' > catalog.md
    expect_exit 0 "$REFDEX" ingest catalog.md
    expect_exit 0 "$REFDEX" render catalog.md --out ref
    kb=20000 ran_out=0 wrote=0
    while [ "$kb" -lt 400000 ]; do # the least it loads in: below, exit 127 from the loader
        (ulimit -v "$kb" && exec "$REFDEX" --version) >/dev/null 2>&1 && break
        kb=$((kb + 2500))
    done
    top=$((kb + 45000))
    while [ "$kb" -le "$top" ]; do
        rm -rf capped
        (ulimit -v "$kb" && exec "$REFDEX" render catalog.md --out capped) >out.txt 2>err.txt
        rc=$?
        checks=$((checks + 1))
        if [ "$rc" = 3 ]; then
            ran_out=$((ran_out + 1))
            grep -q "out of memory" err.txt ||
                fail "capped at $kb KB: exit 3 without 'out of memory': $(head -c 300 err.txt)"
        elif [ "$rc" = 0 ]; then
            wrote=$((wrote + 1))
            diff -r -x .refdex-manifest ref capped >/dev/null || fail "capped at $kb KB: exit 0, another site"
        elif ! grep -q "error while loading shared libraries" err.txt; then
            fail "capped at $kb KB: exit $rc: $(head -c 300 err.txt)"
        fi
        left=$(ls -A capped capped/c 2>/dev/null | grep '^\.' | grep -v '^\.refdex-manifest$')
        [ -z "$left" ] || fail "capped at $kb KB: temporary files left: $left"
        kb=$((kb + 2500))
    done
    checks=$((checks + 1))
    [ "$ran_out" -ge 3 ] && [ "$wrote" -ge 1 ] ||
        fail "of the capped renders $ran_out ran out of memory and $wrote wrote the site: the range missed"
    echo "  capped renders: $ran_out ran out of memory cleanly, $wrote wrote the site"
    # cmark out of memory (fmt holds its whole tree): exit 3 and the words,
    # not cmark's abort
    "$REFDEX" fmt catalog.md >ref.md
    kb=$((top - 45000)) ran_out=0
    while [ "$kb" -le $((top + 30000)) ]; do
        (ulimit -v "$kb" && exec "$REFDEX" fmt catalog.md) >out.txt 2>err.txt
        rc=$?
        checks=$((checks + 1))
        if [ "$rc" = 3 ]; then
            ran_out=$((ran_out + 1))
            grep -q "out of memory" err.txt || fail "fmt capped at $kb KB: exit 3: $(head -c 300 err.txt)"
        elif [ "$rc" = 0 ]; then
            cmp -s out.txt ref.md || fail "fmt capped at $kb KB: exit 0, other bytes"
        elif ! grep -q "error while loading shared libraries" err.txt; then
            fail "fmt capped at $kb KB: exit $rc: $(head -c 300 err.txt)"
        fi
        kb=$((kb + 5000))
    done
    checks=$((checks + 1))
    [ "$ran_out" -ge 2 ] || fail "only $ran_out capped fmt runs ran out of memory: the range missed"
}

# Headings whose slugs are too long for a file name: bounded, unique, stable,
# and the links point at them.
case_long_names() {
    cjk=$(python3 -c 'print("".join(chr(0x4e00 + i) for i in range(42)))')
    long=$(python3 -c 'print("word " * 49 + "x")')
    {
        echo "## $cjk"; echo "- [a](https://a.example/)"
        echo "## $long one"; echo "- [b](https://b.example/)"
        echo "## $long two"; echo "- [c](https://c.example/)"
    } > catalog.md
    expect_exit 0 "$REFDEX" render catalog.md
    checks=$((checks + 1))
    [ "$(ls site/c | wc -l)" -eq 3 ] || fail "expected 3 pages: $(ls site/c)"
    for f in site/c/*.html; do
        checks=$((checks + 1))
        [ "$(basename "$f" | wc -c)" -le 121 ] || fail "$f: a file name of $(basename "$f" | wc -c) bytes"
    done
    for href in $(xpath site/index.html '//section/h2/a/@href' | sed 's/ href="\([^"]*\)"/\1 /g'); do
        checks=$((checks + 1))
        [ -f "site/$href" ] || fail "the heading links to $href, which is not there"
    done
    ls site/c > first.txt
    expect_exit 0 "$REFDEX" render catalog.md --out again
    checks=$((checks + 1))
    [ "$(ls again/c)" = "$(cat first.txt)" ] || fail "page names changed between renders"
}

# What a reader sees of awesome-go: its title, notes where the source has
# them, no empty sections, and no image loaded from the network.
case_page() {
    cp "$DATA/awesome-go.md" catalog.md
    expect_exit 0 "$REFDEX" render catalog.md
    h=site/index.html
    expect_xpath $h 'string(//title)' 'Awesome Go'
    expect_xpath $h 'string(//h1)' 'Awesome Go'
    # source order: a section's description, its entries, then "back to top"
    expect_xpath $h 'name(//section[@id="actor-model"]/*[2])' div
    expect_xpath $h 'name(//section[@id="actor-model"]/*[3])' ul
    expect_xpath $h 'string(//section[@id="actor-model"]/*[4])' '⬆ back to top'
    expect_xpath $h 'count(//section[@id="actor-model"]/div[@class="notes"][preceding-sibling::ul])' 1
    # in-page links lead to the index, from a category page too (its <base> is ../)
    expect_xpath $h 'string(//section[@id="actor-model"]/*[4]//a/@href)' index.html#contents
    expect_xpath site/c/actor-model.html 'string(//section/*[4]//a/@href)' index.html#contents
    # "Contents" holds only the table of contents: no section, not in the
    # tree; "Command Line" holds only sub-categories: in the tree, its
    # in-page link lands, and no empty section
    expect_xpath $h 'count(//section[@id="contents"])' 0
    expect_xpath $h 'count(//nav//a[@href="#contents"])' 0
    expect_xpath $h 'count(//section[@id="command-line"])' 0
    expect_xpath $h 'count(//nav//a[@href="#command-line"])' 1
    expect_xpath $h 'count(//*[@id="command-line"])' 1
    expect_xpath $h 'count(//section[not(.//li[@class="entry"]) and not(div[@class="notes"]) and not(p[@class="about"])])' 0
    expect_xpath $h 'count(//main//ul[li/a[starts-with(@href, "#")]])' 0
    expect_xpath $h 'count(//li[@class="entry"])' 3033
    checks=$((checks + 1))
    [ -f site/c/command-line.html ] && [ ! -e site/c/contents.html ] ||
        fail "pages: command-line $(ls site/c/command-line.html 2>&1), contents $(ls site/c/contents.html 2>&1)"
    expect_xpath site/c/command-line.html 'string(//nav[@class="subs"]//li[1]/a/@href)' c/command-line.html#advanced-console-uis
    expect_xpath site/c/command-line.html 'count(//section[@id="advanced-console-uis"]//li[@class="entry"])' 42
    # the list's title has no page (its own words are on the index), nor
    # does a sub-category; "Resources", a second `#` heading, has one
    checks=$((checks + 1))
    [ ! -e site/c/awesome-go.html ] && [ ! -e site/c/advanced-console-uis.html ] && [ -f site/c/resources.html ] ||
        fail "pages: $(ls site/c | head -5 | tr '\n' ' ')..."
    expect_xpath $h 'string(//section[@id="awesome-go"]/h2/a/@href)' index.html#awesome-go
    # badges and logos are their alt text, not images fetched by the reader
    expect_xpath $h 'count(//img)' 0
    expect_not_in $h '<img'
    expect_xpath $h 'string(//section[@id="awesome-go"]//a[span="Build Status"]/@href)' \
        'https://github.com/avelino/awesome-go/actions/workflows/tests.yaml?query=branch%3Amain'
    expect_xpath $h 'string(//section[@id="awesome-go"]//span[@class="img"][1]/@title)' \
        'image, not loaded: https://github.com/avelino/awesome-go/actions/workflows/tests.yaml/badge.svg?branch=main'
    expect_xpath $h 'count(//meta[@http-equiv="Content-Security-Policy" and contains(@content, "default-src '"'none'"'")])' 1
    # unless asked for
    expect_exit 0 "$REFDEX" render catalog.md --out remote --remote-images
    expect_xpath remote/index.html 'count(//img[starts-with(@src, "https://") and @loading="lazy" and @referrerpolicy="no-referrer"])' 6
    expect_xpath remote/index.html 'count(//meta[contains(@content, "img-src http: https:")])' 1
    # the seed: the code example stays under the entry it explains
    cp "$DATA/seed.md" catalog.md
    expect_exit 0 "$REFDEX" render catalog.md --out seed
    expect_xpath seed/index.html 'name(//section[@id="tips"]/*[2])' ul
    expect_xpath seed/index.html 'count(//section[@id="tips"]/ul/following-sibling::div//pre)' 1
}

# check_fixture_catalog: links with every kind of health, checked against
# the fixture; the redirect's target made long, as real ones are
check_fixture_catalog() {
    start_fixture
    cat > catalog.md <<EOC
# Fixture links

## good
- [page]($BASE/ok/page) - fine
- [moved]($BASE/perm) - moved for good

## bad
- [gone]($BASE/status/404)
- [loop]($BASE/loop/a)
- [slow]($BASE/hang)
- [refused](http://127.0.0.1:1/x)
EOC
    expect_exit 1 "$REFDEX" check catalog.md --allow-private --timeout 1s --retries 0
    sqlite3 refdex.db "UPDATE checks SET final_url = final_url || '?session=' || hex(zeroblob(40)) || '&to=' || replace(hex(zeroblob(12)), '00', 'a-long-segment/') WHERE result = 'redirect'"
    expect_exit 0 "$REFDEX" render catalog.md
}

# A check that got no answer says why and when; category pages give their
# own numbers.
case_health() {
    check_fixture_catalog
    h=site/index.html
    expect_xpath $h 'starts-with(//li[a="slow"]/span[contains(@class, "badge")]/@title, "timeout: no answer within")' true
    expect_xpath $h 'contains(//li[a="slow"]/span[contains(@class, "badge")]/@title, ", checked 20")' true
    expect_xpath $h 'contains(//li[a="loop"]/span[@class="why"], "redirect loop · checked 20")' true
    expect_xpath $h 'count(//li[a="loop"]/span[@class="why"]/time[@datetime])' 1
    expect_xpath $h 'string-length(//li[a="refused"]/span[@class="why"]) > 20' true
    expect_xpath $h 'string(//li[a="gone"]/@data-status)' broken
    expect_xpath $h 'count(//li[@data-status])' 6
    expect_in $h '<span class="badge broken">broken 404</span>'
    expect_in $h '6 entries in 3 categories · 6 links, 6 checked, 3 failing · last check 20'
    c=site/c/bad.html
    expect_in $c '4 entries · 4 links, 4 checked, 3 failing · last check 20'
    expect_xpath $c 'count(//div[@class="layout"]/main/section)' 1
    expect_in site/c/good.html '2 entries · 2 links, 2 checked, 0 failing · last check 20'
}

# A site a refdex made before it kept a manifest is its own: rendered over,
# with no --force.
case_old_site() {
    cp "$DATA/seed.md" catalog.md
    mkdir -p site/c
    printf '{"generator":"refdex","schema_version":1,"catalog":"catalog.md","categories":[]}\n' > site/index.json
    echo '<!DOCTYPE html>' > site/index.html
    echo '<!DOCTYPE html>' > site/c/ref.html
    expect_exit 0 "$REFDEX" render catalog.md
    expect_exit 0 test -f site/.refdex-manifest
    expect_in site/c/ref.html "go-logr/logr"
}

# Offline, the main command's page says the links could not be checked, and
# shows no wall of red error badges.
case_offline() {
    printf '# L\n\n- [a](http://127.0.0.2:1/a) - A.\n- [b](http://127.0.0.3:1/b) - B.\n' > c.md
    expect_exit 0 "$REFDEX" update c.md --allow-private --retries 0
    expect_in err.txt "the network looks unavailable"
    expect_xpath site/index.html 'count(//span[contains(@class,"badge") and contains(@class,"error")])' 0
    expect_xpath site/index.html 'contains(string(//p[@class="summary"]), "the last check found no network")' true
}

# A category's path reads as the user wrote it, not as slugs.
case_names() {
    cp "$DATA/seed.md" catalog.md
    expect_exit 0 "$REFDEX" render catalog.md
    expect_xpath site/index.html 'string(//section[@id="u7f51-u7edc"]//h2/span[@class="path"])' 'ref/网络'
    expect_xpath site/c/ref.html 'string(//title)' 'ref · catalog.md'
    expect_xpath site/c/ref.html 'string(//section[@id="u7f51-u7edc"]//h2/span[@class="path"])' 'ref/网络'
}

# The header counts the categories the navigation lists (a table of
# contents, with nothing of its own to show, is in neither), so that the
# fold on a phone says the same number.
case_category_count() {
    cat >catalog.md <<'EOC'
# Things

## Contents

- [Tools](#tools)

## Tools

- [a](https://a.example/) - A tool.
EOC
    expect_exit 0 "$REFDEX" render catalog.md
    h=site/index.html
    expect_xpath $h 'string(//details[@id="toc"]/summary/span[@class="count"])' 2
    expect_xpath $h 'count(//details[@id="toc"]//li)' 2
    expect_in $h '1 entry in 2 categories'
}

case_deterministic() {
    cp "$DATA/awesome-go.md" catalog.md
    expect_exit 0 "$REFDEX" render catalog.md --out a
    expect_exit 0 "$REFDEX" render catalog.md --out b
    checks=$((checks + 1))
    diff -r a b >/dev/null || fail "two renders of the same database differ"
    expect_xpath a/index.html 'count(//li[@class="entry"])' 3033
}

case_xss() {
    cat > x.md <<'EOC'
# </title><script>alert(1)</script>

<!-- x"><script>alert(2)</script> -->
- [<script>alert(3)</script>](https://ok.example/"onmouseover=alert(4)) - <img src=x onerror=alert(5)> desc
- [js](javascript:alert(6))
- [data](data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==)
- [vb](VBScript:msgbox(8))
- [odd ‮ text ​ here](https://ok.example/u) - line one
    - <svg onload=alert(9)>

Some note <script>alert(10)</script>, [click](javascript:alert(11)), <b onclick=alert(12)>b</b>
and ![img](javascript:alert(13)) and <a href="javascript:alert(14)">a</a>.
EOC
    expect_exit 0 "$REFDEX" render x.md
    for f in site/index.html site/c/*.html; do
        expect_xpath "$f" 'count(//script)' 1           # ours, the filter
        expect_xpath "$f" 'count(//script[contains(., "alert")])' 0
        expect_xpath "$f" 'count(//@*[starts-with(name(), "on")])' 0
        expect_xpath "$f" 'count(//@*[contains(translate(., "JAVSCRIPTBD", "javscriptbd"), "javascript:") or contains(translate(., "VBSCRIPT", "vbscript"), "vbscript:") or starts-with(., "data:")])' 0
        expect_xpath "$f" 'count(//svg | //iframe | //b | //object | //embed | //style[2])' 0
        expect_xpath "$f" 'count(//img[@src != ""])' 0
    done
    h=site/index.html
    # raw HTML in names is dropped by the parser; text that looks like markup is
    # kept as text; quotes in URLs stay inside their attribute
    expect_xpath $h 'string(//title)' 'alert(1)'
    expect_xpath $h 'string(//h1)' 'alert(1)'
    expect_xpath $h 'string(//section[1]/h2/a)' 'x"><script>alert(2)</script>'
    expect_xpath $h 'string(//li[@class="entry"]/a[.="alert(3)"]/@href)' 'https://ok.example/%22onmouseover=alert(4)'
    expect_xpath $h 'string(//li[@class="entry"]/span[.="js"]/@class)' name
    expect_xpath $h 'string(//li[@class="entry"]/span[.="data"]/@class)' name
    expect_xpath $h 'string(//li[@class="entry"]/a[@href="https://ok.example/u"])' 'odd ‮ text ​ here'
    expect_xpath $h 'string(//div[@class="notes"]/p/a/@href)' ''
}

case_note_links() {
    # a note's links become links only to http(s), mailto or a relative address,
    # as an entry's do: ftp:, tel: and an application's scheme stay text
    cat >x.md <<'EOC'
# x

## a

See [ftp](ftp://files.example/f), [tel](tel:+123), [app](steam://run/1),
[web](HTTPS://ok.example/w), [mail](mailto:a@example.com), [doc](docs/x.md) and [top](#x).

- [e](https://ok.example/e)
EOC
    expect_exit 0 "$REFDEX" render x.md
    for f in site/index.html site/c/a.html; do
        expect_xpath "$f" 'count(//div[@class="notes"]//a[@href])' 4
        expect_xpath "$f" 'count(//@href[contains(., "ftp:") or contains(., "tel:") or contains(., "steam:")])' 0
        expect_xpath "$f" 'string(//div[@class="notes"]/p)' 'See ftp, tel, app,
web, mail, doc and top.'
    done
    expect_xpath site/index.html 'string(//div[@class="notes"]//a[.="web"]/@href)' HTTPS://ok.example/w
    expect_xpath site/index.html 'string(//div[@class="notes"]//a[.="top"]/@href)' 'index.html#x'
}

browser() {
    timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic \
        --disable-background-networking --disable-component-update --disable-sync \
        --no-first-run --user-data-dir="$WORK/profile" "$@" 2>/dev/null
}
# shown FILE: the entries a dumped DOM shows
shown() { xpath "$1" 'count(//li[@class="entry" and not(@hidden)])'; }
expect_shown() {
    checks=$((checks + 1))
    got=$(shown "$1")
    [ "$got" = "$2" ] || fail "$1: $got entries shown, expected $2"
}

case_browser() {
    cp "$DATA/seed.md" catalog.md
    expect_exit 0 "$REFDEX" render catalog.md
    browser --dump-dom "file://$WORK/site/index.html#q=zap" > dom.html
    checks=$((checks + 1))
    [ -s dom.html ] || fail "chromium printed no DOM"
    # after the script ran: only zap's entry and its section are shown
    expect_shown dom.html 1
    expect_xpath dom.html 'string(//li[@class="entry" and not(@hidden)]/a)' zap
    expect_xpath dom.html 'count(//section[not(@hidden)])' 1
    expect_xpath dom.html 'string(//input[@id="q"]/@value)' ''
    # ?q= works too, and a sub-entry's match keeps its parent shown
    browser --dump-dom "file://$WORK/site/index.html?q=logr" > dom2.html
    expect_shown dom2.html 3
    expect_xpath dom2.html 'count(//li[a="glog" and not(@hidden)])' 1
    # without a filter everything is visible, in the order of the source
    browser --dump-dom "file://$WORK/site/index.html" > dom3.html
    expect_shown dom3.html 57
    expect_xpath dom3.html 'name(//section[@id="tips"]/*[2])' ul
    expect_xpath dom3.html 'count(//section[@id="tips"]/ul/following-sibling::div//pre)' 1
    expect_xpath dom3.html 'string(//title)' catalog.md
    # the filter is there for who can use it; without the script it is not,
    # and nothing is hidden
    expect_xpath dom3.html 'count(//div[@class="filter" and not(@hidden)])' 1
    expect_xpath site/index.html 'count(//div[@class="filter" and @hidden])' 1
    expect_xpath site/index.html 'count(//*[@hidden])' 1
    browser --window-size=1200,900 --screenshot="$ARTIFACTS/render-zap.png" \
        "file://$WORK/site/index.html#q=zap" >/dev/null
    checks=$((checks + 1))
    [ -s "$ARTIFACTS/render-zap.png" ] || fail "no screenshot"
    # awesome-go: its title, and no image from the network in the live page
    cp "$DATA/awesome-go.md" go.md
    expect_exit 0 "$REFDEX" render go.md --out go --db go.db
    browser --dump-dom "file://$WORK/go/index.html" > go.html
    expect_xpath go.html 'string(//title)' 'Awesome Go'
    expect_xpath go.html 'string(//h1)' 'Awesome Go'
    expect_xpath go.html 'count(//img)' 0
    expect_not_in go.html '<img src="http'
    expect_shown go.html 3033
}

# The filter by status and by URL, the counts in the tree, and what it says
# when nothing matches.
case_browser_filter() {
    check_fixture_catalog
    page="file://$WORK/site/index.html"
    browser --dump-dom "$page#status=failing" > failing.html
    expect_shown failing.html 3
    expect_xpath failing.html 'string(//nav//li[a="bad"]/span[@class="count"])' 3
    expect_xpath failing.html 'string(//nav//li[a="Fixture links"]/span[@class="count"])' 3
    expect_xpath failing.html 'count(//nav//li[a="good" and @hidden])' 1
    expect_xpath failing.html 'string(//p[@id="matches"])' '3 of 6 entries match'
    browser --dump-dom "$page#status=broken" > broken.html
    expect_shown broken.html 1
    expect_xpath broken.html 'string(//li[@class="entry" and not(@hidden)]/a)' gone
    browser --dump-dom "$page?status=timeout" > timeout.html
    expect_xpath timeout.html 'string(//li[@class="entry" and not(@hidden)]/a)' slow
    browser --dump-dom "$page#q=loop&status=error" > both.html
    expect_shown both.html 1
    # URLs are searched: "hang" is only in slow's
    browser --dump-dom "$page#q=hang" > url.html
    expect_shown url.html 1
    expect_xpath url.html 'string(//li[@class="entry" and not(@hidden)]/a)' slow
    browser --dump-dom "$page#q=nothing-like-this" > none.html
    expect_shown none.html 0
    expect_xpath none.html 'string(//p[@id="matches"])' 'No entries match.'
    expect_xpath none.html 'count(//section[not(@hidden)])' 0
    browser --dump-dom "$page" > all.html
    expect_shown all.html 6
    expect_xpath all.html 'string(//nav//li[a="bad"]/span[@class="count"])' 4
    expect_xpath all.html 'string(//p[@id="matches"])' ''
}

# The layout, measured in the browser: at 390 px the category tree is folded
# and nothing is wider than the screen, a long redirect leaves its date whole;
# a category page has its margin; the filter writes itself into the address.
case_browser_layout() {
    check_fixture_catalog
    cat > probe.html <<'EOP'
<!DOCTYPE html><meta charset="utf-8">
<iframe id="narrow" src="site/index.html" style="width:390px;height:900px"></iframe>
<iframe id="wide" src="site/index.html" style="width:1200px;height:900px"></iframe>
<iframe id="page" src="site/c/bad.html" style="width:1200px;height:600px"></iframe>
<iframe id="edit" src="site/index.html" style="width:1200px;height:600px"></iframe>
<script>
window.onload = function () {
  function doc(id) { return document.getElementById(id).contentDocument; }
  function measure(name, f) { /* each on its own: one that cannot be taken says why */
    var v;
    try { v = f(); } catch (x) { v = "error: " + x; }
    document.body.setAttribute("data-" + name, v);
  }
  var n = doc("narrow"), w = doc("wide"), e = doc("edit");
  measure("tocnarrow", function () { return Math.round(n.getElementById("toc").getBoundingClientRect().height); });
  measure("tocwide", function () { return Math.round(w.getElementById("toc").getBoundingClientRect().height); });
  measure("seennarrow", function () { return n.querySelector("#toc li").checkVisibility(); });
  measure("seenwide", function () { return w.querySelector("#toc li").checkVisibility(); });
  measure("overflow", function () { return n.documentElement.scrollWidth - n.documentElement.clientWidth; });
  measure("whensplit", function () { /* at any width, the date after a long URL stays whole */
    var frame = document.getElementById("narrow"), split = 0;
    var t = n.querySelector("#good li.entry:nth-child(2) > time");
    for (var px = 300; px <= 420; px++) {
      frame.style.width = px + "px";
      if (t.getClientRects().length > 1) split++;
    }
    frame.style.width = "390px";
    return split;
  });
  measure("pageleft", function () {
    return Math.round(doc("page").querySelector("main").getBoundingClientRect().left);
  });
  measure("hash", function () {
    var st = e.getElementById("status"), q = e.getElementById("q");
    st.value = "broken";
    st.dispatchEvent(new Event("change"));
    q.value = "gone";
    q.dispatchEvent(new Event("input"));
    return document.getElementById("edit").contentWindow.location.hash;
  });
  measure("shown", function () { return e.querySelectorAll("li.entry:not([hidden])").length; });
};
</script>
EOP
    browser --allow-file-access-from-files --window-size=1300,1000 --dump-dom \
        "file://$WORK/probe.html" > probe-dom.html
    expect_xpath probe-dom.html '//body/@data-tocnarrow < 50' true
    expect_xpath probe-dom.html '//body/@data-tocwide > //body/@data-tocnarrow + 30' true
    expect_xpath probe-dom.html 'string(//body/@data-seennarrow)' false
    expect_xpath probe-dom.html 'string(//body/@data-seenwide)' true
    expect_xpath probe-dom.html 'string(//body/@data-overflow)' 0
    expect_xpath probe-dom.html 'string(//body/@data-whensplit)' 0
    expect_xpath probe-dom.html '//body/@data-pageleft >= 8' true
    expect_xpath probe-dom.html 'string(//body/@data-hash)' '#q=gone&status=broken'
    expect_xpath probe-dom.html 'string(//body/@data-shown)' 1
}

run_case render
