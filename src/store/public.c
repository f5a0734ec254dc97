/*
 * store/public.c - what public forms keep (api/public.c): each deployed
 * form by its token (and how many answers it took), the anti-abuse
 * challenges already answered, and hits counted per key and time window
 * (in the database, so that every server counts the same).
 */
#include "base/common.h"
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

int ts_store_rate_hit(struct ts_ctx *cx, const char *key, int64_t now, int64_t window, int64_t most)
{
    struct ts_stmt *st = db_prep(
        cx,
        "INSERT INTO rate_hits(key, window_start, hits) VALUES(?1, ?2, 1)"
        " ON CONFLICT(key) DO UPDATE SET"
        " hits = CASE WHEN rate_hits.window_start <= ?2 - ?3 THEN 1 ELSE rate_hits.hits + 1 END,"
        " window_start = CASE WHEN rate_hits.window_start <= ?2 - ?3 THEN ?2"
        " ELSE rate_hits.window_start END");
    if (!st)
        return -1;
    db_bind_text(st, 1, key);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, window);
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
