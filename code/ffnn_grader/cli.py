"""``ffnn-grade PATH [PATH ...] [--json OUT]``: grade submissions.

PATH is a notebook (``.ipynb``), a script (``.py``) or a folder of them.
Prints which sandbox ran the submissions, one table per submission
(exercise, points, status, reason) and, for several, a summary.  With
``--json`` the file is written whatever happens (the errors listed in it).
The exit status is 0 when grading ran, whatever the marks; 2 when it could
not (a missing or unreadable file, bad arguments, no sandbox).  The
student's code runs only in a bubblewrap sandbox (:mod:`ffnn_grader.trusted.sandbox`);
``--no-sandbox`` runs it as the teacher, for trusted submissions only.

Start it as ``ffnn-grade``, ``make grade`` or ``python -P -m ffnn.grade``:
``-P`` keeps the working directory off ``sys.path``, so a file there named
like a module (``argparse.py``) is not imported by the grader itself.
"""

import argparse
import sys

from ffnn_grader import GradeError, grade_paths
from ffnn_grader.trusted.exercises import EXERCISES
from ffnn_grader.trusted.report import clean, summary, table, to_json
from ffnn_grader.trusted.sandbox import NAMESPACES_HINT, Limits, SandboxUnavailable, launcher


def _positive(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="ffnn-grade",
        description="Grade week-41/42 notebooks or scripts against the ffnn reference.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="a .ipynb notebook, a .py script or a folder of them")
    parser.add_argument("--json", metavar="OUT", help="also write the grades to this JSON file")
    parser.add_argument("--week", type=int, choices=(41, 42),
                        help="grade every file as this week's exercises (default: the weeks "
                             "each file's content shows)")
    parser.add_argument("--exercise", action="append", choices=list(EXERCISES), metavar="ID",
                        help="grade only this exercise (repeatable), e.g. w42-6")
    parser.add_argument("--cell-timeout", type=_positive, default=Limits.cell_timeout,
                        help="seconds each cell may run (default %(default)s)")
    parser.add_argument("--check-timeout", type=_positive, default=Limits.check_timeout,
                        help="seconds each exercise's check may run (default %(default)s)")
    parser.add_argument("--submission-timeout", type=_positive, default=Limits.submission_timeout,
                        help="seconds one submission may take in all (default %(default)s)")
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb,
                        help="memory a submission may allocate, in MB (default %(default)s)")
    parser.add_argument("--jobs", type=int, default=2,
                        help="submissions graded at a time, each in its own sandbox (default %(default)s)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run the submissions without a sandbox, with your rights: "
                             "only for code you trust")
    return parser.parse_args(argv)


def _write_json(path, graded, errors, sandbox):
    try:
        with open(path, "w") as handle:
            handle.write(to_json(graded, errors, sandbox) + "\n")
    except OSError as error:
        print(f"ffnn-grade: cannot write {clean(path)}: {clean(error)}", file=sys.stderr)
        return False
    return True


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    limits = Limits(cell_timeout=args.cell_timeout, check_timeout=args.check_timeout,
                    submission_timeout=args.submission_timeout, memory_mb=args.memory_mb)
    graded, errors = [], []
    try:
        sandbox = launcher(limits, sandbox=not args.no_sandbox)
        try:
            sandbox.start()
        except OSError as error:
            raise SandboxUnavailable(f"{error}: {NAMESPACES_HINT}, or pass --no-sandbox to run "
                                     "trusted submissions without one") from None
    except SandboxUnavailable as error:
        print(f"ffnn-grade: {clean(error)}", file=sys.stderr)
        if args.json:
            _write_json(args.json, graded, [str(error)], None)
        return 2
    print(f"sandbox: {sandbox.description}", end="\n\n", flush=True)

    def show(result):
        graded.append(result)
        print(table(result), end="\n\n", flush=True)

    status = 0
    try:
        _, errors = grade_paths(args.paths, limits, args.exercise, on_result=show, sandbox=sandbox,
                                  week=args.week, jobs=args.jobs)
    except GradeError as error:
        errors, status = [str(error)], 2
    except Exception as error:  # noqa: BLE001 - a bug of ours: say so, keep what was graded
        errors, status = [f"internal error of the grader: {type(error).__name__}: {error}"], 2
    finally:
        if args.json and not _write_json(args.json, graded, errors, sandbox.description):
            status = 2
    if len(graded) > 1:
        print(summary(graded))
    if args.no_sandbox and graded:
        print(f"sandbox: {sandbox.description}")
    for error in errors:
        print(f"ffnn-grade: {clean(error)}", file=sys.stderr)
    return 2 if errors else status


if __name__ == "__main__":
    sys.exit(main())
