"""Models for the cases: pure, vectorised functions with units in their names or docstrings."""
