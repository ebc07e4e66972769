# bash completion for refdex: commands, each command's options, their values
# (formats, methods, lint rules, statuses) and file arguments. Installed as
# share/bash-completion/completions/refdex; works without the bash-completion
# package too (source it). tests/install.sh holds the options to the --help
# texts.

_refdex_options() # COMMAND: the options COMMAND takes
{
    local check="--timeout --deadline --concurrency --per-host --host-interval --retries
        --method --max-bytes --accept --exclude --include --max-age --header --user-agent
        --remap --config --allow-private"
    local opts
    case $1 in
    update) opts="--db --out --strict --format --no-check --disable --enable -o --output $check" ;;
    check) opts="--format -o --output --strict --db --shard --shards --fail-after --archive
        --archive-api --diff --offline --repos $check" ;;
    report) opts="--run --format -o --output --strict --db" ;;
    merge) opts="--add" ;;
    render) opts="--out --db --force --remote-images --index-max" ;;
    fmt) opts="--check -w --bullet --indent" ;;
    fix) opts="--dry-run --archive --db" ;;
    ingest) opts="--db --max-input --force" ;;
    lint) opts="--format --strict --disable --enable --rules" ;;
    parse) opts="" ;;
    query) opts="--category --search --status --since --sort --format --db" ;;
    categories) opts="--format --db" ;;
    history) opts="--format --db" ;;
    prune) opts="--keep --vacuum --db" ;;
    hosts) opts="--run --since --format --db" ;;
    links) opts="--format" ;;
    repos) opts="--github-api --gitlab-api --gitea-api --repo-max-age --allow-private --deadline --db" ;;
    stale) opts="--older --format -o --output --github-api --gitlab-api --gitea-api --repo-max-age
        --allow-private --deadline --db" ;;
    config) opts="--config $check" ;;
    esac
    echo "$opts -h --help -q --quiet -v --verbose --color"
}

# _refdex_files PATTERN...: files matching a glob PATTERN, and directories
_refdex_files()
{
    local f p
    compopt -o filenames 2>/dev/null
    while IFS= read -r f; do
        for p in "$@"; do
            # shellcheck disable=SC2254
            case $f in $p) COMPREPLY+=("$f"); break ;; esac
        done
    done < <(compgen -f -- "$cur")
    while IFS= read -r f; do COMPREPLY+=("$f"); done < <(compgen -d -- "$cur")
}

_refdex()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local cmd="" i
    COMPREPLY=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -*) ;;
        *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "update check report merge render fmt fix ingest lint parse
            query categories history prune hosts links repos stale config --help --version" -- "$cur"))
        return
    fi
    case $prev in
    --format)
        case $cmd in
        check | report) COMPREPLY=($(compgen -W "text json junit github markdown sarif" -- "$cur")) ;;
        lint | links) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
        stale) COMPREPLY=($(compgen -W "text json markdown github" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "table tsv json" -- "$cur")) ;;
        esac
        return ;;
    --method) COMPREPLY=($(compgen -W "get head" -- "$cur")); return ;;
    --sort) COMPREPLY=($(compgen -W "stars pushed name" -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --status)
        COMPREPLY=($(compgen -W "ok redirect broken flaky timeout ratelimited unchecked" -- "$cur"))
        return ;;
    --bullet) COMPREPLY=($(compgen -W "- '*' +" -- "$cur")); return ;;
    --indent) COMPREPLY=($(compgen -W "1 2 3 4 5 6 7 8 tab" -- "$cur")); return ;;
    --disable | --enable) # comma-separated rule names, from the program itself
        local before=""
        [[ $cur == *,* ]] && before=${cur%,*},
        COMPREPLY=($(compgen -P "$before" -W "$("${COMP_WORDS[0]}" lint --rules 2>/dev/null |
            cut -d' ' -f1)" -- "${cur##*,}"))
        return ;;
    --db) _refdex_files '*.db'; return ;;
    -o | --output | --config) _refdex_files '*'; return ;;
    --out) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --timeout | --deadline | --concurrency | --per-host | --host-interval | --retries | \
        --max-bytes | --accept | --exclude | --include | --max-age | --header | --user-agent | \
        --remap | --shard | --shards | --run | --index-max | --max-input | --category | \
        --search | --since | --keep)
        return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_refdex_options "$cmd")" -- "$cur"))
        return
    fi
    case $cmd in
    merge) _refdex_files '*.db' ;;
    query | categories | prune | history) ;;
    *) _refdex_files '*.md' '*.markdown' ;;
    esac
}
complete -F _refdex refdex
