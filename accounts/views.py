from django.conf import settings
from django.contrib.auth import views as auth_views

from accounts.forms import StaffAuthenticationForm
from accounts.models import Office


class StaffLoginView(auth_views.LoginView):
    form_class = StaffAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Demo installs list their demo accounts so a visitor can try every role (SPEC §9).
        if settings.DEMO:
            context["demo_offices"] = Office.objects.all()
        return context


login_view = StaffLoginView.as_view()
