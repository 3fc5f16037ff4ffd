#!/usr/bin/env bash
# Makes assets/fonts/NotoSansSC-Regular-GBK.otf, the font jixiao embeds for PDF output.
#
# Source: Noto Sans SC Regular from the PyPI package pylopdf-fonts-zh-cn (SIL OFL 1.1).
# Subset with fonttools' pyftsubset to: printable ASCII, every character of GBK (CP936; this
# covers all CJK Unified Ideographs up to U+9FA5, so rare characters in names print), and the
# punctuation and symbols the form uses. The result is reproducible: the same package versions
# give the same file.
#
# Usage: scripts/make-font-subset.sh            (from anywhere; writes into the repository)
set -euo pipefail

FONTS_PKG_VERSION="0.1.1"
FONTTOOLS_VERSION="4.68.0"

repo="$(cd "$(dirname "$0")/.." && pwd)"
out_dir="$repo/assets/fonts"
out="$out_dir/NotoSansSC-Regular-GBK.otf"
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

mkdir -p "$out_dir"
cp "$work/subset.otf" "$out"
# The licence: the font's copyright line (name ID 0) followed by the package's OFL 1.1 text.
licence="$pkg_dir/../pylopdf_fonts_zh_cn-$FONTS_PKG_VERSION.dist-info/licenses/LICENSE"
{
    "$python" -c 'import sys; from fontTools.ttLib import TTFont; print("Copyright " + TTFont(sys.argv[1])["name"].getDebugName(0))' "$src"
    echo
    cat "$licence"
} > "$out_dir/OFL.txt"
ls -l "$out"
sha256sum "$out"
