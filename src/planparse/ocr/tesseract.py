"""The one place planparse calls Tesseract: in this process through tesserocr when it is installed and built on the
same Tesseract as the `tesseract` program, else the program through pytesseract.

In process, each model is loaded once per process and thread and kept (a `tesseract` run spends 0.1-0.2 s of
CPU loading `vie` or `Vietnamese` before it reads anything, and a page makes up to five such runs); the words,
boxes and confidences are the program's (the same TSV). tesserocr's PyPI wheels carry their own, newer
Tesseract, whose page layout differs (measured: held-out shadowed photos 99.0 -> 97.6 %), so only a tesserocr
built against the system library is used (`make install` builds it). Tesseract runs single-threaded
(OMP_THREAD_LIMIT=1 unless the caller set it): planparse runs one Tesseract per core itself, and OpenMP
threads inside each only contend with the others. PLANPARSE_TESSERACT=cli forces the program (benches).
"""

from __future__ import annotations

import os
import tempfile
import threading

import numpy as np

from ..errors import EngineMissing, OCRError, PageTimeout

DEFAULT_LANG = "vie"

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


ENGINE = os.environ.get("PLANPARSE_TESSERACT", "auto")
"""auto: in process when `in_process()` allows it, else the program; cli: always the program."""
SETTINGS = {"textord_fast_pitch_test": "1"}
"""Tesseract settings of every read, in process and by the program alike. The faster fixed-pitch test: the same planparse
text on 48 tuning pages (bench_realpages scan150, photo-shadow, clean300; the same TSV on 6 scan150 pages), 2-3 % less
Tesseract CPU (tuning scan150 with whitened paper, since taken out: 0.951 -> 0.924 s a page). Not taken (2026-12-03):
`tessedit_do_invert=0` (no inverted second try of low-confidence lines) changed the text of 11 of the 36 tuning
clean300/scan300 pages; `textord_tabfind_find_tables=0` changed 1 of the 16 tuning photo-shadow page reads and saved no
CPU (their Tesseract CPU, read both ways alternately in one process: 1.025 x)."""


def in_process() -> bool:
    """Whether Tesseract runs in this process: tesserocr installed, built on the program's Tesseract version, and
    not PLANPARSE_TESSERACT=cli."""
    if ENGINE == "cli":
        return False
    if not _SAME:
        _SAME.append(_same_version())
    return _SAME[0]


_SAME: list[bool] = []


def _same_version() -> bool:
    import subprocess

    try:
        import tesserocr
    except ImportError:
        return False
    try:
        program = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    first = program.splitlines()[0].strip() if program.strip() else ""
    return bool(first) and tesserocr.tesseract_version().splitlines()[0].strip() == first


_LOCAL = threading.local()
_DATA_DIR: list[str] = []


def _data_dir() -> str:
    """The folder of the installed models as the `tesseract` program finds it (TESSDATA_PREFIX, else its built-in
    folder), so both engines read the same model files."""
    if os.environ.get("TESSDATA_PREFIX"):
        return os.environ["TESSDATA_PREFIX"]
    if not _DATA_DIR:
        import re
        import subprocess

        try:
            out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            raise EngineMissing("tesseract is not installed (run `make install`)") from None
        m = re.search(r'"([^"]+)"', out.splitlines()[0] if out else "")
        if not m:
            raise EngineMissing("tesseract is not installed (run `make install`)")
        _DATA_DIR.append(m.group(1))
    return _DATA_DIR[0]


def _api(lang: str, tessdata_dir: str | None):
    """This thread's Tesseract with `lang` loaded, made on first use (one engine must not serve two threads at once;
    a forked worker makes its own)."""
    import tesserocr

    folder = tessdata_dir or _data_dir()
    apis = _LOCAL.__dict__.setdefault("apis", {})
    key = (os.getpid(), lang, folder)
    if key not in apis:
        _quiet()
        try:
            apis[key] = tesserocr.PyTessBaseAPI(path=os.path.join(folder, ""), lang=lang,
                                                variables={"debug_file": os.devnull, **SETTINGS})
        except RuntimeError:
            raise EngineMissing(f"Tesseract language data {lang!r} is not installed (see --tessdata-dir)") from None
    return apis[key]


_QUIET: list[bool] = []


def _quiet() -> None:
    """Silence the system Leptonica's messages in this process (`Error in boxClipToRectangle` …), as the program's are
    unseen: the CLI's stderr is planparse's own, a failure is one line. Tesseract's own go to each engine's
    `debug_file`."""
    if _QUIET:
        return
    _QUIET.append(True)
    import ctypes

    for path in ("liblept.so.5", "libleptonica.so.6"):
        try:
            ctypes.CDLL(path).setMsgSeverity(6)  # L_SEVERITY_NONE
        except (OSError, AttributeError):
            continue


def _recognise(gray: np.ndarray, lang: str, dpi: int | None, psm: int, tessdata_dir: str | None, timeout: float, what):
    """Read a grayscale image in process and return `what(api)` (the TSV or the text), as the program would.

    `--dpi` of the program is the `user_defined_dpi` setting (0: the image's own, none for raw pixels)."""
    import time

    api = _api(lang, tessdata_dir)
    img = np.ascontiguousarray(gray, dtype=np.uint8)
    api.SetPageSegMode(psm)
    api.SetVariable("user_defined_dpi", str(dpi or 0))
    api.SetImageBytes(img.tobytes(), img.shape[1], img.shape[0], 1, img.shape[1])
    t0 = time.perf_counter()
    try:
        if not api.Recognize(round(timeout * 1000) if timeout else 0):
            if timeout and time.perf_counter() - t0 >= timeout:
                raise PageTimeout(f"OCR of a page took longer than {timeout:g} s")
            raise OCRError("tesseract failed to read the image")
        return what(api)
    finally:
        api.Clear()


def _config(psm: int, dpi: int | None, tessdata_dir: str | None) -> str:
    parts = [f"--psm {psm}"] + [f"-c {k}={v}" for k, v in SETTINGS.items()]
    if dpi:
        parts.append(f"--dpi {dpi}")
    if tessdata_dir:
        parts.append(f'--tessdata-dir "{tessdata_dir}"')
    return " ".join(parts)


def _call(run, gray: np.ndarray, lang: str, timeout: float):
    """Hand the page to Tesseract as an uncompressed BMP and map pytesseract's failures to typed errors.

    BMP is the format Leptonica reads fastest: measured on a 300-dpi A4 page, Tesseract spent 1.24 s
    of CPU on BMP, 1.37 s on the JPEG, 1.45 s on PGM, and writing PNG costs another 0.16 s.
    """
    import cv2
    import pytesseract

    fd, tmp = tempfile.mkstemp(suffix=".bmp", prefix="planparse-")
    os.close(fd)
    try:
        cv2.imwrite(tmp, gray)
        return run(tmp)
    except pytesseract.TesseractNotFoundError:
        raise EngineMissing("tesseract is not installed (run `make install`)") from None
    except pytesseract.TesseractError as exc:  # a RuntimeError too: caught first
        msg = str(exc.message)
        if "Failed loading language" in msg or "couldn't load any languages" in msg:
            raise EngineMissing(f"Tesseract language data {lang!r} is not installed (see --tessdata-dir)") from None
        raise OCRError(f"tesseract failed: {_last_line(msg) or exc.status}") from None
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise PageTimeout(f"OCR of a page took longer than {timeout:g} s") from None
        raise OCRError(f"tesseract failed: {_last_line(str(exc)) or exc}") from None
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def image_to_data(gray: np.ndarray, *, lang: str = DEFAULT_LANG, dpi: int | None = None, psm: int = 3,
                  tessdata_dir: str | None = None, timeout: float = 0) -> dict[str, list]:
    """Run Tesseract on a grayscale page; return pytesseract's TSV columns as a dict of lists."""
    import pytesseract

    if in_process():
        return _recognise(gray, lang, dpi, psm, tessdata_dir, timeout, _word_rows)

    def run(path: str) -> dict[str, list]:
        return pytesseract.image_to_data(path, lang=lang, config=_config(psm, dpi, tessdata_dir),
                                         output_type=pytesseract.Output.DICT, timeout=timeout or 0)

    return _call(run, gray, lang, timeout)


_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top", "width", "height", "conf",
            "text")


def _word_rows(api) -> dict[str, list]:
    """The word rows of the TSV the program writes (numbers, box, confidence cut to an integer, text), walked word by
    word with the engine's result iterator: Tesseract's own TSV walks it symbol by symbol and pytesseract parses the
    text back (measured: 183 reads of tuning pages 2.77 -> 1.01 s of CPU, the same word rows; a space read as a word is
    ' ' here and '' there, and words_from_data drops both)."""
    from tesserocr import RIL

    rows: list[tuple] = []
    it = api.GetIterator()
    block = par = line = word = 0
    while it is not None and not it.Empty(RIL.BLOCK):
        if it.Empty(RIL.WORD):
            if not it.Next(RIL.WORD):
                break
            continue
        if it.IsAtBeginningOf(RIL.BLOCK):
            block, par, line, word = block + 1, 0, 0, 0
        if it.IsAtBeginningOf(RIL.PARA):
            par, line, word = par + 1, 0, 0
        if it.IsAtBeginningOf(RIL.TEXTLINE):
            line, word = line + 1, 0
        word += 1
        x0, y0, x1, y1 = it.BoundingBox(RIL.WORD)
        rows.append((5, 1, block, par, line, word, x0, y0, x1 - x0, y1 - y0, int(it.Confidence(RIL.WORD)),
                     it.GetUTF8Text(RIL.WORD)))
        if not it.Next(RIL.WORD):
            break
    return {k: [r[i] for r in rows] for i, k in enumerate(_COLUMNS)}


def image_to_text(gray: np.ndarray, *, lang: str = DEFAULT_LANG, psm: int = 6, tessdata_dir: str | None = None,
                  timeout: float = 0) -> str:
    """Tesseract's plain text of a grayscale image (the training tools' read; the pipeline uses image_to_data)."""
    import pytesseract

    if in_process():
        return _recognise(gray, lang, None, psm, tessdata_dir, timeout, lambda api: api.GetUTF8Text())

    def run(path: str) -> str:
        return pytesseract.image_to_string(path, lang=lang, config=_config(psm, None, tessdata_dir), timeout=timeout or 0)

    return _call(run, gray, lang, timeout)


def orientation(gray: np.ndarray, *, tessdata_dir: str | None = None) -> tuple[int, float]:
    """Rotation (0/90/180/270, clockwise to apply) and confidence from Tesseract's OSD; (0, 0) when unsure.

    OSD fails on pages with too few letters; that is "unsure", not an error.
    """
    import pytesseract

    if in_process():
        return _osd_in_process(gray, tessdata_dir)
    try:
        cfg = "--psm 0" + (f' --tessdata-dir "{tessdata_dir}"' if tessdata_dir else "")
        osd = pytesseract.image_to_osd(gray, config=cfg, output_type=pytesseract.Output.DICT)
    except (pytesseract.TesseractError, RuntimeError):
        return 0, 0.0
    return int(osd.get("rotate", 0)) % 360, float(osd.get("orientation_conf", 0.0))


def _osd_in_process(gray: np.ndarray, tessdata_dir: str | None) -> tuple[int, float]:
    """`orientation` in process: tesserocr gives the page's clockwise turn, the program the turn that undoes it."""
    api = _api("osd", tessdata_dir)
    img = np.ascontiguousarray(gray, dtype=np.uint8)
    api.SetPageSegMode(0)
    api.SetImageBytes(img.tobytes(), img.shape[1], img.shape[0], 1, img.shape[1])
    try:
        osd = api.DetectOrientationScript()
    finally:
        api.Clear()
    if not osd:
        return 0, 0.0
    return (360 - int(osd["orient_deg"])) % 360, float(osd["orient_conf"])


def available_languages(tessdata_dir: str | None = None) -> list[str]:
    """Installed Tesseract models (pytesseract's own helper drops capitalised script models such as 'Vietnamese')."""
    import subprocess

    cmd = ["tesseract", "--list-langs"] + (["--tessdata-dir", tessdata_dir] if tessdata_dir else [])
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):  # no tesseract: the page read itself raises EngineMissing
        return []
    return [ln.strip() for ln in out.splitlines()[1:] if ln.strip()]
