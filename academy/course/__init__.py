"""Course operations for the nbgrader course in ``exercises/``: what runs when a cohort is graded."""
