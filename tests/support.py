"""Plain helpers shared by test modules (fixtures live in conftest.py)."""

PASSWORD = "test-pass-2026"


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
