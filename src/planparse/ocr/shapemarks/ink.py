"""The ink of a mark stamped over print, told from the print: printed glyphs are chained row by row from the
page around the mark and kept, with their diacritics and the pieces the mark's outline cuts; the rest is the mark's.
Shared by seals and stamps (this module imports neither)."""

from __future__ import annotations

import numpy as np

TONE_GAP = 30
"""How much lighter than the print a seal's ink must be (grey levels) to be whitened by tone alone."""
GLYPH_MAX_CM = 0.7
"""Printed glyphs (with diacritics, up to ~16 pt) are no taller than this; taller ink under a seal is not print."""
OUTLINE_CM = 0.08
"""Half the width of the band along a stamp's found outline whitened as its outline (its ink ~0.07 cm wide, found on
a 75-dpi copy): printed glyphs across the outline lose no more than this band, and keep it where they bridge it."""


def within(box: tuple[int, int, int, int], other: tuple[int, int, int, int]) -> float:
    """Share of `box` inside `other`."""
    x0, y0, x1, y1 = box
    inter = max(0, min(x1, other[2]) - max(x0, other[0])) * max(0, min(y1, other[3]) - max(y0, other[1]))
    return inter / max(1, (x1 - x0) * (y1 - y0))


def whiten_lighter(crop: np.ndarray, mark: np.ndarray, printed: np.ndarray, inside: np.ndarray, paper: float) -> bool:
    """When a mark's ink (`mark` pixels) is lighter than the print around it (`printed`) by TONE_GAP, whiten the
    pixels `inside` it lighter than halfway between the two (print the mark is stamped over stays) and say so."""
    if not mark.any() or not printed.any():
        return False
    mark_tone, print_tone = float(np.median(crop[mark])), float(np.percentile(crop[printed], 30))
    if mark_tone - print_tone < TONE_GAP:
        return False
    crop[inside & (crop > (mark_tone + print_tone) / 2)] = int(paper)
    return True


def mark_ink(ink: np.ndarray, parts: np.ndarray, outside: np.ndarray, dpi: int, tall: bool = False) -> np.ndarray:
    """A mark's ink in a crop: its outline `parts`, and the glyphs inside it that no printed row leads into from
    `outside` the mark (printed glyphs are kept, chained glyph by glyph to the row they belong to, and the
    outline's ink across a printed glyph is left to it). `tall`: ink taller than a glyph is chained to a row too
    (a stamp's own text stamped over printed words merges with them; the words are kept with it), and so are the
    row's other glyphs the stamp's outline cut off (`_on_rows`) and the diacritics over and under the kept glyphs
    (`_diacritics`); a seal's ink (not `tall`) is told as before."""
    import cv2

    rest = ink & ~parts
    n, labels, stats, _ = cv2.connectedComponentsWithStats(rest.astype(np.uint8), connectivity=8)
    if n <= 1:
        return parts
    glyph_px = GLYPH_MAX_CM * dpi / 2.54
    kept = chained(stats, {k for k in np.unique(labels[outside & rest]).tolist() if k and stats[k, 3] <= glyph_px},
                   glyph_px, tall)
    if tall:
        kept |= _on_rows(stats, kept)
        touching = cv2.dilate(parts.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        cut = set(np.unique(labels[touching & rest]).tolist())
        kept |= _diacritics(stats, kept, cut, OUTLINE_CM * 2 * dpi / 2.54)
    drop = np.isin(labels, [k for k in range(1, n) if k not in kept])
    size = max(3, round(0.2 * dpi / 2.54))
    printed = np.isin(labels, list(kept)).astype(np.uint8)
    bridged = cv2.morphologyEx(printed, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8)) > 0
    return (parts & ~bridged) | drop


def chained(stats: np.ndarray, kept: set[int], glyph_px: float, tall: bool) -> set[int]:
    """The components (`stats` rows of connectedComponentsWithStats) chained glyph by glyph to the `kept` ones: a glyph
    (or, `tall`, ink up to two glyphs tall) beside a chained component, on its row and of a like height. Found a
    frontier at a time with arrays: the same set as adding them one by one (measured: 0.1 s of Python a stamp)."""
    tops, hs = stats[:, 1].astype(np.float64), stats[:, 3].astype(np.float64)
    lefts, rights, bottoms = stats[:, 0].astype(np.float64), (stats[:, 0] + stats[:, 2]).astype(np.float64), tops + hs
    glyph = hs <= glyph_px
    chained = np.zeros(len(stats), bool)
    chained[list(kept)] = True
    able = (glyph | (tall & (hs <= 2 * glyph_px))) & (np.arange(len(stats)) > 0)
    frontier = np.flatnonzero(chained)
    while frontier.size:
        cands = np.flatnonzero(able & ~chained)
        if not cands.size:
            break
        k, j = cands[:, None], frontier[None, :]
        hk, hj = hs[k], hs[j]
        overlap = np.minimum(bottoms[k], bottoms[j]) - np.maximum(tops[k], tops[j])
        gap = np.maximum(lefts[k], lefts[j]) - np.minimum(rights[k], rights[j])
        ratio = hk / np.maximum(hj, 1)
        top = np.where(glyph[k], 2.0, 2 * glyph_px / np.maximum(hj, 1))
        near = ((overlap >= 0.5 * np.minimum(hk, hj)) & (gap <= np.minimum(np.maximum(hk, hj), glyph_px))
                & (ratio >= 0.5) & (ratio <= top)).any(axis=1)
        frontier = cands[near]
        chained[frontier] = True
    return set(np.flatnonzero(chained).tolist())


def _on_rows(stats: np.ndarray, kept: set[int]) -> set[int]:
    """Components no taller than a printed glyph lying within the height of a kept glyph (ROW_SLACK of the kept
    glyphs' median height above or below it): the rest of a printed row the stamp's outline cuts, whose pieces
    chaining glyph by glyph does not reach past a glyph the outline broke up. A stamp's own text rows lie between the
    printed rows or across one and its neighbour, seldom within one."""
    tops, heights = stats[:, 1], stats[:, 3]
    bottoms = tops + heights
    if not kept:
        return set()
    gh = float(np.median(heights[sorted(kept)]))
    base = np.array([k for k in kept if 0.5 * gh <= heights[k] <= 1.6 * gh], dtype=int)
    if not len(base):
        return set()
    slack = ROW_SLACK * gh
    return {k for k in range(1, len(stats)) if k not in kept and 2 <= heights[k] <= 1.6 * gh
            and ((tops[k] >= tops[base] - slack) & (bottoms[k] <= bottoms[base] + slack)).any()}


ROW_SLACK = 0.15
"""How far above or below a kept glyph's top and bottom a piece of its row may reach."""


def _diacritics(stats: np.ndarray, kept: set[int], cut: set[int], band: float) -> set[int]:
    """Components that are the diacritics of `kept` glyphs: marks smaller than the kept glyphs' median height just
    above or below a glyph of about that height (a tone mark over a circumflex sits on a mark: two rounds); those
    `cut` off by the outline (touching it) may lie its `band` further off (an ascender's tip, a tone mark beyond a
    stamp's edge that runs through a row). Row chaining misses them: they do not share the row's height."""
    lefts, tops, widths, heights = stats[:, 0], stats[:, 1], stats[:, 2], stats[:, 3]
    rights, bottoms = lefts + widths, tops + heights
    if not kept:
        return set()
    gh = float(np.median(heights[sorted(kept)]))
    small = [k for k in range(1, len(stats)) if k not in kept and heights[k] <= DIACRITIC_SIZE * gh]
    base = np.array([k for k in kept if 0.5 * gh <= heights[k] <= 1.6 * gh], dtype=int)
    out: set[int] = set()
    for _ in range(2):
        new = set()
        for k in small:
            if k in out or not len(base):
                continue
            over = np.minimum(rights[k], rights[base]) - np.maximum(lefts[k], lefts[base])
            gap = np.maximum(tops[base] - bottoms[k], tops[k] - bottoms[base])
            if ((over >= DIACRITIC_OVER * widths[k]) & (gap <= DIACRITIC_GAP * gh + (band if k in cut else 0))).any():
                new.add(k)
        out |= new
        base = np.array(sorted(new), dtype=int)
    return out


DIACRITIC_OVER = 0.5
"""Share of a diacritic's width over its glyph's columns."""
DIACRITIC_SIZE = 0.6
"""A diacritic is at most this share of the kept glyphs' median height..."""
DIACRITIC_GAP = 0.4
"""...and at most this share of it above or below its glyph (or the mark it sits on)."""
