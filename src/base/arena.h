/*
 * base/arena.h - memory that dies with the unit of work (a request, a CLI command).
 *
 * Nothing allocated here is freed on its own: ts_arena_free() releases it all and
 * then runs the deferred cleanups in reverse order. Allocation never returns NULL;
 * on OOM the process aborts. Inputs are bounded at the edge so a request cannot
 * make an arena grow without limit. With -DTS_SAN every allocation is a separate
 * malloc so that ASan sees overflows.
 */
#ifndef TS_ARENA_H
#define TS_ARENA_H

struct ts_arena;

struct ts_arena *ts_arena_new(void);
void ts_arena_free(struct ts_arena *a);

void *ts_arena_alloc(struct ts_arena *a, size_t size);                 /* zeroed, 16-byte aligned */
void *ts_arena_alloc_array(struct ts_arena *a, size_t size, size_t n); /* overflow-checked */
/* p (n elements of size bytes, room for *cap) with room for one more: p, or a
 * copy twice as large (*cap updated). */
void *ts_arena_grow(struct ts_arena *a, void *p, int n, int *cap, size_t size);
char *ts_arena_strndup(struct ts_arena *a, const char *s, size_t len);
char *ts_arena_strdup(struct ts_arena *a, const char *s);
char *ts_arena_printf(struct ts_arena *a, const char *fmt, ...) TS_PRINTF(2, 3);

/* Run fn(p) when the arena is freed: finalise a statement, decref a json_t. */
void ts_arena_defer(struct ts_arena *a, void (*fn)(void *), void *p);
/* Give up a reference to a JSON value (jansson's json_t; NULL is fine) when
 * the arena is freed. */
void ts_arena_defer_decref(struct ts_arena *a, void *json);

#define TS_NEW(a, type)      ((type *)ts_arena_alloc((a), sizeof(type)))
#define TS_NEW_N(a, type, n) ((type *)ts_arena_alloc_array((a), sizeof(type), (n)))

#endif
