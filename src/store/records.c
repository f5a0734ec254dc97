/*
 * store/records.c - the record table of each app, and queries over it.
 *
 * One table per app, r<app>, with one column per field named by the field's
 * stable id (f<fid>), so renaming a field code touches no data (DESIGN §3).
 * Multi-valued fields keep their values joined in the main column (for reading)
 * and one row per value in r<app>_m (rec, fid, val), indexed on (fid, val), so
 * that `in` / `not in` are index lookups, not scans over every record.
 * Empty values are stored as NULL whatever the type.
 *
 * Queries arrive as a checked plan (model/qplan.h); this file is where a plan
 * becomes SQL. Every value is bound; identifiers come only from the schema.
 */
#include "base/common.h"
#include "store/sql.h"
#include "base/buf.h"
#include "base/jw.h"
#include "base/str.h"
#include "base/tstime.h"

#define SYS_COLS   "id,rev,creator,created,modifier,updated,status,assignees"
#define N_SYS_COLS 8

/* A field with a column: in r<app>, or in its table's r<app>_t<fid>. */
static bool is_stored(const struct ts_field *f)
{
    enum ts_fkind k = ts_field_kind(f);
    return k == TS_K_TEXT || k == TS_K_NUMBER || k == TS_K_EPOCH || k == TS_K_MULTI ||
           k == TS_K_FILES;
}

/* A column of r<app>. */
static bool is_data(const struct ts_field *f)
{
    return !f->table && is_stored(f);
}

static bool is_table(const struct ts_field *f)
{
    return ts_field_kind(f) == TS_K_TABLE;
}

static const struct ts_field *find_fid(const struct ts_app *app, int fid)
{
    for (int i = 0; app && i < app->n_fields; i++)
        if (app->fields[i].fid == fid && ts_field_kind(&app->fields[i]) != TS_K_SYS)
            return &app->fields[i];
    return NULL;
}

/* Does `to` keep field f of `from` in the same place and storage? */
static bool kept(const struct ts_field *f, const struct ts_field *t)
{
    return t && ts_field_kind(t) == ts_field_kind(f) && (t->table == NULL) == (f->table == NULL) &&
           (!f->table || t->table->fid == f->table->fid);
}

const char *ts_store__col_type(const struct ts_driver *d, const struct ts_field *f)
{
    switch (ts_field_kind(f)) {
    case TS_K_EPOCH:
        return d->int_col;
    case TS_K_NUMBER:
        return d->number_col;
    default:
        return d->text_col;
    }
}

static const struct ts_field *by_fid(const struct ts_app *app, int fid)
{
    for (int i = 0; i < app->n_fields; i++)
        if (app->fields[i].fid == fid && is_data(&app->fields[i]))
            return &app->fields[i];
    return NULL;
}

/* SUBTABLEs: a child table per table, r<app>_t<fid>(id, rec, pos, f<inner>...),
 * rows in their order by pos; multi-valued inner fields also in r<app>_m keyed
 * by the row id (unique across the app, so never mistaken for another's). */
static int migrate_tables(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to)
{
    const struct ts_driver *d = cx->db->drv;
    long long a = (long long)to->id;
    for (int i = 0; from && i < from->n_fields; i++) {
        const struct ts_field *f = &from->fields[i];
        if (!(is_stored(f) && f->table) && !is_table(f))
            continue;
        if (kept(f, find_fid(to, f->fid)))
            continue;
        if (db_execf(cx, "DELETE FROM r%lld_m WHERE fid=%d", a, f->fid) < 0)
            return -1;
        if (is_table(f)) {
            if (db_execf(cx, "DROP TABLE IF EXISTS r%lld_t%d", a, f->fid) < 0)
                return -1;
        } else if (kept(f->table, find_fid(to, f->table->fid))) {
            if (db_execf(cx, "ALTER TABLE r%lld_t%d DROP COLUMN f%d", a, f->table->fid, f->fid) < 0)
                return -1;
        }
    }
    for (int i = 0; i < to->n_fields; i++) {
        const struct ts_field *t = &to->fields[i];
        if (!is_table(t) || kept(t, find_fid(from, t->fid)))
            continue;
        if (db_execf(cx,
                     "CREATE TABLE r%lld_t%d(id %s PRIMARY KEY, rec %s NOT NULL, pos %s NOT NULL)",
                     a, t->fid, d->int_col, d->int_col, d->int_col) < 0 ||
            db_execf(cx, "CREATE INDEX r%lld_t%d_r ON r%lld_t%d(rec, pos)", a, t->fid, a, t->fid) <
                0)
            return -1;
    }
    for (int i = 0; i < to->n_fields; i++) {
        const struct ts_field *t = &to->fields[i];
        if (!is_stored(t) || !t->table || kept(t, find_fid(from, t->fid)))
            continue;
        if (db_execf(cx, "ALTER TABLE r%lld_t%d ADD COLUMN f%d %s", a, t->table->fid, t->fid,
                     ts_store__col_type(d, t)) < 0)
            return -1;
    }
    return 0;
}

int ts_store_rtable_migrate(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to)
{
    const struct ts_driver *d = cx->db->drv;
    int64_t a = to->id;
    const char *ic = d->int_col, *tc = d->text_col;
    if (!from) {
        if (db_execf(cx,
                     "CREATE TABLE r%lld(id %s, rev %s NOT NULL, creator %s, created %s,"
                     " modifier %s, updated %s, status %s, assignees %s)",
                     (long long)a, d->id_col, ic, tc, ic, tc, ic, tc, tc) < 0 ||
            db_execf(cx, "CREATE TABLE r%lld_m(rec %s NOT NULL, fid %s NOT NULL, val %s NOT NULL)",
                     (long long)a, ic, ic, tc) < 0 ||
            db_execf(cx, "CREATE INDEX r%lld_m_v ON r%lld_m(fid, val, rec)", (long long)a,
                     (long long)a) < 0 ||
            db_execf(cx, "CREATE INDEX r%lld_m_r ON r%lld_m(rec, fid, val)", (long long)a,
                     (long long)a) < 0)
            return -1;
    }
    if (cx->db->drv->search_drop(cx, from, to) < 0 || ts_store__data_gen_bump(cx, a) < 0)
        return -1;
    /* fields gone, or whose storage changed */
    for (int i = 0; from && i < from->n_fields; i++) {
        const struct ts_field *f = &from->fields[i];
        if (!is_data(f))
            continue;
        const struct ts_field *t = by_fid(to, f->fid);
        if (t && ts_field_kind(t) == ts_field_kind(f))
            continue;
        if (ts_store__view_indexes_drop_field(cx, a, f) < 0 ||
            db_execf(cx, "DROP INDEX IF EXISTS r%lld_u%d", (long long)a, f->fid) < 0 ||
            db_execf(cx, "ALTER TABLE r%lld DROP COLUMN f%d", (long long)a, f->fid) < 0 ||
            db_execf(cx, "DELETE FROM r%lld_m WHERE fid=%d", (long long)a, f->fid) < 0)
            return -1;
    }
    /* fields new, or whose storage changed */
    for (int i = 0; i < to->n_fields; i++) {
        const struct ts_field *t = &to->fields[i];
        if (!is_data(t))
            continue;
        const struct ts_field *f = from ? by_fid(from, t->fid) : NULL;
        if (!f || ts_field_kind(t) != ts_field_kind(f))
            if (db_execf(cx, "ALTER TABLE r%lld ADD COLUMN f%d %s", (long long)a, t->fid,
                         ts_store__col_type(d, t)) < 0)
                return -1;
        /* A unique index enforces the rule under concurrency and serves
         * updateKey lookups. Empty values are NULL, so they never collide. */
        if (t->unique) {
            if (db_execf(cx,
                         "CREATE UNIQUE INDEX IF NOT EXISTS r%lld_u%d ON r%lld(f%d)"
                         " WHERE f%d IS NOT NULL",
                         (long long)a, t->fid, (long long)a, t->fid, t->fid) < 0)
                return -1;
        } else if (db_execf(cx, "DROP INDEX IF EXISTS r%lld_u%d", (long long)a, t->fid) < 0) {
            return -1;
        }
    }
    if (migrate_tables(cx, from, to) < 0)
        return -1;
    return cx->db->drv->search_create(cx, from, to);
}

static bool exists_query(struct ts_ctx *cx, const char *sql, bool lengths, int min_len, int max_len)
{
    struct ts_stmt *st = db_prep(cx, sql);
    if (!st)
        return true;
    if (lengths) {
        db_bind_int(st, 1, min_len);
        db_bind_int(st, 2, max_len);
    }
    int rc = db_step(st);
    bool found = rc == DB_ROW;
    if (rc != DB_ROW && rc != DB_DONE) {
        db_fail(cx, "deploy check");
        found = true;
    }
    db_done(st);
    return found;
}

bool ts_store_rtable_has_duplicates(struct ts_ctx *cx, const struct ts_app *app,
                                    const struct ts_field *f)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT 1 FROM r%lld WHERE %s IS NOT NULL GROUP BY %s HAVING count(*) > 1 LIMIT 1",
             (long long)app->id, f->column, f->column);
    return exists_query(cx, sql, false, 0, 0);
}

bool ts_store_rtable_has_length_outside(struct ts_ctx *cx, const struct ts_app *app,
                                        const struct ts_field *f, int min_len, int max_len)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT 1 FROM r%lld WHERE %s IS NOT NULL AND (length(%s) < ?1 OR length(%s) > ?2)"
             " LIMIT 1",
             (long long)app->id, f->column, f->column, f->column);
    return exists_query(cx, sql, true, min_len < 0 ? 0 : min_len,
                        max_len < 0 ? INT32_MAX : max_len);
}

int ts_store_rtable_start_process(struct ts_ctx *cx, const struct ts_app *app, const char *first,
                                  const char *const *states, int n, bool creator_acts)
{
    char sql[400];
    snprintf(sql, sizeof(sql),
             "UPDATE r%lld SET status=?, assignees=%s"
             " WHERE status IS NULL OR status NOT IN (%s)",
             (long long)app->id, creator_acts ? "creator" : "NULL", cx->db->drv->list_sql);
    /* who must act is also kept by value in r<app>_m, for `作業者 in (...)` */
    const char *where =
        ts_arena_printf(cx->arena, "FROM r%lld WHERE status IS NULL OR status NOT IN (%s)",
                        (long long)app->id, cx->db->drv->list_sql);
    const char *steps[] = {
        ts_arena_printf(cx->arena, "DELETE FROM r%lld_m WHERE fid=%d AND rec IN (SELECT id %s)",
                        (long long)app->id, app->assignee->fid, where),
        creator_acts ? ts_arena_printf(cx->arena,
                                       "INSERT INTO r%lld_m(rec,fid,val) SELECT id, %d, creator %s"
                                       " AND creator IS NOT NULL",
                                       (long long)app->id, app->assignee->fid, where)
                     : NULL,
        sql,
    };
    for (size_t i = 0; i < TS_ARRAY_LEN(steps); i++) {
        if (!steps[i])
            continue;
        struct ts_stmt *st = db_prep(cx, steps[i]);
        if (!st)
            return -1;
        bool update = steps[i] == sql;
        if (update)
            db_bind_text(st, 1, first);
        db_bind_list(cx, st, update ? 2 : 1, states, n);
        if (db_step_done(cx, st, "process start") < 0)
            return -1;
    }
    return db_changes(cx) > 0 ? ts_store__touch(cx, app) : 0;
}

/* ---------------------------------------------------------------- writing */

/* The data generation is a row of counters written in the same transaction as
 * the records, so any snapshot reads a generation that matches its data. */
static void data_gen_name(char *name, size_t len, int64_t app_id)
{
    snprintf(name, len, "data.%lld", (long long)app_id);
}

int ts_store__data_gen_bump(struct ts_ctx *cx, int64_t app_id)
{
    char name[48];
    data_gen_name(name, sizeof(name), app_id);
    return ts_store_counter_next(cx, name) < 0 ? -1 : 0;
}

int64_t ts_store__data_gen(struct ts_ctx *cx, int64_t app_id)
{
    char name[48];
    data_gen_name(name, sizeof(name), app_id);
    struct ts_stmt *st = db_prep(cx, "SELECT value FROM counters WHERE name=?");
    if (!st)
        return -1;
    db_bind_text(st, 1, name);
    int64_t gen = 0;
    int rc = db_step(st);
    if (rc == DB_ROW)
        gen = db_col_int(st, 0);
    else if (rc != DB_DONE)
        gen = db_fail(cx, "data generation");
    db_done(st);
    return gen;
}

static int search_touch(struct ts_ctx *cx, const struct ts_app *app)
{
    const struct ts_driver *d = cx->db->drv;
    return d->search_touch && ts_store__has_search(app) ? d->search_touch(cx, app) : 0;
}

int ts_store__touch(struct ts_ctx *cx, const struct ts_app *app)
{
    struct ts_db *db = cx->db;
    for (int i = 0; i < db->n_touched; i++)
        if (db->touched[i] == app->id)
            return search_touch(cx, app);
    if (ts_store__data_gen_bump(cx, app->id) < 0)
        return -1;
    if (db->n_touched < TOUCHED_MAX)
        db->touched[db->n_touched++] = app->id;
    return search_touch(cx, app);
}

static const char *join_multi(struct ts_ctx *cx, const struct ts_value *v)
{
    if (v->n == 0)
        return NULL;
    struct ts_buf b;
    ts_buf_init(&b);
    for (int i = 0; i < v->n; i++) {
        if (i)
            ts_buf_putc(&b, MULTI_SEP);
        ts_buf_puts(&b, v->v[i]);
    }
    char *s = ts_arena_strndup(cx->arena, b.p, b.len);
    ts_buf_release(&b);
    return s;
}

/* Attachments as stored: the API's value shape. */
static const char *files_json(struct ts_ctx *cx, const struct ts_value *v)
{
    if (v->n == 0)
        return NULL;
    struct ts_buf b;
    struct ts_jw w;
    ts_buf_init(&b);
    ts_jw_init(&w, &b);
    ts_files_write(&w, v);
    char *s = ts_arena_strndup(cx->arena, b.p, b.len);
    ts_buf_release(&b);
    return s;
}

static const char *assignees_text(struct ts_ctx *cx, const struct ts_record *r)
{
    struct ts_value v = {.n = r->n_assignees, .v = r->assignees};
    return join_multi(cx, &v);
}

static void bind_value(struct ts_ctx *cx, struct ts_stmt *st, int k, const struct ts_field *f,
                       const struct ts_value *v)
{
    switch (ts_field_kind(f)) {
    case TS_K_FILES:
        db_bind_text(st, k, files_json(cx, v));
        break;
    case TS_K_NUMBER:
        db_bind_number(st, k, v->s);
        break;
    case TS_K_EPOCH:
        if (v->s)
            db_bind_int(st, k, v->epoch);
        else
            db_bind_null(st, k);
        break;
    case TS_K_MULTI:
        db_bind_text(st, k, join_multi(cx, v));
        break;
    default:
        db_bind_text(st, k, v->s && *v->s ? v->s : NULL);
    }
}

static int write_multi(struct ts_ctx *cx, const struct ts_app *app, int64_t rec,
                       const struct ts_field *f, const struct ts_value *v, bool replace)
{
    char sql[128];
    if (replace) {
        snprintf(sql, sizeof(sql), "DELETE FROM r%lld_m WHERE rec=? AND fid=?", (long long)app->id);
        struct ts_stmt *st = db_prep(cx, sql);
        if (!st)
            return -1;
        db_bind_int(st, 1, rec);
        db_bind_int(st, 2, f->fid);
        int rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE)
            return db_fail(cx, "multi delete");
    }
    snprintf(sql, sizeof(sql), "INSERT INTO r%lld_m(rec,fid,val) VALUES(?,?,?)",
             (long long)app->id);
    for (int i = 0; i < v->n; i++) {
        struct ts_stmt *st = db_prep(cx, sql);
        if (!st)
            return -1;
        db_bind_int(st, 1, rec);
        db_bind_int(st, 2, f->fid);
        db_bind_text(st, 3, v->v[i]);
        int rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE)
            return db_fail(cx, "multi insert");
    }
    return 0;
}

static int write_assignees(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                           bool replace)
{
    struct ts_value v = {.n = r->n_assignees, .v = r->assignees};
    return app->assignee && (replace || v.n)
               ? write_multi(cx, app, r->id, app->assignee, &v, replace)
               : 0;
}

static int exec_bound(struct ts_ctx *cx, const char *sql, int64_t id, const char *what)
{
    struct ts_stmt *st = db_prep(cx, sql);
    if (!st)
        return -1;
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : db_fail(cx, what);
}

/* Forget a record's rows of table tf (and their multi-valued inner values). */
static int delete_rows(struct ts_ctx *cx, const struct ts_app *app, int64_t rec,
                       const struct ts_field *tf)
{
    long long a = (long long)app->id;
    char sql[192];
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *g = &app->fields[i];
        if (g->table != tf || ts_field_kind(g) != TS_K_MULTI)
            continue;
        snprintf(
            sql, sizeof(sql),
            "DELETE FROM r%lld_m WHERE fid=%d AND rec IN (SELECT id FROM r%lld_t%d WHERE rec=?)", a,
            g->fid, a, tf->fid);
        if (exec_bound(cx, sql, rec, "rows delete") < 0)
            return -1;
    }
    snprintf(sql, sizeof(sql), "DELETE FROM r%lld_t%d WHERE rec=?", a, tf->fid);
    return exec_bound(cx, sql, rec, "rows delete");
}

/* Store the rows of table tf for record rec (every row has its id by now). */
static int write_rows(struct ts_ctx *cx, const struct ts_app *app, int64_t rec,
                      const struct ts_field *tf, const struct ts_value *v, bool replace)
{
    if (replace && delete_rows(cx, app, rec, tf) < 0)
        return -1;
    if (v->n == 0)
        return 0;
    struct ts_buf sql, vals;
    ts_buf_init(&sql);
    ts_buf_init(&vals);
    ts_buf_printf(&sql, "INSERT INTO r%lld_t%d(id,rec,pos", (long long)app->id, tf->fid);
    ts_buf_puts(&vals, ") VALUES(?,?,?");
    for (int i = 0; i < app->n_fields; i++) {
        if (app->fields[i].table != tf || !is_stored(&app->fields[i]))
            continue;
        ts_buf_printf(&sql, ",%s", app->fields[i].column);
        ts_buf_puts(&vals, ",?");
    }
    ts_buf_add(&sql, vals.p, vals.len);
    ts_buf_puts(&sql, ")");
    ts_buf_release(&vals);
    int ret = 0;
    for (int r = 0; r < v->n && ret == 0; r++) {
        const struct ts_row *row = &v->rows[r];
        struct ts_stmt *st = db_prep(cx, sql.p);
        if (!st) {
            ret = -1;
            break;
        }
        db_bind_int(st, 1, row->id);
        db_bind_int(st, 2, rec);
        db_bind_int(st, 3, r);
        int k = 4;
        for (int i = 0; i < app->n_fields; i++)
            if (app->fields[i].table == tf && is_stored(&app->fields[i]))
                bind_value(cx, st, k++, &app->fields[i], &row->vals[i]);
        int rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE) {
            ret = db_fail(cx, "row insert");
            break;
        }
        for (int i = 0; i < app->n_fields && ret == 0; i++)
            if (app->fields[i].table == tf && ts_field_kind(&app->fields[i]) == TS_K_MULTI &&
                row->vals[i].n > 0)
                ret = write_multi(cx, app, row->id, &app->fields[i], &row->vals[i], false);
    }
    ts_buf_release(&sql);
    return ret;
}

int64_t ts_store_row_id_next(struct ts_ctx *cx, const struct ts_app *app)
{
    char name[48];
    snprintf(name, sizeof(name), "row.%lld", (long long)app->id);
    return ts_store_counter_next(cx, name);
}

static int unique_violation(struct ts_ctx *cx)
{
    if (cx->db->err_kind == DB_E_UNIQUE) {
        /* The caller checked first; this is a race with another writer. */
        return ts_fail(cx, TS_E_INVALID_INPUT, "unique index");
    }
    return db_fail(cx, "record write");
}

int ts_store_record_insert(struct ts_ctx *cx, const struct ts_app *app, struct ts_record *r)
{
    struct ts_buf sql, vals;
    ts_buf_init(&sql);
    ts_buf_init(&vals);
    ts_buf_printf(&sql, "INSERT INTO r%lld(rev,creator,created,modifier,updated,status,assignees",
                  (long long)app->id);
    ts_buf_puts(&vals, ") VALUES(1,?,?,?,?,?,?");
    for (int i = 0; i < app->n_fields; i++) {
        if (!is_data(&app->fields[i]))
            continue;
        ts_buf_putc(&sql, ',');
        ts_buf_puts(&sql, app->fields[i].column);
        ts_buf_add(&vals, ",?", 2);
    }
    ts_buf_add(&sql, vals.p, vals.len);
    ts_buf_puts(&sql, ") RETURNING id");
    struct ts_stmt *st = db_prep(cx, sql.p);
    ts_buf_release(&sql);
    ts_buf_release(&vals);
    if (!st)
        return -1;
    db_bind_text(st, 1, r->creator);
    db_bind_int(st, 2, r->created);
    db_bind_text(st, 3, r->modifier);
    db_bind_int(st, 4, r->updated);
    db_bind_text(st, 5, r->status);
    db_bind_text(st, 6, assignees_text(cx, r));
    int k = 7;
    for (int i = 0; i < app->n_fields; i++)
        if (is_data(&app->fields[i]))
            bind_value(cx, st, k++, &app->fields[i], &r->vals[i]);
    int rc = db_step(st);
    r->id = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (rc != DB_ROW)
        return unique_violation(cx);
    r->revision = 1;
    if (ts_store__touch(cx, app) < 0 || write_assignees(cx, app, r, false) < 0)
        return -1;
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *f = &app->fields[i];
        if (f->table)
            continue;
        if (ts_field_kind(f) == TS_K_MULTI && r->vals[i].n > 0 &&
            write_multi(cx, app, r->id, f, &r->vals[i], false) < 0)
            return -1;
        if (is_table(f) && write_rows(cx, app, r->id, f, &r->vals[i], false) < 0)
            return -1;
    }
    return 0;
}

int ts_store_record_update(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r)
{
    struct ts_buf sql;
    ts_buf_init(&sql);
    ts_buf_printf(&sql, "UPDATE r%lld SET rev=?,modifier=?,updated=?%s", (long long)app->id,
                  r->status_set ? ",status=?,assignees=?" : "");
    for (int i = 0; i < app->n_fields; i++)
        if (is_data(&app->fields[i]) && r->vals[i].set)
            ts_buf_printf(&sql, ",%s=?", app->fields[i].column);
    ts_buf_puts(&sql, " WHERE id=?");
    struct ts_stmt *st = db_prep(cx, sql.p);
    ts_buf_release(&sql);
    if (!st)
        return -1;
    db_bind_int(st, 1, r->revision);
    db_bind_text(st, 2, r->modifier);
    db_bind_int(st, 3, r->updated);
    int k = 4;
    if (r->status_set) {
        db_bind_text(st, k++, r->status);
        db_bind_text(st, k++, assignees_text(cx, r));
    }
    for (int i = 0; i < app->n_fields; i++)
        if (is_data(&app->fields[i]) && r->vals[i].set)
            bind_value(cx, st, k++, &app->fields[i], &r->vals[i]);
    db_bind_int(st, k, r->id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return unique_violation(cx);
    if (ts_store__touch(cx, app) < 0 || (r->status_set && write_assignees(cx, app, r, true) < 0))
        return -1;
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *f = &app->fields[i];
        if (f->table || !r->vals[i].set)
            continue;
        if (ts_field_kind(f) == TS_K_MULTI && write_multi(cx, app, r->id, f, &r->vals[i], true) < 0)
            return -1;
        if (is_table(f) && write_rows(cx, app, r->id, f, &r->vals[i], true) < 0)
            return -1;
    }
    return 0;
}

int ts_store_record_delete(struct ts_ctx *cx, const struct ts_app *app, int64_t id)
{
    if (ts_store__touch(cx, app) < 0)
        return -1;
    char sql[96];
    snprintf(sql, sizeof(sql), "DELETE FROM r%lld WHERE id=?", (long long)app->id);
    if (exec_bound(cx, sql, id, "record delete") < 0)
        return -1;
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *f = &app->fields[i];
        if (is_table(f) && delete_rows(cx, app, id, f) < 0)
            return -1;
        if (f->table || (ts_field_kind(f) != TS_K_MULTI && f != app->assignee))
            continue;
        /* by field: a table row's values share r<app>_m under the row's id */
        snprintf(sql, sizeof(sql), "DELETE FROM r%lld_m WHERE rec=? AND fid=%d", (long long)app->id,
                 f->fid);
        if (exec_bound(cx, sql, id, "record delete") < 0)
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- reading */

/* Column list for the wanted fields; returns how many columns follow the
 * system columns, recording for each the field index in cols[]. A table comes
 * as one column: its rows as a JSON array of [id, pos, inner values...]. */
static int select_list(const struct ts_driver *d, const struct ts_app *app, const bool *want,
                       struct ts_buf *sql, int *cols)
{
    int n = 0;
    long long a = (long long)app->id;
    ts_buf_puts(sql, SYS_COLS);
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *f = &app->fields[i];
        if (want && !want[i])
            continue;
        if (is_data(f)) {
            ts_buf_printf(sql, ",%s", f->column);
        } else if (is_table(f)) {
            ts_buf_printf(sql, ",(SELECT %s(%s(id,pos", d->json_group_fn, d->json_array_fn);
            for (int j = 0; j < app->n_fields; j++) {
                const struct ts_field *g = &app->fields[j];
                if (g->table == f && is_stored(g))
                    ts_buf_printf(sql, ts_field_kind(g) == TS_K_NUMBER ? ",tsnum(%s)" : ",%s",
                                  g->column);
            }
            ts_buf_printf(sql, ")) FROM r%lld_t%d WHERE rec=r%lld.id)", a, f->fid, a);
        } else {
            continue;
        }
        cols[n++] = i;
    }
    return n;
}

static void split_multi(struct ts_ctx *cx, const char *s, struct ts_value *v)
{
    int n = 1;
    for (const char *p = s; *p; p++)
        n += *p == MULTI_SEP;
    v->v = TS_NEW_N(cx->arena, const char *, (size_t)n);
    const char *start = s;
    for (const char *p = s;; p++) {
        if (*p == MULTI_SEP || !*p) {
            v->v[v->n++] = ts_arena_strndup(cx->arena, start, (size_t)(p - start));
            start = p + 1;
            if (!*p)
                break;
        }
    }
}

static void parse_files(struct ts_ctx *cx, const char *s, struct ts_value *v)
{
    json_t *j = json_loads(s, 0, NULL);
    ts_files_read(cx->arena, j, v);
    json_decref(j);
}

/* A stored value given as text (NUMBER already in kintone's form). */
static void value_from_text(struct ts_ctx *cx, const struct ts_field *f, const char *s,
                            struct ts_value *v)
{
    if (!s)
        return;
    switch (ts_field_kind(f)) {
    case TS_K_MULTI:
        split_multi(cx, s, v);
        break;
    case TS_K_FILES:
        parse_files(cx, s, v);
        break;
    default:
        v->s = ts_arena_strdup(cx->arena, s);
    }
}

static int cmp_row_pos(const void *a, const void *b)
{
    int64_t x = json_integer_value(json_array_get(*(json_t *const *)a, 1));
    int64_t y = json_integer_value(json_array_get(*(json_t *const *)b, 1));
    return (x > y) - (x < y);
}

/* The rows of table tf from the JSON select_list made. */
static void parse_rows(struct ts_ctx *cx, const struct ts_app *app, const struct ts_field *tf,
                       const char *s, struct ts_value *v)
{
    json_t *j = s ? json_loads(s, 0, NULL) : NULL;
    size_t n = json_array_size(j);
    json_t **rows = TS_NEW_N(cx->arena, json_t *, n ? n : 1);
    for (size_t i = 0; i < n; i++)
        rows[i] = json_array_get(j, i);
    qsort(rows, n, sizeof(*rows), cmp_row_pos);
    v->rows = TS_NEW_N(cx->arena, struct ts_row, n ? n : 1);
    for (size_t r = 0; r < n; r++) {
        struct ts_row *row = &v->rows[v->n++];
        row->id = json_integer_value(json_array_get(rows[r], 0));
        row->vals = TS_NEW_N(cx->arena, struct ts_value, (size_t)app->n_fields);
        size_t k = 2;
        for (int i = 0; i < app->n_fields; i++) {
            const struct ts_field *g = &app->fields[i];
            if (g->table != tf || !is_stored(g))
                continue;
            const json_t *e = json_array_get(rows[r], k++);
            struct ts_value *gv = &row->vals[i];
            gv->set = true;
            if (ts_field_kind(g) == TS_K_EPOCH) {
                if (json_is_integer(e)) {
                    gv->s = "";
                    gv->epoch = json_integer_value(e);
                }
            } else if (json_is_integer(e)) {
                value_from_text(
                    cx, g, ts_arena_printf(cx->arena, "%lld", (long long)json_integer_value(e)),
                    gv);
            } else {
                value_from_text(cx, g, json_string_value(e), gv);
            }
        }
    }
    json_decref(j);
}

static struct ts_record *read_row(struct ts_ctx *cx, const struct ts_app *app, struct ts_stmt *st,
                                  const int *cols, int n_cols)
{
    struct ts_record *r = TS_NEW(cx->arena, struct ts_record);
    r->vals = TS_NEW_N(cx->arena, struct ts_value, (size_t)app->n_fields);
    r->id = db_col_int(st, 0);
    r->revision = db_col_int(st, 1);
    r->creator = db_col_text(cx, st, 2);
    r->created = db_col_int(st, 3);
    r->modifier = db_col_text(cx, st, 4);
    r->updated = db_col_int(st, 5);
    r->status = db_col_text(cx, st, 6);
    const char *who = db_col_raw(st, 7);
    if (who) {
        struct ts_value list = {0};
        split_multi(cx, who, &list);
        r->assignees = list.v;
        r->n_assignees = list.n;
    }
    for (int c = 0; c < n_cols; c++) {
        int i = cols[c], col = N_SYS_COLS + c;
        const struct ts_field *f = &app->fields[i];
        struct ts_value *v = &r->vals[i];
        v->set = true;
        switch (ts_field_kind(f)) {
        case TS_K_NUMBER:
            v->s = db_col_number(cx, st, col);
            break;
        case TS_K_EPOCH:
            if (db_col_type(st, col) != DB_NULL) {
                v->s = "";
                v->epoch = db_col_int(st, col);
            }
            break;
        case TS_K_TABLE:
            parse_rows(cx, app, f, db_col_raw(st, col), v);
            break;
        default:
            value_from_text(cx, f, db_col_raw(st, col), v);
        }
    }
    return r;
}

struct ts_record *ts_store_record_get(struct ts_ctx *cx, const struct ts_app *app, int64_t id)
{
    struct ts_buf sql;
    int *cols = TS_NEW_N(cx->arena, int, (size_t)app->n_fields);
    ts_buf_init(&sql);
    ts_buf_puts(&sql, "SELECT ");
    int n = select_list(cx->db->drv, app, NULL, &sql, cols);
    ts_buf_printf(&sql, " FROM r%lld WHERE id=?", (long long)app->id);
    struct ts_stmt *st = db_prep(cx, sql.p);
    ts_buf_release(&sql);
    if (!st)
        return NULL;
    db_bind_int(st, 1, id);
    struct ts_record *r = NULL;
    int rc = db_step(st);
    if (rc == DB_ROW)
        r = read_row(cx, app, st, cols, n);
    else if (rc != DB_DONE)
        db_fail(cx, "record get");
    db_done(st);
    return r;
}

int64_t ts_store_record_find(struct ts_ctx *cx, const struct ts_app *app, const struct ts_field *f,
                             const struct ts_value *v, int64_t exclude_id)
{
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT id FROM r%lld WHERE %s=? AND id<>? LIMIT 1",
             (long long)app->id, f->column);
    struct ts_stmt *st = db_prep(cx, sql);
    if (!st)
        return -1;
    if (f->type == TS_F_RECORD_NUMBER || f->type == TS_F___ID__) {
        int64_t id;
        db_bind_int(st, 1, v->s && ts_parse_i64(v->s, &id) == 0 ? id : -1);
    } else {
        bind_value(cx, st, 1, f, v);
    }
    db_bind_int(st, 2, exclude_id);
    int64_t found = 0;
    int rc = db_step(st);
    if (rc == DB_ROW)
        found = db_col_int(st, 0);
    else if (rc != DB_DONE)
        found = db_fail(cx, "record find");
    db_done(st);
    return found;
}

/* ---------------------------------------------------------------- plans to SQL */

struct binds {
    struct ts_ctx *cx;
    bool ordered_scan;           /* the sort key has an index: do not let `in` on a
                                  * multi-valued field drive the plan (see plan_sql) */
    const struct ts_qnode *skip; /* the condition a value index already applies */
    int64_t fts_limit;           /* > 0: the search index may stop after this many rowids */
    bool fts_asc;
    int n, cap;
    struct bind {
        enum { B_TEXT, B_NUMBER, B_INT } kind;
        const char *s;
        int64_t i;
    } * v;
};

static void add_bind(struct binds *b, int kind, const char *s, int64_t i)
{
    if (b->n == b->cap) {
        int cap = b->cap ? b->cap * 2 : 16;
        struct bind *v = TS_NEW_N(b->cx->arena, struct bind, (size_t)cap);
        if (b->n)
            memcpy(v, b->v, sizeof(*v) * (size_t)b->n);
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = (struct bind){kind, s, i};
}

static bool sys_is_int(const struct ts_field *f)
{
    return f->type != TS_F_CREATOR && f->type != TS_F_MODIFIER && f->type != TS_F_STATUS &&
           f->type != TS_F_STATUS_ASSIGNEE && f->type != TS_F_CATEGORY;
}

static void bind_qval(struct binds *b, const struct ts_field *f, const struct ts_qval *q)
{
    switch (ts_field_kind(f)) {
    case TS_K_NUMBER:
        add_bind(b, B_NUMBER, q->s, 0);
        break;
    case TS_K_EPOCH:
        add_bind(b, B_INT, NULL, q->i);
        break;
    case TS_K_SYS:
        if (sys_is_int(f))
            add_bind(b, B_INT, NULL, q->i);
        else
            add_bind(b, B_TEXT, q->s, 0);
        break;
    default:
        add_bind(b, B_TEXT, q->s, 0);
    }
}

static void placeholders(struct ts_buf *sql, struct binds *b, const struct ts_field *f,
                         const struct ts_qnode *n)
{
    ts_buf_putc(sql, '(');
    for (int i = 0; i < n->n_vals; i++) {
        ts_buf_puts(sql, i ? ",?" : "?");
        bind_qval(b, f, &n->vals[i]);
    }
    ts_buf_putc(sql, ')');
}

static const char *cmp_sql(enum ts_qop op)
{
    switch (op) {
    case TS_Q_EQ:
        return "=";
    case TS_Q_NE:
        return "<>";
    case TS_Q_LT:
        return "<";
    case TS_Q_GT:
        return ">";
    case TS_Q_LE:
        return "<=";
    default:
        return ">=";
    }
}

/* s between two `edge` characters, with `escape` put before each character of
 * `specials` (arena). */
static const char *quote_text(struct ts_ctx *cx, const char *s, char edge, const char *specials,
                              char escape)
{
    struct ts_buf b;
    ts_buf_init(&b);
    ts_buf_putc(&b, edge);
    for (; *s; s++) {
        if (strchr(specials, *s))
            ts_buf_putc(&b, escape);
        ts_buf_putc(&b, *s);
    }
    ts_buf_putc(&b, edge);
    char *p = ts_arena_strndup(cx->arena, b.p, b.len);
    ts_buf_release(&b);
    return p;
}

/* A LIKE pattern matching s anywhere, LIKE's own wildcards escaped. */
static const char *like_pattern(struct ts_ctx *cx, const char *s)
{
    return quote_text(cx, s, '%', "%_\\", '\\');
}

/* An FTS5 phrase: the text in double quotes, inner quotes doubled. */
static const char *fts_phrase(struct ts_ctx *cx, const char *s)
{
    return quote_text(cx, s, '"', "\"", '"');
}

static void cond_sql(struct ts_buf *sql, struct binds *b, const struct ts_app *app,
                     const struct ts_qnode *n)
{
    const struct ts_driver *d = b->cx->db->drv;
    const struct ts_field *f = n->field;
    const char *c = f->column;
    enum ts_fkind kind = ts_field_kind(f);
    bool textual = kind == TS_K_TEXT || (kind == TS_K_SYS && !sys_is_int(f));

    if (kind == TS_K_FILES) {
        if (n->op == TS_Q_EMPTY || n->op == TS_Q_NOT_EMPTY) {
            ts_buf_printf(sql, "%s IS %sNULL", c, n->op == TS_Q_EMPTY ? "" : "NOT ");
            return;
        }
        /* like on attachments: their file names */
        ts_buf_printf(sql, "%sEXISTS (SELECT 1 FROM %s AS e WHERE %s %s ? ESCAPE '\\')",
                      n->op == TS_Q_NOT_LIKE ? "NOT " : "",
                      ts_arena_printf(b->cx->arena, d->json_each_fmt, c), d->json_name_expr,
                      d->like_op);
        add_bind(b, B_TEXT, like_pattern(b->cx, n->vals[0].s), 0);
        return;
    }
    if (kind == TS_K_MULTI || f->type == TS_F_STATUS_ASSIGNEE) {
        if (n->op == TS_Q_EMPTY || n->op == TS_Q_NOT_EMPTY) {
            ts_buf_printf(sql, "%s IS %sNULL", c, n->op == TS_Q_EMPTY ? "" : "NOT ");
            return;
        }
        bool neg = n->op == TS_Q_NOT_IN;
        ts_buf_printf(sql, "(%sid %sIN (SELECT rec FROM r%lld_m WHERE fid=%d AND val IN ",
                      b->ordered_scan ? "+" : "", neg ? "NOT " : "", (long long)app->id, f->fid);
        placeholders(sql, b, f, n);
        ts_buf_puts(sql, ")");
        if (n->match_empty)
            ts_buf_printf(sql, neg ? " AND %s IS NOT NULL" : " OR %s IS NULL", c);
        ts_buf_puts(sql, ")");
        return;
    }

    switch (n->op) {
    case TS_Q_EQ:
        if (textual && !*n->vals[0].s) {
            ts_buf_printf(sql, "%s IS NULL", c);
            return;
        }
        ts_buf_printf(sql, "%s=?", c);
        bind_qval(b, f, &n->vals[0]);
        return;
    case TS_Q_NE:
        if (textual && !*n->vals[0].s) {
            ts_buf_printf(sql, "%s IS NOT NULL", c);
            return;
        }
        ts_buf_printf(sql, "(%s IS NULL OR %s<>?)", c, c);
        bind_qval(b, f, &n->vals[0]);
        return;
    case TS_Q_LT:
    case TS_Q_GT:
    case TS_Q_LE:
    case TS_Q_GE:
        ts_buf_printf(sql, "%s%s?", c, cmp_sql(n->op));
        bind_qval(b, f, &n->vals[0]);
        return;
    case TS_Q_IN:
        ts_buf_printf(sql, "(%s IN ", c);
        placeholders(sql, b, f, n);
        if (n->match_empty)
            ts_buf_printf(sql, " OR %s IS NULL", c);
        ts_buf_putc(sql, ')');
        return;
    case TS_Q_NOT_IN:
        if (n->match_empty)
            ts_buf_printf(sql, "(%s IS NOT NULL AND %s NOT IN ", c, c);
        else
            ts_buf_printf(sql, "(%s IS NULL OR %s NOT IN ", c, c);
        placeholders(sql, b, f, n);
        ts_buf_putc(sql, ')');
        return;
    case TS_Q_LIKE:
    case TS_Q_NOT_LIKE: {
        bool neg = n->op == TS_Q_NOT_LIKE;
        if (ts_utf8_len(n->vals[0].s) >= 3 && !f->table && ts_store__has_search(app)) {
            /* the search index finds the text anywhere in the field */
            const char *order = d->search_cond(sql, app->id, c, neg, b->fts_limit, b->fts_asc);
            for (; *order; order++)
                add_bind(b, B_TEXT,
                         *order == 'p' ? fts_phrase(b->cx, n->vals[0].s)
                                       : like_pattern(b->cx, n->vals[0].s),
                         0);
            return;
        }
        /* shorter than a trigram: a scan, with LIKE's own wildcards escaped */
        if (neg)
            ts_buf_printf(sql, "(%s IS NULL OR %s NOT %s ? ESCAPE '\\')", c, c, d->like_op);
        else
            ts_buf_printf(sql, "%s %s ? ESCAPE '\\'", c, d->like_op);
        add_bind(b, B_TEXT, like_pattern(b->cx, n->vals[0].s), 0);
        return;
    }
    case TS_Q_EMPTY:
        if (textual)
            ts_buf_printf(sql, "(%s IS NULL OR trim(%s, ' \t\n\r')='')", c, c);
        else
            ts_buf_printf(sql, "%s IS NULL", c);
        return;
    case TS_Q_NOT_EMPTY:
        if (textual)
            ts_buf_printf(sql, "(%s IS NOT NULL AND trim(%s, ' \t\n\r')<>'')", c, c);
        else
            ts_buf_printf(sql, "%s IS NOT NULL", c);
        return;
    }
}

static bool negative_op(enum ts_qop op)
{
    return op == TS_Q_NOT_IN || op == TS_Q_NOT_LIKE || op == TS_Q_NOT_EMPTY || op == TS_Q_NE;
}

/* Conditions on inner fields of one table (KINTONE-API.md §8): positive ones
 * hold together on one row; a negative one holds when the table has rows and
 * every row meets it. Records with no rows match neither. */
static void rows_sql(struct ts_buf *sql, struct binds *b, const struct ts_app *app,
                     const struct ts_qnode *const *conds, int n)
{
    long long a = (long long)app->id;
    int t = conds[0]->field->table->fid;
    if (negative_op(conds[0]->op)) {
        ts_buf_printf(sql,
                      "(r%lld.id IN (SELECT rec FROM r%lld_t%d) AND r%lld.id NOT IN"
                      " (SELECT rec FROM r%lld_t%d WHERE NOT coalesce(",
                      a, a, t, a, a, t);
        cond_sql(sql, b, app, conds[0]);
        ts_buf_puts(sql, ",FALSE)))");
        return;
    }
    ts_buf_printf(sql, "r%lld.id IN (SELECT rec FROM r%lld_t%d WHERE ", a, a, t);
    for (int i = 0; i < n; i++) {
        if (i)
            ts_buf_puts(sql, " AND ");
        cond_sql(sql, b, app, conds[i]);
    }
    ts_buf_putc(sql, ')');
}

static bool row_cond(const struct ts_qnode *n)
{
    return n && n->kind == TS_QN_COND && n->field->table;
}

static int and_terms(const struct ts_qnode *n, const struct ts_qnode **out, int k)
{
    if (n->kind != TS_QN_AND) {
        if (out)
            out[k] = n;
        return k + 1;
    }
    return and_terms(n->b, out, and_terms(n->a, out, k));
}

static void where_sql(struct ts_buf *sql, struct binds *b, const struct ts_app *app,
                      const struct ts_qnode *n);

/* Terms joined by `and`, with positive conditions on the same table gathered
 * into one row test. */
static void and_sql(struct ts_buf *sql, struct binds *b, const struct ts_app *app,
                    const struct ts_qnode *n)
{
    int k = and_terms(n, NULL, 0);
    const struct ts_qnode **t = TS_NEW_N(b->cx->arena, const struct ts_qnode *, (size_t)k);
    const struct ts_qnode **group = TS_NEW_N(b->cx->arena, const struct ts_qnode *, (size_t)k);
    and_terms(n, t, 0);
    ts_buf_putc(sql, '(');
    bool first = true;
    for (int i = 0; i < k; i++) {
        if (!t[i])
            continue;
        ts_buf_puts(sql, first ? "" : " AND ");
        first = false;
        if (!row_cond(t[i]) || negative_op(t[i]->op)) {
            where_sql(sql, b, app, t[i]);
            continue;
        }
        int g = 0;
        for (int j = i; j < k; j++)
            if (row_cond(t[j]) && !negative_op(t[j]->op) &&
                t[j]->field->table == t[i]->field->table) {
                group[g++] = t[j];
                if (j > i)
                    t[j] = NULL;
            }
        rows_sql(sql, b, app, group, g);
    }
    ts_buf_putc(sql, ')');
}

static void where_sql(struct ts_buf *sql, struct binds *b, const struct ts_app *app,
                      const struct ts_qnode *n)
{
    switch (n->kind) {
    case TS_QN_TRUE:
        ts_buf_puts(sql, "TRUE");
        return;
    case TS_QN_FALSE:
        ts_buf_puts(sql, "FALSE");
        return;
    case TS_QN_COND:
        if (n == b->skip)
            ts_buf_puts(sql, "TRUE"); /* already the join's condition */
        else if (n->field->table)
            rows_sql(sql, b, app, &n, 1);
        else
            cond_sql(sql, b, app, n);
        return;
    case TS_QN_AND:
        and_sql(sql, b, app, n);
        return;
    case TS_QN_NOT:
        ts_buf_puts(sql, "NOT coalesce(");
        where_sql(sql, b, app, n->a);
        ts_buf_puts(sql, ",FALSE)");
        return;
    case TS_QN_REL: {
        /* some related record meets the condition; the subquery's unqualified
         * columns are the related app's own */
        const struct ts_qrel *rel = n->rel;
        ts_buf_printf(sql, "r%lld.%s IN (SELECT %s FROM r%lld WHERE ", (long long)app->id,
                      rel->mine->column, rel->theirs->column, (long long)rel->app->id);
        where_sql(sql, b, rel->app, n->a);
        if (rel->filter) {
            ts_buf_puts(sql, " AND ");
            where_sql(sql, b, rel->app, rel->filter);
        }
        ts_buf_puts(sql, ")");
        return;
    }
    case TS_QN_OR:
        ts_buf_putc(sql, '(');
        where_sql(sql, b, app, n->a);
        ts_buf_puts(sql, n->kind == TS_QN_AND ? " AND " : " OR ");
        where_sql(sql, b, app, n->b);
        ts_buf_putc(sql, ')');
        return;
    }
}

/* The condition `field in ("one value")` on a multi-valued field among the
 * conditions joined by `and` at the top, or NULL. */
static const struct ts_qnode *single_multi_in(const struct ts_qnode *n)
{
    if (!n)
        return NULL;
    if (n->kind == TS_QN_AND) {
        const struct ts_qnode *a = single_multi_in(n->a);
        return a ? a : single_multi_in(n->b);
    }
    if (n->kind == TS_QN_COND && ts_field_kind(n->field) == TS_K_MULTI && !n->field->table &&
        n->op == TS_Q_IN && n->n_vals == 1 && !n->match_empty)
        return n;
    return NULL;
}

/* ORDER BY the plan's keys. Ties are broken by id, in the direction of the
 * last key, so that an index on the keys (which ends in the rowid) gives the
 * whole order when read forwards or backwards; with no keys, newest first as
 * kintone. */
static void order_by(struct ts_buf *sql, const struct ts_driver *d, const struct ts_qplan *plan)
{
    bool has_id = false;
    bool desc = !plan->n_order || plan->order[plan->n_order - 1].desc;
    ts_buf_puts(sql, " ORDER BY ");
    for (int i = 0; i < plan->n_order; i++) {
        const struct ts_field *f = plan->order[i].field;
        bool id = strcmp(f->column, "id") == 0; /* never NULL: the primary key's order */
        ts_buf_printf(sql, "%s %s, ", f->column,
                      plan->order[i].desc ? (id ? "DESC" : d->desc) : (id ? "ASC" : d->asc));
        has_id |= id;
    }
    if (has_id)
        sql->len -= 2, sql->p[sql->len] = '\0';
    else
        ts_buf_puts(sql, desc ? "id DESC" : "id ASC");
}

/* FROM, WHERE, ORDER BY and LIMIT for a plan; ORDER BY and LIMIT only when
 * order and page are set. */
static void plan_sql(struct ts_buf *sql, struct binds *b, const struct ts_app *app,
                     const struct ts_qplan *plan, bool order, bool page)
{
    const struct ts_driver *d = b->cx->db->drv;
    long long a = (long long)app->id;
    const char *drive_order = NULL; /* ORDER BY when a value index drives the page */
    bool by_id =
        !plan->n_order || (plan->n_order == 1 && !strcmp(plan->order[0].field->column, "id"));
    bool desc = !plan->n_order || plan->order[plan->n_order - 1].desc;
    const struct ts_qnode *drive = order && page ? single_multi_in(plan->where) : NULL;
    char name[96];
    /* A page of "records with this user (or check box value)" in the order of
     * the id, or of a key whose ordered value index a view made, is read from
     * that index directly: the first rows of the value are the page. */
    if (drive && by_id) {
        ts_buf_printf(sql, " FROM r%lld_m o %s r%lld ON r%lld.id=o.rec WHERE o.fid=%d AND o.val=?",
                      a, d->forced_join, a, a, drive->field->fid);
        drive_order = desc ? "o.rec DESC" : "o.rec ASC";
    } else if (drive && plan->n_order == 1) {
        snprintf(name, sizeof(name), "r%lld_o_%d_%s", a, drive->field->fid,
                 plan->order[0].field->column);
        if (d->ordered_create && d->has(b->cx, false, name) > 0) {
            ts_buf_printf(sql, " FROM \"%s\" o %s r%lld ON r%lld.id=o.rec WHERE o.v=?", name,
                          d->forced_join, a, a);
            drive_order = ts_arena_printf(b->cx->arena, "o.k %s, o.rec %s", desc ? d->desc : d->asc,
                                          desc ? "DESC" : "ASC");
        }
    }
    if (drive_order) {
        bind_qval(b, drive->field, &drive->vals[0]);
        b->skip = drive;
        if (plan->where != drive) {
            ts_buf_puts(sql, " AND ");
            where_sql(sql, b, app, plan->where);
        }
        ts_buf_printf(sql, " ORDER BY %s LIMIT ? OFFSET ?", drive_order);
        return;
    }

    /* A page sorted by a field a view indexes is best read along that index,
     * testing each row's multi-valued fields against the `in` list, and stopping
     * at the page's end. Left alone, SQLite starts from the `in` list instead
     * and sorts every match (50,000 for one user of twenty in a million). The
     * unary + on id keeps the list from choosing the plan; the list is still
     * built once (a contiguous index range) and each row is a lookup in it,
     * which measured 4x faster than probing r<app>_m row by row. */
    if (order && page && !by_id) {
        snprintf(name, sizeof(name), "r%lld_v_%s", a, plan->order[0].field->column);
        b->ordered_scan = d->has(b->cx, true, name) > 0;
    }
    ts_buf_printf(sql, " FROM r%lld", a);
    if (plan->where) {
        ts_buf_puts(sql, " WHERE ");
        where_sql(sql, b, app, plan->where);
    }
    if (order)
        order_by(sql, d, plan);
    if (page)
        ts_buf_puts(sql, " LIMIT ? OFFSET ?");
}

static int search_sync(struct ts_ctx *cx, int64_t app_id)
{
    const struct ts_driver *d = cx->db->drv;
    return d->search_sync ? d->search_sync(cx, app_id) : 0;
}

static void bind_all(struct ts_stmt *st, const struct binds *b)
{
    for (int i = 0; i < b->n; i++) {
        const struct bind *v = &b->v[i];
        if (v->kind == B_INT)
            db_bind_int(st, i + 1, v->i);
        else if (v->kind == B_NUMBER)
            db_bind_number(st, i + 1, v->s);
        else
            db_bind_text(st, i + 1, v->s);
    }
}

int ts_store_records_select(struct ts_ctx *cx, const struct ts_app *app,
                            const struct ts_qplan *plan, const bool *want, ts_record_fn *fn,
                            void *arg)
{
    /* records written earlier in this transaction must be searchable too */
    if (search_sync(cx, app->id) < 0)
        return -1;
    struct ts_buf sql;
    struct binds b = {.cx = cx};
    /* A search alone, newest (or oldest) first -- the keyword box -- needs only
     * the first limit+offset matches of the index, which returns rowids in
     * order; a common word would otherwise list every match first. */
    const struct ts_qnode *w = plan->where;
    if (w && w->kind == TS_QN_COND && w->op == TS_Q_LIKE && plan->has_limit && plan->limit >= 0 &&
        (plan->n_order == 0 ||
         (plan->n_order == 1 && !strcmp(plan->order[0].field->column, "id")))) {
        b.fts_limit = plan->limit + plan->offset;
        b.fts_asc = plan->n_order == 1 && !plan->order[0].desc;
    }
    int *cols = TS_NEW_N(cx->arena, int, (size_t)app->n_fields);
    ts_buf_init(&sql);
    ts_buf_puts(&sql, "SELECT ");
    int n = select_list(cx->db->drv, app, want, &sql, cols);
    if (plan->n_order > 1 && plan->has_limit) {
        /* Several sort keys: the rows sharing the first key's values are sorted
         * by the others; done on ids alone (from an index holding the keys, when
         * a view made one), the page's own rows read after, not every tie's. */
        ts_buf_printf(&sql, " FROM r%lld JOIN (SELECT id AS k", (long long)app->id);
        plan_sql(&sql, &b, app, plan, true, true);
        ts_buf_printf(&sql, ") p ON r%lld.id=p.k", (long long)app->id);
        order_by(&sql, cx->db->drv, plan);
    } else {
        plan_sql(&sql, &b, app, plan, true, true);
    }
    struct ts_stmt *st = db_prep(cx, sql.p);
    ts_buf_release(&sql);
    if (!st)
        return -1;
    bind_all(st, &b);
    db_bind_limit(st, b.n + 1, plan->has_limit ? plan->limit : -1);
    db_bind_int(st, b.n + 2, plan->offset);
    int rc, ret = 0;
    while ((rc = db_step(st)) == DB_ROW)
        if (fn(cx, read_row(cx, app, st, cols, n), arg) < 0) {
            ret = -1;
            break;
        }
    if (ret == 0 && rc != DB_DONE)
        ret = db_fail(cx, "records select");
    db_done(st);
    return ret;
}

/* ---------------------------------------------------------------- graphs */

/* A date-and-time column: epoch seconds (DATETIME, the created and updated times). */
static bool is_epoch(const struct ts_field *f)
{
    return f->type == TS_F_DATETIME || f->type == TS_F_CREATED_TIME || f->type == TS_F_UPDATED_TIME;
}

/* A number as kintone writes it ("12", not "12.0"), in the arena. */
static const char *number_text(struct ts_ctx *cx, const char *s)
{
    char buf[128];
    if (s && ts_number_normalize(s, buf, sizeof(buf)) == 0)
        return ts_arena_strdup(cx->arena, buf);
    return s;
}

/* A graph's group key: the value, a date's (or date-time's, in the caller's
 * zone) year ... minute as sortable text, or each value of a multi-valued
 * field through its join m<i>. */
static void group_key(struct ts_buf *sql, const struct ts_driver *d, const struct ts_app *app,
                      const struct ts_report_group *g, int i, const char *tz, int64_t offset)
{
    const struct ts_field *f = g->f;
    if (ts_field_kind(f) == TS_K_MULTI || f == app->assignee) {
        ts_buf_printf(sql, "m%d.val", i);
        return;
    }
    struct ts_buf t;
    ts_buf_init(&t);
    bool epoch = is_epoch(f);
    if (epoch)
        d->local_minute(&t, f->column, tz, offset);
    else
        ts_buf_puts(&t, f->column);
    const char *per = g->per, *v = t.p ? t.p : "";
    if (!per || (f->type == TS_F_DATE && !strcmp(per, "DAY")) ||
        (f->type == TS_F_TIME && !strcmp(per, "MINUTE")) || (epoch && !strcmp(per, "MINUTE")))
        ts_buf_puts(sql, v);
    else if (!strcmp(per, "YEAR"))
        ts_buf_printf(sql, "substr(%s,1,4)", v);
    else if (!strcmp(per, "QUARTER"))
        ts_buf_printf(
            sql, "substr(%s,1,4)||'-Q'||CAST((CAST(substr(%s,6,2) AS INTEGER)+2)/3 AS TEXT)", v, v);
    else if (!strcmp(per, "MONTH"))
        ts_buf_printf(sql, "substr(%s,1,7)", v);
    else if (!strcmp(per, "WEEK")) {
        struct ts_buf day;
        ts_buf_init(&day);
        ts_buf_printf(&day, "substr(%s,1,10)", v);
        ts_buf_printf(sql, d->week_start_fmt, day.p, day.p);
        ts_buf_release(&day);
    } else if (!strcmp(per, "DAY"))
        ts_buf_printf(sql, "substr(%s,1,10)", v);
    else if (!strcmp(per, "HOUR"))
        ts_buf_printf(sql,
                      f->type == TS_F_TIME ? "substr(%s,1,2)||':00'" : "substr(%s,1,13)||':00'", v);
    else
        ts_buf_puts(sql, v);
    ts_buf_release(&t);
}

static int report_rows(struct ts_ctx *cx, const struct ts_buf *sql, const struct binds *b,
                       const struct ts_report_group *groups, int n_groups,
                       const struct ts_report_value *values, int n_values, int64_t limit,
                       struct ts_buf *out);
static void count_key(struct ts_buf *key, int64_t app_id, int64_t gen, const struct ts_buf *sql,
                      const struct binds *b);

int ts_store_records_report(struct ts_ctx *cx, const struct ts_app *app,
                            const struct ts_qplan *plan, const struct ts_report_group *groups,
                            int n_groups, const struct ts_report_value *values, int n_values,
                            const struct ts_report_sort *sorts, int n_sorts, const char *tz,
                            int64_t offset, int64_t limit, ts_report_row_fn *fn, void *arg)
{
    if (search_sync(cx, app->id) < 0)
        return -1;
    const struct ts_driver *d = cx->db->drv;
    long long a = (long long)app->id;
    struct ts_buf sql;
    struct binds b = {.cx = cx};
    ts_buf_init(&sql);
    ts_buf_puts(&sql, "SELECT ");
    for (int i = 0; i < n_groups; i++) {
        group_key(&sql, d, app, &groups[i], i, tz, offset);
        ts_buf_printf(&sql, " AS k%d, ", i);
    }
    static const char *const fns[] = {"count", "sum", "avg", "max", "min"};
    for (int i = 0; i < n_values; i++)
        ts_buf_printf(&sql, "%s%s(%s) AS v%d", i ? ", " : "", fns[values[i].agg],
                      values[i].agg == TS_AGG_COUNT ? "*" : values[i].f->column, i);
    ts_buf_printf(&sql, " FROM r%lld", a);
    for (int i = 0; i < n_groups; i++) {
        const struct ts_field *f = groups[i].f;
        if (ts_field_kind(f) == TS_K_MULTI || f == app->assignee)
            ts_buf_printf(&sql, " LEFT JOIN r%lld_m m%d ON m%d.rec=r%lld.id AND m%d.fid=%d", a, i,
                          i, a, i, f->fid);
    }
    if (plan->where) {
        ts_buf_puts(&sql, " WHERE ");
        where_sql(&sql, &b, app, plan->where);
    }
    for (int i = 0; i < n_groups; i++)
        ts_buf_printf(&sql, "%sk%d", i ? ", " : " GROUP BY ", i);
    /* the graph's sorts, then its groups in order: a stable page of groups */
    ts_buf_puts(&sql, " ORDER BY ");
    for (int i = 0; i < n_sorts; i++)
        ts_buf_printf(&sql, "%c%d %s, ", sorts[i].group < 0 ? 'v' : 'k',
                      sorts[i].group < 0 ? 0 : sorts[i].group, sorts[i].desc ? d->desc : d->asc);
    for (int i = 0; i < n_groups; i++)
        ts_buf_printf(&sql, "k%d %s, ", i, d->asc);
    ts_buf_puts(&sql, "1 LIMIT ?");
    /* Outside a write transaction, the rows for the same query (rights and
     * zone are in its text and values) and data generation are still right. */
    struct ts_buf key, rows;
    ts_buf_init(&key);
    ts_buf_init(&rows);
    int ret = 0;
    bool cached = false;
    if (!cx->db->write_tx) {
        int64_t gen = ts_store__data_gen(cx, app->id);
        if (gen < 0) {
            ret = -1;
            goto out;
        }
        ts_buf_printf(&key, "graph %lld:", (long long)limit);
        count_key(&key, app->id, gen, &sql, &b);
        cached = ts_store__rows_cached(key.p, key.len, &rows);
    }
    if (!cached) {
        ret = report_rows(cx, &sql, &b, groups, n_groups, values, n_values, limit, &rows);
        if (ret == 0 && key.len)
            ts_store__rows_remember(key.p, key.len, rows.p ? rows.p : "", rows.len);
    }
    /* the rows, cell by cell: a byte (1 a value, 0 null), the text, NUL */
    int n = n_groups + n_values;
    const char **cells = TS_NEW_N(cx->arena, const char *, (size_t)n + 1);
    for (size_t at = 0; ret == 0 && at < rows.len;) {
        for (int i = 0; i < n; i++) {
            bool value = rows.p[at++];
            cells[i] = value ? rows.p + at : NULL;
            at += strlen(rows.p + at) + 1;
        }
        ret = fn(cx, cells, cells + n_groups, arg);
    }
out:
    ts_buf_release(&sql);
    ts_buf_release(&key);
    ts_buf_release(&rows);
    return ret;
}

/* Run a graph's query, its rows' cells into out as ts_store__rows_cached keeps them. */
static int report_rows(struct ts_ctx *cx, const struct ts_buf *sql, const struct binds *b,
                       const struct ts_report_group *groups, int n_groups,
                       const struct ts_report_value *values, int n_values, int64_t limit,
                       struct ts_buf *out)
{
    struct ts_stmt *st = db_prep(cx, sql->p);
    if (!st)
        return -1;
    bind_all(st, b);
    db_bind_limit(st, b->n + 1, limit);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        for (int c = 0; c < n_groups + n_values; c++) {
            const struct ts_field *f = c < n_groups ? groups[c].f : values[c - n_groups].f;
            bool agg = c >= n_groups;
            const char *text = NULL;
            if (db_col_type(st, c) != DB_NULL) {
                bool epoch = f && is_epoch(f);
                if (agg && epoch && values[c - n_groups].agg != TS_AGG_COUNT) {
                    char t[21];
                    ts_datetime_format(db_col_int(st, c), t);
                    text = ts_arena_strdup(cx->arena, t);
                } else {
                    text = db_col_text(cx, st, c);
                    if (agg || ts_field_kind(f) == TS_K_NUMBER)
                        text = number_text(cx, text);
                }
            }
            ts_buf_putc(out, text ? 1 : 0);
            ts_buf_add(out, text ? text : "", (text ? strlen(text) : 0) + 1);
        }
    }
    if (rc != DB_DONE)
        db_fail(cx, "graph");
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

/* app, generation, SQL and bound values, NUL-separated */
static void count_key(struct ts_buf *key, int64_t app_id, int64_t gen, const struct ts_buf *sql,
                      const struct binds *b)
{
    ts_buf_printf(key, "%lld:%lld:", (long long)app_id, (long long)gen);
    ts_buf_add(key, sql->p, sql->len + 1);
    for (int i = 0; i < b->n; i++) {
        const struct bind *v = &b->v[i];
        if (v->kind == B_INT)
            ts_buf_printf(key, "%d%lld", v->kind, (long long)v->i);
        else
            ts_buf_printf(key, "%d%s", v->kind, v->s ? v->s : "");
        ts_buf_putc(key, '\0');
    }
}

int64_t ts_store_records_count(struct ts_ctx *cx, const struct ts_app *app,
                               const struct ts_qplan *plan)
{
    /* records written earlier in this transaction must be searchable too */
    if (search_sync(cx, app->id) < 0)
        return -1;
    struct ts_buf sql;
    struct binds b = {.cx = cx};
    ts_buf_init(&sql);
    const struct ts_qnode *w = plan->where;
    if (w && w->kind == TS_QN_COND && ts_field_kind(w->field) == TS_K_MULTI && !w->field->table &&
        w->op == TS_Q_IN && !w->match_empty) {
        /* one `in` on a multi-valued field: count its index entries; a record
         * holds each value once, so one value needs no DISTINCT */
        ts_buf_printf(&sql, "SELECT count(%s) FROM r%lld_m WHERE fid=%d AND val IN ",
                      w->n_vals == 1 ? "*" : "DISTINCT rec", (long long)app->id, w->field->fid);
        placeholders(&sql, &b, w->field, w);
    } else {
        ts_buf_puts(&sql, "SELECT count(*)");
        plan_sql(&sql, &b, app, plan, false, false);
    }
    /* Outside a write transaction (which may yet roll back), a total counted
     * before for the same query and data generation is still right. */
    struct ts_buf key;
    ts_buf_init(&key);
    int64_t count = -1;
    if (!cx->db->write_tx) {
        int64_t gen = ts_store__data_gen(cx, app->id);
        if (gen < 0)
            goto out;
        count_key(&key, app->id, gen, &sql, &b);
        if (ts_store__count_cached(key.p, key.len, &count))
            goto out;
    }
    struct ts_stmt *st = db_prep(cx, sql.p);
    if (!st)
        goto out;
    bind_all(st, &b);
    int rc = db_step(st);
    if (rc == DB_ROW)
        count = db_col_int(st, 0);
    else
        db_fail(cx, "records count");
    db_done(st);
    if (count >= 0 && key.len)
        ts_store__count_remember(key.p, key.len, count);
out:
    ts_buf_release(&sql);
    ts_buf_release(&key);
    return count;
}

int64_t *ts_store_records_ids(struct ts_ctx *cx, const struct ts_app *app,
                              const struct ts_qplan *plan, size_t *n_out)
{
    /* records written earlier in this transaction must be searchable too */
    if (search_sync(cx, app->id) < 0)
        return NULL;
    struct ts_buf sql;
    struct binds b = {.cx = cx};
    ts_buf_init(&sql);
    ts_buf_printf(&sql, "SELECT r%lld.id", (long long)app->id);
    plan_sql(&sql, &b, app, plan, true, true);
    struct ts_stmt *st = db_prep(cx, sql.p);
    ts_buf_release(&sql);
    if (!st)
        return NULL;
    bind_all(st, &b);
    db_bind_limit(st, b.n + 1, plan->has_limit ? plan->limit : -1);
    db_bind_int(st, b.n + 2, plan->offset);
    size_t n = 0, cap = 1024;
    int64_t *ids = ts_xmalloc(cap * sizeof(*ids));
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap)
            ids = ts_xrealloc(ids, (cap *= 2) * sizeof(*ids));
        ids[n++] = db_col_int(st, 0);
    }
    db_done(st);
    if (rc != DB_DONE) {
        free(ids);
        db_fail(cx, "records ids");
        return NULL;
    }
    *n_out = n;
    return ids;
}

/* ---------------------------------------------------------------- renames */

/* In the joined multi-valued text `s`, the element `from` replaced by `to`;
 * NULL when s holds no such element. */
static char *replace_element(struct ts_ctx *cx, const char *s, const char *from, const char *to)
{
    struct ts_buf b;
    ts_buf_init(&b);
    bool found = false;
    for (const char *p = s;;) {
        const char *end = strchr(p, MULTI_SEP);
        size_t len = end ? (size_t)(end - p) : strlen(p);
        bool hit = len == strlen(from) && memcmp(p, from, len) == 0;
        found |= hit;
        if (b.len)
            ts_buf_putc(&b, MULTI_SEP);
        if (hit)
            ts_buf_puts(&b, to);
        else
            ts_buf_add(&b, p, len);
        if (!end)
            break;
        p = end + 1;
    }
    char *out = found ? ts_arena_strndup(cx->arena, b.p ? b.p : "", b.len) : NULL;
    ts_buf_release(&b);
    return out;
}

/* Column col of table t: every joined value holding `from` gets `to` instead. */
static int rename_in_joined(struct ts_ctx *cx, const char *t, const char *col, const char *from,
                            const char *to)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT id, %s FROM %s WHERE instr(%s, ?) > 0", col, t, col);
    struct ts_stmt *st = db_prep(cx, sql);
    if (!st)
        return -1;
    db_bind_text(st, 1, from);
    int rc;
    struct change {
        int64_t id;
        const char *text;
        struct change *next;
    } *changes = NULL;
    while ((rc = db_step(st)) == DB_ROW) {
        char *text = replace_element(cx, db_col_text(cx, st, 1), from, to);
        if (!text)
            continue;
        struct change *c = TS_NEW(cx->arena, struct change);
        *c = (struct change){db_col_int(st, 0), text, changes};
        changes = c;
    }
    db_done(st);
    if (rc != DB_DONE)
        return db_fail(cx, "rename read");
    snprintf(sql, sizeof(sql), "UPDATE %s SET %s=? WHERE id=?", t, col);
    for (struct change *c = changes; c; c = c->next) {
        if (!(st = db_prep(cx, sql)))
            return -1;
        db_bind_text(st, 1, c->text);
        db_bind_int(st, 2, c->id);
        if (db_step_done(cx, st, "rename write") < 0)
            return -1;
    }
    return 0;
}

/* Who must act, from the joined column into r<app>_m: for records written
 * before it was kept there too. */
int ts_store_rtable_index_assignees(struct ts_ctx *cx, const struct ts_app *app)
{
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT id, assignees FROM r%lld WHERE assignees IS NOT NULL",
             (long long)app->id);
    struct ts_stmt *st = db_prep(cx, sql);
    if (!st)
        return -1;
    struct acting {
        struct ts_record r;
        struct acting *next;
    } *list = NULL;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct acting *a = TS_NEW(cx->arena, struct acting);
        struct ts_value v = {0};
        split_multi(cx, db_col_text(cx, st, 1), &v);
        a->r = (struct ts_record){.id = db_col_int(st, 0), .assignees = v.v, .n_assignees = v.n};
        a->next = list;
        list = a;
    }
    db_done(st);
    if (rc != DB_DONE)
        return db_fail(cx, "assignee index");
    for (struct acting *a = list; a; a = a->next)
        if (write_assignees(cx, app, &a->r, true) < 0)
            return -1;
    return 0;
}

int ts_store_records_rename_user(struct ts_ctx *cx, const struct ts_app *app, const char *from,
                                 const char *to)
{
    long long a = (long long)app->id;
    char t[64];
    snprintf(t, sizeof(t), "r%lld", a);
    for (int k = 0; k < 2; k++) {
        char sql[128];
        snprintf(sql, sizeof(sql), "UPDATE %s SET %s=? WHERE %s=?", t, k ? "modifier" : "creator",
                 k ? "modifier" : "creator");
        struct ts_stmt *st = db_prep(cx, sql);
        if (!st)
            return -1;
        db_bind_text(st, 1, to);
        db_bind_text(st, 2, from);
        if (db_step_done(cx, st, "rename creator") < 0)
            return -1;
    }
    if (rename_in_joined(cx, t, "assignees", from, to) < 0)
        return -1;
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *f = &app->fields[i];
        if (f->type != TS_F_USER_SELECT && f != app->assignee)
            continue;
        char owner[64];
        snprintf(owner, sizeof(owner), "r%lld_t%d", a, f->table ? f->table->fid : 0);
        if (f != app->assignee &&
            rename_in_joined(cx, f->table ? owner : t, f->column, from, to) < 0)
            return -1;
        char sql[128];
        snprintf(sql, sizeof(sql), "UPDATE r%lld_m SET val=? WHERE fid=? AND val=?", a);
        struct ts_stmt *st = db_prep(cx, sql);
        if (!st)
            return -1;
        db_bind_text(st, 1, to);
        db_bind_int(st, 2, f->fid);
        db_bind_text(st, 3, from);
        if (db_step_done(cx, st, "rename values") < 0)
            return -1;
    }
    /* the records changed: totals and rights remembered for them are stale */
    return ts_store__touch(cx, app);
}
