/*
 * query/query.h - kintone's query language (KINTONE-API.md §8).
 *
 * Text goes through lex/parse (parse.c) into an AST, then check.c resolves every
 * field against the app, checks operators against field types (GAIA_IQ03,
 * GAIA_IQ10, GAIA_IQ11), expands date functions in the caller's time zone and
 * produces a struct ts_qplan for store/. Syntax errors are CB_VA01 with the
 * message under errors.query.
 */
#ifndef TS_QUERY_H
#define TS_QUERY_H

#include "base/ctx.h"
#include "model/qplan.h"

enum ts_query_mode {
    TS_QUERY_FULL,   /* records.json: condition, order by, limit, offset */
    TS_QUERY_FILTER, /* a view's filterCond: condition only */
    TS_QUERY_SORT,   /* a view's sort: "code desc, code2 asc" */
};

/* Who is asking, for LOGINUSER(), PRIMARY_ORGANIZATION() and the date functions. */
struct ts_query_env {
    const char *user_code;
    const char *primary_org; /* NULL: none */
    const char *tz;          /* IANA zone */
    int64_t now;             /* epoch seconds */
    /* the live app with that id, for Rel.Field conditions; NULL: not allowed */
    const struct ts_app *(*app_of)(struct ts_ctx *cx, int64_t id);
};

/* Limits that are part of the grammar. */
#define TS_QUERY_MAX_LEN    65536
#define TS_QUERY_MAX_DEPTH  32
#define TS_QUERY_MAX_TERMS  1000
#define TS_QUERY_MAX_VALUES 1000

/* Parse and check text against app. The plan's memory is cx's arena. Defaults:
 * order by $id desc is left to store/ (an empty order), limit 100, offset 0. */
int ts_query_plan(struct ts_ctx *cx, const struct ts_app *app, const char *text,
                  enum ts_query_mode mode, const struct ts_query_env *env,
                  struct ts_qplan *out /* out */);

/* The condition "$id = id", to narrow a plan to one record. */
struct ts_qnode *ts_query_id_is(struct ts_ctx *cx, const struct ts_app *app, int64_t id);

/* s as the inside of a string literal: \ and " escaped (arena). */
const char *ts_query_quote(struct ts_arena *a, const char *s);

/* Check only (views' filterCond and sort at save time). */
int ts_query_check(struct ts_ctx *cx, const struct ts_app *app, const char *text,
                   enum ts_query_mode mode);

/* A readable one-line form of a plan, for logs and the golden tests:
 * (and (num >= "2") (check in "a" "b")) order num desc limit 100 offset 0 */
struct ts_buf;
void ts_qplan_dump(const struct ts_qplan *plan, struct ts_buf *b);

#endif
