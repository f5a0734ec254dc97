/*
 * tests/fuzz/fuzz_query.c - the query language on arbitrary input: it must
 * answer with a plan or a kintone error, never crash, leak or hang.
 */
#include "fuzz_app.h"
#include "query/query.h"

static const char DEF[] =
    "{\"fields\":{"
    "\"t\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"t\",\"label\":\"t\",\"_fid\":10},"
    "\"m\":{\"type\":\"MULTI_LINE_TEXT\",\"code\":\"m\",\"label\":\"m\",\"_fid\":11},"
    "\"n\":{\"type\":\"NUMBER\",\"code\":\"n\",\"label\":\"n\",\"_fid\":12},"
    "\"d\":{\"type\":\"DATE\",\"code\":\"d\",\"label\":\"d\",\"_fid\":13},"
    "\"dt\":{\"type\":\"DATETIME\",\"code\":\"dt\",\"label\":\"dt\",\"_fid\":14},"
    "\"tm\":{\"type\":\"TIME\",\"code\":\"tm\",\"label\":\"tm\",\"_fid\":15},"
    "\"c\":{\"type\":\"CHECK_BOX\",\"code\":\"c\",\"label\":\"c\",\"_fid\":16,"
    "\"options\":{\"a\":{\"label\":\"a\",\"index\":\"0\"},\"b\":{\"label\":\"b\",\"index\":\"1\"}}}"
    ","
    "\"dd\":{\"type\":\"DROP_DOWN\",\"code\":\"dd\",\"label\":\"dd\",\"_fid\":17,"
    "\"options\":{\"x\":{\"label\":\"x\",\"index\":\"0\"}}},"
    "\"u\":{\"type\":\"USER_SELECT\",\"code\":\"u\",\"label\":\"u\",\"_fid\":18},"
    "\"o\":{\"type\":\"ORGANIZATION_SELECT\",\"code\":\"o\",\"label\":\"o\",\"_fid\":19},"
    "\"Record_number\":{\"type\":\"RECORD_NUMBER\",\"code\":\"Record_number\",\"label\":\"r\",\"_"
    "fid\":1},"
    "\"Created_by\":{\"type\":\"CREATOR\",\"code\":\"Created_by\",\"label\":\"c\",\"_fid\":2},"
    "\"Created_datetime\":{\"type\":\"CREATED_TIME\",\"code\":\"Created_datetime\",\"label\":\"c\","
    "\"_fid\":3}"
    "}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ts_app *app;
    if (size > 70000)
        return 0;
    if (!app)
        app = fuzz_app(DEF);
    struct ts_ctx cx;
    ts_ctx_init(&cx, NULL);
    char *text = ts_arena_strndup(cx.arena, (const char *)data, size);
    struct ts_query_env env = {.user_code = "fuzz", .tz = "Asia/Tokyo", .now = 1718236800};
    struct ts_qplan plan;
    for (int mode = TS_QUERY_FULL; mode <= TS_QUERY_SORT; mode++) {
        ts_err_clear(&cx);
        int rc = ts_query_plan(&cx, app, text, (enum ts_query_mode)mode, &env, &plan);
        /* the error contract: failure always says why, success never does */
        if ((rc < 0) != (cx.err.code != TS_OK))
            abort();
    }
    ts_ctx_release(&cx);
    return 0;
}
