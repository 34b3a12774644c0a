"""Accounts (Django's auth views with the site's templates, sign-up, invitations), saved searches and their
API. The auth views keep the names of `django.contrib.auth.urls`, so `LOGIN_URL = "login"` and Django's
password-reset emails find them."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

FORM = "accounts/form.html"
MESSAGE = "accounts/message.html"

urlpatterns = [
    path("accounts/", views.account, name="account"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/activate/<uidb64>/<token>/", views.activate, name="account_activate"),
    path("accounts/invite/", views.invite, name="invite"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(
            template_name=FORM, extra_context={"title": "Change your password", "submit": "Change it"}
        ),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name=MESSAGE,
            extra_context={"title": "Password changed", "text": "Your new password works from now on."},
        ),
        name="password_change_done",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            template_name=FORM,
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("password_reset_done"),
            extra_context={
                "title": "Forgot your password?",
                "submit": "Send me a link",
                "intro": "Give your account's email address; we send a link to choose a new password.",
            },
        ),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(
            template_name=MESSAGE,
            extra_context={
                "title": "Check your email",
                "text": "If an account has that address, a link to choose a new password is on its way.",
            },
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name=FORM,
            extra_context={
                "title": "Choose your password",
                "submit": "Save the password",
                "invalid": "This link is wrong, has expired, or was used already.",
            },
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name=MESSAGE,
            extra_context={"title": "Password saved", "text": "Log in with it now.", "login_link": True},
        ),
        name="password_reset_complete",
    ),
    path("saved/", views.saved_list, name="saved"),
    path("saved/<int:pk>/", views.saved_open, name="saved_open"),
    path("saved/<int:pk>/change", views.saved_change, name="saved_change"),
    path("saved/<int:pk>/delete", views.saved_delete, name="saved_delete"),
    path("api/saved", views.api_saved, name="api_saved"),
    path("api/saved/<int:pk>", views.api_saved_item, name="api_saved_item"),
]
