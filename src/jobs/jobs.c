/*
 * jobs/jobs.c - the periodic jobs, in two lanes: upkeep (twice a second) and
 * messages (every second, on a lane of its own so that a slow mail server
 * holds up neither requests nor checkpoints). A job is a line in a table:
 * what it does, how often, and from which tick.
 */
#include "base/common.h"
#include "jobs/jobs.h"
#include "base/log.h"
#include "api/api.h"
#include "print/pdf.h"
#include "auth/auth.h"
#include "files/files.h"
#include "notify/notify.h"
#include "store/store.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

struct job {
    const char *name;
    unsigned every, from; /* runs at ticks from, from + every, ... */
    int (*run)(struct ts_ctx *cx);
};

struct lane {
    const char *name;
    long tick_ms;
    const struct job *jobs;
    size_t n_jobs;
    int (*last)(struct ts_ctx *cx); /* once more when stopping, or NULL */
    pthread_t thread;
    bool started;
};

/* Queued search-index updates: applied here so that no request pays for them. */
static int index_queue(struct ts_ctx *cx)
{
    return ts_db_index_pending(cx->db) < 0 ? -1 : 0;
}

/* The WAL into the database file, so that it stays small. */
static int checkpoint(struct ts_ctx *cx)
{
    return ts_db_checkpoint(cx->db);
}

/* Fresh planner statistics for tables that changed a lot (a view's table
 * loaded with a million records after its indexes were made). */
static int statistics(struct ts_ctx *cx)
{
    ts_db_optimize(cx->db);
    return 0;
}

static int forget_hits(struct ts_ctx *cx, void *arg)
{
    (void)arg;
    return ts_store_rate_hits_expire(cx, cx->now - 86400);
}

/* Uploads no record took within 3 days and bytes no key names; old notices
 * and sent mail; failed sign-ins whose window and lock are over; hits
 * counted for public forms whose day is over. */
static int expiry(struct ts_ctx *cx)
{
    int rc = ts_files_expire(cx, cx->now, TS_UPLOAD_TTL) < 0 ? -1 : 0;
    ts_err_clear(cx);
    rc = ts_notify_expire(cx) < 0 ? -1 : rc;
    ts_err_clear(cx);
    rc = ts_db_in_write_tx(cx, forget_hits, NULL) < 0 ? -1 : rc;
    ts_err_clear(cx);
    return ts_auth_forget_failures(cx) < 0 ? -1 : rc;
}

/* Big search-index batches and bulk request bodies leave freed memory
 * scattered in the heap: handed back to the system now and then. */
static int give_back_memory(struct ts_ctx *cx)
{
    (void)cx;
    malloc_trim(0);
    return 0;
}

static int sweep_cursors(struct ts_ctx *cx, void *arg)
{
    (void)arg;
    return ts_store_cursors_expire(cx, cx->now);
}

/* Cursors past their time (read to the end, a cursor goes at once). */
static int cursors(struct ts_ctx *cx)
{
    return ts_db_in_write_tx(cx, sweep_cursors, NULL);
}

static int reminders(struct ts_ctx *cx)
{
    return ts_notify_reminders(cx);
}

static int mail(struct ts_ctx *cx)
{
    return ts_mail_send_due(cx) < 0 ? -1 : 0;
}

static const struct job UPKEEP[] = {
    {"statistics", 60, 0, statistics},   /* every 30 s */
    {"expiry", 7200, 120, expiry},       /* hourly, the first a minute after start */
    {"search index", 1, 0, index_queue}, /* twice a second */
    {"memory", 20, 0, give_back_memory},
    {"cursors", 120, 7, cursors},
    /* every minute */ {"checkpoint", 1, 0, checkpoint},
};

/* PDFs asked for (api/print.c): one at a time, on a lane of their own, so that
 * a PDF of thousands of pages holds up neither mail nor upkeep */
static bool stopping_now(void);

static int print(struct ts_ctx *cx)
{
    return ts_print_run(cx, stopping_now);
}

static int print_expiry(struct ts_ctx *cx)
{
    return ts_print_expire(cx);
}

static int print_last(struct ts_ctx *cx)
{
    (void)cx;
    ts_pdf_thread_end();
    return 0;
}

static const struct job PRINT[] = {
    {"print", 1, 0, print},                    /* every half second */
    {"print expiry", 7200, 240, print_expiry}, /* hourly */
};

static const struct job MESSAGES[] = {
    {"reminders", 30, 0, reminders}, /* every 30 s */
    {"mail", 1, 0, mail},            /* every second */
};

/* what is left of the search index's queue is kept in the database and
 * indexed after the next start, not now, so that a stop is quick */
static struct lane lanes[] = {
    {"upkeep", 500, UPKEEP, TS_ARRAY_LEN(UPKEEP), checkpoint, 0, false},
    {"messages", 1000, MESSAGES, TS_ARRAY_LEN(MESSAGES), NULL, 0, false},
    {"print", 500, PRINT, TS_ARRAY_LEN(PRINT), print_last, 0, false},
};

static const char *db_path;
static atomic_bool stopping;

static bool stopping_now(void)
{
    return atomic_load(&stopping);
}

static void run_one(struct ts_db *db, const char *name, int (*run)(struct ts_ctx *))
{
    struct ts_ctx cx;
    ts_ctx_init(&cx, db);
    cx.caller.kind = TS_CALLER_SYSTEM;
    if (run(&cx) < 0)
        TS_LOG_WARN(&cx, "jobs", "%s failed: %s", name,
                    cx.err.message ? cx.err.message : cx.err.detail);
    ts_ctx_release(&cx);
}

static void *lane_main(void *arg)
{
    const struct lane *l = arg;
    char err[256];
    struct ts_db *db = ts_db_open(db_path, err, sizeof(err));
    if (!db) {
        TS_LOG_ERROR(NULL, "jobs", "%s: %s", l->name, err);
        return NULL;
    }
    struct timespec pause = {l->tick_ms / 1000, (l->tick_ms % 1000) * 1000 * 1000};
    for (unsigned tick = 0; !atomic_load(&stopping); tick++) {
        nanosleep(&pause, NULL);
        for (size_t i = 0; i < l->n_jobs && !atomic_load(&stopping); i++)
            if (tick % l->jobs[i].every == l->jobs[i].from)
                run_one(db, l->jobs[i].name, l->jobs[i].run);
    }
    if (l->last)
        run_one(db, "last", l->last);
    ts_db_close(db);
    return NULL;
}

int ts_jobs_start(const char *path)
{
    db_path = path;
    atomic_store(&stopping, false);
    for (size_t i = 0; i < TS_ARRAY_LEN(lanes); i++) {
        if (pthread_create(&lanes[i].thread, NULL, lane_main, &lanes[i]) != 0) {
            ts_jobs_stop();
            return -1;
        }
        lanes[i].started = true;
    }
    return 0;
}

void ts_jobs_stop(void)
{
    atomic_store(&stopping, true);
    for (size_t i = 0; i < TS_ARRAY_LEN(lanes); i++)
        if (lanes[i].started) {
            pthread_join(lanes[i].thread, NULL);
            lanes[i].started = false;
        }
}
