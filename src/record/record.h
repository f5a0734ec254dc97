/*
 * record/record.h - the rules of records: reading values from kintone JSON,
 * defaults, validation, writing with history, and rendering records as JSON
 * (KINTONE-API.md §5.1, §6).
 *
 * Error keys follow kintone: `prefix` is "record" for one record and
 * "records[i]" inside bulk calls, giving keys such as record.title.value or
 * records[3].qty.value. Validation reports every bad field at once.
 * Every function here runs inside the caller's transaction.
 */
#ifndef TS_RECORD_H
#define TS_RECORD_H

#include "base/ctx.h"
#include "base/jw.h"
#include "model/record.h"
#include "model/schema.h"

/* Add a record. Returns 0 and sets *id, or -1. */
int ts_record_add(struct ts_ctx *cx, const struct ts_app *app, const json_t *record,
                  const char *prefix, int64_t *id /* out */);

/* Update a record. expected_rev < 0 means no check (kintone's -1). Returns 0 and
 * sets *new_rev, or -1 (GAIA_RE01, GAIA_CO02, CB_VA01 ...). */
int ts_record_update(struct ts_ctx *cx, const struct ts_app *app, int64_t id, int64_t expected_rev,
                     const json_t *record, const char *prefix, int64_t *new_rev /* out */);

/* What lookup field f copies for key (as the caller may read the source): a
 * record holding f and its mapped fields only (GAIA_LO04 when none). */
int ts_record_lookup_fill(struct ts_ctx *cx, const struct ts_app *app, const struct ts_field *f,
                          const char *key, struct ts_record *out);

/* Find the record an updateKey {field, value} names, as the caller sees the
 * app. Returns the id, 0 when no record they may view has the value, or -1
 * (the field is not a unique key they may see everywhere: CB_VA01). */
int64_t ts_record_find_key(struct ts_ctx *cx, const struct ts_app *app, const json_t *key,
                           const char *prefix);

/* Move a record to status (NULL: keep it) with these assignees (user codes),
 * as a revision `steps` on (an action: 2; a change of assignees: 1), with a
 * history entry. */
int ts_record_set_status(struct ts_ctx *cx, const struct ts_app *app, int64_t id,
                         int64_t expected_rev, const char *status, const char **assignees, int n,
                         int steps, int64_t *new_rev);

/* Delete a record (GAIA_RE01 if missing, GAIA_CO02 on a stale revision). */
int ts_record_delete(struct ts_ctx *cx, const struct ts_app *app, int64_t id, int64_t expected_rev);

/* Restore the values a record had at `revision` as a new revision. */
int ts_record_restore(struct ts_ctx *cx, const struct ts_app *app, int64_t id, int64_t revision,
                      int64_t *new_rev /* out */);

/* Load one record; NULL with GAIA_RE01 when missing. */
struct ts_record *ts_record_load(struct ts_ctx *cx, const struct ts_app *app, int64_t id);

/* Display names of users, cached for the request. */
const char *ts_record_user_name(struct ts_ctx *cx, const char *code);

/* Write {code:{type,value}, ...} for the fields in want (NULL: all). */
void ts_record_write(struct ts_ctx *cx, struct ts_jw *w, const struct ts_app *app,
                     const struct ts_record *r, const bool *want);

/* A field's value as text: what a CSV cell holds (users by code, several
 * values on separate lines, date-times in ISO UTC, attachments by file name).
 * Arena or borrowed memory. */
const char *ts_record_text(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                           const struct ts_field *f);
/* cli-kintone's format puts a record on one line per row of its largest table
 * (at least one); the record's own fields repeat on each line, a table's
 * column holds the row id and its inner fields that row's values. */
int ts_record_lines(const struct ts_app *app, const struct ts_record *r,
                    const struct ts_field *const *cols, int n);
const char *ts_record_cell(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                           const struct ts_field *f, int line);
/* CSV lines in that format (every cell quoted; when a column belongs to a
 * table, a first column "*" marks each record's first line); the header line
 * names the fields by code. */
void ts_record_write_csv_header(struct ts_buf *b, const struct ts_field *const *cols, int n,
                                bool labels);
void ts_record_write_csv(struct ts_ctx *cx, struct ts_buf *b, const struct ts_app *app,
                         const struct ts_record *r, const struct ts_field *const *cols, int n);

/* Write a record's history, newest first, as our history.json extension:
 * {"history":[{revision, action, user:{code,name}, at, changes:[{code,label,type,old,new}]}]}
 * Returns the number of entries written, or -1. */
int ts_record_write_history(struct ts_ctx *cx, struct ts_jw *w, const struct ts_app *app,
                            int64_t id);

/* A login that no longer names the same person (renamed): its remembered
 * display name is forgotten at once, on this server. */
void ts_record_forget_name(const char *code);

/* Rich text as stored (record/html.c): formatting elements and attributes
 * only, no scripts, handlers, javascript: addresses, forms or frames. */
const char *ts_html_sanitize(struct ts_ctx *cx, const char *html);
/* Rich text as plain text: its words, a line for each paragraph, item or <br>. */
const char *ts_html_text(struct ts_ctx *cx, const char *html);

#endif
