/*
 * formula/eval.c - computing formulas over a record's values (KINTONE-API.md §9).
 *
 * An empty number counts as 0 in arithmetic (and in SUM); an empty date or
 * time makes the result empty, so a date difference stays blank until both
 * dates are there. Division is rounded to the app's decimal places with its
 * rounding mode; a result with more significant digits than the app's
 * precision, a division by zero, or a value of the wrong kind gives "".
 */
#include "base/common.h"
#include "formula/formula_int.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/tstime.h"

enum vt { V_EMPTY, V_NUM, V_STR, V_BOOL, V_ERR };

struct val {
    enum vt t;
    bool zero; /* V_EMPTY of a number field: 0 in arithmetic */
    bool b;
    const char *s;
    struct ts_dec d;
};

struct env {
    struct ts_ctx *cx;
    const struct ts_app *app;
    const struct ts_value *vals; /* the record's */
    const struct ts_value *row;  /* the row a table's formula is computed for, or NULL */
    const struct ts_record *r;
};

static void val_init(struct val *v)
{
    memset(v, 0, sizeof(*v));
    ts_dec_init(&v->d);
}

static void val_clear(struct val *v)
{
    ts_dec_clear(&v->d);
}

static void set_num_i64(struct val *v, int64_t n)
{
    v->t = V_NUM;
    ts_dec_set_i64(&v->d, n);
}

/* A stored value of field f as a formula sees it. */
static void load_value(struct env *e, const struct ts_field *f, const struct ts_value *v,
                       struct val *out)
{
    switch (f->type) {
    case TS_F_CREATED_TIME:
    case TS_F_UPDATED_TIME:
        set_num_i64(out, f->type == TS_F_CREATED_TIME ? e->r->created : e->r->updated);
        return;
    case TS_F_CREATOR:
    case TS_F_MODIFIER: {
        const char *who = f->type == TS_F_CREATOR ? e->r->creator : e->r->modifier;
        out->t = who && *who ? V_STR : V_EMPTY;
        out->s = who;
        return;
    }
    default:
        break;
    }
    out->t = V_EMPTY;
    out->zero = f->type == TS_F_NUMBER || f->type == TS_F_CALC;
    if (!v->s)
        return;
    switch (f->type) {
    case TS_F_NUMBER:
    case TS_F_CALC:
        if (ts_dec_parse(&out->d, v->s) == 0)
            out->t = V_NUM;
        return;
    case TS_F_DATE: {
        int y, m, d;
        if (sscanf(v->s, "%d-%d-%d", &y, &m, &d) == 3)
            set_num_i64(out, ts_days_from_civil(y, m, d) * 86400);
        return;
    }
    case TS_F_TIME: {
        int h, m;
        if (sscanf(v->s, "%d:%d", &h, &m) == 2)
            set_num_i64(out, h * 3600 + m * 60);
        return;
    }
    case TS_F_DATETIME:
        set_num_i64(out, v->epoch);
        return;
    default:
        out->t = V_STR;
        out->s = v->s;
    }
}

static const struct ts_value *value_of(struct env *e, const struct ts_field *f)
{
    int i = ts_app_field_index(e->app, f);
    return f->table && e->row ? &e->row[i] : &e->vals[i];
}

/* The rows of the table holding f. */
static const struct ts_value *rows_of(struct env *e, const struct ts_field *f)
{
    return &e->vals[ts_app_field_index(e->app, f->table)];
}

static void eval(struct env *e, const struct fx_node *n, struct val *out);

/* Evaluate n as a number into d: 1, 0 when empty (a date), -1 on an error. */
static int number(struct env *e, const struct fx_node *n, struct ts_dec *d)
{
    struct val v;
    val_init(&v);
    eval(e, n, &v);
    int rc = -1;
    if (v.t == V_NUM) {
        ts_dec_set(d, &v.d);
        rc = 1;
    } else if (v.t == V_EMPTY && v.zero) {
        ts_dec_set_i64(d, 0);
        rc = 1;
    } else if (v.t == V_EMPTY) {
        rc = 0;
    }
    val_clear(&v);
    return rc;
}

static const char *text_of(struct env *e, struct val *v)
{
    switch (v->t) {
    case V_NUM:
        return ts_dec_text(e->cx->arena, &v->d);
    case V_STR:
        return v->s;
    case V_BOOL:
        return v->b ? "1" : "0";
    default:
        return "";
    }
}

static void power(struct env *e, const struct ts_dec *base, const struct ts_dec *exp,
                  struct val *out)
{
    struct ts_dec fl;
    ts_dec_init(&fl);
    ts_dec_round(&fl, exp, 0, ts_dec_sign(exp) < 0 ? TS_ROUND_UP : TS_ROUND_DOWN); /* floor */
    int64_t k;
    /* Bounds keep a chain like 72^72^72 from asking GMP for a number with
     * billions of digits: no business value needs more than a few hundred. */
    if (ts_dec_to_i64(&fl, &k) < 0 || k < -100 || k > 100 || (k < 0 && ts_dec_sign(base) == 0) ||
        mpz_sizeinbase(base->m, 10) * (size_t)(k < 0 ? -k : k) > 1000 ||
        labs(base->e) * (k < 0 ? -k : k) > 10000) {
        out->t = V_ERR;
        ts_dec_clear(&fl);
        return;
    }
    struct ts_dec p;
    ts_dec_init(&p);
    mpz_pow_ui(p.m, base->m, (unsigned long)(k < 0 ? -k : k));
    p.e = base->e * (long)(k < 0 ? -k : k);
    out->t = V_NUM;
    if (k >= 0) {
        ts_dec_set(&out->d, &p);
    } else {
        struct ts_dec one;
        ts_dec_init(&one);
        ts_dec_set_i64(&one, 1);
        ts_dec_div(&out->d, &one, &p, e->app->precision_places, (enum ts_round)e->app->rounding);
        ts_dec_clear(&one);
    }
    ts_dec_clear(&p);
    ts_dec_clear(&fl);
}

static void arith(struct env *e, const struct fx_node *n, struct val *out)
{
    struct ts_dec a, b;
    ts_dec_init(&a);
    ts_dec_init(&b);
    int ra = number(e, n->args[0], &a), rb = number(e, n->args[1], &b);
    if (ra < 0 || rb < 0) {
        out->t = V_ERR;
    } else if (ra == 0 || rb == 0) {
        out->t = V_EMPTY;
    } else {
        out->t = V_NUM;
        switch (n->op) {
        case OP_ADD:
            ts_dec_add(&out->d, &a, &b);
            break;
        case OP_SUB:
            ts_dec_sub(&out->d, &a, &b);
            break;
        case OP_MUL:
            ts_dec_mul(&out->d, &a, &b);
            break;
        case OP_DIV:
            if (ts_dec_div(&out->d, &a, &b, e->app->precision_places,
                           (enum ts_round)e->app->rounding) < 0)
                out->t = V_ERR;
            break;
        default:
            power(e, &a, &b, out);
        }
    }
    ts_dec_clear(&a);
    ts_dec_clear(&b);
}

/* -1, 0, 1; or 2 when the two cannot be ordered (different kinds). */
static int compare(struct val *a, struct val *b)
{
    if (a->t == V_EMPTY && a->zero && b->t == V_NUM)
        a->t = V_NUM; /* 0 */
    if (b->t == V_EMPTY && b->zero && a->t == V_NUM)
        b->t = V_NUM;
    bool ea = a->t == V_EMPTY || (a->t == V_STR && !*a->s);
    bool eb = b->t == V_EMPTY || (b->t == V_STR && !*b->s);
    if (ea || eb)
        return ea && eb ? 0 : 2;
    if (a->t != b->t)
        return 2;
    switch (a->t) {
    case V_NUM:
        return ts_dec_cmp(&a->d, &b->d);
    case V_STR: {
        int c = strcmp(a->s, b->s);
        return (c > 0) - (c < 0);
    }
    case V_BOOL:
        return (a->b > b->b) - (a->b < b->b);
    default:
        return 2;
    }
}

static void comparison(struct env *e, const struct fx_node *n, struct val *out)
{
    struct val a, b;
    val_init(&a);
    val_init(&b);
    eval(e, n->args[0], &a);
    eval(e, n->args[1], &b);
    if (a.t == V_ERR || b.t == V_ERR) {
        out->t = V_ERR;
    } else {
        int c = compare(&a, &b);
        out->t = V_BOOL;
        switch (n->op) {
        case OP_EQ:
            out->b = c == 0;
            break;
        case OP_NE:
            out->b = c != 0;
            break;
        case OP_LT:
            out->b = c == -1;
            break;
        case OP_LE:
            out->b = c == -1 || c == 0;
            break;
        case OP_GT:
            out->b = c == 1;
            break;
        default:
            out->b = c == 1 || c == 0;
        }
    }
    val_clear(&a);
    val_clear(&b);
}

/* A condition's truth: booleans, numbers other than 0; -1 for anything else. */
static int truth(struct env *e, const struct fx_node *n)
{
    struct val v;
    val_init(&v);
    eval(e, n, &v);
    int t = v.t == V_BOOL ? v.b : v.t == V_NUM ? ts_dec_sign(&v.d) != 0 : v.t == V_EMPTY ? 0 : -1;
    val_clear(&v);
    return t;
}

static void sum(struct env *e, const struct fx_node *n, struct val *out)
{
    out->t = V_NUM;
    ts_dec_set_i64(&out->d, 0);
    struct ts_dec x;
    ts_dec_init(&x);
    for (int i = 0; i < n->n_args && out->t == V_NUM; i++) {
        const struct fx_node *a = n->args[i];
        if (a->kind == FX_FIELD && a->array) {
            const struct ts_value *rows = rows_of(e, a->field);
            int idx = ts_app_field_index(e->app, a->field);
            for (int k = 0; k < rows->n; k++) {
                struct val v;
                val_init(&v);
                load_value(e, a->field, &rows->rows[k].vals[idx], &v);
                if (v.t == V_NUM)
                    ts_dec_add(&out->d, &out->d, &v.d);
                val_clear(&v);
            }
            continue;
        }
        int r = number(e, a, &x);
        if (r < 0)
            out->t = V_ERR;
        else if (r > 0)
            ts_dec_add(&out->d, &out->d, &x);
    }
    ts_dec_clear(&x);
}

static bool contains(struct env *e, const struct fx_node *n)
{
    const struct fx_node *f = n->args[0];
    struct val want;
    val_init(&want);
    eval(e, n->args[1], &want);
    const char *w = text_of(e, &want);
    bool found = false;
    int idx = ts_app_field_index(e->app, f->field);
    const struct ts_value *rows = f->array ? rows_of(e, f->field) : NULL;
    int n_rows = rows ? rows->n : 1;
    for (int k = 0; k < n_rows && !found; k++) {
        const struct ts_value *v = rows ? &rows->rows[k].vals[idx] : value_of(e, f->field);
        if (ts_field_kind(f->field) == TS_K_MULTI) {
            for (int i = 0; i < v->n && !found; i++)
                found = !strcmp(v->v[i], w);
        } else {
            found = v->s && !strcmp(v->s, w);
        }
    }
    val_clear(&want);
    return found;
}

/* ¥ and thousands separators: YEN(1234.5, 0) is "¥1,235". */
static void yen(struct env *e, const struct fx_node *n, struct val *out)
{
    struct ts_dec x, places, r;
    ts_dec_init(&x);
    ts_dec_init(&places);
    ts_dec_init(&r);
    int64_t d = 0;
    if (number(e, n->args[0], &x) <= 0 ||
        (n->n_args > 1 && (number(e, n->args[1], &places) <= 0 || ts_dec_to_i64(&places, &d) < 0 ||
                           d < -20 || d > 20))) {
        out->t = V_ERR;
    } else {
        ts_dec_round(&r, &x, (long)d, TS_ROUND_HALF_UP);
        const char *t = ts_dec_text(e->cx->arena, &r);
        bool neg = *t == '-';
        t += neg;
        size_t ipart = strcspn(t, ".");
        struct ts_buf b;
        ts_buf_init(&b);
        ts_buf_puts(&b, neg ? "-¥" : "¥");
        for (size_t i = 0; i < ipart; i++) {
            if (i && (ipart - i) % 3 == 0)
                ts_buf_putc(&b, ',');
            ts_buf_putc(&b, t[i]);
        }
        if (d > 0) { /* the decimals asked for, zeros kept */
            const char *frac = t[ipart] ? t + ipart + 1 : "";
            ts_buf_putc(&b, '.');
            for (int64_t i = 0; i < d; i++)
                ts_buf_putc(&b, i < (int64_t)strlen(frac) ? frac[i] : '0');
        }
        out->t = V_STR;
        out->s = ts_arena_strndup(e->cx->arena, b.p, b.len);
        ts_buf_release(&b);
    }
    ts_dec_clear(&x);
    ts_dec_clear(&places);
    ts_dec_clear(&r);
}

static const char *const MONTHS[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};

/* DATE_FORMAT(seconds, "format", "zone"): tokens longest first; other text as is. */
static void date_format(struct env *e, const struct fx_node *n, struct val *out)
{
    struct ts_dec x;
    ts_dec_init(&x);
    struct val fmt, zone;
    val_init(&fmt);
    val_init(&zone);
    int64_t t;
    int r = number(e, n->args[0], &x);
    eval(e, n->args[1], &fmt);
    eval(e, n->args[2], &zone);
    if (r == 0) {
        out->t = V_EMPTY;
    } else if (r < 0 || fmt.t != V_STR || zone.t != V_STR || ts_dec_to_i64(&x, &t) < 0 ||
               t < -30610224000LL || t > 253402300799LL) {
        out->t = V_ERR;
    } else {
        const char *tz = !strcmp(zone.s, "system") ? "Asia/Tokyo" : zone.s;
        struct tm tm;
        ts_tz_local(tz, t, &tm);
        struct ts_buf b;
        ts_buf_init(&b);
        int h12 = tm.tm_hour % 12 ? tm.tm_hour % 12 : 12;
        long off = tm.tm_gmtoff / 60;
        for (const char *p = fmt.s; *p;) {
            static const char *const tokens[] = {
                "YYYY", "MMMM", "MMM", "MM", "M",  "dd", "d",  "a", "KK",  "K",  "hh", "h",
                "HH",   "H",    "kk",  "k",  "mm", "m",  "ss", "s", "ZZZ", "ZZ", "Z"};
            size_t i;
            for (i = 0; i < TS_ARRAY_LEN(tokens); i++)
                if (!strncmp(p, tokens[i], strlen(tokens[i])))
                    break;
            if (i == TS_ARRAY_LEN(tokens)) {
                ts_buf_putc(&b, *p++);
                continue;
            }
            const char *tok = tokens[i];
            p += strlen(tok);
            bool two = strlen(tok) == 2;
            int v = -1;
            switch (tok[0]) {
            case 'Y':
                ts_buf_printf(&b, "%04d", tm.tm_year + 1900);
                break;
            case 'M':
                if (strlen(tok) >= 3)
                    ts_buf_printf(&b, "%.*s", strlen(tok) == 3 ? 3 : 20, MONTHS[tm.tm_mon]);
                else
                    v = tm.tm_mon + 1;
                break;
            case 'd':
                v = tm.tm_mday;
                break;
            case 'a':
                ts_buf_puts(&b, tm.tm_hour < 12 ? "AM" : "PM");
                break;
            case 'K':
                v = tm.tm_hour % 12;
                break;
            case 'h':
                v = h12;
                break;
            case 'H':
                v = tm.tm_hour;
                break;
            case 'k':
                v = tm.tm_hour ? tm.tm_hour : 24;
                break;
            case 'm':
                v = tm.tm_min;
                break;
            case 's':
                v = tm.tm_sec;
                break;
            default: /* Z +0900, ZZ +09:00, ZZZ the zone's name */
                if (strlen(tok) == 3)
                    ts_buf_puts(&b, tz);
                else
                    ts_buf_printf(&b, strlen(tok) == 2 ? "%c%02ld:%02ld" : "%c%02ld%02ld",
                                  off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
            }
            if (v >= 0)
                ts_buf_printf(&b, two ? "%02d" : "%d", v);
        }
        out->t = V_STR;
        out->s = ts_arena_strndup(e->cx->arena, b.p ? b.p : "", b.len);
        ts_buf_release(&b);
    }
    val_clear(&fmt);
    val_clear(&zone);
    ts_dec_clear(&x);
}

static void call(struct env *e, const struct fx_node *n, struct val *out)
{
    switch (n->op) {
    case FN_SUM:
        sum(e, n, out);
        return;
    case FN_ROUND:
    case FN_ROUNDUP:
    case FN_ROUNDDOWN: {
        struct ts_dec x, places;
        ts_dec_init(&x);
        ts_dec_init(&places);
        int64_t d = 0;
        int r = number(e, n->args[0], &x);
        if (r < 0 || (n->n_args > 1 && (number(e, n->args[1], &places) < 0 ||
                                        ts_dec_to_i64(&places, &d) < 0 || d < -100 || d > 100))) {
            out->t = V_ERR;
        } else if (r == 0) {
            out->t = V_EMPTY;
        } else {
            out->t = V_NUM;
            ts_dec_round(&out->d, &x, (long)d,
                         n->op == FN_ROUND     ? TS_ROUND_HALF_UP
                         : n->op == FN_ROUNDUP ? TS_ROUND_UP
                                               : TS_ROUND_DOWN);
        }
        ts_dec_clear(&x);
        ts_dec_clear(&places);
        return;
    }
    case FN_IF: {
        int c = truth(e, n->args[0]);
        if (c < 0)
            out->t = V_ERR;
        else
            eval(e, n->args[c ? 1 : 2], out);
        return;
    }
    case FN_AND:
    case FN_OR:
    case FN_NOT: {
        bool acc = n->op == FN_AND;
        for (int i = 0; i < n->n_args; i++) {
            int c = truth(e, n->args[i]);
            if (c < 0) {
                out->t = V_ERR;
                return;
            }
            acc = n->op == FN_AND ? acc && c : n->op == FN_OR ? acc || c : !c;
        }
        out->t = V_BOOL;
        out->b = acc;
        return;
    }
    case FN_CONTAINS:
        out->t = V_BOOL;
        out->b = contains(e, n);
        return;
    case FN_YEN:
        yen(e, n, out);
        return;
    default:
        date_format(e, n, out);
    }
}

static void eval(struct env *e, const struct fx_node *n, struct val *out)
{
    switch (n->kind) {
    case FX_NUM:
        out->t = ts_dec_parse(&out->d, n->str) == 0 ? V_NUM : V_ERR;
        return;
    case FX_STR:
        out->t = V_STR;
        out->s = n->str;
        return;
    case FX_FIELD:
        load_value(e, n->field, value_of(e, n->field), out);
        return;
    case FX_NEG: {
        int r = number(e, n->args[0], &out->d);
        out->t = r < 0 ? V_ERR : r == 0 ? V_EMPTY : V_NUM;
        if (r > 0)
            mpz_neg(out->d.m, out->d.m);
        return;
    }
    case FX_BIN:
        if (n->op <= OP_POW) {
            arith(e, n, out);
        } else if (n->op == OP_CAT) {
            struct val a, b;
            val_init(&a);
            val_init(&b);
            eval(e, n->args[0], &a);
            eval(e, n->args[1], &b);
            out->t = a.t == V_ERR || b.t == V_ERR ? V_ERR : V_STR;
            out->s = ts_arena_printf(e->cx->arena, "%s%s", text_of(e, &a), text_of(e, &b));
            /* no text longer than a text field holds: each & stays within it */
            if (ts_utf8_len(out->s) > TS_TEXT_MAX_CHARS) {
                out->t = V_ERR;
                out->s = "";
            }
            val_clear(&a);
            val_clear(&b);
        } else {
            comparison(e, n, out);
        }
        return;
    case FX_CALL:
        call(e, n, out);
    }
}

/* The value a field stores: a CALC's number (empty for text, errors, or more
 * digits than the app's precision), a text field's text. */
static void store(struct env *e, const struct ts_field *f, struct val *v, struct ts_value *dst)
{
    memset(dst, 0, sizeof(*dst));
    dst->set = true;
    if (f->type == TS_F_CALC) {
        if (v->t == V_BOOL)
            dst->s = v->b ? "1" : "0";
        else if (v->t == V_NUM && ts_dec_digits(&v->d) <= e->app->precision_digits)
            dst->s = ts_dec_text(e->cx->arena, &v->d);
        return;
    }
    const char *t = v->t == V_ERR ? "" : text_of(e, v);
    dst->s = *t ? t : NULL;
}

static void compute_one(struct env *e, const struct ts_field *f, struct ts_value *dst)
{
    struct val v;
    val_init(&v);
    eval(e, f->formula->root, &v);
    store(e, f, &v, dst);
    val_clear(&v);
}

void ts_formula_compute(struct ts_ctx *cx, const struct ts_app *app, struct ts_value *vals,
                        const struct ts_record *r)
{
    struct env e = {.cx = cx, .app = app, .vals = vals, .r = r};
    for (int k = 0; k < app->n_formulas; k++) {
        const struct ts_field *f = app->formulas[k];
        int i = ts_app_field_index(app, f);
        if (!f->table) {
            compute_one(&e, f, &vals[i]);
            continue;
        }
        struct ts_value *rows = &vals[ts_app_field_index(app, f->table)];
        for (int j = 0; j < rows->n; j++) {
            e.row = rows->rows[j].vals;
            compute_one(&e, f, &rows->rows[j].vals[i]);
        }
        e.row = NULL;
    }
}

const char *ts_formula_calc_text(struct ts_ctx *cx, const struct ts_field *f, const char *stored)
{
    const char *format = json_string_value(json_object_get(f->props, "format"));
    if (!stored || !*stored || !format || !strncmp(format, "NUMBER", 6))
        return stored ? stored : "";
    struct ts_dec d;
    ts_dec_init(&d);
    int64_t t = 0;
    bool ok = ts_dec_parse(&d, stored) == 0 && ts_dec_to_i64(&d, &t) == 0;
    ts_dec_clear(&d);
    if (!ok)
        return "";
    char buf[32];
    if (!strcmp(format, "DATETIME")) {
        ts_datetime_format(t, buf);
        return ts_arena_strdup(cx->arena, buf);
    }
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    if (!strcmp(format, "DATE")) {
        int y, m, dd;
        ts_civil_from_days(days, &y, &m, &dd);
        return ts_arena_printf(cx->arena, "%04d-%02d-%02d", y, m, dd);
    }
    if (!strcmp(format, "TIME")) {
        int64_t s = t - days * 86400;
        return ts_arena_printf(cx->arena, "%02lld:%02lld", (long long)(s / 3600),
                               (long long)(s % 3600 / 60));
    }
    /* HOUR_MINUTE, DAY_HOUR_MINUTE: hours and minutes in total (the API splits no days) */
    int64_t minutes = (t < 0 ? -t : t) / 60;
    return ts_arena_printf(cx->arena, "%s%lld:%02lld", t < 0 ? "-" : "", (long long)(minutes / 60),
                           (long long)(minutes % 60));
}

const char *ts_formula_eval_text(struct ts_ctx *cx, const struct ts_app *app, const char *expr,
                                 bool text_field, const char **why)
{
    struct ts_formula *fm = ts_formula__compile(cx->arena, app, expr, text_field, why, cx);
    if (!fm)
        return NULL;
    struct ts_value *vals = TS_NEW_N(cx->arena, struct ts_value, (size_t)app->n_fields);
    struct ts_record r = {.vals = vals};
    struct env e = {.cx = cx, .app = app, .vals = vals, .r = &r};
    struct val v;
    val_init(&v);
    eval(&e, fm->root, &v);
    struct ts_value out;
    store(&e, fm->owner, &v, &out);
    val_clear(&v);
    return out.s ? out.s : "";
}
