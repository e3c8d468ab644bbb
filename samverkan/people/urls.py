from django.urls import path

from samverkan.people import views, views_overview, views_protection, views_questions

app_name = "people"
urlpatterns = [
    path("", views.index, name="index"),
    path("ny/", views.create, name="create"),
    path("uppgifter/", views.tasks, name="tasks"),
    path("uppgifter/<int:task_id>/", views.task_detail, name="task"),
    path("<uuid:person_id>/", views.detail, name="detail"),
    path("<uuid:person_id>/oversikt/", views_overview.overview, name="overview"),
    path("<uuid:person_id>/identitet/", views.add_identity, name="add_identity"),
    path("<uuid:person_id>/sammanfor/", views.merge, name="merge"),
    path("<uuid:person_id>/uppgift/", views.set_fact, name="set_fact"),
    path("<uuid:person_id>/insats/ny/", views.create_intervention, name="create_intervention"),
    path(
        "<uuid:person_id>/insats/<int:intervention_id>/",
        views.intervention_detail,
        name="intervention",
    ),
    path(
        "<uuid:person_id>/insats/<int:intervention_id>/andra/",
        views.edit_intervention,
        name="edit_intervention",
    ),
    path(
        "<uuid:person_id>/insats/<int:intervention_id>/besluta/",
        views.decide,
        name="decide",
    ),
    path(
        "<uuid:person_id>/insats/<int:intervention_id>/fragor/",
        views_questions.questions,
        name="questions",
    ),
    path(
        "<uuid:person_id>/beslut/<int:decision_id>/",
        views.decision_diff,
        name="decision_diff",
    ),
    path("<uuid:person_id>/skydd/", views_protection.protection, name="protection"),
    path(
        "<uuid:person_id>/skydd/<int:protection_id>/avsluta/",
        views_protection.end_protection,
        name="end_protection",
    ),
    path(
        "<uuid:person_id>/sparr/<int:block_id>/hav/",
        views_protection.lift_block,
        name="lift_block",
    ),
    path("<uuid:person_id>/egenvard/ny/", views.create_assessment, name="create_assessment"),
    path(
        "<uuid:person_id>/egenvard/<int:assessment_id>/",
        views.assessment_detail,
        name="assessment",
    ),
]
