/*
 * store/sqlite/sqlite_int.h - what the SQLite driver's files share.
 */
#ifndef TS_SQLITE_INT_H
#define TS_SQLITE_INT_H

#include "store/sql.h"

#include <sqlite3.h>

#define STMT_CACHE    512
#define STMT_PROBES   8 /* slots a statement's text may take in the cache */
#define FTS_DIRTY_MAX 16

struct sq_stmt {
    struct ts_stmt base;
    sqlite3_stmt *st;
    char *sql; /* its key in the cache */
};

struct sq_db {
    struct ts_db base;
    sqlite3 *h;
    struct {
        int64_t app_id;
        char *sql;              /* applies the app's FTS queue */
    } fts_dirty[FTS_DIRTY_MAX]; /* apps whose FTS queue this transaction filled */
    int n_fts_dirty;
    char *path;
    bool group_commit;   /* server mode: see ts_db_server_mode() */
    bool checkpoints;    /* runs the server's checkpoints (db.c) */
    int copied;          /* WAL pages its last checkpoint copied */
    uint64_t commit_seq; /* group commit number of the last write committed */
    uint64_t member_of;  /* the batch the last write joined (durable.c) */
    bool in_savepoint;   /* the writer's request runs in a savepoint of the batch */
    struct sq_stmt cache[STMT_CACHE];
};

static inline struct sq_db *SQ(struct ts_db *db)
{
    return (struct sq_db *)db;
}

/* db.c: note a failed sqlite3 result rc on the connection; returns -1. */
int sq_error(struct sq_db *db, int rc);

/* search.c: the FTS5 trigram index and the ordered value indexes */
int sq_search_drop(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to);
int sq_search_create(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to);
int sq_search_touch(struct ts_ctx *cx, const struct ts_app *app);
int sq_search_sync(struct ts_ctx *cx, int64_t app_id);
const char *sq_search_cond(struct ts_buf *sql, int64_t app, const char *col, bool neg,
                           int64_t limit, bool asc);
void sq_search_discard(struct sq_db *db);
int sq_index_pending(struct ts_db *db);
int sq_ordered_create(struct ts_ctx *cx, const struct ts_app *app, const struct ts_index_spec *s,
                      const char *name);
int sq_ordered_drop(struct ts_ctx *cx, const char *name);
int sq_has(struct ts_ctx *cx, bool index, const char *name);
const char **sq_names(struct ts_ctx *cx, bool index, const char *prefix, int *n);
const char **sq_indexes_on(struct ts_ctx *cx, int64_t app_id, const char *col, int *n);
const char **sq_columns(struct ts_ctx *cx, const char *table, int *n);
int sq_analyze(struct ts_ctx *cx, int64_t app_id);
const struct ts_id_mark *sq_id_marks(struct ts_ctx *cx, int *n);
int sq_after_copy(struct ts_ctx *cx, const struct ts_id_mark *marks, int n);
void sq_optimize(struct ts_db *db);

/* durable.c: group commit and the one writer */
uint64_t sq_committed(void); /* note one more write commit; returns its number */
int sq_wait_durable(struct ts_ctx *cx);
/* On the shared writer, a transaction is a savepoint in the open batch. */
bool sq_is_writer(const struct sq_db *db);
int sq_batch_begin(struct sq_db *w);
int sq_batch_commit(struct sq_db *w);
void sq_batch_rollback(struct sq_db *w);
struct ts_db *sq_writer_acquire(struct ts_ctx *cx);
void sq_writer_release(struct ts_ctx *cx, struct ts_db *own);
/* Hold off the server's shared writer (false when there is none). */
bool sq_writers_pause(void);
void sq_writers_resume(void);

#define WAL_LIMIT_PAGES 16384 /* 64 MB of 4 KB pages */

#endif
