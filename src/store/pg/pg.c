/*
 * store/pg/pg.c - the PostgreSQL driver (libpq): connections, statements,
 * transactions, the schema of the installation's own tables, and PostgreSQL's
 * ways of doing what store/sql.h asks (pg_trgm indexes for `like`, the catalog).
 *
 * Any number of servers share one database. Write transactions take one
 * transaction-level advisory lock, so they run one at a time across every
 * server, as on SQLite: the checks the API makes before it writes (revisions,
 * unique values, process state) hold until the commit. Reads take a snapshot
 * (REPEATABLE READ) and never wait for writers.
 */
#include "base/common.h"
#include "store/sql.h"
#include "base/log.h"

#include <libpq-fe.h>

#define STMT_CACHE     512
#define WRITE_LOCK_KEY 7340 /* pg_advisory_xact_lock: one writer at a time */
#define SCHEMA_LOCK    7341 /* pg_advisory_xact_lock: one server migrates */

/* type OIDs from the catalog (pg_type.h is not part of libpq) */
enum {
    OID_BYTEA = 17,
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_INT4 = 23,
    OID_FLOAT4 = 700,
    OID_FLOAT8 = 701
};

struct pg_stmt {
    struct ts_stmt base;
    char *sql;     /* as the store wrote it: the cache key */
    char *text;    /* with $n placeholders */
    char name[16]; /* the prepared statement's, "" until prepared */
    /* the values bound, n_params of each, as libpq takes them: made once with
     * the statement, so that running it allocates nothing */
    int n_params;
    const char **vals; /* NULL: SQL NULL */
    int *lens, *fmts;  /* fmt 1: binary (bytea) */
    Oid *types;        /* bigint, double, bytea; 0: the server infers */
    char (*nums)[32];  /* an integer or double as text */
    PGresult *res;
    int row, n_rows;
};

struct pg_db {
    struct ts_db base;
    PGconn *conn;
    int64_t changes;
    unsigned next_name;
    struct pg_stmt cache[STMT_CACHE];
};

static const struct ts_driver pg_driver;

static struct pg_db *PG(struct ts_db *db)
{
    return (struct pg_db *)db;
}

/* Note why res (or the connection) failed; returns -1. */
static int pg_error(struct pg_db *db, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn);
    enum db_err kind = DB_E_OTHER;
    if (state && !strcmp(state, "23505"))
        kind = DB_E_UNIQUE;
    else if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01") ||
                       !strcmp(state, "55P03") || !strcmp(state, "57014")))
        kind = DB_E_BUSY;
    else if (state && !strncmp(state, "53", 2))
        kind = DB_E_FULL;
    db->base.err_kind = kind;
    snprintf(db->base.err_msg, sizeof(db->base.err_msg), "%s%s%s", state ? state : "",
             state ? " " : "", msg && *msg ? msg : "connection failed");
    size_t len = strlen(db->base.err_msg);
    while (len && db->base.err_msg[len - 1] == '\n')
        db->base.err_msg[--len] = '\0';
    return -1;
}

/* Run statements with no parameters; 0, or -1 with the failure noted. */
static int run(struct pg_db *db, const char *sql)
{
    PGresult *res = PQexec(db->conn, sql);
    ExecStatusType s = PQresultStatus(res);
    int rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? 0 : pg_error(db, res);
    PQclear(res);
    return rc;
}

/* ---------------------------------------------------------------- schema */

static const char *const schema[] = {
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    /* what SQLite has built in, for the SQL the store shares */
    "CREATE OR REPLACE FUNCTION instr(text, text) RETURNS integer LANGUAGE sql IMMUTABLE"
    " PARALLEL SAFE AS 'SELECT strpos($1, $2)'",
    "CREATE OR REPLACE FUNCTION tsnum(numeric) RETURNS text LANGUAGE sql IMMUTABLE"
    " PARALLEL SAFE AS 'SELECT trim_scale($1)::text'",
    "CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS users("
    " id BIGSERIAL PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    " email TEXT NOT NULL DEFAULT '', lang TEXT NOT NULL DEFAULT 'auto',"
    " tz TEXT NOT NULL DEFAULT 'Asia/Tokyo', pwhash TEXT NOT NULL,"
    " pw_version BIGINT NOT NULL DEFAULT 1, admin BIGINT NOT NULL DEFAULT 0,"
    " active BIGINT NOT NULL DEFAULT 1, created BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sessions(hash BYTEA PRIMARY KEY, user_id BIGINT NOT NULL,"
    " csrf TEXT NOT NULL, expires BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS cursors(id TEXT PRIMARY KEY, owner TEXT NOT NULL,"
    " app_id BIGINT NOT NULL, fields TEXT, ids BYTEA NOT NULL, n BIGINT NOT NULL,"
    " pos BIGINT NOT NULL DEFAULT 0, size BIGINT NOT NULL, expires BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS cursors_owner ON cursors(owner, expires)",
    "CREATE INDEX IF NOT EXISTS cursors_expires ON cursors(expires)",
    /* PDFs being made (api/print.c): the records' ids in order, how far it
     * got, when a server last said it was still at it, and which attempt that is */
    "CREATE TABLE IF NOT EXISTS print_jobs(id BIGINT PRIMARY KEY, owner_id BIGINT NOT NULL,"
    " app_id BIGINT NOT NULL, spec TEXT NOT NULL, ids BYTEA NOT NULL, n BIGINT NOT NULL,"
    " done BIGINT NOT NULL DEFAULT 0, status TEXT NOT NULL, file_key TEXT, error TEXT,"
    " created BIGINT NOT NULL, heartbeat BIGINT NOT NULL, attempt BIGINT NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS print_jobs_status ON print_jobs(status, id)",
    "CREATE INDEX IF NOT EXISTS print_jobs_owner ON print_jobs(owner_id, status)",
    /* public forms (api/public.c): each live form by its token, with its
     * answers counted; anti-abuse challenges already used; hits per key and window */
    "CREATE TABLE IF NOT EXISTS public_forms(token TEXT PRIMARY KEY, app_id BIGINT NOT NULL,"
    " form_id BIGINT NOT NULL, rev BIGINT NOT NULL, answers BIGINT NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS public_forms_app ON public_forms(app_id)",
    /* personal links to a form or view (its token the parent), one a
     * recipient; and the answers each recipient sent through theirs */
    "CREATE TABLE IF NOT EXISTS public_links(token TEXT PRIMARY KEY, parent TEXT NOT NULL,"
    " recipient TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL, created BIGINT NOT NULL,"
    " revoked BIGINT NOT NULL DEFAULT 0, sent BIGINT NOT NULL DEFAULT 0,"
    " reminded BIGINT NOT NULL DEFAULT 0, UNIQUE(parent, recipient))",
    "CREATE TABLE IF NOT EXISTS public_answers(parent TEXT NOT NULL, recipient TEXT NOT NULL,"
    " receipt TEXT NOT NULL, app_id BIGINT NOT NULL, record_id BIGINT NOT NULL, at BIGINT NOT NULL,"
    " PRIMARY KEY(parent, recipient, receipt))",
    "CREATE TABLE IF NOT EXISTS public_used(challenge TEXT PRIMARY KEY, expires BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS public_used_expires ON public_used(expires)",
    "CREATE TABLE IF NOT EXISTS rate_hits(key TEXT PRIMARY KEY, window_start BIGINT NOT NULL,"
    " hits BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS rate_hits_window ON rate_hits(window_start)",
    "CREATE TABLE IF NOT EXISTS login_failures(key TEXT PRIMARY KEY, fails BIGINT NOT NULL,"
    " window_start BIGINT NOT NULL, locked_until BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS api_tokens(id BIGSERIAL PRIMARY KEY,"
    " hash BYTEA NOT NULL UNIQUE, app_id BIGINT NOT NULL, perms BIGINT NOT NULL,"
    " prefix TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', creator TEXT NOT NULL,"
    " created BIGINT NOT NULL, revoked BIGINT NOT NULL DEFAULT 0,"
    " creator_id BIGINT NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS apps(id BIGSERIAL PRIMARY KEY,"
    " code TEXT NOT NULL DEFAULT '', name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',"
    " space_id BIGINT, thread_id BIGINT, creator TEXT NOT NULL, created BIGINT NOT NULL,"
    " modifier TEXT NOT NULL, modified BIGINT NOT NULL, revision BIGINT NOT NULL DEFAULT 1,"
    " live_revision BIGINT NOT NULL DEFAULT 0, deploy_status TEXT NOT NULL DEFAULT 'SUCCESS',"
    " deploy_error TEXT)",
    "CREATE TABLE IF NOT EXISTS app_defs(app_id BIGINT NOT NULL, stage BIGINT NOT NULL,"
    " body TEXT NOT NULL, PRIMARY KEY(app_id, stage))",
    "CREATE TABLE IF NOT EXISTS history(app_id BIGINT NOT NULL, rec_id BIGINT NOT NULL,"
    " revision BIGINT NOT NULL, at BIGINT NOT NULL, \"user\" TEXT NOT NULL,"
    " action TEXT NOT NULL, changes TEXT NOT NULL, PRIMARY KEY(app_id, rec_id, revision))",
    "CREATE TABLE IF NOT EXISTS comments(app_id BIGINT NOT NULL, rec_id BIGINT NOT NULL,"
    " id BIGINT NOT NULL, text TEXT NOT NULL, mentions TEXT NOT NULL, creator TEXT NOT NULL,"
    " created BIGINT NOT NULL, deleted BIGINT NOT NULL DEFAULT 0,"
    " PRIMARY KEY(app_id, rec_id, id))",
    "CREATE TABLE IF NOT EXISTS comment_likes(app_id BIGINT NOT NULL, rec_id BIGINT NOT NULL,"
    " comment_id BIGINT NOT NULL, \"user\" TEXT NOT NULL, at BIGINT NOT NULL,"
    " PRIMARY KEY(app_id, rec_id, comment_id, \"user\"))",
    "CREATE TABLE IF NOT EXISTS files(key TEXT PRIMARY KEY, hash TEXT NOT NULL,"
    " name TEXT NOT NULL, type TEXT NOT NULL, size BIGINT NOT NULL, created BIGINT NOT NULL,"
    " app_id BIGINT NOT NULL DEFAULT 0, attached BIGINT NOT NULL DEFAULT 0,"
    " rec_id BIGINT NOT NULL DEFAULT 0, fid BIGINT NOT NULL DEFAULT 0,"
    " owner TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX IF NOT EXISTS files_hash ON files(hash)",
    "CREATE INDEX IF NOT EXISTS files_uploads ON files(attached, created)",
    "CREATE TABLE IF NOT EXISTS system(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS audit(id BIGINT PRIMARY KEY, at BIGINT NOT NULL,"
    " \"user\" TEXT NOT NULL, addr TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,"
    " detail TEXT NOT NULL, hash TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS orgs(id BIGSERIAL PRIMARY KEY, code TEXT NOT NULL"
    " UNIQUE, name TEXT NOT NULL, parent_id BIGINT NOT NULL DEFAULT 0,"
    " description TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX IF NOT EXISTS orgs_parent ON orgs(parent_id)",
    "CREATE TABLE IF NOT EXISTS user_orgs(user_id BIGINT NOT NULL, org_id BIGINT NOT NULL,"
    " is_primary BIGINT NOT NULL DEFAULT 0, PRIMARY KEY(user_id, org_id))",
    "CREATE INDEX IF NOT EXISTS user_orgs_org ON user_orgs(org_id, user_id)",
    "CREATE TABLE IF NOT EXISTS groups_(id BIGSERIAL PRIMARY KEY, code TEXT NOT NULL"
    " UNIQUE, name TEXT NOT NULL, parent_id BIGINT NOT NULL DEFAULT 0,"
    " description TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE IF NOT EXISTS user_groups(user_id BIGINT NOT NULL, group_id BIGINT NOT NULL,"
    " PRIMARY KEY(user_id, group_id))",
    "CREATE INDEX IF NOT EXISTS user_groups_group ON user_groups(group_id, user_id)",
    "CREATE TABLE IF NOT EXISTS lookup_links(src_app BIGINT NOT NULL, app_id BIGINT NOT NULL,"
    " field TEXT NOT NULL, PRIMARY KEY(src_app, app_id, field))",
    "CREATE TABLE IF NOT EXISTS notifications(id BIGSERIAL PRIMARY KEY,"
    " user_id BIGINT NOT NULL, at BIGINT NOT NULL, kind TEXT NOT NULL,"
    " app_id BIGINT NOT NULL DEFAULT 0, rec_id BIGINT NOT NULL DEFAULT 0,"
    " actor TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '',"
    " body TEXT NOT NULL DEFAULT '', read BIGINT NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS notifications_user ON notifications(user_id, id)",
    "CREATE INDEX IF NOT EXISTS notifications_at ON notifications(at)",
    "CREATE INDEX IF NOT EXISTS notifications_unread ON notifications(user_id, id)"
    " WHERE read = 0",
    "CREATE TABLE IF NOT EXISTS mail_outbox(id BIGSERIAL PRIMARY KEY,"
    " to_addr TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,"
    " created BIGINT NOT NULL, next_try BIGINT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0,"
    " state BIGINT NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX IF NOT EXISTS mail_due ON mail_outbox(next_try) WHERE state = 0",
    "CREATE TABLE IF NOT EXISTS reminder_marks(app_id BIGINT PRIMARY KEY,"
    " upto BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS circulars(id BIGSERIAL PRIMARY KEY,"
    " app_id BIGINT NOT NULL, rec_id BIGINT NOT NULL, sender TEXT NOT NULL,"
    " message TEXT NOT NULL, at BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS circulars_record ON circulars(app_id, rec_id)",
    /* rowid stands for the order people were added in, as on SQLite */
    "CREATE TABLE IF NOT EXISTS circular_people(rowid BIGSERIAL, circular_id BIGINT NOT NULL,"
    " \"user\" TEXT NOT NULL, confirmed BIGINT NOT NULL DEFAULT 0,"
    " reminded BIGINT NOT NULL DEFAULT 0, comment TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY(circular_id, \"user\"))",
    "CREATE INDEX IF NOT EXISTS circular_people_user ON circular_people(\"user\", confirmed)",
};

static int64_t schema_fingerprint(void)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < TS_ARRAY_LEN(schema); i++)
        for (const char *p = schema[i]; *p; p++)
            h = (h ^ (unsigned char)*p) * 16777619u;
    return (int64_t)(h & 0x7fffffff);
}

/* The schema version the database holds, 0 when none, -1 on failure. */
static int64_t schema_version(struct pg_db *db)
{
    PGresult *res = PQexec(db->conn, "SELECT to_regclass('counters') IS NOT NULL");
    bool made = PQresultStatus(res) == PGRES_TUPLES_OK && !strcmp(PQgetvalue(res, 0, 0), "t");
    int64_t v = PQresultStatus(res) == PGRES_TUPLES_OK ? 0 : pg_error(db, res);
    PQclear(res);
    if (!made)
        return v;
    res = PQexec(db->conn, "SELECT coalesce(max(value), 0) FROM counters WHERE name='schema'");
    v = PQresultStatus(res) == PGRES_TUPLES_OK ? strtoll(PQgetvalue(res, 0, 0), NULL, 10)
                                               : pg_error(db, res);
    PQclear(res);
    return v;
}

/* The first server on an empty database makes the schema; servers that start
 * together wait for it on an advisory lock and then find it made. */
static int migrate(struct pg_db *db)
{
    int64_t want = schema_fingerprint();
    if (schema_version(db) == want)
        return 0;
    char sql[160];
    snprintf(sql, sizeof(sql), "BEGIN; SELECT pg_advisory_xact_lock(%d)", SCHEMA_LOCK);
    if (run(db, sql) < 0)
        return -1;
    int64_t have = schema_version(db);
    for (size_t i = 0; have >= 0 && have != want && i < TS_ARRAY_LEN(schema); i++)
        if (run(db, schema[i]) < 0)
            have = -1;
    if (have >= 0 && have != want) {
        snprintf(sql, sizeof(sql),
                 "INSERT INTO counters(name, value) VALUES('schema', %lld)"
                 " ON CONFLICT(name) DO UPDATE SET value=excluded.value",
                 (long long)want);
        if (run(db, sql) < 0)
            have = -1;
    }
    if (have < 0) {
        run(db, "ROLLBACK");
        return -1;
    }
    return run(db, "COMMIT");
}

static void pg_close(struct ts_db *base);

/* UTF-8 text, timestamps as the store computes them (epoch seconds), no
 * notices for IF NOT EXISTS; no parallel workers: a page of records is read in
 * well under a millisecond, and starting workers for it cost 20 ms. */
#define SESSION_SETTINGS                                                                           \
    "SET client_encoding = 'UTF8'; SET client_min_messages = warning;"                             \
    " SET standard_conforming_strings = on; SET TIME ZONE 'UTC';"                                  \
    " SET max_parallel_workers_per_gather = 0"

struct ts_db *ts_pg_open(const char *uri, char *errbuf, size_t errlen)
{
    struct pg_db *db = ts_xcalloc(1, sizeof(*db));
    db->base.drv = &pg_driver;
    db->conn = PQconnectdb(uri);
    if (PQstatus(db->conn) != CONNECTION_OK) {
        snprintf(errbuf, errlen, "cannot connect to PostgreSQL: %s", PQerrorMessage(db->conn));
        pg_close(&db->base);
        return NULL;
    }
    if (PQserverVersion(db->conn) < 130000) {
        snprintf(errbuf, errlen, "PostgreSQL 13 or later is needed (the server is %d)",
                 PQserverVersion(db->conn));
        pg_close(&db->base);
        return NULL;
    }
    if (run(db, SESSION_SETTINGS) < 0 || migrate(db) < 0) {
        snprintf(errbuf, errlen, "cannot set up the PostgreSQL database: %s", db->base.err_msg);
        pg_close(&db->base);
        return NULL;
    }
    return &db->base;
}

static void pg_close(struct ts_db *base)
{
    struct pg_db *db = PG(base);
    for (int i = 0; i < STMT_CACHE; i++) {
        PQclear(db->cache[i].res);
        free(db->cache[i].sql);
        free(db->cache[i].text);
        free(db->cache[i].vals);
    }
    PQfinish(db->conn);
    free(db);
}

/* ---------------------------------------------------------------- statements */

/* sql with `?` and `?N` as `$N` (outside quotes); *n: the highest N. */
static char *dollar_placeholders(const char *sql, int *n)
{
    struct ts_buf b;
    ts_buf_init(&b);
    int max = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            ts_buf_putc(&b, *p);
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            ts_buf_putc(&b, *p);
        } else if (*p == '?') {
            int k;
            if (p[1] >= '0' && p[1] <= '9') {
                k = (int)strtol(p + 1, (char **)&p, 10);
                p--;
            } else {
                k = max + 1;
            }
            if (k > max)
                max = k;
            ts_buf_printf(&b, "$%d", k);
        } else {
            ts_buf_putc(&b, *p);
        }
    }
    *n = max;
    return ts_buf_detach(&b, NULL);
}

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void forget_stmt(struct pg_db *db, struct pg_stmt *s)
{
    if (s->name[0]) {
        char sql[48];
        snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
        PQclear(PQexec(db->conn, sql));
    }
    PQclear(s->res);
    free(s->sql);
    free(s->text);
    free(s->vals);
    memset(s, 0, sizeof(*s));
}

/*
 * A connection PostgreSQL lost (a restart, a failover, a dropped idle
 * connection) is made again before the next transaction or statement outside
 * one; the statements prepared on the old one are prepared again as they are
 * used. The request that found it lost has failed; the next ones work.
 */
static void reconnect_if_lost(struct pg_db *db)
{
    if (PQstatus(db->conn) != CONNECTION_BAD || PQtransactionStatus(db->conn) == PQTRANS_INTRANS)
        return;
    PQreset(db->conn);
    if (PQstatus(db->conn) != CONNECTION_OK)
        return;
    PQclear(PQexec(db->conn, SESSION_SETTINGS));
    for (int i = 0; i < STMT_CACHE; i++)
        db->cache[i].name[0] = '\0';
    TS_LOG_WARN(NULL, "store", "the connection to PostgreSQL was lost and made again");
}

static void clear_params(struct pg_stmt *s)
{
    size_t n = (size_t)s->n_params;
    memset(s->vals, 0, n * sizeof(*s->vals));
    memset(s->lens, 0, n * sizeof(*s->lens));
    memset(s->fmts, 0, n * sizeof(*s->fmts));
    memset(s->types, 0, n * sizeof(*s->types));
}

/* The bind arrays of s, in one block (s->vals owns it). */
static void make_params(struct pg_stmt *s)
{
    size_t n = (size_t)s->n_params + 1;
    char *block = ts_xcalloc(n, sizeof(*s->vals) + sizeof(*s->lens) * 2 + sizeof(*s->types) +
                                    sizeof(*s->nums));
    s->vals = (const char **)(void *)block;
    s->nums = (char(*)[32])(void *)(block + n * sizeof(*s->vals));
    s->lens = (int *)(void *)(block + n * (sizeof(*s->vals) + sizeof(*s->nums)));
    s->fmts = s->lens + n;
    s->types = (Oid *)(void *)(s->fmts + n);
}

static struct ts_stmt *pg_prep(struct ts_ctx *cx, const char *sql)
{
    struct pg_db *db = PG(cx->db);
    reconnect_if_lost(db);
    uint32_t h = hash_str(sql) % STMT_CACHE;
    struct pg_stmt *s, *free_slot = NULL, *idle = NULL;
    for (int probe = 0; probe < 8; probe++) {
        s = &db->cache[(h + probe) % STMT_CACHE];
        if (s->sql && !s->base.busy && strcmp(s->sql, sql) == 0) {
            PQclear(s->res);
            s->res = NULL;
            clear_params(s);
            s->base.busy = true;
            return &s->base;
        }
        if (!s->sql && !free_slot)
            free_slot = s;
        if (s->sql && !s->base.busy)
            idle = s;
    }
    /* a statement still being stepped is not taken from under its caller while
     * another slot will do (busy is a hint: see the SQLite driver) */
    if (!(s = free_slot ? free_slot : idle))
        s = &db->cache[(h + 7) % STMT_CACHE];
    if (s->sql) /* the neighbourhood is full: evict one not in use */
        forget_stmt(db, s);
    s->base.db = &db->base;
    s->base.busy = true;
    s->sql = ts_xstrdup(sql);
    s->text = dollar_placeholders(sql, &s->n_params);
    make_params(s);
    return &s->base;
}

#define PS(st) ((struct pg_stmt *)(st))

/* Bind parameter i (from 1) of st. */
static void bind(struct ts_stmt *st, int i, const char *val, int len, int fmt, Oid type)
{
    struct pg_stmt *s = PS(st);
    assert(i >= 1 && i <= s->n_params);
    s->vals[i - 1] = val;
    s->lens[i - 1] = len;
    s->fmts[i - 1] = fmt;
    s->types[i - 1] = type;
}

static void pg_bind_int(struct ts_stmt *st, int i, int64_t v)
{
    char *num = PS(st)->nums[i - 1];
    snprintf(num, sizeof(PS(st)->nums[0]), "%lld", (long long)v);
    bind(st, i, num, 0, 0, OID_INT8);
}

static void pg_bind_double(struct ts_stmt *st, int i, double v)
{
    char *num = PS(st)->nums[i - 1];
    snprintf(num, sizeof(PS(st)->nums[0]), "%.17g", v);
    bind(st, i, num, 0, 0, OID_FLOAT8);
}

static void pg_bind_text(struct ts_stmt *st, int i, const char *s, size_t len)
{
    bind(st, i, s, (int)len, 0, 0);
}

static void pg_bind_blob(struct ts_stmt *st, int i, const void *b, size_t len)
{
    bind(st, i, b, (int)len, 1, OID_BYTEA);
}

static void pg_bind_null(struct ts_stmt *st, int i)
{
    bind(st, i, NULL, 0, 0, 0);
}

static int pg_step(struct ts_stmt *st)
{
    struct pg_stmt *s = PS(st);
    struct pg_db *db = PG(st->db);
    if (s->res)
        return ++s->row < s->n_rows ? DB_ROW : DB_DONE;
    if (!s->name[0]) {
        /* prepared at the first run, with the types of the values bound then:
         * integers as bigint, text left for the server to infer */
        char name[16];
        snprintf(name, sizeof(name), "s%u", ++db->next_name);
        PGresult *res = PQprepare(db->conn, name, s->text, s->n_params, s->types);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            pg_error(db, res);
            PQclear(res);
            return -1;
        }
        PQclear(res);
        memcpy(s->name, name, sizeof(name));
    }
    PGresult *res = PQexecPrepared(db->conn, s->name, s->n_params, s->vals, s->lens, s->fmts, 0);
    ExecStatusType status = PQresultStatus(res);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        pg_error(db, res);
        PQclear(res);
        return -1;
    }
    const char *tuples = PQcmdTuples(res);
    db->changes = *tuples ? strtoll(tuples, NULL, 10) : 0;
    s->res = res;
    s->row = 0;
    s->n_rows = status == PGRES_TUPLES_OK ? PQntuples(res) : 0;
    return s->n_rows > 0 ? DB_ROW : DB_DONE;
}

static void pg_done(struct ts_stmt *st)
{
    struct pg_stmt *s = PS(st);
    PQclear(s->res);
    s->res = NULL;
    clear_params(s);
    st->busy = false;
}

static int pg_col_count(struct ts_stmt *st)
{
    return PS(st)->res ? PQnfields(PS(st)->res) : 0;
}

static enum db_type pg_col_type(struct ts_stmt *st, int i)
{
    struct pg_stmt *s = PS(st);
    if (PQgetisnull(s->res, s->row, i))
        return DB_NULL;
    switch (PQftype(s->res, i)) {
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
        return DB_INT;
    case OID_FLOAT4:
    case OID_FLOAT8:
        return DB_FLOAT;
    case OID_BYTEA:
        return DB_BLOB;
    default:
        return DB_TEXT; /* NUMERIC too: exact decimal text */
    }
}

static int64_t pg_col_int(struct ts_stmt *st, int i)
{
    struct pg_stmt *s = PS(st);
    const char *v = PQgetvalue(s->res, s->row, i);
    return *v == 't' ? 1 : strtoll(v, NULL, 10); /* a boolean reads as SQLite's 1 or 0 */
}

static double pg_col_double(struct ts_stmt *st, int i)
{
    struct pg_stmt *s = PS(st);
    return strtod(PQgetvalue(s->res, s->row, i), NULL);
}

static const char *pg_col_text(struct ts_stmt *st, int i, size_t *len)
{
    struct pg_stmt *s = PS(st);
    if (PQgetisnull(s->res, s->row, i)) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = (size_t)PQgetlength(s->res, s->row, i);
    return PQgetvalue(s->res, s->row, i);
}

static const void *pg_col_blob(struct ts_ctx *cx, struct ts_stmt *st, int i, size_t *len)
{
    struct pg_stmt *s = PS(st);
    *len = 0;
    if (PQgetisnull(s->res, s->row, i))
        return NULL;
    size_t n;
    unsigned char *raw = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, i), &n);
    if (!raw)
        return NULL;
    void *copy = ts_arena_alloc(cx->arena, n ? n : 1);
    memcpy(copy, raw, n);
    PQfreemem(raw);
    *len = n;
    return copy;
}

static int64_t pg_changes(struct ts_db *db)
{
    return PG(db)->changes;
}

static int pg_exec(struct ts_ctx *cx, const char *sql)
{
    return run(PG(cx->db), sql);
}

/* ---------------------------------------------------------------- transactions */

static int pg_begin(struct ts_ctx *cx, bool write)
{
    struct pg_db *db = PG(cx->db);
    reconnect_if_lost(db);
    char sql[96];
    snprintf(sql, sizeof(sql), "BEGIN; SELECT pg_advisory_xact_lock(%d)", WRITE_LOCK_KEY);
    int rc = run(db, write ? sql : "BEGIN ISOLATION LEVEL REPEATABLE READ");
    /* the BEGIN ran and the lock wait failed (a timeout, a cancel): the
     * transaction is open and aborted, and nobody else will end it */
    if (rc < 0 && PQtransactionStatus(db->conn) != PQTRANS_IDLE)
        PQclear(PQexec(db->conn, "ROLLBACK"));
    return rc;
}

static int pg_commit(struct ts_ctx *cx)
{
    struct pg_db *db = PG(cx->db);
    PGresult *res = PQexec(db->conn, "COMMIT");
    int rc = 0;
    /* a transaction a failed statement aborted answers COMMIT with ROLLBACK */
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = pg_error(db, res);
    else if (strcmp(PQcmdStatus(res), "COMMIT") != 0) {
        db->base.err_kind = DB_E_OTHER;
        snprintf(db->base.err_msg, sizeof(db->base.err_msg), "the transaction was aborted");
        rc = -1;
    }
    PQclear(res);
    return rc;
}

static void pg_rollback(struct ts_ctx *cx)
{
    struct pg_db *db = PG(cx->db);
    if (PQtransactionStatus(db->conn) != PQTRANS_IDLE)
        PQclear(PQexec(db->conn, "ROLLBACK"));
}

/* ---------------------------------------------------------------- the catalog */

/* the schema the installation's tables are made in (the first on the search path) */
#define OWN_SCHEMA "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"

static int pg_has(struct ts_ctx *cx, bool index, const char *name)
{
    struct ts_stmt *st = db_prep(cx, "SELECT 1 FROM pg_class WHERE relname=? AND relkind=?"
                                     " AND relnamespace = " OWN_SCHEMA);
    if (!st)
        return -1;
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, index ? "i" : "r");
    int rc = db_step(st);
    db_done(st);
    return rc < 0 ? db_fail(cx, "catalog") : rc == DB_ROW;
}

static const char **pg_names(struct ts_ctx *cx, bool index, const char *prefix, int *n)
{
    struct ts_stmt *st =
        db_prep(cx, "SELECT relname FROM pg_class WHERE relkind=? AND starts_with(relname, ?)"
                    " AND relnamespace = " OWN_SCHEMA " ORDER BY relname");
    if (!st)
        return NULL;
    db_bind_text(st, 1, index ? "i" : "r");
    db_bind_text(st, 2, prefix);
    return db_text_rows(cx, st, n, "catalog");
}

static const char **pg_indexes_on(struct ts_ctx *cx, int64_t app_id, const char *col, int *n)
{
    struct ts_stmt *st =
        db_prep(cx, "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid=x.indexrelid"
                    " JOIN pg_class t ON t.oid=x.indrelid JOIN pg_attribute a"
                    " ON a.attrelid=t.oid AND a.attnum = ANY(x.indkey)"
                    " WHERE t.relname=? AND a.attname=? AND t.relnamespace = " OWN_SCHEMA);
    if (!st)
        return NULL;
    db_bind_text(st, 1, ts_arena_printf(cx->arena, "r%lld", (long long)app_id));
    db_bind_text(st, 2, col);
    return db_text_rows(cx, st, n, "catalog");
}

static const char **pg_columns(struct ts_ctx *cx, const char *table, int *n)
{
    struct ts_stmt *st =
        db_prep(cx, "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?)"
                    " AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
    if (!st)
        return NULL;
    db_bind_text(st, 1, table);
    return db_text_rows(cx, st, n, "catalog");
}

/* every sequence a serial column owns moves to its column's largest value */
static const struct ts_id_mark *pg_id_marks(struct ts_ctx *cx, int *n)
{
    struct ts_stmt *st = db_prep(
        cx, "SELECT c.relname, coalesce(s.last_value, 0) FROM pg_depend d"
            " JOIN pg_class q ON q.oid = d.objid AND q.relkind = 'S'"
            " JOIN pg_class c ON c.oid = d.refobjid AND c.relnamespace = " OWN_SCHEMA
            " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid"
            "  AND a.attname = 'id'"
            " JOIN pg_sequences s ON s.sequencename = q.relname AND s.schemaname = current_schema()"
            " WHERE d.deptype = 'a'");
    if (!st)
        return NULL;
    return db_id_mark_rows(cx, st, n);
}

/* every sequence a serial column owns moves past its column's largest value */
static int after_copy_max(struct ts_ctx *cx)
{
    return db_exec(
        cx, "DO $$DECLARE r record; BEGIN"
            " FOR r IN SELECT c.relname AS t, a.attname AS col,"
            "  pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS seq"
            "  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
            "  WHERE c.relkind = 'r' AND c.relnamespace = " OWN_SCHEMA " AND a.attnum > 0"
            "  AND NOT a.attisdropped"
            "  AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL"
            " LOOP EXECUTE format('SELECT setval(%L, coalesce((SELECT max(%I) FROM %I), 0) + 1,"
            " false)', r.seq, r.col, r.t); END LOOP; END$$");
}

static int pg_after_copy(struct ts_ctx *cx, const struct ts_id_mark *marks, int n)
{
    if (after_copy_max(cx) < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        const char *t = marks[i].table;
        if (marks[i].value < 1 || strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(t))
            continue; /* the installation's own tables have plain names */
        int has = pg_has(cx, false, t);
        if (has < 0)
            return -1;
        if (has && db_execf(cx,
                            "SELECT setval(pg_get_serial_sequence('%s', 'id'), greatest(%lld,"
                            " (SELECT coalesce(max(id), 0) FROM \"%s\")), true)",
                            t, (long long)marks[i].value, t) < 0)
            return -1;
    }
    return 0;
}

static int pg_analyze(struct ts_ctx *cx, int64_t app_id)
{
    return db_execf(cx, "ANALYZE r%lld; ANALYZE r%lld_m", (long long)app_id, (long long)app_id);
}

/* ---------------------------------------------------------------- search */

/*
 * `like` of 3 characters or more is served by a pg_trgm GIN index on each text
 * column (r<app>_s_<col>), which ILIKE uses directly: written with the row, so
 * a search sees every write at once, with no queue. A column's index goes with
 * the column; new text fields get theirs at deploy.
 */
static bool searched(const struct ts_app *app, const char *column)
{
    for (int i = 0; i < app->n_fields; i++)
        if (ts_store__is_search_field(&app->fields[i]) && !strcmp(app->fields[i].column, column))
            return true;
    return false;
}

/* a field that stays but is no longer searched (now a drop-down, say) */
static int pg_search_drop(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to)
{
    for (int i = 0; from && i < from->n_fields; i++) {
        const struct ts_field *f = &from->fields[i];
        if (ts_store__is_search_field(f) && !searched(to, f->column) &&
            db_execf(cx, "DROP INDEX IF EXISTS r%lld_s_%s", (long long)to->id, f->column) < 0)
            return -1;
    }
    return 0;
}

static int pg_search_create(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to)
{
    (void)from;
    for (int i = 0; i < to->n_fields; i++) {
        const struct ts_field *f = &to->fields[i];
        if (!ts_store__is_search_field(f))
            continue;
        if (db_execf(cx,
                     "CREATE INDEX IF NOT EXISTS r%lld_s_%s ON r%lld USING gin (%s gin_trgm_ops)",
                     (long long)to->id, f->column, (long long)to->id, f->column) < 0)
            return -1;
    }
    return 0;
}

/*
 * An ordered value index (store/indexes.c): a table "<name>"(rec, v, k) of each
 * value v of a multi-valued field with its record's sort key k, indexed on
 * (v, k, rec) and kept in step by triggers on r<app>_m and r<app>, as on SQLite.
 */
static int pg_ordered_drop(struct ts_ctx *cx, const char *name)
{
    return db_execf(cx,
                    "DROP TABLE IF EXISTS \"%s\"; DROP FUNCTION IF EXISTS \"%s_i\"() CASCADE;"
                    " DROP FUNCTION IF EXISTS \"%s_d\"() CASCADE;"
                    " DROP FUNCTION IF EXISTS \"%s_u\"() CASCADE",
                    name, name, name, name);
}

static int pg_ordered_create(struct ts_ctx *cx, const struct ts_app *app,
                             const struct ts_index_spec *s, const char *name)
{
    long long a = (long long)app->id;
    int fid = s->fields[0]->fid;
    const char *col = s->fields[1]->column;
    const char *type = ts_store__col_type(cx->db->drv, s->fields[1]);
    struct ts_buf sql;
    ts_buf_init(&sql);
    ts_buf_printf(
        &sql,
        "CREATE TABLE \"%1$s\"(rec BIGINT NOT NULL, v TEXT COLLATE \"C\" NOT NULL, k %2$s,"
        " PRIMARY KEY(rec, v));"
        "INSERT INTO \"%1$s\"(rec, v, k) SELECT m.rec, m.val, r.%3$s FROM r%4$lld_m m"
        " JOIN r%4$lld r ON r.id = m.rec WHERE m.fid = %5$d;"
        "CREATE INDEX \"%1$s_k\" ON \"%1$s\"(v, k NULLS FIRST, rec);"
        "CREATE FUNCTION \"%1$s_i\"() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN"
        " INSERT INTO \"%1$s\"(rec, v, k) SELECT NEW.rec, NEW.val, %3$s FROM r%4$lld"
        " WHERE id = NEW.rec; RETURN NULL; END $f$;"
        "CREATE TRIGGER \"%1$s_i\" AFTER INSERT ON r%4$lld_m FOR EACH ROW"
        " WHEN (NEW.fid = %5$d) EXECUTE FUNCTION \"%1$s_i\"();"
        "CREATE FUNCTION \"%1$s_d\"() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN"
        " DELETE FROM \"%1$s\" WHERE rec = OLD.rec AND v = OLD.val; RETURN NULL; END $f$;"
        "CREATE TRIGGER \"%1$s_d\" AFTER DELETE ON r%4$lld_m FOR EACH ROW"
        " WHEN (OLD.fid = %5$d) EXECUTE FUNCTION \"%1$s_d\"();"
        "CREATE FUNCTION \"%1$s_u\"() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN"
        " UPDATE \"%1$s\" SET k = NEW.%3$s WHERE rec = NEW.id; RETURN NULL; END $f$;"
        "CREATE TRIGGER \"%1$s_u\" AFTER UPDATE OF %3$s ON r%4$lld FOR EACH ROW"
        " EXECUTE FUNCTION \"%1$s_u\"();",
        name, type, col, a, fid);
    int rc = db_exec(cx, sql.p);
    ts_buf_release(&sql);
    return rc;
}

static const char *pg_search_cond(struct ts_buf *sql, int64_t app, const char *col, bool neg,
                                  int64_t limit, bool asc)
{
    (void)app, (void)limit, (void)asc;
    if (neg)
        ts_buf_printf(sql, "(%s IS NULL OR %s NOT ILIKE ? ESCAPE '\\')", col, col);
    else
        ts_buf_printf(sql, "%s ILIKE ? ESCAPE '\\'", col);
    return "l";
}

/* The zone by name (checked with ts_tz_valid: letters, digits, / _ + -). */
static void pg_local_minute(struct ts_buf *sql, const char *col, const char *tz, int64_t offset)
{
    (void)offset;
    ts_buf_printf(sql, "to_char(to_timestamp(%s) AT TIME ZONE '%s', 'YYYY-MM-DD HH24:MI')", col,
                  tz);
}

static const struct ts_driver pg_driver = {
    .name = "postgresql",
    .close = pg_close,
    .prep = pg_prep,
    .step = pg_step,
    .done = pg_done,
    .bind_int = pg_bind_int,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .col_count = pg_col_count,
    .col_type = pg_col_type,
    .col_int = pg_col_int,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .changes = pg_changes,
    .exec = pg_exec,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .has = pg_has,
    .names = pg_names,
    .indexes_on = pg_indexes_on,
    .search_drop = pg_search_drop,
    .search_create = pg_search_create,
    .search_cond = pg_search_cond,
    .columns = pg_columns,
    .id_marks = pg_id_marks,
    .after_copy = pg_after_copy,
    .ordered_create = pg_ordered_create,
    .ordered_drop = pg_ordered_drop,
    .analyze = pg_analyze,
    .id_col = "BIGSERIAL PRIMARY KEY",
    .int_col = "BIGINT",
    .text_col = "TEXT COLLATE \"C\"",
    .number_col = "NUMERIC",
    .list_sql = "SELECT json_array_elements_text(CAST(? AS json))",
    .like_op = "ILIKE",
    .forced_join = "JOIN",
    .json_group_fn = "json_agg",
    .json_array_fn = "json_build_array",
    .json_each_fmt = "json_array_elements(CAST(%s AS json))",
    .json_name_expr = "e->>'name'",
    .local_minute = pg_local_minute,
    .week_start_fmt = "to_char(CAST(%s AS date) - CAST(extract(dow from CAST(%s AS date)) AS "
                      "integer), 'YYYY-MM-DD')",
    .null_limit = true,
    .exact_numbers = true,
    .asc = "ASC NULLS FIRST",
    .desc = "DESC NULLS LAST",
    .index_order = " NULLS FIRST",
    .index_tail = ",id",
    .for_update = " FOR UPDATE",
    .skip_locked = " FOR UPDATE SKIP LOCKED",
};
