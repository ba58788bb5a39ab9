"""Packs as PDF: the pack's HTML, with its charts as SVG, printed by WeasyPrint.

The page and the PDF are built from the same figures and the same chart specs: vega-embed
draws them in the browser; here vl-convert draws each as SVG (no JavaScript runs in a PDF)."""

import base64
import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from .charts import Chart, to_svg


class PackError(Exception):
    """The PDF cannot be made here; the message says why in plain English."""


def chart_images(charts: Iterable[tuple[str, Chart]], width: int = 680) -> dict[str, str]:
    """Each chart as a data: URI of its SVG, by its key, drawn side by side (vl-convert does the
    work outside Python's lock)."""
    items = list(charts)
    with ThreadPoolExecutor(max_workers=2) as pool:
        svgs = list(pool.map(lambda item: to_svg(item[1], width=width), items))
    return {
        key: "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
        for (key, _), svg in zip(items, svgs, strict=True)
    }


def pdf_from_html(html: str, base_url: str | None = None) -> bytes:
    """Print ``html`` to PDF with WeasyPrint."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise PackError(
            "PDF packs need WeasyPrint and the Pango text library (on Debian: "
            f"apt-get install libpango-1.0-0 libpangoft2-1.0-0): {exc}"
        ) from exc
    # WeasyPrint reports each step at INFO; the application log needs only its warnings.
    for name in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return HTML(string=html, base_url=base_url).write_pdf()
