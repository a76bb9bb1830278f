import pytest

pytestmark = pytest.mark.django_db


def test_home_page_renders_the_site_layout(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "base.html" in [template.name for template in response.templates]
    assert b'class="skip-link" href="#main"' in response.content


def test_wagtail_admin_login_is_served(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_django_admin_is_not_exposed(client):
    assert client.get("/django-admin/").status_code == 404


def test_unknown_page_gets_the_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_the_favicon_is_found(client):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert client.get(response["Location"]).status_code == 200


def test_the_admin_sends_no_one_to_gravatar(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "gravatar.com" not in html


def test_staff_choose_only_real_time_zones(admin_client):
    html = admin_client.get("/admin/account/").content.decode()
    assert 'value="Africa/Lagos"' in html and 'value="America/Port-au-Prince"' in html
    assert 'value="localtime"' not in html and 'value="posixrules"' not in html
