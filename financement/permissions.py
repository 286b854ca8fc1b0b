"""Model permissions granted to each role for financing (merged by role_groups_sync).

Object-level rules (territory, who decides which line) are in ``financement/rules.py`` and
``financement/workflow/permissions.py``; the services check them again.
"""

from crm.roles import Role

_READ = [
    "financement.view_instrument",
    "financement.view_financingplan",
    "financement.view_financingline",
    "financement.view_linedecision",
    "financement.view_committeesession",
    "financement.view_supportrequest",
    "financement.view_supportstatuschange",
]
_PLAN_WORK = [
    *_READ,
    "financement.add_financingplan",
    "financement.change_financingplan",
    "financement.add_financingline",
    "financement.change_financingline",
    "financement.delete_financingline",
]

ROLE_PERMISSIONS = {
    Role.OFFICER: _PLAN_WORK,
    Role.DIRECTOR: _PLAN_WORK,
    Role.FINANCIAL_OFFICER: [
        *_READ,
        # Recording decisions, payments and repayments goes through the line's change page.
        "financement.change_financingline",
        "financement.add_committeesession",
        "financement.change_committeesession",
    ],
    Role.BOARD_MEMBER: [],
}
