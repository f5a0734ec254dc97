/*
 * jobs/jobs.h - background work, off the request path: upkeep of the
 * database (the search index's queue, checkpoints, planner statistics,
 * expiry of old uploads and notices) and messages (the mail outbox,
 * reminders). Every job runs as the system caller, in its own unit of work.
 */
#ifndef TS_JOBS_H
#define TS_JOBS_H

/* Start the job threads on the database at db_path; 0, or -1 when one could
 * not start. */
int ts_jobs_start(const char *db_path);
/* Stop them (each finishes the job it is running) and wait. */
void ts_jobs_stop(void);

#endif
