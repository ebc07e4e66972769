/* cli/shards.c — `refdex merge` (the databases of a sharded check into one)
 * and `refdex report` (a stored run reported again, fetching nothing). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int rd_cmd_merge(rd_config *cfg)
{
    rd_merge_stats st;
    rd_error err = {0};
    const char *out = cfg->args[0];
    int rc = rd_db_merge(out, (const char *const *)cfg->args + 1, cfg->nargs - 1,
                         cfg->merge_add ? RD_MERGE_ADD : 0, &st, &err);
    if (rc < 0) {
        rd_cli_error(&err);
        return rd_exit_for(rc);
    }
    if (cfg->verbosity >= 0)
        printf("%s: merged run %lld gathers %d of %d %s; %lld %s and %lld %s added%s\n", out,
               (long long)st.run_id, st.nmerged, st.shards, rd_plural(st.shards, "shard", "shards"),
               (long long)st.runs, rd_plural(st.runs, "run", "runs"), (long long)st.checks,
               rd_plural(st.checks, "check", "checks"), st.new_catalog ? ", and the catalog" : "");
    if (st.missing[0])
        fprintf(stderr,
                "refdex: %s: shards %s of %d are missing; their links were not checked "
                "(refdex report says so too)\n",
                out, st.missing, st.shards);
    return RD_EXIT_OK;
}

/* FILE must be the catalog the database holds, and the run must have checked
 * it: otherwise the report's FILE:LINE:COL would point at the wrong lines. */
static int same_catalog(const rd_config *cfg, const rd_run_info *info)
{
    uint64_t h;
    rd_error err = {0};
    int rc = rd_hash_file(cfg->file, cfg->max_input, &h, &err);
    if (rc < 0) {
        rd_cli_error(&err);
        return rd_exit_for(rc);
    }
    char hash[17];
    rd_hash_hex(h, hash);
    if (strcmp(hash, info->catalog_hash)) {
        fprintf(stderr,
                "refdex: %s is not the catalog %s holds (source %s, the file's %s): edited "
                "since? Run 'refdex check %s' to check it\n",
                cfg->file, cfg->db_path, info->catalog_hash, hash, cfg->file);
        return RD_EXIT_USAGE;
    }
    if (!info->same_source) {
        fprintf(stderr,
                "refdex: run %lld checked another version of %s than %s holds now; its "
                "lines would be wrong\n",
                (long long)info->id, cfg->file, cfg->db_path);
        return RD_EXIT_USAGE;
    }
    return RD_EXIT_OK;
}

/* The exit code of a reported run, as check's, and what stderr says. */
static int report_exit(const rd_config *cfg, const rd_run_info *info, const rd_report_summary *s)
{
    size_t failing = s->failing;
    if (cfg->strict) /* findings are warnings, failures with --strict */
        failing += s->findings;
    char note[12000];
    int missing = rd_report_shards_note(s, note, sizeof note);
    if (note[0] && cfg->verbosity >= 0)
        fprintf(stderr, "refdex: run %lld: %s\n", (long long)info->id, note);
    if (!strcmp(info->outcome, "offline")) {
        fprintf(stderr, "refdex: run %lld found the network unavailable%s%s; nothing was checked\n",
                (long long)info->id, info->offline[0] ? " in shards " : "", info->offline);
        return RD_EXIT_INTERNAL;
    }
    if (missing)
        return RD_EXIT_INTERNAL; /* links not checked: not "all good", nor "broken" */
    if (!info->outcome[0] && cfg->verbosity >= 0)
        fprintf(stderr, "refdex: run %lld did not finish (killed?): this is what it stored\n",
                (long long)info->id);
    return failing ? RD_EXIT_FINDINGS : RD_EXIT_OK;
}

int rd_cmd_report(rd_config *cfg)
{
    int fmt = rd_report_format_parse(cfg->format ? cfg->format : "text");
    if (fmt < 0) {
        fprintf(
            stderr,
            "refdex: report --format is text, json, junit, github, markdown or sarif, not '%s'\n",
            cfg->format);
        return RD_EXIT_USAGE;
    }
    rd_error err = {0};
    rd_db *db = NULL;
    rd_run_info info;
    int rc = rd_db_open(cfg->db_path, RD_DB_READONLY, &db, &err);
    if (rc == RD_OK)
        rc = rd_db_run_info(db, cfg->run_id, &info, &err);
    if (rc < 0) {
        rd_cli_error(&err);
        rd_db_close(db);
        return rd_exit_for(rc);
    }
    int exit = same_catalog(cfg, &info);
    FILE *out = stdout;
    if (exit == RD_EXIT_OK && cfg->output && !(out = fopen(cfg->output, "w"))) {
        fprintf(stderr, "refdex: %s: %s\n", cfg->output, strerror(errno));
        exit = RD_EXIT_USAGE;
    }
    if (exit != RD_EXIT_OK) {
        rd_db_close(db);
        return exit;
    }
    rd_report_summary sum = {.total = info.total,
                             .elapsed_ms = info.elapsed_ms,
                             .strict = cfg->strict,
                             .offline = !strcmp(info.outcome, "offline"),
                             .shard = info.shard,
                             .shards = info.shards,
                             .merged = info.merged,
                             .missing = info.missing,
                             .catalog = info.catalog,
                             .color = rd_cli_color(cfg, out),
                             .findings = info.findings};
    memcpy(sum.count, info.count, sizeof sum.count);
    rc = rd_db_run_verdicts(db, info.id, cfg->strict, &sum.failing, &sum.flaky, &err);
    if (rc == RD_OK)
        rc = rd_report_write(db, info.id, cfg->file, (rd_report_format)fmt, &sum, out, &err);
    rd_db_close(db);
    if (out != stdout && fclose(out) != 0) {
        fprintf(stderr, "refdex: %s: %s\n", cfg->output, strerror(errno));
        return RD_EXIT_INTERNAL;
    }
    if (rc < 0) {
        rd_cli_error(&err);
        return rd_exit_for(rc);
    }
    return report_exit(cfg, &info, &sum);
}
