from django.contrib import admin
from django.urls import include, path

from followup.web import errors

admin.site.site_header = "Followup administration"
admin.site.site_title = "Followup administration"

urlpatterns = [
    path("", include("followup.front.urls")),
    path("", include("followup.accounts.urls")),
    path("", include("followup.inspections.urls")),
    path("", include("followup.plans.urls")),
    path("", include("followup.reviews.urls")),
    path("", include("followup.indicators.urls")),
    path("", include("followup.evidence.urls")),
    path("", include("followup.reports.urls")),
    path("admin/", admin.site.urls),
]

handler400 = errors.bad_request
handler403 = errors.forbidden
handler404 = errors.not_found
handler500 = errors.server_error
