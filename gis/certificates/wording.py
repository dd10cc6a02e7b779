"""How a Romanian act writes numbers, dates and plan titles: 1.234,56 m² (a decimal comma, dots between
thousands, two decimals for areas and lei), dd.mm.yyyy, and a plan named once ("PUZ „Zona centrală”",
never "PUZ „PUZ „Zona centrală””" when the stored name already carries the kind and the quotes)."""

from __future__ import annotations

from datetime import date


def ro_number(value, digits: int = 2) -> str:
    """857,00 · 4.601,10 · "—" for no value."""
    if value is None:
        return "—"
    text = f"{float(value):,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def ro_date(value: date | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d.%m.%Y")


def plan_title(kind: str, name: str) -> str:
    """The plan's kind and name, the name in Romanian quotes, each said once."""
    name = (name or "").strip()
    if name.startswith(kind) or name.startswith("„") or name.lower().startswith("planul"):
        return name
    return f"{kind} „{name}”"
