/*
 * model/qplan.h - a checked kintone query, ready for store/ to run.
 *
 * query/ builds it from the query text: every field is resolved, every operator
 * checked against the field type, date functions expanded to plain comparisons in
 * the caller's time zone, and values converted to storage form. store/ turns it
 * into parameterised SQL; no user text ever becomes SQL text.
 */
#ifndef TS_QPLAN_H
#define TS_QPLAN_H

#include "model/schema.h"

enum ts_qnode_kind {
    TS_QN_AND,
    TS_QN_OR,
    TS_QN_COND,
    TS_QN_TRUE,
    TS_QN_FALSE,
    TS_QN_REL, /* Rel.Field: `a` holds over some related record (KINTONE-API.md §8) */
    TS_QN_NOT, /* `a` does not hold (record access rights; not in the query language) */
};

struct ts_qnode;

/* A related-records field: the records of `app` whose `theirs` equals this
 * record's `mine`, and that pass the field's own filter. */
struct ts_qrel {
    const struct ts_app *app;
    const struct ts_field *mine, *theirs;
    const struct ts_qnode *filter; /* over app, or NULL */
};

struct ts_qval {
    const char *s; /* TEXT / NUMBER / MULTI kinds and user codes */
    int64_t i;     /* EPOCH kind and the id / revision columns */
};

struct ts_qnode {
    enum ts_qnode_kind kind;
    struct ts_qnode *a, *b;       /* AND / OR; REL: a only */
    const struct ts_qrel *rel;    /* REL */
    const struct ts_field *field; /* COND */
    enum ts_qop op;
    int n_vals;
    struct ts_qval *vals;
    bool match_empty; /* `in ("")`: an empty value matches too */
};

#define TS_QPLAN_MAX_ORDER 16

struct ts_qorder {
    const struct ts_field *field;
    bool desc;
};

struct ts_qplan {
    struct ts_qnode *where; /* NULL: every record */
    int n_order;
    struct ts_qorder order[TS_QPLAN_MAX_ORDER];
    int64_t limit, offset; /* limit < 0: none */
    bool has_limit, has_offset;
    bool limit_given; /* the query said `limit`; otherwise limit is the default 100 */
};

#endif
