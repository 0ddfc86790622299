"""«Сотрудники ведомства» (REG-5, OFF-1): only an agency's administrator manages its
staff; another agency's officers are not found; create and deactivate need re-auth."""

import pytest

from gosportal.catalog import services
from gosportal.catalog.models import Officer
from tests.accounts.test_mfa import sms_code
from tests.catalog.conftest import link_token
from tests.conftest import sign_in_as
from tests.factories import OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    """The administrator of an active agency (OFF-1)."""
    return OfficerFactory(role="administrator").user


@pytest.fixture
def officer_data():
    return {
        "last_name": "Соколова",
        "first_name": "Мария",
        "middle_name": "Игоревна",
        "phone": "+7 910 555-12-34",
        "email": "m.sokolova@tula.example.ru",
        "service_id": "тул-000123",
        "staff_number": "00123",
        "position": "Ведущий специалист",
        "role": "officer",
    }


@pytest.fixture
def invited(admin, officer_data, mailoutbox, django_capture_on_commit_callbacks):
    """A new officer created by the administrator, and the token of their link."""
    with django_capture_on_commit_callbacks(execute=True):
        officer = services.create_civil_servant(admin=admin, **officer_data)
    return officer, link_token(mailoutbox)


@pytest.fixture
def staff(admin):
    """An officer of the administrator's agency, and one of another agency."""
    return OfficerFactory(agency=admin.officer.agency), OfficerFactory()


def _user(who, admin):
    if who == "citizen":
        return UserFactory()
    if who == "other_agency_admin":
        return OfficerFactory(role="administrator").user
    return OfficerFactory(agency=admin.officer.agency, role=who).user


ROUTES = [
    ("get", "/desk/staff/"),
    ("get", "/desk/staff/new/"),
    ("get", "/desk/staff/{pk}/"),
    ("post", "/desk/staff/{pk}/deactivate/"),
    ("post", "/desk/staff/{pk}/invite/"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, staff, method, path):
    ours, _theirs = staff
    response = getattr(client, method)(path.format(pk=ours.pk))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("who", ["citizen", "officer", "head", "appeal_officer"])
def test_only_administrators_may_open_staff_pages(client, admin, staff, who, method, path):
    ours, _theirs = staff
    sign_in_as(client, _user(who, admin))
    assert getattr(client, method)(path.format(pk=ours.pk)).status_code == 403
    ours.refresh_from_db()
    assert ours.is_active


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if "{pk}" in r[1]])
def test_another_agencys_officer_is_not_found(client, admin, staff, method, path):
    _ours, theirs = staff
    sign_in_as(client, admin)
    assert getattr(client, method)(path.format(pk=theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_the_list_shows_only_the_administrators_agency(client, admin, staff):
    ours, theirs = staff
    sign_in_as(client, admin)
    page = client.get("/desk/staff/").content.decode()
    assert f"/desk/staff/{ours.pk}/" in page
    assert f"/desk/staff/{theirs.pk}/" not in page
    assert theirs.staff_number not in page or theirs.staff_number == ours.staff_number


def test_the_list_pages_by_keyset(client, admin, monkeypatch):
    from gosportal.backoffice import staff_views

    monkeypatch.setattr(staff_views, "PAGE_SIZE", 1)
    second = OfficerFactory(agency=admin.officer.agency)
    sign_in_as(client, admin)
    first_page = client.get("/desk/staff/").content.decode()
    assert f"?after={admin.officer.pk}" in first_page
    assert (
        f"/desk/staff/{second.pk}/"
        in client.get(f"/desk/staff/?after={admin.officer.pk}").content.decode()
    )


def test_creating_an_officer_needs_a_recent_re_authentication(client, admin):
    sign_in_as(client, admin, reauthenticated=False)
    response = client.get("/desk/staff/new/")
    assert response.status_code == 302 and response.url.startswith("/accounts/confirm/")


def test_the_administrator_adds_an_officer_who_gets_the_link(
    client, admin, officer_data, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in_as(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/desk/staff/new/", officer_data)
    officer = Officer.objects.get(agency=admin.officer.agency, staff_number="00123")
    assert response.status_code == 302 and response.url == f"/desk/staff/{officer.pk}/"
    page = client.get(response.url).content.decode()
    assert "Соколова Мария Игоревна" in page and "Ждёт активации" in page
    assert link_token(mailoutbox)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("last_name", "", "Укажите фамилию."),
        ("last_name", "Sokolova!", "допускаются только буквы"),
        ("phone", "12345", "Укажите российский номер"),
        ("email", "nobody", "Электронная почта указана неверно"),
        ("service_id", "!", "Номер служебного удостоверения"),
        ("staff_number", "", "Укажите табельный номер."),
        ("role", "boss", "Выберите роль из списка."),
    ],
)
def test_bad_input_is_shown_on_the_field_and_typed_values_stay(
    client, admin, officer_data, field, value, message
):
    sign_in_as(client, admin)
    response = client.post("/desk/staff/new/", {**officer_data, field: value})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and "error-summary" in page
    assert 'value="Ведущий специалист"' in page
    assert not Officer.objects.filter(staff_number="00123").exists()


def test_a_taken_phone_is_shown_on_the_phone_field(client, admin, officer_data):
    UserFactory(phone="+79105551234")
    sign_in_as(client, admin)
    page = client.post("/desk/staff/new/", officer_data).content.decode()
    assert "Этот номер телефона уже используется." in page
    assert 'id="id_phone_error"' in page


def test_deactivating_needs_a_recent_re_authentication(client, admin, staff):
    ours, _theirs = staff
    sign_in_as(client, admin, reauthenticated=False)
    response = client.post(f"/desk/staff/{ours.pk}/deactivate/")
    assert response.url.startswith("/accounts/confirm/")
    ours.refresh_from_db()
    assert ours.is_active


def test_the_administrator_deactivates_an_officer(client, admin, staff):
    ours, _theirs = staff
    sign_in_as(client, admin)
    response = client.post(f"/desk/staff/{ours.pk}/deactivate/", follow=True)
    assert "Сотрудник отключён" in response.content.decode()
    ours.refresh_from_db()
    assert not ours.is_active and not Officer.objects.get(pk=ours.pk).user.is_active


def test_deactivating_twice_is_explained_not_an_error(client, admin, staff):
    ours, _theirs = staff
    sign_in_as(client, admin)
    client.post(f"/desk/staff/{ours.pk}/deactivate/")
    response = client.post(f"/desk/staff/{ours.pk}/deactivate/", follow=True)
    assert "Сотрудник уже отключён." in response.content.decode()


def test_a_new_invitation_is_sent(
    client, admin, invited, mailoutbox, django_capture_on_commit_callbacks
):
    officer, old = invited
    sign_in_as(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/desk/staff/{officer.pk}/invite/", follow=True)
    assert "Новая ссылка для активации отправлена" in response.content.decode()
    assert link_token(mailoutbox) != old


# --- the activation page ----------------------------------------------------------------


def test_a_bad_activation_link_says_so(client):
    response = client.get("/desk/activate/" + "a" * 43 + "/")
    assert response.status_code == 404
    assert "Ссылка недействительна или устарела" in response.content.decode()


def test_the_officer_activates_the_account_on_the_link(client, invited):
    officer, token = invited
    url = f"/desk/activate/{token}/"
    page = client.get(url).content.decode()
    assert officer.agency.full_name in page and "+7 *** ***-**-34" in page
    response = client.post(url, {"action": "send"}, follow=True)
    assert "Код отправлен в SMS." in response.content.decode()
    password = "Slon-Na-Velosipede-7"
    response = client.post(
        url, {"code": sms_code("+79105551234"), "password1": password, "password2": password}
    )
    assert response.status_code == 302 and response.url == "/accounts/login/"
    officer.user.refresh_from_db()
    assert officer.user.check_password(password)
    assert client.get(url).status_code == 404  # single use


def test_a_wrong_code_on_the_activation_page_keeps_the_form(client, invited):
    _officer, token = invited
    url = f"/desk/activate/{token}/"
    client.post(url, {"action": "send"})
    code = sms_code("+79105551234")
    wrong = "000000" if code != "000000" else "111111"
    password = "Slon-Na-Velosipede-7"
    response = client.post(url, {"code": wrong, "password1": password, "password2": password})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_mismatched_passwords_on_the_activation_page(client, invited):
    _officer, token = invited
    response = client.post(
        f"/desk/activate/{token}/",
        {"code": "123456", "password1": "Slon-Na-Velosipede-7", "password2": "Other-Pass-7!"},
    )
    assert "Пароли не совпадают." in response.content.decode()


def test_the_list_query_count_does_not_grow_with_the_staff(
    client, admin, django_assert_max_num_queries
):
    sign_in_as(client, admin)
    client.get("/desk/staff/")
    OfficerFactory.create_batch(5, agency=admin.officer.agency)
    with django_assert_max_num_queries(12):
        page = client.get("/desk/staff/").content.decode()
    assert page.count("/desk/staff/") >= 7
