#!/usr/bin/env python3
"""Writes the entry-replacement seeds of the workbook targets (see fuzz_targets/common/rezip.rs):
for each entry of each base workbook, one file holding the pick byte and the entry's content.

    python3 corpus_entries.py   # from fuzz/, after `cargo run --example seeds -- corpus`
"""
import hashlib
import os
import zipfile

BASES = {
    "import_xlsx": ["seed-private.xlsx", "blank-central-dept-2015.xlsx"],
    "lifecycle_xlsx": ["monitoring-filled.xlsx", "selfeval-filled.xlsx"],
}

for target, bases in BASES.items():
    for b, name in enumerate(bases):
        with zipfile.ZipFile(os.path.join("corpus", target, name)) as z:
            names = sorted(z.namelist())
            for i, entry in enumerate(names):
                pick = i * len(bases) + b
                assert pick < 256
                data = bytes([pick]) + z.read(entry)
                digest = hashlib.sha1(data).hexdigest()[:16]
                path = os.path.join("corpus", target, f"entry-{b}-{entry.replace('/', '_')}-{digest}")
                with open(path, "wb") as f:
                    f.write(data)
                print(path, len(data))
