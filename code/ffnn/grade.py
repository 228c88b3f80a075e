"""``python -m ffnn.grade PATH [PATH ...] [--json OUT]``: grade submissions.

PATH is a notebook (``.ipynb``), a script (``.py``) or a folder of them.
Prints one table per submission (exercise, points, status, reason) and,
for several, a summary.  The exit status is 0 when grading ran, whatever
the marks; 2 when it could not (a missing or unreadable file, bad
arguments).  See :mod:`ffnn.grading` for how submissions are contained.
"""

import argparse
import sys

from ffnn.grading import GradeError, grade_paths
from ffnn.grading.exercises import EXERCISES
from ffnn.grading.report import summary, table, to_json
from ffnn.grading.sandbox import Limits


def _positive(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m ffnn.grade",
        description="Grade week-41/42 notebooks or scripts against the ffnn reference.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="a .ipynb notebook, a .py script or a folder of them")
    parser.add_argument("--json", metavar="OUT", help="also write the grades to this JSON file")
    parser.add_argument("--exercise", action="append", choices=list(EXERCISES), metavar="ID",
                        help="grade only this exercise (repeatable), e.g. w42-6")
    parser.add_argument("--cell-timeout", type=_positive, default=Limits.cell_timeout,
                        help="seconds each cell may run (default %(default)s)")
    parser.add_argument("--check-timeout", type=_positive, default=Limits.check_timeout,
                        help="seconds each exercise's check may run (default %(default)s)")
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb,
                        help="memory a submission may allocate, in MB (default %(default)s)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    limits = Limits(cell_timeout=args.cell_timeout, check_timeout=args.check_timeout,
                    memory_mb=args.memory_mb)

    def show(result):
        print(table(result), end="\n\n", flush=True)

    try:
        graded, errors = grade_paths(args.paths, limits, args.exercise, on_result=show)
    except GradeError as error:
        print(f"ffnn.grade: {error}", file=sys.stderr)
        return 2
    if len(graded) > 1:
        print(summary(graded))
    for error in errors:
        print(f"ffnn.grade: {error}", file=sys.stderr)
    if args.json:
        try:
            with open(args.json, "w") as handle:
                handle.write(to_json(graded, errors) + "\n")
        except OSError as error:
            print(f"ffnn.grade: cannot write {args.json}: {error}", file=sys.stderr)
            return 2
    return 2 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
