"""The restore stage's fast paths give what the plain code they replaced gave: confusion-rule search, segmentation,
place-name and word-pair tables, and the stage's output as a whole against the straightforward per-token loops."""

from __future__ import annotations

import random
import sys

import numpy as np
import pytest
import regex

from planparse.repair import channel, places, restore_text
from planparse.repair.engine import get_model
from planparse.repair.lm import pack, syllable_pairs
from planparse.repair.segment import CHUNK_FAST_RE, CHUNK_RE, _chunk_pieces, segment


def _plain_variants(ch: channel.Channel, obs: str, budget: float) -> dict[str, float]:
    """Channel.variants as first written: every substring of every frontier string looked up, no shortcut."""
    rules, known = channel._RULES, ch.by_skel
    start = f"^{obs}$"
    best = {start: 0.0}
    frontier = {start: 0.0}
    for edit in range(channel.MAX_EDITS):
        last = edit == channel.MAX_EDITS - 1
        nxt: dict[str, float] = {}
        for s, c in frontier.items():
            for i in range(len(s)):
                for n in range(1, min(rules.longest, len(s) - i) + 1):
                    for dst, w in rules.by_src.get(s[i:i + n], ()):
                        v = s[:i] + dst + s[i + n:]
                        cost = c + w
                        if cost < best.get(v, budget) and v[:1] == "^" and v[-1:] == "$" and len(v) > 2:
                            if last and v[1:-1] not in known:
                                continue
                            best[v] = cost
                            nxt[v] = cost
                if 2 <= i < len(s):
                    for dst, w in rules.by_src.get("", ()):
                        v = s[:i] + dst + s[i:]
                        if c + w < best.get(v, budget) and not (last and v[1:-1] not in known):
                            best[v] = nxt[v] = c + w
        frontier = nxt
    return {v[1:-1]: c for v, c in best.items() if v[1:-1] in known}


def test_confusion_search_shortcuts_find_the_same_variants_in_the_same_order():
    ch = get_model().channel
    rng = random.Random(14)
    known = rng.sample(sorted(ch.by_skel), 150)
    garbled = ["".join(rng.choice("abcdeghiklmnopqrstuvxy'0146?") for _ in range(rng.randint(1, 7))) for _ in range(150)]
    for budget in (channel.MAX_VARIANT_COST / 3.0, channel.MAX_VARIANT_COST / 1.2, channel.MAX_VARIANT_COST):
        for obs in known + garbled:
            ch._variants.clear()
            assert list(ch.variants(obs, budget).items()) == list(_plain_variants(ch, obs, budget).items()), (obs, budget)


def test_shipped_variant_table_is_what_the_search_gives():
    """dictionaries/variants.tsv was made from the rules and skeletons in use (else rebuild it: python -m
    planparse.devtools.variants -o dictionaries/variants.tsv) and holds, row by row and in order, what the search gives."""
    from planparse.devtools.variants import budgets

    ch = get_model().channel
    table = channel.read_variant_table(channel.variant_fingerprint(channel._RULES, ch.by_skel))
    assert table, "dictionaries/variants.tsv is stale or missing: rebuild it with python -m planparse.devtools.variants"
    assert set(table) == {(obs, b) for b in budgets() for obs in ch.by_skel}
    for (obs, budget), row in table.items():
        assert list(channel._parse_variants(row)) == list(ch._search(obs, budget).items()), (obs, budget)


def test_variants_from_the_table_or_the_search_are_the_same(monkeypatch):
    """Channel.variants gives the same with its table as without it, and ignores a table made for other rules."""
    from planparse.devtools.variants import budgets

    ch = get_model().channel
    rng = random.Random(3)
    obs = rng.sample(sorted(ch.by_skel), 200) + ["tr", "nguoi", "xyz", "d", "uy"]
    got = []
    for use in (True, False):
        monkeypatch.setattr(channel, "USE_VARIANT_TABLE", use)
        ch._variants.clear()
        ch._table_for = None
        got.append([list(ch.variants(o, b).items()) for b in budgets() for o in obs])
        assert bool(ch._table) == use
    assert got[0] == got[1]
    other = channel._Index(channel.CONFUSIONS[:-1])
    assert channel.variant_fingerprint(other, ch.by_skel) != channel.variant_fingerprint(channel._RULES, ch.by_skel)
    monkeypatch.setattr(channel, "_RULES", other)
    ch._variants.clear()
    ch.variants("nguoi", 1.0)
    assert ch._table == {}
    ch._variants.clear()
    ch._table_for = None


def test_confusion_search_with_insertion_rules(monkeypatch):
    """Rules that insert a letter (observed substring "") take the same path as before."""
    rules = [("", "h", 0.3), ("a", "â", 0.2), ("ng", "nh", 0.4), ("o", "ơ", 0.25)]
    monkeypatch.setattr(channel, "_RULES", channel._Index(rules))
    ch = channel.Channel({"thân": -2.0, "tân": -3.0, "thanh": -2.5, "tơ": -3.0, "tho": -3.5})
    for obs in ("tan", "tang", "to", "ta", "xyz"):
        assert list(ch.variants(obs, 1.0).items()) == list(_plain_variants(ch, obs, 1.0).items())


def test_chunk_pattern_splits_like_the_regex_one_on_every_code_point():
    fast, plain = regex.compile(r"\S"), CHUNK_FAST_RE
    assert all(bool(fast.match(c)) == bool(plain.match(c)) for c in map(chr, range(sys.maxunicode + 1)))
    line = "a\x1cb\u00a0c\u2003d\te\u200bf  Ủy ban\x1f nhân"
    assert [(m.start(), m.group()) for m in CHUNK_FAST_RE.finditer(line)] == \
           [(m.start(), m.group()) for m in CHUNK_RE.finditer(line)]
    plain_pieces = [(m.start() + s, m.start() + e, t, k) for m in CHUNK_RE.finditer(line)
                    for s, e, t, k in _chunk_pieces(m.group(0), m.start() == 0)]
    assert [tuple(p) for p in segment(line)] == plain_pieces


def test_pair_keys_look_each_syllable_up_once_with_the_same_keys():
    lm = get_model().lm
    phrases = ["ủy ban nhân dân", "xyz ủy ban", "", "hà nội\tx", "một", "ban ban ban"]
    a, b = [], []
    for x, y in syllable_pairs(phrases):
        i, j = lm.index.get(x), lm.index.get(y)
        if i is not None and j is not None:
            a.append(i)
            b.append(j)
    assert np.array_equal(lm.pair_keys(phrases), np.unique(pack(a, b)))


def test_place_hierarchies_as_each_row_computed_them():
    out = set()
    for table, fields in places.TABLES:
        for r in places._units(table, list(fields)):
            chain = tuple(places._norm(v) for f in fields if (v := r.get(f)) and not any(ch.isdigit() for ch in v))
            out.add(tuple(n for n in chain if " " in n))
    assert places._hierarchies() == tuple(sorted(c for c in out if c))


def test_prebuilt_tables_are_what_the_stage_derives():
    """dictionaries/lm/prebuilt.npz holds, with the same fingerprints, what the stage derives from its inputs now (else
    rebuild it: python -m planparse.devtools.prebuilt -o dictionaries/lm/prebuilt.npz)."""
    from planparse.devtools.prebuilt import tables
    from planparse.repair import prebuilt

    prebuilt._tables.cache_clear()
    shipped = prebuilt._tables()
    fresh = tables(get_model().lm)
    assert "hierarchies" in fresh, "the gazetteer is not read from its file here"
    stale = "dictionaries/lm/prebuilt.npz is stale: rebuild it with python -m planparse.devtools.prebuilt"
    assert set(shipped) == set(fresh), stale
    for k, v in fresh.items():
        assert v.dtype == shipped[k].dtype and np.array_equal(v, shipped[k]), (k, stale)


def test_prebuilt_or_derived_start_up_tables_are_the_same(monkeypatch):
    from planparse.repair import prebuilt, words

    lm = get_model().lm
    got = []
    memos = (places._hierarchies, places.names_by_skeleton, places.relatives)
    for use in (True, False):
        monkeypatch.setattr(prebuilt, "USE_PREBUILT", use)
        for memo in memos:
            memo.cache_clear()
        got.append((words.word_pair_keys(lm), places._hierarchies(), places.names_by_skeleton(), places.relatives()))
    for memo in memos:
        memo.cache_clear()
    assert np.array_equal(got[0][0], got[1][0]) and got[0][0].dtype == got[1][0].dtype
    assert got[0][1:] == got[1][1:]
    assert any(v is None for v in got[0][2].values()) and any(not v for v in got[0][3].values()) is not None
    texts = [b"a b", b""]
    assert prebuilt.table("word_pairs", words.word_pairs_fingerprint(lm, texts)) is None
    assert prebuilt.text_table("hierarchies", "0" * 24) is None
    assert prebuilt.text_table("relatives", "0" * 24) is None


def test_place_relatives_as_every_chain_computed_them():
    """relatives() looks only at the chains that hold an ambiguous name: the same table as every chain gave."""
    from planparse.repair.orthography import skeleton

    table = places.names_by_skeleton()
    rel: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for chain in places._hierarchies():
        keys = [tuple(skeleton(s) for s in n.split()) for n in chain]
        for n, key in zip(chain, keys):
            if table.get(key, ()) is None:
                rel.setdefault(tuple(n.split()), set()).update(k for k in keys if k != key)
    assert list(places.relatives().items()) == [(n, frozenset(v)) for n, v in rel.items()]
    assert list(table.items()) == list(_plain_names_by_skeleton().items())


def _plain_names_by_skeleton():
    from planparse.repair.orthography import skeleton

    out: dict = {}
    for name in places.place_names():
        syl = tuple(name.split())
        key = tuple(skeleton(s) for s in syl)
        out[key] = None if key in out and out[key] != syl else syl
    return out


@pytest.mark.parametrize("words", [
    ["xa", "Tan", "Thanh", "huyen", "Ham", "Tan"], ["ap", "Kinh", "Xang"], ["ban", "Pa", "Khoang"], ["Ủy", "ban"],
    ["to", "dan", "pho", "Tan", "Lap"], ["phuong", "Tan", "Thanh"], ["tinh", "TUYEN", "QUANG"], [], ["Xã"],
])
def test_places_after_units_skips_lines_without_a_unit_before_a_capital(words):
    """The early return for lines with no unit word before a capitalised word keeps every fix hamlet_units makes."""
    got = places.places_after_units(words)
    if not any(w[:1].isupper() for w in words[1:]):
        assert got == {}
    else:
        assert places.hamlet_units(words).items() <= got.items()


def test_records_and_text_of_a_stripped_plan():
    """End to end on stripped text: offsets of every record point at its restored word."""
    text = "Uy ban nhan dan xa Tan Thanh ban hanh ke hoach phong chong lu bao.\nCac thon, ap Kinh Xang thuc hien."
    out, records = restore_text(text)
    lines = out.split("\n")
    assert records
    for r in records:
        assert lines[r.line][r.start:r.end] == r.restored


def test_terms_after_as_read_from_every_line():
    from planparse.repair.orthography import skeleton
    from planparse.resources import data_file

    for first in places.TWO_TITLE_UNITS:
        out = set()
        for name in ("words.txt", "admin_terms.txt"):
            for line in data_file(name).read_text(encoding="utf-8").splitlines():
                syl = line.split("\t")[0].split()
                if len(syl) >= 2 and syl[0] == first:
                    out.add(skeleton(syl[1]))
        assert places._terms_after(first) == frozenset(out)


def test_mode_tallies_from_one_count_of_the_words():
    from planparse.repair.engine import _garble_counts, _mark_counts, _word_counts

    segs = [segment(t) for t in ("Uy ban nhan dan xã Tân Thành", "Kế hoạch 12/KH-UBND, tri? nuoc", "ban ban")]
    counts = _word_counts(segs)
    assert _mark_counts(segs, counts) == _mark_counts(segs)
    assert _garble_counts(get_model(), segs, counts) == _garble_counts(get_model(), segs)


SEQUENCE_TEXTS = {
    "degraded": ["UY BAN NHAN DAN", "Xa Tan Thanh, ngay 12 thang 6 nam 2026",
                 "a) Cac thon, ap Kinh Xang thuc hien; ban Pa Khoang",
                 "Ke hoach so 12/KH-UBND ve phong chong lu bao. Truong ban Nguyen Van A chi dao la Dom",
                 "dinh ky 6 thang, tri? nuoc song Da? Chu tich xa: ban hanh ke hoach Ke hoach ke hoach"],
    "ocr": ["ỦY BAN NHÂN DÂN", "Xã Tân Thành, ngày 12 tháng 6 năm 2026", "Các thôn, ấp Kinh Xáng thực hiện kế hoạch",
            "Trưởng ban Nguyễn Văn A chỉ đạo bản Lủng Pằng; kế hoạch Kế hoạch kế hoạch"],
}


@pytest.mark.parametrize("mode, rule_scale", [("degraded", 3.0), ("degraded", 1.2), ("ocr", 1.0)])
def test_sequence_piece_memo_gives_the_slots_worked_out_piece_by_piece(monkeypatch, mode, rule_scale):
    """_sequence's memo of distinct pieces (PIECE_MEMO) against every piece's key worked out afresh, with and without
    OCR word confidences; and the name finders it skips find nothing in a line without a capital after its first word."""
    from planparse.models import Line, Word
    from planparse.repair import engine

    model = get_model()

    def lines(with_conf: bool) -> list[Line]:
        out = []
        for k, t in enumerate(SEQUENCE_TEXTS["ocr" if mode == "ocr" else "degraded"]):
            words = [Word(text=w, bbox=(0, 0, 1, 1), confidence=(40.0 + 13 * i) % 100)
                     for i, w in enumerate(t.split())] if with_conf and k % 2 else []
            out.append(Line(text=t, origin="ocr" if words else "text", words=words))
        return out

    for with_conf in (False, True):
        got = []
        for memo in (True, False):
            monkeypatch.setattr(engine, "PIECE_MEMO", memo)
            model.slots.clear()
            ls = lines(with_conf)
            seq = engine._sequence(model, ls, engine._pieces(ls), mode, rule_scale)
            got.append((vars(seq), [model.slots.units[s] for s in seq.slot], [model.slots.costs[s] for s in seq.slot]))
        assert got[0] == got[1]
    for t in SEQUENCE_TEXTS["degraded"] + SEQUENCE_TEXTS["ocr"] + ["la Dom", "ban Lung Thang", "suoi nam Khanh"]:
        words = t.split()
        if not any(w[:1].isupper() for w in words[1:]):
            assert places.capital_i_names(words) == [] and places.names_after_units(words) == []
            assert places.places_after_units(words) == {}


def _kernels_or_skip():
    from planparse.repair import decoder

    kernel = decoder.compiled()
    if kernel is None:
        pytest.skip("compiled kernels not built on this machine")
    return kernel


def test_kernels_source_hash_is_up_to_date():
    """_kernels.pyx's SOURCE_HASH is the hash of its text (else decoder.compiled() refuses every build of it as stale):
    after changing the file, set it to the value printed here and rebuild."""
    from pathlib import Path

    from planparse.repair import decoder

    pyx = Path(decoder.__file__).with_name("_kernels.pyx")
    text = pyx.read_text(encoding="utf-8")
    want = decoder.source_hash(text)
    assert decoder.SOURCE_HASH_RE.search(text), "_kernels.pyx has no SOURCE_HASH line"
    assert f'SOURCE_HASH = "{want}"' in text, f'set SOURCE_HASH = "{want}" in {pyx} and rebuild it'


def test_stale_kernels_are_refused_with_a_warning(monkeypatch):
    """A kernels module built from another version of _kernels.pyx (a copied or stale .so) is not used."""
    from planparse.repair import decoder

    kernel = _kernels_or_skip()
    monkeypatch.setattr(kernel, "SOURCE_HASH", "0" * 64)
    decoder._kernels_module.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="another version"):
            assert decoder.compiled() is None
    finally:
        monkeypatch.undo()
        decoder._kernels_module.cache_clear()
    assert decoder.compiled() is kernel


def test_compiled_rewrite_gives_the_python_loops_lines_and_records(monkeypatch):
    """_kernels.rewrite makes the lines and records engine._rewrite's Python loop makes, field for field, and records
    that serialise alike."""
    from planparse.models import RESTORATIONS, Line
    from planparse.repair import engine

    _kernels_or_skip()
    calls = []
    rewrite = engine._rewrite

    def keep(*args):
        calls.append(args)
        return rewrite(*args)

    monkeypatch.setattr(engine, "_rewrite", keep)
    lines = [Line(text=t, origin="text", page=1 + k // 3) for k, t in enumerate(
        SEQUENCE_TEXTS["degraded"] + ["", "   ", "Cac ho dan ap Kinh Xang, ban Pa Khoang: 12/KH-UBND"])]
    engine.restore(lines)
    engine.restore([Line(text=t, origin="ocr") for t in SEQUENCE_TEXTS["ocr"]])
    assert calls
    for args in calls:
        got = rewrite(*args)
        monkeypatch.setattr(engine, "compiled", lambda: None)
        want = rewrite(*args)
        monkeypatch.undo()
        assert [ln.model_dump() for ln in got[0]] == [ln.model_dump() for ln in want[0]]
        assert [ln.model_fields_set for ln in got[0]] == [ln.model_fields_set for ln in want[0]]
        assert got[1] == want[1] and all(type(r) is type(w) for r, w in zip(got[1], want[1]))
        assert RESTORATIONS.dump_json(got[1]) == RESTORATIONS.dump_json(want[1])
    assert any(r.alternatives for args in calls for r in rewrite(*args)[1])


def test_half_bits_round_as_numpy(monkeypatch):
    """The kernels' float32 -> float16 rounding is NumPy's on a sweep of every exponent (ties, subnormals, infinities,
    NaN; all 2**32 patterns were compared once, with no difference), with and without the F16C conversion."""
    kernel = _kernels_or_skip()
    rng = np.random.default_rng(16)
    bits = np.concatenate([np.arange(0, 1 << 32, 4099, dtype=np.uint64).astype(np.uint32),
                           rng.integers(0, 1 << 32, 1 << 20, dtype=np.uint64).astype(np.uint32),
                           (np.arange(1 << 16, dtype=np.uint32) << 13) | np.uint32(0x1000)])
    x = bits.view(np.float32)
    with np.errstate(all="ignore"):
        want = x.astype(np.float16).view(np.uint16)
    for wide in (True, False):  # F16C 8 at a time (where the CPU has it) and one at a time
        monkeypatch.setattr(kernel, "USE_F16C", wide)
        for a, b in ((0, len(x)), (3, len(x)), (0, 13), (5, 6)):  # blocks of 8 with a NaN, and tails, one at a time
            out = np.empty(b - a, dtype=np.uint16)
            kernel.half_bits(x[a:b], out)
            assert np.array_equal(out, want[a:b])


def test_compiled_dense_bigrams_are_the_numpy_ones(monkeypatch):
    """The dense bigram table the kernel fills (F16C conversion or one value at a time) is the NumPy loop's."""
    from planparse.repair import decoder
    from planparse.repair import lm as lm_module

    _kernels_or_skip()
    lm = get_model().lm
    d = len(lm.dense)
    got = lm._dense_bigrams(d)
    monkeypatch.setattr(lm_module, "COMPILED_DENSE", False)
    want = lm._dense_bigrams(d)
    assert got.dtype == want.dtype == np.float16 and got.shape == want.shape == (d, d)
    assert np.array_equal(got.view(np.uint16), want.view(np.uint16))
    assert np.array_equal(lm.dense.view(np.uint16), want.view(np.uint16))
    monkeypatch.setattr(lm_module, "COMPILED_DENSE", True)
    monkeypatch.setattr(decoder.compiled(), "USE_F16C", False)
    assert np.array_equal(lm._dense_bigrams(d).view(np.uint16), want.view(np.uint16))


def test_compiled_segmentation_gives_the_python_loops_pieces(monkeypatch):
    """_kernels.segment_line cuts a line as segment._segment_uncached's loop over CHUNK_FAST_RE does, whitespace of
    every kind (separators U+001C-U+001F are no whitespace there) and pieces' types included."""
    from planparse.repair import decoder
    from planparse.repair import segment as seg

    _kernels_or_skip()
    rng = random.Random(5)
    spaces = [" ", "\t", "\u00a0", "\u2003", "\u3000", "\x1c", "\x1f", "\x0b", "\u200b", "\u2028", "  "]
    words = ["Uy", "ban", "12/KH-UBND", "tri?", "nuoc,", "(a)", "a)", "d.", "II.", "I1", "chu6ng", "m2/người", "các-bon",
             "giải quyết./.", "www.x.vn", "&", "Đắk", "6", "X4", "BG", "…", "\"Lưu:", "Tr@"]
    lines = ["", " ", "\x1c", "a\x1cb\u00a0c\u2003d\te\u200bf  Ủy ban\x1f nhân", *SEQUENCE_TEXTS["degraded"]]
    lines += ["".join(rng.choice(spaces) + rng.choice(words) for _ in range(rng.randint(1, 9))) for _ in range(300)]
    got = [seg._segment_uncached(ln) for ln in lines]
    monkeypatch.setattr(decoder, "USE_COMPILED", False)
    want = [seg._segment_uncached(ln) for ln in lines]
    assert got == want
    assert all(type(p) is seg.Piece for pieces in got for p in pieces)



def test_npz_load_reads_what_np_load_reads(tmp_path):
    """repair.npz.load gives np.load's arrays, stored members read at their offset or memory-mapped, deflated ones
    inflated; np.load reads what npz.save writes; a file that is no zip is a ValueError (a ModelError for the LM)."""
    from planparse.repair import npz

    rng = np.random.default_rng(3)
    arrays = {"a": rng.integers(0, 255, 1000, dtype=np.uint8), "b": rng.random((7, 5)).astype(np.float32),
              "c": np.asfortranarray(rng.integers(0, 1 << 30, (4, 3))), "d": np.zeros(0, dtype=np.uint16),
              "e": np.float32(0.02), "f": rng.integers(-100, 100, (9, 11), dtype=np.int8)}
    path = tmp_path / "x.npz"
    npz.save(path, arrays, deflate=("b",))
    with np.load(path) as z:
        want = {k: z[k] for k in z.files}
    for mmap in ((), ("f", "a", "d")):
        got = npz.load(path, mmap=mmap)
        assert got.files == list(arrays)
        for k, v in arrays.items():
            assert got[k].dtype == v.dtype == want[k].dtype and got[k].shape == v.shape
            assert np.array_equal(got[k], v) and np.array_equal(want[k], v)
        assert type(got["f"]) is np.ndarray and got["f"].flags.writeable == ("f" not in mmap)
    np.savez_compressed(tmp_path / "old.npz", **arrays)
    got = npz.load(tmp_path / "old.npz")
    assert all(np.array_equal(got[k], v) for k, v in arrays.items())
    (tmp_path / "bad.npz").write_bytes(b"not a model")
    with pytest.raises(ValueError):
        npz.load(tmp_path / "bad.npz")


def test_shipped_model_files_are_stored_uncompressed():
    """trigram.npz and context.npz are read without inflating (repair.npz): a rebuild that deflates them again loads
    the same arrays, ~1 G instructions slower at every start."""
    import zipfile

    from planparse.resources import context_path, lm_path

    for path in (lm_path(), context_path()):
        with zipfile.ZipFile(path) as zf:
            assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}, path


def test_low_key_deltas_read_back_with_their_high_halves():
    """lmbuild.low_deltas (uint16 low halves of the key deltas, the high halves that are not 0 apart) and
    lm.read_low_keys give back the keys, across high-word runs and deltas of any size (the planes of older models too)."""
    from planparse.devtools.lmbuild import low_deltas
    from planparse.repair.lm import NgramKeys, read_low_keys

    rng = np.random.default_rng(7)
    keys = np.unique(np.concatenate([rng.integers(0, 1 << 36, 5000, dtype=np.uint64),
                                     rng.integers(0, 1 << 17, 5000, dtype=np.uint64), np.arange(3, dtype=np.uint64)]))
    table = NgramKeys.from_keys(keys)
    arrays = low_deltas(table, "tri")
    assert arrays["tri_d16"].dtype == np.uint16 and 0 < len(arrays["tri_dhi"]) < len(keys)

    class Z(dict):
        files = property(lambda self: list(self))

    got = read_low_keys(Z(arrays), "tri")
    assert got.low.dtype == np.uint32 and np.array_equal(got.low, table.low) and np.array_equal(got.start, table.start)
    d = np.diff(table.low, prepend=np.uint32(0)).astype(np.uint32).view(np.uint8).reshape(-1, 4)
    planes = Z({f"tri_l{b}": np.ascontiguousarray(d[:, b]) for b in range(4)} | {"tri_start": table.start})
    assert np.array_equal(read_low_keys(planes, "tri").low, table.low)


def test_numbered_hint_finds_every_line_numbered_re_finds():
    """engine._sequence searches NUMBERED_HINT first and NUMBERED_RE only where it matched: every NUMBERED_RE match must
    hold a NUMBERED_HINT match (random lines of the units, their look-alikes, letters, digits and spaces)."""
    parts = ["soc", "xom", "thon", "khom", "buon", "Soc", "Xom", "Thon", "Khom", "Buon", "SOC", "so", "o", "oc", "om",
             "on", "đ", "ă", "x", "1", "23", " ", " ", "  ", "-", "_", ".", "\t"]
    rng = random.Random(14)
    found = 0
    for _ in range(20_000):
        line = "".join(rng.choice(parts) for _ in range(rng.randint(1, 12)))
        if places.NUMBERED_RE.search(line):
            found += 1
            assert places.NUMBERED_HINT.search(line), line
    assert found > 30
    for line in ("soc 3", "Ap xom so 2", "thon 10 va buon 4", "xxom 3", "đsoc 3", "khom so 1", "Buon  3", "soc so 3"):
        assert bool(places.NUMBERED_RE.search(line)) <= bool(places.NUMBERED_HINT.search(line)), line
