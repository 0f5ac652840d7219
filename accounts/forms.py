from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm


class StaffAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "用户名或密码不正确。在同一地址连续输错 {limit} 次，账户将被锁定 30 分钟。",
        "inactive": "该账户已停用，请联系系统管理员。",
    }

    username = forms.CharField(label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "invalid_login": self.error_messages["invalid_login"].format(limit=settings.AXES_FAILURE_LIMIT),
        }


class TokenForm(forms.Form):
    """The six-digit code of the authenticator app, or (at sign-in) a recovery code."""

    token = forms.CharField(
        label="验证码",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": "请输入验证码。"},
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split()).lower()
