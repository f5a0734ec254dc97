/*
 * store/public.c - what public forms keep (api/public.c): each deployed
 * form by its token (and how many answers it took), the anti-abuse
 * challenges already answered, and hits counted per key and time window
 * (in the database, so that every server counts the same); and the personal
 * links of forms and views, with the answers sent through them.
 */
#include "base/common.h"
#include "base/str.h"
#include "store/sql.h"

int ts_store_public_forms_set(struct ts_ctx *cx, int64_t app_id, int64_t rev,
                              const char *const *tokens, const int64_t *form_ids, int n)
{
    for (int i = 0; i < n; i++) {
        struct ts_stmt *st = db_prep(cx, "INSERT INTO public_forms(token,app_id,form_id,rev)"
                                         " VALUES(?1,?2,?3,?4) ON CONFLICT(token) DO UPDATE"
                                         " SET app_id=?2, form_id=?3, rev=?4");
        if (!st)
            return -1;
        db_bind_text(st, 1, tokens[i]);
        db_bind_int(st, 2, app_id);
        db_bind_int(st, 3, form_ids[i]);
        db_bind_int(st, 4, rev);
        if (db_step_done(cx, st, "public form set") < 0)
            return -1;
    }
    struct ts_stmt *st = db_prep(cx, "DELETE FROM public_forms WHERE app_id=? AND rev<>?");
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    db_bind_int(st, 2, rev);
    return db_step_done(cx, st, "public forms gone");
}

int ts_store_public_form_find(struct ts_ctx *cx, const char *token, int64_t *app_id,
                              int64_t *form_id, int64_t *answers)
{
    struct ts_stmt *st =
        db_prep(cx, "SELECT app_id, form_id, answers FROM public_forms WHERE token=?");
    if (!st)
        return -1;
    db_bind_text(st, 1, token);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *app_id = db_col_int(st, 0);
        *form_id = db_col_int(st, 1);
        *answers = db_col_int(st, 2);
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : db_fail(cx, "public form find");
}

int ts_store_public_form_answered(struct ts_ctx *cx, const char *token)
{
    struct ts_stmt *st = db_prep(cx, "UPDATE public_forms SET answers = answers + 1 WHERE token=?");
    if (!st)
        return -1;
    db_bind_text(st, 1, token);
    return db_step_done(cx, st, "public form answered");
}

int ts_store_public_challenge_use(struct ts_ctx *cx, const char *challenge, int64_t expires,
                                  int64_t now)
{
    struct ts_stmt *st = db_prep(cx, "DELETE FROM public_used WHERE expires < ?");
    if (!st)
        return -1;
    db_bind_int(st, 1, now);
    if (db_step_done(cx, st, "public used expire") < 0)
        return -1;
    st = db_prep(cx, "INSERT INTO public_used(challenge, expires) VALUES(?,?)"
                     " ON CONFLICT(challenge) DO NOTHING");
    if (!st)
        return -1;
    db_bind_text(st, 1, challenge);
    db_bind_int(st, 2, expires);
    if (db_step_done(cx, st, "public used") < 0)
        return -1;
    return db_changes(cx) == 1 ? 1 : 0;
}

int ts_store_rate_hits_expire(struct ts_ctx *cx, int64_t before)
{
    struct ts_stmt *st = db_prep(cx, "DELETE FROM rate_hits WHERE window_start < ?");
    if (!st)
        return -1;
    db_bind_int(st, 1, before);
    return db_step_done(cx, st, "rate hits expire");
}

int ts_store_rate_hit(struct ts_ctx *cx, const char *key, int64_t now, int64_t window, int64_t most)
{
    return ts_store_rate_add(cx, key, now, window, 1, most);
}

int ts_store_rate_add(struct ts_ctx *cx, const char *key, int64_t now, int64_t window, int64_t n,
                      int64_t most)
{
    struct ts_stmt *st = db_prep(
        cx,
        "INSERT INTO rate_hits(key, window_start, hits) VALUES(?1, ?2, ?4)"
        " ON CONFLICT(key) DO UPDATE SET"
        " hits = CASE WHEN rate_hits.window_start <= ?2 - ?3 THEN ?4 ELSE rate_hits.hits + ?4 END,"
        " window_start = CASE WHEN rate_hits.window_start <= ?2 - ?3 THEN ?2"
        " ELSE rate_hits.window_start END");
    if (!st)
        return -1;
    db_bind_text(st, 1, key);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, window);
    db_bind_int(st, 4, n);
    if (db_step_done(cx, st, "rate hit") < 0)
        return -1;
    st = db_prep(cx, "SELECT hits FROM rate_hits WHERE key=?");
    if (!st)
        return -1;
    db_bind_text(st, 1, key);
    int rc = db_step(st);
    int64_t hits = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (rc < 0)
        return db_fail(cx, "rate hits");
    return hits <= most ? 1 : 0;
}

/* ---------------------------------------------------------------- personal links */

static void link_row(struct ts_ctx *cx, struct ts_stmt *st, struct ts_public_link *l)
{
    *l = (struct ts_public_link){
        .token = db_col_text(cx, st, 0),
        .parent = db_col_text(cx, st, 1),
        .recipient = db_col_text(cx, st, 2),
        .name = db_col_text(cx, st, 3),
        .email = db_col_text(cx, st, 4),
        .created = db_col_int(st, 5),
        .revoked = db_col_int(st, 6),
        .sent = db_col_int(st, 7),
        .reminded = db_col_int(st, 8),
    };
}

#define LINK_COLUMNS "token, parent, recipient, name, email, created, revoked, sent, reminded"

int ts_store_public_link_find(struct ts_ctx *cx, const char *token, struct ts_public_link *out)
{
    struct ts_stmt *st = db_prep(cx, "SELECT " LINK_COLUMNS " FROM public_links WHERE token=?");
    if (!st)
        return -1;
    db_bind_text(st, 1, token);
    int rc = db_step(st);
    if (rc == DB_ROW)
        link_row(cx, st, out);
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : db_fail(cx, "public link find");
}

int ts_store_public_link_issue(struct ts_ctx *cx, const struct ts_public_link *l)
{
    /* a recipient keeps their link; a revoked one is replaced by a new one */
    struct ts_stmt *st = db_prep(
        cx, "INSERT INTO public_links(token, parent, recipient, name, email, created)"
            " VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(parent, recipient) DO UPDATE SET"
            " token = CASE WHEN public_links.revoked <> 0 THEN ?1 ELSE public_links.token END,"
            " created = CASE WHEN public_links.revoked <> 0 THEN ?6 ELSE public_links.created END,"
            " sent = CASE WHEN public_links.revoked <> 0 THEN 0 ELSE public_links.sent END,"
            " reminded = CASE WHEN public_links.revoked <> 0 THEN 0 ELSE public_links.reminded END,"
            " revoked = 0, name = ?4, email = ?5");
    if (!st)
        return -1;
    db_bind_text(st, 1, l->token);
    db_bind_text(st, 2, l->parent);
    db_bind_text(st, 3, l->recipient);
    db_bind_text(st, 4, l->name);
    db_bind_text(st, 5, l->email);
    db_bind_int(st, 6, l->created);
    return db_step_done(cx, st, "public link issue");
}

int ts_store_public_links(struct ts_ctx *cx, const char *parent,
                          int (*each)(struct ts_ctx *, const struct ts_public_link *, void *),
                          void *arg)
{
    struct ts_stmt *st =
        db_prep(cx, "SELECT " LINK_COLUMNS ", (SELECT count(*) FROM public_answers a"
                    " WHERE a.parent = l.parent AND a.recipient = l.recipient),"
                    " (SELECT max(at) FROM public_answers a"
                    " WHERE a.parent = l.parent AND a.recipient = l.recipient)"
                    " FROM public_links l WHERE parent=? ORDER BY recipient");
    if (!st)
        return -1;
    db_bind_text(st, 1, parent);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct ts_public_link l;
        link_row(cx, st, &l);
        l.answers = db_col_int(st, 9);
        l.answered = db_col_int(st, 10);
        if (each(cx, &l, arg) < 0) {
            db_done(st);
            return -1;
        }
    }
    db_done(st);
    return rc == DB_DONE ? 0 : db_fail(cx, "public links");
}

int ts_store_public_link_set(struct ts_ctx *cx, const char *parent, const char *recipient,
                             const char *column, int64_t value)
{
    const char *sql = ts_str_eq(column, "revoked")
                          ? "UPDATE public_links SET revoked=? WHERE parent=? AND recipient=?"
                      : ts_str_eq(column, "sent")
                          ? "UPDATE public_links SET sent=? WHERE parent=? AND recipient=?"
                          : "UPDATE public_links SET reminded=? WHERE parent=? AND recipient=?";
    struct ts_stmt *st = db_prep(cx, sql);
    if (!st)
        return -1;
    db_bind_int(st, 1, value);
    db_bind_text(st, 2, parent);
    db_bind_text(st, 3, recipient);
    if (db_step_done(cx, st, "public link set") < 0)
        return -1;
    return (int)db_changes(cx);
}

int ts_store_public_answer_add(struct ts_ctx *cx, const char *parent, const char *recipient,
                               const char *receipt, int64_t app_id, int64_t record_id, int64_t at)
{
    struct ts_stmt *st =
        db_prep(cx, "INSERT INTO public_answers(parent, recipient, receipt, app_id, record_id, at)"
                    " VALUES(?,?,?,?,?,?)");
    if (!st)
        return -1;
    db_bind_text(st, 1, parent);
    db_bind_text(st, 2, recipient);
    db_bind_text(st, 3, receipt);
    db_bind_int(st, 4, app_id);
    db_bind_int(st, 5, record_id);
    db_bind_int(st, 6, at);
    return db_step_done(cx, st, "public answer");
}

int ts_store_public_answers(struct ts_ctx *cx, const char *parent, const char *recipient,
                            struct ts_public_answer **out, int *n)
{
    struct ts_stmt *st = db_prep(cx, "SELECT receipt, record_id, at FROM public_answers"
                                     " WHERE parent=? AND recipient=? ORDER BY at DESC, receipt");
    if (!st)
        return -1;
    db_bind_text(st, 1, parent);
    db_bind_text(st, 2, recipient);
    int rc, cap = 0;
    *n = 0;
    *out = NULL;
    while ((rc = db_step(st)) == DB_ROW) {
        *out = ts_arena_grow(cx->arena, *out, *n, &cap, sizeof(**out));
        (*out)[(*n)++] = (struct ts_public_answer){.receipt = db_col_text(cx, st, 0),
                                                   .record_id = db_col_int(st, 1),
                                                   .at = db_col_int(st, 2)};
    }
    db_done(st);
    return rc == DB_DONE ? 0 : db_fail(cx, "public answers");
}
