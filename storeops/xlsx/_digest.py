"""Digests that tell whether a workbook changed since StoreOps last wrote it.

* :class:`Digests` — per sheet, one 64-bit sum per (column, block of rows, kind): the
  hashes of the values of its input cells (kind 0) and of the cached values of its
  formula cells (kind 1), as :func:`storeops.xlsx._scan.scan_sheet` computes them.
  Sums are additive: two halves of a sheet add up to the whole, and rewriting a cell
  changes one sum by the difference of the cell's old and new terms.

The shared strings' content hashes that cell digests use come from
:func:`storeops.xlsx._scan.sst_hashes`; zip members have their own digests
(:func:`storeops.xlsx._zipwrite.member_digest`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: digest kinds: the values of input cells, the cached values of formula cells
DK_INPUT, DK_FORMULA = 0, 1
_KIND_SHIFT = 36
_COL_SHIFT = 21
_BLOCK_MASK = (1 << _COL_SHIFT) - 1


@dataclass
class Digests:
    """Digest sums of one sheet, sorted by key (``kind << 36 | column << 21 | block``)."""

    keys: np.ndarray  # int64
    sums: np.ndarray  # uint64
    shift: int = 0

    @classmethod
    def empty(cls, shift: int = 0) -> Digests:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.uint64), shift)

    @classmethod
    def from_records(cls, D: np.ndarray, sums: np.ndarray, shift: int) -> Digests:
        """Digests from the scanner's records (column, block, kind); equal keys are summed."""
        if not len(D):
            return cls.empty(shift)
        D = D.astype(np.int64)
        keys = (D[:, 2] << _KIND_SHIFT) | (D[:, 0] << _COL_SHIFT) | D[:, 1]
        return cls(*_sum_by_key(keys, sums.astype(np.uint64)), shift)

    def add(self, keys: np.ndarray, deltas: np.ndarray) -> Digests:
        """These digests with ``deltas`` added at ``keys`` (new keys appear)."""
        k, s = _sum_by_key(np.concatenate([self.keys, keys]), np.concatenate([self.sums, deltas.astype(np.uint64)]))
        return Digests(k, s, self.shift)

    def changed(self, other: Digests) -> np.ndarray:
        """Keys whose sums differ between the two (a key missing on one side counts)."""
        if self.shift != other.shift:
            raise ValueError("digests of different block sizes")
        keys = np.union1d(self.keys, other.keys)
        s1, in1 = self._at(keys)
        s2, in2 = other._at(keys)
        return keys[(in1 != in2) | (s1 != s2)]

    def _at(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        i = np.clip(np.searchsorted(self.keys, keys), 0, max(len(self.keys) - 1, 0))
        if not len(self.keys):
            return np.zeros(len(keys), np.uint64), np.zeros(len(keys), bool)
        found = self.keys[i] == keys
        return np.where(found, self.sums[i], np.uint64(0)), found

    def coarsen(self, shift: int) -> Digests:
        """The same digests over blocks of 2^``shift`` rows (``shift`` ≥ this one's)."""
        if shift == self.shift:
            return self
        kind, col, block = split_key(self.keys)
        keys = make_keys(0, col, block >> (shift - self.shift)) | (kind << _KIND_SHIFT)
        return Digests(*_sum_by_key(keys, self.sums), shift)

    def to_bytes(self) -> bytes:
        return self.keys.astype("<i8").tobytes() + self.sums.astype("<u8").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, shift: int) -> Digests:
        n = len(data) // 16
        return cls(
            np.frombuffer(data[: 8 * n], "<i8").astype(np.int64),
            np.frombuffer(data[8 * n : 16 * n], "<u8").astype(np.uint64),
            shift,
        )


def split_key(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(kind, column, block) of digest keys."""
    keys = np.asarray(keys, np.int64)
    return keys >> _KIND_SHIFT, (keys >> _COL_SHIFT) & ((1 << (_KIND_SHIFT - _COL_SHIFT)) - 1), keys & _BLOCK_MASK


def make_keys(kind: int, cols: np.ndarray, blocks: np.ndarray) -> np.ndarray:
    return (np.int64(kind) << _KIND_SHIFT) | (np.asarray(cols, np.int64) << _COL_SHIFT) | np.asarray(blocks, np.int64)


def _sum_by_key(keys: np.ndarray, sums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if not len(keys):
        return keys.astype(np.int64), sums.astype(np.uint64)
    order = np.argsort(keys, kind="stable")
    k, s = keys[order], sums[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    with np.errstate(over="ignore"):
        total = np.add.reduceat(s, starts, dtype=np.uint64)
    return k[starts], total


def block_shift(max_row: int, blocks: int = 64) -> int:
    """log2 of the rows per digest block: a sheet gets at most ``blocks`` blocks per column
    (a small sheet one row per block, so an edited setting names its own cell).

    Examples
    --------
    >>> block_shift(50), block_shift(2007), block_shift(100_004)
    (0, 5, 11)
    """
    shift = 0
    while (max_row >> shift) >= blocks:
        shift += 1
    return shift
