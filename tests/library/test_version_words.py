"""A decision's agreement versions are shown in words, not as version keys (issue 13: no
slugs or codes in the UI; issue 14: a local agreement's version is named as such)."""

from __future__ import annotations

from django.template import Context, Template

from samverkan.library.templatetags.agreement_words import versions_named
from samverkan.rules import AGREEMENTS


def test_a_revised_and_a_locally_agreed_version_read_in_words():
    text = versions_named(
        "jh-hemsjukvard 2020-03-01+revision-7, jh-primarvard-kommun 2020-03-01+lokal-3"
    )
    assert "jh-" not in text and "+" not in text and "lokal-" not in text
    assert "version 2020-03-01 med revision 7" in text
    assert text.endswith("version 2020-03-01 med lokal överenskommelse 3")
    assert text.count(";") == 1


def test_the_plain_version_keeps_its_date_and_every_agreement_is_named():
    for agreement in AGREEMENTS:
        words = versions_named(f"{agreement} 2020-03-01")
        assert agreement not in words and words.endswith("version 2020-03-01")


def test_the_filter_is_a_builtin_and_empty_stays_empty():
    rendered = Template('{{ v|versions_named|default:"–" }}').render(Context({"v": ""}))
    assert rendered == "–"
