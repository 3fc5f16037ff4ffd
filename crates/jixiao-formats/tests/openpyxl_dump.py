"""Dumps what openpyxl (another reader than calamine) sees in a workbook's form sheet, as JSON:
every non-empty cell (cached values, formulas resolved to their cached results) and every merged
range. Used by tests/xlsx_openpyxl.rs: python3 openpyxl_dump.py BOOK.xlsx
"""
import json
import sys

import openpyxl

SHEET = "部门整体绩效目标申报表"


def main(path):
    values = openpyxl.load_workbook(path, data_only=True)[SHEET]
    formulas = openpyxl.load_workbook(path, data_only=False)[SHEET]
    cells = {}
    for row in values.iter_rows():
        for c in row:
            if c.value is None or c.value == "":
                continue
            f = formulas[c.coordinate].value
            cells[c.coordinate] = {
                "value": c.value if isinstance(c.value, (int, float, str)) else str(c.value),
                "formula": f if isinstance(f, str) and f.startswith("=") else None,
                "number_format": c.number_format,
            }
    merged = sorted(str(r) for r in values.merged_cells.ranges)
    print(json.dumps({"cells": cells, "merged": merged}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
