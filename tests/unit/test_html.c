/*
 * tests/unit/test_html.c - rich text keeps its formatting and loses anything
 * that could run: scripts, handlers, javascript: addresses, frames, forms.
 */
#include "base/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "base/ctx.h"
#include "record/record.h"

static void cases(void **state)
{
    (void)state;
    static const char *const in_out[][2] = {
        {"<b>太字</b> and <i>italic</i>", "<b>太字</b> and <i>italic</i>"},
        {"<div>one<br>two</div>", "<div>one<br>two</div>"},
        {"<script>alert(1)</script>text", "text"},
        {"<img src=x onerror=alert(1)>", "<img src=\"x\">"},
        {"<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>"},
        {"<a href=\" JaVa\tScRiPt:alert(1)\">x</a>", "<a>x</a>"},
        {"<a href=\"https://example.org/?a=1&amp;b=2\" target=\"_blank\">x</a>",
         "<a href=\"https://example.org/?a=1&amp;b=2\" target=\"_blank\" rel=\"noopener "
         "noreferrer\">x</a>"},
        {"<a href=\"mailto:a@example.org\" onclick=\"x()\">m</a>",
         "<a href=\"mailto:a@example.org\">m</a>"},
        {"<iframe src=\"https://evil\"></iframe>ok", "ok"},
        {"<form action=\"/x\"><input name=a><button>go</button></form>after", "after"},
        {"<svg><script>alert(1)</script></svg><math></math>", ""},
        {"<span style=\"color: red; background-image: url(javascript:x); "
         "width: expression(alert(1))\">c</span>",
         "<span style=\"color: red\">c</span>"},
        {"<font color=\"#ff0000\" size=\"4\" onmouseover=\"x\">f</font>",
         "<font color=\"#ff0000\" size=\"4\">f</font>"},
        {"<custom-tag>kept text</custom-tag>", "kept text"},
        {"<!-- a comment --><p>p</p>", "<p>p</p>"},
        {"1 < 2 & 3 > 2", "1 &lt; 2 &amp; 3 &gt; 2"},
        {"<img src=\"data:image/png;base64,AAAA\" alt=\"a\">",
         "<img src=\"data:image/png;base64,AAAA\" alt=\"a\">"},
        {"<img src=\"data:text/html;base64,PHNjcmlwdD4=\">", "<img>"},
        {"<p title='\"><script>x</script>'>t</p>",
         "<p title=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">t</p>"},
        {"<style>body{display:none}</style><ul><li>a</li></ul>", "<ul><li>a</li></ul>"},
    };
    struct ts_ctx cx;
    ts_ctx_init(&cx, NULL);
    for (size_t i = 0; i < TS_ARRAY_LEN(in_out); i++) {
        const char *out = ts_html_sanitize(&cx, in_out[i][0]);
        if (strcmp(out, in_out[i][1]) != 0)
            print_error("in:   %s\nwant: %s\ngot:  %s\n", in_out[i][0], in_out[i][1], out);
        assert_string_equal(out, in_out[i][1]);
        /* sanitising again changes nothing */
        assert_string_equal(ts_html_sanitize(&cx, out), out);
    }
    ts_ctx_release(&cx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
