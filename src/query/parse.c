/*
 * query/parse.c - lexer and recursive-descent parser for kintone queries.
 *
 * Grammar (KINTONE-API.md §8):
 *   query  := [expr] ["order by" key ("," key)*] ["limit" INT] ["offset" INT]
 *   expr   := and ("or" and)*            -- "and" binds tighter than "or"
 *   and    := term ("and" term)*
 *   term   := "(" expr ")" | cond
 *   cond   := field op value | field ["not"] "in" "(" value ("," value)* ")"
 *           | field ["not"] "like" value | field "is" ["not"] "empty"
 *   value  := STRING | NUMBER | NAME "(" [value ("," value)*] ")"
 * Keywords are case-insensitive. Whitespace includes U+3000. String literals
 * use double quotes with \" \\ \t \n \r escapes; a raw tab or newline inside one
 * is an error, as in kintone.
 */
#include "base/common.h"
#include "query/query_int.h"
#include "base/buf.h"

#include <ctype.h>
#include <strings.h>

enum tok { T_END, T_NAME, T_STRING, T_NUMBER, T_LP, T_RP, T_COMMA, T_OP, T_ERR };

struct lexer {
    struct ts_ctx *cx;
    const char *src, *p;
    enum tok t;
    const char *text; /* arena copy of the token's value */
    int pos;          /* byte offset of the token */
    enum ts_qop op;
    int depth, terms;
    const char *err;
};

static bool is_space(const char *p, int *len)
{
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
        *len = 1;
        return true;
    }
    if ((unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80) {
        *len = 3; /* U+3000 ideographic space */
        return true;
    }
    return false;
}

static bool is_name_char(const char *p)
{
    int n;
    unsigned char c = (unsigned char)*p;
    if (!c || is_space(p, &n))
        return false;
    return !strchr("()\",=!<>", c);
}

static void next(struct lexer *lx)
{
    int n;
    while (is_space(lx->p, &n))
        lx->p += n;
    lx->pos = (int)(lx->p - lx->src);
    lx->text = NULL;
    char c = *lx->p;
    if (!c) {
        lx->t = T_END;
        return;
    }
    if (c == '(' || c == ')' || c == ',') {
        lx->t = c == '(' ? T_LP : c == ')' ? T_RP : T_COMMA;
        lx->p++;
        return;
    }
    if (c == '=' || c == '!' || c == '<' || c == '>') {
        const char *p = lx->p;
        lx->t = T_OP;
        if (p[0] == '!' && p[1] == '=') {
            lx->op = TS_Q_NE;
            lx->p += 2;
        } else if (p[0] == '<' && p[1] == '=') {
            lx->op = TS_Q_LE;
            lx->p += 2;
        } else if (p[0] == '>' && p[1] == '=') {
            lx->op = TS_Q_GE;
            lx->p += 2;
        } else if (p[0] == '=') {
            lx->op = TS_Q_EQ;
            lx->p++;
        } else if (p[0] == '<') {
            lx->op = TS_Q_LT;
            lx->p++;
        } else if (p[0] == '>') {
            lx->op = TS_Q_GT;
            lx->p++;
        } else {
            lx->t = T_ERR;
            lx->err = "unexpected '!'";
        }
        return;
    }
    if (c == '"') {
        struct ts_buf b;
        ts_buf_init(&b);
        const char *p = lx->p + 1;
        for (;;) {
            if (!*p) {
                lx->t = T_ERR;
                lx->err = "unterminated string";
                ts_buf_release(&b);
                return;
            }
            if (*p == '"')
                break;
            if (*p == '\t' || *p == '\n' || *p == '\r') {
                lx->t = T_ERR;
                lx->err = "tab or newline inside a string";
                ts_buf_release(&b);
                return;
            }
            if (*p == '\\') {
                p++;
                char e = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
                if (!*p) {
                    continue; /* reported as unterminated */
                }
                ts_buf_putc(&b, e);
                p++;
                continue;
            }
            ts_buf_putc(&b, *p++);
        }
        lx->text = ts_arena_strndup(lx->cx->arena, b.p ? b.p : "", b.len);
        ts_buf_release(&b);
        lx->p = p + 1;
        lx->t = T_STRING;
        return;
    }
    const char *start = lx->p;
    while (is_name_char(lx->p))
        lx->p++;
    if (lx->p == start) {
        lx->t = T_ERR;
        lx->err = "unexpected character";
        return;
    }
    lx->text = ts_arena_strndup(lx->cx->arena, start, (size_t)(lx->p - start));
    /* a number is a name that is all digits, with a sign and one point at most */
    const char *q = lx->text;
    if (*q == '-' || *q == '+')
        q++;
    bool num = isdigit((unsigned char)*q), point = false;
    for (; *q && num; q++) {
        if (*q == '.' && !point)
            point = true;
        else if (!isdigit((unsigned char)*q))
            num = false;
    }
    lx->t = num ? T_NUMBER : T_NAME;
}

static int fail(struct lexer *lx, const char *why)
{
    if (lx->t == T_ERR && lx->err)
        why = lx->err;
    ts_fail_field(lx->cx, "query", TS_M_QUERY_SYNTAX, lx->pos + 1, why);
    return -1;
}

static bool is_kw(const struct lexer *lx, const char *kw)
{
    return lx->t == T_NAME && strcasecmp(lx->text, kw) == 0;
}

/* Lookahead: is the next token (after the current) the keyword kw? */
static bool next_is_kw(const struct lexer *lx, const char *kw)
{
    struct lexer copy = *lx;
    next(&copy);
    return is_kw(&copy, kw);
}

static bool at_options(const struct lexer *lx)
{
    if (is_kw(lx, "order") && next_is_kw(lx, "by"))
        return true;
    if (is_kw(lx, "limit") || is_kw(lx, "offset")) {
        struct lexer copy = *lx;
        next(&copy);
        return copy.t == T_NUMBER;
    }
    return false;
}

static int parse_value(struct lexer *lx, struct qlit *out, int depth)
{
    out->pos = lx->pos;
    if (lx->t == T_STRING || lx->t == T_NUMBER) {
        out->kind = lx->t == T_STRING ? QL_STRING : QL_NUMBER;
        out->text = lx->text;
        next(lx);
        return 0;
    }
    if (lx->t == T_NAME && depth < 2) {
        out->kind = QL_FUNC;
        out->text = lx->text;
        next(lx);
        if (lx->t != T_LP)
            return fail(lx, "expected '(' after a function name");
        next(lx);
        struct qlit args[8];
        int n = 0;
        while (lx->t != T_RP) {
            if (n == (int)TS_ARRAY_LEN(args))
                return fail(lx, "too many arguments");
            if (n && lx->t != T_COMMA)
                return fail(lx, "expected ',' or ')'");
            if (n)
                next(lx);
            /* bare words inside functions (LAST, DAYS, MONDAY) are literals */
            if (lx->t == T_NAME) {
                args[n] = (struct qlit){.kind = QL_STRING, .text = lx->text, .pos = lx->pos};
                n++;
                next(lx);
                continue;
            }
            if (parse_value(lx, &args[n++], depth + 1) < 0)
                return -1;
        }
        next(lx);
        out->n_args = n;
        out->args = TS_NEW_N(lx->cx->arena, struct qlit, (size_t)n);
        if (n)
            memcpy(out->args, args, sizeof(args[0]) * (size_t)n);
        return 0;
    }
    return fail(lx, "expected a value");
}

static struct qast *parse_or(struct lexer *lx);

static struct qast *parse_cond(struct lexer *lx)
{
    if (++lx->terms > TS_QUERY_MAX_TERMS) {
        fail(lx, "too many conditions");
        return NULL;
    }
    struct qast *n = TS_NEW(lx->cx->arena, struct qast);
    n->kind = QA_COND;
    if (lx->t != T_NAME) {
        fail(lx, "expected a field code");
        return NULL;
    }
    n->field = lx->text;
    n->field_pos = lx->pos;
    next(lx);
    bool neg = false;
    if (lx->t == T_OP) {
        n->op = lx->op;
        next(lx);
        n->n_vals = 1;
        n->vals = TS_NEW(lx->cx->arena, struct qlit);
        return parse_value(lx, n->vals, 0) < 0 ? NULL : n;
    }
    if (is_kw(lx, "is")) {
        next(lx);
        if (is_kw(lx, "not")) {
            neg = true;
            next(lx);
        }
        if (!is_kw(lx, "empty")) {
            fail(lx, "expected 'empty'");
            return NULL;
        }
        next(lx);
        n->op = neg ? TS_Q_NOT_EMPTY : TS_Q_EMPTY;
        return n;
    }
    if (is_kw(lx, "not")) {
        neg = true;
        next(lx);
    }
    if (is_kw(lx, "like")) {
        next(lx);
        n->op = neg ? TS_Q_NOT_LIKE : TS_Q_LIKE;
        n->n_vals = 1;
        n->vals = TS_NEW(lx->cx->arena, struct qlit);
        return parse_value(lx, n->vals, 0) < 0 ? NULL : n;
    }
    if (is_kw(lx, "in")) {
        next(lx);
        n->op = neg ? TS_Q_NOT_IN : TS_Q_IN;
        if (lx->t != T_LP) {
            fail(lx, "expected '(' after in");
            return NULL;
        }
        next(lx);
        int cap = 8;
        n->vals = TS_NEW_N(lx->cx->arena, struct qlit, (size_t)cap);
        for (;;) {
            if (n->n_vals == TS_QUERY_MAX_VALUES) {
                fail(lx, "too many values");
                return NULL;
            }
            if (n->n_vals == cap) {
                struct qlit *v = TS_NEW_N(lx->cx->arena, struct qlit, (size_t)cap * 2);
                memcpy(v, n->vals, sizeof(*v) * (size_t)cap);
                n->vals = v;
                cap *= 2;
            }
            if (parse_value(lx, &n->vals[n->n_vals++], 0) < 0)
                return NULL;
            if (lx->t == T_RP)
                break;
            if (lx->t != T_COMMA) {
                fail(lx, "expected ',' or ')'");
                return NULL;
            }
            next(lx);
        }
        next(lx);
        return n;
    }
    fail(lx, "expected an operator");
    return NULL;
}

static struct qast *parse_term(struct lexer *lx)
{
    if (lx->t == T_LP) {
        if (++lx->depth > TS_QUERY_MAX_DEPTH) {
            fail(lx, "parentheses nested too deep");
            return NULL;
        }
        next(lx);
        struct qast *e = parse_or(lx);
        if (!e)
            return NULL;
        if (lx->t != T_RP) {
            fail(lx, "expected ')'");
            return NULL;
        }
        lx->depth--;
        next(lx);
        return e;
    }
    return parse_cond(lx);
}

static struct qast *join(struct lexer *lx, enum qast_kind k, struct qast *a, struct qast *b)
{
    struct qast *n = TS_NEW(lx->cx->arena, struct qast);
    n->kind = k;
    n->a = a;
    n->b = b;
    return n;
}

static struct qast *parse_and(struct lexer *lx)
{
    struct qast *e = parse_term(lx);
    while (e && is_kw(lx, "and")) {
        next(lx);
        struct qast *r = parse_term(lx);
        e = r ? join(lx, QA_AND, e, r) : NULL;
    }
    return e;
}

static struct qast *parse_or(struct lexer *lx)
{
    struct qast *e = parse_and(lx);
    while (e && is_kw(lx, "or")) {
        next(lx);
        struct qast *r = parse_and(lx);
        e = r ? join(lx, QA_OR, e, r) : NULL;
    }
    return e;
}

static int parse_keys(struct lexer *lx, struct qparsed *out)
{
    for (;;) {
        if (lx->t != T_NAME)
            return fail(lx, "expected a field code to sort by");
        if (out->n_order == TS_QPLAN_MAX_ORDER)
            return fail(lx, "too many sort keys");
        struct qsort_key *k = &out->order[out->n_order++];
        k->field = lx->text;
        k->pos = lx->pos;
        next(lx);
        if (is_kw(lx, "asc") || is_kw(lx, "desc")) {
            k->desc = is_kw(lx, "desc");
            next(lx);
        }
        if (lx->t != T_COMMA)
            return 0;
        next(lx);
    }
}

static int parse_int(struct lexer *lx, int64_t *out)
{
    next(lx);
    if (lx->t != T_NUMBER || strchr(lx->text, '.'))
        return fail(lx, "expected a whole number");
    char *end;
    long long v = strtoll(lx->text, &end, 10);
    if (*end || v < 0 || v > INT32_MAX)
        return fail(lx, "number out of range");
    *out = v;
    next(lx);
    return 0;
}

int ts_query__parse(struct ts_ctx *cx, const char *text, enum ts_query_mode mode,
                    struct qparsed *out)
{
    memset(out, 0, sizeof(*out));
    if (strlen(text) > TS_QUERY_MAX_LEN) {
        ts_fail_field(cx, "query", TS_M_TOO_LONG, TS_QUERY_MAX_LEN);
        return -1;
    }
    struct lexer lx = {.cx = cx, .src = text, .p = text};
    next(&lx);
    if (mode == TS_QUERY_SORT) {
        if (lx.t == T_END)
            return 0;
        if (parse_keys(&lx, out) < 0)
            return -1;
        return lx.t == T_END ? 0 : fail(&lx, "unexpected text after the sort keys");
    }
    if (lx.t != T_END && !at_options(&lx)) {
        out->where = parse_or(&lx);
        if (!out->where)
            return -1;
    }
    if (mode == TS_QUERY_FILTER)
        return lx.t == T_END ? 0 : fail(&lx, "unexpected text after the condition");
    if (is_kw(&lx, "order")) {
        next(&lx);
        if (!is_kw(&lx, "by"))
            return fail(&lx, "expected 'by'");
        next(&lx);
        if (parse_keys(&lx, out) < 0)
            return -1;
    }
    if (is_kw(&lx, "limit")) {
        if (parse_int(&lx, &out->limit) < 0)
            return -1;
        out->has_limit = true;
    }
    if (is_kw(&lx, "offset")) {
        if (parse_int(&lx, &out->offset) < 0)
            return -1;
        out->has_offset = true;
    }
    if (lx.t != T_END)
        return fail(&lx, lx.t == T_ERR ? lx.err : "unexpected text");
    return 0;
}

const char *ts_query_quote(struct ts_arena *a, const char *s)
{
    char *out = ts_arena_alloc(a, strlen(s) * 2 + 1), *o = out;
    for (; *s; s++) {
        char esc = *s == '\\'   ? '\\'
                   : *s == '"'  ? '"'
                   : *s == '\t' ? 't'
                   : *s == '\n' ? 'n'
                   : *s == '\r' ? 'r'
                                : 0;
        if (esc)
            *o++ = '\\';
        *o++ = esc ? esc : *s;
    }
    *o = '\0';
    return out;
}
