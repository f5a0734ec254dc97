/*
 * csv/profile.c - one pass over a CSV file, column by column.
 */
#include "base/common.h"
#include "csv/profile.h"
#include "base/str.h"
#include "base/tstime.h"

static bool is_number(const char *s, size_t len)
{
    char buf[128];
    const char *digits = s + (*s == '-' || *s == '+');
    if (digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9')
        return false; /* "011011": a code, not a number */
    return len < sizeof(buf) && ts_number_normalize(s, buf, sizeof(buf)) == 0;
}

static bool is_date(const char *s)
{
    char out[11];
    int seps = 0;
    for (const char *p = s; *p; p++)
        seps += *p == '-' || *p == '/';
    return seps == 2 && ts_date_parse(s, out) == 0;
}

static bool is_email(const char *s)
{
    const char *at = strchr(s, '@');
    return at && at > s && !strchr(at + 1, '@') && strchr(at + 1, '.') && !strpbrk(s, " \t\r\n,");
}

static void add_part(struct ts_csv_column *c, const char *s, size_t len)
{
    while (len && *s == ' ')
        s++, len--;
    while (len && s[len - 1] == ' ')
        len--;
    if (!len || c->many_parts)
        return;
    for (int i = 0; i < c->n_parts; i++)
        if (strlen(c->parts[i]) == len && !memcmp(c->parts[i], s, len))
            return;
    if (c->n_parts == TS_PROFILE_DISTINCT)
        c->many_parts = true;
    else
        c->parts[c->n_parts++] = ts_xstrndup(s, len);
}

/* The values of a cell that may hold several: one per line, else split at
 * "," or "、"; whether it held more than one. */
static void parts(struct ts_csv_column *c, const char *s)
{
    const char *seps = strpbrk(s, "\r\n") ? "\r\n" : ",";
    bool lines = seps[0] == '\r';
    int n = 0;
    for (const char *p = s; *p;) {
        size_t len = strcspn(p, seps);
        const char *ten = lines ? NULL : strstr(p, "、");
        if (ten && (size_t)(ten - p) < len)
            len = (size_t)(ten - p);
        add_part(c, p, len);
        n += len > 0;
        p += len;
        p += !*p ? 0 : !strncmp(p, "、", 3) ? 3 : strspn(p, seps);
    }
    c->joined += n > 1;
}

static void header(struct ts_csv_profile *p, const char *const *cells, int n)
{
    p->n_cols = n;
    p->cols = ts_xcalloc((size_t)n, sizeof(*p->cols));
    for (int i = 0; i < n; i++) {
        struct ts_csv_column *c = &p->cols[i];
        c->name = ts_xstrdup(cells[i]);
        c->numbers = c->dates = c->links = c->emails = true;
    }
}

static void cell(struct ts_csv_column *c, const char *s, size_t len)
{
    if (!len)
        return;
    c->filled++;
    size_t chars = ts_utf8_len(s);
    if (chars > c->max_len)
        c->max_len = chars;
    c->multiline |= strpbrk(s, "\r\n") != NULL;
    c->numbers = c->numbers && is_number(s, len);
    c->dates = c->dates && is_date(s);
    c->links = c->links && (!strncmp(s, "http://", 7) || !strncmp(s, "https://", 8));
    c->emails = c->emails && is_email(s);
    parts(c, s);
    if (c->many)
        return;
    for (int i = 0; i < c->n_distinct; i++)
        if (!strcmp(c->distinct[i], s))
            return;
    if (c->n_distinct == TS_PROFILE_DISTINCT) {
        c->many = true;
        return;
    }
    c->distinct[c->n_distinct++] = ts_xstrdup(s);
}

static int on_row(void *arg, int64_t row, const char *const *cells, const size_t *lens, int n)
{
    struct ts_csv_profile *p = arg;
    if (row == 1) {
        header(p, cells, n);
        return 0;
    }
    p->rows++;
    for (int i = 0; i < n && i < p->n_cols; i++)
        cell(&p->cols[i], cells[i], lens[i]);
    if (p->n_sample < TS_PROFILE_SAMPLE) {
        char **copy = ts_xcalloc((size_t)p->n_cols, sizeof(*copy));
        for (int i = 0; i < p->n_cols; i++)
            copy[i] = ts_xstrdup(i < n ? cells[i] : "");
        p->sample[p->n_sample++] = copy;
    }
    return 0;
}

int ts_csv_profile(const void *bytes, size_t len, enum ts_csv_enc enc, struct ts_csv_profile *p)
{
    memset(p, 0, sizeof(*p));
    struct ts_csv *c = ts_csv_new(enc, on_row, p);
    int rc = ts_csv_feed(c, bytes, len);
    if (rc == 0)
        rc = ts_csv_finish(c);
    p->enc = ts_csv_encoding(c);
    p->error = ts_csv_error_kind(c);
    p->error_row = rc < 0 ? ts_csv_error_row(c) : 1;
    ts_csv_free(c);
    return rc < 0 || !p->n_cols ? -1 : 0;
}

void ts_csv_profile_free(struct ts_csv_profile *p)
{
    for (int i = 0; i < p->n_cols; i++) {
        free(p->cols[i].name);
        for (int k = 0; k < p->cols[i].n_distinct; k++)
            free(p->cols[i].distinct[k]);
        for (int k = 0; k < p->cols[i].n_parts; k++)
            free(p->cols[i].parts[k]);
    }
    for (int r = 0; r < p->n_sample; r++) {
        for (int i = 0; i < p->n_cols; i++)
            free(p->sample[r][i]);
        free(p->sample[r]);
    }
    free(p->cols);
    memset(p, 0, sizeof(*p));
}
