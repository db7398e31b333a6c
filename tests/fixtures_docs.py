"""Real PDF and DOCX files made with the same kinds of libraries people's tools use (fpdf2, python-docx)."""

from __future__ import annotations

from pathlib import Path

PDF_SENTENCES = [
    "The Vellmar Bridge was completed in 1932 and spans 412 metres across the Odra estuary.",
    "Its chief engineer, Hanna Roszak, insisted on riveted steel rather than concrete arches.",
]
DOCX_SENTENCES = [
    "Quarterly report of the Linden Bakery, spring season.",
    "Rye loaves outsold wheat loaves by three to one during April.",
]


def make_pdf(path: Path, sentences: list[str] = PDF_SENTENCES, pages: int = 2) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Vellmar Bridge History")
    pdf.set_font("Helvetica", size=12)
    for page in range(pages):
        pdf.add_page()
        for sentence in sentences:
            pdf.multi_cell(w=pdf.epw, h=8, text=f"{sentence} (page {page + 1})", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def make_docx(path: Path, sentences: list[str] = DOCX_SENTENCES) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = "Linden Bakery Report"
    for sentence in sentences:
        document.add_paragraph(sentence)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Loaf", "Units sold"
    table.cell(1, 0).text, table.cell(1, 1).text = "Rye", "1,240"
    document.save(str(path))
    return path
