"""Cited documents: `Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ`, `Luật Tổ chức Chính phủ năm 2025`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..models import Reference, Section
from ..repair.orthography import is_valid_syllable
from ..symbols import TYPE_NAMES, find_dates, parse_number, type_from_symbol
from ..text import fold, starts_with_phrase

_TYPES = sorted((k for k in TYPE_NAMES if k not in ("chi dao", "lenh")), key=len, reverse=True)
_TYPE_RX = re.compile(r"\b(" + "|".join(t.replace(" ", r"\s+") for t in _TYPES) + r")\b", re.I)
_SO = re.compile(r"^\s*(?:s[o06bde]?\s*[:.]?\s*){0,2}(?=\d|/)", re.I)
_NAMED_LAW = re.compile(r"^\s+([A-Z](?:[^,;.()“”\"]|,(?=\s[a-z])){2,90}?)\s+(?:n[a-z]{0,2}m\s+(\d{4})|s[o06]\s+(?=\d)|(?=ng[a-z]{0,2}y\s+\d))")  # noqa: E501 - one pattern reads best on one line
_ISSUER_STOP = {"về", "ban", "quy", "phê", "sửa", "hướng", "đẩy", "tại", "theo", "đã", "được", "ngày", "số", "thực",
                "triển", "với", "trong", "nhằm", "để", "cho", "là", "có", "thì", "tổ", "chỉ", "ký", "bổ", "kèm", "gồm",
                "tuyên", "phân", "điều", "hội", "năm", "giai", "đối", "nay", "này", "hiện", "như", "mà"}
_ISSUER_CAP_STOP = {"Về", "Đề", "Dự", "Phê", "Sửa", "V/v", "Luật"}
_ISSUER_STOP = {fold(w) for w in _ISSUER_STOP}
_ISSUER_CAP_STOP = {fold(w) for w in _ISSUER_CAP_STOP}
_ISSUER_PAIRS = {("ủy", "ban"), ("uỷ", "ban"), ("chấp", "hành"), ("quốc", "hội"), ("ban", "chỉ"), ("chỉ", "đạo"),
                 ("thường", "trực"), ("tổ", "chức")}
_ISSUER_PAIRS = {(fold(a), fold(b)) for a, b in _ISSUER_PAIRS}


def _is_cua(word: str) -> bool:
    """`của` as printed or as OCR garbled it: within one OCR edit and not some other real syllable."""
    return starts_with_phrase(word, ("cua",), is_valid_syllable) is not None


def _span(s: str, n: int) -> int:
    """Offset just after the n-th non-space character of s (spaces inside OCR'd numbers)."""
    seen = 0
    for i, ch in enumerate(s):
        if not ch.isspace():
            seen += 1
            if seen >= n:
                return i + 1
    return len(s)


def _issuer(text: str) -> str | None:
    """Issuing body after `của`: words up to a verb/preposition, at most four lowercase words in a row."""
    out: list[str] = []
    run = 0
    words = text.split()[:14]
    for i, w in enumerate(words):
        bare = w.strip(",;.():")
        pair = fold(" ".join(words[i:i + 2])).lower().strip(",;.():")
        if out and bare[:1].isupper() and pair in TYPE_NAMES and pair != "chi dao":
            break
        if not bare:
            break
        low = fold(bare).lower()
        prev = fold(out[-1]).lower() if out else ""
        paired = (prev, low) in _ISSUER_PAIRS
        if not out and not bare[:1].isupper():
            break
        if fold(bare) in _ISSUER_CAP_STOP and out:
            break
        if bare[:1].islower():
            if (low in _ISSUER_STOP and not paired) or run >= 4:
                break
            run += 0 if paired else 1
        else:
            run = 0
        out.append(bare)
        if w != bare and w.rstrip()[-1:] in ",;.(:":
            break
    while out and fold(out[-1]).lower() in ("va", "cac", "cua"):
        out.pop()
    return " ".join(out) or None


def find_in_text(text: str, notes: list[str] | None = None) -> list[Reference]:
    """Every citation in one paragraph; given `notes`, each symbol part taken as its nearest known part is told there."""
    refs: list[Reference] = []
    if not text:
        return refs
    f = fold(text)
    for m in _TYPE_RX.finditer(f):
        if not text[m.start()].isupper():
            continue
        key = re.sub(r"\s+", " ", m.group(1).lower())
        rtype = TYPE_NAMES.get(key, m.group(1))
        after = text[m.end():m.end() + 400]
        fafter = f[m.end():m.end() + 400]
        so = _SO.match(fafter)
        number = title = None
        end = m.end()
        if so:
            num = parse_number(after[so.end():so.end() + 60], type_hint=rtype, cited=True)
            if num and num["value"]:
                number = num["number"]
                if notes is not None:
                    notes += [f"cited number read {printed!r} in {number}, taken as {taken!r}: the one known "
                              f"abbreviation one OCR edit away" for printed, taken in num.get("guessed", [])]
                end = m.end() + so.end() + _span(after[so.end():], num["chars"])
        if number is None and rtype in ("Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp"):
            nl = _NAMED_LAW.match(fafter)
            if nl:
                title = after[nl.start(1):nl.end(1)].strip()
                end = m.end() + nl.end()
                if nl.group(2) is None and not fafter[nl.end():].lstrip().lower().startswith("ng"):
                    num = parse_number(after[nl.end():nl.end() + 40])
                    if num:
                        number = num["number"]
                        end += len(num["number"])
        if number is None and title is None:
            continue
        tail = text[end:end + 200]
        date = None
        dates = find_dates(tail)
        if dates and re.match(r"^\s*,?\s*(?:ng[a-zàáạảãâầấậẩẫăằắặẳẵ]{0,2}y\s*)?$", fold(tail[:dates[0][0]]), re.I):
            date = dates[0][2]
            end += dates[0][1]
            tail = text[end:end + 200]
        issuer = None
        cm = re.match(r"^\s*,?\s*(\S+)\s+", tail)
        cm = cm if cm and _is_cua(cm.group(1)) else None
        if cm:
            issuer = _issuer(tail[cm.end():])
            if issuer:
                end += cm.end() + tail[cm.end():].find(issuer.split()[-1]) + len(issuer.split()[-1])
        if number and rtype in ("Văn bản",):
            rtype = type_from_symbol(number.split("/", 1)[-1]) or rtype
        refs.append(Reference(type=rtype, number=number, date=date, issuer=issuer, title=title,
                              text=re.sub(r"\s+", " ", text[m.start():end]).strip()))
    return refs


def _walk(sections: list[Section], path: list[str]):
    for s in sections:
        p = path + ([s.number.rstrip(".)")] if s.number and s.kind not in ("dash", "plus") else [])
        yield s, ".".join(p) or "body"
        yield from _walk(s.children, p)


def find_references(sections: list[Section], extra: Sequence[tuple[str, str]] = (),
                    notes: list[str] | None = None) -> list[Reference]:
    """De-duplicated references of the whole body, each with the sections citing it (`notes`: see find_in_text)."""
    found = Citations(extra, notes)
    found.add(sections)
    return found.references()


class Citations:
    """The references of a body read a top-level section at a time (`find_references` in pieces): what it keeps
    is one entry per document cited, not the sections."""

    def __init__(self, extra: Sequence[tuple[str, str]] = (), notes: list[str] | None = None) -> None:
        self.found: dict[tuple, Reference] = {}
        self.cited: dict[tuple, set[str]] = {}
        self.notes = notes
        self._read(extra)

    def add(self, sections: list[Section]) -> None:
        """The citations in these sections (the next ones of the body, in order)."""
        self._read((" ".join(x for x in (s.title, s.text) if x), where) for s, where in _walk(sections, []))

    def references(self) -> list[Reference]:
        return list(self.found.values())

    def _read(self, items: Iterable[tuple[str, str]]) -> None:
        found, cited = self.found, self.cited
        for text, where in items:
            for r in find_in_text(text, self.notes):
                key = (r.type, r.number) if r.number else (r.type, fold(r.title or "").lower())
                old = found.get(key)
                if old is None:
                    r.cited_in = [where]
                    found[key], cited[key] = r, {where}
                    continue
                if where not in cited[key]:
                    cited[key].add(where)
                    old.cited_in.append(where)
                old.date = old.date or r.date
                old.issuer = old.issuer or r.issuer
