"""Model permissions granted to each role for crm's models (merged by role_groups_sync)."""

from crm.roles import Role

_REFERENCE_READ = [
    "crm.view_region",
    "crm.view_departement",
    "crm.view_regionalunion",
    "crm.view_regionaluniondepartement",
    "crm.view_postalcode",
    "crm.view_nafentry",
]
_CONTACTS_WRITE = [
    "crm.view_organisation",
    "crm.add_organisation",
    "crm.change_organisation",
    "crm.view_person",
    "crm.add_person",
    "crm.change_person",
    "crm.view_partner",
]

ROLE_PERMISSIONS = {
    Role.OFFICER: [*_REFERENCE_READ, *_CONTACTS_WRITE],
    Role.DIRECTOR: [
        *_REFERENCE_READ,
        *_CONTACTS_WRITE,
        "crm.delete_person",
        "crm.add_partner",
        "crm.change_partner",
        "crm.view_officerprofile",
    ],
    Role.FINANCIAL_OFFICER: [*_REFERENCE_READ, "crm.view_organisation", "crm.view_partner"],
    Role.BOARD_MEMBER: [],
}
