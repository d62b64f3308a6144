"""Tesseract in process (tesserocr built on the system Tesseract) and as the `tesseract` program read alike: the same
words, boxes and confidences, the same page turn, the same typed failures. The page is rendered here."""

from __future__ import annotations

import numpy as np
import pytest

from planparse.devtools import synth
from planparse.errors import EngineMissing, PageTimeout
from planparse.ocr import layout, preprocess, tesseract

from .conftest import letter_doc

pytestmark = pytest.mark.skipif(not tesseract.in_process(), reason="tesserocr missing or built on another Tesseract")


@pytest.fixture(scope="module")
def gray() -> np.ndarray:
    return preprocess.to_gray(synth.render(letter_doc(), dpi=300)[0])


def _read(gray: np.ndarray, engine: str, monkeypatch) -> list[tuple[str, tuple[int, int, int, int], float]]:
    monkeypatch.setattr(tesseract, "ENGINE", engine)
    return [(w.text, w.bbox, w.confidence) for _, w in layout.words_from_data(tesseract.image_to_data(gray, dpi=300))]


def test_in_process_and_program_read_the_same_words(gray, monkeypatch):
    x0, y0, x1, y1 = preprocess.ink_box(gray, 300)
    top = gray[y0 : y0 + (y1 - y0) // 2, x0:x1]
    program, inside = _read(top, "cli", monkeypatch), _read(top, "auto", monkeypatch)
    assert len(program) > 40 and inside == program


def test_in_process_and_program_agree_on_a_turned_page(gray, monkeypatch):
    turned = np.ascontiguousarray(np.rot90(gray))
    found = {}
    for engine in ("cli", "auto"):
        monkeypatch.setattr(tesseract, "ENGINE", engine)
        found[engine] = tesseract.orientation(turned)
    assert found["cli"][0] == found["auto"][0] == 90 and found["auto"][1] >= 1.0


def test_in_process_failures_are_typed(gray):
    with pytest.raises(EngineMissing, match="xyz"):
        tesseract.image_to_data(gray, lang="xyz")
    with pytest.raises(PageTimeout, match="longer than"):
        tesseract.image_to_data(gray, dpi=300, timeout=0.01)


def test_the_program_gets_the_in_process_settings():
    """Both engines read with the same Tesseract settings (tesseract.SETTINGS), so they give the same words."""
    from planparse.ocr import tesseract

    cfg = tesseract._config(3, 300, None)
    assert all(f"-c {k}={v}" in cfg for k, v in tesseract.SETTINGS.items())


def test_word_rows_are_the_tsv_word_rows(gray):
    """The in-process read walks the result iterator word by word (tesseract._word_rows): the same word rows as the
    engine's own TSV (block/paragraph/line/word numbers, box, integer confidence, text)."""
    import pytesseract

    x0, y0, x1, y1 = preprocess.ink_box(gray, 300)
    tsv = tesseract._recognise(gray[y0:y1, x0:x1], "vie", 300, 3, None, 0, lambda api: api.GetTSVText(0))
    head = "\t".join(tesseract._COLUMNS) + "\n"
    d = pytesseract.pytesseract.file_to_dict(head + tsv, "\t", -1)
    want = [tuple(d[k][i] for k in tesseract._COLUMNS) for i in range(len(d["text"])) if d["level"][i] == 5]
    rows = tesseract.image_to_data(gray[y0:y1, x0:x1], dpi=300)
    got = [tuple(rows[k][i] for k in tesseract._COLUMNS) for i in range(len(rows["text"]))]
    assert len(want) > 100
    assert [r[:-1] + (r[-1].strip(),) for r in got] == [r[:-1] + (r[-1].strip(),) for r in want]
