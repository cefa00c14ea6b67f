#!/usr/bin/env python3
"""returned_redispatch.py - a citizen whose envelope came back from the post chooses, in a
real headless Chromium on a phone-sized screen, to have it sent again to a corrected
address: the tracking page found with the two codes typed, the "send again" choice
ticked, the corrected address typed, the postage paid at the sandbox gateway with the
card that succeeds, and the tracking page reached again from the return page's button,
where the re-dispatch shows: postage paid, the corrected address masked, the envelope
to be handed to the post.  Screenshots: OUT_DIR/redispatch-<lang>-N.png.

usage: returned_redispatch.py BASE_URL OUT_DIR LANG TRACKING SECRET ADDRESS POSTAL CITY MASKED
(exits 0 when the tracking page shows the re-dispatch paid, its address as MASKED)"""
import os, sys

from citizen_order import Browser


def text(page, id_):
    return page.js(f"(document.getElementById('{id_}')||{{}}).textContent") or ""


def type_into(page, id_, value):
    page.js(f"document.getElementById('{id_}').focus()")
    page.js(f"document.getElementById('{id_}').value=''")
    page.call("Input.insertText", text=value)  # typed, as a person would


def main():
    base, out, lang, tracking, secret, address, postal, city, masked = sys.argv[1:10]
    base = base.rstrip("/")
    os.makedirs(out, exist_ok=True)
    shot = lambda n: page.shot(f"{out}/redispatch-{lang}-{n}.png")
    with Browser() as page:
        page.call("Emulation.setDeviceMetricsOverride", width=360, height=740,
                  deviceScaleFactor=2, mobile=True)
        page.events.clear()
        page.call("Page.navigate", url=f"{base}/track?lang={lang}")
        page.wait_event("Page.loadEventFired")
        type_into(page, "tracking", tracking)
        type_into(page, "secret", secret)
        page.navigate_by("document.querySelector('form[action=\"/track\"] button').click()")
        assert page.js("document.getElementById('state').dataset.state") == "returned", \
            page.js("document.body.innerText")
        assert page.js("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
        postage = text(page, "postage")
        shot(1)
        # the choice: sent again, to the corrected address
        page.js("document.getElementById('choice-resend').click()")
        for id_, value in (("address", address), ("postal_code", postal), ("city", city)):
            type_into(page, id_, value)
        shot(2)
        page.navigate_by("document.getElementById('choosebtn').click()")
        assert "Sandbox Bank" in page.js("document.title"), page.js("document.body.innerText")
        page.js("document.getElementById('card').focus()")
        page.call("Input.insertText", text="4000000000000002")
        shot(3)
        page.navigate_by("document.getElementById('paybtn').click()")
        result = text(page, "result")
        shot(4)
        page.navigate_by("document.querySelector('form[action=\"/track\"] button').click()")
        shot(5)
        box = page.js("(document.getElementById('redispatch')||{dataset:{}}).dataset.state")
        paid = page.js("(document.getElementById('redispatch_postage')||{dataset:{}}).dataset.paid")
        shown = text(page, "redispatch_address")
        body = page.js("document.body.innerText")
        assert box == "paid" and paid == "1", f"{lang}: re-dispatch {box}, paid {paid}: {body}"
        assert shown.startswith(masked + ", ") and postal in shown, f"{lang}: address {shown!r}"
        assert address not in body, f"{lang}: the corrected address is shown whole"
        assert page.js("document.getElementById('state').dataset.state") == "ready"
        print(f"ok - {lang}: Chromium chose to have {tracking} sent again, paid the postage "
              f"{postage} ({result}); the tracking page shows it paid, to {shown!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
