"""The cohort board: faculty ask a question in a session, delegates answer from their notebooks, and the
projector shows the answers summed up live. A JupyterHub service (``service``), registered by ``hub``,
storing answers in SQLite (``store``); delegates answer with ``AnswerBox`` (``widget``); faculty export a
round with ``answers_frame`` (``frame``) or as CSV."""

from academy.board.frame import answers_frame
from academy.board.widget import AnswerBox

__all__ = ["AnswerBox", "answers_frame"]
