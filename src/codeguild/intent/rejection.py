"""Whether a named technology or target is turned down where it is mentioned.

"Flask please, not FastAPI", "no Kubernetes please", "I thought about SvelteKit but let's keep
it boring", "Go was suggested, but the team knows Python" and "probably node? no ... django" all
name something the project must not use. "maybe X" and "we are thinking of X" are not rejections.
"""

from __future__ import annotations

import re

# Right before the mention: a negation that governs it.
_BEFORE = re.compile(
    r"(?:\bnot|\bno|\bnever|\bwithout|\bavoid(?:ing)?|\binstead of|\brather than|\bother than"
    r"|\bno need for|\bno more|\bditch(?:ing)?"
    r"|\bmoving away from|\bmove away from|\b(?:don'?t|do not|does not|doesn'?t|won'?t|will not"
    r"|can'?t|cannot|shouldn'?t|should not|must not|never)\s+(?:\w+\s+){0,2}?"
    r"(?:use|using|want|need|have|like|plan for|go with|pick|choose|touch|bother with|add"
    r"|require|support|run|deploy (?:on|to|with))"
    r"|\bno (?:\w+ )?(?:need|plans?|interest) (?:for|to use|in))"
    r"\s+(?:to use\s+|using\s+|a\s+|an\s+|the\s+|any\s+|our\s+|more\s+)?$",
    re.IGNORECASE,
)
# Right after the mention: the mention is turned down ("X is overkill", "X? no", "X was
# suggested, but ...").
_AFTER = re.compile(
    r"^[^.;:!?]{0,3}(?:\?\s*no\b|\s*(?:is|would be|seems|feels)\s+(?:\w+\s+)?overkill"
    r"|\s*(?:was|were|has been|had been|got)\s+(?:\w+\s+)?(?:suggested|proposed|considered"
    r"|mentioned|discussed|floated|ruled out|rejected)[^.;]{0,40}?\bbut\b"
    r"|\s*(?:is|are)\s+(?:not|never)\s+(?:an option|allowed|wanted|needed|available))",
    re.IGNORECASE,
)
# Considered, then dropped: "thought about X but", "looked at X, but".
_CONSIDERED = re.compile(
    r"\b(?:thought about|thought of|considered|looked at|toyed with|played with|tried"
    r"|were going to use|was going to use)\s+(?:using\s+)?(?:\w+\s+)?$",
    re.IGNORECASE,
)
_THEN_BUT = re.compile(r"^[^.;!?]{0,60}?\bbut\b", re.IGNORECASE)
# Preferred over it: "we'd prefer Python with FastAPI over Laravel".
_PREFERRED_OVER = re.compile(
    r"\b(?:prefer\w*|rather have|choose|chose|pick|picked|went with|go with)\b[^.;!?]{0,60}?"
    r"\b(?:over|to|instead of)\s+$",
    re.IGNORECASE,
)


def is_rejected(text: str, start: int, end: int) -> bool:
    """Whether the mention ``text[start:end]`` is turned down by the words around it."""
    # the clause before: up to the last sentence or list break
    head = text[max(0, start - 60) : start]
    head = re.split(r"[.;!?\n(]|\bbut\b|,\s*(?=\w+\s+(?:is|are|was)\b)", head)[-1]
    tail = text[end : end + 80]
    if _BEFORE.search(head) or _AFTER.search(tail) or _PREFERRED_OVER.search(head):
        return True
    return bool(_CONSIDERED.search(head) and _THEN_BUT.search(tail))
