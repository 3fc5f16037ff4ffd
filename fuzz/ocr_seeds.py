#!/usr/bin/env python3
"""Writes the seeds of the ocr_page fuzz target to corpus/ocr_page/ (run from fuzz/).

Each seed is: width - 1, height - 1 (one byte each), width x height grey pixels (0 black, 255
white), then the text Tesseract would print as TSV for that image. The images are small ruled
tables (level, skewed, with a thick bar, blank), the TSV rows are words in their cells.
"""
import math
import os

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"


def table(w, h, rows, cols, skew_deg=0.0, bar=False):
    px = bytearray([255] * (w * h))
    slope = math.tan(math.radians(skew_deg))

    def ink(x, y):
        y = int(round(y + slope * x))
        if 0 <= x < w and 0 <= y < h:
            px[y * w + x] = 0

    for r in rows:
        for x in range(cols[0], cols[-1] + 1):
            ink(x, r)
    for c in cols:
        for y in range(rows[0], rows[-1] + 1):
            ink(c, y)
    if bar:
        for y in range(5, 25):
            for x in range(5, 120):
                ink(x, y)
    return bytes(px)


def tsv(words):
    out = [HEADER, "1\t1\t0\t0\t0\t0\t0\t0\t200\t120\t-1\t\n"]
    for i, (left, top, width, height, conf, text) in enumerate(words, 1):
        out.append(f"5\t1\t1\t1\t{i}\t1\t{left}\t{top}\t{width}\t{height}\t{conf}\t{text}\n")
    return "".join(out).encode()


def seed(name, w, h, pixels, text):
    with open(os.path.join("corpus", "ocr_page", name), "wb") as f:
        f.write(bytes([w - 1, h - 1]) + pixels + text)


def main():
    os.makedirs(os.path.join("corpus", "ocr_page"), exist_ok=True)
    rows, cols = [10, 50, 90, 115], [8, 90, 160, 195]
    words = [
        (12, 20, 60, 14, 93.2, "部门（单位）名称"),
        (95, 20, 50, 14, 88.0, "某某局"),
        (12, 60, 40, 14, 91.5, "财政拨款"),
        (95, 60, 30, 14, 85.1, "106.46"),
        (165, 60, 25, 14, 40.0, "50.39%"),
        (12, 95, 60, 14, 12.0, "|"),
        (95, 95, 120, 14, 77.7, "≥95%  达成"),
    ]
    seed("ruled-table", 200, 120, table(200, 120, rows, cols), tsv(words))
    seed("skewed-table", 200, 120, table(200, 120, rows, cols, skew_deg=1.5), tsv(words))
    seed("table-with-bar", 200, 120, table(200, 120, rows, cols, bar=True), tsv(words[:3]))
    seed("blank", 64, 64, bytes([255] * 64 * 64), tsv([]))
    seed("words-only", 16, 16, bytes([255] * 256), tsv(words))


if __name__ == "__main__":
    main()
