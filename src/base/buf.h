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
void ts_buf_add(struct ts_buf *b, const void *p, size_t n);
void ts_buf_puts(struct ts_buf *b, const char *s);
void ts_buf_putc(struct ts_buf *b, char c);
void ts_buf_printf(struct ts_buf *b, const char *fmt, ...) TS_PRINTF(2, 3);

#endif
