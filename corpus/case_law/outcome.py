"""The outcome a decision states for the plaintiff's claims."""

from __future__ import annotations

import re

from corpus.case_law.documents import Outcome
from corpus.text import fold, squash

_F_ACCEPT = re.compile(r"(?<!khong )(?<!khong duoc )chap nhan (?:toan bo |mot phan |cac )?(?:yeu cau|don khoi kien)")
_F_PARTIAL = re.compile(r"chap nhan mot phan (?:cac )?(?:yeu cau|don khoi kien)")
_F_REJECT = re.compile(r"(?:khong chap nhan|bac) (?:toan bo )?(?:cac |mot phan )?(?:yeu cau|don khoi kien)")


def detect_outcome(decision: str) -> str | None:
    """The outcome a decision states for the plaintiff's claims, from its first ruling on them.

    "Chấp nhận một phần yêu cầu khởi kiện" → PARTIAL_A_WIN; "Chấp nhận (toàn bộ) yêu cầu khởi kiện" → A_WIN, or
    PARTIAL_A_WIN when a later ruling rejects one of the plaintiff's claims; "Không chấp nhận / Bác yêu cầu khởi
    kiện" → B_WIN. Rulings on the defendant's counterclaim or a third party's own claim are passed over.
    PARTIAL_B_WIN needs a judgement of proportions and is never guessed. None when no ruling on the claims is found.
    """
    text = re.sub(r"[“”\"']", "", fold(squash(decision)))
    sentences = re.split(r"(?<=[.;:])\s+|\s(?=\[?\d+\]?\s*[.)\-]\s)|\s(?=[-*+]\s)", text)
    first = None
    rejects_plaintiff = False
    for s in sentences:
        s = re.sub(r"^[\s\-*+\[\]\d.)]+", "", s)
        s = re.sub(r"^(?:tuyen xu|xu)\s*:?\s*", "", s)
        accept, reject = _F_ACCEPT.search(s), _F_REJECT.search(s)
        if not (accept or reject) or re.search(r"phan to|cua bi don|yeu cau doc lap", s):
            continue
        if first is None:
            if _F_PARTIAL.search(s):
                first = Outcome.PARTIAL_A_WIN
            elif reject and (accept is None or reject.start() <= accept.start()):
                first = Outcome.B_WIN
            else:
                first = Outcome.A_WIN
        elif first == Outcome.A_WIN and reject and "nguyen don" in s:
            rejects_plaintiff = True
    if first == Outcome.A_WIN and rejects_plaintiff:
        return Outcome.PARTIAL_A_WIN
    return first
