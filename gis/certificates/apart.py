"""Parcels that do not touch: one certificate per property, unless the officer records that they form
one investment.

An urbanism certificate describes one property ("imobilul", Legea 50/1991 art. 6; Ordinul 839/2009,
anexa 1, formularul F.6); its fee follows the area "pentru care se obține certificatul de urbanism"
(Codul fiscal art. 474 alin. (1)). Parcels apart are refused with the fee of each separate
certificate, so the applicant sees what separate requests would cost. When the officer records
that they form one investment (the reason is stored on the request and printed), one certificate
covers them and the fee is that of their summed area, the area for which the certificate is
obtained (art. 474 alin. (1)).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gis.certificates.fees import lei
from gis.certificates.rules import CertificateError


def check_apart(kind, parcels, choices, uat, profile, on: date) -> None:
    """Refuse parcels that do not touch unless `choices.one_investment` gives the officer's reason."""
    reason = (choices.one_investment or "").strip() if choices else ""
    if len(reason) >= 3:
        return
    from gis.certificates.kinds import Selection

    each = []
    for p in parcels:
        alone = Selection(profile=profile, uat_settings=uat.settings, parcel_ids=[p.id], area_m2=p.reference_area,
                          rural=uat.is_rural, issued_on=on, extension=False, restriction_kinds=frozenset(),
                          uat_siruta=uat.siruta,
                          choices=dataclasses.replace(choices, one_investment=None) if choices else None)
        each.append(f"{p.cadastral_number}: {lei(kind.fee(alone).amount_lei)} lei")
    raise CertificateError(
        "imobilele {numbers} nu sunt alăturate: se emite câte un certificat pentru fiecare imobil (taxa fiecăruia: "
        "{fees}), afară de cazul în care funcționarul consemnează că formează o singură investiție (cu motivul)",
        numbers=", ".join(p.cadastral_number for p in parcels), fees="; ".join(each))

