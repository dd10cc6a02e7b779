"""PAdES signatures on issued certificates (pyHanko), when a signing certificate is configured.

`make demo` creates a self-signed one (`teritoriu signing init`) so that the demo's PDFs are
signed; a city hall configures its qualified certificate instead (TERITORIU_SIGNING_KEY,
TERITORIU_SIGNING_CERT: PEM files).
"""

from __future__ import annotations

import datetime as dt
import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from gis.profiles import get_profile
from gis.settings import Settings

FIELD = "SemnaturaPrimarie"


def paths(settings: Settings) -> tuple[Path, Path]:
    key = settings.signing_key or settings.var_dir / "signing" / "key.pem"
    cert = settings.signing_cert or settings.var_dir / "signing" / "cert.pem"
    return Path(key), Path(cert)


def configured(settings: Settings) -> bool:
    key, cert = paths(settings)
    return key.exists() and cert.exists()


def default_holder(settings: Settings) -> str:
    """Who signs, named from the national profile and the UAT served: a UAT's own `signing_name`
    setting, else the profile's pattern (RO, MD: "Primăria {uat}"); with several UATs, the
    deployment's ("Primăria (Teritoriu)")."""
    from sqlalchemy import text

    from gis.db import get_engine
    from gis.uats import genitive

    pattern = get_profile(settings.profile).signing_name
    with get_engine(settings, "app").connect() as conn:
        uats = conn.execute(text("SELECT name, settings FROM territory.uat ORDER BY siruta LIMIT 2")).all()
    if len(uats) != 1:
        return pattern.format(uat="(Teritoriu)")
    name, own = uats[0]
    return (own or {}).get("signing_name") or pattern.format(uat=genitive(name))


def create_self_signed(settings: Settings, common_name: str) -> tuple[Path, Path]:
    """A self-signed RSA certificate for the demo (valid 3 years); keeps an existing one."""
    key_path, cert_path = paths(settings)
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    country = get_profile(settings.profile).code  # ISO 3166 code of the profile's country
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, country),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"{common_name} (demonstrativ)")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=3 * 365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def _in_own_thread(fn):
    """pyHanko drives asyncio.run() inside; run it where no event loop is already running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def sign(settings: Settings, pdf: bytes, reason: str, location: str, field: str = FIELD) -> bytes:
    """The PDF with a PAdES baseline signature in `field` (an extension signs its own), or unchanged
    when no certificate is configured."""
    if not configured(settings):
        return pdf
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    key, cert = paths(settings)
    signer = signers.SimpleSigner.load(str(key), str(cert))
    meta = signers.PdfSignatureMetadata(field_name=field, reason=reason, location=location,
                                        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
    out = _in_own_thread(lambda: signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta,
                                                  signer=signer))
    return out.getvalue()


def validate(pdf: bytes, cert_pem: bytes, index: int = 0) -> bool:
    """True when the PDF's signature (the `index`-th: an extended certificate carries a second one,
    gis.certificates.extension) is intact, covers what follows it, and chains to `cert_pem`."""
    import tempfile

    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    with tempfile.NamedTemporaryFile(suffix=".pem") as fh:
        fh.write(cert_pem)
        fh.flush()
        root = load_cert_from_pemder(fh.name)
    reader = PdfFileReader(io.BytesIO(pdf))
    if not reader.embedded_signatures:
        return False
    status = _in_own_thread(lambda: validate_pdf_signature(reader.embedded_signatures[index],
                                                           ValidationContext(trust_roots=[root])))
    return bool(status.intact and status.valid and status.bottom_line)
