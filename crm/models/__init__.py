from crm.models.gdpr import GdprOperation, GdprOperationKind
from crm.models.naf import NafEntry, NafLevel, NafVersion
from crm.models.organisation import CooperativeType, LegalForm, Organisation, OrganisationStatus
from crm.models.people import (
    ContactRole,
    LawfulBasis,
    OfficerProfile,
    Partner,
    PartnerType,
    Person,
)
from crm.models.territory import (
    Departement,
    PostalCode,
    Region,
    RegionalUnion,
    RegionalUnionDepartement,
    TerritoryKind,
)
from crm.models.users import User

__all__ = [
    "ContactRole",
    "CooperativeType",
    "Departement",
    "GdprOperation",
    "GdprOperationKind",
    "LawfulBasis",
    "LegalForm",
    "NafEntry",
    "NafLevel",
    "NafVersion",
    "OfficerProfile",
    "Organisation",
    "OrganisationStatus",
    "Partner",
    "PartnerType",
    "Person",
    "PostalCode",
    "Region",
    "RegionalUnion",
    "RegionalUnionDepartement",
    "TerritoryKind",
    "User",
]
