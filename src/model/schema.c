/*
 * model/schema.c - the field-type table and lookups on an app's fields.
 */
#include "base/common.h"
#include "model/schema.h"

#define ORDER    TS_FF_ORDER
#define DEFAULT  TS_FF_DEFAULT
#define LENGTH   TS_FF_LENGTH
#define UNIQUE   TS_FF_UNIQUE
#define RANGE    TS_FF_RANGE
#define OPTIONS  TS_FF_OPTIONS
#define NOW      TS_FF_NOW
#define ENTITY   TS_FF_ENTITY
#define LAYOUT   TS_FF_LAYOUT
#define HIDDEN   TS_FF_HIDDEN
#define K_NONE   TS_K_NONE
#define K_SYS    TS_K_SYS
#define K_TEXT   TS_K_TEXT
#define K_NUMBER TS_K_NUMBER
#define K_EPOCH  TS_K_EPOCH
#define K_MULTI  TS_K_MULTI
#define K_FILES  TS_K_FILES
#define K_TABLE  TS_K_TABLE

const struct ts_ftype_info ts_ftypes[TS_F__COUNT] = {
#define TS_FTYPE(name, kind, flags, ops) [TS_F_##name] = {#name, K_##kind, (flags), (ops)},
#include "model/ftypes.def"
#undef TS_FTYPE
};

int ts_ftype_from_name(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < TS_F__COUNT; i++)
        if (strcmp(ts_ftypes[i].name, name) == 0)
            return i;
    return -1;
}

static int cmp_code(const void *key, const void *elem)
{
    const struct ts_field *f = *(const struct ts_field *const *)elem;
    return strcmp(key, f->code);
}

const struct ts_field *ts_app_field(const struct ts_app *app, const char *code)
{
    struct ts_field **p = bsearch(code, app->by_code, (size_t)app->n_fields, sizeof(*p), cmp_code);
    if (p)
        return *p;
    if (strcmp(code, "$id") == 0)
        return ts_app_field_by_type(app, TS_F___ID__);
    if (strcmp(code, "$revision") == 0)
        return ts_app_field_by_type(app, TS_F___REVISION__);
    return NULL;
}

const struct ts_field *ts_app_field_by_type(const struct ts_app *app, enum ts_ftype type)
{
    for (int i = 0; i < app->n_fields; i++)
        if (app->fields[i].type == type)
            return &app->fields[i];
    return NULL;
}

bool ts_field_has_option(const struct ts_field *f, const char *name)
{
    for (int i = 0; i < f->n_options; i++)
        if (strcmp(f->options[i].name, name) == 0)
            return true;
    return false;
}
