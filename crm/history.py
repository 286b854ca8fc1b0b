"""simple-history rows for objects written in bulk.

``Model.save()`` gets its history row from simple-history's ``post_save`` (an INSERT per
object); ``bulk_create`` sends no signal. simple-history's own ``bulk_history_create`` builds
one historical instance per object and inserts them with ``bulk_create``: for the
organisation import (B8) that cost more than inserting the organisations themselves. Here
the database copies the rows it has just stored into their history table, in one
``INSERT … SELECT`` per batch, with what ``post_save`` would record: the type "+", the
history user simple-history finds for the object (the request's, through its middleware;
none in a background task), no change reason, and the time of the write. The columns come
from simple-history's own historical model, so a field added to the model is copied too.

simple-history's ``pre_create_historical_record`` / ``post_create_historical_record``
signals are not sent (nothing in the project listens to them), as with
``bulk_history_create``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.utils import timezone


def history_created_in_bulk(model: type[Model], objects: list[Model]) -> None:
    """Write the "created" history rows of ``objects``, just inserted by ``bulk_create``
    (their primary keys set), in one statement."""
    if not objects or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model._meta.simple_history_manager_attribute
    historical = getattr(model, history).model
    ids = [obj.pk for obj in objects]
    if any(pk is None for pk in ids):
        raise ValueError("history_created_in_bulk needs the objects' primary keys")
    users = {getattr(historical.get_default_history_user(obj), "pk", None) for obj in objects}
    if len(users) > 1:
        raise ValueError("history_created_in_bulk writes one history user per call")
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(historical._meta.get_field(name).column)

    copied = ", ".join(quote(field.column) for field in historical.tracked_fields)
    pk_column = quote(model._meta.pk.column)
    sql = (
        f"INSERT INTO {quote(historical._meta.db_table)} ({copied}, {column('history_date')}, "
        f"{column('history_change_reason')}, {column('history_type')}, "
        f"{column('history_user')}) "
        f"SELECT {copied}, %s, NULL, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {pk_column} IN ({', '.join(['%s'] * len(ids))}) ORDER BY {pk_column}"
    )
    date = historical._meta.get_field("history_date").get_db_prep_value(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [date, "+", users.pop(), *ids])
