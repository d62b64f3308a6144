"""The review page: static checks with html.parser, then a real browser (Debian chromium via Playwright)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
from html import unescape
from html.parser import HTMLParser

import pytest

from planparse import export
from planparse.api import ingest
from planparse.models import Warning_

from .conftest import REPO, letter_doc, run_cli

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium")


class Page(HTMLParser):
    """Collects what the checks need: every tag with its attributes, and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Page:
    p = Page()
    p.feed(html)
    p.close()
    return p


@pytest.fixture(scope="module")
def flat_doc(tmp_path_factory):
    """The test letter printed without diacritics and OCR'd: the repair stage has plenty to do."""
    from unidecode import unidecode

    from planparse.devtools.synth import degrade, render, to_pdf

    doc = letter_doc()
    flat = dataclasses.replace(doc, body=[unidecode(t) for t in doc.body])
    pdf = to_pdf([degrade(render(flat, dpi=300)[0], seed=3, skew=0.5, noise=6.0, blur=0.5)],
                 tmp_path_factory.mktemp("flat") / "flat.pdf")
    out = ingest(pdf)
    assert len(out.restorations) >= 20
    return out


def test_page_is_self_contained_and_carries_every_repair(flat_doc):
    doc = flat_doc.model_copy(deep=True)
    doc.warnings.append(Warning_(stage="ocr", page=1, message="low OCR confidence <img src=x onerror=alert(1)>"))
    doc.pages[0].lines[0].text = "UBND </script><script>alert(1)</script> \"quoted\""
    html = export.to_html(doc)
    page = parse(html)
    urls = [v for tag, a in page.tags for k, v in a.items() if k in ("src", "href", "action", "srcset")]
    assert urls and all(u.startswith(("data:image/jpeg;base64,", "#")) for u in urls), urls[:5]
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    csp = [a["content"] for tag, a in page.tags if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0] and "unsafe-inline" not in csp[0].split("script-src")[1].split(";")[0]
    assert [t for t, _ in page.tags].count("script") == 2 and [t for t, _ in page.tags].count("img") == len(doc.pages)
    reps = [a for tag, a in page.tags if tag == "li" and "rep" in a.get("class", "").split()]
    assert len(reps) == len(doc.restorations)
    boxes = {a["id"] for tag, a in page.tags if tag == "span" and "id" in a}
    assert all(set(a["data-targets"].split()) <= boxes for a in reps)
    text = "".join(page.text)
    assert all(r.restored in text and r.original in text for r in doc.restorations)
    assert all(w.message in text for w in doc.warnings)
    lines = doc.lines()
    number = re.search(r'Number/symbol</dt><dd>[^<]*<a class="src" href="#l-(\d+)"', html)
    assert number and doc.header.number in lines[int(number.group(1))].text
    heads = re.findall(r'<span class="sec">([^<]*)</span> <a class="src" href="#l-(\d+)"', html)
    assert len(heads) >= 3 and all(lines[int(i)].text.split()[0] == unescape(label).split()[0] for label, i in heads)
    data = json.loads(html.split('id="review-data">')[1].split("</script>")[0])
    assert data["document"]["pages"][0]["lines"][0]["text"].startswith("UBND </script>")


def test_review_decisions_apply_to_the_document(flat_doc, tmp_path):
    """What the page exports (built here as the page's script builds it) corrects the document."""
    from planparse.export.decisions import apply_decisions

    lines = flat_doc.lines()
    first, second = flat_doc.restorations[0], flat_doc.restorations[1]
    decisions = [
        {"item": "r0", "action": "change", "line": first.line, "start": first.start, "end": first.end,
         "original": first.restored, "text": "Thử", "page": 1},
        {"item": "r1", "action": "accept", "line": second.line, "start": second.start, "end": second.end,
         "original": second.restored, "text": second.restored, "page": 1},
    ]
    fixed = apply_decisions(flat_doc, decisions)
    line = fixed.lines()[first.line].text
    assert line[first.start:first.start + 3] == "Thử" and line != lines[first.line].text
    assert "Thử" in fixed.text and fixed.header.number == flat_doc.header.number
    rec = [r for r in fixed.restorations if r.reason == "review"]
    assert len(rec) == 1 and rec[0].restored == "Thử" and rec[0].original == first.original
    later = [r for r in fixed.restorations if r.line == first.line and r.start > first.start and r.reason != "review"]
    assert all(line[r.start:r.end] == r.restored for r in later)
    review = tmp_path / "x.review.json"
    review.write_text(json.dumps({"format": "planparse-review", "version": 1, "decisions": decisions,
                                  "document": json.loads(flat_doc.model_dump_json())}), encoding="utf-8")
    res = run_cli("apply", str(review), "--format", "text")
    assert res.returncode == 0, res.stderr
    assert res.stdout == export.to_text(fixed)
    bad = dict(decisions[0], original="nothing")
    review.write_text(json.dumps({"format": "planparse-review", "decisions": [bad],
                                  "document": json.loads(flat_doc.model_dump_json())}), encoding="utf-8")
    res = run_cli("apply", str(review))
    assert res.returncode == 1 and len(res.stderr.strip().splitlines()) == 1 and "expected" in res.stderr


def test_born_digital_page_is_shown_with_its_layer_words(tmp_path):
    from .test_export_pdf import digital_pdf

    doc = ingest(digital_pdf(tmp_path / "digital.pdf"))
    page = parse(export.to_html(doc))
    imgs = [a["src"] for tag, a in page.tags if tag == "img"]
    assert len(imgs) == 1 and len(imgs[0]) > 10_000
    words = [a for tag, a in page.tags if tag == "span" and "w" in a.get("class", "").split()]
    assert len(words) == sum(len(ln.words) for ln in doc.lines())


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (make install adds it)")
def test_review_page_in_a_real_browser(flat_doc, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "flat.html"
    page_file.write_text(export.to_html(flat_doc), encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda r: problems.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None)
            page.goto(page_file.as_uri())

            first = page.locator("#queue li.rep").first
            first.click()
            target = first.get_attribute("data-targets").split()[0]
            assert "hl" in page.locator(f"#{target}").get_attribute("class").split()
            page.keyboard.press("j")
            second = page.locator("#queue li.current")
            assert second.get_attribute("id") != first.get_attribute("id")
            page.keyboard.press("k")
            assert page.locator("#queue li.current").get_attribute("id") == first.get_attribute("id")
            # the box links back: clicking the second repair's box selects its list entry
            second_box = page.locator("#queue li.rep").nth(1).get_attribute("data-targets").split()[0]
            page.locator(f"#{second_box}").click()
            second = page.locator("#queue li.rep").nth(1)
            assert page.locator("#queue li.current").get_attribute("id") == second.get_attribute("id")
            page.keyboard.press("a")
            assert "accepted" in page.locator("#queue li.rep").nth(1).get_attribute("class")
            # change the first repair's word
            first.locator("a.go").click()
            page.keyboard.press("e")
            page.keyboard.type("Thử")
            page.keyboard.press("Enter")
            assert "changed" in first.get_attribute("class")
            # the slider hides doubtful words above the threshold
            page.locator("#threshold").fill("0")
            assert page.locator("#queue li.low:visible").count() == 0
            page.locator("#threshold").fill("100")
            assert page.locator("#queue li.low").count() == page.locator("#queue li.low:visible").count()
            page.locator("#threshold").fill("60")
            # a header field links to the line it was read from
            page.locator("#header-fields a.src").first.click()
            assert page.locator(".ln.hl").count() == 1
            # any other word: clicking its box puts it on the list, where it can be changed too
            sure = page.locator(".w[data-span]").nth(2)
            sure_text = sure.get_attribute("data-text")
            sure.click()
            assert page.locator("#queue li.current").get_attribute("id") == "x" + sure.get_attribute("id")
            page.keyboard.press("e")
            page.keyboard.type(sure_text + "x")
            page.keyboard.press("Enter")
            page.locator("#queue li.rep").nth(4).locator("a.go").click()
            with page.expect_download() as dl:
                page.locator("#export").click()
            review = tmp_path / dl.value.suggested_filename
            dl.value.save_as(review)
            shot = tmp_path / "review-page.jpg"
            page.screenshot(path=str(shot), type="jpeg", quality=80)
            assert not problems, problems
        finally:
            browser.close()
    assert review.name == "flat.pdf.review.json"
    exported = json.loads(review.read_text(encoding="utf-8"))
    assert [d["action"] for d in exported["decisions"]] == ["accept", "change", "change"]
    assert exported["decisions"][2]["text"] == sure_text + "x" and exported["decisions"][2]["kind"] == "word"
    res = run_cli("apply", str(review), "--format", "text")
    assert res.returncode == 0, res.stderr
    r0 = flat_doc.restorations[0]
    line = res.stdout.replace("\n\f\n", "\n").splitlines()
    assert any(ln.startswith(flat_doc.lines()[r0.line].text[:r0.start] + "Thử") for ln in line)
    assert sure_text + "x" in res.stdout.split()
    assert shot.stat().st_size > 30_000
    if os.environ.get("PLANPARSE_README_SHOTS"):  # refreshes the README's picture
        (REPO / "docs").mkdir(exist_ok=True)
        shutil.copy(shot, REPO / "docs" / "review-page.jpg")


def test_decision_on_a_table_cell_rewrites_the_cell_and_its_row():
    from planparse.export.decisions import apply_decisions
    from planparse.models import Cell, Document, Restoration, Source, Table

    cells = [Cell(row=0, col=0, text="TT"), Cell(row=0, col=1, text="Nội dung"),
             Cell(row=1, col=0, text="1"), Cell(row=1, col=1, text="Tuyên truyền cái cách")]
    doc = Document(source=Source(path="x.pdf", sha256="0" * 64, kind="pdf-scanned", media_type="application/pdf",
                                 pages=1, size=1),
                   tables=[Table(page=1, cells=cells, headers=["TT", "Nội dung"], rows=[["1", "Tuyên truyền cái cách"]])],
                   restorations=[Restoration(page=1, line=-1, start=13, end=16, original="cai", restored="cái",
                                             confidence=0.4, alternatives=["cải"], table=0, cell=3)])
    decision = {"item": "r0", "action": "change", "table": 0, "cell": 3, "start": 13, "end": 16,
                "original": "cái", "text": "cải", "page": 1}
    fixed = apply_decisions(doc, [decision])
    assert fixed.tables[0].cells[3].text == "Tuyên truyền cải cách"
    assert fixed.tables[0].rows[-1][-1] == "Tuyên truyền cải cách"
    assert doc.tables[0].cells[3].text == "Tuyên truyền cái cách"  # the input is not modified
    [rec] = fixed.restorations
    assert (rec.original, rec.restored, rec.reason, rec.confidence) == ("cai", "cải", "review", 1.0)
    assert rec.alternatives[0] == "cái"
