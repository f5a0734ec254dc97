/*
 * csv/csv.c - CSV rows from bytes: libcsv splits, iconv turns CP932 into UTF-8.
 */
#include "base/common.h"
#include "csv/csv.h"
#include "base/str.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <strings.h>

#define SNIFF_BYTES 65536 /* AUTO decides on this much, or on all if shorter */

struct ts_csv {
    enum ts_csv_enc enc;
    ts_csv_row_fn *fn;
    void *arg;
    struct csv_parser p;
    iconv_t cd;
    bool started; /* the BOM, if any, is behind us */
    int state;    /* 0 reading, 1 stopped by the callback, -1 failed */
    int64_t rows;
    char err[160]; /* the reason; err_row the row */
    int64_t err_row;
    enum ts_csv_problem err_kind;
    /* bytes held back: AUTO's sniffing sample, or a CP932 character cut by
     * the end of a chunk */
    char *hold;
    size_t n_hold, cap_hold;
    /* the row being collected: cells laid end to end, NUL after each */
    char *text;
    size_t n_text, cap_text;
    size_t *offs, *lens;
    const char **cells;
    int n_cells, cap_cells;
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    *cap = n;
    return ts_xrealloc(p, n * size);
}

static void fail(struct ts_csv *c, enum ts_csv_problem kind, const char *why)
{
    if (c->state == 0) {
        c->state = -1;
        c->err_kind = kind;
        c->err_row = c->rows + 1;
        snprintf(c->err, sizeof(c->err), "%s", why);
    }
}

static void on_cell(void *data, size_t len, void *arg)
{
    struct ts_csv *c = arg;
    if (c->state)
        return;
    if (c->enc == TS_CSV_UTF8 && !ts_utf8_valid(data, len)) {
        fail(c, TS_CSV_NOT_UTF8, "the bytes are not UTF-8 text");
        return;
    }
    c->text = grow(c->text, &c->cap_text, c->n_text + len + 1, 1);
    if (c->n_cells == c->cap_cells) {
        c->cap_cells = c->cap_cells ? c->cap_cells * 2 : 32;
        c->offs = ts_xrealloc(c->offs, sizeof(*c->offs) * (size_t)c->cap_cells);
        c->lens = ts_xrealloc(c->lens, sizeof(*c->lens) * (size_t)c->cap_cells);
        c->cells = ts_xrealloc(c->cells, sizeof(*c->cells) * (size_t)c->cap_cells);
    }
    if (len)
        memcpy(c->text + c->n_text, data, len);
    c->text[c->n_text + len] = '\0';
    c->offs[c->n_cells] = c->n_text;
    c->lens[c->n_cells++] = len;
    c->n_text += len + 1;
}

static void on_row(int term, void *arg)
{
    (void)term;
    struct ts_csv *c = arg;
    if (c->state)
        return;
    for (int i = 0; i < c->n_cells; i++)
        c->cells[i] = c->text + c->offs[i];
    c->rows++;
    if (c->fn(c->arg, c->rows, c->cells, c->lens, c->n_cells))
        c->state = 1;
    c->n_cells = 0;
    c->n_text = 0;
}

/* Nothing counts as space around a cell: people's data keeps its blanks. */
static int no_space(unsigned char ch)
{
    (void)ch;
    return 0;
}

struct ts_csv *ts_csv_new(enum ts_csv_enc enc, ts_csv_row_fn *fn, void *arg)
{
    struct ts_csv *c = ts_xcalloc(1, sizeof(*c));
    c->enc = enc;
    c->fn = fn;
    c->arg = arg;
    c->cd = (iconv_t)-1;
    csv_init(&c->p, CSV_APPEND_NULL);
    csv_set_space_func(&c->p, no_space);
    return c;
}

void ts_csv_free(struct ts_csv *c)
{
    if (!c)
        return;
    csv_free(&c->p);
    if (c->cd != (iconv_t)-1)
        iconv_close(c->cd);
    free(c->hold);
    free(c->text);
    free(c->offs);
    free(c->lens);
    free(c->cells);
    free(c);
}

/* Valid UTF-8, allowing the last character to be cut short by the sample's end. */
static bool utf8_prefix(const unsigned char *p, size_t n)
{
    size_t end = n, back = 0;
    while (end > 0 && back < 3 && (p[end - 1] & 0xC0) == 0x80)
        end--, back++;
    if (end > 0 && p[end - 1] >= 0xC0) {
        unsigned char lead = p[end - 1];
        size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (back + 1 < want)
            n = end - 1; /* an incomplete last character: judge what precedes it */
    }
    return ts_utf8_valid((const char *)p, n);
}

static bool has_bom(const char *p, size_t n)
{
    return n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
           (unsigned char)p[2] == 0xBF;
}

static void parse(struct ts_csv *c, const char *p, size_t n)
{
    if (c->state == 0 && n && csv_parse(&c->p, p, n, on_cell, on_row, c) != n)
        fail(c, TS_CSV_BROKEN, csv_strerror(csv_error(&c->p)));
}

/* CP932 to UTF-8 through iconv; a character cut by the chunk's end waits in
 * hold for the next chunk. */
static void convert(struct ts_csv *c, const char *p, size_t n)
{
    char out[16384];
    char *in = (char *)p;
    size_t left = n;
    while (left > 0 && c->state == 0) {
        char *o = out;
        size_t room = sizeof(out);
        size_t r = iconv(c->cd, &in, &left, &o, &room);
        int why = r == (size_t)-1 ? errno : 0; /* before the row callbacks touch errno */
        parse(c, out, (size_t)(o - out));
        if (why == 0 || why == E2BIG)
            continue;
        if (why == EINVAL) { /* incomplete: keep it for the next chunk */
            c->hold = grow(c->hold, &c->cap_hold, left, 1);
            memmove(c->hold, in, left);
            c->n_hold = left;
            return;
        }
        fail(c, TS_CSV_NOT_SJIS, "the bytes are not Shift_JIS (CP932) text");
    }
}

static void take(struct ts_csv *c, const char *p, size_t n)
{
    if (!c->started) {
        c->started = true;
        if (has_bom(p, n)) {
            p += 3;
            n -= 3;
        }
        if (c->enc == TS_CSV_AUTO)
            c->enc = utf8_prefix((const unsigned char *)p, n < SNIFF_BYTES ? n : SNIFF_BYTES)
                         ? TS_CSV_UTF8
                         : TS_CSV_CP932;
        if (c->enc == TS_CSV_CP932 && (c->cd = iconv_open("UTF-8", "CP932")) == (iconv_t)-1) {
            fail(c, TS_CSV_BROKEN, "this system cannot convert Shift_JIS (CP932)");
            return;
        }
    }
    if (c->enc == TS_CSV_UTF8)
        parse(c, p, n);
    else
        convert(c, p, n);
}

int ts_csv_feed(struct ts_csv *c, const void *bytes, size_t n)
{
    if (c->state)
        return c->state;
    if (!c->started && (c->enc == TS_CSV_AUTO || c->n_hold)) {
        /* gather a sample to sniff, unless this chunk is big enough itself */
        if (c->n_hold + n < SNIFF_BYTES) {
            c->hold = grow(c->hold, &c->cap_hold, c->n_hold + n, 1);
            memcpy(c->hold + c->n_hold, bytes, n);
            c->n_hold += n;
            return 0;
        }
    }
    if (c->n_hold) { /* held bytes go first */
        size_t total = c->n_hold + n;
        char *joined = ts_xmalloc(total ? total : 1);
        memcpy(joined, c->hold, c->n_hold);
        memcpy(joined + c->n_hold, bytes, n);
        c->n_hold = 0;
        take(c, joined, total);
        free(joined);
    } else {
        take(c, bytes, n);
    }
    return c->state;
}

int ts_csv_finish(struct ts_csv *c)
{
    if (c->state)
        return c->state;
    if (!c->started) {
        size_t n = c->n_hold;
        c->n_hold = 0;
        take(c, c->hold ? c->hold : "", n);
    } else if (c->n_hold) {
        fail(c, TS_CSV_CUT, "the file ends in the middle of a Shift_JIS (CP932) character");
    }
    if (c->state == 0)
        csv_fini(&c->p, on_cell, on_row, c);
    return c->state;
}

enum ts_csv_enc ts_csv_encoding(const struct ts_csv *c)
{
    return c->enc;
}

int64_t ts_csv_rows(const struct ts_csv *c)
{
    return c->rows;
}

const char *ts_csv_error(const struct ts_csv *c)
{
    return c->err;
}

enum ts_csv_problem ts_csv_error_kind(const struct ts_csv *c)
{
    return c->err_kind;
}

int64_t ts_csv_error_row(const struct ts_csv *c)
{
    return c->err_row;
}

int ts_csv_encoding_parse(const char *s, enum ts_csv_enc *out)
{
    static const struct {
        const char *name;
        enum ts_csv_enc enc;
    } names[] = {{"auto", TS_CSV_AUTO},  {"utf-8", TS_CSV_UTF8},  {"utf8", TS_CSV_UTF8},
                 {"sjis", TS_CSV_CP932}, {"cp932", TS_CSV_CP932}, {"shift_jis", TS_CSV_CP932}};
    for (size_t i = 0; i < TS_ARRAY_LEN(names); i++)
        if (!strcasecmp(s, names[i].name)) {
            *out = names[i].enc;
            return 0;
        }
    return -1;
}
