"""Where planparse finds its dictionaries and compiled language model.

They ship inside the package as `planparse.data` (the checkout's `dictionaries/` folder, mapped in
pyproject.toml), so an editable install and a wheel read the same files. A missing or unreadable
file is a `ModelError`, never a silent fallback.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from .errors import ModelError


def data_dir() -> Path:
    """The dictionaries folder: $PLANPARSE_DATA, else the installed `planparse.data` package."""
    env = os.environ.get("PLANPARSE_DATA")
    if env:
        path = Path(env)
        if not path.is_dir():
            raise ModelError(f"PLANPARSE_DATA={env} is not a folder")
        return path
    try:
        root = resources.files("planparse.data")
    except ModuleNotFoundError as exc:
        raise ModelError("the planparse.data package (dictionaries and language model) is not installed") from exc
    path = Path(str(root))
    if not (path / "syllables.txt").is_file():
        raise ModelError(f"the dictionaries are missing from {path}: reinstall planparse")
    return path


def data_file(name: str) -> Path:
    """One file of the dictionaries folder; raises ModelError when it is not there."""
    path = data_dir() / name
    if not path.is_file():
        raise ModelError(f"missing data file {path}: reinstall planparse or set PLANPARSE_DATA")
    return path


def lm_path() -> Path:
    """The compiled language model: $PLANPARSE_LM (one built by `planparse lm build`), else the shipped one."""
    return _file_or_shipped("PLANPARSE_LM", "lm/trigram.npz")


def topics_path() -> Path:
    """The topic tables of the restore stage: $PLANPARSE_TOPICS (one built by devtools.topics), else the shipped ones."""
    return _file_or_shipped("PLANPARSE_TOPICS", "lm/topics.npz")


def context_path() -> Path:
    """The context tables of the restore stage: $PLANPARSE_CONTEXT (one built by devtools.ctxbuild), else the shipped
    ones."""
    return _file_or_shipped("PLANPARSE_CONTEXT", "lm/context.npz")


def _file_or_shipped(variable: str, name: str) -> Path:
    """The file an environment variable names (ModelError if it is not one), else the shipped data file `name`."""
    env = os.environ.get(variable)
    if env:
        if not Path(env).is_file():
            raise ModelError(f"{variable}={env} is not a file")
        return Path(env)
    return data_file(name)
