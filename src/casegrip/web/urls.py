from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .accounts.forms import ThrottledAuthenticationForm
from .accounts.views import home
from .admin_site import restrict_admin_to_administrators

restrict_admin_to_administrators(admin.site)

urlpatterns = [
    path("", home, name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            authentication_form=ThrottledAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("performance/", include("casegrip.web.performance.urls")),
    path("quality/", include("casegrip.web.quality.urls")),
    path("escalations/", include("casegrip.web.escalations.urls")),
    path("improvement/risks/", include("casegrip.web.improvement.risks.urls")),
    path("improvement/", include("casegrip.web.improvement.urls")),
    path("workforce/", include("casegrip.web.workforce.urls")),
    path("data/", include("casegrip.web.data.urls")),
    path("dev/", include("casegrip.web.dev.urls")),
    path("admin/", admin.site.urls),
]
