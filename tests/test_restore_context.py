"""Wider-context evidence of the restore stage: the shipped context tables and their builder."""

from __future__ import annotations

import numpy as np

from planparse.devtools.ctxbuild import ambiguous_readings, count_pairs, ratios
from planparse.repair import context
from planparse.repair.engine import get_model
from planparse.repair.tokens import line_units


def _costs(text: str, reading: str, other: str) -> tuple[float, float]:
    """Context costs of two readings of one skeleton in place of `reading` in `text`."""
    model = get_model()
    lm = model.lm
    ids = lm.ids(line_units(text))
    mid = line_units(text).index(reading)
    cand = np.tile(ids[:, None], (1, 2))
    cand[mid] = [lm.index[reading], lm.index[other]]
    size = np.ones(len(ids), dtype=np.int64)
    size[mid] = 2
    cost = model.context.costs(cand, size, ids, weight=1.0)
    return float(cost[mid, 0]), float(cost[mid, 1])


def test_dyke_words_around_favour_the_dyke():
    """`đê` (dyke) against `để` (in order to), amid words of dykes and floods, and amid words of a decree's purpose."""
    dyke = "gia cố kè chống sạt lở bờ sông tu bổ đê bao ngăn lũ bảo vệ vườn cây ăn trái của người dân"
    purpose = "ban hành quy định này đê hướng dẫn các cơ quan tổ chức thực hiện thống nhất trên địa bàn tỉnh"
    d_dyke, d_purpose = _costs(dyke, "đê", "để")
    p_dyke, p_purpose = _costs(purpose, "đê", "để")
    assert d_dyke < d_purpose
    assert p_purpose < p_dyke


def test_a_slot_with_one_candidate_or_unknown_readings_costs_nothing():
    lm = get_model().lm
    ids = lm.ids(line_units("kế hoạch phòng chống thiên tai năm nay"))
    out = get_model().context.costs(ids[:, None], np.ones(len(ids), dtype=np.int64), ids, weight=1.0)
    assert not out.any()


def test_builder_counts_a_window_within_documents_and_turns_counts_into_ratios():
    # units: 0 <s>, 1 </s>, 2 "de" (reading a), 3 "dê" (reading b), 4 water word, 5 purpose word
    vocab = ["<s>", "</s>", "de", "dê", "nuoc", "nham"]
    seq = np.array([0, 4, 3, 4, 1, 0, 5, 2, 5, 1, 0, 5, 2, 1, 0, 4, 3, 1], dtype=np.int64)
    ends = np.array([5, 10, 14, 18])
    uni = np.bincount(seq, minlength=len(vocab))
    skel_of, rows = ambiguous_readings(uni, vocab, skeletons=5, min_reading=1)
    assert rows.tolist() == [2, 3]
    row_of = np.full(len(vocab), -1)
    row_of[rows] = [0, 1]
    ok = np.array([False, False, True, True, True, True])
    counts = count_pairs(seq, ends, row_of, 2, len(vocab), 2, ok)
    assert counts[1, 4] == 3 and counts[0, 5] == 3 and counts[0, 4] == 0
    r, kept = ratios(counts, rows, skel_of, min_count=3, alpha=0.1)
    assert kept[1, 4] and kept[0, 5] and not kept[0, 2]
    assert r[1, 4] > 0 > r[0, 4] and r[0, 5] > 0 > r[1, 5]


def test_weight_zero_leaves_costs_unchanged(monkeypatch):
    lm = get_model().lm
    ids = lm.ids(line_units("tu bổ đê bao"))
    monkeypatch.setattr(context, "WINDOW", 3)
    out = get_model().context.costs(np.tile(ids[:, None], (1, 2)), np.full(len(ids), 2), ids, weight=0.0)
    assert not out.any()


def test_context_decides_a_farming_word_the_trigram_does_not(monkeypatch):
    """At the end of a sentence about manure and biogas, `bon` is fertilising (bón); the trigram alone reads `bọn`."""
    from planparse.repair import engine, restore_text

    text = "Huong dan nong dan dao ham biogas xu ly chat thai chan nuoi, trong co cho bo, u phan chuong truoc khi bon."
    with_context, _ = restore_text(text)
    monkeypatch.setattr(engine, "CONTEXT_WEIGHT", 0.0)
    without, _ = restore_text(text)
    assert "trước khi bón." in with_context
    assert "trước khi bón." not in without


def test_tables_of_other_units_map_onto_the_lm(tmp_path):
    """Tables counted over another unit list (another LM's) are read by the units' strings, not their numbers."""
    from planparse.devtools.ctxbuild import save

    lm = get_model().lm
    units = ["kè", "<s>", "nhằm", "bao"]
    keys = np.array([0 * 4 + 0, 0 * 4 + 3, 1 * 4 + 2], dtype=np.uint32)
    save(tmp_path / "c.npz", ["đê", "để"], units, keys, np.array([50, 25, 40], dtype=np.int8), {})
    table = context.Context(tmp_path / "c.npz", lm)
    ids = lm.ids(["gia", "cố", "kè", "đê", "bao", "nhằm"])
    cand = np.tile(ids[:, None], (1, 2))
    cand[3] = [lm.index["đê"], lm.index["để"]]
    size = np.ones(len(ids), dtype=np.int64)
    size[3] = 2
    cost = table.costs(cand, size, ids, weight=1.0)
    assert np.allclose(cost[3], [-1.5, -0.8])
    assert not cost[[0, 1, 2, 4, 5]].any()
