/*
 * notify/notify.c - who is told of what (notify.h): the notices, and the
 * e-mail each one queues.
 */
#include "base/common.h"
#include "notify/notify.h"
#include "events/events.h"
#include "app/app.h"
#include "base/log.h"
#include "base/str.h"
#include "base/tstime.h"
#include "query/query.h"
#include "store/store.h"

/* What a notice says, by kind: a headline with the actor's name (%s). */
static const struct {
    const char *kind, *en, *ja;
} HEADLINES[] = {
    {"ADDED", "%s added a record.", "%sさんがレコードを追加しました。"},
    {"EDITED", "%s edited a record.", "%sさんがレコードを編集しました。"},
    {"COMMENT", "%s commented on a record.", "%sさんがレコードにコメントしました。"},
    {"MENTION", "%s mentioned you in a comment.", "%sさんがコメントであなたを指名しました。"},
    {"STATUS", "%s changed a record's status.", "%sさんがレコードのステータスを変更しました。"},
    {"ASSIGNED", "%s made you an assignee of a record.",
     "%sさんの操作で、あなたがレコードの作業者になりました。"},
    {"RECORD", "A record meets a notification condition.",
     "通知の条件を満たすレコードがあります。"},
    {"REMINDER", "Reminder.", "リマインダーです。"},
    {"CIRCULAR", "%s sent you a circular to confirm.",
     "%sさんから回覧が届きました。確認してください。"},
    {"REMIND", "%s asks you to confirm a circular.", "%sさんが回覧の確認をお願いしています。"},
    {"IMPORTED", "%s imported records from a file.",
     "%sさんがファイルからレコードを読み込みました。"},
};

static const char *headline(struct ts_ctx *cx, const char *kind, bool ja, const char *actor)
{
    for (size_t i = 0; i < TS_ARRAY_LEN(HEADLINES); i++)
        if (!strcmp(HEADLINES[i].kind, kind)) {
            const char *fmt = ja ? HEADLINES[i].ja : HEADLINES[i].en;
            return strstr(fmt, "%s") ? ts_arena_printf(cx->arena, fmt, actor) : fmt;
        }
    return kind;
}

const char *ts_notify_record_title(struct ts_ctx *cx, const struct ts_app *app,
                                   const struct ts_record *r, const char *access)
{
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *f = &app->fields[i];
        if (f->type == TS_F_SINGLE_LINE_TEXT && !f->table && r->vals[i].s && *r->vals[i].s &&
            (!access || access[i] != TS_FIELD_NONE))
            return r->vals[i].s;
    }
    return ts_arena_printf(cx->arena, "#%lld", (long long)r->id);
}

/* The mail for one notice, in the recipient's language. */
static int mail(struct ts_ctx *cx, const struct ts_mail_settings *ms, const struct ts_user *u,
                const struct ts_notice *n, const char *title)
{
    bool ja = !ts_str_eq(u->lang, "en");
    const char *actor = cx->user ? cx->user->name : "Tsumiki";
    const char *subject = n->app ? ts_arena_printf(cx->arena, "[%s] %s", n->app->name, title)
                                 : ts_arena_printf(cx->arena, "[Tsumiki] %s", title);
    const char *link = n->app && n->r
                           ? ts_arena_printf(cx->arena, "%s/#/apps/%lld/records/%lld", ms->base_url,
                                             (long long)n->app->id, (long long)n->r->id)
                           : ms->base_url;
    const char *body =
        ts_arena_printf(cx->arena, "%s\n\n%s\n%s%s\n%s\n", headline(cx, n->kind, ja, actor), title,
                        n->body && *n->body ? "\n" : "", n->body ? n->body : "", link);
    return ts_mail_queue(cx, u->email, subject, body);
}

int ts_notify_people(struct ts_ctx *cx, const struct ts_notice *n, const struct ts_people *to)
{
    if (to->n == 0)
        return 0;
    struct ts_mail_settings ms;
    if (ts_mail_settings(cx, &ms) < 0)
        return -1;
    bool own_title = n->title && *n->title;
    for (int i = 0; i < to->n; i++) {
        if (!n->to_actor && cx->user && ts_str_eq(to->codes[i], cx->user->code))
            continue;
        struct ts_user *u = ts_store_user_by_code(cx, to->codes[i]);
        if (!u && cx->err.code)
            return -1;
        if (!u || !u->active)
            continue;
        if (n->app && n->r) {
            int may = ts_policy_user_may_view(cx, n->app, u, n->r->id);
            if (may < 0)
                return -1;
            if (!may)
                continue;
        } else if (n->app) { /* about the app (an import): those who may view it */
            struct ts_policy_saved saved;
            ts_policy_become(cx, u, &saved);
            unsigned perms = ts_policy_app_perms(cx, n->app->id);
            ts_policy_restore(cx, &saved);
            if (cx->err.code)
                return -1;
            if (!(perms & TS_PERM_VIEW))
                continue;
        }
        /* the record's title as this reader may see it */
        const char *title = own_title ? n->title : "";
        if (!own_title && n->app && n->r) {
            const char *access = ts_policy_user_fields(cx, n->app, u, n->r);
            if (cx->err.code)
                return -1;
            title = ts_notify_record_title(cx, n->app, n->r, access);
        }
        struct ts_note note = {
            .at = cx->now,
            .user_id = u->id,
            .kind = n->kind,
            .app_id = n->app ? n->app->id : 0,
            .rec_id = n->r ? n->r->id : 0,
            .actor = cx->user ? cx->user->code : "",
            .title = title,
            .body = n->body,
        };
        if (ts_store_note_add(cx, &note) < 0)
            return -1;
        if (ms.enabled && u->email && *u->email && mail(cx, &ms, u, n, title) < 0)
            return -1;
    }
    return 0;
}

/* The people of every general rule with `flag` on. */
static int general(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                   const char *flag, struct ts_people *to)
{
    const json_t *rules =
        json_object_get(json_object_get(app->def, "notifyGeneral"), "notifications");
    size_t i;
    const json_t *rule;
    json_array_foreach (rules, i, rule) {
        if (!json_is_true(json_object_get(rule, flag)))
            continue;
        json_t *one = json_pack("[O]", rule);
        int rc = ts_people_add_entities(cx, app, r, one, to);
        json_decref(one);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Does record r meet filter fc (as the system sees it)? */
static int meets(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                 const char *fc)
{
    if (!fc || !*fc)
        return 1;
    struct ts_query_env env = ts_policy_query_env(cx);
    struct ts_qplan plan;
    if (ts_query_plan(cx, app,
                      ts_arena_printf(cx->arena, "$id = %lld and (%s)", (long long)r->id, fc),
                      TS_QUERY_FILTER, &env, &plan) < 0) {
        /* a rule the app's later changes broke is skipped, not the user's save */
        TS_LOG_WARN(cx, "notify", "app %lld: filter %s: %s", (long long)app->id, fc,
                    cx->err.message);
        ts_err_clear(cx);
        return 0;
    }
    int64_t n = ts_store_records_count(cx, app, &plan);
    return n < 0 ? -1 : n > 0;
}

/* The per-record rules record r now meets. */
static int per_record(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r)
{
    const json_t *rules =
        json_object_get(json_object_get(app->def, "notifyPerRecord"), "notifications");
    size_t i;
    const json_t *rule;
    json_array_foreach (rules, i, rule) {
        int m = meets(cx, app, r, json_string_value(json_object_get(rule, "filterCond")));
        if (m < 0)
            return -1;
        if (!m)
            continue;
        struct ts_people who = {0};
        struct ts_notice pr = {.kind = "RECORD",
                               .app = app,
                               .r = r,
                               .title = json_string_value(json_object_get(rule, "title"))};
        if (ts_people_add_entities(cx, app, r, json_object_get(rule, "targets"), &who) < 0 ||
            ts_notify_people(cx, &pr, &who) < 0)
            return -1;
    }
    return 0;
}

int ts_notify_record(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                     bool added)
{
    struct ts_people to = {0};
    if (general(cx, app, r, added ? "recordAdded" : "recordEdited", &to) < 0)
        return -1;
    struct ts_notice n = {.kind = added ? "ADDED" : "EDITED", .app = app, .r = r};
    return ts_notify_people(cx, &n, &to) < 0 ? -1 : per_record(cx, app, r);
}

static int commenter(struct ts_ctx *cx, const struct ts_comment_row *c, void *arg)
{
    ts_people_add(cx, arg, c->creator);
    return 0;
}

int ts_notify_comment(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                      const char *text, const json_t *mentions)
{
    /* mentioned people first: they hear "you were mentioned", once */
    struct ts_people named = {0};
    json_t *entities = json_array();
    size_t i;
    const json_t *m;
    json_array_foreach (mentions, i, m)
        json_array_append_new(entities, json_pack("{s:O}", "entity", m));
    int rc = ts_people_add_entities(cx, app, r, entities, &named);
    json_decref(entities);
    struct ts_notice mn = {.kind = "MENTION", .app = app, .r = r, .body = text};
    if (rc < 0 || ts_notify_people(cx, &mn, &named) < 0)
        return -1;
    struct ts_people to = {0};
    if (general(cx, app, r, "commentAdded", &to) < 0)
        return -1;
    if (json_is_true(
            json_object_get(json_object_get(app->def, "notifyGeneral"), "notifyToCommenter")) &&
        ts_store_comment_each(cx, app->id, r->id, true, 0, 1000, commenter, &to) < 0)
        return -1;
    struct ts_people rest = {0};
    for (int k = 0; k < to.n; k++)
        if (!ts_people_has(&named, to.codes[k]))
            ts_people_add(cx, &rest, to.codes[k]);
    struct ts_notice cn = {.kind = "COMMENT", .app = app, .r = r, .body = text};
    return ts_notify_people(cx, &cn, &rest);
}

int ts_notify_status(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                     const char *from, const char *to_status)
{
    const char *body =
        to_status ? ts_arena_printf(cx->arena, "%s → %s", from ? from : "", to_status) : NULL;
    struct ts_people assignees = {0};
    for (int i = 0; i < r->n_assignees; i++)
        ts_people_add(cx, &assignees, r->assignees[i]);
    struct ts_notice an = {.kind = "ASSIGNED", .app = app, .r = r, .body = body};
    if (ts_notify_people(cx, &an, &assignees) < 0 || !to_status)
        return cx->err.code ? -1 : 0;
    struct ts_people to = {0}, rest = {0};
    if (general(cx, app, r, "statusChanged", &to) < 0)
        return -1;
    for (int k = 0; k < to.n; k++)
        if (!ts_people_has(&assignees, to.codes[k]))
            ts_people_add(cx, &rest, to.codes[k]);
    struct ts_notice sn = {.kind = "STATUS", .app = app, .r = r, .body = body};
    if (ts_notify_people(cx, &sn, &rest) < 0)
        return -1;
    return per_record(cx, app, r);
}

int ts_notify_import(struct ts_ctx *cx, const struct ts_app *app, int64_t n)
{
    struct ts_people to = {0};
    if (general(cx, app, NULL, "fileImported", &to) < 0)
        return -1;
    struct ts_notice in = {
        .kind = "IMPORTED",
        .app = app,
        .title = app->name,
        .body = ts_arena_printf(cx->arena, "%lld", (long long)n),
    };
    return ts_notify_people(cx, &in, &to);
}

static int expire(struct ts_ctx *cx, void *arg)
{
    (void)arg;
    const int64_t day = 86400;
    return ts_store_notes_expire(cx, cx->now - 90 * day, cx->now - 365 * day, cx->now - 30 * day) <
                   0
               ? -1
               : 0;
}

int ts_notify_expire(struct ts_ctx *cx)
{
    return ts_db_in_write_tx(cx, expire, NULL);
}

int ts_notify_on_event(struct ts_ctx *cx, const struct ts_event *e)
{
    switch (e->kind) {
    case TS_EV_ADDED:
    case TS_EV_EDITED:
        return ts_notify_record(cx, e->app, e->r, e->kind == TS_EV_ADDED);
    case TS_EV_STATUS:
        return ts_notify_status(cx, e->app, e->r, e->from, e->to);
    case TS_EV_COMMENT:
        return ts_notify_comment(cx, e->app, e->r, e->text, e->mentions);
    case TS_EV_IMPORTED:
        return ts_notify_import(cx, e->app, e->count);
    }
    return 0;
}
