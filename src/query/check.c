/*
 * query/check.c - resolve a parsed query against an app and build the plan.
 *
 * kintone rules enforced here (KINTONE-API.md §8): unknown field GAIA_IQ11; a
 * value that is not an option GAIA_IQ10 (checked before the operator, as
 * kintone does); an operator the field type does not allow GAIA_IQ03; dot
 * notation GAIA_IR02; date-function arguments GAIA_IQ23 / GAIA_IQ25 / GAIA_IL08;
 * limit over 500 GAIA_QU01, offset over 10000 GAIA_QU02. Date functions become
 * plain comparisons against the range they name in the caller's time zone.
 */
#include "base/common.h"
#include "query/query_int.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/tstime.h"

#include <strings.h>

/* A range of civil days, inclusive, as days since the epoch. */
struct dayrange {
    int64_t lo, hi;
};

struct checker {
    struct ts_ctx *cx;
    const struct ts_app *app;
    const struct ts_query_env *env;
    int64_t today; /* days since epoch in env->tz */
};

static int syntax(struct checker *ck, int pos, const char *why)
{
    ts_fail_field(ck->cx, "query", TS_M_QUERY_SYNTAX, pos + 1, why);
    return -1;
}

static bool is_date_type(enum ts_ftype t)
{
    return t == TS_F_DATE || t == TS_F_DATETIME || t == TS_F_CREATED_TIME || t == TS_F_UPDATED_TIME;
}

static bool is_epoch_field(const struct ts_field *f)
{
    return ts_field_kind(f) == TS_K_EPOCH || f->type == TS_F_CREATED_TIME ||
           f->type == TS_F_UPDATED_TIME;
}

static bool is_int_field(const struct ts_field *f)
{
    return f->type == TS_F_RECORD_NUMBER || f->type == TS_F___ID__ || f->type == TS_F___REVISION__;
}

static const struct ts_field *resolve(struct checker *ck, const char *code, int pos)
{
    const struct ts_field *f = ts_app_field(ck->app, code);
    if (f && (((f->type == TS_F_STATUS || f->type == TS_F_STATUS_ASSIGNEE) && !ck->app->process) ||
              f->type == TS_F_CATEGORY || f->type == TS_F___REVISION__))
        f = NULL; /* no process management in the app; categories are not kept */
    if (f)
        return f;
    (void)pos;
    if (strchr(code, '.'))
        ts_fail(ck->cx, TS_E_QUERY_DOT, "dot in %s", code);
    else
        ts_fail_arg(ck->cx, TS_E_QUERY_NO_FIELD, code);
    return NULL;
}

static const char *const WEEKDAYS[] = {"SUNDAY",   "MONDAY", "TUESDAY", "WEDNESDAY",
                                       "THURSDAY", "FRIDAY", "SATURDAY"};

static int64_t month_day(int y, int m, int d)
{
    /* a day past the month's end rolls over, as kintone's THIS_MONTH(31) in June */
    return ts_days_from_civil(y, m, 1) + d - 1;
}

static int64_t add_months(int64_t day, int months)
{
    int y, m, d;
    ts_civil_from_days(day, &y, &m, &d);
    int total = y * 12 + (m - 1) + months;
    int ny = total / 12, nm = total % 12 + 1;
    int64_t first = ts_days_from_civil(ny, nm, 1);
    int64_t next_first = ts_days_from_civil(nm == 12 ? ny + 1 : ny, nm == 12 ? 1 : nm + 1, 1);
    int64_t r = first + d - 1;
    return r >= next_first ? next_first - 1 : r;
}

/* Expand a date function into a day range. Returns 0, or -1 with cx->err set.
 * *instant is set instead for NOW(). */
static int date_function(struct checker *ck, const struct qlit *fn, struct dayrange *r,
                         bool *is_now)
{
    struct ts_ctx *cx = ck->cx;
    const char *name = fn->text;
    int64_t t = ck->today;
    int y, m, d;
    ts_civil_from_days(t, &y, &m, &d);
    *is_now = false;
#define ARGS(lo, hi)                                                                               \
    do {                                                                                           \
        if (fn->n_args < (lo) || fn->n_args > (hi))                                                \
            return ts_fail(cx, TS_E_QUERY_ARGS, "%s args", name);                                  \
    } while (0)
    if (!strcasecmp(name, "NOW")) {
        ARGS(0, 0);
        *is_now = true;
        return 0;
    }
    if (!strcasecmp(name, "TODAY") || !strcasecmp(name, "YESTERDAY") ||
        !strcasecmp(name, "TOMORROW")) {
        ARGS(0, 0);
        int64_t day = t + (!strcasecmp(name, "YESTERDAY") ? -1 : !strcasecmp(name, "TOMORROW"));
        r->lo = r->hi = day;
        return 0;
    }
    if (!strcasecmp(name, "FROM_TODAY")) {
        ARGS(2, 2);
        int64_t n;
        if (ts_parse_i64(fn->args[0].text, &n) < 0 || n < -100000 || n > 100000)
            return ts_fail(cx, TS_E_QUERY_ARGS, "FROM_TODAY count");
        const char *unit = fn->args[1].text;
        int64_t day;
        if (!strcasecmp(unit, "DAYS"))
            day = t + n;
        else if (!strcasecmp(unit, "WEEKS"))
            day = t + 7 * n;
        else if (!strcasecmp(unit, "MONTHS"))
            day = add_months(t, (int)n);
        else if (!strcasecmp(unit, "YEARS"))
            day = add_months(t, (int)n * 12);
        else
            return ts_fail(cx, TS_E_QUERY_BAD_UNIT, "FROM_TODAY unit");
        r->lo = r->hi = day;
        return 0;
    }
    int shift = 0;
    const char *base = name;
    if (!strncasecmp(name, "LAST_", 5)) {
        shift = -1;
        base = name + 5;
    } else if (!strncasecmp(name, "NEXT_", 5)) {
        shift = 1;
        base = name + 5;
    } else if (!strncasecmp(name, "THIS_", 5)) {
        base = name + 5;
    } else {
        return syntax(ck, fn->pos, "unknown function");
    }
    if (!strcasecmp(base, "WEEK")) {
        ARGS(0, 1);
        /* days since epoch: 1970-01-01 was a Thursday (4) */
        int64_t wd = ((t % 7) + 7 + 4) % 7;
        int64_t sunday = t - wd + 7 * shift;
        if (fn->n_args == 0) {
            r->lo = sunday;
            r->hi = sunday + 6;
            return 0;
        }
        for (int i = 0; i < 7; i++)
            if (!strcasecmp(fn->args[0].text, WEEKDAYS[i])) {
                r->lo = r->hi = sunday + i;
                return 0;
            }
        return ts_fail(cx, TS_E_QUERY_BAD_DAY, "weekday");
    }
    if (!strcasecmp(base, "MONTH")) {
        ARGS(0, 1);
        int total = y * 12 + (m - 1) + shift;
        int ny = total / 12, nm = total % 12 + 1;
        int64_t first = ts_days_from_civil(ny, nm, 1);
        int64_t last = ts_days_from_civil(nm == 12 ? ny + 1 : ny, nm == 12 ? 1 : nm + 1, 1) - 1;
        if (fn->n_args == 0) {
            r->lo = first;
            r->hi = last;
            return 0;
        }
        const char *a = fn->args[0].text;
        int64_t day;
        if (!strcasecmp(a, "LAST")) {
            r->lo = r->hi = last;
            return 0;
        }
        if (ts_parse_i64(a, &day) < 0 || day < 1 || day > 31)
            return ts_fail(cx, TS_E_QUERY_BAD_DAY, "month day");
        r->lo = r->hi = month_day(ny, nm, (int)day);
        return 0;
    }
    if (!strcasecmp(base, "YEAR")) {
        ARGS(0, 0);
        r->lo = ts_days_from_civil(y + shift, 1, 1);
        r->hi = ts_days_from_civil(y + shift + 1, 1, 1) - 1;
        return 0;
    }
    return syntax(ck, fn->pos, "unknown function");
#undef ARGS
}

/* Local midnight at the start of `day` in the caller's zone, as epoch seconds. */
static int64_t day_start_epoch(struct checker *ck, int64_t day)
{
    return ts_tz_day_start(ck->env->tz, day);
}

static struct ts_qnode *cmp_node(struct checker *ck, const struct ts_field *f, enum ts_qop op,
                                 struct ts_qval v)
{
    struct ts_qnode *n = TS_NEW(ck->cx->arena, struct ts_qnode);
    n->kind = TS_QN_COND;
    n->field = f;
    n->op = op;
    n->n_vals = 1;
    n->vals = TS_NEW(ck->cx->arena, struct ts_qval);
    n->vals[0] = v;
    return n;
}

static struct ts_qnode *bool_node(struct checker *ck, enum ts_qnode_kind k, struct ts_qnode *a,
                                  struct ts_qnode *b)
{
    struct ts_qnode *n = TS_NEW(ck->cx->arena, struct ts_qnode);
    n->kind = k;
    n->a = a;
    n->b = b;
    return n;
}

/* field OP [lo, hi] for a range-valued literal or function. */
static struct ts_qnode *range_cond(struct checker *ck, const struct ts_field *f, enum ts_qop op,
                                   struct ts_qval lo, struct ts_qval hi)
{
    switch (op) {
    case TS_Q_EQ:
        return bool_node(ck, TS_QN_AND, cmp_node(ck, f, TS_Q_GE, lo), cmp_node(ck, f, TS_Q_LE, hi));
    case TS_Q_NE:
        return bool_node(ck, TS_QN_OR, cmp_node(ck, f, TS_Q_LT, lo), cmp_node(ck, f, TS_Q_GT, hi));
    case TS_Q_LT:
        return cmp_node(ck, f, TS_Q_LT, lo);
    case TS_Q_LE:
        return cmp_node(ck, f, TS_Q_LE, hi);
    case TS_Q_GT:
        return cmp_node(ck, f, TS_Q_GT, hi);
    default:
        return cmp_node(ck, f, TS_Q_GE, lo);
    }
}

static struct ts_qnode *day_range_cond(struct checker *ck, const struct ts_field *f, enum ts_qop op,
                                       struct dayrange r)
{
    struct ts_qval lo = {0}, hi = {0};
    if (is_epoch_field(f)) {
        lo.i = day_start_epoch(ck, r.lo);
        hi.i = day_start_epoch(ck, r.hi + 1) - 60; /* values have minute precision */
    } else {
        char *a = ts_arena_alloc(ck->cx->arena, 11), *b = ts_arena_alloc(ck->cx->arena, 11);
        int y, m, d;
        ts_civil_from_days(r.lo, &y, &m, &d);
        snprintf(a, 11, "%04d-%02d-%02d", y, m, d);
        ts_civil_from_days(r.hi, &y, &m, &d);
        snprintf(b, 11, "%04d-%02d-%02d", y, m, d);
        lo.s = a;
        hi.s = b;
    }
    return range_cond(ck, f, op, lo, hi);
}

/* Convert one literal to the field's storage form. Returns 0 or -1. */
static int convert(struct checker *ck, const struct ts_field *f, const struct qlit *lit,
                   struct ts_qval *out)
{
    struct ts_ctx *cx = ck->cx;
    char buf[128];
    if (lit->kind == QL_FUNC) {
        const char *fn = lit->text;
        if (!strcasecmp(fn, "LOGINUSER") &&
            (f->type == TS_F_CREATOR || f->type == TS_F_MODIFIER || f->type == TS_F_USER_SELECT ||
             f->type == TS_F_STATUS_ASSIGNEE)) {
            if (lit->n_args)
                return ts_fail(cx, TS_E_QUERY_ARGS, "LOGINUSER args");
            out->s = ck->env->user_code ? ck->env->user_code : "";
            return 0;
        }
        if (!strcasecmp(fn, "PRIMARY_ORGANIZATION") && f->type == TS_F_ORGANIZATION_SELECT) {
            if (lit->n_args)
                return ts_fail(cx, TS_E_QUERY_ARGS, "PRIMARY_ORGANIZATION args");
            out->s = ck->env->primary_org ? ck->env->primary_org : "\x1f"; /* matches nothing */
            return 0;
        }
        return ts_fail_arg(cx, TS_E_QUERY_OPERATOR, f->code);
    }
    const char *s = lit->text;
    if (is_int_field(f)) {
        int64_t v;
        const char *dash = strrchr(s, '-');
        if (f->type == TS_F_RECORD_NUMBER && dash && dash != s && *ck->app->code)
            s = dash + 1; /* "APPCODE-12" */
        if (ts_parse_i64(s, &v) < 0)
            return syntax(ck, lit->pos, "expected a number");
        out->i = v;
        return 0;
    }
    switch (ts_field_kind(f)) {
    case TS_K_NUMBER:
        if (ts_number_normalize(s, buf, sizeof(buf)) < 0)
            return syntax(ck, lit->pos, "expected a number");
        out->s = ts_arena_strdup(cx->arena, buf);
        return 0;
    case TS_K_EPOCH:
    case TS_K_SYS:
        if (is_epoch_field(f)) {
            if (ts_datetime_parse(s, &out->i) < 0)
                return syntax(ck, lit->pos, "expected a date and time");
            return 0;
        }
        out->s = s; /* CREATOR / MODIFIER codes */
        return 0;
    default:
        if (f->type == TS_F_DATE && *s) {
            if (ts_date_parse(s, buf) < 0)
                return syntax(ck, lit->pos, "expected a date (YYYY-MM-DD)");
            out->s = ts_arena_strdup(cx->arena, buf);
            return 0;
        }
        if (f->type == TS_F_TIME && *s) {
            if (ts_time_parse(s, buf) < 0)
                return syntax(ck, lit->pos, "expected a time (HH:MM)");
            out->s = ts_arena_strdup(cx->arena, buf);
            return 0;
        }
        out->s = s;
        return 0;
    }
}

static struct ts_qnode *check_cond(struct checker *ck, const struct qast *a);

/* Rel.Field op value: the condition is checked against the related app, and
 * holds for a record when some related record meets it. */
static struct ts_qnode *check_related(struct checker *ck, const struct qast *a, const char *dot)
{
    struct ts_ctx *cx = ck->cx;
    const char *code = ts_arena_strndup(cx->arena, a->field, (size_t)(dot - a->field));
    const struct ts_field *rf = ts_app_field(ck->app, code);
    const json_t *ref = rf && rf->type == TS_F_REFERENCE_TABLE
                            ? json_object_get(rf->props, "referenceTable")
                            : NULL;
    if (!ref || !ck->env->app_of || strchr(dot + 1, '.')) {
        ts_fail(cx, TS_E_QUERY_DOT, "dot in %s", a->field);
        return NULL;
    }
    int64_t id = 0;
    ts_parse_i64(json_string_value(json_object_get(json_object_get(ref, "relatedApp"), "app")),
                 &id);
    const struct ts_app *src = ck->env->app_of(cx, id);
    if (!src)
        return NULL;
    const json_t *cond = json_object_get(ref, "condition");
    struct ts_qrel *rel = TS_NEW(cx->arena, struct ts_qrel);
    rel->app = src;
    rel->mine = ts_app_field(ck->app, json_string_value(json_object_get(cond, "field")));
    rel->theirs = ts_app_field(src, json_string_value(json_object_get(cond, "relatedField")));
    if (!rel->mine || !rel->theirs) {
        ts_fail(cx, TS_E_QUERY_DOT, "related records %s: condition fields gone", code);
        return NULL;
    }
    const char *fc = json_string_value(json_object_get(ref, "filterCond"));
    if (fc && *fc) {
        struct ts_qplan filter;
        if (ts_query_plan(cx, src, fc, TS_QUERY_FILTER, ck->env, &filter) < 0)
            return NULL;
        rel->filter = filter.where;
    }
    struct qast inner = *a;
    inner.field = dot + 1;
    struct checker sub = *ck;
    sub.app = src;
    struct ts_qnode *n = TS_NEW(cx->arena, struct ts_qnode);
    n->kind = TS_QN_REL;
    n->rel = rel;
    n->a = check_cond(&sub, &inner);
    return n->a ? n : NULL;
}

static struct ts_qnode *check_cond(struct checker *ck, const struct qast *a)
{
    struct ts_ctx *cx = ck->cx;
    const char *dot = strchr(a->field, '.');
    if (dot && dot != a->field)
        return check_related(ck, a, dot);
    const struct ts_field *f = resolve(ck, a->field, a->field_pos);
    if (!f)
        return NULL;
    /* option values first: kintone reports GAIA_IQ10 before GAIA_IQ03 */
    if (f->n_options) {
        for (int i = 0; i < a->n_vals; i++) {
            const struct qlit *v = &a->vals[i];
            if (v->kind != QL_FUNC && *v->text && !ts_field_has_option(f, v->text)) {
                ts_fail_arg(cx, TS_E_QUERY_OPTION, v->text);
                return NULL;
            }
        }
    }
    if (!(ts_ftypes[f->type].ops & TS_QBIT(a->op))) {
        ts_fail_arg(cx, TS_E_QUERY_OPERATOR, f->code);
        return NULL;
    }
    if (f->table && (a->op == TS_Q_EQ || a->op == TS_Q_NE)) {
        ts_fail_arg(cx, TS_E_QUERY_TABLE_EQ, f->code);
        return NULL;
    }
    if ((a->op == TS_Q_LIKE || a->op == TS_Q_NOT_LIKE) && a->vals[0].kind != QL_STRING) {
        syntax(ck, a->vals[0].pos, "like needs a string");
        return NULL;
    }
    /* a date, time or date-time compared with "" (= or !=): empty or not, as kintone */
    if (a->n_vals == 1 && (is_date_type(f->type) || f->type == TS_F_TIME) &&
        (a->op == TS_Q_EQ || a->op == TS_Q_NE) && a->vals[0].kind == QL_STRING &&
        !*a->vals[0].text) {
        struct ts_qnode *n = TS_NEW(cx->arena, struct ts_qnode);
        n->kind = TS_QN_COND;
        n->field = f;
        n->op = a->op == TS_Q_EQ ? TS_Q_EMPTY : TS_Q_NOT_EMPTY;
        n->vals = TS_NEW(cx->arena, struct ts_qval);
        return n;
    }
    /* date functions and date-only literals on date-time fields name a range */
    if (a->n_vals == 1 && is_date_type(f->type) && a->op <= TS_Q_GE) {
        const struct qlit *v = &a->vals[0];
        struct dayrange r;
        bool is_now = false;
        if (v->kind == QL_FUNC) {
            if (date_function(ck, v, &r, &is_now) < 0)
                return NULL;
            if (is_now) {
                if (!is_epoch_field(f)) {
                    ts_fail_arg(cx, TS_E_QUERY_OPERATOR, f->code);
                    return NULL;
                }
                struct ts_qval now = {.i = ck->env->now - ck->env->now % 60};
                return cmp_node(ck, f, a->op, now);
            }
            return day_range_cond(ck, f, a->op, r);
        }
        char day[11];
        if (is_epoch_field(f) && ts_date_parse(v->text, day) == 0 && strlen(v->text) <= 10) {
            int y, m, d;
            sscanf(day, "%d-%d-%d", &y, &m, &d);
            r.lo = r.hi = ts_days_from_civil(y, m, d);
            return day_range_cond(ck, f, a->op, r);
        }
    }
    struct ts_qnode *n = TS_NEW(cx->arena, struct ts_qnode);
    n->kind = TS_QN_COND;
    n->field = f;
    n->op = a->op;
    n->n_vals = a->n_vals;
    n->vals = TS_NEW_N(cx->arena, struct ts_qval, (size_t)(a->n_vals ? a->n_vals : 1));
    for (int i = 0; i < a->n_vals; i++) {
        const struct qlit *v = &a->vals[i];
        if (v->kind == QL_STRING && !*v->text && (a->op == TS_Q_IN || a->op == TS_Q_NOT_IN)) {
            n->match_empty = true; /* in ("") matches unset values */
            n->vals[i].s = "";
            n->vals[i].i = INT64_MIN;
            continue;
        }
        if (v->kind == QL_FUNC &&
            !(a->op == TS_Q_IN || a->op == TS_Q_NOT_IN || a->op == TS_Q_EQ || a->op == TS_Q_NE)) {
            ts_fail_arg(cx, TS_E_QUERY_OPERATOR, f->code);
            return NULL;
        }
        if (convert(ck, f, v, &n->vals[i]) < 0)
            return NULL;
    }
    return n;
}

static struct ts_qnode *check_tree(struct checker *ck, const struct qast *a)
{
    if (a->kind == QA_COND)
        return check_cond(ck, a);
    struct ts_qnode *l = check_tree(ck, a->a);
    if (!l)
        return NULL;
    struct ts_qnode *r = check_tree(ck, a->b);
    if (!r)
        return NULL;
    return bool_node(ck, a->kind == QA_AND ? TS_QN_AND : TS_QN_OR, l, r);
}

int ts_query_plan(struct ts_ctx *cx, const struct ts_app *app, const char *text,
                  enum ts_query_mode mode, const struct ts_query_env *env, struct ts_qplan *out)
{
    struct qparsed parsed;
    memset(out, 0, sizeof(*out));
    out->limit = 100;
    out->has_limit = true;
    if (ts_query__parse(cx, text ? text : "", mode, &parsed) < 0)
        return -1;
    struct checker ck = {.cx = cx, .app = app, .env = env};
    struct tm local;
    ts_tz_local(env->tz, env->now, &local);
    ck.today = ts_days_from_civil(local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
    if (parsed.where) {
        out->where = check_tree(&ck, parsed.where);
        if (!out->where)
            return -1;
    }
    for (int i = 0; i < parsed.n_order; i++) {
        const struct ts_field *f = resolve(&ck, parsed.order[i].field, parsed.order[i].pos);
        if (!f)
            return -1;
        if (!ts_field_has(f, TS_FF_ORDER) || f->table)
            return ts_fail_arg(cx, TS_E_QUERY_OPERATOR, f->code);
        out->order[i].field = f;
        out->order[i].desc = parsed.order[i].desc;
    }
    out->n_order = parsed.n_order;
    if (parsed.has_limit) {
        if (parsed.limit > 500)
            return ts_fail(cx, TS_E_LIMIT_TOO_LARGE, "limit %lld", (long long)parsed.limit);
        out->limit = parsed.limit;
        out->limit_given = true;
    }
    if (parsed.has_offset) {
        if (parsed.offset > 10000)
            return ts_fail(cx, TS_E_OFFSET_TOO_LARGE, "offset %lld", (long long)parsed.offset);
        out->offset = parsed.offset;
    }
    out->has_offset = parsed.has_offset;
    return 0;
}

struct ts_qnode *ts_query_id_is(struct ts_ctx *cx, const struct ts_app *app, int64_t id)
{
    struct ts_qnode *cond = TS_NEW(cx->arena, struct ts_qnode);
    cond->kind = TS_QN_COND;
    cond->field = ts_app_field(app, "$id");
    cond->op = TS_Q_EQ;
    cond->n_vals = 1;
    cond->vals = TS_NEW(cx->arena, struct ts_qval);
    cond->vals->i = id;
    return cond;
}

int ts_query_check(struct ts_ctx *cx, const struct ts_app *app, const char *text,
                   enum ts_query_mode mode)
{
    struct ts_qplan plan;
    struct ts_query_env env = {.user_code = "", .tz = "UTC", .now = cx->now};
    return ts_query_plan(cx, app, text, mode, &env, &plan);
}

static const char *const OP_NAMES[] = {"=",    "!=",       "<",        ">",
                                       "<=",   ">=",       "in",       "not in",
                                       "like", "not like", "is empty", "is not empty"};

static void dump_node(struct ts_buf *b, const struct ts_qnode *n)
{
    switch (n->kind) {
    case TS_QN_TRUE:
        ts_buf_puts(b, "true");
        return;
    case TS_QN_FALSE:
        ts_buf_puts(b, "false");
        return;
    case TS_QN_AND:
    case TS_QN_OR:
        ts_buf_printf(b, "(%s ", n->kind == TS_QN_AND ? "and" : "or");
        dump_node(b, n->a);
        ts_buf_putc(b, ' ');
        dump_node(b, n->b);
        ts_buf_putc(b, ')');
        return;
    case TS_QN_NOT:
        ts_buf_puts(b, "(not ");
        dump_node(b, n->a);
        ts_buf_putc(b, ')');
        return;
    case TS_QN_REL:
        ts_buf_printf(b, "(rel %s=%s ", n->rel->mine->code, n->rel->theirs->code);
        dump_node(b, n->a);
        ts_buf_putc(b, ')');
        return;
    case TS_QN_COND:
        ts_buf_printf(b, "(%s %s", n->field->code, OP_NAMES[n->op]);
        for (int i = 0; i < n->n_vals; i++) {
            if (n->vals[i].s) {
                ts_buf_puts(b, " \"");
                for (const char *p = n->vals[i].s; *p; p++) {
                    if ((unsigned char)*p < 0x20)
                        ts_buf_printf(b, "\\x%02x", (unsigned char)*p);
                    else
                        ts_buf_putc(b, *p);
                }
                ts_buf_putc(b, '"');
            } else
                ts_buf_printf(b, " %lld", (long long)n->vals[i].i);
        }
        ts_buf_printf(b, "%s)", n->match_empty ? " +empty" : "");
        return;
    }
}

void ts_qplan_dump(const struct ts_qplan *plan, struct ts_buf *b)
{
    if (plan->where)
        dump_node(b, plan->where);
    else
        ts_buf_puts(b, "all");
    for (int i = 0; i < plan->n_order; i++)
        ts_buf_printf(b, "%s%s %s", i ? ", " : " order ", plan->order[i].field->code,
                      plan->order[i].desc ? "desc" : "asc");
    ts_buf_printf(b, " limit %lld offset %lld", (long long)plan->limit, (long long)plan->offset);
}
