/*
 * print/pdf.h - records as PDF (Cairo, with Pango setting the text in the Noto
 * CJK fonts Debian ships). A4 pages; a record laid out by a print template
 * (app settings `printTemplates`, README "Print and PDF") or, without one, by
 * its form's layout, each record from a new page; or records as a table whose
 * heading repeats on every page. Each page is written out when it is finished.
 */
#ifndef TS_PRINT_PDF_H
#define TS_PRINT_PDF_H

#include "app/app.h"
#include "record/record.h"

#include <jansson.h>
#include <stdbool.h>

struct ts_pdf;

/* The document's bytes go to write (0, or -1 to stop). landscape: A4 across.
 * footer is printed at the foot of every page (who printed it, and when). */
struct ts_pdf *ts_pdf_new(int (*write)(void *arg, const void *p, size_t len), void *arg,
                          bool landscape, const char *footer);

/* Record r from a new page: by template (a printTemplates entry), or NULL for
 * the form's layout. visible[i]: whether the reader may see field i. */
int ts_pdf_record(struct ts_pdf *p, struct ts_ctx *cx, const struct ts_app *app,
                  const json_t *template, const struct ts_record *r, const bool *visible);

/* A table of records: the heading (title, then the columns' names), then a
 * row a record. */
int ts_pdf_table_begin(struct ts_pdf *p, const char *title, const struct ts_field *const *cols,
                       int n);
int ts_pdf_table_row(struct ts_pdf *p, struct ts_ctx *cx, const struct ts_app *app,
                     const struct ts_record *r, const bool *visible);

/* The thread that drew PDFs is ending (and no other draws one): the fonts
 * and caches the libraries keep are let go. */
void ts_pdf_thread_end(void);

/* Pages so far. */
int ts_pdf_pages(const struct ts_pdf *p);

/* The last page closed and the document written out; frees p. 0 or -1. */
int ts_pdf_finish(struct ts_pdf *p);
/* Give up: frees p, writing nothing more. */
void ts_pdf_free(struct ts_pdf *p);

/* print/template.c: one print template checked and normalised (pictures PNG,
 * numbers in range, fields the app's); NULL with cx->err set, keyed under key. */
json_t *ts_print_template_check(struct ts_ctx *cx, const struct ts_app *app, const json_t *in,
                                const char *key);
/* The app's print templates (PUT .../printTemplates.json),
 * checked and given ids, into the preview p; -1 with cx->err set. */
int ts_print_templates_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *in);

#endif
