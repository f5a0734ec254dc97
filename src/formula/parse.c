/*
 * formula/parse.c - reading and checking formulas, and ordering an app's
 * formula fields (KINTONE-API.md §9).
 *
 * Precedence, highest first: unary + -, ^, * /, + -, &, comparisons. What
 * deploy must refuse is refused here: unknown fields and functions, the wrong
 * number of arguments, full-width symbols, fields a formula cannot use,
 * operators given the wrong kind of value, table fields used outside SUM or
 * CONTAINS, YEN and DATE_FORMAT outside text fields, circular references.
 */
#include "base/common.h"
#include "formula/formula_int.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"

#include <ctype.h>
#include <strings.h>

struct parser {
    struct ts_arena *mem;
    const struct ts_app *app;
    const struct ts_field *owner;
    const char *p;
    int msg; /* enum ts_msg of the first problem, or -1 */
    const char *arg;
};

static void *fail(struct parser *ps, enum ts_msg msg, const char *arg)
{
    if (ps->msg < 0) {
        ps->msg = msg;
        ps->arg = arg ? ts_arena_strdup(ps->mem, arg) : "";
    }
    return NULL;
}

/* Full-width forms of ASCII symbols (U+FF01-FF0F, FF1A-FF20, FF3B-FF40, FF5B-FF5E)
 * and the ideographic space: people type them by accident in Japanese input. */
static int wide_symbol(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
        return 3;
    if (u[0] != 0xEF || (u[1] != 0xBC && u[1] != 0xBD))
        return 0;
    unsigned cp = 0xFF00 + ((u[1] & 0x03u) << 6) + (u[2] & 0x3Fu);
    if ((cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
        (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF5E))
        return 3;
    return 0;
}

static void skip_space(struct parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
        ps->p++;
}

static bool ident_char(const char *p)
{
    unsigned char c = (unsigned char)*p;
    return isalnum(c) || c == '_' || (c >= 0x80 && !wide_symbol(p));
}

static bool accept(struct parser *ps, const char *tok)
{
    skip_space(ps);
    size_t n = strlen(tok);
    if (strncmp(ps->p, tok, n) != 0)
        return false;
    ps->p += n;
    return true;
}

static struct fx_node *node(struct parser *ps, enum fx_kind kind, int op)
{
    struct fx_node *n = TS_NEW(ps->mem, struct fx_node);
    n->kind = kind;
    n->op = op;
    return n;
}

static struct fx_node *binary(struct parser *ps, int op, struct fx_node *a, struct fx_node *b)
{
    if (!a || !b)
        return NULL;
    struct fx_node *n = node(ps, FX_BIN, op);
    n->args = TS_NEW_N(ps->mem, struct fx_node *, 2);
    n->args[0] = a;
    n->args[1] = b;
    n->n_args = 2;
    return n;
}

/* What is left at the point of a problem, for the message. */
static const char *here(struct parser *ps)
{
    const char *p = ps->p;
    if (!*p)
        return ts_arena_strdup(ps->mem, "(end)");
    int n = wide_symbol(p) ? 3 : 1;
    while (p[n] && (p[n] & 0xC0) == 0x80)
        n++;
    return ts_arena_strndup(ps->mem, p, (size_t)n);
}

static struct fx_node *expr(struct parser *ps, int depth);

static const char *const FUNCS[] = {"SUM", "ROUND", "ROUNDUP",  "ROUNDDOWN", "IF",         "AND",
                                    "OR",  "NOT",   "CONTAINS", "YEN",       "DATE_FORMAT"};

static struct fx_node *primary(struct parser *ps, int depth)
{
    skip_space(ps);
    const char *p = ps->p;
    const unsigned char *u = (const unsigned char *)p;
    bool wide_digit = u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99; /* ０-９ */
    if (wide_symbol(p) || wide_digit)
        return fail(ps, TS_M_FX_WIDE, here(ps));
    if (*p == '(') {
        ps->p++;
        struct fx_node *e = expr(ps, depth + 1);
        if (e && !accept(ps, ")"))
            return fail(ps, TS_M_FX_SYNTAX, here(ps));
        return e;
    }
    if (*p == '"') {
        struct ts_buf b;
        ts_buf_init(&b);
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                p++;
            ts_buf_putc(&b, *p);
        }
        if (*p != '"') {
            ts_buf_release(&b);
            return fail(ps, TS_M_FX_SYNTAX, "\"");
        }
        struct fx_node *n = node(ps, FX_STR, 0);
        n->str = ts_arena_strndup(ps->mem, b.p ? b.p : "", b.len);
        ts_buf_release(&b);
        ps->p = p + 1;
        return n;
    }
    if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
        const char *start = p;
        while (isdigit((unsigned char)*p))
            p++;
        if (*p == '.')
            for (p++; isdigit((unsigned char)*p);)
                p++;
        struct fx_node *n = node(ps, FX_NUM, 0);
        n->str = ts_arena_strndup(ps->mem, start, (size_t)(p - start));
        ps->p = p;
        if (ident_char(p))
            return fail(ps, TS_M_FX_SYNTAX, here(ps));
        return n;
    }
    if (!ident_char(p) || isdigit((unsigned char)*p))
        return fail(ps, TS_M_FX_SYNTAX, here(ps));
    const char *start = p;
    while (ident_char(p))
        p++;
    const char *name = ts_arena_strndup(ps->mem, start, (size_t)(p - start));
    ps->p = p;
    skip_space(ps);
    if (*ps->p != '(') {
        const struct ts_field *f = ts_app_field(ps->app, name);
        if (!f || ts_field_kind(f) == TS_K_SYS) {
            /* the record's times and people are system fields kintone lets formulas use */
            if (!f || !(f->type == TS_F_CREATED_TIME || f->type == TS_F_UPDATED_TIME ||
                        f->type == TS_F_CREATOR || f->type == TS_F_MODIFIER))
                return fail(ps, f ? TS_M_FX_FIELD_TYPE : TS_M_FX_FIELD, name);
        }
        struct fx_node *n = node(ps, FX_FIELD, 0);
        n->field = f;
        return n;
    }
    int fn = -1;
    for (size_t i = 0; i < TS_ARRAY_LEN(FUNCS); i++)
        if (!strcasecmp(FUNCS[i], name))
            fn = (int)i;
    if (fn < 0)
        return fail(ps, TS_M_FX_FUNCTION, name);
    ps->p++;
    struct fx_node *n = node(ps, FX_CALL, fn);
    struct fx_node *args[33];
    if (!accept(ps, ")")) {
        do {
            if (n->n_args == (int)TS_ARRAY_LEN(args))
                return fail(ps, TS_M_FX_ARGS, FUNCS[fn]);
            if (!(args[n->n_args++] = expr(ps, depth + 1)))
                return NULL;
        } while (accept(ps, ","));
        if (!accept(ps, ")"))
            return fail(ps, TS_M_FX_SYNTAX, here(ps));
    }
    n->args = TS_NEW_N(ps->mem, struct fx_node *, (size_t)(n->n_args ? n->n_args : 1));
    memcpy(n->args, args, sizeof(*args) * (size_t)n->n_args);
    return n;
}

static struct fx_node *unary(struct parser *ps, int depth)
{
    if (depth > 64)
        return fail(ps, TS_M_FX_SYNTAX, here(ps));
    if (accept(ps, "-")) {
        struct fx_node *a = unary(ps, depth + 1);
        if (!a)
            return NULL;
        struct fx_node *n = node(ps, FX_NEG, 0);
        n->args = TS_NEW_N(ps->mem, struct fx_node *, 1);
        n->args[0] = a;
        n->n_args = 1;
        return n;
    }
    if (accept(ps, "+"))
        return unary(ps, depth + 1);
    return primary(ps, depth);
}

static struct fx_node *power(struct parser *ps, int depth)
{
    struct fx_node *a = unary(ps, depth);
    while (a && accept(ps, "^"))
        a = binary(ps, OP_POW, a, unary(ps, depth));
    return a;
}

static struct fx_node *product(struct parser *ps, int depth)
{
    struct fx_node *a = power(ps, depth);
    for (;;) {
        if (a && accept(ps, "*"))
            a = binary(ps, OP_MUL, a, power(ps, depth));
        else if (a && accept(ps, "/"))
            a = binary(ps, OP_DIV, a, power(ps, depth));
        else
            return a;
    }
}

static struct fx_node *sum(struct parser *ps, int depth)
{
    struct fx_node *a = product(ps, depth);
    for (;;) {
        if (a && accept(ps, "+"))
            a = binary(ps, OP_ADD, a, product(ps, depth));
        else if (a && accept(ps, "-"))
            a = binary(ps, OP_SUB, a, product(ps, depth));
        else
            return a;
    }
}

static struct fx_node *concat(struct parser *ps, int depth)
{
    struct fx_node *a = sum(ps, depth);
    while (a && accept(ps, "&"))
        a = binary(ps, OP_CAT, a, sum(ps, depth));
    return a;
}

static struct fx_node *expr(struct parser *ps, int depth)
{
    struct fx_node *a = concat(ps, depth);
    static const struct {
        const char *tok;
        enum fx_op op;
    } cmp[] = {{"!=", OP_NE}, {"<>", OP_NE}, {"<=", OP_LE}, {">=", OP_GE},
               {"=", OP_EQ},  {"<", OP_LT},  {">", OP_GT}};
    for (;;) {
        size_t i;
        for (i = 0; a && i < TS_ARRAY_LEN(cmp); i++)
            if (accept(ps, cmp[i].tok))
                break;
        if (!a || i == TS_ARRAY_LEN(cmp))
            return a;
        a = binary(ps, cmp[i].op, a, concat(ps, depth));
    }
}

/* ---------------------------------------------------------------- types */

static enum fx_type field_type(const struct ts_field *f)
{
    switch (f->type) {
    case TS_F_NUMBER:
    case TS_F_CALC:
    case TS_F_DATE:
    case TS_F_TIME:
    case TS_F_DATETIME:
    case TS_F_CREATED_TIME:
    case TS_F_UPDATED_TIME:
        return T_NUM;
    case TS_F_SINGLE_LINE_TEXT:
    case TS_F_DROP_DOWN:
    case TS_F_RADIO_BUTTON:
    case TS_F_CREATOR:
    case TS_F_MODIFIER:
        return T_STR;
    case TS_F_CHECK_BOX:
    case TS_F_MULTI_SELECT:
        return T_SET;
    default:
        return T_ANY; /* not usable: refused in check() */
    }
}

static bool numeric(enum fx_type t)
{
    return t == T_NUM || t == T_ANY;
}

/* Check n and set its type. `in_list`: n is an argument SUM or CONTAINS may
 * take whole (a table field). */
static bool check(struct parser *ps, struct fx_node *n, bool in_list)
{
    const char *name = n->kind == FX_CALL ? FUNCS[n->op] : NULL;
    switch (n->kind) {
    case FX_NUM:
        n->type = T_NUM;
        return true;
    case FX_STR:
        n->type = T_STR;
        return true;
    case FX_FIELD: {
        const struct ts_field *f = n->field;
        bool usable = f->type != TS_F_SUBTABLE && (field_type(f) != T_ANY);
        if (!usable)
            return fail(ps, TS_M_FX_FIELD_TYPE, f->code), false;
        if (f == ps->owner)
            return fail(ps, TS_M_FX_CIRCULAR, f->code), false;
        n->type = field_type(f);
        n->array = f->table && f->table != (ps->owner ? ps->owner->table : NULL);
        if ((n->array || n->type == T_SET) && !in_list)
            return fail(ps, n->array ? TS_M_FX_ARRAY : TS_M_FX_FIELD_TYPE, f->code), false;
        return true;
    }
    case FX_NEG:
        if (!check(ps, n->args[0], false))
            return false;
        if (!numeric(n->args[0]->type))
            return fail(ps, TS_M_FX_MISMATCH, "-"), false;
        n->type = T_NUM;
        return true;
    case FX_BIN: {
        static const char *const names[] = {"+", "-",  "*", "/",  "^", "&",
                                            "=", "!=", "<", "<=", ">", ">="};
        if (!check(ps, n->args[0], false) || !check(ps, n->args[1], false))
            return false;
        if (n->op <= OP_POW) {
            if (!numeric(n->args[0]->type) || !numeric(n->args[1]->type))
                return fail(ps, TS_M_FX_MISMATCH, names[n->op]), false;
            n->type = T_NUM;
        } else {
            n->type = n->op == OP_CAT ? T_STR : T_BOOL;
        }
        return true;
    }
    case FX_CALL:
        break;
    }
    static const struct {
        int min, max;
    } arity[] = {
        [FN_SUM] = {1, 32},      [FN_ROUND] = {1, 2},       [FN_ROUNDUP] = {1, 2},
        [FN_ROUNDDOWN] = {1, 2}, [FN_IF] = {3, 3},          [FN_AND] = {1, 32},
        [FN_OR] = {1, 32},       [FN_NOT] = {1, 1},         [FN_CONTAINS] = {2, 2},
        [FN_YEN] = {1, 2},       [FN_DATE_FORMAT] = {3, 3},
    };
    if (n->n_args < arity[n->op].min || n->n_args > arity[n->op].max)
        return fail(ps, TS_M_FX_ARGS, name), false;
    if ((n->op == FN_YEN || n->op == FN_DATE_FORMAT) && ps->owner &&
        ps->owner->type != TS_F_SINGLE_LINE_TEXT)
        return fail(ps, TS_M_FX_TEXT_ONLY, name), false;
    for (int i = 0; i < n->n_args; i++) {
        struct fx_node *a = n->args[i];
        bool list = (n->op == FN_SUM && a->kind == FX_FIELD) ||
                    (n->op == FN_CONTAINS && i == 0 && a->kind == FX_FIELD);
        if (!check(ps, a, list))
            return false;
    }
    switch (n->op) {
    case FN_SUM:
    case FN_ROUND:
    case FN_ROUNDUP:
    case FN_ROUNDDOWN:
        for (int i = 0; i < n->n_args; i++)
            if (!numeric(n->args[i]->type))
                return fail(ps, TS_M_FX_MISMATCH, name), false;
        n->type = T_NUM;
        return true;
    case FN_IF:
        n->type = n->args[1]->type == n->args[2]->type ? n->args[1]->type : T_ANY;
        return true;
    case FN_AND:
    case FN_OR:
    case FN_NOT:
        for (int i = 0; i < n->n_args; i++)
            if (n->args[i]->type == T_STR)
                return fail(ps, TS_M_FX_MISMATCH, name), false;
        n->type = T_BOOL;
        return true;
    case FN_CONTAINS: {
        const struct fx_node *f = n->args[0];
        bool ok = f->kind == FX_FIELD &&
                  (f->type == T_SET || (f->array && (f->field->type == TS_F_SINGLE_LINE_TEXT ||
                                                     f->field->type == TS_F_DROP_DOWN ||
                                                     f->field->type == TS_F_RADIO_BUTTON)));
        if (!ok)
            return fail(ps, TS_M_FX_MISMATCH, name), false;
        n->type = T_BOOL;
        return true;
    }
    case FN_YEN:
        if (!numeric(n->args[0]->type))
            return fail(ps, TS_M_FX_MISMATCH, name), false;
        n->type = T_STR;
        return true;
    default: /* DATE_FORMAT */
        if (!numeric(n->args[0]->type))
            return fail(ps, TS_M_FX_MISMATCH, name), false;
        n->type = T_STR;
        return true;
    }
}

/* Compile expr for owner (NULL: a free expression, as a text field's). */
static struct ts_formula *compile(struct parser *ps, const char *text)
{
    ps->p = text;
    ps->msg = -1;
    struct fx_node *root = expr(ps, 0);
    skip_space(ps);
    if (root && *ps->p)
        return fail(ps, wide_symbol(ps->p) ? TS_M_FX_WIDE : TS_M_FX_SYNTAX, here(ps));
    if (!root || !check(ps, root, false))
        return NULL;
    struct ts_formula *fm = TS_NEW(ps->mem, struct ts_formula);
    fm->root = root;
    fm->owner = ps->owner;
    return fm;
}

static const char *expression_of(const struct ts_field *f)
{
    if (f->type != TS_F_CALC && f->type != TS_F_SINGLE_LINE_TEXT)
        return NULL;
    const char *e = json_string_value(json_object_get(f->props, "expression"));
    return e && *e ? e : NULL;
}

/* ---------------------------------------------------------------- order */

static void deps(const struct fx_node *n, const struct ts_field **out, int *k, int cap)
{
    if (n->kind == FX_FIELD && n->field->formula && *k < cap)
        out[(*k)++] = n->field;
    for (int i = 0; i < n->n_args; i++)
        deps(n->args[i], out, k, cap);
}

/* Depth-first: each field after the formula fields it uses. mark: 0 new,
 * 1 on the path (seeing it again is a circle), 2 placed. */
static const struct ts_field *place(struct ts_app *app, const struct ts_field *f, char *mark)
{
    int i = ts_app_field_index(app, f);
    if (mark[i] == 2)
        return NULL;
    if (mark[i] == 1)
        return f;
    mark[i] = 1;
    const struct ts_field *used[256];
    int k = 0;
    deps(f->formula->root, used, &k, (int)TS_ARRAY_LEN(used));
    for (int j = 0; j < k; j++) {
        const struct ts_field *circle = place(app, used[j], mark);
        if (circle)
            return circle;
    }
    mark[i] = 2;
    app->formulas[app->n_formulas++] = f;
    return NULL;
}

const char *ts_formula_prepare(struct ts_arena *mem, struct ts_app *app)
{
    const json_t *np = json_object_get(json_object_get(app->def, "settings"), "numberPrecision");
    const char *digits = json_string_value(json_object_get(np, "digits"));
    const char *places = json_string_value(json_object_get(np, "decimalPlaces"));
    const char *mode = json_string_value(json_object_get(np, "roundingMode"));
    int64_t v;
    app->precision_digits = digits && ts_parse_i64(digits, &v) == 0 ? (int)v : 16;
    app->precision_places = places && ts_parse_i64(places, &v) == 0 ? (int)v : 4;
    app->rounding = mode && !strcmp(mode, "UP")     ? TS_ROUND_UP
                    : mode && !strcmp(mode, "DOWN") ? TS_ROUND_DOWN
                                                    : TS_ROUND_HALF_EVEN;
    int n = 0;
    for (int i = 0; i < app->n_fields; i++) {
        struct ts_field *f = &app->fields[i];
        const char *text = expression_of(f);
        if (!text)
            continue;
        struct parser ps = {.mem = mem, .app = app, .owner = f};
        f->formula = compile(&ps, text);
        if (!f->formula) {
            app->formula_problem.field = f;
            app->formula_problem.msg = ps.msg;
            app->formula_problem.arg = ps.arg;
            return ps.arg;
        }
        n++;
    }
    app->formulas = TS_NEW_N(mem, const struct ts_field *, (size_t)(n ? n : 1));
    char *mark = ts_arena_alloc(mem, (size_t)app->n_fields);
    for (int i = 0; i < app->n_fields; i++) {
        if (!app->fields[i].formula)
            continue;
        const struct ts_field *circle = place(app, &app->fields[i], mark);
        if (circle) {
            app->formula_problem.field = &app->fields[i];
            app->formula_problem.msg = TS_M_FX_CIRCULAR;
            app->formula_problem.arg = circle->code;
            app->n_formulas = 0;
            return circle->code;
        }
    }
    return NULL;
}

const char *ts_formula_error(struct ts_ctx *cx, const struct ts_app *app)
{
    const struct ts_field *f = app->formula_problem.field;
    if (!f)
        return NULL;
    const char *why =
        ts_arena_printf(cx->arena, ts_msg_format((enum ts_msg)app->formula_problem.msg, cx->lang),
                        app->formula_problem.arg);
    return ts_arena_printf(cx->arena, ts_msg_format(TS_M_FX_PROBLEM, cx->lang), f->label, why);
}

struct ts_formula *ts_formula__compile(struct ts_arena *mem, const struct ts_app *app,
                                       const char *text, bool text_field, const char **why,
                                       struct ts_ctx *cx)
{
    /* a stand-in owner of the right type: checks as a field of the app's top level would */
    struct ts_field *owner = TS_NEW(mem, struct ts_field);
    owner->type = text_field ? TS_F_SINGLE_LINE_TEXT : TS_F_CALC;
    owner->code = "";
    struct parser ps = {.mem = mem, .app = app, .owner = owner};
    struct ts_formula *fm = compile(&ps, text);
    if (!fm)
        *why = ts_arena_printf(cx->arena, ts_msg_format((enum ts_msg)ps.msg, cx->lang), ps.arg);
    return fm;
}
