/*
 * api/session.c - our extensions: browser login/logout/session under /api/,
 * and per-app API tokens under /k/v1/app/apiTokens.json.
 */
#include "base/common.h"
#include "api/api.h"
#include "base/tstime.h"
#include "model/user.h"
#include "store/store.h"

#define COOKIE "tsumiki_session"

int ts_api_login(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const char *user = ts_param_str(rq->params, "username");
    const char *pass = ts_param_str(rq->params, "password");
    if (!user || !*user)
        ts_fail_field(cx, "username", TS_M_REQUIRED_PARAM);
    if (!pass || !*pass)
        ts_fail_field(cx, "password", TS_M_REQUIRED_PARAM);
    if (cx->err.code)
        return -1;
    const char *sid, *csrf;
    if (ts_auth_login(cx, user, pass, rq->auth.client_addr, &sid, &csrf) < 0) {
        if (cx->err.code == TS_E_BAD_PASSWORD) /* said of a form, not of a header */
            cx->err.code = TS_E_BAD_LOGIN;
        return -1;
    }
    rq->set_cookie =
        ts_arena_printf(cx->arena, COOKIE "=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200%s",
                        sid, rq->secure ? "; Secure" : "");
    ts_audit_apart(cx, rq->auth.client_addr, rq->route->audit, NULL, NULL);
    ts_jw_obj(w);
    ts_jw_kstr(w, "requestToken", csrf);
    ts_jw_key(w, "user");
    ts_jw_obj(w);
    ts_jw_kstr(w, "code", cx->user->code);
    ts_jw_kstr(w, "name", cx->user->name);
    ts_jw_obj_end(w);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_logout(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    if (ts_auth_logout(cx, rq->auth.session_cookie) < 0)
        return -1;
    ts_audit_apart(cx, rq->auth.client_addr, rq->route->audit, NULL, NULL);
    rq->set_cookie = rq->secure ? COOKIE "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure"
                                : COOKIE "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";
    ts_jw_obj(w);
    ts_jw_obj_end(w);
    return 0;
}

/* Open to anyone (routes.def: ANYONE), so that a browser's first look (no
 * session yet) is an answer, not an error: nobody, or a token, is {"user": null}. */
int ts_api_session(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    (void)rq;
    if (cx->caller.kind != TS_CALLER_USER) {
        ts_jw_obj(w);
        ts_jw_key(w, "user");
        ts_jw_null(w);
        ts_jw_obj_end(w);
        return 0;
    }
    ts_jw_obj(w);
    ts_jw_key(w, "user");
    ts_jw_obj(w);
    ts_jw_kstr(w, "code", cx->user->code);
    ts_jw_kstr(w, "name", cx->user->name);
    ts_jw_kstr(w, "language", cx->user->lang);
    ts_jw_kstr(w, "timezone", cx->user->tz);
    ts_jw_kbool(w, "administrator", cx->user->admin);
    /* what a department field's PRIMARY_ORGANIZATION() default starts as */
    struct ts_entity *org =
        cx->user->primary_org ? ts_store_entity_by_id(cx, TS_ORG, cx->user->primary_org) : NULL;
    ts_jw_key(w, "primaryOrganization");
    if (org) {
        ts_jw_obj(w);
        ts_jw_kstr(w, "code", org->code);
        ts_jw_kstr(w, "name", org->name);
        ts_jw_obj_end(w);
    } else {
        ts_jw_null(w);
    }
    ts_jw_obj_end(w);
    ts_jw_kstr(w, "requestToken", cx->caller.csrf);
    ts_jw_obj_end(w);
    return cx->err.code ? -1 : 0;
}

/* ---------------------------------------------------------------- API tokens */

/* Tokens are managed by the app's managers (routes.def: APP_PERSON(MANAGE)),
 * never by other tokens. */
static int token_app(struct ts_ctx *cx, struct ts_api_req *rq, int64_t *app_id)
{
    if (ts_param_id(cx, rq->params, "app", app_id) < 0 ||
        ts_policy_require_app(cx, *app_id, TS_PERM_MANAGE) < 0)
        return -1;
    struct ts_app_row *r = ts_store_app_row(cx, *app_id);
    if (!r)
        return cx->err.code ? -1
                            : ts_fail_arg(cx, TS_E_APP_NOT_FOUND,
                                          ts_arena_printf(cx->arena, "%lld", (long long)*app_id));
    return 0;
}

static int write_token(struct ts_ctx *cx, const struct ts_token_row *t, void *arg)
{
    struct ts_jw *w = arg;
    char at[21];
    ts_jw_obj(w);
    ts_jw_kid(w, "id", t->id);
    ts_jw_kstr(w, "prefix", t->prefix);
    ts_jw_kstr(w, "permissions", ts_auth_perms_text(cx, t->perms));
    ts_jw_kstr(w, "note", t->note);
    ts_jw_kstr(w, "creator", t->creator);
    ts_datetime_format(t->created, at);
    ts_jw_kstr(w, "createdAt", at);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_tokens_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t app_id;
    if (token_app(cx, rq, &app_id) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_key(w, "tokens");
    ts_jw_arr(w);
    if (ts_store_token_each(cx, app_id, write_token, w) < 0)
        return -1;
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_tokens_add(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t app_id, id;
    if (token_app(cx, rq, &app_id) < 0)
        return -1;
    const json_t *perms = json_object_get(rq->params, "permissions");
    unsigned bits = 0;
    size_t i;
    const json_t *p;
    json_array_foreach (perms, i, p) {
        unsigned one;
        if (!json_is_string(p) || ts_auth_perms_parse(json_string_value(p), &one) < 0) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "permissions[%zu]", i), TS_M_NOT_ENUM);
            return -1;
        }
        bits |= one;
    }
    if (!bits) {
        ts_fail_field(cx, "permissions", TS_M_BAD_TOKEN_PERM);
        return -1;
    }
    const char *note = ts_param_str(rq->params, "note");
    const char *tok = ts_auth_token_create(cx, app_id, bits, note, &id);
    if (!tok)
        return -1;
    ts_jw_obj(w);
    ts_jw_kid(w, "id", id);
    ts_jw_kstr(w, "token", tok);
    ts_jw_kstr(w, "permissions", ts_auth_perms_text(cx, bits));
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_tokens_delete(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t app_id, id;
    if (token_app(cx, rq, &app_id) < 0 || ts_param_id(cx, rq->params, "id", &id) < 0)
        return -1;
    int found = ts_store_token_revoke(cx, app_id, id);
    if (found < 0)
        return -1;
    if (!found) {
        ts_fail_field(cx, "id", TS_M_NOT_ENUM);
        return -1;
    }
    ts_jw_obj(w);
    ts_jw_obj_end(w);
    return 0;
}
