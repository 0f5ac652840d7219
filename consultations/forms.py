"""Forms only validate; the services decide and write."""

from __future__ import annotations

from typing import cast

from django import forms

from applications.models import MatterCategory
from consultations.models import Consultation, ConsultationChannel, DocumentType, DraftedDocument
from consultations.services import normalize_phone

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["channel", "consulted_on", "category", "people", "name", "phone", "summary"]
        widgets = {"consulted_on": DATE, "summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"name": "选填。", "phone": "选填；手机号码或固定电话。", "people": "同一次咨询的人数。"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.IntegerField, self.fields["people"]).min_value = 1
        self.fields["people"].widget.attrs["min"] = 1
        self.fields["people"].error_messages["min_value"] = "人次至少为1。"

    def clean_people(self) -> int:
        people = self.cleaned_data["people"]
        if people < 1:
            raise forms.ValidationError("人次至少为1。")
        return people

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def _post_clean(self) -> None:
        pass  # the service builds and full_clean()s the row (office and recorder are its business)


class DocumentForm(forms.ModelForm):
    document_type = forms.ModelChoiceField(
        label="文书类型", queryset=DocumentType.objects.filter(is_active=True), empty_label="请选择"
    )

    class Meta:
        model = DraftedDocument
        fields = ["drafted_on", "document_type", "category", "copies", "note"]
        widgets = {"drafted_on": DATE}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["copies"].widget.attrs["min"] = 1

    def clean_copies(self) -> int:
        copies = self.cleaned_data["copies"]
        if copies < 1:
            raise forms.ValidationError("件数至少为1。")
        return copies

    def _post_clean(self) -> None:
        pass  # the service builds and full_clean()s the row


class RegisterFilterForm(forms.Form):
    """The filters of both registers (GET)."""

    start = forms.DateField(label="日期自", required=False, widget=DATE)
    end = forms.DateField(label="日期至", required=False, widget=DATE)
    category = forms.ChoiceField(label="事项类别", choices=[("", "全部"), *MatterCategory.choices], required=False)


class ConsultationFilterForm(RegisterFilterForm):
    channel = forms.ChoiceField(label="咨询方式", choices=[("", "全部"), *ConsultationChannel.choices], required=False)
    converted = forms.ChoiceField(
        label="转为申请", choices=[("", "全部"), ("yes", "已转申请"), ("no", "未转申请")], required=False
    )
