from django.urls import path

from portal import (
    consent_views,
    exchange_views,
    notification_views,
    password_reset_views,
    payment_views,
    statement_views,
    views,
)

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("session/status/", views.session_status, name="session_status"),
    path("session/keep-alive/", views.session_keep_alive, name="session_keep_alive"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("staff/", views.staff_home, name="staff_home"),
    path("bank-accounts/<int:bank_account_id>/", statement_views.statement, name="statement"),
    path("bank-accounts/<int:bank_account_id>/statement.csv", statement_views.statement_csv, name="statement_csv"),
    path("bank-accounts/<int:bank_account_id>/statement.pdf", statement_views.statement_pdf, name="statement_pdf"),
    path("bank-accounts/<int:bank_account_id>/name/", statement_views.rename, name="bank_account_rename"),
    path("payments/new/", payment_views.payment_new, name="payment_new"),
    path("payments/<int:transfer_id>/", payment_views.payment_receipt, name="payment_receipt"),
    path("messages/<int:message_id>/", views.message_detail, name="message_detail"),
    path("reviews/", views.reviews, name="reviews"),
]

# Currency exchange between the customer's own accounts (issue 15, item 4).

urlpatterns += [
    path("exchange/", exchange_views.exchange_new, name="exchange_new"),
    path("exchange/confirm/", exchange_views.exchange_confirm, name="exchange_confirm"),
    path("exchange/<int:exchange_id>/", exchange_views.exchange_done, name="exchange_done"),
]

# Consent to the bank's advertising (issue 19, item 3).

urlpatterns += [path("consent/", consent_views.consent, name="consent")]

# Payments in two steps with one-time codes, by phone, and templates (issue 15, items 1-3).

urlpatterns += [
    path("payments/confirm/", payment_views.payment_confirm, name="payment_confirm"),
    path("payments/code/<int:challenge_id>/", payment_views.payment_code, name="payment_code"),
    path("payments/code/<int:challenge_id>/resend/", payment_views.payment_code_resend, name="payment_code_resend"),
    path("payments/<int:transfer_id>/template/", payment_views.payment_template_save, name="payment_template_save"),
    path(
        "payments/templates/<int:template_id>/delete/",
        payment_views.payment_template_delete,
        name="payment_template_delete",
    ),
]

# E-mail notifications and password reset by e-mail (issue 13, items 4 and 5).

urlpatterns += [
    path("notifications/", notification_views.notification_settings_page, name="notifications"),
    path("password/reset/", password_reset_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", password_reset_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        password_reset_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        password_reset_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
