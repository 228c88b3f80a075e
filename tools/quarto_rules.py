"""What Quarto accepts, as read from its source (quarto-cli 1.9.18 to 1.11), so that the
fallback renderer refuses what ``quarto render`` would break on.

* Callout ids.  ``crossref.categories`` (``src/resources/filters/mainstateinit.lua``) gives
  the callouts the reference types ``nte``, ``wrn``, ``cau``, ``tip`` and ``imp``;
  ``refType`` (``filters/common/refs.lua``) takes an id's prefix as ``^(%a+)-``, lower-cased.
  The typst callout renderer (``filters/customnodes/callout.lua``) warns about any other
  prefix and writes the callout without its label, so a link to it breaks the PDF.
* Cell options.  The jupyter engine validates ``#|`` options against every field of
  ``src/resources/schema/cell-*.yml`` whose ``engine`` tag is absent or names ``jupyter``
  (``makeEngineSchema`` in ``src/core/lib/yaml-schema/chunk-metadata.ts``).
* Kernel.  Without ``jupyter:`` (or ``engine:``) Quarto runs the first Python kernelspec
  it finds (``jupyterKernelspecForLanguage``, ``src/core/jupyter/kernels.ts``; a venv
  kernel only when ``VIRTUAL_ENV`` is set), which need not be the project's.
* Callout colours: ``kColor*`` and ``kBackgroundColor*`` of ``filters/modules/constants.lua``;
  the typst ``callout`` function itself is copied in ``templates/fallback.typ``.
"""
import re

from render_errors import RenderError

CALLOUT_REF_TYPES = ("nte", "wrn", "cau", "tip", "imp")     # note, warning, caution, ...
CALLOUT_KINDS = {"note": "Note", "warning": "Warning", "important": "Important",
                 "tip": "Tip", "caution": "Caution"}
# (icon colour, background) per kind: kColor* and kBackgroundColor* of constants.lua
CALLOUT_COLOURS = {"note": ("#0758E5", "#dae6fb"), "warning": ("#EB9113", "#fcefdc"),
                   "important": ("#CC1914", "#f7dddc"), "tip": ("#00A047", "#ccf1e3"),
                   "caution": ("#FC5300", "#ffe5d0")}

JUPYTER_CELL_OPTIONS = frozenset({
    # cell-attributes.yml
    "label", "classes", "renderings", "tags", "id", "export",
    # cell-card.yml (dashboards)
    "title", "padding", "expandable", "width", "height", "context", "content", "color",
    # cell-codeoutput.yml
    "eval", "echo", "code-fold", "code-summary", "code-overflow", "code-line-numbers",
    "lst-label", "lst-cap",
    # cell-figure.yml (fig-width, fig-height, fig-format, fig-dpi are knitr-only)
    "fig-cap", "fig-subcap", "fig-link", "fig-align", "fig-alt", "fig-env", "fig-pos",
    "fig-scap",
    # cell-layout.yml
    "layout", "layout-ncol", "layout-nrow", "layout-align", "layout-valign",
    # cell-pagelayout.yml
    "column", "fig-column", "tbl-column", "cap-location", "fig-cap-location",
    "tbl-cap-location",
    # cell-table.yml
    "tbl-cap", "tbl-subcap", "tbl-colwidths", "html-table-processing",
    # cell-textoutput.yml
    "output", "warning", "error", "include", "panel", "output-location",
})

def ref_type(ident: str):
    """The reference type of an id as Quarto's ``refType`` reads it, or None."""
    m = re.match(r"([A-Za-z]+)-", ident)
    return m.group(1).lower() if m else None


def check_callout_id(ident: str, kind: str, where: str) -> None:
    """Refuse an id on a callout: Quarto drops an unregistered one from the PDF, and
    the fallback does not number cross-referenced callouts ("Note 1")."""
    prefix = ref_type(ident)
    advice = (f"put the id on a plain div around an id-less callout: "
              f":::: {{#{ident}}} / ::: {{.callout-{kind}}} ... ::: / ::::")
    if prefix not in CALLOUT_REF_TYPES:
        raise RenderError(
            f"{where}callout id #{ident} has the prefix {prefix + '-' if prefix else '(none)'}"
            f", not one of Quarto's callout prefixes "
            f"{', '.join(p + '-' for p in CALLOUT_REF_TYPES)}: Quarto would drop the "
            f"label and every link to it would break the PDF; {advice}")
    raise RenderError(f"{where}cross-referenced callout #{ident}: Quarto numbers it "
                      f"('{CALLOUT_KINDS[kind]} 1'), this renderer does not; {advice}")


def check_kernel(config: dict, has_cells: bool) -> None:
    """Refuse executable cells when the configuration names no kernel."""
    if has_cells and not (config.get("jupyter") or config.get("engine")):
        raise RenderError("the document has executable cells but neither _quarto.yml nor "
                          "its front matter names the kernel (jupyter: python3): Quarto "
                          "would run the first Python kernelspec it finds")
