"""Wiring of the period's paperwork: the 文号, the charts, the formal .docx and its PDF, the 台账 .xlsx,
the adopted pieces — everything a notice carries besides the scores (notify/monthly.py renders it).

I/O at the edges (ledger reads, LibreOffice, fc-list); the content is decided by pure functions in notify/.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from baosong.app import App
from baosong.ledger.doc_numbers import doc_number
from baosong.ledger.messages import piece_titles
from baosong.ledger.periods import Month, Period
from baosong.ledger.regime import event_window
from baosong.ledger.scoring import UnitScore
from baosong.ledger.scoring_events import period_events
from baosong.messages import say
from baosong.notify.compose import DOCX_MIME, PDF_MIME, XLSX_MIME, Attachment, InlineImage
from baosong.notify.formal import Fonts, FormalDoc, formal_docx
from baosong.notify.monthly import AdoptedPiece, Chart, NoticeExtras, notice_context
from baosong.notify.render import render
from baosong.views import class_labels

log = logging.getLogger(__name__)


def font_installed(name: str) -> bool:
    """Whether fontconfig knows a font family of this name (False without fontconfig)."""
    if shutil.which("fc-list") is None:
        return False
    try:
        done = subprocess.run(["fc-list", f":family={name}", "family"], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(done.stdout.strip())


def fonts_for(app: App) -> Fonts:
    n = app.config.settings.notices
    if font_installed(n.title_font):
        return Fonts(title=n.title_font, title_bold=False, body=n.body_font, heading=n.heading_font)
    return Fonts(title=n.fallback_title_font, title_bold=True, body=n.body_font, heading=n.heading_font)


def adopted_pieces(app: App, period: Period) -> tuple[AdoptedPiece, ...]:
    with app.sessions() as session:
        events = period_events(session, period, app.config.tz, event_window(app.config.scoring, period))
        adoptions = [a for a in events.adoptions if period.contains(a.on)]
        titles = piece_titles(session, {a.piece_id for a in adoptions})
    shorts = {u.name: u.short or u.name for u in app.config.units}
    return tuple(AdoptedPiece(shorts.get(a.unit, a.unit), titles.get(a.piece_id, ""), a.outlet, a.on)
                 for a in sorted(adoptions, key=lambda a: (a.on, a.piece_id)))


def charts(app: App, month: Month, scores: list[UnitScore], history: list[tuple[Month, list[UnitScore]]],
           label: str | None = None) -> tuple[Chart, ...]:
    from baosong.notify.charts import Bar, ClassBars, TrendPoint, score_bars, trend_lines

    labels = class_labels(app.config.scoring.classes)
    classes: dict[str, list[Bar]] = {}
    for s in scores:
        classes.setdefault(s.class_, []).append(Bar(s.short or s.unit, float(s.score)))
    bars = score_bars([ClassBars(labels.get(k, k), tuple(v)) for k, v in classes.items()],
                      ylabel=render("chart_labels.txt.j2", which="score_axis").strip())
    points = [TrendPoint(say("notices.trend_month", month=m.month), {render("chart_labels.txt.j2", which="submitted").strip(): sum(s.submitted for s in ss),
                                          render("chart_labels.txt.j2", which="adopted").strip(): sum(s.adopted for s in ss)})
              for m, ss in history]
    trend = trend_lines(points, title=render("chart_labels.txt.j2", which="trend").strip())
    return (Chart(render("chart_labels.txt.j2", which="bars_caption", label=label or month.label).strip(),
                  InlineImage(f"scores-{month}@baosong", bars)),
            Chart(render("chart_labels.txt.j2", which="trend_caption").strip(),
                  InlineImage(f"trend-{month}@baosong", trend)))


def attach_ledger_xlsx(app: App, period: Period) -> Attachment | None:
    """The period's 台账 as .xlsx, made by the ledger's Excel export (``baosong ledger export``).

    HOOK: the export (``baosong.ledger.excel``: ``export.export_ledger(session, span, path, scoring, tz)``,
    ``span.month_span(month)``) is merged from the corrections branch; until it is there, nothing is attached.
    Only a month's notice attaches it (the span of other periods is the export's business)."""
    try:
        from baosong.ledger.excel.export import export_ledger  # type: ignore[import-not-found]
        from baosong.ledger.excel.span import month_span  # type: ignore[import-not-found]
    except ImportError:
        return None
    if period.kind != "month":
        return None
    month = Month(period.start.year, period.start.month)
    with tempfile.TemporaryDirectory(prefix="baosong-xlsx-") as tmp:
        path = Path(tmp) / f"{month}.xlsx"
        with app.sessions() as session:
            export_ledger(session, month_span(month), path, app.config.scoring, app.config.tz,
                          **app.scoring_options())
        data = path.read_bytes()
    name = render("ledger_attachment_name.txt.j2", label=month.label).strip()
    return Attachment(name, data, XLSX_MIME)


def notice_extras(app: App, month: Month, scores: list[UnitScore], *, issued_on: date,
                  history: list[tuple[Month, list[UnitScore]]] | None = None,
                  period: Period | None = None) -> NoticeExtras:
    """The 文号 (given once per period), the charts, the formal .docx (+ PDF) and the 台账 for a notice.

    ``period``: a quarter, half-year or year notice (the regime's own period, e.g. the tobacco regime's
    quarter); ``month`` is then its last month (the trend ends there) and ``scores`` the period's."""
    from baosong.notify.pdf import PdfError, docx_to_pdf

    n = app.config.settings.notices
    period = period or Period.of_month(month)
    monthly = period.kind == "month"
    key = str(month) if monthly else period.name
    with app.sessions() as session:
        number = doc_number(session, key=f"notice:{key}", series=n.doc_number, year=issued_on.year)
        session.commit()
    adopted = adopted_pieces(app, period)
    label = None if monthly else period.label
    drawn = charts(app, month, scores, history or [(month, scores)], label) if n.chart else ()
    extras = NoticeExtras(place=n.place, number=number, adopted=adopted, charts=drawn, period_label=label,
                          period_key=None if monthly else key, period_kind=period.kind)
    attachments: list[Attachment] = []
    if n.docx:
        office = app.config.settings.office
        ctx = notice_context(month=month, scores=scores, office_name=office.name, department=office.department,
                             class_labels=class_labels(app.config.scoring.classes), regime=app.config.scoring.regime,
                             issued_on=issued_on, extras=extras)
        title = render("notice_subject.txt.j2", **ctx).strip()
        markup = render("notice_docx.txt.j2", addressee=render("notice_addressee.txt.j2", **ctx).strip(), **ctx)
        docx = formal_docx(FormalDoc(mark=n.issuer or office.name, number=number, title=title, markup=markup,
                                     signer=n.issuer or office.name, date_text=ctx["issued"], fonts=fonts_for(app)))
        attachments.append(Attachment(f"{title}.docx", docx, DOCX_MIME))
        if n.pdf:
            try:
                pdf = docx_to_pdf(docx, soffice=n.soffice, timeout=n.pdf_timeout)
            except PdfError as exc:
                log.warning("%s", exc)
                pdf = None
            if pdf:
                attachments.append(Attachment(f"{title}.pdf", pdf, PDF_MIME))
    if n.attach_ledger:
        xlsx = attach_ledger_xlsx(app, period)
        if xlsx is not None:
            attachments.append(xlsx)
    return NoticeExtras(place=n.place, number=number, adopted=adopted, charts=drawn, period_label=label,
                        period_key=extras.period_key, period_kind=period.kind, attachments=tuple(attachments))
