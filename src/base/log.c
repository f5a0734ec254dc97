/*
 * base/log.c - logfmt lines to stderr.
 */
#include "base/common.h"
#include "base/log.h"
#include "base/ctx.h"

#include <stdarg.h>
#include <sys/time.h>
#include <time.h>

static char debug_modules[256];

void ts_log_init(void)
{
    const char *d = getenv("TS_DEBUG");
    if (d)
        snprintf(debug_modules, sizeof(debug_modules), ",%s,", d);
}

bool ts_log_enabled(enum ts_log_level lvl, const char *module)
{
    if (lvl != TS_LOG_DEBUG_L)
        return true;
    if (!debug_modules[0])
        return false;
    if (strstr(debug_modules, ",all,"))
        return true;
    char pat[64];
    snprintf(pat, sizeof(pat), ",%s,", module);
    return strstr(debug_modules, pat) != NULL;
}

void ts_log(enum ts_log_level lvl, const struct ts_ctx *cx, const char *module, const char *fmt,
            ...)
{
    static const char *names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s %s%s%s msg=\"%s\"\n", tm.tm_year + 1900,
            tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000),
            names[lvl], module, cx ? " req=" : "", cx ? cx->id : "", msg);
}
