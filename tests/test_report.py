"""tools/check_report.py: word count of the main text, source listings, answers and links.

The pages here are small hand-written HTML documents in the two layouts the
check meets: the fallback renderer's (flat headings carrying the ids) and
Quarto's (each heading inside a ``<section>`` carrying the id).
"""
import ast
import base64
import html
import struct
import textwrap
import zlib
from pathlib import Path

import pytest

import check_report
import ffnn

FFNN_DIR = Path(ffnn.__file__).parent


def source_from_file(module_file, name):
    """The lines of function ``name`` cut from the module's file with ast (not inspect)."""
    text = (FFNN_DIR / module_file).read_text()
    node = next(n for n in ast.walk(ast.parse(text))
                if isinstance(n, ast.FunctionDef) and n.name == name)
    return "\n".join(text.splitlines()[node.lineno - 1:node.end_lineno]) + "\n"


def listing(name, code, excerpt=False, body=False):
    """A source listing as pandoc writes it: one span per line, each with an empty anchor."""
    lines = "\n".join(f'<span id="cb1-{k}"><a href="#cb1-{k}" aria-hidden="true"></a>'
                      f"{html.escape(line)}</span>"
                      for k, line in enumerate(code.rstrip("\n").split("\n"), 1))
    marked = (' data-excerpt="true"' if excerpt else "") + (' data-body="true"' if body else "")
    return (f'<div class="ffnn-source" data-source="{name}"{marked}><p><code>{name}</code>:</p>'
            f'<div class="sourceCode" id="cb1"><pre class="sourceCode python">'
            f'<code class="sourceCode python">{lines}</code></pre></div></div>')


def page(body, abstract="One two three."):
    return (f'<html><body><header><h1 class="title">Title words</h1>'
            f'<div class="abstract"><div class="abstract-title">Abstract</div>'
            f"<p>{abstract}</p></div></header>{body}</body></html>")


FLAT = page(
    '<nav id="TOC"><ul><li><a href="#sec-introduction">Introduction</a></li></ul></nav>'
    '<h1 id="sec-introduction">1 Introduction</h1>'
    "<p>Four words of prose, <code>ffnn.train</code> inline.</p>"
    '<div class="sourceCode"><pre><code>def not_counted(): return "many words here"</code></pre></div>'
    '<p><math><mi>x</mi><mo>=</mo><mn>2</mn></math> counts one.</p>'
    "<table><caption>Table 1: A caption.</caption><thead><tr><th>head</th></tr></thead>"
    "<tbody><tr><td>cell words</td></tr></tbody></table>"
    '<h1 id="sec-conclusions">5 Conclusions</h1><p>Last two.</p>'
    '<h1 id="refs">References</h1><p>Not counted at all.</p>'
)
# abstract 3 + heading "1 Introduction" 2 + 6 (prose incl. the inline code)
# + 2 ("counts one.") + caption 4 + heading "5 Conclusions" 2 + 2 = 21
FLAT_WORDS = 21

QUARTO = page(
    '<section id="sec-abstract" class="level1 unnumbered"><h1>Abstract</h1>'
    "<p>Five words in the abstract.</p></section>"
    '<section id="sec-introduction" class="level1"><h1>Introduction</h1>'
    '<section id="sec-sub" class="level2"><h2>Sub part</h2><p>Three more words.</p></section>'
    "</section>"
    '<section id="sec-conclusions" class="level1"><h1>Conclusions</h1><p>End.</p></section>'
    '<section id="sec-answers-w41" class="level1"><h1>Answers</h1><p>Appendix text.</p></section>',
    abstract="",
)
# Abstract 1 + 5 + Introduction 1 + "Sub part" 2 + 3 + Conclusions 1 + 1 = 14
QUARTO_WORDS = 14


def test_word_count_of_flat_layout_skips_code_math_tables_and_appendix():
    words = check_report.count_words(check_report.main_text(check_report.parse_html(FLAT)))
    assert words == FLAT_WORDS


def test_word_count_of_quarto_sections_starts_at_the_abstract_section():
    words = check_report.count_words(check_report.main_text(check_report.parse_html(QUARTO)))
    assert words == QUARTO_WORDS


def word_problems(text, max_words):
    problems, summary = check_report.check(text, max_words=max_words)
    return [p for p in problems if p.startswith("main text")], summary


def test_too_many_words_fail_and_enough_pass():
    assert word_problems(FLAT, FLAT_WORDS)[0] == []
    problems, summary = word_problems(FLAT, FLAT_WORDS - 1)
    assert problems == [f"main text: {FLAT_WORDS} words, expected at most {FLAT_WORDS - 1}"]
    assert summary["main_words"] == FLAT_WORDS


def test_missing_main_heading_is_reported():
    with pytest.raises(ValueError, match="sec-conclusions"):
        check_report.main_text(check_report.parse_html(page('<h1 id="sec-introduction">I</h1>')))


def test_the_package_source_passes_and_an_edited_copy_fails():
    real = source_from_file("gradcheck.py", "rel_error")
    good = page(listing("ffnn.rel_error", real))
    assert check_report.check_sources(check_report.parse_html(good)) == ([], 1)

    edited = real.replace("max", "min", 1)
    assert edited != real
    problems, n = check_report.check_sources(check_report.parse_html(
        page(listing("ffnn.rel_error", edited))))
    assert n == 1 and len(problems) == 1 and "ffnn.rel_error" in problems[0]
    assert "differs" in problems[0]


def test_a_body_listing_is_the_source_without_exactly_its_docstring():
    real = source_from_file("gradcheck.py", "rel_error")
    # by hand: rel_error's docstring is its lines 2 to 6 (the signature is line 1)
    lines = real.splitlines(keepends=True)
    assert lines[1].lstrip().startswith('"""') and lines[5].strip() == '"""'
    body = "".join(lines[:1] + lines[6:])
    assert body.startswith("def rel_error(a, b):\n    a, b = _flatten(a), _flatten(b)\n")

    def problems_of(code, **marks):
        problems, n = check_report.check_sources(check_report.parse_html(
            page(listing("ffnn.rel_error", code, **marks))))
        assert n == 1
        return problems

    assert problems_of(body, body=True) == []
    signature_dropped = "".join(lines[6:])
    last_line_dropped = "".join(lines[:1] + lines[6:-1])
    edited = body.replace("max", "min", 1)
    renamed = body.replace("def rel_error(a, b)", "def rel_error(a, c)")
    docstring_kept = real
    for code in (signature_dropped, last_line_dropped, edited, renamed, docstring_kept):
        problems = problems_of(code, body=True)
        assert len(problems) == 1 and "differs" in problems[0] and "docstring" in problems[0]
    # unmarked, the body is not the whole source
    assert len(problems_of(body)) == 1


def test_a_body_listing_needs_a_docstring_to_leave_out():
    with pytest.raises(ValueError, match="no docstring"):
        check_report.without_docstring("def f(x):\n    return x\n")


def test_an_excerpt_must_be_the_real_end_of_the_source():
    real = source_from_file("training.py", "_epoch").splitlines(keepends=True)
    first = next(k for k, line in enumerate(real) if line.lstrip().startswith("total = "))
    tail = textwrap.dedent("".join(real[first:]))
    middle = textwrap.dedent("".join(real[first:-2]))
    edited = tail.replace("isfinite", "isnan", 1)
    assert edited != tail
    results = [check_report.check_sources(check_report.parse_html(
        page(listing("ffnn.training._epoch", code, excerpt=True)))) for code in (tail, middle, edited)]
    assert results[0] == ([], 1)
    for problems, n in results[1:]:
        assert n == 1 and len(problems) == 1 and "not the end" in problems[0]
    # unmarked, the same tail is not the whole source
    problems, _ = check_report.check_sources(check_report.parse_html(
        page(listing("ffnn.train", tail))))
    assert len(problems) == 1 and "differs" in problems[0]


def test_a_listing_of_an_unknown_object_fails():
    problems, _ = check_report.check_sources(check_report.parse_html(
        page(listing("ffnn.no_such_function", "def no_such_function(): pass\n"))))
    assert len(problems) == 1 and "ffnn.no_such_function" in problems[0]


def test_answers_need_their_listing_or_their_own_definition():
    answers = (set(check_report.REQUIRED_SOURCES) | set(check_report.REQUIRED_DEFS)) \
        - {"answer-w41-3b"}
    body = "".join(f'<div id="{a}"><p>text</p></div>' for a in sorted(answers))
    body += '<div id="answer-w41-3b"><pre><code>def feed_forward_all_relu(layers, input):\n' \
            '    return input</code></pre></div>'
    problems = check_report.check_answers(check_report.parse_html(page(body)))
    missing_sources = {p.split(":")[0] for p in problems if "expected the source" in p}
    assert missing_sources == set(check_report.REQUIRED_SOURCES)
    missing_defs = {p.split(":")[0] for p in problems if "expected a cell defining" in p}
    assert missing_defs == set(check_report.REQUIRED_DEFS) - {"answer-w41-3b"}


def test_a_definition_inside_a_listing_does_not_count_as_the_answers_own():
    body = ('<div id="answer-w42-2b">'
            + listing("ffnn.feed_forward_one_layer", "def feed_forward_one_layer(W, b, x):\n")
            + "</div>")
    problems = check_report.check_answers(check_report.parse_html(page(body)))
    assert "answer-w42-2b: expected a cell defining feed_forward_one_layer(...)" in problems


def test_dangling_links_are_reported():
    body = '<p id="here"><a href="#here">ok</a> <a href="#answer-w41-9z">broken</a></p>'
    assert check_report.check_links(check_report.parse_html(page(body))) == [
        "link to #answer-w41-9z: no element has this id"]


def test_command_line_exit_status(tmp_path, capsys):
    report = tmp_path / "report.html"
    report.write_text(FLAT, encoding="utf-8")
    assert check_report.main([str(report), "--max-words", str(FLAT_WORDS - 1)]) == 1
    assert "main text: 21 words" in capsys.readouterr().err
    assert check_report.main([str(tmp_path / "absent.html")]) == 1
    assert "no file" in capsys.readouterr().err


def png(width_px, dpi):
    """A PNG's first chunks, as matplotlib writes them: IHDR, then pHYs with ``dpi``."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    per_metre = round(dpi / 0.0254)
    header = struct.pack(">IIBBBBB", width_px, 10, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)) + chunk(b"IEND", b""))


def figure(width_px, dpi, style=""):
    data = base64.b64encode(png(width_px, dpi)).decode()
    return f'<img src="data:image/png;base64,{data}" alt="a plot" {style}/>'


def test_png_width_is_read_from_its_density():
    assert check_report.png_width_inches(png(1000, 200)) == pytest.approx(5.0, rel=1e-4)


def test_a_figure_shown_narrower_than_drawn_fails():
    # 4.0 in drawn; the text is 5.77 in wide, so 4.0 in need width >= 69.3 %
    ok = figure(800, 200, 'style="width:70.0%"')
    small = figure(800, 200, 'style="width:60.0%"')
    assert check_report.check_figures(check_report.parse_html(page(ok))) == []
    problems = check_report.check_figures(check_report.parse_html(page(small)))
    assert len(problems) == 1 and "width=69%" in problems[0] and "87%" in problems[0]


def test_a_figure_wider_than_the_text_without_width_fails():
    wide = figure(1300, 200)      # 6.5 in, shrunk to the 5.77 in text width
    narrow = figure(1100, 200)    # 5.5 in, shown as drawn
    problems = check_report.check_figures(check_report.parse_html(page(wide + narrow)))
    assert len(problems) == 1 and "at most 5.77 in wide" in problems[0]
