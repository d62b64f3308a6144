"""Which part of the restore decoder chose each wrong reading: a diagnostic of stripped-text errors.

    python -m planparse.devtools.blame                 # bench/tuning and bench/tuning/more, stripped
    python -m planparse.devtools.blame --set dev --corpus CORPUS -v   # the 14 unmeasured documents of lm/heldout.txt
    python -m planparse.devtools.blame FILE.txt ...    # any text with correct diacritics, one document per file

Each text is stripped of its marks and decoded as `repair.engine._restore_section` does, step by step, keeping what
each step adds to a candidate's score. Every syllable decoded wrong is then put in one class:

- `forced`: settled before decoding (a place name or unit word after a unit word, a list label);
- `no candidate`: the right syllable is no candidate of its slot (channel, vocabulary);
- `pruned`: a candidate dropped by pruning (PRUNE_KEEP, PRUNE_MARGIN on the bigram max-marginals);
- `scored`: in the pruned lattice and outscored. Its run of consecutive wrong syllables is put back right in the
  final path (the gold path) and both paths are scored by each component of the final pass over the trigrams that
  touch the run: trigram LM, word-pair bonus (words.txt, admin_terms.txt), place-name pair bonus, channel cost (with
  title costs and unigram boost), topic bonus (topics.npz), document cache of the second pass (with the settled unit
  votes) and context evidence (context.npz). A component votes for the wrong reading when it scores the chosen path
  higher; it is decisive (starred in the list) when without it the gold path would have won. `search` marks a gold
  path that scores higher than the chosen one (windowed Viterbi); `pass 1 right` a run the first pass had right,
  which the second pass lost.

The totals are printed per class and per component, for names (Title-case gold) and common words apart. Nothing is
changed: the tool reads the model as shipped (PLANPARSE_DATA) and checks that its path is the one the stage returns.
Reads the tuning plans of a checkout (`--repo`, default the current directory) and, for `--set dev`, the corpus
folder given as `--corpus` (never in tests).
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import regex

from ..models import Line
from ..repair import engine
from ..repair.decoder import prune, trigram_scores, viterbi
from ..repair.orthography import nfc, place_tone
from ..resources import data_dir
from ..text import fold

COMPONENTS = ("lm", "words", "places", "channel", "topic", "cache", "context")


@dataclass
class Error:
    """One wrong syllable (or run of them) and why."""

    doc: str
    kind: str
    chosen: str
    gold: str
    context: str
    name: bool
    delta: dict[str, float] = field(default_factory=dict)
    note: str = ""

    @property
    def total(self) -> float:
        return sum(self.delta.values())


@dataclass
class Trace:
    """What each step of one section's decoding added, per cell of the pruned lattice."""

    seq: engine._Sequence
    ids: np.ndarray
    sel: np.ndarray
    marg: np.ndarray
    orig_size: np.ndarray
    parts: dict[str, np.ndarray]
    path1: np.ndarray
    path: np.ndarray


def decode_traced(model: engine.Model, lines: list[Line], segs, mode: str, rule_scale: float) -> Trace:
    """engine._restore_section's decoding (degraded text), keeping each component's costs."""
    seq = engine._sequence(model, lines, segs, mode, rule_scale)
    lat = model.slots.lattice(np.asarray(seq.slot, dtype=np.int64), np.asarray(seq.title, dtype=bool))
    orig_size = lat.size.copy()
    topic = np.zeros_like(lat.cost)
    if mode == "degraded" and model.topics is not None:
        topic = model.topics.unit_bonus(model.topics.posterior(lat.ids[:, 0]))[lat.ids].astype(np.float64)
    channel = lat.cost.copy()
    lat.cost = channel - topic
    lat, sel, marg = prune(model.lm, lat, engine.PRUNE_KEEP, engine.PRUNE_MARGIN, model.bonus)
    rows = np.arange(len(sel))[:, None]
    kept = np.maximum(sel, 0)
    parts = {"channel": np.where(sel >= 0, channel[rows, kept], 0.0), "topic": np.where(sel >= 0, topic[rows, kept], 0.0)}
    second = engine.CACHE_PASS_WEIGHT and mode in engine.CACHE_PASS_MODES
    settled = engine._settled_votes(model, seq) if second else None
    base = lat.cost
    scores = trigram_scores(model.lm, lat, model.bonus, engine.LM_WEIGHT.get(mode, 1.0)) if len(base) >= 3 else None
    cache1 = engine._cache_costs(model, lat) if engine.CACHE_WEIGHT else np.zeros_like(base)
    lat.cost = base + cache1
    path1 = viterbi(model.lm, lat, model.bonus, scores=scores)
    path = path1
    parts["cache"], parts["context"] = cache1, np.zeros_like(base)
    if second:
        chosen = lat.ids[np.arange(len(path1)), path1]
        parts["cache"] = engine._cache_costs(model, lat, chosen, engine.CACHE_PASS_WEIGHT, settled)
        lat.cost = base + parts["cache"]
        if engine.CONTEXT_WEIGHT:
            parts["context"] = model.context.costs(lat.ids, lat.size, chosen, engine.CONTEXT_WEIGHT)
            lat.cost = lat.cost + parts["context"]
        path = viterbi(model.lm, lat, model.bonus, scores=scores)
    return Trace(seq, lat.ids, sel, marg, orig_size, parts, path1, path)


def path_scores(model: engine.Model, tr: Trace, cols: dict[int, int], lo: int, hi: int) -> dict[str, float]:
    """Each component's score (higher is better) of the final path with the columns `cols` put in, over the trigrams
    ending at lo .. hi and the cells lo .. hi (the LM's times its weight in degraded text, engine.LM_WEIGHT)."""
    n = len(tr.path)
    col = tr.path.copy()
    for p, c in cols.items():
        col[p] = c
    lo, hi = max(lo, 2), min(hi, n - 1)
    t = np.arange(lo, hi + 1)
    ids = tr.ids[np.arange(n), col]
    a, b, c = ids[t - 2], ids[t - 1], ids[t]
    out = {"lm": engine.LM_WEIGHT["degraded"] * float(model.lm.score(a, b, c).sum())}
    bonus = model.bonus
    title = np.asarray(tr.seq.title, dtype=bool)
    out["words"] = float(bonus.words.contains(b, c).sum() * bonus.word_bonus) if not bonus.words.empty else 0.0
    both = title[t - 1] & title[t]
    out["places"] = (float(bonus.places.contains(b[both], c[both]).sum() * bonus.place_bonus)
                     if both.any() and not bonus.places.empty else 0.0)
    cells = np.arange(max(lo - 2, 0), hi + 1)
    for name in ("channel", "cache", "context"):
        out[name] = -float(tr.parts[name][cells, col[cells]].sum())
    out["topic"] = float(tr.parts["topic"][cells, col[cells]].sum())
    return out


def gold_unit(gold_line: str, start: int, end: int) -> str:
    return place_tone(nfc(gold_line)[start:end].lower())


def diagnose(model: engine.Model, name: str, gold: list[str]) -> tuple[list[Error], int, int]:
    """The errors of one text decoded stripped, classified; with its syllable count and lines differing from the
    stage's own output (should be 0)."""
    lines = [Line(text=fold(g), origin="text") for g in gold]
    segs_all = engine._pieces(lines)
    counts = engine._word_counts(segs_all)
    mode = engine._mode_of(*engine._mark_counts(segs_all, counts))
    tokens, unknown = engine._garble_counts(model, segs_all, counts)
    bound = engine.CLEAN_SHARE_DEGRADED if mode == "degraded" else engine.CLEAN_SHARE
    garbled = engine.ENG_RULE_SCALE if mode == "degraded" else 1.0
    rule_scale = engine.CLEAN_RULE_SCALE if (unknown / tokens if tokens else 0.0) < bound else garbled
    stage, _ = engine.restore(lines)
    errors: list[Error] = []
    nsyl = mismatch = 0
    for a, b in engine.sections(lines):
        with engine._DECODING:
            tr = decode_traced(model, lines[a:b], segs_all[a:b], mode, rule_scale)
        units = model.slots.units
        chosen = tr.sel[np.arange(len(tr.sel)), tr.path]
        chosen1 = tr.sel[np.arange(len(tr.sel)), tr.path1]
        wrong: list[tuple[int, str, str]] = []
        for pos, w in enumerate(tr.seq.where):
            if w is None or w[1].kind not in ("word", "letter"):
                continue
            li, p = w
            nsyl += 1
            cands = units[tr.seq.slot[pos]]
            want = gold_unit(gold[a + li], p.start, p.end)
            got = tr.seq.forced[pos][0] if pos in tr.seq.forced else cands[chosen[pos]]
            if got == engine.KEEP_UNIT:
                got = p.text.lower()
            if want == "hằng" and got == "hàng" and _next_word(gold[a + li], p.end) in PERIODS:
                continue
            if got != want:
                wrong.append((pos, got, want))
        runs: list[list[tuple[int, str, str]]] = []
        for item in wrong:
            if runs and item[0] - runs[-1][-1][0] <= 2 and not any(x[0] in tr.seq.forced for x in (item, runs[-1][-1])):
                runs[-1].append(item)
            else:
                runs.append([item])
        for run in runs:
            errors.append(_classify(model, tr, run, name, gold, a, chosen1))
        replace, _ = engine._replacements(tr.seq, units, chosen.tolist(), "new")
        mine, _ = engine._rewrite(lines[a:b], replace, {}, tr.seq.slot, units, "new", a)
        mismatch += sum(x.text != y.text for x, y in zip(mine, stage[a:b]))
    return errors, nsyl, mismatch


WORD = regex.compile(r"\p{L}+")
PERIODS = frozenset({"năm", "ngày", "tháng", "tuần", "quý", "kỳ", "giờ"})
"""`hằng năm` and `hàng năm` are both standard (bench/bench_restore.py counts neither as the other's error)."""


def _next_word(line: str, end: int) -> str:
    m = WORD.search(nfc(line), end)
    return place_tone(m.group(0).lower()) if m else ""


def _classify(model: engine.Model, tr: Trace, run, doc: str, gold: list[str], offset: int, chosen1) -> Error:
    first = tr.seq.where[run[0][0]]
    assert first is not None
    li, p = first
    line = gold[offset + li]
    ctx = nfc(line)[max(0, p.start - 30):p.end + 30]
    name = any(_is_name(tr, x[0], gold, offset) for x in run)
    err = Error(doc, "", " ".join(x[1] for x in run), " ".join(x[2] for x in run), ctx, name)
    units = engine.get_model().slots.units
    cols: dict[int, int] = {}
    for pos, _, want in run:
        if pos in tr.seq.forced:
            err.kind = "forced"
            err.note = tr.seq.forced[pos][1]
            return err
        cands = units[tr.seq.slot[pos]]
        if want not in cands:
            err.kind = "no candidate"
            err.note = "not in the LM" if want not in model.lm.index else f"{len(cands)} candidates"
            return err
        k = cands.index(want)
        hit = np.flatnonzero(tr.sel[pos] == k)
        if not len(hit):
            m = tr.marg[pos]
            err.kind = "pruned"
            rank = int((m > m[k]).sum())
            err.note = f"rank {rank + 1}, {m.max() - m[k]:.2f} below the best"
            return err
        cols[pos] = int(hit[0])
    lo, hi = min(cols), max(cols) + 2
    good = path_scores(model, tr, cols, lo, hi)
    bad = path_scores(model, tr, {}, lo, hi)
    err.kind = "scored"
    err.delta = {k: good[k] - bad[k] for k in COMPONENTS}
    notes = []
    if err.total > 1e-4:
        notes.append("search")
    if all(chosen1[pos] == units[tr.seq.slot[pos]].index(want) for pos, _, want in run):
        notes.append("pass 1 right")
    err.note = ", ".join(notes)
    return err


def _is_name(tr: Trace, pos: int, gold: list[str], offset: int) -> bool:
    """A capitalised gold word inside a sentence (not after a list label, a bullet or a sentence mark), or a word of a
    line of capitals: a proper name."""
    w = tr.seq.where[pos]
    assert w is not None
    line = nfc(gold[offset + w[0]])
    word = line[w[1].start:w[1].end]
    if not word[:1].isupper():
        return False
    if engine._is_upper_line(line):
        return True
    before = regex.sub(r"^[\s\d\p{P}]*(?:\p{L}[.)]\s)?", "", line[:w[1].start]).rstrip()
    return bool(before) and before[-1] not in ".:;!?"


def texts(which: str, files: list[str], repo: Path, corpus: Path | None) -> dict[str, list[str]]:
    """The named texts: files, or a set of the checkout `repo` (tuning: bench/tuning + bench/tuning/more) or of `corpus`
    (dev: the 14 unmeasured documents listed in the shipped lm/heldout.txt)."""
    out: dict[str, list[str]] = {}
    for f in files:
        out[Path(f).stem] = [ln for ln in Path(f).read_text(encoding="utf-8").splitlines() if ln.strip()]
    if files:
        return out
    if which in ("tuning", "all"):
        for folder in ("tuning", "tuning/more"):
            for path in sorted((repo / "bench" / folder).glob("*.txt")):
                out[path.stem] = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    if which in ("dev", "all"):
        from .lmbuild import documents

        if corpus is None:
            raise ValueError(f"--set {which} needs the corpus folder")

        text = (data_dir() / "lm" / "heldout.txt").read_text(encoding="utf-8")
        entries = [e.strip() for e in text.split("\n# not measured")[1].splitlines()[1:] if e.strip() and e[0] != "#"]
        wanted: dict[str, set[int]] = defaultdict(set)
        for e in entries:
            name, _, k = e.partition("#")
            wanted[name].add(int(k))
        for name, ks in sorted(wanted.items()):
            for n, doc in enumerate(documents(corpus / name)):
                if n in ks:
                    out[f"{Path(name).name}#{n}"] = doc
    return out


def report(errors: list[Error], nsyl: int, mismatch: int, show: bool) -> None:
    wrong = sum(len(e.gold.split()) for e in errors)
    print(f"{nsyl} syllables, {wrong} wrong in {len(errors)} runs; lines differing from the stage's output: {mismatch}")
    for label, group in (("common words", [e for e in errors if not e.name]), ("names", [e for e in errors if e.name])):
        kinds = Counter(e.kind for e in group)
        print(f"\n{label}: {len(group)} runs: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
        scored = [e for e in group if e.kind == "scored"]
        if scored:
            print(f"  {'component':10s} {'votes wrong':>11s} {'decisive':>9s} {'sum for wrong':>14s} {'sum for gold':>13s}")
            for c in COMPONENTS:
                wrong_votes = [e for e in scored if e.delta[c] < -0.01]
                decisive = [e for e in wrong_votes if e.total - e.delta[c] > 0]
                print(f"  {c:10s} {len(wrong_votes):11d} {len(decisive):9d} "
                      f"{-sum(e.delta[c] for e in wrong_votes):14.2f} {sum(max(e.delta[c], 0) for e in scored):13.2f}")
            print("  notes: " + ", ".join(f"{k} {n}" for k, n in Counter(
                x for e in scored for x in e.note.split(", ") if x).most_common()))
        if show:
            for e in sorted(group, key=lambda e: (e.kind, e.doc)):
                d = " ".join(f"{c}{'*' if v < -0.01 and e.total - v > 0 else ''} {v:+.2f}"
                             for c, v in e.delta.items() if abs(v) > 0.005)
                print(f"    [{e.kind}] {e.doc}: {e.chosen!r} for {e.gold!r} ({e.note}) {d}\n        … {e.context} …")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", help="texts with correct diacritics (default: the --set)")
    ap.add_argument("--set", default="tuning", choices=("tuning", "dev", "all"))
    ap.add_argument("--repo", type=Path, default=Path.cwd(), help="the checkout whose bench/tuning is read")
    ap.add_argument("--corpus", type=Path, help="the corpus folder (laws/, admin/, extra/) of --set dev and all")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every error with its components")
    args = ap.parse_args(argv)
    if args.set != "tuning" and not args.files and args.corpus is None:
        ap.error(f"--set {args.set} needs --corpus")
    model = engine.get_model()
    errors: list[Error] = []
    nsyl = mismatch = 0
    for name, gold in texts(args.set, args.files, args.repo, args.corpus).items():
        e, n, m = diagnose(model, name, gold)
        errors += e
        nsyl += n
        mismatch += m
    report(errors, nsyl, mismatch, args.verbose)


if __name__ == "__main__":
    main()
