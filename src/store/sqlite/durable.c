/*
 * store/sqlite/durable.c - the one writer, batched transactions and group commit.
 *
 * In server mode every write transaction runs on one shared connection, the
 * writer. Requests that write while others wait for the writer share one
 * SQLite transaction, a batch: each runs inside a savepoint of it (undone alone
 * when the request fails), and the batch commits when a request leaves the
 * writer with nobody waiting (or when a request finds it has grown big or old).
 * A commit writes each page it changed to the WAL once: the index pages that
 * twenty single-record inserts share are written once, not twenty times.
 *
 * Commits run with synchronous=NORMAL: the WAL is written but not fsynced.
 * Before a request that wrote answers, it waits here until its batch has
 * committed and one fsync of the WAL file has started after that. One thread
 * does the fsyncs; every commit that completes while an fsync runs is covered
 * by the next one. A batch that fails to commit fails every request in it:
 * nothing of it was acknowledged.
 */
#include "base/common.h"
#include "store/sqlite/sqlite_int.h"
#include "base/log.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER, done = PTHREAD_COND_INITIALIZER;
static uint64_t committed, synced;
static bool started;
static char wal_path[4200];
static int sync_errors;

/* How each recent batch ended, under mu: its commit's number for the fsync,
 * 0 when it failed. A request waits for its batch long before 4,096 more end. */
#define OUTCOMES 4096
static struct {
    uint64_t batch, seq;
    enum db_err why;
} outcomes[OUTCOMES];
static uint64_t batches_ended;
static pthread_cond_t ended = PTHREAD_COND_INITIALIZER;

uint64_t sq_committed(void)
{
    pthread_mutex_lock(&mu);
    uint64_t seq = ++committed;
    pthread_mutex_unlock(&mu);
    return seq;
}

/* fsync the WAL; reopen it if SQLite replaced the file since the last time. */
static int sync_wal(int *fd)
{
    struct stat a, b;
    if (*fd >= 0 && (stat(wal_path, &a) < 0 || fstat(*fd, &b) < 0 || a.st_ino != b.st_ino)) {
        close(*fd);
        *fd = -1;
    }
    if (*fd < 0)
        *fd = open(wal_path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return -1;
    return fdatasync(*fd);
}

static void *syncer(void *arg)
{
    (void)arg;
    int fd = -1;
    pthread_mutex_lock(&mu);
    for (;;) {
        while (synced >= committed)
            pthread_cond_wait(&work, &mu);
        uint64_t target = committed;
        pthread_mutex_unlock(&mu);
        int rc = sync_wal(&fd);
        pthread_mutex_lock(&mu);
        if (rc < 0)
            sync_errors++;
        synced = target;
        pthread_cond_broadcast(&done);
    }
    return NULL;
}

int sq_wait_durable(struct ts_ctx *cx)
{
    struct sq_db *db = SQ(cx->db);
    if (!db || !db->group_commit || (db->member_of == 0 && db->commit_seq == 0))
        return 0;
    uint64_t batch = db->member_of, seq = db->commit_seq;
    db->member_of = db->commit_seq = 0;
    pthread_mutex_lock(&mu);
    while (batch && batches_ended < batch)
        pthread_cond_wait(&ended, &mu);
    enum db_err why = DB_E_OTHER;
    if (batch && outcomes[batch % OUTCOMES].batch == batch) {
        seq = outcomes[batch % OUTCOMES].seq;
        why = outcomes[batch % OUTCOMES].why;
    } else if (batch) {
        seq = 0;
    }
    if (seq == 0) {
        pthread_mutex_unlock(&mu);
        return ts_fail(cx, why == DB_E_FULL ? TS_E_STORAGE_FULL : TS_E_INTERNAL,
                       "the transaction did not commit");
    }
    if (!started) {
        snprintf(wal_path, sizeof(wal_path), "%s-wal", db->path);
        pthread_t t;
        pthread_create(&t, NULL, syncer, NULL);
        pthread_detach(t);
        started = true;
    }
    int errors = sync_errors;
    pthread_cond_signal(&work);
    while (synced < seq)
        pthread_cond_wait(&done, &mu);
    bool failed = sync_errors != errors;
    pthread_mutex_unlock(&mu);
    if (failed)
        return ts_fail(cx, TS_E_INTERNAL, "fsync of the WAL failed");
    return 0;
}

static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ts_db *writer;
static int waiting; /* requests waiting for the writer (atomic) */

/* The batch, under writer_lock. */
#define BATCH_MAX    32
#define BATCH_AGE_NS (5 * 1000 * 1000)
static bool batch_open;
static uint64_t batch_no; /* the open batch's number, or the last one's */
static int batch_size;
static int64_t batch_opened; /* CLOCK_MONOTONIC ns */

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void batch_ended(uint64_t seq, enum db_err why)
{
    pthread_mutex_lock(&mu);
    outcomes[batch_no % OUTCOMES].batch = batch_no;
    outcomes[batch_no % OUTCOMES].seq = seq;
    outcomes[batch_no % OUTCOMES].why = why;
    batches_ended = batch_no;
    pthread_cond_broadcast(&ended);
    pthread_mutex_unlock(&mu);
    batch_open = false;
    batch_size = 0;
}

/* Commit the open batch (writer_lock held). */
static void batch_commit(struct sq_db *w)
{
    sq_search_discard(w);
    int rc = sqlite3_exec(w->h, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        sq_error(w, rc);
        TS_LOG_ERROR(NULL, "store", "a batch of %d writes failed to commit: %s", batch_size,
                     w->base.err_msg);
        sqlite3_exec(w->h, "ROLLBACK", NULL, NULL, NULL);
    }
    batch_ended(rc == SQLITE_OK ? sq_committed() : 0, w->base.err_kind);
}

bool sq_is_writer(const struct sq_db *db)
{
    return &db->base == writer;
}

int sq_batch_begin(struct sq_db *w)
{
    if (batch_open && (batch_size >= BATCH_MAX || now_ns() - batch_opened > BATCH_AGE_NS))
        batch_commit(w);
    int rc;
    if (!batch_open) {
        /* the first request of a batch needs no savepoint: when it fails, the
         * whole transaction is its own. (A savepoint open through a large
         * transaction makes SQLite keep every statement's journal.) */
        if ((rc = sqlite3_exec(w->h, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK)
            return sq_error(w, rc);
        batch_open = true;
        batch_no++;
        batch_opened = now_ns();
        w->in_savepoint = false;
    } else {
        if ((rc = sqlite3_exec(w->h, "SAVEPOINT request", NULL, NULL, NULL)) != SQLITE_OK)
            return sq_error(w, rc);
        w->in_savepoint = true;
    }
    batch_size++;
    return 0;
}

int sq_batch_commit(struct sq_db *w)
{
    int rc = w->in_savepoint ? sqlite3_exec(w->h, "RELEASE request", NULL, NULL, NULL) : SQLITE_OK;
    if (rc != SQLITE_OK)
        return sq_error(w, rc);
    w->member_of = batch_no;
    return 0;
}

void sq_batch_rollback(struct sq_db *w)
{
    if (!w->in_savepoint) { /* the batch was this request's alone */
        sq_search_discard(w);
        sqlite3_exec(w->h, "ROLLBACK", NULL, NULL, NULL);
        batch_open = false;
        batch_size = 0;
        return;
    }
    sqlite3_exec(w->h, "ROLLBACK TO request; RELEASE request", NULL, NULL, NULL);
    /* an error SQLite answers by rolling back the whole transaction (a full
     * disk, an I/O error) took the batch with it */
    if (batch_open && sqlite3_get_autocommit(w->h)) {
        TS_LOG_ERROR(NULL, "store", "a batch of %d writes was rolled back", batch_size);
        batch_ended(0, w->base.err_kind);
    }
}

struct ts_db *sq_writer_acquire(struct ts_ctx *cx)
{
    struct ts_db *own = cx->db;
    if (!own || !SQ(own)->group_commit)
        return own;
    __atomic_add_fetch(&waiting, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&writer_lock);
    __atomic_sub_fetch(&waiting, 1, __ATOMIC_SEQ_CST);
    if (!writer) {
        char err[256];
        writer = ts_sqlite_open(SQ(own)->path, err, sizeof(err));
        if (!writer) {
            TS_LOG_ERROR(cx, "store", "writer connection: %s", err);
            pthread_mutex_unlock(&writer_lock);
            return own; /* go on with the thread's own connection */
        }
        ts_db_server_mode(writer);
        /* the one writer keeps a larger cache: every write goes through it */
        sqlite3_exec(SQ(writer)->h, "PRAGMA cache_size=-32768", NULL, NULL, NULL);
    }
    cx->db = writer;
    return own;
}

void sq_writer_release(struct ts_ctx *cx, struct ts_db *own)
{
    if (cx->db == own)
        return;
    struct sq_db *w = SQ(cx->db);
    /* the last writer in line commits; with others waiting, one of them will */
    if (batch_open && __atomic_load_n(&waiting, __ATOMIC_SEQ_CST) == 0)
        batch_commit(w);
    SQ(own)->member_of = w->member_of; /* the waits happen unlocked */
    w->member_of = 0;
    cx->db = own;
    pthread_mutex_unlock(&writer_lock);
}

bool sq_writers_pause(void)
{
    pthread_mutex_lock(&writer_lock);
    if (writer) {
        if (batch_open) /* left for a writer in line, which now waits for us */
            batch_commit(SQ(writer));
        return true;
    }
    pthread_mutex_unlock(&writer_lock);
    return false;
}

void sq_writers_resume(void)
{
    pthread_mutex_unlock(&writer_lock);
}
