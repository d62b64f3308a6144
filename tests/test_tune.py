"""devtools.tune: a weight vector's errors from kept lattices are the stage's own output, and nothing stays changed."""

from __future__ import annotations

from planparse.devtools import tune
from planparse.repair import engine, restore_lines, topics, words
from planparse.text import fold

GOLD = ["Tổ chức tập huấn cho thú y viên ở các bản giáp biên; sửa chữa cống đầu kênh trước mùa mưa lớn.",
        "Hướng dẫn người nuôi sên vét bùn đáy ao, bón vôi cải tạo ao lắng trước khi thả giống.",
        "Trưởng bản Nà Pồ họp dân bản về phòng chống lũ ống, lũ quét, sạt lở đất ở xã Mường Lói."]


def _accuracy(pred: list[str], gold: list[str]) -> tuple[float, list]:
    """Share of positions whose word is the gold one (a stand-in for bench_restore's alignment)."""
    p, g = " ".join(pred).lower().split(), " ".join(gold).lower().split()
    return sum(a == b for a, b in zip(p, g)) / max(len(g), 1), []


def _tuner() -> tune.Tuner:
    texts = [("t", "plan", [fold(x) for x in GOLD], GOLD, "lines"), ("to", "plan", [fold(x) for x in GOLD], GOLD, "joined")]
    return tune.Tuner(texts, _accuracy, str.split)


def test_tuner_decodes_as_the_stage_under_every_override():
    tuner = _tuner()
    settings = [{}, {"WORD_BONUS": 0.6, "CACHE_WEIGHT": 1.0, "UNIT_WEIGHT": 0.5, "PRUNE_KEEP": 4},
                {"TITLE_WEIGHT": 0.5, "KEEP_COST": 1.5, "CONTEXT_WEIGHT": 0.0, "PLACE_BONUS": 1.0},
                {"LM_WEIGHT": 0.5, "CACHE_WEIGHT": 0.8}, {}]
    for values in settings:
        with tune.overridden(values):
            for doc in tuner.docs:
                assert tuner.decode(doc) == [ln.text for ln in restore_lines(doc.lines)[0]]
        errs = tuner.evaluate(values)
        assert set(errs) == {"t", "to"} and all(0 <= e <= sum(len(x.split()) for x in GOLD) for e in errs.values())


def test_overrides_are_put_back():
    before = tune.current()
    bonus = engine.get_model().bonus
    with tune.overridden({"WORD_BONUS": 0.9, "KEEP_COST": 2.0, "CACHE_WEIGHT": 0.1, "UNIT_WEIGHT": 0.2}):
        assert engine.get_model().bonus.word_bonus == 0.9 and engine.KEEP_COST["degraded"] == 2.0
        assert engine._cache_costs.__defaults__[1] == 0.1 and topics.UNIT_WEIGHT == 0.2
    assert tune.current() == before and engine.get_model().bonus is bonus and words.WORD_BONUS == before["WORD_BONUS"]
    assert engine.KEEP_COST["ocr"] == 1.0 and engine._cache_costs.__defaults__[1] == engine.CACHE_WEIGHT
