/*
 * print/template.c - print templates (app settings `printTemplates`, our
 * extension; README "Print and PDF"): for each, an A4 page across or upright
 * and what is placed on it in millimetres from its top left corner - fixed
 * text, a field's value (with its name above it if wanted; a table as a
 * table), and pictures (PNG, such as the organisation's logo). Checked here
 * as the settings API writes them; drawn by print/pdf.c.
 */
#include "base/common.h"
#include "print/pdf.h"
#include "base/str.h"
#include "files/files.h"
#include "store/store.h"

#include <sodium.h>

#define MAX_TEMPLATES   20
#define MAX_ITEMS       200
#define MAX_TEXT        2000
#define MAX_PICTURE_B64 700000 /* about 512 KB of PNG */
#define MAX_PICTURE_PX  2000   /* 16 MB decoded */
#define MAX_PICTURES    8      /* on one template (print/pdf.c keeps them decoded) */
#define PAGE_SHORT_MM   210
#define PAGE_LONG_MM    297

static const char *const ITEM_TYPES[] = {"TEXT", "FIELD", "IMAGE"};
static const char *const ALIGNS[] = {"LEFT", "CENTER", "RIGHT"};

static bool one_of(const char *s, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ts_str_eq(s, set[i]))
            return true;
    return false;
}

/* A number from lo to hi at item.key (default dflt when absent), or a failure. */
static void number(struct ts_ctx *cx, json_t *out, const json_t *item, const char *key, double lo,
                   double hi, double dflt, const char *at)
{
    const json_t *v = json_object_get(item, key);
    double x = v ? (json_is_number(v) ? json_number_value(v) : -1e9) : dflt;
    if (x < lo || x > hi)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.%s", at, key), TS_M_NUMBER_RANGE,
                      ts_arena_printf(cx->arena, "%g", lo), ts_arena_printf(cx->arena, "%g", hi));
    else
        json_object_set_new(out, key, json_real(x));
}

static json_t *item_check(struct ts_ctx *cx, const struct ts_app *app, const json_t *in,
                          const char *at, double page_w, double page_h)
{
    const char *type = json_string_value(json_object_get(in, "type"));
    if (!one_of(type, ITEM_TYPES, TS_ARRAY_LEN(ITEM_TYPES))) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.type", at), TS_M_NOT_ENUM);
        return NULL;
    }
    json_t *out = json_pack("{s:s}", "type", type);
    number(cx, out, in, "x", 0, page_w - 5, 0, at);
    number(cx, out, in, "y", 0, page_h - 5, 0, at);
    double x = json_number_value(json_object_get(out, "x"));
    number(cx, out, in, "width", 5, page_w - x, 60 < page_w - x ? 60 : page_w - x, at);
    if (!ts_str_eq(type, "IMAGE")) {
        number(cx, out, in, "fontSize", 6, 72, 10.5, at);
        json_object_set_new(out, "bold", json_boolean(json_is_true(json_object_get(in, "bold"))));
        const char *align = json_string_value(json_object_get(in, "align"));
        if (align && !one_of(align, ALIGNS, TS_ARRAY_LEN(ALIGNS)))
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.align", at), TS_M_NOT_ENUM);
        json_object_set_new(out, "align", json_string(align ? align : "LEFT"));
    }
    if (ts_str_eq(type, "TEXT")) {
        const char *text = json_string_value(json_object_get(in, "text"));
        if (!text || ts_utf8_len(text) > MAX_TEXT)
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.text", at),
                          text ? TS_M_TOO_LONG : TS_M_REQUIRED_PARAM, MAX_TEXT);
        json_object_set_new(out, "text", json_string(text ? text : ""));
    } else if (ts_str_eq(type, "FIELD")) {
        const char *code = json_string_value(json_object_get(in, "code"));
        const struct ts_field *f = code ? ts_app_field(app, code) : NULL;
        if (!f || f->table || ts_str_eq(code, "$id"))
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.code", at), TS_M_FIELD_UNKNOWN,
                          code ? code : "");
        json_object_set_new(out, "code", json_string(code ? code : ""));
        json_object_set_new(out, "label", json_boolean(json_is_true(json_object_get(in, "label"))));
    } else {
        const char *data = json_string_value(json_object_get(in, "data"));
        if (!data || !ts_files_png_ok(data, MAX_PICTURE_B64, MAX_PICTURE_PX))
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.data", at), TS_M_PRINT_PICTURE,
                          MAX_PICTURE_PX);
        json_object_set_new(out, "data", json_string(data ? data : ""));
    }
    return out;
}

json_t *ts_print_template_check(struct ts_ctx *cx, const struct ts_app *app, const json_t *in,
                                const char *key)
{
    if (!json_is_object(in)) {
        ts_fail_field(cx, key, TS_M_NOT_OBJECT);
        return NULL;
    }
    const char *orientation = json_string_value(json_object_get(in, "orientation"));
    if (orientation && !ts_str_eq(orientation, "PORTRAIT") && !ts_str_eq(orientation, "LANDSCAPE"))
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.orientation", key), TS_M_NOT_ENUM);
    bool across = ts_str_eq(orientation, "LANDSCAPE");
    double page_w = across ? PAGE_LONG_MM : PAGE_SHORT_MM,
           page_h = across ? PAGE_SHORT_MM : PAGE_LONG_MM;
    const json_t *items = json_object_get(in, "items");
    if (items && !json_is_array(items))
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.items", key), TS_M_NOT_ARRAY);
    if (json_array_size(items) > MAX_ITEMS)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.items", key), TS_M_TOO_MANY_ITEMS,
                      MAX_ITEMS);
    json_t *out =
        json_pack("{s:s, s:[]}", "orientation", across ? "LANDSCAPE" : "PORTRAIT", "items");
    json_t *list = json_object_get(out, "items");
    size_t i, pictures = 0;
    const json_t *item;
    json_array_foreach (json_array_size(items) <= MAX_ITEMS ? items : NULL, i, item) {
        json_t *o = item_check(cx, app, item, ts_arena_printf(cx->arena, "%s.items[%zu]", key, i),
                               page_w, page_h);
        if (o && ts_str_eq(json_string_value(json_object_get(o, "type")), "IMAGE") &&
            ++pictures > MAX_PICTURES)
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.items[%zu]", key, i),
                          TS_M_TOO_MANY_ITEMS, MAX_PICTURES);
        if (o)
            json_array_append_new(list, o);
    }
    if (cx->err.code) {
        json_decref(out);
        return NULL;
    }
    return out;
}

int ts_print_templates_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *in)
{
    if (!json_is_object(in)) {
        ts_fail_field(cx, "printTemplates", in ? TS_M_NOT_OBJECT : TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (json_object_size(in) > MAX_TEMPLATES) {
        ts_fail_field(cx, "printTemplates", TS_M_TOO_MANY_ITEMS, MAX_TEMPLATES);
        return -1;
    }
    struct ts_app *app = ts_app_build(cx, p->row, p->def);
    if (!app)
        return -1;
    const json_t *old = json_object_get(p->def, "printTemplates");
    json_t *all = json_object();
    const char *name;
    json_t *t;
    json_object_foreach ((json_t *)in, name, t) {
        const char *key = ts_arena_printf(cx->arena, "printTemplates.%s", name);
        if (!*name || ts_utf8_len(name) > 64)
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.name", key), TS_M_TOO_LONG, 64);
        json_t *o = ts_print_template_check(cx, app, t, key);
        if (!o)
            continue;
        /* a template keeps its id across renames when the caller sends it */
        const char *want = json_string_value(json_object_get(t, "id"));
        const char *id = NULL, *oname;
        json_t *ot;
        json_object_foreach ((json_t *)old, oname, ot) {
            const char *oid = json_string_value(json_object_get(ot, "id"));
            if ((want && ts_str_eq(oid, want)) || (!want && ts_str_eq(oname, name)))
                id = oid;
        }
        if (!id) {
            int64_t n = ts_store_counter_next(cx, "printTemplate");
            id = n < 0 ? NULL : ts_arena_printf(cx->arena, "%lld", (long long)n);
        }
        json_object_set_new(o, "id", json_string(id ? id : ""));
        json_object_set_new(o, "name", json_string(name));
        json_t *index = json_object_get(t, "index");
        json_object_set_new(o, "index",
                            json_string(json_is_string(index) ? json_string_value(index) : "0"));
        json_object_set_new(all, name, o);
    }
    ts_app_unref(app);
    if (cx->err.code) {
        json_decref(all);
        return -1;
    }
    json_object_set_new(p->def, "printTemplates", all);
    return 0;
}
