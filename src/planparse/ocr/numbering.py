"""Section numbers read one stroke short: a page's Roman heading that repeats the heading before it is the next one.

Tesseract reads a bold `III.` as `II.` with high confidence (every rendered plan of bench_realpages, at every
resolution). Plans number their Roman headings in sequence, so a second `II.` right after `II.`, one glyph from
`III.`, is `III.` (the next number one stroke longer than the one read: I, II, V, VI, VII, X); anything else is left as read.
"""

from __future__ import annotations

import re

from ..models import Line, Warning_
from ..symbols import numeral_distance, roman_value, to_roman

_HEAD = re.compile(r"^([IVXL]{1,5})\.(?=\s|$)")


def renumber(lines: list[Line], page: int) -> tuple[list[Line], list[Warning_]]:
    """Lines with repeated Roman heading numbers read as the next number, and a warning for each change."""
    out, warnings, prev = [], [], 0
    for ln in lines:
        m = _HEAD.match(ln.text)
        if m is None:
            out.append(ln)
            continue
        value = roman_value(m.group(1))
        new = to_roman(value + 1) if value else ""
        if value and value == prev and len(new) == len(m.group(1)) + 1 and numeral_distance(m.group(1), new) == 1:
            text = new + ln.text[m.end(1):]
            words = list(ln.words)
            if words and words[0].text.startswith(m.group(1)):
                words[0] = words[0].model_copy(update={"text": new + words[0].text[len(m.group(1)):]})
            warnings.append(Warning_(stage="ocr", page=page, message=f"heading number {m.group(0)} read after "
                                     f"{m.group(0)} taken as {new}. (headings run in sequence)"))
            ln = ln.model_copy(update={"text": text, "words": words})
            value += 1
        out.append(ln)
        prev = value or prev
    return out, warnings
