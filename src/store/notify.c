/*
 * store/notify.c - notifications, the e-mail outbox, reminder marks
 * and circulars. What notify/ decides to say is written in the transaction
 * of the change that caused it: a notice is never told of a change that
 * rolled back, nor lost for one that committed.
 */
#include "base/common.h"
#include "store/sql.h"

#include <time.h>

/* ---------------------------------------------------------------- notifications */

int ts_store_note_add(struct ts_ctx *cx, struct ts_note *n)
{
    struct ts_stmt *st = db_prep(cx, "INSERT INTO notifications(user_id, at, kind, app_id, rec_id,"
                                     " actor, title, body) VALUES(?,?,?,?,?,?,?,?) RETURNING id");
    if (!st)
        return -1;
    db_bind_int(st, 1, n->user_id);
    db_bind_int(st, 2, n->at);
    db_bind_text(st, 3, n->kind);
    db_bind_int(st, 4, n->app_id);
    db_bind_int(st, 5, n->rec_id);
    db_bind_text(st, 6, n->actor ? n->actor : "");
    db_bind_text(st, 7, n->title ? n->title : "");
    db_bind_text(st, 8, n->body ? n->body : "");
    n->id = db_step_int(cx, st, "notification add");
    return n->id > 0 ? 0 : -1;
}

int ts_store_notes_each(struct ts_ctx *cx, int64_t user_id, int64_t before_id, int64_t limit,
                        bool unread_only, ts_note_fn *fn, void *arg)
{
    struct ts_stmt *st =
        db_prep(cx, unread_only ? "SELECT id, at, kind, app_id, rec_id, actor, title, body, read"
                                  " FROM notifications WHERE user_id=? AND id<? AND read=0"
                                  " ORDER BY id DESC LIMIT ?"
                                : "SELECT id, at, kind, app_id, rec_id, actor, title, body, read"
                                  " FROM notifications WHERE user_id=? AND id<?"
                                  " ORDER BY id DESC LIMIT ?");
    if (!st)
        return -1;
    db_bind_int(st, 1, user_id);
    db_bind_int(st, 2, before_id > 0 ? before_id : INT64_MAX);
    db_bind_limit(st, 3, limit);
    int rc, ret = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        struct ts_note n = {
            .id = db_col_int(st, 0),
            .at = db_col_int(st, 1),
            .user_id = user_id,
            .kind = db_col_text(cx, st, 2),
            .app_id = db_col_int(st, 3),
            .rec_id = db_col_int(st, 4),
            .actor = db_col_text(cx, st, 5),
            .title = db_col_text(cx, st, 6),
            .body = db_col_text(cx, st, 7),
            .read = db_col_int(st, 8) != 0,
        };
        if (fn(cx, &n, arg) < 0) {
            ret = -1;
            break;
        }
    }
    if (ret == 0 && rc != DB_DONE)
        ret = db_fail(cx, "notifications");
    db_done(st);
    return ret;
}

int64_t ts_store_notes_unread(struct ts_ctx *cx, int64_t user_id, int64_t *newest)
{
    struct ts_stmt *st = db_prep(cx, "SELECT (SELECT count(*) FROM notifications"
                                     " WHERE user_id=?1 AND read=0),"
                                     " (SELECT max(id) FROM notifications WHERE user_id=?1)");
    if (!st)
        return -1;
    db_bind_int(st, 1, user_id);
    int64_t n = -1;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        n = db_col_int(st, 0);
        *newest = db_col_int(st, 1);
    } else {
        db_fail(cx, "notifications unread");
    }
    db_done(st);
    return n;
}

int64_t ts_store_notes_since(struct ts_ctx *cx, int64_t after, ts_user_news_fn *fn, void *arg)
{
    struct ts_stmt *st = db_prep(cx, "SELECT max(id) FROM notifications");
    if (!st)
        return -1;
    int rc = db_step(st);
    int64_t newest = rc == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    if (newest < 0)
        return db_fail(cx, "notifications newest");
    if (!fn || newest <= after)
        return newest;
    st = db_prep(cx, "SELECT user_id, max(id) FROM notifications WHERE id > ? GROUP BY user_id");
    if (!st)
        return -1;
    db_bind_int(st, 1, after);
    while ((rc = db_step(st)) == DB_ROW)
        if (fn(cx, db_col_int(st, 0), db_col_int(st, 1), arg) < 0)
            break;
    db_done(st);
    return rc == DB_DONE ? newest : db_fail(cx, "notifications since");
}

int64_t ts_store_notes_expire(struct ts_ctx *cx, int64_t read_before, int64_t all_before,
                              int64_t mail_before)
{
    struct ts_stmt *st =
        db_prep(cx, "DELETE FROM notifications WHERE at < ? AND (read = 1 OR at < ?)");
    if (!st)
        return -1;
    db_bind_int(st, 1, read_before);
    db_bind_int(st, 2, all_before);
    if (db_step_done(cx, st, "notifications expire") < 0)
        return -1;
    int64_t n = db_changes(cx);
    st = db_prep(cx, "DELETE FROM mail_outbox WHERE state <> 0 AND created < ?");
    if (!st)
        return -1;
    db_bind_int(st, 1, mail_before);
    return db_step_done(cx, st, "mail expire") < 0 ? -1 : n;
}

int ts_store_notes_read(struct ts_ctx *cx, int64_t user_id, const int64_t *ids, int n)
{
    if (n < 0) {
        struct ts_stmt *st =
            db_prep(cx, "UPDATE notifications SET read=1 WHERE user_id=? AND read=0");
        if (!st)
            return -1;
        db_bind_int(st, 1, user_id);
        return db_step_done(cx, st, "notifications read");
    }
    for (int i = 0; i < n; i++) {
        struct ts_stmt *st =
            db_prep(cx, "UPDATE notifications SET read=1 WHERE user_id=? AND id=?");
        if (!st)
            return -1;
        db_bind_int(st, 1, user_id);
        db_bind_int(st, 2, ids[i]);
        if (db_step_done(cx, st, "notification read") < 0)
            return -1;
    }
    return 0;
}

int ts_store_notes_read_of(struct ts_ctx *cx, int64_t user_id, int64_t app_id, int64_t rec_id,
                           const char *kind)
{
    struct ts_stmt *st =
        db_prep(cx, kind ? "UPDATE notifications SET read=1 WHERE user_id=? AND read=0"
                           " AND app_id=? AND rec_id=? AND kind=?"
                         : "UPDATE notifications SET read=1 WHERE user_id=? AND read=0"
                           " AND app_id=? AND rec_id=?");
    if (!st)
        return -1;
    db_bind_int(st, 1, user_id);
    db_bind_int(st, 2, app_id);
    db_bind_int(st, 3, rec_id);
    if (kind)
        db_bind_text(st, 4, kind);
    return db_step_done(cx, st, "notifications of a record read");
}

/* ---------------------------------------------------------------- e-mail */

int ts_store_mail_add(struct ts_ctx *cx, const char *to, const char *subject, const char *body)
{
    struct ts_stmt *st = db_prep(cx, "INSERT INTO mail_outbox(to_addr, subject, body, created,"
                                     " next_try) VALUES(?,?,?,?,?)");
    if (!st)
        return -1;
    db_bind_text(st, 1, to);
    db_bind_text(st, 2, subject);
    db_bind_text(st, 3, body);
    /* the clock, not cx->now: `tsumiki reminders --at` may run as of another day */
    int64_t now = (int64_t)time(NULL);
    db_bind_int(st, 4, now);
    db_bind_int(st, 5, now);
    return db_step_done(cx, st, "mail add");
}

int ts_store_mail_due(struct ts_ctx *cx, int64_t now, int64_t limit, int64_t lease_until,
                      int max_attempts, ts_mail_fn *fn, void *arg)
{
    /* taken: not due again before lease_until, so that no other sender takes
     * them meanwhile, and one more attempt; a sender that dies leaves them to
     * be taken then */
    struct ts_stmt *st = db_prep(
        cx, ts_arena_printf(cx->arena,
                            "UPDATE mail_outbox SET next_try=?3, attempts=attempts+1 WHERE id IN"
                            " (SELECT id FROM mail_outbox WHERE state=0 AND next_try<=?1"
                            "  AND attempts < ?4 ORDER BY next_try, id LIMIT ?2%s)"
                            " RETURNING id, attempts, to_addr, subject, body",
                            cx->db->drv->skip_locked));
    if (!st)
        return -1;
    db_bind_int(st, 1, now);
    db_bind_limit(st, 2, limit);
    db_bind_int(st, 3, lease_until);
    db_bind_int(st, 4, max_attempts);
    int rc, ret = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        struct ts_mail m = {
            .id = db_col_int(st, 0),
            .attempts = db_col_int(st, 1),
            .to = db_col_text(cx, st, 2),
            .subject = db_col_text(cx, st, 3),
            .body = db_col_text(cx, st, 4),
        };
        if (fn(cx, &m, arg) < 0) {
            ret = -1;
            break;
        }
    }
    if (ret == 0 && rc != DB_DONE)
        ret = db_fail(cx, "mail due");
    db_done(st);
    return ret;
}

int ts_store_mail_done(struct ts_ctx *cx, int64_t id, const char *error, int64_t next_try)
{
    /* state: 0 waiting, 1 sent, 2 failed for good */
    struct ts_stmt *st = db_prep(cx, "UPDATE mail_outbox SET state=?, next_try=?, error=?"
                                     " WHERE id=?"); /* the attempt was counted when taken */
    if (!st)
        return -1;
    db_bind_int(st, 1, !error ? 1 : next_try ? 0 : 2);
    db_bind_int(st, 2, next_try);
    db_bind_text(st, 3, error ? error : "");
    db_bind_int(st, 4, id);
    return db_step_done(cx, st, "mail done");
}

int ts_store_mail_stats(struct ts_ctx *cx, int64_t counts[3], const char **last_error)
{
    struct ts_stmt *st = db_prep(cx, "SELECT count(CASE WHEN state=0 THEN 1 END),"
                                     " count(CASE WHEN state=1 THEN 1 END),"
                                     " count(CASE WHEN state=2 THEN 1 END),"
                                     " (SELECT error FROM mail_outbox WHERE error<>''"
                                     "  ORDER BY id DESC LIMIT 1) FROM mail_outbox");
    if (!st)
        return -1;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        for (int i = 0; i < 3; i++)
            counts[i] = db_col_int(st, i);
        *last_error = db_col_text(cx, st, 3);
    }
    db_done(st);
    return rc == DB_ROW ? 0 : db_fail(cx, "mail stats");
}

/* ---------------------------------------------------------------- reminders */

int64_t ts_store_reminder_mark(struct ts_ctx *cx, int64_t app_id)
{
    /* the row is made first and read locked: a second server's reminder job
     * waits here until this transaction has moved the mark on */
    struct ts_stmt *st = db_prep(cx, "INSERT INTO reminder_marks(app_id, upto) VALUES(?,0)"
                                     " ON CONFLICT DO NOTHING");
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    if (db_step_done(cx, st, "reminder mark") < 0)
        return -1;
    st = db_prep(cx, ts_arena_printf(cx->arena, "SELECT upto FROM reminder_marks WHERE app_id=?%s",
                                     cx->db->drv->for_update));
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    int rc = db_step(st);
    int64_t upto = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return rc == DB_ROW || rc == DB_DONE ? upto : db_fail(cx, "reminder mark");
}

int ts_store_reminder_mark_set(struct ts_ctx *cx, int64_t app_id, int64_t upto)
{
    struct ts_stmt *st = db_prep(cx, "INSERT INTO reminder_marks(app_id, upto) VALUES(?,?)"
                                     " ON CONFLICT(app_id) DO UPDATE SET upto=excluded.upto");
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    db_bind_int(st, 2, upto);
    return db_step_done(cx, st, "reminder mark set");
}

/* ---------------------------------------------------------------- circulars */

#define CIRCULAR_COLS "c.id, c.app_id, c.rec_id, c.at, c.sender, c.message"

static struct ts_circular *circular_row(struct ts_ctx *cx, struct ts_stmt *st)
{
    struct ts_circular *c = TS_NEW(cx->arena, struct ts_circular);
    c->id = db_col_int(st, 0);
    c->app_id = db_col_int(st, 1);
    c->rec_id = db_col_int(st, 2);
    c->at = db_col_int(st, 3);
    c->sender = db_col_text(cx, st, 4);
    c->message = db_col_text(cx, st, 5);
    return c;
}

int ts_store_circular_add(struct ts_ctx *cx, struct ts_circular *c, const char *const *users, int n)
{
    struct ts_stmt *st = db_prep(cx, "INSERT INTO circulars(app_id, rec_id, sender, message, at)"
                                     " VALUES(?,?,?,?,?) RETURNING id");
    if (!st)
        return -1;
    db_bind_int(st, 1, c->app_id);
    db_bind_int(st, 2, c->rec_id);
    db_bind_text(st, 3, c->sender);
    db_bind_text(st, 4, c->message);
    db_bind_int(st, 5, c->at);
    if ((c->id = db_step_int(cx, st, "circular add")) <= 0)
        return -1;
    for (int i = 0; i < n; i++) {
        st = db_prep(cx, "INSERT INTO circular_people(circular_id, \"user\") VALUES(?,?)"
                         " ON CONFLICT DO NOTHING");
        if (!st)
            return -1;
        db_bind_int(st, 1, c->id);
        db_bind_text(st, 2, users[i]);
        if (db_step_done(cx, st, "circular person") < 0)
            return -1;
    }
    return 0;
}

struct ts_circular *ts_store_circular_get(struct ts_ctx *cx, int64_t id)
{
    struct ts_stmt *st = db_prep(cx, "SELECT " CIRCULAR_COLS " FROM circulars c WHERE c.id=?");
    if (!st)
        return NULL;
    db_bind_int(st, 1, id);
    struct ts_circular *c = NULL;
    int rc = db_step(st);
    if (rc == DB_ROW)
        c = circular_row(cx, st);
    else if (rc != DB_DONE)
        db_fail(cx, "circular get");
    db_done(st);
    return c;
}

static int circulars(struct ts_ctx *cx, struct ts_stmt *st, ts_circular_fn *fn, void *arg)
{
    int rc, ret = 0;
    while ((rc = db_step(st)) == DB_ROW)
        if (fn(cx, circular_row(cx, st), arg) < 0) {
            ret = -1;
            break;
        }
    if (ret == 0 && rc != DB_DONE)
        ret = db_fail(cx, "circulars");
    db_done(st);
    return ret;
}

int ts_store_circulars_each(struct ts_ctx *cx, int64_t app_id, int64_t rec_id, ts_circular_fn *fn,
                            void *arg)
{
    struct ts_stmt *st = db_prep(cx, "SELECT " CIRCULAR_COLS " FROM circulars c"
                                     " WHERE c.app_id=? AND c.rec_id=? ORDER BY c.id DESC");
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    db_bind_int(st, 2, rec_id);
    return circulars(cx, st, fn, arg);
}

int ts_store_circulars_pending(struct ts_ctx *cx, const char *user, int64_t limit,
                               ts_circular_fn *fn, void *arg)
{
    struct ts_stmt *st =
        db_prep(cx, "SELECT " CIRCULAR_COLS " FROM circular_people p"
                    " JOIN circulars c ON c.id = p.circular_id"
                    " WHERE p.\"user\"=? AND p.confirmed=0 ORDER BY c.id DESC LIMIT ?");
    if (!st)
        return -1;
    db_bind_text(st, 1, user);
    db_bind_limit(st, 2, limit);
    return circulars(cx, st, fn, arg);
}

int ts_store_circular_people(struct ts_ctx *cx, int64_t id, ts_circular_person_fn *fn, void *arg)
{
    struct ts_stmt *st = db_prep(cx, "SELECT \"user\", confirmed, reminded, comment FROM"
                                     " circular_people WHERE circular_id=? ORDER BY rowid");
    if (!st)
        return -1;
    db_bind_int(st, 1, id);
    int rc, ret = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        struct ts_circular_person p = {
            .user = db_col_text(cx, st, 0),
            .confirmed = db_col_int(st, 1),
            .reminded = db_col_int(st, 2),
            .comment = db_col_text(cx, st, 3),
        };
        if (fn(cx, &p, arg) < 0) {
            ret = -1;
            break;
        }
    }
    if (ret == 0 && rc != DB_DONE)
        ret = db_fail(cx, "circular people");
    db_done(st);
    return ret;
}

int ts_store_circular_confirm(struct ts_ctx *cx, int64_t id, const char *user, int64_t at,
                              const char *comment)
{
    struct ts_stmt *st = db_prep(cx, "UPDATE circular_people SET"
                                     " confirmed=CASE confirmed WHEN 0 THEN ? ELSE confirmed END,"
                                     " comment=CASE WHEN ?='' THEN comment ELSE ? END"
                                     " WHERE circular_id=? AND \"user\"=?");
    if (!st)
        return -1;
    db_bind_int(st, 1, at);
    db_bind_text(st, 2, comment ? comment : "");
    db_bind_text(st, 3, comment ? comment : "");
    db_bind_int(st, 4, id);
    db_bind_text(st, 5, user);
    if (db_step_done(cx, st, "circular confirm") < 0)
        return -1;
    return db_changes(cx) > 0;
}

int ts_store_circular_reminded(struct ts_ctx *cx, int64_t id, const char *user, int64_t at)
{
    struct ts_stmt *st =
        db_prep(cx, "UPDATE circular_people SET reminded=? WHERE circular_id=? AND \"user\"=?");
    if (!st)
        return -1;
    db_bind_int(st, 1, at);
    db_bind_int(st, 2, id);
    db_bind_text(st, 3, user);
    return db_step_done(cx, st, "circular reminded");
}
