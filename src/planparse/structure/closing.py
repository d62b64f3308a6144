"""Closing parts: signature block, "Nơi nhận" recipients, digital signature stamps, responsibilities."""

from __future__ import annotations

import re
from itertools import islice

from ..models import DigitalSignature, Responsibility, Section, Signature
from ..text import clean, fold

_NOI_NHAN = re.compile(r"^\s*n[o0]i\s*nh[a-z]n\s*[:;.]?", re.I)
_PREFIX = re.compile(r"(?:^|\s)(KT|TM|TL|TUQ|Q)\s*[.,]\s*([A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ\s]{2,80})$")
_TITLE_WORDS = r"(?:PHÓ\s+)?(?:GIÁM\s+ĐỐC|CHỦ\s+TỊCH(?:\s+[A-ZĐ][A-ZĐÀ-Ỹ ]*)?|BỘ\s+TRƯỞNG|THỨ\s+TRƯỞNG|TRƯỞNG\s+[A-ZĐÀ-Ỹ ]+|BÍ\s+THƯ|CHÁNH\s+[A-ZĐÀ-Ỹ ]+|TỔNG\s+[A-ZĐÀ-Ỹ ]+|HIỆU\s+TRƯỞNG|THỦ\s+TRƯỞNG|VIỆN\s+TRƯỞNG|CỤC\s+TRƯỞNG|ỦY\s+VIÊN)"  # noqa: E501 - one pattern reads best on one line
_TITLE_TAIL = re.compile(r"(?:^|[;.)\s])\s*(" + _TITLE_WORDS + r")\s*$")
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]*'?\s+){1,5}[A-ZĐÀ-Ỹ][a-zđà-ỹ]+$")
"""A person's name: capitalised words, the first ones may be a single letter (`Y Ngọc Niê`, `H' Hen Niê`)."""
_DS_KEYS = {"ky boi": "signer", "email": "email", "co quan": "organization", "thoi gian ky": "time"}
_DS_LINE = re.compile(r"^\s*(k[yý]\s*b[oở]i|email|c[ơo]\s*quan|th[ờo]i\s*gian\s*k[yý])\s*:\s*(.+)$", re.I)
_DS_SIGNED = re.compile(r"^(.*?)\s*<([^>@\s]+@[^>\s]+)>\s*đã ký", re.I)
_ISO_TS = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d:\d\d)\s*([+-]\d\d):?(\d\d)")
_VN_TS = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s+(\d{1,2}:\d\d:\d\d)\s*([+-]\d\d):?(\d\d)?")


def find_closing_start(texts: list[str], body_start: int) -> int:
    """Index where the body ends: the "Nơi nhận" line or a signature prefix line."""
    for i, raw in enumerate(islice(texts, body_start, None), body_start):  # read in order: texts may be on disk
        t = clean(raw)
        if _NOI_NHAN.match(fold(t)):
            return _back_over_signature(texts, body_start, i)
    for i, raw in enumerate(islice(texts, body_start, None), body_start):
        t = clean(raw)
        if re.match(r"^(KT|TM|TL|TUQ|Q)\s*\.\s*[A-ZĐ]", t) and len(t) < 80:
            return i
    for i in range(len(texts) - 2, max(body_start, len(texts) - 30) - 1, -1):
        t = clean(texts[i])
        if _is_signature_line(t) and any(_NAME.match(clean(x)) for x in texts[i + 1:i + 4]):
            return _back_over_signature(texts, body_start, i)
    return len(texts)


def _is_signature_line(t: str) -> bool:
    return bool(re.match(r"^(KT|TM|TL|TUQ|Q)\s*[.,]\s*[A-ZĐÀ-Ỹ]", t)) or bool(_TITLE_TAIL.match(t) and t.isupper())


def _back_over_signature(texts: list[str], body_start: int, i: int) -> int:
    """Move the closing start back over a signature column that came before "Nơi nhận"."""
    j, found = i, i
    while j - 1 >= body_start and i - j < 8:
        t = clean(texts[j - 1])
        if t and not (_is_signature_line(t) or _NAME.match(t)):
            break
        j -= 1
        if t and _is_signature_line(t):
            found = j
    return found


def _split_columns(t: str) -> tuple[str, str]:
    """Split a flattened two-column closing line into (recipients part, signature part)."""
    m = _PREFIX.search(t)
    if m:
        return t[:m.start()].strip(), t[m.start():].strip()
    m = _TITLE_TAIL.search(t)
    if m and m.start(1) > 0:
        return t[:m.start(1)].strip(), m.group(1).strip()
    if _TITLE_TAIL.match(t) or (m and m.start(1) == 0):
        return "", t
    m = re.search(r"[;)]\s*(\S+(?:\s+\S+){1,5})$", t)
    if m and _mostly_upper(m.group(1)) and not fold(t).lower().lstrip("-–+•~ ").startswith("luu"):
        return t[:m.start(1)].strip(), m.group(1).strip()
    return t, ""


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 5 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def parse_closing(texts: list[str], start: int) -> tuple[Signature | None, list[str], list[str]]:
    """Signature, recipients and warnings from the closing region."""
    recips: list[str] = []
    sig_lines: list[str] = []
    in_recips = False
    done_recips = False
    warnings: list[str] = []
    for raw in texts[start:start + 40]:
        t = clean(raw)
        if not t:
            continue
        if _DS_LINE.match(t) or _DS_SIGNED.match(t):
            break
        nn = _NOI_NHAN.match(fold(t))
        if nn:
            in_recips = True
            t = t[nn.end():].strip()
            if not t:
                continue
        left, right = _split_columns(t)
        if right:
            sig_lines.append(right)
        if not left:
            continue
        if in_recips and not done_recips and (left.startswith(("-", "–", "+", "•", "~")) or (recips and not _NAME.match(left))):
            if left[:1] in "-–+•~" or not recips:
                recips.append(left)
            else:
                recips[-1] = f"{recips[-1]} {left}"
            if fold(left).lower().lstrip("-–+•~ ").startswith("luu"):
                done_recips = True
            continue
        if in_recips and not recips and not _NAME.match(left):
            recips.append(left)
            continue
        sig_lines.append(left)
    recipients = [_clean_recipient(r) for r in recips]
    recipients = [r for r in recipients if r]
    return _signature(sig_lines), recipients, warnings


def _clean_recipient(r: str) -> str:
    return clean(re.sub(r"^[-–+•~]\s*", "", r)).rstrip(";.,").strip()


def _signature(lines: list[str]) -> Signature | None:
    """Prefix/authority, signer title and name from the signature column lines."""
    sig = Signature()
    for t in lines:
        m = re.match(r"^(KT|TM|TL|TUQ|Q)\s*[.,]\s*(.+)$", t)
        if m:
            if sig.prefix is None:
                sig.prefix, sig.authority = m.group(1) + ".", m.group(2).strip()
            else:
                sig.authority = f"{sig.authority} / {m.group(1)}. {m.group(2).strip()}"
            continue
        if sig.title is None and _TITLE_TAIL.search(" " + t) and t.isupper():
            sig.title = t
            continue
        if sig.name is None and _NAME.match(t) and not t.isupper():
            sig.name = t
            break
    if sig.prefix is None and sig.title is None and sig.name is None:
        return None
    if sig.title is None and sig.prefix is None and sig.name is not None:
        return None
    return sig


def _iso_time(s: str) -> str:
    """ISO 8601 from `28.07.2014 14:40:36 +07:00` or `2025-09-10T08:13:25+0700`; as printed otherwise."""
    m = _ISO_TS.search(s)
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}T{m.group(4)}{m.group(5)}:{m.group(6)}"
    m = _VN_TS.search(s)
    if m:
        hh = m.group(4).zfill(8)
        tz = f"{m.group(5)}:{m.group(6) or '00'}"
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}T{hh}{tz}"
    return s.strip()


def parse_digital_signatures(texts: list[str]) -> list[DigitalSignature]:
    """`Ký bởi:/Email:/Cơ quan:/Thời gian ký:` blocks and `Name <email> đã ký lên văn bản này!` stamps."""
    out: list[DigitalSignature] = []
    cur: DigitalSignature | None = None
    last_ts: str | None = None
    for raw in texts:
        t = clean(raw)
        if not t:
            continue
        m = _DS_LINE.match(t)
        if m:
            key = _DS_KEYS.get(re.sub(r"\s+", " ", fold(m.group(1)).lower()))
            if key is None:
                continue
            if key == "signer" or cur is None or getattr(cur, key) is not None:
                cur = DigitalSignature()
                out.append(cur)
            val = m.group(2).strip()
            setattr(cur, key, _iso_time(val) if key == "time" else val)
            continue
        if _ISO_TS.fullmatch(t.replace(" ", "")) or _ISO_TS.match(t):
            last_ts = _iso_time(t)
            continue
        m = _DS_SIGNED.match(t)
        if m:
            out.append(DigitalSignature(signer=m.group(1).strip() or None, email=m.group(2), time=last_ts))
            last_ts = None
            cur = None
    return [d for d in out if d.signer or d.time]


def _flat_text(s: Section) -> str:
    """A section and its descendants as one line of text, numbering included."""
    own = " ".join(x for x in (s.number if s.kind != "paragraph" else None, s.title, s.text) if x)
    return clean(" ".join([own] + [_flat_text(c) for c in s.children]))


def find_org_section(sections: list[Section]) -> Section | None:
    """The first section, in reading order at any depth, on how the plan is carried out (`TỔ CHỨC THỰC HIỆN`)."""
    for s in sections:
        key = fold(s.title or s.text[:60]).lower()
        if "to chuc thuc hien" in key or "trach nhiem thuc hien" in key:
            return s
        hit = find_org_section(s.children)
        if hit:
            return hit
    return None


def _unit_split(s: Section) -> tuple[str, str] | None:
    """(unit, duties) of one item: its heading, or the short text before a colon."""
    head, body = s.title or "", s.text
    if head and ":" in head:
        head, rest = head.split(":", 1)
        body = f"{rest} {body}"
    elif not head:
        if ":" not in body[:120]:
            return None
        head, body = body.split(":", 1)
        if len(head.split()) > 12:
            return None
    head = clean(head).rstrip(".:")
    return (head, body) if head else None


def parse_responsibilities(sections: list[Section]) -> list[Responsibility]:
    """[{unit, duties}] from the items of the "TỔ CHỨC THỰC HIỆN" section (numbered or dashed)."""
    org = find_org_section(sections)
    return [] if org is None else responsibilities_in(org)


def responsibilities_in(org: Section) -> list[Responsibility]:
    """[{unit, duties}] from the items of `org`, the "TỔ CHỨC THỰC HIỆN" section."""
    out: list[Responsibility] = []

    def visit(items: list[Section], depth: int) -> None:
        for c in items:
            if c.kind == "paragraph":
                continue
            split = _unit_split(c)
            if split is None:
                if depth < 2:
                    visit(c.children, depth + 1)
                continue
            own = [g for g in c.children if g.kind in ("dash", "plus") and _unit_split(g)]
            rest = [g for g in c.children if g not in own]
            duties = clean(" ".join([split[1]] + [_flat_text(g) for g in rest]))
            out.append(Responsibility(unit=split[0], duties=duties))
            visit(own, depth + 1)

    visit(org.children, 0)
    return out
