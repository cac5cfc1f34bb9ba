"""``AnswerBox``: a delegate's answer to the board's question, from their notebook.

    from academy.board import AnswerBox
    AnswerBox(3)      # question 3, as faculty show it on screen
    AnswerBox()       # the newest open question

It shows the question, a box for a number, buttons for a choice or a line for text, and a Send button;
then the board's confirmation, or its reason for refusing, in a sentence (never a traceback). It posts
with the notebook's own hub token, so the board knows who answered without being told. Off the hub (no
``PCIA_BOARD_URL`` or ``JUPYTERHUB_API_TOKEN``) it says so in a sentence.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from academy.board.client import BoardUnavailable, board_address, board_call


def number_from_text(text: str) -> float:
    """The number a delegate typed: spaces, thousands commas and a leading £ are allowed ("£1,200.50");
    ValueError, in a sentence, otherwise."""
    cleaned = text.strip().replace(",", "").replace(" ", "").removeprefix("£")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{text.strip() or 'An empty box'!r} is not a number: type digits, such as 12 or 0.5.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("Type an ordinary number, such as 12 or 0.5.")
    return value


class AnswerBox(widgets.VBox):
    """The board's question with a way to answer it and a Send button (see the module's docstring).

    ``question_id``: the number faculty show on screen, or None for the newest open question.
    ``board_url``/``token``: for testing; by default ``PCIA_BOARD_URL`` and ``JUPYTERHUB_API_TOKEN``.
    Attributes: ``question`` (the board's JSON for it, or None), ``answer`` (the input widget, or None),
    ``send`` (the button, or None) and ``message`` (an HTML widget with the latest sentence)."""

    def __init__(self, question_id: int | None = None, board_url: str | None = None, token: str | None = None):
        super().__init__()
        self.board_url, self.token = board_url, token
        self.question = self.answer = self.send = None
        self.message = widgets.HTML()
        try:
            board_address(board_url, token)
            if question_id is None:
                open_now = board_call("api/questions", board_url=board_url, token=token)["questions"]
                if not open_now:
                    raise BoardUnavailable("There is no open question on the board just now.")
                self.question = open_now[0]
            else:
                self.question = board_call(f"api/questions/{int(question_id)}", board_url=board_url, token=token)
        except BoardUnavailable as reason:
            self.say(str(reason))
            self.children = [self.message]
            return
        self.answer = self._input_for(self.question)
        self.send = widgets.Button(description="Send", button_style="primary", tooltip="Send your answer to the board")
        self.send.on_click(self._on_send)
        unit = f" ({html.escape(self.question['unit'])})" if self.question.get("unit") else ""
        title = widgets.HTML(f"<b>Question {self.question['id']}:</b> {html.escape(self.question['prompt'])}{unit}")
        if not self.question["open"]:
            self.say("This question is closed: the board is no longer taking answers to it.")
        self.children = [title, self.answer, self.send, self.message]

    @staticmethod
    def _input_for(question: dict) -> widgets.Widget:
        if question["kind"] == "number":
            return widgets.Text(placeholder="Type a number", description="Your answer",
                                style={"description_width": "initial"})
        if question["kind"] == "choice":
            return widgets.RadioButtons(options=question["choices"], value=None, description="Your answer",
                                        style={"description_width": "initial"})
        return widgets.Text(placeholder="A word or a short sentence", description="Your answer",
                            style={"description_width": "initial"}, layout=widgets.Layout(width="40em"))

    def say(self, sentence: str) -> None:
        """Show one sentence under the box (replacing the last)."""
        self.message.value = f"<p>{html.escape(sentence, quote=False)}</p>"

    def value_to_send(self) -> float | str:
        """What the delegate has entered, ready for the board; ValueError in a sentence if nothing usable."""
        kind, value = self.question["kind"], self.answer.value
        if kind == "number":
            return number_from_text(value or "")
        if value is None or not str(value).strip():
            raise ValueError("Choose one of the answers first." if kind == "choice" else "Type your answer first.")
        return str(value)

    def _on_send(self, _button=None) -> None:
        try:
            value = self.value_to_send()
            reply = board_call(f"api/questions/{self.question['id']}/answer", {"value": value},
                               board_url=self.board_url, token=self.token)
        except (ValueError, BoardUnavailable) as reason:
            self.say(str(reason))
            return
        self.say(reply.get("message", "Your answer has been received."))
