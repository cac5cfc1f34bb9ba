"""The cohort board behind a real JupyterHub on 127.0.0.1 (tests/board_hub.py): who may post and see what,
the aggregate, refusals, durability across a kill -9, the notebook widget and the live projected page.

Expected values come from each test's own inputs (histogram bins, counts and words worked out here, not
by the board's code)."""

from __future__ import annotations

import io
import json
import sqlite3
import time

import pandas as pd
import pytest
import requests

from board_hub import PASSWORD, running_hub
from reader import chromium

DELEGATES = [f"delegate{k:02d}" for k in range(1, 7)]
FACULTY = "faculty1"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    with running_hub(tmp_path_factory.mktemp("board-hub"), DELEGATES, [FACULTY]) as running:
        yield running


def call(hub, who: str | None, method: str, path: str, body=None, data: bytes | None = None):
    """A request to the board through the hub's proxy with ``who``'s notebook token (None: no token);
    ``data``: raw bytes sent as JSON instead of ``body``."""
    headers = {"Authorization": f"token {hub.tokens[who]}"} if who else {}
    if data is not None:
        headers["Content-Type"] = "application/json"
    return requests.request(method, hub.board_url + path, json=body, data=data, headers=headers, timeout=30,
                            allow_redirects=False)


def new_question(hub, **fields) -> int:
    response = call(hub, FACULTY, "POST", "api/questions", fields)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def stored(hub, question_id: int) -> dict[str, object]:
    """The answers in the board's SQLite file itself: {user: value}."""
    with sqlite3.connect(hub.db) as db:
        rows = db.execute("SELECT user_name, value FROM answers WHERE question_id = ?", (question_id,)).fetchall()
    return {user: json.loads(value) for user, value in rows}


def test_a_delegate_answers_as_themselves_whatever_the_body_says(hub):
    question = new_question(hub, prompt="How many sessions a week?", kind="number", minimum=0, maximum=20)
    reply = call(hub, "delegate01", "POST", f"api/questions/{question}/answer", {"value": 12, "user": "delegate02"})
    assert reply.status_code == 200, reply.text
    assert reply.json()["user"] == "delegate01"
    assert stored(hub, question) == {"delegate01": 12}
    assert call(hub, "delegate01", "GET", f"api/questions/{question}/answer").json()["value"] == 12
    mine = call(hub, "delegate02", "GET", f"api/questions/{question}/answer")
    assert mine.status_code == 404 and "not answered" in mine.json()["reason"]
    # a second post replaces the first
    again = call(hub, "delegate01", "POST", f"api/questions/{question}/answer", {"value": 7})
    assert again.json()["replaced"] is True
    assert stored(hub, question) == {"delegate01": 7}


def test_a_delegate_cannot_see_others_answers_or_run_the_session(hub):
    question = new_question(hub, prompt="Which first?", kind="choice", choices=["A", "B"])
    call(hub, "delegate02", "POST", f"api/questions/{question}/answer", {"value": "A"})
    for method, path in [("GET", f"api/questions/{question}/answers"), ("GET", f"api/questions/{question}/answers.csv"),
                         ("GET", f"api/questions/{question}/aggregate"), ("POST", f"api/questions/{question}/close"),
                         ("POST", f"api/questions/{question}/show"), ("POST", "api/questions")]:
        reply = call(hub, "delegate01", method, path, {"prompt": "x", "kind": "text"} if path == "api/questions" else None)
        assert reply.status_code == 403, (method, path, reply.status_code)
        assert reply.json()["reason"]
        assert "delegate02" not in reply.text
    assert call(hub, FACULTY, "GET", f"api/questions/{question}").json()["open"] is True
    # once faculty show the results, a delegate sees the counts, still not who answered what
    assert call(hub, FACULTY, "POST", f"api/questions/{question}/show").status_code == 200
    seen = call(hub, "delegate01", "GET", f"api/questions/{question}/aggregate")
    assert seen.status_code == 200 and seen.json()["counts"] == [{"choice": "A", "count": 1}, {"choice": "B", "count": 0}]
    assert "delegate02" not in seen.text
    # delegates list open questions only
    call(hub, FACULTY, "POST", f"api/questions/{question}/close")
    listed = [q["id"] for q in call(hub, "delegate01", "GET", "api/questions").json()["questions"]]
    assert question not in listed
    assert question in [q["id"] for q in call(hub, FACULTY, "GET", "api/questions").json()["questions"]]


def first_event(browser, hub, question: int) -> dict:
    """The first message of the projected page's event stream, as ``browser`` (a signed-in session) gets it."""
    with browser.get(hub.board_url + "api/events", params={"question": question, "_xsrf": browser.xsrf},
                     headers={"Sec-Fetch-Mode": "cors", "Sec-Fetch-Site": "same-origin"}, stream=True,
                     timeout=10) as stream:
        assert stream.status_code == 200 and stream.headers["Content-Type"].startswith("text/event-stream")
        for line in stream.iter_lines(decode_unicode=True):
            if line.startswith("data: "):
                return json.loads(line.removeprefix("data: "))
    raise AssertionError("the event stream sent nothing")


def test_the_projected_page_hides_results_from_delegates_until_shown(hub):
    question = new_question(hub, prompt="Which lever first?", kind="choice", choices=["Pay", "Time"])
    call(hub, "delegate01", "POST", f"api/questions/{question}/answer", {"value": "Time"})
    delegate, faculty = hub.browser_session("delegate06"), hub.browser_session(FACULTY)
    hidden = first_event(delegate, hub, question)
    assert hidden["hidden"] is True and hidden["count"] == 1 and "counts" not in hidden
    assert first_event(faculty, hub, question)["counts"] == [{"choice": "Pay", "count": 0}, {"choice": "Time", "count": 1}]
    call(hub, FACULTY, "POST", f"api/questions/{question}/show")
    assert first_event(delegate, hub, question)["counts"] == [{"choice": "Pay", "count": 0}, {"choice": "Time", "count": 1}]


def test_nobody_unidentified_gets_in(hub):
    question = new_question(hub, prompt="Open?", kind="text")
    for method, path in [("GET", "api/questions"), ("POST", f"api/questions/{question}/answer"),
                         ("GET", f"api/questions/{question}/answers.csv")]:
        reply = call(hub, None, method, path, {"value": "x"})
        assert reply.status_code == 401 and reply.json()["reason"], (method, path)
        forged = requests.request(method, hub.board_url + path, json={"value": "x"}, timeout=30,
                                  headers={"Authorization": "token not-a-real-token"})
        assert forged.status_code in (401, 403), (method, path)
    page = call(hub, None, "GET", "")
    assert page.status_code == 302 and "/hub/api/oauth2/authorize" in page.headers["Location"]
    assert stored(hub, question) == {}


def test_the_hub_says_who_is_faculty_by_token_and_by_browser(hub):
    me = call(hub, FACULTY, "GET", "api/me").json()
    assert me["faculty"] is True and "faculty" in me["hub_groups"]
    assert call(hub, "delegate03", "GET", "api/me").json() == {"name": "delegate03", "faculty": False, "hub_groups": []}
    browser = hub.browser_session(FACULTY)
    assert browser.get(hub.board_url + "api/me", timeout=30).json()["faculty"] is True
    assert browser.get(hub.board_url + "faculty", timeout=30).status_code == 200
    assert hub.browser_session("delegate03").get(hub.board_url + "faculty", timeout=30).status_code == 403


def test_a_browser_post_needs_the_boards_own_page(hub):
    question = new_question(hub, prompt="One word for the day", kind="text")
    browser = hub.browser_session("delegate03")
    path = f"{hub.board_url}api/questions/{question}/answer"
    no_token = browser.post(path, json={"value": "forged"}, timeout=30)
    assert no_token.status_code == 401
    other_site = browser.post(path, json={"value": "forged"}, timeout=30,
                              headers={"X-XSRFToken": browser.xsrf, "Origin": "http://elsewhere.example"})
    assert other_site.status_code == 403
    assert stored(hub, question) == {}
    own_page = browser.post(path, json={"value": "tired"}, headers={"X-XSRFToken": browser.xsrf,
                                                                   "Origin": hub.url}, timeout=30)
    assert own_page.status_code == 200, own_page.text
    assert stored(hub, question) == {"delegate03": "tired"}


def test_faculty_export_every_answer_as_csv_and_pandas(hub):
    from academy.board import answers_frame

    question = new_question(hub, prompt="What would you cut first?", kind="text", round="Session 2")
    posted = {"delegate01": "Locum spend", "delegate02": "=SUM(A1)", "delegate03": "Meetings, mostly",
              "delegate04": "-nothing-"}
    for user, value in posted.items():
        assert call(hub, user, "POST", f"api/questions/{question}/answer", {"value": value}).status_code == 200
    csv_reply = call(hub, FACULTY, "GET", f"api/questions/{question}/answers.csv")
    assert csv_reply.status_code == 200 and csv_reply.headers["Content-Type"].startswith("text/csv")
    table = pd.read_csv(io.StringIO(csv_reply.text), keep_default_na=False)
    assert list(table.columns) == ["question_id", "round", "kind", "prompt", "user", "value", "answered_at"]
    # a spreadsheet must not run an answer as a formula: those starting =, +, - or @ get an apostrophe
    assert dict(zip(table["user"], table["value"])) == {**posted, "delegate02": "'=SUM(A1)", "delegate04": "'-nothing-"}
    assert set(table["round"]) == {"Session 2"}
    frame = answers_frame(question, board_url=hub.board_url, token=hub.tokens[FACULTY])
    assert dict(zip(frame["user"], frame["value"])) == posted
    assert str(frame["answered_at"].dt.tz) == "UTC"
    listed = call(hub, FACULTY, "GET", f"api/questions/{question}/answers").json()["answers"]
    assert {a["user"]: a["value"] for a in listed} == posted

    numbers = new_question(hub, prompt="Locum cost per session", kind="number", unit="£")
    values = {"delegate01": 420, "delegate02": -15.5, "delegate03": 1e6}
    for user, value in values.items():
        call(hub, user, "POST", f"api/questions/{numbers}/answer", {"value": value})
    frame = answers_frame(numbers, board_url=hub.board_url, token=hub.tokens[FACULTY])
    assert frame["value"].dtype.kind == "f" and dict(zip(frame["user"], frame["value"])) == values
    refused = call(hub, "delegate01", "GET", f"api/questions/{numbers}/answers.csv")
    assert refused.status_code == 403


def test_the_aggregates_add_up(hub):
    numbers = new_question(hub, prompt="Hours a week on admin", kind="number", minimum=0, maximum=100)
    values = [3, 10, 10, 55, 99.5, 100]  # bins of 10: [0,10) [10,20) ... [90,100], the last closed
    for user, value in zip(DELEGATES, values):
        call(hub, user, "POST", f"api/questions/{numbers}/answer", {"value": value})
    shown = call(hub, FACULTY, "GET", f"api/questions/{numbers}/aggregate").json()
    assert [b["count"] for b in shown["bins"]] == [1, 2, 0, 0, 0, 1, 0, 0, 0, 2]
    assert [(b["low"], b["high"]) for b in shown["bins"]] == [(10.0 * k, 10.0 * (k + 1)) for k in range(10)]
    assert shown["count"] == 6 and shown["median"] == (10 + 55) / 2 and shown["mean"] == pytest.approx(277.5 / 6)

    unbounded = new_question(hub, prompt="Partners in your practice", kind="number")
    for user, value in zip(DELEGATES, [2, 2, 4, 12]):  # bins of (12 - 2) / 10 = 1 from 2 to 12
        call(hub, user, "POST", f"api/questions/{unbounded}/answer", {"value": value})
    counts = [b["count"] for b in call(hub, FACULTY, "GET", f"api/questions/{unbounded}/aggregate").json()["bins"]]
    assert counts == [2, 0, 1, 0, 0, 0, 0, 0, 0, 1]

    choice = new_question(hub, prompt="Best lever", kind="choice", choices=["Retention", "Recruitment", "Skill mix"])
    for user, value in zip(DELEGATES, ["Skill mix", "Retention", "Skill mix", "Skill mix"]):
        call(hub, user, "POST", f"api/questions/{choice}/answer", {"value": value})
    counts = call(hub, FACULTY, "GET", f"api/questions/{choice}/aggregate").json()["counts"]
    assert counts == [{"choice": "Retention", "count": 1}, {"choice": "Recruitment", "count": 0},
                      {"choice": "Skill mix", "count": 3}]

    text = new_question(hub, prompt="What keeps GPs?", kind="text")
    for user, value in zip(DELEGATES, ["Continuity of care", "care, care and more CARE", "Continuity!", "Workload"]):
        call(hub, user, "POST", f"api/questions/{text}/answer", {"value": value})
    words = call(hub, FACULTY, "GET", f"api/questions/{text}/aggregate").json()["words"]
    # once per answer, lowercased, "of", "and", "more" left out; ties alphabetical
    assert words == [{"word": "care", "count": 2}, {"word": "continuity", "count": 2}, {"word": "workload", "count": 1}]


def test_bad_input_is_refused_with_a_reason(hub):
    number = new_question(hub, prompt="Days to fill a vacancy", kind="number", minimum=0, maximum=365)
    choice = new_question(hub, prompt="Which model?", kind="choice", choices=["A", "B", "C"])
    closed = new_question(hub, prompt="Too late", kind="text")
    call(hub, FACULTY, "POST", f"api/questions/{closed}/close")
    cases = [
        (number, {"value": "x" * 3000}, None, 413),
        (number, None, json.dumps({"value": 1, "padding": "x" * 2100}).encode(), 413),
        (number, {"value": "twelve"}, None, 400),
        (number, {"value": True}, None, 400),
        (number, {"value": 366}, None, 400),
        (number, {}, None, 400),
        (number, None, b"{not json", 400),
        (choice, {"value": "D"}, None, 400),
        (choice, {"value": 1}, None, 400),
        (closed, {"value": "hello"}, None, 409),
        (99999, {"value": 1}, None, 404),
    ]
    for question, body, data, status in cases:
        reply = call(hub, "delegate05", "POST", f"api/questions/{question}/answer", body, data=data)
        assert reply.status_code == status, (question, body, data, reply.status_code, reply.text)
        reason = reply.json()["reason"]
        assert reason.endswith(".") and len(reason) > 15 and "Traceback" not in reason, reason
    assert stored(hub, number) == {} and stored(hub, choice) == {} and stored(hub, closed) == {}
    assert "not one of the choices" in call(hub, "delegate05", "POST", f"api/questions/{choice}/answer",
                                            {"value": "D"}).json()["reason"]


def test_every_acknowledged_answer_survives_a_kill_minus_9(hub):
    question = new_question(hub, prompt="Sessions covered by locums", kind="number")
    acknowledged = {}
    for k, user in enumerate(DELEGATES):
        reply = call(hub, user, "POST", f"api/questions/{question}/answer", {"value": 10 + k})
        assert reply.status_code == 200
        acknowledged[user] = 10 + k
    hub.kill_board()
    assert hub.board_process.returncode == -9
    hub.start_board()
    listed = call(hub, FACULTY, "GET", f"api/questions/{question}/answers").json()["answers"]
    assert {a["user"]: a["value"] for a in listed} == acknowledged
    # and the board takes answers again
    assert call(hub, "delegate01", "POST", f"api/questions/{question}/answer", {"value": 1}).status_code == 200


def test_the_answer_box_posts_from_a_notebook(hub, monkeypatch):
    from academy.board import AnswerBox

    choice = new_question(hub, prompt="Which option would you take?", kind="choice", choices=["Merge", "Share", "Stay"])
    number = new_question(hub, prompt="Your locum budget", kind="number", unit="£")
    monkeypatch.setenv("PCIA_BOARD_URL", hub.board_url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", hub.tokens["delegate04"])
    box = AnswerBox(choice)
    assert "Which option would you take?" in box.children[0].value
    assert list(box.answer.options) == ["Merge", "Share", "Stay"]
    box.send.click()
    assert "Choose one" in box.message.value and stored(hub, choice) == {}
    box.answer.value = "Share"
    box.send.click()
    assert "received" in box.message.value
    assert stored(hub, choice) == {"delegate04": "Share"}

    money = AnswerBox(number)
    money.answer.value = "£1,250.50"
    money.send.click()
    assert stored(hub, number) == {"delegate04": 1250.5}
    money.answer.value = "lots"
    money.send.click()
    assert "not a number" in money.message.value and stored(hub, number) == {"delegate04": 1250.5}

    call(hub, FACULTY, "POST", f"api/questions/{choice}/close")
    box.answer.value = "Stay"
    box.send.click()
    assert "closed" in box.message.value and "Traceback" not in box.message.value
    assert stored(hub, choice) == {"delegate04": "Share"}

    assert "no question" in AnswerBox(99999).message.value.lower()
    monkeypatch.delenv("PCIA_BOARD_URL")
    off_hub = AnswerBox(choice)
    assert off_hub.children == (off_hub.message,) and "not running on the cohort's hub" in off_hub.message.value


def test_the_projected_page_shows_each_answer_within_a_second(hub):
    question = new_question(hub, prompt="How many GPs will you lose this year?", kind="number", minimum=0, maximum=10)
    requested, problems = [], []
    with chromium() as browser:
        page = browser.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{hub.url}/hub/login?next=/services/board/%3Fquestion%3D{question}")
        page.fill("#username_input", FACULTY)
        page.fill("#password_input", PASSWORD)
        page.click("#login_submit")
        page.wait_for_selector("#total[data-count='0']", timeout=15_000)
        assert page.text_content("#prompt") == f"Question {question}: How many GPs will you lose this year?"
        delays = []
        for k, user in enumerate(DELEGATES[:4], start=1):
            reply = call(hub, user, "POST", f"api/questions/{question}/answer", {"value": k})
            acknowledged = time.perf_counter()
            assert reply.status_code == 200
            page.wait_for_selector(f"#total[data-count='{k}']", timeout=5_000)
            delays.append(time.perf_counter() - acknowledged)
        bars = page.eval_on_selector_all(".row .count", "rows => rows.map(r => Number(r.textContent))")
        assert bars == [0, 1, 1, 1, 1, 0, 0, 0, 0, 0]  # 1..4 in bins of 1 from 0 to 10
    print(f"post acknowledged to page updated, s: {[round(d, 3) for d in delays]}")
    assert max(delays) < 1.0, f"the projected page took {max(delays):.2f} s to show an answer"
    assert requested and all(url.startswith(hub.url + "/") for url in requested), \
        [url for url in requested if not url.startswith(hub.url + "/")]
    assert problems == []


def test_faculty_ask_and_close_a_question_from_their_page(hub):
    requested, problems = [], []
    with chromium() as browser:
        page = browser.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.goto(f"{hub.url}/hub/login?next=/services/board/faculty")
        page.fill("#username_input", FACULTY)
        page.fill("#password_input", PASSWORD)
        page.click("#login_submit")
        page.wait_for_selector("#new-question")
        page.fill("input[name=prompt]", "Share a back office?")
        page.select_option("select[name=kind]", "choice")
        page.fill("textarea[name=choices]", "Yes\nNo\nNot yet")
        page.click("button[type=submit]")
        page.wait_for_selector("#status:has-text('is open')", timeout=10_000)  # (the page's CSP forbids eval)
        newest = call(hub, FACULTY, "GET", "api/questions").json()["questions"][0]
        assert (newest["prompt"], newest["choices"], newest["open"]) == ("Share a back office?", ["Yes", "No", "Not yet"], True)
        page.click("#questions tbody tr:first-child td:nth-child(5) button")
        page.wait_for_selector("#questions tbody tr:first-child td:nth-child(5):has-text('closed')", timeout=10_000)
    assert call(hub, FACULTY, "GET", f"api/questions/{newest['id']}").json()["open"] is False
    assert all(url.startswith(hub.url + "/") for url in requested) and problems == []
