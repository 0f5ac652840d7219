from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "法律咨询与代拟文书"

    def ready(self) -> None:
        # 转为申请: the walk-in form announces each application it registers; a consultation that
        # started it is linked in the same transaction (consultations.services.link_application).
        from applications.signals import application_submitted
        from consultations.services import link_converted_application

        application_submitted.connect(link_converted_application, dispatch_uid="consultations.link_application")
