"""Take the README's screenshot from a running demo: sign in as a role, capture a page.

.venv/bin/python scripts/screenshot.py --url http://127.0.0.1:8000 --password PASSWORD
"""

import argparse
import shutil

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="head-of-service")
    parser.add_argument("--password", required=True)
    parser.add_argument("--page", default="/")
    parser.add_argument("--out", default="docs/images/home.png")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(f"{args.url}/sign-in/")
        page.get_by_label("Username").fill(args.username)
        page.get_by_label("Password").fill(args.password)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{args.url}{args.page}")
        page.screenshot(path=args.out, full_page=True)
        browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
