/*
 * tests/unit/test_csv.c - the CSV reader: quoting, line ends, encodings, chunk
 * boundaries, bad bytes, and the real files of ../shared/data/real (row and
 * column counts as Python's csv module reads them, and spot-checked cells).
 */
#include "base/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "csv/csv.h"

struct rows {
    int64_t n;
    int min_cells, max_cells;
    char cell[8][4][256]; /* the first cells of the first rows */
    int64_t spot_row;
    int spot_col;
    char spot[512];
};

static int collect(void *arg, int64_t row, const char *const *cells, const size_t *lens, int n)
{
    struct rows *r = arg;
    r->n = row;
    if (row == 1 || n < r->min_cells)
        r->min_cells = n;
    if (n > r->max_cells)
        r->max_cells = n;
    for (int i = 0; row <= 8 && i < n && i < 4; i++)
        snprintf(r->cell[row - 1][i], sizeof(r->cell[0][0]), "%s", cells[i]);
    if (row == r->spot_row && r->spot_col < n)
        snprintf(r->spot, sizeof(r->spot), "%.*s", (int)lens[r->spot_col], cells[r->spot_col]);
    return 0;
}

/* Feeds text in chunks of size step (0: all at once). */
static int run(const char *text, size_t len, size_t step, enum ts_csv_enc enc, struct rows *r,
               enum ts_csv_enc *got, char *err)
{
    memset(r->cell, 0, sizeof(r->cell));
    r->n = 0;
    r->max_cells = 0;
    struct ts_csv *c = ts_csv_new(enc, collect, r);
    int rc = 0;
    for (size_t at = 0; rc == 0 && at < len; at += step ? step : len)
        rc = ts_csv_feed(c, text + at, step && len - at > step ? step : len - at);
    if (rc == 0)
        rc = ts_csv_finish(c);
    if (got)
        *got = ts_csv_encoding(c);
    if (err)
        snprintf(err, 160, "row %lld: %s", (long long)ts_csv_error_row(c), ts_csv_error(c));
    ts_csv_free(c);
    return rc;
}

static void quoting_and_line_ends(void **state)
{
    (void)state;
    const char text[] = "a,b,c\r\n"
                        "\"x,1\",\"say \"\"hi\"\"\",\" kept \"\r\n"
                        "\"line1\nline2\", ,\n"
                        "last,,row";
    for (size_t step = 0; step <= 7; step++) {
        struct rows r = {0};
        assert_int_equal(run(text, sizeof(text) - 1, step, TS_CSV_UTF8, &r, NULL, NULL), 0);
        assert_int_equal(r.n, 4);
        assert_string_equal(r.cell[1][0], "x,1");
        assert_string_equal(r.cell[1][1], "say \"hi\"");
        assert_string_equal(r.cell[1][2], " kept ");
        assert_string_equal(r.cell[2][0], "line1\nline2");
        assert_string_equal(r.cell[2][1], " "); /* blanks are data */
        assert_string_equal(r.cell[2][2], "");
        assert_string_equal(r.cell[3][0], "last");
        assert_string_equal(r.cell[3][2], "row"); /* no line end after the last row */
        assert_int_equal(r.max_cells, 3);
    }
}

static void encodings(void **state)
{
    (void)state;
    struct rows r = {0};
    enum ts_csv_enc got;
    /* UTF-8 with a BOM: the BOM is not part of the first cell */
    const char bom[] = "\xEF\xBB\xBF名前,数\n山田,1\n";
    assert_int_equal(run(bom, sizeof(bom) - 1, 0, TS_CSV_AUTO, &r, &got, NULL), 0);
    assert_int_equal(got, TS_CSV_UTF8);
    assert_string_equal(r.cell[0][0], "名前");
    /* Shift_JIS as Windows writes it: 施設名,住所 / 神戸市,中央区 (incl. NEC/IBM
     * extensions: ① in CP932 is 87 40) fed a byte at a time */
    const char sjis[] = "\x8E\x7B\x90\xDD\x96\xBC,\x8F\x5A\x8F\x8A\r\n"
                        "\x90\x5F\x8C\xCB\x8E\x73,\x87\x40\r\n";
    for (size_t step = 0; step <= 3; step++) {
        assert_int_equal(run(sjis, sizeof(sjis) - 1, step, TS_CSV_AUTO, &r, &got, NULL), 0);
        assert_int_equal(got, TS_CSV_CP932);
        assert_string_equal(r.cell[0][0], "施設名");
        assert_string_equal(r.cell[0][1], "住所");
        assert_string_equal(r.cell[1][0], "神戸市");
        assert_string_equal(r.cell[1][1], "①");
    }
    /* chosen explicitly, the same bytes read the same */
    assert_int_equal(run(sjis, sizeof(sjis) - 1, 0, TS_CSV_CP932, &r, &got, NULL), 0);
    assert_string_equal(r.cell[1][0], "神戸市");
}

static void bad_bytes_name_the_row(void **state)
{
    (void)state;
    struct rows r = {0};
    char err[160];
    const char bad_utf8[] = "a,b\nok,\xC3\x28\n";
    assert_int_equal(run(bad_utf8, sizeof(bad_utf8) - 1, 0, TS_CSV_UTF8, &r, NULL, err), -1);
    assert_non_null(strstr(err, "row 2"));
    assert_non_null(strstr(err, "UTF-8"));
    const char bad_sjis[] = "a,b\n\x82\xA0,\x85\xFF\n"; /* 85 FF is no CP932 character */
    assert_int_equal(run(bad_sjis, sizeof(bad_sjis) - 1, 0, TS_CSV_CP932, &r, NULL, err), -1);
    assert_non_null(strstr(err, "Shift_JIS"));
    const char cut[] = "a,\x82"; /* ends inside a character */
    assert_int_equal(run(cut, sizeof(cut) - 1, 0, TS_CSV_CP932, &r, NULL, err), -1);
}

static int stop_at_two(void *arg, int64_t row, const char *const *cells, const size_t *lens, int n)
{
    (void)arg, (void)cells, (void)lens, (void)n;
    return row == 2;
}

static void the_callback_can_stop(void **state)
{
    (void)state;
    const char text[] = "1\n2\n3\n4\n";
    int64_t rows = 0;
    struct ts_csv *c = ts_csv_new(TS_CSV_AUTO, stop_at_two, NULL);
    int rc = ts_csv_feed(c, text, sizeof(text) - 1);
    if (rc == 0)
        rc = ts_csv_finish(c);
    rows = ts_csv_rows(c);
    ts_csv_free(c);
    assert_int_equal(rc, 1);
    assert_int_equal(rows, 2);
    struct ts_csv_enc_case {
        const char *name;
        int rc;
        enum ts_csv_enc enc;
    } names[] = {{"auto", 0, TS_CSV_AUTO},
                 {"UTF-8", 0, TS_CSV_UTF8},
                 {"Shift_JIS", 0, TS_CSV_CP932},
                 {"sjis", 0, TS_CSV_CP932},
                 {"latin1", -1, TS_CSV_AUTO}};
    for (size_t i = 0; i < TS_ARRAY_LEN(names); i++) {
        enum ts_csv_enc enc = TS_CSV_AUTO;
        assert_int_equal(ts_csv_encoding_parse(names[i].name, &enc), names[i].rc);
        assert_int_equal(enc, names[i].enc);
    }
}

/* ---------------------------------------------------------------- real files */

static const struct {
    const char *file;
    enum ts_csv_enc enc;
    int64_t rows;
    int cols;
    const char *first; /* row 1, cell 1 */
    int64_t spot_row;  /* a cell further in */
    int spot_col;
    const char *spot;
} REAL[] = {
    {"fukui_kanko_survey_2022-11_multiline.csv", TS_CSV_UTF8, 3550, 89, "会員ID", 2, 1,
     "あわら温泉 エリア"},
    {"hokkaido_police_2018_jitensha_tou_cp932.csv", TS_CSV_CP932, 3978, 14, "罪名", 2, 1,
     "自転車盗"},
    {"mhlw_kaigo_jigyosho_160_tsusho_rehab_utf8bom.csv", TS_CSV_UTF8, 7738, 24,
     "都道府県コード又は市町村コード", 2, 1, "0110118338"},
    {"npa_traffic_accident_hojuhyo_2019_cp932.csv", TS_CSV_CP932, 88962, 15, "資料区分", 2, 1,
     "10"},
    {"takamatsu_city_event_list_0081_multiline.csv", TS_CSV_UTF8, 952, 16, "#LINK", 2, 1, "ja"},
    {"wam_shogai_kyodo_seikatsu_enjo_grouphome_cp932.csv", TS_CSV_CP932, 10387, 29,
     "都道府県コード又は市区町村コード", 2, 1, "A0000013773"},
};

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    fstat(fileno(f), &st);
    char *p = ts_xmalloc((size_t)st.st_size + 1);
    *len = fread(p, 1, (size_t)st.st_size, f);
    fclose(f);
    return p;
}

static void real_files(void **state)
{
    (void)state;
    const char *dir = getenv("TS_REAL_DATA") ? getenv("TS_REAL_DATA") : "../shared/data/real";
    struct stat st;
    if (stat(dir, &st) != 0) {
        fprintf(stderr, "real files: %s not found, skipped\n", dir);
        skip();
    }
    for (size_t i = 0; i < TS_ARRAY_LEN(REAL); i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", dir, REAL[i].file);
        size_t len = 0;
        char *text = slurp(path, &len);
        assert_non_null(text);
        struct rows r = {.spot_row = REAL[i].spot_row, .spot_col = REAL[i].spot_col};
        enum ts_csv_enc got;
        char err[160] = "";
        /* in 64 KB chunks, as a file streamed from disk arrives */
        int rc = run(text, len, 65536, TS_CSV_AUTO, &r, &got, err);
        if (rc != 0)
            fail_msg("%s: %s", REAL[i].file, err);
        assert_int_equal(got, REAL[i].enc);
        assert_int_equal(r.n, REAL[i].rows);
        assert_int_equal(r.min_cells, REAL[i].cols);
        assert_int_equal(r.max_cells, REAL[i].cols);
        assert_string_equal(r.cell[0][0], REAL[i].first);
        assert_string_equal(r.spot, REAL[i].spot);
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quoting_and_line_ends),
        cmocka_unit_test(encodings),
        cmocka_unit_test(bad_bytes_name_the_row),
        cmocka_unit_test(the_callback_can_stop),
        cmocka_unit_test(real_files),
    };
    return cmocka_run_group_tests_name("test_csv", tests, NULL, NULL);
}
