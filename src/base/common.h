/*
 * base/common.h - the first include of every .c file.
 *
 * Feature macros, the standard headers every file uses, attribute macros, and
 * banned.h last so that unsafe libc calls fail to compile.
 */
#ifndef TS_COMMON_H
#define TS_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define TS_NORETURN     __attribute__((noreturn))
#define TS_UNUSED       __attribute__((unused))
#define TS_ARRAY_LEN(x) (sizeof(x) / sizeof((x)[0]))

/* A bug in Tsumiki, not bad input: abort with the place (git's BUG()). */
#define TS_BUG(...) ts_bug(__FILE__, __LINE__, __VA_ARGS__)
TS_NORETURN void ts_bug(const char *file, int line, const char *fmt, ...) TS_PRINTF(3, 4);

/* Allocation that never fails: on OOM the process logs and aborts (STYLE 3.5). */
void *ts_xmalloc(size_t n);
void *ts_xcalloc(size_t n, size_t size);
void *ts_xrealloc(void *p, size_t n);
char *ts_xstrdup(const char *s);
char *ts_xstrndup(const char *s, size_t n);

#include "base/banned.h"

#endif
