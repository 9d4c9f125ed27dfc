"""The strict CSP allows no inline script, style or event handler: none is written anywhere."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for pattern in ("templates/**/*.html", "*/templates/**/*.html")
    for path in ROOT.glob(pattern)
    if ".venv" not in path.parts and "node_modules" not in path.parts
)
FORBIDDEN = {
    "an inline <script> (put it in static/js/)": re.compile(
        r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE
    ),
    "a <style> element (put it in static/css/app.css)": re.compile(r"<style\b", re.IGNORECASE),
    "a style attribute (use a class)": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an on* event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "a data: URL (img-src is 'self')": re.compile(r"""(src|href)\s*=\s*["']data:""", re.I),
}


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=[str(p.relative_to(ROOT)) for p in TEMPLATES])
def test_a_template_has_no_inline_code(path):
    text = path.read_text()
    found = [what for what, pattern in FORBIDDEN.items() if pattern.search(text)]
    assert found == [], f"{path.relative_to(ROOT)} has {', '.join(found)}"


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<SCRIPT type="text/javascript">x()</SCRIPT>',
        "<style>.a{}</style>",
        '<p style="color:red">',
        '<button onclick="go()">',
        '<a href="javascript:void(0)">',
        '<img src="data:image/png;base64,AAAA">',
    ],
)
def test_the_check_finds_each_kind_of_inline_code(snippet):
    assert any(pattern.search(snippet) for pattern in FORBIDDEN.values())


def test_the_check_allows_script_files():
    assert not any(
        pattern.search('<script type="module" src="/static/js/init.js"></script>')
        for pattern in FORBIDDEN.values()
    )
