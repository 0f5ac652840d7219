"""Forms only validate; saving goes through `applications.services`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from accounts.models import Office
from applications.identity import normalize_mobile, parse_id_number
from applications.models import (
    ADULT_AGE,
    BASIS_ARTICLE,
    AgentRelation,
    Application,
    EconomicBasis,
    ExemptionGround,
    KnownAuthority,
    Location,
    MaterialKind,
    MatterCategory,
    ObjectionOutcome,
    SpecialGroup,
    UrgentGround,
)
from core.forms import NamedRequiredMixin, SubmissionTokenMixin
from core.uploads import MaterialFileField, MultipleMaterialFileField, UploadLimitsMixin, size_label

# Near relatives in civil law (民法典 第一千零四十五条) who are not near relatives in criminal procedure.
CIVIL_ONLY_RELATIVES = {AgentRelation.GRANDPARENT, AgentRelation.GRANDCHILD}
# A minor's parents are the minor's guardians (民法典 第二十七条), so they apply as 法定代理人 do.
MINORS_GUARDIANS = {AgentRelation.GUARDIAN, AgentRelation.PARENT}

UPLOAD_HELP = (
    f"PDF、JPG 或 PNG 文件，可多选，每个不超过 {size_label(settings.LEGALAID_UPLOAD_MAX_BYTES)}；"
    f"一次最多 {settings.LEGALAID_UPLOAD_MAX_FILES} 个，合计不超过 {size_label(settings.LEGALAID_UPLOAD_MAX_REQUEST_BYTES)}。"
)


class GroundChoiceField(forms.ModelChoiceField):
    """The grounds cited as the statute numbers them: 「第三十二条第三项：再审改判无罪请求国家赔偿」."""

    def label_from_instance(self, obj: ExemptionGround) -> str:
        return f"{obj.citation}：{obj.name}"


# ID numbers: no inputmode="numeric" — one in eleven ends in X, which a phone's number pad cannot type.
ID_NUMBER_ATTRS = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "maxlength": "20"}


class ApplicationForm(NamedRequiredMixin, UploadLimitsMixin, SubmissionTokenMixin, forms.ModelForm):
    """The §3 application form, shared by the online form and the clerk's walk-in form. Its token
    makes a second post of the same page land on the application the first one created."""

    id_number = forms.CharField(
        label="身份证号",
        max_length=20,
        widget=forms.TextInput(attrs=ID_NUMBER_ATTRS),
        help_text="18位居民身份证号码，最后一位可能是X（大小写都可以）。系统会核对最后一位校验码："
        "号码中任何一位输错都会提示，请对照身份证逐位核对。出生日期和性别从号码中读取，不用另填。",
    )
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel-national"}),
        help_text="11位手机号码，办理进展会以短信告知。",
    )
    residence = forms.ChoiceField(
        label="经常居住地",
        choices=[
            ("", "请选择"),
            *[(loc.value, loc.label) for loc in Location if loc not in (Location.CITY_LEVEL, Location.UNKNOWN)],
        ],
        help_text="您现在长期居住的地方：离开户籍地后连续住满一年的地方；一直住在户籍地的，就选户籍地。"
        "不清楚由哪个办案机关处理时，由这里的法律援助机构办理。",
    )
    authority_location = forms.ChoiceField(
        label="办案机关或争议处理机关所在地",
        choices=[(loc.value, loc.label) for loc in Location],
        initial=Location.UNKNOWN,
        help_text="打官司的，选法院、检察院或公安局所在的县（市、区）；不打官司的（如劳动仲裁、调解），"
        "选仲裁委、调解组织所在地或事情发生的地方。不清楚就选“不清楚”。",
    )
    economic_basis = forms.ChoiceField(label="经济状况", choices=EconomicBasis.choices, widget=forms.RadioSelect)
    integrity_pledge = forms.BooleanField(
        label="个人诚信承诺：本人承诺所述经济困难状况真实，如有虚假愿承担法律责任", required=False
    )
    exemption_ground = GroundChoiceField(
        label="不受经济困难条件限制或免予核查的情形",
        queryset=ExemptionGround.objects.filter(is_active=True).order_by("article", "item", "sort_order"),
        required=False,
        empty_label="请选择（经济困难的无需选择）",
        help_text="第三十二条的情形不受经济困难条件限制；第四十二条的情形免予核查经济困难状况。"
        "证明材料暂未上传的，审查时将一次性告知补正。",
    )
    special_groups = forms.ModelMultipleChoiceField(
        label="特殊群体",
        queryset=SpecialGroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    agent_relation = forms.ChoiceField(
        label="与申请人关系", choices=[("", "请选择"), *AgentRelation.choices], required=False
    )
    agent_id_number = forms.CharField(
        label="代理人身份证号", max_length=20, required=False, widget=forms.TextInput(attrs=ID_NUMBER_ATTRS)
    )
    identity_files = MultipleMaterialFileField(label="身份证明", required=False, help_text=UPLOAD_HELP)
    economic_files = MultipleMaterialFileField(
        label="经济困难状况说明，或所选情形的证明材料", required=False, help_text=UPLOAD_HELP
    )
    matter_files = MultipleMaterialFileField(label="与事项有关的材料", required=False, help_text=UPLOAD_HELP)
    agent_files = MultipleMaterialFileField(
        label="代理人身份及代理关系证明", required=False, help_text="代为申请时必须上传。" + UPLOAD_HELP
    )

    class Meta:
        model = Application
        fields = [
            "applicant_name",
            "id_number",
            "phone",
            "household_address",
            "residence",
            "category",
            "summary",
            "offence_date",
            "opponent",
            "authority_name",
            "authority_location",
            "economic_basis",
            "integrity_pledge",
            "exemption_ground",
            "legal_basis",
            "special_groups",
            "agent_name",
            "agent_relation",
            "agent_id_number",
            "agent_guardian_infringes",
        ]
        labels = {"agent_name": "代理人姓名"}
        widgets = {
            "applicant_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "household_address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "offence_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "category": forms.Select,
            "authority_name": forms.TextInput(attrs={"list": "known-authorities", "autocomplete": "off"}),
            "agent_name": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    required_messages = {
        "id_number": "请填写身份证号码。",
        "phone": "请填写联系电话（11位手机号码）。",
        "summary": "请简要写明需要法律援助的事情（案情摘要）。",
        "economic_basis": "请选择经济状况：经济困难、免予核查或不受经济困难条件限制。",
        "authority_location": "请选择办案机关或争议处理机关所在地，不清楚就选“不清楚”。",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        category = cast(forms.ChoiceField, self.fields["category"])
        category.choices = [("", "请选择"), *MatterCategory.choices]
        self.fields["authority_name"].help_text = (
            "正在处理您这件事的单位：打官司的填法院；刑事案件填公安局、检察院或法院；劳动争议填劳动人事争议"
            "仲裁委员会。如：罗定市人民法院、云浮市劳动人事争议仲裁委员会。不清楚可不填。"
        )
        self.known_authorities = KnownAuthority.objects.all()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "submission_token",
            Fieldset("申请人", "applicant_name", "id_number", "phone", "household_address", "residence"),
            Fieldset(
                "申请事项",
                "category",
                "summary",
                "offence_date",
                "opponent",
                "authority_name",
                "authority_location",
            ),
            Fieldset(
                "经济状况",
                "economic_basis",
                "integrity_pledge",
                "exemption_ground",
                "legal_basis",
                "special_groups",
            ),
            Fieldset(
                "代为申请（申请人未满18周岁的，由法定代理人或近亲属代为申请）",
                "agent_name",
                "agent_relation",
                "agent_id_number",
                "agent_guardian_infringes",
            ),
            Fieldset("申请材料", "identity_files", "economic_files", "matter_files", "agent_files"),
        )

    def validate_constraints(self) -> None:
        """Not asked of the database again: of the table's check constraints, the two that concern
        this form's fields are judged above, each with a message by its field — the category by its
        choices, the economic basis with its pledge or ground by `clean` — and the insert enforces all
        of them. Asking each of them again costs a query apiece on every submission (issue 14)."""

    def clean_id_number(self) -> str:
        id_card = parse_id_number(self.cleaned_data["id_number"], today=timezone.localdate())
        self.id_card = id_card
        return id_card.value

    def clean_phone(self) -> str:
        return normalize_mobile(self.cleaned_data["phone"])

    def clean_agent_id_number(self) -> str:
        raw = self.cleaned_data.get("agent_id_number", "")
        return parse_id_number(raw, today=timezone.localdate()).value if raw.strip() else ""

    def clean(self) -> dict:
        data = super().clean()
        errors: dict[str, str] = {}
        if data.get("economic_basis") == EconomicBasis.HARDSHIP and not data.get("integrity_pledge"):
            errors["integrity_pledge"] = "申请人经济困难的，须签署个人诚信承诺。"
        # The ground's fit with the basis and the matter, and the 其他 items' legal basis, are the
        # model's rules (Application.clean). A missing proof is not refused: it is a 补正 item.
        if data.get("economic_basis") == EconomicBasis.HARDSHIP:
            data["exemption_ground"], data["legal_basis"] = None, ""
        if data.get("economic_basis") in BASIS_ARTICLE and not data.get("exemption_ground"):
            errors["exemption_ground"] = f"请选择{EconomicBasis(data['economic_basis']).label}的具体情形。"
        id_card = getattr(self, "id_card", None)
        agent_given = any(data.get(f) for f in ("agent_name", "agent_relation", "agent_id_number"))
        is_minor = id_card is not None and id_card.age_on(timezone.localdate()) < ADULT_AGE
        if is_minor or agent_given:
            prefix = "申请人未满18周岁，须由法定代理人或近亲属代为申请：" if is_minor else ""
            if not data.get("agent_name"):
                errors["agent_name"] = prefix + "请填写代理人姓名。"
            if not data.get("agent_relation"):
                errors["agent_relation"] = prefix + "请选择与申请人的关系。"
            if not data.get("agent_id_number") and "agent_id_number" not in self.errors:
                errors["agent_id_number"] = prefix + "请填写代理人身份证号。"
            if not data.get("agent_files") and self.requires_proof_upload:
                errors["agent_files"] = prefix + "请上传代理人身份及代理关系证明。"
        if (
            data.get("category") == MatterCategory.CRIMINAL
            and data.get("agent_relation") in CIVIL_ONLY_RELATIVES
            and "agent_relation" not in errors
        ):
            errors["agent_relation"] = (
                "刑事案件的近亲属仅限夫、妻、父、母、子、女、同胞兄弟姊妹（刑事诉讼法第一百零八条）。"
            )
        # The agent's age (an adult) is the model's rule: Application.clean.
        errors.update(self._article_40_errors(data, is_minor=is_minor, errors=errors))
        for field, message in errors.items():
            self.add_error(field, message)
        return data

    @staticmethod
    def _article_40_errors(data: dict, *, is_minor: bool, errors: dict[str, str]) -> dict[str, str]:
        """法律援助法 第四十条: a minor's matter is applied for by the 法定代理人 (a parent is one);
        another near relative only when the 法定代理人 infringes the minor's rights. Criminal matters follow 刑事诉讼法 第一百零八条
        (any near relative), so the rule is for the other matters."""
        relation = data.get("agent_relation")
        infringes = data.get("agent_guardian_infringes")
        if not is_minor or data.get("category") == MatterCategory.CRIMINAL or not relation:
            if infringes and not is_minor:
                return {"agent_guardian_infringes": "仅在申请人未满18周岁、由其他近亲属代为申请时勾选。"}
            return {}
        if "agent_relation" in errors:
            return {}
        if relation not in MINORS_GUARDIANS and not infringes:
            return {
                "agent_guardian_infringes": "未成年人的法律援助申请由其法定代理人代为提出；法定代理人侵害其合法权益的，"
                "其他近亲属方可代为申请（法律援助法第四十条）。近亲属代为申请的，请确认并勾选此项。"
            }
        return {}

    # Online applicants must upload proof; a clerk at the window sees the papers and may record
    # them as missing instead (and send the one-time 补正 notice).
    requires_proof_upload = True

    def service_data(self) -> dict:
        """The model fields for `services.submit_application` (birth date and sex from the ID)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["submission_token"] = self.cleaned_data["submission_token"]
        data["birth_date"] = self.id_card.birth_date
        data["sex"] = self.id_card.sex
        return data

    def uploads(self) -> dict[str, list[UploadedFile[bytes]]]:
        return {
            MaterialKind.IDENTITY: self.cleaned_data.get("identity_files") or [],
            MaterialKind.ECONOMIC: self.cleaned_data.get("economic_files") or [],
            MaterialKind.MATTER: self.cleaned_data.get("matter_files") or [],
            MaterialKind.AGENT: self.cleaned_data.get("agent_files") or [],
        }


class WalkInApplicationForm(ApplicationForm):
    """The clerk's form: same fields; the 受理点 is the clerk's office; duplicates need a reason (the
    view looks them up: the lookup is rate-limited and audited, SPEC §3 duplicate guard)."""

    requires_proof_upload = False
    duplicate_reason = forms.CharField(
        label="重复申请说明",
        required=False,
        max_length=200,
        help_text="同一申请人已有同类未办结申请时，须写明再次登记的理由。",
    )

    def __init__(self, *args, receiving_office: Office, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.receiving_office = receiving_office
        # The clerk types other people's details: the browser must not offer the clerk's own.
        for name in ("applicant_name", "phone", "household_address"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        # 受理点 is named once, in the page's heading (walk_in.html).
        self.helper.layout.append(Fieldset("重复申请", "duplicate_reason"))

    def service_data(self) -> dict:
        data = super().service_data()
        data["duplicate_reason"] = self.cleaned_data.get("duplicate_reason", "").strip()
        return data


class TrackForm(NamedRequiredMixin, forms.Form):
    number = forms.CharField(
        label="申请编号",
        max_length=20,
        help_text="如 YF-2026-000123，在提交申请后的页面和短信里。",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    id_last6 = forms.CharField(
        label="身份证号后六位",
        min_length=6,
        max_length=6,
        help_text="最后一位是X的，输入X。",
        error_messages={"min_length": "请输入身份证号的最后6位。"},
        widget=forms.TextInput(attrs=ID_NUMBER_ATTRS | {"maxlength": "6"}),
    )

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()

    def clean_id_last6(self) -> str:
        return self.cleaned_data["id_last6"].strip().upper()


class SupplementUploadForm(NamedRequiredMixin, UploadLimitsMixin, forms.Form):
    """A 补正 reply. With the notice's `items`, one upload field for each, so whoever hands in a file
    says which missing item it is for (the page then lists the item as received); `files` takes what
    belongs to none. At least one file in all."""

    files = MultipleMaterialFileField(label="补正材料", help_text=UPLOAD_HELP)  # type: ignore[assignment]  # the posted field is named files; Django keeps fields apart from BaseForm.files
    other_files_label = "其他材料（不属于以上各项的）"

    def __init__(self, *args: Any, items: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        if not self.items:
            return
        others = self.fields.pop("files")
        for index, item in enumerate(self.items):
            self.fields[f"item_{index}"] = MultipleMaterialFileField(
                label=item,
                required=False,
                help_text="补正这一项的文件，可多选。",
            )
        others.required = False
        others.label = self.other_files_label
        self.fields["files"] = others

    def clean(self) -> dict:
        data = super().clean()
        by_item = {item: data.get(f"item_{index}") or [] for index, item in enumerate(self.items)}
        data["by_item"] = {item: files for item, files in by_item.items() if files}
        if self.items and not self.errors and not data["by_item"] and not data.get("files"):
            self.add_error("item_0", "请至少为一项需补正的材料选择文件。")
        return data


class SupplementDropForm(SupplementUploadForm, TrackForm):
    """At any office's window: the applicant brings the missing papers (市域通办). First the number and
    the ID tail find the application; then the page asks for the files item by item."""

    files = MultipleMaterialFileField(label="补正材料（扫描件或照片）", help_text=UPLOAD_HELP, required=False)  # type: ignore[assignment]  # the posted field is named files; Django keeps fields apart from BaseForm.files
    other_files_label = "其他材料（扫描件或照片，不属于以上各项的）"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.items:
            # The upload fields belong to the application found: its number and ID tail ride along.
            self.fields["number"].widget = forms.HiddenInput()
            self.fields["id_last6"].widget = forms.HiddenInput()


class SupplementRequestForm(forms.Form):
    items = forms.MultipleChoiceField(
        label="需补正的材料", required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )
    other_items = forms.CharField(
        label="其他需补正的材料", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="每行一项。"
    )
    note = forms.CharField(label="补充说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, suggested: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["items"]).choices = [(item, item) for item in suggested]
        self.fields["items"].initial = suggested

    def all_items(self) -> list[str]:
        return [*self.cleaned_data["items"], *self.cleaned_data["other_items"].splitlines()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("items") and not data.get("other_items", "").strip():
            raise ValidationError("请至少列明一项需要补正的材料。")
        return data


class RefuseForm(forms.Form):
    reason = forms.CharField(label="不予法律援助的理由", widget=forms.Textarea(attrs={"rows": 4}))


class SupplementConfirmForm(forms.Form):
    """补正材料齐全: nothing to fill in; the day of the check restarts the clock."""


class SupplementRejectForm(forms.Form):
    reason = forms.CharField(label="补正材料不符合要求之处", widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回原因", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RerouteForm(forms.Form):
    to_office = forms.ModelChoiceField(label="新的承办机构", queryset=Office.objects.all(), empty_label="请选择")
    reason = forms.CharField(label="变更理由", widget=forms.Textarea(attrs={"rows": 2}))


class UrgentForm(forms.Form):
    ground = forms.ChoiceField(label="先行提供的情形", choices=UrgentGround.choices, widget=forms.RadioSelect)


class TransferOutForm(forms.Form):
    destination = forms.CharField(label="转交的市外法律援助机构", max_length=150)


class ObjectionForm(forms.Form):
    received_on = forms.DateField(
        label="收到异议日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reasons = forms.CharField(label="异议理由", widget=forms.Textarea(attrs={"rows": 3}))


class ObjectionDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="司法局审查结果",
        choices=[
            (ObjectionOutcome.UPHELD, ObjectionOutcome.UPHELD.label),
            (ObjectionOutcome.CORRECTED, ObjectionOutcome.CORRECTED.label),
        ],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label="决定日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label="决定说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    document = MaterialFileField(label="司法局决定书", help_text="异议审查决定书的扫描件（PDF、JPG 或 PNG）。")


class QueueFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, help_text="姓名、申请编号或身份证号后六位")
    status = forms.ChoiceField(label="状态", required=False)
    sent = forms.BooleanField(label="本机构受理、其他机构承办的申请", required=False)
