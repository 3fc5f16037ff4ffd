#!/usr/bin/env python3
"""Writes small seeds for the import_pdf target: hand-built PDFs of a few kilobytes that hold
what the reader walks (a Type0 font with a ToUnicode CMap, a simple font, a ruled table, text in
cells, several pages, a Flate-compressed content stream, an object stream with an xref stream).

The fixture PDFs in the corpus are hundreds of kilobytes, so a fuzzer spends most of each run
parsing bytes it did not change; these let it reach the same code in a few kilobytes. The
target prepends `%PDF-1.4\\n`, so each seed is written without that header.

    python3 pdf_seeds.py   # from fuzz/
"""
import os
import zlib

# A few of the form's labels and values, so that the assembler's labels can be reached.
ROWS = [
    ["部门（单位）名称", "某某局"],
    ["年度金额", "1234.56"],
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "培训人次", "≥95%"],
]


def utf16_hex(text):
    return text.encode("utf-16-be").hex().upper()


def tounicode(chars):
    """A CMap mapping two-byte codes 1, 2, … to the given characters (bfchar and one bfrange)."""
    lines = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CMapName /Fuzz def 1 begincodespacerange <0000> <FFFF> endcodespacerange",
        f"{len(chars)} beginbfchar",
    ]
    for i, c in enumerate(chars):
        lines.append(f"<{i + 1:04X}> <{utf16_hex(c)}>")
    lines.append("endbfchar")
    lines.append("1 beginbfrange <1000> <1009> <0030> endbfrange")
    lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    return "\n".join(lines).encode()


def content(rows, chars, page_no):
    """A ruled table with the rows' text, in the Type0 font (codes) and Helvetica (page number)."""
    code = {c: i + 1 for i, c in enumerate(chars)}
    ops = ["0.5 w"]
    top, height, width = 780, 24, 120
    cols = max(len(r) for r in rows)
    for r in range(len(rows) + 1):
        y = top - r * height
        ops.append(f"40 {y} m {40 + cols * width} {y} l S")
    for c in range(cols + 1):
        x = 40 + c * width
        ops.append(f"{x} {top} m {x} {top - len(rows) * height} l S")
    ops.append("BT")
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            hexcodes = "".join(f"{code[ch]:04X}" for ch in text)
            y = top - (r + 1) * height + 8
            ops.append(f"/F1 10 Tf 1 0 0 1 {44 + c * width} {y} Tm <{hexcodes}> Tj")
    ops.append(f"/F2 9 Tf 1 0 0 1 280 30 Tm (- {page_no} -) Tj")
    ops.append("ET")
    return "\n".join(ops).encode()


def pdf(objects, compress=False, object_stream=False):
    """Serialises numbered objects (dicts of bytes) with a classic xref table, or packs the
    non-stream objects into an object stream indexed by an xref stream."""
    out = bytearray(b"%PDF-1.5\n")
    offsets = {}
    n = len(objects)
    if not object_stream:
        for num in range(1, n + 1):
            offsets[num] = len(out)
            out += f"{num} 0 obj\n".encode() + objects[num] + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {n + 1}\n0000000000 65535 f \n".encode()
        for num in range(1, n + 1):
            out += f"{offsets[num]:010d} 00000 n \n".encode()
        out += f"trailer\n<< /Size {n + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
        return bytes(out)
    # Streams stay at top level; the rest go into object stream n + 1; the xref stream is n + 2.
    packed = [num for num in range(1, n + 1) if b"stream" not in objects[num]]
    for num in range(1, n + 1):
        if num not in packed:
            offsets[num] = len(out)
            out += f"{num} 0 obj\n".encode() + objects[num] + b"\nendobj\n"
    body = bytearray()
    index = []
    for num in packed:
        index.append(f"{num} {len(body)}")
        body += objects[num] + b"\n"
    head = (" ".join(index) + "\n").encode()
    data = zlib.compress(head + bytes(body))
    ostm = n + 1
    offsets[ostm] = len(out)
    out += (
        f"{ostm} 0 obj\n<< /Type /ObjStm /N {len(packed)} /First {len(head)} "
        f"/Filter /FlateDecode /Length {len(data)} >>\nstream\n"
    ).encode() + data + b"\nendstream\nendobj\n"
    xref_num = n + 2
    xref_at = len(out)
    rows = [bytes([0, 0, 0, 0xFF])]
    for num in range(1, xref_num + 1):
        if num in packed:
            rows.append(bytes([2]) + ostm.to_bytes(2, "big") + bytes([packed.index(num)]))
        elif num == xref_num:
            rows.append(bytes([1]) + xref_at.to_bytes(2, "big") + bytes([0]))
        else:
            rows.append(bytes([1]) + offsets[num].to_bytes(2, "big") + bytes([0]))
    xdata = zlib.compress(b"".join(rows))
    out += (
        f"{xref_num} 0 obj\n<< /Type /XRef /Size {xref_num + 1} /W [1 2 1] /Root 1 0 R "
        f"/Filter /FlateDecode /Length {len(xdata)} >>\nstream\n"
    ).encode() + xdata + b"\nendstream\nendobj\n"
    out += f"startxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)


def stream(data, compress):
    if compress:
        data = zlib.compress(data)
        return f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + data + b"\nendstream"
    return f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def form(pages, compress=False, object_stream=False):
    chars = sorted({ch for page in pages for row in page for cell in row for ch in cell})
    # 1 catalog, 2 pages, 3 Type0 font, 4 descendant, 5 ToUnicode, 6 Helvetica, then per page
    # a page object and its content stream.
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type0 /BaseFont /Fuzz /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        4: b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Fuzz /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 "
        b"/W [1 [500 600 700] 10 20 1000] >>",
        5: stream(tounicode(chars), compress),
        6: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    kids = []
    for i, rows in enumerate(pages):
        page, body = 7 + 2 * i, 8 + 2 * i
        kids.append(f"{page} 0 R")
        objs[page] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {body} 0 R "
            f"/Resources << /Font << /F1 3 0 R /F2 6 0 R >> >> >>"
        ).encode()
        objs[body] = stream(content(rows, chars, i + 1), compress)
    objs[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    return pdf(objs, compress, object_stream)


SEEDS = {
    "small-table": form([ROWS]),
    "small-flate": form([ROWS], compress=True),
    "small-objstm": form([ROWS[:2], ROWS[2:]], compress=True, object_stream=True),
    "small-two-pages": form([ROWS[:2], ROWS[2:]]),
}

if __name__ == "__main__":
    os.makedirs(os.path.join("corpus", "import_pdf"), exist_ok=True)
    for name, data in SEEDS.items():
        assert data.startswith(b"%PDF-1.5\n")
        # The target writes its own header line.
        path = os.path.join("corpus", "import_pdf", name)
        with open(path, "wb") as f:
            f.write(data[len(b"%PDF-1.5\n"):])
        print(path, len(data))
