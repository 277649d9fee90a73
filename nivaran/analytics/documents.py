"""The weekly pack as an Excel workbook (openpyxl) and as a PDF (fpdf2).

The PDF embeds Noto Sans Devanagari (installed from npm, `settings.NIVARAN_PDF_FONT_DIR`)
and shapes its text with HarfBuzz (`set_text_shaping`, through uharfbuzz), so Hindi
conjuncts and vowel signs are drawn as they are written, not as a row of bare letters.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font

from nivaran.analytics.packs import Pack
from nivaran.web.exports import Cell, safe_cell


def _title(pack: Pack) -> str:
    return _("Weekly review: %(name)s, %(start)s to %(end)s") % {
        "name": pack.subject.name,
        "start": pack.week.start.isoformat(),
        "end": pack.week.end.isoformat(),
    }


def _standing_rows(pack: Pack) -> list[tuple[str, Cell]]:
    e = pack.standing
    if e is None:
        return [(_("Rank"), _("not ranked this week"))]
    return [
        (_("Rank (1 is the worst)"), f"{e.rank} / {pack.standing_of}"),
        (_("Score"), _fmt(e.score)),
        (_("Grade"), e.grade),
        (_("Previous rank"), e.previous_rank),
        (_("Change in score"), _fmt(e.score_change)),
    ]


def _fmt(value: float | None) -> Cell:
    return None if value is None else f"{value:.2f}"


def _sections(pack: Pack) -> list[tuple[str, Sequence[str], list[Sequence[Cell]]]]:
    """(title, header, rows) of each table the pack holds, for both documents."""
    officer_rows: list[Sequence[Cell]] = [
        (e.rank, e.name, _fmt(e.score), e.grade, e.volume["pending"], _fmt(e.score_change))
        for e in pack.officers
    ]
    component_rows: list[Sequence[Cell]] = (
        [
            (c.label, c.numerator, c.denominator, _fmt(c.points), f"{c.weight:g}")
            for c in pack.standing.components
        ]
        if pack.standing
        else []
    )
    return [
        (_("Standing"), (_("Figure"), _("Value")), list(_standing_rows(pack))),
        (
            _("Score components"),
            (_("Component"), _("Numerator"), _("Denominator"), _("Points"), _("Out of")),
            component_rows,
        ),
        (_("The week"), (_("Figure"), _("Count")), [(label, n) for _c, label, n in pack.flows]),
        (
            _("Pending by age"),
            (_("Age"), _("Pending")),
            [(label, n) for _c, label, n in pack.age_buckets],
        ),
        (
            _("Waiting and overdue by level"),
            (_("Level"), _("Waiting on an officer"), _("Overdue")),
            [(f"L{r['level']}", r["waiting"], r["overdue"]) for r in pack.levels],
        ),
        (
            _("Top complaint types"),
            (_("Code"), _("Complaint type"), _("Registered"), _("Share")),
            [(c.code, c.name, c.registered, f"{100 * c.share:.1f}%") for c in pack.top_categories],
        ),
        (
            _("Systemic issues"),
            (_("Kind"), _("Complaint type"), _("District"), _("Count"), _("Baseline")),
            [
                (i.kind_label, i.category, i.district or _("Statewide"), i.count, f"{i.baseline:g}")
                for i in pack.systemic
            ],
        ),
        (
            _("Officers, worst first"),
            (_("Rank"), _("Officer"), _("Score"), _("Grade"), _("Pending"), _("Change")),
            officer_rows,
        ),
    ]


def pack_xlsx(pack: Pack) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Weekly review")[:31]
    sheet.append([_title(pack)])
    sheet["A1"].font = Font(bold=True, size=13)
    if pack.pending_as_of:
        sheet.append([_("Pending figures as of"), pack.pending_as_of.isoformat()])
    if pack.others_share is not None:
        sheet.append([_("Share under 'Others'"), f"{100 * pack.others_share:.1f}%"])
    for title, header, rows in _sections(pack):
        sheet.append([])
        sheet.append([title])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.append(list(header))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 36
    for column in "CDEF":
        sheet.column_dimensions[column].width = 14
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Noto", "", 8)
        self.cell(0, 8, f"{self.footer_text}   {self.page_no()}", align="C")


def pack_pdf(pack: Pack) -> bytes:
    fonts = settings.NIVARAN_PDF_FONT_DIR
    pdf = _Document(orientation="portrait", unit="mm", format="A4")
    pdf.footer_text = _("Nivaran weekly review, generated %(at)s") % {
        "at": pack.generated_at.strftime("%Y-%m-%d %H:%M")
    }
    pdf.add_font("Noto", "", str(fonts / "400Regular" / "NotoSansDevanagari_400Regular.ttf"))
    pdf.add_font("Noto", "B", str(fonts / "700Bold" / "NotoSansDevanagari_700Bold.ttf"))
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    pdf.set_font("Noto", "B", 14)
    pdf.multi_cell(0, 8, _title(pack), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Noto", "", 9)
    notes = []
    if pack.pending_as_of:
        notes.append(_("Pending figures as of %(day)s.") % {"day": pack.pending_as_of.isoformat()})
    if pack.others_share is not None:
        notes.append(
            _("Share under 'Others': %(share)s.") % {"share": f"{100 * pack.others_share:.1f}%"}
        )
    if notes:
        pdf.multi_cell(0, 6, " ".join(notes), new_x="LMARGIN", new_y="NEXT")
    for title, header, rows in _sections(pack):
        if not rows:
            continue
        pdf.ln(3)
        pdf.set_font("Noto", "B", 11)
        pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Noto", "", 9)
        with pdf.table(text_align="LEFT", line_height=5.5) as table:
            top = table.row()
            for h in header:
                top.cell(str(h))
            for values in rows:
                line = table.row()
                for v in values:
                    line.cell("" if v is None else str(v))
    return bytes(pdf.output())
