/*
 * app/acl.c - writing an app's access rights (PUT preview/app/acl.json): kept
 * with the preview settings and deployed with them, as kintone does. Each
 * entry names a user, a department (with or without those below it), a group
 * ("everyone" is everyone) or the app's creator, and the rights it gives; the
 * first entry that matches a person decides (auth/acl.c).
 */
#include "base/common.h"
#include "app/app.h"
#include "base/str.h"

#define MAX_RIGHTS 100

static const char *const FLAGS[] = {"appEditable",      "recordViewable",  "recordAddable",
                                    "recordEditable",   "recordDeletable", "recordImportable",
                                    "recordExportable", "includeSubs"};

static bool entity_exists(struct ts_ctx *cx, const char *type, const char *code)
{
    if (!strcmp(type, "USER"))
        return ts_store_user_by_code(cx, code) != NULL;
    if (!strcmp(type, "GROUP"))
        return !strcmp(code, "everyone") || ts_store_entity_get(cx, TS_GROUP, code) != NULL;
    return ts_store_entity_get(cx, TS_ORG, code) != NULL;
}

int ts_app_acl_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *rights)
{
    if (!json_is_array(rights)) {
        ts_fail_field(cx, "rights", rights ? TS_M_NOT_ARRAY : TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (json_array_size(rights) > MAX_RIGHTS) {
        ts_fail_field(cx, "rights", TS_M_TOO_MANY_RECORDS, MAX_RIGHTS);
        return -1;
    }
    json_t *out = json_array();
    size_t i;
    const json_t *r;
    json_array_foreach (rights, i, r) {
        const json_t *entity = json_object_get(r, "entity");
        const char *type = json_string_value(json_object_get(entity, "type"));
        const char *code = json_string_value(json_object_get(entity, "code"));
        const char *key = ts_arena_printf(cx->arena, "rights[%zu].entity", i);
        bool creator = ts_str_eq(type, "CREATOR");
        if (!type || (!creator && strcmp(type, "USER") && strcmp(type, "GROUP") &&
                      strcmp(type, "ORGANIZATION"))) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.type", key), TS_M_NOT_ENUM);
            continue;
        }
        if (!creator && (!code || !entity_exists(cx, type, code))) {
            if (cx->err.code && cx->err.code != TS_E_INVALID_INPUT)
                break;
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.code", key), TS_M_NOT_FOUND_CODE,
                          code ? code : "");
            continue;
        }
        json_t *e = json_object();
        json_object_set_new(e, "entity",
                            json_pack("{s:s, s:o}", "type", type, "code",
                                      creator ? json_null() : json_string(code)));
        for (size_t k = 0; k < TS_ARRAY_LEN(FLAGS); k++) {
            const json_t *v = json_object_get(r, FLAGS[k]);
            bool on =
                json_is_true(v) || (json_is_string(v) && !strcmp(json_string_value(v), "true"));
            json_object_set_new(e, FLAGS[k], json_boolean(on));
        }
        json_array_append_new(out, e);
    }
    if (cx->err.code) {
        json_decref(out);
        return -1;
    }
    json_object_set_new(p->def, "acl", out);
    return 0;
}
