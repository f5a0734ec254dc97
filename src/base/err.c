/*
 * base/err.c - recording failures on a context, and the message catalogue.
 */
#include "base/common.h"
#include "base/ctx.h"
#include "base/log.h"

#include <stdarg.h>
#include <sodium.h>
#include <time.h>

static const struct {
    int status;
    const char *code, *en, *ja;
} errors[] = {
    [TS_OK] = {200, "", "", ""},
#define TS_ERR(name, st, c, e, j) [TS_E_##name] = {st, c, e, j},
#include "base/errors.def"
#undef TS_ERR
};

static const struct {
    const char *en, *ja;
} msgs[] = {
#define TS_MSG(name, e, j) [TS_M_##name] = {e, j},
#include "base/msgs.def"
#undef TS_MSG
};

int ts_err_status(enum ts_err_code code)
{
    return errors[code].status;
}

const char *ts_err_kintone_code(enum ts_err_code code)
{
    return errors[code].code;
}

const char *ts_err_default_message(enum ts_err_code code, enum ts_lang lang)
{
    return lang == TS_LANG_JA ? errors[code].ja : errors[code].en;
}

const char *ts_msg_format(enum ts_msg msg, enum ts_lang lang)
{
    return lang == TS_LANG_JA ? msgs[msg].ja : msgs[msg].en;
}

int ts_fail(struct ts_ctx *cx, enum ts_err_code code, const char *fmt, ...)
{
    if (cx->err.code != TS_OK && cx->err.code != TS_E_INVALID_INPUT) {
        TS_LOG_DEBUG(cx, "err", "later failure ignored: %s", ts_err_kintone_code(code));
        return -1;
    }
    if (cx->err.code == TS_E_INVALID_INPUT && code != TS_E_INVALID_INPUT && cx->err.fields)
        return -1; /* field errors already collected: they are the answer */
    cx->err.code = code;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(cx->err.detail, sizeof(cx->err.detail), fmt, ap);
        va_end(ap);
    }
    return -1;
}

int ts_fail_arg(struct ts_ctx *cx, enum ts_err_code code, const char *arg)
{
    if (ts_fail(cx, code, "%s", arg) < 0 && cx->err.code == code && !cx->err.message) {
        const char *fmt = ts_err_default_message(code, cx->lang);
        cx->err.message = ts_arena_printf(cx->arena, fmt, arg);
    }
    return -1;
}

void ts_fail_field(struct ts_ctx *cx, const char *key, enum ts_msg msg, ...)
{
    if (cx->err.code != TS_OK && cx->err.code != TS_E_INVALID_INPUT)
        return;
    cx->err.code = TS_E_INVALID_INPUT;
    /* kintone lists several messages under one key; keep one per key and message */
    char text[512];
    va_list ap;
    va_start(ap, msg);
    vsnprintf(text, sizeof(text), ts_msg_format(msg, cx->lang), ap);
    va_end(ap);
    struct ts_field_err *f = TS_NEW(cx->arena, struct ts_field_err);
    f->key = ts_arena_strdup(cx->arena, key);
    f->message = ts_arena_strdup(cx->arena, text);
    if (!cx->err.tail)
        cx->err.tail = &cx->err.fields;
    *cx->err.tail = f;
    cx->err.tail = &f->next;
}

void ts_err_clear(struct ts_ctx *cx)
{
    memset(&cx->err, 0, sizeof(cx->err));
}

void ts_ctx_init(struct ts_ctx *cx, struct ts_db *db)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    memset(cx, 0, sizeof(*cx));
    cx->arena = ts_arena_new();
    cx->db = db;
    cx->now = (int64_t)time(NULL);
    unsigned char rnd[20];
    randombytes_buf(rnd, sizeof(rnd));
    for (size_t i = 0; i < sizeof(rnd); i++)
        cx->id[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
    cx->id[sizeof(rnd)] = '\0';
}

void ts_ctx_release(struct ts_ctx *cx)
{
    ts_arena_free(cx->arena);
    cx->arena = NULL;
}
