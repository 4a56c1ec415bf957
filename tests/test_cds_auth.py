"""CDS Client authentication: signed JWTs as CDS Hooks 2.0 describes, and nothing else."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fake_fhir import fake_fhir_server
from flask.testing import FlaskClient

import triage_core
from triage_service import create_app
from triage_service.cds.auth import AuthenticationError, Issuer, JwtVerifier

# The example of the specification (CDS Hooks 2.0.1, "Trusting CDS Clients").
SPEC_TOKEN = (
    "eyJhbGciOiJFUzM4NCIsInR5cCI6IkpXVCIsImtpZCI6ImV4YW1wbGUta2lkIiwiamt1IjoiaHR0cHM6Ly9maGlyLWVoci5leGFtcGxlLmNvbS9"
    "qd2tfdXJpIn0.eyJpc3MiOiJodHRwczovL2ZoaXItZWhyLmV4YW1wbGUuY29tLyIsImF1ZCI6Imh0dHBzOi8vY2RzLmV4YW1wbGUub3JnL2Nkcy"
    "1zZXJ2aWNlcy9zb21lLXNlcnZpY2UiLCJleHAiOjE0MjI1Njg4NjAsImlhdCI6MTMxMTI4MDk3MCwianRpIjoiZWUyMmIwMjEtZTFiNy00NjExLW"
    "JhNWItOGVlYzZhMzNhYzFlIiwidGVuYW50IjoiMmRkZDZjM2EtOGU5YS00NGM2LWEzMDUtNTIxMTFhZDMwMmEyIn0.d1WfLjGRKlcWB94l9do4cM"
    "8REXeYJLL6SGUBO8VHZhfM8mwKYP70EMxJ67War4TQblEpaQrp11wx5p7oPFm2ETYgCicS84vXWEIYTdjooZdooCSDf2L8-i4awdoUwiEb"
)
SPEC_JWKS = {
    "keys": [
        {
            "kty": "EC",
            "use": "sig",
            "crv": "P-384",
            "kid": "example-kid",
            "x": "46SDH7Znh821wblCBglA61sNE9ZrHYKKt3qRtRTmSXyOI_FIGBLWrWa0GPUkDCEk",
            "y": "XMcRuuoGW7CXjQdy-F5i3FeBE0x9hPLdeFdSoDd3ELmx404tLX0VRRcqzAsPhXcI",
            "alg": "ES384",
        }
    ]
}
SPEC_ISSUER = Issuer("https://fhir-ehr.example.com/", jwks_url="https://fhir-ehr.example.com/jwk_uri", jwks=SPEC_JWKS)
SPEC_AUDIENCE = "https://cds.example.org/cds-services/some-service"
BETWEEN_IAT_AND_EXP = 1_400_000_000

EHR = "https://ehr.example.org"
PUBLIC = "https://triage.example.org"
SERVICE = f"{PUBLIC}/cds-services/runner-leg-pain"


class Client:
    """A CDS Client with its own key pair, signing tokens as the specification says."""

    def __init__(self, algorithm: str = "ES384", kid: str = "ehr-key-1") -> None:
        self.algorithm, self.kid = algorithm, kid
        if algorithm.startswith("ES"):
            self.private = ec.generate_private_key(ec.SECP384R1())
            public = jwt.algorithms.ECAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        else:
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # type: ignore[assignment]
            public = jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        self.jwk = {**public, "kid": kid, "use": "sig", "alg": algorithm}

    def token(self, audience: str = SERVICE, **overrides: Any) -> str:
        now = int(time.time())
        claims = {"iss": EHR, "aud": audience, "iat": now, "exp": now + 300, "jti": str(uuid.uuid4()), **overrides}
        return jwt.encode(claims, self.private, algorithm=self.algorithm, headers={"kid": self.kid, "typ": "JWT"})


@pytest.fixture(scope="module")
def ehr() -> Client:
    return Client()


@pytest.fixture
def client(ehr: Client, triage_engine: triage_core.Engine) -> FlaskClient:
    config = {"PUBLIC_URL": PUBLIC, "CDS_ISSUERS": {EHR: {"jwks": {"keys": [ehr.jwk]}}}}
    return create_app(config, engine=triage_engine).test_client()


def discovery_claims() -> dict[str, Any]:
    now = int(time.time())
    return {"iss": EHR, "aud": f"{PUBLIC}/cds-services", "iat": now, "exp": now + 60, "jti": str(uuid.uuid4())}


def discover(client: FlaskClient, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.get("/cds-services", headers=headers)


class TestTheSpecificationsExample:
    def test_its_es384_token_is_accepted_with_time_frozen(self) -> None:
        verifier = JwtVerifier([SPEC_ISSUER], clock=lambda: BETWEEN_IAT_AND_EXP)
        claims = verifier.verify(SPEC_TOKEN, SPEC_AUDIENCE)
        assert claims["jti"] == "ee22b021-e1b7-4611-ba5b-8eec6a33ac1e"
        assert claims["tenant"] == "2ddd6c3a-8e9a-44c6-a305-52111ad302a2"

    @pytest.mark.parametrize(
        ("clock", "audience", "message"),
        [
            (lambda: 1_500_000_000, SPEC_AUDIENCE, "expired"),
            (lambda: 1_300_000_000, SPEC_AUDIENCE, "issued in the future"),
            (lambda: BETWEEN_IAT_AND_EXP, "https://cds.example.org/cds-services/other", "InvalidAudienceError"),
        ],
    )
    def test_its_token_is_refused_out_of_time_or_for_another_endpoint(
        self, clock: Callable[[], float], audience: str, message: str
    ) -> None:
        with pytest.raises(AuthenticationError, match=message):
            JwtVerifier([SPEC_ISSUER], clock=clock).verify(SPEC_TOKEN, audience)

    def test_it_cannot_be_replayed(self) -> None:
        verifier = JwtVerifier([SPEC_ISSUER], clock=lambda: BETWEEN_IAT_AND_EXP)
        verifier.verify(SPEC_TOKEN, SPEC_AUDIENCE)
        with pytest.raises(AuthenticationError, match="replay"):
            verifier.verify(SPEC_TOKEN, SPEC_AUDIENCE)


class TestEndpoints:
    def test_a_valid_token_is_accepted(self, client: FlaskClient, ehr: Client) -> None:
        assert discover(client, ehr.token(f"{PUBLIC}/cds-services")).status_code == 200

    def test_rs384_works_too(self, triage_engine: triage_core.Engine) -> None:
        rsa_client = Client("RS384", kid="rsa-1")
        config = {"PUBLIC_URL": PUBLIC, "CDS_ISSUERS": {EHR: {"jwks": {"keys": [rsa_client.jwk]}}}}
        app = create_app(config, engine=triage_engine).test_client()
        assert discover(app, rsa_client.token(f"{PUBLIC}/cds-services")).status_code == 200

    def test_an_audience_list_holding_the_endpoint_is_accepted(self, client: FlaskClient, ehr: Client) -> None:
        token = ehr.token(audience=[f"{PUBLIC}/cds-services", "https://other.example"])  # type: ignore[arg-type]
        assert discover(client, token).status_code == 200

    @pytest.mark.parametrize(
        "forge",
        [
            pytest.param(lambda ehr: None, id="no-token"),
            pytest.param(lambda ehr: "not-a-jwt", id="garbage"),
            pytest.param(lambda ehr: ehr.token(SERVICE), id="aud-of-another-endpoint"),
            pytest.param(lambda ehr: ehr.token(f"{PUBLIC}/cds-services", exp=int(time.time()) - 3600), id="expired"),
            pytest.param(
                lambda ehr: ehr.token(f"{PUBLIC}/cds-services", iss="https://evil.example"), id="unknown-issuer"
            ),
            pytest.param(
                lambda ehr: jwt.encode(
                    discovery_claims(), "a-shared-secret-long-enough-for-hs256!", "HS256", {"kid": ehr.kid}
                ),
                id="hs256",
            ),
            pytest.param(lambda ehr: jwt.encode(discovery_claims(), None, "none", {"kid": ehr.kid}), id="none"),
            pytest.param(lambda ehr: Client(kid=ehr.kid).token(f"{PUBLIC}/cds-services"), id="signed-by-another-key"),
            pytest.param(lambda ehr: Client(kid="other-kid").token(f"{PUBLIC}/cds-services"), id="unknown-kid"),
            pytest.param(lambda ehr: ehr.token(f"{PUBLIC}/cds-services", jti=None), id="no-jti"),
            pytest.param(lambda ehr: ehr.token(f"{PUBLIC}/cds-services", exp="tomorrow"), id="exp-not-a-number"),
        ],
    )
    def test_refused_with_401_and_no_details(
        self, client: FlaskClient, ehr: Client, forge: Callable[[Client], str | None], caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level("INFO")
        token = forge(ehr)
        answer = discover(client, token)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == 'Bearer realm="cds-services"'
        assert answer.mimetype == "application/problem+json"
        assert answer.get_json()["detail"] == "Authentication is required."
        if token:
            assert token not in caplog.text

    def test_a_replayed_jti_is_refused(self, client: FlaskClient, ehr: Client) -> None:
        token = ehr.token(f"{PUBLIC}/cds-services")
        assert discover(client, token).status_code == 200
        assert discover(client, token).status_code == 401

    def test_a_jku_other_than_the_registered_key_set_is_refused(self, client: FlaskClient, ehr: Client) -> None:
        token = jwt.encode(
            discovery_claims(), ehr.private, algorithm="ES384", headers={"kid": ehr.kid, "jku": "https://evil/jwks"}
        )
        assert discover(client, token).status_code == 401

    def test_keys_are_fetched_from_the_issuers_jwks_url(self, triage_engine: triage_core.Engine) -> None:
        rotating = Client(kid="rotated-key")
        with fake_fhir_server() as host:
            host.answer("/fhir/jwks", {"keys": [rotating.jwk]})
            config = {"PUBLIC_URL": PUBLIC, "CDS_ISSUERS": {EHR: {"jwks_url": f"{host.base_url}/jwks"}}}
            app = create_app(config, engine=triage_engine).test_client()
            assert discover(app, rotating.token(f"{PUBLIC}/cds-services")).status_code == 200
            assert discover(app, Client(kid="rotated-key").token(f"{PUBLIC}/cds-services")).status_code == 401

    def test_without_configured_issuers_nothing_gets_in(self, triage_engine: triage_core.Engine, ehr: Client) -> None:
        app = create_app({"PUBLIC_URL": PUBLIC}, engine=triage_engine).test_client()
        assert discover(app, ehr.token(f"{PUBLIC}/cds-services")).status_code == 401

    def test_authentication_can_be_switched_off_only_explicitly(self, triage_engine: triage_core.Engine) -> None:
        app = create_app({"CDS_AUTH": "off"}, engine=triage_engine).test_client()
        assert discover(app, None).status_code == 200
        with pytest.raises(ValueError, match="TRIAGE_CDS_AUTH must be 'jwt' or 'off'"):
            create_app({"CDS_AUTH": "none"}, engine=triage_engine)

    def test_issuers_come_from_the_environment(
        self, monkeypatch: pytest.MonkeyPatch, triage_engine: triage_core.Engine, ehr: Client
    ) -> None:
        monkeypatch.setenv("TRIAGE_CDS_ISSUERS", json.dumps({EHR: {"jwks": {"keys": [ehr.jwk]}}}))
        monkeypatch.setenv("TRIAGE_PUBLIC_URL", PUBLIC)
        app = create_app(engine=triage_engine).test_client()
        assert discover(app, ehr.token(f"{PUBLIC}/cds-services")).status_code == 200


class TestCors:
    ORIGIN = "https://ehr-app.example.org"

    @pytest.fixture
    def browser_app(self, ehr: Client, triage_engine: triage_core.Engine) -> FlaskClient:
        config = {
            "PUBLIC_URL": PUBLIC,
            "CDS_ISSUERS": {EHR: {"jwks": {"keys": [ehr.jwk]}}},
            "CORS_ORIGINS": [self.ORIGIN],
        }
        return create_app(config, engine=triage_engine).test_client()

    def test_preflight_needs_no_token(self, browser_app: FlaskClient) -> None:
        answer = browser_app.options(
            "/cds-services/runner-leg-pain",
            headers={
                "Origin": self.ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "Authorization, Content-Type",
            },
        )
        assert answer.status_code == 200
        assert answer.headers["Access-Control-Allow-Origin"] == self.ORIGIN
        assert "authorization" in answer.headers["Access-Control-Allow-Headers"].lower()
        assert "POST" in answer.headers["Access-Control-Allow-Methods"]

    def test_answers_carry_the_headers_too(self, browser_app: FlaskClient, ehr: Client) -> None:
        ok = browser_app.get(
            "/cds-services",
            headers={"Origin": self.ORIGIN, "Authorization": f"Bearer {ehr.token(f'{PUBLIC}/cds-services')}"},
        )
        assert ok.headers["Access-Control-Allow-Origin"] == self.ORIGIN
        refused = browser_app.post("/cds-services/runner-leg-pain", json={}, headers={"Origin": self.ORIGIN})
        assert refused.status_code == 401
        assert refused.headers["Access-Control-Allow-Origin"] == self.ORIGIN

    def test_other_origins_get_no_cors_headers(self, browser_app: FlaskClient) -> None:
        answer = browser_app.get("/cds-services", headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in answer.headers

    def test_origins_from_the_environment(
        self, monkeypatch: pytest.MonkeyPatch, triage_engine: triage_core.Engine
    ) -> None:
        monkeypatch.setenv("TRIAGE_CORS_ORIGINS", f"{self.ORIGIN}, https://b.example")
        app = create_app({"CDS_AUTH": "off"}, engine=triage_engine)
        assert app.config["CORS_ORIGINS"] == [self.ORIGIN, "https://b.example"]
