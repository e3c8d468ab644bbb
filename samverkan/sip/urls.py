from django.urls import path

from samverkan.sip import views

app_name = "sip"
urlpatterns = [
    path("", views.index, name="index"),
    path("ny/<uuid:person_id>/", views.start, name="start"),
    path("enheter/", views.unit_options, name="unit_options"),
    path("nodatkomst/", views.emergency_start, name="emergency"),
    path("nodatkomst/<int:access_id>/", views.emergency_detail, name="emergency_detail"),
    path("nodatkomst/granska/", views.emergency_reviews, name="emergency_reviews"),
    path("nodatkomst/granska/<int:access_id>/", views.emergency_review, name="emergency_review"),
    path("<int:sip_id>/", views.detail, name="detail"),
    path("<int:sip_id>/samtycke/", views.consent, name="consent"),
    path(
        "<int:sip_id>/samtycke/<int:consent_id>/aterkalla/",
        views.withdraw_consent,
        name="withdraw_consent",
    ),
    path("<int:sip_id>/kalla/", views.invite, name="invite"),
    path("<int:sip_id>/mote/", views.meeting, name="meeting"),
    path("<int:sip_id>/mote.ics", views.meeting_ics, name="meeting_ics"),
    path("<int:sip_id>/brev/", views.letter_new, name="letter_new"),
    path("<int:sip_id>/brev/<int:letter_id>.pdf", views.letter_pdf, name="letter_pdf"),
    path("<int:sip_id>/brev/<int:letter_id>/svar/", views.letter_answer, name="letter_answer"),
    path("<int:sip_id>/deltagare/<int:participant_id>/svar/", views.respond, name="respond"),
    path("<int:sip_id>/plan/", views.plan_edit, name="plan"),
    path("<int:sip_id>/uppfoljning/", views.follow_up, name="follow_up"),
    path("<int:sip_id>/versioner/", views.versions, name="versions"),
    path("<int:sip_id>/versioner/<int:number>/", views.version_detail, name="version"),
    path("<int:sip_id>/jamfor/", views.compare, name="compare"),
    path("<int:sip_id>/status/", views.change_status, name="status"),
    path("<int:sip_id>/utskrivning/", views.discharge, name="discharge"),
    path("<int:sip_id>/pdf", views.pdf, name="pdf"),
    path("<int:sip_id>/fhir", views.fhir, name="fhir"),
]
