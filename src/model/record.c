/*
 * model/record.c - attachments as JSON, the one shape every layer uses: the
 * API's value, the stored column and history all hold
 * [{contentType, fileKey, name, size}].
 */
#include "base/common.h"
#include "model/record.h"
#include "base/str.h"

void ts_files_write(struct ts_jw *w, const struct ts_value *v)
{
    ts_jw_arr(w);
    for (int i = 0; i < v->n; i++) {
        const struct ts_file *file = &v->files[i];
        ts_jw_obj(w);
        ts_jw_kstr(w, "contentType", file->type);
        ts_jw_kstr(w, "fileKey", file->key);
        ts_jw_kstr(w, "name", file->name);
        ts_jw_key(w, "size");
        ts_jw_i64_str(w, file->size);
        ts_jw_obj_end(w);
    }
    ts_jw_arr_end(w);
}

static const char *member(struct ts_arena *a, const json_t *o, const char *name)
{
    const char *s = json_string_value(json_object_get(o, name));
    return ts_arena_strdup(a, s ? s : "");
}

void ts_files_read(struct ts_arena *a, const json_t *arr, struct ts_value *v)
{
    size_t n = json_array_size(arr), i;
    const json_t *e;
    v->files = TS_NEW_N(a, struct ts_file, n ? n : 1);
    json_array_foreach (arr, i, e) {
        struct ts_file *file = &v->files[v->n++];
        file->key = member(a, e, "fileKey");
        file->name = member(a, e, "name");
        file->type = member(a, e, "contentType");
        ts_parse_i64(json_string_value(json_object_get(e, "size")), &file->size);
    }
}
