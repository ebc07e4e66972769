#!/bin/sh
# tests/edit.sh REFDEX FIXTURE CASE — the commands that rewrite the catalog:
# fmt (canonical, idempotent, the same catalog) and fix (exact bytes).
REFDEX=$1
FIXTURE=$2
CASE=$3
. "$(dirname "$0")/lib.sh"

# expect_text FILE TEXT: FILE holds TEXT, all its lines in a row (expect_in
# takes each line of a pattern on its own)
expect_text() {
    checks=$((checks + 1))
    case "$(cat "$1")" in
    *"$2"*) ;;
    *) fail "$1 lacks the lines:"; printf '%s\n' "$2" | sed 's/^/    | /' >&2 ;;
    esac
}

# model FILE: what the catalog says, independent of layout: every category
# and entry with its nesting, read back from a database of its own
model() {
    rm -f m.db m.db-wal m.db-shm
    "$REFDEX" ingest -q "$1" --db m.db || return 1
    sqlite3 m.db "SELECT c.name_path, e.depth, e.name, coalesce(e.url_raw, '-'), e.description FROM entries e JOIN categories c ON c.id = e.category_id ORDER BY e.ord; SELECT kind, name_path FROM categories ORDER BY ord; SELECT kind, count(*) FROM notes GROUP BY kind"
}

# fmt_round FILE: fmt is idempotent and keeps the model
fmt_round() {
    expect_exit 0 "$REFDEX" fmt "$1"
    cp out.txt once.md
    expect_exit 0 "$REFDEX" fmt once.md
    checks=$((checks + 1))
    cmp -s out.txt once.md || fail "fmt is not idempotent on $1"
    checks=$((checks + 1))
    [ "$(model "$1")" = "$(model once.md)" ] || fail "fmt changed what $1 says"
    expect_exit 0 "$REFDEX" fmt --check once.md
}

case_fmt_seed() {
    cp "$DATA/seed.md" catalog.md
    fmt_round catalog.md
    expect_exit 1 "$REFDEX" fmt --check catalog.md
    # a unified diff that patch(1) applies to give fmt's output
    expect_in out.txt "--- catalog.md"
    expect_in out.txt "+++ catalog.md (refdex fmt)"
    expect_in out.txt "@@ -1,"
    cp catalog.md patched.md
    checks=$((checks + 1))
    patch -s patched.md < out.txt && "$REFDEX" fmt catalog.md | cmp -s - patched.md ||
        fail "fmt --check's diff does not patch the file into fmt's output"
    expect_in err.txt "not in canonical form"
    cp catalog.md before.md
    expect_exit 0 "$REFDEX" fmt -w catalog.md
    checks=$((checks + 1))
    cmp -s catalog.md once.md || fail "fmt -w wrote something else than fmt prints"
    expect_exit 0 "$REFDEX" fmt --check catalog.md
    # what canonical means, on the seed: its own "+" bullets and 4-space nesting
    expect_text catalog.md "$(printf '## imports\n\n+ io\n+ log')"
    expect_text catalog.md "$(printf -- '+ [glog](github.com/golang/glog)\n    + [go-logr/logr](https://github.com/go-logr/logr)')"
    expect_text catalog.md "$(printf '<!-- log -->\n\n+ [log]')"
    expect_in catalog.md "[fmt](https://golang.org/pkg/fmt/ )"
    checks=$((checks + 1))
    ! grep -q '^ *- ' catalog.md || fail "fmt wrote '-' bullets in the seed"
    # only blank lines move: every other line is as the maintainer wrote it
    checks=$((checks + 1))
    [ "$(grep -v '^$' before.md)" = "$(grep -v '^$' catalog.md)" ] || fail "fmt changed more than blank lines in the seed"
    checks=$((checks + 1))
    [ "$(tail -c 1 catalog.md | od -An -c | tr -d ' ')" = '\n' ] || fail "no final newline"
}

# fmt keeps the list's own bullet and indent unless told; --bullet and --indent
case_fmt_style() {
    # awesome-nodejs nests with tabs
    fmt_round "$DATA/awesome-nodejs.md"
    tab_item=$(printf '^\t- ')
    checks=$((checks + 1))
    [ -z "$(grep "$tab_item" "$DATA/awesome-nodejs.md" | grep -vxFf once.md)" ] ||
        fail "fmt did not keep awesome-nodejs's tab nesting"
    # told otherwise
    cp "$DATA/seed.md" catalog.md
    expect_exit 0 "$REFDEX" fmt --bullet '*' --indent 2 catalog.md
    cp out.txt star.md
    expect_text star.md "$(printf -- '* [glog](github.com/golang/glog)\n  * [go-logr/logr](https://github.com/go-logr/logr)')"
    checks=$((checks + 1))
    ! grep -q '^ *[-+] ' star.md || fail "--bullet '*' left other bullets"
    expect_exit 0 "$REFDEX" fmt --check --bullet '*' --indent 2 star.md
    expect_exit 1 "$REFDEX" fmt --check star.md --bullet +
    expect_exit 0 "$REFDEX" fmt --indent tab --bullet - catalog.md
    expect_text out.txt "$(printf -- '- [glog](github.com/golang/glog)\n\t- [go-logr/logr]')"
    # the most used bullet wins; lists it joins stay one catalog (the self-check)
    printf '## a\n\n* [a](https://a.example/)\n* [b](https://b.example/)\n- [c](https://c.example/)\n\n## b\n\n- x\n' > mixed.md
    fmt_round mixed.md
    expect_text once.md "$(printf '* [b](https://b.example/)\n* [c](https://c.example/)')"
    expect_text once.md "$(printf '## b\n\n* x')"
    # code under a sub-entry, re-indented with tabs: its note loses the
    # container's indentation by columns, tabs or spaces
    printf -- '- [a](https://a.example/)\n    - [b](https://b.example/)\n\n        ```\n        code\n        ```\n' > code.md
    expect_exit 0 "$REFDEX" fmt --indent tab code.md
    cp out.txt tabbed.md
    fmt_round tabbed.md
    # each level of nesting keeps the bullet most of its items use
    printf '* [a](https://a.example/)\n  - [b](https://b.example/)\n* [c](https://c.example/)\n  - [d](https://d.example/)\n  + [e](https://e.example/)\n' > levels.md
    fmt_round levels.md
    expect_text once.md "$(printf -- '* [c](https://c.example/)\n  - [d](https://d.example/)\n  - [e]')"
    # an indent narrower than a wide marker still nests, and a wider one is not code
    printf '8. a\n9. b\n   - [x](https://x.example/)\n10. c\n    - [y](https://y.example/)\n' > wide.md
    expect_exit 0 "$REFDEX" fmt --indent 1 wide.md
    expect_text out.txt "$(printf '9. b\n   - [x]')"
    expect_text out.txt "$(printf '10. c\n    - [y]')"
    expect_exit 0 "$REFDEX" fmt --indent 8 wide.md
    expect_text out.txt "$(printf '9. b\n      - [x]')"
    expect_text out.txt "$(printf '10. c\n       - [y]')"
    printf '99. a\n100. b\n     - [z](https://z.example/)\n' > wider.md
    expect_exit 0 "$REFDEX" fmt --indent tab wider.md
    expect_text out.txt "$(printf '100. b\n\t - [z]')"
    # bad values are bad usage
    for bad in '--bullet x' '--bullet --' '--indent 0' '--indent 9' '--indent 2x' '--indent tabs'; do
        # shellcheck disable=SC2086
        expect_exit 2 "$REFDEX" fmt $bad catalog.md
    done
    expect_exit 2 "$REFDEX" fmt --bullet '' catalog.md
    expect_in err.txt "--bullet is -, * or +"
    expect_exit 2 "$REFDEX" fmt --indent 0 catalog.md
    expect_in err.txt "--indent is a number of spaces from 1 to 8, or tab, not '0'"
    expect_exit 2 "$REFDEX" lint --bullet '*' catalog.md
    expect_exit 0 "$REFDEX" fmt --help
    expect_in out.txt "--indent N|tab"
}

# every published list in tests/data formats, keeps its catalog, and a second
# fmt changes nothing
# fmt -w and fix write a symlinked catalog through to its file, keeping its
# mode; the link stays a link, and nothing is left beside it.
case_write_through() {
    mkdir real
    printf '## x\n* [a](https://a.example/)\n' > real/list.md
    chmod 640 real/list.md
    ln -s real/list.md catalog.md
    expect_exit 0 "$REFDEX" fmt -w catalog.md
    checks=$((checks + 1))
    [ -L catalog.md ] || fail "fmt -w replaced the link with a file"
    expect_in real/list.md "$(printf '## x')"
    checks=$((checks + 1))
    [ "$(stat -c %a real/list.md)" = 640 ] || fail "fmt -w changed the mode to $(stat -c %a real/list.md)"
    checks=$((checks + 1))
    [ "$(grep -c '' real/list.md)" = 3 ] || fail "fmt -w did not rewrite the target: $(cat real/list.md)"
    printf '## x\n\n* [a](a.example/x)\n' > real/list.md
    expect_exit 0 "$REFDEX" fix catalog.md
    expect_in real/list.md "(https://a.example/x)"
    checks=$((checks + 1))
    [ -L catalog.md ] && [ "$(stat -c %a real/list.md)" = 640 ] || fail "fix broke the link or the mode"
    checks=$((checks + 1))
    [ -z "$(ls -A real | grep -v '^list.md$')" ] || fail "files were left beside the catalog: $(ls -A real)"
}

# Shapes the round-trip fuzz target (fuzz/fuzz_fmt.c) found: code right
# after a marker stays put, and a prose item's lists that change bullet are
# joined without fmt refusing.
case_fmt_round_trips() {
    printf -- '- a\n    +     x\n' > code.md
    fmt_round code.md
    expect_text once.md "$(printf -- '- a\n    +     x')"
    printf -- '# W\n\n- Graph stores\n  - [beta](https://example\n  * [[zipper-rs](https:store.\n' > mixed.md
    fmt_round mixed.md
}

case_fmt_corpus() {
    for md in "$DATA"/*.md; do
        [ "$(basename "$md")" = README.md ] || fmt_round "$md"
    done
    # link reference definitions are no block in cmark's tree, yet the badges
    # of awesome-mac-zh need them
    expect_exit 0 "$REFDEX" fmt "$DATA/awesome-mac-zh.md"
    expect_text out.txt "$(printf '[OSS Icon]: https://jaywcjlove.github.io/sb/ico/min-oss.svg "开源软件"\n[Freeware Icon]:')"
}

# the shapes of real lists (tests/parse): each formats, keeps its catalog,
# and a second fmt changes nothing
case_fmt_parse_cases() {
    for md in "$TESTS"/parse/*.md; do
        fmt_round "$md"
    done
    # a loose list whose first item is a label with entries nested right under
    # it: fmt adds no blank line inside the item (that would change how it reads)
    expect_exit 0 "$REFDEX" fmt "$TESTS/parse/r9-fmt-loose-list-label.md"
    checks=$((checks + 1))
    cmp -s out.txt "$TESTS/parse/r9-fmt-loose-list-label.md" || fail "fmt changed r9-fmt-loose-list-label.md"
    printf -- '- a\n\n  more a\n- b\n  - [c](https://c.example/)\n' > loose.md
    fmt_round loose.md
    expect_text once.md "$(printf -- '- a\n\n  more a\n\n- b\n  - [c](https://c.example/)')"
}

# the fmt cases as data (tests/fmt) whose output golden.sh compares: each one
# fmt formats keeps its catalog, and a second fmt changes nothing
case_fmt_cases() {
    n=0
    for md in "$TESTS"/fmt/*.md; do
        [ "$(tail -n 1 "${md%.md}.expected")" = "exit 0" ] || continue
        fmt_round "$md"
        n=$((n + 1))
    done
    checks=$((checks + 1))
    [ "$n" -ge 7 ] || fail "only $n fmt cases format"
}

case_fmt_edge() {
    printf 'Title\n=====\n\nSub *x*\n---\n\n1) one\n2) [two](https://two.example/)\n\n\n* [a](https://a.example/)\n\n* [b](https://b.example/)\n\n    more text\n\n+ [c](https://c.example/)\n  ```go\n  code\n    indented\n  ```\n+ [d](https://d.example/) - desc\r\n    - [e](https://e.example/)\n\n<!-- a\nmulti-line comment -->\n\n> quote\n> more\n\n    indented code\n\n## closed ##\n' > edge.md
    fmt_round edge.md
    expect_in once.md "# Title"
    expect_in once.md "## Sub *x*"
    expect_in once.md "## closed"
    expect_in once.md "1. one"
    expect_in once.md "    indented code"
    expect_text once.md "$(printf -- '* [c](https://c.example/)\n  ```go\n  code\n    indented\n  ```')"
    # link reference definitions stay where they are, even unused or alone in an item
    printf -- '- [a]: https://a.example/\n- [one][a]\n\n[b]: https://b.example/\n  "title"\n\n- [two][b]\n\n<!-- x\ny -->\n[unused]: https://u.example/\n' > defs.md
    fmt_round defs.md
    expect_text once.md "$(printf -- '- [a]: https://a.example/\n- [one][a]\n\n[b]: https://b.example/\n  "title"\n\n- [two][b]')"
    expect_text once.md "$(printf -- '<!-- x\ny -->\n\n[unused]: https://u.example/')"
    # a tab reaching past an item's indentation stays a tab (here: code after a blank line)
    printf '4) [e](https://e.example/) - d\n\t\t+ a\n\n\t\t+ [b](https://b.example/) - d\n\t\t  more\n' > tabs.md
    fmt_round tabs.md
    # indented code whose first line is ``` is no fence
    printf '    ```\n    code\n    ```\n\n- x\n\n      ```\n      y\n' > fence.md
    fmt_round fence.md
    checks=$((checks + 1))
    cmp -s once.md fence.md || fail "fmt moved indented code that starts with \`\`\`"
    # an indented fence stays indented: its indentation comes off its lines
    printf '  ```\n  a\n  ```\n\n- [x](https://x.example/) - d\n\n     ```\n     code\n     ```\n' > fence2.md
    fmt_round fence2.md
    checks=$((checks + 1))
    cmp -s once.md fence2.md || fail "fmt moved an indented fence"
    # ordered items keep their numbers: each prose item is a note, "1." apart from "2.";
    # a "1)" list after "1." items is a list of its own (numbered from 1), and stays one
    printf '# Steps\n\n1. first\n1. second\n1) third\n' > ones.md
    fmt_round ones.md
    expect_text once.md "$(printf '1. first\n1. second\n\n1) third')"
    # bad input is refused as everywhere else
    printf '## x\n\377\n' > bad.md
    expect_exit 2 "$REFDEX" fmt bad.md
    expect_in err.txt "bad.md:2:1: invalid UTF-8"
}

case_fix() {
    start_fixture
    B=$BASE
    cat > catalog.md <<EOC
## links

+ [chain]($B/chain/2) - three hops, permanent
+ [perm](<$B/perm>)
+ [temp]($B/found) - temporary: stays
+ [sso]($B/sso) - to a login page: stays
+ [home]($B/old-home) - to the root: stays
+ [bare](example.org/x) - no scheme
+ [fine]($B/ok/fine)
EOC
    expect_exit 0 "$REFDEX" check catalog.md --allow-private --exclude example.org
    cp catalog.md before.md
    expect_exit 0 "$REFDEX" fix catalog.md --dry-run
    checks=$((checks + 1))
    cmp -s catalog.md before.md || fail "--dry-run changed the file"
    expect_in out.txt "catalog.md:3:3: $B/chain/2 -> $B/chain/0 (moved permanently)"
    expect_exit 0 "$REFDEX" fix catalog.md
    expect_in err.txt "catalog.md:6:3: left as is: $B/sso redirects to $B/login?next=/sso, but it goes to a login page"
    expect_in err.txt "catalog.md:7:3: left as is: $B/old-home redirects to $B/, but it goes to the site's root page"
    expect_in err.txt "catalog.md: 3 links fixed"
    sed -e "s|$B/chain/2|$B/chain/0|" -e "s|<$B/perm>|<$B/ok/moved>|" \
        -e "s|(example.org/x)|(https://example.org/x)|" before.md > expected.md
    checks=$((checks + 1))
    cmp -s catalog.md expected.md || { fail "fix wrote other bytes"; diff expected.md catalog.md >&2; }
    expect_exit 0 "$REFDEX" fix catalog.md
    expect_in err.txt "nothing to fix"
}

# fix on a catalog of several sections (about 1 MB; it is read 256 KiB at a
# time): each section's fixes are said in order as it is read, with their
# lines, and written as from the whole text
case_fix_sections() {
    awk 'BEGIN { print "# List\n\n## One\n\n- [bare0](example.org/zero) - first."
        for (i = 0; i < 30000; i++) {
            if (i == 15000) print "\n## Two\n\n- Group\n  - [bare1](example.org/one) - middle."
            printf "- [e%d](https://e%d.example/%d) - About %d.\n", i, i % 500, i, i
        }
        print "- [bare2](example.org/two) - last." }' > catalog.md
    cp catalog.md before.md
    expect_exit 0 "$REFDEX" fix catalog.md --dry-run --db none.db
    checks=$((checks + 1))
    [ "$(wc -c < catalog.md)" -gt 800000 ] || fail "the catalog is smaller than meant"
    one=$(grep -n 'example.org/one' catalog.md | cut -d: -f1)
    last=$(grep -n 'example.org/two' catalog.md | cut -d: -f1)
    expect_text out.txt "catalog.md:5:3: example.org/zero -> https://example.org/zero (no scheme)
catalog.md:$one:5: example.org/one -> https://example.org/one (no scheme)
catalog.md:$last:3: example.org/two -> https://example.org/two (no scheme)"
    expect_in err.txt "catalog.md: 3 links would change (--dry-run: not written)"
    expect_exit 0 "$REFDEX" fix catalog.md --db none.db
    sed 's|(example.org/|(https://example.org/|' before.md > expected.md
    checks=$((checks + 1))
    cmp -s catalog.md expected.md || fail "fix wrote other bytes"
    expect_exit 0 "$REFDEX" fix catalog.md --db none.db
    expect_in err.txt "nothing to fix"
}

# 40,000 links to fix in 400 sections (read a section at a time): each is
# found where it is, and the file written is the one with every link fixed
# and nothing else changed (a link was once looked for from the start of
# the text, which took minutes on a catalog of this size ten times over).
case_fix_many() {
    awk 'BEGIN { print "# List\n"
        for (s = 0; s < 400; s++) {
            printf "## S%d\n\n", s
            for (i = 0; i < 100; i++)
                printf "- [e%d](example.org/%d/%d) - About %d.\n", s * 100 + i, s, i, i
            print ""
        } }' > catalog.md
    cp catalog.md before.md
    expect_exit 0 "$REFDEX" fix catalog.md --db none.db
    expect_in err.txt "catalog.md: 40000 links fixed"
    checks=$((checks + 1))
    [ "$(wc -l < out.txt)" -eq 40000 ] || fail "fix listed $(wc -l < out.txt) changes, expected 40000"
    expect_in out.txt "catalog.md:41201:3: example.org/399/99 -> https://example.org/399/99 (no scheme)"
    sed 's|(example.org/|(https://example.org/|' before.md > expected.md
    checks=$((checks + 1))
    cmp -s catalog.md expected.md || fail "fix wrote other bytes"
}

run_case edit
