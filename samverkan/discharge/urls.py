from django.urls import path

from samverkan.discharge import views

app_name = "discharge"
urlpatterns = [
    path("", views.board, name="board"),
    path("ny/", views.admit, name="admit"),
    path("import/", views.import_file, name="import"),
    path("villkor/", views.terms, name="terms"),
    path("betalning/", views.payments, name="payments"),
    path("villkor/<int:version_id>/bekrafta/", views.confirm_terms, name="confirm_terms"),
    path("<int:stay_id>/", views.detail, name="detail"),
    path("<int:stay_id>/betalning/", views.payment, name="payment"),
    path("<int:stay_id>/betalning/bestrid/", views.payment_dispute, name="payment_dispute"),
    path("<int:stay_id>/<str:step>/", views.step, name="step"),
]
