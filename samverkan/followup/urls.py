from django.urls import path

from samverkan.followup import views

app_name = "followup"
urlpatterns = [
    path("", views.index, name="index"),
    path("rapport/<slug:agreement>/<int:year>/", views.yearly_report, name="report"),
    path("rapport/<slug:agreement>/<int:year>/csv", views.yearly_report_csv, name="report_csv"),
    path("rapport/<slug:agreement>/<int:year>/pdf", views.yearly_report_pdf, name="report_pdf"),
    path("simulering/", views.simulation_index, name="simulations"),
    path("simulering/regel", views.rule_detail, name="rule"),
    path("simulering/<int:pk>/", views.simulation_detail, name="simulation"),
    path("simulering/<int:pk>/csv", views.simulation_csv, name="simulation_csv"),
    path("simulering/<int:pk>/pdf", views.simulation_pdf, name="simulation_pdf"),
]
