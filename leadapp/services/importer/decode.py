"""Reading an uploaded CSV: size limit, encoding detection, parsing into string columns."""

from __future__ import annotations

import codecs
import io

import pandas as pd

from leadapp.services.errors import ServiceError
from leadapp.settings import MAX_IMPORT_BYTES


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name). UTF-8 with or without BOM; UTF-16 with BOM; else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 (with BOM)"
        except UnicodeDecodeError:
            raise ServiceError(
                "The file says it is UTF-8 but is not; save it again as CSV UTF-8."
            ) from None
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ServiceError(
                "The file could not be read as UTF-16; save it again as CSV UTF-8."
            ) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # Windows-1252 maps every byte but five; those few are kept as Latin-1 rather than refused.
    text = data.decode("cp1252", errors="replace")
    if "\ufffd" in text:
        text = data.decode("latin-1")
        return text, "ISO-8859-1"
    return text, "Windows-1252"


def check_size(data: bytes, max_bytes: int | None = MAX_IMPORT_BYTES) -> None:
    if max_bytes is not None and len(data) > max_bytes:
        raise ServiceError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{max_bytes // (1024 * 1024)} MB. Split it into smaller files."
        )


def parse(text: str) -> tuple[list[str], pd.DataFrame, pd.Series]:
    """(headers as written, cells by column position as strings, spreadsheet row numbers).

    Commas and line breaks inside quotes, CRLF line ends. Row numbers count as a
    spreadsheet does (the header is row 1); rows with every cell empty are dropped.
    """
    if not text.strip():
        raise ServiceError("The file is empty.")
    first = text.lstrip("\r\n").split("\n", 1)[0]
    sep = ","
    if "," not in first and first.count(";") > 0:
        sep = ";"
    elif "," not in first and "\t" in first:
        sep = "\t"
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            header=None,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
            index_col=False,
        )
    except pd.errors.EmptyDataError:
        raise ServiceError("The file is empty.") from None
    except pd.errors.ParserError as exc:
        msg = str(exc).strip().replace("Error tokenizing data. C error: ", "")
        raise ServiceError(
            f"The file is not a well-formed CSV ({msg[:160]}). "
            "Check for a row with more cells than the header."
        ) from None
    raw = raw.fillna("")
    headers = [str(h).strip() for h in raw.iloc[0].tolist()]
    body = raw.iloc[1:]
    body.columns = range(body.shape[1])
    rows = pd.Series(range(2, len(body) + 2), index=body.index)
    if len(body):
        nonblank = (body != "").any(axis=1)
        if not bool(nonblank.all()):
            body, rows = body.loc[nonblank], rows.loc[nonblank]
    body = body.reset_index(drop=True)
    rows = rows.reset_index(drop=True)
    return headers, body, rows
