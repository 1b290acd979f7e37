"""Reading XForms and submissions: pyxform conversion of the shipped XLSForms, and the few facts the
server needs from an XForm (id, version, title, attachment fields, CSV media) and from a submission.

Submissions are parsed with defusedxml: entity declarations (billion laughs, external entities) are
refused before anything is expanded.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element  # noqa: S405 - only the type; parsing goes through defusedxml

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from pyxform.xls2xform import convert

from .xlsforms import FORMS, FORMS_DIR

XF = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"
FILE_CSV = "jr://file-csv/"


class SubmissionError(Exception):
    """A submission that cannot be accepted; `status` is the HTTP status the phone gets."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class XFormInfo:
    form_id: str
    version: str
    title: str
    binary_paths: tuple[str, ...]  # instance paths (without the root) of image/audio questions
    media: tuple[str, ...]  # CSV files the form reads (jr://file-csv/...)


def convert_xlsform(path: Path) -> str:
    """XLSForm → XForm XML with pyxform (no Java validator, no network)."""
    return convert(xlsform=str(path), validate=False, pretty_print=True).xform


def shipped_xlsforms() -> list[Path]:
    return [FORMS_DIR / f"{name}.xlsx" for name in FORMS]


def _strip(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def inspect(xform: str) -> XFormInfo:
    root = SafeET.fromstring(xform)
    head = root.find(f"{H}head")
    model = head.find(f"{XF}model")
    instance = model.find(f"{XF}instance")
    data = next(iter(instance))
    binary = []
    for bind in model.iter(f"{XF}bind"):
        if bind.get("type") == "binary":
            binary.append(bind.get("nodeset").split("/", 2)[2])
    media = [
        i.get("src")[len(FILE_CSV) :]
        for i in model.findall(f"{XF}instance")
        if (i.get("src") or "").startswith(FILE_CSV)
    ]
    return XFormInfo(
        form_id=data.get("id"),
        version=data.get("version") or "",
        title=head.findtext(f"{H}title") or data.get("id"),
        binary_paths=tuple(binary),
        media=tuple(media),
    )


def parse_submission(raw: bytes) -> Element:
    try:
        return SafeET.fromstring(raw, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise SubmissionError(400, "XML kiriman memuat deklarasi entitas/DTD yang tidak diizinkan.") from exc
    except SafeET.ParseError as exc:
        raise SubmissionError(400, f"XML kiriman rusak: {exc}.") from exc


def is_encrypted(root: Element) -> bool:
    """An ODK encrypted submission: `encrypted="yes"` and the answers in an attached `.enc` file."""
    if (root.get("encrypted") or "").lower() in ("yes", "true"):
        return True
    return any(_strip(child.tag) in ("base64EncryptedKey", "encryptedXmlFile") for child in root)


def to_dict(element: Element):
    """The instance as nested dicts; a repeat (a child name seen twice, or any known repeat) becomes a list."""
    children = list(element)
    if not children:
        return (element.text or "").strip()
    out: dict = {}
    for child in children:
        key = _strip(child.tag)
        value = to_dict(child)
        if key in REPEATS:
            out.setdefault(key, []).append(value)
        elif key in out:
            out[key] = [*out[key], value] if isinstance(out[key], list) else [out[key], value]
        else:
            out[key] = value
    return out


REPEATS = {"anggota"}


def find_text(data: dict, path: str) -> str:
    node = data
    for part in path.split("/"):
        if not isinstance(node, dict):
            return ""
        node = node.get(part, "")
    return node if isinstance(node, str) else ""


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()
