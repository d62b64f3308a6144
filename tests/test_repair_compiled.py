"""The compiled per-token loops of the restore stage (repair/_kernels.pyx: _sequence's piece loop and word scan,
_replacements, distinct_rows, title_words, the records' slot writes) give what the Python and NumPy code gives."""

from __future__ import annotations

import random

import numpy as np
import pytest

from planparse.models import RESTORATIONS, Line, Word
from planparse.repair import decoder, engine, places
from planparse.repair.engine import get_model

from .test_repair_speed import SEQUENCE_TEXTS

MORE_TEXTS = ["", "   ", "Cac ho dan ap Kinh Xang, ban Pa Khoang: 12/KH-UBND", "tinh TUYEN QUANG, xa Tan Thanh",
              "Lưu: VT; UBND xã.", "- d) Nôi dung; d) noi dung", "II. TO CHUC THUC HIEN", "Ǆa ǅb ǆc Σσ İı ẞß",
              "ONG Lâm Văn Nhỏ, Ông Cộ; XÃ SÌ LỞ LẦU", "vac xin 16 m6m, bao 6 cach", "tru'dng THU'C tt' co'so"]


def _kernels_or_skip():
    kernel = decoder.compiled()
    if kernel is None:
        pytest.skip("compiled kernels not built on this machine")
    return kernel


def _lines(texts: list[str], with_conf: bool) -> list[Line]:
    out = []
    for k, t in enumerate(texts):
        words = [Word(text=w, bbox=(0, 0, 1, 1), confidence=(40.0 + 13 * i) % 100)
                 for i, w in enumerate(t.split())] if with_conf and k % 2 else []
        out.append(Line(text=t, origin="ocr" if words else "text", words=words))
    return out


@pytest.mark.parametrize("mode, rule_scale", [("degraded", 3.0), ("degraded", 1.2), ("ocr", 1.0)])
def test_compiled_sequence_gives_the_python_loops_slots(monkeypatch, mode, rule_scale):
    """_sequence with its piece loop and word scan compiled (COMPILED_SEQUENCE) against the Python loops: the same
    slots, flags, sources, forced units, names and commas, with and without OCR word confidences."""
    _kernels_or_skip()
    model = get_model()
    texts = SEQUENCE_TEXTS["ocr" if mode == "ocr" else "degraded"] + MORE_TEXTS
    for with_conf in (False, True):
        got = []
        for flag in (True, False):
            monkeypatch.setattr(engine, "COMPILED_SEQUENCE", flag)
            model.slots.clear()
            ls = _lines(texts, with_conf)
            seq = engine._sequence(model, ls, engine._pieces(ls), mode, rule_scale)
            got.append((vars(seq), [model.slots.units[s] for s in seq.slot], [model.slots.costs[s] for s in seq.slot]))
        assert got[0] == got[1]


def test_compiled_stage_gives_the_python_stages_text_and_records(monkeypatch):
    """The whole stage with every compiled loop (kernels) against the Python and NumPy code (engine.compiled and
    decoder.compiled off): the same lines and records, serialised alike; so also _replacements and rewrite's slot
    writes, each switched off alone."""
    kernel = _kernels_or_skip()
    runs = [(SEQUENCE_TEXTS["degraded"] + MORE_TEXTS, "auto", False), (SEQUENCE_TEXTS["ocr"] + MORE_TEXTS, "ocr", True),
            (SEQUENCE_TEXTS["degraded"] * 3, "degraded", True)]

    def restore_all():
        out = []
        for texts, mode, with_conf in runs:
            get_model().slots.clear()
            lines, records = engine.restore(_lines(texts, with_conf), mode=mode)
            out.append(([ln.model_dump() for ln in lines], RESTORATIONS.dump_json(records)))
        return out

    want = restore_all()
    assert any(b"alternatives\":[\"" in r for _, r in want)
    for switch in ((engine, "COMPILED_REPLACEMENTS"), (engine, "COMPILED_SEQUENCE"), (kernel, "USE_SLOT_WRITES"),
                   (decoder, "COMPILED_DISTINCT"), (decoder, "USE_COMPILED")):
        monkeypatch.setattr(*switch, False)
        assert restore_all() == want, switch
        monkeypatch.undo()


def test_compiled_distinct_rows_are_numpys_rows():
    """distinct_rows by the compiled hash table of exact rows: every row mapped to a row equal to it, as many distinct
    rows as NumPy finds, the same first rows (numbered by first occurrence instead of by hash)."""
    _kernels_or_skip()
    rng = np.random.default_rng(6)
    for n, w, hi in ((0, 5, 3), (1, 5, 3), (2, 1, 1), (1000, 7, 3), (20000, 23, 4), (3000, 70, 2)):
        rows = rng.integers(-2, hi, size=(n, w))
        got = decoder.distinct_rows(rows)
        decoder.COMPILED_DISTINCT = False
        try:
            want = decoder.distinct_rows(rows)
        finally:
            decoder.COMPILED_DISTINCT = True
        assert np.array_equal(rows[got[0]][got[1]], rows)
        assert sorted(got[0].tolist()) == sorted(want[0].tolist())
        assert got[0].tolist() == sorted(got[0].tolist())  # numbered in order of first occurrence


def test_compiled_title_words_and_the_name_finders_given_them():
    """_kernels.title_words finds places.title_words' indices (str.isupper / str.islower on every kind of cased
    letter: title-case digraphs, final sigma, dotted I); the name finders given them find what they find alone."""
    kernel = _kernels_or_skip()
    rng = random.Random(14)
    letters = "aAbBđĐǅǆǄ1ế Ếx\u0301ΣσİıßẞLlPp"
    lists = [[]] + [t.split() for t in SEQUENCE_TEXTS["degraded"] + SEQUENCE_TEXTS["ocr"] + MORE_TEXTS]
    lists += [["ban", "Pa", "Khoang"], ["la", "Dom"], ["suoi", "Nam", "Khanh"], ["ap", "Kinh", "Xang", "Tan"]]
    lists += [["".join(rng.choice(letters) for _ in range(rng.randint(0, 4))) for _ in range(rng.randint(0, 6))]
              for _ in range(3000)]
    for words in lists:
        titles = kernel.title_words(words)
        assert titles == places.title_words(words)
        assert places.names_after_units(words, titles) == places.names_after_units(words)
        assert places.capital_i_names(words, titles) == places.capital_i_names(words)
        assert places.hamlet_units(words, titles) == places.hamlet_units(words)
        assert places.places_after_units(words, titles) == places.places_after_units(words)
