/*
 * store/sqlite/durable.c - group commit.
 *
 * In server mode commits run with synchronous=NORMAL: the WAL is written but not
 * fsynced. Before a request that wrote answers, it waits here until one fsync of
 * the WAL file has started after its commit finished. One thread does the
 * fsyncs; every commit that completes while an fsync runs is covered by the
 * next one, so 32 concurrent writers need a handful of fsyncs, not 32.
 */
#include "base/common.h"
#include "store/sqlite/sqlite_int.h"
#include "base/log.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER, done = PTHREAD_COND_INITIALIZER;
static uint64_t committed, synced;
static bool started;
static char wal_path[4200];
static int sync_errors;

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
    if (!db || !db->group_commit || db->commit_seq == 0)
        return 0;
    uint64_t seq = db->commit_seq;
    db->commit_seq = 0;
    pthread_mutex_lock(&mu);
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

struct ts_db *sq_writer_acquire(struct ts_ctx *cx)
{
    struct ts_db *own = cx->db;
    if (!own || !SQ(own)->group_commit)
        return own;
    pthread_mutex_lock(&writer_lock);
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
    SQ(own)->commit_seq = SQ(cx->db)->commit_seq; /* the wait for durability happens unlocked */
    SQ(cx->db)->commit_seq = 0;
    cx->db = own;
    pthread_mutex_unlock(&writer_lock);
}

bool sq_writers_pause(void)
{
    pthread_mutex_lock(&writer_lock);
    if (writer)
        return true;
    pthread_mutex_unlock(&writer_lock);
    return false;
}

void sq_writers_resume(void)
{
    pthread_mutex_unlock(&writer_lock);
}
