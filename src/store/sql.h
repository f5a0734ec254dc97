/*
 * store/sql.h - what the store's files share: one SQL driver interface with two
 * implementations, store/sqlite/ and store/pg/, chosen when a database is opened.
 *
 * The store's logic (the .c files of store/) is written once against this interface, so both
 * backends behave the same by construction; what differs between the engines
 * (placeholders, schema introspection, the search index, group commit, one
 * writer at a time) is a driver operation or a dialect string here. Nothing
 * outside store/ includes this file.
 *
 * Statements use `?` (or `?N`) placeholders on both backends. A statement comes
 * from the connection's cache (db_prep), is bound, stepped and given back with
 * db_done; text bound is not copied and must live until db_done.
 */
#ifndef TS_STORE_SQL_H
#define TS_STORE_SQL_H

#include "store/store.h"

/* What db_step answers. */
enum { DB_DONE = 0, DB_ROW = 1 };
/* A column's type (db_col_type). */
enum db_type { DB_NULL, DB_INT, DB_FLOAT, DB_TEXT, DB_BLOB };
/* Why the last statement failed (ts_db.err_kind). */
enum db_err { DB_E_OK, DB_E_OTHER, DB_E_UNIQUE, DB_E_BUSY, DB_E_FULL };

struct ts_stmt {
    struct ts_db *db; /* the connection it belongs to */
    bool busy;        /* between db_prep and db_done: not to be reused or evicted */
};

struct ts_driver {
    const char *name;
    void (*close)(struct ts_db *db);

    struct ts_stmt *(*prep)(struct ts_ctx *cx, const char *sql);
    /* DB_ROW, DB_DONE, or -1 with the cause in st->db->err_kind/err_msg */
    int (*step)(struct ts_stmt *st);
    void (*done)(struct ts_stmt *st);
    void (*bind_int)(struct ts_stmt *st, int i, int64_t v);
    void (*bind_double)(struct ts_stmt *st, int i, double v);
    void (*bind_text)(struct ts_stmt *st, int i, const char *s, size_t len);
    void (*bind_blob)(struct ts_stmt *st, int i, const void *p, size_t len);
    void (*bind_null)(struct ts_stmt *st, int i);
    int (*col_count)(struct ts_stmt *st);
    enum db_type (*col_type)(struct ts_stmt *st, int i);
    int64_t (*col_int)(struct ts_stmt *st, int i);
    double (*col_double)(struct ts_stmt *st, int i);
    /* valid until the next step; *len may be NULL */
    const char *(*col_text)(struct ts_stmt *st, int i, size_t *len);
    const void *(*col_blob)(struct ts_ctx *cx, struct ts_stmt *st, int i, size_t *len);
    /* rows the last write statement changed */
    int64_t (*changes)(struct ts_db *db);
    /* run statements (several, separated by `;`) with no parameters or rows */
    int (*exec)(struct ts_ctx *cx, const char *sql);

    int (*begin)(struct ts_ctx *cx, bool write);
    int (*commit)(struct ts_ctx *cx);
    void (*rollback)(struct ts_ctx *cx);

    /* Is there a table / index of that name? -1 on failure. */
    int (*has)(struct ts_ctx *cx, bool index, const char *name);
    /* Names of the tables (index=false) or indexes starting with prefix. */
    const char **(*names)(struct ts_ctx *cx, bool index, const char *prefix, int *n);
    /* Names of r<app>'s indexes that cover column col. */
    const char **(*indexes_on)(struct ts_ctx *cx, int64_t app_id, const char *col, int *n);

    /* The record tables' search index (`like` of 3+ characters). */
    int (*search_drop)(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to);
    int (*search_create)(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to);
    /* records of app were written in this transaction (NULL: nothing to do) */
    int (*search_touch)(struct ts_ctx *cx, const struct ts_app *app);
    /* before reading app_id: let this transaction see what it wrote (or NULL) */
    int (*search_sync)(struct ts_ctx *cx, int64_t app_id);
    /* Write the condition "column col of r<app> holds the text" (negated when
     * neg); limit > 0: only the first limit matches in id order (asc or desc)
     * are wanted. Returns what its placeholders take, in order: 'p' the text as
     * a phrase in double quotes, 'l' a LIKE pattern (%text%, wildcards escaped). */
    const char *(*search_cond)(struct ts_buf *sql, int64_t app, const char *col, bool neg,
                               int64_t limit, bool asc);
    /* An ordered value index (store/indexes.c; NULL: the backend has none). */
    int (*ordered_create)(struct ts_ctx *cx, const struct ts_app *app,
                          const struct ts_index_spec *s, const char *name);
    int (*ordered_drop)(struct ts_ctx *cx, const char *name);
    /* A table's columns in order (NULL with cx->err set on failure). */
    const char **(*columns)(struct ts_ctx *cx, const char *table, int *n);
    /* The largest id each table has given out (deleted rows' too), in the arena. */
    const struct ts_id_mark *(*id_marks)(struct ts_ctx *cx, int *n);
    /* After rows were copied in with their ids: the ids given out next follow
     * both them and the source's marks, so no deleted row's id comes back. */
    int (*after_copy)(struct ts_ctx *cx, const struct ts_id_mark *marks, int n);
    /* planner statistics for app's tables after its indexes changed */
    int (*analyze)(struct ts_ctx *cx, int64_t app_id);

    /* dialect */
    const char *id_col;      /* an integer primary key the database gives out */
    const char *int_col;     /* a 64-bit integer */
    const char *text_col;    /* text, ordered by its bytes (code points) */
    const char *number_col;  /* a NUMBER field's value */
    const char *list_sql;    /* rows of one column from a JSON array of text bound at ? */
    const char *like_op;     /* LIKE as SQLite's: case-insensitive for ASCII */
    const char *forced_join; /* a join the planner must take in the order written */
    /* JSON of a table's rows: an aggregate of arrays */
    const char *json_group_fn, *json_array_fn;
    /* rows (as `e`) of the objects in a JSON text column: a format for the
     * column, and the expression of the current object's "name" */
    const char *json_each_fmt, *json_name_expr;
    /* Graphs: a date-and-time column (epoch seconds) as local "YYYY-MM-DD HH:MM"
     * text in zone tz (whose offset now is offset seconds), and the first day
     * (a Sunday) of the week of a "YYYY-MM-DD" text expression. */
    void (*local_minute)(struct ts_buf *sql, const char *col, const char *tz, int64_t offset);
    const char *week_start_fmt; /* the expression twice */
    bool null_limit;            /* "no limit" is LIMIT NULL (else LIMIT -1) */
    bool exact_numbers;         /* NUMBER columns hold exact decimals: bound as text */
    /* ORDER BY directions with NULLs first when ascending (SQLite's order), and
     * the same for an index's columns */
    const char *asc, *desc, *index_order;
    /* after an index's columns: what orders ties by id (SQLite's indexes end in the rowid) */
    const char *index_tail;
    /* after a SELECT: its rows are locked until the transaction ends (other
     * writers wait), or those locked by another are passed over */
    const char *for_update, *skip_locked;

    /* The server's life (store.h's ts_db_*; NULL: nothing to do). */
    void (*server_mode)(struct ts_db *db);
    int (*checkpoint)(struct ts_db *db);
    int (*index_pending)(struct ts_db *db);
    void (*optimize)(struct ts_db *db);
    void (*bulk_mode)(struct ts_db *db, int cache_mb);
    struct ts_db *(*writer_acquire)(struct ts_ctx *cx);
    void (*writer_release)(struct ts_ctx *cx, struct ts_db *own);
    int (*wait_durable)(struct ts_ctx *cx);
};

struct ts_id_mark {
    const char *table;
    int64_t value;
};

#define TOUCHED_MAX 16

struct ts_db {
    const struct ts_driver *drv;
    int depth;                    /* nested ts_db_begin calls */
    bool failed;                  /* an inner level rolled back: the outer must too */
    bool write_tx;                /* the open transaction writes */
    int64_t touched[TOUCHED_MAX]; /* apps whose data generation this transaction advanced */
    int n_touched;
    enum db_err err_kind; /* the last failure */
    char err_msg[256];
};

static inline struct ts_stmt *db_prep(struct ts_ctx *cx, const char *sql)
{
    return cx->db->drv->prep(cx, sql);
}
static inline int db_step(struct ts_stmt *st)
{
    return st->db->drv->step(st);
}
static inline void db_done(struct ts_stmt *st)
{
    if (st)
        st->db->drv->done(st);
}
static inline void db_bind_int(struct ts_stmt *st, int i, int64_t v)
{
    st->db->drv->bind_int(st, i, v);
}
static inline void db_bind_double(struct ts_stmt *st, int i, double v)
{
    st->db->drv->bind_double(st, i, v);
}
static inline void db_bind_null(struct ts_stmt *st, int i)
{
    st->db->drv->bind_null(st, i);
}
static inline void db_bind_blob(struct ts_stmt *st, int i, const void *p, size_t len)
{
    st->db->drv->bind_blob(st, i, p, len);
}
/* NULL binds NULL */
static inline void db_bind_text(struct ts_stmt *st, int i, const char *s)
{
    if (s)
        st->db->drv->bind_text(st, i, s, strlen(s));
    else
        st->db->drv->bind_null(st, i);
}
/* a LIMIT: < 0 for none */
static inline void db_bind_limit(struct ts_stmt *st, int i, int64_t v)
{
    if (v < 0 && st->db->drv->null_limit)
        st->db->drv->bind_null(st, i);
    else
        st->db->drv->bind_int(st, i, v);
}
static inline int db_col_count(struct ts_stmt *st)
{
    return st->db->drv->col_count(st);
}
static inline enum db_type db_col_type(struct ts_stmt *st, int i)
{
    return st->db->drv->col_type(st, i);
}
static inline int64_t db_col_int(struct ts_stmt *st, int i)
{
    return st->db->drv->col_int(st, i);
}
static inline double db_col_double(struct ts_stmt *st, int i)
{
    return st->db->drv->col_double(st, i);
}
/* The column's text as it is (NULL for NULL), valid until the next step. */
static inline const char *db_col_raw(struct ts_stmt *st, int i)
{
    return st->db->drv->col_text(st, i, NULL);
}
static inline const void *db_col_blob(struct ts_ctx *cx, struct ts_stmt *st, int i, size_t *len)
{
    return st->db->drv->col_blob(cx, st, i, len);
}
static inline int64_t db_changes(struct ts_ctx *cx)
{
    return cx->db->drv->changes(cx->db);
}

/* sql.c */
/* Translate the connection's last failure into cx->err (GAIA_DA02 when busy). Returns -1. */
int db_fail(struct ts_ctx *cx, const char *what);
int db_exec(struct ts_ctx *cx, const char *sql);
int db_execf(struct ts_ctx *cx, const char *fmt, ...) TS_PRINTF(2, 3);
const char *db_col_text(struct ts_ctx *cx, struct ts_stmt *st, int i); /* arena copy or NULL */
/* Bind strings as one JSON array, for `x IN (<drv->list_sql>)`. */
void db_bind_list(struct ts_ctx *cx, struct ts_stmt *st, int i, const char *const *v, int n);
/* Step st to its end and give it back: each row's first column as text, or its
 * (text, integer) as an id mark; arena arrays, NULL with cx->err set on failure. */
const char **db_text_rows(struct ts_ctx *cx, struct ts_stmt *st, int *n, const char *what);
const struct ts_id_mark *db_id_mark_rows(struct ts_ctx *cx, struct ts_stmt *st, int *n);
/* Step a statement that returns nothing (or a row to ignore), then give it back. */
int db_step_done(struct ts_ctx *cx, struct ts_stmt *st, const char *what);
/* Step a statement returning one integer (an id from RETURNING, a count): the
 * value, 0 when there was no row, -1 on failure. */
int64_t db_step_int(struct ts_ctx *cx, struct ts_stmt *st, const char *what);
/* Bind a NUMBER value: integer when it is one, double when that is exact, text otherwise. */
void db_bind_number(struct ts_stmt *st, int i, const char *s);
/* Read a NUMBER column back as kintone decimal text (arena), NULL when NULL. */
const char *db_col_number(struct ts_ctx *cx, struct ts_stmt *st, int i);
/* The shortest decimal text that reads back as d, normalised as kintone's. */
void db_double_text(double d, char out[64]);

/* indexes.c */
/* Before a field's column goes: drop the view indexes and ordered value
 * indexes that name it; the deploy makes what views still want afterwards. */
int ts_store__view_indexes_drop_field(struct ts_ctx *cx, int64_t app_id, const struct ts_field *f);
bool ts_store__is_search_field(const struct ts_field *f);
bool ts_store__has_search(const struct ts_app *app);
/* "f3,f7,f9": the searched columns of an app, in field order, each after prefix. */
void ts_store__search_columns(const struct ts_app *app, struct ts_buf *b, const char *prefix);

/* records.c: records of app are about to change in this transaction. Advances
 * the app's data generation (once a transaction) and queues its search index. */
int ts_store__touch(struct ts_ctx *cx, const struct ts_app *app);
/* The generation as a statement of this transaction sees it; -1 on failure. */
int64_t ts_store__data_gen(struct ts_ctx *cx, int64_t app_id);
int ts_store__data_gen_bump(struct ts_ctx *cx, int64_t app_id);

/* The column type of a field's values on this driver. */
const char *ts_store__col_type(const struct ts_driver *d, const struct ts_field *f);

/* counts.c: totals remembered for a (query, data generation) key */
bool ts_store__count_cached(const char *key, size_t len, int64_t *count);
void ts_store__count_remember(const char *key, size_t len, int64_t count);
/* A graph's rows (cells NUL-terminated, each after a byte: 1 a value, 0 null),
 * remembered likewise (store/counts.c); the cached ones appended to rows. */
bool ts_store__rows_cached(const char *key, size_t len, struct ts_buf *rows);
void ts_store__rows_remember(const char *key, size_t len, const char *rows, size_t rows_len);

/* the drivers */
struct ts_db *ts_sqlite_open(const char *path, char *errbuf, size_t errlen);
struct ts_db *ts_pg_open(const char *uri, char *errbuf, size_t errlen);

#define MULTI_SEP '\x1f' /* joins multi-valued fields in the main column */

#endif
