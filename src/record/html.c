/*
 * record/html.c - rich text as it is stored: formatting only.
 *
 * The value is parsed as an HTML fragment (libxml2's HTML parser, which
 * recovers from anything a browser would) and written out again keeping an
 * allow-list of formatting elements and attributes. Scripts, styles, frames,
 * forms, embedded objects and what they contain go; other unknown elements
 * are unwrapped (their text stays); event handlers and every attribute not
 * listed go; links and pictures keep only http(s), mailto and tel addresses
 * and inline pictures; style keeps a few properties with plain values.
 * The result is the same when sanitised again.
 */
#include "base/common.h"
#include "record/record.h"
#include "base/buf.h"
#include "base/str.h"

#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <strings.h>

/* elements dropped with everything inside them */
static const char *const DROPPED[] = {
    "script",    "style",   "iframe",   "frame",  "frameset", "object",   "embed",    "applet",
    "form",      "input",   "button",   "select", "option",   "textarea", "noscript", "template",
    "svg",       "math",    "link",     "meta",   "base",     "title",    "head",     "audio",
    "video",     "source",  "track",    "canvas", "dialog",   "portal",   "param",    "xmp",
    "plaintext", "noembed", "noframes", "slot",
};

/* formatting elements kept (others are unwrapped) */
static const char *const KEPT[] = {
    "a",   "b",       "strong", "i",        "em",    "u",     "s",     "strike", "del",
    "ins", "sub",     "sup",    "br",       "p",     "div",   "span",  "font",   "blockquote",
    "ul",  "ol",      "li",     "h1",       "h2",    "h3",    "h4",    "h5",     "h6",
    "pre", "code",    "hr",     "table",    "thead", "tbody", "tfoot", "tr",     "td",
    "th",  "caption", "col",    "colgroup", "img",   "small", "big",   "center", "mark",
    "dl",  "dt",      "dd",     "q",        "cite",  "abbr",  "kbd",   "samp",   "var",
};

static const char *const VOID[] = {"br", "hr", "img", "col"};

/* attributes kept: "*" on every kept element, else on the one named */
static const struct {
    const char *tag, *attr;
} ATTRS[] = {
    {"*", "title"},      {"*", "style"},    {"*", "dir"},     {"*", "align"},    {"a", "href"},
    {"a", "target"},     {"img", "src"},    {"img", "alt"},   {"img", "width"},  {"img", "height"},
    {"font", "color"},   {"font", "size"},  {"font", "face"}, {"td", "colspan"}, {"td", "rowspan"},
    {"th", "colspan"},   {"th", "rowspan"}, {"ol", "start"},  {"ol", "type"},    {"ul", "type"},
    {"table", "border"}, {"td", "valign"},  {"th", "valign"}, {"col", "span"},
};

static const char *const STYLE_PROPS[] = {
    "color",          "background-color", "font-size",  "font-family", "font-weight",
    "font-style",     "text-decoration",  "text-align", "margin-left", "padding-left",
    "vertical-align", "border",           "width",      "height",      "line-height",
};

#define MAX_DEPTH 100

static bool listed(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(list[i], name) == 0)
            return true;
    return false;
}

static void put_escaped(struct ts_buf *b, const char *s, bool attr)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            ts_buf_puts(b, "&amp;");
            break;
        case '<':
            ts_buf_puts(b, "&lt;");
            break;
        case '>':
            ts_buf_puts(b, "&gt;");
            break;
        case '"':
            ts_buf_puts(b, attr ? "&quot;" : "\"");
            break;
        default:
            ts_buf_putc(b, *s);
        }
    }
}

/* An address a link or picture may keep: no scheme (relative), or http,
 * https, mailto, tel; pictures also data:image/ in the usual formats. */
static bool url_ok(const char *url, bool picture)
{
    while (*url && (unsigned char)*url <= ' ')
        url++; /* browsers skip leading blanks and controls */
    char scheme[16];
    size_t n = 0;
    const char *p = url;
    for (; *p && *p != ':'; p++) {
        if (*p == '/' || *p == '?' || *p == '#')
            return true; /* relative */
        if ((unsigned char)*p <= ' ')
            continue; /* "java\tscript:" is javascript: to a browser */
        if (n == sizeof(scheme) - 1)
            return false;
        scheme[n++] = (char)tolower((unsigned char)*p);
    }
    if (!*p)
        return true; /* no scheme: relative */
    scheme[n] = '\0';
    if (!strcmp(scheme, "http") || !strcmp(scheme, "https"))
        return true;
    if (!picture)
        return !strcmp(scheme, "mailto") || !strcmp(scheme, "tel");
    static const char *const inline_pictures[] = {"data:image/png;", "data:image/jpeg;",
                                                  "data:image/gif;", "data:image/webp;"};
    for (size_t i = 0; i < TS_ARRAY_LEN(inline_pictures); i++)
        if (strncasecmp(url, inline_pictures[i], strlen(inline_pictures[i])) == 0)
            return true;
    return false;
}

/* The declarations of a style attribute that are plain formatting. */
static void put_style(struct ts_buf *b, const char *style)
{
    size_t start = b->len;
    const char *p = style;
    while (*p) {
        size_t len = strcspn(p, ";");
        const char *colon = memchr(p, ':', len);
        if (colon) {
            char prop[32], value[128];
            size_t pl = (size_t)(colon - p), vl = len - pl - 1;
            while (pl && isspace((unsigned char)p[pl - 1]))
                pl--;
            const char *q = p;
            while (pl && isspace((unsigned char)*q))
                q++, pl--;
            const char *v = colon + 1;
            while (vl && isspace((unsigned char)*v))
                v++, vl--;
            while (vl && isspace((unsigned char)v[vl - 1]))
                vl--;
            bool ok = pl > 0 && pl < sizeof(prop) && vl > 0 && vl < sizeof(value);
            if (ok) {
                memcpy(prop, q, pl);
                prop[pl] = '\0';
                memcpy(value, v, vl);
                value[vl] = '\0';
                for (size_t i = 0; i < vl && ok; i++)
                    ok = isalnum((unsigned char)value[i]) || strchr("#%.,()- '!", value[i]);
                ok = ok && listed(STYLE_PROPS, TS_ARRAY_LEN(STYLE_PROPS), prop) &&
                     !strcasestr(value, "url") && !strcasestr(value, "expression");
            }
            if (ok)
                ts_buf_printf(b, "%s%s: %s", b->len > start ? "; " : "", prop, value);
        }
        p += len;
        if (*p == ';')
            p++;
    }
}

static void put_attrs(struct ts_buf *b, const xmlNode *n, const char *tag)
{
    bool blank = false;
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        const char *name = (const char *)a->name;
        bool ok = false;
        for (size_t i = 0; i < TS_ARRAY_LEN(ATTRS) && !ok; i++)
            ok = (!strcmp(ATTRS[i].tag, "*") || !strcasecmp(ATTRS[i].tag, tag)) &&
                 !strcasecmp(ATTRS[i].attr, name);
        if (!ok)
            continue;
        xmlChar *raw = xmlNodeGetContent((const xmlNode *)a);
        const char *v = raw ? (const char *)raw : "";
        if (!strcasecmp(name, "href") || !strcasecmp(name, "src"))
            ok = url_ok(v, !strcasecmp(name, "src"));
        if (!strcasecmp(name, "target"))
            ok = blank = !strcmp(v, "_blank");
        if (ok && !strcasecmp(name, "style")) {
            struct ts_buf css;
            ts_buf_init(&css);
            put_style(&css, v);
            if (css.len) {
                ts_buf_puts(b, " style=\"");
                put_escaped(b, css.p, true);
                ts_buf_putc(b, '"');
            }
            ts_buf_release(&css);
            ok = false;
        }
        if (ok) {
            ts_buf_printf(b, " %s=\"", name);
            put_escaped(b, v, true);
            ts_buf_putc(b, '"');
        }
        xmlFree(raw);
    }
    if (blank) /* a page opened from here cannot reach back into Tsumiki */
        ts_buf_puts(b, " rel=\"noopener noreferrer\"");
}

static void put_nodes(struct ts_buf *b, const xmlNode *n, int depth)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE) {
            put_escaped(b, (const char *)n->content, false);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue; /* comments, processing instructions, CDATA */
        const char *tag = (const char *)n->name;
        if (listed(DROPPED, TS_ARRAY_LEN(DROPPED), tag) || depth >= MAX_DEPTH)
            continue;
        if (!listed(KEPT, TS_ARRAY_LEN(KEPT), tag)) {
            put_nodes(b, n->children, depth + 1);
            continue;
        }
        ts_buf_printf(b, "<%s", tag);
        put_attrs(b, n, tag);
        ts_buf_putc(b, '>');
        if (listed(VOID, TS_ARRAY_LEN(VOID), tag))
            continue;
        put_nodes(b, n->children, depth + 1);
        ts_buf_printf(b, "</%s>", tag);
    }
}

/* The words of the nodes, a line for each paragraph, list item or <br>. */
static void put_text(struct ts_buf *b, const xmlNode *n, int depth)
{
    static const char *const BLOCKS[] = {"p",  "div", "li", "tr", "h1",         "h2",
                                         "h3", "h4",  "h5", "h6", "blockquote", "pre"};
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE) {
            ts_buf_puts(b, (const char *)n->content);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *tag = (const char *)n->name;
        if (listed(DROPPED, TS_ARRAY_LEN(DROPPED), tag) || depth >= MAX_DEPTH)
            continue;
        bool block = listed(BLOCKS, TS_ARRAY_LEN(BLOCKS), tag);
        if (block && b->len && b->p[b->len - 1] != '\n')
            ts_buf_putc(b, '\n');
        put_text(b, n->children, depth + 1);
        if (!strcmp(tag, "br") || (block && b->len && b->p[b->len - 1] != '\n'))
            ts_buf_putc(b, '\n');
    }
}

static pthread_once_t parser_once = PTHREAD_ONCE_INIT;

typedef void put_fn(struct ts_buf *b, const xmlNode *n, int depth);

/* html parsed inside a <div> of our own (where the parser adds no <p> around
 * bare text), its nodes written by put. */
static const char *rewrite(struct ts_ctx *cx, const char *html, put_fn *put)
{
    pthread_once(&parser_once, xmlInitParser);
    char *wrapped = ts_arena_printf(cx->arena, "<div>%s</div>", html);
    htmlDocPtr doc = htmlReadMemory(wrapped, (int)strlen(wrapped), NULL, "UTF-8",
                                    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    struct ts_buf b;
    ts_buf_init(&b);
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL, *body = NULL;
    for (const xmlNode *n = root ? root->children : NULL; n && !body; n = n->next)
        if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, "body"))
            body = n;
    const xmlNode *first = body ? body->children : NULL;
    if (first && first->type == XML_ELEMENT_NODE && !strcmp((const char *)first->name, "div")) {
        put(&b, first->children, 0);
        first = first->next; /* what a stray </div> in the value pushed out of ours */
    }
    put(&b, first, 0);
    xmlFreeDoc(doc);
    const char *out = ts_arena_strndup(cx->arena, b.p ? b.p : "", b.len);
    ts_buf_release(&b);
    return out;
}

const char *ts_html_sanitize(struct ts_ctx *cx, const char *html)
{
    return html && *html ? rewrite(cx, html, put_nodes) : html;
}

const char *ts_html_text(struct ts_ctx *cx, const char *html)
{
    if (!html || !*html)
        return html;
    char *text = (char *)rewrite(cx, html, put_text);
    size_t n = strlen(text);
    while (n && text[n - 1] == '\n')
        text[--n] = '\0';
    return text;
}
