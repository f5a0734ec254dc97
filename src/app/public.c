/*
 * app/public.c - an app's public forms (publicForms.json, our extension;
 * README "Public forms"): each publishes some of the app's fields to people
 * outside, who add records through it without an account. Kept in the
 * settings as "publicForms", deployed like the rest; each form gets an
 * unguessable token when first saved, which names it in its address.
 */
#include "base/common.h"
#include "app/app.h"
#include "auth/auth.h"
#include "base/str.h"
#include "base/tstime.h"
#include "files/files.h"
#include "policy/policy.h"
#include "query/query.h"
#include "store/store.h"

#define MAX_FORMS    20
#define MAX_TEXT     2000
#define TOKEN_CHARS  24
#define MAX_LOGO_B64 280000 /* about 200 KB of PNG */
#define MAX_LOGO_PX  1000

bool ts_app_publishable(const struct ts_field *f)
{
    /* a unique field would tell outsiders which values exist already; a
     * lookup copies only what its settings map (policy: form_looks_up) */
    if (f->table || f->unique)
        return false;
    switch (f->type) {
    case TS_F_SINGLE_LINE_TEXT:
        return !json_object_get(f->props, "expression") ||
               !*json_string_value(json_object_get(f->props, "expression"));
    case TS_F_MULTI_LINE_TEXT:
    case TS_F_NUMBER:
    case TS_F_DATE:
    case TS_F_TIME:
    case TS_F_DATETIME:
    case TS_F_DROP_DOWN:
    case TS_F_RADIO_BUTTON:
    case TS_F_CHECK_BOX:
    case TS_F_MULTI_SELECT:
    case TS_F_LINK:
    case TS_F_FILE: /* within the form's upload limits (uploads) */
        return true;
    default:
        return false;
    }
}

const char *ts_app_public_form_missing(const struct ts_app *app, const json_t *codes)
{
    for (int k = 0; k < app->n_fields; k++) {
        const struct ts_field *f = &app->fields[k];
        bool asked = false;
        size_t i;
        const json_t *c;
        json_array_foreach (codes, i, c)
            asked |= ts_str_eq(json_string_value(c), f->code);
        if (f->required && !f->table && !f->default_value && !f->n_default_values &&
            !f->default_now && !asked)
            return f->code;
    }
    return NULL;
}

static void text(struct ts_ctx *cx, json_t *out, const json_t *in, const char *key, const char *at)
{
    const json_t *v = json_object_get(in, key);
    if (v && (!json_is_string(v) || ts_utf8_len(json_string_value(v)) > MAX_TEXT))
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.%s", at, key), TS_M_TOO_LONG, MAX_TEXT);
    json_object_set_new(out, key, json_string(json_is_string(v) ? json_string_value(v) : ""));
}

/* A date-time the form opens or closes at (ISO 8601), or "" for none. */
static void instant(struct ts_ctx *cx, json_t *out, const json_t *in, const char *key,
                    const char *at)
{
    const char *s = json_string_value(json_object_get(in, key));
    int64_t epoch;
    if (s && *s && ts_datetime_parse(s, &epoch) < 0)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.%s", at, key), TS_M_NOT_DATETIME);
    json_object_set_new(out, key, json_string(s ? s : ""));
}

static bool has(const json_t *codes, const char *code)
{
    size_t i;
    const json_t *c;
    json_array_foreach (codes, i, c)
        if (ts_str_eq(json_string_value(c), code))
            return true;
    return false;
}

/* The field holding the address a receipt is mailed to: a one-line text
 * field on the form, or "" for none. */
static json_t *receipt_field(struct ts_ctx *cx, const struct ts_app *app, const json_t *in,
                             const json_t *codes, const char *at)
{
    const char *code = json_string_value(json_object_get(in, "receiptField"));
    const struct ts_field *f = code && *code ? ts_app_field(app, code) : NULL;
    if (code && *code && (!f || f->type != TS_F_SINGLE_LINE_TEXT || !has(codes, code)))
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.receiptField", at), TS_M_VIEW_FIELD_TYPE,
                      code);
    return json_string(f ? code : "");
}

/* A few words under a question, to help answer it: {code: text}. */
static json_t *help_texts(struct ts_ctx *cx, const json_t *in, const json_t *codes, const char *at)
{
    json_t *out = json_object();
    const char *code;
    const json_t *v;
    json_object_foreach ((json_t *)json_object_get(in, "help"), code, v) {
        const char *key = ts_arena_printf(cx->arena, "%s.help.%s", at, code);
        if (!has(codes, code))
            ts_fail_field(cx, key, TS_M_FORM_NO_FIELD);
        else if (!json_is_string(v) || ts_utf8_len(json_string_value(v)) > MAX_TEXT)
            ts_fail_field(cx, key, TS_M_TOO_LONG, MAX_TEXT);
        else if (*json_string_value(v))
            json_object_set(out, code, (json_t *)v);
    }
    return out;
}

/* What each attachment question takes: {code: {maxMB, types}}, at most
 * TS_PUBLIC_UPLOAD_MAX a file, of the kinds named by their file name's
 * ending (a picture or a PDF is also checked by its first bytes). */
static const char *const DEFAULT_TYPES[] = {"pdf",  "jpg",  "jpeg", "png",
                                            "xlsx", "docx", "csv",  "txt"};

static json_t *uploads(struct ts_ctx *cx, const struct ts_app *app, const json_t *in,
                       const json_t *codes, const char *at)
{
    json_t *out = json_object();
    const json_t *given = json_object_get(in, "uploads");
    size_t i, k;
    const json_t *c, *x;
    json_array_foreach (codes, i, c) {
        const struct ts_field *f = ts_app_field(app, json_string_value(c));
        if (!f || f->type != TS_F_FILE)
            continue;
        const char *key = ts_arena_printf(cx->arena, "%s.uploads.%s", at, f->code);
        const json_t *u = json_object_get(given, f->code);
        const json_t *mb = json_object_get(u, "maxMB");
        int64_t most = TS_PUBLIC_UPLOAD_MAX >> 20;
        if (mb &&
            (!json_is_integer(mb) || json_integer_value(mb) < 1 || json_integer_value(mb) > most))
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.maxMB", key), TS_M_NUMBER_RANGE, "1",
                          ts_arena_printf(cx->arena, "%lld", (long long)most));
        json_t *types = json_array();
        const json_t *list = json_object_get(u, "types");
        json_array_foreach (list, k, x) {
            const char *t = json_string_value(x);
            size_t n = t ? strlen(t) : 0;
            if (!n || n > 10 || strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789") != n || k >= 20)
                ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.types[%zu]", key, k),
                              TS_M_NOT_ENUM);
            else
                json_array_append(types, (json_t *)x);
        }
        for (size_t d = 0; !json_array_size(list) && d < TS_ARRAY_LEN(DEFAULT_TYPES); d++)
            json_array_append_new(types, json_string(DEFAULT_TYPES[d]));
        json_object_set_new(
            out, f->code,
            json_pack("{s:I, s:o}", "maxMB",
                      (json_int_t)(json_is_integer(mb) ? json_integer_value(mb) : 5), "types",
                      types));
    }
    return out;
}

/* Questions shown only when an earlier choice has one of some values:
 * [{field, when, values}]. A shown-when question may not be required (it
 * may never be shown); `when` is a choice field on the form. */
static json_t *conditions(struct ts_ctx *cx, const struct ts_app *app, const json_t *in,
                          const json_t *codes, const char *at)
{
    json_t *out = json_array();
    size_t i, k;
    const json_t *c, *v;
    json_array_foreach (json_object_get(in, "conditions"), i, c) {
        const char *key = ts_arena_printf(cx->arena, "%s.conditions[%zu]", at, i);
        const char *field = json_string_value(json_object_get(c, "field"));
        const char *when = json_string_value(json_object_get(c, "when"));
        const struct ts_field *f = field ? ts_app_field(app, field) : NULL;
        const struct ts_field *w = when ? ts_app_field(app, when) : NULL;
        if (!f || !has(codes, field) || f->required)
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.field", key), TS_M_VIEW_FIELD_TYPE,
                          field ? field : "");
        if (!w || !has(codes, when) || !w->n_options || w == f)
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.when", key), TS_M_VIEW_FIELD_TYPE,
                          when ? when : "");
        json_t *values = json_array();
        json_array_foreach (json_object_get(c, "values"), k, v)
            if (w && json_is_string(v) && ts_field_has_option(w, json_string_value(v)))
                json_array_append(values, (json_t *)v);
            else
                ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.values[%zu]", key, k),
                              TS_M_NOT_ENUM);
        if (!json_array_size(values))
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.values", key), TS_M_REQUIRED_PARAM);
        json_array_append_new(out, json_pack("{s:s, s:s, s:o}", "field", field ? field : "", "when",
                                             when ? when : "", "values", values));
    }
    return out;
}

/* Pages the questions are asked on, in order: [{title, fields}], each
 * question on one page; none: one page. */
static json_t *steps(struct ts_ctx *cx, const json_t *in, const json_t *codes, const char *at)
{
    json_t *out = json_array(), *seen = json_array();
    const json_t *list = json_object_get(in, "steps");
    size_t i, k;
    const json_t *st, *c;
    json_array_foreach (list, i, st) {
        const char *key = ts_arena_printf(cx->arena, "%s.steps[%zu]", at, i);
        json_t *fields = json_array();
        json_array_foreach (json_object_get(st, "fields"), k, c) {
            const char *code = json_string_value(c);
            if (!code || !has(codes, code) || has(seen, code)) {
                ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.fields[%zu]", key, k),
                              TS_M_FORM_STEPS);
            } else {
                json_array_append(fields, (json_t *)c);
                json_array_append(seen, (json_t *)c);
            }
        }
        const char *title = json_string_value(json_object_get(st, "title"));
        json_array_append_new(
            out, json_pack("{s:s, s:o}", "title", title ? title : "", "fields", fields));
    }
    if (json_array_size(list) && json_array_size(seen) != json_array_size(codes))
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.steps", at), TS_M_FORM_STEPS);
    json_decref(seen);
    return out;
}

/* Whether text is a good query of that kind: asked aside, so that what
 * failed before it (other settings, other views) is kept. */
static bool query_ok(struct ts_ctx *cx, const struct ts_app *app, const char *text,
                     enum ts_query_mode kind)
{
    struct ts_err before = cx->err;
    memset(&cx->err, 0, sizeof(cx->err));
    bool ok = ts_query_check(cx, app, text, kind) == 0;
    cx->err = before;
    return ok;
}

/* A field of app that holds one line of text or a number, or NULL. */
static const struct ts_field *line_field(const struct ts_app *app, const char *code)
{
    const struct ts_field *f = code && *code ? ts_app_field(app, code) : NULL;
    return f && !f->table &&
                   (f->type == TS_F_SINGLE_LINE_TEXT || f->type == TS_F_NUMBER ||
                    f->type == TS_F_LINK || f->type == TS_F_RECORD_NUMBER)
               ? f
               : NULL;
}

/* Whom a form or view is sent to, each by a link of their own (README
 * "Personal links"): the records of another app a filter selects, each
 * giving a recipient's key, name and address. The key fills and locks the
 * form's `field`, or selects the view's records whose `field` holds it. Its
 * managers must be able to view that app; the recipients are read with the
 * rights of whoever sends the links. {} or none: the form is for everyone. */
static json_t *personal(struct ts_ctx *cx, const struct ts_app *app, const json_t *in,
                        const json_t *codes, const char *at, bool form)
{
    const json_t *p = json_object_get(in, "personal");
    if (!json_is_object(p) || !json_object_size(p))
        return json_object();
    at = ts_arena_printf(cx->arena, "%s.personal", at);
    const json_t *idv = json_object_get(p, "app");
    const char *ids = json_is_string(idv) ? json_string_value(idv) : NULL;
    int64_t src_id = json_is_integer(idv) ? json_integer_value(idv)
                     : ids && *ids && strspn(ids, "0123456789") == strlen(ids) && strlen(ids) < 18
                         ? strtoll(ids, NULL, 10)
                         : 0;
    const char *id_text = ts_arena_printf(cx->arena, "%lld", (long long)src_id);
    struct ts_err before = cx->err; /* asked aside: what failed before stays */
    memset(&cx->err, 0, sizeof(cx->err));
    const struct ts_app *src = src_id > 0 ? ts_app_get(cx, src_id) : NULL;
    bool may = src && (ts_policy_app_perms(cx, src_id) & TS_PERM_VIEW);
    cx->err = before;
    if (!may) {
        const char *key = ts_arena_printf(cx->arena, "%s.app", at);
        if (src_id > 0)
            ts_fail_field(cx, key, TS_M_PUBLIC_SOURCE_APP, id_text);
        else
            ts_fail_field(cx, key, TS_M_REQUIRED_PARAM);
        return json_object();
    }
    json_t *out = json_pack("{s:s}", "app", id_text);
    static const char *const from_source[] = {"keyField", "nameField", "emailField"};
    for (size_t i = 0; i < TS_ARRAY_LEN(from_source); i++) {
        const char *code = json_string_value(json_object_get(p, from_source[i]));
        const char *key = ts_arena_printf(cx->arena, "%s.%s", at, from_source[i]);
        if (!code || !*code) {
            if (i == 0) /* the number is needed; a name and an address may be left out */
                ts_fail_field(cx, key, TS_M_REQUIRED_PARAM);
        } else if (!line_field(src, code)) {
            ts_fail_field(cx, key, TS_M_VIEW_FIELD_TYPE, code);
        }
        json_object_set_new(out, from_source[i], json_string(code ? code : ""));
    }
    const char *filter = json_string_value(json_object_get(p, "filterCond"));
    if (filter && *filter && !query_ok(cx, src, filter, TS_QUERY_FILTER))
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.filterCond", at), TS_M_QUERY_SYNTAX, 0,
                      filter);
    json_object_set_new(out, "filterCond", json_string(filter ? filter : ""));
    /* the form asks it (locked to the key); a view selects by it */
    const char *field = json_string_value(json_object_get(p, "field"));
    const struct ts_field *f = line_field(app, field);
    /* a form's takes any number as it is: one line of text */
    if (!field || !*field)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.field", at), TS_M_REQUIRED_PARAM);
    else if (!f || (form && (!has(codes, field) || f->type != TS_F_SINGLE_LINE_TEXT)))
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.field", at), TS_M_VIEW_FIELD_TYPE, field);
    json_object_set_new(out, "field", json_string(field ? field : ""));
    instant(cx, out, p, "linksUntil", at);
    if (form)
        instant(cx, out, p, "editUntil", at);
    text(cx, out, p, "subject", at);
    text(cx, out, p, "message", at);
    return out;
}

/* The addresses a form or view answers from: ["192.0.2.0/24", "2001:db8::/32",
 * "203.0.113.7"], none for everywhere. */
static json_t *allow_list(struct ts_ctx *cx, const json_t *in, const char *at)
{
    json_t *out = json_array();
    size_t i;
    const json_t *a;
    const json_t *list = json_object_get(in, "allow");
    if (json_array_size(list) > 100)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.allow", at), TS_M_TOO_MANY_ITEMS, 100);
    json_array_foreach (list, i, a) {
        const char *s = json_string_value(a);
        if (!s || !ts_addr_range_ok(s))
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.allow[%zu]", at, i),
                          TS_M_PUBLIC_ADDRESS);
        else
            json_array_append(out, (json_t *)a);
    }
    return out;
}

/* The name and the published fields of a form or view (in, keyed under at):
 * each field must be one fits() takes, else refused with the message it gives
 * (0: fits). Sets out's "name"; answers the codes. */
static json_t *name_and_fields(struct ts_ctx *cx, const struct ts_app *app, const json_t *in,
                               const char *at, json_t *out, int (*fits)(const struct ts_field *))
{
    const char *name = json_string_value(json_object_get(in, "name"));
    if (!name || !*name || ts_utf8_len(name) > 64)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.name", at), TS_M_TOO_LONG, 64);
    json_object_set_new(out, "name", json_string(name ? name : ""));
    const json_t *fields = json_object_get(in, "fields");
    if (!json_is_array(fields) || json_array_size(fields) == 0)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.fields", at), TS_M_REQUIRED_PARAM);
    json_t *codes = json_array();
    size_t i;
    const json_t *c;
    json_array_foreach (fields, i, c) {
        const char *code = json_string_value(c);
        const struct ts_field *f = code ? ts_app_field(app, code) : NULL;
        int msg = f ? fits(f) : TS_M_FIELD_UNKNOWN;
        if (msg)
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.fields[%zu]", at, i), (enum ts_msg)msg,
                          code ? code : "");
        else
            json_array_append_new(codes, json_string(code));
    }
    json_object_set_new(out, "fields", codes);
    return codes;
}

static int form_fits(const struct ts_field *f)
{
    return ts_app_publishable(f) ? 0 : TS_M_VIEW_FIELD_TYPE;
}

/* A view shows one-value fields and attachments (tables: later). */
static int view_fits(const struct ts_field *f)
{
    enum ts_fkind kind = ts_field_kind(f);
    if (f->type == TS_F___ID__ || f->type == TS_F___REVISION__)
        return TS_M_FIELD_UNKNOWN;
    return f->table || kind == TS_K_TABLE || kind == TS_K_NONE ? TS_M_VIEW_FIELD_TYPE : 0;
}

/* A lookup on a form lets anyone who knows a key read what it copies of the
 * records its condition selects: its publisher must be able to read all of
 * that, and the key must not be a number one could count through. */
static void public_lookups(struct ts_ctx *cx, const struct ts_app *app, const json_t *codes,
                           const char *at)
{
    size_t i, k;
    const json_t *c, *m;
    json_array_foreach (codes, i, c) {
        const struct ts_field *f = ts_app_field(app, json_string_value(c));
        const json_t *lk = f ? json_object_get(f->props, "lookup") : NULL;
        if (!lk)
            continue;
        struct ts_err before = cx->err; /* asked aside: what failed before stays */
        memset(&cx->err, 0, sizeof(cx->err));
        const char *from =
            json_string_value(json_object_get(json_object_get(lk, "relatedApp"), "app"));
        int64_t src_id = from ? strtoll(from, NULL, 10) : 0;
        const struct ts_app *src = src_id > 0 ? ts_app_get(cx, src_id) : NULL;
        const struct ts_field *key =
            src ? ts_app_field(src, json_string_value(json_object_get(lk, "relatedKeyField")))
                : NULL;
        bool ok = key && key->type != TS_F_RECORD_NUMBER && key->type != TS_F___ID__ &&
                  (ts_policy_app_perms(cx, src_id) & TS_PERM_VIEW);
        const char *access = ok ? ts_policy_fields(cx, src) : NULL;
        ok &= !access || access[ts_app_field_index(src, key)] != TS_FIELD_NONE;
        json_array_foreach (ok ? json_object_get(lk, "fieldMappings") : NULL, k, m) {
            const struct ts_field *sf =
                ts_app_field(src, json_string_value(json_object_get(m, "relatedField")));
            ok &= sf && (!access || access[ts_app_field_index(src, sf)] != TS_FIELD_NONE);
        }
        cx->err = before;
        if (!ok)
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.fields[%zu]", at, i),
                          TS_M_PUBLIC_LOOKUP, f->code);
    }
}

static json_t *form_check(struct ts_ctx *cx, const struct ts_app *app, const json_t *in,
                          const char *at)
{
    json_t *out = json_object();
    json_t *codes = name_and_fields(cx, app, in, at, out, form_fits);
    /* a field the app requires and fills in no other way must be asked for:
     * otherwise every answer would fail, naming a field the form does not show */
    const char *missing = ts_app_public_form_missing(app, codes);
    if (missing)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.fields", at), TS_M_FORM_NEEDS_FIELD,
                      missing);
    json_object_set_new(out, "enabled", json_boolean(json_is_true(json_object_get(in, "enabled"))));
    text(cx, out, in, "title", at);
    text(cx, out, in, "description", at);
    text(cx, out, in, "thanks", at);
    instant(cx, out, in, "openFrom", at);
    instant(cx, out, in, "openUntil", at);
    const json_t *max = json_object_get(in, "maxAnswers");
    int64_t n = json_is_integer(max) ? json_integer_value(max) : 0;
    if (max && !json_is_null(max) && n < 1)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.maxAnswers", at), TS_M_NOT_INTEGER);
    json_object_set_new(out, "maxAnswers", n > 0 ? json_integer(n) : json_null());
    json_object_set_new(out, "receiptField", receipt_field(cx, app, in, codes, at));
    json_object_set_new(out, "help", help_texts(cx, in, codes, at));
    /* the organisation's look: a logo (PNG) and a colour (#rrggbb) */
    const char *logo = json_string_value(json_object_get(in, "logo"));
    if (logo && *logo && !ts_files_png_ok(logo, MAX_LOGO_B64, MAX_LOGO_PX))
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.logo", at), TS_M_PRINT_PICTURE,
                      MAX_LOGO_PX);
    json_object_set_new(out, "logo", json_string(logo ? logo : ""));
    const char *color = json_string_value(json_object_get(in, "color"));
    if (color && *color &&
        (strlen(color) != 7 || color[0] != '#' || strspn(color + 1, "0123456789abcdefABCDEF") != 6))
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.color", at), TS_M_NOT_ENUM);
    json_object_set_new(out, "color", json_string(color ? color : ""));
    json_object_set_new(out, "conditions", conditions(cx, app, in, codes, at));
    json_object_set_new(out, "steps", steps(cx, in, codes, at));
    json_object_set_new(out, "uploads", uploads(cx, app, in, codes, at));
    public_lookups(cx, app, codes, at);
    json_object_set_new(out, "allow", allow_list(cx, in, at));
    json_object_set_new(out, "personal", personal(cx, app, in, codes, at, true));
    return out;
}

/* Each of the list `in` checked by check, keeping its id and token when the
 * caller sends its id (new ones get both), kept in the preview under key. */
static int public_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *in, const char *key,
                      const char *param, const char *counter,
                      json_t *(*check)(struct ts_ctx *, const struct ts_app *, const json_t *,
                                       const char *))
{
    if (!json_is_array(in)) {
        ts_fail_field(cx, param, in ? TS_M_NOT_ARRAY : TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (json_array_size(in) > MAX_FORMS) {
        ts_fail_field(cx, param, TS_M_TOO_MANY_ITEMS, MAX_FORMS);
        return -1;
    }
    struct ts_app *app = ts_app_build(cx, p->row, p->def);
    if (!app)
        return -1;
    const json_t *old = json_object_get(p->def, key);
    json_t *all = json_array();
    size_t i, k;
    const json_t *one, *o;
    json_array_foreach (in, i, one) {
        json_t *f = check(cx, app, one, ts_arena_printf(cx->arena, "%s[%zu]", param, i));
        const char *want = json_string_value(json_object_get(one, "id"));
        const char *id = NULL, *token = NULL;
        json_array_foreach (old, k, o)
            if (want && ts_str_eq(json_string_value(json_object_get(o, "id")), want)) {
                id = want;
                token = json_string_value(json_object_get(o, "token"));
            }
        if (!id) {
            int64_t n = ts_store_counter_next(cx, counter);
            id = n < 0 ? "" : ts_arena_printf(cx->arena, "%lld", (long long)n);
        }
        char fresh[TOKEN_CHARS + 1];
        if (!token) {
            ts_auth_random_text(fresh, TOKEN_CHARS);
            token = fresh;
        }
        json_object_set_new(f, "id", json_string(id));
        json_object_set_new(f, "token", json_string(token));
        json_array_foreach (old, k, o)
            if (ts_str_eq(json_string_value(json_object_get(o, "id")), id) &&
                !json_object_get(one, "password") && json_object_get(o, "passwordHash"))
                json_object_set(f, "passwordHash", json_object_get(o, "passwordHash"));
        json_array_append_new(all, f);
    }
    ts_app_unref(app);
    if (cx->err.code) {
        json_decref(all);
        return -1;
    }
    json_object_set_new(p->def, key, all);
    return 0;
}

int ts_app_public_forms_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *forms)
{
    return public_put(cx, p, forms, "publicForms", "forms", "publicForm", form_check);
}

/* The first field sort orders by that is not among codes, or NULL. */
static const char *unshown_order(struct ts_ctx *cx, const struct ts_app *app, const char *sort,
                                 const json_t *codes)
{
    struct ts_err before = cx->err;
    memset(&cx->err, 0, sizeof(cx->err));
    struct ts_query_env env = ts_policy_query_env(cx);
    struct ts_qplan order;
    const char *hidden = NULL;
    if (ts_query_plan(cx, app, sort, TS_QUERY_SORT, &env, &order) == 0)
        for (int i = 0; !hidden && i < order.n_order; i++)
            if (!has(codes, order.order[i].field->code))
                hidden = order.order[i].field->code;
    cx->err = before;
    return hidden;
}

/* A public view: which records (a filter), which fields, in what order, how
 * many a page, with its words. */
static json_t *view_check(struct ts_ctx *cx, const struct ts_app *app, const json_t *in,
                          const char *at)
{
    json_t *out = json_object();
    const char *filter = json_string_value(json_object_get(in, "filterCond"));
    const char *sort = json_string_value(json_object_get(in, "sort"));
    bool bad_filter = filter && *filter && !query_ok(cx, app, filter, TS_QUERY_FILTER);
    bool bad_sort = sort && *sort && !query_ok(cx, app, sort, TS_QUERY_SORT);
    if (bad_filter)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.filterCond", at), TS_M_QUERY_SYNTAX, 0,
                      filter);
    if (bad_sort)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.sort", at), TS_M_QUERY_SYNTAX, 0, sort);
    json_t *codes = name_and_fields(cx, app, in, at, out, view_fits);
    /* its order only by what it shows: an order tells how the values rank */
    const char *hidden = bad_sort || !sort || !*sort ? NULL : unshown_order(cx, app, sort, codes);
    if (hidden)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.sort", at), TS_M_VIEW_FIELD_TYPE, hidden);
    json_object_set_new(out, "filterCond", json_string(filter ? filter : ""));
    json_object_set_new(out, "sort", json_string(sort ? sort : ""));
    json_object_set_new(out, "enabled", json_boolean(json_is_true(json_object_get(in, "enabled"))));
    const json_t *size = json_object_get(in, "pageSize");
    int64_t n = json_is_integer(size) ? json_integer_value(size) : 20;
    if (size && (!json_is_integer(size) || n < 1 || n > 100))
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.pageSize", at), TS_M_NOT_INTEGER);
    json_object_set_new(out, "pageSize", json_integer(n));
    text(cx, out, in, "title", at);
    text(cx, out, in, "description", at);
    json_object_set_new(out, "personal", personal(cx, app, in, NULL, at, false));
    json_object_set_new(out, "allow", allow_list(cx, in, at));
    /* a password readers type once: kept as its hash (public_put keeps the
     * old one when none is sent; "" takes it away) */
    const json_t *pw = json_object_get(in, "password");
    const char *text = json_string_value(pw);
    if (pw && (!text || (*text && (strlen(text) < 8 || strlen(text) > 128))))
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.password", at), TS_M_PUBLIC_PASSWORD);
    char *hash = text && *text && !cx->err.code ? ts_auth_hash_password(text) : NULL;
    if (hash)
        json_object_set_new(out, "passwordHash", json_string(hash));
    free(hash);
    return out;
}

int ts_app_public_views_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *views)
{
    return public_put(cx, p, views, "publicViews", "views", "publicView", view_check);
}

int ts_app_public_pause(struct ts_ctx *cx, int64_t app_id, const char *key, const json_t *preview)
{
    struct ts_app_row *row = ts_store_app_row(cx, app_id);
    if (!row || row->live_revision == 0)
        return cx->err.code ? -1 : 0;
    struct ts_preview live;
    if (ts_app_settings_load(cx, app_id, TS_STAGE_LIVE, &live) < 0)
        return -1;
    bool changed = false;
    size_t i, k;
    json_t *f;
    const json_t *p;
    json_array_foreach (json_object_get(live.def, key), i, f) {
        if (!json_is_true(json_object_get(f, "enabled")))
            continue;
        bool still = false;
        json_array_foreach (preview, k, p)
            still |= ts_str_eq(json_string_value(json_object_get(p, "id")),
                               json_string_value(json_object_get(f, "id"))) &&
                     json_is_true(json_object_get(p, "enabled"));
        if (!still) {
            json_object_set_new(f, "enabled", json_false());
            changed = true;
        }
    }
    if (!changed)
        return 0;
    char *body = json_dumps(live.def, JSON_COMPACT);
    int rc = ts_store_app_def_put(cx, app_id, TS_STAGE_LIVE, body);
    free(body);
    if (rc == 0)
        ts_app_settings_changed(cx);
    return rc;
}
