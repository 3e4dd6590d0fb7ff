from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from followup.web import errors

admin.site.site_header = "Followup administration"
admin.site.site_title = "Followup administration"
# The admin signs in through the same door as everyone else: the throttle, the second factor.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # allauth wraps the admin view

urlpatterns = [
    path("", include("followup.front.urls")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("followup.accounts.urls")),
    path("", include("followup.inspections.urls")),
    path("", include("followup.plans.urls")),
    path("", include("followup.reviews.urls")),
    path("", include("followup.indicators.urls")),
    path("", include("followup.evidence.urls")),
    path("", include("followup.records.urls")),
    path("", include("followup.reports.urls")),
    path("", include("followup.jobs.urls")),
    path("", include("followup.accounts.manage_urls")),
    path("", include("followup.accounts.member_urls")),
    path("", include("followup.mail.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("followup.api.urls")),
]

handler400 = errors.bad_request
handler403 = errors.forbidden
handler404 = errors.not_found
handler500 = errors.server_error
