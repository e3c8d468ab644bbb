"""In-app notifications and each user's e-mail choice (samverkan.notifications.services)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What arrived. The label is the whole text the user sees and the mail's subject: neutral,
    never a name, a number or a diagnosis (the link leads to the case, behind its own access)."""

    SIP_INVITATION = "sip_invitation", _("Ny kallelse till SIP")
    SIP_ANSWER = "sip_answer", _("Svar på en kallelse till SIP")
    DEVIATION = "deviation", _("Ny avvikelse till er")
    DEVIATION_ANSWER = "deviation_answer", _("Svar på en avvikelse")
    DISPUTE_STEP = "dispute_step", _("Ett nytt steg i en tvist")
    TASK = "task", _("Ny uppgift")
    TASK_DUE = "task_due", _("En uppgift ska vara klar")
    SIP_REMINDER = "sip_reminder", _("Påminnelse: svara på en kallelse till SIP")
    SIP_MEETING = "sip_meeting", _("Ny tid eller plats för ett SIP-möte")
    DISCHARGE_NOTICE = "discharge_notice", _("Nytt meddelande om utskrivning från sluten vård")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("mottagare"),
    )
    kind = models.CharField(_("typ"), max_length=40, choices=Kind.choices)
    link = models.CharField(_("länk"), max_length=500)
    # Once per recipient and key (e.g. "task_due:12:2026-12-02"): a repeated call adds nothing.
    key = models.CharField(_("nyckel"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    read_at = models.DateTimeField(_("läst"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-post skickad"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notis")
        verbose_name_plural = _("notiser")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notif_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.recipient_id})"


class Preference(models.Model):
    """The user's choice: notifications by e-mail too (off until the user opts in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("användare"),
    )
    email = models.BooleanField(_("även med e-post"), default=False)

    class Meta:
        verbose_name = _("notisinställning")
        verbose_name_plural = _("notisinställningar")

    def __str__(self) -> str:
        return f"{self.user_id}: {'e-post' if self.email else 'bara i tjänsten'}"
