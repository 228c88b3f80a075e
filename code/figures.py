"""Draw every figure of the report from the results files.

    python code/figures.py

Reads results/*.json (written by the scripts in code/experiments/) and
writes figures/*.png through the modules of ``code/plots/``, one per group
of results.  Nothing is trained here.  The PNGs carry no software version
or date, so the same results give the same bytes.  A results file that is
absent (an experiment not run) skips its figures with a note.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from plots import (  # noqa: E402
    architecture,
    classification,
    digits,
    evaluation,
    fashion,
    iris,
    optimizers,
    penalties,
    runge_fits,
    sensitivity,
)
from plots._style import load  # noqa: E402

MODULES = [iris, digits, sensitivity, optimizers, architecture, penalties,
           classification, evaluation, runge_fits, fashion]


def main():
    for module in MODULES:
        try:
            module.draw(load)
        except FileNotFoundError as missing:
            print(f"{module.__name__}: skipped, {Path(missing.filename).name} is absent")


if __name__ == "__main__":
    main()
