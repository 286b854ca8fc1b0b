"""Webhooks: URL safety (``urls``), signing and the pinned HTTP client (``transport``), the
outbox and its claim/post/record delivery (``outbox``), its background task (``tasks``) and
the ``lead.status_changed`` listener (``leads``)."""
