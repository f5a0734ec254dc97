/*
 * query/query_int.h - the AST shared by parse.c and check.c.
 */
#ifndef TS_QUERY_INT_H
#define TS_QUERY_INT_H

#include "query/query.h"

enum qast_kind { QA_AND, QA_OR, QA_COND };

enum qlit_kind { QL_STRING, QL_NUMBER, QL_FUNC };

struct qlit {
    enum qlit_kind kind;
    const char *text; /* string value, number text, or function name */
    int n_args;       /* QL_FUNC */
    struct qlit *args;
    int pos;
};

struct qast {
    enum qast_kind kind;
    struct qast *a, *b;
    const char *field; /* QA_COND */
    int field_pos;
    enum ts_qop op;
    int n_vals;
    struct qlit *vals;
};

struct qsort_key {
    const char *field;
    int pos;
    bool desc;
};

struct qparsed {
    struct qast *where;
    int n_order;
    struct qsort_key order[TS_QPLAN_MAX_ORDER];
    bool has_limit, has_offset;
    int64_t limit, offset;
};

/* parse.c: text to AST. On a syntax error returns -1 with CB_VA01 (errors.query). */
int ts_query__parse(struct ts_ctx *cx, const char *text, enum ts_query_mode mode,
                    struct qparsed *out);

#endif
