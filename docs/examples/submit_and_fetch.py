#!/usr/bin/env python3
"""Submit a country's data files to the portal, then download its published observations.

Worked example of the portal API (docs/api.md). Needs only `requests`.

    export PORTAL_TOKEN=...            # create one on your profile page
    python submit_and_fetch.py --base-url https://portal.example.org \\
        --country KAZ --round 2026 --format opensdg data/indicator_3-2-1.csv

Steps: open a draft data sheet for the country and round (or reuse the open draft), upload
the files into it (all or nothing), submit it for review, then download the country's
published observations (following the cursor pages) to a CSV file.

`--fetch-only` skips the first three steps.

Exit codes: 0 done; 1 an HTTP or usage error; 2 the files have problems (each one is printed
as `file:row:column: message`) and nothing was stored.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

COLUMNS = [
    "id",
    "country",
    "round",
    "sheet",
    "sheet_version",
    "indicator",
    "area",
    "disaggregation",
    "year",
    "value",
    "unit",
    "nature",
    "source",
    "footnote",
]
TIMEOUT = 120
EXIT_ERROR, EXIT_PROBLEMS = 1, 2


class ApiError(Exception):
    """An unexpected answer from the portal: carries its status and error list."""

    def __init__(self, response: requests.Response) -> None:
        self.status = response.status_code
        try:
            self.errors = response.json().get("errors", [])
        except ValueError:
            self.errors = [{"field": "", "message": response.text[:500], "code": "http"}]
        super().__init__(f"HTTP {self.status} from {response.request.method} {response.url}")


def print_errors(errors: list[dict[str, Any]], stream: Any = sys.stderr) -> None:
    for error in errors:
        where = f"{error.get('field')}: " if error.get("field") else ""
        value = f" (value: {error['value']!r})" if error.get("value") not in (None, "") else ""
        print(f"  {where}{error.get('message')}{value}", file=stream)


class Portal:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update(
            {"Authorization": f"Token {token}", "Accept": "application/json"}
        )

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, self.url(path), timeout=TIMEOUT, **kwargs)

    def open_draft(self, country: str, round_code: str) -> dict[str, Any]:
        """Create a draft; if an open one exists already, reuse it (a draft or a returned sheet)."""
        created = self.request(
            "POST", "/api/v1/sheets/", json={"country": country, "round": round_code}
        )
        if created.status_code == 201:
            sheet = created.json()
            print(f"Created draft data sheet {sheet['id']} (version {sheet['version']}).")
            return sheet
        if created.status_code != 400:
            raise ApiError(created)
        for status in ("draft", "returned"):
            found = self.request(
                "GET",
                "/api/v1/sheets/",
                params={"country": country, "round": round_code, "status": status},
            )
            if found.status_code != 200:
                raise ApiError(found)
            results = found.json()["results"]
            if results:
                sheet = results[0]
                print(
                    f"Using the open {status} data sheet {sheet['id']} (version {sheet['version']})."
                )
                return sheet
        raise ApiError(created)  # no editable sheet: say why the creation was refused

    def upload(
        self, sheet: dict[str, Any], paths: list[Path], args: argparse.Namespace
    ) -> dict[str, Any] | None:
        """Upload every file in one request. Returns None when the files have problems."""
        data: dict[str, str] = {"lock_version": str(sheet["lock_version"])}
        if args.format:
            data["format"] = args.format
        if args.indicator:
            data["indicator"] = args.indicator
        if args.confirm_outliers:
            data["confirm_outliers"] = "true"
        handles = [path.open("rb") for path in paths]
        try:
            files = [
                ("files", (path.name, handle)) for path, handle in zip(paths, handles, strict=True)
            ]
            response = self.request(
                "POST", f"/api/v1/sheets/{sheet['id']}/upload/", data=data, files=files
            )
        finally:
            for handle in handles:
                handle.close()
        if response.status_code == 400:
            errors = response.json().get("errors", [])
            print(
                f"The upload was refused, nothing was stored: {len(errors)} problem(s).",
                file=sys.stderr,
            )
            print_errors(errors)
            return None
        if response.status_code != 201:
            raise ApiError(response)
        result = response.json()
        print(
            "Uploaded: {added} added, {changed} changed, {removed} removed, {unchanged} unchanged.".format(
                **result
            )
        )
        return result["sheet"]

    def submit(self, sheet: dict[str, Any]) -> dict[str, Any]:
        response = self.request("POST", f"/api/v1/sheets/{sheet['id']}/submit/")
        if response.status_code != 200:
            raise ApiError(response)
        submitted = response.json()
        print(f"Submitted data sheet {submitted['id']}: status {submitted['status']}.")
        return submitted

    def observations(self, params: dict[str, str]) -> Any:
        """Yield every published observation, page by page (cursor pagination)."""
        response = self.request(
            "GET", "/api/v1/observations/", params={**params, "page_size": "1000"}
        )
        while True:
            if response.status_code != 200:
                raise ApiError(response)
            page = response.json()
            yield from page["results"]
            if not page["next"]:
                return
            # Follow the cursor on our own base URL (the server may sit behind a proxy).
            link = urlsplit(page["next"])
            response = self.session.get(f"{self.base_url}{link.path}?{link.query}", timeout=TIMEOUT)


def fetch(portal: Portal, country: str, output: Path) -> int:
    count = 0
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in portal.observations({"country": country}):
            writer.writerow(row)
            count += 1
    print(f"Wrote {count} published observation(s) of {country} to {output}.")
    return count


class _Parser(argparse.ArgumentParser):
    def error(
        self, message: str
    ) -> Any:  # exit 1, not argparse's 2: 2 means "the files have problems"
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = _Parser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="the portal's address")
    parser.add_argument(
        "--token",
        default=os.environ.get("PORTAL_TOKEN"),
        help="personal API token (default: the PORTAL_TOKEN environment variable)",
    )
    parser.add_argument("--country", required=True, help="ISO 3166 alpha-3 code, e.g. KAZ")
    parser.add_argument("--round", help="reporting round code, e.g. 2026")
    parser.add_argument("--format", choices=["xlsx", "csv", "opensdg", "sdmx"], help="file format")
    parser.add_argument("--indicator", help="indicator code, for files that do not name it")
    parser.add_argument("--confirm-outliers", action="store_true", help="accept large changes")
    parser.add_argument(
        "--output", type=Path, help="CSV to write (default: observations-<country>.csv)"
    )
    parser.add_argument("--fetch-only", action="store_true", help="only download the observations")
    parser.add_argument("files", nargs="*", type=Path, help="data files to upload")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("give --token or set PORTAL_TOKEN")
    if not args.fetch_only and (not args.round or not args.files):
        parser.error("give --round and at least one file (or --fetch-only)")
    missing = [str(path) for path in args.files if not path.is_file()]
    if missing:
        parser.error(f"no such file: {', '.join(missing)}")
    args.country = args.country.upper()
    args.output = args.output or Path(f"observations-{args.country}.csv")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    portal = Portal(args.base_url, args.token)
    try:
        if not args.fetch_only:
            sheet = portal.open_draft(args.country, args.round)
            uploaded = portal.upload(sheet, args.files, args)
            if uploaded is None:
                return EXIT_PROBLEMS
            portal.submit(uploaded)
        fetch(portal, args.country, args.output)
    except ApiError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        print_errors(exc.errors)
        return EXIT_ERROR
    except requests.RequestException as exc:
        print(f"Error: cannot reach the portal: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
