/*
 * api/cursor.c - records/cursor.json (KINTONE-API.md §4, §5.1).
 *
 * The record set is fixed when the cursor is made (its ids are kept in
 * memory); values are read when each page is fetched. Each caller (a person,
 * a token) may hold 10 at once, as kintone's domain, and the server 50: past
 * either the answer is GAIA_TM12, so one caller cannot take every cursor. A
 * cursor expires 10 minutes after its last use and is freed when read to the
 * end or deleted.
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "auth/auth.h"
#include "policy/policy.h"
#include "model/user.h"
#include "record/record.h"
#include "store/store.h"

#include <pthread.h>

#define MAX_CURSORS     50
#define CURSORS_PER_ONE 10
#define CURSOR_TTL      600

struct cursor {
    char id[40];
    int64_t app_id;
    char owner[128];
    json_t *fields; /* the `fields` parameter, or NULL */
    int64_t *ids;
    size_t n, pos;
    int64_t size, expires;
    bool busy; /* a page is being read */
};

static struct cursor cursors[MAX_CURSORS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void release(struct cursor *c)
{
    free(c->ids);
    json_decref(c->fields);
    memset(c, 0, sizeof(*c));
}

static void expire(int64_t now)
{
    for (int i = 0; i < MAX_CURSORS; i++)
        if (cursors[i].id[0] && !cursors[i].busy && cursors[i].expires < now)
            release(&cursors[i]);
}

int ts_api_cursor_add(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_VIEW);
    int64_t size;
    if (!app || ts_param_int(cx, rq->params, "size", 100, 1, &size) < 0)
        return -1;
    if (size > 500) {
        ts_fail_field(cx, "size", TS_M_MAX_VALUE, "500");
        return -1;
    }
    struct ts_qplan plan;
    if (ts_api_query_viewable(cx, app, ts_param_str(rq->params, "query"), &plan) < 0)
        return -1;
    plan.has_limit = json_is_string(json_object_get(rq->params, "query")) &&
                     strstr(ts_param_str(rq->params, "query"), "limit") && plan.limit != 100;
    size_t n = 0;
    int64_t *ids = ts_store_records_ids(cx, app, &plan, &n);
    if (!ids)
        return -1;
    pthread_mutex_lock(&lock);
    expire(cx->now);
    const char *owner = ts_policy_caller_key(cx);
    struct cursor *c = NULL;
    int mine = 0;
    for (int i = 0; i < MAX_CURSORS; i++) {
        if (!cursors[i].id[0] && !c)
            c = &cursors[i];
        mine += cursors[i].id[0] && strcmp(cursors[i].owner, owner) == 0;
    }
    if (!c || mine >= CURSORS_PER_ONE) {
        pthread_mutex_unlock(&lock);
        free(ids);
        return ts_fail(cx, TS_E_CURSOR_LIMIT, "cursor limit");
    }
    ts_auth_random_text(c->id, 36);
    c->app_id = app->id;
    snprintf(c->owner, sizeof(c->owner), "%s", owner);
    const json_t *fields = json_object_get(rq->params, "fields");
    c->fields = json_is_array(fields) ? json_deep_copy(fields) : NULL;
    c->ids = ids;
    c->n = n;
    c->size = size;
    c->expires = cx->now + CURSOR_TTL;
    char id[40];
    memcpy(id, c->id, sizeof(id));
    pthread_mutex_unlock(&lock);
    ts_jw_obj(w);
    ts_jw_kstr(w, "id", id);
    ts_jw_kid(w, "totalCount", (int64_t)n);
    ts_jw_obj_end(w);
    return 0;
}

/* Find the caller's cursor named by the `id` parameter and mark it busy; NULL
 * with CB_VA01 or GAIA_CN01. */
static struct cursor *take(struct ts_ctx *cx, const json_t *params)
{
    const char *id = ts_param_str(params, "id");
    if (!id) {
        ts_fail_field(cx, "id", TS_M_REQUIRED_PARAM);
        return NULL;
    }
    const char *owner = ts_policy_caller_key(cx);
    pthread_mutex_lock(&lock);
    expire(cx->now);
    for (int i = 0; i < MAX_CURSORS; i++) {
        struct cursor *c = &cursors[i];
        if (c->id[0] && !c->busy && strcmp(c->id, id) == 0 && strcmp(c->owner, owner) == 0) {
            c->busy = true;
            pthread_mutex_unlock(&lock);
            return c;
        }
    }
    pthread_mutex_unlock(&lock);
    ts_fail(cx, TS_E_CURSOR_NOT_FOUND, "cursor");
    return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

struct page {
    int64_t *sorted;
    const struct ts_record **at;
    size_t n;
};

static int collect(struct ts_ctx *cx, const struct ts_record *r, void *arg)
{
    (void)cx;
    struct page *p = arg;
    int64_t *hit = bsearch(&r->id, p->sorted, p->n, sizeof(int64_t), cmp_i64);
    if (hit)
        p->at[hit - p->sorted] = r;
    return 0;
}

int ts_api_cursor_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct cursor *c = take(cx, rq->params);
    if (!c)
        return -1;
    int rc = -1;
    const struct ts_app *app = NULL;
    if (ts_policy_require_app(cx, c->app_id, TS_PERM_VIEW) == 0)
        app = ts_app_get(cx, c->app_id);
    if (!app)
        goto out;
    size_t n = c->n - c->pos < (size_t)c->size ? c->n - c->pos : (size_t)c->size;
    const int64_t *chunk = c->ids + c->pos;
    /* one query for the page, then put the rows back in cursor order */
    struct page p = {TS_NEW_N(cx->arena, int64_t, n ? n : 1),
                     TS_NEW_N(cx->arena, const struct ts_record *, n ? n : 1), n};
    memcpy(p.sorted, chunk, n * sizeof(int64_t));
    qsort(p.sorted, n, sizeof(int64_t), cmp_i64);
    if (n) {
        struct ts_qnode cond = {.kind = TS_QN_COND,
                                .field = ts_app_field(app, "$id"),
                                .op = TS_Q_IN,
                                .n_vals = (int)n,
                                .vals = TS_NEW_N(cx->arena, struct ts_qval, n)};
        for (size_t i = 0; i < n; i++)
            cond.vals[i].i = p.sorted[i];
        struct ts_qplan plan = {.where = &cond, .limit = -1};
        struct ts_api_shown shown;
        if (ts_api_shown(cx, app, c->fields, &shown) < 0 ||
            ts_store_records_select(cx, app, &plan, shown.load, collect, &p) < 0)
            goto out;
        ts_jw_obj(w);
        ts_jw_key(w, "records");
        ts_jw_arr(w);
        for (size_t i = 0; i < n; i++) {
            int64_t *hit = bsearch(&chunk[i], p.sorted, n, sizeof(int64_t), cmp_i64);
            const struct ts_record *r = p.at[hit - p.sorted];
            if (r) /* deleted since the cursor was made: skipped */
                ts_record_write(cx, w, app, r, ts_api_shown_in(cx, app, &shown, r));
        }
    } else {
        ts_jw_obj(w);
        ts_jw_key(w, "records");
        ts_jw_arr(w);
    }
    ts_jw_arr_end(w);
    c->pos += n;
    ts_jw_kbool(w, "next", c->pos < c->n);
    ts_jw_obj_end(w);
    rc = 0;
out:
    pthread_mutex_lock(&lock);
    c->busy = false;
    c->expires = cx->now + CURSOR_TTL;
    if (rc == 0 && c->pos >= c->n)
        release(c);
    pthread_mutex_unlock(&lock);
    return rc;
}

int ts_api_cursor_delete(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct cursor *c = take(cx, rq->params);
    if (!c)
        return -1;
    pthread_mutex_lock(&lock);
    release(c);
    pthread_mutex_unlock(&lock);
    ts_jw_obj(w);
    ts_jw_obj_end(w);
    return 0;
}
