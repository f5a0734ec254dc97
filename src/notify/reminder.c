/*
 * notify/reminder.c - reminders (app/notifications/reminder.json): each rule
 * names a date or date-and-time field and a moment relative to it (days on,
 * then hours on or a time of day in the rule's zone); when the moment of a
 * record the rule's filter takes comes, its targets are told.
 *
 * The background thread calls this every half minute. Each app remembers up
 * to when its reminders went out (reminder_marks), in the same transaction
 * as the notices, so a moment is reminded once: not twice after a restart,
 * and not lost while the server was down (up to a week back).
 */
#include "base/common.h"
#include "notify/notify.h"
#include "app/app.h"
#include "base/log.h"
#include "base/str.h"
#include "base/tstime.h"
#include "query/query.h"
#include "store/store.h"

#define CATCH_UP (7 * 86400)
#define PER_RULE 1000

struct rule_run {
    const struct ts_app *app;
    const json_t *rule;
    int sent;
};

static int remind(struct ts_ctx *cx, const struct ts_record *r, void *arg)
{
    struct rule_run *rr = arg;
    struct ts_people to = {0};
    struct ts_notice n = {
        .kind = "REMINDER",
        .app = rr->app,
        .r = r,
        .title = json_string_value(json_object_get(rr->rule, "title")),
        .to_actor = true,
    };
    if (ts_people_add_entities(cx, rr->app, r, json_object_get(rr->rule, "targets"), &to) < 0 ||
        ts_notify_people(cx, &n, &to) < 0)
        return -1;
    rr->sent++;
    return 0;
}

static const char *iso(struct ts_ctx *cx, int64_t epoch)
{
    char *s = TS_NEW_N(cx->arena, char, 21);
    ts_datetime_format(epoch, s);
    return s;
}

/* The condition, in the query language, on the rule's field for the records
 * whose moment lies in (from, to]; NULL when none can. */
static const char *window(struct ts_ctx *cx, const struct ts_app *app, const json_t *timing,
                          const char *tz, int64_t from, int64_t to)
{
    const char *code = json_string_value(json_object_get(timing, "code"));
    const struct ts_field *f = code ? ts_app_field(app, code) : NULL;
    if (!f)
        return NULL;
    int64_t days = 0, hours = 0;
    ts_parse_i64(json_string_value(json_object_get(timing, "daysLater")), &days);
    const char *time = json_string_value(json_object_get(timing, "time"));
    if (!time) {
        ts_parse_i64(json_string_value(json_object_get(timing, "hoursLater")), &hours);
        int64_t off = days * 86400 + hours * 3600;
        return ts_arena_printf(cx->arena, "%s > \"%s\" and %s <= \"%s\"", code, iso(cx, from - off),
                               code, iso(cx, to - off));
    }
    /* a time of day: each local day whose moment falls in the window */
    int hh = 0, mm = 0;
    sscanf(time, "%d:%d", &hh, &mm);
    struct ts_buf b;
    ts_buf_init(&b);
    struct tm lf, lt;
    ts_tz_local(tz, from, &lf);
    ts_tz_local(tz, to, &lt);
    int64_t d0 = ts_days_from_civil(lf.tm_year + 1900, lf.tm_mon + 1, lf.tm_mday) - 1;
    int64_t d1 = ts_days_from_civil(lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday) + 1;
    for (int64_t day = d0; day <= d1; day++) {
        int64_t at = ts_tz_day_start(tz, day) + hh * 3600 + mm * 60;
        if (at <= from || at > to)
            continue;
        int64_t field_day = day - days;
        if (b.len)
            ts_buf_puts(&b, " or ");
        if (f->type == TS_F_DATE) {
            int y, m, d;
            ts_civil_from_days(field_day, &y, &m, &d);
            ts_buf_printf(&b, "%s = \"%04d-%02d-%02d\"", code, y, m, d);
        } else {
            ts_buf_printf(&b, "(%s >= \"%s\" and %s < \"%s\")", code,
                          iso(cx, ts_tz_day_start(tz, field_day)), code,
                          iso(cx, ts_tz_day_start(tz, field_day + 1)));
        }
    }
    const char *cond = b.len ? ts_arena_strdup(cx->arena, b.p) : NULL;
    ts_buf_release(&b);
    return cond;
}

static int run_rule(struct ts_ctx *cx, const struct ts_app *app, const json_t *rule, const char *tz,
                    int64_t from, int64_t to)
{
    const char *cond = window(cx, app, json_object_get(rule, "timing"), tz, from, to);
    if (!cond)
        return 0;
    const char *fc = json_string_value(json_object_get(rule, "filterCond"));
    const char *text = fc && *fc ? ts_arena_printf(cx->arena, "(%s) and (%s)", fc, cond) : cond;
    struct ts_query_env env = {.user_code = "", .tz = tz, .now = cx->now, .app_of = ts_app_get};
    struct ts_qplan plan;
    if (ts_query_plan(cx, app, text, TS_QUERY_FILTER, &env, &plan) < 0) {
        TS_LOG_WARN(cx, "notify", "app %lld: reminder %s: %s", (long long)app->id, text,
                    cx->err.message);
        ts_err_clear(cx);
        return 0;
    }
    plan.limit = PER_RULE;
    plan.has_limit = true;
    struct rule_run rr = {.app = app, .rule = rule};
    return ts_store_records_select(cx, app, &plan, NULL, remind, &rr);
}

static int app_reminders(struct ts_ctx *cx, int64_t app_id, int64_t now)
{
    const struct ts_app *app = ts_app_get(cx, app_id);
    if (!app) {
        ts_err_clear(cx);
        return 0;
    }
    const json_t *set = json_object_get(app->def, "notifyReminder");
    const json_t *rules = json_object_get(set, "notifications");
    if (json_array_size(rules) == 0)
        return 0;
    const char *tz = json_string_value(json_object_get(set, "timezone"));
    if (!tz || !ts_tz_valid(tz))
        tz = "Asia/Tokyo";
    int64_t upto = ts_store_reminder_mark(cx, app_id);
    if (upto < 0)
        return -1;
    if (upto > 0 && upto < now) {
        int64_t from = upto > now - CATCH_UP ? upto : now - CATCH_UP;
        size_t i;
        const json_t *rule;
        json_array_foreach (rules, i, rule)
            if (run_rule(cx, app, rule, tz, from, now) < 0)
                return -1;
    }
    /* the first time: from now on, not every moment in the past */
    return upto < now ? ts_store_reminder_mark_set(cx, app_id, now) : 0;
}

struct app_moment {
    int64_t app_id, now;
};

static int reminders_of(struct ts_ctx *cx, void *arg)
{
    const struct app_moment *m = arg;
    return app_reminders(cx, m->app_id, m->now);
}

int ts_notify_reminders(struct ts_ctx *cx)
{
    int64_t now = cx->now - cx->now % 60; /* values have minute precision */
    int n;
    if (ts_db_begin(cx, false) < 0)
        return -1;
    const int64_t *ids = ts_app_deployed_ids(cx, &n);
    ts_db_rollback(cx);
    if (!ids)
        return -1;
    for (int i = 0; i < n; i++) {
        struct app_moment m = {ids[i], now};
        if (ts_db_in_write_tx(cx, reminders_of, &m) == 0)
            ts_db_wait_durable(cx);
        if (cx->err.code) {
            TS_LOG_WARN(cx, "notify", "app %lld: reminders failed: %s", (long long)ids[i],
                        cx->err.message);
            ts_err_clear(cx);
        }
    }
    return 0;
}
