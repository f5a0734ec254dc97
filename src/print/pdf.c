/*
 * print/pdf.c - drawing records on A4 pages (print/pdf.h). Lengths are in
 * points (1/72 inch) on the page and in millimetres in templates. Text is set
 * by Pango, wrapped at word or character boundaries as Japanese needs; a
 * block that does not fit on what is left of a page starts the next one.
 */
#include "base/common.h"
#include "print/pdf.h"
#include "base/str.h"
#include "base/tstime.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <sodium.h>

#define PT_PER_MM  (72.0 / 25.4)
#define A4_SHORT   (210 * PT_PER_MM)
#define A4_LONG    (297 * PT_PER_MM)
#define MARGIN     (14 * PT_PER_MM)
#define FOOTER_H   (8 * PT_PER_MM)
#define FONT       "Noto Sans CJK JP"
#define LABEL_PT   8.0
#define VALUE_PT   10.5
#define TITLE_PT   15.0
#define CELL_PAD   3.0
#define DEFAULT_PX 200.0 /* a form field's width when its layout names none */
#define MAX_IMAGES 16    /* decoded pictures kept for the document */

struct picture {
    const char *data; /* the template's base64 text it came from */
    cairo_surface_t *surface;
};

struct ts_pdf {
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoLayout *layout; /* reused for every piece of text */
    PangoFontDescription *font;
    double w, h, y; /* the page, and where the next block goes */
    bool open;      /* a page has been begun and not shown */
    int pages;
    char *footer;
    int (*write)(void *arg, const void *p, size_t len);
    void *arg;
    bool failed;
    /* a table: its columns, their left edges and widths, and its title */
    const struct ts_field *const *cols;
    int n_cols;
    double *col_x, *col_w;
    char *title;
    struct picture pics[MAX_IMAGES];
    int n_pics;
};

static const double INK[3] = {0.12, 0.14, 0.16}, MUTED[3] = {0.34, 0.38, 0.42},
                    RULE[3] = {0.72, 0.75, 0.78};

static cairo_status_t out(void *closure, const unsigned char *data, unsigned int len)
{
    struct ts_pdf *p = closure;
    if (p->failed || p->write(p->arg, data, len) < 0) {
        p->failed = true;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

struct ts_pdf *ts_pdf_new(int (*write)(void *arg, const void *p, size_t len), void *arg,
                          bool landscape, const char *footer)
{
    struct ts_pdf *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->write = write;
    p->arg = arg;
    p->w = landscape ? A4_LONG : A4_SHORT;
    p->h = landscape ? A4_SHORT : A4_LONG;
    p->footer = strdup(footer ? footer : "");
    p->surface = cairo_pdf_surface_create_for_stream(out, p, p->w, p->h);
    p->cr = cairo_create(p->surface);
    p->layout = pango_cairo_create_layout(p->cr);
    p->font = pango_font_description_from_string(FONT);
    pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
    if (!p->footer || cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
        ts_pdf_free(p);
        return NULL;
    }
    return p;
}

/* Set s in a box `width` wide at (x, y), size points, and answer its height;
 * with draw false only measure it. */
static double text(struct ts_pdf *p, double x, double y, double width, const char *s, double size,
                   bool bold, PangoAlignment align, const double rgb[3], bool draw)
{
    if (!s || !*s)
        return 0;
    pango_font_description_set_absolute_size(p->font, size * PANGO_SCALE);
    pango_font_description_set_weight(p->font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(p->layout, p->font);
    pango_layout_set_width(p->layout, (int)(width * PANGO_SCALE));
    pango_layout_set_alignment(p->layout, align);
    pango_layout_set_text(p->layout, s, -1);
    int pw, ph;
    pango_layout_get_size(p->layout, &pw, &ph);
    if (draw) {
        cairo_set_source_rgb(p->cr, rgb[0], rgb[1], rgb[2]);
        cairo_move_to(p->cr, x, y);
        pango_cairo_show_layout(p->cr, p->layout);
    }
    return (double)ph / PANGO_SCALE;
}

static void rule(struct ts_pdf *p, double x0, double y0, double x1, double y1)
{
    cairo_set_source_rgb(p->cr, RULE[0], RULE[1], RULE[2]);
    cairo_set_line_width(p->cr, 0.6);
    cairo_move_to(p->cr, x0, y0);
    cairo_line_to(p->cr, x1, y1);
    cairo_stroke(p->cr);
}

static void page_end(struct ts_pdf *p)
{
    if (!p->open)
        return;
    double y = p->h - MARGIN + 2;
    text(p, MARGIN, y, p->w - 2 * MARGIN, p->footer, LABEL_PT, false, PANGO_ALIGN_LEFT, MUTED,
         true);
    char n[16];
    snprintf(n, sizeof(n), "%d", p->pages);
    text(p, MARGIN, y, p->w - 2 * MARGIN, n, LABEL_PT, false, PANGO_ALIGN_RIGHT, MUTED, true);
    cairo_show_page(p->cr);
    p->open = false;
}

static void page_begin(struct ts_pdf *p)
{
    page_end(p);
    p->open = true;
    p->pages++;
    p->y = MARGIN;
}

static double bottom(const struct ts_pdf *p)
{
    return p->h - MARGIN - FOOTER_H;
}

/* Room for h more points on this page, or a new one (true when it was begun). */
static bool room(struct ts_pdf *p, double h)
{
    if (p->open && p->y + h <= bottom(p))
        return false;
    page_begin(p);
    return true;
}

int ts_pdf_pages(const struct ts_pdf *p)
{
    return p->pages;
}

/* ---------------------------------------------------------------- values */

/* A field's value as a reader sees it: people by name, times in their zone. */
static const char *shown(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                         const struct ts_field *f)
{
    const char *tz = cx->user && cx->user->tz && *cx->user->tz ? cx->user->tz : "UTC";
    int64_t at = f->type == TS_F_CREATED_TIME   ? r->created
                 : f->type == TS_F_UPDATED_TIME ? r->updated
                 : f->type == TS_F_DATETIME && r->vals[ts_app_field_index(app, f)].s
                     ? r->vals[ts_app_field_index(app, f)].epoch
                     : -1;
    if (at >= 0) {
        struct tm t;
        ts_tz_local(tz, at, &t);
        return ts_arena_printf(cx->arena, "%04d-%02d-%02d %02d:%02d", t.tm_year + 1900,
                               t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min);
    }
    const char *s = ts_record_text(cx, app, r, f);
    if (f->type != TS_F_USER_SELECT && f->type != TS_F_CREATOR && f->type != TS_F_MODIFIER &&
        f->type != TS_F_STATUS_ASSIGNEE)
        return s;
    struct ts_buf b = {0};
    char *codes = ts_arena_strdup(cx->arena, s), *save = NULL;
    for (char *c = strtok_r(codes, "\n", &save); c; c = strtok_r(NULL, "\n", &save)) {
        const char *name = ts_record_user_name(cx, c);
        ts_buf_printf(&b, "%s%s", b.len ? ", " : "", name && *name ? name : c);
    }
    const char *joined = ts_arena_strndup(cx->arena, b.p ? b.p : "", b.len);
    ts_buf_release(&b);
    return joined;
}

/* Rich text and labels: their words, tags dropped, paragraphs kept. */
static const char *plain(struct ts_ctx *cx, const char *html)
{
    struct ts_buf b = {0};
    bool tag = false;
    for (const char *s = html; s && *s; s++) {
        if (*s == '<') {
            tag = true;
            if (!strncasecmp(s, "<br", 3) || !strncasecmp(s, "</p", 3) ||
                !strncasecmp(s, "</div", 5) || !strncasecmp(s, "</li", 4))
                ts_buf_putc(&b, '\n');
        } else if (*s == '>') {
            tag = false;
        } else if (!tag) {
            static const struct {
                const char *entity, *ch;
            } ents[] = {
                {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&nbsp;", " "}};
            size_t k = 0;
            while (k < TS_ARRAY_LEN(ents) && strncmp(s, ents[k].entity, strlen(ents[k].entity)))
                k++;
            if (k < TS_ARRAY_LEN(ents)) {
                ts_buf_puts(&b, ents[k].ch);
                s += strlen(ents[k].entity) - 1;
            } else {
                ts_buf_putc(&b, *s);
            }
        }
    }
    const char *t = ts_arena_strndup(cx->arena, b.p ? b.p : "", b.len);
    ts_buf_release(&b);
    return t;
}

static const char *value_text(struct ts_ctx *cx, const struct ts_app *app,
                              const struct ts_record *r, const struct ts_field *f)
{
    const char *s = shown(cx, app, r, f);
    if (f->type == TS_F_RICH_TEXT)
        return plain(cx, s);
    if (f->type == TS_F_NUMBER && *s) {
        const char *unit = json_string_value(json_object_get(f->props, "unit"));
        bool before =
            ts_str_eq(json_string_value(json_object_get(f->props, "unitPosition")), "BEFORE");
        if (unit && *unit)
            return before ? ts_arena_printf(cx->arena, "%s%s", unit, s)
                          : ts_arena_printf(cx->arena, "%s%s", s, unit);
    }
    return s;
}

/* ---------------------------------------------------------------- a table of rows */

static void subtable_heading(struct ts_pdf *p, const struct ts_field *const *inner, int n, double x,
                             double cw)
{
    double h = 0;
    for (int c = 0; c < n; c++) {
        double th = text(p, x + c * cw + CELL_PAD, p->y + CELL_PAD, cw - 2 * CELL_PAD,
                         inner[c]->label, LABEL_PT, false, PANGO_ALIGN_LEFT, MUTED, true);
        h = th > h ? th : h;
    }
    p->y += h + 2 * CELL_PAD;
    rule(p, x, p->y, x + cw * n, p->y);
}

/* The table `f` (a SUBTABLE) of r in the box from x, `width` wide: its
 * columns' names, then a line a row; rows go on to the next page. */
static void subtable(struct ts_pdf *p, struct ts_ctx *cx, const struct ts_app *app,
                     const struct ts_record *r, const struct ts_field *f, const bool *visible,
                     double x, double width)
{
    const struct ts_field *inner[64];
    int n = 0;
    for (int i = 0; i < app->n_fields && n < 64; i++)
        if (app->fields[i].table == f && visible[i])
            inner[n++] = &app->fields[i];
    if (n == 0)
        return;
    double cw = width / n;
    const struct ts_value *v = &r->vals[ts_app_field_index(app, f)];
    /* a line: the columns' names (row -1) or a row's values; measured, then drawn */
    for (int row = -1; row < v->n; row++) {
        struct ts_record line = *r;
        if (row >= 0)
            line.vals = v->rows[row].vals;
        for (int draw = 0; draw < 2; draw++) {
            int at = row;
            double h = 0;
            for (int c = 0; c < n; c++) {
                const char *s = at < 0 ? inner[c]->label : value_text(cx, app, &line, inner[c]);
                double th = text(p, x + c * cw + CELL_PAD, p->y + CELL_PAD, cw - 2 * CELL_PAD, s,
                                 at < 0 ? LABEL_PT : VALUE_PT, false, PANGO_ALIGN_LEFT,
                                 at < 0 ? MUTED : INK, draw);
                h = th > h ? th : h;
            }
            h += 2 * CELL_PAD;
            if (!draw) {
                /* a row that starts a page has the columns' names over it again */
                if (room(p, h) && row >= 0)
                    subtable_heading(p, inner, n, x, cw);
                continue;
            }
            rule(p, x, p->y + h, x + width, p->y + h);
            p->y += h;
        }
    }
    p->y += 6;
}

/* ---------------------------------------------------------------- the form's layout */

static const struct ts_field *visible_field(const struct ts_app *app, const json_t *el,
                                            const bool *visible)
{
    const char *code = json_string_value(json_object_get(el, "code"));
    const struct ts_field *f = code ? ts_app_field(app, code) : NULL;
    return f && visible[ts_app_field_index(app, f)] ? f : NULL;
}

static void form_rows(struct ts_pdf *p, struct ts_ctx *cx, const struct ts_app *app,
                      const struct ts_record *r, const json_t *rows, const bool *visible);

/* One row of the form: its fields side by side at their widths (narrowed
 * together when the row is wider than the page), each its name over its value. */
static void form_row(struct ts_pdf *p, struct ts_ctx *cx, const struct ts_app *app,
                     const struct ts_record *r, const json_t *fields, const bool *visible)
{
    double content = p->w - 2 * MARGIN, sum = 0;
    size_t i;
    const json_t *el;
    json_array_foreach (fields, i, el) {
        const char *type = json_string_value(json_object_get(el, "type"));
        if (ts_str_eq(type, "SPACER") || ts_str_eq(type, "HR") ||
            (!ts_str_eq(type, "LABEL") && !visible_field(app, el, visible)))
            continue;
        const char *px = json_string_value(json_object_get(json_object_get(el, "size"), "width"));
        sum += px && atof(px) > 0 ? atof(px) : DEFAULT_PX;
    }
    if (sum == 0)
        return;
    double scale = sum * 0.75 > content ? content / sum : 0.75; /* CSS pixels to points */
    /* measured first: a row is kept whole on one page */
    double h = 0;
    for (int draw = 0; draw < 2; draw++) {
        double x = MARGIN;
        json_array_foreach (fields, i, el) {
            const char *type = json_string_value(json_object_get(el, "type"));
            const struct ts_field *f = visible_field(app, el, visible);
            if (ts_str_eq(type, "SPACER") || ts_str_eq(type, "HR") ||
                (!ts_str_eq(type, "LABEL") && !f))
                continue;
            const char *px =
                json_string_value(json_object_get(json_object_get(el, "size"), "width"));
            double w = (px && atof(px) > 0 ? atof(px) : DEFAULT_PX) * scale;
            double y = p->y + CELL_PAD, ch;
            if (ts_str_eq(type, "LABEL")) {
                ch = text(p, x + CELL_PAD, y, w - 2 * CELL_PAD,
                          plain(cx, json_string_value(json_object_get(el, "label"))), VALUE_PT,
                          false, PANGO_ALIGN_LEFT, INK, draw);
            } else {
                bool no_label = json_is_true(json_object_get(f->props, "noLabel"));
                double lh = no_label ? 0
                                     : text(p, x + CELL_PAD, y, w - 2 * CELL_PAD, f->label,
                                            LABEL_PT, false, PANGO_ALIGN_LEFT, MUTED, draw);
                ch = lh + 2 +
                     text(p, x + CELL_PAD, y + lh + 2, w - 2 * CELL_PAD, value_text(cx, app, r, f),
                          VALUE_PT, false, PANGO_ALIGN_LEFT, INK, draw);
            }
            if (!draw)
                h = ch > h ? ch : h;
            x += w;
        }
        if (!draw) {
            h += 2 * CELL_PAD;
            room(p, h);
        }
    }
    rule(p, MARGIN, p->y + h, p->w - MARGIN, p->y + h);
    p->y += h;
}

static void form_rows(struct ts_pdf *p, struct ts_ctx *cx, const struct ts_app *app,
                      const struct ts_record *r, const json_t *rows, const bool *visible)
{
    size_t i;
    const json_t *row;
    json_array_foreach (rows, i, row) {
        const char *type = json_string_value(json_object_get(row, "type"));
        if (ts_str_eq(type, "ROW")) {
            form_row(p, cx, app, r, json_object_get(row, "fields"), visible);
        } else if (ts_str_eq(type, "SUBTABLE")) {
            const struct ts_field *f = visible_field(app, row, visible);
            if (!f)
                continue;
            room(p, 40);
            p->y += 4 + text(p, MARGIN, p->y + 4, p->w - 2 * MARGIN, f->label, LABEL_PT + 1, true,
                             PANGO_ALIGN_LEFT, INK, true);
            subtable(p, cx, app, r, f, visible, MARGIN, p->w - 2 * MARGIN);
        } else if (ts_str_eq(type, "GROUP")) {
            const char *code = json_string_value(json_object_get(row, "code"));
            const json_t *props =
                json_object_get(json_object_get(app->def, "fields"), code ? code : "");
            const char *label = json_string_value(json_object_get(props, "label"));
            room(p, 40);
            p->y += 6 + text(p, MARGIN, p->y + 6, p->w - 2 * MARGIN, label ? label : "",
                             VALUE_PT + 1, true, PANGO_ALIGN_LEFT, INK, true);
            rule(p, MARGIN, p->y + 2, p->w - MARGIN, p->y + 2);
            p->y += 4;
            form_rows(p, cx, app, r, json_object_get(row, "layout"), visible);
        }
    }
}

/* The record's title for its heading: the title field of the settings, or
 * the first one-line text field. */
static const char *record_title(struct ts_ctx *cx, const struct ts_app *app,
                                const struct ts_record *r, const bool *visible)
{
    const json_t *tf = json_object_get(json_object_get(app->def, "settings"), "titleField");
    const char *code = ts_str_eq(json_string_value(json_object_get(tf, "selectionMode")), "MANUAL")
                           ? json_string_value(json_object_get(tf, "code"))
                           : NULL;
    const struct ts_field *f = code ? ts_app_field(app, code) : NULL;
    for (int i = 0; !f && i < app->n_fields; i++)
        if (app->fields[i].type == TS_F_SINGLE_LINE_TEXT && !app->fields[i].table)
            f = &app->fields[i];
    const char *s = f && visible[ts_app_field_index(app, f)] ? value_text(cx, app, r, f) : "";
    return *s ? s : ts_arena_printf(cx->arena, "#%lld", (long long)r->id);
}

static void form_record(struct ts_pdf *p, struct ts_ctx *cx, const struct ts_app *app,
                        const struct ts_record *r, const bool *visible)
{
    page_begin(p);
    double wide = p->w - 2 * MARGIN;
    p->y +=
        text(p, MARGIN, p->y, wide, app->name, LABEL_PT + 1, false, PANGO_ALIGN_LEFT, MUTED, true);
    p->y += 2 + text(p, MARGIN, p->y + 2, wide, record_title(cx, app, r, visible), TITLE_PT, true,
                     PANGO_ALIGN_LEFT, INK, true);
    p->y += 6;
    rule(p, MARGIN, p->y, p->w - MARGIN, p->y);
    form_rows(p, cx, app, r, json_object_get(app->def, "layout"), visible);
}

/* ---------------------------------------------------------------- templates */

static cairo_status_t read_png(void *closure, unsigned char *data, unsigned int len)
{
    struct {
        const unsigned char *p;
        size_t left;
    } *src = closure;
    if (len > src->left)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, src->p, len);
    src->p += len;
    src->left -= len;
    return CAIRO_STATUS_SUCCESS;
}

/* The picture of a template's IMAGE item, decoded once a document (the
 * caller destroys one that could not be kept: *kept false). */
static cairo_surface_t *picture(struct ts_pdf *p, const char *b64, bool *kept)
{
    *kept = true;
    for (int i = 0; i < p->n_pics; i++)
        if (p->pics[i].data == b64)
            return p->pics[i].surface;
    size_t max = strlen(b64) / 4 * 3 + 3, len = 0;
    unsigned char *bin = malloc(max);
    cairo_surface_t *s = NULL;
    if (bin && sodium_base642bin(bin, max, b64, strlen(b64), NULL, &len, NULL,
                                 sodium_base64_VARIANT_ORIGINAL) == 0) {
        struct {
            const unsigned char *p;
            size_t left;
        } src = {bin, len};
        s = cairo_image_surface_create_from_png_stream(read_png, &src);
        if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(s);
            s = NULL;
        }
    }
    free(bin);
    if (p->n_pics < MAX_IMAGES)
        p->pics[p->n_pics++] = (struct picture){b64, s};
    else
        *kept = false;
    return s;
}

static double num(const json_t *item, const char *key, double dflt)
{
    const json_t *v = json_object_get(item, key);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

static void template_record(struct ts_pdf *p, struct ts_ctx *cx, const struct ts_app *app,
                            const json_t *t, const struct ts_record *r, const bool *visible)
{
    page_begin(p);
    size_t i;
    const json_t *item;
    json_array_foreach (json_object_get(t, "items"), i, item) {
        const char *type = json_string_value(json_object_get(item, "type"));
        double x = num(item, "x", 0) * PT_PER_MM, y = num(item, "y", 0) * PT_PER_MM;
        double w = num(item, "width", 50) * PT_PER_MM, size = num(item, "fontSize", VALUE_PT);
        bool bold = json_is_true(json_object_get(item, "bold"));
        const char *al = json_string_value(json_object_get(item, "align"));
        PangoAlignment align = ts_str_eq(al, "CENTER")  ? PANGO_ALIGN_CENTER
                               : ts_str_eq(al, "RIGHT") ? PANGO_ALIGN_RIGHT
                                                        : PANGO_ALIGN_LEFT;
        if (ts_str_eq(type, "TEXT")) {
            text(p, x, y, w, json_string_value(json_object_get(item, "text")), size, bold, align,
                 INK, true);
        } else if (ts_str_eq(type, "FIELD")) {
            const struct ts_field *f = visible_field(app, item, visible);
            if (!f)
                continue;
            double lh = json_is_true(json_object_get(item, "label"))
                            ? text(p, x, y, w, f->label, LABEL_PT, false, align, MUTED, true) + 1
                            : 0;
            if (f->type == TS_F_SUBTABLE) {
                p->y = y + lh;
                subtable(p, cx, app, r, f, visible, x, w);
            } else {
                text(p, x, y + lh, w, value_text(cx, app, r, f), size, bold, align, INK, true);
            }
        } else if (ts_str_eq(type, "IMAGE")) {
            bool kept;
            cairo_surface_t *s =
                picture(p, json_string_value(json_object_get(item, "data")), &kept);
            int iw = s ? cairo_image_surface_get_width(s) : 0;
            if (iw > 0) {
                double k = w / iw;
                cairo_save(p->cr);
                cairo_translate(p->cr, x, y);
                cairo_scale(p->cr, k, k);
                cairo_set_source_surface(p->cr, s, 0, 0);
                cairo_paint(p->cr);
                cairo_restore(p->cr);
            }
            if (s && !kept)
                cairo_surface_destroy(s);
        }
    }
}

int ts_pdf_record(struct ts_pdf *p, struct ts_ctx *cx, const struct ts_app *app,
                  const json_t *template, const struct ts_record *r, const bool *visible)
{
    if (template)
        template_record(p, cx, app, template, r, visible);
    else
        form_record(p, cx, app, r, visible);
    return p->failed || cairo_status(p->cr) != CAIRO_STATUS_SUCCESS ? -1 : 0;
}

/* ---------------------------------------------------------------- lists */

static void table_heading(struct ts_pdf *p)
{
    page_begin(p);
    if (p->pages == 1 && p->title)
        p->y += 6 + text(p, MARGIN, p->y, p->w - 2 * MARGIN, p->title, TITLE_PT - 2, true,
                         PANGO_ALIGN_LEFT, INK, true);
    double h = 0;
    for (int c = 0; c < p->n_cols; c++) {
        double th = text(p, p->col_x[c] + CELL_PAD, p->y + CELL_PAD, p->col_w[c] - 2 * CELL_PAD,
                         p->cols[c]->label, LABEL_PT, true, PANGO_ALIGN_LEFT, MUTED, true);
        h = th > h ? th : h;
    }
    p->y += h + 2 * CELL_PAD;
    rule(p, MARGIN, p->y, p->w - MARGIN, p->y);
}

int ts_pdf_table_begin(struct ts_pdf *p, const char *title, const struct ts_field *const *cols,
                       int n)
{
    p->cols = cols;
    p->n_cols = n;
    p->col_x = calloc((size_t)n + 1, sizeof(double));
    p->col_w = calloc((size_t)n + 1, sizeof(double));
    p->title = strdup(title ? title : "");
    if (!p->col_x || !p->col_w || !p->title)
        return -1;
    /* every column a share of the width, long texts twice as wide */
    double shares = 0;
    for (int c = 0; c < n; c++)
        shares += ts_field_kind(cols[c]) == TS_K_TEXT && cols[c]->type != TS_F_DROP_DOWN &&
                          cols[c]->type != TS_F_RADIO_BUTTON
                      ? 2
                      : 1;
    double x = MARGIN, unit = (p->w - 2 * MARGIN) / (shares > 0 ? shares : 1);
    for (int c = 0; c < n; c++) {
        p->col_x[c] = x;
        p->col_w[c] =
            unit * (ts_field_kind(cols[c]) == TS_K_TEXT && cols[c]->type != TS_F_DROP_DOWN &&
                            cols[c]->type != TS_F_RADIO_BUTTON
                        ? 2
                        : 1);
        x += p->col_w[c];
    }
    table_heading(p);
    return 0;
}

int ts_pdf_table_row(struct ts_pdf *p, struct ts_ctx *cx, const struct ts_app *app,
                     const struct ts_record *r, const bool *visible)
{
    const char **cells = TS_NEW_N(cx->arena, const char *, (size_t)p->n_cols);
    double h = 0;
    for (int c = 0; c < p->n_cols; c++) {
        const struct ts_field *f = p->cols[c];
        cells[c] = visible[ts_app_field_index(app, f)] ? value_text(cx, app, r, f) : "";
        if (f->type == TS_F_SUBTABLE)
            cells[c] = "";
        double th = text(p, 0, 0, p->col_w[c] - 2 * CELL_PAD, cells[c], VALUE_PT - 1, false,
                         PANGO_ALIGN_LEFT, INK, false);
        h = th > h ? th : h;
    }
    h += 2 * CELL_PAD;
    if (p->y + h > bottom(p))
        table_heading(p);
    for (int c = 0; c < p->n_cols; c++)
        text(p, p->col_x[c] + CELL_PAD, p->y + CELL_PAD, p->col_w[c] - 2 * CELL_PAD, cells[c],
             VALUE_PT - 1, false,
             ts_field_kind(p->cols[c]) == TS_K_NUMBER ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT, INK,
             true);
    p->y += h;
    rule(p, MARGIN, p->y, p->w - MARGIN, p->y);
    return p->failed || cairo_status(p->cr) != CAIRO_STATUS_SUCCESS ? -1 : 0;
}

/* ---------------------------------------------------------------- the end */

static void release(struct ts_pdf *p)
{
    for (int i = 0; i < p->n_pics; i++)
        if (p->pics[i].surface)
            cairo_surface_destroy(p->pics[i].surface);
    if (p->layout)
        g_object_unref(p->layout);
    if (p->font)
        pango_font_description_free(p->font);
    if (p->cr)
        cairo_destroy(p->cr);
    if (p->surface)
        cairo_surface_destroy(p->surface);
    free(p->col_x);
    free(p->col_w);
    free(p->title);
    free(p->footer);
    free(p);
}

int ts_pdf_finish(struct ts_pdf *p)
{
    page_end(p);
    cairo_surface_finish(p->surface);
    int rc = p->failed || cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS ? -1 : 0;
    release(p);
    return rc;
}

void ts_pdf_thread_end(void)
{
    /* Pango keeps a font map per thread, Cairo and fontconfig caches for the
     * process: all let go once no PDF is being drawn */
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    FcFini();
}

void ts_pdf_free(struct ts_pdf *p)
{
    if (!p)
        return;
    p->failed = true; /* nothing more is written */
    release(p);
}
