from django.contrib import admin
from django.urls import include, path

from followup.core import views as core_views

admin.site.site_header = "Followup administration"
admin.site.site_title = "Followup administration"

urlpatterns = [
    path("", include("followup.core.urls")),
    path("", include("followup.accounts.urls")),
    path("", include("followup.partnerships.urls")),
    path("", include("followup.inspections.urls")),
    path("", include("followup.plans.urls")),
    path("", include("followup.reviews.urls")),
    path("", include("followup.indicators.urls")),
    path("", include("followup.evidence.urls")),
    path("", include("followup.reports.urls")),
    path("admin/", admin.site.urls),
]

handler400 = core_views.bad_request
handler403 = core_views.forbidden
handler404 = core_views.not_found
handler500 = core_views.server_error
