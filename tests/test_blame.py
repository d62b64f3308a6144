"""devtools.blame: the decoder's steps retraced, each wrong syllable classed and its components scored."""

from __future__ import annotations

from planparse.devtools import blame
from planparse.repair import engine


def test_blame_retraces_the_stage_and_classes_every_error():
    gold = ["Tổ chức tập huấn cho thú y viên ở các bản giáp biên; sửa chữa cống đầu kênh trước mùa mưa lớn.",
            "Hướng dẫn người nuôi sên vét bùn đáy ao, bón vôi cải tạo ao lắng trước khi thả giống."]
    errors, nsyl, mismatch = blame.diagnose(engine.get_model(), "plan", gold)
    assert mismatch == 0  # the retraced path is the one the stage returns
    assert nsyl == sum(len(ln.split()) for ln in gold)
    for e in errors:
        assert e.kind in ("forced", "no candidate", "pruned", "scored")
        if e.kind == "scored":
            assert set(e.delta) == set(blame.COMPONENTS)
            assert e.total <= 1e-4 or "search" in e.note  # the chosen path scores at least as well as the gold one


def test_blame_report_counts_names_and_common_words_apart(capsys):
    errors = [blame.Error("d", "scored", "biển", "biên", "giáp biên", False, {c: 0.0 for c in blame.COMPONENTS}),
              blame.Error("d", "pruned", "pù", "pú", "đồi Pú", True)]
    errors[0].delta["lm"], errors[0].delta["topic"] = -1.0, 0.4
    blame.report(errors, 10, 0, show=True)
    out = capsys.readouterr().out
    assert "2 wrong in 2 runs" in out and "common words: 1 runs: scored 1" in out and "names: 1 runs: pruned 1" in out
    assert "lm* -1.00" in out
