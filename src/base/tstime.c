/*
 * base/tstime.c - date and time parsing, formatting and time zones.
 */
#include "base/common.h"
#include "base/tstime.h"

#include <ctype.h>
#include <pthread.h>
#include <unistd.h>

/* Howard Hinnant's civil-date algorithms: exact for every Gregorian date. */
int64_t ts_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void ts_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* Read 1..maxd digits; returns the number of digits read. */
static int digits(const char **s, int maxd, int *out)
{
    int n = 0, v = 0;
    while (n < maxd && isdigit((unsigned char)**s)) {
        v = v * 10 + (**s - '0');
        (*s)++;
        n++;
    }
    *out = v;
    return n;
}

static int parse_ymd(const char **ps, int *y, int *m, int *d, bool allow_partial)
{
    const char *s = *ps;
    *m = *d = 1;
    if (digits(&s, 4, y) != 4)
        return -1;
    if (*s == '-' || *s == '/') {
        char sep = *s++;
        if (digits(&s, 2, m) < 1)
            return -1;
        if (*s == sep) {
            s++;
            if (digits(&s, 2, d) < 1)
                return -1;
        } else if (!allow_partial) {
            return -1;
        }
    } else if (!allow_partial) {
        return -1;
    }
    if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
        return -1;
    *ps = s;
    return 0;
}

int ts_date_parse(const char *s, char out[11])
{
    int y, m, d;
    if (parse_ymd(&s, &y, &m, &d, true) < 0 || *s)
        return -1;
    snprintf(out, 11, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    return 0;
}

static int parse_hm(const char **ps, int *h, int *mi, int *sec)
{
    const char *s = *ps;
    *sec = 0;
    if (digits(&s, 2, h) < 1 || *s++ != ':' || digits(&s, 2, mi) != 2)
        return -1;
    if (*s == ':') {
        s++;
        if (digits(&s, 2, sec) != 2)
            return -1;
        if (*s == '.') { /* fractions of a second are dropped with the seconds */
            s++;
            while (isdigit((unsigned char)*s))
                s++;
        }
    }
    if (*h > 23 || *mi > 59 || *sec > 59)
        return -1;
    *ps = s;
    return 0;
}

int ts_time_parse(const char *s, char out[6])
{
    int h, mi, sec;
    if (parse_hm(&s, &h, &mi, &sec) < 0 || *s)
        return -1;
    out[0] = (char)('0' + h / 10);
    out[1] = (char)('0' + h % 10);
    out[2] = ':';
    out[3] = (char)('0' + mi / 10);
    out[4] = (char)('0' + mi % 10);
    out[5] = '\0';
    return 0;
}

int ts_datetime_parse(const char *s, int64_t *epoch)
{
    int y, m, d, h = 0, mi = 0, sec = 0;
    if (parse_ymd(&s, &y, &m, &d, false) < 0)
        return -1;
    int off = 0;
    if (*s == 'T' || *s == ' ') {
        s++;
        if (parse_hm(&s, &h, &mi, &sec) < 0)
            return -1;
        if (*s == 'Z') {
            s++;
        } else if (*s == '+' || *s == '-') {
            int sign = *s++ == '-' ? -1 : 1, oh, om;
            if (digits(&s, 2, &oh) != 2)
                return -1;
            if (*s == ':')
                s++;
            if (digits(&s, 2, &om) != 2 || oh > 23 || om > 59)
                return -1;
            off = sign * (oh * 3600 + om * 60);
        }
    }
    if (*s)
        return -1;
    *epoch = ts_days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 - off;
    return 0;
}

void ts_datetime_format(int64_t epoch, char out[21])
{
    int64_t days = epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
    int64_t rem = epoch - days * 86400;
    int y, m, d;
    ts_civil_from_days(days, &y, &m, &d);
    /* by hand: this runs for every date-time of every record in a response */
    unsigned yy = (unsigned)y % 10000, hh = (unsigned)(rem / 3600),
             mi = (unsigned)(rem % 3600 / 60);
    char *o = out;
    *o++ = (char)('0' + yy / 1000);
    *o++ = (char)('0' + yy / 100 % 10);
    *o++ = (char)('0' + yy / 10 % 10);
    *o++ = (char)('0' + yy % 10);
    *o++ = '-';
    *o++ = (char)('0' + m / 10);
    *o++ = (char)('0' + m % 10);
    *o++ = '-';
    *o++ = (char)('0' + d / 10);
    *o++ = (char)('0' + d % 10);
    *o++ = 'T';
    *o++ = (char)('0' + hh / 10);
    *o++ = (char)('0' + hh % 10);
    *o++ = ':';
    *o++ = (char)('0' + mi / 10);
    *o++ = (char)('0' + mi % 10);
    memcpy(o, ":00Z", 5);
}

/* libc keeps the zone in the TZ environment variable: one lock around every use. */
static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

bool ts_tz_valid(const char *tz)
{
    if (!tz || !*tz || strstr(tz, "..") || tz[0] == '/' || strlen(tz) > 64)
        return false;
    if (strcmp(tz, "UTC") == 0 || strcmp(tz, "Etc/UTC") == 0)
        return true;
    for (const char *p = tz; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
            return false;
    char path[128];
    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
    return access(path, R_OK) == 0;
}

static void set_tz(const char *tz)
{
    setenv("TZ", ts_tz_valid(tz) ? tz : "UTC", 1);
    tzset();
}

void ts_tz_local(const char *tz, int64_t epoch, struct tm *out)
{
    time_t t = (time_t)epoch;
    pthread_mutex_lock(&tz_lock);
    set_tz(tz);
    localtime_r(&t, out);
    pthread_mutex_unlock(&tz_lock);
}

int64_t ts_tz_epoch(const char *tz, const struct tm *local)
{
    struct tm tm = *local;
    tm.tm_isdst = -1;
    pthread_mutex_lock(&tz_lock);
    set_tz(tz);
    time_t t = mktime(&tm);
    pthread_mutex_unlock(&tz_lock);
    return (int64_t)t;
}

int64_t ts_tz_day_start(const char *tz, int64_t day)
{
    struct tm tm = {0};
    int y, m, d;
    ts_civil_from_days(day, &y, &m, &d);
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    return ts_tz_epoch(tz, &tm);
}
