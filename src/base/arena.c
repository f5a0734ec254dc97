/*
 * base/arena.c - bump allocator in growing blocks, plus deferred cleanups.
 */
#include "base/common.h"
#include "base/arena.h"

#include <jansson.h>

#include <stdarg.h>

#define BLOCK_MIN (16 * 1024)

struct block {
    struct block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

struct cleanup {
    struct cleanup *next;
    void (*fn)(void *);
    void *p;
};

struct ts_arena {
    struct block *blocks;
    struct cleanup *cleanups;
};

struct ts_arena *ts_arena_new(void)
{
    return ts_xcalloc(1, sizeof(struct ts_arena));
}

void ts_arena_free(struct ts_arena *a)
{
    if (!a)
        return;
    /* Cleanups first, newest first: a statement must be finalised before the
     * memory holding its bound text goes away. */
    while (a->cleanups) {
        struct cleanup *c = a->cleanups;
        a->cleanups = c->next;
        c->fn(c->p);
        free(c);
    }
    while (a->blocks) {
        struct block *b = a->blocks;
        a->blocks = b->next;
        free(b);
    }
    free(a);
}

void *ts_arena_alloc(struct ts_arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (size == 0)
        size = 16;
#ifdef TS_SAN
    struct block *b = ts_xcalloc(1, sizeof(*b) + size);
    b->used = b->cap = size;
    b->next = a->blocks;
    a->blocks = b;
    return b->data;
#else
    struct block *b = a->blocks;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > BLOCK_MIN ? size : BLOCK_MIN;
        if (b && b->cap * 2 > cap && b->cap < 1024 * 1024)
            cap = b->cap * 2;
        b = ts_xmalloc(sizeof(*b) + cap);
        b->used = 0;
        b->cap = cap;
        b->next = a->blocks;
        a->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
#endif
}

void *ts_arena_alloc_array(struct ts_arena *a, size_t size, size_t n)
{
    if (n && size > SIZE_MAX / n)
        TS_BUG("arena array overflow: %zu x %zu", n, size);
    return ts_arena_alloc(a, size * n);
}

char *ts_arena_strndup(struct ts_arena *a, const char *s, size_t len)
{
    char *p = ts_arena_alloc(a, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *ts_arena_strdup(struct ts_arena *a, const char *s)
{
    return ts_arena_strndup(a, s, strlen(s));
}

char *ts_arena_printf(struct ts_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        TS_BUG("bad format");
    char *p = ts_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

static void decref(void *json)
{
    json_decref(json);
}

void ts_arena_defer_decref(struct ts_arena *a, void *json)
{
    ts_arena_defer(a, decref, json);
}

void ts_arena_defer(struct ts_arena *a, void (*fn)(void *), void *p)
{
    struct cleanup *c = ts_xmalloc(sizeof(*c));
    c->fn = fn;
    c->p = p;
    c->next = a->cleanups;
    a->cleanups = c;
}

void *ts_arena_grow(struct ts_arena *a, void *p, int n, int *cap, size_t size)
{
    if (n < *cap)
        return p;
    *cap = *cap ? *cap * 2 : 16;
    void *more = ts_arena_alloc_array(a, size, (size_t)*cap);
    if (n)
        memcpy(more, p, size * (size_t)n);
    return more;
}
