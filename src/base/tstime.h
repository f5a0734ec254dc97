/*
 * base/tstime.h - kintone's date and time formats (KINTONE-API.md §2).
 *
 * DATE is "YYYY-MM-DD", TIME "HH:MM", DATETIME "YYYY-MM-DDTHH:MM:00Z" (UTC, minute
 * precision). Time-zone work (the caller's "today") goes through one lock,
 * because libc keeps the zone in global state.
 */
#ifndef TS_TIME_H
#define TS_TIME_H

#include <time.h>

/* Parse kintone DATE input: "2015", "2015-07", "2015-7-5", "2015/7/5". Writes
 * "YYYY-MM-DD" into out[11]. Returns 0 or -1. */
int ts_date_parse(const char *s, char out[11]);
/* "HH:MM" or "HH:MM:SS" -> "HH:MM" */
int ts_time_parse(const char *s, char out[6]);
/* ISO date-time with Z, +HH:MM, +HHMM or no zone (UTC); seconds dropped.
 * Returns 0 and the UTC epoch seconds (minute precision), or -1. */
int ts_datetime_parse(const char *s, int64_t *epoch /* out */);
/* epoch -> "YYYY-MM-DDTHH:MM:00Z" */
void ts_datetime_format(int64_t epoch, char out[21]);
/* Days since 1970-01-01 for a civil date, and back (proleptic Gregorian). */
int64_t ts_days_from_civil(int y, int m, int d);
void ts_civil_from_days(int64_t days, int *y, int *m, int *d);

/* The caller's local civil date/time for epoch in IANA zone tz. */
void ts_tz_local(const char *tz, int64_t epoch, struct tm *out);
/* The UTC epoch of local civil time tm (fields y/m/d/h/min) in zone tz. */
int64_t ts_tz_epoch(const char *tz, const struct tm *local);
/* The UTC epoch of local midnight at the start of `day` (days since 1970-01-01) in tz. */
int64_t ts_tz_day_start(const char *tz, int64_t day);
bool ts_tz_valid(const char *tz);

#endif
