/*
 * store/sqlite/db.c - the SQLite driver: connections, transactions, the
 * statement cache and the schema of the installation's own tables.
 *
 * WAL mode with synchronous=FULL: a commit that returned is on disk, so nothing
 * acknowledged to a client is lost, even on power failure. busy_timeout lets
 * writers queue for the single write lock instead of failing.
 */
#include "base/common.h"
#include "store/sqlite/sqlite_int.h"
#include "base/log.h"
#include "base/str.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

static const char *const schema[] = {
    "CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS users("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    " email TEXT NOT NULL DEFAULT '', lang TEXT NOT NULL DEFAULT 'auto',"
    " tz TEXT NOT NULL DEFAULT 'Asia/Tokyo', pwhash TEXT NOT NULL,"
    " pw_version INTEGER NOT NULL DEFAULT 1, admin INTEGER NOT NULL DEFAULT 0,"
    " active INTEGER NOT NULL DEFAULT 1, created INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sessions(hash BLOB PRIMARY KEY, user_id INTEGER NOT NULL,"
    " csrf TEXT NOT NULL, expires INTEGER NOT NULL) WITHOUT ROWID",
    /* record cursors (api/cursor.c): the ids fixed when each was made, packed
     * 8 bytes each; in the database, so that any server continues any cursor */
    "CREATE TABLE IF NOT EXISTS cursors(id TEXT PRIMARY KEY, owner TEXT NOT NULL,"
    " app_id INTEGER NOT NULL, fields TEXT, ids BLOB NOT NULL, n INTEGER NOT NULL,"
    " pos INTEGER NOT NULL DEFAULT 0, size INTEGER NOT NULL, expires INTEGER NOT NULL)"
    " WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS cursors_owner ON cursors(owner, expires)",
    "CREATE INDEX IF NOT EXISTS cursors_expires ON cursors(expires)",
    /* PDFs being made (api/print.c): the records' ids in order, how far it
     * got, when a server last said it was still at it, and which attempt that is */
    "CREATE TABLE IF NOT EXISTS print_jobs(id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL,"
    " app_id INTEGER NOT NULL, spec TEXT NOT NULL, ids BLOB NOT NULL, n INTEGER NOT NULL,"
    " done INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL, file_key TEXT, error TEXT,"
    " created INTEGER NOT NULL, heartbeat INTEGER NOT NULL, attempt INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS print_jobs_status ON print_jobs(status, id)",
    "CREATE INDEX IF NOT EXISTS print_jobs_owner ON print_jobs(owner_id, status)",
    /* public forms (api/public.c): each live form by its token, with its
     * answers counted; anti-abuse challenges already used; hits per key and window */
    "CREATE TABLE IF NOT EXISTS public_forms(token TEXT PRIMARY KEY, app_id INTEGER NOT NULL,"
    " form_id INTEGER NOT NULL, rev INTEGER NOT NULL, answers INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS public_forms_app ON public_forms(app_id)",
    /* personal links to a form or view (its token the parent), one a
     * recipient; and the answers each recipient sent through theirs */
    "CREATE TABLE IF NOT EXISTS public_links(token TEXT PRIMARY KEY, parent TEXT NOT NULL,"
    " recipient TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL, created INTEGER NOT NULL,"
    " revoked INTEGER NOT NULL DEFAULT 0, sent INTEGER NOT NULL DEFAULT 0,"
    " reminded INTEGER NOT NULL DEFAULT 0, UNIQUE(parent, recipient))",
    "CREATE TABLE IF NOT EXISTS public_answers(parent TEXT NOT NULL, recipient TEXT NOT NULL,"
    " receipt TEXT NOT NULL, app_id INTEGER NOT NULL, record_id INTEGER NOT NULL, at INTEGER NOT "
    "NULL,"
    " PRIMARY KEY(parent, recipient, receipt))",
    "CREATE TABLE IF NOT EXISTS public_used(challenge TEXT PRIMARY KEY, expires INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS public_used_expires ON public_used(expires)",
    "CREATE TABLE IF NOT EXISTS rate_hits(key TEXT PRIMARY KEY, window_start INTEGER NOT NULL,"
    " hits INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS rate_hits_window ON rate_hits(window_start)",
    /* failed sign-ins per login name and per client address (auth/): in the
     * database, so that a lock made through one server holds on every other */
    "CREATE TABLE IF NOT EXISTS login_failures(key TEXT PRIMARY KEY, fails INTEGER NOT NULL,"
    " window_start INTEGER NOT NULL, locked_until INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS api_tokens(id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " hash BLOB NOT NULL UNIQUE, app_id INTEGER NOT NULL, perms INTEGER NOT NULL,"
    " prefix TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', creator TEXT NOT NULL,"
    " created INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0)",
    /* the creator by id: a login rename keeps their tokens theirs */
    "ALTER TABLE api_tokens ADD COLUMN creator_id INTEGER NOT NULL DEFAULT 0",
    "UPDATE api_tokens SET creator_id = coalesce((SELECT id FROM users WHERE code = creator), 0)"
    " WHERE creator_id = 0",
    "CREATE TABLE IF NOT EXISTS apps(id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " code TEXT NOT NULL DEFAULT '', name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',"
    " space_id INTEGER, thread_id INTEGER, creator TEXT NOT NULL, created INTEGER NOT NULL,"
    " modifier TEXT NOT NULL, modified INTEGER NOT NULL, revision INTEGER NOT NULL DEFAULT 1,"
    " live_revision INTEGER NOT NULL DEFAULT 0, deploy_status TEXT NOT NULL DEFAULT 'SUCCESS',"
    " deploy_error TEXT)",
    "CREATE TABLE IF NOT EXISTS app_defs(app_id INTEGER NOT NULL, stage INTEGER NOT NULL,"
    " body TEXT NOT NULL, PRIMARY KEY(app_id, stage)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS history(app_id INTEGER NOT NULL, rec_id INTEGER NOT NULL,"
    " revision INTEGER NOT NULL, at INTEGER NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL,"
    " changes TEXT NOT NULL, PRIMARY KEY(app_id, rec_id, revision)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS comments(app_id INTEGER NOT NULL, rec_id INTEGER NOT NULL,"
    " id INTEGER NOT NULL, text TEXT NOT NULL, mentions TEXT NOT NULL, creator TEXT NOT NULL,"
    " created INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY(app_id, rec_id, id)) WITHOUT ROWID",
    /* いいね: who liked which comment */
    "CREATE TABLE IF NOT EXISTS comment_likes(app_id INTEGER NOT NULL, rec_id INTEGER NOT NULL,"
    " comment_id INTEGER NOT NULL, user TEXT NOT NULL, at INTEGER NOT NULL,"
    " PRIMARY KEY(app_id, rec_id, comment_id, user)) WITHOUT ROWID",
    /* attachments: an upload key (attached=0) until a record takes it, then a
     * download key (attached=1) per record value, with the record and field that
     * hold it (downloads follow their rights); the bytes live in files/ by hash */
    "CREATE TABLE IF NOT EXISTS files(key TEXT PRIMARY KEY, hash TEXT NOT NULL,"
    " name TEXT NOT NULL, type TEXT NOT NULL, size INTEGER NOT NULL, created INTEGER NOT NULL,"
    " app_id INTEGER NOT NULL DEFAULT 0, attached INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID",
    "ALTER TABLE files ADD COLUMN rec_id INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE files ADD COLUMN fid INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX IF NOT EXISTS files_hash ON files(hash)",
    /* who uploaded a file no record has taken yet (ts_policy_caller_key): the
     * upload quotas count by it, and only they may attach it */
    "ALTER TABLE files ADD COLUMN owner TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX IF NOT EXISTS files_uploads ON files(attached, created)",
    /* settings of the whole installation, by key, as JSON */
    "CREATE TABLE IF NOT EXISTS system(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    /* who did what: each entry's hash covers the one before it (api/audit.c) */
    "CREATE TABLE IF NOT EXISTS audit(id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,"
    " user TEXT NOT NULL, addr TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,"
    " detail TEXT NOT NULL, hash TEXT NOT NULL)",
    /* departments (a tree) and groups; a user's departments, one of them primary */
    "CREATE TABLE IF NOT EXISTS orgs(id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL"
    " UNIQUE, name TEXT NOT NULL, parent_id INTEGER NOT NULL DEFAULT 0,"
    " description TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX IF NOT EXISTS orgs_parent ON orgs(parent_id)",
    "CREATE TABLE IF NOT EXISTS user_orgs(user_id INTEGER NOT NULL, org_id INTEGER NOT NULL,"
    " is_primary INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(user_id, org_id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS user_orgs_org ON user_orgs(org_id, user_id)",
    "CREATE TABLE IF NOT EXISTS groups_(id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL"
    " UNIQUE, name TEXT NOT NULL, parent_id INTEGER NOT NULL DEFAULT 0,"
    " description TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE IF NOT EXISTS user_groups(user_id INTEGER NOT NULL, group_id INTEGER NOT NULL,"
    " PRIMARY KEY(user_id, group_id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS user_groups_group ON user_groups(group_id, user_id)",
    /* lookups that keep their copies up to date: which app's field looks up src */
    "CREATE TABLE IF NOT EXISTS lookup_links(src_app INTEGER NOT NULL, app_id INTEGER NOT NULL,"
    " field TEXT NOT NULL, PRIMARY KEY(src_app, app_id, field)) WITHOUT ROWID",
    /* what each person has been told (notify/), and the e-mail still to send */
    "CREATE TABLE IF NOT EXISTS notifications(id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " user_id INTEGER NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL,"
    " app_id INTEGER NOT NULL DEFAULT 0, rec_id INTEGER NOT NULL DEFAULT 0,"
    " actor TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '',"
    " body TEXT NOT NULL DEFAULT '', read INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS notifications_user ON notifications(user_id, id)",
    "CREATE INDEX IF NOT EXISTS notifications_at ON notifications(at)",
    "CREATE INDEX IF NOT EXISTS notifications_unread ON notifications(user_id, id)"
    " WHERE read = 0",
    "CREATE TABLE IF NOT EXISTS mail_outbox(id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " to_addr TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,"
    " created INTEGER NOT NULL, next_try INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
    " state INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX IF NOT EXISTS mail_due ON mail_outbox(next_try) WHERE state = 0",
    /* reminders are sent for moments up to `upto` */
    "CREATE TABLE IF NOT EXISTS reminder_marks(app_id INTEGER PRIMARY KEY,"
    " upto INTEGER NOT NULL)",
    /* circulars (供覧): a record sent to people, each confirming */
    "CREATE TABLE IF NOT EXISTS circulars(id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " app_id INTEGER NOT NULL, rec_id INTEGER NOT NULL, sender TEXT NOT NULL,"
    " message TEXT NOT NULL, at INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS circulars_record ON circulars(app_id, rec_id)",
    "CREATE TABLE IF NOT EXISTS circular_people(circular_id INTEGER NOT NULL,"
    " user TEXT NOT NULL, confirmed INTEGER NOT NULL DEFAULT 0,"
    " reminded INTEGER NOT NULL DEFAULT 0, comment TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY(circular_id, user))",
    "CREATE INDEX IF NOT EXISTS circular_people_user ON circular_people(user, confirmed)",
};

static void sql_tsnum(sqlite3_context *ctx, int argc, sqlite3_value **argv);
static const struct ts_driver sqlite_driver;

/* FNV-1a over every schema statement: changes whenever the schema does. */
static int32_t schema_fingerprint(void)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < TS_ARRAY_LEN(schema); i++)
        for (const char *p = schema[i]; *p; p++)
            h = (h ^ (unsigned char)*p) * 16777619u;
    return (int32_t)(h & 0x7fffffff);
}

static int32_t user_version(sqlite3 *h)
{
    sqlite3_stmt *st;
    int32_t v = -1;
    if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Once per process, before any connection: every connection is used by one
 * thread at a time, so SQLite's own locks are not needed, and neither is the
 * global allocation counter (a mutex taken on every malloc). */
static void configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 1200, 500);
    sqlite3_initialize();
}

static void sq_close(struct ts_db *base);

struct ts_db *ts_sqlite_open(const char *path, char *errbuf, size_t errlen)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure);
    struct sq_db *db = ts_xcalloc(1, sizeof(*db));
    db->base.drv = &sqlite_driver;
    db->path = ts_xstrdup(path);
    int rc = sqlite3_open_v2(
        path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(errbuf, errlen, "cannot open %s: %s", path,
                 db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        sq_close(&db->base);
        return NULL;
    }
    sqlite3_busy_timeout(db->h, 10000);
    sqlite3_create_function(db->h, "tsnum", 1,
                            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_tsnum,
                            NULL, NULL);
    sqlite3_extended_result_codes(db->h, 1);
    const char *pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                          " PRAGMA foreign_keys=OFF; PRAGMA temp_store=MEMORY;"
                          " PRAGMA cache_size=-4096;";
    char *msg = NULL;
    if (sqlite3_exec(db->h, pragmas, NULL, NULL, &msg) != SQLITE_OK)
        goto fail;
    /* A connection opened for a new request thread must not wait for the write
     * lock (a long import may hold it): the schema is written only when the
     * file's user_version is not this schema's fingerprint. */
    int32_t want = schema_fingerprint();
    if (user_version(db->h) == want)
        return &db->base;
    if (sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK)
        goto fail;
    for (size_t i = 0; i < TS_ARRAY_LEN(schema); i++) {
        if (sqlite3_exec(db->h, schema[i], NULL, NULL, &msg) == SQLITE_OK)
            continue;
        /* a column added to an older file: there already after the first time */
        if (!strncmp(schema[i], "ALTER", 5) && msg && strstr(msg, "duplicate column")) {
            sqlite3_free(msg);
            msg = NULL;
            continue;
        }
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
        goto fail;
    }
    char set[64];
    snprintf(set, sizeof(set), "PRAGMA user_version=%d", (int)want);
    if (sqlite3_exec(db->h, set, NULL, NULL, &msg) != SQLITE_OK) {
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
        goto fail;
    }
    if (sqlite3_exec(db->h, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
        goto fail;
    return &db->base;
fail:
    snprintf(errbuf, errlen, "cannot set up %s: %s", path, msg ? msg : "?");
    sqlite3_free(msg);
    sq_close(&db->base);
    return NULL;
}

static void sq_close(struct ts_db *base)
{
    struct sq_db *db = SQ(base);
    sq_search_discard(db);
    for (int i = 0; i < STMT_CACHE; i++) {
        sqlite3_finalize(db->cache[i].st);
        free(db->cache[i].sql);
    }
    sqlite3_close_v2(db->h);
    free(db->path);
    free(db);
}

/*
 * Checkpoints in a server run on the jobs' upkeep lane, not at commits. A page
 * changed by many commits (a view index's page under a stream of inserts) is
 * then copied into the database file once per checkpoint, not once per
 * commit: checkpoints wait until the WAL holds CHECKPOINT_PAGES pages not yet
 * copied, or until writes pause. Every server connection notes the WAL's size
 * after its commits here (a server serves one database).
 */
#define CHECKPOINT_PAGES   8192 /* 32 MB of 4 KB pages */
#define CHECKPOINT_IDLE_NS (1000LL * 1000 * 1000)

static _Atomic int wal_pages;        /* pages in the WAL after the last commit */
static _Atomic int64_t wal_noted_ns; /* when, CLOCK_MONOTONIC */

static int64_t monotonic_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int note_wal(void *arg, sqlite3 *h, const char *name, int pages)
{
    (void)arg, (void)h, (void)name;
    atomic_store(&wal_pages, pages);
    atomic_store(&wal_noted_ns, monotonic_ns());
    return SQLITE_OK;
}

static void sq_server_mode(struct ts_db *base)
{
    struct sq_db *db = SQ(base);
    sqlite3_wal_hook(db->h, note_wal, NULL); /* in place of automatic checkpoints */
    sqlite3_exec(db->h, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    db->group_commit = true;
}

static void sq_bulk_mode(struct ts_db *base, int cache_mb)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%d", cache_mb * 1024);
    sqlite3_exec(SQ(base)->h, sql, NULL, NULL, NULL);
}

static int sq_checkpoint(struct ts_db *base)
{
    struct sq_db *db = SQ(base);
    sqlite3 *h = db->h;
    if (!db->checkpoints) { /* the connection that checkpoints notes its own commits too */
        sqlite3_wal_hook(h, note_wal, NULL);
        db->checkpoints = true;
    }
    int pages = atomic_load(&wal_pages);
    if (pages < db->copied) /* the WAL started again from its beginning */
        db->copied = 0;
    bool idle = monotonic_ns() - atomic_load(&wal_noted_ns) > CHECKPOINT_IDLE_NS;
    if (pages - db->copied < CHECKPOINT_PAGES && !(idle && pages > db->copied))
        return 0;
    /* PASSIVE: copy what no reader still needs, never wait for a lock */
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        return -1;
    db->copied = done > 0 ? done : 0;
    /* Under a steady stream of writes a passive checkpoint never catches up, and
     * the WAL only restarts from its beginning when one does: past WAL_LIMIT
     * frames, stop the writers for a moment and truncate it. */
    if (log > WAL_LIMIT_PAGES && sq_writers_pause()) {
        rc = sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
        sq_writers_resume();
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            return -1;
    }
    return 0;
}

int sq_error(struct sq_db *db, int rc)
{
    int prim = rc & 0xff;
    /* a full disk: SQLITE_FULL, or an I/O error whose cause was ENOSPC (the
     * WAL index growing, a journal written) */
    int sys = sqlite3_system_errno(db->h);
    if (prim == SQLITE_FULL || (prim == SQLITE_IOERR && sys == ENOSPC))
        db->base.err_kind = DB_E_FULL;
    else if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
        db->base.err_kind = DB_E_BUSY;
    else if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        db->base.err_kind = DB_E_UNIQUE;
    else
        db->base.err_kind = DB_E_OTHER;
    snprintf(db->base.err_msg, sizeof(db->base.err_msg), "%s (%d)", sqlite3_errmsg(db->h), rc);
    return -1;
}

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static struct ts_stmt *sq_prep(struct ts_ctx *cx, const char *sql)
{
    struct sq_db *db = SQ(cx->db);
    uint32_t h = hash_str(sql) % STMT_CACHE;
    struct sq_stmt *s, *free_slot = NULL, *idle = NULL;
    for (int probe = 0; probe < STMT_PROBES; probe++) {
        s = &db->cache[(h + probe) % STMT_CACHE];
        if (s->sql && !s->base.busy && strcmp(s->sql, sql) == 0) {
            sqlite3_reset(s->st);
            sqlite3_clear_bindings(s->st);
            s->base.busy = true;
            return &s->base;
        }
        if (!s->sql && !free_slot)
            free_slot = s;
        if (s->sql && !s->base.busy)
            idle = s;
    }
    /* a statement still being stepped (a query run inside another's rows, or
     * the same one again) is not taken from under its caller while another
     * slot will do; busy is only a hint, so a caller that never gave its
     * statement back cannot block the cache */
    if (!(s = free_slot ? free_slot : idle))
        s = &db->cache[(h + STMT_PROBES - 1) % STMT_CACHE];
    if (s->sql) { /* the neighbourhood is full: evict one not in use */
        sqlite3_finalize(s->st);
        free(s->sql);
        s->sql = NULL;
        s->st = NULL;
    }
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        sq_error(db, rc);
        db_fail(cx, "prepare");
        TS_LOG_ERROR(cx, "store", "sql: %.300s", sql);
        return NULL;
    }
    s->base.db = &db->base;
    s->base.busy = true;
    s->sql = ts_xstrdup(sql);
    s->st = st;
    return &s->base;
}

#define ST(s) (((struct sq_stmt *)(s))->st)

static int sq_step(struct ts_stmt *s)
{
    int rc = sqlite3_step(ST(s));
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    return sq_error(SQ(s->db), rc);
}

static void sq_done(struct ts_stmt *s)
{
    sqlite3_reset(ST(s));
    s->busy = false;
}

static void sq_bind_int(struct ts_stmt *s, int i, int64_t v)
{
    sqlite3_bind_int64(ST(s), i, v);
}

static void sq_bind_double(struct ts_stmt *s, int i, double v)
{
    sqlite3_bind_double(ST(s), i, v);
}

static void sq_bind_text(struct ts_stmt *s, int i, const char *p, size_t len)
{
    sqlite3_bind_text64(ST(s), i, p, len, SQLITE_STATIC, SQLITE_UTF8);
}

static void sq_bind_blob(struct ts_stmt *s, int i, const void *p, size_t len)
{
    sqlite3_bind_blob64(ST(s), i, p, len, SQLITE_STATIC);
}

static void sq_bind_null(struct ts_stmt *s, int i)
{
    sqlite3_bind_null(ST(s), i);
}

static int sq_col_count(struct ts_stmt *s)
{
    return sqlite3_column_count(ST(s));
}

static enum db_type sq_col_type(struct ts_stmt *s, int i)
{
    switch (sqlite3_column_type(ST(s), i)) {
    case SQLITE_NULL:
        return DB_NULL;
    case SQLITE_INTEGER:
        return DB_INT;
    case SQLITE_FLOAT:
        return DB_FLOAT;
    case SQLITE_BLOB:
        return DB_BLOB;
    default:
        return DB_TEXT;
    }
}

static int64_t sq_col_int(struct ts_stmt *s, int i)
{
    return sqlite3_column_int64(ST(s), i);
}

static double sq_col_double(struct ts_stmt *s, int i)
{
    return sqlite3_column_double(ST(s), i);
}

static const char *sq_col_text(struct ts_stmt *s, int i, size_t *len)
{
    const char *t = (const char *)sqlite3_column_text(ST(s), i);
    if (len)
        *len = t ? (size_t)sqlite3_column_bytes(ST(s), i) : 0;
    return t;
}

static const void *sq_col_blob(struct ts_ctx *cx, struct ts_stmt *s, int i, size_t *len)
{
    (void)cx;
    const void *p = sqlite3_column_blob(ST(s), i);
    *len = (size_t)sqlite3_column_bytes(ST(s), i);
    return p;
}

static int64_t sq_changes(struct ts_db *db)
{
    return sqlite3_changes64(SQ(db)->h);
}

static int sq_exec(struct ts_ctx *cx, const char *sql)
{
    struct sq_db *db = SQ(cx->db);
    char *msg = NULL;
    int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        return 0;
    sq_error(db, rc);
    if (msg)
        snprintf(db->base.err_msg, sizeof(db->base.err_msg), "%s", msg);
    sqlite3_free(msg);
    return -1;
}

/* SQL tsnum(x): a NUMBER column as the text db_col_number gives, for values
 * read through JSON (a table's rows), where SQLite would print 15 digits. */
static void sql_tsnum(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    char text[64];
    switch (sqlite3_value_type(argv[0])) {
    case SQLITE_NULL:
        sqlite3_result_null(ctx);
        return;
    case SQLITE_FLOAT:
        db_double_text(sqlite3_value_double(argv[0]), text);
        sqlite3_result_text(ctx, text, -1, SQLITE_TRANSIENT);
        return;
    default:
        sqlite3_result_text(ctx, (const char *)sqlite3_value_text(argv[0]), -1, SQLITE_TRANSIENT);
    }
}

/* write: BEGIN IMMEDIATE takes the write lock at once, so that a writer never
 * fails half-way for want of it */
static int sq_begin(struct ts_ctx *cx, bool write)
{
    struct sq_db *db = SQ(cx->db);
    if (sq_is_writer(db))
        return sq_batch_begin(db);
    int rc = sqlite3_exec(db->h, write ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : sq_error(db, rc);
}

static int sq_commit(struct ts_ctx *cx)
{
    struct sq_db *db = SQ(cx->db);
    if (sq_is_writer(db))
        return sq_batch_commit(db);
    /* queued search-index work is left to ts_db_index_pending() */
    sq_search_discard(db);
    int rc = sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return sq_error(db, rc);
    if (db->base.write_tx && db->group_commit)
        db->commit_seq = sq_committed();
    return 0;
}

static void sq_rollback(struct ts_ctx *cx)
{
    struct sq_db *db = SQ(cx->db);
    if (sq_is_writer(db)) {
        sq_batch_rollback(db);
        return;
    }
    sq_search_discard(db);
    if (!sqlite3_get_autocommit(db->h))
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/* SQLite has no zones: the offset the zone has now (a graph's rare records
 * across a summer-time change fall an hour off). */
static void sq_local_minute(struct ts_buf *sql, const char *col, const char *tz, int64_t offset)
{
    (void)tz;
    ts_buf_printf(sql, "strftime('%%Y-%%m-%%d %%H:%%M', %s + %lld, 'unixepoch')", col,
                  (long long)offset);
}

static const struct ts_driver sqlite_driver = {
    .name = "sqlite",
    .close = sq_close,
    .prep = sq_prep,
    .step = sq_step,
    .done = sq_done,
    .bind_int = sq_bind_int,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .col_count = sq_col_count,
    .col_type = sq_col_type,
    .col_int = sq_col_int,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .changes = sq_changes,
    .exec = sq_exec,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .has = sq_has,
    .names = sq_names,
    .indexes_on = sq_indexes_on,
    .search_drop = sq_search_drop,
    .search_create = sq_search_create,
    .search_touch = sq_search_touch,
    .search_sync = sq_search_sync,
    .search_cond = sq_search_cond,
    .ordered_create = sq_ordered_create,
    .ordered_drop = sq_ordered_drop,
    .columns = sq_columns,
    .id_marks = sq_id_marks,
    .after_copy = sq_after_copy,
    .analyze = sq_analyze,
    .id_col = "INTEGER PRIMARY KEY AUTOINCREMENT",
    .int_col = "INTEGER",
    .text_col = "TEXT",
    .number_col = "", /* no affinity: integers, doubles and exact text */
    .list_sql = "SELECT value FROM json_each(?)",
    .like_op = "LIKE",
    .forced_join = "CROSS JOIN",
    .json_group_fn = "json_group_array",
    .json_array_fn = "json_array",
    .json_each_fmt = "json_each(%s)",
    .json_name_expr = "json_extract(e.value,'$.name')",
    .local_minute = sq_local_minute,
    .week_start_fmt = "date(%s, '-'||strftime('%%w', %s)||' days')",
    .null_limit = false,
    .exact_numbers = false,
    .asc = "ASC",
    .desc = "DESC",
    .index_order = "",
    .index_tail = "",
    .for_update = "",
    .skip_locked = "",
    .server_mode = sq_server_mode,
    .checkpoint = sq_checkpoint,
    .index_pending = sq_index_pending,
    .optimize = sq_optimize,
    .bulk_mode = sq_bulk_mode,
    .writer_acquire = sq_writer_acquire,
    .writer_release = sq_writer_release,
    .wait_durable = sq_wait_durable,
};
