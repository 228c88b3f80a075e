"""Inside the sandbox: an error of the student's code as the short text sent to the grader.

Standalone (no imports but the standard library), loaded by :mod:`.agent`.
Each function survives an exception whose name or message itself raises,
and bounds the text's length.
"""

import traceback


def type_name(error):
    try:
        return str(type(error).__name__)[:100]
    except BaseException:  # noqa: BLE001 - a class whose name itself raises
        return "Exception"


def message(error):
    try:
        return str(error)[:2000]
    except BaseException:  # noqa: BLE001
        return ""


def one_line(error, filename=None):
    try:
        text = f"{type_name(error)}: {error}".strip().splitlines()
    except BaseException:  # noqa: BLE001 - an exception whose message itself raises
        text = []
    line = text[0] if text else type_name(error)
    if filename:
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if frame.filename == filename:
                line += f" (line {frame.lineno})"
                break
    return line if len(line) <= 300 else line[:297] + "..."
