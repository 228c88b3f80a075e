"""A class download as the grader finds it: every file, whose it is, and what is done with it.

Two layouts, mixed freely (the usual downloads of Canvas, Devilry and
nbgrader's ``submitted/<student>/<assignment>/``):

* a *flat* folder: each file directly in it is one student's hand-in, the
  student named by the file's name without its suffix;
* one folder per student: every file at any depth below a top-level
  folder is that student's (the student is the folder's name).

Each file is read once, without following a symbolic link, and given a
:class:`Found` record saying what is done with it: graded as a notebook or
a script, or not graded with the reason (a symbolic link, not a notebook
or a script, unreadable, too large, empty, a duplicate of another file of
the same student, a helper module another of the student's files
imports).  Files whose name hides a notebook (``.IPYNB``, ``.ipynb.txt``, a
``.json`` holding a notebook's cells) are graded as one, and the record
says so.  Nothing found is dropped: the command line lists every record.
"""

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 20 * 2**20  # a file larger than this is not read
KEPT_BYTES = 2**20  # a file not graded is kept (for the student's sandbox) up to this size
NOTEBOOK, SCRIPT = "notebook", "script"


@dataclass
class Found:
    """One file of the class folder and what the grader does with it."""

    path: Path  # as found (the command line's argument joined with the path below it)
    student: str  # who handed it in
    relative: str  # its path inside the student's folder (the file name for a flat folder)
    kind: str | None = None  # NOTEBOOK or SCRIPT when graded, else None
    note: str = ""  # how it was read ("read as a notebook: ...") or why it is not graded
    error: bool = False  # it looks like a hand-in but cannot be graded: the teacher must look
    data: bytes = field(default=b"", repr=False)  # its content, read once

    @property
    def graded(self):
        return self.kind is not None


@dataclass
class StudentFolder:
    """One student's files; ``folder`` is None in a flat folder (no folder of their own)."""

    name: str
    folder: Path | None
    files: list = field(default_factory=list)

    def helpers(self):
        """``{relative path: content}`` of every readable file of the student's folder, graded or
        not (a script run with ``exec(open(...).read())``, a data file): see :mod:`.grader`."""
        return {f.relative: f.data for f in self.files if f.data and not f.error}


def _read(path):
    """The file's bytes, never through a symbolic link; ``(data, None)`` or ``(None, reason)``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if os.path.islink(path):
            return None, "a symbolic link: not followed, not graded"
        return None, f"unreadable ({error.strerror})"
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file: not graded"
        if info.st_size > MAX_BYTES:
            return None, f"too large to be a hand-in ({info.st_size // 2**20} MB): not graded"
        return handle.read(MAX_BYTES + 1)[:MAX_BYTES], None


def _is_notebook(data):
    try:
        content = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(content, dict) and isinstance(content.get("cells"), list)


_COPIES = {".ipynb_checkpoints": "a Jupyter autosave copy (in .ipynb_checkpoints): not graded",
           "__MACOSX": "a macOS archive's resource file (in __MACOSX): not graded"}


def classify(found):
    """Fill in ``found.kind`` and ``found.note`` from its name and content."""
    name = found.path.name
    lower = name.lower()
    copy = next((_COPIES[part] for part in Path(found.relative).parts if part in _COPIES), None)
    data, reason = _read(found.path)
    if copy and data is not None:  # read (it exists and is no link) but not kept
        found.note = copy
        return found
    if data is None:
        found.note, found.error = reason, True
        return found
    found.data = data
    if lower.endswith(".ipynb") or lower.endswith(".ipynb.txt") or lower.endswith(".json"):
        if _is_notebook(data):
            found.kind = NOTEBOOK
            if not name.endswith(".ipynb"):
                found.note = f"read as a notebook (the name ends in {name[name.index('.'):]!r})"
        elif lower.endswith(".json"):
            found.note = "a .json file that holds no notebook: not graded"
        else:
            found.note, found.error = "not a Jupyter notebook (its content is not a notebook's JSON)", True
    elif lower.endswith(".py"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            found.note, found.error = "unreadable: not UTF-8 text", True
            return found
        found.kind = SCRIPT
        if not name.endswith(".py"):
            found.note = f"read as a Python script (the name ends in {name[name.rindex('.'):]!r})"
    else:
        suffix = "".join(Path(name).suffixes) or "no suffix"
        found.note = f"not a notebook or a Python script ({suffix}): not graded"
    if found.graded and not data.strip():
        found.kind, found.note = None, "empty file: nothing to grade"
    if not found.graded and len(data) > KEPT_BYTES:
        found.data = b""  # listed, not kept: a class download may hold videos
    return found


def _linked_below(top, path):
    parts = path.relative_to(top).parts
    return any(top.joinpath(*parts[:i + 1]).is_symlink() for i in range(len(parts) - 1))


def _walk(folder):
    """Every entry below ``folder``, links listed but never entered."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(files) + sorted(d for d in dirs if os.path.islink(os.path.join(root, d))):
            yield Path(root) / name


def _stem(name):
    for suffix in (".ipynb.txt",):
        if name.lower().endswith(suffix):
            return name[:-len(suffix)]
    return name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name


def find(paths):
    """The students and their files under ``paths`` (files or folders), in name order.

    Raises :class:`FileNotFoundError` for a path that does not exist.  A
    symbolic link given as a path is listed and refused like one found below.
    """
    students = {}

    def add(student, folder, path, relative):
        entry = students.setdefault((student, folder), StudentFolder(student, folder))
        entry.files.append(classify(Found(path, student, relative)))

    for path in map(Path, paths):
        if path.is_symlink():
            add(_stem(path.name), None, path, path.name)
        elif path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_dir() and not child.is_symlink():
                    for below in _walk(child):
                        add(child.name, child, below, str(below.relative_to(child)))
                else:
                    add(_stem(child.name), None, child, child.name)
        elif path.exists():
            add(_stem(path.name), None, path, path.name)
            given = students[(_stem(path.name), None)].files[-1]
            if not given.graded and not given.error:  # named on the command line: meant to be graded
                given.note, given.error = f"expected a .ipynb notebook or a .py file ({given.note})", True
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    for student in students.values():
        _settle(student)
    return sorted(students.values(), key=lambda s: (s.name.casefold(), s.name))


_IMPORT = re.compile(rb"(?:^|[\s\"'\\n;])(?:from|import)\s+([A-Za-z_]\w*)")


def _settle(student):
    """Duplicates and imported helper modules of one student are read, not graded."""
    student.files.sort(key=lambda f: f.relative)
    seen = {}
    for f in student.files:
        if not f.graded:
            continue
        digest = hashlib.sha256(f.data).hexdigest()
        if digest in seen:
            f.kind, f.note = None, f"the same content as {seen[digest]}: graded once, as that file"
        else:
            seen[digest] = f.relative
    if student.folder is None:
        return
    imported = {m.decode() for f in student.files if f.graded for m in _IMPORT.findall(f.data)}
    for f in student.files:
        module = Path(f.relative).name[:-3] if f.relative.endswith(".py") else None
        if f.kind == SCRIPT and module in imported:
            f.kind, f.note = None, "a module the student's own code imports: available to it, not graded alone"
