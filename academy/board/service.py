"""The cohort board: a JupyterHub service (tornado) where delegates post answers and a projector shows them.

Who may do what (identity comes only from the hub, never from what a request says about itself):

- a browser signs in through the hub (OAuth; the board keeps the hub's access token in a cookie);
  a notebook kernel sends its ``JUPYTERHUB_API_TOKEN`` in an ``Authorization: token ...`` header. Either
  must carry the scope ``access:services!service=<board's name>``;
- faculty are the members of one hub group (``faculty`` unless configured): they add, open and close
  questions, show or hide each question's results to delegates, and see and export every answer;
- delegates post one answer per open question (a second post replaces the first), read back their own
  answer, and see a question's aggregate only once faculty have pressed "show results" for it. Nobody but
  faculty sees another delegate's raw answer.

Browser requests that change anything (POST) must carry the XSRF token the board's pages hold (header
``X-XSRFToken``), so a page on another site cannot post with a delegate's cookie; token-authenticated
requests from a kernel need no XSRF token. Refusals are JSON: ``{"status": 4xx, "reason": "..."}``.

URLs, under the service's prefix (``/services/board/`` behind the hub):

=====================================================  ==============================================
``GET  /``  (``?question=<id>`` to pin one)               the projected page: the live aggregate
``GET  /faculty``                                        faculty's page: add, open, close, show, export
``GET  api/me``                                          who you are to the board, and whether faculty
``GET  api/questions``                                   faculty: every question; delegates: open ones
``POST api/questions``                                   faculty: add a question (opened at once)
``GET  api/questions/<id>``                              one question
``POST api/questions/<id>/(open|close|show|hide)``       faculty: change its state
``POST api/questions/<id>/answer``  ``{"value": ...}``   post your answer (replaces your earlier one)
``GET  api/questions/<id>/answer``                       your own answer (404 if none)
``GET  api/questions/<id>/aggregate``                    the aggregate (delegates: once shown)
``GET  api/questions/<id>/answers`` (``.csv``)           faculty: every raw answer, JSON or CSV
``GET  api/events`` (``?question=<id>``)                 Server-Sent Events: the projected page's feed
=====================================================  ==============================================

Run it with ``python -m academy.board --db PATH [--faculty-group faculty]`` (the hub does, as a managed
service: see ``academy.board.hub``); it reads the environment a hub gives its services.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import os
import secrets
import time
from pathlib import Path
from urllib.parse import urlparse

from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated, UserNotAllowed
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.httpserver import HTTPServer
from tornado.iostream import StreamClosedError

from academy.board import store
from academy.board.aggregate import aggregate
from academy.board.answers import CSV_FORMULA_STARTS, AnswerRefused, checked_value

HERE = Path(__file__).resolve().parent
MAX_BODY_BYTES = 2048
"""Largest request body the API reads, in bytes: an answer is a number, a choice or a short sentence."""
FACULTY_CACHE_SECONDS = 10.0
"""How long the board trusts its last look at the faculty group's members, in seconds."""
EVENTS_KEEPALIVE_SECONDS = 15.0
"""Seconds between keep-alive comments on an idle event stream (so proxies do not close it)."""
EVENTS_LIFETIME_SECONDS = 600.0
"""An event stream ends after this many seconds; the browser reconnects by itself (EventSource)."""
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'")
"""The board's pages load nothing from any other host (the browser enforces it)."""

log = logging.getLogger("academy.board")


class Board:
    """What every request shares: the database, the hub's authentication, the faculty group, and a
    counter that moves on every change (the event streams wait on it)."""

    def __init__(self, db_path: str | Path, faculty_group: str, hub_auth: HubOAuth, service_name: str):
        self.db_path = Path(db_path)
        self.db = store.open_database(db_path)
        self.faculty_group = faculty_group
        self.hub_auth = hub_auth
        self.service_name = service_name
        self.version = 0
        self._changed = asyncio.Event()
        self._faculty: frozenset[str] = frozenset()
        self._faculty_checked_at = float("-inf")

    def changed(self) -> None:
        """Wake every event stream: something they show may have changed."""
        self.version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def next_change(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the next change; True if one came."""
        try:
            await asyncio.wait_for(self._changed.wait(), seconds)
            return True
        except asyncio.TimeoutError:
            return False

    async def faculty_names(self) -> frozenset[str]:
        """The hub names in the faculty group (asked of the hub at most every FACULTY_CACHE_SECONDS).

        Needs the board's own token to hold ``read:groups!group=<faculty group>``. A group the hub does not
        know means no faculty (and says so in the log)."""
        if time.monotonic() - self._faculty_checked_at < FACULTY_CACHE_SECONDS:
            return self._faculty
        url = f"{self.hub_auth.api_url.rstrip('/')}/groups/{self.faculty_group}"
        try:
            response = await AsyncHTTPClient().fetch(
                url, headers={"Authorization": f"token {self.hub_auth.api_token}"}, request_timeout=10)
            self._faculty = frozenset(json.loads(response.body).get("users", []))
        except HTTPClientError as error:
            if error.code != 404:
                raise web.HTTPError(503, reason=None, log_message=f"the hub answered {error.code} for {url}") from error
            log.warning("the hub has no group %r: nobody is faculty on the board", self.faculty_group)
            self._faculty = frozenset()
        self._faculty_checked_at = time.monotonic()
        return self._faculty


class BaseHandler(HubOAuthenticated, web.RequestHandler):
    """Identifies the hub user (token first, then the OAuth cookie with its XSRF check) before any method
    runs, without blocking the board while the hub answers; refusals as JSON."""

    board: Board

    def initialize(self, board: Board):
        self.board = board
        self.hub_auth = board.hub_auth

    async def prepare(self):
        self.not_allowed = False
        model = await self.hub_auth.get_user(self, sync=False)
        user = None
        if model and model.get("kind", "user") == "user":
            try:
                user = self.check_hub_user(model)
            except UserNotAllowed:
                self.not_allowed = True
        elif model:
            self.not_allowed = True  # a service's token: the board is for people
        if user and not getattr(self, "_token_authenticated", False) and self.request.method not in ("GET", "HEAD"):
            origin = self.request.headers.get("Origin")
            if origin and urlparse(origin).netloc != self.request.host:  # besides the XSRF token HubOAuth checks
                raise Refusal(403, "The board takes changes only from its own pages.")
        self.hub_model = model
        self._hub_auth_user_cache = user  # what tornado's current_user returns
        self.is_faculty = bool(user) and user["name"] in await self.board.faculty_names()

    def set_default_headers(self):
        self.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "same-origin")

    def require_user(self) -> str:
        """The hub name of whoever is asking; 401 (or 403 with no access to the board) if nobody."""
        if not self.current_user:
            if self.not_allowed:
                raise Refusal(403, "Your hub account does not have access to the cohort board.")
            raise Refusal(401, "Sign in through the hub first: the board did not recognise you.")
        return self.current_user["name"]

    def require_faculty(self) -> str:
        name = self.require_user()
        if not self.is_faculty:
            raise Refusal(403, f"Only faculty (members of the hub group '{self.board.faculty_group}') can do this.")
        return name

    def question(self, question_id: str) -> store.Question:
        question = store.question_by_id(self.board.db, int(question_id))
        if question is None:
            raise Refusal(404, f"There is no question {question_id} on the board.")
        return question

    def json_body(self) -> dict:
        """The request's JSON object; 413 if over MAX_BODY_BYTES, 400 if it is not a JSON object."""
        if len(self.request.body) > MAX_BODY_BYTES:
            raise Refusal(413, f"The request is {len(self.request.body):,} bytes: the board takes at most "
                               f"{MAX_BODY_BYTES:,} bytes (an answer is a number, a choice or a short sentence).")
        try:
            body = json.loads(self.request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise Refusal(400, "The request is not valid JSON: send {\"value\": ...}.") from None
        if not isinstance(body, dict):
            raise Refusal(400, "The request must be a JSON object, such as {\"value\": 12}.")
        return body

    def send_json(self, data, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps(data))

    def write_error(self, status_code: int, **kwargs):
        error = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(error, Refusal):
            reason = error.reason_text
        elif isinstance(error, web.HTTPError) and error.log_message and status_code < 500:
            reason = error.log_message % error.args if error.args else error.log_message
        elif status_code == 503:
            reason = "The board could not check with the hub just now: try again in a moment."
        elif status_code >= 500:
            reason = "Something went wrong on the board; the faculty can see the details in its log."
        else:
            reason = self._reason
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps({"status": status_code, "reason": reason}))


class Refusal(web.HTTPError):
    """A 4xx with a plain-English reason for the person (or notebook) that asked."""

    def __init__(self, status: int, reason_text: str):
        super().__init__(status)
        self.reason_text = reason_text


class PageHandler(BaseHandler):
    """A page for a browser: sends someone not yet signed in to the hub's sign-in (OAuth)."""

    template = ""

    def get_template_path(self):
        return str(HERE / "templates")

    def get(self):
        if not self.current_user:
            if self.not_allowed:
                raise Refusal(403, "Your hub account does not have access to the cohort board.")
            self.redirect(self.get_login_url())
            return
        self.render(self.template, prefix=self.hub_auth.base_url, xsrf=self.xsrf_token.decode("ascii"),
                    user=self.current_user["name"], faculty=self.is_faculty, group=self.board.faculty_group,
                    question=self.get_argument("question", ""))

    def write_error(self, status_code: int, **kwargs):
        error = kwargs.get("exc_info", (None, None, None))[1]
        reason = error.reason_text if isinstance(error, Refusal) else self._reason
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(f"<!doctype html><html lang=en-GB><title>Cohort board</title><p>{web.escape.xhtml_escape(reason)}</p></html>")


class ProjectedPage(PageHandler):
    template = "projected.html"


class FacultyPage(PageHandler):
    template = "faculty.html"

    def get(self):
        if self.current_user and not self.is_faculty:
            raise Refusal(403, f"This page is for faculty (members of the hub group '{self.board.faculty_group}').")
        super().get()


class MeHandler(BaseHandler):
    def get(self):
        name = self.require_user()
        # hub_groups: the groups in the user model the hub gave the board for this token (None if absent)
        self.send_json({"name": name, "faculty": self.is_faculty, "hub_groups": self.hub_model.get("groups")})


def _optional_number(body: dict, key: str) -> float | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Refusal(400, f"The {key} must be a number, or left out.")
    return float(value)


class QuestionsHandler(BaseHandler):
    def get(self):
        self.require_user()
        questions = store.all_questions(self.board.db) if self.is_faculty else store.open_questions(self.board.db)
        self.send_json({"questions": [q.as_dict() for q in questions]})

    def post(self):
        self.require_faculty()
        body = self.json_body()
        choices = body.get("choices") or []
        if not isinstance(choices, list):
            raise Refusal(400, "The choices must be a list of short texts.")
        try:
            question = store.new_question(
                self.board.db, prompt=str(body.get("prompt", "")), kind=str(body.get("kind", "")), choices=choices,
                unit=str(body.get("unit") or ""), minimum=_optional_number(body, "minimum"),
                maximum=_optional_number(body, "maximum"), round=str(body.get("round") or ""),
                is_open=bool(body.get("open", True)))
        except ValueError as error:
            raise Refusal(400, str(error)) from None
        self.board.changed()
        self.send_json(question.as_dict(), status=201)


class QuestionHandler(BaseHandler):
    def get(self, question_id):
        self.require_user()
        self.send_json(self.question(question_id).as_dict())


class QuestionStateHandler(BaseHandler):
    STATES = {"open": {"is_open": True}, "close": {"is_open": False},
              "show": {"results_shown": True}, "hide": {"results_shown": False}}

    def post(self, question_id, action):
        self.require_faculty()
        self.question(question_id)
        question = store.question_with_state(self.board.db, int(question_id), **self.STATES[action])
        self.board.changed()
        self.send_json(question.as_dict())


class AnswerHandler(BaseHandler):
    def get(self, question_id):
        name = self.require_user()
        self.question(question_id)
        answer = store.answer_of(self.board.db, int(question_id), name)
        if answer is None:
            raise Refusal(404, "You have not answered this question yet.")
        self.send_json({"question_id": answer.question_id, "user": answer.user_name, "value": answer.value,
                        "answered_at": answer.answered_at})

    def post(self, question_id):
        name = self.require_user()  # from the hub: any "user" in the body is ignored
        body = self.json_body()
        question = self.question(question_id)
        if "value" not in body:
            raise Refusal(400, "The request has no answer: send {\"value\": ...}.")
        try:
            value = checked_value(question, body["value"])
        except AnswerRefused as refused:
            raise Refusal(refused.status, refused.reason) from None
        replaced = store.stored_answer(self.board.db, question.id, name, value)  # committed (durable) here
        self.board.changed()
        self.send_json({"stored": True, "question_id": question.id, "user": name, "value": value,
                        "replaced": replaced,
                        "message": "Your answer has been received" + (" (it replaces your earlier one)." if replaced else ".")})


def visible_aggregate(board: Board, question: store.Question, faculty: bool) -> dict:
    """The aggregate, or for a delegate before faculty show the results, the question and a note."""
    if not faculty and not question.results_shown:
        return {"question": question.as_dict(), "kind": question.kind, "hidden": True,
                "count": store.answer_count(board.db, question.id)}
    return aggregate(question, [a.value for a in store.answers_to(board.db, question.id)])


class AggregateHandler(BaseHandler):
    def get(self, question_id):
        self.require_user()
        question = self.question(question_id)
        if not self.is_faculty and not question.results_shown:
            raise Refusal(403, "The results of this question are not shown to delegates yet.")
        self.send_json(visible_aggregate(self.board, question, True))


def answers_csv(question: store.Question, answers: list[store.Answer]) -> str:
    """The answers to one question as CSV: question_id, round, kind, prompt, user, value, answered_at."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["question_id", "round", "kind", "prompt", "user", "value", "answered_at"])
    for answer in answers:
        value = answer.value
        if question.kind != "number" and str(value).startswith(CSV_FORMULA_STARTS):
            value = "'" + str(value)
        elif question.kind == "number":
            value = repr(float(value))
        writer.writerow([question.id, question.round, question.kind, question.prompt, answer.user_name, value,
                         answer.answered_at])
    return out.getvalue()


class AnswersHandler(BaseHandler):
    def get(self, question_id, extension):
        self.require_faculty()
        question = self.question(question_id)
        answers = store.answers_to(self.board.db, question.id)
        if extension == ".csv":
            self.set_header("Content-Type", "text/csv; charset=UTF-8")
            self.set_header("Content-Disposition", f'attachment; filename="board-question-{question.id}.csv"')
            self.finish(answers_csv(question, answers))
            return
        self.send_json({"question": question.as_dict(), "answers": [
            {"user": a.user_name, "value": a.value, "answered_at": a.answered_at} for a in answers]})


class EventsHandler(BaseHandler):
    """Server-Sent Events for the projected page: one ``data:`` line of JSON whenever what this viewer
    may see changes (the question pinned by ``?question=<id>``, else the newest open question, else the
    newest question). Ends after EVENTS_LIFETIME_SECONDS; the browser reconnects by itself."""

    def on_connection_close(self):
        self.closed = True

    def payload(self, pinned: str) -> dict:
        if pinned:
            question = self.question(pinned)
        else:
            questions = store.open_questions(self.board.db) or store.all_questions(self.board.db)
            if not questions:
                return {"question": None}
            question = questions[0]
        return visible_aggregate(self.board, question, self.is_faculty)

    async def get(self):
        self.require_user()
        pinned = self.get_argument("question", "")
        self.payload(pinned)  # 404 before the stream starts, for an unknown question
        self.closed = False
        self.set_header("Content-Type", "text/event-stream; charset=UTF-8")
        self.set_header("X-Accel-Buffering", "no")
        sent, ends_at = None, time.monotonic() + EVENTS_LIFETIME_SECONDS
        try:
            while not self.closed and time.monotonic() < ends_at:
                text = json.dumps(self.payload(pinned))
                if text != sent:
                    self.write(f"data: {text}\n\n")
                    sent = text
                else:
                    self.write(": still here\n\n")
                await self.flush()
                await self.board.next_change(EVENTS_KEEPALIVE_SECONDS)
        except StreamClosedError:
            return
        except Refusal:  # the question went away under the stream
            return


def make_app(board: Board) -> web.Application:
    """The board's tornado application, under the hub's prefix for the service."""
    prefix = board.hub_auth.base_url
    api = prefix + "api/"
    handlers = [
        (prefix, ProjectedPage, {"board": board}),
        (prefix + "faculty", FacultyPage, {"board": board}),
        (prefix + "oauth_callback", HubOAuthCallbackHandler),
        (api + "me", MeHandler, {"board": board}),
        (api + "questions", QuestionsHandler, {"board": board}),
        (api + r"questions/(\d+)", QuestionHandler, {"board": board}),
        (api + r"questions/(\d+)/(open|close|show|hide)", QuestionStateHandler, {"board": board}),
        (api + r"questions/(\d+)/answer", AnswerHandler, {"board": board}),
        (api + r"questions/(\d+)/aggregate", AggregateHandler, {"board": board}),
        (api + r"questions/(\d+)/answers(\.csv|\.json)?", AnswersHandler, {"board": board}),
        (api + "events", EventsHandler, {"board": board}),
    ]
    return web.Application(handlers, cookie_secret=_cookie_secret(board), hub_auth=board.hub_auth,
                           default_handler_class=NotFound, default_handler_args={"board": board},
                           static_path=str(HERE / "static"), static_url_prefix=prefix + "static/")


class NotFound(BaseHandler):
    def prepare(self):
        raise Refusal(404, "The board has no such page.")


def _cookie_secret(board: Board) -> bytes:
    """The key signing the board's sign-in cookies: kept beside the database (created once, readable by
    the board's account alone), so a restart of the board does not sign everyone out."""
    path = board.db_path.with_name(board.db_path.name + ".cookie_secret")
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def run(db_path: str, faculty_group: str = "faculty") -> None:
    """Serve the board where the hub says (``JUPYTERHUB_SERVICE_URL``) until the process is stopped."""
    logging.basicConfig(level=logging.INFO, format="[%(levelname)s %(asctime)s board] %(message)s")
    service_url = os.environ.get("JUPYTERHUB_SERVICE_URL")
    if not service_url:
        raise SystemExit("The board runs as a JupyterHub service: JUPYTERHUB_SERVICE_URL is not set.")
    address = urlparse(service_url)
    hub_auth = HubOAuth.instance(cache_max_age=60)  # the one HubOAuthCallbackHandler uses too (PKCE state)
    board = Board(db_path, faculty_group, hub_auth, os.environ.get("JUPYTERHUB_SERVICE_NAME", "board"))

    async def serve() -> None:
        server = HTTPServer(make_app(board), max_body_size=64 * 1024, xheaders=True)
        server.listen(address.port, address.hostname or "127.0.0.1")
        log.info("cohort board on %s (database %s, faculty group %r)", service_url, db_path, faculty_group)
        await asyncio.Event().wait()  # until the process is stopped

    try:
        asyncio.run(serve())
    finally:
        board.db.close()
