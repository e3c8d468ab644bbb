"""The login page works in a real browser (chromium through Playwright)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_reaches_the_start_page(page, login, nurse, screenshot) -> None:
    login(page, nurse)
    assert "/accounts/login" not in page.url
    screenshot(page, "start")
    assert "Mina uppgifter" in page.content()
