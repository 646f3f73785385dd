#!/bin/sh
# Re-make docs/excel-print-*.png: the sample plan (own sentences) to xlsx, LibreOffice prints it to PDF,
# pdfium renders the 任务 (page 2) and 说明 (page 1) pages. Run from the project root with the venv active.
set -e
tmp=$(mktemp -d)
docproc extract docs/excel-sample.txt --ref-date 2024-01-15 --out "$tmp/sample.xlsx"
soffice --headless --convert-to pdf --outdir "$tmp" "$tmp/sample.xlsx" >/dev/null
python - "$tmp/sample.pdf" <<'PY'
import sys

import pypdfium2 as pdfium

pdf = pdfium.PdfDocument(sys.argv[1])
for page, name in ((1, "excel-print-tasks.png"), (0, "excel-print-about.png")):
    img = pdf[page].render(scale=1.6).to_pil()
    img.crop((0, 0, img.size[0], img.size[1] // 2)).save(f"docs/{name}", optimize=True)
PY
rm -rf "$tmp"
