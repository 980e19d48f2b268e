"""Is an XML part well-formed?  One compiled pass, before anything reads the part.

Every XML part StoreOps reads goes through :func:`xml_problem` first (see
:meth:`storeops.xlsx.Package.read`), so a truncated, garbled or hostile part is refused
before a reader can take half of it for the whole (a truncated ``sharedStrings.xml`` read
as blanks, a garbage sheet read as "no rows").

The check is XML 1.0 well-formedness without a DTD, which is all an Office part may use:

* the bytes are UTF-8 (a UTF-8 byte-order mark is fine; UTF-16 and other encodings are
  refused — no Office program writes them and every StoreOps reader reads UTF-8);
* every character is an XML character (no control bytes, no surrogates, no U+FFFE/FFFF),
  also when written as a reference (``&#xD800;`` is refused);
* only the five predefined entities (``&amp;`` …) and character references;
* no ``<!DOCTYPE``/``<!ENTITY`` anywhere (entity tricks), comments, processing
  instructions and CDATA sections are fine;
* tags nest and match (at most :data:`MAX_DEPTH` deep), attributes are ``name="value"``
  with no ``<`` in the value and no name twice, one root element and nothing but
  whitespace, comments and processing instructions around it — so a part cut short is
  refused (its root is never closed).

Big parts (worksheets) go through one compiled pass (:func:`wf_kernel`, numba; about
2–4 ns per byte); small ones, and every part without numba, through the standard library's
expat parser, plus the DOCTYPE, encoding and cell-reference checks done here.  A test
checks that both give the same verdicts.
"""

from __future__ import annotations

import re

import numpy as np

#: Deepest element nesting accepted (Office parts nest fewer than 20 levels).
MAX_DEPTH = 256
#: Most attributes on one tag.
MAX_ATTRS = 64

#: byte classes: plain text bytes (ASCII XML characters other than ``<``, ``&``, ``>``) and
#: ASCII name characters (letters, digits, ``_ : - .``)
_TEXT = np.zeros(256, np.uint8)
_TEXT[[9, 10, 13]] = 1
_TEXT[32:128] = 1
_TEXT[[60, 38, 62]] = 0  # "<", "&"; and ">", which must not end "]]>" in text
_NAME = np.zeros(256, np.uint8)
for _lo, _hi in ((48, 57), (65, 90), (97, 122)):
    _NAME[_lo : _hi + 1] = 1
_NAME[[95, 58, 45, 46]] = 1
_NAME[128:] = 2  # non-ASCII: checked as UTF-8
_NAME_START = _NAME.copy()
_NAME_START[48:58] = 0
_NAME_START[[45, 46]] = 0

#: error codes of :func:`wf_kernel` → (Chinese, English)
REASONS = {
    1: ("不是有效的 UTF-8 文本", "not valid UTF-8 text"),
    2: ("含有 XML 不允许的字符", "contains a character XML does not allow"),
    3: ("含有 DOCTYPE/ENTITY 声明", "contains a DOCTYPE/ENTITY declaration"),
    4: ("含有无效的字符或实体引用", "contains an invalid character or entity reference"),
    5: ("标签不匹配", "has mismatched tags"),
    6: ("内容不完整（被截断）", "is incomplete (cut short)"),
    7: ("根元素之外有内容", "has content outside its root element"),
    8: ("标签写法错误", "has a malformed tag"),
    9: ("嵌套太深", "is nested too deeply"),
    10: ("没有根元素", "has no root element"),
    11: ("使用了不支持的编码（StoreOps 只读 UTF-8）", "uses an encoding other than UTF-8"),
    12: ("同一标签有重复的属性", "repeats an attribute on one tag"),
    13: ("单元格地址无效或超出 Excel 的范围", "has a cell reference that is invalid or outside Excel's grid"),
    14: ("共享字符串编号不是数字", "has a shared-string cell whose index is not a number"),
}


def _utf8_len(a, i, n):
    """Length of the valid XML character encoded in UTF-8 at ``a[i]``; 0 when invalid."""
    b = a[i]
    if b < 0x80:
        if b >= 0x20 or b == 9 or b == 10 or b == 13:
            return 1
        return 0
    if b < 0xC2:
        return 0
    if b < 0xE0:
        if i + 1 < n and (a[i + 1] & 0xC0) == 0x80:
            return 2
        return 0
    if b < 0xF0:
        if i + 2 >= n:
            return 0
        b1 = a[i + 1]
        b2 = a[i + 2]
        if (b1 & 0xC0) != 0x80 or (b2 & 0xC0) != 0x80:
            return 0
        if b == 0xE0 and b1 < 0xA0:
            return 0  # overlong
        if b == 0xED and b1 >= 0xA0:
            return 0  # surrogate
        if b == 0xEF and b1 == 0xBF and (b2 == 0xBE or b2 == 0xBF):
            return 0  # U+FFFE, U+FFFF
        return 3
    if b < 0xF5:
        if i + 3 >= n:
            return 0
        b1 = a[i + 1]
        if (b1 & 0xC0) != 0x80 or (a[i + 2] & 0xC0) != 0x80 or (a[i + 3] & 0xC0) != 0x80:
            return 0
        if b == 0xF0 and b1 < 0x90:
            return 0  # overlong
        if b == 0xF4 and b1 >= 0x90:
            return 0  # above U+10FFFF
        return 4
    return 0


def _xml_char(v):
    return (
        v == 9 or v == 10 or v == 13 or (0x20 <= v <= 0xD7FF) or (0xE000 <= v <= 0xFFFD) or (0x10000 <= v <= 0x10FFFF)
    )


def _reference(a, i, n):
    """End (index after ``;``) of the valid reference starting with ``&`` at ``a[i]``; -1."""
    j = i + 1
    if j < n and a[j] == 35:  # &#
        j += 1
        v = 0
        digits = 0
        if j < n and a[j] == 120:  # &#x
            j += 1
            while j < n and digits < 9:
                c = a[j]
                if 48 <= c <= 57:
                    v = v * 16 + (int(c) - 48)
                elif 97 <= c <= 102:
                    v = v * 16 + (int(c) - 87)
                elif 65 <= c <= 70:
                    v = v * 16 + (int(c) - 55)
                else:
                    break
                digits += 1
                j += 1
        else:
            while j < n and digits < 9:
                c = a[j]
                if 48 <= c <= 57:
                    v = v * 10 + (int(c) - 48)
                else:
                    break
                digits += 1
                j += 1
        if digits == 0 or j >= n or a[j] != 59 or not _xml_char(v):
            return -1
        return j + 1
    s = j
    while j < n and j - s < 5 and a[j] != 59:
        j += 1
    if j >= n or a[j] != 59:
        return -1
    k = j - s
    if k == 3 and a[s] == 97 and a[s + 1] == 109 and a[s + 2] == 112:  # amp
        return j + 1
    if k == 2 and a[s + 1] == 116 and (a[s] == 108 or a[s] == 103):  # lt gt
        return j + 1
    if k == 4 and a[s] == 113 and a[s + 1] == 117 and a[s + 2] == 111 and a[s + 3] == 116:  # quot
        return j + 1
    if k == 4 and a[s] == 97 and a[s + 1] == 112 and a[s + 2] == 111 and a[s + 3] == 115:  # apos
        return j + 1
    return -1


def _name_end(a, i, n):
    """End of the XML name starting at ``a[i]`` (``i`` when there is none; -1 for bad UTF-8)."""
    if i >= n or _NAME_START[a[i]] == 0:
        return i
    j = i
    while j < n:
        k = _NAME[a[j]]
        if k == 1:
            j += 1
        elif k == 2:
            k = _utf8_len(a, j, n)
            if k == 0:
                return -1
            j += k
        else:
            break
    return j


def _find2(a, i, n, x, y):
    """Index of the next ``x y`` byte pair in ``a[i:n]``; -1."""
    while i + 1 < n:
        if a[i] == x and a[i + 1] == y:
            return i
        i += 1
    return -1


def _chars(a, i, e, n):
    """Check that ``a[i:e]`` holds only XML characters; -1 or the index of the bad byte."""
    while i < e:
        c = a[i]
        if 0x20 <= c < 0x80 or c == 9 or c == 10 or c == 13:
            i += 1
        else:
            k = _utf8_len(a, i, n)
            if k == 0:
                return i
            i += k
    return -1


def _same(a, s1, e1, s2, e2):
    if e1 - s1 != e2 - s2:
        return False
    for q in range(e1 - s1):
        if a[s1 + q] != a[s2 + q]:
            return False
    return True


def _grid_ref(a, s, e, kind, stats):
    """Check the ``r=`` value ``a[s:e]`` of a cell (``kind`` 1, ``A1``) or row (2, ``1``)
    against Excel's grid and record the largest row and column in ``stats``."""
    col = 0
    j = s
    if kind == 1:
        while j < e and 65 <= a[j] <= 90 and col <= 16384:
            col = col * 26 + (int(a[j]) - 64)
            j += 1
        if col == 0 or col > 16384:
            return False
    row = 0
    if j == e:
        return False
    while j < e:
        c = a[j]
        if c < 48 or c > 57 or row > 1048576:
            return False
        row = row * 10 + (int(c) - 48)
        j += 1
    if row == 0 or row > 1048576:
        return False
    if row > stats[0]:
        stats[0] = row
    if col > stats[2]:
        stats[2] = col
    return True


def wf_kernel(a, stats):
    """Check well-formedness of the XML bytes ``a`` (uint8 array).

    Returns ``(code, position)``: ``(0, -1)`` when well-formed, else an error code of
    :data:`REASONS` and the byte position where the problem was found.  ``stats`` (four
    int64: 0, 0, 0, -1) receives a worksheet's extent: the largest row number of the
    ``<row r=…>`` and ``<c r=…>`` elements, the number of ``<c>`` elements, the largest
    column number, and the largest shared-string index a ``t="s"`` cell uses.
    """
    ctl = np.zeros(8, np.int64)
    ctl[1] = a.shape[0]
    return wf_span(a, stats, ctl)


def wf_span(a, stats, ctl):
    """:func:`wf_kernel` over one span of ``a``, for checking a big part in pieces.

    ``ctl`` (eight int64) says what to check: ``[start, end, root_s, root_e, data_s,
    data_e, mode, out]``.  Mode 0 checks ``a[start:end]`` as a whole document.  Mode 1 (the
    head) checks ``a[:end]`` as a document's beginning that must end *between* elements
    with exactly two open: the root element named at ``a[root_s:root_e]`` and the
    ``<sheetData>`` named at ``a[data_s:data_e]`` (else code 6); ``out`` receives 1 when a
    ``t="s"`` cell's state is open at the end.  Mode 2 (the tail) checks ``a[start:end]`` as
    the rest of that document after such a point, those two elements open; ``out`` receives
    1 when a ``<v>`` comes before the first ``<c>`` (where the head's open state would
    matter).  See :func:`_split_problem` for why two pieces that pass make a whole that does.
    """
    n = ctl[1]
    mode = ctl[6]
    i = ctl[0]
    if mode != 2 and n >= 3 and a[0] == 0xEF and a[1] == 0xBB and a[2] == 0xBF:
        i = 3
    stack_s = np.empty(256, np.int64)
    stack_e = np.empty(256, np.int64)
    attr_s = np.empty(64, np.int64)
    attr_e = np.empty(64, np.int64)
    depth = 0
    seen_root = False
    in_sc = False
    first = i
    seen_c = False
    if mode == 2:
        stack_s[0] = ctl[2]
        stack_e[0] = ctl[3]
        stack_s[1] = ctl[4]
        stack_e[1] = ctl[5]
        depth = 2
        seen_root = True
        first = -1
    while i < n:
        c = a[i]
        if c == 60:  # <
            c1 = a[i + 1] if i + 1 < n else 0
            if c1 == 47:  # </name>: the name on top of the stack
                if depth == 0:
                    return 5, i
                depth -= 1
                s = stack_s[depth]
                ln = stack_e[depth] - s
                j = i + 2
                if j + ln >= n:
                    return 6, i
                for q in range(ln):
                    if a[j + q] != a[s + q]:
                        return 5, i
                j += ln
                if _NAME[a[j]]:
                    return 5, i
                while j < n and (a[j] == 32 or a[j] == 9 or a[j] == 10 or a[j] == 13):
                    j += 1
                if j >= n:
                    return 6, i
                if a[j] != 62:
                    return 8, j
                i = j + 1
            elif c1 == 63:  # <?target ... ?>
                e = _find2(a, i + 2, n, 63, 62)
                if e < 0:
                    return 6, i
                t = i + 2
                te = _name_end(a, t, n)
                if te <= t or not (te == e or a[te] == 32 or a[te] == 9 or a[te] == 10 or a[te] == 13):
                    return 8, i  # a processing instruction needs a target name
                if (
                    e - t >= 3
                    and (a[t] | 32) == 120
                    and (a[t + 1] | 32) == 109
                    and (a[t + 2] | 32) == 108
                    and (t + 3 == e or a[t + 3] == 32 or a[t + 3] == 9 or a[t + 3] == 10 or a[t + 3] == 13)
                    and i != first
                ):
                    return 8, i  # an XML declaration that is not at the start
                bad = _chars(a, t, e, n)
                if bad >= 0:
                    return (1 if a[bad] >= 0x80 else 2), bad
                i = e + 2
            elif c1 == 33:  # <!-- -->, <![CDATA[ ]]>, or a declaration (refused)
                if i + 3 < n and a[i + 2] == 45 and a[i + 3] == 45:
                    e = i + 4
                    while True:
                        e = _find2(a, e, n, 45, 45)
                        if e < 0:
                            return 6, i
                        if e + 2 < n and a[e + 2] == 62:
                            break
                        if e + 2 >= n:
                            return 6, i
                        return 8, e  # "--" inside a comment
                    bad = _chars(a, i + 4, e, n)
                    if bad >= 0:
                        return (1 if a[bad] >= 0x80 else 2), bad
                    i = e + 3
                elif (
                    i + 8 < n
                    and a[i + 2] == 91
                    and a[i + 3] == 67
                    and a[i + 4] == 68
                    and a[i + 5] == 65
                    and a[i + 6] == 84
                    and a[i + 7] == 65
                    and a[i + 8] == 91
                ):
                    if depth == 0:
                        return 7, i
                    e = i + 9
                    while True:
                        e = _find2(a, e, n, 93, 93)
                        if e < 0 or e + 2 >= n:
                            return 6, i
                        if a[e + 2] == 62:
                            break
                        e += 1
                    bad = _chars(a, i + 9, e, n)
                    if bad >= 0:
                        return (1 if a[bad] >= 0x80 else 2), bad
                    i = e + 3
                else:
                    return 3, i
            else:  # <name attr="value" ...> or <name .../>
                s = i + 1
                e = _name_end(a, s, n)
                if e < 0:
                    return 1, s
                if e == s:
                    return (6 if s >= n else 8), i  # a "<" that ends the data: cut short
                if depth == 0 and seen_root:
                    return 7, i
                j = e
                na = 0
                closed = False
                cell_kind = 0  # 1: <c>, 2: <row> (their r= is checked and counted)
                if e - s == 1 and a[s] == 99:
                    cell_kind = 1
                    stats[1] += 1
                    in_sc = False
                    seen_c = True
                elif e - s == 1 and a[s] == 118 and not seen_c and mode == 2:
                    ctl[7] = 1  # a <v> before any <c>: the head's t="s" state would matter
                elif e - s == 3 and a[s] == 114 and a[s + 1] == 111 and a[s + 2] == 119:
                    cell_kind = 2
                while True:
                    k = j
                    while j < n and (a[j] == 32 or a[j] == 9 or a[j] == 10 or a[j] == 13):
                        j += 1
                    if j >= n:
                        return 6, i
                    if a[j] == 62:
                        j += 1
                        break
                    if a[j] == 47:
                        if j + 1 >= n:
                            return 6, i
                        if a[j + 1] != 62:
                            return 8, j
                        j += 2
                        closed = True
                        break
                    if j == k:
                        return 8, j  # attributes must be separated by whitespace
                    ns = j
                    ne = _name_end(a, j, n)
                    if ne < 0:
                        return 1, j
                    if ne == ns:
                        return 8, j
                    for q in range(na):
                        if _same(a, attr_s[q], attr_e[q], ns, ne):
                            return 12, ns
                    if na == 64:
                        return 8, ns
                    attr_s[na] = ns
                    attr_e[na] = ne
                    na += 1
                    j = ne
                    while j < n and (a[j] == 32 or a[j] == 9 or a[j] == 10 or a[j] == 13):
                        j += 1
                    if j >= n:
                        return 6, i
                    if a[j] != 61:
                        return 8, j
                    j += 1
                    while j < n and (a[j] == 32 or a[j] == 9 or a[j] == 10 or a[j] == 13):
                        j += 1
                    if j >= n:
                        return 6, i
                    qc = a[j]
                    if qc != 34 and qc != 39:
                        return 8, j
                    j += 1
                    vs = j
                    while True:
                        while j < n and _TEXT[a[j]] and a[j] != qc:
                            j += 1
                        if j >= n:
                            return 6, i
                        c = a[j]
                        if c == qc:
                            if cell_kind and ne - ns == 1:
                                if a[ns] == 114 and not _grid_ref(a, vs, j, cell_kind, stats):
                                    return 13, vs
                                if cell_kind == 1 and a[ns] == 116 and j == vs + 1 and a[vs] == 115:
                                    in_sc = True  # t="s": its <v> is a shared-string index
                            j += 1
                            break
                        if c == 60:
                            return 8, j
                        if c == 38:
                            r = _reference(a, j, n)
                            if r < 0:
                                return 4, j
                            j = r
                        elif 0x20 <= c < 0x80 or c == 9 or c == 10 or c == 13:
                            j += 1
                        else:
                            k2 = _utf8_len(a, j, n)
                            if k2 == 0:
                                return (1 if c >= 0x80 else 2), j
                            j += k2
                if in_sc and not closed and e - s == 1 and a[s] == 118:  # <v> of a t="s" cell
                    k = j
                    v = 0
                    while k < n and 48 <= a[k] <= 57 and v < 1 << 40:
                        v = v * 10 + (int(a[k]) - 48)
                        k += 1
                    if k == j or k >= n or a[k] != 60:
                        return 14, j
                    if v > stats[3]:
                        stats[3] = v
                if closed:
                    if depth == 0:
                        seen_root = True
                else:
                    if depth == 256:
                        return 9, i
                    stack_s[depth] = s
                    stack_e[depth] = e
                    depth += 1
                    seen_root = True
                i = j
        elif c == 38:  # &
            if depth == 0:
                return 7, i
            r = _reference(a, i, n)
            if r < 0:
                return 4, i
            i = r
        elif c == 62:  # ">"
            if depth == 0:
                return 7, i
            if i >= 2 and a[i - 1] == 93 and a[i - 2] == 93:
                return 2, i  # "]]>" outside a CDATA section
            i += 1
        elif _TEXT[c]:
            if depth == 0:
                if not (c == 32 or c == 9 or c == 10 or c == 13):
                    return 7, i
                i += 1
            else:
                i += 1
                while i < n and _TEXT[a[i]]:
                    i += 1
        else:
            k = _utf8_len(a, i, n)
            if k == 0:
                return (1 if c >= 0x80 else 2), i
            if depth == 0:
                return 7, i
            i += k
    if mode == 1:  # the head ends between elements, inside the root's <sheetData>
        if depth != 2 or stack_s[0] != ctl[2] or stack_e[0] != ctl[3] or stack_s[1] != ctl[4]:
            return 6, n
        ctl[7] = 1 if in_sc else 0
        return 0, -1
    if depth > 0:
        return 6, n
    if not seen_root:
        return 10, n
    return 0, -1


_S = rb"[ \t\r\n]+"
_EQ = rb"[ \t\r\n]*=[ \t\r\n]*"
_DECL = re.compile(
    rb"<\?xml"
    + _S
    + rb"version"
    + _EQ
    + rb"(?:\"1\.[0-9]+\"|'1\.[0-9]+')"
    + rb"(?:"
    + _S
    + rb"encoding"
    + _EQ
    + rb"(?:\"([A-Za-z][A-Za-z0-9._-]*)\"|'([A-Za-z][A-Za-z0-9._-]*)'))?"
    + rb"(?:"
    + _S
    + rb"standalone"
    + _EQ
    + rb"(?:\"(?:yes|no)\"|'(?:yes|no)'))?"
    + rb"[ \t\r\n]*\?>"
)
_DOCTYPE_ANYWHERE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _encoding_problem(data: bytes) -> tuple[int, int] | None:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
        return 11, 0
    body = data[3:] if data[:3] == b"\xef\xbb\xbf" else data
    if body[:5] == b"<?xml" and body[5:6] in (b" ", b"\t", b"\r", b"\n", b"?"):
        m = _DECL.match(body)
        if m is None:
            return 8, 0  # a malformed XML declaration
        enc = (m.group(1) or m.group(2) or b"utf-8").lower()
        if enc not in (b"utf-8", b"utf8", b"us-ascii", b"ascii"):
            return 11, 0
    return None


def _expat_problem(data: bytes) -> tuple[int, int] | None:
    """The same check with the standard library's expat parser (used without numba)."""
    from xml.parsers import expat

    m = _DOCTYPE_ANYWHERE.search(data)
    if m:
        return 3, m.start()
    p = expat.ParserCreate()
    depth = [0]

    def start(name, attrs):
        depth[0] += 1
        if depth[0] > MAX_DEPTH:
            raise _TooDeep(p.CurrentByteIndex)

    def end(name):
        depth[0] -= 1

    p.StartElementHandler, p.EndElementHandler = start, end
    try:
        p.Parse(data, True)
    except _TooDeep as exc:
        return 9, exc.args[0]
    except (LookupError, ValueError):  # an encoding expat does not know
        return 11, 0
    except expat.ExpatError as exc:
        code = {
            expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]: 6 if data.strip() else 10,
            expat.errors.codes[expat.errors.XML_ERROR_TAG_MISMATCH]: 5,
            expat.errors.codes[expat.errors.XML_ERROR_INVALID_TOKEN]: 2,
            expat.errors.codes[expat.errors.XML_ERROR_BAD_CHAR_REF]: 4,
            expat.errors.codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]: 4,
            expat.errors.codes[expat.errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT]: 7,
            expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN]: 6,
            expat.errors.codes[expat.errors.XML_ERROR_DUPLICATE_ATTRIBUTE]: 12,
        }.get(exc.code, 8)
        pos = p.ErrorByteIndex
        if code == 2 and 0 <= pos < len(data) and data[pos] >= 0x80:
            code = 1  # the bad "token" is a byte that is not UTF-8
        return code, pos
    return None


class _TooDeep(Exception):
    pass


#: a start tag's attributes up to the one wanted (a quoted value may hold ">", as the kernel reads it)
_ATTRS = rb"(?:[^>\"']|\"[^\"]*\"|'[^']*')*?"
_CELL_REF = re.compile(
    rb"<(c|row)[ \t\r\n]" + _ATTRS + rb"(?<=[ \t\r\n])r[ \t\r\n]*=[ \t\r\n]*(?P<q>[\"'])(?P<ref>[^<]*?)(?P=q)"
)


#: the ``<v>`` of a ``t="s"`` cell, after its ``<f>`` when it has one (a cached string result)
_SST_REF = re.compile(
    rb"<c[ \t\r\n]" + _ATTRS + rb"(?<=[ \t\r\n])t=[\"']s[\"']" + _ATTRS.replace(b"*?", b"*") + rb"(?<!/)>\s*"
    rb"(?:<f(?:[ \t\r\n]" + _ATTRS + rb")?(?:/>|>[^<]*</f>)\s*)?<v>([^<]*)<"
)


_GOOD_REF = re.compile(rb"([A-Z]{0,3})([1-9][0-9]{0,6})")


def _extent_py(data: bytes, stats: np.ndarray) -> tuple[int, int] | None:
    """:func:`_grid_ref` over every ``<c r=…>``/``<row r=…>`` (the path without the kernel)."""
    stats[1] = len(re.findall(rb"<c[ \t\r\n/>]", data))
    for m in _SST_REF.finditer(data):
        if not m.group(1).isdigit():
            return 14, m.start(1)
        stats[3] = max(stats[3], int(m.group(1)))
    cols: dict[bytes, int] = {}
    max_row = max_col = 0
    for m in _CELL_REF.finditer(data):
        ref = _GOOD_REF.fullmatch(m.group("ref"))
        letters = ref.group(1) if ref else b""
        if ref is None or (m.group(1) == b"c") != bool(letters):
            return 13, m.start("ref")
        row = int(ref.group(2))
        if letters:
            col = cols.get(letters)
            if col is None:
                col = cols[letters] = sum((c - 64) * 26**i for i, c in enumerate(reversed(letters)))
            if col > 16384:
                return 13, m.start("ref")
            max_col = max(max_col, col)
        if row > 1048576:
            return 13, m.start("ref")
        max_row = max(max_row, row)
    stats[0], stats[2] = max(int(stats[0]), max_row), max(int(stats[2]), max_col)
    return None


def new_extent() -> np.ndarray:
    """The ``extent`` array :func:`xml_problem` fills: max row, cells, max column, max
    shared-string index (-1: none)."""
    return np.array([0, 0, 0, -1], np.int64)


def xml_problem(
    data: bytes, *, compiled: bool | None = None, extent: np.ndarray | None = None
) -> tuple[int, int] | None:
    """``None`` for a well-formed UTF-8 XML part, else ``(code, byte position)``.

    ``code`` is a key of :data:`REASONS`.  ``compiled`` chooses the compiled kernel or
    expat (default: the kernel for parts of :data:`KERNEL_MIN_BYTES` and more).  ``extent`` (from :func:`new_extent`) receives a
    worksheet's extent: ``[max row, number of cells, max column, max shared-string index]``;
    a reference outside Excel's grid is a problem (code 13).

    Examples
    --------
    >>> xml_problem(b'<?xml version="1.0"?><a x="1"><b>&amp;&#x4e2d;</b></a>') is None
    True
    >>> xml_problem(b"<a><b>cut sh")                       # a truncated part
    (6, 12)
    >>> xml_problem(b"<a>&#xD800;</a>")[0], xml_problem(b"<a><!DOCTYPE x></a>")[0]
    (4, 3)
    >>> xml_problem(b'<sheetData><row r="1"><c r="XFE1"/></row></sheetData>')
    (13, 28)
    """
    enc = _encoding_problem(data)
    if enc is not None:
        return enc
    kernel = _compiled_kernel() if (compiled or (compiled is None and len(data) >= KERNEL_MIN_BYTES)) else None
    stats = new_extent() if extent is None else extent
    if kernel is None:
        problem = _expat_problem(data) or _extent_py(data, stats)
    else:
        arr = np.frombuffer(data, dtype=np.uint8)
        if len(data) >= SPLIT_MIN_BYTES and _split_problem(data, arr, stats):
            return None
        code, pos = kernel(arr, stats)
        problem = None if code == 0 else (int(code), int(pos))
    return _cut_short(data, problem)


#: parts at least this big are checked in two pieces at once (one on another thread)
SPLIT_MIN_BYTES = 32 << 20
_ROOT_TAG = re.compile(rb"<([A-Za-z_:][^\s/>]*)")
_DATA_TAG = re.compile(rb"<((?:[A-Za-z_][^\s/>:]*:)?sheetData)[\s>]")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][^\s/>:]*:)?row[\s>]")


def _split_problem(data: bytes, arr: np.ndarray, stats: np.ndarray) -> bool:
    """Check a big worksheet in two pieces on two cores; ``True`` when it is well-formed
    (``stats`` then holds its extent), ``False`` when the pieces cannot tell (the caller
    then checks the whole part in one pass, which also names the first problem).

    The cut is put before a ``<row`` near the middle.  The head (:func:`wf_span` mode 1)
    must be a well-formed beginning that ends between elements with exactly the root
    element and its ``<sheetData>`` open — the very elements found at the start, by
    position — so the cut lies in the sheet's content and nowhere else (not inside a tag,
    a comment, a CDATA section or an attribute: a token left open at the cut fails the
    head).  The tail (mode 2) is then checked from the same state: those two elements
    open, after the root's start (so an XML declaration or a second root is refused as in
    one pass).  The only other state one pass carries across the cut — a ``t="s"`` cell
    whose ``<v>`` comes later — is compared too.  Well-formedness of XML 1.0 is a property
    of the token sequence read from left to right, so two pieces that pass from the same
    state at the same point make a whole that passes; anything else (either piece failing)
    falls back to one pass.  A test checks the pieces against one pass on damaged parts.
    """
    root = _ROOT_TAG.search(data, 0, 1 << 16)
    if root is None:
        return False
    sheet_data = _DATA_TAG.search(data, root.end(), 1 << 20)
    if sheet_data is None:
        return False
    cut = _ROW_TAG.search(data, max(len(data) // 2, sheet_data.end()))
    if cut is None:
        return False
    return pieces_pass(arr, stats, root.span(1), sheet_data.span(1), cut.start())


def pieces_pass(
    arr: np.ndarray, stats: np.ndarray, root: tuple[int, int], sheet_data: tuple[int, int], cut: int
) -> bool:
    """The two pieces of :func:`_split_problem` cut at ``cut``, checked at once; ``root``
    and ``sheet_data`` are the spans of those elements' names.  ``True`` only when both
    pass from the same state (then ``stats`` gets the whole part's extent)."""
    from ._jit import at_once

    kernel = _compiled_span()
    head = np.array([0, cut, root[0], root[1], sheet_data[0], sheet_data[1], 1, 0], np.int64)
    tail = head.copy()
    tail[0], tail[1], tail[6] = cut, len(arr), 2
    head_stats, tail_stats = new_extent(), new_extent()
    (head_code, _), (tail_code, _) = at_once(
        lambda: kernel(arr, head_stats, head), lambda: kernel(arr, tail_stats, tail)
    )
    if head_code != 0 or tail_code != 0 or (head[7] and tail[7]):
        return False
    stats[0] = max(int(stats[0]), int(head_stats[0]), int(tail_stats[0]))
    stats[1] += head_stats[1] + tail_stats[1]
    stats[2] = max(int(stats[2]), int(head_stats[2]), int(tail_stats[2]))
    stats[3] = max(int(stats[3]), int(head_stats[3]), int(tail_stats[3]))
    return True


def _cut_short(data: bytes, problem: tuple[int, int] | None) -> tuple[int, int] | None:
    """A part that does not end in ``>`` was cut short, whatever broken token the cut left
    last (half a character, half an entity, half a number): say so, not the token.  DTDs and
    foreign encodings are still named as such."""
    if problem is None or problem[0] in (3, 6, 11):
        return problem
    tail = data.rstrip(b" \t\r\n")
    return (6, len(data)) if tail and not tail.endswith(b">") else problem


#: parts at least this big are checked by the compiled kernel; smaller ones by expat, so a
#: command that reads only small parts does not load numba (half a second)
KERNEL_MIN_BYTES = 1 << 20
_HELPERS = ("_utf8_len", "_xml_char", "_reference", "_name_end", "_find2", "_chars", "_same", "_grid_ref", "wf_span")
_KERNEL: list = []


def _compiled_kernel():
    """:func:`wf_kernel` compiled by numba (with its helpers), made on first use; ``None``
    without numba (or with ``STOREOPS_NO_JIT=1``)."""
    if not _KERNEL:
        from ._jit import HAVE_NUMBA, jit

        if HAVE_NUMBA:
            g = globals()
            for name in _HELPERS:
                g[name] = jit(getattr(g[name], "py_func", g[name]))
            _KERNEL.append(jit(wf_kernel))
        else:  # pragma: no cover - numba is a dependency
            _KERNEL.append(None)
    return _KERNEL[0]


def _compiled_span():
    """:func:`wf_span` as :func:`_compiled_kernel` made it (compiled, or Python)."""
    _compiled_kernel()
    return globals()["wf_span"]
