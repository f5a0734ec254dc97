/*
 * tests/fuzz/fuzz_params.c - request parameters on arbitrary input: query-string
 * keys in bracket syntax (one "key=value" per line) and JSON bodies.
 */
#include "base/common.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    char *text = ts_xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    json_t *root = json_object();
    char *save = NULL;
    size_t budget = 2000;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '=');
        if (eq)
            *eq = '\0';
        ts_params_add(root, line, eq ? eq + 1 : "", &budget);
    }
    char *out = json_dumps(root, JSON_COMPACT);
    free(out);
    json_decref(root);
    /* the same bytes as a JSON body */
    json_error_t err;
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
    json_decref(body);
    free(text);
    return 0;
}
