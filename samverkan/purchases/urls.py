from django.urls import path

from samverkan.purchases import views

app_name = "purchases"
urlpatterns = [
    path("", views.index, name="index"),
    path("insats/<int:record_id>/makulera/", views.withdraw, name="withdraw"),
    path("manad/", views.month_review, name="month"),
    path("manad/godkann/", views.approve, name="approve"),
    path("manad/insats/<int:record_id>/avvisa/", views.reject, name="reject"),
    path("import/", views.import_view, name="import"),
    path("import/<int:batch_id>/fel.csv", views.import_errors, name="import_errors"),
    path("fakturering/", views.invoicing, name="invoicing"),
    path("fakturor/<int:invoice_id>/", views.invoice_detail, name="invoice"),
    path("fakturor/<int:invoice_id>/kreditera/", views.credit, name="credit"),
    path("fakturor/<int:invoice_id>/personer/", views.invoice_persons, name="invoice_persons"),
    path("fakturor/<int:invoice_id>/fil/<str:kind>/", views.invoice_file, name="invoice_file"),
    path("priser/", views.prices, name="prices"),
    path("fakturamottagare/", views.buyer_list, name="buyers"),
    path("fakturamottagare/<str:scb_code>/", views.buyer_detail, name="buyer"),
]
