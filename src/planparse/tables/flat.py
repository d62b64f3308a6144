"""Rebuild a task table that OCR flattened into interleaved text lines (no ruled grid available).

Rows come from the TT numbering (1, 2, 3 … at the start of a line, usually the row's middle line); the lines
between two numbers are shared out between the rows around them, and each row's lines are split into column
fragments by `flatsplit` (syllable LM + the column grammars here: unit names for lead and partners, deadline
phrases, kinds of documents for the product). Run after the repair stage, so the text is already mended.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
from unidecode import unidecode

from ..models import Cell, Line, Restoration, Table
from ..text import CharTable
from . import flatsplit
from ._text import clean
from .flatcells import CellRepair, Change, Confidences, changes, line_tokens, lines_of, put_back, span_confs, span_text
from .flatsplit import Grammar

HEADER_KEYS = {
    "tt": r"(?:^|\s)s?tt\b",
    "task": r"\bnh\w{0,3}m v\w\b|\bn\w{1,2}i dung\b",
    "lead": r"\bch\w{1,2} tr\w\b",
    "partners": r"\bph\w{1,3} h\w?p\b",
    "deadline": r"\bth\w{1,2}i (?:gian|han)\b|\bho\w{1,2}n th\w{1,3}h\b",
    "product": r"\bs\w{1,2}n ph\w{0,2}m\b|\bk\w{1,2}t qu\w\b",
}
ROLE_ORDER = ("tt", "task", "lead", "partners", "deadline", "product")
_Y = r"(?:19|20)\d\d"
DEADLINE = re.compile(
    rf"thuong xuyen(?: trong nam {_Y})?|hang (?:nam|quy|thang|tuan)|dinh ky"
    rf"|(?:truoc|tu|den|trong) (?:ngay )?\d{{1,2}}/\d{{1,2}}/{_Y}|\d{{1,2}}/\d{{1,2}}/{_Y}"
    rf"|quy [ivx1-4]+(?: ?[-,] ?(?:quy )?[ivx1-4]+)?(?: ?/ ?| nam ){_Y}"
    rf"|thang \d{{1,2}}(?: ?[-,] ?\d{{1,2}})?(?: ?/ ?| nam ){_Y}"
    rf"|6 thang (?:dau|cuoi) nam {_Y}"
    rf"|\bn\w{{1,2}}m {_Y}(?: ?- ?{_Y})?"
)
UNIT_HEAD = re.compile(
    r"\b(?:c\w{1,2}c ph\w{1,3}|van phong|phong|trung tam|chi cuc|ubnd|uy ban nhan dan|ban|thanh tra|so|cong an|doan|hoi)"
    r"[,.]? [a-z]"
)
"""Skeleton of a unit's head noun (Phòng, Trung tâm, Sở, …) followed by the start of its name."""
UNIT_LINKS = frozenset({"don", "vi", "thuoc", "truc", "cap", "va", "-", "&"})
"""Skeletons of the lower-case words that join parts of one unit's name: `Các phòng, đơn vị trực thuộc Sở`."""
PLURAL = frozenset({"cac", "nhung"})
"""Plural markers: inside a line they begin a new noun phrase (the next cell), never continue a name."""
PRODUCT = re.compile(
    r"\b(?:bao cao|ke hoach|van ban|s\w{1,2}n ph\w{0,2}m|tai lieu|an pham|to roi|cong van|quyet dinh"
    r"|huong dan|bai viet|phong su|hinh anh|chuyen muc|danh sach|de an|bien ban|du thao|thong bao|to trinh)\b"
)
"""Document kinds a product cell names (a generic list of administrative outputs)."""
_END = re.compile(r"^(?:noi nhan|kt\.|tm\.|tl\.|giam doc|chu tich)")
DIGIT_SHAPES = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "i": "1", "!": "1", "]": "1",
                              "[": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "b": "6", "G": "6", "B": "8", "g": "9", "q": "9"})
"""Glyphs OCR reads in place of a digit because they share its shape (a vertical stroke for 1, a loop for 0, …)."""


_SKEL1 = CharTable(lambda ch: unidecode(ch)[:1] or " ")


def skel1(text: str) -> str:
    """Lower-case ASCII skeleton with exactly one character per input character (positions line up)."""
    return text.translate(_SKEL1).lower()


def header_roles(text: str) -> list[tuple[int, str]]:
    """(position, role) of the header keywords found in one line."""
    sk = skel1(text)
    hits = []
    for role, pat in HEADER_KEYS.items():
        m = re.search(pat, sk)
        if m:
            hits.append((m.start() + (1 if sk[m.start()] == " " else 0), role))
    return sorted(hits)


def _tt(line: str, k: int) -> int | None:
    """End offset of the number k at the start of the line (digits read as look-alike glyphs accepted), else None."""
    m = re.match(r"\s*(\S+?)[.)|]?(?=\s|$)", line)
    if not m:
        return None
    tok = m.group(1)
    if tok == str(k) or (len(tok) <= 2 and tok.translate(DIGIT_SHAPES) == str(k)):
        return m.end()
    return None


def _starts_cell(sk: str, i: int) -> bool:
    """True when a unit, deadline or product phrase begins at offset i of the skeleton."""
    return bool(UNIT_HEAD.match(sk, i) or DEADLINE.match(sk, i) or PRODUCT.match(sk, i))


def _name_end(text: str, sk: str, start: int) -> int:
    """End of a unit's proper name: capitalised words, each followed by at most one lower-case syllable."""
    last, lower = start, 0
    for t in re.finditer(r"\S+", text[start:]):
        i = start + t.start()
        if i > start and _starts_cell(sk, i):
            break
        w = t.group()
        if i > start and skel1(w) in PLURAL:
            break
        if w[:1].isupper() or w[:1].isdigit():
            lower = 0
        elif skel1(w).strip(",;.") in UNIT_LINKS:
            lower = -1
        else:
            lower += 1
            if lower > 1:
                break
        last = start + t.end()
    return last


def find_units(text: str) -> list[tuple[int, int, str]]:
    """(start, end, unit text) of the unit names in the line: a capitalised head noun and the name after it."""
    sk = skel1(text)
    out: list[tuple[int, int, str]] = []
    for m in UNIT_HEAD.finditer(sk):
        if any(s <= m.start() < e for s, e, _ in out) or not text[m.start():m.start() + 1].isupper():
            continue
        last = _name_end(text, sk, m.end() - 1)
        out.append((m.start(), last, clean(text[m.start():last]).rstrip(",;")))
    return sorted(out)


DEADLINE_FORMS = {"quy": "quý", "thang": "tháng", "nam": "năm", "truoc": "trước", "tu": "từ", "den": "đến",
                  "ngay": "ngày", "trong": "trong", "dinh": "định", "ky": "kỳ", "thuong": "thường", "xuyen": "xuyên",
                  "dau": "đầu", "cuoi": "cuối", "hang": "hằng"}
"""The one printed form of each word of a deadline phrase (DEADLINE), by skeleton: in a deadline `quy` is only
ever `quý`, `ky` only `kỳ` (`hằng` also printed `hàng`: kept when it is)."""


def _deadline_text(orig: str, sk: str) -> str:
    """Printed deadline: when it is a whole deadline phrase, each of its words in its one printed form (the year
    word OCR garbled, marks the repair of a lone cell got wrong)."""
    if not DEADLINE.fullmatch(sk.strip(" .,;")):
        return clean(orig)
    out = []
    for tok in clean(orig).split():
        key = skel1(tok)
        form = DEADLINE_FORMS.get(key) or ("năm" if re.fullmatch(r"n\w{1,2}m", key) else None)
        if form is None or tok.lower() in ("hằng", "hàng"):
            out.append(tok)
        else:
            out.append(form[0].upper() + form[1:] if tok[:1].isupper() or not out else form)
    return " ".join(out)


W_CAP = 1.5
"""log10 cost of a cell (task, lead, partners, product) starting with a lower-case word: cells start capitalised."""
W_ROLE = 1.5
"""log10 bonus of a lead/partners cell starting with a unit head, a deadline with a deadline word, a product
with a document kind; a deadline starting otherwise costs as much."""
W_DEADLINE = 2.0
"""log10 bonus of a finished deadline cell that is a whole deadline phrase; one that is not costs as much."""
W_EMPTY = {"task": 4.0, "lead": 1.0, "deadline": 1.0, "partners": 0.5}
"""log10 cost of an empty cell by role (a task row always names its task, nearly always its lead and deadline)."""
W_OPEN = 1.5
"""log10 cost of a cell ending with a comma, semicolon, colon or dash: its text goes on elsewhere."""
W_CENTRE = 2.0
"""log10 cost of a cell (or the row number) neither vertically centred in its row nor at its top."""
W_TASK_LATE = 2.0
"""log10 cost of a line with text while the task cell has not begun (it is the widest and usually tallest)."""
W_TITLE = 0.7
"""Weight of -log10(share of a word's mid-sentence uses written Title-case) as the cost of a cell's wrapped text
going on with that word capitalised: `Đăng` (1.5 %) starts a new row's task, `Tài chính` (11 %) goes on a unit name."""
TITLE_FLOOR = 0.01
"""Lowest Title-case share counted (so a capitalised common word costs at most 2 x W_TITLE)."""
TITLE_UNKNOWN = 0.3
"""Title-case share assumed for a capitalised word the table does not hold (a rare name)."""
W_WIDTH = 1.5
"""log10 cost of a fragment wider than its column, or of wrapped text whose first word fitted on the line above."""
WIDTH_SHARE = 0.9
"""A column's width is this quantile of its fragments' lengths on the first split (a few misplaced ones are longer)."""
WIDTH_ROWS = 12
"""Rows split the first time to measure the column widths (enough for a stable quantile; a long table costs less)."""
RESPLITS = 1
"""Times the lines are split again with the cells' repaired words written back (split_cells). Tuning tables,
stripped then repaired, cells of the same skeleton task/lead/partners/deadline/product: none 111/94/89/120/122,
once 122/105/99/128/133, twice 122/105/101/128/133 (+20 % CPU), three times 120/106/99/126/132."""
MAX_BEFORE = 3
"""Lines before the first numbered line that may belong to the first row (a 7-line row centres its number)."""
MAX_GAP = 6
"""Lines between two numbered lines kept at each end of the gap (a longer gap is a page break's running text)."""
MAX_AFTER = 4
"""Lines after the last numbered line that may still belong to the table's last row."""
DEADLINE_WORDS = frozenset({"năm", "quý", "tháng", "trước", "từ", "đến", "trong", "thường", "hằng", "hàng", "định",
                            "ngày", "giai", "liên", "cuối", "đầu", "sau", "cả", "hoàn", "chậm"})
"""First words of a deadline cell wrapped before its date (`Trước ngày` / `15/12/2026`)."""
UNIT_WORDS = frozenset({"phòng", "trung", "chi", "ubnd", "ủy", "ban", "thanh", "sở", "công", "đoàn", "hội", "văn",
                        "các", "bộ", "cục", "viện", "trường", "mặt", "bch", "báo", "đài", "kho", "ngân", "liên", "tỉnh",
                        "huyện", "xã", "hđnd", "cơ", "đơn", "tổng", "tổ", "nhà", "hạt", "bưu", "quỹ", "bệnh", "đội"})
"""First words of a unit's name (Phòng, Trung tâm, Sở, Các phòng, Cơ quan, Đơn vị, Hạt Kiểm lâm …)."""
_DEADLINE_FOLDED = frozenset(skel1(w) for w in DEADLINE_WORDS)
_UNIT_FOLDED = frozenset(skel1(w) for w in UNIT_WORDS)


def _listed(tok: str, words: frozenset[str], folded: frozenset[str]) -> bool:
    """Whether a token is one of `words` (their skeletons `folded`): a token OCR printed without marks is compared by
    its skeleton (raw OCR text; an unmarked `Quy` may be quý or quỹ), one with marks as printed (`Vận` is no `Văn`)."""
    w = tok.strip(",;.:()").lower()
    return w in folded if skel1(w) == w else w in words


def _start_score(role: str, tok: str, sk: str) -> float:
    """Grammar score of a cell of `role` starting at token `tok` (sk: skeleton of the line from there on)."""
    cap, digit = tok[:1].isupper(), tok[:1].isdigit()
    if role == "deadline":
        deadline = digit or DEADLINE.match(sk) or _listed(tok, DEADLINE_WORDS, _DEADLINE_FOLDED)
        return W_ROLE if (cap or digit) and deadline else -W_ROLE
    if role in ("lead", "partners"):
        return W_ROLE if cap and (UNIT_HEAD.match(sk) or _listed(tok, UNIT_WORDS, _UNIT_FOLDED)) else 0.0 if cap else -W_CAP
    if role == "product":
        return W_ROLE if cap and PRODUCT.match(sk) else 0.0 if cap or digit else -W_CAP
    return W_CAP if cap or digit else -W_CAP


def _cont_score(rates: dict[str, float], tok: str) -> float:
    """Grammar score of a cell's wrapped text going on with `tok`: free unless a capitalised common word."""
    if not tok[:1].isupper() or tok.isupper():
        return 0.0
    rate = rates.get(tok.strip(",;.:()").lower(), TITLE_UNKNOWN)
    return W_TITLE * float(np.log10(max(rate, TITLE_FLOOR)))


_YEAR = re.compile(rf"(?<![\d/]){_Y}(?![\d/])")
"""A year: in the task or the deadline, never in a unit's name."""


def _cell_score(role: str, text: str) -> float:
    """Grammar score of a finished cell: deadlines must be whole deadline phrases, tasks present."""
    if not text:
        return -W_EMPTY.get(role, 0.0)
    if text[-1] in ",;:-–":
        return -W_OPEN
    if role == "deadline":
        return W_DEADLINE if DEADLINE.fullmatch(skel1(text).strip(" .,;")) else -W_DEADLINE
    if role in ("lead", "partners") and _YEAR.search(text):
        return -W_ROLE
    return 0.0


def _columns(head_text: str) -> tuple[str, ...]:
    """Roles of the printed columns after TT, in order: the header's when it names the task and two others."""
    found = [r for _, r in header_roles(head_text) if r != "tt"]
    if "task" in found and len(found) >= 3 and len(set(found)) == len(found):
        return tuple(found)
    return ROLE_ORDER[1:]


def _trim(text: str) -> str:
    """A cell's text without the separators around it (a wrapped unit's dash, a list's comma)."""
    return clean(text).strip(" ,;-–")


def _cell_text(role: str, text: str) -> str:
    """A cell's final text: trailing separators trimmed, the deadline's year word mended."""
    text = _trim(text)
    if role == "deadline" and text:
        return _deadline_text(text, skel1(text))
    return text


@dataclass
class SplitMemo:
    """What splitting a table's lines again reuses (split_cells: the lines split again once the cells' repaired words
    are written back, most lines unchanged): each line prepared, by its index and tokens, and the beams decoded
    under the widths' grammar, keyed by the prepared lines' identities (`flatsplit.decode`; the lines are kept here,
    so an identity is never reused). 30 tuning tables (seed 101, 145 rows), stripped then repaired: lines prepared
    1314 -> 605, decoder steps 3067 -> 2656, tables stage 9.23 -> 8.01 CPU s (least of 3, paired table by table at
    load ~16), every cell the same."""

    lines: dict[tuple[int, tuple[str, ...]], flatsplit.FlatLine] = field(default_factory=dict)
    beams: dict = field(default_factory=dict)


def split_rows(body: list[str], anchors: list[int], ends: list[int], cols: tuple[str, ...],
               widths: tuple[float, ...] | None = None,
               memo: SplitMemo | None = None) -> tuple[list[flatsplit.Row], tuple[float, ...]]:
    """The split of each numbered row and the columns' widths in characters: measured on a first split of the
    first rows unless given, then every row split knowing them (`memo`: what an earlier split of the same table
    with the same widths left to reuse)."""
    from ..repair.engine import get_model

    model = get_model()
    memo = SplitMemo() if memo is None else memo
    grammar = Grammar(cols, _start_score, _cell_score, partial(_cont_score, model.title_rate), W_CENTRE, W_TASK_LATE)
    if widths is None:
        rows = _split_rows(model.lm, body[:anchors[WIDTH_ROWS]] if len(anchors) > WIDTH_ROWS else body,
                           anchors[:WIDTH_ROWS], ends[:WIDTH_ROWS], grammar, SplitMemo(lines=memo.lines))
        sized = []
        for c in range(len(cols)):
            sizes = sorted(len(f) for row in rows for f in (row.frags[c] if c < len(row.frags) else ()))
            sized.append(float(sizes[int(WIDTH_SHARE * (len(sizes) - 1))]) if sizes else 1e9)
        widths = tuple(sized)
    rows = _split_rows(model.lm, body, anchors, ends, replace(grammar, widths=widths, width_cost=W_WIDTH), memo)
    return rows, widths


def _prepared(lm, text: str, grammar: Grammar, i: int, memo: SplitMemo) -> flatsplit.FlatLine:
    """Line `i` ready for splitting, prepared once per tokens (the grammar's start and cont scores are the same
    under any widths)."""
    key = (i, flatsplit.tokens(text))
    got = memo.lines.get(key)
    if got is None:
        got = memo.lines[key] = flatsplit.prepare(lm, text, skel1, grammar, key=i)
    return got


def _split_rows(lm, body: list[str], anchors: list[int], ends: list[int], grammar: Grammar,
                memo: SplitMemo) -> list[flatsplit.Row]:
    """The best split of each numbered row. The lines between two numbered lines go, in order, to the row above
    then to the one below: the share that scores best when both rows are split (numbers may be centred)."""
    tt_end = dict(zip(anchors, ends))
    need = range(max(0, anchors[0] - MAX_BEFORE), min(len(body), anchors[-1] + 1 + MAX_AFTER))
    prep = {i: _prepared(lm, body[i][tt_end.get(i, 0):], grammar, i, memo) for i in need}
    lines = {i: p for i, p in prep.items() if p.toks}
    pre = [lines[i] for i in range(max(0, anchors[0] - MAX_BEFORE), anchors[0]) if i in lines]
    out = []
    beams = memo.beams
    for k, a in enumerate(anchors):
        last = k + 1 == len(anchors)
        stop = len(body) if last else anchors[k + 1]
        gap = [lines[i] for i in range(a + 1, stop) if i in lines]
        if len(gap) > 2 * MAX_GAP:
            gap = gap[:MAX_GAP] + gap[-MAX_GAP:]
        if last:
            gap = gap[:MAX_AFTER if not pre else min(MAX_AFTER, len(pre) + 1)]
        here = flatsplit.decode(lm, pre + [prep[a]] + gap, grammar, beams, at={len(pre) + 1 + s for s in range(len(gap) + 1)})
        best, share = None, len(gap)
        shares = [s for s in range(len(gap) + 1) if flatsplit.centred(len(pre), 1, len(pre) + 1 + s)] or [len(gap)]
        for s in [len(gap)] if last else shares:
            score = here[len(pre) + 1 + s].score
            if not last:
                nxt = gap[s:] + [prep[anchors[k + 1]]]
                score += flatsplit.decode(lm, nxt, grammar, beams, complete=False, at={len(nxt)})[len(nxt)].score
            if best is None or score > best:
                best, share = score, s
        out.append(here[len(pre) + 1 + share])
        pre = gap[share:]
    return out


def _cells(rows: list[flatsplit.Row], cols: tuple[str, ...], source: Mapping[int, Sequence[str]]) -> list[dict[str, str]]:
    """Per row, each column's cell by role: its words from `source` (tokens by line), separators trimmed."""
    return [{r: _trim(span_text(spans, source)) for r, spans in zip(cols, row.spans)} for row in rows]


def _kept(role: str, read: str, seen: str) -> bool:
    """A cell the per-cell repair leaves alone: read with marks and none of its words changed by the lines' repair
    (text as printed: the repair of a lone cell, without the words around it, would only risk wrong marks), or a
    whole deadline phrase (its words have one printed form each: `_deadline_text`)."""
    if role == "deadline" and DEADLINE.fullmatch(skel1(read).strip(" .,;")):
        return True
    return read == seen and skel1(read) != read.lower()


def _repaired(repair: CellRepair, read: list[dict[str, str]], seen: list[dict[str, str]],
              confs: list[dict[str, Confidences]]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The body cells as read, repaired one by one in one call on the table's cells in order (the header's, the row
    numbers and the cells kept as read passed empty: see CellRepair); and the same cells before a kept deadline
    took its words' printed forms (what `_final` records the changes against)."""
    send = [{r: t for r, t in row.items() if not _kept(r, t, was.get(r, ""))} for row, was in zip(read, seen)]
    texts = [""] * len(ROLE_ORDER) + [row.get(r, "") for row in send for r in ROLE_ORDER]
    known: list[Confidences] = [None for _ in ROLE_ORDER]
    known += [c.get(r) if r in row else None for row, c in zip(send, confs) for r in ROLE_ORDER]
    fixed = repair(texts, known)
    n = len(ROLE_ORDER)
    before = [{r: fixed[n * (k + 1) + c] if r in ask else row[r] for c, r in enumerate(ROLE_ORDER) if r in row}
              for k, (row, ask) in enumerate(zip(read, send))]
    return [{r: _deadline_text(t, skel1(t)) if r == "deadline" and r not in ask else t for r, t in row.items()}
            for row, ask in zip(before, send)], before


def split_cells(body: list[str], raws: list[str | None], anchors: list[int], ends: list[int], cols: tuple[str, ...],
                repair: CellRepair | None = None,
                confs: list[Confidences] | None = None
                ) -> tuple[list[dict[str, str]], list[dict[str, list[int]]], list[dict[str, list[Change]]]]:
    """Per numbered row, its cells' text by role, the body lines each came from and the words the tables stage
    changed in it itself (a deadline's printed forms: `_final`).

    Without `repair` the cells are the split's text. With it, each cell the lines' repair changed is taken from the
    lines as read (`raws`, with their words' OCR confidences `confs`) and repaired on its own; the lines are split
    again with the repaired words written back (the cells' own context instead of the whole lines'), and the final
    cells taken and repaired the same way."""
    memo = SplitMemo()
    rows, widths = split_rows(body, anchors, ends, cols, memo=memo)
    tt_end = dict(zip(anchors, ends))
    got = {i: line_tokens(body[i], raws[i], tt_end.get(i, 0), confs[i] if confs else None) for i in range(len(body))}
    seen = {i: t for i, (t, _, _) in got.items()}
    read = {i: r for i, (_, r, _) in got.items()}
    sure = {i: c for i, (_, _, c) in got.items()}
    cells = _cells(rows, cols, seen)
    if repair is None or all(read[i] == seen[i] for i in read):
        return _final(rows, cols, cells)

    def as_read(rows: list[flatsplit.Row]) -> tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, Confidences]]]:
        texts = [{r: span_text(spans, read) for r, spans in zip(cols, row.spans)} for row in rows]
        known = [{r: span_confs(spans, sure, texts[k][r]) for r, spans in zip(cols, row.spans)} for k, row in enumerate(rows)]
        return [{r: _trim(t) for r, t in row.items()} for row in texts], _cells(rows, cols, seen), [
            {r: c if c is None or len(_trim(texts[k][r]).split()) == len(c) else None for r, c in row.items()}
            for k, row in enumerate(known)]

    lines = seen
    for _ in range(RESPLITS):
        was, now, known = as_read(rows)
        cells, before = _repaired(repair, was, now, known)
        toks = {i: list(t) for i, t in seen.items()}
        for row, old, new in zip(rows, was, cells):
            for r, spans in zip(cols, row.spans):
                put_back(toks, spans, old[r], new[r])
        if all(toks[i] == list(lines[i]) for i in toks):
            return _final(rows, cols, cells, before)
        lines = {i: tuple(t) for i, t in toks.items()}
        again = [(body[i][:tt_end[i]] + " " if i in tt_end else "") + " ".join(toks[i]) for i in range(len(body))]
        rows, _ = split_rows(again, anchors, ends, cols, widths, memo)
    return _final(rows, cols, *_repaired(repair, *as_read(rows)))


def _final(rows: list[flatsplit.Row], cols: tuple[str, ...], cells: list[dict[str, str]],
           before: list[dict[str, str]] | None = None
           ) -> tuple[list[dict[str, str]], list[dict[str, list[int]]], list[dict[str, list[Change]]]]:
    """The rows' final cell texts by role, the body lines each cell came from, and the words the tables stage
    changed in each cell (a deadline's printed forms) against `before` (default `cells`: the cells as split, or as
    the repair returned them), separators around a cell aside."""
    texts = [{r: _cell_text(r, t) for r, t in row.items()} for row in cells]
    mends = [{r: changes(_trim(was[r]), t) for r, t in row.items()} for row, was in zip(texts, before or cells)]
    return texts, [{r: lines_of(spans) for r, spans in zip(cols, row.spans)} for row in rows], mends


def _is_header_line(text: str) -> bool:
    """A table header names at least three roles and is made of little else (not a sentence that
    happens to say "nhiệm vụ … hoàn thành … kết quả")."""
    roles = {r for _, r in header_roles(text)}
    return len(roles) >= 3 and ("tt" in roles or len(text.split()) <= 3 * len(roles))


MEND_CONFIDENCE = 0.9
"""Confidence of a deadline word's printed form taken by rule (as the repair stage's rule-made changes)."""


def rebuild_from_lines(lines: Sequence[Line], repair: CellRepair | None = None,
                       records: list[Restoration] | None = None) -> Table | None:
    """The flattened annex table in the lines, or None when no header and numbered rows are found. The lines are
    read once, in order, keeping only the few before the table's header and the table's own (a long text's
    lines are never all held). Given `repair`, the cells come from the lines as read (`Line.raw`), each repaired on
    its own (see `split_cells`); the table's cells name the lines (indices in `lines`) their text came from.
    Given `records`, a change record (reason `deadline`, `cell` set, `table` left None) is added to it for each word
    the rebuild itself changed: a deadline phrase's words in their printed forms."""
    before: deque[str] = deque(maxlen=6)
    found = None
    read = enumerate(lines)
    for at, ln in read:
        t = clean(ln.text)
        if _is_header_line(t):
            found = (t, ln.page, at)
            break
        before.append(t)
    if found is None:
        return None
    head_text, page, head_at = found
    body: list[str] = []
    raws: list[str | None] = []
    confs: list[Confidences] = []
    line_pages: list[int] = []
    for _, ln in read:
        t = clean(ln.text)
        if _END.match(skel1(t)):
            break
        body.append(t)
        raws.append(clean(ln.raw) if repair is not None and ln.raw else None)
        confs.append(tuple(w.confidence for w in ln.words) if repair is not None and ln.words else None)
        line_pages.append(ln.page)
    pages = {page, *line_pages}
    anchors: list[int] = []
    ends: list[int] = []
    k = 1
    for i, t in enumerate(body):
        e = _tt(t, k)
        if e is not None and (k > 1 or t.split()[0] == "1" or find_units(t) or DEADLINE.search(skel1(t))):
            anchors.append(i)
            ends.append(e)
            k += 1
    if len(anchors) < 2:
        return None
    cols = _columns(head_text)
    texts, origins, mends = split_cells(body, raws, anchors, ends, cols, repair, confs)
    rows = [[str(k + 1)] + [cells.get(r, "") for r in ROLE_ORDER[1:]] for k, cells in enumerate(texts)]
    share = sum(bool(r[2]) + bool(r[4]) for r in rows) / (2 * len(rows))
    hp = header_roles(head_text)
    ends = [s for s, _ in hp[1:]] + [len(head_text)]
    printed = {role: clean(head_text[s:e]) for (s, role), e in zip(hp, ends)}
    headers = [printed.get(r, r) for r in ROLE_ORDER]
    cells = [Cell(row=0, col=c, text=h, page=page, lines=[head_at]) for c, h in enumerate(headers)]
    for k, (row, got) in enumerate(zip(rows, origins)):
        for c, (role, text) in enumerate(zip(ROLE_ORDER, row)):
            came = [anchors[k]] if role == "tt" else got.get(role, [])
            cells.append(Cell(row=k + 1, col=c, text=text, page=line_pages[came[0]] if came else page,
                              lines=[head_at + 1 + i for i in came]))
            if records is not None:
                records += [Restoration(page=cells[-1].page or 1, line=-1, start=at, end=at + len(new), original=old,
                                        restored=new, confidence=MEND_CONFIDENCE, reason="deadline", cell=len(cells) - 1)
                            for at, old, new in mends[k].get(role, ())]
    title_at = min((i for i, t in enumerate(before) if re.match(r"^(danh muc|phu luc)\b", skel1(t))), default=None)
    title = None
    if title_at is not None:
        parts = [before[title_at]]
        for t in list(before)[title_at + 1:]:
            if len(header_roles(t)) >= 2 or t.startswith("("):
                break
            parts.append(t)
        title = " ".join(parts)
    return Table(page=page, pages=sorted(pages),
                 title=title, headers=headers, roles=list(ROLE_ORDER), rows=rows, cells=cells, origin="text",
                 confidence=round(0.3 + 0.5 * share, 2))
