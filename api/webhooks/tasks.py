"""Background tasks of the webhook outbox (run by ``manage.py db_worker``)."""

from api.webhooks import outbox
from config.tasks import task


@task()
def deliver_webhook(delivery_id: int) -> bool | None:
    """Queued when a delivery is written (after commit) and for each scheduled retry."""
    return outbox.webhook_delivery_attempt(delivery_id=delivery_id)
