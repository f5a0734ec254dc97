/*
 * api/notify.c - our own endpoints for what notify/ keeps:
 *   the notification centre   GET /api/notifications, GET .../unread,
 *                             POST .../read
 *   circulars (供覧)           POST/GET /api/circulars, GET .../pending,
 *                             POST /api/circular/confirm, .../remind
 *   the mail server           GET/PUT /api/system/mail, POST .../test
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "base/str.h"
#include "notify/notify.h"
#include "record/record.h"
#include "store/store.h"

#define PAGE_MAX    100
#define MESSAGE_MAX 2000
#define MAX_PEOPLE  2000

static void write_user(struct ts_ctx *cx, struct ts_jw *w, const char *key, const char *code)
{
    ts_jw_key(w, key);
    if (!code || !*code) {
        ts_jw_null(w);
        return;
    }
    const char *name = ts_record_user_name(cx, code);
    ts_jw_obj(w);
    ts_jw_kstr(w, "code", code);
    ts_jw_kstr(w, "name", name ? name : code);
    ts_jw_obj_end(w);
}

static void write_app(struct ts_ctx *cx, struct ts_jw *w, int64_t app_id)
{
    ts_jw_key(w, "app");
    const struct ts_app *app = app_id ? ts_app_get(cx, app_id) : NULL;
    ts_err_clear(cx); /* an app deleted since: the notice stays */
    if (!app_id) {
        ts_jw_null(w);
        return;
    }
    ts_jw_obj(w);
    ts_jw_kint(w, "id", app_id);
    ts_jw_kstr(w, "name", app ? app->name : "");
    ts_jw_obj_end(w);
}

/* ---------------------------------------------------------------- notification centre */

static int write_note(struct ts_ctx *cx, const struct ts_note *n, void *arg)
{
    struct ts_jw *w = arg;
    ts_jw_obj(w);
    ts_jw_kint(w, "id", n->id);
    ts_jw_kint(w, "at", n->at);
    ts_jw_kstr(w, "kind", n->kind);
    write_app(cx, w, n->app_id);
    ts_jw_kint(w, "record", n->rec_id);
    write_user(cx, w, "actor", n->actor);
    ts_jw_kstr(w, "title", n->title);
    ts_jw_kstr(w, "body", n->body);
    ts_jw_kbool(w, "read", n->read);
    ts_jw_obj_end(w);
    return 0;
}

static int write_unread(struct ts_ctx *cx, struct ts_jw *w)
{
    int64_t newest = 0;
    int64_t unread = ts_store_notes_unread(cx, cx->user->id, &newest);
    if (unread < 0)
        return -1;
    ts_jw_kint(w, "unread", unread);
    ts_jw_kint(w, "newest", newest);
    return 0;
}

int ts_api_notes_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t before, limit;
    if (ts_policy_require_person(cx) < 0 ||
        ts_param_int(cx, rq->params, "before", 0, 0, &before) < 0 ||
        ts_param_int(cx, rq->params, "limit", 20, 1, &limit) < 0)
        return -1;
    if (limit > PAGE_MAX)
        limit = PAGE_MAX;
    ts_jw_obj(w);
    ts_jw_key(w, "notifications");
    ts_jw_arr(w);
    if (ts_store_notes_each(cx, cx->user->id, before, limit, ts_param_bool(rq->params, "unread"),
                            write_note, w) < 0)
        return -1;
    ts_jw_arr_end(w);
    if (write_unread(cx, w) < 0)
        return -1;
    ts_jw_obj_end(w);
    return 0;
}

/* GET /api/notifications/unread?after=N&wait=S: with `wait`, an answer that
 * would bring nothing newer than notice N waits up to S seconds (25 at most)
 * for one: the bell learns of a notice within a second, without polling. */
int ts_api_notes_unread(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t after, wait, newest = 0;
    if (ts_policy_require_person(cx) < 0 ||
        ts_param_int(cx, rq->params, "after", 0, 0, &after) < 0 ||
        ts_param_int(cx, rq->params, "wait", 0, 0, &wait) < 0)
        return -1;
    if (wait > 0 && !rq->woken) {
        if (ts_store_notes_unread(cx, cx->user->id, &newest) < 0)
            return -1;
        if (newest <= after) {
            rq->wait_user = cx->user->id;
            rq->wait_after = after;
            rq->wait_seconds = wait < 25 ? wait : 25;
            return 0;
        }
    }
    ts_jw_obj(w);
    if (write_unread(cx, w) < 0)
        return -1;
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_notes_read(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    if (ts_policy_require_person(cx) < 0)
        return -1;
    const json_t *ids = json_object_get(rq->params, "ids");
    int rc;
    int64_t app_id, rec_id;
    if (ts_param_bool(rq->params, "all")) {
        rc = ts_store_notes_read(cx, cx->user->id, NULL, -1);
    } else if (json_object_get(rq->params, "record")) {
        /* the record was opened: what the caller was told of it is seen */
        if (ts_param_id(cx, rq->params, "app", &app_id) < 0 ||
            ts_param_id(cx, rq->params, "record", &rec_id) < 0)
            return -1;
        rc = ts_store_notes_read_of(cx, cx->user->id, app_id, rec_id, NULL);
    } else {
        if (!json_is_array(ids) || json_array_size(ids) > PAGE_MAX) {
            ts_fail_field(cx, "ids", ids ? TS_M_NOT_ARRAY : TS_M_REQUIRED_PARAM);
            return -1;
        }
        int64_t *v = TS_NEW_N(cx->arena, int64_t, json_array_size(ids) + 1);
        size_t i;
        const json_t *id;
        json_array_foreach (ids, i, id) {
            if (!json_is_integer(id) &&
                !(json_is_string(id) && ts_parse_i64(json_string_value(id), &v[i]) == 0)) {
                ts_fail_field(cx, ts_arena_printf(cx->arena, "ids[%zu]", i), TS_M_NOT_INTEGER);
                return -1;
            }
            if (json_is_integer(id))
                v[i] = json_integer_value(id);
        }
        rc = ts_store_notes_read(cx, cx->user->id, v, (int)json_array_size(ids));
    }
    if (rc < 0)
        return -1;
    ts_jw_obj(w);
    if (write_unread(cx, w) < 0)
        return -1;
    ts_jw_obj_end(w);
    return 0;
}

/* ---------------------------------------------------------------- circulars */

/* The app and record a call names; the caller must be able to view it. */
static const struct ts_app *record_of(struct ts_ctx *cx, const json_t *params, struct ts_record **r)
{
    int64_t rec_id;
    const struct ts_app *app = ts_api_app_param(cx, params, TS_PERM_VIEW);
    if (!app || ts_param_id(cx, params, "record", &rec_id) < 0 ||
        ts_api_record_allowed(cx, app, rec_id, TS_RR_VIEW) < 0 ||
        !(*r = ts_record_load(cx, app, rec_id)))
        return NULL;
    return app;
}

int ts_api_circular_add(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_record *r;
    if (ts_policy_require_person(cx) < 0)
        return -1;
    const struct ts_app *app = record_of(cx, rq->params, &r);
    if (!app)
        return -1;
    const char *message = ts_param_str(rq->params, "message");
    if (message && ts_utf8_len(message) > MESSAGE_MAX)
        ts_fail_field(cx, "message", TS_M_TOO_LONG, MESSAGE_MAX);
    const json_t *to = json_object_get(rq->params, "to");
    if (json_is_array(to) && json_array_size(to) == 0)
        ts_fail_field(cx, "to", TS_M_NEED_PEOPLE);
    if (cx->err.code)
        return -1;
    json_t *entities = ts_app_entities(cx, to, "to", NULL);
    if (!entities)
        return -1;
    struct ts_people people = {0};
    int rc = ts_people_add_entities(cx, app, r, entities, &people);
    json_decref(entities);
    if (rc < 0)
        return -1;
    /* everyone named must be able to open the record; the sender is not sent it */
    struct ts_people send = {0};
    for (int i = 0; i < people.n; i++) {
        if (ts_str_eq(people.codes[i], cx->user->code))
            continue;
        struct ts_user *u = ts_store_user_by_code(cx, people.codes[i]);
        int may = u ? ts_policy_user_may_view(cx, app, u, r->id) : -1;
        if (may < 0)
            return -1;
        if (!may)
            ts_fail_field(cx, "to", TS_M_NOT_VIEWER, u->name);
        ts_people_add(cx, &send, people.codes[i]);
    }
    if (send.n == 0)
        ts_fail_field(cx, "to", TS_M_NEED_PEOPLE);
    if (send.n > MAX_PEOPLE)
        ts_fail_field(cx, "to", TS_M_TOO_MANY_RECORDS, MAX_PEOPLE);
    if (cx->err.code)
        return -1;
    struct ts_circular c = {.app_id = app->id,
                            .rec_id = r->id,
                            .at = cx->now,
                            .sender = cx->user->code,
                            .message = message ? message : ""};
    struct ts_notice n = {.kind = "CIRCULAR", .app = app, .r = r, .body = c.message};
    if (ts_store_circular_add(cx, &c, send.codes, send.n) < 0 ||
        ts_notify_people(cx, &n, &send) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kint(w, "id", c.id);
    ts_jw_kint(w, "recipients", send.n);
    ts_jw_obj_end(w);
    return 0;
}

struct people_out {
    struct ts_jw *w;
    int64_t total, confirmed;
};

static int write_person(struct ts_ctx *cx, const struct ts_circular_person *p, void *arg)
{
    struct people_out *o = arg;
    ts_jw_obj(o->w);
    write_user(cx, o->w, "user", p->user);
    ts_jw_kint(o->w, "confirmed", p->confirmed);
    ts_jw_kint(o->w, "reminded", p->reminded);
    ts_jw_kstr(o->w, "comment", p->comment);
    ts_jw_obj_end(o->w);
    o->total++;
    o->confirmed += p->confirmed != 0;
    return 0;
}

static int write_circular(struct ts_ctx *cx, const struct ts_circular *c, void *arg)
{
    struct ts_jw *w = arg;
    ts_jw_obj(w);
    ts_jw_kint(w, "id", c->id);
    ts_jw_kint(w, "at", c->at);
    write_user(cx, w, "sender", c->sender);
    ts_jw_kstr(w, "message", c->message);
    ts_jw_key(w, "people");
    ts_jw_arr(w);
    struct people_out o = {.w = w};
    if (ts_store_circular_people(cx, c->id, write_person, &o) < 0)
        return -1;
    ts_jw_arr_end(w);
    ts_jw_kint(w, "total", o.total);
    ts_jw_kint(w, "confirmedCount", o.confirmed);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_circulars_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_record *r;
    const struct ts_app *app = record_of(cx, rq->params, &r);
    if (!app)
        return -1;
    ts_jw_obj(w);
    ts_jw_key(w, "circulars");
    ts_jw_arr(w);
    if (ts_store_circulars_each(cx, app->id, r->id, write_circular, w) < 0)
        return -1;
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

static int write_pending(struct ts_ctx *cx, const struct ts_circular *c, void *arg)
{
    struct ts_jw *w = arg;
    ts_jw_obj(w);
    ts_jw_kint(w, "id", c->id);
    ts_jw_kint(w, "at", c->at);
    write_app(cx, w, c->app_id);
    ts_jw_kint(w, "record", c->rec_id);
    write_user(cx, w, "sender", c->sender);
    ts_jw_kstr(w, "message", c->message);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_circulars_pending(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    (void)rq;
    if (ts_policy_require_person(cx) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_key(w, "circulars");
    ts_jw_arr(w);
    if (ts_store_circulars_pending(cx, cx->user->code, PAGE_MAX, write_pending, w) < 0)
        return -1;
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

/* The circular `id` names, on a record the caller may view. */
static struct ts_circular *circular_param(struct ts_ctx *cx, const json_t *params,
                                          const struct ts_app **app, struct ts_record **r)
{
    int64_t id;
    if (ts_policy_require_person(cx) < 0 || ts_param_id(cx, params, "id", &id) < 0)
        return NULL;
    struct ts_circular *c = ts_store_circular_get(cx, id);
    if (!c) {
        if (!cx->err.code)
            ts_fail(cx, TS_E_API_NOT_FOUND, "no circular %lld", (long long)id);
        return NULL;
    }
    if (!(*app = ts_app_get(cx, c->app_id)) ||
        !(ts_policy_app_perms(cx, c->app_id) & TS_PERM_VIEW) ||
        ts_api_record_allowed(cx, *app, c->rec_id, TS_RR_VIEW) < 0 ||
        !(*r = ts_record_load(cx, *app, c->rec_id))) {
        if (!cx->err.code)
            ts_fail(cx, TS_E_NO_PERMISSION, "circular's record");
        return NULL;
    }
    return c;
}

int ts_api_circular_confirm(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app;
    struct ts_record *r;
    struct ts_circular *c = circular_param(cx, rq->params, &app, &r);
    if (!c)
        return -1;
    const char *comment = ts_param_str(rq->params, "comment");
    if (comment && ts_utf8_len(comment) > MESSAGE_MAX) {
        ts_fail_field(cx, "comment", TS_M_TOO_LONG, MESSAGE_MAX);
        return -1;
    }
    int rc = ts_store_circular_confirm(cx, c->id, cx->user->code, cx->now, comment);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return ts_fail(cx, TS_E_NO_PERMISSION, "not a recipient of circular %lld",
                       (long long)c->id);
    /* confirmed, by whatever route: the notices that asked for it are read */
    if (ts_store_notes_read_of(cx, cx->user->id, app->id, r->id, "CIRCULAR") < 0 ||
        ts_store_notes_read_of(cx, cx->user->id, app->id, r->id, "REMIND") < 0)
        return -1;
    ts_jw_obj(w);
    if (write_circular(cx, c, w) < 0)
        return -1;
    ts_jw_obj_end(w);
    return 0;
}

static int not_yet(struct ts_ctx *cx, const struct ts_circular_person *p, void *arg)
{
    if (!p->confirmed)
        ts_people_add(cx, arg, p->user);
    return 0;
}

int ts_api_circular_remind(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app;
    struct ts_record *r;
    struct ts_circular *c = circular_param(cx, rq->params, &app, &r);
    if (!c)
        return -1;
    /* the sender, the app's managers and administrators follow a circular up */
    if (!ts_str_eq(c->sender, cx->user->code) &&
        !(ts_policy_app_perms(cx, app->id) & TS_PERM_MANAGE))
        return ts_fail(cx, TS_E_NO_PERMISSION, "only the sender or a manager reminds");
    struct ts_people who = {0};
    if (ts_store_circular_people(cx, c->id, not_yet, &who) < 0)
        return -1;
    struct ts_notice n = {.kind = "REMIND", .app = app, .r = r, .body = c->message};
    if (ts_notify_people(cx, &n, &who) < 0)
        return -1;
    for (int i = 0; i < who.n; i++)
        if (ts_store_circular_reminded(cx, c->id, who.codes[i], cx->now) < 0)
            return -1;
    ts_jw_obj(w);
    ts_jw_kint(w, "reminded", who.n);
    ts_jw_obj_end(w);
    return 0;
}

/* ---------------------------------------------------------------- the mail server */

int ts_api_mail_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    (void)rq;
    struct ts_mail_settings ms;
    int64_t counts[3] = {0};
    const char *last_error = NULL;
    if (ts_policy_require_admin(cx) < 0 || ts_mail_settings(cx, &ms) < 0 ||
        ts_store_mail_stats(cx, counts, &last_error) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kbool(w, "enabled", ms.enabled);
    ts_jw_kstr(w, "url", ms.url ? ms.url : "");
    ts_jw_kstr(w, "from", ms.from);
    ts_jw_kstr(w, "baseUrl", ms.base_url);
    ts_jw_kstr(w, "user", ms.user ? ms.user : "");
    ts_jw_kbool(w, "hasPassword", ms.password != NULL);
    ts_jw_key(w, "outbox");
    ts_jw_obj(w);
    ts_jw_kint(w, "waiting", counts[0]);
    ts_jw_kint(w, "sent", counts[1]);
    ts_jw_kint(w, "failed", counts[2]);
    ts_jw_kstr(w, "lastError", last_error ? last_error : "");
    ts_jw_obj_end(w);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_mail_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_mail_settings old;
    if (ts_policy_require_admin(cx) < 0 || ts_mail_settings(cx, &old) < 0)
        return -1;
    const char *url = ts_param_str(rq->params, "url");
    const char *from = ts_param_str(rq->params, "from");
    const char *base = ts_param_str(rq->params, "baseUrl");
    const char *user = ts_param_str(rq->params, "user");
    const char *password = ts_param_str(rq->params, "password");
    bool enabled = ts_param_bool(rq->params, "enabled");
    if (url && *url && strncmp(url, "smtp://", 7) && strncmp(url, "smtps://", 8))
        ts_fail_field(cx, "url", TS_M_AS_IS,
                      cx->lang == TS_LANG_JA
                          ? "smtp:// か smtps:// で始まるアドレスを指定してください。"
                          : "Give an address that starts with smtp:// or smtps://.");
    if (enabled && !(url && *url))
        ts_fail_field(cx, "url", TS_M_REQUIRED);
    if (from && *from && !ts_mail_address_ok(from))
        ts_fail_field(cx, "from", TS_M_AS_IS,
                      cx->lang == TS_LANG_JA ? "メールアドレスの形ではありません。"
                                             : "This is not an e-mail address.");
    if (base && *base && strncmp(base, "http://", 7) && strncmp(base, "https://", 8))
        ts_fail_field(cx, "baseUrl", TS_M_AS_IS,
                      cx->lang == TS_LANG_JA
                          ? "http:// か https:// で始まるアドレスを指定してください。"
                          : "Give an address that starts with http:// or https://.");
    if (cx->err.code)
        return -1;
    /* the password is kept unless a new one is given */
    json_t *j = json_pack("{s:b, s:s, s:s, s:s, s:s, s:s}", "enabled", enabled, "url",
                          url ? url : "", "from", from && *from ? from : old.from, "baseUrl",
                          base && *base ? base : old.base_url, "user", user ? user : "", "password",
                          password       ? password
                          : old.password ? old.password
                                         : "");
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    int rc = ts_store_system_put(cx, "mail", text);
    free(text);
    if (rc < 0)
        return -1;
    return ts_api_mail_get(cx, rq, w);
}

int ts_api_mail_test(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_mail_settings ms;
    if (ts_policy_require_admin(cx) < 0 || ts_mail_settings(cx, &ms) < 0)
        return -1;
    const char *to = ts_param_str(rq->params, "to");
    if (!to || !*to)
        to = cx->user->email;
    if (!ts_mail_address_ok(to)) {
        ts_fail_field(cx, "to", TS_M_REQUIRED);
        return -1;
    }
    if (!ms.enabled)
        return ts_fail(cx, TS_E_ILLEGAL_REQUEST, "mail is not turned on");
    bool ja = cx->lang == TS_LANG_JA;
    if (ts_mail_queue(cx, to, ja ? "Tsumiki テストメール" : "Tsumiki test message",
                      ja ? "メールの設定は正しく動いています。\n"
                         : "Mail is set up and working.\n") < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kstr(w, "to", to);
    ts_jw_obj_end(w);
    return 0;
}
