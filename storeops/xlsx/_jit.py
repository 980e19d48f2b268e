"""Compile the byte-level kernels with numba when it is there.

The kernels in :mod:`storeops.xlsx._scan` and :mod:`storeops.xlsx._floatfmt` are plain
Python written in the subset numba compiles.  With numba (a normal install) they run as
machine code, cached on disk after the first run; without it, or with
``NUMBA_DISABLE_JIT=1``, the very same functions run as Python (slow on big sheets, but
correct — the tests run them both ways).

numba checks a cached kernel against its own source file only: the kernels of
:mod:`._splice` read the record layout (``F_*``) of :mod:`._scan`, so after changing that
layout delete the caches (``find storeops -name '*.nb[ic]' -delete``).  An install
writes every file anew, so users never meet a stale cache.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any


def _numba_without_cffi() -> None:
    """Import numba's cffi support with ``cffi`` hidden.

    numba imports cffi and pycparser (about 35 ms) the first time it loads a kernel, to type
    cffi functions, which these kernels never call.  Where cffi is installed (it comes
    with the test tools) that is hidden once, so ``numba.core.typing.cffi_utils`` records
    "no cffi"; anything else importing cffi later gets it as usual.
    """
    if "cffi" in sys.modules:
        return
    sys.modules["cffi"] = None  # type: ignore[assignment]  # `import cffi` raises ImportError
    try:
        import numba.core.typing.cffi_utils  # noqa: F401
    finally:
        del sys.modules["cffi"]


_njit: Callable[..., Any] | None
try:  # pragma: no cover - exercised by the import itself
    if os.environ.get("STOREOPS_NO_JIT") == "1":
        raise ImportError("disabled")
    from numba import njit as _njit

    _numba_without_cffi()
    HAVE_NUMBA = True
except ImportError:  # pragma: no cover
    _njit = None
    HAVE_NUMBA = False


def jit(fn):
    """``numba.njit(cache=True)`` when numba is installed, else the function itself."""
    if _njit is None:
        return fn
    return _njit(cache=True, nogil=True)(fn)


def at_once(first: Callable[[], Any], second: Callable[[], Any]) -> tuple[Any, Any]:
    """``first()`` on another thread while ``second()`` runs on this one — two halves of a
    big part on both cores (the compiled kernels release the GIL); both results.  An error of
    either is raised once both are done.

    >>> at_once(lambda: 1 + 1, lambda: 2 * 3)
    (2, 6)
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        job = pool.submit(first)
        other = second()
        return job.result(), other


def _py_memcpy(dst, doff, src, soff, n):
    """``dst[doff:doff+n] = src[soff:soff+n]`` (the compiled version is one ``llvm.memcpy``)."""
    dst[doff : doff + n] = src[soff : soff + n]


memcpy: Callable[..., Any]  # numba's intrinsic, or the same copy in Python
if HAVE_NUMBA:
    from numba.core import cgutils, types
    from numba.extending import intrinsic

    @intrinsic
    def memcpy(typingctx, dst, doff, src, soff, n):
        """Copy ``n`` bytes of ``src`` from ``soff`` to ``dst`` at ``doff`` (uint8 arrays)."""
        sig = types.void(dst, doff, src, soff, n)

        def codegen(context, builder, signature, args):
            d, do, s_, so, cnt = args
            tys = signature.args
            do = context.cast(builder, do, tys[1], types.intp)
            so = context.cast(builder, so, tys[3], types.intp)
            cnt = context.cast(builder, cnt, tys[4], types.intp)
            dptr = builder.gep(context.make_array(tys[0])(context, builder, d).data, [do])
            sptr = builder.gep(context.make_array(tys[2])(context, builder, s_).data, [so])
            cgutils.raw_memcpy(builder, dptr, sptr, cnt, 1)
            return context.get_dummy_value()

        return sig, codegen
else:  # pragma: no cover
    memcpy = _py_memcpy


def needs_compiling(*kernels) -> bool:
    """Whether any of these kernels has no machine code cached on disk yet (the first run
    after installing compiles them, about 20 s).  ``False`` when unsure."""
    if not HAVE_NUMBA:
        return False
    try:
        return any(not os.path.exists(k._cache._cache_file._index_path) for k in kernels)
    except AttributeError:  # another numba version: don't guess
        return False
