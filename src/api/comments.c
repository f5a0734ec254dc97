/*
 * api/comments.c - record/comments.json and record/comment.json (KINTONE-API.md §5.1).
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "base/str.h"
#include "base/tstime.h"
#include "model/user.h"
#include "events/events.h"
#include "policy/policy.h"
#include "record/record.h"
#include "store/store.h"

#define MAX_TEXT     65535
#define MAX_MENTIONS 10

/* The app and record named by `app` and `record`; the record must exist. */
static const struct ts_app *record_param(struct ts_ctx *cx, const json_t *params, unsigned perm,
                                         int64_t *rec_id)
{
    const struct ts_app *app = ts_api_app_param(cx, params, perm);
    if (!app || ts_param_id(cx, params, "record", rec_id) < 0 ||
        ts_api_record_allowed(cx, app, *rec_id, TS_RR_VIEW) < 0 ||
        !ts_record_load(cx, app, *rec_id))
        return NULL;
    return app;
}

struct page {
    struct ts_jw *w;
    int64_t limit, seen;
};

static int write_comment(struct ts_ctx *cx, const struct ts_comment_row *c, void *arg)
{
    struct page *p = arg;
    if (++p->seen > p->limit)
        return 0; /* the extra row only tells whether more exist */
    struct ts_jw *w = p->w;
    char t[21];
    const char *name = ts_record_user_name(cx, c->creator);
    ts_jw_obj(w);
    ts_jw_kid(w, "id", c->id);
    ts_jw_kstr(w, "text", c->text);
    ts_datetime_format(c->created, t);
    ts_jw_kstr(w, "createdAt", t);
    ts_jw_key(w, "creator");
    ts_jw_obj(w);
    ts_jw_kstr(w, "code", c->creator);
    ts_jw_kstr(w, "name", name ? name : c->creator);
    ts_jw_obj_end(w);
    ts_jw_key(w, "mentions");
    ts_jw_raw(w, c->mentions);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_comments_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t rec_id, offset, limit;
    const struct ts_app *app = record_param(cx, rq->params, TS_PERM_VIEW, &rec_id);
    if (!app || ts_param_int(cx, rq->params, "offset", 0, 0, &offset) < 0 ||
        ts_param_int(cx, rq->params, "limit", 10, 0, &limit) < 0)
        return -1;
    if (limit > 10) {
        ts_fail_field(cx, "limit", TS_M_MAX_VALUE, "10");
        return -1;
    }
    const char *order = ts_param_str(rq->params, "order");
    if (order && strcmp(order, "asc") && strcmp(order, "desc")) {
        ts_fail_field(cx, "order", TS_M_NOT_ENUM);
        return -1;
    }
    bool asc = order && !strcmp(order, "asc");
    struct page p = {w, limit, 0};
    ts_jw_obj(w);
    ts_jw_key(w, "comments");
    ts_jw_arr(w);
    if (ts_store_comment_each(cx, app->id, rec_id, asc, offset, limit + 1, write_comment, &p) < 0)
        return -1;
    ts_jw_arr_end(w);
    bool more = p.seen > limit;
    /* older/newer are about time, whichever way the page is sorted */
    ts_jw_kbool(w, "older", asc ? offset > 0 : more);
    ts_jw_kbool(w, "newer", asc ? more : offset > 0);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_comment_add(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t rec_id;
    const struct ts_app *app = record_param(cx, rq->params, TS_PERM_VIEW, &rec_id);
    if (!app)
        return -1;
    const json_t *comment = json_object_get(rq->params, "comment");
    const char *text = json_string_value(json_object_get(comment, "text"));
    if (!text || ts_str_is_blank(text)) {
        ts_fail_field(cx, "comment.text", TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (ts_utf8_len(text) > MAX_TEXT) {
        ts_fail_field(cx, "comment.text", TS_M_TOO_LONG, MAX_TEXT);
        return -1;
    }
    const json_t *mentions = json_object_get(comment, "mentions");
    json_t *clean = json_array();
    ts_arena_defer(cx->arena, (void (*)(void *))json_decref, clean);
    if (mentions && !json_is_null(mentions)) {
        if (!json_is_array(mentions) || json_array_size(mentions) > MAX_MENTIONS) {
            ts_fail_field(cx, "comment.mentions", TS_M_TOO_MANY_RECORDS, MAX_MENTIONS);
            return -1;
        }
        size_t i;
        const json_t *m;
        json_array_foreach (mentions, i, m) {
            const char *code = json_string_value(json_object_get(m, "code"));
            const char *type = json_string_value(json_object_get(m, "type"));
            if (!code || !type) {
                ts_fail_field(cx, ts_arena_printf(cx->arena, "comment.mentions[%zu]", i),
                              TS_M_BAD_VALUE_SHAPE);
                return -1;
            }
            if (!strcmp(type, "USER")) {
                if (!ts_record_user_name(cx, code))
                    return cx->err.code ? -1 : ts_fail_arg(cx, TS_E_USER_NOT_FOUND, code);
            } else if (!strcmp(type, "ORGANIZATION") || !strcmp(type, "GROUP")) {
                bool org = !strcmp(type, "ORGANIZATION");
                if (!ts_store_entity_get(cx, org ? TS_ORG : TS_GROUP, code))
                    return cx->err.code
                               ? -1
                               : ts_fail_arg(cx, org ? TS_E_ORG_NOT_FOUND : TS_E_GROUP_NOT_FOUND,
                                             code);
            } else {
                ts_fail_field(cx, ts_arena_printf(cx->arena, "comment.mentions[%zu].type", i),
                              TS_M_NOT_ENUM);
                return -1;
            }
            json_array_append_new(clean, json_pack("{s:s, s:s}", "code", code, "type", type));
        }
    }
    char *mjson = json_dumps(clean, JSON_COMPACT);
    struct ts_comment_row c = {
        .created = cx->now,
        .text = text,
        .mentions = ts_arena_strdup(cx->arena, mjson),
        .creator = cx->user ? cx->user->code : "",
    };
    free(mjson);
    int64_t id = ts_store_comment_add(cx, app->id, rec_id, &c);
    struct ts_record *r = id < 0 ? NULL : ts_record_load(cx, app, rec_id);
    if (!r || ts_events_publish(cx, &(struct ts_event){.kind = TS_EV_COMMENT,
                                                       .app = app,
                                                       .r = r,
                                                       .text = text,
                                                       .mentions = clean}) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kid(w, "id", id);
    ts_jw_obj_end(w);
    return 0;
}

/* The comment named by `app`, `record` and `comment`, on a record the caller
 * may view; NULL (and kintone's 400 GAIA_RE02, not 404) when there is none. */
static struct ts_comment_row *comment_param(struct ts_ctx *cx, const json_t *params,
                                            const struct ts_app **app, int64_t *rec_id)
{
    int64_t id;
    *app = record_param(cx, params, TS_PERM_VIEW, rec_id);
    if (!*app || ts_param_id(cx, params, "comment", &id) < 0)
        return NULL;
    struct ts_comment_row *c = ts_store_comment_get(cx, (*app)->id, *rec_id, id);
    if (!c && !cx->err.code)
        ts_fail_arg(cx, TS_E_COMMENT_NOT_FOUND, ts_arena_printf(cx->arena, "%lld", (long long)id));
    return c;
}

int ts_api_comment_delete(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t rec_id;
    const struct ts_app *app;
    struct ts_comment_row *c = comment_param(cx, rq->params, &app, &rec_id);
    if (!c)
        return -1;
    int64_t id = c->id;
    bool own = cx->user && strcmp(c->creator, cx->user->code) == 0;
    if (!own && !ts_policy_is_admin(cx))
        return ts_fail(cx, TS_E_NO_PERMISSION, "only the commenter may delete a comment");
    if (ts_store_comment_delete(cx, app->id, rec_id, id) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_obj_end(w);
    return 0;
}

/* ---------------------------------------------------------------- いいね (ours) */

struct likes_out {
    struct ts_jw *w;
    int64_t current; /* the comment being written, 0 before the first */
};

static int write_like(struct ts_ctx *cx, int64_t comment_id, const char *user, void *arg)
{
    struct likes_out *o = arg;
    struct ts_jw *w = o->w;
    if (comment_id != o->current) {
        if (o->current) {
            ts_jw_arr_end(w);
            ts_jw_obj_end(w);
        }
        o->current = comment_id;
        ts_jw_obj(w);
        ts_jw_kid(w, "comment", comment_id);
        ts_jw_key(w, "users");
        ts_jw_arr(w);
    }
    const char *name = ts_record_user_name(cx, user);
    ts_jw_obj(w);
    ts_jw_kstr(w, "code", user);
    ts_jw_kstr(w, "name", name ? name : user);
    ts_jw_obj_end(w);
    return 0;
}

/* GET /api/comment/likes?app=&record=: who liked each comment of the record. */
int ts_api_comment_likes(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t rec;
    const struct ts_app *app = record_param(cx, rq->params, TS_PERM_VIEW, &rec);
    if (!app)
        return -1;
    struct likes_out o = {w, 0};
    ts_jw_obj(w);
    ts_jw_key(w, "likes");
    ts_jw_arr(w);
    if (ts_store_comment_likes_each(cx, app->id, rec, write_like, &o) < 0)
        return -1;
    if (o.current) {
        ts_jw_arr_end(w);
        ts_jw_obj_end(w);
    }
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

/* POST /api/comment/like {app, record, comment, like}: the caller likes a
 * comment they can see, or takes it back. */
int ts_api_comment_like(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t rec;
    const struct ts_app *app;
    struct ts_comment_row *c = comment_param(cx, rq->params, &app, &rec);
    if (!c)
        return -1;
    const json_t *like = json_object_get(rq->params, "like");
    if (like && !json_is_boolean(like)) {
        ts_fail_field(cx, "like", TS_M_NOT_BOOLEAN);
        return -1;
    }
    if (ts_store_comment_like(cx, app->id, rec, c->id, cx->user->code, !json_is_false(like)) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_obj_end(w);
    return 0;
}
