/* cli/main.c — argument parsing, help, version, and dispatch. */
#include <cmark.h>
#include <curl/curl.h>
#include <getopt.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: refdex COMMAND [OPTIONS] [FILE]\n"
    "\n"
    "refdex keeps a categorised Markdown list of library references honest:\n"
    "it parses catalog.md into a SQLite index, lints it, and answers queries.\n"
    "\n"
    "commands:\n"
    "  update FILE       the main job: ingest FILE, lint it, print the categories\n"
    "  ingest FILE       parse FILE and store it in the database (one transaction)\n"
    "  lint FILE         report problems as FILE:LINE:COL: SEVERITY: RULE: message\n"
    "  query             list entries by --category and/or --search, with link health\n"
    "  categories        print the category tree with entry counts\n"
    "\n"
    "options (where they apply; 'refdex COMMAND --help' says which):\n"
    "  --db PATH         database file (default: refdex.db beside FILE, or ./refdex.db)\n"
    "  --format FMT      lint: text|json; query, categories: table|tsv|json\n"
    "  --category NAME   query: a category's name, slug or path (ref/log), any case;\n"
    "                    its sub-categories are included\n"
    "  --search TEXT     query: entries whose name, description or category match\n"
    "                    every word of TEXT (as a prefix; CJK text works)\n"
    "  --strict          lint, update: warnings count as errors\n"
    "  --max-input SIZE  refuse catalogs larger than SIZE (default 32M)\n"
    "  -q, --quiet       print only errors and requested data\n"
    "  -v, --verbose     say more about what is done\n"
    "  -h, --help        this text;  --version  versions of refdex and its libraries\n"
    "\n"
    "exit codes:\n"
    "  0    all good\n"
    "  1    findings: lint errors (with --strict, warnings too)\n"
    "  2    bad usage or bad input (unreadable, not UTF-8 text, too large or too\n"
    "       deeply nested, unknown category); nothing was written\n"
    "  3    internal or database error\n"
    "  130  interrupted\n";

/* Which options each command takes. */
enum { O_DB = 1, O_FORMAT = 2, O_CATEGORY = 4, O_SEARCH = 8, O_STRICT = 16, O_MAXIN = 32 };

static const struct command {
    const char *name;
    int (*run)(rd_config *);
    int options;
    int needs_file;
    const char *synopsis;
} commands[] = {
    {"update", rd_cmd_update, O_DB | O_STRICT | O_MAXIN | O_FORMAT, 1,
     "refdex update FILE [--db PATH] [--strict] [--format table|tsv|json]\n"
     "  Ingests FILE, prints lint diagnostics on stderr and the categories on stdout.\n"
     "  Exit 1 when lint finds errors."},
    {"ingest", rd_cmd_ingest, O_DB | O_MAXIN, 1,
     "refdex ingest FILE [--db PATH]\n"
     "  Stores FILE in the database in one transaction. Ingesting the same file again\n"
     "  changes nothing; an edited file replaces the catalog and keeps every URL's\n"
     "  check history."},
    {"lint", rd_cmd_lint, O_DB | O_FORMAT | O_STRICT | O_MAXIN, 1,
     "refdex lint FILE [--format text|json] [--strict]\n"
     "  Rules: bad-url, unsafe-scheme (errors); missing-scheme, duplicate-url,\n"
     "  empty-name (warnings); no-url, http-not-https (notes). Exit 1 on errors\n"
     "  (--strict: on warnings too). Reads and writes no database (--db is accepted\n"
     "  and unused, so every command takes the same options)."},
    {"query", rd_cmd_query, O_DB | O_FORMAT | O_CATEGORY | O_SEARCH, 0,
     "refdex query [--category NAME|SLUG|PATH] [--search TEXT] [--format table|tsv|json]\n"
     "          [--db PATH]\n"
     "  Lists matching entries in catalog order, sub-entries under their entry, with\n"
     "  the latest check of each link ('unchecked' before any)."},
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

static void print_version(void)
{
    curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
    int xml = atoi(xmlParserVersion);
    printf("refdex %s\n", RD_VERSION);
    printf("cmark %s\nsqlite %s\nlibcurl %s\nlibxml2 %d.%d.%d\n", cmark_version_string(),
           rd_db_sqlite_version(), cv->version, xml / 10000, xml / 100 % 100, xml % 100);
}

static int usage_error(const char *fmt, const char *arg)
{
    fputs("refdex: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'refdex --help'.\n", stderr);
    return RD_EXIT_USAGE;
}

/* Parses the options after the command name into cfg. Returns -1 to go on,
 * or an exit code. */
static int parse_options(const struct command *cmd, int argc, char **argv, rd_config *cfg)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},       {"format", required_argument, NULL, 'f'},
        {"category", required_argument, NULL, 'c'}, {"search", required_argument, NULL, 's'},
        {"strict", no_argument, NULL, 'S'},         {"max-input", required_argument, NULL, 'M'},
        {"quiet", no_argument, NULL, 'q'},          {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    static const struct { int opt, bit; const char *name; } gated[] = {
        {'d', O_DB, "--db"}, {'f', O_FORMAT, "--format"}, {'c', O_CATEGORY, "--category"},
        {'s', O_SEARCH, "--search"}, {'S', O_STRICT, "--strict"}, {'M', O_MAXIN, "--max-input"}};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":qvh", longopts, NULL)) != -1) {
        for (size_t i = 0; i < sizeof gated / sizeof *gated; i++) {
            if (gated[i].opt == c && !(cmd->options & gated[i].bit)) {
                fprintf(stderr, "refdex: '%s' does not take %s\nTry 'refdex %s --help'.\n",
                        cmd->name, gated[i].name, cmd->name);
                return RD_EXIT_USAGE;
            }
        }
        switch (c) {
        case 'd': cfg->db_path = optarg; break;
        case 'f': cfg->format = optarg; break;
        case 'c': cfg->category = optarg; break;
        case 's': cfg->search = optarg; break;
        case 'S': cfg->strict = 1; break;
        case 'q': cfg->verbosity = -1; break;
        case 'v': cfg->verbosity = 1; break;
        case 'M': {
            int64_t v;
            if (rd_parse_size(optarg, &v) < 0 || v <= 0)
                return usage_error("--max-input takes a size such as 64M, not '%s'", optarg);
            cfg->max_input = v;
            break;
        }
        case 'h': printf("usage: %s\n", cmd->synopsis); return RD_EXIT_OK;
        case ':': return usage_error("%s needs a value", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (cmd->needs_file) {
        if (optind >= argc)
            return usage_error("'%s' needs a catalog FILE", cmd->name);
        cfg->file = argv[optind++];
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    return -1;
}

/* refdex.db in the catalog's folder. */
static char *db_beside(const char *file)
{
    const char *slash = strrchr(file, '/');
    size_t dir = slash ? (size_t)(slash - file) + 1 : 0;
    char *p = malloc(dir + sizeof "refdex.db");
    if (p) {
        memcpy(p, file, dir);
        memcpy(p + dir, "refdex.db", sizeof "refdex.db");
    }
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return RD_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(usage_text, stdout);
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
    if (!cmd)
        return usage_error(argv[1][0] == '-' ? "'%s' comes after a command"
                                             : "unknown command '%s'",
                           argv[1]);
    rd_config cfg = {.command = cmd->name, .max_input = RD_DEFAULT_MAX_INPUT};
    int rc = parse_options(cmd, argc - 1, argv + 1, &cfg);
    if (rc >= 0)
        return rc;
    if (!cfg.db_path) {
        cfg.db_owned = cfg.file ? db_beside(cfg.file) : strdup("refdex.db");
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
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("refdex: writing output");
        return rc ? rc : RD_EXIT_INTERNAL;
    }
    return rc;
}
