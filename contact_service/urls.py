from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import security_views, session_views
from accounts import views as account_views

urlpatterns = [
    path("healthz", account_views.healthz, name="healthz"),
    path("csp-report", account_views.csp_report, name="csp_report"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Two-factor sign-in, account security and passwords (accounts.security_views).
    path("accounts/two-factor/", security_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/set-up/", security_views.two_factor_enrol, name="two_factor_enrol"),
    path(
        "accounts/two-factor/backup-codes/",
        security_views.two_factor_backup_codes,
        name="two_factor_backup_codes",
    ),
    path(
        "accounts/two-factor/backup-codes/new/",
        security_views.two_factor_backup_codes_regenerate,
        name="two_factor_backup_codes_regenerate",
    ),
    path("accounts/security/", security_views.account_security, name="account_security"),
    path("accounts/password/", security_views.password_change, name="password_change"),
    path("accounts/password/reset/", security_views.password_reset, name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        security_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        security_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/users/two-factor/", security_views.two_factor_users, name="two_factor_users"),
    path(
        "accounts/users/<int:pk>/two-factor/reset/",
        security_views.two_factor_reset,
        name="two_factor_reset",
    ),
    path("accounts/session/", session_views.session_status, name="session_status"),
    path(
        "accounts/session/keep-alive/",
        session_views.session_keep_alive,
        name="session_keep_alive",
    ),
    path("accounts/sessions/", session_views.session_list, name="session_list"),
    path("accounts/sessions/<int:pk>/end/", session_views.session_end, name="session_end"),
    path(
        "accounts/sessions/end-others/",
        session_views.sessions_end_others,
        name="sessions_end_others",
    ),
    path("accounts/lockouts/", session_views.lockout_list, name="lockout_list"),
    path(
        "accounts/lockouts/account/<int:pk>/",
        session_views.lockout_unlock_account,
        name="lockout_unlock_account",
    ),
    path(
        "accounts/lockouts/address/<str:address>/",
        session_views.lockout_unlock_address,
        name="lockout_unlock_address",
    ),
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
