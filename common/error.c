/* common/error.c — filling an rd_error. */
#include <stdio.h>

#include "rd.h"

int rd_error_set(rd_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}
