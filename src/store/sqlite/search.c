/*
 * store/sqlite/search.c - SQLite's own indexes: the FTS5 trigram index that
 * serves `like`, the ordered value indexes kept by triggers, and reading the
 * schema.
 *
 * Text fields that `like` may search (store/indexes.c) are mirrored in
 * r<app>_fts, an FTS5 table with the trigram tokenizer, kept in step by
 * triggers. kintone's `like` finds words in the middle of Japanese sentences; a
 * trigram index does that for any text of 3 characters or more (DESIGN §1).
 */
#include "base/common.h"
#include "store/sqlite/sqlite_int.h"
#include "base/log.h"
#include "base/buf.h"

#include <time.h>

static void forget(struct sq_db *db, int64_t app_id);

static bool same_fts(const struct ts_app *a, const struct ts_app *b)
{
    struct ts_buf x, y;
    ts_buf_init(&x);
    ts_buf_init(&y);
    ts_store__search_columns(a, &x, "");
    ts_store__search_columns(b, &y, "");
    bool same = x.len == y.len && (x.len == 0 || memcmp(x.p, y.p, x.len) == 0);
    ts_buf_release(&x);
    ts_buf_release(&y);
    return same;
}

/* Before columns change: drop the FTS table, its queue and triggers (they name
 * the columns) when the set of text fields changes. */
int sq_search_drop(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to)
{
    if (!from || same_fts(from, to))
        return 0;
    long long a = (long long)to->id;
    char sql[256];
    static const char *const drops[] = {
        "DROP TRIGGER IF EXISTS r%lld_fts_i", "DROP TRIGGER IF EXISTS r%lld_fts_d",
        "DROP TRIGGER IF EXISTS r%lld_fts_u", "DROP TABLE IF EXISTS r%lld_fts",
        "DROP TABLE IF EXISTS r%lld_ftsq"};
    forget(SQ(cx->db), to->id);
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
 * many records they hold (sq_index_pending); a transaction that searches what
 * it wrote itself applies its own queue first (sq_search_sync).
 * The FTS table keeps its own copy of the text, so a queued id can be deleted
 * from it without the old values.
 */
int sq_search_create(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to)
{
    if ((from && same_fts(from, to)) || !ts_store__has_search(to))
        return 0;
    struct ts_buf cols, b;
    ts_buf_init(&cols);
    ts_buf_init(&b);
    ts_store__search_columns(to, &cols, "");
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
    ts_store__search_columns(app, &cols, "");
    ts_store__search_columns(app, &rcols, "r.");
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

static void forget(struct sq_db *db, int64_t app_id)
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
    struct sq_db *db = SQ(cx->db);
    int rc = db_exec(cx, db->fts_dirty[i].sql);
    free(db->fts_dirty[i].sql);
    db->fts_dirty[i] = db->fts_dirty[--db->n_fts_dirty];
    return rc;
}

int sq_search_touch(struct ts_ctx *cx, const struct ts_app *app)
{
    struct sq_db *db = SQ(cx->db);
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

int sq_search_sync(struct ts_ctx *cx, int64_t app_id)
{
    struct sq_db *db = SQ(cx->db);
    for (int i = db->n_fts_dirty - 1; i >= 0; i--)
        if (db->fts_dirty[i].app_id == app_id && sync_one(cx, i) < 0)
            return -1;
    return 0;
}

#define FTS_BATCH 20000

/* Background writes on a connection of their own take their turn at the
 * server's writer (which commits its open batch first), instead of waiting
 * for SQLite's write lock in its busy handler's sleeps. */
static int exec_writing(sqlite3 *h, const char *sql, char **why)
{
    bool paused = sq_writers_pause();
    int rc = sqlite3_exec(h, sql, NULL, NULL, why);
    if (paused)
        sq_writers_resume();
    return rc;
}

static int index_singly(struct ts_ctx *cx, long long app, const char *cols, const char *rcols);

static int index_pending(struct ts_ctx *cx)
{
    sqlite3 *h = SQ(cx->db)->h;
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
            rc = exec_writing(h, b.p, &why);
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
            return sq_error(SQ(cx->db), rc);
    }
    return total;
}

/* A batch failed: index the queued records one by one, so that one record the
 * index cannot take is left out (and said once in the log) instead of holding
 * up its app's queue, retried forever. */
static int index_singly(struct ts_ctx *cx, long long app, const char *cols, const char *rcols)
{
    sqlite3 *h = SQ(cx->db)->h;
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
        rc = exec_writing(h, one, &why);
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

void sq_search_discard(struct sq_db *db)
{
    while (db->n_fts_dirty > 0)
        free(db->fts_dirty[--db->n_fts_dirty].sql);
}

int sq_index_pending(struct ts_db *db)
{
    struct ts_ctx cx;
    ts_ctx_init(&cx, db);
    int rc = index_pending(&cx);
    ts_ctx_release(&cx);
    return rc;
}

const char *sq_search_cond(struct ts_buf *sql, int64_t app, const char *col, bool neg,
                           int64_t limit, bool asc)
{
    /* records written since the indexer last ran (still queued) are read as
     * they are now, so a search never misses a fresh write */
    long long a = (long long)app;
    ts_buf_printf(sql,
                  "%s(id IN (SELECT rowid FROM r%lld_fts WHERE %s MATCH ? AND rowid NOT IN"
                  " (SELECT id FROM r%lld_ftsq)",
                  neg ? "NOT " : "", a, col, a);
    if (limit > 0 && !neg)
        ts_buf_printf(sql, " ORDER BY rowid %s LIMIT %lld", asc ? "ASC" : "DESC", (long long)limit);
    ts_buf_printf(sql,
                  ") OR (id IN (SELECT id FROM r%lld_ftsq) AND coalesce(%s, '') LIKE ?"
                  " ESCAPE '\\'))",
                  a, col);
    return "pl";
}

/*
 * An ordered value index r<app>_o_<fid>_<col>: one row per value of the
 * multi-valued field fid, carrying the record's sort key col, indexed on
 * (value, key, record). Triggers keep it in step with r<app>_m (the values)
 * and r<app> (the key); they name col, so they go before a column is dropped.
 */
int sq_ordered_drop(struct ts_ctx *cx, const char *name)
{
    return db_execf(cx,
                    "DROP TRIGGER IF EXISTS \"%s_i\"; DROP TRIGGER IF EXISTS \"%s_d\";"
                    " DROP TRIGGER IF EXISTS \"%s_u\"; DROP TABLE IF EXISTS \"%s\"",
                    name, name, name, name);
}

int sq_ordered_create(struct ts_ctx *cx, const struct ts_app *app, const struct ts_index_spec *s,
                      const char *name)
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

int sq_has(struct ts_ctx *cx, bool index, const char *name)
{
    struct ts_stmt *st = db_prep(cx, "SELECT 1 FROM sqlite_master WHERE type=? AND name=?");
    if (!st)
        return -1;
    db_bind_text(st, 1, index ? "index" : "table");
    db_bind_text(st, 2, name);
    int rc = db_step(st);
    db_done(st);
    return rc < 0 ? db_fail(cx, "schema") : rc == DB_ROW;
}

const char **sq_names(struct ts_ctx *cx, bool index, const char *prefix, int *n)
{
    struct ts_stmt *st = db_prep(cx, "SELECT name FROM sqlite_master WHERE type=? AND"
                                     " substr(name, 1, length(?2)) = ?2");
    if (!st)
        return NULL;
    db_bind_text(st, 1, index ? "index" : "table");
    db_bind_text(st, 2, prefix);
    return db_text_rows(cx, st, n, "schema");
}

const char **sq_indexes_on(struct ts_ctx *cx, int64_t app_id, const char *col, int *n)
{
    char sql[320];
    snprintf(sql, sizeof(sql),
             "SELECT il.name FROM pragma_index_list('r%lld') il, pragma_index_info(il.name) ii"
             " WHERE ii.name=?",
             (long long)app_id);
    struct ts_stmt *st = db_prep(cx, sql);
    if (!st)
        return NULL;
    db_bind_text(st, 1, col);
    return db_text_rows(cx, st, n, "schema");
}

const char **sq_columns(struct ts_ctx *cx, const char *table, int *n)
{
    struct ts_stmt *st = db_prep(cx, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
    if (!st)
        return NULL;
    db_bind_text(st, 1, table);
    return db_text_rows(cx, st, n, "schema");
}

/* AUTOINCREMENT keeps the largest id each table gave out in sqlite_sequence */
const struct ts_id_mark *sq_id_marks(struct ts_ctx *cx, int *n)
{
    struct ts_stmt *st = db_prep(cx, "SELECT name, seq FROM sqlite_sequence");
    if (!st)
        return NULL;
    return db_id_mark_rows(cx, st, n);
}

/* Copied rows moved sqlite_sequence to their largest ids already; the
 * source's marks may be larger still (rows deleted at the end). */
int sq_after_copy(struct ts_ctx *cx, const struct ts_id_mark *marks, int n)
{
    for (int i = 0; i < n; i++) {
        struct ts_stmt *st =
            db_prep(cx, "UPDATE sqlite_sequence SET seq = max(seq, ?2) WHERE name = ?1");
        if (!st)
            return -1;
        db_bind_text(st, 1, marks[i].table);
        db_bind_int(st, 2, marks[i].value);
        if (db_step_done(cx, st, "id marks") < 0)
            return -1;
        if (db_changes(cx) > 0 || sq_has(cx, false, marks[i].table) != 1)
            continue;
        if (!(st = db_prep(cx, "INSERT INTO sqlite_sequence(name, seq) VALUES(?, ?)")))
            return -1;
        db_bind_text(st, 1, marks[i].table);
        db_bind_int(st, 2, marks[i].value);
        if (db_step_done(cx, st, "id marks") < 0)
            return -1;
    }
    return 0;
}

int sq_analyze(struct ts_ctx *cx, int64_t app_id)
{
    /* statistics from a sample */
    return db_execf(cx, "PRAGMA analysis_limit=1000; ANALYZE r%lld; ANALYZE r%lld_m",
                    (long long)app_id, (long long)app_id);
}

void sq_optimize(struct ts_db *db)
{
    exec_writing(SQ(db)->h, "PRAGMA analysis_limit=1000; PRAGMA optimize", NULL);
}
