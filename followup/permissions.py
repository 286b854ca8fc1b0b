"""Model permissions granted to each role for the follow-up (merged by role_groups_sync).

The territory is checked by the queryset scoping (admin) and again by the services.
"""

from crm.roles import Role

_READ = ["followup.view_cooperativefollowup", "followup.view_annualreview"]
_KEEP = [
    *_READ,
    "followup.change_cooperativefollowup",
    "followup.add_annualreview",
    "followup.change_annualreview",
]

ROLE_PERMISSIONS = {
    Role.OFFICER: _KEEP,
    Role.DIRECTOR: _KEEP,
    Role.FINANCIAL_OFFICER: _READ,
    Role.BOARD_MEMBER: [],
}
