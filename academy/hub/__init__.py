"""The cohort's JupyterHub on one machine: accounts from the roster, each user's capped server, and the
launcher `make hub` runs (python -m academy.hub)."""
