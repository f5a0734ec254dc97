/*
 * base/jw.c - streaming JSON writer.
 */
#include "base/common.h"
#include "base/jw.h"

void ts_jw_init(struct ts_jw *w, struct ts_buf *b)
{
    memset(w, 0, sizeof(*w));
    w->b = b;
    w->first[0] = true;
}

/* Called before every value: writes the comma unless the value follows a key or
 * is the first in its container. */
static void before_value(struct ts_jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first[w->depth])
        ts_buf_putc(w->b, ',');
    w->first[w->depth] = false;
}

static void open(struct ts_jw *w, char c)
{
    before_value(w);
    ts_buf_putc(w->b, c);
    if (++w->depth >= TS_JW_MAX_DEPTH)
        TS_BUG("JSON nesting too deep");
    w->first[w->depth] = true;
}

static void close(struct ts_jw *w, char c)
{
    assert(w->depth > 0);
    w->depth--;
    ts_buf_putc(w->b, c);
}

void ts_jw_obj(struct ts_jw *w)
{
    open(w, '{');
}

void ts_jw_obj_end(struct ts_jw *w)
{
    close(w, '}');
}

void ts_jw_arr(struct ts_jw *w)
{
    open(w, '[');
}

void ts_jw_arr_end(struct ts_jw *w)
{
    close(w, ']');
}

void ts_json_escape(struct ts_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    ts_buf_grow(b, n + 2);
    ts_buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        ts_buf_add(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            ts_buf_add(b, "\\\"", 2);
            break;
        case '\\':
            ts_buf_add(b, "\\\\", 2);
            break;
        case '\n':
            ts_buf_add(b, "\\n", 2);
            break;
        case '\r':
            ts_buf_add(b, "\\r", 2);
            break;
        case '\t':
            ts_buf_add(b, "\\t", 2);
            break;
        default: {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            ts_buf_add(b, e, 6);
        }
        }
    }
    ts_buf_add(b, s + run, n - run);
    ts_buf_putc(b, '"');
}

void ts_jw_key(struct ts_jw *w, const char *key)
{
    before_value(w);
    ts_json_escape(w->b, key, strlen(key));
    ts_buf_putc(w->b, ':');
    w->after_key = true;
}

void ts_jw_strn(struct ts_jw *w, const char *s, size_t n)
{
    before_value(w);
    ts_json_escape(w->b, s, n);
}

void ts_jw_str(struct ts_jw *w, const char *s)
{
    if (!s) {
        ts_jw_null(w);
        return;
    }
    ts_jw_strn(w, s, strlen(s));
}

/* Decimal digits of v into the end of out[24]; returns where they start. */
static char *i64_text(int64_t v, char out[24])
{
    char *p = out + 23;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    *p = '\0';
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return p;
}

void ts_jw_i64_str(struct ts_jw *w, int64_t v)
{
    char buf[24];
    char *p = i64_text(v, buf);
    before_value(w);
    ts_buf_putc(w->b, '"');
    ts_buf_add(w->b, p, (size_t)(buf + 23 - p));
    ts_buf_putc(w->b, '"');
}

void ts_jw_i64(struct ts_jw *w, int64_t v)
{
    char buf[24];
    char *p = i64_text(v, buf);
    before_value(w);
    ts_buf_add(w->b, p, (size_t)(buf + 23 - p));
}

void ts_jw_bool(struct ts_jw *w, bool v)
{
    before_value(w);
    ts_buf_puts(w->b, v ? "true" : "false");
}

void ts_jw_null(struct ts_jw *w)
{
    before_value(w);
    ts_buf_puts(w->b, "null");
}

void ts_jw_raw(struct ts_jw *w, const char *json)
{
    before_value(w);
    ts_buf_puts(w->b, json);
}

static int dump_cb(const char *p, size_t n, void *data)
{
    ts_buf_add(data, p, n);
    return 0;
}

void ts_jw_json(struct ts_jw *w, const json_t *v)
{
    if (!v) {
        ts_jw_null(w);
        return;
    }
    before_value(w);
    json_dump_callback(v, dump_cb, w->b, JSON_COMPACT | JSON_ENCODE_ANY);
}

void ts_jw_member_head(struct ts_jw *w, const char *text, size_t len)
{
    before_value(w);
    ts_buf_add(w->b, text, len);
    if (++w->depth >= TS_JW_MAX_DEPTH)
        TS_BUG("JSON nesting too deep");
    w->first[w->depth] = false;
    w->after_key = true;
}

void ts_jw_kstr(struct ts_jw *w, const char *key, const char *s)
{
    ts_jw_key(w, key);
    ts_jw_str(w, s);
}

void ts_jw_kid(struct ts_jw *w, const char *key, int64_t v)
{
    ts_jw_key(w, key);
    ts_jw_i64_str(w, v);
}

void ts_jw_kint(struct ts_jw *w, const char *key, int64_t v)
{
    ts_jw_key(w, key);
    ts_jw_i64(w, v);
}

void ts_jw_kbool(struct ts_jw *w, const char *key, bool v)
{
    ts_jw_key(w, key);
    ts_jw_bool(w, v);
}
