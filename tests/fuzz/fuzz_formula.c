/*
 * tests/fuzz/fuzz_formula.c - the formula language on arbitrary input, as a
 * calculation and as a text field's formula: it must compile and compute, or
 * say why not; never crash, leak or hang.
 */
#include "fuzz_app.h"
#include "formula/formula.h"

static const char DEF[] =
    "{\"fields\":{"
    "\"t\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"t\",\"label\":\"t\",\"_fid\":10},"
    "\"n\":{\"type\":\"NUMBER\",\"code\":\"n\",\"label\":\"n\",\"_fid\":11},"
    "\"d\":{\"type\":\"DATE\",\"code\":\"d\",\"label\":\"d\",\"_fid\":12},"
    "\"dt\":{\"type\":\"DATETIME\",\"code\":\"dt\",\"label\":\"dt\",\"_fid\":13},"
    "\"tm\":{\"type\":\"TIME\",\"code\":\"tm\",\"label\":\"tm\",\"_fid\":14},"
    "\"c\":{\"type\":\"CHECK_BOX\",\"code\":\"c\",\"label\":\"c\",\"_fid\":15,"
    "\"options\":{\"a\":{\"label\":\"a\",\"index\":\"0\"}}},"
    "\"dd\":{\"type\":\"DROP_DOWN\",\"code\":\"dd\",\"label\":\"dd\",\"_fid\":16,"
    "\"options\":{\"x\":{\"label\":\"x\",\"index\":\"0\"}}},"
    "\"m\":{\"type\":\"MULTI_LINE_TEXT\",\"code\":\"m\",\"label\":\"m\",\"_fid\":17},"
    "\"k\":{\"type\":\"CALC\",\"code\":\"k\",\"label\":\"k\",\"_fid\":18,\"expression\":\"n*2\"},"
    "\"tb\":{\"type\":\"SUBTABLE\",\"code\":\"tb\",\"label\":\"tb\",\"_fid\":19,\"fields\":{"
    "\"tn\":{\"type\":\"NUMBER\",\"code\":\"tn\",\"label\":\"tn\",\"_fid\":20},"
    "\"tt\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"tt\",\"label\":\"tt\",\"_fid\":21}}},"
    "\"Created_datetime\":{\"type\":\"CREATED_TIME\",\"code\":\"Created_datetime\",\"label\":\"c\","
    "\"_fid\":3}"
    "}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ts_app *app;
    if (size > 4096)
        return 0;
    if (!app)
        app = fuzz_app(DEF);
    struct ts_ctx cx;
    ts_ctx_init(&cx, NULL);
    char *text = ts_arena_strndup(cx.arena, (const char *)data, size);
    for (int as_text = 0; as_text < 2; as_text++) {
        const char *why = NULL;
        const char *got = ts_formula_eval_text(&cx, app, text, as_text, &why);
        /* the contract: a result, or the reason there is none */
        if ((got == NULL) == (why == NULL))
            abort();
    }
    ts_ctx_release(&cx);
    return 0;
}
