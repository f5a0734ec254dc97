/*
 * api/public_links.c - personal links (our extension, README "Personal
 * links"): a public form or view sent to recipients taken from another app
 * (the facility registry), each with a link of their own; who has answered,
 * reminders, revoking. For the app's managers; the recipients are read with
 * the sender's own rights, and the links go out through the outbox.
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "auth/auth.h"
#include "base/str.h"
#include "base/tstime.h"
#include "notify/notify.h"
#include "policy/policy.h"
#include "record/record.h"
#include "store/store.h"

#define LINK_CHARS     32
#define MAX_RECIPIENTS 10000

/* The problem with one parameter (key), as kintone states them: -1. */
static int refused(struct ts_ctx *cx, const char *key, enum ts_msg msg)
{
    ts_fail_field(cx, key, msg, "");
    return -1;
}

/* The deployed form or view the parameters name (kind "form" or "view", id),
 * with its recipients set. */
struct target {
    const struct ts_app *app;
    const json_t *def, *personal;
    const char *path; /* where its links are: /public/forms/ or /public/views/ */
};

static int target_param(struct ts_ctx *cx, const json_t *params, struct target *t)
{
    t->app = ts_api_app_param(cx, params, TS_PERM_MANAGE);
    if (!t->app)
        return -1;
    const char *kind = ts_param_str(params, "kind");
    bool view = kind && ts_str_eq(kind, "view");
    if (kind && !view && !ts_str_eq(kind, "form"))
        return refused(cx, "kind", TS_M_NOT_ENUM);
    t->path = view ? "/public/views/" : "/public/forms/";
    const char *id = ts_param_str(params, "id");
    t->def = NULL;
    size_t i;
    const json_t *d;
    json_array_foreach (json_object_get(t->app->def, view ? "publicViews" : "publicForms"), i, d)
        if (id && ts_str_eq(json_string_value(json_object_get(d, "id")), id))
            t->def = d;
    if (!t->def)
        return refused(cx, "id", TS_M_PUBLIC_NO_SUCH);
    t->personal = json_object_get(t->def, "personal");
    if (!json_object_size(t->personal))
        return refused(cx, "id", TS_M_PUBLIC_NOT_PERSONAL);
    /* the recipients' names and addresses are the source app's: its viewers' only */
    const char *src = json_string_value(json_object_get(t->personal, "app"));
    return ts_policy_require_app(cx, src ? strtoll(src, NULL, 10) : 0, TS_PERM_VIEW);
}

static const char *parent_of(const struct target *t)
{
    return json_string_value(json_object_get(t->def, "token"));
}

static void write_time(struct ts_jw *w, const char *key, int64_t at)
{
    char text[21] = "";
    if (at)
        ts_datetime_format(at, text);
    ts_jw_kstr(w, key, text);
}

struct listing {
    struct ts_jw *w;
    const struct target *t;
    int64_t links, answered;
};

static int write_link(struct ts_ctx *cx, const struct ts_public_link *l, void *arg)
{
    (void)cx;
    struct listing *ls = arg;
    struct ts_jw *w = ls->w;
    ts_jw_obj(w);
    ts_jw_kstr(w, "recipient", l->recipient);
    ts_jw_kstr(w, "name", l->name);
    ts_jw_kstr(w, "email", l->email);
    ts_jw_kstr(w, "url",
               l->revoked ? "" : ts_arena_printf(cx->arena, "%s%s", ls->t->path, l->token));
    write_time(w, "created", l->created);
    write_time(w, "sent", l->sent);
    write_time(w, "reminded", l->reminded);
    write_time(w, "revoked", l->revoked);
    ts_jw_kint(w, "answers", l->answers);
    write_time(w, "lastAnswer", l->answered);
    ts_jw_obj_end(w);
    ls->links += !l->revoked;
    ls->answered += !l->revoked && l->answers > 0;
    return 0;
}

/* GET /api/public/links?app=&kind=&id=: every recipient's link, whether and
 * when they answered, when they were sent and reminded. */
int ts_api_public_links_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct target t;
    if (target_param(cx, rq->params, &t) < 0)
        return -1;
    struct listing ls = {w, &t, 0, 0};
    ts_jw_obj(w);
    ts_jw_key(w, "links");
    ts_jw_arr(w);
    if (ts_store_public_links(cx, parent_of(&t), write_link, &ls) < 0)
        return -1;
    ts_jw_arr_end(w);
    ts_jw_kint(w, "active", ls.links);
    ts_jw_kint(w, "answered", ls.answered);
    ts_jw_obj_end(w);
    return 0;
}

struct reading {
    const struct target *t;
    const struct ts_app *src;
    const struct ts_field *key, *name, *email;
    struct ts_api_shown shown;
    struct ts_public_link *all; /* as read */
    int n, cap;
    json_t *seen; /* how many records hold each number */
    int64_t read, skipped, duplicates;
};

static const char *text_of(struct ts_ctx *cx, const struct reading *rd, const struct ts_record *r,
                           const bool *shown, const struct ts_field *f)
{
    if (!f)
        return "";
    int i = ts_app_field_index(rd->src, f);
    (void)cx;
    return (!shown || shown[i]) && r->vals[i].s ? r->vals[i].s : "";
}

/* Each recipient read, with their number counted. */
static int read_one(struct ts_ctx *cx, const struct ts_record *r, void *arg)
{
    struct reading *rd = arg;
    const bool *shown = ts_api_shown_in(cx, rd->src, &rd->shown, r);
    rd->read++;
    struct ts_public_link l = {
        .parent = parent_of(rd->t),
        .recipient = text_of(cx, rd, r, shown, rd->key),
        .name = text_of(cx, rd, r, shown, rd->name),
        .email = text_of(cx, rd, r, shown, rd->email),
        .created = cx->now,
    };
    if (!*l.recipient || ts_utf8_len(l.recipient) > 200) {
        rd->skipped++;
        return 0;
    }
    rd->all = ts_arena_grow(cx->arena, rd->all, rd->n, &rd->cap, sizeof(*rd->all));
    rd->all[rd->n++] = l;
    json_object_set_new(
        rd->seen, l.recipient,
        json_integer(json_integer_value(json_object_get(rd->seen, l.recipient)) + 1));
    return 0;
}

/* A link for each recipient read who has none. Records sharing a number are
 * left out: whose would the link be? */
static int issue_all(struct ts_ctx *cx, struct reading *rd)
{
    for (int i = 0; i < rd->n; i++) {
        struct ts_public_link *l = &rd->all[i];
        if (json_integer_value(json_object_get(rd->seen, l->recipient)) > 1) {
            rd->duplicates++;
            continue;
        }
        char token[LINK_CHARS + 1];
        ts_auth_random_text(token, LINK_CHARS);
        l->token = token;
        if (ts_store_public_link_issue(cx, l) < 0)
            return -1;
    }
    return 0;
}

/* The recipients of t, read from their app as the caller may see it. */
static int read_recipients(struct ts_ctx *cx, const struct target *t, struct reading *rd)
{
    const json_t *p = t->personal;
    int64_t src_id = strtoll(json_string_value(json_object_get(p, "app")), NULL, 10);
    *rd = (struct reading){.t = t};
    rd->src = ts_app_get(cx, src_id);
    if (!rd->src)
        return -1;
    rd->key = ts_app_field(rd->src, json_string_value(json_object_get(p, "keyField")));
    rd->name = ts_app_field(rd->src, json_string_value(json_object_get(p, "nameField")));
    rd->email = ts_app_field(rd->src, json_string_value(json_object_get(p, "emailField")));
    if (!rd->key)
        return refused(cx, "personal.keyField", TS_M_FIELD_UNKNOWN);
    struct ts_qplan plan;
    if (ts_api_query_viewable(cx, rd->src, json_string_value(json_object_get(p, "filterCond")),
                              &plan) < 0 ||
        ts_api_shown(cx, rd->src, NULL, &rd->shown) < 0)
        return -1;
    plan.limit = MAX_RECIPIENTS;
    plan.has_limit = true;
    rd->seen = json_object();
    ts_arena_defer_decref(cx->arena, rd->seen);
    if (ts_store_records_select(cx, rd->src, &plan, rd->shown.load, read_one, rd) < 0)
        return -1;
    return issue_all(cx, rd);
}

struct mailing {
    const struct target *t;
    struct ts_mail_settings mail;
    bool reminder;
    int64_t mailed, skipped;
};

/* The mail bringing a recipient their link, or reminding them of it. */
static int mail_link(struct ts_ctx *cx, const struct ts_public_link *l, void *arg)
{
    struct mailing *m = arg;
    const json_t *p = m->t->personal, *def = m->t->def;
    if (l->revoked || (m->reminder ? l->answers > 0 : l->sent != 0))
        return 0;
    if (!ts_mail_address_ok(l->email)) {
        m->skipped++;
        return 0;
    }
    const char *subject = json_string_value(json_object_get(p, "subject"));
    if (!subject || !*subject)
        subject = json_string_value(json_object_get(def, "title"));
    if (!subject || !*subject)
        subject = json_string_value(json_object_get(def, "name"));
    const char *message = json_string_value(json_object_get(p, "message"));
    const char *until = json_string_value(json_object_get(p, "linksUntil"));
    const char *body = ts_arena_printf(
        cx->arena,
        "%s 様\n\n%s%s%s%s%s%s\n\n"
        "このリンクはあなた専用です。ほかの方には渡さないでください。\n"
        "This link is yours alone: please do not pass it on.\n%s%s",
        *l->name ? l->name : l->recipient, m->reminder ? "まだご回答をいただいていません。\n" : "",
        message && *message ? message : "", message && *message ? "\n\n" : "", m->mail.base_url,
        m->t->path, l->token, until && *until ? "期限 / Until: " : "", until ? until : "");
    if (ts_mail_queue(cx, l->email,
                      m->reminder ? ts_arena_printf(cx->arena, "【再送】%s", subject) : subject,
                      body) < 0 ||
        ts_store_public_link_set(cx, l->parent, l->recipient, m->reminder ? "reminded" : "sent",
                                 cx->now) < 0)
        return -1;
    m->mailed++;
    return 0;
}

static int mail_links(struct ts_ctx *cx, const struct target *t, bool reminder, struct mailing *m)
{
    *m = (struct mailing){.t = t, .reminder = reminder};
    if (ts_mail_settings(cx, &m->mail) < 0)
        return -1;
    if (!m->mail.enabled)
        return refused(cx, reminder ? "app" : "send", TS_M_MAIL_OFF);
    return ts_store_public_links(cx, parent_of(t), mail_link, m);
}

/* POST /api/public/links {app, kind, id, send}: a link for every recipient
 * that has none (or had theirs revoked); with send (the default), each link
 * not mailed yet is mailed. */
int ts_api_public_links_send(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct target t;
    struct reading rd;
    struct mailing m = {0};
    bool send = !json_is_false(json_object_get(rq->params, "send"));
    if (target_param(cx, rq->params, &t) < 0 || read_recipients(cx, &t, &rd) < 0 ||
        (send && mail_links(cx, &t, false, &m) < 0))
        return -1;
    ts_jw_obj(w);
    ts_jw_kint(w, "recipients", rd.read);
    ts_jw_kint(w, "skipped", rd.skipped);
    ts_jw_kint(w, "duplicates", rd.duplicates);
    ts_jw_kint(w, "mailed", m.mailed);
    ts_jw_kint(w, "notMailed", m.skipped);
    ts_jw_obj_end(w);
    return 0;
}

/* POST /api/public/links/remind {app, id}: mail again each recipient of a
 * form who has not answered. */
int ts_api_public_links_remind(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct target t;
    struct mailing m;
    if (target_param(cx, rq->params, &t) < 0)
        return -1;
    if (ts_str_eq(t.path, "/public/views/"))
        return refused(cx, "kind", TS_M_NOT_ENUM);
    if (mail_links(cx, &t, true, &m) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kint(w, "reminded", m.mailed);
    ts_jw_kint(w, "notMailed", m.skipped);
    ts_jw_obj_end(w);
    return 0;
}

/* POST /api/public/links/revoke {app, kind, id, recipients: [key]}: those
 * links stop working at once; sending again gives them new ones. */
int ts_api_public_links_revoke(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct target t;
    if (target_param(cx, rq->params, &t) < 0)
        return -1;
    const json_t *list = json_object_get(rq->params, "recipients");
    if (!json_is_array(list) || !json_array_size(list))
        return refused(cx, "recipients", list ? TS_M_NOT_ARRAY : TS_M_REQUIRED_PARAM);
    int64_t n = 0;
    size_t i;
    const json_t *r;
    json_array_foreach (list, i, r) {
        if (!json_is_string(r))
            return refused(cx, ts_arena_printf(cx->arena, "recipients[%zu]", i), TS_M_NOT_STRING);
        int rc =
            ts_store_public_link_set(cx, parent_of(&t), json_string_value(r), "revoked", cx->now);
        if (rc < 0)
            return -1;
        n += rc;
    }
    ts_jw_obj(w);
    ts_jw_kint(w, "revoked", n);
    ts_jw_obj_end(w);
    return 0;
}
