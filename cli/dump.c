/* cli/dump.c — `parse`: how refdex reads a catalog, as a tree a person (and a
 * data-file test) can read (catalog/dump.c writes it), and `links`. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int dump_section(void *ud, const rd_catalog *cat)
{
    return rd_dumper_section(ud, cat); /* the message is rd_cmd_parse's */
}

static int nothing(void *ud, const rd_catalog *cat)
{
    (void)ud, (void)cat;
    return 0;
}

int rd_cmd_parse(rd_config *cfg)
{
    char *text = NULL;
    size_t len;
    rd_error err = {0};
    rd_dumper *d = NULL;
    rd_catalog *rest = NULL;
    double t0 = rd_cli_now_ms();
    int rc = rd_read_file(cfg->file, cfg->max_input, &text, &len, &err);
    if (rc == RD_OK && rd_dumper_new(stdout, &d) < 0)
        rc = rd_error_set(&err, RD_ENOMEM, "out of memory");
    /* read once to find bad input (then nothing is printed), and again to
     * print it a section at a time */
    if (rc == RD_OK)
        rc = rd_catalog_stream(cfg->file, text, len, cfg->max_input, nothing, NULL, &rest, &err);
    rd_catalog_free(rest);
    rest = NULL;
    if (rc == RD_OK && cfg->verbosity > 0)
        fprintf(stderr, "refdex: read %s (%zu bytes) in %.1f ms\n", cfg->file, len,
                rd_cli_now_ms() - t0);
    if (rc == RD_OK)
        rc = rd_catalog_stream(cfg->file, text, len, cfg->max_input, dump_section, d, &rest, &err);
    if (rc == RD_OK)
        rc = rd_dumper_end(d, rest);
    if (rc == RD_ENOMEM || rc == RD_EINTERNAL)
        rd_error_set(&err, rc, "%s: %s", cfg->file,
                     rc == RD_ENOMEM ? "out of memory" : "a section added to a category printed");
    rd_dumper_free(d);
    rd_catalog_free(rest);
    free(text);
    if (rc < 0) {
        rd_cli_error(&err);
        return rd_exit_for(rc);
    }
    return RD_EXIT_OK;
}

/* ---- links ---- */

typedef struct links_state {
    rd_links *l;
    rd_error *err;
} links_state;

static int links_section(void *ud, const rd_catalog *cat)
{
    links_state *s = ud;
    return rd_links_add(s->l, cat, s->err);
}

int rd_cmd_links(rd_config *cfg)
{
    const char *fmt = cfg->format ? cfg->format : "text";
    if (strcmp(fmt, "text") && strcmp(fmt, "json")) {
        fprintf(stderr, "refdex: links --format is text or json, not '%s'\n", fmt);
        return RD_EXIT_USAGE;
    }
    char *text = NULL;
    size_t len;
    rd_error err = {0};
    int rc = rd_read_file(cfg->file, cfg->max_input, &text, &len, &err);
    links_state s = {NULL, &err};
    if (rc == RD_OK)
        rc = rd_links_begin(&s.l, stdout, cfg->file, !strcmp(fmt, "json"), &err);
    rd_catalog *rest = NULL;
    if (rc == RD_OK)
        rc =
            rd_catalog_stream(cfg->file, text, len, cfg->max_input, links_section, &s, &rest, &err);
    size_t n = rd_links_end(s.l);
    rd_catalog_free(rest);
    free(text);
    if (rc < 0) {
        rd_cli_error(&err);
        return rd_exit_for(rc);
    }
    if (cfg->verbosity >= 0)
        fprintf(stderr, "%s: %zu link%s\n", cfg->file, n, n == 1 ? "" : "s");
    return RD_EXIT_OK;
}
