"""Plain helpers the tests share (the fixtures that build on them are in conftest.py): the staff
sign-in as a browser does it, with the form's CSRF token."""

from __future__ import annotations

import re

STAFF_PASSWORD = "parola-de-test-123"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_token(client, path: str = "/office/login") -> str:
    """The CSRF token a page's form carries (sign-in, then every staff call)."""
    return CSRF_FIELD.search(client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, username: str, password: str = STAFF_PASSWORD):
    """Post the sign-in form as a browser would; the response (303 when accepted)."""
    return client.post("/office/login", data={"csrf": csrf_token(client), "username": username,
                                              "password": password})


def browser_sign_in(page, base: str, username: str, password: str = STAFF_PASSWORD) -> None:
    """Sign in through the page in Chromium (Playwright), as a person does; waits for the desk."""
    page.goto(base + "/office/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/office$"))


def map_point_on_screen(page, lat: float, lon: float) -> tuple[float, float]:
    """Where a point of the page's Leaflet map (`teritoriuMap`) is on the screen, for a click."""
    return tuple(page.evaluate(f"(() => {{ const p = teritoriuMap.latLngToContainerPoint([{lat}, {lon}]);"
                               "const r = teritoriuMap.getContainer().getBoundingClientRect();"
                               "return [p.x + r.left, p.y + r.top]; })()"))
