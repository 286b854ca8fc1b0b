"""Webhook plumbing: URL safety (``urls``), signing and the pinned HTTP client
(``transport``). The outbox writes are in ``api.services`` (``webhook_enqueue``...)."""
