"""Model permissions granted to each role for the case workflow (merged by role_groups_sync).

Object-level rules (territory, assigned officer, director-only actions) are in
``transmission/rules.py`` and ``transmission/workflow/permissions.py``.
"""

from crm.roles import Role

_CASE_READ = [
    "transmission.view_case",
    "transmission.view_stagechange",
    "transmission.view_activity",
    "transmission.view_leadsubmission",
]
_CASE_WORK = [
    *_CASE_READ,
    "transmission.add_case",
    "transmission.change_case",
    "transmission.add_activity",
    "transmission.change_activity",
]

ROLE_PERMISSIONS = {
    Role.OFFICER: _CASE_WORK,
    Role.DIRECTOR: [
        *_CASE_WORK,
        "transmission.reassign_case",
        "transmission.override_financing_rule",
        "transmission.delete_activity",
        "transmission.view_leadassignmentrule",
        "transmission.add_leadassignmentrule",
        "transmission.change_leadassignmentrule",
    ],
    Role.FINANCIAL_OFFICER: _CASE_READ,
    Role.BOARD_MEMBER: [],
}
