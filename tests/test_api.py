"""The library API as other tools call it: names that hold after any import, loud failures, checked options."""

from __future__ import annotations

import pytest

import planparse
from planparse.errors import ModelError, PlanparseError, UsageError


def _call_every_public_name(text_file) -> None:
    for name in planparse.__all__:
        value = getattr(planparse, name)
        assert value is not None, name
        if name in ("ingest", "restore", "batch", "schema"):
            assert callable(value) and not isinstance(value, type(planparse)), f"planparse.{name} is {value!r}"
    assert planparse.restore("ke hoach trien khai")[0] == "kế hoạch triển khai"
    assert planparse.ingest(text_file).text.strip()
    assert "properties" in planparse.schema()


def test_public_names_survive_ingest_and_subpackage_imports(tmp_path):
    """Importing a stage's subpackage must not rebind a public name (planparse.restore, planparse.batch)."""
    import planparse.batching.run  # noqa: F401
    import planparse.repair.engine  # noqa: F401

    text_file = tmp_path / "plan.txt"
    text_file.write_text("Kế hoạch triển khai công tác cải cách hành chính năm 2026.\n", encoding="utf-8")
    _call_every_public_name(text_file)
    _call_every_public_name(text_file)


def test_bad_options_are_usage_errors(tmp_path):
    text_file = tmp_path / "plan.txt"
    text_file.write_text("Kế hoạch triển khai.\n", encoding="utf-8")
    with pytest.raises(UsageError, match="unknown restore mode 'OFF'"):
        planparse.restore("ke hoach", mode="OFF")
    with pytest.raises(UsageError):
        planparse.ingest(text_file, restore="OFF")
    with pytest.raises(UsageError):
        planparse.restore("ke hoach", style="modern")


def test_missing_model_is_a_typed_error(tmp_path, monkeypatch):
    """A broken install (no dictionaries) raises ModelError; it never returns the input unrepaired."""
    from planparse.resources import data_dir

    monkeypatch.setenv("PLANPARSE_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(ModelError):
        data_dir()
    assert issubclass(ModelError, PlanparseError)


def test_unreadable_model_is_a_typed_error(tmp_path, monkeypatch):
    """A corrupt language model file fails loudly in a fresh process."""
    import subprocess
    import sys

    bad = tmp_path / "trigram.npz"
    bad.write_bytes(b"not a model")
    code = ("import planparse\ntry:\n    planparse.restore('ke hoach')\n"
            "except planparse.PlanparseError as e:\n    print(type(e).__name__, e)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env={**__import__("os").environ, "PLANPARSE_LM": str(bad)}, timeout=120)
    assert r.stdout.startswith("ModelError unreadable language model"), r.stdout + r.stderr


def test_failing_stage_becomes_a_warning(tmp_path, monkeypatch):
    """A bug in one stage is reported on the document (stage, message) and the text is kept as read."""
    import planparse.repair.engine as engine

    def broken(*args, **kwargs):
        raise RuntimeError("decoder bug")

    monkeypatch.setattr(engine, "_restore_section", broken)
    text_file = tmp_path / "plan.txt"
    text_file.write_text("ke hoach trien khai\n", encoding="utf-8")
    doc = planparse.ingest(text_file)
    assert doc.text.strip() == "ke hoach trien khai"
    assert any(w.stage == "restore" and "decoder bug" in w.message for w in doc.warnings)


def test_runtime_never_imports_training_tools(scan_pdf):
    """devtools (LM building, confusion learning, synthetic scans) stays out of the runtime."""
    import subprocess
    import sys

    code = ("import sys, planparse\nplanparse.ingest(sys.argv[1])\nplanparse.restore('ke hoach')\n"
            "print(sorted(m for m in sys.modules if m.startswith('planparse.devtools')))")
    r = subprocess.run([sys.executable, "-c", code, str(scan_pdf)], capture_output=True, text=True, timeout=600)
    assert r.stdout.strip() == "[]", r.stdout + r.stderr
