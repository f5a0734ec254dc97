/*
 * app/notify.c - notification settings (KINTONE-API.md §5.3), kept with the
 * preview settings and deployed with them:
 *   general.json   who hears of added and edited records, comments, status
 *                  changes and file imports;
 *   perRecord.json who hears when a record added or changed meets a filter;
 *   reminder.json  who hears when a date or date-and-time field's moment
 *                  (days and hours before or after it) comes, for the records
 *                  a filter takes.
 * notify/ sends them.
 */
#include "base/common.h"
#include "app/app.h"
#include "base/str.h"
#include "base/tstime.h"
#include "query/query.h"

#define MAX_RULES 100
#define MAX_TITLE 200

static const char *const GENERAL_FLAGS[] = {"recordAdded", "recordEdited", "commentAdded",
                                            "statusChanged", "fileImported"};

static bool flag(const json_t *v)
{
    return json_is_true(v) || (json_is_string(v) && !strcmp(json_string_value(v), "true"));
}

/* A number given as JSON or as text, as kintone takes both. */
static int json_i64(const json_t *v, int64_t *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 0;
    }
    return json_is_string(v) ? ts_parse_i64(json_string_value(v), out) : -1;
}

static bool rules_array(struct ts_ctx *cx, const json_t *list)
{
    if (json_is_array(list) && json_array_size(list) <= MAX_RULES)
        return true;
    ts_fail_field(cx, "notifications",
                  !list                 ? TS_M_REQUIRED_PARAM
                  : json_is_array(list) ? TS_M_TOO_MANY_RECORDS
                                        : TS_M_NOT_ARRAY,
                  MAX_RULES);
    return false;
}

int ts_app_notify_general_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *in)
{
    const json_t *list = json_object_get(in, "notifications");
    const json_t *fields = json_object_get(p->def, "fields");
    json_t *old = json_object_get(p->def, "notifyGeneral");
    if (!list && old) /* kintone: an omitted list keeps the one there is */
        list = json_object_get(old, "notifications");
    if (list && !rules_array(cx, list))
        return -1;
    json_t *out = json_array();
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *r = json_array_get(list, i);
        json_t *n =
            ts_app_entity(cx, r, ts_arena_printf(cx->arena, "notifications[%zu]", i), fields);
        if (!n)
            continue;
        for (size_t k = 0; k < TS_ARRAY_LEN(GENERAL_FLAGS); k++)
            json_object_set_new(n, GENERAL_FLAGS[k],
                                json_boolean(flag(json_object_get(r, GENERAL_FLAGS[k]))));
        json_array_append_new(out, n);
    }
    if (cx->err.code) {
        json_decref(out);
        return -1;
    }
    const json_t *to_commenter = json_object_get(in, "notifyToCommenter");
    bool commenters =
        to_commenter ? flag(to_commenter) : json_is_true(json_object_get(old, "notifyToCommenter"));
    json_object_set_new(
        p->def, "notifyGeneral",
        json_pack("{s:o, s:b}", "notifications", out, "notifyToCommenter", commenters));
    return 0;
}

/* The parts perRecord and reminder rules share: filterCond, title, targets. */
static json_t *norm_rule(struct ts_ctx *cx, struct ts_preview *p, const struct ts_app *app,
                         const json_t *r, const char *key)
{
    const char *fc = json_string_value(json_object_get(r, "filterCond"));
    const char *title = json_string_value(json_object_get(r, "title"));
    if (fc && *fc && ts_query_check(cx, app, fc, TS_QUERY_FILTER) < 0) {
        ts_err_clear(cx);
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.filterCond", key), TS_M_QUERY_SYNTAX, 0,
                      fc);
    }
    if (title && ts_utf8_len(title) > MAX_TITLE)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.title", key), TS_M_TOO_LONG, MAX_TITLE);
    const json_t *targets = json_object_get(r, "targets");
    const char *tkey = ts_arena_printf(cx->arena, "%s.targets", key);
    if (json_is_array(targets) && json_array_size(targets) == 0)
        ts_fail_field(cx, tkey, TS_M_NEED_PEOPLE);
    json_t *t = ts_app_entities(cx, targets, tkey, json_object_get(p->def, "fields"));
    if (!t)
        return NULL;
    return json_pack("{s:s, s:s, s:o}", "filterCond", fc ? fc : "", "title", title ? title : "",
                     "targets", t);
}

static void unref_cb(void *a)
{
    ts_app_unref(a);
}

static struct ts_app *preview_app(struct ts_ctx *cx, struct ts_preview *p)
{
    struct ts_app *app = ts_app_build(cx, p->row, p->def);
    if (app)
        ts_arena_defer(cx->arena, unref_cb, app);
    return app;
}

int ts_app_notify_per_record_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *in)
{
    const json_t *list = json_object_get(in, "notifications");
    struct ts_app *app = preview_app(cx, p);
    if (!app || !rules_array(cx, list))
        return -1;
    json_t *out = json_array();
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *n = norm_rule(cx, p, app, json_array_get(list, i),
                              ts_arena_printf(cx->arena, "notifications[%zu]", i));
        if (n)
            json_array_append_new(out, n);
    }
    if (cx->err.code) {
        json_decref(out);
        return -1;
    }
    json_object_set_new(p->def, "notifyPerRecord", json_pack("{s:o}", "notifications", out));
    return 0;
}

/* timing {code, daysLater, hoursLater | time}: the moment is the field's date
 * (at `time`) or date and time (plus hoursLater), daysLater days on. */
static json_t *norm_timing(struct ts_ctx *cx, const struct ts_app *app, const json_t *t,
                           const char *key)
{
    const char *code = json_string_value(json_object_get(t, "code"));
    const struct ts_field *f = code ? ts_app_field(app, code) : NULL;
    bool date = f && f->type == TS_F_DATE;
    if (!f || f->table ||
        (!date && f->type != TS_F_DATETIME && f->type != TS_F_CREATED_TIME &&
         f->type != TS_F_UPDATED_TIME)) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.code", key), TS_M_NOT_DATE_FIELD,
                      code ? code : "");
        return NULL;
    }
    int64_t days = 0, hours = 0;
    const json_t *d = json_object_get(t, "daysLater"), *h = json_object_get(t, "hoursLater");
    const char *time = json_string_value(json_object_get(t, "time"));
    if ((d && json_i64(d, &days) < 0) || days < -10000 || days > 10000) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.daysLater", key), TS_M_NOT_INTEGER);
        return NULL;
    }
    bool has_hours = h && !json_is_null(h) && !(json_is_string(h) && !*json_string_value(h));
    bool has_time = time && *time;
    if (has_hours && (json_i64(h, &hours) < 0 || hours < -23 || hours > 23))
        has_time = true; /* reported below as one problem */
    int hh, mm;
    if ((has_hours && has_time) || (date && !has_time) ||
        (has_time && (sscanf(time, "%2d:%2d", &hh, &mm) != 2 || strlen(time) != 5 || hh > 23 ||
                      mm > 59 || hh < 0 || mm < 0))) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s", key), TS_M_BAD_HOURS);
        return NULL;
    }
    json_t *out = json_pack("{s:s, s:s}", "code", code, "daysLater",
                            ts_arena_printf(cx->arena, "%lld", (long long)days));
    if (has_time)
        json_object_set_new(out, "time", json_string(time));
    else
        json_object_set_new(out, "hoursLater",
                            json_string(ts_arena_printf(cx->arena, "%lld", (long long)hours)));
    return out;
}

int ts_app_notify_reminder_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *in)
{
    const json_t *list = json_object_get(in, "notifications");
    const char *tz = json_string_value(json_object_get(in, "timezone"));
    struct ts_app *app = preview_app(cx, p);
    if (!app || !rules_array(cx, list))
        return -1;
    if (tz && !ts_tz_valid(tz))
        ts_fail_field(cx, "timezone", TS_M_BAD_TIMEZONE, tz);
    json_t *out = json_array();
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *r = json_array_get(list, i);
        const char *key = ts_arena_printf(cx->arena, "notifications[%zu]", i);
        json_t *timing = norm_timing(cx, app, json_object_get(r, "timing"),
                                     ts_arena_printf(cx->arena, "%s.timing", key));
        json_t *n = norm_rule(cx, p, app, r, key);
        if (n && timing)
            json_object_set(n, "timing", timing);
        if (n)
            json_array_append_new(out, n);
        json_decref(timing);
    }
    if (cx->err.code) {
        json_decref(out);
        return -1;
    }
    json_object_set_new(
        p->def, "notifyReminder",
        json_pack("{s:o, s:s}", "notifications", out, "timezone", tz ? tz : "Asia/Tokyo"));
    return 0;
}
