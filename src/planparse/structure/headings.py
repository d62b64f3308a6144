"""Heading numerals re-read from the page image, decided by the numeral grammar (run by the page step).

Where the first read of a Roman heading numeral is damaged (`IL.`), is printed with glyphs the grammar reads through
(`HI.`, `I1.`: it becomes the numeral they stand for, `III.`, unless a re-read is clearly surer of another one), has
lost its separator (`II` for `II.`), repeats the previous heading's on the same page (`II.` after `II.`, the usual
misread of `III.`) or is missing (an upper-case line starting where the page's Roman headings start their titles), the
leading box of its line is read again, enlarged, by each installed model, and the grammar (`symbols.read_roman`,
`H` read as `II`) decides: a damaged or missing numeral takes the most confident reading the grammar accepts; a
repeated one only a clearly more confident different one; a separator lost comes back when a re-read reads one. Every
change is reported. What the re-read leaves repeated, `renumber` puts in sequence: Tesseract reads a bold `III.` as `II.`
with high confidence (every rendered plan of bench_realpages, at every resolution), so a second `II.` right after
`II.`, one stroke short of `III.`, is `III.` (the next number one stroke longer than the one read: I, II, V, VI,
VII, X); anything else is left as read. The section tree's sequence repair still checks the result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..models import Line, Warning_, Word
from ..symbols import numeral_distance, read_roman, roman_value, to_roman
from ..text import is_upper

_LEAD = re.compile(r"^([IVXLHl1|!]{1,5})([.):,]?)$")
"""A line's first word made of glyphs a Roman numeral is printed or misread with, and its separator."""
GAIN = 5.0
"""How much more confident a re-read must be to replace a numeral the grammar accepted."""
MISSING_CONF = 60.0
"""How confident the re-read of a numeral the first read missed must be."""
READ_DPI = 400
"""Resolution the leading box is enlarged to for the re-read (measured: 200-dpi headings read best doubled)."""

Reader = Callable[[list[tuple[int, int, int, int]], str], list[list[Word]]]
"""Reads page boxes with one model: (boxes, lang) -> the words of each box."""


def heading_numeral(token: str) -> str | None:
    """The Roman numeral a heading's first word stands for under the grammar (`HI.` -> `III`), else None."""
    m = _LEAD.match(token or "")
    return read_roman(m.group(1), allow_h=True) if m else None


def suspects(lines: Sequence[Line], pad: int = 6) -> list[tuple[int, str, tuple[int, int, int, int]]]:
    """(line index, why, box to re-read) of Roman heading lines whose numeral should be re-read: damaged, the same
    as the previous Roman heading's on this page, or missing (an upper-case line that starts where this page's
    Roman headings start their titles, with room for a numeral before it)."""
    out: list[tuple[int, str, tuple[int, int, int, int]]] = []
    prev: int | None = None
    columns: list[tuple[int, int]] = []
    for i, ln in enumerate(lines):
        if not ln.words or not ln.bbox:
            continue
        m = _LEAD.match(ln.words[0].text)
        rest = " ".join(w.text for w in ln.words[1:])
        if not m or not is_upper(rest, 4) or not re.search(r"[IVXLH]", m.group(1)):
            continue
        columns.append((ln.words[0].bbox[0], ln.words[1].bbox[0]))
        r = read_roman(m.group(1), allow_h=True)
        if r is None:
            out.append((i, "damaged", leading_box(ln, pad=pad)))
        elif roman_value(r) == prev:
            out.append((i, f"repeats {r}.", leading_box(ln, pad=pad)))
        elif r != m.group(1):
            out.append((i, "misread", leading_box(ln, pad=pad)))
        elif not m.group(2):
            out.append((i, "no separator", leading_box(ln, pad=pad)))
        prev = roman_value(r) if r else prev
    if columns:
        nx, tx = sorted(x for x, _ in columns)[len(columns) // 2], sorted(x for _, x in columns)[len(columns) // 2]
        for i, ln in enumerate(lines):
            if len(ln.words) < 2 or not ln.bbox or _LEAD.match(ln.words[0].text):
                continue
            h, x = ln.bbox[3] - ln.bbox[1], ln.words[0].bbox[0]
            if is_upper(ln.text, 4) and not re.search(r"[.;,:]$", ln.text) and abs(x - tx) <= h / 2 and x - nx >= h / 2:
                box = leading_box(ln, words=2, pad=pad)
                out.append((i, "missing", (nx - pad, *box[1:])))
    return sorted(out)


def leading_box(line: Line, words: int = 3, pad: int = 6) -> tuple[int, int, int, int]:
    """The numeral and the first words of its title (context helps Tesseract read the numeral), padded."""
    ws = line.words[:words]
    return (ws[0].bbox[0] - pad, min(w.bbox[1] for w in ws) - pad, ws[-1].bbox[2] + pad, max(w.bbox[3] for w in ws) + pad)


def decide(first: Word | None, why: str, readings: list[tuple[str, Word | None]]) -> str | None:
    """The numeral token (`III.`) the re-reads prove for a heading first read as `first` (None: no numeral was
    read), or None to keep the line as read."""
    m = _LEAD.match(first.text) if first else None
    sep = (m.group(2) if m else "") or ""
    valid = [(w.confidence, r, lang) for lang, w in readings if w is not None and (r := heading_numeral(w.text))]
    if why == "misread" and first is not None and (kept := heading_numeral(first.text)):
        conf, best = max(valid)[:2] if valid else (0.0, kept)
        token = (best if best != kept and conf >= first.confidence + GAIN else kept) + sep
        return token if token != first.text else None
    if not valid:
        return None
    conf, best, _ = max(valid)
    if first is None:
        return best + "." if conf >= MISSING_CONF else None
    kept = heading_numeral(first.text)
    if why == "no separator":
        return _separated(first, kept, readings)
    if why != "damaged" and (best == kept or conf < first.confidence + GAIN):
        return None
    token = best + (sep or _read_separator(readings) or ("." if why == "damaged" else ""))
    return token if token != first.text else None


def _read_separator(readings: list[tuple[str, Word | None]]) -> str:
    """The separator of the most confident re-read that reads a numeral with one (`HI.`), else ``: a repeated `II` that
    also lost its period came back `III` without it where a re-read read `HI.` (bench_broke --extra scan200)."""
    found = _with_separator(readings)
    return max((conf, sep) for conf, _, sep in found)[1] if found else ""


def _with_separator(readings: list[tuple[str, Word | None]]) -> list[tuple[float, str, str]]:
    """(confidence, numeral, separator) of each re-read that reads a heading numeral with its separator."""
    return [(w.confidence, n, m.group(2)) for _, w in readings
            if w is not None and (m := _LEAD.match(w.text)) and m.group(2) and (n := heading_numeral(w.text))]


def _separated(first: Word, kept: str | None, readings: list[tuple[str, Word | None]]) -> str | None:
    """The numeral token of a heading first read without its separator (`II` for `II.`: the page read drops the
    period where bare Tesseract keeps it) when a re-read reads one; its numeral only if clearly more confident."""
    found = _with_separator(readings)
    if not found:
        return None
    conf, best, sep = max(found)
    numeral = best if best == kept or conf >= first.confidence + GAIN else kept
    return f"{numeral}{sep}" if numeral else None


def reread_numerals(lines: list[Line], read: Reader, langs: Sequence[str]) -> tuple[list[Line], list[str]]:
    """Lines with their suspect heading numerals re-read by each model of `langs` and decided by the grammar;
    returns the lines and one message per re-read (a missing numeral only when one was found)."""
    todo = suspects(lines)
    if not todo or not langs:
        return lines, []
    reads = {lang: read([box for _, _, box in todo], lang) for lang in langs}
    out, notes = list(lines), []
    for k, (i, why, _) in enumerate(todo):
        ln = lines[i]
        first = None if why == "missing" else ln.words[0]
        readings = [(lang, reads[lang][k][0] if reads[lang][k] else None) for lang in langs]
        if first is None:
            readings = [(lang, w if w is not None and w.bbox[2] <= ln.words[0].bbox[0] else None) for lang, w in readings]
        token = decide(first, why, readings)
        seen = ", ".join(f"{lang} {w.text!r} {w.confidence:.0f}" if w else f"{lang} nothing" for lang, w in readings)
        if token is None:
            if first is not None:
                notes.append(f"heading numeral {first.text!r} ({why}) re-read from the page image ({seen}): kept")
            continue
        if first is None:
            found = max((w for _, w in readings if w is not None and heading_numeral(w.text)), key=lambda w: w.confidence)
            out[i] = _insert(ln, found.model_copy(update={"text": token}))
            notes.append(f"heading numeral missing before {ln.text[:30]!r}: re-read from the page image as {token!r} ({seen})")
            continue
        word = first.model_copy(update={"text": token})
        text = token + ln.text[len(first.text):] if ln.text.startswith(first.text) else ln.text
        out[i] = ln.model_copy(update={"text": text, "words": [word] + ln.words[1:]})
        notes.append(f"heading numeral {first.text!r} ({why}) re-read from the page image as {token!r} ({seen})")
    return out, notes


def _insert(ln: Line, word: Word) -> Line:
    """The line with the numeral its first read missed put before its text (its box grown to hold it)."""
    x0, y0, x1, y1 = ln.bbox or word.bbox
    return ln.model_copy(update={"text": f"{word.text} {ln.text}", "words": [word, *ln.words],
                                 "bbox": (min(x0, word.bbox[0]), y0, x1, y1)})


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
