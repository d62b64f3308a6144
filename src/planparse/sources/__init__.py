"""Sources: detect an input by content and plan how each page gets its text.

`plan(path)` reads only what it must (headers, PDF structure, text layers); page images are decoded
later, one at a time, by `load_page` inside the OCR workers, so long PDFs stay light in memory.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import InputError
from ..models import Source, Warning_
from . import detect, image, legacy, pdf
from .text import check_vietnamese, read_decoded


@dataclass(frozen=True)
class PageJob:
    """One page to OCR: where its pixels come from. Small and picklable, sent to worker processes."""

    path: str
    index: int
    method: Literal["pdf-image", "pdf-render", "image"]
    dpi: int | None = None


@dataclass
class SourcePlan:
    source: Source
    jobs: list[PageJob] = field(default_factory=list)
    layer: dict[int, pdf.LayerPage] = field(default_factory=dict)
    text: str | None = None
    warnings: list[Warning_] = field(default_factory=list)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def plan(path: str | Path, *, force_ocr: bool = False) -> SourcePlan:
    """Detect the input's kind and decide, page by page, text layer or OCR (and from which pixels)."""
    p = Path(path)
    mime = detect.sniff(p)
    size = p.stat().st_size

    def source(kind, pages):
        return Source(path=str(p), sha256=sha256_file(p), kind=kind, media_type=mime, pages=pages, size=size)

    mismatch = detect.name_mismatch(p, mime)
    warnings = [Warning_(stage="source", message=mismatch)] if mismatch else []
    if mime == "text/plain":
        got = read_decoded(p)
        check_vietnamese(got.text, str(p))
        note = got.warning()
        if note:
            warnings.append(Warning_(stage="source", message=note))
        return SourcePlan(source("text", 1), text=got.text, warnings=warnings)
    if mime.startswith("image/"):
        n = image.frame_count(p)
        readable, bad = image.readable_frames(p, n)
        warnings += [Warning_(stage="source", page=i + 1, message=f"{why}; page skipped") for i, why in bad]
        return SourcePlan(source("image", n), jobs=[PageJob(str(p), i, "image") for i in readable], warnings=warnings)
    sp = _plan_pdf(p, source, force_ocr)
    sp.warnings[:0] = warnings
    return sp


def _plan_pdf(p: Path, source, force_ocr: bool) -> SourcePlan:
    infos = pdf.inspect(p)
    layer_pages = {lp.index: lp for lp in pdf.text_layer(p)} if any(i.has_text for i in infos) else {}
    jobs, layer, warnings = [], {}, []
    encoding = legacy.repair("\n".join(lp.text for lp in layer_pages.values())).encoding if layer_pages else None
    if encoding:
        layer_pages = {i: pdf.map_words(lp, lambda t: legacy.convert(t, encoding)) for i, lp in layer_pages.items()}
        warnings.append(Warning_(stage="source", message=f"PDF text layer was in the legacy {encoding} font "
                                                         "encoding; converted to Unicode (check the result)"))
    for info in infos:
        lp = layer_pages.get(info.index)
        if lp is not None and not force_ocr:
            reason = pdf.layer_verdict(lp.text)
            if reason is None:
                layer[info.index] = lp
                continue
            if info.has_text:
                warnings.append(Warning_(stage="source", page=info.index + 1, message=f"{reason}; page OCR'd instead"))
        embedded = info.full_page_image and info.image_filter in ("/DCTDecode", "/FlateDecode", "/JPXDecode")
        method: Literal["pdf-image", "pdf-render"] = "pdf-image" if embedded else "pdf-render"
        jobs.append(PageJob(str(p), info.index, method, info.image_dpi))
    kind = "pdf-scanned" if not layer else "pdf-digital" if not jobs else "pdf-mixed"
    return SourcePlan(source(kind, len(infos)), jobs=jobs, layer=layer, warnings=warnings)


def load_page(job: PageJob, *, pixels: bool = False):
    """Decode one page's pixels: (PIL image, dpi). JPEG page images are handed over as they are. `pixels`: see
    image.load_frame (for the OCR page step, which reads them through ocr.preprocess only)."""
    p = Path(job.path)
    if job.method == "image":
        return image.load_frame(p, job.index, pixels=pixels)
    if job.method == "pdf-image":
        got = pdf.page_image_bytes(p, job.index)
        if got is not None:
            data, _kind = got
            try:
                return image.decode(data, f"{p} page {job.index + 1}"), job.dpi
            except InputError:
                pass
    info = pdf.inspect(p)[job.index]
    dpi = render_dpi(info.width_pt, info.height_pt)
    if dpi < 72:
        raise InputError(f"PDF page {job.index + 1} is too large to render safely", str(p))
    page = pdf.render_page(p, job.index, dpi)
    image.check_size(page.size, f"{p} page {job.index + 1}")
    return page, dpi


def render_dpi(width_pt: float, height_pt: float) -> int:
    """RENDER_DPI, lowered so the rendered page (rounded up to whole pixels) stays within MAX_PIXELS."""
    dpi = pdf.RENDER_DPI
    while dpi > 1 and (width_pt / 72 * dpi + 1) * (height_pt / 72 * dpi + 1) > image.MAX_PIXELS:
        dpi = min(dpi - 1, int(dpi * (image.MAX_PIXELS / ((width_pt / 72 * dpi + 1) * (height_pt / 72 * dpi + 1))) ** 0.5))
    return dpi
