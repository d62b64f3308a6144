"""Restore decoding: chunked Viterbi against an exact reference, list labels, sections, document cache, word bonus."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import regex

from planparse.models import Line, Word
from planparse.repair import engine, restore_lines, restore_text
from planparse.repair.decoder import Bonus, Lattice, PairSet, prune, trigram_scores, viterbi
from planparse.repair.engine import SETTLED_VOTES, _cache_costs, get_model, list_label, sections
from planparse.repair.lm import dense_key, pack
from planparse.repair.segment import segment


def _random_lattice(lm, rng, n: int, k: int) -> Lattice:
    """BOS BOS, n random slots of 1..k frequent syllables with random costs, EOS."""
    size = np.r_[1, 1, rng.integers(1, k + 1, n), 1]
    ids = np.zeros((len(size), k), dtype=np.int64)
    cost = np.full((len(size), k), 1e9)
    for i, s in enumerate(size):
        if i < 2:
            ids[i] = 0
        elif i == len(size) - 1:
            ids[i] = 1
        else:
            ids[i] = rng.choice(np.arange(5, 600), size=k, replace=False)
        cost[i, :s] = 0.0 if i < 2 or i == len(size) - 1 else rng.uniform(0, 2, s)
    return Lattice(ids, cost, size, np.zeros(len(size), dtype=bool))


def _exhaustive(lm, lat: Lattice) -> tuple[int, ...]:
    """Best path by brute force: the reference the chunked Viterbi must match."""
    n = len(lat.size)
    best, arg = -1e18, None
    for path in itertools.product(*[range(s) for s in lat.size]):
        ids = [int(lat.ids[i, j]) for i, j in enumerate(path)]
        score = float(lm.score(np.array(ids[:-2]), np.array(ids[1:-1]), np.array(ids[2:])).sum())
        score -= sum(lat.cost[i, j] for i, j in enumerate(path))
        if score > best:
            best, arg = score, path
    assert arg is not None and len(arg) == n
    return arg


def test_chunked_viterbi_matches_exhaustive_search_on_short_lattices():
    lm = get_model().lm
    rng = np.random.default_rng(7)
    for _ in range(6):
        lat = _random_lattice(lm, rng, n=6, k=3)
        assert tuple(viterbi(lm, lat).tolist()) == _exhaustive(lm, lat)


def test_chunk_boundaries_change_nothing_on_a_long_sequence():
    """Windows of 64 with margins must give the path of one window over everything (up to ties)."""
    lm = get_model().lm
    rng = np.random.default_rng(3)
    lat = _random_lattice(lm, rng, n=300, k=3)
    chunked = viterbi(lm, lat, core=64, margin=8)
    whole = viterbi(lm, lat, core=400, margin=0)
    assert (chunked == whole).mean() > 0.99


def test_viterbi_with_scores_looked_up_before_gives_the_same_path_for_other_costs():
    """The second cache pass reuses the first's trigram scores: they must not depend on the costs."""
    model = get_model()
    lm = model.lm
    rng = np.random.default_rng(5)
    lat, _, _ = prune(lm, _random_lattice(lm, rng, n=200, k=6), 4, 2.5, model.bonus)
    scores = trigram_scores(lm, lat, model.bonus)
    for _ in range(3):
        assert viterbi(lm, lat, model.bonus, scores=scores).tolist() == viterbi(lm, lat, model.bonus).tolist()
        lat.cost[2:-1, :] += rng.uniform(0, 1.5, lat.cost[2:-1, :].shape) * (lat.cost[2:-1, :] < 1e8)


def _two_way_lattice(a: int, b: int, n: int) -> tuple[Lattice, np.ndarray]:
    """Two sentence marks, n slots that are each `a` or `b`, an end mark: a lattice for the document cache's tests."""
    ids = np.array([[0, 0]] * 2 + [[a, b]] * n + [[1, 1]], dtype=np.int64)
    size = np.array([1, 1] + [2] * n + [1])
    return Lattice(ids, np.zeros(ids.shape), size, np.zeros(len(size), dtype=bool)), size


def test_document_cache_follows_the_choices_it_is_given():
    """By default the cache counts column 0 (the bigram pass's choice); given the trigram path's choices, the reading
    that path chose most gets the lower cost at every ambiguous place of its skeleton."""
    model = get_model()
    lm = model.lm
    xa, xa_commune = lm.index["xa"], lm.index["xã"]
    lat, size = _two_way_lattice(xa, xa_commune, 8)
    first = _cache_costs(model, lat)
    assert (first[2:-1, 0] < first[2:-1, 1]).all()
    chosen = np.where(np.arange(len(size)) % 4 == 0, xa, xa_commune)
    second = _cache_costs(model, lat, chosen, 1.0)
    assert (second[2:-1, 1] < second[2:-1, 0]).all()
    assert not second[[0, 1, -1]].any()


def test_settled_unit_votes_outweigh_the_paths_guesses():
    """Votes of a unit word settled before decoding (`bản` before a hamlet name) count with the path's choices: given
    enough of them, the settled reading gets the lower cost where the path chose the other one."""
    model = get_model()
    lm = model.lm
    ban, hamlet = lm.index["ban"], lm.index["bản"]
    lat, size = _two_way_lattice(ban, hamlet, 6)
    chosen = np.where(np.arange(len(size)) % 3 == 0, hamlet, ban)
    alone = _cache_costs(model, lat, chosen, 1.0)
    assert (alone[2:-1, 0] < alone[2:-1, 1]).all()
    voted = _cache_costs(model, lat, chosen, 1.0, np.full(2 * SETTLED_VOTES, hamlet))
    assert (voted[2:-1, 1] < voted[2:-1, 0]).all()


HAMLET_PLAN = """Xa co 9 ban, trong do 4 ban giap bien; ban Huoi Lech va ban Phieng Cai chua co duong o to.
Truong ban, gia lang, nguoi co uy tin van dong nguoi dan o cac ban dua tre den truong.
Can bo don bien phong cung truong ban den tung nha o ban Na Hu, ban Pa Sang."""


def test_a_plan_of_hamlets_reads_its_head_of_hamlet(monkeypatch):
    """The hamlet units settled before their names (`ban Huoi Lech` -> bản) vote in the document cache, so the
    ambiguous `truong ban` of the same plan becomes the head of a hamlet, which the LM alone does not choose."""
    out, _ = restore_text(HAMLET_PLAN)
    assert "cùng trưởng bản đến từng nhà" in out
    monkeypatch.setattr(engine, "SETTLED_VOTES", 0)
    out, _ = restore_text(HAMLET_PLAN)
    assert "cùng trưởng ban đến từng nhà" in out


def test_prune_keeps_best_first_and_maps_back():
    lm = get_model().lm
    rng = np.random.default_rng(5)
    lat = _random_lattice(lm, rng, n=40, k=8)
    small, sel, marg = prune(lm, lat, keep=3, margin=99.0)
    assert marg.shape == lat.ids.shape
    assert small.width == 3
    assert (small.size == np.minimum(lat.size, 3)).all()
    rows = np.arange(len(sel))
    kept = sel[:, 0]
    assert (small.ids[:, 0] == lat.ids[rows, kept]).all()


def test_pair_set_dense_and_sparse_membership():
    keys = pack(np.array([3, 10, 5000]), np.array([4, 4095, 7]))
    ps = PairSet(keys, dense=4096)
    got = ps.contains(np.array([3, 10, 5000, 3, 4]), np.array([4, 4095, 7, 5, 3]))
    assert got.tolist() == [True, True, True, False, False]


@pytest.mark.parametrize(("line", "label"), [("a) Nội dung", "a"), ("- d) Kinh phí", "d"), ("đ. Khác", "đ"),
                                            ("Điều 5. Phạm vi", None), ("ab) x", None), ("+ b) y", "b")])
def test_list_label(line, label):
    got = list_label(segment(line), line)
    assert (got.text if got else None) == label


def test_second_d_label_becomes_dj():
    text = "a) Mot\nb) Hai\nc) Ba\nd) Bon\nd) Nam la\ne) Sau"
    out, recs = restore_text(text)
    labels = [ln.split(")")[0] for ln in out.split("\n")]
    assert labels == ["a", "b", "c", "d", "đ", "e"]
    assert any(r.reason == "label" and r.restored == "đ" for r in recs)


def test_point_label_letters_are_not_ocr_confused_in_stripped_text():
    out, _ = restore_text("Sua doi, bo sung diem b khoan 3 Dieu 6 nhu sau:")
    assert "điểm b khoản 3" in out


def test_lone_d_in_stripped_text_is_d_or_dj_never_another_letter():
    """A stripped `d` may only lose its bar: the LM chooses between `d` and `đ`, OCR confusions do not apply."""
    for line in ("theo quy dinh tai diem d khoan 3 Dieu 99 Luat nay", "bo sung diem d khoan 4 nhu sau:"):
        out, _ = restore_text(line)
        assert regex.search(r"điểm [dđ] khoản", out), out


def test_all_caps_heading_gets_no_place_name_boost():
    """In a line of capitals the case says nothing about names: `BAO CAO AN` is not the commune Cao An."""
    out, _ = restore_text("BAO CAO AN TOAN HANG KHONG")
    assert out == "BÁO CÁO AN TOÀN HÀNG KHÔNG"


def test_stacked_short_caps_lines_are_read_as_separate_phrases():
    """A signature block's `ỦY BAN NHÂN DÂN` / `CHỦ TICH`: read across the line end, `dân chủ` kept TICH unrepaired."""
    def line(text: str, conf: float) -> Line:
        words = [Word(text=w, bbox=(0, 0, 1, 1), confidence=conf) for w in text.split()]
        return Line(text=text, bbox=(0, 0, 1, 1), confidence=conf, words=words)

    out, recs = restore_lines([line("TM. ỦY BAN NHÂN DÂN", 95), line("CHỦ TICH", 89), line("Trần Đình Phúc", 95)])
    assert [ln.text for ln in out] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Đình Phúc"]
    assert [(r.line, r.original, r.restored) for r in recs] == [(1, "TICH", "TỊCH")]


def test_long_document_is_decoded_in_sections_with_global_line_numbers():
    para = "Tang cuong cong tac tuyen truyen cai cach hanh chinh tren dia ban tinh"
    lines = [Line(text=f"{k}. {para}", origin="text") for k in range(4000)]
    assert len(sections(lines, size=25_000)) >= 2
    out, recs = restore_lines(lines)
    assert len(out) == len(lines)
    assert out[-1].text.endswith("cải cách hành chính trên địa bàn tỉnh")
    last = [r for r in recs if r.line == len(lines) - 1]
    assert last and all(out[-1].text[r.start:r.end] == r.restored for r in last)


def test_word_pair_bonus_can_overturn_the_lm():
    """A bonus for a dictionary word's syllable pair can bring back the reading the LM alone does not pick
    (`va chạm` was rare in laws; the larger corpus knows it, so the test gives the bonus to whichever pair lost)."""
    lm = get_model().lm
    units = [["<s>"], ["<s>"], ["sự"], ["cố"], ["và", "va"], ["chậm", "chạm"], ["</s>"]]
    K = 2
    ids = np.array([[lm.index[u[min(j, len(u) - 1)]] for j in range(K)] for u in units])
    size = np.array([len(u) for u in units])
    cost = np.where(np.arange(K)[None, :] < size[:, None], 0.0, 1e9)
    lat = Lattice(ids, cost, size, np.zeros(len(units), dtype=bool))
    lost = [1 - k for k in viterbi(lm, lat).tolist()[4:6]]
    words = PairSet(pack(np.array([ids[4, lost[0]]]), np.array([ids[5, lost[1]]])))
    none = PairSet(np.zeros(0, dtype=np.uint64))
    assert viterbi(lm, lat, Bonus(words, 5.0, none, 0.0)).tolist()[4:6] == lost


def test_number_does_not_decide_the_word_before_it():
    out, _ = restore_text("tu moc gioi so 1121 toa do")
    assert "mốc giới số 1121" in out


@pytest.mark.xfail(strict=True, reason="known regression of the 80 M-token LM: after a number news makes `toa` "
                   "(railway cars) likelier than `tọa`, and `toa đô` wins over `tọa độ`")
def test_coordinates_after_a_number():
    out, _ = restore_text("tu moc gioi so 1121 toa do")
    assert "số 1121 tọa độ" in out


def test_standalone_acronyms_get_their_dj():
    out, recs = restore_text("HDND tinh, UBND tinh va Ban Chi dao (BCD); cong TTDT")
    assert "HĐND tỉnh, UBND tỉnh" in out and "(BCĐ)" in out and "TTĐT" in out
    assert any(r.original == "HDND" and r.reason == "symbol" for r in recs)


def test_education_department_abbreviation_gets_its_dj():
    """`GDĐT` (Giáo dục và Đào tạo: Sở GDĐT, Phòng GDĐT) is a listed unit abbreviation; `DT` alone stays as printed
    (diện tích, dân tộc, đường tỉnh ... cannot be told apart)."""
    out, _ = restore_text("Phoi hop voi So GDDT tinh; DT dat nong nghiep")
    assert "Sở GDĐT tỉnh" in out and "DT đất" in out


def test_rare_reading_of_a_crowded_skeleton_is_reachable():
    """`doi` spells 22 syllables; `dõi` is not among the 10 most frequent but `theo dõi` must come back."""
    from planparse.repair import restore_text

    text, _ = restore_text("Van phong theo doi, danh gia viec thuc hien ke hoach")
    assert "theo dõi" in text


def test_compiled_forward_backward_gives_the_numpy_loops_scores(monkeypatch):
    """The compiled loop (repair/_kernels.pyx) must reproduce the NumPy loop bit for bit on every real candidate,
    with bonuses and title pairs, across window edges; so must the distinct-row transition tables."""
    from planparse.repair import decoder

    if decoder.compiled() is None:
        pytest.skip("compiled decoder loop not built on this machine")
    model = get_model()
    lm = model.lm
    rng = np.random.default_rng(11)
    lat = _random_lattice(lm, rng, n=500, k=9)
    lat.title[:] = rng.random(len(lat.title)) < 0.3
    for a in (lat.ids, lat.cost, lat.size):
        a[200:260] = a[100:160]
    fast = decoder.max_marginals(lm, lat, model.bonus)
    monkeypatch.setattr(decoder, "USE_COMPILED", False)
    slow = decoder.max_marginals(lm, lat, model.bonus)
    real = np.arange(lat.width)[None, :] < lat.size[:, None]
    assert np.array_equal(fast[real], slow[real])
    table, row = decoder.transition_table(lm, lat, model.bonus)
    assert len(table) < len(lat.size)
    t, i, j = np.nonzero(real[:-1, :, None] & real[1:, None, :])
    both = lat.title[t] & lat.title[t + 1]
    expect = lm.score2(lat.ids[t, i], lat.ids[t + 1, j]) + model.bonus.pairs(lat.ids[t, i], lat.ids[t + 1, j], both)
    assert np.array_equal(table[row[t], i, j], expect)


def test_compiled_viterbi_gives_the_numpy_loops_path(monkeypatch):
    """The compiled Viterbi must choose the NumPy loop's path exactly (ties included) on pruned lattices."""
    from planparse.repair import decoder

    if decoder.compiled() is None:
        pytest.skip("compiled decoder loop not built on this machine")
    model = get_model()
    lm = model.lm
    rng = np.random.default_rng(13)
    for n, k in ((5, 3), (300, 8), (700, 12)):
        lat, _, _ = prune(lm, _random_lattice(lm, rng, n=n, k=k), 4, 1.5, model.bonus)
        lat.title[:] = rng.random(len(lat.title)) < 0.3
        fast = viterbi(lm, lat, model.bonus)
        monkeypatch.setattr(decoder, "USE_COMPILED", False)
        slow = viterbi(lm, lat, model.bonus)
        monkeypatch.setattr(decoder, "USE_COMPILED", True)
        assert fast.tolist() == slow.tolist()


def test_restores_in_threads_match_one_at_a_time():
    """Sections number their slots in the model's shared table: concurrent calls must not mix them up."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"Uy ban nhan dan xa Tan Lap {k} ban hanh ke hoach phong chong thien tai nam 202{k}\n"
             "Chu tich Uy ban nhan dan cac xa chiu trach nhiem thi hanh quyet dinh nay" for k in range(6)]
    alone = [restore_text(t) for t in texts]
    with ThreadPoolExecutor(3) as pool:
        together = list(pool.map(restore_text, texts))
    assert together == alone


def test_heading_line_ends_the_sentence_before_the_body_below_it():
    """A caps heading and the body line under it are separate phrases: the LM reads `</s> <s> <s>` between them."""
    from planparse.repair.engine import _pieces, _sequence
    from planparse.repair.tokens import BOS, EOS

    model = get_model()
    lines = [Line(text="III. TO CHUC THUC HIEN", origin="text"), Line(text="Truong cac thon bao cao", origin="text")]
    seq = _sequence(model, lines, _pieces(lines), "degraded", 3.0)
    units = [model.slots.units[s] for s in seq.slot]
    body = next(i for i, w in enumerate(seq.where) if w is not None and w[0] == 1)
    assert units[body - 3:body] == [[EOS], [BOS], [BOS]]


def test_stripped_prose_with_abbreviations_is_not_decoded_as_garble():
    """Stripped text whose non-syllable tokens (page references `tr`, foreign names) are a few per cent keeps them:
    only OCR garble (15 % and more of the tokens) makes skeleton edits cheap."""
    text = ("Theo sach cua Nguyen Dac Lam, tr 134, nam 1945 nguoi dan trong lang da cung nhau dao kenh, dap de va "
            "trong lua tren nhung canh dong ven song; tac gia Lavo ghi lai cau chuyen nay o tr 135 cua cuon sach.")
    out, _ = restore_text(text)
    assert "tr 134" in out and "tr 135" in out and "Lavo" in out, out
    assert "Đắc" in out, out


def _text_lattice(lm, rng, words: list[str], k: int) -> Lattice:
    """BOS BOS, one slot per word (the word first, then random units of the whole vocabulary, frequent and rare, and
    the number unit), EOS: real trigrams, backoffs, and pairs outside the dense bigram table."""
    n = len(words) + 3
    ids = np.zeros((n, k), dtype=np.int64)
    cost = np.full((n, k), 1e9)
    size = np.ones(n, dtype=np.int64)
    ids[-1] = 1
    cost[:2, 0] = cost[-1, 0] = 0.0
    pool = np.r_[np.arange(5, len(lm.vocab)), [lm.num] * 50]
    for r, w in enumerate(words, start=2):
        size[r] = rng.integers(1, k + 1)
        ids[r] = np.r_[lm.index.get(w, lm.unk), rng.choice(pool, k - 1)]
        cost[r, :size[r]] = rng.uniform(0, 2, size[r])
    return Lattice(ids, cost, size, rng.random(n) < 0.4)


def test_compiled_score_tables_match_the_numpy_lookups(monkeypatch):
    """The compiled LM and bonus lookups (_kernels.Scorer) give the NumPy tables bit for bit on every real pair and
    triple: dense and searched bigrams, trigram hits and backoffs, numbers, word and place-name bonuses."""
    from planparse.repair import decoder

    if decoder.compiled() is None:
        pytest.skip("compiled decoder loop not built on this machine")
    model = get_model()
    lm = model.lm
    rng = np.random.default_rng(17)
    words = ("ủy ban nhân dân xã hải ninh huyện quảng ninh tỉnh quảng bình ban hành kế hoạch phòng chống thiên tai "
             "và tìm kiếm cứu nạn năm 2026 theo quyết định số 12 của chủ tịch ủy ban nhân dân tỉnh").split()
    lat = _text_lattice(lm, rng, words * 4, 7)
    assert decoder.scorer(lm, model.bonus) is not None
    fast_pairs, rows = decoder.transition_table(lm, lat, model.bonus)
    fast_triples, rows3 = decoder._triple_table(lm, lat, model.bonus)
    monkeypatch.setattr(decoder, "USE_COMPILED", False)
    # each its own row numbers: the compiled distinct_rows numbers rows by first occurrence, NumPy's by hash
    slow_pairs, slow_rows = decoder.transition_table(lm, lat, model.bonus)
    slow_triples, slow_rows3 = decoder._triple_table(lm, lat, model.bonus)
    real = np.arange(lat.width)[None, :] < lat.size[:, None]
    pair = real[:-1, :, None] & real[1:, None, :]
    assert np.array_equal(fast_pairs[rows[:-1]][pair], slow_pairs[slow_rows[:-1]][pair])
    triple = real[:-2, :, None, None] & real[1:-1, None, :, None] & real[2:, None, None, :]
    assert np.array_equal(fast_triples[rows3[:-2]][triple], slow_triples[slow_rows3[:-2]][triple])
    assert (lat.ids[real] >= len(lm.dense)).sum() > 20
    assert (lat.ids[real] == lm.num).any()
    seen = lm.tri_keys.find(dense_key([lat.ids[:-2, 0], lat.ids[1:-1, 0], lat.ids[2:, 0]], len(lm.vocab)))[1]
    assert seen.sum() > 20



@pytest.mark.parametrize("use_compiled", [True, False])
def test_lm_weight_scales_the_lm_scores_and_not_the_bonuses(monkeypatch, use_compiled):
    """The LM `weight` multiplies the LM's log10 scores of the Viterbi's triple tables in float32, compiled and NumPy bit
    for bit, and leaves the word and place bonuses as they are; weight 1 gives the tables as before."""
    from planparse.repair import decoder

    if use_compiled and decoder.compiled() is None:
        pytest.skip("compiled decoder loop not built on this machine")
    monkeypatch.setattr(decoder, "USE_COMPILED", use_compiled)
    model = get_model()
    lm, bonus = model.lm, model.bonus
    words = "ủy ban nhân dân xã tổ chức tập huấn cho dân bản về phòng chống lũ ống lũ quét năm 2026 tại xã".split()
    lat = _text_lattice(lm, np.random.default_rng(19), words * 3, 6)
    real = np.arange(lat.width)[None, :] < lat.size[:, None]
    u, i, j, k = np.nonzero(real[:-2, :, None, None] & real[1:-1, None, :, None] & real[2:, None, None, :])
    a, b, c = lat.ids[u, i], lat.ids[u + 1, j], lat.ids[u + 2, k]
    lm_scores, pair_bonus = lm.score(a, b, c), bonus.pairs(b, c, lat.title[u + 1] & lat.title[u + 2])
    assert (pair_bonus != 0).any() and (lat.ids[real] == lm.num).any()
    for weight in (1.0, 0.9, 0.0):
        table, rows = decoder.trigram_scores(lm, lat, bonus, weight)
        assert np.array_equal(table[rows[u], i, j, k], np.float32(weight) * lm_scores + pair_bonus)
    table, rows = decoder.trigram_scores(lm, lat, bonus)
    assert np.array_equal(table[rows[u], i, j, k], lm_scores + pair_bonus)


def test_lm_weight_zero_leaves_the_choice_to_the_channel():
    """At LM weight 0 the Viterbi takes each slot's cheapest candidate, whatever the LM says; at 1 the LM's reading of
    `sự cố va chạm` outweighs a small channel cost."""
    lm = get_model().lm
    units = [["<s>"], ["<s>"], ["sự"], ["cố"], ["và", "va"], ["chậm", "chạm"], ["</s>"]]
    ids = np.array([[lm.index[u[min(j, len(u) - 1)]] for j in range(2)] for u in units])
    size = np.array([len(u) for u in units])
    free = np.where(np.arange(2)[None, :] < size[:, None], 0.0, 1e9)
    title = np.zeros(len(units), dtype=bool)
    lm_path = viterbi(lm, Lattice(ids, free, size, title)).tolist()
    cost = free.copy()
    cost[4, lm_path[4]] = cost[5, lm_path[5]] = 0.01
    lat = Lattice(ids, cost, size, title)
    assert viterbi(lm, lat).tolist() == viterbi(lm, lat, weight=1.0).tolist() == lm_path
    assert viterbi(lm, lat, weight=0.0).tolist()[4:6] == [1 - lm_path[4], 1 - lm_path[5]]


def test_degraded_text_is_decoded_with_the_degraded_lm_weight(monkeypatch):
    """engine.LM_WEIGHT reaches the decoder for stripped text; text a Vietnamese model read keeps its own."""
    text = "Truong ban va can bo xa to chuc tap huan cho dan ban ve phong chong lu ong, lu quet"
    marked = "Trưởng bản và cán bộ xã tổ chức tập huấn cho dân bản về phòng chống lũ ống, lũ quét"
    shipped, shipped_marked = restore_text(text)[0], restore_text(marked)[0]
    monkeypatch.setattr(engine, "LM_WEIGHT", {**engine.LM_WEIGHT, "degraded": 0.0})
    assert restore_text(text)[0] != shipped
    assert restore_text(marked)[0] == shipped_marked
