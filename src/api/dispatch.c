/*
 * api/dispatch.c - route a request, authenticate, run it in a transaction and
 * render the answer or the error.
 */
#include "base/common.h"
#include "api/api.h"
#include "base/busy.h"

#include <sodium.h>
#include "app/app.h"
#include "record/record.h"
#include "base/log.h"
#include "base/str.h"
#include "store/store.h"
#include "query/query.h"
#include "model/user.h"

#include <strings.h>

static const struct ts_route routes[] = {
/* the method is pasted (TS_DELETE), a right is expanded (DELETE: TS_PERM_DELETE) */
#define VIEW                    TS_PERM_VIEW
#define ADD                     TS_PERM_ADD
#define EDIT                    TS_PERM_EDIT
#define DELETE                  TS_PERM_DELETE
#define MANAGE                  TS_PERM_MANAGE
#define IMPORT                  TS_PERM_IMPORT
#define EXPORT                  TS_PERM_EXPORT
#define PUBLIC                  TS_NEED_PUBLIC, 0
#define ANYONE                  TS_NEED_ANYONE, 0
#define CALLER                  TS_NEED_CALLER, 0
#define PERSON                  TS_NEED_PERSON, 0
#define ADMIN                   TS_NEED_ADMIN, 0
#define CREATOR                 TS_NEED_CREATOR, 0
#define APP(r)                  TS_NEED_APP, (r)
#define APP_ID(r)               TS_NEED_APP_ID, (r)
#define APPS(r)                 TS_NEED_APPS, (r)
#define APP_PERSON(r)           TS_NEED_APP_PERSON, (r)
#define ROUTE(m, p, h, n, a, f) {TS_##m, p, h, n, a, f},
#include "api/routes.def"
#undef ROUTE
#undef VIEW
#undef ADD
#undef EDIT
#undef DELETE
#undef MANAGE
#undef IMPORT
#undef EXPORT
#undef PUBLIC
#undef ANYONE
#undef CALLER
#undef PERSON
#undef ADMIN
#undef CREATOR
#undef APP
#undef APP_ID
#undef APPS
#undef APP_PERSON
};

enum ts_method ts_api_method(const char *name)
{
    static const char *const names[] = {
        [TS_GET] = "GET", [TS_POST] = "POST", [TS_PUT] = "PUT", [TS_DELETE] = "DELETE"};
    for (int m = TS_GET; name && m <= TS_DELETE; m++)
        if (strcmp(name, names[m]) == 0)
            return (enum ts_method)m;
    return TS_METHOD_OTHER;
}

const char *ts_api_strip_prefix(const char *url)
{
    if (strncmp(url, "/k/v1/", 6) == 0)
        return url + 5;
    if (strncmp(url, "/k/guest/", 9) == 0) {
        const char *p = url + 9;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p > url + 9 && strncmp(p, "/v1/", 4) == 0)
            return p + 3;
    }
    return NULL;
}

const struct ts_route *ts_api_route(struct ts_ctx *cx, enum ts_method method, const char *path,
                                    bool *preview)
{
    bool path_known = false;
    for (int pass = 0; pass < 2; pass++) {
        const char *p = path;
        if (pass == 1) {
            if (strncmp(path, "/preview/", 9) != 0)
                break;
            p = path + 8;
        }
        for (size_t i = 0; i < TS_ARRAY_LEN(routes); i++) {
            if (strcmp(routes[i].path, p) != 0 || (pass == 1 && !(routes[i].flags & TS_R_PREVIEW)))
                continue;
            path_known = true;
            if (routes[i].method == method) {
                *preview = pass == 1;
                return &routes[i];
            }
        }
    }
    if (path_known)
        ts_fail(cx, TS_E_METHOD_NOT_ALLOWED, "method for %s", path);
    else
        ts_fail(cx, TS_E_API_NOT_FOUND, "%s", path);
    return NULL;
}

/* The app ids of an `apps` parameter: ids, or objects with an `app` (deploy). */
static int require_apps(struct ts_ctx *cx, const json_t *apps, unsigned perm)
{
    if (!json_is_array(apps))
        return 0; /* the handler says what is wrong with it */
    size_t i;
    const json_t *a;
    json_array_foreach (apps, i, a) {
        int64_t id;
        if (ts_json_i64(json_is_object(a) ? json_object_get(a, "app") : a, &id) < 0)
            continue;
        if (ts_policy_require_app(cx, id, perm) < 0)
            return -1;
    }
    return 0;
}

/* Missing or malformed app ids are the handler's to report (CB_VA01); the
 * caller must still be someone who could call the route at all. */
static int require_app_param(struct ts_ctx *cx, const json_t *params, const char *name,
                             unsigned perm)
{
    int64_t id;
    if (ts_json_i64(json_object_get(params, name), &id) < 0 || id < 1)
        return cx->caller.kind == TS_CALLER_NOBODY ? ts_fail(cx, TS_E_LOGIN_REQUIRED, "no identity")
                                                   : 0;
    return ts_policy_require_app(cx, id, perm);
}

int ts_api_require(struct ts_ctx *cx, const struct ts_route *r, const json_t *params, bool preview)
{
    /* settings not yet deployed are the managers' (kintone's preview APIs) */
    unsigned perm = preview ? TS_PERM_MANAGE : r->perm;
    switch (r->need) {
    case TS_NEED_PUBLIC:
    case TS_NEED_ANYONE:
        return 0;
    case TS_NEED_CALLER:
        return cx->caller.kind == TS_CALLER_NOBODY ? ts_fail(cx, TS_E_LOGIN_REQUIRED, "no identity")
                                                   : 0;
    case TS_NEED_PERSON:
        return ts_policy_require_person(cx);
    case TS_NEED_ADMIN:
        return ts_policy_require_admin(cx);
    case TS_NEED_CREATOR:
        return ts_policy_require_app_creator(cx);
    case TS_NEED_APP:
        return require_app_param(cx, params, "app", perm);
    case TS_NEED_APP_ID:
        return require_app_param(cx, params, "id", perm);
    case TS_NEED_APPS:
        return cx->caller.kind == TS_CALLER_NOBODY
                   ? ts_fail(cx, TS_E_LOGIN_REQUIRED, "no identity")
                   : require_apps(cx, json_object_get(params, "apps"), perm);
    case TS_NEED_APP_PERSON:
        return ts_policy_require_person(cx) < 0 ? -1 : require_app_param(cx, params, "app", perm);
    }
    return ts_fail(cx, TS_E_NO_PERMISSION, "route with no known need"); /* fails closed */
}

void ts_api_write_error(struct ts_ctx *cx, struct ts_jw *w)
{
    const struct ts_err *e = &cx->err;
    ts_jw_obj(w);
    ts_jw_kstr(w, "code", ts_err_kintone_code(e->code));
    ts_jw_kstr(w, "id", cx->id);
    ts_jw_kstr(w, "message", e->message ? e->message : ts_err_default_message(e->code, cx->lang));
    if (e->fields) {
        /* kintone groups messages by key: {"key":{"messages":[...]}} */
        ts_jw_key(w, "errors");
        ts_jw_obj(w);
        for (const struct ts_field_err *f = e->fields; f; f = f->next) {
            bool seen = false;
            for (const struct ts_field_err *g = e->fields; g != f; g = g->next)
                seen |= strcmp(g->key, f->key) == 0;
            if (seen)
                continue;
            ts_jw_key(w, f->key);
            ts_jw_obj(w);
            ts_jw_key(w, "messages");
            ts_jw_arr(w);
            for (const struct ts_field_err *g = f; g; g = g->next)
                if (strcmp(g->key, f->key) == 0)
                    ts_jw_str(w, g->message);
            ts_jw_arr_end(w);
            ts_jw_obj_end(w);
        }
        ts_jw_obj_end(w);
    }
    ts_jw_obj_end(w);
}

static enum ts_lang lang_of(struct ts_ctx *cx, const char *accept)
{
    if (cx->user && cx->user->lang) {
        if (strcmp(cx->user->lang, "ja") == 0)
            return TS_LANG_JA;
        if (strcmp(cx->user->lang, "en") == 0)
            return TS_LANG_EN;
    }
    /* the first of the languages asked for that we speak; none (no header,
     * "*", only others) leaves it to the installation's default */
    for (const char *p = accept; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
        while (*p == ' ')
            p++;
        if (strncasecmp(p, "ja", 2) == 0)
            return TS_LANG_JA;
        if (strncasecmp(p, "en", 2) == 0)
            return TS_LANG_EN;
    }
    return ts_api_default_lang(cx);
}

void ts_api_after_tx(struct ts_ctx *cx)
{
    if (cx->schema_dirty) {
        ts_app_cache_clear();
        cx->schema_dirty = false;
    }
}

static const char *method_name(enum ts_method m)
{
    static const char *const names[] = {"GET", "POST", "PUT", "DELETE", "OTHER"};
    return names[m];
}

/* The login name a failed sign-in tried (the form's, or the header's), cut to
 * the longest a login may be and not in the middle of a character. */
static const char *attempted_login(struct ts_ctx *cx, const struct ts_api_req *rq)
{
    const char *s = ts_param_str(rq->params, "username");
    const char *h = rq->auth.password_header;
    if (!s && h) {
        size_t n = 0, cap = strlen(h);
        char *bin = ts_arena_alloc(cx->arena, cap + 1);
        if (sodium_base642bin((unsigned char *)bin, cap, h, cap, NULL, &n, NULL,
                              sodium_base64_VARIANT_ORIGINAL) == 0) {
            bin[n] = '\0';
            bin[strcspn(bin, ":")] = '\0';
            s = bin;
        }
    }
    size_t n = s ? strlen(s) : 0;
    if (n > 128)
        for (n = 128; n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80; n--)
            ;
    return s ? ts_arena_strndup(cx->arena, s, n) : "";
}

/* A browser's login form posts JSON from this site only: a cross-site page
 * could otherwise sign the victim in as the attacker (login CSRF). */
static int login_from_this_site(struct ts_ctx *cx, const struct ts_api_req *rq)
{
    if (!rq->request_type || strncasecmp(rq->request_type, "application/json", 16) != 0)
        return ts_fail(cx, TS_E_ILLEGAL_REQUEST, "login needs Content-Type: application/json");
    if (rq->fetch_site && strcmp(rq->fetch_site, "same-origin") != 0 &&
        strcmp(rq->fetch_site, "none") != 0)
        return ts_fail(cx, TS_E_NO_PERMISSION, "login from another site");
    return 0;
}

int ts_api_begin(struct ts_ctx *cx, struct ts_api_req *rq)
{
    cx->lang = lang_of(cx, rq->accept_language);
    rq->route = ts_api_route(cx, rq->method, rq->path, &rq->preview);
    if (!rq->route)
        return -1;
    if (rq->route->need == TS_NEED_PUBLIC) {
        rq->begun = true;
        return 0;
    }
    if (ts_auth_identify(cx, &rq->auth) < 0) {
        /* no credentials: nobody, which is all an ANYONE route asks; wrong ones fail */
        if (rq->route->need != TS_NEED_ANYONE || cx->err.code != TS_E_LOGIN_REQUIRED)
            return -1;
        ts_err_clear(cx);
    }
    cx->lang = lang_of(cx, rq->accept_language);
    rq->begun = true;
    /* what the headers settle is checked now, so that nobody sends a body to
     * a route they may not call (an app's right waits for the app's id) */
    return ts_api_require(cx, rq->route, NULL, rq->preview);
}

size_t ts_api_body_limit(const struct ts_api_req *rq)
{
    if (rq->route && (rq->route->flags & TS_R_ANSWER))
        return TS_BODY_ANSWER;
    if (!rq->route || rq->route->need == TS_NEED_PUBLIC || rq->route->need == TS_NEED_ANYONE)
        return TS_BODY_ANONYMOUS;
    return rq->route->flags & TS_R_BIG ? TS_BODY_BIG : TS_BODY_DEFAULT;
}

size_t ts_api_json_values_limit(const struct ts_api_req *rq)
{
    return rq->route && (rq->route->flags & TS_R_BIG) ? TS_VALUES_BIG : TS_VALUES_DEFAULT;
}

#define PUBLIC_AT_ONCE 4 /* of the 8 threads a server runs by default */

void ts_api_handle(struct ts_ctx *cx, struct ts_api_req *rq)
{
    struct ts_jw w;
    ts_buf_init(&rq->body);
    ts_jw_init(&w, &rq->body);
    bool in_tx = false;
    struct ts_db *own_db = NULL;
    if (!rq->begun && ts_api_begin(cx, rq) < 0)
        goto fail;
    const struct ts_route *route = rq->route;
    /* people outside (public forms and views) share a few of the server's
     * threads: however many come at once, the rest are the staff's */
    if (rq->public_token && !ts_busy_hold(cx->arena, "public:*", PUBLIC_AT_ONCE)) {
        ts_fail(cx, TS_E_PUBLIC_BUSY, "public requests");
        goto fail;
    }
    if (route->need == TS_NEED_PUBLIC && route->fn == ts_api_login &&
        login_from_this_site(cx, rq) < 0)
        goto fail;
    if (route->need != TS_NEED_PUBLIC &&
        ((rq->http_method != TS_GET &&
          ts_policy_check_csrf(cx, ts_param_str(rq->params, "__REQUEST_TOKEN__")) < 0) ||
         ts_api_require(cx, route, rq->params, rq->preview) < 0))
        goto fail;
    if (route->flags & TS_R_NO_TX) {
        rq->status = 200;
        if (route->fn(cx, rq, &w) < 0)
            goto fail;
        return;
    }
    bool write = rq->method != TS_GET || (route->flags & TS_R_WRITES);
    if (write)
        own_db = ts_db_writer_acquire(cx);
    if (ts_db_begin(cx, write) < 0)
        goto fail;
    in_tx = true;
    rq->status = 200;
    if (route->fn(cx, rq, &w) < 0) {
        if (cx->err.code == TS_OK)
            TS_BUG("handler for %s failed without an error", rq->path);
        goto fail;
    }
    const char *action = route->audit;
    const char *detail =
        action ? ts_arena_printf(cx->arena, "%s %s", method_name(rq->method), rq->path) : NULL;
    if (action && write &&
        ts_audit_add(cx, rq->auth.client_addr, action, ts_audit_target(cx, rq->params), detail) < 0)
        goto fail;
    in_tx = false;
    int rc = ts_db_commit(cx);
    if (own_db)
        ts_db_writer_release(cx, own_db);
    own_db = NULL;
    /* acknowledged means on disk: wait for the group commit's fsync */
    if (rc < 0 || ts_db_wait_durable(cx) < 0)
        goto fail;
    ts_api_after_tx(cx);
    if (action && !write) /* an export: logged once it has been read */
        ts_audit_apart(cx, rq->auth.client_addr, action, ts_audit_target(cx, rq->params), detail);
    return;
fail:
    if (in_tx)
        ts_db_rollback(cx);
    if (own_db)
        ts_db_writer_release(cx, own_db);
    ts_api_after_tx(cx);
    ts_api_fail(cx, rq);
}

int ts_api_tx(struct ts_ctx *cx, int (*fn)(struct ts_ctx *, void *), void *arg)
{
    int rc = ts_db_in_write_tx(cx, fn, arg);
    if (rc == 0)
        rc = ts_db_wait_durable(cx);
    ts_api_after_tx(cx);
    return rc;
}

void ts_api_fail(struct ts_ctx *cx, struct ts_api_req *rq)
{
    /* each failure is logged; a locked name or address is refused unlogged,
     * so that nobody can fill the log (and the disk) by trying on */
    if (cx->err.code == TS_E_BAD_PASSWORD || cx->err.code == TS_E_BAD_LOGIN)
        ts_audit_apart(cx, rq->auth.client_addr, "login.failed", attempted_login(cx, rq), NULL);
    rq->status = ts_err_status(cx->err.code);
    if (rq->error_written)
        return;
    struct ts_jw w;
    if (rq->body.p)
        ts_buf_reset(&rq->body);
    else
        ts_buf_init(&rq->body);
    ts_jw_init(&w, &rq->body);
    ts_api_write_error(cx, &w);
    if (cx->err.code == TS_E_INTERNAL || cx->err.code == TS_E_DB_LOCKED)
        TS_LOG_ERROR(cx, "api", "%s failed: %s", rq->path, cx->err.detail);
    else
        TS_LOG_DEBUG(cx, "api", "%s %s: %s", rq->path, ts_err_kintone_code(cx->err.code),
                     cx->err.detail);
}

/* ---------------------------------------------------------------- parameters */

int ts_json_i64(const json_t *v, int64_t *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 0;
    }
    if (json_is_string(v))
        return ts_parse_i64(json_string_value(v), out);
    return -1;
}

int ts_param_id(struct ts_ctx *cx, const json_t *params, const char *name, int64_t *out)
{
    const json_t *v = json_object_get(params, name);
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
        ts_fail_field(cx, name, TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (ts_json_i64(v, out) < 0) {
        ts_fail_field(cx, name, TS_M_NOT_INTEGER);
        return -1;
    }
    if (*out < 1) {
        ts_fail_field(cx, name, TS_M_MIN_ONE);
        return -1;
    }
    return 0;
}

int ts_param_int(struct ts_ctx *cx, const json_t *params, const char *name, int64_t dflt,
                 int64_t min, int64_t *out)
{
    const json_t *v = json_object_get(params, name);
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
        *out = dflt;
        return 0;
    }
    if (ts_json_i64(v, out) < 0) {
        ts_fail_field(cx, name, TS_M_NOT_INTEGER);
        return -1;
    }
    if (*out < min) {
        ts_fail_field(cx, name, min == 1 ? TS_M_MIN_ONE : TS_M_MIN_ZERO);
        return -1;
    }
    return 0;
}

int ts_param_revision(struct ts_ctx *cx, const json_t *v, const char *name, int64_t *out)
{
    *out = -1;
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
        return 0;
    if (ts_json_i64(v, out) < 0 || *out < -1) {
        ts_fail_field(cx, name, TS_M_NOT_INTEGER);
        return -1;
    }
    return 0;
}

const char *ts_param_str(const json_t *params, const char *name)
{
    return json_string_value(json_object_get(params, name));
}

bool ts_param_bool(const json_t *params, const char *name)
{
    const json_t *v = json_object_get(params, name);
    return json_is_true(v) || (json_is_string(v) && strcmp(json_string_value(v), "true") == 0);
}

/* ---------------------------------------------------------------- shared helpers */

/* The app named by the `app` parameter, after checking the caller's right. */
const struct ts_app *ts_api_app_param(struct ts_ctx *cx, const json_t *params, unsigned perm)
{
    int64_t app_id;
    if (ts_param_id(cx, params, "app", &app_id) < 0 || ts_policy_require_app(cx, app_id, perm) < 0)
        return NULL;
    return ts_app_get(cx, app_id);
}

/* want[] from a `fields` array parameter (every field but hidden system ones
 * when absent), less the fields the caller may not see; NULL for every field. */
static bool *want_fields(struct ts_ctx *cx, const struct ts_app *app, const char *access,
                         const json_t *fields)
{
    bool given = json_is_array(fields) && json_array_size(fields) > 0;
    if (!given && !access)
        return NULL;
    bool *want = TS_NEW_N(cx->arena, bool, (size_t)app->n_fields);
    if (given) {
        size_t i;
        const json_t *c;
        json_array_foreach (fields, i, c) {
            const struct ts_field *f =
                json_is_string(c) ? ts_app_field(app, json_string_value(c)) : NULL;
            if (f && f->table)
                f = f->table; /* a table comes whole */
            if (f)
                want[ts_app_field_index(app, f)] = true;
        }
    } else {
        /* what a record shows by default: every field but hidden system ones, with $id, $revision
         */
        for (int i = 0; i < app->n_fields; i++) {
            const struct ts_field *f = &app->fields[i];
            want[i] = !(ts_field_kind(f) == TS_K_SYS && ts_field_has(f, TS_FF_HIDDEN)) ||
                      f->type == TS_F___ID__ || f->type == TS_F___REVISION__;
        }
    }
    for (int i = 0; access && i < app->n_fields; i++)
        want[i] &= access[i] != TS_FIELD_NONE;
    return want;
}

int ts_api_shown(struct ts_ctx *cx, const struct ts_app *app, const json_t *fields,
                 struct ts_api_shown *out)
{
    const char *access = ts_policy_fields(cx, app);
    if (cx->err.code)
        return -1;
    out->want = out->load = want_fields(cx, app, access, fields);
    out->by_record = ts_policy_fields_by_record(app, access) ? access : NULL;
    if (!out->by_record)
        return 0;
    /* the people fields that decide are read too, not shown */
    bool *load = TS_NEW_N(cx->arena, bool, (size_t)app->n_fields);
    memcpy(load, out->want, sizeof(bool) * (size_t)app->n_fields);
    const json_t *rules = json_object_get(json_object_get(app->def, "fieldAcl"), "rights");
    size_t i, k;
    const json_t *rule, *e;
    json_array_foreach (rules, i, rule)
        json_array_foreach (json_object_get(rule, "entities"), k, e) {
            const json_t *entity = json_object_get(e, "entity");
            const struct ts_field *f =
                ts_str_eq(json_string_value(json_object_get(entity, "type")), "FIELD_ENTITY")
                    ? ts_app_field(app, json_string_value(json_object_get(entity, "code")))
                    : NULL;
            if (f)
                load[ts_app_field_index(app, f)] = true;
        }
    out->load = load;
    return 0;
}

const bool *ts_api_shown_in(struct ts_ctx *cx, const struct ts_app *app,
                            const struct ts_api_shown *s, const struct ts_record *r)
{
    if (!s->by_record)
        return s->want;
    /* should the rights not be settled (the database failed), none of those fields */
    const char *mine = ts_policy_fields_of(cx, app, s->by_record, r);
    bool *out = TS_NEW_N(cx->arena, bool, (size_t)app->n_fields);
    for (int i = 0; i < app->n_fields; i++)
        out[i] =
            s->want[i] && (mine ? mine[i] != TS_FIELD_NONE : s->by_record[i] != TS_FIELD_BY_RECORD);
    return out;
}

/* A condition on a field the caller sees in some records only holds in those. */
static void narrow_node(struct ts_ctx *cx, struct ts_qnode *n, const struct ts_app *app,
                        const char *access)
{
    if (!n || n->kind == TS_QN_REL)
        return;
    if (n->kind != TS_QN_COND) {
        narrow_node(cx, n->a, app, access);
        narrow_node(cx, n->b, app, access);
        return;
    }
    if (access[ts_app_field_index(app, n->field)] != TS_FIELD_BY_RECORD)
        return;
    struct ts_qnode *cond = TS_NEW(cx->arena, struct ts_qnode);
    *cond = *n;
    struct ts_qnode *visible = ts_policy_field_visible(cx, app, n->field);
    if (!visible)
        return;
    memset(n, 0, sizeof(*n));
    n->kind = TS_QN_AND;
    n->a = cond;
    n->b = visible;
}

static bool readable_node(const struct ts_qnode *n, const struct ts_app *app, const char *access,
                          const char **code)
{
    if (!n)
        return true;
    if (n->kind == TS_QN_COND && n->field->table == NULL &&
        access[ts_app_field_index(app, n->field)] == TS_FIELD_NONE) {
        *code = n->field->code;
        return false;
    }
    if (n->kind == TS_QN_COND && n->field->table &&
        access[ts_app_field_index(app, n->field)] == TS_FIELD_NONE) {
        *code = n->field->code;
        return false;
    }
    /* another app's fields: its own rights; but the field they are joined on
     * is this record's, which the caller must be able to see */
    if (n->kind == TS_QN_REL && n->rel->mine && !n->rel->mine->table &&
        access[ts_app_field_index(app, n->rel->mine)] == TS_FIELD_NONE) {
        *code = n->rel->mine->code;
        return false;
    }
    if (n->kind == TS_QN_REL)
        return true;
    return readable_node(n->a, app, access, code) && readable_node(n->b, app, access, code);
}

int ts_api_plan_readable(struct ts_ctx *cx, const struct ts_app *app, struct ts_qplan *plan)
{
    const char *access = ts_policy_fields(cx, app);
    if (!access)
        return cx->err.code ? -1 : 0;
    const char *code = NULL;
    bool ok = readable_node(plan->where, app, access, &code);
    /* ordering by a field hidden in some records would tell its values there */
    for (int i = 0; ok && i < plan->n_order; i++)
        if (access[ts_app_field_index(app, plan->order[i].field)] == TS_FIELD_NONE ||
            access[ts_app_field_index(app, plan->order[i].field)] == TS_FIELD_BY_RECORD) {
            code = plan->order[i].field->code;
            ok = false;
        }
    /* a field one may not see is as if it did not exist */
    if (!ok)
        return ts_fail_arg(cx, TS_E_QUERY_NO_FIELD, code);
    narrow_node(cx, plan->where, app, access);
    return cx->err.code ? -1 : 0;
}

int ts_api_writable(struct ts_ctx *cx, const struct ts_app *app, const json_t *record, int64_t id)
{
    const char *access = ts_policy_fields(cx, app);
    if (!access)
        return cx->err.code ? -1 : 0;
    if (id > 0 && ts_policy_fields_by_record(app, access)) {
        const struct ts_record *r = ts_store_record_get(cx, app, id);
        if (cx->err.code || !(access = ts_policy_fields_of(cx, app, access, r)))
            return -1;
    }
    const char *code;
    const json_t *v;
    json_object_foreach ((json_t *)record, code, v) {
        const struct ts_field *f = ts_app_field(app, code);
        int level = f ? access[ts_app_field_index(app, f)] : TS_FIELD_WRITE;
        if (f && ts_field_kind(f) != TS_K_SYS && level != TS_FIELD_WRITE &&
            (id > 0 || level != TS_FIELD_BY_RECORD)) /* a new record's: once it is added */
            return ts_fail_arg(cx, TS_E_FIELD_NO_PERMISSION, code);
    }
    return 0;
}

int ts_api_add_record(struct ts_ctx *cx, const struct ts_app *app, const json_t *record,
                      const char *prefix, int64_t *id)
{
    if (ts_api_writable(cx, app, record, 0) < 0 || ts_record_add(cx, app, record, prefix, id) < 0)
        return -1;
    /* fields whose right the record decides, by the record as added (its
     * defaults and lookups included); the request's transaction undoes it */
    const char *access = ts_policy_fields(cx, app);
    return ts_policy_fields_by_record(app, access) ? ts_api_writable(cx, app, record, *id) : 0;
}

/* Rel.Field conditions look into another app: under the caller's rights there
 * too. An app they may not view, or a field of it they may not see, is as if
 * it did not exist (GAIA_IQ11); its records they may not view meet nothing. */
/* Does condition n (of app's settings, not the caller's) test only fields
 * the caller sees in every record? */
static bool seen_everywhere(const struct ts_qnode *n, const struct ts_app *app, const char *access)
{
    if (!n || n->kind == TS_QN_REL)
        return true;
    if (n->kind == TS_QN_COND)
        return access[ts_app_field_index(app, n->field->table ? n->field->table : n->field)] !=
                   TS_FIELD_NONE &&
               access[ts_app_field_index(app, n->field)] != TS_FIELD_BY_RECORD;
    return seen_everywhere(n->a, app, access) && seen_everywhere(n->b, app, access);
}

static int restrict_related(struct ts_ctx *cx, struct ts_qnode *n)
{
    if (!n)
        return 0;
    if (n->kind != TS_QN_REL)
        return restrict_related(cx, n->a) < 0 ? -1 : restrict_related(cx, n->b);
    const struct ts_app *other = n->rel->app;
    if (!(ts_policy_app_perms(cx, other->id) & TS_PERM_VIEW))
        return cx->err.code ? -1 : ts_fail_arg(cx, TS_E_QUERY_NO_FIELD, n->rel->theirs->code);
    /* the link itself (the field it matches on, the related list's own
     * filter) may not test what the caller may not see there */
    const char *access = ts_policy_fields(cx, other);
    if (cx->err.code)
        return -1;
    char theirs = access ? access[ts_app_field_index(other, n->rel->theirs)] : TS_FIELD_WRITE;
    if (access && (!seen_everywhere(n->rel->filter, other, access) ||
                   (theirs != TS_FIELD_WRITE && theirs != TS_FIELD_READ)))
        return ts_fail_arg(cx, TS_E_QUERY_NO_FIELD, n->rel->theirs->code);
    if (ts_api_plan_readable(cx, other, &(struct ts_qplan){.where = n->a}) < 0)
        return -1;
    struct ts_qnode *mine = ts_policy_records(cx, other, TS_RR_VIEW);
    if (cx->err.code)
        return -1;
    if (!mine || mine->kind == TS_QN_TRUE)
        return 0;
    struct ts_qrel *rel = TS_NEW(cx->arena, struct ts_qrel);
    *rel = *n->rel;
    if (rel->filter) {
        struct ts_qnode *both = TS_NEW(cx->arena, struct ts_qnode);
        both->kind = TS_QN_AND;
        both->a = (struct ts_qnode *)rel->filter;
        both->b = mine;
        mine = both;
    }
    rel->filter = mine;
    n->rel = rel;
    return 0;
}

int ts_api_restrict(struct ts_ctx *cx, const struct ts_app *app, struct ts_qplan *plan,
                    enum ts_record_right right)
{
    if (restrict_related(cx, plan->where) < 0)
        return -1;
    struct ts_qnode *n = ts_policy_records(cx, app, right);
    if (cx->err.code)
        return -1;
    if (!n || n->kind == TS_QN_TRUE)
        return 0;
    if (plan->where) {
        struct ts_qnode *both = TS_NEW(cx->arena, struct ts_qnode);
        both->kind = TS_QN_AND;
        both->a = plan->where;
        both->b = n;
        n = both;
    }
    plan->where = n;
    return 0;
}

int ts_api_query_viewable(struct ts_ctx *cx, const struct ts_app *app, const char *query,
                          struct ts_qplan *plan)
{
    struct ts_query_env env = ts_policy_query_env(cx);
    if (ts_query_plan(cx, app, query, TS_QUERY_FULL, &env, plan) < 0 ||
        ts_api_plan_readable(cx, app, plan) < 0 || ts_api_restrict(cx, app, plan, TS_RR_VIEW) < 0)
        return -1;
    return 0;
}

int ts_api_record_allowed(struct ts_ctx *cx, const struct ts_app *app, int64_t id,
                          enum ts_record_right right)
{
    struct ts_qplan plan = {.limit = 1, .has_limit = true};
    struct ts_qnode *cond = ts_query_id_is(cx, app, id);
    plan.where = cond;
    if (ts_api_restrict(cx, app, &plan, right) < 0)
        return -1;
    if (plan.where == cond)
        return 0; /* no record rights apply */
    int64_t n = ts_store_records_count(cx, app, &plan);
    if (n < 0)
        return -1;
    if (n > 0)
        return 0;
    /* no longer there (deleted): its rights cannot be settled, so to someone
     * whom record rights restrict it is not found, its history and files too */
    struct ts_record *r = ts_store_record_get(cx, app, id);
    if (!r)
        return cx->err.code ? -1
                            : ts_fail_arg(cx, TS_E_RECORD_NOT_FOUND,
                                          ts_arena_printf(cx->arena, "%lld", (long long)id));
    return ts_fail(cx, TS_E_NO_PERMISSION, "record access rights");
}
