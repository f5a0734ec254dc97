/*
 * store/audit.c - the audit log's rows (the hashing is api/audit.c's), and
 * the installation's own settings.
 */
#include "base/common.h"
#include "store/sql.h"

#define AUDIT_COLS "id, at, \"user\", addr, action, target, detail, hash"

static struct ts_audit_row *audit_row(struct ts_ctx *cx, struct ts_stmt *st)
{
    struct ts_audit_row *a = TS_NEW(cx->arena, struct ts_audit_row);
    a->id = db_col_int(st, 0);
    a->at = db_col_int(st, 1);
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
    struct ts_stmt *st = db_prep(cx, "SELECT " AUDIT_COLS " FROM audit ORDER BY id DESC LIMIT 1");
    if (!st)
        return NULL;
    struct ts_audit_row *a = NULL;
    int rc = db_step(st);
    if (rc == DB_ROW)
        a = audit_row(cx, st);
    else if (rc != DB_DONE)
        db_fail(cx, "audit last");
    db_done(st);
    return a;
}

int ts_store_audit_add(struct ts_ctx *cx, struct ts_audit_row *a)
{
    struct ts_stmt *st =
        db_prep(cx, "INSERT INTO audit(id, at, \"user\", addr, action, target, detail,"
                    " hash) VALUES(?,?,?,?,?,?,?,?)");
    if (!st)
        return -1;
    db_bind_int(st, 1, a->id);
    db_bind_int(st, 2, a->at);
    db_bind_text(st, 3, a->user);
    db_bind_text(st, 4, a->addr);
    db_bind_text(st, 5, a->action);
    db_bind_text(st, 6, a->target);
    db_bind_text(st, 7, a->detail);
    db_bind_text(st, 8, a->hash);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : db_fail(cx, "audit add");
}

int ts_store_audit_each(struct ts_ctx *cx, bool desc, int64_t offset, int64_t limit,
                        ts_audit_fn *fn, void *arg)
{
    struct ts_stmt *st = db_prep(cx, desc ? "SELECT " AUDIT_COLS " FROM audit ORDER BY id DESC"
                                            " LIMIT ? OFFSET ?"
                                          : "SELECT " AUDIT_COLS " FROM audit ORDER BY id ASC"
                                            " LIMIT ? OFFSET ?");
    if (!st)
        return -1;
    db_bind_limit(st, 1, limit);
    db_bind_int(st, 2, offset);
    int rc, ret = 0;
    while ((rc = db_step(st)) == DB_ROW)
        if (fn(cx, audit_row(cx, st), arg) < 0) {
            ret = -1;
            break;
        }
    if (ret == 0 && rc != DB_DONE)
        ret = db_fail(cx, "audit list");
    db_done(st);
    return ret;
}

/* ---------------------------------------------------------------- system settings */

const char *ts_store_system_get(struct ts_ctx *cx, const char *key)
{
    struct ts_stmt *st = db_prep(cx, "SELECT value FROM system WHERE key=?");
    if (!st)
        return NULL;
    db_bind_text(st, 1, key);
    const char *v = NULL;
    int rc = db_step(st);
    if (rc == DB_ROW)
        v = db_col_text(cx, st, 0);
    else if (rc != DB_DONE)
        db_fail(cx, "system get");
    db_done(st);
    return v;
}

int ts_store_system_put(struct ts_ctx *cx, const char *key, const char *value)
{
    struct ts_stmt *st = db_prep(cx, "INSERT INTO system(key, value) VALUES(?,?)"
                                     " ON CONFLICT(key) DO UPDATE SET value=excluded.value");
    if (!st)
        return -1;
    db_bind_text(st, 1, key);
    db_bind_text(st, 2, value);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : db_fail(cx, "system put");
}
