/* cli/main.c — argument parsing, help, version and dispatch, and what every
 * command uses: exit codes, error messages, the clock for -v timings. */
#include <cmark.h>
#include <curl/curl.h>
#include <getopt.h>
#include <libxml/parser.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
    "usage: refdex COMMAND [OPTIONS] [FILE]\n"
    "\n"
    "refdex keeps a categorised Markdown list of library references honest:\n"
    "it parses catalog.md into a SQLite index, lints it, checks its links, and\n"
    "answers queries by category.\n"
    "\n"
    "commands:\n"
    "  update FILE       the main job: ingest FILE, lint it, check its links,\n"
    "                    render the site, print the categories\n"
    "  check FILE        ingest FILE and check every link (the CI job)\n"
    "  report FILE       report a stored check run again, without fetching\n"
    "  merge OUT SHARD.. fold the databases of a sharded check into OUT\n"
    "  render FILE       ingest FILE and write the HTML and JSON index (site/)\n"
    "  fmt FILE          print FILE in the canonical style (-w: rewrite, --check)\n"
    "  fix FILE          rewrite permanently redirected and scheme-less links\n"
    "  ingest FILE       parse FILE and store it in the database (one transaction)\n"
    "  lint FILE         report problems as FILE:LINE:COL: SEVERITY: RULE: message\n"
    "  parse FILE        show how FILE is read: categories, entries, notes, slips\n"
    "  links FILE        every link with its entry, category and position, unchecked\n"
    "  query             list entries by --category and/or --search, with link health\n"
    "  categories        print the category tree with entry counts\n"
    "  history URL|NAME  every stored check of a link, newest first\n"
    "  hosts             per host: requests, latency, results, 429s, time paused\n"
    "  prune --keep N    keep the latest N checks of each link (--vacuum: and shrink)\n"
    "  config [FILE]     the check settings in effect (refdex.ini, flags, defaults)\n"
    "                    and where each comes from\n"
    "  stale FILE        repositories gone, renamed, archived or without a push for\n"
    "                    --older (2y), at FILE:LINE:COL\n"
    "  repos FILE        fetch the metadata (stars, last push, archived, renamed,\n"
    "                    gone) of every repository FILE links, from the forges' APIs\n"
    "\n";

/* (in parts: C compilers need take no string longer than 4095 bytes) */
static const char usage_common[] =
    "common options ('refdex COMMAND --help' says which a command takes):\n"
    "  --db PATH         database file (default: refdex.db beside FILE, or ./refdex.db)\n"
    "  --format FMT      lint, links: text|json; query, categories, history, hosts:\n"
    "                    table|tsv|json; check, report:\n"
    "                    text|json|junit|github|markdown|sarif;\n"
    "                    stale: text|json|markdown|github\n"
    "  --category NAME   query: a category's name, slug or path (ref/log), any case;\n"
    "                    its sub-categories are included\n"
    "  --search TEXT     query: entries whose name, description or category match\n"
    "                    every word of TEXT (as a prefix; CJK text works)\n"
    "  --status STATUS   query: entries whose link is ok, redirect, broken, flaky,\n"
    "                    timeout, ratelimited or unchecked\n"
    "  --since DATE      query: whose status began at DATE or later (2026-11-01, 7d);\n"
    "                    hosts: the checks made since DATE\n"
    "  --sort KEY        query: each category's results by stars, pushed or name\n"
    "  --strict          lint: warnings fail; check, report: timeouts, rate limits,\n"
    "                    cancelled and blocked links (bot walls) and page findings\n"
    "                    fail too\n"
    "  --max-input SIZE  refuse catalogs larger than SIZE (default 32M)\n"
    "  --older D         stale: no push for D counts as stale (default 2y; 180d)\n"
    "  --out DIR         render, update: where the site goes (default site/ beside FILE)\n"
    "  --no-check        update: do not check links\n"
    "  -w, --check       fmt: rewrite FILE / exit 1 when it is not canonical\n"
    "  --bullet -|*|+    fmt: the bullet of every bullet item (default: the one\n"
    "                    most of FILE's items use)\n"
    "  --indent N|tab    fmt: nested items N spaces (1..8) or a tab in from their\n"
    "                    parent item (default: what most of FILE's nested items use)\n"
    "  --dry-run         fix: show what would change\n"
    "  --force           ingest, update, check, render: replace a catalog of another\n"
    "                    file in the database (two catalogs in one folder);\n"
    "                    render, update: also write the site into a folder that\n"
    "                    holds files refdex did not write\n"
    "  --remote-images   render, update: show the notes' images from the web (by\n"
    "                    default the page loads nothing and shows their alt text)\n"
    "  --index-max N     render, update: index.html holds the entries of a catalog\n"
    "                    of at most N (default 20000); of a larger one, the\n"
    "                    category tree, linked to the section pages\n"
    "  --disable RULES   lint, update: turn lint rules off (comma-separated);\n"
    "  --enable RULES    turn them on; 'refdex lint --rules' lists them\n"
    "  --color WHEN      colour text output: auto (on a terminal, unless NO_COLOR\n"
    "                    is set; the default), always or never\n"
    "  -q, --quiet       print only errors and requested data\n"
    "  -v, --verbose     say more about what is done\n"
    "  -h, --help        this text;  --version  versions of refdex and its libraries\n"
    "\n";

static const char usage_more[] =
    "check options (durations: 500ms, 5s, 2m, 1h, 7d; a bare number is seconds):\n"
    "  --timeout D        per link, for all its transfers together (default 20s)\n"
    "  --deadline D       for the whole run (default none)\n"
    "  --concurrency N    transfers in flight (default 128)\n"
    "  --per-host N       transfers in flight per host (default 8)\n"
    "  --host-interval D  least time between requests to one host (default 0)\n"
    "  --retries N        after refused or reset connections and 5xx (default 2)\n"
    "  --method get|head  head: HEAD first, GET when refused (default get)\n"
    "  --max-bytes SIZE   of a body read (default 1M)\n"
    "  --accept LIST      statuses that are fine (default 200..299), e.g. 200..299,403\n"
    "  --exclude RE, --include RE   skip URLs matching / check only URLs matching\n"
    "                     (POSIX extended regex; repeatable)\n"
    "  --max-age D        reuse a URL's good result younger than D (cached)\n"
    "  --fail-after K     a failing link fails the check only when it failed in its\n"
    "                     latest K checks in a row, this one included (default 1);\n"
    "                     before that it is flaky: a warning in every report, also\n"
    "                     with --strict. So is a link that passed and failed in turn\n"
    "                     (2 changes among its latest 5 conclusive checks)\n"
    "  --archive          look up an archived copy of each link that fails the check\n"
    "                     (the Wayback Machine), shown in reports and on the page;\n"
    "                     at most 50 a run, 10 s each, 60 s in all, within --deadline\n"
    "  --archive-api URL  the availability API asked (default\n"
    "                     https://archive.org/wayback/available); its address\n"
    "                     obeys the same policy as links (--allow-private)\n"
    "  --header 'NAME: VALUE'  send this header with every request (repeatable;\n"
    "                     only to the link's own host on a redirect); the value\n"
    "                     never shows in the database, reports or messages\n"
    "  --user-agent TEXT  the User-Agent header (default refdex/VERSION (link checker))\n"
    "  --remap 'RE URL'   fetch a URL matching RE as URL ($1..$9: RE's groups), e.g.\n"
    "                     a mirror; the result is the catalog URL's (repeatable)\n"
    "  --config FILE      check settings as 'key = value' under [check] (default:\n"
    "                     refdex.ini beside the catalog, when there); flags win\n"
    "  --allow-private    fetch loopback and private addresses (never link-local)\n"
    "  --repos            check: fetch repositories' metadata first (as 'refdex\n"
    "                     repos'); a github.com/OWNER/REPO link is then checked by\n"
    "                     the API's answer: ok, redirect (renamed) or broken (gone)\n"
    "  --github-api URL, --gitlab-api URL, --gitea-api URL   the forges' APIs\n"
    "  --repo-max-age D   ask the API again for a repository after D (default 7d)\n"
    "  -o, --output FILE  write the report to FILE\n"
    "  --shard K/N        check: only the links whose host is in shard K of N (K from\n"
    "                     0); also REFDEX_SHARD=K/N in the environment\n"
    "  --shards N         check: shard K of N, K from JOB_COMPLETION_INDEX (Kubernetes)\n"
    "  --diff REV         check: only the links of entries changed since git revision\n"
    "                     REV; the others are 'unchanged', not fetched\n"
    "  --offline          check: only local links (files, relative, mailto:)\n"
    "\n"
    "exit codes:\n"
    "  0    all good\n"
    "  1    findings: broken links (check), lint errors (lint, update), stale\n"
    "       repositories (stale)\n"
    "  2    bad usage or bad input (unreadable, not UTF-8 text, too large or too\n"
    "       deeply nested, unknown category, a URL or entry name history does not\n"
    "       know); nothing was written\n"
    "  3    internal or database error, or no network at all (check, report), or a\n"
    "       shard missing from a merged run (report)\n"
    "  130  interrupted (check: the results so far are saved)\n";

/* Which options each command takes. */
enum {
    O_DB = 1,
    O_FORMAT = 2,
    O_CATEGORY = 4,
    O_SEARCH = 8,
    O_STRICT = 16,
    O_MAXIN = 32,
    O_CHECK = 64,
    O_NOCHECK = 128,
    O_OUT = 256,
    O_FMT = 512,
    O_DRYRUN = 1024,
    O_LINT = 2048,
    O_FORCE = 4096,
    O_SHARD = 8192,
    O_RUN = 16384,
    O_OUTPUT = 32768,
    O_ADD = 65536,
    O_STATUS = 131072,
    O_PRUNE = 262144,
    O_ARCHIVE = 524288,
    O_DIFF = 1048576,
    O_SINCE = 2097152,
    O_STALE = 4194304
};

static const struct command {
    const char *name;
    int (*run)(rd_config *);
    int options;
    int needs_file; /* 1: a catalog FILE; 2: OUT.db and SHARD.db...; 3: a URL or NAME; 4: an
                       optional FILE */
    const char *synopsis;
} commands[] = {
    {"update", rd_cmd_update,
     O_DB | O_STRICT | O_MAXIN | O_FORMAT | O_CHECK | O_NOCHECK | O_OUT | O_LINT | O_FORCE |
         O_OUTPUT | O_ARCHIVE,
     1,
     "refdex update FILE [--db PATH] [--out DIR] [--strict] [--format table|tsv|json]\n"
     "          [--no-check] [--disable RULES] [--enable RULES] [check options]\n"
     "  Ingests FILE, lints it, checks its links, renders the site (as 'render'),\n"
     "  prints diagnostics, the link report and where the site is on stderr, and the\n"
     "  categories on stdout. Exit 1 when lint finds errors; broken links are\n"
     "  reported, and failing on them is the job of 'refdex check'. --no-check skips\n"
     "  the link check (no network)."},
    {"render", rd_cmd_render, O_DB | O_MAXIN | O_OUT | O_FORCE, 1,
     "refdex render FILE [--out DIR] [--db PATH] [--force] [--remote-images]\n"
     "          [--index-max N]\n"
     "  Ingests FILE and writes the site: DIR/index.html (one self-contained page with\n"
     "  a filter by words and link status; index.html#q=zap&status=broken shares a\n"
     "  filtered view), DIR/c/<slug>.html for each top-level section (with the\n"
     "  sections below it: c/<slug>.html#<sub-slug>), and DIR/index.json. Beyond\n"
     "  --index-max entries (20000), index.html holds the category tree alone.\n"
     "  DIR defaults to site/ beside FILE. Link health comes from the last check\n"
     "  ('unchecked' before any). refdex writes only its own files: they are listed\n"
     "  in DIR/.refdex-manifest, pages of categories that are gone are removed, and\n"
     "  a folder with other files and no manifest is refused (exit 2) unless\n"
     "  --force. The page loads nothing from the network: images in notes are shown\n"
     "  as their alt text unless --remote-images."},
    {"check", rd_cmd_check,
     O_DB | O_STRICT | O_MAXIN | O_FORMAT | O_CHECK | O_FORCE | O_SHARD | O_OUTPUT | O_ARCHIVE |
         O_DIFF,
     1,
     "refdex check FILE [--format text|json|junit|github|markdown|sarif]\n"
     "          [-o FILE]"
     " [--timeout D] [--deadline D] [--concurrency N] [--per-host N]\n"
     "          [--host-interval D] [--retries N] [--method get|head] [--max-bytes SIZE]\n"
     "          [--accept LIST] [--exclude RE] [--include RE] [--max-age D]\n"
     "          [--allow-private] [--strict] [--db PATH] [--shard K/N | --shards N]\n"
     "          [--header 'NAME: VALUE'] [--user-agent TEXT] [--config FILE]\n"
     "          [--remap 'REGEX REPLACEMENT'] [--fail-after K] [--archive]\n"
     "          [--archive-api URL] [--diff REV] [--offline] [--repos]\n"
     "  Ingests FILE, checks every link under its own deadline, stores each result,\n"
     "  and reports problems as FILE:LINE:COL. An HTML page's title, description and\n"
     "  canonical URL are stored; what is wrong with a page that answered is a\n"
     "  warning: fragment-missing, title-mismatch, soft-404, canonical-differs.\n"
     "  Exit 1 when a link is broken (or with --strict, timed out, rate limited,\n"
     "  cancelled or blocked, or its page has findings) in its latest --fail-after\n"
     "  checks (default 1: this one), 3 when no host could be reached at all, 130\n"
     "  when interrupted (results so far are kept). A flaky link is a warning. A\n"
     "  bot wall (HTTP 999, a Cloudflare challenge, a [host] with treat = blocked;\n"
     "  linkedin.com and www.linkedin.com by default) is 'blocked', a warning.\n"
     "  --shard K/N checks only the links whose host hashes to shard K of N (K from 0\n"
     "  to N-1; every link of a host in one shard), and marks the run with it;\n"
     "  REFDEX_SHARD=K/N in the environment does the same, and --shards N takes K\n"
     "  from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job). 'refdex merge' folds\n"
     "  the shards' databases into one.\n"
     "  --diff REV checks only the links of entries whose lines changed since the\n"
     "  git revision REV (git diff -U0 REV -- FILE, run by refdex; what a pull\n"
     "  request job wants); the others are reported 'unchanged', not fetched. Not\n"
     "  a git repository, no git, or an unknown REV: exit 2, nothing written.\n"
     "  --offline checks and reports only the local links (files, relative paths,\n"
     "  mailto:); web links are not fetched, and the summary says how many."},
    {"report", rd_cmd_report, O_DB | O_STRICT | O_MAXIN | O_FORMAT | O_RUN | O_OUTPUT, 1,
     "refdex report FILE [--run ID] [--strict] [--db PATH] [-o FILE]\n"
     "          [--format text|json|junit|github|markdown|sarif]\n"
     "  Reports a stored check run of FILE's catalog again, fetching nothing: the\n"
     "  latest run (a merged run, after 'refdex merge'), or run ID. The formats and\n"
     "  exit codes are check's; a merged run says which shards it gathers, and a\n"
     "  missing shard (its links were not checked) exits 3. FILE must be the\n"
     "  catalog the database holds and the run checked (exit 2 otherwise). Writes\n"
     "  nothing to the database."},
    {"merge", rd_cmd_merge, O_ADD, 2,
     "refdex merge [--add] OUT.db SHARD.db...\n"
     "  Folds the databases of a sharded check ('refdex check --shard K/N', one per\n"
     "  shard) into OUT.db, made when missing, in one transaction: their runs and\n"
     "  checks, the catalog when OUT.db has none, and one merged run that gathers\n"
     "  the latest shard run of each file, which 'refdex report' then reports as one\n"
     "  run. Shards of another catalog (a hash of its source), of another N, the\n"
     "  same shard twice, or a file refdex did not make are refused (exit 2) and\n"
     "  nothing is changed. At most 10 shard files at once (SQLite's limit of\n"
     "  attached databases): --add merges more into OUT.db's latest merged run."},
    {"fmt", rd_cmd_fmt, O_FMT | O_MAXIN | O_DB, 1,
     "refdex fmt FILE [--check | -w] [--bullet -|*|+] [--indent N|tab]\n"
     "  Prints FILE in the canonical style: ATX headings, one blank line around\n"
     "  headings and comment markers, one bullet and one nesting indent for every\n"
     "  list, entries and notes as written. The bullet and the indent are the ones\n"
     "  most of FILE uses, unless --bullet (-, * or +) or --indent (N spaces, 1..8,\n"
     "  or tab) say otherwise; a nested item is always indented at least as wide as\n"
     "  its parent's marker (\"10. \" needs 4) and at most 3 more. -w rewrites FILE\n"
     "  (atomically); --check exits 1 and shows the first difference when FILE is\n"
     "  not canonical. Refuses any output whose parsed catalog would differ from the\n"
     "  input's."},
    {"fix", rd_cmd_fix, O_DRYRUN | O_MAXIN | O_DB | O_ARCHIVE, 1,
     "refdex fix FILE [--dry-run] [--archive] [--db PATH]\n"
     "  Rewrites links whose last check was a permanent redirect to their new URL,\n"
     "  and scheme-less links to https://, changing only those bytes (atomically).\n"
     "  A redirect to a login page or to the site's root is left alone, and said.\n"
     "  --archive also replaces each dead link (broken, error) by the archived copy\n"
     "  'check --archive' found, percent-encoded as a redirect's target is.\n"
     "  --dry-run shows what would change."},
    {"ingest", rd_cmd_ingest, O_DB | O_MAXIN | O_FORCE, 1,
     "refdex ingest FILE [--db PATH] [--max-input SIZE] [--force]\n"
     "  Stores FILE in the database in one transaction. Ingesting the same file again\n"
     "  changes nothing; an edited file replaces the catalog and keeps every URL's\n"
     "  check history."},
    {"lint", rd_cmd_lint, O_DB | O_FORMAT | O_STRICT | O_MAXIN | O_LINT, 1,
     "refdex lint FILE [--format text|json] [--strict] [--disable RULES] [--enable RULES]\n"
     "       refdex lint --rules\n"
     "  Reports broken and doubtful links (bad-url, unsafe-scheme are errors), what\n"
     "  CommonMark reads silently but was hardly meant (a bullet with no space, an odd\n"
     "  indent, a line glued to an item, mixed bullets, lists inside HTML), and the\n"
     "  style awesome lists keep (' - ' before a description, which starts with a\n"
     "  capital and ends with '.', the table of contents, one title). --rules lists\n"
     "  every rule; --disable and --enable take rule names, comma-separated\n"
     "  ('alphabetical' is off by default). Exit 1 on errors (--strict: on warnings\n"
     "  too). Reads and writes no database (--db is accepted and unused)."},
    {"parse", rd_cmd_parse, O_MAXIN | O_DB, 1,
     "refdex parse FILE\n"
     "  Prints how refdex reads FILE, as a tree: each category (heading, marker or\n"
     "  group) with its entries, sub-entries and notes, then the in-page navigation\n"
     "  links and what lint would report as slips, each with LINE:COL. Reads and\n"
     "  writes no database."},
    {"links", rd_cmd_links, O_FORMAT | O_MAXIN, 1,
     "refdex links FILE [--format text|json]\n"
     "  Prints every link of FILE (each entry with a destination, sub-entries too),\n"
     "  in catalog order, without checking any: FILE:LINE:COL: URL — NAME [CATEGORY]\n"
     "  a line (the URL normalised as check fetches it; as written when it cannot\n"
     "  be), or a JSON array of objects with name, url, url_raw, kind (web, mailto,\n"
     "  file, relative, other, unsafe, invalid), category, file, line, col,\n"
     "  location and parent (a sub-entry's entry, else null). The count goes to\n"
     "  stderr. Reads and writes no database."},
    {"query", rd_cmd_query, O_DB | O_FORMAT | O_CATEGORY | O_SEARCH | O_STATUS | O_SINCE, 0,
     "refdex query [--category NAME|SLUG|PATH] [--search TEXT]\n"
     "          [--status STATUS] [--since DATE] [--sort stars|pushed|name]\n"
     "          [--format table|tsv|json] [--db PATH]\n"
     "  Lists matching entries in catalog order, sub-entries under their entry, with\n"
     "  the latest check of each link ('unchecked' before any). --status keeps the\n"
     "  entries whose link is ok, redirect, broken (a result that fails 'check':\n"
     "  broken or error), timeout, ratelimited, unchecked, or flaky (its latest\n"
     "  5 checks went from passing to failing or back at least twice).\n"
     "  --since DATE (2026-11-01, 2026-11-01T10:00:00 in UTC, or 7d ago) keeps those\n"
     "  whose status began then or later: the first of its latest checks of that\n"
     "  kind in a row (a link never checked: when it joined the catalog).\n"
     "  --sort orders the results of each category by their repository's stars\n"
     "  (most first), last push (latest first) or name, from 'refdex repos' (the\n"
     "  table then shows stars and last push; those without come last); JSON gives\n"
     "  each entry's repository metadata as \"repo\"."},
    {"history", rd_cmd_history, O_DB | O_FORMAT, 3,
     "refdex history URL|NAME [--format table|tsv|json] [--db PATH]\n"
     "  Prints every stored check of a link, newest first: when, the result, the\n"
     "  HTTP status, how long it took, and what it found (an error, where a redirect\n"
     "  goes, the result a cache hit reused). The link is a URL (as written or\n"
     "  normalised) or the name of an entry that links it, in any case; a name that\n"
     "  several links share, or one that nothing has, exits 2. A check that does not\n"
     "  count for the link's status (cancelled, excluded, a cache hit, a run that\n"
     "  found no network) is marked '*'."},
    {"prune", rd_cmd_prune, O_DB | O_PRUNE, 0,
     "refdex prune --keep N [--vacuum] [--db PATH]\n"
     "  Keeps the latest N checks of each link (N from 1) and removes the others, in\n"
     "  one transaction. A link's status (its latest conclusive check) and a check\n"
     "  that a kept cache hit reused are kept as well, so no view changes; runs are\n"
     "  kept. --vacuum then rebuilds the file without the space freed (VACUUM)."},
    {"config", rd_cmd_config, O_CHECK, 4,
     "refdex config [FILE] [--config FILE] [check options]\n"
     "  Prints the check settings a 'refdex check FILE' with these options would\n"
     "  use, each with where it came from: the default, the config file's line\n"
     "  (refdex.ini:LINE) or a flag. The config file is --config FILE, else\n"
     "  refdex.ini beside FILE (./refdex.ini without FILE) when there is one.\n"
     "  Header values are not shown."},
    {"hosts", rd_cmd_hosts, O_DB | O_FORMAT | O_SINCE | O_RUN, 0,
     "refdex hosts [--run ID | --since DATE] [--format table|tsv|json]\n"
     "          [--db PATH]\n"
     "  Per host of the web links, from the stored checks of the latest run (after\n"
     "  'refdex merge', the merged run), of run ID, or of every run since DATE\n"
     "  (2026-11-01, 2026-11-01T10:00:00 in UTC, or 7d ago): requests made (retries,\n"
     "  HEAD then GET and redirect hops count), the median and 95th percentile of a\n"
     "  fetched link's time (nearest rank), results by kind, 429 answers, and how\n"
     "  long they paused the host. Most requests first. Writes nothing."},
    {"repos", rd_cmd_repos, O_DB | O_MAXIN | O_CHECK | O_FORCE, 1,
     "refdex repos FILE [--github-api URL] [--gitlab-api URL] [--gitea-api URL]\n"
     "          [--repo-max-age D] [--allow-private] [--deadline D] [--db PATH]\n"
     "  Ingests FILE and fetches the metadata of every repository it links\n"
     "  (github.com/OWNER/REPO, gitlab.com/GROUP/.../PROJECT, codeberg.org/OWNER/REPO,\n"
     "  any deeper path too) from its forge's API: stars, forks, archived, last push,\n"
     "  default branch, licence, description, language, and its canonical name when\n"
     "  it was renamed or moved; a repository the API does not know is 'gone'.\n"
     "  GitHub: with GITHUB_TOKEN set, the GraphQL API at URL/graphql, 100\n"
     "  repositories a request; without, the REST API at URL/repos/OWNER/REPO, a\n"
     "  request each (60 an hour). GitLab: URL/projects/ID (GITLAB_TOKEN optional);\n"
     "  Codeberg: Gitea's URL/repos/OWNER/REPO (CODEBERG_TOKEN optional). Defaults:\n"
     "  https://api.github.com, https://gitlab.com/api/v4,\n"
     "  https://codeberg.org/api/v1.\n"
     "  A repository fetched within --repo-max-age (default 7d) is not asked again.\n"
     "  A Retry-After of up to a minute is waited for; a longer one, or a spent rate\n"
     "  limit, stops the requests to that forge, saying how many were left (exit 0).\n"
     "  The API's address is under the link checks' policy: a loopback API needs\n"
     "  --allow-private. Tokens are never stored or shown. -v lists each request."},
    {"stale", rd_cmd_stale, O_DB | O_MAXIN | O_CHECK | O_FORCE | O_FORMAT | O_OUTPUT | O_STALE, 1,
     "refdex stale FILE [--older D] [--format text|json|markdown|github]\n"
     "          [-o FILE] [--github-api URL] [--gitlab-api URL] [--gitea-api URL]\n"
     "          [--repo-max-age D] [--allow-private] [--deadline D] [--db PATH]\n"
     "  Fetches the repositories' metadata as 'refdex repos' does (what is fresh is\n"
     "  not asked again), then reports every entry whose repository is gone,\n"
     "  renamed (to what: 'refdex fix' rewrites the link to it), archived, or not\n"
     "  pushed to for --older (default 2y; years or a duration such as 180d), as\n"
     "  FILE:LINE:COL, in catalog order, all of them. Exit 1 when there is any."},
    {"categories", rd_cmd_categories, O_DB | O_FORMAT, 0,
     "refdex categories [--format table|tsv|json] [--db PATH]\n"
     "  Prints the category tree: entries in each category, and with sub-categories."},
};

rd_exit rd_exit_for(int code)
{
    switch (code) {
    case RD_OK: return RD_EXIT_OK;
    case RD_EINPUT:
    case RD_EUSAGE:
    case RD_ENOTFOUND: return RD_EXIT_USAGE;
    default: return RD_EXIT_INTERNAL;
    }
}

void rd_cli_error(const rd_error *err)
{
    fprintf(stderr, "refdex: %s\n", err->msg[0] ? err->msg : "unknown error");
}

int rd_cli_color(const rd_config *cfg, FILE *f)
{
    if (cfg->color)
        return cfg->color == 1;
    const char *no = getenv("NO_COLOR");
    return !(no && *no) && isatty(fileno(f));
}

double rd_cli_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void print_version(void)
{
    curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
    int xml = atoi(xmlParserVersion);
    printf("refdex %s (database schema %d)\n", RD_VERSION, rd_db_schema_latest());
    printf("cmark %s\nsqlite %s\nlibcurl %s\nlibxml2 %d.%d.%d\n", cmark_version_string(),
           rd_db_sqlite_version(), cv->version, xml / 10000, xml / 100 % 100, xml % 100);
}

/* "refdex.ini:LINE: " while the config file's keys are read, else "". */
static char msg_where[1100];

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "refdex: %s", msg_where);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'refdex --help'.\n", stderr);
    return RD_EXIT_USAGE;
}

enum {
    OPT_DB = 256,
    OPT_FORMAT,
    OPT_CATEGORY,
    OPT_SEARCH,
    OPT_STRICT,
    OPT_MAXIN,
    OPT_TIMEOUT,
    OPT_DEADLINE,
    OPT_CONCURRENCY,
    OPT_PER_HOST,
    OPT_HOST_INTERVAL,
    OPT_RETRIES,
    OPT_MAX_BYTES,
    OPT_METHOD,
    OPT_ACCEPT,
    OPT_EXCLUDE,
    OPT_INCLUDE,
    OPT_MAX_AGE,
    OPT_ALLOW_PRIVATE,
    OPT_OUTPUT,
    OPT_NO_CHECK,
    OPT_OUT,
    OPT_CHECK_ONLY,
    OPT_WRITE,
    OPT_DRY_RUN,
    OPT_DISABLE,
    OPT_ENABLE,
    OPT_RULES,
    OPT_BULLET,
    OPT_INDENT,
    OPT_FORCE,
    OPT_REMOTE_IMAGES,
    OPT_SHARD,
    OPT_SHARDS,
    OPT_RUN,
    OPT_ADD,
    OPT_INDEX_MAX,
    OPT_STATUS,
    OPT_SINCE,
    OPT_KEEP,
    OPT_VACUUM,
    OPT_HEADER,
    OPT_USER_AGENT,
    OPT_CONFIG,
    OPT_REMAP,
    OPT_FAIL_AFTER,
    OPT_ARCHIVE,
    OPT_ARCHIVE_API,
    OPT_DIFF,
    OPT_OFFLINE,
    OPT_COLOR,
    OPT_GITHUB_API,
    OPT_GITLAB_API,
    OPT_GITEA_API,
    OPT_REPO_MAX_AGE,
    OPT_REPOS,
    OPT_OLDER,
    OPT_SORT
};

static const struct option longopts[] = {
    {"db", required_argument, NULL, OPT_DB},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"category", required_argument, NULL, OPT_CATEGORY},
    {"search", required_argument, NULL, OPT_SEARCH},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"max-input", required_argument, NULL, OPT_MAXIN},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"deadline", required_argument, NULL, OPT_DEADLINE},
    {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
    {"per-host", required_argument, NULL, OPT_PER_HOST},
    {"host-interval", required_argument, NULL, OPT_HOST_INTERVAL},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"max-bytes", required_argument, NULL, OPT_MAX_BYTES},
    {"method", required_argument, NULL, OPT_METHOD},
    {"accept", required_argument, NULL, OPT_ACCEPT},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"include", required_argument, NULL, OPT_INCLUDE},
    {"max-age", required_argument, NULL, OPT_MAX_AGE},
    {"allow-private", no_argument, NULL, OPT_ALLOW_PRIVATE},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"no-check", no_argument, NULL, OPT_NO_CHECK},
    {"out", required_argument, NULL, OPT_OUT},
    {"check", no_argument, NULL, OPT_CHECK_ONLY},
    {"write", no_argument, NULL, OPT_WRITE},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"disable", required_argument, NULL, OPT_DISABLE},
    {"enable", required_argument, NULL, OPT_ENABLE},
    {"rules", no_argument, NULL, OPT_RULES},
    {"force", no_argument, NULL, OPT_FORCE},
    {"remote-images", no_argument, NULL, OPT_REMOTE_IMAGES},
    {"index-max", required_argument, NULL, OPT_INDEX_MAX},
    {"bullet", required_argument, NULL, OPT_BULLET},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"shards", required_argument, NULL, OPT_SHARDS},
    {"run", required_argument, NULL, OPT_RUN},
    {"add", no_argument, NULL, OPT_ADD},
    {"indent", required_argument, NULL, OPT_INDENT},
    {"status", required_argument, NULL, OPT_STATUS},
    {"since", required_argument, NULL, OPT_SINCE},
    {"keep", required_argument, NULL, OPT_KEEP},
    {"vacuum", no_argument, NULL, OPT_VACUUM},
    {"header", required_argument, NULL, OPT_HEADER},
    {"user-agent", required_argument, NULL, OPT_USER_AGENT},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"remap", required_argument, NULL, OPT_REMAP},
    {"fail-after", required_argument, NULL, OPT_FAIL_AFTER},
    {"archive", no_argument, NULL, OPT_ARCHIVE},
    {"archive-api", required_argument, NULL, OPT_ARCHIVE_API},
    {"diff", required_argument, NULL, OPT_DIFF},
    {"offline", no_argument, NULL, OPT_OFFLINE},
    {"color", required_argument, NULL, OPT_COLOR},
    {"github-api", required_argument, NULL, OPT_GITHUB_API},
    {"gitlab-api", required_argument, NULL, OPT_GITLAB_API},
    {"gitea-api", required_argument, NULL, OPT_GITEA_API},
    {"repo-max-age", required_argument, NULL, OPT_REPO_MAX_AGE},
    {"repos", no_argument, NULL, OPT_REPOS},
    {"older", required_argument, NULL, OPT_OLDER},
    {"sort", required_argument, NULL, OPT_SORT},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/* "--name" of an option code, for messages. */
static const char *option_name(int opt)
{
    if (opt == 'o' || opt == 'w')
        return opt == 'o' ? "-o" : "-w";
    for (const struct option *o = longopts; o->name; o++)
        if (o->val == opt)
            return o->name;
    return "?";
}

/* Whether arg ("--db", "--db=x", "-q"; at least two bytes) names an option
 * of some command. */
static int is_option(const char *arg)
{
    if (arg[0] == '-' && arg[1] && arg[1] != '-')
        return arg[2] == '\0' && strchr("qvhow", arg[1]);
    size_t n = strcspn(arg + 2, "=");
    for (const struct option *o = longopts; o->name; o++)
        if (strlen(o->name) == n && !strncmp(o->name, arg + 2, n))
            return 1;
    return 0;
}

/* "unknown option '--bogus'" for what was refused: the short option
 * `letter` when getopt said which ("-qx" or "-xq": '-x'; arg is then not
 * always the word that holds it), else arg, a long option without its value,
 * or short ones, of which the first. */
static int unknown_option(const char *arg, int letter)
{
    char name[64];
    if (letter)
        snprintf(name, sizeof name, "-%c", letter);
    else if (arg[0] == '-' && arg[1] != '-')
        snprintf(name, sizeof name, "-%c", arg[1]);
    else
        snprintf(name, sizeof name, "%.*s", (int)strcspn(arg, "="), arg);
    /* getopt takes a prefix of one option (--time for --timeout), and
     * refuses a prefix of several: say which */
    char which[400] = "";
    size_t n = strlen(name), used = 0, count = 0;
    for (const struct option *o = longopts; n > 2 && name[1] == '-' && o->name; o++)
        if (!strncmp(o->name, name + 2, n - 2) && used < sizeof which) {
            used += (size_t)snprintf(which + used, sizeof which - used, "%s--%s",
                                     count++ ? ", " : "", o->name);
        }
    if (count > 1) {
        fprintf(stderr, "refdex: %soption '%s' is ambiguous: %s\nTry 'refdex --help'.\n", msg_where,
                name, which);
        return RD_EXIT_USAGE;
    }
    return usage_error("unknown option '%s'", name);
}

/* The option bit an option needs in its command, or 0 for everyone's. */
static int option_bit(int opt)
{
    switch (opt) {
    case OPT_DB: return O_DB;
    case OPT_FORMAT: return O_FORMAT;
    case OPT_CATEGORY: return O_CATEGORY;
    case OPT_SEARCH: return O_SEARCH;
    case OPT_STRICT: return O_STRICT;
    case OPT_MAXIN: return O_MAXIN;
    case OPT_NO_CHECK: return O_NOCHECK;
    case OPT_OUT:
    case OPT_INDEX_MAX:
    case OPT_REMOTE_IMAGES: return O_OUT;
    case OPT_CHECK_ONLY:
    case OPT_WRITE:
    case 'w':
    case OPT_BULLET:
    case OPT_INDENT: return O_FMT;
    case OPT_DRY_RUN: return O_DRYRUN;
    case OPT_DISABLE:
    case OPT_ENABLE:
    case OPT_RULES: return O_LINT;
    case OPT_FORCE: return O_FORCE;
    case OPT_SHARD:
    case OPT_SHARDS: return O_SHARD;
    case OPT_RUN: return O_RUN;
    case OPT_ADD: return O_ADD;
    case OPT_STATUS: return O_STATUS;
    case OPT_SINCE: return O_SINCE;
    case OPT_KEEP:
    case OPT_VACUUM: return O_PRUNE;
    case OPT_ARCHIVE: return O_ARCHIVE;
    case OPT_SORT: return O_STATUS;
    case OPT_OLDER: return O_STALE;
    case OPT_OUTPUT:
    case 'o': return O_OUTPUT;
    case OPT_DIFF:
    case OPT_OFFLINE: return O_DIFF;
    case 'q':
    case 'v':
    case 'h':
    case OPT_COLOR:
    case ':':
    case '?': return 0;
    default: return O_CHECK;
    }
}

/* `lint --rules`: every rule, its severity, and whether it is on by default. */
static void print_rules(void)
{
    size_t n;
    const rd_lint_rule *r = rd_lint_rules(&n);
    for (size_t i = 0; i < n; i++)
        printf("%-22s %-8s %-4s %s\n", r[i].name, rd_severity_name(r[i].severity),
               r[i].on ? "on" : "off", r[i].about);
}

/* A whole number from lo to hi into *out. Returns RD_EXIT_OK, or RD_EXIT_USAGE
 * after saying why. */
static int parse_count(const char *name, const char *arg, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (*arg == '\0' || *end || v < lo || v > hi) {
        fprintf(stderr, "refdex: %s%s takes a whole number from %d to %d, not '%s'\n", msg_where,
                name + (*msg_where ? 2 : 0), lo, hi, arg);
        return RD_EXIT_USAGE;
    }
    *out = (int)v;
    return RD_EXIT_OK;
}

/* A duration ("500ms", "5s") into *out, in ms. Returns RD_EXIT_OK, or
 * RD_EXIT_USAGE after saying why. */
static int parse_duration(const char *name, const char *arg, int64_t *out)
{
    if (rd_parse_duration_ms(arg, out) == RD_OK)
        return RD_EXIT_OK;
    fprintf(stderr, "refdex: %s%s takes a duration such as 500ms, 5s, 2m, 1h or 7d, not '%s'\n",
            msg_where, name + (*msg_where ? 2 : 0), arg);
    return RD_EXIT_USAGE;
}

/* query --status: the kinds of status a link can have. */
static int parse_status(const char *arg, rd_config *cfg)
{
    static const char *const names[] = {"ok",      "redirect",    "broken",   "flaky",
                                        "timeout", "ratelimited", "unchecked"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(arg, names[i])) {
            cfg->status = names[i];
            return RD_EXIT_OK;
        }
    return usage_error("--status is ok, redirect, broken, flaky, timeout, ratelimited or "
                       "unchecked, not '%s'",
                       arg);
}

/* query --since: a date (2026-11-01), a time (2026-11-01T10:00:00, 'Z' or
 * not: times are UTC) or a duration ago (7d), into cfg->since as the text
 * checked_at compares with. */
static int parse_since(const char *arg, rd_config *cfg)
{
    int64_t ms;
    if (rd_parse_duration_ms(arg, &ms) == RD_OK) {
        time_t t = time(NULL) - (time_t)(ms / 1000);
        struct tm tm;
        if (ms / 1000 > (int64_t)time(NULL) || !gmtime_r(&t, &tm))
            return usage_error("--since %s goes back before 1970", arg);
        strftime(cfg->since, sizeof cfg->since, "%Y-%m-%dT%H:%M:%S", &tm);
        return RD_EXIT_OK;
    }
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
    size_t len = strlen(arg);
    int ok = len >= 10 && sscanf(arg, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10;
    if (ok && len > 10) {
        n = 0;
        ok = (arg[10] == 'T' || arg[10] == ' ') &&
             sscanf(arg + 11, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) == 3 && n == 8 &&
             (arg[19] == '\0' || (arg[19] == 'Z' && arg[20] == '\0'));
    }
    if (!ok || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 ||
        h < 0 || mi < 0 || sec < 0)
        return usage_error("--since takes a date (2026-11-01), a UTC time (2026-11-01T10:00:00) "
                           "or a duration ago (7d), not '%s'",
                           arg);
    snprintf(cfg->since, sizeof cfg->since, "%04d-%02d-%02d", y, mo, d);
    if (len > 10)
        snprintf(cfg->since + 10, sizeof cfg->since - 10, "T%02d:%02d:%02d", h, mi, sec);
    return RD_EXIT_OK;
}

/* stale --older: a duration (90d) or years (2y, 365 days each). */
static int parse_older(const char *arg, rd_config *cfg)
{
    size_t n = strlen(arg);
    int64_t ms;
    char *end;
    if (n > 1 && arg[n - 1] == 'y') {
        long y = strtol(arg, &end, 10);
        if (*arg >= '0' && *arg <= '9' && end == arg + n - 1 && y > 0 && y <= 1000) {
            cfg->older_s = (int64_t)y * 365 * 86400;
            cfg->older = arg;
            return RD_EXIT_OK;
        }
    } else if (rd_parse_duration_ms(arg, &ms) == RD_OK && ms >= 1000) {
        cfg->older_s = ms / 1000;
        cfg->older = arg;
        return RD_EXIT_OK;
    }
    return usage_error("--older takes years (2y) or a duration (90d), not '%s'", arg);
}

/* fmt's --bullet and --indent. Returns RD_EXIT_OK, or an exit code. */
static int parse_fmt_style(int c, const char *arg, rd_fmt_style *style)
{
    if (c == OPT_BULLET) {
        if (strlen(arg) != 1 || !strchr("-*+", arg[0]))
            return usage_error("--bullet is -, * or + (quote * from the shell), not '%s'", arg);
        style->bullet = arg[0];
        return RD_EXIT_OK;
    }
    if (!strcmp(arg, "tab")) {
        style->indent = RD_FMT_TAB;
        return RD_EXIT_OK;
    }
    char *end;
    long v = strtol(arg, &end, 10);
    if (*arg < '0' || *arg > '9' || *end || v < 1 || v > RD_FMT_MAX_INDENT)
        return usage_error("--indent is a number of spaces from 1 to 8, or tab, not '%s'", arg);
    style->indent = (int)v;
    return RD_EXIT_OK;
}

/* Whether a byte may be part of a header's name (RFC 9110's tchar). */
static int header_name_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* --header 'Name: value' into cfg. The value may be a token, so no message
 * shows it: only the name, when there is one. Returns RD_EXIT_OK, or
 * RD_EXIT_USAGE after saying why. */
static int add_header(const char *arg, rd_config *cfg)
{
    size_t name = 0;
    while (header_name_char((unsigned char)arg[name]))
        name++;
    if (arg[name] != ':' || name == 0) {
        fprintf(stderr,
                "refdex: %s--header takes 'Name: value' (a name of letters, digits and -, then a "
                "colon); the text given is not shown, as it may hold a secret\n",
                msg_where);
        return RD_EXIT_USAGE;
    }
    if (strpbrk(arg, "\r\n")) {
        fprintf(stderr, "refdex: %s--header '%.*s': its value holds a line break\n", msg_where,
                (int)name, arg);
        return RD_EXIT_USAGE;
    }
    if (cfg->nheaders == RD_MAX_HEADERS)
        return usage_error("at most 32 --header options%s", "");
    cfg->header_origin[cfg->nheaders] = cfg->origin_now;
    cfg->headers[cfg->nheaders++] = arg;
    cfg->crawl.headers = cfg->headers;
    cfg->crawl.nheaders = (size_t)cfg->nheaders;
    return RD_EXIT_OK;
}

/* --github-api URL and the others: an http(s) base URL, kept without a
 * final '/'. */
static int parse_api_url(int c, const char *arg, rd_config *cfg)
{
    int i = c == OPT_GITHUB_API ? 0 : c == OPT_GITLAB_API ? 1 : 2;
    size_t n = strlen(arg);
    while (n && arg[n - 1] == '/')
        n--;
    if ((strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8)) || n < 9 ||
        n >= sizeof cfg->api_url[i] || strpbrk(arg, " \t\r\n"))
        return usage_error("an API's base URL is http(s)://HOST[/PATH], not '%s'", arg);
    memcpy(cfg->api_url[i], arg, n);
    cfg->api_url[i][n] = '\0';
    const char **to = i == 0   ? &cfg->repos.github_api
                      : i == 1 ? &cfg->repos.gitlab_api
                               : &cfg->repos.gitea_api;
    *to = cfg->api_url[i];
    return RD_EXIT_OK;
}

/* The options of `check`. Returns RD_EXIT_OK, or an exit code. */
static int parse_check_option(int c, const char *arg, rd_config *cfg)
{
    rd_crawl_opts *o = &cfg->crawl;
    int64_t v;
    switch (c) {
    case OPT_TIMEOUT: {
        int rc = parse_duration("--timeout", arg, &o->timeout_ms);
        if (rc == RD_EXIT_OK && o->timeout_ms <= 0) /* every link would time out at once */
            return usage_error("--timeout takes a duration above 0, not '%s'", arg);
        return rc;
    }
    case OPT_DEADLINE: /* "none", as refdex config prints it, is no deadline */
        return parse_duration("--deadline", strcmp(arg, "none") ? arg : "0", &cfg->deadline_ms);
    case OPT_MAX_AGE:
        return parse_duration("--max-age", strcmp(arg, "none") ? arg : "0", &cfg->max_age_ms);
    case OPT_HOST_INTERVAL: return parse_duration("--host-interval", arg, &o->host_interval_ms);
    case OPT_CONCURRENCY: return parse_count("--concurrency", arg, 1, 65536, &o->concurrency);
    case OPT_PER_HOST: return parse_count("--per-host", arg, 1, 65536, &o->per_host);
    case OPT_RETRIES: return parse_count("--retries", arg, 0, 20, &o->retries);
    case OPT_FAIL_AFTER: return parse_count("--fail-after", arg, 1, 1000, &cfg->fail_after);
    case OPT_ARCHIVE: cfg->archive = 1; return RD_EXIT_OK;
    case OPT_ARCHIVE_API:
        if ((strncmp(arg, "https://", 8) && strncmp(arg, "http://", 7)) || strpbrk(arg, " \t\r\n#"))
            return usage_error("--archive-api takes an http(s) URL without spaces or #, not '%s'",
                               arg);
        cfg->archive_api = arg;
        return RD_EXIT_OK;
    case OPT_ALLOW_PRIVATE: o->allow_private = 1; return RD_EXIT_OK;
    case OPT_REPOS: cfg->check_repos = 1; return RD_EXIT_OK;
    case OPT_REPO_MAX_AGE: return parse_duration("--repo-max-age", arg, &cfg->repos.max_age_ms);
    case OPT_GITHUB_API:
    case OPT_GITLAB_API:
    case OPT_GITEA_API: return parse_api_url(c, arg, cfg);
    case OPT_OUTPUT: cfg->output = arg; return RD_EXIT_OK;
    case OPT_HEADER: return add_header(arg, cfg);
    case OPT_REMAP: {
        regex_t re;
        const char *to;
        rd_error err = {0};
        if (rd_remap_compile(arg, &re, &to, &err) < 0) {
            fprintf(stderr, "refdex: %s%s\n", msg_where, err.msg);
            return RD_EXIT_USAGE;
        }
        regfree(&re);
        if (cfg->nremap == RD_MAX_PATTERNS)
            return usage_error("at most 32 --remap rules%s", "");
        cfg->remap_origin[cfg->nremap] = cfg->origin_now;
        cfg->remap[cfg->nremap++] = arg;
        return RD_EXIT_OK;
    }
    case OPT_USER_AGENT:
        if (strpbrk(arg, "\r\n"))
            return usage_error("--user-agent holds a line break%s", "");
        o->user_agent = arg;
        return RD_EXIT_OK;
    case OPT_MAX_BYTES:
        if (rd_parse_size(arg, &v) < 0 || v <= 0)
            return usage_error("--max-bytes takes a size such as 1M, not '%s'", arg);
        o->max_bytes = v;
        return RD_EXIT_OK;
    case OPT_METHOD:
        if (strcmp(arg, "get") && strcmp(arg, "head"))
            return usage_error("--method is get or head, not '%s'", arg);
        o->use_head = !strcmp(arg, "head");
        return RD_EXIT_OK;
    case OPT_ACCEPT:
        free(cfg->accept);
        if (rd_parse_status_ranges(arg, &cfg->accept, &o->naccept) < 0)
            return usage_error("--accept takes statuses such as 200..299,403, not '%s'", arg);
        o->accept = cfg->accept;
        return RD_EXIT_OK;
    case OPT_EXCLUDE:
    case OPT_INCLUDE: {
        int *n = c == OPT_EXCLUDE ? &cfg->nexclude : &cfg->ninclude;
        regex_t re; /* refused here, before anything is read or stored */
        int bad = regcomp(&re, arg, REG_EXTENDED | REG_NOSUB);
        if (bad) {
            char why[160];
            regerror(bad, &re, why, sizeof why);
            fprintf(stderr, "refdex: %s--%s '%s': not a regular expression (POSIX extended): %s\n",
                    msg_where, c == OPT_EXCLUDE ? "exclude" : "include", arg, why);
            return RD_EXIT_USAGE;
        }
        regfree(&re);
        if (*n == RD_MAX_PATTERNS)
            return usage_error("at most 32 patterns each for --exclude and --include%s", "");
        (c == OPT_EXCLUDE ? cfg->exclude_origin : cfg->include_origin)[*n] = cfg->origin_now;
        (c == OPT_EXCLUDE ? cfg->exclude : cfg->include)[(*n)++] = arg;
        return RD_EXIT_OK;
    }
    }
    return usage_error("unknown option '%s'", arg);
}

int rd_cli_option(rd_config *cfg, const char *key, const char *value, const char *where)
{
    const struct option *o = longopts;
    while (o->name && strcmp(o->name, key))
        o++;
    if (!o->name || rd_config_key(key) < 0)
        return -1;
    snprintf(msg_where, sizeof msg_where, "%s: ", where);
    const char *arg = value;
    int rc = RD_EXIT_OK;
    if (o->has_arg == no_argument) { /* allow-private = true|false */
        int on = !strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "1");
        if (!on && strcmp(value, "false") && strcmp(value, "no") && strcmp(value, "0"))
            rc = usage_error("%s takes true or false", key);
        else if (!on && !strcmp(key, "archive"))
            cfg->archive = 0;
        else if (!on)
            cfg->crawl.allow_private = 0;
        arg = on ? value : NULL;
    }
    if (rc == RD_EXIT_OK && arg)
        rc = parse_check_option(o->val, arg, cfg);
    msg_where[0] = '\0';
    return rc;
}

/* Parses the options after the command name into cfg. Returns RD_EXIT_OK, or
 * an exit code; *done is set when an option (--help, --rules) was the whole
 * answer, so the command does not run. */
static int parse_options(const struct command *cmd, int argc, char **argv, rd_config *cfg,
                         int *done)
{
    int c, rc = RD_EXIT_OK;
    optind = 1;
    opterr = 0;
    cfg->origin_now = -1; /* what is set now, is set by a flag */
    while (rc == RD_EXIT_OK && (c = getopt_long(argc, argv, ":qvho:w", longopts, NULL)) != -1) {
        int bit = option_bit(c);
        if (bit && !(cmd->options & bit)) {
            fprintf(stderr, "refdex: '%s' does not take %s%s\nTry 'refdex %s --help'.\n", cmd->name,
                    c == 'o' || c == 'w' ? "" : "--", option_name(c), cmd->name);
            return RD_EXIT_USAGE;
        }
        switch (c) {
        case OPT_DB: cfg->db_path = optarg; break;
        case OPT_FORMAT: cfg->format = optarg; break;
        case OPT_CATEGORY: cfg->category = optarg; break;
        case OPT_SEARCH: cfg->search = optarg; break;
        case OPT_STRICT: cfg->strict = 1; break;
        case 'q': cfg->verbosity = -1; break;
        case 'v': cfg->verbosity = 1; break;
        case OPT_COLOR:
            if (!strcmp(optarg, "auto") || !strcmp(optarg, "always") || !strcmp(optarg, "never"))
                cfg->color = optarg[0] == 'a' ? (optarg[1] == 'u' ? 0 : 1) : 2;
            else
                rc = usage_error("--color is auto, always or never, not '%s'", optarg);
            break;
        case 'o': cfg->output = optarg; break;
        case OPT_NO_CHECK: cfg->no_check = 1; break;
        case OPT_OUT: cfg->out_dir = optarg; break;
        case OPT_CHECK_ONLY:
        case OPT_DRY_RUN: cfg->fmt_check = 1; break;
        case OPT_WRITE:
        case 'w': cfg->fmt_write = 1; break;
        case OPT_RULES:
            print_rules();
            *done = 1;
            return RD_EXIT_OK;
        case OPT_FORCE: cfg->force = cfg->render.force = 1; break;
        case OPT_REMOTE_IMAGES: cfg->render.remote_images = 1; break;
        case OPT_SHARD: cfg->shard_arg = optarg; break;
        case OPT_ADD: cfg->merge_add = 1; break;
        case OPT_STATUS: rc = parse_status(optarg, cfg); break;
        case OPT_SINCE: rc = parse_since(optarg, cfg); break;
        case OPT_KEEP: rc = parse_count("--keep", optarg, 1, 2147483647, &cfg->keep); break;
        case OPT_VACUUM: cfg->vacuum = 1; break;
        case OPT_OLDER: rc = parse_older(optarg, cfg); break;
        case OPT_SORT:
            if (strcmp(optarg, "stars") && strcmp(optarg, "pushed") && strcmp(optarg, "name"))
                return usage_error("--sort is stars, pushed or name, not '%s'", optarg);
            cfg->sort = optarg;
            break;
        case OPT_SHARDS:
            rc = parse_count("--shards", optarg, 1, RD_MAX_SHARDS, &cfg->shards_arg);
            break;
        case OPT_RUN: {
            int id;
            rc = parse_count("--run", optarg, 1, 2147483647, &id);
            cfg->run_id = id;
            break;
        }
        case OPT_INDEX_MAX:
            rc = parse_count("--index-max", optarg, 1, 1 << 30, &cfg->render.index_max);
            break;
        case OPT_DISABLE:
        case OPT_ENABLE: {
            rd_error err = {0};
            if (rd_lint_opts_set(&cfg->lint, optarg, c == OPT_ENABLE, &err) < 0) {
                rd_cli_error(&err);
                return RD_EXIT_USAGE;
            }
            break;
        }
        case OPT_BULLET:
        case OPT_INDENT: rc = parse_fmt_style(c, optarg, &cfg->fmt_style); break;
        case OPT_MAXIN: {
            int64_t v;
            if (rd_parse_size(optarg, &v) < 0 || v <= 0)
                return usage_error("--max-input takes a size such as 64M, not '%s'", optarg);
            cfg->max_input = v;
            break;
        }
        case 'h':
            printf("usage: %s\n", cmd->synopsis);
            *done = 1;
            return RD_EXIT_OK;
        case ':': return usage_error("%s needs a value", argv[optind - 1]);
        case '?': return unknown_option(argv[optind - 1], optopt);
        case OPT_CONFIG: cfg->config = optarg; break;
        case OPT_DIFF: cfg->diff_rev = optarg; break;
        case OPT_OFFLINE: cfg->offline = 1; break;
        default: rc = parse_check_option(c, optarg, cfg); rd_config_mark(cfg, option_name(c));
        }
    }
    if (rc != RD_EXIT_OK)
        return rc;
    if (cmd->needs_file == 2) {
        if (argc - optind < 2)
            return usage_error("'%s' needs OUT.db and at least one SHARD.db", cmd->name);
        cfg->args = argv + optind;
        cfg->nargs = argc - optind;
        optind = argc;
    } else if (cmd->needs_file == 3) {
        if (optind >= argc)
            return usage_error("'%s' needs a URL or an entry's NAME", cmd->name);
        cfg->subject = argv[optind++];
    } else if (cmd->needs_file == 4) { /* an optional FILE */
        if (optind < argc)
            cfg->file = argv[optind++];
    } else if (cmd->needs_file) {
        if (optind >= argc)
            return usage_error("'%s' needs a catalog FILE", cmd->name);
        cfg->file = argv[optind++];
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    return RD_EXIT_OK;
}

char *rd_cli_beside(const char *file, const char *name)
{
    const char *slash = strrchr(file, '/');
    size_t dir = slash ? (size_t)(slash - file) + 1 : 0;
    char *p = malloc(dir + strlen(name) + 1);
    if (p) {
        memcpy(p, file, dir);
        strcpy(p + dir, name);
    }
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        fputs(usage_common, stderr);
        fputs(usage_more, stderr);
        return RD_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(usage_text, stdout);
        fputs(usage_common, stdout);
        fputs(usage_more, stdout);
        return RD_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        print_version();
        return RD_EXIT_OK;
    }
    const struct command *cmd = NULL;
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name))
            cmd = &commands[i];
    int dash = argv[1][0] == '-' && argv[1][1]; /* "-" alone would be a file */
    if (!cmd && dash && !is_option(argv[1]))
        return unknown_option(argv[1], 0);
    if (!cmd)
        return usage_error(dash ? "'%s' comes after a command" : "unknown command '%s'", argv[1]);
    rd_config cfg = {.max_input = RD_DEFAULT_MAX_INPUT};
    rd_crawl_opts_default(&cfg.crawl);
    rd_repos_opts_default(&cfg.repos);
    rd_lint_opts_default(&cfg.lint);
    cfg.older_s = 2 * 365 * 86400;
    cfg.older = "2y";
    int done = 0;
    int rc = parse_options(cmd, argc - 1, argv + 1, &cfg, &done);
    if (rc == RD_EXIT_OK && !done && (cmd->options & O_CHECK)) {
        /* the config file is found from the flags (--config, FILE), and the
         * flags then override it: read it, then the flags again over it */
        rd_config flags = cfg;
        cfg = (rd_config){.max_input = RD_DEFAULT_MAX_INPUT};
        rd_crawl_opts_default(&cfg.crawl);
        rd_repos_opts_default(&cfg.repos);
        rd_lint_opts_default(&cfg.lint);
        cfg.older_s = 2 * 365 * 86400;
        cfg.older = "2y";
        rc = rd_config_load(&cfg, flags.config, flags.file);
        free(flags.accept);
        if (rc == RD_EXIT_OK)
            rc = parse_options(cmd, argc - 1, argv + 1, &cfg, &done);
    }
    if (rc != RD_EXIT_OK || done) {
        free(cfg.accept);
        rd_config_free(&cfg);
        return rc;
    }
    if (!cfg.db_path) {
        cfg.db_owned = cfg.file ? rd_cli_beside(cfg.file, "refdex.db") : strdup("refdex.db");
        if (!cfg.db_owned) {
            fputs("refdex: out of memory\n", stderr);
            return RD_EXIT_INTERNAL;
        }
        cfg.db_path = cfg.db_owned;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fputs("refdex: libcurl failed to initialise\n", stderr);
        free(cfg.db_owned);
        return RD_EXIT_INTERNAL;
    }
    rc = cmd->run(&cfg);
    curl_global_cleanup();
    free(cfg.db_owned);
    free(cfg.out_owned);
    free(cfg.accept);
    free(cfg.diff_lines);
    rd_config_free(&cfg);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("refdex: writing output");
        return rc ? rc : RD_EXIT_INTERNAL;
    }
    return rc;
}
