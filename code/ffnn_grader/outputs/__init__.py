"""What a teacher takes away from a graded class: :mod:`.gradebook` (a CSV
file, one row per student), :mod:`.feedback` (one HTML page per student),
:mod:`.summary` (the class at a glance: two figures and the common reasons
per exercise), with :mod:`.pages` (the HTML shell, escaping, the words a
student reads for each status) and :mod:`.records` (the grader's dicts read
once into typed records: a student, a file, a result).

Each writes through :func:`.pages.write`, which never follows a symbolic
link and never writes onto a file the grader was asked to grade.
"""
