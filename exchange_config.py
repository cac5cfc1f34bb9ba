"""The exchange JupyterLab's Assignments tab uses, for `make lab` and for anyone using the kit's virtualenv.

The tab (nbgrader's extension) reads nbgrader's settings from Jupyter's configuration folders, and `make`
puts a file there (.venv/etc/jupyter/nbgrader_config.py) that loads this one. It holds only the
exchange's settings, so it cannot point another course's nbgrader at the kit's gradebook. Without it the
tab says "Error fetching courses": nbgrader's default exchange, /usr/local/share/nbgrader/exchange,
does not exist on a new machine. On one machine the exchange is a folder in the kit, made by `make lab`;
fetched assignments go to my_assignments/ (git ignores both). A course machine or hub shares one
exchange between its users: set PCIA_EXCHANGE to it (exercises/nbgrader_config.py reads the same
variable, so `academy release` puts assignments where this tab looks).
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (nbgrader provides get_config when it reads this file)

KIT = Path(__file__).resolve().parent
c.CourseDirectory.course_id = "pcia"
c.Exchange.root = os.environ.get("PCIA_EXCHANGE", str(KIT / ".exchange"))
c.Exchange.assignment_dir = os.environ.get("PCIA_MY_ASSIGNMENTS", str(KIT / "my_assignments"))
# The tab changes into this folder before it lists anything: make it if it is missing.
Path(c.Exchange.assignment_dir).mkdir(parents=True, exist_ok=True)
