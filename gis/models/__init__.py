"""SQLAlchemy 2 + GeoAlchemy2 models of every table (the schema itself comes from Alembic)."""

from gis.models.auth import ApiKey, AuditEntry, DataRevision, User, UserUat
from gis.models.base import STORAGE_SRID, Base, Versioned
from gis.models.cadastre import Building, Parcel, ParcelLineage
from gis.models.fiscal import AgriPlot, LandTaxRate, TaxAssessment, Taxpayer
from gis.models.planning import PlanningDocument, Restriction, Zone
from gis.models.registry import IssuedDocument, RegistryCounter, Request, RequestParcel
from gis.models.streets import AddressPoint, Street, StreetName
from gis.models.territory import Locality, Uat

__all__ = [
    "STORAGE_SRID", "AddressPoint", "AgriPlot", "ApiKey", "AuditEntry", "Base", "Building",
    "DataRevision",
    "IssuedDocument", "LandTaxRate", "Locality", "Parcel", "ParcelLineage", "PlanningDocument", "RegistryCounter",
    "Request", "RequestParcel", "Restriction", "Street", "StreetName", "TaxAssessment",
    "Taxpayer", "Uat", "User", "UserUat", "Versioned", "Zone",
]
