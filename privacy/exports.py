"""The own-data download: one ZIP with `my-data.json` and a readable CSV file per section."""

import io
import json
import zipfile

from reports.exports import to_csv

from .selectors import SECTIONS


def own_data_zip(data: dict[str, list[dict]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for section, columns in SECTIONS.items():
            rows = ([row[column] for column in columns] for row in data[section])
            archive.writestr(f"{section.replace('_', '-')}.csv", to_csv(columns, rows))
    return buffer.getvalue()
