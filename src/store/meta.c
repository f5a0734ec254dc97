/*
 * store/meta.c - users, sessions, API tokens, apps and their settings,
 * record history and comments: everything but the record tables themselves.
 */
#include "base/common.h"
#include "store/sql.h"
#include "base/buf.h"

/* Step a statement that returns no rows; reset it; translate failure. */
/* ---------------------------------------------------------------- users */

/* the account and its primary department, in one read */
#define USER_COLS                                                                                  \
    "u.id,u.code,u.name,u.email,u.lang,u.tz,u.pwhash,u.pw_version,u.admin,u.active,o.id,o.code"
#define USER_FROM                                                                                  \
    " FROM users u LEFT JOIN user_orgs m ON m.user_id=u.id AND m.is_primary=1"                     \
    " LEFT JOIN orgs o ON o.id=m.org_id"

static struct ts_user *user_row(struct ts_ctx *cx, struct ts_stmt *st)
{
    struct ts_user *u = TS_NEW(cx->arena, struct ts_user);
    u->id = db_col_int(st, 0);
    u->code = db_col_text(cx, st, 1);
    u->name = db_col_text(cx, st, 2);
    u->email = db_col_text(cx, st, 3);
    u->lang = db_col_text(cx, st, 4);
    u->tz = db_col_text(cx, st, 5);
    u->pwhash = db_col_text(cx, st, 6);
    u->pw_version = db_col_int(st, 7);
    u->admin = db_col_int(st, 8) != 0;
    u->active = db_col_int(st, 9) != 0;
    u->primary_org = db_col_int(st, 10);
    u->primary_org_code = db_col_text(cx, st, 11);
    return u;
}

static struct ts_user *user_one(struct ts_ctx *cx, struct ts_stmt *st)
{
    struct ts_user *u = NULL;
    int rc = db_step(st);
    if (rc == DB_ROW)
        u = user_row(cx, st);
    else if (rc != DB_DONE)
        db_fail(cx, "user get");
    db_done(st);
    return u;
}

struct ts_user *ts_store_user_by_code(struct ts_ctx *cx, const char *code)
{
    struct ts_stmt *st = db_prep(cx, "SELECT " USER_COLS USER_FROM " WHERE u.code=?");
    if (!st)
        return NULL;
    db_bind_text(st, 1, code);
    return user_one(cx, st);
}

struct ts_user *ts_store_user_by_id(struct ts_ctx *cx, int64_t id)
{
    struct ts_stmt *st = db_prep(cx, "SELECT " USER_COLS USER_FROM " WHERE u.id=?");
    if (!st)
        return NULL;
    db_bind_int(st, 1, id);
    return user_one(cx, st);
}

int ts_store_user_add(struct ts_ctx *cx, struct ts_user *u)
{
    struct ts_stmt *st = db_prep(cx, "INSERT INTO users(code,name,email,lang,tz,pwhash,admin,"
                                     "active,created) VALUES(?,?,?,?,?,?,?,?,?) RETURNING id");
    if (!st)
        return -1;
    db_bind_text(st, 1, u->code);
    db_bind_text(st, 2, u->name);
    db_bind_text(st, 3, u->email ? u->email : "");
    db_bind_text(st, 4, u->lang ? u->lang : "auto");
    db_bind_text(st, 5, u->tz ? u->tz : "Asia/Tokyo");
    db_bind_text(st, 6, u->pwhash);
    db_bind_int(st, 7, u->admin);
    db_bind_int(st, 8, u->active);
    db_bind_int(st, 9, cx->now);
    u->id = db_step_int(cx, st, "user add");
    return u->id > 0 ? 0 : -1;
}

int ts_store_user_set_password(struct ts_ctx *cx, int64_t id, const char *pwhash)
{
    struct ts_stmt *st =
        db_prep(cx, "UPDATE users SET pwhash=?, pw_version=pw_version+1 WHERE id=?");
    if (!st)
        return -1;
    db_bind_text(st, 1, pwhash);
    db_bind_int(st, 2, id);
    if (db_step_done(cx, st, "user password") < 0)
        return -1;
    /* a new password ends every browser session of the account */
    st = db_prep(cx, "DELETE FROM sessions WHERE user_id=?");
    if (!st)
        return -1;
    db_bind_int(st, 1, id);
    return db_step_done(cx, st, "session purge");
}

int ts_store_user_each(struct ts_ctx *cx, ts_user_fn *fn, void *arg)
{
    struct ts_stmt *st = db_prep(cx, "SELECT " USER_COLS USER_FROM " ORDER BY u.id");
    if (!st)
        return -1;
    int rc, ret = 0;
    while ((rc = db_step(st)) == DB_ROW)
        if (fn(cx, user_row(cx, st), arg) < 0) {
            ret = -1;
            break;
        }
    if (ret == 0 && rc != DB_DONE)
        ret = db_fail(cx, "user list");
    db_done(st);
    return ret;
}

int ts_store_user_update(struct ts_ctx *cx, const struct ts_user *u)
{
    struct ts_stmt *st = db_prep(cx, "UPDATE users SET code=?, name=?, email=?, lang=?, tz=?,"
                                     " admin=?, active=? WHERE id=?");
    if (!st)
        return -1;
    db_bind_text(st, 1, u->code);
    db_bind_text(st, 2, u->name);
    db_bind_text(st, 3, u->email ? u->email : "");
    db_bind_text(st, 4, u->lang ? u->lang : "auto");
    db_bind_text(st, 5, u->tz ? u->tz : "Asia/Tokyo");
    db_bind_int(st, 6, u->admin);
    db_bind_int(st, 7, u->active);
    db_bind_int(st, 8, u->id);
    if (db_step_done(cx, st, "user update") < 0)
        return -1;
    if (u->active)
        return 0;
    /* an account stopped is logged out everywhere */
    st = db_prep(cx, "DELETE FROM sessions WHERE user_id=?");
    if (!st)
        return -1;
    db_bind_int(st, 1, u->id);
    return db_step_done(cx, st, "session purge");
}

int ts_store_users_page(struct ts_ctx *cx, const char *const *codes, int n_codes, int64_t offset,
                        int64_t limit, ts_user_fn *fn, void *arg)
{
    struct ts_stmt *st = db_prep(
        cx, n_codes ? ts_arena_printf(cx->arena,
                                      "SELECT " USER_COLS USER_FROM
                                      " WHERE u.code IN (%s) ORDER BY u.id LIMIT ? OFFSET ?",
                                      cx->db->drv->list_sql)
                    : "SELECT " USER_COLS USER_FROM " ORDER BY u.id LIMIT ? OFFSET ?");
    if (!st)
        return -1;
    int i = 1;
    if (n_codes)
        db_bind_list(cx, st, i++, codes, n_codes);
    db_bind_limit(st, i++, limit);
    db_bind_int(st, i, offset);
    int rc, ret = 0;
    while ((rc = db_step(st)) == DB_ROW)
        if (fn(cx, user_row(cx, st), arg) < 0) {
            ret = -1;
            break;
        }
    if (ret == 0 && rc != DB_DONE)
        ret = db_fail(cx, "user list");
    db_done(st);
    return ret;
}

int64_t ts_store_user_count(struct ts_ctx *cx)
{
    struct ts_stmt *st = db_prep(cx, "SELECT count(*) FROM users");
    if (!st)
        return -1;
    int64_t n = -1;
    int rc = db_step(st);
    if (rc == DB_ROW)
        n = db_col_int(st, 0);
    else
        db_fail(cx, "user count");
    db_done(st);
    return n;
}

/* ---------------------------------------------------------------- sessions */

int ts_store_session_add(struct ts_ctx *cx, const unsigned char hash[32], int64_t user_id,
                         const char *csrf, int64_t expires)
{
    struct ts_stmt *st = db_prep(cx, "DELETE FROM sessions WHERE expires < ?");
    if (!st)
        return -1;
    db_bind_int(st, 1, cx->now);
    if (db_step_done(cx, st, "session expire") < 0)
        return -1;
    st = db_prep(cx, "INSERT INTO sessions(hash,user_id,csrf,expires) VALUES(?,?,?,?)");
    if (!st)
        return -1;
    db_bind_blob(st, 1, hash, 32);
    db_bind_int(st, 2, user_id);
    db_bind_text(st, 3, csrf);
    db_bind_int(st, 4, expires);
    return db_step_done(cx, st, "session add");
}

int ts_store_session_get(struct ts_ctx *cx, const unsigned char hash[32], int64_t *user_id,
                         const char **csrf)
{
    struct ts_stmt *st =
        db_prep(cx, "SELECT user_id, csrf FROM sessions WHERE hash=? AND expires >= ?");
    if (!st)
        return -1;
    db_bind_blob(st, 1, hash, 32);
    db_bind_int(st, 2, cx->now);
    int rc = db_step(st), found = 0;
    if (rc == DB_ROW) {
        *user_id = db_col_int(st, 0);
        *csrf = db_col_text(cx, st, 1);
        found = 1;
    } else if (rc != DB_DONE) {
        found = db_fail(cx, "session get");
    }
    db_done(st);
    return found;
}

int ts_store_session_delete(struct ts_ctx *cx, const unsigned char hash[32])
{
    struct ts_stmt *st = db_prep(cx, "DELETE FROM sessions WHERE hash=?");
    if (!st)
        return -1;
    db_bind_blob(st, 1, hash, 32);
    return db_step_done(cx, st, "session delete");
}

const char *ts_store_history_last_user(struct ts_ctx *cx, int64_t app_id, int64_t rec_id)
{
    struct ts_stmt *st = db_prep(cx, "SELECT \"user\" FROM history WHERE app_id=? AND rec_id=?"
                                     " ORDER BY revision DESC LIMIT 1");
    if (!st)
        return NULL;
    db_bind_int(st, 1, app_id);
    db_bind_int(st, 2, rec_id);
    int rc = db_step(st);
    const char *user = rc == DB_ROW ? db_col_text(cx, st, 0) : NULL;
    if (rc != DB_ROW && rc != DB_DONE)
        db_fail(cx, "history last user");
    db_done(st);
    return user;
}

/* ---------------------------------------------------------------- cursors */

int ts_store_cursor_add(struct ts_ctx *cx, const struct ts_cursor_row *c, const int64_t *ids)
{
    struct ts_stmt *st =
        db_prep(cx, "INSERT INTO cursors(id,owner,app_id,fields,ids,n,size,expires)"
                    " VALUES(?,?,?,?,?,?,?,?)");
    if (!st)
        return -1;
    db_bind_text(st, 1, c->id);
    db_bind_text(st, 2, c->owner);
    db_bind_int(st, 3, c->app_id);
    db_bind_text(st, 4, c->fields);
    db_bind_blob(st, 5, c->n ? (const void *)ids : "", (size_t)c->n * 8);
    db_bind_int(st, 6, c->n);
    db_bind_int(st, 7, c->size);
    db_bind_int(st, 8, c->expires);
    return db_step_done(cx, st, "cursor add");
}

int64_t ts_store_cursor_count(struct ts_ctx *cx, const char *owner, int64_t now)
{
    struct ts_stmt *st =
        db_prep(cx, owner ? "SELECT count(*) FROM cursors WHERE expires > ?1 AND owner=?2"
                          : "SELECT count(*) FROM cursors WHERE expires > ?1");
    if (!st)
        return -1;
    db_bind_int(st, 1, now);
    if (owner)
        db_bind_text(st, 2, owner);
    int rc = db_step(st);
    int64_t n = rc == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    return n >= 0 ? n : db_fail(cx, "cursor count");
}

int ts_store_cursor_next(struct ts_ctx *cx, const char *id, const char *owner, int64_t now,
                         int64_t ttl, struct ts_cursor_row *out, int64_t **ids, size_t *n)
{
    struct ts_stmt *st = db_prep(cx, "SELECT app_id, fields, n, pos, size, substr(ids, CAST(pos * "
                                     "8 + 1 AS INTEGER), CAST(size * 8 AS INTEGER))"
                                     " FROM cursors WHERE id=? AND owner=? AND expires > ?");
    if (!st)
        return -1;
    db_bind_text(st, 1, id);
    db_bind_text(st, 2, owner);
    db_bind_int(st, 3, now);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return rc == DB_DONE ? 0 : db_fail(cx, "cursor next");
    }
    *out = (struct ts_cursor_row){.id = id,
                                  .owner = owner,
                                  .app_id = db_col_int(st, 0),
                                  .fields = db_col_text(cx, st, 1),
                                  .n = db_col_int(st, 2),
                                  .pos = db_col_int(st, 3),
                                  .size = db_col_int(st, 4)};
    size_t bytes = 0;
    const void *packed = db_col_blob(cx, st, 5, &bytes);
    *n = bytes / 8;
    *ids = TS_NEW_N(cx->arena, int64_t, *n ? *n : 1);
    if (bytes)
        memcpy(*ids, packed, *n * 8);
    db_done(st);
    bool done = out->pos + (int64_t)*n >= out->n;
    st = db_prep(cx, done ? "DELETE FROM cursors WHERE id=?1"
                          : "UPDATE cursors SET pos = pos + ?2, expires = ?3 WHERE id=?1");
    if (!st)
        return -1;
    db_bind_text(st, 1, id);
    if (!done) {
        db_bind_int(st, 2, (int64_t)*n);
        db_bind_int(st, 3, now + ttl);
    }
    return db_step_done(cx, st, "cursor move") < 0 ? -1 : 1;
}

int ts_store_cursor_delete(struct ts_ctx *cx, const char *id, const char *owner, int64_t now)
{
    struct ts_stmt *st = db_prep(cx, "DELETE FROM cursors WHERE id=? AND owner=? AND expires > ?");
    if (!st)
        return -1;
    db_bind_text(st, 1, id);
    db_bind_text(st, 2, owner);
    db_bind_int(st, 3, now);
    if (db_step_done(cx, st, "cursor delete") < 0)
        return -1;
    return db_changes(cx) > 0;
}

int ts_store_cursors_expire(struct ts_ctx *cx, int64_t now)
{
    struct ts_stmt *st = db_prep(cx, "DELETE FROM cursors WHERE expires <= ?");
    if (!st)
        return -1;
    db_bind_int(st, 1, now);
    return db_step_done(cx, st, "cursors expire");
}

/* ---------------------------------------------------------------- failed sign-ins */

int ts_store_login_locked(struct ts_ctx *cx, const char *key, const char *key2, int64_t now)
{
    struct ts_stmt *st = db_prep(cx, "SELECT 1 FROM login_failures"
                                     " WHERE key IN (?1, ?3) AND locked_until > ?2 LIMIT 1");
    if (!st)
        return -1;
    db_bind_text(st, 1, key);
    db_bind_int(st, 2, now);
    db_bind_text(st, 3, key2 ? key2 : key);
    int rc = db_step(st), locked = 0;
    if (rc == DB_ROW)
        locked = db_col_int(st, 0);
    else if (rc != DB_DONE)
        locked = db_fail(cx, "login locked");
    db_done(st);
    return locked;
}

int ts_store_login_failed(struct ts_ctx *cx, const char *key, int64_t now, int limit, int window,
                          int lockout)
{
    /* a new window when the last one and its lock are over; the limit-th
     * failure in a window locks (a lock is not made longer by more) */
    struct ts_stmt *st = db_prep(
        cx, "INSERT INTO login_failures VALUES(?1, 1, ?2, 0)"
            " ON CONFLICT(key) DO UPDATE SET"
            " fails = CASE WHEN ?2 - login_failures.window_start > ?3"
            "  AND login_failures.locked_until <= ?2 THEN 1 ELSE login_failures.fails + 1 END,"
            " window_start = CASE WHEN ?2 - login_failures.window_start > ?3"
            "  AND login_failures.locked_until <= ?2 THEN ?2 ELSE login_failures.window_start END");
    if (!st)
        return -1;
    db_bind_text(st, 1, key);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, window);
    if (db_step_done(cx, st, "login failed") < 0 ||
        !(st = db_prep(cx, "UPDATE login_failures SET locked_until = ?2 + ?4"
                           " WHERE key=?1 AND fails >= ?3 AND locked_until <= ?2")))
        return -1;
    db_bind_text(st, 1, key);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, limit);
    db_bind_int(st, 4, lockout);
    return db_step_done(cx, st, "login lock");
}

int ts_store_login_failures_expire(struct ts_ctx *cx, int64_t now, int window)
{
    struct ts_stmt *st = db_prep(cx, "DELETE FROM login_failures"
                                     " WHERE ?1 - window_start > ?2 AND locked_until <= ?1");
    if (!st)
        return -1;
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, window);
    return db_step_done(cx, st, "login failures expire");
}

/* ---------------------------------------------------------------- API tokens */

int ts_store_token_add(struct ts_ctx *cx, const unsigned char hash[32], struct ts_token_row *t)
{
    struct ts_stmt *st = db_prep(cx, "INSERT INTO api_tokens(hash,app_id,perms,prefix,note,creator,"
                                     "created,creator_id) VALUES(?,?,?,?,?,?,?,?) RETURNING id");
    if (!st)
        return -1;
    db_bind_blob(st, 1, hash, 32);
    db_bind_int(st, 2, t->app_id);
    db_bind_int(st, 3, (int)t->perms);
    db_bind_text(st, 4, t->prefix);
    db_bind_text(st, 5, t->note ? t->note : "");
    db_bind_text(st, 6, t->creator);
    db_bind_int(st, 7, t->created);
    db_bind_int(st, 8, t->creator_id);
    t->id = db_step_int(cx, st, "token add");
    return t->id > 0 ? 0 : -1;
}

int ts_store_token_find(struct ts_ctx *cx, const unsigned char hash[32], struct ts_token_grant *g)
{
    struct ts_stmt *st = db_prep(
        cx, "SELECT id, app_id, perms, creator_id FROM api_tokens WHERE hash=? AND revoked=0");
    if (!st)
        return -1;
    db_bind_blob(st, 1, hash, 32);
    int rc = db_step(st), found = 0;
    if (rc == DB_ROW) {
        g->id = db_col_int(st, 0);
        g->app_id = db_col_int(st, 1);
        g->perms = (unsigned)db_col_int(st, 2);
        g->creator_id = db_col_int(st, 3);
        found = 1;
    } else if (rc != DB_DONE) {
        found = db_fail(cx, "token find");
    }
    db_done(st);
    return found;
}

int ts_store_token_each(struct ts_ctx *cx, int64_t app_id, ts_token_fn *fn, void *arg)
{
    struct ts_stmt *st = db_prep(cx, "SELECT t.id, t.app_id, t.perms, t.prefix, t.note,"
                                     " coalesce(u.code, t.creator), t.created, t.creator_id"
                                     " FROM api_tokens t LEFT JOIN users u ON u.id = t.creator_id"
                                     " WHERE t.app_id=? AND t.revoked=0 ORDER BY t.id");
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    int rc, ret = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        struct ts_token_row t = {
            .id = db_col_int(st, 0),
            .app_id = db_col_int(st, 1),
            .perms = (unsigned)db_col_int(st, 2),
            .prefix = db_col_text(cx, st, 3),
            .note = db_col_text(cx, st, 4),
            .creator = db_col_text(cx, st, 5),
            .created = db_col_int(st, 6),
            .creator_id = db_col_int(st, 7),
        };
        if (fn(cx, &t, arg) < 0) {
            ret = -1;
            break;
        }
    }
    if (ret == 0 && rc != DB_DONE)
        ret = db_fail(cx, "token list");
    db_done(st);
    return ret;
}

int ts_store_token_revoke(struct ts_ctx *cx, int64_t app_id, int64_t token_id)
{
    struct ts_stmt *st =
        db_prep(cx, "UPDATE api_tokens SET revoked=1 WHERE app_id=? AND id=? AND revoked=0");
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    db_bind_int(st, 2, token_id);
    if (db_step_done(cx, st, "token revoke") < 0)
        return -1;
    return db_changes(cx) > 0;
}

/* ---------------------------------------------------------------- apps */

int64_t ts_store_app_insert(struct ts_ctx *cx, const char *name, const char *creator,
                            int64_t space_id, int64_t thread_id)
{
    struct ts_stmt *st = db_prep(cx, "INSERT INTO apps(name,space_id,thread_id,creator,created,"
                                     "modifier,modified) VALUES(?,?,?,?,?,?,?) RETURNING id");
    if (!st)
        return -1;
    db_bind_text(st, 1, name);
    if (space_id)
        db_bind_int(st, 2, space_id);
    if (thread_id)
        db_bind_int(st, 3, thread_id);
    db_bind_text(st, 4, creator);
    db_bind_int(st, 5, cx->now);
    db_bind_text(st, 6, creator);
    db_bind_int(st, 7, cx->now);
    int64_t id = db_step_int(cx, st, "app insert");
    return id > 0 ? id : -1;
}

#define APP_COLS                                                                                   \
    "id,code,name,description,space_id,thread_id,creator,created,modifier,modified,revision,"      \
    "live_revision,deploy_status,deploy_error"

static struct ts_app_row *app_row(struct ts_ctx *cx, struct ts_stmt *st)
{
    struct ts_app_row *r = TS_NEW(cx->arena, struct ts_app_row);
    r->id = db_col_int(st, 0);
    r->code = db_col_text(cx, st, 1);
    r->name = db_col_text(cx, st, 2);
    r->description = db_col_text(cx, st, 3);
    r->space_id = db_col_int(st, 4);
    r->thread_id = db_col_int(st, 5);
    r->creator = db_col_text(cx, st, 6);
    r->created = db_col_int(st, 7);
    r->modifier = db_col_text(cx, st, 8);
    r->modified = db_col_int(st, 9);
    r->revision = db_col_int(st, 10);
    r->live_revision = db_col_int(st, 11);
    r->deploy_status = db_col_text(cx, st, 12);
    r->deploy_error = db_col_text(cx, st, 13);
    return r;
}

struct ts_app_row *ts_store_app_row(struct ts_ctx *cx, int64_t id)
{
    struct ts_stmt *st = db_prep(cx, "SELECT " APP_COLS " FROM apps WHERE id=?");
    if (!st)
        return NULL;
    db_bind_int(st, 1, id);
    struct ts_app_row *r = NULL;
    int rc = db_step(st);
    if (rc == DB_ROW)
        r = app_row(cx, st);
    else if (rc != DB_DONE)
        db_fail(cx, "app get");
    db_done(st);
    return r;
}

int ts_store_app_each(struct ts_ctx *cx, const struct ts_app_filter *f, ts_app_row_fn *fn,
                      void *arg)
{
    /* Built from fixed pieces only; every value is bound. */
    struct ts_buf sql;
    ts_buf_init(&sql);
    ts_buf_puts(&sql, "SELECT " APP_COLS " FROM apps WHERE live_revision > 0");
    if (f->n_ids) {
        ts_buf_puts(&sql, " AND id IN (");
        for (int i = 0; i < f->n_ids; i++)
            ts_buf_puts(&sql, i ? ",?" : "?");
        ts_buf_puts(&sql, ")");
    }
    if (f->n_codes) {
        ts_buf_puts(&sql, " AND code IN (");
        for (int i = 0; i < f->n_codes; i++)
            ts_buf_puts(&sql, i ? ",?" : "?");
        ts_buf_puts(&sql, ")");
    }
    if (f->name)
        ts_buf_puts(&sql, " AND instr(lower(name), lower(?)) > 0");
    if (f->n_space_ids) {
        ts_buf_puts(&sql, " AND space_id IN (");
        for (int i = 0; i < f->n_space_ids; i++)
            ts_buf_puts(&sql, i ? ",?" : "?");
        ts_buf_puts(&sql, ")");
    }
    ts_buf_puts(&sql, " ORDER BY id LIMIT ? OFFSET ?");
    struct ts_stmt *st = db_prep(cx, sql.p);
    ts_buf_release(&sql);
    if (!st)
        return -1;
    int k = 1;
    for (int i = 0; i < f->n_ids; i++)
        db_bind_int(st, k++, f->ids[i]);
    for (int i = 0; i < f->n_codes; i++)
        db_bind_text(st, k++, f->codes[i]);
    if (f->name)
        db_bind_text(st, k++, f->name);
    for (int i = 0; i < f->n_space_ids; i++)
        db_bind_int(st, k++, f->space_ids[i]);
    db_bind_limit(st, k++, f->limit);
    db_bind_int(st, k++, f->offset);
    int rc, ret = 0;
    while ((rc = db_step(st)) == DB_ROW)
        if (fn(cx, app_row(cx, st), arg) < 0) {
            ret = -1;
            break;
        }
    if (ret == 0 && rc != DB_DONE)
        ret = db_fail(cx, "app list");
    db_done(st);
    return ret;
}

const char *ts_store_app_def(struct ts_ctx *cx, int64_t app_id, enum ts_stage stage)
{
    struct ts_stmt *st = db_prep(cx, "SELECT body FROM app_defs WHERE app_id=? AND stage=?");
    if (!st)
        return NULL;
    db_bind_int(st, 1, app_id);
    db_bind_int(st, 2, stage);
    const char *body = NULL;
    int rc = db_step(st);
    if (rc == DB_ROW)
        body = db_col_text(cx, st, 0);
    else if (rc != DB_DONE)
        db_fail(cx, "app def get");
    db_done(st);
    return body;
}

int ts_store_app_def_put(struct ts_ctx *cx, int64_t app_id, enum ts_stage stage, const char *json)
{
    struct ts_stmt *st = db_prep(cx, "INSERT INTO app_defs(app_id,stage,body) VALUES(?,?,?)"
                                     " ON CONFLICT(app_id,stage) DO UPDATE SET body=excluded.body");
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    db_bind_int(st, 2, stage);
    db_bind_text(st, 3, json);
    return db_step_done(cx, st, "app def put");
}

int64_t ts_store_app_touch(struct ts_ctx *cx, int64_t app_id, const char *modifier)
{
    struct ts_stmt *st = db_prep(cx, "UPDATE apps SET revision=revision+1, modifier=?, modified=?"
                                     " WHERE id=? RETURNING revision");
    if (!st)
        return -1;
    db_bind_text(st, 1, modifier);
    db_bind_int(st, 2, cx->now);
    db_bind_int(st, 3, app_id);
    int64_t rev = -1;
    int rc = db_step(st);
    if (rc == DB_ROW)
        rev = db_col_int(st, 0);
    else
        db_fail(cx, "app touch");
    db_done(st);
    return rev;
}

int ts_store_app_set_deployed(struct ts_ctx *cx, const struct ts_app_row *r)
{
    struct ts_stmt *st = db_prep(cx, "UPDATE apps SET code=?, name=?, description=?,"
                                     " live_revision=?, deploy_status=?, deploy_error=?,"
                                     " modifier=?, modified=? WHERE id=?");
    if (!st)
        return -1;
    db_bind_text(st, 1, r->code ? r->code : "");
    db_bind_text(st, 2, r->name);
    db_bind_text(st, 3, r->description ? r->description : "");
    db_bind_int(st, 4, r->live_revision);
    db_bind_text(st, 5, r->deploy_status);
    db_bind_text(st, 6, r->deploy_error);
    db_bind_text(st, 7, r->modifier);
    db_bind_int(st, 8, r->modified);
    db_bind_int(st, 9, r->id);
    return db_step_done(cx, st, "app deployed");
}

int ts_store_apps_interrupted(struct ts_ctx *cx, const char *why)
{
    struct ts_stmt *st = db_prep(cx, "UPDATE apps SET deploy_status='FAIL', deploy_error=?"
                                     " WHERE deploy_status='PROCESSING'");
    if (!st)
        return -1;
    db_bind_text(st, 1, why);
    return db_step_done(cx, st, "deploys interrupted");
}

/* ---------------------------------------------------------------- history */

int ts_store_history_add(struct ts_ctx *cx, int64_t app_id, int64_t rec_id,
                         const struct ts_history_row *h)
{
    struct ts_stmt *st =
        db_prep(cx, "INSERT INTO history(app_id,rec_id,revision,at,\"user\",action,changes)"
                    " VALUES(?,?,?,?,?,?,?) ON CONFLICT(app_id,rec_id,revision) DO UPDATE SET"
                    " at=excluded.at, \"user\"=excluded.\"user\", action=excluded.action,"
                    " changes=excluded.changes");
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    db_bind_int(st, 2, rec_id);
    db_bind_int(st, 3, h->revision);
    db_bind_int(st, 4, h->at);
    db_bind_text(st, 5, h->user);
    db_bind_text(st, 6, h->action);
    db_bind_text(st, 7, h->changes);
    return db_step_done(cx, st, "history add");
}

int ts_store_history_each(struct ts_ctx *cx, int64_t app_id, int64_t rec_id, ts_history_fn *fn,
                          void *arg)
{
    struct ts_stmt *st = db_prep(cx, "SELECT revision,at,\"user\",action,changes FROM history"
                                     " WHERE app_id=? AND rec_id=? ORDER BY revision DESC");
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    db_bind_int(st, 2, rec_id);
    int rc, ret = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        struct ts_history_row h = {
            .revision = db_col_int(st, 0),
            .at = db_col_int(st, 1),
            .user = db_col_text(cx, st, 2),
            .action = db_col_text(cx, st, 3),
            .changes = db_col_text(cx, st, 4),
        };
        if (fn(cx, &h, arg) < 0) {
            ret = -1;
            break;
        }
    }
    if (ret == 0 && rc != DB_DONE)
        ret = db_fail(cx, "history list");
    db_done(st);
    return ret;
}

/* ---------------------------------------------------------------- comments */

int64_t ts_store_comment_add(struct ts_ctx *cx, int64_t app_id, int64_t rec_id,
                             const struct ts_comment_row *c)
{
    /* ids count per record and are never reused, deleted comments included */
    struct ts_stmt *st =
        db_prep(cx, "INSERT INTO comments(app_id,rec_id,id,text,mentions,creator,created)"
                    " VALUES(?1,?2,(SELECT coalesce(max(id),0)+1 FROM comments WHERE app_id=?1 AND"
                    " rec_id=?2),?3,?4,?5,?6) RETURNING id");
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    db_bind_int(st, 2, rec_id);
    db_bind_text(st, 3, c->text);
    db_bind_text(st, 4, c->mentions);
    db_bind_text(st, 5, c->creator);
    db_bind_int(st, 6, c->created);
    int64_t id = -1;
    int rc = db_step(st);
    if (rc == DB_ROW)
        id = db_col_int(st, 0);
    else
        db_fail(cx, "comment add");
    db_done(st);
    return id;
}

static struct ts_comment_row *comment_row(struct ts_ctx *cx, struct ts_stmt *st)
{
    struct ts_comment_row *c = TS_NEW(cx->arena, struct ts_comment_row);
    c->id = db_col_int(st, 0);
    c->text = db_col_text(cx, st, 1);
    c->mentions = db_col_text(cx, st, 2);
    c->creator = db_col_text(cx, st, 3);
    c->created = db_col_int(st, 4);
    return c;
}

int ts_store_comment_like(struct ts_ctx *cx, int64_t app_id, int64_t rec_id, int64_t id,
                          const char *user, bool like)
{
    struct ts_stmt *st =
        db_prep(cx, like ? "INSERT INTO comment_likes(app_id,rec_id,comment_id,\"user\",at)"
                           " VALUES(?,?,?,?,?) ON CONFLICT DO NOTHING"
                         : "DELETE FROM comment_likes WHERE app_id=? AND rec_id=? AND"
                           " comment_id=? AND \"user\"=?");
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    db_bind_int(st, 2, rec_id);
    db_bind_int(st, 3, id);
    db_bind_text(st, 4, user);
    if (like)
        db_bind_int(st, 5, cx->now);
    return db_step_done(cx, st, "comment like");
}

int ts_store_comment_likes_each(struct ts_ctx *cx, int64_t app_id, int64_t rec_id, ts_like_fn *fn,
                                void *arg)
{
    struct ts_stmt *st =
        db_prep(cx, "SELECT l.comment_id, l.\"user\" FROM comment_likes l"
                    " JOIN comments c ON c.app_id=l.app_id AND c.rec_id=l.rec_id"
                    " AND c.id=l.comment_id AND c.deleted=0"
                    " WHERE l.app_id=? AND l.rec_id=? ORDER BY l.comment_id, l.at");
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    db_bind_int(st, 2, rec_id);
    int rc, ret = 0;
    while (ret == 0 && (rc = db_step(st)) == DB_ROW)
        ret = fn(cx, db_col_int(st, 0), db_col_text(cx, st, 1), arg);
    if (ret == 0 && rc != DB_DONE)
        ret = db_fail(cx, "comment likes");
    db_done(st);
    return ret;
}

struct ts_comment_row *ts_store_comment_get(struct ts_ctx *cx, int64_t app_id, int64_t rec_id,
                                            int64_t id)
{
    struct ts_stmt *st = db_prep(cx, "SELECT id,text,mentions,creator,created FROM comments"
                                     " WHERE app_id=? AND rec_id=? AND id=? AND deleted=0");
    if (!st)
        return NULL;
    db_bind_int(st, 1, app_id);
    db_bind_int(st, 2, rec_id);
    db_bind_int(st, 3, id);
    struct ts_comment_row *c = NULL;
    int rc = db_step(st);
    if (rc == DB_ROW)
        c = comment_row(cx, st);
    else if (rc != DB_DONE)
        db_fail(cx, "comment get");
    db_done(st);
    return c;
}

int ts_store_comment_delete(struct ts_ctx *cx, int64_t app_id, int64_t rec_id, int64_t id)
{
    struct ts_stmt *st = db_prep(cx, "UPDATE comments SET deleted=1, text='', mentions='[]'"
                                     " WHERE app_id=? AND rec_id=? AND id=?");
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    db_bind_int(st, 2, rec_id);
    db_bind_int(st, 3, id);
    return db_step_done(cx, st, "comment delete");
}

int ts_store_comment_each(struct ts_ctx *cx, int64_t app_id, int64_t rec_id, bool asc,
                          int64_t offset, int64_t limit, ts_comment_fn *fn, void *arg)
{
    struct ts_stmt *st = db_prep(cx, asc ? "SELECT id,text,mentions,creator,created FROM comments"
                                           " WHERE app_id=? AND rec_id=? AND deleted=0"
                                           " ORDER BY id ASC LIMIT ? OFFSET ?"
                                         : "SELECT id,text,mentions,creator,created FROM comments"
                                           " WHERE app_id=? AND rec_id=? AND deleted=0"
                                           " ORDER BY id DESC LIMIT ? OFFSET ?");
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    db_bind_int(st, 2, rec_id);
    db_bind_limit(st, 3, limit);
    db_bind_int(st, 4, offset);
    int rc, ret = 0;
    while ((rc = db_step(st)) == DB_ROW)
        if (fn(cx, comment_row(cx, st), arg) < 0) {
            ret = -1;
            break;
        }
    if (ret == 0 && rc != DB_DONE)
        ret = db_fail(cx, "comment list");
    db_done(st);
    return ret;
}

/* ---------------------------------------------------------------- renames */

/* Every entity {"type":"USER","code":from} inside v (rights, process
 * assignees, notification targets, default values) now names `to`. */
static bool rename_entities(json_t *v, const char *from, const char *to)
{
    bool changed = false;
    if (json_is_object(v)) {
        const char *type = json_string_value(json_object_get(v, "type"));
        const char *code = json_string_value(json_object_get(v, "code"));
        if (type && code && !strcmp(type, "USER") && !strcmp(code, from)) {
            json_object_set_new(v, "code", json_string(to));
            changed = true;
        }
        const char *k;
        json_t *x;
        json_object_foreach (v, k, x)
            changed |= rename_entities(x, from, to);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach (v, i, x)
            changed |= rename_entities(x, from, to);
    }
    return changed;
}

/* The JSON texts `select` gives (key, key, text per row) with the entities
 * renamed, written back by `update` (text, key, key). */
static int rename_in_json(struct ts_ctx *cx, const char *select, const char *update,
                          const char *from, const char *to)
{
    struct ts_stmt *st = db_prep(cx, select);
    if (!st)
        return -1;
    struct change {
        int64_t k1, k2;
        char *text;
        struct change *next;
    } *changes = NULL;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        json_t *v = json_loads(db_col_raw(st, 2), 0, NULL);
        if (v && rename_entities(v, from, to)) {
            struct change *c = TS_NEW(cx->arena, struct change);
            char *text = json_dumps(v, JSON_COMPACT);
            *c = (struct change){db_col_int(st, 0), db_col_int(st, 1),
                                 ts_arena_strdup(cx->arena, text), changes};
            free(text);
            changes = c;
        }
        json_decref(v);
    }
    db_done(st);
    if (rc != DB_DONE)
        return db_fail(cx, "rename read");
    for (struct change *c = changes; c; c = c->next) {
        if (!(st = db_prep(cx, update)))
            return -1;
        db_bind_text(st, 1, c->text);
        db_bind_int(st, 2, c->k1);
        db_bind_int(st, 3, c->k2);
        if (db_step_done(cx, st, "rename write") < 0)
            return -1;
    }
    return 0;
}

int64_t ts_store_user_in_conditions(struct ts_ctx *cx, const char *code)
{
    /* a query's string literal "code" inside the settings' JSON text */
    struct ts_stmt *st =
        db_prep(cx, "SELECT app_id FROM app_defs WHERE instr(body, ?) > 0 LIMIT 1");
    if (!st)
        return -1;
    db_bind_text(st, 1, ts_arena_printf(cx->arena, "\\\"%s\\\"", code));
    int rc = db_step(st);
    int64_t app = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return rc == DB_ROW || rc == DB_DONE ? app : db_fail(cx, "conditions");
}

int ts_store_user_rename_refs(struct ts_ctx *cx, const char *from, const char *to)
{
    static const char *const plain[] = {
        "UPDATE history SET \"user\"=?1 WHERE \"user\"=?2",
        "UPDATE comments SET creator=?1 WHERE creator=?2",
        "UPDATE comment_likes SET \"user\"=?1 WHERE \"user\"=?2",
        "UPDATE circulars SET sender=?1 WHERE sender=?2",
        "UPDATE circular_people SET \"user\"=?1 WHERE \"user\"=?2",
        "UPDATE notifications SET actor=?1 WHERE actor=?2",
        "UPDATE apps SET creator=?1 WHERE creator=?2",
        "UPDATE apps SET modifier=?1 WHERE modifier=?2",
        "UPDATE api_tokens SET creator=?1 WHERE creator=?2",
    };
    for (size_t i = 0; i < TS_ARRAY_LEN(plain); i++) {
        struct ts_stmt *st = db_prep(cx, plain[i]);
        if (!st)
            return -1;
        db_bind_text(st, 1, to);
        db_bind_text(st, 2, from);
        if (db_step_done(cx, st, "rename") < 0)
            return -1;
    }
    return rename_in_json(cx, "SELECT app_id, stage, body FROM app_defs",
                          "UPDATE app_defs SET body=?1 WHERE app_id=?2 AND stage=?3", from, to) < 0
               ? -1
               : rename_in_json(cx, "SELECT 0, 0, value FROM system WHERE key='appCreators'",
                                "UPDATE system SET value=?1 WHERE key='appCreators' AND ?2=?3",
                                from, to);
}
