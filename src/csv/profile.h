/*
 * csv/profile.h - what the columns of a CSV file hold, read in one pass over
 * the whole file: the facts a new app's fields are chosen from (numbers, dates,
 * a few repeated values, long or multi-line text, links).
 */
#ifndef TS_CSV_PROFILE_H
#define TS_CSV_PROFILE_H

#include "csv/csv.h"

#define TS_PROFILE_DISTINCT 20 /* more different values than this: "many" */
#define TS_PROFILE_SAMPLE   5

struct ts_csv_column {
    char *name;     /* the header cell */
    int64_t filled; /* cells that are not empty */
    bool numbers;   /* every filled cell a number (without leading zeros: those are codes) */
    bool dates;     /* every filled cell YYYY-MM-DD */
    bool links;     /* every filled cell an http(s) address */
    bool emails;    /* every filled cell an e-mail address */
    int64_t joined; /* cells holding several values: lines, or "a, b", "a、b" */
    int n_parts;    /* the values of such cells, up to TS_PROFILE_DISTINCT */
    bool many_parts;
    char *parts[TS_PROFILE_DISTINCT];
    bool multiline; /* some cell has a line break */
    size_t max_len; /* characters */
    int n_distinct; /* up to TS_PROFILE_DISTINCT, then many */
    bool many;
    char *distinct[TS_PROFILE_DISTINCT];
};

struct ts_csv_profile {
    enum ts_csv_enc enc;
    int64_t rows; /* data rows, after the header */
    int n_cols;
    struct ts_csv_column *cols;
    int n_sample;
    char **sample[TS_PROFILE_SAMPLE]; /* the first rows, n_cols cells each */
    int64_t error_row;
    enum ts_csv_problem error;
};

/* Returns 0, or -1 with the row and the kind of problem in p->error_row and
 * p->error (TS_CSV_FINE: the file has no header row). */
int ts_csv_profile(const void *bytes, size_t len, enum ts_csv_enc enc, struct ts_csv_profile *p);
void ts_csv_profile_free(struct ts_csv_profile *p);

#endif
