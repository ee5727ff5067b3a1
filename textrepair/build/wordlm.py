"""The general word trigram (``zh_CN.lm``) from Debian's ``libime-data-language-model``.

Run by ``textrepair fetch``; :mod:`textrepair.lm.words` loads the result and never
imports this. The pinned ``.deb`` is downloaded from Debian's archive over HTTP
and unpacked in Python (an ``ar`` archive holding ``data.tar.xz``), so no apt or
dpkg is needed: it works on any Linux or macOS. The model inside is the same
file in every architecture's package (its SHA-256 is checked too); the amd64
package is the one fetched.
"""

from __future__ import annotations

import io
import tarfile
import tempfile
from pathlib import Path

from ..errors import TextrepairError
from ..lm.words import PACKAGE
from .download import download, file_sha256

#: the pinned version (Debian 12's), its address and the SHA-256 of the package ...
PACKAGE_VERSION = "1.0.16-1"
DEB_URL = (
    f"http://deb.debian.org/debian/pool/main/libi/libime/{PACKAGE}_{PACKAGE_VERSION}_amd64.deb"
)
DEB_SHA256 = "a9363f915fbefc8ae1ddab3a8147b6c77fdeaa8adb8ab580bc130601d1539665"
#: ... and of the model it holds
MEMBER = "zh_CN.lm"
SHA256 = "e4097ca9ca1082928c2ea7d5e368080a696611efa0714dfe563c769f26a415d2"


def ar_members(data: bytes) -> dict[str, bytes]:
    """The members of an ``ar`` archive (a ``.deb``), by name."""
    if not data.startswith(b"!<arch>\n"):
        raise TextrepairError("not an ar archive (.deb)")
    members: dict[str, bytes] = {}
    at = 8
    while at + 60 <= len(data):
        header = data[at : at + 60]
        name = header[:16].decode("ascii", "replace").strip().rstrip("/")
        try:
            size = int(header[48:58].decode("ascii").strip())
        except ValueError:
            raise TextrepairError("malformed ar member header in the .deb") from None
        members[name] = data[at + 60 : at + 60 + size]
        at += 60 + size + (size & 1)  # members are 2-byte aligned
    return members


def extract_model(deb: bytes) -> bytes:
    """``zh_CN.lm`` from the package's ``data.tar.*``."""
    members = ar_members(deb)
    data = next((v for k, v in members.items() if k.startswith("data.tar")), None)
    if data is None:
        raise TextrepairError("the .deb has no data.tar member")
    try:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            for info in tar:
                if info.isfile() and info.name.endswith(f"/libime/{MEMBER}"):
                    f = tar.extractfile(info)
                    if f is not None:
                        return f.read()
    except tarfile.TarError as exc:
        raise TextrepairError(f"cannot unpack the .deb's {MEMBER}: {exc}") from None
    raise TextrepairError(f"the .deb holds no libime/{MEMBER}")


def fetch(out: Path, *, progress: bool | None = None) -> Path:
    """Download the pinned package, check both hashes, write the model to *out*."""
    with tempfile.TemporaryDirectory() as tmp:
        deb = download(DEB_URL, DEB_SHA256, Path(tmp) / "wordlm.deb", progress=progress)
        model = extract_model(deb.read_bytes())
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(model)
    if file_sha256(partial) != SHA256:
        partial.unlink()
        raise TextrepairError(f"{MEMBER} from {DEB_URL} is not the pinned model (SHA-256)")
    partial.replace(out)
    return out
