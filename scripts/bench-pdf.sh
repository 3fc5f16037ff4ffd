#!/usr/bin/env bash
# Side-by-side: `jixiao export --format pdf` (typst, embedded font) against LibreOffice headless printing an
# XLSX of the same form to PDF (what units do today). Each run is a fresh process, so jixiao's
# time includes parsing the embedded font.
#
# Needs: hyperfine, libreoffice-calc-nogui (soffice), python3 with openpyxl (only when the
# jixiao binary has no XLSX export yet). Usage:
#   scripts/bench-pdf.sh [FORM.json]        (default: fixtures/seed/seed.form.json)
# Env: CARGO_TARGET_DIR (where the release binary is built), RUNS (default 20).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
form="${1:-$repo/fixtures/seed/seed.form.json}"
target="${CARGO_TARGET_DIR:-$repo/target}"
runs="${RUNS:-20}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for tool in hyperfine soffice python3; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done

echo "== building jixiao (release)"
(cd "$repo" && cargo build --release -p jixiao --quiet)
bin="$target/release/jixiao"

xlsx="$work/form.xlsx"
if "$bin" export --help 2>/dev/null | grep -q xlsx; then
    echo "== XLSX from jixiao export"
    "$bin" export "$form" --format xlsx -o "$xlsx"
else
    echo "== XLSX from openpyxl (jixiao has no XLSX export in this build)"
    python3 - "$form" "$xlsx" <<'PY'
import json, sys
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Side

form = json.load(open(sys.argv[1], encoding="utf-8"))
wb = Workbook()
ws = wb.active
ws.title = "申报表"
thin = Side(style="thin")
box = Border(left=thin, right=thin, top=thin, bottom=thin)
wrap = Alignment(wrap_text=True, vertical="center")
row = 1

def put(values, merge=None):
    global row
    for col, v in enumerate(values, start=1):
        c = ws.cell(row=row, column=col, value=v)
        c.border = box
        c.alignment = wrap
    if merge:
        ws.merge_cells(start_row=row, start_column=merge[0], end_row=row, end_column=merge[1])
    row += 1

def tv(v):
    if not v:
        return ""
    if v["kind"] == "quantity":
        return v.get("comparator", "") + v["number"] + v.get("unit", "")
    return v.get("word") or v.get("text") or "不适用"

h = form["header"]
ws.cell(row=1, column=1, value="部门整体绩效目标申报表")
ws.merge_cells("A1:I1"); row = 2
put(["填报日期：" + h.get("fill_date", ""), "", "", "", "", "", "", "", "单位：万元"])
put(["部门（单位）名称", h["unit_name"]], merge=(2, 9))
put(["填报人", h.get("filler", ""), "", "", "联系电话", h.get("phone", "")])
f = form["funding"]
start = row
put(["部门总体资金情况", "总体资金情况", "", "当年金额", "占比", "近两年收支金额"])
put(["", "", "", "", "", f"{f['last_year']} 年", f"{f['year_before']} 年"])
for label, block in (("收入构成", f["income"]), ("支出构成", f["expenditure"])):
    first = row
    for r in block["rows"] + [dict(block["total"], name="合计")]:
        put(["", label if row == first else "", r["name"], float(r.get("current") or 0),
             float(r.get("share") or 0) / 100, float(r.get("last_year") or 0), float(r.get("year_before") or 0)])
        ws.cell(row=row - 1, column=5).number_format = "0.00%"
    ws.merge_cells(start_row=first, start_column=2, end_row=row - 1, end_column=2)
ws.merge_cells(start_row=start, start_column=1, end_row=row - 1, end_column=1)
put(["部门职能概述", "\n".join(f"{i}、{p}" for i, p in enumerate(form["functions"], 1))], merge=(2, 9))
put(["年度工作任务", "\n".join(f"{i}、{p}" for i, p in enumerate(form["annual_tasks"], 1))], merge=(2, 9))
start = row
put(["项目支出情况", "项目名称", "", "支出项目类别", "项目总预算", "项目本年度预算", "项目主要支出方向和用途"])
for p in form["projects"]:
    put(["", p["name"], "", p["category"], float(p.get("total_budget") or 0), float(p.get("current_budget") or 0), p["purpose"]])
ws.merge_cells(start_row=start, start_column=1, end_row=row - 1, end_column=1)
g = form["goals"]
put(["整体绩效总目标", "\n".join(f"目标 {i}：{t}" for i, t in enumerate(g["long_term"]["items"], 1)), "", "", "",
     "\n".join(f"目标 {i}：{t}" for i, t in enumerate(g["annual"], 1))])
for key, label in (("long_term", "长期绩效指标"), ("annual", "年度绩效指标")):
    table = form["indicators"][key]
    put(["长期目标" if key == "long_term" else "年度目标", table["goal"]], merge=(2, 9))
    start = row
    put([label, "一级指标", "二级指标", "三级指标", "前年", "上年", "指标值", "指标值确定依据", "指标分类"])
    for r in table["rows"]:
        put(["", r["level1"], r["level2"], r["name"], tv(r.get("year_before")), tv(r.get("last_year")),
             tv(r.get("target")), r.get("basis", ""), r.get("class", "")])
    ws.merge_cells(start_row=start, start_column=1, end_row=row - 1, end_column=1)
for col, width in zip("ABCDEFGHI", (10, 10, 12, 24, 9, 9, 10, 12, 8)):
    ws.column_dimensions[col].width = width
ws.page_setup.paperSize = ws.PAPERSIZE_A4
ws.page_setup.fitToWidth = 1
ws.page_setup.fitToHeight = 0
ws.sheet_properties.pageSetUpPr.fitToPage = True
wb.save(sys.argv[2])
PY
fi

lo_profile="file://$work/lo-profile"
echo "== hyperfine ($runs runs each; LibreOffice warmed up once to create its profile)"
hyperfine --runs "$runs" --warmup 1 --export-markdown "$work/result.md" \
    -n "jixiao export --format pdf" "$bin export '$form' --format pdf --private -o '$work/jixiao.pdf'" \
    -n "LibreOffice XLSX→PDF" "soffice -env:UserInstallation=$lo_profile --headless --convert-to pdf --outdir '$work/lo' '$xlsx'"
cat "$work/result.md"
echo
echo "pages: jixiao $(pdfinfo "$work/jixiao.pdf" 2>/dev/null | awk '/^Pages/{print $2}'), LibreOffice $(pdfinfo "$work/lo/form.pdf" 2>/dev/null | awk '/^Pages/{print $2}')"
ls -l "$work/jixiao.pdf" "$work/lo/form.pdf" | awk '{print $5, $9}'
