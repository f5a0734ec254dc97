/*
 * csv/csv.h - reading the CSV files people bring (DESIGN §4): UTF-8 with or
 * without a BOM, or Shift_JIS as Windows writes it (CP932), RFC 4180 quoting
 * with commas, quotes and newlines inside quotes, CRLF or LF line ends.
 *
 * A reader is fed bytes in chunks of any size (a file streamed from disk, a
 * request body) and calls back once per row with the cells in UTF-8. Cells are
 * taken as they are: no trimming, no type guessing.
 */
#ifndef TS_CSV_H
#define TS_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ts_csv_enc { TS_CSV_AUTO, TS_CSV_UTF8, TS_CSV_CP932 };

/* One row: n cells, each NUL-terminated UTF-8 of lens[i] bytes. row counts
 * from 1 (the header, if any, is row 1). Return non-zero to stop reading. */
typedef int ts_csv_row_fn(void *arg, int64_t row, const char *const *cells, const size_t *lens,
                          int n);

struct ts_csv;

/* enc AUTO decides from the first bytes: a UTF-8 BOM or valid UTF-8 is UTF-8,
 * anything else CP932. */
struct ts_csv *ts_csv_new(enum ts_csv_enc enc, ts_csv_row_fn *fn, void *arg);
/* Returns 0, 1 when the callback stopped the reading, or -1 on bytes that are
 * not text in the encoding (reason from ts_csv_error). */
int ts_csv_feed(struct ts_csv *c, const void *bytes, size_t n);
/* The end of the input: the last row, if it had no line end. Same returns. */
int ts_csv_finish(struct ts_csv *c);
/* The encoding in use (AUTO until the first bytes are seen). */
enum ts_csv_enc ts_csv_encoding(const struct ts_csv *c);
int64_t ts_csv_rows(const struct ts_csv *c);
enum ts_csv_problem {
    TS_CSV_FINE,
    TS_CSV_NOT_UTF8, /* bytes that are not UTF-8 in a UTF-8 file */
    TS_CSV_NOT_SJIS, /* ... not CP932 in a CP932 file */
    TS_CSV_CUT,      /* the input ends inside a character */
    TS_CSV_BROKEN,   /* anything else (no CP932 converter, out of memory) */
};
/* What went wrong, for messages in the reader's language. */
enum ts_csv_problem ts_csv_error_kind(const struct ts_csv *c);
/* Why the last call failed, in English, and the row it happened in. */
const char *ts_csv_error(const struct ts_csv *c);
int64_t ts_csv_error_row(const struct ts_csv *c);
void ts_csv_free(struct ts_csv *c);

/* "auto", "utf-8" (or "utf8") and "sjis" (or "cp932", "shift_jis"), any case.
 * Returns 0, or -1 for anything else. */
int ts_csv_encoding_parse(const char *s, enum ts_csv_enc *out);

#endif
