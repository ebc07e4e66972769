/* cli/render.c — `render`, and writing the site for `update`: where it goes
 * (site/ beside the catalog unless --out says) and saying where it went. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int rd_render_to(rd_config *cfg, FILE *msgs)
{
    if (!cfg->out_dir && !(cfg->out_dir = cfg->out_owned = rd_cli_beside(cfg->file, "site"))) {
        fputs("refdex: out of memory\n", stderr);
        return RD_EXIT_INTERNAL;
    }
    rd_error err = {0};
    rd_db *db = NULL;
    double t0 = rd_cli_now_ms();
    int rc = rd_db_open(cfg->db_path, RD_DB_READONLY, &db, &err);
    if (rc == RD_OK)
        rc = rd_render_site_with(db, cfg->out_dir, &cfg->render, &err);
    rd_db_close(db);
    if (rc < 0) {
        rd_cli_error(&err);
        return rd_exit_for(rc);
    }
    if (cfg->verbosity >= 0 && msgs)
        fprintf(msgs, "%s: wrote %s/index.html, %s/index.json and %s/c/ in %.0f ms\n", cfg->file,
                cfg->out_dir, cfg->out_dir, cfg->out_dir, rd_cli_now_ms() - t0);
    return RD_EXIT_OK;
}

int rd_cmd_render(rd_config *cfg)
{
    int rc = rd_cli_ingest(cfg, cfg->verbosity > 0 ? stderr : NULL);
    if (rc == RD_EXIT_OK)
        rc = rd_render_to(cfg, stdout);
    return rc;
}
