/*
 * model/schema.h - an app's deployed shape: its fields and how they are stored.
 *
 * These are plain data definitions shared by every layer (store/ renders SQL from
 * them, query/ resolves field codes against them, record/ validates values with
 * them). app/ builds a struct ts_app from the stored settings; once published it
 * is immutable and reference-counted (app/app.h).
 */
#ifndef TS_SCHEMA_H
#define TS_SCHEMA_H

#include <jansson.h>

struct ts_formula;

enum ts_ftype {
#define TS_FTYPE(name, kind, flags, ops) TS_F_##name,
#include "model/ftypes.def"
#undef TS_FTYPE
    TS_F__COUNT
};

enum ts_fkind {
    TS_K_NONE,
    TS_K_SYS,
    TS_K_TEXT,
    TS_K_NUMBER,
    TS_K_EPOCH,
    TS_K_MULTI,
    TS_K_FILES, /* attachments: a JSON array in the column, files by download key */
    TS_K_TABLE, /* SUBTABLE: rows in r<app>_t<fid>, inner fields as its columns */
};

/* The most characters a text value holds, whatever maxLength says (kintone's
 * caps): single-line text and links (and text auto-calculation), and
 * multi-line and rich text. */
#define TS_TEXT_MAX_CHARS  64000
#define TS_MULTI_MAX_CHARS 65535

enum ts_fflag {
    TS_FF_ORDER = 1 << 0,   /* may appear in order by */
    TS_FF_DEFAULT = 1 << 1, /* has defaultValue */
    TS_FF_LENGTH = 1 << 2,  /* minLength / maxLength */
    TS_FF_UNIQUE = 1 << 3,  /* keeps `unique` */
    TS_FF_RANGE = 1 << 4,   /* minValue / maxValue */
    TS_FF_OPTIONS = 1 << 5, /* options */
    TS_FF_NOW = 1 << 6,     /* defaultNowValue */
    TS_FF_ENTITY = 1 << 7,  /* user / organization / group values */
    TS_FF_LAYOUT = 1 << 8,  /* appears only in the layout */
    TS_FF_HIDDEN = 1 << 9,  /* not a form field a user adds */
};

/* Query operators (KINTONE-API.md §8). */
enum ts_qop {
    TS_Q_EQ,
    TS_Q_NE,
    TS_Q_LT,
    TS_Q_GT,
    TS_Q_LE,
    TS_Q_GE,
    TS_Q_IN,
    TS_Q_NOT_IN,
    TS_Q_LIKE,
    TS_Q_NOT_LIKE,
    TS_Q_EMPTY,
    TS_Q_NOT_EMPTY,
};
#define TS_QBIT(op) (1u << (op))
#define OPS_CMP                                                                                    \
    (TS_QBIT(TS_Q_EQ) | TS_QBIT(TS_Q_NE) | TS_QBIT(TS_Q_LT) | TS_QBIT(TS_Q_GT) |                   \
     TS_QBIT(TS_Q_LE) | TS_QBIT(TS_Q_GE))
#define OPS_IN       (TS_QBIT(TS_Q_IN) | TS_QBIT(TS_Q_NOT_IN))
#define OPS_LIKE     (TS_QBIT(TS_Q_LIKE) | TS_QBIT(TS_Q_NOT_LIKE))
#define OPS_EMPTY    (TS_QBIT(TS_Q_EMPTY) | TS_QBIT(TS_Q_NOT_EMPTY))
#define OPS_NUM      (OPS_CMP | OPS_IN)
#define OPS_TEXT     (TS_QBIT(TS_Q_EQ) | TS_QBIT(TS_Q_NE) | OPS_IN | OPS_LIKE)
#define OPS_LONGTEXT (OPS_LIKE | OPS_EMPTY)
#define OPS_RICH     (OPS_LIKE)
#define OPS_CHOICE   (OPS_IN)
#define OPS_STATUS   (TS_QBIT(TS_Q_EQ) | TS_QBIT(TS_Q_NE) | OPS_IN)
#define OPS_USER     (OPS_IN)

struct ts_ftype_info {
    const char *name;
    enum ts_fkind kind;
    unsigned flags; /* enum ts_fflag */
    unsigned ops;   /* TS_QBIT(enum ts_qop) */
};

extern const struct ts_ftype_info ts_ftypes[TS_F__COUNT];

/* Returns the type named name, or -1. */
int ts_ftype_from_name(const char *name);

struct ts_option {
    const char *name;
    int index;
};

struct ts_field {
    int fid;          /* stable internal id: names the column, survives renames */
    const char *code; /* kintone field code */
    const char *label;
    enum ts_ftype type;
    const char *column; /* "f12", or the system column ("id", "creator" ...) */
    bool required, unique;
    const char *default_value;   /* scalar default, NULL if none */
    const char **default_values; /* multi-valued default */
    int n_default_values;
    bool default_now;
    int min_len, max_len;              /* -1 when unset */
    const char *min_value, *max_value; /* normalised decimal text, NULL when unset */
    struct ts_option *options;         /* sorted by index */
    int n_options;
    const struct ts_field *table;     /* the SUBTABLE holding this field, or NULL */
    const struct ts_formula *formula; /* CALC, or text auto-calculation: compiled */
    const json_t *props;              /* the whole property object, as deployed */
    const char *json_head;            /* "code":{"type":"TYPE","value": for record output */
    size_t json_head_len;
};

struct ts_app {
    int refs;
    int64_t id;
    int64_t settings_gen; /* app/'s cache: the settings counter it was built under */
    const char *code, *name, *description;
    int64_t revision; /* live settings revision */
    int n_fields;
    struct ts_field *fields;   /* data and system fields, no layout elements */
    struct ts_field **by_code; /* n_fields pointers sorted by code */
    const struct ts_field *record_number, *creator, *modifier, *created_time, *updated_time;
    json_t *def; /* the deployed settings (owns every string above) */
    /* process management (app/status.json), NULL when it is off */
    const json_t *process;
    const struct ts_field *status, *assignee;
    /* formulas (formula/formula.h): fields in the order they are computed */
    const struct ts_field **formulas;
    int n_formulas;
    int precision_digits, precision_places, rounding; /* numberPrecision; enum ts_round */
    struct {
        const struct ts_field *field; /* NULL: every formula compiled */
        int msg;                      /* enum ts_msg */
        const char *arg;
    } formula_problem;
};

static inline enum ts_fkind ts_field_kind(const struct ts_field *f)
{
    return ts_ftypes[f->type].kind;
}

static inline bool ts_field_has(const struct ts_field *f, enum ts_fflag flag)
{
    return (ts_ftypes[f->type].flags & flag) != 0;
}

/* Field by code, or NULL. "$id" resolves to the app's hidden id field. */
const struct ts_field *ts_app_field(const struct ts_app *app, const char *code);
const struct ts_field *ts_app_field_by_type(const struct ts_app *app, enum ts_ftype type);
/* Index of f in app->fields. */
static inline int ts_app_field_index(const struct ts_app *app, const struct ts_field *f)
{
    return (int)(f - app->fields);
}
bool ts_field_has_option(const struct ts_field *f, const char *name);

#endif
