"""Vietnamese orthography: NFC, tone-mark placement, syllable validity, skeletons."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..text import fold_lower

TONES = {"\u0300": "huyen", "\u0301": "sac", "\u0309": "hoi", "\u0303": "nga", "\u0323": "nang"}
VOWELS = set("aăâeêioôơuưy")
ONSETS = sorted(
    ["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
     "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"],
    key=len, reverse=True,
)
_RHYMES_TEXT = """
a ai ao au ay am an ang anh ac ach ap at
ăm ăn ăng ăc ăp ăt
âu ây âm ân âng âc âp ât
e eo em en eng ec ep et
ê êu êm ên ênh êch êp êt
i ia iu im in inh ich ip it
iêu iêm iên iêng iêc iêp iêt
o oi om on ong oc op ot oong ooc
ô ôi ôm ôn ông ôc ôp ôt
ơ ơi ơm ơn ơp ơt
u ua ui um un ung uc up ut uôi uôm uôn uông uôc uôt uơ
ư ưa ưi ưu ưm ưn ưng ưc ưt ươi ươu ươm ươn ương ươc ươp ươt
y yêu yêm yên yêt
oa oai oay oan oang oanh oac oach oat oam oap
oăn oăng oăc oăt oăm
oe oen oeo oet oem
uê uênh uêch uân uâng uât uây uy uya uyu uyên uyêt uynh uych uyt uyn uyp
"""
RHYMES = frozenset(_RHYMES_TEXT.split())
QU_RHYMES = frozenset({"ynh", "ych", "yt"})
"""Rhymes of uynh, uych, uyt after `qu`, whose u the onset holds: quỳnh, quých, quýt (huỳnh, huých parse as h + uynh)."""
STOP_CODAS = ("c", "ch", "p", "t")
_FRONT = set("ieêy")


def nfc(text: str) -> str:
    """Unicode NFC, the only form the pipeline keeps."""
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=200_000)
def split_tone(syllable: str) -> tuple[str, str | None]:
    """(syllable without tone mark, tone name or None); shape marks (â, ơ, ư …) are kept."""
    tone = None
    out = []
    for ch in unicodedata.normalize("NFD", syllable):
        if ch in TONES:
            tone = TONES[ch]
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)), tone


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Lowercase, every mark removed, đ→d: the key that groups a syllable's spellings."""
    return "".join(ch for ch in fold_lower(token) if not unicodedata.combining(ch))


def _parse(base: str) -> tuple[str, str] | None:
    """Split a toneless lowercase syllable into (onset, rhyme) when both are valid."""
    for onset in ONSETS:
        if base.startswith(onset):
            rhyme = base[len(onset):]
            if rhyme in RHYMES:
                return onset, rhyme
            if onset == "gi" and ("i" + rhyme) in RHYMES:
                return "g", "i" + rhyme
            if onset == "qu" and rhyme in QU_RHYMES:
                return onset, rhyme
            if onset == "qu" and rhyme == "":
                return None
    return None


@lru_cache(maxsize=200_000)
def is_valid_syllable(token: str) -> bool:
    """Phonotactic test: known onset + rhyme, spelling rules (k/gh/ngh, c/q) and stop codas with sắc/nặng."""
    if not token or not token.isalpha():
        return False
    base, tone = split_tone(nfc(token.lower()))
    parsed = _parse(base)
    if parsed is None:
        return False
    onset, rhyme = parsed
    if rhyme.endswith(STOP_CODAS) and tone not in (None, "sac", "nang"):
        return False
    if rhyme.endswith(STOP_CODAS) and tone is None:
        return False
    first = rhyme[0]
    if onset in ("k", "gh", "ngh") and first not in _FRONT:
        return False
    if onset in ("c", "g", "ng") and first in "eê" :
        return False
    if onset == "c" and first in "iy":
        return False
    if onset == "qu" and first in "uo":
        return False
    if onset == "" and rhyme.startswith("y") and len(rhyme) > 1 and not rhyme.startswith("yê"):
        return False
    return True


def _nucleus_span(base: str) -> tuple[int, int]:
    """Start/end of the vowel cluster that carries the tone, skipping the u of qu and i of gi."""
    low = base.lower()
    start = 0
    if low.startswith("qu"):
        start = 2
    elif low.startswith("gi") and len(low) > 2 and low[2] in VOWELS:
        start = 2
    while start < len(low) and low[start] not in VOWELS:
        start += 1
    end = start
    while end < len(low) and low[end] in VOWELS:
        end += 1
    if start == len(low) and low.startswith("gi"):
        return 1, 2
    return start, end


def tone_position(base: str, style: str = "new") -> int:
    """Index in the toneless syllable of the vowel that takes the tone mark."""
    low = base.lower()
    start, end = _nucleus_span(low)
    if start >= end:
        return -1
    cluster = low[start:end]
    for i, ch in enumerate(cluster):
        if ch in "êôơâăư":
            if ch == "ư" and i + 1 < len(cluster) and cluster[i + 1] == "ơ":
                continue
            return start + i
    if end < len(low) or len(cluster) == 3:
        return start + (1 if len(cluster) == 3 else len(cluster) - 1)
    if len(cluster) == 2:
        if cluster in ("oa", "oe", "uy") and style == "old":
            return start + 1
        return start
    return start


@lru_cache(maxsize=200_000)
def place_tone(token: str, style: str = "new") -> str:
    """Re-place the tone mark of one syllable; style 'new' = hóa, thủy, ủy; 'old' = hoá, thuỷ, uỷ."""
    if not token or not any(ch.isalpha() for ch in token):
        return token
    base, tone = split_tone(nfc(token))
    if tone is None:
        return nfc(token)
    pos = tone_position(base, style)
    if pos < 0:
        return nfc(token)
    mark = next(k for k, v in TONES.items() if v == tone)
    out = base[:pos] + unicodedata.normalize("NFC", base[pos] + mark) + base[pos + 1:]
    return nfc(out)


def normalise_text(text: str, style: str = "new") -> str:
    """NFC and tone placement for every alphabetic run of a text."""
    import regex

    return regex.sub(r"\p{L}+", lambda m: place_tone(m.group(0), style), nfc(text))


def has_marks(token: str) -> bool:
    """True when the token carries any Vietnamese mark or đ."""
    return skeleton(token) != token.lower()
