/* render/stale.c — the report of `refdex stale`: entries whose repository is
 * gone, renamed, archived, or not pushed to for long, as text, JSON (rows
 * made by SQLite), Markdown or GitHub annotations, each at file:line:col. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "annotate.h"
#include "render.h"

void rd_time_ago(const char *iso, char *out, size_t cap)
{
    struct tm tm = {0};
    out[0] = '\0';
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
        return;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    double days = difftime(time(NULL), timegm(&tm)) / 86400.0;
    long n;
    const char *unit;
    if (days >= 365)
        n = (long)(days / 365.25), unit = "year";
    else if (days >= 30)
        n = (long)(days / 30.44), unit = "month";
    else if (days >= 1)
        n = (long)days, unit = "day";
    else {
        snprintf(out, cap, "today");
        return;
    }
    snprintf(out, cap, "%ld %s%s ago", n, unit, n == 1 ? "" : "s");
}

typedef struct stale_state {
    FILE *out;
    rd_report_format format;
    const char *file;
    size_t count[4], n;
} stale_state;

static const char *const kinds[] = {"gone", "renamed", "archived", "stale"};

/* Why the row is a finding, in words. */
static void why(const rd_stale_row *r, char *buf, size_t n)
{
    char ago[64], date[16] = "?";
    rd_time_ago(r->pushed_at, ago, sizeof ago);
    if (r->pushed_at)
        snprintf(date, sizeof date, "%.10s", r->pushed_at);
    if (!strcmp(r->kind, "gone"))
        snprintf(buf, n, "the repository is gone (its forge's API does not know %s)", r->repo);
    else if (!strcmp(r->kind, "renamed"))
        snprintf(buf, n, "renamed to %s: %s", r->repo, r->moved_to);
    else if (!strcmp(r->kind, "archived"))
        snprintf(buf, n, "archived (read-only); last push %s%s%s%s", date, ago[0] ? " (" : "", ago,
                 ago[0] ? ")" : "");
    else
        snprintf(buf, n, "no push since %s (%s)", date, ago);
}

static int stale_row(const rd_stale_row *r, void *ud)
{
    stale_state *s = ud;
    for (int k = 0; k < 4; k++)
        s->count[k] += !strcmp(r->kind, kinds[k]);
    char text[1200], where[64], title[64];
    why(r, text, sizeof text);
    switch (s->format) {
    case RD_REPORT_JSON: fprintf(s->out, "%s\n  %s", s->n ? "," : "", r->json); break;
    case RD_REPORT_GITHUB:
        snprintf(title, sizeof title, "%s repository", r->kind);
        rd_gh_annotation(s->out, !strcmp(r->kind, "gone") ? "error" : "warning", s->file, r->line,
                         r->col, title, r->entry, r->url, text);
        break;
    case RD_REPORT_MARKDOWN:
        if (!s->n)
            fputs("| Where | Entry | Link | Finding | Why |\n|---|---|---|---|---|\n", s->out);
        snprintf(where, sizeof where, "%d:%d", r->line, r->col);
        rd_md_cell(s->out, where);
        rd_md_cell(s->out, r->entry);
        rd_md_cell(s->out, r->url);
        rd_md_cell(s->out, r->kind);
        rd_md_cell(s->out, text);
        fputs("|\n", s->out);
        break;
    default:
        fprintf(s->out, "%s:%d:%d: %s: %s %s — %s\n", s->file, r->line, r->col, r->kind, r->entry,
                r->url, text);
    }
    s->n++;
    return 0;
}

int rd_stale_write(rd_db *db, const char *cutoff, const char *older, const char *file,
                   rd_report_format format, FILE *out, size_t *found, rd_error *err)
{
    stale_state s = {out, format, file, {0}, 0};
    if (format == RD_REPORT_JSON)
        fputc('[', out);
    int rc = rd_repos_stale(db, cutoff, file, stale_row, &s, err);
    *found = s.n;
    if (rc < 0)
        return rc;
    char summary[300];
    snprintf(summary, sizeof summary,
             "%zu finding%s: %zu gone, %zu renamed, %zu archived, %zu with no push for %s", s.n,
             s.n == 1 ? "" : "s", s.count[0], s.count[1], s.count[2], s.count[3], older);
    if (format == RD_REPORT_JSON)
        fputs(s.n ? "\n]\n" : "]\n", out);
    else if (format == RD_REPORT_MARKDOWN)
        fprintf(out, "%s%s.\n", s.n ? "\n" : "", summary);
    else if (format == RD_REPORT_TEXT)
        fprintf(out, "%s%s\n", s.n ? "\n" : "", summary);
    return RD_OK;
}
