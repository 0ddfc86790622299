"""Development-only page «Исходящие сообщения»: what the sandbox gateways have sent."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from gosportal.integrations.models import SandboxMessage


def dev_outbox(request):
    if not settings.DEV_OUTBOX_ENABLED:
        raise Http404
    channel = request.GET.get("channel", "")
    messages = SandboxMessage.objects.all()
    if channel in SandboxMessage.Channel.values:
        messages = messages.filter(channel=channel)
    return render(
        request,
        "integrations/dev_outbox.html",
        {"messages_list": messages[:100], "channel": channel, "channels": SandboxMessage.Channel},
    )
