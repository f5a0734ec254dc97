/*
 * app/reports.c - an app's graphs and cross tables as kintone keeps them
 * (app/reports.json, KINTONE-EXTENSIONS.md §6): chart type and mode, up to
 * three groups (a date by year ... minute), up to ten aggregations, a filter,
 * sorts, and a periodic report, which is kept and answered as set but not yet
 * run on its schedule. A PUT names every graph: a new name adds one, a name
 * left out deletes it. Kept in the settings as "reports", deployed with them.
 */
#include "base/common.h"
#include "app/app.h"
#include "base/str.h"
#include "query/query.h"
#include "store/store.h"

#define MAX_REPORTS      1000
#define MAX_GROUPS       3
#define MAX_AGGREGATIONS 10
#define MAX_SORTS        3

static const char *const CHART_TYPES[] = {"BAR",   "COLUMN", "PIE",    "LINE",        "PIVOT_TABLE",
                                          "TABLE", "AREA",   "SPLINE", "SPLINE_AREA", NULL};
static const char *const MODED[] = {"BAR", "COLUMN", "AREA", "SPLINE_AREA", NULL};
static const char *const CHART_MODES[] = {"NORMAL", "STACKED", "PERCENTAGE", NULL};
static const char *const PERS[] = {"YEAR", "QUARTER", "MONTH",  "WEEK",
                                   "DAY",  "HOUR",    "MINUTE", NULL};
static const char *const AGG_TYPES[] = {"COUNT", "SUM", "AVERAGE", "MAX", "MIN", NULL};
static const char *const SORT_BY[] = {"TOTAL", "GROUP1", "GROUP2", "GROUP3", NULL};
static const char *const ORDERS[] = {"ASC", "DESC", NULL};
static const char *const EVERY[] = {"YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "HOUR", NULL};
static const char *const PATTERNS[] = {"JAN_APR_JUL_OCT", "FEB_MAY_AUG_NOV", "MAR_JUN_SEP_DEC",
                                       NULL};
static const char *const WEEKDAYS[] = {"SUNDAY",   "MONDAY", "TUESDAY",  "WEDNESDAY",
                                       "THURSDAY", "FRIDAY", "SATURDAY", NULL};

static int index_of(const char *s, const char *const *list)
{
    for (int i = 0; s && list[i]; i++)
        if (!strcmp(s, list[i]))
            return i;
    return -1;
}

/* A string one of list, at key: the value, or NULL (failed unless absent and optional). */
static const char *choice(struct ts_ctx *cx, const json_t *obj, const char *name,
                          const char *const *list, bool required, const char *key)
{
    const json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v)) {
        if (required)
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.%s", key, name), TS_M_REQUIRED);
        return NULL;
    }
    const char *s = json_string_value(v);
    if (index_of(s, list) < 0) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.%s", key, name), TS_M_NOT_ENUM);
        return NULL;
    }
    return s;
}

/* A whole number in [lo, hi], as a number or a numeric string: its text, or NULL. */
static const char *number(struct ts_ctx *cx, const json_t *v, int64_t lo, int64_t hi,
                          const char *key)
{
    int64_t n;
    if (!v ||
        (json_is_string(v) ? ts_parse_i64(json_string_value(v), &n) < 0
                           : !json_is_integer(v) || (n = json_integer_value(v), false)) ||
        n < lo || n > hi) {
        ts_fail_field(cx, key, v ? TS_M_NOT_INTEGER : TS_M_REQUIRED);
        return NULL;
    }
    return ts_arena_printf(cx->arena, "%lld", (long long)n);
}

/* The finest unit a date-like field is grouped by, or NULL for other fields. */
static const char *finest(const struct ts_field *f)
{
    switch (f->type) {
    case TS_F_DATE:
        return "DAY";
    case TS_F_TIME:
    case TS_F_DATETIME:
    case TS_F_CREATED_TIME:
    case TS_F_UPDATED_TIME:
        return "MINUTE";
    default:
        return NULL;
    }
}

/* The units that fit a field: a date YEAR..DAY, a time HOUR and MINUTE, a date-time all. */
static bool per_fits(const struct ts_field *f, const char *per)
{
    int i = index_of(per, PERS);
    if (f->type == TS_F_DATE)
        return i >= 0 && i <= 4;
    if (f->type == TS_F_TIME)
        return i >= 5;
    return finest(f) != NULL;
}

/* Fields a graph may be grouped by: one value a record (or several: choices, people). */
static bool groupable(const struct ts_field *f)
{
    if (f->table)
        return false;
    switch (f->type) {
    case TS_F_SINGLE_LINE_TEXT:
    case TS_F_NUMBER:
    case TS_F_CALC:
    case TS_F_RADIO_BUTTON:
    case TS_F_CHECK_BOX:
    case TS_F_MULTI_SELECT:
    case TS_F_DROP_DOWN:
    case TS_F_DATE:
    case TS_F_TIME:
    case TS_F_DATETIME:
    case TS_F_LINK:
    case TS_F_USER_SELECT:
    case TS_F_ORGANIZATION_SELECT:
    case TS_F_GROUP_SELECT:
    case TS_F_CREATOR:
    case TS_F_MODIFIER:
    case TS_F_CREATED_TIME:
    case TS_F_UPDATED_TIME:
    case TS_F_STATUS:
    case TS_F_STATUS_ASSIGNEE:
        return true;
    default:
        return false;
    }
}

/* SUM and AVERAGE take numbers; MAX and MIN numbers, dates and times too. */
static bool aggregable(const struct ts_field *f, const char *type)
{
    if (f->table)
        return false;
    bool numeric = f->type == TS_F_NUMBER || f->type == TS_F_CALC;
    if (!strcmp(type, "SUM") || !strcmp(type, "AVERAGE"))
        return numeric;
    return numeric || finest(f) != NULL;
}

/* A list of min to max items at key: true, or false with the problem. */
static bool list_ok(struct ts_ctx *cx, const json_t *in, size_t min, size_t max, const char *key)
{
    if (!json_is_array(in))
        ts_fail_field(cx, key, TS_M_NOT_ARRAY);
    else if (json_array_size(in) < min)
        ts_fail_field(cx, key, TS_M_REQUIRED);
    else if (json_array_size(in) > max)
        ts_fail_field(cx, key, TS_M_TOO_MANY_ITEMS, (int)max);
    else
        return true;
    return false;
}

static json_t *groups(struct ts_ctx *cx, const struct ts_app *app, const json_t *in,
                      const char *key)
{
    if (!list_ok(cx, in, 0, MAX_GROUPS, key))
        return NULL;
    json_t *out = json_array();
    size_t i;
    const json_t *g;
    json_array_foreach (in, i, g) {
        const char *gkey = ts_arena_printf(cx->arena, "%s[%zu]", key, i);
        const char *code = json_string_value(json_object_get(g, "code"));
        const struct ts_field *f = code ? ts_app_field(app, code) : NULL;
        if (!f) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.code", gkey), TS_M_FIELD_UNKNOWN,
                          code ? code : "");
            continue;
        }
        if (!groupable(f)) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.code", gkey), TS_M_REPORT_GROUP_FIELD,
                          code);
            continue;
        }
        const char *per = json_string_value(json_object_get(g, "per"));
        if (per && !per_fits(f, per)) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.per", gkey), TS_M_REPORT_PER);
            continue;
        }
        json_t *o = json_pack("{s:s}", "code", code);
        if (finest(f))
            json_object_set_new(o, "per", json_string(per ? per : finest(f)));
        json_array_append_new(out, o);
    }
    return out;
}

static json_t *aggregations(struct ts_ctx *cx, const struct ts_app *app, const json_t *in,
                            const char *key)
{
    if (!list_ok(cx, in, 1, MAX_AGGREGATIONS, key))
        return NULL;
    json_t *out = json_array();
    size_t i;
    const json_t *a;
    json_array_foreach (in, i, a) {
        const char *akey = ts_arena_printf(cx->arena, "%s[%zu]", key, i);
        const char *type = choice(cx, a, "type", AGG_TYPES, true, akey);
        if (!type)
            continue;
        if (!strcmp(type, "COUNT")) {
            json_array_append_new(out, json_pack("{s:s}", "type", type));
            continue;
        }
        const char *code = json_string_value(json_object_get(a, "code"));
        const struct ts_field *f = code ? ts_app_field(app, code) : NULL;
        if (!f) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.code", akey),
                          code ? TS_M_FIELD_UNKNOWN : TS_M_REQUIRED, code ? code : "");
            continue;
        }
        if (!aggregable(f, type)) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.code", akey), TS_M_REPORT_AGG_FIELD,
                          code);
            continue;
        }
        json_array_append_new(out, json_pack("{s:s, s:s}", "type", type, "code", code));
    }
    return out;
}

static json_t *sorts(struct ts_ctx *cx, const json_t *in, size_t n_groups, const char *key)
{
    if (!list_ok(cx, in, 0, MAX_SORTS, key))
        return NULL;
    json_t *out = json_array();
    size_t i;
    const json_t *s;
    json_array_foreach (in, i, s) {
        const char *skey = ts_arena_printf(cx->arena, "%s[%zu]", key, i);
        const char *by = choice(cx, s, "by", SORT_BY, true, skey);
        const char *order = choice(cx, s, "order", ORDERS, true, skey);
        if (!by || !order)
            continue;
        if (strcmp(by, "TOTAL") && (size_t)index_of(by, SORT_BY) > n_groups) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.by", skey), TS_M_REPORT_NO_GROUP);
            continue;
        }
        json_array_append_new(out, json_pack("{s:s, s:s}", "by", by, "order", order));
    }
    return out;
}

static bool is_time(const char *s)
{
    return s && strlen(s) == 5 && s[2] == ':' && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' &&
           s[1] <= '9' && s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9' &&
           (s[0] - '0') * 10 + (s[1] - '0') < 24;
}

/* When a periodic report is made: what each `every` needs, nothing else. */
static json_t *period(struct ts_ctx *cx, const json_t *in, const char *key)
{
    if (!json_is_object(in)) {
        ts_fail_field(cx, key, in ? TS_M_NOT_OBJECT : TS_M_REQUIRED);
        return NULL;
    }
    const char *every = choice(cx, in, "every", EVERY, true, key);
    if (!every)
        return NULL;
    json_t *out = json_pack("{s:s}", "every", every);
    const char *k = ts_arena_printf(cx->arena, "%s.", key);
    bool hour = !strcmp(every, "HOUR");
    if (hour) {
        const char *m = number(cx, json_object_get(in, "minute"), 0, 50,
                               ts_arena_printf(cx->arena, "%sminute", k));
        int64_t minute = 0;
        if (m && (ts_parse_i64(m, &minute) < 0 || minute % 10))
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%sminute", k), TS_M_NOT_ENUM);
        else if (m)
            json_object_set_new(out, "minute", json_string(m));
        return out;
    }
    const char *time = json_string_value(json_object_get(in, "time"));
    if (!is_time(time))
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%stime", k), TS_M_BAD_TIME);
    else
        json_object_set_new(out, "time", json_string(time));
    if (!strcmp(every, "WEEK")) {
        const char *d = choice(cx, in, "dayOfWeek", WEEKDAYS, true, key);
        if (d)
            json_object_set_new(out, "dayOfWeek", json_string(d));
    }
    if (!strcmp(every, "QUARTER")) {
        const char *p = choice(cx, in, "pattern", PATTERNS, true, key);
        if (p)
            json_object_set_new(out, "pattern", json_string(p));
    }
    if (!strcmp(every, "YEAR")) {
        const char *m = number(cx, json_object_get(in, "month"), 1, 12,
                               ts_arena_printf(cx->arena, "%smonth", k));
        if (m)
            json_object_set_new(out, "month", json_string(m));
    }
    if (!strcmp(every, "YEAR") || !strcmp(every, "QUARTER") || !strcmp(every, "MONTH")) {
        const json_t *d = json_object_get(in, "dayOfMonth");
        const char *day = ts_str_eq(json_string_value(d), "END_OF_MONTH") && strcmp(every, "YEAR")
                              ? "END_OF_MONTH"
                              : number(cx, d, 1, 31, ts_arena_printf(cx->arena, "%sdayOfMonth", k));
        if (day)
            json_object_set_new(out, "dayOfMonth", json_string(day));
    }
    return out;
}

static json_t *periodic(struct ts_ctx *cx, const json_t *in, const json_t *old, const char *key)
{
    if (json_is_null(in))
        return json_null();
    if (!json_is_object(in)) {
        ts_fail_field(cx, key, TS_M_NOT_OBJECT);
        return NULL;
    }
    const json_t *active = json_object_get(in, "active");
    if (active && !json_is_boolean(active)) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.active", key), TS_M_NOT_BOOLEAN);
        return NULL;
    }
    const json_t *was = json_object_get(old, "period");
    json_t *p = json_object_get(in, "period") ? period(cx, json_object_get(in, "period"),
                                                       ts_arena_printf(cx->arena, "%s.period", key))
                : was                         ? json_deep_copy(was)
                      : period(cx, NULL, ts_arena_printf(cx->arena, "%s.period", key));
    if (!p)
        return NULL;
    if (was && !json_equal(was, p)) { /* kintone: the period is set once */
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.period", key), TS_M_REPORT_PERIOD_SET);
        json_decref(p);
        return NULL;
    }
    bool on = active ? json_is_true(active)
              : old  ? json_is_true(json_object_get(old, "active"))
                     : true;
    return json_pack("{s:b, s:o}", "active", on, "period", p);
}

/* One graph: what the request says, the rest as it was (or the defaults);
 * problems keyed under `key`. */
static json_t *report(struct ts_ctx *cx, const struct ts_app *app, const char *name,
                      const json_t *in, const json_t *old, const char *key)
{
    const char *title = json_string_value(json_object_get(in, "name"));
    if (!old && (!title || strcmp(title, name)))
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.name", key), TS_M_REPORT_NAME_IS_KEY);
    if (!title)
        title = name;
    if (!*title || ts_utf8_len(title) > 64)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.name", key), TS_M_TOO_LONG, 64);
    const json_t *idx = json_object_get(in, "index");
    const char *index =
        idx || !old ? number(cx, idx, 0, INT32_MAX, ts_arena_printf(cx->arena, "%s.index", key))
                    : json_string_value(json_object_get(old, "index"));
    const json_t *v;
#define KEPT(prop) ((v = json_object_get(in, prop)) ? v : json_object_get(old, prop))
    const json_t *typed = json_object_get(in, "chartType") ? in : old;
    const char *type = choice(cx, typed, "chartType", CHART_TYPES, true, key);
    if (!type)
        return NULL;
    json_t *out = json_pack("{s:s, s:s, s:s}", "name", title, "index", index ? index : "0",
                            "chartType", type);
    ts_arena_defer_decref(cx->arena, out);
    if (index_of(type, MODED) >= 0) {
        const json_t *m = KEPT("chartMode");
        const char *mode = json_string_value(m);
        if (index_of(mode, CHART_MODES) < 0)
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.chartMode", key),
                          m ? TS_M_NOT_ENUM : TS_M_REQUIRED);
        else
            json_object_set_new(out, "chartMode", json_string(mode));
    }
    v = KEPT("groups");
    json_t *none = json_array(); /* what a graph without groups or sorts has */
    ts_arena_defer_decref(cx->arena, none);
    json_t *g = groups(cx, app, v ? v : none, ts_arena_printf(cx->arena, "%s.groups", key));
    v = KEPT("aggregations");
    json_t *a = v ? aggregations(cx, app, v, ts_arena_printf(cx->arena, "%s.aggregations", key))
                  : json_pack("[{s:s}]", "type", "COUNT");
    v = KEPT("sorts");
    json_t *s = sorts(cx, v ? v : none, g ? json_array_size(g) : 0,
                      ts_arena_printf(cx->arena, "%s.sorts", key));
    if (!g || !a || !s) {
        json_decref(g), json_decref(a), json_decref(s);
        return NULL;
    }
    if (!strcmp(type, "PIVOT_TABLE") && !json_array_size(g))
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.groups", key), TS_M_REPORT_PIVOT_GROUPS);
    if (!strcmp(type, "PIVOT_TABLE") && json_array_size(a) != 1)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.aggregations", key),
                      TS_M_REPORT_PIVOT_ONE);
    json_object_set_new(out, "groups", g);
    json_object_set_new(out, "aggregations", a);
    json_object_set_new(out, "sorts", s);
    const char *filter = json_string_value(KEPT("filterCond"));
    if (filter && *filter && ts_query_check(cx, app, filter, TS_QUERY_FILTER) < 0)
        ts_err_clear(cx), ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.filterCond", key),
                                        TS_M_QUERY_SYNTAX, 0, filter);
    json_object_set_new(out, "filterCond", json_string(filter ? filter : ""));
    const json_t *was = json_object_get(old, "periodicReport");
    json_t *pr =
        json_object_get(in, "periodicReport")
            ? periodic(cx, json_object_get(in, "periodicReport"), json_is_object(was) ? was : NULL,
                       ts_arena_printf(cx->arena, "%s.periodicReport", key))
            : json_incref(was ? (json_t *)was : json_null());
    if (pr)
        json_object_set_new(out, "periodicReport", pr);
#undef KEPT
    /* while its periodic report runs, a graph changes its name, index and active only */
    if (old && json_is_true(json_object_get(was, "active"))) {
        static const char *const fixed[] = {"chartType",    "chartMode",  "groups",
                                            "aggregations", "filterCond", "sorts"};
        for (size_t i = 0; i < TS_ARRAY_LEN(fixed); i++)
            if (!json_equal(json_object_get(out, fixed[i]), json_object_get(old, fixed[i]))) {
                ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.%s", key, fixed[i]),
                              TS_M_REPORT_PERIODIC_LOCKED);
                break;
            }
    }
    return json_incref(out);
}

int ts_app_reports_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *reports)
{
    if (!json_is_object(reports)) {
        ts_fail_field(cx, "reports", reports ? TS_M_NOT_OBJECT : TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (json_object_size(reports) > MAX_REPORTS) {
        ts_fail_field(cx, "reports", TS_M_TOO_MANY_ITEMS, MAX_REPORTS);
        return -1;
    }
    struct ts_app *app = ts_app_build(cx, p->row, p->def);
    if (!app)
        return -1;
    const json_t *old = json_object_get(p->def, "reports");
    json_t *out = json_object(), *indexes = json_object();
    const char *name;
    const json_t *r;
    json_object_foreach ((json_t *)reports, name, r) {
        const json_t *was = json_object_get(old, name);
        json_t *one = json_is_object(r) ? report(cx, app, name, r, was,
                                                 ts_arena_printf(cx->arena, "reports.%s", name))
                                        : NULL;
        if (!json_is_object(r))
            ts_fail_field(cx, ts_arena_printf(cx->arena, "reports.%s", name), TS_M_NOT_OBJECT);
        if (!one)
            continue;
        const char *index = json_string_value(json_object_get(one, "index"));
        if (json_object_get(indexes, index))
            ts_fail_field(cx, ts_arena_printf(cx->arena, "reports.%s.index", name),
                          TS_M_REPORT_INDEX_TAKEN, index);
        json_object_set_new(indexes, index, json_true());
        const char *id = json_string_value(json_object_get(was, "id"));
        int64_t n = id ? 0 : ts_store_counter_next(cx, "report");
        if (n < 0) {
            json_decref(one);
            break;
        }
        json_object_set_new(
            one, "id", json_string(id ? id : ts_arena_printf(cx->arena, "%lld", (long long)n)));
        /* kept under its (new) name: the key a GET answers with */
        const char *title = json_string_value(json_object_get(one, "name"));
        if (json_object_get(out, title))
            ts_fail_field(cx, ts_arena_printf(cx->arena, "reports.%s.name", name),
                          TS_M_REPORT_NAME_TAKEN, title);
        json_object_set_new(out, title, one);
    }
    ts_app_unref(app);
    json_decref(indexes);
    if (cx->err.code) {
        json_decref(out);
        return -1;
    }
    json_object_set_new(p->def, "reports", out);
    return 0;
}

json_t *ts_app_report_check(struct ts_ctx *cx, const struct ts_app *app, const json_t *in)
{
    if (!json_is_object(in)) {
        ts_fail_field(cx, "report", in ? TS_M_NOT_OBJECT : TS_M_REQUIRED_PARAM);
        return NULL;
    }
    json_t *named = json_deep_copy(in);
    const char *name = json_string_value(json_object_get(in, "name"));
    if (!name || !*name)
        json_object_set_new(named, "name", json_string(name = "-"));
    if (!json_object_get(named, "index")) /* a graph being tried has no place yet */
        json_object_set_new(named, "index", json_string("0"));
    json_t *out = report(cx, app, name, named, NULL, "report");
    json_decref(named);
    if (out && cx->err.code) {
        json_decref(out);
        return NULL;
    }
    return out;
}
