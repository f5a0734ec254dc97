/*
 * tests/fuzz/fuzz_app.h - the app a fuzz target works against, built once
 * from its settings document.
 */
#ifndef TS_FUZZ_APP_H
#define TS_FUZZ_APP_H

#include "base/common.h"
#include "app/app.h"

#include <sodium.h>

static struct ts_app *fuzz_app(const char *def_text)
{
    if (sodium_init() < 0)
        abort();
    struct ts_ctx boot = {.arena = ts_arena_new()};
    json_t *def = json_loads(def_text, 0, NULL);
    struct ts_app_row row = {.id = 1, .code = "", .name = "fuzz"};
    struct ts_app *app = ts_app_build(&boot, &row, def);
    json_decref(def);
    ts_arena_free(boot.arena);
    if (!app)
        abort();
    return app;
}

#endif
