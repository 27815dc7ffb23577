"""Absolute links (check-in QR codes, certificates, activation sheets) start with PUBLIC_BASE_URL and
never follow the Host header a client sends (#9 finding 7)."""

import re

from flask.testing import FlaskClient

from tests.web.conftest import sign_in

PUBLIC = "https://hoctap.example.vn"


class ForgedHostClient(FlaskClient):
    """A client whose every request says `Host: evil.example` (a client chooses that header)."""

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("base_url", "http://evil.example")
        return super().open(*args, **kwargs)


def test_the_checkin_qr_link_ignores_the_host_header(app, trainer, training):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    app.test_client_class = ForgedHostClient
    client = app.test_client()
    assert client.get("/healthz").request.host == "evil.example"
    assert sign_in(client, trainer.login).status_code == 302
    page = client.get(f"/sessions/{training.id}/checkin-code").get_data(as_text=True)
    links = re.findall(r"https?://[^\s\"'<]+/sessions/checkin/[^\s\"'<]+", page)
    assert links and all(link.startswith(f"{PUBLIC}/sessions/checkin/") for link in links)
    assert "evil.example" not in page
    svg = client.get(f"/sessions/{training.id}/qr.svg")
    assert svg.status_code == 200 and b"evil.example" not in svg.data


def test_certificate_and_activation_links_ignore_the_host_header(app):
    from courses.certificates.services import verify_url
    from lms.activation.views import _activate_url

    app.config["PUBLIC_BASE_URL"] = PUBLIC + "/"
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert verify_url("ABCD1234") == f"{PUBLIC}/verify/ABCD1234"
        assert _activate_url() == f"{PUBLIC}/auth/activate"
