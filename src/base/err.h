/*
 * base/err.h - the one error type (STYLE 3.4).
 *
 * A fallible function returns -1 (or NULL) after recording the failure on the
 * context with ts_fail() or ts_fail_field(). The first failure wins. api/ renders
 * the error once as {"code","id","message","errors"}.
 */
#ifndef TS_ERR_H
#define TS_ERR_H

enum ts_err_code {
    TS_OK = 0,
#define TS_ERR(name, status, code, en, ja) TS_E_##name,
#include "base/errors.def"
#undef TS_ERR
};

enum ts_msg {
#define TS_MSG(name, en, ja) TS_M_##name,
#include "base/msgs.def"
#undef TS_MSG
};

enum ts_lang { TS_LANG_EN = 0, TS_LANG_JA = 1 };

struct ts_field_err {
    const char *key;     /* "record.title.value", "records[3].qty.value", "app" */
    const char *message; /* already localised */
    struct ts_field_err *next;
};

struct ts_err {
    enum ts_err_code code;       /* TS_OK while nothing has failed */
    const char *message;         /* public, localised; NULL means the catalogue default */
    struct ts_field_err *fields; /* CB_VA01 details, in the order found */
    struct ts_field_err **tail;
    char detail[256]; /* internal: logged with the request id, never sent */
};

struct ts_ctx;

/* Record a failure and return -1. detail goes only to the log. */
int ts_fail(struct ts_ctx *cx, enum ts_err_code code, const char *detail_fmt, ...) TS_PRINTF(3, 4);

/* Record a failure whose public message is the catalogue message formatted with arg
 * (for messages such as "The app (ID: %s) not found."). Returns -1. */
int ts_fail_arg(struct ts_ctx *cx, enum ts_err_code code, const char *arg);

/* Add one field message under CB_VA01 and go on; validators report every bad
 * field at once. The message is formatted from the catalogue in cx's language. */
void ts_fail_field(struct ts_ctx *cx, const char *key, enum ts_msg msg, ...);

/* Forget any failure recorded on cx. */
void ts_err_clear(struct ts_ctx *cx);

int ts_err_status(enum ts_err_code code);
const char *ts_err_kintone_code(enum ts_err_code code);
const char *ts_err_default_message(enum ts_err_code code, enum ts_lang lang);
const char *ts_msg_format(enum ts_msg msg, enum ts_lang lang);

#endif
