from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views

urlpatterns = [
    path("healthz", account_views.healthz, name="healthz"),
    path("csp-report", account_views.csp_report, name="csp_report"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("break-glass/", account_views.break_glass_page, name="break_glass"),
    path("break-glass/end/", account_views.break_glass_stop, name="break_glass_end"),
    path("notifications/<int:pk>/read/", account_views.notification_read, name="notification_read"),
    path("", include("referrals.urls")),
    path("", include("mash.urls")),
    path("", include("early_help.urls")),
    path("", include("workspace.urls")),
    path("reporting/", include("reporting.urls")),
    path("returns/", include("returns.urls")),
    path("privacy/", include("privacy.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "accounts.views.permission_denied"
handler404 = "accounts.views.page_not_found"
handler500 = "accounts.views.server_error"
