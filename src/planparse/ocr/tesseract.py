"""The one place planparse calls Tesseract (through pytesseract).

Tesseract runs single-threaded (OMP_THREAD_LIMIT=1 unless the caller set it): planparse runs one
Tesseract per core itself, and OpenMP threads inside each only contend with the others.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from ..errors import EngineMissing, OCRError, PageTimeout

DEFAULT_LANG = "vie"

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _config(psm: int, dpi: int | None, tessdata_dir: str | None) -> str:
    parts = [f"--psm {psm}"]
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

    def run(path: str) -> dict[str, list]:
        return pytesseract.image_to_data(path, lang=lang, config=_config(psm, dpi, tessdata_dir),
                                         output_type=pytesseract.Output.DICT, timeout=timeout or 0)

    return _call(run, gray, lang, timeout)


def image_to_text(gray: np.ndarray, *, lang: str = DEFAULT_LANG, psm: int = 6, tessdata_dir: str | None = None,
                  timeout: float = 0) -> str:
    """Tesseract's plain text of a grayscale image (the training tools' read; the pipeline uses image_to_data)."""
    import pytesseract

    def run(path: str) -> str:
        return pytesseract.image_to_string(path, lang=lang, config=_config(psm, None, tessdata_dir), timeout=timeout or 0)

    return _call(run, gray, lang, timeout)


def orientation(gray: np.ndarray, *, tessdata_dir: str | None = None) -> tuple[int, float]:
    """Rotation (0/90/180/270, clockwise to apply) and confidence from Tesseract's OSD; (0, 0) when unsure.

    OSD fails on pages with too few letters; that is "unsure", not an error.
    """
    import pytesseract

    try:
        cfg = "--psm 0" + (f' --tessdata-dir "{tessdata_dir}"' if tessdata_dir else "")
        osd = pytesseract.image_to_osd(gray, config=cfg, output_type=pytesseract.Output.DICT)
    except (pytesseract.TesseractError, RuntimeError):
        return 0, 0.0
    return int(osd.get("rotate", 0)) % 360, float(osd.get("orientation_conf", 0.0))


def available_languages(tessdata_dir: str | None = None) -> list[str]:
    """Installed Tesseract models (pytesseract's own helper drops capitalised script models such as 'Vietnamese')."""
    import subprocess

    cmd = ["tesseract", "--list-langs"] + (["--tessdata-dir", tessdata_dir] if tessdata_dir else [])
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):  # no tesseract: the page read itself raises EngineMissing
        return []
    return [ln.strip() for ln in out.splitlines()[1:] if ln.strip()]
