/* render/report.c — check reports in six formats. */
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "render.h"

int rd_report_format_parse(const char *name)
{
    static const char *const names[] = {"text", "json", "junit", "github", "markdown", "sarif"};
    for (int i = 0; i < 6; i++)
        if (!strcmp(name, names[i]))
            return i;
    return -1;
}

static int is_flaky(const rd_report_row *r)
{
    return r->verdict && !strcmp(r->verdict, "flaky");
}

static int is_failing(const rd_report_row *r)
{
    return r->verdict && !strcmp(r->verdict, "fail");
}

/* What a row says of its link: "flaky" for a flaky one, its result, or for a cache hit the result
 * it reused ("redirect (cached)"). */
static const char *shown(const rd_report_row *r, char *buf, size_t n)
{
    if (is_flaky(r))
        return "flaky";
    if (!r->cached_result)
        return r->result;
    snprintf(buf, n, "%s (cached)", r->cached_result);
    return buf;
}

/* Worth a line in a report: anything but ok, excluded and unchanged (a
 * cache hit, when what it reused is), and a flaky link whatever its result. */
static int worth_reporting(const rd_report_row *r)
{
    if (is_flaky(r))
        return 1;
    int k = rd_result_parse(r->cached_result ? r->cached_result : r->result);
    return k != RD_RES_OK && k != RD_RES_CACHED && k != RD_RES_EXCLUDED && k != RD_RES_UNCHANGED;
}

/* The links a run ended before (cancelled) that a text, GitHub or Markdown
 * report lists one by one; the rest are counted in one line. A run of a
 * million links stopped by its --deadline would otherwise write a line per
 * link it never reached. */
enum { CANCELLED_LISTED = 10 };

/* True when the row (an entry whose link was cancelled) is one more than a
 * report lists, and counts it in *more. */
static int cancelled_unlisted(const rd_report_row *r, size_t *seen, size_t *more)
{
    if (r->cached_result || is_flaky(r) || strcmp(r->result, "cancelled"))
        return 0;
    if (++*seen <= CANCELLED_LISTED)
        return 0;
    ++*more;
    return 1;
}

/* "N more entries whose links were not checked ..." for a report's end, or
 * "". */
static const char *cancelled_more(size_t more, char *buf, size_t n)
{
    if (!more)
        return "";
    snprintf(buf, n,
             "%zu more %s not checked before the run ended (cancelled): raise --deadline, "
             "or split the run with --shard",
             more, rd_plural((long long)more, "entry whose link was", "entries whose links were"));
    return buf;
}

/* Calls fn for each finding of the row ("kind<TAB>detail" lines): kind and
 * detail copied into buffers of their own. */
static void each_finding(const rd_report_row *r,
                         void (*fn)(const rd_report_row *, const char *kind, const char *detail,
                                    void *),
                         void *ud)
{
    for (const char *l = r->findings; l && *l;) {
        size_t n = strcspn(l, "\n"), tab = strcspn(l, "\t");
        char kind[32], detail[700];
        if (tab < n) {
            snprintf(kind, sizeof kind, "%.*s", (int)tab, l);
            snprintf(detail, sizeof detail, "%.*s", (int)(n - tab - 1), l + tab + 1);
            fn(r, kind, detail, ud);
        }
        l += n + (l[n] != 0);
    }
}

/* "HTTP 404", "→ https://new/", or the error text. */
static void reason(const rd_report_row *r, char *buf, size_t n)
{
    const char *res = r->cached_result ? r->cached_result : r->result;
    if (!strcmp(res, "redirect") && r->final_url && r->cached_at)
        snprintf(buf, n, "moved permanently to %s (as checked %.10s)", r->final_url, r->cached_at);
    else if (!strcmp(res, "redirect") && r->final_url)
        snprintf(buf, n, "moved permanently to %s", r->final_url);
    else if (r->error)
        snprintf(buf, n, "%s", r->error);
    else if (r->status_code)
        snprintf(buf, n, "HTTP %d", r->status_code);
    else
        buf[0] = '\0';
}

/* The reason, and for a link that failed in the runs before too, since when:
 * "HTTP 404; failing since 2026-11-01 (3 runs)"; for a flaky one, why it
 * does not fail the run. */
static void detail(const rd_report_row *r, char *buf, size_t n)
{
    if (is_flaky(r) && !rd_result_name_fails(r->result, 1)) {
        snprintf(buf, n, "%s now; passed and failed in turn over its latest checks", r->result);
        return;
    }
    reason(r, buf, n);
    size_t used = strlen(buf);
    if (r->failing_runs > 1 && r->failing_since && used < n)
        snprintf(buf + used, n - used, "%sfailing since %.10s (%d runs)", used ? "; " : "",
                 r->failing_since, r->failing_runs);
    used = strlen(buf);
    if (r->archive_url && r->archive_at && used < n && rd_result_name_fails(r->result, 1))
        snprintf(buf + used, n - used, "%sarchived copy: %s (%.10s)", used ? "; " : "",
                 r->archive_url, r->archive_at);
    used = strlen(buf);
    if (!is_flaky(r) || used >= n)
        return;
    snprintf(buf + used, n - used, "%s%s in %d run%s in a row; fails the check after %d",
             used ? "; " : "", r->result, r->failing_runs, r->failing_runs == 1 ? "" : "s",
             r->fail_after);
}

/* ANSI colours of the text report on a terminal (sum->color): what fails
 * red, what warns yellow, ok green, a category bold. */
#define SGR_FAIL "\033[1;31m"
#define SGR_WARN "\033[33m"
#define SGR_OK "\033[32m"
#define SGR_BOLD "\033[1m"
#define SGR_OFF "\033[0m"

/* The colour of a result's name, or "" for none. */
static const char *result_color(int color, const char *result, int strict)
{
    if (!color)
        return "";
    int k = rd_result_parse(result);
    if (k == RD_RES_OK || k == RD_RES_CACHED)
        return SGR_OK;
    return rd_result_name_fails(result, strict) ? SGR_FAIL : SGR_WARN;
}

void rd_report_summary_line(const rd_report_summary *s, FILE *out)
{
    fprintf(out, "%zu %s:", s->total, rd_plural((long long)s->total, "link", "links"));
    int first = 1;
    for (int r = 0; r < RD_RES_COUNT; r++) {
        if (!s->count[r] && r != RD_RES_OK)
            continue;
        const char *name = rd_result_name((rd_result)r);
        const char *sgr = s->count[r] ? result_color(s->color, name, s->strict) : "";
        fprintf(out, "%s %s%zu %s%s", first ? "" : ",", sgr, s->count[r], name,
                *sgr ? SGR_OFF : "");
        first = 0;
    }
    char took[32];
    fprintf(out, " in %s", rd_duration_text(s->elapsed_ms, took, sizeof took));
    if (s->flaky)
        fprintf(out, "; %zu flaky (a warning, not failing the check)", s->flaky);
    if (s->host_pauses)
        fprintf(out, "; rate-limited hosts paused %zu time%s", s->host_pauses,
                s->host_pauses == 1 ? "" : "s");
    if (s->offline_web)
        fprintf(out, "; --offline: %zu web link%s not fetched", s->offline_web,
                s->offline_web == 1 ? "" : "s");
    fputc('\n', out);
    if (s->findings)
        fprintf(out, "%zu page%s with findings (%s)\n", s->findings, s->findings == 1 ? "" : "s",
                s->strict ? "errors: --strict" : "warnings; --strict fails them");
}

int rd_report_shards_note(const rd_report_summary *s, char *buf, size_t n)
{
    int missing = s->missing && *s->missing;
    if (!s->shards)
        snprintf(buf, n, "%s", "");
    else if (s->shard >= 0)
        snprintf(buf, n, "shard %d of %d: %zu of the catalog's %zu %s", s->shard, s->shards,
                 s->total, s->catalog, rd_plural((long long)s->catalog, "link", "links"));
    else
        snprintf(buf, n, "merged shards %s of %d (numbered from 0)%s%s%s",
                 s->merged && *s->merged ? s->merged : "none", s->shards,
                 missing ? "; missing: " : "", missing ? s->missing : "",
                 missing ? ", whose links were not checked" : "");
    return missing;
}

/* The shards line of the text, GitHub and Markdown reports. */
static void shards_line(rd_report_format format, const rd_report_summary *s, FILE *out)
{
    if (s->offline_web && format == RD_REPORT_GITHUB)
        fprintf(out, "::notice title=refdex --offline::%zu web link%s not fetched\n",
                s->offline_web, s->offline_web == 1 ? "" : "s");
    else if (s->offline_web && format == RD_REPORT_MARKDOWN)
        fprintf(out, "\n--offline: %zu web link%s not fetched.\n", s->offline_web,
                s->offline_web == 1 ? "" : "s");
    char note[12000];
    int missing = rd_report_shards_note(s, note, sizeof note);
    if (!note[0])
        return;
    if (format == RD_REPORT_GITHUB)
        fprintf(out, "::%s title=refdex shards::%s\n", missing ? "warning" : "notice", note);
    else if (format == RD_REPORT_MARKDOWN)
        fprintf(out, "\n%s%s.\n", missing ? "**Not complete:** " : "", note);
    else if (format == RD_REPORT_TEXT)
        fprintf(out, "%s\n", note);
}

/* ---- text ---- */

typedef struct text_state {
    FILE *out;
    const char *file;
    char category[512];
    int any;
    int color, strict;      /* sum->color, sum->strict (findings fail the run) */
    size_t cancelled, more; /* cancelled rows seen, and those not listed */
} text_state;

/* "  catalog.md:3:5: soft-404 (warning): name https://... — detail" */
static void text_finding(const rd_report_row *r, const char *kind, const char *why, void *ud)
{
    text_state *t = ud;
    fprintf(t->out, "  %s:%d:%d: %s (%s): %s %s — %s\n", t->file, r->line, r->col, kind,
            t->strict ? "error" : "warning", r->entry ? r->entry : "", r->url, why);
}

static int text_row(const rd_report_row *r, void *ud)
{
    text_state *t = ud;
    if ((!worth_reporting(r) && !r->findings) || cancelled_unlisted(r, &t->cancelled, &t->more))
        return 0;
    const char *cat = r->category ? r->category : "(no longer in the catalog)";
    if (!t->any || strcmp(t->category, cat)) {
        fprintf(t->out, "%s%s%s%s\n", t->any ? "\n" : "", t->color ? SGR_BOLD : "", cat,
                t->color ? SGR_OFF : "");
        snprintf(t->category, sizeof t->category, "%s", cat);
    }
    t->any = 1;
    char why[4096], res[64];
    detail(r, why, sizeof why);
    if (worth_reporting(r)) {
        const char *sgr =
            is_flaky(r) && t->color /* a warning, whatever its result */
                ? SGR_WARN
                : result_color(t->color, r->cached_result ? r->cached_result : r->result,
                               t->strict);
        fprintf(t->out, "  %s:%d:%d: %s%s%s: %s %s%s%s\n", t->file, r->line, r->col, sgr,
                shown(r, res, sizeof res), *sgr ? SGR_OFF : "", r->entry ? r->entry : "", r->url,
                why[0] ? " — " : "", why);
    }
    each_finding(r, text_finding, t);
    return 0;
}

/* ---- GitHub annotations ---- */

/* Workflow commands take %, CR and LF escaped in data, and also : and , in
 * properties. */
static void gh_escape(FILE *out, const char *s, int property)
{
    for (; s && *s; s++) {
        if (*s == '%')
            fputs("%25", out);
        else if (*s == '\r')
            fputs("%0D", out);
        else if (*s == '\n')
            fputs("%0A", out);
        else if (property && *s == ':')
            fputs("%3A", out);
        else if (property && *s == ',')
            fputs("%2C", out);
        else
            fputc(*s, out);
    }
}

void rd_gh_annotation(FILE *out, const char *level, const char *file, int line, int col,
                      const char *title, const char *entry, const char *url, const char *why)
{
    fprintf(out, "::%s file=", level);
    gh_escape(out, file, 1);
    fprintf(out, ",line=%d,col=%d,title=", line, col);
    gh_escape(out, title, 1);
    fputs("::", out);
    gh_escape(out, entry, 0);
    fputs(": ", out);
    gh_escape(out, url, 0);
    fputs(" — ", out);
    gh_escape(out, why, 0);
    fputc('\n', out);
}

typedef struct gh_state {
    FILE *out;
    const char *file;
    int strict; /* findings fail the run: errors, not warnings */
    size_t cancelled, more;
} gh_state;

static void github_finding(const rd_report_row *r, const char *kind, const char *why, void *ud)
{
    gh_state *g = ud;
    rd_gh_annotation(g->out, g->strict ? "error" : "warning", g->file, r->line, r->col, kind,
                     r->entry, r->url, why);
}

static int github_row(const rd_report_row *r, void *ud)
{
    gh_state *g = ud;
    if (r->line)
        each_finding(r, github_finding, g);
    if (!worth_reporting(r) || !r->line || cancelled_unlisted(r, &g->cancelled, &g->more))
        return 0;
    char why[4096], title[80], res[64];
    detail(r, why, sizeof why);
    snprintf(title, sizeof title, "%s link", shown(r, res, sizeof res));
    rd_gh_annotation(g->out, is_failing(r) ? "error" : "warning", g->file, r->line, r->col, title,
                     r->entry, r->url, why);
    return 0;
}

/* ---- Markdown ---- */

size_t rd_md_cell(FILE *out, const char *s)
{
    size_t n = 3;
    fputs("| ", out);
    for (; s && *s; s++, n++) {
        if (*s == '|' || *s == '\\' || *s == '`' || *s == '<' || *s == '>' || *s == '[' ||
            *s == ']' || *s == '*' || *s == '_') {
            fputc('\\', out);
            n++;
        }
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
    }
    fputc(' ', out);
    return n;
}

/* GitHub takes a step summary of at most 1 MiB (a larger one is dropped
 * whole): the table stops at 768 KiB, and says how many rows it left out. */
#define MD_TABLE_MAX (768u * 1024)

typedef struct md_state {
    FILE *out;
    const char *file;
    int rows;
    int strict;
    size_t bytes, unshown;  /* the table's, and rows left out past MD_TABLE_MAX */
    size_t cancelled, more; /* cancelled_unlisted */
} md_state;

static void markdown_line(md_state *m, const rd_report_row *r, const char *what, const char *why)
{
    if (m->bytes >= MD_TABLE_MAX) {
        m->unshown++;
        return;
    }
    if (!m->rows++)
        fputs("\n| where | entry | URL | result | detail |\n|---|---|---|---|---|\n", m->out);
    char where[600];
    snprintf(where, sizeof where, "%s:%d:%d", m->file, r->line, r->col);
    m->bytes += rd_md_cell(m->out, where) + rd_md_cell(m->out, r->entry) +
                rd_md_cell(m->out, r->url) + rd_md_cell(m->out, what) + rd_md_cell(m->out, why) + 2;
    fputs("|\n", m->out);
}

static void markdown_finding(const rd_report_row *r, const char *kind, const char *why, void *ud)
{
    md_state *m = ud;
    char what[64];
    snprintf(what, sizeof what, "%s (%s)", kind, m->strict ? "error" : "warning");
    markdown_line(m, r, what, why);
}

static int markdown_row(const rd_report_row *r, void *ud)
{
    md_state *m = ud;
    char why[4096], res[64];
    if (cancelled_unlisted(r, &m->cancelled, &m->more))
        return 0;
    detail(r, why, sizeof why);
    if (worth_reporting(r))
        markdown_line(m, r, shown(r, res, sizeof res), why);
    each_finding(r, markdown_finding, m);
    return 0;
}

static void markdown_head(const rd_report_summary *s, FILE *out)
{
    char took[32];
    fprintf(out, "### refdex: %zu %s checked in %s\n\n| result | links |\n|---|---:|\n", s->total,
            rd_plural((long long)s->total, "link", "links"),
            rd_duration_text(s->elapsed_ms, took, sizeof took));
    for (int r = 0; r < RD_RES_COUNT; r++)
        if (s->count[r])
            fprintf(out, "| %s | %zu |\n", rd_result_name((rd_result)r), s->count[r]);
    if (s->findings)
        fprintf(out, "| with findings | %zu |\n", s->findings);
    if (s->flaky)
        fprintf(out, "\n%zu flaky: a warning, not failing the check.\n", s->flaky);
}

/* ---- JUnit XML (libxml2's writer: escaping by construction) ---- */

typedef struct junit_state {
    xmlTextWriterPtr w;
    const char *file;
    int strict, failed;
} junit_state;

/* The link's findings, for every entry that links it (link_findings): a
 * failure of type "findings" (--strict) or its system-out, a line each with
 * the entry's place. */
static void junit_findings(junit_state *j, const rd_report_row *r, int fail)
{
    xmlTextWriterPtr w = j->w;
    xmlTextWriterStartElement(w, BAD_CAST(fail ? "failure" : "system-out"));
    if (fail) {
        xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST "findings");
        xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST "the page has findings");
    }
    int n = 0;
    for (const char *l = r->link_findings; l && *l;) { /* line<TAB>col<TAB>kind<TAB>detail */
        size_t len = strcspn(l, "\n"), f[3], k = 0;
        for (size_t i = 0; i < len && k < 3; i++)
            if (l[i] == '\t')
                f[k++] = i;
        if (k == 3)
            xmlTextWriterWriteFormatString(
                w, "%s%s:%.*s:%.*s: %.*s (%s): %.*s", n++ ? "\n" : "", j->file, (int)f[0], l,
                (int)(f[1] - f[0] - 1), l + f[0] + 1, (int)(f[2] - f[1] - 1), l + f[1] + 1,
                j->strict ? "error" : "warning", (int)(len - f[2] - 1), l + f[2] + 1);
        l += len + (l[len] != 0);
    }
    xmlTextWriterEndElement(w);
}

static int junit_row(const rd_report_row *r, void *ud)
{
    junit_state *j = ud;
    if (!r->first) /* one testcase per link, at its first entry */
        return 0;
    xmlTextWriterPtr w = j->w;
    char name[2600], where[600], why[4096], time[32];
    snprintf(name, sizeof name, "%s %s", r->entry ? r->entry : "", r->url);
    snprintf(where, sizeof where, "%s:%d:%d", j->file, r->line, r->col);
    snprintf(time, sizeof time, "%.3f", r->elapsed_ms / 1000.0);
    detail(r, why, sizeof why);
    int rc = xmlTextWriterStartElement(w, BAD_CAST "testcase");
    xmlTextWriterWriteAttribute(w, BAD_CAST "classname",
                                BAD_CAST(r->category ? r->category : "refdex"));
    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name);
    xmlTextWriterWriteAttribute(w, BAD_CAST "file", BAD_CAST j->file);
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "line", "%d", r->line);
    xmlTextWriterWriteAttribute(w, BAD_CAST "time", BAD_CAST time);
    if (is_failing(r) || (j->strict && r->link_findings)) {
        if (!is_failing(r)) { /* --strict: its findings fail it */
            junit_findings(j, r, 1);
        } else {
            xmlTextWriterStartElement(w, BAD_CAST "failure");
            char msg[4096]; /* the reason alone: CI tools group failures by it */
            reason(r, msg, sizeof msg);
            xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST r->result);
            xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST msg);
            xmlTextWriterWriteFormatString(w, "%s: %s %s", where, r->url, why);
            xmlTextWriterEndElement(w);
        }
    } else if (r->link_findings) {
        junit_findings(j, r, 0);
    } else if (!strcmp(r->result, "excluded") || !strcmp(r->result, "cancelled") ||
               !strcmp(r->result, "unchanged")) {
        xmlTextWriterStartElement(w, BAD_CAST "skipped");
        xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST r->result);
        xmlTextWriterEndElement(w);
    } else if (!strcmp(r->result, "blocked")) { /* a wall: nothing known of the link */
        xmlTextWriterStartElement(w, BAD_CAST "skipped");
        xmlTextWriterWriteFormatAttribute(w, BAD_CAST "message", "blocked: %s", why);
        xmlTextWriterEndElement(w);
    } else if (worth_reporting(r)) {
        char res[64];
        xmlTextWriterWriteFormatElement(w, BAD_CAST "system-out", "%s: %s: %s %s", where,
                                        shown(r, res, sizeof res), r->url, why);
    }
    if (xmlTextWriterEndElement(w) < 0 || rc < 0)
        j->failed = 1;
    return 0;
}

static int write_junit(rd_db *db, int64_t run_id, const char *file, const rd_report_summary *s,
                       FILE *out, rd_error *err)
{
    /* written as it is made (a million links make 200 MB of XML): the
     * buffer flushes to out and leaves it open */
    xmlOutputBufferPtr buf = xmlOutputBufferCreateFile(out, NULL);
    xmlTextWriterPtr w = buf ? xmlNewTextWriter(buf) : NULL;
    if (!w) {
        if (buf)
            xmlOutputBufferClose(buf);
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    }
    size_t failures = s->failing;
    if (s->strict) /* their results pass: their findings fail them */
        failures += s->findings;
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
    xmlTextWriterStartElement(w, BAD_CAST "testsuites");
    xmlTextWriterStartElement(w, BAD_CAST "testsuite");
    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST "refdex links");
    size_t missing = 0; /* shards missing from a merged run: a skipped case each */
    for (const char *m = s->missing; m && *m; m++)
        missing += m == s->missing || *m == ',';
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "tests", "%zu", s->total + missing);
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "failures", "%zu", failures);
    xmlTextWriterWriteAttribute(w, BAD_CAST "errors", BAD_CAST "0");
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "skipped", "%zu",
                                      s->count[RD_RES_EXCLUDED] + s->count[RD_RES_CANCELLED] +
                                          s->count[RD_RES_UNCHANGED] +
                                          (s->strict ? 0 : s->count[RD_RES_BLOCKED]) + missing);
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "time", "%.3f", s->elapsed_ms / 1000.0);
    junit_state j = {w, file, s->strict, 0};
    int rc = rd_db_report(db, run_id, s->strict, junit_row, &j, err);
    for (const char *m = s->missing; rc == RD_OK && m && *m;
         m += strcspn(m, ",") + (m[strcspn(m, ",")] != 0)) {
        /* a missing shard: its links were not checked */
        xmlTextWriterStartElement(w, BAD_CAST "testcase");
        xmlTextWriterWriteAttribute(w, BAD_CAST "classname", BAD_CAST "refdex");
        xmlTextWriterWriteFormatAttribute(w, BAD_CAST "name", "shard %d of %d", atoi(m), s->shards);
        xmlTextWriterStartElement(w, BAD_CAST "skipped");
        xmlTextWriterWriteAttribute(w, BAD_CAST "message",
                                    BAD_CAST "missing from the merge: its links were not checked");
        xmlTextWriterEndElement(w);
        xmlTextWriterEndElement(w);
    }
    if (xmlTextWriterEndDocument(w) < 0) /* closes the open elements */
        j.failed = 1;
    xmlFreeTextWriter(w); /* and its buffer, flushed */
    if (rc == RD_OK && j.failed)
        rc = rd_error_set(err, RD_EINTERNAL, "writing the JUnit report failed");
    return rc;
}

#define OFFLINE_NOTE                                                                               \
    "the network looked unavailable: no server could be reached, so no link was checked"

/* SARIF 2.1.0, built by SQLite (db/sarif.c); the shards line, when there is
 * one, is the run's notification. */
static int write_sarif(rd_db *db, int64_t run_id, const char *file, const rd_report_summary *s,
                       FILE *out, rd_error *err)
{
    char note[12000];
    rd_report_shards_note(s, note, sizeof note);
    size_t used = strlen(note);
    if (s->offline_web)
        snprintf(note + used, sizeof note - used, "%s--offline: %zu web link%s not fetched",
                 used ? "; " : "", s->offline_web, s->offline_web == 1 ? "" : "s");
    rd_sarif_opts o = {file, RD_VERSION, s->strict, s->offline, note};
    return rd_db_report_sarif(db, run_id, &o, out, err);
}

/* A run that found no network, in each format: said once, no link listed. */
static int write_offline(rd_report_format format, const rd_report_summary *s, FILE *out)
{
    switch (format) {
    case RD_REPORT_SARIF: break; /* write_sarif says it */
    case RD_REPORT_TEXT: rd_report_summary_line(s, out); break;
    case RD_REPORT_JSON: fputs("[]\n", out); break;
    case RD_REPORT_GITHUB: fputs("::warning title=refdex::" OFFLINE_NOTE "\n", out); break;
    case RD_REPORT_MARKDOWN:
        fprintf(out, "### refdex: %zu %s not checked\n\n%s.\n", s->total,
                rd_plural((long long)s->total, "link", "links"), OFFLINE_NOTE);
        break;
    case RD_REPORT_JUNIT:
        fprintf(out,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n <testsuite "
                "name=\"refdex links\" tests=\"1\" failures=\"0\" errors=\"0\" "
                "skipped=\"1\" time=\"%.3f\">\n  <testcase classname=\"refdex\" "
                "name=\"network\">\n   <skipped message=\"%s\"/>\n  </testcase>\n "
                "</testsuite>\n</testsuites>\n",
                s->elapsed_ms / 1000.0, OFFLINE_NOTE);
        break;
    }
    return RD_OK;
}

int rd_report_write(rd_db *db, int64_t run_id, const char *file, rd_report_format format,
                    const rd_report_summary *sum, FILE *out, rd_error *err)
{
    int rc = RD_OK;
    if (format == RD_REPORT_SARIF)
        return write_sarif(db, run_id, file, sum, out, err);
    if (sum->offline) {
        rc = write_offline(format, sum, out);
        shards_line(format, sum, out);
        return rc;
    }
    switch (format) {
    case RD_REPORT_TEXT: {
        text_state t = {out, file, "", 0, sum->color, sum->strict, 0, 0};
        char more[200];
        rc = rd_db_report(db, run_id, sum->strict, text_row, &t, err);
        if (t.any)
            fputc('\n', out);
        if (t.more)
            fprintf(out, "… and %s\n\n", cancelled_more(t.more, more, sizeof more));
        rd_report_summary_line(sum, out);
        shards_line(format, sum, out);
        break;
    }
    case RD_REPORT_JSON: rc = rd_db_report_json(db, run_id, sum->strict, file, out, err); break;
    case RD_REPORT_JUNIT: rc = write_junit(db, run_id, file, sum, out, err); break;
    case RD_REPORT_GITHUB: {
        gh_state g = {out, file, sum->strict, 0, 0};
        char more[200];
        rc = rd_db_report(db, run_id, sum->strict, github_row, &g, err);
        if (g.more)
            fprintf(out, "::warning title=refdex links not checked::%s\n",
                    cancelled_more(g.more, more, sizeof more));
        shards_line(format, sum, out);
        break;
    }
    case RD_REPORT_SARIF: break; /* above */
    case RD_REPORT_MARKDOWN: {
        md_state m = {.out = out, .file = file, .strict = sum->strict};
        char more[200];
        markdown_head(sum, out);
        shards_line(format, sum, out);
        rc = rd_db_report(db, run_id, sum->strict, markdown_row, &m, err);
        if (m.more)
            fprintf(out, "\n… and %s.\n", cancelled_more(m.more, more, sizeof more));
        if (m.unshown)
            fprintf(out,
                    "\n%zu more %s not shown: GitHub takes a step summary of 1 MiB at most. "
                    "The text or JSON report lists them all.\n",
                    m.unshown, rd_plural((long long)m.unshown, "row", "rows"));
        break;
    }
    }
    return rc;
}
