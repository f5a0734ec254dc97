/*
 * store/sql.c - what both backends share: choosing one at open, transactions
 * counted across nesting, the statement helpers and NUMBER values.
 */
#include "base/common.h"
#include "store/sql.h"
#include "base/log.h"
#include "base/str.h"

#include <math.h>
#include <stdarg.h>

struct ts_db *ts_db_open(const char *target, char *errbuf, size_t errlen)
{
    if (!strncmp(target, "postgresql://", 13) || !strncmp(target, "postgres://", 11))
        return ts_pg_open(target, errbuf, errlen);
    return ts_sqlite_open(target, errbuf, errlen);
}

void ts_db_close(struct ts_db *db)
{
    if (db)
        db->drv->close(db);
}

void ts_db_server_mode(struct ts_db *db)
{
    if (db->drv->server_mode)
        db->drv->server_mode(db);
}

int ts_db_checkpoint(struct ts_db *db)
{
    return db->drv->checkpoint ? db->drv->checkpoint(db) : 0;
}

int ts_db_index_pending(struct ts_db *db)
{
    return db->drv->index_pending ? db->drv->index_pending(db) : 0;
}

void ts_db_optimize(struct ts_db *db)
{
    if (db->drv->optimize)
        db->drv->optimize(db);
}

void ts_db_bulk_mode(struct ts_db *db, int cache_mb)
{
    if (db->drv->bulk_mode)
        db->drv->bulk_mode(db, cache_mb);
}

struct ts_db *ts_db_writer_acquire(struct ts_ctx *cx)
{
    return cx->db->drv->writer_acquire ? cx->db->drv->writer_acquire(cx) : NULL;
}

void ts_db_writer_release(struct ts_ctx *cx, struct ts_db *own)
{
    if (cx->db->drv->writer_release)
        cx->db->drv->writer_release(cx, own);
}

int ts_db_wait_durable(struct ts_ctx *cx)
{
    return cx->db->drv->wait_durable ? cx->db->drv->wait_durable(cx) : 0;
}

/* ---------------------------------------------------------------- transactions */

int ts_db_begin(struct ts_ctx *cx, bool write)
{
    struct ts_db *db = cx->db;
    if (db->depth++ > 0)
        return 0;
    db->failed = false;
    db->write_tx = write;
    db->n_touched = 0;
    if (db->drv->begin(cx, write) < 0) {
        db->depth = 0;
        return db_fail(cx, "begin");
    }
    return 0;
}

int ts_db_commit(struct ts_ctx *cx)
{
    struct ts_db *db = cx->db;
    assert(db->depth > 0);
    if (--db->depth > 0)
        return 0;
    if (db->failed) {
        db->drv->rollback(cx);
        return ts_fail(cx, TS_E_INTERNAL, "commit after an inner rollback");
    }
    if (db->drv->commit(cx) < 0) {
        db_fail(cx, "commit");
        db->drv->rollback(cx);
        return -1;
    }
    return 0;
}

void ts_db_rollback(struct ts_ctx *cx)
{
    struct ts_db *db = cx->db;
    assert(db->depth > 0);
    if (--db->depth > 0) {
        db->failed = true;
        return;
    }
    db->drv->rollback(cx);
}

int ts_db_in_write_tx(struct ts_ctx *cx, int (*fn)(struct ts_ctx *cx, void *arg), void *arg)
{
    struct ts_db *own = ts_db_writer_acquire(cx);
    int rc = ts_db_begin(cx, true);
    if (rc == 0 && fn(cx, arg) < 0) {
        ts_db_rollback(cx);
        rc = -1;
    } else if (rc == 0) {
        rc = ts_db_commit(cx);
    }
    ts_db_writer_release(cx, own);
    return rc;
}

int ts_db_savepoint(struct ts_ctx *cx, const char *name)
{
    return db_execf(cx, "SAVEPOINT %s", name);
}

int ts_db_release(struct ts_ctx *cx, const char *name)
{
    return db_execf(cx, "RELEASE %s", name);
}

void ts_db_rollback_to(struct ts_ctx *cx, const char *name)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT %s; RELEASE %s", name, name);
    struct ts_err keep = cx->err;
    db_exec(cx, sql);
    cx->err = keep;
    cx->db->n_touched = 0; /* the generations advanced since are undone too */
}

/* ---------------------------------------------------------------- counters */

int64_t ts_store_counter_get(struct ts_ctx *cx, const char *name)
{
    struct ts_stmt *st = db_prep(cx, "SELECT value FROM counters WHERE name=?");
    if (!st)
        return -1;
    db_bind_text(st, 1, name);
    return db_step_int(cx, st, "counter");
}

int64_t ts_store_counter_next(struct ts_ctx *cx, const char *name)
{
    struct ts_stmt *st =
        db_prep(cx, "INSERT INTO counters(name,value) VALUES(?,1)"
                    " ON CONFLICT(name) DO UPDATE SET value=counters.value+1 RETURNING value");
    if (!st)
        return -1;
    db_bind_text(st, 1, name);
    int64_t v = db_step_int(cx, st, "counter");
    return v > 0 ? v : -1;
}

/* ---------------------------------------------------------------- statements */

int db_fail(struct ts_ctx *cx, const char *what)
{
    struct ts_db *db = cx->db;
    const char *msg = db && db->err_msg[0] ? db->err_msg : "?";
    switch (db ? db->err_kind : DB_E_OTHER) {
    case DB_E_FULL:
        TS_LOG_ERROR(cx, "store", "%s: the disk is full: %s", what, msg);
        return ts_fail(cx, TS_E_STORAGE_FULL, "%s: %s", what, msg);
    case DB_E_BUSY:
        TS_LOG_WARN(cx, "store", "%s: busy: %s", what, msg);
        return ts_fail(cx, TS_E_DB_LOCKED, "%s: %s", what, msg);
    default:
        TS_LOG_ERROR(cx, "store", "%s: %s", what, msg);
        return ts_fail(cx, TS_E_INTERNAL, "%s: %s", what, msg);
    }
}

int db_exec(struct ts_ctx *cx, const char *sql)
{
    if (cx->db->drv->exec(cx, sql) == 0)
        return 0;
    TS_LOG_ERROR(cx, "store", "exec failed: %.200s", sql);
    return db_fail(cx, "exec");
}

int db_execf(struct ts_ctx *cx, const char *fmt, ...)
{
    char sql[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    return db_exec(cx, sql);
}

int db_step_done(struct ts_ctx *cx, struct ts_stmt *st, const char *what)
{
    int rc = db_step(st);
    db_done(st);
    return rc < 0 ? db_fail(cx, what) : 0;
}

int64_t db_step_int(struct ts_ctx *cx, struct ts_stmt *st, const char *what)
{
    int rc = db_step(st);
    int64_t v = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return rc < 0 ? db_fail(cx, what) : v;
}

const char **db_text_rows(struct ts_ctx *cx, struct ts_stmt *st, int *n_out, const char *what)
{
    const char **rows = NULL;
    int n = 0, cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        rows = ts_arena_grow(cx->arena, rows, n, &cap, sizeof(*rows));
        rows[n++] = db_col_text(cx, st, 0);
    }
    db_done(st);
    if (rc < 0) {
        db_fail(cx, what);
        return NULL;
    }
    *n_out = n;
    return rows ? rows : TS_NEW_N(cx->arena, const char *, 1);
}

const struct ts_id_mark *db_id_mark_rows(struct ts_ctx *cx, struct ts_stmt *st, int *n_out)
{
    struct ts_id_mark *rows = NULL;
    int n = 0, cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        rows = ts_arena_grow(cx->arena, rows, n, &cap, sizeof(*rows));
        rows[n++] = (struct ts_id_mark){db_col_text(cx, st, 0), db_col_int(st, 1)};
    }
    db_done(st);
    if (rc < 0) {
        db_fail(cx, "id marks");
        return NULL;
    }
    *n_out = n;
    return rows ? rows : TS_NEW_N(cx->arena, struct ts_id_mark, 1);
}

const char *db_col_text(struct ts_ctx *cx, struct ts_stmt *st, int i)
{
    size_t len;
    const char *t = st->db->drv->col_text(st, i, &len);
    return t ? ts_arena_strndup(cx->arena, t, len) : NULL;
}

void db_bind_list(struct ts_ctx *cx, struct ts_stmt *st, int i, const char *const *v, int n)
{
    json_t *arr = json_array();
    for (int k = 0; k < n; k++)
        json_array_append_new(arr, json_string(v[k]));
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    db_bind_text(st, i, ts_arena_strdup(cx->arena, text));
    free(text);
}

/*
 * NUMBER values are kept numeric so that comparisons and indexes work. SQLite
 * has no exact decimal type: a value that a double cannot hold exactly stays
 * text there, so no digit is lost. PostgreSQL stores NUMERIC: the text as it is.
 */
void db_bind_number(struct ts_stmt *st, int i, const char *s)
{
    int64_t iv;
    if (!s) {
        db_bind_null(st, i);
        return;
    }
    if (st->db->drv->exact_numbers) {
        db_bind_text(st, i, s);
        return;
    }
    if (strlen(s) < 19 && ts_parse_i64(s, &iv) == 0) {
        db_bind_int(st, i, iv);
        return;
    }
    char *end;
    double d = strtod(s, &end);
    char back[64], norm[64];
    /* the shortest form that round-trips */
    for (int prec = 1; prec <= 17 && *end == '\0' && isfinite(d); prec++) {
        snprintf(back, sizeof(back), "%.*g", prec, d);
        if (strtod(back, NULL) == d && ts_number_normalize(back, norm, sizeof(norm)) == 0 &&
            strcmp(norm, s) == 0) {
            db_bind_double(st, i, d);
            return;
        }
    }
    db_bind_text(st, i, s);
}

void db_double_text(double d, char out[64])
{
    char back[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(back, sizeof(back), "%.*g", prec, d);
        if (strtod(back, NULL) == d)
            break;
    }
    if (ts_number_normalize(back, out, 64) < 0)
        memcpy(out, back, sizeof(back));
}

const char *db_col_number(struct ts_ctx *cx, struct ts_stmt *st, int i)
{
    switch (db_col_type(st, i)) {
    case DB_NULL:
        return NULL;
    case DB_INT:
        return ts_arena_printf(cx->arena, "%lld", (long long)db_col_int(st, i));
    case DB_FLOAT: {
        char text[64];
        db_double_text(db_col_double(st, i), text);
        return ts_arena_strdup(cx->arena, text);
    }
    default:
        return db_col_text(cx, st, i);
    }
}
