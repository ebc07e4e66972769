# fish completion for refdex: commands, each command's options, their values
# (formats, methods, lint rules, statuses) and file arguments. Installed as
# share/fish/vendor_completions.d/refdex.fish; tests/install.sh holds the
# options to the --help texts.

set -l commands update check report merge render fmt fix ingest lint parse query categories history prune hosts links repos stale config
set -l catalog update check report render fmt fix ingest lint parse links repos stale config
set -l checking update check config

complete -c refdex -f

# the command
set -l none "not __fish_seen_subcommand_from $commands"
complete -c refdex -n $none -a update -d 'Ingest, lint, check links, render, print the categories'
complete -c refdex -n $none -a check -d 'Ingest and check every link (the CI job)'
complete -c refdex -n $none -a report -d 'Report a stored check run again'
complete -c refdex -n $none -a merge -d 'Fold the databases of a sharded check into one'
complete -c refdex -n $none -a render -d 'Write the HTML and JSON index'
complete -c refdex -n $none -a fmt -d 'Print the catalog in the canonical style'
complete -c refdex -n $none -a fix -d 'Rewrite moved and scheme-less links'
complete -c refdex -n $none -a ingest -d 'Store the catalog in the database'
complete -c refdex -n $none -a lint -d 'Report problems in the catalog'
complete -c refdex -n $none -a parse -d 'Show how the catalog is read'
complete -c refdex -n $none -a query -d 'Entries by category or words, with link health'
complete -c refdex -n $none -a categories -d 'The category tree with entry counts'
complete -c refdex -n $none -a history -d 'Every stored check of one link'
complete -c refdex -n $none -a prune -d 'Keep the latest N checks of each link'
complete -c refdex -n $none -a hosts -d 'Requests, latency and results per host'
complete -c refdex -n $none -a links -d 'Every link of a catalog, not checked'
complete -c refdex -n $none -a repos -d "Fetch the repositories' metadata"
complete -c refdex -n $none -a stale -d 'Gone, renamed, archived, unmaintained repositories'
complete -c refdex -n $none -a config -d 'The check settings in effect'
complete -c refdex -n $none -l help -s h -d 'Usage'
complete -c refdex -n $none -l version -d 'Versions of refdex and its libraries'

# what every command takes
set -l any "__fish_seen_subcommand_from $commands"
complete -c refdex -n $any -s h -l help -d 'Usage of the command'
complete -c refdex -n $any -s q -l quiet -d 'Only errors and requested data'
complete -c refdex -n $any -s v -l verbose -d 'Say more (timings)'
complete -c refdex -n $any -l color -x -a 'auto always never' -d 'Colour text output'

# file arguments: a catalog, or shard databases
complete -c refdex -n "__fish_seen_subcommand_from $catalog" -F
complete -c refdex -n "__fish_seen_subcommand_from merge" -F

# options of one or more commands: __refdex_in COMMAND... is true after one of them
function __refdex_in
    __fish_seen_subcommand_from $argv
end
complete -c refdex -n '__refdex_in update check report render fix ingest query categories history prune hosts repos stale' -l db -r -F -d 'Database file'
complete -c refdex -n '__refdex_in check report' -l format -x -a 'text json junit github markdown sarif' -d 'Report format'
complete -c refdex -n '__refdex_in lint links' -l format -x -a 'text json' -d 'Output format'
complete -c refdex -n '__refdex_in update query categories history hosts' -l format -x -a 'table tsv json' -d 'Output format'
complete -c refdex -n '__refdex_in update lint check report' -l strict -d 'Warnings, timeouts and rate limits fail too'
complete -c refdex -n '__refdex_in update check report stale' -s o -l output -r -F -d 'Write the report to FILE'
complete -c refdex -n '__refdex_in update render' -l out -x -a '(__fish_complete_directories)' -d 'Where the site goes'
complete -c refdex -n '__refdex_in update' -l no-check -d 'Do not check links'
complete -c refdex -n '__refdex_in update lint' -l disable -x -a '(refdex lint --rules 2>/dev/null | string split -f1 " ")' -d 'Turn lint rules off'
complete -c refdex -n '__refdex_in update lint' -l enable -x -a '(refdex lint --rules 2>/dev/null | string split -f1 " ")' -d 'Turn lint rules on'
complete -c refdex -n '__refdex_in lint' -l rules -d 'List the lint rules'
complete -c refdex -n '__refdex_in render ingest' -l force -d 'Replace another catalog, write into a foreign folder'
complete -c refdex -n '__refdex_in render' -l remote-images -d 'Show images from the web'
complete -c refdex -n '__refdex_in render' -l index-max -x -d 'Most entries index.html holds'
complete -c refdex -n '__refdex_in ingest' -l max-input -x -d 'Largest catalog read (32M)'
complete -c refdex -n '__refdex_in fmt' -l check -d 'Exit 1 when not canonical'
complete -c refdex -n '__refdex_in fmt' -s w -d 'Rewrite FILE'
complete -c refdex -n '__refdex_in fmt' -l bullet -x -a '- \* +' -d 'The bullet of every item'
complete -c refdex -n '__refdex_in fmt' -l indent -x -a '1 2 3 4 5 6 7 8 tab' -d 'Nested items indent'
complete -c refdex -n '__refdex_in fix' -l dry-run -d 'Show what would change'
complete -c refdex -n '__refdex_in fix check' -l archive -d 'Archived copies of dead links'
complete -c refdex -n '__refdex_in report hosts' -l run -x -d 'Run ID'
complete -c refdex -n '__refdex_in merge' -l add -d 'Add to the latest merged run'
complete -c refdex -n '__refdex_in query' -l category -x -d 'Name, slug or path'
complete -c refdex -n '__refdex_in query' -l search -x -d 'Words to match'
complete -c refdex -n '__refdex_in query' -l status -x -a 'ok redirect broken flaky timeout ratelimited unchecked' -d 'Link status'
complete -c refdex -n '__refdex_in query hosts' -l since -x -d 'Since DATE'
complete -c refdex -n '__refdex_in prune' -l keep -x -d 'Checks kept per link'
complete -c refdex -n '__refdex_in prune' -l vacuum -d 'Shrink the file'
complete -c refdex -n '__refdex_in check' -l shard -x -d 'Shard K/N (K from 0)'
complete -c refdex -n '__refdex_in check' -l shards -x -d 'N shards, K from JOB_COMPLETION_INDEX'
complete -c refdex -n '__refdex_in check' -l fail-after -x -d 'Fail after K failing runs in a row (1)'
complete -c refdex -n '__refdex_in check' -l archive-api -x -d 'The archive availability API'
complete -c refdex -n '__refdex_in check' -l diff -x -d 'Only entries changed since git REV'
complete -c refdex -n '__refdex_in check' -l offline -d 'Only local links'
complete -c refdex -n '__refdex_in check' -l repos -d "Repositories' metadata first"
complete -c refdex -n '__refdex_in repos stale' -l github-api -x -d 'GitHub API base URL'
complete -c refdex -n '__refdex_in repos stale' -l gitlab-api -x -d 'GitLab API base URL'
complete -c refdex -n '__refdex_in repos stale' -l gitea-api -x -d 'Gitea (Codeberg) API base URL'
complete -c refdex -n '__refdex_in repos stale' -l repo-max-age -x -d 'Refetch older than D (7d)'
complete -c refdex -n '__refdex_in repos stale' -l allow-private -d 'Loopback and private addresses'
complete -c refdex -n '__refdex_in repos stale' -l deadline -x -d 'For the whole run'
complete -c refdex -n '__refdex_in stale' -l older -x -d 'No push for D (2y)'
complete -c refdex -n '__refdex_in stale' -l format -x -a 'text json markdown github' -d 'Report format'
complete -c refdex -n '__refdex_in query' -l sort -x -a 'stars pushed name' -d 'Order within a category'

# check options (check, update, config)
set -l chk "__fish_seen_subcommand_from $checking"
complete -c refdex -n $chk -l timeout -x -d 'Per link (20s)'
complete -c refdex -n $chk -l deadline -x -d 'For the whole run'
complete -c refdex -n $chk -l concurrency -x -d 'Transfers in flight (128)'
complete -c refdex -n $chk -l per-host -x -d 'Transfers in flight per host (8)'
complete -c refdex -n $chk -l host-interval -x -d 'Least time between requests to a host'
complete -c refdex -n $chk -l retries -x -d 'Retries (2)'
complete -c refdex -n $chk -l method -x -a 'get head' -d 'GET, or HEAD first'
complete -c refdex -n $chk -l max-bytes -x -d 'Of a body read (1M)'
complete -c refdex -n $chk -l accept -x -d 'Statuses that are fine'
complete -c refdex -n $chk -l exclude -x -d 'Skip URLs matching RE'
complete -c refdex -n $chk -l include -x -d 'Check only URLs matching RE'
complete -c refdex -n $chk -l max-age -x -d 'Reuse results younger than D'
complete -c refdex -n $chk -l header -x -d "'Name: value' sent with every request"
complete -c refdex -n $chk -l user-agent -x -d 'The User-Agent header'
complete -c refdex -n $chk -l remap -x -d "'REGEX REPLACEMENT'"
complete -c refdex -n $chk -l config -r -F -d 'Config file (refdex.ini)'
complete -c refdex -n $chk -l allow-private -d 'Fetch loopback and private addresses'
