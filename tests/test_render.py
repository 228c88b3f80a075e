"""Tests of the fallback Quarto renderer tools/render_qmd.py.

The full renders run the command line in a subprocess, as the Makefile does
(each starts a Jupyter kernel, so they are grouped: one render of the feature
fixture is shared by most tests)."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import base64
import io

import pytest

import check_links
import math_font
import quarto_rules
import render_qmd

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "render"
SCRIPT = ROOT / "tools" / "render_qmd.py"


@pytest.fixture(scope="session")
def math_font_css():
    """The @font-face CSS that `make report` writes to build/math-font.css."""
    return math_font.font_face_css(math_font.CUT.read_bytes())


def make_project(dest: Path, font_css: str) -> Path:
    """A project with the repository's _quarto.yml and templates and the fixtures."""
    shutil.copytree(FIXTURES, dest)
    shutil.copy(ROOT / "_quarto.yml", dest / "_quarto.yml")
    shutil.copytree(ROOT / "tools" / "templates", dest / "tools" / "templates")
    (dest / "build").mkdir()
    (dest / "build" / "math-font.css").write_text(font_css)
    return dest


def run_cli(project: Path, qmd: str, out: str = "_output") -> subprocess.CompletedProcess:
    """Run the renderer exactly as the Makefile does."""
    return subprocess.run([sys.executable, str(SCRIPT), qmd, "--output-dir", out,
                           "--project-dir", "."], cwd=project, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def project(tmp_path_factory, math_font_css):
    return make_project(tmp_path_factory.mktemp("render") / "project", math_font_css)


@pytest.fixture(scope="module")
def rendered(project):
    proc = run_cli(project, "features.qmd")
    assert proc.returncode == 0, proc.stderr
    html = project / "_output" / "features.html"
    pdf = project / "_output" / "features.pdf"
    return proc, html.read_text(encoding="utf-8"), pdf


def text_of(html: str) -> str:
    """The HTML without tags, whitespace collapsed, for phrase checks."""
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", "", html))


# ------------------------------------------------------------------ parsing

def test_parse_cells_options_and_includes():
    meta, items = render_qmd.parse_qmd(FIXTURES / "features.qmd")
    assert meta["title"] == "Renderer fixture"
    cells = [i for i in items if isinstance(i, render_qmd.Cell)]
    assert cells[0].options == {"echo": False}
    assert cells[0].source.startswith("marker_echo_false")       # #| lines stripped
    assert cells[0].line == 35 and cells[0].file.name == "features.qmd"
    labels = [c.options.get("label") for c in cells]
    assert "fig-curve" in labels and "tbl-numbers" in labels
    text = "\n".join(i for i in items if isinstance(i, str))
    assert "INCLUDED-FILE" in text and "NESTED-INCLUDE" in text   # recursive include
    assert "PLAIN-FENCE" in text                                   # ```python is not a cell


def test_unknown_cell_option_is_an_error():
    with pytest.raises(render_qmd.RenderError, match="unknown cell option.*fig-widht"):
        render_qmd.parse_cell_options(["#| fig-widht: 3", "x = 1"], "doc.qmd:3")


def test_quarto_option_that_the_fallback_lacks_is_an_error():
    # code-line-numbers is in Quarto's cell-codeoutput.yml, not implemented here
    with pytest.raises(render_qmd.RenderError, match="code-line-numbers are Quarto's but not"):
        render_qmd.parse_cell_options(["#| code-line-numbers: true", "x = 1"], "doc.qmd:3")


def test_cell_options_of_quarto_jupyter_schema():
    # options of Quarto's schema that the jupyter engine accepts, and knitr-only ones
    for known in ("lst-label", "layout-ncol", "tbl-colwidths", "output-location", "tags"):
        with pytest.raises(render_qmd.RenderError, match="are Quarto's but not implemented"):
            render_qmd.parse_cell_options([f"#| {known}: 1"], "doc.qmd:1")
    for knitr in ("fig-width", "fig-dpi", "cache", "message", "results"):
        with pytest.raises(render_qmd.RenderError, match="unknown cell option"):
            render_qmd.parse_cell_options([f"#| {knitr}: 1"], "doc.qmd:1")


def test_callout_ids_of_quartos_own_prefixes_are_refused_too():
    # nte- is registered: Quarto would number the callout ("Note 1"), which this
    # renderer does not do, so both renderers would not give the same document
    with pytest.raises(render_qmd.RenderError, match="Quarto numbers it .'Note 1'."):
        quarto_rules.check_callout_id("nte-first", "note", "doc.qmd:3: ")
    assert quarto_rules.ref_type("Answer-w41") == "answer"     # Quarto's ^(%a+)-, lower
    assert quarto_rules.ref_type("w41-1a") is None             # digits: no prefix


def test_format_options_the_fallback_lacks_are_refused():
    import qmd_writers
    qmd_writers.check_formats({"format": {"html": {"toc": True}, "typst": {"toc": True}}})
    for config, phrase in [
        ({"format": {"typst": {"mainfont": "Libertinus"}}}, "typst: option(s) mainfont not"),
        ({"format": {"html": {"theme": "cosmo"}}}, "html: option(s) theme not"),
        ({"format": {"docx": {}}}, "format 'docx': this renderer writes only html and typst"),
        ({"format": {"html": {"fig-format": "svg"}}}, "fig-format is 'svg'"),
        ({"format": {"html": {"fig-width": 7}, "typst": {"fig-width": 5.5}}},
         "typst: fig-width is 5.5, html's 7: this renderer runs the cells once")]:
        with pytest.raises(render_qmd.RenderError, match=re.escape(phrase)):
            qmd_writers.check_formats(config)


def test_missing_include_is_an_error(tmp_path):
    (tmp_path / "a.qmd").write_text("Text\n\n{{< include nope.qmd >}}\n")
    with pytest.raises(render_qmd.RenderError, match="nope.qmd"):
        render_qmd.parse_qmd(tmp_path / "a.qmd")


# ------------------------------------------------------------------ full render

def test_cli_prints_both_outputs(rendered):
    proc, _, _ = rendered
    assert proc.stdout.split() == [str(Path("_output/features.html")),
                                   str(Path("_output/features.pdf"))]


def test_kernel_is_this_python_in_the_project_dir(rendered, project):
    _, html, _ = rendered
    assert f"KERNEL-PYTHON={sys.executable}" in html
    assert f"KERNEL-CWD={project}" in html


def test_cell_options(rendered):
    _, html, _ = rendered
    assert "ECHO-FALSE-CODE" not in html and "echo-false-output" in html
    assert "INCLUDE-FALSE-CODE" not in html and "include-false-output" not in html
    assert "shared is 42" in html                  # ... but the include: false cell ran
    assert "OUTPUT-FALSE-CODE" in html and "<code>output-false-output" not in html
    assert "EVAL-FALSE-CODE" in html               # shown, not run (it would raise)
    assert "<strong>ASIS-BOLD</strong>" in html    # output: asis is markdown
    assert '<details class="code-fold" open><summary>Show the code</summary>' in html


def test_figures_are_numbered_embedded_and_referenced(rendered):
    _, html, _ = rendered
    assert '<figure id="fig-curve">' in html and '<figure id="fig-static">' in html
    text = text_of(html)
    assert "Figure\u00a01: A decreasing loss curve." in text
    assert "Figure\u00a02: A static picture." in text
    assert '<a href="#fig-curve" class="quarto-xref">Figure\u00a01</a>' in html
    assert html.count('src="data:image/png;base64,') == 2    # self-contained
    assert not re.search(r'src="(?!data:)', html)


def test_table_is_numbered(rendered):
    _, html, _ = rendered
    assert '<table id="tbl-numbers">' in html
    assert "<caption>Table\u00a01: Some numbers.</caption>" in html
    assert '<a href="#tbl-numbers" class="quarto-xref">Table\u00a01</a>' in html


def test_equations_are_numbered_and_referenced(rendered):
    _, html, _ = rendered
    assert '<span class="equation" id="eq-affine"><math display="block"' in html
    assert '<span class="eq-number">(1)</span>' in html
    assert '<span class="eq-number">(2)</span>' in html
    assert html.count('class="eq-number"') == 2             # the unlabelled one is not
    # as Quarto 1.9 writes them: "Equation 1", and "1" for -@eq-affine
    assert '<a href="#eq-affine" class="quarto-xref">Equation\u00a01</a>' in html
    assert '<a href="#eq-grad" class="quarto-xref">Equation\u00a02</a>' in html
    assert '<a href="#eq-affine" class="quarto-xref">1</a>' in html


def test_sections_are_numbered_and_referenced(rendered):
    _, html, _ = rendered
    assert '<h2 data-number="1.1" id="sec-method">' in html
    assert '<a href="#sec-method" class="quarto-xref">Section\u00a01.1</a>' in html
    assert 'id="TOC"' in html
    assert '<h1 class="unnumbered" id="references">' in html


def test_callouts_and_answer_ids(rendered):
    _, html, _ = rendered
    assert re.search(r'<div id="answer-w41-1a">\s*<div class="callout callout-note">', html)
    assert '<h2 data-number="2.1" id="answer-w42-6">' in html
    text = text_of(html)
    assert "Answer 1a The answer" in text
    assert "A titled tip Tip body." in text
    assert "Warning Untitled warning body." in text


def test_front_matter_citations_and_math(rendered):
    _, html, _ = rendered
    assert "<title>Renderer fixture</title>" in html
    assert '<p class="author">Ada Tester</p>' in html
    assert "2024-01-02" in html and 'class="abstract"' in html
    assert "(Rumelhart et al. 1986)" in html
    assert 'id="ref-rumelhart1986"' in html
    assert "$$" not in html and "{#" not in html      # everything was converted


def test_pdf_is_produced(rendered):
    _, _, pdf = rendered
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    # \odot, which pandoc writes as typst's deprecated dot.circle: printed, without a warning
    assert "\u2299" in "".join(page_texts(pdf))


def test_answer_links_land_on_the_answers_in_html_and_pdf(rendered, project):
    _, html, pdf = rendered
    assert check_links.check(project / "_output" / "features.html", pdf) == []
    landings = check_links.pdf_landings(pdf)
    assert landings.count("Answer 1a") == 3 and landings.count("Question 6") >= 2


def test_link_checker_sees_a_link_that_lands_elsewhere(rendered, project, tmp_path):
    _, html, pdf = rendered
    wrong = tmp_path / "wrong.html"      # the HTML claims another title for the answer
    wrong.write_text(html.replace("Answer 1a", "Answer 9z"), encoding="utf-8")
    assert check_links.check(wrong, pdf) == [
        "PDF: 3 link(s) to #answer-w41-1a in the HTML, but 0 PDF link(s) land on its "
        "title 'Answer 9z'"]


QUARTO_ANSWERS = """
<section id="exercises" class="level1" data-number="2">
<h1 data-number="2"><span class="header-section-number">2</span> Exercises</h1>
<div id="answer-w41-1a">
<div class="callout callout-style-default callout-note callout-titled">
<div class="callout-header d-flex align-content-center">
<div class="callout-icon-container"><i class="callout-icon"></i></div>
<div class="callout-title-container flex-fill">
<span class="screen-reader-only">Note</span>Week 41, exercise 1a<br>
</div></div>
<div class="callout-body-container callout-body"><p>Body <a href="#answer-w42-6">6</a>.</p></div>
</div></div>
<section id="answer-w42-6" class="level2" data-number="2.1">
<h2 data-number="2.1" class="anchored" data-anchor-id="answer-w42-6"><span
 class="header-section-number">2.1</span> Question 6</h2>
<p>Back to <a href="#answer-w41-1a">answer 1a</a>.</p>
</section></section>
"""


def test_link_checker_reads_quartos_callout_titles_and_sections():
    """Quarto 1.9's HTML: the title in callout-title-container after a screen-reader
    "Note", and the id of a heading on the section around it."""
    parser = check_links.AnswerParser()
    parser.feed(QUARTO_ANSWERS)
    assert parser.titles == {"answer-w41-1a": "Week 41, exercise 1a",
                             "answer-w42-6": "Question 6"}
    assert dict(parser.links) == {"answer-w41-1a": 1, "answer-w42-6": 1}


def test_link_checker_strips_the_icon_of_quartos_typst_callouts():
    # Quarto's typst callout title starts with a Font Awesome glyph (U+F129)
    assert check_links.without_number("\uf129 Week 41, exercise 1a") == "Week 41, exercise 1a"
    assert check_links.without_number("2.1  Question   6") == "Question 6"


def pdf_fragments(pdf: Path) -> list[tuple[int, float, float, str]]:
    """(page, x, y, text) of every piece of text of a PDF, from pypdf."""
    import pypdf
    out = []
    for number, page in enumerate(pypdf.PdfReader(pdf).pages):
        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                out.append((number, tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text))
        page.extract_text(visitor_text=visit)
    return out


def test_pdf_code_wraps_with_its_indentation(rendered):
    _, _, pdf = rendered
    frags = pdf_fragments(pdf)
    x_of = {t: x for _, x, _, t in frags if t in ("def", "return", "argument_three")}
    y_of = {t: y for _, _, y, t in frags if t in ("return", "argument_three")}
    # `return` is 4 columns in from `def`; its line wraps before `argument_three`,
    # which starts the next line further in than `return`, not at column 0
    assert x_of["def"] < x_of["return"] < x_of["argument_three"]
    assert y_of["argument_three"] < y_of["return"]


def test_primes_sit_on_the_base_line(rendered):
    _, html, _ = rendered       # the fixture's $$ \sigma'(z) = ... $$
    assert "<mi>σ</mi><mi>′</mi>" in html
    assert not re.search(r"<msup>(?:(?!</msup>).)*<mo>′</mo></msup>", html)


def test_prime_filter_keeps_text_and_leaves_typst_alone():
    import pypandoc
    lua = ROOT / "tools" / "templates" / "primes.lua"
    tex = "$f'_L + g'' + \\text{it's} + \\operatorname{rank'}(A)$"

    def run(fmt, *extra):
        return subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-t", fmt, *extra],
                              input=tex, capture_output=True, text=True, check=True).stdout
    html = run("html", "--mathml", "--lua-filter", str(lua))
    assert "<mi>f</mi><msub><mi>′</mi><mi>L</mi></msub>" in html
    assert "<mi>g</mi><mi>′</mi><mi>′</mi>" in html
    assert "<mtext mathvariant=\"normal\">it’s</mtext>" in html       # \text kept
    assert "<mi mathvariant=\"normal\">rank&#39;</mi>" in html        # \operatorname kept
    assert "<msup>" not in html and "<msubsup>" not in html
    assert run("typst", "--lua-filter", str(lua)) == run("typst")


def test_html_carries_a_math_font_and_display_style_rows(rendered):
    _, html, _ = rendered
    assert 'math { font-family: "ffnn Latin Modern Math", "Latin Modern Math"' in html
    assert "mtable > mtr > mtd { math-style: normal; }" in html
    data = re.search(r'font-family: "ffnn Latin Modern Math";.*?base64,([A-Za-z0-9+/=]+)\)',
                     html, re.S).group(1)
    from fontTools.ttLib import TTFont
    font = TTFont(io.BytesIO(base64.b64decode(data)))
    assert font.flavor == "woff" and "MATH" in font
    # the left brace has a glyph assembly (how `cases` braces stretch) and its parts
    brace = font.getBestCmap()[ord("{")]
    variants = font["MATH"].table.MathVariants
    constructions = dict(zip(variants.VertGlyphCoverage.glyphs, variants.VertGlyphConstruction))
    assembly = constructions[brace].GlyphAssembly
    assert assembly is not None and len(assembly.PartRecords) >= 3
    assert all(p.glyph in font.getGlyphOrder() for p in assembly.PartRecords)
    assert ord("\U0001D465") in font.getBestCmap()          # mathematical italic x


def test_missing_math_font_names_the_package(monkeypatch):
    monkeypatch.setattr(math_font, "FONT_PATHS", ["/nonexistent/latinmodern-math.otf"])
    monkeypatch.setattr(math_font, "FAMILY", "No Such Math Font")
    with pytest.raises(render_qmd.RenderError, match="fonts-lmodern"):
        math_font.find_font()


def page_texts(pdf: Path) -> list[str]:
    import pypdf
    return [page.extract_text() for page in pypdf.PdfReader(pdf).pages]


def test_long_callout_breaks_across_pages(project):
    proc = run_cli(project, "long_callout.qmd")
    assert proc.returncode == 0, proc.stderr
    pages = page_texts(project / "_output" / "long_callout.pdf")
    start = next(n for n, t in enumerate(pages) if "LONG-ANSWER-START" in t)
    end = next(n for n, t in enumerate(pages) if "LONG-ANSWER-END" in t)
    assert end > start
    text = "\n".join(pages)
    assert all(f"Line {i} of the long answer" in text for i in range(1, 71))
    assert all(y > 0 for _, _, y, _ in pdf_fragments(project / "_output" / "long_callout.pdf"))


def test_section_numbering_follows_the_typst_format(project, tmp_path):
    """_quarto.yml's section-numbering "1.1.1"; without it Quarto's typst default 1.1.a."""
    proc = run_cli(project, "numbering.qmd")
    assert proc.returncode == 0, proc.stderr
    assert "1.1.1 Detail" in "\n".join(page_texts(project / "_output" / "numbering.pdf"))
    other = tmp_path / "default"
    shutil.copytree(project, other, ignore=shutil.ignore_patterns("_output"))
    config = (other / "_quarto.yml").read_text()
    (other / "_quarto.yml").write_text(config.replace('    section-numbering: "1.1.1"\n', ""))
    proc = run_cli(other, "numbering.qmd")
    assert proc.returncode == 0, proc.stderr
    assert "1.1.a Detail" in "\n".join(page_texts(other / "_output" / "numbering.pdf"))


def test_cells_without_a_named_kernel_are_refused(project, tmp_path):
    other = tmp_path / "nokernel"
    shutil.copytree(project, other, ignore=shutil.ignore_patterns("_output"))
    config = (other / "_quarto.yml").read_text()
    assert "\njupyter: python3\n" in config
    (other / "_quarto.yml").write_text(config.replace("\njupyter: python3\n", "\n"))
    proc = run_cli(other, "fail_error.qmd")
    assert proc.returncode == 1
    assert "names the kernel (jupyter: python3)" in proc.stderr


def test_quartos_own_callout_would_cut_the_long_answer(project, tmp_path):
    """Without tools/templates/report.typ (Quarto's breakable: false callout) the end
    of the answer falls below the page: what the include-in-header prevents."""
    other = tmp_path / "plain"
    shutil.copytree(project, other, ignore=shutil.ignore_patterns("_output"))
    config = (other / "_quarto.yml").read_text()
    (other / "_quarto.yml").write_text(config.replace(
        "    include-in-header:\n      - tools/templates/report.typ\n", ""))
    proc = run_cli(other, "long_callout.qmd")
    assert proc.returncode == 0, proc.stderr
    frags = pdf_fragments(other / "_output" / "long_callout.pdf")
    (end_y,) = [y for _, _, y, t in frags if "LONG-ANSWER-END" in t]
    assert end_y < 0            # below the bottom edge of the page: not printed


def test_output_is_deterministic(rendered, project):
    _, html, pdf = rendered
    proc = run_cli(project, "features.qmd", out="_again")
    assert proc.returncode == 0, proc.stderr
    assert (project / "_again" / "features.html").read_text(encoding="utf-8") == html
    assert (project / "_again" / "features.pdf").read_bytes() == pdf.read_bytes()


# ------------------------------------------------------------------ failures

@pytest.mark.parametrize("qmd, expected", [
    ("fail_error.qmd", ["fail_error.qmd:9: cell divide-by-zero",
                        "ZeroDivisionError: division by zero", "y = x / 0"]),
    ("fail_warning.qmd", ["fail_warning.qmd:5: cell #1 ('import warnings')",
                          "UserWarning: something looks off"]),
    ("fail_stderr.qmd", ["fail_stderr.qmd:5: cell #1 ('import sys')", "progress 50%"]),
    ("fail_xref.qmd", ["fail_xref.qmd:7: unknown cross-reference @fig-does-not-exist"]),
    ("fail_callout_id.qmd", ["fail_callout_id.qmd:7: callout id #answer-w41-1a has the "
                             "prefix answer-, not one of Quarto's callout prefixes nte-",
                             ":::: {#answer-w41-1a}"]),
    ("fail_link.qmd", ["fail_link.qmd:13: link to #answer-w41-9z, but no element has the "
                       "id 'answer-w41-9z'"]),
    ("fail_cell_option.qmd", ["fail_cell_option.qmd:5: unknown cell option(s) fig-width: "
                              "Quarto's jupyter engine does not know them"]),
    ("fail_citeproc.qmd", ["format: typst: has no 'citeproc: true'"]),
    ("fail_typst_warning.qmd", ["typst warned 1 time(s)",
                                "warning: `dot.circle` is deprecated, use `dot.o` instead"]),
])
def test_failures_name_the_cause_and_write_nothing(project, qmd, expected):
    proc = run_cli(project, qmd)
    assert proc.returncode == 1
    for phrase in expected:
        assert phrase in proc.stderr
    stem = Path(qmd).stem
    assert not (project / "_output" / f"{stem}.html").exists()
    assert not (project / "_output" / f"{stem}.pdf").exists()


# ------------------------------------------------------------------ two builds compared

def test_compare_builds_reads_what_a_reader_sees(rendered, project):
    import compare_builds
    seen = compare_builds.read_html(project / "_output" / "features.html")
    assert seen.headings == ["1 Introduction", "1.1 Method", "2 Exercises", "2.1 Question 6",
                             "References"]
    assert seen.answers == ["answer-w41-1a", "answer-w42-6"]
    assert seen.equations == ["eq-affine (1)", "eq-grad (2)"]
    assert seen.xrefs[0] == "#eq-affine Equation 1" and seen.xrefs[-1] == "#eq-affine 1"
    assert "Figure 2: A static picture." in seen.floats
    assert seen.listings[-1].startswith("def long_line(argument_one, argument_two):\n    return")
    assert [r.split()[0] for r in seen.references] == ["ref-rumelhart1986"]


def test_compare_builds_fails_on_what_a_reader_would_see(rendered, project, tmp_path):
    import compare_builds
    out = project / "_output"
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(out / "features.pdf", other / "features.pdf")
    html = (out / "features.html").read_text(encoding="utf-8")
    (other / "features.html").write_text(html, encoding="utf-8")
    assert compare_builds.compare(out, other, "features") == []
    # the fallback's old cross-references, "Equation (1)", and a listing changed
    assert html.count("PLAIN-FENCE") == 1
    changed = html.replace("Equation\u00a01<", "Equation\u00a0(1)<").replace(
        "PLAIN-FENCE", "PLAIN-FENCES")
    (other / "features.html").write_text(changed, encoding="utf-8")
    problems = compare_builds.compare(out, other, "features")
    assert [p.split(":")[0] for p in problems] == ["HTML xrefs", "HTML listings"]
    assert "'#eq-affine Equation (1)'" in problems[0]


# What Quarto 1.9.38 writes for tests/fixtures/render/appendix.qmd (quarto render
# appendix.qmd --to html -M number-sections:true): its marker of a book's appendix,
# <!-- quarto-file-metadata: BASE64 -->, letters the level-1 headings after it.
QUARTO_APPENDIX_HEADINGS = [
    '<span class="header-section-number">1</span> Intro',
    '<span class="header-section-number">1.1</span> Sub',
    "References",
    'Appendix <span class="header-section-number">A</span> — Answers',
    '<span class="header-section-number">A.1</span> Ex 1',
    'Appendix <span class="header-section-number">B</span> — Speed',
    '<span class="header-section-number">B.1</span> Ex 2',
]
QUARTO_APPENDIX_XREFS = ["Section\u00a0A", "Section\u00a0B", "Section\u00a0A.1"]


def test_appendices_are_lettered_as_quarto_letters_them(project):
    proc = run_cli(project, "appendix.qmd")
    assert proc.returncode == 0, proc.stderr
    html = (project / "_output" / "appendix.html").read_text(encoding="utf-8")
    headings = [re.sub(r"\s+", " ", h) for h in
                re.findall(r'<h[12] data-number="[^"]*"[^>]*>(.*?)</h[12]>', html, re.S)]
    headings.insert(2, "References")
    assert headings == QUARTO_APPENDIX_HEADINGS
    assert '<h1 data-number="B" id="sec-speed">' in html
    assert re.findall(r'class="quarto-xref">([^<]*)<', html) == QUARTO_APPENDIX_XREFS
    # the table of contents shows the headings as they are, numbers included
    assert re.search(r'<a href="#sec-app"[^>]*>Appendix <span class="header-section-number">'
                     r'A</span> — Answers</a>', html)
    # typst numbers the PDF's headings itself (the report's typst block letters them)
    assert "2.1 Ex 1" in "\n".join(page_texts(project / "_output" / "appendix.pdf"))


def test_a_malformed_appendix_marker_is_an_error():
    import qmd_xref
    marker = {"t": "RawBlock", "c": ["html", "<!-- quarto-file-metadata: e30= -->"]}  # {}
    header = {"t": "Header", "c": [1, ["sec-a", [], []], [{"t": "Str", "c": "A"}]]}
    assert qmd_xref.number_elements([marker, header], {}) == [marker, header]
    assert header["c"][1][2] == [["number", "1"]]           # no appendix: a number
    appendix = {"t": "RawBlock", "c": ["html", "<!-- quarto-file-metadata: "
                                       "eyJib29rSXRlbVR5cGUiOiJhcHBlbmRpeCJ9 -->"]}
    with pytest.raises(render_qmd.RenderError, match="bookItemNumber 1, 2, ..., got None"):
        qmd_xref.number_elements([appendix, header], {})
    broken = {"t": "RawBlock", "c": ["html", "<!-- quarto-file-metadata: %%% -->"]}
    with pytest.raises(render_qmd.RenderError, match="not base64 of a JSON object"):
        qmd_xref.number_elements([broken], {})
