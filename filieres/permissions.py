"""Model permissions of each role for filieres (merged by crm.services.role_groups_sync).

Object-level limits (a director designates priorities for their own UR only) are in
filieres/rules.py and enforced again by filieres.services.
"""

from crm.roles import Role

_READ = [
    "filieres.view_filiere",
    "filieres.view_filiereprefix",
    "filieres.view_regionalpriority",
    "filieres.view_nafcorrespondence",
]

ROLE_PERMISSIONS = {
    Role.OFFICER: [*_READ],
    Role.DIRECTOR: [
        *_READ,
        "filieres.add_regionalpriority",
        "filieres.change_regionalpriority",
    ],
    Role.FINANCIAL_OFFICER: [*_READ],
    Role.BOARD_MEMBER: [],
}
