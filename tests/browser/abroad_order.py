#!/usr/bin/env python3
"""abroad_order.py - a real headless Chromium orders from Madrid: on the French order
form, on a phone-sized screen, it picks Spain in the delivery country's list (among the
diaspora's countries, under Morocco), types a Spanish address and mobile in its national
form, sees the fee with the international registered mail, pays at the sandbox and
reaches the confirmation.  Screenshots: OUT_DIR/abroad-*.png.

usage: abroad_order.py BASE_URL OUT_DIR   (prints the tracking number)"""
import os, sys

from citizen_order import Browser, VALUES, order

MADRID = dict(VALUES["fr"], last_name_lat="Chraibi", first_name_lat="Nadia",
              address="Calle de Alcalá 45", postal_code="28014", city="Madrid",
              phone="612 34 56 78", email="")


def main():
    base, out = sys.argv[1].rstrip("/"), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with Browser() as page:
        tracking, secret, state = order(page, base, "fr", out, values=MADRID, country="ES",
                                        tag="abroad")
        assert state == "paid", state
        print(tracking)
    return 0


if __name__ == "__main__":
    sys.exit(main())
