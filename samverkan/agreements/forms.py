"""Forms of the agreements' pages (the services do the checking)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import (
    Organisation,
    OrganisationKind,
    Role,
    Unit,
    UnitKind,
    acting_as,
)
from samverkan.agreements.local_points import POINT_CHOICES
from samverkan.agreements.models import AgreementSettings, ListKind
from samverkan.core.forms import DateInput

OTHER_POINT = "other"


class NoticeForm(forms.Form):
    """`parties`: the parties the user may speak for (`access.parties_spoken_for`)."""

    given_by = forms.ModelChoiceField(
        label=_("Uppsagt av"), queryset=Organisation.objects.none(), empty_label=None
    )
    given_on = forms.DateField(
        label=_("Uppsagt den"),
        widget=DateInput,
        help_text=_("Dagen den skriftliga uppsägningen ges; kan inte antedateras."),
    )
    document_ref = forms.CharField(label=_("Diarienummer/dokumentreferens"), max_length=200)

    def __init__(self, *args: Any, parties: Any, **kwargs: Any):
        kwargs.setdefault("initial", {"given_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["given_by"].queryset = parties  # type: ignore[attr-defined]


class WithdrawNoticeForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl (t.ex. forumets beslut)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CorrectNoticeForm(forms.Form):
    document_ref = forms.CharField(label=_("Rätt dokumentreferens"), max_length=200)
    reason = forms.CharField(
        label=_("Vad rättas och varför"), widget=forms.Textarea(attrs={"rows": 2})
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = AgreementSettings
        fields = [
            "reminder_lead_days",
            "responsible_role",
            "followup_month",
            "followup_day",
            "notice_scope",
        ]


class LocalAgreementForm(forms.Form):
    point = forms.ChoiceField(
        label=_("Punkt"),
        choices=[*POINT_CHOICES, (OTHER_POINT, _("Annan punkt"))],
        help_text=_("Lokala överenskommelser får bara träffas på de punkter §8.3 anger."),
    )
    other_point = forms.CharField(label=_("Annan punkt: vilken?"), required=False, max_length=200)
    municipality = forms.ModelChoiceField(label=_("Kommun"), queryset=Organisation.objects.none())
    health_centre = forms.ModelChoiceField(
        label=_("Hälsocentral"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Alla som arbetar med kommunen"),
        help_text=_(
            "Väljer du en hälsocentral gäller överenskommelsen bara kommunens personer som är "
            "listade där."
        ),
    )
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    agreed_on = forms.DateField(label=_("Överenskommen den"), widget=DateInput)
    valid_to = forms.DateField(label=_("Gäller till och med"), required=False, widget=DateInput)
    document_ref = forms.CharField(label=_("Dokumentreferens"), required=False, max_length=200)

    def __init__(self, *args: Any, region: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            region=region, kind=OrganisationKind.MUNICIPALITY
        )
        self.fields["health_centre"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            acting_as(OrganisationKind.REGION, "organisation__"),
            organisation__region=region,
            kind=UnitKind.PRIMARY_CARE,
        )


class ListForm(forms.Form):
    kind = forms.ChoiceField(label=_("Förteckning"), choices=ListKind.choices)
    year = forms.IntegerField(label=_("År"), min_value=2017, max_value=2100)
    items = forms.CharField(
        label=_("Innehåll"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("En rad per artikel eller läkemedel. Tomt: förra årets innehåll kopieras."),
    )


class ItemsForm(forms.Form):
    items = forms.CharField(
        label=_("Innehåll"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Ändras innehållet gäller tidigare underskrifter inte längre."),
    )


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Ledamot"), queryset=get_user_model().objects.none())

    def __init__(self, *args: Any, region: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        users = (
            get_user_model()
            .objects.filter(staff_profile__organisation__region=region, is_active=True)
            .exclude(staff_profile__role=Role.FINANCE_OFFICER)
        )
        field = self.fields["user"]
        field.queryset = users.select_related("staff_profile__organisation").order_by(  # type: ignore[attr-defined]
            "staff_profile__organisation__name", "last_name"
        )
        field.label_from_instance = lambda u: (  # type: ignore[attr-defined]
            f"{u.get_full_name() or u.username} – {u.staff_profile.organisation}"
        )


class VariationForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Kommun"), queryset=Organisation.objects.none())
    description = forms.CharField(label=_("Variation"), widget=forms.Textarea(attrs={"rows": 3}))
    agreed_on = forms.DateField(label=_("Överenskommen den"), widget=DateInput)

    def __init__(self, *args: Any, region: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            region=region, kind=OrganisationKind.MUNICIPALITY
        )
