/*
 * base/ctx.h - one unit of work: an HTTP request, a CLI command or a job run.
 *
 * Passed first to every function that can fail or allocate. The arena and
 * everything in it die with the unit of work.
 */
#ifndef TS_CTX_H
#define TS_CTX_H

#include "base/arena.h"
#include "base/err.h"
#include "model/caller.h"

struct ts_user;
struct ts_db;

struct ts_ctx {
    struct ts_arena *arena;
    struct ts_err err;
    char id[24];                /* random id: sent in error bodies, printed in the log */
    enum ts_lang lang;          /* en or ja, for messages */
    struct ts_caller caller;    /* whom the work is for (auth/ sets it); NOBODY before */
    const struct ts_user *user; /* the name records carry: the person, or for a token
                                 * or a job Administrator (as kintone); NULL before */
    struct ts_db *db;           /* this thread's database connection */
    int64_t now;                /* request time, Unix seconds */
    bool schema_dirty;          /* app settings were deployed in this transaction */
    bool settings_checked;      /* app/: the settings counter was read ... */
    int64_t settings_gen;       /* ... and is this (-1: unknown, the cache is not used) */
    bool quiet;                 /* no notice per record: a file import tells once */
    void *user_names;           /* record/'s cache of user display names, in the arena */
    void *memberships;          /* auth/'s cache of the caller's departments and groups */
};

/* Set up cx with a new arena and a fresh request id. */
void ts_ctx_init(struct ts_ctx *cx, struct ts_db *db);
void ts_ctx_release(struct ts_ctx *cx);

#endif
