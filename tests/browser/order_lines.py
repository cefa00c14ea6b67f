#!/usr/bin/env python3
"""order_lines.py - a real headless Chromium orders two documents in one order (issue 13
item 4): on a phone-sized screen, in French then in Arabic, the citizen ticks the full
copy beside the extract, chooses the copies of each, and the review page lists both
lines with their fees and the sum before paying at the sandbox; the tracking page then
lists both documents.  No JavaScript on our pages: the boxes are clicked and the lists
set as a person would.  Screenshots go to OUT_DIR.

usage: order_lines.py BASE_URL OUT_DIR   (prints each order's tracking number)"""
import os, sys

from citizen_order import Browser, order


def main():
    base, out = sys.argv[1].rstrip("/"), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with Browser() as page:
        for lang, docs, total in (("fr", {"extract": 2, "full_copy": 1}, "70.00"),
                                  ("ar", {"extract": 1, "full_copy": 3}, "90.00")):
            # the review page's lines are read before paying: order() stops there
            tracking, secret, state = order(page, base, lang, out, docs=docs,
                                            tag=f"lines-{lang}")
            assert state == "paid", state
            fee, lines = page.review
            want = ", ".join(f"{d} x{n}" for d, n in docs.items())
            assert fee == total and lines == want, (fee, lines, want)
            rows = page.js("Array.from(document.querySelectorAll('#lines tr[data-doc]'))"
                           ".map(r => r.dataset.doc + ':' + r.dataset.state).join(' ')")
            assert rows == "extract:paid full_copy:paid", rows
            print(f"ok - {lang}: {tracking} paid {total}, the tracking page lists: {rows}")
            print(f"order {lang} {tracking} {total}")


if __name__ == "__main__":
    sys.exit(main())
