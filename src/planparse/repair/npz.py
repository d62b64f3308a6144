"""The model files (.npz) read without inflating them: arrays stored uncompressed are read straight from the file at
their offset, or memory-mapped (only the pages used are read). np.load reads the same files.

np.load of the deflated trigram.npz and context.npz (and rebuilding the keys from byte planes) took 1.2 G instructions
of `planparse restore` on a one-line input (zlib inflate 0.71 G, the zip CRC 0.2 G, copies): stored and read so, the
start-up went 3.60 -> 2.42 G (callgrind), the files 17.0 -> 41.9 MB on disk, the same arrays."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.lib import format as npy_format

LOCAL_HEADER = struct.Struct("<4s22xHH")
"""A zip member's local header: signature, then (after the fields not needed) the lengths of its name and extra field."""


class Arrays(dict):
    """Arrays by name, read by load(); `files` lists the names as NpzFile.files does."""

    @property
    def files(self) -> list[str]:
        return list(self)


def load(path: str | Path, mmap: Collection[str] = ()) -> Arrays:
    """Every array of an .npz. A member stored without compression is read in one read at its offset (no CRC check,
    no copy through zipfile), or memory-mapped read-only when named in `mmap`; a deflated member goes through
    zipfile as np.load reads it. Object arrays are refused, as np.load refuses them."""
    try:
        return _load(path, mmap)
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{path}: {exc}") from exc


def _load(path: str | Path, mmap: Collection[str]) -> Arrays:
    out = Arrays()
    with zipfile.ZipFile(path) as zf, open(path, "rb") as f:
        for info in zf.infolist():
            name = info.filename.removesuffix(".npy")
            if info.compress_type != zipfile.ZIP_STORED:
                with zf.open(info) as member:
                    out[name] = npy_format.read_array(member, allow_pickle=False)
                continue
            f.seek(info.header_offset)
            sig, n_name, n_extra = LOCAL_HEADER.unpack(f.read(LOCAL_HEADER.size))
            if sig != b"PK\x03\x04":
                raise ValueError(f"{path}: bad zip member {info.filename}")
            f.seek(info.header_offset + LOCAL_HEADER.size + n_name + n_extra)
            version = npy_format.read_magic(f)
            read_header = npy_format.read_array_header_1_0 if version == (1, 0) else npy_format.read_array_header_2_0
            shape, fortran, dtype = read_header(f)
            if dtype.hasobject:
                raise ValueError(f"{path}: {info.filename} holds Python objects")
            order: Literal["C", "F"] = "F" if fortran else "C"
            count = int(np.prod(shape, dtype=np.int64))
            if name in mmap and count:
                out[name] = np.asarray(np.memmap(str(path), dtype=dtype, mode="r", offset=f.tell(), shape=shape, order=order))
            else:
                arr = np.fromfile(f, dtype=dtype, count=count)
                if len(arr) != count:
                    raise ValueError(f"{path}: {info.filename} is cut short")
                out[name] = arr.reshape(shape, order=order)
    return out


def save(path: str | Path, arrays: Mapping[str, np.ndarray | np.generic], deflate: Collection[str] = ()) -> None:
    """Write arrays as an .npz np.load reads, each member stored uncompressed (for load) but those named in `deflate`."""
    with zipfile.ZipFile(path, "w", allowZip64=True) as zf:
        for name, value in arrays.items():
            kind = zipfile.ZIP_DEFLATED if name in deflate else zipfile.ZIP_STORED
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = kind
            with zf.open(info, "w", force_zip64=True) as member:
                npy_format.write_array(member, np.asanyarray(value), allow_pickle=False)
