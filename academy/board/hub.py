"""Registering the cohort board with JupyterHub: the ``services`` and ``load_roles`` entries.

The cohort's hub configuration (``deploy/hub/jupyterhub_config.py``) does::

    from academy.board.hub import hub_service
    services, roles = hub_service("/srv/pcia/board.sqlite", port=10101)
    c.JupyterHub.services += services
    c.JupyterHub.load_roles += roles
    # so a notebook's JUPYTERHUB_API_TOKEN can post answers (the AnswerBox widget):
    c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server",
                                     "access:services!service=board"]
    c.Spawner.environment = {"PCIA_BOARD_URL": "http://127.0.0.1:8000/services/board/"}  # the hub's public address

The hub starts the board itself (a managed service) and starts it again if it stops (the hub notices
within its poll interval, 30 seconds by default).
"""

from __future__ import annotations

import sys

SERVICE_NAME = "board"


def hub_service(db_path: str, port: int, faculty_group: str = "faculty",
                python: str = sys.executable) -> tuple[list[dict], list[dict]]:
    """The hub's ``services`` entries and ``load_roles`` entries for the cohort board.

    ``db_path``: the board's SQLite file (kept across restarts; the cookie key is kept beside it).
    ``port``: where the board listens, on 127.0.0.1 (the hub's proxy forwards /services/board/ to it).
    ``faculty_group``: the hub group whose members are faculty on the board.

    Roles granted:

    - ``user`` (every hub user): their own account (``self``, the hub's default) and
      ``access:services!service=board``, so they can sign in to the board and a token of theirs can
      post. A hub configuration that defines its own ``user`` role must add this scope to it instead.
    - ``board-service`` (the board's own token): ``read:groups!group=<faculty_group>``, to look up who
      is faculty. (A user model the board gets from a delegate's token or OAuth cookie carries no
      ``groups`` unless that token holds ``read:users:groups``, which notebook tokens do not, so the board
      asks the hub about the group with its own token instead.)
    """
    service = {
        "name": SERVICE_NAME,
        "display": True,
        "info": {"display_name": "Cohort board"},
        "url": f"http://127.0.0.1:{port}",
        "command": [python, "-m", "academy.board", "--db", str(db_path), "--faculty-group", faculty_group],
        "oauth_no_confirm": True,
    }
    roles = [
        {"name": "user", "description": "Standard user privileges, and the cohort board",
         "scopes": ["self", f"access:services!service={SERVICE_NAME}"]},
        {"name": "board-service", "description": "The cohort board: who is faculty",
         "scopes": [f"read:groups!group={faculty_group}"], "services": [SERVICE_NAME]},
    ]
    return [service], roles
