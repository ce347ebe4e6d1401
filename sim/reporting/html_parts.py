"""Small pieces of HTML for the report: a paragraph, a list, a table (every text escaped)."""

from __future__ import annotations

import html


def paragraph(lines: list[str]) -> str:
    """Return sentences as one HTML paragraph (escaped)."""
    return "<p>" + " ".join(html.escape(line) for line in lines) + "</p>"


def bullet_list(lines: list[str]) -> str:
    """Return lines as an HTML list (escaped)."""
    return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"


def html_table(header: list[str], rows: list[list[str]]) -> str:
    """Return a header and rows as an HTML table (escaped)."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
