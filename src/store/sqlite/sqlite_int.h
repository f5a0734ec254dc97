/*
 * store/sqlite/sqlite_int.h - what the SQLite backend's files share.
 */
#ifndef TS_SQLITE_INT_H
#define TS_SQLITE_INT_H

#include "store/store.h"

#include <sqlite3.h>

#define STMT_CACHE 512

struct stmt_slot {
    char *sql;
    sqlite3_stmt *st;
};

#define FTS_DIRTY_MAX 16
#define TOUCHED_MAX   16

struct ts_db {
    sqlite3 *h;
    struct {
        int64_t app_id;
        char *sql;              /* applies the app's FTS queue */
    } fts_dirty[FTS_DIRTY_MAX]; /* apps whose FTS queue this transaction filled */
    int n_fts_dirty;
    int64_t touched[TOUCHED_MAX]; /* apps whose data generation this transaction advanced */
    int n_touched;
    char *path;
    bool group_commit;   /* server mode: see ts_db_server_mode() */
    bool write_tx;       /* the open transaction takes the write lock */
    uint64_t commit_seq; /* group commit number of the last write committed */
    int depth;           /* nested ts_db_begin calls */
    bool failed;         /* an inner level rolled back: the outer must too */
    struct stmt_slot cache[STMT_CACHE];
};

/* A prepared statement for sql from this connection's cache, reset and cleared.
 * Returns NULL with cx->err set on failure. The caller calls db_done() after use. */
sqlite3_stmt *db_prep(struct ts_ctx *cx, const char *sql);
void db_done(sqlite3_stmt *st);
/* Translate a failed sqlite3 result into cx->err (GAIA_DA02 when busy). Returns -1. */
int db_fail(struct ts_ctx *cx, int rc, const char *what);
/* Run one statement with no result rows. */
int db_exec(struct ts_ctx *cx, const char *sql);

void db_bind_text(sqlite3_stmt *st, int i, const char *s); /* NULL binds NULL */
/* Bind strings as one JSON array, for `x IN (SELECT value FROM json_each(?))`. */
void db_bind_list(sqlite3_stmt *st, int i, const char *const *v, int n);
const char *db_col_text(struct ts_ctx *cx, sqlite3_stmt *st, int i); /* arena copy or NULL */
/* Step a statement that returns nothing (or a row to ignore), then reset it. */
int db_step_done(struct ts_ctx *cx, sqlite3_stmt *st, const char *what);

/* Bind a NUMBER value: integer when it is one, double when that is exact, text otherwise. */
void db_bind_number(sqlite3_stmt *st, int i, const char *s);
/* Read a NUMBER column back as kintone decimal text (arena), NULL when NULL. */
const char *db_col_number(struct ts_ctx *cx, sqlite3_stmt *st, int i);

/* Is there a table/index/trigger of that name? false with cx->err set on failure. */
bool ts_store__schema_has(struct ts_ctx *cx, const char *type, const char *name);

/* indexes.c */
bool ts_store__has_fts(const struct ts_app *app);
int ts_store__fts_drop(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to);
int ts_store__fts_create(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to);
/* A record of app was written: its FTS queue must be applied before commit. */
int ts_store__fts_touch(struct ts_ctx *cx, const struct ts_app *app);
/* Apply app_id's queue now, so this transaction can search what it wrote. */
int ts_store__fts_sync(struct ts_ctx *cx, int64_t app_id);
void ts_store__fts_discard(struct ts_db *db);
int ts_store__fts_index_pending(struct ts_ctx *cx);
/* Before a field's column goes: drop the view indexes and ordered value
 * indexes (and their triggers) that name it; the deploy makes what views
 * still want afterwards. */
int ts_store__view_indexes_drop_field(struct ts_ctx *cx, int64_t app_id, const struct ts_field *f);

/* records.c: records of app are about to change in this transaction. Advances
 * the app's data generation (once a transaction) and queues its search index. */
int ts_store__touch(struct ts_ctx *cx, const struct ts_app *app);
/* The generation as a statement of this transaction sees it; -1 on failure. */
int64_t ts_store__data_gen(struct ts_ctx *cx, int64_t app_id);
int ts_store__data_gen_bump(struct ts_ctx *cx, int64_t app_id);

/* counts.c: totals remembered for a (query, data generation) key */
bool ts_store__count_cached(const char *key, size_t len, int64_t *count);
void ts_store__count_remember(const char *key, size_t len, int64_t count);

/* durable.c */
uint64_t ts_store__committed(void); /* note one more write commit; returns its number */
/* Hold off the server's shared writer (false when there is none). */
bool ts_store__writers_pause(void);
void ts_store__writers_resume(void);

#define WAL_LIMIT_PAGES 16384 /* 64 MB of 4 KB pages */

#define MULTI_SEP '\x1f' /* joins multi-valued fields in the main column */

#endif
