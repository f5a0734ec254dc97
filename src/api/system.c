/*
 * api/system.c - settings of the whole installation that are not mail or app
 * creation: the default language, which answers a request that names none
 * (the official clients send no Accept-Language) from a user whose language
 * follows the browser. Japanese unless an administrator changes it.
 */
#include "base/common.h"
#include "api/api.h"
#include "policy/policy.h"
#include "store/store.h"

#include <stdatomic.h>

#define KEY           "defaultLanguage"
#define CACHE_SECONDS 5 /* a change reaches every server within this */

static _Atomic int cached = -1; /* enum ts_lang, or -1 before the first read */
static _Atomic int64_t cached_at;

static enum ts_lang read_lang(struct ts_ctx *cx)
{
    const char *v = ts_store_system_get(cx, KEY);
    return v && strcmp(v, "en") == 0 ? TS_LANG_EN : TS_LANG_JA;
}

enum ts_lang ts_api_default_lang(struct ts_ctx *cx)
{
    int lang = atomic_load(&cached);
    if (lang < 0 || cx->now - atomic_load(&cached_at) >= CACHE_SECONDS) {
        enum ts_err_code was = cx->err.code;
        lang = (int)read_lang(cx);
        if (!was && cx->err.code) /* a failed read answers in Japanese, and is not kept */
            ts_err_clear(cx);
        else {
            atomic_store(&cached, lang);
            atomic_store(&cached_at, cx->now);
        }
    }
    return (enum ts_lang)lang;
}

static void write_settings(struct ts_jw *w, enum ts_lang lang)
{
    ts_jw_obj(w);
    ts_jw_kstr(w, KEY, lang == TS_LANG_EN ? "en" : "ja");
    ts_jw_obj_end(w);
}

int ts_api_system_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    (void)rq;
    enum ts_lang lang = read_lang(cx);
    if (cx->err.code)
        return -1;
    write_settings(w, lang);
    return 0;
}

int ts_api_system_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const char *lang = ts_param_str(rq->params, KEY);
    if (!lang || (strcmp(lang, "ja") != 0 && strcmp(lang, "en") != 0)) {
        ts_fail_field(cx, KEY, lang ? TS_M_NOT_ENUM : TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (ts_store_system_put(cx, KEY, lang) < 0)
        return -1;
    atomic_store(&cached, -1); /* this server at once; the others within CACHE_SECONDS */
    write_settings(w, strcmp(lang, "en") == 0 ? TS_LANG_EN : TS_LANG_JA);
    return 0;
}
