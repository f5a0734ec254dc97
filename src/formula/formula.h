/*
 * formula/formula.h - kintone's formula language (KINTONE-API.md §9): CALC
 * fields and text auto-calculation.
 *
 * An app's formulas are compiled when its schema is built: every field code
 * resolved, every operator and function checked against the types of its
 * operands, table fields allowed only where kintone allows them, circular
 * references found; the fields are ordered so that each is computed after
 * those it uses. A record's formula fields are computed on every save.
 * Numbers are exact decimals (formula/dec.h); division follows the app's
 * number precision. Dates and times are seconds.
 */
#ifndef TS_FORMULA_H
#define TS_FORMULA_H

#include "base/ctx.h"
#include "model/record.h"
#include "model/schema.h"

struct ts_formula;

/* Compile the formulas of app (built in mem, kept with the app): sets each
 * formula field's `formula` and the app's `formulas` order. Returns NULL, or
 * what is wrong with the first bad formula, in words (both languages kept:
 * en then ja, see ts_formula_error). */
const char *ts_formula_prepare(struct ts_arena *mem, struct ts_app *app);
/* The problem ts_formula_prepare found, in lang, naming the field. */
const char *ts_formula_error(struct ts_ctx *cx, const struct ts_app *app);

/* Compute every formula field of the record (vals is indexed like
 * app->fields; table rows are computed row by row). r gives the record's
 * creation and update times. */
void ts_formula_compute(struct ts_ctx *cx, const struct ts_app *app, struct ts_value *vals,
                        const struct ts_record *r);

/* A CALC field's stored number as the API shows it, by its format: plain
 * numbers, ISO date-times, dates, HH:MM, H:MM totals (KINTONE-API.md §9). */
const char *ts_formula_calc_text(struct ts_ctx *cx, const struct ts_field *f, const char *stored);

/* Evaluate one expression against app without a record (the unit tests and
 * the fuzz target): NULL and *why set when it does not compile. */
const char *ts_formula_eval_text(struct ts_ctx *cx, const struct ts_app *app, const char *expr,
                                 bool text_field, const char **why);

#endif
