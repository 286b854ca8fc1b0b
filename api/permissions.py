"""Model permissions granted to each role for api's models (merged by role_groups_sync).

Partner keys, staff tokens, request logs, rejected submissions and webhook deliveries are
support and security tools spanning every territory: administrators only (they receive
every permission automatically), so no other role is listed.
"""

ROLE_PERMISSIONS: dict = {}
