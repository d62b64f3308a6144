"""The review page: one self-contained HTML file to check what was read and repaired, and record decisions.

Everything is rendered here, escaped, as static HTML (it reads without JavaScript); the inline script
(review_assets.SCRIPT) only adds the threshold slider, j/k navigation, two-way links and the decisions
export. No network: page images are JPEG data URIs and the Content-Security-Policy allows nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..models import BBox, Document, Line, Page, Section
from . import review_assets
from .words import Token, line_tokens, short, token_at

IMAGE_WIDTH = 1400
"""Width in pixels of the page images in the page: enough to read 10-pt text, ~150-300 kB a page."""
LOW_CONFIDENCE = 60
"""Default of the slider: OCR words under this confidence are listed and coloured as doubtful."""
LISTED_CONFIDENCE = 90
"""Words under this confidence are in the side list (the slider shows those under its value)."""


@dataclass(frozen=True)
class _Item:
    """One entry of the side list: a repair or a doubtful word, with the boxes it is linked to."""

    key: str
    kind: str  # "rep" or "low"
    targets: tuple[str, ...]
    page: int
    before: str
    after: str
    confidence: float | None
    alternatives: tuple[str, ...]
    reason: str
    line: int | None
    start: int
    end: int
    table: int | None = None
    cell: int | None = None
    ocr: float | None = None
    """OCR confidence of the word(s) a repair changed (0-100), when known."""


def to_html(doc: Document) -> str:
    """The review page of a processed document as one HTML string."""
    lines = doc.lines()
    tokens = [line_tokens(ln) for ln in lines]
    items = list(_items(doc, lines, tokens))
    marked = {t: it for it in items for t in it.targets}
    jobs = _jobs(doc)
    body = "".join(_page(doc, p, lines, tokens, marked, jobs.get(p.number)) for p in doc.pages)
    side = _side(doc, lines, items)
    script = review_assets.SCRIPT
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
           "base-uri 'none'; form-action 'none'; connect-src 'none'")
    title = doc.header.summary or Path(doc.source.path).name
    data = json.dumps({"source": {"path": doc.source.path, "sha256": doc.source.sha256},
                       "document": json.loads(doc.model_dump_json())}, ensure_ascii=False)
    return (
        "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>Review · {escape(title)}</title><style>{review_assets.STYLE}</style></head>\n"
        f"<body data-low=\"{LOW_CONFIDENCE}\">{_topbar(doc)}<main><section id=\"pages\">{body}</section>"
        f"<aside id=\"side\">{side}</aside></main>\n"
        f"<script type=\"application/json\" id=\"review-data\">{_json_in_html(data)}</script>\n"
        f"<script>{script}</script></body></html>\n"
    )


def _json_in_html(text: str) -> str:
    """JSON safe inside a <script> data block: no '<', '>' or '&' can close it or start markup."""
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _topbar(doc: Document) -> str:
    h = doc.header
    facts = " · ".join(escape(x) for x in (doc.source.path, h.doc_type or "", h.number or "", str(h.date or "")) if x)
    return (
        "<header id=\"top\"><h1>" + escape(h.summary or Path(doc.source.path).name) + "</h1>"
        f"<p class=\"facts\">{facts} · {len(doc.pages)} page(s) · {len(doc.restorations)} repair(s) · "
        f"{len(doc.warnings)} warning(s)</p>"
        "<label class=\"thr\">confidence threshold <input type=\"range\" id=\"threshold\" min=\"0\" max=\"100\" "
        f"value=\"{LOW_CONFIDENCE}\"> <output id=\"threshold-value\">{LOW_CONFIDENCE}</output></label>"
        "<button type=\"button\" id=\"export\">Export decisions (JSON)</button>"
        "<span class=\"keys\">j/k next/previous · a accept · e edit · Esc leave field</span></header>"
    )


def _items(doc: Document, lines: list[Line], tokens: list[list[Token]]) -> Iterator[_Item]:
    """Repairs first (document order), then doubtful words no repair touched."""
    touched: set[str] = set()
    for n, r in enumerate(doc.restorations):
        if r.line >= 0 and r.line < len(lines):
            idx = token_at(tokens[r.line], r.start, r.end)
            targets = tuple(f"w-{r.line}-{i}" for i in idx) or (f"l-{r.line}",)
            ocr = min((c for c in (tokens[r.line][i].confidence for i in idx) if c is not None), default=None)
            touched.update(targets)
            yield _Item(f"r{n}", "rep", targets, r.page, r.original, r.restored, r.confidence * 100, tuple(r.alternatives),
                        r.reason, r.line, r.start, r.end, ocr=ocr)
        elif r.table is not None and r.cell is not None and r.table < len(doc.tables):
            table = doc.tables[r.table]
            cell = table.cells[r.cell] if r.cell < len(table.cells) else None
            target = (f"c-{r.table}-{r.cell}" if cell is not None and cell.bbox else f"t-{r.table}" if table.bbox
                      else f"page-{r.page}")
            yield _Item(f"r{n}", "rep", (target,), r.page, r.original, r.restored, r.confidence * 100,
                        tuple(r.alternatives), r.reason, None, r.start, r.end, r.table, r.cell,
                        ocr=cell.confidence if cell is not None else None)
    for li, toks in enumerate(tokens):
        for ti, t in enumerate(toks):
            key = f"w-{li}-{ti}"
            if key not in touched and t.confidence is not None and t.confidence < LISTED_CONFIDENCE:
                yield _Item(f"q{li}-{ti}", "low", (key,), lines[li].page, t.text, t.text, t.confidence, (), "", li,
                            t.start, t.end)


def _pct(box: BBox, page: Page) -> str:
    x0, y0, x1, y1 = box
    return (f"left:{100 * x0 / page.width:.3f}%;top:{100 * y0 / page.height:.3f}%;"
            f"width:{100 * max(x1 - x0, 1) / page.width:.3f}%;height:{100 * max(y1 - y0, 1) / page.height:.3f}%")


def _jobs(doc: Document) -> dict:
    """Where each OCR'd page's pixels come from (by page number), as the OCR stage chose them."""
    from ..sources import plan

    if not any(p.origin == "ocr" for p in doc.pages):
        return {}
    try:
        return {j.index + 1: j for j in plan(Path(doc.source.path), force_ocr=True).jobs}
    except Exception:  # noqa: BLE001 - each page then says its image is unavailable
        return {}


def _page(doc: Document, page: Page, lines: list[Line], tokens: list[list[Token]], marked: dict[str, _Item],
          job) -> str:
    """One page: its image with line, word, table and cell boxes on top (or its text when there is no image)."""
    first = sum(len(p.lines) for p in doc.pages if p.number < page.number)
    head = f"<h2 class=\"pno\">Page {page.number}</h2>"
    if not page.width or not page.height:
        text = "".join(f"<p id=\"l-{first + i}\" class=\"tl\">{escape(ln.text)}</p>" for i, ln in enumerate(page.lines))
        return f"<figure class=\"page text\" id=\"page-{page.number}\">{head}{text}</figure>"
    try:
        img = f"<img alt=\"page {page.number}\" src=\"data:image/jpeg;base64,{page_image(doc, page, job)}\">"
    except Exception as exc:  # noqa: BLE001 - the boxes and the text are still worth reviewing
        img = f"<p class=\"noimg\">page image unavailable: {escape(type(exc).__name__)}: {escape(str(exc))}</p>"
    boxes = []
    for i, ln in enumerate(page.lines):
        li = first + i
        if ln.bbox:
            boxes.append(f"<span class=\"ln\" id=\"l-{li}\" style=\"{_pct(ln.bbox, page)}\"></span>")
        for ti, t in enumerate(tokens[li]):
            key = f"w-{li}-{ti}"
            it = marked.get(key)
            conf = "" if t.confidence is None else f"{t.confidence:.0f}"
            cls = "w rep" if it is not None and it.kind == "rep" else "w"
            tip = f"{t.text} · {conf or '?'}%"
            if it is not None and it.kind == "rep":
                tip = f"{it.before} → {it.after} · {it.confidence:.0f}% sure"
                tip += f" · or: {', '.join(it.alternatives)}" if it.alternatives else ""
            item = f" data-item=\"{it.key}\"" if it is not None else ""
            if it is not None and it.kind == "rep":
                item += f" data-after=\"{escape(it.after)}\""
            elif it is None:  # what the script needs to put any other word on the list when it is clicked
                item = f" data-span=\"{li} {t.start} {t.end} {page.number}\" data-text=\"{escape(t.text)}\""
            boxes.append(f"<span class=\"{cls}\" id=\"{key}\" data-conf=\"{conf}\"{item} title=\"{escape(tip)}\" "
                         f"style=\"{_pct(t.bbox, page)}\"></span>")
    for ti, table in enumerate(doc.tables):
        if table.bbox and table.page == page.number:
            boxes.append(f"<span class=\"tb\" id=\"t-{ti}\" style=\"{_pct(table.bbox, page)}\"></span>")
        for ci, cell in enumerate(table.cells):
            if cell.bbox and (cell.page or table.page) == page.number:
                boxes.append(f"<span class=\"cell\" id=\"c-{ti}-{ci}\" title=\"{escape(cell.text)}\" "
                             f"style=\"{_pct(cell.bbox, page)}\"></span>")
    ratio = f"aspect-ratio:{page.width}/{page.height}"
    return (f"<figure class=\"page\" id=\"page-{page.number}\">{head}<div class=\"sheet\" style=\"{ratio}\">{img}"
            f"<div class=\"boxes\">{''.join(boxes)}</div></div></figure>")


def page_image(doc: Document, page: Page, job=None) -> str:
    """The page as OCR saw it (deskewed, turned upright), downscaled, as base64 JPEG; `job` is its sources.PageJob."""
    import numpy as np
    from PIL import Image

    from ..ocr.preprocess import rotate, rotate_quarter, to_gray
    from ..sources import load_page
    from ..sources.pdf import render_page

    src = Path(doc.source.path)
    if page.origin == "text-layer":
        pil = render_page(src, page.number - 1, dpi=int(72 * IMAGE_WIDTH / max(page.width, 1)))
    elif job is not None:
        pil, _ = load_page(job)
    else:
        raise FileNotFoundError(f"{src} no longer holds page {page.number}")
    pil.thumbnail((IMAGE_WIDTH * 2, IMAGE_WIDTH * 2)) if page.rotation % 180 else pil.thumbnail((IMAGE_WIDTH, IMAGE_WIDTH * 3))
    gray = to_gray(pil)
    if page.skew:
        gray = rotate(gray, page.skew)
    gray = rotate_quarter(gray, page.rotation)
    out = Image.fromarray(np.ascontiguousarray(gray))
    if out.width > IMAGE_WIDTH:
        out = out.resize((IMAGE_WIDTH, round(out.height * IMAGE_WIDTH / out.width)))
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=60, optimize=True)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _side(doc: Document, lines: list[Line], items: list[_Item]) -> str:
    parts = ["<h2>To check <small>(repairs and doubtful words)</small></h2><ol id=\"queue\">"]
    for it in items:
        attrs = (f" id=\"{it.key}\" class=\"item {it.kind}\" data-targets=\"{' '.join(it.targets)}\" "
                 f"data-conf=\"{'' if it.confidence is None else f'{it.confidence:.0f}'}\" data-page=\"{it.page}\" "
                 f"data-start=\"{it.start}\" data-end=\"{it.end}\" data-original=\"{escape(it.after)}\"")
        attrs += f" data-line=\"{it.line}\"" if it.line is not None else f" data-table=\"{it.table}\" data-cell=\"{it.cell}\""
        change = (f"<span class=\"before\">{escape(it.before)}</span> → <span class=\"after\">{escape(it.after)}</span>"
                  if it.kind == "rep" else f"<span class=\"after\">{escape(it.after)}</span>")
        conf = "" if it.confidence is None else f"<span class=\"conf\">{it.confidence:.0f}%</span>"
        if it.kind == "rep":
            conf = f"<span class=\"conf\">{it.confidence:.0f}% sure</span>" + (
                f"<span class=\"conf\">OCR {it.ocr:.0f}</span>" if it.ocr is not None else "")
        alts = f"<span class=\"alts\">or: {escape(', '.join(it.alternatives))}</span>" if it.alternatives else ""
        reason = f"<span class=\"reason\">{escape(it.reason)}</span>" if it.reason else ""
        parts.append(f"<li{attrs}><a class=\"go\" href=\"#{it.targets[0]}\">p.{it.page}</a> {change} {conf} {reason} {alts}"
                     f"<span class=\"edit\"><input class=\"fix\" value=\"{escape(it.after)}\" aria-label=\"correct word\">"
                     "<button type=\"button\" class=\"accept\">accept</button></span></li>")
    parts.append("</ol>")
    parts.append(_warnings(doc))
    parts.append(_header(doc, lines))
    parts.append("<h2>Sections</h2>" + (_sections(doc.sections, lines) or "<p class=\"none\">none found</p>"))
    parts.append(_references(doc, lines))
    parts.append(_tasks(doc, lines))
    return "".join(parts)


def _warnings(doc: Document) -> str:
    if not doc.warnings:
        return "<h2>Warnings</h2><p class=\"none\">none</p>"
    rows = "".join(
        f"<li class=\"warning\">{_link(f'#page-{w.page}', f'p.{w.page}') + ' ' if w.page else ''}"
        f"<b>{escape(w.stage)}</b>: {escape(w.message)}</li>" for w in doc.warnings)
    return f"<h2>Warnings</h2><ul id=\"warnings\">{rows}</ul>"


def _link(href: str, text: str) -> str:
    return f"<a class=\"src\" href=\"{escape(href)}\">{escape(text)}</a>"


def locate(lines: list[Line], text: str | None, *, page: int | None = None, start: bool = False) -> int | None:
    """Index of the first line where `text` (its first words) was read; None when it is not found."""
    if not text:
        return None
    probe = " ".join(text.split()[:5]).casefold()
    hays = [(i, " ".join(ln.text.split()).casefold()) for i, ln in enumerate(lines) if page is None or ln.page == page]
    found = next((i for i, hay in hays if (hay.startswith(probe) if start else probe in hay)), None)
    if found is None:  # a value printed over several lines (an issuer, a summary) starts with a whole line
        found = next((i for i, hay in hays if len(hay.split()) >= 2 and probe.startswith(hay)), None)
    return found


def _where(lines: list[Line], text: str | None, **kw) -> str:
    i = locate(lines, text, **kw)
    return "" if i is None else f" {_link(f'#l-{i}', 'p.' + str(lines[i].page))}"


def _header(doc: Document, lines: list[Line]) -> str:
    h = doc.header
    date_text = None
    if h.date:
        date_text = next((ln.text for ln in lines if str(h.date.year) in ln.text and "ngày" in ln.text.casefold()), None)
    fields = [("Issuer", h.issuer_parent, h.issuer_parent), ("Issuing body", h.issuer, h.issuer),
              ("Number/symbol", h.number, h.number), ("Type", h.doc_type, h.doc_type),
              ("Date", str(h.date) if h.date else None, date_text),
              ("Place", h.place, h.place), ("Summary", h.summary, h.summary), ("Motto", h.motto, (h.motto or "").split(" / ")[0])]
    rows = "".join(f"<dt>{k}</dt><dd>{escape(v)}{_where(lines, probe)}</dd>" for k, v, probe in fields if v)
    sig = doc.signature
    if sig:
        for k, v in (("Signer's title", sig.title), ("Signer", sig.name)):
            if v:
                rows += f"<dt>{k}</dt><dd>{escape(v)}{_where(lines, v)}</dd>"
    return f"<h2>Header</h2><dl id=\"header-fields\">{rows or '<dd class=none>none found</dd>'}</dl>"


def _sections(nodes: list[Section], lines: list[Line]) -> str:
    if not nodes:
        return ""
    out = []
    for s in nodes:
        label = " ".join(x for x in (s.number, s.title or short(s.text, 80)) if x)
        probes = [" ".join(x for x in (s.number, s.title or s.text) if x), s.title or s.text, s.number]
        where = next((w for w in (_where(lines, p, page=s.page, start=True) for p in probes if p) if w), "")
        out.append(f"<li><span class=\"sec\">{escape(label)}</span>{where}{_sections(s.children, lines)}</li>")
    return f"<ul class=\"tree\">{''.join(out)}</ul>"


def _references(doc: Document, lines: list[Line]) -> str:
    if not doc.references:
        return "<h2>References</h2><p class=\"none\">none found</p>"
    rows = "".join(f"<li>{escape(r.text)}{_where(lines, r.text)}</li>" for r in doc.references)
    return f"<h2>References</h2><ul id=\"references\">{rows}</ul>"


def _tasks(doc: Document, lines: list[Line]) -> str:
    if not doc.tasks:
        return "<h2>Tasks</h2><p class=\"none\">none found</p>"
    head = "<tr><th>TT</th><th>Task</th><th>Lead</th><th>Deadline</th><th></th></tr>"
    rows = []
    for t in doc.tasks:
        table = doc.tables[t.table] if t.table < len(doc.tables) else None
        cell = _task_cell(table, t.task) if table is not None else None
        where = (_link(f"#c-{t.table}-{cell}", f"p.{table.cells[cell].page or table.page}")
                 if table is not None and cell is not None
                 else _link(f"#t-{t.table}", f"p.{table.page}") if table is not None and table.bbox and table.page
                 else _where(lines, t.task).strip())
        rows.append(f"<tr><td>{escape(t.tt or '')}</td><td>{escape(t.task)}</td><td>{escape(t.lead or '')}</td>"
                    f"<td>{escape(t.deadline.text if t.deadline else '')}</td><td>{where}</td></tr>")
    return f"<h2>Tasks</h2><table id=\"tasks\">{head}{''.join(rows)}</table>"


def _task_cell(table, task: str) -> int | None:
    """Index of the boxed cell the task's text was read from, when one starts with its first words."""
    probe = " ".join(task.split()[:4]).casefold()
    return next((i for i, c in enumerate(table.cells)
                 if c.bbox and (c.page or table.page) and " ".join(c.text.split()).casefold().startswith(probe)), None)
