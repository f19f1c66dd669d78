"""Makes the import fixtures from deploy/samples/households.csv (run from the repository root):

- households-gbk.csv: the same text in GB18030 (iconv -f UTF-8 -t GB18030).
- households.xlsx: one sheet written by openpyxl, as a spreadsheet holds the form: codes and amounts as numbers,
  建档日期 as dates (Excel date serials with a date format), every other cell as text (openpyxl writes inline
  strings).
- households-numeric-id.xlsx: households.xlsx with the first identity number stored as a number.
- not-a-workbook.zip: a ZIP archive holding a Word document's part, no workbook.
- households-handmade.xlsx: the same households written by hand in the forms other programs use: a namespace
  prefix on every element (x:), shared strings (one in rich-text runs with a phonetic guide), inline strings for
  姓名 and 与职工关系, a second
  sheet before the first in the archive, cells without a type, the 1904 date system, an empty row.
"""
import csv, datetime, io, subprocess, zipfile
from xml.sax.saxutils import escape

SOURCE = "deploy/samples/households.csv"
OUT = "Tests/Fixtures/import/"
NUMBER_COLUMNS = {"行政区划代码", "家庭月总收入", "月刚性支出"}

with open(SOURCE, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]

with open(SOURCE, "rb") as f:
    text = f.read()
with open(OUT + "households-gbk.csv", "wb") as f:
    f.write(subprocess.run(["iconv", "-f", "UTF-8", "-t", "GB18030"], input=text, capture_output=True, check=True).stdout)

import openpyxl
book = openpyxl.Workbook()
sheet = book.active
sheet.title = "困难职工档案"
sheet.append(header)
for row in body:
    cells = []
    for name, value in zip(header, row):
        if value and name in NUMBER_COLUMNS:
            cells.append(int(value))
        elif value and name == "建档日期":
            cells.append(datetime.date.fromisoformat(value))
        else:
            cells.append(value if value else None)
    sheet.append(cells)
book.save(OUT + "households.xlsx")

# By hand.
def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s

def serial1904(value):
    return (datetime.date.fromisoformat(value) - datetime.date(1904, 1, 1)).days

strings = ["(rich text)"]
def shared(value):
    if value not in strings:
        strings.append(value)
    return strings.index(value)

sheet_rows = []
for r, row in enumerate([header] + body, start=1):
    number = r if r < 3 else r + 1  # row 3 left empty: the households start at row 4
    cells = []
    for c, (name, value) in enumerate(zip(header, row)):
        ref = f"{col(c)}{number}"
        if not value:
            continue
        if r == 1 and c == 0:
            # 档案编号 as rich text with a phonetic guide (shared string 0).
            cells.append(f'<x:c r="{ref}" t="s"><x:v>0</x:v></x:c>')
        elif r > 1 and name in NUMBER_COLUMNS:
            cells.append(f'<x:c r="{ref}"><x:v>{value}</x:v></x:c>')
        elif r > 1 and name == "建档日期":
            cells.append(f'<x:c r="{ref}" s="1"><x:v>{serial1904(value)}</x:v></x:c>')
        elif name in {"姓名", "与职工关系"}:
            cells.append(f'<x:c r="{ref}" t="inlineStr"><x:is><x:t xml:space="preserve">{escape(value)}</x:t></x:is></x:c>')
        else:
            cells.append(f'<x:c r="{ref}" t="s"><x:v>{shared(value)}</x:v></x:c>')
    sheet_rows.append(f'<x:row r="{number}">{"".join(cells)}</x:row>')
    if r == 2:
        sheet_rows.append('<x:row r="3"/>')

ns = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
files = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
    "xl/worksheets/sheet2.xml": f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet {ns}><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>说明</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>',
    "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- written by hand -->\n<x:worksheet {ns}><x:sheetData>{"".join(sheet_rows)}</x:sheetData></x:worksheet>',
    "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><x:sst {ns}><x:si><x:r><x:t>档案</x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t>编号</x:t></x:r><x:rPh sb="0" eb="2"><x:t>ダンアン</x:t></x:rPh></x:si>'
    + "".join(f"<x:si><x:t>{escape(value)}</x:t></x:si>" for value in strings[1:]) + "</x:sst>",
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><x:workbook {ns}><x:workbookPr date1904="1"/><x:sheets><x:sheet name="名单 &amp; 档案" sheetId="1" r:id="rId3"/><x:sheet name="说明" sheetId="2" r:id="rId7"/></x:sheets></x:workbook>',
}
with zipfile.ZipFile(OUT + "households-handmade.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    for name in ["[Content_Types].xml", "xl/worksheets/sheet2.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"]:
        z.writestr(name, files[name])

# A ZIP archive that is no workbook (a Word document's parts).
with zipfile.ZipFile(OUT + "not-a-workbook.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document/>')

# An identity number typed into a General cell: stored as a number (openpyxl keeps all 18 digits; Excel would
# have kept 15 already). KM-2017-0001's worker, row 2, column Q (公民身份号码).
book = openpyxl.load_workbook(OUT + "households.xlsx")
book.active["Q2"] = int(book.active["Q2"].value)
book.save(OUT + "households-numeric-id.xlsx")
