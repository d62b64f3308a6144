"""The compiled per-token loops of the restore stage (repair/_kernels.pyx: _sequence's piece loop and word scan,
_replacements, distinct_rows, title_words, the records' slot writes, prune's selection, _confidences, the context and
document-cache costs) give what the Python and NumPy code gives."""

from __future__ import annotations

import random

import numpy as np
import pytest

from planparse.models import RESTORATIONS, Line, Word
from planparse.repair import context, decoder, engine, places, segment
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
                   (decoder, "COMPILED_DISTINCT"), (decoder, "COMPILED_PRUNE"), (engine, "COMPILED_CONFIDENCES"),
                   (engine, "COMPILED_CACHE"), (context, "COMPILED_COSTS"), (engine, "COMPILED_LATTICE"),
                   (segment, "CHUNK_MEMO"), (engine, "KEYED_NAMES"), (decoder, "USE_COMPILED")):
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


def _both(monkeypatch, switch, run, *args):
    """run(*args) with a compiled path on and off."""
    monkeypatch.setattr(*switch, True)
    on = run(*args)
    monkeypatch.setattr(*switch, False)
    off = run(*args)
    monkeypatch.setattr(*switch, True)
    return on, off


def _pruned(monkeypatch, marg, lat, keep, margin):
    """prune of `lat` given its max-marginals."""
    monkeypatch.setattr(decoder, "max_marginals", lambda lm, lat, bonus: marg.copy())
    got, sel, m = decoder.prune(None, lat, keep, margin)
    return got.ids, got.cost, got.size, sel, m


def _random_lattice(rng, n, K, ties=False):
    size = rng.integers(1, K + 1, size=n)
    ids = rng.integers(0, 50, size=(n, K))
    cost = rng.random((n, K)) * 3
    title = rng.random(n) < 0.2
    if ties:
        cost = np.round(cost, 1)
    return decoder.Lattice(ids, cost, size, title)


def test_compiled_prune_keeps_numpys_columns(monkeypatch):
    """prune with the compiled selection (COMPILED_PRUNE) against NumPy's stable argsort: the same lattice, selected
    columns and max-marginals, bit for bit, also where max-marginals tie (ties go to the lower column), where a row has
    fewer candidates than `keep`, where the lattice is narrower than `keep`, and with a NaN (NumPy's way then)."""
    _kernels_or_skip()
    rng = np.random.default_rng(7)
    for n, K, keep, margin, ties in ((5, 1, 6, 3.0, False), (300, 17, 6, 3.0, False), (300, 9, 4, 1.5, True),
                                     (200, 4, 6, 3.0, True), (50, 12, 6, 0.0, True)):
        lat = _random_lattice(rng, n, K, ties)
        marg = rng.random((n, K)) * 5
        if ties:
            marg = np.round(marg, 0)
        if n == 50:
            marg[7, 3] = np.nan
        on, off = _both(monkeypatch, (decoder, "COMPILED_PRUNE"), _pruned, monkeypatch, marg, lat, keep, margin)
        for a, b in zip(on, off):
            assert a.dtype == b.dtype and a.shape == b.shape
            assert np.array_equal(a.view(np.int64), b.view(np.int64))


def test_compiled_confidences_are_numpys(monkeypatch):
    """_confidences with the compiled rounding and alternatives (COMPILED_CONFIDENCES) against NumPy's: the same
    dict (beliefs as floats, alternatives as lists of ints), with tied beliefs (left to NumPy's order), narrow rows and
    rows where few alternatives pass MIN_ALTERNATIVE."""
    _kernels_or_skip()
    rng = np.random.default_rng(8)
    for n, K, ties in ((400, 17, False), (400, 6, True), (100, 2, True), (50, 1, False), (300, 9, False)):
        marg = rng.random((n, K)) * rng.choice([0.5, 3.0, 12.0], size=(n, 1))
        if ties:
            marg = np.round(marg, 0)
        marg[rng.random((n, K)) < 0.2] = decoder.NEG
        marg[:, 0] = rng.random(n)
        sel = np.tile(np.arange(K), (n, 1))
        path = rng.integers(0, K, size=n)
        positions = sorted(rng.choice(n, size=n // 2, replace=False).tolist())
        on, off = _both(monkeypatch, (engine, "COMPILED_CONFIDENCES"), engine._confidences, marg, path, sel, positions)
        assert list(on) == list(off)
        assert [(repr(c), a) for c, a in on.values()] == [(repr(c), a) for c, a in off.values()]
        assert all(type(c) is float and all(type(k) is int for k in a) for c, a in on.values())


def test_compiled_context_and_cache_costs_are_numpys(monkeypatch):
    """Context.costs (COMPILED_COSTS) and _cache_costs (COMPILED_CACHE) compiled against their NumPy: the same
    float64 bits, on the shipped context tables with random lattices over the LM's vocabulary (readings with and without
    a table row, chosen units with and without a column)."""
    _kernels_or_skip()
    model = get_model()
    ctx = model.context
    rng = np.random.default_rng(9)
    readings = np.flatnonzero(ctx.row_of >= 0)
    v = len(model.lm.vocab)
    for n, K in ((1, 1), (2, 3), (400, 6), (3000, 6), (500, 17)):
        ids = np.where(rng.random((n, K)) < 0.6, rng.choice(readings, size=(n, K)), rng.integers(0, v, size=(n, K)))
        size = rng.integers(1, K + 1, size=n)
        chosen = ids[np.arange(n), rng.integers(0, K, size=n) % size]
        lat = decoder.Lattice(ids, np.zeros((n, K)), size, np.zeros(n, dtype=bool))
        settled = rng.choice(readings, size=40)
        for switch, run, args in (((context, "COMPILED_COSTS"), ctx.costs, (ids, size, chosen, 0.3)),
                                  ((engine, "COMPILED_CACHE"), engine._cache_costs, (model, lat)),
                                  ((engine, "COMPILED_CACHE"), engine._cache_costs, (model, lat, chosen, 1.0, settled))):
            on, off = _both(monkeypatch, switch, run, *args)
            assert on.shape == off.shape and on.dtype == off.dtype
            assert np.array_equal(on.view(np.int64), off.view(np.int64)), switch
            assert n < 400 or (on != 0).any()


def _lattice_arrays(model, slot, title):
    lat = model.slots.lattice(slot, title)
    return lat.ids, lat.cost, lat.size, lat.title


def test_compiled_lattice_is_numpys(monkeypatch):
    """SlotTable.lattice with its rows filled compiled (COMPILED_LATTICE) against NumPy's assignments: the same ids,
    costs (bits), sizes and flags, on the slots of real sections (stripped, garbled and read text, narrow and wide)."""
    _kernels_or_skip()
    model = get_model()
    for texts, mode, rule_scale in ((SEQUENCE_TEXTS["degraded"] + MORE_TEXTS, "degraded", 3.0),
                                    (SEQUENCE_TEXTS["degraded"] + MORE_TEXTS, "degraded", 1.2),
                                    (SEQUENCE_TEXTS["ocr"] + MORE_TEXTS, "ocr", 1.0), (["UY BAN"], "degraded", 3.0)):
        ls = _lines(texts, True)
        seq = engine._sequence(model, ls, engine._pieces(ls), mode, rule_scale)
        slot, title = np.asarray(seq.slot, dtype=np.int64), np.asarray(seq.title, dtype=bool)
        on, off = _both(monkeypatch, (engine, "COMPILED_LATTICE"), _lattice_arrays, model, slot, title)
        for a, b in zip(on, off):
            assert a.dtype == b.dtype and a.shape == b.shape
            assert np.array_equal(a.view(np.uint8), b.view(np.uint8))


def _segmented(lines):
    segment._CHUNKS.clear()
    return [[(type(p), tuple(p)) for p in segment._segment_uncached(ln)] for ln in lines]


def test_compiled_segmentation_with_the_chunk_memo_gives_the_same_pieces(monkeypatch):
    """The compiled segment_line with its chunk memo and pieces made in place (CHUNK_MEMO) against the calls through
    _chunk_pieces' lru_cache and tuple.__new__: the same Piece tuples, on real and random lines (separators, marks,
    repeated chunks; a memo emptied when full)."""
    _kernels_or_skip()
    rng = random.Random(15)
    alphabet = "ab đĐ.,;:/-()?'’\u001c\u2028\t 0146UBNDKHxyếẾ"
    lines = SEQUENCE_TEXTS["degraded"] + SEQUENCE_TEXTS["ocr"] + MORE_TEXTS
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(2000)]
    on, off = _both(monkeypatch, (segment, "CHUNK_MEMO"), _segmented, lines)
    assert on == off
    monkeypatch.setattr(segment, "CHUNK_MEMO_MAX", 3)
    assert _segmented(lines) == off


TITLE_TEXTS = ["Ve viec Ban hanh. Ke hoach; Uy ban: Xa Tan Thanh - Huyen Ia Grai, Ialy Iam", "ban Pa Khoang, suoi Nam Khanh",
               "Tri? Nuoc? Ban 6 Cach, bao 6 cach 6 Xa", "( Xa ) Ban ... Ban … Ban + Ban ! Ban", "XA TAN THANH Ban Chi dao",
               "Ban", "Ban Ban Ban Ban", "la Dom Ban Ia Ban"]


@pytest.mark.parametrize("mode, rule_scale", [("degraded", 3.0), ("degraded", 1.2), ("ocr", 1.0)])
def test_compiled_piece_loop_keys_title_pieces_as_slow_does(monkeypatch, mode, rule_scale):
    """The compiled piece loop keying Title-case pieces itself (KEYED_NAMES) against `slow` for each: the same slots,
    flags and sources, with a slot table filled before and one emptied (every key new), with and without OCR word
    confidences (which the keying leaves to `slow`)."""
    _kernels_or_skip()
    model = get_model()
    texts = TITLE_TEXTS + SEQUENCE_TEXTS["degraded"] + MORE_TEXTS
    for with_conf in (False, True):
        for fresh in (True, False):
            got = []
            for flag in (True, False):
                monkeypatch.setattr(engine, "KEYED_NAMES", flag)
                if fresh:
                    model.slots.clear()
                ls = _lines(texts, with_conf)
                seq = engine._sequence(model, ls, engine._pieces(ls), mode, rule_scale)
                got.append((vars(seq), [model.slots.units[s] for s in seq.slot], [model.slots.costs[s] for s in seq.slot]))
            assert got[0] == got[1]
