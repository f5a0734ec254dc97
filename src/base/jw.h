/*
 * base/jw.h - a streaming JSON writer into a ts_buf.
 *
 * Responses are written straight out, never built as a tree first: a 500-record
 * reply as a jansson DOM costs 15-34x more (DESIGN §4). Commas are handled here;
 * callers only say begin/end/key/value. UTF-8 passes through unescaped.
 */
#ifndef TS_JW_H
#define TS_JW_H

#include "base/buf.h"

#include <jansson.h>

#define TS_JW_MAX_DEPTH 64

struct ts_jw {
    struct ts_buf *b;
    int depth;
    bool first[TS_JW_MAX_DEPTH]; /* nothing written yet in the container at this depth */
    bool after_key;
};

void ts_jw_init(struct ts_jw *w, struct ts_buf *b);
void ts_jw_obj(struct ts_jw *w);     /* { */
void ts_jw_obj_end(struct ts_jw *w); /* } */
void ts_jw_arr(struct ts_jw *w);     /* [ */
void ts_jw_arr_end(struct ts_jw *w); /* ] */
void ts_jw_key(struct ts_jw *w, const char *key);
void ts_jw_str(struct ts_jw *w, const char *s); /* NULL writes null */
void ts_jw_strn(struct ts_jw *w, const char *s, size_t n);
void ts_jw_i64_str(struct ts_jw *w, int64_t v); /* kintone ids: "12" */
void ts_jw_i64(struct ts_jw *w, int64_t v);     /* a JSON number: our own APIs */
void ts_jw_bool(struct ts_jw *w, bool v);
void ts_jw_null(struct ts_jw *w);
void ts_jw_raw(struct ts_jw *w, const char *json); /* already-valid JSON text */
void ts_jw_json(struct ts_jw *w, const json_t *v); /* a jansson value, dumped compactly */
/* Prebuilt text that names a member and opens its object up to a key, such as
 * "code":{"type":"NUMBER","value": -- the value comes next, then ts_jw_obj_end. */
void ts_jw_member_head(struct ts_jw *w, const char *text, size_t len);

/* key + value in one call */
void ts_jw_kstr(struct ts_jw *w, const char *key, const char *s);
void ts_jw_kid(struct ts_jw *w, const char *key, int64_t v);
void ts_jw_kint(struct ts_jw *w, const char *key, int64_t v);
void ts_jw_kbool(struct ts_jw *w, const char *key, bool v);

/* Append s as a JSON string literal (with quotes) to b. */
void ts_json_escape(struct ts_buf *b, const char *s, size_t n);

#endif
