"""Topic adaptation of the restore LM: the shipped topic tables, the section's topic guess, and the table builder."""

from __future__ import annotations

import numpy as np

from planparse.devtools.topics import blocks, kmeans, unit_ratios
from planparse.repair import restore_text, topics
from planparse.repair.engine import get_model
from planparse.repair.tokens import line_units

LIVESTOCK = ("Tiem phong cho dan gia suc, gia cam: trau, bo, lon, ga, vit. Ve sinh chuong trai, tieu doc khu trung. "
             "Phong chong dich ta lon chau Phi, cum gia cam, lo mom long mong tren dan bo, trau.")
LAW = ("Nghi dinh nay quy dinh chi tiet mot so dieu cua Luat Xu ly vi pham hanh chinh ve tham quyen, thu tuc "
       "xu phat va bien phap khac phuc hau qua doi voi hanh vi vi pham.")


def _bonus(text: str) -> np.ndarray:
    topics = get_model().topics
    assert topics is not None
    return topics.unit_bonus(topics.posterior(get_model().lm.ids(line_units(text))))


def test_shipped_tables_load_with_the_model():
    t = get_model().topics
    assert t is not None and len(t.centroids) >= 8
    assert t.ratio.shape == (len(t.centroids), len(get_model().lm.vocab))


def test_livestock_text_favours_livestock_words_a_decree_does_not():
    lm = get_model().lm
    farm, law = _bonus(LIVESTOCK), _bonus(LAW)
    bo, bo_ministry = lm.index["bò"], lm.index["bộ"]
    # 0.2: with the ratios three quarters by block presence (devtools.topics.PRESENCE) the lead of bò is 0.27, not 0.51
    assert farm[bo] - farm[bo_ministry] > 0.2
    assert farm[bo] - farm[bo_ministry] > law[bo] - law[bo_ministry] + 0.2


def test_text_without_topic_words_gets_no_bonus():
    assert not get_model().topics.posterior(np.zeros(0, dtype=np.int64)).any()
    assert not _bonus("").any()


def test_a_short_text_is_adapted_less_than_a_long_one():
    """The topic guess of a few words is weighted by how much evidence it rests on."""
    t, lm = get_model().topics, get_model().lm
    short, long = t.posterior(lm.ids(line_units(LIVESTOCK[:60]))), t.posterior(lm.ids(line_units(LIVESTOCK * 3)))
    assert 0 < short.sum() < long.sum() < 1


def test_topic_adaptation_decides_a_domain_word(monkeypatch):
    """In a plan about crops and livestock `bon phan` is fertilising (bón phân): the general LM alone reads duty
    (bổn phận). (`vit` the duck, vịt against vứt, is too close to call since the channel table was relearned.)"""
    text = (LIVESTOCK + " Huong dan nong dan cham soc lua, phong tru sau benh. Khong tha rong vit ra dong. "
            "Bon phan can doi.")
    with_topics, _ = restore_text(text)
    monkeypatch.setattr(topics, "UNIT_WEIGHT", 0.0)
    without, _ = restore_text(text)
    for phrase in ("Bón phân cân đối",):
        assert phrase in with_topics
        assert phrase not in without


def test_blocks_cut_long_documents_only():
    cuts = blocks(np.array([100, 5100, 5200]), size=1000)
    assert cuts[0] == 0 and cuts[-1] == 5200
    assert 100 in cuts and 5100 in cuts
    assert np.diff(cuts).max() <= 1000 and len(cuts) == 8


def test_kmeans_separates_two_vocabularies():
    rng = np.random.default_rng(0)
    a = np.abs(rng.normal(size=(40, 6))) * [1, 1, 1, 0, 0, 0]
    b = np.abs(rng.normal(size=(40, 6))) * [0, 0, 0, 1, 1, 1]
    X = np.vstack([a, b]).astype(np.float32) + 0.01
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    _, assign = kmeans(X, 2, seed=1)
    assert len(set(assign[:40])) == 1 and len(set(assign[40:])) == 1 and assign[0] != assign[-1]


def test_unit_ratios_favour_what_a_topic_says_more_often():
    seq = np.array([3, 3, 3, 4, 4, 4, 4, 4, 4, 3])
    topic = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    r = unit_ratios(seq, topic, 2, 5)
    assert r[0, 3] > 0 > r[0, 4] and r[1, 4] > 0 > r[1, 3]


def test_unit_ratios_by_block_presence_discount_a_word_one_block_repeats():
    # topic 0 (blocks 0, 1): unit 3 fills block 0 (one article repeating it), unit 4 is in both of its blocks
    seq = np.array([3, 3, 3, 3, 4, 4, 1, 1, 1, 1, 3, 4, 2, 2, 2, 2, 2, 2, 2, 2])
    blk = np.repeat(np.arange(4), 5)
    assign = np.array([0, 0, 1, 1])
    topic = assign[blk]
    by_tokens = unit_ratios(seq, topic, 2, 6)
    by_blocks = unit_ratios(seq, topic, 2, 6, blk, assign, presence=1.0)
    assert by_tokens[0, 3] > by_tokens[0, 4]  # frequency: the repeated word looks the topic's own
    assert by_blocks[0, 4] > by_blocks[0, 3]  # presence: the word every block of the topic holds comes first
    mixed = unit_ratios(seq, topic, 2, 6, blk, assign, presence=0.25)
    assert np.allclose(mixed, 0.75 * by_tokens + 0.25 * by_blocks)
