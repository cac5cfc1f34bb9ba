"""Talking to the cohort board from a notebook: its address and the hub token come from the environment
a hub gives every delegate's server (``PCIA_BOARD_URL``, ``JUPYTERHUB_API_TOKEN``)."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 10.0
"""How long a notebook waits for the board before saying it could not reach it, in seconds."""
NOT_ON_HUB = ("This notebook is not running on the cohort's hub, so it cannot reach the cohort board. "
              "Open the notebook from the hub to send answers.")


class BoardUnavailable(RuntimeError):
    """The board could not be asked or refused the request; the message is a sentence to show as it is."""


def board_address(board_url: str | None = None, token: str | None = None) -> tuple[str, str]:
    """The board's URL (ending in /) and the hub token to use; BoardUnavailable (NOT_ON_HUB) without them."""
    url = board_url or os.environ.get("PCIA_BOARD_URL", "")
    token = token or os.environ.get("JUPYTERHUB_API_TOKEN", "")
    if not url or not token:
        raise BoardUnavailable(NOT_ON_HUB)
    return url.rstrip("/") + "/", token


def board_call(path: str, data: dict | None = None, board_url: str | None = None, token: str | None = None,
               raw: bool = False):
    """GET (or, with ``data``, POST as JSON) ``path`` under the board's URL with the hub token; return the
    JSON answer (or with ``raw`` the text). A refusal or an unreachable board raises BoardUnavailable with
    the board's reason or a sentence saying what happened."""
    url, token = board_address(board_url, token)
    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(url + path, data=body, method="GET" if data is None else "POST",
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            text = response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        try:
            reason = json.loads(error.read()).get("reason")
        except ValueError:
            reason = None
        if error.code in (401, 403) and not reason:
            reason = "The board did not accept this notebook's hub token: restart the server from the hub's home page."
        raise BoardUnavailable(reason or f"The board answered with an error ({error.code}).") from None
    except (urllib.error.URLError, OSError) as error:
        raise BoardUnavailable(f"The board could not be reached ({getattr(error, 'reason', error)}). "
                               "Try again in a moment.") from None
    return text if raw else json.loads(text)
