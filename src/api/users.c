/*
 * api/users.c - GET /v1/users.json, the cybozu.com User API's list of users
 * (KINTONE-API.md): what people pickers and mentions choose from. Users
 * appear in code order; codes[] picks some; offset/size page as cybozu's do.
 */
#include "base/common.h"
#include "api/api.h"
#include "model/user.h"
#include "store/store.h"

#define USERS_MAX_SIZE 100

struct users_page {
    struct ts_jw *w;
    const json_t *codes; /* array, or NULL for everyone */
    int64_t skip, left;
};

static bool wanted(const json_t *codes, const char *code)
{
    if (!codes)
        return true;
    size_t i;
    const json_t *c;
    json_array_foreach (codes, i, c)
        if (json_is_string(c) && strcmp(json_string_value(c), code) == 0)
            return true;
    return false;
}

static int user_out(struct ts_ctx *cx, const struct ts_user *u, void *arg)
{
    (void)cx;
    struct users_page *p = arg;
    if (!wanted(p->codes, u->code) || p->left == 0)
        return 0;
    if (p->skip > 0) {
        p->skip--;
        return 0;
    }
    p->left--;
    struct ts_jw *w = p->w;
    ts_jw_obj(w);
    ts_jw_kid(w, "id", u->id);
    ts_jw_kstr(w, "code", u->code);
    ts_jw_kstr(w, "name", u->name);
    ts_jw_kstr(w, "email", u->email);
    ts_jw_kbool(w, "valid", u->active);
    ts_jw_kstr(w, "locale", u->lang);
    ts_jw_kstr(w, "timezone", u->tz);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_users_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct users_page p = {.w = w};
    const json_t *codes = json_object_get(rq->params, "codes");
    if (codes && !json_is_array(codes)) {
        ts_fail_field(cx, "codes", TS_M_NOT_ARRAY);
        return -1;
    }
    p.codes = codes;
    if (ts_auth_require_user(cx) < 0 || ts_param_int(cx, rq->params, "offset", 0, 0, &p.skip) < 0 ||
        ts_param_int(cx, rq->params, "size", USERS_MAX_SIZE, 1, &p.left) < 0)
        return -1;
    if (p.left > USERS_MAX_SIZE) {
        ts_fail_field(cx, "size", TS_M_MAX_VALUE, "100");
        return -1;
    }
    ts_jw_obj(w);
    ts_jw_key(w, "users");
    ts_jw_arr(w);
    if (ts_store_user_each(cx, user_out, &p) < 0)
        return -1;
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}
