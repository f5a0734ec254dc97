/*
 * tests/fuzz/fuzz_csv.c - the CSV reader on arbitrary bytes: the first byte
 * picks the encoding and the chunk size; every cell handed out must be UTF-8.
 */
#include "base/common.h"
#include "base/str.h"
#include "csv/csv.h"

static int check(void *arg, int64_t row, const char *const *cells, const size_t *lens, int n)
{
    int64_t *last = arg;
    if (row != *last + 1 || n < 1)
        abort();
    *last = row;
    for (int i = 0; i < n; i++)
        if (strlen(cells[i]) > lens[i] || !ts_utf8_valid(cells[i], lens[i]))
            abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    enum ts_csv_enc enc = (enum ts_csv_enc)(data[0] % 3);
    size_t step = 1 + data[0] / 3 % 64;
    int64_t last = 0;
    struct ts_csv *c = ts_csv_new(enc, check, &last);
    int rc = 0;
    for (size_t at = 1; rc == 0 && at < size; at += step)
        rc = ts_csv_feed(c, data + at, size - at < step ? size - at : step);
    if (rc == 0)
        ts_csv_finish(c);
    if (ts_csv_rows(c) != last)
        abort();
    ts_csv_free(c);
    return 0;
}
