/*
 * store/org.c - departments and groups, and who belongs to them.
 *
 * Both are the same kind of thing to the database (a code, a name, members);
 * departments also form a tree. A user's departments include one primary.
 */
#include "base/common.h"
#include "store/sql.h"

static const struct {
    const char *table, *members, *col;
} T[] = {
    [TS_ORG] = {"orgs", "user_orgs", "org_id"},
    [TS_GROUP] = {"groups_", "user_groups", "group_id"},
};

static struct ts_stmt *prepf(struct ts_ctx *cx, const char *fmt, enum ts_entity_kind k)
{
    char sql[512];
    snprintf(sql, sizeof(sql), fmt, T[k].table, T[k].members, T[k].col);
    return db_prep(cx, sql);
}

#define ENTITY_COLS "e.id, e.code, e.name, e.description, e.parent_id, p.code"
#define ENTITY_FROM "FROM %1$s e LEFT JOIN %1$s p ON p.id = e.parent_id"

static struct ts_entity *entity_row(struct ts_ctx *cx, struct ts_stmt *st, enum ts_entity_kind k)
{
    struct ts_entity *e = TS_NEW(cx->arena, struct ts_entity);
    e->kind = k;
    e->id = db_col_int(st, 0);
    e->code = db_col_text(cx, st, 1);
    e->name = db_col_text(cx, st, 2);
    e->description = db_col_text(cx, st, 3);
    e->parent_id = db_col_int(st, 4);
    e->parent_code = db_col_text(cx, st, 5);
    return e;
}

int ts_store_entity_add(struct ts_ctx *cx, struct ts_entity *e)
{
    struct ts_stmt *st =
        prepf(cx, "INSERT INTO %1$s(code,name,description,parent_id) VALUES(?,?,?,?) RETURNING id",
              e->kind);
    if (!st)
        return -1;
    db_bind_text(st, 1, e->code);
    db_bind_text(st, 2, e->name);
    db_bind_text(st, 3, e->description ? e->description : "");
    db_bind_int(st, 4, e->parent_id);
    e->id = db_step_int(cx, st, "entity add");
    return e->id > 0 ? 0 : -1;
}

int ts_store_entity_update(struct ts_ctx *cx, const struct ts_entity *e)
{
    struct ts_stmt *st =
        prepf(cx, "UPDATE %1$s SET code=?, name=?, description=?, parent_id=? WHERE id=?", e->kind);
    if (!st)
        return -1;
    db_bind_text(st, 1, e->code);
    db_bind_text(st, 2, e->name);
    db_bind_text(st, 3, e->description ? e->description : "");
    db_bind_int(st, 4, e->parent_id);
    db_bind_int(st, 5, e->id);
    return db_step_done(cx, st, "entity update");
}

int ts_store_entity_delete(struct ts_ctx *cx, enum ts_entity_kind k, int64_t id)
{
    const char *const sql[] = {"DELETE FROM %2$s WHERE %3$s=?", "DELETE FROM %1$s WHERE id=?"};
    for (size_t i = 0; i < TS_ARRAY_LEN(sql); i++) {
        struct ts_stmt *st = prepf(cx, sql[i], k);
        if (!st)
            return -1;
        db_bind_int(st, 1, id);
        if (db_step_done(cx, st, "entity delete") < 0)
            return -1;
    }
    return 0;
}

struct ts_entity *ts_store_entity_get(struct ts_ctx *cx, enum ts_entity_kind k, const char *code)
{
    struct ts_stmt *st = prepf(cx, "SELECT " ENTITY_COLS " " ENTITY_FROM " WHERE e.code=?", k);
    if (!st)
        return NULL;
    db_bind_text(st, 1, code);
    struct ts_entity *e = NULL;
    int rc = db_step(st);
    if (rc == DB_ROW)
        e = entity_row(cx, st, k);
    else if (rc != DB_DONE)
        db_fail(cx, "entity get");
    db_done(st);
    return e;
}

struct ts_entity *ts_store_entity_by_id(struct ts_ctx *cx, enum ts_entity_kind k, int64_t id)
{
    struct ts_stmt *st = prepf(cx, "SELECT " ENTITY_COLS " " ENTITY_FROM " WHERE e.id=?", k);
    if (!st)
        return NULL;
    db_bind_int(st, 1, id);
    struct ts_entity *e = NULL;
    int rc = db_step(st);
    if (rc == DB_ROW)
        e = entity_row(cx, st, k);
    else if (rc != DB_DONE)
        db_fail(cx, "entity get");
    db_done(st);
    return e;
}

int64_t ts_store_entity_children(struct ts_ctx *cx, enum ts_entity_kind k, int64_t id)
{
    struct ts_stmt *st = prepf(cx, "SELECT count(*) FROM %1$s WHERE parent_id=?", k);
    if (!st)
        return -1;
    db_bind_int(st, 1, id);
    int64_t n = -1;
    int rc = db_step(st);
    if (rc == DB_ROW)
        n = db_col_int(st, 0);
    else
        db_fail(cx, "entity children");
    db_done(st);
    return n;
}

static int each_row(struct ts_ctx *cx, struct ts_stmt *st, enum ts_entity_kind k, ts_entity_fn *fn,
                    void *arg)
{
    int rc, ret = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        struct ts_entity *e = entity_row(cx, st, k);
        if (db_col_count(st) > 6)
            e->primary = db_col_int(st, 6) != 0;
        if (fn(cx, e, arg) < 0) {
            ret = -1;
            break;
        }
    }
    if (ret == 0 && rc != DB_DONE)
        ret = db_fail(cx, "entity list");
    db_done(st);
    return ret;
}

int ts_store_entity_page(struct ts_ctx *cx, enum ts_entity_kind k, const char *const *codes,
                         int n_codes, int64_t offset, int64_t limit, ts_entity_fn *fn, void *arg)
{
    char where[128] = "";
    if (n_codes)
        snprintf(where, sizeof(where), " WHERE e.code IN (%s)", cx->db->drv->list_sql);
    char fmt[512];
    snprintf(fmt, sizeof(fmt), "SELECT %s %s%s ORDER BY e.id LIMIT ? OFFSET ?", ENTITY_COLS,
             ENTITY_FROM, where);
    struct ts_stmt *st = prepf(cx, fmt, k);
    if (!st)
        return -1;
    int i = 1;
    if (n_codes)
        db_bind_list(cx, st, i++, codes, n_codes);
    db_bind_limit(st, i++, limit);
    db_bind_int(st, i, offset);
    return each_row(cx, st, k, fn, arg);
}

int ts_store_user_entities(struct ts_ctx *cx, enum ts_entity_kind k, int64_t user_id,
                           ts_entity_fn *fn, void *arg)
{
    char fmt[512];
    snprintf(fmt, sizeof(fmt),
             "SELECT %s, %s %s JOIN %%2$s m ON m.%%3$s = e.id WHERE m.user_id=? ORDER BY e.id",
             ENTITY_COLS, k == TS_ORG ? "m.is_primary" : "0", ENTITY_FROM);
    struct ts_stmt *st = prepf(cx, fmt, k);
    if (!st)
        return -1;
    db_bind_int(st, 1, user_id);
    return each_row(cx, st, k, fn, arg);
}

int ts_store_user_entities_set(struct ts_ctx *cx, enum ts_entity_kind k, int64_t user_id,
                               const int64_t *ids, int n, int64_t primary)
{
    struct ts_stmt *st = prepf(cx, "DELETE FROM %2$s WHERE user_id=?", k);
    if (!st)
        return -1;
    db_bind_int(st, 1, user_id);
    if (db_step_done(cx, st, "membership") < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        st = prepf(
            cx,
            k == TS_ORG
                ? "INSERT INTO %2$s(user_id, %3$s, is_primary) VALUES(?,?,?) ON CONFLICT DO NOTHING"
                : "INSERT INTO %2$s(user_id, %3$s) VALUES(?,?) ON CONFLICT DO NOTHING",
            k);
        if (!st)
            return -1;
        db_bind_int(st, 1, user_id);
        db_bind_int(st, 2, ids[i]);
        if (k == TS_ORG)
            db_bind_int(st, 3, ids[i] == primary);
        if (db_step_done(cx, st, "membership") < 0)
            return -1;
    }
    return 0;
}

int ts_store_entity_users(struct ts_ctx *cx, enum ts_entity_kind k, int64_t id, ts_user_fn *fn,
                          void *arg)
{
    struct ts_stmt *st = prepf(cx, "SELECT user_id FROM %2$s WHERE %3$s=? ORDER BY user_id", k);
    if (!st)
        return -1;
    db_bind_int(st, 1, id);
    /* ids first: fn may read users with this connection's cached statements */
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap)
            ids = ts_xrealloc(ids, (cap = cap ? cap * 2 : 64) * sizeof(*ids));
        ids[n++] = db_col_int(st, 0);
    }
    db_done(st);
    int ret = rc == DB_DONE ? 0 : db_fail(cx, "members");
    for (size_t i = 0; i < n && ret == 0; i++) {
        struct ts_user *u = ts_store_user_by_id(cx, ids[i]);
        ret = !u ? (cx->err.code ? -1 : 0) : fn(cx, u, arg);
    }
    free(ids);
    return ret;
}
