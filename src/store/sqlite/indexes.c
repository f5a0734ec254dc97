/*
 * store/sqlite/indexes.c - the indexes of a record table beyond the primary key:
 * those saved views need, and the FTS5 trigram index that serves `like`.
 *
 * Views get indexes when they are deployed, not every field on every app: an
 * index costs every write, and most fields are never filtered on. A filter on a
 * field no view uses costs one table scan.
 *
 * Text fields that `like` may search (SINGLE_LINE_TEXT, MULTI_LINE_TEXT,
 * RICH_TEXT, LINK) are mirrored in r<app>_fts, an external-content FTS5 table
 * with the trigram tokenizer, kept in step by triggers. kintone's `like` finds
 * words in the middle of Japanese sentences; a trigram index does that for any
 * text of 3 characters or more (DESIGN §1).
 */
#include "base/common.h"
#include "store/sqlite/sqlite_int.h"
#include "base/log.h"
#include "base/buf.h"

#include <time.h>

static void forget(struct ts_db *db, int64_t app_id);

static bool is_fts_field(const struct ts_field *f)
{
    if (f->table)
        return false; /* rows are searched in their own table */
    return f->type == TS_F_SINGLE_LINE_TEXT || f->type == TS_F_MULTI_LINE_TEXT ||
           f->type == TS_F_RICH_TEXT || f->type == TS_F_LINK;
}

bool ts_store__has_fts(const struct ts_app *app)
{
    for (int i = 0; i < app->n_fields; i++)
        if (is_fts_field(&app->fields[i]))
            return true;
    return false;
}

/* "f3,f7,f9": the FTS columns of an app, in field order. */
static void fts_columns(const struct ts_app *app, struct ts_buf *b, const char *prefix)
{
    bool first = true;
    for (int i = 0; i < app->n_fields; i++) {
        if (!is_fts_field(&app->fields[i]))
            continue;
        ts_buf_printf(b, "%s%s%s", first ? "" : ",", prefix, app->fields[i].column);
        first = false;
    }
}

static bool same_fts(const struct ts_app *a, const struct ts_app *b)
{
    struct ts_buf x, y;
    ts_buf_init(&x);
    ts_buf_init(&y);
    fts_columns(a, &x, "");
    fts_columns(b, &y, "");
    bool same = x.len == y.len && (x.len == 0 || memcmp(x.p, y.p, x.len) == 0);
    ts_buf_release(&x);
    ts_buf_release(&y);
    return same;
}

/* Before columns change: drop the FTS table, its queue and triggers (they name
 * the columns) when the set of text fields changes. */
int ts_store__fts_drop(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to)
{
    if (!from || same_fts(from, to))
        return 0;
    long long a = (long long)to->id;
    char sql[256];
    static const char *const drops[] = {
        "DROP TRIGGER IF EXISTS r%lld_fts_i", "DROP TRIGGER IF EXISTS r%lld_fts_d",
        "DROP TRIGGER IF EXISTS r%lld_fts_u", "DROP TABLE IF EXISTS r%lld_fts",
        "DROP TABLE IF EXISTS r%lld_ftsq"};
    forget(cx->db, to->id);
    for (size_t i = 0; i < TS_ARRAY_LEN(drops); i++) {
        snprintf(sql, sizeof(sql), drops[i], a);
        if (db_exec(cx, sql) < 0)
            return -1;
    }
    return 0;
}

/*
 * After columns change: create the FTS table with its contents.
 *
 * Writing to an FTS5 table flushes its pending index data at the end of every
 * statement, and writes a new index segment at every commit, which made each
 * record write cost several times as much. So record writes only queue the
 * record's id (r<app>_ftsq, by triggers). The server's background thread
 * applies the queues every half second in three statements per app, however
 * many records they hold (ts_store__fts_index_pending); a transaction that
 * searches what it wrote itself applies its own queue first (ts_store__fts_sync).
 * The FTS table keeps its own copy of the text, so a queued id can be deleted
 * from it without the old values.
 */
int ts_store__fts_create(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to)
{
    if ((from && same_fts(from, to)) || !ts_store__has_fts(to))
        return 0;
    struct ts_buf cols, b;
    ts_buf_init(&cols);
    ts_buf_init(&b);
    fts_columns(to, &cols, "");
    const char *t = ts_arena_printf(cx->arena, "r%lld", (long long)to->id), *c = cols.p;
    ts_buf_printf(&b, "CREATE VIRTUAL TABLE %s_fts USING fts5(%s, tokenize='trigram');", t, c);
    ts_buf_printf(&b, "CREATE TABLE %s_ftsq(id INTEGER PRIMARY KEY);", t);
    ts_buf_printf(&b,
                  "CREATE TRIGGER %s_fts_i AFTER INSERT ON %s BEGIN"
                  " INSERT OR IGNORE INTO %s_ftsq(id) VALUES(new.id); END;",
                  t, t, t);
    ts_buf_printf(&b,
                  "CREATE TRIGGER %s_fts_d AFTER DELETE ON %s BEGIN"
                  " INSERT OR IGNORE INTO %s_ftsq(id) VALUES(old.id); END;",
                  t, t, t);
    ts_buf_printf(&b,
                  "CREATE TRIGGER %s_fts_u AFTER UPDATE OF %s ON %s BEGIN"
                  " INSERT OR IGNORE INTO %s_ftsq(id) VALUES(new.id); END;",
                  t, c, t, t);
    ts_buf_printf(&b, "INSERT INTO %s_fts(rowid,%s) SELECT id,%s FROM %s;", t, c, c, t);
    int rc = db_exec(cx, b.p);
    ts_buf_release(&cols);
    ts_buf_release(&b);
    return rc;
}

/* The statements that apply an app's queue to its FTS table (malloc'd). */
static char *sync_sql(const struct ts_app *app)
{
    struct ts_buf cols, rcols, b;
    ts_buf_init(&cols);
    ts_buf_init(&rcols);
    ts_buf_init(&b);
    fts_columns(app, &cols, "");
    fts_columns(app, &rcols, "r.");
    long long a = (long long)app->id;
    ts_buf_printf(&b, "DELETE FROM r%lld_fts WHERE rowid IN (SELECT id FROM r%lld_ftsq);", a, a);
    ts_buf_printf(&b,
                  "INSERT INTO r%lld_fts(rowid,%s) SELECT r.id,%s FROM r%lld_ftsq q"
                  " JOIN r%lld r ON r.id=q.id;",
                  a, cols.p, rcols.p, a, a);
    ts_buf_printf(&b, "DELETE FROM r%lld_ftsq;", a);
    ts_buf_release(&cols);
    ts_buf_release(&rcols);
    return ts_buf_detach(&b, NULL);
}

static void forget(struct ts_db *db, int64_t app_id)
{
    for (int i = 0; i < db->n_fts_dirty; i++) {
        if (db->fts_dirty[i].app_id != app_id)
            continue;
        free(db->fts_dirty[i].sql);
        db->fts_dirty[i] = db->fts_dirty[--db->n_fts_dirty];
        return;
    }
}

static int sync_one(struct ts_ctx *cx, int i)
{
    struct ts_db *db = cx->db;
    int rc = db_exec(cx, db->fts_dirty[i].sql);
    free(db->fts_dirty[i].sql);
    db->fts_dirty[i] = db->fts_dirty[--db->n_fts_dirty];
    return rc;
}

int ts_store__fts_touch(struct ts_ctx *cx, const struct ts_app *app)
{
    struct ts_db *db = cx->db;
    if (!ts_store__has_fts(app))
        return 0;
    for (int i = 0; i < db->n_fts_dirty; i++)
        if (db->fts_dirty[i].app_id == app->id)
            return 0;
    if (db->n_fts_dirty == FTS_DIRTY_MAX && sync_one(cx, 0) < 0)
        return -1;
    db->fts_dirty[db->n_fts_dirty].app_id = app->id;
    db->fts_dirty[db->n_fts_dirty].sql = sync_sql(app);
    db->n_fts_dirty++;
    return 0;
}

int ts_store__fts_sync(struct ts_ctx *cx, int64_t app_id)
{
    struct ts_db *db = cx->db;
    for (int i = db->n_fts_dirty - 1; i >= 0; i--)
        if (db->fts_dirty[i].app_id == app_id && sync_one(cx, i) < 0)
            return -1;
    return 0;
}

#define FTS_BATCH 20000

static int index_singly(struct ts_ctx *cx, long long app, const char *cols, const char *rcols);

int ts_store__fts_index_pending(struct ts_ctx *cx)
{
    sqlite3 *h = cx->db->h;
    sqlite3_stmt *st = NULL;
    int total = 0;
    /* every app's queue table, found in the schema */
    if (sqlite3_prepare_v2(h,
                           "SELECT name FROM sqlite_master WHERE type='table' AND"
                           " name GLOB 'r[0-9]*_ftsq'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    long long *apps = NULL;
    int n = 0, cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            long long *grown = TS_NEW_N(cx->arena, long long, (size_t)cap);
            if (n)
                memcpy(grown, apps, sizeof(*apps) * (size_t)n);
            apps = grown;
        }
        apps[n++] = strtoll((const char *)sqlite3_column_text(st, 0) + 1, NULL, 10);
    }
    sqlite3_finalize(st);
    for (int i = 0; i < n; i++) {
        long long app = apps[i];
        char sql[160];
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM r%lld_ftsq", app);
        int queued = 0;
        if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            queued = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        if (!queued)
            continue;
        /* the FTS table's columns are the app's text columns */
        struct ts_buf cols, rcols, b;
        ts_buf_init(&cols);
        ts_buf_init(&rcols);
        ts_buf_init(&b);
        snprintf(sql, sizeof(sql), "SELECT name FROM pragma_table_info('r%lld_fts')", app);
        if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK)
            while (sqlite3_step(st) == SQLITE_ROW) {
                const char *c = (const char *)sqlite3_column_text(st, 0);
                ts_buf_printf(&cols, "%s%s", cols.len ? "," : "", c);
                ts_buf_printf(&rcols, "%sr.%s", rcols.len ? "," : "", c);
            }
        sqlite3_finalize(st);
        /* a batch per transaction: after an import of a million rows the queue
         * is long, and writers must not wait for all of it */
        ts_buf_printf(&b,
                      "BEGIN IMMEDIATE;"
                      "CREATE TEMP TABLE IF NOT EXISTS fts_batch(id INTEGER PRIMARY KEY);"
                      "DELETE FROM temp.fts_batch;"
                      "INSERT INTO temp.fts_batch SELECT id FROM r%lld_ftsq ORDER BY id LIMIT %d;"
                      "DELETE FROM r%lld_fts WHERE rowid IN (SELECT id FROM temp.fts_batch);"
                      "INSERT INTO r%lld_fts(rowid,%s) SELECT r.id,%s FROM temp.fts_batch q"
                      " JOIN r%lld r ON r.id=q.id;"
                      "DELETE FROM r%lld_ftsq WHERE id IN (SELECT id FROM temp.fts_batch);"
                      /* searches see new matches: totals remembered before are stale */
                      "INSERT INTO counters(name,value) VALUES('data.%lld',1)"
                      " ON CONFLICT(name) DO UPDATE SET value=value+1; COMMIT;",
                      app, FTS_BATCH, app, app, cols.p ? cols.p : "", rcols.p ? rcols.p : "", app,
                      app, app);
        int rc = SQLITE_OK;
        for (int done = 0; cols.len && done < queued; done += FTS_BATCH) {
            if (done) { /* let a waiting writer in between batches */
                struct timespec pause = {0, 2 * 1000 * 1000};
                nanosleep(&pause, NULL);
            }
            char *why = NULL; /* the first error, before ROLLBACK resets it */
            rc = sqlite3_exec(h, b.p, NULL, NULL, &why);
            if (rc != SQLITE_OK) {
                sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
                if ((rc & 0xff) != SQLITE_BUSY) {
                    TS_LOG_WARN(cx, "store", "search index of app %lld: %s; one record at a time",
                                app, why ? why : sqlite3_errstr(rc));
                    rc = index_singly(cx, app, cols.p, rcols.p);
                }
                sqlite3_free(why);
                break;
            }
            total += queued - done < FTS_BATCH ? queued - done : FTS_BATCH;
        }
        ts_buf_release(&cols);
        ts_buf_release(&rcols);
        ts_buf_release(&b);
        if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)
            return db_fail(cx, rc, "search index");
    }
    return total;
}

/* A batch failed: index the queued records one by one, so that one record the
 * index cannot take is left out (and said once in the log) instead of holding
 * up its app's queue, retried forever. */
static int index_singly(struct ts_ctx *cx, long long app, const char *cols, const char *rcols)
{
    sqlite3 *h = cx->db->h;
    char *sql = sqlite3_mprintf("SELECT id FROM r%lld_ftsq ORDER BY id LIMIT %d", app, FTS_BATCH);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    sqlite3_free(sql);
    int64_t *ids = NULL;
    int n = 0;
    while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        ids = ts_xrealloc(ids, sizeof(*ids) * (size_t)(n + 1));
        ids[n++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    for (int i = 0; rc == SQLITE_OK && i < n; i++) {
        long long id = (long long)ids[i];
        char *one = sqlite3_mprintf("BEGIN IMMEDIATE;"
                                    "DELETE FROM r%lld_fts WHERE rowid=%lld;"
                                    "INSERT INTO r%lld_fts(rowid,%s) SELECT r.id,%s FROM r%lld r"
                                    " WHERE r.id=%lld;"
                                    "DELETE FROM r%lld_ftsq WHERE id=%lld; COMMIT;",
                                    app, id, app, cols, rcols, app, id, app, id);
        char *why = NULL;
        rc = sqlite3_exec(h, one, NULL, NULL, &why);
        sqlite3_free(one);
        if (rc != SQLITE_OK) {
            sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
            if ((rc & 0xff) != SQLITE_BUSY) {
                TS_LOG_ERROR(cx, "store", "search index of app %lld: record %lld left out: %s", app,
                             id, why ? why : sqlite3_errstr(rc));
                char *drop = sqlite3_mprintf("DELETE FROM r%lld_ftsq WHERE id=%lld", app, id);
                rc = sqlite3_exec(h, drop, NULL, NULL, NULL);
                sqlite3_free(drop);
            }
        }
        sqlite3_free(why);
    }
    free(ids);
    return rc;
}

void ts_store__fts_discard(struct ts_db *db)
{
    while (db->n_fts_dirty > 0)
        free(db->fts_dirty[--db->n_fts_dirty].sql);
}

static void index_name(const struct ts_app *app, const struct ts_index_spec *s, struct ts_buf *b)
{
    if (s->multi) {
        ts_buf_printf(b, "r%lld_o_%d_%s", (long long)app->id, s->fields[0]->fid,
                      s->fields[1]->column);
        return;
    }
    ts_buf_printf(b, "r%lld_v", (long long)app->id);
    for (int i = 0; i < s->n; i++)
        ts_buf_printf(b, "_%s", s->fields[i]->column);
}

/*
 * An ordered value index r<app>_o_<fid>_<col>: one row per value of the
 * multi-valued field fid, carrying the record's sort key col, indexed on
 * (value, key, record). Triggers keep it in step with r<app>_m (the values)
 * and r<app> (the key); they name col, so they go before a column is dropped.
 */
static int drop_ordered(struct ts_ctx *cx, const char *name)
{
    char sql[512];
    snprintf(sql, sizeof(sql),
             "DROP TRIGGER IF EXISTS \"%s_i\"; DROP TRIGGER IF EXISTS \"%s_d\";"
             " DROP TRIGGER IF EXISTS \"%s_u\"; DROP TABLE IF EXISTS \"%s\"",
             name, name, name, name);
    return db_exec(cx, sql);
}

static int create_ordered(struct ts_ctx *cx, const struct ts_app *app,
                          const struct ts_index_spec *s, const char *name)
{
    long long a = (long long)app->id;
    int fid = s->fields[0]->fid;
    const char *col = s->fields[1]->column;
    struct ts_buf sql;
    ts_buf_init(&sql);
    ts_buf_printf(&sql,
                  "CREATE TABLE \"%s\"(rec INTEGER NOT NULL, v TEXT NOT NULL, k,"
                  " PRIMARY KEY(rec, v)) WITHOUT ROWID;"
                  "INSERT INTO \"%s\"(rec, v, k) SELECT m.rec, m.val, r.%s FROM r%lld_m m"
                  " JOIN r%lld r ON r.id=m.rec WHERE m.fid=%d;"
                  "CREATE INDEX \"%s_k\" ON \"%s\"(v, k, rec);"
                  "CREATE TRIGGER \"%s_i\" AFTER INSERT ON r%lld_m WHEN new.fid=%d BEGIN"
                  " INSERT INTO \"%s\"(rec, v, k) SELECT new.rec, new.val, %s FROM r%lld"
                  " WHERE id=new.rec; END;"
                  "CREATE TRIGGER \"%s_d\" AFTER DELETE ON r%lld_m WHEN old.fid=%d BEGIN"
                  " DELETE FROM \"%s\" WHERE rec=old.rec AND v=old.val; END;"
                  "CREATE TRIGGER \"%s_u\" AFTER UPDATE OF %s ON r%lld BEGIN"
                  " UPDATE \"%s\" SET k=new.%s WHERE rec=new.id; END;",
                  name, name, col, a, a, fid, name, name, name, a, fid, name, col, a, name, a, fid,
                  name, name, col, a, name, col);
    int rc = db_exec(cx, sql.p);
    ts_buf_release(&sql);
    return rc;
}

/* Names of the app's view indexes (type 'index') or ordered value indexes
 * (type 'table'), in the arena. */
static const char **list_indexes(struct ts_ctx *cx, int64_t app_id, bool ordered, int *n_out)
{
    char like[64];
    snprintf(like, sizeof(like), "r%lld\\_%c\\_%%", (long long)app_id, ordered ? 'o' : 'v');
    sqlite3_stmt *st = db_prep(cx, "SELECT name FROM sqlite_master WHERE type=? AND"
                                   " name LIKE ? ESCAPE '\\'");
    if (!st)
        return NULL;
    db_bind_text(st, 1, ordered ? "table" : "index");
    db_bind_text(st, 2, like);
    const char **names = TS_NEW_N(cx->arena, const char *, 1);
    int n = 0, cap = 1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            const char **grown = TS_NEW_N(cx->arena, const char *, (size_t)(cap *= 2));
            memcpy(grown, names, sizeof(*grown) * (size_t)n);
            names = grown;
        }
        names[n++] = db_col_text(cx, st, 0);
    }
    db_done(st);
    *n_out = n;
    return names;
}

int ts_store__view_indexes_drop_field(struct ts_ctx *cx, int64_t app_id, const struct ts_field *f)
{
    long long a = (long long)app_id;
    char sql[320], infix[32], suffix[32];
    /* ordered value indexes of the field, or keyed by it */
    snprintf(infix, sizeof(infix), "_o_%d_", f->fid);
    snprintf(suffix, sizeof(suffix), "_%s", f->column);
    int n;
    const char **names = list_indexes(cx, app_id, true, &n);
    if (!names)
        return -1;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]), sl = strlen(suffix);
        if ((strstr(names[i], infix) || (len > sl && !strcmp(names[i] + len - sl, suffix))) &&
            drop_ordered(cx, names[i]) < 0)
            return -1;
    }
    /* view indexes over its column */
    snprintf(sql, sizeof(sql),
             "SELECT il.name FROM pragma_index_list('r%lld') il, pragma_index_info(il.name) ii"
             " WHERE ii.name='%s' AND il.name LIKE 'r%lld\\_v\\_%%' ESCAPE '\\'",
             a, f->column, a);
    sqlite3_stmt *st = db_prep(cx, sql);
    if (!st)
        return -1;
    const char *drop[64]; /* deploy makes at most 24 a field can be in */
    int n_drop = 0;
    while (sqlite3_step(st) == SQLITE_ROW && n_drop < (int)TS_ARRAY_LEN(drop))
        drop[n_drop++] = db_col_text(cx, st, 0);
    db_done(st);
    for (int i = 0; i < n_drop; i++) {
        snprintf(sql, sizeof(sql), "DROP INDEX IF EXISTS \"%s\"", drop[i]);
        if (db_exec(cx, sql) < 0)
            return -1;
    }
    return 0;
}

int ts_store_rtable_indexes(struct ts_ctx *cx, const struct ts_app *app,
                            const struct ts_index_spec *specs, int n)
{
    struct ts_buf name, sql;
    ts_buf_init(&name);
    ts_buf_init(&sql);
    int rc = 0;
    /* drop the indexes no view wants any more */
    for (int ordered = 0; ordered < 2; ordered++) {
        int n_existing;
        const char **existing = list_indexes(cx, app->id, ordered, &n_existing);
        if (!existing) {
            rc = -1;
            goto out;
        }
        for (int e = 0; e < n_existing; e++) {
            bool wanted = false;
            for (int i = 0; i < n && !wanted; i++) {
                ts_buf_reset(&name);
                index_name(app, &specs[i], &name);
                wanted = strcmp(name.p, existing[e]) == 0;
            }
            if (wanted)
                continue;
            ts_buf_reset(&sql);
            ts_buf_printf(&sql, "DROP INDEX IF EXISTS \"%s\"", existing[e]);
            if ((rc = ordered ? drop_ordered(cx, existing[e]) : db_exec(cx, sql.p)) < 0)
                goto out;
        }
    }
    for (int i = 0; i < n; i++) {
        ts_buf_reset(&name);
        index_name(app, &specs[i], &name);
        if (specs[i].multi) {
            if (!ts_store__schema_has(cx, "table", name.p) &&
                (cx->err.code || (rc = create_ordered(cx, app, &specs[i], name.p)) < 0)) {
                rc = -1;
                goto out;
            }
            continue;
        }
        ts_buf_reset(&sql);
        ts_buf_printf(&sql, "CREATE INDEX IF NOT EXISTS \"%s\" ON r%lld(", name.p,
                      (long long)app->id);
        /* ascending only: read backwards, an index serves descending order too,
         * ties included (its last column is the rowid) */
        for (int k = 0; k < specs[i].n; k++)
            ts_buf_printf(&sql, "%s%s", k ? "," : "", specs[i].fields[k]->column);
        ts_buf_puts(&sql, ")");
        if ((rc = db_exec(cx, sql.p)) < 0)
            goto out;
    }
    /* statistics from a sample, so the planner can choose between the indexes */
    ts_buf_reset(&sql);
    ts_buf_printf(&sql, "PRAGMA analysis_limit=1000; ANALYZE r%lld; ANALYZE r%lld_m",
                  (long long)app->id, (long long)app->id);
    rc = db_exec(cx, sql.p);
out:
    ts_buf_release(&name);
    ts_buf_release(&sql);
    return rc;
}

void ts_db_optimize(struct ts_db *db)
{
    sqlite3_exec(db->h, "PRAGMA analysis_limit=1000; PRAGMA optimize", NULL, NULL, NULL);
}
