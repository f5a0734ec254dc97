/*
 * base/buf.c - growable byte buffer.
 */
#include "base/common.h"
#include "base/buf.h"

#include <stdarg.h>

void ts_buf_init(struct ts_buf *b)
{
    b->p = NULL;
    b->len = b->cap = 0;
}

void ts_buf_release(struct ts_buf *b)
{
    free(b->p);
    ts_buf_init(b);
}

char *ts_buf_detach(struct ts_buf *b, size_t *len)
{
    ts_buf_grow(b, 0);
    char *p = b->p;
    if (len)
        *len = b->len;
    ts_buf_init(b);
    return p;
}

void ts_buf_reset(struct ts_buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

void ts_buf_grow(struct ts_buf *b, size_t extra)
{
    if (b->p && b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->p = ts_xrealloc(b->p, cap);
    b->cap = cap;
    b->p[b->len] = '\0';
}

void ts_buf_add_slow(struct ts_buf *b, const void *p, size_t n)
{
    ts_buf_grow(b, n);
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void ts_buf_printf(struct ts_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        TS_BUG("bad format");
    if ((size_t)n < sizeof(small)) {
        ts_buf_add(b, small, (size_t)n);
        return;
    }
    ts_buf_grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

int ts_buf_read_file(struct ts_buf *b, const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[4096];
    size_t n, start = b->len;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b->len - start <= max)
        ts_buf_add(b, chunk, n);
    bool ok = !ferror(f) && b->len - start <= max;
    fclose(f);
    return ok ? 0 : -1;
}
