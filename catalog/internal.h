/* catalog/internal.h — shared by the files of catalog/, not part of its interface. */
#ifndef RD_CATALOG_INTERNAL_H
#define RD_CATALOG_INTERNAL_H

#include "catalog.h"

/* Refuses text that is not UTF-8 or holds NUL bytes, naming file, line and
 * column; on success stores a malloc'd array (the caller frees it) of where
 * each line starts, 1-based, with a sentinel at [nlines + 1] == len. A line
 * ends at "\n", "\r\n" or a lone "\r", as cmark counts lines. */
int rd_text_lines(const char *file, const char *text, size_t len, size_t **line_start,
                  size_t *nlines, rd_error *err);

#endif
