/*
 * store/print.c - PDFs being made (api/print.c): a job a row, with the ids of
 * its records in their order. A job is claimed by one server at a time; one
 * whose server has not said it is still at it for a while is taken up again
 * from the start by another (its half-written file went with the server), at
 * most MAX_ATTEMPTS times. The attempt's number is the claim: a server that
 * lost its job (it took too long) can no longer report on it.
 */
#include "base/common.h"
#include "store/sql.h"

#define MAX_ATTEMPTS 3

int ts_store_print_job_add(struct ts_ctx *cx, const struct ts_print_job *j, const int64_t *ids)
{
    struct ts_stmt *st = db_prep(cx, "INSERT INTO print_jobs(id,owner_id,app_id,spec,ids,n,status,"
                                     "created,heartbeat) VALUES(?,?,?,?,?,?,'QUEUED',?,?)");
    if (!st)
        return -1;
    db_bind_int(st, 1, j->id);
    db_bind_int(st, 2, j->owner_id);
    db_bind_int(st, 3, j->app_id);
    db_bind_text(st, 4, j->spec);
    db_bind_blob(st, 5, j->n ? (const void *)ids : "", (size_t)j->n * 8);
    db_bind_int(st, 6, j->n);
    db_bind_int(st, 7, j->created);
    db_bind_int(st, 8, j->created);
    return db_step_done(cx, st, "print job add");
}

int ts_store_print_job_get(struct ts_ctx *cx, int64_t id, struct ts_print_job *out, int64_t **ids)
{
    struct ts_stmt *st =
        db_prep(cx, ids ? "SELECT owner_id, app_id, spec, n, done, status, file_key, error,"
                          " created, heartbeat, attempt, ids FROM print_jobs WHERE id=?"
                        : "SELECT owner_id, app_id, spec, n, done, status, file_key, error,"
                          " created, heartbeat, attempt FROM print_jobs WHERE id=?");
    if (!st)
        return -1;
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return rc == DB_DONE ? 0 : db_fail(cx, "print job get");
    }
    *out = (struct ts_print_job){.id = id,
                                 .owner_id = db_col_int(st, 0),
                                 .app_id = db_col_int(st, 1),
                                 .spec = db_col_text(cx, st, 2),
                                 .n = db_col_int(st, 3),
                                 .done = db_col_int(st, 4),
                                 .status = db_col_text(cx, st, 5),
                                 .file_key = db_col_text(cx, st, 6),
                                 .error = db_col_text(cx, st, 7),
                                 .created = db_col_int(st, 8),
                                 .heartbeat = db_col_int(st, 9),
                                 .attempt = db_col_int(st, 10)};
    if (ids) {
        size_t bytes = 0;
        const void *packed = db_col_blob(cx, st, 11, &bytes);
        *ids = TS_NEW_N(cx->arena, int64_t, bytes / 8 + 1);
        if (bytes)
            memcpy(*ids, packed, bytes / 8 * 8);
        if (out->n > (int64_t)(bytes / 8)) /* never past what is there */
            out->n = (int64_t)(bytes / 8);
    }
    db_done(st);
    return 1;
}

int64_t ts_store_print_job_claim(struct ts_ctx *cx, int64_t now, int64_t stale_before,
                                 int64_t *attempt)
{
    /* a job its servers kept stopping on is given up */
    struct ts_stmt *st = db_prep(cx, "UPDATE print_jobs SET status='FAILED', error='stopped'"
                                     " WHERE status='RUNNING' AND heartbeat < ? AND attempt >= ?");
    if (!st)
        return -1;
    db_bind_int(st, 1, stale_before);
    db_bind_int(st, 2, MAX_ATTEMPTS);
    if (db_step_done(cx, st, "print job give up") < 0)
        return -1;
    st = db_prep(cx, "SELECT id, attempt FROM print_jobs WHERE status='QUEUED'"
                     " OR (status='RUNNING' AND heartbeat < ?) ORDER BY id LIMIT 1");
    if (!st)
        return -1;
    db_bind_int(st, 1, stale_before);
    int rc = db_step(st);
    int64_t id = rc == DB_ROW ? db_col_int(st, 0) : 0;
    *attempt = rc == DB_ROW ? db_col_int(st, 1) + 1 : 0;
    db_done(st);
    if (rc < 0)
        return db_fail(cx, "print job claim");
    if (!id)
        return 0;
    /* only if no other server took it meanwhile */
    st = db_prep(cx, "UPDATE print_jobs SET status='RUNNING', done=0, heartbeat=?2, attempt=?3"
                     " WHERE id=?1 AND attempt=?3 - 1");
    if (!st)
        return -1;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, *attempt);
    if (db_step_done(cx, st, "print job claim") < 0)
        return -1;
    return db_changes(cx) == 1 ? id : 0;
}

int ts_store_print_job_progress(struct ts_ctx *cx, int64_t id, int64_t attempt, int64_t done,
                                int64_t now)
{
    struct ts_stmt *st = db_prep(cx, "UPDATE print_jobs SET done=?2, heartbeat=?3"
                                     " WHERE id=?1 AND status='RUNNING' AND attempt=?4");
    if (!st)
        return -1;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, done);
    db_bind_int(st, 3, now);
    db_bind_int(st, 4, attempt);
    if (db_step_done(cx, st, "print job progress") < 0)
        return -1;
    return db_changes(cx) == 1 ? 1 : 0;
}

int ts_store_print_job_end(struct ts_ctx *cx, int64_t id, int64_t attempt, const char *status,
                           const char *file_key, const char *error, int64_t now)
{
    /* QUEUED: handed back (the server is stopping), to be taken up again */
    struct ts_stmt *st =
        db_prep(cx, "UPDATE print_jobs SET status=?2, file_key=?3, error=?4, heartbeat=?5,"
                    " done=CASE WHEN ?2='DONE' THEN n WHEN ?2='QUEUED' THEN 0 ELSE done END,"
                    " attempt=CASE WHEN ?2='QUEUED' THEN attempt - 1 ELSE attempt END"
                    " WHERE id=?1 AND attempt=?6 AND status='RUNNING'");
    if (!st)
        return -1;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, status);
    if (file_key)
        db_bind_text(st, 3, file_key);
    else
        db_bind_null(st, 3);
    if (error)
        db_bind_text(st, 4, error);
    else
        db_bind_null(st, 4);
    db_bind_int(st, 5, now);
    db_bind_int(st, 6, attempt);
    return db_step_done(cx, st, "print job end");
}

int64_t ts_store_print_jobs_active(struct ts_ctx *cx, int64_t owner_id)
{
    struct ts_stmt *st = db_prep(
        cx, owner_id ? "SELECT count(*) FROM print_jobs WHERE owner_id=?"
                       " AND status IN ('QUEUED','RUNNING')"
                     : "SELECT count(*) FROM print_jobs WHERE status IN ('QUEUED','RUNNING')");
    if (!st)
        return -1;
    if (owner_id)
        db_bind_int(st, 1, owner_id);
    int rc = db_step(st);
    int64_t n = rc == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    return n >= 0 ? n : db_fail(cx, "print jobs active");
}

int ts_store_print_jobs_expire(struct ts_ctx *cx, int64_t before)
{
    struct ts_stmt *st = db_prep(cx, "DELETE FROM print_jobs WHERE status IN ('DONE','FAILED')"
                                     " AND heartbeat < ?");
    if (!st)
        return -1;
    db_bind_int(st, 1, before);
    return db_step_done(cx, st, "print jobs expire");
}
