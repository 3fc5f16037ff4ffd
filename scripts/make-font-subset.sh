#!/usr/bin/env bash
# Makes assets/fonts/NotoSansSC-Regular-GBK.ttf, the font jixiao embeds for PDF output.
#
# Source: Noto Sans SC Regular from the PyPI package pylopdf-fonts-zh-cn (SIL OFL 1.1).
# Subset with fonttools' pyftsubset to: printable ASCII, every character of GBK (CP936; this
# covers all CJK Unified Ideographs up to U+9FA5, so rare characters in names print), and the
# punctuation and symbols the form uses. The cubic CFF outlines are then converted to TrueType
# (quadratic) outlines with fonttools' cu2qu, within 1 font unit (1/1000 em): writing a PDF
# subsets the font again for every document, and subsetting TrueType outlines is copying glyph
# records, while CFF charstrings must be decompiled and compiled again (the seed's PDF is
# written 10 % faster; see docs/benchmarks/pdf.md). The result is reproducible: the same
# package versions give the same file.
#
# Usage: scripts/make-font-subset.sh            (from anywhere; writes into the repository)
set -euo pipefail

FONTS_PKG_VERSION="0.1.1"
FONTTOOLS_VERSION="4.68.0"

repo="$(cd "$(dirname "$0")/.." && pwd)"
out_dir="$repo/assets/fonts"
out="$out_dir/NotoSansSC-Regular-GBK.ttf"
python="${PYTHON:-python3}"

# Install the two packages if missing (pinned so the output is reproducible).
if ! "$python" -c "import pylopdf_fonts_zh_cn" 2>/dev/null; then
    "$python" -m pip install "pylopdf-fonts-zh-cn==$FONTS_PKG_VERSION"
fi
if ! "$python" -c "import fontTools.subset" 2>/dev/null; then
    "$python" -m pip install "fonttools==$FONTTOOLS_VERSION"
fi

pkg_dir="$("$python" -c 'import os, pylopdf_fonts_zh_cn as p; print(os.path.dirname(p.__file__))')"
src="$pkg_dir/NotoSansSC-Regular.otf"
[ -f "$src" ] || { echo "font not found: $src" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The character list: ASCII, GBK, and extra symbols (some are already in GBK; duplicates are
# harmless).
"$python" - "$work/chars.txt" <<'PY'
import sys

chars = set(chr(c) for c in range(0x20, 0x7F))
for lead in range(0x81, 0xFF):
    for trail in range(0x40, 0xFF):
        if trail == 0x7F:
            continue
        try:
            chars.add(bytes([lead, trail]).decode("gbk"))
        except UnicodeDecodeError:
            pass
# Symbols and punctuation used on forms, including half-width/full-width variants.
chars.update("≥≤＞＜＝％%（）()“”‘’、，。：；！？《》【】〔〕—–-…·•×÷±℃￥¥№①②③④⑤⑥⑦⑧⑨⑩　")
chars.update(chr(c) for c in range(0xFF01, 0xFF5F))  # full-width forms
chars.update(chr(c) for c in range(0x3000, 0x3040))  # CJK symbols and punctuation
chars.discard("\x7f")
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("".join(sorted(chars)))
print(f"{len(chars)} characters", file=sys.stderr)
PY

# Keep the layout features typst uses for horizontal Chinese and Latin text; drop hinting
# (PDF viewers do not need it) and the vertical metrics tables (typst writes horizontally).
"$python" -m fontTools.subset "$src" \
    --text-file="$work/chars.txt" \
    --output-file="$work/subset.otf" \
    --layout-features='kern,liga,locl,ccmp,halt,palt,fwid,hwid,pwid' \
    --no-hinting \
    --drop-tables+=VORG,vhea,vmtx,DSIG,BASE \
    --name-IDs='0,1,2,3,4,5,6,7,8,9,10,11,12,13,14' \
    --name-languages='*' \
    --notdef-outline \
    --no-recalc-timestamp

# CFF (cubic) to glyf (quadratic) outlines. Glyph names are not kept (post table format 3):
# PDF text extraction goes through the ToUnicode map typst writes from the cmap.
"$python" - "$work/subset.otf" "$work/subset.ttf" <<'PY'
import sys
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

font = TTFont(sys.argv[1], recalcTimestamp=False)
order = font.getGlyphOrder()
glyphs = font.getGlyphSet()
glyf = newTable("glyf")
glyf.glyphOrder = order
glyf.glyphs = {}
for name in order:
    pen = TTGlyphPen(glyphs)
    # max_err in font units; reverse_direction: TrueType contours run clockwise.
    glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
    glyf[name] = pen.glyph()
font["glyf"] = glyf
font["loca"] = newTable("loca")
del font["CFF "]
maxp = newTable("maxp")
maxp.tableVersion = 0x00010000
for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
              "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
              "maxComponentElements", "maxPoints", "maxContours", "maxCompositePoints",
              "maxCompositeContours", "maxComponentDepth"):
    setattr(maxp, field, 0)
maxp.maxZones = 1
maxp.numGlyphs = len(order)
font["maxp"] = maxp
font["post"].formatType = 3.0
font["head"].glyphDataFormat = 0
font.sfntVersion = "\x00\x01\x00\x00"
font.save(sys.argv[2])  # recalculates bounding boxes and maxp's point counts
PY

mkdir -p "$out_dir"
cp "$work/subset.ttf" "$out"
# The licence: the font's copyright line (name ID 0) followed by the package's OFL 1.1 text.
licence="$pkg_dir/../pylopdf_fonts_zh_cn-$FONTS_PKG_VERSION.dist-info/licenses/LICENSE"
{
    "$python" -c 'import sys; from fontTools.ttLib import TTFont; print("Copyright " + TTFont(sys.argv[1])["name"].getDebugName(0))' "$src"
    echo
    cat "$licence"
} > "$out_dir/OFL.txt"
ls -l "$out"
sha256sum "$out"
