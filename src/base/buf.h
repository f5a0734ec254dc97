/*
 * base/buf.h - a growable byte buffer (curl's dynbuf, git's strbuf).
 *
 * The bytes are always NUL-terminated. The caller owns the struct: ts_buf_init()
 * then ts_buf_release(), or ts_buf_detach() to take the malloc'd bytes.
 */
#ifndef TS_BUF_H
#define TS_BUF_H

struct ts_buf {
    char *p;
    size_t len, cap;
};

void ts_buf_init(struct ts_buf *b);
void ts_buf_release(struct ts_buf *b);
char *ts_buf_detach(struct ts_buf *b, size_t *len /* out, may be NULL */);
void ts_buf_reset(struct ts_buf *b);
void ts_buf_grow(struct ts_buf *b, size_t extra);
void ts_buf_add_slow(struct ts_buf *b, const void *p, size_t n);
/* Append the whole file at path, up to max bytes: 0, or -1 when it cannot be
 * read or is larger. */
int ts_buf_read_file(struct ts_buf *b, const char *path, size_t max);

/* Appending is on the path of every byte of every response: the common case,
 * when the bytes fit, is inline. */
static inline void ts_buf_add(struct ts_buf *b, const void *p, size_t n)
{
    if (b->len + n < b->cap) {
        memcpy(b->p + b->len, p, n);
        b->len += n;
        b->p[b->len] = '\0';
        return;
    }
    ts_buf_add_slow(b, p, n);
}

static inline void ts_buf_puts(struct ts_buf *b, const char *s)
{
    ts_buf_add(b, s, strlen(s));
}

static inline void ts_buf_putc(struct ts_buf *b, char c)
{
    ts_buf_add(b, &c, 1);
}
void ts_buf_printf(struct ts_buf *b, const char *fmt, ...) TS_PRINTF(2, 3);

#endif
