"""nbgrader configuration for the Primary Care Innovation Academy's graded exercises.

This folder, ``exercises/``, is the nbgrader course root. Run nbgrader commands from here, with the
kit's virtualenv activated:

    cd exercises
    source ../.venv/bin/activate
    nbgrader generate_assignment law_firm_scale     # source/ -> release/
    nbgrader autograde law_firm_scale               # submitted/ -> autograded/
    nbgrader generate_feedback law_firm_scale       # autograded/ -> feedback/

Activate it, rather than call ../.venv/bin/nbgrader: the first time nbgrader creates a gradebook it runs
the ``alembic`` command by name (nbgrader/api.py, ``get_alembic_version``) and fails with "No such file
or directory: 'alembic'" unless the virtualenv's bin/ is on PATH.

Layout (nbgrader's standard one):

    source/<assignment>/<notebook>.ipynb       the instructor version, with solutions and hidden tests (committed)
    release/<assignment>/                       what delegates get; made by generate_assignment (never committed)
    submitted/<delegate>/<assignment>/          what delegates hand in (never committed: it is their work)
    autograded/, feedback/                      made by autograde and generate_feedback (never committed)

Only ``source/`` and this file belong in the repository; ``.gitignore`` keeps the rest, and every
``*.db`` in this folder, out of it.
"""

import os
from pathlib import Path

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades

from academy.course.feedback import HideHiddenTests

c = get_config()  # noqa: F821 (nbgrader provides get_config when it reads this file)

# The course root is the folder this file is in, wherever the repository is cloned.
COURSE_ROOT = Path(__file__).resolve().parent

c.CourseDirectory.course_id = "pcia"  # Primary Care Innovation Academy
c.CourseDirectory.root = str(COURSE_ROOT)
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# The gradebook (delegates' scores) is a SQLite file in this folder, ignored by git (exercises/*.db):
# it holds personal data and must never be committed. To keep a cohort's gradebook somewhere else
# (for example on the course machine's backed-up disk) pass --CourseDirectory.db_url=sqlite:////path/to/file.db.
# The book's release step (make release) passes --no-db or its own --CourseDirectory.db_url, a *.db file here, ignored too.
c.CourseDirectory.db_url = f"sqlite:///{COURSE_ROOT / 'gradebook.db'}"

# Never copy notebook checkpoints, caches or stray gradebooks into a release or a submission.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.db", ".DS_Store"]

# What a delegate sees where an answer goes. Plain words for readers who are not programmers; the
# second line stops the notebook there, so an unanswered question fails its checks instead of
# running on with a missing answer. The book's tests look for these words in the released page.
c.ClearSolutions.code_stub = {
    "python": "# YOUR ANSWER HERE (replace this line and the next with your answer)\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Generating an assignment also records it, and its grade cells, in the gradebook.
c.GenerateAssignment.create_assignment = True

# Autograding runs every notebook from top to bottom. Loading the case data and the models takes a
# few seconds; allow a slow course machine two minutes for any one cell before it is stopped.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

# Feedback shows each check's message, never the hidden tests or a traceback quoting them: nbgrader's
# own feedback would (nbgrader issue 917). See academy/course/feedback.py.
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]

# Timestamps of fetches and submissions in UK time (deadlines are set in UK time).
c.Exchange.timezone = "Europe/London"

# The filesystem exchange through which delegates fetch and submit: on one machine a folder in the kit
# (made by `make lab`), where JupyterLab's Assignments tab looks too (../exchange_config.py); on a course
# machine or hub, one folder all users share, writable by everyone, named by PCIA_EXCHANGE.
# If every delegate works under one Unix account, uncomment the next line, and submit with
# --student=<delegate id> (nbgrader's exchange checks that a submission belongs to the user who collects it):
# c.ExchangeCollect.check_owner = False
c.Exchange.root = os.environ.get("PCIA_EXCHANGE", str(COURSE_ROOT.parent / ".exchange"))
