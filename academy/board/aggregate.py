"""What the projected page shows for a question: the answers summed up, never one delegate's raw answer.

- number: a histogram of ``NUMBER_BINS`` equal-width bins. The bins span the question's minimum to
  maximum when it has both; where it lacks one, the smallest (or largest) answer takes its place
  (answers are checked against the bounds, so they always fall inside). Each bin holds the answers from its lower edge up to, not
  including, its upper edge; the last bin includes its upper edge. If every answer is the same (no
  width to share out), there is one bin holding them all. Also the count, the median and the mean.
- choice: how many delegates chose each choice, in the question's order, zeros included.
- text: the words used, each counted once per answer it appears in (so one delegate cannot fill the
  cloud by repeating a word), lowercased, common English words (``STOP_WORDS``) left out, the
  ``TEXT_WORDS`` most used first (ties alphabetical).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter

from academy.board.store import Question

NUMBER_BINS = 10
TEXT_WORDS = 40
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
STOP_WORDS = frozenset("""
a an and are as at be been but by for from had has have i if in into is it its it's of on or our so than
that the their them then there these they this to too was we were what when which who will with would you
your not no do does did can could should very more most much many just also about over all any some
""".split())


def number_histogram(question: Question, values: list[float]) -> dict:
    """The histogram of number answers (see the module's docstring for the bins)."""
    if values:
        low = question.minimum if question.minimum is not None else min(values)
        high = question.maximum if question.maximum is not None else max(values)
    else:
        low, high = question.minimum, question.maximum
    bins = []
    if values and high == low:
        bins = [{"low": low, "high": high, "count": len(values)}]
    elif low is not None and high is not None:
        width = (high - low) / NUMBER_BINS
        counts = [0] * NUMBER_BINS
        for value in values:
            index = NUMBER_BINS - 1 if value >= high else int((value - low) // width)
            counts[min(max(index, 0), NUMBER_BINS - 1)] += 1
        bins = [{"low": low + k * width, "high": low + (k + 1) * width if k < NUMBER_BINS - 1 else high,
                 "count": counts[k]} for k in range(NUMBER_BINS)]
    return {"bins": bins, "count": len(values),
            "median": statistics.median(values) if values else None,
            "mean": statistics.fmean(values) if values else None}


def choice_counts(question: Question, values: list[str]) -> dict:
    """How many answers chose each choice, in the question's order."""
    counted = Counter(values)
    return {"counts": [{"choice": choice, "count": counted.get(choice, 0)} for choice in question.choices],
            "count": len(values)}


def word_counts(values: list[str]) -> dict:
    """The words of text answers: each word counted once per answer containing it, most used first."""
    counted: Counter[str] = Counter()
    for text in values:
        words = {word.replace("’", "'") for word in WORD.findall(text.lower())}
        counted.update(word for word in words if word not in STOP_WORDS)
    ranked = sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:TEXT_WORDS]
    return {"words": [{"word": word, "count": count} for word, count in ranked], "count": len(values)}


def aggregate(question: Question, values: list) -> dict:
    """The aggregate of a question's answers for the projected page, with the question itself."""
    if question.kind == "number":
        summary = number_histogram(question, [float(v) for v in values])
    elif question.kind == "choice":
        summary = choice_counts(question, [str(v) for v in values])
    else:
        summary = word_counts([str(v) for v in values])
    return {"question": question.as_dict(), "kind": question.kind, **summary}
