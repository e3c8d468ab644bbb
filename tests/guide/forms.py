"""Read the guide's HTML form the way a browser without JavaScript submits it."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_form = False
        self.hidden: list[tuple[str, str]] = []
        self.controls: list[dict[str, str]] = []
        self.share_url = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "question-form" in a.get("class", ""):
            self.in_form = True
        if tag == "input" and a.get("id") == "dela-lank":
            self.share_url = a.get("value", "")
        if not self.in_form or tag not in ("input", "select"):
            return
        if a.get("type") == "hidden":
            self.hidden.append((a["name"], a.get("value", "")))
        else:
            self.controls.append({"tag": tag, **a})

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False


def read_form(html: str) -> _FormReader:
    reader = _FormReader()
    reader.feed(html)
    return reader
