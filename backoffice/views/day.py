"""Ma journée."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from backoffice.access import backoffice_view
from backoffice.selectors import day, supports
from crm.scoping import scope_queryset
from transmission import services
from transmission.models import Activity


@backoffice_view
def home(request):
    today = timezone.localdate()
    user = request.user
    context = {
        "today": today,
        "tasks": day.tasks_due(user=user, today=today),
        "next_actions": day.next_actions_due(user=user, today=today),
        "alerts": day.workflow_alerts(user=user, today=today),
        "unassigned_leads": day.unassigned_leads(user=user)[:20],
        "by_stage": day.my_cases_by_stage(user=user),
        "follow_up": day.follow_up_reminders(user=user, today=today),
        "supports": supports.my_open_supports(user=user),
        "nav": "day",
    }
    return render(request, "backoffice/day.html", context)


@require_POST
@backoffice_view
def task_complete(request, pk: int):
    """Tick a task done (one click). htmx gets the row back ticked; a plain form, a redirect."""
    try:
        task = scope_queryset(Activity.objects.select_related("case"), request.user).get(pk=pk)
    except Activity.DoesNotExist:
        raise Http404 from None
    task = services.activity_complete(activity=task, by=request.user)
    if request.htmx:
        return render(request, "backoffice/_task_done.html", {"task": task})
    return redirect("backoffice:case", pk=task.case_id)
