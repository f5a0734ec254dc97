/*
 * api/print.c - PDFs of records (our extension, README "Print and PDF").
 * POST /api/print asks for one: the records a query selects, in its order,
 * each from a new page laid out by a print template or the form (RECORDS), or
 * as a table (TABLE). A background job makes it (ts_print_run, on the jobs'
 * print lane) while GET /api/print says how far it got; GET /api/print/file
 * gives the finished PDF to whoever asked for it, and no one else.
 *
 * The job reads the records as its owner may see them now, a chunk at a time,
 * each chunk in a read of its own; the PDF is written to disk page by page
 * and kept as the owner's upload (it expires as uploads do). A server that
 * stops half-way leaves the job to be taken up again by the next one.
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "base/log.h"
#include "base/str.h"
#include "base/tstime.h"
#include "files/files.h"
#include "policy/policy.h"
#include "print/pdf.h"
#include "record/record.h"
#include "store/store.h"

#define MAX_RECORD_PAGES 10000  /* records printed a page (at least) each */
#define MAX_TABLE_ROWS   100000 /* records printed as a table's rows */
#define MAX_ACTIVE       3      /* a person's PDFs waiting or being made */
#define MAX_QUEUED       100    /* everyone's */
#define MAX_PAGES        20000  /* a record's tables and long texts may take pages */
#define MAX_PDF_BYTES    ((int64_t)1 << 30)
#define MAX_COLUMNS      30
#define CHUNK            50  /* records read at a time */
#define STALE_SECONDS    120 /* a running job no server spoke for is taken up again */
#define KEEP_SECONDS     (24 * 3600)

/* The print template named by id in the app's settings, or NULL. */
static const json_t *template_of(const struct ts_app *app, const char *id)
{
    const char *name;
    json_t *t;
    json_object_foreach (json_object_get(app->def, "printTemplates"), name, t)
        if (ts_str_eq(json_string_value(json_object_get(t, "id")), id))
            return t;
    return NULL;
}

/* What to make, checked: {"layout", "template", "fields", "title"}, and
 * "draft": a layout being made in the settings, tried before it is deployed. */
static json_t *spec_of(struct ts_ctx *cx, const struct ts_app *app, const json_t *params)
{
    const char *layout = ts_param_str(params, "layout");
    if (!layout)
        layout = "RECORDS";
    if (!ts_str_eq(layout, "RECORDS") && !ts_str_eq(layout, "TABLE")) {
        ts_fail_field(cx, "layout", TS_M_NOT_ENUM);
        return NULL;
    }
    const char *template = ts_param_str(params, "template");
    if (template && *template && !template_of(app, template)) {
        ts_fail_field(cx, "template", TS_M_NOT_FOUND_CODE, template);
        return NULL;
    }
    const json_t *draft_in = json_object_get(params, "draft");
    json_t *draft = draft_in ? ts_print_template_check(cx, app, draft_in, "draft") : NULL;
    if (draft_in && !draft)
        return NULL;
    const json_t *fields = json_object_get(params, "fields");
    const char *access = ts_policy_fields(cx, app); /* NULL: every field */
    if (cx->err.code)
        return NULL;
    json_t *cols = json_array();
    size_t i;
    const json_t *c;
    if (json_array_size(fields) > MAX_COLUMNS)
        ts_fail_field(cx, "fields", TS_M_TOO_MANY_ITEMS, MAX_COLUMNS);
    json_array_foreach (fields, i, c) {
        const struct ts_field *f =
            json_is_string(c) ? ts_app_field(app, json_string_value(c)) : NULL;
        if (!f || f->table || f->type == TS_F___ID__ ||
            (access && access[ts_app_field_index(app, f)] == TS_FIELD_NONE))
            ts_fail_field(cx, ts_arena_printf(cx->arena, "fields[%zu]", i), TS_M_FIELD_UNKNOWN,
                          json_is_string(c) ? json_string_value(c) : "");
        else
            json_array_append_new(cols, json_string(f->code));
    }
    const char *title = ts_param_str(params, "title");
    if (title && ts_utf8_len(title) > 200)
        ts_fail_field(cx, "title", TS_M_TOO_LONG, 200);
    if (cx->err.code) {
        json_decref(cols);
        json_decref(draft);
        return NULL;
    }
    return json_pack("{s:s, s:s, s:o, s:s, s:o}", "layout", layout, "template",
                     template ? template : "", "fields", cols, "title", title ? title : "", "draft",
                     draft ? draft : json_null());
}

int ts_api_print_start(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_VIEW);
    if (!app)
        return -1;
    json_t *spec = spec_of(cx, app, rq->params);
    if (!spec)
        return -1;
    bool table = ts_str_eq(json_string_value(json_object_get(spec, "layout")), "TABLE");
    struct ts_qplan plan;
    size_t n = 0, max = table ? MAX_TABLE_ROWS : MAX_RECORD_PAGES;
    int64_t *ids = NULL, room = 0, mine = ts_store_print_jobs_active(cx, cx->user->id);
    int64_t all = mine < 0 ? -1 : ts_store_print_jobs_active(cx, 0);
    if (mine >= MAX_ACTIVE || all >= MAX_QUEUED)
        ts_fail_field(cx, "app", TS_M_PRINT_BUSY, MAX_ACTIVE);
    else if (all >= 0 && ts_api_upload_room(cx, &room) == 0 && room <= 0)
        ts_fail(cx, TS_E_UPLOAD_QUOTA,
                "print: uploads waiting fill the quota"); /* the PDF is one */
    else if (all >= 0 && !cx->err.code &&
             ts_api_query_viewable(cx, app, ts_param_str(rq->params, "query"), &plan) == 0) {
        if (!plan.limit_given) { /* every record (not records.json's first 100), within bounds */
            plan.has_limit = true;
            plan.limit = (int64_t)max + 1;
        }
        ids = ts_store_records_ids(cx, app, &plan, &n);
    }
    if (ids && n == 0)
        ts_fail_field(cx, "query", TS_M_PRINT_NOTHING);
    else if (ids && n > max)
        ts_fail_field(cx, "query", TS_M_TOO_MANY_ITEMS, (int)max);
    int64_t id = cx->err.code ? -1 : ts_store_counter_next(cx, "printJob");
    char *text = json_dumps(spec, JSON_COMPACT);
    struct ts_print_job job = {.id = id,
                               .owner_id = cx->user->id,
                               .app_id = app->id,
                               .spec = text,
                               .n = (int64_t)n,
                               .created = cx->now};
    int rc = id > 0 ? ts_store_print_job_add(cx, &job, ids) : -1;
    free(text);
    free(ids);
    json_decref(spec);
    if (rc < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kid(w, "id", id);
    ts_jw_obj_end(w);
    return 0;
}

/* The caller's job of the `id` parameter (someone else's does not exist for them). */
static int own_job(struct ts_ctx *cx, const json_t *params, struct ts_print_job *job)
{
    int64_t id;
    if (ts_param_id(cx, params, "id", &id) < 0)
        return -1;
    int rc = ts_store_print_job_get(cx, id, job, NULL);
    if (rc == 1 && job->owner_id == cx->user->id)
        return 0;
    if (rc >= 0)
        ts_fail_field(cx, "id", TS_M_NOT_FOUND_CODE,
                      ts_arena_printf(cx->arena, "%lld", (long long)id));
    return -1;
}

int ts_api_print_status(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_print_job job;
    if (own_job(cx, rq->params, &job) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kid(w, "id", job.id);
    ts_jw_kstr(w, "status", job.status);
    ts_jw_key(w, "done");
    ts_jw_i64_str(w, job.done);
    ts_jw_key(w, "total");
    ts_jw_i64_str(w, job.n);
    ts_jw_key(w, "error");
    if (job.error)
        ts_jw_str(w, job.error);
    else
        ts_jw_null(w);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_print_file(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    (void)w;
    struct ts_print_job job;
    if (own_job(cx, rq->params, &job) < 0)
        return -1;
    struct ts_file_row *f =
        ts_str_eq(job.status, "DONE") && job.file_key ? ts_store_file_get(cx, job.file_key) : NULL;
    int fd = f ? ts_files_open(f->hash) : -1;
    if (fd < 0) {
        if (!cx->err.code)
            ts_fail_arg(cx, TS_E_FILE_NOT_FOUND,
                        ts_arena_printf(cx->arena, "print %lld", (long long)job.id));
        return -1;
    }
    rq->body_fd = fd;
    rq->content_type = "application/pdf";
    rq->content_disposition = ts_api_disposition(cx, f->name);
    return 0;
}

/* ---------------------------------------------------------------- the job */

struct run {
    struct ts_print_job job;
    int64_t *ids;
    const struct ts_user *owner;
    const char *owner_key; /* whose upload the PDF is (ts_policy_caller_key) */
    json_t *spec;
    const struct ts_app *app; /* as the job began: its layout and columns */
    const json_t *template;   /* NULL: the form's layout */
    const struct ts_field **cols;
    int n_cols;
    struct ts_upload *upload;
    int64_t bytes;
    struct ts_pdf *pdf;
    /* the chunk being read: its records by position */
    const int64_t *chunk;
    int n_chunk;
    const struct ts_record **got;
};

static int write_upload(void *arg, const void *p, size_t len)
{
    struct run *run = arg;
    run->bytes += (int64_t)len;
    return run->bytes > MAX_PDF_BYTES ? -1 : ts_upload_write(run->upload, p, len);
}

struct claimed {
    int64_t id, attempt;
};

static int claim(struct ts_ctx *cx, void *arg)
{
    struct claimed *c = arg;
    c->id = ts_store_print_job_claim(cx, cx->now, cx->now - STALE_SECONDS, &c->attempt);
    return c->id < 0 ? -1 : 0;
}

static int keep(struct ts_ctx *cx, const struct ts_record *r, void *arg)
{
    (void)cx;
    struct run *run = arg;
    for (int i = 0; i < run->n_chunk; i++)
        if (run->chunk[i] == r->id)
            run->got[i] = r;
    return 0;
}

/* Read records [from, from + n) of the job as its owner may see them now,
 * and draw them. Their rights are asked afresh for every chunk: a person who
 * may no longer view the app, or an app whose settings changed, ends the job. */
static int draw_chunk(struct ts_ctx *cx, struct run *run, size_t from, int n)
{
    struct ts_buf q;
    ts_buf_init(&q);
    ts_buf_puts(&q, "$id in (");
    for (int i = 0; i < n; i++)
        ts_buf_printf(&q, "%s%lld", i ? "," : "", (long long)run->ids[from + (size_t)i]);
    ts_buf_puts(&q, ")");
    const char *query = ts_arena_strndup(cx->arena, q.p, q.len);
    ts_buf_release(&q);
    run->chunk = run->ids + from;
    run->n_chunk = n;
    run->got = TS_NEW_N(cx->arena, const struct ts_record *, (size_t)n);
    if (ts_db_begin(cx, false) < 0)
        return -1;
    struct ts_qplan plan;
    struct ts_api_shown shown = {0};
    const struct ts_user *owner = ts_store_user_by_id(cx, run->job.owner_id);
    const struct ts_app *now = ts_app_get(cx, run->job.app_id);
    int rc = owner && owner->active && now && now->revision == run->app->revision &&
                     (ts_policy_app_perms(cx, now->id) & TS_PERM_VIEW) &&
                     ts_api_shown(cx, now, NULL, &shown) == 0 &&
                     ts_api_query_viewable(cx, now, query, &plan) == 0
                 ? 0
                 : -1;
    if (rc == 0) {
        plan.limit = n;
        rc = ts_store_records_select(cx, now, &plan, shown.load, keep, run);
    }
    ts_db_rollback(cx); /* only read */
    bool table = run->n_cols > 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        const struct ts_record *r = run->got[i];
        if (!r) /* deleted, or no longer theirs to see */
            continue;
        const bool *visible = ts_api_shown_in(cx, now, &shown, r);
        if (!visible) { /* every field */
            bool *all = TS_NEW_N(cx->arena, bool, (size_t)now->n_fields);
            memset(all, 1, sizeof(bool) * (size_t)now->n_fields);
            visible = all;
        }
        rc = table ? ts_pdf_table_row(run->pdf, cx, run->app, r, visible)
                   : ts_pdf_record(run->pdf, cx, run->app, run->template, r, visible);
        if (ts_pdf_pages(run->pdf) > MAX_PAGES)
            rc = -1;
    }
    return rc;
}

struct progress {
    int64_t id, attempt, done;
    int still; /* 1: the job is still this attempt's */
};

static int note_progress(struct ts_ctx *cx, void *arg)
{
    struct progress *p = arg;
    p->still = ts_store_print_job_progress(cx, p->id, p->attempt, p->done, cx->now);
    return p->still < 0 ? -1 : 0;
}

struct ending {
    struct run *run;
    const char *status, *hash, *error;
    int64_t size;
};

static int end_job(struct ts_ctx *cx, void *arg)
{
    struct ending *e = arg;
    const char *key = NULL;
    if (e->hash) {
        char k[33];
        ts_files_new_key(k);
        key = ts_arena_strdup(cx->arena, k);
        struct ts_file_row f = {.key = key,
                                .hash = e->hash,
                                .name = ts_arena_printf(cx->arena, "%s.pdf", e->run->app->name),
                                .type = "application/pdf",
                                .size = e->size,
                                .created = cx->now,
                                .app_id = e->run->app->id,
                                .owner = e->run->owner_key};
        if (ts_store_file_add(cx, &f) < 0)
            return -1;
    }
    return ts_store_print_job_end(cx, e->run->job.id, e->run->job.attempt, e->status, key, e->error,
                                  cx->now);
}

/* The footer of every page: who printed it, and when (in their zone). */
static const char *footer(struct ts_ctx *cx)
{
    struct tm t;
    ts_tz_local(cx->user->tz && *cx->user->tz ? cx->user->tz : "UTC", cx->now, &t);
    return ts_arena_printf(cx->arena, "%s  %04d-%02d-%02d %02d:%02d",
                           cx->user->name && *cx->user->name ? cx->user->name : cx->user->code,
                           t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min);
}

/* Set up, as the owner: the app as it is now, what to draw, and the PDF. */
static int prepare(struct ts_ctx *cx, struct run *run)
{
    if (ts_db_begin(cx, false) < 0)
        return -1;
    run->app = ts_app_get(cx, run->job.app_id);
    bool may = run->app && (ts_policy_app_perms(cx, run->app->id) & TS_PERM_VIEW);
    const char *access = may ? ts_policy_fields(cx, run->app) : NULL; /* NULL: every field */
    ts_db_rollback(cx);
    if (!may || cx->err.code) {
        run->app = NULL;
        return -1;
    }
    run->spec = json_loads(run->job.spec, 0, NULL);
    const char *t = json_string_value(json_object_get(run->spec, "template"));
    const json_t *draft = json_object_get(run->spec, "draft");
    run->template = json_is_object(draft) ? draft : t && *t ? template_of(run->app, t) : NULL;
    bool table = ts_str_eq(json_string_value(json_object_get(run->spec, "layout")), "TABLE");
    if (table) {
        const json_t *fields = json_object_get(run->spec, "fields");
        run->cols = TS_NEW_N(cx->arena, const struct ts_field *, json_array_size(fields) + 8);
        size_t i;
        const json_t *c;
        json_array_foreach (fields, i, c) {
            const struct ts_field *f = ts_app_field(run->app, json_string_value(c));
            if (f && (!access || access[ts_app_field_index(run->app, f)] != TS_FIELD_NONE))
                run->cols[run->n_cols++] = f;
        }
        /* none named: the form's first fields */
        bool named = run->n_cols > 0;
        for (int k = 0; !named && k < run->app->n_fields && run->n_cols < 8; k++) {
            const struct ts_field *f = &run->app->fields[k];
            if (!f->table && ts_field_kind(f) != TS_K_SYS && ts_field_kind(f) != TS_K_TABLE &&
                (!access || access[k] != TS_FIELD_NONE))
                run->cols[run->n_cols++] = f;
        }
    }
    bool across =
        table ||
        ts_str_eq(json_string_value(json_object_get(run->template, "orientation")), "LANDSCAPE");
    run->upload = ts_upload_begin();
    run->pdf = run->upload ? ts_pdf_new(write_upload, run, across, footer(cx)) : NULL;
    if (!run->pdf)
        return ts_fail(cx, TS_E_INTERNAL, "print: cannot start the file");
    if (table) {
        const char *title = json_string_value(json_object_get(run->spec, "title"));
        if (ts_pdf_table_begin(run->pdf, title && *title ? title : run->app->name, run->cols,
                               run->n_cols) < 0)
            return ts_fail(cx, TS_E_INTERNAL, "print: table");
    }
    return 0;
}

/* Make the PDF of job `c`, which this server has claimed. */
static int make(struct ts_ctx *cx, const struct claimed *c, bool (*stopping)(void))
{
    struct run run = {0};
    if (ts_db_begin(cx, false) < 0)
        return -1;
    int got = ts_store_print_job_get(cx, c->id, &run.job, &run.ids);
    run.owner = got == 1 ? ts_store_user_by_id(cx, run.job.owner_id) : NULL;
    ts_db_rollback(cx);
    if (got != 1)
        return got;
    run.job.attempt = c->attempt;
    /* the records as the person who asked may see them */
    struct ts_policy_saved saved;
    bool became = run.owner && run.owner->active;
    if (became) {
        ts_policy_become(cx, run.owner, &saved);
        run.owner_key = ts_arena_strdup(cx->arena, ts_policy_caller_key(cx));
    }
    struct ts_arena *job_arena = cx->arena;
    int rc = became ? prepare(cx, &run) : -1;
    struct progress pr = {c->id, c->attempt, 0, 1};
    bool stopped = false;
    for (size_t from = 0; rc == 0 && pr.still == 1 && from < (size_t)run.job.n; from += CHUNK) {
        if ((stopped = stopping && stopping()))
            break;
        int n = (int)((size_t)run.job.n - from < CHUNK ? (size_t)run.job.n - from : CHUNK);
        /* each chunk's records (and what the policy learns meanwhile) in an arena let go after */
        cx->arena = ts_arena_new();
        cx->user_names = NULL;
        cx->memberships = NULL;
        rc = draw_chunk(cx, &run, from, n);
        pr.done = (int64_t)from + n;
        if (rc == 0)
            rc = ts_db_in_write_tx(cx, note_progress, &pr);
        if (rc < 0 && cx->err.code)
            TS_LOG_WARN(cx, "print", "job %lld: %s", (long long)c->id,
                        cx->err.message ? cx->err.message : cx->err.detail);
        ts_err_clear(cx); /* it points into the arena let go now */
        ts_arena_free(cx->arena);
        cx->arena = job_arena;
        cx->user_names = NULL;
        cx->memberships = NULL;
    }
    struct ending e = {&run, "FAILED", NULL, NULL, 0};
    char hash[65];
    if (rc == 0 && pr.still == 1 && !stopped && ts_pdf_finish(run.pdf) == 0) {
        run.pdf = NULL;
        if (ts_upload_finish(run.upload, hash, &e.size) == 0)
            e.status = "DONE", e.hash = hash;
        run.upload = NULL;
    }
    ts_pdf_free(run.pdf);
    if (run.upload)
        ts_upload_abort(run.upload);
    json_decref(run.spec);
    if (became)
        ts_policy_restore(cx, &saved);
    if (pr.still != 1) /* taken from us (or gone): whoever has it finishes it */
        return 0;
    if (stopped)
        e.status = "QUEUED"; /* the next start takes it up */
    else if (!e.hash)
        e.error = !run.app ? "The person who asked for it may no longer view the app."
                  : run.bytes > MAX_PDF_BYTES ? "The PDF would be too large."
                                              : "The PDF could not be made: the records or the app "
                                                "changed, or it has too many pages.";
    ts_err_clear(cx);
    return ts_db_in_write_tx(cx, end_job, &e);
}

int ts_print_run(struct ts_ctx *cx, bool (*stopping)(void))
{
    struct claimed c = {0, 0};
    if (ts_db_in_write_tx(cx, claim, &c) < 0)
        return -1;
    return c.id > 0 ? make(cx, &c, stopping) : 0;
}

static int expire(struct ts_ctx *cx, void *arg)
{
    (void)arg;
    return ts_store_print_jobs_expire(cx, cx->now - KEEP_SECONDS);
}

int ts_print_expire(struct ts_ctx *cx)
{
    return ts_db_in_write_tx(cx, expire, NULL);
}
