/*
 * store/sqlite/audit.c - the audit log's rows (the hashing is api/audit.c's), and
 * the installation's own settings.
 */
#include "base/common.h"
#include "store/sqlite/sqlite_int.h"

#define AUDIT_COLS "id, at, user, addr, action, target, detail, hash"

static struct ts_audit_row *audit_row(struct ts_ctx *cx, sqlite3_stmt *st)
{
    struct ts_audit_row *a = TS_NEW(cx->arena, struct ts_audit_row);
    a->id = sqlite3_column_int64(st, 0);
    a->at = sqlite3_column_int64(st, 1);
    a->user = db_col_text(cx, st, 2);
    a->addr = db_col_text(cx, st, 3);
    a->action = db_col_text(cx, st, 4);
    a->target = db_col_text(cx, st, 5);
    a->detail = db_col_text(cx, st, 6);
    a->hash = db_col_text(cx, st, 7);
    return a;
}

struct ts_audit_row *ts_store_audit_last(struct ts_ctx *cx)
{
    sqlite3_stmt *st = db_prep(cx, "SELECT " AUDIT_COLS " FROM audit ORDER BY id DESC LIMIT 1");
    if (!st)
        return NULL;
    struct ts_audit_row *a = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        a = audit_row(cx, st);
    else if (rc != SQLITE_DONE)
        db_fail(cx, rc, "audit last");
    db_done(st);
    return a;
}

int ts_store_audit_add(struct ts_ctx *cx, struct ts_audit_row *a)
{
    sqlite3_stmt *st = db_prep(cx, "INSERT INTO audit(id, at, user, addr, action, target, detail,"
                                   " hash) VALUES(?,?,?,?,?,?,?,?)");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, a->id);
    sqlite3_bind_int64(st, 2, a->at);
    db_bind_text(st, 3, a->user);
    db_bind_text(st, 4, a->addr);
    db_bind_text(st, 5, a->action);
    db_bind_text(st, 6, a->target);
    db_bind_text(st, 7, a->detail);
    db_bind_text(st, 8, a->hash);
    int rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_DONE ? 0 : db_fail(cx, rc, "audit add");
}

int ts_store_audit_each(struct ts_ctx *cx, bool desc, int64_t offset, int64_t limit,
                        ts_audit_fn *fn, void *arg)
{
    sqlite3_stmt *st = db_prep(cx, desc ? "SELECT " AUDIT_COLS " FROM audit ORDER BY id DESC"
                                          " LIMIT ? OFFSET ?"
                                        : "SELECT " AUDIT_COLS " FROM audit ORDER BY id ASC"
                                          " LIMIT ? OFFSET ?");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, limit);
    sqlite3_bind_int64(st, 2, offset);
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(cx, audit_row(cx, st), arg) < 0) {
            ret = -1;
            break;
        }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(cx, rc, "audit list");
    db_done(st);
    return ret;
}

/* ---------------------------------------------------------------- system settings */

const char *ts_store_system_get(struct ts_ctx *cx, const char *key)
{
    sqlite3_stmt *st = db_prep(cx, "SELECT value FROM system WHERE key=?");
    if (!st)
        return NULL;
    db_bind_text(st, 1, key);
    const char *v = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        v = db_col_text(cx, st, 0);
    else if (rc != SQLITE_DONE)
        db_fail(cx, rc, "system get");
    db_done(st);
    return v;
}

int ts_store_system_put(struct ts_ctx *cx, const char *key, const char *value)
{
    sqlite3_stmt *st = db_prep(cx, "INSERT INTO system(key, value) VALUES(?,?)"
                                   " ON CONFLICT(key) DO UPDATE SET value=excluded.value");
    if (!st)
        return -1;
    db_bind_text(st, 1, key);
    db_bind_text(st, 2, value);
    int rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_DONE ? 0 : db_fail(cx, rc, "system put");
}
