"""Fills a jixiao blank workbook the way a unit would, with openpyxl (another program than
jixiao), and saves it. Used by tests/xlsx_blank.rs: python3 openpyxl_fill.py BLANK.xlsx OUT.xlsx [--drop-meta]

openpyxl does not calculate formulas, so the saved workbook has no cached totals or shares:
jixiao must compute them itself on import.
"""
import datetime
import sys

import openpyxl

SHEET = "部门整体绩效目标申报表"


def find_row(ws, col, text, start=1):
    for r in range(start, ws.max_row + 1):
        v = ws.cell(row=r, column=col).value
        if isinstance(v, str) and v.strip() == text:
            return r
    raise SystemExit(f"label {text!r} not found in column {col}")


def first_data_row_under(ws, table_label):
    """First row of an indicator table after its header (the header starts at the table label)."""
    r = find_row(ws, 1, table_label)
    while ws.cell(row=r, column=2).value != "一级指标":
        r += 1
    # The header spans until the row whose column D is no longer part of the header block.
    r += 1
    while ws.cell(row=r, column=4).value is None and ws.cell(row=r, column=3).value is None:
        r += 1
    return r


def rows_of_level2(ws, start, level2):
    """Rows whose (merged) level-2 cell reads `level2`, from `start` on."""
    merged = {}
    for rng in ws.merged_cells.ranges:
        if rng.min_col == 3 and rng.max_col == 3:
            for r in range(rng.min_row, rng.max_row + 1):
                merged[r] = rng.min_row
    out = []
    for r in range(start, ws.max_row + 1):
        top = merged.get(r, r)
        if ws.cell(row=top, column=3).value == level2:
            out.append(r)
        elif out:
            break
    return out


def main(src, dst, drop_meta=False):
    wb = openpyxl.load_workbook(src)
    ws = wb[SHEET]
    ws["C2"] = datetime.datetime(2025, 11, 20)
    ws.cell(row=find_row(ws, 1, "部门（单位）名称"), column=3).value = "测试县教育局"
    r = find_row(ws, 1, "填报人")
    ws.cell(row=r, column=3).value = "张三"
    ws.cell(row=r, column=8).value = "13800138000"

    amounts = {
        "财政拨款": (1000.5, 900, 800),
        "财政专户管理资金": (20, 10, 0),
        "单位资金": (0, 0, 0),
        "人员类项目支出": (600, 500, 400),
        "运转类项目支出": (120.5, 110, 100),
        "特定目标类项目支出": (300, 300, 300),
    }
    for name, (cur, last, before) in amounts.items():
        r = find_row(ws, 3, name)
        ws.cell(row=r, column=6).value = cur
        ws.cell(row=r, column=8).value = last
        ws.cell(row=r, column=10).value = before

    r = find_row(ws, 1, "部门职能概述")
    ws.cell(row=r, column=2).value = "负责全县教育事业发展规划。"
    ws.cell(row=r + 1, column=2).value = "管理县直学校。"
    r = find_row(ws, 1, "年度工作任务")
    ws.cell(row=r, column=2).value = "新建幼儿园 2 所。"

    r = find_row(ws, 2, "项目名称") + 1
    ws.cell(row=r, column=2).value = "学生资助"
    ws.cell(row=r, column=5).value = "特定目标类"
    ws.cell(row=r, column=6).value = 300
    ws.cell(row=r, column=7).value = 1.008

    r = find_row(ws, 1, "整体绩效总目标") + 1
    ws.cell(row=r, column=2).value = "办好人民满意的教育。"
    ws.cell(row=r, column=7).value = "完成年度建设任务。"

    ws.cell(row=find_row(ws, 1, "年度目标"), column=3).value = "提升教育质量。"

    # Long-term table: two rows under 公用经费控制, one under 服务对象满意度.
    start = first_data_row_under(ws, "长期绩效指标")
    rows = rows_of_level2(ws, start, "公用经费控制")
    ws.cell(row=rows[0], column=4).value = "公用经费控制率"
    ws.cell(row=rows[0], column=8).value = 100
    ws.cell(row=rows[0], column=9).value = "%"
    ws.cell(row=rows[0], column=10).value = "预算支出标准"
    ws.cell(row=rows[1], column=4).value = "\"三公经费\"变动率"
    ws.cell(row=rows[1], column=7).value = "≤"
    ws.cell(row=rows[1], column=8).value = 5
    ws.cell(row=rows[1], column=9).value = "%"
    ws.cell(row=rows[1], column=10).value = "预算支出标准"
    rows = rows_of_level2(ws, start, "服务对象满意度")
    ws.cell(row=rows[0], column=4).value = "家长满意度"
    ws.cell(row=rows[0], column=7).value = "≥"
    ws.cell(row=rows[0], column=8).value = 95
    ws.cell(row=rows[0], column=9).value = "%"
    ws.cell(row=rows[0], column=10).value = "行业标准"

    # Annual table: history columns, a qualitative value, and a count with its unit.
    start = first_data_row_under(ws, "年度绩效指标")
    rows = rows_of_level2(ws, start, "财务管理")
    ws.cell(row=rows[0], column=4).value = "财务管理制度健全性"
    ws.cell(row=rows[0], column=5).value = "健全"
    ws.cell(row=rows[0], column=6).value = "健全"
    ws.cell(row=rows[0], column=8).value = "健全"
    ws.cell(row=rows[0], column=10).value = "计划标准"
    rows = rows_of_level2(ws, start, "核心业务产出2")
    ws.cell(row=rows[0], column=4).value = "新建幼儿园数"
    ws.cell(row=rows[0], column=5).value = "1所"
    ws.cell(row=rows[0], column=6).value = "≥1所"
    ws.cell(row=rows[0], column=7).value = "≥"
    ws.cell(row=rows[0], column=8).value = 2
    ws.cell(row=rows[0], column=9).value = "所"
    ws.cell(row=rows[0], column=10).value = "计划标准"
    ws.cell(row=rows[0], column=11).value = "创新型"
    if drop_meta:
        # As when a unit copies the sheet into a workbook of its own: jixiao's metadata is gone.
        del wb["jixiao"]
    wb.save(dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], "--drop-meta" in sys.argv[3:])
