"""PDF rendering with WeasyPrint: a Jinja template, a print stylesheet, nothing fetched."""

from dataclasses import dataclass
from pathlib import Path

from flask import render_template
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from yoi_welfare.reports.data import ReportData

STYLESHEET = Path(__file__).resolve().parent.parent / "templates" / "reports" / "weekly.css"


class NoFetching(URLFetcher):
    """Refuses every URL: the report is self-contained, so user text cannot make it fetch."""

    def __init__(self):
        super().__init__(allowed_protocols=())
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        self.refused.append(url)
        raise ValueError(f"the report fetches nothing: {url}")


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    page_count: int
    refused_urls: tuple[str, ...]


def css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes and line breaks escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def render_tagged_pdf(html: str, stylesheet: Path, header: str) -> RenderedPdf:
    """Render HTML in memory (no temporary files) as a tagged PDF/UA-1 document, with the
    print stylesheet and ``header`` at the top right of every page, fetching nothing."""
    fetcher = NoFetching()
    stylesheets = [
        CSS(string=stylesheet.read_text(), url_fetcher=fetcher),
        CSS(
            string=f"@page {{ @top-right {{ content: {css_string(header)}; }} }}",
            url_fetcher=fetcher,
        ),
    ]
    document = HTML(string=html, url_fetcher=fetcher, base_url="about:blank").render(
        stylesheets=stylesheets,
        pdf_variant="pdf/ua-1",
    )
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    return RenderedPdf(pdf=pdf, page_count=len(document.pages), refused_urls=tuple(fetcher.refused))


def render_weekly_report(data: ReportData) -> RenderedPdf:
    html = render_template("reports/weekly.html", data=data)
    return render_tagged_pdf(html, STYLESHEET, f"{data.area.name} ACPC · {data.week}")
