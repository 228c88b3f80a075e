"""``ffnn-grade [OPTIONS] [--] PATH [PATH ...]``: grade submissions.

PATH is a notebook (``.ipynb``), a script (``.py``) or a class folder:
flat, or one folder per student (:mod:`ffnn_grader.trusted.classfolder`).
Prints which sandbox ran the submissions, one table per file graded
(exercise, points, status, reason), one row per student (total, the file
counted for each week) and every file not graded with the reason.  With
``--json`` the file is written whatever happens (the errors listed in it);
``--csv``, ``--feedback`` and ``--summary`` write the gradebook, one page
per student and the class summary (:mod:`ffnn_grader.outputs`).

A file name starting with ``-`` is read as a file only after ``--``:
before it, an argument that both starts with ``-`` and names an existing
file (``--json=alice.py``, from a shell glob) is refused, never taken as
an option.  Symbolic links are refused wherever they are, on the command
line too.  Names mixing scripts, or reading like another name, are printed
escaped and flagged (:mod:`ffnn_grader.trusted.names`).
The exit status is 0 when grading ran, whatever the marks; 2 when it could
not (a missing or unreadable file, bad arguments, no sandbox).  The
student's code runs only in a bubblewrap sandbox (:mod:`ffnn_grader.trusted.sandbox`);
``--no-sandbox`` runs it as the teacher, for trusted submissions only.

Start it as ``ffnn-grade``, ``make grade`` or ``python -P -m ffnn.grade``:
``-P`` keeps the working directory off ``sys.path``, so a file there named
like a module (``argparse.py``) is not imported by the grader itself.
"""

import argparse
import os
import sys

from ffnn_grader import GradeError
from ffnn_grader.outputs.feedback import write_feedback
from ffnn_grader.outputs.gradebook import write_csv
from ffnn_grader.outputs.summary import write_summary
from ffnn_grader.trusted.exercises import EXERCISES
from ffnn_grader.trusted.grader import grade_class
from ffnn_grader.trusted.names import look_alikes, shown
from ffnn_grader.trusted.report import clean, files_list, students_table, table, to_json
from ffnn_grader.outputs.pages import write
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
                        help="a .ipynb notebook, a .py script or a class folder (flat, or one "
                             "folder per student); put names starting with '-' after '--'")
    parser.add_argument("--json", metavar="OUT", help="also write the grades to this JSON file")
    parser.add_argument("--csv", metavar="FILE",
                        help="write the gradebook: one row per student, one column per exercise")
    parser.add_argument("--feedback", metavar="DIR", help="write one HTML page per student into DIR")
    parser.add_argument("--summary", metavar="DIR",
                        help="write the class summary (index.html and two figures) into DIR")
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
    return parser.parse_args(_refuse_file_options(parser, argv))


def _refuse_file_options(parser, argv):
    """``argv``, or a usage error when an argument before ``--`` starts with ``-`` and names
    an existing file: a shell glob's ``--json=alice.py`` must never be taken as an option."""
    for arg in argv:
        if arg == "--":
            break
        if arg.startswith("-") and os.path.lexists(arg):
            parser.error(f"{shown(clean(arg))!r} is a file whose name starts with '-': refused as an "
                         "option; put file names after '--' (ffnn-grade --json out.json -- *.py), "
                         "or give the folder instead of a glob")
    return argv


def _write(what, path, action):
    """Run ``action`` (one output); False, with a message, when it cannot be written."""
    try:
        action()
    except OSError as error:
        print(f"ffnn-grade: cannot write the {what} {clean(path)}: {clean(error)}", file=sys.stderr)
        return False
    return True


def _outputs(args, students, files, errors, sandbox):
    """Write every output asked for; False when one could not be."""
    refused = [f["path"] for f in files]
    ok = True
    if args.json:
        graded = [f for f in files if f["results"]]  # every file run, counted or not
        text = to_json(graded, errors, sandbox, students, files) + "\n"
        ok &= _write("JSON file", args.json, lambda: write(args.json, text, refused))
    if args.csv:
        ok &= _write("gradebook", args.csv, lambda: write_csv(args.csv, students, refused))
    if args.feedback:
        ok &= _write("feedback pages", args.feedback,
                     lambda: print(f"feedback: {len(write_feedback(args.feedback, students, refused))} "
                                   f"pages in {clean(args.feedback)}"))
    if args.summary:
        ok &= _write("summary", args.summary,
                     lambda: print(f"summary: {clean(write_summary(args.summary, students, files, refused))}"))
    return ok


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
            _write("JSON file", args.json, lambda: write(args.json, to_json([], [str(error)]) + "\n"))
        return 2
    print(f"sandbox: {sandbox.description}", end="\n\n", flush=True)
    flagged = set()

    def show(result):
        graded.append(result)
        print(table(result, flagged=flagged), end="\n\n", flush=True)

    status, students, files = 0, [], []
    try:
        students, files, errors = grade_class(args.paths, limits, args.exercise, on_result=show,
                                              sandbox=sandbox, week=args.week, jobs=args.jobs)
    except GradeError as error:
        errors, status = [str(error)], 2
    except Exception as error:  # noqa: BLE001 - a bug of ours: say so, keep what was graded
        errors, status = [f"internal error of the grader: {type(error).__name__}: {error}"], 2
    finally:
        if not _outputs(args, students, files, errors, sandbox.description):
            status = 2
    alike = look_alikes([s.name for s in students]) + look_alikes([f["file"] for f in files])
    flagged.update(name for group in alike for name in group)
    if students:
        print(students_table(students, flagged))
    if not_graded := files_list(files, flagged):
        print(not_graded)
    for group in alike:
        print("warning: these names read alike: " + ", ".join(clean(shown(n, flagged)) for n in group))
    if args.no_sandbox and graded:
        print(f"sandbox: {sandbox.description}")
    for error in errors:
        print(f"ffnn-grade: {clean(error)}", file=sys.stderr)
    return 2 if errors else status


if __name__ == "__main__":
    sys.exit(main())
