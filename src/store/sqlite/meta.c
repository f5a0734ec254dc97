/*
 * store/sqlite/meta.c - users, sessions, API tokens, apps and their settings,
 * record history and comments: everything but the record tables themselves.
 */
#include "base/common.h"
#include "store/sqlite/sqlite_int.h"
#include "base/buf.h"

/* Step a statement that returns no rows; reset it; translate failure. */
/* ---------------------------------------------------------------- users */

/* the account and its primary department, in one read */
#define USER_COLS                                                                                  \
    "u.id,u.code,u.name,u.email,u.lang,u.tz,u.pwhash,u.pw_version,u.admin,u.active,o.id,o.code"
#define USER_FROM                                                                                  \
    " FROM users u LEFT JOIN user_orgs m ON m.user_id=u.id AND m.is_primary=1"                     \
    " LEFT JOIN orgs o ON o.id=m.org_id"

static struct ts_user *user_row(struct ts_ctx *cx, sqlite3_stmt *st)
{
    struct ts_user *u = TS_NEW(cx->arena, struct ts_user);
    u->id = sqlite3_column_int64(st, 0);
    u->code = db_col_text(cx, st, 1);
    u->name = db_col_text(cx, st, 2);
    u->email = db_col_text(cx, st, 3);
    u->lang = db_col_text(cx, st, 4);
    u->tz = db_col_text(cx, st, 5);
    u->pwhash = db_col_text(cx, st, 6);
    u->pw_version = sqlite3_column_int64(st, 7);
    u->admin = sqlite3_column_int(st, 8) != 0;
    u->active = sqlite3_column_int(st, 9) != 0;
    u->primary_org = sqlite3_column_int64(st, 10);
    u->primary_org_code = db_col_text(cx, st, 11);
    return u;
}

static struct ts_user *user_one(struct ts_ctx *cx, sqlite3_stmt *st)
{
    struct ts_user *u = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        u = user_row(cx, st);
    else if (rc != SQLITE_DONE)
        db_fail(cx, rc, "user get");
    db_done(st);
    return u;
}

struct ts_user *ts_store_user_by_code(struct ts_ctx *cx, const char *code)
{
    sqlite3_stmt *st = db_prep(cx, "SELECT " USER_COLS USER_FROM " WHERE u.code=?");
    if (!st)
        return NULL;
    db_bind_text(st, 1, code);
    return user_one(cx, st);
}

struct ts_user *ts_store_user_by_id(struct ts_ctx *cx, int64_t id)
{
    sqlite3_stmt *st = db_prep(cx, "SELECT " USER_COLS USER_FROM " WHERE u.id=?");
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    return user_one(cx, st);
}

int ts_store_user_add(struct ts_ctx *cx, struct ts_user *u)
{
    sqlite3_stmt *st = db_prep(cx, "INSERT INTO users(code,name,email,lang,tz,pwhash,admin,"
                                   "active,created) VALUES(?,?,?,?,?,?,?,?,?)");
    if (!st)
        return -1;
    db_bind_text(st, 1, u->code);
    db_bind_text(st, 2, u->name);
    db_bind_text(st, 3, u->email ? u->email : "");
    db_bind_text(st, 4, u->lang ? u->lang : "auto");
    db_bind_text(st, 5, u->tz ? u->tz : "Asia/Tokyo");
    db_bind_text(st, 6, u->pwhash);
    sqlite3_bind_int(st, 7, u->admin);
    sqlite3_bind_int(st, 8, u->active);
    sqlite3_bind_int64(st, 9, cx->now);
    if (db_step_done(cx, st, "user add") < 0)
        return -1;
    u->id = sqlite3_last_insert_rowid(cx->db->h);
    return 0;
}

int ts_store_user_set_password(struct ts_ctx *cx, int64_t id, const char *pwhash)
{
    sqlite3_stmt *st = db_prep(cx, "UPDATE users SET pwhash=?, pw_version=pw_version+1 WHERE id=?");
    if (!st)
        return -1;
    db_bind_text(st, 1, pwhash);
    sqlite3_bind_int64(st, 2, id);
    if (db_step_done(cx, st, "user password") < 0)
        return -1;
    /* a new password ends every browser session of the account */
    st = db_prep(cx, "DELETE FROM sessions WHERE user_id=?");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    return db_step_done(cx, st, "session purge");
}

int ts_store_user_each(struct ts_ctx *cx, ts_user_fn *fn, void *arg)
{
    sqlite3_stmt *st = db_prep(cx, "SELECT " USER_COLS USER_FROM " ORDER BY u.id");
    if (!st)
        return -1;
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(cx, user_row(cx, st), arg) < 0) {
            ret = -1;
            break;
        }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(cx, rc, "user list");
    db_done(st);
    return ret;
}

int ts_store_user_update(struct ts_ctx *cx, const struct ts_user *u)
{
    sqlite3_stmt *st = db_prep(cx, "UPDATE users SET code=?, name=?, email=?, lang=?, tz=?,"
                                   " admin=?, active=? WHERE id=?");
    if (!st)
        return -1;
    db_bind_text(st, 1, u->code);
    db_bind_text(st, 2, u->name);
    db_bind_text(st, 3, u->email ? u->email : "");
    db_bind_text(st, 4, u->lang ? u->lang : "auto");
    db_bind_text(st, 5, u->tz ? u->tz : "Asia/Tokyo");
    sqlite3_bind_int(st, 6, u->admin);
    sqlite3_bind_int(st, 7, u->active);
    sqlite3_bind_int64(st, 8, u->id);
    if (db_step_done(cx, st, "user update") < 0)
        return -1;
    if (u->active)
        return 0;
    /* an account stopped is logged out everywhere */
    st = db_prep(cx, "DELETE FROM sessions WHERE user_id=?");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, u->id);
    return db_step_done(cx, st, "session purge");
}

int ts_store_users_page(struct ts_ctx *cx, const char *const *codes, int n_codes, int64_t offset,
                        int64_t limit, ts_user_fn *fn, void *arg)
{
    sqlite3_stmt *st =
        db_prep(cx, n_codes ? "SELECT " USER_COLS USER_FROM " WHERE u.code IN (SELECT value FROM"
                              " json_each(?)) ORDER BY u.id LIMIT ? OFFSET ?"
                            : "SELECT " USER_COLS USER_FROM " ORDER BY u.id LIMIT ? OFFSET ?");
    if (!st)
        return -1;
    int i = 1;
    if (n_codes)
        db_bind_list(st, i++, codes, n_codes);
    sqlite3_bind_int64(st, i++, limit);
    sqlite3_bind_int64(st, i, offset);
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(cx, user_row(cx, st), arg) < 0) {
            ret = -1;
            break;
        }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(cx, rc, "user list");
    db_done(st);
    return ret;
}

int64_t ts_store_user_count(struct ts_ctx *cx)
{
    sqlite3_stmt *st = db_prep(cx, "SELECT count(*) FROM users");
    if (!st)
        return -1;
    int64_t n = -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    else
        db_fail(cx, rc, "user count");
    db_done(st);
    return n;
}

/* ---------------------------------------------------------------- sessions */

int ts_store_session_add(struct ts_ctx *cx, const unsigned char hash[32], int64_t user_id,
                         const char *csrf, int64_t expires)
{
    sqlite3_stmt *st = db_prep(cx, "DELETE FROM sessions WHERE expires < ?");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, cx->now);
    if (db_step_done(cx, st, "session expire") < 0)
        return -1;
    st = db_prep(cx, "INSERT INTO sessions(hash,user_id,csrf,expires) VALUES(?,?,?,?)");
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    db_bind_text(st, 3, csrf);
    sqlite3_bind_int64(st, 4, expires);
    return db_step_done(cx, st, "session add");
}

int ts_store_session_get(struct ts_ctx *cx, const unsigned char hash[32], int64_t *user_id,
                         const char **csrf)
{
    sqlite3_stmt *st =
        db_prep(cx, "SELECT user_id, csrf FROM sessions WHERE hash=? AND expires >= ?");
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, cx->now);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        *user_id = sqlite3_column_int64(st, 0);
        *csrf = db_col_text(cx, st, 1);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = db_fail(cx, rc, "session get");
    }
    db_done(st);
    return found;
}

int ts_store_session_delete(struct ts_ctx *cx, const unsigned char hash[32])
{
    sqlite3_stmt *st = db_prep(cx, "DELETE FROM sessions WHERE hash=?");
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    return db_step_done(cx, st, "session delete");
}

const char *ts_store_history_last_user(struct ts_ctx *cx, int64_t app_id, int64_t rec_id)
{
    sqlite3_stmt *st = db_prep(cx, "SELECT user FROM history WHERE app_id=? AND rec_id=?"
                                   " ORDER BY revision DESC LIMIT 1");
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, app_id);
    sqlite3_bind_int64(st, 2, rec_id);
    int rc = sqlite3_step(st);
    const char *user = rc == SQLITE_ROW ? db_col_text(cx, st, 0) : NULL;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        db_fail(cx, rc, "history last user");
    db_done(st);
    return user;
}

/* ---------------------------------------------------------------- cursors */

int ts_store_cursor_add(struct ts_ctx *cx, const struct ts_cursor_row *c, const int64_t *ids)
{
    sqlite3_stmt *st = db_prep(cx, "INSERT INTO cursors(id,owner,app_id,fields,ids,n,size,expires)"
                                   " VALUES(?,?,?,?,?,?,?,?)");
    if (!st)
        return -1;
    db_bind_text(st, 1, c->id);
    db_bind_text(st, 2, c->owner);
    sqlite3_bind_int64(st, 3, c->app_id);
    db_bind_text(st, 4, c->fields);
    sqlite3_bind_blob64(st, 5, c->n ? (const void *)ids : "", (sqlite3_uint64)c->n * 8,
                        SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, c->n);
    sqlite3_bind_int64(st, 7, c->size);
    sqlite3_bind_int64(st, 8, c->expires);
    return db_step_done(cx, st, "cursor add");
}

int64_t ts_store_cursor_count(struct ts_ctx *cx, const char *owner, int64_t now)
{
    sqlite3_stmt *st =
        db_prep(cx, owner ? "SELECT count(*) FROM cursors WHERE owner=?1 AND expires > ?2"
                          : "SELECT count(*) FROM cursors WHERE expires > ?2");
    if (!st)
        return -1;
    if (owner)
        db_bind_text(st, 1, owner);
    sqlite3_bind_int64(st, 2, now);
    int rc = sqlite3_step(st);
    int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    db_done(st);
    return n >= 0 ? n : db_fail(cx, rc, "cursor count");
}

int ts_store_cursor_next(struct ts_ctx *cx, const char *id, const char *owner, int64_t now,
                         int64_t ttl, struct ts_cursor_row *out, int64_t **ids, size_t *n)
{
    sqlite3_stmt *st =
        db_prep(cx, "SELECT app_id, fields, n, pos, size, substr(ids, pos * 8 + 1, size * 8)"
                    " FROM cursors WHERE id=? AND owner=? AND expires > ?");
    if (!st)
        return -1;
    db_bind_text(st, 1, id);
    db_bind_text(st, 2, owner);
    sqlite3_bind_int64(st, 3, now);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        db_done(st);
        return rc == SQLITE_DONE ? 0 : db_fail(cx, rc, "cursor next");
    }
    *out = (struct ts_cursor_row){.id = id,
                                  .owner = owner,
                                  .app_id = sqlite3_column_int64(st, 0),
                                  .fields = db_col_text(cx, st, 1),
                                  .n = sqlite3_column_int64(st, 2),
                                  .pos = sqlite3_column_int64(st, 3),
                                  .size = sqlite3_column_int64(st, 4)};
    size_t bytes = (size_t)sqlite3_column_bytes(st, 5);
    *n = bytes / 8;
    *ids = TS_NEW_N(cx->arena, int64_t, *n ? *n : 1);
    if (bytes)
        memcpy(*ids, sqlite3_column_blob(st, 5), *n * 8);
    db_done(st);
    bool done = out->pos + (int64_t)*n >= out->n;
    st = db_prep(cx, done ? "DELETE FROM cursors WHERE id=?1"
                          : "UPDATE cursors SET pos = pos + ?2, expires = ?3 WHERE id=?1");
    if (!st)
        return -1;
    db_bind_text(st, 1, id);
    if (!done) {
        sqlite3_bind_int64(st, 2, (int64_t)*n);
        sqlite3_bind_int64(st, 3, now + ttl);
    }
    return db_step_done(cx, st, "cursor move") < 0 ? -1 : 1;
}

int ts_store_cursor_delete(struct ts_ctx *cx, const char *id, const char *owner, int64_t now)
{
    sqlite3_stmt *st = db_prep(cx, "DELETE FROM cursors WHERE id=? AND owner=? AND expires > ?");
    if (!st)
        return -1;
    db_bind_text(st, 1, id);
    db_bind_text(st, 2, owner);
    sqlite3_bind_int64(st, 3, now);
    if (db_step_done(cx, st, "cursor delete") < 0)
        return -1;
    return sqlite3_changes(cx->db->h) > 0;
}

int ts_store_cursors_expire(struct ts_ctx *cx, int64_t now)
{
    sqlite3_stmt *st = db_prep(cx, "DELETE FROM cursors WHERE expires <= ?");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, now);
    return db_step_done(cx, st, "cursors expire");
}

/* ---------------------------------------------------------------- failed sign-ins */

int ts_store_login_locked(struct ts_ctx *cx, const char *key, int64_t now)
{
    sqlite3_stmt *st = db_prep(cx, "SELECT locked_until > ?2 FROM login_failures WHERE key=?1");
    if (!st)
        return -1;
    db_bind_text(st, 1, key);
    sqlite3_bind_int64(st, 2, now);
    int rc = sqlite3_step(st), locked = 0;
    if (rc == SQLITE_ROW)
        locked = sqlite3_column_int(st, 0);
    else if (rc != SQLITE_DONE)
        locked = db_fail(cx, rc, "login locked");
    db_done(st);
    return locked;
}

int ts_store_login_failed(struct ts_ctx *cx, const char *key, int64_t now, int limit, int window,
                          int lockout)
{
    /* a new window when the last one and its lock are over; the limit-th
     * failure in a window locks (a lock is not made longer by more) */
    sqlite3_stmt *st = db_prep(cx, "INSERT INTO login_failures VALUES(?1, 1, ?2, 0)"
                                   " ON CONFLICT(key) DO UPDATE SET"
                                   " fails = CASE WHEN ?2 - window_start > ?3"
                                   "  AND locked_until <= ?2 THEN 1 ELSE fails + 1 END,"
                                   " window_start = CASE WHEN ?2 - window_start > ?3"
                                   "  AND locked_until <= ?2 THEN ?2 ELSE window_start END");
    if (!st)
        return -1;
    db_bind_text(st, 1, key);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int(st, 3, window);
    if (db_step_done(cx, st, "login failed") < 0 ||
        !(st = db_prep(cx, "UPDATE login_failures SET locked_until = ?2 + ?4"
                           " WHERE key=?1 AND fails >= ?3 AND locked_until <= ?2")))
        return -1;
    db_bind_text(st, 1, key);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int(st, 3, limit);
    sqlite3_bind_int(st, 4, lockout);
    return db_step_done(cx, st, "login lock");
}

int ts_store_login_failures_expire(struct ts_ctx *cx, int64_t now, int window)
{
    sqlite3_stmt *st = db_prep(cx, "DELETE FROM login_failures"
                                   " WHERE ?1 - window_start > ?2 AND locked_until <= ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, window);
    return db_step_done(cx, st, "login failures expire");
}

/* ---------------------------------------------------------------- API tokens */

int ts_store_token_add(struct ts_ctx *cx, const unsigned char hash[32], struct ts_token_row *t)
{
    sqlite3_stmt *st = db_prep(cx, "INSERT INTO api_tokens(hash,app_id,perms,prefix,note,creator,"
                                   "created,creator_id) VALUES(?,?,?,?,?,?,?,?)");
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, t->app_id);
    sqlite3_bind_int(st, 3, (int)t->perms);
    db_bind_text(st, 4, t->prefix);
    db_bind_text(st, 5, t->note ? t->note : "");
    db_bind_text(st, 6, t->creator);
    sqlite3_bind_int64(st, 7, t->created);
    sqlite3_bind_int64(st, 8, t->creator_id);
    if (db_step_done(cx, st, "token add") < 0)
        return -1;
    t->id = sqlite3_last_insert_rowid(cx->db->h);
    return 0;
}

int ts_store_token_find(struct ts_ctx *cx, const unsigned char hash[32], struct ts_token_grant *g)
{
    sqlite3_stmt *st = db_prep(
        cx, "SELECT id, app_id, perms, creator_id FROM api_tokens WHERE hash=? AND revoked=0");
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        g->id = sqlite3_column_int64(st, 0);
        g->app_id = sqlite3_column_int64(st, 1);
        g->perms = (unsigned)sqlite3_column_int(st, 2);
        g->creator_id = sqlite3_column_int64(st, 3);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = db_fail(cx, rc, "token find");
    }
    db_done(st);
    return found;
}

int ts_store_token_each(struct ts_ctx *cx, int64_t app_id, ts_token_fn *fn, void *arg)
{
    sqlite3_stmt *st = db_prep(cx, "SELECT t.id, t.app_id, t.perms, t.prefix, t.note,"
                                   " coalesce(u.code, t.creator), t.created, t.creator_id"
                                   " FROM api_tokens t LEFT JOIN users u ON u.id = t.creator_id"
                                   " WHERE t.app_id=? AND t.revoked=0 ORDER BY t.id");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, app_id);
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct ts_token_row t = {
            .id = sqlite3_column_int64(st, 0),
            .app_id = sqlite3_column_int64(st, 1),
            .perms = (unsigned)sqlite3_column_int(st, 2),
            .prefix = db_col_text(cx, st, 3),
            .note = db_col_text(cx, st, 4),
            .creator = db_col_text(cx, st, 5),
            .created = sqlite3_column_int64(st, 6),
            .creator_id = sqlite3_column_int64(st, 7),
        };
        if (fn(cx, &t, arg) < 0) {
            ret = -1;
            break;
        }
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(cx, rc, "token list");
    db_done(st);
    return ret;
}

int ts_store_token_revoke(struct ts_ctx *cx, int64_t app_id, int64_t token_id)
{
    sqlite3_stmt *st =
        db_prep(cx, "UPDATE api_tokens SET revoked=1 WHERE app_id=? AND id=? AND revoked=0");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, app_id);
    sqlite3_bind_int64(st, 2, token_id);
    if (db_step_done(cx, st, "token revoke") < 0)
        return -1;
    return sqlite3_changes(cx->db->h) > 0;
}

/* ---------------------------------------------------------------- apps */

int64_t ts_store_app_insert(struct ts_ctx *cx, const char *name, const char *creator,
                            int64_t space_id, int64_t thread_id)
{
    sqlite3_stmt *st = db_prep(cx, "INSERT INTO apps(name,space_id,thread_id,creator,created,"
                                   "modifier,modified) VALUES(?,?,?,?,?,?,?)");
    if (!st)
        return -1;
    db_bind_text(st, 1, name);
    if (space_id)
        sqlite3_bind_int64(st, 2, space_id);
    if (thread_id)
        sqlite3_bind_int64(st, 3, thread_id);
    db_bind_text(st, 4, creator);
    sqlite3_bind_int64(st, 5, cx->now);
    db_bind_text(st, 6, creator);
    sqlite3_bind_int64(st, 7, cx->now);
    if (db_step_done(cx, st, "app insert") < 0)
        return -1;
    return sqlite3_last_insert_rowid(cx->db->h);
}

#define APP_COLS                                                                                   \
    "id,code,name,description,space_id,thread_id,creator,created,modifier,modified,revision,"      \
    "live_revision,deploy_status,deploy_error"

static struct ts_app_row *app_row(struct ts_ctx *cx, sqlite3_stmt *st)
{
    struct ts_app_row *r = TS_NEW(cx->arena, struct ts_app_row);
    r->id = sqlite3_column_int64(st, 0);
    r->code = db_col_text(cx, st, 1);
    r->name = db_col_text(cx, st, 2);
    r->description = db_col_text(cx, st, 3);
    r->space_id = sqlite3_column_int64(st, 4);
    r->thread_id = sqlite3_column_int64(st, 5);
    r->creator = db_col_text(cx, st, 6);
    r->created = sqlite3_column_int64(st, 7);
    r->modifier = db_col_text(cx, st, 8);
    r->modified = sqlite3_column_int64(st, 9);
    r->revision = sqlite3_column_int64(st, 10);
    r->live_revision = sqlite3_column_int64(st, 11);
    r->deploy_status = db_col_text(cx, st, 12);
    r->deploy_error = db_col_text(cx, st, 13);
    return r;
}

struct ts_app_row *ts_store_app_row(struct ts_ctx *cx, int64_t id)
{
    sqlite3_stmt *st = db_prep(cx, "SELECT " APP_COLS " FROM apps WHERE id=?");
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    struct ts_app_row *r = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        r = app_row(cx, st);
    else if (rc != SQLITE_DONE)
        db_fail(cx, rc, "app get");
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
    sqlite3_stmt *st = db_prep(cx, sql.p);
    ts_buf_release(&sql);
    if (!st)
        return -1;
    int k = 1;
    for (int i = 0; i < f->n_ids; i++)
        sqlite3_bind_int64(st, k++, f->ids[i]);
    for (int i = 0; i < f->n_codes; i++)
        db_bind_text(st, k++, f->codes[i]);
    if (f->name)
        db_bind_text(st, k++, f->name);
    for (int i = 0; i < f->n_space_ids; i++)
        sqlite3_bind_int64(st, k++, f->space_ids[i]);
    sqlite3_bind_int64(st, k++, f->limit);
    sqlite3_bind_int64(st, k++, f->offset);
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(cx, app_row(cx, st), arg) < 0) {
            ret = -1;
            break;
        }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(cx, rc, "app list");
    db_done(st);
    return ret;
}

const char *ts_store_app_def(struct ts_ctx *cx, int64_t app_id, enum ts_stage stage)
{
    sqlite3_stmt *st = db_prep(cx, "SELECT body FROM app_defs WHERE app_id=? AND stage=?");
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, app_id);
    sqlite3_bind_int(st, 2, stage);
    const char *body = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        body = db_col_text(cx, st, 0);
    else if (rc != SQLITE_DONE)
        db_fail(cx, rc, "app def get");
    db_done(st);
    return body;
}

int ts_store_app_def_put(struct ts_ctx *cx, int64_t app_id, enum ts_stage stage, const char *json)
{
    sqlite3_stmt *st = db_prep(cx, "INSERT INTO app_defs(app_id,stage,body) VALUES(?,?,?)"
                                   " ON CONFLICT(app_id,stage) DO UPDATE SET body=excluded.body");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, app_id);
    sqlite3_bind_int(st, 2, stage);
    db_bind_text(st, 3, json);
    return db_step_done(cx, st, "app def put");
}

int64_t ts_store_app_touch(struct ts_ctx *cx, int64_t app_id, const char *modifier)
{
    sqlite3_stmt *st = db_prep(cx, "UPDATE apps SET revision=revision+1, modifier=?, modified=?"
                                   " WHERE id=? RETURNING revision");
    if (!st)
        return -1;
    db_bind_text(st, 1, modifier);
    sqlite3_bind_int64(st, 2, cx->now);
    sqlite3_bind_int64(st, 3, app_id);
    int64_t rev = -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rev = sqlite3_column_int64(st, 0);
    else
        db_fail(cx, rc, "app touch");
    db_done(st);
    return rev;
}

int ts_store_app_set_deployed(struct ts_ctx *cx, const struct ts_app_row *r)
{
    sqlite3_stmt *st = db_prep(cx, "UPDATE apps SET code=?, name=?, description=?,"
                                   " live_revision=?, deploy_status=?, deploy_error=?,"
                                   " modifier=?, modified=? WHERE id=?");
    if (!st)
        return -1;
    db_bind_text(st, 1, r->code ? r->code : "");
    db_bind_text(st, 2, r->name);
    db_bind_text(st, 3, r->description ? r->description : "");
    sqlite3_bind_int64(st, 4, r->live_revision);
    db_bind_text(st, 5, r->deploy_status);
    db_bind_text(st, 6, r->deploy_error);
    db_bind_text(st, 7, r->modifier);
    sqlite3_bind_int64(st, 8, r->modified);
    sqlite3_bind_int64(st, 9, r->id);
    return db_step_done(cx, st, "app deployed");
}

int ts_store_apps_interrupted(struct ts_ctx *cx, const char *why)
{
    sqlite3_stmt *st = db_prep(cx, "UPDATE apps SET deploy_status='FAIL', deploy_error=?"
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
    sqlite3_stmt *st = db_prep(cx, "INSERT OR REPLACE INTO history(app_id,rec_id,revision,at,user,"
                                   "action,changes) VALUES(?,?,?,?,?,?,?)");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, app_id);
    sqlite3_bind_int64(st, 2, rec_id);
    sqlite3_bind_int64(st, 3, h->revision);
    sqlite3_bind_int64(st, 4, h->at);
    db_bind_text(st, 5, h->user);
    db_bind_text(st, 6, h->action);
    db_bind_text(st, 7, h->changes);
    return db_step_done(cx, st, "history add");
}

int ts_store_history_each(struct ts_ctx *cx, int64_t app_id, int64_t rec_id, ts_history_fn *fn,
                          void *arg)
{
    sqlite3_stmt *st = db_prep(cx, "SELECT revision,at,user,action,changes FROM history"
                                   " WHERE app_id=? AND rec_id=? ORDER BY revision DESC");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, app_id);
    sqlite3_bind_int64(st, 2, rec_id);
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct ts_history_row h = {
            .revision = sqlite3_column_int64(st, 0),
            .at = sqlite3_column_int64(st, 1),
            .user = db_col_text(cx, st, 2),
            .action = db_col_text(cx, st, 3),
            .changes = db_col_text(cx, st, 4),
        };
        if (fn(cx, &h, arg) < 0) {
            ret = -1;
            break;
        }
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(cx, rc, "history list");
    db_done(st);
    return ret;
}

/* ---------------------------------------------------------------- comments */

int64_t ts_store_comment_add(struct ts_ctx *cx, int64_t app_id, int64_t rec_id,
                             const struct ts_comment_row *c)
{
    /* ids count per record and are never reused, deleted comments included */
    sqlite3_stmt *st =
        db_prep(cx, "INSERT INTO comments(app_id,rec_id,id,text,mentions,creator,created)"
                    " VALUES(?1,?2,(SELECT coalesce(max(id),0)+1 FROM comments WHERE app_id=?1 AND"
                    " rec_id=?2),?3,?4,?5,?6) RETURNING id");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, app_id);
    sqlite3_bind_int64(st, 2, rec_id);
    db_bind_text(st, 3, c->text);
    db_bind_text(st, 4, c->mentions);
    db_bind_text(st, 5, c->creator);
    sqlite3_bind_int64(st, 6, c->created);
    int64_t id = -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    else
        db_fail(cx, rc, "comment add");
    db_done(st);
    return id;
}

static struct ts_comment_row *comment_row(struct ts_ctx *cx, sqlite3_stmt *st)
{
    struct ts_comment_row *c = TS_NEW(cx->arena, struct ts_comment_row);
    c->id = sqlite3_column_int64(st, 0);
    c->text = db_col_text(cx, st, 1);
    c->mentions = db_col_text(cx, st, 2);
    c->creator = db_col_text(cx, st, 3);
    c->created = sqlite3_column_int64(st, 4);
    return c;
}

struct ts_comment_row *ts_store_comment_get(struct ts_ctx *cx, int64_t app_id, int64_t rec_id,
                                            int64_t id)
{
    sqlite3_stmt *st = db_prep(cx, "SELECT id,text,mentions,creator,created FROM comments"
                                   " WHERE app_id=? AND rec_id=? AND id=? AND deleted=0");
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, app_id);
    sqlite3_bind_int64(st, 2, rec_id);
    sqlite3_bind_int64(st, 3, id);
    struct ts_comment_row *c = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        c = comment_row(cx, st);
    else if (rc != SQLITE_DONE)
        db_fail(cx, rc, "comment get");
    db_done(st);
    return c;
}

int ts_store_comment_delete(struct ts_ctx *cx, int64_t app_id, int64_t rec_id, int64_t id)
{
    sqlite3_stmt *st = db_prep(cx, "UPDATE comments SET deleted=1, text='', mentions='[]'"
                                   " WHERE app_id=? AND rec_id=? AND id=?");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, app_id);
    sqlite3_bind_int64(st, 2, rec_id);
    sqlite3_bind_int64(st, 3, id);
    return db_step_done(cx, st, "comment delete");
}

int ts_store_comment_each(struct ts_ctx *cx, int64_t app_id, int64_t rec_id, bool asc,
                          int64_t offset, int64_t limit, ts_comment_fn *fn, void *arg)
{
    sqlite3_stmt *st = db_prep(cx, asc ? "SELECT id,text,mentions,creator,created FROM comments"
                                         " WHERE app_id=? AND rec_id=? AND deleted=0"
                                         " ORDER BY id ASC LIMIT ? OFFSET ?"
                                       : "SELECT id,text,mentions,creator,created FROM comments"
                                         " WHERE app_id=? AND rec_id=? AND deleted=0"
                                         " ORDER BY id DESC LIMIT ? OFFSET ?");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, app_id);
    sqlite3_bind_int64(st, 2, rec_id);
    sqlite3_bind_int64(st, 3, limit);
    sqlite3_bind_int64(st, 4, offset);
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(cx, comment_row(cx, st), arg) < 0) {
            ret = -1;
            break;
        }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(cx, rc, "comment list");
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
    sqlite3_stmt *st = db_prep(cx, select);
    if (!st)
        return -1;
    struct change {
        sqlite3_int64 k1, k2;
        char *text;
        struct change *next;
    } *changes = NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *v = json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL);
        if (v && rename_entities(v, from, to)) {
            struct change *c = TS_NEW(cx->arena, struct change);
            char *text = json_dumps(v, JSON_COMPACT);
            *c = (struct change){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                                 ts_arena_strdup(cx->arena, text), changes};
            free(text);
            changes = c;
        }
        json_decref(v);
    }
    db_done(st);
    if (rc != SQLITE_DONE)
        return db_fail(cx, rc, "rename read");
    for (struct change *c = changes; c; c = c->next) {
        if (!(st = db_prep(cx, update)))
            return -1;
        db_bind_text(st, 1, c->text);
        sqlite3_bind_int64(st, 2, c->k1);
        sqlite3_bind_int64(st, 3, c->k2);
        if (db_step_done(cx, st, "rename write") < 0)
            return -1;
    }
    return 0;
}

int64_t ts_store_user_in_conditions(struct ts_ctx *cx, const char *code)
{
    /* a query's string literal "code" inside the settings' JSON text */
    sqlite3_stmt *st = db_prep(cx, "SELECT app_id FROM app_defs WHERE instr(body, ?) > 0 LIMIT 1");
    if (!st)
        return -1;
    db_bind_text(st, 1, ts_arena_printf(cx->arena, "\\\"%s\\\"", code));
    int rc = sqlite3_step(st);
    int64_t app = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    db_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? app : db_fail(cx, rc, "conditions");
}

int ts_store_user_rename_refs(struct ts_ctx *cx, const char *from, const char *to)
{
    static const char *const plain[] = {
        "UPDATE history SET user=?1 WHERE user=?2",
        "UPDATE comments SET creator=?1 WHERE creator=?2",
        "UPDATE circulars SET sender=?1 WHERE sender=?2",
        "UPDATE circular_people SET user=?1 WHERE user=?2",
        "UPDATE notifications SET actor=?1 WHERE actor=?2",
        "UPDATE apps SET creator=?1 WHERE creator=?2",
        "UPDATE apps SET modifier=?1 WHERE modifier=?2",
        "UPDATE api_tokens SET creator=?1 WHERE creator=?2",
    };
    for (size_t i = 0; i < TS_ARRAY_LEN(plain); i++) {
        sqlite3_stmt *st = db_prep(cx, plain[i]);
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
