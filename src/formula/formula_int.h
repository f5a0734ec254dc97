/*
 * formula/formula_int.h - what the formula parser and evaluator share.
 */
#ifndef TS_FORMULA_INT_H
#define TS_FORMULA_INT_H

#include "formula/formula.h"
#include "formula/dec.h"

enum fx_kind { FX_NUM, FX_STR, FX_FIELD, FX_NEG, FX_BIN, FX_CALL };
enum fx_op {
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_POW,
    OP_CAT,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE
};
enum fx_func {
    FN_SUM,
    FN_ROUND,
    FN_ROUNDUP,
    FN_ROUNDDOWN,
    FN_IF,
    FN_AND,
    FN_OR,
    FN_NOT,
    FN_CONTAINS,
    FN_YEN,
    FN_DATE_FORMAT,
};
/* static types: what an expression gives */
enum fx_type { T_NUM, T_STR, T_BOOL, T_ANY, T_SET };

struct fx_node {
    enum fx_kind kind;
    int op;          /* enum fx_op, or enum fx_func for FX_CALL */
    const char *str; /* FX_STR; FX_NUM's text */
    const struct ts_field *field;
    bool array; /* FX_FIELD: a table's field, from outside its rows */
    struct fx_node **args;
    int n_args;
    enum fx_type type;
};

struct ts_formula {
    struct fx_node *root;
    const struct ts_field *owner;
};

/* Compile one expression as a top-level CALC (or text) field of app would be. */
struct ts_formula *ts_formula__compile(struct ts_arena *mem, const struct ts_app *app,
                                       const char *text, bool text_field, const char **why,
                                       struct ts_ctx *cx);

#endif
