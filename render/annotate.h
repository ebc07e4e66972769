/* render/annotate.h — the pieces of a report line that every report of
 * render/ writes alike (internal to render/): a GitHub workflow annotation
 * and a Markdown table cell, each escaped for where it goes. */
#ifndef RD_RENDER_ANNOTATE_H
#define RD_RENDER_ANNOTATE_H

#include <stdio.h>

/* "::LEVEL file=FILE,line=L,col=C,title=TITLE::ENTRY: URL — WHY" and a
 * newline; properties and data escaped as workflow commands take them. */
void rd_gh_annotation(FILE *out, const char *level, const char *file, int line, int col,
                      const char *title, const char *entry, const char *url, const char *why);

/* "| S " with what Markdown would read (|, \, `, <, >, [, ], *, _) escaped
 * and line breaks as spaces; returns the bytes written. */
size_t rd_md_cell(FILE *out, const char *s);

#endif
