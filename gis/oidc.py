"""Staff sign-in through an OpenID provider: the authorization code flow with PKCE (S256), state
and nonce, with Authlib; the ID token's signature checked against the provider's published keys
(JWKS, joserfc: Authlib's JOSE library) and its issuer, audience (our client id), expiry and nonce
checked before anything in it is believed.

The provider is found by discovery (<issuer>/.well-known/openid-configuration), whose `issuer`
must be the configured one. Role and UATs come from configured claims (oidc_roles_claim,
oidc_uats_claim), read from the ID token and the userinfo answer for the same `sub` (providers
such as oidc-provider put scope claims only in userinfo): the highest role named wins, a value
in oidc_role_values counts as its role; nobody with no staff role signs in.
"""

from __future__ import annotations

import re
import secrets

from gis.external_accounts import Identity
from gis.roles import STAFF
from gis.settings import Settings

ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA")
USERNAME = re.compile(r"^[a-z0-9._@-]{3,64}$")  # what auth.user.username holds (migration 0018)


class OidcError(Exception):
    """A sign-in through the provider that did not work: `code` is 'unavailable' (the provider
    cannot be asked), 'invalid' (a token, state or answer that does not check out) or 'no_role'."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code


def enabled(settings: Settings) -> bool:
    return bool(settings.oidc_issuer)


def _get_json(settings: Settings, url: str, **kwargs) -> dict:
    import requests

    try:
        answer = requests.get(url, timeout=settings.oidc_timeout_s, **kwargs)
        answer.raise_for_status()
        return answer.json()
    except (requests.RequestException, ValueError) as exc:
        raise OidcError("unavailable", f"{url}: {exc}") from None


def discover(settings: Settings) -> dict:
    meta = _get_json(settings, settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration")
    if meta.get("issuer") != settings.oidc_issuer:
        raise OidcError("invalid", f"the provider says its issuer is {meta.get('issuer')!r}")
    return meta


def _client(settings: Settings, redirect_uri: str):
    from authlib.integrations.requests_client import OAuth2Session

    return OAuth2Session(settings.oidc_client_id, settings.oidc_client_secret, scope=settings.oidc_scopes,
                         redirect_uri=redirect_uri, code_challenge_method="S256",
                         token_endpoint_auth_method="client_secret_basic")  # noqa: S106 - a method's name


def start(settings: Settings, redirect_uri: str) -> dict:
    """Where to send the browser, and what to keep until it comes back (state, nonce, PKCE verifier)."""
    meta = discover(settings)
    nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    url, state = _client(settings, redirect_uri).create_authorization_url(
        meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    return {"url": url, "state": state, "nonce": nonce, "verifier": verifier}


def finish(settings: Settings, redirect_uri: str, code: str, pending: dict) -> tuple[dict, str]:
    """Exchange the code (with the PKCE verifier) and check the ID token: (claims, raw ID token)."""
    from authlib.common.errors import AuthlibBaseError

    meta = discover(settings)
    client = _client(settings, redirect_uri)
    try:
        token = client.fetch_token(meta["token_endpoint"], code=code, code_verifier=pending["verifier"],
                                   grant_type="authorization_code", timeout=settings.oidc_timeout_s)
    except AuthlibBaseError as exc:
        raise OidcError("invalid", f"token endpoint: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - requests' errors: the provider is unreachable
        raise OidcError("unavailable", f"token endpoint: {type(exc).__name__}") from None
    if "id_token" not in token:
        raise OidcError("invalid", "no ID token in the token answer")
    claims = validate_id_token(settings, token["id_token"], pending["nonce"], meta)
    if meta.get("userinfo_endpoint") and token.get("access_token"):
        info = _get_json(settings, meta["userinfo_endpoint"],
                         headers={"Authorization": f"Bearer {token['access_token']}"})
        if info.get("sub") == claims["sub"]:
            claims = {**info, **claims}
    return claims, token["id_token"]


def validate_id_token(settings: Settings, id_token: str, nonce: str, meta: dict | None = None) -> dict:
    """The ID token's claims once its signature (the provider's JWKS), issuer, audience, expiry and
    nonce check out; OidcError('invalid') otherwise."""
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    meta = meta or discover(settings)
    keys = _get_json(settings, meta["jwks_uri"])
    try:
        token = jwt.decode(id_token, KeySet.import_key_set(keys), algorithms=list(ALGORITHMS))
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": settings.oidc_issuer},
            aud={"essential": True, "value": settings.oidc_client_id},
            sub={"essential": True}, exp={"essential": True}, iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except (JoseError, ValueError, TypeError) as exc:
        raise OidcError("invalid", f"ID token: {type(exc).__name__}: {exc}") from None
    claims = token.claims
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != settings.oidc_client_id:
        raise OidcError("invalid", "ID token for several audiences without our client as azp")
    return claims


def _listed(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def identity(settings: Settings, claims: dict) -> Identity:
    """The person the claims describe, with the role and UATs the configured claims give."""
    values = dict(settings.oidc_role_values)
    named = {values.get(str(v), str(v)) for v in _listed(claims.get(settings.oidc_roles_claim))}
    roles = [r for r in STAFF if r in named]
    if not roles:
        raise OidcError("no_role", f"no staff role in the claim {settings.oidc_roles_claim!r}")
    try:
        uats = tuple(sorted({int(u) for u in _listed(claims.get(settings.oidc_uats_claim))})) or None
    except (TypeError, ValueError):
        raise OidcError("invalid", f"the claim {settings.oidc_uats_claim!r} must list SIRUTA codes") from None
    username = str(claims.get(settings.oidc_username_claim) or "").strip().lower()
    if not USERNAME.match(username):
        raise OidcError("invalid", f"the claim {settings.oidc_username_claim!r} is not a user name here")
    return Identity("oidc", f"{settings.oidc_issuer} {claims['sub']}", username,
                    str(claims.get("name") or username)[:200],
                    str(claims["email"])[:320] if isinstance(claims.get("email"), str) else None, roles[-1], uats)


def logout_url(settings: Settings, id_token: str | None, after: str) -> str | None:
    """The provider's end_session_endpoint for this session (RP-initiated logout), when advertised."""
    from urllib.parse import urlencode

    try:
        endpoint = discover(settings).get("end_session_endpoint")
    except OidcError:
        return None
    if not endpoint:
        return None
    query = {"client_id": settings.oidc_client_id, "post_logout_redirect_uri": after}
    if id_token:
        query["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"
