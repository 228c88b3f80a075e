"""Tests of the fallback Quarto renderer tools/render_qmd.py.

The full renders run the command line in a subprocess, as the Makefile does
(each starts a Jupyter kernel, so they are grouped: one render of the feature
fixture is shared by most tests)."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import render_qmd

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "render"
SCRIPT = ROOT / "tools" / "render_qmd.py"


def make_project(dest: Path) -> Path:
    """A project with the repository's _quarto.yml and the fixture files."""
    shutil.copytree(FIXTURES, dest)
    shutil.copy(ROOT / "_quarto.yml", dest / "_quarto.yml")
    return dest


def run_cli(project: Path, qmd: str, out: str = "_output") -> subprocess.CompletedProcess:
    """Run the renderer exactly as the Makefile does."""
    return subprocess.run([sys.executable, str(SCRIPT), qmd, "--output-dir", out,
                           "--project-dir", "."], cwd=project, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("render") / "project")


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
    with pytest.raises(render_qmd.RenderError, match="fig-widht"):
        render_qmd.parse_cell_options(["#| fig-widht: 3", "x = 1"], "doc.qmd:3")


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
    assert '<details class="code-fold"><summary>Show the code</summary>' in html


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
    assert '<a href="#eq-affine" class="quarto-xref">Equation\u00a0(1)</a>' in html
    assert '<a href="#eq-grad" class="quarto-xref">Equation\u00a0(2)</a>' in html
    assert '<a href="#eq-affine" class="quarto-xref">(1)</a>' in html   # -@eq-affine


def test_sections_are_numbered_and_referenced(rendered):
    _, html, _ = rendered
    assert '<h2 data-number="1.1" id="sec-method">' in html
    assert '<a href="#sec-method" class="quarto-xref">Section\u00a01.1</a>' in html
    assert 'id="TOC"' in html
    assert '<h1 class="unnumbered" id="references">' in html


def test_callouts_and_answer_ids(rendered):
    _, html, _ = rendered
    assert '<div id="answer-w41-1a" class="callout callout-note">' in html
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
])
def test_failures_name_the_cause_and_write_nothing(project, qmd, expected):
    proc = run_cli(project, qmd)
    assert proc.returncode == 1
    for phrase in expected:
        assert phrase in proc.stderr
    stem = Path(qmd).stem
    assert not (project / "_output" / f"{stem}.html").exists()
    assert not (project / "_output" / f"{stem}.pdf").exists()
