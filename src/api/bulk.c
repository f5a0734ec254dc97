/*
 * api/bulk.c - bulkRequest.json: up to 20 requests in order, all or nothing
 * (KINTONE-API.md §3, §5.1). The dispatcher's transaction holds them all; if
 * one fails, the answer is {"results":[{}, ..., error, ...]} with the failed
 * request's status, and nothing is kept.
 */
#include "base/common.h"
#include "api/api.h"

#define MAX_REQUESTS 20

int ts_api_bulk(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const json_t *reqs = json_object_get(rq->params, "requests");
    if (!json_is_array(reqs) || json_array_size(reqs) == 0) {
        ts_fail_field(cx, "requests", reqs ? TS_M_NOT_ARRAY : TS_M_REQUIRED_PARAM);
        return -1;
    }
    size_t n = json_array_size(reqs);
    if (n > MAX_REQUESTS) {
        ts_fail_field(cx, "requests", TS_M_TOO_MANY_RECORDS, MAX_REQUESTS);
        return -1;
    }
    struct ts_buf *out = TS_NEW_N(cx->arena, struct ts_buf, n);
    size_t i;
    const json_t *r;
    json_array_foreach (reqs, i, r) {
        const char *api = json_string_value(json_object_get(r, "api"));
        enum ts_method m = ts_api_method(json_string_value(json_object_get(r, "method")));
        const char *path = api ? ts_api_strip_prefix(api) : NULL;
        json_t *payload = json_object_get(r, "payload");
        struct ts_api_req sub = *rq;
        const struct ts_route *route = NULL;
        if (!path || m == TS_METHOD_OTHER || !json_is_object(payload))
            ts_fail(cx, TS_E_ILLEGAL_REQUEST, "bulk request %zu malformed", i);
        else
            route = ts_api_route(cx, m, path, &sub.preview);
        if (route && (route->fn == ts_api_bulk || route->need == TS_NEED_PUBLIC ||
                      (route->flags & (TS_R_UPLOAD | TS_R_FILE | TS_R_NO_TX)))) {
            route = NULL;
            ts_fail(cx, TS_E_ILLEGAL_REQUEST, "bulk request %zu not allowed", i);
        }
        /* each inner request needs what it would need on its own */
        ts_handler_fn *fn =
            route && ts_api_require(cx, route, payload, sub.preview) == 0 ? route->fn : NULL;
        sub.method = m;
        sub.path = path;
        sub.params = payload;
        sub.route = route;
        sub.woken = true; /* a long poll answers at once here */
        struct ts_jw sw;
        ts_buf_init(&out[i]);
        ts_jw_init(&sw, &out[i]);
        /* each inner request is logged as it would be on its own */
        const char *action = fn ? route->audit : NULL;
        if (!fn || fn(cx, &sub, &sw) < 0 ||
            (action && ts_audit_add(cx, rq->auth.client_addr, action, ts_audit_target(cx, payload),
                                    ts_arena_printf(cx->arena, "bulkRequest %s %s",
                                                    json_string_value(json_object_get(r, "method")),
                                                    path)) < 0)) {
            ts_buf_release(&out[i]);
            for (size_t k = 0; k < i; k++)
                ts_buf_release(&out[k]);
            /* the failed request's error in its slot, {} in every other */
            struct ts_jw ew;
            ts_buf_reset(w->b);
            ts_jw_init(&ew, w->b);
            ts_jw_obj(&ew);
            ts_jw_key(&ew, "results");
            ts_jw_arr(&ew);
            for (size_t k = 0; k < n; k++) {
                if (k == i) {
                    ts_api_write_error(cx, &ew);
                } else {
                    ts_jw_obj(&ew);
                    ts_jw_obj_end(&ew);
                }
            }
            ts_jw_arr_end(&ew);
            ts_jw_obj_end(&ew);
            rq->error_written = true;
            return -1;
        }
    }
    ts_jw_obj(w);
    ts_jw_key(w, "results");
    ts_jw_arr(w);
    for (i = 0; i < n; i++) {
        ts_jw_raw(w, out[i].p ? out[i].p : "{}");
        ts_buf_release(&out[i]);
    }
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}
