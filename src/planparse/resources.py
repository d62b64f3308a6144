"""Where planparse finds its dictionaries and compiled language model."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The dictionaries folder: $PLANPARSE_DATA, else the checkout's `dictionaries/`, else the packaged copy."""
    env = os.environ.get("PLANPARSE_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    checkout = here.parents[2] / "dictionaries"
    if checkout.is_dir():
        return checkout
    return here.parent / "data"


def lm_path() -> Path:
    """The compiled language model: $PLANPARSE_LM (one built by `planparse lm build`), else the shipped one."""
    env = os.environ.get("PLANPARSE_LM")
    return Path(env) if env else data_dir() / "lm" / "trigram.npz"
