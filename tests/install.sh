#!/bin/sh
# tests/install.sh REFDEX SOURCE_DIR BUILD_DIR CASE — what is installed beside
# the program: `cmake --install` into a DESTDIR, the man page held to
# `refdex --help` and each `refdex COMMAND --help`, and the bash, zsh and fish
# completions loaded by their shells.
REFDEX=$1
SRC=$2
BUILD=$3
CASE=$4
. "$(dirname "$0")/lib.sh"
MAN=$SRC/docs/refdex.1
COMPLETIONS=$SRC/completions

# need PROGRAM: fails the case when PROGRAM is not installed
need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    fail "$1 is not installed (scripts/install-deps installs it)"
    return 1
}

# options_in: the options (--long, -x) the text on stdin names, one a line
options_in() {
    perl -ne 'print "$1\n" while /(?<![A-Za-z0-9_-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![A-Za-z0-9_])/g' |
        sort -u
}
# man_flags: the options the mdoc on stdin names with Fl, one a line
man_flags() {
    perl -ne 'next unless s/^\.//; my @t = split;
        for my $i (0 .. $#t - 1) { print "-$t[$i+1]\n" if $t[$i] eq "Fl" && $t[$i+1] =~ /^-?[A-Za-z]/ }' |
        sort -u
}
# man_section NAME: the lines of the man page's section .Sh NAME
man_section() { awk -v s="$1" '/^\.Sh / { on = ($0 == ".Sh " s); next } on' "$MAN"; }
# help_commands: the commands `refdex --help` lists
help_commands() {
    "$REFDEX" --help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit }
        on && /^  [a-z]/ { print $1 }' | sort -u
}
# man_commands: the commands the man page's COMMANDS section has an item for
man_commands() {
    man_section COMMANDS | awk '/^\.It Xo/ { xo = 1; next } xo && /^\.Cm / { print $2; xo = 0; next }
        /^\.It Cm / { print $3 }' | sort -u
}
# synopsis COMMAND: the usage lines of `refdex COMMAND --help`
synopsis() { "$REFDEX" "$1" --help | awk '/^  [^ ]/ { exit } { print }'; }
# man_synopsis COMMAND: the man page's heads of COMMAND's items (an
# `.It Xo` ... `.Xc` block, or an `.It Cm COMMAND` line)
man_synopsis() {
    man_section COMMANDS | awk -v c="$1" '
        /^\.It Xo/ { xo = 1; keep = 0; next }
        xo && /^\.Xc/ { xo = 0; next }
        xo { if (/^\.Cm / && !named) { keep = ($2 == c); named = 1 } if (keep) print; next }
        { named = 0 }
        /^\.It Cm / && $3 == c { print }' | sed 's/^/./; s/^\.\././'
}
# missing A B: the lines of file A that are not in file B
missing() { comm -23 "$1" "$2"; }

# The man page names every command and option of the --help texts, and no
# other; each command's item in COMMANDS has exactly the options of its
# usage line, every option is described in OPTIONS, and a command takes the
# options its usage line names. A command or option added without its
# entry fails here, saying what to add.
case_manpage() {
    help_commands > help-commands.txt
    man_commands > man-commands.txt
    [ -s help-commands.txt ] || fail "'refdex --help' lists no commands (its 'commands:' block moved?)"
    for c in $(missing help-commands.txt man-commands.txt); do
        fail "docs/refdex.1 has no item for the command '$c' ('refdex --help' lists it): add '.It Xo' '.Cm $c' ... '.Xc' under .Sh COMMANDS"
    done
    for c in $(missing man-commands.txt help-commands.txt); do
        fail "docs/refdex.1 has the command '$c', which 'refdex --help' does not list"
    done
    checks=$((checks + 1))
    { "$REFDEX" --help; for c in $(cat help-commands.txt); do synopsis "$c"; done; } |
        options_in > help-options.txt
    man_flags < "$MAN" > man-options.txt
    man_section OPTIONS | grep '^\.It ' | man_flags > man-described.txt
    for o in $(missing help-options.txt man-described.txt); do
        fail "docs/refdex.1 does not describe the option $o (named by --help): add '.It Fl ${o#-} ...' under .Sh OPTIONS"
    done
    for o in $(missing man-options.txt help-options.txt); do
        fail "docs/refdex.1 names the option $o, which no --help text names"
    done
    for c in $(cat help-commands.txt); do
        synopsis "$c" > syn.txt
        options_in < syn.txt > syn-options.txt
        man_synopsis "$c" > man-syn.txt
        man_flags < man-syn.txt > man-syn-options.txt
        checks=$((checks + 1))
        for o in $(missing syn-options.txt man-syn-options.txt); do
            fail "docs/refdex.1: the item of '$c' under COMMANDS lacks $o ('refdex $c --help' names it): add '.Op Fl ${o#-} ...' to it"
        done
        for o in $(missing man-syn-options.txt syn-options.txt); do
            fail "docs/refdex.1: the item of '$c' under COMMANDS has $o, which 'refdex $c --help' does not name"
        done
        if grep -q '\[check options\]' syn.txt; then
            grep -q '^\.Op Ar check options' man-syn.txt ||
                fail "docs/refdex.1: the item of '$c' lacks '.Op Ar check options' (its --help has it)"
        elif grep -q '^\.Op Ar check options' man-syn.txt; then
            fail "docs/refdex.1: the item of '$c' has check options, which 'refdex $c --help' does not"
        fi
        # a command takes what its usage line names ("x" is a value, or a
        # FILE for an option without one; --help then ends the command)
        for o in $(cat syn-options.txt); do
            checks=$((checks + 1))
            "$REFDEX" "$c" "$o" x --help >out.txt 2>err.txt
            ! grep -q "does not take\|unknown option" err.txt ||
                fail "'refdex $c --help' names $o, which '$c' refuses: $(cat err.txt)"
        done
    done
    # what every command takes, as the man page says
    for c in $(cat help-commands.txt); do
        for o in -h -q -v; do
            checks=$((checks + 1))
            "$REFDEX" "$c" "$o" --help >out.txt 2>err.txt || fail "'refdex $c $o --help' exited $?"
        done
    done
}

# mandoc finds nothing wrong (its remarks on this machine's own man database
# aside), and man(1) renders the page with every section.
case_manpage_render() {
    need mandoc || return
    checks=$((checks + 1))
    mandoc -T lint -W style "$MAN" 2>&1 |
        grep -v 'outdated mandoc.db\|referenced manual not found' > lint.txt
    [ ! -s lint.txt ] || { fail "mandoc -T lint finds:"; sed 's/^/    /' lint.txt >&2; }
    checks=$((checks + 1))
    MANWIDTH=80 man -l "$MAN" > page.txt 2>man-err.txt || fail "man -l refdex.1 failed: $(cat man-err.txt)"
    for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS ENVIRONMENT FILES "EXIT STATUS" EXAMPLES; do
        expect_in page.txt "$s"
    done
    expect_in page.txt "refdex — keep a categorised Markdown list"
    expect_in page.txt "--timeout D"
    expect_in page.txt "130"
}

run_case install
