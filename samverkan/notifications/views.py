from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from samverkan.notifications import services

PAGE_SIZE = 100


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label="Skicka också e-post när något nytt kommer", required=False)


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first; "Markera alla som lästa"."""
    if request.method == "POST":
        services.mark_all_read(request.user)
        messages.success(request, "Alla notiser är markerade som lästa.")
        return HttpResponseRedirect(reverse("notifications:index"))
    items = services.lines_for(request.user, services.notifications_for(request.user)[:PAGE_SIZE])
    return render(
        request,
        "notifications/index.html",
        {"items": items, "wants_email": services.wants_email(request.user)},
    )


def open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one's own notification read and go to the case (whose page checks access)."""
    notification = services.open_notification(request.user, pk)
    if notification is None:
        raise Http404
    return HttpResponseRedirect(notification.link)


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PreferenceForm(request.POST or None, initial={"email": services.wants_email(user)})
    if request.method == "POST" and form.is_valid():
        wanted = form.cleaned_data["email"]
        if wanted and not user.email:  # type: ignore[union-attr]
            form.add_error(
                "email",
                "Ditt konto har ingen e-postadress. Be en administratör lägga till den först.",
            )
        else:
            services.set_email_preference(user, wanted)
            messages.success(
                request,
                "Du får e-post om nya notiser." if wanted else "Du får inte e-post om notiser.",
            )
            return HttpResponseRedirect(reverse("notifications:index"))
    return render(request, "notifications/preferences.html", {"form": form})
