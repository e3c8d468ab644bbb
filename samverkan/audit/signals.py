"""What goes into the audit log without a view asking: logins, and changes to who may do what.

Login, logout and failed logins come from Django's auth signals. Changes to users, staff
profiles (role, organisation, unit), organisations, units, groups, permissions and API tokens
come from model signals, so every path is covered: the Django admin, the API, the shell, a
data migration. The acting user and IP address are the current request's
(`samverkan.audit.middleware`); outside a request the event names no user. A password is
never logged, only that it changed ("lösenord ändrat").
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from samverkan.accounts.models import ApiToken, Organisation, SsoRoleMapping, StaffProfile, Unit
from samverkan.audit.middleware import current_request
from samverkan.audit.models import Action
from samverkan.audit.services import record

User = get_user_model()


def _actor(request: Any, user: Any) -> Any:
    # A request built by hand (Client.force_login) has no .user; then log the user alone.
    return request if getattr(request, "user", None) is not None else user


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(_actor(request, user), Action.LOGIN)


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # Sent before request.user is reset, so the request still names who leaves.
    if user is not None:
        record(_actor(request, user), Action.LOGOUT)


def _login_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    # The attempted username is not logged: it may be a mistyped password.
    record(request, Action.LOGIN_FAILED)


# --- Changes to users, roles and organisations ----------------------------------------------

# The fields whose change is logged, with the Swedish name the log shows. Booleans show
# old → new; text fields only that they changed (their values are in the record itself).
TRACKED: dict[type[Model], dict[str, str]] = {
    User: {
        "username": "användarnamn",
        "first_name": "förnamn",
        "last_name": "efternamn",
        "email": "e-post",
        "is_active": "aktiv",
        "is_staff": "administratörsåtkomst",
        "is_superuser": "superanvändare",
        "password": "lösenord",
    },
    StaffProfile: {"role": "roll", "organisation_id": "organisation", "unit_id": "enhet"},
    Organisation: {
        "name": "namn",
        "kind": "typ",
        "scb_code": "SCB-kod",
        "region": "region",
        "org_number": "organisationsnummer",
        "peppol_scheme": "Peppol-schema",
        "peppol_id": "Peppol-id",
        "invoice_reference": "fakturareferens",
        "street_address": "postadress",
        "postal_code": "postnummer",
        "city": "postort",
        "org_number_source": "källa för organisationsnummer",
        "peppol_id_source": "källa för Peppol-id",
        "identifiers_confirmed_at": "identifierare bekräftade",
        "identifiers_confirmed_by_id": "identifierare bekräftade av",
    },
    Unit: {"organisation_id": "organisation", "name": "namn", "kind": "typ", "hsa_id": "HSA-id"},
    Group: {"name": "namn"},
    # The administrator's table of who logs in as what (samverkan.accounts.saml).
    SsoRoleMapping: {
        "idp": "identitetsutfärdare",
        "subject": "identitet",
        "organisation_id": "organisation",
        "unit_id": "enhet",
        "role": "roll",
        "active": "gäller",
    },
}
NOUN = {
    User: "användare",
    StaffProfile: "personalprofil",
    Organisation: "organisation",
    Unit: "enhet",
    Group: "behörighetsgrupp",
    SsoRoleMapping: "inloggningskoppling",
}


def _who() -> Any:
    request = current_request.get()
    if request is None:
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return request
    auth = getattr(request, "auth", None)  # the API's bearer token names its user here
    return auth if isinstance(auth, User) else request


def _target(instance: Model) -> tuple[type[Model] | str, object]:
    """A staff profile's changes are the user's: log control finds them under the user."""
    if isinstance(instance, StaffProfile):
        return User, instance.user_id
    return type(instance), instance.pk


def _display(model: type[Model], name: str, value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if model in (StaffProfile, SsoRoleMapping) and name == "role":
        return str(dict(StaffProfile._meta.get_field("role").flatchoices).get(value, value))
    if name == "organisation_id":
        return Organisation.objects.filter(pk=value).values_list("name", flat=True).first() or str(
            value
        )
    if name == "unit_id":
        return Unit.objects.filter(pk=value).values_list("name", flat=True).first() or str(value)
    return str(value)


def _shows_values(model: type[Model], name: str, value: Any) -> bool:
    return (
        isinstance(value, bool)
        or model in (StaffProfile, SsoRoleMapping)
        or name in ("kind", "region")
    )


def _remember_old(
    sender: type[Model], instance: Model, update_fields: Any = None, **kw: Any
) -> None:
    fields = TRACKED[sender]
    wanted = list(fields) if update_fields is None else [f for f in fields if f in update_fields]
    instance._audit_old = (  # type: ignore[attr-defined]
        sender._base_manager.filter(pk=instance.pk).values(*wanted).first()
        if instance.pk is not None and wanted
        else None
    )


def _saved(
    sender: type[Model], instance: Model, created: bool, raw: bool = False, **kw: Any
) -> None:
    obj_type, obj_id = _target(instance)
    noun = NOUN[sender]
    if created:
        parts = [
            f"{label}: {_display(sender, name, getattr(instance, name))}"
            for name, label in TRACKED[sender].items()
            if sender in (StaffProfile, SsoRoleMapping)
        ]
        why = f"{noun} skapad" + (f" ({'; '.join(parts)})" if parts else "")
        record(_who(), Action.CREATE, obj_type, obj_id, why=why)
        return
    old = getattr(instance, "_audit_old", None)
    if not old:
        return
    changes = []
    password = False
    for name, before in old.items():
        after = getattr(instance, name)
        if before == after:
            continue
        if name == "password":
            password = True
        elif _shows_values(sender, name, after):
            changes.append(
                f"{TRACKED[sender][name]}: {_display(sender, name, before)} → "
                f"{_display(sender, name, after)}"
            )
        else:
            changes.append(TRACKED[sender][name])
    if password:
        record(_who(), Action.PASSWORD_CHANGE, obj_type, obj_id, why="lösenord ändrat")
    if changes:
        why = f"{noun} ändrad: " + "; ".join(changes)
        record(_who(), Action.UPDATE, obj_type, obj_id, why=why)


def _deleted(sender: type[Model], instance: Model, **kw: Any) -> None:
    obj_type, obj_id = _target(instance)
    why = f"{NOUN[sender]} borttagen"
    if isinstance(instance, StaffProfile):
        why += (
            f" (roll: {_display(StaffProfile, 'role', instance.role)}; organisation: "
            f"{_display(StaffProfile, 'organisation_id', instance.organisation_id)})"
        )
    record(_who(), Action.DELETE, obj_type, obj_id, why=why)


def _username(user_id: int) -> str:
    """The user's username (the log names staff by it); the id only for a user since removed."""
    name = User.objects.filter(pk=user_id).values_list("username", flat=True).first()
    return str(name) if name else f"nr {user_id}"


def _token_saved(sender: Any, instance: ApiToken, created: bool, **kw: Any) -> None:
    if created:
        record(
            _who(),
            Action.CREATE,
            ApiToken,
            instance.pk,
            why=f"API-token skapad för användaren {_username(instance.user_id)}",
        )


def _token_deleted(sender: Any, instance: ApiToken, **kw: Any) -> None:
    record(
        _who(),
        Action.DELETE,
        ApiToken,
        instance.pk,
        why=f"API-token återkallad för användaren {_username(instance.user_id)}",
    )


def _names(model: type[Model], pks: Any) -> str:
    if model is Permission:
        return ", ".join(
            sorted(_permission_words(p) for p in Permission.objects.filter(pk__in=pks))
        )
    if model is Group:
        return ", ".join(sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True)))
    return ", ".join(str(pk) for pk in sorted(pks))


# Django's four default permissions, in Swedish ("purchases.change_price" → "ändra pris").
PERMISSION_VERB = {"add": "lägga till", "change": "ändra", "delete": "ta bort", "view": "se"}


def _permission_words(permission: Permission) -> str:
    """A permission as the log shows it: what it allows, on which kind of thing, in Swedish.

    A custom permission is named by its own name (the project writes them in Swedish)."""
    verb, _, model = permission.codename.partition("_")
    model_class = permission.content_type.model_class()
    if (
        verb in PERMISSION_VERB
        and model_class is not None
        and model == model_class._meta.model_name
    ):
        return f"{PERMISSION_VERB[verb]} {model_class._meta.verbose_name}"
    return str(permission.name)


M2M_LABEL = {
    "groups": "behörighetsgrupper",
    "user_permissions": "behörigheter",
    "permissions": "behörigheter",
}


def _m2m(field: str):  # type: ignore[no-untyped-def]
    def changed(
        sender: Any,
        instance: Model,
        action: str,
        reverse: bool,
        model: type[Model],
        pk_set: Any,
        **kw: Any,
    ) -> None:
        if action not in ("post_add", "post_remove", "pre_clear"):
            return
        owner_model = User if field in ("groups", "user_permissions") else Group
        if action == "pre_clear":  # the set is gone after the clear: read it now
            if reverse:  # e.g. group.user_set.clear(): the users whose groups change
                m2m: Any = owner_model._meta.get_field(field)
                rows = sender.objects.filter(**{m2m.m2m_reverse_field_name(): instance.pk})
                pk_set = set(rows.values_list(m2m.m2m_field_name(), flat=True))
            else:
                pk_set = set(getattr(instance, field).values_list("pk", flat=True))
            if not pk_set:
                return
        verb = "lagt till" if action == "post_add" else "tagit bort"
        if not reverse:
            targets = [instance.pk]
            what = _names(model, pk_set)
        else:  # e.g. group.user_set.add(user): the users are the owners of the change
            targets = sorted(pk_set or ())
            what = _names(type(instance), [instance.pk])
        for pk in targets:
            record(
                _who(),
                Action.UPDATE,
                owner_model,
                pk,
                why=f"{NOUN[owner_model]} ändrad: {M2M_LABEL[field]} {verb}: {what}",
            )

    return changed


_HANDLERS: list[Any] = []  # signal receivers are weak references: keep the closures alive


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
    for model in TRACKED:
        label = model._meta.label_lower
        pre_save.connect(_remember_old, sender=model, dispatch_uid=f"audit_old_{label}")
        post_save.connect(_saved, sender=model, dispatch_uid=f"audit_saved_{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"audit_deleted_{label}")
    post_save.connect(_token_saved, sender=ApiToken, dispatch_uid="audit_token_saved")
    post_delete.connect(_token_deleted, sender=ApiToken, dispatch_uid="audit_token_deleted")
    for through, field in (
        (User.groups.through, "groups"),
        (User.user_permissions.through, "user_permissions"),
        (Group.permissions.through, "permissions"),
    ):
        handler = _m2m(field)
        _HANDLERS.append(handler)
        m2m_changed.connect(handler, sender=through, dispatch_uid=f"audit_m2m_{field}")
