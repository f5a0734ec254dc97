/*
 * api/cursor.c - records/cursor.json (KINTONE-API.md §4, §5.1).
 *
 * The record set is fixed when the cursor is made (its ids are kept in the
 * database, so that any server continues a cursor another made); values are
 * read when each page is fetched. Each caller (a person,
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

#define MAX_CURSORS     50
#define CURSORS_PER_ONE 10
#define CURSOR_TTL      600

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
    const char *owner = ts_policy_caller_key(cx);
    int64_t mine = ts_store_cursor_count(cx, owner, cx->now);
    int64_t all = mine < 0 ? -1 : ts_store_cursor_count(cx, NULL, cx->now);
    if (all < 0)
        return -1;
    if (mine >= CURSORS_PER_ONE || all >= MAX_CURSORS)
        return ts_fail(cx, TS_E_CURSOR_LIMIT, "cursor limit");
    size_t n = 0;
    int64_t *ids = ts_store_records_ids(cx, app, &plan, &n);
    if (!ids)
        return -1;
    char id[37];
    ts_auth_random_text(id, 36);
    const json_t *fields = json_object_get(rq->params, "fields");
    char *fields_text = json_is_array(fields) ? json_dumps(fields, JSON_COMPACT) : NULL;
    struct ts_cursor_row c = {.id = id,
                              .owner = owner,
                              .app_id = app->id,
                              .fields = fields_text,
                              .n = (int64_t)n,
                              .size = size,
                              .expires = cx->now + CURSOR_TTL};
    int rc = ts_store_cursor_add(cx, &c, ids);
    free(fields_text);
    free(ids);
    if (rc < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kstr(w, "id", id);
    ts_jw_kid(w, "totalCount", (int64_t)n);
    ts_jw_obj_end(w);
    return 0;
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
    const char *id = ts_param_str(rq->params, "id");
    if (!id) {
        ts_fail_field(cx, "id", TS_M_REQUIRED_PARAM);
        return -1;
    }
    struct ts_cursor_row c;
    int64_t *chunk;
    size_t n;
    int found =
        ts_store_cursor_next(cx, id, ts_policy_caller_key(cx), cx->now, CURSOR_TTL, &c, &chunk, &n);
    if (found <= 0)
        return found < 0 ? -1 : ts_fail(cx, TS_E_CURSOR_NOT_FOUND, "cursor");
    const struct ts_app *app = NULL;
    if (ts_policy_require_app(cx, c.app_id, TS_PERM_VIEW) == 0)
        app = ts_app_get(cx, c.app_id);
    if (!app)
        return -1;
    json_t *fields = c.fields ? json_loads(c.fields, 0, NULL) : NULL;
    ts_arena_defer_decref(cx->arena, fields);
    /* one query for the page, then put the rows back in cursor order */
    struct page p = {TS_NEW_N(cx->arena, int64_t, n ? n : 1),
                     TS_NEW_N(cx->arena, const struct ts_record *, n ? n : 1), n};
    memcpy(p.sorted, chunk, n * sizeof(int64_t));
    qsort(p.sorted, n, sizeof(int64_t), cmp_i64);
    ts_jw_obj(w);
    ts_jw_key(w, "records");
    ts_jw_arr(w);
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
        /* the caller's record rights as they are now, not as when it was made */
        if (ts_api_restrict(cx, app, &plan, TS_RR_VIEW) < 0 ||
            ts_api_shown(cx, app, fields, &shown) < 0 ||
            ts_store_records_select(cx, app, &plan, shown.load, collect, &p) < 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            int64_t *hit = bsearch(&chunk[i], p.sorted, n, sizeof(int64_t), cmp_i64);
            const struct ts_record *r = p.at[hit - p.sorted];
            if (r) /* deleted since the cursor was made: skipped */
                ts_record_write(cx, w, app, r, ts_api_shown_in(cx, app, &shown, r));
        }
    }
    ts_jw_arr_end(w);
    ts_jw_kbool(w, "next", c.pos + (int64_t)n < c.n);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_cursor_delete(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const char *id = ts_param_str(rq->params, "id");
    if (!id) {
        ts_fail_field(cx, "id", TS_M_REQUIRED_PARAM);
        return -1;
    }
    int found = ts_store_cursor_delete(cx, id, ts_policy_caller_key(cx), cx->now);
    if (found <= 0)
        return found < 0 ? -1 : ts_fail(cx, TS_E_CURSOR_NOT_FOUND, "cursor");
    ts_jw_obj(w);
    ts_jw_obj_end(w);
    return 0;
}
