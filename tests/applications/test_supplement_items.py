"""The missing-materials list and the 补正 reply item by item (issue 13 §3): a 个人诚信承诺 signed in
the form is not missing; whoever hands in a 补正 file says which item it answers, and the pages then
show that item received."""

from accounts.models import Role
from applications import services
from applications.models import EconomicBasis, ExemptionGround, MaterialKind, Status
from tests.applications.factories import pdf, submit

IDENTITY = "申请人身份证明（居民身份证或户口簿）"
ECONOMIC = "经济困难状况说明表或个人诚信承诺书；免予核查的，提供相应证明"
MATTER = "与所申请法律援助事项有关的材料（如起诉状、判决书、劳动合同、工资欠条、病历等）"


def test_a_pledge_signed_online_is_not_missing(db):
    application = submit()  # 经济困难, the pledge ticked, nothing uploaded
    assert application.missing_kinds() == [IDENTITY, MATTER]


def test_an_exemption_still_needs_its_proof(db):
    # A 第四十二条 ground for 免予核查 (a 第三十二条 one would be 不受经济困难条件限制); the missing proof is
    # named by the ground, and a file handed in for it files as the economic material.
    ground = ExemptionGround.objects.filter(is_active=True, article=42).first()
    application = submit(economic_basis=EconomicBasis.EXEMPT, integrity_pledge=False, exemption_ground=ground)
    proof = f"“{ground.name}”的证明材料（法律援助法{ground.citation}）"
    assert proof in application.missing_kinds()
    assert application.kind_for_item(proof) == application.kind_for_item(ECONOMIC) == MaterialKind.ECONOMIC


def notice(application, personas, items):
    services.request_supplement(application, items=items, note="", by=personas[(Role.CLERK, "luoding")])


def test_the_citizen_puts_each_file_under_its_item_on_track(client, personas):
    application = submit()
    notice(application, personas, [IDENTITY, "工资欠条原件"])
    client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    page = client.get("/track/status/").content.decode()
    assert 'for="id_item_0"' in page and 'for="id_item_1"' in page

    response = client.post("/track/supplement/", {"item_1": [pdf("欠条.pdf")]})
    assert response.status_code == 302
    assert application.supplement_requests.get().replied_on is not None  # the office checks it next
    material = application.materials.get()
    assert (material.supplement_item, material.kind) == ("工资欠条原件", MaterialKind.SUPPLEMENT)
    page = client.get("/track/status/").content.decode()
    assert '工资欠条原件：<span class="text-success">已收到</span>' in page
    assert f'{IDENTITY}：<span class="text-danger">未收到</span>' in page


def test_a_checklist_item_handed_in_leaves_the_missing_list(client, personas):
    application = submit()
    notice(application, personas, [IDENTITY, MATTER])
    client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    client.post("/track/supplement/", {"item_0": [pdf("身份证.pdf")], "files": [pdf("其他.pdf")]})
    assert application.missing_kinds() == [MATTER]
    kinds = sorted(application.materials.values_list("kind", "supplement_item"))
    assert kinds == [(MaterialKind.IDENTITY, IDENTITY), (MaterialKind.SUPPLEMENT, "")]
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    page = client.get(f"/staff/applications/{application.pk}/").content.decode()
    assert f"{IDENTITY}（已收到）" in page
    assert "尚缺：与所申请法律援助事项有关的材料" in page


def test_a_reply_with_no_file_at_all_is_refused_by_the_items(client, personas):
    application = submit()
    notice(application, personas, ["工资欠条原件"])
    client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    response = client.post("/track/supplement/", {"item_0": ""})
    assert response.status_code == 400
    assert response.context["upload_form"].errors["item_0"] == ["请至少为一项需补正的材料选择文件。"]
    application.refresh_from_db()
    assert application.status == Status.AWAITING_SUPPLEMENT


def test_the_clerk_finds_the_application_then_files_each_item(client, personas):
    application = submit()
    notice(application, personas, [IDENTITY, "工资欠条原件"])
    clerk = personas[(Role.CLERK, "xinxing")]
    client.force_login(clerk)
    lookup = {"number": application.number, "id_last6": application.id_number[-6:]}
    page = client.post("/staff/applications/supplement-drop/", lookup).content.decode()
    assert 'data-testid="drop-found"' in page
    assert "工资欠条原件" in page and 'name="item_1"' in page
    application.refresh_from_db()
    assert application.status == Status.AWAITING_SUPPLEMENT  # nothing taken in yet

    response = client.post("/staff/applications/supplement-drop/", {**lookup, "item_0": [pdf("身份证.pdf")]})
    assert response.status_code == 302
    material = application.materials.get()
    assert (material.supplement_item, material.kind, material.uploaded_by) == (IDENTITY, MaterialKind.IDENTITY, clerk)
    assert application.supplement_requests.get().item_states() == [(IDENTITY, True), ("工资欠条原件", False)]


def test_the_window_on_the_application_page_files_each_item(client, personas):
    application = submit()
    notice(application, personas, ["工资欠条原件"])
    client.force_login(personas[(Role.CLERK, "luoding")])
    page = client.get(f"/staff/applications/{application.pk}/").content.decode()
    assert 'id="receive_form_item_0"' in page
    response = client.post(f"/staff/applications/{application.pk}/supplement/receive/", {"item_0": [pdf("欠条.pdf")]})
    assert response.status_code == 302
    assert application.materials.get().supplement_item == "工资欠条原件"
